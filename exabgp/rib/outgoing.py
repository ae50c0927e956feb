"""The Adj-RIB-Out of one peer: what we announce, and the changes not sent yet.

The cache, NLRI (`exabgp.bgp.nlri.Prefix` or `RawNLRI`; for a FlowSpec rule
or a VPLS NLRI its `Flow` / `VPLS` and attributes: the same match with other
actions, the same VPLS NLRI with other attributes, is another route, as in
5.0) -> `Route`, holds
every route currently announced (or queued to be), next hop resolved; its
values share the `AttributeSet` objects of the routes given to `add`, so a
full table costs one dictionary slot and one small `Route` per prefix.

The pending changes are kept in 5.0's order: (attribute set, next hop,
family) -> NLRI -> announce (True) or withdraw (False), every dictionary in
the order its keys first appeared since the last `updates()`; the buckets
(attribute set and next hop) go out in the order they first appeared, each
with its families in that order.  A withdraw is filed under the attributes of the route it
withdraws, as 5.0 files it, since 5.0 sends them along with it.

The rules are those of ExaBGP 5.0 (SURFACE.md section 7.4):

* an announce identical to the cached route (same next hop and attributes)
  is suppressed; one with other attributes replaces it (implicit withdraw,
  RFC 4271 section 3.1); a withdraw drops the cached route and cancels a
  pending announce, and is always sent (5.0 sends it even for a route the
  peer never received);
* `NEXT_HOP_SELF` is resolved when the route is added: the session's local
  address, or the router-id for an IPv4 route on an IPv6 session (SURFACE.md
  section 3.12);
* one pending change per NLRI: a withdraw (or an announce with other
  attributes) takes the NLRI out of the bucket where it was queued and files
  it under its own attributes, at the end (where 5.0 would send both
  changes, the second one alone is sent); an announce in the bucket of the
  queued change replaces it in place;
* `updates(ctx, group)` drains the pending changes into UPDATE bodies in
  5.0's order: bucket by bucket, family by family; in a family 5.0 groups
  (IPv4 unicast, MCAST-VPN, with ``group``) the withdrawals then the
  announcements, each sorted and packed together; in the others one UPDATE
  per change, in the order queued (`exabgp.rib.packing` makes the bodies);
* `replay()` re-queues every cached route (new session, ``flush adj-rib
  out``), `replay(family)` one family's (ROUTE-REFRESH, RFC 2918; the
  session frames it with BoRR/EoRR for RFC 7313); `clear()` withdraws
  everything (``clear adj-rib out``);
* watchdogs (``watchdog NAME`` / ``withdraw`` in a route, ``announce|withdraw
  watchdog NAME`` from the API): the caller registers a route under a name
  with `add_watchdog`, starting withdrawn or not; `announce_watchdog` and
  `withdraw_watchdog` move the whole group.
"""

from itertools import groupby
from operator import itemgetter

from exabgp.bgp.family import AFI_IPV4, AFI_IPV6
from exabgp.bgp.flow import Flow
from exabgp.bgp.route import NEXT_HOP_SELF, NO_NEXT_HOP, AttributeSet, Route
from exabgp.bgp.vpls import VPLS
from exabgp.rib import packing

#: what a withdraw of an NLRI that is not in the cache is sent with
_NO_ATTRIBUTES = AttributeSet()
#: the NLRI types whose routes are told apart by their attributes too
_KEYED_WITH_ATTRIBUTES = (Flow, VPLS)


def _identity(route: Route):
    """The cache key of a route: its NLRI; for a FlowSpec rule or a VPLS NLRI its NLRI and attributes (5.0
    announces the same match with other actions, the same VPLS NLRI with other attributes, as another route:
    reference tests conf-flow-redirect, conf-l2vpn)."""
    nlri = route.nlri
    return (nlri, route.attributes) if type(nlri) in _KEYED_WITH_ATTRIBUTES else nlri


class AdjRibOut:
    """Routes announced to one peer and the changes queued for it."""

    __slots__ = ("local_address", "router_id", "_cache", "_pending", "_queued", "_watchdogs")

    def __init__(self, local_address: bytes, router_id: bytes):
        self.local_address = local_address      # packed, 4 or 16 octets
        self.router_id = router_id              # packed, 4 octets
        self._cache = {}
        self._pending = {}                      # (attributes, nexthop, afi, safi) -> {nlri: announce}
        self._queued = {}                       # nlri -> its bucket in _pending
        self._watchdogs = {}                    # name -> ({announced nlri: route}, {withdrawn nlri: route})

    def __len__(self):
        return len(self._cache)

    def routes(self, family=None):
        """The announced routes (``show adj-rib out``), of one ``(afi, safi)`` or all."""
        if family is None:
            return list(self._cache.values())
        return [route for route in self._cache.values() if (route.nlri.afi, route.nlri.safi) == family]

    def pending(self) -> bool:
        return bool(self._queued)

    # ------------------------------------------------------------ changes

    def resolve(self, route: Route) -> Route:
        """`route` with NEXT_HOP_SELF replaced by the session's address (SURFACE.md 3.12)."""
        if route.nexthop != NEXT_HOP_SELF:
            return route
        afi = route.nlri.afi
        if afi == AFI_IPV4 and len(self.local_address) != 4:
            address = self.router_id
        elif afi == AFI_IPV6 and len(self.local_address) != 16:
            raise ValueError("next-hop self: no IPv6 local address for an IPv6 route on an IPv4 session")
        else:
            address = self.local_address
        return Route(route.nlri, address, route.attributes)

    def _queue(self, route: Route, announce: bool):
        nlri = route.nlri
        key = (route.attributes, route.nexthop, nlri.afi, nlri.safi)
        identity = _identity(route)
        queued = self._queued
        previous = queued.get(identity)
        if previous is not None and (not announce or previous != key):
            del self._pending[previous][nlri]
        changes = self._pending.get(key)
        if changes is None:
            changes = self._pending[key] = {}
        changes[nlri] = announce
        queued[identity] = key

    def add(self, route: Route) -> bool:
        """Queue an announce; False when it is the route already announced."""
        route = self.resolve(route)
        identity = _identity(route)
        if self._cache.get(identity) == route:
            return False
        self._cache[identity] = route
        self._queue(route, True)
        return True

    def withdraw(self, route_or_key):
        """Queue a withdraw of a route (sent with its attributes), or of a cache key (an NLRI: with the cached
        route's attributes)."""
        if isinstance(route_or_key, Route):
            try:
                route = self.resolve(route_or_key)
            except ValueError:      # a next-hop self `add` refused: no next hop to send
                route = Route(route_or_key.nlri, NO_NEXT_HOP, route_or_key.attributes)
        else:
            route = self._cache.get(route_or_key) or Route(route_or_key, NO_NEXT_HOP, _NO_ATTRIBUTES)
        identity = _identity(route)
        if self._cache.pop(identity, None) is None and identity is not route.nlri:
            self._forget_variants(route.nlri)
        self._queue(route, False)

    def _forget_variants(self, nlri):
        """A withdraw of a FlowSpec / VPLS NLRI with attributes none of its routes has: it withdraws the NLRI
        (BGP withdraws NLRI, not routes), so every route of that NLRI leaves the cache and the queue."""
        for key in [key for key in self._cache if type(key) is tuple and key[0] == nlri]:
            del self._cache[key]
            bucket = self._queued.pop(key, None)
            if bucket is not None:
                del self._pending[bucket][nlri]

    def replay(self, family=None):
        """Queue every cached route again, or those of one ``(afi, safi)``."""
        for route in self._cache.values():
            if family is None or route.family == family:
                self._queue(route, True)

    def clear(self):
        """Withdraw every announced route."""
        for key in list(self._cache):
            self.withdraw(key)

    # ------------------------------------------------------------ watchdogs

    def add_watchdog(self, route: Route, name: str, withdrawn: bool = False):
        """Register `route` under watchdog `name`; announce it unless it starts `withdrawn`."""
        announced, held = self._watchdogs.setdefault(name, ({}, {}))
        if withdrawn:
            announced.pop(route.nlri, None)
            held[route.nlri] = route
            return
        held.pop(route.nlri, None)
        announced[route.nlri] = route
        self.add(route)

    def announce_watchdog(self, name: str):
        announced, held = self._watchdogs.get(name, ({}, {}))
        for route in held.values():
            announced[route.nlri] = route
            self.add(route)
        held.clear()

    def withdraw_watchdog(self, name: str):
        announced, held = self._watchdogs.get(name, ({}, {}))
        for route in announced.values():
            held[route.nlri] = route
            self.withdraw(route)
        announced.clear()

    # ------------------------------------------------------------ output

    def updates(self, ctx, group: bool = True, withdraw: bool = True):
        """Yield the UPDATE bodies of every pending change, which are then no longer pending; without
        `withdraw` the withdrawals are dropped (a session's first batch, as 5.0 sends it)."""
        pending, self._pending, self._queued = self._pending, {}, {}
        buckets = {}
        for attributes, nexthop, afi, safi in pending:
            buckets.setdefault((attributes, nexthop), []).append((afi, safi))
        for (attributes, nexthop), families in buckets.items():
            for afi, safi in families:
                changes = pending[attributes, nexthop, afi, safi]
                if group and (afi, safi) in packing.GROUPED_FAMILIES:
                    runs = [(False, [nlri for nlri, announce in changes.items() if not announce]),
                            (True, [nlri for nlri, announce in changes.items() if announce])]
                else:
                    runs = [(announce, [nlri for nlri, _ in run])
                            for announce, run in groupby(changes.items(), key=itemgetter(1))]
                for announce, nlris in runs:
                    if nlris and (announce or withdraw):
                        bodies = packing.announce_bodies if announce else packing.withdraw_bodies
                        yield from bodies(afi, safi, attributes, nexthop, nlris, ctx, group)

    @staticmethod
    def eor_bodies(families):
        """One End-of-RIB body per ``(afi, safi)`` (RFC 4724 section 2)."""
        return [packing.eor_body(afi, safi) for afi, safi in families]
