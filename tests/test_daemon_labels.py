"""Labeled and VPN routes received by a real daemon: what its helper reads and what its Adj-RIB-In shows.

A passive `python -m exabgp server` negotiates the families of a `Scenario`
with the test's sans-IO peer (`qa.daemon.Speaker`), which then sends the
scenario's UPDATEs.  The JSON helper answers each UPDATE it is told about
with ``show adj-rib in`` and ``show adj-rib in extensive`` and records every
line it reads.  What it read is compared with the scenario's `expected`
lines, recorded from ExaBGP 5.0.15 running the same configuration, helper and
peer (the envelope's time, host, pid, ppid and counter taken out).

* ``labels``: the UPDATEs of issue 8 item 1.1: 10.0.0.0/24 rd 65000:1 in
  mpls-vpn under one label field whose bottom-of-stack bit is clear (RFC 8277
  2.2: ignored on receipt), its withdrawal with the Compatibility field
  0x123450 (RFC 8277 2.4: ignored), then 10.0.0.0/24 in nlri-mpls under a
  clear S bit too;
* ``add-path``: ipv4 unicast and mpls-vpn with ADD-PATH (RFC 7911) both ways:
  the Adj-RIB-In shows the path identifier, the label and the RD where 5.0
  puts them.
"""

import dataclasses
import re
import signal
import sys
import time

import pytest

from exabgp.session import Established, SessionSettings
from qa.daemon import Speaker, connect, finish, free_port, start, wait_until

HELPER = r"""
import sys
log = open(sys.argv[1], "a")
for line in sys.stdin:
    log.write(line)
    log.flush()
    if '"type": "update"' in line:
        sys.stdout.write("show adj-rib in\nshow adj-rib in extensive\n")
        sys.stdout.flush()
"""

CONFIGURATION = """
process watcher {{
    run {python} {helper} {log};
    encoder json;
}}
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port}; adj-rib-in true;
{neighbor}
    api {{ processes [ watcher ]; receive {{ parsed; update; }} }}
}}
"""


@dataclasses.dataclass(frozen=True)
class Scenario:
    neighbor: str  # the families (and ADD-PATH) of the neighbor block
    families: tuple  # the peer's (afi, safi)
    add_path: tuple  # the peer's (afi, safi, mode)
    bodies: tuple  # the UPDATE bodies the peer sends, in hexadecimal
    expected: tuple  # what the helper reads, recorded from ExaBGP 5.0.15


def _body(attributes: str, nlri: str = "") -> str:
    return f"0000{len(bytes.fromhex(attributes)):04x}{attributes}{nlri}"


_ORIGIN_PATH_PREF = "4001010040020040050400000064"  # ORIGIN igp, empty AS_PATH, LOCAL_PREF 100
HEAD = '{ "exabgp": "5.0.0", "time": T, "host" : "H", "pid" : P, "ppid" : P, "counter": C, "type": "update", '
NEIGHBOR = (
    '"neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65001, '
    '"peer": 65002 }, "router-id": "10.0.0.1" , "direction": "receive", "message": { "update": '
)
ATTRIBUTES = '{ "attribute": { "origin": "igp", "local-preference": 100 }, '
RIB = "neighbor 127.0.0.1 local-ip 127.0.0.1 local-as 65001 peer-as 65002 router-id 10.0.0.1 family-allowed in-open "

SCENARIOS = {
    "labels": Scenario(
        "    family { ipv4 mpls-vpn; ipv4 nlri-mpls; }",
        ((1, 128), (1, 4)),
        (),
        (
            _body(_ORIGIN_PATH_PREF + "800e200001800c0000000000000000c000020100700012300000fde8000000010a0000"),
            _body("800f12000180701234500000fde8000000010a0000"),
            _body(_ORIGIN_PATH_PREF + "800e1000010404c000020100300012300a0000"),
        ),
        (
            HEAD + NEIGHBOR + ATTRIBUTES + '"announce": { "ipv4 mpls-vpn": { "192.0.2.1": [ { "nlri": "10.0.0.0/24", '
            '"label": [ [291] ], "rd": "65000:1" } ] } } } } } }',
            "127.0.0.1 ipv4 mpls-vpn 10.0.0.0/24 label 291 next-hop 192.0.2.1 rd 65000:1",
            "done",
            RIB + "ipv4 mpls-vpn 10.0.0.0/24 label 291 next-hop 192.0.2.1 rd 65000:1 origin igp local-preference 100",
            "done",
            HEAD + NEIGHBOR + '{ "withdraw": { "ipv4 mpls-vpn": [ { "nlri": "10.0.0.0/24", "label": [ [74565] ], '
            '"rd": "65000:1" } ] } } } } }',
            "done",
            "done",
            HEAD + NEIGHBOR + ATTRIBUTES + '"announce": { "ipv4 nlri-mpls": { "192.0.2.1": [ { "nlri": "10.0.0.0/24", '
            '"label": [ [291] ] } ] } } } } } }',
            "127.0.0.1 ipv4 nlri-mpls 10.0.0.0/24 label 291 next-hop 192.0.2.1",
            "done",
            RIB + "ipv4 nlri-mpls 10.0.0.0/24 label 291 next-hop 192.0.2.1 origin igp local-preference 100",
            "done",
        ),
    ),
    "add-path": Scenario(
        "    family { ipv4 unicast; ipv4 mpls-vpn; }\n"
        "    capability { add-path send/receive; }\n"
        "    add-path { ipv4 unicast; ipv4 mpls-vpn; }",
        ((1, 1), (1, 128)),
        ((1, 1, 3), (1, 128, 3)),
        (
            _body(_ORIGIN_PATH_PREF + "400304c0000201", "00000007180a0000"),
            _body(_ORIGIN_PATH_PREF + "800e240001800c0000000000000000c00002010000000009700012300000fde8000000010a0000"),
            _body("800f1600018000000009708000000000fde8000000010a0000"),
        ),
        (
            HEAD + NEIGHBOR + ATTRIBUTES + '"announce": { "ipv4 unicast": { "192.0.2.1": [ { "nlri": "10.0.0.0/24", '
            '"path-information": "0.0.0.7" } ] } } } } } }',
            "127.0.0.1 ipv4 unicast 10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1",
            "done",
            RIB
            + "ipv4 unicast 10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1 origin igp local-preference 100",
            "done",
            HEAD + NEIGHBOR + ATTRIBUTES + '"announce": { "ipv4 mpls-vpn": { "192.0.2.1": [ { "nlri": "10.0.0.0/24", '
            '"path-information": "0.0.0.9", "label": [ [291] ], "rd": "65000:1" } ] } } } } } }',
            "127.0.0.1 ipv4 unicast 10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1",
            "127.0.0.1 ipv4 mpls-vpn 10.0.0.0/24 path-information 0.0.0.9 label 291 next-hop 192.0.2.1 rd 65000:1",
            "done",
            RIB
            + "ipv4 unicast 10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1 origin igp local-preference 100",
            RIB
            + "ipv4 mpls-vpn 10.0.0.0/24 path-information 0.0.0.9 label 291 next-hop 192.0.2.1 rd 65000:1 origin igp "
            "local-preference 100",
            "done",
            HEAD
            + NEIGHBOR
            + '{ "withdraw": { "ipv4 mpls-vpn": [ { "nlri": "10.0.0.0/24", "path-information": "0.0.0.9", '
            '"label": [ [524288] ], "rd": "65000:1" } ] } } } } }',
            "127.0.0.1 ipv4 unicast 10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1",
            "done",
            RIB
            + "ipv4 unicast 10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1 origin igp local-preference 100",
            "done",
        ),
    ),
}

VOLATILE = (
    (re.compile(r'"time": [0-9.e+-]+'), '"time": T'),
    (re.compile(r'"host" : "[^"]*"'), '"host" : "H"'),
    (re.compile(r'"(pid|ppid)" : \d+'), r'"\1" : P'),
    (re.compile(r'"counter": \d+'), '"counter": C'),
)


def normalise(line: str) -> str:
    for pattern, replacement in VOLATILE:
        line = pattern.sub(replacement, line)
    return line


def received(log, updates: int, timeout: float = 10.0) -> list:
    """The update and reply lines the helper recorded, once it has the answers to `updates` UPDATEs."""
    end = time.monotonic() + timeout
    while True:
        lines = [
            normalise(line)
            for line in log.read_text().splitlines()
            if '"type": "update"' in line or not line.startswith("{")
        ]
        if lines.count("done") >= 2 * updates or time.monotonic() > end:
            return lines
        time.sleep(0.05)


def settled(log, timeout: float = 10.0):
    """Wait for the daemon to have made its peers (its listener is up a little earlier)."""
    wait_until(lambda: "loaded new configuration successfully" in log.read_text(), timeout, 0.05, what="the peers")


def transcript(tmp_path, scenario: Scenario, launch) -> list:
    """What the helper recorded, of a daemon started by ``launch(configuration, daemon log)`` (see the
    module docstring)."""
    port = free_port()
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    log = tmp_path / "helper.log"
    log.write_text("")
    path = tmp_path / "daemon.conf"
    path.write_text(
        CONFIGURATION.format(python=sys.executable, helper=helper, log=log, port=port, neighbor=scenario.neighbor)
    )
    daemon_log = tmp_path / "daemon.log"
    daemon = launch(path, daemon_log)
    try:
        settled(daemon_log)
        peer = Speaker(
            connect(port),
            SessionSettings(
                local_address="127.0.0.1",
                peer_address="127.0.0.1",
                local_as=65002,
                peer_as=65001,
                router_id="10.0.0.2",
                families=scenario.families,
                add_path=scenario.add_path,
            ),
        )
        peer.wait(lambda events: any(isinstance(event, Established) for event in events))
        for count, body in enumerate(scenario.bodies, 1):
            peer.session.send_update(bytes.fromhex(body))
            peer._flush()
            lines = received(log, count)
        assert not peer.session.closed
        peer.sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    return lines


@pytest.mark.parametrize("name", SCENARIOS)
def test_helper_and_adj_rib_in_as_exabgp_5(tmp_path, name):
    scenario = SCENARIOS[name]
    assert transcript(tmp_path, scenario, lambda path, log: start(path, exabgp_log_destination=log)) == list(
        scenario.expected
    )
