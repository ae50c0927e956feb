"""`exabgp cli [--pipename NAME] COMMAND...` and `exabgp-cli`: ExaBGP 5.0's one-shot CLI client.

See docs/compatibility.md, "The CLI client".

The pipes are found as the daemon finds them (`exabgp.reactor.pipes`:
5.0's ROOT and folder order); the name is ``--pipename``, else the
``api.pipename`` setting (environment, then INI file).  Then, as 5.0:

1. no command: ``no commmand provided, sending "help"`` (5.0's spelling)
   and ``help`` is sent;
2. no folder with both FIFOs: the folders scanned are printed on standard
   output (5.0's text, which calls the uid a PID, and no final newline),
   exit 1; a FIFO we may not read: 5.0's two error lines, exit 1;
3. ``.out`` is opened for reading (non-blocking) and what a previous
   command left there is read and thrown away: all that is there now, and
   while it does not end with a complete answer, for at most 1.5 s;
4. the words are expanded (`expand`, 5.0's shortcuts) and, when that
   changed them, ``command: <expanded>`` is printed;
5. ``<command>\\n`` is written to ``.in``; when no daemon has it open for
   5 s: ``could not send command to ExaBGP (command timeout)`` on standard
   error (no newline), exit 1.  ``reset`` (never answered) exits 0 here;
6. the answer lines are printed until ``done`` (not printed), ``error``
   (``ExaBGP returns an error ...`` and ``use help ...`` on standard error)
   or ``shutdown`` (``ExaBGP is shutting down, command aborted`` on standard
   error), or their JSON forms (`TERMINATORS`); after 5 s without data,
   5.0's three warnings on standard error.  With ``api.ack`` false the
   answer also ends once the daemon closed ``.out`` and wrote nothing to it
   for 0.5 s (5.0 looks at the FIFO's modification time).  Exit 0.

Departure: 5.0 stops counting the 5 s once the daemon has closed ``.out``
after a first line (the FIFO then always reads as ready) and may wait for
ever; here the 5 s run whenever no data comes: they measure silence, not
the answer's length (a full table's ``show adj-rib in`` streams for many
seconds, `exabgp.reactor.answers`).  The lines of one read are printed
with one write, the terminator looked for in them at once.  Ctrl-C ends the wait
quietly (exit 0, as 5.0's ``exabgpcli`` launcher).

`expand(words)` holds 5.0's shortcut table as 5.0 applies it: each word,
in table order, takes the first entry whose shortcut equals the word or
whose full word starts with it, if the entry's context holds for the words
expanded so far.  Observed in 5.0 and kept: ``r`` / ``rr`` (route,
route-refresh) and the "after an IP address" contexts never apply (5.0
compares its word list to a string), ``v`` gives ``vps`` and ``o`` after
``announce`` gives ``operation``; an empty word at the start is
``announce``.
"""

import argparse
import errno
import os
import select
import sys
import time

from exabgp.cli import reader_gone
from exabgp.cli.env import command_environment
from exabgp.reactor import pipes

DESCRIPTION = "exabgp command line interface"

#: seconds to wait for the daemon to open ``.in``
COMMAND_TIMEOUT = 5.0
#: seconds spent at most throwing away what a previous command left on ``.out``
CLEAR_TIMEOUT = 1.5
#: seconds without data after which the answer is given up
RESPONSE_TIMEOUT = 5.0
#: with api.ack false, seconds since the last write to ``.out`` that end the answer
QUIET_TIME = 0.5
#: seconds between two looks at a pipe
STEP = 0.01
#: octets read from ``.out`` at once (the daemon asks for a 1 MiB pipe: a long answer comes in large reads)
READ_SIZE = 256 * 1024

DONE = ("done", '{ "answer": "done", "message": "command completed" }')
ERROR = ("error", '{ "answer": "error", "message": "this command does not support json output" }')
SHUTDOWN = ("shutdown", '{ "answer": "shutdown", "message": "exbgp exited" }')
TERMINATORS = DONE + ERROR + SHUTDOWN
_TERMINATOR_SET = frozenset(TERMINATORS)


def _first(position, previous):
    return position == 0


def _not_first(position, previous):
    return position != 0


def _anywhere(position, previous):
    return True


def _after_announce(position, previous):
    return previous[-1] == "announce"


def _after_announce_or_withdraw(position, previous):
    return previous[-1] in ("announce", "withdraw")


def _after_show_anywhere(position, previous):
    return "show" in previous


def _first_or_after_show(position, previous):
    return position == 0 or previous[-1] == "show"


def _after_adj_rib(position, previous):
    return previous[-1] == "adj-rib"


def _after_clear_flush_show(position, previous):
    return previous[-1] in ("clear", "flush", "show")


#: (shortcut, word, context) in 5.0's order; `previous` starts with "" before the first word
SHORTCUTS = (
    ("a", "announce", _first),
    ("a", "attributes", _after_announce_or_withdraw),
    ("c", "configuration", _anywhere),
    ("e", "eor", _after_announce),
    ("e", "extensive", _after_show_anywhere),
    ("f", "flow", _after_announce_or_withdraw),
    ("f", "flush", _first),
    ("h", "help", _first),
    ("i", "in", _after_adj_rib),
    ("n", "neighbor", _first_or_after_show),
    ("s", "show", _first),
    ("t", "teardown", _first),
    ("s", "summary", _not_first),
    ("v", "vps", _after_announce_or_withdraw),
    ("o", "operation", _after_announce),
    ("o", "out", _after_adj_rib),
    ("a", "adj-rib", _after_clear_flush_show),
    ("w", "withdraw", _first),
    ("w", "watchdog", _after_announce_or_withdraw),
    ("neighbour", "neighbor", _anywhere),
    ("neigbour", "neighbor", _anywhere),
    ("neigbor", "neighbor", _anywhere),
)


def expand(words: list) -> str:
    """The command sent for the typed `words`, shortcuts expanded as 5.0 does."""
    previous = [""]
    for position, word in enumerate(words):
        for shortcut, full, context in SHORTCUTS:
            if (word == shortcut or full.startswith(word)) and context(position, previous):
                previous.append(full)
                break
        else:
            previous.append(word)
    return " ".join(previous).strip()


def setargs(parser) -> None:
    parser.description = DESCRIPTION
    parser.add_argument("--pipename", dest="pipename", help="Name of the pipe", required=False)
    # not `command`: the sub-command dispatch of `exabgp` owns that name
    parser.add_argument("words", metavar="command", nargs="*", help="command to run on the router")


class _Exit(Exception):
    """End of the client with this exit code (the message is already written)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def _readable(path: str, purpose: str, err) -> None:
    """5.0's check of a pipe found: we must be allowed to read it."""
    if not os.access(path, os.R_OK):
        err.write(f"error: a named pipe exists and we can not read/write to it ({os.path.abspath(path)})\n")
        err.write(f"could not find {purpose} named pipe to connect to ExaBGP\n")
        err.flush()
        raise _Exit(1)


def _read(reader: int) -> bytes | None:
    """What is in the pipe now; None when nothing, b"" at end-of-file (no writer)."""
    try:
        return os.read(reader, READ_SIZE)
    except BlockingIOError:
        return None


def _clear(reader: int) -> None:
    """Throw away what a previous command left on ``.out`` (5.0's 1.5 s rule)."""
    start = time.monotonic()
    seen = b""
    while time.monotonic() < start + CLEAR_TIMEOUT:
        data = _read(reader)
        if not data:
            if not seen or _ends_answer(seen):
                return
            time.sleep(STEP)
            continue
        seen = (seen + data)[-256:]


def _ends_answer(data: bytes) -> bool:
    """Whether `data` ends with a complete terminator line."""
    return data.endswith(b"\n") and data[:-1].rsplit(b"\n", 1)[-1].decode("utf-8", "replace") in TERMINATORS


def _send(path: str, command: str, timeout: float, err) -> None:
    deadline = time.monotonic() + timeout
    data = command.encode("utf-8") + b"\n"
    writer = None
    try:
        while data:
            try:
                if writer is None:
                    writer = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                data = data[os.write(writer, data) :]
                continue
            except (BlockingIOError, InterruptedError):
                pass  # the pipe is full: the daemon is not reading yet
            except OSError as error:
                if error.errno != errno.ENXIO:  # ENXIO: no daemon has .in open yet
                    err.write(f"could not communicate with ExaBGP ({error})\n")
                    err.flush()
                    raise _Exit(1) from None
            if time.monotonic() > deadline:
                err.write("could not send command to ExaBGP (command timeout)")
                err.flush()
                raise _Exit(1)
            time.sleep(STEP)
    finally:
        if writer is not None:
            os.close(writer)


def _answer(reader: int, path: str, ack: bool, timeout: float, out, err) -> None:
    buffer = b""
    last = time.monotonic()
    while True:
        ready, _, _ = select.select([reader], [], [], STEP)
        data = _read(reader) if ready else None
        if not data:
            now = time.monotonic()
            if data == b"":
                # end-of-file: the daemon closed .out; do not spin on it
                if not ack and time.time() - os.stat(path).st_mtime >= QUIET_TIME:
                    return
                time.sleep(STEP)
            if now - last > timeout:
                err.write("\n")
                err.write("warning: no end of command message received\n")
                err.write(
                    "warning: normal if exabgp.api.ack is set to false otherwise some data may get stuck on the pipe\n"
                )
                err.write("warning: otherwise it may cause exabgp reactor to block\n")
                err.flush()
                return
            continue
        last = time.monotonic()
        complete, newline, buffer = (buffer + data).rpartition(b"\n")
        if not newline:
            continue
        text = complete.decode("utf-8", "replace")
        lines = text.split("\n")
        if _TERMINATOR_SET.isdisjoint(lines):  # the usual case: a part of a long answer
            out.write(text + "\n")
            out.flush()
            continue
        end = next(index for index, line in enumerate(lines) if line in _TERMINATOR_SET)
        line = lines[end]
        if end:
            out.write("\n".join(lines[:end]) + "\n")
            out.flush()
        if line in SHUTDOWN:
            err.write("ExaBGP is shutting down, command aborted\n")
        elif line in ERROR:
            err.write(
                "ExaBGP returns an error (see ExaBGP's logs for more information)\n"
                "use help for a list of available commands\n"
            )
        err.flush()
        return


def run(
    words: list,
    pipename: str,
    searched: list,
    ack: bool,
    out,
    err,
    command_timeout: float = COMMAND_TIMEOUT,
    response_timeout: float = RESPONSE_TIMEOUT,
) -> int:
    """Send the command `words` to the daemon whose pipes are in one of `searched`; the exit code."""
    if not words:
        out.write('no commmand provided, sending "help"\n')
        out.flush()
        words = ["help"]
    folder = pipes.find(searched, pipename)
    if folder is None:
        out.write(f"could not find ExaBGP's named pipes ({pipename}.in and {pipename}.out) for the cli\n")
        out.write("we scanned the following folders (the number is your PID):\n - ")
        out.write("\n - ".join(searched))
        out.flush()
        return 1
    send = f"{folder}{pipename}.in"
    receive = f"{folder}{pipename}.out"
    try:
        _readable(send, "write", err)
        _readable(receive, "read", err)
        try:
            reader = os.open(receive, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            out.write("could not read answer from ExaBGP")
            out.flush()
            return 1
        try:
            _clear(reader)
            command = expand(words)
            if command != " ".join(words).strip():
                out.write(f"command: {command}\n")
                out.flush()
            _send(send, command, command_timeout, err)
            if command != "reset":  # never answered
                _answer(reader, receive, ack, response_timeout, out, err)
        finally:
            os.close(reader)
    except _Exit as stop:
        return stop.code
    except KeyboardInterrupt:
        pass
    return 0


def cmdline(args, out, err=None) -> int:
    """`exabgp cli`: the settings, then `run` with the folders of this program and user."""
    err = err or sys.stderr
    if (settings := command_environment(getattr(args, "env_file", None), err)) is None:
        return 1
    pipename = args.pipename or settings.get("api", "pipename")
    searched = pipes.folders(pipes.root(os.environ, sys.argv[0]), os.getuid())
    return run(args.words, pipename, searched, settings.get("api", "ack"), out, err)


def main(argv=None) -> int:
    """The `exabgp-cli` program."""
    parser = argparse.ArgumentParser()
    setargs(parser)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    args.env_file = None
    try:
        return cmdline(args, sys.stdout)
    except BrokenPipeError:
        return reader_gone()
