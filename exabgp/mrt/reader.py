"""MRT records (RFC 6396, ADD-PATH of RFC 8050) from a file or a stream, one at a time.

The Python API, three levels, each lazier than the next:

* `open_stream(source)`: a binary stream from a path or a stream; gzip
  (``1f 8b``) and bzip2 (``BZh``) are told by their magic octets and read as
  streams, never as a whole file;
* `records(source)`: every record as a `Record` (index, file offset,
  time, microseconds, type, subtype, body octets): framing only;
* `read(source, on_error)`: the records decoded, one object per record,
  never one per route:

  - `PeerIndexTable`: TABLE_DUMP_V2 PEER_INDEX_TABLE, ``peers`` a list of
    `MrtPeer` (bgp id, address, AS);
  - `RibRecord`: a TABLE_DUMP_V2 RIB record (RIB_IPV4/IPV6_UNICAST/MULTICAST,
    RIB_GENERIC, their *_ADDPATH twins): ``afi``, ``safi``, ``nlri`` (the
    prefix as on the wire, path identifier excluded) and ``entries``, a
    list of ``(peer_index, originated_time, path_id or None, attributes)``
    tuples whose ``attributes`` are the raw path attribute octets;
  - `TableDump`: a TABLE_DUMP (type 12) entry, AFI IPv4 or IPv6, with its
    prefix as ``(address octets, length)`` and raw attribute octets;
  - `Bgp4mpMessage`: BGP4MP/BGP4MP_ET MESSAGE, MESSAGE_AS4, *_LOCAL and
    *_ADDPATH: the peer and local addresses and ASes, the BGP message type
    and body, and ``ctx``, the `CodecContext` the body is decoded with
    (4-octet ASNs and ADD-PATH from the subtype, RFC 8050 section 4);
  - `StateChange`: STATE_CHANGE and STATE_CHANGE_AS4.

  Routes stay octets until asked for: ``Update.decode(message.body,
  message.ctx)`` (`exabgp.bgp.update`) gives the lazy UPDATE of a message,
  `rib_update_body(item, entry)` the UPDATE body a RIB entry stands for
  (decoded with `rib_context(item)`).
  `exabgp.mrt.bgpdump` prints routes straight from the octets with the
  codec's section calls.

``records`` and ``read`` take a `fast` function, a codec's one pass over a
buffer of records (``exabgp mrt -m`` gives `exabgp.mrt.bgpdump.Printer.fast`):
the runs of records it takes come as what it made of them, the others as
above.

A record that can not be read is a `MrtError` naming its index (from 0)
and file offset.  `read` hands it to ``on_error`` (raised when None) and
goes on with the next record; a truncated file ends the iteration after
its error.  Records of types this reader does not decode (the obsolete
type 5 ``BGP``, BGP4MP_ENTRY, OSPF, ISIS, ...) are errors too.  One quirk
is read without an error: early RIS TABLE_DUMP records whose length field
is 4 octets short of their own attribute length take the 4 octets that
follow (the next header starts after them).

Records have a 32-bit length (records over 64 KB are read like any other);
a BGP message inside one may be up to 65535 octets (RFC 8654).
"""

import bz2
import gzip
import io
import struct
from socket import AF_INET, AF_INET6, inet_ntop

from exabgp._codec.tables import (  # noqa: F401 (the numbers of RFC 6396 section 4 and RFC 8050, once)
    RIS_SHORT,
    BGP4MP_ENTRY,
    BGP4MP_MESSAGE as MESSAGE,
    BGP4MP_MESSAGE_ADDPATH as MESSAGE_ADDPATH,
    BGP4MP_MESSAGE_AS4 as MESSAGE_AS4,
    BGP4MP_MESSAGE_AS4_ADDPATH as MESSAGE_AS4_ADDPATH,
    BGP4MP_MESSAGE_AS4_LOCAL as MESSAGE_AS4_LOCAL,
    BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH as MESSAGE_AS4_LOCAL_ADDPATH,
    BGP4MP_MESSAGE_LOCAL as MESSAGE_LOCAL,
    BGP4MP_MESSAGE_LOCAL_ADDPATH as MESSAGE_LOCAL_ADDPATH,
    BGP4MP_SNAPSHOT,
    BGP4MP_STATE_CHANGE as STATE_CHANGE,
    BGP4MP_STATE_CHANGE_AS4 as STATE_CHANGE_AS4,
    MRT_BGP4MP as BGP4MP,
    MRT_BGP4MP_ET as BGP4MP_ET,
    MRT_MESSAGE_SUBTYPES,
    MRT_OBSOLETE_BGP as OBSOLETE_BGP,
    MRT_RIB_SUBTYPES,
    MRT_TABLE_DUMP as TABLE_DUMP,
    MRT_TABLE_DUMP_V2 as TABLE_DUMP_V2,
    PEER_INDEX_TABLE,
    RIB_GENERIC,
    RIB_GENERIC_ADDPATH,
    RIB_IPV4_MULTICAST,
    RIB_IPV4_MULTICAST_ADDPATH,
    RIB_IPV4_UNICAST,
    RIB_IPV4_UNICAST_ADDPATH,
    RIB_IPV6_MULTICAST,
    RIB_IPV6_MULTICAST_ADDPATH,
    RIB_IPV6_UNICAST,
    RIB_IPV6_UNICAST_ADDPATH,
)
from exabgp._codec.mrt_headers import table_dump_missing
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_MPLS_VPN, SAFI_MULTICAST, SAFI_UNICAST

#: TABLE_DUMP_V2 RIB subtype -> (afi, safi or None for RIB_GENERIC, add-path), and BGP4MP message subtype ->
#: (4-octet ASNs, add-path, local): the codec's tables, which its `_mrt` pass reads too (the subtype names
#: imported above stay this module's, for its readers)
RIB_SUBTYPES = MRT_RIB_SUBTYPES
MESSAGE_SUBTYPES = MRT_MESSAGE_SUBTYPES

#: the families whose NLRI carry a path identifier in *_ADDPATH records
_ADDPATH_FAMILIES = frozenset((afi, safi) for afi in (AFI_IPV4, AFI_IPV6) for safi in (SAFI_UNICAST, SAFI_MULTICAST))
#: (asn4, addpath) -> the context of the messages of such a record
CONTEXTS = {
    (asn4, addpath): CodecContext(
        asn4=asn4,
        addpath_receive=_ADDPATH_FAMILIES if addpath else frozenset(),
        addpath_send=_ADDPATH_FAMILIES if addpath else frozenset(),
        extended_message=True,
    )
    for asn4 in (False, True)
    for addpath in (False, True)
}

_HEADER = struct.Struct("!IHHI")
_RIB_ENTRY = struct.Struct("!HIH")  # peer index, originated time, attribute length (RFC 6396 section 4.3.4)
_RIB_ENTRY_ADDPATH = struct.Struct("!HIIH")  # the path identifier after the time (RFC 8050 section 4.1)
_HEADER_SIZE = 12
_CHUNK = 1 << 20
_BGP_HEADER = 19
_MARKER = b"\xff" * 16


class MrtError(Exception):
    """A record that can not be read: ``record N at offset O (TYPE/SUBTYPE): reason``."""

    def __init__(self, index: int, offset: int, reason: str, kind: str = ""):
        self.index = index
        self.offset = offset
        self.reason = reason
        where = f"record {index} at offset {offset}" + (f" ({kind})" if kind else "")
        super().__init__(f"{where}: {reason}")


def record_error(item, error: Exception) -> MrtError:
    """The `MrtError` of a decoded record for an error met reading its routes (a `CodecError` gives its reason).

    A BGP4MP message of a non-ADDPATH subtype whose NLRI read cleanly with path identifiers says so: BIRD's
    dumps of ADD-PATH sessions are such records (RFC 8050 section 3 wants the *_ADDPATH subtypes there).
    """
    record = item.record
    reason = getattr(error, "reason", "") or str(error)
    if isinstance(item, Bgp4mpMessage) and not item.ctx.addpath_receive and _reads_as_addpath(item.body):
        reason += " (the NLRI read as ADD-PATH NLRI: an ADD-PATH session recorded without an *_ADDPATH subtype)"
    return MrtError(record[0], record[1], reason, f"{record[4]}/{record[5]}")


def _reads_as_addpath(body) -> bool:
    """Whether every NLRI section of an UPDATE body decodes with path identifiers."""
    from exabgp import _codec
    from exabgp._codec.errors import CodecError

    try:
        withdrawn, attributes, nlri = _codec.split_update(body)
        _codec.decode_nlri(withdrawn, AFI_IPV4, True)
        _codec.decode_nlri(nlri, AFI_IPV4, True)
        for code, _flags, value in _codec.walk_attributes(attributes):
            if code == 15 and len(value) >= 3:
                _codec.decode_nlri(value[3:], int.from_bytes(value[:2], "big"), True)
            elif code == 14 and len(value) >= 5:
                _codec.decode_nlri(value[5 + value[3] :], int.from_bytes(value[:2], "big"), True)
    except (CodecError, ValueError):
        return False
    return True


def open_stream(source):
    """A binary stream of the MRT octets of `source` (a path or a binary stream), decompressed when needed."""
    raw = open(source, "rb") if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__") else source
    if not hasattr(raw, "peek"):
        raw = io.BufferedReader(raw) if isinstance(raw, io.RawIOBase) else _Peekable(raw)
    magic = raw.peek(3)[:3]
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if magic == b"BZh":
        return bz2.BZ2File(raw, mode="rb")
    return raw


class _Peekable(io.RawIOBase):
    """A stream without `peek` (a pipe's `sys.stdin.buffer` has one; some file objects do not)."""

    def __init__(self, inner):
        self._inner = inner
        self._head = b""

    def peek(self, size: int = 1) -> bytes:
        if len(self._head) < size:
            self._head += self._inner.read(size - len(self._head)) or b""
        return self._head

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        head, self._head = self._head, b""
        if size is None or size < 0:
            return head + (self._inner.read() or b"")
        if len(head) >= size:
            self._head = head[size:]
            return head[:size]
        return head + (self._inner.read(size - len(head)) or b"")

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class Record(tuple):
    """One framed record: ``(index, offset, time, microseconds, type, subtype, body)``.

    `microseconds` is the BGP4MP_ET field (0 for other types); `body` excludes it (None for a BGP4MP_ET
    record too short to hold it, which `decode` reports).
    """

    __slots__ = ()

    index = property(lambda self: self[0])
    offset = property(lambda self: self[1])
    time = property(lambda self: self[2])
    microseconds = property(lambda self: self[3])
    type = property(lambda self: self[4])
    subtype = property(lambda self: self[5])
    body = property(lambda self: self[6])

    @property
    def timestamp(self) -> float:
        """The time with the BGP4MP_ET microseconds, as a float of seconds."""
        return self[2] + self[3] / 1e6 if self[3] else float(self[2])


def records(source, fast=None):
    """Frame every record of `source`; a truncated record raises `MrtError` after the whole ones.

    `fast`, when given, is offered the records first: ``fast(buffer, position) -> (stop, count, result)``
    takes the `count` whole records of `buffer` from `position` to `stop` (a codec's one pass, as
    `exabgp.mrt.bgpdump.Printer.fast`), and `result`, what it made of them, is yielded in their place
    (when `count` is not 0); the record it stops at is framed here as without it.
    """
    stream = open_stream(source)
    buffer = b""
    at = 0  # file offset of buffer[0]
    index = 0
    unpack_from = _HEADER.unpack_from
    eof = False
    while True:
        position = 0
        size = len(buffer)
        while size - position >= _HEADER_SIZE:
            if fast is not None:
                stop, count, result = fast(buffer, position)
                if count:
                    index += count
                    position = stop
                    yield result
                    if size - position < _HEADER_SIZE:
                        break
            time, kind, subtype, length = unpack_from(buffer, position)
            end = position + _HEADER_SIZE + length
            if end > size:
                break
            start = position + _HEADER_SIZE
            micro = 0
            if kind == BGP4MP_ET:
                if length < 4:  # no room for the microseconds: `decode` reports it, the next record is read
                    yield Record((index, at + position, time, 0, kind, subtype, None))
                    index += 1
                    position = end
                    continue
                micro = int.from_bytes(buffer[start : start + 4], "big")
                start += 4
            body = buffer[start:end]
            if kind == TABLE_DUMP:
                if table_dump_missing(body, 0, len(body), subtype) == RIS_SHORT:
                    if end + RIS_SHORT > size:
                        break
                    body = buffer[start : end + RIS_SHORT]
                    end += RIS_SHORT
            yield Record((index, at + position, time, micro, kind, subtype, body))
            index += 1
            position = end
        buffer = buffer[position:]
        at += position
        if eof:
            break
        chunk = stream.read(_CHUNK)
        if not chunk:
            eof = True
            if not buffer:
                break
            continue
        buffer = buffer + chunk if buffer else chunk
    if buffer:
        if len(buffer) < _HEADER_SIZE:
            reason = f"truncated header ({len(buffer)} of {_HEADER_SIZE} octets)"
            kind_text = ""
        else:
            time, kind, subtype, length = unpack_from(buffer, 0)
            reason = f"truncated record ({len(buffer) - _HEADER_SIZE} of {length} octets)"
            kind_text = f"{kind}/{subtype}"
        raise MrtError(index, at, reason, kind_text)


class MrtPeer(tuple):
    """A PEER_INDEX_TABLE entry: ``(bgp_id, address, asn)``, the address as text."""

    __slots__ = ()
    bgp_id = property(lambda self: self[0])
    address = property(lambda self: self[1])
    asn = property(lambda self: self[2])


class PeerIndexTable:
    __slots__ = ("record", "collector_id", "view", "peers")

    def __init__(self, record, collector_id, view, peers):
        self.record = record
        self.collector_id = collector_id
        self.view = view
        self.peers = peers


class RibRecord:
    __slots__ = ("record", "sequence", "afi", "safi", "addpath", "nlri", "entries")

    def __init__(self, record, sequence, afi, safi, addpath, nlri, entries):
        self.record = record
        self.sequence = sequence
        self.afi = afi
        self.safi = safi
        self.addpath = addpath
        self.nlri = nlri
        self.entries = entries


class TableDump:
    __slots__ = (
        "record",
        "afi",
        "view",
        "sequence",
        "prefix",
        "status",
        "originated",
        "peer_ip",
        "peer_as",
        "attributes",
    )

    def __init__(self, record, afi, view, sequence, prefix, status, originated, peer_ip, peer_as, attributes):
        self.record = record
        self.afi = afi
        self.view = view
        self.sequence = sequence
        self.prefix = prefix
        self.status = status
        self.originated = originated
        self.peer_ip = peer_ip
        self.peer_as = peer_as
        self.attributes = attributes


class Bgp4mpMessage:
    __slots__ = (
        "record",
        "peer_as",
        "local_as",
        "ifindex",
        "afi",
        "peer_ip",
        "local_ip",
        "local",
        "type",
        "body",
        "ctx",
    )

    def __init__(self, record, peer_as, local_as, ifindex, afi, peer_ip, local_ip, local, msg_type, body, ctx):
        self.record = record
        self.peer_as = peer_as
        self.local_as = local_as
        self.ifindex = ifindex
        self.afi = afi
        self.peer_ip = peer_ip
        self.local_ip = local_ip
        self.local = local
        self.type = msg_type
        self.body = body
        self.ctx = ctx


class StateChange:
    __slots__ = ("record", "peer_as", "local_as", "ifindex", "afi", "peer_ip", "local_ip", "old_state", "new_state")

    def __init__(self, record, peer_as, local_as, ifindex, afi, peer_ip, local_ip, old_state, new_state):
        self.record = record
        self.peer_as = peer_as
        self.local_as = local_as
        self.ifindex = ifindex
        self.afi = afi
        self.peer_ip = peer_ip
        self.local_ip = local_ip
        self.old_state = old_state
        self.new_state = new_state


class _Short(Exception):
    """The body ended inside a field (turned into a `MrtError` naming the record)."""


def _need(body, end: int, what: str) -> None:
    if end > len(body):
        raise _Short(f"{what} overruns the record ({end} > {len(body)} octets)")


def _address(body, at: int, afi: int):
    """``(text, next offset)`` of an IPv4 or IPv6 address at `at`."""
    if afi == AFI_IPV4:
        _need(body, at + 4, "address")
        return inet_ntop(AF_INET, body[at : at + 4]), at + 4
    if afi == AFI_IPV6:
        _need(body, at + 16, "address")
        return inet_ntop(AF_INET6, body[at : at + 16]), at + 16
    raise _Short(f"unknown address family {afi}")


def _peer_index_table(record):
    body = record[6]
    _need(body, 6, "PEER_INDEX_TABLE header")
    collector = inet_ntop(AF_INET, body[0:4])
    view_length = int.from_bytes(body[4:6], "big")
    _need(body, 6 + view_length + 2, "view name")
    view = body[6 : 6 + view_length].decode("utf-8", "replace")
    at = 6 + view_length
    count = int.from_bytes(body[at : at + 2], "big")
    at += 2
    peers = []
    for _ in range(count):
        _need(body, at + 5, "peer entry")
        peer_type = body[at]
        bgp_id = inet_ntop(AF_INET, body[at + 1 : at + 5])
        address, at = _address(body, at + 5, AFI_IPV6 if peer_type & 1 else AFI_IPV4)
        width = 4 if peer_type & 2 else 2
        _need(body, at + width, "peer AS")
        peers.append(MrtPeer((bgp_id, address, int.from_bytes(body[at : at + width], "big"))))
        at += width
    return PeerIndexTable(record, collector, view, peers)


def _rib(record):
    body = record[6]
    afi, safi, addpath = RIB_SUBTYPES[record[5]]
    _need(body, 4, "sequence number")
    sequence = int.from_bytes(body[0:4], "big")
    at = 4
    if afi is None:  # RIB_GENERIC: AFI, SAFI, then the NLRI as on the wire (RFC 6396 section 4.3.3)
        _need(body, 7, "RIB_GENERIC family")
        afi = int.from_bytes(body[4:6], "big")
        safi = body[6]
        at = 7
    _need(body, at + 1, "prefix length")
    bits = body[at]
    end = at + 1 + ((bits + 7) >> 3)
    _need(body, end, "prefix")
    nlri = body[at:end]
    at = end
    _need(body, at + 2, "entry count")
    count = int.from_bytes(body[at : at + 2], "big")
    at += 2
    entries: list = []
    append = entries.append
    size = len(body)
    try:
        if addpath:
            unpack = _RIB_ENTRY_ADDPATH.unpack_from
            for _ in range(count):
                peer, originated, path_id, length = unpack(body, at)
                at += 12
                end = at + length
                if end > size:
                    raise _Short(f"RIB entry attributes overrun the record ({end} > {size} octets)")
                append((peer, originated, path_id, body[at:end]))
                at = end
        else:
            unpack = _RIB_ENTRY.unpack_from
            for _ in range(count):
                peer, originated, length = unpack(body, at)
                at += 8
                end = at + length
                if end > size:
                    raise _Short(f"RIB entry attributes overrun the record ({end} > {size} octets)")
                append((peer, originated, None, body[at:end]))
                at = end
    except struct.error:
        raise _Short(f"RIB entry {len(entries)} overruns the record ({size} octets)") from None
    if at != len(body):
        raise _Short(f"{len(body) - at} octets after the last RIB entry")
    return RibRecord(record, sequence, afi, safi, addpath, nlri, entries)


def _table_dump(record):
    body = record[6]
    afi = record[5]
    if afi not in (AFI_IPV4, AFI_IPV6):
        raise _Short(f"TABLE_DUMP of unknown address family {afi}")
    width = 4 if afi == AFI_IPV4 else 16
    _need(body, 4, "view and sequence")
    view = int.from_bytes(body[0:2], "big")
    sequence = int.from_bytes(body[2:4], "big")
    _need(body, 4 + width + 1, "prefix")
    prefix = (body[4 : 4 + width], body[4 + width])
    at = 5 + width
    _need(body, at + 5, "status and time")
    status = body[at]
    originated = int.from_bytes(body[at + 1 : at + 5], "big")
    peer_ip, at = _address(body, at + 5, afi)
    _need(body, at + 4, "peer AS and attribute length")
    peer_as = int.from_bytes(body[at : at + 2], "big")
    length = int.from_bytes(body[at + 2 : at + 4], "big")
    at += 4
    _need(body, at + length, "attributes")
    return TableDump(record, afi, view, sequence, prefix, status, originated, peer_ip, peer_as, body[at : at + length])


#: the parsed BGP4MP headers by their octets: an archive holds a handful of peers, each in thousands of records
_HEADS: dict = {}
_HEADS_LIMIT = 4096
_ADDRESS_SIZES = {AFI_IPV4: 4, AFI_IPV6: 16}


def _bgp4mp_head(body, asn4: bool):
    """``(peer_as, local_as, ifindex, afi, peer_ip, local_ip, offset after)`` of a BGP4MP record."""
    width = 4 if asn4 else 2
    _need(body, 2 * width + 4, "BGP4MP header")
    at = 2 * width
    size = _ADDRESS_SIZES.get((body[at + 2] << 8) | body[at + 3], 0)
    key = body[: at + 4 + 2 * size]
    found = _HEADS.get(key)
    if found is not None:
        return found
    peer_as = int.from_bytes(body[0:width], "big")
    local_as = int.from_bytes(body[width:at], "big")
    ifindex = int.from_bytes(body[at : at + 2], "big")
    afi = int.from_bytes(body[at + 2 : at + 4], "big")
    peer_ip, at = _address(body, at + 4, afi)
    local_ip, at = _address(body, at, afi)
    if len(_HEADS) >= _HEADS_LIMIT:
        _HEADS.clear()
    found = _HEADS[key] = (peer_as, local_as, ifindex, afi, peer_ip, local_ip, at)
    return found


def _bgp4mp(record):
    body = record[6]
    subtype = record[5]
    flags = MESSAGE_SUBTYPES.get(subtype)
    if flags is not None:
        asn4, addpath, local = flags
        peer_as, local_as, ifindex, afi, peer_ip, local_ip, at = _bgp4mp_head(body, asn4)
        _need(body, at + _BGP_HEADER, "BGP message header")
        if body[at : at + 16] != _MARKER:
            raise _Short("BGP message without its marker")
        length = int.from_bytes(body[at + 16 : at + 18], "big")
        if length < _BGP_HEADER or at + length > len(body):
            raise _Short(f"BGP message length {length} does not fit the record ({len(body) - at} octets)")
        message = body[at + _BGP_HEADER : at + length]
        ctx = CONTEXTS[asn4, addpath]
        return Bgp4mpMessage(
            record, peer_as, local_as, ifindex, afi, peer_ip, local_ip, local, body[at + 18], message, ctx
        )
    if subtype in (STATE_CHANGE, STATE_CHANGE_AS4):
        peer_as, local_as, ifindex, afi, peer_ip, local_ip, at = _bgp4mp_head(body, subtype == STATE_CHANGE_AS4)
        _need(body, at + 4, "states")
        old = int.from_bytes(body[at : at + 2], "big")
        new = int.from_bytes(body[at + 2 : at + 4], "big")
        return StateChange(record, peer_as, local_as, ifindex, afi, peer_ip, local_ip, old, new)
    if subtype == BGP4MP_ENTRY:
        raise _Short("BGP4MP_ENTRY (subtype 2, deprecated by RFC 6396) is not read")
    if subtype == BGP4MP_SNAPSHOT:
        raise _Short("BGP4MP_SNAPSHOT (subtype 3, deprecated by RFC 6396) is not read")
    raise _Short(f"unknown BGP4MP subtype {subtype}")


def decode(record):
    """The object of one framed record (see the module docstring); `_Short` / `MrtError` when it can not be."""
    kind = record[4]
    subtype = record[5]
    try:
        if record[6] is None:
            raise _Short("BGP4MP_ET record shorter than its microseconds field")
        if kind == TABLE_DUMP_V2:
            if subtype in RIB_SUBTYPES:
                return _rib(record)
            if subtype == PEER_INDEX_TABLE:
                return _peer_index_table(record)
            raise _Short(f"unknown TABLE_DUMP_V2 subtype {subtype}")
        if kind in (BGP4MP, BGP4MP_ET):
            return _bgp4mp(record)
        if kind == TABLE_DUMP:
            return _table_dump(record)
        if kind == OBSOLETE_BGP:
            raise _Short("type 5 (BGP, deprecated by RFC 6396) is not read")
        raise _Short(f"unknown MRT type {kind}")
    except _Short as error:
        raise MrtError(record[0], record[1], str(error), f"{kind}/{subtype}") from None


def read(source, on_error=None, fast=None):
    """Every record of `source` decoded (see the module docstring); bad records go to `on_error(MrtError)`.

    With `fast` (see `records`), what it makes of the runs of records it takes comes in their place.
    """
    iterator = records(source, fast)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except MrtError as error:
            if on_error is None:
                raise
            on_error(error)
            return
        if type(record) is not Record:
            yield record
            continue
        try:
            yield decode(record)
        except MrtError as error:
            if on_error is None:
                raise
            on_error(error)


#: the octets of a route distinguisher, and the next hops of a VPN route written without one (an IPv4 or IPv6
#: address, an IPv6 global and link-local pair)
_RD_SIZE = 8
_VPN_BARE_NEXTHOPS = (4, 16, 32)
#: the next hop of an entry written without one
_UNSPECIFIED = {AFI_IPV4: bytes(4), AFI_IPV6: bytes(16)}


def rib_update_body(item, entry) -> bytes:
    """The UPDATE body a RIB entry (of a `RibRecord` or a `TableDump`) stands for, to decode with `rib_context`.

    IPv4 unicast: the attributes and the prefix in the NLRI field.  Other
    families: the abbreviated MP_REACH_NLRI of RFC 6396 section 4.3.4 (next hop
    only; a NEXT_HOP attribute stands for it when absent) becomes a whole one
    holding the prefix.  The path identifier of an *_ADDPATH entry leads the NLRI.
    A VPN entry's next hop written without its route distinguisher (OpenBGPD's
    RIB_GENERIC records give the address alone, where RFC 4364 section 4.3.2
    puts a zero RD first) gets the zero RD; an entry without any next hop
    (BIRD's IPv6 RIB dumps: bgpdump prints 255.255.255.255 for it) the
    unspecified address of its family.
    """
    from exabgp import _codec  # the codec's walker and TLV encoder

    if isinstance(item, TableDump):
        afi, safi, path_id, octets = item.afi, SAFI_UNICAST, None, item.attributes
        address, bits = item.prefix
        nlri = bytes((bits,)) + address[: (bits + 7) >> 3]
    else:
        afi, safi, nlri = item.afi, item.safi, item.nlri
        path_id, octets = entry[2], entry[3]
    if path_id is not None:
        nlri = path_id.to_bytes(4, "big") + nlri
    if afi == AFI_IPV4 and safi == SAFI_UNICAST:
        return b"\x00\x00" + len(octets).to_bytes(2, "big") + octets + nlri
    attributes = []
    nexthop = b""
    for code, flags, value in _codec.walk_attributes(octets):
        if code == 14:  # MP_REACH_NLRI: abbreviated, or whole as some writers put it (Quagga, OpenBGPD)
            if value and value[0] + 1 == len(value):
                nexthop = value[1:]
            elif len(value) >= 4:
                nexthop = value[4 : 4 + value[3]]
            continue
        if code == 3 and not nexthop:
            nexthop = value
        attributes.append(_codec.encode_attribute(code, flags, value))
    if not nexthop and afi in _UNSPECIFIED:
        nexthop = _UNSPECIFIED[afi]
    if safi == SAFI_MPLS_VPN and len(nexthop) in _VPN_BARE_NEXTHOPS:
        nexthop = bytes(_RD_SIZE) + nexthop
    reach = afi.to_bytes(2, "big") + bytes((safi, len(nexthop))) + nexthop + b"\x00" + nlri
    attributes.append(_codec.encode_attribute(14, 0x80, reach))
    section = b"".join(attributes)
    return b"\x00\x00" + len(section).to_bytes(2, "big") + section


def rib_context(item) -> CodecContext:
    """The context of `rib_update_body`: 4-octet ASNs in TABLE_DUMP_V2 (RFC 6396 section 4.3.4), 2-octet ones in
    TABLE_DUMP, ADD-PATH as the subtype says."""
    if isinstance(item, TableDump):
        return CONTEXTS[False, False]
    return CONTEXTS[True, item.addpath]
