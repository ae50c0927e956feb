"""Regression guard: run the benchmarks with their references, save the result, compare with a baseline.

    python benchmarks/regress.py run [--full | --v4 N --v6 N | --corpus PATH] [--rounds 7] [--only GROUPS]
                                     [--out PATH] [--compare BASELINE]
    python benchmarks/regress.py compare BASELINE RESULT [--min-threshold 0.05]

``run`` measures five groups of workloads, each with the reference its own
benchmark script compares with, in ``--rounds`` rounds: in every round each
workload and its reference run once, one after the other, so that a ratio
pairs two measurements made under the same load of the machine.  The
in-process groups (``decode``, ``startup``) count CPU seconds, user +
system, which the other work of a shared machine stretches far less than
wall time; the daemon groups count wall time (their work spans processes,
pipes and sockets):

* ``decode``: `compare_reference.py`'s drivers, one process per pass set:
  ``decode lazy``, ``decode full`` and ``decode json`` on each twin
  (``(c)``, ``(py)``), each against ExaBGP 5.0.15 decoding the same corpus
  (``json`` against its JSON lines; ``lazy`` against its full decode, it
  has no lazy one); a driver does ``--passes`` passes, the round's value is
  the CPU seconds of the fastest of them (the least disturbed by the other
  work of the machine: load only ever adds time);
* ``startup``: `startup.py`: ``exabgp version``, ``decode HEX`` and
  ``validate FILE`` against the same command of 5.0.15 (``--startup-runs``
  pairs), the CPU seconds of each process;
* ``ingest``: `ingest.py`: our daemon taking the corpus with ``adj-rib-in
  false`` and ``true``, against BIRD 2 taking it (``measure.py``);
* ``fulltable``: `api_fulltable.py`: our daemon handing every UPDATE of the
  corpus to ``sink.py`` (and ``sink.py --fast``; and with ``adj-rib-in
  true``) against the helper alone reading the very same lines from a file:
  the floor of that helper;
* ``outbound``: `api_outbound.py`: a helper's ``--outbound-routes``
  ``announce route`` lines until BIRD holds them all, against ExaBGP 5.0.15
  doing ``--outbound-reference-routes`` (per route: 5.0.15 is slow).

The result goes to ``--out`` (default ``benchmarks/results/DATE-COMMIT-SIZE.json``),
in the format of `results.py`, with the commit, the machine's facts and
its load averages.  ``compare`` (or ``run --compare``) prints one verdict
per workload and exits 1 when one regressed beyond the noise both runs
measured (`results.compare`), naming it; 2 when the runs are not
comparable (another corpus).  BENCHMARKS.md, "Regressions", has the rules.
"""

import argparse
import datetime
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
REFERENCE = "exabgp 5.0.15"
SMALL = (20000, 5000)
FULL = (1000000, 220000)
#: the defaults of the two corpora the baselines are measured on (the full table's passes are long)
DEFAULTS = {
    "small": {"rounds": 7, "passes": 5, "outbound_routes": 20000, "outbound_reference_routes": 2000},
    "full": {"rounds": 3, "passes": 1, "outbound_routes": 100000, "outbound_reference_routes": 10000},
}


def say(text: str) -> None:
    print(f"regress: {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


class Failed(RuntimeError):
    """A measurement that did not do its work (a count off, a daemon that did not start)."""


class Run:
    """What every group needs: the corpus, a work directory, the rounds and the series measured so far."""

    def __init__(self, options, corpus: str, sidecar: dict, workdir: Path) -> None:
        self.options = options
        self.corpus = corpus
        self.sidecar = sidecar
        self.workdir = workdir
        self.series: dict = {}
        self.units: dict = {}
        self.loads: dict = {}

    def add(self, name: str, unit: str, value: float) -> None:
        self.series.setdefault(name, []).append(value)
        self.units[name] = unit

    def folder(self, *parts) -> str:
        path = self.workdir.joinpath(*("".join(c if c.isalnum() or c in "._" else "-" for c in str(p)) for p in parts))
        path.mkdir(parents=True, exist_ok=True)
        return str(path)


# ---------------------------------------------------------------- the groups


def group_decode(run: Run) -> dict:
    import compare_reference

    drivers = argparse.Namespace(reference_python=None, python=sys.executable)
    passes = run.options.passes

    def driver(name: str, mode: str) -> float:
        result = compare_reference.run_driver(name, drivers, Path(run.corpus), mode, passes, run.workdir)
        if not compare_reference.counts_match(result, run.sidecar):
            raise Failed(f"{name} {mode}: {result['messages']} messages / {result['prefixes']} prefixes counted")
        return min(result["cpu_seconds"])  # the least disturbed pass: load only ever adds time

    for number in range(run.options.rounds):
        say(f"decode: round {number + 1}/{run.options.rounds}")
        for mode in ("decode", "json"):
            run.add(f"{REFERENCE} {mode}", "s", driver(REFERENCE, mode))
        for twin in ("c", "py"):
            for mode, label in (("lazy", "decode lazy"), ("decode", "decode full"), ("json", "decode json")):
                run.add(f"{label} ({twin})", "s", driver(f"ours ({twin})", mode))
    return {
        f"{label} ({twin})": f"{REFERENCE} {mode}"
        for twin in ("c", "py")
        for label, mode in (("decode lazy", "decode"), ("decode full", "decode"), ("decode json", "json"))
    }


def group_startup(run: Run) -> dict:
    import startup
    from common import oracle

    say(f"startup: {run.options.startup_runs} rounds of 3 commands, ours then 5.0.15")
    times = startup.compare(str(Path(sys.executable).with_name("exabgp")), oracle(), run.options.startup_runs)
    for command, pair in times.items():
        for ours, theirs in zip(pair["ours_cpu"], pair["reference_cpu"], strict=True):
            run.add(f"startup {command}", "s", ours)
            run.add(f"{REFERENCE} startup {command}", "s", theirs)
    return {f"startup {command}": f"{REFERENCE} startup {command}" for command in times}


def group_ingest(run: Run) -> dict:
    import ingest
    from common import free_port

    for number in range(run.options.rounds):
        say(f"ingest: round {number + 1}/{run.options.rounds}")
        for adj_rib_in in (False, True):
            result = ingest.run_ours(
                run.corpus, run.sidecar, free_port("127.0.0.2"), adj_rib_in, run.folder("ingest", number), 600
            )
            if "error" in result:
                raise Failed(f"ingest adj-rib-in {str(adj_rib_in).lower()}: {result['error']}")
            run.add(f"ingest adj-rib-in {str(adj_rib_in).lower()}", "s", result["ingest_s"])
        bird = ingest.run_bird(run.corpus, free_port("127.0.0.2"), run.folder("ingest", number, "bird"))
        if "error" in bird or not bird.get("ingest_s"):
            raise Failed(f"BIRD ingest: {bird.get('error', 'no time')}")
        run.add("bird ingest", "s", bird["ingest_s"])
    return {"ingest adj-rib-in false": "bird ingest", "ingest adj-rib-in true": "bird ingest"}


def group_fulltable(run: Run) -> dict:
    import api_fulltable
    from common import free_port

    lines = os.path.join(run.folder("fulltable"), "daemon-output.json")
    api_fulltable.write_json_lines(run.corpus, run.sidecar, lines)
    routes = run.sidecar["routes"]
    ours, default = api_fulltable.daemon_commands()
    rows = (
        ("fulltable ours sink", ours, "", "sink alone"),
        ("fulltable ours sink --fast", ours, "--fast", "sink --fast alone"),
        ("fulltable ours adj-rib-in sink", default, "", "sink alone"),
    )
    for number in range(run.options.rounds):
        say(f"fulltable: round {number + 1}/{run.options.rounds}")
        folder = run.folder("fulltable", number)
        for fast in (False, True):
            alone = api_fulltable.sink_alone(lines, routes, fast, folder)
            if "error" in alone:
                raise Failed(f"{alone['row']}: {alone['error']}")
            run.add(alone["row"], "s", alone["sink_s"])
        for row, command, sink_args, _ in rows:
            settings = argparse.Namespace(runs=1, port=free_port("127.0.0.2"), timeout=600.0)
            result = api_fulltable.measure(row, "exabgp", run.corpus, settings, folder, command, sink_args)
            if "error" in result:
                raise Failed(f"{row}: {result['error']}")
            run.add(row, "s", result["wall_s"])
    return {row: reference for row, _, _, reference in rows}


def group_outbound(run: Run) -> dict:
    import api_outbound
    from common import free_port

    ours_routes, their_routes = run.options.outbound_routes, run.options.outbound_reference_routes
    name, reference = f"outbound {ours_routes} routes", f"{REFERENCE} outbound {their_routes} routes"
    for number in range(run.options.rounds):
        say(f"outbound: round {number + 1}/{run.options.rounds}")
        for label, count, is_reference in ((name, ours_routes, False), (reference, their_routes, True)):
            settings = argparse.Namespace(
                reference=is_reference,
                reference_cmd=None,
                bird=shutil.which("bird") or "bird",
                birdc=shutil.which("birdc") or "birdc",
                port=free_port("127.0.0.3"),
                poll=0.05,
                timeout=600.0,
            )
            result = api_outbound.run_one(count, settings, run.folder("outbound", number, label))
            if "error" in result:
                raise Failed(f"{label}: {result['error']}")
            run.add(label, "us/route", result["seconds"] / count * 1e6)
    return {name: reference}


GROUPS = {
    "decode": group_decode,
    "startup": group_startup,
    "ingest": group_ingest,
    "fulltable": group_fulltable,
    "outbound": group_outbound,
}


# ---------------------------------------------------------------- the record


def git(*arguments) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def machine() -> dict:
    """Facts about the machine and the programs measured, for the reader of a result file."""
    cpu = ""
    memory = 0
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
        with open("/proc/meminfo") as info:
            memory = next((int(line.split()[1]) // 1024 for line in info if line.startswith("MemTotal:")), 0)
    except OSError:
        pass
    bird = shutil.which("bird")
    bird_version = ""
    if bird:
        done = subprocess.run([bird, "--version"], capture_output=True, text=True, check=False)
        bird_version = (done.stdout + done.stderr).strip().splitlines()[0] if done.stdout + done.stderr else ""
    return {
        "host": socket.gethostname(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "bird": bird_version,
    }


def package() -> str:
    import exabgp
    from exabgp import _codec

    if _codec.IMPLEMENTATION != "c":
        raise SystemExit("regress: the compiled twins are not loaded: build them first (README, 'Installing')")
    return f"{exabgp.DISTRIBUTION} {exabgp.__version__}"


def label(v4: int, v6: int) -> str:
    return {SMALL: "small", FULL: "full"}.get((v4, v6), f"{v4}-{v6}")


def revision() -> dict:
    """The commit measured, read when the run starts (edits made while it runs are not measured)."""
    return {
        "commit": git("rev-parse", "HEAD"),
        "describe": git("describe", "--always", "--dirty"),
        "package_commit": git("log", "-1", "--format=%H", "--", "exabgp", "setup.py", "pyproject.toml"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def record(run: Run, pairs: dict, started: str, commit: dict) -> dict:
    parameters = run.sidecar["parameters"]
    references = {name: results.summary(run.units[name], run.series[name]) for name in sorted(set(pairs.values()))}
    workloads = {
        name: results.workload(run.units[name], run.series[name], reference, run.series[reference])
        for name, reference in pairs.items()
    }
    return {
        "format": results.FORMAT,
        **commit,
        "package": package(),
        "date": started,
        "machine": machine(),
        "load": run.loads,
        "corpus": {
            "v4": parameters["v4"],
            "v6": parameters["v6"],
            "label": label(parameters["v4"], parameters["v6"]),
            "messages": run.sidecar["messages"],
            "routes": run.sidecar["routes"],
            "bytes": run.sidecar["bytes"],
            "sha256": run.sidecar["files"]["corpus"]["sha256"],
        },
        "rounds": run.options.rounds,
        "settings": {
            "groups": list(run.options.only),
            "passes": run.options.passes,
            "startup_runs": run.options.startup_runs,
            "outbound_routes": run.options.outbound_routes,
            "outbound_reference_routes": run.options.outbound_reference_routes,
        },
        "references": references,
        "workloads": workloads,
    }


def table(record: dict) -> str:
    lines = [f"{'workload':<34} {'unit':>8} {'median':>10} {'noise':>7}  {'ratio to reference':>20} {'noise':>7}"]
    for name, entry in record["workloads"].items():
        ratio = f"{entry['ratio']:.4g}" if "ratio" in entry else ""
        ratio_noise = f"{entry['ratio_noise']:.1%}" if "ratio" in entry else ""
        lines.append(
            f"{name:<34} {entry['unit']:>8} {entry['median']:10.4g} {entry['noise']:7.1%}  {ratio:>20} {ratio_noise:>7}"
        )
    for name, entry in record["references"].items():
        lines.append(f"{name + ' (reference)':<34} {entry['unit']:>8} {entry['median']:10.4g} {entry['noise']:7.1%}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the commands


def command_run(options) -> int:
    os.environ["EXABGP_REQUIRE_EXTENSIONS"] = "1"  # our daemons and drivers: the compiled twins or nothing
    os.environ.pop("EXABGP_NO_EXTENSIONS", None)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    package()
    commit = revision()
    v4, v6 = FULL if options.full else (options.v4, options.v6)
    workdir = Path(tempfile.mkdtemp(prefix="exabgp-regress-"))
    try:
        from common import corpus as make_corpus

        corpus, sidecar = make_corpus(options.corpus, str(workdir), v4, v6, say)
        run = Run(options, corpus, sidecar, workdir)
        pairs = {}
        for name in options.only:
            run.loads[f"{name} before"] = list(os.getloadavg())
            pairs.update(GROUPS[name](run))
            run.loads[f"{name} after"] = list(os.getloadavg())
        result = record(run, pairs, started, commit)
    except Failed as error:
        say(f"FAILED: {error} (work directory kept: {workdir})")
        return 2
    except BaseException:  # an interruption or a bug: the corpus and the logs are not kept
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    out = (
        options.out
        or RESULTS / f"{started[:16].replace(':', '')}-{result['commit'][:7]}-{result['corpus']['label']}.json"
    )
    results.save(result, Path(out))
    print(table(result))
    print(f"saved {out}")
    if result["dirty"]:
        say("the working tree has uncommitted changes: the result names a commit it does not exactly measure")
    if options.compare:
        return report(results.load(options.compare), result, options.min_threshold)
    return 0


def report(baseline: dict, result: dict, min_threshold: float) -> int:
    """Print the verdicts; 0, 1 when a workload regressed, 2 when the runs are not comparable."""
    try:
        verdicts, gone, new = results.compare(baseline, result, min_threshold)
    except results.Incomparable as error:
        print(f"regress: cannot compare: {error}")
        return 2
    print(f"baseline {baseline['describe']} ({baseline['date']}), result {result['describe']} ({result['date']})")
    for verdict in verdicts:
        print(verdict.line())
    for name in gone:
        print(f"{'not run':<11} {name} (in the baseline only)")
    for name in new:
        print(f"{'new':<11} {name} (not in the baseline)")
    regressions = [verdict.name for verdict in verdicts if verdict.outcome == "regression"]
    if regressions:
        print(f"regress: FAILED: slower than the baseline beyond the noise: {', '.join(regressions)}")
        return 1
    print(f"regress: OK: {len(verdicts)} workloads, none slower than the baseline beyond the noise")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="measure, save the result (and compare it with --compare)")
    run.add_argument("--full", action="store_true", help="the full table (1,000,000 + 220,000 prefixes)")
    run.add_argument("--v4", type=int, default=SMALL[0], help="IPv4 prefixes of the generated corpus (20000)")
    run.add_argument("--v6", type=int, default=SMALL[1], help="IPv6 prefixes of the generated corpus (5000)")
    run.add_argument("--corpus", help="a corpus already generated (with its .json sidecar)")
    run.add_argument("--rounds", type=int, help="rounds: each workload and its reference once (7, full 3)")
    run.add_argument("--passes", type=int, help="decode: passes per driver, the fastest counts (5, full 1)")
    run.add_argument("--startup-runs", type=int, default=15, help="startup: rounds of the three commands (15)")
    run.add_argument("--outbound-routes", type=int, help="outbound: routes our helper announces (20000, full 100000)")
    run.add_argument(
        "--outbound-reference-routes", type=int, help="outbound: routes 5.0.15's helper announces (2000, full 10000)"
    )
    run.add_argument(
        "--only", default=",".join(GROUPS), help=f"comma separated groups (default all: {','.join(GROUPS)})"
    )
    run.add_argument("--out", type=Path, help="result file (default: benchmarks/results/DATE-COMMIT-SIZE.json)")
    run.add_argument("--compare", type=Path, metavar="BASELINE", help="then compare with this result")
    compare = commands.add_parser("compare", help="compare a result with a baseline; exit 1 on a regression")
    compare.add_argument("baseline", type=Path)
    compare.add_argument("result", type=Path)
    for command in (run, compare):
        command.add_argument(
            "--min-threshold",
            type=float,
            default=results.MIN_THRESHOLD,
            help=f"smallest change judged, whatever the noise ({results.MIN_THRESHOLD})",
        )
    options = parser.parse_args(argv)
    if options.command == "compare":
        return report(results.load(options.baseline), results.load(options.result), options.min_threshold)
    for key, value in DEFAULTS["full" if options.full else "small"].items():
        if getattr(options, key) is None:
            setattr(options, key, value)
    options.only = [name for name in options.only.split(",") if name]
    unknown = set(options.only) - set(GROUPS)
    if unknown:
        parser.error(f"unknown groups: {', '.join(sorted(unknown))}")
    return command_run(options)


if __name__ == "__main__":
    sys.exit(main())
