"""Shared fixtures: the codec twins, ExaBGP's reference material, the hypothesis profiles.

`codec` runs a test once per twin: "c" (compiled) and "py" (pure).  With
EXABGP_NO_EXTENSIONS set (a pure install) only the pure twin is a
parameter; otherwise a compiled twin that cannot be imported FAILS the
tests that use it (a build must not lose its extensions silently; in a
source tree, build them with `python setup.py build_ext --inplace`).
`compiled_codec` / `pure_codec` give one twin each, for tests that compare them.
`reference` is the folder of ../shared/exabgp-reference (`qa.reference`):
every test that reads it takes it from this fixture, which skips without it
and fails under EXABGP_REFERENCE_REQUIRED=1 (.ci/run).
The hypothesis profiles (`qa.hypothesis_profiles`) are registered and loaded
here, before the test modules are imported.

Before any test module is imported, `pytest_configure` refuses a run that
would test an uncompiled source tree: ``python -m pytest`` from the
repository root puts the root on sys.path, so ``import exabgp`` takes
./exabgp, whose compiled twins exist only after ``pip install -e .`` (or
``python setup.py build_ext --inplace``).  Without them every test of the
compiled twin would fail on its own (182 errors); the run stops instead with
one message saying what to do.  EXABGP_NO_EXTENSIONS=1 tests the pure twins
on purpose and passes the guard.
"""

import importlib
import importlib.machinery
import importlib.util
import os
import pathlib
import sys

import hypothesis
import pytest

import exabgp

# The repository's qa/ package (checking peer, runner, interop fixtures), loaded by path: putting the
# repository on sys.path would shadow the installed exabgp these tests must import.
QA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qa")
if "qa" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "qa", os.path.join(QA, "__init__.py"), submodule_search_locations=[QA]
    )
    sys.modules["qa"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["qa"])

from qa.hypothesis_profiles import PROFILE, QUICK  # noqa: E402 (qa is loaded just above)
from qa.reference import require_reference  # noqa: E402

# The hypothesis profiles (qa/hypothesis_profiles.py): EXABGP_HYPOTHESIS=thorough in CI, quick otherwise.
hypothesis.settings.register_profile("quick", max_examples=QUICK)
hypothesis.settings.register_profile("thorough", print_blob=True)
hypothesis.settings.load_profile(PROFILE)


def uncompiled_twins(package: pathlib.Path) -> list:
    """The codec topics of `package` (an ``exabgp`` directory) whose compiled twin is not there."""
    codec = package / "_codec"
    return sorted(
        pure.stem[1 : -len("_py")]
        for pure in codec.glob("_*_py.py")
        if not any(
            (codec / (pure.stem[: -len("py")] + "c" + suffix)).exists()
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
        )
    )


def pytest_configure(config):
    """Stop, with one message, a run that would test exabgp without its compiled twins as if it were a build."""
    if os.environ.get("EXABGP_NO_EXTENSIONS") or sys.implementation.name != "cpython":
        return
    package = pathlib.Path(exabgp.__file__).resolve().parent
    missing = uncompiled_twins(package)
    if not missing:
        return
    if package.parent == pathlib.Path(QA).resolve().parent:
        why = (
            "this source tree was never compiled, and `python -m pytest` puts the working directory on sys.path, "
            "so its ./exabgp shadows any installed one"
        )
    else:
        why = "this install is a pure build"
    raise pytest.UsageError(
        f"the tests would import exabgp from {package}, which has no compiled codec twin for "
        f"{', '.join(missing)}: {why}.  Either\n"
        "  - test the compiled build: pip install -e '.[test]' (compiles the twins in place), then run the venv's "
        '`pytest -m "not slow"` (the edit loop) or `pytest`;\n'
        "  - or test the pure twins on purpose: EXABGP_NO_EXTENSIONS=1 python -m pytest"
    )


@pytest.fixture(scope="session")
def reference():
    """ExaBGP 5.0's reference material (`qa.reference`): skips without ../shared, fails under CI's variable."""
    return require_reference()


@pytest.fixture
def running():
    """Processes a test starts (qa.interop objects with `stop()`); stopped at teardown, whatever happened."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture(scope="session")
def pure_codec():
    return importlib.import_module("exabgp._codec").load("py")


@pytest.fixture(scope="session")
def compiled_codec():
    try:
        return importlib.import_module("exabgp._codec").load("c")
    except ImportError as error:
        pytest.fail(f"the compiled codec does not import (set EXABGP_NO_EXTENSIONS=1 for a pure install): {error}")


TWINS = ["py"] if os.environ.get("EXABGP_NO_EXTENSIONS") else ["c", "py"]


@pytest.fixture(scope="session", params=TWINS)
def codec(request):
    return request.getfixturevalue("compiled_codec" if request.param == "c" else "pure_codec")


def pytest_collection_modifyitems(config, items):
    """A pure install has one twin: tests that compare the compiled one with it do not apply.

    They are deselected (reported as such), not skipped: the compiled run of
    the suite runs them.
    """
    if not os.environ.get("EXABGP_NO_EXTENSIONS"):
        return
    kept = [item for item in items if "compiled_codec" not in getattr(item, "fixturenames", ())]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture
def sample(tmp_path):
    """The hand-written MRT file of `qa.mrt_samples.sample_file` (the MRT tests' records), in `tmp_path`."""
    from qa import mrt_samples

    path = tmp_path / "sample.mrt"
    path.write_bytes(mrt_samples.sample_file())
    return path
