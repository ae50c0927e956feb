"""The 5.0 API command grammar (`exabgp.config.command`, docs/compatibility.md, "Commands and selectors").

Expectations marked "5.0.15" were observed on ExaBGP 5.0.15 itself: a
`process` helper sent the line to a 5.0.15 speaker (neighbors 127.0.0.3
established eBGP, 127.0.0.4 iBGP, 127.0.0.5 multi-session, 127.0.0.6 with
``local-address auto; local-as auto; peer-as auto; passive true``) and read
``done`` / ``error`` back; the peer names come from its log lines ("route
added to <names>").
"""

import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_MPLS_VPN, SAFI_UNICAST
from exabgp.bgp.record import replace
from exabgp.bgp.route import AttributeSets
from exabgp.config import command
from exabgp.config.command import CommandError, Selector, parse
from exabgp.config.neighbor import parse as parse_configuration
from exabgp.config.route import route_text
from qa.hypothesis_profiles import examples


def _lines(text: str) -> list:
    return [line[:-1] for line in text.splitlines()]


SPEAKERS = """\
process helper { run ./helper.py; encoder text; }
neighbor 127.0.0.5 {
    router-id 1.1.1.5; local-address 127.0.0.2; local-as 65001; peer-as 65005;
    capability { multi-session; }
    family { ipv4 unicast; ipv6 unicast; }
    api { processes [ helper ]; }
}
neighbor 127.0.0.6 {
    router-id 1.1.1.6; local-address auto; local-as auto; peer-as auto; passive true;
    api { processes [ helper ]; }
}
neighbor 127.0.0.4 {
    router-id 1.1.1.1; local-address 127.0.0.2; local-as 65001; peer-as 65001;
    api { processes [ helper ]; }
}
neighbor 127.0.0.3 {
    router-id 1.1.1.1; local-address 127.0.0.2; local-as 65001; peer-as 65002; hold-time 90;
    capability { route-refresh; graceful-restart 120; add-path send/receive; }
    family { ipv4 unicast; ipv6 unicast; }
    api { processes [ helper ]; }
}
"""

NEIGHBORS = parse_configuration(SPEAKERS, "speakers.conf", full=True).neighbors
BY_ADDRESS = {neighbor.peer_address: neighbor for neighbor in NEIGHBORS}

# 5.0.15's names for these neighbors (its log lines)
NAMES = {
    "127.0.0.5": "neighbor 127.0.0.5 local-ip 127.0.0.2 local-as 65001 peer-as 65005 router-id 1.1.1.5"
    " family-allowed ipv4-unicast/ipv6-unicast",
    "127.0.0.6": "neighbor 127.0.0.6 local-ip None local-as auto peer-as auto router-id 1.1.1.6 family-allowed in-open",
    "127.0.0.4": "neighbor 127.0.0.4 local-ip 127.0.0.2 local-as 65001 peer-as 65001 router-id 1.1.1.1"
    " family-allowed in-open",
    "127.0.0.3": "neighbor 127.0.0.3 local-ip 127.0.0.2 local-as 65001 peer-as 65002 router-id 1.1.1.1"
    " family-allowed in-open",
}


def selected(line: str) -> list:
    return [neighbor.peer_address for neighbor in command.select(parse(line).selectors, NEIGHBORS)]


def test_peer_names_are_5_0_names():
    assert {neighbor.peer_address: command.peer_name(neighbor) for neighbor in NEIGHBORS} == NAMES


@pytest.mark.parametrize(
    "line, peers",
    [
        # 5.0.15: each of these reached exactly these peers (its "route added to ..." log)
        ("neighbor 127.0.0.3 local-as 65001 announce route 10.50.0.0/24 next-hop 1.1.1.1", ["127.0.0.3"]),
        (
            "neighbor 127.0.0.3 router-id 1.1.1.1, neighbor 127.0.0.4 announce route 10.52.0.0/24 next-hop 1.1.1.1",
            ["127.0.0.4", "127.0.0.3"],
        ),
        (
            "neighbor * announce route 10.53.0.0/24 next-hop 1.1.1.1",
            ["127.0.0.5", "127.0.0.6", "127.0.0.4", "127.0.0.3"],
        ),
        (
            "neighbor 127.0.0.5 family-allowed ipv4-unicast/ipv6-unicast announce route 10.54.0.0/24 next-hop 1.1.1.1",
            ["127.0.0.5"],
        ),
        ("neighbor 127.0.0.6 local-as auto announce route 10.56.0.0/24 next-hop 1.1.1.1", ["127.0.0.6"]),
        ("announce route 10.60.0.0/24 next-hop 1.1.1.1", ["127.0.0.5", "127.0.0.6", "127.0.0.4", "127.0.0.3"]),
        # 5.0.15 answered error: no peer matched
        ("neighbor 127.0.0.3 local-as 65099 announce route 10.51.0.0/24 next-hop 1.1.1.1", []),
        ("neighbor 127.0.0 announce route 10.57.0.0/24 next-hop 1.1.1.1", []),
        # whole words only, and every filter of one selector must match
        ("neighbor 127.0.0.3 peer-as 6500 announce route 10.0.0.0/24 next-hop 1.1.1.1", []),
        ("neighbor 127.0.0.4 local-ip 127.0.0.2 peer-as 65001 router-id 1.1.1.1 announce eor", ["127.0.0.4"]),
        ("neighbor 127.0.0.4 neighbor 127.0.0.3 announce eor", []),
        ("neighbor 127.0.0.9, neighbor 127.0.0.6, neighbor 127.0.0.5 teardown 2", ["127.0.0.5", "127.0.0.6"]),
    ],
)
def test_selection_is_5_0_selection(line, peers):
    assert selected(line) == peers


def _selects(selector, neighbor) -> bool:
    """5.0's rule written out: every ``key value`` of the selector is whole words of the peer name."""
    name = command.peer_name(neighbor)
    return selector.address == "*" or all(
        re.search(rf"(^|\s){re.escape(f'{key} {value}')}($|\s|,)", name) for key, value in selector.pairs()
    )


def test_selection_is_the_whole_words_rule():
    """Every selector made of the words of the peer names (and near misses) selects what 5.0's rule selects."""
    words = sorted({word for name in NAMES.values() for word in name.split(" ")} | {"127.0.0", "6500", "*"})
    keys = sorted(command.FILTER_KEYS)
    real = sorted({pair for name in NAMES.values() for pair in command.name_pairs(name) if pair[0] in keys})
    rng = random.Random(9)
    for _ in range(3000):
        filters = tuple(
            rng.choice(real) if rng.random() < 0.7 else (rng.choice(keys), rng.choice(words))
            for _ in range(rng.randint(0, 2))
        )
        selectors = [Selector(rng.choice(words), filters) for _ in range(rng.randint(1, 3))]
        expected = [neighbor for neighbor in NEIGHBORS if any(_selects(one, neighbor) for one in selectors)]
        assert command.select(selectors, NEIGHBORS) == expected, selectors


def test_a_line_naming_thousands_of_neighbors_is_quick():
    """28,000 selectors (a 1 MB line) against 100 neighbors: the selection is not their product (it took 20 s
    with a regular expression per selector and neighbor; a helper's line must not hold the reactor)."""
    line = " , ".join(f"neighbor 10.{n >> 8 & 255}.{n & 255}.1 local-as 65001" for n in range(28000))
    found = parse(line + " , neighbor 127.0.0.3 announce route 10.0.0.0/24 next-hop 1.1.1.1")
    assert len(found.selectors) == 28001
    neighbors = NEIGHBORS * 25
    began = time.perf_counter()
    chosen = command.select(found.selectors, neighbors)
    took = time.perf_counter() - began
    assert [neighbor.peer_address for neighbor in chosen] == ["127.0.0.3"] * 25
    assert took < 2.0, took


def _mebibyte_line(head: str, item, tail: str = "") -> tuple:
    """(`head` followed by the words `item(n)` for n = 0, 1, ... up to 1 MiB, then `tail`; the count of words)."""
    words = [head]
    size = len(head) + len(tail)
    while size + len(word := f" {item(len(words) - 1)}") <= 1 << 20:
        words.append(word)
        size += len(word)
    return "".join(words) + tail, len(words) - 1


def _parse_routes(line: str):
    """(the routes of `line` through `Parser`, as the reactor reads a helper's line, or the CommandError; CPU s)."""
    began = time.process_time()
    try:
        made = command.Parser().parse(line).routes(AttributeSets())
    except CommandError as error:
        made = error
    return made, time.process_time() - began


def test_a_1_mib_nlri_line_is_answered_quickly():
    """``announce attributes ... nlri`` with 69,573 prefixes (1 MiB): 1.1 s of CPU on the development machine
    before the lexer read a token at a time and IPv4 prefixes without `ipaddress`, 0.4 s after; the reactor
    waits that long, 2 s bounds it."""
    head = "announce attributes next-hop 192.0.2.1 med 10 community [ 65000:1 ] nlri"
    line, count = _mebibyte_line(head, lambda n: f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}/32")
    made, took = _parse_routes(line)
    assert len(line) <= 1 << 20 and count == 69573
    assert [static.route.nlri.spec() for static in (made[0], made[-1])] == ["10.0.0.0/32", "10.1.15.196/32"]
    assert len(made) == count and len({id(static.route.attributes) for static in made}) == 1
    assert took < 2.0, took


def test_a_1_mib_community_line_is_answered_quickly():
    """1 MiB of large communities (1,000 distinct ones, repeated) make one route; 1 MiB of distinct communities
    (87,000) an attribute no UPDATE carries, answered ``error``: 0.6 s of CPU each on the development machine
    before, 0.3 s after; 2 s bounds the reactor's wait."""
    line, _ = _mebibyte_line(
        "announce route 10.0.0.0/24 next-hop 192.0.2.1 large-community [", lambda n: f"65000:1:{n % 1000}", " ]"
    )
    made, took = _parse_routes(line)
    (static,) = made
    large = dict((code, value) for code, _flags, value in static.route.attributes.tlvs)[32]  # RFC 8092
    assert large == b"".join(
        (65000).to_bytes(4, "big") + (1).to_bytes(4, "big") + n.to_bytes(4, "big") for n in range(1000)
    )
    assert took < 2.0, took
    line, _ = _mebibyte_line(
        "announce route 10.0.0.0/24 next-hop 192.0.2.1 community [", lambda n: f"{n & 0xFFFF}:{n >> 16}", " ]"
    )
    made, took = _parse_routes(line)
    assert isinstance(made, CommandError)
    assert made.detail.endswith("can not be sent: a path attribute over 65535 octets, which no UPDATE can carry")
    assert took < 2.0, took


def test_selectors_parsed():
    found = parse(
        "neighbor 10.0.0.1 local-ip 10.0.0.2 local-as 1 peer-as 2 router-id 1.1.1.1 family-allowed in-open"
        " , neighbor * announce eor"
    )
    assert found.selectors == (
        Selector(
            "10.0.0.1",
            (
                ("local-ip", "10.0.0.2"),
                ("local-as", "1"),
                ("peer-as", "2"),
                ("router-id", "1.1.1.1"),
                ("family-allowed", "in-open"),
            ),
        ),
        Selector("*"),
    )
    assert Selector("10.0.0.1", (("peer-as", "2"),)).pairs() == (("neighbor", "10.0.0.1"), ("peer-as", "2"))
    assert parse("announce eor").selectors == ()
    assert parse("neighbor 10.0.0.1,neighbor 10.0.0.2 teardown 3").selectors == (
        Selector("10.0.0.1"),
        Selector("10.0.0.2"),
    )


@pytest.mark.parametrize(
    "line, fields",
    [
        ("announce route 10.0.0.0/24 next-hop 1.1.1.1", {"action": "announce", "kind": "route"}),
        ("withdraw route 10.0.0.0/24", {"action": "withdraw", "kind": "route"}),
        ("announce ipv4 unicast 10.0.0.0/24 next-hop 1.1.1.1", {"kind": "ipv4", "family": (AFI_IPV4, SAFI_UNICAST)}),
        (
            "withdraw ipv6 mpls-vpn 2001:db8::/32 rd 1:1 label 5",
            {"action": "withdraw", "kind": "ipv6", "family": (AFI_IPV6, SAFI_MPLS_VPN)},
        ),
        ("announce attributes next-hop 1.1.1.1 nlri 10.0.0.0/24", {"kind": "attributes"}),
        ("announce attribute next-hop 1.1.1.1 nlri 10.0.0.0/24", {"kind": "attributes"}),  # 5.0.15: done
        ("withdraw attributes nlri 10.0.0.0/24", {"action": "withdraw", "kind": "attributes"}),
        ("announce eor", {"kind": "eor", "family": (1, 1)}),
        ("announce eor ipv6 unicast", {"kind": "eor", "family": (2, 1)}),  # 5.0.15: done
        ("announce eor l2vpn evpn", {"kind": "eor", "family": (25, 70)}),
        ("announce route-refresh ipv4 unicast", {"kind": "route-refresh", "family": (1, 1)}),
        ("announce watchdog dns", {"kind": "watchdog", "name": "dns"}),  # 5.0.15: done
        ("withdraw watchdog", {"action": "withdraw", "kind": "watchdog", "name": None}),  # 5.0.15: done
        ("neighbor 127.0.0.3 teardown 2", {"action": "teardown", "code": 2}),  # 5.0.15: done
        ("teardown 6", {"action": "teardown", "code": 6, "selectors": ()}),
        ("show neighbor", {"action": "show neighbor", "show": None, "address": None}),  # 5.0.15: usage text
        ("show neighbor summary", {"show": "summary", "address": None, "json": False}),
        ("show neighbor 127.0.0.3 summary", {"show": "summary", "address": "127.0.0.3"}),
        ("show neighbor extensive 127.0.0", {"show": "extensive", "address": "127.0.0"}),
        ("show neighbor configuration", {"show": "configuration"}),
        ("show neighbor summary json", {"show": "summary", "json": True}),
        ("show neighbor json", {"show": None, "json": True}),
        ("show adj-rib in", {"action": "show adj-rib", "rib": "in", "extensive": False, "address": None}),
        ("show adj-rib out extensive", {"rib": "out", "extensive": True}),
        ("show adj-rib out 127.0.0.3", {"rib": "out", "address": "127.0.0.3"}),
        ("show adj-rib out inet", {"rib": "out", "address": None, "route_type": "inet"}),
        ("show adj-rib in 127.0.0.3 extensive", {"rib": "in", "address": "127.0.0.3", "extensive": True}),
        ("show adj-rib in extensive json", {"json": True, "extensive": False}),  # 5.0.15: the v1 JSON, not extensive
        ("show adj-rib out l2vpn json", {"json": True, "route_type": "l2vpn"}),
        ("flush adj-rib out", {"action": "flush adj-rib", "rib": "out"}),
        ("neighbor 127.0.0.3 clear adj-rib in", {"action": "clear adj-rib", "rib": "in"}),  # 5.0.15: done
        ("clear adj-rib out", {"action": "clear adj-rib", "rib": "out"}),
        ("clear adj-rib", {"action": "clear adj-rib", "rib": "out"}),
        ("shutdown", {"action": "shutdown"}),
        ("reload", {"action": "reload"}),
        ("restart", {"action": "restart"}),
        ("version", {"action": "version"}),
        ("help", {"action": "help"}),
        ("enable-ack", {"action": "enable-ack"}),
        ("disable-ack", {"action": "disable-ack"}),
        ("silence-ack", {"action": "silence-ack"}),
        ("reset", {"action": "reset"}),
        ("crash", {"action": "crash"}),
        ("# a comment", {"action": "comment", "text": "a comment"}),  # 5.0.15: done
        ("debug  some\ttext", {"action": "debug", "text": " some\ttext"}),
        # the name the line starts with, after its selectors, whole words
        ("version foo", {"action": "version"}),  # 5.0.15: the version
        ("version,", {"action": "version"}),  # 5.0.15: the version
        ("  \tversion  ", {"action": "version"}),  # 5.0.15: the version
        ("neighbor 127.0.0.3 version", {"action": "version"}),  # 5.0.15: the version (selectors ignored)
        ("neighbor 127.0.0.3 shutdown", {"action": "shutdown"}),  # 5.0.15: shutdown in progress
        ("neighbor 127.0.0.3 show neighbor summary", {"action": "show neighbor", "show": "summary"}),  # 5.0.15: all
        ("neighbor * announce route 10.0.2.0/24 next-hop 1.2.3.4", {"kind": "route"}),  # 5.0.15: done
        ("neighbor 127.0.0.3 local-as 65001 announce route 10.0.3.0/24 next-hop 1.2.3.4", {"kind": "route"}),
        ("# we must never shutdown this router", {"action": "comment"}),  # 5.0.15: shutdown in progress
        # deliberate differences from 5.0.15, which takes the first of its reverse-sorted names found anywhere
        ("announce route 10.70.0.0/24 next-hop 1.1.1.1 name version", {"action": "announce"}),  # 5.0.15: the version
        ("announce route 10.70.0.0/24 next-hop 1.1.1.1 watchdog reload", {"action": "announce"}),  # 5.0.15: reloads
        ("announce route-refresh ipv6 unicast", {"kind": "route-refresh"}),  # not "announce route"
        ("announce attributes next-hop 1.1.1.1 nlri 10.0.0.0/24", {"kind": "attributes"}),
    ],
)
def test_every_5_0_command(line, fields):
    found = parse(line)
    assert found.action in command.ACTIONS
    assert found.kind is None or found.kind in command.KINDS
    for name, value in fields.items():
        assert getattr(found, name) == value, name


def test_line_is_normalised_as_5_0():
    assert command.normalise("  announce\troute 10.0.0.0/24   community [65000:1,65000:2]  ") == (
        "announce route 10.0.0.0/24 community [ 65000:1 , 65000:2 ]"
    )
    assert command.normalise("as-path (1 2)") == "as-path ( 1 2 )"
    found = parse("announce route 10.0.0.0/24 next-hop 1.1.1.1 community [65000:1,65000:2]")
    assert found.line == "announce route 10.0.0.0/24 next-hop 1.1.1.1 community [ 65000:1 , 65000:2 ]"


def test_json_flag_is_any_word():
    assert parse("show adj-rib in json").json
    assert parse("show neighbor json summary").json
    assert not parse("show neighbor summary jsonx").json


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "foo bar",  # 5.0.15: error
        "announce",
        "announce routes",
        "teardown x",  # 5.0.15: error
        "teardown",
        "teardown 2 3",
        "teardown 256",
        "teardown ²",
        "neighbor 1.2.3.4 teardown -1",
        "announce eor ipv4 foo",  # 5.0.15: error
        "announce eor ipv4",
        "announce route-refresh ipv4",  # 5.0.15: error
        "announce route-refresh",
        "show adj-rib-in",  # 5.0.15: error
        "show adj-rib foo",  # 5.0.15: error
        "clear adj-rib-in",  # 5.0.15: error
        "neighbor 127.0.0.3 show adj-rib in",
        "announce route",
        "announce ipv4",
        "announce ipv4 unicast",
        "announce ipv4 anycast 10.0.0.0/24",
        "announce route 10.0.0.0/24 next-hop 1.1.1.1; announce route 10.0.0.1/32 next-hop 1.1.1.1",
        "announce route 10.0.0.0/24 { next-hop 1.1.1.1; community { 1 } }",
        'announce route 10.0.0.0/24 next-hop "1.1.1.1',
        "neighbor announce route 10.0.0.0/24 next-hop 1.1.1.1",
        "neighbor 1.2.3.4 , announce route 10.0.0.0/24 next-hop 1.1.1.1",
        "neighbor 1.2.3.4 peer-as 1 neighbor",
        "x announce route 10.0.0.0/24 next-hop 1.1.1.1",  # 5.0.15: error
        "ANNOUNCE route 10.0.0.0/24 next-hop 1.1.1.1",  # 5.0.15: error
        "SHUTDOWN",  # 5.0.15: error
        "#comment",  # 5.0.15: error
        "flush adj-rib in",  # 5.0.15: error
        "x teardown 2",  # 5.0.15: error
        # deliberate differences: a command name after other words (5.0.15 runs the command)
        "we must never shutdown this router",  # 5.0.15: shutdown in progress
        "please reload",  # 5.0.15: reload in progress
        "x restart",  # 5.0.15: restart in progress
        "please version",  # 5.0.15: the version
        "x help",  # 5.0.15: the help text
        "foo # bar",  # 5.0.15: done
        "x show neighbor summary",  # 5.0.15: the summary
        "x enable-ack",  # 5.0.15: done
        "x clear adj-rib in",  # 5.0.15: done
        "x reset",  # 5.0.15: no answer
        "announce operational asm afi ipv4 safi unicast",
        "announce operational rpcq afi ipv4 safi foo sequence 1",
        "announce operational rpcp afi ipv4 safi unicast sequence 1 counter x",
        "announce operational rpcq afi ipv4 safi unicast sequence ²",
        'announce operational asm afi ipv4 safi unicast advisory "unterminated',
        "announce route 10.0.0.0/24\nnext-hop 1.1.1.1",
    ],
)
def test_errors(line):
    with pytest.raises(CommandError) as raised:
        parse(line)
    assert raised.value.reason


@pytest.mark.parametrize(
    "line, what",
    [
        ("withdraw ipv6 evpn mac-advertisement rd 100:100", "ipv6 evpn routes"),
        ("announce ipv4 evpn mac-advertisement rd 100:100", "ipv4 evpn routes"),
    ],
)
def test_families_still_to_come(line, what):
    with pytest.raises(CommandError, match="not supported yet") as raised:
        parse(line)
    assert what in raised.value.reason


def test_operational():
    found = parse('announce operational asm afi ipv4 safi unicast advisory "Thank you, bye"')
    assert found.kind == "operational"
    assert (found.operational.kind, found.operational.family, found.operational.advisory) == (
        "asm",
        (1, 1),
        "Thank you , bye",
    )  # 5.0 spaces commas out inside quotes too
    query = parse(
        "neighbor 10.0.0.1 announce operational RPCP afi ipv6 safi unicast sequence 7 counter 9 router-id 1.2.3.4"
    ).operational
    assert (query.kind, query.family, query.sequence, query.counter, query.router_id) == (
        "rpcp",
        (2, 1),
        7,
        9,
        "1.2.3.4",
    )
    # 5.0.15 answers done to an unknown operational type and does nothing
    assert parse("neighbor 127.0.0.3 announce operational foo").operational is None
    assert parse("announce operational").operational is None


ROUTE_TEXTS = [
    "10.0.0.0/24 next-hop 1.1.1.1",
    "10.0.0.0/24 next-hop self med 10 community [ 65000:1 no-export ] local-preference 200",
    "10.1.0.0/22 next-hop 1.1.1.1 split /24 watchdog web withdraw",
    "2001:db8::/32 next-hop 2001:db8::1 as-path [ 64500 70000 ] ( 1 2 ) origin egp",
    "172.16.0.0/16 rd 65000:1 label 100 next-hop 192.0.2.1 extended-community [ target:65000:1 origin:1.2.3.4:5 ]",
    "10.2.0.0/24 next-hop 1.1.1.1 aggregator ( 70000:1.2.3.4 ) large-community [ 1:2:3 ] path-information 5",
    "239.1.0.0/16 next-hop 1.1.1.1 atomic-aggregate originator-id 1.1.1.1 cluster-list [ 1.1.1.1 2.2.2.2 ]",
    "10.3.0.0/24 next-hop 1.1.1.1 attribute [ 0x63 0xC0 0x0102 ] name 'my route'",
]

SESSIONS = {
    "ibgp": "local-as 65001; peer-as 65001;",
    "ebgp": "local-as 65001; peer-as 65002;",
    "ebgp-asn2": "local-as 65001; peer-as 65002; capability { asn4 disable; }",
    "auto": "local-as auto; peer-as auto; passive true;",
}


def configured(session: str, body: str):
    text = f"neighbor 10.9.9.9 {{ router-id 1.2.3.4; local-address 10.9.9.1; {session}\n{body}\n}}\n"
    return parse_configuration(text, "routes.conf", full=True).neighbors[0].routes


@pytest.mark.parametrize("session", sorted(SESSIONS))
@pytest.mark.parametrize("text", ROUTE_TEXTS)
def test_api_routes_equal_configured_routes(session, text):
    """An API route is the configured route of the same text, but for ``watchdog NAME`` and ``withdraw``, read
    and dropped: 5.0.15 announces a helper's route at once and no watchdog moves it (recorded with
    ``qa.differential.wire``, scenario ``api-route-watchdog-keywords``).  Neither depends on the neighbor (its
    session's defaults and AS form are applied when the route is sent, `exabgp.rib.export`)."""
    statement = SESSIONS[session]
    found = parse(f"neighbor 10.9.9.9 announce route {text}").routes()
    expected = [
        replace(item, watchdog=None, withdraw=False) for item in configured(statement, f"static {{ route {text}; }}")
    ]
    assert found == expected
    assert all(item.watchdog is None and not item.withdraw for item in found)
    assert found and all(route.route.nlri for route in found)


@pytest.mark.parametrize("session", sorted(SESSIONS))
def test_api_announce_family_and_attributes_equal_configured(session):
    statement = SESSIONS[session]
    announce = parse("announce ipv6 unicast 2001:db8::/48 next-hop 2001:db8::1 med 3").routes()
    assert announce == list(
        configured(statement, "announce { ipv6 { unicast 2001:db8::/48 next-hop 2001:db8::1 med 3; } }")
    )
    attributes = parse("announce attributes next-hop 1.1.1.1 med 7 nlri 10.0.0.0/24 10.0.1.0/24").routes()
    assert attributes == list(
        configured(statement, "static { attributes next-hop 1.1.1.1 med 7 nlri 10.0.0.0/24 10.0.1.0/24; }")
    )
    assert len(attributes) == 2
    block = parse("announce route 10.65.0.0/24 { next-hop 1.1.1.1; med 5; }").routes()  # 5.0.15: done
    assert block == list(configured(statement, "static { route 10.65.0.0/24 { next-hop 1.1.1.1; med 5; } }"))
    assert parse("announce route 10.64.0.0/24 next-hop 1.1.1.1;").routes() == list(  # 5.0.15: done
        configured(statement, "static { route 10.64.0.0/24 next-hop 1.1.1.1; }")
    )


def test_routes_are_parsed_once_and_interned():
    """A command's routes do not depend on the neighbor (`Commands._routes` parses them once for all the peers it
    reaches); equal attribute sets are one object in one `AttributeSets`."""
    found = parse("announce route 10.0.0.0/24 next-hop 1.1.1.1")
    (static,) = found.routes()
    assert static.route.attributes.tlvs == ()  # ORIGIN, AS_PATH, LOCAL_PREF: the session's (exabgp.rib.export)
    interned = AttributeSets()
    first = found.routes(interned)[0]
    assert found.routes(interned)[0].route.attributes is first.route.attributes


def test_withdraw_without_next_hop():
    speaker = (65001, 65002)  # eBGP
    (route,) = parse("withdraw route 10.50.0.0/24").routes()  # 5.0.15: done, "next-hop 0.0.0.0"
    assert route_text(route, *speaker) == "ipv4 unicast 10.50.0.0/24 next-hop 0.0.0.0"
    (route,) = parse("withdraw route 2001:db8:1::/48").routes()  # 5.0.15: done, "next-hop 0.0.0.0"
    assert route_text(route, *speaker) == "ipv6 unicast 2001:db8:1::/48 next-hop 0.0.0.0"
    (route,) = parse("withdraw route 10.50.0.0/24 next-hop 1.2.3.4 med 4").routes()
    assert route_text(route, *speaker) == "ipv4 unicast 10.50.0.0/24 next-hop 1.2.3.4 med 4"
    routes = parse("withdraw attributes med 4 nlri 10.0.0.0/24 10.0.1.0/24").routes()
    assert [route_text(route, *speaker) for route in routes] == [
        "ipv4 unicast 10.0.0.0/24 next-hop 0.0.0.0 med 4",
        "ipv4 unicast 10.0.1.0/24 next-hop 0.0.0.0 med 4",
    ]
    (route,) = parse("withdraw ipv4 unicast 10.0.0.0/24").routes()
    assert route.route.nlri.plen == 24


@pytest.mark.parametrize(
    "line",
    [
        "announce route 10.55.0.0/24",  # 5.0.15: error (missing next-hop)
        "announce route 10.9.0.0/33 next-hop 1.1.1.1",  # 5.0.15: error
        "announce route 10.9.0.1/24 next-hop 1.1.1.1",
        "announce route 10.9.0.0/24 next-hop 1.1.1.1 colour blue",
        "announce route 10.9.0.0/24 next-hop 1.1.1.1 as-path [ 1 ²",
        "announce route 10.9.0.0/24 next-hop 1.1.1.1 med",
        "announce ipv4 unicast 2001:db8:5::/48 next-hop 1.1.1.1",  # 5.0.15 announces it as "ipv4 unicast": a 5.0 bug
        "announce ipv6 unicast 10.0.0.0/24 next-hop 1.1.1.1",
        "announce ipv4 mpls-vpn 10.0.0.0/24 next-hop 1.1.1.1",
        "announce attributes next-hop 1.1.1.1",
        "announce attributes next-hop 1.1.1.1 nlri",
    ],
)
def test_bad_routes(line):
    found = parse(line)
    with pytest.raises(CommandError, match="command could not parse") as raised:
        found.routes()
    assert raised.value.detail


def test_routes_of_a_command_without_routes():
    with pytest.raises(CommandError):
        parse("announce eor").routes()


@pytest.mark.parametrize(
    "line, shown",
    [
        ("show neighbor 127.0.0.3 summary", ["127.0.0.3"]),
        ("show neighbor 127.0.0 summary", []),  # summary: the exact address
        ("show neighbor 127.0.0 extensive", ["127.0.0.5", "127.0.0.6", "127.0.0.4", "127.0.0.3"]),  # 5.0.15: all
        ("show neighbor 127.0.0.4 extensive", ["127.0.0.4"]),  # 5.0.15: 127.0.0.4 only
        ("show neighbor 65005 configuration", ["127.0.0.5"]),
        ("show neighbor 127.0.0.4 json", ["127.0.0.5", "127.0.0.6", "127.0.0.4", "127.0.0.3"]),  # json: no filter
        ("show adj-rib out 127.0.0.4", ["127.0.0.4"]),
        ("show adj-rib out 127.0.0", ["127.0.0.5", "127.0.0.6", "127.0.0.4", "127.0.0.3"]),  # 5.0: a substring
        ("show adj-rib in", ["127.0.0.5", "127.0.0.6", "127.0.0.4", "127.0.0.3"]),
    ],
)
def test_show_filters(line, shown):
    found = parse(line)
    assert [neighbor.peer_address for neighbor in NEIGHBORS if found.shows(neighbor)] == shown


CAPTURED = """\
process helper {
    run ./helper.py;
    encoder text;
}
neighbor 127.0.0.4 {
    router-id 1.1.1.1;
    local-address 127.0.0.2;
    local-as 65001;
    peer-as 65001;
    api { processes [ helper ]; }
}
neighbor 127.0.0.3 {
    router-id 1.1.1.1;
    local-address 127.0.0.2;
    local-as 65001;
    peer-as 65002;
    hold-time 90;
    capability { route-refresh; graceful-restart 120; add-path send/receive; }
    family { ipv4 unicast; ipv6 unicast; }
    api { processes [ helper ]; }
    static {
        route 2001:db8::/32 next-hop 2001:db8::1;
        route 10.1.0.0/24 next-hop 127.0.0.2 med 10 community [ 65001:1 ];
        route 10.1.0.9/32 next-hop 127.0.0.2;
    }
}
"""

CONFIGURATION = _lines("""\
neighbor 127.0.0.4 {|
  description "";|
  router-id 1.1.1.1;|
  host-name None;|
  domain-name None;|
  local-address 127.0.0.2;|
  source-interface None;|
  local-as 65001;|
  peer-as 65001;|
  hold-time 180;|
  rate-limit disable;|
  manual-eor false;|
|
  passive false;|
  group-updates true;|
  auto-flush true;|
  adj-rib-in true;|
  adj-rib-out true;|
  md5-base64 false;|
  md5-ip "127.0.0.2";|
  capability {|
    asn4 enable;|
    route-refresh disable;|
    graceful-restart disable;|
    software-version disable;|
    nexthop disable;|
    add-path disable;|
    multi-session disable;|
    operational disable;|
    aigp disable;|
  }|
  family {|
    ipv4 unicast;|
    ipv4 multicast;|
    ipv4 nlri-mpls;|
    ipv4 mcast-vpn;|
    ipv4 mup;|
    ipv4 mpls-vpn;|
    ipv4 rtc;|
    ipv4 flow;|
    ipv4 flow-vpn;|
    ipv6 unicast;|
    ipv6 multicast;|
    ipv6 nlri-mpls;|
    ipv6 mcast-vpn;|
    ipv6 mup;|
    ipv6 mpls-vpn;|
    ipv6 flow;|
    ipv6 flow-vpn;|
    l2vpn vpls;|
    l2vpn evpn;|
    bgp-ls bgp-ls;|
    bgp-ls bgp-ls-vpn;|
  }|
  nexthop {|
  }|
  add-path {|
  }|
  api {|
    processes [ helper ];|
  }|
}|
neighbor 127.0.0.3 {|
  description "";|
  router-id 1.1.1.1;|
  host-name None;|
  domain-name None;|
  local-address 127.0.0.2;|
  source-interface None;|
  local-as 65001;|
  peer-as 65002;|
  hold-time 90;|
  rate-limit disable;|
  manual-eor false;|
|
  passive false;|
  group-updates true;|
  auto-flush true;|
  adj-rib-in true;|
  adj-rib-out true;|
  md5-base64 false;|
  md5-ip "127.0.0.2";|
  capability {|
    asn4 enable;|
    route-refresh enable;|
    graceful-restart 120;|
    software-version disable;|
    nexthop disable;|
    add-path send/receive;|
    multi-session disable;|
    operational disable;|
    aigp disable;|
  }|
  family {|
    ipv4 unicast;|
    ipv6 unicast;|
  }|
  nexthop {|
  }|
  add-path {|
    ipv4 unicast;|
    ipv6 unicast;|
  }|
  api {|
    processes [ helper ];|
  }|
}|
""")


def test_show_neighbor_configuration_is_5_0_text():
    # 5.0.15's answer to `show neighbor configuration` for the configuration CAPTURED
    neighbors = parse_configuration(CAPTURED, "captured.conf", full=True).neighbors
    text = "\n".join(command.neighbor_configuration(neighbor) for neighbor in neighbors)
    assert text.split("\n") == CONFIGURATION


def test_show_neighbor_configuration_optional_lines():
    text = (
        "neighbor 10.0.0.1 { router-id 1.1.1.1; local-address 10.0.0.2; local-as 1; peer-as 2; listen 1790;"
        " connect 1791; md5-password secret; outgoing-ttl 5; incoming-ttl 6;"
        " api { processes [ a ]; neighbor-changes; receive { update; parsed; } send { packets; } } }\n"
        "process a { run ./a; encoder json; }\n"
    )
    (neighbor,) = parse_configuration(text, "o.conf", full=True).neighbors
    lines = command.neighbor_configuration(neighbor).split("\n")
    for expected in (
        "  listen 1790;",
        "  connect 1791;",
        '  md5-password "secret";',
        "  outgoing-ttl 5;",
        "  incoming-ttl 6;",
        "    neighbor-changes;",
        "      parsed;",
        "      packets;",
    ):
        assert expected in lines
    receive = lines.index("    receive {")
    assert lines[receive + 1 : receive + 4] == ["      parsed;", "      update;", "    }"]  # 5.0's order


@settings(max_examples=examples(400), deadline=None)
@given(st.text())
def test_fuzz_any_text_is_a_command_or_a_command_error(line):
    try:
        found = parse(line)
    except CommandError:
        return
    if found.tokens:
        try:
            found.routes()
        except CommandError:
            pass


WORDS = [
    "announce",
    "withdraw",
    "route",
    "ipv4",
    "ipv6",
    "unicast",
    "attributes",
    "nlri",
    "next-hop",
    "10.0.0.0/24",
    "1.1.1.1",
    "neighbor",
    "*",
    ",",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ";",
    "local-as",
    "1",
    "as-path",
    "med",
    "community",
    "eor",
    "operational",
    "asm",
    "afi",
    "safi",
    "show",
    "adj-rib",
    "in",
    "teardown",
    "json",
    '"',
    "rd",
    "label",
    "split",
    "/24",
    "watchdog",
    "2001:db8::/32",
    "self",
    "extensive",
    "summary",
    "#",
]


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14), st.binary(max_size=8))
def test_fuzz_command_words_and_binary(words, garbage):
    line = " ".join(words) + garbage.decode("latin-1")
    try:
        found = parse(line)
    except CommandError:
        return
    if found.tokens:
        try:
            found.routes()
        except CommandError:
            pass


@pytest.mark.slow
def test_a_flow_too_long_for_any_nlri_is_an_error():
    """40,000 port values make a 120 kB flow NLRI, over the 12-bit length (RFC 8955 4.1): an error for the helper,
    not an OverflowError out of the command."""
    ports = " ".join(f"={n % 65535}" for n in range(40000))
    for line in (
        f"announce flow route {{ match {{ destination 10.0.0.0/24; destination-port [ {ports} ]; }} "
        f"then {{ discard; }} }}",
        f"announce ipv4 flow destination-port [ {ports} ] discard",
    ):
        with pytest.raises(CommandError) as raised:
            parse(line).routes()
        assert raised.value.detail.endswith("flow NLRI longer than 4095 octets")


@pytest.mark.slow
def test_huge_and_odd_lines():
    with pytest.raises(CommandError):
        parse("x" * (1 << 20))
    found = parse("announce route 10.0.0.0/24 next-hop 1.1.1.1 community [ " + "1:1 " * 16000 + "]")
    assert len(found.routes()) == 1  # 64000 octets of communities: fits a 65535-octet UPDATE
    found = parse("announce route 10.0.0.0/24 next-hop 1.1.1.1 community [ " + "1:1 " * 50000 + "]")
    with pytest.raises(CommandError, match="can not be sent: a path attribute over 65535 octets"):
        found.routes()  # no UPDATE can carry it (issue 9, hole 3): an error for the helper
    found = parse("withdraw route 10.0.0.0/24 next-hop 1.1.1.1 community [ " + "1:1 " * 50000 + "]")
    assert len(found.routes()) == 1  # a withdrawal of IPv4 unicast carries no attribute
    with pytest.raises(CommandError):
        parse(b"announce route".decode() + "\x00\xff")
    with pytest.raises(CommandError):
        parse(None)


def test_every_command_name_has_an_action_and_a_help_line():
    from exabgp.api import show

    assert set(command.COMMANDS) == set(show.COMMANDS)
    assert {action for action, _kind in command.COMMANDS.values()} | {"debug"} == command.ACTIONS


def test_every_command_has_one_handler():
    """The reactor's command table (`exabgp.reactor.commands.HANDLERS`) has an entry for each (action, kind) the
    parser makes, and none for a command the parser does not make."""
    from exabgp.reactor.commands import HANDLERS

    assert set(HANDLERS) == set(command.COMMANDS.values()) | {("debug", None)}
    assert parse("debug anything").action == "debug" and parse("debug anything").kind is None
