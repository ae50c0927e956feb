"""A daemon process and select-driven BGP peers, for tests that make the daemon misbehave or suffer.

* `Daemon(folder, configuration, **settings)`: ``python -m exabgp server``
  on the configuration (written to ``folder/daemon.conf``) with the
  environment of `qa.daemon.environment`, its log in a file (a flood of log
  lines must not fill a pipe); `rss()` samples its VmRSS (/proc/PID/status)
  and keeps the peak; `wait_log(text)` waits for a log line (pumping a peer
  meanwhile); `stop()` sends SIGTERM and returns the exit code; with
  ``oracle=PROGRAM`` it runs ExaBGP 5.0.15 instead, on the same terms.
* `Peer(port, daemon, source)`: the test's BGP peer, a sans-IO `Session`
  over a non-blocking loopback socket driven by `select` (`pump`), which
  sends its own KEEPALIVEs (hold time 3 s by default: a KEEPALIVE every
  second each way), can stream a block of UPDATEs while it reads (`stream`,
  `unsent`), records when every KEEPALIVE from the daemon arrived, the routes
  it was sent (`routes`: prefix -> announced) and any NOTIFICATION or close
  (`problems`).  `pump(peers, predicate, timeout)` drives several at once.
* `flap(port)`: one session that comes up and is closed at once (the peer of
  a flap test, a blocking socket).
* `received_updates(count, first)`: ``count`` UPDATEs of one IPv4 /24 each,
  then the End-of-RIB, for a peer to send.
* `healthy(daemon, peer, rss_bound_mb)`: the daemon runs, the peer's session
  is ESTABLISHED with no problem, KEEPALIVEs came at least once per hold
  time all along, the daemon's peak RSS stayed under the bound, its log has
  no traceback.

Used by tests/test_api_misbehaving.py, tests/test_reactor_faults.py and
benchmarks/soak.py.
"""

import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections import deque
from itertools import pairwise

from exabgp._codec import frame_message
from exabgp.bgp.keepalive import KeepAlive
from exabgp.bgp.update import Update
from exabgp.session import Closed, Established, NotificationReceived, Session, SessionSettings, State, UpdateReceived
from qa.daemon import PACKAGE_ROOT, environment, oracle_environment

PY = sys.executable
#: the hold time of a `Peer` (and of the daemons the tests configure): a KEEPALIVE every second
HOLD = 3


class Daemon:
    """`python -m exabgp server CONF`, its log in a file (a flood of log lines must not fill a pipe).

    With `oracle` (the path of ExaBGP 5.0.15's ``exabgp``, `qa.oracle.require_oracle`) that program runs
    instead, in the environment of `qa.daemon.start_oracle`, from the configuration's directory."""

    def __init__(self, folder, configuration: str, oracle: str = None, **settings):
        path = folder / "daemon.conf"
        path.write_text(configuration)
        self.log_path = folder / "daemon.log"
        self._log = open(self.log_path, "w")
        if oracle is None:
            command, env, cwd = [PY, "-m", "exabgp", "server", str(path)], environment(**settings), PACKAGE_ROOT
        else:
            command, env, cwd = [oracle, str(path)], oracle_environment(**settings), str(folder)
        self.oracle = oracle is not None
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.peak_rss = 0  # kB, the largest VmRSS sampled
        self.sampled = 0.0  # when it was last sampled

    def rss(self) -> int:
        """The daemon's VmRSS in kB (0 once it is gone), the peak kept."""
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                value = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            return 0
        self.peak_rss = max(self.peak_rss, value)
        return value

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def ready(self, address: str) -> str:
        """The log line saying the neighbor `address` exists (5.0.15 logs no line per neighbor: its peers
        exist once the configuration is loaded)."""
        return "loaded new configuration successfully" if self.oracle else f"new peer: neighbor {address}"

    def wait_log(self, text: str, timeout: float = 10.0, peer=None) -> str:
        """Wait (pumping `peer` meanwhile) until the log has `text`."""
        end = time.monotonic() + timeout
        while text not in self.log():
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} not logged:\n{self.log()[-3000:]}")
            if peer is not None:
                peer.pump(0.05)
            else:
                time.sleep(0.05)
        return self.log()

    def stop(self, timeout: float = 10.0):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the daemon did not exit:\n{self.log()[-3000:]}") from None
        finally:
            self._log.close()
        return self.process.returncode


class Peer:
    """The test's BGP peer (see the module docstring)."""

    def __init__(
        self,
        port: int,
        daemon: Daemon,
        source: str = "127.0.0.1",
        wait: bool = True,
        deadline: float = 10.0,
        hold: int = HOLD,
    ):
        daemon.wait_log(daemon.ready(source), deadline)  # it listens before it has peers
        end = time.monotonic() + deadline
        while True:
            sock = socket.socket()
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_SNDBUF, 65536
            )  # what is streamed waits here, not in the kernel
            sock.bind((source, 0))
            try:
                sock.connect(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        sock.setblocking(False)
        self.sock = sock
        self.hold = hold
        self.daemon = daemon
        self.session = Session(
            SessionSettings(
                local_address=source,
                peer_address="127.0.0.1",
                local_as=65002,
                peer_as=65001,
                router_id="10.0.0.2",
                families=((1, 1),),
                hold_time=hold,
            )
        )
        self.out = bytearray()
        self.feed = deque()  # chunks of whole messages still to stream
        self.established = None  # when the session came up
        self.keepalives = []  # when each KEEPALIVE from the daemon arrived
        self.routes = {}  # prefix -> True (announced) / False (withdrawn)
        self.announces = 0
        self.withdraws = 0
        self.eor = False
        self.problems = []  # NOTIFICATIONs and closes
        self.session.start(time.monotonic())
        if wait:
            self.pump_until(lambda: self.eor, 10.0)

    def stream(self, messages: bytes, chunk: int = 65536) -> None:
        """Queue `messages` (whole framed messages) to be sent as the socket takes them."""
        view, start = memoryview(messages), 0
        while start < len(messages):
            end = _boundary(view, start, min(start + chunk, len(messages)))
            self.feed.append(bytes(view[start:end]))
            start = end

    def unsent(self) -> int:
        """How many octets of the stream wait to be sent."""
        return sum(map(len, self.feed)) + len(self.out)

    def streaming(self) -> bool:
        return bool(self.feed or self.out)

    def pump(self, seconds: float) -> None:
        pump([self], lambda: False, seconds, expire=False)

    def pump_until(self, predicate, timeout: float) -> None:
        pump([self], predicate, timeout)

    def _prepare(self, now: float):
        """Timers due, output queued; the next deadline."""
        session = self.session
        deadline = session.next_deadline()
        if deadline is not None and deadline <= now:
            session.handle_timer(now)
            self._events(now)
            deadline = session.next_deadline()
        self.out += session.data_to_send()
        if not self.out and self.feed:
            self.out += self.feed.popleft()
        return deadline

    def _write(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except BlockingIOError:
            sent = 0
        except (ConnectionResetError, BrokenPipeError):  # the daemon closed with our octets unread
            self.out.clear()
            self.feed.clear()
            if not self.session.closed:
                now = time.monotonic()
                self.session.connection_lost(now)
                self._events(now)
            return
        del self.out[:sent]

    def _read(self) -> None:
        try:
            data = self.sock.recv(1 << 20)
        except BlockingIOError:
            return
        except ConnectionResetError:
            data = b""
        now = time.monotonic()
        session = self.session
        if data:
            keepalives = session.received[KeepAlive.TYPE]
            session.receive_data(data, now)
            if session.received[KeepAlive.TYPE] != keepalives:
                self.keepalives.append(now)
        else:
            session.connection_lost(now)
        self._events(now)

    def _events(self, now: float) -> None:
        session = self.session
        while (event := session.next_event()) is not None:
            if isinstance(event, Established):
                self.established = now
            elif isinstance(event, UpdateReceived):
                update = event.update
                if update.eor(session.ctx) is not None:
                    self.eor = True
                    continue
                for action, _family, _nexthop, nlri in update.changes(session.ctx):
                    announced = action == "announce"
                    self.routes[nlri.prefix()] = announced
                    self.announces += announced
                    self.withdraws += not announced
            elif isinstance(event, (NotificationReceived, Closed)):
                self.problems.append(event)

    def close(self) -> None:
        self.sock.close()

    def leave(self, timeout: float = 10.0) -> None:
        """Go away cleanly: what is left of the stream is dropped, a FIN is sent, and the peer waits until the
        daemon has closed its side (so that the next connection from this address is no collision)."""
        self.feed.clear()
        self.out.clear()
        self.sock.shutdown(socket.SHUT_WR)
        pump([self], lambda: self.session.closed, timeout)
        self.sock.close()

    def kill(self) -> None:
        """End as a peer that dies: the connection is reset (RST), whatever is left unsent is lost."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def flap(port: int, source: str = "127.0.0.1", asn: int = 65002, peer_as: int = 65001, deadline: float = 10.0) -> bool:
    """One session flap: connect to the daemon from `source`, reach ESTABLISHED, close, and wait until the
    daemon has closed its side too.  False when the daemon refused the session (a collision with the
    previous connection it had not seen closed yet)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=deadline, source_address=(source, 0))
    try:
        session = Session(
            SessionSettings(
                local_address=source,
                peer_address="127.0.0.1",
                local_as=asn,
                peer_as=peer_as,
                router_id="10.0.0.2",
                families=((1, 1),),
                hold_time=HOLD,
            )
        )
        session.start(time.monotonic())
        while session.state is not State.ESTABLISHED and not session.closed:
            sock.sendall(session.data_to_send())
            data = sock.recv(65536)
            if not data:
                session.connection_lost(time.monotonic())
                break
            session.receive_data(data, time.monotonic())
        established = session.state is State.ESTABLISHED
        if established:
            sock.sendall(session.data_to_send())
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(65536):  # until the daemon closes
            pass
    finally:
        sock.close()
    return established


def pump(peers, predicate, timeout: float, expire: bool = True) -> None:
    """Drive `peers` (reading first, so a late pump does not expire a hold timer) until `predicate()`."""
    end = time.monotonic() + timeout
    daemon = peers[0].daemon
    while not predicate():
        for peer in peers:
            if peer.session.closed:
                raise AssertionError(f"the session closed: {peer.problems}\n{daemon.log()[-3000:]}")
        now = time.monotonic()
        if now >= end:
            if expire:
                raise AssertionError(
                    f"timed out; problems {[peer.problems for peer in peers]}, daemon log:\n{daemon.log()[-3000:]}"
                )
            return
        if now - daemon.sampled > 0.1:
            daemon.sampled = now
            daemon.rss()
        readable, writable, _ = select.select(
            [peer.sock for peer in peers], [peer.sock for peer in peers if peer.out], [], 0
        )
        if not readable and not writable:
            deadlines = [deadline for peer in peers if (deadline := peer._prepare(now)) is not None]
            wait = max(0.0, min([0.1, end - now] + [deadline - now for deadline in deadlines]))
            readable, writable, _ = select.select(
                [peer.sock for peer in peers], [peer.sock for peer in peers if peer.out], [], wait
            )
        for peer in peers:
            if peer.sock in writable:
                peer._write()
            if peer.sock in readable:
                peer._read()
        for peer in peers:
            peer._prepare(time.monotonic())


def _boundary(view, start: int, end: int) -> int:
    """The first message start at or after `end` (the octets from `start` are whole messages)."""
    position = start
    while position < end:
        position += int.from_bytes(view[position + 16 : position + 18], "big")
    return position


# ORIGIN IGP, AS_PATH [ 65002 ] (4-octet ASNs), NEXT_HOP 127.0.0.1
ATTRIBUTES = bytes.fromhex("4001010040020602010000FDEA4003047F000001")


def received_updates(count: int, first: int = 30) -> bytes:
    """`count` UPDATEs of one /24 each (`first`.0.0.0/24, `first`.0.1.0/24 ...), then the End-of-RIB."""
    head = b"\x00\x00" + len(ATTRIBUTES).to_bytes(2, "big") + ATTRIBUTES + b"\x18"
    base = first << 16
    messages = [frame_message(Update.TYPE, head + (base + number).to_bytes(3, "big")) for number in range(count)]
    return b"".join(messages) + frame_message(Update.TYPE, b"\x00\x00\x00\x00")


def healthy(daemon: Daemon, peer: Peer, rss_bound_mb: float) -> None:
    """See the module docstring."""
    assert daemon.process.poll() is None, daemon.log()[-3000:]
    assert peer.session.state is State.ESTABLISHED and not peer.problems, peer.problems
    marks = [peer.established] + peer.keepalives + [time.monotonic()]
    gaps = [after - before for before, after in pairwise(marks)]
    assert max(gaps) < peer.hold, f"no KEEPALIVE for {max(gaps):.2f} s"
    assert len(peer.keepalives) >= (marks[-1] - marks[0]) / peer.hold
    daemon.rss()
    assert 0 < daemon.peak_rss < rss_bound_mb * 1024, f"VmRSS peaked at {daemon.peak_rss} kB"
    log = daemon.log()
    assert "Traceback" not in log and "hold timer expired" not in log.lower(), log[-3000:]


def script(folder, name: str, text: str) -> str:
    path = folder / f"{name}.py"
    path.write_text(text)
    return f"{PY} {path}"


def report(name: str, daemon: Daemon, peer: Peer) -> None:
    print(
        f"{name}: peak VmRSS {daemon.peak_rss / 1024:.1f} MB, {len(peer.keepalives)} KEEPALIVEs, "
        f"{len(peer.routes)} routes"
    )
