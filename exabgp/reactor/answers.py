"""Answers to helpers and the CLI, long ones streamed in bounded chunks at the reader's pace.

A ``show`` command (`exabgp.reactor.commands`) answers with *pieces*: an
iterable of texts (whole lines with their newline, or parts of one long
line such as ``show neighbor json``) made lazily, a route or a peer at a
time.  `Answers.send(source, pieces)` writes them to the source (a helper's
stdin or the CLI's ``.out``, `exabgp.reactor.api.Api.write`), then its
``done`` (`Api.ack`):

* the pieces are joined into chunks of about `CHUNK` octets, each made
  within about `BUDGET` seconds; an answer that ends within its first chunk
  is written at once, as any short answer is;
* a longer one becomes a task: after each chunk it waits until the reader
  has taken the answer down to `BACKLOG` octets (`Api.room`: the helper's
  queue, the CLI client's pipe) and gives the loop a turn, so BGP sessions,
  keepalives and other helpers' commands go on while it streams, and the
  daemon holds at most about `BACKLOG` + `CHUNK` octets of it whatever its
  length (a helper's high water mark, `exabgp.reactor.processes.HIGH_WATER`,
  is above that: an answer alone never pauses the peers feeding a helper);
* the answers of one source never mix: while one streams, the lines that
  source sends are held (`hold`) and executed in order once it has ended,
  except ``reset``, which ends the answer at once (no more lines, no
  ``done``; 5.0 clears a helper's scheduled work with it) before the held
  lines run;
* when the reader goes away (the helper dies, the CLI client leaves) the
  answer ends: nothing more is made for nobody;
* an exception while making the pieces (a bug of ours) is logged and the
  answer ends with ``error``.

What a streamed answer shows while the daemon keeps running is for the
maker of the pieces to define (`exabgp.rib.incoming.AdjRibIn.routes`,
`exabgp.rib.outgoing.AdjRibOut.listing`).
"""

import asyncio
import collections
import time
import traceback

#: octets of text joined into one write
CHUNK = 64 * 1024
#: seconds of work at most for one chunk (the pieces of ``extensive`` cost more than their size says)
BUDGET = 0.005
#: how often (in pieces) the time is looked at
_CLOCK_EVERY = 32
#: a streamed answer waits while more than this many of its octets are not taken by the reader
BACKLOG = 256 * 1024

SOURCE = "api"


def _chunk(pieces) -> tuple:
    """``(text, ended)``: the next pieces of the iterator `pieces`, up to `CHUNK` octets or `BUDGET` seconds."""
    parts = []
    size = 0
    deadline = time.perf_counter() + BUDGET
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= CHUNK or (len(parts) % _CLOCK_EVERY == 0 and time.perf_counter() > deadline):
            return "".join(parts), False
    return "".join(parts), True


class Answers:
    """The answers being streamed, one at most per source (see the module docstring)."""

    def __init__(self, api, execute, is_reset):
        """`execute(source, line)` runs a held line; `is_reset(line)` tells a ``reset`` line."""
        self.api = api
        self.execute = execute
        self.is_reset = is_reset
        self._tasks = {}  # source -> the task streaming its answer
        self._held = {}  # source -> deque of the lines it sent meanwhile
        self._closed = False

    def busy(self, source: str) -> bool:
        return source in self._tasks

    def send(self, source: str, pieces) -> None:
        """Answer `source` with `pieces` then ``done`` (see the module docstring)."""
        pieces = iter(pieces)
        try:
            text, ended = _chunk(pieces)
        except Exception as error:  # a bug of ours: the source is answered and the daemon carries on
            self._failed(source, error)
            return
        if text:
            self.api.write(source, text)
        if ended:
            self.api.ack(source, True)
            return
        self.api.streaming(source, True)
        task = self._tasks[source] = asyncio.get_running_loop().create_task(self._stream(source, pieces))
        task.add_done_callback(lambda _: self._ended(source))

    def hold(self, source: str, line: str) -> None:
        """A line from `source` while its answer streams: kept for later, or ``reset``: the answer ends now."""
        if self.is_reset(line):
            self._tasks[source].cancel()
            return
        self._held.setdefault(source, collections.deque()).append(line)

    def close(self) -> None:
        """The daemon stops: the answers end where they are, the held lines are not run."""
        self._closed = True
        for task in list(self._tasks.values()):
            task.cancel()

    async def _stream(self, source: str, pieces) -> None:
        """The chunks after the first, each once the reader made room (a cancelled task ends here, or before it
        starts: `_ended` is its done callback)."""
        try:
            while True:
                room = self.api.room(source, BACKLOG)
                if not isinstance(room, bool):
                    room = await room
                else:
                    await asyncio.sleep(0)  # a turn of the loop between two chunks
                if not room:
                    self.api.log.debug(SOURCE, f"the reader of {source} went away, its answer ends")
                    return
                text, ended = _chunk(pieces)
                if text:
                    self.api.write(source, text)
                if ended:
                    self.api.ack(source, True)
                    return
        except Exception as error:  # a bug of ours, see send
            self._failed(source, error)

    def _ended(self, source: str) -> None:
        del self._tasks[source]
        self.api.streaming(source, False)
        if not self._closed:
            self._resume(source)

    def _failed(self, source: str, error: Exception) -> None:
        self.api.log.error(SOURCE, f"answer to {source} failed ({error!r})")
        self.api.log.debug(SOURCE, traceback.format_exc())
        self.api.ack(source, False)

    def _resume(self, source: str) -> None:
        """Run the lines `source` sent while its answer streamed, until one starts another streamed answer."""
        held = self._held.get(source)
        while held and source not in self._tasks:
            self.execute(source, held.popleft())
        if not held:
            self._held.pop(source, None)
