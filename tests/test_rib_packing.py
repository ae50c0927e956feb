"""Routes -> UPDATE bodies (exabgp.rib.packing).

Three kinds of evidence: bodies written out field by field from RFC 4271
section 4.3 / RFC 4760 / RFC 4364 / RFC 8277 / RFC 7911 (meaningful without
../shared); every UPDATE ExaBGP 5.0 sends in the reference encoding tests
(../shared/exabgp-reference/encoding, skipped when absent) rebuilt from its
routes; and round trips through `Update.decode(...).changes()`.
"""

import pytest

from exabgp._codec import split_update, walk_attributes
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.bgp.mvpn import MVPN
from exabgp.bgp.nlri import NEXTHOP_SIZES, Prefix
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.route import AttributeSet, Route
from exabgp.bgp.update import Update, eor_body
from exabgp.rib import packing


CTX = CodecContext()
ORIGIN_IGP = (1, 0x40, b"\x00")
EMPTY_AS_PATH = (2, 0x40, b"")
LOCAL_PREF_100 = (5, 0x40, b"\x00\x00\x00\x64")
ATTRIBUTES = AttributeSet([LOCAL_PREF_100, EMPTY_AS_PATH, ORIGIN_IGP])  # given out of order on purpose
# 40 01 01 00 | 40 02 00 | 40 05 04 00000064
PACKED = "4001010040020040050400000064"
NH4 = bytes([192, 0, 2, 1])
NH6 = bytes.fromhex("20010db8000000000000000000000001")
RD = bytes.fromhex("0000fde800000001")  # type 0, 65000:1
LABEL_100 = (100 << 4 | 1,)  # label 100, bottom of stack


def v4(text, plen, path_id=None, labels=None, rd=None, safi=1):
    return Prefix(1, safi, path_id, plen, bytes(int(x) for x in text.split(".")), labels, rd)


def v6(hextext, plen, safi=1):
    return Prefix(2, safi, None, plen, bytes.fromhex(hextext.ljust(32, "0")), None, None)


def bodies(afi, safi, nlris, nexthop=NH4, ctx=CTX, attributes=ATTRIBUTES, group=True):
    return [body.hex() for body in packing.announce_bodies(afi, safi, attributes, nexthop, nlris, ctx, group)]


# ---------------------------------------------------------------- from the RFCs


def test_ipv4_unicast_grouped_and_sorted():
    # RFC 4271 4.3: withdrawn length 0, attribute length 0x15, NEXT_HOP between AS_PATH and LOCAL_PREF,
    # then both NLRI in 5.0's order (10.0.0.0/24 before 10.0.1.0/24 although given the other way round)
    expected = "0000001540010100400200400304c000020140050400000064180a0000180a0001"
    assert bodies(1, 1, [v4("10.0.1.0", 24), v4("10.0.0.0", 24)]) == [expected]


def test_ipv4_unicast_not_grouped():
    head = "0000001540010100400200400304c000020140050400000064"
    assert bodies(1, 1, [v4("10.0.1.0", 24), v4("10.0.0.0", 24)], group=False) == [head + "180a0001", head + "180a0000"]


def test_ipv4_unicast_add_path():
    ctx = CodecContext(addpath_send=frozenset({(1, 1)}))
    head = "0000001540010100400200400304c000020140050400000064"
    # RFC 7911 3: the path identifier in front of each NLRI; no path id on the route means 0
    assert bodies(1, 1, [v4("10.0.0.0", 24, path_id=7)], ctx=ctx) == [head + "00000007180a0000"]
    assert bodies(1, 1, [v4("10.0.0.0", 24)], ctx=ctx) == [head + "00000000180a0000"]


def test_ipv6_unicast_mp_reach_last():
    mp = "00020110" + NH6.hex() + "002020010db8"
    expected = "0000002b" + PACKED + "800e1a" + mp
    assert bodies(2, 1, [v6("20010db8", 32)], nexthop=NH6) == [expected]


def test_ipv6_unicast_one_nlri_per_update_even_grouped():
    # docs/compatibility.md, "The Adj-RIB-Out": only IPv4 unicast and MCAST-VPN are grouped
    result = bodies(2, 1, [v6("20010db8", 32), v6("20010db9", 32)], nexthop=NH6)
    assert len(result) == 2
    assert result[0].endswith("002020010db8") and result[1].endswith("002020010db9")


def test_ipv6_link_local_next_hop_is_32_octets():
    link_local = bytes.fromhex("fe800000000000000000000000000001")
    result = bodies(2, 1, [v6("20010db8", 32)], nexthop=NH6 + link_local)
    assert result == ["0000003b" + PACKED + "800e2a00020120" + NH6.hex() + link_local.hex() + "002020010db8"]


def test_ipv4_next_hop_on_ipv6_route_is_mapped():
    mapped = "00000000000000000000ffffc0000201"
    expected = "0000002b" + PACKED + "800e1a00020110" + mapped + "002020010db8"
    assert bodies(2, 1, [v6("20010db8", 32)]) == [expected]


def test_ipv4_next_hop_on_ipv6_route_with_extended_next_hop():
    # RFC 8950: negotiated, the 4-octet next hop is sent as is, and 5.0 adds NEXT_HOP
    ctx = CodecContext(extended_nexthop=frozenset({(2, 1, 1)}))
    expected = "0000002640010100400200400304c000020140050400000064800e0e00020104c0000201002020010db8"
    assert bodies(2, 1, [v6("20010db8", 32)], ctx=ctx) == [expected]


def test_ipv6_next_hop_on_ipv4_unicast_goes_in_mp_reach():
    expected = "0000002a" + PACKED + "800e1900010110" + NH6.hex() + "00180a0000"
    assert bodies(1, 1, [v4("10.0.0.0", 24)], nexthop=NH6) == [expected]


def test_ipv4_multicast():
    expected = "0000002540010100400200400304c000020140050400000064800e0d00010204c00002010018e00000"
    assert bodies(1, 2, [v4("224.0.0.0", 24, safi=2)]) == [expected]


def test_ipv4_labeled():
    # RFC 8277 2.2: length counts label and prefix bits: 24 + 24 = 0x30
    expected = "0000002840010100400200400304c000020140050400000064800e1000010404c000020100300006410a0000"
    assert bodies(1, 4, [v4("10.0.0.0", 24, labels=LABEL_100, safi=4)]) == [expected]


def test_ipv4_vpn():
    # RFC 4364 4.3.2: next hop with a zero RD (12 octets); 4.3.4: label, RD, prefix (0x70 bits)
    expected = (
        "0000"
        "0038"
        "40010100"
        "400200"
        "400304c0000201"
        "40050400000064"
        "800e20"
        "0001"
        "80"
        "0c"
        "0000000000000000"
        "c0000201"
        "00"
        "70"
        "000641" + RD.hex() + "0a0000"
    )
    assert bodies(1, 128, [v4("10.0.0.0", 24, labels=LABEL_100, rd=RD, safi=128)]) == [expected]


def test_ipv6_vpn_with_add_path():
    ctx = CodecContext(addpath_send=frozenset({(2, 128)}))
    nlri = Prefix(2, 128, 9, 32, bytes.fromhex("20010db8".ljust(32, "0")), LABEL_100, RD)
    expected = (
        "00000042" + PACKED + "800e3100028018" + "00" * 8 + NH6.hex() + "000000000978000641" + RD.hex() + "20010db8"
    )
    assert bodies(2, 128, [nlri], nexthop=NH6, ctx=ctx) == [expected]


def test_withdrawals():
    # IPv4 unicast: the withdrawn-routes field, no attribute; unicast / multicast SAFIs: MP_UNREACH_NLRI
    # alone; the other SAFIs: the route's attributes (NEXT_HOP included) then MP_UNREACH_NLRI
    def withdrawn(afi, safi, nlris, nexthop=NH4, group=True):
        return [b.hex() for b in packing.withdraw_bodies(afi, safi, ATTRIBUTES, nexthop, nlris, CTX, group)]

    assert withdrawn(1, 1, [v4("10.0.1.0", 24), v4("10.0.0.0", 24)]) == ["0008180a0000180a00010000"]
    assert withdrawn(1, 1, [v4("10.0.1.0", 24), v4("10.0.0.0", 24)], group=False) == [
        "0004180a00010000",
        "0004180a00000000",
    ]
    assert withdrawn(2, 1, [v6("20010db8", 32)], NH6) == ["0000000b800f080002012020010db8"]
    assert withdrawn(1, 2, [v4("224.0.0.0", 4, safi=2)]) == ["00000008800f0500010204e0"]
    vpn = v4("10.0.0.0", 24, labels=LABEL_100, rd=RD, safi=128)
    assert withdrawn(1, 128, [vpn]) == [
        "0000002a" + PACKED[:14] + "400304c0000201" + PACKED[14:] + "800f1200018070000641" + RD.hex() + "0a0000"
    ]
    assert withdrawn(
        2, 4, [Prefix(2, 4, None, 32, bytes.fromhex("20010db8".ljust(32, "0")), LABEL_100, None)], NH6
    ) == ["0000001c" + PACKED + "800f0b0002043800064120010db8"]


def test_as4_attributes_follow_their_pair():
    # a 2-octet session (RFC 6793 4.2.2): 5.0 writes AS4_PATH behind AS_PATH and AS4_AGGREGATOR behind
    # AGGREGATOR, NEXT_HOP after both AS paths
    as_path = (2, 0x40, bytes.fromhex("0202fde95ba0"))
    as4_path = (17, 0xC0, bytes.fromhex("02020000fde9fa56ea00"))
    aggregator = (7, 0xC0, bytes.fromhex("5ba00a000009"))
    as4_aggregator = (18, 0xC0, bytes.fromhex("fa56ea010a000009"))
    communities = (8, 0xC0, bytes.fromhex("00010001"))
    attributes = AttributeSet([communities, as4_aggregator, as4_path, aggregator, ORIGIN_IGP, as_path])
    expected = (
        "40010100"
        "4002060202fde95ba0"
        "c0110a02020000fde9fa56ea00"
        "400304c0000201"
        "c007065ba00a000009"
        "c01208fa56ea010a000009"
        "c0080400010001"
    )
    assert packing.attribute_section(attributes, NH4).hex() == expected
    assert attributes.next_hop_offset() == 4 + 9 + 13


# ---------------------------------------------------------------- sizes


def _check_sizes(found, nlris, limit, attributes):
    assert all(len(body) + 19 <= limit for body in found)
    decoded = []
    for body in found:
        withdrawn, section, announced = split_update(body)
        decoded.extend(nlri_module.decode(1, 1, announced, False))
    assert decoded == sorted(nlris, key=packing.sort_key)
    # packed greedily: no message could have taken the first NLRI of the next one
    for body in found[:-1]:
        assert len(body) + 19 + 4 > limit


@pytest.mark.parametrize("extended", [False, True])
def test_ipv4_group_split_at_message_size(extended):
    ctx = CodecContext(extended_message=extended)
    nlris = [Prefix(1, 1, None, 24, bytes((10, i >> 8, i & 0xFF, 0))) for i in range(20000)]
    found = list(packing.announce_bodies(1, 1, ATTRIBUTES, NH4, nlris, ctx))
    per_message = (ctx.max_message_size - 19 - 4 - 21) // 4  # 21 octets of attributes, 4 per NLRI
    assert [len(split_update(body)[2]) // 4 for body in found[:-1]] == [per_message] * (len(found) - 1)
    assert len(found) == -(-len(nlris) // per_message) == (20 if not extended else 2)
    _check_sizes(found, nlris, ctx.max_message_size, ATTRIBUTES)


def test_ipv4_withdrawals_split_at_message_size():
    nlris = [Prefix(1, 1, None, 24, bytes((10, i >> 8, i & 0xFF, 0))) for i in range(3000)]
    found = list(packing.withdraw_bodies(1, 1, ATTRIBUTES, NH4, nlris, CTX))
    # 4096 - 19 - 4 = 4073 octets of withdrawn routes: 1018 NLRI of 4 octets per message
    assert [len(split_update(body)[0]) // 4 for body in found] == [1018, 1018, 964]
    assert all(len(body) + 19 <= 4096 for body in found)


def test_large_attributes_leave_room_for_fewer_nlri():
    big = AttributeSet([ORIGIN_IGP, EMPTY_AS_PATH, (8, 0xC0, bytes(4000))])  # 4004-octet COMMUNITIES
    nlris = [Prefix(1, 1, None, 24, bytes((10, 0, i, 0))) for i in range(30)]
    found = list(packing.announce_bodies(1, 1, big, NH4, nlris, CTX))
    assert all(len(body) + 19 <= 4096 for body in found)
    _check_sizes(found, nlris, 4096, big)
    assert len(found) > 1


def test_nlri_that_cannot_fit_is_left_out():
    huge = AttributeSet([ORIGIN_IGP, (8, 0xC0, bytes(4064))])
    assert list(packing.announce_bodies(1, 1, huge, NH4, [v4("10.0.0.0", 24)], CTX)) == []
    assert list(packing.announce_bodies(2, 1, huge, NH6, [v6("20010db8", 32)], CTX)) == []


def test_what_is_left_out_is_told_and_the_rest_is_sent():
    """Issue 9, hole 3: the routes that do not fit go to `left_out` (the session logs them), the others are
    packed; an attribute over 65535 octets, which has no encoding, is left out instead of raising."""
    huge = AttributeSet([ORIGIN_IGP, (8, 0xC0, bytes(4064))])
    left_out = []
    nlris = [v4("10.0.0.0", 24), v4("10.0.1.0", 24)]
    assert list(packing.announce_bodies(1, 1, huge, NH4, nlris, CTX, True, left_out)) == []
    assert [(action, route.nlri, route.nexthop, route.attributes) for action, route in left_out] == [
        ("announce", nlri, NH4, huge) for nlri in nlris
    ]
    extended = CodecContext(extended_message=True)
    left_out = []
    assert len(list(packing.announce_bodies(1, 1, huge, NH4, nlris, extended, True, left_out))) == 1
    assert left_out == []
    unencodable = AttributeSet([ORIGIN_IGP, (8, 0xC0, bytes(70000))])
    for bodies, action in ((packing.announce_bodies, "announce"), (packing.withdraw_bodies, "withdraw")):
        left_out = []
        assert (
            list(bodies(1, 4, unencodable, NH4, [v4("10.0.0.0", 24, labels=LABEL_100)], extended, True, left_out)) == []
        )
        assert [entry[0] for entry in left_out] == [action]
    assert "a path attribute over 65535 octets" in packing.too_large(left_out[0][1])


def test_fits_is_the_rule_of_the_packing():
    route = Route(v4("10.0.0.0", 24), NH4, AttributeSet([ORIGIN_IGP, (8, 0xC0, bytes(4064))]))
    assert not packing.fits(route, CTX) and packing.fits(route)  # not in 4096 octets, in 65535
    # at the edge: an UPDATE of exactly 65535 octets fits, one more octet of community does not
    room = 65535 - 19 - 4 - 4 - 7 - 4 - 4
    assert packing.fits(
        Route(v4("10.0.0.0", 24), NH4, AttributeSet([ORIGIN_IGP, (8, 0xD0, bytes(room))])),
        CodecContext(extended_message=True),
    )
    assert not packing.fits(
        Route(v4("10.0.0.0", 24), NH4, AttributeSet([ORIGIN_IGP, (8, 0xD0, bytes(room + 4))])),
        CodecContext(extended_message=True),
    )
    assert not packing.fits(Route(v4("10.0.0.0", 24), NH4, AttributeSet([(8, 0xD0, bytes(70000))])))
    # an object NLRI is measured by packing it: a VPLS route with large attributes
    vpls = nlri_module.decode(
        25, 65, bytes.fromhex("00110000fde800000001000100010008000064".replace(" ", "")), False, False
    )
    assert packing.fits(Route(vpls[0], NH4, AttributeSet([ORIGIN_IGP])))
    assert not packing.fits(Route(vpls[0], NH4, AttributeSet([ORIGIN_IGP, (8, 0xD0, bytes(65500))])))


def test_mcast_vpn_grouped_with_extended_length_and_split():
    # route type 3 NLRI (kept as their octets) of a grouped family: MP_REACH passes 255 octets -> flags 0x90
    items = [MVPN(1, 3, bytes(20) + i.to_bytes(2, "big")) for i in range(400)]
    found = list(packing.announce_bodies(1, 5, ATTRIBUTES, NH4, items, CTX))
    assert len(found) > 1
    data = b""
    for body in found:
        assert len(body) + 19 <= 4096
        attributes = walk_attributes(split_update(body)[1])
        code, flags, value = attributes[-1]
        assert (code, flags) == (14, 0x90)
        data += value[4 + value[3] + 1 :]
    assert data == b"".join(item.pack() for item in items)


# ---------------------------------------------------------------- round trips


def _changes(body, ctx):
    receive = CodecContext(addpath_receive=ctx.addpath_send, extended_nexthop=ctx.extended_nexthop)
    return [
        (action, family, nexthop, nlri)
        for action, family, nexthop, nlri in Update.decode(body, receive).changes(receive)
    ]


ROUND_TRIP = [
    (1, 1, [v4("10.0.0.0", 24), v4("10.0.0.0", 25), v4("192.0.2.1", 32), v4("0.0.0.0", 0)], NH4, CTX),
    (
        1,
        1,
        [v4("10.0.0.0", 24, path_id=1), v4("10.0.0.0", 24, path_id=2)],
        NH4,
        CodecContext(addpath_send=frozenset({(1, 1)})),
    ),
    (1, 2, [v4("224.1.0.0", 16, safi=2)], NH4, CTX),
    (1, 4, [v4("10.0.0.0", 24, labels=(16 << 4, 17 << 4 | 1), safi=4)], NH4, CTX),
    (1, 128, [v4("10.0.0.0", 24, labels=LABEL_100, rd=RD, safi=128)], NH4, CTX),
    (2, 1, [v6("20010db8", 32), v6("20010db8000100", 56), v6("", 0)], NH6, CTX),
    (2, 2, [v6("ff0e", 16, safi=2)], NH6, CTX),
    (2, 4, [Prefix(2, 4, None, 48, bytes.fromhex("20010db80001".ljust(32, "0")), LABEL_100, None)], NH6, CTX),
    (
        2,
        128,
        [Prefix(2, 128, 3, 48, bytes.fromhex("20010db80001".ljust(32, "0")), LABEL_100, RD)],
        NH6,
        CodecContext(addpath_send=frozenset({(2, 128)})),
    ),
]


@pytest.mark.parametrize("afi, safi, nlris, nexthop, ctx", ROUND_TRIP)
def test_round_trip(afi, safi, nlris, nexthop, ctx):
    found = list(packing.announce_bodies(afi, safi, ATTRIBUTES, nexthop, nlris, ctx))
    changes = [change for body in found for change in _changes(body, ctx)]
    assert sorted((c[3] for c in changes), key=repr) == sorted(nlris, key=repr)
    assert {(c[0], c[1], c[2]) for c in changes} == {("announce", (afi, safi), address_text(nexthop))}
    for body in found:
        tlvs = [tlv for tlv in walk_attributes(split_update(body)[1]) if tlv[0] not in (3, 14, 15)]
        assert AttributeSet(tlvs) == ATTRIBUTES
    withdrawn = [
        change
        for body in packing.withdraw_bodies(afi, safi, ATTRIBUTES, nexthop, nlris, ctx)
        for change in _changes(body, ctx)
    ]
    assert sorted((c[3] for c in withdrawn), key=repr) == sorted(nlris, key=repr)
    assert {(c[0], c[1]) for c in withdrawn} == {("withdraw", (afi, safi))}


# ---------------------------------------------------------------- ExaBGP 5.0 reference messages


#: the IPv6 FlowSpec source prefix ``::1/128/120`` as 5.0.13 sent it (16 octets where RFC 8956 section 3.1 has
#: one, and 5.0.15 sends one: qa/README.md); this build refuses it, as 5.0.15 does
_FLOW_PREFIX_OF_5_0_13 = bytes.fromhex("02807800000000000000000000000000000001")


def _reference_messages(reference):
    for path in sorted((reference / "encoding").glob("*.msg")):
        for line in path.read_text().splitlines():
            if ":raw:" not in line or "#" in line:
                continue
            data = bytes.fromhex(line.split(":", 2)[2].replace(":", "").replace(" ", ""))
            if data[18] == 2 and _FLOW_PREFIX_OF_5_0_13 not in data:
                yield path.name, data[19:]


def _reference_context(name):
    """What the session of each reference test negotiated (its configuration's capability block)."""
    addpath = frozenset()
    if name in ("conf-addpath.msg", "conf-path-information.msg"):
        addpath = frozenset({(1, 1), (1, 128)})
    extended = frozenset({(1, 1, 2), (1, 128, 2), (2, 1, 1)}) if name == "extended-nexthop.msg" else frozenset()
    return CodecContext(addpath_send=addpath, extended_nexthop=extended)


def _repack(body, ctx):
    """Decode one reference UPDATE into its routes and pack them again."""
    withdrawn, section, announced = split_update(body)
    tlvs, nexthop, reach, unreach = [], b"", None, None
    for code, flags, value in walk_attributes(section):
        if code == 3:
            nexthop = value
        elif code == 14:
            reach = value
        elif code == 15:
            unreach = value
        else:
            tlvs.append((code, flags, value))
    attributes = AttributeSet(tlvs)
    if withdrawn:
        nlris = nlri_module.decode(1, 1, withdrawn, ctx.sends_path_id(1, 1))
        return list(packing.withdraw_bodies(1, 1, attributes, nexthop, nlris, ctx))
    if unreach is not None:
        afi, safi = int.from_bytes(unreach[:2], "big"), unreach[2]
        if len(unreach) == 3:
            return [eor_body(afi, safi)]
        nlris = nlri_module.decode(afi, safi, unreach[3:], ctx.sends_path_id(afi, safi))
        return list(packing.withdraw_bodies(afi, safi, attributes, nexthop, nlris, ctx))
    if reach is not None:
        afi, safi, size = int.from_bytes(reach[:2], "big"), reach[2], reach[3]
        field = reach[4 : 4 + size]
        rd_size = NEXTHOP_SIZES.get((afi, safi), ((), 0))[1]
        nlris = nlri_module.decode(afi, safi, reach[5 + size :], ctx.sends_path_id(afi, safi))
        return list(packing.announce_bodies(afi, safi, attributes, field[rd_size:], nlris, ctx))
    if announced:
        nlris = nlri_module.decode(1, 1, announced, ctx.sends_path_id(1, 1))
        return list(packing.announce_bodies(1, 1, attributes, nexthop, nlris, ctx))
    return [eor_body(1, 1)]


def test_every_reference_update_is_rebuilt_byte_for_byte(reference):
    messages = list(_reference_messages(reference))
    assert len(messages) > 100
    for name, body in messages:
        assert _repack(body, _reference_context(name)) == [body], name


@pytest.mark.parametrize("padding", range(3780, 3800))
def test_mp_reach_fills_up_to_the_limit_around_the_extended_length_boundary(padding):
    # the MP attribute header is 3 octets up to 255 value octets, 4 beyond: both sides of the edge
    attributes = AttributeSet([ORIGIN_IGP, (8, 0xC0, bytes(padding))])
    items = [MVPN(1, 1, bytes((i,))) for i in range(200)]
    found = list(packing.announce_bodies(1, 5, attributes, NH4, items, CTX))
    sent = 0
    for body in found:
        assert len(body) + 19 <= 4096
        value = walk_attributes(split_update(body)[1])[-1][2]
        count = (len(value) - 4 - value[3] - 1) // 3
        sent += count
        if sent < len(items):
            # one more NLRI (3 octets) would not have fitted, with the header it would then need
            bigger = len(value) + 3
            assert (
                len(body) - len(value) - (4 if len(value) > 255 else 3) + (4 if bigger > 255 else 3) + bigger + 19
                > 4096
            )
    assert sent == len(items)
