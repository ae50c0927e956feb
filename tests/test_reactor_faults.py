"""Faults the daemon must survive, on real processes: flapping, dying, frozen and removed peers (issue 9).

Every test runs a real daemon (`qa.harness.Daemon`: ``python -m exabgp
server``), real helper processes where helpers matter, and real BGP peers on
loopback: `qa.harness.Peer` (a sans-IO `Session` over a socket, which can
stop reading, stream a table or be killed) or `qa.daemon.Speaker`.  Waits
are on conditions (a log line, a route count, a session state), never fixed
sleeps.  The sizes here are CI's (a few seconds each); benchmarks/soak.py
runs the same faults at full size and prints the RSS curve.

* session flaps: a peer that connects, reaches ESTABLISHED and closes, 600
  times; the daemon's RSS over the second half grows by less than 64 KB
  (it grew by about 1 KB a flap: each connection's asyncio transport stayed
  in a reference cycle until a rare garbage collection,
  `exabgp.reactor.peer.release`);
* a peer killed in the middle of its table (its socket reset): the daemon
  logs the loss, the helpers are told ``state down`` for that neighbor only,
  its Adj-RIB-In is emptied (``show adj-rib in`` lists none of its routes),
  and the other peer's session and routes go on;
* TCP MD5 with a wrong key: the session never comes up, the daemon logs the
  failed attempts (the kernel drops the unsigned SYNs: no connection, no
  traceback) and keeps running;
* a neighbor removed by a reload (SIGUSR1) while its peer streams a table:
  that session closes, the other one, in the middle of its own table,
  carries on and gets every route.

Other faults of issue 9 have tests elsewhere: a frozen peer
(tests/test_reactor_daemon.py `test_hold_timer_expiry_sends_4_0`, and
SIGSTOP'd BIRD, FRR, GoBGP and OpenBGPD in tests/test_interop_*.py), a
helper that dies repeatedly and a helper that stops reading during a full
table (tests/test_api_misbehaving.py 4 and 5), a reload during traffic with
its route delta (tests/test_reactor_daemon.py
`test_reload_route_delta_failed_reload_then_changed_neighbor`, and the
neighbor-removed case here).
"""

import json
import signal
import time

from exabgp.session import State
from qa.daemon import free_port
from qa.harness import HOLD, Daemon, Peer, flap, pump, received_updates, script

READER = r'''
import sys
for line in sys.stdin:
    pass
'''

#: a helper writing every JSON line it reads to a file (the test reads what it was told)
RECORDER = r'''
import sys
with open(sys.argv[1], "a") as out:
    for line in sys.stdin:
        out.write(line)
        out.flush()
'''


def neighbors(port: int, peers, api: str = "", routes: dict = None) -> str:
    """Passive neighbors on `port` (our side 127.0.0.1, AS 65001; theirs AS 65002), hold time `HOLD`."""
    routes = routes or {}
    return "".join(f"""
neighbor {address} {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port}; hold-time {HOLD};
    family {{ ipv4 unicast; }}
    {api}
    {"static { " + " ".join(f"route {prefix} next-hop 127.0.0.1;" for prefix in routes[address]) + " }"
     if address in routes else ""}
}}
""" for address in peers)


# ---------------------------------------------------------------- session flaps

FLAPS = 600
#: what the RSS may grow by over the second half of the flaps (it grew by about 1 KB a flap: 300 KB)
FLAP_GROWTH_KB = 64


def test_session_flaps_do_not_grow_memory(tmp_path):
    port = free_port()
    helper = script(tmp_path, "reader", READER)
    daemon = Daemon(tmp_path, f"process reader {{ run {helper}; encoder json; }}\n"
                    + neighbors(port, ["127.0.0.1"], "api { processes [ reader ]; neighbor-changes; "
                                                     "receive { parsed; update; open; } }"))
    try:
        daemon.wait_log("new peer: neighbor 127.0.0.1")
        samples, established = {}, 0
        for number in range(FLAPS + 1):
            if number % (FLAPS // 6) == 0:
                samples[number] = daemon.rss()
            if number < FLAPS:
                established += flap(port)
        growth = samples[FLAPS] - samples[FLAPS // 2]
        print(f"flaps: {established} of {FLAPS} established; VmRSS (kB) by flap: {samples}")
        assert established > FLAPS * 0.9
        assert growth < FLAP_GROWTH_KB, f"VmRSS grew by {growth} kB over the last {FLAPS // 2} flaps: {samples}"
        assert daemon.log().count("connected to peer-1") == established
        assert "Traceback" not in daemon.log()
    finally:
        assert daemon.stop() == 0
