"""MRT archives (RFC 6396, RFC 8050): reading them.

`exabgp.mrt.reader` frames and decodes records, `exabgp.mrt.bgpdump` prints
them as ``bgpdump -m`` does and `exabgp.mrt.json` as ExaBGP 5.0's JSON lines;
`exabgp mrt` (`exabgp/cli/mrt.py`) is the command.  See the docstring of
`exabgp.mrt.reader` for the Python API.
"""
