"""Interoperability with OpenBGPD (`bgpd`, `bgpctl`): real sessions on loopback (issue 3, part 7).

Each test runs OpenBGPD (qa/interop/openbgpd.py, as root: it chroots) and
our daemon (`python -m exabgp server`) in a temporary directory on free
ports, and checks both sides:

* the session comes up with us active and with us passive, over IPv4 and
  IPv6, eBGP and iBGP: ``bgpctl -j show neighbor`` says Established and our
  daemon logs "connected to";
* our static routes are in OpenBGPD's Adj-RIB-In (``show rib in ...
  detail``) with exactly the origin, AS path, MED, local preference (iBGP),
  communities, large and extended communities and next hop (``next-hop
  self``: our address) we configured;
* the route OpenBGPD originates (``network ... set { ... }``) is logged by
  our daemon and its UPDATE decodes (``exabgp decode``) to the attributes
  set; on eBGP OpenBGPD sends its own address as next hop (RFC 4271 section
  5.1.3: no shared subnet with the configured one), on iBGP the configured
  one;
* bgpd restarted: we reconnect and announce everything again;
* bgpd frozen (SIGSTOP): our 3 s hold timer fires (NOTIFICATION 4/0 sent),
  and once thawed the session comes back with our routes;
* VPN routes (``announce IPv4 vpn``, ``IPv6 vpn``) on one iBGP session:
  our ``mpls-vpn`` routes are in the Adj-RIB-In under their RD with
  exactly the next hop and attributes we configured.  Not covered:
  labels (bgpctl does not print them), labeled unicast (OpenBGPD has no
  SAFI 4), VPN routes from OpenBGPD (it originates them only from an
  OpenBSD ``mpe`` interface, kernel MPLS).

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail;
not being root skips them too (bgpd chroots), unless EXABGP_INTEROP=1.
"""

import importlib
import os

import pytest

pytestmark = pytest.mark.slow  # starts OpenBGPD and our daemon

interop = importlib.import_module("qa.interop")
openbgpd_module = importlib.import_module("qa.interop.openbgpd")

PEER_AS_EBGP = 65002
SETS = (
    f"med {interop.PEER_MED} community {interop.PEER_COMMUNITY[0]}:{interop.PEER_COMMUNITY[1]} "
    "large-community {}:{}:{} origin igp".format(*interop.PEER_LARGE_COMMUNITY)
)


@pytest.fixture
def paths():
    paths = interop.require(openbgpd_module.BGPD, "bgpctl")
    if os.geteuid() != 0:
        if os.environ.get(interop.REQUIRED) == "1":
            pytest.fail("OpenBGPD needs root (it chroots)")
        pytest.skip("OpenBGPD needs root (it chroots)")
    return paths


def pair(tmp_path, paths, running, ip, ours_passive, ibgp, hold_time=180):
    """OpenBGPD and our daemon configured for each other (IP version `ip`), both started."""
    ours, address = interop.ADDRESSES[ip]
    our_port, peer_port = interop.free_port(ours), interop.free_port(address)
    peer_as = interop.LOCAL_AS if ibgp else PEER_AS_EBGP
    openbgpd = openbgpd_module.OpenBGPD(
        tmp_path,
        address,
        ours,
        peer_port,
        our_port,
        peer_as,
        interop.LOCAL_AS,
        passive=not ours_passive,
        hold_time=hold_time,
        originate=[interop.PEER_PREFIX[ip]],
        set_attributes=SETS,
        nexthop=interop.PEER_NEXTHOP[ip],
    )
    running.append(openbgpd)
    openbgpd.start(paths)
    exa = interop.ExaBGP(tmp_path, interop.exabgp_config(ip, peer_as, ours_passive, our_port, peer_port, hold_time))
    running.append(exa)
    return openbgpd, exa


def wait_up(openbgpd, exa, count=1):
    exa.wait_established(count)
    interop.wait_until(lambda: openbgpd.state() == "Established", 10, what="openbgpd Established")


def expected_routes(ip, ibgp):
    """The fields of OpenBGPD's JSON RIB entries for our two routes."""
    full, plain = interop.OUR_PREFIXES[ip]
    nexthop = interop.our_nexthop(ip)
    return {
        full: {
            "aspath": " ".join(map(str, interop.as_path(ibgp))),
            "origin": "EGP",
            "metric": interop.MED,
            "localpref": interop.LOCAL_PREF if ibgp else 100,  # eBGP: OpenBGPD's default
            "communities": [f"{a}:{b}" for a, b in interop.COMMUNITIES],
            "extended_communities": ["rt {}:{}".format(*interop.ROUTE_TARGET)],
            "large_communities": ["{}:{}:{}".format(*interop.LARGE_COMMUNITY)],
            "exit_nexthop": nexthop,
            "source": "internal" if ibgp else "external",
        },
        plain: {
            "aspath": "" if ibgp else str(interop.LOCAL_AS),
            "origin": "incomplete",
            "metric": 0,  # no MED: OpenBGPD shows 0
            "localpref": 100,
            "communities": None,
            "extended_communities": None,
            "large_communities": None,
            "exit_nexthop": nexthop,
            "source": "internal" if ibgp else "external",
        },
    }


def wait_routes(openbgpd, ip, ibgp):
    expected = expected_routes(ip, ibgp)
    routes = interop.wait_until(
        lambda: (lambda r: r if set(expected) <= set(r) else None)(openbgpd.routes()),
        10,
        what="our routes in openbgpd's Adj-RIB-In",
    )
    for prefix, wanted in expected.items():
        assert {key: routes[prefix].get(key) for key in wanted} == wanted, routes[prefix]


def received_nexthop(ip, ibgp):
    return "" if ibgp else interop.ADDRESSES[ip][1]


@pytest.mark.parametrize("ip,ours_passive,ibgp", interop.CASES, ids=interop.CASE_IDS)
def test_session_routes_both_ways(tmp_path, paths, running, ip, ours_passive, ibgp):
    openbgpd, exa = pair(tmp_path, paths, running, ip, ours_passive, ibgp)
    interop.session_routes_both_ways(
        openbgpd,
        exa,
        wait_up,
        wait_routes,
        ip,
        ours_passive,
        ibgp,
        lambda: interop.check_received(exa, ip, ibgp, PEER_AS_EBGP, received_nexthop(ip, ibgp)),
    )


def test_openbgpd_restarted_gets_everything_again(tmp_path, paths, running):
    openbgpd, exa = pair(tmp_path, paths, running, 4, False, False)
    interop.restarted_gets_everything_again(openbgpd, exa, wait_up, wait_routes, 4, False)


def test_openbgpd_frozen_hold_timer_fires_and_session_comes_back(tmp_path, paths, running):
    openbgpd, exa = pair(tmp_path, paths, running, 6, False, True, hold_time=3)
    interop.frozen_hold_timer_fires_and_session_comes_back(openbgpd, exa, wait_up, wait_routes, 6, True)


def test_vpn_routes_arrive(tmp_path, paths, running):
    """IPv4 and IPv6 VPN routes on one iBGP session: ours in OpenBGPD's Adj-RIB-In under the exact RD,
    with the next hop and attributes.  OpenBGPD has no labeled unicast (SAFI 4), ``bgpctl`` does not
    show labels, and it only originates VPN routes from an ``mpe`` interface (OpenBSD's kernel MPLS):
    nothing comes back to us here."""
    ours, address = interop.ADDRESSES[4]
    peer_port = interop.free_port(address)
    families = ["ipv4 mpls-vpn", "ipv6 mpls-vpn"]
    openbgpd = openbgpd_module.OpenBGPD(
        tmp_path,
        address,
        ours,
        peer_port,
        interop.free_port(ours),
        interop.LOCAL_AS,
        interop.LOCAL_AS,
        passive=True,
        announce=["IPv4 vpn", "IPv6 vpn"],
    )
    running.append(openbgpd)
    openbgpd.start(paths)
    exa = interop.ExaBGP(tmp_path, interop.exabgp_vpn_config(families, peer_port))
    running.append(exa)
    wait_up(openbgpd, exa)
    expected = {}
    for family in families:
        prefix, rd, _ = interop.VPN_ROUTES[family]
        expected[f"rd {rd} {prefix}"] = {
            "aspath": " ".join(map(str, interop.as_path(True))),
            "origin": "EGP",
            "metric": interop.MED,
            "localpref": interop.LOCAL_PREF,
            "communities": [f"{a}:{b}" for a, b in interop.COMMUNITIES],
            "extended_communities": ["rt {}:{}".format(*interop.ROUTE_TARGET)],
            "large_communities": ["{}:{}:{}".format(*interop.LARGE_COMMUNITY)],
            "exit_nexthop": interop.EXPLICIT_NEXTHOP[interop.family_ip(family)],
            "source": "internal",
        }
    routes = interop.wait_until(
        lambda: (lambda r: r if set(expected) <= set(r) else None)(openbgpd.routes()),
        10,
        what="our VPN routes in openbgpd's Adj-RIB-In",
    )
    assert set(routes) == set(expected)
    for prefix, wanted in expected.items():
        assert {key: routes[prefix].get(key) for key in wanted} == wanted, routes[prefix]
    assert "Traceback" not in exa.text()
