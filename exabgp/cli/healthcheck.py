"""`exabgp healthcheck` / `exabgp-healthcheck`: announce service IPs while a check passes.

See docs/compatibility.md, "Healthcheck".

Run as an ExaBGP ``process``: every ``--interval`` seconds (``--fast-interval``
while RISING or FALLING) it runs the ``--cmd`` shell command (exit 0 is
healthy, ``--timeout`` kills its process group), moves the state machine of
`exabgp.cli.healthcheck_state`, runs the ``--execute`` hooks on a state
change (with ``STATE=<state>`` in their environment) and writes the API
commands of the state on stdout, one line per IP: every iteration, or only
on a change with ``--debounce``.  After each line it reads one line (the
daemon's ``done``) from stdin, unless ``--no-ack`` or stdout is a terminal.
SIGTERM and SIGINT withdraw every route (EXIT) and exit 0; ``--interval 0``
exits after the first announcement and leaves the routes (END).

Options come from the command line and, with ``--config FILE``, from a file
holding one long option per line (``name = value`` or a bare flag, ``#``
comments); the file is read first, so the command line wins.

The IPs are the ``--ip`` prefixes, else the non-loopback addresses of the
loopback interface (filtered by ``--label``).  Unless ``--no-ip-setup``
each host address is added to the loopback (or to its ``--ip-ifname``
interface) with ``ip address add`` at start, and removed at EXIT;
``--dynamic-ip-setup`` also removes them when DOWN or DISABLED and restores
them when UP.  Then ``--user``/``--group`` drop privileges.

Logs go to stderr as ``LEVEL[healthcheck] message`` (not with
``--silent``) and to syslog (tag ``healthcheck[-NAME][PID]``) unless
``--no-syslog`` or ``--debug``.  Unlike 5.0, a syslog socket that cannot be
reached is skipped instead of printing a traceback per message, an invalid
option value is a usage error, and a failure prints one error line and
exits 1.
"""

import argparse
import grp
import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from ipaddress import ip_address, ip_network
from logging.handlers import SysLogHandler

from exabgp.cli.healthcheck_state import DISABLED, DOWN, EXIT, FALLING, INIT, RISING, UP, Routes, commands, step

#: the description of ``--help``, as 5.0 prints it
DESCRIPTION = """\
Healthchecker for exabgp.

This program is to be used as a process for exabgp. It will announce
some VIP depending on the state of a check whose a third-party program
wrapped by this program.

To use, declare this program as a process in your
:file:`/etc/exabgp/exabgp.conf`::

    neighbor 192.0.2.1 {
       router-id 192.0.2.2;
       local-as 64496;
       peer-as 64497;
    }
    process watch-haproxy {
       run python -m exabgp healthcheck --cmd "curl -sf http://127.0.0.1/healthcheck" --label haproxy;
    }
    process watch-mysql {
       run python -m exabgp healthcheck --cmd "mysql -u check -e 'SELECT 1'" --label mysql;
    }

Use :option:`--help` to get options accepted by this program. A
configuration file is also possible. Such a configuration file looks
like this::

     debug
     name = haproxy
     interval = 10
     fast-interval = 1
     command = curl -sf http://127.0.0.1/healthcheck

The left-part of each line is the corresponding long option.

When using label for loopback selection, the provided value should
match the beginning of the label without the interface prefix. In the
example above, this means that you should have addresses on lo
labelled ``lo:haproxy1``, ``lo:haproxy2``, etc.
"""

_IFNAME = re.compile(r"^[a-zA-Z0-9._:-]{1,15}$")
_SEVERITY = {"DEBUG": 7, "INFO": 6, "WARNING": 4, "ERROR": 3}
_LEVEL = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
_ADD_EXISTS = 2  # the exit code of `ip address add` for an address already there


class _Stopped(Exception):
    """SIGTERM was received."""


def neighbor_address(value: str):
    """A neighbor: an IP address, or ``*`` for all of them."""
    return "*" if value.strip() == "*" else ip_address(value)


def attribute_value(value: str) -> str:
    """An attribute text spliced into a command line: no control character (tab allowed)."""
    for character in value:
        if character != "\t" and (not character.isprintable() or character == "\x7f"):
            raise argparse.ArgumentTypeError(f"{value!r} contains the control character {character!r}")
    return value


def facility(value: str) -> str:
    if value.lower() not in SysLogHandler.facility_names:
        raise argparse.ArgumentTypeError(f"unknown syslog facility {value!r}")
    return value


def config_file(path: str) -> list:
    """The command-line arguments equivalent to a configuration file."""
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"can't open '{path}': {exc}") from None
    args: list[str] = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            args.extend(part.strip() for part in f"--{line}".split("=", 1))
    return args


def pid_file(path: str) -> str:
    try:
        open(path, "w").close()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"can't open '{path}': {exc}") from None
    return path


def setargs(parser) -> None:
    """The options of 5.0's healthcheck, same names, defaults and order."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--silent", "-s", action="store_true", help="don't log to console")
    group.add_argument(
        "--syslog-facility",
        "-sF",
        metavar="FACILITY",
        nargs="?",
        const="daemon",
        default="daemon",
        type=facility,
        help="log to syslog using FACILITY, default FACILITY is daemon",
    )
    group.add_argument("--no-syslog", action="store_true", help="disable syslog logging")
    parser.add_argument("--debug", "-d", action="store_true", help="enable debugging")
    parser.add_argument(
        "--no-ack", "-a", action="store_true", help="set for exabgp 3.4 or 4.x when exabgp.api.ack=false"
    )
    parser.add_argument("--sudo", action="store_true", help="use sudo to setup ip addresses")
    parser.add_argument("--name", "-n", metavar="NAME", help="name for this healthchecker")
    parser.add_argument("--config", "-F", metavar="FILE", type=config_file, help="read configuration from a file")
    parser.add_argument("--pid", "-p", metavar="FILE", type=pid_file, help="write PID to the provided file")
    parser.add_argument("--user", metavar="USER", help="set user after setting ip addresses")
    parser.add_argument("--group", metavar="GROUP", help="set group after setting ip addresses")

    group = parser.add_argument_group("checking healthiness")
    group.add_argument(
        "--interval",
        "-i",
        metavar="N",
        default=5,
        type=float,
        help="wait N seconds between each healthcheck (zero to exit after first announcement)",
    )
    group.add_argument(
        "--fast-interval",
        "-f",
        metavar="N",
        default=1,
        type=float,
        dest="fast",
        help="when a state change is about to occur, wait N seconds between each healthcheck",
    )
    group.add_argument(
        "--timeout", "-t", metavar="N", default=5, type=int, help="wait N seconds for the check command to execute"
    )
    group.add_argument(
        "--rise", metavar="N", default=3, type=int, help="check N times before considering the service up"
    )
    group.add_argument(
        "--fall", metavar="N", default=3, type=int, help="check N times before considering the service down"
    )
    group.add_argument("--disable", metavar="FILE", help="if FILE exists, the service is considered disabled")
    group.add_argument("--command", "--cmd", "-c", metavar="CMD", help="command to use for healthcheck")

    group = parser.add_argument_group("advertising options")
    group.add_argument("--next-hop", "-N", metavar="IP", type=ip_address, help="self IP address to use as next hop")
    group.add_argument(
        "--ip",
        metavar="IP",
        type=ip_network,
        dest="ips",
        action="append",
        help="advertise this IP address or network (CIDR notation)",
    )
    group.add_argument(
        "--ip-ifname",
        metavar="IP%IFNAME",
        dest="ip_ifnames",
        action="append",
        help="bind this IP address or network (CIDR) to the given physical or logical interface (i.e. 192.165.14.1%%eth0)",
    )
    group.add_argument(
        "--local-preference", metavar="P", type=int, default=-1, help="advertise with local preference P"
    )
    group.add_argument("--deaggregate-networks", action="store_true", help="Deaggregate Networks specified in --ip")
    group.add_argument("--no-ip-setup", action="store_false", dest="ip_setup", help="don't setup missing IP addresses")
    group.add_argument(
        "--dynamic-ip-setup",
        action="store_true",
        dest="ip_dynamic",
        help="delete setup ips on state down and disabled, then restore them when up",
    )
    group.add_argument("--label", help="use the provided label to match setup ip addresses")
    group.add_argument(
        "--label-exact-match",
        action="store_true",
        help="use the provided label to exactly match setup ip addresses, not a prefix match",
    )
    group.add_argument(
        "--start-ip", metavar="N", type=int, default=0, help="index of the first IP in the list of IP addresses"
    )
    group.add_argument(
        "--up-metric", metavar="M", type=int, default=100, help="first IP get the metric M when the service is up"
    )
    group.add_argument(
        "--down-metric", metavar="M", type=int, default=1000, help="first IP get the metric M when the service is down"
    )
    group.add_argument(
        "--disabled-metric",
        metavar="M",
        type=int,
        default=500,
        help="first IP get the metric M when the service is disabled",
    )
    group.add_argument(
        "--increase",
        metavar="M",
        type=int,
        default=1,
        help="for each additional IP address, increase metric value by M",
    )
    group.add_argument(
        "--community", metavar="COMMUNITY", type=attribute_value, help="announce IPs with the supplied community"
    )
    group.add_argument(
        "--extended-community",
        metavar="EXTENDEDCOMMUNITY",
        type=attribute_value,
        help="announce IPs with the supplied extended community",
    )
    group.add_argument(
        "--large-community",
        metavar="LARGECOMMUNITY",
        type=attribute_value,
        help="announce IPs with the supplied large community",
    )
    group.add_argument(
        "--disabled-community",
        metavar="DISABLEDCOMMUNITY",
        type=attribute_value,
        help="announce IPs with the supplied community when disabled",
    )
    group.add_argument(
        "--as-path", metavar="ASPATH", type=attribute_value, help="announce IPs with the supplied as-path"
    )
    group.add_argument(
        "--up-as-path",
        metavar="ASPATH",
        type=attribute_value,
        help="announce IPs with the supplied as-path when the service is up",
    )
    group.add_argument(
        "--down-as-path",
        metavar="ASPATH",
        type=attribute_value,
        help="announce IPs with the supplied as-path when the service is down",
    )
    group.add_argument(
        "--disabled-as-path",
        metavar="ASPATH",
        type=attribute_value,
        help="announce IPs with the supplied as-path when the service is disabled",
    )
    group.add_argument(
        "--withdraw-on-down",
        action="store_true",
        help="Instead of increasing the metric on health failure, withdraw the route",
    )
    group.add_argument("--path-id", metavar="PATHID", type=int, help="path ID to advertise for the route")
    group.add_argument(
        "--neighbor",
        metavar="NEIGHBOR",
        type=neighbor_address,
        dest="neighbors",
        action="append",
        help="advertise the route to the selected neighbors (* for all)",
    )
    group.add_argument(
        "--debounce", action="store_true", help="announce only on state changes, instead of every iteration"
    )

    group = parser.add_argument_group("reporting")
    group.add_argument("--execute", metavar="CMD", action="append", help="execute CMD on state change")
    group.add_argument(
        "--up-execute", metavar="CMD", action="append", help="execute CMD when the service becomes available"
    )
    group.add_argument(
        "--down-execute", metavar="CMD", action="append", help="execute CMD when the service becomes unavailable"
    )
    group.add_argument(
        "--disabled-execute", metavar="CMD", action="append", help="execute CMD when the service is disabled"
    )


def parse(argv: list, prog=None):
    """The options: the --config file's lines first, then `argv`."""
    parser = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    setargs(parser)
    options = parser.parse_args(argv)
    if options.config is not None:
        options = parser.parse_args(options.config + argv)
    interfaces = {}
    for value in options.ip_ifnames or []:
        parts = value.split("%")
        if len(parts) != 2:
            parser.error(f"Expected IP to IFNAME parameter: <ip_address>%<ifname>, got '{value}'")
        try:
            network = ip_network(parts[0])
        except ValueError as exc:
            parser.error(str(exc))
        if network not in (options.ips or []):
            parser.error(f"No 'ip' parameter has been defined for the ip_ifname pair '{value}'")
        if not _IFNAME.match(parts[1]):
            parser.error(f"Expected NIC interface name but got '{parts[1]}'")
        interfaces[network] = parts[1]
    options.ip_ifnames = interfaces
    return options


class _Log:
    """Console (stderr) and syslog messages, filtered by level."""

    def __init__(self, options, stderr):
        self.level = _LEVEL["DEBUG" if options.debug else "INFO"]
        self.console = None if options.silent else stderr
        self.syslog = None
        if not options.no_syslog and not options.debug:
            self.syslog = _syslog_socket()
        self.facility = SysLogHandler.facility_names[options.syslog_facility.lower()]
        tag = f"healthcheck-{options.name}" if options.name else "healthcheck"
        self.tag = f"{tag}[{os.getpid()}]"

    def log(self, level: str, message: str) -> None:
        if _LEVEL[level] < self.level:
            return
        if self.console is not None:
            self.console.write(f"{level}[healthcheck] {message}\n")
            self.console.flush()
        if self.syslog is not None:
            priority = self.facility << 3 | _SEVERITY[level]
            try:
                self.syslog.send(f"<{priority}>{self.tag}: {message}\0".encode())
            except OSError:
                pass

    def debug(self, message: str) -> None:
        self.log("DEBUG", message)

    def info(self, message: str) -> None:
        self.log("INFO", message)

    def warning(self, message: str) -> None:
        self.log("WARNING", message)

    def error(self, message: str) -> None:
        self.log("ERROR", message)


def _syslog_socket():
    """A socket connected to the local syslog daemon, or None."""
    if sys.platform == "darwin":
        address = "/var/run/syslog"
    elif sys.platform.startswith(("freebsd", "netbsd")):
        address = "/var/run/log"
    elif sys.platform.startswith("linux"):
        address = "/dev/log"
    else:
        return None
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        sock = socket.socket(socket.AF_UNIX, kind)
        try:
            sock.connect(address)
            return sock
        except OSError:
            sock.close()
    return None


def _check(command, timeout: int, log: _Log) -> bool:
    """Run the check command in its own process group; True when it exits 0 in time."""
    if command is None:
        return True
    log.debug(f"Checking command {command!r}")
    process = subprocess.Popen(
        command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=timeout or None)
    except subprocess.TimeoutExpired:
        log.warning(f"Timeout ({timeout}) while running check command {command}")
        _kill(process)
        return False
    except BaseException:  # stopped by a signal while waiting: do not leave the check running
        _kill(process)
        raise
    if process.returncode != 0:
        log.warning(f"Check command was unsuccessful: {process.returncode}")
        if output.strip():
            log.info(f"Output of check command: {output!r}")
        return False
    log.debug(f"Command was executed successfully {process.returncode} {output!r}")
    return True


def _kill(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


class _Addresses:
    """The IP addresses on the local interfaces, read and changed with `ip` (ifconfig to read elsewhere)."""

    def __init__(self, options, log: _Log):
        self.log = log
        self.interfaces = options.ip_ifnames
        self.label = options.label
        self.exact = options.label_exact_match
        self.sudo = options.sudo
        self.loopback = "lo" if sys.platform.startswith("linux") else "lo0"

    def _names(self) -> set:
        return set(self.interfaces.values()) | {self.loopback}

    def present(self, label_only: bool) -> list:
        """The non-loopback networks of the loopback and --ip-ifname interfaces (label filtered)."""
        self.log.debug("Retrieve IP addresses for loopback and ip-ifname interfaces")
        names = self._names()
        linux = sys.platform.startswith("linux")
        if linux:
            address = re.compile(r"^\d+:\s+\S+\s+inet6?\s+(?P<ip>[\da-f.:]+)/(?P<mask>\d+)\s")
            labelled = re.compile(r"\s(?:" + "|".join(re.escape(name) for name in names) + r"):(?P<label>[^\\\s]+)")
        else:
            address = re.compile(
                r"^inet6?\s+(?:alias\s+)?(?P<ip>[\da-f.:]+)\s+(?:netmask 0x(?P<netmask>[0-9a-f]+)|prefixlen (?P<mask>\d+))"
            )
            labelled = None
        found = []
        for name in sorted(names):
            command = ["ip", "-o", "address", "show", "dev", name] if linux else ["ifconfig", name]
            listing = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
            for line in listing.decode("ascii", "ignore").splitlines():
                line = line.strip()
                match = address.match(line)
                if not match:
                    continue
                mask = (
                    int(match.group("mask")) if match.group("mask") else bin(int(match.group("netmask"), 16)).count("1")
                )
                try:
                    network = ip_network(f"{match.group('ip')}/{mask}")
                except ValueError:
                    continue
                if network.is_loopback:
                    continue
                if self.label:
                    label = labelled.search(line) if labelled else None
                    text = label.group("label") if label else None
                    if text is not None and (text == self.label if self.exact else text.startswith(self.label)):
                        found.append(network)
                elif not label_only or self.label is None:
                    found.append(network)
        self.log.debug(f"System addresses ({names}) detected: {found}")
        return found

    def _command(self, verb: str, network) -> list:
        name = self.interfaces.get(network, self.loopback)
        command = ["ip", "address", verb, str(network), "dev", name]
        if self.sudo:
            command.insert(0, "sudo")
        if self.label:
            command += ["label", f"{name}:{self.label}"]
        return command

    def setup(self, networks) -> None:
        """Add each host address of `networks` missing from the interfaces."""
        for network in sorted(_hosts(networks) - set(self.present(False)), key=_order):
            self.log.debug(f"Setup {self.interfaces.get(network, self.loopback)} IP address {network}")
            code = subprocess.call(self._command("add", network), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if code not in (0, _ADD_EXISTS):
                raise OSError(f"'{' '.join(self._command('add', network))}' failed with exit code {code}")

    def remove(self, networks) -> None:
        """Delete each host address of `networks` that is on the interfaces (with our label)."""
        for network in sorted(_hosts(networks) & set(self.present(True)), key=_order):
            name = self.interfaces.get(network, self.loopback)
            self.log.debug(f"Remove {name} IP address {network}")
            if subprocess.call(self._command("delete", network), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                self.log.warning(f"Unable to remove {name} IP address {network} - is healthcheck running as root?")


def _hosts(networks) -> set:
    """Every address of `networks`, as a host network (/32 or /128)."""
    return {ip_network(address) for network in networks for address in network}


def _order(network):
    return network.version, network


def _drop_privileges(user, group, log: _Log) -> None:
    if group is not None:
        gid = grp.getgrnam(group).gr_gid
        log.debug(f"Dropping privileges to group {group}/{gid}")
        os.setresgid(gid, gid, gid)
    if user is not None:
        uid = pwd.getpwnam(user).pw_uid
        log.debug(f"Dropping privileges to user {user}/{uid}")
        os.setresuid(uid, uid, uid)


def routes(options) -> Routes:
    """The announcement settings of `options` (whose ``ips`` are final)."""
    return Routes(
        ips=tuple(str(ip) for ip in options.ips),
        next_hop=str(options.next_hop or "self"),
        metrics=((UP, options.up_metric), (DOWN, options.down_metric), (DISABLED, options.disabled_metric)),
        increase=options.increase,
        local_preference=options.local_preference,
        community=options.community,
        disabled_community=options.disabled_community,
        extended_community=options.extended_community,
        large_community=options.large_community,
        as_path=options.as_path,
        as_paths=tuple(
            (state, path)
            for state, path in (
                (UP, options.up_as_path),
                (DOWN, options.down_as_path),
                (DISABLED, options.disabled_as_path),
            )
            if path is not None
        ),
        path_id=options.path_id,
        neighbors=tuple(str(neighbor) for neighbor in options.neighbors or ()),
        withdraw_on_down=options.withdraw_on_down,
    )


class _Healthcheck:
    """The check loop and what it tells ExaBGP."""

    def __init__(self, options, log: _Log, addresses: _Addresses, stdin, stdout):
        self.options = options
        self.routes = routes(options)
        self.log = log
        self.addresses = addresses
        self.stdin = stdin
        self.stdout = stdout
        self.ack = not options.no_ack and not stdout.isatty()

    def announce(self, state: str) -> None:
        lines = commands(state, self.routes)
        if not lines:
            return
        options = self.options
        if state == UP and options.ip_dynamic:
            self.log.info("service up, restoring loopback and ip-ifname ips")
            self.addresses.setup(options.ips)
        self.log.info(f"send announces for {state} state to ExaBGP")
        for line in lines:
            self.log.debug(f"exabgp: {line}")
            self.stdout.write(line + "\n")
            self.stdout.flush()
            if self.ack:
                self.stdin.readline()
        if state == EXIT and (options.ip_dynamic or options.ip_setup):
            self.log.info("exiting, deleting setup ips")
            self.addresses.remove(options.ips)
        if state in (DOWN, DISABLED) and options.ip_dynamic:
            self.log.info("service down, deleting setup ips")
            self.addresses.remove(options.ips)

    def transition(self, state: str) -> None:
        """Log the new state and run its hooks, then the --execute ones."""
        self.log.debug(f"Transition to {state}")
        options = self.options
        hooks = {UP: options.up_execute, DOWN: options.down_execute, DISABLED: options.disabled_execute}.get(
            state
        ) or []
        environment = dict(os.environ, STATE=state)
        for hook in hooks + (options.execute or []):
            self.log.debug(f"Transition to {state}, execute `{hook}`")
            subprocess.call(hook, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)

    def run(self) -> None:
        """Check until stopped by a signal (EXIT) or, with --interval 0, after one announcement (END)."""
        options = self.options
        state, checks = INIT, 0
        while True:
            disabled = options.disable is not None and os.path.exists(options.disable)
            healthy = disabled or _check(options.command, options.timeout, self.log)
            before = state
            state, checks = step(state, checks, disabled, healthy, options.rise, options.fall)
            if state != before:
                self.transition(state)
            if not options.debounce or state != before:
                self.announce(state)
            if state in (RISING, FALLING):
                time.sleep(options.fast)
            elif options.interval == 0:
                self.log.info("interval set to zero, exiting after the announcement")
                return
            else:
                time.sleep(options.interval)


def _stop(signum, frame):
    raise _Stopped()


def main(argv=None, prog=None) -> int:
    """Run the healthcheck with `argv` (default: the process arguments); return the exit code."""
    try:
        options = parse(sys.argv[1:] if argv is None else list(argv), prog)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 1
    log = _Log(options, sys.stderr)
    if options.pid:
        with open(options.pid, "w") as handle:
            handle.write(f"{os.getpid()}\n")
    previous = signal.signal(signal.SIGTERM, _stop), signal.getsignal(signal.SIGINT)
    healthcheck = None
    try:
        addresses = _Addresses(options, log)
        options.ips = options.ips or addresses.present(False)
        if not options.ips:
            log.error("No IP found")
            return 1
        if options.ip_setup:
            addresses.setup(options.ips)
        _drop_privileges(options.user, options.group, log)
        if options.deaggregate_networks:
            options.ips = [ip_network(address) for network in options.ips for address in network]
        ips = deque(options.ips)
        ips.rotate(-options.start_ip)
        options.ips = list(ips)
        healthcheck = _Healthcheck(options, log, addresses, sys.stdin, sys.stdout)
        healthcheck.run()
        return 0
    except (_Stopped, KeyboardInterrupt):
        if healthcheck is None:
            return 0
        # a second signal ends the program at once
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            healthcheck.announce(EXIT)
        except (OSError, subprocess.SubprocessError) as exc:
            log.error(f"Uncaught exception: {exc}")
            return 1
        return 0
    except (OSError, KeyError, ValueError, subprocess.SubprocessError) as exc:
        log.error(f"Uncaught exception: {exc}")
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
