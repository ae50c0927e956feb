"""MUP routes from the configuration and the API (`exabgp.config.mup`): the announce and API forms, the
canonical round trip, errors with their place, and the reference configurations against the UPDATEs
ExaBGP 5.0 sends for them.  The grammar and the UPDATE octets are those of ExaBGP 5.0.15 (``exabgp
validate -nrv``); the departures (a prefix of the other AFI or longer than its address refused, the
generic ``attribute`` taken so that the canonical text reads back) are checked here."""

import pytest

from exabgp.bgp import attribute as attr
from exabgp.bgp.context import CodecContext
from exabgp.bgp.mup import MUP, t1st, t2st
from exabgp.config.command import CommandError, parse as parse_command
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import parse
from exabgp.config.route import route_text
from exabgp.rib import packing
from exabgp.rib.outgoing import AdjRibOut
from qa.reference import update_bodies
from qa.sent import assert_round_trips, sent_routes


HEAD = (
    "neighbor 127.0.0.1 { router-id 10.0.0.1; local-address 127.0.0.1; local-as 65000; peer-as 65000; "
    "family { ipv4 mup; ipv6 mup; }\n"
)
ASES = (65000, 65000)  # the local and peer AS of the routes' neighbor
RD = bytes.fromhex("0000006400000064")
ISD = "mup-isd 10.0.1.0/24 rd 100:100"
SID = "bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )"


def routes(body: str):
    """The routes of `body` as the neighbor of HEAD sends them (`qa.sent`)."""
    configuration = parse(HEAD + body + "\n}\n", "mup.conf", full=True)
    assert_round_trips(configuration)
    return sent_routes(configuration.neighbors[0])


def api_routes(line: str) -> list:
    """The routes of an API command as the neighbor of HEAD sends them."""
    return sent_routes(parse(HEAD + "\n}\n", "mup.conf", full=True).neighbors[0], parse_command(line).routes())


def test_announce_and_api_forms_are_one_route():
    (static,) = routes(
        f"announce {{ ipv4 {{ mup {ISD} next-hop 2001::1 extended-community [ target:10:10 ] {SID}; }} }}"
    )
    route = static.route
    assert route.nlri.text() == "mup:isd::100:100:10.0.1.0/24" and route.family == (1, 85)
    assert route.attributes.get(attr.LOCAL_PREF) == (100).to_bytes(4, "big")  # the iBGP default
    assert route.attributes.get(attr.BGP_PREFIX_SID) == bytes.fromhex(
        "0500220001001E0020010DB800010001000000000000000000004800010006401810000000"
    )
    (api,) = api_routes(f"announce ipv4 mup {ISD} {SID} next-hop 2001::1 extended-community target:10:10")
    assert api.route == route
    assert route_text(static, *ASES).startswith(f"ipv4 mup {ISD} next-hop 2001::1 extended-community [ ")


def test_every_route_type_and_the_updates_5_0_sends():
    """exabgp validate -nrv of these routes (5.0.15's "parsed hex")."""
    found = routes(
        "announce {\n ipv4 {\n"
        "  mup mup-t1st 10.1.0.0/20 rd 1.2.3.4:5 teid 4294967295 qfi 255 endpoint 10.0.0.1 source 10.1.1.1"
        " next-hop 10.0.0.2;\n"
        "  mup mup-t2st 10.0.0.9 rd 70000:10 teid 1/1 next-hop 10.0.0.2 extended-community mup:10:10;\n"
        " }\n ipv6 {\n  mup mup-dsd 2001::1 rd 100:100 next-hop 10.0.0.2;\n"
        "  mup mup-isd 2001:db8::/0 rd 100:100 next-hop 2001::2;\n }\n}"
    )
    assert [item.route.nlri.text() for item in found] == [
        "mup:t1st::1.2.3.4:5:10.1.0.0/20:4294967295:255:10.0.0.1/20:10.1.1.1/32",
        "mup:t2st::70000:10:33:10.0.0.9:1:",
        "mup:dsd::100:100:2001::1",
        "mup:isd::100:100:::/0",
    ]  # 5.0 logs the configured 2001:db8::/0: the octets it sends are those of ::/0
    assert found[0].route.nlri == t1st(
        1,
        bytes.fromhex("0001010203040005"),
        bytes((10, 1, 0, 0)),
        20,
        0xFFFFFFFF,
        255,
        bytes((10, 0, 0, 1)),
        bytes((10, 1, 1, 1)),
    )
    assert found[1].route.nlri == t2st(1, bytes.fromhex("000200011170000A"), bytes((10, 0, 0, 9)), 1, 1)
    ctx = CodecContext()
    bodies = [
        next(
            packing.announce_bodies(
                item.route.nlri.afi, 85, item.route.attributes, item.route.nexthop, [item.route.nlri], ctx
            )
        )
        .hex()
        .upper()
        for item in found
    ]
    assert bodies == [
        "00000040400101004002004003040A00000240050400000064800E28000155040A000002000100031B000101020304000514"
        "0A0100FFFFFFFFFF200A000001200A010101",
        "0000003E400101004002004003040A00000240050400000064C010080C00000A0000000A800E1B000155040A000002000100"
        "040E000200011170000A210A00000901",
        "000000424001010040020040050400000064800E310002551000000000000000000000FFFF0A000002000100021800000064"
        "0000006420010000000000000000000000000001",
        "000000334001010040020040050400000064800E220002551020010000000000000000000000000002000100010900000064"
        "0000006400",
    ]


@pytest.mark.parametrize(
    "line, token, reason",
    [
        (f"mup {ISD};", "mup", "mup needs next-hop"),
        ("mup mup-isd 10.0.1.0/24 next-hop 1.1.1.1;", "next-hop", "mup expects 'rd', not 'next-hop'"),
        ("mup mup-isd 10.0.1.0/33 rd 1:1 next-hop 1.1.1.1;", "10.0.1.0/33", "not a valid mup prefix"),
        ("mup mup-isd 2001::/64 rd 1:1 next-hop 1.1.1.1;", "2001::/64", "not a valid mup prefix"),
        ("mup mup-isd 10.0.1.0 rd 1:1 next-hop 1.1.1.1;", "10.0.1.0", "not a valid mup prefix"),
        ("mup mup-dsd 2001::1 rd 1:1 next-hop 1.1.1.1;", "2001::1", "is not a valid mup address (an IPv4 address)"),
        (
            "mup mup-t1st 10.0.0.0/8 rd 1:1 teid 4294967296 qfi 1 endpoint 1.1.1.1 next-hop 1.1.1.1;",
            "4294967296",
            "invalid mup teid '4294967296'",
        ),
        (
            "mup mup-t1st 10.0.0.0/8 rd 1:1 teid 1 qfi 256 endpoint 1.1.1.1 next-hop 1.1.1.1;",
            "256",
            "invalid mup qfi '256'",
        ),
        ("mup mup-t1st 10.0.0.0/8 rd 1:1 teid 1 qfi 1 next-hop 1.1.1.1;", "next-hop", "expects 'endpoint'"),
        (
            "mup mup-t1st 10.0.0.0/8 rd 1:1 teid 1 qfi 1 endpoint 1.1.1.1 source ::1 next-hop 1.1.1.1;",
            "::1",
            "not a valid mup source",
        ),
        ("mup mup-t2st 10.0.0.1 rd 1:1 teid 12345/0 next-hop 1.1.1.1;", "12345/0", "invalid mup teid '12345/0'"),
        ("mup mup-t2st 10.0.0.1 rd 1:1 teid 1/33 next-hop 1.1.1.1;", "1/33", "invalid mup teid '1/33'"),
        ("mup mup-t2st 10.0.0.1 rd 1:1 teid 12345 next-hop 1.1.1.1;", "12345", "invalid mup teid '12345'"),
        ("mup mup-xyz 10.0.0.1 rd 1:1;", "mup-xyz", "unknown mup route type 'mup-xyz'"),
        (f"mup {ISD} next-hop 1.1.1.1 med 5;", "med", "unknown mup keyword 'med'"),
        (f"mup {ISD} next-hop 1.1.1.1 label 5;", "label", "unknown mup keyword 'label'"),
        (f"mup {ISD} next-hop;", ";", "missing value for next-hop"),
    ],
)
def test_errors_say_where(line, token, reason):
    text = f"  {line}"
    with pytest.raises(ConfigurationError) as raised:
        parse(HEAD + "announce {\n ipv4 {\n" + text + "\n }\n}\n}\n", "mup.conf", full=True)
    assert reason in raised.value.reason
    assert (raised.value.file, raised.value.line, raised.value.column) == ("mup.conf", 4, text.index(token) + 1)


def test_the_family_must_be_announced():
    with pytest.raises(ConfigurationError, match="route of type ipv6 mup when we are not announcing"):
        parse(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-as 1; peer-as 1; family { ipv4 mup; }\n"
            "announce { ipv6 { mup mup-dsd 2001::1 rd 1:1 next-hop ::1; } } }\n",
            "x.conf",
            full=True,
        )


# ---- the API -------------------------------------------------------------------------------------


def test_api_announce_and_withdraw():
    command = parse_command(
        "neighbor 127.0.0.1 announce ipv6 mup mup-t2st 2001::1 rd 100:100 teid 12345/32 "
        "next-hop 10.0.0.2 extended-community [ target:10:10 mup:10:10 ]"
    )
    assert (command.action, command.kind, command.family) == ("announce", "ipv6", (2, 85))
    (announce,) = command.routes()
    assert announce.route.nlri == MUP(
        2, 1, 4, RD + bytes((160,)) + bytes.fromhex("2001") + bytes(13) + b"\x01" + (12345).to_bytes(4, "big")
    )
    (withdraw,) = parse_command(
        "withdraw ipv6 mup mup-t2st 2001::1 rd 100:100 teid 12345/32 next-hop 10.0.0.2 "
        "extended-community [ target:10:10 mup:10:10 ]"
    ).routes()
    assert withdraw.route == announce.route
    # without next-hop a withdrawal gets 0.0.0.0, as `withdraw route` does
    (bare,) = parse_command("withdraw ipv6 mup mup-t2st 2001::1 rd 100:100 teid 12345/32").routes()
    assert (bare.route.nlri, bare.route.nexthop) == (announce.route.nlri, bytes(4))


@pytest.mark.parametrize(
    "line",
    [
        f"announce ipv4 mup {ISD}",
        "announce ipv6 mup mup-dsd 10.0.0.1 rd 1:1 next-hop 1.1.1.1",
        f"announce ipv4 mup {ISD} next-hop 1.1.1.1 colour red",
        "announce ipv4 mup",
        "announce ipv4 mup mup-isd",
    ],
)
def test_bad_mup_commands_are_errors(line):
    with pytest.raises(CommandError) as raised:
        parse_command(line).routes()
    assert raised.value.reason


# ---- the reference configurations ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["conf-srv6-mup", "conf-srv6-mup-v3"])
def test_the_reference_configurations_give_the_updates_5_0_sends(reference, name):
    """One NLRI per UPDATE, IPv4 next hops on ipv6 mup IPv4-mapped (the order of the UPDATEs is the
    Adj-RIB-Out's, which groups routes by attributes: compared as sets, as qa/runner.py compares them)."""
    text = (reference / "conf" / f"{name}.conf").read_text()
    configuration = parse(text, f"{name}.conf", full=True)
    assert_round_trips(configuration)
    (neighbor,) = configuration.neighbors
    adj = AdjRibOut()
    for static in sent_routes(neighbor):
        adj.add(static.route)
    assert sorted(adj.updates(CodecContext(), True)) == sorted(update_bodies(reference, name))
