"""A helper's stdin: a non-blocking pipe written at the pace its reader takes it.

asyncio's pipe transport waits for the pipe to be writable and writes at
once; a reader that takes its input 8 KiB at a time (Python's buffered
``sys.stdin``) then wakes the daemon, and pays a wake-up of the daemon in
its own ``read``, for every 8 KiB: 40,000 turns of the event loop for a
full table of JSON.  `HelperStdin` writes what the pipe takes and, while
the pipe is full, comes back `DRAIN_DELAY` seconds later instead of
asking for EPOLLOUT: a reader taking 100 MB/s finds 1 MiB pipe (`PIPE_SIZE`)
never empty and the daemon writes about 100 KiB per turn.  Only when a
turn finds the pipe as full as before (the reader is not reading) does it
wait for the pipe to become writable, so a stuck reader costs nothing.

Writes are queued and written together once they reach `JOIN` bytes, or at
the end of the loop's turn (`loop.call_soon`), so many small lines cost one
system call.

A write that would make the queue grow over `cap` bytes is refused.
Flow control: `on_pause()` is called when the queue (what the pipe has not
taken) grows over `high` bytes (seen when the pipe is full: what one turn
writes to a pipe with room for it does not count), `on_resume()` once it
is back at or below `low` bytes.  `room(limit)` is how a long answer
(`exabgp.reactor.answers`) goes at the reader's pace: True when at most
`limit` bytes wait, False when the input is closed, else a future that
becomes True once the queue is down to `limit` bytes (False if the input
closes first).  `close()` ends the input after the queue is written;
`abort()` ends it now and drops the queue.  A reader that closed its end
(EPIPE) drops the queue too; `on_resume()` is then called if pending.
"""

import collections
import fcntl
import os

from exabgp.reactor.backlog import Backlog

#: the size asked for the pipe (Linux, F_SETPIPE_SZ; the kernel's default is 64 KiB and it may refuse more than
#: /proc/sys/fs/pipe-max-size, 1 MiB by default): fewer, larger reads for a helper taking a full table
PIPE_SIZE = 1024 * 1024
#: queued chunks smaller than this are joined, up to this size, into one write
JOIN = 64 * 1024
#: while the pipe is full, the time before the next write (a reader at 1 GB/s would drain a full pipe in 1 ms)
DRAIN_DELAY = 0.001


class HelperStdin:
    """The write end of a helper's stdin (see the module docstring)."""

    __slots__ = (
        "_loop",
        "_fd",
        "_high",
        "_low",
        "_cap",
        "_on_pause",
        "_on_resume",
        "_queue",
        "_size",
        "_handle",
        "_watching",
        "_full",
        "_paused",
        "_closing",
        "_backlog",
    )

    def __init__(self, loop, fd: int, *, high: int, low: int, cap: int, on_pause, on_resume):
        self._loop = loop
        self._fd = fd
        self._high = high
        self._low = low
        self._cap = cap
        self._on_pause = on_pause
        self._on_resume = on_resume
        self._queue: collections.deque = collections.deque()
        self._size = 0
        self._handle = None  # the call_soon / call_later handle of the next drain
        self._watching = False  # waiting for EPOLLOUT (the reader took nothing last time)
        self._full = False  # the pipe did not take everything last time
        self._paused = False
        self._closing = False
        self._backlog = Backlog()  # the waiter of `room`
        os.set_blocking(fd, False)
        if hasattr(fcntl, "F_SETPIPE_SZ"):
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
            except OSError:  # over the system's limit: the default size works too
                pass

    def is_closing(self) -> bool:
        return self._closing

    def queued(self) -> int:
        """Bytes written but not yet taken by the pipe."""
        return self._size

    def room(self, limit: int):
        """True when at most `limit` bytes wait, False when the input is closed, else a future (module docstring)."""
        return self._backlog.room(self._size, self._closing, limit)

    def write(self, data: bytes) -> bool:
        """Queue `data`; False when it is not (the input is closed, or the queue would grow over `cap`)."""
        if self._closing or self._size + len(data) > self._cap:
            return False
        self._queue.append(data)
        self._size += len(data)
        if not self._full and self._size >= JOIN:  # enough for one system call: try the pipe now
            self._drain()
        elif self._handle is None and not self._watching:
            self._handle = self._loop.call_soon(self._drain)
        if self._full and self._size > self._high and not self._paused:  # no need to try the pipe first
            self._paused = True
            self._on_pause()
        return True

    def close(self) -> None:
        """End the input once the queue is written."""
        if self._fd < 0 or self._closing:
            return
        self._closing = True
        if not self._queue:
            self._release()

    def abort(self) -> None:
        """End the input now, dropping the queue."""
        self._queue.clear()
        self._size = 0
        self._release()

    def _unschedule(self) -> None:
        """No drain pending: neither a timer nor EPOLLOUT."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._watching:
            self._loop.remove_writer(self._fd)
            self._watching = False

    def _drain(self) -> None:
        self._unschedule()
        queue = self._queue
        wrote = False
        while queue:
            chunk = queue.popleft()
            if queue and len(chunk) < JOIN and len(queue[0]) < JOIN:  # small lines: one system call for many
                parts = [chunk]
                total = len(chunk)
                while queue and total < JOIN and len(queue[0]) < JOIN:
                    parts.append(queue.popleft())
                    total += len(parts[-1])
                chunk = b"".join(parts)
            try:
                written = os.write(self._fd, chunk)
            except BlockingIOError:
                written = 0
            except OSError:  # the reader is gone (EPIPE) or the pipe broke: nobody will read the rest
                self.abort()
                return
            self._size -= written
            wrote = wrote or written > 0
            if written < len(chunk):
                queue.appendleft(memoryview(chunk)[written:])
                break
        self._full = bool(queue)
        if not queue:
            if self._closing:
                self._release()
                return
        elif wrote:  # the pipe is full and its reader reads: come back when it has taken some more
            self._handle = self._loop.call_later(DRAIN_DELAY, self._drain)
        else:  # the reader took nothing since last time: wait until it does
            self._watching = True
            self._loop.add_writer(self._fd, self._drain)
        # last, as the callbacks may write again
        self._backlog.update(self._size, self._closing)
        if self._paused and self._size <= self._low:
            self._paused = False
            self._on_resume()
        elif self._size > self._high and not self._paused:
            self._paused = True
            self._on_pause()

    def _release(self) -> None:
        self._unschedule()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._closing = True
        self._backlog.update(self._size, self._closing)
        if self._paused:
            self._paused = False
            self._on_resume()
