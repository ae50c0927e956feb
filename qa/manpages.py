"""The man pages, generated from the parsers, the grammar tables and the settings table.

``python -m qa.manpages [DIRECTORY]`` writes ``man1/exabgp.1``,
``man1/exabgp-cli.1``, ``man1/exabgp-healthcheck.1`` and
``man5/exabgp.conf.5`` under DIRECTORY (default: the repository's ``man/``,
whose pages are committed and installed by setup.py as data files);
``--check`` writes nothing and exits 1 when a committed page differs from
what would be generated (tests/test_operator_files.py runs the same
comparison).  `pages()` returns ``{relative path: roff text}``.

Where each part comes from, so that it can not drift:

* options, their metavars, defaults and help texts, the sub-commands and
  their one-line help: the argparse parsers (`qa.parsers`);
* the settings (``exabgp.*``, ENVIRONMENT of exabgp(1)):
  `exabgp.config.environment.SETTINGS`;
* the configuration keywords of exabgp.conf(5): the grammar's tables
  (`exabgp.config.neighbor`, `route`, `flow`, `process`; ``_NEIGHBOR``,
  ``_CAPABILITY`` and ``_FLAT_GRAMMARS`` are read although private to their
  module: they are the tables the parser dispatches on).  A keyword has a
  one-line description here (`NEIGHBOR`, `CAPABILITY`, `ROUTE`,
  `FLOW_ACTIONS`); `grammar_problems()` lists a keyword of a table that has
  no description and a description whose keyword the grammar lost, and
  generation refuses to run while there is one;
* the CLI's shortcuts and API commands of exabgp-cli(1):
  `exabgp.cli.client.SHORTCUTS`, `exabgp.config.command.COMMANDS`;
* the example of exabgp.conf(5): ``examples/quickstart.conf``
  (tests/test_examples.py runs it).

The pages carry no date and no version: regenerating them on another day or
release gives the same octets (the version is `exabgp version`'s business).
"""

import argparse
import os
import sys

from exabgp.bgp.family import family_name
from exabgp.bgp import flow as flowspec
from exabgp.cli import client
from exabgp.config import command, environment, process
from exabgp.config import mrt as mrt_section
from exabgp.config import flow as flow_grammar
from exabgp.config import neighbor as neighbor_grammar
from exabgp.config import route as route_grammar
from qa import parsers

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIRECTORY = os.path.join(REPOSITORY, "man")
SOURCE = "exabgp"
MANUAL = "ExaBGP manual"

#: neighbor keyword -> (value, what it sets)
NEIGHBOR = {
    "peer-address": ("IP", "the peer's address (the section's own address when not given)"),
    "description": ("TEXT", "a free text, shown by show neighbor"),
    "router-id": ("IPV4", "the BGP identifier sent in OPEN (default: an IPv4 local-address)"),
    "local-address": ("IP|auto", "the address the session is made from"),
    "source-interface": ("NAME", "bind the outgoing connection to this interface"),
    "local-as": ("ASN", "our AS number (mandatory)"),
    "peer-as": ("ASN", "the peer's AS number (mandatory)"),
    "hold-time": ("SECONDS", "the hold time offered: 0 or 3 to 65535 (default 180)"),
    "rate-limit": ("N|disable", "read at most N messages a second from the peer"),
    "passive": ("[BOOL]", "never connect, only accept the peer's connection"),
    "listen": ("PORT", "accept this neighbor's connections on this port"),
    "connect": ("PORT", "connect to this port of the peer"),
    "outgoing-ttl": ("TTL", "the TTL of our packets (multi-hop eBGP)"),
    "incoming-ttl": ("TTL", "GTSM (RFC 5082): refuse packets whose TTL is lower"),
    "md5-password": ("TEXT", "TCP MD5 signature (RFC 2385) password, at most 80 characters"),
    "md5-base64": ("BOOL|auto", "whether md5-password is base64 encoded"),
    "md5-ip": ("IP", "the local address the MD5 key is bound to"),
    "host-name": ("FQDN", "the host name of the FQDN capability"),
    "domain-name": ("FQDN", "the domain name of the FQDN capability"),
    "group-updates": ("BOOL", "pack routes with the same attributes into one UPDATE"),
    "auto-flush": ("BOOL", "send API announcements at once (false: wait for flush)"),
    "adj-rib-out": ("BOOL", "keep the routes sent, to resend them on reconnection and route refresh"),
    "adj-rib-in": ("BOOL", "keep the routes received (show adj-rib in)"),
    "manual-eor": ("BOOL", "let the API send the End-of-RIB instead of sending it after the static routes"),
    "family": ("{ AFI SAFI; ... }", "the families negotiated (see FAMILIES; default: every family)"),
    "add-path": ("{ AFI SAFI; ... }", "the families that may carry ADD-PATH identifiers (RFC 7911)"),
    "nexthop": ("{ AFI SAFI NEXTHOP-AFI; ... }", "extended next hop encoding (RFC 8950)"),
    "capability": ("{ ... }", "the capabilities announced (see CAPABILITIES)"),
    "api": ("[NAME] { ... }", "what the helper processes receive and may send (see API)"),
    "static": ("{ route ...; }", "routes announced when the session is up (see ROUTES)"),
    "announce": ("{ AFI { SAFI ...; } }", "routes announced, by family (see ROUTES)"),
    "flow": ("{ route NAME { match {...} then {...} } }", "FlowSpec rules (RFC 8955, RFC 8956; see FLOWSPEC)"),
    "l2vpn": ("{ vpls NAME { ... } }", "VPLS routes (RFC 4761)"),
    "operational": ("{ ... }", "operational messages sent when the session is up (see OPERATIONAL)"),
}

#: capability keyword -> (value, what it announces)
CAPABILITY = {
    "asn4": ("[BOOL]", "four-octet AS numbers (RFC 6793; default on)"),
    "add-path": ("disable|receive|send|send/receive", "ADD-PATH (RFC 7911) for the add-path families"),
    "extended-message": ("[BOOL]", "messages up to 65535 octets (RFC 8654; default on)"),
    "route-refresh": ("[BOOL]", "route refresh (RFC 2918) and enhanced route refresh (RFC 7313)"),
    "graceful-restart": ("[SECONDS|BOOL]", "graceful restart (RFC 4724) with this restart time"),
    "multi-session": ("[BOOL]", "multisession (draft-ietf-idr-bgp-multisession)"),
    "operational": ("[BOOL]", "operational messages (draft-ietf-idr-operational-message)"),
    "aigp": ("[BOOL]", "accumulated IGP metric (RFC 7311)"),
    "nexthop": ("[BOOL]", "extended next hop encoding (RFC 8950) for the nexthop block"),
    "software-version": ("[BOOL]", "software version (draft-ietf-idr-software-version; default off)"),
}

#: route keyword -> (value, what it sets)
ROUTE = {
    "next-hop": ("IP|self", "the next hop (self: our local address or router-id)"),
    "origin": ("igp|egp|incomplete", "ORIGIN"),
    "as-path": ("[ ASN ... ]", "AS_PATH; ( ASN ... ) for an AS_SET"),
    "med": ("N", "MULTI_EXIT_DISC"),
    "local-preference": ("N", "LOCAL_PREF (iBGP)"),
    "atomic-aggregate": ("", "ATOMIC_AGGREGATE"),
    "aggregator": ("( ASN:IP )", "AGGREGATOR"),
    "community": ("[ ASN:N|NAME ... ]", "COMMUNITIES (RFC 1997; no-export, no-advertise...)"),
    "large-community": ("[ A:B:C ... ]", "LARGE_COMMUNITY (RFC 8092)"),
    "extended-community": ("[ TYPE:A:B ... ]", "EXTENDED COMMUNITIES (RFC 4360: target, origin...)"),
    "originator-id": ("IPV4", "ORIGINATOR_ID (RFC 4456)"),
    "cluster-list": ("[ IPV4 ... ]", "CLUSTER_LIST (RFC 4456)"),
    "aigp": ("N", "AIGP (RFC 7311)"),
    "attribute": ("[ CODE FLAGS 0xHEX ]", "any path attribute, given as octets"),
    "path-information": ("IPV4|N", "the ADD-PATH path identifier (RFC 7911)"),
    "rd": ("RD", "the route distinguisher (RFC 4364), ASN:N or IP:N"),
    "route-distinguisher": ("RD", "the same as rd"),
    "label": ("[ N ... ]", "the MPLS label stack (RFC 8277)"),
    "bgp-prefix-sid": ("...", "BGP Prefix-SID (RFC 8669): label index and SRGBs"),
    "bgp-prefix-sid-srv6": ("...", "BGP Prefix-SID SRv6 services (RFC 9252)"),
    "split": ("/LENGTH", "announce the prefix as all its sub-prefixes of this length"),
    "watchdog": ("NAME", "the watchdog group (the API's announce/withdraw watchdog NAME)"),
    "withdraw": ("", "the route starts withdrawn (until its watchdog announces it)"),
    "name": ("NAME", "a name for the route (ignored on the wire)"),
}

#: FlowSpec ``then`` action -> (value, what it does; RFC 8955 section 7)
FLOW_ACTIONS = {
    "accept": ("", "no action (the traffic passes)"),
    "discard": ("", "traffic-rate 0"),
    "rate-limit": ("BYTES", "traffic-rate: limit to this many bytes a second"),
    "redirect": ("ASN:N|IP:N|IP", "redirect to a VRF (route target) or to a next hop"),
    "redirect-to-nexthop": ("", "redirect to the route's next hop (draft-simpson-idr-flowspec-redirect)"),
    "redirect-to-nexthop-ietf": ("IP", "redirect to this IP (draft-ietf-idr-flowspec-redirect-ip)"),
    "copy": ("IP", "copy the traffic to this next hop"),
    "mark": ("DSCP", "traffic-marking: set this DSCP"),
    "action": ("sample|terminal|sample-terminal", "traffic-action"),
}

_TABLES = (
    ("neighbor", NEIGHBOR, neighbor_grammar._NEIGHBOR),
    ("capability", CAPABILITY, neighbor_grammar._CAPABILITY),
    ("route", ROUTE, route_grammar.ROUTE_KEYWORDS),
    ("flow then", FLOW_ACTIONS, flow_grammar.ACTIONS),
)


def grammar_problems() -> list:
    """A grammar keyword without a description, or a description of a keyword the grammar does not have."""
    problems = []
    for scope, described, grammar in _TABLES:
        problems += [
            f"{scope} keyword '{name}' has no description in qa/manpages.py"
            for name in grammar
            if name not in described
        ]
        problems += [
            f"{scope} keyword '{name}' is described in qa/manpages.py but not in the grammar"
            for name in described
            if name not in grammar
        ]
    return problems


# ---------------------------------------------------------------- roff


def text(value: str) -> str:
    """`value` as roff text: backslashes and minus signs escaped, no line taken for a request."""
    value = str(value).replace("\\", "\\e").replace("-", "\\-")
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in value.split("\n"))


def bold(value: str) -> str:
    return f"\\fB{text(value)}\\fR"


def italic(value: str) -> str:
    return f"\\fI{text(value)}\\fR"


def _header(name: str, section: int, title: str) -> list:
    return [
        '.\\" Generated by qa/manpages.py from the parsers and the grammar: do not edit, regenerate with',
        '.\\" python -m qa.manpages',
        f'.TH {name.upper()} {section} "" "{SOURCE}" "{MANUAL}"',
        ".nh",
        ".ad l",
        ".SH NAME",
        f"{text(name)} \\- {text(title)}",
    ]


def _term(value: str, argument: str = "") -> str:
    return bold(value) + (" " + italic(argument) if argument else "")


def _paragraphs(body: str) -> list:
    """Prose: one paragraph per blank-line separated block."""
    lines = []
    for block in body.strip().split("\n\n"):
        lines += [".PP", text(" ".join(block.split()))]
    return lines[1:]


def _literal(body: str) -> list:
    return [".PP", ".RS 4", ".nf"] + [text(line) for line in body.rstrip("\n").split("\n")] + [".fi", ".RE"]


def _entries(pairs) -> list:
    """``(term roff, description)`` pairs as a tagged list."""
    lines = []
    for term, description in pairs:
        lines += [".TP", term, text(description)]
    return lines


def _sentence(value: str) -> str:
    """`value` with a capital first letter and a final full stop."""
    return value[:1].upper() + value[1:] + ("" if value.endswith(".") else ".") if value else ""


def _option(option: parsers.Option) -> str:
    metavar = option.metavar
    if option.nargs == "?":
        metavar = f"[{metavar}]"
    elif option.nargs in ("*", "+"):
        metavar = f"{metavar}..."
    if not option.flags:
        return italic(metavar)
    return ", ".join(_term(flag, metavar) for flag in option.flags)


def _described(option: parsers.Option) -> str:
    help_text = _sentence(option.help)
    shown = option.default not in (None, False, True, "", argparse.SUPPRESS) and option.nargs != 0
    if shown and option.flags and "default" not in help_text.lower():
        help_text += f" Default: {option.default}."
    return help_text


def _options(parser, level: str = ".SS") -> list:
    lines = []
    for title, entries in parsers.options(parser):
        if title:
            lines.append(f'{level} "{text(title)}"')
        lines += _entries((_option(option), _described(option)) for option in entries)
    return lines


def _synopsis(command: str, parser) -> str:
    words = [bold(command)]
    positionals = []
    for _title, entries in parsers.options(parser):
        for option in entries:
            if option.flags:
                continue
            positionals.append(_option(option) if option.nargs not in ("?", "*") else f"[{_option(option)}]")
    if any(option.flags for _t, entries in parsers.options(parser) for option in entries):
        words.append(f"[{italic('OPTIONS')}]")
    return " ".join(words + positionals)


# ---------------------------------------------------------------- exabgp(1)


def _settings() -> list:
    """Every setting: its description (a description of several lines, as log.destination's: its first line,
    then the others as written), kind and default."""
    lines = []
    for setting in sorted(environment.SETTINGS, key=lambda setting: (setting.section, setting.key)):
        name = f"{environment.APPLICATION}.{setting.section}.{setting.key}"
        first, *rest = setting.description.split("\n")
        default = setting.default if setting.default else "empty"
        lines += [".TP", bold(name), text(_sentence(f"{first.strip()} ({setting.kind}, default: {default})"))]
        if rest:
            lines += [".RS", ".nf"] + [text(line.strip()) for line in rest if line.strip()] + [".fi", ".RE"]
    return lines


def exabgp_page() -> str:
    found = {entry.command: entry for entry in parsers.programs()}
    lines = _header("exabgp", 1, "the BGP swiss army knife of networking (ExaBGP 5.0 compatible)")
    lines += [
        ".SH SYNOPSIS",
        f"{bold('exabgp')} [{bold('--env-file')} {italic('FILE')}] {italic('COMMAND')} [{italic('OPTIONS')}]",
        ".br",
        f"{bold('exabgp')} {italic('CONFIGURATION')}...",
    ]
    lines += [".SH DESCRIPTION"] + _paragraphs("""
        exabgp is a BGP speaker that programs can drive: it announces and withdraws routes that a helper
        process (declared in the configuration, see exabgp.conf(5)) writes on its standard output, and tells
        it, as text or JSON, what its peers send.  It is a reimplementation of ExaBGP 5.0: same command
        line, configuration, API commands, JSON and bytes on the wire.

        A configuration file given without a command runs the server: exabgp CONF is exabgp server CONF.
        Without arguments the help and the table of settings are printed (exit status 1).""")
    lines += [".SH COMMANDS"]
    for name in ("server", "validate", "decode", "mrt", "env", "version", "cli", "healthcheck"):
        entry = found[f"exabgp {name}"]
        lines += [
            f'.SS "{text(entry.command)}"',
            _synopsis(entry.command, entry.parser),
            ".PP",
            text(_sentence(entry.summary)),
        ]
        if name == "cli":
            lines.append("The options and commands are those of exabgp-cli(1).")
        elif name == "healthcheck":
            lines.append("The options are those of exabgp-healthcheck(1).")
        else:
            lines += _entries(
                (_option(option), _described(option))
                for _title, entries in parsers.options(entry.parser)
                for option in entries
            )
    lines += [".SH OPTIONS"] + _entries(
        [
            (_term("--env-file", "FILE"), "Read the settings from this INI file (anywhere on the command line)."),
            (_term("-h") + ", " + _term("--help"), "Print the help of exabgp or of a command."),
        ]
    )
    lines += [".SH ENVIRONMENT"] + _paragraphs("""
        Every setting below is read, in this order, from the environment variable exabgp.SECTION.KEY, from
        exabgp_SECTION_KEY, from the INI file (section [exabgp.SECTION], line KEY = VALUE), else it takes
        its default.  exabgp env prints them all (-e in the environment form, -d only those that differ
        from the defaults).  Booleans are true for 1, yes, on, enable and true.""")
    lines += _entries(
        [
            (bold("EXABGP_ENVFILE"), "The INI file of settings (default: ROOT/etc/exabgp/exabgp.env)."),
            (
                bold("EXABGP_ROOT"),
                "ROOT, the base of the INI file and of the ROOT/run folders searched for the CLI's "
                "named pipes (default: the directory of the program, without a final bin or sbin).",
            ),
            (bold("EXABGP_NO_EXTENSIONS"), "Set: run the pure-Python codec instead of the compiled one."),
            (bold("exabgp_version"), "The version announced in the software version capability."),
        ]
    )
    lines += [".SS Settings"] + _settings()
    lines += [".SH SIGNALS"] + _entries(
        [
            (
                bold("SIGTERM") + ", " + bold("SIGHUP") + ", " + bold("SIGINT"),
                "Close the sessions and exit (status 0).",
            ),
            (bold("SIGUSR1"), "Reload the configuration (a file that fails keeps the running one)."),
            (bold("SIGUSR2"), "Reload the configuration and restart every helper process."),
            (bold("SIGALRM"), "Restart: reload the configuration and reset every session."),
        ]
    )
    lines += [".SH EXIT STATUS"] + _paragraphs("""
        0 when the daemon stopped on a signal or a shutdown command, or a command succeeded; 1 on an error
        (a configuration that does not validate, a payload that does not decode, a missing file); 2 on a
        usage error.""")
    lines += [".SH FILES"] + _entries(
        [
            (
                italic("/etc/exabgp/exabgp.conf"),
                "The configuration (the path is given on the command line; "
                "the systemd units use this one), see exabgp.conf(5).",
            ),
            (italic("ROOT/etc/exabgp/exabgp.env"), "The INI file of settings (see EXABGP_ENVFILE)."),
            (italic("/run/exabgp/exabgp.in, /run/exabgp/exabgp.out"), "The CLI's named pipes (see exabgp-cli(1))."),
        ]
    )
    lines += [".SH SEE ALSO", "exabgp.conf(5), exabgp-cli(1), exabgp-healthcheck(1)"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- exabgp-cli(1)


def cli_page() -> str:
    entry = parsers.program("exabgp-cli")
    lines = _header("exabgp-cli", 1, "send a command to a running exabgp")
    lines += [".SH SYNOPSIS", _synopsis("exabgp-cli", entry.parser), ".br", _synopsis("exabgp cli", entry.parser)]
    lines += [".SH DESCRIPTION"] + _paragraphs("""
        exabgp-cli writes one API command to the named pipe PIPENAME.in of a running exabgp, prints the
        answer it reads from PIPENAME.out and exits.  Without a command it sends help.  The pipes are
        looked for in /run/exabgp/, /run/UID/, /run/, the same under /var/run/, then under ROOT (see
        EXABGP_ROOT in exabgp(1)); the first folder holding both is used.

        The daemon does not create the pipes (mkfifo does; the systemd units of the package do) and refuses
        pipes that are not owned by its user or root, or that other users, or a group it is not in, may
        write: make them mode 0600 or 0660, owned by the daemon's user.""")
    lines += [".SH OPTIONS"] + _options(entry.parser)
    lines += [".SH COMMANDS", text("The commands of the API (help lists them with their arguments):")]
    lines += [".PP", ".RS 4"] + [f"{bold(name)}\n.br" for name in command.COMMANDS if name != "#"] + [".RE"]
    lines += [
        ".SS Shortcuts",
        text(
            "A word may be abbreviated: in its context, it is expanded to the first "
            "word of this table it matches (exact or as a prefix)."
        ),
    ]
    lines += _entries((bold(short), f"{full}") for short, full, _context in client.SHORTCUTS)
    lines += [".SH ENVIRONMENT"] + _entries(
        [
            (bold("exabgp.api.pipename"), "The pipe name when --pipename is not given (default exabgp)."),
            (bold("exabgp.api.ack"), "Whether the daemon ends each answer with done or error (default true)."),
            (bold("EXABGP_ROOT"), "The base of the ROOT/run folders searched."),
        ]
    )
    lines += [".SH EXIT STATUS"] + _paragraphs("""
        0 once the answer was read (whatever it says; an error answer is reported on standard error); 1
        when the pipes are not found, can not be opened, or no daemon reads the command within 5 seconds.""")
    lines += [".SH SEE ALSO", "exabgp(1), exabgp.conf(5)"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- exabgp-healthcheck(1)


def healthcheck_page() -> str:
    entry = parsers.program("exabgp-healthcheck")
    lines = _header("exabgp-healthcheck", 1, "announce service addresses while a check passes")
    lines += [
        ".SH SYNOPSIS",
        _synopsis("exabgp-healthcheck", entry.parser),
        ".br",
        _synopsis("exabgp healthcheck", entry.parser),
    ]
    lines += [".SH DESCRIPTION"] + _paragraphs("""
        exabgp-healthcheck runs as a helper process of exabgp (a process section of exabgp.conf(5)).  Every
        --interval seconds (--fast-interval while the state changes) it runs the --cmd shell command: exit
        status 0 is healthy.  After --rise successes the service is UP, after --fall failures DOWN; while the
        --disable file exists it is DISABLED.  For each state it announces the --ip addresses (else the
        addresses of the loopback interface, selected by --label) with the metric of the state, or
        withdraws them (--withdraw-on-down), and runs the --execute commands of the state with STATE in
        their environment.

        Options can also come from a --config file holding one long option per line (name = value, or a
        bare flag); the command line wins over the file.""")
    lines += [".SH OPTIONS"] + _options(entry.parser)
    lines += [".SH EXAMPLE"] + _literal(
        "process watch-web {\n"
        '    run exabgp-healthcheck --cmd "curl -sf http://127.0.0.1/" --ip 192.0.2.10/32 --no-ip-setup;\n'
        "    encoder text;\n"
        "}"
    )
    lines += [".SH SIGNALS", text("SIGTERM and SIGINT withdraw every route and exit with status 0.")]
    lines += [".SH SEE ALSO", "exabgp(1), exabgp.conf(5)"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- exabgp.conf(5)


def _keywords(described: dict) -> list:
    return _entries((_term(name, value), _sentence(description)) for name, (value, description) in described.items())


def conf_page() -> str:
    problems = grammar_problems()
    if problems:
        raise ValueError("; ".join(problems))
    lines = _header("exabgp.conf", 5, "configuration of the exabgp BGP speaker")
    lines += [".SH SYNOPSIS", italic("/etc/exabgp/exabgp.conf")]
    lines += [".SH DESCRIPTION"] + _paragraphs("""
        The configuration of exabgp(1), in ExaBGP 5.0's syntax: statements end with a semicolon, blocks are
        in braces, lists in brackets, and # starts a comment.  The file holds process, template and
        neighbor sections, and an mrt section.  exabgp validate CONF checks a file; an error names FILE:LINE:COLUMN.

        Settings of the daemon itself (logging, the API, TCP...) are not in this file: see ENVIRONMENT in
        exabgp(1).""")
    lines += [".SH SECTIONS"] + _entries(
        [
            (
                _term("process", "NAME { run PROGRAM ARGS...; encoder text|json; respawn BOOL; }"),
                "A helper program started with the daemon: it receives what the api blocks that name it select, "
                "on its standard input, and its standard output is read as API commands (see exabgp-cli(1)).  "
                "Encoders: " + ", ".join(process.ENCODERS) + ".",
            ),
            (
                _term("template", "{ neighbor NAME { ... } }"),
                "Neighbor statements that neighbors take with inherit NAME; (or inherit [ A B ];) before their own.",
            ),
            (
                _term("neighbor", "IP|PREFIX { ... }"),
                "A BGP peer; a prefix accepts connections from every address in it (needs passive).",
            ),
            (
                _term(
                    "mrt",
                    "{ directory PATH; updates SECONDS; rib SECONDS; rib-name bview|rib; "
                    "compress " + "|".join(mrt_section.COMPRESSIONS) + "; view NAME; }",
                ),
                "Not in ExaBGP 5.0: MRT archives (RFC 6396) of every peer's received UPDATEs (updates.YYYYMMDD.HHMM, "
                "a new file every updates seconds, 0: none) and TABLE_DUMP_V2 snapshots of the Adj-RIB-In "
                "(bview. or rib.YYYYMMDD.HHMM every rib seconds, 0: only on the API command dump mrt), written "
                "atomically in directory (relative: to the configuration's directory).",
            ),
        ]
    )
    lines += [".SH NEIGHBOR", text("The statements of a neighbor (and of a template):")]
    lines += _keywords(NEIGHBOR)
    lines += [".SH FAMILIES", text("What family, add-path and nexthop accept as AFI SAFI:")]
    lines += [
        ".PP",
        ", ".join(
            bold(name) for name in sorted(family_name(*family) for family in neighbor_grammar.CONFIGURABLE_FAMILIES)
        ),
        ".PP",
        text("family { all; } (or no family block) negotiates every family."),
    ]
    lines += [".SH CAPABILITIES", text("The statements of a capability block:")] + _keywords(CAPABILITY)
    lines += [
        ".SH API",
        text(
            "api [NAME] { processes [ NAME ... ]; processes-match [ REGEX ... ]; "
            "SWITCH; receive { MESSAGE; ... } send { MESSAGE; ... } }"
        ),
        ".PP",
        text("Switches: ") + ", ".join(bold(name) for name in process.API_SWITCHES) + ".",
        ".br",
        text("Messages: ") + ", ".join(bold(name) for name in process.API_MESSAGES) + ".",
    ]
    lines += [".SH ROUTES"] + _paragraphs(
        """
        static { route PREFIX ATTRIBUTE...; } or route PREFIX { ATTRIBUTE; ... }, attributes ATTRIBUTE...
        nlri PREFIX...; and announce { ipv4 { SAFI PREFIX ATTRIBUTE...; } } (ipv6 likewise) announce routes.
        The SAFIs of announce: """
        + ", ".join(
            list(route_grammar.ANNOUNCE_SAFIS)
            + sorted(neighbor_grammar.FLOW_SAFIS)
            + sorted(neighbor_grammar._FLAT_GRAMMARS)
        )
        + """.
        The attributes and qualifiers of a route:"""
    )
    lines += _keywords(ROUTE)
    ipv4 = [names[0] for names in flowspec.COMPONENTS.values()]
    ipv6 = [names[1] for names in flowspec.COMPONENTS.values()]
    aliases = sorted(flow_grammar.MATCH_KEYWORDS - set(ipv4) - set(ipv6))
    lines += [".SH FLOWSPEC"] + _paragraphs(f"""
        flow {{ route NAME {{ match {{ COMPONENT VALUE...; }} then {{ ACTION; }} }} }} describes a FlowSpec
        rule (RFC 8955, RFC 8956 for IPv6).  The match components of IPv4 rules: {", ".join(ipv4)}; of IPv6
        rules: {", ".join(ipv6)}; and {", ".join(aliases)}.  The then actions (and community,
        large-community, extended-community):""")
    lines += _keywords(FLOW_ACTIONS)
    lines += [".SH OPERATIONAL", text("operational { KIND afi AFI safi SAFI PARAMETERS; } with:")]
    lines += _entries((bold(kind), " ".join(parameters)) for kind, parameters in neighbor_grammar.OPERATIONAL.items())
    with open(os.path.join(REPOSITORY, "examples", "quickstart.conf")) as handle:
        example = handle.read()
    lines += [".SH EXAMPLE", text("examples/quickstart.conf of the source distribution:")] + _literal(example)
    lines += [".SH SEE ALSO", "exabgp(1), exabgp-cli(1), exabgp-healthcheck(1)"]
    return "\n".join(lines) + "\n"


def pages() -> dict:
    """relative path -> roff text of every page."""
    return {
        os.path.join("man1", "exabgp.1"): exabgp_page(),
        os.path.join("man1", "exabgp-cli.1"): cli_page(),
        os.path.join("man1", "exabgp-healthcheck.1"): healthcheck_page(),
        os.path.join("man5", "exabgp.conf.5"): conf_page(),
    }


def differences(directory: str, generated: dict) -> list:
    """The relative paths under `directory` whose content is not `generated`'s."""
    found = []
    for path, content in generated.items():
        try:
            with open(os.path.join(directory, path), encoding="utf-8") as handle:
                if handle.read() == content:
                    continue
        except OSError:
            pass
        found.append(path)
    return found


def write(directory: str, generated: dict) -> None:
    for path, content in generated.items():
        target = os.path.join(directory, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(content)


def run(argv: list, generate, default: str, what: str) -> int:
    """The command line of a generator: ``[--check] [DIRECTORY]``."""
    check = "--check" in argv
    rest = [arg for arg in argv if arg != "--check"]
    directory = rest[0] if rest else default
    generated = generate()
    if check:
        stale = differences(directory, generated)
        for path in stale:
            print(f"{os.path.join(directory, path)} is not up to date: python -m {what}", file=sys.stderr)
        return 1 if stale else 0
    write(directory, generated)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], pages, DEFAULT_DIRECTORY, "qa.manpages"))
