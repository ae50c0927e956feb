"""What one router's BMP session says about its monitored peers: their OPENs, and the contexts of their UPDATEs.

A `Router` is fed the decoded messages of one BMP session in order
(`Router.receive`).  A Peer Up keeps, for its peer (`PeerHeader.key`: the
instance and the address), the two OPENs the router exchanged with it; the
codec context (`exabgp.bgp.context.CodecContext`) of that peer's Route
Monitoring UPDATEs is what the OPENs negotiate
(`exabgp.session.negotiation.agree`), as the session itself negotiated it:

* Adj-RIB-In (pre- or post-policy): the UPDATEs the router received, so
  the router's OPEN is the one sent and the peer's the one received (ADD-PATH
  where the router offered receive and the peer send);
* Adj-RIB-Out (the O flag, RFC 8671): the UPDATEs the router sends, the two
  OPENs the other way round;
* Loc-RIB (RFC 9069): the router's fabricated OPEN, both ways.

The 4-octet AS form is the per-peer header's A flag (RFC 7854 section 4.2:
set, the AS_PATH is in the 2-octet form), not the OPENs: a router may
re-encode what it received.  What is kept and archived is always in the
4-octet form (`Router.update`: an UPDATE sent with the A flag is widened,
`exabgp.bgp.as4.widen`), so that one RIB holds one form whatever flags its messages had,
and MRT records are MESSAGE_AS4 as RFC 6396 section 4.3.4 wants them in a
snapshot; the JSON lines show the message as it came.  A Route Monitoring
for a peer without Peer Up (a router should not send one) is decoded with
the plain RFC 4271 context and the A flag.  A Peer Down forgets the peer.

With `keep`, the routes of each peer are kept per RIB the router exports
(`rib_name`: ``pre-policy``, ``post-policy``, ``adj-rib-out-pre-policy``,
``adj-rib-out-post-policy``, ``loc-rib``), each in an
`exabgp.rib.incoming.AdjRibIn` fed the UPDATEs as a BGP session feeds its
own (the codec's one pass, no object per route: the UPDATEs of one read of
the session are queued and applied as one run per RIB, `Router.flush`), for
``show adj-rib in``;
a Peer Down drops them with the peer.  The Initiation's sysName names the router.  The contexts are made once
per peer and form, not per message.
"""

from exabgp._codec import frame_message
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import UPDATE
from exabgp.api.envelope import NeighborFields
from exabgp.bgp.as4 import widen
from exabgp.bgp.context import CodecContext
from exabgp.bgp.record import replace
from exabgp.bmp import tables
from exabgp.bmp.message import Initiation, PeerDown, PeerHeader, PeerUp, RouteMonitoring
from exabgp.rib.incoming import AdjRibIn
from exabgp.session.negotiation import agree

_PLAIN = CodecContext(received=True)


def rib_name(peer: PeerHeader) -> str:
    """Which of the router's RIBs a Route Monitoring of `peer` shows (RFC 7854 L flag, RFC 8671, RFC 9069)."""
    if peer.type == tables.LOC_RIB_INSTANCE:
        return "loc-rib"
    policy = "post-policy" if peer.flags & tables.FLAG_L else "pre-policy"
    return f"adj-rib-out-{policy}" if peer.adj_rib_out else policy


class _Peer:
    __slots__ = ("contexts", "neighbor", "ribs", "up")

    def __init__(self, up: PeerUp | None, neighbor: NeighborFields):
        self.up = up
        self.neighbor = neighbor
        self.contexts: dict = {}  # (adj_rib_out, asn4) -> CodecContext
        self.ribs: dict = {}  # rib_name -> (AdjRibIn, the context of its UPDATEs)


class Router:
    """One BMP session's monitored peers (see the module docstring); `address` and `port` name the router."""

    def __init__(self, address: str, port: int, keep: bool = False):
        self.address = address
        self.port = port
        self.keep = keep  # keep the routes of each monitored peer's RIBs (`tables`)
        self.name = ""  # its sysName, once the Initiation said it
        self._peers: dict[tuple, _Peer] = {}
        # id(PeerHeader) -> (the header, its context, the AdjRibIn it feeds or None): the decoder gives one
        # object per header, so a Route Monitoring finds them with one lookup (forgotten when any other
        # message comes: a Peer Up or Down changes the peers)
        self._contexts: dict[int, tuple] = {}
        # the UPDATEs kept since the last `flush`, framed, one run per RIB in a row: [AdjRibIn, context, run]
        self._runs: list = []

    def receive(self, message) -> None:
        """Keep what `message` says about the router (its Initiation's sysName) or a monitored peer (Peer Up,
        Peer Down)."""
        if isinstance(message, RouteMonitoring):
            if self.keep:
                self._keep(message.peer, message.body)
            return
        self.flush()
        self._contexts.clear()
        if isinstance(message, Initiation):
            for kind, value in message.information:
                if kind == tables.INFORMATION_SYS_NAME:
                    self.name = bytes(value).decode("utf-8", "replace")
        elif isinstance(message, PeerUp):
            peer = message.peer
            local_as = message.sent_open.asn
            neighbor = NeighborFields(message.local_address, peer.address, local_as, peer.asn, peer.bgp_id)
            self._peers[peer.key] = _Peer(message, neighbor)
        elif isinstance(message, PeerDown):
            self._peers.pop(message.peer.key, None)

    def _keep(self, peer: PeerHeader, body: bytes) -> None:
        """Queue a Route Monitoring UPDATE for the RIB it shows, in the 4-octet form (`flush` applies it; one the
        codec refuses changes nothing)."""
        cached = self._contexts.get(id(peer))
        if cached is None or cached[0] is not peer or cached[2] is None:
            ctx = self.context(peer)
            wide = self._context(peer, True)  # the RIB's: `ctx` itself unless the A flag is set
            ribs = self._peer(peer).ribs
            name = rib_name(peer)
            kept = ribs.get(name)
            if kept is None or kept[1] is not wide:
                kept = ribs[name] = (kept[0] if kept is not None else AdjRibIn(), wide)
            cached = self._contexts[id(peer)] = (peer, ctx, kept[0])
        _peer, ctx, rib = cached
        if not peer.asn4:
            try:
                body, ctx = self.update(peer, body)
            except CodecError:
                return
        runs = self._runs
        if not runs or runs[-1][0] is not rib or runs[-1][1] is not ctx:
            runs.append([rib, ctx, bytearray()])
        runs[-1][2] += frame_message(UPDATE, body)

    def flush(self) -> None:
        """Apply the UPDATEs queued by `_keep`, in order: each RIB's run of them in one pass
        (`exabgp.rib.incoming.AdjRibIn.update_run`).  Called before any other message is taken, at the end of
        each read of the session (`exabgp.reactor.bmp.BmpConnection`) and before the RIBs are read."""
        runs, self._runs = self._runs, []
        for rib, ctx, run in runs:
            rib.update_run(run, ctx)

    def tables(self) -> list:
        """``(neighbor, rib name, AdjRibIn, context)`` of every RIB kept, peers in the order they came."""
        self.flush()
        return [
            (known.neighbor, name, rib, ctx)
            for known in self._peers.values()
            for name, (rib, ctx) in known.ribs.items()
        ]

    def ribs(self, name: str) -> list:
        """``(neighbor, AdjRibIn, since)`` of the RIB `name` of every peer kept; `since` its Peer Up's time (0
        without one)."""
        self.flush()
        found = []
        for known in self._peers.values():
            kept = known.ribs.get(name)
            if kept is not None:
                found.append((known.neighbor, kept[0], known.up.timestamp if known.up is not None else 0))
        return found

    def holds(self, rib: AdjRibIn) -> bool:
        """Whether `rib` is still one of the RIBs kept (not dropped by a Peer Down or `clear`)."""
        return any(kept[0] is rib for known in self._peers.values() for kept in known.ribs.values())

    def clear(self) -> None:
        """The session ended: forget every peer and its RIBs."""
        self._peers.clear()
        self._contexts.clear()
        self._runs = []

    def _peer(self, peer: PeerHeader) -> _Peer:
        known = self._peers.get(peer.key)
        if known is None:
            local = "::" if peer.flags & tables.FLAG_V and peer.type != tables.LOC_RIB_INSTANCE else "0.0.0.0"
            known = self._peers[peer.key] = _Peer(None, NeighborFields(local, peer.address, 0, peer.asn, peer.bgp_id))
        return known

    def neighbor(self, peer: PeerHeader) -> NeighborFields:
        """The envelope's ``neighbor`` of `peer`: the monitored session's two ends (as the Peer Up told them)."""
        return self._peer(peer).neighbor

    def context(self, peer: PeerHeader) -> CodecContext:
        """The codec context of `peer`'s Route Monitoring UPDATEs (see the module docstring)."""
        cached = self._contexts.get(id(peer))
        if cached is not None and cached[0] is peer:
            return cached[1]
        context = self._context(peer, peer.asn4)
        self._contexts[id(peer)] = (peer, context, None)
        return context

    def update(self, peer: PeerHeader, body: bytes) -> tuple:
        """``(body, context)`` of a Route Monitoring UPDATE of `peer` in the 4-octet AS form (`widen` when the A
        flag is set); raises `CodecError` when the codec refuses a body it had to widen."""
        if peer.asn4:
            return body, self.context(peer)
        return widen(body, self.context(peer)), self._context(peer, True)

    def _context(self, peer: PeerHeader, asn4: bool) -> CodecContext:
        known = self._peer(peer)
        out = peer.adj_rib_out
        context = known.contexts.get((out, asn4))
        if context is None:
            up = known.up
            if up is None:
                context = replace(_PLAIN, asn4=asn4)
            else:
                router, remote = up.sent_open, up.received_open
                negotiated = agree(remote, router) if out else agree(router, remote)
                external = known.neighbor.local_as != known.neighbor.peer_as
                context = replace(negotiated.context, asn4=asn4, external=external, received=True)
            known.contexts[(out, asn4)] = context
        return context

    def peers(self) -> list:
        """The monitored peers up, as their Peer Up told them, in the order they came up."""
        return [known.up for known in self._peers.values() if known.up is not None]
