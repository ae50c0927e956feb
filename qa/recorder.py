"""A recording BGP peer: what a daemon sends on each connection, and how the connection ends.

`Recorder(answer, port=...)` listens on 127.0.0.1 (from `start()`, which a
test may call late: a peer that starts listening after the daemon) and
serves every connection in a thread of its own:

* it answers the daemon's OPEN as `qa.peer.mirror_open` does (so that the
  capabilities the daemon offers, graceful restart included, are
  negotiated), then a KEEPALIVE, and every later message with a KEEPALIVE;
* with ``answer="notify"`` it answers the OPEN with `notification` (a
  NOTIFICATION body, Cease 6/5 by default) instead and closes;
* with ``answer="mute"`` it never answers (the daemon's session stays in
  OpenSent);
* with ``answer="hold"`` it answers the OPEN only once `answer` has been
  set to ``"establish"`` (a peer that lets the daemon wait in OpenSent, its
  session down, for as long as a test wants; `answer` may be changed at any
  time);
* with ``answer="close"`` it closes once the daemon's first End-of-RIB (or
  `close_after` seconds of session) has arrived;
* `options` (`qa.peer.Options`) shape the mirrored OPEN (``asn``: the
  peer's AS); `reset()` ends the running session from this side at any
  time (Cease / Administrative Reset, RFC 4486, then close).

Each connection is a `Recorded`: the messages received (type, body) and its
`end`: ``"fin"`` (the daemon closed: read returned end of file), ``"reset"``
(the daemon's side reset it: ECONNRESET) or ``"peer"`` (this side closed
first), None while open.  `wait(predicate)` waits until the recordings
satisfy a predicate.
"""

import dataclasses
import socket
import struct
import threading
import time

from qa.peer import HEADER_LENGTH, MARKER, Options, is_end_of_rib, message, mirror_open

OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4
#: Cease / Connection Rejected (RFC 4486): a peer refusing the session
REJECTED = bytes((6, 5))
#: Cease / Administrative Reset (RFC 4486): `reset()`
RESET = bytes((6, 4))


@dataclasses.dataclass
class Recorded:
    opened: float = 0.0  # time.monotonic() when it was accepted
    messages: list = dataclasses.field(default_factory=list)  # (type, body) in the order received
    end: str | None = None

    def kinds(self) -> list:
        return [kind for kind, _ in self.messages]

    def notifications(self) -> list:
        """The (code, subcode) of each NOTIFICATION received."""
        return [(body[0], body[1]) for kind, body in self.messages if kind == NOTIFICATION]

    def last(self) -> tuple:
        """What ends the connection: the last message other than a KEEPALIVE, as (type, body[:2]), and `end`."""
        messages = [
            (kind, body[:2] if kind == NOTIFICATION else b"") for kind, body in self.messages if kind != KEEPALIVE
        ]
        return (messages[-1] if messages else None), self.end


def _answer(sock, data: bytes) -> None:
    """Send an answer; one the daemon no longer takes (it closed: the write fails with a broken pipe or a
    reset) is dropped, and the messages it sent before closing, a NOTIFICATION among them, are still read and
    recorded (recv returns them before the end)."""
    try:
        sock.sendall(data)
    except OSError:
        pass


class Recorder:
    """See the module docstring."""

    def __init__(
        self,
        answer: str = "establish",
        port: int = 0,
        notification: bytes = REJECTED,
        close_after: float = 5.0,
        options: Options | None = None,
    ):
        self.answer = answer
        self.port = port
        self.notification = notification
        self.close_after = close_after
        self.options = options or Options()
        self.connections = []
        self._sockets = {}  # id(Recorded) -> its socket, while served
        self._listener = None
        self._lock = threading.Condition()
        self._closing = False

    def start(self) -> "Recorder":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening (the connections are left to end by themselves)."""
        self._closing = True
        if self._listener is not None:
            self._listener.close()

    def wait(self, predicate, timeout: float = 10.0) -> list:
        """The recordings once `predicate(recordings)` holds; AssertionError after `timeout`."""
        end = time.monotonic() + timeout
        with self._lock:
            while not predicate(self.connections):
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting; recorded: {self.connections}")
                self._lock.wait(remaining)
            return list(self.connections)

    def reset(self) -> None:
        """End the last connection still open: Cease / Administrative Reset, then close (its `end`: peer)."""
        with self._lock:
            recorded = next((item for item in reversed(self.connections) if item.end is None), None)
            sock = self._sockets.get(id(recorded))
        if sock is None:
            return
        self._note(recorded, end="peer")
        try:
            sock.sendall(message(NOTIFICATION, RESET))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _accept(self) -> None:
        while not self._closing:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            recorded = Recorded(time.monotonic())
            with self._lock:
                self.connections.append(recorded)
                self._lock.notify_all()
                self._sockets[id(recorded)] = sock
            threading.Thread(target=self._serve, args=(sock, recorded), daemon=True).start()

    def _note(self, recorded, kind=None, body=b"", end=None) -> None:
        with self._lock:
            if kind is not None:
                recorded.messages.append((kind, body))
            if end is not None and recorded.end is None:
                recorded.end = end
            self._lock.notify_all()

    def _serve(self, sock, recorded) -> None:
        buffer = b""
        established = None
        held = None  # the OPEN answered once `answer` is "establish" (answer "hold")
        sock.settimeout(0.2)
        try:
            while True:
                if held is not None and self.answer == "establish":
                    _answer(sock, message(OPEN, mirror_open(held, self.options)) + message(KEEPALIVE))
                    established, held = time.monotonic(), None
                if (
                    self.answer == "close"
                    and established is not None
                    and time.monotonic() - established > self.close_after
                ):
                    break
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    self._note(recorded, end="reset")
                    return
                if not data:
                    self._note(recorded, end="fin")
                    return
                buffer += data
                while len(buffer) >= HEADER_LENGTH and buffer[:16] == MARKER:
                    length = struct.unpack("!H", buffer[16:18])[0]
                    if len(buffer) < length:
                        break
                    kind, body, buffer = buffer[18], buffer[HEADER_LENGTH:length], buffer[length:]
                    self._note(recorded, kind, body)
                    if kind == OPEN:
                        if self.answer == "mute":
                            continue
                        if self.answer == "hold":
                            held = body
                            continue
                        if self.answer == "notify":
                            sock.sendall(message(NOTIFICATION, self.notification))
                            self._note(recorded, end="peer")
                            return
                        _answer(sock, message(OPEN, mirror_open(body, self.options)) + message(KEEPALIVE))
                        established = time.monotonic()
                    elif kind == UPDATE and is_end_of_rib(body) and self.answer == "close":
                        self._note(recorded, end="peer")
                        return
                    elif kind != NOTIFICATION:
                        _answer(sock, message(KEEPALIVE))
            self._note(recorded, end="peer")
        except OSError:
            self._note(recorded, end="reset")
        finally:
            with self._lock:
                self._sockets.pop(id(recorded), None)
            sock.close()
