"""The ``bmp`` section: where the daemon listens for BMP sessions, and which helpers hear them (README, "A BMP station").

    bmp {
        listen 127.0.0.1 port 11019;   # repeatable; the port defaults to 11019
        processes [ collector ];       # the helpers told of every BMP message (json encoder)
    }

An addition to ExaBGP 5.0 (docs/compatibility.md, "BMP station"): 5.0
refuses the section.  A configuration may hold several ``bmp`` sections; each
becomes a frozen `BmpStation`.  Every ``listen`` line is an address (IPv4 or
IPv6) and an optional ``port N`` (1-65535); ``processes`` names helpers
defined by ``process`` sections, which must use ``encoder json`` (the BMP
lines are JSON only): `check_processes` says so at the name's line once every
section is read.  Errors are ``file:line:column: reason`` as everywhere.
"""

from exabgp.bgp.record import record

from exabgp.config import values
from exabgp.config.lexer import Statement

#: the port a ``listen`` line without ``port`` uses (the one BMP collectors commonly listen on)
DEFAULT_PORT = 11019


@record(slots=True)
class BmpStation:
    listen: tuple  # (address, port) pairs, in configuration order
    processes: tuple = ()  # helper names


def _listen(statement: Statement) -> tuple:
    values.plain(statement)
    words = statement.words
    if len(words) not in (2, 4):
        raise words[0].error("'listen' takes an address and optionally 'port N'")
    address = values.ip(words[1])
    port = DEFAULT_PORT
    if len(words) == 4:
        if words[2].text != "port":
            raise words[2].error(f"expected 'port', found '{words[2].text}'")
        port = values.integer(words[3], 1, 65535, "port")
    return (address, port)


def parse_bmp(statement: Statement) -> BmpStation:
    """The `BmpStation` of one ``bmp { }`` section."""
    if len(statement.words) != 1:
        raise statement.words[1].error("'bmp' takes no name")
    listen = []
    processes: list = []
    for line in values.block(statement):
        if line.keyword == "listen":
            listen.append(_listen(line))
        elif line.keyword == "processes":
            processes.extend(token.text for token in values.names(line))
        else:
            raise line.words[0].error(f"unknown bmp keyword '{line.keyword}' (expected listen or processes)")
    if not listen:
        raise statement.end.error("a bmp section needs at least one 'listen' line")
    return BmpStation(tuple(dict.fromkeys(listen)), tuple(dict.fromkeys(processes)))


def check_processes(statement: Statement, encoders: dict) -> None:
    """Every helper a ``bmp`` section names is defined (`encoders`: name -> encoder) and speaks JSON."""
    for line in values.block(statement):
        if line.keyword != "processes":
            continue
        for token in values.names(line):
            encoder = encoders.get(token.text)
            if encoder is None:
                raise token.error(f"the bmp section names the process '{token.text}', which is not defined")
            if encoder != "json":
                raise token.error(f"the process '{token.text}' gets BMP messages: it needs 'encoder json'")
