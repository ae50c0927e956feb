"""`exabgp [server] [-v] [-d] [-p] [-P] [-1] [--env-file F] FILE...`: run the BGP speaker (SURFACE.md 1.3, 7.1).

The settings are read as `exabgp env` reads them (`exabgp.cli.env`: the
process environment, then the INI file); the flags then override them:
``-v`` logs everything (level DEBUG, long format), ``-d`` is ``-v`` plus
``-p``, ``-p`` (start pdb on a fault) is accepted and does nothing,
``-P`` makes every neighbor passive (``bgp.passive``), ``-1`` is accepted
and has no effect, as in 5.0 (F6).

Each configuration file is read and parsed whole
(`exabgp.config.neighbor.parse`); a missing file prints ``error: FILE is
not an exabgp config file (file not found)``, a configuration error ``error:
FILE is not a valid config file: file:line:column: reason``; both exit 1,
without traceback.  Then `exabgp.reactor.loop.Reactor` runs until a signal
or ``tcp.attempts`` ends it; its exit code is the program's.

A reload (SIGUSR1, SIGUSR2, SIGALRM: `exabgp.reactor.loop`) reads the file
again.  Several files: with ``debug.rotate`` (what ExaBGP's test harness
sets) they all belong to one process, which runs the first and takes the
next one at each reload; without it each file runs in a process of its own
(forked), and the program waits for all of them, its exit code the highest
of theirs.  The ``exabgp_version`` environment
variable overrides the version announced (software version capability).
With ``daemon.pid`` set the process id is written to that file while the
speaker runs (a file that can not be written exits 1) and removed at exit.
"""

import asyncio
import os
import platform
import signal
import sys

import exabgp
from exabgp.cli.env import read_environment
from exabgp.config import environment as settings
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import parse
from exabgp.reactor.log import Logger
from exabgp.reactor.loop import Reactor


def setargs(parser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", help="toggle all logging")
    parser.add_argument("-d", "--debug", action="store_true", help="start the python debugger on serious issue")
    parser.add_argument("-p", "--pdb", action="store_true", help="accepted for compatibility (does nothing)")
    parser.add_argument("-P", "--passive", action="store_true", help="only accept incoming connections")
    parser.add_argument("-1", "--once", action="store_true", help="accepted for compatibility (no effect, as in 5.0)")
    parser.add_argument("configuration", nargs="+", type=str, help="configuration file(s)")


def _override(environment: settings.Environment, changes: dict) -> settings.Environment:
    return settings.Environment(tuple((name, changes.get(name, value)) for name, value in environment.values))


def _read(path: str):
    """``(configuration, None)``, or ``(None, error text)``."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError):
        return None, f"{path} is not an exabgp config file (file not found)"
    try:
        return parse(text, path, full=True), None
    except ConfigurationError as exc:
        return None, f"{path} is not a valid config file: {exc}"


class Loader:
    """The configuration files of one process: the reload source of the reactor.

    With ``debug.rotate`` each call takes the next file (staying on the last
    one), else it reads the one file again.
    """

    def __init__(self, paths: list):
        self.paths = paths
        self.index = 0

    def __call__(self):
        if self.index + 1 < len(self.paths):
            self.index += 1
        return _read(self.paths[self.index])


def _serve(configuration, loader, environment, verbose: bool, version: str) -> int:
    log = Logger.from_environment(environment, verbose)
    log.info("welcome", "Thank you for using ExaBGP")
    log.info("version", version)
    log.info("location", os.path.dirname(os.path.abspath(exabgp.__file__)))
    log.info("python", sys.version.replace("\n", " "))
    log.info("platform", " ".join(platform.uname()[:5]))
    if configuration.processes:
        log.warning("configuration", "api processes are not run yet: "
                                     + " ".join(process.name for process in configuration.processes))
    pid_file = environment.get("daemon", "pid")
    if pid_file:
        try:
            with open(pid_file, "w", encoding="ascii") as stream:
                stream.write(f"{os.getpid()}\n")
        except OSError as error:
            log.error("daemon", f"can not write the pid file {pid_file}: {error.strerror}")
            return 1
    try:
        reactor = Reactor(configuration, environment, os.environ, log, version, loader)
        return asyncio.run(reactor.run())
    finally:
        if pid_file:
            try:
                os.unlink(pid_file)
            except OSError:
                pass


def _fork_each(configurations, paths, environment, verbose: bool, version: str) -> int:
    """One process per configuration (5.0 without debug.rotate); the highest exit code."""
    children = []
    for configuration, path in zip(configurations, paths):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _serve(configuration, Loader([path]), environment, verbose, version)
            finally:
                os._exit(code)
        children.append(pid)

    def forward(number, _frame):
        for child in children:
            try:
                os.kill(child, number)
            except ProcessLookupError:
                pass

    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM):
        signal.signal(number, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the children handle ^C themselves
    code = 0
    for child in children:
        _pid, status = os.waitpid(child, 0)
        code = max(code, os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)
    return code


def cmdline(args, out, err=None) -> int:
    err = err or sys.stderr
    try:
        environment = read_environment(getattr(args, "env_file", None))
    except settings.SettingError as exc:
        err.write(f"{exc}\n")
        return 1
    verbose = args.verbose or args.debug
    if args.passive:
        environment = _override(environment, {("bgp", "passive"): True})
    version = os.environ.get("exabgp_version") or exabgp.__version__
    rotate = environment.get("debug", "rotate")
    paths = args.configuration[:1] if rotate else args.configuration
    configurations = []
    for path in paths:
        configuration, error = _read(path)
        if configuration is None:
            err.write(f"error: {error}\n")
            return 1
        configurations.append(configuration)
    if rotate or len(configurations) == 1:
        return _serve(configurations[0], Loader(args.configuration), environment, verbose, version)
    return _fork_each(configurations, paths, environment, verbose, version)
