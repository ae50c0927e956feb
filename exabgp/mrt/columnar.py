"""A whole MRT file into numpy columns, one row per route, without a Python object per route (needs numpy).

``exabgp.mrt.columns(source, on_error=None) -> Columns`` reads a RIB dump
(TABLE_DUMP_V2, TABLE_DUMP) or an update file (BGP4MP, BGP4MP_ET) into
arrays of equal length, one row per prefix of a RIB entry, an announcement
or a withdrawal, in the order ``exabgp mrt -m`` (bgpdump) prints them:

==================  ========  ==================================================
column              dtype     meaning
==================  ========  ==================================================
``prefix_hi``       uint64    the prefix: IPv6 as two 64-bit halves (``hi << 64
``prefix_lo``       uint64    | lo``); IPv4 in ``prefix_lo`` (its 32 bits), hi 0
``length``          uint8     prefix length
``afi``, ``safi``   uint8     1 IPv4 / 2 IPv6; 1 unicast / 2 multicast
``path_id``         uint32    ADD-PATH path identifier (RFC 8050), 0 without
``peer``            uint32    index into ``peers``
``time``            float64   the record's time (BGP4MP_ET microseconds included)
``originated``      uint32    a RIB entry's originated time (0 in update files)
``withdrawn``       bool      a withdrawal (withdrawn routes, MP_UNREACH_NLRI)
``origin_as``       uint32    last ASN of the AS_PATH when it ends in an
                              AS_SEQUENCE, else 0 (ends in a set, or no path)
``as_path_length``  uint16    RFC 4271 9.1.2.2: an AS_SET counts 1,
                              confederation segments 0
``nexthop_hi``      uint64    the next hop as the prefix is written (first
``nexthop_lo``      uint64    address of MP_REACH_NLRI: 16 or 32 octets IPv6)
``nexthop_afi``     uint8     1, 2, or 0 when the route has none
``attribute_set``   int32     index into ``attribute_sets`` (-1: withdrawal)
==================  ========  ==================================================

``attribute_sets`` is a list of the raw path attribute octets, one per
distinct set, interned by their octets (``attribute_asn4[i]``: its ASNs are
4 octets, as in TABLE_DUMP_V2 and the *_AS4 subtypes); for an IPv6 UPDATE
the MP_REACH_NLRI (prefixes included) is part of the octets, so each such
UPDATE is a set of its own, while RIB entries share their sets.  ``peers``
is a list of `exabgp.mrt.reader.MrtPeer`: the PEER_INDEX_TABLE's entries,
and for BGP4MP and TABLE_DUMP records the peer address and AS (bgp id "").
``Columns.to_pandas()`` gives a DataFrame when pandas is installed;
``Columns.save(path)`` writes the arrays with ``numpy.savez``.

Only IPv4 and IPv6 unicast and multicast prefixes are rows (as bgpdump
prints them); RIB_GENERIC records, state changes and BGP messages other
than UPDATE give none.  A record that can not be read gives no row and a
`MrtError` naming it to ``on_error`` (raised when None), as `reader.read`.

How it is fast: the file is read into memory once and handed to the
codec's one pass (`exabgp._codec.mrt_columns`, the `_mrt` topic), which
reads the BGP4MP UPDATEs (through the index topic's rules), the
TABLE_DUMP_V2 RIB records and the TABLE_DUMP records it takes and appends their rows to one
`array.array` per column, interning each attribute set by its octets in a
dict; numpy only wraps those buffers (``numpy.frombuffer``, no copy).  The
codec stops at the first record it does not take (the peer index table,
RIB_GENERIC, state changes, 2-octet ASN records with AS4_PATH,
multicast UPDATEs, anything malformed); that record goes through the
Python path here, which notes, per UPDATE or RIB entry, a few integers
into one `array.array` of units (an error found there names the record as
`reader.read` does), and the codec goes on after it.  A BGP4MP or
TABLE_DUMP peer met for the first time is numbered here, then its
record is the codec's.  The
units, when there are any, become rows with numpy over all of them at
once (the NLRI sections and the attribute sets walked together, one step
per prefix or attribute position, the AS paths per segment; sets of
2-octet ASN records, AS4_PATH merged by RFC 6793, decoded one by one with
the codec), merged with the codec's rows in record order.
"""

import importlib
import struct
from array import array
from typing import Any
from socket import AF_INET, AF_INET6, inet_ntop

from exabgp import _codec
from exabgp._codec.errors import CodecError
from exabgp._codec.mrt_headers import table_dump_missing
from exabgp._codec.tables import MRT_ATTRIBUTE_SET, MRT_HEADER_SIZE, MRT_RECORD, MRT_SET_KIND, MRT_TYPECODES, RIS_SHORT
from exabgp.bgp.attribute import merge_as4_path
from exabgp.mrt import reader

try:
    import numpy as np
except ImportError:  # the columnar extra is not installed: `columns` says so
    np = None  # type: ignore[assignment]

_HEADER = struct.Struct("!IHHI")
_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")
_RIB_ENTRY = reader._RIB_ENTRY
_RIB_ENTRY_ADDPATH = reader._RIB_ENTRY_ADDPATH
_MARKER = b"\xff" * 16
_MESSAGE = struct.Struct("!HB")  # BGP message length and type
#: the RIB subtypes of one family (RIB_GENERIC's NLRI may be anything): subtype -> (afi, safi, add-path)
_FAST_RIB: dict[int, tuple[int, int, bool]] = {
    subtype: (afi, safi, addpath)
    for subtype, (afi, safi, addpath) in reader.RIB_SUBTYPES.items()
    if afi is not None and safi is not None
}
_PAD = b"\x00" * 40
_ADDRESS_SIZES = {reader.AFI_IPV4: 4, reader.AFI_IPV6: 16}


def _record_end(data: bytes, position: int) -> int:
    """Where the record at `position` ends: its length, and the 4 octets early RIS TABLE_DUMP records miss."""
    _t, kind, subtype, length = _HEADER.unpack_from(data, position)
    end = position + MRT_HEADER_SIZE + length
    if kind == reader.TABLE_DUMP and table_dump_missing(data, position + MRT_HEADER_SIZE, end, subtype) == RIS_SHORT:
        end += RIS_SHORT
    return end


# the fields of a unit (an UPDATE or a RIB entry), one `array('q')` row each
_FIELDS = 17
(
    U_RECORD,  # record index (for errors)
    U_OFFSET,  # file offset of the record (for errors)
    U_TIME,  # record seconds
    U_MICRO,  # BGP4MP_ET microseconds
    U_ADDPATH,  # NLRI carry path identifiers (BGP4MP *_ADDPATH)
    U_AFI,  # family of the N section (the IPv4 NLRI field, or the RIB prefix)
    U_SAFI,
    U_PATH_ID,  # RIB entry path identifier
    U_PEER,
    U_SET,  # index of the attribute set among those of its kind (-1: none)
    U_KIND,  # the kind of the set (`_KINDS`)
    U_ATTRIBUTES,  # offset of the attribute octets in the buffer
    U_W_START,
    U_W_END,
    U_N_START,
    U_N_END,
    U_ORIGINATED,
) = range(_FIELDS)
# the sections of a unit, in bgpdump's order: withdrawn, MP_UNREACH_NLRI, NLRI (or the RIB prefix), MP_REACH_NLRI
_W, _U, _N, _R = range(4)
# the kinds of attribute sets: (4-octet ASNs, from a RIB entry: the MP_REACH_NLRI may be RFC 6396's short form)
_KINDS = ((True, False), (False, False), (True, True), (False, True))

_COLUMNS = (
    "prefix_hi",
    "prefix_lo",
    "length",
    "afi",
    "safi",
    "path_id",
    "peer",
    "time",
    "originated",
    "withdrawn",
    "origin_as",
    "as_path_length",
    "nexthop_hi",
    "nexthop_lo",
    "nexthop_afi",
    "attribute_set",
)
#: the dtype of each column, as the codec writes it (`tables.MRT_TYPECODES`; ``withdrawn`` as bool)
_DTYPES = (
    {
        name: np.bool_ if name == "withdrawn" else np.dtype(code)
        for name, code in zip(_COLUMNS, MRT_TYPECODES[: len(_COLUMNS)], strict=True)
    }
    if np is not None
    else {}
)


def _numpy():
    if np is None:
        raise ImportError("exabgp.mrt.columns needs numpy: pip install 'exabgp[columnar]'")
    return np


class Columns:
    """The routes of an MRT file as numpy arrays (see the module docstring), with `peers` and `attribute_sets`."""

    prefix_hi: Any
    prefix_lo: Any
    length: Any
    afi: Any
    safi: Any
    path_id: Any
    peer: Any
    time: Any
    originated: Any
    withdrawn: Any
    origin_as: Any
    as_path_length: Any
    nexthop_hi: Any
    nexthop_lo: Any
    nexthop_afi: Any
    attribute_set: Any

    def __init__(self, arrays: dict, peers: list, attribute_sets: list, attribute_asn4):
        for name in _COLUMNS:
            setattr(self, name, arrays[name])
        self.peers = peers
        self.attribute_sets = attribute_sets
        self.attribute_asn4 = attribute_asn4

    def __len__(self) -> int:
        return len(self.length)

    def arrays(self) -> dict:
        """The columns by name."""
        return {name: getattr(self, name) for name in _COLUMNS}

    def to_pandas(self):
        """A pandas DataFrame of the columns (pandas is not a dependency: ImportError without it)."""
        pandas = importlib.import_module("pandas")
        return pandas.DataFrame(self.arrays())

    def save(self, path) -> None:
        """The columns, the peers (``peer_address``, ``peer_as``) and the attribute sets in one ``.npz`` file."""
        sizes = [len(octets) for octets in self.attribute_sets]
        np.savez(
            path,
            **self.arrays(),
            peer_address=np.array([peer[1] for peer in self.peers], dtype=str),
            peer_as=np.array([peer[2] for peer in self.peers], dtype=np.uint32),
            attribute_octets=np.frombuffer(b"".join(self.attribute_sets), dtype=np.uint8),
            attribute_offsets=np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))),
            attribute_asn4=self.attribute_asn4,
        )


def columns(source, on_error=None, codec=_codec) -> Columns:
    """Read the MRT file `source` (a path or a binary stream, gzip and bzip2 too) into `Columns`.

    `codec` reads the records it takes (`exabgp._codec`, or one twin of it from ``_codec.load`` in tests).
    """
    _numpy()
    data = reader.open_stream(source).read()
    return _ColumnReader(data, on_error, codec).run()


class _ColumnReader:
    def __init__(self, data: bytes, on_error, codec):
        self.data = data
        self.on_error = on_error
        self.codec = codec
        self.units = array("q")
        self.sets: list[dict] = [{} for _ in _KINDS]
        self.peers: list = []
        self.peer_index: dict = {}
        self.tables: list = []  # (record index, [our peer index of each PEER_INDEX_TABLE entry]), in file order
        self.extra: list = []  # NLRI octets made for TABLE_DUMP prefixes, after the file's octets
        self.extra_size = 0
        self.heads: dict = {}  # BGP4MP header octets -> peer index
        self.errors: list = []

    # -- errors ----------------------------------------------------------------------------------------------

    def error(self, error: reader.MrtError) -> None:
        """Noted, then handed to ``on_error`` in the order of the records once the file is read."""
        self.errors.append(error)

    def record_error(self, index: int, offset: int, reason: str) -> reader.MrtError:
        _t, kind, subtype, _l = _HEADER.unpack_from(self.data, offset)
        return reader.MrtError(index, offset, reason, f"{kind}/{subtype}")

    # -- interning -------------------------------------------------------------------------------------------

    def intern_set(self, octets: bytes, kind: int) -> int:
        """The index of `octets` among the sets of its kind (numbered in the order they are met)."""
        table = self.sets[kind]
        return table.setdefault(octets, len(table))

    def intern_peer(self, bgp_id: str, address: str, asn: int) -> int:
        key = (bgp_id, address, asn)
        index = self.peer_index.get(key)
        if index is None:
            index = self.peer_index[key] = len(self.peers)
            self.peers.append(reader.MrtPeer(key))
        return index

    # -- the loop over the records ---------------------------------------------------------------------------

    def run(self) -> Columns:
        data = self.data
        size = len(data)
        rows = [array(code) for code in MRT_TYPECODES]
        sets = self.sets
        read = self.codec.mrt_columns
        table: tuple = ()  # our peer numbers of the PEER_INDEX_TABLE in force
        position = index = 0
        while True:
            stop, count = read(data, position, index, table, self.heads, sets, rows)
            position, index = stop, index + count
            if size - position < 12:
                break
            end = _record_end(data, position)
            if end > size:
                break
            if self.learn_head(position, end):  # a BGP4MP peer met for the first time: the codec reads it now
                continue
            self.one(index, position)
            if self.tables and self.tables[-1][0] == index:
                table = tuple(self.tables[-1][1])
            position, index = end, index + 1
        if position < size:
            if size - position < 12:
                reason = f"truncated header ({size - position} of 12 octets)"
                self.error(reader.MrtError(index, position, reason))
            else:
                _t, kind, subtype, length = _HEADER.unpack_from(data, position)
                reason = f"truncated record ({size - position - 12} of {length} octets)"
                self.error(reader.MrtError(index, position, reason, f"{kind}/{subtype}"))
        columns = self.assemble(rows)
        self.errors.sort(key=lambda error: error.index)
        for error in self.errors:
            if self.on_error is None:
                raise error
            self.on_error(error)
        return columns

    def learn_head(self, position: int, end: int) -> bool:
        """Number the peer of the BGP4MP message or TABLE_DUMP record at `position` when it is new (True: it was)."""
        data = self.data
        _t, kind, subtype, _l = _HEADER.unpack_from(data, position)
        if kind == reader.TABLE_DUMP:
            return self.learn_dump_peer(position + 12, end, subtype)
        flags = reader.MESSAGE_SUBTYPES.get(subtype)
        if kind not in (reader.BGP4MP, reader.BGP4MP_ET) or flags is None:
            return False
        start = position + 12 + (4 if kind == reader.BGP4MP_ET else 0)
        family = start + (11 if flags[0] else 7)  # the low octet of the AFI
        if family >= end:
            return False
        head = data[start : family + 1 + (8 if data[family] == 1 else 32)]
        if head in self.heads:
            return False
        try:
            self.head_peer(head, flags[0])
        except (reader._Short, struct.error, IndexError):
            return False
        return True

    def learn_dump_peer(self, start: int, end: int, afi: int) -> bool:
        """Number the peer of the TABLE_DUMP body ``data[start:end]`` when it is new (True: it was); the codec
        knows it by the octets of its address and AS."""
        width = _ADDRESS_SIZES.get(afi)
        if width is None:
            return False
        at = start + 10 + width  # the peer address: after view, sequence, prefix, length, status and time
        key = self.data[at : at + width + 2]
        if at + width + 2 > end or key in self.heads:
            return False
        address = inet_ntop(AF_INET if afi == reader.AFI_IPV4 else AF_INET6, key[:width])
        self.heads[key] = self.intern_peer("", address, int.from_bytes(key[width:], "big"))
        return True

    def assemble(self, rows: list) -> Columns:
        """The columns: the codec's rows, and those of the units of the records read by `one` (in record order)."""
        arrays = {name: np.frombuffer(rows[number], dtype=_DTYPES[name]) for number, name in enumerate(_COLUMNS)}
        base = np.cumsum([0] + [len(table) for table in self.sets])
        local = np.frombuffer(rows[MRT_ATTRIBUTE_SET], dtype=np.int32)
        kinds = np.frombuffer(rows[MRT_SET_KIND], dtype=np.uint8)
        arrays["attribute_set"] = np.where(local >= 0, base[kinds] + local, -1).astype(np.int32)
        if self.units:
            more, records = _assemble(self)
            order = np.argsort(
                np.concatenate((np.frombuffer(rows[MRT_RECORD], dtype=np.int64), records)), kind="stable"
            )
            arrays = {name: np.concatenate((arrays[name], more[name]))[order] for name in _COLUMNS}
        octets = [octets for table in self.sets for octets in table]
        asn4 = np.repeat([kind[0] for kind in _KINDS], [len(table) for table in self.sets]).astype(bool)
        return Columns(arrays, self.peers, octets, asn4)

    def one(self, index: int, position: int) -> None:
        """Read the record at `position` with the Python paths (any type; errors named)."""
        data = self.data
        units = self.units
        time, kind, subtype, _length = _HEADER.unpack_from(data, position)
        start = position + 12
        end = _record_end(data, position)
        before = len(units)
        try:
            if kind == reader.TABLE_DUMP_V2 and subtype in _FAST_RIB:
                self.rib(position, index, time, subtype, start, end)
            elif (kind == reader.BGP4MP or kind == reader.BGP4MP_ET) and subtype in reader.MESSAGE_SUBTYPES:
                self.message(position, index, time, kind, subtype, start, end)
            else:
                self.other(index, position, time, kind, subtype, start, end)
        except reader.MrtError as error:  # from `reader.decode`
            del units[before:]
            self.error(error)
        except (reader._Short, struct.error, IndexError, CodecError) as error:
            del units[before:]
            reason = getattr(error, "reason", "") or str(error) or "record overrun"
            self.error(self.record_error(index, position, reason))

    def table(self, index: int) -> list:
        """Our peer indexes for the entries of the PEER_INDEX_TABLE before record `index` (none: an empty list)."""
        found: list = []
        for at, table in self.tables:
            if at > index:
                break
            found = table
        return found

    def rib(self, position: int, index: int, time: int, subtype: int, start: int, end: int) -> None:
        data = self.data
        afi, safi, addpath = _FAST_RIB[subtype]
        at = start + 4
        if at >= end:
            raise reader._Short("prefix length overruns the record")
        prefix_end = at + 1 + ((data[at] + 7) >> 3)
        if prefix_end + 2 > end:
            raise reader._Short("prefix overruns the record")
        (count,) = _U16.unpack_from(data, prefix_end)
        cursor = prefix_end + 2
        table = self.table(index)
        units = self.units
        sets = self.sets[2]
        for _ in range(count):
            if addpath:
                peer, originated, path_id, length = _RIB_ENTRY_ADDPATH.unpack_from(data, cursor)
                cursor += 12
            else:
                peer, originated, length = _RIB_ENTRY.unpack_from(data, cursor)
                path_id = 0
                cursor += 8
            stop = cursor + length
            if stop > end:
                raise reader._Short(f"RIB entry attributes overrun the record ({stop - start} > {end - start} octets)")
            if peer >= len(table):
                raise reader._Short(f"peer index {peer} not in the PEER_INDEX_TABLE ({len(table)} peers)")
            found = sets.setdefault(data[cursor:stop], len(sets))
            row = (index, position, time, 0, 0, afi, safi, path_id, table[peer], found, 2, cursor, 0, 0, at, prefix_end)
            units.extend(row + (originated,))
            cursor = stop
        if cursor != end:
            raise reader._Short(f"{end - cursor} octets after the last RIB entry")

    def message(self, position: int, index: int, time: int, kind: int, subtype: int, start: int, end: int) -> None:
        data = self.data
        micro = 0
        if kind == reader.BGP4MP_ET:
            if end - start < 4:
                raise reader._Short("BGP4MP_ET record shorter than its microseconds field")
            (micro,) = _U32.unpack_from(data, start)
            start += 4
        asn4, addpath, _local = reader.MESSAGE_SUBTYPES[subtype]
        family = start + (11 if asn4 else 7)  # the low octet of the AFI
        if family >= end:
            raise reader._Short("BGP4MP header overruns the record")
        at = family + 1 + (8 if data[family] == 1 else 32)
        head = data[start:at]
        peer = self.heads.get(head)
        if peer is None:
            peer = self.head_peer(head, asn4)
        if at + 19 > end or not data.startswith(_MARKER, at):
            raise reader._Short("BGP message without its marker")
        length, message_type = _MESSAGE.unpack_from(data, at + 16)
        stop = at + length
        if length < 19 or stop > end:
            raise reader._Short(f"BGP message length {length} does not fit the record ({end - at} octets)")
        if message_type != 2:  # not an UPDATE
            return
        (withdrawn,) = _U16.unpack_from(data, at + 19)
        w_end = at + 21 + withdrawn
        (size,) = _U16.unpack_from(data, w_end)
        attributes = w_end + 2
        n_start = attributes + size
        if n_start > stop:
            raise reader._Short("UPDATE sections overrun the message")
        kind = 0 if asn4 else 1
        found = self.intern_set(data[attributes:n_start], kind) if size else -1
        row = (index, position, time, micro, addpath, 1, 1, 0, peer, found, kind, attributes, at + 21, w_end, n_start)
        self.units.extend(row + (stop, 0))

    def head_peer(self, head: bytes, asn4: bool) -> int:
        """The peer index of a BGP4MP header's octets (read by `reader`, then remembered)."""
        peer_as, _l, _i, afi, peer_ip, _a, _e = reader._bgp4mp_head(head, asn4)
        if afi not in (reader.AFI_IPV4, reader.AFI_IPV6):
            raise reader._Short(f"unknown address family {afi}")
        found = self.heads[head] = self.intern_peer("", peer_ip, peer_as)
        return found

    def other(self, index: int, position: int, time: int, kind: int, subtype: int, start: int, end: int) -> None:
        """Records read by `reader.decode` (few in a file)."""
        data = self.data
        item = reader.decode(reader.Record((index, position, time, 0, kind, subtype, data[start:end])))
        if isinstance(item, reader.PeerIndexTable):
            self.tables.append((index, [self.intern_peer(*peer) for peer in item.peers]))
        elif isinstance(item, reader.TableDump):
            address, bits = item.prefix
            nlri = bytes((bits,)) + address[: (bits + 7) >> 3]
            n_start = len(data) + self.extra_size
            self.extra.append(nlri)
            self.extra_size += len(nlri)
            found = self.intern_set(item.attributes, 3)
            peer = self.intern_peer("", item.peer_ip, item.peer_as)
            at = end - len(item.attributes)
            row = (index, position, time, 0, 0, item.afi, 1, 0, peer, found, 3, at, 0, 0, n_start, n_start + len(nlri))
            self.units.extend(row + (item.originated,))


# -- numpy: the attribute sets ----------------------------------------------------------------------------------


def _be(buf, at, width: int):
    """The big-endian unsigned integers of `width` (2 or 4) octets at the offsets `at`, as uint64.

    Offsets past the end read the last octets (a record `messages` leaves to the Python path).
    """
    at = np.minimum(at, len(buf) - width)
    matrix = buf[at[:, None] + np.arange(width)]
    return matrix.view(">u2" if width == 2 else ">u4")[:, 0].astype(np.uint64)


def _address(buf, at, octets, width: int):
    """(hi, lo) of the addresses of `octets` octets (the rest zero) at `at`, for an address of `width` octets."""
    matrix = buf[np.minimum(at, len(buf) - width)[:, None] + np.arange(width)]
    if not np.isscalar(octets):
        matrix[np.arange(width) >= octets[:, None]] = 0
    if width == 4:
        return np.zeros(len(at), dtype=np.uint64), matrix.view(">u4")[:, 0].astype(np.uint64)
    halves = matrix.view(">u8")
    return halves[:, 0].astype(np.uint64), halves[:, 1].astype(np.uint64)


class _Sets:
    """What the rows need of each attribute set, read with numpy over all sets at once."""

    def __init__(self, state: _ColumnReader):
        octets = [octets for table in state.sets for octets in table]
        self.octets = octets
        self.base = np.cumsum([0] + [len(table) for table in state.sets])
        count = len(octets)
        sizes = np.fromiter(map(len, octets), dtype=np.int64, count=count)
        ends = np.cumsum(sizes)
        starts = ends - sizes
        buf = np.frombuffer(b"".join(octets) + _PAD, dtype=np.uint8)
        kinds = np.repeat(np.arange(len(_KINDS)), [len(table) for table in state.sets])
        self.asn4 = np.isin(kinds, (0, 2))
        self.bad = np.zeros(count, dtype=bool)
        found = {code: np.full(count, -1, dtype=np.int64) for code in (2, 3, 14, 15, 17)}
        lengths = {code: np.zeros(count, dtype=np.int64) for code in found}
        sets = np.arange(count)
        at = starts.copy()
        live = at < ends
        sets, at = sets[live], at[live]
        while sets.size:
            flags = buf[at]
            code = buf[at + 1]
            extended = (flags & 0x10) != 0
            length = np.where(extended, (buf[at + 2].astype(np.int64) << 8) | buf[at + 3], buf[at + 2])
            value = at + 3 + extended
            after = value + length
            end = ends[sets]
            wrong = after > end
            if wrong.any():
                self.bad[sets[wrong]] = True
            for wanted, where in found.items():
                hit = (code == wanted) & ~wrong
                where[sets[hit]] = value[hit] - starts[sets[hit]]
                lengths[wanted][sets[hit]] = length[hit]
            more = (after < end) & ~wrong
            sets, at = sets[more], after[more]
        self.offsets = found  # value offset inside the set (-1: absent)
        self.lengths = lengths
        self._paths(buf, starts)
        self._nexthops(buf, starts, kinds)

    def _paths(self, buf, starts) -> None:
        count = len(starts)
        self.origin_as = np.zeros(count, dtype=np.uint32)
        self.path_length = np.zeros(count, dtype=np.uint16)
        where = self.offsets[2]
        simple = (where >= 0) & self.asn4 & ~self.bad
        sets = np.flatnonzero(simple)
        at = starts[sets] + where[sets]
        ends = at + self.lengths[2][sets]
        live = at < ends
        sets, at, ends = sets[live], at[live], ends[live]
        while sets.size:
            kind = buf[at]
            asns = buf[at + 1].astype(np.int64)
            after = at + 2 + 4 * asns
            wrong = after > ends
            if wrong.any():
                self.bad[sets[wrong]] = True
            self.path_length[sets] += np.where(kind == 2, asns, kind == 1).astype(np.uint16)
            last = _be(buf, np.maximum(after - 4, 0), 4).astype(np.uint32)
            self.origin_as[sets] = np.where((kind == 2) & (asns > 0), last, 0)
            more = (after < ends) & ~wrong
            sets, at, ends = sets[more], after[more], ends[more]
        octets = buf.tobytes()
        for index in np.flatnonzero(~self.asn4 & ~self.bad):  # 2-octet ASNs: AS4_PATH merged (RFC 6793)
            try:
                self._path(int(index), octets, starts[index])
            except (CodecError, ValueError, IndexError):
                self.bad[index] = True

    def _path(self, index: int, octets: bytes, start: int) -> None:
        def value(code):
            where = self.offsets[code][index]
            if where < 0:
                return None
            return octets[start + where : start + where + self.lengths[code][index]]

        path = value(2)
        segments = _codec.decode_as_path(path, False) if path is not None else []
        as4 = value(17)
        if as4 is not None:
            segments = merge_as4_path(segments, _codec.decode_as_path(as4, True))
        length = 0
        origin = 0
        for kind, asns in segments:
            length += len(asns) if kind == 2 else 1 if kind == 1 else 0
            origin = asns[-1] if kind == 2 and asns else 0
        self.path_length[index] = length
        self.origin_as[index] = origin

    def _nexthops(self, buf, starts, kinds) -> None:
        where = self.offsets[3]
        has = (where >= 0) & (self.lengths[3] >= 4)
        self.nexthop4 = np.where(has, _be(buf, starts + np.maximum(where, 0), 4), 0)
        self.has_nexthop4 = has
        # MP_REACH_NLRI: AFI, SAFI, next hop length and next hop, reserved octet, NLRI; in a RIB entry RFC 6396's
        # short form (next hop length and next hop) when its first octet is the length of what follows
        where = self.offsets[14]
        length = self.lengths[14]
        at = starts + np.maximum(where, 0)
        present = where >= 0
        short = present & (kinds >= 2) & (length >= 1) & (buf[at].astype(np.int64) + 1 == length)
        full = present & ~short & (length >= 5)
        hop_at = np.where(short, at + 1, at + 4)
        hop_length = np.where(short, buf[at], np.where(full, buf[at + 3], 0)).astype(np.int64)
        self.bad |= full & (4 + hop_length + 1 > length)
        self.mp_afi = np.where(full, (buf[at].astype(np.int64) << 8) | buf[at + 1], 0)
        self.mp_safi = np.where(full, buf[at + 2], 0)
        self.mp_nlri = np.where(full, where + 5 + hop_length, 0)  # inside the set
        self.mp_nlri_end = np.where(full, where + length, 0)
        six = hop_length >= 16
        four = (hop_length >= 4) & ~six
        self.mp_hop_afi = np.where(six, 2, np.where(four, 1, 0)).astype(np.uint8)
        self.mp_hop_hi = np.zeros(len(starts), dtype=np.uint64)
        self.mp_hop_lo = np.zeros(len(starts), dtype=np.uint64)
        for chosen, width in ((np.flatnonzero(four), 4), (np.flatnonzero(six), 16)):
            self.mp_hop_hi[chosen], self.mp_hop_lo[chosen] = _address(buf, hop_at[chosen], width, width)
        # MP_UNREACH_NLRI: AFI, SAFI, NLRI
        where = self.offsets[15]
        at = starts + np.maximum(where, 0)
        present = (where >= 0) & (self.lengths[15] >= 3)
        self.un_afi = np.where(present, (buf[at].astype(np.int64) << 8) | buf[at + 1], 0)
        self.un_safi = np.where(present, buf[at + 2], 0)
        self.un_nlri = np.where(present, where + 3, 0)
        self.un_nlri_end = np.where(present, where + self.lengths[15], 0)


# -- numpy: the prefixes ----------------------------------------------------------------------------------------


def _walk_nlri(buf, starts, ends, afis, addpath):
    """Every prefix of the NLRI sections ``buf[starts:ends]``: (section, offset of its length octet, path id).

    One step per prefix position over all sections still open (the k-th step reads the k-th prefix of
    each); the prefixes are then placed section after section.  A section whose prefixes overrun it or
    whose length is over its family's is marked in the returned `bad` mask (its prefixes are kept).
    """
    bad = np.zeros(len(starts), dtype=bool)
    sections = np.flatnonzero(starts < ends)
    at = starts[sections]
    any_path = bool(addpath.any())
    found = []
    while sections.size:
        end = ends[sections]
        if any_path:
            paths = addpath[sections]
            path_id = np.where(paths, _be(buf, at, 4), 0)
            at = at + 4 * paths
        else:
            path_id = None
        bits = buf[np.minimum(at, len(buf) - 1)].astype(np.int64)
        after = at + 1 + ((bits + 7) >> 3)
        wrong = (after > end) | (bits > np.where(afis[sections] == 1, 32, 128))
        if wrong.any():
            bad[sections[wrong]] = True
        found.append((sections, at, path_id))
        more = (after < end) & ~wrong
        sections, at = sections[more], after[more]
    counts = np.zeros(len(starts), dtype=np.int64)
    for step in found:
        counts[step[0]] += 1
    first = np.cumsum(counts) - counts
    total = int(counts.sum())
    section_of = np.zeros(total, dtype=np.int64)
    at_of = np.zeros(total, dtype=np.int64)
    path_of = np.zeros(total, dtype=np.uint64)
    for step, (sections, at, path_id) in enumerate(found):
        where = first[sections] + step
        section_of[where] = sections
        at_of[where] = at
        if path_id is not None:
            path_of[where] = path_id
    return section_of, at_of, path_of, bad


def _assemble(state: _ColumnReader) -> tuple:
    """``(arrays, record of each row)``: the columns of the units `_ColumnReader.one` noted, read with numpy."""
    units = np.frombuffer(state.units, dtype=np.int64).reshape(-1, _FIELDS)
    sets = _Sets(state)
    buf = np.frombuffer(state.data + b"".join(state.extra) + _PAD, dtype=np.uint8)
    count = len(units)
    set_index = np.where(units[:, U_SET] >= 0, sets.base[units[:, U_KIND]] + units[:, U_SET], -1)
    has_set = set_index >= 0
    of = np.maximum(set_index, 0)
    attributes = units[:, U_ATTRIBUTES]
    rib = units[:, U_W_END] == 0  # RIB and TABLE_DUMP units have no withdrawn section
    message = ~rib
    # the four sections of each unit, section number = unit * 4 + its place
    starts = np.zeros((count, 4), dtype=np.int64)
    ends = np.zeros((count, 4), dtype=np.int64)
    afis = np.zeros((count, 4), dtype=np.int64)
    safis = np.zeros((count, 4), dtype=np.int64)
    starts[:, _W], ends[:, _W], afis[:, _W], safis[:, _W] = units[:, U_W_START], units[:, U_W_END], 1, 1
    starts[:, _N], ends[:, _N] = units[:, U_N_START], units[:, U_N_END]
    afis[:, _N], safis[:, _N] = units[:, U_AFI], units[:, U_SAFI]
    wanted = has_set & message
    for place, afi, safi, first, last in (
        (_U, sets.un_afi, sets.un_safi, sets.un_nlri, sets.un_nlri_end),
        (_R, sets.mp_afi, sets.mp_safi, sets.mp_nlri, sets.mp_nlri_end),
    ):
        family = wanted & np.isin(afi[of], (1, 2)) & np.isin(safi[of], (1, 2))
        starts[:, place] = np.where(family, attributes + first[of], 0)
        ends[:, place] = np.where(family, attributes + last[of], 0)
        afis[:, place], safis[:, place] = afi[of], safi[of]
    addpath = np.repeat(units[:, U_ADDPATH].astype(bool), 4)
    section, at, path_id, bad = _walk_nlri(buf, starts.ravel(), ends.ravel(), afis.ravel(), addpath)
    unit = section >> 2
    place = section & 3
    # units with a bad section or a bad attribute set: no row, an error naming the record
    bad_unit = bad.reshape(count, 4).any(axis=1) | (has_set & sets.bad[of])
    if bad_unit.any():
        for index in np.flatnonzero(bad_unit):
            offset = int(units[index, U_OFFSET])
            error = state.record_error(int(units[index, U_RECORD]), offset, "NLRI or path attributes can not be read")
            state.error(error)
        keep = ~bad_unit[unit]
        section, unit, place, at, path_id = section[keep], unit[keep], place[keep], at[keep], path_id[keep]
    afi = afis.ravel()[section]
    bits = buf[at].astype(np.int64)
    octets = (bits + 7) >> 3
    four = afi == 1
    prefix_hi = np.zeros(len(at), dtype=np.uint64)
    prefix_lo = np.zeros(len(at), dtype=np.uint64)
    for rows, width in ((np.flatnonzero(four), 4), (np.flatnonzero(~four), 16)):
        prefix_hi[rows], prefix_lo[rows] = _address(buf, at[rows] + 1, octets[rows], width)
    row_set = set_index[unit]
    withdrawn = (place == _W) | (place == _U)
    row_of = of[unit]
    # next hops: MP_REACH_NLRI's for its prefixes and for RIB entries outside IPv4, else NEXT_HOP
    from_mp = (place == _R) | (rib[unit] & ~four & (sets.mp_hop_afi[row_of] > 0))
    has4 = sets.has_nexthop4[row_of] & ~from_mp
    nexthop_afi = np.where(from_mp, sets.mp_hop_afi[row_of], np.where(has4, 1, 0)).astype(np.uint8)
    nexthop_hi = np.where(from_mp, sets.mp_hop_hi[row_of], 0).astype(np.uint64)
    nexthop_lo = np.where(from_mp, sets.mp_hop_lo[row_of], np.where(has4, sets.nexthop4[row_of], 0)).astype(np.uint64)
    announced = ~withdrawn
    time = units[unit, U_TIME] + units[unit, U_MICRO] / 1e6
    arrays = {
        "prefix_hi": prefix_hi,
        "prefix_lo": prefix_lo,
        "length": bits.astype(np.uint8),
        "afi": afi.astype(np.uint8),
        "safi": safis.ravel()[section].astype(np.uint8),
        "path_id": np.where(units[unit, U_ADDPATH] != 0, path_id, units[unit, U_PATH_ID]).astype(np.uint32),
        "peer": units[unit, U_PEER].astype(np.uint32),
        "time": time.astype(np.float64),
        "originated": units[unit, U_ORIGINATED].astype(np.uint32),
        "withdrawn": withdrawn,
        "origin_as": np.where(announced, sets.origin_as[row_of], 0).astype(np.uint32),
        "as_path_length": np.where(announced, sets.path_length[row_of], 0).astype(np.uint16),
        "nexthop_hi": np.where(announced, nexthop_hi, 0).astype(np.uint64),
        "nexthop_lo": np.where(announced, nexthop_lo, 0).astype(np.uint64),
        "nexthop_afi": np.where(announced, nexthop_afi, 0).astype(np.uint8),
        "attribute_set": np.where(announced, row_set, -1).astype(np.int32),
    }
    return arrays, units[unit, U_RECORD]


def prefix_text(afi: int, hi: int, lo: int, length: int) -> str:
    """``address/length`` of one row's prefix (or next hop without the length: `address_text`)."""
    return f"{address_text(afi, hi, lo)}/{length}"


def address_text(afi: int, hi: int, lo: int) -> str:
    """The text of an address in the columns' representation (afi 1: IPv4 in `lo`, afi 2: ``hi << 64 | lo``)."""
    if afi == 1:
        return inet_ntop(AF_INET, int(lo).to_bytes(4, "big"))
    return inet_ntop(AF_INET6, ((int(hi) << 64) | int(lo)).to_bytes(16, "big"))
