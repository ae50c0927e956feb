"""Long answers stream without stalling the daemon (issue 9, hole 2; `exabgp.reactor.answers`).

A real daemon (`qa.daemon.start`) with three passive neighbors: 127.0.0.1
keeps an Adj-RIB-In and gets a table of 48,000 routes (40,000 IPv4 /24 and
8,000 IPv6 /48 over 200 attribute sets, 50 or 40 a message) from the test's
BGP speaker; 127.0.0.5 has a hold time of 3 seconds, and the test's speaker
there (a thread driving a sans-IO `Session` with its timers) records every
KEEPALIVE the daemon sends: a loop blocked for 3 seconds would end that
session; 127.0.0.6 is only there to be listed.  Two helpers: ``probe`` asks
``show neighbor summary`` again and again and records how long each answer
took (the longest is the longest stall of the daemon's loop the probe
saw), ``slow`` asks ``show adj-rib in extensive`` four times (42 MB of
answer) then reads nothing until the test lets it.  Checked:

* while ``slow`` reads nothing, the daemon's RSS grows by less than 16 MB
  (before answers streamed it grew by 24 MB in those 3 seconds, and
  the 3-second session expired), the probe's
  answers keep coming, none slower than 1 s, and the 3-second session stays
  up with KEEPALIVEs at most 2.5 s apart;
* once ``slow`` reads, every line of the four answers arrives, the routes
  in the order received, each answer closed by ``done``;
* ``exabgp cli show adj-rib in`` (the real client, a subprocess), whose
  output the test reads slowly, prints every route and nothing else, in the
  text 5.0.15 prints (tests/test_api_daemon.py holds lines recorded from
  5.0.15), the probe and the 3-second session going on meanwhile;
* ``show neighbor summary`` / ``json`` answer as a whole after that.
"""

import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from itertools import pairwise

import pytest

from exabgp._codec import encode_attribute, encode_nlri, frame_message
from exabgp.session import Closed, Delivery, Established, MessageReceived, Session, SessionSettings
from qa.daemon import PACKAGE_ROOT, connect, environment, finish, free_port, start, wait_until
from qa.oracle import require_oracle

pytestmark = pytest.mark.slow  # a daemon with a large table and slow readers

PY = sys.executable
#: the answer to ``version``, recorded from ExaBGP 5.0.15 (the 5.0 release reproduced, docs/compatibility.md)
VERSION = "exabgp 5.0.15"
V4_ROUTES = 40000
V6_ROUTES = 8000
ATTRIBUTE_SETS = 200
ASKED = 4  # times `slow` asks for the extensive Adj-RIB-In
PIPENAME = f"exastream{os.getpid()}"
V6_NEXT_HOP = "2001:db8::1"

#: asks ``show neighbor summary`` until the file STOP exists; one line "sent received" per answer
PROBE = r"""
import os, sys, time
folder = sys.argv[1]
with open(os.path.join(folder, "probe.times"), "a") as log:
    while not os.path.exists(os.path.join(folder, "STOP")):
        sent = time.monotonic()
        sys.stdout.write("show neighbor summary\n")
        sys.stdout.flush()
        for line in sys.stdin:
            if line.strip() == "done":
                break
        log.write(f"{sent} {time.monotonic()}\n")
        log.flush()
        time.sleep(0.02)
"""

#: once GO exists asks COUNT times ``show adj-rib in extensive``, reads nothing until READ exists, then copies
#: stdin to slow.log
SLOW = r"""
import os, sys, time
folder, count = sys.argv[1], int(sys.argv[2])
while not os.path.exists(os.path.join(folder, "GO")):
    time.sleep(0.02)
sys.stdout.write("show adj-rib in extensive\n" * count)
sys.stdout.flush()
while not os.path.exists(os.path.join(folder, "READ")):
    time.sleep(0.02)
with open(os.path.join(folder, "slow.log"), "w") as log:
    for line in sys.stdin:
        log.write(line)
        if line == "done\n":
            log.flush()
"""

#: prints the lines appended to the file ASK, copies stdin to asker.log
ASKER = r"""
import os, sys, threading, time
folder = sys.argv[1]
def record():
    with open(os.path.join(folder, "asker.log"), "a") as log:
        for line in sys.stdin:
            log.write(line)
            log.flush()
threading.Thread(target=record, daemon=True).start()
done = 0
while True:
    try:
        with open(os.path.join(folder, "ASK")) as source:
            lines = source.read().split("\n")[:-1]
    except FileNotFoundError:
        lines = []
    if lines[done:]:
        sys.stdout.write("".join(line + "\n" for line in lines[done:]))
        sys.stdout.flush()
    done = max(done, len(lines))
    time.sleep(0.02)
"""

CONFIGURATION = """
process asker {{ run {py} {folder}/asker.py {folder}; encoder text; }}
process probe {{ run {py} {folder}/probe.py {folder}; encoder text; }}
process slow {{ run {py} {folder}/slow.py {folder} {asked}; encoder text; }}
template {{
    neighbor base {{
        router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; passive; listen {port};
    }}
}}
neighbor 127.0.0.1 {{
    inherit base; peer-as 65002; hold-time 180; adj-rib-in true;
    family {{ ipv4 unicast; ipv6 unicast; }}
}}
neighbor 127.0.0.5 {{
    inherit base; peer-as 65005; hold-time 3;
    family {{ ipv4 unicast; }}
}}
neighbor 127.0.0.6 {{
    inherit base; peer-as 65006;
    family {{ ipv4 unicast; }}
}}
"""


def v4(index: int) -> str:
    return f"10.{index >> 8}.{index & 0xFF}.0/24"


def v6(index: int) -> str:
    return str(ipaddress.IPv6Network(((0x20010DB8 << 96) | (index << 80), 48)))


def _nlri(prefixes, afi: int) -> bytes:
    items = []
    for text in prefixes:
        network = ipaddress.ip_network(text)
        items.append((None, network.prefixlen, network.network_address.packed, None, None))
    return encode_nlri(items, afi, False)


def _attributes(number: int) -> bytes:
    """ORIGIN IGP, AS_PATH [65002 number], MED number, COMMUNITIES 65000:number."""
    return (
        encode_attribute(1, 0x40, b"\x00")
        + encode_attribute(2, 0x40, bytes((2, 2)) + (65002).to_bytes(4, "big") + (64512 + number).to_bytes(4, "big"))
        + encode_attribute(4, 0x80, number.to_bytes(4, "big"))
        + encode_attribute(8, 0xC0, (65000 << 16 | number).to_bytes(4, "big"))
    )


def _body(attributes: bytes = b"", nlri: bytes = b"") -> bytes:
    return b"\x00\x00" + len(attributes).to_bytes(2, "big") + attributes + nlri


def table() -> tuple:
    """``(messages, routes)``: the UPDATE messages of the table with both End-of-RIBs, and the routes they
    announce as ``(family, prefix, next hop, attribute set)`` in the order sent."""
    messages, routes = [], []
    for first in range(0, V4_ROUTES, 50):
        number = (first // 50) % ATTRIBUTE_SETS
        prefixes = [v4(index) for index in range(first, first + 50)]
        attributes = _attributes(number) + encode_attribute(3, 0x40, bytes((192, 0, 2, 1 + number % 7)))
        messages.append(frame_message(2, _body(attributes, _nlri(prefixes, 1))))
        routes += [("ipv4 unicast", prefix, f"192.0.2.{1 + number % 7}", number) for prefix in prefixes]
    for first in range(0, V6_ROUTES, 40):
        number = (first // 40) % ATTRIBUTE_SETS
        prefixes = [v6(index) for index in range(first, first + 40)]
        reach = b"\x00\x02\x01\x10" + ipaddress.ip_address(V6_NEXT_HOP).packed + b"\x00" + _nlri(prefixes, 2)
        messages.append(frame_message(2, _body(encode_attribute(14, 0x80, reach) + _attributes(number))))
        routes += [("ipv6 unicast", prefix, V6_NEXT_HOP, number) for prefix in prefixes]
    messages.append(frame_message(2, _body()))
    messages.append(frame_message(2, _body(encode_attribute(15, 0x80, b"\x00\x02\x01"))))
    return messages, routes


class Peer(threading.Thread):
    """The test's side of one session: a sans-IO `Session` over a socket, its timers run (KEEPALIVEs sent and
    expected); `messages` holds ``(time, type)`` of every message received; `send(octets)` sends raw octets."""

    def __init__(self, port: int, source: str, peer_as: int, hold_time: int = 180, families=((1, 1),)):
        super().__init__(daemon=True)
        self.sock = connect(port, source)
        self.session = Session(
            SessionSettings(
                local_address=source,
                peer_address="127.0.0.1",
                local_as=peer_as,
                peer_as=65001,
                router_id=source,
                hold_time=hold_time,
                families=families,
            ),
            delivery=Delivery.MESSAGES,
        )
        self.messages = []
        self.established = threading.Event()
        self.closed = None
        self.lock = threading.Lock()
        self.stopping = False
        with self.lock:
            self.session.start(time.monotonic())
            self._flush()

    def _flush(self) -> None:
        data = self.session.data_to_send()
        if data:
            self.sock.sendall(data)

    def send(self, octets: bytes) -> None:
        with self.lock:
            self.sock.sendall(octets)

    def run(self) -> None:
        while not self.stopping and self.closed is None:
            with self.lock:
                deadline = self.session.next_deadline()
            self.sock.settimeout(max(0.001, min(0.2, deadline - time.monotonic())) if deadline else 0.2)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, BlockingIOError):
                data = None
            except OSError:
                data = b""
            now = time.monotonic()
            with self.lock:
                if data == b"":
                    self.session.connection_lost(now)
                elif data:
                    self.session.receive_data(data, now)
                self.session.handle_timer(now)
                while (event := self.session.next_event()) is not None:
                    if isinstance(event, MessageReceived):
                        self.messages.append((now, event.msg_type))
                    elif isinstance(event, Established):
                        self.established.set()
                    elif isinstance(event, Closed):
                        self.closed = event
                try:
                    self._flush()
                except OSError:
                    pass

    def keepalive_gaps(self, since: float) -> list:
        times = [moment for moment, kind in self.messages if kind == 4 and moment >= since]
        return [later - earlier for earlier, later in pairwise(times)]

    def stop(self) -> None:
        self.stopping = True
        self.join(5)
        self.sock.close()


def rss(pid: int) -> int:
    """The resident set of process `pid`, in octets."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def probe_times(folder, since: float) -> list:
    """``(sent, answered)`` of the probe's questions sent after `since`."""
    pairs = [tuple(map(float, line.split())) for line in (folder / "probe.times").read_text().splitlines()]
    return [(sent, answered) for sent, answered in pairs if sent >= since]


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """The daemon, its table received from 127.0.0.1, the 3-second session from 127.0.0.5 up."""
    folder = tmp_path_factory.mktemp("stream")
    (folder / "probe.py").write_text(PROBE)
    (folder / "slow.py").write_text(SLOW)
    (folder / "asker.py").write_text(ASKER)
    (folder / "asker.log").write_text("")
    (folder / "probe.times").write_text("")
    run = folder / "run"
    run.mkdir()
    os.mkfifo(run / f"{PIPENAME}.in", 0o600)
    os.mkfifo(run / f"{PIPENAME}.out", 0o600)
    port = free_port()
    path = folder / "daemon.conf"
    path.write_text(CONFIGURATION.format(py=PY, folder=folder, asked=ASKED, port=port))
    daemon = start(path, EXABGP_ROOT=folder, exabgp_api_pipename=PIPENAME)
    peers = []
    try:
        feeder = Peer(port, "127.0.0.1", 65002, families=((1, 1), (2, 1)))
        keeper = Peer(port, "127.0.0.5", 65005, hold_time=3)
        peers += [feeder, keeper]
        for peer in peers:
            peer.start()
            assert peer.established.wait(10), "the session did not come up"
        messages, routes = table()
        feeder.send(b"".join(messages))
        wait_until(lambda: summary_received(folder) >= len(messages), 30, 0.05, what="the daemon to take the table")
        yield dict(daemon=daemon, folder=folder, routes=routes, keeper=keeper, feeder=feeder)
    finally:
        (folder / "STOP").write_text("")
        for peer in peers:
            peer.stop()
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
        _, _, err = finish(daemon, 20)
        # the daemon's own log (its helpers' stderr, logged too, may show their end when their pipes close)
        assert not [line for line in err.splitlines() if "Traceback" in line and "stderr from process" not in line], err


def summary_received(folder) -> int:
    """UPDATEs the daemon says (``show neighbor summary`` through the CLI) it received from 127.0.0.1."""
    code, out, _ = cli(folder, "show", "neighbor", "summary")
    for line in out.splitlines():
        if line.startswith("127.0.0.1 "):
            return int(line.split()[-1])
    return 0


def cli(folder, *words, timeout=60):
    """``exabgp cli WORDS`` as a user runs it: ``(exit code, stdout, stderr)``."""
    done = subprocess.run(
        [PY, "-m", "exabgp", "cli", "--pipename", PIPENAME, *words],
        cwd=PACKAGE_ROOT,
        env=environment(EXABGP_ROOT=folder),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout, done.stderr


def text_lines(routes) -> list:
    """``show adj-rib in`` as 5.0.15 writes it (lines recorded in tests/test_api_daemon.py)."""
    return [f"127.0.0.1 {family} {prefix} next-hop {nexthop}" for family, prefix, nexthop, _ in routes]


def test_a_reader_that_stops_holds_the_answer_not_the_daemon(rig):
    folder, daemon, keeper = rig["folder"], rig["daemon"], rig["keeper"]
    wait_until(lambda: len(probe_times(folder, 0)) >= 5, 10, 0.05, what="the probe")
    before = rss(daemon.pid)
    start_time = time.monotonic()
    (folder / "GO").write_text("")
    time.sleep(3.0)  # the thing under test: `slow` reads nothing for 3 s; its answers wait for it, the rest goes on
    grown = rss(daemon.pid) - before
    (folder / "READ").write_text("")
    log = folder / "slow.log"
    wait_until(lambda: log.exists() and log.read_text().count("done\n") == ASKED, 120, 0.05, what="the four answers")
    assert grown < 16 * 1024 * 1024, f"the daemon grew by {grown} octets while its reader did not read"
    answered = probe_times(folder, start_time)
    assert len(answered) >= 20, "the probe was not answered while the answers waited"
    assert max(end - sent for sent, end in answered) < 1.0
    assert keeper.closed is None
    gaps = keeper.keepalive_gaps(start_time)
    assert gaps and max(gaps) < 2.5, gaps

    answers = log.read_text().split("done\n")
    assert answers[-1] == "" and len(answers) == ASKED + 1
    routes = rig["routes"]
    for answer in answers[:-1]:
        lines = answer.splitlines()
        assert len(lines) == len(routes)
        # extensive: the peer's name, then the route and its attributes as the text encoder writes them
        head, route = lines[0].split(" ipv4 unicast ", 1)
        assert head.startswith("neighbor 127.0.0.1 local-ip 127.0.0.1 ")
        assert route == "10.0.0.0/24 next-hop 192.0.2.1 origin igp as-path ( 65002 64512 ) med 0 community 65000:0"
        assert [line.split(" unicast ", 1)[1].split(" next-hop ")[0] for line in lines] == [
            prefix for _, prefix, _, _ in routes
        ]


def test_the_cli_prints_every_line_of_a_large_answer_read_slowly(rig):
    folder, keeper = rig["folder"], rig["keeper"]
    start_time = time.monotonic()
    client = subprocess.Popen(
        [PY, "-m", "exabgp", "cli", "--pipename", PIPENAME, "show", "adj-rib", "in"],
        cwd=PACKAGE_ROOT,
        env=environment(EXABGP_ROOT=folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    first = client.stdout.read(65536)
    time.sleep(2.0)  # the thing under test: the client, blocked on its output, stops reading the daemon's pipe
    rest = client.stdout.read()
    assert (client.wait(60), client.stderr.read()) == (0, b"")
    assert (first + rest).decode().splitlines() == text_lines(rig["routes"])
    answered = probe_times(folder, start_time)
    assert len(answered) >= 20 and max(end - sent for sent, end in answered) < 1.0
    assert keeper.closed is None
    assert max(keeper.keepalive_gaps(start_time)) < 2.5


def ask(folder, *lines, acks=1, timeout=60) -> list:
    """The lines `asker` receives after saying `lines`, once `acks` more ``done`` / ``error`` arrived."""
    log = folder / "asker.log"
    seen = len(log.read_text().splitlines())
    with open(folder / "ASK", "a") as ask_file:
        ask_file.write("".join(line + "\n" for line in lines))
    return wait_until(
        lambda: (lambda new: new if sum(line in ("done", "error") for line in new) >= acks else None)(
            log.read_text().splitlines()[seen:]
        ),
        timeout,
        0.05,
        what=f"the answers to {lines}",
    )


def test_the_answers_of_one_helper_follow_its_commands(rig):
    """A helper's next commands wait for the end of its long answer: their answers never mix with it."""
    folder = rig["folder"]
    answer = ask(folder, "show adj-rib in", "version", "show neighbor summary", acks=3)
    routes = len(rig["routes"])
    assert answer[:routes] == text_lines(rig["routes"])
    assert answer[routes : routes + 3] == ["done", VERSION, "done"]
    assert answer[routes + 3].startswith("Peer ") and answer[-1] == "done" and len(answer) == routes + 8


def test_reset_ends_the_answer_that_streams(rig):
    """``reset`` (5.0: forget the helper's scheduled work) ends the long answer at once, without its ``done``."""
    answer = ask(rig["folder"], "show adj-rib in extensive", "reset", "version", acks=1)
    assert answer[-2:] == [VERSION, "done"]
    assert 0 < len(answer) - 2 < len(rig["routes"]) and "done" not in answer[:-1]


def test_a_cli_client_that_leaves_ends_its_answer(rig):
    """The client killed in the middle of a long answer: the daemon stops making it (nobody reads the pipe) and
    the next CLI command is answered at once, not held behind it."""
    folder = rig["folder"]
    client = subprocess.Popen(
        [PY, "-m", "exabgp", "cli", "--pipename", PIPENAME, "show", "adj-rib", "in", "extensive"],
        cwd=PACKAGE_ROOT,
        env=environment(EXABGP_ROOT=folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=0,
    )
    assert client.stdout.read(65536)
    client.kill()
    client.wait()
    client.stdout.close()
    assert cli(folder, "version", timeout=20) == (0, VERSION + "\n", "")


def test_show_neighbor_answers_whole(rig):
    code, out, err = cli(rig["folder"], "show", "neighbor", "summary")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Peer ") and [line.split()[0] for line in lines[1:]] == [
        "127.0.0.1",
        "127.0.0.5",
        "127.0.0.6",
    ]
    code, out, err = cli(rig["folder"], "show", "neighbor", "json")
    assert (code, err) == (0, "")
    assert [entry["peer"]["address"] for entry in json.loads(out)] == ["127.0.0.1", "127.0.0.5", "127.0.0.6"]


def test_routes_that_change_while_the_answer_streams(rig):
    """While the CLI's answer waits for its reader, the peer withdraws half of its IPv6 routes, sends the other
    half with another next hop and announces new IPv4 routes.  The answer (`exabgp.rib.incoming.AdjRibIn.routes`)
    lists the routes there when the command came and still there at their turn, as they are then: every IPv4
    route, the IPv6 routes kept with their new next hop, none of the new ones."""
    folder, feeder = rig["folder"], rig["feeder"]
    routes = rig["routes"]
    client = subprocess.Popen(
        [PY, "-m", "exabgp", "cli", "--pipename", PIPENAME, "show", "adj-rib", "in"],
        cwd=PACKAGE_ROOT,
        env=environment(EXABGP_ROOT=folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    first = client.stdout.read(65536)  # the IPv6 routes come after 2 MB of IPv4 lines: not made yet
    before = received_by_asker(folder)
    gone = [v6(index) for index in range(V6_ROUTES // 2)]
    kept = [v6(index) for index in range(V6_ROUTES // 2, V6_ROUTES)]
    unreach = b"\x00\x02\x01" + _nlri(gone, 2)
    reach = b"\x00\x02\x01\x10" + ipaddress.ip_address("2001:db8::2").packed + b"\x00" + _nlri(kept, 2)
    added = [f"10.200.{index}.0/24" for index in range(200)]
    messages = [
        frame_message(2, _body(encode_attribute(15, 0x80, unreach))),
        frame_message(2, _body(encode_attribute(14, 0x80, reach) + _attributes(1))),
        frame_message(2, _body(_attributes(2) + encode_attribute(3, 0x40, bytes((192, 0, 2, 9))), _nlri(added, 1))),
    ]
    feeder.send(b"".join(messages))
    wait_until(
        lambda: received_by_asker(folder) >= before + len(messages), 30, 0.05, what="the daemon to take the changes"
    )
    rest = client.stdout.read()
    assert (client.wait(60), client.stderr.read()) == (0, b"")
    assert (first + rest).decode().splitlines() == text_lines(
        [route for route in routes if route[0] == "ipv4 unicast"]
        + [("ipv6 unicast", prefix, "2001:db8::2", None) for prefix in kept]
    )


def received_by_asker(folder) -> int:
    """UPDATEs received from 127.0.0.1, as ``show neighbor summary`` from the helper `asker` says."""
    for line in ask(folder, "show neighbor summary"):
        if line.startswith("127.0.0.1 "):
            return int(line.split()[-1])
    return 0


def test_a_session_that_ends_while_its_routes_stream_ends_their_listing(rig):
    """The peer leaves while the CLI's answer waits for its reader (the last test of the rig: the table goes with
    the session): the lines already made are printed, the rest of its routes is left out, and the answer ends
    with ``done`` as any other."""
    folder, feeder = rig["folder"], rig["feeder"]
    expected = text_lines(
        [route for route in rig["routes"] if route[0] == "ipv4 unicast"]
        + [("ipv6 unicast", v6(index), "2001:db8::2", None) for index in range(V6_ROUTES // 2, V6_ROUTES)]
        + [("ipv4 unicast", f"10.200.{index}.0/24", "192.0.2.9", None) for index in range(200)]
    )
    client = subprocess.Popen(
        [PY, "-m", "exabgp", "cli", "--pipename", PIPENAME, "show", "adj-rib", "in"],
        cwd=PACKAGE_ROOT,
        env=environment(EXABGP_ROOT=folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    first = client.stdout.read(65536)
    feeder.stop()
    wait_until(
        lambda: any(
            line.startswith("127.0.0.1 ") and line.split()[3] != "established"
            for line in ask(folder, "show neighbor summary")
        ),
        30,
        what="the session to end",
    )
    rest = client.stdout.read()
    assert (client.wait(60), client.stderr.read()) == (0, b"")
    lines = (first + rest).decode().splitlines()
    assert 0 < len(lines) < len(expected) and lines == expected[: len(lines)]


def test_show_neighbor_of_many_neighbors_streams_whole_answers(tmp_path):
    """400 configured neighbors (none connected): ``show neighbor extensive`` (about 500 KB, several chunks),
    ``summary``, ``configuration`` and the one-line ``json`` reach the CLI whole, in the configured order."""
    run = tmp_path / "run"
    run.mkdir()
    os.mkfifo(run / f"{PIPENAME}.in", 0o600)
    os.mkfifo(run / f"{PIPENAME}.out", 0o600)
    port = free_port()
    addresses = [f"127.1.{index >> 8}.{index & 0xFF}" for index in range(1, 401)]
    path = tmp_path / "daemon.conf"
    path.write_text(
        "".join(
            f"neighbor {address} {{ router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; "
            f"peer-as {65100 + index}; passive; listen {port}; }}\n"
            for index, address in enumerate(addresses)
        )
    )
    daemon = start(path, EXABGP_ROOT=tmp_path, exabgp_api_pipename=PIPENAME)
    try:
        wait_until(lambda: cli(tmp_path, "version")[1].startswith("exabgp "), 30, 0.05, what="the daemon")
        code, out, err = cli(tmp_path, "show", "neighbor", "extensive")
        assert (code, err) == (0, "")
        assert [line.split()[1] for line in out.splitlines() if line.startswith("Neighbor ")] == addresses
        assert len(out) > 300000 and out.count("    Message Statistic ") == len(addresses)
        code, out, err = cli(tmp_path, "show", "neighbor", "summary")
        assert (code, err) == (0, "")
        assert [line.split()[:2] for line in out.splitlines()[1:]] == [
            [address, str(65100 + index)] for index, address in enumerate(addresses)
        ]
        code, out, err = cli(tmp_path, "show", "neighbor", "configuration")
        assert (code, err) == (0, "") and out.count("\n}\n") == len(addresses)
        code, out, err = cli(tmp_path, "show", "neighbor", "json")
        assert (code, err) == (0, "") and out.count("\n") == 1
        assert [entry["peer"]["address"] for entry in json.loads(out)] == addresses
    finally:
        daemon.send_signal(signal.SIGTERM)
        finish(daemon, 20)


def test_the_benchmark_measures_both_daemons(tmp_path):
    """`benchmarks/show_adj_rib.py` on a tiny corpus, ours and ExaBGP 5.0.15: each prints every route to its own
    CLI client, the probe is answered, the feeder's session stays up."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bench = os.path.join(os.path.dirname(root), "shared", "bench")
    if not os.path.exists(os.path.join(bench, "gen_corpus.py")):
        pytest.skip(f"{bench} is absent")
    require_oracle()
    out = tmp_path / "show.json"
    done = subprocess.run(
        [
            PY,
            os.path.join(root, "benchmarks", "show_adj_rib.py"),
            "--v4",
            "1500",
            "--v6",
            "500",
            "--reference-v4",
            "1500",
            "--reference-v6",
            "500",
            "--port",
            str(free_port("127.0.0.2")),
            "--json-out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())
    assert [result["receiver"] for result in results] == ["ours", "exabgp 5.0.15"]
    for result in results:
        assert "error" not in result, result
        assert result["lines"] == result["routes"] == 2000
        assert result["session_kept"] and result["probe_answers"] > 0 and result["client_stderr"] == ""
        assert 0 < result["first_line_s"] <= result["last_line_s"] and result["rss_peak_mb"] > 0
