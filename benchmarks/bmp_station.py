"""A full table through FRR's BMP export: how fast it reaches our helpers, against how fast FRR sends it.

    python benchmarks/bmp_station.py [--corpus PATH | --v4 N --v6 N] [--runs 1] [--json-out PATH]

Each round feeds FRR's bgpd (``-M bmp``, no zebra) the corpus with
``../shared/bench/feeder.py`` over BGP, FRR exporting its post-policy
Adj-RIB-In by BMP (``bmp monitor ipv4|ipv6 unicast post-policy``) to a
station on 127.0.0.1, twice:

* ``router``: the station is a bare TCP reader in this process that walks
  the BMP common headers and counts the Route Monitoring messages (FRR 8.4
  sends one per prefix): what FRR alone can do,
  ``routes_per_s`` from the feeder's first byte to the last Route Monitoring;
* ``ours``: the station is our daemon (``bmp { listen ...; processes [ sink ]; }``,
  ``adj-rib-in`` as ``--adj-rib-in`` says, true by default) and its helper
  counts the ``"nlri"`` of the route-monitoring lines it reads; the time is
  the helper's when the last route arrived, ``peak_rss_mb`` our daemon's
  VmHWM then.

``ratio`` is ours over the router's time in the same round (a shared
machine drifts; the ratio much less): 1.0 means our helpers get the table
as fast as FRR sends it.  Then, in the same round:

* ``replay``: FRR's stream as the bare station recorded it in the first
  round, sent to our daemon at once from a file: our station's own pace
  (how much faster than FRR it could take the table), from the connection
  to the helper's last route;
* ``bgp-peer``: our daemon takes the same corpus from the feeder as a BGP
  peer, as the station is configured: ``adj-rib-in`` as ``--adj-rib-in``
  says and the same helper, reading the parsed UPDATEs; so that the two
  differ only by how the routes come.

For ``ours`` and ``bgp-peer``, ``idle_rss_mb`` is the daemon's RSS once it
listens, before any route, and ``rss_per_route_b`` its peak RSS over that,
per route; ``rss_ratio`` is ours over the BGP peer's in the round (1.0 or
less: a monitored route costs no more than a route received over BGP).  One
JSON line per measurement on stdout, progress and the summary (medians) on
stderr.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import common
from common import stop, wait_for, write

BGPD = "/usr/lib/frr/bgpd"
FRR_CONFIG = """hostname bench-bmp
log stdout warnings
router bgp 65000
 bgp router-id 127.0.0.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 127.0.0.1 remote-as {peer_as}
 neighbor 127.0.0.1 passive
 neighbor 127.0.0.1 timers 60 180
 neighbor 127.0.0.1 disable-connected-check
 address-family ipv4 unicast
  neighbor 127.0.0.1 activate
 exit-address-family
 address-family ipv6 unicast
  neighbor 127.0.0.1 activate
 exit-address-family
 bmp targets station
  bmp connect 127.0.0.1 port {bmp_port} min-retry 100 max-retry 1000
  bmp monitor ipv4 unicast post-policy
  bmp monitor ipv6 unicast post-policy
 exit
"""
HELPER = """process sink {{
    run {python} {sink} {expected} {report};
    encoder json;
}}
"""
STATION = """bmp {{
    listen 127.0.0.1 port {bmp_port};
    processes [ sink ];
    adj-rib-in {adj_rib_in};
}}
"""
# counts the routes of the route-monitoring or update lines; writes {"first", "done", "routes"} once all arrived
SINK = """import json, sys, time
expected, report = int(sys.argv[1]), sys.argv[2]
routes, first = 0, None
for line in sys.stdin:
    if '"nlri"' in line:
        if first is None:
            first = time.time()
        routes += line.count('"nlri"')
        if routes >= expected:
            with open(report + ".tmp", "w") as out:
                json.dump({"first": first, "done": time.time(), "routes": routes}, out)
            import os
            os.rename(report + ".tmp", report)
            expected = float("inf")
"""


# FRR's recorded BMP stream into the station at once; prints {"first_byte"} as feeder.py does, then holds the session
REPLAY = """import json, socket, sys, time
data = open(sys.argv[1], "rb").read()
connection = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
first = time.time()
connection.sendall(data)
print(json.dumps({"first_byte": first}), flush=True)
time.sleep(3600)
"""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class RawStation(threading.Thread):
    """The bare station: accepts one BMP session and counts its Route Monitoring messages (its octets appended
    to the file `record` when given)."""

    def __init__(self, port: int, expected: int, record: str | None = None):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", port))
        self.expected = expected
        self.record = open(record, "wb") if record else None
        self.count = 0
        self.first = self.last = None
        self.done = threading.Event()

    def run(self) -> None:
        connection, _address = self.server.accept()
        buffer = b""
        while not self.done.is_set():
            data = connection.recv(1 << 20)
            if not data:
                break
            if self.record is not None:
                self.record.write(data)
            buffer += data
            position, size = 0, len(buffer)
            while size - position >= 6:
                length = int.from_bytes(buffer[position + 1 : position + 5], "big")
                if size - position < length:
                    break
                if buffer[position + 5] == 0:
                    self.count += 1
                    self.last = time.time()
                    if self.first is None:
                        self.first = self.last
                position += length
            buffer = buffer[position:]
            if self.count >= self.expected:
                self.done.set()
        connection.close()
        self.server.close()
        if self.record is not None:
            self.record.close()
        self.done.set()


def start_frr(workdir: str, port: int, bmp_port: int, peer_as: int):
    os.makedirs(workdir, exist_ok=True)
    config = write(os.path.join(workdir, "bgpd.conf"), FRR_CONFIG.format(peer_as=peer_as, bmp_port=bmp_port))
    command = [BGPD, "-f", config, "-Z", "-S", "-n", "-p", str(port), "-l", "127.0.0.2", "--vty_socket", workdir]
    command += ["-P", "0", "-i", os.path.join(workdir, "bgpd.pid"), "-z", os.path.join(workdir, "zserv.api")]
    command += ["-M", "bmp"]
    return subprocess.Popen(
        command,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def feed(corpus: str, port: int):
    """The feeder, FRR's BGP peer (FRR may take a while to listen)."""
    return common.feeder(corpus, port, 180, connect_timeout=60)


def first_byte(feeder) -> float:
    stop(feeder)
    return json.loads(feeder.stdout.read().strip().splitlines()[-1])["first_byte"]


def run_router(corpus: str, sidecar: dict, workdir: str, timeout: float, record: str | None = None) -> dict:
    """FRR's own pace: the bare station (which writes FRR's BMP stream to the file `record` when given)."""
    prefixes = sidecar["prefixes"] if "prefixes" in sidecar else sidecar["totals"]["prefixes"]
    port, bmp_port = common.free_port("127.0.0.2"), common.free_port("127.0.0.1")
    station = RawStation(bmp_port, prefixes, record)
    station.start()
    frr = start_frr(os.path.join(workdir, "frr-router"), port, bmp_port, sidecar["session"]["peer_as"])
    feeder = feed(corpus, port)
    result = {"station": "router"}
    try:
        if not station.done.wait(timeout):
            raise RuntimeError(f"{station.count} Route Monitoring messages of {prefixes}")
        start = first_byte(feeder)
        result["seconds"] = round(station.last - start, 3)
        result["routes_per_s"] = round(prefixes / result["seconds"])
        result["messages"] = station.count
    except (RuntimeError, ValueError, IndexError) as error:
        result["error"] = str(error)
    finally:
        stop(feeder)
        stop(frr)
        station.done.set()
    return result


def helper(workdir: str, prefixes: int) -> tuple:
    """The configuration of the helper counting the routes, and the file it reports to (none yet)."""
    sink = write(os.path.join(workdir, "bmp-sink.py"), SINK)
    report = os.path.join(workdir, "bmp-sink.json")
    if os.path.exists(report):
        os.unlink(report)
    return HELPER.format(python=sys.executable, sink=sink, expected=prefixes, report=report), report


def measure(station: str, config: str, listens: tuple, sender, prefixes: int, timeout: float, report: str) -> dict:
    """Our daemon on `config` until its helper reported every route: `sender(port)` starts what sends them
    once the daemon listens on `listens` (address, port), and returns the feeder (the first byte's time) and
    the processes to stop after it."""
    daemon = common.start_daemon(config, common.daemon_env(exabgp_tcp_bind=""))
    result: dict = {"station": station}
    processes: list = []
    try:
        wait_for(lambda: common.listening(*listens), 30, "the daemon did not listen", daemon)
        idle = common.proc_status(daemon.pid, "VmRSS")
        feeder, processes = sender(listens[1])
        wait_for(lambda: os.path.exists(report), timeout, "the helper did not get every route", daemon, interval=0.05)
        peak = common.proc_status(daemon.pid, "VmHWM")
        result["peak_rss_mb"] = round(peak / 1024, 1)
        result["idle_rss_mb"] = round(idle / 1024, 1)
        result["rss_per_route_b"] = round((peak - idle) * 1024 / prefixes, 1)
        result["cpu_s"] = round(common.cpu_seconds(daemon.pid), 2)
        with open(report) as handle:
            got = json.load(handle)
        start = first_byte(feeder)
        result["seconds"] = round(got["done"] - start, 3)
        result["routes_per_s"] = round(prefixes / result["seconds"])
        result["routes"] = got["routes"]
    except (RuntimeError, ValueError, IndexError, OSError) as error:
        result["error"] = str(error)
    finally:
        for process in processes:
            stop(process)
        stop(daemon)
    return result


def run_ours(corpus: str, sidecar: dict, workdir: str, timeout: float, adj_rib_in: bool) -> dict:
    """Our daemon as the station, FRR's BMP export its router, its helper counting the routes."""
    prefixes = sidecar["prefixes"] if "prefixes" in sidecar else sidecar["totals"]["prefixes"]
    port, bmp_port = common.free_port("127.0.0.2"), common.free_port("127.0.0.1")
    process, report = helper(workdir, prefixes)
    station = STATION.format(bmp_port=bmp_port, adj_rib_in=str(adj_rib_in).lower())
    config = write(os.path.join(workdir, "station.conf"), process + station)

    def sender(bmp_port: int) -> tuple:
        frr = start_frr(os.path.join(workdir, "frr-ours"), port, bmp_port, sidecar["session"]["peer_as"])
        feeder = feed(corpus, port)
        return feeder, [feeder, frr]

    result = measure("ours", config, ("127.0.0.1", bmp_port), sender, prefixes, timeout, report)
    result["adj_rib_in"] = adj_rib_in
    return result


def run_replay(stream: str, sidecar: dict, workdir: str, timeout: float, adj_rib_in: bool) -> dict:
    """Our station's own pace: FRR's BMP stream, as the bare station recorded it, sent to our daemon at once from
    a file (``seconds`` from the connection to the helper's last route)."""
    prefixes = sidecar["prefixes"] if "prefixes" in sidecar else sidecar["totals"]["prefixes"]
    bmp_port = common.free_port("127.0.0.1")
    process, report = helper(workdir, prefixes)
    station = STATION.format(bmp_port=bmp_port, adj_rib_in=str(adj_rib_in).lower())
    config = write(os.path.join(workdir, "replay.conf"), process + station)

    def replay(port: int) -> tuple:
        feeder = subprocess.Popen(
            [sys.executable, "-c", REPLAY, stream, str(port)], stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        return feeder, [feeder]

    result = measure("replay", config, ("127.0.0.1", bmp_port), replay, prefixes, timeout, report)
    result["adj_rib_in"] = adj_rib_in
    return result


def run_peer(corpus: str, sidecar: dict, workdir: str, timeout: float, adj_rib_in: bool) -> dict:
    """Our daemon as the feeder's BGP peer, with the station's helper reading the parsed UPDATEs."""
    prefixes = sidecar["prefixes"] if "prefixes" in sidecar else sidecar["totals"]["prefixes"]
    port = common.free_port("127.0.0.2")
    process, report = helper(workdir, prefixes)
    neighbor = common.feeder_neighbor(sidecar, port, adj_rib_in, helper="sink")
    config = write(os.path.join(workdir, "peer.conf"), process + neighbor)

    def sender(port: int) -> tuple:
        feeder = common.feeder(corpus, port, 180)
        return feeder, [feeder]

    result = measure("bgp-peer", config, ("127.0.0.2", port), sender, prefixes, timeout, report)
    result["adj_rib_in"] = adj_rib_in
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus")
    parser.add_argument("--v4", type=int, default=1000000)
    parser.add_argument("--v6", type=int, default=220000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--adj-rib-in", choices=("true", "false"), default="true")
    parser.add_argument("--no-bgp", action="store_true", help="skip the BGP peer's run")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        corpus, sidecar = common.corpus(args.corpus, workdir, args.v4, args.v6, say)
        for round_number in range(args.runs):
            say(f"round {round_number + 1}: FRR to the bare station")
            stream = os.path.join(workdir, "frr.bmp")
            router = run_router(corpus, sidecar, workdir, args.timeout, stream if round_number == 0 else None)
            say(f"round {round_number + 1}: FRR to our station")
            ours = run_ours(corpus, sidecar, workdir, args.timeout, args.adj_rib_in == "true")
            if "seconds" in router and "seconds" in ours:
                ours["ratio"] = round(ours["seconds"] / router["seconds"], 3)
            measured = [router, ours]
            if os.path.exists(stream):
                say(f"round {round_number + 1}: FRR's stream replayed to our station at once")
                measured.append(run_replay(stream, sidecar, workdir, args.timeout, args.adj_rib_in == "true"))
            if not args.no_bgp:
                say(f"round {round_number + 1}: our daemon as a BGP peer of the same corpus, the same helper")
                peer = run_peer(corpus, sidecar, workdir, args.timeout, args.adj_rib_in == "true")
                if "rss_per_route_b" in peer and "rss_per_route_b" in ours:
                    ours["rss_ratio"] = round(ours["rss_per_route_b"] / peer["rss_per_route_b"], 3)
                measured.append(peer)
            for result in measured:
                print(json.dumps(result), flush=True)
                results.append(result)
    summary = {}
    for station in ("router", "ours", "replay", "bgp-peer"):
        rows = [row for row in results if row.get("station") == station and "error" not in row]
        if rows:
            summary[station] = {
                key: statistics.median(row[key] for row in rows)
                for key in (
                    "seconds",
                    "routes_per_s",
                    "ratio",
                    "peak_rss_mb",
                    "idle_rss_mb",
                    "rss_per_route_b",
                    "rss_ratio",
                    "cpu_s",
                )
                if all(key in row for row in rows)
            }
    say(json.dumps(summary))
    if args.json_out:
        with open(args.json_out, "w") as handle:
            json.dump({"runs": results, "summary": summary}, handle, indent=1)
    return 0 if all("error" not in row for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
