"""The codec selector: compiled twins when available, pure twins otherwise.

Every topic of the hot path exists twice with the same functions, results and
errors: `_<topic>_c.pyx` (compiled by Cython) and `_<topic>_py.py` (pure
Python, the specification).  The choice is made once, here, for all topics
together, never per topic:

* ``EXABGP_NO_EXTENSIONS`` set (non-empty) or not CPython: pure;
* otherwise compiled, falling back to pure on ImportError, unless
  ``EXABGP_REQUIRE_EXTENSIONS`` is set, in which case the ImportError
  propagates (a build that silently lost its extensions must not pass CI).

``IMPLEMENTATION`` tells which twin was loaded ("c" or "py"); ``SUMMARY``
says it and why in one phrase, which ``exabgp version`` prints and the daemon
logs at start-up, so that a build or an install that lost its extensions
shows: ``compiled (Cython)``, else ``pure Python (REASON)`` with REASON one
of ``EXABGP_NO_EXTENSIONS is set``, ``pypy runs the pure twins``, ``the
compiled twins are not installed`` (a pure build) or ``the compiled twins
failed to load: ERROR`` (installed, but an ImportError other than their
absence: ``BROKEN`` holds it, else None, and the daemon logs it as a
warning).
``load(name)`` returns the other twin as a namespace, for tests and
benchmarks.  The chosen twin's functions are re-exported as attributes of
this package.
"""

import importlib
import os
import sys
import types

from exabgp._codec.errors import CodecError

TOPICS = ("wire", "nlri", "attrs", "json", "check", "ribin")


def load(implementation: str) -> types.SimpleNamespace:
    """Import every topic of one twin ("c" or "py") into one namespace."""
    if implementation not in ("c", "py"):
        raise ValueError(f"unknown codec implementation {implementation!r}")
    namespace = types.SimpleNamespace(IMPLEMENTATION=implementation, CodecError=CodecError)
    for topic in TOPICS:
        module = importlib.import_module(f"exabgp._codec._{topic}_{implementation}")
        for name in module.__all__:
            setattr(namespace, name, getattr(module, name))
    return namespace


def _choose() -> tuple:
    """The twin to run, `SUMMARY` and `BROKEN`."""
    if os.environ.get("EXABGP_NO_EXTENSIONS"):
        return load("py"), "pure Python (EXABGP_NO_EXTENSIONS is set)", None
    if sys.implementation.name != "cpython":
        return load("py"), f"pure Python ({sys.implementation.name} runs the pure twins)", None
    try:
        return load("c"), "compiled (Cython)", None
    except ImportError as error:
        if os.environ.get("EXABGP_REQUIRE_EXTENSIONS"):
            raise
        if isinstance(error, ModuleNotFoundError) and (error.name or "").startswith(f"{__name__}._"):
            return load("py"), "pure Python (the compiled twins are not installed)", None
        return load("py"), f"pure Python (the compiled twins failed to load: {error})", str(error)


_chosen, SUMMARY, BROKEN = _choose()
#: "c" or "py": the twin in use
IMPLEMENTATION = _chosen.IMPLEMENTATION
globals().update({name: value for name, value in vars(_chosen).items() if name != "IMPLEMENTATION"})
del _chosen
