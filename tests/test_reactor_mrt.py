"""MRT archives written by the daemon (the ``mrt`` section, `exabgp.reactor.mrt`, `exabgp.mrt.writer`).

Real parts throughout: a daemon started with the section, fed UPDATEs by a
real BGP session (`qa.daemon.Speaker`), its files read back by ``bgpdump -m``
(found on the PATH; CI installs it) and by our own ``exabgp mrt -m``, every
route compared with what the test sent.  The expected routes come from the
UPDATEs the test builds (RFC 4271, RFC 4760), the records' layout from RFC
6396 and RFC 8050.  The daemon and its peer are `qa.mrt_daemon`'s;
tests/test_mrt_bgpkit.py reads such files with pybgpkit-parser too.
"""

import asyncio
import calendar
import contextlib
import gzip
import os
import re
import shutil
import signal
import struct
import subprocess
import time
from types import SimpleNamespace

import importlib

import pytest

from exabgp._codec import frame_message, index_updates
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import configuration_text, parse
from exabgp.mrt import reader
from exabgp.mrt.writer import Bgp4mp, SnapshotPeer, table_dump
from exabgp.reactor.mrt import ArchiveFile, file_name
from exabgp.rib.incoming import AdjRibIn
from qa.daemon import Speaker, connect, finish, free_port, logged, run_client, start, wait_until
from qa.mrt_daemon import end_of_ribs, feed, finals, mrt_daemon, speaker, stop, write_configuration
from qa.mrt_daemon import mrt_section as section
from qa.mrt_samples import run_mrt
from qa.wire import attribute, update

BGPDUMP = shutil.which("bgpdump")


@pytest.fixture
def bgpdump_installed():
    """bgpdump on the PATH: skips without it, fails under EXABGP_INTEROP=1 (CI installs it)."""
    return interop.require("bgpdump")


needs_bgpdump = pytest.mark.usefixtures("bgpdump_installed")

interop = importlib.import_module("qa.interop")

PIPE = "mrt-test"


# ---------------------------------------------------------------- what the peer sends


def _as_path(*asns) -> bytes:
    return attribute(0x40, 2, bytes((2, len(asns))) + b"".join(struct.pack("!I", asn) for asn in asns))


def ipv4_updates(count: int, addpath: bool = False) -> tuple:
    """`count` UPDATEs of one /24 each (two with ADD-PATH: path ids 1 and 2) and the bgpdump fields expected of
    each route: ``(prefix, as path, next hop, med, communities)``."""
    messages, routes = [], set()
    for number in range(count):
        prefix = bytes((24, 10, number >> 8, number & 0xFF))
        med = number % 7
        attributes = (
            attribute(0x40, 1, b"\x00")
            + _as_path(65002, 64500 + number)
            + attribute(0x40, 3, bytes((192, 0, 2, 1)))
            + attribute(0x80, 4, struct.pack("!I", med))
            + attribute(0xC0, 8, struct.pack("!HH", 65002, number))
        )
        nlri = (struct.pack("!I", 1) + prefix + struct.pack("!I", 2) + prefix) if addpath else prefix
        messages.append(frame_message(2, update(b"", attributes, nlri)))
        routes.add(
            (
                f"10.{number >> 8}.{number & 0xFF}.0/24",
                f"65002 {64500 + number}",
                "192.0.2.1",
                str(med),
                f"65002:{number}",
            )
        )
    return messages, routes


def ipv6_update() -> tuple:
    nexthop = bytes.fromhex("20010db8000000000000000000000001")
    reach = struct.pack("!HBB", 2, 1, 16) + nexthop + b"\x00" + bytes((32, 0x20, 0x01, 0x0D, 0xB9))
    attributes = attribute(0x80, 14, reach) + attribute(0x40, 1, b"\x00") + _as_path(65002, 65010)
    return frame_message(2, update(b"", attributes)), ("2001:db9::/32", "65002 65010", "2001:db8::1", "0", "")


# ---------------------------------------------------------------- the daemon


@contextlib.contextmanager
def archiving(tmp_path, settings: str | None, capability: str = "", api: bool = False):
    """A daemon whose ``mrt`` section writes into ``tmp_path/mrt`` as `settings` say (None: no section), its
    neighbor `capability`; with `api`, its command pipes made (`run_client` on ``.root``).  Yields the daemon's
    ``process``, ``port``, ``directory``, ``root`` and configuration ``path``; stops it (exit 0, no traceback)
    at the end."""
    port = free_port()
    directory = tmp_path / "mrt"
    environment = {}
    root = ""
    if api:
        root = _fifos(tmp_path)
        environment = dict(EXABGP_ROOT=root, exabgp_api_pipename=PIPE, exabgp_api_cli="true")
    text = "" if settings is None else section(directory, settings)
    daemon = mrt_daemon(tmp_path, port, text, capability, **environment)
    try:
        yield SimpleNamespace(process=daemon, port=port, directory=directory, root=root, path=tmp_path / "daemon.conf")
    finally:
        stop(daemon)


def bgpdump(path) -> list:
    done = subprocess.run([BGPDUMP, "-m", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def ours(path) -> list:
    code, out, err = run_mrt([path])
    assert code == 0, err
    return out.splitlines()


def read_both(path) -> list:
    """The ``bgpdump -m`` lines of `path`, after checking ``exabgp mrt -m`` prints the same."""
    lines = bgpdump(path)
    assert ours(path) == lines
    return lines


def announced(lines, kind: str = "BGP4MP_ET") -> set:
    """``(prefix, as path, next hop, med, communities)`` of every route line of `kind`."""
    found = set()
    for line in lines:
        fields = line.split("|")
        if fields[0] == kind + "_AP":  # bgpdump's ADD-PATH lines: the path identifier after the prefix
            del fields[6]
        elif fields[0] != kind:
            continue
        if fields[2] in ("A", "B"):
            found.add((fields[5], fields[6], fields[8], fields[10], fields[11]))
    return found


def path_ids(lines) -> set:
    """``(prefix, path identifier)`` of every ADD-PATH route line."""
    return {tuple(line.split("|")[5:7]) for line in lines if line.split("|")[0].endswith("_AP")}


# ---------------------------------------------------------------- updates files


@needs_bgpdump
def test_updates_file_holds_every_route_as_received_and_the_state_changes(tmp_path):
    with archiving(tmp_path, "updates 3600; rib 0;") as daemon:
        directory = daemon.directory
        peer = speaker(daemon.port)
        messages, routes = ipv4_updates(300)
        six, route6 = ipv6_update()
        feed(daemon.process, peer, b"".join(messages) + six)
        assert finals(directory) == []  # being written: only the temporary file
    (name,) = finals(directory)
    assert re.fullmatch(r"updates\.\d{8}\.\d{2}00", name)  # an hour's file starts at a whole hour
    lines = read_both(directory / name)
    assert announced(lines) == routes | {route6}
    states = [line.split("|")[5:] for line in lines if line.split("|")[2] == "STATE"]
    assert ["5", "6"] in states and states[-1][1] == "1"  # ESTABLISHED, then IDLE when the daemon stopped
    # the message octets are as sent: each record's UPDATE is one the peer wrote
    sent = set(messages) | {six} | set(end_of_ribs())
    records = [item for item in reader.read(directory / name) if isinstance(item, reader.Bgp4mpMessage)]
    assert {frame_message(2, item.body) for item in records} <= sent
    assert len(records) == len(messages) + 3  # the routes, IPv6, two End-of-RIBs
    assert {item.record.subtype for item in records} == {reader.MESSAGE_AS4}


@pytest.mark.slow  # waits for two periods to end
@needs_bgpdump
def test_files_rotate_on_period_boundaries_and_are_named_by_their_start(tmp_path):
    with archiving(tmp_path, "updates 2; rib 0; compress gzip;") as daemon:
        directory = daemon.directory
        peer = speaker(daemon.port)
        messages, routes = ipv4_updates(40)
        for half in (messages[:20], messages[20:]):
            peer.sock.sendall(b"".join(half))
            time.sleep(2.1)  # the rotation under test: the next half lands in a later file
        feed(daemon.process, peer, b"")
        wait_until(lambda: len(finals(directory)) >= 3, what="three files")
    names = finals(directory)
    seen = set()
    for name in names:
        match = re.fullmatch(r"updates\.(\d{8})\.(\d{6})\.gz", name)
        assert match, name
        start = calendar.timegm(time.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S"))
        assert int(match.group(2)) % 2 == 0  # periods start at multiples of 2 seconds
        with gzip.open(directory / name) as stream:
            stream.read()  # a whole gzip stream
        for record in reader.records(directory / name):
            # every record of a file is dated within its period (a second of slack for the clock's rounding)
            assert start - 1 <= record.time <= start + 3, (name, record.time)
        seen |= announced(read_both(directory / name))
    assert seen == routes
    assert sum(1 for name in names if announced(bgpdump(directory / name))) >= 2


def test_file_names_follow_ris_and_routeviews():
    moment = 1735693200  # 2025-01-01 01:00:00 UTC
    assert file_name("updates", moment, 300, "gzip") == "updates.20250101.0100.gz"
    assert file_name("bview", moment, 28800, "gzip") == "bview.20250101.0100.gz"
    assert file_name("rib", moment, 7200, "bzip2") == "rib.20250101.0100.bz2"
    assert file_name("updates", moment + 2, 2, "none") == "updates.20250101.010002"


def test_a_file_is_under_its_final_name_only_once_whole(tmp_path):
    first = ArchiveFile(str(tmp_path), "updates.20250101.0100.gz", "gzip")
    first.open()
    first.write(b"x" * 1000)
    assert finals(tmp_path) == []  # written under a temporary name
    assert first.finish() == str(tmp_path / "updates.20250101.0100.gz")
    second = ArchiveFile(str(tmp_path), "updates.20250101.0100.gz", "gzip")
    second.open()
    second.write(b"y")
    assert second.finish() == str(tmp_path / "updates.20250101.0100-1.gz")  # an existing file is kept
    with gzip.open(tmp_path / "updates.20250101.0100.gz") as stream:
        assert stream.read() == b"x" * 1000
    abandoned = ArchiveFile(str(tmp_path), "bview.20250101.0100", "none")
    abandoned.open()
    abandoned.abandon()
    assert os.listdir(tmp_path) == [name for name in os.listdir(tmp_path) if not name.startswith(".")]
    assert finals(tmp_path) == ["updates.20250101.0100-1.gz", "updates.20250101.0100.gz"]


@pytest.mark.slow
def test_a_daemon_killed_mid_write_leaves_no_file_under_a_final_name(tmp_path):
    port = free_port()
    directory = tmp_path / "mrt"
    daemon = mrt_daemon(tmp_path, port, section(directory, "updates 3600; rib 0; compress bzip2;"))
    try:
        peer = speaker(port)
        messages, _routes = ipv4_updates(20000)
        peer.sock.sendall(b"".join(messages))
        # killed while the records are written (more than one buffer of them: the worker thread is writing)
        wait_until(lambda: any(os.path.getsize(directory / name) for name in os.listdir(directory)), what="a write")
    finally:
        daemon.kill()
        daemon.communicate(timeout=10)
    names = os.listdir(directory)
    assert names and all(name.startswith(".updates.") and name.endswith(".partial") for name in names), names


# ---------------------------------------------------------------- snapshots


def _fifos(tmp_path) -> str:
    root = tmp_path / "root"
    (root / "run").mkdir(parents=True)
    for end in ("in", "out"):
        os.mkfifo(root / "run" / f"{PIPE}.{end}", 0o600)
    return str(root)


@needs_bgpdump
def test_snapshots_by_command_and_by_timer_hold_the_adj_rib_in(tmp_path):
    with archiving(tmp_path, "updates 3600; rib 3; rib-name rib; view test;", api=True) as daemon:
        directory = daemon.directory
        peer = speaker(daemon.port)
        messages, routes = ipv4_updates(500)
        six, route6 = ipv6_update()
        withdrawn = frame_message(2, update(bytes((24, 10, 0, 0))))  # the first route goes away
        feed(daemon.process, peer, b"".join(messages) + six + withdrawn)
        fed = time.time()
        routes = {route for route in routes if route[0] != "10.0.0.0/24"} | {route6}
        wait_until(lambda: asked(daemon, directory, fed), what="the snapshot asked for")
        wait_until(lambda: _after(directory, fed, 6), timeout=15, what="a snapshot of the timer")
    # every name is a minute's (the command's) or a second's (the timer of 3 s)
    assert sorted(_after(directory, 0, 4) + _after(directory, 0, 6)) == sorted(_ribs(directory))
    # the snapshots begun once the routes were in (a timer's may have fired before them, on a loaded machine)
    for name in _after(directory, fed, 4) + _after(directory, fed, 6):
        lines = read_both(directory / name)
        assert announced(lines, "TABLE_DUMP2") == routes
        assert all(line.split("|")[3:5] == ["127.0.0.1", "65002"] for line in lines)
        table = next(reader.read(directory / name))
        assert (table.view, table.peers) == ("test", [("10.0.0.2", "127.0.0.1", 65002)])


def test_dump_mrt_without_an_mrt_section_is_an_error(tmp_path):
    """The command exists (the CLI sends it) but has nothing to do: ``error``, and the daemon carries on."""
    with archiving(tmp_path, None, api=True) as daemon:
        connect(daemon.port).close()  # serving: the pipes are open
        code, out, err = dump(daemon)
        assert out == "" and "ExaBGP returns an error" in err, (code, out, err)  # as for any error
        assert "dump mrt needs an mrt section" in logged(daemon.process)
        assert asyncio.run(run_client(daemon.root, PIPE, "version"))[0] == 0


def asked(daemon, directory, since: float) -> list:
    """The snapshots ``dump mrt`` made since `since`; none yet: ``dump mrt`` again (one asked for while the
    timer's is being written is not made, the daemon warns; a loaded machine makes that likely)."""
    found = _after(directory, since, 4)
    if not found:
        assert dump(daemon) == (0, "", "")  # done (the client prints nothing for it)
    return found


def dump(daemon) -> tuple:
    """``dump mrt`` through the daemon's pipes: the client's exit code, output and errors."""
    return asyncio.run(run_client(daemon.root, PIPE, "dump", "mrt"))


def _ribs(directory) -> list:
    return [name for name in finals(directory) if name.startswith("rib.")]


def _after(directory, moment: float, digits: int) -> list:
    """The ``rib.`` snapshots of `directory` named ``YYYYMMDD.`` and `digits` of time (4: ``dump mrt``'s, named
    by its minute; 6: the 3-second timer's, by its second) whose period did not end before `moment`."""
    found = []
    for name in _ribs(directory):
        match = re.fullmatch(r"rib\.(\d{8})\.(\d{%d})(-\d+)?" % digits, name)
        if match:
            start = calendar.timegm(time.strptime(match.group(1) + match.group(2).ljust(6, "0"), "%Y%m%d%H%M%S"))
            if start + (60 if digits == 4 else 0) >= moment:
                found.append(name)
    return found


@needs_bgpdump
def test_add_path_sessions_are_written_with_the_addpath_subtypes(tmp_path):
    """RFC 8050 sections 3 and 4: MESSAGE_AS4_ADDPATH records, RIB_IPV4_UNICAST_ADDPATH entries."""
    capability = "capability { add-path receive; } add-path { ipv4 unicast; }"
    with archiving(tmp_path, "updates 3600; rib 0;", capability, api=True) as daemon:
        directory = daemon.directory
        peer = speaker(daemon.port, add_path=((1, 1, 2),))
        assert peer.session.ctx.sends_path_id(1, 1)
        messages, routes = ipv4_updates(50, addpath=True)
        six, route6 = ipv6_update()
        feed(daemon.process, peer, b"".join(messages) + six)
        assert dump(daemon) == (0, "", "")  # done (the client prints nothing for it)
        wait_until(lambda: [name for name in finals(directory) if name.startswith("bview.")], what="the snapshot")
    (updates,) = [name for name in finals(directory) if name.startswith("updates.")]
    records = [item for item in reader.read(directory / updates) if isinstance(item, reader.Bgp4mpMessage)]
    subtypes = {(item.afi, bool(reader.MESSAGE_SUBTYPES[item.record.subtype][1]), len(item.body)) for item in records}
    # IPv4 messages with path identifiers, the IPv6 one and the End-of-RIBs without (IPv6 did not negotiate them)
    assert {(addpath, length > 4) for _afi, addpath, length in subtypes if length != len(six) - 19} >= {(True, True)}
    ipv6 = [item for item in records if item.body == six[19:]]
    assert [reader.MESSAGE_SUBTYPES[item.record.subtype][1] for item in ipv6] == [False]
    lines = read_both(directory / updates)
    assert announced(lines) == routes | {route6}
    assert path_ids(lines) == {(route[0], path_id) for route in routes for path_id in ("1", "2")}
    (bview,) = [name for name in finals(directory) if name.startswith("bview.")]
    kinds = {item.record.subtype for item in reader.read(directory / bview) if isinstance(item, reader.RibRecord)}
    assert kinds == {reader.RIB_IPV4_UNICAST_ADDPATH, reader.RIB_IPV6_UNICAST}
    dumped = read_both(directory / bview)
    assert announced(dumped, "TABLE_DUMP2") == routes | {route6}
    assert path_ids(dumped) == path_ids(lines)


# ---------------------------------------------------------------- the records, in process


def test_records_read_back_with_the_reader():
    records = Bgp4mp(65002, 65001, "2001:db8::2", "2001:db8::1", addpath4=True, addpath6=False)
    messages, _routes = ipv4_updates(3, addpath=True)
    six, _route6 = ipv6_update()
    octets = records.message(messages[0], 1700000000.25) + records.message(six, 1700000000.5) + records.state(5, 6, 1)
    items = list(reader.read(_Stream(octets)))
    assert [type(item).__name__ for item in items] == ["Bgp4mpMessage", "Bgp4mpMessage", "StateChange"]
    first, second, state = items
    assert (first.peer_ip, first.local_ip, first.peer_as, first.local_as) == (
        "2001:db8::2",
        "2001:db8::1",
        65002,
        65001,
    )
    assert first.record.subtype == reader.MESSAGE_AS4_ADDPATH and first.record.microseconds == 250000
    assert second.record.subtype == reader.MESSAGE_AS4 and second.body == six[19:]
    assert (state.old_state, state.new_state) == (5, 6)


def test_table_dump_groups_the_peers_of_a_prefix_in_one_record(codec):
    from exabgp.bgp.update import Update
    from exabgp.mrt.reader import CONTEXTS

    ribs = []
    for asn in (65002, 65003):
        rib = AdjRibIn()
        for message in ipv4_updates(4)[0] + [ipv6_update()[0]]:
            rib.update(Update.decode(message[19:], CONTEXTS[True, False]), CONTEXTS[True, False])
        address = "192.0.2.2" if asn == 65002 else "2001:db8::3"  # PEER_INDEX_TABLE's peer type: IPv4, IPv6
        ribs.append(SnapshotPeer((f"10.0.0.{asn - 65000}", address, asn, rib, 1700000000)))
    octets = b"".join(table_dump(1700000100, "10.0.0.1", "", ribs))
    items = list(reader.read(_Stream(octets)))
    assert [(peer.address, peer.asn) for peer in items[0].peers] == [("192.0.2.2", 65002), ("2001:db8::3", 65003)]
    records = items[1:]
    assert len(records) == 5 and all(len(item.entries) == 2 for item in records)
    assert [item.sequence for item in records] == list(range(5))
    six = records[-1]
    assert (six.afi, six.record.subtype) == (2, reader.RIB_IPV6_UNICAST)
    # the abbreviated MP_REACH_NLRI of RFC 6396 section 4.3.4: next-hop length and next hop
    assert bytes.fromhex("800e11" + "10" + "20010db8000000000000000000000001") in six.entries[0][3]


class _Stream:
    """Octets as the binary stream `exabgp.mrt.reader.open_stream` takes."""

    def __init__(self, octets: bytes):
        import io

        self._inner = io.BytesIO(octets)

    def peek(self, size: int = 1) -> bytes:
        at = self._inner.tell()
        data = self._inner.read(size)
        self._inner.seek(at)
        return data

    def read(self, size: int = -1) -> bytes:
        return self._inner.read(size)


# ---------------------------------------------------------------- the section


SECTION = (
    "mrt {\n    directory /srv/mrt;\n    updates 300;\n    rib 28800;\n    rib-name bview;\n    compress gzip;\n}\n"
)
NEIGHBOR = "neighbor 127.0.0.1 { router-id 1.1.1.1; local-as 1; peer-as 2; }\n"


def test_the_section_reads_and_prints_back():
    configuration = parse(SECTION + NEIGHBOR, full=True)
    assert (configuration.mrt.directory, configuration.mrt.updates, configuration.mrt.rib) == ("/srv/mrt", 300, 28800)
    assert SECTION in configuration_text(configuration)
    assert parse(configuration_text(configuration), full=True) == configuration
    assert parse(NEIGHBOR, full=True).mrt is None  # a 5.0 configuration: no archive


@pytest.mark.parametrize(
    "section, error",
    [
        ("mrt { updates 300; }", "f.conf:1:1: the mrt section needs a directory"),
        ("mrt {\n directory x;\n updates soon;\n}", "f.conf:3:10: 'soon' is not a valid updates period"),
        ("mrt { directory x; rib 604801; }", "f.conf:1:24: '604801' is not a valid rib period"),
        ("mrt { directory x; compress zip; }", "f.conf:1:29: 'zip' is not a compression"),
        ("mrt { directory x; rib-name ris; }", "f.conf:1:29: 'ris' is not a snapshot name"),
        ("mrt { directory x; speed 1; }", "f.conf:1:20: unknown mrt keyword 'speed'"),
        ("mrt { directory x; directory y; }", "f.conf:1:20: 'directory' is set twice"),
        ("mrt { directory x; }\nmrt { directory y; }", "f.conf:2:1: an mrt section already exists"),
        ("mrt x { directory x; }", "f.conf:1:5: 'mrt' takes no name"),
    ],
)
def test_a_bad_section_is_an_error_at_its_line(section, error):
    with pytest.raises(ConfigurationError) as raised:
        parse(section + "\n" + NEIGHBOR, "f.conf", full=True)
    assert str(raised.value).startswith(error), str(raised.value)


def test_a_bad_section_stops_the_daemon_with_its_line(tmp_path):
    path = tmp_path / "bad.conf"
    path.write_text(NEIGHBOR + "mrt {\n    directory x;\n    compress zip;\n}\n")
    code, _out, err = finish(start(path))
    assert code == 1 and f"{path}:4:14: 'zip' is not a compression" in err and "Traceback" not in err


# ---------------------------------------------------------------- the benchmark


@pytest.mark.slow  # builds a corpus and runs the daemon twice
def test_the_benchmark_runs_on_a_small_table(tmp_path):
    """benchmarks/mrt_write.py on 2,500 routes: a record per UPDATE of the corpus (End-of-RIBs included)."""
    import json
    import sys

    from qa.reference import require_gen_corpus

    require_gen_corpus()
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "mrt_write.py")
    port = str(free_port("127.0.0.2"))
    command = [sys.executable, script, "--v4", "2000", "--v6", "500", "--runs", "1", "--check", "--port", port]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["mrt"] for row in rows] == [False, True]
    assert rows[1]["records"] == rows[1]["expected"] > 0
    assert "slowdown" in result.stderr


@needs_bgpdump
def test_a_two_octet_session_is_written_as_message_records(tmp_path):
    """A session without 4-octet ASes (RFC 6793) receives 2-octet AS_PATHs: its records are MESSAGE, whose
    2-octet AS fields tell readers the paths' width (RFC 6396 section 4.4.2); a larger AS shows as AS_TRANS."""
    path = attribute(0x40, 2, bytes((2, 2, 0xFD, 0xE8, 0x5B, 0xA0)))  # AS_SEQUENCE 65000 23456, 2-octet ASNs
    body = update(
        attributes=attribute(0x40, 1, b"\x00") + path + attribute(0x40, 3, bytes((192, 0, 2, 2))),
        nlri=bytes((24, 198, 51, 100)),
    )
    message = b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + b"\x02" + body
    records = Bgp4mp(4200000001, 65001, "192.0.2.2", "192.0.2.1", asn4=False)
    octets = records.state(5, 6, 1700000000) + records.message(message, 1700000001.5)
    used, index = index_updates(message, 4096, False, False, True, True, False, False)
    assert used == len(message)
    octets += records.run(message, index, 1700000002)
    (tmp_path / "updates").write_bytes(octets)
    items = list(reader.read(_Stream(octets)))
    assert [item.record.subtype for item in items] == [reader.STATE_CHANGE_AS4, reader.MESSAGE, reader.MESSAGE]
    assert items[0].peer_as == 4200000001 and items[1].peer_as == 23456
    lines = read_both(tmp_path / "updates")
    assert [line.split("|")[4:7] for line in lines[1:]] == [["23456", "198.51.100.0/24", "65000 23456"]] * 2


# ---------------------------------------------------------------- 2-octet sessions, adj-rib-in false, reloads


def two_octet_update() -> tuple:
    """An UPDATE as a 2-octet speaker sends it (RFC 6793 section 4.2.2): AS_PATH 65002 23456 64500 with AS4_PATH
    4200000001 64500, AGGREGATOR 23456 with AS4_AGGREGATOR 4200000002; and the route it stands for: path 65002
    4200000001 64500 (section 4.2.3), aggregator 4200000002."""
    attributes = (
        attribute(0x40, 1, b"\x00")
        + attribute(0x40, 2, bytes((2, 3)) + struct.pack("!HHH", 65002, 23456, 64500))
        + attribute(0x40, 3, bytes((192, 0, 2, 1)))
        + attribute(0xC0, 7, struct.pack("!H", 23456) + bytes((192, 0, 2, 9)))
        + attribute(0xC0, 17, bytes((2, 2)) + struct.pack("!II", 4200000001, 64500))
        + attribute(0xC0, 18, struct.pack("!I", 4200000002) + bytes((192, 0, 2, 9)))
    )
    return frame_message(2, update(b"", attributes, bytes((24, 198, 51, 100)))), (
        "198.51.100.0/24",
        "65002 4200000001 64500",
        "192.0.2.1",
        "0",
        "",
    )


@needs_bgpdump
def test_a_two_octet_session_is_snapshotted_with_four_octet_as_paths(tmp_path):
    """RFC 6396 section 4.3.4: the AS_PATH of a RIB entry has 4-octet ASes, whatever the session had; the
    updates file keeps the session's MESSAGE records (2-octet, section 4.4.2)."""
    with archiving(tmp_path, "updates 3600; rib 0;", api=True) as daemon:
        directory = daemon.directory
        peer = speaker(daemon.port, asn4=False)
        assert not peer.session.negotiated.asn4
        message, route = two_octet_update()
        feed(daemon.process, peer, message)
        assert dump(daemon) == (0, "", "")
        wait_until(lambda: [name for name in finals(directory) if name.startswith("bview.")], what="the snapshot")
    (bview,) = [name for name in finals(directory) if name.startswith("bview.")]
    lines = read_both(directory / bview)
    assert announced(lines, "TABLE_DUMP2") == {route}
    (line,) = [line for line in lines if line.startswith("TABLE_DUMP2")]
    assert line.split("|")[13] == "4200000002 192.0.2.9"  # the aggregator, from AS4_AGGREGATOR
    (entry,) = [item for item in reader.read(directory / bview) if isinstance(item, reader.RibRecord)]
    attributes = entry.entries[0][3]
    assert b"\xc0\x11" not in attributes and b"\xc0\x12" not in attributes  # no AS4_PATH, no AS4_AGGREGATOR
    (updates,) = [name for name in finals(directory) if name.startswith("updates.")]
    records = [item for item in reader.read(directory / updates) if isinstance(item, reader.Bgp4mpMessage)]
    assert {item.record.subtype for item in records} == {reader.MESSAGE}
    assert frame_message(2, records[0].body) == message  # as received


@needs_bgpdump
def test_a_neighbor_without_adj_rib_in_is_warned_of_and_left_out_of_snapshots(tmp_path):
    """No Adj-RIB-In, no routes to dump: the daemon says so when it starts, the snapshot lists no peer (one with no
    routes would read as a peer that announced none), the updates file has its routes."""
    with archiving(tmp_path, "updates 3600; rib 0;", "adj-rib-in false;", api=True) as daemon:
        directory = daemon.directory
        peer = speaker(daemon.port)
        messages, routes = ipv4_updates(20)
        feed(daemon.process, peer, b"".join(messages))
        warning = "neighbor 127.0.0.1 has adj-rib-in false: no MRT snapshot holds its routes"
        assert warning in logged(daemon.process)
        assert dump(daemon) == (0, "", "")
        wait_until(lambda: [name for name in finals(directory) if name.startswith("bview.")], what="the snapshot")
    (bview,) = [name for name in finals(directory) if name.startswith("bview.")]
    items = list(reader.read(directory / bview))
    assert len(items) == 1 and items[0].peers == []
    (updates,) = [name for name in finals(directory) if name.startswith("updates.")]
    assert announced(read_both(directory / updates)) == routes


def send(process, peer: Speaker, octets: bytes) -> None:
    """Send `octets` then both End-of-RIBs, and wait until the daemon logged those End-of-RIBs."""
    seen = logged(process).count("<< EOR ipv6 unicast")
    peer.sock.sendall(octets + b"".join(end_of_ribs()))
    wait_until(lambda: logged(process).count("<< EOR ipv6 unicast") > seen, what="the End-of-RIBs")


@needs_bgpdump
def test_a_reload_applies_the_mrt_section(tmp_path):
    """SIGUSR1 with a changed section finishes the files (under their final names) and writes with the new
    settings; a removed section stops the archive, an added one starts it; the session stays up throughout and
    records into each archive in turn."""
    messages, routes = ipv4_updates(40)
    phases = [b"".join(messages[start : start + 10]) for start in range(0, 40, 10)]
    expected = [{route for route in routes if int(route[0].split(".")[2]) // 10 == phase} for phase in range(4)]
    with archiving(tmp_path, "updates 3600; rib 0;", api=True) as daemon:
        process, first = daemon.process, daemon.directory
        second, third = tmp_path / "second", tmp_path / "third"
        reloads = [0]

        def reload(text: str, wrote: int) -> None:
            write_configuration(daemon.path, daemon.port, text)
            reloads[0] += 1
            process.send_signal(signal.SIGUSR1)
            done = "loaded new configuration successfully"
            wait_until(lambda: logged(process).count(done) > reloads[0], what="the reload")
            wait_until(lambda: len(re.findall(r"\bwrote \S", logged(process))) >= wrote, what="the files finished")

        peer = speaker(daemon.port)
        send(process, peer, phases[0])
        reload(section(second, "updates 3600; rib 0; compress gzip; rib-name rib;"), 1)
        send(process, peer, phases[1])
        assert dump(daemon) == (0, "", "")
        wait_until(lambda: [name for name in finals(second) if name.startswith("rib.")], what="the snapshot")
        reload("", 3)  # the section removed: the updates file finished
        assert "no mrt section any more: stopped writing MRT files" in logged(process)
        send(process, peer, phases[2])  # archived nowhere
        reload(section(third, "updates 3600; rib 0;"), 3)  # added again
        send(process, peer, phases[3])
    for directory in (first, second, third):
        assert sorted(os.listdir(directory)) == finals(directory)  # no temporary file left
    (updates,) = finals(first)
    assert announced(read_both(first / updates)) == expected[0]
    updates, rib = sorted(finals(second), reverse=True)
    assert re.fullmatch(r"updates\.\d{8}\.\d{4}\.gz", updates) and re.fullmatch(r"rib\.\d{8}\.\d{4}\.gz", rib)
    assert announced(read_both(second / updates)) == expected[1]
    assert announced(read_both(second / rib), "TABLE_DUMP2") == expected[0] | expected[1]
    (updates,) = finals(third)
    lines = read_both(third / updates)
    assert announced(lines) == expected[3]  # the session, up before the section came back, recorded into it
    assert lines[-1].split("|")[2] == "STATE"  # its end, at the daemon's shutdown


def test_table_dump_widens_the_paths_of_a_two_octet_peer_beside_a_four_octet_one(codec):
    """Two peers holding one prefix (the gathered entries), one of them without 4-octet ASes: both entries'
    AS_PATHs have 4-octet ASes, the AS4_PATH merged (RFC 6396 section 4.3.4, RFC 6793 section 4.2.3)."""
    from exabgp.bgp.update import Update
    from exabgp.mrt.reader import CONTEXTS

    narrow, wide = AdjRibIn(), AdjRibIn()
    message, _route = two_octet_update()
    narrow.update(Update.decode(message[19:], CONTEXTS[False, False]), CONTEXTS[False, False])
    four = update(
        b"",
        attribute(0x40, 1, b"\x00") + _as_path(65003, 4200000001) + attribute(0x40, 3, bytes((192, 0, 2, 3))),
        bytes((24, 198, 51, 100)),
    )
    wide.update(Update.decode(four, CONTEXTS[True, False]), CONTEXTS[True, False])
    peers = [
        SnapshotPeer(("10.0.0.2", "192.0.2.2", 65002, narrow, 1700000000, False)),
        SnapshotPeer(("10.0.0.3", "192.0.2.3", 65003, wide, 1700000000)),
    ]
    items = list(reader.read(_Stream(b"".join(table_dump(1700000100, "10.0.0.1", "", peers)))))
    (record,) = items[1:]
    paths = [entry[3] for entry in record.entries]
    assert _as_path(65002, 4200000001, 64500) in paths[0] and b"\xc0\x11" not in paths[0]
    assert _as_path(65003, 4200000001) in paths[1]
