"""A full table handed to an API helper as JSON, side by side with BIRD and the helper alone (issue 4).

    python benchmarks/api_fulltable.py [--corpus PATH | --v4 N --v6 N] [--runs 1] [--reference-corpus PATH]
                                       [--no-bird] [--port 1790] [--json-out PATH]

Every row is one ``../shared/bench/measure.py`` run (medians of ``--runs``)
or one timing of the helper alone, all on the same corpus and in one go:

* ``sink alone`` / ``sink --fast alone``: ``sink.py`` reading from a file
  the very JSON lines our daemon writes for the corpus (rendered here with
  the daemon's encoder, `exabgp.api.encoder.JsonEncoder`): the least time a
  daemon feeding this helper can take;
* ``sink --fast piped``: the same lines given by ``cat`` through a pipe
  (what reading a pipe written by another process costs the helper: more
  than reading a file);
* ``ours``: our daemon (``python -m exabgp``, the installed package else
  this source tree) with ``adj-rib-in false`` added to measure.py's
  configuration, reporting to ``sink.py``, then to ``sink.py --fast``;
* ``ours adj-rib-in``: measure.py's configuration as generated (5.0's
  default, ``adj-rib-in true``), with ``sink.py``;
* ``bird``: BIRD 2 importing the same table (``--receiver bird``);
* ``exabgp 5.0.15`` (with ``--reference-corpus``, which may be smaller:
  5.0.15 needs minutes for the full table) with ``sink.py``.

Reported: ``wall_s`` (first byte fed -> last route at the helper),
``cpu_s`` (the receiver's process tree, helper included), ``cpu_main_s``
(the daemon alone) and ``peak_rss_mb`` (the daemon); and the ratios to the
references measured in the same run (`FLOORS`): ``ratio_to_floor``, the
wall time of an ``ours`` row over the time its helper alone needs to read
the same lines (``sink_s``: its first line to its last route, start-up
left out), and ``ratio_to_bird``, over BIRD's import.  One JSON line per
row on stdout, the table on stderr.

``--exec-daemon CONFIG`` is the command measure.py runs for ``ours``: it adds
``adj-rib-in false;`` to the neighbor of CONFIG and replaces itself (same
process) with the daemon.
"""

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

import common
from common import BENCH, package_parent


def say(text: str) -> None:
    print(f"api_fulltable: {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def exec_daemon(config: str) -> None:
    """Run our daemon on `config` with ``adj-rib-in false`` (replaces this process)."""
    with open(config) as source:
        text = source.read()
    head, brace, rest = text.partition("neighbor ")
    name, opening, body = rest.partition("{\n")
    if not opening:
        raise SystemExit(f"no neighbor block in {config}")
    path = config + ".no-adj-rib-in"
    with open(path, "w") as out:
        out.write(f"{head}{brace}{name}{opening}    adj-rib-in false;\n{body}")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (os.environ.get("PYTHONPATH"), package_parent())))
    os.execv(sys.executable, [sys.executable, "-m", "exabgp", "server", path])


#: each of our rows and the helper-alone row that is its floor
FLOORS = {"ours": "sink alone", "ours sink --fast": "sink --fast alone", "ours adj-rib-in": "sink alone"}


def ratios(results: list) -> None:
    """Add to our rows their ratio to their floor and to BIRD (rows of the same run)."""
    by_row = {result["row"]: result for result in results if "error" not in result}
    bird = by_row.get("bird", {}).get("wall_s")
    for row, floor in FLOORS.items():
        ours = by_row.get(row)
        if ours is None:
            continue
        if by_row.get(floor, {}).get("sink_s"):
            ours["ratio_to_floor"] = round(ours["wall_s"] / by_row[floor]["sink_s"], 4)
        if bird:
            ours["ratio_to_bird"] = round(ours["wall_s"] / bird, 4)


def daemon_commands() -> tuple:
    """measure.py's ``--cmd`` for our daemon: with ``adj-rib-in false`` added, and as configured."""
    ours = f"{shlex.quote(sys.executable)} {shlex.quote(os.path.abspath(__file__))} --exec-daemon {{config}}"
    default = f"env PYTHONPATH={shlex.quote(package_parent())} {shlex.quote(sys.executable)} -m exabgp {{config}}"
    return ours, default


def write_json_lines(corpus: str, sidecar: dict, path: str) -> int:
    """The JSON lines our daemon sends its helper for `corpus`, written to `path`; returns the line count."""
    sys.path.insert(0, package_parent())
    from exabgp import _codec
    from exabgp.api.encoder import Channel, JsonEncoder
    from exabgp.api.envelope import DaemonFields, NeighborFields
    from exabgp.bgp.message import decode_message
    from exabgp.cli.decode import negotiated
    from exabgp.config.neighbor import parse
    from exabgp.cli.decode import synthetic_configuration

    families = sidecar["session"]["families"]
    configuration = parse(
        synthetic_configuration("; ".join(families), bool(sidecar["session"]["add_path"])), "<benchmark>"
    )
    ctx = negotiated(configuration.neighbors[0])
    encoder = JsonEncoder(DaemonFields("bench", os.getpid(), os.getppid()))
    neighbor = NeighborFields("127.0.0.2", "127.0.0.1", 65000, sidecar["session"]["peer_as"], "127.0.0.2")
    with open(corpus, "rb") as data:
        messages, _ = _codec.split_messages(data.read(), ctx.max_message_size)
    count = 0
    with open(path, "w") as out:
        for msg_type, body in messages:
            update = decode_message(msg_type, body, ctx)
            out.write(encoder.update(time.time(), Channel(neighbor, "receive"), update, ctx, b"", body))
            count += 1
    return count


def sink_alone(lines: str, routes: int, fast: bool, workdir: str, piped: bool = False) -> dict:
    """sink.py reading `lines` from a file (or, `piped`, from ``cat`` through a pipe): wall and CPU seconds.

    ``wall_s`` counts the sink's start-up too; ``sink_s`` is the sink's own
    time from its first UPDATE line to the last route, the figure to put
    beside measure.py's ``wall_s`` (first byte fed -> last route at the
    sink) when the corpus is small enough for start-up to matter.
    """
    row = f"sink{' --fast' if fast else ''} {'piped' if piped else 'alone'}"
    report = os.path.join(workdir, f"{row.replace(' ', '-')}.json")
    command = [sys.executable, os.path.join(BENCH, "sink.py"), "--expect", str(routes), "--report", report]
    if fast:
        command.append("--fast")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    if piped:
        with subprocess.Popen(["cat", lines], stdout=subprocess.PIPE) as cat:
            subprocess.run(command, stdin=cat.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    else:
        with open(lines, "rb") as source:
            subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.time() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(report) as data:
        report = json.load(data)
    announced = report.get("announced")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {
        "row": row,
        "wall_s": round(wall, 3),
        "sink_s": report.get("seconds"),
        "cpu_s": round(cpu, 2),
        **({} if announced == routes else {"error": f"sink counted {announced} routes"}),
    }


def measure(row: str, receiver: str, corpus: str, args, workdir: str, cmd: str = "", sink_args: str = "") -> dict:
    """One measure.py invocation: the median of its runs."""
    out = os.path.join(workdir, f"{row.replace(' ', '-').replace('/', '')}.json")
    command = [
        sys.executable,
        os.path.join(BENCH, "measure.py"),
        "--receiver",
        receiver,
        "--corpus",
        corpus,
        "--runs",
        str(args.runs),
        "--port",
        str(args.port),
        "--timeout",
        str(args.timeout),
        "--json-out",
        out,
        "--workdir",
        os.path.join(workdir, row.replace(" ", "-")),
    ]
    if cmd:
        command += ["--cmd", cmd]
    if sink_args:
        command.append(f"--sink-args={sink_args}")
    say(f"{row}: {' '.join(shlex.quote(part) for part in command)}")
    subprocess.run(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    try:
        with open(out) as data:
            summary = json.load(data)["summary"]
    except (OSError, ValueError, KeyError) as error:
        return {"row": row, "error": f"measure.py gave no result: {error}"}
    result = {"row": row, "corpus": os.path.basename(corpus)}
    for key in ("ok_runs", "wall_s", "cpu_s", "cpu_main_s", "peak_rss_mb"):
        value = summary.get(key)
        if isinstance(value, dict):  # the json-out summary: median, min, max, values
            value = value.get("median")
        if value is not None:
            result[key] = value
    if not summary.get("ok_runs"):
        result["error"] = "no successful run"
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="corpus (with its .json sidecar); default: generate one")
    parser.add_argument("--v4", type=int, default=1000000, help="IPv4 prefixes of a generated corpus")
    parser.add_argument("--v6", type=int, default=220000, help="IPv6 prefixes of a generated corpus")
    parser.add_argument("--runs", type=int, default=1, help="measure.py runs per row (medians)")
    parser.add_argument("--port", type=int, default=1790)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds measure.py gives a run")
    parser.add_argument("--no-bird", action="store_true", help="do not measure BIRD")
    parser.add_argument("--reference-corpus", help="also measure ExaBGP 5.0.15 on this corpus")
    parser.add_argument("--reference-cmd", help="the reference daemon (default: the oracle of qa.oracle)")
    parser.add_argument("--json-out", help="also write every row to this file")
    parser.add_argument(
        "--workdir", help="where configurations, logs and the JSON lines go (default: a new temporary directory)"
    )
    parser.add_argument("--exec-daemon", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.exec_daemon:
        exec_daemon(args.exec_daemon)
    workdir = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="api-fulltable-")
    os.makedirs(workdir, exist_ok=True)
    corpus, sidecar = common.corpus(args.corpus, workdir, args.v4, args.v6, say)
    routes = sidecar["routes"]
    say(f"corpus {corpus}: {routes} routes; work directory {workdir}")
    lines = os.path.join(workdir, "daemon-output.json")
    say(f"{write_json_lines(corpus, sidecar, lines)} JSON lines written to {lines}")
    ours, default = daemon_commands()
    rows = [
        lambda: sink_alone(lines, routes, False, workdir),
        lambda: sink_alone(lines, routes, True, workdir),
        lambda: sink_alone(lines, routes, True, workdir, piped=True),
        lambda: measure("ours", "exabgp", corpus, args, workdir, ours),
        lambda: measure("ours sink --fast", "exabgp", corpus, args, workdir, ours, "--fast"),
        lambda: measure("ours adj-rib-in", "exabgp", corpus, args, workdir, default),
    ]
    if not args.no_bird:
        rows.append(lambda: measure("bird", "bird", corpus, args, workdir))
    if args.reference_corpus:
        rows.append(
            lambda: measure(
                "exabgp 5.0.15",
                "exabgp",
                os.path.abspath(args.reference_corpus),
                args,
                workdir,
                f"{shlex.quote(args.reference_cmd or common.oracle())} {{config}}",
            )
        )
    results = [row() for row in rows]
    ratios(results)
    for result in results:
        print(json.dumps(result), flush=True)
    say(
        f"{'':20} {'corpus':>12} {'wall s':>8} {'CPU s':>7} {'daemon CPU s':>12} {'peak RSS MB':>11} "
        f"{'/ floor':>8} {'/ BIRD':>7}"
    )
    for result in results:
        if "error" in result:
            say(f"{result['row']:20} {result['error']}")
            continue
        say(
            f"{result['row']:20} {result.get('corpus', os.path.basename(corpus)):>12} {result['wall_s']:8.2f} "
            f"{result['cpu_s']:7.2f} {result.get('cpu_main_s', ''):>12} {result.get('peak_rss_mb', ''):>11} "
            f"{result.get('ratio_to_floor', ''):>8} {result.get('ratio_to_bird', ''):>7}"
        )
    if args.json_out:
        with open(args.json_out, "w") as out:
            json.dump({"corpus": os.path.basename(corpus), "routes": routes, "rows": results}, out, indent=1)
            out.write("\n")
    return 0 if all("error" not in result for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
