"""One configured neighbor (`Peer`) and its TCP connections (`Connection`), on asyncio.

A `Connection` is the `asyncio.Protocol` of one TCP connection: it feeds
what arrives to its sans-IO `exabgp.session.Session` with the loop's time,
writes what the session returns, drains the session's events, and keeps ONE
timer armed with `loop.call_at` at `Session.next_deadline()` (the hold,
keepalive and open-wait timers are all deadlines of the session).  Nothing
polls: every step is a callback of data received, a timer or the connection
closing.

A `Peer` owns the connections to one neighbor (RFC 4271 section 8: the
ConnectRetry part of the FSM lives here, the rest in the session):

* outgoing connections (not for passive neighbors nor with ``bgp.passive``)
  go to the neighbor's address on `exabgp.reactor.settings.connect_port`, from its
  ``local-address`` when set: the first at once, the next ones after
  ExaBGP 5.0's backoff (docs/compatibility.md, "Sessions and the FSM"): 0, 1, 2, 3, 4, 5, 7, 9 ... seconds,
  ``next = min(int(1 + next * 1.2), 60)``, back to 0 once a session is
  ESTABLISHED (5.0.15 measured: attempts at 0, 0, 1, 3, 6, 10 s from the
  start when every connect is refused);
* the socket options (docs/compatibility.md, "TCP options") come from `exabgp.reactor.sockets`
  (``outgoing-ttl``, ``md5-password``); an MD5 connect left unanswered is
  explained in the log (`Peer._connect_socket`);
* `tcp.attempts` (``exabgp_tcp_connections``): every outgoing connection
  tried counts, a refused connect included; once that many have ended the
  peer stops and the reactor exits when every peer has stopped.  This is
  5.0.15's count (measured: with 1, a daemon started before its peer
  listens tries once and exits 0; a session the peer closes or refuses with
  a NOTIFICATION is one attempt too; an incoming session never counts, so
  a passive peer runs on);
* the Adj-RIB-Out rules (what a new session gets, helpers' changes with a
  session up or not, watchdogs, flush, clear, route refresh, reloads) are
  `exabgp.rib.neighbor.NeighborRoutes`, one per peer (`Peer.outbound`),
  sans I/O: the peer tells it the session's events (`established`,
  `closed`, `detach`, `_ended`), the command handlers tell it what helpers
  ask, and the peer writes what it answers: once the input already received
  is processed, a new session's UPDATEs (``group-updates``), then one
  End-of-RIB per negotiated family unless ``manual-eor`` (RFC 4724 section
  2, `_send_initial`); the changes of the commands read together as one
  batch, a helper's End-of-RIB after the UPDATEs of its batch
  (`send_soon`); a route no UPDATE of the session can carry (its
  attributes too large for the negotiated message size) is left out with
  an error naming it, and everything else is sent (`exabgp.rib.packing`,
  `_send_updates`); ``flush adj-rib out`` reaches established peers only
  (5.0.15 answers ``error`` when there is none);
* with ``adj-rib-in`` (the default) every UPDATE received goes into the
  peer's `exabgp.rib.incoming.AdjRibIn`, emptied when the session ends;
  without it, and without helpers reading UPDATEs, nobody reads the routes
  and the session only checks the runs the codec vouches for, without
  decoding them (5.0's ``adj-rib-in false`` skips UPDATE parsing); how the
  session hands UPDATEs over is its `exabgp.session.Delivery` mode, chosen
  from what the neighbor and its helpers read (`delivery`): debug logging
  reads the routes from what the chosen mode delivers
  (`Connection._log_run` decodes a vouched run for its lines only), so the
  log level never changes the data path; either way
  every End-of-RIB received is logged at info level with the wall-clock
  time it was processed, to the microsecond (``<< EOR ipv4 unicast at
  1764108000.123456``);
* with ``rate-limit N`` at most N messages a second are taken from the peer
  (`exabgp.session.ratelimit`); reading stops while the rest waits, and
  the hold timer is held off meanwhile, as when a helper is full;
* a ROUTE-REFRESH request (RFC 2918) replays the family from the Adj-RIB-Out,
  between BoRR and EoRR when enhanced route refresh was negotiated
  (RFC 7313 section 4, `route_refresh`);
* on reload (`reconfigure`, `reload_routes`): new session settings end the
  session with Cease 6/3 "Peer De-configured" and the next connection uses
  them; new routes only are sent as a delta on the running session (what
  is cached again and withdrawn: `NeighborRoutes.reconfigure` and
  `NeighborRoutes.reload`);
* the graceful restart R bit is set in the OPENs until a first session is
  ESTABLISHED, and again after a reconfiguration (5.0 does so);
* how a session is ended by us (see `Connection.stop` and `Connection.drop`
  for the RFC reading): a peer stopped for good (`Peer.stop`: shutdown by
  signal or API, neighbor removed by a reload) closes its connection
  without any NOTIFICATION, whatever the state, as 5.0.15 does; a session
  torn down to come back (``teardown``, reconfiguration) or losing a
  collision gets a Cease, except when graceful restart was negotiated on
  both sides, which closes it without one (docs/compatibility.md, "Sessions and the FSM").

A closed connection's asyncio transport is released at once (`release`), so
session flaps do not grow the daemon's memory.

Collisions (RFC 4271 section 6.8) are decided with `exabgp.session.collision`
when an incoming connection arrives for a peer that has one already.
"""

import asyncio
import ipaddress
import time

from exabgp._codec import frame_message
from exabgp._codec.tables import HEADER_SIZE, INDEX_END, INDEX_FIELDS, INDEX_START
from exabgp.bgp.family import family_name
from exabgp.bgp.notification import CEASE, NOTIFICATION_CODES, Notification
from exabgp.bgp.refresh import BORR, EORR, REQUEST
from exabgp.bgp.update import Update
from exabgp.config.session import session_settings as settings_of
from exabgp.reactor.settings import connect_port, passive
from exabgp.reactor import sockets
from exabgp.rib import packing
from exabgp.rib.incoming import AdjRibIn
from exabgp.rib.neighbor import NeighborRoutes
from exabgp.session import (
    CONNECTION_LOST,
    INCOMING,
    Closed,
    Delivery,
    Established,
    MessageReceived,
    MessageSent,
    NotificationReceived,
    RouteRefreshReceived,
    Session,
    State,
    StateChanged,
    UpdateReceived,
    UpdatesScanned,
    collision,
)
from exabgp.session.negotiation import REFRESH_ENHANCED
from exabgp.session.ratelimit import RateLimiter

#: True for a type checker only: `typing.TYPE_CHECKING` without importing `typing` (CONTRIBUTING.md, "Types")
TYPE_CHECKING = False
if TYPE_CHECKING:
    from exabgp.bgp.route import Route
    from exabgp.reactor.mrt import Recorder

#: Cease subcodes (RFC 4486)
PEER_DECONFIGURED = 3
CONNECTION_REJECTED = 5
CONNECTION_COLLISION = 7
#: the Cease subcodes whose data 5.0's ``teardown`` sends as an RFC 8203 communication (a length octet first)
_COMMUNICATED = (2, 4)


def teardown_data(subcode: int) -> bytes:
    """The data of the Cease 5.0 sends on ``teardown`` and on a reconfiguration: the subcode's name
    (5.0 knows the RFC 4486 ones)."""
    name = NOTIFICATION_CODES[CEASE][1].get(subcode) if subcode <= 8 else None
    text = (name or "unknown notification type").encode()
    return bytes((len(text),)) + text if subcode in _COMMUNICATED else text


MAX_BACKOFF = 60
#: seconds an outgoing connect with an MD5 password may go unanswered before the log says why it may be
MD5_SILENCE = 2.0
#: the ``state down`` reason 5.0 gives for a TCP connection that failed or that the peer closed
TCP_FAILURE = "closing connection"


def next_backoff(delay: int) -> int:
    """ExaBGP 5.0's connect-retry backoff: the delay after `delay`."""
    return min(int(1 + delay * 1.2), MAX_BACKOFF)


def payload_text(data: bytes) -> str:
    """Octets as 5.0 logs them: groups of two, upper case hex."""
    text = data.hex().upper()
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


def delivery(neighbor, reporter) -> Delivery:
    """The session's mode for `neighbor`, whose helpers are told through `reporter` (None: no helper).

    The one place the receive path is chosen, from what the neighbor and its helpers read: every message
    reported when a helper reads more than the parsed UPDATEs received (`Reporter.messages`); the vouched
    runs, their plain UPDATEs marked, when the Adj-RIB-In or helpers reading parsed UPDATEs take them;
    else the runs only checked (nobody reads the routes; the debug log decodes them for its lines).  The
    log level never changes it.
    """
    if reporter is not None and reporter.messages:
        return Delivery.MESSAGES
    if neighbor.adj_rib_in or (reporter is not None and reporter.updates):
        return Delivery.RUNS
    return Delivery.CHECKED


def notification_octets(code: int, subcode: int, data: bytes = b"") -> bytes:
    """A framed NOTIFICATION, for connections that never get a session."""
    return frame_message(Notification.TYPE, Notification(code, subcode, data).encode())


class Connection(asyncio.Protocol):
    """One TCP connection and its `Session` (see the module docstring).

    `transport` is set by `connection_made`, the first callback asyncio makes; nothing holds a
    connection before it (the peer attaches it and the reactor lists it there).  `session` stays None
    for a connection that gets none (refused, a collision lost, settings that can not start one).
    """

    transport: asyncio.Transport

    def __init__(self, reactor, peer, name: str):
        self.reactor = reactor
        self.peer = peer  # None for an incoming connection until it is matched
        self.name = name
        self.session: Session | None = None
        self.reporter = None  # the helpers' view of this connection (exabgp.reactor.api), or None
        self.paused = False  # reading stopped: a helper it reports to is full, rate-limit, or held (below)
        self._full = False  # a helper this connection reports to is full
        self._held = False  # made while a reload changes the helpers: starts once they run (`connection_made`)
        self._limiter: RateLimiter | None = None  # with the neighbor's rate-limit
        self._limited: asyncio.TimerHandle | None = None  # the timer of the next rate-limit window, while messages wait
        self.local_ip = ""
        self.remote_ip = ""
        self._timer: asyncio.TimerHandle | None = None  # the session's next deadline
        self._loop = asyncio.get_running_loop()
        self.mrt: Recorder | None = None  # the MRT archive's view of this connection (exabgp.reactor.mrt), or None

    # ------------------------------------------------------------ asyncio callbacks

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.local_ip = _address(transport.get_extra_info("sockname"))
        self.remote_ip = _address(transport.get_extra_info("peername"))
        self.reactor.connections.add(self)
        changing = self.reactor.helpers_changing()
        if changing is not None:  # a reload restarts helpers: the new ones are to hear of this connection
            self._held = True
            self._read_or_not()
            changing.add_done_callback(self._helpers_changed)
            return
        self._begin()

    def _helpers_changed(self, _task) -> None:
        self._held = False
        if self.transport.is_closing() or self not in self.reactor.connections:
            return  # closed while it waited
        self._read_or_not()
        self._begin()

    def _begin(self) -> None:
        """Match the connection to its peer and start its session."""
        outgoing = self.peer is not None
        if self.peer is None:
            peer = self.reactor.incoming(self)
            if peer is None:
                return
            self.peer = peer
        if not self.peer.attach(self):
            self.transport.close()
            return
        neighbor = self.peer.neighbor
        try:
            session_settings = settings_of(neighbor, self.reactor.environment, self.reactor.version, self.local_ip)
        except ValueError as error:
            self.reactor.log.error(self.name, f"can not start a session: {error}")
            self.transport.close()
            return
        self.reporter = reporter = self.reactor.api.reporter(neighbor, self.local_ip)
        archive = self.reactor.mrt
        if archive is not None:
            self.mrt = archive.recorder(neighbor, self.local_ip, self.remote_ip)
        self.session = session = Session(
            session_settings, restart_state=self.peer.restart_state, delivery=delivery(neighbor, reporter)
        )
        if reporter is not None:
            reporter.connected(time.time(), outgoing)
        if neighbor.rate_limit:
            self._limiter = RateLimiter(neighbor.rate_limit)
        session.start(self._loop.time())
        self._progress(session)

    def data_received(self, data: bytes) -> None:
        session = self.session
        if session is None or session.closed:
            return
        log = self.reactor.log
        if log.debug_enabled:
            log.debug(self.name, f"received TCP payload ({len(data):4}) {payload_text(data)}")
        limiter = self._limiter
        if limiter is not None:
            self._take(session, limiter, data)
            return
        session.receive_data(data, self._loop.time())
        self._progress(session)

    def _take(self, session: Session, limiter: RateLimiter, data: bytes = b"") -> None:
        """``rate-limit``: give the session what this second allows; stop reading while the rest waits."""
        self._limited = None
        if session.closed:
            return
        now = self._loop.time()
        allowed = limiter.take(data, now)
        if allowed:
            session.receive_data(allowed, now)
            self._progress(session)
        if limiter.waiting and not session.closed:
            self._limited = self._loop.call_at(limiter.window_end, self._take, session, limiter)
        self._read_or_not()

    def connection_lost(self, exc) -> None:
        self._cancel_timer()
        if self._limited is not None:
            self._limited.cancel()
            self._limited = None
        self.reactor.connections.discard(self)
        session = self.session
        if session is not None and not session.closed:
            session.connection_lost(self._loop.time())
            self._progress(session)
        if self.peer is not None:
            self.peer.detach(self)
        self.reactor.log.info(self.name, f"connection to {self.remote_ip} closed")
        self.reactor.connection_closed()
        release(self.transport)

    # ------------------------------------------------------------ local actions

    def refuse(self, subcode: int, text: str) -> None:
        """Send Cease / `subcode` and close: this connection gets no session."""
        self.reactor.log.info(self.name, f"closing connection from {self.remote_ip}: {text}")
        self.transport.write(notification_octets(CEASE, subcode, text.encode()))
        self.transport.close()

    def stop(self, subcode: int = PEER_DECONFIGURED, data: bytes = b"") -> None:
        """End the session: Cease / `subcode` with `data`, or a silent close when graceful restart was negotiated.

        For a session that is to come back (``teardown``, a reconfiguration, a
        lost collision).  RFC 4271 section 6.7 lets a speaker close with a
        Cease at any time (MAY) and RFC 4486 says it SHOULD use one; RFC 4724
        section 4 keeps the peer's routes only when the session ends without a
        NOTIFICATION, so with graceful restart negotiated on both sides the
        connection is closed without one (5.0.15 does so too).
        """
        session = self.session
        if session is None:
            self.transport.close()
            return
        if session.closed:
            return
        negotiated = session.negotiated
        graceful = (
            session.state is State.ESTABLISHED
            and negotiated is not None
            and negotiated.graceful_restart is not None
            and session.settings.graceful_restart is not None
        )
        if graceful:
            self.reactor.log.info(self.name, "graceful restart negotiated, closing without sending any notification")
        session.close(CEASE, subcode, data, notify=not graceful)
        self._progress(session)

    def drop(self) -> None:
        """End the session without any NOTIFICATION: the TCP connection is closed (a FIN), whatever the state.

        What 5.0.15 does when a peer stops for good (SIGTERM, SIGHUP, SIGINT,
        the API ``shutdown``, a neighbor removed by a reload), recorded with a
        BGP peer in every state (tests/test_reactor_shutdown.py).  No RFC
        forbids it: RFC 4271 section 6.7 makes the Cease optional ("MAY"),
        RFC 4486 section 4 only recommends it ("SHOULD") and the peer handles
        the close as its TcpConnectionFails event (RFC 4271 section 8.2.2),
        the path RFC 4724 graceful restart relies on.  Being a drop-in for
        5.0.15 is the goal (BIRD's log and a packet capture see the same
        close), so the Cease is not sent.
        """
        session = self.session
        if session is None:
            self.transport.close()
            return
        if not session.closed:
            session.close(notify=False)
            self._progress(session)

    # ------------------------------------------------------------ the session's output

    def progress(self) -> None:
        """`_progress` for the callers outside this class (a connection without a session has nothing to do)."""
        session = self.session
        if session is not None:
            self._progress(session)

    def _progress(self, session: Session) -> None:
        """Drain the events of `session` (this connection's), write its octets, re-arm its timer (or close)."""
        while True:
            event = session.next_event()
            if event is None:
                break
            self._event(event, session)
        data = session.data_to_send()
        if data:
            log = self.reactor.log
            if log.debug_enabled:
                log.debug(self.name, f"sending TCP payload ({len(data):4}) {payload_text(data)}")
            self.transport.write(data)
        self._cancel_timer()
        if session.closed:
            self.transport.close()
            return
        deadline = session.next_deadline()
        if deadline is not None:
            self._timer = self._loop.call_at(deadline, self._expired)

    def _received_update(self, update, session: Session) -> None:
        """An UPDATE: End-of-RIB logged, routes into the Adj-RIB-In, one debug line per route."""
        ctx = session.ctx
        log = self.reactor.log
        eor = update.eor(ctx)
        if self.mrt is not None:
            self.mrt.update(update.body)
        if eor is not None:
            log.info(self.name, f"<< EOR {family_name(*eor)} at {time.time():.6f}")
            return
        if self.peer.rib_in is not None:
            self.peer.rib_in.update(update, ctx)
        if log.debug_enabled:
            self._log_routes(update, ctx)

    def _received_run(self, run: UpdatesScanned, session: Session) -> None:
        """A run of UPDATEs the session vouched for: into the Adj-RIB-In, then one debug line per route."""
        ctx = session.ctx
        if self.peer.rib_in is not None:
            self.peer.rib_in.ingest(run.octets, run.index, ctx)
        if self.mrt is not None:
            self.mrt.run(run.octets, run.index)
        if self.reactor.log.debug_enabled:
            self._log_run(run, ctx)

    def _log_run(self, run: UpdatesScanned, ctx) -> None:
        """The debug lines of a vouched run: its UPDATEs decoded here for the log only, off the data path."""
        octets, index = run.octets, run.index
        for at in range(0, len(index), INDEX_FIELDS):
            body = bytes(octets[index[at + INDEX_START] + HEADER_SIZE : index[at + INDEX_END]])
            self._log_routes(Update.decode(body, ctx), ctx)

    def _log_routes(self, update, ctx) -> None:
        log = self.reactor.log
        for action, family, nexthop, nlri in update.changes(ctx):
            text = f"<< {action} {family_name(*family)} {nlri.text()}"
            log.debug(self.name, text if nexthop is None else f"{text} next-hop {nexthop}")

    def throttle(self) -> None:
        """Stop or resume reading from the peer as the helpers this connection reports to can follow.

        Only an ESTABLISHED session is paused (checked again when it comes up): the OPEN exchange goes on
        whatever the helpers do, as its timers can not be held off.
        """
        session = self.session
        self._full = (
            session is not None and session.state is State.ESTABLISHED and self.reactor.api.throttled(self.reporter)
        )
        self._read_or_not()

    def _read_or_not(self) -> None:
        paused = self._full or self._limited is not None or self._held
        if paused == self.paused or self.transport.is_closing():
            return
        self.paused = paused
        if paused:
            self.transport.pause_reading()
        else:
            self.transport.resume_reading()

    def _expired(self) -> None:
        self._timer = None
        session = self.session
        if session is not None and not session.closed:
            now = self._loop.time()
            if self.paused:
                session.hold_off(now)  # the peer is not silent: we are not reading it
            session.handle_timer(now)
            self._progress(session)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _event(self, event, session: Session) -> None:
        log = self.reactor.log
        reporter = self.reporter
        if reporter is not None:
            self._report(reporter, event, session)
        if isinstance(event, StateChanged):
            log.debug(self.name, f"state {event.old.name} -> {event.new.name}")
            if self.mrt is not None:
                if event.new is State.OPEN_CONFIRM and session.negotiated is not None:
                    self.mrt.negotiated(session.negotiated, session.ctx)  # the ASes and ADD-PATH of the records
                self.mrt.state(event.old, event.new)
        elif isinstance(event, Established):
            log.info("reactor", f"connected to {self.peer.name} with {self.name} {self.local_ip}-{self.remote_ip}")
            self.peer.established(self, event)
            if reporter is not None:
                self.throttle()
        elif isinstance(event, UpdateReceived):
            self._received_update(event.update, session)
        elif isinstance(event, UpdatesScanned):
            self._received_run(event, session)
        elif isinstance(event, RouteRefreshReceived):
            self.peer.route_refresh(self, event.refresh)
        elif isinstance(event, NotificationReceived):
            log.info(self.name, f"<< NOTIFICATION {event.notification}")
        elif isinstance(event, Closed):
            if self.peer is not None:
                self.peer.closed(self)
            if event.notification is None:
                text = self._down_reason(event) if self.peer is not None and self.peer.stopped else event.reason
            else:
                code, subcode = event.notification.code, event.notification.subcode
                action = "sent" if event.sent else "received"
                text = f"notification {action} ({code},{subcode})] error[{event.notification}"
            log.info(self.name, f"peer reset, message [{text}]")

    def _report(self, reporter, event, session: Session) -> None:
        """Tell the helpers (exabgp.reactor.api.Reporter) what the session did."""
        kind = type(event)
        if kind is MessageReceived:
            reporter.message(time.time(), "receive", event, session.ctx)
        elif kind is MessageSent:
            reporter.message(time.time(), "send", event, session.ctx)
        elif kind is StateChanged:
            now = time.time()
            negotiated = session.negotiated  # set once the peer's OPEN is in, before OPEN_CONFIRM
            if (
                event.new is State.OPEN_CONFIRM and negotiated is not None
            ):  # 5.0 reports the negotiation, then the transition
                reporter.negotiated(now, negotiated, negotiated.local_as, negotiated.peer_as)
            reporter.fsm(now, event.old, event.new)
        elif kind is UpdatesScanned:
            if reporter.direct:
                reporter.scanned(time.time(), event.octets, event.index, session.ctx)
        elif kind is UpdateReceived:
            if reporter.direct:
                reporter.received(time.time(), event.update, session.ctx)
        elif kind is Established:
            reporter.up(time.time())
        elif kind is Closed:
            reporter.down(time.time(), self._down_reason(event), self.peer is not None and self.peer.stopped)

    def _down_reason(self, event) -> str:
        """Why the session ended, in 5.0's words (the ``state down`` reason)."""
        if self.peer is not None and self.peer.stopped:
            return f"stop, message [{self.peer.stop_reason}]"
        if event.notification is not None:
            action = "sent" if event.sent else "received"
            return f"notification {action} ({event.notification.code},{event.notification.subcode})"
        if event.reason == CONNECTION_LOST:
            return TCP_FAILURE  # 5.0 names every failure of the TCP connection so, the peer closing it too
        return event.reason


def _too_large(action: str, route, ctx) -> str:
    """The error logged for a route `exabgp.rib.packing` left out."""
    return f"{action} {family_name(*route.family)} {route.nlri.text()} not sent: {packing.too_large(route, ctx)}"


def release(transport) -> None:
    """Break the reference cycle a closed asyncio socket transport is kept in, so that it is freed at once.

    Before Python 3.12 a selector socket transport holds its reader as a bound method of itself
    (``_read_ready_cb``), and 3.12 breaks that cycle only in ``close()``, not when the connection is
    lost to an error.  The daemon runs the cyclic garbage collector rarely (`exabgp.cli.server.GC_THRESHOLDS`:
    a collection after 100,000 new objects, which a flap barely makes), so every connection's transport,
    its socket and addresses (about 1 KB) stayed until a collection thousands of flaps later: the daemon
    grew linearly with session flaps (issue 9).  Called from ``connection_lost``, when asyncio has
    stopped reading the socket and will not call the reader again.
    """
    if getattr(transport, "_read_ready_cb", None) is not None:
        transport._read_ready_cb = None


def _address(sockaddr) -> str:
    """The IP of a socket address, IPv4-mapped IPv6 addresses as IPv4."""
    if not sockaddr:
        return ""
    address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


class Peer:
    """One neighbor: its connections, connect-retry, and the I/O of its Adj-RIB-Out (see the module docstring)."""

    def __init__(self, reactor, neighbor, name: str, ephemeral: bool = False):
        self.reactor = reactor
        self.neighbor = neighbor
        self.name = name
        self.ephemeral = ephemeral  # made for one connection matching a range neighbor
        self.connection: Connection | None = None  # the connection whose session runs
        self.outbound = NeighborRoutes(neighbor, self._not_announced)  # the Adj-RIB-Out rules (exabgp.rib.neighbor)
        self.rib_in: AdjRibIn | None = None  # the Adj-RIB-In of the running session, with adj-rib-in
        self.since = time.monotonic()  # when the session last came up or went down (show neighbor)
        self.restart_state = True
        self.stopped = False
        self.stop_reason = "shutting down"  # why the peer was stopped for good (`stop`), in 5.0's words
        self.connections = 0  # outgoing connections tried (tcp.attempts)
        self._flush: asyncio.Handle | None = None  # the loop callback sending what helpers changed
        self._backoff = 0
        self._retry: asyncio.Handle | None = None  # the next connection attempt, while one is scheduled
        self._connecting: asyncio.Task[None] | None = None  # the connection attempt under way (`_open`)
        self._passive = passive(neighbor, reactor.environment)

    # ------------------------------------------------------------ connect-retry

    def start(self) -> None:
        """The first connection is tried at once, outside the backoff (5.0.15's timing, module docstring)."""
        if not self._passive:
            self._retry = asyncio.get_running_loop().call_soon(self._connect)

    def _schedule(self) -> None:
        if self.stopped or self._passive or self._retry is not None or self._connecting is not None:
            return
        delay, self._backoff = self._backoff, next_backoff(self._backoff)
        self._retry = asyncio.get_running_loop().call_later(delay, self._connect)

    def _connect(self) -> None:
        self._retry = None
        if self.stopped or self.connection is not None:
            return
        self.connections += 1
        self.reactor.log.info("reactor", f"initialising connection to {self.name}")
        self._connecting = asyncio.get_running_loop().create_task(self._open())

    async def _open(self) -> None:
        neighbor = self.neighbor
        name = self.reactor.connection_name("outgoing")
        port = connect_port(neighbor, self.reactor.environ)
        self.reactor.log.info(name, f"attempting connection to {neighbor.peer_address}:{port}")
        loop = asyncio.get_running_loop()
        sock = None
        try:
            sock = sockets.outgoing(neighbor)
            await self._connect_socket(loop, sock, name, port)
            await loop.create_connection(lambda: Connection(self.reactor, self, name), sock=sock)
        except asyncio.CancelledError:
            if sock is not None:
                sock.close()
            raise
        except (OSError, ValueError) as error:
            if sock is not None:
                sock.close()
                self._attempt_failed()
            self.reactor.log.info(name, f"connection to {neighbor.peer_address}:{port} failed: {error}")
            self._connecting = None
            self._ended()
            return
        self._connecting = None
        if self.connection is None and not self.stopped:
            # made and lost before create_connection returned: the loss found `_connecting` still set
            # and could not schedule the next attempt, so it is scheduled now
            self._schedule()

    async def _connect_socket(self, loop, sock, name: str, port: int) -> None:
        """Connect `sock` to the neighbor.  With an MD5 password, a connect still unanswered after
        `MD5_SILENCE` seconds is explained in the log: a peer with another key (or none) never answers, its
        kernel drops the signed SYNs without a word (RFC 2385 section 2.0), so nothing else would say why
        the session does not come up.  The connect goes on (the kernel's own timeout ends it, as in 5.0)."""
        address = self.neighbor.peer_address
        explain = None
        if self.neighbor.md5_password is not None:
            explain = loop.call_later(
                MD5_SILENCE,
                self.reactor.log.warning,
                name,
                f"no answer from {address}:{port} after {MD5_SILENCE:.0f} seconds: with "
                "md5-password set, a peer with a different password (or none) drops our "
                "connection attempts silently",
            )
        try:
            await loop.sock_connect(sock, (address, port))
        finally:
            if explain is not None:
                explain.cancel()

    def _attempt_failed(self) -> None:
        """Tell the helpers of a connection attempt that failed, as 5.0 does: connected, then down."""
        reporter = self.reactor.api.reporter(self.neighbor, self.neighbor.local_address or "")
        if reporter is not None:
            reporter.failed(time.time(), TCP_FAILURE)

    # ------------------------------------------------------------ connections

    def attach(self, connection) -> bool:
        """A connection is up for this peer: True when its session may run."""
        if self.stopped or (self.connection is not None and self.connection is not connection):
            return False
        self.connection = connection
        return True

    def detach(self, connection) -> None:
        if self.connection is not connection:
            return
        self.connection = None
        if self.outbound.rib is not None:
            self.since = time.monotonic()
        self.outbound.detached()
        self.rib_in = None
        self._ended()

    def _ended(self) -> None:
        """A connection (or an attempt) ended: stop after tcp.attempts, else try again.  What was queued for the
        next session is dropped (`NeighborRoutes.ended`)."""
        self.outbound.ended()
        attempts = self.reactor.attempts
        if self.ephemeral or (attempts and self.connections >= attempts):
            if not self.stopped:
                self.reactor.log.info("reactor", f"{self.name} stopped")
            self.stopped = True
            self.reactor.peer_stopped(self)
            return
        self._schedule()

    def stop(self, reason: str = "shutting down") -> None:
        """Stop for good: no more connections, the running session is closed without NOTIFICATION
        (`Connection.drop`); `reason` ("shutting down", "removed") is how 5.0 tells why."""
        self.stopped = True
        self.stop_reason = reason
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self._connecting is not None:
            self._connecting.cancel()
            self._connecting = None
        if self.connection is not None:
            self.connection.drop()

    def incoming(self, connection) -> bool:
        """An incoming connection for this peer: settle a collision; True when it may go on."""
        existing = self.connection
        if self.stopped:
            connection.refuse(CONNECTION_REJECTED, "the peer is stopping")
            return False
        if existing is not None:
            session = existing.session
            state = session.state if session is not None else State.CONNECT
            remote_id = session.negotiated.peer_router_id if session is not None and session.negotiated else "0.0.0.0"
            if collision(state, self.neighbor.router_id, remote_id) == INCOMING:
                connection.refuse(CONNECTION_COLLISION, "connection collision")
                return False
            existing.stop(CONNECTION_COLLISION)
            self.connection = None
        return True

    # ------------------------------------------------------------ the session's events

    def established(self, connection, event) -> None:
        """The session is up: a new Adj-RIB-Out, filled (`NeighborRoutes.up`); `_send_initial` sends it shortly
        after."""
        if connection.session.closed:  # the batch that established the session also ended it
            return
        first, self.restart_state = self.restart_state, False
        self._backoff = 0
        self.since = time.monotonic()
        self.rib_in = AdjRibIn() if self.neighbor.adj_rib_in else None
        local_address = ipaddress.ip_address(connection.local_ip).packed
        rib = self.outbound.up(local_address, event.ctx, event.negotiated.families, first)
        loop = asyncio.get_running_loop()
        loop.call_soon(loop.call_soon, self._send_initial, connection, rib)

    def closed(self, connection) -> None:
        """The session of `connection` closed: what helpers change now is queued for the next session."""
        if connection is self.connection:
            self.outbound.down()

    def route_refresh(self, connection, refresh) -> None:
        """Answer a ROUTE-REFRESH request by replaying the family (`NeighborRoutes.refresh`, RFC 2918), between
        BoRR and EoRR when enhanced route refresh was negotiated (RFC 7313 section 4)."""
        session = connection.session
        family = (refresh.afi, refresh.safi)
        if refresh.subtype != REQUEST or session.closed or not self.outbound.refresh(family):
            return
        self.reactor.log.info(connection.name, f"<< ROUTE-REFRESH {family_name(*family)}")
        enhanced = session.negotiated.refresh == REFRESH_ENHANCED
        if enhanced:
            session.send_route_refresh(refresh.afi, refresh.safi, BORR)
        self._send_updates(connection)
        if enhanced:
            session.send_route_refresh(refresh.afi, refresh.safi, EORR)

    # ------------------------------------------------------------ what helpers ask (exabgp.reactor.commands)

    def established_session(self) -> Session | None:
        """The session when it is ESTABLISHED (and the initial routes are queued), else None."""
        connection = self.connection
        if connection is None or self.outbound.rib is None:
            return None
        session = connection.session
        return None if session is None or session.closed else session

    def send_soon(self, changed: bool) -> None:
        """After a change `self.outbound` answered `changed` (True: a session is up and the change is to be sent):
        send it once the commands read together are all applied (one batch of UPDATEs)."""
        if changed and self._flush is None:
            self._flush = asyncio.get_running_loop().call_soon(self._flush_changes)

    def clear_in(self) -> None:
        """Forget the routes received (``clear adj-rib in``)."""
        if self.rib_in is not None:
            self.rib_in.clear()

    def teardown(self, subcode: int) -> None:
        """End the running session with Cease / `subcode` (`teardown_data`); the peer connects again later."""
        if self.connection is not None:
            self.connection.stop(subcode, teardown_data(subcode))

    def _not_announced(self, text: str) -> None:
        """A route the Adj-RIB-Out refused (`NeighborRoutes.warn`)."""
        self.reactor.log.warning("rib", text)

    # ------------------------------------------------------------ sending

    def _flush_changes(self) -> None:
        self._flush = None
        connection, session = self.connection, self.established_session()
        if connection is not None and session is not None and self.outbound.pending():
            eors = self.outbound.take_eors()
            self._send_updates(connection)
            for afi, safi in eors:
                session.send_eor(afi, safi)
            connection.progress()

    def _send_updates(self, connection) -> None:
        """Write the UPDATEs of the Adj-RIB-Out's pending changes (`NeighborRoutes.updates`) to the session, and
        log how many and the routes left out."""
        sent = 0
        left_out: list[tuple[str, Route]] = []
        for body in self.outbound.updates(left_out):
            connection.session.send_update(body)
            sent += 1
        if sent:
            self.reactor.log.info(connection.name, f">> {sent} UPDATE(s)")
        for action, route in left_out:
            self.reactor.log.error(connection.name, _too_large(action, route, self.outbound.ctx))

    def _send_initial(self, connection: Connection, rib) -> None:
        """Send the Adj-RIB-Out, then End-of-RIB per negotiated family unless manual-eor
        (`NeighborRoutes.initial_eors`), then those helpers asked for in the last session and not sent (5.0 sends
        them now).

        It runs two loop iterations after the session came up, so that what the
        peer sent right behind its KEEPALIVE (already readable) is processed
        first, as 5.0 reads before it sends; a session ended meanwhile gets
        nothing.
        """
        session = connection.session
        if self.connection is not connection or self.outbound.rib is not rib or session is None or session.closed:
            return
        self._send_updates(connection)
        eors = self.outbound.initial_eors()
        if eors is not None:
            log = self.reactor.log
            for afi, safi in eors:
                session.send_eor(afi, safi)
                log.info(connection.name, f">> EOR {family_name(afi, safi)}")
            log.info(self.name, ">> all EOR(s) sent")
        for afi, safi in self.outbound.take_eors():
            session.send_eor(afi, safi)
        connection.progress()

    # ------------------------------------------------------------ reloads

    def reconfigure(self, neighbor) -> None:
        """New session settings: the running session ends (Cease 6/3 with its name as data, as 5.0.15 sends
        it), the next connection uses them, with the routes `NeighborRoutes.reconfigure` leaves."""
        self.outbound.reconfigure(neighbor)
        self.neighbor = neighbor
        self._passive = passive(neighbor, self.reactor.environment)
        self.restart_state = True  # 5.0 re-establishes a reconfigured peer as a restart
        if self.connection is not None:
            self.connection.stop(PEER_DECONFIGURED, teardown_data(PEER_DECONFIGURED))
        else:
            self._schedule()

    def reload_routes(self, neighbor) -> None:
        """Same session settings, new routes: the delta `NeighborRoutes.reload` makes goes out at once on the
        running session, in one batch."""
        self.neighbor = neighbor
        connection = self.connection
        if self.outbound.reload(neighbor) and connection is not None:
            self._send_updates(connection)
            connection.progress()
