"""ExaBGP 5.0.15, the reference the differential tests compare us with: found, or installed.

The oracle is ExaBGP 5.0.15 from PyPI in a virtual environment of its own,
run as a separate program (`bin/exabgp` of that venv); nothing of it is ever
imported into our process.  Where the venv lives:

* ``EXABGP_ORACLE`` when set (a venv directory);
* else ``$XDG_CACHE_HOME/exabgp-oracle/5.0.15-pyX.Y`` (``~/.cache/...``
  when ``XDG_CACHE_HOME`` is unset), X.Y the version of the interpreter
  running the tests: 5.0.15 runs on the same Python as ours, so what the
  standard library decides (argparse's help layout changed in 3.13) is the
  same on both sides of a comparison.

`oracle_venv()` returns that directory after making sure 5.0.15 is installed
in it: a missing venv is created with the interpreter running this code and
``pip install exabgp==5.0.15``; an install that fails raises `OracleMissing`.
`require_oracle()` is what the tests call: a missing oracle skips the test,
or fails it when ``EXABGP_ORACLE_REQUIRED=1`` (what ``.ci/run`` sets: the
comparisons must run there).

    python -m qa.oracle          install (if needed) and print the venv directory

Test tooling: nothing in the `exabgp` package imports it.
"""

import os
import subprocess
import sys

VERSION = "5.0.15"
#: the variable naming the oracle's venv directory
LOCATION = "EXABGP_ORACLE"
#: the variable .ci/run sets: a missing oracle then fails the test instead of skipping it
REQUIRED = "EXABGP_ORACLE_REQUIRED"


class OracleMissing(RuntimeError):
    """ExaBGP 5.0.15 is not installed and could not be installed."""


def default_location() -> str:
    """Where the oracle's venv lives when ``EXABGP_ORACLE`` is not set."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "exabgp-oracle", f"{VERSION}-py{sys.version_info[0]}.{sys.version_info[1]}")


def location() -> str:
    """The oracle's venv directory (it may not exist yet)."""
    return os.environ.get(LOCATION) or default_location()


def _installed(venv: str) -> bool:
    """True when `venv` runs ExaBGP 5.0.15 (asked through its own interpreter, not by importing it here)."""
    python = os.path.join(venv, "bin", "python")
    if not os.access(os.path.join(venv, "bin", "exabgp"), os.X_OK) or not os.access(python, os.X_OK):
        return False
    probe = subprocess.run(
        [python, "-I", "-c", "import importlib.metadata as m; print(m.version('exabgp'))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return probe.returncode == 0 and probe.stdout.strip() == VERSION


def oracle_venv() -> str:
    """The venv directory holding ExaBGP 5.0.15, installed there first when missing."""
    venv = location()
    if _installed(venv):
        return venv
    steps = (
        [sys.executable, "-m", "venv", "--clear", venv],
        [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", f"exabgp=={VERSION}"],
    )
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise OracleMissing(
                f"could not install ExaBGP {VERSION} in {venv}: {' '.join(step)} said\n{done.stdout}{done.stderr}"
            )
    if not _installed(venv):
        raise OracleMissing(f"ExaBGP {VERSION} does not run from {venv} after its installation")
    return venv


def oracle_program(name: str = "exabgp") -> str:
    """The path of one of the oracle's programs (`exabgp`, `exabgp-cli`, `exabgp-healthcheck`, `python`)."""
    return os.path.join(oracle_venv(), "bin", name)


def require_oracle(name: str = "exabgp") -> str:
    """`oracle_program(name)` for a test: skip when missing, fail under ``EXABGP_ORACLE_REQUIRED=1``."""
    import pytest

    try:
        return oracle_program(name)
    except (OracleMissing, OSError, subprocess.SubprocessError) as error:
        if os.environ.get(REQUIRED) == "1":
            pytest.fail(f"ExaBGP {VERSION} (the oracle) is required here: {error}")
        pytest.skip(f"ExaBGP {VERSION} (the oracle) is not available: {error}")


if __name__ == "__main__":
    print(oracle_venv())
