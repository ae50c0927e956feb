"""Route statements -> Route objects: every keyword of 5.0, wire TLVs as 5.0 sends them.

See docs/compatibility.md, "Route statements".
"""

import pytest

from exabgp.bgp.record import replace
from exabgp.bgp.route import NEXT_HOP_SELF, NO_NEXT_HOP
from exabgp.config import route as route_grammar
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import configuration_text, parse
from qa.sent import sent_routes

IBGP = "router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;"


def routes(static: str, session: str = IBGP, extra: str = ""):
    """The routes of `static` as the neighbor's session sends them (`exabgp.rib.export.session_attributes`: its
    defaults, and 2-octet ASNs with ``asn4 disable``)."""
    text = f"neighbor 127.0.0.1 {{\n{session}\n{extra}\nstatic {{\n{static}\n}}\n}}\n"
    configuration = parse(text, "r.conf", full=True)
    again = parse(configuration_text(configuration), "canonical.conf", full=True)
    (neighbor,) = configuration.neighbors
    found = sent_routes(neighbor)
    # the canonical text gives the same model, its routes sent alike (it leaves out what the session adds anyway)
    assert replace(again.neighbors[0], routes=()) == replace(neighbor, routes=())
    assert sent_routes(neighbor, again.neighbors[0].routes) == found
    return found


def tlvs(item) -> dict:
    return {code: (flags, value.hex().upper()) for code, flags, value in item.route.attributes.tlvs}


def test_every_attribute_keyword_as_exabgp_5_encodes_it():
    # expected TLVs: what ExaBGP 5.0.15 sent for this route (`exabgp validate -rv`, 2-octet ASN session)
    (item,) = routes(
        "route 10.0.0.1/32 next-hop 1.1.1.1 extended-community [ mup:10:10 bandwidth:65000:1000 redirect-to-nexthop"
        " target:1.2.3.4:5 origin:1.2.3.4:5 ] as-path [ 70000 1 ] ( 3 4 ) aggregator 70000:1.2.3.4 aigp 100"
        " originator-id 1.1.1.1 cluster-list [ 1.1.1.1 2.2.2.2 ] community [ no-export nopeer blackhole no-advertise"
        " no-export-subconfed 0x10 65 ] large-community 1:2:3 atomic-aggregate origin egp med 5 local-preference 7;",
        extra="capability { asn4 disable; }",
    )
    assert tlvs(item) == {
        1: (0x40, "01"),
        2: (0x40, "02025BA00001010200030004"),
        17: (0xC0, "0202000111700000000101020000000300000004"),
        4: (0x80, "00000005"),
        5: (0x40, "00000007"),
        6: (0x40, ""),
        7: (0xC0, "5BA001020304"),
        18: (0xC0, "0001117001020304"),
        8: (0xC0, "0000001000000041FFFF029AFFFFFF01FFFFFF02FFFFFF03FFFFFF04"),
        9: (0x80, "01010101"),
        10: (0x80, "0101010102020202"),
        16: (0xC0, "0102010203040005010301020304000508000000000000000C00000A0000000A4004FDE8447A0000"),
        26: (0x80, "01000B0000000000000064"),
        32: (0xC0, "000000010000000200000003"),
    }
    assert item.route.nexthop == bytes((1, 1, 1, 1))
    assert item.route.nlri.prefix() == "10.0.0.1/32" and item.route.family == (1, 1)


def test_prefix_sid_srv6_as_exabgp_5_encodes_it():
    # Prefix-SID TLVs 5 / 6 (RFC 9252) as 5.0.15 sent them for conf-prefix-sid-srv6.conf
    extra = "family { ipv4 mpls-vpn; ipv6 mpls-vpn; } nexthop { ipv4 mpls-vpn ipv6; }"
    common = "rd 4:100 next-hop cafe::1 extended-community [ target:4:100 ] label 3"
    items = routes(
        f"route 10.1.0.0/24 {common} bgp-prefix-sid-srv6 ( l3-service 2001:1:0:0:: );\n"
        f"route 10.3.0.0/24 {common} bgp-prefix-sid-srv6 ( l3-service 2001:3:0:0:: 0x13 [48,16,0,0,16,64] );\n"
        f"route 10.5.0.0/24 {common} bgp-prefix-sid-srv6 ( l2-service 2001:5:0:0:: 0x15 );",
        extra=extra,
    )
    sids = [tlvs(item)[40] for item in items]
    assert sids == [
        (0xC0, "05001900010015002001000100000000000000000000000000FFFF00"),
        (0xC0, "0500220001001E002001000300000000000000000000000000001300010006301000001040"),
        (0xC0, "06001900010015002001000500000000000000000000000000001500"),
    ]
    assert items[0].route.family == (1, 128) and items[0].route.nexthop == bytes.fromhex("CAFE" + "00" * 13 + "01")
    assert items[0].route.nlri.labels == ((3 << 4) | 1,)


def test_prefix_sid_label_index_and_srgb():
    first, second = routes(
        "route 198.51.100.100/32 next-hop 198.51.100.1 label [ 800001 ] bgp-prefix-sid [ 777 ];\n"
        "route 198.51.100.101/32 next-hop 198.51.100.2 label [ 800002 ] "
        "bgp-prefix-sid [ 300, [ ( 800000,4096 ), ( 1000000,5000 ) ] ];"
    )
    assert tlvs(first)[40] == (0xC0, "01000700000000000309")
    assert tlvs(second)[40] == (0xC0, "0100070000000000012C03000E00000C35000010000F4240001388")
    assert first.route.family == (1, 4) and first.route.nlri.labels == ((800001 << 4) | 1,)


@pytest.mark.parametrize(
    "text, hexa",
    [
        ("origin:100:1000", "00030064000003E8"),
        ("target:200:2000", "000200C8000007D0"),
        ("origin:70500:5000", "0103000113641388"),  # 5.0 sends a 4-octet ASN with type 1
        ("target4:71200:12000", "0102000116202EE0"),
        ("target:120000L:123", "01020001D4C0007B"),
        ("origin:7.7.7.7:7000", "0103070707071B58"),
        ("origin:9000:9.9.9.9", "0003232809090909"),
        ("redirect:1300:83000", "8008051400014438"),
        ("l2info:1:2:13398:30864", "800A010234567890"),
        ("72:0.0.0.1", "0002004800000001"),
        ("65000:1", "0002FDE800000001"),
        ("0x0002fde800000001", "0002FDE800000001"),
        ("mup:10:10", "0C00000A0000000A"),
        ("bandwidth:65000:1000", "4004FDE8447A0000"),
        ("redirect-to-nexthop", "0800000000000000"),
    ],
)
def test_extended_community_forms(text, hexa):
    (item,) = routes(f"route 10.0.0.0/8 next-hop 1.1.1.1 extended-community {text};")
    assert tlvs(item)[16] == (0xC0, hexa)


def test_extended_communities_add_up_and_are_sorted_once():
    (item,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1 extended-community [ 2:2 1:1 ] "
        "extended-community 1:1 extended-community [ 3:3 ];"
    )
    assert tlvs(item)[16][1] == "000200010000000100020002000000020002000300000003"


@pytest.mark.parametrize(
    "path, seq_hex",
    [
        ("65001", "02010000FDE9"),
        ("[ 1 2 3 ]", "0203000000010000000200000003"),
        ("( 4 5 )", "01020000000400000005"),
        ("[ { 1 2 } ]", "03020000000100000002"),
        ("( { 3 } )", "040100000003"),
        ("[ 1 2 ] ( 3 4 )", "0202000000010000000201020000000300000004"),
        ("[ ]", ""),
        ("[ 1.10 ]", "02010001000A"),
    ],
)
def test_as_path_bracket_grammar(path, seq_hex):
    (item,) = routes(f"route 10.0.0.0/8 next-hop 1.1.1.1 as-path {path};")
    assert tlvs(item)[2] == (0x40, seq_hex.replace(" ", ""))


def test_two_octet_sessions_use_as_trans_and_as4_path():
    (small,) = routes("route 10.0.1.0/24 next-hop 10.0.255.254 as-path [ 100 ];", extra="capability { asn4 disable; }")
    assert tlvs(small)[2] == (0x40, "02010064") and 17 not in tlvs(small)
    (big,) = routes(
        "route 10.0.1.0/24 next-hop 1.1.1.1 as-path [ { 70000 } 5 ] aggregator ( 70001:1.1.1.1 );",
        extra="capability { asn4 disable; }",
    )
    assert tlvs(big)[2] == (0x40, "03025BA00005")
    assert 17 not in tlvs(big)  # RFC 6793: confederation segments stay out of AS4_PATH
    assert tlvs(big)[7] == (0xC0, "5BA001010101") and tlvs(big)[18] == (0xC0, "0001117101010101")


def test_routes_do_not_depend_on_the_neighbor():
    """The same statement makes the same route for every neighbor (iBGP, eBGP, ``auto``, without asn4): what the
    session changes is applied when the route is sent (`exabgp.rib.export`), and a template's routes are parsed
    once for all the neighbors that inherit them."""
    statement = "route 10.0.0.0/8 next-hop 1.1.1.1 as-path [ 70000 ] aggregator ( 70001:1.1.1.1 ) local-preference 7;"
    sessions = [
        "local-as 1; peer-as 1;",
        "local-as 1; peer-as 2;",
        "local-as auto; peer-as 1;",
        "local-as 1; peer-as 2; capability { asn4 disable; }",
    ]
    text = f"template {{ neighbor shared {{ static {{ {statement} }} }} }}\n" + "".join(
        f"neighbor 127.0.0.{n} {{ router-id 1.2.3.4; local-address 127.0.0.9; {session} inherit shared; }}\n"
        for n, session in enumerate(sessions, 1)
    )
    neighbors = parse(text, "r.conf", full=True).neighbors
    (first,) = neighbors[0].routes
    assert all(neighbor.routes == (first,) for neighbor in neighbors)
    assert all(neighbor.routes[0] is first for neighbor in neighbors)  # parsed once
    assert {code for code, _flags, _value in first.route.attributes.tlvs} == {2, 5, 7}  # as stated, no default
    assert tlvs(first)[2] == (0x40, "020100011170")  # 4-octet form, whatever the neighbor


def test_session_defaults_follow_ibgp_and_ebgp():
    (ibgp,) = routes("route 10.0.0.0/8 next-hop 1.1.1.1;")
    assert tlvs(ibgp) == {1: (0x40, "00"), 2: (0x40, ""), 5: (0x40, "00000064")}
    (ebgp,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1 local-preference 200;",
        session="router-id 1.2.3.4; local-address 127.0.0.1; local-as 65533; peer-as 65000;",
    )
    assert tlvs(ebgp) == {1: (0x40, "00"), 2: (0x40, "02010000FFFD")}  # no LOCAL_PREF on eBGP (5.0)
    (configured,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1 as-path [ 7 ];",
        session="router-id 1.2.3.4; local-address 127.0.0.1; local-as 65533; peer-as 65000;",
    )
    assert tlvs(configured)[2] == (0x40, "020100000007")  # a configured path is sent as written
    (auto,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1;",
        session="router-id 1.2.3.4; local-address 127.0.0.1; local-as auto; peer-as 1;",
    )
    assert tlvs(auto) == {1: (0x40, "00")}  # the session decides the rest


def test_generic_attribute_keeps_its_flags():
    med, opaque, extended = routes(
        "route 100.100.100.100 next-hop 192.168.1.100 attribute [0x04 0x80 0x00000064];\n"
        "route 101.101.101.101 next-hop 192.168.1.100 attribute [0x99 0x60 0x00000064];\n"
        "route 111.111.111.111 next-hop 192.168.1.100 attribute [ 0x99, 0x70, 0x00000064 ];"
    )
    assert tlvs(med)[4] == (0x80, "00000064")
    assert tlvs(opaque)[0x99] == (0x60, "00000064")
    assert tlvs(extended)[0x99] == (0x70, "00000064")
    assert extended.route.attributes.packed().hex().upper().endswith("7099000400000064")


def test_first_value_wins_and_communities_are_sorted():
    (item,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1 med 1 med 2 community [ 2:2 1:1 ] "
        "large-community [ 1:1:1 0x000000010000000100000001 2:2:2 ];"
    )
    assert tlvs(item)[4] == (0x80, "00000001")
    assert tlvs(item)[8] == (0xC0, "0001000100020002")
    assert tlvs(item)[32] == (0xC0, "000000010000000100000001000000020000000200000002")


def test_nlri_families_and_nexthops():
    unicast, multicast, labeled, vpn, six, selfish, mapped = routes(
        "route 10.0.0.0/24 next-hop 1.1.1.1 path-information 1.2.3.4;\n"
        "route 224.1.0.0/16 next-hop 1.1.1.1;\n"
        "route 10.0.1.0/24 next-hop 1.1.1.1 label [ 5 6 ] path-information 7;\n"
        "route 10.0.2.0/24 next-hop 1.1.1.1 label 100 route-distinguisher 1.2.3.4:5;\n"
        "route 2001:db8::/32 next-hop 2001:db8::1;\n"
        "route 10.9.0.0/16 next-hop self;\n"
        "route 2001:db8:1::/48 next-hop ::ffff:1.2.3.4 rd 70000:3 label 1;"
    )
    assert unicast.route.family == (1, 1) and unicast.route.nlri.path_id == 0x01020304
    assert multicast.route.family == (1, 2)
    assert labeled.route.family == (1, 4) and labeled.route.nlri.labels == (5 << 4, (6 << 4) | 1)
    assert labeled.route.nlri.path_id == 7
    assert vpn.route.family == (1, 128) and vpn.route.nlri.rd == bytes.fromhex("0001010203040005")
    assert six.route.family == (2, 1) and len(six.route.nexthop) == 16
    assert selfish.route.nexthop == NEXT_HOP_SELF
    assert mapped.route.nlri.rd == bytes.fromhex("0002000111700003") and mapped.route.family == (2, 128)
    (host,) = routes("route 2001:db8::1 next-hop 2001:db8::2;")
    assert host.route.nlri.plen == 128
    (nothing,) = routes("route 2001:db8::/32;")
    assert nothing.route.nexthop == NO_NEXT_HOP


def test_split_watchdog_withdraw_name_and_interning():
    items = routes(
        "route 10.1.0.0/22 next-hop self split /24 watchdog web withdraw name four;\n"
        "route 10.2.0.0/24 { next-hop self; split /24; }"
    )
    assert [item.route.nlri.prefix() for item in items] == [
        "10.1.0.0/24",
        "10.1.1.0/24",
        "10.1.2.0/24",
        "10.1.3.0/24",
        "10.2.0.0/24",
    ]
    assert {(item.watchdog, item.withdraw, item.name) for item in items[:4]} == {("web", True, "four")}
    assert (items[4].watchdog, items[4].withdraw, items[4].name) == (None, False, None)
    assert len({id(item.route.attributes) for item in items}) == 1  # one interned AttributeSet


@pytest.mark.slow
def test_a_split_makes_at_most_split_max_routes():
    """A /16 into /32s is the most one statement makes (5.0.15 took 27 s to validate it)."""
    assert route_grammar.SPLIT_MAX == 65536
    text = ("neighbor 127.0.0.1 {{\n" + IBGP + "\nstatic {{\n{}\n}}\n}}\n").format
    items = parse(text("route 10.0.0.0/16 next-hop 1.1.1.1 split /32;"), "s.conf", full=True).neighbors[0].routes
    assert len(items) == 65536 and items[-1].route.nlri.prefix() == "10.0.255.255/32"
    items = (
        parse(text("attributes next-hop 1.1.1.1 split /32 nlri 10.0.0.0/17 10.1.0.0/17;"), "s.conf", full=True)
        .neighbors[0]
        .routes
    )
    assert len(items) == 65536 and items[-1].route.nlri.prefix() == "10.1.127.255/32"


def test_attributes_nlri_form_and_announce_block():
    text = (
        "neighbor 127.0.0.1 {\n" + IBGP + "\n"
        " static { attributes next-hop 192.0.2.1 local-preference 200 nlri 10.9.0.0/24 10.9.1.0/24; }\n"
        " announce { ipv4 { unicast 10.0.1.0/24 next-hop 10.0.255.254 community [ 0 ];\n"
        "   nlri-mpls 10.0.2.0/24 label 100 next-hop 10.0.255.254;\n"
        "   mpls-vpn 10.0.3.0/24 rd 65000:1 label 200 next-hop 10.0.255.254;\n"
        "   multicast 239.1.0.0/16 next-hop 10.0.255.254; }\n"
        "   ipv6 { unicast 2001:db8::/32 next-hop 2001:db8::1; } }\n}\n"
    )
    items = parse(text, "a.conf", full=True).neighbors[0].routes
    assert [(item.route.family, item.route.nlri.prefix()) for item in items] == [
        ((1, 1), "10.9.0.0/24"),
        ((1, 1), "10.9.1.0/24"),
        ((1, 1), "10.0.1.0/24"),
        ((1, 4), "10.0.2.0/24"),
        ((1, 128), "10.0.3.0/24"),
        ((1, 2), "239.1.0.0/16"),
        ((2, 1), "2001:db8::/32"),
    ]
    assert items[0].route.attributes is items[1].route.attributes


@pytest.mark.parametrize(
    "route, marker, reason",
    [
        ("route 10.0.0.1/24 next-hop 1.1.1.1;", "10.0.0.1/24", "host bits set"),
        ("route 10.0.0.0/24 med 5;", "10.0.0.0/24", "missing next-hop"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 rd 1:1;", "10.0.0.0/24", "missing next-hop, label or rd"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 colour blue;", "colour", "unknown route keyword 'colour'"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 watchdog announce;", "announce", "not a valid watchdog name"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 med;", ";", "missing value for med"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 med -1;", "-1", "med -1 is out of range"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 origin best;", "best", "not an origin"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 community [ 1:70000 ];", "1:70000", "not a community"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 extended-community warp:1;", "warp:1", "not an extended community"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 as-path [ x ];", "x ]", "not an AS number"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 split /16;", "/16", "can not split /24 into /16"),
        # a split making more than SPLIT_MAX routes (5.0.15: 1.2 GB and still going after 30 s for a /8 into /32s)
        ("route 10.0.0.0/8 next-hop 1.1.1.1 split /32;", "/32", "split /32 would make more than 65536 routes"),
        ("route 0.0.0.0/0 next-hop 1.1.1.1 split /32;", "/32", "split /32 would make more than 65536 routes"),
        ("route ::/0 next-hop ::1 split /128;", "/128", "split /128 would make more than 65536 routes"),
        (
            "attributes next-hop 1.1.1.1 split /32 nlri 10.0.0.0/17 10.1.0.0/17 10.2.0.0/32;",
            "/32",
            "split /32 would make more than 65536 routes",
        ),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 attribute [ 0x1 0x2 ];", "0x1", "attribute needs"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 label 1048576;", "1048576", "label 1048576 is out of range"),
        ("route 10.0.0.0/24 next-hop 1.1.1.1 rd 70000:70000 label 1;", "70000:70000", "rd 70000 is out of range"),
        ("route 10.0.0.0/24 next-hop nowhere;", "nowhere", "not a valid next-hop"),
        ("attributes next-hop 1.1.1.1;", ";", "needs nlri"),
    ],
)
def test_route_errors_name_the_place(route, marker, reason):
    text = f"neighbor 127.0.0.1 {{\n{IBGP}\nstatic {{\n{route}\n}}\n}}\n"
    with pytest.raises(ConfigurationError) as info:
        parse(text, "e.conf", full=True)
    assert reason in info.value.reason
    assert (info.value.file, info.value.line, info.value.column) == ("e.conf", 4, route.index(marker) + 1)


def test_a_path_equal_to_the_default_but_without_as4_path_round_trips():
    (item,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1 as-path [ 23456 ];",
        extra="capability { asn4 disable; }",
        session="router-id 1.2.3.4; local-address 127.0.0.1; local-as 70000; peer-as 1;",
    )
    assert tlvs(item)[2] == (0x40, "02015BA0") and 17 not in tlvs(item)
    (default,) = routes(
        "route 10.0.0.0/8 next-hop 1.1.1.1;",
        extra="capability { asn4 disable; }",
        session="router-id 1.2.3.4; local-address 127.0.0.1; local-as 70000; peer-as 1;",
    )
    assert tlvs(default)[17] == (0xC0, "020100011170")
