"""The BGP finite state machine (RFC 4271 section 8) as one literal transition table.

`TRANSITIONS` maps ``(State, Event)`` to ``(next state, actions)``; a reader
sees the whole machine there.  `transition(state, event)` looks a pair up;
a pair that is not in the table is:

* ignored in IDLE (RFC 4271 section 8.2.2, Idle: "any other event is ignored");
* an FSM error everywhere else: NOTIFICATION Finite State Machine Error (5)
  with the RFC 6608 subcode of the state (1 in OPEN_SENT, 2 in OPEN_CONFIRM,
  3 in ESTABLISHED, 0 otherwise), and the session goes to IDLE.

The table covers one TCP connection: a `Session` is made per connection, so
the RFC's ConnectRetry machinery, the return from OPEN_SENT to ACTIVE and the
collision bookkeeping are the reactor's; this table has only the events the
session needs, named as in RFC 4271 section 8.1 (numbered as there), plus
four for the messages RFC 4271 does not know (ROUTE-REFRESH, RFC 2918/7313,
and ExaBGP's OPERATIONAL).  The actions are names the session executes in
order (`exabgp.session.session`).  A received message becomes its event only
once it decoded and, for an OPEN, passed the checks of RFC 4271 section 6.2;
otherwise the event is the matching error event (BGPHeaderErr, BGPOpenMsgErr,
UpdateMsgErr, RouteRefreshMsgErr, OperationalMsgErr), as RFC 4271 section
8.1.5 defines them.

Where ExaBGP 5.0 departs from the RFC the table follows 5.0 (docs/compatibility.md, "Sessions and the FSM"):
the hold timer in OPEN_SENT (5.0's ``bgp.openwait``) expires with 1/1
instead of 4/0, and the peer's OPEN is processed in OPEN_SENT even when ours
is delayed until it arrives (``local-as auto``).

`collision(existing, local_id, remote_id)` is the connection collision rule
(RFC 4271 section 6.8) as 5.0 applies it.
"""

from enum import IntEnum


class State(IntEnum):
    """RFC 4271 section 8.2.2 states."""

    IDLE = 1
    CONNECT = 2
    ACTIVE = 3
    OPEN_SENT = 4
    OPEN_CONFIRM = 5
    ESTABLISHED = 6


#: ExaBGP 5.0's spelling of each state in its ``fsm`` API messages
STATE_NAMES = {
    State.IDLE: "IDLE",
    State.CONNECT: "CONNECT",
    State.ACTIVE: "ACTIVE",
    State.OPEN_SENT: "OPENSENT",
    State.OPEN_CONFIRM: "OPENCONFIRM",
    State.ESTABLISHED: "ESTABLISHED",
}


class Event(IntEnum):
    """RFC 4271 section 8.1 events (their numbers), and four for the newer messages."""

    ManualStart = 1
    ManualStop = 2
    ManualStart_with_PassiveTcpEstablishment = 4
    HoldTimer_Expires = 10
    KeepaliveTimer_Expires = 11
    TcpConnectionConfirmed = 17
    TcpConnectionFails = 18
    BGPOpen = 19
    BGPHeaderErr = 21
    BGPOpenMsgErr = 22
    NotifMsg = 25
    KeepAliveMsg = 26
    UpdateMsg = 27
    UpdateMsgErr = 28
    RouteRefreshMsg = 101  # RFC 2918 / RFC 7313
    RouteRefreshMsgErr = 102  # RFC 7313 section 5
    OperationalMsg = 103  # draft-ietf-idr-operational-message-00
    OperationalMsgErr = 104


class Action(IntEnum):
    """What a transition does, in table order."""

    SEND_OPEN = 1  # our OPEN (unless our AS mirrors the peer's), arm the open-wait (hold) timer
    SEND_KEEPALIVE = 2
    START_TIMERS = 3  # hold and keepalive timers from the negotiated hold time
    RESTART_HOLD_TIMER = 4
    ESTABLISH = 5  # the Established event
    DELIVER = 6  # the event of an UPDATE, ROUTE-REFRESH or OPERATIONAL
    REPORT_NOTIFICATION = 7  # the NotificationReceived event
    NOTIFY = 8  # send the NOTIFICATION the event carries (an error, or ManualStop's)
    NOTIFY_OPEN_WAIT = 9  # 1/1, ExaBGP 5.0's "waited for open too long"
    NOTIFY_HOLD_TIMER_EXPIRED = 10  # 4/0
    NOTIFY_FSM_ERROR = 11  # 5/x, RFC 6608 subcode of the state
    DROP = 12  # release the connection: timers off, the Closed event


S, E, A = State, Event, Action

_CLOSE = (A.NOTIFY, A.DROP)

TRANSITIONS = {
    # Idle: start; the peer is contacted (Connect) or awaited (Active)
    (S.IDLE, E.ManualStart): (S.CONNECT, ()),
    (S.IDLE, E.ManualStart_with_PassiveTcpEstablishment): (S.ACTIVE, ()),
    # Connect / Active: the TCP connection is up, the OPEN goes out
    (S.CONNECT, E.TcpConnectionConfirmed): (S.OPEN_SENT, (A.SEND_OPEN,)),
    (S.CONNECT, E.ManualStop): (S.IDLE, (A.DROP,)),
    (S.CONNECT, E.TcpConnectionFails): (S.IDLE, (A.DROP,)),
    (S.ACTIVE, E.TcpConnectionConfirmed): (S.OPEN_SENT, (A.SEND_OPEN,)),
    (S.ACTIVE, E.ManualStop): (S.IDLE, (A.DROP,)),
    (S.ACTIVE, E.TcpConnectionFails): (S.IDLE, (A.DROP,)),
    # OpenSent: waiting for the peer's OPEN
    (S.OPEN_SENT, E.BGPOpen): (S.OPEN_CONFIRM, (A.SEND_KEEPALIVE, A.START_TIMERS)),
    (S.OPEN_SENT, E.BGPHeaderErr): (S.IDLE, _CLOSE),
    (S.OPEN_SENT, E.BGPOpenMsgErr): (S.IDLE, _CLOSE),
    (S.OPEN_SENT, E.NotifMsg): (S.IDLE, (A.REPORT_NOTIFICATION, A.DROP)),
    (S.OPEN_SENT, E.HoldTimer_Expires): (S.IDLE, (A.NOTIFY_OPEN_WAIT, A.DROP)),
    (S.OPEN_SENT, E.ManualStop): (S.IDLE, _CLOSE),
    (S.OPEN_SENT, E.TcpConnectionFails): (S.IDLE, (A.DROP,)),
    # OpenConfirm: waiting for the KEEPALIVE that confirms the OPEN
    (S.OPEN_CONFIRM, E.KeepAliveMsg): (S.ESTABLISHED, (A.RESTART_HOLD_TIMER, A.ESTABLISH)),
    (S.OPEN_CONFIRM, E.KeepaliveTimer_Expires): (S.OPEN_CONFIRM, (A.SEND_KEEPALIVE,)),
    (S.OPEN_CONFIRM, E.BGPHeaderErr): (S.IDLE, _CLOSE),
    (S.OPEN_CONFIRM, E.NotifMsg): (S.IDLE, (A.REPORT_NOTIFICATION, A.DROP)),
    (S.OPEN_CONFIRM, E.HoldTimer_Expires): (S.IDLE, (A.NOTIFY_HOLD_TIMER_EXPIRED, A.DROP)),
    (S.OPEN_CONFIRM, E.ManualStop): (S.IDLE, _CLOSE),
    (S.OPEN_CONFIRM, E.TcpConnectionFails): (S.IDLE, (A.DROP,)),
    # Established: routes flow
    (S.ESTABLISHED, E.UpdateMsg): (S.ESTABLISHED, (A.RESTART_HOLD_TIMER, A.DELIVER)),
    (S.ESTABLISHED, E.KeepAliveMsg): (S.ESTABLISHED, (A.RESTART_HOLD_TIMER,)),
    (S.ESTABLISHED, E.RouteRefreshMsg): (S.ESTABLISHED, (A.RESTART_HOLD_TIMER, A.DELIVER)),
    (S.ESTABLISHED, E.OperationalMsg): (S.ESTABLISHED, (A.RESTART_HOLD_TIMER, A.DELIVER)),
    (S.ESTABLISHED, E.KeepaliveTimer_Expires): (S.ESTABLISHED, (A.SEND_KEEPALIVE,)),
    (S.ESTABLISHED, E.BGPHeaderErr): (S.IDLE, _CLOSE),
    (S.ESTABLISHED, E.BGPOpenMsgErr): (S.IDLE, _CLOSE),  # a KEEPALIVE when the hold time is 0 (2/6)
    (S.ESTABLISHED, E.UpdateMsgErr): (S.IDLE, _CLOSE),
    (S.ESTABLISHED, E.RouteRefreshMsgErr): (S.IDLE, _CLOSE),
    (S.ESTABLISHED, E.OperationalMsgErr): (S.IDLE, _CLOSE),
    (S.ESTABLISHED, E.NotifMsg): (S.IDLE, (A.REPORT_NOTIFICATION, A.DROP)),
    (S.ESTABLISHED, E.HoldTimer_Expires): (S.IDLE, (A.NOTIFY_HOLD_TIMER_EXPIRED, A.DROP)),
    (S.ESTABLISHED, E.ManualStop): (S.IDLE, _CLOSE),
    (S.ESTABLISHED, E.TcpConnectionFails): (S.IDLE, (A.DROP,)),
}

# RFC 4271 section 8.2.2: a ManualStart in any state but Idle is ignored
TRANSITIONS.update(
    {
        (state, start): (state, ())
        for state in State
        if state is not S.IDLE
        for start in (E.ManualStart, E.ManualStart_with_PassiveTcpEstablishment)
    }
)

#: RFC 6608 section 4: the FSM error subcode of each state
FSM_ERROR_SUBCODES = {
    S.OPEN_SENT: 1,
    S.OPEN_CONFIRM: 2,
    S.ESTABLISHED: 3,
}

_IGNORED = (S.IDLE, ())
_FSM_ERROR = (S.IDLE, (A.NOTIFY_FSM_ERROR, A.DROP))


def transition(state: State, event: Event):
    """``(next state, actions)`` for `event` in `state`: the table, else ignored (IDLE) or an FSM error."""
    row = TRANSITIONS.get((state, event))
    if row is not None:
        return row
    return _IGNORED if state is S.IDLE else _FSM_ERROR


def fsm_error_subcode(state: State) -> int:
    return FSM_ERROR_SUBCODES.get(state, 0)


# Connection collision (RFC 4271 section 6.8)

EXISTING = "existing"
INCOMING = "incoming"


def _identifier(router_id: str) -> int:
    return int.from_bytes(bytes(int(part) for part in router_id.split(".")), "big")


def collision(existing: State, local_id: str, remote_id: str) -> str:
    """Which connection to close with Cease / Connection Collision Resolution (6/7).

    `existing` is the state of the session already running with this peer
    (the one we initiated), `local_id` / `remote_id` the two BGP identifiers;
    the answer is `INCOMING` (refuse the new connection) or `EXISTING`
    (close the old session, keep the new one).  ExaBGP 5.0's rule
    (as 5.0 resolves it): an ESTABLISHED session is kept; in OPEN_CONFIRM the
    speaker with the higher identifier keeps the connection it initiated
    (RFC 4271 section 6.8), so the incoming one is closed when the remote
    identifier is the lower; in any other state the incoming connection
    replaces the existing one.
    """
    if existing is S.ESTABLISHED:
        return INCOMING
    if existing is S.OPEN_CONFIRM:
        return INCOMING if _identifier(remote_id) < _identifier(local_id) else EXISTING
    return EXISTING
