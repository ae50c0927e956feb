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
  sent), and once thawed the session comes back with our routes.

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib

import pytest

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
    originate = [(f"ipv{ip}", [interop.PEER_PREFIX[ip], "nexthop", interop.PEER_NEXTHOP[ip], "origin", "igp",
                               "med", str(interop.PEER_MED), "community", "{}:{}".format(*interop.PEER_COMMUNITY),
                               "large-community", "{}:{}:{}".format(*interop.PEER_LARGE_COMMUNITY)])]
    gobgp = gobgp_module.GoBGP(tmp_path, address, ours, gobgp_port, our_port, peer_as, interop.LOCAL_AS,
                               passive=not ours_passive, hold_time=hold_time, originate=originate)
    running.append(gobgp)
    gobgp.start(paths)
    exa = interop.ExaBGP(tmp_path, interop.exabgp_config(ip, peer_as, ours_passive, our_port, gobgp_port,
                                                         hold_time, nexthop=nexthop_for(ip)))
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
    reach = {3: {"type": 3, "nexthop": nexthop}} if ip == 4 else {
        14: {"type": 14, "nexthop": nexthop, "afi": 2, "safi": 1}}
    return {
        full: {
            1: {"type": 1, "value": ORIGIN["egp"]},
            2: {"type": 2, "as_paths": segment(interop.as_path(ibgp))},
            4: {"type": 4, "metric": interop.MED},
            8: {"type": 8, "communities": [a << 16 | b for a, b in interop.COMMUNITIES]},
            16: {"type": 16, "value": [{"type": 0, "subtype": 2, "value": "{}:{}".format(*interop.ROUTE_TARGET)}]},
            32: {"type": 32, "value": [dict(zip(("ASN", "LocalData1", "LocalData2"), interop.LARGE_COMMUNITY))]},
            **local_pref, **reach,
        },
        plain: {
            1: {"type": 1, "value": ORIGIN["incomplete"]},
            2: {"type": 2, "as_paths": segment(() if ibgp else (interop.LOCAL_AS,))},
            **({5: {"type": 5, "value": 100}} if ibgp else {}), **reach,
        },
    }


def attributes(path):
    # the MP_REACH_NLRI's prefixes are the route's own: compared without them
    return {attribute["type"]: {key: value for key, value in attribute.items() if key != "value" or
                                attribute["type"] != 14} for attribute in path["attrs"]}


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
    interop.session_routes_both_ways(gobgp, exa, wait_up, wait_routes, ip, ours_passive, ibgp,
                                     lambda: interop.check_received(exa, ip, ibgp, PEER_AS_EBGP))


def test_gobgp_restarted_gets_everything_again(tmp_path, paths, running):
    gobgp, exa = pair(tmp_path, paths, running, 6, False, False)
    interop.restarted_gets_everything_again(gobgp, exa, wait_up, wait_routes, 6, False)


def test_gobgp_frozen_hold_timer_fires_and_session_comes_back(tmp_path, paths, running):
    gobgp, exa = pair(tmp_path, paths, running, 4, False, True, hold_time=3)
    interop.frozen_hold_timer_fires_and_session_comes_back(gobgp, exa, wait_up, wait_routes, 4, True)
