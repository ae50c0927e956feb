"""Helpers behaving badly never stall BGP nor grow the daemon's memory without bound.

See docs/compatibility.md, "Helper processes".

Every test runs a real daemon (`python -m exabgp server CONF`, as
tests/test_reactor_daemon.py starts it) with real helper processes (Python
scripts written to the test's directory) and one BGP peer: `qa.harness.Peer`,
a sans-IO `Session` over a non-blocking loopback socket driven by `select`,
which sends its own KEEPALIVEs (hold time 3 s, so a KEEPALIVE every second
each way), can stream a block of UPDATEs while it reads, and records when
every KEEPALIVE from the daemon arrived.  While the test runs it samples the
daemon's VmRSS (/proc/PID/status).

`qa.harness.healthy` is the check every test ends with: the daemon runs, the
peer's session is still ESTABLISHED (neither side's hold timer expired, no
NOTIFICATION), KEEPALIVEs came from the daemon at least once per hold time
all along (from the session's start to now), the daemon's memory stayed
under a bound, and its log has no traceback.  The behaviours:

1. unknown and malformed commands are answered ``error`` with the reason
   logged, and the next command works;
2. 200k ``announce route`` lines written as fast as a helper can, without
   reading its answers: every route reaches the peer, every command is
   answered ``done``, and the peer is still read meanwhile (a helper that
   gets none of the peer's messages does not pause it);
3. random bytes, NULs and invalid UTF-8 are answered ``error``; a 2 MiB line
   without a newline ends the helper, which is respawned and works;
4. a helper that stops reading while the peer sends 200k routes: the daemon
   stops reading the peer (the peer's octets stay unsent) for longer than
   the hold time without either side giving up, stays under 150 MB, and once
   the helper reads again it gets every route;
5. a helper that keeps dying runs 6 times (5.0.15's count), then ``Too many
   death``; its routes stay announced; with ``api.terminate`` the daemon
   ends the sessions (Cease 6/3) and exits 0, as 5.0.15 does;
6. a helper with ``respawn false`` exiting at once is not restarted and the
   daemon goes on (even with ``api.terminate``);
7. a command name after other words (``we must never shutdown this
   router``) is an ``error`` and the daemon goes on, while every form a 5.0
   helper writes (selectors, spacing, a route named ``version``) works, and
   ``neighbor 127.0.0.1 shutdown`` still stops the daemon.
"""

import time


from exabgp.session import Closed
from qa.daemon import free_port
from qa.harness import HOLD, Daemon, Peer, healthy, pump, received_updates, report, script
import pytest

pytestmark = pytest.mark.slow  # daemons under floods and misbehaving helpers


def configuration(port: int, processes: str, api: str, peers=("127.0.0.1",)) -> str:
    return processes + "".join(
        f"""
neighbor {address} {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port}; hold-time {HOLD};
    family {{ ipv4 unicast; }}
    {api}
}}
"""
        for address in peers
    )


# ---------------------------------------------------------------- 1. unknown and malformed commands

ASKER = r"""
import sys
commands, replies = sys.argv[1:3]
with open(replies, "w") as out:
    for command in open(commands).read().split("\n")[:-1]:
        sys.stdout.write(command + "\n")
        sys.stdout.flush()
        out.write(sys.stdin.readline())
        out.flush()
    for line in sys.stdin:  # stay, reading
        pass
"""

BAD_COMMANDS = [
    "hello world",
    "announce",
    "announce route",
    "announce route 10.0.0.0/33 next-hop 127.0.0.1",
    "announce route 10.0.0.0/24 next-hop nowhere",
    "announce route 10.0.0.0/24 next-hop 127.0.0.1 med many",
    "announce route 10.0.0.0/24 next-hop 127.0.0.1 as-path [ 1 2",
    "neighbor 192.0.2.99 announce route 10.0.0.0/24 next-hop 127.0.0.1",
    "withdraw route",
    "show nothing-at-all",
    "announce route 0.0.0.0/0 next-hop 127.0.0.1 split /32",  # 4 billion routes (5.0.15: takes every octet)
    "announce route ::/0 next-hop ::1 split /128",
    "announce attributes next-hop 127.0.0.1 split /32 nlri 10.0.0.0/16 10.1.0.0/31",  # 65538 routes
]


def test_unknown_and_malformed_commands_get_error_and_the_next_command_works(tmp_path):
    port = free_port()
    commands, replies = tmp_path / "commands", tmp_path / "replies"
    commands.write_text(
        "".join(line + "\n" for line in BAD_COMMANDS + ["announce route 10.1.0.0/24 next-hop 127.0.0.1"])
    )
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process asker {{ run {script(tmp_path, 'asker', ASKER)} {commands} {replies}; encoder text; }}",
            "api { processes [ asker ]; }",
        ),
    )
    peer = None
    try:
        peer = Peer(port, daemon)
        # the route may reach the peer before the helper has written its last answer: wait for both
        peer.pump_until(
            lambda: "10.1.0.0/24" in peer.routes and replies.read_text().count("\n") > len(BAD_COMMANDS), 10
        )
        assert replies.read_text().split("\n")[:-1] == ["error"] * len(BAD_COMMANDS) + ["done"]
        log = daemon.log()
        for command in BAD_COMMANDS:
            assert f"command from process not understood : {command} (" in log
        assert peer.routes == {"10.1.0.0/24": True}
        peer.pump(HOLD + 0.5)
        healthy(daemon, peer, 100)
        report("malformed", daemon, peer)
    finally:
        if peer is not None:
            peer.close()
        assert daemon.stop() == 0


# ---------------------------------------------------------------- 2. a helper flooding commands

FLOODER = r"""
import fcntl, sys
count, acks = int(sys.argv[1]), sys.argv[2]
fcntl.fcntl(0, fcntl.F_SETPIPE_SZ, 4096)  # the daemon asked for 1 MiB, which a system may refuse: its 1 MB of answers wait
base = 20 << 24
for number in range(count):  # as fast as it can, not reading a single answer meanwhile
    address = base + (number << 8)
    sys.stdout.write(f"announce route {address >> 24}.{address >> 16 & 255}.{address >> 8 & 255}.0/24 "
                     "next-hop 127.0.0.1 community 65002:1\n")
sys.stdout.flush()
answers = {}
for line in sys.stdin:
    answers[line.strip()] = answers.get(line.strip(), 0) + 1
    if sum(answers.values()) == count:
        break
with open(acks, "w") as out:
    out.write(f"{answers.get('done', 0)} {count - answers.get('done', 0)}" + chr(10))
for line in sys.stdin:
    pass
"""

FLOOD = 200_000


def test_a_flood_of_commands_reaches_the_peer_and_bgp_goes_on(tmp_path):
    port = free_port()
    acks = tmp_path / "acks"
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process flooder {{ run {script(tmp_path, 'flooder', FLOODER)} {FLOOD} {acks}; encoder text; }}",
            "api { processes [ flooder ]; }",
        ),
    )
    peer = None
    try:
        peer = Peer(port, daemon)
        begin = time.monotonic()
        # its answers pile up (1 MB) as it does not read them: the daemon keeps them (nothing dropped) and goes on
        # reading the peer, whose messages do not go to this helper: the peer's End-of-RIB is processed at once
        daemon.wait_log("process flooder does not read fast enough", 30, peer)
        peer.stream(received_updates(2000))
        daemon.wait_log("<< EOR ipv4 unicast at", 10, peer)
        assert len(peer.routes) < FLOOD * 0.9
        peer.pump_until(lambda: len(peer.routes) == FLOOD and acks.exists() and acks.read_text().endswith("\n"), 60)
        took = time.monotonic() - begin
        assert acks.read_text() == f"{FLOOD} 0\n"
        assert peer.withdraws == 0 and all(peer.routes.values())
        peer.pump(HOLD + 0.5)
        healthy(daemon, peer, 200)  # the 200k routes are kept (Adj-RIB-Out, the helpers' routes)
        report(f"flood ({took:.1f} s)", daemon, peer)
    finally:
        if peer is not None:
            peer.close()
        assert daemon.stop() == 0


# ---------------------------------------------------------------- 3. binary garbage

GARBLER = r"""
import os, random, sys, threading, time
runs, replies, go = sys.argv[1:4]
with open(runs, "a") as out:
    out.write("run" + chr(10))
run = len(open(runs).read().split())

def record():
    with open(replies, "a") as out:
        for line in sys.stdin:
            out.write(f"{run} {line}")
            out.flush()

threading.Thread(target=record, daemon=True).start()
stdout = sys.stdout.buffer
if run == 1:
    noise = random.Random(7)
    stdout.write(bytes(noise.getrandbits(8) for _ in range(200_000)) + b"\n")  # random bytes, some newlines
    stdout.write(b"\0" * 5000 + b"\n" + b"announce\0route 10.3.9.0/24 next-hop 127.0.0.1\n")  # NULs
    stdout.write(b"\xff\xfe\xc3\x28 announce route \xe2\x82 10.3.8.0/24\n" + b"\x80" * 3000 + b"\n")  # not UTF-8
stdout.write(f"announce route 10.3.{run}.0/24 next-hop 127.0.0.1\n".encode())
stdout.flush()
if run == 1:
    while not os.path.exists(go):
        time.sleep(0.05)
    stdout.write(b"x" * (2 << 20))  # 2 MiB without a newline: the daemon ends this helper
    stdout.flush()
while True:
    time.sleep(1)
"""


def test_binary_garbage_is_answered_error_and_an_oversized_line_respawns_the_helper(tmp_path):
    port = free_port()
    runs, replies, go = tmp_path / "runs", tmp_path / "replies", tmp_path / "go"
    replies.write_text("")
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process garbler {{ run {script(tmp_path, 'garbler', GARBLER)} {runs} {replies} {go}; encoder text; }}",
            "api { processes [ garbler ]; }",
        ),
    )

    def answers(run):
        return [line[2:] for line in replies.read_text().split("\n")[:-1] if line.startswith(f"{run} ")]

    peer = None
    try:
        peer = Peer(port, daemon)
        peer.pump_until(lambda: "10.3.1.0/24" in peer.routes and answers(1)[-1:] == ["done"], 15)
        first = answers(1)
        # the garbage lines were answered error (the random ones: hundreds of lines), the route after them done
        assert set(first) <= {"error", "done"} and first.count("error") > 500
        log = daemon.log()
        understood = [line for line in log.split("\n") if "command from process not understood : " in line]
        assert any("10.3.8.0/24" in line and "\ufffd" in line for line in understood)  # invalid UTF-8, replaced
        assert any("announce\0route 10.3.9.0/24" in line for line in understood)
        go.write_text("")
        peer.pump_until(lambda: "10.3.2.0/24" in peer.routes and answers(2), 15)
        assert answers(2) == ["done"]  # respawned, and its command works
        assert peer.routes == {"10.3.1.0/24": True, "10.3.2.0/24": True}
        assert "oversized command from process garbler : 1" in daemon.log()
        peer.pump(HOLD + 0.5)
        assert runs.read_text() == "run\nrun\n"
        healthy(daemon, peer, 100)
        report("garbage", daemon, peer)
    finally:
        if peer is not None:
            peer.close()
        assert daemon.stop() == 0


# ---------------------------------------------------------------- 4. a helper that stops reading

SLEEPER = r"""
import json, os, sys, time
go, result = sys.argv[1:3]
while not os.path.exists(go):  # not reading stdin meanwhile
    time.sleep(0.05)
prefixes = set()
for line in sys.stdin:
    message = json.loads(line)["neighbor"]["message"]
    if "eor" in message:
        with open(result + ".new", "w") as out:
            out.write(f"{len(prefixes)}\n")
        os.replace(result + ".new", result)
        continue
    for family in message["update"].get("announce", {}).values():
        for nlris in family.values():
            prefixes.update(nlri if isinstance(nlri, str) else nlri["nlri"] for nlri in nlris)
"""

RECEIVED = 200_000


def test_a_helper_that_stops_reading_pauses_the_peer_and_loses_nothing(tmp_path):
    port = free_port()
    go, result = tmp_path / "go", tmp_path / "result"
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process sleeper {{ run {script(tmp_path, 'sleeper', SLEEPER)} {go} {result}; encoder json; }}",
            "api { processes [ sleeper ]; receive { parsed; update; } }",
            peers=("127.0.0.1", "127.0.0.2"),
        ),
    )
    peer = late = None
    try:
        peer = Peer(port, daemon)
        peer.stream(received_updates(RECEIVED))
        daemon.wait_log("process sleeper does not read fast enough", 20, peer)
        paused = time.monotonic()
        # a peer connecting meanwhile still gets its session up (the OPEN exchange is read), then waits too
        late = Peer(port, daemon, "127.0.0.2", wait=False)
        pump([peer, late], lambda: late.eor, 10)
        late.stream(received_updates(10, 40))
        pump([peer, late], lambda: time.monotonic() > paused + HOLD + 1.5, 10)  # longer than the hold time
        unsent = peer.unsent()
        assert unsent > 1 << 20, "the daemon kept reading"
        assert not result.exists()
        healthy(daemon, peer, 150)
        healthy(daemon, late, 150)
        paused_rss = daemon.peak_rss
        go.write_text("")
        expected = f"{RECEIVED + 10}\n"  # every route of both peers, once the helper reads again
        pump([peer, late], lambda: result.exists() and result.read_text() == expected, 60)
        # what is left to send is at most a KEEPALIVE queued meanwhile
        pump([peer, late], lambda: not peer.streaming() and not late.streaming(), 10)
        resumed = time.monotonic() - paused
        pump([peer, late], lambda: False, 1.0, expire=False)
        healthy(daemon, peer, 150)
        healthy(daemon, late, 150)
        log = daemon.log()
        assert "dropping the new messages" not in log
        assert log.count("process sleeper does not read fast enough") == 1  # the next pauses: debug level
        report(
            f"stalled helper (paused at {paused_rss / 1024:.1f} MB with {unsent >> 20} MiB unsent, every route "
            f"delivered {resumed:.1f} s after the pause began)",
            daemon,
            peer,
        )
    finally:
        for each in (peer, late):
            if each is not None:
                each.close()
        assert daemon.stop() == 0


# ---------------------------------------------------------------- 5. a helper that dies

DIER = r"""
import os, signal, sys
runs, replies = sys.argv[1:3]
with open(runs, "a") as out:
    out.write("run" + chr(10))
run = len(open(runs).read().split())
if run == 1:  # the first one waits for the session
    for line in sys.stdin:
        if line.endswith(" up" + chr(10)):
            break
sys.stdout.write(f"announce route 10.5.{run}.0/24 next-hop 127.0.0.1" + chr(10))
sys.stdout.flush()
answer = sys.stdin.readline()
while not answer.startswith(("done", "error")):
    answer = sys.stdin.readline()
with open(replies, "a") as out:
    out.write(answer)
if run % 2:
    sys.exit(3)
os.kill(os.getpid(), signal.SIGKILL)
"""

DEATHS = 6  # the first run and 5 respawns (5.0.15: 6 runs, then "Too many death")


def dying_daemon(tmp_path, port, **settings):
    runs, replies = tmp_path / "runs", tmp_path / "replies"
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process dier {{ run {script(tmp_path, 'dier', DIER)} {runs} {replies}; encoder text; }}",
            "api { processes [ dier ]; neighbor-changes; }",
        ),
        **settings,
    )
    return daemon, runs, replies


def test_a_dying_helper_is_respawned_five_times_and_its_routes_stay(tmp_path):
    port = free_port()
    daemon, runs, replies = dying_daemon(tmp_path, port)
    peer = None
    try:
        peer = Peer(port, daemon)
        wanted = {f"10.5.{run}.0/24": True for run in range(1, DEATHS + 1)}
        peer.pump_until(lambda: peer.routes == wanted, 15)
        daemon.wait_log("Too many death for dier", 10, peer)
        peer.pump(HOLD + 0.5)
        assert runs.read_text() == "run\n" * DEATHS  # no more respawn
        assert replies.read_text() == "done\n" * DEATHS
        assert peer.routes == wanted and peer.withdraws == 0  # what the helpers announced stays
        healthy(daemon, peer, 100)
        report("dying helper", daemon, peer)
    finally:
        if peer is not None:
            peer.close()
        assert daemon.stop() == 0


def test_a_dying_helper_with_api_terminate_ends_the_daemon(tmp_path):
    port = free_port()
    daemon, runs, replies = dying_daemon(tmp_path, port, exabgp_api_terminate="true")
    peer = None
    try:
        peer = Peer(port, daemon)
        peer.pump_until(lambda: peer.problems, 15)
        # 5.0.15 closes the session without a NOTIFICATION (recorded), then exits 0
        assert [type(event) for event in peer.problems] == [Closed] and peer.problems[0].notification is None
        assert daemon.process.wait(10) == 0
        assert runs.read_text() == "run\n" * DEATHS
        log = daemon.log()
        assert "Too many death for dier" in log and "Traceback" not in log
    finally:
        if peer is not None:
            peer.close()
        daemon.stop()


# ---------------------------------------------------------------- 6. a helper that exits at once

QUITTER = r"""
import sys
with open(sys.argv[1], "a") as out:
    out.write("run" + chr(10))
"""


def test_a_helper_exiting_at_once_without_respawn_leaves_the_daemon_running(tmp_path):
    port = free_port()
    runs = tmp_path / "runs"
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process quitter {{ run {script(tmp_path, 'quitter', QUITTER)} {runs}; encoder json; respawn false; }}",
            "api { processes [ quitter ]; neighbor-changes; receive { parsed; update; keepalive; } }",
        ),
        exabgp_api_terminate="true",
        exabgp_log_level="DEBUG",
    )
    peer = None
    try:
        peer = Peer(port, daemon)
        daemon.wait_log("process quitter ended", 10, peer)
        peer.stream(received_updates(100))
        peer.pump(HOLD + 0.5)
        assert runs.read_text() == "run\n"  # not started again
        healthy(daemon, peer, 100)
        report("quitter", daemon, peer)
    finally:
        if peer is not None:
            peer.close()
        assert daemon.stop() == 0


# ---------------------------------------------------------------- 7. a command name inside a line

CONVERSER = r"""
import os, sys, time
commands, replies, begin, go, last = sys.argv[1:6]
while not os.path.exists(begin):  # the session is up
    time.sleep(0.05)
with open(replies, "w") as out:
    for command in open(commands).read().split("\n")[:-1]:
        sys.stdout.write(command + "\n")
        sys.stdout.flush()
        answer = []
        while answer[-1:] not in (["done"], ["error"]):
            answer.append(sys.stdin.readline().rstrip("\n"))
        out.write(" | ".join(answer) + "\n")
        out.flush()
while not os.path.exists(go):
    time.sleep(0.05)
sys.stdout.write(last + "\n")
sys.stdout.flush()
for line in sys.stdin:  # stay, reading
    pass
"""

#: lines with a command name after other words: ``error``, and the daemon goes on (ExaBGP 5.0.15 runs the command
#: found: it shuts down, reloads, restarts, answers the version or help, acknowledges; recorded by running it)
NAME_INSIDE = [
    "we must never shutdown this router",
    "please reload",
    "x restart",
    "please version",
    "x help",
    "x show neighbor summary",
    "x enable-ack",
    "x clear adj-rib out",
    "foo # bar",
]

#: the forms a 5.0 user writes, each with the answer and the route it gives (5.0.15's answers, recorded by
#: running it; the version line is ours); a route named after a command is that route (5.0.15 ran the command)
LEGITIMATE = [
    ("announce route 10.7.0.0/24 next-hop 127.0.0.1", "done", "10.7.0.0/24"),
    ("  announce route 10.7.1.0/24 next-hop 127.0.0.1  ", "done", "10.7.1.0/24"),
    ("\tannounce\troute 10.7.2.0/24   next-hop 127.0.0.1", "done", "10.7.2.0/24"),
    ("neighbor 127.0.0.1 announce route 10.7.3.0/24 next-hop 127.0.0.1", "done", "10.7.3.0/24"),
    ("neighbor * announce route 10.7.4.0/24 next-hop 127.0.0.1", "done", "10.7.4.0/24"),
    (
        "neighbor 127.0.0.1 local-as 65001 peer-as 65002 announce route 10.7.5.0/24 next-hop 127.0.0.1",
        "done",
        "10.7.5.0/24",
    ),
    ("neighbor 127.0.0.9 , neighbor 127.0.0.1 announce route 10.7.6.0/24 next-hop 127.0.0.1", "done", "10.7.6.0/24"),
    ("announce route 10.7.7.0/24 next-hop 127.0.0.1 name version", "done", "10.7.7.0/24"),
    ("announce route 10.7.8.0/24 next-hop 127.0.0.1 watchdog reload", "done", "10.7.8.0/24"),
    ("announce attributes next-hop 127.0.0.1 nlri 10.7.9.0/24", "done", "10.7.9.0/24"),
    ("announce attribute next-hop 127.0.0.1 nlri 10.7.10.0/24", "done", "10.7.10.0/24"),
    ("# we must never shutdown this router", "done", None),
    ("version", "exabgp 5.0.15 | done", None),
    ("version,", "exabgp 5.0.15 | done", None),
    ("neighbor 127.0.0.1 version", "exabgp 5.0.15 | done", None),
    ("enable-ack", "done", None),
    ("neighbor 127.0.0.1 enable-ack", "done", None),
    ("announce route-refresh ipv4 unicast", "done", None),
    ("withdraw route 10.7.0.0/24 next-hop 127.0.0.1", "done", "10.7.0.0/24"),
    # a line naming 10,000 neighbors (a 370 kB line) is read in a moment
    (
        " , ".join(f"neighbor 10.{n >> 8}.{n & 255}.1 local-as 65001" for n in range(10000))
        + " , neighbor 127.0.0.1 announce route 10.7.11.0/24 next-hop 127.0.0.1",
        "done",
        "10.7.11.0/24",
    ),
    ("SHUTDOWN", "error", None),
]


def test_a_command_name_inside_a_line_is_an_error_and_every_5_0_form_works(tmp_path):
    """Issue 9, hole 7: only the start of a line (after ``neighbor`` selectors) names the command."""
    port = free_port()
    commands, replies, begin, go = tmp_path / "commands", tmp_path / "replies", tmp_path / "begin", tmp_path / "go"
    lines = NAME_INSIDE + [line for line, _, _ in LEGITIMATE]
    commands.write_text("".join(line + "\n" for line in lines))
    daemon = Daemon(
        tmp_path,
        configuration(
            port,
            f"process converser {{ run {script(tmp_path, 'converser', CONVERSER)} {commands} {replies} {begin} "
            f"{go} 'neighbor 127.0.0.1 shutdown'; encoder text; }}",
            "api { processes [ converser ]; }",
        ),
    )
    peer = None
    try:
        peer = Peer(port, daemon)
        begin.write_text("")
        peer.pump_until(lambda: replies.exists() and replies.read_text().count("\n") == len(lines), 15)
        answers = replies.read_text().split("\n")[:-1]
        assert answers[: len(NAME_INSIDE)] == ["error"] * len(NAME_INSIDE)
        assert answers[len(NAME_INSIDE) :] == [answer for _, answer, _ in LEGITIMATE]
        log = daemon.log()
        for line in NAME_INSIDE:
            assert f"command from process not understood : {line} (the line does not start with a command name" in log
        assert "performing reload" not in log  # neither "please reload" nor "x restart" reloaded
        routes = {route for _, _, route in LEGITIMATE if route}
        peer.pump_until(lambda: set(peer.routes) == routes and not peer.routes["10.7.0.0/24"], 10)
        assert [route for route, announced in peer.routes.items() if not announced] == ["10.7.0.0/24"]
        healthy(daemon, peer, 100)
        go.write_text("")  # and 5.0's selector form of shutdown stops it
        daemon.process.wait(15)
        assert daemon.stop() == 0
        assert "Traceback" not in daemon.log()
    finally:
        if peer is not None:
            peer.close()
        if daemon.process.poll() is None:
            daemon.stop()
