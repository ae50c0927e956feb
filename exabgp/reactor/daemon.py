"""The process side of the daemon: pid file, daemonizing, privilege drop, umask.

See docs/compatibility.md, "The daemon process".

`exabgp.cli.server` calls these in 5.0's startup order: `settle` (``chdir('/')``
and ``daemon.umask``) once the settings are read and every relative path of
the command line resolved; `daemonize` before the event loop exists; then,
from the reactor's start hook, once the sockets are bound, `drop_privileges`
and `PidFile.write`; `PidFile.remove` at exit.  `delay` is the ``tcp.delay``
wait.

* `daemonize(log, settings)`: with ``daemon.daemonize``, double fork with a
  ``setsid`` between (the session leader exits, so the daemon can never
  take a controlling terminal again), then standard input, output and error
  on ``/dev/null``.  Refused with a critical log when the logs go to
  stdout/stderr; skipped when standard input is a socket (inetd/systemd
  socket activation) or the parent is pid 1 (already supervised), as 5.0.
* `drop_privileges(user)`: only when the real uid or gid is 0: first every
  module of the package is imported (`preload`), so that no import happens
  after the drop, when the interpreter's directory (an interpreter
  under root's home, a private virtualenv) may be unreadable by `user`; then the user's groups
  (``initgroups``: 5.0 kept root's supplementary groups, we do not), the
  gid, the uid; checked afterwards.  Returns an error text (``user X is not
  found``, or the failure) or None.
* `PidFile(path)`: written with ``O_EXCL`` (mode 0644).  When the file
  exists, the pid in it is tested with signal 0: alive (or owned by another
  user, EPERM) refuses to start; dead, our own, or not a number is stale
  and overwritten.  `remove` deletes the file only when this process wrote
  it and it still holds our pid.
* `delay(minutes, now)`: the seconds until the wall clock minute is a
  multiple of ``tcp.delay`` (0 on the boundary and when the setting is 0).
"""

import errno
import importlib
import os
import pkgutil
import pwd
import stat
import sys

import exabgp

from exabgp.reactor.log import is_stream

PID_MODE = stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH


def settle(umask: int) -> None:
    """``chdir('/')`` (the daemon holds no directory busy) and the ``daemon.umask``."""
    os.chdir("/")
    os.umask(umask)


def _stdin_is_socket() -> bool:
    if sys.__stdin__ is None:  # started without a standard input
        return False
    try:
        return stat.S_ISSOCK(os.fstat(sys.__stdin__.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def _fork_and_leave() -> None:
    if os.fork():
        os._exit(0)


def daemonize(log, environment) -> None:
    """Detach from the terminal when ``daemon.daemonize`` says so (see the module docstring)."""
    if not environment.get("daemon", "daemonize"):
        return
    destination = environment.get("log", "destination")
    if environment.get("log", "enable") and is_stream(destination):
        log.critical("daemon", f"ExaBGP can not fork when logs are going to {destination.lower()}")
        return
    if _stdin_is_socket() or os.getppid() == 1:
        log.info("daemon", "not detaching: already supervised")
        return
    try:
        _fork_and_leave()
        os.setsid()
        _fork_and_leave()
    except OSError as error:
        log.critical("daemon", f"can not fork, errno {error.errno} : {error.strerror}")
        return
    null = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        if descriptor != null:
            os.dup2(null, descriptor)
    if null > 2:
        os.close(null)
    log.info("daemon", f"detached, pid {os.getpid()}")


def preload() -> None:
    """Import every module of the package but ``exabgp.__main__``, which runs the program, and, when the pure
    twins run, the compiled ones: they may be what failed to load (`exabgp._codec.SUMMARY`)."""
    from exabgp import _codec

    skipped = {"exabgp.__main__"}
    if _codec.IMPLEMENTATION == "py":
        skipped.update(f"exabgp._codec._{topic}_c" for topic in _codec.TOPICS)
    for module in pkgutil.walk_packages(exabgp.__path__, "exabgp."):
        if module.name not in skipped:
            importlib.import_module(module.name)


def drop_privileges(user: str):
    """Become `user` when running as root; None, or the reason it failed."""
    if os.getuid() and os.getgid():
        return None
    preload()
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return f"user {user} is not found"
    try:
        os.initgroups(entry.pw_name, entry.pw_gid)
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    except OSError as error:
        return f"could not become {user}: {error.strerror}"
    if (os.getuid(), os.geteuid(), os.getgid(), os.getegid()) != (entry.pw_uid,) * 2 + (entry.pw_gid,) * 2:
        return f"could not become {user}"
    return None


def _running(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except OverflowError:  # not a pid this system can have
        return False
    except OSError as error:
        return error.errno == errno.EPERM
    return True


class PidFile:
    def __init__(self, path: str):
        self.path = path
        self.pid = None

    def write(self):
        """Write our pid; None, or the reason it can not be written."""
        pid = os.getpid()
        flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY
        try:
            descriptor = os.open(self.path, flags, PID_MODE)
        except FileExistsError:
            try:
                with open(self.path, encoding="utf-8", errors="replace") as stream:
                    text = stream.readline().strip()
            except OSError as error:
                return f"can not read the pid file {self.path}: {error.strerror}"
            if text.isdigit() and _running(int(text)):
                return f"pid file {self.path} already exists and program {text} is still running"
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_TRUNC, PID_MODE)
            except OSError as error:
                return f"can not overwrite the stale pid file {self.path}: {error.strerror}"
        except OSError as error:
            return f"can not write the pid file {self.path}: {error.strerror}"
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(f"{pid}\n")
        except OSError as error:
            return f"can not write the pid file {self.path}: {error.strerror}"
        self.pid = pid
        return None

    def remove(self) -> None:
        """Delete the file if it is still the one this process wrote."""
        if self.pid is None or self.pid != os.getpid():
            return
        try:
            with open(self.path, encoding="utf-8", errors="replace") as stream:
                if stream.readline().strip() != str(self.pid):
                    return
            os.unlink(self.path)
        except OSError:
            pass
        self.pid = None


def delay(minutes: int, now: float) -> float:
    """Seconds from `now` (epoch seconds) to the next minute that is a multiple of `minutes`."""
    if minutes <= 0:
        return 0.0
    period = minutes * 60
    return (-now) % period
