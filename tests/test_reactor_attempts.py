"""`tcp.attempts` (``exabgp_tcp_connections``) and the connect-retry timing, ours and ExaBGP 5.0.15 alike.

Each test runs a real daemon process, ours and the oracle's (`qa.oracle`,
skipped without it unless ``EXABGP_ORACLE_REQUIRED=1``), against the
recording peer of `qa.recorder`, which may start listening late.  What is
asserted was recorded from 5.0.15 (the same test runs it):

* every outgoing attempt counts, a refused connect included: with
  ``exabgp_tcp_connections=1`` and nobody listening the daemon tries once
  and exits 0 at once (a peer that starts listening later is never
  reached);
* the attempts come at 0, 0, 1, 3 ... seconds (the first one is outside
  the 0, 1, 2, 3 ... backoff); with 4 attempts a peer that starts listening
  after the third is reached by the fourth, and the session it then closes
  is the last attempt: the daemon exits 0;
* a session the peer refuses with a NOTIFICATION is an attempt too, and the
  next one follows at once;
* with several neighbors the daemon exits once every one has used its
  attempts;
* an incoming session is no attempt: a passive neighbor with
  ``exabgp_tcp_connections=1`` runs on after its peer closed the session.
"""

import signal
import struct
import threading
import time
from itertools import pairwise

import pytest

from qa.daemon import connect, free_port, start, start_oracle, wait_until
from qa.peer import HEADER_LENGTH, Options, message, mirror_open
from qa.oracle import require_oracle
from qa.recorder import OPEN, UPDATE, Recorder

pytestmark = pytest.mark.slow  # our daemon and 5.0.15 against the connect-retry timers

DAEMONS = ["ours", "oracle"]


class Run:
    """A daemon process whose log lines are read as they come, with the time each arrived."""

    def __init__(self, which: str, path, **settings):
        settings.setdefault("exabgp_log_level", "DEBUG")
        self.started = time.monotonic()
        if which == "oracle":
            self.process = start_oracle(require_oracle(), path, **settings)
        else:
            self.process = start(path, **settings)
        self.lines = []  # (seconds since the start, line)
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._changed:
                self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))
                self._changed.notify_all()

    def attempts(self) -> list:
        """When each outgoing connection was attempted (seconds since the start)."""
        with self._changed:
            return [when for when, line in self.lines if "attempting connection" in line]

    def wait_attempts(self, count: int, timeout: float = 15.0) -> None:
        end = time.monotonic() + timeout
        with self._changed:
            while len([line for _, line in self.lines if "attempting connection" in line]) < count:
                remaining = end - time.monotonic()
                assert remaining > 0 and self.process.poll() is None, self.log()
                self._changed.wait(min(remaining, 0.2))

    def finish(self, timeout: float = 15.0) -> int:
        """The exit code; AssertionError when the daemon does not exit by itself."""
        try:
            code = self.process.wait(timeout)
        except Exception:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the daemon did not exit:\n{self.log()}") from None
        self._reader.join(5)
        self.process.stdout.close()
        return code

    def log(self) -> str:
        return "\n".join(line for _, line in self.lines)


def configuration(tmp_path, ports) -> str:
    """One active neighbor per port: 127.0.0.1, 127.0.0.2 ... each connecting to 127.0.0.1:port."""
    path = tmp_path / "exabgp.conf"
    path.write_text(
        "".join(
            f"""
neighbor 127.0.0.{index + 1} {{
    router-id 10.0.0.1; local-as 65001; peer-as 65001; connect {port};
    family {{ ipv4 unicast; }}
}}
"""
            for index, port in enumerate(ports)
        )
    )
    return path


@pytest.mark.parametrize("which", DAEMONS)
def test_one_attempt_and_nobody_listening_exits_at_once(tmp_path, which):
    port = free_port()
    run = Run(which, configuration(tmp_path, [port]), exabgp_tcp_connections=1)
    assert run.finish(10) == 0, run.log()
    assert len(run.attempts()) == 1, run.log()
    assert "exiting on peer termination" in run.log()
    # the peer that starts listening afterwards is never reached
    late = Recorder(port=port).start()
    time.sleep(1.5)  # a window for a connection that must never come (the daemon exited: nothing of it may connect)
    late.stop()
    assert late.connections == []
    assert "Traceback" not in run.log()


@pytest.mark.parametrize("which", DAEMONS)
def test_a_late_peer_is_reached_by_the_fourth_attempt(tmp_path, which):
    port = free_port()
    run = Run(which, configuration(tmp_path, [port]), exabgp_tcp_connections=4)
    run.wait_attempts(3)
    time.sleep(0.4)
    print(
        "XXXX", which, run.log()[-1200:]
    )  # the third connect is refused by then (it is logged before it is made); the fourth is 2 s on
    peer = Recorder("close", port=port, close_after=1).start()  # closes the session after the End-of-RIB
    try:
        assert run.finish(15) == 0, run.log()
    finally:
        peer.stop()
    attempts = run.attempts()
    assert len(attempts) == 4, run.log()
    gaps = [later - earlier for earlier, later in pairwise(attempts)]
    assert gaps[0] < 0.6 and 0.6 < gaps[1] < 1.6 and 1.6 < gaps[2] < 2.8, (gaps, run.log())
    [session] = peer.connections
    assert session.kinds()[:3] == [OPEN, 4, UPDATE] and session.end == "peer", session


@pytest.mark.parametrize("which", DAEMONS)
def test_a_refused_open_is_an_attempt_and_the_next_follows_at_once(tmp_path, which):
    port = free_port()
    peer = Recorder("notify", port=port).start()  # answers the OPEN with Cease 6/5
    run = Run(which, configuration(tmp_path, [port]), exabgp_tcp_connections=2)
    try:
        assert run.finish(10) == 0, run.log()
    finally:
        peer.stop()
    assert [session.kinds() for session in peer.connections] == [[OPEN], [OPEN]]
    assert peer.connections[1].opened - peer.connections[0].opened < 0.6
    assert "notification received (6,5)" in run.log()


@pytest.mark.parametrize("which", DAEMONS)
def test_several_neighbors_exit_once_each_has_used_its_attempt(tmp_path, which):
    listening, silent = free_port(), free_port()
    peer = Recorder("close", port=listening, close_after=1).start()
    run = Run(which, configuration(tmp_path, [listening, silent]), exabgp_tcp_connections=1)
    try:
        assert run.finish(10) == 0, run.log()
    finally:
        peer.stop()
    assert len(run.attempts()) == 2, run.log()
    [session] = peer.connections
    assert session.kinds()[:3] == [OPEN, 4, UPDATE] and session.end == "peer", session
    assert run.log().count("exiting on peer termination") == 1


@pytest.mark.parametrize("which", DAEMONS)
def test_an_incoming_session_is_no_attempt(tmp_path, which):
    port = free_port()
    path = tmp_path / "exabgp.conf"
    path.write_text(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65001; passive; listen {port};
    family {{ ipv4 unicast; }}
}}
""")
    run = Run(which, path, exabgp_tcp_connections=1)
    try:
        for session in range(1, 3):  # two sessions from the peer, each closed by it
            with connect(port) as sock:
                sock.settimeout(5)
                opened = sock.recv(65536)  # the daemon's OPEN
                length = struct.unpack("!H", opened[16:18])[0]
                sock.sendall(message(1, mirror_open(opened[HEADER_LENGTH:length], Options())) + message(4))
                assert sock.recv(65536)  # its KEEPALIVE (and End-of-RIB): established
            wait_until(lambda: run.log().count("peer reset") == session, what="the end of the session")
            assert run.process.poll() is None, run.log()
    finally:
        run.process.send_signal(signal.SIGTERM)
    assert run.finish(10) == 0, run.log()
    assert "exiting on peer termination" not in run.log()
