"""One BGP session over one TCP connection, sans I/O (RFC 4271 sections 4, 6, 8).

The caller owns the socket and the clock.  It feeds what arrives with
`receive_data(data, now)`, writes what `data_to_send()` returns, drains
`next_event()` until None, and calls `handle_timer(now)` at `next_deadline()`
(None: no timer).  Local actions: `start(now)` once the TCP connection is up
(our OPEN goes out, or waits for the peer's with ``local-as auto``),
`send_update(body)`, `send_message(message)`, `send_eor(afi, safi)`,
`send_route_refresh(afi, safi, subtype)` once ESTABLISHED, `close(code,
subcode, data)` (a NOTIFICATION, then closed), `connection_lost(now)`,
`hold_off(now)` (the caller is not reading on purpose: the hold timer
restarts).  `sent` and `received` count the messages of each type
(``{type: count}``; the UPDATEs a scan vouches for are counted too).  Times
are seconds on any monotonic clock.  Misusing this API raises
`LocalProtocolError`; the peer's errors never raise, they become
NOTIFICATIONs.

Every step goes through the table of `exabgp.session.fsm`.  Received octets
are framed with one codec call per batch (`split_messages`); each message
is decoded only when the table accepts it in the current state, and the
decoding decides its event: a `CodecError` becomes the error event of its
NOTIFICATION code and the NOTIFICATION it names is sent (header errors 1/x,
OPEN 2/x, UPDATE 3/x, ROUTE-REFRESH 7/x).  A batch is processed message by
message, so feeding the same octets whole or one at a time gives the same
events.  The OPEN is checked and negotiated by `exabgp.session.negotiation`.

UPDATEs stay lazy (`exabgp.bgp.update.Update`).  One shorter than 23
octets is a Bad Message Length (1/2, RFC 4271 section 6.1).

What the session hands over of what it receives is ONE declared choice,
its `Delivery` mode, given when it is made; nothing else (the caller's log
level included) changes which way an UPDATE goes:

* `Delivery.RUNS`: in ESTABLISHED the run of UPDATEs at the front of the
  input that the codec vouches for (`_codec.index_updates`: checked in
  place, nothing built but one array of offsets) is consumed in one call,
  with one hold timer restart, and delivered as one `UpdatesScanned` event
  (its messages' octets, headers included, and their index, which its
  consumers read instead of framing and checking the octets again), in
  order with the other events; the first message it does not vouch for
  (End-of-RIB, another family, anything malformed...) goes the general way
  below, then scanning resumes.
* `Delivery.CHECKED`: as RUNS, but the index does not mark which UPDATEs
  are plain (the pass then costs what checking alone costs): for a session
  whose routes nobody reads (a debug log may still decode the runs).
* `Delivery.UPDATES`: every message goes the general way: each UPDATE is
  checked, then delivered as `UpdateReceived`.
* `Delivery.MESSAGES`: as UPDATES, and every message received and sent is
  reported as `MessageReceived` / `MessageSent` too.
* `Delivery.RECORDED`: as MESSAGES, but UPDATEs are not checked: delivered
  lazily as they came (a test peer recording what a speaker sends).

The general way decodes every UPDATE in full (attributes and NLRI, RFC 7606
applied) before delivering it (skipped when the codec's `check_update`
already vouches that this decode can not fail), and refuses MP_REACH_NLRI /
MP_UNREACH_NLRI of a family it did not negotiate (3/9, `_check_families`),
so a malformed one resets the session here while treat-as-withdraw and
attribute discard do not (the consumer reads
``update.attributes(ctx).treat_as_withdraw`` and takes the routes as
withdrawn).  Every mode but RECORDED resets on exactly the same UPDATEs,
with the same NOTIFICATION, at the same point of the stream.

Timers are deadlines.  In OPEN_SENT the hold timer is ExaBGP 5.0's open wait
(``bgp.openwait``, expiry 1/1); from OPEN_CONFIRM it is the negotiated hold
time, restarted by every message received (expiry 4/0), and a KEEPALIVE goes
out every third of it (RFC 4271 section 10), none when it is 0.  As in 5.0,
with a hold time of 0 the second KEEPALIVE received in ESTABLISHED is an
error (2/6), and an UPDATE sent does not restart the keepalive timer.

Events (frozen, in the order things happened): `StateChanged`,
`Established`, `UpdateReceived`, `RouteRefreshReceived`,
`OperationalReceived`, `NotificationReceived`, `Closed`, `UpdatesScanned`
with `Delivery.RUNS` or CHECKED, and, with MESSAGES or RECORDED,
`MessageReceived` / `MessageSent` for every message
(what the API's ``send`` / ``receive`` options report; the `MessageReceived`
of a message whose decoding resets the session has no message, only its
octets).  End-of-RIB is an
UPDATE: ``update.eor(ctx)``.
"""

from array import array
from collections import deque
from enum import Enum

from exabgp.bgp.record import record, replace

from exabgp._codec import check_update, encode_attribute, frame_message, index_updates, split_messages
from exabgp._codec.tables import HEADER_SIZE, INDEX_FIELDS, LENGTH_AT, MARKER, MAX_SIZE, TYPE_AT, UPDATE_MINIMUM
from exabgp._codec.errors import CodecError
from exabgp.bgp.context import DEFAULT_CONTEXT, CodecContext
from exabgp.bgp.attribute import MP_REACH_NLRI, MP_UNREACH_NLRI
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST, family_name
from exabgp.bgp.keepalive import KeepAlive
from exabgp.bgp.message import MESSAGE_TYPES, decode_message
from exabgp.bgp.notification import CEASE, FSM_ERROR, HOLD_TIMER_EXPIRED, MESSAGE_HEADER_ERROR, Notification
from exabgp.bgp.open import Open
from exabgp.bgp.operational import Operational
from exabgp.bgp.refresh import REQUEST, RouteRefresh
from exabgp.bgp.update import Update, eor_body
from exabgp.session.fsm import Action, Event, State, fsm_error_subcode, transition, TRANSITIONS
from exabgp.session.negotiation import Negotiated, SessionSettings, build_open, negotiate


#: ExaBGP 5.0's data when the peer's OPEN does not come in time
OPEN_WAIT_EXPIRED = b"waited for open too long, we do not like stuck in active"
#: ExaBGP 5.0's data for a KEEPALIVE received when the hold time is 0
ZERO_HOLD_KEEPALIVE = b"Negotiated holdtime was zero, it was invalid to send us a keepalive messages"


class LocalProtocolError(Exception):
    """The caller used the session in a way its state does not allow (not the peer's fault)."""


class Delivery(Enum):
    """What a session hands its caller of what it receives: one member per set of consumers.

    The module docstring says what each member does; `exabgp.reactor.peer.delivery` chooses the
    daemon's from what its helpers ask for.
    """

    #: vouched runs as `UpdatesScanned` (their index marking the plain UPDATEs), every other UPDATE checked and
    #: delivered as `UpdateReceived`: consumers that read routes from octets (the Adj-RIB-In, helpers reading
    #: parsed UPDATEs)
    RUNS = "runs"
    #: as RUNS, without the plain marks (the runs are only checked): nobody reads the routes (but a debug log)
    CHECKED = "checked"
    #: every UPDATE checked and delivered as `UpdateReceived`: a program that wants UPDATE objects
    UPDATES = "updates"
    #: UPDATES, and every message received and sent as `MessageReceived` / `MessageSent`
    MESSAGES = "messages"
    #: MESSAGES with UPDATEs unchecked, delivered as they came (test peers recording what a speaker sends)
    RECORDED = "recorded"


# ---------------------------------------------------------------- events

#: the `Closed` reason when the TCP connection fails or the peer closes it
CONNECTION_LOST = "connection lost"


@record(slots=True)
class StateChanged:
    old: State
    new: State


@record(slots=True)
class Established:
    negotiated: Negotiated
    ctx: CodecContext


@record(slots=True)
class UpdateReceived:
    update: Update


@record(slots=True)
class UpdatesScanned:
    """UPDATE messages (headers included) that `_codec.index_updates` vouches for, and their index (its
    ``array("i")`` of `tables.INDEX_FIELDS` offsets per message, into `octets`), with `Delivery.RUNS` or
    `Delivery.CHECKED`.

    `octets` is the bytearray the session read them into, handed over without a copy: the session never
    touches it again, nor may its readers change it."""

    octets: bytearray
    index: array


@record(slots=True)
class RouteRefreshReceived:
    refresh: RouteRefresh


@record(slots=True)
class OperationalReceived:
    operational: Operational


@record(slots=True)
class NotificationReceived:
    notification: Notification


@record(slots=True)
class Closed:
    """The session ended: `notification` is the one sent (`sent` True) or received, or None."""

    reason: str
    notification: Notification | None = None
    sent: bool = False


@record(slots=True)
class MessageReceived:
    """A message as it arrived (type, body octets) and decoded (None: refused, the session resets)."""

    msg_type: int
    body: bytes
    message: object

    @property
    def header(self) -> bytes:
        return MARKER + (HEADER_SIZE + len(self.body)).to_bytes(2, "big") + bytes((self.msg_type,))


@record(slots=True)
class MessageSent:
    """A message as it went out (type, body octets) and its object."""

    msg_type: int
    body: bytes
    message: object

    @property
    def header(self) -> bytes:
        return MARKER + (HEADER_SIZE + len(self.body)).to_bytes(2, "big") + bytes((self.msg_type,))


_MESSAGE_EVENTS = {
    Open.TYPE: Event.BGPOpen,
    Update.TYPE: Event.UpdateMsg,
    Notification.TYPE: Event.NotifMsg,
    KeepAlive.TYPE: Event.KeepAliveMsg,
    RouteRefresh.TYPE: Event.RouteRefreshMsg,
    Operational.TYPE: Event.OperationalMsg,
}

#: the error event of a received message, by the code of its NOTIFICATION
_ERROR_EVENTS = {
    1: Event.BGPHeaderErr,
    2: Event.BGPOpenMsgErr,
    3: Event.UpdateMsgErr,
    5: Event.OperationalMsgErr,  # exabgp.bgp.operational reports malformed messages as 5/0
    7: Event.RouteRefreshMsgErr,
}

_DELIVERED = {
    Update: UpdateReceived,
    RouteRefresh: RouteRefreshReceived,
    Operational: OperationalReceived,
}


class Session:
    """See the module docstring.

    `restart_state` sets the graceful restart R bit in our OPEN (5.0 sets it
    until the first session is established).  After the OPEN exchange
    `negotiated` and `ctx` describe the session; `state` is the FSM state and
    `closed` tells whether it ended.
    """

    def __init__(
        self,
        settings: SessionSettings,
        *,
        restart_state: bool = False,
        delivery: Delivery = Delivery.UPDATES,
    ):
        self.settings = settings
        self.state = State.IDLE
        self.negotiated: Negotiated | None = None  # once the peer's OPEN is in
        self.ctx = DEFAULT_CONTEXT
        # the codec's vouching arguments: path identifiers in IPv4 / IPv6 unicast NLRI, those families negotiated
        self._vouch = (False, False, True, True)
        self._asn4 = False  # 4-octet AS numbers negotiated: the width of AS_PATH in a plain UPDATE
        self._families: tuple = ()  # the (afi, safi) negotiated (`_check_families`)
        self.sent_open: Open | None = None
        self.closed = False
        self._restart_state = restart_state
        self.delivery = delivery
        # what the mode means for each step (the module docstring)
        self._scan = delivery is Delivery.RUNS or delivery is Delivery.CHECKED
        self._plain = delivery is Delivery.RUNS
        self._report = delivery is Delivery.MESSAGES or delivery is Delivery.RECORDED
        self._check = delivery is not Delivery.RECORDED
        self._inbound = bytearray()
        self._outbound = bytearray()
        self._events: deque = deque()
        self._max_size = MAX_SIZE
        self._hold_time = 0
        self._hold_deadline = None
        self._keepalive_time = 0
        self._keepalive_deadline = None
        self._zero_hold_keepalive = False
        self._ending: tuple[Notification, bool] | None = (
            None  # (notification, sent) once a NOTIFICATION went out or came in
        )
        self._reason = ""
        self.sent = dict.fromkeys(MESSAGE_TYPES, 0)
        self.received = dict.fromkeys(MESSAGE_TYPES, 0)

    # ------------------------------------------------------------ the caller's side

    def next_event(self):
        """The oldest event not yet returned, or None."""
        return self._events.popleft() if self._events else None

    def data_to_send(self) -> bytes:
        """Every octet queued for the peer since the last call."""
        data = bytes(self._outbound)
        self._outbound.clear()
        return data

    def next_deadline(self):
        """When `handle_timer` must be called next, or None."""
        hold, keepalive = self._hold_deadline, self._keepalive_deadline
        if hold is None:
            return keepalive
        if keepalive is None:
            return hold
        return min(hold, keepalive)

    def handle_timer(self, now: float) -> None:
        if self._hold_deadline is not None and now >= self._hold_deadline:
            self._fire(Event.HoldTimer_Expires, now)
        if self._keepalive_deadline is not None and now >= self._keepalive_deadline:
            self._fire(Event.KeepaliveTimer_Expires, now)

    def hold_off(self, now: float) -> None:
        """The caller stopped reading the peer on purpose (a helper is full): the hold timer restarts.

        The peer may well have sent KEEPALIVEs that sit unread in the socket;
        its silence is ours, so it must not end the session.
        """
        if self._hold_deadline is not None and self.state is State.ESTABLISHED and self._hold_time:
            self._hold_deadline = now + self._hold_time

    def start(self, now: float) -> None:
        """The TCP connection is up: ManualStart (passive or not), then TcpConnectionConfirmed."""
        if self.state is not State.IDLE or self.closed:
            raise LocalProtocolError("a session is started once")
        passive = Event.ManualStart_with_PassiveTcpEstablishment
        self._fire(passive if self.settings.passive else Event.ManualStart, now)
        self._fire(Event.TcpConnectionConfirmed, now)

    def close(self, code: int = CEASE, subcode: int = 0, data: bytes = b"", *, notify: bool = True) -> None:
        """ManualStop: send NOTIFICATION code/subcode/data (none with `notify` False), then closed."""
        self._reason = "closed by us"
        self._fire(Event.ManualStop, None, Notification(code, subcode, bytes(data)) if notify else None)

    def connection_lost(self, now: float) -> None:
        self._reason = CONNECTION_LOST
        self._fire(Event.TcpConnectionFails, now)

    def receive_data(self, data, now: float) -> None:
        """Octets from the peer; complete messages are processed now, the rest kept."""
        if self.state is State.IDLE:
            return
        self._inbound += data
        while True:
            scanning = self._scan and self.state is State.ESTABLISHED
            if scanning:
                used, index = index_updates(self._inbound, self._max_size, *self._vouch, self._asn4, self._plain)
                self.received[Update.TYPE] += len(index) // INDEX_FIELDS
                if used:
                    # the run keeps the input buffer, copied never; what follows it (less than a message) moves
                    run, self._inbound = self._inbound, self._inbound[used:]
                    del run[used:]
                    self._events.append(UpdatesScanned(run, index))
                    self._restart_hold_timer(now, None, None)
            size = self._max_size
            messages, error = self._split(size, scanning)
            used = 0
            again = False
            for msg_type, body in messages:
                used += HEADER_SIZE + len(body)
                self._on_message(msg_type, body, now)
                if self.closed:
                    return
                if self._max_size != size or (self._scan and self.state is State.ESTABLISHED):
                    again = True  # the OPEN changed the message size, or scanning may start (again)
                    break
            del self._inbound[:used]
            if again:
                continue
            if error is not None:
                self._fire(Event.BGPHeaderErr, now, error)
            return

    def send_message(self, message) -> None:
        """An UPDATE, ROUTE-REFRESH, OPERATIONAL or KEEPALIVE object, encoded with the session's context."""
        self._established()
        if isinstance(message, Notification):
            raise LocalProtocolError("a NOTIFICATION ends the session: use close()")
        self._send_checked(message.TYPE, message.encode(self.ctx), message)

    def send_update(self, body: bytes) -> None:
        """An UPDATE body (without its header), already encoded with `ctx`."""
        self._established()
        self._send_checked(Update.TYPE, body, None)

    def send_eor(self, afi: int, safi: int) -> None:
        """End-of-RIB for the family (RFC 4724 section 2), encoded as 5.0 does (`exabgp.bgp.update.eor_body`)."""
        self.send_update(eor_body(afi, safi))

    def send_route_refresh(self, afi: int, safi: int, subtype: int = REQUEST) -> None:
        """A ROUTE-REFRESH request, or the BoRR / EoRR markers (RFC 7313)."""
        self.send_message(RouteRefresh(afi, safi, subtype))

    # ------------------------------------------------------------ receiving

    def _split(self, size: int, first: bool = False):
        """``(messages, error)``: the complete messages in front of any framing error, and the error.

        With `first`, only the first message is looked at.
        """
        whole = memoryview(self._inbound)
        view = whole[: max(HEADER_SIZE, int.from_bytes(whole[LENGTH_AT:TYPE_AT], "big"))] if first else whole
        try:
            try:
                return split_messages(view, size)[0], None
            except CodecError as error:
                failure = error.with_traceback(None)  # its frames would hold views of the buffer
            # keep the messages in front of the bad header: they are processed first
            messages: list = []
            offset = 0
            while True:
                length = max(HEADER_SIZE, int.from_bytes(view[offset + LENGTH_AT : offset + TYPE_AT], "big"))
                try:
                    part, used = split_messages(view[offset : offset + length], size)
                except CodecError:
                    return messages, failure
                messages.extend(part)
                offset += used
        finally:
            view.release()
            whole.release()

    def _on_message(self, msg_type: int, body: bytes, now: float) -> None:
        if msg_type in self.received:
            self.received[msg_type] += 1
        if msg_type == Update.TYPE and len(body) < UPDATE_MINIMUM:  # RFC 4271 6.1: Bad Message Length
            length = (HEADER_SIZE + len(body)).to_bytes(2, "big")
            self._fire(Event.BGPHeaderErr, now, CodecError(1, 2, length, "UPDATE shorter than 23 octets"))
            return
        event = _MESSAGE_EVENTS.get(msg_type)
        if event is None:
            try:
                decode_message(msg_type, body, self.ctx)  # raises Bad Message Type (1/3)
            except CodecError as error:
                self._fire(Event.BGPHeaderErr, now, error)
            return
        state = self.state
        row = TRANSITIONS.get((state, event))
        if row is None:
            self._run(transition(state, event), now, None)
            return
        try:
            message = self._decode(event, msg_type, body)
        except CodecError as error:
            self._fire(_ERROR_EVENTS.get(error.code, Event.BGPHeaderErr), now, error)
            return
        self._run(row, now, message)

    def _decode(self, event: Event, msg_type: int, body: bytes):
        """The message, checked: a CodecError names the NOTIFICATION to send.

        Reporting messages, a message that does not decode (an UPDATE whose NLRI or
        attributes reset the session included) is still reported, raw, without its message:
        5.0 hands the octets to the ``packets`` helpers before decoding them.
        """
        try:
            message = MESSAGE_TYPES[msg_type][1].decode(body, self.ctx)
            if event is Event.UpdateMsg and self._check and not check_update(body, *self._vouch):
                message.changes(self.ctx)
                self._check_families(message)
        except CodecError:
            if self._report:
                self._events.append(MessageReceived(msg_type, body, None))
            raise
        if self._report:
            self._events.append(MessageReceived(msg_type, body, message))
        if event is Event.BGPOpen:
            self._receive_open(message)
        elif event is Event.KeepAliveMsg and self.state is State.ESTABLISHED and self._hold_time == 0:
            if self._zero_hold_keepalive:
                raise CodecError(2, 6, ZERO_HOLD_KEEPALIVE, "KEEPALIVE with a hold time of 0")
            self._zero_hold_keepalive = True
        return message

    def _receive_open(self, received: Open) -> None:
        sent = self.sent_open
        if sent is None:  # local-as auto: our OPEN mirrors the peer's AS
            try:
                sent = build_open(self.settings, received.asn, self._restart_state)
            except ValueError as error:
                text = str(error)
                raise CodecError(CEASE, 0, text.encode("utf-8"), text) from None
            self._send_open(sent)
        negotiated = negotiate(self.settings, sent, received)
        self.negotiated = negotiated
        # what only a live session knows: UPDATEs come from the peer, of this AS or another (RFC 7606 3 d, 7.5)
        self.ctx = ctx = replace(negotiated.context, external=negotiated.local_as != negotiated.peer_as, received=True)
        self._max_size = negotiated.message_size
        self._vouch = (
            ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST),
            ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST),
            (AFI_IPV4, SAFI_UNICAST) in negotiated.families,
            (AFI_IPV6, SAFI_UNICAST) in negotiated.families,
        )
        self._asn4 = ctx.asn4
        self._families = negotiated.families

    def _check_families(self, update: Update) -> None:
        """3/9 for an MP_REACH_NLRI / MP_UNREACH_NLRI of a family the session did not negotiate.

        Routes of an <AFI, SAFI> are exchanged only when both speakers
        advertised it (RFC 4760 section 8), so such an attribute is incorrect:
        RFC 4760 section 7 (Error Handling) ends the session with Update
        Message Error / Optional Attribute Error (ExaBGP 5.0.15 does the same).  The NLRI field (IPv4 unicast of RFC
        4271) is accepted on any session, as 5.0.15 accepts it.
        """
        attributes = update.attributes(self.ctx)
        for code in (MP_REACH_NLRI, MP_UNREACH_NLRI):
            value = attributes.get(code)
            if value is not None and (value.afi, value.safi) not in self._families:
                data = next(
                    encode_attribute(code, flags, raw) for found, flags, raw in attributes.raw if found == code
                )  # RFC 4271 6.3: the erroneous attribute is the data
                raise CodecError(3, 9, data, f"{family_name(value.afi, value.safi)} was not negotiated")

    # ------------------------------------------------------------ the table

    def _fire(self, event: Event, now, payload=None) -> None:
        self._run(transition(self.state, event), now, payload)

    def _run(self, row, now, payload) -> None:
        next_state, actions = row
        previous = self.state
        if next_state is not previous:
            self.state = next_state
            self._events.append(StateChanged(previous, next_state))
        for action in actions:
            _ACTIONS[action](self, now, payload, previous)

    def _send_open_action(self, now, payload, previous):
        if self.settings.local_as is not None:
            self._send_open(build_open(self.settings, self.settings.local_as, self._restart_state))
        wait = self.settings.open_wait
        self._hold_deadline = now + wait if wait else None

    def _send_keepalive(self, now, payload, previous):
        self._send(KeepAlive.TYPE, b"", KeepAlive())
        if self._keepalive_time:
            self._keepalive_deadline = now + self._keepalive_time

    def _start_timers(self, now, payload, previous):
        self._hold_time = self.negotiated.hold_time
        self._keepalive_time = self.negotiated.keepalive_time
        self._hold_deadline = now + self._hold_time if self._hold_time else None
        self._keepalive_deadline = now + self._keepalive_time if self._keepalive_time else None

    def _restart_hold_timer(self, now, payload, previous):
        if self._hold_time:
            self._hold_deadline = now + self._hold_time

    def _establish(self, now, payload, previous):
        self._events.append(Established(self.negotiated, self.ctx))

    def _deliver(self, now, payload, previous):
        self._events.append(_DELIVERED[type(payload)](payload))

    def _report_notification(self, now, payload, previous):
        self._ending = (payload, False)
        self._events.append(NotificationReceived(payload))

    def _notify(self, now, payload, previous):
        if payload is not None:
            self._send_notification(Notification(payload.code, payload.subcode, payload.data))

    def _notify_open_wait(self, now, payload, previous):
        self._send_notification(Notification(MESSAGE_HEADER_ERROR, 1, OPEN_WAIT_EXPIRED))

    def _notify_hold_timer_expired(self, now, payload, previous):
        self._send_notification(Notification(HOLD_TIMER_EXPIRED, 0))

    def _notify_fsm_error(self, now, payload, previous):
        self._send_notification(Notification(FSM_ERROR, fsm_error_subcode(previous)))

    def _drop(self, now, payload, previous):
        self.closed = True
        self._hold_deadline = self._keepalive_deadline = None
        self._inbound.clear()
        if self._ending is None:
            self._events.append(Closed(self._reason or "closed"))
        else:
            notification, sent = self._ending
            self._events.append(Closed(str(notification), notification, sent))

    # ------------------------------------------------------------ sending

    def _send(self, msg_type: int, body: bytes, message) -> None:
        self._outbound += frame_message(msg_type, body)
        self.sent[msg_type] += 1
        if self._report:
            self._events.append(MessageSent(msg_type, body, message))

    def _send_open(self, message: Open) -> None:
        self.sent_open = message
        self._send(Open.TYPE, message.encode(), message)

    def _send_notification(self, notification: Notification) -> None:
        self._ending = (notification, True)
        self._send(Notification.TYPE, notification.encode(), notification)

    def _send_checked(self, msg_type: int, body: bytes, message) -> None:
        if HEADER_SIZE + len(body) > self._max_size:
            raise LocalProtocolError(
                f"a message of {HEADER_SIZE + len(body)} octets exceeds the negotiated {self._max_size}"
            )
        if self._report and message is None:
            message = Update.decode(body, self.ctx)
        self._send(msg_type, body, message)

    def _established(self) -> None:
        if self.state is not State.ESTABLISHED:
            raise LocalProtocolError(f"messages are sent in ESTABLISHED, not {self.state.name}")


_ACTIONS = {
    Action.SEND_OPEN: Session._send_open_action,
    Action.SEND_KEEPALIVE: Session._send_keepalive,
    Action.START_TIMERS: Session._start_timers,
    Action.RESTART_HOLD_TIMER: Session._restart_hold_timer,
    Action.ESTABLISH: Session._establish,
    Action.DELIVER: Session._deliver,
    Action.REPORT_NOTIFICATION: Session._report_notification,
    Action.NOTIFY: Session._notify,
    Action.NOTIFY_OPEN_WAIT: Session._notify_open_wait,
    Action.NOTIFY_HOLD_TIMER_EXPIRED: Session._notify_hold_timer_expired,
    Action.NOTIFY_FSM_ERROR: Session._notify_fsm_error,
    Action.DROP: Session._drop,
}
