"""`-p/--pdb` and `-m/--memory`: 5.0's ``debug.pdb`` and ``debug.memory``.

See docs/compatibility.md, "Programs and sub-commands".

`post_mortem(enabled)`: when `enabled` (``-p``, server's ``-d``, or the
``debug.pdb`` setting), an exception that escapes the program (a bug: bad
input never raises) prints its traceback as Python does, then Python's
debugger starts on it (`pdb.post_mortem`), as 5.0's ``-p`` prints its bug
report then starts ``pdb.pm()``.  `pdb` is imported with ``-p`` only.  5.0's help
also promises the debugger on critical logging and SIGTERM; 5.0.15 starts
it on neither, nor do we.

`report_memory(out)`: ``memory utilisation`` and the peak resident set size
of the process (`resource.getrusage`: kilobytes on Linux, bytes on macOS),
written by the daemon at exit with ``-m`` or ``debug.memory`` (5.0.15 meant
a table of the most common Python objects from a vendored objgraph, whose
import fails in an installed 5.0.15: it ends in its bug report instead).
"""

import sys

# imported now: the daemon may no longer read the standard library once it dropped privileges; the
# platforms without `resource` run the decoder only (it imports this module for -p; -m is the daemon's)
try:
    import resource
except ImportError:

    def peak_rss() -> int:
        """The peak resident set size of this process: 0, this platform can not tell it."""
        return 0

else:

    def peak_rss() -> int:
        """The peak resident set size of this process, in octets."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def post_mortem(enabled: bool) -> None:
    """Start the debugger on an exception that escapes the program, when `enabled` (module docstring)."""
    if not enabled:
        return
    import pdb  # noqa: T100 (now, with -p only: the daemon may not read the standard library once it dropped privileges)

    def debug(kind, value, trace) -> None:
        sys.__excepthook__(kind, value, trace)
        pdb.post_mortem(trace)

    sys.excepthook = debug


def report_memory(out) -> None:
    """Write the memory report of ``-m`` to `out`."""
    out.write(f"memory utilisation\n\npeak resident set size: {peak_rss() // 1024} KiB\n")
