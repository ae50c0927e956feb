"""The BMP station against real routers: GoBGP's and FRR's BMP exports, on loopback (issue 12, part 3).

Each test runs our daemon (`python -m exabgp server`) with a ``bmp``
section whose helper writes every line it reads to a file, and one router
(gobgpd with ``[[bmp-servers]]``, FRR's bgpd with ``-M bmp`` and ``bmp
targets``) that connects to it.  The same daemon feeds the router its
table over BGP (`qa.interop.exabgp_config`: two routes, one with every
common attribute), so the router monitors our daemon as its peer.  Then:

* the Initiation names the router (its sysName), the Peer Up names the
  monitored session's two ends and ASes;
* every route of the router's Adj-RIB-In for that peer, as its own CLI
  shows it (``gobgp neighbor ADDRESS adj-in -j``, ``vtysh -c 'show bgp
  ipv4 unicast PREFIX json'``), is in our Route Monitoring lines, pre- and
  post-policy, with the same next hop, origin, AS path, MED, communities,
  large and extended communities, and no other route is; GoBGP's Loc-RIB
  export (RFC 9069) equals ``gobgp global rib -j`` the same way;
* FRR's Statistics Reports arrive and name their counters;
* a session the router resets gives a Peer Down, with the reason the
  router gives (FRR 8.4: closed locally without NOTIFICATION, FSM event 0,
  though it sent one; GoBGP 3.10: its NOTIFICATION, or the TCP close when it
  sees that first);
* our daemon logs no BMP error and no traceback;
* with an ``mrt`` section too, the updates file and a snapshot hold GoBGP's
  pre-policy Adj-RIB-In of the monitored peer (our daemon, as GoBGP's CLI
  shows it) as if received over BGP from it: read back by ``bgpdump -m``
  and ``exabgp mrt -m`` (the same lines), each route once with the
  monitored peer's address and AS, the Peer Up and the Peer Down as state
  changes, nothing of the post-policy and Loc-RIB views; with ``mrt
  loc-rib``, the Loc-RIB instance's routes as ``gobgp global rib`` shows
  them; FRR's pre- or post-policy export of a 52-route table the same way,
  route by route against ``show bgp ipv4 unicast PREFIX json``.

Every test starts its router and our daemon the same way (`monitored`).

The routers' own quirks, observed with gobgpd 3.10 and FRR 8.4: FRR's
export (pre- and post-policy) encodes a route as it would advertise it to an
eBGP peer, its own AS in front of the AS_PATH that ``show bgp`` shows (checked
as such); GoBGP sets the A flag (2-octet AS_PATH) on the End-of-RIB it sends
post-policy.

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib
import json
import os
import subprocess
import sys

import pytest

from qa.mrt_samples import run_mrt

from qa.reference import require_gen_corpus

pytestmark = pytest.mark.slow  # starts a router and our daemon

interop = importlib.import_module("qa.interop")
gobgp_module = importlib.import_module("qa.interop.gobgp")
frr_module = importlib.import_module("qa.interop.frr")

ROUTER_AS = 65002
ORIGINS = {0: "igp", 1: "egp", 2: "incomplete"}
COLLECTOR = """import sys
with open(sys.argv[1], "a") as out:
    for line in sys.stdin:
        out.write(line)
        out.flush()
"""


def table(size: int) -> list:
    """`size` more routes for the router's table: 10.200.N.0/24, each its own AS path, MED (not 0: `bgpdump -m` prints
    0 for none) and community."""
    return [
        f"route 10.200.{n}.0/24 next-hop {interop.EXPLICIT_NEXTHOP[4]} origin igp as-path [ {64600 + n} 65100 ] "
        f"med {n + 1} community [ 65001:{n} ];"
        for n in range(size)
    ]


def station(
    tmp_path,
    our_port: int,
    router_port: int,
    bmp_port: int,
    extra: str = "",
    view: str = "pre-policy",
    routes: list = (),
) -> "interop.ExaBGP":
    """Our daemon: a BMP station on `bmp_port` and the BGP peer of the router (on `router_port`; ours `our_port`),
    sending it `interop.OUR_PREFIXES` and `routes` (`table`); `extra` more of its configuration (an ``mrt``
    section), `view` the RIB view it archives."""
    collector = os.path.join(str(tmp_path), "collector.py")
    with open(collector, "w") as handle:
        handle.write(COLLECTOR)
    output = os.path.join(str(tmp_path), "bmp.jsonl")
    neighbor = interop.exabgp_config(4, ROUTER_AS, False, our_port, router_port, nexthop=interop.EXPLICIT_NEXTHOP[4])
    more = "".join(f"        {route}\n" for route in routes)
    text = (
        f"process collector {{ run {sys.executable} {collector} {output}; encoder json; }}\n"
        f"bmp {{ listen 127.0.0.1 port {bmp_port}; processes [ collector ]; mrt {view}; }}\n"
        + extra
        + neighbor.replace("    static {\n", "    static {\n" + more, 1)
    )
    return interop.ExaBGP(tmp_path, text)


ROUTERS = {  # the router's class and the programs it needs
    "gobgp": (gobgp_module.GoBGP, ("gobgpd", "gobgp")),
    "frr": (frr_module.FRR, (frr_module.BGPD, "vtysh")),
}


def monitored(
    tmp_path, running, kind: str, tools: tuple = (), extra: str = "", view: str = "pre-policy", routes: list = ()
) -> tuple:
    """``(our daemon, the router)``: the router (`ROUTERS`: ``gobgp`` or ``frr``) on 127.0.0.2 exporting BMP to our
    `station` on 127.0.0.1, its BGP session with our daemon established (our routes on their way); `tools` more
    programs the test needs (all required first), `extra`, `view` and `routes` as `station` takes them."""
    router_class, programs = ROUTERS[kind]
    paths = interop.require(*programs, *tools)
    router_port, our_port, bmp_port = (
        interop.free_port(address) for address in ("127.0.0.2", "127.0.0.1", "127.0.0.1")
    )
    exa = station(tmp_path, our_port, router_port, bmp_port, extra, view, routes)
    running.append(exa)
    router = router_class(
        tmp_path,
        "127.0.0.2",
        "127.0.0.1",
        router_port,
        our_port,
        ROUTER_AS,
        interop.LOCAL_AS,
        passive=True,
        bmp_port=bmp_port,
    )
    running.append(router)
    router.start(paths)
    exa.wait_established()
    return exa, router


def lines(tmp_path) -> list:
    path = os.path.join(str(tmp_path), "bmp.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def ours(found: list, policy: str, peer: str = "127.0.0.1") -> dict:
    """prefix -> normalised route, from our Route Monitoring lines of one RIB: "pre-policy", "post-policy"
    (the L flag) or "loc-rib" (RFC 9069 peer type); later lines replace earlier ones, withdrawals remove."""
    routes: dict = {}
    for line in found:
        bmp = line["bmp"]
        if bmp["message"] != "route-monitoring":
            continue
        if policy == "loc-rib":
            if bmp["peer"]["type"] != "loc-rib":
                continue
        elif bmp["peer"]["type"] == "loc-rib" or line["neighbor"]["address"]["peer"] != peer:
            continue
        elif ("post-policy" in bmp["peer"]["flags"]) != (policy == "post-policy"):
            continue
        update = line["neighbor"]["message"].get("update", {})
        attributes = update.get("attribute", {})
        for _family, by_nexthop in update.get("announce", {}).items():
            for nexthop, nlris in by_nexthop.items():
                for nlri in nlris:
                    routes[nlri["nlri"]] = {
                        "nexthop": nexthop,
                        "origin": attributes.get("origin"),
                        "as-path": [a for segment in attributes.get("as-path", {}).values() for a in segment["value"]],
                        "med": attributes.get("med"),
                        "community": [f"{a}:{b}" for a, b in attributes.get("community", [])],
                        "large-community": [":".join(map(str, c)) for c in attributes.get("large-community", [])],
                        "extended-community": [c["string"] for c in attributes.get("extended-community", [])],
                    }
        for _family, nlris in update.get("withdraw", {}).items():
            for nlri in nlris:
                routes.pop(nlri["nlri"], None)
    return routes


def gobgp_route(path: dict) -> dict:
    """A path of GoBGP's JSON, normalised as `ours` does."""
    attributes = {attribute["type"]: attribute for attribute in path["attrs"]}
    nexthop = attributes.get(3, attributes.get(14, {})).get("nexthop")
    targets = [
        f"target:{value['value']}" for value in attributes.get(16, {}).get("value", []) if value.get("subtype") == 2
    ]
    return {
        "nexthop": nexthop,
        "origin": ORIGINS[attributes[1]["value"]],
        "as-path": [a for segment in attributes.get(2, {}).get("as_paths", []) for a in segment["asns"]],
        "med": attributes.get(4, {}).get("metric"),
        "community": [f"{c >> 16}:{c & 0xFFFF}" for c in attributes.get(8, {}).get("communities", [])],
        "large-community": [
            f"{c['ASN']}:{c['LocalData1']}:{c['LocalData2']}" for c in attributes.get(32, {}).get("value", [])
        ],
        "extended-community": targets,
    }


def frr_route(path: dict) -> dict:
    """A path of ``show bgp ipv4 unicast PREFIX json``, normalised as `ours` does."""

    def strings(key):
        return path[key]["string"].split() if key in path else []

    aspath = path["aspath"]["string"]
    return {
        "nexthop": path["nexthops"][0]["ip"],
        "origin": path["origin"].lower(),
        "as-path": [] if aspath == "Local" else [int(asn) for asn in aspath.split()],
        "med": path.get("metric"),
        "community": strings("community"),
        "large-community": strings("largeCommunity"),
        "extended-community": [text.replace("RT:", "target:") for text in strings("extendedCommunity")],
    }


def first(found: list, message: str) -> dict:
    return next(line for line in found if line["bmp"]["message"] == message)


def last(found: list, message: str) -> dict:
    return [line for line in found if line["bmp"]["message"] == message][-1]


def downs_after_up(tmp_path) -> list:
    """The Peer Downs that follow the last Peer Up (FRR tells one for the peer before it comes up)."""
    found = lines(tmp_path)
    ups = [index for index, line in enumerate(found) if line["bmp"]["message"] == "peer-up"]
    return [line for line in found[ups[-1] :] if line["bmp"]["message"] == "peer-down"] if ups else []


def no_errors(exa) -> None:
    text = exa.text()
    assert "Traceback" not in text
    assert "closing this BMP session" not in text


def test_gobgp_bmp_export(tmp_path, running):
    exa, gobgp = monitored(tmp_path, running, "gobgp")
    prefixes = set(interop.OUR_PREFIXES[4])

    def exported():
        found = lines(tmp_path)
        return all(set(ours(found, policy)) == prefixes for policy in ("pre-policy", "post-policy", "loc-rib"))

    interop.wait_until(exported, 20, what="our routes through GoBGP's BMP export")
    found = lines(tmp_path)
    assert first(found, "initiation")["bmp"]["router"]["name"] == "GoBGP"
    up = first(found, "peer-up")["neighbor"]
    assert up["address"] == {"local": "127.0.0.2", "peer": "127.0.0.1"}
    assert up["asn"] == {"local": ROUTER_AS, "peer": interop.LOCAL_AS}
    assert up["open"]["sent"]["router_id"] == "10.0.0.2" and up["open"]["received"]["router_id"] == "10.0.0.1"

    adj_in = {prefix: gobgp_route(paths[0]) for prefix, paths in gobgp.routes("ipv4").items()}
    assert set(adj_in) == prefixes
    assert ours(found, "pre-policy") == adj_in
    assert ours(found, "post-policy") == adj_in
    rib = json.loads(gobgp.cli("global", "rib", "-a", "ipv4", "-j"))
    assert ours(found, "loc-rib") == {prefix: gobgp_route(paths[0]) for prefix, paths in rib.items()}

    gobgp.cli("neighbor", "127.0.0.1", "reset")
    down = interop.wait_until(lambda: downs_after_up(tmp_path), 10, what="a Peer Down")[0]["neighbor"]
    assert down["state"] == "down" and down["address"]["peer"] == "127.0.0.1"
    # GoBGP 3.10 tells the reset as its own NOTIFICATION, or as the TCP close (reason 4) when it sees that first
    assert down["reason"] in ("local-notification", "remote-no-notification")
    if down["reason"] == "local-notification":
        assert down["notification"]["code"] == 6  # Cease
    no_errors(exa)


def test_frr_bmp_export(tmp_path, running):
    exa, frr = monitored(tmp_path, running, "frr")
    prefixes = set(interop.OUR_PREFIXES[4])

    def exported():
        found = lines(tmp_path)
        statistics = any(line["bmp"]["message"] == "statistics-report" for line in found)
        return statistics and all(set(ours(found, policy)) == prefixes for policy in ("pre-policy", "post-policy"))

    interop.wait_until(exported, 20, what="our routes through FRR's BMP export")
    found = lines(tmp_path)
    assert first(found, "initiation")["bmp"]["router"]["name"] == "frr-peer"
    up = first(found, "peer-up")["neighbor"]
    assert up["address"] == {"local": "127.0.0.2", "peer": "127.0.0.1"}
    assert up["asn"] == {"local": ROUTER_AS, "peer": interop.LOCAL_AS}

    shown = {prefix: frr_route(frr.route(prefix)[0]) for prefix in prefixes}
    # FRR 8.4 exports routes as it would advertise them to an eBGP peer: its own AS in front of the path
    exported = {prefix: dict(route, **{"as-path": [ROUTER_AS, *route["as-path"]]}) for prefix, route in shown.items()}
    assert ours(found, "pre-policy") == exported
    assert ours(found, "post-policy") == exported
    report = first(found, "statistics-report")["neighbor"]["statistics"]
    assert {"type": 0, "name": "rejected-prefixes", "value": 0} in report

    frr.cli("clear bgp ipv4 unicast 127.0.0.1")
    down = interop.wait_until(lambda: downs_after_up(tmp_path), 10, what="a Peer Down")[0]["neighbor"]
    assert down["state"] == "down" and down["address"]["peer"] == "127.0.0.1" and down["asn"]["local"] == ROUTER_AS
    # FRR 8.4 tells a cleared session as closed without a NOTIFICATION (reason 2), its FSM event code 0
    assert down["reason"] == "local-no-notification" and down["fsm-event"] == 0
    no_errors(exa)


def test_the_benchmark_runs_on_a_tiny_table(tmp_path):
    """`benchmarks/bmp_station.py` (BENCHMARKS.md, "A BMP station fed by FRR (issue 12, part 3)") on 3,000 routes: FRR's pace,
    ours, FRR's recorded stream replayed to ours at once, then our daemon as a BGP peer with the same helper;
    every route counted by each, the RSS per route of ours and of the BGP peer measured."""
    interop.require(frr_module.BGPD, "vtysh")
    generator = require_gen_corpus()
    corpus = tmp_path / "tiny.bgp"
    subprocess.run([sys.executable, generator, "-o", str(corpus), "--v4", "2000", "--v6", "1000", "-q"], check=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, os.path.join(root, "benchmarks", "bmp_station.py"), "--corpus", str(corpus)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    router, ours, replay, peer = (json.loads(line) for line in done.stdout.splitlines())
    assert replay["station"] == "replay" and replay["routes"] == 3000 and replay["seconds"] > 0
    assert router["station"] == "router" and router["messages"] >= 3000  # FRR may add End-of-RIB markers
    assert ours["station"] == "ours" and ours["routes"] == 3000 and 5 < ours["peak_rss_mb"] < 500
    assert peer["station"] == "bgp-peer" and peer["routes"] == 3000 and 5 < peer["peak_rss_mb"] < 500
    assert ours["ratio"] > 0 and ours["rss_ratio"] > 0
    assert all(0 < row["idle_rss_mb"] <= row["peak_rss_mb"] for row in (ours, peer))


def archive(directory: str) -> str:
    """The ``mrt`` section of the archive tests: an updates file for the whole run, a snapshot every 2 s."""
    return f"mrt {{ directory {directory}; updates 3600; rib 2; }}\n"


def mrt_routes(path, peer: str, asn: int) -> tuple:
    """``(routes, states)`` of the monitored peer in an MRT file: prefix -> normalised route (as `ours` makes
    them) as first announced, up to the peer's first withdrawal or Peer Down after a Peer Up (a second line for a
    prefix before that fails), and every ``old new`` state change; read by ``bgpdump -m``, after checking ``exabgp mrt -m``
    prints the same lines."""
    done = subprocess.run(["bgpdump", "-m", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    code, out, err = run_mrt([path])
    assert code == 0, err
    assert out.splitlines() == done.stdout.splitlines()
    routes: dict = {}
    states = []
    ended = False  # the first announcements are over (a withdrawal, a Peer Down once up)
    up = False  # a Peer Up was seen (FRR tells a Peer Down for the peer before it is up)
    for line in done.stdout.splitlines():
        fields = line.split("|")
        if fields[3] != peer:
            continue
        assert fields[4] == str(asn), line
        if fields[2] == "STATE":
            states.append(" ".join(fields[5:7]))
            up = up or fields[6] == "6"
            ended = ended or (up and fields[6] == "1")
        elif fields[2] == "W":
            ended = True
        elif fields[2] in ("A", "B") and not ended:
            assert fields[5] not in routes, line
            as_path, origin, nexthop, _pref, med, community = fields[6:12]
            routes[fields[5]] = {
                "nexthop": nexthop,
                "origin": origin.lower(),
                "as-path": [int(asn) for asn in as_path.split()],
                "med": int(med) if med != "0" else None,
                "community": community.split(),
            }
    return routes, states


def snapshot(directory: str, peer: str, peer_as: int, prefixes: set) -> dict:
    """The monitored peer's routes (`mrt_routes`) in the first snapshot of the archive's timer that has all of
    `prefixes`, waited for."""

    def found():
        for name in sorted(os.listdir(directory)):
            if name.startswith("bview."):
                routes, _states = mrt_routes(os.path.join(directory, name), peer, peer_as)
                if set(routes) == prefixes:
                    return routes
        return None

    return interop.wait_until(found, 15, what="a snapshot with the monitored peer's routes")


def updates_file(directory: str) -> str:
    """The one updates file of the archive (the daemon stopped, so it is whole)."""
    (updates,) = [name for name in os.listdir(directory) if name.startswith("updates.")]
    return os.path.join(directory, updates)


@pytest.mark.parametrize("view", ["pre-policy", "loc-rib"])
def test_gobgp_bmp_export_written_to_mrt(tmp_path, running, view):
    """The monitored peer's routes of GoBGP's BMP export, in our MRT archive (the issue's part 3, "write them to
    MRT"): compared with ``gobgp neighbor ADDRESS adj-in`` (pre-policy) or ``gobgp global rib`` (loc-rib)."""
    directory = os.path.join(str(tmp_path), "mrt")
    exa, gobgp = monitored(tmp_path, running, "gobgp", ("bgpdump",), archive(directory), view)
    prefixes = set(interop.OUR_PREFIXES[4])
    interop.wait_until(
        lambda: all(set(ours(lines(tmp_path), policy)) == prefixes for policy in ("pre-policy", "loc-rib")),
        20,
        what="our routes through GoBGP's BMP export",
    )
    # the RFC 9069 instance: its address and AS as the per-peer header gives them (GoBGP: 0.0.0.0, its own AS)
    instance = next(
        line["neighbor"] for line in lines(tmp_path) if line["bmp"].get("peer", {}).get("type") == "loc-rib"
    )
    instance_peer = (instance["address"]["peer"], instance["asn"]["peer"])
    if view == "loc-rib":
        shown = json.loads(gobgp.cli("global", "rib", "-a", "ipv4", "-j"))
        peer, peer_as = instance_peer
    else:
        shown = gobgp.routes("ipv4")
        peer, peer_as = "127.0.0.1", interop.LOCAL_AS
    expected = {}
    for prefix, found in shown.items():
        route = gobgp_route(found[0])
        del route["extended-community"], route["large-community"]  # bgpdump -m does not print them
        expected[prefix] = route
    assert set(expected) == prefixes

    assert snapshot(directory, peer, peer_as, prefixes) == expected

    gobgp.cli("neighbor", "127.0.0.1", "reset")
    interop.wait_until(lambda: downs_after_up(tmp_path), 10, what="a Peer Down")
    no_errors(exa)
    assert exa.stop() == 0
    updates = updates_file(directory)
    routes, states = mrt_routes(updates, peer, peer_as)
    assert routes == expected
    if view == "loc-rib":  # GoBGP 3.10 sends no Peer Up for its Loc-RIB instance; the reset withdrew its routes
        assert states == []
    else:
        assert states[:2] == ["5 6", "6 1"]  # the Peer Up, then the Peer Down of the reset
        assert mrt_routes(updates, *instance_peer) == ({}, [])  # no Loc-RIB route


@pytest.mark.parametrize("view", ["pre-policy", "post-policy"])
def test_frr_bmp_export_written_to_mrt(tmp_path, running, view):
    """FRR's BMP export of the table our daemon feeds it (`OUR_PREFIXES` and 50 more routes), in our MRT archive:
    the updates file and a snapshot, read back by ``bgpdump -m`` (and ``exabgp mrt -m``), equal route by route to
    what ``show bgp ipv4 unicast PREFIX json`` shows, FRR's own AS in front as its export puts it (the
    module docstring); the Peer Up and the Peer Down of a ``clear bgp`` as state changes.  Nothing of the other
    view: FRR exports both for the same peer, so a route of both would be announced twice (`mrt_routes` fails)."""
    directory = os.path.join(str(tmp_path), "mrt")
    more = table(50)
    exa, frr = monitored(tmp_path, running, "frr", ("bgpdump",), archive(directory), view, more)
    prefixes = set(interop.OUR_PREFIXES[4]) | {route.split()[1] for route in more}
    interop.wait_until(
        lambda: all(set(ours(lines(tmp_path), policy)) == prefixes for policy in ("pre-policy", "post-policy")),
        30,
        what="our table through FRR's BMP export",
    )
    expected = {}
    for prefix in sorted(prefixes):
        (path,) = frr.route(prefix)
        route = frr_route(path)
        del route["extended-community"], route["large-community"]  # bgpdump -m does not print them
        expected[prefix] = dict(route, **{"as-path": [ROUTER_AS, *route["as-path"]]})
    peer, peer_as = "127.0.0.1", interop.LOCAL_AS
    assert snapshot(directory, peer, peer_as, prefixes) == expected

    frr.cli("clear bgp ipv4 unicast 127.0.0.1")
    interop.wait_until(lambda: downs_after_up(tmp_path), 10, what="a Peer Down")
    no_errors(exa)
    assert exa.stop() == 0
    updates = updates_file(directory)
    routes, states = mrt_routes(updates, peer, peer_as)
    assert routes == expected
    up = states.index("5 6")  # FRR may tell a Peer Down for the peer before it is up
    assert states[up : up + 2] == ["5 6", "6 1"]  # the Peer Up, then the Peer Down of the clear
