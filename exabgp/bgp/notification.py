"""The NOTIFICATION message (RFC 4271 section 4.5) and its code/subcode table.

Body: Error Code (1), Error Subcode (1), Data (the rest).  `NOTIFICATION_CODES`
is the IANA registry as far as BGP speakers use it: RFC 4271, RFC 4486 and
RFC 8538 (Cease subcodes), RFC 5492 (Unsupported Capability), RFC 6608 (FSM
errors), RFC 7313 (ROUTE-REFRESH errors), RFC 9234 (Role Mismatch), RFC 9384
(BFD Down), RFC 9687 (Send Hold Timer Expired), RFC 7606/errata (the
"Unspecific" subcodes 0).

Shutdown communication (RFC 8203, RFC 9003): the data of Cease /
Administrative Shutdown (6/2) and Cease / Administrative Reset (6/4) may be a
length octet followed by that many octets of UTF-8.  The message keeps the
data octets as received (so it re-encodes unchanged); `reported_data()`
gives the text ExaBGP 5.0 reports instead, ``Shutdown Communication: "..."``
or a description of what is wrong with it (docs/compatibility.md, "Messages to helpers").  Like
5.0, a communication longer than 128 octets (RFC 8203's limit) is reported
as too large.

A body shorter than two octets cannot carry a code: Bad Message Length
(1/2, RFC 4271 section 6.1), the data being the message length.
"""

from exabgp.bgp.record import record

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import NOTIFICATION

TYPE = NOTIFICATION

MESSAGE_HEADER_ERROR = 1
OPEN_MESSAGE_ERROR = 2
UPDATE_MESSAGE_ERROR = 3
HOLD_TIMER_EXPIRED = 4
FSM_ERROR = 5
CEASE = 6
ROUTE_REFRESH_MESSAGE_ERROR = 7
SEND_HOLD_TIMER_EXPIRED = 8

ADMINISTRATIVE_SHUTDOWN = 2
ADMINISTRATIVE_RESET = 4

#: code -> (name, {subcode: name})
NOTIFICATION_CODES = {
    MESSAGE_HEADER_ERROR: (
        "Message Header Error",
        {
            0: "Unspecific",
            1: "Connection Not Synchronized",
            2: "Bad Message Length",
            3: "Bad Message Type",
        },
    ),
    OPEN_MESSAGE_ERROR: (
        "OPEN Message Error",
        {
            0: "Unspecific",
            1: "Unsupported Version Number",
            2: "Bad Peer AS",
            3: "Bad BGP Identifier",
            4: "Unsupported Optional Parameter",
            5: "Authentication Failure (deprecated)",
            6: "Unacceptable Hold Time",
            7: "Unsupported Capability",
            8: "Grouping Conflict (deprecated)",
            9: "Grouping Required (deprecated)",
            10: "Capability Value Mismatch (deprecated)",
            11: "Role Mismatch",
        },
    ),
    UPDATE_MESSAGE_ERROR: (
        "UPDATE Message Error",
        {
            0: "Unspecific",
            1: "Malformed Attribute List",
            2: "Unrecognized Well-known Attribute",
            3: "Missing Well-known Attribute",
            4: "Attribute Flags Error",
            5: "Attribute Length Error",
            6: "Invalid ORIGIN Attribute",
            7: "AS Routing Loop (deprecated)",
            8: "Invalid NEXT_HOP Attribute",
            9: "Optional Attribute Error",
            10: "Invalid Network Field",
            11: "Malformed AS_PATH",
        },
    ),
    HOLD_TIMER_EXPIRED: (
        "Hold Timer Expired",
        {
            0: "Unspecific",
        },
    ),
    FSM_ERROR: (
        "Finite State Machine Error",
        {
            0: "Unspecified Error",
            1: "Receive Unexpected Message in OpenSent State",
            2: "Receive Unexpected Message in OpenConfirm State",
            3: "Receive Unexpected Message in Established State",
        },
    ),
    CEASE: (
        "Cease",
        {
            0: "Unspecific",
            1: "Maximum Number of Prefixes Reached",
            2: "Administrative Shutdown",
            3: "Peer De-configured",
            4: "Administrative Reset",
            5: "Connection Rejected",
            6: "Other Configuration Change",
            7: "Connection Collision Resolution",
            8: "Out of Resources",
            9: "Hard Reset",
            10: "BFD Down",
        },
    ),
    ROUTE_REFRESH_MESSAGE_ERROR: (
        "ROUTE-REFRESH Message Error",
        {
            0: "Reserved",
            1: "Invalid Message Length",
            2: "Malformed Message Subtype",  # ExaBGP 5.0's use for an unknown subtype; not IANA-assigned
        },
    ),
    SEND_HOLD_TIMER_EXPIRED: (
        "Send Hold Timer Expired",
        {
            0: "Unspecific",
        },
    ),
}

#: RFC 8203's limit, which ExaBGP 5.0 enforces on received communications
SHUTDOWN_COMMUNICATION_REPORTED = 128
#: RFC 9003's limit on sent communications
SHUTDOWN_COMMUNICATION_MAX = 255


def code_name(code: int) -> str:
    entry = NOTIFICATION_CODES.get(code)
    return entry[0] if entry else f"unknown error code {code}"


def subcode_name(code: int, subcode: int) -> str:
    entry = NOTIFICATION_CODES.get(code)
    name = entry[1].get(subcode) if entry else None
    return name or f"unknown subcode {subcode}"


def _hex(data: bytes) -> str:
    return "0x" + data.hex().upper()


@record(slots=True)
class Notification:
    """Error code, subcode and data octets as on the wire."""

    TYPE = TYPE

    code: int
    subcode: int
    data: bytes = b""

    @classmethod
    def shutdown(cls, subcode: int, communication: str):
        """Cease 6/2 or 6/4 carrying an RFC 9003 shutdown communication."""
        text = communication.encode("utf-8")
        if len(text) > SHUTDOWN_COMMUNICATION_MAX:
            raise ValueError(f"shutdown communication longer than {SHUTDOWN_COMMUNICATION_MAX} octets")
        return cls(CEASE, subcode, bytes((len(text),)) + text)

    @property
    def is_shutdown(self) -> bool:
        return self.code == CEASE and self.subcode in (ADMINISTRATIVE_SHUTDOWN, ADMINISTRATIVE_RESET)

    def reported_data(self) -> bytes:
        """The data as ExaBGP 5.0 reports it: a 6/2 or 6/4 communication is rewritten."""
        if not self.is_shutdown or not self.data:
            return self.data
        length = self.data[0]
        text = self.data[1:]
        if length == 0:
            return b"empty Shutdown Communication."
        if len(text) < length:
            return f"invalid Shutdown Communication (buffer underrun) length : {length} [{_hex(text)}]".encode()
        if length > SHUTDOWN_COMMUNICATION_REPORTED:
            return f"invalid Shutdown Communication (too large) length : {length} [{_hex(text)}]".encode()
        try:
            message = text[:length].decode("utf-8").replace("\r", " ").replace("\n", " ")
        except UnicodeDecodeError:
            return f"invalid Shutdown Communication (invalid UTF-8) length : {length} [{_hex(text)}]".encode()
        reported = f'Shutdown Communication: "{message}"'
        if len(text) > length:
            reported += f", trailing data: {_hex(text[length:])}"
        return reported.encode("utf-8")

    def __str__(self):
        text = f"{code_name(self.code)} / {subcode_name(self.code, self.subcode)}"
        data = self.reported_data()
        if data:
            text += " / " + data.decode("utf-8", "replace")
        return text

    @classmethod
    def decode(cls, body: bytes, ctx=None):
        body = bytes(body)
        if len(body) < 2:
            raise CodecError(1, 2, (19 + len(body)).to_bytes(2, "big"), f"NOTIFICATION of {len(body)} octets")
        return cls(body[0], body[1], body[2:])

    def encode(self, ctx=None) -> bytes:
        return bytes((self.code, self.subcode)) + self.data
