"""The codec facade: compiled twins when available, pure twins otherwise.

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
warning).  ``load(name)`` returns either twin as a namespace, for tests and
benchmarks that compare them.

How the names are exported: each topic module of the chosen twin is imported
under the topic's name (``_wire``, ``_nlri``, ...), by an explicit import per
topic in one branch for each twin, and every public name of the codec is
then bound once, below, from its topic (``frame_message =
_wire.frame_message``).  The functions are the twin's own objects: a caller
that does ``from exabgp._codec import frame_message`` calls the compiled
function directly, with no wrapper or lookup per call.  For a type checker
or an IDE, the branch taken is the pure twins' (``TYPE_CHECKING``): they
are the specification and carry the annotations, which the compiled twins
(whose `.pyx` no type checker reads) cannot give; tests/test_codec_twins.py
checks that the two twins of each topic export the same names with the same
signatures, and that this module exports exactly those names.  Explicit
imports were chosen over a ``.pyi`` stub: a stub would repeat every
signature by hand and hide this module's own code from the type checker.
"""

import importlib
import os
import sys
import types

from exabgp._codec.errors import CodecError as CodecError  # re-exported: the codec's one exception

#: True for a type checker only: `typing.TYPE_CHECKING` without importing `typing`, which the short commands
#: keep out of their start-up (tests/test_cli_imports.py)
TYPE_CHECKING = False

#: the topics, each a pair of twins `_<topic>_c` / `_<topic>_py`
TOPICS = ("wire", "nlri", "attrs", "json", "index", "ribin", "mrt")


def _modules(implementation: str) -> list[types.ModuleType]:
    """The topic modules of one twin ("c" or "py"), in `TOPICS` order."""
    if implementation not in ("c", "py"):
        raise ValueError(f"unknown codec implementation {implementation!r}")
    return [importlib.import_module(f"exabgp._codec._{topic}_{implementation}") for topic in TOPICS]


def load(implementation: str) -> types.SimpleNamespace:
    """Every topic of one twin ("c" or "py") in one namespace, for tests and benchmarks."""
    namespace = types.SimpleNamespace(IMPLEMENTATION=implementation, CodecError=CodecError)
    for module in _modules(implementation):
        for name in module.__all__:
            setattr(namespace, name, getattr(module, name))
    return namespace


def _choose() -> tuple[str, str, str | None]:
    """The twin to run ("c" or "py"), `SUMMARY` and `BROKEN`; the compiled twins are imported to try them."""
    if os.environ.get("EXABGP_NO_EXTENSIONS"):
        return "py", "pure Python (EXABGP_NO_EXTENSIONS is set)", None
    if sys.implementation.name != "cpython":
        return "py", f"pure Python ({sys.implementation.name} runs the pure twins)", None
    try:
        _modules("c")
    except ImportError as error:
        if os.environ.get("EXABGP_REQUIRE_EXTENSIONS"):
            raise
        if isinstance(error, ModuleNotFoundError) and (error.name or "").startswith(f"{__name__}._"):
            return "py", "pure Python (the compiled twins are not installed)", None
        return "py", f"pure Python (the compiled twins failed to load: {error})", str(error)
    return "c", "compiled (Cython)", None


#: "c" or "py": the twin in use; `SUMMARY`, `BROKEN`: see the module docstring
IMPLEMENTATION, SUMMARY, BROKEN = _choose()

if TYPE_CHECKING or IMPLEMENTATION == "py":
    from exabgp._codec import _attrs_py as _attrs
    from exabgp._codec import _index_py as _index
    from exabgp._codec import _json_py as _json
    from exabgp._codec import _mrt_py as _mrt
    from exabgp._codec import _nlri_py as _nlri
    from exabgp._codec import _ribin_py as _ribin
    from exabgp._codec import _wire_py as _wire
else:
    from exabgp._codec import _attrs_c as _attrs
    from exabgp._codec import _index_c as _index
    from exabgp._codec import _json_c as _json
    from exabgp._codec import _mrt_c as _mrt
    from exabgp._codec import _nlri_c as _nlri
    from exabgp._codec import _ribin_c as _ribin
    from exabgp._codec import _wire_c as _wire

# ---------------------------------------------------------------- the codec's public names, by topic

# wire: framing of messages and of an UPDATE's sections
MARKER = _wire.MARKER
frame_message = _wire.frame_message
split_messages = _wire.split_messages
split_update = _wire.split_update
walk_attributes = _wire.walk_attributes

# nlri: prefixes (plain, labeled, VPN)
KIND_PLAIN = _nlri.KIND_PLAIN
KIND_LABELED = _nlri.KIND_LABELED
KIND_VPN = _nlri.KIND_VPN
decode_nlri = _nlri.decode_nlri
encode_nlri = _nlri.encode_nlri
pack_nlri = _nlri.pack_nlri

# attrs: path attributes
encode_attribute = _attrs.encode_attribute
decode_as_path = _attrs.decode_as_path
encode_as_path = _attrs.encode_as_path
decode_communities = _attrs.decode_communities
encode_communities = _attrs.encode_communities
decode_large_communities = _attrs.decode_large_communities
encode_large_communities = _attrs.encode_large_communities
decode_extended_communities = _attrs.decode_extended_communities
encode_extended_communities = _attrs.encode_extended_communities

# json: an UPDATE, or a run of them, in 5.0's JSON
render_update = _json.render_update
render_run = _json.render_run

# index: the one pass over received UPDATEs: vouched for, plain, where their parts are
check_update = _index.check_update
index_update = _index.index_update
index_updates = _index.index_updates

# ribin: the Adj-RIB-In's ingest
ingest_messages = _ribin.ingest_messages
nlri_keys = _ribin.nlri_keys

# mrt: a buffer of MRT records in one pass, into bgpdump's text, JSON lines or the route columns; a run of UPDATEs into records
bgp4mp_records = _mrt.bgp4mp_records
bgpdump_text = _mrt.bgpdump_text
json_lines = _mrt.json_lines
mrt_columns = _mrt.mrt_columns
