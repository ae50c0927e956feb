"""The BMP decoder and its JSON lines (exabgp.bmp), on messages built by hand from the RFC layouts (qa.bmp).

Every message type of RFC 7854 (with RFC 8671's O flag and RFC 9069's Loc-RIB
peer type), the per-peer header's fields, the Peer Up's OPENs deciding how
the Route Monitoring UPDATEs are read (ADD-PATH, 2- or 4-octet AS_PATH by
the A flag), and bad input: a truncated stream, a wrong version, lengths
that lie, each an error naming the message and its offset.  The expected
values are the RFC's (the fields written into the messages here).
"""

import json
import struct

import pytest

from exabgp.api.envelope import DaemonFields
from exabgp.bmp.jsonlines import BmpPrinter
from exabgp.bmp.message import BmpError, Decoder, PeerUp, RouteMonitoring, decode
from exabgp.bmp.router import Router
from qa import bmp, wire

DAEMON = DaemonFields("host", 10, 1)
ROUTER_OPEN = bmp.open_body(65000, "10.0.0.1", bmp.asn4_capability(65000))
PEER_OPEN = bmp.open_body(65001, "10.0.0.2", bmp.asn4_capability(65001))

ORIGIN_IGP = wire.attribute(0x40, 1, b"\x00")
NEXT_HOP = wire.attribute(0x40, 3, bytes((10, 0, 0, 2)))


def as_path4(*asns: int) -> bytes:
    return wire.attribute(0x40, 2, bytes((2, len(asns))) + b"".join(struct.pack("!I", a) for a in asns))


def as_path2(*asns: int) -> bytes:
    return wire.attribute(0x40, 2, bytes((2, len(asns))) + b"".join(struct.pack("!H", a) for a in asns))


def lines(*messages: bytes, chunk: int = 0) -> list:
    """The JSON objects of a BMP session made of `messages` (fed `chunk` octets at a time when given)."""
    data = b"".join(messages)
    decoder = Decoder()
    printer = BmpPrinter(DAEMON, Router("127.0.0.1", 4000))
    out = []
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)] if chunk else [data]
    for piece in pieces:
        for message in decoder.feed(piece):
            out.append(printer.line(1.5, message))
    decoder.close()
    assert decoder.error is None, decoder.error
    return [json.loads(line) for line in out]


def peer_up(**header) -> bytes:
    return bmp.peer_up(
        bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2", **header),
        "10.0.0.1",
        179,
        50000,
        ROUTER_OPEN,
        PEER_OPEN,
    )


def test_initiation_and_termination():
    got = lines(
        bmp.initiation(bmp.tlv(1, b"FRRouting 8.4"), bmp.tlv(2, b"r1"), bmp.tlv(0, b"hello")),
        bmp.termination(bmp.tlv(0, b"bye"), bmp.tlv(1, struct.pack("!H", 4))),
    )
    first, last = got
    assert first["type"] == "bmp" and first["exabgp"] == "5.0.0" and first["counter"] == 1
    assert first["host"] == "host" and first["pid"] == 10 and first["ppid"] == 1 and first["time"] == 1.5
    assert first["bmp"]["message"] == "initiation" and "neighbor" not in first
    assert first["bmp"]["router"] == {"address": "127.0.0.1", "port": 4000, "name": "r1"}
    assert first["bmp"]["information"] == [
        {"type": "sys-descr", "value": "FRRouting 8.4"},
        {"type": "sys-name", "value": "r1"},
        {"type": "string", "value": "hello"},
    ]
    assert last["counter"] == 2 and last["bmp"]["message"] == "termination"
    assert last["bmp"]["information"] == [
        {"type": "string", "value": "bye"},
        {"type": "reason", "value": "permanently-administratively-closed"},
    ]


def test_peer_header_fields():
    header = bmp.peer_header(
        address="2001:db8::2",
        asn=4200000001,
        bgp_id="192.0.2.9",
        kind=1,
        flags=0x40,
        distinguisher=struct.pack("!HHI", 0, 65000, 7),
        seconds=1700000001,
        microseconds=500000,
    )
    message = decode(bmp.route_monitoring(header, wire.update()))
    peer = message.peer
    assert (peer.type, peer.address, peer.asn, peer.bgp_id) == (1, "2001:db8::2", 4200000001, "192.0.2.9")
    assert message.timestamp == 1700000001.5
    assert peer.flag_names == ("ipv6", "post-policy")
    (line,) = lines(bmp.route_monitoring(header, wire.update()))
    assert line["bmp"]["peer"] == {
        "type": "rd",
        "distinguisher": "65000:7",
        "flags": ["ipv6", "post-policy"],
        "timestamp": 1700000001.5,
    }
    assert line["neighbor"]["address"]["peer"] == "2001:db8::2"
    assert line["neighbor"]["asn"]["peer"] == 4200000001


def test_peer_up_names_the_neighbor_and_shows_both_opens():
    (up,) = lines(peer_up())
    assert up["bmp"]["message"] == "peer-up"
    assert up["bmp"]["local-port"] == 179 and up["bmp"]["remote-port"] == 50000
    neighbor = up["neighbor"]
    assert neighbor["address"] == {"local": "10.0.0.1", "peer": "10.0.0.2"}
    assert neighbor["asn"] == {"local": 65000, "peer": 65001}
    assert neighbor["router-id"] == "10.0.0.2" and neighbor["state"] == "up"
    assert neighbor["open"]["sent"]["router_id"] == "10.0.0.1"
    assert neighbor["open"]["received"]["asn"] == 65001
    assert neighbor["open"]["received"]["hold_time"] == 90


def test_route_monitoring_update_after_peer_up():
    body = wire.update(attributes=ORIGIN_IGP + as_path4(65001, 4200000000) + NEXT_HOP, nlri=bytes((24, 10, 1, 2)))
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    _up, route = lines(peer_up(), bmp.route_monitoring(header, body))
    assert route["counter"] == 2 and route["bmp"]["message"] == "route-monitoring"
    neighbor = route["neighbor"]
    assert neighbor["direction"] == "receive"
    update = neighbor["message"]["update"]
    assert update["attribute"]["origin"] == "igp"
    assert update["attribute"]["as-path"]["0"]["value"] == [65001, 4200000000]
    assert update["announce"] == {"ipv4 unicast": {"10.0.0.2": [{"nlri": "10.1.2.0/24"}]}}


def test_the_a_flag_reads_a_two_octet_as_path():
    body = wire.update(attributes=ORIGIN_IGP + as_path2(65001, 23456) + NEXT_HOP, nlri=bytes((8, 10)))
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2", flags=0x20)
    _up, route = lines(peer_up(), bmp.route_monitoring(header, body))
    assert route["bmp"]["peer"]["flags"] == ["legacy-as-path"]
    assert route["neighbor"]["message"]["update"]["attribute"]["as-path"]["0"]["value"] == [65001, 23456]


def test_add_path_negotiated_in_the_opens():
    """RFC 7911: path identifiers in the Adj-RIB-In where the router offered receive and the peer send;
    in the Adj-RIB-Out (O flag, RFC 8671) where the router offered send and the peer receive."""
    router = bmp.open_body(65000, "10.0.0.1", bmp.asn4_capability(65000) + bmp.addpath_capability(1, 1, 1))
    peer = bmp.open_body(65001, "10.0.0.2", bmp.asn4_capability(65001) + bmp.addpath_capability(1, 1, 2))
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    up = bmp.peer_up(header, "10.0.0.1", 179, 50000, router, peer)
    with_id = wire.update(
        attributes=ORIGIN_IGP + as_path4(65001) + NEXT_HOP, nlri=struct.pack("!I", 7) + bytes((8, 10))
    )
    without = wire.update(attributes=ORIGIN_IGP + as_path4(65000) + NEXT_HOP, nlri=bytes((8, 11)))
    out_header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2", flags=0x10)
    _up, received, sent = lines(up, bmp.route_monitoring(header, with_id), bmp.route_monitoring(out_header, without))
    assert received["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["10.0.0.2"] == [
        {"path-information": "0.0.0.7", "nlri": "10.0.0.0/8"}
    ]
    assert sent["neighbor"]["direction"] == "send" and sent["bmp"]["peer"]["flags"] == ["adj-rib-out"]
    assert sent["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["10.0.0.2"] == [{"nlri": "11.0.0.0/8"}]


def test_loc_rib_peer_type():
    """RFC 9069: peer type 3, its F flag (0x80) is `filtered`, not IPv6; the address is zero."""
    header = bmp.peer_header(address="0.0.0.0", asn=65000, bgp_id="10.0.0.1", kind=3, flags=0x80)
    body = wire.update(attributes=ORIGIN_IGP + as_path4(65001) + NEXT_HOP, nlri=bytes((8, 10)))
    (route,) = lines(bmp.route_monitoring(header, body))
    assert route["bmp"]["peer"]["type"] == "loc-rib" and route["bmp"]["peer"]["flags"] == ["filtered"]
    assert route["neighbor"]["address"]["peer"] == "0.0.0.0"
    assert route["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["10.0.0.2"] == [{"nlri": "10.0.0.0/8"}]


def test_peer_down_reasons():
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    notification = bmp.bgp(3, bytes((6, 2)))  # Cease / Administrative Shutdown
    got = lines(
        peer_up(),
        bmp.peer_down(header, 1, notification),
        bmp.peer_down(header, 2, struct.pack("!H", 18)),
        bmp.peer_down(header, 3, notification),
        bmp.peer_down(header, 4),
        bmp.peer_down(header, 5),
        bmp.peer_down(header, 9, b"\x01\x02"),
    )
    local, fsm, remote, plain, gone, unknown = got[1:]
    assert local["neighbor"]["state"] == "down" and local["neighbor"]["reason"] == "local-notification"
    assert local["neighbor"]["asn"]["local"] == 65000  # the Peer Up's neighbor, told before it is forgotten
    assert local["neighbor"]["notification"]["code"] == 6 and local["neighbor"]["notification"]["subcode"] == 2
    assert fsm["neighbor"]["reason"] == "local-no-notification" and fsm["neighbor"]["fsm-event"] == 18
    assert remote["neighbor"]["reason"] == "remote-notification"
    assert plain["neighbor"]["reason"] == "remote-no-notification"
    assert gone["neighbor"]["reason"] == "peer-deconfigured"
    assert unknown["neighbor"]["reason"] == "9" and unknown["neighbor"]["data"] == "0x0102"  # kept, not an error


def test_statistics_report():
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    (report,) = lines(
        bmp.statistics(
            header,
            bmp.tlv(0, struct.pack("!I", 3)),
            bmp.tlv(7, struct.pack("!Q", 1000000)),
            bmp.tlv(9, struct.pack("!HBQ", 2, 1, 42)),
        )
    )
    assert report["bmp"]["message"] == "statistics-report"
    assert report["neighbor"]["statistics"] == [
        {"type": 0, "name": "rejected-prefixes", "value": 3},
        {"type": 7, "name": "adj-rib-in-routes", "value": 1000000},
        {"type": 9, "name": "adj-rib-in-routes-per-family", "family": "ipv6 unicast", "value": 42},
    ]


def test_route_mirroring():
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    keepalive = bmp.bgp(4, b"")
    (mirror,) = lines(bmp.route_mirroring(header, bmp.tlv(0, keepalive), bmp.tlv(1, struct.pack("!H", 1))))
    assert mirror["neighbor"]["mirrored"] == [
        {"bgp-message": "0x" + keepalive.hex().upper()},
        {"information": "messages-lost"},
    ]


def test_messages_split_anywhere_in_the_stream():
    body = wire.update(attributes=ORIGIN_IGP + as_path4(65001) + NEXT_HOP, nlri=bytes((8, 10)))
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    stream = (bmp.initiation(bmp.tlv(2, b"r1")), peer_up(), bmp.route_monitoring(header, body))
    assert lines(*stream, chunk=1) == lines(*stream)


def test_decoded_records():
    message = decode(peer_up())
    assert isinstance(message, PeerUp)
    assert (message.local_address, message.local_port, message.remote_port) == ("10.0.0.1", 179, 50000)
    assert message.sent_open.router_id == "10.0.0.1" and message.received_open.router_id == "10.0.0.2"
    header = bmp.peer_header()
    route = decode(bmp.route_monitoring(header, wire.update()))
    assert isinstance(route, RouteMonitoring) and route.body == wire.update()


# ---------------------------------------------------------------- bad input


def failure(data: bytes, close: bool = False) -> str:
    """The error of a session made of `data`; the messages before it were decoded."""
    decoder = Decoder()
    decoder.feed(data)
    if close:
        decoder.close()
    assert decoder.error is not None
    assert decoder.feed(bmp.initiation()) == []  # nothing is read after the error
    return str(decoder.error)


GOOD = bmp.initiation(bmp.tlv(2, b"r1"))  # 12 octets


@pytest.mark.parametrize(
    "data, close, expected",
    [
        (
            GOOD + bmp.common(4, b"", version=1),
            False,
            "BMP message 2 (initiation) at offset 12: version 1, only 3 and 4 are read",
        ),
        (GOOD + struct.pack("!BIB", 3, 3, 4), False, "BMP message 2 (initiation) at offset 13: message length 3"),
        (
            GOOD + struct.pack("!BIB", 3, 1 << 30, 0),
            False,
            "BMP message 2 (route-monitoring) at offset 13: message length",
        ),
        (GOOD + peer_up()[:-10], True, "BMP message 2 (peer-up) at offset 12: the session ended"),
        (GOOD + bmp.common(9, b""), False, "BMP message 2 (type 9) at offset 17: unknown message type 9"),
        (
            GOOD + bmp.common(0, bmp.peer_header()[:20]),
            False,
            "BMP message 2 (route-monitoring) at offset 18: the per-peer header needs 42 octets, 20 left",
        ),
        (
            GOOD + bmp.common(0, bmp.peer_header() + bmp.indexed_tlv(0, b"\x00" * 19)),
            False,
            "BMP message 2 (route-monitoring) at offset 66: the BGP UPDATE does not start with the BGP marker",
        ),
        (
            GOOD + bmp.common(0, bmp.peer_header() + bmp.MARKER + struct.pack("!HB", 4000, 2) + wire.update()),
            False,
            "BMP message 2 (route-monitoring) at offset 60: the BGP UPDATE declares 4000 octets, 23 left in the BMP message",
        ),
        (
            GOOD + bmp.common(0, bmp.peer_header() + bmp.bgp(4, b"")),
            False,
            "BMP message 2 (route-monitoring) at offset 60: the BGP UPDATE is a BGP message of type 4, not 2",
        ),
        (
            GOOD + bmp.common(4, bmp.tlv(2, b"r1")[:-1]),
            False,
            "BMP message 2 (initiation) at offset 22: information TLV 2 needs 2 octets, 1 left",
        ),
        (
            GOOD + bmp.peer_up(bmp.peer_header(), "10.0.0.1", 1, 2, b"\x04" + ROUTER_OPEN[1:9], PEER_OPEN),
            False,
            "BMP message 2 (peer-up) at offset 80: the sent OPEN is malformed",
        ),
        (
            GOOD + bmp.statistics(bmp.peer_header(), bmp.tlv(0, b"\x00\x01")),
            False,
            "BMP message 2 (statistics-report) at offset 68: statistic 0 of 2 octets (4, 8 or 11 expected)",
        ),
        (
            GOOD + bmp.common(1, bmp.peer_header() + struct.pack("!I", 2) + bmp.tlv(0, bytes(4))),
            False,
            "BMP message 2 (statistics-report) at offset 72: the type of a statistic needs 2 octets, 0 left",
        ),
    ],
)
def test_bad_input_names_the_message_and_the_offset(data, close, expected):
    assert failure(data, close).startswith(expected)


def test_messages_before_the_error_are_kept():
    decoder = Decoder()
    messages = decoder.feed(GOOD + GOOD + bmp.common(4, b"", version=2))
    assert len(messages) == 2 and decoder.count == 2
    assert "BMP message 3 (initiation) at offset 24" in str(decoder.error)


def test_decode_raises_for_one_message():
    with pytest.raises(BmpError, match=r"BMP message 5 \(peer-down\) at offset 1048: the reason needs 1 octets"):
        decode(bmp.common(2, bmp.peer_header()), 5, 1000)


def test_an_update_a_session_would_reset_on_is_told_and_the_session_goes_on():
    """RFC 7606 section 4: withdrawn routes whose length overruns the message can not be read; the line says
    so with the octets, and the next message is read as usual."""
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    broken = b"\x00\x05\x00\x00"
    body = wire.update(attributes=ORIGIN_IGP + as_path4(65001) + NEXT_HOP, nlri=bytes((8, 10)))
    error, good = lines(bmp.route_monitoring(header, broken), bmp.route_monitoring(header, body))
    assert error["neighbor"]["error"] == {
        "code": 3,
        "subcode": 1,
        "reason": "withdrawn routes length overruns the message",
        "body": "0x00050000",
    }
    assert "message" not in error["neighbor"]
    assert good["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["10.0.0.2"] == [{"nlri": "10.0.0.0/8"}]


def test_the_router_keeps_each_rib_of_each_peer():
    router = Router("127.0.0.1", 4000, keep=True)
    printer = BmpPrinter(DAEMON, router)
    pre = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    post = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2", flags=0x40)
    announce = wire.update(attributes=ORIGIN_IGP + as_path4(65001) + NEXT_HOP, nlri=bytes((8, 10)) + bytes((8, 11)))
    withdraw = wire.update(withdrawn=bytes((8, 11)))
    stream = [peer_up(), bmp.route_monitoring(pre, announce), bmp.route_monitoring(post, announce)]
    stream.append(bmp.route_monitoring(post, withdraw))
    for message in Decoder().feed(b"".join(stream)):
        printer.line(1.0, message)
    kept = {name: sorted(str(route.nlri.text()) for route in rib.routes()) for _n, name, rib, _c in router.tables()}
    assert kept == {"pre-policy": ["10.0.0.0/8", "11.0.0.0/8"], "post-policy": ["10.0.0.0/8"]}
    ((neighbor, _name, rib, _ctx), _other) = router.tables()
    assert neighbor.local_address == "10.0.0.1" and router.holds(rib)
    (down,) = Decoder().feed(bmp.peer_down(pre, 4))
    printer.line(1.0, down)
    assert router.tables() == [] and not router.holds(rib)


def test_peer_information_tlvs():
    """RFC 9736: the Peer Up Information TLVs have their own namespace: string (0), VRF/Table Name (3, RFC 9069
    section 5.2), Admin Label (4); a Peer Down of reason 6 (RFC 9069 section 5.5) carries TLVs of it too."""
    header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
    up_message = bmp.peer_up(
        header,
        "10.0.0.1",
        179,
        50000,
        ROUTER_OPEN,
        PEER_OPEN,
        bmp.tlv(0, b"hi"),
        bmp.tlv(3, b"blue"),
        bmp.tlv(4, b"transit"),
        bmp.tlv(9, b"?"),
    )
    up, down = lines(up_message, bmp.peer_down(header, 6, bmp.tlv(3, b"blue")))
    assert up["bmp"]["information"] == [
        {"type": "string", "value": "hi"},
        {"type": "vrf-table-name", "value": "blue"},
        {"type": "admin-label", "value": "transit"},
        {"type": "9", "value": "?"},
    ]
    assert down["neighbor"]["reason"] == "local-system-closed"
    assert down["neighbor"]["information"] == [{"type": "vrf-table-name", "value": "blue"}]
