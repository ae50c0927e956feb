"""The ``bmp`` section: where the daemon listens for BMP sessions, and which helpers hear them (README, "A BMP station").

    bmp {
        listen 127.0.0.1 port 11019;   # repeatable; the port defaults to 11019
        processes [ collector ];       # the helpers told of every BMP message (json encoder)
        adj-rib-in true;               # keep the routers' RIBs for `show adj-rib in` (the default)
        mrt pre-policy;                # the RIB view the ``mrt`` section archives (the default)
    }

An addition to ExaBGP 5.0 (docs/compatibility.md, "BMP station"): 5.0
refuses the section.  A configuration may hold several ``bmp`` sections; each
becomes a frozen `BmpSection`.  Every ``listen`` line is an address (IPv4 or
IPv6) and an optional ``port N`` (1-65535); ``processes`` names helpers
defined by ``process`` sections, which must use ``encoder json`` (the BMP
lines are JSON only; without ``processes`` every JSON helper hears the
routers); ``adj-rib-in false`` keeps no route (less memory, the JSON lines
only): `check_processes` says so at the name's line once every
section is read.  ``mrt`` names the one RIB view of the monitored peers that
the daemon's MRT archive (the ``mrt`` section, `exabgp.reactor.mrt`) writes,
as if its routes were received over BGP (`exabgp.reactor.bmp_archive`):
``pre-policy`` (Adj-RIB-In, the default), ``post-policy``,
``adj-rib-out-pre-policy``, ``adj-rib-out-post-policy``, ``loc-rib``, or
``none`` (nothing of this section's routers is archived).  Errors are ``file:line:column: reason`` as everywhere.
"""

from exabgp.bgp.record import record

from exabgp.config import values
from exabgp.config.lexer import Statement

#: the port a ``listen`` line without ``port`` uses (the one BMP collectors commonly listen on)
DEFAULT_PORT = 11019
#: the values of ``mrt``: a monitored RIB (`exabgp.bmp.router.rib_name`), or none
MRT_VIEWS = ("pre-policy", "post-policy", "adj-rib-out-pre-policy", "adj-rib-out-post-policy", "loc-rib", "none")


@record(slots=True)
class BmpSection:
    listen: tuple  # (address, port) pairs, in configuration order
    processes: tuple = ()  # helper names
    adj_rib_in: bool = True  # keep the routers' RIBs for `show adj-rib in`
    mrt: str = "pre-policy"  # the RIB view the MRT archive writes (`MRT_VIEWS`), "none" for none


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


def parse_bmp(statement: Statement) -> BmpSection:
    """The `BmpSection` of one ``bmp { }`` section."""
    if len(statement.words) != 1:
        raise statement.words[1].error("'bmp' takes no name")
    listen = []
    processes: list = []
    adj_rib_in = True
    mrt = "pre-policy"
    for line in values.block(statement):
        if line.keyword == "listen":
            listen.append(_listen(line))
        elif line.keyword == "processes":
            processes.extend(token.text for token in values.names(line))
        elif line.keyword == "adj-rib-in":
            adj_rib_in = values.boolean(line, True)
        elif line.keyword == "mrt":
            values.plain(line)
            if len(line.words) != 2 or line.words[1].text not in MRT_VIEWS:
                raise line.words[-1].error(f"'mrt' takes one of {', '.join(MRT_VIEWS)}")
            mrt = line.words[1].text
        else:
            raise line.words[0].error(
                f"unknown bmp keyword '{line.keyword}' (expected listen, processes, adj-rib-in or mrt)"
            )
    if not listen:
        raise statement.end.error("a bmp section needs at least one 'listen' line")
    return BmpSection(tuple(dict.fromkeys(listen)), tuple(dict.fromkeys(processes)), adj_rib_in, mrt)


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


def bmp_text(section: BmpSection) -> str:
    """The canonical text of a ``bmp`` section (what ``exabgp validate -n`` prints; it parses to `section`)."""
    lines = ["bmp {"]
    lines.extend(f"    listen {address} port {port};" for address, port in section.listen)
    if section.processes:
        lines.append(f"    processes [ {' '.join(section.processes)} ];")
    lines.append(f"    adj-rib-in {'true' if section.adj_rib_in else 'false'};")
    lines.append(f"    mrt {section.mrt};")
    return "\n".join(lines) + "\n}\n"
