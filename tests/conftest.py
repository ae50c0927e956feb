"""Shared fixtures: the codec twins.

`codec` runs a test once per twin: "c" (compiled) and "py" (pure).  With
EXABGP_NO_EXTENSIONS set (a pure install) only the pure twin is a
parameter; otherwise a compiled twin that cannot be imported FAILS the
tests that use it (a build must not lose its extensions silently; in a
source tree, build them with `python setup.py build_ext --inplace`).
`compiled_codec` / `pure_codec` give one twin each, for tests that compare them.
"""

import importlib.util
import os
import sys

import pytest

import exabgp._codec

# The repository's qa/ package (checking peer, runner, interop fixtures), loaded by path: putting the
# repository on sys.path would shadow the installed exabgp these tests must import.
QA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qa")
if "qa" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "qa", os.path.join(QA, "__init__.py"), submodule_search_locations=[QA]
    )
    sys.modules["qa"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["qa"])


@pytest.fixture
def running():
    """Processes a test starts (qa.interop objects with `stop()`); stopped at teardown, whatever happened."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture(scope="session")
def pure_codec():
    return exabgp._codec.load("py")


@pytest.fixture(scope="session")
def compiled_codec():
    try:
        return exabgp._codec.load("c")
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
