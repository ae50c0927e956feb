"""A configured neighbor and the environment, turned into what the reactor needs.

What a session needs (`session_settings`) is `exabgp.config.session`'s,
shared with ``exabgp decode``.

`connect_port(neighbor, environ)` is the port of outgoing connections: the
neighbor's ``connect``, else the *process environment's*
``exabgp.tcp.port`` / ``exabgp_tcp_port`` (the INI file does not count, as
in 5.0), else 179.  `listen_endpoints(configuration, environment)` lists
the ``(address, port)`` pairs to listen on: every ``tcp.bind`` address on
``tcp.port``, then every neighbor's ``listen`` port on its ``md5-ip`` or
local address.
"""

__all__ = ("BGP_PORT", "connect_port", "listen_endpoints", "passive")

BGP_PORT = 179


def passive(neighbor, environment) -> bool:
    """Whether we never connect out to `neighbor` (its ``passive``, or ``bgp.passive``)."""
    return bool(neighbor.passive or environment.get("bgp", "passive"))


def connect_port(neighbor, environ) -> int:
    """The port outgoing connections to `neighbor` go to (see the module docstring)."""
    if neighbor.connect:
        return neighbor.connect
    for name in ("exabgp.tcp.port", "exabgp_tcp_port"):
        text = environ.get(name)
        if text and text.strip().isdigit():
            return int(text)
    return BGP_PORT


def listen_endpoints(configuration, environment) -> list:
    """``(address, port)`` pairs to listen on, without repeats (see the module docstring)."""
    found = []
    port = environment.get("tcp", "port")
    for address in environment.get("tcp", "bind"):
        found.append((address, port))
    for neighbor in configuration.neighbors:
        if neighbor.listen:
            found.append((neighbor.md5_ip or neighbor.local_address, neighbor.listen))
    return list(dict.fromkeys(found))
