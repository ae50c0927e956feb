"""Who may write the CLI's named pipes (issue 9, hole 8; docs/compatibility.md, "The CLI's named pipes").

Whoever writes ``<pipename>.in`` announces and withdraws routes and stops the
daemon; ExaBGP 5.0.15 reads any FIFO it finds, even one every local user can
write (checked by running it: pipes of mode 0666 owned by ``nobody`` are
announced as "named pipes for the cli are:").  We refuse a pipe that is not
owned by the daemon's user or root, that other users can write, or that a
group not the daemon's can write, with a log line giving the command that
fixes it, and then run on without the CLI, as 5.0.15 runs without pipes.

Real FIFOs in ``tmp_path/run/`` found through ``EXABGP_ROOT``, under a name
of the test's own; `CliPipes` in an asyncio loop, the real client
(``python -m exabgp cli``) and a real daemon.  Changing a FIFO's owner needs
root (as the tests run here and in CI); those tests skip otherwise.
"""

import asyncio
import errno
import io
import os
import signal
import stat
import subprocess
import sys

import pytest

import exabgp
from exabgp.config import environment
from exabgp.reactor import pipes
from exabgp.reactor.log import Logger
from qa.daemon import environment as daemon_environment
from qa.daemon import connect, free_port, run_client, start

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))
NOBODY = 65534  # the conventional uid and gid of nobody / nogroup
ME = pipes.Identity(1000, 1000, frozenset({1000, 27}))

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing a FIFO's owner needs root")


def fifo_status(mode: int, uid: int = 1000, gid: int = 1000, kind: int = stat.S_IFIFO) -> os.stat_result:
    return os.stat_result((kind | mode, 1, 1, 1, uid, gid, 0, 0, 0, 0))


@pytest.mark.parametrize(
    "status, problems",
    [
        (fifo_status(0o600), []),
        (fifo_status(0o660), []),  # the daemon's own group
        (fifo_status(0o640, gid=NOBODY), []),  # another group may read, not write
        (fifo_status(0o620, gid=27), []),  # a supplementary group of the daemon
        (fifo_status(0o644, uid=0, gid=0), []),  # root's
        (fifo_status(0o660, uid=0, gid=1000), []),  # root's, writable by the daemon's group
        (fifo_status(0o666), [("every user can write it (mode 0666)", "chmod o-w")]),
        (fifo_status(0o602), [("every user can write it (mode 0602)", "chmod o-w")]),
        (fifo_status(0o622, uid=0, gid=1000), [("every user can write it (mode 0622)", "chmod o-w")]),
        (
            fifo_status(0o660, gid=NOBODY),
            [("group 65534, not one of the daemon's, can write it (mode 0660)", "chgrp 1000")],
        ),
        (
            fifo_status(0o600, uid=NOBODY),
            [("it is owned by uid 65534, neither the daemon's user (1000) nor root", "chown 1000:1000")],
        ),
        (
            fifo_status(0o666, uid=NOBODY, gid=NOBODY),
            [
                ("it is owned by uid 65534, neither the daemon's user (1000) nor root", "chown 1000:1000"),
                ("every user can write it (mode 0666)", "chmod o-w"),
                ("group 65534, not one of the daemon's, can write it (mode 0666)", "chgrp 1000"),
            ],
        ),
        (fifo_status(0o600, kind=stat.S_IFREG), [("it is not a named pipe", "mkfifo")]),
    ],
)
def test_distrust(status, problems):
    assert pipes.distrust(status, ME) == problems


# ---------------------------------------------------------------- CliPipes on real FIFOs


def make_fifos(tmp_path, mode_in: int = 0o600, mode_out: int = 0o600):
    """``(root, name, folder)`` with the FIFOs ``<root>/run/<name>.in`` and ``.out`` of these modes."""
    name = f"exatrust{os.getpid()}"
    folder = tmp_path / "run"
    folder.mkdir()
    for suffix, mode in (("in", mode_in), ("out", mode_out)):
        os.mkfifo(folder / f"{name}.{suffix}")
        os.chmod(folder / f"{name}.{suffix}", mode)  # not through mkfifo: the umask would clear bits
    return str(tmp_path), name, f"{folder}/"


def cli_pipes(root: str, name: str, stream, on_command=lambda command: None) -> pipes.CliPipes:
    settings = environment.load({"exabgp_api_pipename": name})
    return pipes.CliPipes(Logger(stream, short=True, level="DEBUG"), settings, {"EXABGP_ROOT": root}, on_command)


def refusal(path: str, why: str, fix: str) -> str:
    """The log lines refusing one pipe for one reason."""
    return (
        f"cli control     refusing the named pipe {path}: {why}\n"
        f"cli control     whoever can write it could control this daemon or its cli; to fix it:\n"
        f"cli control     > {fix} {path}\n"
    )


UNAVAILABLE = "cli control     the cli is not available until the daemon is started again with safe pipes\n"


def nobody_reads(path: str) -> bool:
    """True when no process has the FIFO at `path` open for reading (opening it to write then fails)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as error:
        return error.errno == errno.ENXIO
    return False


@pytest.mark.parametrize("suffix", ["in", "out"])
def test_a_world_writable_pipe_is_refused_with_the_fix(tmp_path, suffix):
    modes = {"in": 0o600, "out": 0o600, suffix: 0o666}
    root, name, folder = make_fifos(tmp_path, modes["in"], modes["out"])
    stream = io.StringIO()

    async def scenario():
        cli = cli_pipes(root, name, stream)
        return await cli.open(), cli.folder

    assert asyncio.run(scenario()) == (False, None)
    path = f"{folder}{name}.{suffix}"
    assert stream.getvalue() == refusal(path, "every user can write it (mode 0666)", "chmod o-w") + UNAVAILABLE
    assert nobody_reads(f"{folder}{name}.in")  # the daemon let go of .in


@pytest.mark.slow
@pytest.mark.parametrize("mode", [0o600, 0o660, 0o620, 0o644])
def test_safe_pipes_work_through_exabgp_cli(tmp_path, mode):
    root, name, folder = make_fifos(tmp_path, mode, mode)
    stream = io.StringIO()

    async def scenario():
        def on_command(command):
            cli.write(f"you said: {command}\n")
            cli.write("done\n")

        cli = cli_pipes(root, name, stream, on_command)
        assert await cli.open()
        try:
            return await run_client(root, name, "version")
        finally:
            cli.close()

    assert asyncio.run(scenario()) == (0, "you said: version\n", "")
    assert stream.getvalue() == (
        f"cli control     named pipes for the cli are:\n"
        f"cli control     to send commands  {folder}{name}.in\n"
        f"cli control     to read responses {folder}{name}.out\n"
    )


@needs_root
@pytest.mark.parametrize("suffix", ["in", "out"])
def test_a_pipe_owned_by_another_user_is_refused(tmp_path, suffix):
    root, name, folder = make_fifos(tmp_path)
    path = f"{folder}{name}.{suffix}"
    os.chown(path, NOBODY, -1)
    stream = io.StringIO()

    async def scenario():
        return await cli_pipes(root, name, stream).open()

    assert asyncio.run(scenario()) is False
    me = pipes.Identity.current()
    assert (
        stream.getvalue()
        == refusal(
            path,
            f"it is owned by uid {NOBODY}, neither the daemon's user ({me.uid}) nor root",
            f"chown {me.uid}:{me.gid}",
        )
        + UNAVAILABLE
    )


@needs_root
def test_a_pipe_another_group_may_write_is_refused(tmp_path):
    root, name, folder = make_fifos(tmp_path, 0o660, 0o600)
    path = f"{folder}{name}.in"
    os.chown(path, -1, NOBODY)
    stream = io.StringIO()

    async def scenario():
        return await cli_pipes(root, name, stream).open()

    assert asyncio.run(scenario()) is False
    me = pipes.Identity.current()
    assert NOBODY not in me.groups
    assert (
        stream.getvalue()
        == refusal(path, f"group {NOBODY}, not one of the daemon's, can write it (mode 0660)", f"chgrp {me.gid}")
        + UNAVAILABLE
    )


def test_both_pipes_and_every_problem_are_told_at_once(tmp_path):
    root, name, folder = make_fifos(tmp_path, 0o666, 0o662)
    stream = io.StringIO()

    async def scenario():
        return await cli_pipes(root, name, stream).open()

    assert asyncio.run(scenario()) is False
    assert stream.getvalue() == (
        refusal(f"{folder}{name}.in", "every user can write it (mode 0666)", "chmod o-w")
        + refusal(f"{folder}{name}.out", "every user can write it (mode 0662)", "chmod o-w")
        + UNAVAILABLE
    )


def test_root_s_pipes_are_trusted_by_a_daemon_that_is_not_root(tmp_path, monkeypatch):
    """A daemon that dropped its privileges uses pipes root made for it (root-owned, 0660, the daemon's group)."""
    root, name, folder = make_fifos(tmp_path, 0o660, 0o660)
    status = os.stat(f"{folder}{name}.in")
    if status.st_uid != 0:
        pytest.skip("the FIFOs of this test are root's only when the tests run as root")
    monkeypatch.setattr(
        pipes.Identity, "current", classmethod(lambda cls: cls(NOBODY, status.st_gid, frozenset({status.st_gid})))
    )
    stream = io.StringIO()

    async def scenario():
        cli = cli_pipes(root, name, stream)
        try:
            return await cli.open()
        finally:
            cli.close()

    assert asyncio.run(scenario()) is True, stream.getvalue()


def test_an_answer_pipe_replaced_by_an_unsafe_one_gets_no_answer(tmp_path):
    """``.out`` is opened for each answer: the descriptor opened is checked, whatever the path held before."""
    root, name, folder = make_fifos(tmp_path)
    out = f"{folder}{name}.out"
    stream = io.StringIO()

    async def scenario():
        cli = cli_pipes(root, name, stream)
        assert await cli.open()
        os.unlink(out)
        os.mkfifo(out)
        os.chmod(out, 0o666)
        reader = os.open(out, os.O_RDONLY | os.O_NONBLOCK)
        try:
            cli.write("secret answer\n")
            await asyncio.sleep(0.1)
            return os.read(reader, 100)
        finally:
            os.close(reader)
            cli.close()

    assert asyncio.run(scenario()) == b""
    assert (
        f"cli control     refusing the named pipe {out}: every user can write it (mode 0666)\n"
        f"cli control     whoever can write it could control this daemon or its cli; to fix it:\n"
        f"cli control     > chmod o-w {out}\n"
        f"cli control     the answer pipe is not safe, 14 bytes of answer dropped\n"
    ) in stream.getvalue()


# ---------------------------------------------------------------- the daemon


@pytest.mark.slow
def test_the_daemon_runs_on_without_world_writable_pipes(tmp_path):
    root, name, folder = make_fifos(tmp_path, 0o666, 0o666)
    port = free_port()
    (tmp_path / "daemon.conf").write_text(f"""
neighbor 127.0.0.2 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; passive; listen {port};
    family {{ ipv4 unicast; }}
}}
""")
    daemon = start(tmp_path / "daemon.conf", EXABGP_ROOT=root, exabgp_api_pipename=name, exabgp_api_cli="true")
    try:
        connect(port, "127.0.0.2").close()  # it serves once the pipes were looked at
        assert daemon.poll() is None  # running, without the cli
        assert nobody_reads(f"{folder}{name}.in")
        env = daemon_environment(EXABGP_ROOT=root, exabgp_api_pipename=name)
        done = subprocess.run(
            [sys.executable, "-m", "exabgp", "cli", "version"],
            env=env,
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert (done.returncode, done.stderr) == (1, "could not send command to ExaBGP (command timeout)")
    finally:
        daemon.send_signal(signal.SIGTERM)
    _, err = daemon.communicate(timeout=15)
    assert daemon.returncode == 0, err
    path = f"{folder}{name}.in"
    assert (
        f"refusing the named pipe {path}: every user can write it (mode 0666)" in err
        and f"> chmod o-w {path}" in err
        and "the cli is not available" in err
    ), err
    assert "named pipes for the cli are" not in err and "Traceback" not in err
