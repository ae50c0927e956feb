"""The path attribute table and RFC 7606 (exabgp.bgp.attribute), extended communities (exabgp.bgp.community)."""

import struct

import pytest

from exabgp._codec.errors import CodecError
from exabgp.bgp import attribute as attr
from exabgp.bgp.attribute import ATTRIBUTES, decode_attributes, merge_as4_path
from exabgp.bgp.community import check_extended, extended_string, extended_value
from exabgp.bgp.context import CodecContext

CTX = CodecContext()
SESSION = CodecContext(received=True)  # an UPDATE received on a session
BASE = bytes([0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE8, 0x40, 3, 4, 10, 0, 0, 1])


def tlv(flags, code, value):
    return bytes((flags, code, len(value))) + value


def decode(*extra, ctx=CTX):
    return decode_attributes(BASE + b"".join(extra), ctx)


def test_table_covers_every_attribute_5_0_decodes():
    assert sorted(ATTRIBUTES) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 22, 25, 26, 29, 32, 40]
    for code, spec in ATTRIBUTES.items():
        assert spec.code == code
        assert spec.action in (attr.TREAT_AS_WITHDRAW, attr.ATTRIBUTE_DISCARD, attr.SESSION_RESET)
        assert spec.flags & ~(attr.OPTIONAL | attr.TRANSITIVE) == 0
        assert spec.reference
    well_known = {code for code, spec in ATTRIBUTES.items() if not spec.flags & attr.OPTIONAL}
    assert well_known == {1, 2, 3, 5, 6}


def test_treat_as_withdraw_on_a_malformed_value():
    decoded = decode(tlv(0x40, 5, b"\0\0\1"))
    assert decoded.treat_as_withdraw == "treat-as-withdraw"
    assert attr.LOCAL_PREF not in decoded and attr.ORIGIN in decoded


def test_treat_as_withdraw_on_zero_length_names_the_attribute():
    assert decode(tlv(0x80, 4, b"")).treat_as_withdraw == "treat-as-withdraw due to med"
    # the first one wins
    assert decode(tlv(0x80, 4, b""), tlv(0xC0, 8, b"")).treat_as_withdraw == "treat-as-withdraw due to med"


def test_treat_as_withdraw_on_wrong_flags_and_partial_on_well_known():
    assert decode_attributes(bytes([0x60, 1, 1, 0]), CTX).treat_as_withdraw == "treat-as-withdraw"
    # the Partial bit is ignored on optional attributes
    decoded = decode(tlv(0xE0, 8, bytes([0, 1, 0, 2])))
    assert decoded.treat_as_withdraw is None and decoded.get(attr.COMMUNITIES) == (0x00010002,)


def test_attribute_discard():
    decoded = decode(tlv(0xC0, 7, b"\0\1\1\1\1\1"))  # 6 octets on a 4-octet session
    assert decoded.discard == "discard" and decoded.treat_as_withdraw is None
    assert attr.AGGREGATOR not in decoded
    # wrong flags on a discard attribute (RFC 7606 3 c, then the attribute's own action): discarded, and said so
    for flags, code, value in ((0xC0, 6, b""), (0x40, 7, bytes(8)), (0x80, 7, bytes(8))):
        flagged = decode(tlv(flags, code, value))
        assert flagged.discard == "discard" and flagged.treat_as_withdraw is None and code not in flagged


def test_origin_is_one_octet_of_a_defined_value():
    """RFC 7606 section 7.1: an ORIGIN whose length is not 1 or whose value is not IGP, EGP or INCOMPLETE is
    malformed: treat-as-withdraw."""
    assert decode_attributes(tlv(0x40, 1, b"\2"), CTX).get(attr.ORIGIN) == 2
    for value in (b"\3", b"\5", b"\xff", b"\0\0"):
        decoded = decode_attributes(tlv(0x40, 1, value), CTX)
        assert decoded.treat_as_withdraw == "treat-as-withdraw" and attr.ORIGIN not in decoded


def test_unrecognized_well_known_attribute_resets():
    """RFC 4271 section 6.3: an unrecognized attribute with the Optional bit clear, received on a session, is
    Unrecognized Well-known Attribute (3/2), the attribute as data; an unrecognized optional one is ignored or
    passed on."""
    for flags in (0x40, 0x00, 0x50):  # 0x50: Extended Length, kept in the data as received
        unknown = (bytes((flags, 99, 0, 2)) if flags & 0x10 else bytes((flags, 99, 2))) + b"ab"
        with pytest.raises(CodecError) as error:
            decode(unknown, ctx=SESSION)
        assert (error.value.code, error.value.subcode, error.value.data) == (3, 2, unknown)
        assert (99 in decode(unknown)) == bool(flags & 0x40)  # exabgp decode shows the message as 5.0.15 does
    assert decode(tlv(0xC0, 99, b"ab")).get(99) == b"ab"
    assert 99 not in decode(tlv(0x80, 99, b"ab"))


def test_local_pref_from_an_external_peer_is_discarded():
    """RFC 7606 section 7.5: a malformed LOCAL_PREF is treat-as-withdraw from an internal peer, attribute
    discard from an external one (its length, flags or emptiness alike); a valid one is shown either way."""
    external = CodecContext(external=True)
    for extra in (tlv(0x40, 5, b"\0\0\1"), tlv(0xC0, 5, bytes(4)), tlv(0x40, 5, b"")):
        internal_view = decode(extra)
        assert internal_view.treat_as_withdraw is not None and internal_view.discard is None
        external_view = decode(extra, ctx=external)
        assert external_view.discard == "discard" and external_view.treat_as_withdraw is None
        assert attr.LOCAL_PREF not in external_view and attr.ORIGIN in external_view
    assert decode(tlv(0x40, 5, bytes((0, 0, 0, 100))), ctx=external).get(attr.LOCAL_PREF) == 100


def test_missing_well_known_mandatory_attribute_is_treat_as_withdraw():
    """RFC 7606 section 3 d: ORIGIN, AS_PATH and NEXT_HOP (RFC 4271 section 5) when the NLRI field carries
    routes; ORIGIN and AS_PATH only with routes in MP_REACH_NLRI alone (RFC 4760 section 3); none without
    routes (a withdrawal, an End-of-RIB); LOCAL_PREF is not mandatory (RFC 4271 section 5.1.5).  Only for
    UPDATEs received on a session: `exabgp decode` shows a message as it is, as 5.0.15 does."""
    origin, as_path, next_hop = BASE[:4], BASE[4:13], BASE[13:]
    mp_reach = tlv(0x80, 14, bytes([0, 2, 1, 16]) + bytes(16) + bytes([0, 32, 0x20, 1, 0xD, 0xB8]))
    assert decode_attributes(BASE, SESSION, True).treat_as_withdraw is None
    assert decode_attributes(origin + as_path + mp_reach, SESSION).treat_as_withdraw is None
    for section, missing in (
        (as_path + next_hop, "origin"),
        (origin + next_hop, "as-path"),
        (origin + as_path, "next-hop"),
        (next_hop, "origin"),
    ):
        decoded = decode_attributes(section, SESSION, True)
        assert decoded.treat_as_withdraw == f"treat-as-withdraw due to missing {missing}"
    for section, missing in ((as_path + mp_reach, "origin"), (origin + mp_reach, "as-path")):
        assert decode_attributes(section, SESSION).treat_as_withdraw == f"treat-as-withdraw due to missing {missing}"
        assert decode_attributes(section, CTX).treat_as_withdraw is None  # exabgp decode: shown as it is
    for section in (b"", origin, as_path + next_hop, tlv(0x80, 15, bytes([0, 2, 1]))):
        assert decode_attributes(section, SESSION).treat_as_withdraw is None  # no route announced
    # the first error wins: a malformed attribute's text, not the missing one's
    assert decode_attributes(tlv(0x40, 1, b"\7"), SESSION, True).treat_as_withdraw == "treat-as-withdraw"


def test_session_reset():
    with pytest.raises(CodecError) as error:
        decode(tlv(0xC0, 14, bytes([0, 1, 1, 4, 10, 0, 0, 1, 0, 8, 10])))
    assert (error.value.code, error.value.subcode) == (3, 9)
    with pytest.raises(CodecError) as error:
        decode(tlv(0x80, 14, bytes([0, 1, 1, 5, 10, 0, 0, 1, 1, 0, 8, 10])))  # next hop of 5 octets
    assert (error.value.code, error.value.subcode) == (3, 9)
    with pytest.raises(CodecError):
        decode(tlv(0x80, 14, bytes([0, 2, 1, 16]) + bytes(16) + b"\0"))  # MP_REACH_NLRI without NLRI


def test_rfc_actions_where_5_0_resets():
    # RFC 7606 7.9 / 7.10 and RFC 6793 6, where 5.0 resets the session
    assert decode(tlv(0x80, 9, b"\1\1\1")).treat_as_withdraw == "treat-as-withdraw"
    assert decode(tlv(0x80, 10, b"\1\1\1\1\1")).treat_as_withdraw == "treat-as-withdraw"
    assert decode(tlv(0xC0, 17, b"\2\2\0\0\0\1")).discard == "discard"
    assert decode(tlv(0xC0, 18, b"\0\1\1\1\1\1")).discard == "discard"


def test_overrun_keeps_the_attributes_before_it():
    decoded = decode_attributes(BASE + bytes([0xC0, 8, 4, 0, 0]), CTX)
    assert decoded.treat_as_withdraw == "treat-as-withdraw"
    assert attr.ORIGIN in decoded and attr.NEXT_HOP in decoded and attr.COMMUNITIES not in decoded


def test_unknown_attributes():
    decoded = decode(tlv(0xC0, 99, b"\xab"), tlv(0x80, 98, b"\xcd"))
    assert decoded.get(99) == b"\xab" and decoded.flags[99] == 0xE0
    assert 98 not in decoded
    assert [code for code, _, _ in decoded.raw][-2:] == [99, 98]  # both kept for re-encoding


def test_aigp_needs_the_session_to_enable_it():
    value = tlv(0x80, 26, bytes.fromhex("01000B000000000000000A"))
    assert attr.AIGP not in decode(value)


def test_prefix_sid_values():
    good = decode(tlv(0xC0, 40, bytes([1, 0, 7, 0, 0, 0, 0, 0, 0, 100])))
    assert good.get(attr.BGP_PREFIX_SID) == [(1, bytes([0, 0, 0, 0, 0, 0, 100]))]
    assert decode(tlv(0xC0, 40, bytes([1, 0, 6, 0, 0, 0, 0, 0, 0]))).discard == "discard"
    assert decode(tlv(0xC0, 40, b"")).discard == "discard"


def test_as4_path_merge():
    sequence, as_set = attr.AS_SEQUENCE, attr.AS_SET
    assert merge_as4_path([(sequence, (23456, 23456, 7)), (as_set, (8, 9))], [(sequence, (65536, 65541))]) == [
        (sequence, (23456, 23456, 65536, 65541))
    ]
    assert merge_as4_path([(sequence, (7,))], [(sequence, (65536, 5))]) == [(sequence, (7,))]


def test_aggregator_reconciliation():
    aggregator = tlv(0xC0, 7, bytes([0, 0, 0x5B, 0xA0, 1, 1, 1, 1]))
    as4_aggregator = tlv(0xC0, 18, bytes([0, 1, 0, 0, 2, 2, 2, 2]))
    decoded = decode(aggregator, as4_aggregator)
    assert attr.AGGREGATOR not in decoded and decoded.get(attr.AS4_AGGREGATOR) == (65536, "2.2.2.2")
    real = decode(tlv(0xC0, 7, bytes([0, 0, 0, 1, 1, 1, 1, 1])), as4_aggregator, tlv(0xC0, 17, b"\2\1\0\1\0\0"))
    assert real.get(attr.AGGREGATOR) == (1, "1.1.1.1")
    assert attr.AS4_AGGREGATOR not in real and attr.AS4_PATH not in real


@pytest.mark.parametrize(
    "hexa, text",
    [
        ("0002FDE800000064", "target:65000:100"),
        ("01020A0000010064", "target:10.0.0.1:100"),
        ("020200010000000A", "target:65536:10"),
        ("4002FDE800000064", "target:65000:100"),  # the transitive bit does not change the kind
        ("01030A000001FDE8", "origin:65000:10.0.0.1"),  # ASN first, as 5.0
        ("0013FDE800000064", "rtrecord:65000:100"),
        ("030C00000000000A", "encap:MPLS"),
        ("030C0000000000FF", "encap:encap:UNKNOWN-255"),
        ("0600010000000005", "mac-mobility:5:sticky"),
        ("0702000100008005", "interface-set:output:65536:5"),
        ("0800000000000000", "redirect-to-nexthop"),
        ("0C00000100000002", "mup:1:2"),
        ("4004FDE84E6E6B28", ""),  # link bandwidth: not named by 5.0's decoder
        ("8006FDE84640E666", "rate-limit:12345"),
        ("8006FDE8BF800000", "rate-limit:0"),  # a negative rate prints as 0
        ("8007000000000002", "action sample"),
        ("8007000000000000", "action "),
        ("80080001000000C8", "redirect:1:200"),
        ("82080001000100C8", "0x82080001000100C8"),
        ("800900000000002E", "mark 46"),
        ("800A130100050000", "l2info:19:1:5:0"),
        ("010C0A0000020000", "redirect-to-nexthop-ietf 10.0.0.2"),
        ("4302000100000001", ""),
    ],
)
def test_extended_community_strings(hexa, text):
    assert extended_string(bytes.fromhex(hexa)) == text
    assert extended_value(bytes.fromhex(hexa)) == int(hexa, 16)


def test_extended_community_specials():
    assert extended_value(bytes.fromhex("0600FF0000000005")) == 0x0600000000000005  # 5.0 rebuilds MAC mobility
    ipv6 = bytes.fromhex("000C20010DB80000000000000000000000010001")
    assert extended_string(ipv6) == "copy-to-nexthop-ietf 2001:db8::1 (with copy)"
    with pytest.raises(CodecError) as error:
        check_extended(bytes.fromhex("8006FDE8") + struct.pack("!f", float("inf")))
    assert (error.value.code, error.value.subcode) == (3, 9)
    decoded = decode(tlv(0xC0, 16, bytes.fromhex("8006FDE8") + struct.pack("!f", float("nan"))))
    assert decoded.treat_as_withdraw == "treat-as-withdraw"
