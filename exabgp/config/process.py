"""The `process` sections and the neighbor `api` blocks (docs/compatibility.md, "Processes and api blocks").

``process NAME { run PROGRAM ARGS...; encoder text|json; respawn BOOL; }``
becomes a frozen `Process`.  As in ExaBGP 5.0 `run` and `encoder` are
mandatory (5.0.15: ``unset process sections: encoder``), `respawn`
defaults to true, and a name may be defined once.  The program is not
looked for here (no IO in this layer): `program_candidates` lists, in 5.0's
order, the paths a relative `run` resolves to, and the caller checks them.

``api [NAME] { processes [ ... ]; processes-match [ ... ]; neighbor-changes;
negotiated; fsm; signal; receive { ... } send { ... } }`` becomes an `ApiBlock`;
`processes` and `processes-match` exclude each other; every switch is true
when written bare.  `receive` / `send` take the message kinds of
`API_MESSAGES`.
"""

import os
from exabgp.bgp.record import record

from exabgp.config import values
from exabgp.config.lexer import Statement

ENCODERS = ("text", "json")

#: what `receive { }` / `send { }` accept
API_MESSAGES = (
    "parsed",
    "packets",
    "consolidate",
    "open",
    "update",
    "notification",
    "keepalive",
    "refresh",
    "operational",
)

#: the switches of an `api` block, in canonical order
API_SWITCHES = ("neighbor-changes", "negotiated", "fsm", "signal")


@record(slots=True)
class Process:
    name: str
    run: tuple  # program then arguments
    encoder: str
    respawn: bool = True


@record(slots=True)
class ApiBlock:
    name: str | None = None  # None: unnamed
    processes: tuple = ()
    processes_match: tuple = ()  # regular expressions
    switches: tuple = ()  # the API_SWITCHES turned on, in table order
    receive: tuple = ()  # API_MESSAGES, in table order
    send: tuple = ()


def parse_process(statement: Statement, locate=None) -> Process:
    """The `Process` of a ``process`` section; `locate(program)`, when given, says why the program of its
    ``run`` can not be used (an error at that line) or returns None."""
    name = values.named_block(statement, "process")
    run = encoder = None
    respawn = True
    for line in values.block(statement):
        if line.keyword == "run":
            values.plain(line)
            if len(line.words) < 2:
                raise line.words[0].error("run needs a program")
            run = run_arguments(line.words[1:])
            problem = locate(run[0]) if locate is not None else None
            if problem:
                raise line.words[1].error(problem)
        elif line.keyword == "encoder":
            token = values.one(line)
            if token.text not in ENCODERS:
                raise token.error(f"'{token.text}' is not an encoder (text or json)")
            encoder = token.text
        elif line.keyword == "respawn":
            respawn = values.boolean(line, True)
        else:
            raise line.words[0].error(f"unknown process keyword '{line.keyword}'")
    if run is None or encoder is None:
        missing = [word for word, value in (("run", run), ("encoder", encoder)) if value is None]
        raise statement.end.error(f"unset process sections: {', '.join(missing)}")
    return Process(name, run, encoder, respawn)


def run_arguments(words) -> tuple:
    """The program and arguments of a ``run`` line, split as 5.0.15 splits them (no shell in either).

    The lexer makes ``[ ] ( ) ,`` tokens of their own; in a ``run`` line
    5.0.15 does so for ``[``, ``]`` and ``,`` only: an unquoted ``(`` or
    ``)`` stays in its word (``a(b)c`` is one argument, ``( )`` two).  So
    the words the lexer split around a parenthesis are joined again where
    nothing separated them in the text.
    """
    arguments = []
    previous = None
    for token in words:
        if (
            previous is not None
            and token.glued
            and _in_word(token)
            and _in_word(previous)
            and (_parenthesis(token) or _parenthesis(previous))
        ):
            arguments[-1] += token.text
        else:
            arguments.append(token.text)
        previous = token
    return tuple(arguments)


def _parenthesis(token) -> bool:
    return token.punctuation and token.text in "()"


def _in_word(token) -> bool:
    """Whether 5.0.15 keeps this token inside a word of a ``run`` line (all but ``[ ] ,``)."""
    return not token.punctuation or token.text in "()"


def program_candidates(program: str, configuration_dir: str, etc_dir: str, search_path: str) -> list:
    """The paths a `run` program may be, in 5.0's order (the caller keeps the first executable file).

    An absolute path is itself; ``etc/exabgp/...`` is looked for under
    `etc_dir` (``EXABGP_ETC``), ``/`` and the current directory; any other
    relative name under ``/etc/exabgp``, the configuration's directory, then
    each entry of `search_path` (``PATH``).
    """
    if os.path.isabs(program):
        return [program]
    if program.startswith("etc/exabgp"):
        rest = program[len("etc/exabgp") :].lstrip("/")
        roots = [root for root in (etc_dir, "/etc/exabgp") if root]
        return [os.path.normpath(os.path.join(root, rest)) for root in roots] + [os.path.normpath(program)]
    roots = ["/etc/exabgp", configuration_dir] + [entry for entry in search_path.split(os.pathsep) if entry]
    return [os.path.normpath(os.path.join(root, program)) for root in roots]


def _messages(statement: Statement) -> tuple:
    chosen = set()
    for line in values.block(statement):
        if line.keyword not in API_MESSAGES:
            raise line.words[0].error(f"unknown {statement.keyword} keyword '{line.keyword}'")
        if values.boolean(line, True):
            chosen.add(line.keyword)
        else:
            chosen.discard(line.keyword)
    return tuple(kind for kind in API_MESSAGES if kind in chosen)


def parse_api(statement: Statement) -> ApiBlock:
    name = values.named_block(statement, "api", optional=True)
    processes = matches = ()
    switches = set()
    receive = send = ()
    for line in values.block(statement):
        keyword = line.keyword
        if keyword == "processes":
            processes = tuple(token.text for token in values.names(line))
        elif keyword == "processes-match":
            matches = tuple(token.text for token in values.names(line))
        elif keyword in API_SWITCHES:
            if values.boolean(line, True):
                switches.add(keyword)
        elif keyword == "receive":
            receive = _messages(line)
        elif keyword == "send":
            send = _messages(line)
        else:
            raise line.words[0].error(f"unknown api keyword '{keyword}'")
    if processes and matches:
        raise statement.words[0].error("processes and processes-match are mutually exclusive")
    return ApiBlock(name, processes, matches, tuple(s for s in API_SWITCHES if s in switches), receive, send)


def process_text(process: Process) -> str:
    run = " ".join(values.quote(word) for word in process.run)
    return (
        f"process {process.name} {{\n    run {run};\n    encoder {process.encoder};\n"
        f"    respawn {'true' if process.respawn else 'false'};\n}}\n"
    )


def api_text(api: ApiBlock, indent: str) -> list:
    inner = indent + "    "
    lines = [f"{indent}api {api.name} {{" if api.name else f"{indent}api {{"]
    if api.processes:
        lines.append(f"{inner}processes [ {' '.join(api.processes)} ];")
    if api.processes_match:
        lines.append(f"{inner}processes-match [ {' '.join(values.quote(m) for m in api.processes_match)} ];")
    lines.extend(f"{inner}{switch};" for switch in api.switches)
    for direction, kinds in (("receive", api.receive), ("send", api.send)):
        if kinds:
            lines.append(f"{inner}{direction} {{ {' '.join(kind + ';' for kind in kinds)} }}")
    lines.append(f"{indent}}}")
    return lines
