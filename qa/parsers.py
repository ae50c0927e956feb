"""The argparse parsers of the three programs, as data for the generators of man pages and completions.

`programs()` returns one `Program` per command an operator types: the
``exabgp`` sub-commands (built by `exabgp.cli.main._parser`, the parser the
program itself runs, one sub-command at a time as it does), ``exabgp-cli``
and ``exabgp-healthcheck`` (their modules' own ``setargs``).  `options(parser)`
turns a parser into `Option`s grouped as its help groups them.  Reading
argparse's ``_actions`` / ``_action_groups`` is the one way to introspect a
parser (argcomplete and sphinx-argparse do the same); it happens here only.

Tooling, never imported by the `exabgp` package: `qa.manpages` and
`qa.completion` build their files from these values, so that a new option
or sub-command reaches the man pages and the completions when they are
regenerated, and the drift test (tests/test_operator_files.py) fails until
they are.
"""

import argparse

from exabgp.cli import client, healthcheck, main
from exabgp.bgp.record import record


@record(slots=True)
class Option:
    flags: tuple  # ("-v", "--verbose"); () for a positional argument
    metavar: str  # "" for a flag that takes no value
    nargs: object  # argparse's nargs (None, "?", "*", "+", 0...)
    help: str
    default: object
    dest: str


@record(slots=True)
class Program:
    command: str  # what is typed: "exabgp server", "exabgp-cli"
    summary: str  # the one-line help
    description: str
    parser: object  # the argparse.ArgumentParser


def _help(action, prog: str) -> str:
    """The help text as argparse prints it (``%(default)s``, ``%%`` expanded)."""
    text = action.help or ""
    if "%" in text:
        values = {name: value for name, value in vars(action).items() if value is not argparse.SUPPRESS}
        text = text % dict(values, prog=prog)
    return " ".join(text.split())


def _metavar(action) -> str:
    if action.nargs == 0:
        return ""
    if action.metavar:
        return action.metavar
    return action.dest if not action.option_strings else action.dest.upper()


def options(parser) -> list:
    """``(group title, [Option...])`` in help order; the title is "" for the default groups."""
    found = []
    for group in parser._action_groups:
        entries = [
            Option(
                tuple(action.option_strings),
                _metavar(action),
                action.nargs,
                _help(action, parser.prog),
                action.default,
                action.dest,
            )
            for action in group._group_actions
            if action.help is not argparse.SUPPRESS
        ]
        if entries:
            title = group.title if group.title not in ("positional arguments", "options", "optional arguments") else ""
            found.append((title, entries))
    return found


def flags(parser) -> list:
    """Every option string of `parser`, in help order."""
    return [flag for _title, entries in options(parser) for option in entries for flag in option.flags]


def _sub_command(name: str):
    parser = main._parser("exabgp", name)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    raise LookupError(name)


def programs() -> list:
    """Every program and ``exabgp`` sub-command, ``exabgp`` itself first."""
    found = [
        Program("exabgp", "the BGP swiss army knife of networking", main._DESCRIPTION, main._parser("exabgp", None))
    ]
    for name in main.SUB_COMMANDS:
        parser = _sub_command(name)
        found.append(Program(f"exabgp {name}", main._HELP[name], parser.description or "", parser))
    cli = argparse.ArgumentParser(prog="exabgp-cli")
    client.setargs(cli)
    found.append(Program("exabgp-cli", main._HELP["cli"], cli.description, cli))
    check = argparse.ArgumentParser(prog="exabgp-healthcheck", description=healthcheck.DESCRIPTION)
    healthcheck.setargs(check)
    found.append(Program("exabgp-healthcheck", main._HELP["healthcheck"], check.description, check))
    return found


def program(command: str) -> Program:
    return next(found for found in programs() if found.command == command)
