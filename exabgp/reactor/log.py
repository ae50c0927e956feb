"""Log lines in ExaBGP 5.0's formats, to 5.0's destinations, filtered by 5.0's ``log.*`` settings.

Lines (docs/compatibility.md, "Logging"): short ``<source:15> <message>`` or long
``HH:MM:SS <pid:6> <source:15> <message>`` (local time, the pid of the
writing process).  Standard error uses ``log.short`` (``-v`` / ``-d`` force
the long form), syslog always the short one, files always the long one.
No colour codes are written, even on a terminal.

Destinations (``log.destination``), parsed by `sink`:

* ``stdout`` and ``stderr``: standard error (5.0 writes ``stdout`` to
  stderr too, kept);
* ``syslog``: the local syslog socket (``/dev/log``, ``/var/run/syslog`` on
  macOS), one datagram ``<PRI>line`` + NUL per line, facility daemon, the
  severity from the level (FATAL and CRITICAL are sent as crit, RFC 5424
  6.2.1), as Python's SysLogHandler (which 5.0 uses) formats them;
* ``file:<path>``, ``/abs/path``, ``~/path``: a file appended to and
  rotated at 1 MiB with 3 backups (``path.1`` .. ``path.3``); a relative
  ``file:`` path is taken from the directory the program started in (5.0
  resolved it again after its ``chdir('/')``);
* ``host:<address>`` / ``host:<address>:<port>`` / ``host:[v6]:<port>``:
  remote syslog over UDP (port 514 by default), the same datagrams as
  ``syslog``.  This departs from 5.0, which documents remote syslog but
  writes a file named ``host:<address>``; we do what it documents;
* anything else: a warning, then standard error (as 5.0).

A destination that can not be opened is reported on standard error and
standard error is used instead (5.0 does so for files).  A file that can
not be rotated (the directory is not writable by ``daemon.user``) keeps
growing instead of losing the lines.

Filtering: ``log.enable`` false writes nothing at all (5.0 still wrote the
lines of sources outside the categories; the setting is documented as the
master switch, which is what we do).  ``log.level`` is the least severe
level written.  A source that names a category (`CATEGORIES`: ``reactor``,
``daemon``, ``processes``, ``configuration``, ``network``, ``statistics``,
``wire`` for ``log.packets``, ``message``, ``rib``, ``timer`` for
``log.timers``, ``routes``, ``parser``) is written only when its switch or
``log.all`` is on; every other source (``welcome``, ``outgoing-1``,
``peer-1``...) only depends on the level, as in 5.0.

Callers pass finished text; code on a hot path asks `wants(source)` (or
`debug_enabled` for the connection sources) before building any.
`Logger.reopen()` opens the destination again after the privilege drop, so
that a file the new user can not open shows at once (5.0 does so); when it
fails, a warning is logged and the destination opened at startup kept (5.0
switched to stderr, which is /dev/null once daemonized).
"""

import io
import os
import socket
import sys
import time

#: log.level name -> syslog severity rank (lower is more severe)
LEVELS = {"FATAL": 0, "CRITICAL": 1, "ERROR": 3, "WARNING": 4, "INFO": 6, "DEBUG": 7, "NOTSET": 7}
CRITICAL = LEVELS["CRITICAL"]
ERROR = LEVELS["ERROR"]
WARNING = LEVELS["WARNING"]
INFO = LEVELS["INFO"]
DEBUG = LEVELS["DEBUG"]

#: source -> the log.* switch that gates it (5.0's categories)
CATEGORIES = {
    "reactor": "reactor",
    "daemon": "daemon",
    "processes": "processes",
    "configuration": "configuration",
    "network": "network",
    "statistics": "statistics",
    "wire": "packets",
    "message": "message",
    "rib": "rib",
    "timer": "timers",
    "routes": "routes",
    "parser": "parser",
}

ROTATE_BYTES = 1024 * 1024
ROTATE_BACKUPS = 3
SYSLOG_PORT = 514
SYSLOG_FACILITY_DAEMON = 3
SYSLOG_SOCKET = "/var/run/syslog" if sys.platform == "darwin" else "/dev/log"


class StreamSink:
    """Lines to a text stream (standard error)."""

    long_format = None  # follows log.short

    def __init__(self, stream):
        self.stream = stream

    def write(self, rank: int, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def reopen(self) -> None:
        pass

    def close(self) -> None:
        pass


class FileSink:
    """Lines appended to `path`, rotated at `max_bytes` keeping `backups` older files."""

    long_format = True

    def __init__(self, path: str, max_bytes: int = ROTATE_BYTES, backups: int = ROTATE_BACKUPS):
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self.stream: io.TextIOWrapper | None = None
        self.reopen()

    def reopen(self) -> None:
        stream = open(self.path, "a", encoding="utf-8", errors="backslashreplace")
        self.close()
        self.stream = stream

    def _rotate(self) -> None:
        """Shift the backups and start a new file; when that fails, keep appending without rotating."""
        try:
            for number in range(self.backups - 1, 0, -1):
                older = f"{self.path}.{number}"
                if os.path.exists(older):
                    os.replace(older, f"{self.path}.{number + 1}")
            os.replace(self.path, f"{self.path}.1")
            self.reopen()
        except OSError:
            self.max_bytes = 0

    def write(self, rank: int, line: str) -> None:
        data = line + "\n"
        if self.stream is None:  # closed: the daemon is on its way out
            return
        size = self.stream.tell()
        if self.max_bytes and size and size + len(data.encode("utf-8", "backslashreplace")) > self.max_bytes:
            self._rotate()
        self.stream.write(data)
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


class SyslogSink:
    """Syslog datagrams to a unix socket path or a ``(host, port)`` UDP address."""

    long_format = False

    def __init__(self, address):
        self.address = address
        self.sock = None
        self.reopen()

    def reopen(self) -> None:
        target: str | tuple
        if isinstance(self.address, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            target = self.address
        else:
            host, port = self.address
            info = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
            sock = socket.socket(info[0], socket.SOCK_DGRAM)
            target = info[4]
        try:
            sock.connect(target)
        except OSError:
            sock.close()
            raise
        self.close()
        self.sock = sock

    def write(self, rank: int, line: str) -> None:
        priority = SYSLOG_FACILITY_DAEMON * 8 + max(rank, 2)
        data = f"<{priority}>{line}\0".encode("utf-8", "backslashreplace")
        try:
            self.sock.send(data)
        except OSError:
            # a local syslog daemon that restarted needs a new socket; when it is away, or a UDP
            # datagram was refused (ICMP), this line is lost but logging goes on
            if isinstance(self.address, str):
                try:
                    self.reopen()
                    self.sock.send(data)
                except OSError:
                    pass

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _remote(text: str):
    """``(host, port)`` of ``host:`` destinations: ``address``, ``address:port``, ``[v6]:port``."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else SYSLOG_PORT
    if text.count(":") == 1:
        host, port = text.split(":")
        if port.isdigit():
            return host, int(port)
    return text, SYSLOG_PORT


def sink(destination: str, cwd: str, stderr):
    """The sink for ``log.destination`` (see the module docstring); may raise `OSError`."""
    if destination in ("stdout", "stderr"):
        return StreamSink(stderr)
    if destination == "syslog":
        return SyslogSink(SYSLOG_SOCKET)
    if destination.startswith("host:"):
        return SyslogSink(_remote(destination[5:]))
    if destination.startswith("file:"):
        return FileSink(os.path.join(cwd, os.path.expanduser(destination[5:])))
    if destination.startswith(("/", "~")):
        return FileSink(os.path.expanduser(destination))
    stderr.write(
        f"warning: invalid log destination {destination!r}, expected stdout, stderr, syslog, "
        "host:<address> or a file path; falling back to stdout\n"
    )
    return StreamSink(stderr)


def is_stream(destination: str) -> bool:
    """Whether ``log.destination`` means standard error (daemonize refuses it, 5.0)."""
    return destination.lower() in ("stdout", "stderr")


def is_file(destination: str) -> bool:
    """Whether ``log.destination`` is a file (refused with several forked configurations, 5.0)."""
    return destination.startswith(("file:", "/", "~"))


class Logger:
    def __init__(
        self, output=None, short: bool = True, level: str = "INFO", enabled: bool = True, off: frozenset = frozenset()
    ):
        """`output`: a sink, or a text stream (standard error by default); `off`: sources not written."""
        if output is None or not hasattr(output, "reopen"):
            output = StreamSink(output if output is not None else sys.stderr)
        self.output = output
        self.short = output.long_format is False or (output.long_format is None and short)
        self.rank = LEVELS.get(level, INFO)
        self.active = enabled
        self.off = off

    @classmethod
    def from_environment(cls, environment, verbose: bool = False, stream=None, cwd: str | None = None):
        """The logger of the ``log.*`` settings; `verbose` is ``-v``: everything, DEBUG, long lines."""

        def setting(key):
            return environment.get("log", key)

        everything = verbose or setting("all")
        level = "DEBUG" if verbose else setting("level")
        short = setting("short") and not verbose
        enabled = setting("enable")
        stderr = stream if stream is not None else sys.stderr
        off = frozenset(source for source, key in CATEGORIES.items() if not (everything or setting(key)))
        output = StreamSink(stderr)
        if enabled:
            destination = setting("destination")
            try:
                output = sink(destination, cwd or os.getcwd(), stderr)
            except (OSError, ValueError) as error:
                stderr.write(
                    f"warning: could not open log destination {destination!r}: {error}; falling back to stdout\n"
                )
        return cls(output, short, level, enabled, off)

    def wants(self, source: str, rank: int = DEBUG) -> bool:
        """Whether a line of `source` at `rank` would be written."""
        return self.active and rank <= self.rank and source not in self.off

    @property
    def debug_enabled(self) -> bool:
        """Whether debug lines of sources outside the categories (connection names) are written."""
        return self.active and self.rank >= DEBUG

    def reopen(self) -> None:
        """Open the destination again; when that fails, say so and keep the one already open."""
        try:
            self.output.reopen()
        except (OSError, ValueError) as error:
            self.warning(
                "daemon", f"could not open the log destination again ({error}), keeping the one opened at startup"
            )

    def _write(self, rank: int, source: str, message: str) -> None:
        if not self.active or rank > self.rank or source in self.off:
            return
        if self.short:
            prefix = f"{source:<15} "
        else:
            prefix = f"{time.strftime('%H:%M:%S')} {os.getpid():<6} {source:<15} "
        try:
            for line in message.split("\n"):
                self.output.write(rank, prefix + line)
        except (OSError, ValueError):
            self.active = False  # the destination is gone: keep running without logs

    def debug(self, source: str, message: str) -> None:
        self._write(DEBUG, source, message)

    def info(self, source: str, message: str) -> None:
        self._write(INFO, source, message)

    def warning(self, source: str, message: str) -> None:
        self._write(WARNING, source, message)

    def error(self, source: str, message: str) -> None:
        self._write(ERROR, source, message)

    def critical(self, source: str, message: str) -> None:
        self._write(CRITICAL, source, message)
