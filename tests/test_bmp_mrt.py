"""A BMP session's monitored peers written to MRT (`exabgp.reactor.bmp_archive`): hand-built BMP messages, read back.

The BMP messages are built from the RFC layouts (`qa.bmp`, RFC 7854,
RFC 8671), decoded by the station's `Decoder`, taken by a `Router` and a
`BmpArchive` in order as the station does; the records it makes, and the
TABLE_DUMP_V2 snapshot of the RIBs the router keeps
(`exabgp.reactor.bmp_archive.snapshot_peers`, `exabgp.mrt.writer.table_dump`), are
written to a file and read back by ``bgpdump -m`` (found on the PATH; CI
installs it) and ``exabgp mrt -m``, which must print the same lines.  The
expected fields come from the messages the test builds and RFC 6396 / RFC
8050 (the record subtypes): each route of the archived RIB view with the
monitored peer's address and AS and the router's time, ADD-PATH records
for the peer whose OPENs negotiated it, the Peer Up and Peer Down as state
changes, and nothing of the other views.  The last test runs the same
session through a real daemon (`exabgp server` with ``bmp`` and ``mrt``
sections, the router played by a socket on loopback) and reads its files.
"""

import contextlib
import importlib
import os
import shutil
import signal
import socket
import struct
import subprocess

import pytest

from exabgp.reactor.bmp_archive import BmpArchive, snapshot_peers
from exabgp.bmp.message import Decoder
from exabgp.bmp.router import Router
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import configuration_text, parse
from exabgp.mrt import reader
from exabgp.mrt.writer import table_dump
from qa import bmp, wire
from qa.daemon import finish, free_port, logged, start, wait_until
from qa.mrt_samples import run_mrt

interop = importlib.import_module("qa.interop")

TIME = 1700000000  # the per-peer headers' seconds (their microseconds: 250000)
FOUR = "192.0.2.1"  # monitored over IPv4, ADD-PATH negotiated for IPv4 unicast
SIX = "2001:db8::2"  # monitored over IPv6, a 4-octet AS, no ADD-PATH
SIX_AS = 4200000001


@pytest.fixture
def bgpdump_installed():
    """bgpdump on the PATH: skips without it, fails under EXABGP_INTEROP=1 (CI installs it)."""
    return interop.require("bgpdump")


def _attributes(nexthop: bytes = b"") -> bytes:
    as_path = wire.attribute(0x40, 2, bytes((2, 2)) + struct.pack("!II", 65001, 64999))
    hop = wire.attribute(0x40, 3, nexthop) if nexthop else b""
    return wire.attribute(0x40, 1, b"\x00") + as_path + hop


def session() -> tuple:
    """A router's BMP session: Initiation, two Peer Ups, pre- and post-policy routes, one with the A flag; then
    (after the snapshot) a Peer Down."""
    setup, routes, down = session_parts()
    return setup + routes, down


def session_parts() -> tuple:
    """`session` in three: the Initiation and Peer Ups, the Route Monitorings, the Peer Down."""
    four = bmp.peer_header(address=FOUR, asn=65001, bgp_id="192.0.2.1", seconds=TIME)
    four_post = bmp.peer_header(address=FOUR, asn=65001, bgp_id="192.0.2.1", flags=0x40, seconds=TIME)
    # the A flag (RFC 7854 section 4.2): this UPDATE's AS_PATH is in the 2-octet form
    four_legacy = bmp.peer_header(address=FOUR, asn=65001, bgp_id="192.0.2.1", flags=0x20, seconds=TIME + 2)
    six = bmp.peer_header(address=SIX, asn=SIX_AS, bgp_id="192.0.2.2", seconds=TIME + 1)
    # the router offers to receive path identifiers, the peer to send them: ADD-PATH towards the router
    router_open = bmp.open_body(65000, "192.0.2.254", bmp.asn4_capability(65000) + bmp.addpath_capability(1, 1, 1))
    peer_open = bmp.open_body(65001, "192.0.2.1", bmp.asn4_capability(65001) + bmp.addpath_capability(1, 1, 2))
    six_router = bmp.open_body(65000, "192.0.2.254", bmp.asn4_capability(65000) + bmp.multiprotocol(2, 1))
    six_peer = bmp.open_body(SIX_AS, "192.0.2.2", bmp.asn4_capability(SIX_AS) + bmp.multiprotocol(2, 1))
    added = wire.update(
        attributes=_attributes(bytes((192, 0, 2, 1))), nlri=struct.pack("!I", 7) + bytes((8, 10))
    )  # 10.0.0.0/8 path 7
    filtered = wire.update(attributes=_attributes(bytes((192, 0, 2, 1))), nlri=struct.pack("!I", 7) + bytes((8, 11)))
    reach = struct.pack("!HBB", 2, 1, 16) + bytes.fromhex("20010db8000000000000000000000002") + b"\x00"
    reach += bytes((32, 0x20, 0x01, 0x0D, 0xB9))  # 2001:db9::/32
    # 2-octet form (RFC 6793 section 4.2.2): AS_TRANS in AS_PATH and AGGREGATOR, the 4-octet AS in AS4_PATH and
    # AS4_AGGREGATOR
    legacy = wire.update(
        attributes=wire.attribute(0x40, 1, b"\x00")
        + wire.attribute(0x40, 2, bytes((2, 2)) + struct.pack("!HH", 65001, 23456))
        + wire.attribute(0x40, 3, bytes((192, 0, 2, 1)))
        + wire.attribute(0xC0, 7, struct.pack("!H", 23456) + bytes((192, 0, 2, 9)))
        + wire.attribute(0xC0, 17, bytes((2, 1)) + struct.pack("!I", 4200000009))
        + wire.attribute(0xC0, 18, struct.pack("!I", 4200000009) + bytes((192, 0, 2, 9))),
        nlri=struct.pack("!I", 9) + bytes((8, 12)),
    )  # 12.0.0.0/8 path 9
    six_route = wire.update(attributes=wire.attribute(0x80, 14, reach) + _attributes())
    setup = (
        bmp.initiation(bmp.tlv(2, b"router"))
        + bmp.peer_up(four, "192.0.2.254", 179, 40000, router_open, peer_open)
        + bmp.peer_up(six, "2001:db8::1", 179, 40001, six_router, six_peer)
    )
    routes = (
        bmp.route_monitoring(four, added)
        + bmp.route_monitoring(four_post, filtered)
        + bmp.route_monitoring(six, six_route)
        + bmp.route_monitoring(four_legacy, legacy)
    )
    return setup, routes, bmp.peer_down(four, 4)


def archived(view: str, tmp_path) -> tuple:
    """The updates file and the snapshot (taken before the Peer Down) of `view`."""
    records: list = []
    router = Router("127.0.0.1", 50000, keep=True)
    archive = BmpArchive(router, view, records.append)
    decoder = Decoder()
    opening, down = session()
    for message in decoder.feed(opening):
        router.receive(message)
        archive.receive(message, 1.0)
    snapshot = b"".join(table_dump(TIME + 10, "10.0.0.1", "", snapshot_peers(router, view)))
    for message in decoder.feed(down):
        router.receive(message)
        archive.receive(message, 1.0)
    assert decoder.error is None
    updates, rib = tmp_path / f"updates.{view}", tmp_path / f"rib.{view}"
    updates.write_bytes(b"".join(records))
    rib.write_bytes(snapshot)
    return updates, rib


def read_both(path) -> list:
    """The ``bgpdump -m`` lines of `path`, after checking ``exabgp mrt -m`` prints the same."""
    done = subprocess.run([shutil.which("bgpdump"), "-m", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    code, out, err = run_mrt([path])
    assert code == 0, err
    assert out.splitlines() == done.stdout.splitlines()
    return done.stdout.splitlines()


def test_pre_policy_routes_are_written_as_received_over_bgp(tmp_path, bgpdump_installed):
    updates, rib = archived("pre-policy", tmp_path)
    lines = read_both(updates)
    assert [line.split("|")[:5] for line in lines] == [
        ["BGP4MP_ET", f"{TIME}.250000", "STATE", FOUR, "65001"],
        ["BGP4MP_ET", f"{TIME + 1}.250000", "STATE", SIX, str(SIX_AS)],
        ["BGP4MP_ET_AP", f"{TIME}.250000", "A", FOUR, "65001"],
        ["BGP4MP_ET", f"{TIME + 1}.250000", "A", SIX, str(SIX_AS)],
        ["BGP4MP_ET_AP", f"{TIME + 2}.250000", "A", FOUR, "65001"],
        ["BGP4MP_ET", f"{TIME}.250000", "STATE", FOUR, "65001"],
    ]
    assert lines[0].split("|")[5:] == ["5", "6"] and lines[5].split("|")[5:] == ["6", "1"]
    assert lines[2].split("|")[5:9] == ["10.0.0.0/8", "7", "65001 64999", "IGP"]
    assert lines[3].split("|")[5:9] == ["2001:db9::/32", "65001 64999", "IGP", "2001:db8::2"]
    # the records' heads: the router's end of each monitored session
    heads = [(r.record.subtype, r.peer_ip, r.peer_as, r.local_ip, r.local_as) for r in reader.read(updates)]
    assert heads[2] == (reader.MESSAGE_AS4_ADDPATH, FOUR, 65001, "192.0.2.254", 65000)
    assert heads[3] == (reader.MESSAGE_AS4, SIX, SIX_AS, "2001:db8::1", 65000)
    # with the A flag: widened to 4-octet ASes (the AS_PATH and AS4_PATH merged, RFC 6793 section 4.2.3)
    assert heads[4] == (reader.MESSAGE_AS4_ADDPATH, FOUR, 65001, "192.0.2.254", 65000)
    assert lines[4].split("|")[5:8] == ["12.0.0.0/8", "9", "65001 4200000009"]
    assert lines[4].split("|")[13:15] == ["NAG", "4200000009 192.0.2.9"]

    lines = read_both(rib)
    assert [line.split("|")[:7] for line in lines] == [
        ["TABLE_DUMP2_AP", str(TIME + 10), "B", FOUR, "65001", "10.0.0.0/8", "7"],
        ["TABLE_DUMP2_AP", str(TIME + 10), "B", FOUR, "65001", "12.0.0.0/8", "9"],
        ["TABLE_DUMP2", str(TIME + 10), "B", SIX, str(SIX_AS), "2001:db9::/32", "65001 64999"],
    ]
    table = next(reader.read(rib))
    assert table.peers == [("192.0.2.1", FOUR, 65001), ("192.0.2.2", SIX, SIX_AS)]


def test_only_the_view_configured_is_written(tmp_path, bgpdump_installed):
    updates, rib = archived("post-policy", tmp_path)
    routes = [line.split("|") for line in read_both(updates) if line.split("|")[2] == "A"]
    assert [(fields[0], fields[3], fields[5]) for fields in routes] == [("BGP4MP_ET_AP", FOUR, "11.0.0.0/8")]
    assert [line.split("|")[5] for line in read_both(rib)] == ["11.0.0.0/8"]
    updates, rib = archived("loc-rib", tmp_path)  # no Loc-RIB instance in this session: nothing
    assert read_both(updates) == [] and read_both(rib) == []


def test_the_section_names_the_view():
    def section(text):
        return parse(text, "x.conf", full=True).bmp[0]

    assert section("bmp { listen 127.0.0.1; }").mrt == "pre-policy"
    configuration = parse("bmp { listen 127.0.0.1; mrt loc-rib; }", "x.conf", full=True)
    assert configuration.bmp[0].mrt == "loc-rib"
    assert parse(configuration_text(configuration), "again.conf", full=True) == configuration
    with pytest.raises(ConfigurationError, match=r"x.conf:1:\d+: 'mrt' takes one of pre-policy"):
        section("bmp { listen 127.0.0.1; mrt best; }")


@contextlib.contextmanager
def station(config, port: int):
    """The daemon on `config` (its sections), a router's socket connected to its BMP listener on `port`; at the
    end the socket closed once the daemon logged the session's end, then SIGTERM: exit 0, no traceback."""
    daemon = start(config, exabgp_tcp_bind="")
    try:
        wait_until(lambda: "loaded new configuration" in logged(daemon), 15)
        router = socket.create_connection(("127.0.0.1", port))
        yield daemon, router
        router.close()
        wait_until(lambda: "BMP session closed" in logged(daemon), 10)
    finally:
        daemon.send_signal(signal.SIGTERM)
        code, _out, err = finish(daemon, 30)
    assert code == 0 and "Traceback" not in err, err


@pytest.mark.parametrize("updates", [3600, 0])
def test_a_daemon_archives_the_view_its_bmp_section_names(tmp_path, bgpdump_installed, updates):
    """`updates 0`: no updates file, the snapshots hold the monitored peers all the same."""
    port = free_port("127.0.0.1")
    directory = tmp_path / "mrt"
    config = tmp_path / "station.conf"
    config.write_text(
        f"bmp {{ listen 127.0.0.1 port {port}; mrt post-policy; }}\n"
        f"mrt {{ directory {directory}; updates {updates}; rib 2; }}\n"
    )
    with station(config, port) as (_daemon, router):
        opening, down = session()
        router.sendall(opening)

        def snapshot():  # a snapshot of the timer taken once the route was in
            for name in sorted(os.listdir(directory)):
                if name.startswith("bview.") and read_both(directory / name):
                    return read_both(directory / name)
            return None

        lines = wait_until(snapshot, 15, what="a snapshot with the post-policy route")
        assert [line.split("|")[3:7] for line in lines] == [[FOUR, "65001", "11.0.0.0/8", "7"]]
        router.sendall(down)
    written = [name for name in os.listdir(directory) if name.startswith("updates.")]
    if not updates:
        assert written == []
        return
    assert [line.split("|")[2:6] for line in read_both(directory / written[0])] == [
        ["STATE", FOUR, "65001", "5"],
        ["STATE", SIX, str(SIX_AS), "5"],
        ["A", FOUR, "65001", "11.0.0.0/8"],
        ["STATE", FOUR, "65001", "6"],
    ]


def test_a_reload_moves_the_open_bmp_sessions_to_the_new_archive(tmp_path, bgpdump_installed):
    """A reload that changes the ``mrt`` section and the ``bmp`` section's view: the session open goes on into
    the new archive, of the view its section names now; nothing after the reload is in the old files."""
    port = free_port("127.0.0.1")
    first, second = tmp_path / "first", tmp_path / "second"
    config = tmp_path / "station.conf"

    def configure(view: str, directory) -> None:
        config.write_text(
            f"bmp {{ listen 127.0.0.1 port {port}; mrt {view}; }}\nmrt {{ directory {directory}; updates 3600; }}\n"
        )

    configure("pre-policy", first)
    with station(config, port) as (daemon, router):
        setup, routes, down = session_parts()
        router.sendall(setup + routes)
        wait_until(lambda: "BMP session from" in logged(daemon), 10)
        configure("post-policy", second)
        daemon.send_signal(signal.SIGUSR1)
        wait_until(lambda: logged(daemon).count("loaded new configuration") > 1, 15, what="the reload")
        wait_until(lambda: "wrote " in logged(daemon), 15, what="the first archive finished")
        router.sendall(routes)  # the same routes again, after the reload: the post-policy one is archived now
        router.sendall(down)
    (before,) = [name for name in os.listdir(first) if name.startswith("updates.")]
    (after,) = [name for name in os.listdir(second) if name.startswith("updates.")]
    announced = [line.split("|")[3:6] for line in read_both(first / before) if line.split("|")[2] == "A"]
    assert sorted(announced) == [
        [FOUR, "65001", "10.0.0.0/8"],
        [FOUR, "65001", "12.0.0.0/8"],
        [SIX, str(SIX_AS), "2001:db9::/32"],
    ]
    lines = read_both(second / after)
    assert [line.split("|")[3:6] for line in lines if line.split("|")[2] == "A"] == [[FOUR, "65001", "11.0.0.0/8"]]
    assert lines[-1].split("|")[2:6] == ["STATE", FOUR, "65001", "6"]  # the Peer Down, into the new archive
