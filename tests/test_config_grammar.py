"""The whole 5.0 grammar: neighbor keywords, api / process / operational blocks, validation messages,
"not supported yet" families, the canonical round trip, and the routes of the reference configurations
against the UPDATEs ExaBGP 5.0 sends for them (encoding/*.msg)."""

import pytest

from exabgp import _codec
from exabgp.bgp import record
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import FAMILIES
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.update import Update
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import (
    ALL_FAMILIES,
    Neighbor,
    OperationalLine,
    parse,
)
from exabgp.config.process import ApiBlock, Process, program_candidates
from exabgp.rib import packing
from qa.reference import reference_files
from qa.sent import assert_round_trips, sent_routes


BASE = "router-id 10.0.0.2; local-address 127.0.0.1; local-as 65533; peer-as 65534;"


def full(text: str, file: str = "g.conf"):
    configuration = parse(text, file, full=True)
    assert_round_trips(configuration)
    return configuration


def one(body: str, header: str = "neighbor 127.0.0.1") -> Neighbor:
    (neighbor,) = full(f"{header} {{\n{body}\n}}\n").neighbors
    return neighbor


def error(text: str):
    with pytest.raises(ConfigurationError) as info:
        parse(text, "x.conf", full=True)
    return info.value


def test_every_neighbor_keyword():
    neighbor = one(
        BASE
        + """
        description "edge router"; hold-time 90; rate-limit 10; passive; listen 1790; connect 1791;
        outgoing-ttl 255; incoming-ttl 254; md5-password "s;e{c}ret"; md5-base64 false; md5-ip 127.0.0.2;
        source-interface eth0; host-name my-host; domain-name example.com; group-updates false;
        auto-flush false; adj-rib-out; adj-rib-in; manual-eor true; peer-address 127.0.0.1;
        nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }
        family { ipv4 unicast; ipv6 unicast; ipv4 mpls-vpn; ipv6 mpls-vpn; }
        add-path { ipv4 unicast; }
        """
    )
    assert neighbor.description == "edge router"
    assert (neighbor.hold_time, neighbor.rate_limit, neighbor.passive, neighbor.listen, neighbor.connect) == (
        90,
        10,
        True,
        1790,
        1791,
    )
    assert (neighbor.outgoing_ttl, neighbor.incoming_ttl) == (255, 254)
    assert (neighbor.md5_password, neighbor.md5_base64, neighbor.md5_ip) == ("s;e{c}ret", False, "127.0.0.2")
    assert (neighbor.source_interface, neighbor.host_name, neighbor.domain_name) == ("eth0", "my-host", "example.com")
    # bare adj-rib-out / adj-rib-in mean false in 5.0
    assert (
        neighbor.group_updates,
        neighbor.auto_flush,
        neighbor.adj_rib_out,
        neighbor.adj_rib_in,
        neighbor.manual_eor,
    ) == (False, False, False, False, True)
    assert neighbor.nexthop == ((1, 1, 2), (1, 128, 2))
    assert neighbor.add_path == ((1, 1),)
    defaults = one(BASE)
    assert (
        defaults.hold_time,
        defaults.rate_limit,
        defaults.passive,
        defaults.outgoing_ttl,
        defaults.md5_password,
        defaults.group_updates,
        defaults.adj_rib_out,
        defaults.families,
    ) == (180, 0, False, None, None, True, True, ALL_FAMILIES)
    assert one(BASE + " rate-limit disable; outgoing-ttl disable; md5-base64 auto;").md5_base64 == "auto"
    with pytest.raises(record.FrozenInstanceError):
        neighbor.hold_time = 3


@pytest.mark.parametrize(
    "text, reason",
    [
        ("neighbor 10.0.0.1 {\n local-as 1; peer-as 1; local-address 10.0.0.2;\n}\n", None),
        ("neighbor 10.0.0.1 {\n peer-as 1; router-id 1.1.1.1;\n}\n", "incomplete neighbor, missing local-as"),
        ("neighbor 10.0.0.1 {\n local-as 1; peer-as 1;\n}\n", "incomplete neighbor, missing router-id"),
        (
            "neighbor 2001::1 {\n local-as 1; peer-as 1; local-address 2001::2;\n}\n",
            "incomplete neighbor, missing router-id",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; local-address 2001::2; router-id 1.1.1.1;\n}\n",
            "local-address and peer-address must be of the same family",
        ),
        (
            "neighbor 10.0.0.0/8 {\n local-as 1; peer-as 1; router-id 1.1.1.1;\n}\n",
            "can only use ip ranges for the peer address with passive neighbors",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1; md5-password " + "a" * 81 + ";\n}\n",
            "MD5 password must be no larger than 80 characters",
        ),
        ("neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1; md5-base64; md5-password a!b;\n}\n", None),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1; md5-base64 true; md5-password a!b;\n}\n",
            "invalid base64 encoding of MD5 password",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1; listen 179;\n}\n",
            "listen requires a local-address",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1; family { ipv4 unicast; }\n"
            " static { route 2001::/64 next-hop 2001::1; }\n}\n",
            "Trying to announce a route of type ipv6 unicast when we are not announcing the family to our peer",
        ),
    ],
)
def test_neighbor_validation_messages(text, reason):
    if reason is None:
        assert parse(text, "x.conf", full=True).neighbors
        return
    problem = error(text)
    assert problem.reason == reason and problem.file == "x.conf" and problem.line in (1, 3)


@pytest.mark.parametrize(
    "setting, reason",
    [
        ("hold-time 2;", "hold-time must be 0 or between 3 and 65535"),
        ("hold-time 70000;", "not a valid hold-time"),
        ("outgoing-ttl 0;", "not a valid TTL"),
        ("listen 65536;", "not a valid port"),
        ("host-name bad/name;", "not a valid host-name"),
        ("passive maybe;", "not a boolean"),
        ("teleport 1;", "unknown neighbor keyword 'teleport'"),
    ],
)
def test_neighbor_value_errors(setting, reason):
    problem = error(f"neighbor 127.0.0.1 {{\n{BASE}\n  {setting}\n}}\n")
    assert reason in problem.reason and (problem.line, problem.column) in ((3, 3), (3, 3 + setting.index(" ") + 1))


def test_duplicate_peer_and_ranges():
    text = f"neighbor 10.0.0.1 {{ {BASE} }}\n"
    assert error(text + text).reason == "duplicate peer definition 10.0.0.1"
    (neighbor,) = full("neighbor 10.0.0.0/8 { passive; router-id 1.1.1.1; local-as 1; peer-as 1; }").neighbors
    assert neighbor.peer_address == "10.0.0.0/8" and neighbor.passive


def test_processes_match_block():
    configuration = full(f'neighbor 127.0.0.1 {{ {BASE} api {{ processes-match [ "^watch-.*" ]; fsm; }} }}\n')
    assert configuration.neighbors[0].api == (ApiBlock(None, (), ("^watch-.*",), ("fsm",), (), ()),)


def test_processes_and_api_blocks():
    configuration = full(
        'process announce-routes {\n run /usr/local/bin/my-helper --flag "quoted arg";\n encoder json;\n}\n'
        "process watcher { run ./watch.py; encoder text; respawn false; }\n"
        "template { neighbor base { api speaking { processes [ watcher, announce-routes ]; neighbor-changes;"
        " receive { parsed; update; notification; } send { packets; } } } }\n"
        f"neighbor 127.0.0.1 {{ inherit base; {BASE} api {{ processes [ watcher ]; negotiated; fsm;"
        " signal; receive { open; keepalive; refresh; operational; consolidate; } } }\n"
    )
    assert configuration.processes == (
        Process("announce-routes", ("/usr/local/bin/my-helper", "--flag", "quoted arg"), "json", True),
        Process("watcher", ("./watch.py",), "text", False),
    )
    assert configuration.neighbors[0].api == (
        ApiBlock(
            "speaking",
            ("watcher", "announce-routes"),
            (),
            ("neighbor-changes",),
            ("parsed", "update", "notification"),
            ("packets",),
        ),
        ApiBlock(
            None,
            ("watcher",),
            (),
            ("negotiated", "fsm", "signal"),
            ("consolidate", "open", "keepalive", "refresh", "operational"),
            (),
        ),
    )


@pytest.mark.parametrize(
    "text, reason",
    [
        ("process p {\n run /bin/cat;\n}\n", "unset process sections: encoder"),
        ("process p {\n encoder json;\n}\n", "unset process sections: run"),
        ("process p {\n run /bin/cat; encoder yaml;\n}\n", "not an encoder"),
        (
            "process p { run /bin/cat; encoder json; }\nprocess p { run /bin/cat; encoder json; }\n",
            'a process section called "p" already exists',
        ),
        (
            f"neighbor 127.0.0.1 {{ {BASE} api {{ processes [ ghost ]; }} }}\n",
            "an api called 'ghost' is used by neighbor '127.0.0.1' but not defined",
        ),
        (
            f"neighbor 127.0.0.1 {{ {BASE} api {{ processes [ a ]; processes-match [ b ]; }} }}\n",
            "processes and processes-match are mutually exclusive",
        ),
        (
            "process a { run /bin/cat; encoder json; }\n"
            f"neighbor 127.0.0.1 {{ {BASE} api {{ processes [ a ]; }} api {{ processes-match [ b ]; }} }}\n",
            "processes and processes-match are mutually exclusive in a neighbor",
        ),
        (f"neighbor 127.0.0.1 {{ {BASE} api {{ receive {{ gossip; }} }} }}\n", "unknown receive keyword 'gossip'"),
    ],
)
def test_process_and_api_errors(text, reason):
    assert reason in error(text).reason


def test_program_candidates_follow_5_0_order():
    assert program_candidates("/bin/cat", "/conf", "", "/usr/bin") == ["/bin/cat"]
    assert program_candidates("run/x.py", "/conf", "", "/usr/bin:/bin") == [
        "/etc/exabgp/run/x.py",
        "/conf/run/x.py",
        "/usr/bin/run/x.py",
        "/bin/run/x.py",
    ]
    assert program_candidates("etc/exabgp/x.py", "/conf", "/opt/etc", "") == [
        "/opt/etc/x.py",
        "/etc/exabgp/x.py",
        "etc/exabgp/x.py",
    ]


def test_operational_block():
    neighbor = one(
        BASE + " capability { operational; } operational {"
        ' asm afi ipv4 safi unicast advisory "Thank you for peering";'
        " rpcq afi ipv6 safi unicast sequence 7 router-id 1.2.3.4;"
        " lpcp afi ipv4 safi unicast sequence 1 counter 4294967296; }"
    )
    assert neighbor.operational == (
        OperationalLine("asm", (1, 1), advisory="Thank you for peering"),
        OperationalLine("rpcq", (2, 1), sequence=7, router_id="1.2.3.4"),
        OperationalLine("lpcp", (1, 1), sequence=1, counter=4294967296),
    )
    for bad, reason in (
        ("asm afi ipv4 safi unicast;", "asm needs advisory"),
        ("xyz afi ipv4 safi unicast;", "unknown operational message"),
        ("rpcq afi ipv4 safi unicast sequence 1 counter 2;", "'counter' is not a parameter of rpcq"),
        ("adm afi ipv4 safi warp advisory x;", "is not a family"),
    ):
        assert reason in error(f"neighbor 127.0.0.1 {{ {BASE} operational {{ {bad} }} }}").reason


@pytest.mark.parametrize(
    "block, where, reason",
    [
        ("announce {\n ipv6 {\n  evpn mac-advertisement rd 100:100;\n }\n}", (5, 3), "ipv6 evpn routes"),
        ("announce {\n ipv4 {\n  evpn mac-advertisement rd 100:100;\n }\n}", (5, 3), "ipv4 evpn routes"),
    ],
)
def test_families_still_to_come_are_not_supported_yet(block, where, reason):
    text = f"neighbor 127.0.0.1 {{\n{BASE}\n{block}\n}}\n"
    problem = error(text)
    assert problem.reason == f"{reason} are not supported yet" and (problem.line, problem.column) == where
    # `exabgp decode -c` reads the session facts only: the same file loads
    assert parse(text, "x.conf").neighbors[0].local_as == 65533


def test_announce_block_checks_its_afi():
    problem = error(f"neighbor 127.0.0.1 {{ {BASE} announce {{ ipv6 {{ unicast 10.0.0.0/8 next-hop 1.1.1.1; }} }} }}")
    assert problem.reason == "'10.0.0.0/8' is not an ipv6 prefix"


def test_templates_carry_routes_sent_as_the_inheriting_neighbor_sends_them():
    """The template's route is parsed once, one route for both neighbors; each session adds its own defaults."""
    configuration = full(
        "template { neighbor t { static { route 1.0.0.0/8 next-hop 1.1.1.1; } } }\n"
        "neighbor 10.0.0.1 { inherit t; router-id 1.1.1.1; local-as 1; peer-as 1; }\n"
        "neighbor 10.0.0.2 { inherit t; router-id 1.1.1.1; local-as 1; peer-as 2; }\n"
    )
    first, second = configuration.neighbors
    assert first.routes[0] is second.routes[0]
    ibgp, ebgp = (sent_routes(neighbor)[0].route.attributes for neighbor in configuration.neighbors)
    assert ibgp.get(5) == (100).to_bytes(4, "big") and ebgp.get(5) is None


@pytest.mark.parametrize("path", reference_files("conf/*.conf"), ids=lambda path: path.name if path else "absent")
def test_reference_configurations_parse_and_round_trip(reference, path):
    text = path.read_text()
    configuration = parse(text, str(path), full=True)
    assert configuration.neighbors
    assert_round_trips(configuration)


#: the IPv6 FlowSpec prefix ``::1/128/120`` as 5.0.13 sent it (qa/README.md)
FLOW_PREFIX_OF_5_0_13 = bytes.fromhex("02807800000000000000000000000000000001")


def _expected_updates(reference, name: str):
    bodies = []
    for line in (reference / "encoding" / f"{name}.msg").read_text().splitlines():
        if "#" in line or ":raw:" not in line:
            continue
        raw = bytes.fromhex(line.split(":raw:", 1)[1].replace(":", "").replace(" ", ""))
        if raw[18] == Update.TYPE:
            bodies.append(raw[19:])
    return bodies


#: the encoding tests whose configuration the reference has (one None without the reference: the fixture skips)
ENCODING = [
    path and path.stem
    for path in reference_files("encoding/*.ci")
    if path is None or (path.parent.parent / "conf" / path.read_text().split()[0]).is_file()
]


@pytest.mark.parametrize("name", ENCODING)
def test_route_attributes_are_the_octets_exabgp_5_sends(reference, name):
    """Every announcement of encoding/NAME.msg: its attributes (NEXT_HOP and MP_REACH_NLRI aside) are the
    `AttributeSet` of the configured route(s) it carries, and its NLRI and next hop are theirs."""
    conf = (reference / "encoding" / f"{name}.ci").read_text().split()[0]
    (neighbor,) = parse((reference / "conf" / conf).read_text(), conf, full=True).neighbors
    addpath = frozenset(FAMILIES) if neighbor.capability.add_path == 3 else frozenset()
    ctx = CodecContext(
        asn4=neighbor.capability.asn4,
        addpath_receive=addpath,
        addpath_send=addpath,
        extended_nexthop=frozenset(neighbor.nexthop),
    )
    configured = {}  # (NLRI, attributes): one FlowSpec match may come with several sets of actions, as routes
    for item in sent_routes(neighbor):
        configured[item.route.nlri, item.route.attributes.tlvs] = item.route
    announced = 0
    for body in _expected_updates(reference, name):
        if FLOW_PREFIX_OF_5_0_13 in body:
            continue  # 5.0.15 sends (and we send) RFC 8956's form of this prefix: tests/test_config_flow.py
        update = Update.decode(body, ctx)
        if update.eor(ctx):
            continue
        tlvs = tuple(
            sorted(
                (code, flags, bytes(value))
                for code, flags, value in _codec.walk_attributes(update.attribute_octets)
                if code not in (3, 14)
            )
        )
        for _action, _family, nexthop, nlri in update.changes(ctx):
            route = configured[nlri, tlvs]
            if not route.nexthop:  # a FlowSpec rule without a redirect / copy address
                assert nexthop is None
            elif route.nexthop != b"self":
                expected = address_text(route.nexthop)
                if (nlri.afi, nlri.safi) in packing.IPV4_MAPPED_NEXT_HOP and len(route.nexthop) == 4:
                    expected = "::ffff:" + expected  # 5.0 maps an IPv4 next hop on ipv6 mup
                assert expected == nexthop.lower()
            announced += 1
    assert announced == len(configured) - (name == "conf-flow")


def test_awkward_strings_survive_the_round_trip():
    neighbor = one(
        BASE + r' description "say \"hi\"\tthen\\leave"; md5-password "with space;";'
        r' static { route 10.0.0.0/8 next-hop 1.1.1.1 name "two words" watchdog "w;d"; }'
    )
    assert neighbor.description == 'say "hi"\tthen\\leave' and neighbor.md5_password == "with space;"
    assert (neighbor.routes[0].name, neighbor.routes[0].watchdog) == ("two words", "w;d")
