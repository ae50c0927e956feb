"""A BMP session's monitored peers in the daemon's MRT archive, as if their routes were received over BGP.

When the configuration has an ``mrt`` section (`exabgp.reactor.mrt.Archive`)
and a ``bmp`` section whose ``mrt`` names a RIB view (`exabgp.config.bmp`,
``pre-policy`` by default), each BMP session of that section gets a
`BmpArchive`, fed every decoded message right after the session's `Router`
took it (`exabgp.reactor.bmp.BmpConnection`).  Of that one RIB view only:

* a Route Monitoring becomes one BGP4MP_ET MESSAGE_AS4 record
  (`exabgp.mrt.writer.Bgp4mp.message`; MESSAGE_AS4_ADDPATH when the Peer
  Up's OPENs negotiated ADD-PATH for the message's family, as
  `Router.context` reads them; an UPDATE sent with the per-peer A flag, its
  AS_PATH in the 2-octet form, is widened to 4-octet ASes first,
  `Router.update`).  Its peer is the
  monitored peer (the per-peer header's address and AS), its local side the
  router's end of that session (the Peer Up's local address and the AS of the
  router's OPEN); its time the per-peer header's timestamp (when the router
  received the route), the arrival time when the router sends 0.  The UPDATE
  goes into the record as the router sent it (but widened): one record per
  message, no work per route (an UPDATE the codec refuses to widen is not
  archived, as a BGP session would not have accepted it);
* a Peer Up is a STATE_CHANGE_AS4 record from OpenConfirm to Established,
  a Peer Down one from Established to Idle (RFC 6396 section 4.4.1 numbers);
  for the ``loc-rib`` view those of the Loc-RIB instance, for the others
  those of the other peers.

The other RIB views are not archived: a collector takes one view per
section (two sections listening on two ports take two).  The TABLE_DUMP_V2
snapshots hold the same view of the RIBs the routers keep (`snapshot_peers`,
with ``adj-rib-in true``).  The records of one monitored peer are made by one
`Bgp4mp`, found by the per-peer header object's identity (the decoder gives
one object per header): no lookup by value per message.
"""

from exabgp._codec import frame_message
from exabgp._codec.errors import CodecError
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST
from exabgp.bgp.update import Update
from exabgp.bmp import tables
from exabgp.bmp.message import PeerDown, PeerHeader, PeerUp, RouteMonitoring
from exabgp.bmp.router import Router, rib_name
from exabgp.mrt.writer import Bgp4mp, SnapshotPeer
from exabgp.session import State


def _records(router: Router, peer: PeerHeader) -> Bgp4mp:
    """The records of `peer` as `router` knows it (its Peer Up's OPENs and addresses)."""
    neighbor = router.neighbor(peer)
    ctx = router.context(peer)
    local = neighbor.local_address
    if (":" in local) != (":" in peer.address):  # a head has one address family
        local = "::" if ":" in peer.address else "0.0.0.0"
    return Bgp4mp(
        neighbor.peer_as,
        neighbor.local_as,
        peer.address,
        local,
        ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST),
        ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST),
    )


class BmpArchive:
    """What one BMP session gives the archive (see the module docstring); `append` takes the records."""

    __slots__ = ("_router", "_view", "_append", "_known", "_states")

    def __init__(self, router: Router, view: str, append):
        self._router = router
        self._view = view
        self._append = append
        self._known: dict[int, tuple] = {}  # id(PeerHeader) -> (the header, its Bgp4mp or None: another view)
        self._states: dict[tuple, Bgp4mp] = {}  # PeerHeader.key -> the records of its state changes

    def receive(self, message, now: float) -> None:
        """Archive `message` (after the session's `Router` took it)."""
        if isinstance(message, RouteMonitoring):
            peer = message.peer
            known = self._known.get(id(peer))
            if known is None or known[0] is not peer:
                records = _records(self._router, peer) if rib_name(peer) == self._view else None
                known = self._known[id(peer)] = (peer, records)
            if known[1] is not None:
                body = message.body
                if not peer.asn4:
                    try:
                        body = self._router.update(peer, body)[0]
                    except CodecError:
                        return
                self._append(known[1].message(frame_message(Update.TYPE, body), message.timestamp or now))
            return
        if isinstance(message, PeerUp):
            self._known.clear()  # the peer's OPENs, so its records, change
            if self._shown(message.peer):
                records = self._states[message.peer.key] = _records(self._router, message.peer)
                self._append(records.state(State.OPEN_CONFIRM, State.ESTABLISHED, message.timestamp or now))
        elif isinstance(message, PeerDown):
            self._known.clear()
            records = self._states.pop(message.peer.key, None)
            if records is None and self._shown(message.peer):
                records = Bgp4mp(
                    message.peer.asn, 0, message.peer.address, "::" if ":" in message.peer.address else "0.0.0.0"
                )
            if records is not None:
                self._append(records.state(State.ESTABLISHED, State.IDLE, message.timestamp or now))

    def _shown(self, peer: PeerHeader) -> bool:
        """Whether the state changes of `peer` go with the view archived (the Loc-RIB instance's with loc-rib)."""
        return (peer.type == tables.LOC_RIB_INSTANCE) == (self._view == "loc-rib")


def snapshot_peers(router: Router, view: str) -> list:
    """The `SnapshotPeer`s of the RIB `view` that `router` keeps for its monitored peers, dated by their Peer Up."""
    return [
        SnapshotPeer((neighbor.router_id or "0.0.0.0", neighbor.peer_address, neighbor.peer_as, rib, int(since)))
        for neighbor, rib, since in router.ribs(view)
    ]
