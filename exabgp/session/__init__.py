"""The sans-IO BGP session (RFC 4271): FSM table, OPEN negotiation, timers as deadlines.

`fsm` holds the transition table and the collision rule, `negotiation` the
settings, our OPEN and the negotiated result, `session` the `Session` that
turns octets and times into events, octets to send and deadlines.  Nothing
here does I/O or reads a clock: the reactor does both.
"""

from exabgp.session.fsm import EXISTING, INCOMING, STATE_NAMES, Event, State, collision
from exabgp.session.negotiation import Negotiated, SessionSettings, build_open, negotiate
from exabgp.session.session import (
    CONNECTION_LOST,
    Closed,
    Established,
    LocalProtocolError,
    MessageReceived,
    MessageSent,
    NotificationReceived,
    OperationalReceived,
    RouteRefreshReceived,
    Session,
    StateChanged,
    UpdateReceived,
    UpdatesScanned,
)

__all__ = (
    "EXISTING", "INCOMING", "STATE_NAMES", "Event", "State", "collision",
    "Negotiated", "SessionSettings", "build_open", "negotiate",
    "CONNECTION_LOST", "Closed", "Established", "LocalProtocolError", "MessageReceived", "MessageSent", "NotificationReceived",
    "OperationalReceived", "RouteRefreshReceived", "Session", "StateChanged", "UpdateReceived", "UpdatesScanned",
)
