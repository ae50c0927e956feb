"""Side by side: ExaBGP 5.0.15 and this package decoding the same corpus.

One command, one corpus, one run of the comparison.  Every implementation
runs in its own fresh subprocess, started from a temporary working directory:

* ``exabgp 5.0.15``: ``benchmarks/reference_driver.py`` with the reference
  interpreter (``--reference-python``, a virtualenv holding ``pip install
  exabgp==5.0.15``), PYTHONPATH and EXABGP_* removed from its environment so
  it can only import the installed 5.0.15;
* ``ours (c)``: ``benchmarks/workloads.py`` with ``--python`` (default: this
  interpreter) and ``EXABGP_REQUIRE_EXTENSIONS=1``;
* ``ours (py)``: the same with ``EXABGP_NO_EXTENSIONS=1``.

Each driver reads the corpus into memory, then times `--runs` passes over it
(framing included) and reports every pass; the table shows the median,
its speed-up against 5.0.15 and, for the compiled twin, against the pure
one (all measured in the same run: compare ratios, not seconds, between
runs).
Workloads (``--modes``): ``lazy`` (every UPDATE to a lazy message object that
has only split its sections; 5.0 has no lazy decode, so its ``decode`` time
is the baseline, as the issue's targets compare them), ``decode`` (every
UPDATE to its message object with all attributes and NLRI decoded, the work
5.0's ``Update.unpack_message`` does) and ``json`` (decode, then the JSON
line ``exabgp decode`` prints, the envelope included).  The message and prefix counts every driver reports must
equal the corpus sidecar's totals, or the comparison fails.

``--check`` first renders every K-th UPDATE (and every End-of-RIB) with each
implementation and compares the lines as parsed JSON, without the keys that
change from run to run (exabgp, time, host, pid, ppid): proof that the
timed work is the same work.  Exit status: 0, or 1 on a check or count
mismatch, 2 when a driver fails.

Without ``--corpus`` the full default table is generated first (about 15 s)
by ``../shared/bench/gen_corpus.py`` into ``--workdir``.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import BENCH, oracle

HERE = Path(__file__).resolve().parent
GEN_CORPUS = Path(BENCH) / "gen_corpus.py"
VOLATILE = ("exabgp", "time", "host", "pid", "ppid")
REFERENCE = "exabgp 5.0.15"
#: 5.0 decodes every UPDATE whole: its `decode` is the baseline of our `lazy`
REFERENCE_MODE = {"lazy": "decode"}


def driver_command(name: str, args, corpus: Path, mode: str, runs: int):
    """The interpreter, script and environment of one implementation."""
    if name == REFERENCE:
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.upper().startswith("EXABGP")}
        command = [args.reference_python or oracle("python"), str(HERE / "reference_driver.py")]
        mode = REFERENCE_MODE.get(mode, mode)
    else:
        environment = {
            k: v for k, v in os.environ.items() if k not in ("EXABGP_NO_EXTENSIONS", "EXABGP_REQUIRE_EXTENSIONS")
        }
        environment["EXABGP_REQUIRE_EXTENSIONS" if name == "ours (c)" else "EXABGP_NO_EXTENSIONS"] = "1"
        command = [args.python, str(HERE / "workloads.py")]
    return command + [str(corpus), "--mode", mode, "--runs", str(runs)], environment


def run_driver(name: str, args, corpus: Path, mode: str, runs: int, workdir: Path, extra=()):
    command, environment = driver_command(name, args, corpus, mode, runs)
    completed = subprocess.run(
        command + list(extra), cwd=workdir, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(f"{name} driver failed ({completed.returncode}):\n{completed.stderr}")
        raise SystemExit(2)
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    wanted = {"ours (c)": "c", "ours (py)": "py"}.get(name)
    if wanted and result.get("twin") != wanted:
        sys.stderr.write(f"{name}: the driver ran the {result.get('twin')!r} twin ({result.get('module')})\n")
        raise SystemExit(2)
    return result


def counts_match(result: dict, sidecar: dict) -> bool:
    """True when a driver handled every message and (when it counts them) every prefix of the corpus."""
    counted = result["prefixes"] is None or result["prefixes"] == sidecar["routes"]
    return result["messages"] == sidecar["messages"] and counted


def comparable(line: str) -> dict:
    document = json.loads(line)
    for key in VOLATILE:
        document.pop(key, None)
    return document


def check(args, names, corpus: Path, workdir: Path) -> bool:
    """Render the same sample with every implementation; True when all lines agree."""
    samples = {}
    for name in names:
        path = workdir / f"sample-{name.replace(' ', '_').replace('(', '').replace(')', '')}.txt"
        run_driver(
            name, args, corpus, "json", 0, workdir, ("--sample-every", str(args.check_every), "--sample-out", str(path))
        )
        samples[name] = dict(line.rstrip("\n").split("\t", 1) for line in path.read_text().splitlines())
    reference = samples[names[0]]
    good = True
    for name in names[1:]:
        ours = samples[name]
        if set(ours) != set(reference):
            print(f"check: {name} sampled other messages than {names[0]}")
            good = False
            continue
        different = [index for index in reference if comparable(reference[index]) != comparable(ours[index])]
        for index in different[:3]:
            print(f"check: message {index} differs\n  {names[0]}: {reference[index]}\n  {name}: {ours[index]}")
        print(f"check: {name}: {len(ours) - len(different)}/{len(ours)} sampled lines equal to {names[0]}'s")
        good = good and not different
    return good


def generate(workdir: Path) -> Path:
    if not GEN_CORPUS.is_file():
        raise SystemExit(f"no --corpus given and no generator at {GEN_CORPUS}")
    path = workdir / "table.bgp"
    subprocess.run([sys.executable, str(GEN_CORPUS), "-q", "-o", str(path)], check=True)
    return path


def table(rows) -> str:
    header = ("mode", "implementation", "seconds", "messages/s", "prefixes/s", "speed-up vs 5.0.15", "vs pure twin")
    lines = [header]
    for row in rows:
        ratio = "" if row["speedup"] is None else f"{row['speedup']:.2f}x"
        pure = "" if row.get("speedup_vs_py") is None else f"{row['speedup_vs_py']:.2f}x"
        lines.append(
            (
                row["mode"],
                row["implementation"],
                f"{row['seconds']:.3f}",
                f"{row['messages_per_s']:,.0f}",
                f"{row['prefixes_per_s']:,.0f}",
                ratio,
                pure,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip() for line in lines
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="corpus with its .json sidecar (default: generate the full table)")
    parser.add_argument(
        "--reference-python", help="python of the ExaBGP 5.0.15 venv (default: the oracle of qa.oracle)"
    )
    parser.add_argument("--python", default=sys.executable, help="python that imports this package")
    parser.add_argument("--runs", type=int, default=3, help="timed passes per implementation (median shown)")
    parser.add_argument("--modes", default="lazy,decode,json", help="comma separated: lazy, decode, json")
    parser.add_argument("--twins", default="c,py", help="our twins to run, comma separated: c, py")
    parser.add_argument("--no-reference", action="store_true", help="only our twins (no ratio)")
    parser.add_argument("--check", action="store_true", help="first compare the JSON of a sample of messages")
    parser.add_argument("--check-every", type=int, default=97, help="sample every K-th UPDATE for --check")
    parser.add_argument("--json-out", type=Path, help="write all runs and the summary there")
    parser.add_argument("--workdir", type=Path, help="working directory (default: a new temporary one)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="exabgp-compare-"))
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = (args.corpus or generate(workdir)).resolve()
    sidecar = json.loads(corpus.with_name(corpus.name + ".json").read_text())
    names = ([] if args.no_reference else [REFERENCE]) + [f"ours ({twin})" for twin in args.twins.split(",") if twin]
    modes = [mode for mode in args.modes.split(",") if mode]

    print(
        f"corpus {corpus}: {sidecar['messages']:,} messages, {sidecar['routes']:,} prefixes, {sidecar['bytes']:,} octets"
    )
    good = True
    if args.check:
        good = check(args, names, corpus, workdir)

    rows = []
    results = []
    reference_runs = {}
    for mode in modes:
        baseline = None
        for name in names:
            if name == REFERENCE and REFERENCE_MODE.get(mode, mode) in reference_runs:
                result = reference_runs[REFERENCE_MODE.get(mode, mode)]
            else:
                result = run_driver(name, args, corpus, mode, args.runs, workdir)
                result["name"] = name
                results.append(result)
                if name == REFERENCE:
                    reference_runs[REFERENCE_MODE.get(mode, mode)] = result
            if not counts_match(result, sidecar):
                print(
                    f"{mode} {name}: counted {result['messages']} messages / {result['prefixes']} prefixes, "
                    f"the sidecar says {sidecar['messages']} / {sidecar['routes']}"
                )
                good = False
            seconds = statistics.median(result["seconds"])
            if name == REFERENCE:
                baseline = seconds
            rows.append(
                {
                    "mode": mode,
                    "implementation": f"{name} (full decode)" if name == REFERENCE and mode in REFERENCE_MODE else name,
                    "seconds": seconds,
                    "messages_per_s": sidecar["messages"] / seconds,
                    "prefixes_per_s": sidecar["routes"] / seconds,
                    "speedup": None if baseline is None else baseline / seconds,
                }
            )
    for row in rows:  # the compiled twin against the pure one, same mode, same run
        pure = next((r for r in rows if r["mode"] == row["mode"] and r["implementation"] == "ours (py)"), None)
        if row["implementation"] == "ours (c)" and pure is not None:
            row["speedup_vs_py"] = pure["seconds"] / row["seconds"]
    print(f"median of {args.runs} runs")
    print(table(rows))
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {"corpus": str(corpus), "sidecar": sidecar, "runs": args.runs, "results": results, "summary": rows},
                indent=1,
            )
            + "\n"
        )
    if args.workdir is None and args.corpus is not None:
        shutil.rmtree(workdir, ignore_errors=True)
    elif args.corpus is None:
        print(f"generated corpus kept: {corpus}")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
