"""Soak: peers that flap every second while resending their tables; the daemon's RSS sampled (issue 9).

    python benchmarks/soak.py [--duration 300] [--peers 4] [--routes 5000] [--period 1.0] [--sample 10]

One daemon (``python -m exabgp server``, the package `qa.daemon` imports)
with ``--peers`` passive neighbors (127.0.0.1 ...) and a JSON helper that
reads every UPDATE and state change of all of them.  Each neighbor's peer
(`qa.harness.Peer`) connects, streams ``--routes`` one-prefix UPDATEs and
the End-of-RIB, and once ``--period`` seconds have passed and its table is
out, leaves (a FIN, waiting for the daemon's close) and connects again:
every neighbor flaps about once a period, resending its table each time.
Every ``--sample`` seconds a line gives the elapsed time, the flaps so far
and the daemon's VmRSS; at the end one JSON line: the flaps, the routes
sent, the RSS at the first sample, at the middle and at the end, and the
growth over the second half (flat memory: a few hundred kB at most, the
noise of the allocator, whatever the duration).

No reference runs beside it: what it measures is memory that should not
grow, and its yardstick is the daemon itself (the second half of the run
against the first), which the load of the machine does not move.

tests/test_reactor_faults.py runs it for a few seconds (it must work);
the CI-sized flap test (600 flaps, RSS over the second half) is there too.
"""

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_qa():
    """The repository's qa package, loaded by path (as tests/conftest.py does: the installed exabgp is used)."""
    if "qa" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "qa", os.path.join(ROOT, "qa", "__init__.py"), submodule_search_locations=[os.path.join(ROOT, "qa")]
        )
        sys.modules["qa"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["qa"])
    from qa import daemon, harness

    return daemon, harness


READER = "import sys\nfor line in sys.stdin:\n    pass\n"


def configuration(port: int, addresses, helper: str, hold: int) -> str:
    api = "api { processes [ reader ]; neighbor-changes; receive { parsed; update; } }"
    return f"process reader {{ run {helper}; encoder json; }}\n" + "".join(
        f"""
neighbor {address} {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port}; hold-time {hold};
    family {{ ipv4 unicast; }}
    {api}
}}
"""
        for address in addresses
    )


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of flapping (300)")
    parser.add_argument("--peers", type=int, default=4, help="flapping neighbors (4)")
    parser.add_argument("--routes", type=int, default=5000, help="routes each peer sends a session (5000)")
    parser.add_argument("--period", type=float, default=1.0, help="seconds a session lasts at least (1.0)")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between RSS samples (10)")
    options = parser.parse_args(arguments)
    qa_daemon, harness = load_qa()
    folder = Path(tempfile.mkdtemp(prefix="exabgp-soak-"))
    port = qa_daemon.free_port()
    addresses = [f"127.0.0.{number}" for number in range(1, options.peers + 1)]
    helper = harness.script(folder, "reader", READER)
    daemon = harness.Daemon(folder, configuration(port, addresses, helper, harness.HOLD))
    tables = {address: harness.received_updates(options.routes, 30 + index) for index, address in enumerate(addresses)}
    peers, started = {}, {}
    flaps = routes = 0
    samples = []
    try:
        for address in addresses:  # the first sessions: the first sample is of a running daemon
            peers[address] = harness.Peer(port, daemon, address)
            started[address] = time.monotonic()
            peers[address].stream(tables[address])
        begin = next_sample = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= next_sample:
                samples.append((round(now - begin, 1), flaps, daemon.rss()))
                print(f"t={samples[-1][0]:7.1f}s flaps={flaps:6d} rss={samples[-1][2] / 1024:7.2f} MB", flush=True)
                next_sample += options.sample
            if now - begin >= options.duration:
                break
            for address in addresses:
                peer = peers.get(address)
                if peer is not None and (peer.streaming() or now - started[address] < options.period):
                    continue
                if peer is not None:
                    peer.leave()
                    flaps += 1
                    routes += options.routes
                peers[address] = peer = harness.Peer(port, daemon, address)
                started[address] = time.monotonic()
                peer.stream(tables[address])
            harness.pump(list(peers.values()), lambda: False, 0.05, expire=False)
        log = daemon.log()
        assert "Traceback" not in log, log[-3000:]
    finally:
        for peer in peers.values():
            peer.close()
        code = daemon.stop()
    middle = samples[len(samples) // 2]
    print(
        json.dumps(
            {
                "duration_s": options.duration,
                "peers": options.peers,
                "flaps": flaps,
                "routes_sent": routes,
                "rss_first_kb": samples[0][2],
                "rss_middle_kb": middle[2],
                "rss_last_kb": samples[-1][2],
                "second_half_growth_kb": samples[-1][2] - middle[2],
                "samples": samples,
                "exit_code": code,
            }
        )
    )
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
