"""Route Monitoring messages with TLVs (RFC 9736 as issue 12 names it, draft-ietf-grow-bmp-tlv's layout).

No router sends them yet, so the messages are built by hand from the layout
(`qa.bmp.indexed_tlv`: type, length, index, value; the UPDATE a TLV of its
own): decoded by the station's `Decoder`, their lines printed by a
`BmpPrinter` (the UPDATE read as an RFC 7854 one is, the other TLVs in
``bmp.tlvs``), bad TLVs an error naming the message and the offset.  The
last tests send them to a real daemon (``exabgp server`` with a ``bmp``
section, the router a socket on loopback): the lines its helper reads, the
UPDATE archived in MRT as any other, and a malformed TLV closing that
router's session only, logged with the router and the message number.
"""

import json
import os
import signal
import socket
import struct
import sys

import pytest

from exabgp.bmp.message import Decoder, RouteMonitoring, decode
from qa import bmp, wire
from qa.daemon import finish, free_port, logged, start, wait_until
from qa.mrt_samples import run_mrt
from tests.test_bmp import NEXT_HOP, ORIGIN_IGP, as_path4, failure, lines, peer_up

HEADER = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
BODY = wire.update(attributes=ORIGIN_IGP + as_path4(65001) + NEXT_HOP, nlri=bytes((24, 10, 1, 2)) + bytes((8, 11)))
UPDATE_TLV = bmp.indexed_tlv(0, bmp.bgp(2, BODY))
VRF = bmp.indexed_tlv(3, "vérte".encode())
GROUP = bmp.indexed_tlv(1, struct.pack("!HH", 0, 1), 0x8001)  # group 1: NLRIs 0 and 1
MARKING = bmp.indexed_tlv(4, bytes.fromhex("0000000200"), 0x8001)  # path status and reason, for the group
STATELESS = bmp.indexed_tlv(2, bytes.fromhex("00010100"), 1)
ENTERPRISE = bmp.indexed_tlv(0x8007, struct.pack("!I", 32473) + b"\xab\xcd", 0)  # E bit, type 7, PEN 32473
UNKNOWN = bmp.indexed_tlv(99, b"\x01\x02", 0)
ANNOUNCED = {"ipv4 unicast": {"10.0.0.2": [{"nlri": "10.1.2.0/24"}, {"nlri": "11.0.0.0/8"}]}}


def test_the_update_is_read_from_its_tlv_the_others_are_kept_in_order():
    message = decode(bmp.route_monitoring_tlvs(HEADER, VRF, UPDATE_TLV, GROUP, MARKING))
    assert isinstance(message, RouteMonitoring) and message.body == BODY
    assert message.tlvs == (
        (3, 0, "vérte".encode()),
        (1, 0x8001, struct.pack("!HH", 0, 1)),
        (4, 0x8001, bytes.fromhex("0000000200")),
    )


def test_the_tlvs_in_the_json_line():
    tlvs = (VRF, GROUP, STATELESS, MARKING, ENTERPRISE, UNKNOWN, UPDATE_TLV)
    _up, route = lines(peer_up(), bmp.route_monitoring_tlvs(HEADER, *tlvs))
    assert route["bmp"]["message"] == "route-monitoring"
    assert route["bmp"]["tlvs"] == [
        {"type": 3, "name": "vrf-table-name", "index": 0, "value": "vérte"},
        {"type": 1, "name": "group", "group": 1, "value": [0, 1]},
        {"type": 2, "name": "stateless-parsing", "index": 1, "value": "0x00010100"},
        {"type": 4, "name": "path-marking", "group": 1, "value": "0x0000000200"},
        {"type": 7, "name": "enterprise", "enterprise": 32473, "index": 0, "value": "0xABCD"},
        {"type": 99, "name": "unknown", "index": 0, "value": "0x0102"},
    ]
    update = route["neighbor"]["message"]["update"]
    assert update["announce"] == ANNOUNCED and update["attribute"]["as-path"]["0"]["value"] == [65001]


def test_the_same_update_reads_the_same_with_or_without_tlvs():
    """Only ``bmp.tlvs`` differs; a version-3 message in the TLV layout is read too (the octets tell the layout)."""
    _up, plain, only, three = lines(
        peer_up(),
        bmp.route_monitoring(HEADER, BODY),
        bmp.route_monitoring_tlvs(HEADER, UPDATE_TLV),
        bmp.route_monitoring_tlvs(HEADER, VRF, UPDATE_TLV, version=3),
    )
    assert "tlvs" not in plain["bmp"] and "tlvs" not in only["bmp"]
    assert three["bmp"].pop("tlvs") == [{"type": 3, "name": "vrf-table-name", "index": 0, "value": "vérte"}]
    for line in (plain, only, three):
        del line["counter"]
    assert plain == only == three


def test_tlv_messages_split_anywhere_in_the_stream():
    stream = (peer_up(), bmp.route_monitoring_tlvs(HEADER, VRF, UPDATE_TLV, GROUP))
    assert lines(*stream, chunk=1) == lines(*stream)


GOOD = bmp.initiation(bmp.tlv(2, b"r1"))
TLVS_AT = 12 + 6 + 42  # the first TLV of the second message


@pytest.mark.parametrize(
    "tlvs, expected",
    [
        ((VRF,), f"at offset {TLVS_AT}: no BGP message TLV among the route monitoring TLVs"),
        ((UPDATE_TLV, UPDATE_TLV), f"at offset {TLVS_AT + len(UPDATE_TLV)}: a second BGP message TLV"),
        ((VRF[:-2],), f"at offset {TLVS_AT + 6}: route monitoring TLV 3 needs 6 octets, 4 left"),
        ((VRF[:5],), f"at offset {TLVS_AT + 4}: the index of route monitoring TLV 3 needs 2 octets, 1 left"),
        (
            (UPDATE_TLV[:-1],),
            f"at offset {TLVS_AT + 6}: the BGP message TLV needs {len(UPDATE_TLV) - 6} octets, "
            f"{len(UPDATE_TLV) - 7} left",
        ),
        (
            (bmp.indexed_tlv(0, bmp.bgp(2, BODY) + b"\x00"),),
            f"at offset {TLVS_AT + len(UPDATE_TLV)}: 1 octets after the BGP UPDATE in its TLV",
        ),
        (
            (bmp.indexed_tlv(0, bmp.bgp(4, b"")),),
            f"at offset {TLVS_AT + 6}: the BGP UPDATE is a BGP message of type 4, not 2",
        ),
        (
            (bmp.indexed_tlv(1, struct.pack("!H", 0), 1), UPDATE_TLV),
            f"at offset {TLVS_AT}: group TLV with index 1: the G bit is not set",
        ),
        (
            (bmp.indexed_tlv(1, b"\x00", 0x8001), UPDATE_TLV),
            f"at offset {TLVS_AT}: group TLV of 1 octets: not a list of 2-octet indexes",
        ),
        (
            (bmp.indexed_tlv(0x8001, b"\x00\x00"), UPDATE_TLV),
            f"at offset {TLVS_AT}: enterprise TLV 1 of 2 octets, no enterprise number",
        ),
    ],
)
def test_a_bad_tlv_names_the_message_and_the_offset(tlvs, expected):
    assert failure(GOOD + bmp.route_monitoring_tlvs(HEADER, *tlvs)) == f"BMP message 2 (route-monitoring) {expected}"


def test_a_version_4_peer_down_has_tlvs_after_its_data():
    """BMPv4: after the reason's data (a NOTIFICATION, an FSM event code, nothing), TLVs of the same layout."""
    notification = bmp.bgp(3, bytes((6, 2)))
    name = bmp.indexed_tlv(3, b"blue")
    text = bmp.indexed_tlv(0, b"gone")
    got = lines(
        peer_up(),
        bmp.peer_down(HEADER, 1, notification + name, version=4),
        bmp.peer_down(HEADER, 2, struct.pack("!H", 18) + text + UNKNOWN, version=4),
        bmp.peer_down(HEADER, 4, name, version=4),
        bmp.peer_down(HEADER, 4, version=4),
    )
    local, fsm, remote, bare = (line["bmp"] | line["neighbor"] for line in got[1:])
    assert local["notification"]["code"] == 6 and local["tlvs"] == [
        {"type": 3, "name": "vrf-table-name", "index": 0, "value": "blue"}
    ]
    assert fsm["fsm-event"] == 18 and fsm["tlvs"] == [
        {"type": 0, "name": "string", "index": 0, "value": "gone"},
        {"type": 99, "name": "unknown", "index": 0, "value": "0x0102"},
    ]
    assert remote["reason"] == "remote-no-notification" and "information" not in remote
    assert remote["tlvs"] == local["tlvs"]
    assert "tlvs" not in bare
    error = failure(GOOD + bmp.peer_down(HEADER, 4, name[:-1], version=4))
    assert error == f"BMP message 2 (peer-down) at offset {TLVS_AT + 1 + 6}: peer down TLV 3 needs 4 octets, 3 left"


def test_version_4_frames_every_message():
    """BMPv4 changes the Route Monitoring's layout only: the other messages read as in version 3."""
    v4 = bytearray(GOOD)
    v4[0] = 4
    decoder = Decoder()
    (initiation,) = decoder.feed(bytes(v4))
    assert decoder.error is None and initiation.information == ((2, b"r1"),)


# ---------------------------------------------------------------- through a daemon

COLLECTOR = """import sys
with open(sys.argv[1], "a") as out:
    for line in sys.stdin:
        out.write(line)
        out.flush()
"""


def _read(path) -> list:
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_a_daemon_reads_tlvs_and_closes_only_the_session_of_a_bad_one(tmp_path):
    """Two routers over TCP: the first sends TLV Route Monitorings, then a malformed one (its session is closed,
    logged with the router and the message number); the second's session goes on and is read after it.  The
    UPDATE inside a TLV is archived in MRT as any Route Monitoring is."""
    port = free_port("127.0.0.1")
    collector, output, directory = tmp_path / "collector.py", tmp_path / "bmp.jsonl", tmp_path / "mrt"
    collector.write_text(COLLECTOR)
    config = tmp_path / "station.conf"
    config.write_text(
        f"process collector {{ run {sys.executable} {collector} {output}; encoder json; }}\n"
        f"bmp {{ listen 127.0.0.1 port {port}; processes [ collector ]; }}\n"
        f"mrt {{ directory {directory}; updates 3600; }}\n"
    )
    daemon = start(config, exabgp_tcp_bind="")
    try:
        wait_until(lambda: "loaded new configuration" in logged(daemon), 15)
        first = socket.create_connection(("127.0.0.1", port))
        first.sendall(GOOD + peer_up() + bmp.route_monitoring_tlvs(HEADER, VRF, UPDATE_TLV, GROUP))
        routes = wait_until(
            lambda: [line for line in _read(output) if line["bmp"]["message"] == "route-monitoring"],
            15,
            what="the TLV route monitoring line",
        )
        router = routes[0]["bmp"]["router"]
        assert router["name"] == "r1"
        assert routes[0]["bmp"]["tlvs"][0] == {"type": 3, "name": "vrf-table-name", "index": 0, "value": "vérte"}
        assert routes[0]["neighbor"]["message"]["update"]["announce"] == ANNOUNCED

        second = socket.create_connection(("127.0.0.1", port))
        second.sendall(GOOD)
        first.sendall(bmp.route_monitoring_tlvs(HEADER, UPDATE_TLV, UPDATE_TLV))
        wait_until(lambda: "closing this BMP session" in logged(daemon), 10, what="the bad session closed")
        first.settimeout(10)
        assert first.recv(1) == b""  # the station closed it
        error = next(line for line in logged(daemon).splitlines() if "closing this BMP session" in line)
        assert f"bmp 127.0.0.1:{router['port']} (r1): BMP message 4 (route-monitoring) at offset" in error
        assert "a second BGP message TLV" in error

        second.sendall(peer_up() + bmp.route_monitoring_tlvs(HEADER, MARKING, UPDATE_TLV))
        wait_until(
            lambda: any(line["bmp"].get("tlvs", [{}])[0].get("name") == "path-marking" for line in _read(output)),
            15,
            what="the second router's route",
        )
        second.close()
        first.close()
        wait_until(lambda: logged(daemon).count("BMP session closed") == 2, 10)
    finally:
        daemon.send_signal(signal.SIGTERM)
        code, _out, err = finish(daemon, 30)
    assert code == 0 and "Traceback" not in err, err
    (updates,) = [name for name in os.listdir(directory) if name.startswith("updates.")]
    code, out, err = run_mrt([str(directory / updates)])
    assert code == 0, err
    announced = [line.split("|")[3:6] for line in out.splitlines() if line.split("|")[2] == "A"]
    assert announced == [["10.0.0.2", "65001", "10.1.2.0/24"], ["10.0.0.2", "65001", "11.0.0.0/8"]] * 2
