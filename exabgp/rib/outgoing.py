"""The Adj-RIB-Out of one peer: what we announce, and the changes not sent yet.

Two dictionaries keyed by NLRI (`exabgp.bgp.nlri.Prefix` or `RawNLRI`):

* the cache, NLRI -> `Route`: every route currently announced (or queued to
  be), next hop resolved; its values share the `AttributeSet` objects of the
  routes given to `add`, so a full table costs one dictionary slot and one
  small `Route` per prefix;
* the pending changes, NLRI -> `Route` (announce) or None (withdraw), in the
  order they were made.

The rules are those of ExaBGP 5.0 (SURFACE.md section 7.4):

* an announce identical to the cached route (same next hop and attributes)
  is suppressed; one with other attributes replaces it (implicit withdraw,
  RFC 4271 section 3.1); a withdraw drops the cached route and cancels a
  pending announce, and is always sent (5.0 sends it even for a route the
  peer never received);
* `NEXT_HOP_SELF` is resolved when the route is added: the session's local
  address, or the router-id for an IPv4 route on an IPv6 session (SURFACE.md
  section 3.12);
* `updates(ctx, group)` drains the pending changes into UPDATE bodies:
  withdrawals first, then announcements bucketed by attribute set (and next
  hop), then by family, each bucket packed by `exabgp.rib.packing`;
* `replay()` re-queues every cached route (new session, ``flush adj-rib
  out``), `replay(family)` one family's (ROUTE-REFRESH, RFC 2918; the
  session frames it with BoRR/EoRR for RFC 7313); `clear()` withdraws
  everything (``clear adj-rib out``);
* watchdogs (``watchdog NAME`` / ``withdraw`` in a route, ``announce|withdraw
  watchdog NAME`` from the API): the caller registers a route under a name
  with `add_watchdog`, starting withdrawn or not; `announce_watchdog` and
  `withdraw_watchdog` move the whole group.
"""

from exabgp.bgp.family import AFI_IPV4, AFI_IPV6
from exabgp.bgp.route import NEXT_HOP_SELF, Route
from exabgp.rib import packing


class AdjRibOut:
    """Routes announced to one peer and the changes queued for it."""

    __slots__ = ("local_address", "router_id", "_cache", "_pending", "_watchdogs")

    def __init__(self, local_address: bytes, router_id: bytes):
        self.local_address = local_address      # packed, 4 or 16 octets
        self.router_id = router_id              # packed, 4 octets
        self._cache = {}
        self._pending = {}
        self._watchdogs = {}                    # name -> ({announced nlri: route}, {withdrawn nlri: route})

    def __len__(self):
        return len(self._cache)

    def routes(self, family=None):
        """The announced routes (``show adj-rib out``), of one ``(afi, safi)`` or all."""
        if family is None:
            return list(self._cache.values())
        return [route for route in self._cache.values() if (route.nlri.afi, route.nlri.safi) == family]

    def pending(self) -> bool:
        return bool(self._pending)

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

    def add(self, route: Route) -> bool:
        """Queue an announce; False when it is the route already announced."""
        route = self.resolve(route)
        nlri = route.nlri
        if self._cache.get(nlri) == route:
            return False
        self._cache[nlri] = route
        self._pending.pop(nlri, None)
        self._pending[nlri] = route
        return True

    def withdraw(self, route_or_nlri):
        """Queue a withdraw of a route (or of an NLRI)."""
        nlri = route_or_nlri.nlri if isinstance(route_or_nlri, Route) else route_or_nlri
        self._cache.pop(nlri, None)
        self._pending.pop(nlri, None)
        self._pending[nlri] = None

    def replay(self, family=None):
        """Queue every cached route again, or those of one ``(afi, safi)``."""
        for nlri, route in self._cache.items():
            if family is None or (nlri.afi, nlri.safi) == family:
                self._pending[nlri] = route

    def clear(self):
        """Withdraw every announced route."""
        for nlri in list(self._cache):
            self.withdraw(nlri)

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

    def updates(self, ctx, group: bool = True):
        """Yield the UPDATE bodies of every pending change, which are then no longer pending."""
        pending, self._pending = self._pending, {}
        withdrawn = {}
        buckets = {}
        for nlri, route in pending.items():
            family = (nlri.afi, nlri.safi)
            if route is None:
                withdrawn.setdefault(family, []).append(nlri)
            else:
                buckets.setdefault((route.attributes, route.nexthop), {}).setdefault(family, []).append(nlri)
        for (afi, safi), nlris in withdrawn.items():
            yield from packing.withdraw_bodies(afi, safi, nlris, ctx, group)
        for (attributes, nexthop), families in buckets.items():
            for (afi, safi), nlris in families.items():
                yield from packing.announce_bodies(afi, safi, attributes, nexthop, nlris, ctx, group)

    @staticmethod
    def eor_bodies(families):
        """One End-of-RIB body per ``(afi, safi)`` (RFC 4724 section 2)."""
        return [packing.eor_body(afi, safi) for afi, safi in families]
