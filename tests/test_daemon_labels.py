"""Labeled and VPN routes received by a real daemon: what its helper reads and what its Adj-RIB-In holds.

A passive `python -m exabgp server` negotiates ``ipv4 mpls-vpn`` and ``ipv4
nlri-mpls`` with the test's sans-IO peer (`qa.daemon.Speaker`), which then
sends the UPDATEs of issue 8 item 1.1: 10.0.0.0/24 rd 65000:1 under one label
field whose bottom-of-stack bit is clear (RFC 8277 2.2: ignored on receipt),
its withdrawal with the Compatibility field 0x123450 (RFC 8277 2.4: ignored),
and 10.0.0.0/24 in nlri-mpls under a clear S bit too.  The JSON helper prints
``show adj-rib in extensive`` after each UPDATE it is told about and records
every line it reads.  What it read is compared with `EXPECTED`, recorded from
ExaBGP 5.0.15 running this same configuration, helper and peer (the envelope's
time, host, pid, ppid and counter taken out).
"""

import re
import signal
import sys
import time

from exabgp.session import Established, SessionSettings
from qa.daemon import Speaker, connect, finish, free_port, start

HELPER = r'''
import sys
log = open(sys.argv[1], "a")
for line in sys.stdin:
    log.write(line)
    log.flush()
    if '"type": "update"' in line:
        sys.stdout.write("show adj-rib in extensive\n")
        sys.stdout.flush()
'''

CONFIGURATION = """
process watcher {{
    run {python} {helper} {log};
    encoder json;
}}
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port}; adj-rib-in true;
    family {{ ipv4 mpls-vpn; ipv4 nlri-mpls; }}
    api {{ processes [ watcher ]; receive {{ parsed; update; }} }}
}}
"""

ANNOUNCE_VPN = "000000314001010040020040050400000064800e200001800c0000000000000000c000020100700012300000fde8000000010a0000"
WITHDRAW_VPN = "0000001580 0f12000180701234500000fde8000000010a0000"
ANNOUNCE_LABELED = "000000214001010040020040050400000064800e1000010404c000020100300012300a0000"

HEAD = '{ "exabgp": "5.0.0", "time": T, "host" : "H", "pid" : P, "ppid" : P, "counter": C, "type": "update", '
NEIGHBOR = ('"neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": '
            '65001, "peer": 65002 }, "router-id": "10.0.0.1" , "direction": "receive", "message": ')
ATTRIBUTES = '{ "update": { "attribute": { "origin": "igp", "local-preference": 100 }, '
RIB = 'neighbor 127.0.0.1 local-ip 127.0.0.1 local-as 65001 peer-as 65002 router-id 10.0.0.1 family-allowed in-open '
# recorded from ExaBGP 5.0.15 (see the module docstring)
EXPECTED = [
    HEAD + NEIGHBOR + ATTRIBUTES + '"announce": { "ipv4 mpls-vpn": { "192.0.2.1": [ { "nlri": "10.0.0.0/24", "label": [ [291] ], "r'
    'd": "65000:1" } ] } } } } } }',
    RIB + 'ipv4 mpls-vpn 10.0.0.0/24 label 291 next-hop 192.0.2.1 rd 65000:1 origin igp local-preference 1'
    '00',
    'done',
    HEAD + NEIGHBOR + '{ "update": { "withdraw": { "ipv4 mpls-vpn": [ { "nlri": "10.0.0.0/24", "label": [ [74565] ], "'
    'rd": "65000:1" } ] } } } } }',
    'done',
    HEAD + NEIGHBOR + ATTRIBUTES + '"announce": { "ipv4 nlri-mpls": { "192.0.2.1": [ { "nlri": "10.0.0.0/24", "label": [ [291] ] } '
    '] } } } } } }',
    RIB + 'ipv4 nlri-mpls 10.0.0.0/24 label 291 next-hop 192.0.2.1 origin igp local-preference 100',
    'done',
]

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


def received(log, count: int, timeout: float = 10.0) -> list:
    """The update and reply lines the helper recorded, once `count` of them are there."""
    end = time.monotonic() + timeout
    while True:
        lines = [normalise(line) for line in log.read_text().splitlines()
                 if '"type": "update"' in line or not line.startswith("{")]
        if len(lines) >= count or time.monotonic() > end:
            return lines
        time.sleep(0.05)


def settled(log, timeout: float = 10.0):
    """Wait for the daemon to have made its peers (its listener is up a little earlier)."""
    end = time.monotonic() + timeout
    while "loaded new configuration successfully" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < end, "the daemon did not load its configuration"
        time.sleep(0.05)


def transcript(tmp_path, launch) -> list:
    """What the helper recorded, of a daemon started by ``launch(configuration, daemon log)`` (see the
    module docstring)."""
    port = free_port()
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    log = tmp_path / "helper.log"
    log.write_text("")
    path = tmp_path / "daemon.conf"
    path.write_text(CONFIGURATION.format(python=sys.executable, helper=helper, log=log, port=port))
    daemon_log = tmp_path / "daemon.log"
    daemon = launch(path, daemon_log)
    try:
        settled(daemon_log)
        peer = Speaker(connect(port), SessionSettings(
            local_address="127.0.0.1", peer_address="127.0.0.1", local_as=65002, peer_as=65001,
            router_id="10.0.0.2", families=((1, 128), (1, 4))))
        peer.wait(lambda events: any(isinstance(event, Established) for event in events))
        for body, count in ((ANNOUNCE_VPN, 3), (WITHDRAW_VPN, 5), (ANNOUNCE_LABELED, 8)):
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


def test_helper_and_adj_rib_in_see_one_label_whatever_its_bottom_of_stack_bit(tmp_path):
    assert transcript(tmp_path, lambda path, log: start(path, exabgp_log_destination=log)) == EXPECTED
