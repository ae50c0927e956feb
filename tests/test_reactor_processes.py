"""The helper processes (`exabgp.reactor.processes`): real programs over real pipes.

Each helper is a small Python script written to the test's directory and
run with this interpreter.  Checked:

* commands arrive in order, trailing white space removed, ``debug`` lines
  only logged; writes reach the helper's stdin, one line each;
* ``run`` from a parsed configuration: the program found in the
  configuration's directory, the arguments as the lexer split and unquoted
  them;
* the environment: ``TERM=dumb``, ``exabgp_cli_pipe`` removed (kept for
  ``api-internal-cli`` relays), the rest kept;
* stderr lines logged;
* a helper that exits is started again; more than 5 respawns: critical log
  ``Too many death for <name>`` and ``on_broken``; ``respawn false`` or
  ``api.respawn false``: just removed;
* 100k lines read in order; binary garbage passed on, replaced, without a
  crash; a 1 MiB line without newline kills the helper;
* a helper that never reads stdin: ``on_pressure(name, True)`` once, the
  queue stays under the hard cap (newest messages dropped, warned about),
  a concurrent timer keeps firing on time; a writer honouring the pressure
  loses nothing;
* setuid programs, directories and missing programs refused (error log,
  ``on_broken``);
* `stop`: the farewell, then SIGTERM to the helper's process group, SIGKILL
  for one ignoring SIGTERM; every helper reaped;
* `reload` keeps, starts and stops the right helpers, `restart_all`
  restarts them all.
"""

import asyncio
import io
import json
import os
import stat
import sys
import time

import pytest

from exabgp.config import environment as settings
from exabgp.config.neighbor import parse
from exabgp.config.process import Process
from exabgp.reactor.log import Logger
from exabgp.reactor.processes import MAX_COMMAND_SIZE, Processes

PY = sys.executable


class Harness:
    """A `Processes` whose callbacks record what they get."""

    def __init__(self, environ=None, environment=None, **limits):
        self.stream = io.StringIO()
        self.commands = []
        self.broken = []
        self.pressure = []
        self.processes = Processes(
            Logger(self.stream, level="DEBUG"),
            environment or settings.load({}),
            dict(os.environ) if environ is None else environ,
            on_command=lambda name, line: self.commands.append((name, line)),
            on_broken=self.broken.append,
            on_pressure=lambda name, on: self.pressure.append((name, on)),
            **limits,
        )

    @property
    def log(self) -> str:
        return self.stream.getvalue()

    def lines(self, name: str) -> list:
        return [line for who, line in self.commands if who == name]

    async def until(self, predicate, timeout: float = 3.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"timed out; commands {self.commands[-5:]}, log:\n{self.log[-2000:]}"
            await asyncio.sleep(0.01)


def script(tmp_path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!{PY}\nimport os, sys, time, signal, json\n{body}\n")
    path.chmod(0o755)
    return str(path)


def helper(tmp_path, name: str, body: str, respawn: bool = True) -> Process:
    return Process(name, (PY, script(tmp_path, name + ".py", body)), "text", respawn)


def run(coroutine):
    return asyncio.run(coroutine)


ECHO = """
print("hello one", flush=True)
print("hello two   \\t", flush=True)
print("debug some detail", flush=True)
for line in sys.stdin:
    print("echo " + line.strip(), flush=True)
"""


def test_commands_in_order_and_writes_reach_the_helper(tmp_path):
    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "echo", ECHO),), str(tmp_path))
        assert harness.processes.names() == ["echo"]
        await harness.until(lambda: len(harness.commands) >= 2)
        for number in range(50):
            harness.processes.write("echo", f"message {number}\n")
        harness.processes.write("nobody", "dropped\n")  # not running: dropped, no error
        await harness.until(lambda: len(harness.commands) >= 52)
        await harness.processes.stop(lambda name: "shutdown\n")
        return harness

    harness = run(main())
    assert harness.lines("echo") == (
        ["hello one", "hello two"] + [f"echo message {n}" for n in range(50)] + ["echo shutdown"]
    )  # the farewell, answered within its 0.1 s
    assert "debug info from echo : some detail" in harness.log
    assert "command from process echo : hello one" in harness.log
    assert harness.processes.names() == []


def test_run_from_the_configuration(tmp_path):
    script(tmp_path, "argv.py", "print(json.dumps(sys.argv[1:]), flush=True)\ntime.sleep(5)")
    text = "process argv {\n    run argv.py 'a b' \"c;d\" plain --flag=1;\n    encoder json;\n}\n"
    configuration = parse(text, str(tmp_path / "exabgp.conf"), full=True)

    async def main():
        harness = Harness()
        await harness.processes.start(configuration.processes, str(tmp_path))
        await harness.until(lambda: harness.commands)
        await harness.processes.stop(lambda name: "bye\n")
        return harness

    harness = run(main())
    assert json.loads(harness.lines("argv")[0]) == ["a b", "c;d", "plain", "--flag=1"]


def test_environment(tmp_path):
    body = (
        'print(json.dumps([os.environ.get(k) for k in ("TERM", "exabgp_cli_pipe", "KEPT")]), flush=True)\ntime.sleep(5)'
    )
    environ = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm", "exabgp_cli_pipe": "/run/exabgp", "KEPT": "yes"}

    async def main():
        harness = Harness(environ)
        await harness.processes.start(
            (helper(tmp_path, "env", body), helper(tmp_path, "api-internal-cli-1", body)), str(tmp_path)
        )
        await harness.until(lambda: len(harness.commands) == 2)
        await harness.processes.stop(lambda name: "bye\n")
        return harness

    harness = run(main())
    assert json.loads(harness.lines("env")[0]) == ["dumb", None, "yes"]
    assert json.loads(harness.lines("api-internal-cli-1")[0]) == ["dumb", "/run/exabgp", "yes"]


def test_stderr_is_logged(tmp_path):
    body = 'sys.stderr.write("first problem\\nsecond problem\\n"); sys.stderr.flush()\ntime.sleep(5)'

    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "noisy", body),), str(tmp_path))
        await harness.until(lambda: "second problem" in harness.log)
        await harness.processes.stop(lambda name: "bye\n")
        return harness

    log = run(main()).log
    assert "stderr from process noisy : first problem" in log
    assert "stderr from process noisy : second problem" in log


def test_a_helper_that_exits_is_respawned(tmp_path):
    marker = tmp_path / "started-once"
    body = (
        f'print("up", os.getpid(), flush=True)\n'
        f'if not os.path.exists({str(marker)!r}):\n    open({str(marker)!r}, "w").close()\n    sys.exit(0)\n'
        "time.sleep(5)"
    )

    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "phoenix", body),), str(tmp_path))
        await harness.until(lambda: len(harness.commands) == 2)
        await asyncio.sleep(0.1)
        names = harness.processes.names()
        await harness.processes.stop(lambda name: "bye\n")
        return harness, names

    harness, names = run(main())
    first, second = harness.lines("phoenix")
    assert first != second  # another process
    assert names == ["phoenix"]
    assert harness.broken == []
    assert "process phoenix ended, restarting it" in harness.log


def test_a_quick_helper_gets_the_answer_to_its_first_command(tmp_path):
    """A helper that speaks as soon as it runs (a shell's ``echo``) may be read before `start` returns: its
    command is answered all the same (the answer goes to the helper of that name, known from its creation).
    Twenty helpers in a row: before the fix more than half lost their answer and waited for ever."""
    answer = tmp_path / "answer"

    async def main():
        harness = Harness()
        harness.processes.on_command = lambda name, line: harness.processes.write(name, f"done {line}\n")
        got = []
        for _ in range(20):
            answer.unlink(missing_ok=True)
            quick = Process(
                "quick", ("/bin/sh", "-c", f"echo hello; read reply; echo $reply > {answer}"), "text", False
            )
            await harness.processes.start((quick,), str(tmp_path))
            await harness.until(lambda: answer.exists() and answer.read_text().endswith("\n"))
            got.append(answer.read_text())
            await harness.processes.stop(lambda name: "")
        return got

    assert run(main()) == ["done hello\n"] * 20


def test_too_many_deaths(tmp_path):
    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "dying", 'print("up", flush=True)'),), str(tmp_path))
        await harness.until(lambda: harness.broken, timeout=4.5)
        await asyncio.sleep(0.1)
        return harness

    harness = run(main())
    assert harness.lines("dying") == ["up"] * 6  # the start and 5 respawns
    assert harness.broken == ["dying"]
    assert "Too many death for dying" in harness.log
    assert harness.processes.names() == []


@pytest.mark.parametrize("respawn, environ", [(False, {}), (True, {"exabgp.api.respawn": "false"})])
def test_no_respawn(tmp_path, respawn, environ):
    async def main():
        harness = Harness(environment=settings.load(environ))
        await harness.processes.start((helper(tmp_path, "once", 'print("up", flush=True)', respawn),), str(tmp_path))
        await harness.until(lambda: "process once ended" in harness.log)
        await asyncio.sleep(0.2)
        return harness

    harness = run(main())
    assert harness.lines("once") == ["up"]
    assert harness.broken == []
    assert harness.processes.names() == []
    assert "restarting" not in harness.log


def test_a_flood_of_lines(tmp_path):
    body = (
        'sys.stdout.write("".join(f"announce route 10.0.{n // 256 % 256}.{n % 256}/32 next-hop self {n}\\n" '
        "for n in range(100000)))\nsys.stdout.flush()\ntime.sleep(5)"
    )

    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "flood", body),), str(tmp_path))
        await harness.until(lambda: len(harness.commands) == 100000)
        await harness.processes.stop(lambda name: "bye\n")
        return harness

    lines = run(main()).lines("flood")
    assert [int(line.rsplit(" ", 1)[1]) for line in lines] == list(range(100000))


def test_binary_garbage(tmp_path):
    body = (
        'sys.stdout.buffer.write(b"\\xff\\xfe\\x00\\x80garbage\\n\\xc3\\xa9t\\xc3\\xa9\\nshow version\\n")\n'
        "sys.stdout.flush()\ntime.sleep(5)"
    )

    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "garbage", body),), str(tmp_path))
        await harness.until(lambda: len(harness.commands) == 3)
        names = harness.processes.names()
        await harness.processes.stop(lambda name: "bye\n")
        return harness, names

    harness, names = run(main())
    assert harness.lines("garbage") == ["\ufffd\ufffd\x00\ufffdgarbage", "été", "show version"]
    assert names == ["garbage"]


def test_an_oversized_line_kills_the_helper(tmp_path):
    body = f'sys.stdout.write("x" * {MAX_COMMAND_SIZE + 4096}); sys.stdout.flush()\ntime.sleep(5)'

    async def main():
        harness = Harness()
        await harness.processes.start((helper(tmp_path, "huge", body, respawn=False),), str(tmp_path))
        await harness.until(lambda: "process huge ended" in harness.log)
        return harness

    harness = run(main())
    assert "oversized command from process huge" in harness.log
    assert harness.commands == []
    assert harness.processes.names() == []


def test_a_helper_that_never_reads(tmp_path):
    """Many MB for a stuck helper: pressure once, a bounded queue, a loop still on time."""
    cap = 1024 * 1024

    async def main():
        harness = Harness(high_water=64 * 1024, low_water=8 * 1024, hard_cap=cap)
        await harness.processes.start(
            (helper(tmp_path, "stuck", 'print("up", flush=True)\ntime.sleep(30)'),), str(tmp_path)
        )
        await harness.until(lambda: harness.commands)
        lateness = []

        async def timer():
            while True:
                before = time.monotonic()
                await asyncio.sleep(0.02)
                lateness.append(time.monotonic() - before - 0.02)

        ticking = asyncio.create_task(timer())
        line = "x" * 1023
        largest = 0
        for number in range(20 * 1024):  # 20 MiB, ignoring the pressure
            harness.processes.write("stuck", line + "\n")
            if number % 256 == 0:
                largest = max(largest, harness.processes.queued("stuck"))
                await asyncio.sleep(0)
        await asyncio.sleep(0.1)
        ticking.cancel()
        pressure = list(harness.pressure)
        await harness.processes.stop(lambda name: "bye\n")
        return harness, pressure, largest, lateness

    harness, pressure, largest, lateness = run(main())
    assert pressure == [("stuck", True)]
    assert harness.pressure == [("stuck", True), ("stuck", False)]  # released when it is gone
    assert cap - 1024 <= largest <= cap
    assert "process stuck is not reading its input" in harness.log
    assert len(lateness) >= 3 and max(lateness) < 0.5


def test_a_writer_honouring_the_pressure_loses_nothing(tmp_path):
    body = (
        "time.sleep(0.3)\ncount = 0\nlast = None\n"
        "for line in sys.stdin:\n"
        '    if line == "end\\n":\n'
        '        print("got", count, last, flush=True)\n'
        "        break\n"
        "    count += 1\n    last = line.split()[0]\n"
        "time.sleep(5)"
    )
    total = 30000

    async def main():
        harness = Harness(high_water=64 * 1024, low_water=16 * 1024, hard_cap=256 * 1024)
        flowing = asyncio.Event()
        flowing.set()
        harness.processes.on_pressure = lambda name, on: (
            harness.pressure.append(on),
            flowing.clear() if on else flowing.set(),
        )
        await harness.processes.start((helper(tmp_path, "slow", body),), str(tmp_path))
        for number in range(total):
            await flowing.wait()
            harness.processes.write("slow", f"{number} " + "y" * 90 + "\n")
        harness.processes.write("slow", "end\n")
        await harness.until(lambda: harness.commands)
        await harness.processes.stop(lambda name: "bye\n")
        return harness

    harness = run(main())
    assert harness.lines("slow") == [f"got {total} {total - 1}"]
    assert harness.pressure[0] is True and harness.pressure[1] is False
    assert "dropping" not in harness.log


def test_refused_programs(tmp_path):
    setuid = script(tmp_path, "setuid.py", 'print("ran", flush=True)')
    os.chmod(setuid, 0o755 | stat.S_ISUID)
    setgid = script(tmp_path, "setgid.py", 'print("ran", flush=True)')
    os.chmod(setgid, 0o755 | stat.S_ISGID)
    (tmp_path / "directory").mkdir()
    processes = (
        Process("uid", (setuid,), "text"),
        Process("gid", (setgid,), "text"),
        Process("dir", (str(tmp_path / "directory"),), "text"),
        Process("missing", ("no-such-program-anywhere",), "text"),
    )

    async def main():
        harness = Harness()
        await harness.processes.start(processes, str(tmp_path))
        await asyncio.sleep(0.2)
        return harness

    harness = run(main())
    assert harness.commands == [] and harness.processes.names() == []
    assert harness.broken == ["uid", "gid", "dir", "missing"]
    assert f'can not start process uid: refusing to run setuid programs "{setuid}"' in harness.log
    assert f'refusing to run setgid programs "{setgid}"' in harness.log
    assert "can not execute directories" in harness.log
    assert 'can not locate the program "no-such-program-anywhere"' in harness.log


def _gone(pid: int) -> bool:
    """Reaped, or a zombie left to an init that does not reap (a container)."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.slow
def test_stop(tmp_path):
    record = tmp_path / "record"
    polite = (
        f'record = open({str(record)!r}, "a", buffering=1)\n'
        'def term(number, frame):\n    record.write("SIGTERM\\n")\n    sys.exit(0)\n'
        "signal.signal(signal.SIGTERM, term)\n"
        "import subprocess\n"
        'child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])\n'
        'print("pid", os.getpid(), child.pid, flush=True)\n'
        'for line in sys.stdin:\n    record.write("read " + line)\n'
    )
    stubborn = 'signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("pid", os.getpid(), flush=True)\ntime.sleep(30)'

    async def main():
        harness = Harness()
        await harness.processes.start(
            (helper(tmp_path, "polite", polite), helper(tmp_path, "stubborn", stubborn)), str(tmp_path)
        )
        await harness.until(lambda: len(harness.commands) == 2)
        began = time.monotonic()
        await harness.processes.stop(lambda name: f"shutdown {name}\n")
        return harness, time.monotonic() - began

    harness, took = run(main())
    _, helper_pid, child_pid = harness.lines("polite")[0].split()
    stubborn_pid = harness.lines("stubborn")[0].split()[1]
    assert record.read_text() == "read shutdown polite\nSIGTERM\n"
    assert 2.0 <= took < 3.5  # SIGKILL for the stubborn one after 2 s
    assert "force kill unresponsive stubborn" in harness.log
    for pid in (helper_pid, stubborn_pid):
        with pytest.raises(ProcessLookupError):  # reaped: not even a zombie
            os.kill(int(pid), 0)
    deadline = time.monotonic() + 2
    while not _gone(int(child_pid)) and time.monotonic() < deadline:  # the helper's group got SIGTERM
        time.sleep(0.02)
    assert _gone(int(child_pid))
    assert harness.processes.names() == []


def test_reload(tmp_path):
    body = "print(os.getpid(), flush=True)\ntime.sleep(30)"

    async def main():
        harness = Harness()
        a, b, c, d = (helper(tmp_path, name, body) for name in "abcd")
        await harness.processes.start((a, b, d), str(tmp_path))
        await harness.until(lambda: len(harness.commands) == 3)
        pids = {name: int(line) for name, line in harness.commands}
        changed = Process("b", b.run + ("new-argument",), "json")
        await harness.processes.reload((changed, c, d), str(tmp_path), restart_all=False)
        await harness.until(lambda: len(harness.commands) == 5)
        kept = harness.processes.names()
        first = {name: int(line) for name, line in harness.commands[3:]}
        await harness.processes.reload((changed, c, d), str(tmp_path), restart_all=True)
        await harness.until(lambda: len(harness.commands) == 8)
        restarted = {name: int(line) for name, line in harness.commands[5:]}
        names = harness.processes.names()
        await harness.processes.stop(lambda name: "bye\n")
        return harness, pids, first, kept, restarted, names

    harness, pids, first, kept, restarted, names = run(main())
    assert sorted(kept) == ["b", "c", "d"]
    with pytest.raises(ProcessLookupError):  # a was stopped and reaped
        os.kill(pids["a"], 0)
    assert sorted(first) == ["b", "c"] and first["b"] != pids["b"]  # b changed: restarted; c new; d kept
    assert sorted(restarted) == ["b", "c", "d"] and restarted["d"] != pids["d"]
    assert sorted(names) == ["b", "c", "d"]
    assert harness.broken == []
