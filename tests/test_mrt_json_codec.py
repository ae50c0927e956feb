"""``exabgp mrt`` (JSON lines) with the `_mrt` codec's `json_lines` in front, on both twins: the general path's text.

The general path (`exabgp.mrt.reader` then `exabgp.mrt.jsonlines.JsonPrinter`
record by record) is held to ExaBGP 5.0.15's lines in tests/test_mrt.py.
Here the expected output is that general path's own, computed in the test
with a codec that takes no record; each twin of `json_lines` then runs in
front of it, as ``exabgp mrt`` runs it, and the lines, their counters and
the errors must be the same, on the hand-written records of
`qa.mrt_samples`, on gen_corpus's update files and RIB dumps and on
damaged copies of the samples.
"""

import io
import types

import pytest

from exabgp.api.envelope import DaemonFields
from exabgp.cli.mrt import _print
from exabgp.mrt import reader
from exabgp.mrt.jsonlines import JsonPrinter
from qa import mrt_samples as samples
from qa.damage import damaged_copies
from tests.test_mrt import mrtparse_samples

#: a codec that takes no record: everything goes through the general path
GENERAL = types.SimpleNamespace(json_lines=lambda data, start, *rest: (start, 0, ""))
DAEMON = DaemonFields("collector", 4242, 1)


def lines(data: bytes, codec) -> tuple:
    """(text, errors, records the codec took) of ``exabgp mrt`` on `data` with `codec` in front."""
    printer = JsonPrinter(DAEMON, codec=codec)
    taken = []

    def fast(buffer, position):
        stop, count, text = printer.fast(buffer, position)
        taken.append(count)
        return stop, count, text

    out = io.StringIO()
    errors: list = []
    _print(printer, reader.read(io.BytesIO(data), errors.append, fast), out, errors.append)
    return out.getvalue(), [str(error) for error in errors], sum(taken)


def test_sample_lines_are_the_general_paths(codec, sample):
    data = sample.read_bytes()
    text, errors, taken = lines(data, codec)
    assert (text, errors) == lines(data, GENERAL)[:2]
    assert errors == [] and text.count("\n") > 30
    # the codec takes the UPDATEs of a neighbor seen before that render_update renders, nothing else
    assert 0 < taken < len(list(reader.records(io.BytesIO(data))))


@pytest.mark.parametrize("options", [[], ["--add-path", "2"], ["--asn2"]], ids=["plain", "add-path", "asn2"])
def test_gen_corpus_files_are_the_general_paths(codec, tmp_path, options):
    """gen_corpus's updates and RIB dump (2,500 routes): the same lines; the update file's records are the
    codec's but the first of the peer (which the general path prints, learning its envelope), and so are the
    RIB dump's records but its peer index table."""
    updates, rib = samples.gen_corpus_files(tmp_path, 2000, 500, *options)
    for path in (updates, rib):
        data = path.read_bytes()
        text, errors, taken = lines(data, codec)
        assert (text, errors) == lines(data, GENERAL)[:2]
        assert errors == [] and text.count("\n") >= 900
        records = list(reader.records(io.BytesIO(data)))
        if path == rib:  # the unicast RIB records (TABLE_DUMP_V2 subtypes 2 and 4, 8 and 10 with ADD-PATH)
            assert taken == sum(1 for record in records if record[4] == 13 and record[5] in (2, 4, 8, 10)) > 0
        elif options != ["--asn2"]:
            assert taken == len(records) - 1


def test_damaged_samples_print_the_same_with_and_without_the_codec(codec):
    """400 damaged copies of the samples (the sample file twice, so that the codec meets known neighbors)."""
    for copy in damaged_copies(samples.sample_file() * 2, 50, 400):
        assert lines(copy, codec)[:2] == lines(copy, GENERAL)[:2], copy.hex()


def session_records(data: bytes) -> int:
    """How many records of `data` are STATE_CHANGEs or BGP messages other than UPDATEs."""
    items = reader.read(io.BytesIO(data), lambda error: None)
    return sum(isinstance(item, reader.StateChange) or getattr(item, "type", 2) != 2 for item in items)


def session_file(time: int) -> bytes:
    """One record of each session kind (each subtype, BGP4MP_ET too) and TABLE_DUMP entries, at `time`."""
    message = samples.bgp4mp_message
    hop = samples.attribute(3, samples.ip("192.0.2.1"))
    return b"".join(
        (
            message(b"", msg_type=4, time=time),
            message(bytes.fromhex("04fbf000b4c000020100"), msg_type=1, time=time),
            message(bytes((6, 2)), msg_type=3, subtype=7, time=time),
            message(bytes.fromhex("00010001"), msg_type=5, subtype=1, peer="2001:db8::1", local="::2", time=time),
            message(b"", msg_type=4, kind=17, micro=250000, subtype=9, time=time),
            samples.state_change(1, 2, subtype=0, time=time),
            samples.state_change(3, 6, subtype=5, peer="2001:db8::1", peer_as=4200000001, time=time),
            samples.table_dump("10.8.0.0/16", "192.0.2.1", 64496, samples.common(path=((2, (64496,)),), width=2) + hop),
            samples.table_dump("10.9.0.0/16", "192.0.2.1", 64496, samples.common(path=((2, (1, 2)),), width=2) + hop),
        )
    )


def test_session_records_and_table_dumps_are_the_codecs_once_seen(codec):
    """OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH and STATE_CHANGE records and TABLE_DUMP entries: the general
    path prints a record's line the first time (a TABLE_DUMP entry's, the first of its peer); the codec writes
    every later one, the same lines, with the record's time and the neighbor's counter; so do the TABLE_DUMP
    records of `qa.mrt_samples.table_dump_file` (IPv4, IPv6, the early RIS length) but the few the renderer
    declines."""
    data = session_file(1700000000) + session_file(1700000100)
    text, errors, taken = lines(data, codec)
    assert (text, errors) == lines(data, GENERAL)[:2]
    assert errors == [] and '"time": 1700000100.25,' in text and '"counter": 9,' in text
    assert taken == 1 + 9  # the second TABLE_DUMP of the first copy, and the whole second copy
    dumps = samples.table_dump_file()
    text, errors, taken = lines(dumps, codec)
    assert (text, errors) == lines(dumps, GENERAL)[:2]
    # all but the first of each peer's (3), those the renderer declines (4: a link-local next hop, AS4_PATH,
    # AS4_AGGREGATOR, an IPv4 NEXT_HOP for IPv6), the one without a next hop and the one with stray octets after
    assert taken >= len(list(reader.records(io.BytesIO(dumps)))) - 9


def test_mrtparse_samples_twice_are_the_general_paths(codec, request, tmp_path):
    """The real files, each twice over: the same lines and errors with the codec; in the second copy it writes
    the line of every session record (OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH, state changes)."""
    files = mrtparse_samples(getattr(request.config, "cache", None), tmp_path)
    assert len(files) >= 10
    for path in files:
        data = path.read_bytes()
        text, errors, taken = lines(data * 2, codec)
        assert (text, errors) == lines(data * 2, GENERAL)[:2], path.name
        assert taken - lines(data, codec)[2] >= session_records(data), path.name


def test_arguments_are_checked_alike(codec):
    with pytest.raises(ValueError, match="outside the buffer"):
        codec.json_lines(b"", 1, {}, (), {}, [], "", "", "")
    assert codec.json_lines(b"\x00" * 11, 0, {}, (), {}, [], "", "", "") == (
        0,
        0,
        "",
    )  # a partial header: nothing taken
