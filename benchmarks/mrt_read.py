"""Reading a full-table MRT file: `exabgp mrt` (-m, JSON, columns) against `bgpdump -m` and pybgpkit, in one run.

The MRT files are the twins ``../shared/bench/gen_corpus.py`` writes beside
its corpus (``--mrt``: BGP4MP MESSAGE_AS4 updates; ``--rib``: a
TABLE_DUMP_V2 RIB dump), built once in a temporary directory (or given with
``--mrt``).  Each round runs, one after the other so that all see the same
load of the machine, ``bgpdump -m FILE``, ``exabgp mrt -m FILE`` and
``exabgp mrt FILE`` and ``exabgp.mrt.columns(FILE)`` (numpy columns, in a
fresh interpreter: its start and imports are counted), and pybgpkit-parser
(``pybgpkit_parser.Parser(url=FILE)`` iterated to the end in a fresh
interpreter, `qa.bgpkit.COUNT`: one Python object per route, as its users
read), their output to /dev/null; before timing, the ``-m`` output is
compared with bgpdump's line for line, and the number of column rows and
of pybgpkit's routes with the number of route lines (a difference stops the
benchmark, exit 1: all must do the same work).  The table gives the median
wall time and CPU seconds (user + system of the child) of the rounds and
the ratios bgpdump / ours and pybgpkit / ours (above 1: ours is faster;
issue 12 asks for 3 against bgpdump, 10 against pybgpkit).  bgpdump's
default output, every record in full (``bgpdump FILE``, "bgpdump
(records)"), is timed too: ``-m`` and pybgpkit skip the records that are
not routes (OPEN, KEEPALIVE, NOTIFICATION, state changes), where the JSON
lines print each as 5.0's line, so on files made mostly of them that is
the JSON lines' like-for-like contender.  The
interpreter of ``--ours`` (its directory's ``python``) must import
``pybgpkit_parser`` (``pip install --only-binary :all:
pybgpkit-parser==0.6.2``).

    python benchmarks/mrt_read.py [--v4 1000000] [--v6 220000] [--runs 3] [--mrt FILE] [--json-out FILE]

The defaults are the full table of the issue (1.22 M routes); CI-sized runs
take ``--v4 20000 --v6 5000``.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from qa.bgpkit import COUNT  # noqa: E402 (the repository's qa package, by path)
from qa.reference import SHARED  # noqa: E402


def timed(command) -> tuple:
    """(wall seconds, CPU seconds of the child) of `command`, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: the columns measurement: a whole file into numpy arrays, the number of rows printed
_COLUMNS = "import sys; from exabgp import mrt; print(len(mrt.columns(sys.argv[1])))"


def output(command) -> bytes:
    return subprocess.run(command, capture_output=True, check=True).stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--v4", type=int, default=1000000)
    parser.add_argument("--v6", type=int, default=220000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mrt", help="an MRT file to read instead of gen_corpus.py's (both --mrt and --rib twins)")
    parser.add_argument("--ours", default=os.path.join(os.path.dirname(sys.executable), "exabgp"))
    parser.add_argument("--json-out", help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    bgpdump = shutil.which("bgpdump")
    if bgpdump is None:
        print("bgpdump is not installed (Debian: apt-get install bgpdump)", file=sys.stderr)
        return 1
    python = os.path.join(os.path.dirname(args.ours), "python")
    if subprocess.run([python, "-c", "import pybgpkit_parser"], capture_output=True).returncode:
        print(
            f"{python} can not import pybgpkit_parser: pip install --only-binary :all: pybgpkit-parser==0.6.2",
            file=sys.stderr,
        )
        return 1
    with tempfile.TemporaryDirectory() as directory:
        if args.mrt:
            files = [args.mrt]
        else:
            generator = SHARED / "bench" / "gen_corpus.py"
            if not generator.is_file():
                print(f"gen_corpus.py is not at {generator}", file=sys.stderr)
                return 1
            files = [os.path.join(directory, "table.mrt"), os.path.join(directory, "table.rib")]
            command = [sys.executable, str(generator), "-o", os.path.join(directory, "table.bgp"), "-q"]
            command += ["--v4", str(args.v4), "--v6", str(args.v6), "--mrt", files[0], "--rib", files[1]]
            subprocess.run(command, check=True)
        results = []
        for path in files:
            theirs = output([bgpdump, "-m", path])
            if output([args.ours, "mrt", "-m", path]) != theirs:
                print(f"{path}: exabgp mrt -m and bgpdump -m differ", file=sys.stderr)
                return 1
            routes = sum(1 for line in theirs.splitlines() if b"|STATE|" not in line)
            columns = [python, "-c", _COLUMNS, path]
            pybgpkit = [python, "-c", COUNT, path]
            if int(output(columns)) != routes:
                print(f"{path}: exabgp.mrt.columns does not give one row per route line", file=sys.stderr)
                return 1
            if int(output(pybgpkit)) != routes:
                print(f"{path}: pybgpkit does not read one route per route line", file=sys.stderr)
                return 1
            commands = {
                "bgpdump -m": [bgpdump, "-m", path],
                "bgpdump (records)": [bgpdump, path],
                "exabgp mrt -m": [args.ours, "mrt", "-m", path],
                "exabgp mrt (json)": [args.ours, "mrt", path],
                "mrt.columns (numpy)": columns,
                "pybgpkit": pybgpkit,
            }
            rounds: dict = {name: [] for name in commands}
            for _ in range(args.runs):
                for name, command in commands.items():
                    rounds[name].append(timed(command))
            lines = theirs.count(b"\n")
            medians = {
                name: (statistics.median(w for w, _c in measured), statistics.median(c for _w, c in measured))
                for name, measured in rounds.items()
            }
            (dump_wall, dump_cpu), (kit_wall, kit_cpu) = medians["bgpdump -m"], medians["pybgpkit"]
            print(f"\n{os.path.basename(path)}: {lines} lines, median of {args.runs}")
            print(f"{'command':<20} {'wall s':>8} {'cpu s':>8} {'bgpdump/x wall':>15} {'cpu':>6}", end="")
            print(f" {'pybgpkit/x wall':>16} {'cpu':>6}")
            for name, (wall, cpu) in medians.items():
                print(f"{name:<20} {wall:8.2f} {cpu:8.2f} {dump_wall / wall:15.2f} {dump_cpu / cpu:6.2f}", end="")
                print(f" {kit_wall / wall:16.2f} {kit_cpu / cpu:6.2f}")
                results.append(
                    {"file": os.path.basename(path), "lines": lines, "command": name, "wall": wall, "cpu": cpu}
                )
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
