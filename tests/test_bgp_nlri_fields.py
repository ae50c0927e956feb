"""The NLRI section walk every object family but BGP-LS and RTC shares (`exabgp.bgp.nlri_fields.nlri_items`).

RFC 4760 section 5 puts the NLRI of a section one after the other, RFC 7911 section 3 a 4-octet path
identifier before each under ADD-PATH, and RFC 7606 section 5.3 makes an NLRI that does not parse a
3/10 (the UPDATE is treated as withdraw).  The walk owns the loop, the path identifier and the
truncation errors; each family gives its header reader and builds its object.  The reasons checked
here are this project's own (5.0.15 words its errors differently and the 3/10 is what the contract
holds): they are what the logs print, so a change of the walk must leave them as they are.
"""

import pytest

from exabgp._codec.errors import CodecError
from exabgp.bgp import nlri_fields
from exabgp.bgp.evpn import EVPN, decode_evpn
from exabgp.bgp.flow import decode_flows
from exabgp.bgp.mup import MUP, decode_mup
from exabgp.bgp.mvpn import MVPN, decode_mvpn
from exabgp.bgp.vpls import decode_vpls

PATH_ID = bytes.fromhex("00000007")
FLOW = bytes.fromhex("0501180A0000")  # destination 10.0.0.0/24
VPLS = bytes.fromhex("00110001C0A8C901007B000500010008029CE1")
MVPN_AD = bytes.fromhex("05120001010203040005200A00000120E8010101")  # source-ad
MUP_ISD = bytes.fromhex("0100010C0000006400000064180A0001")
EVPN_MULTICAST = bytes.fromhex("03110000FDE80000000100000000200A000001")

DECODERS = {
    "flow": lambda octets, addpath: decode_flows(1, 133, octets, addpath),
    "vpls": decode_vpls,
    "mvpn": lambda octets, addpath: decode_mvpn(1, octets, addpath),
    "mup": lambda octets, addpath: decode_mup(1, octets, addpath),
    "evpn": decode_evpn,
}

#: (family, section, ADD-PATH, the reason of the 3/10)
MALFORMED = [
    ("flow", PATH_ID[:3], True, "flow NLRI path identifier truncated"),
    ("flow", PATH_ID + FLOW + PATH_ID[:3], True, "flow NLRI path identifier truncated"),
    ("flow", PATH_ID + FLOW + PATH_ID, True, "flow NLRI missing after its path identifier"),
    ("flow", bytes.fromhex("F0"), False, "flow NLRI length truncated"),
    ("flow", bytes.fromhex("00"), False, "flow NLRI of length zero"),
    ("flow", FLOW[:-1], False, "flow NLRI length 5 exceeds the 4 octets left"),
    ("flow", bytes.fromhex("F01001"), False, "flow NLRI length 16 exceeds the 1 octets left"),
    ("vpls", VPLS[:1], False, "l2vpn vpls NLRI length truncated"),
    ("vpls", PATH_ID + VPLS[:1], True, "l2vpn vpls NLRI length truncated"),
    ("vpls", bytes.fromhex("0012") + bytes(18), False, "l2vpn vpls NLRI length 18 is not 17"),
    ("vpls", VPLS[:-1], False, "l2vpn vpls NLRI length 17 exceeds the 16 octets left"),
    ("vpls", PATH_ID + VPLS + PATH_ID[:2], True, "l2vpn vpls NLRI path identifier truncated"),
    ("mvpn", MVPN_AD[:1], False, "mcast-vpn NLRI header truncated"),
    ("mvpn", MVPN_AD[:-1], False, "mcast-vpn NLRI length 18 exceeds the 17 octets left"),
    ("mvpn", PATH_ID[:1], True, "mcast-vpn NLRI path identifier truncated"),
    ("mup", MUP_ISD[:3], False, "mup NLRI header truncated"),
    ("mup", MUP_ISD[:-2], False, "mup NLRI length 12 exceeds the 10 octets left"),
    ("mup", PATH_ID + MUP_ISD + PATH_ID[:3], True, "mup NLRI path identifier truncated"),
    ("evpn", EVPN_MULTICAST[:1], False, "evpn NLRI header truncated"),
    ("evpn", EVPN_MULTICAST + EVPN_MULTICAST[:5], False, "evpn NLRI length 17 exceeds the 3 octets left"),
    ("evpn", PATH_ID, True, "evpn NLRI header truncated"),
    # MCAST-VPN and EVPN frame the whole section before they check a route type: the truncation wins
    ("mvpn", bytes.fromhex("0500") + MVPN_AD[:-1], False, "mcast-vpn NLRI length 18 exceeds the 17 octets left"),
    ("evpn", bytes.fromhex("0300") + EVPN_MULTICAST[:-1], False, "evpn NLRI length 17 exceeds the 16 octets left"),
    # while FlowSpec and MUP judge each NLRI as they reach it
    (
        "mup",
        bytes.fromhex("0100020000") + MUP_ISD[:-1],
        False,
        "mup dsd of 0 octets (an RD and an IPv4 or IPv6 address)",
    ),
    ("flow", bytes.fromhex("01FF") + FLOW[:-1], False, "unknown flow component type 255"),
]


@pytest.mark.parametrize("family, section, addpath, reason", MALFORMED)
def test_a_section_that_does_not_parse_is_3_10_with_its_reason(family, section, addpath, reason):
    with pytest.raises(CodecError) as error:
        DECODERS[family](section, addpath)
    assert (error.value.code, error.value.subcode, error.value.data) == (3, 10, b"")
    assert error.value.reason == reason


@pytest.mark.parametrize("family", DECODERS)
def test_an_empty_section_has_no_nlri(family):
    assert DECODERS[family](b"", False) == DECODERS[family](b"", True) == []


def test_each_nlri_gets_the_path_identifier_before_it():
    mvpn = decode_mvpn(1, PATH_ID + MVPN_AD + bytes.fromhex("00000009") + MVPN_AD, True)
    assert [item.path_id for item in mvpn] == [7, 9]
    assert mvpn[0] == MVPN(1, 5, MVPN_AD[2:], 7)
    assert decode_evpn(EVPN_MULTICAST, False) == [EVPN(3, EVPN_MULTICAST[2:])]
    assert decode_mup(1, PATH_ID + MUP_ISD, True) == [MUP(1, 1, 1, MUP_ISD[4:], 7)]
    assert [flow.path_id for flow in decode_flows(1, 133, PATH_ID + FLOW + PATH_ID + FLOW, True)] == [7, 7]


def test_the_walk_takes_a_header_reader_or_a_last_octet_length():
    """`nlri_items` with a header of fixed size whose last octet is the length, and with a reader."""

    def item(data, position, value, path_id):
        return data[position], value, path_id

    section = bytes.fromhex("0A02BBCC0B00")
    assert nlri_fields.nlri_items(section, "test", False, 2, item) == [(10, b"\xbb\xcc", None), (11, b"", None)]

    def doubled(data, position):
        return 2 * data[position + 1], position + 2

    assert nlri_fields.nlri_items(section, "test", False, 2, item, doubled) == [(10, b"\xbb\xcc\x0b\x00", None)]
    with pytest.raises(CodecError) as error:
        nlri_fields.nlri_items(section + b"\x0c", "test", False, 2, item, doubled)
    assert error.value.reason == "test NLRI header truncated"
    with pytest.raises(CodecError) as error:
        nlri_fields.nlri_items(section[:2], "test", False, 3, item, doubled, "short")
    assert error.value.reason == "short"
