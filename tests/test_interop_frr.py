"""Interoperability with FRR (its `bgpd` without zebra, `vtysh`): real sessions on loopback (issue 3, part 7).

Each test runs FRR's bgpd (qa/interop/frr.py) and our daemon (`python -m
exabgp server`) in a temporary directory on free ports, and checks both
sides:

* the session comes up with us active and with us passive, over IPv4 and
  IPv6, eBGP and iBGP: ``show bgp neighbors json`` says Established and
  our daemon logs "connected to";
* our static routes are in FRR's RIB (``show bgp ... PREFIX json``) with
  exactly the origin, AS path, MED, local preference (iBGP), communities,
  large and extended communities and next hop we configured: an explicit
  next hop, as FRR treats a 127/8 or ::1 next hop as martian (withdrawn),
  so ``next-hop self`` can not be checked on loopback here;
* the route FRR originates (``network`` + outbound route map) is logged by
  our daemon and its UPDATE decodes (``exabgp decode``) to the attributes
  the route map set;
* bgpd restarted: we reconnect and announce everything again;
* bgpd frozen (SIGSTOP): our 3 s hold timer fires (NOTIFICATION 4/0 sent),
  and once thawed the session comes back with our routes;
* labeled and VPN routes (``ipv4/ipv6 vpn``, ``ipv4/ipv6
  labeled-unicast``) on one iBGP session: our ``mpls-vpn`` and
  ``nlri-mpls`` routes are in FRR's RIB under their RD with exactly the
  label (``remoteLabel``), next hop and attributes we configured; FRR's
  static VPN routes decode (ours) to the RD, label, next hop and route
  target.

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib

import pytest

pytestmark = pytest.mark.slow  # starts FRR and our daemon

interop = importlib.import_module("qa.interop")
frr_module = importlib.import_module("qa.interop.frr")

PEER_AS_EBGP = 65002


@pytest.fixture
def paths():
    return interop.require(frr_module.BGPD, "vtysh")


def pair(tmp_path, paths, running, ip, ours_passive, ibgp, hold_time=180):
    """FRR's bgpd and our daemon configured for each other (IP version `ip`), both started."""
    ours, address = interop.ADDRESSES[ip]
    our_port, frr_port = interop.free_port(ours), interop.free_port(address)
    peer_as = interop.LOCAL_AS if ibgp else PEER_AS_EBGP
    nexthop = f"ip next-hop {interop.PEER_NEXTHOP[4]}" if ip == 4 else f"ipv6 next-hop global {interop.PEER_NEXTHOP[6]}"
    sets = [
        "origin igp",
        f"metric {interop.PEER_MED}",
        "community {}:{}".format(*interop.PEER_COMMUNITY),
        "large-community {}:{}:{}".format(*interop.PEER_LARGE_COMMUNITY),
        nexthop,
    ]
    frr = frr_module.FRR(
        tmp_path,
        address,
        ours,
        frr_port,
        our_port,
        peer_as,
        interop.LOCAL_AS,
        passive=not ours_passive,
        hold_time=hold_time,
        originate=[interop.PEER_PREFIX[ip]],
        set_attributes=sets,
    )
    running.append(frr)
    frr.start(paths)
    exa = interop.ExaBGP(
        tmp_path,
        interop.exabgp_config(
            ip, peer_as, ours_passive, our_port, frr_port, hold_time, nexthop=interop.EXPLICIT_NEXTHOP[ip]
        ),
    )
    running.append(exa)
    return frr, exa


def wait_up(frr, exa, count=1):
    exa.wait_established(count)
    interop.wait_until(lambda: frr.state() == "Established", 10, what="frr Established")


def expected_routes(ip, ibgp):
    """The fields of FRR's JSON paths for our two routes."""
    full, plain = interop.OUR_PREFIXES[ip]
    nexthop = interop.EXPLICIT_NEXTHOP[ip]
    path = interop.as_path(ibgp)
    return {
        full: {
            "aspath": " ".join(map(str, path)),
            "origin": "EGP",
            "metric": interop.MED,
            "locPrf": interop.LOCAL_PREF if ibgp else None,
            "community": " ".join(f"{a}:{b}" for a, b in interop.COMMUNITIES),
            "extendedCommunity": "RT:{}:{}".format(*interop.ROUTE_TARGET),
            "largeCommunity": "{}:{}:{}".format(*interop.LARGE_COMMUNITY),
            "nexthops": [nexthop],
        },
        plain: {
            "aspath": "Local" if ibgp else str(interop.LOCAL_AS),
            "origin": "incomplete",
            "metric": None,
            "locPrf": 100 if ibgp else None,
            "community": None,
            "extendedCommunity": None,
            "largeCommunity": None,
            "nexthops": [nexthop],
        },
    }


def fields(path):
    def string(key):
        return path[key]["string"] if key in path else None

    return {
        "aspath": string("aspath"),
        "origin": path.get("origin"),
        "metric": path.get("metric"),
        "locPrf": path.get("locPrf"),
        "community": string("community"),
        "extendedCommunity": string("extendedCommunity"),
        "largeCommunity": string("largeCommunity"),
        "nexthops": [nexthop["ip"] for nexthop in path.get("nexthops", [])],
    }


def wait_routes(frr, ip, ibgp):
    expected = expected_routes(ip, ibgp)
    for prefix, wanted in expected.items():
        paths = interop.wait_until(lambda: frr.route(prefix), 10, what=f"{prefix} in frr's RIB")
        assert len(paths) == 1
        assert fields(paths[0]) == wanted


@pytest.mark.parametrize("ip,ours_passive,ibgp", interop.CASES, ids=interop.CASE_IDS)
def test_session_routes_both_ways(tmp_path, paths, running, ip, ours_passive, ibgp):
    frr, exa = pair(tmp_path, paths, running, ip, ours_passive, ibgp)
    interop.session_routes_both_ways(
        frr,
        exa,
        wait_up,
        wait_routes,
        ip,
        ours_passive,
        ibgp,
        lambda: interop.check_received(exa, ip, ibgp, PEER_AS_EBGP),
    )


def test_frr_restarted_gets_everything_again(tmp_path, paths, running):
    frr, exa = pair(tmp_path, paths, running, 4, False, False)
    interop.restarted_gets_everything_again(frr, exa, wait_up, wait_routes, 4, False)


def test_frr_frozen_hold_timer_fires_and_session_comes_back(tmp_path, paths, running):
    frr, exa = pair(tmp_path, paths, running, 6, False, True, hold_time=3)
    interop.frozen_hold_timer_fires_and_session_comes_back(frr, exa, wait_up, wait_routes, 6, True)


#: our family -> FRR's address family
VPN_FAMILIES = {
    "ipv4 mpls-vpn": "ipv4 vpn",
    "ipv6 mpls-vpn": "ipv6 vpn",
    "ipv4 nlri-mpls": "ipv4 labeled-unicast",
    "ipv6 nlri-mpls": "ipv6 labeled-unicast",
}


def test_vpn_and_labeled_routes_both_ways(tmp_path, paths, running):
    """Labeled and VPN routes, IPv4 and IPv6, on one iBGP session: ours in FRR's RIB with the exact RD,
    label (``remoteLabel``), next hop and attributes; FRR's VPN routes (``network ... rd ... label``
    in its VPN address families, attributes from a route map) decoded by us."""
    ours, address = interop.ADDRESSES[4]
    frr_port = interop.free_port(address)
    families = {name: [] for name in VPN_FAMILIES.values()}
    route_maps = {}
    originated = ["ipv4 mpls-vpn", "ipv6 mpls-vpn"]  # FRR's labeled unicast takes its labels from zebra
    for family in originated:
        prefix, rd, label = interop.PEER_VPN_ROUTES[family]
        ip = interop.family_ip(family)
        name = f"VPN{ip}"
        families[VPN_FAMILIES[family]].append(f"network {prefix} rd {rd} label {label} route-map {name}")
        route_maps[name] = [
            "origin igp",
            "extcommunity rt {}:{}".format(*interop.PEER_ROUTE_TARGET),
            f"ipv{ip} vpn next-hop {interop.PEER_NEXTHOP[ip]}",
        ]
    frr = frr_module.FRR(
        tmp_path,
        address,
        ours,
        frr_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        families=families,
        route_maps=route_maps,
    )
    running.append(frr)
    frr.start(paths)
    exa = interop.ExaBGP(tmp_path, interop.exabgp_vpn_config(list(VPN_FAMILIES), frr_port))
    running.append(exa)
    wait_up(frr, exa)
    for family, (prefix, rd, label) in interop.VPN_ROUTES.items():
        found = interop.wait_until(
            lambda: frr.paths(VPN_FAMILIES[family], prefix, rd), 10, what=f"{family} {prefix} in frr's RIB"
        )
        assert len(found) == 1
        assert {**fields(found[0]), "remoteLabel": found[0].get("remoteLabel")} == {
            "aspath": " ".join(map(str, interop.as_path(True))),
            "origin": "EGP",
            "metric": interop.MED,
            "locPrf": interop.LOCAL_PREF,
            "community": " ".join(f"{a}:{b}" for a, b in interop.COMMUNITIES),
            "extendedCommunity": "RT:{}:{}".format(*interop.ROUTE_TARGET),
            "largeCommunity": "{}:{}:{}".format(*interop.LARGE_COMMUNITY),
            "nexthops": [interop.EXPLICIT_NEXTHOP[interop.family_ip(family)]],
            "remoteLabel": label,
        }
    interop.check_received_vpn(exa, originated)
