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
    assert codec.decode_nlri(bytes.fromhex("09 0aff"), IPV4, False)[0] == (
        None,
        9,
        bytes.fromhex("0aff0000"),
        None,
        None,
    )


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
    one = label(16000).to_bytes(3, "big")
    data = bytes([24 + 24]) + one + bytes.fromhex("0a0000")
    assert codec.decode_nlri(data, IPV4, False, LABELED) == [
        (None, 24, bytes.fromhex("0a000000"), (label(16000),), None)
    ]
    stack = label(100, False).to_bytes(3, "big") + label(200).to_bytes(3, "big")
    data = bytes([48 + 24]) + stack + bytes.fromhex("0a0000")
    assert codec.decode_nlri(data, IPV4, False, LABELED) == [
        (None, 24, bytes.fromhex("0a000000"), (label(100, False), label(200)), None)
    ]


# The first 3-octet field of a labeled / VPN NLRI: a label with the S bit set or clear, RFC 8277's
# Compatibility field as recommended (0x800000) or as RFC 3107 sent it (0x000000), any other value.
FIELDS = [label(291, False), label(291), 0x800000, 0x800001, 0x000000, 0x123450, 0xFFFFFE]


def nlri(field, prefix_bits, prefix, kind, path_id=None, stack=()):
    """One NLRI: [path id] length, `field`, the labels of `stack`, [RD], prefix."""
    extra = b"".join(value.to_bytes(3, "big") for value in (field, *stack)) + (RD if kind == VPN else b"")
    head = b"" if path_id is None else path_id.to_bytes(4, "big")
    return head + bytes([prefix_bits + 8 * len(extra)]) + extra + prefix


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("kind", [LABELED, VPN])
@pytest.mark.parametrize("withdraw", [False, True])
@pytest.mark.parametrize("path_id", [None, 7])
def test_one_label_field_whatever_its_bottom_of_stack_bit(codec, field, kind, withdraw, path_id):
    """RFC 8277 2.2 / 2.4: without the Multiple Labels Capability (we never negotiate it) the NLRI has
    one label field whose S bit (announce) or whole value (withdrawal) is ignored: the length says where
    the prefix starts.  ExaBGP 5.0.15's `exabgp decode` reads these the same (recorded for the IPv4 /24
    and IPv6 /32 of every field, kind, direction and ADD-PATH setting)."""
    rd = RD if kind == VPN else None
    for afi, bits, prefix, addr in [
        (IPV4, 24, bytes.fromhex("0a0000"), bytes.fromhex("0a000000")),
        (IPV4, 32, bytes.fromhex("0a000001"), bytes.fromhex("0a000001")),
        (IPV6, 32, bytes.fromhex("20010db8"), bytes.fromhex("20010db8") + bytes(12)),
        (IPV6, 128, bytes(range(16)), bytes(range(16))),
    ]:
        data = nlri(field, bits, prefix, kind, path_id) * 2
        expected = (path_id, bits, addr, (field,), rd)
        assert codec.decode_nlri(data, afi, path_id is not None, kind, withdraw) == [expected, expected]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("kind", [LABELED, VPN])
@pytest.mark.parametrize("withdraw", [False, True])
def test_one_label_field_and_a_default_route(codec, field, kind, withdraw):
    """A field that leaves no bits is one label and a /0 (RFC 8277 2.2 / 2.4).  ExaBGP 5.0.15 refuses it
    (3/10) when the S bit is clear, unless the field is 0x000000 or, in a withdrawal, 0x800000: a known
    difference (qa/differential/known.py)."""
    rd = RD if kind == VPN else None
    for afi in (IPV4, IPV6):
        width = 4 if afi == IPV4 else 16
        assert codec.decode_nlri(nlri(field, 0, b"", kind), afi, False, kind, withdraw) == [
            (None, 0, bytes(width), (field,), rd)
        ]


@pytest.mark.parametrize("kind", [LABELED, VPN])
@pytest.mark.parametrize("withdraw", [False, True])
def test_label_stacks_as_exabgp_5(codec, kind, withdraw):
    """When the bits after the first field are more than the family's prefix can hold, the NLRI is an
    RFC 3107 label stack: labels up to the one with the S bit, as ExaBGP 5.0.15 reads them (each case
    recorded with its `exabgp decode`)."""
    rd = RD if kind == VPN else None
    v4 = bytes.fromhex("0a0000")
    decode = codec.decode_nlri
    # two labels then a /24: the stack
    assert decode(nlri(label(291, False), 24, v4, kind, stack=[label(1110)]), IPV4, False, kind, withdraw) == [
        (None, 24, bytes.fromhex("0a000000"), (label(291, False), label(1110)), rd)
    ]
    # below the first field only the S bit ends the stack: 0x000000 and 0x800000 are labels there
    data = nlri(label(291, False), 0, b"", kind, stack=[0x800000, 0x000000, label(1110)])
    assert decode(data, IPV4, False, kind, withdraw) == [
        (None, 0, bytes(4), (label(291, False), 0x800000, 0x000000, label(1110)), rd)
    ]
    # an IPv6 /128 under two labels
    data = nlri(label(291, False), 128, bytes(range(16)), kind, stack=[label(1110)])
    assert decode(data, IPV6, False, kind, withdraw) == [
        (None, 128, bytes(range(16)), (label(291, False), label(1110)), rd)
    ]
    # an IPv6 /48 under two labels leaves 72 bits after the first: one label and a /72, as 5.0.15
    data = nlri(label(291, False), 48, bytes(6), kind, stack=[label(1110)])
    after = data[4:]  # what follows the length and the first field: [RD] then 9 prefix octets
    rd_read, prefix_read = (after[:8], after[8:]) if kind == VPN else (None, after)
    assert decode(data, IPV6, False, kind, withdraw) == [
        (None, 72, prefix_read + bytes(7), (label(291, False),), rd_read)
    ]
    # 0x000000 as the first field ends the stack: the /48 left is too long for IPv4
    data = nlri(0x000000, 24, v4, kind, stack=[label(1110)])
    assert error_of(decode, data, IPV4, False, kind, withdraw) == (3, 10, b"")


@pytest.mark.parametrize("kind", [LABELED, VPN])
def test_withdrawal_field_ends_the_stack_only_in_a_withdrawal(codec, kind):
    """0x800000 first is RFC 8277 2.4's Compatibility field in MP_UNREACH_NLRI (one field: the /48 left
    is too long) and a label with a clear S bit in MP_REACH_NLRI (a stack), as ExaBGP 5.0.15."""
    data = nlri(0x800000, 24, bytes.fromhex("0a0000"), kind, stack=[label(1110)])
    assert codec.decode_nlri(data, IPV4, False, kind) == [
        (None, 24, bytes.fromhex("0a000000"), (0x800000, label(1110)), RD if kind == VPN else None)
    ]
    assert error_of(codec.decode_nlri, data, IPV4, False, kind, True) == (3, 10, b"")


def test_the_two_examples_of_issue_8(codec):
    """The MP_REACH_NLRI / MP_UNREACH_NLRI sections of the two UPDATEs of issue 8, item 1.1: ExaBGP
    5.0.15 decodes both as 10.0.0.0/24, rd 65000:1 (label 0x001230 with S=0, Compatibility 0x123450)."""
    section = bytes.fromhex("700012300000fde8000000010a0000")
    expected = [(None, 24, bytes.fromhex("0a000000"), (0x001230,), RD)]
    assert codec.decode_nlri(section, IPV4, False, VPN) == expected
    assert codec.decode_nlri(bytes.fromhex("701234500000fde8000000010a0000"), IPV4, False, VPN, True) == [
        (None, 24, bytes.fromhex("0a000000"), (0x123450,), RD)
    ]


@pytest.mark.parametrize("withdraw_label", [0x800000, 0x000000])
def test_labeled_withdrawal_label_ends_the_stack(codec, withdraw_label):
    data = bytes([24 + 16]) + withdraw_label.to_bytes(3, "big") + b"\x0a\x01"
    assert codec.decode_nlri(data, IPV4, False, LABELED) == [
        (None, 16, bytes.fromhex("0a010000"), (withdraw_label,), None)
    ]


def test_vpn_ipv4_and_ipv6(codec):
    data = bytes([24 + 64 + 24]) + label(42).to_bytes(3, "big") + RD + bytes.fromhex("0a0102")
    assert codec.decode_nlri(data, IPV4, False, VPN) == [(None, 24, bytes.fromhex("0a010200"), (label(42),), RD)]
    data6 = (
        bytes.fromhex("00000007")
        + bytes([24 + 64 + 64])
        + label(42).to_bytes(3, "big")
        + RD
        + bytes.fromhex("20010db800000001")
    )
    assert codec.decode_nlri(data6, IPV6, True, VPN) == [
        (7, 64, bytes.fromhex("20010db800000001") + bytes(8), (label(42),), RD)
    ]


@pytest.mark.parametrize(
    "afi, addpath, kind, hexdata",
    [
        (IPV4, False, PLAIN, "21 0a000000 00"),  # /33
        (IPV6, False, PLAIN, "81" + "00" * 17),  # /129
        (IPV4, False, PLAIN, "18 0a00"),  # prefix cut
        (IPV4, False, PLAIN, "20 0a000000 18"),  # second prefix cut
        (IPV4, True, PLAIN, "000001"),  # path identifier cut
        (IPV4, True, PLAIN, "00000001"),  # no length after the path identifier
        (IPV4, False, LABELED, "10 000001"),  # length too short for a label
        (IPV4, False, LABELED, "30 0000"),  # label cut
        (IPV4, False, LABELED, "48 000010 000020 000030"),  # stack without bottom runs out of length
        (IPV6, False, LABELED, "a0 000010" + "00" * 17),  # 136 bits after the first field, no bottom
        (IPV4, False, VPN, "a8 000010 000020 0000fde800000001 0a0000"),  # the stack eats the RD
        (IPV4, False, VPN, "58 000001 0000fde8"),  # RD cut
        (IPV4, False, VPN, "50 000001 0000fde800000001"),  # length too short for the RD
        (IPV4, False, VPN, "78 000001 0000fde800000001 0a0000"),  # /40 after label and RD
    ],
)
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
    assert encoded == (
        bytes.fromhex("00000005 70 0002a1") + RD + bytes.fromhex("0a0102") + bytes.fromhex("00000000 58 800000") + RD
    )
    assert codec.decode_nlri(encoded, IPV4, True, VPN) == [items[0], (0,) + items[1][1:]]
    v6 = [(None, 128, bytes(range(16)), (label(1, False), label(2)), None)]
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


@pytest.mark.parametrize(
    "afi, kind, item",
    [
        (IPV4, PLAIN, (None, 33, bytes(5), None, None)),  # longer than the family
        (IPV6, PLAIN, (None, 129, bytes(17), None, None)),
        (IPV4, PLAIN, (None, -1, bytes(4), None, None)),
        (IPV4, PLAIN, (None, 24, bytes(2), None, None)),  # address shorter than the prefix
        (IPV4, VPN, (None, 24, bytes(4), (label(1),), b"\x00" * 7)),  # RD not 8 octets
        (IPV6, VPN, (None, 128, bytes(16), (label(1, False), label(2, False), label(3)), RD)),  # 128 + 72 + 64 > 255
        (IPV4, LABELED, (None, 32, bytes(4), tuple(label(i, False) for i in range(10)), None)),  # 32 + 240 > 255
    ],
)
def test_encode_errors(codec, afi, kind, item):
    assert error_of(codec.encode_nlri, [item], afi, False, kind) == (3, 10, b"")


def test_encode_rejects_values_that_do_not_fit_their_field(codec):
    with pytest.raises(OverflowError):
        codec.encode_nlri([(1 << 32, 8, bytes(4), None, None)], IPV4, True)
    with pytest.raises(OverflowError):
        codec.encode_nlri([(None, 8, bytes(4), (1 << 24,), None)], IPV4, False, LABELED)
    # the path identifier is ignored without ADD-PATH
    assert codec.encode_nlri([(1 << 40, 8, bytes(4), None, None)], IPV4, False) == b"\x08\x00"
