"""The Adj-RIB-Out of one peer: what we announce, and the changes not sent yet.

The cache, NLRI (`exabgp.bgp.nlri.Prefix`, `RawNLRI` or an object NLRI:
`Flow`, `VPLS`, ...) -> `Route`, holds every route currently announced (or
queued to be) as the session sends it (`exabgp.rib.export`: the session's
defaults, AS numbers and next hop applied before a route is given to
`add`), one per NLRI as in 5.0 (a FlowSpec rule
announced with other actions replaces the one announced before); its values
share the `AttributeSet` objects of the routes given to `add`, so a full
table costs one dictionary slot and one small `Route` per prefix.

The pending changes are kept in 5.0's order: (attribute set, next hop,
family) -> NLRI -> announce (True) or withdraw (False), every dictionary in
the order its keys first appeared since the last `updates()`; the buckets
go out in the order they first appeared, each with its families in that
order.  A bucket is what 5.0 keys its queue with, its attributes, which
hold the next hop but for FlowSpec and L2VPN (`packing.NO_NEXT_HOP_ATTRIBUTE`):
attribute set and next hop, or the attribute set alone for those.  A withdraw is filed under the attributes
of the route it withdraws, as 5.0 files it, since 5.0 sends them along with
it.

The rules are those of ExaBGP 5.0 (docs/compatibility.md, "The Adj-RIB-Out"):

* an announce identical to the cached route (same next hop and attributes)
  is suppressed; one with other attributes replaces it (implicit withdraw,
  RFC 4271 section 3.1); a withdraw drops the cached route and cancels a
  pending announce, and is sent even for a route the peer never received,
  except in a session's first batch (`updates` without `withdraw`: 5.0
  sends no withdrawal until one batch has gone out in the session);
* pending changes, as 5.0 queues them: an announce goes in the bucket of
  its attributes (in place when the NLRI is there already) and leaves the
  NLRI's other buckets alone, so two announces of one NLRI with other
  attributes in one batch are both sent, in bucket order; a withdraw takes
  the NLRI's last pending change out of its bucket and is filed under its
  own attributes;
* `updates(ctx, group)` drains the pending changes into UPDATE bodies in
  5.0's order: bucket by bucket, family by family; in a family 5.0 groups
  (IPv4 unicast, MCAST-VPN, with ``group``) the withdrawals then the
  announcements, each sorted and packed together; in the others one UPDATE
  per change, in the order queued (`exabgp.rib.packing` makes the bodies);
* `replay()` queues every cached route to be sent again (``flush adj-rib
  out``), `replay(family)` one family's (ROUTE-REFRESH, RFC 2918; the
  session frames it with BoRR/EoRR for RFC 7313): at the next `updates()`
  they go out first, one UPDATE each, as the cache holds them then, ahead
  of the buckets (`_refreshed` says which); `restart(queued)` (a new
  session) queues the changes made while no session was up (withdrawals
  cancelling the NLRI's pending change as `withdraw` does for ``clear`` and
  watchdogs), then every cached route on top of them; `clear()`
  withdraws everything (``clear adj-rib out``); `replay()`, `restart()` and
  `clear()` walk the routes family by family in 5.0's order
  (`family_order`), each family in cache order;
* the rules across sessions (watchdogs, changes while no session is up,
  reloads) are `exabgp.rib.neighbor.NeighborRoutes`'s, which makes one
  `AdjRibOut` per session and calls the methods above.
"""

from itertools import groupby
from operator import itemgetter

from exabgp.bgp.route import NO_NEXT_HOP, AttributeSet, Route
from exabgp.rib import packing

#: what a withdraw of an NLRI that is not in the cache is sent with
_NO_ATTRIBUTES = AttributeSet()


def family_order(families) -> tuple:
    """The order 5.0 walks its cached routes' families in (``flush adj-rib out``, ``clear adj-rib out``, a new
    session): that of a Python set of the neighbor's ``(afi, safi)`` pairs (5.0 iterates such a set); the same
    set, built the same way, gives the same order."""
    families = list(families)
    return tuple(set(families).intersection(families))


def _first_batch(changes: dict, sent: list) -> dict:
    """The changes of a bucket a session's first batch sends: every announce, and the withdrawals of NLRI
    announced before them in the batch (`sent`: the buckets so far, this one last).

    5.0 sends no withdrawal in a session's first batch, the peer having
    received nothing yet; but when the batch announces the NLRI first (an
    announce and a helper's ``withdraw`` with other attributes) 5.0 sends
    the announce alone and the peer keeps a route we withdrew: the
    withdrawal is sent then (`qa.differential.known`, RFC 4271 section 9.2).
    """
    if all(changes.values()):
        return changes
    kept = {}
    announced = None
    for nlri, announce in changes.items():
        if announce:
            kept[nlri] = True
            continue
        if announced is None:
            announced = {nlri for bucket in sent[:-1] for nlri, yes in bucket.items() if yes}
        if nlri in announced:
            kept[nlri] = False
    return kept


class AdjRibOut:
    """Routes announced to one peer and the changes queued for it."""

    __slots__ = ("_order", "_cache", "_pending", "_queued", "_refresh")

    def __init__(self, families=()):
        self._order = family_order(families)  # the order replay() and clear() walk the families in
        self._cache: dict = {}  # nlri -> Route
        self._pending: dict = {}  # (attributes, nexthop, afi, safi) -> {nlri: announce}
        self._queued: dict = {}  # nlri -> the bucket of its last change in _pending
        self._refresh: list = []  # routes replay() queued, sent first (see updates)

    def __len__(self):
        return len(self._cache)

    def routes(self, family=None):
        """The announced routes (``show adj-rib out``), of one ``(afi, safi)`` or all."""
        if family is None:
            return list(self._cache.values())
        return [route for route in self._cache.values() if (route.nlri.afi, route.nlri.safi) == family]

    def listing(self):
        """Yield the announced routes for ``show adj-rib out``, which streams them while routes keep changing:
        the NLRI are taken when the walk starts and each is looked up at its turn (a route withdrawn meanwhile
        is left out, a replaced one is yielded as it is then, one added after the start is not yielded)."""
        cache = self._cache
        for nlri in list(cache):
            route = cache.get(nlri)
            if route is not None:
                yield route

    def pending(self) -> bool:
        return bool(self._queued) or bool(self._refresh)

    # ------------------------------------------------------------ changes

    def _queue(self, route: Route, announce: bool):
        nlri = route.nlri
        key = (route.attributes, route.nexthop, nlri.afi, nlri.safi)
        changes = self._pending.get(key)
        if changes is None:
            changes = self._pending[key] = {}
        changes[nlri] = announce
        self._queued[nlri] = key

    def add(self, route: Route) -> bool:
        """Queue an announce (a route as the session sends it); False when it is the route already announced."""
        nlri = route.nlri
        if self._cache.get(nlri) == route:
            return False
        self._cache[nlri] = route
        self._queue(route, True)
        return True

    def withdraw(self, route_or_key, cancel: bool = True):
        """Queue a withdraw of a route (sent with its attributes, as the session sends them), or of an NLRI (sent
        with the cached route's attributes); with `cancel` the NLRI's last pending change is taken out of its bucket (5.0's
        ``clear adj-rib out``, watchdogs, reloads), without it (a helper's ``withdraw``: 5.0 files it as it
        files an announce) the changes in other buckets stay and are sent before or after it."""
        if isinstance(route_or_key, Route):
            route = route_or_key
        else:
            route = self._cache.get(route_or_key) or Route(route_or_key, NO_NEXT_HOP, _NO_ATTRIBUTES)
        nlri = route.nlri
        self._cache.pop(nlri, None)
        if cancel:
            self._cancel(nlri)
        self._queue(route, False)

    def _cancel(self, nlri):
        """Take the NLRI's last pending change out of its bucket (5.0's ``del_from_rib``)."""
        previous = self._queued.get(nlri)
        if previous is not None:
            self._pending[previous].pop(nlri, None)

    def _walk(self) -> list:
        """The cached routes as 5.0 walks them: family by family in `family_order`, each in cache order."""
        if len(self._order) < 2:
            return list(self._cache.values())
        families: dict[tuple[int, int], list[Route]] = {family: [] for family in self._order}
        for route in self._cache.values():
            families.setdefault(route.family, []).append(route)
        return [route for routes in families.values() for route in routes]

    def replay(self, family=None):
        """Send every cached route again (in 5.0's order, `_walk`), or those of one ``(afi, safi)``: they go out
        first at the next `updates`, as the cache holds them then."""
        if family is None:
            self._refresh.extend(self._walk())
        else:
            self._refresh.extend(route for route in self._cache.values() if route.family == family)

    def restart(self, queued=()):
        """A new session: pending, the changes `queued` while no session was up, as ``(route, announce, cancel)``
        in the order made (5.0 keeps them in its queue; `cancel`: a withdrawal that takes the NLRI's last pending
        change out of its bucket first, as ``clear adj-rib out`` and ``withdraw watchdog`` file it, see
        `withdraw`), then every cached route on top of them in 5.0's order (`_walk`): a route goes in the bucket
        of its attributes, where it is when it is there already, so the buckets of `queued` keep their place and
        order."""
        self._pending, self._queued, self._refresh = {}, {}, []
        for route, announce, cancel in queued:
            if cancel:
                self._cancel(route.nlri)
            self._queue(route, announce)
        for route in self._walk():
            self._queue(route, True)

    def clear(self):
        """Withdraw every announced route (in 5.0's order, `_walk`)."""
        for route in self._walk():
            self.withdraw(route.nlri)

    # ------------------------------------------------------------ output

    def _refreshed(self, pending) -> list:
        """The routes `replay` queued, as they go out ahead of the buckets (5.0's order): each NLRI once, at its
        first place, as the cache holds it now; not those withdrawn since (their withdrawal stays in its
        bucket, and an announce queued after it too); an announce still in a bucket for an NLRI sent here is
        dropped from the bucket."""
        refresh: dict[object, Route] = {}  # nlri -> its route
        for route in self._refresh:
            refresh.setdefault(route.nlri, route)
        self._refresh = []
        consumed = set(refresh)
        for changes in pending.values():
            for nlri, announce in changes.items():
                if not announce and nlri in refresh:
                    del refresh[nlri]
                    if nlri in self._cache:  # announced again after its withdrawal: that announce stays
                        consumed.discard(nlri)
        cache = self._cache
        for changes in pending.values():
            for nlri in [nlri for nlri, announce in changes.items() if announce and nlri in consumed]:
                del changes[nlri]
        return [cache.get(nlri, route) for nlri, route in refresh.items()]

    def updates(self, ctx, group: bool = True, withdraw: bool = True, left_out: list | None = None):
        """Yield the UPDATE bodies of every pending change, which are then no longer pending; without
        `withdraw` the withdrawals are dropped (a session's first batch, as 5.0 sends it).  A route too large
        for `ctx` is not sent and goes to `left_out` (`exabgp.rib.packing`).

        The routes `replay` queued go first, one UPDATE each (`_refreshed`), then the buckets."""
        pending, self._pending, self._queued = self._pending, {}, {}
        if self._refresh:
            for route in self._refreshed(pending):
                yield from packing.announce_bodies(
                    route.nlri.afi, route.nlri.safi, route.attributes, route.nexthop, [route.nlri], ctx, group, left_out
                )
        # (attributes, next hop or None) -> the pending keys filed under it, in order
        buckets: dict[tuple[AttributeSet, bytes | None], list[tuple[AttributeSet, bytes, int, int]]] = {}
        unattached = packing.NO_NEXT_HOP_ATTRIBUTE
        for attributes, nexthop, afi, safi in pending:
            bucket = (attributes, None if (afi, safi) in unattached else nexthop)
            buckets.setdefault(bucket, []).append((attributes, nexthop, afi, safi))
        sent = []  # the changes sent so far, for a first batch's withdrawals (_first_batch)
        for keys in buckets.values():
            for attributes, nexthop, afi, safi in keys:
                changes = pending[attributes, nexthop, afi, safi]
                if not withdraw:
                    sent.append(changes)
                    changes = _first_batch(changes, sent)
                if group and (afi, safi) in packing.GROUPED_FAMILIES:
                    runs = [
                        (False, [nlri for nlri, announce in changes.items() if not announce]),
                        (True, [nlri for nlri, announce in changes.items() if announce]),
                    ]
                else:
                    runs = [
                        (announce, [nlri for nlri, _ in run])
                        for announce, run in groupby(changes.items(), key=itemgetter(1))
                    ]
                for announce, nlris in runs:
                    if nlris:
                        bodies = packing.announce_bodies if announce else packing.withdraw_bodies
                        yield from bodies(afi, safi, attributes, nexthop, nlris, ctx, group, left_out)
