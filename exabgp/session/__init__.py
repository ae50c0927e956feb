"""The sans-IO BGP session (RFC 4271): FSM table, OPEN negotiation, timers as deadlines.

`fsm` holds the transition table and the collision rule, `negotiation` the
settings, our OPEN and the negotiated result, `session` the `Session` that
turns octets and times into events, octets to send and deadlines.  Nothing
here does I/O or reads a clock: the reactor does both.
"""

#: the package's names and the module each comes from, imported when first asked for (PEP 562), so that a
#: command needing only `negotiation` (``exabgp decode`` negotiates its context with it) does not load the
#: session machinery
_WHERE = {
    **dict.fromkeys(("EXISTING", "INCOMING", "STATE_NAMES", "Event", "State", "collision"), "fsm"),
    **dict.fromkeys(("Negotiated", "SessionSettings", "build_open", "negotiate"), "negotiation"),
    **dict.fromkeys(
        (
            "CONNECTION_LOST",
            "Closed",
            "Delivery",
            "Established",
            "LocalProtocolError",
            "MessageReceived",
            "MessageSent",
            "NotificationReceived",
            "OperationalReceived",
            "RouteRefreshReceived",
            "Session",
            "StateChanged",
            "UpdateReceived",
            "UpdatesScanned",
        ),
        "session",
    ),
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


# Type checkers read the imports below (mypy and pyright take a name TYPE_CHECKING as true); at run time
# `__getattr__` resolves the same names on first use, without importing `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from exabgp.session.fsm import EXISTING, INCOMING, STATE_NAMES, Event, State, collision
    from exabgp.session.negotiation import Negotiated, SessionSettings, build_open, negotiate
    from exabgp.session.session import (
        CONNECTION_LOST,
        Closed,
        Delivery,
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
    "EXISTING",
    "INCOMING",
    "STATE_NAMES",
    "Event",
    "State",
    "collision",
    "Negotiated",
    "SessionSettings",
    "build_open",
    "negotiate",
    "CONNECTION_LOST",
    "Closed",
    "Delivery",
    "Established",
    "LocalProtocolError",
    "MessageReceived",
    "MessageSent",
    "NotificationReceived",
    "OperationalReceived",
    "RouteRefreshReceived",
    "Session",
    "StateChanged",
    "UpdateReceived",
    "UpdatesScanned",
)
