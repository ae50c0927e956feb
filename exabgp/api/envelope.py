"""The JSON envelope ExaBGP 5.0 wraps around every event (SURFACE.md section 5.1).

ExaBGP builds its JSON from string templates, not with a JSON library, and
users' scripts sometimes match it textually, so the spacing is reproduced:
``"host" : "vm"`` has a space before the colon, and the neighbor block
closes ``"router-id": "10.0.0.2" ,`` with a space before the comma.  The key
order is fixed: exabgp, time, host, pid, ppid, counter, type, neighbor.

The caller supplies who is speaking (`Speaker`: host, pid, ppid) and the
time: this module reads no clock and no process state.
"""

from dataclasses import dataclass

from exabgp import JSON_API_VERSION


@dataclass(frozen=True, slots=True)
class Speaker:
    """The daemon's identity as printed in every message."""

    host: str
    pid: int
    ppid: int


@dataclass(frozen=True, slots=True)
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

    def line(self, now: float, counter: int, kind: str, inner: str, tail: str = " } }") -> str:
        """One JSON line: the envelope, the neighbor head, then `inner` (``, "key": value``) and `tail`."""
        return (
            f'{{ "exabgp": "{JSON_API_VERSION}", "time": {now!r}{self._middle}{counter}, "type": "{kind}", '
            f"{self._neighbor}{inner}{tail}"
        )


def envelope(speaker: Speaker, now: float, counter: int, kind: str, peer: Peer, inner: str, tail: str = " } }") -> str:
    """One JSON line for a one-off message (see `Envelope` for many lines to the same peer)."""
    return Envelope(speaker, peer).line(now, counter, kind, inner, tail)
