"""VPLS routes from the configuration and the API (`exabgp.config.vpls`): the block, flat, announce and
API forms, the canonical round trip, errors with their place, and the reference configuration against the
UPDATEs ExaBGP 5.0 sends for it.  The value ranges and the UPDATE octets are those of ExaBGP 5.0.15
(``exabgp validate -nrv``), but for the label base, which 5.0.15 caps at 65535 and this build takes up
to 2^20 - 1."""

import pytest

from exabgp.bgp import attribute as attr
from exabgp.bgp.context import CodecContext
from exabgp.bgp.vpls import VPLS
from exabgp.config.command import CommandError, parse as parse_command
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import parse
from exabgp.config.route import route_text
from exabgp.rib import packing
from exabgp.rib.outgoing import AdjRibOut
from qa.reference import update_bodies
from qa.sent import assert_round_trips, sent_routes


HEAD = (
    "neighbor 127.0.0.1 { router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1; family { l2vpn vpls; }\n"
)
ASES = (1, 1)  # the local and peer AS of the routes' neighbor
SITE = "rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8 next-hop 192.168.201.1"
NLRI = VPLS(bytes.fromhex("0001C0A8C901007B"), 5, 1, 8, 10702)


def routes(body: str):
    """The routes of `body` as the neighbor of HEAD sends them (`qa.sent`)."""
    configuration = parse(HEAD + body + "\n}\n", "vpls.conf", full=True)
    assert_round_trips(configuration)
    return sent_routes(configuration.neighbors[0])


def api_routes(line: str) -> list:
    """The routes of an API command as the neighbor of HEAD sends them."""
    return sent_routes(parse(HEAD + "\n}\n", "vpls.conf", full=True).neighbors[0], parse_command(line).routes())


def test_block_flat_announce_and_api_forms_are_one_route():
    (block,) = routes(
        "l2vpn { vpls site5 { endpoint 5; base 10702; offset 1; size 8; rd 192.168.201.1:123;\n"
        " next-hop 192.168.201.1; med 2000; extended-community [ target:54591:6 ]; } }"
    )
    assert block.name == "site5"
    route = block.route
    assert (route.nlri, route.nexthop, route.family) == (NLRI, bytes((192, 168, 201, 1)), (25, 65))
    assert route.attributes.get(attr.MULTI_EXIT_DISC) == (2000).to_bytes(4, "big")
    assert route.attributes.get(attr.LOCAL_PREF) == (100).to_bytes(4, "big")  # the iBGP default
    (flat,) = routes(f"l2vpn {{ vpls {SITE} med 2000 extended-community [ target:54591:6 ]; }}")
    (announced,) = routes(f"announce {{ l2vpn {{ vpls med 2000 {SITE} extended-community target:54591:6; }} }}")
    assert flat.route == announced.route == route and flat.name is None
    (api,) = api_routes(f"announce vpls {SITE} med 2000 extended-community [ target:54591:6 ]")
    assert api.route == route
    assert route_text(flat, *ASES) == (f"l2vpn vpls {SITE} med 2000 extended-community [ 0x0002D53F00000006 ]")


def test_the_update_5_0_sends():
    (static,) = routes(f"l2vpn {{ vpls {SITE}; }}")
    route = static.route
    (body,) = packing.announce_bodies(25, 65, route.attributes, route.nexthop, [route.nlri], CodecContext())
    # exabgp validate -nrv: ORIGIN, AS_PATH, LOCAL_PREF, MP_REACH_NLRI (no NEXT_HOP attribute)
    assert body.hex().upper() == (
        "0000002D400101004002004005040000006480 0E1C00194104C0A8C9010000110001C0A8C901007B000500010008029CE1"
    ).replace(" ", "")


def test_numbers_take_their_last_value_and_split_is_ignored():
    (static,) = routes(f"l2vpn {{ vpls {SITE} endpoint 6 split /24; }}")
    assert static.route.nlri == VPLS(NLRI.rd, 6, 1, 8, 10702)
    (largest,) = routes("l2vpn { vpls rd 1:1 endpoint 65535 base 1048575 offset 65535 size 65535 next-hop ::1; }")
    assert largest.route.nlri == VPLS(bytes.fromhex("0000000100000001"), 65535, 65535, 65535, 1048575)
    assert len(largest.route.nexthop) == 16  # 5.0 sends an IPv6 next hop as it is


@pytest.mark.parametrize(
    "line, token, reason",
    [
        (f"vpls {SITE} endpoint 65536;", "65536", "invalid l2vpn vpls endpoint 65536"),
        (f"vpls {SITE} base 1048576;", "1048576", "invalid l2vpn vpls label 1048576"),
        (f"vpls {SITE} offset 0x10;", "0x10", "invalid l2vpn vpls block-offset '0x10'"),
        (f"vpls {SITE} size -1;", "-1", "invalid l2vpn vpls block-size '-1'"),
        (f"vpls {SITE} large-community 1:2:3;", "large-community", "unknown l2vpn vpls keyword"),
        (f"vpls {SITE} label 5;", "label", "unknown l2vpn vpls keyword"),
        ("vpls endpoint 5 base 1 offset 1 next-hop 1.1.1.1 rd 1:1;", "vpls", "l2vpn vpls needs size"),
        ("vpls endpoint 5 base 1 offset 1 size 1 next-hop 1.1.1.1;", "vpls", "l2vpn vpls needs rd"),
        ("vpls endpoint 5 base 1 offset 1 size 1 rd 1:1;", "vpls", "l2vpn vpls needs next-hop"),
        ("vpls endpoint 5 base 1 offset 1 size 1 rd 1:1 next-hop self;", "vpls", "next-hop self"),
        ("vpls;", "vpls", "vpls needs its endpoint"),
        (f"vpls {SITE} med;", ";", "missing value for med"),
        ("evpn x;", "evpn", "unknown l2vpn keyword 'evpn'"),
        ("vpls a b { endpoint 5; }", "vpls", "needs exactly one name"),
        (
            "vpls site { endpoint 5; base 1; offset 1; size 1; rd 1:1; next-hop 1.1.1.1; colour red; }",
            "colour",
            "unknown l2vpn vpls keyword 'colour'",
        ),
    ],
)
def test_errors_say_where(line, token, reason):
    text = f" {line}"
    with pytest.raises(ConfigurationError) as raised:
        parse(HEAD + "l2vpn {\n" + text + "\n}\n}\n", "vpls.conf", full=True)
    assert reason in raised.value.reason
    assert (raised.value.file, raised.value.line, raised.value.column) == ("vpls.conf", 3, text.index(token) + 1)


def test_the_family_must_be_announced():
    with pytest.raises(ConfigurationError, match="route of type l2vpn vpls when we are not announcing"):
        parse(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-as 1; peer-as 1; family { ipv4 unicast; }\n"
            f"announce {{ l2vpn {{ vpls {SITE}; }} }} }}\n",
            "x.conf",
            full=True,
        )


# ---- the API -------------------------------------------------------------------------------------


def test_api_announce_and_withdraw():
    command = parse_command(f"neighbor 127.0.0.1 announce vpls {SITE}")
    assert (command.action, command.kind) == ("announce", "vpls")
    (announce,) = command.routes()
    assert announce.route.nlri == NLRI
    (withdraw,) = parse_command(f"withdraw vpls {SITE}").routes()
    assert withdraw.route == announce.route
    # without next-hop a withdrawal gets 0.0.0.0, as `withdraw route` does
    (bare,) = parse_command("withdraw vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8").routes()
    assert (bare.route.nlri, bare.route.nexthop) == (NLRI, bytes(4))


@pytest.mark.parametrize(
    "line",
    [
        "announce vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8",
        f"announce vpls {SITE} endpoint 65536",
        f"announce vpls {SITE} colour red",
        "announce vpls",
        "announce ipv4 vpls rd 1:1 endpoint 5 base 1 offset 1 size 8 next-hop 1.1.1.1",
    ],
)
def test_bad_vpls_commands_are_errors(line):
    with pytest.raises(CommandError) as raised:
        parse_command(line).routes()
    assert raised.value.reason


# ---- the reference configuration -----------------------------------------------------------------


def test_the_reference_configuration_gives_the_updates_5_0_sends(reference):
    """conf-l2vpn: three routes, two of them with the same NLRI and other attributes: three UPDATEs, also
    through the Adj-RIB-Out with group-updates on (5.0 never puts two VPLS NLRI in one UPDATE)."""
    text = (reference / "conf" / "conf-l2vpn.conf").read_text()
    configuration = parse(text, "conf-l2vpn.conf", full=True)
    assert_round_trips(configuration)
    (neighbor,) = configuration.neighbors
    expected = update_bodies(reference, "conf-l2vpn")
    assert len(neighbor.routes) == len(expected) == 3
    bodies = []
    for static in sent_routes(neighbor):
        route = static.route
        bodies.extend(
            packing.announce_bodies(25, 65, route.attributes, route.nexthop, [route.nlri], CodecContext(), group=False)
        )
    assert sorted(bodies) == expected
    adj = AdjRibOut()
    for static in sent_routes(neighbor):
        adj.add(static.route)
    assert sorted(adj.updates(CodecContext(), True)) == expected
