"""Our daemon writing MRT archives (its ``mrt`` section), fed UPDATEs by a real BGP session on loopback.

* `mrt_daemon(tmp_path, port, section, capability="", **settings)`: the
  daemon (`qa.daemon.start`) with the configuration text `section` (an
  ``mrt { ... }`` block, `mrt_section`, or nothing) and one passive eBGP
  neighbor on 127.0.0.1 (AS 65001 here, 65002 the peer; IPv4 and IPv6
  unicast; `capability` more of the neighbor's statements, an ADD-PATH one
  say) listening on `port`, written by `write_configuration` (a reload
  writes it again);
* `speaker(port, **changes)`: the peer, a `qa.daemon.Speaker` (router id
  10.0.0.2) once the session is established; `changes` are more
  `SessionSettings` (``add_path=...``);
* `feed(daemon, peer, octets)`: the messages `octets`, then the End-of-RIB
  of both families, once the daemon logged them;
* `stop(daemon)`: SIGTERM, exit 0 and no traceback (its stderr returned);
* `finals(directory)`: the archives under their final names (the ones being
  written are hidden, ``.NAME.partial``);
* `end_of_ribs()`: the two End-of-RIB messages (RFC 4724 section 2).
"""

import os
import signal
import struct

from exabgp._codec import frame_message
from exabgp.config.session import SessionSettings
from exabgp.session import Established
from qa.daemon import Speaker, connect, finish, logged, start, wait_until
from qa.wire import attribute, update

LOCAL_AS = 65001
PEER_AS = 65002
PEER_ROUTER_ID = "10.0.0.2"


def write_configuration(path, port: int, section: str, capability: str = "") -> None:
    """The daemon's configuration at `path`: `section`, then the passive neighbor listening on `port`."""
    path.write_text(f"""
{section}
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as {LOCAL_AS}; peer-as {PEER_AS};
    passive; listen {port};
    family {{ ipv4 unicast; ipv6 unicast; }}
    {capability}
}}
""")


def mrt_daemon(tmp_path, port: int, section: str, capability: str = "", **settings):
    path = tmp_path / "daemon.conf"
    write_configuration(path, port, section, capability)
    return start(path, **settings)


def mrt_section(directory, settings: str) -> str:
    """An ``mrt`` section writing into `directory` as `settings` (its statements) say."""
    return f"mrt {{ directory {directory}; {settings} }}"


def speaker(port: int, **changes) -> Speaker:
    values = dict(
        local_address="127.0.0.1",
        peer_address="127.0.0.1",
        local_as=PEER_AS,
        peer_as=LOCAL_AS,
        router_id=PEER_ROUTER_ID,
        families=((1, 1), (2, 1)),
    )
    values.update(changes)
    peer = Speaker(connect(port), SessionSettings(**values))
    peer.wait(lambda events: any(isinstance(event, Established) for event in events))
    return peer


def end_of_ribs() -> list:
    ipv6 = attribute(0x80, 15, struct.pack("!HB", 2, 1))
    return [frame_message(2, update()), frame_message(2, update(b"", ipv6))]


def feed(daemon, peer: Speaker, octets: bytes) -> None:
    peer.sock.sendall(octets + b"".join(end_of_ribs()))
    wait_until(lambda: "<< EOR ipv6 unicast" in logged(daemon), what="the End-of-RIBs")


def stop(daemon) -> str:
    daemon.send_signal(signal.SIGTERM)
    code, _out, err = finish(daemon, 30)
    assert code == 0, err
    assert "Traceback" not in err, err
    return err


def finals(directory) -> list:
    return sorted(name for name in os.listdir(directory) if not name.startswith("."))
