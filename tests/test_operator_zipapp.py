"""The single-file program (`qa.zipapp`): built from the checkout, run with nothing but the interpreter.

The archive is run with ``python -I`` (no PYTHONPATH, no user site, no
working directory on sys.path), so that it can only import its own copy of
the package; it must take the pure twins (it carries no extension module).
Its output is compared with the installed package's: the same program.
The daemon session is a scenario of qa/scenarios against the checking peer
(`qa.runner`), as tests/test_reactor_daemon.py runs it for the installed
package.
"""

import asyncio
import os
import re
import subprocess
import sys
import zipfile

import pytest

import exabgp
from qa import runner, zipapp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))
#: an UPDATE (README's example): ORIGIN, AS_PATH, NEXT_HOP, COMMUNITIES, 198.51.100.0/24 and 203.0.113.0/24
UPDATE = (
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E020000001F4001010040020A02020000FBF00000FBFF400304C0000201"
    "C00804FBF0006418C6336418CB0071"
)


@pytest.fixture(scope="module")
def pyz(tmp_path_factory):
    return zipapp.build(str(tmp_path_factory.mktemp("zipapp") / "exabgp.pyz"))


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.lower().startswith(("exabgp", "pythonpath"))}
    env["EXABGP_ENVFILE"] = os.devnull
    return subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def installed(*args) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "exabgp", *args, cwd=PACKAGE_ROOT)


def stable(json_text: str) -> str:
    """The envelope without what changes from one run to the next (time, pid, ppid)."""
    return re.sub(r'"(time|pid|ppid)"\s*:\s*[0-9.]+', r'"\1": _', json_text)


def test_the_archive_holds_the_modules_and_no_extension(pyz):
    with zipfile.ZipFile(pyz) as archive:
        names = archive.namelist()
    assert names[0] == "__main__.py"
    assert "exabgp/cli/main.py" in names and "exabgp/_codec/_wire_py.py" in names
    assert not [name for name in names if not name.endswith(".py")]
    with open(pyz, "rb") as handle:
        assert handle.readline() == zipapp.SHEBANG


def test_it_imports_its_own_package_with_the_pure_twins(pyz):
    done = run(
        sys.executable,
        "-I",
        "-c",
        f"import sys; sys.path.insert(0, {pyz!r}); import exabgp._codec as codec; "
        "print(codec.__file__, codec.IMPLEMENTATION)",
    )
    assert done.returncode == 0, done.stderr
    path, implementation = done.stdout.split()
    assert (path, implementation) == (os.path.join(pyz, "exabgp", "_codec", "__init__.py"), "py")


def test_version(pyz):
    done = run(sys.executable, "-I", pyz, "version")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == installed("version").stdout.splitlines()[0]
    assert lines[3] == f"From   : {os.path.join(pyz, 'exabgp')}"
    assert lines[-1] == "Codec  : pure Python (the compiled twins are not installed)"


def test_it_runs_as_an_executable(pyz):
    done = run(pyz, "version")
    assert done.returncode == 0 and done.stdout.startswith("ExaBGP : "), done.stderr


def test_decode_prints_what_the_installed_package_prints(pyz):
    done = run(sys.executable, "-I", pyz, "decode", UPDATE)
    assert done.returncode == 0, done.stderr
    assert stable(done.stdout) == stable(installed("decode", UPDATE).stdout)
    assert '{ "nlri": "198.51.100.0/24" }, { "nlri": "203.0.113.0/24" }' in done.stdout


@pytest.mark.slow
def test_validate_accepts_the_example_and_refuses_a_bad_file(pyz, tmp_path):
    done = run(
        sys.executable,
        "-I",
        pyz,
        "validate",
        os.path.join(ROOT, "examples", "quickstart.conf"),
        cwd=os.path.join(ROOT, "examples"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "bad.conf").write_text("neighbor 127.0.0.1 {\n    local-as 1;\n    peer-as 2;\n    hold-time 2;\n}\n")
    bad = run(sys.executable, "-I", pyz, "validate", str(tmp_path / "bad.conf"))
    assert bad.returncode == 1
    assert "bad.conf:4:" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr


@pytest.mark.slow
def test_a_daemon_session_against_the_checking_peer(pyz, monkeypatch):
    monkeypatch.delenv("EXABGP_REQUIRE_EXTENSIONS", raising=False)  # the archive runs the pure twins
    test = next(
        test
        for test in runner.discover(os.path.join(ROOT, "absent"), os.path.join(ROOT, "qa", "scenarios"))
        if test.name == "scenarios/ipv4-med-communities"
    )
    result = asyncio.run(runner.run_test(test, f"{sys.executable} -I {pyz}", runner.Ports(0), 30, linger=0.3))
    assert result.status == "pass", f"{result.reason}\n{result.diff}\n{result.daemon_output}"
    assert os.path.join(pyz, "exabgp") in result.daemon_output  # the daemon that ran is the archive's
