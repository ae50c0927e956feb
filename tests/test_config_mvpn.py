"""MCAST-VPN routes from the configuration and the API (`exabgp.config.mvpn`): the announce and API forms,
the canonical round trip, errors with their place, and the reference configuration against the UPDATEs
ExaBGP 5.0 sends for it.  The grammar and the UPDATE octets are those of ExaBGP 5.0.15 (``exabgp
validate -nrv``)."""

import socket

import pytest

from exabgp.bgp import attribute as attr
from exabgp.bgp.context import CodecContext
from exabgp.bgp.mvpn import MVPN, build
from exabgp.bgp.route import NEXT_HOP_SELF
from exabgp.config.command import CommandError, parse as parse_command
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import parse
from exabgp.config.route import route_text
from exabgp.rib import packing
from exabgp.rib.outgoing import AdjRibOut
from qa.reference import update_bodies
from qa.sent import assert_round_trips, sent_routes


HEAD = (
    "neighbor 127.0.0.1 { router-id 32.32.32.32; local-address 127.0.0.1; local-as 65000; peer-as 65000; "
    "family { ipv4 mcast-vpn; ipv6 mcast-vpn; }\n"
)
ASES = (65000, 65000)  # the local and peer AS of the routes' neighbor
JOIN = "source-join source 10.99.12.2 group 239.251.255.228 rd 65000:99999 source-as 65000"
RD = bytes.fromhex("0000FDE80001869F")
JOIN_NLRI = build(1, 7, RD, socket.inet_aton("10.99.12.2"), socket.inet_aton("239.251.255.228"), 65000)


def routes(body: str):
    """The routes of `body` as the neighbor of HEAD sends them (`qa.sent`)."""
    configuration = parse(HEAD + body + "\n}\n", "mvpn.conf", full=True)
    assert_round_trips(configuration)
    return sent_routes(configuration.neighbors[0])


def api_routes(line: str) -> list:
    """The routes of an API command as the neighbor of HEAD sends them."""
    return sent_routes(parse(HEAD + "\n}\n", "mvpn.conf", full=True).neighbors[0], parse_command(line).routes())


def test_announce_and_api_forms_are_one_route():
    (static,) = routes(
        f"announce {{ ipv4 {{ mcast-vpn {JOIN} next-hop 10.10.6.3 med 5 "
        "extended-community [ target:192.168.94.12:5 ] name join; } }"
    )
    route = static.route
    assert (route.nlri, route.nexthop, route.family) == (JOIN_NLRI, bytes((10, 10, 6, 3)), (1, 5))
    assert route.attributes.get(attr.MULTI_EXIT_DISC) == (5).to_bytes(4, "big")
    assert route.attributes.get(attr.LOCAL_PREF) == (100).to_bytes(4, "big")  # the iBGP default
    assert static.name == "join"
    (api,) = api_routes(
        f"announce ipv4 mcast-vpn {JOIN} next-hop 10.10.6.3 extended-community target:192.168.94.12:5 med 5"
    )
    assert api.route == route
    assert route_text(static, *ASES) == (
        f"ipv4 mcast-vpn {JOIN} next-hop 10.10.6.3 med 5 extended-community [ 0x0102C0A85E0C0005 ] name join"
    )


def test_every_route_type_and_both_afis():
    found = routes(
        "announce {\n ipv4 {\n"
        "  mcast-vpn shared-join rp 10.99.199.1 group 239.1.1.1 rd 1.2.3.4:5 source-as 4294967295"
        " next-hop self;\n"
        "  mcast-vpn source-ad source 10.0.0.1 group 232.1.1.1 rd 70000:5 next-hop 1.1.1.1;\n }\n"
        " ipv6 {\n  mcast-vpn source-join source fd12::2 group ff0e::1 rd 65000:1 source-as 0"
        " next-hop 2001::1;\n }\n}"
    )
    assert [item.route.nlri.text() for item in found] == [
        "mvpn:shared-join::1.2.3.4:5:4294967295:10.99.199.1:239.1.1.1",
        "mvpn:sourcead::70000:5:10.0.0.1:232.1.1.1",
        "mvpn:source-join::65000:1:0:fd12::2:ff0e::1",
    ]
    assert [item.route.family for item in found] == [(1, 5), (1, 5), (2, 5)]
    assert found[0].route.nexthop == NEXT_HOP_SELF


def test_the_updates_5_0_sends():
    """exabgp validate -nrv of the same routes (5.0.15's "parsed hex")."""
    (join, active) = routes(
        "announce { ipv4 { mcast-vpn source-join source 10.99.12.4 group 239.251.255.228 rd 70000:5 "
        "source-as 4294967295 next-hop 127.0.0.1;\n mcast-vpn source-ad source 10.99.12.4 group 239.251.255.228 "
        "rd 1.2.3.4:5 next-hop 1.1.1.1; } }"
    )
    ctx = CodecContext()
    found = [
        next(packing.announce_bodies(1, 5, item.route.attributes, item.route.nexthop, [item.route.nlri], ctx))
        for item in (join, active)
    ]
    assert [body.hex().upper() for body in found] == [
        "00000039400101004002004003047F0000014005040000006480 0E2100 01 05 04 7F000001 00 07 16 0002000111700005"
        "FFFFFFFF200A630C0420EFFBFFE4".replace(" ", ""),
        "000000354001010040020040030401010101400504000000648 00E1D000105040101010100051200010102030400 05"
        "200A630C0420EFFBFFE4".replace(" ", ""),
    ]
    (six,) = routes(
        "announce { ipv6 { mcast-vpn source-ad source fd12::4 group ff0e::1 rd 65000:99999 next-hop 2001::1; } }"
    )
    route = six.route
    (body,) = packing.announce_bodies(2, 5, route.attributes, route.nexthop, [route.nlri], ctx)
    assert body.hex().upper() == (
        "000000524001010040020040050400000064800E41000205102001000000000000000000000000000100052A0000FDE8"
        "0001869F80FD12000000000000000000000000000480FF0E0000000000000000000000000001"
    )


@pytest.mark.parametrize(
    "line, token, reason",
    [
        ("mcast-vpn source-ad source 10.0.0.1 group 232.1.1.1 rd 1:1;", "mcast-vpn", "mcast-vpn needs next-hop"),
        ("mcast-vpn source-ad source 10.0.0.1 rd 1:1 next-hop 1.1.1.1;", "rd", "expects 'group', not 'rd'"),
        ("mcast-vpn source-ad source 10.0.0.1;", ";", "missing value for group"),
        (
            "mcast-vpn source-ad source fd00::1 group 232.1.1.1 rd 1:1 next-hop 1.1.1.1;",
            "fd00::1",
            "'fd00::1' is not a valid mcast-vpn source (an IPv4 address)",
        ),
        (
            "mcast-vpn shared-join source 10.0.0.1 group 232.1.1.1 rd 1:1 source-as 1 next-hop 1.1.1.1;",
            "source",
            "expects 'rp', not 'source'",
        ),
        (
            "mcast-vpn source-join source 10.0.0.1 group 232.1.1.1 rd 1:1 source-as 4294967296 next-hop 1.1.1.1;",
            "4294967296",
            "invalid mcast-vpn source-as '4294967296'",
        ),
        (
            "mcast-vpn source-join source 10.0.0.1 group 232.1.1.1 rd 1:1 next-hop 1.1.1.1;",
            "next-hop",
            "expects 'source-as', not 'next-hop'",
        ),
        (
            "mcast-vpn source-ad source 10.0.0.1 group 232.1.1.1 rd x next-hop 1.1.1.1;",
            "x",
            "'x' is not a route distinguisher",
        ),
        ("mcast-vpn intra-as source 10.0.0.1;", "intra-as", "unknown mcast-vpn route type 'intra-as'"),
        (
            "mcast-vpn source-ad source 10.0.0.1 group 232.1.1.1 rd 1:1 next-hop 1.1.1.1 label 5;",
            "label",
            "unknown mcast-vpn keyword 'label'",
        ),
        (
            "mcast-vpn source-ad source 10.0.0.1 group 232.1.1.1 rd 1:1 next-hop 1.1.1.1 med;",
            ";",
            "missing value for med",
        ),
    ],
)
def test_errors_say_where(line, token, reason):
    text = f"  {line}"
    with pytest.raises(ConfigurationError) as raised:
        parse(HEAD + "announce {\n ipv4 {\n" + text + "\n }\n}\n}\n", "mvpn.conf", full=True)
    assert reason in raised.value.reason
    assert (raised.value.file, raised.value.line, raised.value.column) == ("mvpn.conf", 4, text.index(token) + 1)


def test_the_family_must_be_announced():
    with pytest.raises(ConfigurationError, match="route of type ipv6 mcast-vpn when we are not announcing"):
        parse(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-as 1; peer-as 1; family { ipv4 mcast-vpn; }\n"
            "announce { ipv6 { mcast-vpn source-ad source fd12::4 group ff0e::1 rd 1:1 next-hop ::1; } } }\n",
            "x.conf",
            full=True,
        )


# ---- the API -------------------------------------------------------------------------------------


def test_api_announce_and_withdraw():
    command = parse_command(f"neighbor 127.0.0.1 announce ipv4 mcast-vpn {JOIN} next-hop 10.10.6.3")
    assert (command.action, command.kind, command.family) == ("announce", "ipv4", (1, 5))
    (announce,) = command.routes()
    assert announce.route.nlri == JOIN_NLRI
    (withdraw,) = parse_command(f"withdraw ipv4 mcast-vpn {JOIN} next-hop 10.10.6.3").routes()
    assert withdraw.route == announce.route
    # without next-hop a withdrawal gets 0.0.0.0, as `withdraw route` does
    (bare,) = parse_command(f"withdraw ipv4 mcast-vpn {JOIN}").routes()
    assert (bare.route.nlri, bare.route.nexthop) == (JOIN_NLRI, bytes(4))
    (six,) = parse_command(
        "announce ipv6 mcast-vpn shared-join rp fd00::1 group ff0e::1 rd 65000:99999 source-as 65000 next-hop 10.10.6.3"
    ).routes()
    assert six.route.nlri == MVPN(
        2,
        6,
        bytes.fromhex("0000FDE80001869F0000FDE880FD00000000000000000000000000000180FF0E0000000000000000000000000001"),
    )


@pytest.mark.parametrize(
    "line",
    [
        f"announce ipv4 mcast-vpn {JOIN}",
        "announce ipv4 mcast-vpn source-ad source fd12::4 group ff0e::1 rd 1:1 next-hop 1.1.1.1",
        f"announce ipv4 mcast-vpn {JOIN} next-hop 1.1.1.1 colour red",
        "announce ipv6 mcast-vpn",
        "announce ipv6 mcast-vpn bogus",
    ],
)
def test_bad_mcast_vpn_commands_are_errors(line):
    with pytest.raises(CommandError) as raised:
        parse_command(line).routes()
    assert raised.value.reason


# ---- the reference configuration -----------------------------------------------------------------


def test_the_reference_configuration_gives_the_updates_5_0_sends(reference):
    """conf-mvpn (group-updates on): the two joins of each AFI share their attributes and go in one UPDATE, in
    the order of the configuration; the Adj-RIB-Out sends exactly 5.0's four UPDATEs, in 5.0's order."""
    text = (reference / "conf" / "conf-mvpn.conf").read_text()
    configuration = parse(text, "conf-mvpn.conf", full=True)
    assert_round_trips(configuration)
    (neighbor,) = configuration.neighbors
    assert neighbor.group_updates and len(neighbor.routes) == 6
    adj = AdjRibOut()
    for static in sent_routes(neighbor):
        adj.add(static.route)
    assert list(adj.updates(CodecContext(), True)) == update_bodies(reference, "conf-mvpn")
