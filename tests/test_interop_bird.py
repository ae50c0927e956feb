"""Interoperability with BIRD 2 (`bird`, `birdc`): real sessions on 127.0.0.1 and ::1 (issue 3, part 7).

Each test runs BIRD (qa/interop/bird.py) and our daemon (`python -m exabgp
server`) in a temporary directory on free ports, and checks both sides:

* the session comes up with us active and with us passive, over IPv4 and
  IPv6, eBGP and iBGP: ``birdc show protocols`` says Established and our
  daemon logs "connected to";
* our static routes arrive in BIRD's RIB with exactly the origin, AS path,
  MED, local preference (iBGP), communities, large and extended
  communities and next hop (``next-hop self``: our address) we configured;
* the route BIRD originates is logged by our daemon and its UPDATE decodes
  (``exabgp decode``, our decoder) to the attributes BIRD's filter set;
* BIRD restarted: we reconnect and announce everything again;
* BIRD frozen (SIGSTOP): our 3 s hold timer fires (NOTIFICATION 4/0 sent),
  and once thawed the session comes back with our routes;
* TCP MD5 (RFC 2385): the same password on both sides establishes, a
  different one does not;
* labeled and VPN routes (channels ``vpn4 mpls``, ``vpn6 mpls``, ``ipv4
  mpls``, ``ipv6 mpls``) on one iBGP session: our ``mpls-vpn`` and
  ``nlri-mpls`` routes are in BIRD's tables under their RD with exactly
  the label stack, next hop and attributes we configured; BIRD's labeled
  and VPN routes decode (ours) to the RD, label, next hop and route
  target set.

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib

import pytest

pytestmark = pytest.mark.slow  # starts BIRD and our daemon

interop = importlib.import_module("qa.interop")
bird_module = importlib.import_module("qa.interop.bird")

PEER_AS_EBGP = 65002
ATTRIBUTES = (
    f"bgp_origin = ORIGIN_IGP; bgp_med = {interop.PEER_MED}; "
    f"bgp_community.add(({interop.PEER_COMMUNITY[0]}, {interop.PEER_COMMUNITY[1]})); "
    f"bgp_large_community.add(({', '.join(map(str, interop.PEER_LARGE_COMMUNITY))}));"
)


@pytest.fixture
def paths():
    return interop.require("bird", "birdc")


def pair(tmp_path, paths, running, ip, ours_passive, ibgp, hold_time=180, password="", bird_password=None):
    """BIRD and our daemon configured for each other (IP version `ip`), both started."""
    ours, address = interop.ADDRESSES[ip]
    our_port, bird_port = interop.free_port(ours), interop.free_port(address)
    peer_as = interop.LOCAL_AS if ibgp else PEER_AS_EBGP
    bird = bird_module.Bird(
        tmp_path,
        address,
        ours,
        bird_port,
        our_port,
        peer_as,
        interop.LOCAL_AS,
        passive=not ours_passive,
        hold_time=max(hold_time, 3),
        password=password if bird_password is None else bird_password,
        originate=[interop.PEER_PREFIX[ip]],
        attributes=ATTRIBUTES,
        nexthop=interop.PEER_NEXTHOP[ip],
    )
    running.append(bird)
    bird.start(paths)
    exa = interop.ExaBGP(
        tmp_path, interop.exabgp_config(ip, peer_as, ours_passive, our_port, bird_port, hold_time, password)
    )
    running.append(exa)
    return bird, exa


def wait_up(bird, exa, count=1):
    exa.wait_established(count)
    interop.wait_until(lambda: bird.state() == "Established", 10, what="bird Established")


def expected_routes(ip, ibgp):
    """BIRD's text for our two routes."""
    full, plain = interop.OUR_PREFIXES[ip]
    communities = " ".join(f"({a},{b})" for a, b in interop.COMMUNITIES)
    return {
        full: {
            "BGP.origin": "EGP",
            "BGP.as_path": " ".join(map(str, interop.as_path(ibgp))),
            "BGP.next_hop": interop.our_nexthop(ip),
            "BGP.med": str(interop.MED),
            "BGP.local_pref": str(interop.LOCAL_PREF if ibgp else 100),  # eBGP: BIRD's default
            "BGP.community": communities,
            "BGP.ext_community": f"(rt, {interop.ROUTE_TARGET[0]}, {interop.ROUTE_TARGET[1]})",
            "BGP.large_community": "({}, {}, {})".format(*interop.LARGE_COMMUNITY),
        },
        plain: {
            "BGP.origin": "Incomplete",
            "BGP.as_path": "" if ibgp else str(interop.LOCAL_AS),
            "BGP.next_hop": interop.our_nexthop(ip),
            "BGP.local_pref": "100",
        },
    }


def wait_routes(bird, ip, ibgp):
    expected = expected_routes(ip, ibgp)
    routes = interop.wait_until(
        lambda: (lambda r: r if set(expected) <= set(r) else None)(bird.routes()), 10, what="our routes in bird's RIB"
    )
    for prefix, attributes in expected.items():
        assert {key: routes[prefix].get(key) for key in attributes} == attributes, routes[prefix]
    return routes


@pytest.mark.parametrize("ip,ours_passive,ibgp", interop.CASES, ids=interop.CASE_IDS)
def test_session_routes_both_ways(tmp_path, paths, running, ip, ours_passive, ibgp):
    bird, exa = pair(tmp_path, paths, running, ip, ours_passive, ibgp)
    interop.session_routes_both_ways(
        bird,
        exa,
        wait_up,
        wait_routes,
        ip,
        ours_passive,
        ibgp,
        lambda: interop.check_received(exa, ip, ibgp, PEER_AS_EBGP),
    )


def test_bird_restarted_gets_everything_again(tmp_path, paths, running):
    bird, exa = pair(tmp_path, paths, running, 4, False, False)
    interop.restarted_gets_everything_again(bird, exa, wait_up, wait_routes, 4, False)


def test_bird_frozen_hold_timer_fires_and_session_comes_back(tmp_path, paths, running):
    bird, exa = pair(tmp_path, paths, running, 6, True, False, hold_time=3)
    interop.frozen_hold_timer_fires_and_session_comes_back(bird, exa, wait_up, wait_routes, 6, False)


def test_md5_same_password_establishes(tmp_path, paths, running):
    bird, exa = pair(tmp_path, paths, running, 4, False, False, password="s3cret-MD5")
    wait_up(bird, exa)
    wait_routes(bird, 4, False)


def test_md5_wrong_password_does_not(tmp_path, paths, running):
    bird, exa = pair(tmp_path, paths, running, 4, False, False, password="s3cret-MD5", bird_password="other")
    # our first attempt goes unanswered (the SYNs are dropped: the passwords differ), BIRD's too meanwhile
    interop.wait_until(lambda: "no answer from" in exa.text(), 15, what="our unanswered attempt")
    assert exa.established() == 0
    assert bird.state() != "Established"
    assert "attempting connection" in exa.text()


#: our family -> BIRD's channel
VPN_CHANNELS = {
    "ipv4 mpls-vpn": "vpn4 mpls",
    "ipv6 mpls-vpn": "vpn6 mpls",
    "ipv4 nlri-mpls": "ipv4 mpls",
    "ipv6 nlri-mpls": "ipv6 mpls",
}


def test_vpn_and_labeled_routes_both_ways(tmp_path, paths, running):
    """Labeled and VPN routes, IPv4 and IPv6, on one iBGP session: ours in BIRD's tables with the exact
    RD, label stack, next hop and attributes; BIRD's labeled and VPN routes (static routes with a
    gateway and a label, exported as they are on iBGP) decoded by us."""
    ours, address = interop.ADDRESSES[4]
    bird_port = interop.free_port(address)
    channels = {channel: [] for channel in VPN_CHANNELS.values()}
    for family, (prefix, rd, label) in interop.PEER_VPN_ROUTES.items():
        nexthop = interop.PEER_NEXTHOP[interop.family_ip(family)]
        channels[VPN_CHANNELS[family]].append(f"{f'{rd} ' if rd else ''}{prefix} via {nexthop}%lo onlink mpls {label}")
    target = "bgp_ext_community.add((rt, {}, {}));".format(*interop.PEER_ROUTE_TARGET)
    bird = bird_module.Bird(
        tmp_path,
        address,
        ours,
        bird_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        attributes=target,
        channels=channels,
    )
    running.append(bird)
    bird.start(paths)
    exa = interop.ExaBGP(tmp_path, interop.exabgp_vpn_config(list(VPN_CHANNELS), bird_port))
    running.append(exa)
    wait_up(bird, exa)
    expected = {}
    for family, (prefix, rd, label) in interop.VPN_ROUTES.items():
        expected[f"{rd} {prefix}" if rd else prefix] = {
            "BGP.origin": "EGP",
            "BGP.as_path": " ".join(map(str, interop.as_path(True))),
            "BGP.next_hop": interop.EXPLICIT_NEXTHOP[interop.family_ip(family)],
            "BGP.med": str(interop.MED),
            "BGP.local_pref": str(interop.LOCAL_PREF),
            "BGP.community": " ".join(f"({a},{b})" for a, b in interop.COMMUNITIES),
            "BGP.ext_community": "(rt, {}, {})".format(*interop.ROUTE_TARGET),
            "BGP.large_community": "({}, {}, {})".format(*interop.LARGE_COMMUNITY),
            "BGP.mpls_label_stack": str(label),
        }
    routes = interop.wait_until(
        lambda: (lambda r: r if set(expected) <= set(r) else None)(bird.routes()),
        10,
        what="our routes in bird's tables",
    )
    for key, attributes in expected.items():
        assert routes[key] == attributes, (key, routes[key])
    interop.check_received_vpn(exa, list(interop.PEER_VPN_ROUTES))


#: our FlowSpec rules (configuration text) -> how BIRD shows them, and the extended community of their action
OUR_FLOWS = {
    "match { destination 10.9.0.0/16; protocol tcp; destination-port =80; } then { discard; }": (
        "flow4 { dst 10.9.0.0/16; proto 6; dport 80; }",
        "(generic, 0x80060000, 0x0)",
    ),
    "match { source 10.8.1.0/24; packet-length >1000; } then { rate-limit 9600; }": (
        "flow4 { src 10.8.1.0/24; length > 1000; }",
        "(generic, 0x80060000, 0x46160000)",
    ),  # 9600.0 as a float
    "match { destination 2001:db8:9::/48/0; next-header udp; } then { redirect 65000:100; }": (
        "flow6 { dst 2001:db8:9::/48; next header 17; }",
        "(generic, 0x8008fde8, 0x64)",
    ),
}

#: BIRD's static FlowSpec rules -> what 5.0's JSON of them is
BIRD_FLOWS = {
    "flow4 { dst 10.7.0.0/16; proto = 17; dport = 53; }": (
        "ipv4 flow",
        {
            "destination-ipv4": ["10.7.0.0/16"],
            "protocol": ["=udp"],
            "destination-port": ["=53"],
            "string": "flow destination-ipv4 10.7.0.0/16 protocol =udp destination-port =53",
        },
    ),
    "flow6 { dst 2001:db8:7::/48; next header = 6; }": (
        "ipv6 flow",
        {
            "destination-ipv6": ["2001:db8:7::/48/0"],
            "next-header": ["=tcp"],
            "string": "flow destination-ipv6 2001:db8:7::/48/0 next-header =tcp",
        },
    ),
}


def test_flowspec_rules_both_ways(tmp_path, paths, running):
    """FlowSpec (RFC 8955, RFC 8956) on one iBGP session: our rules in BIRD's flow tables with their actions
    (the traffic-rate / redirect extended communities); BIRD's rules decoded by us into 5.0's JSON."""
    ours, address = interop.ADDRESSES[4]
    bird_port = interop.free_port(address)
    channels = {"flow4": [], "flow6": []}
    for rule in BIRD_FLOWS:
        channels[rule.split()[0]].append(rule)
    bird = bird_module.Bird(
        tmp_path,
        address,
        ours,
        bird_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        channels=channels,
    )
    running.append(bird)
    bird.start(paths)
    rules = "".join(f"        route r{index} {{ {rule} }}\n" for index, rule in enumerate(OUR_FLOWS))
    exa = interop.ExaBGP(
        tmp_path,
        f"""
neighbor {address} {{
    router-id 10.0.0.1; local-address {ours}; local-as {interop.LOCAL_AS}; peer-as {interop.LOCAL_AS};
    connect {bird_port};
    family {{ ipv4 flow; ipv6 flow; }}
    flow {{
{rules}    }}
}}
""",
    )
    running.append(exa)
    wait_up(bird, exa)
    expected = {
        shown: {"BGP.origin": "IGP", "BGP.as_path": "", "BGP.local_pref": "100", "BGP.ext_community": action}
        for shown, action in OUR_FLOWS.values()
    }
    routes = interop.wait_until(
        lambda: (lambda r: r if set(expected) <= set(r) else None)(bird.routes()),
        10,
        what="our flow rules in bird's tables",
    )
    assert {key: routes[key] for key in expected} == expected
    found = interop.wait_until(
        lambda: (lambda u: u if len(u) >= len(BIRD_FLOWS) else None)(exa.received_updates()),
        10,
        what="bird's flow rules decoded by us",
    )
    received = {}
    for update in found:
        for family, by_nexthop in update["announce"].items():
            assert list(by_nexthop) == ["no-nexthop"]
            for rule in by_nexthop["no-nexthop"]:
                received[rule["string"]] = (family, rule)
    assert sorted(received.values(), key=repr) == sorted(BIRD_FLOWS.values(), key=repr)
    assert "Traceback" not in exa.text()
