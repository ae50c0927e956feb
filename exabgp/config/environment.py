"""The `exabgp.*` environment settings of ExaBGP 5.0 (docs/compatibility.md, "Settings").

`SETTINGS` is the one literal table: every 5.0 key with its section, key,
default (as text, parsed like any other value), kind and description.  A
kind names a reader (text -> value, raising `ValueError` on a bad value)
and a writer (value -> the text `exabgp env` prints), both in `KINDS`.

`load(environ, ini_text, user_exists)` resolves every key in 5.0's order:

1. the environment variable ``exabgp.<section>.<key>``;
2. then ``exabgp_<section>_<key>`` (the dots replaced by ``_``);
3. then the INI text (``[exabgp.<section>]`` / ``key = value``; quotes
   around the value are stripped);
4. then the default.

A value that its kind refuses raises `SettingError` with 5.0's text
``invalid value for <section>.<key> : <value>``.  Then the aliases:
``exabgp.tcp.connections`` / ``exabgp_tcp_connections`` set `tcp.attempts`,
and an environment `tcp.once` sets attempts to 1 (true) or 0 when neither
attempts nor connections is given in the environment.

Parsing rules (5.0): booleans are true for ``1 yes on enable true`` (any
case) and false for anything else; integers use `int`; `daemon.umask` is
octal; `tcp.bind` is a space separated list of IP addresses; `log.level`
is a syslog level name; `api.encoder` is ``text`` or ``json``;
`api.show-routes-format` is ``v1`` or ``v2``; `daemon.user` must name a
user of the system, which the caller checks through `user_exists` (this
module reads no files, no environment and no user database: the CLI
passes them in).

`ini_lines` / `env_lines` are the two outputs of ``exabgp env`` (every
section but ``debug``; optionally only the values that differ from the
defaults); `help_lines` is 5.0's table of the settings with their
descriptions and defaults (``exabgp`` without arguments prints it, and
``exabgp decode`` before the help on a payload that is not hexadecimal).
"""

import ipaddress
from exabgp.bgp.record import record

#: True for a type checker only: `typing.TYPE_CHECKING` without importing `typing`, which the short
#: commands keep out of their start-up (tests/test_cli_imports.py)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

APPLICATION = "exabgp"

#: syslog level names accepted by log.level (5.0's list)
LOG_LEVELS = ("FATAL", "CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET")

_TRUE = frozenset(("1", "yes", "on", "enable", "true"))


class SettingError(ValueError):
    """A setting whose value its kind refuses (text: 5.0's message)."""


def _unquote(text: str) -> str:
    return text.strip().strip("'\"")


def _boolean(text: str) -> bool:
    return text.strip().lower() in _TRUE


def _integer(text: str) -> int:
    return int(text)


def _real(text: str) -> float:
    return float(text)


def _string(text: str) -> str:
    return _unquote(text)


def _umask(text: str) -> int:
    return int(_unquote(text), 8)


def _level(text: str) -> str:
    level = _unquote(text).upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"invalid log level {level}")
    return level


def _choice(*allowed):
    def read(text: str) -> str:
        value = _unquote(text).lower()
        if value not in allowed:
            raise ValueError(f"must be one of {' '.join(allowed)}")
        return value

    return read


def _ip_list(text: str) -> tuple:
    addresses = []
    for word in _unquote(text).split(" "):
        if word:
            addresses.append(str(ipaddress.ip_address(word)))
    return tuple(addresses)


def _quoted(value) -> str:
    return f"'{value}'"


#: kind -> (reader, writer); a kind's values are of its own type
KINDS: "dict[str, tuple[Callable[[str], Any], Callable[[Any], str]]]" = {
    "boolean": (_boolean, lambda value: "true" if value else "false"),
    "integer": (_integer, str),
    "real": (_real, str),
    "string": (_string, _quoted),
    "user": (_string, _quoted),
    "umask": (_umask, lambda value: f"'{oct(value)}'"),
    "level": (_level, str),
    "encoder": (_choice("text", "json"), str),
    "routes-format": (_choice("v1", "v2"), str),
    "ip-list": (_ip_list, lambda value: _quoted(" ".join(value))),
}


@record(slots=True)
class Setting:
    section: str
    key: str
    default: str
    kind: str
    description: str


#: every 5.0 setting, in the order `exabgp env -e` prints them
SETTINGS = (
    Setting("profile", "enable", "false", "boolean", "toggle profiling of the code"),
    Setting("profile", "file", "", "string", "profiling result file, none means stdout, no overwriting"),
    Setting("pdb", "enable", "false", "boolean", "on program fault, start pdb the python interactive debugger"),
    Setting("daemon", "pid", "", "string", "where to save the pid if we manage it"),
    Setting("daemon", "user", "nobody", "user", "user to run the program as"),
    Setting("daemon", "daemonize", "false", "boolean", "should we run in the background"),
    Setting("daemon", "drop", "true", "boolean", "drop privileges before forking processes"),
    Setting("daemon", "umask", "0137", "umask", "run daemon with this umask, governs perms of logfiles etc."),
    Setting("log", "enable", "true", "boolean", "enable logging to file or syslog"),
    Setting("log", "level", "INFO", "level", "log message with at least the priority SYSLOG.<level>"),
    Setting(
        "log",
        "destination",
        "stdout",
        "string",
        "where logging should log\n"
        "                                  syslog (or no setting) sends the data to the local syslog syslog\n"
        "                                  host:<location> sends the data to a remote syslog server\n"
        "                                  stdout sends the data to stdout\n"
        "                                  stderr sends the data to stderr\n"
        "                                  <filename> send the data to a file",
    ),
    Setting("log", "all", "false", "boolean", "report debug information for everything"),
    Setting("log", "configuration", "true", "boolean", "report command parsing"),
    Setting("log", "reactor", "true", "boolean", "report signal received, command reload"),
    Setting("log", "daemon", "true", "boolean", "report pid change, forking, ..."),
    Setting("log", "processes", "true", "boolean", "report handling of forked processes"),
    Setting("log", "network", "true", "boolean", "report networking information (TCP/IP, network state,...)"),
    Setting("log", "statistics", "true", "boolean", "report packet statistics"),
    Setting("log", "packets", "false", "boolean", "report BGP packets sent and received"),
    Setting("log", "rib", "false", "boolean", "report change in locally configured routes"),
    Setting("log", "message", "false", "boolean", "report changes in route announcement on config reload"),
    Setting("log", "timers", "false", "boolean", "report keepalives timers"),
    Setting("log", "routes", "false", "boolean", "report received routes"),
    Setting("log", "parser", "false", "boolean", "report BGP message parsing details"),
    Setting("log", "short", "true", "boolean", "use short log format (not prepended with time,level,pid and source)"),
    Setting(
        "tcp",
        "once",
        "false",
        "boolean",
        "only one tcp connection attempt per peer (for debuging scripts) - deprecated, use tcp.attempts",
    ),
    Setting("tcp", "attempts", "0", "integer", "maximum tcp connection attempts per peer (0 for unlimited)"),
    Setting(
        "tcp",
        "delay",
        "0",
        "integer",
        "start to announce route when the minutes in the hours is a modulo of this number",
    ),
    Setting("tcp", "bind", "", "ip-list", "Space separated list of IPs to bind on when listening (no ip to disable)"),
    Setting("tcp", "port", "179", "integer", "port to bind on when listening"),
    Setting("tcp", "acl", "false", "boolean", "(experimental please do not use) unimplemented"),
    Setting("bgp", "passive", "false", "boolean", "ignore the peer configuration and make all peers passive"),
    Setting(
        "bgp", "openwait", "60", "integer", "how many seconds we wait for an open once the TCP session is established"
    ),
    Setting(
        "cache", "attributes", "true", "boolean", "cache all attributes (configuration and wire) for faster parsing"
    ),
    Setting("cache", "nexthops", "true", "boolean", "cache routes next-hops (deprecated: next-hops are always cached)"),
    Setting("api", "ack", "true", "boolean", "acknowledge api command(s) and report issues"),
    Setting("api", "chunk", "1", "integer", "maximum lines to print before yielding in show routes api"),
    Setting("api", "show-routes-format", "v1", "routes-format", "json output format for show adj-rib (v1 or v2)"),
    Setting(
        "api",
        "encoder",
        "json",
        "encoder",
        "(experimental) default encoder to use with with external API (text or json)",
    ),
    Setting("api", "compact", "false", "boolean", "shorter JSON encoding for IPv4/IPv6 Unicast NLRI"),
    Setting("api", "respawn", "true", "boolean", "should we try to respawn helper processes if they dies"),
    Setting("api", "terminate", "false", "boolean", "should we terminate ExaBGP if any helper process dies"),
    Setting("api", "cli", "true", "boolean", "should we create a named pipe for the cli"),
    Setting("api", "pipename", "exabgp", "string", "name to be used for the exabgp pipe"),
    Setting(
        "reactor",
        "speed",
        "1.0",
        "real",
        "reactor loop time\n                                  use only if you understand the code.",
    ),
    Setting("debug", "pdb", "false", "boolean", "enable python debugger on errors"),
    Setting("debug", "memory", "false", "boolean", "command line option --memory"),
    Setting("debug", "configuration", "false", "boolean", "undocumented option: raise when parsing configurations"),
    Setting("debug", "selfcheck", "false", "boolean", "does a self check on the configuration file"),
    Setting("debug", "route", "", "string", "decode the route using the configuration"),
    Setting("debug", "defensive", "false", "boolean", "generate random fault in the code in purpose"),
    Setting("debug", "rotate", "false", "boolean", "rotate configurations file on reload (signal)"),
)

#: (section, key) -> Setting
BY_NAME = {(setting.section, setting.key): setting for setting in SETTINGS}


@record(slots=True)
class Environment:
    """Resolved settings: ``((section, key), value)`` pairs in `SETTINGS` order."""

    values: tuple

    def get(self, section: str, key: str):
        for name, value in self.values:
            if name == (section, key):
                return value
        raise KeyError(f"{section}.{key}")


def _read(setting: Setting, text: str, user_exists):
    reader = KINDS[setting.kind][0]
    try:
        value = reader(text)
        if setting.kind == "user" and user_exists is not None and not user_exists(value):
            raise ValueError(f"user {value} is not found on this system")
    except ValueError:
        raise SettingError(f"invalid value for {setting.section}.{setting.key} : {text}") from None
    return value


def default(setting: Setting):
    return KINDS[setting.kind][0](setting.default)


def _ini(ini_text: str) -> dict:
    """The INI text as ``{(section, key): value or None}`` (None: a key written without a value)."""
    if not ini_text:
        return {}
    import configparser  # here: a command run without an INI file does not pay for it

    # keys are lowered (``Port`` is ``port``) and section names are not (``[EXABGP.TCP]`` is no
    # section of ours): what `ConfigParser` does by default, and what 5.0.15 reads
    parser = configparser.ConfigParser(interpolation=None, allow_no_value=True, strict=False)
    try:
        parser.read_string(ini_text)
    except configparser.Error as exc:
        raise SettingError(f"invalid environment file: {exc}") from None
    return {(section, key): value for section in parser.sections() for key, value in parser.items(section, raw=True)}


def _environ_value(environ, section: str, key: str):
    dotted = f"{APPLICATION}.{section}.{key}"
    if dotted in environ:
        return environ[dotted]
    underscored = dotted.replace(".", "_")
    if underscored in environ:
        return environ[underscored]
    return None


def load(environ=None, ini_text: str = "", user_exists=None) -> Environment:
    """Resolve every setting from `environ` (a mapping), the INI text, then the defaults."""
    environ = environ or {}
    ini = _ini(ini_text)
    values = {}
    for setting in SETTINGS:
        text = _environ_value(environ, setting.section, setting.key)
        if text is None:
            text = ini.get((f"{APPLICATION}.{setting.section}", setting.key))
            if text is None:  # absent, or a key written without a value
                text = setting.default
            else:
                text = _unquote(text)
        values[(setting.section, setting.key)] = _read(setting, text, user_exists)

    # aliases (5.0): tcp.connections sets tcp.attempts; tcp.once when attempts is not given
    connections = _environ_value(environ, "tcp", "connections")
    attempts = _environ_value(environ, "tcp", "attempts")
    once = _environ_value(environ, "tcp", "once")
    if connections:
        values[("tcp", "attempts")] = _read(BY_NAME[("tcp", "attempts")], connections, None)
    elif once and not attempts:
        values[("tcp", "attempts")] = 1 if values[("tcp", "once")] else 0
    return Environment(tuple(values.items()))


def _printed(environment: Environment, diff: bool):
    """``(setting, text)`` of every setting `exabgp env` prints (no debug section)."""
    for (section, key), value in environment.values:
        setting = BY_NAME[(section, key)]
        if section == "debug" or (diff and value == default(setting)):
            continue
        yield setting, KINDS[setting.kind][1](value)


def env_lines(environment: Environment, diff: bool = False) -> list:
    """``exabgp.section.key=value`` lines, in table order."""
    return [f"{APPLICATION}.{setting.section}.{setting.key}={text}" for setting, text in _printed(environment, diff)]


def ini_lines(environment: Environment, diff: bool = False) -> list:
    """The INI form: sections sorted, a blank line then ``[exabgp.section]``, keys sorted."""
    sections: dict[str, list] = {}
    for setting, text in _printed(environment, diff):
        sections.setdefault(setting.section, []).append((setting.key, text))
    lines = []
    for section in sorted(sections):
        lines.append("")
        lines.append(f"[{APPLICATION}.{section}]")
        lines.extend(f"{key} = {text}" for key, text in sorted(sections[section]))
    return lines


#: how 5.0's help table shows a default, by kind (the others as written); tcp.acl shows an empty tuple
_SHOWN_QUOTED = frozenset(("string", "user", "level"))
_SHOWN_EMPTY = frozenset((("tcp", "acl"), ("tcp", "bind")))


def help_lines(prefix: str) -> list:
    """5.0's table of the settings, every section but ``debug`` in name order, each line after `prefix`."""
    lines = []
    for setting in sorted(SETTINGS, key=lambda setting: (setting.section, setting.key)):
        if setting.section == "debug":
            continue
        if (setting.section, setting.key) in _SHOWN_EMPTY:
            shown = ""
        elif setting.kind in _SHOWN_QUOTED:
            shown = f"'{setting.default}'"
        else:
            shown = setting.default
        name = f"{APPLICATION}.{setting.section}.{setting.key}"
        lines.append(f"{prefix}{name:<26}  {setting.description}. default ({shown})")
    return lines
