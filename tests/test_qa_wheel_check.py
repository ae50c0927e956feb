"""qa/wheel_check.py, the wheel check `.ci/run` and cibuildwheel's test step run (issue 10, finding 3).

Building and repairing a wheel takes minutes: `.ci/run` runs the script
whole.  Here, what keeps it honest: its fast subset names test files that
exist, cibuildwheel's test step runs it, and its test mode refuses an
`exabgp` imported from the source tree (the tests would then check the
tree, not the wheel).
"""

import importlib.util
import os
import subprocess
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:
    tomllib = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO, "qa", "wheel_check.py")


def load():
    spec = importlib.util.spec_from_file_location("wheel_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fast_subset_names_existing_test_files():
    fast = load().FAST
    assert len(set(fast)) == len(fast)
    missing = [name for name in fast if not os.path.isfile(os.path.join(REPO, "tests", name))]
    assert not missing, f"qa/wheel_check.py FAST names missing test files: {missing}"
    assert "test_codec_guard.py" in fast


def test_cibuildwheel_tests_each_wheel_with_it():
    with open(os.path.join(REPO, "pyproject.toml"), "rb") as handle:
        text = handle.read()
    if tomllib is None:  # Python 3.10: no tomllib; the line itself
        assert b'test-command = "python {project}/qa/wheel_check.py test"' in text
        return
    settings = tomllib.loads(text.decode())["tool"]["cibuildwheel"]
    assert settings["test-command"] == "python {project}/qa/wheel_check.py test"
    assert settings["test-environment"]["EXABGP_REQUIRE_EXTENSIONS"] == "1"


def test_the_test_mode_refuses_the_source_tree():
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXABGP_")}
    env["PYTHONPATH"] = REPO
    done = subprocess.run(
        [sys.executable, SCRIPT, "test"], capture_output=True, text=True, timeout=60, cwd=REPO, env=env
    )
    assert done.returncode != 0
    assert "comes from the source tree" in done.stderr + done.stdout
