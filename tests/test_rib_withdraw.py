"""Withdrawals and 2-octet sessions, octet for octet as ExaBGP 5.0.15 sends them.

The expected bodies were captured from ExaBGP 5.0.15 itself: the configurations
below (built by `_configuration`) loaded against a listener on 127.0.0.x that
completed the OPEN exchange and recorded every UPDATE; after the End-of-RIB
markers the configuration file was replaced by a smaller one and SIGUSR1 sent.
5.0's reload announces the routes new to the configuration, then withdraws
those that left it, in configuration order (its `replace_reload`); the tests
make the same calls on an `AdjRibOut` and compare the bodies it produces.
(With the routes new to a reload 5.0 first sends them once on their own while
it parses the file, then again with the withdrawals: the tests start from the
second round.)

What the captures show:

* IPv4 unicast withdrawals go in the withdrawn-routes field with no path
  attribute, several per UPDATE with group-updates (sorted), one each without;
* IPv6 unicast withdrawals: MP_UNREACH_NLRI alone; labeled and VPN ones (both
  AFIs): the route's own path attributes, NEXT_HOP included for an IPv4 next
  hop, then MP_UNREACH_NLRI, labels and route distinguisher as announced;
* a withdrawal is sent with the attributes of the route withdrawn: those of
  the configured route on a reload, those of the command (with ORIGIN,
  AS_PATH, LOCAL_PREF by default) for a helper's ``withdraw route``;
* withdrawals are not sent first: changes go out bucket by bucket (attribute
  set and next hop, in the order the buckets were first used), family by
  family, withdrawals before announcements inside a grouped IPv4 unicast
  bucket, in the order queued otherwise;
* without 4-octet AS numbers (``capability { asn4 disable; }``, and the same
  octets when the peer does not offer the capability) AS4_PATH comes right
  after AS_PATH and AS4_AGGREGATOR right after AGGREGATOR, ahead of NEXT_HOP
  and the other attributes.
"""

from exabgp.bgp.context import CodecContext
from exabgp.bgp.route import NO_NEXT_HOP, Route
from exabgp.config.neighbor import parse
from exabgp.rib.outgoing import AdjRibOut
from qa.sent import sent_routes


ROUTES = [
    "route 10.0.0.0/24 next-hop 192.0.2.1 local-preference 100 community [1:1]",
    "route 10.0.1.0/24 next-hop 192.0.2.1 local-preference 100 community [1:1]",
    "route 10.0.2.0/24 next-hop 192.0.2.1 local-preference 100 med 5",
    "route 10.0.3.0/24 next-hop 192.0.2.9 local-preference 100 community [1:1]",
    "route 10.0.4.0/24 next-hop 192.0.2.1 local-preference 100 community [1:1]",
    "route 2001:db8:6::/48 next-hop 2001:db8::1 local-preference 100 community [1:1]",
    "route 2001:db8:1::/48 next-hop 2001:db8::1 local-preference 100 community [1:1]",
    "route 2001:db8:5::/48 next-hop 2001:db8::1 local-preference 100 med 5",
    "route 10.1.0.0/24 label 100 next-hop 192.0.2.1 local-preference 100 community [1:1]",
    "route 10.1.1.0/24 label 101 next-hop 192.0.2.1 local-preference 100 community [1:1]",
    "route 2001:db8:3::/48 label 102 next-hop 2001:db8::1 local-preference 100 community [1:1]",
    "route 10.2.0.0/24 rd 65000:1 label 200 next-hop 192.0.2.1 local-preference 100 "
    "extended-community [target:65000:1]",
    "route 10.2.1.0/24 rd 65000:1 label 201 next-hop 192.0.2.1 local-preference 100 "
    "extended-community [target:65000:1]",
    "route 2001:db8:4::/48 rd 65000:2 label 300 next-hop 2001:db8::1 local-preference 100 "
    "extended-community [target:65000:1]",
]
FEW = [ROUTES[2], ROUTES[3]]
MIXED = [
    ROUTES[3],
    ROUTES[7],
    "route 10.0.5.0/24 next-hop 192.0.2.1 local-preference 100 community [1:1]",
    "route 2001:db8:7::/48 next-hop 2001:db8::1 local-preference 100 community [1:1]",
    "route 10.1.2.0/24 label 103 next-hop 192.0.2.1 local-preference 100 community [1:1]",
]

AS4_ROUTES = [
    "route 10.9.0.0/24 next-hop 192.0.2.1 as-path [ 65001 4200000000 ] aggregator ( 4200000001:10.0.0.9 ) "
    "community [1:1] med 10 atomic-aggregate",
    "route 10.9.1.0/24 next-hop 192.0.2.1 as-path [ 65001 65002 ] aggregator ( 65003:10.0.0.9 ) community [1:1]",
    "route 2001:db8:9::/48 next-hop 2001:db8::1 as-path [ 65001 4200000000 ] aggregator ( 4200000001:10.0.0.9 ) "
    "community [1:1] originator-id 1.2.3.4",
    "route 10.9.2.0/24 label 100 next-hop 192.0.2.1 as-path [ 4200000000 ] aggregator ( 4200000001:10.0.0.9 ) "
    "community [1:1]",
]


def _configuration(routes, group=True, asn4=True):
    capability = "" if asn4 else "capability { asn4 disable; }"
    statics = "".join(f"        {route} ;\n" for route in routes)
    return f"""neighbor 127.0.0.1 {{
    router-id 10.0.0.1 ;
    local-address 127.0.0.1 ;
    local-as 65000 ;
    peer-as 65000 ;
    group-updates {"true" if group else "false"} ;
    {capability}
    family {{
        ipv4 unicast;
        ipv6 unicast;
        ipv4 nlri-mpls;
        ipv6 nlri-mpls;
        ipv4 mpls-vpn;
        ipv6 mpls-vpn;
    }}
    static {{
{statics}    }}
}}
"""


def _routes(lines, group=True, asn4=True):
    """The routes of `lines` as the neighbor's session sends them (`qa.sent`)."""
    (neighbor,) = parse(_configuration(lines, group, asn4), full=True).neighbors
    return [static.route for static in sent_routes(neighbor)]


def _reload(before, after, group=True, asn4=True):
    """The bodies of the first session flush, then those of the reload from `before` to `after`."""
    ctx = CodecContext(asn4=asn4)
    adj = AdjRibOut()
    old = _routes(before, group, asn4)
    new = _routes(after, group, asn4)
    for route in old:
        adj.add(route)
    announced = [body.hex() for body in adj.updates(ctx, group)]
    for route in new:
        if route not in old:
            adj.add(route)
    for route in old:
        if route not in new:
            adj.withdraw(route)
    return announced, [body.hex() for body in adj.updates(ctx, group)]


# ---------------------------------------------------------------- captured from ExaBGP 5.0.15

GROUPED_ANNOUNCED = [
    "0000001c40010100400200400304c000020140050400000064c0080400010001180a0000180a0001180a0004",
    "0000002f40010100400200400304c000020140050400000064c0080400010001800e1000010404c000020100300006410a0100",
    "0000002f40010100400200400304c000020140050400000064c0080400010001800e1000010404c000020100300006510a0101",
    "0000001c40010100400200400304c00002018004040000000540050400000064180a0002",
    "0000001c40010100400200400304c000020940050400000064c0080400010001180a0003",
    "000000344001010040020040050400000064c0080400010001800e1c0002011020010db8000000000000000000000001003020010db80006",
    "000000344001010040020040050400000064c0080400010001800e1c0002011020010db8000000000000000000000001003020010db80001",
    "000000374001010040020040050400000064c0080400010001800e1f0002041020010db8000000000000000000000001004800066120010db80003",
    "00000034400101004002008004040000000540050400000064800e1c0002011020010db8000000000000000000000001003020010db80005",
    "0000004340010100400200400304c000020140050400000064c010080002fde800000001800e200001800c0000000000000000c00002010070000c810000fde8000000010a0200",
    "0000004340010100400200400304c000020140050400000064c010080002fde800000001800e200001800c0000000000000000c00002010070000c910000fde8000000010a0201",
    "0000004b4001010040020040050400000064c010080002fde800000001800e2f00028018000000000000000020010db800000000000000000000000100880012c10000fde80000000220010db80004",
]

GROUPED_RELOADED = [
    "000c180a0000180a0001180a00040000",
    "0000002940010100400200400304c000020140050400000064c0080400010001800f0a000104300006410a0100",
    "0000002940010100400200400304c000020140050400000064c0080400010001800f0a000104300006510a0101",
    "0000000d800f0a0002013020010db80006",
    "0000000d800f0a0002013020010db80001",
    "000000254001010040020040050400000064c0080400010001800f0d0002044800066120010db80003",
    "0000000d800f0a0002013020010db80005",
    "0000003540010100400200400304c000020140050400000064c010080002fde800000001800f1200018070000c810000fde8000000010a0200",
    "0000003540010100400200400304c000020140050400000064c010080002fde800000001800f1200018070000c910000fde8000000010a0201",
    "000000314001010040020040050400000064c010080002fde800000001800f15000280880012c10000fde80000000220010db80004",
]

MIXED_GROUPED_RELOADED = [
    "000c180a0000180a0001180a00040000",
    "0000001c40010100400200400304c000020140050400000064c0080400010001180a0005",
    "0000002f40010100400200400304c000020140050400000064c0080400010001800e1000010404c000020100300006710a0102",
    "0000002940010100400200400304c000020140050400000064c0080400010001800f0a000104300006410a0100",
    "0000002940010100400200400304c000020140050400000064c0080400010001800f0a000104300006510a0101",
    "000000344001010040020040050400000064c0080400010001800e1c0002011020010db8000000000000000000000001003020010db80007",
    "0000000d800f0a0002013020010db80006",
    "0000000d800f0a0002013020010db80001",
    "000000254001010040020040050400000064c0080400010001800f0d0002044800066120010db80003",
    "0004180a00020000",
    "0000003540010100400200400304c000020140050400000064c010080002fde800000001800f1200018070000c810000fde8000000010a0200",
    "0000003540010100400200400304c000020140050400000064c010080002fde800000001800f1200018070000c910000fde8000000010a0201",
    "000000314001010040020040050400000064c010080002fde800000001800f15000280880012c10000fde80000000220010db80004",
]

MIXED_NOT_GROUPED_ANNOUNCED = [
    "0000001c40010100400200400304c000020140050400000064c0080400010001180a0000",
    "0000001c40010100400200400304c000020140050400000064c0080400010001180a0001",
    "0000001c40010100400200400304c000020140050400000064c0080400010001180a0004",
    "0000002f40010100400200400304c000020140050400000064c0080400010001800e1000010404c000020100300006410a0100",
    "0000002f40010100400200400304c000020140050400000064c0080400010001800e1000010404c000020100300006510a0101",
    "0000001c40010100400200400304c00002018004040000000540050400000064180a0002",
    "0000001c40010100400200400304c000020940050400000064c0080400010001180a0003",
    "000000344001010040020040050400000064c0080400010001800e1c0002011020010db8000000000000000000000001003020010db80006",
    "000000344001010040020040050400000064c0080400010001800e1c0002011020010db8000000000000000000000001003020010db80001",
    "000000374001010040020040050400000064c0080400010001800e1f0002041020010db8000000000000000000000001004800066120010db80003",
    "00000034400101004002008004040000000540050400000064800e1c0002011020010db8000000000000000000000001003020010db80005",
    "0000004340010100400200400304c000020140050400000064c010080002fde800000001800e200001800c0000000000000000c00002010070000c810000fde8000000010a0200",
    "0000004340010100400200400304c000020140050400000064c010080002fde800000001800e200001800c0000000000000000c00002010070000c910000fde8000000010a0201",
    "0000004b4001010040020040050400000064c010080002fde800000001800e2f00028018000000000000000020010db800000000000000000000000100880012c10000fde80000000220010db80004",
]

MIXED_NOT_GROUPED_RELOADED = [
    "0000001c40010100400200400304c000020140050400000064c0080400010001180a0005",
    "0004180a00000000",
    "0004180a00010000",
    "0004180a00040000",
    "0000002f40010100400200400304c000020140050400000064c0080400010001800e1000010404c000020100300006710a0102",
    "0000002940010100400200400304c000020140050400000064c0080400010001800f0a000104300006410a0100",
    "0000002940010100400200400304c000020140050400000064c0080400010001800f0a000104300006510a0101",
    "000000344001010040020040050400000064c0080400010001800e1c0002011020010db8000000000000000000000001003020010db80007",
    "0000000d800f0a0002013020010db80006",
    "0000000d800f0a0002013020010db80001",
    "000000254001010040020040050400000064c0080400010001800f0d0002044800066120010db80003",
    "0004180a00020000",
    "0000003540010100400200400304c000020140050400000064c010080002fde800000001800f1200018070000c810000fde8000000010a0200",
    "0000003540010100400200400304c000020140050400000064c010080002fde800000001800f1200018070000c910000fde8000000010a0201",
    "000000314001010040020040050400000064c010080002fde800000001800f15000280880012c10000fde80000000220010db80004",
]

TWO_OCTET_ANNOUNCED = [
    "0000004d400101004002060202fde95ba0c0110a02020000fde9fa56ea00400304c00002018004040000000a40050400000064400600c007065ba00a000009c01208fa56ea010a000009c0080400010001180a0900",
    "0000002b400101004002060202fde9fdea400304c000020140050400000064c00706fdeb0a000009c0080400010001180a0901",
    "00000062400101004002060202fde95ba0c0110a02020000fde9fa56ea0040050400000064c007065ba00a000009c01208fa56ea010a000009c008040001000180090401020304800e1c0002011020010db8000000000000000000000001003020010db80009",
    "000000504001010040020402015ba0c011060201fa56ea00400304c000020140050400000064c007065ba00a000009c01208fa56ea010a000009c0080400010001800e1000010404c000020100300006410a0902",
]

TWO_OCTET_RELOADED = [
    "0004180a09000000",
    "0000000d800f0a0002013020010db80009",
    "0000004a4001010040020402015ba0c011060201fa56ea00400304c000020140050400000064c007065ba00a000009c01208fa56ea010a000009c0080400010001800f0a000104300006410a0902",
]


def test_withdrawals_grouped():
    assert _reload(ROUTES, FEW) == (GROUPED_ANNOUNCED, GROUPED_RELOADED)


def test_announcements_and_withdrawals_share_buckets():
    assert _reload(ROUTES, MIXED)[1] == MIXED_GROUPED_RELOADED


def test_announcements_and_withdrawals_not_grouped():
    assert _reload(ROUTES, MIXED, group=False) == (MIXED_NOT_GROUPED_ANNOUNCED, MIXED_NOT_GROUPED_RELOADED)


def test_two_octet_session_as4_attributes_and_withdrawals():
    assert _reload(AS4_ROUTES, [AS4_ROUTES[1]], asn4=False) == (TWO_OCTET_ANNOUNCED, TWO_OCTET_RELOADED)


# An API helper of the GROUPED configuration wrote, once the routes were sent:
#   withdraw route 10.1.0.0/24 label 100 next-hop 192.0.2.1
#   withdraw route 10.0.0.0/24 next-hop 192.0.2.1
#   withdraw route 2001:db8:3::/48 label 102 next-hop 2001:db8::1
#   withdraw route 10.2.0.0/24 rd 65000:1 label 200
# 5.0 sent each with the attributes of the command (ORIGIN, AS_PATH and LOCAL_PREF by default, no
# COMMUNITIES), NEXT_HOP only when one was given, all four in one flush:
API_WITHDRAWN = [
    "0000002240010100400200400304c000020140050400000064800f0a000104300006410a0100",
    "0004180a00000000",
    "0000001e4001010040020040050400000064800f0d0002044800066120010db80003",
    "000000234001010040020040050400000064800f1200018070000c810000fde8000000010a0200",
]


def test_withdrawn_routes_carry_their_own_attributes():
    ctx = CodecContext()
    adj = AdjRibOut()
    for route in _routes(ROUTES):
        adj.add(route)
    list(adj.updates(ctx))
    commands = _routes(
        [
            "route 10.1.0.0/24 label 100 next-hop 192.0.2.1",
            "route 10.0.0.0/24 next-hop 192.0.2.1",
            "route 2001:db8:3::/48 label 102 next-hop 2001:db8::1",
            "route 10.2.0.0/24 rd 65000:1 label 200 next-hop 192.0.2.1",
        ]
    )
    commands[-1] = Route(commands[-1].nlri, NO_NEXT_HOP, commands[-1].attributes)
    for route in commands:
        adj.withdraw(route)
    assert [body.hex() for body in adj.updates(ctx)] == API_WITHDRAWN
