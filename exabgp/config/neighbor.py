"""The configuration file: `process`, `template` and `neighbor` sections (and `mrt`, `exabgp.config.mrt`).

See docs/compatibility.md, "Neighbors and templates".

`parse(text, file, full=True)` reads the text of a configuration (the
caller reads the file: this layer does no IO) and returns a frozen
`Configuration`: the `Process`es and one frozen `Neighbor` per ``neighbor``
section, in file order.  The statement tree comes from
`exabgp.config.lexer.parse`; this module gives it meaning, one literal table
per scope:

* `_NEIGHBOR`: every neighbor keyword of 5.0 with its reader;
* the `family` block (``<afi> <safi>;`` or ``all;``; without the block every
  family ExaBGP 5.0 knows is configured), the `capability` block
  (`_CAPABILITY`, RFC 5492 and section 3.6), the `add-path` block (the
  families that may carry path identifiers, RFC 7911) and the `nexthop`
  block (RFC 8950 ``<afi> <safi> <nexthop-afi>``);
* `api` blocks and `process` sections (`exabgp.config.process`);
* `bmp` sections (`exabgp.config.bmp`: the BMP station, an addition to 5.0);
* routes: ``static`` (``route ...;``, ``route PREFIX { ... }``,
  ``attributes ... nlri ...;``) and ``announce { ipv4|ipv6 { <safi> ...; } }``,
  read by `exabgp.config.route` once the neighbor's own values are known
  (they change the attributes sent); FlowSpec rules, ``flow { route ... }``
  and ``announce { ipv4 { flow ...; } }``, by `exabgp.config.flow`; VPLS
  routes, ``l2vpn { vpls ... }`` and ``announce { l2vpn { vpls ...; } }``,
  by `exabgp.config.vpls`; MCAST-VPN and MUP routes, ``announce {
  ipv4 { mcast-vpn ...; mup ...; } }``, by `exabgp.config.mvpn` and
  `exabgp.config.mup`; RTC routes, ``announce { ipv4 { rtc ...; } }`` (not
  in 5.0.15), by `exabgp.config.rtc`; the evpn routes of ``announce`` raise "not
  supported yet";
* the ``operational`` block (ExaBGP's draft: asm adm rpcq rpcp apcq apcp
  lpcq lpcp).

With ``full=False`` (what ``exabgp decode -c`` needs: the session facts)
routes, api, operational and process contents are only checked by the lexer.

`template { neighbor NAME { ... } }` defines content that ``inherit NAME;``
(or ``inherit [ A B ];``) applies before the neighbor's own statements, so
that a value set locally wins.

A neighbor is then validated as 5.0 does, with its messages: `local-as` and
`peer-as` are mandatory, `router-id` defaults to an IPv4 `local-address`,
local and peer addresses are of the same family, a prefix as peer address
needs `passive`, `listen` needs a local address, hold time 0 or 3..65535,
MD5 password at most 80 characters, every route of a configured family,
every api process defined, no duplicate peer, and every route small enough
for a BGP message: one whose path attributes can not fit even a 65535-octet
UPDATE (`exabgp.config.route.unsendable`) is refused at its line, whatever the
session negotiates later (one that fits 65535 but not the 4096 of a session
without extended message is left out by that session, with an error).

`configuration_text` prints the canonical text of a `Configuration`: every
value explicit, routes in the ``announce`` form; parsing it gives an equal
`Configuration`.
"""

import importlib
import ipaddress
import re

from exabgp.bgp.family import FAMILIES, afi_name, family_from_name, family_name
from exabgp.bgp.record import field, record, replace
from exabgp.bgp.route import AttributeSets
from exabgp.config import mrt as mrt_section
from exabgp.config import bmp
from exabgp.config import process as processes
from exabgp.config import route as route_grammar
from exabgp.config import values
from exabgp.config.lexer import ConfigurationError, Statement, parse as parse_tree

#: True for a type checker only: `typing.TYPE_CHECKING` without importing `typing`, which the short
#: commands keep out of their start-up (tests/test_cli_imports.py)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# RFC 7911 section 4, the Send/Receive field of the ADD-PATH capability
ADD_PATH_RECEIVE = 1
ADD_PATH_SEND = 2

_ADD_PATH_VALUES = {
    "disable": 0,
    "receive": ADD_PATH_RECEIVE,
    "send": ADD_PATH_SEND,
    "send/receive": ADD_PATH_RECEIVE | ADD_PATH_SEND,
}
_ADD_PATH_NAMES = {value: name for name, value in _ADD_PATH_VALUES.items()}

#: The ``<afi> <safi>`` pairs a 5.0 `family` or `add-path` block accepts (docs/compatibility.md, "Families").
#: `ipv6 multicast` is only reachable through ``all``.  Departure from 5.0.15: `ipv4 rtc` is accepted (5.0.15
#: refuses it as an "invalid afi/safi pair" and negotiates it only through ``all``), so that a session can
#: carry RTC routes (`exabgp.config.rtc`) without every other family.
CONFIGURABLE_FAMILIES = frozenset(
    family_from_name(name)
    for name in (
        "ipv4 unicast",
        "ipv4 multicast",
        "ipv4 nlri-mpls",
        "ipv4 mpls-vpn",
        "ipv4 mcast-vpn",
        "ipv4 flow",
        "ipv4 flow-vpn",
        "ipv4 mup",
        "ipv4 rtc",
        "ipv6 unicast",
        "ipv6 nlri-mpls",
        "ipv6 mpls-vpn",
        "ipv6 mcast-vpn",
        "ipv6 mup",
        "ipv6 flow",
        "ipv6 flow-vpn",
        "l2vpn vpls",
        "l2vpn evpn",
        "bgp-ls bgp-ls",
        "bgp-ls bgp-ls-vpn",
    )
)

#: the announce-block SAFI keywords of FlowSpec rules (the flat form of `exabgp.config.flow`)
FLOW_SAFIS = frozenset(("flow", "flow-vpn"))

#: Every family 5.0 knows, in the order it lists them: sorted by (AFI, SAFI).
ALL_FAMILIES = tuple(sorted(FAMILIES))

#: RFC 8950: the SAFIs a `nexthop` line accepts, and the next-hop AFIs
NEXTHOP_SAFIS = ("unicast", "multicast", "nlri-mpls", "mpls-vpn")
NEXTHOP_AFIS = {"ipv4": 1, "ipv6": 2}

MD5_MAX = 80
_FQDN = re.compile(r"^[A-Za-z0-9._-]{1,255}$")

#: operational keyword -> the parameters after `afi A safi S`
OPERATIONAL = {
    "asm": ("advisory",),
    "adm": ("advisory",),
    "rpcq": ("sequence",),
    "apcq": ("sequence",),
    "lpcq": ("sequence",),
    "rpcp": ("sequence", "counter"),
    "apcp": ("sequence", "counter"),
    "lpcp": ("sequence", "counter"),
}
_ADVISORY_MAX = 2048


def _not_yet(token, what: str) -> ConfigurationError:
    return token.error(f"{what} are not supported yet")


@record(slots=True)
class Capability:
    """The `capability` block; absent keywords keep 5.0's defaults."""

    asn4: bool = True
    add_path: int = 0
    extended_message: bool = True
    route_refresh: bool = False
    graceful_restart: int | None = None  # None: disabled; 0: use the hold time
    multi_session: bool = False
    operational: bool = False
    aigp: bool = False
    nexthop: bool | None = None  # None: on when a `nexthop` block exists
    software_version: bool = False


@record(slots=True)
class OperationalLine:
    """One line of the `operational` block."""

    kind: str  # asm adm rpcq rpcp apcq apcp lpcq lpcp
    family: tuple  # (afi, safi)
    advisory: str | None = None
    sequence: int | None = None
    counter: int | None = None
    router_id: str | None = None


@record(slots=True)
class Neighbor:
    """One `neighbor` section, validated."""

    peer_address: str  # an address, or a prefix (passive neighbors only)
    local_address: str  # None for `auto`
    router_id: str
    local_as: int  # None for `auto`
    peer_as: int  # None for `auto`
    families: tuple  # (afi, safi) pairs, sorted
    add_path: tuple = ()  # the `add-path` block, sorted; empty: every family may use it
    capability: Capability = field(default_factory=Capability)
    description: str = ""
    nexthop: tuple = ()  # (afi, safi, nexthop afi) of the `nexthop` block, sorted
    hold_time: int = 180
    rate_limit: int = 0  # messages per second, 0: no limit
    passive: bool = False
    listen: int = 0
    connect: int = 0
    outgoing_ttl: int | None = None
    incoming_ttl: int | None = None
    md5_password: str | None = None
    md5_base64: bool | str = False  # True, False or "auto"
    md5_ip: str | None = None
    source_interface: str | None = None
    host_name: str | None = None
    domain_name: str | None = None
    group_updates: bool = True
    auto_flush: bool = True
    adj_rib_out: bool = True
    adj_rib_in: bool = True
    manual_eor: bool = False
    api: tuple = ()  # ApiBlock, one per `api` block
    routes: tuple = ()  # StaticRoute, in configuration order
    operational: tuple = ()  # OperationalLine, one per line of the `operational` block


@record(slots=True)
class Configuration:
    neighbors: tuple = ()
    processes: tuple = ()
    mrt: mrt_section.MrtSettings | None = None  # the ``mrt`` section (exabgp.config.mrt), an addition to 5.0
    bmp: tuple = ()  # exabgp.config.bmp.BmpSection, one per `bmp` section


def parse(text: str, file: str = "<text>", full: bool = False, locate=None) -> Configuration:
    """The `Configuration` described by `text` (see the module docstring for `full`); `locate(program)`, when
    given, says why a ``run`` program can not be used, an error at its line (`exabgp.config.process`)."""
    tree = parse_tree(text, file)
    if not tree:  # 5.0 refuses a file without any statement ("no data")
        raise ConfigurationError("the configuration holds no statement (no data)", file)
    templates = {}
    neighbors: list[Neighbor] = []
    defined = {}
    interned = AttributeSets()
    parsed: dict = {}  # id(route statement) -> its routes: a template's, inherited by many neighbors, parsed once
    mrt = None
    stations: list = []
    for statement in tree:
        keyword = statement.keyword
        if keyword == "template":
            for child in values.block(statement):
                name = values.named_block(child, "neighbor")
                templates[name] = values.block(child)
        elif keyword == "neighbor":
            neighbor = _neighbor(statement, templates, full, interned, parsed)
            if any(other.peer_address == neighbor.peer_address for other in neighbors):
                raise statement.words[0].error(f"duplicate peer definition {neighbor.peer_address}")
            neighbors.append(neighbor)
        elif keyword == "process":
            name = values.named_block(statement, "process")
            if not full:
                continue
            if name in defined:
                raise statement.words[1].error(f'a process section called "{name}" already exists')
            defined[name] = processes.parse_process(statement, locate)
        elif keyword == "mrt":
            if mrt is not None:
                raise statement.words[0].error("an mrt section already exists")
            mrt = mrt_section.parse_mrt(statement)
        elif keyword == "bmp":
            stations.append(bmp.parse_bmp(statement))
        else:
            raise statement.words[0].error(
                f"unknown section '{keyword}' (expected neighbor, template, process, mrt or bmp)"
            )
    if full:
        encoders = {name: process.encoder for name, process in defined.items()}
        for statement in tree:
            if statement.keyword == "bmp":
                bmp.check_processes(statement, encoders)
        for statement, neighbor in zip((s for s in tree if s.keyword == "neighbor"), neighbors, strict=False):
            for api in neighbor.api:
                for name in api.processes:
                    if name not in defined:
                        raise statement.words[0].error(
                            f"an api called '{name}' is used by neighbor '{neighbor.peer_address}' but not defined"
                        )
    return Configuration(tuple(neighbors), tuple(defined.values()), mrt, tuple(stations))


# ---------------------------------------------------------------- family-like blocks


def _family_lines(statement: Statement, allow_all: bool) -> list:
    """The (afi, safi) pairs of a `family` / `add-path` block, in written order."""
    lines = values.block(statement)
    pairs: list[tuple[int, int]] = []
    for line in lines:
        values.plain(line)
        words = [token.text for token in line.words]
        if words == ["all"] and allow_all:
            if pairs or len(lines) > 1:
                raise line.words[0].error("all can not be used with any other options")
            return list(ALL_FAMILIES)
        pair = family_from_name(" ".join(words)) if len(words) == 2 else None
        if pair is None or pair not in CONFIGURABLE_FAMILIES:
            raise line.words[0].error(f"'{' '.join(words)}' is not a family this section accepts")
        if pair in pairs:
            raise line.words[0].error(f"the family '{' '.join(words)}' is given twice")
        pairs.append(pair)
    return pairs


def _nexthop_lines(statement: Statement) -> tuple:
    triples = set()
    for line in values.block(statement):
        values.plain(line)
        words = [token.text for token in line.words]
        if len(words) != 3 or words[1] not in NEXTHOP_SAFIS or words[2] not in NEXTHOP_AFIS:
            raise line.words[0].error(f"'{' '.join(words)}' is not '<afi> <safi> <nexthop-afi>' (RFC 8950)")
        pair = family_from_name(f"{words[0]} {words[1]}")
        if pair is None:
            raise line.words[0].error(f"'{words[0]} {words[1]}' is not a family")
        triples.add(pair + (NEXTHOP_AFIS[words[2]],))
    return tuple(sorted(triples))


# ---------------------------------------------------------------- capability


def _graceful_restart(statement: Statement):
    if len(statement.words) == 1:
        return 0
    token = values.one(statement)
    if token.text in values.FALSE:
        return None
    if not token.text.isdigit() or int(token.text) > 0xFFFF:
        raise token.error("graceful-restart takes a time in seconds (0-65535) or disable")
    return int(token.text)


def _add_path_value(statement: Statement):
    if len(statement.words) == 1:
        raise statement.words[0].error("add-path needs a value: disable, receive, send or send/receive")
    token = values.one(statement)
    if token.text not in _ADD_PATH_VALUES:
        raise token.error(f"'{token.text}' is not an add-path value (disable, receive, send or send/receive)")
    return _ADD_PATH_VALUES[token.text]


#: capability keyword -> (Capability field, reader of the statement)
_CAPABILITY = {
    "asn4": ("asn4", lambda s: values.boolean(s, True)),
    "add-path": ("add_path", _add_path_value),
    "extended-message": ("extended_message", lambda s: values.boolean(s, True)),
    "route-refresh": ("route_refresh", lambda s: values.boolean(s, True)),
    "graceful-restart": ("graceful_restart", _graceful_restart),
    "multi-session": ("multi_session", lambda s: values.boolean(s, True)),
    "operational": ("operational", lambda s: values.boolean(s, True)),
    "aigp": ("aigp", lambda s: values.boolean(s, True)),
    "nexthop": ("nexthop", lambda s: values.boolean(s, True)),
    "software-version": ("software_version", lambda s: values.boolean(s, False)),
}


def _capability(statement: Statement, draft) -> None:
    for line in values.block(statement):
        entry = _CAPABILITY.get(line.keyword)
        if entry is None:
            raise line.words[0].error(f"unknown capability '{line.keyword}'")
        values.plain(line)
        name, reader = entry
        draft.capability[name] = reader(line)


# ---------------------------------------------------------------- operational


def operational_line(line: Statement) -> OperationalLine:
    values.plain(line)
    words = line.words
    kind = line.keyword
    if kind not in OPERATIONAL:
        raise words[0].error(f"unknown operational message '{kind}'")
    fields = {}
    index = 1
    while index < len(words):
        name = words[index].text
        if index + 1 >= len(words):
            raise words[index].error(f"'{name}' needs a value")
        fields[name] = words[index + 1]
        index += 2
    unknown = set(fields) - {"afi", "safi", "router-id"} - set(OPERATIONAL[kind])
    if unknown:
        raise fields[sorted(unknown)[0]].error(f"'{sorted(unknown)[0]}' is not a parameter of {kind}")
    for needed in ("afi", "safi") + OPERATIONAL[kind]:
        if needed not in fields:
            raise words[0].error(f"{kind} needs {needed}")
    family = family_from_name(f"{fields['afi'].text} {fields['safi'].text}")
    if family is None:
        raise fields["afi"].error(f"'{fields['afi'].text} {fields['safi'].text}' is not a family")
    advisory = fields["advisory"].text if "advisory" in fields else None
    if advisory is not None and len(advisory.encode()) > _ADVISORY_MAX:
        raise fields["advisory"].error(f"the advisory is longer than {_ADVISORY_MAX} octets")
    sequence = values.integer(fields["sequence"], 0, 0xFFFFFFFF, "sequence") if "sequence" in fields else None
    counter = values.integer(fields["counter"], 0, 0xFFFFFFFFFFFFFFFF, "counter") if "counter" in fields else None
    router_id = values.ipv4(fields["router-id"]) if "router-id" in fields else None
    return OperationalLine(kind, family, advisory, sequence, counter, router_id)


# ---------------------------------------------------------------- neighbor


class _NeighborDraft:
    """The neighbor being read: plain attributes, frozen into a `Neighbor` at the end."""

    def __init__(self, peer_address: str, full: bool):
        self.full = full
        self.settings: dict[str, Any] = {"peer_address": peer_address}  # Neighbor's fields, by name
        self.seen: set = set()
        self.families = None
        self.capability: dict = {}
        self.route_statements: list = []  # static, announce, flow and l2vpn sections, read once the families are known
        self.api: list = []
        self.operational: list = []
        self.nexthop_block = False


def _peer(token) -> str:
    """The header of `neighbor <ip>` or `neighbor <prefix>`."""
    try:
        if "/" in token.text:
            network = ipaddress.ip_network(token.text, strict=False)
            if network.prefixlen == network.max_prefixlen:
                return str(network.network_address)
            return str(network)
        return str(ipaddress.ip_address(token.text))
    except ValueError:
        raise token.error(f"'{token.text}' is not an IP address or prefix") from None


def _setting(name, reader):
    def read(statement, draft):
        draft.settings[name] = reader(statement)
        draft.seen.add(name)

    return read


def _ttl(statement):
    token = values.one(statement)
    if token.text in values.FALSE:
        return None
    return values.integer(token, 1, 255, "TTL")


def _hold_time(statement):
    token = values.one(statement)
    value = values.integer(token, 0, 0xFFFF, "hold-time")
    if 0 < value < 3:
        raise token.error("hold-time must be 0 or between 3 and 65535 (RFC 4271 4.2)")
    return value


def _rate_limit(statement):
    token = values.one(statement)
    if token.text in values.FALSE:
        return 0
    return values.integer(token, 0, 0xFFFFFFFF, "rate-limit")


def _md5_base64(statement):
    if len(statement.words) == 2 and statement.words[1].text == "auto":
        return "auto"
    return values.boolean(statement, False)


def _fqdn(statement):
    token = values.one(statement)
    if not _FQDN.match(token.text):
        raise token.error(f"'{token.text}' is not a valid {statement.keyword}")
    return token.text


def _family(statement, draft):
    draft.families = _family_lines(statement, allow_all=True)


def _add_path(statement, draft):
    draft.settings["add_path"] = tuple(sorted(_family_lines(statement, allow_all=False)))


def _nexthop(statement, draft):
    draft.settings["nexthop"] = _nexthop_lines(statement)
    draft.nexthop_block = True


def _capability_block(statement, draft):
    _capability(statement, draft)


def _routes_block(statement, draft):
    values.block(statement)
    if draft.full:
        draft.route_statements.append(statement)


def _api(statement, draft):
    values.block(statement)
    if draft.full:
        api = processes.parse_api(statement)
        matching = {
            bool(block.processes_match) for block in draft.api + [api] if block.processes or block.processes_match
        }
        if len(matching) > 1:  # 5.0 refuses the two kinds in one neighbor, across its api blocks too
            raise statement.words[0].error("processes and processes-match are mutually exclusive in a neighbor")
        draft.api.append(api)


def _operational(statement, draft):
    lines = values.block(statement)
    if draft.full:
        draft.operational.extend(operational_line(line) for line in lines)


#: neighbor keyword -> reader(statement, draft)
_NEIGHBOR = {
    "peer-address": _setting("peer_address", lambda s: values.ip(values.one(s))),
    "description": _setting("description", values.text),
    "router-id": _setting("router_id", lambda s: values.ipv4(values.one(s))),
    "local-address": _setting("local_address", lambda s: values.ip(values.one(s), auto=True)),
    "source-interface": _setting("source_interface", lambda s: values.one(s).text),
    "local-as": _setting("local_as", lambda s: values.asn(values.one(s))),
    "peer-as": _setting("peer_as", lambda s: values.asn(values.one(s))),
    "hold-time": _setting("hold_time", _hold_time),
    "rate-limit": _setting("rate_limit", _rate_limit),
    "passive": _setting("passive", lambda s: values.boolean(s, True)),
    "listen": _setting("listen", lambda s: values.integer(values.one(s), 0, 0xFFFF, "port")),
    "connect": _setting("connect", lambda s: values.integer(values.one(s), 0, 0xFFFF, "port")),
    "outgoing-ttl": _setting("outgoing_ttl", _ttl),
    "incoming-ttl": _setting("incoming_ttl", _ttl),
    "md5-password": _setting("md5_password", values.text),
    "md5-base64": _setting("md5_base64", _md5_base64),
    "md5-ip": _setting("md5_ip", lambda s: values.ip(values.one(s))),
    "host-name": _setting("host_name", _fqdn),
    "domain-name": _setting("domain_name", _fqdn),
    "group-updates": _setting("group_updates", lambda s: values.boolean(s, True)),
    "auto-flush": _setting("auto_flush", lambda s: values.boolean(s, True)),
    "adj-rib-out": _setting("adj_rib_out", lambda s: values.boolean(s, False)),
    "adj-rib-in": _setting("adj_rib_in", lambda s: values.boolean(s, False)),
    "manual-eor": _setting("manual_eor", lambda s: values.boolean(s, False)),
    "family": _family,
    "add-path": _add_path,
    "nexthop": _nexthop,
    "capability": _capability_block,
    "api": _api,
    "static": _routes_block,
    "announce": _routes_block,
    "flow": _routes_block,
    "l2vpn": _routes_block,
    "operational": _operational,
}


def _read(statements: tuple, draft: _NeighborDraft, templates: dict, inheriting: tuple) -> None:
    for statement in _inherited_first(statements):
        keyword = statement.keyword
        if keyword == "inherit":
            for name in values.names(statement):
                if name.text not in templates:
                    raise name.error(f"unknown template '{name.text}'")
                if name.text in inheriting:
                    raise name.error(f"template '{name.text}' inherits itself")
                _read(templates[name.text], draft, templates, inheriting + (name.text,))
        elif keyword in _NEIGHBOR:
            _NEIGHBOR[keyword](statement, draft)
        else:
            raise statement.words[0].error(f"unknown neighbor keyword '{keyword}'")


def _inherited_first(statements: tuple) -> tuple:
    """`inherit` statements first, so that the neighbor's own values override the templates'."""
    return tuple(s for s in statements if s.keyword == "inherit") + tuple(
        s for s in statements if s.keyword != "inherit"
    )


# ---------------------------------------------------------------- routes


def _route_error(error: route_grammar.RouteError, statement: Statement) -> ConfigurationError:
    token = error.token if error.token is not None else statement.words[0]
    return token.error(str(error))


def _sendable(made: list, statement: Statement) -> list:
    """`made`, unless no UPDATE can carry one of its routes: then an error at the statement's line."""
    for item in made:
        problem = route_grammar.unsendable(item.route)
        if problem:
            raise statement.words[0].error(problem)
    return made


def _static(statement: Statement, interned) -> list:
    found = []
    for line in values.block(statement):
        keyword = line.keyword
        try:
            if keyword == "route":
                tokens = list(line.words[1:])
                if line.block is not None:
                    for child in line.block:
                        values.plain(child)
                        tokens.extend(child.words)
                if not tokens:
                    raise line.words[0].error("route needs a prefix")
                made = route_grammar.parse_route(tokens, interned, None, line.end)
            elif keyword == "attributes":
                values.plain(line)
                made = route_grammar.parse_attributes(line.words[1:], interned, line.end)
            else:
                raise line.words[0].error(f"unknown static keyword '{keyword}' (expected route or attributes)")
        except route_grammar.RouteError as error:
            raise _route_error(error, line) from None
        found.extend(_sendable(made, line))
    return found


#: announce-block SAFI keywords read by a grammar of their own (a module of `exabgp.config`), given the AFI of the block
_FLAT_GRAMMARS = {"mcast-vpn": "mvpn", "mup": "mup", "rtc": "rtc"}


def _grammar(name: str):
    """The family grammar module ``exabgp.config.NAME`` (flow, vpls, mvpn, mup, rtc), imported the first time a
    configuration holds one of its routes: validating or decoding with a unicast configuration loads none."""
    return importlib.import_module(f"exabgp.config.{name}")


def _announce(statement: Statement, interned) -> list:
    found = []
    for afi_block in values.block(statement):
        afi = afi_block.keyword
        if afi == "l2vpn":
            found.extend(_l2vpn(afi_block, interned))
            continue
        if afi not in ("ipv4", "ipv6"):
            raise afi_block.words[0].error(f"unknown announce section '{afi}' (expected ipv4, ipv6 or l2vpn)")
        for line in values.block(afi_block):
            values.plain(line)
            safi = line.keyword
            if safi in route_grammar.NOT_YET_SAFIS:
                raise _not_yet(line.words[0], f"{afi} {safi} routes")
            if safi not in route_grammar.ANNOUNCE_SAFIS and safi not in FLOW_SAFIS and safi not in _FLAT_GRAMMARS:
                raise line.words[0].error(f"unknown {afi} route type '{safi}'")
            if len(line.words) < 2:
                raise line.words[0].error(f"{safi} needs a prefix")
            try:
                if safi in FLOW_SAFIS:
                    made = [_grammar("flow").flat_route(line.words[1:], interned, line.end, NEXTHOP_AFIS[afi])]
                elif safi in _FLAT_GRAMMARS:
                    made = [
                        _grammar(_FLAT_GRAMMARS[safi]).flat_route(
                            line.words[1:], interned, NEXTHOP_AFIS[afi], line.end, line.words[0]
                        )
                    ]
                else:
                    made = route_grammar.parse_route(
                        line.words[1:], interned, route_grammar.ANNOUNCE_SAFIS[safi], line.end
                    )
            except route_grammar.RouteError as error:
                raise _route_error(error, line) from None
            if any(afi_name(item.route.nlri.afi) != afi for item in made):
                raise line.words[1].error(f"'{line.words[1].text}' is not an {afi} prefix")
            found.extend(_sendable(made, line))
    return found


def _section(grammar: str):
    """The reader of a route section the family grammar `grammar` reads whole (its `section_routes`)."""

    def read(statement: Statement, interned) -> list:
        try:
            made = _grammar(grammar).section_routes(statement, interned)
        except route_grammar.RouteError as error:
            raise _route_error(error, statement) from None
        return _sendable(made, statement)

    return read


#: ``flow { route ... }`` and ``l2vpn { vpls ... }`` (the latter inside ``announce`` too)
_flow = _section("flow")
_l2vpn = _section("vpls")


#: route section keyword -> its reader
_ROUTE_SECTIONS = {"static": _static, "announce": _announce, "flow": _flow, "l2vpn": _l2vpn}


def _routes(draft: _NeighborDraft, interned, parsed: dict, families) -> tuple:
    """The routes of the neighbor's route statements; a statement's routes do not depend on the neighbor, so
    one inherited from a template is parsed once (`parsed`, for one configuration)."""
    found: list = []
    for statement in draft.route_statements:
        made = parsed.get(id(statement))
        if made is None:
            made = parsed[id(statement)] = _ROUTE_SECTIONS[statement.keyword](statement, interned)
        for item in made:
            if item.route.family not in families:
                raise statement.words[0].error(
                    f"Trying to announce a route of type {family_name(*item.route.family)} "
                    "when we are not announcing the family to our peer"
                )
        found.extend(made)
    return tuple(found)


def _neighbor(statement: Statement, templates: dict, full: bool, interned, parsed: dict) -> Neighbor:
    lines = values.block(statement)
    head = statement.words[0]
    if len(statement.words) != 2:
        raise head.error("neighbor needs exactly one address")
    draft = _NeighborDraft(_peer(statement.words[1]), full)
    _read(lines, draft, templates, ())
    settings = draft.settings

    if "local_as" not in draft.seen:
        raise head.error("incomplete neighbor, missing local-as")
    if "peer_as" not in draft.seen:
        raise head.error("incomplete neighbor, missing peer-as")
    peer_ip = ipaddress.ip_network(settings["peer_address"], strict=False)
    local_address = settings.get("local_address")
    if local_address is not None and ipaddress.ip_address(local_address).version != peer_ip.version:
        raise head.error("local-address and peer-address must be of the same family")
    if peer_ip.prefixlen != peer_ip.max_prefixlen and not settings.get("passive", False):
        raise head.error("can only use ip ranges for the peer address with passive neighbors")
    if settings.get("listen") and local_address is None:
        raise head.error("listen requires a local-address")
    router_id = settings.get("router_id")
    if router_id is None:
        if local_address is None or ":" in local_address:
            raise head.error("incomplete neighbor, missing router-id")
        router_id = local_address
    password = settings.get("md5_password")
    if password is not None:
        if len(password) > MD5_MAX:
            raise head.error(f"MD5 password must be no larger than {MD5_MAX} characters")
        if settings.get("md5_base64") is True:
            import base64
            import binascii

            try:
                base64.b64decode(password, validate=True)
            except (binascii.Error, ValueError):
                raise head.error("invalid base64 encoding of MD5 password") from None
    capability = dict(draft.capability)
    families = tuple(sorted(draft.families if draft.families is not None else ALL_FAMILIES))
    settings.update(
        router_id=router_id,
        local_address=local_address,
        families=families,
        capability=Capability(**capability),
        api=tuple(draft.api),
        operational=tuple(draft.operational),
    )
    neighbor = Neighbor(**settings)
    if draft.route_statements:
        neighbor = replace(neighbor, routes=_routes(draft, interned, parsed, families))
    return neighbor


# ---------------------------------------------------------------- canonical text


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _asn_text(value) -> str:
    return "auto" if value is None else str(value)


def _operational_text(message: OperationalLine) -> str:
    afi, safi = family_name(*message.family).split(" ")
    words = [message.kind, "afi", afi, "safi", safi]
    if message.advisory is not None:
        words += ["advisory", values.quote(message.advisory)]
    if message.sequence is not None:
        words += ["sequence", str(message.sequence)]
    if message.counter is not None:
        words += ["counter", str(message.counter)]
    if message.router_id is not None:
        words += ["router-id", message.router_id]
    return " ".join(words) + ";"


def neighbor_text(neighbor: Neighbor) -> str:
    """The canonical text of one neighbor (every value explicit)."""
    lines = [f"neighbor {neighbor.peer_address} {{"]
    add = lines.append
    add(f"    description {values.quote(neighbor.description, always=True)};")
    add(f"    router-id {neighbor.router_id};")
    add(f"    local-address {neighbor.local_address or 'auto'};")
    add(f"    local-as {_asn_text(neighbor.local_as)};")
    add(f"    peer-as {_asn_text(neighbor.peer_as)};")
    add(f"    hold-time {neighbor.hold_time};")
    add(f"    rate-limit {neighbor.rate_limit or 'disable'};")
    add(f"    passive {_bool_text(neighbor.passive)};")
    add(f"    listen {neighbor.listen};")
    add(f"    connect {neighbor.connect};")
    for keyword, ttl in (("outgoing-ttl", neighbor.outgoing_ttl), ("incoming-ttl", neighbor.incoming_ttl)):
        add(f"    {keyword} {ttl if ttl is not None else 'disable'};")
    if neighbor.md5_password is not None:
        add(f"    md5-password {values.quote(neighbor.md5_password)};")
    md5_base64 = neighbor.md5_base64
    add(f"    md5-base64 {_bool_text(md5_base64) if isinstance(md5_base64, bool) else md5_base64};")
    for keyword, given in (
        ("md5-ip", neighbor.md5_ip),
        ("source-interface", neighbor.source_interface),
        ("host-name", neighbor.host_name),
        ("domain-name", neighbor.domain_name),
    ):
        if given is not None:
            add(f"    {keyword} {values.quote(given)};")
    for keyword, switch in (
        ("group-updates", neighbor.group_updates),
        ("auto-flush", neighbor.auto_flush),
        ("adj-rib-out", neighbor.adj_rib_out),
        ("adj-rib-in", neighbor.adj_rib_in),
        ("manual-eor", neighbor.manual_eor),
    ):
        add(f"    {keyword} {_bool_text(switch)};")
    capability = neighbor.capability
    add("    capability {")
    for keyword, (name, _reader) in _CAPABILITY.items():
        value = getattr(capability, name)
        if name == "add_path":
            text = _ADD_PATH_NAMES[value]
        elif name == "graceful_restart":
            text = "disable" if value is None else str(value)
        elif value is None:
            continue
        else:
            text = _bool_text(value)
        add(f"        {keyword} {text};")
    add("    }")
    add("    family {")
    if neighbor.families == ALL_FAMILIES:
        add("        all;")
    else:
        lines.extend(f"        {family_name(*pair)};" for pair in neighbor.families)
    add("    }")
    if neighbor.add_path:
        add("    add-path {")
        lines.extend(f"        {family_name(*pair)};" for pair in neighbor.add_path)
        add("    }")
    if neighbor.nexthop:
        add("    nexthop {")
        reverse = {code: name for name, code in NEXTHOP_AFIS.items()}
        lines.extend(f"        {family_name(afi, safi)} {reverse[nhafi]};" for afi, safi, nhafi in neighbor.nexthop)
        add("    }")
    for api in neighbor.api:
        lines.extend(processes.api_text(api, "    "))
    if neighbor.routes:
        add("    announce {")
        for item in neighbor.routes:
            afi, rest = route_grammar.route_text(item, neighbor.local_as, neighbor.peer_as).split(" ", 1)
            add(f"        {afi} {{ {rest}; }}")
        add("    }")
    if neighbor.operational:
        add("    operational {")
        lines.extend(f"        {_operational_text(message)}" for message in neighbor.operational)
        add("    }")
    add("}")
    return "\n".join(lines) + "\n"


def configuration_text(configuration: Configuration) -> str:
    """The canonical text of a whole configuration."""
    return "".join(
        [processes.process_text(p) for p in configuration.processes]
        + [bmp.bmp_text(section) for section in configuration.bmp]
        + [neighbor_text(n) for n in configuration.neighbors]
        + ([mrt_section.mrt_text(configuration.mrt)] if configuration.mrt is not None else [])
    )
