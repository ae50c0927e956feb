"""Free ports for the daemons the tests start: never one the kernel could pick as a source port.

`free_port(address)` binds and listens on a port of `address` to check that
it is free, closes it, and returns it; the caller's daemon listens on it.
The port is taken OUTSIDE the kernel's ephemeral range
(`ephemeral_range()`: ``/proc/sys/net/ipv4/ip_local_port_range`` on Linux,
else 32768-65535, which covers Linux's default and the IANA range macOS and
the BSDs use), at random among ports 10000-65535.

Why: the source port of every outgoing connection comes from that range.  A
port taken with ``bind(port 0)`` comes from it too; a test that then
connects to it from the same address before its daemon listens may be given
that very port as its source port, and TCP's simultaneous open connects the
socket to itself: the test talks to itself (the flaky
``test_a_second_connection_of_an_established_peer_gets_6_7``).  Outside the
range no connection can have the port as its source port.

A port given once is not given again by the same process (two calls before
either daemon listens would otherwise get the same one); between processes
the random choice and the listen check stand in for a lock, as ``bind(port
0)`` did.
"""

import random
import socket

EPHEMERAL = "/proc/sys/net/ipv4/ip_local_port_range"
LOWEST = 10000  # below: ports services often use
_given: set = set()


def ephemeral_range() -> tuple:
    """(first, last) port the kernel gives to outgoing connections and to ``bind(port 0)``."""
    try:
        with open(EPHEMERAL, encoding="ascii") as handle:
            first, last = (int(field) for field in handle.read().split())
        return first, last
    except (OSError, ValueError):
        return 32768, 65535


def candidates() -> list:
    """The ports `free_port` chooses from: 10000-65535 less the ephemeral range (1024 up when that leaves none)."""
    first, last = ephemeral_range()
    for lowest in (LOWEST, 1024):
        ports = [port for port in range(lowest, 65536) if not first <= port <= last]
        if ports:
            return ports
    raise RuntimeError(f"no port outside the ephemeral range {first}-{last}")


def free_port(address: str = "127.0.0.1") -> int:
    """A port of `address` nobody listens on, outside the ephemeral range (see the module docstring)."""
    ports = candidates()
    for _ in range(200):
        port = random.choice(ports)
        if port in _given:
            continue
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
            try:
                sock.bind((address, port))
                sock.listen(1)
            except OSError:
                continue
        _given.add(port)
        return port
    raise RuntimeError(f"no free port on {address} outside the ephemeral range")
