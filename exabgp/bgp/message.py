"""The BGP message types and the dispatch of a message body to its class.

`MESSAGE_TYPES` is the table of message type codes (IANA "BGP Message
Types"; RFC 4271 section 4.1, RFC 2918 for ROUTE-REFRESH, plus ExaBGP's own
OPERATIONAL, type 6, draft-ietf-idr-operational-message-00; the codes are
named in `exabgp._codec.tables`).  Every class in
it has `TYPE`, `decode(body, ctx)` and `encode(ctx)`; framing (marker,
length, type) is `exabgp._codec.frame_message` / `split_messages`.

An unknown type is Message Header Error / Bad Message Type (1/3, RFC 4271
section 6.1) with the data ExaBGP 5.0.13 sends: the text
``can not decode message of type "N"`` (docs/compatibility.md, "Messages and capabilities").
"""

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import KEEPALIVE, NOTIFICATION, OPEN, OPERATIONAL, ROUTE_REFRESH, UPDATE
from exabgp.bgp.keepalive import KeepAlive
from exabgp.bgp.notification import Notification
from exabgp.bgp.open import Open
from exabgp.bgp.operational import Operational
from exabgp.bgp.refresh import RouteRefresh
from exabgp.bgp.update import Update

#: True for a type checker only: `typing.TYPE_CHECKING` without importing `typing`, which the short
#: commands keep out of their start-up (tests/test_cli_imports.py)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class MessageClass(Protocol):
        """What `MESSAGE_TYPES` holds for a type: a class whose `decode(body, ctx)` reads one message body
        (into an object of that class, which callers use as the type they dispatched on)."""

        def decode(self, body: bytes, ctx, /) -> Any: ...


#: type code -> (name, class)
MESSAGE_TYPES: "dict[int, tuple[str, MessageClass]]" = {
    OPEN: ("OPEN", Open),
    UPDATE: ("UPDATE", Update),
    NOTIFICATION: ("NOTIFICATION", Notification),
    KEEPALIVE: ("KEEPALIVE", KeepAlive),
    ROUTE_REFRESH: ("ROUTE-REFRESH", RouteRefresh),
    OPERATIONAL: ("OPERATIONAL", Operational),
}


def message_name(msg_type: int) -> str:
    entry = MESSAGE_TYPES.get(msg_type)
    return entry[0] if entry else f"unknown message {msg_type:#x}"


def decode_message(msg_type: int, body: bytes, ctx):
    """Decode the body of a message of type `msg_type` with the negotiated `ctx`."""
    entry = MESSAGE_TYPES.get(msg_type)
    if entry is None:
        text = f'can not decode message of type "{msg_type}"'
        raise CodecError(1, 3, text.encode("ascii"), text)
    return entry[1].decode(body, ctx)
