"""The command line, ours and ExaBGP 5.0.15's: every form, exit code, stdout and stderr compared.

`FORMS` lists what a user types: ``exabgp`` alone, ``--help`` of the program
and of each sub-command, ``version``, ``env`` and its options, the
healthcheck's help through each of its four entry points (``exabgp
healthcheck``, ``exabgp --run healthcheck``, ``python -m exabgp
healthcheck``, ``exabgp-healthcheck``), ``exabgp-cli --help``, ``validate``
on every reference configuration (``../shared/exabgp-reference/conf``, when
present), on files holding one mistake each (`BAD_CONFIGURATIONS`) and on
the repository's corpus of broken configurations (`BAD_CORPUS`), and
``decode`` misused (no payload, bad hexadecimal, bad family, missing file).

Each form runs in a directory of its own (its working directory, where its
files are written; the same path for both programs, so that messages naming
a file are comparable) with our program (next to this interpreter: the
installed package) and with 5.0.15's (`qa.oracle`), the environment cleared
of ``exabgp*`` variables and ``PYTHONPATH``, ``COLUMNS=80``.  Forms run in
parallel threads.

Outputs are compared whole, after the masks the form names (`MASKS`: only
what changes between two installations, e.g. the version, the interpreter
and the paths printed by ``exabgp version``).  A divergence is either
explained by an entry of `qa.differential.known` (area ``cli``, given the
`Form` and both `Outcome`s) or fails.

    python -m qa.differential.cli [-v] [-k SUBSTRING]

prints the counts (same, explained, divergent) and, with ``-v``, a diff of
every divergence; the exit code is 1 when a divergence is unexplained.
``tests/test_differential_cli.py`` runs it in CI.
"""

import argparse
import concurrent.futures
import dataclasses
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from qa import oracle
from qa.differential import known
from qa.reference import REFERENCE

#: mask name -> (pattern, replacement); applied to stdout and stderr of both programs
MASKS = {
    # `exabgp version`: the interpreter, the system and the path describe the installation; the first line,
    # ``ExaBGP : 5.0.15``, is compared as it is (scripts written for 5.0 parse it)
    "version": (re.compile(r"^(Python : |Uname  : |From   : ).*$", re.MULTILINE), r"\1X"),
    # `exabgp decode`: the envelope's clock and process identity
    "envelope": (
        re.compile(r'"time": [0-9.]+, "host" : "[^"]*", "pid" : \d+, "ppid" : \d+'),
        '"time": 0, "host" : "H", "pid" : 1, "ppid" : 1',
    ),
}

SUB_COMMANDS = ("version", "cli", "healthcheck", "decode", "server", "env", "validate")

_NEIGHBOR = "neighbor 192.0.2.1 {{\n    router-id 192.0.2.2;\n    local-address 192.0.2.2;\n{body}}}\n"
_AS = "    local-as 65000;\n    peer-as 65001;\n"

#: name -> configuration text holding one mistake (each kind of error `validate` reports)
BAD_CONFIGURATIONS = {
    "empty": "",
    "missing-semicolon": _NEIGHBOR.format(body="    local-as 65000\n    peer-as 65001;\n"),
    "unknown-keyword": _NEIGHBOR.format(body=_AS + "    colour blue;\n"),
    "unknown-section": "colour {\n    blue;\n}\n",
    "unclosed-block": _NEIGHBOR.format(body=_AS).rstrip("}\n") + "\n",
    "extra-brace": _NEIGHBOR.format(body=_AS) + "}\n",
    "bad-peer-address": _NEIGHBOR.format(body=_AS).replace("192.0.2.1", "192.0.2.300"),
    "bad-as-number": _NEIGHBOR.format(body="    local-as sixty;\n    peer-as 65001;\n"),
    "as-number-too-big": _NEIGHBOR.format(body="    local-as 4294967296;\n    peer-as 65001;\n"),
    "missing-local-as": _NEIGHBOR.format(body="    peer-as 65001;\n"),
    "bad-hold-time": _NEIGHBOR.format(body=_AS + "    hold-time 2;\n"),
    "unknown-family": _NEIGHBOR.format(body=_AS + "    family {\n        ipv4 colour;\n    }\n"),
    "bad-prefix": _NEIGHBOR.format(body=_AS + "    static {\n        route 10.0.0.0/33 next-hop 192.0.2.2;\n    }\n"),
    "bad-next-hop": _NEIGHBOR.format(body=_AS + "    static {\n        route 10.0.0.0/24 next-hop 192.0.2;\n    }\n"),
    "bad-route-attribute": _NEIGHBOR.format(
        body=_AS + "    static {\n        route 10.0.0.0/24 next-hop 192.0.2.2 med high;\n    }\n"
    ),
    "unknown-route-attribute": _NEIGHBOR.format(
        body=_AS + "    static {\n        route 10.0.0.0/24 next-hop 192.0.2.2 colour blue;\n    }\n"
    ),
    "bad-community": _NEIGHBOR.format(
        body=_AS + "    static {\n        route 10.0.0.0/24 next-hop 192.0.2.2 community [ 65000:x ];\n    }\n"
    ),
    "process-without-run": "process watch {\n    encoder json;\n}\n" + _NEIGHBOR.format(body=_AS),
    "unknown-process": _NEIGHBOR.format(body=_AS + "    api {\n        processes [ nowhere ];\n    }\n"),
}

#: the repository's corpus of broken configurations (tests/configs/bad), one form each
BAD_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "configs" / "bad"

_GOOD = _NEIGHBOR.format(body=_AS + "    static {\n        route 10.0.0.0/24 next-hop 192.0.2.2;\n    }\n")
_UPDATE = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170200000000"


@dataclasses.dataclass(frozen=True)
class Form:
    """One command line: `program` ("exabgp", "exabgp-cli", "exabgp-healthcheck", or "python" for
    ``python -m exabgp``) with `args` ("{dir}" stands for the form's directory), after writing `files`."""

    name: str
    program: str
    args: tuple
    masks: tuple = ()
    files: tuple = ()  # (file name, text)


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def _exabgp(name: str, *args: str, masks: tuple = (), files: tuple = ()) -> Form:
    if args[:1] == ("decode",):
        masks += ("envelope",)
    return Form(name, "exabgp", tuple(args), masks, files)


def forms() -> list:
    """Every form compared (the reference configurations when ../shared is present)."""
    found = [
        _exabgp("no arguments"),
        _exabgp("--help", "--help"),
        _exabgp("-h", "-h"),
        *(_exabgp(f"{command} --help", command, "--help") for command in SUB_COMMANDS),
        _exabgp("version", "version", masks=("version",)),
        _exabgp("version with an argument", "version", "extra"),
        _exabgp("unknown option", "--colour"),
        _exabgp("implicit server, missing file", "{dir}/missing.conf"),
        _exabgp("env", "env"),
        _exabgp("env -d", "env", "-d"),
        _exabgp("env --diff", "env", "--diff"),
        _exabgp("env -e", "env", "-e"),
        _exabgp("env --env", "env", "--env"),
        _exabgp("env -d -e", "env", "-d", "-e"),
        _exabgp(
            "env --env-file -d -e",
            "--env-file",
            "{dir}/exabgp.env",
            "env",
            "-d",
            "-e",
            files=(("exabgp.env", "[exabgp.tcp]\nport = 1790\n\n[exabgp.api]\nack = false\n"),),
        ),
        _exabgp(
            "env, bad value in the env file",
            "env",
            "--env-file={dir}/exabgp.env",
            files=(("exabgp.env", "[exabgp.tcp]\nport = many\n"),),
        ),
        _exabgp("--run healthcheck --help", "--run", "healthcheck", "--help"),
        _exabgp("--run version", "--run", "version"),
        Form("python -m exabgp --help", "python", ("--help",)),
        Form("python -m exabgp healthcheck --help", "python", ("healthcheck", "--help")),
        Form("python -m exabgp version", "python", ("version",), ("version",)),
        Form("exabgp-healthcheck --help", "exabgp-healthcheck", ("--help",)),
        Form("exabgp-cli --help", "exabgp-cli", ("--help",)),
        _exabgp("healthcheck, bad option", "healthcheck", "--interval", "often"),
        _exabgp("validate, good file", "validate", "{dir}/good.conf", files=(("good.conf", _GOOD),)),
        _exabgp("validate, missing file", "validate", "{dir}/missing.conf"),
        _exabgp("validate, no file", "validate"),
        *(
            _exabgp(f"validate {flags}, good file", "validate", flags, "{dir}/good.conf", files=(("good.conf", _GOOD),))
            for flags in ("-n", "-r", "-nr", "-v", "-nrv")
        ),
        _exabgp("decode, no payload", "decode"),
        _exabgp("decode, bad hexadecimal", "decode", "ZZ00"),
        _exabgp("decode, odd digits", "decode", _UPDATE + "0"),
        _exabgp("decode, family without safi", "decode", "-f", "ipv4", _UPDATE),
        _exabgp("decode, unknown family", "decode", "-f", "ipv4 colour", _UPDATE),
        _exabgp("decode, missing configuration", "decode", "-c", "{dir}/missing.conf", _UPDATE),
        _exabgp("decode, unknown option", "decode", "--colour", _UPDATE),
    ]
    for name, text in BAD_CONFIGURATIONS.items():
        found.append(_exabgp(f"validate, {name}", "validate", f"{{dir}}/{name}.conf", files=((f"{name}.conf", text),)))
        found.append(
            _exabgp(
                f"validate -nrv, {name}", "validate", "-nrv", f"{{dir}}/{name}.conf", files=((f"{name}.conf", text),)
            )
        )
    for path in sorted(BAD_CORPUS.glob("*.conf")):
        found.append(_exabgp(f"validate, corpus {path.name}", "validate", str(path)))
    conf = REFERENCE / "conf"
    if conf.is_dir():
        for path in sorted(conf.glob("*.conf")):
            found.append(_exabgp(f"validate {path.name}", "validate", str(path)))
            found.append(_exabgp(f"validate -nrv {path.name}", "validate", "-nrv", str(path)))
    return found


def programs_of_ours() -> dict:
    """Our programs: the console scripts next to this interpreter, and the interpreter."""
    directory = Path(sys.executable).parent
    return {name: str(directory / name) for name in ("exabgp", "exabgp-cli", "exabgp-healthcheck")} | {
        "python": sys.executable
    }


def programs_of_theirs() -> dict:
    return {name: oracle.oracle_program(name) for name in ("exabgp", "exabgp-cli", "exabgp-healthcheck", "python")}


def environment() -> dict:
    """The environment of every run: ours without what changes a program's behaviour."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().startswith("exabgp") and key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    }
    env["COLUMNS"] = "80"
    return env


def run(form: Form, program: str, directory: Path) -> Outcome:
    """`form` run by `program` in `directory` (its files written there first)."""
    for name, text in form.files:
        (directory / name).write_text(text)
    command = [program] + (["-m", "exabgp"] if form.program == "python" else [])
    command += [arg.replace("{dir}", str(directory)) for arg in form.args]
    done = subprocess.run(
        command, cwd=directory, env=environment(), capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def masked(form: Form, outcome: Outcome) -> Outcome:
    stdout, stderr = outcome.stdout, outcome.stderr
    for name in form.masks:
        pattern, replacement = MASKS[name]
        stdout, stderr = pattern.sub(replacement, stdout), pattern.sub(replacement, stderr)
    return Outcome(outcome.code, stdout, stderr)


@dataclasses.dataclass(frozen=True)
class Result:
    form: Form
    ours: Outcome
    theirs: Outcome
    explained_by: str = ""  # the known difference, when the outcomes differ

    @property
    def same(self) -> bool:
        return self.ours == self.theirs

    @property
    def divergent(self) -> bool:
        return not self.same and not self.explained_by

    def diff(self) -> str:
        lines = [f"exit code: ours {self.ours.code}, 5.0.15 {self.theirs.code}"]
        for stream in ("stdout", "stderr"):
            mine, reference = getattr(self.ours, stream), getattr(self.theirs, stream)
            if mine != reference:
                lines += difflib.unified_diff(
                    reference.splitlines(), mine.splitlines(), f"5.0.15 {stream}", f"ours {stream}", lineterm=""
                )
        return "\n".join(lines)


def compare(form: Form, ours: dict, theirs: dict) -> Result:
    """Run `form` with both programs (one directory per form, emptied between the two) and compare."""
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="exabgp-cli-") as directory:
        for programs in (ours, theirs):
            for entry in Path(directory).iterdir():
                entry.unlink()
            outcomes.append(masked(form, run(form, programs[form.program], Path(directory))))
    mine, reference = outcomes
    explained = "" if mine == reference else (known.explain("cli", form, mine, reference) or "")
    return Result(form, mine, reference, explained)


def compare_all(selected=None, threads: int = 8) -> list:
    """The `Result` of every form (or of `selected`), in the order of `forms()`."""
    ours, theirs = programs_of_ours(), programs_of_theirs()
    chosen = forms() if selected is None else selected
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda form: compare(form, ours, theirs), chosen))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.differential.cli", description=__doc__.split("\n", 1)[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print a diff of every divergence")
    parser.add_argument("-k", dest="match", default="", help="only the forms whose name holds this text")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    results = compare_all([form for form in forms() if args.match in form.name], args.threads)
    explained = [result for result in results if result.explained_by]
    divergent = [result for result in results if result.divergent]
    for result in divergent:
        print(f"DIVERGENT {result.form.name}: exabgp {' '.join(result.form.args)}")
        if args.verbose:
            print(result.diff() + "\n")
    for result in explained:
        print(f"explained {result.form.name}: {result.explained_by}")
    same = len(results) - len(explained) - len(divergent)
    print(f"{len(results)} forms: {same} same, {len(explained)} explained, {len(divergent)} divergent")
    return 1 if divergent else 0


if __name__ == "__main__":
    sys.exit(main())
