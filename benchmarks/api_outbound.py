"""Outbound API throughput: N ``announce route`` lines from a helper until BIRD holds N routes (issue 4).

    python benchmarks/api_outbound.py [-n 100000] [-n 1000000] [--reference-routes 10000] [--reference]
                                      [--port 1791] [--json-out PATH]

For each size N it starts, in a fresh temporary directory and on loopback
only:

* BIRD 2 (``bird -f -c bird.conf -s bird.ctl``), passive, AS 65001 on
  127.0.0.3:PORT, importing everything from one eBGP session;
* the daemon (ours: ``python -m exabgp server CONF``, the installed package
  else this source tree with its in-place build; with ``--reference``
  ExaBGP 5.0.15, ``--reference-cmd``, run from the temporary directory),
  AS 65000 on 127.0.0.1, connecting to BIRD, with one helper process that
  follows the neighbor (``neighbor-changes``, json encoder);
* the helper waits for the ``"state": "up"`` line, notes the time of its
  first write, then writes its N lines as fast as the pipe takes them:
  ``announce route <A.B.C.0/24> next-hop 127.0.0.1 community [ 65000:1 ]``
  (distinct /24s from 1.0.0.0 up), while a thread reads (and drops) what
  the daemon answers, so acknowledgements never block either side.

Completion: ``birdc show protocols all session`` is asked every
``--poll`` seconds (a cheap query: BIRD keeps the counter) until it shows N
routes imported.  Reported per size (one JSON line each on stdout, a table
at the end): ``seconds`` (the helper's first write -> the poll that saw N
routes, so within one poll interval), ``routes_per_s``, the daemon's CPU
seconds and peak RSS (VmHWM, main process) at completion, and BIRD's CPU.
With ``--reference-routes M`` ExaBGP 5.0.15 then announces M routes in the
same run (fewer: it is slow, and slower per route as M grows) and each of
our sizes gets ``ratio_to_reference``, its time per route over 5.0.15's:
absolute times drift with the load of a shared machine, the ratio much
less.  Progress goes to stderr.
"""

import argparse
import getpass
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import common
from common import oracle, package_parent

LOCAL, REMOTE = "127.0.0.1", "127.0.0.3"
LOCAL_AS, REMOTE_AS = 65000, 65001

HELPER = r"""
import sys, threading, time
count, mark = int(sys.argv[1]), sys.argv[2]
for line in sys.stdin:
    if '"state": "up"' in line or line.rstrip().endswith(" up"):
        break
threading.Thread(target=lambda: [None for _ in sys.stdin], daemon=True).start()
lines = [f"announce route {1 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}.0/24 next-hop 127.0.0.1 community [ 65000:1 ]\n"
         for n in range(count)]
first = time.time()
for start in range(0, count, 4096):
    sys.stdout.write("".join(lines[start:start + 4096]))
    sys.stdout.flush()
with open(mark, "w") as out:
    out.write(f"{first} {time.time()}\n")
while True:
    time.sleep(3600)
"""

BIRD = """router id {remote};
log "{directory}/bird.log" {{ warning, error, fatal }};
protocol device {{ scan time 3600; }}
protocol bgp session {{
    local {remote} port {port} as {remote_as};
    neighbor {local} as {local_as};
    passive on;
    multihop;
    hold time 180;
    ipv4 {{ import all; export none; }};
}}
"""

DAEMON = """process announcer {{
    run {python} {helper} {count} {mark};
    encoder json;
}}

neighbor {remote} {{
    router-id {local};
    local-address {local};
    local-as {local_as};
    peer-as {remote_as};
    hold-time 180;
    connect {port};
    family {{
        ipv4 unicast;
    }}
    api {{
        processes [ announcer ];
        neighbor-changes;
    }}
}}
"""


def say(text: str) -> None:
    print(f"api_outbound: {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def proc_stat(pid: int) -> tuple:
    """(CPU seconds, peak RSS in MB) of a running process."""
    try:
        return common.cpu_seconds(pid), common.proc_status(pid, "VmHWM") / 1024
    except OSError:
        return 0.0, 0.0


def stop(process, timeout: float = 10.0) -> None:
    """SIGTERM a process group we started, SIGKILL it if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def imported(birdc: str, socket_path: str) -> int | None:
    """Routes BIRD imported from the session: 0 before it is up, None when BIRD does not answer."""
    try:
        out = subprocess.run(
            [birdc, "-s", socket_path, "show", "protocols", "all", "session"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
    except (subprocess.TimeoutExpired, OSError):
        return None
    if "session" not in out:
        return None
    found = re.search(r"Routes:\s+(\d+) imported", out)
    return int(found.group(1)) if found else 0


def run_one(count: int, args, directory: str) -> dict:
    """One size: start BIRD, the daemon and its helper, wait for BIRD to hold `count` routes."""
    kind = "exabgp-5.0.15" if args.reference else "ours"
    result = {"daemon": kind, "routes": count}
    bird_conf = os.path.join(directory, "bird.conf")
    socket_path = os.path.join(directory, "bird.ctl")
    with open(bird_conf, "w") as out:
        out.write(
            BIRD.format(
                remote=REMOTE, local=LOCAL, port=args.port, remote_as=REMOTE_AS, local_as=LOCAL_AS, directory=directory
            )
        )
    helper = os.path.join(directory, "announcer.py")
    with open(helper, "w") as out:
        out.write(HELPER)
    mark = os.path.join(directory, "first-write")
    conf = os.path.join(directory, "exabgp.conf")
    with open(conf, "w") as out:
        out.write(
            DAEMON.format(
                python=sys.executable,
                helper=helper,
                count=count,
                mark=mark,
                remote=REMOTE,
                local=LOCAL,
                local_as=LOCAL_AS,
                remote_as=REMOTE_AS,
                port=args.port,
            )
        )
    env = common.daemon_env(exabgp_daemon_user=getpass.getuser(), exabgp_log_enable="false")
    if args.reference:
        command, cwd = [args.reference_cmd or oracle()], directory
    else:
        command, cwd = None, package_parent()
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (os.environ.get("PYTHONPATH"), package_parent())))
    bird = daemon = None
    try:
        bird = subprocess.Popen(
            [args.bird, "-f", "-c", bird_conf, "-s", socket_path],
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        common.wait_for(lambda: imported(args.birdc, socket_path) is not None, 30, "BIRD did not start", bird)
        say(f"{kind}: {count} routes")
        with open(os.path.join(directory, "daemon.log"), "wb") as log:
            daemon = common.start_daemon(conf, env, command=command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + args.timeout
        seen = 0
        while True:
            time.sleep(args.poll)
            seen = imported(args.birdc, socket_path) or 0
            if seen >= count:
                done = time.time()
                break
            if daemon.poll() is not None:
                raise RuntimeError(f"the daemon exited with {daemon.returncode} ({seen} routes imported)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"timeout: {seen} of {count} routes imported")
        result["daemon_cpu_s"], result["daemon_peak_rss_mb"] = (round(value, 2) for value in proc_stat(daemon.pid))
        result["bird_cpu_s"] = round(proc_stat(bird.pid)[0], 2)
        with open(mark) as data:
            first, last = (float(value) for value in data.read().split())
        result["seconds"] = round(done - first, 3)
        result["helper_write_s"] = round(last - first, 3)
        result["routes_per_s"] = round(count / result["seconds"])
    except (RuntimeError, OSError, ValueError) as error:
        result["error"] = str(error)
    finally:
        stop(daemon)
        stop(bird)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--routes", type=int, action="append", help="routes to announce (repeatable)")
    parser.add_argument("--reference", action="store_true", help="measure ExaBGP 5.0.15 instead of ours")
    parser.add_argument("--reference-cmd", help="the reference daemon (default: the oracle of qa.oracle)")
    parser.add_argument("--reference-routes", type=int, help="also measure 5.0.15 with this many routes (ratio)")
    parser.add_argument("--bird", default=shutil.which("bird") or "/usr/sbin/bird")
    parser.add_argument("--birdc", default=shutil.which("birdc") or "/usr/sbin/birdc")
    parser.add_argument("--port", type=int, default=1791)
    parser.add_argument("--poll", type=float, default=0.05, help="seconds between two BIRD queries")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json-out", help="also write the results to this file")
    args = parser.parse_args(argv)
    sizes = [(count, args.reference) for count in args.routes or [100000]]
    if args.reference_routes and not args.reference:
        sizes.append((args.reference_routes, True))
    results = []
    for count, reference in sizes:
        directory = tempfile.mkdtemp(prefix="api-outbound-")
        results.append(run_one(count, argparse.Namespace(**{**vars(args), "reference": reference}), directory))
        if "error" not in results[-1]:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            say(f"kept {directory} for inspection")
    theirs = next((r for r in results if r["daemon"] != "ours" and "error" not in r), None)
    for result in results:
        if theirs is not None and result["daemon"] == "ours" and "error" not in result:
            per_route = result["seconds"] / result["routes"]
            result["ratio_to_reference"] = round(per_route / (theirs["seconds"] / theirs["routes"]), 4)
        print(json.dumps(result), flush=True)
    for result in results:
        say(
            f"{result['daemon']:>14} {result['routes']:>8} routes: "
            + (
                f"{result['seconds']:8.3f} s  {result['routes_per_s']:>8} routes/s  daemon {result['daemon_cpu_s']} "
                f"CPU s, {result['daemon_peak_rss_mb']} MB peak; BIRD {result['bird_cpu_s']} CPU s"
                + (f"; per route {result['ratio_to_reference']} of 5.0.15's" if "ratio_to_reference" in result else "")
                if "error" not in result
                else result["error"]
            )
        )
    if args.json_out:
        with open(args.json_out, "w") as out:
            json.dump(results, out, indent=1)
            out.write("\n")
    return 0 if all("error" not in result for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
