"""The rules tests/conftest.py sets for a run: the source-tree guard, the reference fixture, the hypothesis profiles.

A run that would test an uncompiled source tree stops with one message; the ``reference`` fixture skips without
../shared and fails when CI requires it; a property runs at most 20 examples by default and its own count under
EXABGP_HYPOTHESIS=thorough.

Each test lays out a small source tree in `tmp_path` (the ``exabgp`` package's Python modules, no extension
module; tests/conftest.py and the qa package it loads; the pytest configuration of pyproject.toml) with one test
file that records which ``exabgp`` it imported, and runs ``python -m pytest`` there, as a developer would from
the root of a clone where the twins were never compiled (the working directory goes first on sys.path).
"""

import importlib.machinery
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import exabgp

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROBE = """
import exabgp


def test_probe():
    print("imported", exabgp.__file__)
"""


def source_tree(root: pathlib.Path) -> pathlib.Path:
    """An uncompiled copy of the package with the suite's conftest; the directory holding ``exabgp``."""
    shutil.copytree(
        pathlib.Path(exabgp.__file__).parent,
        root / "exabgp",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "*.c", "__pycache__"),
    )
    (root / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "conftest.py", root / "tests" / "conftest.py")
    (root / "tests" / "test_probe.py").write_text(PROBE)
    shutil.copytree(ROOT / "qa", root / "qa", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "--import-mode=importlib"\n')
    return root


def python_m_pytest(root: pathlib.Path, **environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXABGP_") and key != "PYTHONPATH"}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "require", ["", pytest.param("1", marks=pytest.mark.slow)], ids=["default", "EXABGP_REQUIRE_EXTENSIONS"]
)
def test_an_uncompiled_tree_stops_the_run_with_one_message(tmp_path, require):
    root = source_tree(tmp_path)
    done = python_m_pytest(root, **({"EXABGP_REQUIRE_EXTENSIONS": require} if require else {}))
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert output.count("ERROR") == 1, output
    assert f"the tests would import exabgp from {root / 'exabgp'}" in output
    assert "no compiled codec twin for attrs, index, json, mrt, nlri, ribin, wire" in output
    assert "pip install -e '.[test]'" in output and "EXABGP_NO_EXTENSIONS=1 python -m pytest" in output
    assert "imported" not in output and "passed" not in output


@pytest.mark.slow
def test_the_message_names_the_topics_left_uncompiled(tmp_path):
    root = source_tree(tmp_path)
    codec = root / "exabgp" / "_codec"
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for pure in codec.glob("_*_py.py"):
        if pure.name != "_json_py.py":
            (codec / f"{pure.name[: -len('_py.py')]}_c{suffix}").write_bytes(b"")
    done = python_m_pytest(root)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "no compiled codec twin for json:" in done.stdout + done.stderr


def test_the_pure_twins_on_purpose_pass_the_guard(tmp_path):
    root = source_tree(tmp_path)
    done = python_m_pytest(root, EXABGP_NO_EXTENSIONS="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"imported {root / 'exabgp' / '__init__.py'}" in done.stdout
    assert "1 passed" in done.stdout


READER = """
def test_reads_the_reference(reference):
    assert (reference / "encoding").is_dir()
"""


@pytest.mark.parametrize(
    "shared, required, outcome",
    [
        (False, "", "1 skipped"),
        pytest.param(False, "1", "1 error", marks=pytest.mark.slow),
        pytest.param(True, "1", "1 passed", marks=pytest.mark.slow),
    ],
    ids=["absent", "absent-required", "present"],
)
def test_the_reference_fixture_skips_fails_or_gives_the_folder(tmp_path, shared, required, outcome):
    """``reference`` (tests/conftest.py, `qa.reference`): ../shared/exabgp-reference beside the checkout; without
    it the test skips, or fails under EXABGP_REFERENCE_REQUIRED=1 as in CI."""
    root = source_tree(tmp_path / "checkout")
    (root / "tests" / "test_probe.py").write_text(READER)
    if shared:
        (tmp_path / "shared" / "exabgp-reference" / "encoding").mkdir(parents=True)
    settings = {"EXABGP_NO_EXTENSIONS": "1", **({"EXABGP_REFERENCE_REQUIRED": required} if required else {})}
    done = python_m_pytest(root, **settings)
    assert outcome in done.stdout, done.stdout + done.stderr
    if required and not shared:
        assert "EXABGP_REFERENCE_REQUIRED=1" in done.stdout


COUNTER = """
from hypothesis import given, settings, strategies as st

from qa.hypothesis_profiles import examples

RUNS = []


@settings(max_examples=examples(57), database=None)
@given(st.integers())
def test_count(number):
    RUNS.append(number)


def test_report():
    print("examples run:", len(RUNS))
"""


@pytest.mark.parametrize(
    "profile, count", [("quick", 20), pytest.param("thorough", 57, marks=pytest.mark.slow)], ids=["quick", "thorough"]
)
def test_the_hypothesis_profile_sets_the_examples_a_property_runs(tmp_path, profile, count):
    """`qa.hypothesis_profiles`: at most 20 examples by default, the count the test asks for under
    EXABGP_HYPOTHESIS=thorough (what .ci/run sets, so CI runs what the tests always asked for)."""
    root = source_tree(tmp_path)
    (root / "tests" / "test_probe.py").write_text(COUNTER)
    done = python_m_pytest(root, EXABGP_NO_EXTENSIONS="1", EXABGP_HYPOTHESIS=profile)
    assert f"examples run: {count}" in done.stdout, done.stdout + done.stderr
