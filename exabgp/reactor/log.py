"""Log lines in ExaBGP 5.0's formats (SURFACE.md 10.3), written to one stream.

`Logger(stream, short, level, enabled)` writes ``<source:15> <message>``
(short, 5.0's default) or ``HH:MM:SS <pid:6> <source:15> <message>``
(long: ``log.short`` false, or ``-v`` / ``-d``), for the messages at or
above `level` (a syslog level name of ``log.level``).  `Logger.from_environment`
reads the ``log.*`` settings: ``log.enable`` false writes nothing; the
destination is standard error whatever ``log.destination`` says (5.0
writes ``stdout`` to stderr too, F9; syslog and files are not written yet).

Callers pass finished text; the hot paths call `debug_enabled` before
building any.
"""

import os
import sys
import time

#: syslog level name -> rank (lower is more severe)
LEVELS = {"FATAL": 0, "CRITICAL": 1, "ERROR": 3, "WARNING": 4, "INFO": 6, "DEBUG": 7, "NOTSET": 7}


class Logger:
    def __init__(self, stream=None, short: bool = True, level: str = "INFO", enabled: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        self.short = short
        self.rank = LEVELS.get(level, LEVELS["INFO"])
        self.enabled = enabled
        self.pid = os.getpid()

    @classmethod
    def from_environment(cls, environment, verbose: bool = False, stream=None):
        level = "DEBUG" if verbose or environment.get("log", "all") else environment.get("log", "level")
        short = environment.get("log", "short") and not verbose
        return cls(stream, short, level, environment.get("log", "enable"))

    @property
    def debug_enabled(self) -> bool:
        return self.enabled and self.rank >= LEVELS["DEBUG"]

    def _write(self, rank: int, source: str, message: str) -> None:
        if not self.enabled or rank > self.rank:
            return
        if self.short:
            line = f"{source:<15} {message}\n"
        else:
            line = f"{time.strftime('%H:%M:%S')} {self.pid:<6} {source:<15} {message}\n"
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False  # the stream is gone: keep running without logs

    def debug(self, source: str, message: str) -> None:
        self._write(7, source, message)

    def info(self, source: str, message: str) -> None:
        self._write(6, source, message)

    def warning(self, source: str, message: str) -> None:
        self._write(4, source, message)

    def error(self, source: str, message: str) -> None:
        self._write(3, source, message)
