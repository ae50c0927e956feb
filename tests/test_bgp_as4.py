"""The 4-octet AS form of a 2-octet speaker's attributes (`exabgp.bgp.as4`, RFC 6793 section 4.2.3).

The expected octets are written out from the RFC: AS_PATH segments with
4-octet ASes, the AS4_PATH's ASes put in place of the AS_TRANS of the
AS_PATH's tail, AGGREGATOR's AS 4 octets wide, AS4_PATH and AS4_AGGREGATOR
gone, every other attribute as it came.
"""

import struct

from exabgp.bgp.as4 import widen, widen_path
from exabgp.bgp.context import CodecContext
from qa.wire import attribute, update

ORIGIN = attribute(0x40, 1, b"\x00")
NEXT_HOP = attribute(0x40, 3, bytes((192, 0, 2, 1)))
COMMUNITY = attribute(0xC0, 8, struct.pack("!HH", 65002, 7))
#: the Adj-RIB-In's pseudo TLV of an IPv6 next hop (`exabgp.rib.incoming`): code 14 with no flags
PSEUDO = b"\x00\x0e\x10" + bytes.fromhex("20010db8000000000000000000000001")


def two_octet_path(*asns) -> bytes:
    return attribute(0x40, 2, bytes((2, len(asns))) + b"".join(struct.pack("!H", asn) for asn in asns))


def four_octet_path(*asns, code: int = 2, flags: int = 0x40) -> bytes:
    return attribute(flags, code, bytes((2, len(asns))) + b"".join(struct.pack("!I", asn) for asn in asns))


def test_as4_path_is_merged_into_a_four_octet_as_path():
    # AS_PATH 65002 23456 64500, AS4_PATH 4200000001 64500: 65002 4200000001 64500 (RFC 6793 section 4.2.3)
    path = (
        ORIGIN
        + two_octet_path(65002, 23456, 64500)
        + NEXT_HOP
        + four_octet_path(4200000001, 64500, code=17, flags=0xC0)
        + COMMUNITY
        + PSEUDO
    )
    assert widen_path(path) == ORIGIN + four_octet_path(65002, 4200000001, 64500) + NEXT_HOP + COMMUNITY + PSEUDO


def test_as4_aggregator_replaces_an_as_trans_aggregator():
    aggregator = attribute(0xC0, 7, struct.pack("!H", 23456) + bytes((192, 0, 2, 9)))
    as4_aggregator = attribute(0xC0, 18, struct.pack("!I", 4200000002) + bytes((192, 0, 2, 9)))
    path = ORIGIN + two_octet_path(65002) + aggregator + as4_aggregator
    wide_aggregator = attribute(0xC0, 7, struct.pack("!I", 4200000002) + bytes((192, 0, 2, 9)))
    assert widen_path(path) == ORIGIN + four_octet_path(65002) + wide_aggregator


def test_a_real_aggregator_makes_the_as4_attributes_ignored():
    """RFC 6793 section 4.2.3: an AGGREGATOR other than AS_TRANS means AS4_AGGREGATOR and AS4_PATH are ignored."""
    aggregator = attribute(0xC0, 7, struct.pack("!H", 65005) + bytes((192, 0, 2, 9)))
    as4_aggregator = attribute(0xC0, 18, struct.pack("!I", 4200000002) + bytes((192, 0, 2, 9)))
    as4_path = four_octet_path(4200000001, code=17, flags=0xC0)
    path = ORIGIN + two_octet_path(65002, 23456) + aggregator + as4_aggregator + as4_path
    wide_aggregator = attribute(0xC0, 7, struct.pack("!I", 65005) + bytes((192, 0, 2, 9)))
    assert widen_path(path) == ORIGIN + four_octet_path(65002, 23456) + wide_aggregator


def test_a_path_without_as_attributes_or_with_an_empty_as_path():
    assert widen_path(ORIGIN + NEXT_HOP) == ORIGIN + NEXT_HOP
    ibgp = ORIGIN + attribute(0x40, 2, b"") + NEXT_HOP  # an iBGP route: an empty AS_PATH stays empty
    assert widen_path(ibgp) == ibgp


def test_a_malformed_as_path_comes_back_as_it_was():
    broken = ORIGIN + attribute(0x40, 2, bytes((2, 3, 0xFD, 0xE8))) + NEXT_HOP  # 3 ASes announced, 1 there
    assert widen_path(broken) == broken


def test_a_whole_update_is_widened_around_its_nlri_and_withdrawals():
    old = CodecContext(asn4=False, received=True)
    withdrawn = bytes((24, 10, 9, 9))
    nlri = bytes((24, 198, 51, 100))
    body = update(
        withdrawn,
        ORIGIN + two_octet_path(65002, 23456) + NEXT_HOP + four_octet_path(4200000001, code=17, flags=0xC0),
        nlri,
    )
    assert widen(body, old) == update(withdrawn, ORIGIN + four_octet_path(65002, 4200000001) + NEXT_HOP, nlri)
    missing = update(b"", ORIGIN + NEXT_HOP, nlri)  # no AS_PATH: treat-as-withdraw (RFC 7606 section 3 d)
    assert widen(missing, old) == missing
