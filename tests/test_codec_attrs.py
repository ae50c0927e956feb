"""Attribute TLV encode (RFC 4271 4.3), AS_PATH (RFC 6793, 5065), communities (RFC 1997, 8092, 4360), both twins."""

import pytest

from exabgp._codec.errors import CodecError

AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET = 1, 2, 3, 4


def error_of(call, *args):
    with pytest.raises(CodecError) as info:
        call(*args)
    return info.value.code, info.value.subcode, info.value.data


# encode_attribute


def test_encode_attribute_short(codec):
    assert codec.encode_attribute(1, 0x40, b"\x00") == bytes.fromhex("40010100")
    assert codec.encode_attribute(6, 0x40, b"") == bytes.fromhex("400600")
    assert codec.encode_attribute(8, 0xC0, bytes(255)) == bytes.fromhex("c008ff") + bytes(255)


def test_encode_attribute_chooses_extended_length(codec):
    assert codec.encode_attribute(8, 0xC0, bytes(256)) == bytes.fromhex("d0080100") + bytes(256)
    assert codec.encode_attribute(2, 0x40, bytes(65535)) == bytes.fromhex("5002ffff") + bytes(65535)


def test_encode_attribute_keeps_the_callers_extended_bit(codec):
    assert codec.encode_attribute(2, 0x50, b"\x02\x01\x00\x01") == bytes.fromhex("50020004 02010001")
    assert codec.encode_attribute(14, 0x90, b"") == bytes.fromhex("900e0000")


def test_encode_attribute_round_trips_through_the_walk(codec):
    values = [(1, 0x40, b"\x02"), (32, 0xC0, bytes(300)), (9, 0x90, b"\x01\x02\x03\x04")]
    data = b"".join(codec.encode_attribute(code, flags, value) for code, flags, value in values)
    assert codec.walk_attributes(data) == [(1, 0x40, b"\x02"), (32, 0xD0, bytes(300)), (9, 0x90, b"\x01\x02\x03\x04")]


def test_encode_attribute_errors(codec):
    assert error_of(codec.encode_attribute, 2, 0x40, bytes(65536)) == (3, 5, b"")
    with pytest.raises(ValueError):
        codec.encode_attribute(256, 0x40, b"")
    with pytest.raises(ValueError):
        codec.encode_attribute(1, 0x100, b"")


# AS_PATH / AS4_PATH


def test_decode_as_path_two_octet(codec):
    data = bytes.fromhex("0203 fde8 fde9 0001  0101 ffff")
    assert codec.decode_as_path(data, False) == [(AS_SEQUENCE, (65000, 65001, 1)), (AS_SET, (65535,))]
    assert codec.decode_as_path(b"", False) == []


def test_decode_as_path_four_octet(codec):
    data = bytes.fromhex("0202 0000fde8 ffffffff  0301 00010000  0401 00000001")
    assert codec.decode_as_path(data, True) == [
        (AS_SEQUENCE, (65000, 0xFFFFFFFF)),
        (AS_CONFED_SEQUENCE, (65536,)),
        (AS_CONFED_SET, (1,)),
    ]


def test_as_path_width_changes_the_reading(codec):
    data = bytes.fromhex("0202 0000 fde8 0001 0002")
    assert codec.decode_as_path(data, True) == [(AS_SEQUENCE, (65000, 65538))]
    assert error_of(codec.decode_as_path, data, False) == (3, 11, b"")  # "0001 0002" is no segment type


def test_encode_as_path(codec):
    segments = [(AS_SEQUENCE, (65000, 65001)), (AS_SET, (1, 2))]
    assert codec.encode_as_path(segments, False) == bytes.fromhex("0202fde8fde9 010200010002")
    assert codec.encode_as_path(segments, True) == bytes.fromhex("02020000fde80000fde9 01020000000100000002")
    assert codec.encode_as_path([], True) == b""
    assert codec.decode_as_path(codec.encode_as_path(segments, True), True) == segments


def test_encode_as_path_splits_long_segments(codec):
    asns = tuple(range(1, 601))
    encoded = codec.encode_as_path([(AS_SEQUENCE, asns)], True)
    assert len(encoded) == 3 * 2 + 600 * 4
    decoded = codec.decode_as_path(encoded, True)
    assert [(kind, len(part)) for kind, part in decoded] == [(AS_SEQUENCE, 255), (AS_SEQUENCE, 255), (AS_SEQUENCE, 90)]
    assert sum((part for _, part in decoded), ()) == asns
    exactly = codec.encode_as_path([(AS_SET, tuple(range(255)))], False)
    assert exactly[:2] == b"\x01\xff" and len(exactly) == 2 + 510


@pytest.mark.parametrize(
    "asn4, hexdata",
    [
        (True, "02"),  # segment header cut
        (True, "0001 00000001"),  # type 0
        (True, "0501 00000001"),  # type 5
        (True, "0200"),  # empty segment
        (True, "0202 00000001 0000"),  # segment cut
        (False, "0202 0001"),
        (False, "0201 0001 02"),  # second header cut
    ],
)
def test_decode_as_path_malformed(codec, asn4, hexdata):
    assert error_of(codec.decode_as_path, bytes.fromhex(hexdata), asn4) == (3, 11, b"")


@pytest.mark.parametrize(
    "asn4, segments",
    [
        (True, [(5, (1,))]),
        (True, [(0, (1,))]),
        (False, [(AS_SEQUENCE, (65536,))]),
        (True, [(AS_SEQUENCE, (1 << 32,))]),
        (True, [(AS_SEQUENCE, (-1,))]),
    ],
)
def test_encode_as_path_errors(codec, asn4, segments):
    assert error_of(codec.encode_as_path, segments, asn4) == (3, 11, b"")


# COMMUNITIES, LARGE_COMMUNITY, EXTENDED COMMUNITIES


def test_communities(codec):
    data = bytes.fromhex("fde80064 ffffff01 00000000")
    values = (0xFDE80064, 0xFFFFFF01, 0)
    assert codec.decode_communities(data) == values
    assert codec.encode_communities(values) == data
    assert codec.encode_communities(list(values)) == data
    assert codec.decode_communities(b"") == ()
    assert codec.encode_communities(()) == b""


def test_large_communities(codec):
    data = bytes.fromhex("0000fde8 00000001 00000002  ffffffff 00000000 ffffffff")
    values = ((65000, 1, 2), (0xFFFFFFFF, 0, 0xFFFFFFFF))
    assert codec.decode_large_communities(data) == values
    assert codec.encode_large_communities(values) == data
    assert codec.decode_large_communities(b"") == ()


def test_extended_communities(codec):
    data = bytes.fromhex("0002fde800000064 ffffffffffffffff")
    values = (0x0002FDE800000064, 0xFFFFFFFFFFFFFFFF)
    assert codec.decode_extended_communities(data) == values
    assert codec.encode_extended_communities(values) == data
    assert codec.decode_extended_communities(b"") == ()


@pytest.mark.parametrize(
    "name, size",
    [
        ("decode_communities", 3),
        ("decode_communities", 6),
        ("decode_large_communities", 8),
        ("decode_large_communities", 13),
        ("decode_extended_communities", 4),
        ("decode_extended_communities", 12),
    ],
)
def test_community_length_errors(codec, name, size):
    assert error_of(getattr(codec, name), bytes(size)) == (3, 5, b"")


@pytest.mark.parametrize(
    "name, value",
    [
        ("encode_communities", (1 << 32,)),
        ("encode_communities", (-1,)),
        ("encode_large_communities", ((0, 0, 1 << 32),)),
        ("encode_extended_communities", (1 << 64,)),
    ],
)
def test_community_encode_out_of_range(codec, name, value):
    with pytest.raises(OverflowError):
        getattr(codec, name)(value)
