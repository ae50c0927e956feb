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

The caller supplies who is speaking (`Speaker`: host, pid, ppid) and the
time: this module reads no clock and no process state.
"""

from exabgp import JSON_API_VERSION
from exabgp.bgp.record import record


@record(slots=True)
class Speaker:
    """The daemon's identity as printed in every message."""

    host: str
    pid: int
    ppid: int


@record(slots=True)
class Peer:
    """The neighbor fields of the envelope."""

    local_address: str
    peer_address: str
    local_as: int
    peer_as: int
    router_id: str = ""


def neighbor_head(peer: Peer) -> str:
    """The opening of the ``"neighbor"`` object up to and including the router-id."""
    text = (
        f'"neighbor": {{ "address": {{ "local": "{peer.local_address}", "peer": "{peer.peer_address}" }}, '
        f'"asn": {{ "local": {peer.local_as}, "peer": {peer.peer_as} }}'
    )
    if peer.router_id:
        text += f', "router-id": "{peer.router_id}" '
    return text


class Envelope:
    """The envelope of one (speaker, peer) pair, rendered once: each line is one concatenation.

    A daemon writes hundreds of thousands of lines for the same neighbor; only
    the time, the counter, the type and the content change between them.
    """

    __slots__ = ("_middle", "_neighbor")

    def __init__(self, speaker: Speaker, peer: Peer):
        self._middle = f', "host" : "{speaker.host}", "pid" : {speaker.pid}, "ppid" : {speaker.ppid}, "counter": '
        self._neighbor = neighbor_head(peer)

    def line(self, now: float, counter: int, kind: str, inner: str, tail: str = " } }", raw: str = "") -> str:
        """One JSON line: envelope, `raw` (`raw_fields`), neighbor head, `inner` (``, "key": value``), `tail`."""
        head, after = self.parts(now, kind, raw)
        return f"{head}{counter}{after}{inner}{tail}"

    def parts(self, now: float, kind: str, raw: str = ""):
        """``(head, after)``: a line is ``head + counter + after + inner + tail`` (lines of one time and kind)."""
        return (
            f'{{ "exabgp": "{JSON_API_VERSION}", "time": {now!r}{self._middle}',
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


def shutdown_line(speaker: Speaker, now: float) -> str:
    """The line sent to every JSON helper when the daemon stops."""
    return (
        f'{{ "exabgp": "{JSON_API_VERSION}", "time": {now!r}, "host" : "{speaker.host}", "pid" : {speaker.pid}, '
        f'"ppid" : {speaker.ppid}, "type": "notification", "notification": "shutdown" }}'
    )


def envelope(speaker: Speaker, now: float, counter: int, kind: str, peer: Peer, inner: str, tail: str = " } }") -> str:
    """One JSON line for a one-off message (see `Envelope` for many lines to the same peer)."""
    return Envelope(speaker, peer).line(now, counter, kind, inner, tail)
