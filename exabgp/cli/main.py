"""The `exabgp` program: sub-command dispatch as ExaBGP 5.0 does it (SURFACE.md 1.2, 1.3).

`main(argv)` returns the exit code.  Before argparse sees the arguments:

* ``--env-file PATH`` / ``--env-file=PATH`` is taken out wherever it is
  (its first occurrence), and kept for the sub-commands that read settings;
* when the first argument is not a sub-command (and no ``-h``/``--help`` is
  given) ``server`` is put in front of it: ``exabgp conf.conf`` is
  ``exabgp server conf.conf`` (ExaBGP 4.x compatibility).

Without arguments the help is printed and the exit code is 1.  A closed
output pipe (``exabgp decode ... | head``) ends the program with code 1 and
no traceback.  `healthcheck` parses its own arguments (the options of its
``--config`` file go before the command line's), so it is handed the raw
arguments.
"""

import argparse
import os
import platform
import sys

import exabgp
from exabgp.cli import client, decode, env, healthcheck, reader_gone, server, validate

SUB_COMMANDS = ("version", "cli", "healthcheck", "decode", "server", "env", "validate")

#: sub-command -> its one-line help (in the order of 5.0's help)
_HELP = {
    "version": "report exabgp version",
    "cli": "control a running exabgp server instance",
    "healthcheck": "monitor services and announce/withdraw routes",
    "env": "show exabgp configuration information",
    "decode": "decode hex-encoded bgp packets",
    "server": "start exabgp",
    "validate": "validate configuration",
}

_DESCRIPTION = (
    "The BGP swiss army knife of networking\n\n"
    "A configuration file can be passed directly:\n"
    "  exabgp config.conf     (equivalent to: exabgp server config.conf)\n\n"
    "Environment file override:\n"
    "  exabgp --env-file /path/to/exabgp.env server config.conf\n"
    "  EXABGP_ENVFILE=/path/to/exabgp.env exabgp server config.conf"
)


def _take_env_file(argv: list):
    """Remove the first ``--env-file`` option from `argv`; return ``(argv, path or None)``."""
    for index, arg in enumerate(argv):
        if arg == "--env-file" and index + 1 < len(argv):
            return argv[:index] + argv[index + 2:], argv[index + 1]
        if arg.startswith("--env-file="):
            return argv[:index] + argv[index + 1:], arg.split("=", 1)[1]
    return argv, None


def _version(args, out) -> int:
    version = os.environ.get("exabgp_version") or exabgp.__version__
    python = sys.version.replace("\n", " ")
    uname = " ".join(platform.uname()[:5])
    root = os.path.dirname(os.path.abspath(exabgp.__file__))
    out.write(f"ExaBGP : {version}\nPython : {python}\nUname  : {uname}\nFrom   : {root}\n")
    return 0


#: implemented sub-command -> (function adding its arguments or None, function running it)
_IMPLEMENTED = {
    "cli": (client.setargs, client.cmdline),
    "decode": (decode.setargs, decode.cmdline),
    "env": (env.setargs, env.cmdline),
    "server": (server.setargs, server.cmdline),
    "validate": (validate.setargs, validate.cmdline),
    "version": (None, _version),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exabgp", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    subparsers = parser.add_subparsers(dest="command")
    for name, text in _HELP.items():
        sub = subparsers.add_parser(name, help=text, description=text)
        setargs = _IMPLEMENTED.get(name, (None, None))[0]
        if setargs is not None:
            setargs(sub)
    return parser


def _run(argv: list) -> int:
    argv, env_file = _take_env_file(argv)
    if argv and argv[0] not in SUB_COMMANDS and "-h" not in argv and "--help" not in argv:
        argv = ["server"] + argv
    if argv and argv[0] == "healthcheck":
        return healthcheck.main(argv[1:], prog="exabgp healthcheck")
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 1
    if args.command is None:
        parser.print_help(sys.stdout)
        return 1
    args.env_file = env_file  # for the sub-commands that read settings (env; server: later issues)
    return _IMPLEMENTED[args.command][1](args, sys.stdout)


def main(argv=None) -> int:
    """Run `exabgp` with `argv` (default: the process arguments); return the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    try:
        code = _run(list(argv))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return reader_gone()
