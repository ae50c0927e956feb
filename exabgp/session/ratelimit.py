"""The neighbor's ``rate-limit``: at most N messages taken from the peer per second, sans I/O.

ExaBGP 5.0 serves a peer with ``rate-limit N`` at most N times a second,
one message each time.  `RateLimiter` gives the same pace to a session fed
by whole TCP reads: `take(data, now)` appends what arrived to a backlog and
returns the complete messages (cut on the length field of each 19-octet
header) that the current one-second window still allows; the rest waits.
A window opens with the first read after the previous one closed and
allows `rate` messages.  While `waiting` is true the caller stops reading
the socket (TCP flow control slows the peer down, the backlog stays
bounded) and calls `take(b"", now)` again at `window_end`.

Framing errors are not judged here: a header with a length under 19 ends
the cut and everything from it is handed over, so that the session sends
the NOTIFICATION it deserves.
"""

from exabgp._codec.tables import HEADER_SIZE, LENGTH_AT, TYPE_AT


class RateLimiter:
    """See the module docstring."""

    __slots__ = ("rate", "window_end", "_budget", "_backlog")

    def __init__(self, rate: int):
        self.rate = rate
        self.window_end = 0.0
        self._budget = 0
        self._backlog = bytearray()

    @property
    def waiting(self) -> bool:
        """Whether messages wait for the next window."""
        return bool(self._backlog) and self._budget == 0

    def take(self, data, now: float) -> bytes:
        """The octets the session may process now (whole messages, in order)."""
        self._backlog += data
        if now >= self.window_end:
            self.window_end = now + 1.0
            self._budget = self.rate
        backlog = self._backlog
        size = len(backlog)
        offset = 0
        while self._budget and size - offset >= HEADER_SIZE:
            length = int.from_bytes(backlog[offset + LENGTH_AT : offset + TYPE_AT], "big")
            if length < HEADER_SIZE:
                offset = size  # a broken header: the session answers it
                break
            if size - offset < length:
                break
            offset += length
            self._budget -= 1
        allowed = bytes(backlog[:offset])
        del backlog[:offset]
        return allowed
