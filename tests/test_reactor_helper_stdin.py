"""`exabgp.reactor.helper_stdin.HelperStdin` with real reader processes on real pipes.

* what is written arrives whole and in order, small lines and megabyte
  chunks alike, then EOF after `close()`;
* a reader taking 8 KiB per read costs the daemon far fewer turns than it
  makes reads (the pipe is refilled on a timer while it is full);
* a reader that does not read: pause once, and the writer waits for the
  pipe (no timer spinning) until it reads again, then resume and
  everything arrives;
* a reader that exits with data still queued: the queue is dropped, the
  pause released, no error.
"""

import asyncio
import os
import subprocess
import sys
import time

import pytest

from exabgp.reactor import helper_stdin
from exabgp.reactor.helper_stdin import HelperStdin

#: copies stdin to the file named by argv[1] in 8 KiB reads (as Python's buffered sys.stdin does), after sleeping
#: argv[2] seconds; prints the number of reads
READER = r"""
import os, sys, time
time.sleep(float(sys.argv[2]))
reads = 0
with open(sys.argv[1], "wb") as out:
    while True:
        chunk = os.read(0, 8192)
        if not chunk:
            break
        reads += 1
        out.write(chunk)
print(reads)
"""


class Counting(HelperStdin):
    """Counts the turns it writes in."""

    def __init__(self, *args, **kwargs):
        self.drains = 0
        super().__init__(*args, **kwargs)

    def _drain(self):
        self.drains += 1
        super()._drain()


async def _start(path, delay: float = 0.0, high: int = 256 * 1024, low: int = 64 * 1024):
    reading, writing = os.pipe2(os.O_CLOEXEC)
    process = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(delay)], stdin=reading, stdout=subprocess.PIPE, text=True
    )
    os.close(reading)
    events = []
    stdin = Counting(
        asyncio.get_running_loop(),
        writing,
        high=high,
        low=low,
        cap=1 << 30,
        on_pause=lambda: events.append("pause"),
        on_resume=lambda: events.append("resume"),
    )
    return process, stdin, events


async def _until(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)


def test_everything_arrives_in_order_then_eof(tmp_path):
    out = tmp_path / "out"
    pieces = []
    for number in range(20000):
        pieces.append(f"line {number}\n".encode())
        if number % 5000 == 0:
            pieces.append(bytes([number % 251]) * (3 * 1024 * 1024 + number))  # chunks larger than the pipe

    async def main():
        process, stdin, events = await _start(out)
        for number, piece in enumerate(pieces):
            stdin.write(piece)
            if number % 1000 == 0:
                await asyncio.sleep(0)
        stdin.close()
        await _until(lambda: process.poll() is not None)
        return process, stdin, events

    process, stdin, events = asyncio.run(main())
    assert process.returncode == 0
    assert out.read_bytes() == b"".join(pieces)
    assert stdin.is_closing() and stdin.queued() == 0
    assert events[:1] == ["pause"] and events[-1] == "resume" and events.count("pause") == events.count("resume")


def test_a_reader_of_8_kib_reads_costs_far_fewer_turns(tmp_path):
    out = tmp_path / "out"
    chunk = b"x" * 1023 + b"\n"
    total = 64 * 1024 * 1024

    async def main():
        process, stdin, events = await _start(out, high=2 * total, low=total)
        for _ in range(total // (1024 * 1024)):
            stdin.write(chunk * 1024)
        stdin.close()
        await _until(lambda: process.poll() is not None, 30.0)
        return int(process.stdout.read()), stdin

    reads, stdin = asyncio.run(main())
    assert out.stat().st_size == total
    assert reads >= total // 8192
    assert stdin.drains * 8 < reads, (stdin.drains, reads)


@pytest.mark.slow
def test_a_reader_that_does_not_read_is_waited_for_without_spinning(tmp_path):
    out = tmp_path / "out"
    data = os.urandom(4 * 1024 * 1024)

    async def main():
        process, stdin, events = await _start(out, delay=1.0)
        await asyncio.sleep(0.2)  # the reader runs, and sleeps
        stdin.write(data)
        await asyncio.sleep(0.5)
        stalled = (list(events), stdin.drains, stdin.queued())
        await _until(lambda: "resume" in events)
        stdin.close()
        await _until(lambda: process.poll() is not None)
        return stalled, events

    (stalled_events, stalled_drains, stalled_queue), events = asyncio.run(main())
    assert stalled_events == ["pause"]
    assert stalled_queue > 0
    assert stalled_drains <= 4, stalled_drains  # 0.5 s at 1 ms a turn would be hundreds
    assert events == ["pause", "resume"]
    assert out.read_bytes() == data


def test_a_reader_that_exits_drops_the_queue(tmp_path):
    async def main():
        reading, writing = os.pipe2(os.O_CLOEXEC)
        process = subprocess.Popen([sys.executable, "-c", "import os; os.read(0, 10)"], stdin=reading)
        os.close(reading)
        events = []
        stdin = HelperStdin(
            asyncio.get_running_loop(),
            writing,
            high=64 * 1024,
            low=1024,
            cap=1 << 30,
            on_pause=lambda: events.append("pause"),
            on_resume=lambda: events.append("resume"),
        )
        stdin.write(b"y" * (3 * helper_stdin.PIPE_SIZE))
        await _until(lambda: process.poll() is not None)
        await _until(stdin.is_closing, 5.0)
        return stdin, events, stdin.write(b"more")  # after the end: refused

    stdin, events, more = asyncio.run(main())
    assert more is False and stdin.queued() == 0
    assert events == ["pause", "resume"]
