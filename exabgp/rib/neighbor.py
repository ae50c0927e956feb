"""The routes we send one neighbor, across its sessions: the Adj-RIB-Out rules, sans I/O.

A `NeighborRoutes` is made once per configured neighbor and lives as long
as the reactor's `Peer` (`exabgp.reactor.peer`), which tells it the events
and does what it answers: it writes the UPDATE bodies `updates` gives to the
session, and the End-of-RIBs; it keeps the time and the sockets.  Nothing
here reads a clock or touches a connection, so the rules are tested by
driving events (tests/test_rib_neighbor.py).  The events:

* the session: `up` (ESTABLISHED, a new `AdjRibOut` filled), `down` (the
  session closed), `detached` (its connection gone: the Adj-RIB-Out is no
  longer shown), `ended` (a connection or an attempt ended: what was queued
  for the next session is dropped, as 5.0 drops its queue then);
* the helpers: `announce`, `withdraw`, `watchdog`, `end_of_rib`, `flush`
  (``flush adj-rib out``), `clear` (``clear adj-rib out``); each answers
  True when a session is up and the changes are to be sent (the reactor
  sends them once the commands read together are all applied: `pending`,
  `updates`, `take_eors`);
* the peer: `refresh` (a ROUTE-REFRESH request for one family);
* the configuration: `reconfigure` (new session settings: the session ends,
  the next one gets the new routes), `reload` (same session settings: the
  new routes as a delta on the running session).

The rules are ExaBGP 5.0.15's (docs/compatibility.md, "The Adj-RIB-Out";
the differences found by the differential oracle are in
`qa.differential.known`):

* once ESTABLISHED the Adj-RIB-Out is filled with the configured routes of
  the negotiated families (``next-hop self`` resolved with the session's
  local address, watchdog routes as their watchdog left them, ``withdraw``
  ones held back) and the helpers' on top (`_cache_order`); the reactor
  sends them, then one End-of-RIB per negotiated family unless
  ``manual-eor`` (`initial_eors`, RFC 4724 section 2); a session's first
  batch of changes carries no withdrawal of an NLRI it does not announce
  (`updates`), and a helper's End-of-RIB leaves after the UPDATEs of its
  batch (`end_of_rib`);
* what helpers change while no session is up is queued as 5.0 queues it
  (`_queue_down`): the queue starts with the configured routes as loaded
  and is dropped whenever a connection or an attempt ends (`ended`); the
  next session sends it, bucket by bucket, with the routes announced then
  on top (`AdjRibOut.restart`), so a configured route a helper announced
  with other attributes before the first session goes out in both
  versions, as in 5.0; ``clear adj-rib out`` and ``withdraw watchdog``
  queue a withdrawal of each route they remove, which takes the NLRI's
  pending change out of its bucket (`_cancel_down`), ``announce watchdog``
  an announce of each route it brings back; ``flush adj-rib out`` reaches
  established peers only;
* the helpers' routes (`api_routes`) and the watchdog table
  (`_watchdog_tables`) outlive the sessions and the reloads, as 5.0's
  Adj-RIB-Out does; a reload caches the configured routes again and merges
  the watchdog tables (`_reloaded`);
* a ROUTE-REFRESH request (RFC 2918) replays the family from the
  Adj-RIB-Out (the reactor frames it with BoRR and EoRR when enhanced route
  refresh was negotiated, RFC 7313 section 4);
* each route goes through the session's export step on its way in, the
  withdrawals too (`exabgp.rib.export.SessionExport`, `export`): the
  session's defaults (ORIGIN, AS_PATH, LOCAL_PREF), AS_PATH and AGGREGATOR
  in 2-octet form for a session without 4-octet AS numbers, ``next-hop
  self`` resolved; routes are compared as sent (`_sent`).

A route the Adj-RIB-Out refuses (``next-hop self`` for an IPv6 route on an
IPv4 session) is not announced: `warn` is called with the reason.
"""

import ipaddress

from exabgp.bgp.record import replace
from exabgp.rib.export import SessionExport, sending_context, with_defaults
from exabgp.rib.outgoing import AdjRibOut, family_order


class NeighborRoutes:
    """The Adj-RIB-Out rules of one neighbor (see the module docstring)."""

    def __init__(self, neighbor, warn):
        self.neighbor = neighbor
        self.warn = warn  # called with the reason a route is not announced
        self.rib = None  # the AdjRibOut of the last session up, until its connection is gone (`detached`)
        self.ctx = None  # the context UPDATEs are packed with (`exabgp.rib.export.sending_context`)
        self.export = None  # the `SessionExport` of the last session up
        self.families = None  # the families negotiated by the session up, None while none is
        self.api_routes: dict = {}  # nlri -> StaticRoute a helper announced, or None: withdrawn by a helper
        self._reannounced: set = set()  # NLRI helpers announced again after a withdraw (see `_cache_order`)
        # 5.0's queue while no session is up (see `_queue_down`): None while it holds the configured routes as
        # loaded and nothing else, else the changes as [(static, announce, cancel)] since the last connection ended
        self._down: list | None = None
        self._configured: tuple | None = None  # (neighbor, {nlri: its configured StaticRoute}), built when first needed
        # 5.0's watchdog table of the configured watchdog routes (see `_watchdog_tables`), built when first needed
        self._tables: tuple | None = None
        # NLRI of configured watchdog routes ``clear adj-rib out`` withdrew while announced: 5.0 keeps them announced
        # in its watchdog table but not cached (not sent again) until their watchdog is withdrawn
        self._cleared: set = set()
        self._gone = ()  # the routes of NLRI a reload changing the neighbor took out (see `up`)
        self._eors: list[tuple[int, int]] = []  # End-of-RIBs helpers asked for, sent after the changes of their batch
        self._withdrawing = False  # a batch of changes was sent this session (see `updates`)

    # ------------------------------------------------------------ the session

    def up(self, local_address: bytes, ctx, families, first: bool) -> AdjRibOut:
        """A session is ESTABLISHED (`local_address` packed, `ctx` and `families` negotiated; `first`: the first
        session, or the first after a reconfiguration): a new Adj-RIB-Out, filled, its changes pending."""
        neighbor = self.neighbor
        self._withdrawing = False
        self.rib = rib = AdjRibOut(neighbor.families)
        self.ctx = sending_context(ctx, neighbor)
        router_id = ipaddress.IPv4Address(neighbor.router_id).packed
        self.export = SessionExport(neighbor.local_as, neighbor.peer_as, ctx.asn4, local_address, router_id)
        self.families = families
        self._fill(self._cache_order())
        # 5.0 sends a new session its queue (`_queue_down`) with its cached routes on top, in its order; a first
        # session with nothing queued by helpers gets the configuration as loaded, in the order filled
        queued, self._down = self._down, []
        if queued or (queued is not None and not first):
            rib.restart(self._queued_routes(queued))
        # after a reload changing the neighbor 5.0 withdraws the NLRI no longer configured behind its cache: none
        # leaves (a session's first batch), but that batch is sent, and the next one carries withdrawals
        gone, self._gone = self._gone, ()
        for static in gone:
            if static.route.family in families:
                rib.withdraw(self.export.withdrawal(static.route))
        return rib

    def down(self) -> None:
        """The session closed: changes are queued for the next one (the Adj-RIB-Out is still shown)."""
        self.families = None

    def detached(self) -> None:
        """The session's connection is gone."""
        self.families = None
        self.rib = None

    def ended(self) -> None:
        """A connection (or a connection attempt) ended: what was queued for the next session is dropped, as 5.0
        drops its queue then (the routes stay: `_queue_down`)."""
        self._down = []

    # ------------------------------------------------------------ what goes out

    def pending(self) -> bool:
        """Whether a session is up with changes or End-of-RIBs to send."""
        return self.families is not None and (bool(self._eors) or self.rib.pending())

    def updates(self, left_out: list):
        """The UPDATE bodies of the pending changes, which are then no longer pending; a route no UPDATE of the
        session can carry goes to `left_out` (`exabgp.rib.packing`).

        The first batch of a session carries no withdrawal of an NLRI it does
        not announce first (5.0 sends withdrawals only once one batch has gone
        out in the session: the peer has not received those routes;
        `AdjRibOut.updates` without `withdraw`).
        """
        rib = self.rib
        if not rib.pending():
            return ()
        withdraw, self._withdrawing = self._withdrawing, True
        return rib.updates(self.ctx, self.neighbor.group_updates, withdraw, left_out)

    def initial_eors(self):
        """The End-of-RIBs that follow a session's first UPDATEs: one per configured family negotiated, in the
        configured order; None with ``manual-eor``."""
        if self.neighbor.manual_eor:
            return None
        return [family for family in self.neighbor.families if family in self.families]

    def take_eors(self) -> list:
        """The End-of-RIBs helpers asked for (`end_of_rib`), sent after the UPDATEs of their batch; those asked for
        in a session that ended before sending them go out after the next session's first UPDATEs."""
        eors, self._eors = self._eors, []
        return eors

    # ------------------------------------------------------------ what helpers ask (exabgp.reactor.commands)

    def announce(self, statics) -> bool:
        """Routes from a helper: kept for every session of this peer, sent now when one is up."""
        live = self.families is not None
        api = self.api_routes
        for static in statics:
            nlri = static.route.nlri
            if not live:
                self._queue_down(static, True)
            if api.get(nlri, api) is None:  # withdrawn: announced again, it goes last, as in 5.0's cache
                del api[nlri]
                self._reannounced.add(nlri)
            api[nlri] = static
        if live:
            self._fill(statics)
        return live

    def withdraw(self, statics) -> bool:
        """Routes a helper withdraws: withdrawn in every session of this peer, now when one is up."""
        families = self.families
        api = self.api_routes
        for static in statics:
            nlri = static.route.nlri
            if families is None:
                self._queue_down(static, False)
            api.pop(nlri, None)
            api[nlri] = None
            if families is not None and static.route.family in families:
                # with the command's attributes (as the session sends them), as 5.0
                self.rib.withdraw(self.export.withdrawal(static.route), cancel=False)
        return families is not None

    def watchdog(self, name: str, announce: bool) -> bool:
        """Announce or withdraw the routes of watchdog `name`, moved in 5.0's table (`_watchdog_tables`); an
        announce puts them back last in 5.0's cache, which `_cache_order` reads from `api_routes` as a helper's
        announce (`_reannounced`, last also when a helper had withdrawn the NLRI), a withdraw puts them back in
        their configured place and ends a clear's hold (`_cleared`); a helper's route of the NLRI (a helper's
        ``watchdog`` keyword is dropped: only configured routes have one) is withdrawn with it, 5.0 taking the
        NLRI out of its cache whatever route it holds.  While no session is up the change is queued as 5.0
        queues it: an announce of each held route not cached as it is, a withdrawal of each announced one
        (`_cancel_down`)."""
        announced, held = self._watchdog_tables().get(name, ({}, {}))
        source, target = (held, announced) if announce else (announced, held)
        moved = list(source.values())
        families = self.families
        if families is None:
            statics = [static for static in moved if static.route.family in self.neighbor.families]
            if announce:
                cached = self._cached_while_down()
                for static in statics:
                    current = cached.get(static.route.nlri)
                    if current is None or current.route != static.route:
                        self._down_queue().append((replace(static, withdraw=False), True, False))
            else:
                self._cancel_down(statics)
        source.clear()
        api = self.api_routes
        for static in moved:
            nlri = static.route.nlri
            target[nlri] = static
            current = api.get(nlri, api)
            if current is static or announce and current is None:
                del api[nlri]
            if announce:
                api[nlri] = static
                self._reannounced.add(nlri)
            else:
                if current is not api and current is not static:  # a helper's route of the NLRI: 5.0 drops it too
                    api[nlri] = None
                self._reannounced.discard(nlri)
                self._cleared.discard(nlri)
        if families is None:
            return False
        export = self.export
        for static in moved:
            route = static.route
            if route.family not in families:
                continue
            if not announce:
                self.rib.withdraw(export.withdrawal(route))
                continue
            try:
                self.rib.add(export.route(route))
            except ValueError as error:
                self.warn(f"route not announced: {error}")
        return True

    def end_of_rib(self, afi: int, safi: int) -> bool:
        """An End-of-RIB from a helper: sent after the changes of the commands read with it (5.0 sends it once
        the UPDATEs of its batch are out, whatever the order of the commands)."""
        if self.families is None:
            return False
        self._eors.append((afi, safi))
        return True

    def flush(self) -> bool:
        """Send every route of the Adj-RIB-Out again (``flush adj-rib out``), when a session is up."""
        if self.families is None:
            return False
        self.rib.replay()
        return True

    def clear(self) -> bool:
        """Withdraw every route sent (``clear adj-rib out``): as in 5.0 they stay withdrawn in the next
        sessions too (configured and helpers' routes alike) until a helper announces them again.  While no
        session is up 5.0 queues a withdrawal of each cached route (`_cancel_down`): the next session's first
        batch sends none of them, but the announces they cancel do not leave either.  A configured watchdog route
        stays its watchdog's (`_cleared` when announced: not sent again until a ``withdraw watchdog``)."""
        live = self.families is not None
        if not live:
            self._cancel_down(list(self._cached_while_down().values()))
        api = self.api_routes
        for static in self.neighbor.routes:
            nlri = static.route.nlri
            if self._configured_watchdog(static) and api.get(nlri, static) is static:
                if not self._held(static):  # its watchdog still counts it (`_cleared`), in its configured place
                    self._cleared.add(nlri)
                    api.pop(nlri, None)
                    self._reannounced.discard(nlri)
                continue
            api[nlri] = None
        for nlri in api:
            api[nlri] = None
        if live:
            self.rib.clear()
        return live

    # ------------------------------------------------------------ what the peer asks

    def refresh(self, family) -> bool:
        """A ROUTE-REFRESH request for ``(afi, safi)`` (RFC 2918): the family's routes are sent again; False
        when no session is up or the family was not negotiated (the request is ignored)."""
        if self.families is None or family not in self.families:
            return False
        self.rib.replay(family)
        return True

    # ------------------------------------------------------------ the configuration

    def reconfigure(self, neighbor) -> None:
        """New session settings (the reactor ends the running session): the next session gets the routes
        `_reloaded` leaves cached (an NLRI no longer configured is not sent: 5.0 sends the new session its
        cache then withdraws those in the same batch, `up`)."""
        self._gone = self._reloaded(neighbor)[1]

    def reload(self, neighbor) -> bool:
        """Same session settings, new routes, in one batch: those `_reloaded` caches again, each route of an NLRI
        the previous configuration did not have (a watchdog route held by ``withdraw`` too, as 5.0 does: it is
        cached, its watchdog still holding it), and the withdrawal of each NLRI no longer configured (whatever
        route of it is cached, a helper's too).  True when a session is up: the reactor sends the batch at
        once.  5.0.15 sends them in one batch or, depending on where its peer's loop is when the reload comes,
        in two, the new routes twice (`qa.differential.known`, "reload-batches")."""
        before = {static.route.nlri for static in self.neighbor.routes}
        again, gone = self._reloaded(neighbor)
        api = self.api_routes
        new = [static for static in neighbor.routes if static.route.nlri not in before]
        for static in new:
            nlri = static.route.nlri
            if self._configured_watchdog(static) and self._held(static):
                if api.get(nlri) is None:  # not cached: it goes last
                    api.pop(nlri, None)
                api[nlri] = static
                self._reannounced.add(nlri)
        families = self.families
        if families is None:
            return False  # the next session sends the new routes
        self._fill(again)
        self._fill([static for static in new if static not in again], held=True)
        for static in gone:
            if static.route.family in families:
                self.rib.withdraw(self.export.withdrawal(static.route))
        return True

    def _reloaded(self, neighbor) -> tuple:
        """Take the reloaded `neighbor`, as 5.0 reads a configuration into the Adj-RIB-Out it keeps: the watchdog
        table merged (`_watchdog_tables`), then each configured route but those held by ``withdraw`` put in the
        cache again (one not cached, a helper or a clear or its watchdog withdrew it, goes last; one replacing
        another route of its NLRI takes its place), and the NLRI no longer configured taken out of it
        (whatever route of them is cached, a helper's too).  Returns the routes put in the cache and the
        previous configuration's routes of the NLRI taken out."""
        cached = self._cached_while_down()
        previous = self.neighbor.routes
        self._watchdog_tables()
        self.neighbor = neighbor
        self._watchdog_tables()
        api = self.api_routes
        again = []
        for static in neighbor.routes:
            nlri = static.route.nlri
            if api.get(nlri) == static:
                api[nlri] = static  # the new configuration's route, the one its watchdog table holds
            if static.withdraw:
                continue
            self._cleared.discard(nlri)
            current = cached.get(nlri)
            if current is None:
                api.pop(nlri, None)
                api[nlri] = static
                self._reannounced.add(nlri)
            elif current != static:  # another route of the NLRI (a helper's, another configured one)
                api[nlri] = static
            again.append(static)
        now = {static.route.nlri for static in neighbor.routes}
        gone = [static for static in previous if static.route.nlri not in now]
        for static in gone:
            if static.route.nlri in api:
                api[static.route.nlri] = None
        return again, gone

    # ------------------------------------------------------------ 5.0's cache and watchdog table

    def _cache_order(self) -> list:
        """The routes of 5.0's cache in its order, watchdogs not applied: the configured routes (a helper's announce
        of one of them, unless withdrawn since, in its place), then the helpers' in the order announced
        (`announce`, `withdraw`)."""
        api, again = self.api_routes, self._reannounced
        configured = [
            api.get(static.route.nlri, static) if static.route.nlri not in again else None
            for static in self.neighbor.routes
        ]
        placed = {static.route.nlri for static in configured if static is not None}
        return [static for static in configured if static is not None] + [
            static for nlri, static in api.items() if static is not None and nlri not in placed
        ]

    def _watchdog_tables(self) -> dict:
        """5.0's watchdog table of the configured routes: name -> (announced, held), NLRI -> StaticRoute each, in
        5.0's order: the configured order at first, then a route moved by ``announce|withdraw watchdog`` goes
        last in the other dictionary (`watchdog`).  It outlives the sessions and the reloads, as 5.0's does: a
        reload (`_reloaded`) puts each configured watchdog route of the new configuration in the dictionary its
        ``withdraw`` says, in place of the one of its NLRI there, and takes nothing out (an NLRI announced by
        its watchdog stays so when the new configuration says ``withdraw``, until the next ``withdraw
        watchdog``; a route no longer configured stays in its watchdog, moved by it as before)."""
        tables = self._tables
        if tables is None or tables[0] is not self.neighbor:
            built = {} if tables is None else tables[1]
            for static in self.neighbor.routes:
                if static.watchdog is not None:
                    announced, held = built.setdefault(static.watchdog, ({}, {}))
                    (held if static.withdraw else announced)[static.route.nlri] = static
            tables = self._tables = (self.neighbor, built)
        return tables[1]

    def _held(self, static) -> bool:
        """Whether the configured watchdog route `static` is withdrawn by its watchdog (`_watchdog_tables`): held
        and not announced (after a reload an NLRI may be in both, see there)."""
        announced, held = self._watchdog_tables().get(static.watchdog, ({}, {}))
        nlri = static.route.nlri
        return nlri in held and nlri not in announced

    def _configured_watchdog(self, static) -> bool:
        """Whether `static` is a configured watchdog route (one of `_watchdog_tables`), not a helper's."""
        if static.watchdog is None:
            return False
        nlri = static.route.nlri
        return any(table.get(nlri) is static for table in self._watchdog_tables().get(static.watchdog, ()))

    def _cached_watchdog(self, static) -> bool:
        """Whether the configured watchdog route `static` is cached: announced by its watchdog (or put in the
        cache by a reload, `_reloaded`) and not withdrawn by a clear since (`_cleared`)."""
        nlri = static.route.nlri
        return (not self._held(static) or self.api_routes.get(nlri) is static) and nlri not in self._cleared

    def _cached_while_down(self) -> dict:
        """NLRI -> StaticRoute: what 5.0's Adj-RIB-Out caches while no session is up, in the order it walks it
        (`exabgp.rib.outgoing.family_order`, each family in cache order): the routes of the configured families
        a session would be filled with (`up`: `_cache_order`, the routes held back by ``withdraw``, the held and
        the cleared watchdog routes left out)."""
        families = self.neighbor.families
        kept = [
            static
            for static in self._cache_order()
            if static.route.family in families
            and (self._cached_watchdog(static) if self._configured_watchdog(static) else not static.withdraw)
        ]
        walk: dict[tuple, dict] = {family: {} for family in family_order(families)}
        for static in kept:
            walk.setdefault(static.route.family, {})[static.route.nlri] = static
        return {nlri: static for statics in walk.values() for nlri, static in statics.items()}

    # ------------------------------------------------------------ into the session's Adj-RIB-Out

    def _fill(self, statics, held: bool = False) -> None:
        """Put configured routes of the negotiated families in the Adj-RIB-Out; with `held` those held back too
        (5.0's reload of a new NLRI, `reload`), each as the session sends it (`SessionExport.route`)."""
        families = self.families
        export = self.export.route
        rib = self.rib
        for static in statics:
            route = static.route
            if route.family not in families:
                continue
            try:
                if held:
                    rib.add(export(route))
                elif self._configured_watchdog(static):
                    if self._cached_watchdog(static):
                        rib.add(export(route))
                elif not static.withdraw:
                    rib.add(export(route))
            except ValueError as error:
                self.warn(f"route not announced: {error}")

    # ------------------------------------------------------------ while no session is up

    def _queued_routes(self, queued: list) -> list:
        """The changes queued while no session was up (`_queue_down`) as `AdjRibOut.restart` takes them: routes of
        the negotiated families, as the session sends them (an announce whose ``next-hop self`` cannot be
        resolved is left out, as `_fill` leaves it out, and so is the announce of a route held back by
        ``withdraw``)."""
        families = self.families
        export = self.export
        routes = []
        for static, announce, cancel in queued:
            route = static.route
            if route.family not in families or announce and static.withdraw:
                continue
            if not announce:
                routes.append((export.withdrawal(route), False, cancel))
                continue
            try:
                routes.append((export.route(route), True, cancel))
            except ValueError:
                continue
        return routes

    def _queue_down(self, static, announce: bool) -> None:
        """A helper's change while no session is up, kept as 5.0 keeps it in its queue until a connection ends:
        the next session sends the queue bucket by bucket, the cached routes on top (`AdjRibOut.restart`).
        5.0's queue starts with the configured routes as loaded; an announce identical to the route cached (the
        helpers', else the configured one) is not queued, as 5.0 leaves it out.  Called before `api_routes`
        takes the change.

        While the queue is the configured routes then announces of routes new to the peer (`_down` None: a
        table a helper gives before the first session), it is not kept: it is the order `up` fills the
        Adj-RIB-Out in (the configured routes, then `api_routes` in its order), so it costs nothing."""
        nlri = static.route.nlri
        api = self.api_routes
        configured = self._configured
        if configured is None or configured[0] is not self.neighbor:
            routes = self.neighbor.routes
            configured = self._configured = (self.neighbor, {item.route.nlri: item for item in routes})
        configured = configured[1]
        if self._down is None and announce and nlri not in api and nlri not in configured:
            return
        if announce:
            cached = api[nlri] if nlri in api else configured.get(nlri)
            if cached is not None and self._sent(cached.route, static.route):
                return
        self._down_queue().append((static, announce, False))

    def _sent(self, route, other) -> bool:
        """Whether the two routes are sent alike: equal once the session's defaults are applied (a route that
        states a default is sent as one that does not)."""
        if route == other:
            return True
        neighbor = self.neighbor
        return (
            route.nlri == other.nlri
            and route.nexthop == other.nexthop
            and with_defaults(route.attributes, neighbor.local_as, neighbor.peer_as)
            == with_defaults(other.attributes, neighbor.local_as, neighbor.peer_as)
        )

    def _down_queue(self) -> list:
        """`_down` as a list of ``(static, announce, cancel)``: when it was None, the configured routes as loaded
        (watchdog ones unless held) and the helpers' announces since, as 5.0's queue holds them."""
        if self._down is None:
            self._down = [(item, True, False) for item in self.neighbor.routes if not item.withdraw]
            self._down.extend((item, True, False) for item in self.api_routes.values() if item is not None)
        return self._down

    def _cancel_down(self, statics) -> None:
        """Withdrawals queued while no session is up as 5.0's ``clear adj-rib out`` and ``withdraw watchdog`` queue
        them: each with the cached route's attributes, taking the NLRI's pending change out of its bucket first."""
        if statics:
            self._down_queue().extend((static, False, True) for static in statics)
