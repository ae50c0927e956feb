"""Shared fixtures: the codec twins.

`codec` runs a test once per twin: "c" (compiled) and "py" (pure).  When the
compiled twin cannot be imported, its parameter FAILS if
EXABGP_REQUIRE_EXTENSIONS is set (a build must not lose its extensions
silently) and is otherwise skipped with the import error as the reason.
`compiled_codec` / `pure_codec` give one twin each, for tests that compare them.
"""

import os

import pytest

import exabgp._codec


@pytest.fixture(scope="session")
def pure_codec():
    return exabgp._codec.load("py")


@pytest.fixture(scope="session")
def compiled_codec():
    try:
        return exabgp._codec.load("c")
    except ImportError as error:
        if os.environ.get("EXABGP_REQUIRE_EXTENSIONS"):
            pytest.fail(f"EXABGP_REQUIRE_EXTENSIONS is set but the compiled codec does not import: {error}")
        pytest.skip(f"compiled codec not available (pure install?): {error}")


@pytest.fixture(scope="session", params=["c", "py"])
def codec(request):
    return request.getfixturevalue("compiled_codec" if request.param == "c" else "pure_codec")
