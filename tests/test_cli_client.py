"""`exabgp cli` / `exabgp-cli` and the daemon side of its named pipes.

See docs/compatibility.md, "The CLI client", "The CLI's named pipes".

Real FIFOs (`os.mkfifo`) in ``tmp_path/run/``, found through ``EXABGP_ROOT``
(5.0's ``<root>/run/`` folder) under a pipe name of the test's own, so that
pipes of a daemon running on the machine (``/run/exabgp.in``) are never
touched.  The client runs in-process against a small daemon thread, and as
a subprocess (``python -m exabgp cli``) against `CliPipes` in an asyncio
loop.  The expected texts and expansions were recorded from ExaBGP 5.0.15's
``exabgp-cli`` against the same kind of fake daemon.
"""

import asyncio
import io
import os
import subprocess
import sys
import threading

import pytest

import exabgp
from exabgp.cli import client
from exabgp.cli.main import main as exabgp_main
from exabgp.config import environment
from exabgp.reactor import pipes
from exabgp.reactor.log import Logger
from qa.daemon import run_client

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


@pytest.fixture
def fifos(tmp_path):
    """``(root, name, folder)``: the FIFOs ``<root>/run/<name>.in`` and ``.out``."""
    name = f"exatest{os.getpid()}"
    folder = tmp_path / "run"
    folder.mkdir()
    os.mkfifo(folder / f"{name}.in", 0o600)
    os.mkfifo(folder / f"{name}.out", 0o600)
    return str(tmp_path), name, f"{folder}/"


def searched(root):
    return pipes.folders(root, os.getuid())


class FakeDaemon(threading.Thread):
    """Reads commands from ``.in``; answers each with `answer(command)` on ``.out``."""

    def __init__(self, folder, name, answer, stale=b""):
        super().__init__(daemon=True)
        self.base = f"{folder}{name}"
        self.answer = answer
        self.commands = []
        self.reader = os.open(f"{self.base}.in", os.O_RDWR)
        self.keeper = None
        if stale:  # left on .out by an earlier command (we hold it open so that it stays there)
            self.keeper = os.open(f"{self.base}.out", os.O_RDWR)
            os.write(self.keeper, stale)

    def run(self):
        buffer = b""
        while b"\n" not in buffer:
            buffer += os.read(self.reader, 4096)
        command = buffer.split(b"\n")[0].decode()
        self.commands.append(command)
        text = self.answer(command)
        if text:
            writer = os.open(f"{self.base}.out", os.O_WRONLY)
            os.write(writer, text.encode())
            os.close(writer)

    def close(self):
        os.close(self.reader)
        if self.keeper is not None:
            os.close(self.keeper)


def ask(fifos, words, answer, stale=b"", **timeouts):
    """Run the client in-process against a `FakeDaemon`; ``(code, stdout, stderr, commands received)``."""
    root, name, folder = fifos
    daemon = FakeDaemon(folder, name, answer, stale)
    daemon.start()
    out, err = io.StringIO(), io.StringIO()
    try:
        code = client.run(words, name, searched(root), True, out, err, **timeouts)
        daemon.join(5)
    finally:
        daemon.close()
    return code, out.getvalue(), err.getvalue(), daemon.commands


# ---------------------------------------------------------------- the client


def test_answer_printed_without_done(fifos):
    code, out, err, commands = ask(fifos, ["s", "n"], lambda command: f"line one\nline two for {command}\ndone\n")
    assert commands == ["show neighbor"]
    assert out == "command: show neighbor\nline one\nline two for show neighbor\n"
    assert (code, err) == (0, "")


def test_command_unchanged_is_not_echoed(fifos):
    code, out, err, commands = ask(fifos, ["show", "neighbor", "summary"], lambda command: "a\ndone\n")
    assert commands == ["show neighbor summary"]
    assert (code, out, err) == (0, "a\n", "")


def test_error_answer(fifos):
    code, out, err, _ = ask(fifos, ["bogus"], lambda command: "oops\nerror\n")
    assert out == "oops\n"
    assert err == (
        "ExaBGP returns an error (see ExaBGP's logs for more information)\nuse help for a list of available commands\n"
    )
    assert code == 0


def test_shutdown_answer(fifos):
    code, out, err, _ = ask(fifos, ["shutdown"], lambda command: "shutdown in progress\nshutdown\n")
    assert out == "shutdown in progress\n"
    assert (code, err) == (0, "ExaBGP is shutting down, command aborted\n")


@pytest.mark.parametrize(
    "terminator, message",
    [
        ('{ "answer": "done", "message": "command completed" }', ""),
        (
            '{ "answer": "error", "message": "this command does not support json output" }',
            "ExaBGP returns an error (see ExaBGP's logs for more information)\nuse help for a list of available commands\n",
        ),
        ('{ "answer": "shutdown", "message": "exbgp exited" }', "ExaBGP is shutting down, command aborted\n"),
    ],
)
def test_json_terminators(fifos, terminator, message):
    code, out, err, _ = ask(fifos, ["show", "neighbor", "json"], lambda command: f"[]\n{terminator}\nnot read\n")
    assert (code, out, err) == (0, "[]\n", message)


def test_no_command_sends_help(fifos):
    code, out, err, commands = ask(fifos, [], lambda command: "the help\ndone\n")
    assert commands == ["help"]
    assert (code, out, err) == (0, 'no commmand provided, sending "help"\nthe help\n', "")


def test_stale_answer_is_cleared_first(fifos):
    code, out, err, commands = ask(
        fifos, ["version"], lambda command: "exabgp 5.0.0\ndone\n", stale=b"old answer\ndone\n"
    )
    assert commands == ["version"]
    assert (code, out, err) == (0, "exabgp 5.0.0\n", "")


def test_reset_does_not_wait(fifos):
    code, out, err, commands = ask(fifos, ["reset"], lambda command: "", response_timeout=30)
    assert commands == ["reset"]
    assert (code, out, err) == (0, "", "")


def test_no_answer_times_out(fifos):
    code, out, err, commands = ask(fifos, ["s", "n"], lambda command: "", response_timeout=0.3)
    assert commands == ["show neighbor"]
    assert out == "command: show neighbor\n"
    assert err == (
        "\nwarning: no end of command message received\n"
        "warning: normal if exabgp.api.ack is set to false otherwise some data may get stuck on the pipe\n"
        "warning: otherwise it may cause exabgp reactor to block\n"
    )
    assert code == 0


def test_answer_without_done_times_out_after_its_lines(fifos):
    code, out, err, _ = ask(fifos, ["version"], lambda command: "exabgp 5.0.0\n", response_timeout=0.3)
    assert out == "exabgp 5.0.0\n"
    assert err.startswith("\nwarning: no end of command message received\n")
    assert code == 0


def test_ack_false_ends_when_the_pipe_is_quiet(fifos):
    root, name, folder = fifos
    daemon = FakeDaemon(folder, name, lambda command: "routes\n")
    daemon.start()
    out, err = io.StringIO(), io.StringIO()
    try:
        code = client.run(["show", "adj-rib", "out"], name, searched(root), False, out, err, response_timeout=30)
    finally:
        daemon.close()
    assert (code, out.getvalue(), err.getvalue()) == (0, "routes\n", "")


def test_no_daemon_reading(fifos):
    root, name, _ = fifos
    out, err = io.StringIO(), io.StringIO()
    code = client.run(["s", "n"], name, searched(root), True, out, err, command_timeout=0.3)
    assert code == 1
    assert out.getvalue() == "command: show neighbor\n"
    assert err.getvalue() == "could not send command to ExaBGP (command timeout)"


def test_missing_pipes(tmp_path):
    """5.0's text on standard output, without a final newline; exit 1."""
    env = dict(os.environ, EXABGP_ROOT=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "cli", "--pipename", "nosuchpipe", "s", "n"],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=env,
        timeout=60,
    )
    uid = os.getuid()
    expected = ["/run/exabgp/", f"/run/{uid}/", "/run/", "/var/run/exabgp/", f"/var/run/{uid}/", "/var/run/"]
    expected += [f"{tmp_path}{folder}" for folder in expected]
    assert result.stdout == (
        "could not find ExaBGP's named pipes (nosuchpipe.in and nosuchpipe.out) for the cli\n"
        "we scanned the following folders (the number is your PID):\n - " + "\n - ".join(expected)
    )
    assert (result.returncode, result.stderr) == (1, "")


def test_exabgp_cli_program(fifos, monkeypatch, capsys):
    """`exabgp-cli` (console script) and `exabgp cli`: the settings give the pipe name."""
    root, name, folder = fifos
    monkeypatch.setenv("EXABGP_ROOT", root)
    monkeypatch.setenv("exabgp_api_pipename", name)
    monkeypatch.delenv("EXABGP_ENVFILE", raising=False)
    for program in (client.main, lambda words: exabgp_main(["cli"] + words)):
        daemon = FakeDaemon(folder, name, lambda command: f"answer to {command}\ndone\n")
        daemon.start()
        try:
            code = program(["s", "n", "s"])
            daemon.join(5)
        finally:
            daemon.close()
        captured = capsys.readouterr()
        assert (code, captured.err) == (0, "")
        assert captured.out == "command: show neighbor summary\nanswer to show neighbor summary\n"


def test_help():
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "cli", "--help"], capture_output=True, text=True, cwd=REPOSITORY, timeout=60
    )
    assert result.returncode == 0
    # the program's name is the one it runs under, `__main__.py` for `python -m exabgp`, as in 5.0.15
    assert result.stdout.startswith(
        "usage: __main__.py cli [-h] [--pipename PIPENAME] [command ...]\n\nexabgp command line interface\n"
    )


# ---------------------------------------------------------------- shortcuts (recorded from 5.0.15)


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("s n", "show neighbor"),
        ("s n s", "show neighbor summary"),
        ("sh nei sum", "show neighbor summary"),
        ("s n e", "show neighbor extensive"),
        ("show n c", "show neighbor configuration"),
        ("s n 1.2.3.4 s", "show neighbor 1.2.3.4 summary"),
        ("s a i", "show adj-rib in"),
        ("s a o e", "show adj-rib out extensive"),
        ("sh adj ou", "show adj-rib out"),
        ("s e", "show extensive"),
        ("s s s", "show summary summary"),
        ("clear a o", "clear adj-rib out"),
        ("f a o", "flush adj-rib out"),
        ("a r 10.0.0.0/24 next-hop self", "announce r 10.0.0.0/24 next-hop self"),
        ("announce rr ipv4 unicast", "announce rr ipv4 unicast"),
        ("ann", "announce"),
        ("a a", "announce attributes"),
        ("w a", "withdraw attributes"),
        ("a f", "announce flow"),
        ("withdraw f", "withdraw flow"),
        ("a e", "announce eor"),
        ("a eo", "announce eor"),
        ("w e", "withdraw e"),
        ("a o x", "announce operation x"),
        ("a v", "announce vps"),
        ("a w x", "announce watchdog x"),
        ("w w x", "withdraw watchdog x"),
        ("f", "flush"),
        ("h", "help"),
        ("c", "configuration"),
        ("t 1", "teardown 1"),
        ("n", "neighbor"),
        ("x n", "x neighbor"),
        ("e", "e"),
        ("i", "i"),
        ("1.2.3.4 t", "1.2.3.4 t"),
        ("neighbor 1.2.3.4 a r 1/8", "neighbor 1.2.3.4 a r 1/8"),
        ("neighbour x", "neighbor x"),
        ("neigbor neigbour", "neighbor neighbor"),
        ("announce route 10.0.0.0/24 next-hop self", "announce route 10.0.0.0/24 next-hop self"),
    ],
)
def test_shortcuts(typed, sent):
    assert client.expand(typed.split()) == sent


def test_shortcut_quirks():
    assert client.expand([""]) == "announce"  # every word starts with ""
    assert client.expand(["", "n"]) == "announce neighbor"
    assert client.expand(["show neighbor"]) == "show neighbor"  # one word: no shortcut


# ---------------------------------------------------------------- the daemon side


def make_log(stream):
    return Logger(stream, short=True, level="DEBUG")


def settings(**values):
    return environment.load({f"exabgp_api_{key}": value for key, value in values.items()})


def test_daemon_pipes_with_the_real_client(fifos):
    root, name, folder = fifos
    stream = io.StringIO()
    received = []

    async def scenario():
        def on_command(command):
            received.append(command)
            cli.write(f"you said: {command}\n")
            cli.write("done\n")

        cli = pipes.CliPipes(make_log(stream), settings(pipename=name), {"EXABGP_ROOT": root}, on_command)
        assert await cli.open()
        try:
            first = await run_client(root, name, "s", "n")
            second = await run_client(root, name, "version")  # the client closing .in gave no end-of-file
        finally:
            cli.close()
        return first, second

    first, second = asyncio.run(scenario())
    assert first == (0, "command: show neighbor\nyou said: show neighbor\n", "")
    assert second == (0, "you said: version\n", "")
    assert received == ["show neighbor", "version"]
    assert stream.getvalue() == (
        f"cli control     named pipes for the cli are:\n"
        f"cli control     to send commands  {folder}{name}.in\n"
        f"cli control     to read responses {folder}{name}.out\n"
    )


def test_daemon_large_answer_to_a_slow_reader(fifos):
    """An answer larger than the pipe buffer is written as the client reads it, none of it lost."""
    root, name, _ = fifos
    lines = [f"{number:08d} " + "x" * 70 for number in range(20000)]  # 1.6 MB

    async def scenario():
        def on_command(command):
            for line in lines:
                cli.write(line + "\n")
            cli.write("done\n")

        cli = pipes.CliPipes(make_log(io.StringIO()), settings(pipename=name), {"EXABGP_ROOT": root}, on_command)
        assert await cli.open()
        try:
            return await run_client(root, name, "show", "adj-rib", "out")
        finally:
            cli.close()

    code, out, err = asyncio.run(scenario())
    assert (code, err) == (0, "")
    assert out.splitlines() == lines


def test_daemon_answer_without_reader_is_dropped(fifos):
    root, name, folder = fifos
    stream = io.StringIO()

    async def scenario():
        cli = pipes.CliPipes(make_log(stream), settings(pipename=name), {"EXABGP_ROOT": root}, lambda command: None)
        assert await cli.open()
        cli.write("nobody reads this\n")
        await asyncio.sleep(0.05)
        # a client opening .out now finds nothing stale
        reader = os.open(f"{folder}{name}.out", os.O_RDONLY | os.O_NONBLOCK)
        try:
            assert os.read(reader, 100) == b""  # no writer, nothing kept
            cli.write("fresh\n")
            await asyncio.sleep(0.05)
            fresh = os.read(reader, 100)
        finally:
            os.close(reader)
            cli.close()
        return fresh

    assert asyncio.run(scenario()) == b"fresh\n"
    assert "cli control     no cli client is reading, 18 bytes of answer dropped\n" in stream.getvalue()


def test_daemon_reads_lines_and_drops_an_endless_one(fifos, monkeypatch):
    root, name, folder = fifos
    monkeypatch.setattr(pipes, "MAX_COMMAND", 1000)
    stream = io.StringIO()
    received = []

    async def scenario():
        cli = pipes.CliPipes(make_log(stream), settings(pipename=name), {"EXABGP_ROOT": root}, received.append)
        assert await cli.open()
        writer = os.open(f"{folder}{name}.in", os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(writer, b"first\r\n\n  \nsec")
            await asyncio.sleep(0.05)
            os.write(writer, b"ond\n" + b"y" * 3000)
            await asyncio.sleep(0.05)
            os.write(writer, b"y" * 100 + b"\nthird\n")
            await asyncio.sleep(0.05)
        finally:
            os.close(writer)
            cli.close()

    asyncio.run(scenario())
    assert received == ["first", "second", "third"]
    assert stream.getvalue().count("received a command larger than 1000 bytes, dropped") == 1


def test_daemon_cli_disabled(fifos):
    root, name, _ = fifos
    stream = io.StringIO()

    async def scenario():
        cli = pipes.CliPipes(
            make_log(stream), settings(pipename=name, cli="false"), {"EXABGP_ROOT": root}, lambda command: None
        )
        return await cli.open()

    assert asyncio.run(scenario()) is False
    assert stream.getvalue() == ""


def test_daemon_without_pipes(tmp_path):
    stream = io.StringIO()
    uid, gid = 1000, 1000

    async def scenario():
        cli = pipes.CliPipes(
            make_log(stream),
            settings(pipename="nosuchpipe"),
            {"EXABGP_ROOT": str(tmp_path), "PWD": "/start"},
            lambda command: None,
            uid=uid,
            gid=gid,
        )
        return await cli.open()

    assert asyncio.run(scenario()) is False
    scanned = "".join(f"cli control      - {folder}\n" for folder in pipes.folders(str(tmp_path), uid))
    assert stream.getvalue() == (
        "cli             could not find the named pipes (nosuchpipe.in and nosuchpipe.out) required for the cli\n"
        "cli             we scanned the following folders (the number is your PID):\n"
        + scanned
        + "cli control     please make them in one of the folder with the following commands:\n"
        "cli control     > mkfifo /start/run/nosuchpipe.{in,out}\n"
        "cli control     > chmod 600 /start/run/nosuchpipe.{in,out}\n"
        "cli control     > chown 1000:1000 /start/run/nosuchpipe.{in,out}\n"
    )


@pytest.mark.parametrize(
    "environ, argv0, expected",
    [
        ({"EXABGP_ROOT": "/opt/exa/"}, "/usr/bin/exabgp", "/opt/exa"),
        ({}, "/usr/local/bin/exabgp", "/usr/local"),
        ({}, "/usr/sbin/exabgp", "/usr"),
        ({}, "/srv/checkout/src/exabgp/application/main.py", "/srv/checkout"),
        ({}, "/srv/exa/exabgp", "/srv/exa"),
    ],
)
def test_root(environ, argv0, expected):
    assert pipes.root(environ, argv0) == expected


def test_folders_order():
    assert pipes.folders("/r", 7) == [
        "/run/exabgp/",
        "/run/7/",
        "/run/",
        "/var/run/exabgp/",
        "/var/run/7/",
        "/var/run/",
        "/r/run/exabgp/",
        "/r/run/7/",
        "/r/run/",
        "/r/var/run/exabgp/",
        "/r/var/run/7/",
        "/r/var/run/",
    ]


def test_find_needs_both_fifos(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    os.mkfifo(first / "x.in")
    (first / "x.out").write_text("a regular file is not a pipe")
    os.mkfifo(second / "x.in")
    os.mkfifo(second / "x.out")
    assert pipes.find([f"{first}/", f"{second}/"], "x") == f"{second}/"
    assert pipes.find([f"{first}/"], "x") is None
