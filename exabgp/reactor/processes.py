"""The helper processes of the ``process`` sections: start, read, write, respawn, stop.

See docs/compatibility.md, "Helper processes".

`Processes` is the only code that talks to the helpers; it runs on the
reactor's event loop: every helper is an asyncio subprocess transport whose
protocol (`_Helper`) is called back when its stdout or stderr has data and
when it exits; its stdin is a pipe of ours written by
`exabgp.reactor.helper_stdin.HelperStdin` (at the reader's pace).

Starting (5.0): the ``run`` program is found by
`exabgp.reactor.programs.resolve` (``EXABGP_ETC`` and ``PATH`` from the
`environ` given, the configuration's directory).  A refused
or failed start is logged as an error and the helper reported broken
(`on_broken`), as 5.0 marks it broken.  The helper runs without a shell, in
a new session (so its own process group: signals sent to ExaBGP's group do
not reach it), with ``stdin``, ``stdout`` and ``stderr`` piped and an
environment that is a copy of `environ` with ``TERM=dumb`` and without
``exabgp_cli_pipe`` (5.0 keeps the latter for its internal CLI relays, the
helpers named ``api-internal-cli...``, and so do we).

Reading: stdout is cut in lines at ``\\n``; each line, with its trailing
white space removed, goes to ``on_command(name, line)``.  Bytes that are
not UTF-8 are replaced with U+FFFD (5.0 read ASCII and failed on anything
else): the command parser then answers ``error``.  A line starting with
``debug `` is only logged (warning ``debug info from <name> : ...``,
5.0).  A line longer than `MAX_COMMAND_SIZE` (1 MiB) without a newline
kills the helper (5.0.12), which is then handled as any helper that died.
Every stderr line is logged (warning ``stderr from process <name> : ...``;
5.0 left the helper's stderr on its own, which is /dev/null once
daemonized).

Writing: `write(name, text)` queues ``text`` (whole lines, each ending
with its newline, as str or UTF-8 bytes) for the helper's stdin, an
`exabgp.reactor.helper_stdin.HelperStdin`: the lines of one turn of the
event loop go to the pipe together, and while the pipe is full it is
written at the pace its reader takes it, without a wake-up per read.  When a helper's queue grows over `high_water` bytes
``on_pressure(name, True)`` is called (possibly from inside `write`), and
``on_pressure(name, False)`` once it is back under `low_water` or the
helper is gone: the reactor stops reading the BGP input that feeds the
helper meanwhile, so nothing is lost and memory stays bounded (5.0 wrote synchronously and
hung ExaBGP when a helper stopped reading, docs/compatibility.md, "Helper processes").
The first such pause of a helper's run is logged as a warning, the next ones (a helper
slower than the peers: one per high water mark) at debug level.  Should the queue still
reach `hard_cap` bytes (a caller that ignores
the pressure), the messages that do not fit are DROPPED (the newest ones:
what is queued already is kept whole), with a warning when dropping starts
and the count of dropped messages once the helper has read the queue down
below `low_water`.  A message for a helper that is not running is dropped
(debug log), as 5.0 failed such a write.  `room(name, limit)` lets a long
answer wait for the helper to read (`exabgp.reactor.answers`).

Dying (5.0): a helper that exits, or closes its stdout (then it is sent
SIGTERM, SIGKILL 2 s later), is started again when its ``respawn`` and
``api.respawn`` are both true; when it already was respawned
`RESPAWN_LIMIT` times within the last `RESPAWN_WINDOW` seconds it is not:
critical log ``Too many death for <name> ...`` and ``on_broken(name)``.
5.0 counted in 64 s windows aligned on the wall clock; we count over a
sliding window of the loop's monotonic clock.  Otherwise it is removed.
All output it wrote before exiting is read first.

Reload (`reload`): helpers no longer configured are stopped (SIGTERM,
SIGKILL after 2 s), new ones started, and a helper whose definition
changed (program, arguments, encoder or respawn) is stopped and started
again with it (5.0 kept running every existing helper with its old
command line until a full reload); the others keep running.  With
`restart_all` (SIGUSR2, SIGALRM, ``restart``) every configured helper is
stopped and started again, including one that had died for good.

Stop (`stop`, 5.0): every helper is sent its farewell (the shutdown
notification) and, 0.1 s later, SIGTERM; SIGKILL after 2 s more.  Signals
go to the helper's process group (5.0 signalled the helper alone, leaving
the children of a shell wrapper behind).  asyncio's child watcher reaps
every helper: no zombie is left.
"""

import asyncio
import os
import signal
import subprocess

from exabgp.reactor.helper_stdin import HelperStdin
from exabgp.reactor.programs import resolve

#: a command line longer than this, still without a newline, kills its helper (5.0.12)
MAX_COMMAND_SIZE = 1024 * 1024
#: stderr text without a newline logged as one line when it grows over this
MAX_STDERR_LINE = 64 * 1024
#: on_pressure(name, True) above this many queued bytes (beyond what the pipe holds)
HIGH_WATER = 512 * 1024
#: on_pressure(name, False) at or below this many queued bytes: the pipe and this much keep a reader busy while
#: the peers' next messages are read and rendered
LOW_WATER = 256 * 1024
#: messages that would make the queue grow over this many bytes are dropped
HARD_CAP = 64 * 1024 * 1024
#: respawns allowed within RESPAWN_WINDOW seconds (5.0: 5 in ~63 s)
RESPAWN_LIMIT = 5
RESPAWN_WINDOW = 63.0
#: after the farewell, before SIGTERM
FAREWELL_DELAY = 0.1
#: after SIGTERM, before SIGKILL
KILL_DELAY = 2.0
#: once the helper exited, how long its pipes may stay open (a child of the helper holding them)
EXIT_GRACE = 1.0
#: the helpers of 5.0's CLI relay, which keep exabgp_cli_pipe
CLI_PREFIX = "api-internal-cli"

SOURCE = "processes"


class _Helper(asyncio.SubprocessProtocol):
    """One running helper: its transport, partial lines, queue state and end.

    `transport` and `pid` are set by `connection_made`, which asyncio calls before any other callback
    (it holds the pipes' callbacks back until then) and before `loop.subprocess_exec` hands the helper to
    `Processes`: nothing reaches a helper without them.
    """

    transport: asyncio.SubprocessTransport
    pid: int

    def __init__(self, owner, process, stdin: int):
        self.owner = owner
        self.process = process
        self.name = process.name
        self.stdin = HelperStdin(
            asyncio.get_running_loop(),
            stdin,
            high=owner.high_water,
            low=owner.low_water,
            cap=owner.hard_cap,
            on_pause=self._pause,
            on_resume=self._resume,
        )
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.killed = False  # SIGTERM sent: further output is ignored
        self.purposeful = False  # stopped by stop() / reload(): no respawn
        self.paused = False
        self.pauses = 0  # times its queue went over high_water
        self.dropped = 0
        self.kill_timer: asyncio.TimerHandle | None = None
        self.grace_timer: asyncio.TimerHandle | None = None
        self.ended = asyncio.get_running_loop().create_future()

    # asyncio callbacks

    def connection_made(self, transport):
        self.transport = transport
        self.pid = transport.get_pid()

    def pipe_data_received(self, fd, data):
        if self.killed:
            return
        if fd == 1:
            self._stdout(data)
        else:
            self._stderr(data)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1 and not self.killed and self.transport.get_returncode() is None:
            self.owner.log.debug(SOURCE, f"process {self.name} closed its output, terminating it")
            self.terminate()
        if fd == 2 and self.stderr:
            self._log_stderr(bytes(self.stderr))
            self.stderr.clear()

    def process_exited(self) -> None:
        self.owner.log.debug(SOURCE, f"process {self.name} exited with code {self.transport.get_returncode()}")
        self.stdin.abort()  # nobody reads it any more: free the queue
        self.grace_timer = asyncio.get_running_loop().call_later(EXIT_GRACE, self.transport.close)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self.kill_timer, self.grace_timer):
            if timer is not None:
                timer.cancel()
        self.transport.close()
        self.stdin.abort()
        self.owner._ended(self)
        self.ended.set_result(None)

    def _pause(self):
        self.paused = True
        self.pauses += 1
        log = self.owner.log.warning if self.pauses == 1 else self.owner.log.debug
        log(
            SOURCE,
            f"process {self.name} does not read fast enough ({self.stdin.queued()} bytes wait for it): "
            f"the peers whose messages it gets are not read until it catches up (pause {self.pauses})",
        )
        self.owner.on_pressure(self.name, True)

    def _resume(self):
        self.paused = False
        if self.dropped:
            self.owner.log.warning(
                SOURCE, f"process {self.name} is reading again, {self.dropped} messages for it were dropped"
            )
            self.dropped = 0
        self.owner.on_pressure(self.name, False)

    # reading

    def _stdout(self, data: bytes) -> None:
        buffer = self.stdout
        buffer += data
        if b"\n" in data:
            *lines, rest = bytes(buffer).split(b"\n")
            buffer[:] = rest
            self._commands(lines)
        if len(buffer) > MAX_COMMAND_SIZE and not self.killed:
            self.owner.log.error(SOURCE, f"oversized command from process {self.name} : {len(buffer)} bytes")
            buffer.clear()
            self.terminate()

    def _commands(self, lines: list) -> None:
        log = self.owner.log
        on_command = self.owner.on_command
        verbose = log.wants(SOURCE)
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            if line.startswith("debug "):
                log.warning("api", f"debug info from {self.name} : {line[6:]}")
                continue
            if verbose:
                log.debug(SOURCE, f"command from process {self.name} : {line}")
            on_command(self.name, line)
            if self.killed:  # the command stopped this helper (reload, shutdown)
                return

    def _stderr(self, data: bytes) -> None:
        buffer = self.stderr
        buffer += data
        if b"\n" in data:
            *lines, rest = bytes(buffer).split(b"\n")
            buffer[:] = rest
            for raw in lines:
                self._log_stderr(raw)
        if len(buffer) > MAX_STDERR_LINE:
            self._log_stderr(bytes(buffer))
            buffer.clear()

    def _log_stderr(self, raw: bytes) -> None:
        self.owner.log.warning(SOURCE, f"stderr from process {self.name} : {raw.decode('utf-8', 'replace').rstrip()}")

    # writing and ending

    def write(self, data: bytes) -> None:
        if self.stdin.write(data):
            return
        if self.stdin.is_closing():
            self.owner.log.debug(SOURCE, f"process {self.name} does not read any more, message dropped")
            return
        if not self.dropped:
            self.owner.log.warning(
                SOURCE,
                f"process {self.name} is not reading its input and "
                f"{self.owner.hard_cap} bytes are queued for it: "
                "dropping the new messages",
            )
        self.dropped += 1

    def _running(self) -> bool:
        """Whether the helper's process has not exited."""
        return self.transport.get_returncode() is None

    def _signal(self, number: int) -> None:
        if not self._running():
            return
        try:
            os.killpg(self.pid, number)
        except (ProcessLookupError, PermissionError):
            pass

    def terminate(self) -> None:
        """SIGTERM now, SIGKILL after KILL_DELAY; the end comes through connection_lost."""
        if self.killed:
            return
        self.killed = True
        self.owner.log.debug(SOURCE, f"terminating process {self.name}")
        self._signal(signal.SIGTERM)
        self.stdin.close()  # what is queued (the farewell) is still sent, then EOF: no ack will come
        self.kill_timer = asyncio.get_running_loop().call_later(KILL_DELAY, self._kill)

    def _kill(self) -> None:
        if self._running():
            self.owner.log.debug(SOURCE, f"force kill unresponsive {self.name}")
            self._signal(signal.SIGKILL)


class Processes:
    def __init__(
        self,
        log,
        environment,
        environ: dict,
        *,
        on_command,
        on_broken,
        on_pressure,
        high_water: int = HIGH_WATER,
        low_water: int = LOW_WATER,
        hard_cap: int = HARD_CAP,
    ):
        self.log = log
        self.environment = environment
        self.environ = dict(environ)
        self.on_command = on_command
        self.on_broken = on_broken
        self.on_pressure = on_pressure
        self.high_water = high_water
        self.low_water = low_water
        self.hard_cap = hard_cap
        self._helpers: dict[str, _Helper] = {}  # running (or ending) helpers, by name
        self._configured: dict = {}  # name -> Process
        self._configuration_dir = ""
        self._respawns: dict[str, list] = {}  # name -> loop times of its recent respawns
        self._starting: set = set()  # tasks respawning helpers
        self._stopping = False

    # the interface

    async def start(self, processes, configuration_dir: str) -> None:
        """Start every helper of `processes` (a tuple of `exabgp.config.process.Process`)."""
        self._configured = {process.name: process for process in processes}
        self._configuration_dir = configuration_dir
        for process in processes:
            await self._spawn(process)

    def write(self, name: str, text) -> None:
        """Queue `text` (lines with their newlines, str or UTF-8 bytes) for helper `name`; never blocks (see the
        module docstring)."""
        helper = self._helpers.get(name)
        if helper is None or helper.killed:
            self.log.debug(SOURCE, f"process {name} is not running, message dropped")
            return
        helper.write(text if type(text) is bytes else text.encode("utf-8", "backslashreplace"))

    def names(self) -> list:
        """The names of the running helpers, in start order."""
        return [name for name, helper in self._helpers.items() if not helper.killed]

    def room(self, name: str, limit: int):
        """Whether helper `name` has at most `limit` bytes waiting: True, False when it is not running (or no longer
        reads), else a future of that answer (`exabgp.reactor.helper_stdin.HelperStdin.room`)."""
        helper = self._helpers.get(name)
        if helper is None or helper.killed:
            return False
        return helper.stdin.room(limit)

    def queued(self, name: str) -> int:
        """How many bytes wait in the queue of helper `name`."""
        helper = self._helpers.get(name)
        return helper.stdin.queued() if helper is not None else 0

    async def reload(self, processes, configuration_dir: str, restart_all: bool) -> None:
        """Stop the helpers no longer configured, start the new ones (all of them with `restart_all`)."""
        await self._settle()
        configured = {process.name: process for process in processes}
        previous = self._configured
        self._configured = configured
        self._configuration_dir = configuration_dir
        changed = {name for name, process in configured.items() if previous.get(name, process) != process}
        await self._end(
            [
                helper
                for name, helper in self._helpers.items()
                if restart_all or name not in configured or name in changed
            ]
        )
        for name, process in configured.items():
            if name not in self._helpers and (restart_all or name not in previous or name in changed):
                self._respawns.pop(name, None)
                await self._spawn(process)

    async def stop(self, farewell) -> None:
        """Farewell, SIGTERM 0.1 s later, SIGKILL after 2 s; returns once every helper is reaped."""
        self._stopping = True
        await self._settle()
        helpers = list(self._helpers.values())
        for helper in helpers:
            if not helper.killed:
                helper.write(farewell(helper.name).encode("utf-8", "backslashreplace"))
        if helpers:
            await asyncio.sleep(FAREWELL_DELAY)
        await self._end(helpers)

    # internals

    async def _end(self, helpers) -> None:
        for helper in helpers:
            helper.purposeful = True
            helper.terminate()
        if not helpers:
            return
        _, left = await asyncio.wait([helper.ended for helper in helpers], timeout=KILL_DELAY + EXIT_GRACE + 1.0)
        for helper in helpers:
            if helper.ended in left:  # not even SIGKILL ended it (uninterruptible sleep)
                self.log.warning(SOURCE, f"process {helper.name} is still running after kill, it is left behind")
                self._helpers.pop(helper.name, None)

    async def _spawn(self, process) -> bool:
        name = process.name
        try:
            path = resolve(process.run[0], self._configuration_dir, self.environ)
        except ValueError as error:
            self.log.error(SOURCE, f"can not start process {name}: {error}")
            self.on_broken(name)
            return False
        environ = dict(self.environ)
        environ["TERM"] = "dumb"
        if not name.startswith(CLI_PREFIX):
            environ.pop("exabgp_cli_pipe", None)
        loop = asyncio.get_running_loop()
        reading, writing = os.pipe2(os.O_CLOEXEC)
        made: list = []

        def registered() -> _Helper:
            # known by its name before its first output is read: asyncio hands over what a quick helper wrote
            # before this coroutine resumes, and the answer to its first command goes to the helper of that name
            helper = _Helper(self, process, writing)
            self._helpers[name] = helper
            made.append(helper)
            return helper

        try:
            _, helper = await loop.subprocess_exec(
                registered,
                path,
                *process.run[1:],
                stdin=reading,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environ,
                start_new_session=True,
            )
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            os.close(writing)
            if made and self._helpers.get(name) is made[0]:
                del self._helpers[name]
            self.log.error(SOURCE, f"can not start process {name}: {error}")
            self.on_broken(name)
            return False
        finally:
            os.close(reading)
        self.log.debug(SOURCE, f"forked process {name} (pid {helper.pid})")
        return True

    async def _settle(self) -> None:
        """Wait for the respawns under way (a start takes a few milliseconds)."""
        while self._starting:
            await asyncio.gather(*self._starting, return_exceptions=True)

    async def _respawn(self, name: str) -> None:
        process = self._configured.get(name)
        if process is not None and name not in self._helpers and not self._stopping:
            await self._spawn(process)

    def _ended(self, helper: _Helper) -> None:
        """`helper` exited and its pipes are closed: forget it, then respawn it or not (5.0)."""
        name = helper.name
        if self._helpers.get(name) is not helper:
            return
        del self._helpers[name]
        process = self._configured.get(name)
        if helper.purposeful or self._stopping or process is None:
            return
        if not (process.respawn and self.environment.get("api", "respawn")):
            self.log.debug(SOURCE, f"process {name} ended")
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        recent = [moment for moment in self._respawns.get(name, ()) if now - moment < RESPAWN_WINDOW]
        self._respawns[name] = recent
        if len(recent) >= RESPAWN_LIMIT:
            self.log.critical(
                SOURCE,
                f"Too many death for {name} ({RESPAWN_LIMIT} respawns within "
                f"{RESPAWN_WINDOW:.0f} seconds), not restarting it",
            )
            self.on_broken(name)
            return
        recent.append(now)
        self.log.debug(SOURCE, f"process {name} ended, restarting it")
        task = loop.create_task(self._respawn(name))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)
