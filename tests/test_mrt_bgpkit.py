"""MRT files read by pybgpkit-parser 0.6.2 and by our reader, route for route (issue 12).

pybgpkit-parser (BGPKIT's Rust parser, its binary wheel) is the second
reader issue 12 names, next to bgpdump: without it these tests skip, under
``EXABGP_INTEROP=1`` (.ci/run, which installs it) they fail (`qa.bgpkit`).
Reading: gen_corpus.py's full-table twins (BGP4MP updates and a
TABLE_DUMP_V2 RIB; 4-octet, 2-octet with AS4_PATH, ADD-PATH) give the same
`qa.bgpkit.Route` records through pybgpkit and through our Python API
(`exabgp.mrt.reader`): prefix, peer, AS path, next hop, origin, MED,
LOCAL_PREF, communities, large communities, aggregator, withdrawals.  The
hand-written samples (`qa.mrt_samples`) agree too, but for the records
where pybgpkit 0.6.2 is wrong, each asserted here as what it is.  Writing:
the updates file and the snapshot our daemon writes (its ``mrt`` section,
`qa.mrt_daemon`) hold, read by pybgpkit, every route the peer sent, each
attribute as sent.
"""

import os
import struct
import sys
import time

import pytest

from exabgp._codec import frame_message
from exabgp.mrt import reader
from qa import bgpkit
from qa.mrt_samples import gen_corpus_files
from qa.mrt_daemon import PEER_AS, feed, finals, mrt_daemon, speaker, stop
from qa.daemon import free_port, wait_until
from qa.wire import attribute, update


@pytest.fixture
def pybgpkit():
    return bgpkit.require()


def agree(path) -> list:
    """pybgpkit's routes of `path`, after checking they are ours (as a multiset)."""
    theirs = bgpkit.theirs(path)
    assert bgpkit.difference(theirs, bgpkit.ours(path)) == ([], [])
    return theirs


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("variant", [[], ["--asn2"], ["--add-path", "2"]], ids=["asn4", "asn2", "add-path"])
def test_gen_corpus_tables_read_as_pybgpkit_reads_them(tmp_path, pybgpkit, variant):
    """The updates file and the RIB dump of gen_corpus.py at 3,700 prefixes, route for route."""
    updates, rib = gen_corpus_files(tmp_path, 3000, 700, *variant)
    for path in (updates, rib):
        routes = agree(path)
        assert len({route.prefix for route in routes}) == 3700
        if variant == ["--add-path", "2"]:
            assert len(routes) > 3700  # 1 or 2 paths a prefix, each a record
        else:
            assert len(routes) == 3700
        assert {route.kind for route in routes} == {"A"}
        assert any(route.large for route in routes) and any(route.communities for route in routes)
        assert any(":" in route.prefix and route.next_hop == "2001:db8::1" for route in routes)
        assert all(route.as_path.split()[0] == "64496" for route in routes)


def test_the_samples_agree_but_where_pybgpkit_is_wrong(sample, pybgpkit):
    """Every record of `qa.mrt_samples` (RIB, ADD-PATH, 2-octet with AS4_PATH / AS4_AGGREGATOR, withdrawals in
    both places, BGP4MP_ET, TABLE_DUMP) is the same but four, where pybgpkit 0.6.2 misreads the file."""
    theirs, ours = bgpkit.theirs(sample), bgpkit.ours(sample)
    only_theirs, only_ours = bgpkit.difference(theirs, ours)
    mine = {route.prefix: route for route in only_ours}
    assert sorted(mine) == ["10.11.0.0/16", "10.16.0.0/16", "2001:db8:7::/48", "2001:db8:9::/48"]
    # what the sample wrote (the same as bgpdump -m prints, tests/test_mrt.py)
    assert mine["10.11.0.0/16"].as_path == "(1 2) [3,4] 5"
    assert mine["2001:db8:7::/48"].next_hop == "2001:db8::1"
    assert mine["2001:db8:9::/48"].next_hop == "2001:db8::1"
    assert only_theirs == sorted(
        [
            # AS_CONFED_SEQUENCE read as a sequence, AS_CONFED_SET as an AS_SET
            mine["10.11.0.0/16"]._replace(as_path="1 2 {3,4} 5"),
            # MP_REACH_NLRI's route given the NEXT_HOP of the IPv4 NLRI field of the same UPDATE
            mine["2001:db8:7::/48"]._replace(next_hop="192.0.2.1"),
            # an IPv6 TABLE_DUMP entry: its next hop not read
            mine["2001:db8:9::/48"]._replace(next_hop=None),
            # the RIB_GENERIC record (AFI 1, SAFI 1) of 10.16.0.0/16: no route at all
        ],
        key=repr,
    )
    # what is read alike, among the rest: withdrawals, ADD-PATH, 2-octet sessions, large communities, BGP4MP_ET
    assert sum(route.kind == "W" for route in theirs) == 6
    assert [route.aggregator for route in theirs if route.prefix == "10.12.0.0/16"] == [(4200000005, "10.0.0.3")]
    assert [route.as_path for route in theirs if route.prefix == "10.5.0.0/16"] == ["64496 4200000000"]
    assert ("4200000001:1:2",) in {route.large for route in theirs}
    assert [route.timestamp for route in theirs if route.prefix == "10.6.0.0/16"] == [1700000000.123456]
    assert [route.med for route in theirs if route.prefix == "10.1.0.0/16" and route.kind == "A"] == [10, 0]


def test_without_pybgpkit_a_test_skips_or_fails_under_interop(monkeypatch):
    monkeypatch.setitem(sys.modules, "pybgpkit_parser", None)  # import raises ImportError
    monkeypatch.delenv("EXABGP_INTEROP", raising=False)
    with pytest.raises(pytest.skip.Exception, match="pybgpkit-parser is not installed"):
        bgpkit.require()
    monkeypatch.setenv("EXABGP_INTEROP", "1")
    with pytest.raises(pytest.fail.Exception, match="EXABGP_INTEROP=1"):
        bgpkit.require()


# ---------------------------------------------------------------- writing: the daemon's files

NEXT_HOP4 = "192.0.2.1"
NEXT_HOP6 = "2001:db8::1"
AGGREGATOR = (65002, "192.0.2.9")


def _path(*segments) -> bytes:
    value = b"".join(
        bytes((kind, len(asns))) + b"".join(struct.pack("!I", asn) for asn in asns) for kind, asns in segments
    )
    return attribute(0x40, 2, value)


def sent_routes(count: int, addpath: bool) -> tuple:
    """`count` IPv4 UPDATEs (one /24 each, path ids 1 and 2 with ADD-PATH, their MEDs differing), two IPv6
    prefixes in MP_REACH_NLRI, then withdrawals (three IPv4 prefixes, one IPv6); the messages and the
    `qa.bgpkit.Route` records (time 0) of what is announced and of what stays."""
    base = dict(kind="A", timestamp=0, peer_ip="127.0.0.1", peer_asn=PEER_AS, local_pref=0)
    messages, announced, withdrawn = [], [], []
    for number in range(count):
        prefix = f"10.{number >> 8}.{number & 0xFF}.0/24"
        segments = [(2, (PEER_AS, 64500 + number))] + ([(1, (65100, 65101))] if number % 5 == 0 else [])
        standard = [(PEER_AS << 16) | number] + ([0xFFFFFF01] if number % 6 == 0 else [])
        large = [(PEER_AS, 1, number)] if number % 2 == 0 else []
        head = attribute(0x40, 1, bytes((number % 3,))) + _path(*segments) + attribute(0x40, 3, bytes((192, 0, 2, 1)))
        tail = attribute(0xC0, 8, b"".join(struct.pack("!I", value) for value in standard))
        if large:
            tail += attribute(0xC0, 32, b"".join(struct.pack("!III", *triple) for triple in large))
        if number % 10 == 0:
            tail += attribute(0x40, 6, b"") + attribute(
                0xC0, 7, struct.pack("!I", AGGREGATOR[0]) + bytes((192, 0, 2, 9))
            )
        nlri = bytes((24, 10, number >> 8, number & 0xFF))
        route = bgpkit.Route(
            prefix=prefix,
            as_path=bgpkit.path_text(segments),
            origin=("IGP", "EGP", "INCOMPLETE")[number % 3],
            next_hop=NEXT_HOP4,
            communities=tuple(bgpkit.community_text(value) for value in sorted(standard)),
            large=tuple(":".join(map(str, triple)) for triple in large),
            atomic=number % 10 == 0,
            aggregator=AGGREGATOR if number % 10 == 0 else None,
            med=number % 4,
            **base,
        )
        for path_id in (1, 2) if addpath else (None,):
            med = number % 4 + (path_id or 0)
            attributes = head + (attribute(0x80, 4, struct.pack("!I", med)) if med else b"") + tail
            messages.append(
                frame_message(2, update(b"", attributes, (struct.pack("!I", path_id) if addpath else b"") + nlri))
            )
            announced.append(route._replace(med=med))
    reach = struct.pack("!HBB", 2, 1, 16) + bytes.fromhex("20010db8000000000000000000000001") + b"\x00"
    reach += bytes((32, 0x20, 0x01, 0x0D, 0xB9)) + bytes((48, 0x20, 0x01, 0x0D, 0xBA, 0, 1))
    six = attribute(0x80, 14, reach) + attribute(0x40, 1, b"\x00") + _path((2, (PEER_AS, 65010)))
    six += attribute(0xC0, 32, struct.pack("!III", PEER_AS, 6, 6))
    messages.append(frame_message(2, update(b"", six)))
    for prefix in ("2001:db9::/32", "2001:dba:1::/48"):
        announced.append(
            bgpkit.Route(
                prefix=prefix,
                as_path=f"{PEER_AS} 65010",
                origin="IGP",
                next_hop=NEXT_HOP6,
                med=0,
                large=(f"{PEER_AS}:6:6",),
                **base,
            )
        )
    gone = [f"10.0.{number}.0/24" for number in range(3)] + ["2001:dba:1::/48"]
    ids = struct.pack("!I", 1) if addpath else b""  # ADD-PATH: path 1 withdrawn, path 2 stays
    withdraw4 = b"".join((ids + bytes((24, 10, 0, number))) for number in range(3))
    messages.append(frame_message(2, update(withdraw4)))
    unreach = struct.pack("!HB", 2, 1) + bytes((48, 0x20, 0x01, 0x0D, 0xBA, 0, 1))
    messages.append(frame_message(2, update(b"", attribute(0x80, 15, unreach))))
    for prefix in gone:
        withdrawn.append(bgpkit.Route("W", 0, "127.0.0.1", PEER_AS, prefix))
    staying = list(announced)
    for prefix in gone:  # the first record of the prefix: its only one, or its path 1
        staying.remove(next(route for route in staying if route.prefix == prefix))
    return messages, announced + withdrawn, staying


def timeless(routes, earliest: float, latest: float) -> list:
    """The records with time 0, after checking each is dated between `earliest` and `latest` (seconds)."""
    assert all(earliest - 1 <= route.timestamp <= latest + 1 for route in routes), (earliest, latest)
    return [route._replace(timestamp=0) for route in routes]


@pytest.mark.parametrize("addpath", [False, True], ids=["plain", "add-path"])
def test_the_daemons_updates_file_and_snapshot_read_back_by_pybgpkit(tmp_path, pybgpkit, addpath):
    """Every route the peer sent is in the updates file (gzip) with its attributes, every withdrawal too, and
    the daemon's TABLE_DUMP_V2 snapshot (its ``rib`` timer) holds what stays; ADD-PATH: the
    MESSAGE_AS4_ADDPATH and RIB_IPV4_UNICAST_ADDPATH subtypes, one record per path."""
    port = free_port()
    directory = tmp_path / "mrt"
    capability = "capability { add-path receive; } add-path { ipv4 unicast; }" if addpath else ""
    section = f"mrt {{ directory {directory}; updates 3600; rib 2; compress gzip; }}"
    messages, updates, snapshot = sent_routes(120, addpath)
    earliest = time.time()
    daemon = mrt_daemon(tmp_path, port, section, capability)
    try:
        peer = speaker(port, add_path=((1, 1, 2),)) if addpath else speaker(port)
        feed(daemon, peer, b"".join(messages))
        fed = time.time()

        def dumped():
            names = [name for name in finals(directory) if name.startswith("bview.")]
            return next((name for name in names if os.path.getmtime(directory / name) > fed), None)

        bview = wait_until(dumped, timeout=15, what="a snapshot taken after the routes")
    finally:
        stop(daemon)
    latest = time.time()
    (name,) = [name for name in finals(directory) if name.startswith("updates.")]
    assert name.endswith(".gz") and bview.endswith(".gz")
    assert sorted(timeless(agree(directory / name), earliest, latest), key=repr) == sorted(updates, key=repr)
    assert sorted(timeless(agree(directory / bview), earliest, latest), key=repr) == sorted(snapshot, key=repr)
    if addpath:  # RFC 8050 section 4: the ADD-PATH subtypes, whose paths pybgpkit read one by one (above)
        subtypes = {
            item.record.subtype for item in reader.read(directory / bview) if isinstance(item, reader.RibRecord)
        }
        assert subtypes == {reader.RIB_IPV4_UNICAST_ADDPATH, reader.RIB_IPV6_UNICAST}
