"""The FSM table (RFC 4271 section 8), pair by pair, on real sessions.

For every (state, event) pair a Session is brought into the state by the
real exchange (or, for the transient CONNECT / ACTIVE, by its start event)
and the event is delivered the way it happens: received messages as octets,
the timers, close() and connection_lost(); the error events with the
CodecError the decoder would raise.  The outcome must be the table's row
(next state, NOTIFICATION sent or not, Closed or not), or, for a pair the
table does not list, nothing in IDLE and an FSM error everywhere else:
NOTIFICATION 5 with the RFC 6608 subcode of the state.
"""

import pytest

from exabgp._codec import frame_message
from exabgp._codec.errors import CodecError
from exabgp.bgp.operational import Operational
from exabgp.session import Closed, Event, Session, SessionSettings, State, StateChanged, build_open
from exabgp.session.fsm import TRANSITIONS, Action, fsm_error_subcode, transition

LOCAL = SessionSettings("10.0.0.1", "10.0.0.2", 65001, 65002, "1.1.1.1")
PEER = SessionSettings("10.0.0.2", "10.0.0.1", 65002, 65001, "2.2.2.2")

MESSAGES = {
    Event.BGPOpen: frame_message(1, build_open(PEER, 65002).encode()),
    Event.KeepAliveMsg: frame_message(4, b""),
    Event.UpdateMsg: frame_message(2, b"\x00\x00\x00\x00"),
    Event.NotifMsg: frame_message(3, b"\x06\x00"),
    Event.RouteRefreshMsg: frame_message(5, b"\x00\x01\x00\x01"),
    Event.OperationalMsg: frame_message(6, Operational(1, 1, 1, advisory=b"x").encode()),
}

ERRORS = {
    Event.BGPHeaderErr: CodecError(1, 1),
    Event.BGPOpenMsgErr: CodecError(2, 6),
    Event.UpdateMsgErr: CodecError(3, 1),
    Event.RouteRefreshMsgErr: CodecError(7, 1),
    Event.OperationalMsgErr: CodecError(5, 0),
}

NOTIFYING = {Action.NOTIFY, Action.NOTIFY_OPEN_WAIT, Action.NOTIFY_HOLD_TIMER_EXPIRED, Action.NOTIFY_FSM_ERROR}


def session_in(state):
    session = Session(LOCAL)
    if state is State.CONNECT:
        session._fire(Event.ManualStart, 0)
    elif state is State.ACTIVE:
        session._fire(Event.ManualStart_with_PassiveTcpEstablishment, 0)
    elif state is not State.IDLE:
        session.start(0)
        if state is not State.OPEN_SENT:
            session.receive_data(MESSAGES[Event.BGPOpen], 1)
        if state is State.ESTABLISHED:
            session.receive_data(MESSAGES[Event.KeepAliveMsg], 1)
    assert session.state is state
    session.data_to_send()
    while session.next_event() is not None:
        pass
    return session


def deliver(session, event):
    if event in MESSAGES:
        session.receive_data(MESSAGES[event], 2)
    elif event in ERRORS:
        session._fire(event, 2, ERRORS[event])
    elif event is Event.ManualStop:
        session.close(6, 3)
    elif event is Event.TcpConnectionFails:
        session.connection_lost(2)
    else:
        session._fire(event, 2)


def sent_notification(data):
    """(code, subcode) of the NOTIFICATION in the octets sent, or None."""
    if data[18:19] != b"\x03":
        return None
    return data[19], data[20]


def test_every_event_has_a_trigger():
    assert set(Event) == set(MESSAGES) | set(ERRORS) | {
        Event.ManualStart,
        Event.ManualStart_with_PassiveTcpEstablishment,
        Event.ManualStop,
        Event.HoldTimer_Expires,
        Event.KeepaliveTimer_Expires,
        Event.TcpConnectionConfirmed,
        Event.TcpConnectionFails,
    }


@pytest.mark.parametrize("state", list(State), ids=lambda state: state.name)
@pytest.mark.parametrize("event", list(Event), ids=lambda event: event.name)
def test_every_state_event_pair(state, event):
    session = session_in(state)
    deliver(session, event)
    sent = session.data_to_send()
    events = []
    while (item := session.next_event()) is not None:
        events.append(item)
    closed = [item for item in events if isinstance(item, Closed)]
    row = TRANSITIONS.get((state, event))
    if row is None:
        if state is State.IDLE:
            assert (session.state, sent, events) == (State.IDLE, b"", [])
        else:
            assert session.state is State.IDLE
            assert sent_notification(sent) == (5, fsm_error_subcode(state))
            assert len(closed) == 1
        return
    next_state, actions = row
    assert session.state is next_state
    if next_state is not state:
        assert StateChanged(state, next_state) in events
    if NOTIFYING & set(actions):
        expected = {
            Action.NOTIFY_OPEN_WAIT: (1, 1),
            Action.NOTIFY_HOLD_TIMER_EXPIRED: (4, 0),
        }
        wanted = next((expected[action] for action in actions if action in expected), None)
        if wanted is None:
            wanted = (6, 3) if event is Event.ManualStop else (ERRORS[event].code, ERRORS[event].subcode)
        assert sent_notification(sent) == wanted
    else:
        assert sent_notification(sent) is None
    assert len(closed) == (1 if Action.DROP in actions else 0)
    if Action.SEND_KEEPALIVE in actions:
        assert frame_message(4, b"") in sent


def test_fsm_error_subcodes_are_rfc_6608s():
    assert [fsm_error_subcode(state) for state in State] == [0, 0, 0, 1, 2, 3]


def test_unlisted_pairs():
    assert transition(State.IDLE, Event.UpdateMsg) == (State.IDLE, ())
    assert transition(State.ESTABLISHED, Event.BGPOpen) == (State.IDLE, (Action.NOTIFY_FSM_ERROR, Action.DROP))
