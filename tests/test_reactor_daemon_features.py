"""The daemon's process features, on real `python -m exabgp server` processes.

See docs/compatibility.md, "Start-up, reload and shutdown", "The daemon process".

* ``daemon.daemonize``: the started process exits 0, the daemon runs in a
  session of its own on /dev/null, its pid in ``daemon.pid``, its logs in
  the file; refused (critical log, stays in the foreground) when logging
  to stdout; skipped when standard input is a socket;
* ``daemon.user`` as root: the daemon runs as ``nobody`` (uid, gid and
  groups) after binding a port below 1024, and still reloads;
* ``chdir('/')`` and ``daemon.umask``; relative configuration, pid and log
  paths are taken from the start directory;
* ``daemon.pid`` collisions: a live pid refuses to start (exit 1, the file
  kept), a dead pid or garbage is overwritten; the file goes at exit;
* ``tcp.delay``: 0 connects at once, N waits for the boundary (and a
  signal ends the wait); ``-s N`` reloads after N seconds; ``--profile``
  writes a cProfile file; ``-1``, ``-m``, ``-p`` are accepted, ``-P``
  makes an active neighbor passive; several configurations with a log file
  are refused.

Every port is on 127.0.0.1.
"""

import os
import pstats
import pwd
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

import exabgp
from exabgp.reactor import daemon
from qa import ports
from qa.daemon import finish, logged, start, wait_until

IS_ROOT = os.getuid() == 0


def free_port(low: bool = False) -> int:
    """A free port of 127.0.0.1: a privileged one (900-999) when `low`, else `qa.ports.free_port`'s."""
    if not low:
        return ports.free_port()
    for port in range(900, 1000):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port")


def passive_conf(directory, port, name="daemon.conf", peer="127.0.0.9"):
    path = os.path.join(str(directory), name)
    with open(path, "w") as stream:
        stream.write(f"""
neighbor {peer} {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port};
    family {{ ipv4 unicast; }}
}}
""")
    return path


def active_conf(directory, port):
    path = os.path.join(str(directory), "active.conf")
    with open(path, "w") as stream:
        stream.write(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; connect {port};
    family {{ ipv4 unicast; }}
}}
""")
    return path


def stop(process):
    process.send_signal(signal.SIGTERM)
    return finish(process)


def listening(port, deadline=5.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as probe:
            try:
                probe.connect(("127.0.0.1", port))
                return True
            except ConnectionRefusedError:
                pass
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    """Running, and not a zombie (a daemon reparented to an init that does not reap)."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def status(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as stream:
        return dict(line.split(":\t", 1) for line in stream.read().splitlines() if ":\t" in line)


def read_pid(path) -> int:
    wait_until(lambda: os.path.exists(path) and open(path).read().endswith("\n"), 5, 0.05, what=f"pid file {path}")
    with open(path) as stream:
        return int(stream.read())


@pytest.fixture
def public_dir():
    """A directory every user may write (the pid file is written after the privilege drop), in the system's
    temporary directory (pytest's own are private to their user)."""
    with tempfile.TemporaryDirectory() as name:
        os.chmod(name, 0o777)
        yield name


# ---------------------------------------------------------------- daemonize


def test_daemonize_detaches_and_writes_the_pid_file(tmp_path):
    port = free_port()
    pid_path, log_path = tmp_path / "exabgp.pid", tmp_path / "exabgp.log"
    launcher = start(
        [passive_conf(tmp_path, port)],
        exabgp_daemon_daemonize="true",
        exabgp_daemon_pid=pid_path,
        exabgp_log_destination=log_path,
    )
    code, out, err = finish(launcher)
    assert code == 0 and out == "" and err == ""
    pid = read_pid(pid_path)
    try:
        assert pid != launcher.pid and alive(pid)
        assert listening(port)
        assert os.getsid(pid) not in (os.getsid(0), pid)  # a new session, and not its leader
        assert {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)} == {os.devnull}
        assert os.readlink(f"/proc/{pid}/cwd") == "/"
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not os.path.exists(pid_path), 5, 0.05, what="the pid file's removal")
    wait_until(lambda: not alive(pid), 5, 0.05, what="the daemon's exit")
    text = log_path.read_text()
    assert re.search(r"^\d\d:\d\d:\d\d \d+ +welcome +Thank you for using ExaBGP$", text, re.M)
    assert f"created pid file {pid_path} with value {pid}" in text
    assert "performing shutdown" in text


def test_daemonize_is_refused_when_logging_to_stdout(tmp_path):
    port = free_port()
    pid_path = tmp_path / "exabgp.pid"
    process = start([passive_conf(tmp_path, port)], exabgp_daemon_daemonize="true", exabgp_daemon_pid=pid_path)
    try:
        assert listening(port)
        assert read_pid(pid_path) == process.pid
    finally:
        code, _, err = stop(process)
    assert code == 0
    assert "daemon          ExaBGP can not fork when logs are going to stdout" in err.splitlines()


def test_daemonize_is_skipped_when_stdin_is_a_socket(tmp_path):
    port = free_port()
    pid_path = tmp_path / "exabgp.pid"
    ours, theirs = socket.socketpair()
    with ours, theirs:
        process = start(
            [passive_conf(tmp_path, port)],
            stdin=theirs,
            exabgp_daemon_daemonize="true",
            exabgp_daemon_pid=pid_path,
            exabgp_log_destination=tmp_path / "exabgp.log",
        )
        try:
            assert listening(port)
            assert read_pid(pid_path) == process.pid  # still the process we started
        finally:
            code, _, _ = stop(process)
    assert code == 0
    assert "not detaching: already supervised" in (tmp_path / "exabgp.log").read_text()


# ---------------------------------------------------------------- privileges, chdir, umask


@pytest.mark.slow
@pytest.mark.skipif(not IS_ROOT, reason="dropping privileges needs root")
def test_privilege_drop_to_nobody_after_binding_a_low_port(public_dir):
    nobody = pwd.getpwnam("nobody")
    port = free_port(low=True)
    path = passive_conf(public_dir, port)
    os.chmod(path, 0o644)
    pid_path = os.path.join(public_dir, "exabgp.pid")
    process = start([path, "-v"], exabgp_daemon_user="nobody", exabgp_daemon_pid=pid_path)
    try:
        assert listening(port)  # bound as root, below 1024
        assert read_pid(pid_path) == process.pid
        assert os.stat(pid_path).st_uid == nobody.pw_uid  # written after the drop, as 5.0
        info = status(process.pid)
        assert info["Uid"].split() == [str(nobody.pw_uid)] * 4
        assert info["Gid"].split() == [str(nobody.pw_gid)] * 4
        assert set(info["Groups"].split()) == {str(g) for g in os.getgrouplist("nobody", nobody.pw_gid)}
        process.send_signal(signal.SIGUSR1)  # the configuration is readable by nobody: the reload works
        reloaded = "loaded new configuration successfully"
        wait_until(lambda: reloaded in logged(process).partition("SIGUSR1 received")[2], what="the reload")
    finally:
        code, _, err = stop(process)
    assert code == 0, err
    assert "loaded new configuration successfully" in err.split("SIGUSR1 received", 1)[1]
    assert not os.path.exists(pid_path)


def test_preload_imports_every_module_before_the_drop():
    package = os.path.dirname(exabgp.__file__)
    expected = set()
    for directory, _, files in os.walk(package):
        for name in files:
            stem, extension = os.path.splitext(name)
            if extension == ".py" and stem != "__main__":
                relative = os.path.relpath(os.path.join(directory, stem), os.path.dirname(package))
                expected.add(relative.replace(os.sep, ".").removesuffix(".__init__"))
    daemon.preload()
    assert expected <= set(sys.modules)
    assert "exabgp.__main__" not in sys.modules


@pytest.mark.skipif(not IS_ROOT, reason="dropping privileges needs root")
def test_daemon_drop_false_keeps_root(tmp_path):
    port = free_port()
    process = start([passive_conf(tmp_path, port)], exabgp_daemon_user="nobody", exabgp_daemon_drop="false")
    try:
        assert listening(port)
        assert status(process.pid)["Uid"].split() == ["0"] * 4
    finally:
        code, _, err = stop(process)
    assert code == 0, err


@pytest.mark.skipif(not IS_ROOT, reason="dropping privileges needs root")
def test_a_user_that_does_not_exist_is_refused(tmp_path):
    assert daemon.drop_privileges("no-such-user-exabgp") == "user no-such-user-exabgp is not found"
    assert os.getuid() == 0
    code, _, err = finish(start([passive_conf(tmp_path, free_port())], exabgp_daemon_user="no-such-user-exabgp"))
    assert code == 1 and "invalid value for daemon.user : no-such-user-exabgp" in err


@pytest.mark.slow
def test_chdir_umask_and_relative_paths(tmp_path):
    port = free_port()
    passive_conf(tmp_path, port, "relative.conf")
    process = start(
        ["relative.conf", "-v"],
        cwd=tmp_path,
        exabgp_daemon_umask="027",
        exabgp_daemon_pid="exabgp.pid",
        exabgp_log_destination="file:exabgp.log",
    )
    try:
        assert listening(port)
        assert read_pid(tmp_path / "exabgp.pid") == process.pid
        assert os.readlink(f"/proc/{process.pid}/cwd") == "/"
        assert status(process.pid)["Umask"] == "0027"
        process.send_signal(signal.SIGUSR1)  # the configuration is found again from /
        log = tmp_path / "exabgp.log"
        reloaded = "loaded new configuration successfully"
        wait_until(lambda: reloaded in log.read_text().partition("SIGUSR1 received")[2], what="the reload")
    finally:
        code, _, err = stop(process)
    assert code == 0 and err == ""
    text = (tmp_path / "exabgp.log").read_text()
    assert "loaded new configuration successfully" in text.split("SIGUSR1 received", 1)[1]
    assert "config.reload.failed" not in text
    assert not (tmp_path / "exabgp.pid").exists()


def test_default_umask_is_0137(tmp_path):
    port = free_port()
    process = start([passive_conf(tmp_path, port)])
    try:
        assert listening(port)
        assert status(process.pid)["Umask"] == "0137"
    finally:
        assert stop(process)[0] == 0


# ---------------------------------------------------------------- pid file


def test_a_live_pid_refuses_to_start_and_keeps_the_file(tmp_path):
    pid_path = tmp_path / "exabgp.pid"
    pid_path.write_text(f"{os.getpid()}\n")
    code, _, err = finish(start([passive_conf(tmp_path, free_port())], exabgp_daemon_pid=pid_path))
    assert code == 1
    assert f"pid file {pid_path} already exists and program {os.getpid()} is still running" in err
    assert pid_path.read_text() == f"{os.getpid()}\n"


@pytest.mark.parametrize("content", ["dead", "garbage\n", "123456789012\n", ""])
def test_a_stale_pid_file_is_overwritten(tmp_path, content):
    if content == "dead":
        dead = subprocess.Popen(["true"])
        dead.wait()
        content = f"{dead.pid}\n"
    pid_path = tmp_path / "exabgp.pid"
    pid_path.write_text(content)
    port = free_port()
    process = start([passive_conf(tmp_path, port)], exabgp_daemon_pid=pid_path)
    try:
        assert listening(port)
        # the pid file is written after the listeners are bound (5.0 startup order): wait for it
        wait_until(lambda: pid_path.exists() and pid_path.read_text() == f"{process.pid}\n", 5, 0.05)
    finally:
        assert stop(process)[0] == 0
    assert not pid_path.exists()


def test_pid_file_unit(tmp_path):
    path = str(tmp_path / "x.pid")
    first = daemon.PidFile(path)
    assert first.write() is None and open(path).read() == f"{os.getpid()}\n"
    assert os.stat(path).st_mode & 0o777 == 0o644 & ~os.umask(os.umask(0))
    with open(path, "w") as stream:
        stream.write("1\n")  # another daemon took the file over: not ours to remove
    first.remove()
    assert os.path.exists(path)
    assert daemon.PidFile(path).write() == f"pid file {path} already exists and program 1 is still running"
    with open(path, "w") as stream:
        stream.write(f"{os.getpid()}\n")  # our own pid (a restarted container): stale
    second = daemon.PidFile(path)
    assert second.write() is None
    second.remove()
    assert not os.path.exists(path)
    assert daemon.PidFile(str(tmp_path / "no" / "x.pid")).write().startswith("can not write the pid file")


# ---------------------------------------------------------------- tcp.delay, -s, --profile, flags


def test_delay_arithmetic():
    assert daemon.delay(0, 1234.5) == 0
    assert daemon.delay(1, 120.0) == 0
    assert daemon.delay(1, 61.5) == 58.5
    assert daemon.delay(5, 299.0) == 1.0
    assert daemon.delay(5, 301.0) == 299.0


def accept_within(server, seconds) -> bool:
    server.settimeout(seconds)
    try:
        connection, _ = server.accept()
    except socket.timeout:
        return False
    connection.close()
    return True


def test_tcp_delay_zero_connects_at_once(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        process = start([active_conf(tmp_path, server.getsockname()[1])], exabgp_tcp_delay="0")
        try:
            assert accept_within(server, 5)
        finally:
            code, _, err = stop(process)
    assert code == 0 and "waiting for" not in err


@pytest.mark.slow
def test_tcp_delay_waits_for_the_boundary_and_a_signal_ends_the_wait(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        begin = time.time()
        process = start([active_conf(tmp_path, server.getsockname()[1]), "-v"], exabgp_tcp_delay="1")
        connected = accept_within(server, 1.5)
        code, _, err = stop(process)
    assert code == 0, err
    seconds = int(re.search(r"waiting for (\d+) seconds before connecting", err).group(1))
    expected = 60 - begin % 60
    # within 2 s of it, on the minute's circle: a daemon that reads the clock after the minute turned waits ~60 s
    # where the test, which read it just before, expects ~0 s
    assert abs((seconds - expected + 30) % 60 - 30) <= 2
    if expected > 3:
        assert not connected and "attempting connection" not in err


@pytest.mark.slow
def test_signal_flag_reloads_after_n_seconds(tmp_path):
    port = free_port()
    process = start([passive_conf(tmp_path, port), "-s", "1"])
    try:
        assert listening(port)
        wait_until(lambda: "performing reload" in logged(process), what="the reload 1 s after the start")
    finally:
        code, _, err = stop(process)
    assert code == 0
    assert err.index("SIGUSR1 received") < err.index("performing reload")


def test_profile_writes_a_cprofile_file(tmp_path):
    port = free_port()
    process = start([passive_conf(tmp_path, port), "--profile", "exabgp.prof"], cwd=tmp_path)
    try:
        assert listening(port)
    finally:
        assert stop(process)[0] == 0
    stats = pstats.Stats(str(tmp_path / "exabgp.prof"))
    assert any(name == "run" for _file, _line, name in stats.stats)
    process = start([passive_conf(tmp_path, port), "--profile", "exabgp.prof"], cwd=tmp_path)
    try:
        assert listening(port)
    finally:
        code, _, err = stop(process)
    assert code == 0 and "it already exists" in err


@pytest.mark.slow
def test_compatibility_flags_and_passive(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        process = start([active_conf(tmp_path, server.getsockname()[1]), "-1", "-m", "-p", "-P"])
        try:
            assert not accept_within(server, 1.5)  # -P: the active neighbor does not connect
        finally:
            code, _, err = stop(process)
    assert code == 0 and "Traceback" not in err


def test_several_configurations_refuse_a_log_file(tmp_path):
    first, second = passive_conf(tmp_path, free_port(), "a.conf"), passive_conf(tmp_path, free_port(), "b.conf")
    code, _, err = finish(start([first, second], exabgp_log_destination=tmp_path / "x.log"))
    assert code == 1 and "can not log to files when running multiple configuration" in err
    assert not (tmp_path / "x.log").exists() or "Thank you" not in (tmp_path / "x.log").read_text()
