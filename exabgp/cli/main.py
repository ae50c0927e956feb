"""The `exabgp` program: sub-command dispatch as ExaBGP 5.0 does it.

See docs/compatibility.md, "Programs and sub-commands".

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

Start-up time: a sub-command imports only what it uses.  The module of a
sub-command (`exabgp.cli.decode`, ...) is imported when that sub-command
runs, and only its arguments are added to the parser (argparse parses the
arguments of one sub-command only; the others need no more than their
one-line help).  So `exabgp decode` never loads the reactor or asyncio, and
`exabgp version` loads nothing but this module, argparse and the codec
(tests/test_cli_imports.py guards the import sets).

`exabgp version` prints 5.0's four lines, the first one ``ExaBGP : 5.0.15``
(`exabgp.exabgp_version`: the 5.0 release reproduced, which scripts written
for 5.0 parse), then two of ours: ``fastbgp: <this project's version>`` and
``Codec  : <exabgp._codec.SUMMARY>`` (compiled or pure, and why).
"""

import argparse
import functools
import importlib
import os
import sys

import exabgp
from exabgp.cli import reader_gone

SUB_COMMANDS = ("version", "cli", "healthcheck", "decode", "server", "env", "validate", "mrt")

#: sub-command -> its one-line help (in the order of 5.0's help)
_HELP = {
    "version": "report exabgp version",
    "cli": "control a running exabgp server instance",
    "healthcheck": "monitor services and announce/withdraw routes",
    "env": "show exabgp configuration information",
    "decode": "decode hex-encoded bgp packets",
    "server": "start exabgp",
    "validate": "validate configuration",
    "mrt": "read MRT archives (as JSON, or as bgpdump -m)",
}

#: sub-command -> the description of its ``--help`` when it is not its one-line help (5.0's texts)
_DESCRIPTIONS = {
    "version": "exabgp current version",
    "env": "exabgp environement values",
    "decode": None,
    "server": "exabgp server",
    "validate": "exabgp configuration validation",
}

#: sub-command -> the module running it (its ``setargs(parser)`` and ``cmdline(args, out)``)
_MODULES = {
    "cli": "exabgp.cli.client",
    "decode": "exabgp.cli.decode",
    "env": "exabgp.cli.env",
    "healthcheck": "exabgp.cli.healthcheck",
    "server": "exabgp.cli.server",
    "validate": "exabgp.cli.validate",
    "mrt": "exabgp.cli.mrt",
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
            return argv[:index] + argv[index + 2 :], argv[index + 1]
        if arg.startswith("--env-file="):
            return argv[:index] + argv[index + 1 :], arg.split("=", 1)[1]
    return argv, None


def _version(args, out) -> int:
    from exabgp import _codec

    python = sys.version.replace("\n", " ")
    if hasattr(os, "uname"):
        uname = " ".join(os.uname())  # platform.uname()[:5] on a POSIX system, without its `uname -p` child
    else:  # Windows: no os.uname
        import platform

        uname = " ".join(platform.uname()[:5])
    root = os.path.dirname(os.path.abspath(exabgp.__file__))
    out.write(
        f"ExaBGP : {exabgp.exabgp_version()}\nPython : {python}\nUname  : {uname}\nFrom   : {root}\n"
        f"{exabgp.DISTRIBUTION}: {exabgp.__version__}\nCodec  : {_codec.SUMMARY}\n"
    )
    return 0


def _help_width() -> int:
    """The width argparse's formatter takes: ``shutil.get_terminal_size().columns - 2``, computed the same way
    (``COLUMNS``, else the terminal of standard output, else 80) so that `shutil` and the compression
    modules it imports are not loaded by every command (argparse builds a formatter per parser)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            stdout = sys.__stdout__  # None when started without a standard output
            columns = (os.get_terminal_size(stdout.fileno()).columns if stdout else 0) or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns - 2


def _parser(prog: str, command) -> argparse.ArgumentParser:
    """The parser of `exabgp`, with the arguments of `command` only (the one sub-command parsed)."""
    width = _help_width()
    plain = functools.partial(argparse.HelpFormatter, width=width)
    raw = functools.partial(argparse.RawDescriptionHelpFormatter, width=width)
    parser = argparse.ArgumentParser(prog=prog, description=_DESCRIPTION, formatter_class=raw)
    subparsers = parser.add_subparsers(dest="command")
    for name, text in _HELP.items():
        sub = subparsers.add_parser(name, help=text, description=_DESCRIPTIONS.get(name, text), formatter_class=plain)
        if name == command and name in _MODULES:
            module = importlib.import_module(_MODULES[name])
            if name == "healthcheck":  # its long description, laid out as written
                sub.description, sub.formatter_class = module.DESCRIPTION, raw
            module.setargs(sub)
    return parser


def _command(argv: list):
    """The sub-command argparse will run: the first argument that is not an option (`exabgp` has only -h)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _run(argv: list, prog: str) -> int:
    argv, env_file = _take_env_file(argv)
    if argv and argv[0] not in SUB_COMMANDS and "-h" not in argv and "--help" not in argv:
        argv = ["server"] + argv
    if argv and argv[0] == "healthcheck":  # it parses its own arguments (those of its --config file first)
        return _healthcheck(argv[1:], prog)
    parser = _parser(prog, _command(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 1
    if args.command is None:
        from exabgp.config.environment import help_lines

        parser.print_help(sys.stdout)
        sys.stdout.write("\nEnvironment values are:\n" + "\n".join(help_lines("    ")))
        return 1
    if args.command == "healthcheck":  # reached after an option argparse accepts before it (none in 5.0)
        return _healthcheck(argv[argv.index("healthcheck") + 1 :], prog)
    args.env_file = env_file  # for the sub-commands that read settings (env; server: later issues)
    if args.command == "version":
        return _version(args, sys.stdout)
    return importlib.import_module(_MODULES[args.command]).cmdline(args, sys.stdout)


def _healthcheck(argv: list, prog: str) -> int:
    from exabgp.cli import healthcheck

    return healthcheck.main(argv, prog=f"{prog} healthcheck")


def main(argv=None) -> int:
    """Run `exabgp` with `argv` (default: the process arguments); return the exit code.

    The program's name in its help and errors is the name it was started
    under, as argparse takes it (``__main__.py`` for ``python -m exabgp``, as
    in 5.0), or ``exabgp`` when `argv` is given.
    """
    prog = "exabgp"
    if argv is None:
        argv, prog = sys.argv[1:], os.path.basename(sys.argv[0])
    try:
        code = _run(list(argv), prog)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return reader_gone()
