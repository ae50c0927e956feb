"""The ExaBGP 5.0 API command grammar: one text line -> a frozen `Command`.

See docs/compatibility.md, "Commands and selectors".

This module sits in `config`, not in `api`, because announcing a route through
the API uses the route grammar of the configuration (`exabgp.config.route`)
and `api` is below `config` in the import order.
What the replies look like without the configuration is `exabgp.api.show`.

`parse(line)` reads one line from a helper process (or the CLI) the way 5.0
does:

* a line starting with ``debug `` is only logged (action ``debug``);
* the line is normalised: stripped, tabs become spaces, ``[ ] ( )`` get a
  space inside, ``,`` one on each side, runs of spaces become one;
* ``neighbor <ip|*> [<key> <value>]...`` selectors may come first, several
  of them separated by ``,`` (`Selector`; the filter keys are
  `FILTER_KEYS`); the neighbor-scoped commands act on the neighbors they
  select, the others accept them and ignore them, as 5.0 does;
* the command is the name of `COMMANDS` the words after the selectors start
  with (whole words, the longest name when two share a start, so
  ``announce route-refresh`` is not ``announce route``); the words after
  the name are the command's own.  This is a deliberate difference
  (docs/compatibility.md, "Commands and selectors"): 5.0 looks for the names anywhere
  in the line, in reverse sorted order, so that a helper writing ``we must
  never shutdown this router`` stops the daemon, ``announce route ... name
  version`` answers the version and ``announce route ... watchdog reload``
  reloads; here those are an ``error``, an ``announce`` and an
  ``announce``;
* ``json`` among the words asks for JSON replies (``show neighbor`` and
  ``show adj-rib``).

Anything not understood raises `CommandError` (5.0 answers ``error``).

A `Command` has an `action` (`ACTIONS`), for ``announce`` / ``withdraw`` a
`kind` (`KINDS`), and the fields its action uses.  Routes are kept as tokens:
`Command.routes()` builds the `StaticRoute`s, once for every neighbor the
command reaches (5.0 parses an API route once per target neighbor; here what
the neighbor's session changes in a route is applied later, by
`exabgp.rib.export`).  A
``withdraw`` without ``next-hop`` gets next hop 0.0.0.0, as in 5.0.
FlowSpec rules (``announce flow route { ... }``, the flat ``announce flow
route ...`` and ``announce ipv4 flow ...``) are read by
`exabgp.config.flow`; VPLS routes (``announce vpls <keywords>``, the flat
form) by `exabgp.config.vpls`; MCAST-VPN routes (``announce ipv4
mcast-vpn <route>``) by `exabgp.config.mvpn`; MUP routes (``announce ipv6
mup <route>``) by `exabgp.config.mup`; RTC routes (``announce ipv4 rtc
<nlri>``, a form 5.0.15 does not have) by `exabgp.config.rtc`.

Who a command reaches: `peer_name` builds the string 5.0 names a peer with
(``neighbor <ip> local-ip <ip|None> local-as <asn|auto> peer-as <asn|auto>
router-id <id> family-allowed <in-open|afi-safi/...>``); a `Selector` matches
a peer when each of its ``key value`` pairs appears as whole words in that
string (``neighbor *`` matches every peer); `select` keeps the peers matched
by any selector, or every peer without selectors.  Two 5.0 rules the reactor
applies itself: ``teardown`` without selector reaches no peer (as in 5.0.15),
and watchdogs apply to every neighbor whatever the selectors.

Where 5.0 misreads its own grammar this module takes the evident intent,
and says so: the operational type and the watchdog name are the words after
``operational`` / ``watchdog`` (5.0 takes the third word of the line, wrong
after a selector); ``announce eor`` alone is ipv4 unicast (5.0.15 answers
``error``); a teardown code above 255 (no Cease subcode) is an error.  As in
5.0.15, ``show adj-rib-in`` / ``clear adj-rib-in`` (one word) are errors.

`Parser` is `parse` with a memory for the line helpers send most, ``announce
route PREFIX REST`` / ``withdraw route PREFIX REST`` with an IPv4 PREFIX: the
first line with a given REST is parsed in full, and the route it makes
(`Command.routes`) serves as the pattern of every later line with the same
REST, which only reads its PREFIX (`_RouteLines`).
A line the pattern can not stand for (a multicast or malformed prefix, a
``split``, labels, RD) takes the full path, so both give the same routes and
the same errors.  The memory is bounded: `PARSER_MEMORY` RESTs of about
`PARSER_REST_MAX` characters at most (longer lines take the full path).

`neighbor_configuration` is the text of ``show neighbor configuration``:
5.0's rendering of a neighbor, which needs the configuration model.
"""

import re
from itertools import pairwise
from exabgp.bgp.record import record, replace

from exabgp.api import show
from exabgp.bgp.family import (
    AFI_IPV4,
    AFI_NAMES,
    SAFI_FLOW,
    SAFI_FLOW_VPN,
    SAFI_MCAST_VPN,
    SAFI_MUP,
    SAFI_NAMES,
    SAFI_RTC,
    SAFI_UNICAST,
    afi_name,
    safi_name,
)
from exabgp.bgp.nlri import Prefix
from exabgp.bgp.route import AttributeSets, Route
from exabgp.config import flow as flow_grammar
from exabgp.config import mup as mup_grammar
from exabgp.config import mvpn as mvpn_grammar
from exabgp.config import neighbor as neighbor_config
from exabgp.config import route as route_grammar
from exabgp.config import rtc as rtc_grammar
from exabgp.config import vpls as vpls_grammar
from exabgp.config.lexer import ConfigurationError, Token
from exabgp.config.lexer import parse as parse_tree

#: 5.0's command names (`exabgp.api.show.COMMANDS`) -> (action, kind)
COMMANDS = {
    "announce route": ("announce", "route"),
    "withdraw route": ("withdraw", "route"),
    "announce ipv4": ("announce", "ipv4"),
    "withdraw ipv4": ("withdraw", "ipv4"),
    "announce ipv6": ("announce", "ipv6"),
    "withdraw ipv6": ("withdraw", "ipv6"),
    "announce attribute": ("announce", "attributes"),
    "announce attributes": ("announce", "attributes"),
    "withdraw attribute": ("withdraw", "attributes"),
    "withdraw attributes": ("withdraw", "attributes"),
    "announce flow": ("announce", "flow"),
    "withdraw flow": ("withdraw", "flow"),
    "announce vpls": ("announce", "vpls"),
    "withdraw vpls": ("withdraw", "vpls"),
    "announce eor": ("announce", "eor"),
    "announce route-refresh": ("announce", "route-refresh"),
    "announce operational": ("announce", "operational"),
    "announce watchdog": ("announce", "watchdog"),
    "withdraw watchdog": ("withdraw", "watchdog"),
    "teardown": ("teardown", None),
    "crash": ("crash", None),
    "flush adj-rib out": ("flush adj-rib", None),
    "clear adj-rib": ("clear adj-rib", None),
    "show neighbor": ("show neighbor", None),
    "show adj-rib in": ("show adj-rib", None),
    "show adj-rib out": ("show adj-rib", None),
    "shutdown": ("shutdown", None),
    "reload": ("reload", None),
    "restart": ("restart", None),
    "version": ("version", None),
    "help": ("help", None),
    "enable-ack": ("enable-ack", None),
    "disable-ack": ("disable-ack", None),
    "silence-ack": ("silence-ack", None),
    "reset": ("reset", None),
    "#": ("comment", None),
    "dump mrt": ("dump mrt", None),  # an addition to 5.0 (exabgp.config.mrt)
}

#: every `Command.action`
ACTIONS = frozenset(action for action, _kind in COMMANDS.values()) | {"debug"}

#: every `Command.kind` of ``announce`` / ``withdraw``
KINDS = frozenset(
    ("route", "ipv4", "ipv6", "attributes", "flow", "vpls", "eor", "route-refresh", "operational", "watchdog")
)


def _by_first_word(names) -> dict:
    """First word -> the `names` (as lists of words) starting with it, the longest first."""
    found: dict[str, list] = {}
    for words in sorted((name.split(" ") for name in names), key=len, reverse=True):
        found.setdefault(words[0], []).append(words)
    return found


#: the command names by their first word (`_name`)
_NAMES = _by_first_word(COMMANDS)

#: the keys a selector may filter on, after ``neighbor <ip>``
FILTER_KEYS = frozenset(("neighbor", "local-ip", "local-as", "peer-as", "router-id", "family-allowed"))

#: ``show neighbor`` options, in 5.0's priority order
SHOW_NEIGHBOR = ("summary", "extensive", "configuration")

#: ``show adj-rib`` route types (5.0's NLRI classes: ``inet`` is every prefix family)
ADJ_RIB_TYPES = ("inet", "flow", "l2vpn")
_ADJ_RIB_ANY = frozenset(("routes", "extensive", "static") + ADJ_RIB_TYPES)

_AFIS = {name: code for code, name in AFI_NAMES.items()}
_SAFIS = {name: code for code, name in SAFI_NAMES.items()}
_FLOW_SAFIS = frozenset((SAFI_FLOW, SAFI_FLOW_VPN))
#: SAFIs whose routes a grammar of their own reads, given the AFI of the command
_FLAT_GRAMMARS = {SAFI_MCAST_VPN: mvpn_grammar, SAFI_MUP: mup_grammar, SAFI_RTC: rtc_grammar}
_CEASE_SUBCODE_MAX = 255
_API_FILE = "<api>"
_NO_NEXT_HOP = ("next-hop", "0.0.0.0")

#: ``announce|withdraw route A.B.C.D[/LEN] REST``, the line `Parser` remembers (IPv4 written as `ipaddress` reads it)
_ROUTE_LINE = re.compile(rf"(announce|withdraw) route {route_grammar.IPV4_PREFIX} (.+)")
#: `Parser` forgets its patterns when it holds more than this many different REST texts
PARSER_MEMORY = 4096
#: `Parser` remembers no REST longer than this (a helper's 1 MB lines would make its memory 4 GB)
PARSER_REST_MAX = 1024
_LINE_MAX = len("withdraw route 255.255.255.255/32 ") + PARSER_REST_MAX


class CommandError(Exception):
    """A command 5.0 answers with ``error``; `reason` says why, `detail` (or "") what the grammar found."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self):
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


@record(slots=True)
class Selector:
    """``neighbor <address|*> [key value]...``: `filters` are the ``(key, value)`` pairs after the address."""

    address: str
    filters: tuple = ()

    def pairs(self) -> tuple:
        """The ``(key, value)`` word pairs 5.0 looks for in the peer name, the address first."""
        return (("neighbor", self.address),) + self.filters

    def matches(self, neighbor, named: frozenset | None = None) -> bool:
        """True when every ``key value`` is two adjacent words of `peer_name(neighbor)` (``*``: any peer);
        `named` is `name_pairs` of that name, when the caller has it."""
        if self.address == "*":
            return True
        named = name_pairs(peer_name(neighbor)) if named is None else named
        return all(pair in named for pair in self.pairs())


def name_pairs(name: str) -> frozenset:
    """Every two adjacent words of a peer name: a ``key value`` selector matches when its pair is one of them
    (5.0 looks for ``key value`` as whole words of the name, whose words are single-spaced and hold no space)."""
    words = name.split(" ")
    return frozenset(pairwise(words))


def peer_name(neighbor) -> str:
    """The name 5.0 gives a peer (logs, ``show adj-rib ... extensive``, selectors)."""
    if neighbor.capability.multi_session:
        allowed = "/".join(f"{afi_name(afi)}-{safi_name(safi)}" for afi, safi in neighbor.families)
    else:
        allowed = "in-open"
    local_as = "auto" if neighbor.local_as is None else neighbor.local_as
    peer_as = "auto" if neighbor.peer_as is None else neighbor.peer_as
    return (
        f"neighbor {neighbor.peer_address} local-ip {neighbor.local_address} local-as {local_as} "
        f"peer-as {peer_as} router-id {neighbor.router_id} family-allowed {allowed}"
    )


def select(selectors, neighbors) -> list:
    """The `neighbors` (in their order) that any selector matches; all of them without selectors.

    A line may name thousands of neighbors: the selectors are grouped by address, and each neighbor's name
    split once and tried only with the selectors of an address its name holds (``neighbor <address>``), so
    the cost is set look-ups in proportion to the selectors and the neighbors, not to their product."""
    neighbors = list(neighbors)
    if not selectors:
        return neighbors
    by_address: dict[str, list] = {}
    for selector in dict.fromkeys(selectors):
        by_address.setdefault(selector.address, []).append(selector)
    if "*" in by_address:
        return neighbors
    chosen = []
    for neighbor in neighbors:
        named = name_pairs(peer_name(neighbor))
        if any(
            selector.matches(neighbor, named)
            for key, value in named
            if key == "neighbor"
            for selector in by_address.get(value, ())
        ):
            chosen.append(neighbor)
    return chosen


@record(slots=True)
class Command:
    """One parsed command; the fields not used by its action keep their defaults.

    * ``announce`` / ``withdraw``: `kind` is one of `KINDS`; ``route``,
      ``attributes``, ``ipv4``, ``ipv6``: `tokens` (the route text after the
      kind, or after the SAFI for ipv4/ipv6) and, for ipv4/ipv6, `family`;
      ``flow``: `tokens` (the flat form) or `block` (``route [NAME] { match
      { ... } then { ... } }``, a `Statement`), both read by
      `exabgp.config.flow`, as are ``ipv4 flow`` / ``ipv6 flow-vpn`` routes;
      ``vpls``: `tokens` (the flat form, read by `exabgp.config.vpls`);
      ``eor`` and ``route-refresh``: `family`; ``operational``:
      `operational` (an `exabgp.config.neighbor.OperationalLine`, or None for a
      type 5.0 ignores: answered ``done``); ``watchdog``: `name` (None: the
      name of the process that sent the command);
    * ``teardown``: `code`, the Cease subcode;
    * ``show neighbor``: `show` (``summary``, ``extensive``,
      ``configuration``, or None: the usage text) and `address` (see `shows`);
    * ``show adj-rib``: `rib` (``in`` / ``out``), `extensive`, `address`,
      `route_type` (None or one of `ADJ_RIB_TYPES`);
    * ``flush adj-rib`` (`rib` ``out``) and ``clear adj-rib`` (`rib`);
    * ``comment`` and ``debug``: `text`.
    """

    action: str
    kind: str | None = None
    selectors: tuple = ()
    json: bool = False
    line: str = ""
    tokens: tuple = ()
    family: tuple | None = None
    name: str | None = None
    code: int | None = None
    operational: object = None
    show: str | None = None
    extensive: bool = False
    address: str | None = None
    rib: str | None = None
    route_type: str | None = None
    text: str = ""
    block: object = None

    def routes(self, interned: AttributeSets | None = None) -> list:
        """The `StaticRoute`s of this ``announce``/``withdraw``; an announced route no UPDATE can carry (`exabgp.config.route.unsendable`) is an error.

        The ``watchdog NAME`` and ``withdraw`` keywords are read and dropped: 5.0.15 gives a helper's route
        to its Adj-RIB-Out as a plain route (measured with `qa.differential.wire`: announced at once, moved
        by no ``announce|withdraw watchdog``); only configured routes have watchdogs."""
        made = self._routes(interned)
        if self.action == "announce":
            for item in made:
                problem = route_grammar.unsendable(item.route)
                if problem:
                    raise CommandError(f"command could not parse {self.kind} in : {self.line}", problem)
        if any(item.watchdog is not None or item.withdraw for item in made):
            made = [replace(item, watchdog=None, withdraw=False) for item in made]
        return made

    def _routes(self, interned: AttributeSets | None = None) -> list:
        if self.kind not in ("route", "attributes", "ipv4", "ipv6", "flow", "vpls"):
            raise CommandError(f"{self.action} {self.kind} carries no route")
        interned = AttributeSets() if interned is None else interned
        tokens = list(self.tokens)
        end = tokens[-1] if tokens else None
        if self.kind == "flow" or self.family is not None and self.family[1] in _FLOW_SAFIS:
            try:
                if self.block is not None:
                    return [flow_grammar.block_route(self.block, interned)]
                return [flow_grammar.flat_route(tokens, interned, end, self.family and self.family[0])]
            except (ValueError, ConfigurationError) as error:  # a RouteError, or a block where a value goes
                raise CommandError(f"command could not parse flow in : {self.line}", str(error)) from None
        if self.action == "withdraw":
            tokens = _with_default_next_hop(tokens, self.kind == "attributes")
        if self.kind == "vpls":
            try:
                return [vpls_grammar.flat_route(tokens, interned, end)]
            except ValueError as error:  # a RouteError
                raise CommandError(f"command could not parse vpls in : {self.line}", str(error)) from None
        if self.family is not None and self.family[1] in _FLAT_GRAMMARS:
            try:
                return [_FLAT_GRAMMARS[self.family[1]].flat_route(tokens, interned, self.family[0], end)]
            except ValueError as error:  # a RouteError
                raise CommandError(f"command could not parse {self.kind} in : {self.line}", str(error)) from None
        family = self.family  # None for ``route`` and ``attributes``, the family of ``ipv4`` / ``ipv6`` routes
        try:
            if self.kind == "attributes":
                return route_grammar.parse_attributes(tokens, interned, end)
            if family is None:  # ``route``: the prefix gives the family
                return route_grammar.parse_route(tokens, interned, None, end)
            made = route_grammar.parse_route(tokens, interned, family[1], end)
        except ValueError as error:  # a RouteError, or int() of a non-ASCII digit inside the grammar
            raise CommandError(f"command could not parse {self.kind} in : {self.line}", str(error)) from None
        if any(route.route.nlri.afi != family[0] for route in made):
            raise CommandError(
                f"command could not parse {self.kind} in : {self.line}",
                f"'{tokens[0].text}' is not an {self.kind} prefix",
            )
        return made

    def shows(self, neighbor) -> bool:
        """Whether the ``show neighbor`` / ``show adj-rib`` reply covers this neighbor (5.0's filters)."""
        if self.address is None:
            return True
        if self.action == "show adj-rib":
            return f"neighbor {self.address}" in peer_name(neighbor)
        if self.json:
            return True
        if self.show == "summary":
            return self.address == neighbor.peer_address
        return self.address in peer_name(neighbor)


def _with_default_next_hop(tokens: list, attributes: bool) -> list:
    """`tokens` with ``next-hop 0.0.0.0`` where it is read after any next hop given (the first one wins)."""
    at = len(tokens)
    if attributes:
        at = next((index for index, token in enumerate(tokens) if token.text == "nlri" and not token.quoted), at)
    added = [Token(text, _API_FILE, 1, 0) for text in _NO_NEXT_HOP]
    return tokens[:at] + added + tokens[at:]


def normalise(line: str) -> str:
    """5.0's spacing of a command line (stripped, ``[]()`` and ``,`` spaced, single spaces)."""
    text = line.strip().replace("\t", " ").replace("]", " ]").replace("[", "[ ").replace(")", " )")
    text = text.replace("(", "( ").replace(",", " , ")
    return re.sub(" {2,}", " ", text)


def _name(words: list) -> str:
    """The name of `COMMANDS` that `words` (the line after its selectors) start with, the longest one."""
    for name in _NAMES.get(words[0], ()) if words else ():
        if words[: len(name)] == name:
            return " ".join(name)
    raise CommandError("the line does not start with a command name (after its neighbor selectors, if any)")


def _selectors(words: list, line: str):
    """``neighbor A [k v]... [, neighbor B ...]`` at the start of `words` -> (selectors, remaining words)."""
    if not words or words[0] != "neighbor":
        return (), words
    selectors = []
    index = 0
    while True:
        if index + 1 >= len(words) or words[index] != "neighbor":
            raise CommandError(f"invalid neighbor selector in : {line}")
        address = words[index + 1]
        index += 2
        filters = []
        while index + 1 < len(words) and words[index] in FILTER_KEYS:
            filters.append((words[index], words[index + 1]))
            index += 2
        selectors.append(Selector(address, tuple(filters)))
        if index < len(words) and words[index] == ",":
            index += 1
            continue
        return tuple(selectors), words[index:]


def _tokens(text: str, line: str) -> tuple:
    """The words of a route, as the configuration lexer reads them (``route P { ...; }`` flattened)."""
    text = text if text.endswith((";", "}")) else text + " ;"
    try:
        tree = parse_tree(text, _API_FILE)
    except ConfigurationError as error:
        raise CommandError(f"command could not parse route in : {line}", error.reason) from None
    if len(tree) != 1:
        raise CommandError(f"command could not parse route in : {line}", "one route per command")
    statement = tree[0]
    tokens = list(statement.words)
    for child in statement.block or ():
        if child.block is not None:
            raise CommandError(f"command could not parse route in : {line}", "nested block")
        tokens.extend(child.words)
    return tuple(tokens)


def _family(words: list, line: str, what: str) -> tuple:
    afi, safi = _AFIS.get(words[0]), _SAFIS.get(words[1])
    if afi is None or safi is None:
        raise CommandError(f"Command could not parse {what} : {line}")
    return afi, safi


def _announce(action: str, kind: str, rest: list, line: str, fields: dict) -> dict:
    """The fields of an ``announce`` / ``withdraw`` command; `rest` follows ``<action> <kind>``."""
    if kind == "eor":
        if not rest:
            return dict(fields, family=(AFI_IPV4, SAFI_UNICAST))
        if len(rest) != 2:
            raise CommandError(f"Command could not parse eor : {line}")
        return dict(fields, family=_family(rest, line, "eor"))
    if kind == "route-refresh":
        if len(rest) != 2:
            raise CommandError(f"Command could not parse route-refresh command : {line}")
        return dict(fields, family=_family(rest, line, "route-refresh command"))
    if kind == "watchdog":
        return dict(fields, name=rest[0] if rest else None)
    if kind == "operational":
        return dict(fields, operational=_operational(rest, line))
    if kind == "flow":
        if rest and rest[0] == "route" and "{" in rest:
            return dict(fields, block=_flow_block(" ".join(rest), line))
        rest = rest[1:] if rest and rest[0] == "route" else rest
    if kind in ("ipv4", "ipv6"):
        if not rest:
            raise CommandError(f"command could not parse {kind} in : {line}")
        safi = rest[0]
        if safi in route_grammar.NOT_YET_SAFIS:
            raise CommandError(f"{kind} {safi} routes are not supported yet")
        if safi not in route_grammar.ANNOUNCE_SAFIS and _SAFIS.get(safi) not in _FLOW_SAFIS | _FLAT_GRAMMARS.keys():
            raise CommandError(f"command could not parse {kind} in : {line}", f"unknown {kind} route type '{safi}'")
        fields["family"] = (_AFIS[kind], _SAFIS[safi])
        rest = rest[1:]
    if not rest:
        raise CommandError(f"command could not parse {kind} in : {line}")
    return dict(fields, tokens=_tokens(" ".join(rest), line))


def _flow_block(text: str, line: str):
    """The ``route [NAME] { ... }`` statement of a flow command (nested blocks: match, then)."""
    try:
        tree = parse_tree(text, _API_FILE)
    except ConfigurationError as error:
        raise CommandError(f"command could not parse flow in : {line}", error.reason) from None
    if len(tree) != 1 or tree[0].block is None:
        raise CommandError(f"command could not parse flow in : {line}", "one route { ... } per command")
    return tree[0]


def _operational(rest: list, line: str):
    if not rest or rest[0].lower() not in neighbor_config.OPERATIONAL:
        return None  # 5.0 answers done and ignores it
    try:
        tree = parse_tree(" ".join([rest[0].lower()] + rest[1:]) + " ;", _API_FILE)
        if len(tree) != 1 or tree[0].block is not None:
            raise CommandError(f"Command could not parse operational command : {line}")
        return neighbor_config.operational_line(tree[0])
    except (ConfigurationError, ValueError) as error:
        raise CommandError(f"Command could not parse operational command : {line}", str(error)) from None


def _show_neighbor(words: list, fields: dict) -> dict:
    options = [word for word in words if word not in SHOW_NEIGHBOR + ("json", "text")]
    show = next((option for option in SHOW_NEIGHBOR if option in words), None)
    address = options[-1] if options and options[-1] != "neighbor" else None
    return dict(fields, show=show, address=address)


def _show_adj_rib(words: list, line: str, fields: dict) -> dict:
    if len(words) < 3 or words[2] not in ("in", "out"):
        raise CommandError(f"command from process not understood : {line}")
    rest = list(words)
    for remove in ("json", "show", "adj-rib", "in", "out", "extensive"):
        if remove in rest:
            rest.remove(remove)
    last = rest[0] if rest else ""
    route_type = next((kind for kind in ADJ_RIB_TYPES if kind in words), None)
    return dict(
        fields,
        rib=words[2],
        extensive=line.endswith(" extensive"),
        route_type=route_type,
        address=None if last in _ADJ_RIB_ANY or not last else last,
    )


def parse(line: str) -> Command:
    """The `Command` of one line from a helper process or the CLI (raises `CommandError`)."""
    if not isinstance(line, str):
        raise CommandError("a command is text")
    if line.startswith("debug "):
        return Command("debug", line=line, text=line[6:])
    if "\n" in line.rstrip("\r\n"):
        raise CommandError("a command is one line")
    line = normalise(line)
    words = line.split(" ")
    selectors, after = _selectors(words, line)
    name = _name(after)
    action, kind = COMMANDS[name]
    fields: dict = {"line": line, "json": "json" in words}
    if show.COMMANDS[name][0]:  # neighbor-scoped
        fields["selectors"] = selectors
        rest = after[name.count(" ") + 1 :]
        if kind is not None:
            return Command(action, kind, **_announce(action, kind, rest, line, fields))
        if action == "teardown":
            code = rest[0] if len(rest) == 1 else ""
            if not (code.isascii() and code.isdigit()) or int(code) > _CEASE_SUBCODE_MAX:
                raise CommandError(f"teardown needs a Cease subcode (0-255) : {line}")
            return Command(action, code=int(code), **fields)
        if action == "clear adj-rib":
            return Command(action, rib="in" if "in" in rest else "out", **fields)
        if action == "flush adj-rib":
            return Command(action, rib="out", **fields)
        return Command(action, **fields)  # crash
    if action == "show neighbor":
        return Command(action, **_show_neighbor(words, fields))
    if action == "show adj-rib":
        return Command(action, **_show_adj_rib(words, line, fields))
    if action == "comment":
        return Command(action, text=line.lstrip("#").strip(), **fields)
    return Command(action, **fields)


class RouteLine:
    """The command of a line `Parser` recognised as ``<action> route PREFIX REST``.

    It reads as the `Command` `parse` makes of the line for what the reactor
    uses of an ``announce`` / ``withdraw route``: `action`, `kind`,
    `selectors`, `json`, `line` and `routes`.
    """

    __slots__ = ("action", "line", "json", "prefix", "lines")
    kind = "route"
    selectors = ()

    def __init__(self, action: str, line: str, json: bool, prefix: tuple, lines):
        self.action = action
        self.line = line
        self.json = json
        self.prefix = prefix  # (a, b, c, d, length) of the IPv4 prefix
        self.lines = lines  # the _RouteLines of its REST

    def routes(self, interned: AttributeSets | None = None) -> list:
        made = self.lines.routes(self, interned)
        return made if made is not None else parse(self.line).routes(interned)


#: `_RouteLines.made` before the first line of a REST is parsed
_UNSEEN = ()


class _RouteLines:
    """What the ``<action> route PREFIX REST`` lines with one REST have in common.

    `made` is what the first such line made: the parts of its `StaticRoute`
    but the NLRI and the `AttributeSets` its attributes were interned in;
    None when that route is not a pattern, another prefix could change more
    than the NLRI (a family other than IPv4 unicast, labels, RD, ``split``);
    `_UNSEEN` until a line is parsed.
    """

    __slots__ = ("json", "split", "made")

    def __init__(self, command: Command):
        self.json = command.json
        self.split = any(token.text == "split" for token in command.tokens)
        self.made: tuple | None = _UNSEEN

    def routes(self, line: RouteLine, interned):
        """The routes of `line` (a line with this REST), or None: take the full path."""
        made = self.made
        if made is None:
            return None
        if made is _UNSEEN:
            statics = parse(line.line).routes(interned)
            self.made = None
            if len(statics) == 1 and not self.split:
                static = statics[0]
                nlri, route = static.route.nlri, static.route
                if (nlri.afi, nlri.safi, nlri.labels, nlri.rd) == (AFI_IPV4, SAFI_UNICAST, None, None):
                    self.made = (
                        interned,
                        nlri.path_id,
                        route.nexthop,
                        route.attributes,
                        static.watchdog,
                        static.withdraw,
                        static.name,
                    )
            return statics
        known, path_id, nexthop, attributes, watchdog, withdraw, name = made
        a, b, c, d, length = line.prefix
        if known is not interned or 224 <= a <= 239:  # another interning; multicast is another family
            return None
        value = (a << 24) | (b << 16) | (c << 8) | d
        if value & ((1 << (32 - length)) - 1):  # host bits: the full path says so
            return None
        prefix = Prefix(AFI_IPV4, SAFI_UNICAST, path_id, length, value.to_bytes(4, "big"))
        return [route_grammar.StaticRoute(Route(prefix, nexthop, attributes), watchdog, withdraw, name)]


class Parser:
    """`parse`, remembering the common route lines (see the module docstring)."""

    __slots__ = ("_lines",)

    def __init__(self):
        self._lines = {}  # (action, REST) -> _RouteLines, or None when such lines are not the plain route command

    def parse(self, line: str):
        """A `Command`, or a `RouteLine` for a route line seen before with the same REST."""
        match = _ROUTE_LINE.fullmatch(line) if isinstance(line, str) and len(line) <= _LINE_MAX else None
        if match is None:
            return parse(line)
        action, a, b, c, d, length, rest = match.groups()
        lines = self._lines.get((action, rest))
        if lines is None:
            command = parse(line)
            if (action, rest) not in self._lines:
                if len(self._lines) >= PARSER_MEMORY:
                    self._lines.clear()
                plain = (
                    command.action == action
                    and command.kind == "route"
                    and not command.selectors
                    and normalise(line) == line
                )
                self._lines[action, rest] = _RouteLines(command) if plain else None
            return command
        return RouteLine(
            action, line, lines.json, (int(a), int(b), int(c), int(d), 32 if length is None else int(length)), lines
        )


# ---------------------------------------------------------------- show neighbor configuration

#: 5.0's order of the ``receive`` / ``send`` message kinds in ``show neighbor configuration``
_API_MESSAGE_ORDER = (
    "packets",
    "parsed",
    "consolidate",
    "notification",
    "open",
    "keepalive",
    "update",
    "refresh",
    "operational",
)
_ADD_PATH_TEXT = {0: "disable", 1: "receive", 2: "send", 3: "send/receive"}


def _on(value: bool, on: str = "true", off: str = "false") -> str:
    return on if value else off


def _api_text(api, process: str) -> str:
    text = f"\tapi {{\n\t\tprocesses [ {process} ];\n"
    text += "".join(f"\t\t{switch};\n" for switch in api.switches)
    for direction, kinds in (("receive", api.receive), ("send", api.send)):
        if kinds:
            ordered = [kind for kind in _API_MESSAGE_ORDER if kind in kinds]
            text += f"\t\t{direction} {{\n" + "".join(f"\t\t\t{kind};\n" for kind in ordered) + "\t\t}\n"
    return text + "\t}\n"


def neighbor_configuration(neighbor) -> str:
    """The text of ``show neighbor configuration`` for one neighbor, as 5.0 prints it (two-space indents)."""
    capability = neighbor.capability
    auto = neighbor.local_address is None
    graceful = capability.graceful_restart
    if graceful == 0:
        graceful = neighbor.hold_time
    add_paths = neighbor.add_path or (neighbor.families if capability.add_path else ())
    md5_base64 = {True: "true", False: "false"}.get(neighbor.md5_base64, "auto")
    lines = [
        f"neighbor {neighbor.peer_address} {{",
        f'\tdescription "{neighbor.description}";',
        f"\trouter-id {neighbor.router_id};",
        f"\thost-name {neighbor.host_name};",
        f"\tdomain-name {neighbor.domain_name};",
        f"\tlocal-address {'auto' if auto else neighbor.local_address};",
        f"\tsource-interface {neighbor.source_interface};",
        f"\tlocal-as {neighbor.local_as};",
        f"\tpeer-as {neighbor.peer_as};",
        f"\thold-time {neighbor.hold_time};",
        f"\trate-limit {neighbor.rate_limit or 'disable'};",
        f"\tmanual-eor {_on(neighbor.manual_eor)};",
        "",
        f"\tpassive {_on(neighbor.passive)};",
    ]
    if neighbor.listen:
        lines += ["", f"\tlisten {neighbor.listen};"]
    if neighbor.connect:
        lines += ["", f"\tconnect {neighbor.connect};"]
    lines += [
        f"\tgroup-updates {_on(neighbor.group_updates)};",
        f"\tauto-flush {_on(neighbor.auto_flush)};",
        f"\tadj-rib-in {_on(neighbor.adj_rib_in)};",
        f"\tadj-rib-out {_on(neighbor.adj_rib_out)};",
    ]
    if neighbor.md5_password:
        lines.append(f'\tmd5-password "{neighbor.md5_password}";')
    lines.append(f"\tmd5-base64 {md5_base64};")
    if not auto:
        lines.append(f'\tmd5-ip "{neighbor.md5_ip or neighbor.local_address}";')
    if neighbor.outgoing_ttl:
        lines.append(f"\toutgoing-ttl {neighbor.outgoing_ttl};")
    if neighbor.incoming_ttl:
        lines.append(f"\tincoming-ttl {neighbor.incoming_ttl};")
    nexthop = capability.nexthop if capability.nexthop is not None else bool(neighbor.nexthop)
    lines += [
        "\tcapability {",
        f"\t\tasn4 {_on(capability.asn4, 'enable', 'disable')};",
        f"\t\troute-refresh {_on(capability.route_refresh, 'enable', 'disable')};",
        f"\t\tgraceful-restart {graceful if graceful else 'disable'};",
        f"\t\tsoftware-version {_on(capability.software_version, 'enable', 'disable')};",
        f"\t\tnexthop {_on(nexthop, 'enable', 'disable')};",
        f"\t\tadd-path {_ADD_PATH_TEXT[capability.add_path]};",
        f"\t\tmulti-session {_on(capability.multi_session, 'enable', 'disable')};",
        f"\t\toperational {_on(capability.operational, 'enable', 'disable')};",
        f"\t\taigp {_on(capability.aigp, 'enable', 'disable')};",
        "\t}",
        "\tfamily {",
        *(f"\t\t{afi_name(afi)} {safi_name(safi)};" for afi, safi in neighbor.families),
        "\t}",
        "\tnexthop {",
        *(
            f"\t\t{afi_name(afi)} {safi_name(safi)} {afi_name(nexthop_afi)};"
            for afi, safi, nexthop_afi in neighbor.nexthop
        ),
        "\t}",
        "\tadd-path {",
        *(f"\t\t{afi_name(afi)} {safi_name(safi)};" for afi, safi in add_paths),
        "\t}",
    ]
    text = "\n".join(lines) + "\n"
    text += "".join(_api_text(api, process) for api in neighbor.api for process in api.processes)
    return (text + "}").replace("\t", "  ")
