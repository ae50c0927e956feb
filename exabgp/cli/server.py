"""`exabgp [server] [-v] [-d] [-s N] [-1] [-p] [-P] [-m] [--profile F] [--env-file F] FILE...`: run the speaker.

docs/compatibility.md, "Programs and sub-commands", "Start-up, reload and shutdown".  The
settings are read as `exabgp env` reads them (`exabgp.cli.env`: the process environment,
then the INI file); the flags then override them: ``-v`` logs everything (``log.all``,
level DEBUG, long format), ``-d`` is ``-v`` plus ``-p``, ``-p`` sets
``debug.pdb`` (the debugger starts on an exception that escapes the
program: `exabgp.cli.debugging`), ``-P`` makes every neighbor passive (``bgp.passive``),
``-1`` is accepted and has no effect, as in 5.0, ``-m`` sets ``debug.memory`` (the peak
resident set size is printed on stdout when the reactor ends: `exabgp.cli.debugging`),
``--profile FILE`` sets
``profile.enable`` and ``profile.file``: the reactor runs under cProfile,
the statistics printed at exit for ``stdout`` (or an empty file name),
else saved to FILE (``FILE-pid-N`` with several forked configurations; an
existing file is refused with a warning and the run is not profiled).
``-s N`` reloads (SIGUSR1 to itself) N seconds after the start: 5.0 forks
a parent that signals its child, a timer is the same for the user.

Startup, in 5.0's order: settings, logging
(`exabgp.reactor.log`), the configuration files read and parsed whole
(`exabgp.cli.config_file`; a missing file, or one that is not a regular
file, prints ``error: FILE is not an exabgp config file (file not found)``,
a configuration error ``error: FILE is not a valid config file:
file:line:column: reason``; both exit 1 without traceback), ``chdir('/')`` and ``daemon.umask``, daemonize
(`exabgp.reactor.daemon`), then `exabgp.reactor.loop.Reactor` binds the
listeners and calls back here to drop privileges to ``daemon.user`` (when
root and ``daemon.drop`` is true, the default; failure exits 1), open the log destination again, write the
``daemon.pid`` file (failure exits 1) and arm ``-s``; then it waits for
``tcp.delay`` and runs until a signal or ``tcp.attempts`` ends it; its exit
code is the program's, and the pid file is removed.  Relative paths (the
configuration files, ``daemon.pid``, ``profile.file``, a ``file:`` log)
are taken from the directory the program started in, before the
``chdir('/')``.

A reload (SIGUSR1, SIGUSR2, SIGALRM: `exabgp.reactor.loop`) reads the file
again the same way; a file that fails keeps the running configuration (the
error is logged).  Several files: with ``debug.rotate`` (what ExaBGP's test harness
sets) they all belong to one process, which runs the first and takes the
next one at each reload; without it each file runs in a process of its own
(forked; logging to a file is then refused, as in 5.0), and the program
waits for all of them, its exit code the highest of theirs.  The
``exabgp_version`` environment variable overrides the version announced
(software version capability).  The start-up log names this project's
version and the codec in use, and why (`exabgp._codec.SUMMARY`, a warning
when compiled twins are installed but fail to load).
"""

import asyncio
import cProfile
import gc
import os
import platform
import signal
import sys

import exabgp
from exabgp import _codec
from exabgp.cli import config_file, debugging
from exabgp.cli.env import command_environment
from exabgp.config import environment as settings
from exabgp.reactor import daemon
from exabgp.reactor.log import Logger, is_file
from exabgp.reactor.loop import Reactor


def setargs(parser) -> None:
    # the help texts are 5.0's, as `exabgp server --help` prints them (-p and -m do nothing here)
    pdb = "fire the debugger on critical logging, SIGTERM, and exceptions (shortcut for exabgp.pdb.enable=true)"
    parser.add_argument("-v", "--verbose", action="store_true", help="toogle all logging")
    parser.add_argument(
        "-d", "--debug", action="store_true", help="start the python debugger on issue and (implies -v, -p)"
    )
    parser.add_argument(
        "-s",
        "--signal",
        type=int,
        default=0,
        help="issue a SIGUSR1 to reload the configuration after <time> seconds, only useful for code debugging",
    )
    parser.add_argument("-1", "--once", action="store_true", help="only perform one attempt to connect to peers")
    parser.add_argument("-p", "--pdb", action="store_true", help=pdb)
    parser.add_argument("-P", "--passive", action="store_true", help="only accept incoming connections")
    parser.add_argument("-m", "--memory", action="store_true", help="display memory usage information on exit")
    parser.add_argument(
        "--profile", type=str, default="", help="enable profiling and set where the information should be saved"
    )
    parser.add_argument("configuration", nargs="+", type=str, help="configuration file(s)")


def _override(environment: settings.Environment, changes: dict) -> settings.Environment:
    return settings.Environment(tuple((name, changes.get(name, value)) for name, value in environment.values))


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
        return config_file.read(self.paths[self.index], programs=True)


#: the cyclic garbage collector's thresholds for the daemon: it holds millions of long-lived objects (routes in
#: the RIBs, helpers' announcements) that the default (700, 10, 10) makes it walk again and again
GC_THRESHOLDS = (100_000, 20, 10)


def _run(reactor, environment, log, forked: bool) -> int:
    """The reactor on an event loop, under cProfile when ``profile.enable`` is set."""
    gc.freeze()  # what start-up made lives as long as the daemon
    gc.set_threshold(*GC_THRESHOLDS)
    if not environment.get("profile", "enable"):
        return asyncio.run(reactor.run())
    name = environment.get("profile", "file") or "stdout"
    if name != "stdout":
        if forked:
            name = f"{name}-pid-{os.getpid()}"
        if os.path.exists(name):
            log.warning("reactor", f"profile can not use this filename as output, it already exists ({name})")
            return asyncio.run(reactor.run())
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        return asyncio.run(reactor.run())
    finally:
        profiler.disable()
        if name == "stdout":
            profiler.print_stats()
        else:
            try:
                profiler.dump_stats(name)
            except OSError as error:
                log.error("reactor", f"could not save profiling information at {name}: {error.strerror}")


def _serve(configuration, loader, environment, log, version: str, reload_after: int, forked: bool = False) -> int:
    log.info("welcome", "Thank you for using ExaBGP")
    log.debug("version", version)
    log.info("welcome", f"{exabgp.DISTRIBUTION} {exabgp.__version__}, codec {_codec.SUMMARY}")
    if _codec.BROKEN:
        log.warning("welcome", "the compiled codec is installed but does not load: running the slower pure twins")
    log.debug("location", os.path.dirname(os.path.abspath(exabgp.__file__)))
    log.debug("python", sys.version.replace("\n", " "))
    log.debug("platform", " ".join(platform.uname()[:5]))
    daemon.settle(environment.get("daemon", "umask"))
    daemon.daemonize(log, environment)
    pid_path = environment.get("daemon", "pid")
    pid_file = daemon.PidFile(pid_path) if pid_path else None

    def started():
        user = environment.get("daemon", "user")
        error = daemon.drop_privileges(user) if environment.get("daemon", "drop") else None
        if error:
            log.critical("reactor", f"could not drop privileges to '{user}' refusing to run as root")
            log.critical("reactor", error)
            return 1
        log.reopen()
        if pid_file is not None:
            error = pid_file.write()
            if error:
                log.critical("daemon", error)
                return 1
            log.info("daemon", f"created pid file {pid_path} with value {pid_file.pid}")
        if reload_after:
            asyncio.get_running_loop().call_later(reload_after, os.kill, os.getpid(), signal.SIGUSR1)
        return None

    try:
        reactor = Reactor(
            configuration, environment, os.environ, log, version, loader, started, os.path.dirname(loader.paths[0])
        )
        return _run(reactor, environment, log, forked)
    finally:
        if pid_file is not None:
            pid_file.remove()
        if environment.get("debug", "memory"):
            debugging.report_memory(sys.stdout)
            sys.stdout.flush()  # a forked child ends with os._exit


def _fork_each(configurations, paths, environment, log, version: str, reload_after: int) -> int:
    """One process per configuration (5.0 without debug.rotate); the highest exit code."""
    children = []
    for configuration, path in zip(configurations, paths, strict=False):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _serve(configuration, Loader([path]), environment, log, version, reload_after, True)
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


def _changes(args, environment, cwd: str) -> dict:
    """The settings the flags override, and the relative paths made absolute."""
    changes: dict[tuple[str, str], object] = {}
    if args.verbose or args.debug:
        changes.update({("log", "all"): True, ("log", "level"): "DEBUG", ("log", "short"): False})
    if args.debug or args.pdb:
        changes[("debug", "pdb")] = True
    if args.passive:
        changes[("bgp", "passive")] = True
    if args.memory:
        changes[("debug", "memory")] = True
    if args.profile:
        changes.update({("profile", "enable"): True, ("profile", "file"): args.profile})
    profile = args.profile or environment.get("profile", "file")
    if profile and profile != "stdout":
        changes[("profile", "file")] = os.path.join(cwd, profile)
    if environment.get("daemon", "pid"):
        changes[("daemon", "pid")] = os.path.join(cwd, environment.get("daemon", "pid"))
    return changes


def cmdline(args, out, err=None) -> int:
    err = err or sys.stderr
    if (environment := command_environment(getattr(args, "env_file", None), err)) is None:
        return 1
    cwd = os.getcwd()
    environment = _override(environment, _changes(args, environment, cwd))
    debugging.post_mortem(environment.get("debug", "pdb"))
    log = Logger.from_environment(environment, cwd=cwd)
    version = exabgp.exabgp_version()
    rotate = environment.get("debug", "rotate")
    paths = [os.path.join(cwd, path) for path in args.configuration]
    configurations = []
    for path in args.configuration[:1] if rotate else args.configuration:
        configuration, error = config_file.read(path, programs=True)
        if configuration is None:
            log.error("configuration", error)
            err.write(f"error: {error}\n")
            return 1
        configurations.append(configuration)
    if rotate or len(configurations) == 1:
        return _serve(configurations[0], Loader(paths), environment, log, version, args.signal)
    if environment.get("log", "enable") and is_file(environment.get("log", "destination")):
        err.write("error: can not log to files when running multiple configuration (as we fork)\n")
        return 1
    return _fork_each(configurations, paths, environment, log, version, args.signal)
