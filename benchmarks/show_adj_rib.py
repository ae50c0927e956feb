"""``exabgp-cli show adj-rib in`` on a full table: time to the last line, memory, stalls (issue 9, hole 2).

    python benchmarks/show_adj_rib.py [--corpus PATH | --v4 N --v6 N]
                                      [--reference-corpus PATH | --reference-v4 N --reference-v6 N]
                                      [--no-reference] [--port 1790] [--json-out PATH]

For each daemon (ours on the corpus; ExaBGP 5.0.15, `qa.oracle`, on the
reference corpus, smaller by default: 5.0.15 is slow) in a temporary work
directory holding its CLI FIFOs (``run/<pipename>.{in,out}``, found through
``EXABGP_ROOT``):

1. the daemon runs a passive neighbor 127.0.0.1 (listening on
   127.0.0.2:PORT, ``adj-rib-in true``, the corpus's families) and a helper,
   ``probe``, that asks ``show neighbor summary`` every 10 ms once told to
   and records how long each answer took;
2. ``../shared/bench/feeder.py`` feeds the corpus with a hold time of 9 s
   and keeps the session (it exits 4 if the daemon sends no KEEPALIVE for
   9 s, 2 or 3 if the session ends);
3. once ``show neighbor summary`` says every UPDATE was received, the
   probe starts and the daemon's own client (``exabgp cli show adj-rib in``,
   or the words of ``--command``) runs; its output is read as it comes and
   counted.

Reported per daemon: ``routes`` in the table and ``lines`` printed (one per
route),
``last_line_s`` (client started -> its last line), ``first_line_s``,
``rss_before_mb`` / ``rss_peak_mb`` (sampled every 10 ms while the answer
streams) / ``rss_after_mb`` (2 s after the last line) of the daemon,
``probe_max_s`` / ``probe_p99_s`` / ``probe_answers`` (the probe's
questions asked while the answer streamed: the longest wait of a
concurrent command, an upper bound on the longest stall of the daemon's
loop), ``client_stderr`` and ``session_kept`` (the feeder still holds its
session at the end).  With ``--ours-on-reference`` our run on the reference
corpus gets ``ratio_to_reference``: its ``last_line_s`` over 5.0.15's on
the same corpus in the same run.  One JSON line per daemon on stdout,
progress on stderr.
Without ``--corpus`` the full table (1,000,000 IPv4 + 220,000 IPv6) is
generated with ``gen_corpus.py`` into the work directory; without
``--reference-corpus``, one of 100,000 + 20,000.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import common
from common import package_parent, stop, wait_for, write

PIPENAME = "exabgp-bench"

PROBE = r"""
import os, sys, time
folder = sys.argv[1]
while not os.path.exists(os.path.join(folder, "GO")):
    time.sleep(0.01)
with open(os.path.join(folder, "probe.times"), "a") as log:
    while not os.path.exists(os.path.join(folder, "STOP")):
        sent = time.monotonic()
        sys.stdout.write("show neighbor summary\n")
        sys.stdout.flush()
        for line in sys.stdin:
            if line.strip() == "done":
                break
        log.write(f"{sent} {time.monotonic()}\n")
        log.flush()
        time.sleep(0.01)
"""

PROCESS = """process probe {{
    run {python} {folder}/probe.py {folder};
    encoder text;
}}
"""


def say(text: str) -> None:
    print(f"show_adj_rib: {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def rss_mb(pid: int) -> float:
    return round(common.proc_status(pid, "VmRSS") / 1024, 1)


def received(cli: list, env: dict) -> int:
    """UPDATEs received from 127.0.0.1, as ``show neighbor summary`` says (0 when it does not answer)."""
    try:
        out = subprocess.run(
            cli + ["show", "neighbor", "summary"], env=env, capture_output=True, text=True, timeout=30
        ).stdout
    except subprocess.TimeoutExpired:
        return 0
    for line in out.splitlines():
        if line.startswith("127.0.0.1 "):
            return int(line.split()[-1])
    return 0


def run(
    name: str, daemon_cmd: list, cli: list, env: dict, corpus: str, sidecar: dict, port: int, workdir: str, command: str
) -> dict:
    folder = os.path.join(workdir, "".join(c if c.isalnum() or c in "._" else "-" for c in name))
    os.makedirs(os.path.join(folder, "run"))
    for end in ("in", "out"):
        os.mkfifo(os.path.join(folder, "run", f"{PIPENAME}.{end}"), 0o600)
    write(os.path.join(folder, "probe.py"), PROBE)
    config = write(
        os.path.join(folder, "exabgp.conf"),
        PROCESS.format(python=sys.executable, folder=folder) + common.feeder_neighbor(sidecar, port, True),
    )
    env = common.daemon_env(
        env, EXABGP_ROOT=folder, exabgp_api_pipename=PIPENAME, exabgp_api_cli="true", EXABGP_ENVFILE=os.devnull
    )
    result = {"receiver": name, "command": command, "routes": sidecar["routes"]}
    log = open(os.path.join(folder, "daemon.log"), "w")
    daemon = common.start_daemon(config, env, command=daemon_cmd, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    feeder = common.feeder(corpus, port, 9, stdout=subprocess.DEVNULL)
    try:
        say(f"{name}: feeding {sidecar['routes']} routes")
        wait_for(
            lambda: received(cli, env) >= sidecar["messages"],
            1800,
            "the table was not taken",
            daemon,
            feeder,
            interval=1.0,
        )
        time.sleep(2.0)
        result["rss_before_mb"] = rss_mb(daemon.pid)
        open(os.path.join(folder, "GO"), "w").close()
        time.sleep(0.5)
        say(f"{name}: {command}")
        samples, streaming = [], threading.Event()
        streaming.set()

        def sample() -> None:
            while streaming.is_set():
                samples.append(rss_mb(daemon.pid))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        client = subprocess.Popen(
            cli + command.split(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
        )
        lines, first, last = 0, None, None
        while True:
            data = client.stdout.read(1 << 20)
            if not data:
                break
            now = time.monotonic()
            first = first or now
            last = now
            lines += data.count(b"\n")
        client.wait(60)
        streaming.clear()
        sampler.join()
        open(os.path.join(folder, "STOP"), "w").close()
        result["lines"] = lines
        result["first_line_s"] = round(first - started, 3) if first else None
        result["last_line_s"] = round(last - started, 3) if last else None
        result["client_stderr"] = client.stderr.read().decode(errors="replace").strip()[:300]
        result["rss_peak_mb"] = max(samples) if samples else None
        time.sleep(2.0)
        result["rss_after_mb"] = rss_mb(daemon.pid)
        with open(os.path.join(folder, "probe.times")) as times:
            waits = [
                end - sent
                for sent, end in (map(float, line.split()) for line in times)
                if started <= sent <= (last or started)
            ]
        result["probe_answers"] = len(waits)
        result["probe_max_s"] = round(max(waits), 3) if waits else None
        result["probe_p99_s"] = (
            round(statistics.quantiles(waits, n=100, method="inclusive")[98], 3) if len(waits) >= 2 else None
        )
        result["session_kept"] = feeder.poll() is None
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as error:
        result["error"] = str(error)
    finally:
        stop(feeder)
        stop(daemon, 20)
        log.close()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="corpus for our daemon (with its .json sidecar); default: generated")
    parser.add_argument("--v4", type=int, default=1000000)
    parser.add_argument("--v6", type=int, default=220000)
    parser.add_argument("--reference-corpus", help="corpus for ExaBGP 5.0.15; default: generated")
    parser.add_argument("--reference-v4", type=int, default=100000)
    parser.add_argument("--reference-v6", type=int, default=20000)
    parser.add_argument("--no-reference", action="store_true", help="do not measure ExaBGP 5.0.15")
    parser.add_argument("--ours-on-reference", action="store_true", help="also run our daemon on the reference corpus")
    parser.add_argument("--command", default="show adj-rib in", help="the command measured (default: %(default)s)")
    parser.add_argument("--port", type=int, default=1790)
    parser.add_argument("--json-out", help="also write the results to this file")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="show-adj-rib-")
    try:
        corpus, sidecar = common.corpus(args.corpus, workdir, args.v4, args.v6, say)
        ours_env = {key: value for key, value in os.environ.items() if not key.lower().startswith("exabgp")}
        ours = ([sys.executable, "-m", "exabgp", "server"], [sys.executable, "-m", "exabgp", "cli"])
        ours_env["PYTHONPATH"] = package_parent()
        runs = [("ours", ours, ours_env, corpus, sidecar)]
        if not args.no_reference:
            folder = os.path.join(workdir, "reference")
            os.makedirs(folder)
            reference, reference_sidecar = common.corpus(
                args.reference_corpus, folder, args.reference_v4, args.reference_v6, say
            )
            oracle = common.oracle("exabgp")
            oracle_env = {key: value for key, value in ours_env.items() if key != "PYTHONPATH"}
            if args.ours_on_reference:
                runs.append(("ours (reference corpus)", ours, ours_env, reference, reference_sidecar))
            runs.append(("exabgp 5.0.15", ([oracle], [oracle, "cli"]), oracle_env, reference, reference_sidecar))
        results = []
        for name, (daemon_cmd, cli), env, table, table_sidecar in runs:
            results.append(run(name, daemon_cmd, cli, env, table, table_sidecar, args.port, workdir, args.command))
            time.sleep(1.0)
        by_name = {result["receiver"]: result for result in results}
        same, reference = by_name.get("ours (reference corpus)"), by_name.get("exabgp 5.0.15")
        if same and reference and same.get("last_line_s") and reference.get("last_line_s"):
            same["ratio_to_reference"] = round(same["last_line_s"] / reference["last_line_s"], 4)
        for result in results:
            print(json.dumps(result), flush=True)
        if args.json_out:
            with open(args.json_out, "w") as out:
                json.dump(results, out, indent=1)
                out.write("\n")
        return 0 if all("error" not in result for result in results) else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
