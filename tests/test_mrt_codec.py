"""The `_mrt` codec topic (`bgpdump_text`, `mrt_columns`) on both twins: it reads what the general path reads, the same.

The general path (`exabgp.mrt.reader` then the `bgpdump` printer, or the
columnar reader's per-record units) is compared line for line with bgpdump
1.6.2 in tests/test_mrt.py and row for row with the ``-m`` text in
tests/test_mrt_columns.py.  Here each twin of the codec runs in front of
it, as ``exabgp mrt -m`` and ``exabgp.mrt.columns`` run it, and the output
must be the general path's alone, on the hand-written records of
`qa.mrt_samples`, on the gen_corpus tables and on thousands of damaged
copies of the samples (a record the codec takes must print exactly what
the general path prints; one it leaves is read by the general path).
"""

import io
import types
from array import array

import numpy as np
import pytest

from exabgp._codec.tables import MRT_COLUMNS, MRT_TYPECODES
from exabgp.mrt import columnar, reader
from exabgp.mrt.bgpdump import Printer
from qa import mrt_samples as samples
from qa.damage import damaged_copies

#: a codec that takes no record: everything goes through the general path
GENERAL = types.SimpleNamespace(
    bgpdump_text=lambda data, start, peers: (start, 0, ""),
    mrt_columns=lambda data, start, *rest: (start, 0),
)


def text(data: bytes, codec) -> tuple:
    """(text, errors, records the codec took) of ``exabgp mrt -m`` on `data` with `codec` in front."""
    printer = Printer(codec)
    taken = []

    def fast(buffer, position):
        stop, count, lines = printer.fast(buffer, position)
        taken.append(count)
        return stop, count, lines

    errors = []
    out = []
    for item in reader.read(io.BytesIO(data), errors.append, fast):
        if type(item) is str:
            out.append(item)
            continue
        try:
            out.append(printer.lines(item))
        except reader.MrtError as error:
            errors.append(error)
    return "".join(out), [str(error) for error in errors], sum(taken)


def columns(data: bytes, codec) -> tuple:
    """The arrays, the attribute octets of each row and the errors of ``mrt.columns`` on `data` with `codec`."""
    errors = []
    found = columnar.columns(io.BytesIO(data), errors.append, codec)
    arrays = found.arrays()
    sets = [found.attribute_sets[number] if number >= 0 else None for number in arrays.pop("attribute_set").tolist()]
    return arrays, sets, [str(error) for error in errors], [tuple(peer) for peer in found.peers]


def same_columns(one, other) -> bool:
    arrays, sets, errors, peers = one
    theirs, their_sets, their_errors, their_peers = other
    equal = all(
        np.array_equal(values, theirs[name]) and values.dtype == theirs[name].dtype for name, values in arrays.items()
    )
    return equal and (sets, errors, peers) == (their_sets, their_errors, their_peers)


def test_sample_text_is_the_general_paths(codec, sample):
    data = sample.read_bytes()
    lines, errors, taken = text(data, codec)
    assert (lines, errors) == text(data, GENERAL)[:2]
    assert len(lines.splitlines()) == 38 and errors == []
    # every record of the kinds it reads is taken (End-of-RIB, KEEPALIVE, OPEN and NOTIFICATION too) but the
    # 2-octet ones with AS4_PATH / AS4_AGGREGATOR and the multicast UPDATE (the index vouches for unicast only);
    # the peer index table and RIB_GENERIC are left as well (the two TABLE_DUMP and the three state changes,
    # BGP4MP_STATE|1700000000|STATE|192.0.2.1|64496|1|2 and the like, are taken)
    assert len(list(reader.records(io.BytesIO(data)))) == 34 and taken == 34 - 5
    assert "BGP4MP|1700000000|STATE|2001:db8::1|4200000001|3|6\n" in lines


def test_table_dump_records_are_taken_as_the_general_path_reads_them(codec):
    """TABLE_DUMP (RFC 6396 section 4.2): IPv4 and IPv6, each next hop form, the early RIS records 4 octets short;
    the codec takes all but those whose 2-octet path has an AS4_PATH or AS4_AGGREGATOR to merge (RFC 6793) and the
    one whose attributes stray octets follow, and prints and rows them as the general path does."""
    data = samples.table_dump_file()
    lines, errors, taken = text(data, codec)
    assert (lines, errors) == text(data, GENERAL)[:2]
    assert len(lines.splitlines()) == 14 and errors == [] and taken == 14 - 3
    assert "|10.13.0.0/16|64496 3356 65001|IGP|192.0.2.1|100|10|64496:1 no-export|AG|64500 10.0.0.1|" in lines
    assert "TABLE_DUMP|1700000001|B|2001:db8::1|64496|2001:db8:e::/48|" in lines  # the short IPv6 one
    assert "TABLE_DUMP|1700000000|B|192.0.2.1|64496|10.20.30.40/8|" in lines  # host bits as written
    found = columns(data, codec)
    assert same_columns(found, columns(data, GENERAL))
    assert len(found[0]["length"]) == 14 and ("", "2001:db8::5", 65001) in found[3]
    # after a TABLE_DUMP_V2 file, its peers numbered after the PEER_INDEX_TABLE's
    both = samples.sample_file() + data
    assert text(both, codec)[:2] == text(both, GENERAL)[:2]
    assert same_columns(columns(both, codec), columns(both, GENERAL))


def test_sample_columns_are_the_general_paths(codec, sample):
    data = sample.read_bytes()
    assert same_columns(columns(data, codec), columns(data, GENERAL))


@pytest.mark.parametrize("options", [[], ["--add-path", "2"], ["--asn2"]], ids=["plain", "add-path", "asn2"])
def test_gen_corpus_tables_are_the_general_paths(codec, tmp_path, options):
    """gen_corpus's updates and RIB dump (2,500 routes): the codec takes every record but the peer index table,
    and with 2-octet ASNs those that carry an AS4_PATH (merged by the general path, RFC 6793 section 4.2.3)."""
    updates, rib = samples.gen_corpus_files(tmp_path, 2000, 500, *options)
    for path in (updates, rib):
        data = path.read_bytes()
        lines, errors, taken = text(data, codec)
        assert (lines, errors) == text(data, GENERAL)[:2]
        total = len(list(reader.records(io.BytesIO(data))))
        assert len(lines.splitlines()) >= 2500
        assert taken == total - (path == rib) if options != ["--asn2"] else 0 < taken < total
        assert same_columns(columns(data, codec), columns(data, GENERAL))


def test_a_rib_next_hop_without_its_reserved_octet_is_left_to_the_general_paths(codec):
    """A RIB entry's whole-form MP_REACH_NLRI cut after its next hop: the text's general path prints it (as bgpdump),
    the columns' general path names the record; the codec leaves it to them."""
    import struct

    reach = samples.attribute(14, struct.pack("!HBB", 2, 1, 16) + samples.ip("2001:db8::9"), 0x80)
    entry = (1, 1600000000, None, samples.common() + reach)
    data = samples.peer_index_table(samples.PEERS) + samples.rib(4, 0, samples.prefix("2001:db8:1::/48"), [entry])
    lines, errors, taken = text(data, codec)
    assert (lines, errors, taken) == (text(data, GENERAL)[0], [], 0)
    assert lines.split("|")[8] == "2001:db8::9"
    found = columns(data, codec)
    assert same_columns(found, columns(data, GENERAL)) and len(found[2]) == 1 and not len(found[0]["length"])


def test_damaged_samples_read_the_same_with_and_without_the_codec(codec):
    """600 damaged copies of the samples: the same text, rows and errors with the twin in front as without it."""
    for copy in damaged_copies(samples.sample_file(), 12, 600):
        assert text(copy, codec)[:2] == text(copy, GENERAL)[:2], copy.hex()
        assert same_columns(columns(copy, codec), columns(copy, GENERAL)), copy.hex()


def test_damaged_table_dumps_read_the_same_with_and_without_the_codec(codec):
    """300 damaged copies of the TABLE_DUMP samples: the same text, rows and errors with the twin as without it."""
    taken = 0
    for copy in damaged_copies(samples.table_dump_file(), 4, 300):
        lines, errors, count = text(copy, codec)
        assert (lines, errors) == text(copy, GENERAL)[:2], copy.hex()
        assert same_columns(columns(copy, codec), columns(copy, GENERAL)), copy.hex()
        taken += count
    assert taken > 300  # the codec reads most records of the copies


def test_the_twins_agree_on_damaged_samples(compiled_codec, pure_codec):
    peers = tuple(f"{address}|{asn}|".encode() for _id, address, asn in samples.PEERS)
    table = len(samples.peer_index_table(samples.PEERS))
    dumps = samples.table_dump_file()
    for copy in [*damaged_copies(samples.sample_file(), 6396, 1000), *damaged_copies(dumps, 6396, 300)]:
        for start in (0, table):
            assert compiled_codec.bgpdump_text(copy, start, peers) == pure_codec.bgpdump_text(copy, start, peers)
            results = []
            for twin in (compiled_codec, pure_codec):
                rows = [array(code) for code in MRT_TYPECODES]
                sets = ({}, {}, {}, {})
                heads = {copy[t : t + 20]: 7 for t in range(0, len(copy) - 20, 97)}
                heads[samples.bgp4mp_message(b"")[12:32]] = 3
                heads.update({key: 4 + number for number, key in enumerate(TABLE_DUMP_PEERS)})
                results.append((twin.mrt_columns(copy, start, 5, (0, 1), heads, sets, rows), rows, sets))
            assert results[0] == results[1]


#: the TABLE_DUMP peers of `qa.mrt_samples.table_dump_file` as `mrt_columns` knows them: address and 2-octet AS
TABLE_DUMP_PEERS = [
    samples.ip(address) + asn.to_bytes(2, "big")
    for address, asn in (("192.0.2.1", 64496), ("192.0.2.5", 65001), ("2001:db8::1", 64496), ("2001:db8::5", 65001))
]


def test_arguments_are_checked_alike(codec):
    rows = [array(code) for code in MRT_TYPECODES]
    with pytest.raises(ValueError, match="outside the buffer"):
        codec.bgpdump_text(b"", 1, ())
    with pytest.raises(TypeError, match="bytes"):
        codec.bgpdump_text(b"", 0, ("192.0.2.1|1|",))
    with pytest.raises(ValueError, match="outside the buffer"):
        codec.mrt_columns(b"", -1, 0, (), {}, ({}, {}, {}, {}), rows)
    with pytest.raises(ValueError, match="4 set tables"):
        codec.mrt_columns(b"", 0, 0, (), {}, ({}, {}, {}), rows)
    with pytest.raises(ValueError, match=f"takes {MRT_COLUMNS} columns"):
        codec.mrt_columns(b"", 0, 0, (), {}, ({}, {}, {}, {}), rows[1:])
    with pytest.raises(ValueError, match="type code 'd'"):
        codec.mrt_columns(
            b"", 0, 0, (), {}, ({}, {}, {}, {}), [array("q") if code == "d" else array(code) for code in MRT_TYPECODES]
        )
    assert codec.bgpdump_text(b"\x00" * 11, 0, ()) == (0, 0, "")  # a partial header: nothing taken
