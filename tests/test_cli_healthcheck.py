"""`exabgp healthcheck`: its state machine, its API commands, and the program watching a real TCP service.

The pure part (`exabgp.cli.healthcheck_state`) is driven with sequences of
check results.  The program runs as a subprocess (``python -m exabgp
healthcheck``) checking a TCP port on 127.0.0.1 that the test opens and
closes, and its stdout must carry the exact announce/withdraw lines.
Every run on the host passes ``--no-ip-setup`` and ``--ip``, so the host's
interfaces are never read or changed; the address set-up is tested inside a
private network namespace (``unshare -n``) when the test may create one.
The same option sets are run through ExaBGP 5.0.15 (the oracle, `qa.oracle`)
and the outputs must be identical.
"""

import importlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import given, strategies as st

import exabgp
from exabgp.cli import healthcheck
from exabgp.cli.healthcheck_state import (
    DISABLED,
    DOWN,
    END,
    EXIT,
    FALLING,
    INIT,
    RISING,
    UP,
    Routes,
    commands,
    step,
)

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))
oracle = importlib.import_module("qa.oracle")
HOST = ["--no-syslog", "--no-ip-setup", "--ip", "192.0.2.10/32"]  # never touches the host's interfaces


def walk(results, rise=3, fall=3, disabled=()):
    """The states after each check result; `disabled` holds the indexes where the disable file exists."""
    state, checks, states = INIT, 0, []
    for index, healthy in enumerate(results):
        state, checks = step(state, checks, index in disabled, healthy, rise, fall)
        states.append(state)
    return states


# --- the state machine ------------------------------------------------------------------------


def test_rise_and_fall_are_counted():
    results = [True, True, True, True, False, False, False, False, True, False, True, True, True]
    assert walk(results) == [
        RISING,
        RISING,
        UP,
        UP,
        FALLING,
        FALLING,
        DOWN,
        DOWN,
        RISING,
        FALLING,
        RISING,
        RISING,
        UP,
    ]


def test_first_failures_fall_from_init():
    assert walk([False, False, True], fall=2) == [FALLING, DOWN, RISING]


@pytest.mark.parametrize("count", [0, 1])
def test_rise_and_fall_of_one_skip_the_intermediate_states(count):
    assert walk([True, False, False, True, True], rise=count, fall=count) == [UP, DOWN, DOWN, UP, UP]


def test_disable_file_wins_then_restarts_from_init():
    results = [True, True, False, True, True, False, True]
    assert walk(results, rise=2, fall=2, disabled={2, 3}) == [RISING, UP, DISABLED, DISABLED, INIT, FALLING, RISING]


@given(st.lists(st.booleans(), max_size=40), st.integers(1, 4), st.integers(1, 4))
def test_runs_of_results_decide_up_and_down(results, rise, fall):
    states = walk(results, rise, fall)
    for index, state in enumerate(states):
        tail = results[: index + 1]
        if len(tail) >= rise and all(tail[-rise:]):
            assert state == UP
        if len(tail) >= fall and not any(tail[-fall:]):
            assert state == DOWN
        if state == UP:
            assert tail[-1]
        if state == DOWN:
            assert not tail[-1]


# --- the API commands -------------------------------------------------------------------------

TWO = Routes(ips=("192.0.2.1/32", "2001:db8::1/128"))


def test_metric_per_state_increases_per_ip():
    assert commands(UP, TWO) == [
        "neighbor * announce route 192.0.2.1/32 next-hop self med 100",
        "neighbor * announce route 2001:db8::1/128 next-hop self med 101",
    ]
    assert [line.split()[-1] for line in commands(DOWN, TWO)] == ["1000", "1001"]
    assert [line.split()[-1] for line in commands(DISABLED, TWO)] == ["500", "501"]


@pytest.mark.parametrize("state", [INIT, RISING, FALLING, END])
def test_transient_states_send_nothing(state):
    assert commands(state, TWO) == []


def test_exit_withdraws_every_ip():
    routes = Routes(ips=("192.0.2.1/32",), next_hop="192.0.2.254", community="1:1", path_id=4)
    assert commands(EXIT, routes) == ["neighbor * withdraw route 192.0.2.1/32 next-hop 192.0.2.254 path-information 4"]


def test_withdraw_on_down():
    routes = Routes(ips=("192.0.2.1/32",), withdraw_on_down=True)
    assert commands(UP, routes) == ["neighbor * announce route 192.0.2.1/32 next-hop self med 100"]
    for state in (DOWN, DISABLED):
        assert commands(state, routes) == ["neighbor * withdraw route 192.0.2.1/32 next-hop self"]


def test_attributes_in_order_and_per_state():
    routes = Routes(
        ips=("192.0.2.1/32",),
        increase=10,
        local_preference=0,
        community="65000:1 65000:2",
        disabled_community="65000:666",
        extended_community="target:1:2",
        large_community="1:2:3",
        as_path="1 2",
        as_paths=((DOWN, "3 3"),),
        path_id=7,
        neighbors=("10.0.0.1", "2001:db8::2"),
        metrics=((UP, 7), (DOWN, 8), (DISABLED, 9)),
    )
    assert commands(UP, routes) == [
        "neighbor 10.0.0.1, neighbor 2001:db8::2 announce route 192.0.2.1/32 next-hop self med 7 local-preference 0"
        " community [ 65000:1 65000:2 ] extended-community [ target:1:2 ] large-community [ 1:2:3 ]"
        " as-path [ 1 2 ] path-information 7"
    ]
    assert commands(DOWN, routes) == [
        "neighbor 10.0.0.1, neighbor 2001:db8::2 announce route 192.0.2.1/32 next-hop self med 8 local-preference 0"
        " community [ 65000:666 ] extended-community [ target:1:2 ] large-community [ 1:2:3 ]"
        " as-path [ 3 3 ] path-information 7"
    ]
    assert "neighbor * announce" in commands(UP, Routes(ips=("192.0.2.1/32",), neighbors=("10.0.0.1", "*")))[0]


# --- options ----------------------------------------------------------------------------------

OPTIONS = (
    "-h --help --silent -s --syslog-facility -sF --no-syslog --debug -d --no-ack -a --sudo --name -n --config -F"
    " --pid -p --user --group --interval -i --fast-interval -f --timeout -t --rise --fall --disable --command"
    " --cmd -c --next-hop -N --ip --ip-ifname --local-preference --deaggregate-networks --no-ip-setup"
    " --dynamic-ip-setup --label --label-exact-match --start-ip --up-metric --down-metric --disabled-metric"
    " --increase --community --extended-community --large-community --disabled-community --as-path --up-as-path"
    " --down-as-path --disabled-as-path --withdraw-on-down --path-id --neighbor --debounce --execute"
    " --up-execute --down-execute --disabled-execute"
).split()


def test_option_set_and_defaults():
    import argparse

    parser = argparse.ArgumentParser()
    healthcheck.setargs(parser)
    assert sorted(parser._option_string_actions) == sorted(OPTIONS)
    options = healthcheck.parse([])
    assert (options.interval, options.fast, options.timeout, options.rise, options.fall) == (5, 1, 5, 3, 3)
    assert (options.up_metric, options.down_metric, options.disabled_metric, options.increase) == (100, 1000, 500, 1)
    assert (options.local_preference, options.ip_setup, options.ip_dynamic, options.syslog_facility) == (
        -1,
        True,
        False,
        "daemon",
    )


def test_config_file_comes_first(tmp_path):
    config = tmp_path / "hc.conf"
    config.write_text("# a comment\n\ndebug\nname = web\n  rise=2\nip = 192.0.2.5/32\ncommand = test 1 = 1\n")
    options = healthcheck.parse(["--config", str(config), "--rise", "4", "--ip", "192.0.2.6/32"])
    assert options.debug and options.name == "web" and options.rise == 4 and options.command == "test 1 = 1"
    assert [str(ip) for ip in options.ips] == ["192.0.2.5/32", "192.0.2.6/32"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--ip", "192.0.2.1/24"], "argument --ip: invalid ip_network value: '192.0.2.1/24'"),
        (["--community", "1:1\n2:2"], "argument --community: '1:1\\n2:2' contains the control character '\\n'"),
        (
            ["--ip", "192.0.2.1/32", "--ip-ifname", "192.0.2.2/32%eth0"],
            "No 'ip' parameter has been defined for the ip_ifname pair '192.0.2.2/32%eth0'",
        ),
        (["--ip", "192.0.2.1/32", "--ip-ifname", "192.0.2.1/32%eth 0"], "Expected NIC interface name but got 'eth 0'"),
        (
            ["--ip", "192.0.2.1/32", "--ip-ifname", "192.0.2.1/32"],
            "Expected IP to IFNAME parameter: <ip_address>%<ifname>, got '192.0.2.1/32'",
        ),
        (["--neighbor", "nobody"], "argument --neighbor: invalid neighbor_address value: 'nobody'"),
        (["--config", "/nonexistent/hc.conf"], "argument --config/-F: can't open '/nonexistent/hc.conf'"),
    ],
)
def test_bad_options_are_usage_errors(argv, message, capsys):
    assert healthcheck.main(argv, prog="exabgp healthcheck") == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: exabgp healthcheck") and f"exabgp healthcheck: error: {message}" in err


def test_log_lines_on_console_and_syslog():
    import io

    options = healthcheck.parse(["--name", "web", "--syslog-facility", "local3"])
    console = io.StringIO()
    log = healthcheck._Log(options, console)
    log.syslog, receiver = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    log.debug("hidden")
    log.warning("Check command was unsuccessful: 1")
    assert console.getvalue() == "WARNING[healthcheck] Check command was unsuccessful: 1\n"
    assert receiver.recv(512) == f"<156>healthcheck-web[{os.getpid()}]: Check command was unsuccessful: 1\0".encode()
    log.syslog.close()
    receiver.close()
    silent = healthcheck._Log(healthcheck.parse(["--silent", "--debug"]), console)
    assert silent.console is None and silent.syslog is None  # --debug turns syslog off


def test_address_commands_with_sudo_label_and_interface():
    from ipaddress import ip_network

    options = healthcheck.parse(
        ["--sudo", "--label", "web", "--ip", "192.0.2.1/32", "--ip", "192.0.2.2/32", "--ip-ifname", "192.0.2.2/32%eth1"]
    )
    addresses = healthcheck._Addresses(options, None)
    assert addresses._command("add", ip_network("192.0.2.1/32")) == [
        "sudo",
        "ip",
        "address",
        "add",
        "192.0.2.1/32",
        "dev",
        "lo",
        "label",
        "lo:web",
    ]
    assert addresses._command("delete", ip_network("192.0.2.2/32")) == [
        "sudo",
        "ip",
        "address",
        "delete",
        "192.0.2.2/32",
        "dev",
        "eth1",
        "label",
        "eth1:web",
    ]


def test_console_script_name_and_failures():
    script = "import sys; from exabgp.cli.healthcheck import main; sys.argv = ['/usr/bin/exabgp-healthcheck', '--help']; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stdout.startswith("usage: exabgp-healthcheck [-h]")
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "healthcheck"] + HOST + ["--user", "no-such-user-hc", "-i", "0"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "ERROR[healthcheck] Uncaught exception: \"getpwnam(): name not found: 'no-such-user-hc'\"\n"


# --- the program ------------------------------------------------------------------------------


class Program:
    """A healthcheck subprocess whose stdout lines are collected by a thread."""

    def __init__(self, args, command=None, cwd=REPOSITORY, stdin=subprocess.DEVNULL):
        command = command or [sys.executable, "-m", "exabgp", "healthcheck"]
        # SIGINT at its default disposition, as from a terminal (a runner started in the background of a
        # non-interactive shell ignores it, and a program started with it ignored keeps it so: 5.0.15 too)
        self.process = subprocess.Popen(
            command + args,
            cwd=cwd,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, timeout=10.0):
        return self.lines.get(timeout=timeout)

    def until(self, expected, timeout=10.0):
        """Skip lines until `expected` (which must come in time); return the lines skipped."""
        skipped, deadline = [], time.monotonic() + timeout
        while True:
            line = self.line(max(0.01, deadline - time.monotonic()))
            if line == expected:
                return skipped
            skipped.append(line)

    def stop(self, signum=signal.SIGTERM):
        """Signal the program and return (exit code, remaining stdout lines, stderr)."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=10)
        err = self.process.stderr.read()
        self.reader.join(10)  # it read the last line
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, rest, err


def listener(port=0):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(8)
    return sock


def connect_check(port):
    script = f"import socket, sys; sys.exit(0 if socket.socket().connect_ex(('127.0.0.1', {port})) == 0 else 1)"
    return f'{sys.executable} -c "{script}"'


ANNOUNCE = "neighbor * announce route 192.0.2.10/32 next-hop self med 100"
DOWN_MED = "neighbor * announce route 192.0.2.10/32 next-hop self med 1000"
WITHDRAW = "neighbor * withdraw route 192.0.2.10/32 next-hop self"


@pytest.mark.slow
@pytest.mark.parametrize("withdraw_on_down", [False, True])
def test_tcp_service_going_up_and_down(withdraw_on_down):
    service = listener()
    port = service.getsockname()[1]
    args = HOST + ["--no-ack", "-i", "0.1", "-f", "0.1", "--rise", "1", "--fall", "1", "--cmd", connect_check(port)]
    down = WITHDRAW if withdraw_on_down else DOWN_MED
    program = Program(args + (["--withdraw-on-down"] if withdraw_on_down else []))
    try:
        assert program.line() == ANNOUNCE
        service.close()
        assert set(program.until(down)) <= {ANNOUNCE}
        service = listener(port)
        assert set(program.until(ANNOUNCE)) <= {down}
    finally:
        service.close()
        code, rest, err = program.stop()
    assert code == 0 and rest and rest[-1] == WITHDRAW and set(rest[:-1]) <= {ANNOUNCE, down}
    assert "WARNING[healthcheck] Check command was unsuccessful: 1" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_each_command_waits_for_an_ack():
    program = Program(HOST + ["-i", "0.05", "--rise", "1"], stdin=subprocess.PIPE)
    try:
        assert program.line() == ANNOUNCE
        with pytest.raises(queue.Empty):
            program.line(timeout=0.5)
        program.process.stdin.write("done\n")
        program.process.stdin.flush()
        assert program.line() == ANNOUNCE
    finally:
        program.process.stdin.close()  # end of input: the remaining reads return at once
        code, _, err = program.stop()
    assert code == 0 and "Traceback" not in err


def test_disable_file_debounce_and_hooks(tmp_path):
    disable, record = tmp_path / "disable", tmp_path / "states"
    args = HOST + [
        "--no-ack",
        "-i",
        "0.05",
        "--rise",
        "1",
        "--debounce",
        "--disable",
        str(disable),
        "--execute",
        f"echo $STATE >> {record}",
        "--up-execute",
        f"echo up-$STATE >> {record}",
        "--disabled-execute",
        f"echo disabled-$STATE >> {record}",
        "--disabled-community",
        "65000:0",
    ]
    program = Program(args)
    try:
        assert program.line() == ANNOUNCE
        disable.touch()
        assert program.line() == "neighbor * announce route 192.0.2.10/32 next-hop self med 500 community [ 65000:0 ]"
        disable.unlink()
        assert program.line() == ANNOUNCE  # through INIT, which sends nothing
    finally:
        code, rest, err = program.stop()
    assert code == 0 and rest == [WITHDRAW]
    assert record.read_text().split() == ["up-UP", "UP", "disabled-DISABLED", "DISABLED", "INIT", "up-UP", "UP"]


def test_sigint_withdraws_and_interval_zero_ends(tmp_path):
    program = Program(HOST + ["--no-ack", "-i", "0.05", "--rise", "1", "--debounce", "--debug"])
    assert program.line() == ANNOUNCE
    code, rest, err = program.stop(signal.SIGINT)
    assert code == 0 and rest == [WITHDRAW]
    assert "INFO[healthcheck] send announces for EXIT state to ExaBGP\n" in err
    assert f"DEBUG[healthcheck] exabgp: {WITHDRAW}\n" in err

    pid = tmp_path / "pid"
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "healthcheck"]
        + HOST
        + ["--no-ack", "-i", "0", "--fall", "1", "--cmd", "false", "--pid", str(pid)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0 and result.stdout == DOWN_MED + "\n"
    assert result.stderr.splitlines()[-1] == "INFO[healthcheck] interval set to zero, exiting after the announcement"
    assert pid.read_text().strip().isdigit()


@pytest.mark.slow
def test_check_timeout_kills_the_command():
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "healthcheck"]
        + HOST
        + ["--no-ack", "-i", "0", "--fall", "1", "-t", "1", "--cmd", "sleep 30"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert time.monotonic() - started < 10
    assert result.returncode == 0 and result.stdout == DOWN_MED + "\n"
    assert "WARNING[healthcheck] Timeout (1) while running check command sleep 30\n" in result.stderr


# --- the same runs through ExaBGP 5.0.15 ------------------------------------------------------

ONE_SHOT = [
    ["--cmd", "true", "--rise", "1"],
    ["--cmd", "echo broken; exit 3", "--fall", "1", "--debug"],
    [
        "--cmd",
        "false",
        "--fall",
        "1",
        "--withdraw-on-down",
        "--path-id",
        "9",
        "--neighbor",
        "10.0.0.1",
        "--neighbor",
        "2001:db8::1",
    ],
    [
        "--rise",
        "1",
        "--ip",
        "192.0.2.0/30",
        "--ip",
        "2001:db8::/127",
        "--start-ip",
        "1",
        "--increase",
        "10",
        "--up-metric",
        "7",
        "--next-hop",
        "192.0.2.254",
        "--local-preference",
        "50",
        "--community",
        "65000:1 65000:2",
        "--extended-community",
        "target:1:2",
        "--large-community",
        "1:2:3",
        "--as-path",
        "1 2",
        "--up-as-path",
        "5 6",
        "--neighbor",
        "*",
    ],
    [
        "--disable",
        "/",
        "--disabled-metric",
        "42",
        "--community",
        "1:1",
        "--disabled-community",
        "9:9",
        "--disabled-as-path",
        "3",
        "--ip",
        "192.0.2.8/31",
        "--deaggregate-networks",
    ],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", ONE_SHOT)
def test_same_output_as_exabgp_5(args, tmp_path):
    reference = oracle.require_oracle()
    argv = HOST + ["--no-ack", "-i", "0"] + args
    ours = subprocess.run(
        [sys.executable, "-m", "exabgp", "healthcheck"] + argv,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=30,
    )
    theirs = subprocess.run(
        [reference, "healthcheck"] + argv,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert theirs.stdout  # the reference did run
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)


@pytest.mark.slow
def test_same_stop_as_exabgp_5(tmp_path):
    reference = oracle.require_oracle()
    args = HOST + ["--no-ack", "-i", "0.05", "--rise", "1", "--debounce", "--community", "1:1", "--path-id", "5"]
    outputs = []
    for command, cwd in (
        ([sys.executable, "-m", "exabgp", "healthcheck"], REPOSITORY),
        ([reference, "healthcheck"], tmp_path),
    ):
        program = Program(args, command=command, cwd=cwd)
        first = program.line()
        code, rest, err = program.stop()
        outputs.append((code, [first] + rest, err))
    assert outputs[0] == outputs[1]
    assert outputs[0][1] == [
        "neighbor * announce route 192.0.2.10/32 next-hop self med 100 community [ 1:1 ] path-information 5",
        "neighbor * withdraw route 192.0.2.10/32 next-hop self path-information 5",
    ]


@pytest.mark.slow
def test_same_usage_as_exabgp_5(tmp_path):
    reference = oracle.require_oracle("python")
    ours = subprocess.run(
        [sys.executable, "-m", "exabgp", "healthcheck", "--help"], cwd=REPOSITORY, capture_output=True, text=True
    )
    theirs = subprocess.run(
        [reference, "-m", "exabgp", "healthcheck", "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert ours.returncode == theirs.returncode == 0
    assert ours.stdout == theirs.stdout


# --- address set-up, in a private network namespace -------------------------------------------

NAMESPACE_SCRIPT = """
set -e
ip link set lo up
ip address add 192.0.2.99/32 dev lo label lo:db
{hc} --ip 192.0.2.10/32 --ip 192.0.2.12/31 --label web -i 0
ip -o address show dev lo
{hc} --label web -i 0.05 & pid=$!
sleep 1.5
kill -TERM $pid
wait $pid
ip -o address show dev lo
{hc} --label web -i 0 || echo "exit $?"
"""


@pytest.mark.slow
def test_ip_setup_in_a_network_namespace():
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    hc = f"{sys.executable} -m exabgp healthcheck --no-syslog --no-ack --rise 1"
    result = subprocess.run(
        [unshare, "-n", "sh", "-c", NAMESPACE_SCRIPT.format(hc=hc)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "neighbor * announce route 192.0.2.10/32 next-hop self med 100",
        "neighbor * announce route 192.0.2.12/31 next-hop self med 101",
    ]
    added = [line.split()[3] for line in lines if "lo:web" in line]
    assert added == ["192.0.2.10/32", "192.0.2.12/32", "192.0.2.13/32"]  # END leaves them
    rediscovered = [line for line in lines if "route" in line][2:]
    assert set(rediscovered) >= {
        "neighbor * announce route 192.0.2.10/32 next-hop self med 100",
        "neighbor * announce route 192.0.2.13/32 next-hop self med 102",
        "neighbor * withdraw route 192.0.2.12/32 next-hop self",
    }
    after = lines[lines.index("neighbor * withdraw route 192.0.2.13/32 next-hop self") + 1 :]
    assert [line.split()[3] for line in after if " inet " in line] == [
        "127.0.0.1/8",
        "192.0.2.99/32",
    ]  # EXIT removed ours
    assert lines[-1] == "exit 1" and "ERROR[healthcheck] No IP found" in result.stderr
