"""`exabgp.rib.export`: a neighbor-independent route as the session it is sent on sends it.

The octets are those ExaBGP 5.0.15 sends (RFC 4271 5.1.2 and 5.1.5 for the
defaults, RFC 6793 section 4.2.2 for the 2-octet AS form); whole UPDATEs are
compared with 5.0.15's in tests/test_config_grammar.py and the differential
tests, through the same step.
"""

import pytest

from exabgp.bgp import attribute as attr
from exabgp.bgp.nlri import Prefix
from exabgp.bgp.route import NEXT_HOP_SELF, NO_NEXT_HOP, AttributeSet, Route
from exabgp.rib.export import SessionExport, narrowed, session_attributes, stated, with_defaults

LOCAL4 = bytes((127, 0, 0, 1))
LOCAL6 = bytes.fromhex("20010db8000000000000000000000002")
ROUTER_ID = bytes((1, 2, 3, 4))
V4 = Prefix(1, 1, None, 24, bytes((10, 0, 0, 0)))
V6 = Prefix(2, 1, None, 32, bytes.fromhex("20010db8" + "00" * 12))
MED = (attr.MULTI_EXIT_DISC, attr.OPTIONAL, (5).to_bytes(4, "big"))


def tlvs(attributes) -> dict:
    return {code: (flags, value.hex().upper()) for code, flags, value in attributes.tlvs}


def test_ibgp_ebgp_and_auto_defaults():
    route = AttributeSet([MED])
    assert tlvs(with_defaults(route, 65000, 65000)) == {
        1: (0x40, "00"),
        2: (0x40, ""),
        4: (0x80, "00000005"),
        5: (0x40, "00000064"),
    }
    # eBGP: the local AS as the path, and no LOCAL_PREF, even one the route states
    stating = AttributeSet([MED, (attr.LOCAL_PREF, attr.TRANSITIVE, (200).to_bytes(4, "big"))])
    assert tlvs(with_defaults(stating, 65000, 65001)) == {
        1: (0x40, "00"),
        2: (0x40, "02010000FDE8"),
        4: (0x80, "00000005"),
    }
    # `auto`: the session decides AS_PATH and LOCAL_PREF, ORIGIN only
    assert tlvs(with_defaults(route, None, 65001)) == {1: (0x40, "00"), 4: (0x80, "00000005")}
    # what the route states is kept
    origin = AttributeSet([(attr.ORIGIN, attr.TRANSITIVE, b"\x02")])
    assert tlvs(with_defaults(origin, 1, 1))[1] == (0x40, "02")


def test_two_octet_sessions_get_as_trans_and_the_as4_attributes():
    route = AttributeSet(
        [
            (attr.AS_PATH, attr.TRANSITIVE, bytes.fromhex("02020000000100011170")),  # [ 1 70000 ]
            (attr.AGGREGATOR, attr.OPTIONAL | attr.TRANSITIVE, bytes.fromhex("0001117001020304")),  # 70000:1.2.3.4
        ]
    )
    assert tlvs(narrowed(route)) == {
        2: (0x40, "020200015BA0"),
        7: (0xC0, "5BA001020304"),
        17: (0xC0, "02020000000100011170"),
        18: (0xC0, "0001117001020304"),
    }
    # the default path of an eBGP session is narrowed too; a 2-octet local AS needs no AS4_PATH
    sent = session_attributes(AttributeSet(), 65000, 65001, False)
    assert tlvs(sent) == {1: (0x40, "00"), 2: (0x40, "0201FDE8")}


def test_a_generic_as_path_of_two_octet_asns_goes_as_written():
    """``attribute [ 0x02 0x40 0x0201FDE8 ]`` (AS_PATH [ 65000 ] in 2-octet form) is not a 4-octet AS_PATH: 5.0.15
    sends a generic attribute as written (recorded with the oracle's ``exabgp validate -rv``, asn4 disabled:
    ``flag 0x40 type 0x02 len 0x04 payload 0201 FDE8``); so do we, instead of failing to narrow it."""
    generic = AttributeSet([(attr.AS_PATH, attr.TRANSITIVE, bytes.fromhex("0201FDE8"))])
    assert narrowed(generic) == generic
    assert tlvs(session_attributes(generic, 65000, 65001, False))[2] == (0x40, "0201FDE8")


def test_next_hop_self_and_one_export_per_attribute_set():
    attributes = AttributeSet([MED])
    export = SessionExport(1, 1, True, LOCAL4, ROUTER_ID)
    first = export.route(Route(V4, NEXT_HOP_SELF, attributes))
    assert first.nexthop == LOCAL4
    assert export.route(Route(V4, bytes((10, 0, 0, 1)), attributes)).attributes is first.attributes
    with pytest.raises(ValueError):  # an IPv6 route on an IPv4 session has no address for next-hop self
        export.route(Route(V6, NEXT_HOP_SELF, attributes))
    # its withdrawal goes without a next hop, with the attributes as sent
    withdrawal = export.withdrawal(Route(V6, NEXT_HOP_SELF, attributes))
    assert (withdrawal.nexthop, withdrawal.attributes) == (NO_NEXT_HOP, first.attributes)
    # an IPv4 route on an IPv6 session: the router-id
    export6 = SessionExport(1, 1, True, LOCAL6, ROUTER_ID)
    assert export6.route(Route(V4, NEXT_HOP_SELF, attributes)).nexthop == ROUTER_ID
    assert export6.route(Route(V6, NEXT_HOP_SELF, attributes)).nexthop == LOCAL6


def test_stated_leaves_out_what_the_session_gives():
    ibgp_default = AttributeSet([(attr.LOCAL_PREF, attr.TRANSITIVE, (100).to_bytes(4, "big")), MED])
    assert stated(ibgp_default, 1, 1) == {attr.MULTI_EXIT_DISC: (attr.OPTIONAL, (5).to_bytes(4, "big"))}
    # eBGP sends no LOCAL_PREF: none to name
    assert stated(ibgp_default, 1, 2) == {attr.MULTI_EXIT_DISC: (attr.OPTIONAL, (5).to_bytes(4, "big"))}
    path = (attr.AS_PATH, attr.TRANSITIVE, bytes.fromhex("020100000007"))
    assert attr.AS_PATH in stated(AttributeSet([path]), 1, 2)
