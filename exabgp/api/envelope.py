"""The JSON envelope ExaBGP 5.0 wraps around every event (docs/compatibility.md, "The JSON envelope").

ExaBGP builds its JSON from string templates, not with a JSON library, and
users' scripts sometimes match it textually, so the spacing is reproduced:
``"host" : "vm"`` has a space before the colon, and the neighbor block
closes ``"router-id": "10.0.0.2" ,`` with a space before the comma.  The key
order is fixed: exabgp, time, host, pid, ppid, counter, type, neighbor.

With ``consolidate`` the raw message follows the type,
``"type": "update", "header": "0x...", "body": "0x...", "neighbor": ...``
(each left out when empty, as 5.0 does).  The ``shutdown`` notification has
no counter and no neighbor (`shutdown_line`).

The caller supplies the two parts that name who speaks about whom:
`DaemonFields` (host, pid, ppid: the daemon writing the line) and
`NeighborFields` (the ``"neighbor"`` object: both ends' addresses and ASNs,
and the router-id), and the time: this module reads no clock and no process
state.
"""

from exabgp import JSON_API_VERSION
from exabgp.bgp.record import record


@record(slots=True)
class DaemonFields:
    """The daemon's identity as printed in every message: ``"host"``, ``"pid"``, ``"ppid"``."""

    host: str
    pid: int
    ppid: int


@record(slots=True)
class NeighborFields:
    """The envelope's ``"neighbor"`` object: the addresses and ASNs of both ends, and the router-id."""

    local_address: str
    peer_address: str
    local_as: int
    peer_as: int
    router_id: str = ""


def daemon_middle(daemon: DaemonFields) -> str:
    """The text of a line between its time and its counter: the daemon's fields."""
    return f', "host" : "{daemon.host}", "pid" : {daemon.pid}, "ppid" : {daemon.ppid}, "counter": '


def neighbor_head(neighbor: NeighborFields) -> str:
    """The opening of the ``"neighbor"`` object up to and including the router-id."""
    text = (
        f'"neighbor": {{ "address": {{ "local": "{neighbor.local_address}", "peer": "{neighbor.peer_address}" }}, '
        f'"asn": {{ "local": {neighbor.local_as}, "peer": {neighbor.peer_as} }}'
    )
    if neighbor.router_id:
        text += f', "router-id": "{neighbor.router_id}" '
    return text


class Envelope:
    """The envelope of one (daemon, neighbor) pair, rendered once: each line is one concatenation.

    A daemon writes hundreds of thousands of lines for the same neighbor; only
    the time, the counter, the type and the content change between them.
    """

    __slots__ = ("middle", "_neighbor")

    #: the text of every line before its time
    LEAD = f'{{ "exabgp": "{JSON_API_VERSION}", "time": '

    def __init__(self, daemon: DaemonFields, neighbor: NeighborFields):
        self.middle = daemon_middle(daemon)
        self._neighbor = neighbor_head(neighbor)

    def line(self, now: float, counter: int, kind: str, inner: str, tail: str = " } }", raw: str = "") -> str:
        """One JSON line: envelope, `raw` (`raw_fields`), neighbor head, `inner` (``, "key": value``), `tail`."""
        head, after = self.parts(now, kind, raw)
        return f"{head}{counter}{after}{inner}{tail}"

    def parts(self, now: float, kind: str, raw: str = ""):
        """``(head, after)``: a line is ``head + counter + after + inner + tail`` (lines of one time and kind)."""
        return (
            f"{self.LEAD}{now!r}{self.middle}",
            f', "type": "{kind}", {raw}{self._neighbor}',
        )


def hex_text(octets) -> str:
    """``0x`` and upper-case hex, as 5.0 prints raw octets (``0x`` alone when empty)."""
    return "0x" + bytes(octets).hex().upper()


def raw_fields(header: bytes, body: bytes) -> str:
    """The consolidated ``"header": "0x...", "body": "0x...", `` fields; each only when not empty."""
    text = f'"header": "{hex_text(header)}", ' if header else ""
    if body:
        text += f'"body": "{hex_text(body)}", '
    return text


def shutdown_line(daemon: DaemonFields, now: float) -> str:
    """The line sent to every JSON helper when the daemon stops."""
    return (
        f'{{ "exabgp": "{JSON_API_VERSION}", "time": {now!r}, "host" : "{daemon.host}", "pid" : {daemon.pid}, '
        f'"ppid" : {daemon.ppid}, "type": "notification", "notification": "shutdown" }}'
    )


def envelope(
    daemon: DaemonFields, now: float, counter: int, kind: str, neighbor: NeighborFields, inner: str, tail: str = " } }"
) -> str:
    """One JSON line for a one-off message (see `Envelope` for many lines to the same neighbor)."""
    return Envelope(daemon, neighbor).line(now, counter, kind, inner, tail)
