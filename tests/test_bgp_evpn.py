"""EVPN NLRI (RFC 7432 section 7, RFC 9136 section 3.1, `exabgp.bgp.evpn`): decode, pack, 5.0's text and JSON.

The expected JSON and text below are what ExaBGP 5.0.15 printed for crafted NLRI of every route type
(``exabgp decode -f "l2vpn evpn"`` on UPDATEs carrying them in MP_REACH_NLRI and MP_UNREACH_NLRI, and
the ``str()`` 5.0.15 gives the decoded NLRI, the name its logs use).  5.0 can neither configure nor
announce EVPN: decode only.  The reference vector ``bgp-evpn-1`` (a withdrawal of several routes, one of
an unknown route type) is checked through `update_json` when ``../shared`` is present.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp.api.json_update import general_update_json, update_json
from exabgp.api.text_message import update_text
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.bgp.evpn import EVPN, decode_evpn
from exabgp.bgp.update import Update
from exabgp.rib.incoming import AdjRibIn
from qa.wire import mp_nlri
from qa.hypothesis_profiles import examples


CTX = CodecContext()

#: (case, NLRI octets, 5.0.15's JSON, 5.0.15's text)
RECORDED = [
    (
        "t1",
        "01190000FDE8000000640011223344556677889900000064000641",
        '{ "code": 1, "parsed": true, "raw": "01190000FDE8000000640011223344556677889900000064000641", "name"'
        ': "Ethernet Auto-Discovery", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-ta'
        'g": 100, "label": [ [100, 1601] ] }',
        "evpn:ethernetad::65000:100:00:11:22:33:44:55:66:77:88:99:100: label 100 (1601)",
    ),
    (
        "t1nolabel",
        "01160001C0000201000A0000000000000000000000000064",
        '{ "code": 1, "parsed": true, "raw": "01160001C0000201000A0000000000000000000000000064", "name": "Eth'
        'ernet Auto-Discovery", "rd": "192.0.2.1:10", "esi": "-", "ethernet-tag": 100 }',
        "evpn:ethernetad::192.0.2.1:10:-:100:",
    ),
    (
        "t1twolabels",
        "011C0002000186A00007FFFFFFFFFFFFFFFFFFFF00000064000640000C81",
        '{ "code": 1, "parsed": true, "raw": "011C0002000186A00007FFFFFFFFFFFFFFFFFFFF00000064000640000C81", '
        '"name": "Ethernet Auto-Discovery", "rd": "100000:7", "esi": "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff", "ethern'
        'et-tag": 100, "label": [ [100, 1600] ] }',
        "evpn:ethernetad::100000:7:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:100: label 100 (1600)",
    ),
    (
        "t2nomac",
        "02210000FDE8000000640000000000000000000000000064300011223344AA00000641",
        '{ "code": 2, "parsed": true, "raw": "02210000FDE8000000640000000000000000000000000064300011223344AA0'
        '0000641", "name": "MAC/IP advertisement", "rd": "65000:100", "esi": "-", "ethernet-tag": 100, "mac":'
        ' "00:11:22:33:44:AA", "label": [ [100, 1601] ] }',
        "evpn:macadv::65000:100:-:100:00:11:22:33:44:AA/48:: label 100 (1601)",
    ),
    (
        "t2v4",
        "02250001C0000201000A0011223344556677889900000064300011223344AA200A010203000641",
        '{ "code": 2, "parsed": true, "raw": "02250001C0000201000A0011223344556677889900000064300011223344AA2'
        '00A010203000641", "name": "MAC/IP advertisement", "rd": "192.0.2.1:10", "esi": "00:11:22:33:44:55:66'
        ':77:88:99", "ethernet-tag": 100, "mac": "00:11:22:33:44:AA", "label": [ [100, 1601] ], "ip": "10.1.2'
        '.3" }',
        "evpn:macadv::192.0.2.1:10:00:11:22:33:44:55:66:77:88:99:100:00:11:22:33:44:AA/48:10.1.2.3: label 100 (1601)",
    ),
    (
        "t2v6two",
        "02340002000186A000070000000000000000000000000064300011223344AA8020010DB8000000000000000000000001000640000C81",
        '{ "code": 2, "parsed": true, "raw": "02340002000186A000070000000000000000000000000064300011223344AA8'
        '020010DB8000000000000000000000001000640000C81", "name": "MAC/IP advertisement", "rd": "100000:7", "e'
        'si": "-", "ethernet-tag": 100, "mac": "00:11:22:33:44:AA", "label": [ [100, 1600] ], "ip": "2001:db8'
        '::1" }',
        "evpn:macadv::100000:7:-:100:00:11:22:33:44:AA/48:2001:db8::1: label 100 (1600)",
    ),
    (
        "t2nomac2",
        "022400050102030405060000000000000000000000000000300011223344AA00000641000C81",
        '{ "code": 2, "parsed": true, "raw": "022400050102030405060000000000000000000000000000300011223344AA0'
        '0000641000C81", "name": "MAC/IP advertisement", "rd": "0x0005010203040506", "esi": "-", "ethernet-ta'
        'g": 0, "mac": "00:11:22:33:44:AA", "label": [ [100, 1601] ] }',
        "evpn:macadv::0x0005010203040506:-:0:00:11:22:33:44:AA/48:: label 100 (1601)",
    ),
    (
        "t3v4",
        "03110000FDE80000006400000064200A010203",
        '{ "code": 3, "parsed": true, "raw": "03110000FDE80000006400000064200A010203", "name": "Inclusive Mul'
        'ticast Ethernet Tag", "rd": "65000:100", "ethernet-tag": 100, "ip": "10.1.2.3" }',
        "evpn:multicast::65000:100:100:10.1.2.3",
    ),
    (
        "t3v6",
        "031D0001C0000201000A000000648020010DB8000000000000000000000001",
        '{ "code": 3, "parsed": true, "raw": "031D0001C0000201000A000000648020010DB8000000000000000000000001"'
        ', "name": "Inclusive Multicast Ethernet Tag", "rd": "192.0.2.1:10", "ethernet-tag": 100, "ip": "2001'
        ':db8::1" }',
        "evpn:multicast::192.0.2.1:10:100:2001:db8::1",
    ),
    (
        "t4v4",
        "04170000FDE80000006400112233445566778899200A010203",
        '{ "code": 4, "parsed": true, "raw": "04170000FDE80000006400112233445566778899200A010203", "name": "E'
        'thernet Segment", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88:99", "ip": "10.1.2.3" }',
        "evpn:segment::65000:100:00:11:22:33:44:55:66:77:88:99:10.1.2.3",
    ),
    (
        "t4v6",
        "04230002000186A00007000000000000000000008020010DB8000000000000000000000001",
        '{ "code": 4, "parsed": true, "raw": "04230002000186A00007000000000000000000008020010DB80000000000000'
        '00000000001", "name": "Ethernet Segment", "rd": "100000:7", "esi": "-", "ip": "2001:db8::1" }',
        "evpn:segment::100000:7:-:2001:db8::1",
    ),
    (
        "t5v4",
        "05220000FDE8000000640011223344556677889900000064180A010200C0000201000641",
        '{ "code": 5, "parsed": true, "raw": "05220000FDE8000000640011223344556677889900000064180A010200C0000'
        '201000641", "name": "IP Prefix Advertisement", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88'
        ':99", "ethernet-tag": 100, "label": [ [100, 1601] ], "ip": "10.1.2.0", "iplen": 24, "gateway": "192.'
        '0.2.1" }',
        "evpn:prfxadv::65000:100:00:11:22:33:44:55:66:77:88:99:100:10.1.2.0/24:192.0.2.1: label 100 (1601)",
    ),
    (
        "t5v6",
        "053A0001C0000201000A00000000000000000000000000644020010DB8000100000000000000000000000000000000000000"
        "00000000000000000C81",
        '{ "code": 5, "parsed": true, "raw": "053A0001C0000201000A00000000000000000000000000644020010DB800010'
        '000000000000000000000000000000000000000000000000000000C81", "name": "IP Prefix Advertisement", "rd":'
        ' "192.0.2.1:10", "esi": "-", "ethernet-tag": 100, "label": [ [200, 3201] ], "ip": "2001:db8:1::", "i'
        'plen": 64, "gateway": "::" }',
        "evpn:prfxadv::192.0.2.1:10:-:100:2001:db8:1::/64:::: label 200 (3201)",
    ),
    ("t9", "0903010203", '{ "code": 9, "parsed": false, "raw": "0903010203" }', "evpn:unknown:0x010203"),
    ("t0", "0000", '{ "code": 0, "parsed": false, "raw": "0000" }', "evpn:unknown:0x"),
]

#: (case, kind, UPDATE without marker, length and type, 5.0.15's ``update`` object as ``exabgp decode`` printed it)
UPDATES = [
    (
        "t2v4",
        "reach",
        "000000414001010040020040050400000064800E30001946040A0000010002250001C0000201000A00112233445566778899"
        "00000064300011223344AA200A010203000641",
        '{ "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "l2vpn evpn":'
        ' { "10.0.0.1": [ { "code": 2, "parsed": true, "raw": "02250001C0000201000A00112233445566778899000000'
        '64300011223344AA200A010203000641", "name": "MAC/IP advertisement", "rd": "192.0.2.1:10", "esi": "00:'
        '11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "mac": "00:11:22:33:44:AA", "label": [ [100, 1601]'
        ' ], "ip": "10.1.2.3" } ] } } } }',
    ),
    (
        "t2v4",
        "unreach",
        "0000002D800F2A00194602250001C0000201000A0011223344556677889900000064300011223344AA200A010203000641",
        '{ "update": { "withdraw": { "l2vpn evpn": [ { "code": 2, "parsed": true, "raw": "02250001C0000201000'
        'A0011223344556677889900000064300011223344AA200A010203000641", "name": "MAC/IP advertisement", "rd": '
        '"192.0.2.1:10", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "mac": "00:11:22:33:44:'
        'AA", "label": [ [100, 1601] ], "ip": "10.1.2.3" } ] } } }',
    ),
    (
        "t5v6",
        "reach",
        "000000564001010040020040050400000064800E45001946040A00000100053A0001C0000201000A00000000000000000000"
        "000000644020010DB800010000000000000000000000000000000000000000000000000000000C81",
        '{ "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "l2vpn evpn":'
        ' { "10.0.0.1": [ { "code": 5, "parsed": true, "raw": "053A0001C0000201000A00000000000000000000000000'
        '644020010DB800010000000000000000000000000000000000000000000000000000000C81", "name": "IP Prefix Adve'
        'rtisement", "rd": "192.0.2.1:10", "esi": "-", "ethernet-tag": 100, "label": [ [200, 3201] ], "ip": "'
        '2001:db8:1::", "iplen": 64, "gateway": "::" } ] } } } }',
    ),
    (
        "t5v6",
        "unreach",
        "00000042800F3F001946053A0001C0000201000A00000000000000000000000000644020010DB80001000000000000000000"
        "0000000000000000000000000000000000000C81",
        '{ "update": { "withdraw": { "l2vpn evpn": [ { "code": 5, "parsed": true, "raw": "053A0001C0000201000'
        "A00000000000000000000000000644020010DB800010000000000000000000000000000000000000000000000000000000C8"
        '1", "name": "IP Prefix Advertisement", "rd": "192.0.2.1:10", "esi": "-", "ethernet-tag": 100, "label'
        '": [ [200, 3201] ], "ip": "2001:db8:1::", "iplen": 64, "gateway": "::" } ] } } }',
    ),
]

MALFORMED = [
    "01",  # header truncated
    "0105000000",  # length past the end
    "01150000FDE800000064001122334455667788990000006400",  # type 1: 21 octets
    "011A0000FDE80000006400112233445566778899000000640006410000",  # type 1: a partial second label
    "021D0000FDE8000000640000000000000000000000000064300011223344",  # type 2: 29 octets
    "02210000FDE8000000640000000000000000000000000064280011223344AA00000641",  # type 2: MAC length 40 bits
    "02210000FDE8000000640000000000000000000000000064300011223344AA18000641",  # type 2: IP length 24 bits
    "02220000FDE8000000640000000000000000000000000064300011223344AA0000064100",  # type 2: 34 octets, no IP
    "02250000FDE8000000640000000000000000000000000064300011223344AA800A010203000641",  # type 2: 128 bits, 4 octets
    "030C0000FDE80000006400000064",  # type 3: 12 octets
    "03110000FDE80000006400000064180A010203",  # type 3: IP length 24 bits
    "03120000FDE80000006400000064200A01020300",  # type 3: one octet too many
    "04120000FDE800000064001122334455667788",  # type 4: 18 octets
    "04170000FDE80000006400112233445566778899400A010203",  # type 4: IP length 64 bits
    "04160000FDE80000006400112233445566778899200A0102",  # type 4: address cut
    "05210000FDE8000000640011223344556677889900000064180A010200C00002010006",  # type 5: 33 octets
    "0506000000000000",  # type 5: 6 octets
]


# ---- decoding, packing, 5.0's JSON and text ------------------------------------------------------


@pytest.mark.parametrize("case, octets, expected, text", RECORDED, ids=[case[0] for case in RECORDED])
def test_decode_pack_json_and_text_as_5_0(case, octets, expected, text):
    (evpn,) = decode_evpn(bytes.fromhex(octets))
    assert evpn.json() == expected == evpn.json("10.0.0.1")
    assert evpn.text() == text
    assert evpn.pack().hex().upper() == octets
    assert (evpn.afi, evpn.safi, evpn.code) == (25, 70, bytes.fromhex(octets)[0])
    assert nlri_module.decode(25, 70, bytes.fromhex(octets), False) == [evpn]


def test_every_route_type_and_field_is_covered():
    documents = [json.loads(expected) for _, _, expected, _ in RECORDED]
    assert {document["code"] for document in documents} == {0, 1, 2, 3, 4, 5, 9}
    assert {document["rd"] for document in documents if "rd" in document} == {
        "65000:100",
        "192.0.2.1:10",
        "100000:7",
        "0x0005010203040506",
    }
    assert {document["esi"] for document in documents if "esi" in document} == {
        "-",
        "00:11:22:33:44:55:66:77:88:99",
        "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff",
    }
    assert [document["parsed"] for document in documents].count(False) == 2


def test_several_nlri_in_one_section():
    octets = "".join(octets for _, octets, _, _ in RECORDED)
    decoded = decode_evpn(bytes.fromhex(octets))
    assert [evpn.json() for evpn in decoded] == [expected for _, _, expected, _ in RECORDED]
    assert nlri_module.encode(25, 70, decoded, False).hex().upper() == octets
    assert decode_evpn(b"") == []


def test_equal_and_hashable_by_wire_form():
    first, second = (decode_evpn(bytes.fromhex(RECORDED[0][1]))[0] for _ in range(2))
    assert first == second and hash(first) == hash(second) and len({first, second}) == 1
    assert first != EVPN(first.code, first.body[:-1] + b"\x51")
    with pytest.raises(AttributeError):
        first.code = 2


@pytest.mark.parametrize("octets", MALFORMED)
def test_malformed_nlri_raise_3_10(octets):
    with pytest.raises(CodecError) as raised:
        decode_evpn(bytes.fromhex(octets))
    assert (raised.value.code, raised.value.subcode) == (3, 10)


def test_malformed_nlri_in_an_update_raises_3_10():
    body = bytes.fromhex(UPDATES[1][2])  # the MP_UNREACH_NLRI of a MAC/IP route with an IPv4 address
    broken = body[:-8] + b"\x21" + body[-7:]  # its IP Address Length: 33 bits
    with pytest.raises(CodecError) as raised:
        list(Update.decode(broken, CTX).changes(CTX))
    assert (raised.value.code, raised.value.subcode) == (3, 10)


# ---- whole UPDATEs: JSON, text encoder, RIB --------------------------------------------------------


@pytest.mark.parametrize("case, kind, body, expected", UPDATES, ids=[f"{case[0]}-{case[1]}" for case in UPDATES])
def test_update_json_as_5_0(case, kind, body, expected):
    update = Update.decode(bytes.fromhex(body), CTX)
    assert update_json(update, CTX) == expected == general_update_json(update, CTX)
    changes = list(update.changes(CTX))
    assert {type(nlri) for _, _, _, nlri in changes} == {EVPN}
    assert mp_nlri(bytes.fromhex(body)) == [b"".join(nlri.pack() for _, _, _, nlri in changes)]
    assert Update(*update.parts(CTX)).encode(CTX) == bytes.fromhex(body)


HEAD = "neighbor 127.0.0.2 receive update"


def test_text_encoder_prints_the_family_only():
    """5.0's text encoder prints an EVPN NLRI as its family (``afi l2vpn safi evpn``), next hop or not."""
    announce, withdraw = (Update.decode(bytes.fromhex(body), CTX) for _, _, body, _ in UPDATES[:2])
    assert update_text(HEAD, announce, CTX, "") == (
        f"{HEAD} start\n{HEAD} announced afi l2vpn safi evpn origin igp local-preference 100\n{HEAD} end"
    )
    assert update_text(HEAD, withdraw, CTX, "") == f"{HEAD} start\n{HEAD} withdrawn afi l2vpn safi evpn\n{HEAD} end"


def test_adj_rib_in_stores_and_withdraws_evpn():
    rib = AdjRibIn()
    rib.update(Update.decode(bytes.fromhex(UPDATES[0][2]), CTX), CTX)
    rib.update(Update.decode(bytes.fromhex(UPDATES[2][2]), CTX), CTX)
    routes = list(rib.routes())
    assert sorted(route.nlri.code for route in routes) == [2, 5]
    assert {type(route.nlri) for route in routes} == {EVPN}
    assert {route.nexthop for route in routes} == {bytes((10, 0, 0, 1))}
    rib.update(Update.decode(bytes.fromhex(UPDATES[1][2]), CTX), CTX)
    assert [route.nlri.code for route in rib.routes()] == [5]


def test_reference_vector_bgp_evpn_1(reference):
    kind, payload, expected = (reference / "decoding" / "bgp-evpn-1").read_text().splitlines()[:3]
    assert kind == "update l2vpn evpn"
    update = Update.decode(bytes.fromhex(payload), CTX)
    message = json.loads(expected)["neighbor"]["message"]
    assert json.loads(update_json(update, CTX)) == message
    withdrawn = message["update"]["withdraw"]["l2vpn evpn"]
    decoded = [nlri for _, _, _, nlri in update.changes(CTX)]
    assert [nlri.pack().hex().upper() for nlri in decoded] == [item["raw"] for item in withdrawn]
    assert [nlri.code for nlri in decoded] == [8, 2, 2, 2, 2, 2]


# ---- round trip -----------------------------------------------------------------------------------

labels = st.binary(min_size=3, max_size=3)
addresses = st.binary(min_size=4, max_size=4) | st.binary(min_size=16, max_size=16)
prefix_pair = st.sampled_from((4, 16)).flatmap(
    lambda size: st.tuples(st.binary(min_size=size, max_size=size), st.binary(min_size=size, max_size=size))
)
known = st.one_of(
    st.builds(
        lambda head, stack: EVPN(1, head + b"".join(stack)),
        st.binary(min_size=22, max_size=22),
        st.lists(labels, max_size=3),
    ),
    st.builds(
        lambda head, mac, ip, stack: EVPN(2, head + b"\x30" + mac + bytes((len(ip) * 8,)) + ip + b"".join(stack)),
        st.binary(min_size=22, max_size=22),
        st.binary(min_size=6, max_size=6),
        st.just(b"") | addresses,
        st.lists(labels, min_size=1, max_size=2),
    ),
    st.builds(
        lambda head, ip: EVPN(3, head + bytes((len(ip) * 8,)) + ip), st.binary(min_size=12, max_size=12), addresses
    ),
    st.builds(
        lambda head, ip: EVPN(4, head + bytes((len(ip) * 8,)) + ip), st.binary(min_size=18, max_size=18), addresses
    ),
    st.builds(
        lambda head, plen, pair, label: EVPN(5, head + bytes((plen,)) + pair[0] + pair[1] + label),
        st.binary(min_size=22, max_size=22),
        st.integers(0, 255),
        prefix_pair,
        labels,
    ),
)
unknown = st.builds(EVPN, st.integers(0, 0) | st.integers(6, 255), st.binary(max_size=40))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(known | unknown, max_size=4))
def test_round_trip(originals):
    packed = b"".join(evpn.pack() for evpn in originals)
    decoded = decode_evpn(packed)
    assert decoded == originals
    assert nlri_module.encode(25, 70, decoded, False) == packed
    for evpn in decoded:
        document = json.loads(evpn.json())
        assert document["code"] == evpn.code and document["raw"] == evpn.pack().hex().upper()
        assert document["parsed"] == (1 <= evpn.code <= 5)
        assert evpn.text().startswith("evpn:")


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=80))
def test_random_octets_decode_or_raise_codec_error(data):
    try:
        decoded = decode_evpn(data)
    except CodecError as error:
        assert (error.code, error.subcode) == (3, 10)
    else:
        assert b"".join(evpn.pack() for evpn in decoded) == data
        for evpn in decoded:
            json.loads(evpn.json())
