"""The systemd units, sysusers.d and tmpfiles.d files of etc/systemd (issue 10, finding 6).

* `systemd-analyze verify` accepts both units (the template as an
  instance), with no warning: every directive known, every command
  executable, every ``man:`` page of Documentation= found (MANPATH points at
  the repository's man/).  The unit looks ``exabgp`` up in systemd's search
  path (/usr/local/bin, /usr/bin); the copy verified names the installed
  one instead, the only change made to it;
* the command lines run: ExecStart (with ExecStartPre for the template) is
  executed as written, with the unit's Environment=, the paths under
  /etc/exabgp and /run/exabgp moved into a temporary directory (and
  ``EXABGP_ROOT`` pointing there so that the daemon and the CLI look for
  the pipes in it); the daemon listens, answers ``exabgp-cli`` through the
  template's pipes, survives ExecReload's signal and stops on SIGTERM with
  status 0.  The units run the daemon as the exabgp user (User=), which the
  test can not be: it runs it as itself, without the privilege drop;
* systemd-sysusers and systemd-tmpfiles, in a temporary root, create the
  exabgp user and /run/exabgp with pipes that the daemon running as that
  user trusts (`exabgp.reactor.pipes.distrust`): the tmpfiles.d file gives
  them to that user (chown: needs root).

A missing systemd program, or not being root, skips a test here, and fails
it under EXABGP_INTEROP=1 (.ci/run installs the programs and runs as root).
"""

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from exabgp.config import environment
from exabgp.reactor import pipes
from qa.daemon import finish, free_port, logged, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEMD = os.path.join(ROOT, "etc", "systemd")
UNITS = ("exabgp.service", "exabgp@.service")
INSTANCE = "edge"
BIN = os.path.dirname(sys.executable)


def require(condition: bool, reason: str) -> None:
    """Skip when `condition` is false, or fail under EXABGP_INTEROP=1."""
    if condition:
        return
    if os.environ.get("EXABGP_INTEROP") == "1":
        pytest.fail(f"{reason} (EXABGP_INTEROP=1)")
    pytest.skip(reason)


def program(name: str) -> str:
    found = shutil.which(name) or next(
        (
            os.path.join(folder, name)
            for folder in ("/usr/sbin", "/sbin", "/usr/bin")
            if os.access(os.path.join(folder, name), os.X_OK)
        ),
        None,
    )
    require(found is not None, f"{name} is not installed")
    return found


def directives(unit: str, instance: str = INSTANCE) -> dict:
    """``(section, key) -> [values]`` of a unit file, ``%i`` replaced by `instance`."""
    found = {}
    section = None
    with open(os.path.join(SYSTEMD, unit)) as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            key, value = line.split("=", 1)
            found.setdefault((section, key), []).append(value.replace("%i", instance))
    return found


def command_line(value: str) -> tuple:
    """``(ignore failure, argv)`` of an Exec*= value (the ``-`` prefix only: the units use no other)."""
    ignore = value.startswith("-")
    return ignore, shlex.split(value.lstrip("-"))


def executable(name: str) -> str:
    """Where systemd finds `name`: the installed program of this interpreter's environment for ours."""
    if os.path.isabs(name):
        return name
    local = os.path.join(BIN, name)
    return local if os.access(local, os.X_OK) else program(name)


@pytest.mark.parametrize("unit", UNITS)
def test_environment_of_the_units_names_real_settings(unit):
    names = {f"exabgp_{setting.section}_{setting.key}" for setting in environment.SETTINGS}
    for value in directives(unit)[("Service", "Environment")]:
        name = value.split("=", 1)[0]
        assert name in names or name == "EXABGP_ENVFILE", f"{unit}: {name} is no setting"


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_analyze_verify_accepts_the_unit(tmp_path, unit):
    analyze = program("systemd-analyze")
    program("man")
    name = unit.replace("@.", f"@{INSTANCE}.")
    text = open(os.path.join(SYSTEMD, unit)).read()
    assert "\nExecStart=exabgp " in text
    (tmp_path / name).write_text(text.replace("\nExecStart=exabgp ", f"\nExecStart={executable('exabgp')} "))
    env = dict(os.environ, MANPATH=os.path.join(ROOT, "man"))
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / name)], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def _moved(value: str, base) -> str:
    return value.replace("/etc/exabgp/", f"{base}/etc/exabgp/").replace("/run/exabgp/", f"{base}/run/exabgp/")


def _listening(port: int, deadline: float = 20.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_the_unit_command_lines_run_the_daemon(tmp_path, unit):
    found = directives(unit)
    port = free_port()
    (tmp_path / "etc" / "exabgp").mkdir(parents=True)
    (tmp_path / "run" / "exabgp").mkdir(parents=True)
    configuration = f"""
neighbor 127.0.0.2 {{
    router-id 192.0.2.1; local-address 127.0.0.1; local-as 64496; peer-as 64497;
    passive; listen {port};
}}
"""
    condition = _moved(found[("Unit", "ConditionPathExists")][0], tmp_path)
    with open(condition, "w") as handle:
        handle.write(configuration)
    env = {key: value for key, value in os.environ.items() if not key.lower().startswith("exabgp")}
    env.update(value.split("=", 1) for value in (_moved(v, tmp_path) for v in found[("Service", "Environment")]))
    env.update(EXABGP_ROOT=str(tmp_path), exabgp_daemon_drop="false", exabgp_log_level="DEBUG")
    for value in found.get(("Service", "ExecStartPre"), []):
        ignore, argv = command_line(_moved(value, tmp_path))
        done = subprocess.run([executable(argv[0]), *argv[1:]], env=env, capture_output=True, timeout=10)
        assert ignore or done.returncode == 0, done.stderr
    (start,) = found[("Service", "ExecStart")]
    _ignore, argv = command_line(_moved(start, tmp_path))
    daemon = subprocess.Popen(
        [executable(argv[0]), *argv[1:]],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _listening(port), "the daemon does not listen"
        if unit == "exabgp@.service":  # ExecStartPre made the pipes: the CLI reaches the daemon through them
            assert sorted(os.listdir(tmp_path / "run" / "exabgp")) == [f"{INSTANCE}.in", f"{INSTANCE}.out"]
            cli = subprocess.run(
                [executable("exabgp-cli"), "--pipename", INSTANCE, "version"],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert cli.returncode == 0 and cli.stdout.startswith("exabgp "), cli
        (reload,) = found[("Service", "ExecReload")]
        _ignore, argv = command_line(reload.replace("$MAINPID", str(daemon.pid)))
        subprocess.run([executable(argv[0]), *argv[1:]], check=True, timeout=10)
        reloaded = "loaded new configuration successfully"
        wait_until(lambda: reloaded in logged(daemon).partition("SIGUSR1 received")[2], what="the reload")
        assert daemon.poll() is None, "the daemon stopped on ExecReload's signal"
        daemon.send_signal(signal.SIGTERM)
        code, out, err = finish(daemon, 30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.communicate()
    output = out + err
    assert code == 0, output
    assert "Traceback" not in output
    assert "refusing the named pipe" not in output


def test_sysusers_and_tmpfiles_make_pipes_the_daemon_trusts(tmp_path):
    sysusers, tmpfiles = program("systemd-sysusers"), program("systemd-tmpfiles")
    require(os.getuid() == 0, "giving the pipes to the exabgp user (chown) needs root")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (tmp_path / "etc" / "group").write_text("root:x:0:\n")
    subprocess.run(
        [sysusers, f"--root={tmp_path}", os.path.join(SYSTEMD, "sysusers.d", "exabgp.conf")],
        check=True,
        capture_output=True,
        timeout=30,
    )
    users = {line.split(":")[0]: line.split(":") for line in (tmp_path / "etc" / "passwd").read_text().splitlines()}
    uid, gid = int(users["exabgp"][2]), int(users["exabgp"][3])
    assert uid and gid
    subprocess.run(
        [tmpfiles, "--create", f"--root={tmp_path}", os.path.join(SYSTEMD, "tmpfiles.d", "exabgp.conf")],
        check=True,
        capture_output=True,
        timeout=30,
    )
    folder = tmp_path / "run" / "exabgp"
    assert (os.stat(folder).st_uid, os.stat(folder).st_mode & 0o7777) == (uid, 0o750)
    daemon = pipes.Identity(uid, gid, frozenset({gid}))
    for name in ("exabgp.in", "exabgp.out"):
        status = os.stat(folder / name)
        assert pipes.distrust(status, daemon) == []
        assert status.st_mode & 0o7777 == 0o660
    stranger = pipes.Identity(uid + 1, gid + 1, frozenset({gid + 1}))  # another user: the pipes are not its own
    assert pipes.distrust(os.stat(folder / "exabgp.in"), stranger)
