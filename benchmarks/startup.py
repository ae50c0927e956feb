"""Start-up time of the command line, ours and ExaBGP 5.0.15 side by side in one run.

Three commands, the short ones a user or a script runs many times, and the
start of a daemon with many routes:

* ``exabgp version``;
* ``exabgp decode HEX``: `UPDATE`, an UPDATE with ORIGIN, AS_PATH, NEXT_HOP,
  MED, LOCAL_PREF, COMMUNITIES and two IPv4 prefixes;
* ``exabgp validate FILE``: `CONFIGURATION` (one neighbor, two families,
  two static routes), written to a temporary directory;
* ``exabgp validate ROUTES-FILE`` (``validate-routes``): `routes_configuration`,
  two neighbors with ``--routes`` static routes between them (2,000 by
  default), each with MED, two communities and an AS path: the configuration
  a daemon reads before it starts, mostly the lexer and the route grammar
  (5.0.15 takes 0.8 s of CPU for 2,000 routes and more than the 60 s a run
  may last for 20,000).

Each round runs every command once with our ``exabgp`` and once with 5.0.15's
(the oracle of `qa.oracle`, a separate program in its own venv), one after
the other, so that both see the same load of the machine; the table gives
the median wall time of the rounds (process start to exit, measured by the
parent) and the ratio ours / 5.0.15, then the ratio of the CPU seconds of
the processes (user + system, what a loaded machine stretches least).  Before timing, each command runs once
untimed on each side (Python writes its bytecode caches then:
``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment, so
both sides run from compiled bytecode as an installed package does) and the
outputs are compared: same exit code, and the same output once the fields
that change from run to run are masked (`normalise`).  A command that fails
or differs stops the benchmark (exit 1): it measures the same work on both
sides.

    python benchmarks/startup.py [--runs 20] [--routes 2000] [--ours PATH] [--reference PATH] [--json-out FILE]

``--ours`` defaults to the ``exabgp`` next to this interpreter (the installed
package), ``--reference`` to the oracle's ``exabgp`` (installed if needed).
`benchmarks/test_bench_startup.py` times the same commands of ours in the
pytest-benchmark suite.
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

UPDATE = (
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004C020000002D4001010040020A02020000FDE90000FDEA400304C0000201"
    "80040400000064400504000000C8C00804FDE80001180A0000180A0001"
)

CONFIGURATION = """\
neighbor 192.0.2.1 {
    router-id 192.0.2.2;
    local-address 192.0.2.2;
    local-as 65000;
    peer-as 65001;
    family {
        ipv4 unicast;
        ipv6 unicast;
    }
    static {
        route 10.0.0.0/24 next-hop 192.0.2.2 med 100 community [ 65000:1 ];
        route 10.0.1.0/24 next-hop 192.0.2.2 as-path [ 65000 65002 ] local-preference 200;
    }
}
"""

#: the volatile fields of the outputs: the JSON envelope's time, host and pids, and `version`'s lines
#: (ours ends with two lines 5.0.15 does not print, `fastbgp:` and `Codec  :`: docs/compatibility.md)
_VOLATILE = (
    (re.compile(r'"time": [0-9.]+'), '"time": 0'),
    (re.compile(r'"host" : "[^"]*", "pid" : \d+, "ppid" : \d+'), '"host" : "H", "pid" : 1, "ppid" : 1'),
    (re.compile(r"^(ExaBGP|From) +: .*$", re.MULTILINE), r"\1 : X"),
    (re.compile(r"^(fastbgp|Codec) *: .*\n", re.MULTILINE), ""),
)


#: the static routes of ``validate-routes`` by default
ROUTES = 2000


def routes_configuration(count: int) -> str:
    """Two neighbors with `count` static routes between them (half each), all different prefixes."""
    parts = []
    for peer in (1, 2):
        parts.append(
            f"neighbor 192.0.2.{peer} {{\n    router-id 192.0.2.100;\n    local-address 192.0.2.100;\n"
            f"    local-as 65000;\n    peer-as 6500{peer};\n    family {{\n        ipv4 unicast;\n    }}\n    static {{\n"
        )
        for number in range((peer - 1) * count // 2, peer * count // 2):
            parts.append(
                f"        route 10.{number >> 8 & 255}.{number & 255}.0/24 next-hop 192.0.2.100 med {number % 100} "
                f"community [ 65000:{number % 50} 65000:1 ] as-path [ 65000 {64512 + number % 1000} ];\n"
            )
        parts.append("    }\n}\n")
    return "".join(parts)


def commands(directory: Path, routes: int = 0) -> dict:
    """name -> the arguments of `exabgp` (the configurations are written into `directory`); ``validate-routes``
    when `routes` is not 0 (`benchmarks/regress.py` and the pytest module time the three short commands)."""
    path = directory / "startup.conf"
    path.write_text(CONFIGURATION)
    found = {"version": ["version"], "decode": ["decode", UPDATE], "validate": ["validate", str(path)]}
    if routes:
        many = directory / "routes.conf"
        many.write_text(routes_configuration(routes))
        found["validate-routes"] = ["validate", str(many)]
    return found


def environment() -> dict:
    """The children's environment: ours, without the variables that change what a program does."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH") and not key.lower().startswith("exabgp")
    }


def run(program: str, arguments: list, env: dict) -> tuple:
    """(seconds, exit code, stdout) of one run of `program`."""
    start = time.perf_counter()
    done = subprocess.run([program] + arguments, capture_output=True, text=True, env=env, timeout=60)
    return time.perf_counter() - start, done.returncode, done.stdout


def normalise(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def expected_output(name: str, code: int, stdout: str) -> bool:
    """True when one command did its work: exit 0 and the output the command exists for."""
    if code != 0:
        return False
    if name == "version":
        return stdout.startswith("ExaBGP : ") and "\nPython : " in stdout
    if name == "decode":
        line = json.loads(stdout)
        return line["type"] == "update" and [
            n["nlri"] for n in line["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["192.0.2.1"]
        ] == ["10.0.0.0/24", "10.0.1.0/24"]
    return stdout == ""  # validate: silent on stdout for a valid file


def children_cpu() -> float:
    """User + system CPU seconds of the children this process has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def compare(ours: str, reference: str, runs: int, routes: int = 0) -> dict:
    """{command: {"ours": [seconds...], "reference": [...], "ours_cpu": [...], "reference_cpu": [...]}}.

    Both sides are checked once first; then every round runs each command
    with ours then 5.0.15: wall seconds, and the CPU seconds of the child
    (what a loaded machine stretches least).
    """
    env = environment()
    with tempfile.TemporaryDirectory() as directory:
        forms = commands(Path(directory), routes)
        for name, arguments in forms.items():
            _, code, out = run(ours, arguments, env)
            _, ref_code, ref_out = run(reference, arguments, env)
            if not expected_output(name, code, out) or (code, normalise(out)) != (ref_code, normalise(ref_out)):
                raise SystemExit(f"exabgp {name}: ours ({code}) {out!r} and 5.0.15's ({ref_code}) {ref_out!r} differ")
        times = {name: {"ours": [], "reference": [], "ours_cpu": [], "reference_cpu": []} for name in forms}
        for _ in range(runs):
            for name, arguments in forms.items():
                for side, program in (("ours", ours), ("reference", reference)):
                    cpu = children_cpu()
                    times[name][side].append(run(program, arguments, env)[0])
                    times[name][f"{side}_cpu"].append(children_cpu() - cpu)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument("--routes", type=int, default=ROUTES, help=f"static routes of validate-routes ({ROUTES})")
    parser.add_argument("--ours", default=str(Path(sys.executable).with_name("exabgp")), help="our exabgp program")
    parser.add_argument("--reference", help="ExaBGP 5.0.15's exabgp program (default: the oracle's)")
    parser.add_argument("--json-out", help="write every timing here")
    args = parser.parse_args()
    if not args.reference:
        from common import (
            oracle,
        )  # this directory is on sys.path when run as a script; the pytest module never gets here

        args.reference = oracle()
    reference = args.reference
    times = compare(args.ours, reference, args.runs, args.routes)
    print(f"median of {args.runs} runs, wall time of the process")
    print(f"{'command':<22} {'ours':>9} {'5.0.15':>9} {'ratio':>7} {'CPU ratio':>9}")
    for name, pair in times.items():
        ours, theirs = statistics.median(pair["ours"]), statistics.median(pair["reference"])
        cpu = statistics.median(pair["ours_cpu"]) / statistics.median(pair["reference_cpu"])
        print(f"exabgp {name:<15} {ours * 1000:7.1f}ms {theirs * 1000:7.1f}ms {ours / theirs:7.2f} {cpu:9.2f}")
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(
                {"runs": args.runs, "routes": args.routes, "ours": args.ours, "reference": reference, "seconds": times},
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
