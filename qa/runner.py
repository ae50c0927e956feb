"""The functional test runner: a daemon under test against the checking peer of qa/peer.py.

A test NAME is `NAME.ci` (the configuration file names, whitespace separated)
and `NAME.msg` (the rules the peer checks, see qa/peer.py).  Two sets:

- `encoding/*`: the 36 encoding tests of ExaBGP 5.0 in
  ../shared/exabgp-reference/encoding, configurations in its `conf/`
  (used when that directory exists; `--reference` moves it);
- `scenarios/*`: the project's own, in qa/scenarios, configurations beside them.

For each selected test the runner takes a port (from `--port`, 1790, upwards,
skipping ports in use; tests running at once get different ports), starts the
peer on it, then starts the daemon the way ExaBGP's harness does:

    env exabgp_tcp_port=PORT exabgp_tcp_bind='' exabgp_tcp_connections=N
        exabgp_api_cli=false exabgp_debug_rotate=true exabgp_debug_configuration=true
        exabgp_version=5.0.0-0+test  DAEMON -d -p CONF...

in its own process group, with the configuration directory as working
directory and stdin closed.  The test passes when the peer has received every
expected message; it fails on an unexpected message (with the diff and, for
OPEN/UPDATE, the `DAEMON decode` form of both sides), when the daemon exits
before the end, or after `--timeout` seconds.  The daemon's exit status is not
checked.  The daemon's process group then gets SIGTERM, and SIGKILL 3 s later.
A configuration that is missing, or that names a `run` helper program that is
missing, is reported with the result.

    python qa/runner.py [--daemon CMD] [--list] [-k PATTERN]... [--jobs N]
                        [--timeout S] [-v] [--json PATH]

Exit code 0 only when every selected test passed.
"""

import argparse
import asyncio
import dataclasses
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import sys
import time

if not __package__:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from qa.peer import MARKER, OPEN, UPDATE, Outcome, Peer, ScriptError, parse_script, spaced  # noqa: E402
from qa.reference import REFERENCE as _REFERENCE  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = str(_REFERENCE)
SCENARIOS = os.path.join(HERE, "scenarios")
FIRST_PORT = 1790
TEST_VERSION = "5.0.0-0+test"  # what ExaBGP's harness reports, seen in the Software Version capability
KILL_GRACE = 3.0
EXIT_GRACE = 2.0  # after the daemon exits, time left to the peer to read what it sent
DECODE_TIMEOUT = 10.0
OUTPUT_TAIL = 200  # lines of daemon output shown with -v
RUN_HELPER = re.compile(r"^\s*run\s+([^;]+);", re.MULTILINE)


@dataclasses.dataclass
class Test:
    name: str  # "encoding/conf-addpath", "scenarios/ipv4-med"
    msg: str
    configurations: list
    directory: str  # the daemon's working directory


@dataclasses.dataclass
class Result:
    name: str
    status: str  # "pass", "fail", "timeout" or "error"
    reason: str
    port: int | None = None
    duration: float = 0.0
    daemon_exit: int | None = None  # when the daemon ended by itself before the verdict
    notes: list = dataclasses.field(default_factory=list)
    diff: str = ""
    peer_log: list = dataclasses.field(default_factory=list)
    daemon_output: str = ""


def discover(reference, scenarios):
    """Every test of both sets, in name order."""
    sets = [
        ("encoding", os.path.join(reference, "encoding"), os.path.join(reference, "conf")),
        ("scenarios", scenarios, scenarios),
    ]
    tests = []
    for label, directory, configurations in sets:
        if not os.path.isdir(directory):
            continue
        for entry in sorted(os.listdir(directory)):
            if not entry.endswith(".ci"):
                continue
            with open(os.path.join(directory, entry), encoding="utf-8") as handle:
                names = [word for line in handle if "#" not in line for word in line.split()]
            stem = entry[:-3]
            tests.append(
                Test(
                    f"{label}/{stem}",
                    os.path.join(directory, stem + ".msg"),
                    [os.path.join(configurations, name) for name in names],
                    configurations,
                )
            )
    return tests


def select(tests, patterns):
    """-k: a test is kept when one pattern is a substring of its name or, with wildcards, matches it."""
    if not patterns:
        return tests
    return [
        test
        for test in tests
        if any(
            fnmatch.fnmatchcase(test.name, pattern) if any(c in pattern for c in "*?[") else pattern in test.name
            for pattern in patterns
        )
    ]


def helper_notes(configurations):
    """`run` programs named by the configurations that do not exist."""
    notes = []
    for path in configurations:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        for found in RUN_HELPER.finditer(text):
            words = shlex.split(found.group(1))
            program = words[0] if words else ""
            if (
                program
                and not os.path.exists(os.path.join(os.path.dirname(path), program))
                and not shutil.which(program)
            ):
                notes.append(f"{os.path.basename(path)} runs helper {program!r}, which is missing")
    return notes


class Ports:
    """Hands out ports upwards from the first, skipping those in use; 0: a free port chosen by the system."""

    def __init__(self, first):
        self.next = first

    async def listen(self, script, linger):
        for _ in range(200):
            port, self.next = self.next, self.next + 1 if self.next else 0
            peer = Peer(script, port, linger)
            try:
                await peer.start()
            except OSError:
                continue
            return peer
        raise OSError(f"no free port below {self.next}")


def daemon_environment(port, connections):
    return dict(
        os.environ,
        exabgp_tcp_port=str(port),
        exabgp_tcp_bind="",
        exabgp_tcp_connections=str(connections),
        exabgp_api_cli="false",
        exabgp_debug_rotate="true",
        exabgp_debug_configuration="true",
        exabgp_version=TEST_VERSION,
    )


async def collect(stream, sink):
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            return
        sink.extend(chunk)


async def stop(process):
    """SIGTERM to the daemon's process group, SIGKILL if it is still there after KILL_GRACE."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            break
        try:
            await asyncio.wait_for(process.wait(), KILL_GRACE)
        except asyncio.TimeoutError:
            continue
        if signum == signal.SIGTERM:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # helpers left in the group
            except ProcessLookupError:
                pass
            break
    await process.wait()


async def decode(decoder, hexa, directory):
    """`DECODER decode HEX` -> the decoded message (its "message" object when JSON), or None."""
    try:
        process = await asyncio.create_subprocess_exec(
            *shlex.split(decoder),
            "decode",
            hexa,
            cwd=directory,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        output, _ = await asyncio.wait_for(process.communicate(), DECODE_TIMEOUT)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        return None
    text = output.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        document = json.loads(text.splitlines()[0])
    except ValueError:
        return text.splitlines()[0]
    inner = document.get("neighbor", {}).get("message", document) if isinstance(document, dict) else document
    return json.dumps(inner, separators=(",", ":"))


async def decoded_forms(decoder, mismatch, directory):
    wanted = [mismatch.received.hex().upper()] + [rule.value for rule in mismatch.expected]
    forms = {}
    for hexa in wanted[:9]:
        if hexa.startswith(MARKER.hex().upper()) and len(hexa) >= 38 and int(hexa[36:38], 16) in (OPEN, UPDATE):
            form = await decode(decoder, hexa, directory)
            if form is not None:
                forms[hexa] = form
    return forms


async def run_test(test, daemon, ports, timeout, linger=0.5, decoder=None):
    """Run one test; never raises for a test-level problem (it becomes an "error" result)."""
    started = time.monotonic()
    missing = [path for path in test.configurations if not os.path.isfile(path)]
    if not test.configurations or missing:
        reason = (
            "no configuration named in the .ci"
            if not test.configurations
            else "configuration not found: " + ", ".join(os.path.basename(path) for path in missing)
        )
        return Result(test.name, "error", reason)
    try:
        with open(test.msg, encoding="utf-8") as handle:
            script = parse_script(handle.read())
    except (OSError, ScriptError) as error:
        return Result(test.name, "error", f"{os.path.basename(test.msg)}: {error}")
    notes = helper_notes(test.configurations)
    try:
        peer = await ports.listen(script, linger)
    except OSError as error:
        return Result(test.name, "error", str(error), notes=notes)
    result = Result(test.name, "fail", "", port=peer.port, notes=notes)
    try:
        process = await asyncio.create_subprocess_exec(
            *shlex.split(daemon),
            "-d",
            "-p",
            *test.configurations,
            cwd=test.directory,
            env=daemon_environment(peer.port, script.connections),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        await peer.close()
        result.status, result.reason = "error", f"cannot start the daemon: {error}"
        return result
    peer.daemon_pid = process.pid
    output = bytearray()
    reading = asyncio.ensure_future(collect(process.stdout, output))
    exited = asyncio.ensure_future(process.wait())
    try:
        await asyncio.wait({peer.outcome, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if not peer.outcome.done() and exited.done():
            try:
                await asyncio.wait_for(asyncio.shield(peer.outcome), EXIT_GRACE)
            except asyncio.TimeoutError:
                peer.outcome.set_result(
                    Outcome(
                        False,
                        f"the daemon exited (code {process.returncode}) while the peer "
                        f"waited for group {peer.checker.step}",
                    )
                )
        if peer.outcome.done():
            outcome = peer.outcome.result()
            result.status = "pass" if outcome.passed else "fail"
        else:
            outcome = Outcome(False, f"timeout after {timeout:g}s while the peer waited for group {peer.checker.step}")
            result.status = "timeout"
        result.reason = outcome.reason
        result.daemon_exit = process.returncode  # None: still running when the test ended
    finally:
        await stop(process)
        await peer.close()
        try:
            await asyncio.wait_for(reading, KILL_GRACE)
        except asyncio.TimeoutError:
            reading.cancel()
    if outcome.mismatch is not None:
        forms = await decoded_forms(decoder, outcome.mismatch, test.directory) if decoder else {}
        result.diff = outcome.mismatch.report(forms, headline=False)
    elif not outcome.passed and peer.checker.expected:
        result.diff = "\n".join(
            f"  still expected (.msg line {rule.line}): {spaced(rule.value)}" for rule in peer.checker.expected
        )
    result.peer_log = list(peer.log)
    result.daemon_output = output.decode("utf-8", "replace")
    result.duration = round(time.monotonic() - started, 2)
    return result


def render(result, verbose):
    where = f", port {result.port}" if result.port is not None else ""
    lines = [
        f"{result.status.upper():8} {result.name}  ({result.duration:.1f}s{where})"
        + ("" if result.status == "pass" else f"  {result.reason}")
    ]
    if result.status == "pass":
        return "\n".join(lines)
    lines.extend(f"         note: {note}" for note in result.notes)
    if result.diff:
        lines.append(result.diff)
    if verbose:
        lines.append("  -- peer --")
        lines.extend(f"  {line}" for line in result.peer_log)
        tail = result.daemon_output.splitlines()[-OUTPUT_TAIL:]
        lines.append(f"  -- daemon output (last {len(tail)} lines) --")
        lines.extend(f"  | {line}" for line in tail)
    return "\n".join(lines)


async def run_all(tests, options):
    ports = Ports(options.port)
    gate = asyncio.Semaphore(max(1, options.jobs))
    decoder = None if options.no_decode else (options.decoder or options.daemon)

    async def one(test):
        async with gate:
            result = await run_test(test, options.daemon, ports, options.timeout, options.linger, decoder)
        print(render(result, options.verbose), flush=True)
        return result

    return await asyncio.gather(*(one(test) for test in tests))


def arguments(argv):
    parser = argparse.ArgumentParser(prog="python qa/runner.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--daemon", default="exabgp", help="the daemon command (default: exabgp on PATH)")
    parser.add_argument("--decoder", help="the command whose `decode` shows mismatches (default: the daemon)")
    parser.add_argument("--no-decode", action="store_true", help="do not decode mismatching messages")
    parser.add_argument("--list", action="store_true", help="list the tests and exit")
    parser.add_argument(
        "-k",
        dest="patterns",
        action="append",
        default=[],
        metavar="PATTERN",
        help="select the tests whose name contains PATTERN or matches it (*?[]); repeatable",
    )
    parser.add_argument("--jobs", "-j", type=int, default=1, help="tests run at once")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per test (default 60)")
    parser.add_argument(
        "--linger",
        type=float,
        default=0.5,
        help="seconds the peer keeps checking after the last expected message (default 0.5)",
    )
    parser.add_argument("--port", type=int, default=FIRST_PORT, help="first port (default 1790; 0: free ports)")
    parser.add_argument("--reference", default=REFERENCE, help="the exabgp-reference directory")
    parser.add_argument("--scenarios", default=SCENARIOS, help="the directory of the project's scenarios")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the peer log and daemon output on failure")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    return parser.parse_args(argv)


def main(argv=None):
    options = arguments(argv)
    tests = select(discover(options.reference, options.scenarios), options.patterns)
    if options.list:
        for test in tests:
            print(f"{test.name:40} {' '.join(os.path.basename(path) for path in test.configurations)}")
        return 0
    if not tests:
        print("no test selected", file=sys.stderr)
        return 1
    program = shlex.split(options.daemon)[0]
    if not shutil.which(program):
        print(f"daemon not found: {program}", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = asyncio.run(run_all(tests, options))
    failed = [result for result in results if result.status != "pass"]
    print(
        f"\n{len(results) - len(failed)} passed, {len(failed)} failed, {len(results)} tests in "
        f"{time.monotonic() - started:.1f}s with {options.daemon}"
    )
    for result in failed:
        print(f"  {result.status:8} {result.name}: {result.reason}")
    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "daemon": options.daemon,
                    "passed": len(results) - len(failed),
                    "failed": len(failed),
                    "results": [dataclasses.asdict(result) for result in results],
                },
                handle,
                indent=1,
            )
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
