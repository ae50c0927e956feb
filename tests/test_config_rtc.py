"""RTC routes from the configuration and the API (`exabgp.config.rtc`): the forms, the canonical round trip,
errors with their place, the family and ADD-PATH blocks, and the UPDATEs sent.

ExaBGP 5.0.15 has no syntax to originate RTC routes and refuses ``ipv4 rtc`` in a ``family`` block
(docs/compatibility.md, "Families"): the grammar is this build's (`exabgp.config.rtc`).  What is checked
against 5.0.15 is what it reads: the UPDATEs we send for configured routes are decoded by the reference
(``exabgp decode``, run as a separate program through `qa.oracle`) into the JSON we print ourselves; the
partial lengths of RFC 4684, which 5.0.15 refuses ("invalid payload"), are checked against the RFC's octets.
"""

import importlib
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp.api.json_update import general_update_json
from exabgp.bgp import attribute as attr
from exabgp.bgp.context import CodecContext
from exabgp.bgp.rtc import RTC, build
from exabgp.bgp.update import Update
from exabgp.config import environment
from exabgp.config import session as config_session
from exabgp.config.command import CommandError, parse as parse_command
from exabgp.config.lexer import ConfigurationError, Token
from exabgp.config.neighbor import parse
from exabgp.config.route import route_text
from exabgp.config.rtc import parse_nlri
from exabgp.rib import packing
from qa.hypothesis_profiles import examples
from qa.sent import assert_round_trips, sent_routes

oracle = importlib.import_module("qa.oracle")

HEAD = (
    "neighbor 127.0.0.1 { router-id 10.0.0.1; local-address 127.0.0.1; local-as 65000; peer-as 65000; "
    "family { ipv4 rtc; }\n"
)
ASES = (65000, 65000)  # the local and peer AS of the routes' neighbor
TARGET = bytes.fromhex("0002FDE800000064")  # target:65000:100
NEXTHOP = bytes((10, 0, 0, 1))


def routes(body: str):
    """The routes of `body` as the neighbor of HEAD sends them (`qa.sent`)."""
    configuration = parse(HEAD + body + "\n}\n", "rtc.conf", full=True)
    assert_round_trips(configuration)
    return sent_routes(configuration.neighbors[0])


def api_routes(line: str) -> list:
    """The routes of an API command as the neighbor of HEAD sends them."""
    return sent_routes(parse(HEAD + "\n}\n", "rtc.conf", full=True).neighbors[0], parse_command(line).routes())


FORMS = [
    ("wildcard", RTC(None, 0, b"")),
    ("65000", build(65000, None, 32)),
    ("65000/32", build(65000, None, 32)),
    ("1.10:target:65000:100", build(65546, TARGET, 96)),
    ("65000:target:65000:100", build(65000, TARGET, 96)),
    ("65000:65000:100", build(65000, TARGET, 96)),
    ("65000:target:65000:100/96", build(65000, TARGET, 96)),
    ("65000:target:65000:100/64", build(65000, TARGET, 64)),
    ("65000:target:1.2.3.4:5/72", build(65000, bytes.fromhex("0102010203040005"), 72)),
    ("4294967295:origin:65000:1", build(0xFFFFFFFF, bytes.fromhex("0003FDE800000001"), 96)),
    ("65000:0x4002FDE800000064", build(65000, bytes.fromhex("4002FDE800000064"), 96)),
]


def test_every_form_and_its_canonical_text():
    found = routes(
        "announce {\n ipv4 {\n" + "".join(f"  rtc {form} next-hop 10.0.0.1;\n" for form, _ in FORMS) + " }\n}"
    )
    assert [item.route.nlri for item in found] == [nlri for _, nlri in FORMS]
    assert {item.route.family for item in found} == {(1, 132)} and {item.route.nexthop for item in found} == {NEXTHOP}
    assert [route_text(item, *ASES) for item in found[:4]] == [
        "ipv4 rtc wildcard next-hop 10.0.0.1",
        "ipv4 rtc 65000 next-hop 10.0.0.1",
        "ipv4 rtc 65000 next-hop 10.0.0.1",
        "ipv4 rtc 65546:target:65000:100 next-hop 10.0.0.1",
    ]


def test_attributes_and_path_information():
    (static,) = routes(
        "announce { ipv4 { rtc 65000:target:65000:100 next-hop self path-information 1.2.3.4 med 5 "
        "community 1:1 extended-community target:1:1 origin egp; } }"
    )
    route = static.route
    assert route.nlri == build(65000, TARGET, 96, 0x01020304)
    assert route.attributes.get(attr.MULTI_EXIT_DISC) == (5).to_bytes(4, "big")
    assert route.attributes.get(attr.LOCAL_PREF) == (100).to_bytes(4, "big")  # the iBGP default
    assert route.attributes.get(attr.ORIGIN) == b"\x01"
    assert route_text(static, *ASES) == (
        "ipv4 rtc 65000:target:65000:100 path-information 1.2.3.4 next-hop self origin egp med 5 community [ 1:1 ] "
        "extended-community [ 0x0002000100000001 ]"
    )


@pytest.mark.slow
def test_the_updates_sent_are_those_5_0_15_decodes():
    """Our UPDATE for each configured route with a full or default NLRI, decoded by ExaBGP 5.0.15, gives the
    JSON we print for it ourselves."""
    reference = oracle.require_oracle()
    found = routes(
        "announce {\n ipv4 {\n  rtc wildcard next-hop 10.0.0.1;\n"
        "  rtc 65000:target:65000:100 next-hop 10.0.0.1 community 1:1;\n"
        "  rtc 65001:target:1.2.3.4:5 next-hop 10.0.0.1 med 7;\n"
        "  rtc 70000:0x0600000000000005 next-hop 10.0.0.1;\n }\n}"
    )
    ctx = CodecContext()
    for item in found:
        (body,) = packing.announce_bodies(1, 132, item.route.attributes, item.route.nexthop, [item.route.nlri], ctx)
        ours = general_update_json(Update.decode(body, ctx), ctx)
        message = (b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + b"\x02" + body).hex()
        theirs = subprocess.run([reference, "decode", message], capture_output=True, text=True, timeout=60).stdout
        assert f'"message": {ours} }} }}' in theirs, (ours, theirs)
        assert '"ipv4 rtc": { "10.0.0.1": [ { "origin": ' in ours


def test_partial_lengths_are_sent_as_rfc_4684_writes_them():
    found = routes(
        "announce { ipv4 { rtc 65000 next-hop 10.0.0.1; rtc 65000:target:65000:100/80 next-hop "
        "10.0.0.1; rtc 65000:target:1.2.3.4:5/74 next-hop 10.0.0.1; } }"
    )
    ctx = CodecContext()
    sections = [
        packing.announce_bodies(1, 132, item.route.attributes, NEXTHOP, [item.route.nlri], ctx) for item in found
    ]
    # length, origin AS, then the route target cut to the length (bits past it cleared)
    assert [
        next(section)[-(1 + (item.route.nlri.plen + 7) // 8) :].hex().upper()
        for section, item in zip(sections, found, strict=False)
    ] == ["200000FDE8", "500000FDE80002FDE80000", "4A0000FDE8010201020300"]


@pytest.mark.parametrize(
    "line, token, reason",
    [
        ("rtc 65000:target:65000:100;", "rtc", "rtc needs next-hop"),
        ("rtc 65000:colour:red next-hop 1.1.1.1;", "65000:colour:red", "'colour:red' is not a route target"),
        ("rtc 4294967296 next-hop 1.1.1.1;", "4294967296", "'4294967296' is not an AS number"),
        ("rtc any next-hop 1.1.1.1;", "any", "'any' is not an AS number"),
        ("rtc 65000:1:1/31 next-hop 1.1.1.1;", "65000:1:1/31", "invalid rtc prefix length '31'"),
        ("rtc 65000:1:1/97 next-hop 1.1.1.1;", "65000:1:1/97", "invalid rtc prefix length '97'"),
        ("rtc 65000/64 next-hop 1.1.1.1;", "65000/64", "no route target"),
        ("rtc 65000 next-hop 1.1.1.1 label 5;", "label", "unknown rtc keyword 'label'"),
        ("rtc 65000 next-hop;", ";", "missing value for next-hop"),
    ],
)
def test_errors_say_where(line, token, reason):
    text = f"  {line}"
    with pytest.raises(ConfigurationError) as raised:
        parse(HEAD + "announce {\n ipv4 {\n" + text + "\n }\n}\n}\n", "rtc.conf", full=True)
    assert reason in raised.value.reason
    assert (raised.value.file, raised.value.line, raised.value.column) == ("rtc.conf", 4, text.index(token) + 1)


def test_ipv6_has_no_rtc():
    with pytest.raises(ConfigurationError, match="ipv4 rtc only"):
        parse(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-as 1; peer-as 1; family { ipv4 rtc; }\n"
            "announce { ipv6 { rtc 65000 next-hop ::1; } } }\n",
            "x.conf",
            full=True,
        )


def test_the_family_must_be_announced():
    with pytest.raises(ConfigurationError, match="route of type ipv4 rtc when we are not announcing"):
        parse(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-as 1; peer-as 1; family { ipv4 unicast; }\n"
            "announce { ipv4 { rtc 65000 next-hop 1.1.1.1; } } }\n",
            "x.conf",
            full=True,
        )


def neighbor(body: str):
    return parse(
        f"neighbor 127.0.0.1 {{ router-id 10.0.0.1; local-address 127.0.0.2; local-as 65001; "
        f"peer-as 65002;\n{body}\n}}\n",
        "test.conf",
        full=True,
    ).neighbors[0]


def test_family_and_add_path_blocks_take_ipv4_rtc():
    """ADD-PATH is offered for ipv4 rtc only when the add-path block names it: a configuration 5.0.15 accepts
    (``family { all; }``) offers what 5.0.15 offers."""
    env = environment.load({})
    named = neighbor(
        "family { ipv4 unicast; ipv4 rtc; } add-path { ipv4 unicast; ipv4 rtc; } capability { add-path send/receive; }"
    )
    assert named.families == ((1, 1), (1, 132))
    assert config_session.session_settings(named, env, "1").add_path == ((1, 1, 3), (1, 132, 3))
    every = neighbor("family { all; } capability { add-path send; }")
    assert (1, 132) in every.families
    assert (1, 132) not in [entry[:2] for entry in config_session.session_settings(every, env, "1").add_path]


# ---- the API -------------------------------------------------------------------------------------


def test_api_announce_and_withdraw():
    command = parse_command(
        "neighbor 127.0.0.1 announce ipv4 rtc 65000:target:65000:100 next-hop 10.0.0.1 path-information 3 community 1:1"
    )
    assert (command.action, command.kind, command.family) == ("announce", "ipv4", (1, 132))
    (announce,) = command.routes()
    assert (announce.route.nlri, announce.route.nexthop) == (build(65000, TARGET, 96, 3), NEXTHOP)
    (withdraw,) = parse_command(
        "withdraw ipv4 rtc 65000:target:65000:100 next-hop 10.0.0.1 path-information 3 community 1:1"
    ).routes()
    assert withdraw.route == announce.route
    # without next-hop a withdrawal gets 0.0.0.0, as `withdraw route` does
    (bare,) = parse_command("withdraw ipv4 rtc wildcard").routes()
    assert (bare.route.nlri, bare.route.nexthop) == (RTC(None, 0, b""), bytes(4))
    (static,) = routes("announce { ipv4 { rtc 65000:target:65000:100 next-hop 10.0.0.1 community 1:1; } }")
    (api,) = api_routes("announce ipv4 rtc 65000:target:65000:100 next-hop 10.0.0.1 community 1:1")
    assert api.route == static.route


@pytest.mark.parametrize(
    "line",
    [
        "announce ipv4 rtc 65000:target:65000:100",
        "announce ipv6 rtc 65000 next-hop ::1",
        "announce ipv4 rtc 65000:bad next-hop 10.0.0.1",
        "announce ipv4 rtc 65000:1:1/20 next-hop 10.0.0.1",
        "announce ipv4 rtc 65000 next-hop 10.0.0.1 colour red",
        "announce ipv4 rtc",
    ],
)
def test_bad_rtc_commands_are_errors(line):
    with pytest.raises(CommandError) as raised:
        parse_command(line).routes()
    assert raised.value.reason


# ---- round trip ---------------------------------------------------------------------------------


@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from((0, 32)) | st.integers(33, 96), st.integers(0, 0xFFFFFFFF), st.binary(min_size=8, max_size=8))
def test_every_nlri_reads_back_from_its_configuration_form(plen, origin, target):
    rtc = build(origin, target, plen)
    assert parse_nlri(Token(rtc.spec(), "x", 1, 1)) == rtc
