"""MCAST-VPN NLRI (RFC 6514 section 4, `exabgp.bgp.mvpn`): decode, pack, 5.0's text and JSON, the RIBs.

The expected JSON below is what ExaBGP 5.0.15 printed: ``exabgp decode -f "ipv4 mcast-vpn"`` for the
UPDATEs of the reference encoding messages (conf-mvpn.msg) and ``exabgp decode -n`` for crafted NLRI;
the text names as ``exabgp validate -nrv`` printed them (``parsed route mvpn:...``); the ``encoder text``
lines as a 5.0.15 daemon wrote them to its helper when a second 5.0.15 daemon announced and withdrew
MCAST-VPN routes to it.  When the reference tree (``../shared``) is present, the recorded messages are
checked to be its messages.
"""

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec import split_update, walk_attributes
from exabgp._codec.errors import CodecError
from exabgp.api.json_update import general_update_json
from exabgp.api.text_message import update_text
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.bgp.mvpn import MVPN, build, decode_mvpn
from exabgp.bgp.route import AttributeSet, Route
from exabgp.bgp.update import Update
from exabgp.rib import packing
from exabgp.rib.incoming import AdjRibIn
from exabgp.rib.outgoing import AdjRibOut
from qa.wire import mp_nlri
from qa.hypothesis_profiles import examples


CTX = CodecContext()

#: the UPDATEs of conf-mvpn.msg (marker, length and type removed)
CONF_MVPN = [
    "0000005C400101004002004003040A0A060340050400000064C010080102C0A85E0C0005800E39000105040A0A06030006160000FDE8"
    "0001869F0000FDE8200A63C70120EFFBFFE407160000FDE80001869F0000FDE8200A630C0220EFFBFFE4",
    "0000008C400101004002004003040A0A060340050400000064C010080102C0A85E0C0005800E69000205040A0A060300062E0000FDE8"
    "0001869F0000FDE880FD00000000000000000000000000000180FF0E0000000000000000000000000001072E0000FDE80001869F0000"
    "FDE880FD12000000000000000000000000000280FF0E0000000000000000000000000001",
    "00000040400101004002004003040A0A060440050400000064C010080002FDE80001869F800E1D000105040A0A06040005120000FDE8"
    "0001869F200A630C0420EFFBFFE4",
    "00000058400101004002004003040A0A060440050400000064C010080002FDE80001869F800E35000205040A0A060400052A0000FDE8"
    "0001869F80FD12000000000000000000000000000480FF0E0000000000000000000000000001",
]

#: 5.0.15's JSON for the first one (``exabgp decode``, the ``update`` object)
CONF_MVPN_FIRST_JSON = (
    '{ "update": { "attribute": { "origin": "igp", "local-preference": 100, "extended-community": [ { "value": '
    '72832373356232709, "string": "target:192.168.94.12:5" } ] }, "announce": { "ipv4 mcast-vpn": { "10.10.6.3": '
    '[ { "code": 6, "parsed": true, "raw": "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4", "name": '
    '"C-Multicast Shared Tree Join route", "rd": "65000:99999", "source-as": "65000", "source": "10.99.199.1", '
    '"group": "239.251.255.228"}, { "code": 7, "parsed": true, "raw": "07160000FDE80001869F0000FDE8200A630C0220EFFB'
    'FFE4", "name": "C-Multicast Source Tree Join route", "rd": "65000:99999", "source-as": "65000", "source": '
    '"10.99.12.2", "group": "239.251.255.228"} ] } } } }'
)

#: (afi, NLRI) -> 5.0.15's JSON (``exabgp decode -n``)
RECORDED = [
    (
        1,
        "05120001010203040005200A00000120E8010101",
        '{ "code": 5, "parsed": true, "raw": "05120001010203040005200A00000120E8010101", "name": "Source Active A-D '
        'Route", "rd": "1.2.3.4:5", "source": "10.0.0.1", "group": "232.1.1.1"}',
    ),
    (
        1,
        "06160002000111700005FFFFFFFF20C000020120EF010101",
        '{ "code": 6, "parsed": true, "raw": "06160002000111700005FFFFFFFF20C000020120EF010101", "name": "C-Multicast '
        'Shared Tree Join route", "rd": "70000:5", "source-as": "4294967295", "source": "192.0.2.1", "group": '
        '"239.1.1.1"}',
    ),
    (
        2,
        "072E0000FDE800000001000000008020010DB800000000000000000000000180FF3E0000000000000000000080000001",
        '{ "code": 7, "parsed": true, "raw": "072E0000FDE800000001000000008020010DB8000000000000000000000001'
        '80FF3E0000000000000000000080000001", "name": "C-Multicast Source Tree Join route", "rd": "65000:1", '
        '"source-as": "0", "source": "2001:db8::1", "group": "ff3e::8000:1"}',
    ),
    (
        2,
        "052A0000000000000000800000000000000000000000000000000080FF020000000000000000000000000001",
        '{ "code": 5, "parsed": true, "raw": "052A000000000000000080000000000000000000000000000000008'
        '0FF020000000000000000000000000001", "name": "Source Active A-D Route", "rd": "0:0", "source": "::", '
        '"group": "ff02::1"}',
    ),
    # IPv6 addresses in an ipv4 mcast-vpn NLRI: 5.0 reads them
    (
        1,
        "072E0000FFFFFFFFFFFF0000FDE98020010DB800000000000000000000000280FF3E0000000000000000000000000001",
        '{ "code": 7, "parsed": true, "raw": "072E0000FFFFFFFFFFFF0000FDE98020010DB8000000000000000000000002'
        '80FF3E0000000000000000000000000001", "name": "C-Multicast Source Tree Join route", "rd": '
        '"65535:4294967295", "source-as": "65001", "source": "2001:db8::2", "group": "ff3e::1"}',
    ),
    (
        1,
        "05120003000100020003200A00000120E8000001",
        '{ "code": 5, "parsed": true, "raw": "05120003000100020003200A00000120E8000001", "name": "Source Active A-D '
        'Route", "rd": "0x0003000100020003", "source": "10.0.0.1", "group": "232.0.0.1"}',
    ),
    # route types 5.0 does not decode: kept as octets
    (1, "010C00000000000000000A000001", '{ "code": 1, "parsed": false, "raw": "010C00000000000000000A000001" }'),
    (1, "03050102030405", '{ "code": 3, "parsed": false, "raw": "03050102030405" }'),
    (2, "0400", '{ "code": 4, "parsed": false, "raw": "0400" }'),
]

#: what 5.0.15 refuses ("invalid payload"): truncated header, length past the end, address length 33, IPv4
#: and IPv6 mixed, a type 6 of the size of a type 5, octets left after the group, a truncated group
MALFORMED = [
    "05",
    "0513000100",
    "05120001010203040005210A00000120E8010101",
    "051E0000FDE80001869F200A630C0480FF0E0000000000000000000000000001",
    "06120001010203040005200A00000120E8010101",
    "05130001010203040005200A00000120E801010100",
    "07160002000111700005FFFFFFFF20C000020120EF0101",
    "0512000101020304000520",
]


# ---- decoding, packing, 5.0's JSON and text ------------------------------------------------------


@pytest.mark.parametrize("afi, octets, expected", RECORDED)
def test_decode_pack_and_json_as_5_0(afi, octets, expected):
    (mvpn,) = decode_mvpn(afi, bytes.fromhex(octets))
    assert mvpn.json() == expected == mvpn.json("10.0.0.1")
    assert mvpn.pack().hex().upper() == octets
    assert (mvpn.afi, mvpn.safi) == (afi, 5)


def test_fields_and_build():
    (mvpn,) = decode_mvpn(1, bytes.fromhex(RECORDED[1][1]))
    assert mvpn == build(
        1,
        6,
        bytes.fromhex("0002000111700005"),
        socket.inet_aton("192.0.2.1"),
        socket.inet_aton("239.1.1.1"),
        4294967295,
    )
    assert mvpn != MVPN(2, mvpn.code, mvpn.body)  # the AFI is part of the NLRI
    group = socket.inet_aton("239.1.1.1")
    with pytest.raises(ValueError, match="type 6 needs a source AS"):
        build(1, 6, bytes(8), socket.inet_aton("192.0.2.1"), group)


def test_text_as_5_0_prints_routes():
    # exabgp validate -nrv: "parsed route mvpn:..." (conf-mvpn.conf and crafted routes)
    names = [decode_mvpn(afi, bytes.fromhex(octets))[0].text() for afi, octets, _ in RECORDED]
    assert names[:2] == [
        "mvpn:sourcead::1.2.3.4:5:10.0.0.1:232.1.1.1",
        "mvpn:shared-join::70000:5:4294967295:192.0.2.1:239.1.1.1",
    ]
    assert names[2] == "mvpn:source-join::65000:1:0:2001:db8::1:ff3e::8000:1"
    assert names[7] == "mvpn:unknown:0x0102030405"
    update = Update.decode(bytes.fromhex(CONF_MVPN[1]), CTX)
    assert [nlri.text() for _, _, _, nlri in update.changes(CTX)] == [
        "mvpn:shared-join::65000:99999:65000:fd00::1:ff0e::1",
        "mvpn:source-join::65000:99999:65000:fd12::2:ff0e::1",
    ]


def test_configuration_form():
    (join,) = decode_mvpn(2, bytes.fromhex(RECORDED[2][1]))
    assert join.spec() == "source-join source 2001:db8::1 group ff3e::8000:1 rd 65000:1 source-as 0"
    (shared,) = decode_mvpn(1, bytes.fromhex(RECORDED[1][1]))
    assert shared.spec() == "shared-join rp 192.0.2.1 group 239.1.1.1 rd 70000:5 source-as 4294967295"
    (active,) = decode_mvpn(1, bytes.fromhex(RECORDED[0][1]))
    assert active.spec() == "source-ad source 10.0.0.1 group 232.1.1.1 rd 1.2.3.4:5"


def test_several_nlri_in_one_section():
    both = bytes.fromhex(RECORDED[0][1] + RECORDED[6][1] + RECORDED[1][1])
    assert [mvpn.json() for mvpn in decode_mvpn(1, both)] == [RECORDED[0][2], RECORDED[6][2], RECORDED[1][2]]
    assert decode_mvpn(1, b"") == []


@pytest.mark.parametrize("octets", MALFORMED)
def test_malformed_nlri(octets):
    with pytest.raises(CodecError) as raised:
        decode_mvpn(1, bytes.fromhex(octets))
    assert (raised.value.code, raised.value.subcode) == (3, 10)


def test_malformed_nlri_in_an_update_raises_3_10():
    body = bytes.fromhex(CONF_MVPN[2])
    broken = body[:-5] + b"\x21" + body[-4:]  # the group length octet: 33 bits
    with pytest.raises(CodecError) as raised:
        list(Update.decode(broken, CTX).changes(CTX))
    assert (raised.value.code, raised.value.subcode) == (3, 10)


@pytest.mark.parametrize("body", CONF_MVPN)
def test_reference_updates_decode_and_pack_again(body):
    update = Update.decode(bytes.fromhex(body), CTX)
    changes = list(update.changes(CTX))
    assert {(family[1], type(mvpn)) for _, family, _, mvpn in changes} == {(5, MVPN)}
    assert mp_nlri(bytes.fromhex(body)) == [b"".join(mvpn.pack() for _, _, _, mvpn in changes)]
    assert Update(*update.parts(CTX)).encode(CTX) == bytes.fromhex(body)


def test_update_json_as_5_0():
    assert general_update_json(Update.decode(bytes.fromhex(CONF_MVPN[0]), CTX), CTX) == CONF_MVPN_FIRST_JSON
    mvpn = decode_mvpn(1, bytes.fromhex(RECORDED[0][1]))[0]
    (body,) = packing.withdraw_bodies(1, 5, AttributeSet(), b"", [mvpn], CTX)
    assert general_update_json(Update.decode(body, CTX), CTX) == (
        '{ "update": { "withdraw": { "ipv4 mcast-vpn": [ ' + RECORDED[0][2] + " ] } } }"
    )


def test_recorded_updates_are_the_reference_ones(reference):
    lines = (reference / "encoding" / "conf-mvpn.msg").read_text().split()
    bodies = [line.split(":raw:", 1)[1].replace(":", "")[32 + 6 :] for line in lines if ":raw:" in line]
    assert bodies == CONF_MVPN


# ---- the text encoder, as a 5.0.15 daemon wrote it to its helper -------------------------------

ORIGIN_MED_LP_TARGET = AttributeSet(
    [
        (1, 0x40, b"\x00"),
        (4, 0x80, (5).to_bytes(4, "big")),
        (5, 0x40, (100).to_bytes(4, "big")),
        (16, 0xC0, bytes.fromhex("0102C0A85E0C0005")),
    ]
)
HEAD = "neighbor 127.0.0.2 receive update"


def test_text_encoder_lines_as_5_0():
    """5.0 prints the family of an MCAST-VPN NLRI, not the route, with or without next hop."""
    mvpn = decode_mvpn(1, bytes.fromhex(CONF_MVPN[0][-96:-48]))[0]
    assert mvpn.code == 6
    (announce,) = packing.announce_bodies(1, 5, ORIGIN_MED_LP_TARGET, bytes((10, 10, 6, 3)), [mvpn], CTX)
    assert update_text(HEAD, Update.decode(announce, CTX), CTX, "") == (
        f"{HEAD} start\n"
        f"{HEAD} announced afi ipv4 safi mcast-vpn origin igp med 5 local-preference 100"
        " extended-community target:192.168.94.12:5\n"
        f"{HEAD} end"
    )
    six = decode_mvpn(2, bytes.fromhex(RECORDED[3][1]))[0]
    (withdraw,) = packing.withdraw_bodies(2, 5, ORIGIN_MED_LP_TARGET, bytes((10, 10, 6, 3)), [six], CTX)
    assert update_text(HEAD, Update.decode(withdraw, CTX), CTX, "") == (
        f"{HEAD} start\n{HEAD} withdrawn afi ipv6 safi mcast-vpn\n{HEAD} end"
    )


# ---- the RIBs ------------------------------------------------------------------------------------


def test_adj_rib_out_groups_mcast_vpn_sorted_by_their_octets():
    """5.0.15 sorts grouped MCAST-VPN NLRI by their octets, route type first, whatever the order they were
    queued in (seen on the wire, qa.differential.wire, scenario random-2-5)."""
    first, second, third = (decode_mvpn(1, bytes.fromhex(octets))[0] for _, octets, _ in RECORDED[:3])
    nexthop = bytes((10, 10, 6, 3))
    adj = AdjRibOut()
    for mvpn in (second, first, third):
        assert adj.add(Route(mvpn, nexthop, ORIGIN_MED_LP_TARGET))
    assert not adj.add(Route(first, nexthop, ORIGIN_MED_LP_TARGET))
    (body,) = adj.updates(CTX, True)  # grouped (5.0's group-updates)
    assert mp_nlri(body) == [b"".join(sorted((second.pack(), first.pack(), third.pack())))]
    assert mp_nlri(body) != [second.pack() + first.pack() + third.pack()]  # not the order they came in
    assert len(list(adj.updates(CTX, True))) == 0
    for mvpn in (second, first):
        adj.add(Route(mvpn, nexthop, AttributeSet()))
    assert len(list(adj.updates(CTX, False))) == 2  # without group-updates: one NLRI per UPDATE
    adj.withdraw(Route(first, nexthop, AttributeSet()))
    (body,) = adj.updates(CTX, True)
    assert [code for code, _, _ in walk_attributes(split_update(body)[1])][-1] == 15
    assert mp_nlri(body) == [first.pack()]


def test_adj_rib_in_stores_and_withdraws_mcast_vpn():
    rib = AdjRibIn()
    for body in CONF_MVPN:
        rib.update(Update.decode(bytes.fromhex(body), CTX), CTX)
    assert len(rib) == 6
    routes = list(rib.routes())
    assert {route.nlri.afi for route in routes} == {1, 2} and {type(route.nlri) for route in routes} == {MVPN}
    assert sorted(route.nlri.code for route in routes) == [5, 5, 6, 6, 7, 7]
    gone = [route.nlri for route in routes if route.nlri.afi == 2 and route.nlri.code == 5]
    for body in packing.withdraw_bodies(2, 5, AttributeSet(), b"", gone, CTX):
        rib.update(Update.decode(body, CTX), CTX)
    assert len(rib) == 5 and gone[0] not in [route.nlri for route in rib.routes()]


# ---- round trip -----------------------------------------------------------------------------------

addresses = st.one_of(
    st.tuples(st.binary(min_size=4, max_size=4), st.binary(min_size=4, max_size=4)),
    st.tuples(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16)),
)
known = st.builds(
    lambda afi, code, rd, pair, asn: build(afi, code, rd, pair[0], pair[1], asn),
    st.sampled_from((1, 2)),
    st.sampled_from((5, 6, 7)),
    st.binary(min_size=8, max_size=8),
    addresses,
    st.integers(0, 0xFFFFFFFF),
)
unknown = st.builds(MVPN, st.sampled_from((1, 2)), st.integers(0, 4) | st.integers(8, 255), st.binary(max_size=40))


@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from((1, 2)), st.lists(known | unknown, max_size=4))
def test_round_trip(afi, originals):
    originals = [MVPN(afi, mvpn.code, mvpn.body) for mvpn in originals]
    packed = b"".join(mvpn.pack() for mvpn in originals)
    decoded = decode_mvpn(afi, packed)
    assert decoded == originals
    assert nlri_module.encode(afi, 5, decoded, False) == packed
    assert nlri_module.decode(afi, 5, packed, False) == originals
    for mvpn in decoded:
        assert mvpn.text().startswith("mvpn:") and mvpn.json().startswith(f'{{ "code": {mvpn.code}, ')
        assert hash(mvpn) == hash(MVPN(mvpn.afi, mvpn.code, mvpn.body))
        if mvpn.code in (5, 6, 7):
            assert '"parsed": true' in mvpn.json()


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=60))
def test_random_octets_decode_or_raise_codec_error(octets):
    try:
        decoded = decode_mvpn(1, octets)
    except CodecError as error:
        assert (error.code, error.subcode) == (3, 10)
    else:
        assert b"".join(mvpn.pack() for mvpn in decoded) == octets
