"""What the helpers and the CLI say, done on the running peers.

See docs/compatibility.md, "Commands and selectors", "Answers".

`Commands.execute(source, line)` parses the line (`exabgp.config.command`),
calls the method the command table `HANDLERS` gives for its action and kind,
which finds the peers it reaches and acts on them, then answers the source
(`exabgp.reactor.api.Api.answer` / `ack`): reply lines if the command has
any, then ``done``, or ``error`` (with the reason logged, as 5.0 logs
``command from process not understood``) when the line is not understood or
reaches no peer.  Nothing a helper writes can stop the daemon: a bad line
is an ``error`` and the next line is read.

Who a command reaches (5.0): a helper acts on the peers whose ``api``
blocks name it, the CLI on every peer (`exabgp.reactor.api.Api.peers_of`);
among those, the command's selectors choose (`exabgp.config.command.select`,
no selector: all of them), except that ``teardown`` without a selector
tears nothing down and says ``done`` (docs/compatibility.md, "Commands and selectors"), and watchdogs reach
every peer the source may act on.

Routes are parsed once per command, whatever peers it reaches (what a
peer's session changes in them is applied when they enter its Adj-RIB-Out,
`exabgp.rib.export`), and interned in one `AttributeSets` shared by every
route helpers announce, so a million routes
with a few attribute sets cost a few attribute objects.  The table starts
over once it holds `INTERNED_MAX` sets (`AttributeSets` with a limit): a
helper that keeps changing a MED grows no memory.  Announcements and
withdrawals go into the peers' Adj-RIB-Out (`exabgp.rib.neighbor.NeighborRoutes.announce`)
and leave in one batch of UPDATEs once the lines read together are applied.

``show neighbor`` and ``show adj-rib`` make their answer lazily, a peer or a
route at a time, and hand it to `exabgp.reactor.answers`, which streams it
at the reader's pace (`_rib_routes` says what a RIB walk shows when routes
change meanwhile).

``show adj-rib`` prints RTC routes (RFC 4684) as 5.0.15 prints them: their
NLRI and attributes without next hop, under none of the route kinds
(``inet``, ``flow``, ``l2vpn``), and not in the ``json`` form.
"""

import time
import traceback
from collections.abc import Callable
from typing import Any

from exabgp.api import show
from exabgp.api.text_message import attributes_text
from exabgp.bgp import capability as caps
from exabgp.bgp.attribute import decode_attributes
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import family_name
from exabgp.bgp.message import MESSAGE_TYPES
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.operational import OPERATIONAL_TYPES, Operational
from exabgp.bgp.route import AttributeSets
from exabgp.config.command import CommandError, Parser, neighbor_configuration, peer_name, select
from exabgp.reactor.controller import Controller

SOURCE = "api"
#: the attribute sets one interning table holds before a new table replaces it (about 500 octets each)
INTERNED_MAX = 1 << 16
#: texts (next hops, attribute sets) kept while ``show adj-rib`` walks a RIB
_TEXT_CACHE = 4096

#: `exabgp.api.show.CAPABILITIES` -> the capability codes that stand for it in an OPEN
_CAPABILITY_CODES = {
    "asn4": (caps.FOUR_OCTET_AS,),
    "route-refresh": (caps.ROUTE_REFRESH, caps.ROUTE_REFRESH_CISCO),
    "multi-session": (caps.MULTISESSION, caps.MULTISESSION_CISCO),
    "operational": (caps.OPERATIONAL,),
    "add-path": (caps.ADD_PATH,),
    "extended-message": (caps.EXTENDED_MESSAGE,),
    "graceful-restart": (caps.GRACEFUL_RESTART,),
}
#: ``announce operational`` type -> OPERATIONAL type code
_OPERATIONAL_CODES = {name.lower(): code for code, (name, _) in OPERATIONAL_TYPES.items()}
#: `exabgp.api.show.MESSAGES` -> message type (5.0 says ``refresh`` for ROUTE-REFRESH)
_MESSAGE_CODES = {name.lower().replace("route-", ""): code for code, (name, _) in MESSAGE_TYPES.items()}


def _has(message, codes):
    """Whether an OPEN (None: not received) carries one of the capability `codes`."""
    if message is None:
        return None
    return any(message.capabilities_of(code) for code in codes)


def _families(message):
    if message is None:
        return None
    return {(c.afi, c.safi) for c in message.capabilities_of(caps.MULTIPROTOCOL)}


def status(peer, now: float) -> show.PeerStatus:
    """What ``show neighbor`` says about `peer` (exabgp.reactor.peer.Peer) at monotonic time `now`."""
    neighbor = peer.neighbor
    connection = peer.connection
    session = connection.session if connection is not None else None
    sent_open = session.sent_open if session is not None else None
    negotiated = session.negotiated if session is not None else None
    received_open = negotiated.received_open if negotiated is not None else None
    established = session is not None and peer.established_session() is not None
    local_families, peer_families = _families(sent_open), _families(received_open)
    send = set(negotiated.addpath_send) if negotiated is not None else set()
    receive = set(negotiated.addpath_receive) if negotiated is not None else set()
    families = tuple(
        (
            family_name(afi, safi),
            None if local_families is None else (afi, safi) in local_families,
            None if peer_families is None else (afi, safi) in peer_families,
            (afi, safi) in send,
            (afi, safi) in receive,
        )
        for afi, safi in neighbor.families
    )
    counts = [
        (
            kind,
            session.sent.get(_MESSAGE_CODES[kind], 0) if session else 0,
            session.received.get(_MESSAGE_CODES[kind], 0) if session else 0,
        )
        for kind in show.MESSAGES
    ]
    return show.PeerStatus(
        peer_address=neighbor.peer_address,
        local_address=neighbor.local_address or (connection.local_ip if connection is not None else None),
        local_as=neighbor.local_as,
        peer_as=neighbor.peer_as,
        local_id=neighbor.router_id,
        peer_id=received_open.router_id if received_open is not None else None,
        local_hold=neighbor.hold_time,
        peer_hold=received_open.hold_time if received_open is not None else None,
        state=session.state.name.replace("_", "") if session is not None else "IDLE",
        up=int(now - peer.since) if established else 0,
        down=0 if established else int(now - peer.since),
        capabilities=tuple(
            (name, _has(sent_open, codes), _has(received_open, codes)) for name, codes in _CAPABILITY_CODES.items()
        ),
        families=families,
        messages=tuple(counts),
    )


def operational_message(line, router_id: str) -> Operational:
    """The OPERATIONAL message of an ``announce operational`` line (`exabgp.config.neighbor.OperationalLine`);
    a query or counter without ``router-id`` carries the neighbor's `router_id`."""
    afi, safi = line.family
    return Operational(
        _OPERATIONAL_CODES[line.kind],
        afi,
        safi,
        advisory=(line.advisory or "").encode(),
        router_id=line.router_id or router_id,
        sequence=line.sequence or 0,
        counter=line.counter or 0,
    )


def _lines(lines):
    """Each line with its newline: the pieces of an answer."""
    for line in lines:
        yield line + "\n"


def _cached(cache: dict, key, make):
    """``cache[key]``, made with ``make(key)`` when missing; the cache is emptied when it holds `_TEXT_CACHE`."""
    value = cache.get(key)
    if value is None:
        if len(cache) >= _TEXT_CACHE:
            cache.clear()
        value = cache[key] = make(key)
    return value


class Commands:
    """The command executor of one reactor (see the module docstring)."""

    def __init__(self, reactor: Controller, api):
        """`api`: the `exabgp.reactor.api.Api` that made it (not imported: it imports this module)."""
        self.reactor = reactor
        self.api = api
        self.interned = AttributeSets(INTERNED_MAX)
        self.parse = Parser().parse  # remembers the common route lines (exabgp.config.command.Parser)

    # ------------------------------------------------------------ entry

    def execute(self, source: str, line: str) -> None:
        try:
            command = self.parse(line)
            HANDLERS[command.action, command.kind](self, source, command)
        except CommandError as error:
            self.reactor.log.warning(SOURCE, f"command from process not understood : {line} ({error})")
            self.api.ack(source, False)
        except Exception as error:  # a bug of ours: the helper is answered and the daemon carries on
            self.reactor.log.error(SOURCE, f"command from {source} failed: {line} ({error!r})")
            self.reactor.log.debug(SOURCE, traceback.format_exc())
            self.api.ack(source, False)

    def is_reset(self, line: str) -> bool:
        """Whether `line` is the ``reset`` command (which ends an answer that streams, `exabgp.reactor.answers`)."""
        try:
            return self.parse(line).action == "reset"
        except CommandError:
            return False

    def _targets(self, source: str, command) -> list:
        allowed = self.api.peers_of(source)
        chosen = {id(neighbor) for neighbor in select(command.selectors, [peer.neighbor for peer in allowed])}
        peers = [peer for peer in allowed if id(peer.neighbor) in chosen]  # identity: no deep neighbor compare
        if not peers:
            raise CommandError("no neighbor matching the command")
        return peers

    # ------------------------------------------------------------ announce / withdraw

    def _routes(self, source: str, command, act) -> None:
        peers = self._targets(source, command)
        statics = command.routes(self.interned)
        for peer in peers:
            act(peer, statics)
        self.api.ack(source, True)

    def _announce_route(self, source, command):
        self._routes(source, command, lambda peer, statics: peer.send_soon(peer.outbound.announce(statics)))

    def _withdraw_route(self, source, command):
        self._routes(source, command, lambda peer, statics: peer.send_soon(peer.outbound.withdraw(statics)))

    def _established(self, source: str, command) -> list:
        """``(peer, session)`` of the established peers the command reaches; none is an error (5.0)."""
        found = [(peer, peer.established_session()) for peer in self._targets(source, command)]
        found = [(peer, session) for peer, session in found if session is not None]
        if not found:
            raise CommandError("no neighbor matching the command")
        return found

    def _announce_eor(self, source, command):
        """5.0 sends the End-of-RIB to every established peer, whatever families it negotiated, after the
        UPDATEs of the commands read with it (`exabgp.rib.neighbor.NeighborRoutes.end_of_rib`)."""
        afi, safi = command.family
        found = self._established(source, command)
        self.api.ack(source, True)  # 5.0 answers before the message leaves (its event follows)
        for peer, _ in found:
            peer.send_soon(peer.outbound.end_of_rib(afi, safi))

    def _announce_route_refresh(self, source, command):
        """Sent where route refresh and the family were negotiated; ``done`` for any established peer (5.0)."""
        afi, safi = command.family
        found = self._established(source, command)
        self.api.ack(source, True)  # 5.0 answers before the message leaves (its event follows)
        for peer, session in found:
            if session.negotiated.refresh and (afi, safi) in session.negotiated.families:
                session.send_route_refresh(afi, safi)
                peer.connection.progress()

    def _announce_operational(self, source, command):
        line = command.operational
        peers = self._targets(source, command)
        if line is not None:
            for peer in peers:
                session = peer.established_session()
                if session is not None and session.negotiated.operational:
                    session.send_message(operational_message(line, peer.neighbor.router_id))
                    peer.connection.progress()
        self.api.ack(source, True)

    def _watchdog(self, source, command, announce: bool):
        name = command.name or source
        for peer in self.api.peers_of(source):
            peer.send_soon(peer.outbound.watchdog(name, announce))
        self.api.ack(source, True)

    def _announce_watchdog(self, source, command):
        self._watchdog(source, command, True)

    def _withdraw_watchdog(self, source, command):
        self._watchdog(source, command, False)

    # ------------------------------------------------------------ sessions and RIBs

    def _teardown(self, source, command):
        if not command.selectors:  # 5.0 answers done and tears nothing down (docs/compatibility.md)
            self.reactor.log.warning(SOURCE, f"teardown without a neighbor from {source}: nothing torn down")
            self.api.ack(source, True)
            return
        peers = self._targets(source, command)
        self.api.ack(source, True)  # 5.0 answers before the session ends (its events follow)
        for peer in peers:
            peer.teardown(command.code)

    def _flush_adj_rib(self, source, command):
        """The established peers the command reaches send their Adj-RIB-Out again; none is an error (5.0.15
        matches the command against its established peers only)."""
        found = self._established(source, command)
        for peer, _ in found:
            peer.send_soon(peer.outbound.flush())
        self.api.ack(source, True)

    def _clear_adj_rib(self, source, command):
        for peer in self._targets(source, command):
            peer.clear_in() if command.rib == "in" else peer.send_soon(peer.outbound.clear())
        self.api.ack(source, True)

    # ------------------------------------------------------------ show

    def _show_neighbor(self, source, command):
        self.api.answers.send(
            source, self._neighbor_text(command, [peer for peer in self.reactor.peers if command.shows(peer.neighbor)])
        )

    @staticmethod
    def _neighbor_text(command, peers):
        """The pieces of ``show neighbor``: a peer's status is read when its turn comes, durations counted
        from the time of the command."""
        now = time.monotonic()
        statuses = (status(peer, now) for peer in peers)
        if command.json:
            yield from show.neighbor_json_parts(statuses)
            yield "\n"
        elif command.show == "summary":
            yield from _lines(show.summary_lines(statuses))
        elif command.show == "extensive":
            for peer_status in statuses:
                yield "".join(line + "\n" for line in show.extensive_lines(peer_status))
        elif command.show == "configuration":
            yield from _lines(neighbor_configuration(peer.neighbor) for peer in peers)
        else:
            yield from _lines(show.USAGE)

    def _show_adj_rib(self, source, command):
        peers = [peer for peer in self.reactor.peers if command.shows(peer.neighbor)]
        monitored = self.reactor.bmp.tables(command.address) if command.rib == "in" else []
        self.api.answers.send(source, self._adj_rib_text(command, peers, monitored))

    @classmethod
    def _adj_rib_text(cls, command, peers, monitored=()):
        """The pieces of ``show adj-rib in|out``: one line per route, of the peers selected when the command
        came, each peer's RIB walked as `_rib_routes` says; then, for ``in``, the RIBs the BMP station keeps
        (`exabgp.reactor.bmp.BmpStation.tables`), each line named ``bmp ROUTER neighbor PEER RIB`` where a
        peer's lines have its address."""
        now = time.monotonic()
        for peer in peers:
            name = peer_name(peer.neighbor) if command.extensive else peer.neighbor.peer_address
            routes = cls._rib_routes(
                peer, command.rib, command.extensive and not command.json, command.route_type, command.json
            )
            if command.json:
                address = peer.neighbor.peer_address
                detail = status(peer, now) if command.extensive else None
                for family, prefix in routes:
                    yield show.adj_rib_json(address, prefix, family, detail) + "\n"
            else:
                for family, text in routes:
                    yield show.adj_rib_line(name, family, text) + "\n"
        for name, table, ctx, current in monitored:
            attributes = command.extensive and not command.json
            walk = table.routes(attributes=attributes)
            for family, text in cls._walk(walk, ctx, current, attributes, command.route_type, command.json):
                line = show.adj_rib_json(name, text, family) if command.json else show.adj_rib_line(name, family, text)
                yield line + "\n"

    @classmethod
    def _rib_routes(cls, peer, rib: str, attributes: bool, route_type=None, json: bool = False):
        """``(family text, route text)`` of each route in the peer's Adj-RIB-In or -Out: the prefix and its next
        hop (with a prefix's path-information, label and rd placed as the text encoder places them), followed
        with `attributes` by the path attributes as the text encoder writes them (5.0's ``extensive``: the
        attributes the route has, without the ones added when it is sent); with `json` the route text is the
        prefix alone, and the RTC routes, which 5.0.15 does not print in that form, are left out.  `route_type`
        (``inet``, ``flow``, ``l2vpn``) keeps the routes of that kind of NLRI only.

        The walk may be interleaved with the session's work (the answer streams): it covers the routes of
        the RIB as the walk reaches the peer, each as it is at its turn (`exabgp.rib.incoming.AdjRibIn.routes`,
        `exabgp.rib.outgoing.AdjRibOut.listing`); when that session ends (its RIB is no longer the peer's)
        the rest of its routes is left out.  The texts of next hops, families and attribute sets are kept
        for the routes that follow (at most `_TEXT_CACHE` of each)."""
        if rib == "out":
            table, ctx = peer.outbound.rib, CodecContext(asn4=peer.neighbor.capability.asn4)
            walk = table.listing() if table is not None else ()
        else:
            table, ctx = peer.rib_in, peer.outbound.ctx or CodecContext()
            walk = table.routes(attributes=attributes) if table is not None else ()

        def current() -> bool:
            return (peer.rib_in if rib == "in" else peer.outbound.rib) is table

        return cls._walk(walk, ctx, current, attributes, route_type, json)

    @staticmethod
    def _walk(walk, ctx, current, attributes: bool, route_type=None, json: bool = False):
        """The ``(family text, route text)`` of `_rib_routes` for the routes of `walk`, read with `ctx`, while
        `current()` says the table walked is still the one asked about."""
        nexthops: dict = {}
        families: dict = {}
        described: dict = {}
        for route in walk:
            if not current():
                return
            nlri = route.nlri
            kind = nlri.route_type
            if route_type is not None and kind != route_type:
                continue
            if kind is None and json:  # RTC: 5.0.15 leaves it out of the json form
                continue
            family = families.get(route.family)
            if family is None:
                family = families[route.family] = family_name(*route.family)
            if json:
                yield family, nlri.text()
                continue
            nexthop = _cached(nexthops, route.nexthop, address_text) if route.nexthop else None
            text = nlri.show_text(nexthop)
            if attributes:
                text += _cached(
                    described,
                    route.attributes,
                    lambda attributes: attributes_text(decode_attributes(attributes.packed(), ctx)),
                )
            yield family, text

    def _help(self, source, command):
        for line in show.help_lines():
            self.api.answer(source, line)
        self.api.ack(source, True)

    # ------------------------------------------------------------ the daemon

    def _shutdown(self, source, command):
        self.api.answer(source, show.IN_PROGRESS["shutdown"])
        self.api.ack(source, True)
        self.reactor.shutdown()

    def _reload(self, source, command):
        self.api.answer(source, show.IN_PROGRESS["reload"])
        self.api.ack(source, True)
        self.reactor.reload()

    def _restart(self, source, command):
        self.api.answer(source, show.IN_PROGRESS["restart"])
        self.api.ack(source, True)
        self.reactor.reload(restart=True, full=True)

    def _dump_mrt(self, source, command):
        """Start a snapshot of every Adj-RIB-In into the MRT archive (`exabgp.reactor.mrt`): ``done`` once it
        is started (the log names the file when it is written), ``error`` without an ``mrt`` section."""
        if not self.reactor.dump_mrt():
            raise CommandError("dump mrt needs an mrt section in the configuration")
        self.api.ack(source, True)

    def _version(self, source, command):
        self.api.answer(source, show.version_line(self.reactor.version))
        self.api.ack(source, True)

    def _enable_ack(self, source, command):
        self.api.acks[source] = True
        self.api.ack(source, True)

    def _disable_ack(self, source, command):
        self.api.ack(source, True)
        self.api.acks[source] = False

    def _silence_ack(self, source, command):
        self.api.acks[source] = False

    def _reset(self, source, command):
        """5.0 clears the scheduled asynchronous work of the process: ours is never deferred, no reply."""

    def _crash(self, source, command):
        raise CommandError("crash is a debugging command of 5.0: ignored")

    def _comment(self, source, command):
        self.reactor.log.info(SOURCE, f"comment from {source} : {command.text}")
        self.api.ack(source, True)

    def _debug(self, source, command):
        self.reactor.log.warning(SOURCE, f"debug info from {source} : {command.text}")


#: the command table: (`Command.action`, `Command.kind`) -> the method of `Commands` that executes it; `kind` is
#: None but for ``announce`` / ``withdraw``.  Every command `exabgp.config.command.parse` makes has its entry
#: (tests/test_config_command.py checks the table against `exabgp.config.command.COMMANDS`).
HANDLERS: dict[tuple[str, str | None], Callable[[Commands, str, Any], None]] = {
    ("announce", "route"): Commands._announce_route,
    ("announce", "ipv4"): Commands._announce_route,
    ("announce", "ipv6"): Commands._announce_route,
    ("announce", "attributes"): Commands._announce_route,
    ("announce", "flow"): Commands._announce_route,
    ("announce", "vpls"): Commands._announce_route,
    ("withdraw", "route"): Commands._withdraw_route,
    ("withdraw", "ipv4"): Commands._withdraw_route,
    ("withdraw", "ipv6"): Commands._withdraw_route,
    ("withdraw", "attributes"): Commands._withdraw_route,
    ("withdraw", "flow"): Commands._withdraw_route,
    ("withdraw", "vpls"): Commands._withdraw_route,
    ("announce", "eor"): Commands._announce_eor,
    ("announce", "route-refresh"): Commands._announce_route_refresh,
    ("announce", "operational"): Commands._announce_operational,
    ("announce", "watchdog"): Commands._announce_watchdog,
    ("withdraw", "watchdog"): Commands._withdraw_watchdog,
    ("teardown", None): Commands._teardown,
    ("flush adj-rib", None): Commands._flush_adj_rib,
    ("clear adj-rib", None): Commands._clear_adj_rib,
    ("show neighbor", None): Commands._show_neighbor,
    ("show adj-rib", None): Commands._show_adj_rib,
    ("help", None): Commands._help,
    ("shutdown", None): Commands._shutdown,
    ("reload", None): Commands._reload,
    ("restart", None): Commands._restart,
    ("version", None): Commands._version,
    ("enable-ack", None): Commands._enable_ack,
    ("disable-ack", None): Commands._disable_ack,
    ("silence-ack", None): Commands._silence_ack,
    ("reset", None): Commands._reset,
    ("crash", None): Commands._crash,
    ("comment", None): Commands._comment,
    ("debug", None): Commands._debug,
    ("dump mrt", None): Commands._dump_mrt,
}
