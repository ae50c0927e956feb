"""Command-line entry points (the top layer): `main` dispatches the `exabgp` sub-commands.

This is the only layer besides the reactor that reads the process
environment, the clock and the process identity, and writes to the
terminal; it hands plain values down to the pure layers.
"""

import os
import sys


def reader_gone() -> int:
    """Exit code 1 once the reader of standard output went away (``exabgp ... | head``).

    Called from an entry point's ``except BrokenPipeError``: standard output
    is pointed at /dev/null so that the interpreter's last flush is quiet.
    """
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass
    return 1
