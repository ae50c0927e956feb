"""`exabgp decode`, ours and ExaBGP 5.0.15's, on a corpus of messages under several contexts.

Each `Case` is one command line of ``exabgp decode``: a context (``-c
FILE``, ``-i``, ``-f FAMILY``, ``-n``, ...) and one payload.  Both
programs run it; their outputs are compared as `Outcome`: the exit code and
the lines of stdout, each line parsed as JSON when it is JSON, with the
volatile fields masked (``time``, ``host``, ``pid``, ``ppid``,
``counter``).  A difference is explained by `qa.differential.known` (area
``decode``) or is a divergence.

How they run, fast: 5.0.15 is one long-lived subprocess of the oracle's own
interpreter (`qa.oracle`), running `ORACLE_DRIVER`: it reads one JSON
command line per line on stdin, runs 5.0.15's ``decode`` command on it
(its argument parser and its ``cmdline``, as its ``exabgp decode`` does),
and answers one JSON line ``[exit code, stdout]`` (``"crash"`` for an
exception escaping 5.0.15).  Nothing of 5.0.15 is imported here.  Ours runs
in this process through `exabgp.cli.main.main`, the entry point of our
``exabgp``.  A few milliseconds per case each.

The corpus (`cases`):

* every UPDATE of the project's vectors (``tests/vectors/*.vec``), in the
  context it was recorded in and the generated contexts below;
* with ExaBGP's reference material (``--reference``, by default
  `qa.reference.REFERENCE`; skipped cleanly when absent): every UPDATE of
  the ``encoding/*.msg`` files, decoded with the configuration its ``.ci``
  names, and the ``decoding/`` vectors, run as ExaBGP's harness runs them;
* `qa.differential.generate` messages of every family from the seed, valid
  and malformed, each under the generated contexts: no option, ``-i``,
  ``-f FAMILY``, ``-i -f FAMILY`` and ``-c`` with each configuration of
  `CONFIGURATIONS` (every capability at once; RFC 8950 next hops with AIGP);
  and their NLRI section alone with ``-n -f FAMILY`` and ``-n -i -f FAMILY``.

    python -m qa.differential.decode --seed 1 --count 500 [--verbose]

prints how many cases were compared, how many diverged, and how many
differed in a known way (per entry of the known table); it exits 1 when a
divergence is left.
"""

import argparse
import contextlib
import dataclasses
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

from qa import oracle, reference
from qa.differential import generate, known

AREA = "decode"

#: the project's own wire vectors
VECTORS = pathlib.Path(__file__).resolve().parent.parent.parent / "tests" / "vectors"

#: the configurations the generated messages are also decoded with (``-c``), by name
CONFIGURATIONS = {
    # every capability at once (no family block: every family)
    "capabilities": """\
neighbor 192.0.2.1 {
    router-id 192.0.2.2;
    local-address 192.0.2.2;
    local-as 64500;
    peer-as 64501;
    hold-time 90;
    host-name differential;
    add-path { ipv4 unicast; ipv6 unicast; }
    nexthop { ipv4 unicast ipv6; ipv4 multicast ipv6; ipv4 nlri-mpls ipv6; ipv4 mpls-vpn ipv6; }
    capability {
        asn4 disable;
        add-path send/receive;
        extended-message disable;
        multi-session enable;
        route-refresh;
        graceful-restart 120;
        operational enable;
        software-version enable;
        nexthop enable;
        aigp enable;
    }
}
""",
    # RFC 8950 next hops and AIGP on a 4-octet AS session; add-path receive alone negotiates nothing
    "nexthop": """\
neighbor 10.0.0.1 {
    router-id 10.0.0.2;
    local-address 10.0.0.2;
    local-as 4200000001;
    peer-as 4200000001;
    nexthop { ipv4 unicast ipv6; ipv4 multicast ipv6; ipv4 nlri-mpls ipv6; ipv4 mpls-vpn ipv6; }
    capability {
        add-path receive;
        aigp enable;
    }
}
""",
}

#: what 5.0.15 runs for us, one command line per line (see the module docstring)
ORACLE_DRIVER = """\
import argparse, contextlib, io, json, sys
from exabgp.application import decode
answer = sys.stdout
for line in sys.stdin:
    parser = argparse.ArgumentParser()
    decode.setargs(parser)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = decode.cmdline(parser.parse_args(json.loads(line)))
        except SystemExit as exc:
            code = exc.code
        except BaseException:
            code = "crash"
    answer.write(json.dumps([code, out.getvalue()]) + "\\n")
    answer.flush()
"""

_VOLATILE = re.compile(r'"(?:time|pid|ppid|counter)"\s*:\s*[0-9.e+-]+\s*,\s*|"host"\s*:\s*"[^"]*"\s*,\s*')


@dataclasses.dataclass(frozen=True)
class Case:
    """One ``exabgp decode`` command line: `args` (options then the payload), where it comes from."""

    origin: str  # "vector NAME", "reference encoding/NAME.msg:LINE", "generated N (family, how)"
    args: tuple
    message: bytes  # the payload's octets (for the known table's predicates)
    family: tuple = None  # (afi, safi) of a generated message
    malformed: str = ""  # the mutation of a malformed generated message

    @property
    def options(self) -> tuple:
        return self.args[:-1]

    def command(self) -> str:
        return "exabgp decode " + " ".join(f'"{arg}"' if " " in arg else arg for arg in self.args)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """Exit code (or ``"crash"``) and the stdout lines, JSON ones parsed, volatile fields masked."""

    code: object
    lines: tuple
    stdout: str = dataclasses.field(default="", compare=False)  # as printed, for the known table's predicates

    @classmethod
    def of(cls, code, stdout: str) -> "Outcome":
        lines = []
        for line in stdout.splitlines():
            masked = _VOLATILE.sub("", line)
            try:
                lines.append(json.loads(masked))
            except ValueError:
                lines.append(masked)
        return cls(code, tuple(lines), stdout)

    def text(self) -> str:
        return f"exit {self.code}: " + "\n    ".join(
            json.dumps(line, sort_keys=True) if not isinstance(line, str) else line for line in self.lines
        )


class Oracle:
    """5.0.15's decode command, one long-lived subprocess answering one case at a time."""

    def __init__(self, program: str = None):
        python = program or oracle.oracle_program("python")
        self._process = subprocess.Popen(
            [python, "-I", "-c", ORACLE_DRIVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=tempfile.gettempdir(),
        )

    def run(self, args) -> Outcome:
        self._process.stdin.write(json.dumps(list(args)) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the oracle's driver stopped (exit {self._process.wait()})")
        code, stdout = json.loads(answer)
        return Outcome.of(code, stdout)

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def ours(args) -> Outcome:
    """Our ``exabgp decode`` on `args`, in this process, through our command line's entry point."""
    from exabgp.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = main(["decode", *args])
        except SystemExit as exc:
            code = exc.code
    return Outcome.of(code, out.getvalue())


# ---------------------------------------------------------------- the corpus


def _vector(path: pathlib.Path) -> dict:
    fields = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    return fields


def _generated_contexts(family_text: str, configurations: dict) -> list:
    contexts = [(), ("-i",), ("-f", family_text), ("-i", "-f", family_text)]
    contexts.extend(("-c", path) for path in configurations.values())
    return contexts


def vector_cases(configurations: dict) -> list:
    """Every UPDATE of ``tests/vectors``: its recorded context, then the generated ones (ipv4 unicast -f)."""
    found = []
    for path in sorted(VECTORS.glob("*.vec")):
        fields = _vector(path)
        if fields.get("type") != "update":
            continue
        payload = fields["hex"]
        own = ()
        if "path-information" in fields.get("options", "").split():
            own += ("-i",)
        if fields.get("families"):
            own += ("-f", fields["families"])
        contexts = [own] + [
            context for context in _generated_contexts("ipv4 unicast", configurations) if context != own
        ]
        found.extend(Case(f"vector {path.stem}", context + (payload,), bytes.fromhex(payload)) for context in contexts)
    return found


def reference_cases(directory: pathlib.Path) -> list:
    """The reference's ``encoding/*.msg`` UPDATEs (with their configuration) and ``decoding/`` vectors."""
    found = []
    if not directory.is_dir():
        return found
    for ci in sorted((directory / "encoding").glob("*.ci")):
        configuration = directory / "conf" / ci.read_text().strip()
        messages = ci.with_suffix(".msg")
        if not configuration.is_file() or not messages.is_file():
            continue
        for number, line in enumerate(messages.read_text().splitlines(), 1):
            if ":raw:" not in line or line.lstrip().startswith("#"):
                continue
            payload = line.split(":raw:", 1)[1].replace(":", "").replace(" ", "").strip()
            if len(payload) < 38 or payload[36:38] != "02":
                continue
            origin = f"reference encoding/{messages.name}:{number}"
            found.append(Case(origin, ("-c", str(configuration), payload), bytes.fromhex(payload)))
            found.append(Case(origin, (payload,), bytes.fromhex(payload)))
    for vector in sorted((directory / "decoding").glob("*")):
        lines = vector.read_text().splitlines()
        if len(lines) < 2:
            continue
        kind, *family = lines[0].split()
        payload = lines[1].replace(" ", "").replace(":", "")
        options = ("-f", " ".join(family)) if family and kind != "open" else ()
        found.append(
            Case(f"reference decoding/{vector.name}", options + (f"--{kind}", payload), bytes.fromhex(payload))
        )
    return found


def generated_cases(seed: int, count: int, configurations: dict) -> list:
    """`count` generated messages from `seed`, each under every generated context."""
    found = []
    for index, item in enumerate(generate.messages(seed, count)):
        payload = item.message.hex().upper()
        how = f", {item.malformed}" if item.malformed else ""
        origin = f"generated {index} of seed {seed} ({item.family_text}{', add-path' if item.addpath else ''}{how})"
        found.extend(
            Case(origin, context + (payload,), item.message, item.family, item.malformed)
            for context in _generated_contexts(item.family_text, configurations)
        )
        nlri = item.nlri.hex().upper()
        found.extend(
            Case(f"{origin} NLRI", ("-n",) + context + ("-f", item.family_text, nlri), item.nlri, item.family)
            for context in ((), ("-i",))
        )
    return found


def write_configurations(directory: str) -> dict:
    """`CONFIGURATIONS` written into `directory`: name -> path."""
    paths = {}
    for name, text in CONFIGURATIONS.items():
        path = os.path.join(directory, f"{name}.conf")
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
        paths[name] = path
    return paths


# ---------------------------------------------------------------- the comparison


@dataclasses.dataclass
class Report:
    """What a run found: cases compared, divergences ``(case, ours, theirs)``, known ones by name."""

    compared: int = 0
    divergences: list = dataclasses.field(default_factory=list)
    known: dict = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        explained = sum(self.known.values())
        lines = [f"cases compared: {self.compared}", f"divergences: {len(self.divergences)}", f"known: {explained}"]
        lines.extend(f"  {name}: {number}" for name, number in sorted(self.known.items()))
        return "\n".join(lines)

    def details(self, limit: int = 20) -> str:
        found = []
        for case, mine, theirs in self.divergences[:limit]:
            found.append(f"{case.origin}\n  {case.command()}\n  ours:   {mine.text()}\n  5.0.15: {theirs.text()}")
        if len(self.divergences) > limit:
            found.append(f"... and {len(self.divergences) - limit} more")
        return "\n".join(found)


def compare(cases, reference_oracle: Oracle, report: Report = None) -> Report:
    """Run every case on both sides and sort the differences."""
    report = report or Report()
    for case in cases:
        mine, theirs = ours(case.args), reference_oracle.run(case.args)
        report.compared += 1
        if mine == theirs:
            continue
        name = known.explain(AREA, case, mine, theirs)
        if name is None:
            report.divergences.append((case, mine, theirs))
        else:
            report.known[name] = report.known.get(name, 0) + 1
    return report


def run(seed: int, count: int, reference_directory: pathlib.Path = reference.REFERENCE) -> Report:
    """The whole comparison: vectors, reference material when present, `count` generated messages."""
    with tempfile.TemporaryDirectory() as directory, Oracle() as reference_oracle:
        configurations = write_configurations(directory)
        cases = (
            vector_cases(configurations)
            + reference_cases(pathlib.Path(reference_directory))
            + generated_cases(seed, count, configurations)
        )
        return compare(cases, reference_oracle)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.differential.decode", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated messages")
    parser.add_argument("--count", type=int, default=200, help="how many messages to generate")
    parser.add_argument(
        "--reference", default=str(reference.REFERENCE), help="ExaBGP's reference material (skipped when absent)"
    )
    parser.add_argument("--verbose", action="store_true", help="print every divergence")
    args = parser.parse_args(argv)
    report = run(args.seed, args.count, pathlib.Path(args.reference))
    print(report.summary())
    if report.divergences:
        print(report.details(len(report.divergences) if args.verbose else 20))
    return 1 if report.divergences else 0


if __name__ == "__main__":
    sys.exit(main())
