"""Command-line entry points (layer L4): `main` dispatches the `exabgp` sub-commands.

This is the only layer besides the reactor that reads the process
environment, the clock and the process identity, and writes to the
terminal; it hands plain values down to the pure layers.
"""
