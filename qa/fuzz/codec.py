"""Codec targets: every entry point of `exabgp._codec`, on both twins at once.

Each target calls one entry point (and, when it succeeds, the encoders that
are its inverse) on the compiled twin and on the pure one, loaded as
``tests/conftest.py`` loads them (`exabgp._codec.load`).  The rules:

* only `CodecError` may escape a decoder (RFC 4271 section 6 / RFC 7606
  error handling starts from it), with an int code and subcode and bytes
  data; the JSON fast path and the UPDATE checks raise nothing;
* the twins agree: the same result, or a CodecError with the same code,
  subcode and data;
* what a twin renders as JSON is valid JSON (`render_update`, each line of
  `render_run` inside its head and tail).

The input buffer of `split_messages` and `index_updates` is bytes, a
bytearray or a memoryview of one (option bits 6-7), as the session passes
its input buffer; so is the buffer of MRT records of `bgpdump_text`,
`json_lines` and `mrt_columns`, whose text must also be what the general
path (`exabgp.mrt.reader` and `exabgp.mrt.bgpdump` or
`exabgp.mrt.jsonlines`) prints for the records the codec took, without an
error (each JSON line valid JSON), and whose rows must be whole (every column
as long, records counted in order, attribute sets interned).  The BGP4MP_ET
records `bgp4mp_records` makes of a run must each hold the message its
index names, as received; an index damaged to point outside the run is a
ValueError on both twins.

In a pure install (``EXABGP_NO_EXTENSIONS``, or no compiled twin) only the
pure twin runs, and the first rule is all that is checked.
"""

import io
import json
import os
import types
from array import array

import exabgp._codec
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import (
    INDEX_END,
    INDEX_FIELDS,
    INDEX_PLAIN,
    INDEX_START,
    MRT_ATTRIBUTE_SET,
    MRT_RECORD,
    MRT_SET_KIND,
    MRT_TYPECODES,
)
from exabgp.mrt import reader as mrt_reader
from exabgp.api.envelope import DaemonFields
from exabgp.mrt.bgpdump import Printer
from exabgp.mrt.jsonlines import JsonPrinter
from qa import mrt_samples
from qa.fuzz import seeds as seed_parts
from qa.fuzz.engine import Finding
from qa.fuzz.targets import Target


def twins() -> list:
    """The twins to run: compiled then pure, or pure alone in a pure install."""
    pure = exabgp._codec.load("py")
    if os.environ.get("EXABGP_NO_EXTENSIONS"):
        return [pure]
    try:
        return [exabgp._codec.load("c"), pure]
    except ImportError:
        return [pure]


def outcome(function, *args):
    """``("ok", result)`` or ``("error", code, subcode, data)``; anything else escapes."""
    try:
        return ("ok", function(*args))
    except CodecError as error:
        if not (isinstance(error.code, int) and isinstance(error.subcode, int) and isinstance(error.data, bytes)):
            raise Finding(f"malformed CodecError {error.code!r}/{error.subcode!r} {error.data!r}") from None
        return ("error", error.code, error.subcode, bytes(error.data))


def valid_json(text: str, what: str) -> None:
    try:
        json.loads(text)
    except ValueError as error:
        raise Finding(f"{what} is not valid JSON ({error}): {text[:300]}") from None


def bit(options: int, number: int) -> bool:
    return bool(options >> number & 1)


class CodecTarget(Target):
    """One entry point: `call(codec, options, payload)` returns what the twins must agree on."""

    def __init__(self, name: str, call, seeds, options: bytes = b"\x00\x01\x02\x03"):
        self.name = name
        self._call = call
        self._seeds = seeds
        self._options = options
        self._twins = twins()

    def twins(self) -> str:
        return "+".join(codec.IMPLEMENTATION for codec in self._twins)

    def seeds(self) -> list:
        # each option octet on its own (iterating `bytes` gives ints, and bytes(2) is two zero octets)
        options = [bytes((option,)) for option in self._options]
        return seed_parts.with_options(options, self._seeds(seed_parts.parts())) or [b"\x00"]

    def run(self, data: bytes) -> None:
        if not data:
            return
        options, payload = data[0], data[1:]
        results = [outcome(self._call, codec, options, payload) for codec in self._twins]
        if len(results) == 2 and results[0] != results[1]:
            raise Finding(f"the twins differ: compiled {_short(results[0])} pure {_short(results[1])}")


def _short(result) -> str:
    text = repr(result)
    return text if len(text) < 400 else text[:400] + "..."


# ---------------------------------------------------------------- the entry points


def _buffer(options: int, payload: bytes):
    """The payload as the session passes its input buffer: bytes, a bytearray or a memoryview of one."""
    kind = options >> 6 & 3
    if kind == 1:
        return bytearray(payload)
    if kind == 2:
        return memoryview(bytearray(payload))
    return payload


def _split_messages(codec, options, payload):
    return codec.split_messages(_buffer(options, payload), 65535 if bit(options, 0) else 4096)


def _split_update(codec, options, payload):
    return codec.split_update(payload)


def _walk_attributes(codec, options, payload):
    return codec.walk_attributes(payload)


def _nlri(codec, options, payload):
    """decode_nlri, then encode_nlri and pack_nlri (a limit from the options) of what it decoded."""
    afi, addpath, kind, withdraw = 1 + bit(options, 0), bit(options, 1), (options >> 2 & 3) % 3, bit(options, 4)
    items = codec.decode_nlri(payload, afi, addpath, kind, withdraw)
    limit = 1 + (options >> 5) * 7
    return items, codec.encode_nlri(items, afi, addpath, kind), codec.pack_nlri(items, 0, limit, afi, addpath, kind)


def _as_path(codec, options, payload):
    asn4 = bit(options, 0)
    segments = codec.decode_as_path(payload, asn4)
    return segments, codec.encode_as_path(segments, asn4)


_COMMUNITIES = (
    ("decode_communities", "encode_communities"),
    ("decode_large_communities", "encode_large_communities"),
    ("decode_extended_communities", "encode_extended_communities"),
)


def _communities(codec, options, payload):
    decode, encode = _COMMUNITIES[options % 3]
    values = getattr(codec, decode)(payload)
    return values, getattr(codec, encode)(values)


def _encode_attribute(codec, options, payload):
    return codec.encode_attribute(payload[0] if payload else 0, options, payload[1:])


def _frame_message(codec, options, payload):
    return codec.frame_message(options, payload)


def _flags3(options):
    return bit(options, 0), bit(options, 1), bit(options, 2)


def _render_update(codec, options, payload):
    asn4, addpath4, addpath6 = _flags3(options)
    text = codec.render_update(payload, asn4, addpath4, addpath6)
    if text is not None:
        if not isinstance(text, str):
            raise Finding(f"render_update returned {type(text).__name__}")
        valid_json(text, "render_update")
    return text


_HEAD, _AFTER, _TAIL = '{ "counter": ', ', "message": ', " }\n"


def _render_run(codec, options, payload):
    """A run's lines, from the index the twin makes of the run (as the session hands it over)."""
    asn4, addpath4, addpath6 = _flags3(options)
    counter = options >> 3
    _used, index = codec.index_updates(payload, 65535, addpath4, addpath6, True, True, asn4, True)
    lines, last, record, declined = codec.render_run(
        payload, index, 0, asn4, addpath4, addpath6, _HEAD, _AFTER, _TAIL, counter
    )
    for line in lines.decode().splitlines():
        valid_json(line, "a render_run line")
    return lines, last, record, declined


_MRT_HEAD = bytes(range(20))  # a session's part of each record (ASes, interface, AFI, two IPv4 addresses)


def _bgp4mp_records(codec, options, payload):
    """The records of a run (its index made by the twin): each frames the message the index names; option bit
    5 damages the last record's start (a ValueError, alike on both twins)."""
    addpath4, addpath6 = bit(options, 0), bit(options, 1)
    _used, index = codec.index_updates(payload, 65535, addpath4, addpath6, True, True, True, False)
    if bit(options, 5) and index:
        index[len(index) - INDEX_FIELDS + INDEX_START] = len(payload) + 1 - (options >> 6)
    try:
        records = codec.bgp4mp_records(payload, index, _MRT_HEAD, 1733450000, options, 4 + 5 * addpath4, 9)
    except ValueError as error:
        return ("refused", str(error))
    offset = 0
    for at in range(0, len(index), INDEX_FIELDS):
        start, end = index[at + INDEX_START], index[at + INDEX_END]
        length = int.from_bytes(records[offset + 8 : offset + 12], "big")
        body = records[offset + 16 + len(_MRT_HEAD) : offset + 12 + length]
        if body != payload[start:end]:
            raise Finding(f"record {at // INDEX_FIELDS} does not hold the message its index names")
        offset += 12 + length
    if offset != len(records):
        raise Finding(f"{len(records) - offset} octets after the last record")
    return records


def _check_update(codec, options, payload):
    result = codec.check_update(payload, bit(options, 0), bit(options, 1))
    if result not in (True, False):
        raise Finding(f"check_update returned {result!r}")
    return result


def _index_updates(codec, options, payload):
    """The index of a run: it frames whole messages in order, inside what it used, and marks each plain or not;
    without `plain` it finds the same records, none marked."""
    arguments = (
        65535 if bit(options, 2) else 4096,
        bit(options, 0),
        bit(options, 1),
        not bit(options, 3),
        not bit(options, 4),
        bit(options, 5),
    )
    used, index = codec.index_updates(_buffer(options, payload), *arguments, True)
    count, rest = divmod(len(index), INDEX_FIELDS)
    if not (0 <= used <= len(payload) and count <= used // 19 and rest == 0):
        raise Finding(f"index_updates returned {used} octets and {len(index)} fields for {len(payload)} octets")
    offset = 0
    for at in range(0, len(index), INDEX_FIELDS):
        record = index[at : at + INDEX_FIELDS]
        start, withdrawn_end, attributes_end, end = record[:4]
        if not (start == offset and start + 21 <= withdrawn_end and withdrawn_end + 2 <= attributes_end <= end <= used):
            raise Finding(f"index_updates recorded {list(record)} after offset {offset}")
        if record[INDEX_PLAIN] not in (0, 1):
            raise Finding(f"index_updates marked a record {record[INDEX_PLAIN]}")
        offset = end
    if offset != used:
        raise Finding(f"index_updates used {used} octets but its records end at {offset}")
    unmarked = list(index)
    unmarked[INDEX_PLAIN::INDEX_FIELDS] = [0] * count
    if codec.index_updates(_buffer(options, payload), *arguments, False) != (used, array("i", unmarked)):
        raise Finding("index_updates without plain found other records, or marked one")
    return used, list(index)


def _index_update(codec, options, payload):
    """The record of one body: the one `index_updates` finds for it framed, its offsets 19 octets less."""
    asn4, addpath4, addpath6 = _flags3(options)
    alone = list(codec.index_update(payload, addpath4, addpath6, asn4))
    framed = codec.frame_message(2, payload) if len(payload) <= 65535 - 19 else b""
    _used, index = codec.index_updates(framed, 65535, addpath4, addpath6, True, True, asn4, True)
    shifted = [
        value if field == INDEX_PLAIN or (value == 0 and field != 0) else value - 19
        for field, value in enumerate(index)
    ]
    if framed and alone != shifted:
        raise Finding(f"index_update gave {alone}, index_updates {list(index)}")
    return alone


def _nlri_keys(codec, options, payload):
    return codec.nlri_keys(payload, 1 + bit(options, 0), bit(options, 1))


def _ingest_messages(codec, options, payload):
    """The Adj-RIB-In's ingest of a run, from the index the twin made for it (as the session hands it over)."""
    asn4, addpath4, addpath6 = _flags3(options)
    _used, index = codec.index_updates(payload, 65535, addpath4, addpath6, True, True, asn4, True)
    tables, paths = {}, {}
    if bit(options, 3):  # a table already holding routes: replacements and withdrawals count as churn
        codec.ingest_messages(payload, index, 0, addpath4, addpath6, tables, paths)
    record, churn = codec.ingest_messages(payload, index, 0, addpath4, addpath6, tables, paths)
    return record, churn, tables, sorted(paths)


#: the PEER_INDEX_TABLE the MRT targets give: the first ``options & 3`` peers (at most 2)
_MRT_PEERS = mrt_samples.PEERS
#: the peers the columns target knows: BGP4MP headers (0, 1, 2: 4- and 2-octet ASNs, IPv4, and IPv6), TABLE_DUMP (3, 4)
_MRT_HEADS = {
    mrt_samples.bgp4mp_message(b"", subtype=4)[12:32]: 0,
    mrt_samples.bgp4mp_message(b"", subtype=1)[12:28]: 1,
    mrt_samples.bgp4mp_message(b"", peer="2001:db8::1", local="2001:db8::2")[12:56]: 2,
    # TABLE_DUMP peers (address and 2-octet AS), those of `_mrt_seeds`
    mrt_samples.ip("192.0.2.1") + (64496).to_bytes(2, "big"): 3,
    mrt_samples.ip("2001:db8::1") + (64496).to_bytes(2, "big"): 4,
}


def _general_text(records: bytes, peers) -> str:
    """What ``exabgp mrt -m`` prints without the codec for `records` after a PEER_INDEX_TABLE of `peers`."""
    printer = Printer(types.SimpleNamespace(bgpdump_text=None))
    errors: list = []
    out = []
    for item in mrt_reader.read(io.BytesIO(mrt_samples.peer_index_table(peers) + records), errors.append):
        try:
            out.append(printer.lines(item))
        except mrt_reader.MrtError as error:
            errors.append(error)
    if errors:
        raise Finding(f"the codec took records the general path rejects: {errors[0]}")
    return "".join(out)


def _runs(call, payload: bytes) -> list:
    """Call ``call(position)`` at the start of the buffer and after each record it leaves (as `exabgp.mrt` does)."""
    results = []
    position = 0
    while True:
        result = call(position)
        results.append(result)
        stop = result[0]
        if len(payload) - stop < 12 or stop + 12 + int.from_bytes(payload[stop + 8 : stop + 12], "big") > len(payload):
            return results
        position = stop + 12 + int.from_bytes(payload[stop + 8 : stop + 12], "big")


def _bgpdump_text(codec, options, payload):
    """bgpdump's text of the records of the buffer the codec takes: what the general path prints for them."""
    peers = _MRT_PEERS[: options & 3]
    texts = tuple(f"{address}|{asn}|".encode() for _id, address, asn in peers)
    buffer = _buffer(options, payload)

    def run(position):
        stop, count, lines = codec.bgpdump_text(buffer, position, texts)
        if not (position <= stop <= len(payload) and 0 <= count <= (stop - position) // 12):
            raise Finding(f"bgpdump_text took {count} records, {position} to {stop} of {len(payload)} octets")
        if (count == 0) != (stop == position) or not isinstance(lines, str) or (lines and not lines.endswith("\n")):
            raise Finding(f"bgpdump_text took {count} records to {stop} and wrote {lines[-80:]!r}")
        if count and lines != _general_text(payload[position:stop], peers):
            raise Finding(f"bgpdump_text wrote other lines than the general path: {lines[:300]!r}")
        return stop, count, lines

    return _runs(run, payload)


#: records that make the JSON printer meet the neighbors of `_mrt_seeds` (an End-of-RIB and a KEEPALIVE of each
#: subtype and family, a TABLE_DUMP entry of each peer) and the session records of the samples, whose lines the
#: codec then writes
_MRT_NEIGHBORS = b"".join(
    mrt_samples.bgp4mp_message(body, subtype, peer, local, msg_type=msg_type)
    for body, msg_type in ((b"\x00\x00\x00\x00", 2), (b"", 4))
    for subtype in (4, 1, 9, 7)
    for peer, local in (("192.0.2.1", "192.0.2.2"), ("2001:db8::1", "2001:db8::2"))
) + b"".join(
    (
        mrt_samples.table_dump("10.0.0.0/8", "192.0.2.1", 64496, mrt_samples.common(path=((2, (64496,)),), width=2)),
        mrt_samples.table_dump(
            "2001:db8::/32", "2001:db8::1", 64496, mrt_samples.common(path=((2, (64496,)),), width=2)
        ),
        mrt_samples.bgp4mp_message(bytes.fromhex("04fbf000b4c000020100"), msg_type=1),
        mrt_samples.bgp4mp_message(bytes((6, 2)), msg_type=3),
        mrt_samples.state_change(1, 2, subtype=0),
        mrt_samples.state_change(3, 6, subtype=5, peer="2001:db8::1", peer_as=4200000001),
        mrt_samples.state_change(6, 1, subtype=5),
    )
)
_DAEMON = DaemonFields("fuzz", 1, 0)


def _json_printer(codec) -> JsonPrinter:
    """A JSON printer with `codec` in front that has printed `_MRT_NEIGHBORS` (the general way)."""
    printer = JsonPrinter(_DAEMON, codec=codec)
    for item in mrt_reader.read(io.BytesIO(_MRT_NEIGHBORS)):
        printer.lines(item)
    return printer


def _json_lines(codec, options, payload):
    """The JSON lines of the records of the buffer the codec takes: what the general path prints for them."""
    buffer = _buffer(options, payload)
    printer, general = _json_printer(codec), _json_printer(types.SimpleNamespace(json_lines=None))

    def run(position):  # both printers see the same records, one run after the other: their counters agree
        stop, count, lines = printer.fast(buffer, position)
        if not (position <= stop <= len(payload) and 0 <= count <= (stop - position) // 12):
            raise Finding(f"json_lines took {count} records, {position} to {stop} of {len(payload)} octets")
        if (count == 0) != (stop == position) or not isinstance(lines, str) or len(lines.splitlines()) != count:
            raise Finding(f"json_lines took {count} records to {stop} and wrote {lines[-80:]!r}")
        for line in lines.splitlines():
            json.loads(line)
        if count:
            errors: list = []
            items = mrt_reader.read(io.BytesIO(payload[position:stop]), errors.append)
            expected = "".join(general.lines(item) for item in items)
            if errors or lines != expected:
                raise Finding(f"json_lines wrote other lines than the general path: {lines[:300]!r} {errors}")
        return stop, count, lines

    return _runs(run, payload)


def _mrt_columns(codec, options, payload):
    """The column rows of the records of the buffer the codec takes: every column as long, records in order."""
    rows = [array(code) for code in MRT_TYPECODES]
    sets: tuple = ({}, {}, {}, {})
    buffer = _buffer(options, payload)
    counted = [5]  # the number of the next record

    def run(position):
        before = len(rows[0])
        stop, count = codec.mrt_columns(buffer, position, counted[0], (7, 8)[: options & 3], _MRT_HEADS, sets, rows)
        if not (position <= stop <= len(payload) and 0 <= count <= (stop - position) // 12):
            raise Finding(f"mrt_columns took {count} records, {position} to {stop} of {len(payload)} octets")
        if (count == 0) != (stop == position) or any(len(column) != len(rows[0]) for column in rows):
            raise Finding(f"mrt_columns took {count} records to {stop}, columns of {[len(c) for c in rows]} rows")
        records = rows[MRT_RECORD][before:].tolist()
        if records != sorted(records) or (records and not counted[0] <= records[0] <= records[-1] < counted[0] + count):
            raise Finding(f"mrt_columns numbered the records {records[:20]} from {counted[0]} for {count} records")
        counted[0] += count + 1
        return stop, count

    found = _runs(run, payload)
    for number, kind in zip(rows[MRT_ATTRIBUTE_SET], rows[MRT_SET_KIND], strict=True):
        if number >= len(sets[kind]):
            raise Finding(f"mrt_columns gave a row the attribute set {number} of {len(sets[kind])}")
    return found, [column.tolist() for column in rows], sets


def _mrt_seeds(parts):
    """MRT buffers: the seed UPDATEs in BGP4MP records of each kind, RIB and TABLE_DUMP records of their attributes,
    the samples."""
    found = [mrt_samples.sample_file(), mrt_samples.table_dump_file()]
    bodies = parts.updates()[:48]
    for number, body in enumerate(bodies):
        subtype = (4, 1, 9, 7)[number % 4]
        peer = ("192.0.2.1", "2001:db8::1")[number // 4 % 2]
        local = ("192.0.2.2", "2001:db8::2")[number // 4 % 2]
        kind = 17 if number % 3 == 0 else 16
        found.append(mrt_samples.bgp4mp_message(body, subtype, peer, local, kind=kind, micro=number * 37))
    for number, section in enumerate(parts.sections[:32]):
        subtype = (2, 4, 8, 10, 3, 5)[number % 6]
        nlri = mrt_samples.prefix("10.0.0.0/8" if subtype in (2, 8, 3) else "2001:db8::/32")
        entries = [(number % 2, 1600000000, number if subtype >= 8 else None, section)]
        found.append(mrt_samples.rib(subtype, number, nlri, entries))
    for number, section in enumerate(parts.sections[:16]):  # read with 2-octet ASNs, the early RIS length one in 4
        peer, nlri = (("192.0.2.1", "10.0.0.0/8"), ("2001:db8::1", "2001:db8::/32"))[number % 2]
        found.append(mrt_samples.table_dump(nlri, peer, 64496, section, sequence=number, short=number % 4 == 3))
    return found + [b"".join(found[1 + index : 5 + index]) for index in range(0, len(found) - 1, 4)]


def _stream(parts):
    """Seed streams: the messages alone, and runs of UPDATEs."""
    updates = [message for message in parts.messages if len(message) > 18 and message[18] == 2]
    return parts.messages + [b"".join(updates[index : index + 4]) for index in range(0, len(updates), 4)]


def _values(*codes):
    return lambda parts: [value for code in codes for value in parts.values.get(code, [])]


def _nlri_seeds(parts):
    return [section for _afi, _safi, section in parts.nlri]


def targets() -> list:
    updates = seed_parts.Seeds.updates
    return [
        CodecTarget("codec.frame_message", _frame_message, lambda parts: parts.updates()[:8], b"\x02\x01"),
        CodecTarget("codec.split_messages", _split_messages, _stream, b"\x00\x01\x40\x81"),
        CodecTarget("codec.split_update", _split_update, updates, b"\x00"),
        CodecTarget("codec.walk_attributes", _walk_attributes, lambda parts: parts.sections, b"\x00"),
        CodecTarget("codec.nlri", _nlri, _nlri_seeds, bytes(range(0, 32, 1))),
        CodecTarget("codec.as_path", _as_path, _values(2, 17), b"\x00\x01"),
        CodecTarget("codec.communities", _communities, _values(8, 16, 32), b"\x00\x01\x02"),
        CodecTarget(
            "codec.encode_attribute",
            _encode_attribute,
            lambda parts: [bytes((code,)) + value for code, values in parts.values.items() for value in values],
            b"\x40\x50\x80\xc0\xd0",
        ),
        CodecTarget("codec.render_update", _render_update, updates, bytes(range(8))),
        CodecTarget("codec.render_run", _render_run, _stream, b"\x00\x01\x03"),
        CodecTarget("codec.check_update", _check_update, updates, b"\x00\x01\x02\x03"),
        CodecTarget("codec.index_updates", _index_updates, _stream, b"\x00\x03\x44\x87\x20"),
        CodecTarget("codec.index_update", _index_update, updates, b"\x00\x01\x06\x07"),
        CodecTarget("codec.nlri_keys", _nlri_keys, _nlri_seeds, b"\x00\x01\x02\x03"),
        CodecTarget("codec.ingest_messages", _ingest_messages, _stream, b"\x01\x09\x0f"),
        CodecTarget("codec.bgpdump_text", _bgpdump_text, _mrt_seeds, b"\x00\x02\x41\x82"),
        CodecTarget("codec.json_lines", _json_lines, _mrt_seeds, b"\x00\x41\x82"),
        CodecTarget("codec.bgp4mp_records", _bgp4mp_records, _stream, b"\x00\x01\x02\x23"),
        CodecTarget("codec.mrt_columns", _mrt_columns, _mrt_seeds, b"\x00\x02\x41\x82"),
    ]
