"""BMP messages: framing a router's stream and decoding each message (RFC 7854 section 4, RFC 8671, RFC 9069, RFC 9736).

`Decoder.feed(data)` takes the octets of one BMP session as they arrive and
returns the complete messages decoded, keeping a partial one for the next
call (`Decoder.close` at the end of the session tells a truncated last
message).  Each message is a frozen record of the type its common header names:

* `Initiation` and `Termination`: Information TLVs (``(type, value)``);
* `PeerUp`: the per-peer header (`PeerHeader`), the local address and both
  ports, the OPEN the monitored router sent and the one it received (each
  decoded, `exabgp.bgp.open.Open`), then the optional Information TLVs;
* `RouteMonitoring`: the per-peer header and the enclosed UPDATE's body,
  left as octets: the router session (`exabgp.bmp.router`) knows the codec
  context it is decoded with.  After the per-peer header comes either the
  BGP UPDATE (RFC 7854: its marker first) or TLVs (the TLV layout of RFC
  9736 as the issue names it, draft-ietf-grow-bmp-tlv's "BMPv4", `tables`):
  type, length, index, value, one of them (`tables.RM_BGP_MESSAGE`) the
  whole UPDATE, whose body is read as above; the others are kept in
  `tlvs` as ``(type, index, value)`` in their order (the type with its E
  bit, the value with its enterprise number);
* `RouteMirroring`: the per-peer header and its TLVs (a BGP message, or an
  information code);
* `StatisticsReport`: the per-peer header and its ``(type, value)``
  statistics, each value an int, or ``(afi, safi, count)`` for the
  per-family gauges;
* `PeerDown`: the per-peer header, the reason, and the NOTIFICATION
  (`exabgp.bgp.notification.Notification`), the FSM event code or the TLVs
  the reason says follow (the octets as they came for a reason not in
  `tables.DOWN_REASONS`: a new reason code does not end the session); in
  version 4 (BMPv4), the TLVs after the reason's data are of the RFC 9736
  layout, kept in `tlvs` as a Route Monitoring's are.

Bad input is a `BmpError` (raised by `decode`, kept as `Decoder.error`:
the messages before it are returned, none after), whose text names the message (its number in the
session, from 1, and its type) and the offset, counted from the first octet
of the session, of the field that is wrong: a version other than 3, a length
shorter than the message's own headers or over `tables.MAX_MESSAGE_SIZE`, a
field running past the message's end, a BGP message without its marker or of
the wrong type, an OPEN or a NOTIFICATION the codec refuses; in a Route
Monitoring's TLVs, a TLV running past the message, no BGP message TLV or two,
an enterprise TLV without its enterprise number, a Group TLV whose index
lacks the G bit or whose value is not a list of 2-octet indexes.  The stream
can not be resynchronised after a framing error: the station closes the
session.  Versions 3 and 4 (BMPv4) are read, with the same layouts but the
Route Monitoring's, which the octets after the per-peer header tell, and the
Peer Down's TLVs.
"""

import struct

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import HEADER_SIZE, MARKER, MARKER_SIZE
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.notification import Notification
from exabgp.bgp.open import Open
from exabgp.bgp.record import record
from exabgp.bmp import tables

_OPEN = 1
_UPDATE = 2
_NOTIFICATION = 3
#: where a Route Monitoring's BGP message starts: after the common and the per-peer headers
_UPDATE_AT = tables.COMMON_HEADER_SIZE + tables.PEER_HEADER_SIZE
#: the common header (version, message length, type: RFC 7854 section 4.1)
_COMMON = struct.Struct("!BIB")
#: a per-peer header's timestamp (seconds, microseconds: RFC 7854 section 4.2), 34 octets into it
_STAMP = struct.Struct("!II")
_STAMP_AT = 34
#: a BGP message's length and type, after its marker
_BGP_HEAD = struct.Struct("!HB")


class BmpError(ValueError):
    """A BMP message the station can not read: the text names the message and the offset."""


@record(slots=True)
class PeerHeader:
    """The per-peer header (RFC 7854 section 4.2) but its timestamp (each message's `timestamp`): who the
    message is about, and how its UPDATEs are laid out.  A `Decoder` makes one object per distinct header
    of its session and gives it to every message with that header (so it can be a cache key by identity)."""

    type: int
    flags: int
    distinguisher: bytes
    address: str
    asn: int
    bgp_id: str

    @property
    def key(self) -> tuple:
        """The monitored peer: its instance (type and distinguisher) and its address."""
        return (self.type, self.distinguisher, self.address)

    @property
    def adj_rib_out(self) -> bool:
        """RFC 8671: the UPDATEs are those the router sends the peer (its Adj-RIB-Out)."""
        return self.type != tables.LOC_RIB_INSTANCE and bool(self.flags & tables.FLAG_O)

    @property
    def asn4(self) -> bool:
        """The AS_PATH is in the 4-octet form (the A flag clear; RFC 9069 section 4.2: always for Loc-RIB)."""
        return self.type == tables.LOC_RIB_INSTANCE or not self.flags & tables.FLAG_A

    @property
    def flag_names(self) -> tuple:
        names = tables.LOC_RIB_FLAG_NAMES if self.type == tables.LOC_RIB_INSTANCE else tables.FLAG_NAMES
        return tuple(name for bit, name in names if self.flags & bit)


@record(slots=True)
class Initiation:
    TYPE = tables.INITIATION
    information: tuple  # (type, value octets)


@record(slots=True)
class Termination:
    TYPE = tables.TERMINATION
    information: tuple  # (type, value octets); the reason's value is its 2-octet code


@record(slots=True)
class PeerUp:
    TYPE = tables.PEER_UP
    peer: PeerHeader
    timestamp: float  # the per-peer header's seconds and microseconds
    local_address: str
    local_port: int
    remote_port: int
    sent_open: Open
    received_open: Open
    information: tuple = ()


@record(slots=True)
class PeerDown:
    TYPE = tables.PEER_DOWN
    peer: PeerHeader
    timestamp: float
    reason: int
    notification: Notification | None = None
    fsm_event: int | None = None
    information: tuple = ()
    data: bytes = b""  # what follows a reason this station does not know, kept as it came
    tlvs: tuple = ()  # BMPv4: (type, index, value) of the TLVs after the reason's data (RFC 9736 layout)


@record(slots=True)
class RouteMonitoring:
    TYPE = tables.ROUTE_MONITORING
    peer: PeerHeader
    timestamp: float
    body: bytes  # the UPDATE's body (its BGP header checked and left out)
    tlvs: tuple = ()  # (type, index, value) of the TLVs but the BGP message's (RFC 9736 layout), in order


@record(slots=True)
class RouteMirroring:
    TYPE = tables.ROUTE_MIRRORING
    peer: PeerHeader
    timestamp: float
    tlvs: tuple  # (type, value): a whole BGP message (type 0), or a 2-octet information code (type 1)


@record(slots=True)
class StatisticsReport:
    TYPE = tables.STATISTICS_REPORT
    peer: PeerHeader
    timestamp: float
    statistics: tuple  # (type, value): an int, or (afi, safi, count) for the per-family gauges


class _Fields:
    """The fields of one message, with the session offset of each for the errors."""

    __slots__ = ("data", "end", "peers", "position", "start", "what")

    def __init__(self, data: bytes, start: int, what: str, peers: dict):
        self.data = data
        self.peers = peers  # the session's PeerHeader objects, by the octets of their header
        self.position = tables.COMMON_HEADER_SIZE
        self.end = len(data)
        self.start = start  # the session offset of the message's first octet
        self.what = what

    def error(self, reason: str, at: int | None = None) -> BmpError:
        offset = self.start + (self.position if at is None else at)
        return BmpError(f"{self.what} at offset {offset}: {reason}")

    def take(self, size: int, field: str) -> bytes:
        position = self.position
        if position + size > self.end:
            raise self.error(f"{field} needs {size} octets, {self.end - position} left")
        self.position = position + size
        return self.data[position : position + size]

    def number(self, size: int, field: str) -> int:
        return int.from_bytes(self.take(size, field), "big")

    def left(self) -> int:
        return self.end - self.position

    def peer_header(self) -> tuple:
        """``(PeerHeader, timestamp)`` of the per-peer header."""
        raw = self.take(tables.PEER_HEADER_SIZE, "the per-peer header")
        stamp = int.from_bytes(raw[34:38], "big") + int.from_bytes(raw[38:42], "big") / 1_000_000
        return peer_of(self.peers, raw[:34]), stamp

    def tlvs(self, field: str) -> tuple:
        """The TLVs up to the message's end: type (2), length (2), value."""
        found = []
        while self.position < self.end:
            kind = self.number(2, f"the type of {field}")
            length = self.number(2, f"the length of {field} {kind}")
            found.append((kind, self.take(length, f"{field} {kind}")))
        return tuple(found)

    def indexed_tlv(self, field: str) -> tuple:
        """``(offset, type, length, index)`` of the next TLV of the RFC 9736 layout: type, length, index (2 each)."""
        at = self.position
        kind = self.number(2, f"the type of a {field}")
        length = self.number(2, f"the length of {field} {kind}")
        return at, kind, length, self.number(2, f"the index of {field} {kind}")

    def indexed_value(self, field: str, at: int, kind: int, length: int) -> bytes:
        """The value of an RFC 9736 TLV (not a BGP message): an enterprise type (E bit) opens with a 4-octet
        enterprise number."""
        value = bytes(self.take(length, f"{field} {kind}"))
        if kind & tables.TLV_ENTERPRISE and length < 4:
            raise self.error(
                f"enterprise TLV {kind & ~tables.TLV_ENTERPRISE} of {length} octets, no enterprise number", at
            )
        return value

    def indexed_tlvs(self, field: str) -> tuple:
        """``(type, index, value)`` of the RFC 9736 TLVs up to the message's end."""
        found = []
        while self.position < self.end:
            at, kind, length, index = self.indexed_tlv(field)
            found.append((kind, index, self.indexed_value(field, at, kind, length)))
        return tuple(found)

    def bgp_message(self, field: str, expected: int | None) -> tuple:
        """A whole BGP message: ``(type, body)``, its marker, length and type checked."""
        at = self.position
        if self.left() < HEADER_SIZE:
            raise self.error(f"{field} needs a {HEADER_SIZE}-octet BGP header, {self.left()} octets left")
        if self.data[at : at + MARKER_SIZE] != MARKER:
            raise self.error(f"{field} does not start with the BGP marker")
        length = int.from_bytes(self.data[at + MARKER_SIZE : at + MARKER_SIZE + 2], "big")
        kind = self.data[at + MARKER_SIZE + 2]
        if length < HEADER_SIZE or at + length > self.end:
            raise self.error(f"{field} declares {length} octets, {self.left()} left in the BMP message")
        if expected is not None and kind != expected:
            raise self.error(f"{field} is a BGP message of type {kind}, not {expected}")
        self.position = at + length
        return kind, self.data[at + HEADER_SIZE : at + length]

    def decoded(self, decode, body: bytes, field: str, at: int):
        try:
            return decode(body)
        except CodecError as error:
            raise self.error(f"{field} is malformed: {error}", at) from None


def peer_of(peers: dict, raw: bytes) -> PeerHeader:
    """The `PeerHeader` of the 34 first octets of a per-peer header, made once per session (`peers`)."""
    peer = peers.get(raw)
    if peer is None:
        kind, flags = raw[0], raw[1]
        ipv6 = kind != tables.LOC_RIB_INSTANCE and flags & tables.FLAG_V
        address = address_text(raw[10:26] if ipv6 else raw[22:26])
        peer = peers[bytes(raw)] = PeerHeader(
            kind, flags, bytes(raw[2:10]), address, int.from_bytes(raw[26:30], "big"), address_text(raw[30:34])
        )
    return peer


def _initiation(reader: _Fields):
    return Initiation(reader.tlvs("information TLV"))


def _termination(reader: _Fields):
    return Termination(reader.tlvs("termination TLV"))


def _peer_up(reader: _Fields):
    peer, stamp = reader.peer_header()
    raw = reader.take(16, "the local address")
    local = address_text(raw if peer.flags & tables.FLAG_V and peer.type != tables.LOC_RIB_INSTANCE else raw[12:])
    local_port = reader.number(2, "the local port")
    remote_port = reader.number(2, "the remote port")
    at = reader.position
    _kind, body = reader.bgp_message("the sent OPEN", _OPEN)
    sent = reader.decoded(Open.decode, body, "the sent OPEN", at)
    at = reader.position
    _kind, body = reader.bgp_message("the received OPEN", _OPEN)
    received = reader.decoded(Open.decode, body, "the received OPEN", at)
    return PeerUp(peer, stamp, local, local_port, remote_port, sent, received, reader.tlvs("information TLV"))


def _peer_down(reader: _Fields):
    peer, stamp = reader.peer_header()
    reason = reader.number(1, "the reason")
    if reason not in tables.DOWN_REASONS:
        return PeerDown(peer, stamp, reason, data=reader.take(reader.left(), "the data"))
    notification = fsm_event = None
    if reason in tables.DOWN_WITH_NOTIFICATION:
        at = reader.position
        _kind, body = reader.bgp_message("the NOTIFICATION", _NOTIFICATION)
        notification = reader.decoded(Notification.decode, body, "the NOTIFICATION", at)
    elif reason == tables.DOWN_LOCAL_FSM:
        fsm_event = reader.number(2, "the FSM event code")
    if reader.data[0] == tables.VERSION_TLV:  # BMPv4: TLVs of the RFC 9736 layout after the reason's data
        return PeerDown(peer, stamp, reason, notification, fsm_event, tlvs=reader.indexed_tlvs("peer down TLV"))
    if notification is not None or fsm_event is not None:
        return PeerDown(peer, stamp, reason, notification, fsm_event)
    return PeerDown(peer, stamp, reason, information=reader.tlvs("information TLV"))


def _route_monitoring(reader: _Fields):
    peer, stamp = reader.peer_header()
    first = reader.position
    if reader.data[first : first + MARKER_SIZE] == MARKER:  # RFC 7854: the BGP UPDATE, and nothing after it
        _kind, body = reader.bgp_message("the BGP UPDATE", _UPDATE)
        if reader.left():
            raise reader.error(f"{reader.left()} octets after the BGP UPDATE")
        return RouteMonitoring(peer, stamp, bytes(body))
    update = None
    found = []
    end = reader.end
    while reader.position < end:
        at, kind, length, index = reader.indexed_tlv("route monitoring TLV")
        if kind == tables.RM_GROUP:  # its index has the G bit, its value lists 2-octet NLRI indexes
            if not index & tables.INDEX_GROUP:
                raise reader.error(f"group TLV with index {index}: the G bit is not set", at)
            if not length or length % 2:
                raise reader.error(f"group TLV of {length} octets: not a list of 2-octet indexes", at)
        if kind != tables.RM_BGP_MESSAGE:
            found.append((kind, index, reader.indexed_value("route monitoring TLV", at, kind, length)))
            continue
        if update is not None:
            raise reader.error("a second BGP message TLV", at)
        if length > reader.left():
            raise reader.error(f"the BGP message TLV needs {length} octets, {reader.left()} left")
        reader.end = reader.position + length  # the UPDATE is read within its TLV
        _kind, update = reader.bgp_message("the BGP UPDATE", _UPDATE)
        if reader.left():
            raise reader.error(f"{reader.left()} octets after the BGP UPDATE in its TLV")
        reader.end = end
    if update is None:
        raise reader.error("no BGP message TLV among the route monitoring TLVs", first)
    return RouteMonitoring(peer, stamp, bytes(update), tuple(found))


def _route_mirroring(reader: _Fields):
    peer, stamp = reader.peer_header()
    return RouteMirroring(peer, stamp, reader.tlvs("route mirroring TLV"))


def _statistics(reader: _Fields):
    peer, stamp = reader.peer_header()
    count = reader.number(4, "the statistics count")
    statistics: list[tuple[int, int | tuple[int, int, int]]] = []
    for _ in range(count):
        kind = reader.number(2, "the type of a statistic")
        length = reader.number(2, f"the length of statistic {kind}")
        at = reader.position
        value = reader.take(length, f"statistic {kind}")
        if length == 11:
            statistics.append((kind, (int.from_bytes(value[:2], "big"), value[2], int.from_bytes(value[3:], "big"))))
        elif length in (4, 8):
            statistics.append((kind, int.from_bytes(value, "big")))
        else:
            raise reader.error(f"statistic {kind} of {length} octets (4, 8 or 11 expected)", at)
    if reader.left():
        raise reader.error(f"{reader.left()} octets after the {count} statistics")
    return StatisticsReport(peer, stamp, tuple(statistics))


_DECODERS = {
    tables.ROUTE_MONITORING: _route_monitoring,
    tables.STATISTICS_REPORT: _statistics,
    tables.PEER_DOWN: _peer_down,
    tables.PEER_UP: _peer_up,
    tables.INITIATION: _initiation,
    tables.TERMINATION: _termination,
    tables.ROUTE_MIRRORING: _route_mirroring,
}


def decode(message: bytes, number: int = 1, offset: int = 0, peers: dict | None = None):
    """The record of one whole BMP message (common header included); `number` and `offset` (its place in the
    session) only name it in a `BmpError`; `peers` is the session's `PeerHeader`s (`peer_of`)."""
    kind = message[5] if len(message) > 5 else -1
    name = tables.MESSAGE_NAMES.get(kind, f"type {kind}")
    reader = _Fields(message, offset, f"BMP message {number} ({name})", {} if peers is None else peers)
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise reader.error(f"unknown message type {kind}", 5)
    return decoder(reader)


class Decoder:
    """The messages of one BMP session, framed as its octets arrive (see the module docstring)."""

    __slots__ = ("_buffer", "_peers", "count", "error", "offset")

    def __init__(self):
        self._buffer = b""
        self._peers: dict = {}  # the session's PeerHeader objects (`peer_of`)
        self.count = 0  # messages decoded so far
        self.offset = 0  # the session offset of the buffer's first octet
        self.error: BmpError | None = None  # the first bad message: nothing is read after it

    def feed(self, data: bytes) -> list:
        """The messages `data` completes, in order, up to the first bad one (then `error` is set and every later
        call returns nothing: the session is unusable)."""
        if self.error is not None:
            return []
        buffer = self._buffer + data if self._buffer else bytes(data)
        peers = self._peers
        size = len(buffer)
        position = 0
        found = []
        try:
            while size - position >= tables.COMMON_HEADER_SIZE:
                number = self.count + 1
                version, length, kind = _COMMON.unpack_from(buffer, position)
                if version not in tables.VERSIONS or not tables.COMMON_HEADER_SIZE <= length <= tables.MAX_MESSAGE_SIZE:
                    where = f"BMP message {number} ({tables.MESSAGE_NAMES.get(kind, f'type {kind}')}) at offset"
                    if version not in tables.VERSIONS:
                        raise BmpError(f"{where} {self.offset + position}: version {version}, only 3 and 4 are read")
                    raise BmpError(f"{where} {self.offset + position + 1}: message length {length}")
                if size - position < length:
                    break
                update = position + _UPDATE_AT
                if (  # a Route Monitoring as RFC 7854 lays it out: read here, without the general walk
                    kind == tables.ROUTE_MONITORING
                    and length >= _UPDATE_AT + HEADER_SIZE
                    and buffer.startswith(MARKER, update)
                    and _BGP_HEAD.unpack_from(buffer, update + MARKER_SIZE) == (length - _UPDATE_AT, _UPDATE)
                ):
                    head = position + tables.COMMON_HEADER_SIZE
                    peer = peer_of(peers, buffer[head : head + _STAMP_AT])
                    seconds, micros = _STAMP.unpack_from(buffer, head + _STAMP_AT)
                    found.append(
                        RouteMonitoring(
                            peer, seconds + micros / 1_000_000, buffer[update + HEADER_SIZE : position + length]
                        )
                    )
                else:
                    found.append(decode(buffer[position : position + length], number, self.offset + position, peers))
                self.count = number
                position += length
        except BmpError as error:
            self.error = error
        self._buffer = buffer[position:]
        self.offset += position
        return found

    def close(self) -> None:
        """The session ended: a message left incomplete is an error (`error`)."""
        if self.error is None and self._buffer:
            kind = self._buffer[5] if len(self._buffer) > 5 else -1
            name = tables.MESSAGE_NAMES.get(kind, f"type {kind}") if kind >= 0 else "unknown type"
            self.error = BmpError(
                f"BMP message {self.count + 1} ({name}) at offset {self.offset}: "
                f"the session ended {len(self._buffer)} octets into it (truncated)"
            )
