"""The daemon side of the CLI's named pipes, as ExaBGP 5.0 finds them (docs/compatibility.md, "The CLI's named pipes").

Where the pipes are: `root(environ, argv0)` is 5.0's ROOT (``EXABGP_ROOT``,
else the program's directory, made absolute and normalised, a trailing
``/bin`` or ``/sbin`` removed, anything from ``src/exabgp/application``
cut, no trailing ``/``); `folders(root, uid)` is 5.0's search order
(``/run/exabgp/``, ``/run/<uid>/``, ``/run/``, the same under ``/var/run``,
then the six under `root`); `find(folders, pipename)` is the first folder
holding both ``<pipename>.in`` and ``<pipename>.out`` as FIFOs (symbolic
links followed), or None.  Nobody creates the FIFOs: 5.0 does not either
(``mkfifo`` is the user's job, the log says how).  The client
(`exabgp.cli.client`) uses the same three functions.

`CliPipes(log, environment, environ, on_command)`:

* `await open()` returns False when ``api.cli`` is off (silently, as 5.0)
  or when no folder has the FIFOs (5.0's error lines: the folders scanned
  and the ``mkfifo`` / ``chmod`` / ``chown`` commands to run, relative to
  the directory the program started in, ``PWD``), or when the pipes found
  are not safe (below); otherwise it logs where the pipes are (5.0's info
  lines) and starts reading ``.in``.  Either way the daemon runs on, without
  the CLI when it returned False, as 5.0 does without pipes;
* who may write the pipes (a deliberate difference from 5.0, which trusts
  any FIFO it finds, docs/compatibility.md, "The CLI's named pipes"):
  whoever writes ``.in`` announces and withdraws routes and stops the
  daemon, whoever writes ``.out`` puts words in the CLI user's mouth.  As
  OpenSSH's StrictModes, a pipe is refused (`distrust` says why, the log
  says the command that fixes it) unless it is a FIFO owned by the daemon's
  user or by root, not writable by other users, and writable by its group
  only when that group is one of the daemon's (`Identity`, the effective
  ids when the pipes are opened, after the privilege drop).  ``.in`` is
  checked with ``fstat`` on the descriptor opened, not on the path, so a
  pipe swapped after the check is never read; ``.out`` is checked by path
  when the pipes are opened (a FIFO can not be opened for writing without
  a reader) and then on each descriptor opened to write an answer.  Read
  permissions are left to the operator (0600 keeps the answers private);
* ``.in`` is opened ``O_RDWR | O_NONBLOCK``: the daemon is then a writer of
  its own FIFO too, so a client closing its end never gives end-of-file,
  and a client opening it for writing never waits.  It is read through the
  event loop (`loop.connect_read_pipe`); every complete non-empty line is
  given, without its end of line, to `on_command`.  A line longer than
  `MAX_COMMAND` without a newline is dropped with an error log (5.0's relay
  exited on it);
* `write(text)` queues an answer for ``.out``; the queue is written at the
  next loop iteration (so that many lines of one answer make one write).
  It never blocks: ``.out`` is opened ``O_WRONLY | O_NONBLOCK`` when there
  is something to write and closed once it is all written (a client sees
  end-of-file between answers, as with 5.0's relay); when no client has it
  open (``ENXIO``) or the client went away (``EPIPE``) the queue is dropped
  with a debug log; when the client reads slower than answers come, the
  rest is written as ``.out`` becomes writable, the queue bounded by
  `MAX_PENDING` octets (5.0's relay backlog limit), beyond which text is
  dropped with a debug log;
* a long answer (`exabgp.reactor.answers`) is written at the client's
  pace: `hold(True)` keeps ``.out`` open between its chunks (the client sees
  no end-of-file before the answer's last line), `room(limit)` is True when
  at most `limit` octets wait, False once the client went away (or there is
  none) since `hold`, else a future of that answer; `hold(False)` closes
  ``.out`` once the rest is written.  ``.out`` is asked for a 1 MiB pipe
  buffer (`exabgp.reactor.helper_stdin.PIPE_SIZE`): fewer turns per answer;
* `close()` stops reading and drops what was not written.

The daemon never reads ``.out`` (a reader there would swallow answers or
leave stale ones) and never writes ``.in``.
"""

import asyncio
import errno
import fcntl
import os
import stat
import sys

from exabgp.bgp.record import record
from exabgp.reactor.backlog import Backlog
from exabgp.reactor.helper_stdin import PIPE_SIZE

#: the longest command line accepted from the pipe (5.0's relay limit)
MAX_COMMAND = 1024 * 1024
#: the most answer octets kept for a slow client (5.0's relay backlog limit)
MAX_PENDING = 100 * 1024 * 1024

_LOG = "cli control"
_APPLICATION_FOLDER = "src/exabgp/application"


def root(environ, argv0: str) -> str:
    """5.0's ROOT: the base of the ``<root>/run`` folders (and of 5.0's ``etc``)."""
    base = environ.get("EXABGP_ROOT", "") or os.path.dirname(argv0)
    base = os.path.normpath(os.path.abspath(base))
    if base.endswith(("/bin", "/sbin")):
        base = os.path.normpath(os.path.join(base, ".."))
    index = base.find(_APPLICATION_FOLDER)
    if index >= 0:
        base = base[:index]
    return base[:-1] if base.endswith("/") else base


def folders(base: str, uid: int) -> list:
    """The folders searched for the pipes, in 5.0's order (each ends with ``/``)."""
    found: list[str] = []
    for prefix in ("", base):
        for run in ("/run/", "/var/run/"):
            found.extend((f"{prefix}{run}exabgp/", f"{prefix}{run}{uid}/", f"{prefix}{run}"))
    return found


def _is_fifo(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


@record(slots=True)
class Identity:
    """Who the daemon is for `distrust`: its effective user and groups (`current()`)."""

    uid: int
    gid: int
    groups: frozenset

    @classmethod
    def current(cls) -> "Identity":
        gid = os.getegid()
        return cls(os.geteuid(), gid, frozenset(os.getgroups()) | {gid})


def distrust(status: os.stat_result, identity: Identity) -> list:
    """What makes a named pipe with this `status` untrusted, as ``(why, the command that fixes it)`` pairs
    (none: trusted)."""
    if not stat.S_ISFIFO(status.st_mode):
        return [("it is not a named pipe", "mkfifo")]
    mode = stat.S_IMODE(status.st_mode)
    problems = []
    if status.st_uid not in (identity.uid, 0):
        problems.append(
            (
                f"it is owned by uid {status.st_uid}, neither the daemon's user ({identity.uid}) nor root",
                f"chown {identity.uid}:{identity.gid}",
            )
        )
    if mode & stat.S_IWOTH:
        problems.append((f"every user can write it (mode {mode:04o})", "chmod o-w"))
    if mode & stat.S_IWGRP and status.st_gid not in identity.groups:
        problems.append(
            (f"group {status.st_gid}, not one of the daemon's, can write it (mode {mode:04o})", f"chgrp {identity.gid}")
        )
    return problems


def find(searched: list, pipename: str):
    """The first folder of `searched` with the FIFOs ``<pipename>.in`` and ``.out``, or None."""
    for folder in searched:
        if _is_fifo(f"{folder}{pipename}.in") and _is_fifo(f"{folder}{pipename}.out"):
            return folder
    return None


class _Reader(asyncio.Protocol):
    """Lines of ``.in`` to the owner's `_line`."""

    def __init__(self, owner):
        self.owner = owner
        self.buffer = b""
        self.discarding = False  # inside a line too long, dropped up to its end

    def data_received(self, data: bytes) -> None:
        *lines, rest = (self.buffer + data).split(b"\n")
        for line in lines:
            if self.discarding:
                self.discarding = False
            else:
                self.owner._line(line)
        self.buffer = rest
        if len(self.buffer) > MAX_COMMAND:
            if not self.discarding:
                self.owner.log.error(_LOG, f"received a command larger than {MAX_COMMAND} bytes, dropped")
            self.discarding = True
            self.buffer = b""


class CliPipes:
    _loop: asyncio.AbstractEventLoop  # the running loop, from `open`

    def __init__(
        self, log, environment, environ, on_command, argv0: str = "", uid: int | None = None, gid: int | None = None
    ):
        """`argv0`, `uid`, `gid`: the program path and ids the folders depend on (default: this process's)."""
        self.log = log
        self.environment = environment
        self.environ = environ
        self.on_command = on_command
        self.argv0 = argv0 or sys.argv[0]
        self.uid = os.getuid() if uid is None else uid
        self.gid = os.getgid() if gid is None else gid
        self.pipename = environment.get("api", "pipename")
        self.folder = None
        self.identity: Identity | None = None  # the daemon's Identity when the pipes were opened
        self._transport = None
        self._pending = bytearray()
        self._out: int | None = None
        self._scheduled = False
        self._watching = False  # waiting for .out to become writable
        self._held = False  # an answer streams: .out stays open between its chunks
        self._lost = False  # its client went away (or there was none)
        self._backlog = Backlog()  # the waiter of `room`

    @property
    def path_in(self) -> str:
        return f"{self.folder}{self.pipename}.in"

    @property
    def path_out(self) -> str:
        return f"{self.folder}{self.pipename}.out"

    async def open(self) -> bool:
        """Find the pipes and start reading commands; False when the CLI is off or has no pipes."""
        if not self.environment.get("api", "cli"):
            return False
        searched = folders(root(self.environ, self.argv0), self.uid)
        self.folder = find(searched, self.pipename)
        if self.folder is None:
            self._missing(searched)
            return False
        try:
            fd = os.open(self.path_in, os.O_RDWR | os.O_NONBLOCK)
        except OSError as error:
            self.log.error(_LOG, f"could not open the named pipe {self.path_in} ({error.strerror})")
            self.folder = None
            return False
        self.identity = Identity.current()
        try:
            out_status = os.stat(self.path_out)
        except OSError as error:
            self.log.error(_LOG, f"could not open the named pipe {self.path_out} ({error.strerror})")
            out_status = None
        refused = self._refused(self.path_in, os.fstat(fd))
        if out_status is None or self._refused(self.path_out, out_status) or refused:  # both told at once
            os.close(fd)
            self.log.error(_LOG, "the cli is not available until the daemon is started again with safe pipes")
            self.folder = None
            return False
        self._loop = loop = asyncio.get_running_loop()
        self._transport, _ = await loop.connect_read_pipe(lambda: _Reader(self), os.fdopen(fd, "rb", buffering=0))
        self.log.info(_LOG, "named pipes for the cli are:")
        self.log.info(_LOG, f"to send commands  {self.path_in}")
        self.log.info(_LOG, f"to read responses {self.path_out}")
        return True

    def _missing(self, searched: list) -> None:
        name = self.pipename
        self.log.error("cli", f"could not find the named pipes ({name}.in and {name}.out) required for the cli")
        self.log.error("cli", "we scanned the following folders (the number is your PID):")
        for folder in searched:
            self.log.error(_LOG, f" - {folder}")
        self.log.error(_LOG, "please make them in one of the folder with the following commands:")
        where = f"{self.environ.get('PWD') or os.getcwd()}/run/{name}.{{in,out}}"
        self.log.error(_LOG, f"> mkfifo {where}")
        self.log.error(_LOG, f"> chmod 600 {where}")
        if self.uid != 0:
            self.log.error(_LOG, f"> chown {self.uid}:{self.gid} {where}")

    def _refused(self, path: str, status: os.stat_result) -> bool:
        """True (and the reasons and the fixes logged) when the pipe at `path` with this `status` is not safe."""
        if self.identity is None:  # not opened: nothing is trusted yet
            return True
        problems = distrust(status, self.identity)
        for why, _ in problems:
            self.log.error(_LOG, f"refusing the named pipe {path}: {why}")
        if problems:
            self.log.error(_LOG, "whoever can write it could control this daemon or its cli; to fix it:")
        for _, fix in problems:
            self.log.error(_LOG, f"> {fix} {path}")
        return bool(problems)

    def _line(self, line: bytes) -> None:
        command = line.rstrip(b"\r").decode("utf-8", "replace")
        if command.strip():
            self.on_command(command)

    # ------------------------------------------------------------ answers

    def write(self, text: str) -> None:
        """Queue `text` (one or more lines, with their ``\\n``) for ``.out``; never blocks."""
        if self.folder is None:
            return
        data = text.encode("utf-8", "replace")
        if len(self._pending) + len(data) > MAX_PENDING:
            self.log.debug(_LOG, f"the cli client is not reading, {len(data)} bytes of answer dropped")
            return
        self._pending += data
        if not self._scheduled and not self._watching:
            self._scheduled = True
            self._loop.call_soon(self._flush)

    def hold(self, held: bool) -> None:
        """An answer starts (True) or ends (False) streaming: see the module docstring."""
        self._held = held
        self._lost = False
        if not held and not self._pending:
            self._close_out()

    def room(self, limit: int):
        """True when at most `limit` octets wait for the client, False when it went away, else a future."""
        return self._backlog.room(len(self._pending), self._lost or self.folder is None, limit)

    def _drop(self, reason: str) -> None:
        self.log.debug(_LOG, f"{reason}, {len(self._pending)} bytes of answer dropped")
        self._pending.clear()
        self._close_out()
        self._lost = True
        self._backlog.update(0, True)

    def _close_out(self) -> None:
        if self._out is not None:
            self._unwatch()
            os.close(self._out)
            self._out = None

    def _unwatch(self) -> None:
        if self._watching and self._out is not None:
            self._loop.remove_writer(self._out)
            self._watching = False

    def _flush(self) -> None:
        self._scheduled = False
        if not self._pending:
            return
        out = self._out
        if out is None:
            try:
                self._out = out = os.open(self.path_out, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                reason = "no cli client is reading" if error.errno == errno.ENXIO else f"cli pipe: {error.strerror}"
                self._drop(reason)
                return
            if self._refused(self.path_out, os.fstat(out)):  # replaced since the pipes were opened
                self._drop("the answer pipe is not safe")
                return
            if hasattr(fcntl, "F_SETPIPE_SZ"):
                try:
                    fcntl.fcntl(out, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
                except OSError:  # over the system's limit: the default size works too
                    pass
        while self._pending:
            try:
                written = os.write(out, self._pending)
            except BlockingIOError:
                # the client reads slower than we answer: go on when it made room
                if not self._watching:
                    self._watching = True
                    self._loop.add_writer(out, self._flush)
                break
            except OSError as error:
                self._drop("the cli client went away" if error.errno == errno.EPIPE else f"cli pipe: {error.strerror}")
                return
            del self._pending[:written]
        self._backlog.update(len(self._pending), self._lost)
        if not self._pending:
            self._unwatch()
            if not self._held:
                self._close_out()

    def close(self) -> None:
        """Stop reading commands and drop the answers not written yet."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self._pending.clear()
        if self._out is not None:
            self._close_out()
        self.folder = None
        self._backlog.update(0, True)
