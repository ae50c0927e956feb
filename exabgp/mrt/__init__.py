"""MRT archives (RFC 6396, RFC 8050): reading them, and the records the daemon writes.

`exabgp.mrt.reader` frames and decodes records, `exabgp.mrt.bgpdump` prints
them as ``bgpdump -m`` does and `exabgp.mrt.json` as ExaBGP 5.0's JSON lines;
`exabgp mrt` (`exabgp/cli/mrt.py`) is the command.  See the docstring of
`exabgp.mrt.reader` for the Python API.

``exabgp.mrt.columns(source, on_error=None)`` reads a whole file into numpy
arrays, one row per route (`exabgp.mrt.columnar`, the ``columnar`` extra:
numpy is imported only when it is called, and its absence is an ImportError
saying which extra to install).

`exabgp.mrt.writer` packs the records the daemon's ``mrt`` section writes
(BGP4MP_ET messages and state changes, TABLE_DUMP_V2 snapshots), with the
reader's type and subtype numbers; the files are `exabgp.reactor.mrt`'s.
"""


def columns(source, on_error=None):
    """The routes of an MRT file as numpy columns: see `exabgp.mrt.columnar`."""
    from exabgp.mrt.columnar import columns as read_columns

    return read_columns(source, on_error)
