"""MRT archives of routes a real BGP speaker sends: GoBGP (`gobgpd`) feeding our daemon with an ``mrt`` section.

GoBGP originates prefixes (``gobgp global rib add``: next hop, MED and a
community each) over an eBGP session; our daemon writes them to an updates
file and a TABLE_DUMP_V2 snapshot (its ``rib`` timer), and ``bgpdump -m``
reads both back: every route GoBGP says it sends us (``gobgp neighbor ADDRESS
adj-out -j``) is there once, with the AS path GoBGP prepends, the next hop,
MED and community it was given; ``exabgp mrt -m`` prints the same lines as
bgpdump.

Without the programs the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib
import json
import os
import subprocess

import pytest

from qa.mrt_samples import run_mrt

pytestmark = pytest.mark.slow  # starts GoBGP and our daemon

interop = importlib.import_module("qa.interop")
gobgp_module = importlib.import_module("qa.interop.gobgp")

PEER_AS = 65002
COUNT = 40


def bgpdump_routes(tool: str, path) -> set:
    """``(prefix, as path, next hop, med, communities)`` of the route lines of ``bgpdump -m``, after checking
    ``exabgp mrt -m`` prints the same lines."""
    lines = subprocess.run([tool, "-m", str(path)], capture_output=True, text=True, timeout=60, check=True)
    code, ours, err = run_mrt([path])
    assert code == 0 and ours == lines.stdout, err
    found = [line.split("|") for line in lines.stdout.splitlines()]
    return [(f[5], f[6], f[8], f[10], f[11]) for f in found if f[2] in ("A", "B")]


def test_routes_from_gobgp_are_archived_as_bgpdump_reads_them(tmp_path, running):
    paths = interop.require("gobgpd", "gobgp", "bgpdump")
    ours, address = interop.ADDRESSES[4]
    our_port, gobgp_port = interop.free_port(ours), interop.free_port(address)
    originate = [
        ("ipv4", [f"10.{number}.0.0/16", "nexthop", "192.0.2.99", "med", str(number), "community", f"65002:{number}"])
        for number in range(1, COUNT + 1)
    ]
    gobgp = gobgp_module.GoBGP(
        tmp_path, address, ours, gobgp_port, our_port, PEER_AS, interop.LOCAL_AS, passive=False, originate=originate
    )
    running.append(gobgp)
    gobgp.start(paths)
    directory = tmp_path / "mrt"
    section = f"mrt {{ directory {directory}; updates 3600; rib 2; }}\n"
    exa = interop.ExaBGP(tmp_path, section + interop.exabgp_config(4, PEER_AS, True, our_port, gobgp_port))
    running.append(exa)
    exa.wait_established()
    expected = {
        (f"10.{number}.0.0/16", str(PEER_AS), "192.0.2.99", str(number), f"65002:{number}")
        for number in range(1, COUNT + 1)
    }
    sent = json.loads(gobgp.cli("neighbor", ours, "adj-out", "-a", "ipv4", "-j"))
    assert set(sent) == {route[0] for route in expected}  # what GoBGP says it sent us

    def snapshot():
        names = [name for name in os.listdir(directory) if name.startswith("bview.")]
        return names and set(bgpdump_routes(paths["bgpdump"], directory / max(names))) == expected

    interop.wait_until(snapshot, 15, what="a snapshot holding every route")
    assert exa.stop() == 0
    (updates,) = [name for name in os.listdir(directory) if name.startswith("updates.")]
    routes = bgpdump_routes(paths["bgpdump"], directory / updates)
    assert sorted(routes) == sorted(expected)  # each route once, as GoBGP sent it
