"""Prefix NLRI: plain, ADD-PATH (RFC 7911), labeled (RFC 8277), VPN (RFC 4364), on both twins."""

import pytest

from exabgp._codec.errors import CodecError

IPV4, IPV6 = 1, 2
PLAIN, LABELED, VPN = 0, 1, 2
RD = bytes.fromhex("0000fde800000001")  # type 0, 65000:1
BOTTOM = 1


def label(value, bottom=True):
    return value << 4 | (BOTTOM if bottom else 0)


def error_of(call, *args):
    with pytest.raises(CodecError) as info:
        call(*args)
    return info.value.code, info.value.subcode, info.value.data


def test_kinds_are_exported(codec):
    assert (codec.KIND_PLAIN, codec.KIND_LABELED, codec.KIND_VPN) == (PLAIN, LABELED, VPN)


def test_ipv4_plain(codec):
    data = bytes.fromhex("08 0a  18 c0a801  00  20 01020304  17 c0a803")
    assert codec.decode_nlri(data, IPV4, False) == [
        (None, 8, bytes.fromhex("0a000000"), None, None),
        (None, 24, bytes.fromhex("c0a80100"), None, None),
        (None, 0, bytes(4), None, None),
        (None, 32, bytes.fromhex("01020304"), None, None),
        (None, 23, bytes.fromhex("c0a80300"), None, None),
    ]
    assert codec.decode_nlri(b"", IPV4, False) == []


def test_host_bits_are_kept_as_sent(codec):
    assert codec.decode_nlri(bytes.fromhex("17 c0a803"), IPV4, False, PLAIN)[0][2] == bytes.fromhex("c0a80300")
    assert codec.decode_nlri(bytes.fromhex("0f c0a8"), IPV4, False)[0][2] == bytes.fromhex("c0a80000")
    assert codec.decode_nlri(bytes.fromhex("09 0aff"), IPV4, False)[0] == (None, 9, bytes.fromhex("0aff0000"), None, None)


def test_ipv4_addpath(codec):
    data = bytes.fromhex("00000001 18 c0a801  ffffffff 00")
    assert codec.decode_nlri(data, IPV4, True) == [
        (1, 24, bytes.fromhex("c0a80100"), None, None),
        (0xFFFFFFFF, 0, bytes(4), None, None),
    ]


def test_ipv6_plain_and_addpath(codec):
    data = bytes.fromhex("30 20010db80001  80") + bytes(range(16))
    addr = bytes.fromhex("20010db80001") + bytes(10)
    assert codec.decode_nlri(data, IPV6, False) == [
        (None, 48, addr, None, None),
        (None, 128, bytes(range(16)), None, None),
    ]
    assert codec.decode_nlri(bytes.fromhex("0000000a") + data[:7], IPV6, True) == [(10, 48, addr, None, None)]


def test_labeled(codec):
    one = (label(16000).to_bytes(3, "big"))
    data = bytes([24 + 24]) + one + bytes.fromhex("0a0000")
    assert codec.decode_nlri(data, IPV4, False, LABELED) == [(None, 24, bytes.fromhex("0a000000"), (label(16000),), None)]
    stack = label(100, False).to_bytes(3, "big") + label(200).to_bytes(3, "big")
    data = bytes([48 + 8]) + stack + b"\x0a"
    assert codec.decode_nlri(data, IPV4, False, LABELED) == [
        (None, 8, bytes.fromhex("0a000000"), (label(100, False), label(200)), None)]


@pytest.mark.parametrize("withdraw_label", [0x800000, 0x000000])
def test_labeled_withdrawal_label_ends_the_stack(codec, withdraw_label):
    data = bytes([24 + 16]) + withdraw_label.to_bytes(3, "big") + b"\x0a\x01"
    assert codec.decode_nlri(data, IPV4, False, LABELED) == [(None, 16, bytes.fromhex("0a010000"), (withdraw_label,), None)]


def test_vpn_ipv4_and_ipv6(codec):
    data = bytes([24 + 64 + 24]) + label(42).to_bytes(3, "big") + RD + bytes.fromhex("0a0102")
    assert codec.decode_nlri(data, IPV4, False, VPN) == [(None, 24, bytes.fromhex("0a010200"), (label(42),), RD)]
    data6 = bytes.fromhex("00000007") + bytes([24 + 64 + 64]) + label(42).to_bytes(3, "big") + RD + bytes.fromhex("20010db800000001")
    assert codec.decode_nlri(data6, IPV6, True, VPN) == [
        (7, 64, bytes.fromhex("20010db800000001") + bytes(8), (label(42),), RD)]


@pytest.mark.parametrize("afi, addpath, kind, hexdata", [
    (IPV4, False, PLAIN, "21 0a000000 00"),  # /33
    (IPV6, False, PLAIN, "81" + "00" * 17),  # /129
    (IPV4, False, PLAIN, "18 0a00"),  # prefix cut
    (IPV4, False, PLAIN, "20 0a000000 18"),  # second prefix cut
    (IPV4, True, PLAIN, "000001"),  # path identifier cut
    (IPV4, True, PLAIN, "00000001"),  # no length after the path identifier
    (IPV4, False, LABELED, "10 000001"),  # length too short for a label
    (IPV4, False, LABELED, "30 0000"),  # label cut
    (IPV4, False, LABELED, "30 000010 000020"),  # stack without bottom runs out of length
    (IPV4, False, VPN, "58 000001 0000fde8"),  # RD cut
    (IPV4, False, VPN, "50 000001 0000fde800000001"),  # length too short for the RD
    (IPV4, False, VPN, "78 000001 0000fde800000001 0a0000"),  # /40 after label and RD
])
def test_invalid_network_field(codec, afi, addpath, kind, hexdata):
    assert error_of(codec.decode_nlri, bytes.fromhex(hexdata), afi, addpath, kind) == (3, 10, b"")


ITEMS = [
    (None, 24, bytes.fromhex("c0a80100"), None, None),
    (None, 8, bytes.fromhex("0a000000"), None, None),
    (None, 0, bytes(4), None, None),
    (None, 32, bytes.fromhex("01020304"), None, None),
]


def test_encode_plain(codec):
    assert codec.encode_nlri(ITEMS, IPV4, False) == bytes.fromhex("18c0a801 080a 00 2001020304")
    assert codec.decode_nlri(codec.encode_nlri(ITEMS, IPV4, False), IPV4, False) == ITEMS
    assert codec.encode_nlri([], IPV4, False) == b""


def test_encode_addpath_labeled_vpn(codec):
    items = [(5, 24, bytes.fromhex("0a010200"), (label(42),), RD), (None, 0, bytes(4), (0x800000,), RD)]
    encoded = codec.encode_nlri(items, IPV4, True, VPN)
    assert encoded == (bytes.fromhex("00000005 70 0002a1") + RD + bytes.fromhex("0a0102")
                       + bytes.fromhex("00000000 58 800000") + RD)
    assert codec.decode_nlri(encoded, IPV4, True, VPN) == [items[0], (0,) + items[1][1:]]
    v6 = [(None, 48, bytes.fromhex("20010db80001") + bytes(10), (label(1, False), label(2)), None)]
    assert codec.decode_nlri(codec.encode_nlri(v6, IPV6, False, LABELED), IPV6, False, LABELED) == v6


def test_encode_uses_only_the_prefix_octets(codec):
    assert codec.encode_nlri([(None, 9, bytes.fromhex("0aff1234"), None, None)], IPV4, False) == bytes.fromhex("090aff")
    assert codec.encode_nlri([(None, 16, bytes.fromhex("0a01"), None, None)], IPV4, False) == bytes.fromhex("100a01")


def test_pack_limits(codec):
    # encoded sizes: 4, 2, 1, 5 octets
    assert codec.pack_nlri(ITEMS, 0, 100, IPV4, False) == (bytes.fromhex("18c0a801 080a 00 2001020304"), 4)
    assert codec.pack_nlri(ITEMS, 0, 7, IPV4, False) == (bytes.fromhex("18c0a801 080a 00"), 3)
    assert codec.pack_nlri(ITEMS, 0, 6, IPV4, False) == (bytes.fromhex("18c0a801 080a"), 2)
    assert codec.pack_nlri(ITEMS, 1, 3, IPV4, False) == (bytes.fromhex("080a 00"), 3)
    assert codec.pack_nlri(ITEMS, 3, 4, IPV4, False) == (b"", 3)  # the /32 alone needs 5
    assert codec.pack_nlri(ITEMS, 3, 5, IPV4, False) == (bytes.fromhex("2001020304"), 4)
    assert codec.pack_nlri(ITEMS, 4, 5, IPV4, False) == (b"", 4)
    # with ADD-PATH every NLRI is 4 octets longer
    assert codec.pack_nlri(ITEMS, 0, 14, IPV4, True) == (bytes.fromhex("00000000 18c0a801 00000000 080a"), 2)


def test_pack_walks_a_table_in_chunks(codec):
    items = [(i, 24, bytes((10, i >> 8, i & 0xFF, 0)), None, None) for i in range(1000)]
    chunks = []
    index = 0
    while index < len(items):
        octets, index = codec.pack_nlri(items, index, 4000, IPV4, True)
        assert 0 < len(octets) <= 4000
        chunks.append(octets)
    assert codec.decode_nlri(b"".join(chunks), IPV4, True) == items


@pytest.mark.parametrize("afi, kind, item", [
    (IPV4, PLAIN, (None, 33, bytes(5), None, None)),  # longer than the family
    (IPV6, PLAIN, (None, 129, bytes(17), None, None)),
    (IPV4, PLAIN, (None, -1, bytes(4), None, None)),
    (IPV4, PLAIN, (None, 24, bytes(2), None, None)),  # address shorter than the prefix
    (IPV4, VPN, (None, 24, bytes(4), (label(1),), b"\x00" * 7)),  # RD not 8 octets
    (IPV6, VPN, (None, 128, bytes(16), (label(1, False), label(2, False), label(3)), RD)),  # 128 + 72 + 64 > 255
    (IPV4, LABELED, (None, 32, bytes(4), tuple(label(i, False) for i in range(10)), None)),  # 32 + 240 > 255
])
def test_encode_errors(codec, afi, kind, item):
    assert error_of(codec.encode_nlri, [item], afi, False, kind) == (3, 10, b"")


def test_encode_rejects_values_that_do_not_fit_their_field(codec):
    with pytest.raises(OverflowError):
        codec.encode_nlri([(1 << 32, 8, bytes(4), None, None)], IPV4, True)
    with pytest.raises(OverflowError):
        codec.encode_nlri([(None, 8, bytes(4), (1 << 24,), None)], IPV4, False, LABELED)
    # the path identifier is ignored without ADD-PATH
    assert codec.encode_nlri([(1 << 40, 8, bytes(4), None, None)], IPV4, False) == b"\x08\x00"
