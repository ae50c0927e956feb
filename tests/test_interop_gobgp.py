"""Interoperability with GoBGP (`gobgpd`, `gobgp`): real sessions on loopback (issue 3, part 7).

Each test runs gobgpd (qa/interop/gobgp.py) and our daemon (`python -m
exabgp server`) in a temporary directory on free ports, and checks both
sides:

* the session comes up with us active and with us passive, over IPv4 and
  IPv6, eBGP and iBGP: ``gobgp neighbor -j`` says ESTABLISHED and our
  daemon logs "connected to";
* our static routes are in GoBGP's Adj-RIB-In (``adj-in -j``) with exactly
  the origin, AS path, MED, local preference (iBGP), communities, large and
  extended communities and next hop we configured: ``next-hop self`` over
  IPv6; over IPv4 an explicit next hop, as GoBGP treats a loopback IPv4 next
  hop as invalid (withdrawn, RFC 7606);
* the route GoBGP originates (``gobgp global rib add``) is logged by our
  daemon and its UPDATE decodes (``exabgp decode``) to the attributes given;
* gobgpd restarted: we reconnect and announce everything again;
* gobgpd frozen (SIGSTOP): our 3 s hold timer fires (NOTIFICATION 4/0
  sent), and once thawed the session comes back with our routes;
* labeled and VPN routes (``l3vpn-ipv4/ipv6-unicast``,
  ``ipv4/ipv6-labelled-unicast``) on one iBGP session: our ``mpls-vpn``
  and ``nlri-mpls`` routes are in GoBGP's Adj-RIB-In with exactly the
  RD, label, next hop and attributes we configured; the labeled and VPN
  routes GoBGP originates decode (ours) to the RD, label, next hop and
  route target.

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib

import pytest

pytestmark = pytest.mark.slow  # starts GoBGP and our daemon

interop = importlib.import_module("qa.interop")
gobgp_module = importlib.import_module("qa.interop.gobgp")

PEER_AS_EBGP = 65002
ORIGIN = {"igp": 0, "egp": 1, "incomplete": 2}


@pytest.fixture
def paths():
    return interop.require("gobgpd", "gobgp")


def nexthop_for(ip):
    return interop.EXPLICIT_NEXTHOP[4] if ip == 4 else "self"


def pair(tmp_path, paths, running, ip, ours_passive, ibgp, hold_time=180):
    """gobgpd and our daemon configured for each other (IP version `ip`), both started."""
    ours, address = interop.ADDRESSES[ip]
    our_port, gobgp_port = interop.free_port(ours), interop.free_port(address)
    peer_as = interop.LOCAL_AS if ibgp else PEER_AS_EBGP
    originate = [
        (
            f"ipv{ip}",
            [
                interop.PEER_PREFIX[ip],
                "nexthop",
                interop.PEER_NEXTHOP[ip],
                "origin",
                "igp",
                "med",
                str(interop.PEER_MED),
                "community",
                "{}:{}".format(*interop.PEER_COMMUNITY),
                "large-community",
                "{}:{}:{}".format(*interop.PEER_LARGE_COMMUNITY),
            ],
        )
    ]
    gobgp = gobgp_module.GoBGP(
        tmp_path,
        address,
        ours,
        gobgp_port,
        our_port,
        peer_as,
        interop.LOCAL_AS,
        passive=not ours_passive,
        hold_time=hold_time,
        originate=originate,
    )
    running.append(gobgp)
    gobgp.start(paths)
    exa = interop.ExaBGP(
        tmp_path,
        interop.exabgp_config(ip, peer_as, ours_passive, our_port, gobgp_port, hold_time, nexthop=nexthop_for(ip)),
    )
    running.append(exa)
    return gobgp, exa


def wait_up(gobgp, exa, count=1):
    exa.wait_established(count)
    interop.wait_until(lambda: gobgp.state() == "ESTABLISHED", 10, what="gobgp ESTABLISHED")


def segment(asns):
    return [{"segment_type": 2, "num": len(asns), "asns": list(asns)}] if asns else []


def expected_routes(ip, ibgp):
    """GoBGP's JSON attributes (type code -> object) for our two routes."""
    full, plain = interop.OUR_PREFIXES[ip]
    nexthop = interop.our_nexthop(ip, nexthop_for(ip))
    local_pref = {5: {"type": 5, "value": interop.LOCAL_PREF}} if ibgp else {}
    reach = (
        {3: {"type": 3, "nexthop": nexthop}} if ip == 4 else {14: {"type": 14, "nexthop": nexthop, "afi": 2, "safi": 1}}
    )
    return {
        full: {
            1: {"type": 1, "value": ORIGIN["egp"]},
            2: {"type": 2, "as_paths": segment(interop.as_path(ibgp))},
            4: {"type": 4, "metric": interop.MED},
            8: {"type": 8, "communities": [a << 16 | b for a, b in interop.COMMUNITIES]},
            16: {"type": 16, "value": [{"type": 0, "subtype": 2, "value": "{}:{}".format(*interop.ROUTE_TARGET)}]},
            32: {
                "type": 32,
                "value": [dict(zip(("ASN", "LocalData1", "LocalData2"), interop.LARGE_COMMUNITY, strict=True))],
            },
            **local_pref,
            **reach,
        },
        plain: {
            1: {"type": 1, "value": ORIGIN["incomplete"]},
            2: {"type": 2, "as_paths": segment(() if ibgp else (interop.LOCAL_AS,))},
            **({5: {"type": 5, "value": 100}} if ibgp else {}),
            **reach,
        },
    }


def attributes(path):
    # the MP_REACH_NLRI's prefixes are the route's own: compared without them
    return {
        attribute["type"]: {key: value for key, value in attribute.items() if key != "value" or attribute["type"] != 14}
        for attribute in path["attrs"]
    }


def wait_routes(gobgp, ip, ibgp):
    expected = expected_routes(ip, ibgp)

    def present():
        routes = gobgp.routes(f"ipv{ip}")
        return routes if all(routes.get(prefix) for prefix in expected) else None

    routes = interop.wait_until(present, 10, what="our routes in gobgp's adj-in")
    for prefix, wanted in expected.items():
        assert len(routes[prefix]) == 1
        assert attributes(routes[prefix][0]) == wanted


@pytest.mark.parametrize("ip,ours_passive,ibgp", interop.CASES, ids=interop.CASE_IDS)
def test_session_routes_both_ways(tmp_path, paths, running, ip, ours_passive, ibgp):
    gobgp, exa = pair(tmp_path, paths, running, ip, ours_passive, ibgp)
    interop.session_routes_both_ways(
        gobgp,
        exa,
        wait_up,
        wait_routes,
        ip,
        ours_passive,
        ibgp,
        lambda: interop.check_received(exa, ip, ibgp, PEER_AS_EBGP),
    )


def test_gobgp_restarted_gets_everything_again(tmp_path, paths, running):
    gobgp, exa = pair(tmp_path, paths, running, 6, False, False)
    interop.restarted_gets_everything_again(gobgp, exa, wait_up, wait_routes, 6, False)


def test_gobgp_frozen_hold_timer_fires_and_session_comes_back(tmp_path, paths, running):
    gobgp, exa = pair(tmp_path, paths, running, 4, False, True, hold_time=3)
    interop.frozen_hold_timer_fires_and_session_comes_back(gobgp, exa, wait_up, wait_routes, 4, True)


#: our family -> (GoBGP's afi-safi name, its CLI family, its MP_REACH_NLRI SAFI)
VPN_FAMILIES = {
    "ipv4 mpls-vpn": ("l3vpn-ipv4-unicast", "vpnv4", 128),
    "ipv6 mpls-vpn": ("l3vpn-ipv6-unicast", "vpnv6", 128),
    "ipv4 nlri-mpls": ("ipv4-labelled-unicast", "ipv4-mpls", 4),
    "ipv6 nlri-mpls": ("ipv6-labelled-unicast", "ipv6-mpls", 4),
}


def rd_object(rd):
    """GoBGP's JSON for a type 0 route distinguisher (ASN:NN)."""
    admin, assigned = map(int, rd.split(":"))
    return {"type": 0, "admin": admin, "assigned": assigned}


def test_vpn_and_labeled_routes_both_ways(tmp_path, paths, running):
    """Labeled and VPN routes, IPv4 and IPv6, on one iBGP session: ours in GoBGP's Adj-RIB-In with the
    exact label, RD, next hop and attributes; GoBGP's labeled and VPN routes decoded by us (RD, label,
    next hop)."""
    ours, address = interop.ADDRESSES[4]
    gobgp_port = interop.free_port(address)
    originate = []
    for family, (prefix, rd, label) in interop.PEER_VPN_ROUTES.items():
        # gobgp global rib add -a vpnv4 PREFIX label L rd RD ... / -a ipv4-mpls PREFIX L ...
        nlri = [prefix, "label", str(label), "rd", rd] if rd else [prefix, str(label)]
        originate.append(
            (
                VPN_FAMILIES[family][1],
                [
                    *nlri,
                    "rt",
                    "{}:{}".format(*interop.PEER_ROUTE_TARGET),
                    "nexthop",
                    interop.PEER_NEXTHOP[interop.family_ip(family)],
                    "origin",
                    "igp",
                ],
            )
        )
    gobgp = gobgp_module.GoBGP(
        tmp_path,
        address,
        ours,
        gobgp_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        originate=originate,
        families=[name for name, _, _ in VPN_FAMILIES.values()],
    )
    running.append(gobgp)
    gobgp.start(paths)
    exa = interop.ExaBGP(tmp_path, interop.exabgp_vpn_config(list(VPN_FAMILIES), gobgp_port))
    running.append(exa)
    wait_up(gobgp, exa)
    for family, (prefix, rd, label) in interop.VPN_ROUTES.items():
        _, cli_family, safi = VPN_FAMILIES[family]
        ip = interop.family_ip(family)
        key = f"{rd}:{prefix}" if rd else prefix
        routes = interop.wait_until(lambda: gobgp.routes(cli_family).get(key), 10, what=f"{key} in gobgp's adj-in")
        assert len(routes) == 1
        nexthop = interop.EXPLICIT_NEXTHOP[ip]
        nlri = {"prefix": prefix, "labels": [label], **({"rd": rd_object(rd)} if rd else {})}
        assert routes[0]["nlri"] == nlri
        wanted = {
            1: {"type": 1, "value": ORIGIN["egp"]},
            2: {"type": 2, "as_paths": segment(interop.as_path(True))},
            4: {"type": 4, "metric": interop.MED},
            5: {"type": 5, "value": interop.LOCAL_PREF},
            8: {"type": 8, "communities": [a << 16 | b for a, b in interop.COMMUNITIES]},
            16: {"type": 16, "value": [{"type": 0, "subtype": 2, "value": "{}:{}".format(*interop.ROUTE_TARGET)}]},
            32: {
                "type": 32,
                "value": [dict(zip(("ASN", "LocalData1", "LocalData2"), interop.LARGE_COMMUNITY, strict=True))],
            },
            14: {"type": 14, "nexthop": nexthop, "afi": 1 if ip == 4 else 2, "safi": safi},
            # an IPv4 next hop also goes in a NEXT_HOP attribute, as ExaBGP 5.0 sends it
            **({3: {"type": 3, "nexthop": nexthop}} if ip == 4 else {}),
        }
        assert attributes(routes[0]) == wanted
        assert [attribute["value"] for attribute in routes[0]["attrs"] if attribute["type"] == 14] == [[nlri]]
    interop.check_received_vpn(exa, list(interop.PEER_VPN_ROUTES))


#: our FlowSpec rules (configuration text) -> GoBGP's family, its name of the rule and its extended communities
OUR_FLOWS = {
    "match { destination 10.9.0.0/16; protocol tcp; destination-port =80; } then { discard; }": (
        "ipv4-flowspec",
        "[destination: 10.9.0.0/16][protocol: ==tcp][destination-port: ==80]",
        [{"type": 128, "subtype": 6, "as": 0, "rate": 0}],
    ),
    "match { source 10.8.1.0/24; packet-length >1000; } then { rate-limit 9600; }": (
        "ipv4-flowspec",
        "[source: 10.8.1.0/24][packet-length: >1000]",
        [{"type": 128, "subtype": 6, "as": 0, "rate": 9600}],
    ),
    "match { destination 2001:db8:9::/48/0; next-header udp; } then { redirect 65000:100; }": (
        "ipv6-flowspec",
        "[destination: 2001:db8:9::/48/0][protocol: ==udp]",
        None,
    ),
}

#: GoBGP's rules (``gobgp global rib add -a FAMILY`` arguments) -> our family and the JSON 5.0 prints for them
GOBGP_FLOWS = {
    (
        "ipv4-flowspec",
        ("match", "destination", "10.7.0.0/16", "protocol", "udp", "destination-port", "==53", "then", "discard"),
    ): (
        "ipv4 flow",
        {
            "destination-ipv4": ["10.7.0.0/16"],
            "protocol": ["=udp"],
            "destination-port": ["=53"],
            "string": "flow destination-ipv4 10.7.0.0/16 protocol =udp destination-port =53",
        },
        "rate-limit:0",
    ),
    ("ipv6-flowspec", ("match", "destination", "2001:db8:7::/48", "protocol", "tcp", "then", "rate-limit", "9600")): (
        "ipv6 flow",
        {
            "destination-ipv6": ["2001:db8:7::/48/0"],
            "next-header": ["=tcp"],
            "string": "flow destination-ipv6 2001:db8:7::/48/0 next-header =tcp",
        },
        "rate-limit:9600",
    ),
}


def test_flowspec_rules_both_ways(tmp_path, paths, running):
    """FlowSpec (RFC 8955, RFC 8956) on one iBGP session: our rules in GoBGP's Adj-RIB-In with their action's
    extended community; GoBGP's rules decoded by us into 5.0's JSON."""
    ours, address = interop.ADDRESSES[4]
    gobgp_port = interop.free_port(address)
    gobgp = gobgp_module.GoBGP(
        tmp_path,
        address,
        ours,
        gobgp_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        originate=[(family, list(arguments)) for family, arguments in GOBGP_FLOWS],
        families=["ipv4-flowspec", "ipv6-flowspec"],
    )
    running.append(gobgp)
    gobgp.start(paths)
    rules = "".join(f"        route r{index} {{ {rule} }}\n" for index, rule in enumerate(OUR_FLOWS))
    exa = interop.ExaBGP(
        tmp_path,
        f"""
neighbor {address} {{
    router-id 10.0.0.1; local-address {ours}; local-as {interop.LOCAL_AS}; peer-as {interop.LOCAL_AS};
    connect {gobgp_port};
    family {{ ipv4 flow; ipv6 flow; }}
    flow {{
{rules}    }}
}}
""",
    )
    running.append(exa)
    wait_up(gobgp, exa)
    for family, name, communities in OUR_FLOWS.values():
        paths_of = interop.wait_until(lambda: gobgp.routes(family).get(name), 10, what=f"{name} in gobgp's adj-in")
        extended = [attribute["value"] for attribute in paths_of[0]["attrs"] if attribute["type"] == 16]
        if communities is None:  # GoBGP names the redirect: check the octets' meaning through its fields
            (values,) = extended
            assert [(value["type"], value["subtype"], value["value"]) for value in values] == [(128, 8, "65000:100")]
        else:
            assert extended == [communities]
    found = interop.wait_until(
        lambda: (lambda u: u if len(u) >= len(GOBGP_FLOWS) else None)(exa.received_updates()),
        10,
        what="gobgp's flow rules decoded by us",
    )
    received = []
    for update in found:
        (action,) = [community["string"] for community in update["attribute"]["extended-community"]]
        for family, by_nexthop in update["announce"].items():
            for rule in by_nexthop["no-nexthop"]:
                received.append((family, rule, action))
    assert sorted(received, key=repr) == sorted(GOBGP_FLOWS.values(), key=repr)
    assert "Traceback" not in exa.text()


#: our RTC routes (configuration form, RFC 4684) -> GoBGP's name of the NLRI in its Adj-RIB-In (origin AS, route
#: target).  Only full-length NLRI: GoBGP 3.10 takes a partial length (32 to 95) as malformed (it disables the
#: family: "Not all RouteTargetMembershipNLRI bytes available") and crashes on a default route target (length 0)
#: sent with other RTC routes (a nil pointer in its propagateUpdate), so neither is sent to it.
OUR_RTCS = {
    "65000:target:65000:100": "65000:65000:100",
    "4200000000:target:1.2.3.4:5": "4200000000:1.2.3.4:5",
    "65002:0x0002FDE9FFFFFFFF": "65002:65001:4294967295",
}
#: the import route targets of GoBGP's VRF, which it announces as RTC routes of its own AS (RFC 4684 section 3)
GOBGP_VRF_TARGETS = ("65001:100", "65001:200")


def test_rtc_routes_both_ways(tmp_path, paths, running):
    """Route Target Constraint (RFC 4684) on one iBGP session: our RTC routes in GoBGP's Adj-RIB-In with the
    origin AS, route target and attributes we configured; the RTC routes GoBGP announces for its VRF's import
    route targets decoded by us into 5.0's JSON."""
    ours, address = interop.ADDRESSES[4]
    gobgp_port = interop.free_port(address)
    gobgp = gobgp_module.GoBGP(
        tmp_path,
        address,
        ours,
        gobgp_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        families=["rtc"],
    )
    running.append(gobgp)
    gobgp.start(paths)
    gobgp.cli("vrf", "add", "red", "rd", "65001:1", "rt", "both", *GOBGP_VRF_TARGETS)
    nexthop = interop.EXPLICIT_NEXTHOP[4]
    lines = "".join(f"            rtc {form} next-hop {nexthop} med 7 community 65000:3;\n" for form in OUR_RTCS)
    exa = interop.ExaBGP(
        tmp_path,
        f"""
neighbor {address} {{
    router-id 10.0.0.1; local-address {ours}; local-as {interop.LOCAL_AS}; peer-as {interop.LOCAL_AS};
    connect {gobgp_port};
    family {{ ipv4 rtc; }}
    announce {{
        ipv4 {{
{lines}        }}
    }}
}}
""",
    )
    running.append(exa)
    wait_up(gobgp, exa)
    routes = interop.wait_until(
        lambda: (lambda found: found if len(found) >= len(OUR_RTCS) else None)(gobgp.routes("rtc")),
        10,
        what="our RTC routes in gobgp's adj-in",
    )
    assert sorted(routes) == sorted(OUR_RTCS.values())
    for name in OUR_RTCS.values():
        (path,) = routes[name]
        assert path["nlri"] == {"prefix": name}
        assert attributes(path) == {
            1: {"type": 1, "value": ORIGIN["igp"]},
            2: {"type": 2, "as_paths": []},
            4: {"type": 4, "metric": 7},
            5: {"type": 5, "value": 100},
            8: {"type": 8, "communities": [65000 << 16 | 3]},
            14: {"type": 14, "nexthop": nexthop, "afi": 1, "safi": 132},  # no NEXT_HOP attribute (RFC 4760 3)
        }
    found = interop.wait_until(
        lambda: (lambda u: u if len(u) >= len(GOBGP_VRF_TARGETS) else None)(
            [
                nlri
                for update in exa.received_updates()
                for nlris in update.get("announce", {}).get("ipv4 rtc", {}).values()
                for nlri in nlris
            ]
        ),
        10,
        what="gobgp's RTC routes decoded by us",
    )
    assert sorted(found, key=repr) == sorted(
        ({"origin": interop.LOCAL_AS, "route-target": f"target:{target}"} for target in GOBGP_VRF_TARGETS), key=repr
    )
    assert "Traceback" not in exa.text()
