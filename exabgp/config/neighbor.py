"""The `neighbor` and `template` sections of the configuration (SURFACE.md sections 3.2 to 3.7).

`parse(text, file)` reads the text of a configuration (the caller reads the
file: this layer does no IO) and returns a frozen
`Configuration` holding one frozen `Neighbor` per ``neighbor`` section, in
file order.  The statement tree comes from `exabgp.config.lexer.parse`; this
module gives it meaning, one literal table per scope:

* neighbor keywords with a value (`router-id`, `local-address`, `local-as`,
  `peer-as`, `peer-address`, `description`, `inherit`);
* the `family` block (``<afi> <safi>;`` or ``all;``; without the block every
  family ExaBGP 5.0 knows is configured), the `capability` block (the
  switches of section 3.6, RFC 5492) and the `add-path` block (the families
  that may carry path identifiers, RFC 7911);
* the other keywords and blocks of the 5.0 neighbor grammar are recognised
  and skipped whole (their content is checked by the lexer only): the
  routes, API, FlowSpec, VPLS and OPERATIONAL sections, timers and socket
  options are read by later layers.  An unknown keyword is an error.

`template { neighbor NAME { ... } }` defines content that ``inherit NAME;``
(or ``inherit [ A B ];``) applies before the neighbor's own statements, so
that a value set locally wins.  Root sections other than `neighbor`,
`template` and `process` (skipped) are errors.

After its statements are read a neighbor is validated as 5.0 does:
`local-as` and `peer-as` are mandatory, `router-id` defaults to an IPv4
`local-address`, and the local and peer addresses must be of the same
family.  Errors raise `ConfigurationError` located at the offending token.
"""

import ipaddress
from dataclasses import dataclass, field

from exabgp.bgp.family import FAMILIES, family_from_name
from exabgp.config.lexer import Statement, parse as parse_tree

# RFC 7911 section 4, the Send/Receive field of the ADD-PATH capability
ADD_PATH_RECEIVE = 1
ADD_PATH_SEND = 2

_ADD_PATH_VALUES = {
    "disable": 0,
    "receive": ADD_PATH_RECEIVE,
    "send": ADD_PATH_SEND,
    "send/receive": ADD_PATH_RECEIVE | ADD_PATH_SEND,
}

_TRUE = frozenset(("true", "enable", "enabled"))
_FALSE = frozenset(("false", "disable", "disabled"))

#: The ``<afi> <safi>`` pairs a 5.0 `family` or `add-path` block accepts (SURFACE.md 3.5).
#: `ipv4 rtc` and `ipv6 multicast` are only reachable through ``all``.
CONFIGURABLE_FAMILIES = frozenset(
    family_from_name(name)
    for name in (
        "ipv4 unicast", "ipv4 multicast", "ipv4 nlri-mpls", "ipv4 mpls-vpn", "ipv4 mcast-vpn",
        "ipv4 flow", "ipv4 flow-vpn", "ipv4 mup",
        "ipv6 unicast", "ipv6 nlri-mpls", "ipv6 mpls-vpn", "ipv6 mcast-vpn", "ipv6 mup",
        "ipv6 flow", "ipv6 flow-vpn",
        "l2vpn vpls", "l2vpn evpn",
        "bgp-ls bgp-ls", "bgp-ls bgp-ls-vpn",
    )
)

#: Every family 5.0 knows, in the order it lists them: sorted by (AFI, SAFI).
ALL_FAMILIES = tuple(sorted(FAMILIES))


@dataclass(frozen=True, slots=True)
class Capability:
    """The `capability` block (SURFACE.md 3.6); absent keywords keep 5.0's defaults."""

    asn4: bool = True
    add_path: int = 0
    extended_message: bool = True
    route_refresh: bool = False
    graceful_restart: int = None  # None: disabled; 0: use the hold time
    multi_session: bool = False
    operational: bool = False
    aigp: bool = False
    nexthop: bool = None  # None: on when a `nexthop` block exists
    software_version: bool = False


@dataclass(frozen=True, slots=True)
class Neighbor:
    """One `neighbor` section, validated."""

    peer_address: str
    local_address: str  # None for `auto`
    router_id: str
    local_as: int  # None for `auto`
    peer_as: int  # None for `auto`
    families: tuple  # (afi, safi) pairs, sorted
    add_path: tuple = ()  # the `add-path` block, sorted; empty: every family may use it
    capability: Capability = field(default_factory=Capability)
    description: str = ""


@dataclass(frozen=True, slots=True)
class Configuration:
    neighbors: tuple = ()


def parse(text: str, file: str = "<text>") -> Configuration:
    """The `Configuration` described by `text`."""
    tree = parse_tree(text, file)
    templates = {}
    neighbors = []
    for statement in tree:
        keyword = statement.keyword
        if keyword == "template":
            _block(statement)
            for child in statement.block:
                name = _named_block(child, "neighbor")
                templates[name] = child.block
        elif keyword == "neighbor":
            _block(statement)
            neighbor = _neighbor(statement, templates)
            if any(other.peer_address == neighbor.peer_address for other in neighbors):
                raise statement.words[0].error(f"duplicate peer definition {neighbor.peer_address}")
            neighbors.append(neighbor)
        elif keyword == "process":
            _named_block(statement, "process")
        else:
            raise statement.words[0].error(f"unknown section '{keyword}' (expected neighbor, template or process)")
    return Configuration(tuple(neighbors))


# ---------------------------------------------------------------- helpers


def _block(statement: Statement) -> None:
    if statement.block is None:
        raise statement.words[0].error(f"'{statement.keyword}' must be followed by a block {{ }}")


def _statement(statement: Statement) -> None:
    if statement.block is not None:
        raise statement.words[0].error(f"'{statement.keyword}' does not open a block")


def _named_block(statement: Statement, keyword: str) -> str:
    """The NAME of ``keyword NAME { }``."""
    if statement.keyword != keyword:
        raise statement.words[0].error(f"expected '{keyword}', found '{statement.keyword}'")
    _block(statement)
    if len(statement.words) != 2:
        raise statement.words[0].error(f"'{keyword}' needs exactly one name")
    return statement.words[1].text


def _one(statement: Statement):
    """The single value token of ``keyword value;``."""
    _statement(statement)
    if len(statement.words) != 2:
        raise statement.words[0].error(f"'{statement.keyword}' takes exactly one value")
    return statement.words[1]


def _ip(token, auto: bool = False):
    if auto and token.text == "auto":
        return None
    try:
        return str(ipaddress.ip_address(token.text))
    except ValueError:
        raise token.error(f"'{token.text}' is not an IP address") from None


def _ipv4(token):
    try:
        return str(ipaddress.IPv4Address(token.text))
    except ValueError:
        raise token.error(f"'{token.text}' is not an IPv4 address") from None


def _asn(token):
    """A plain ASN (0..4294967295), asdot ``high.low``, or ``auto`` (None)."""
    text = token.text
    if text == "auto":
        return None
    high, dot, low = text.partition(".")
    try:
        if dot:
            if not (high.isdigit() and low.isdigit()) or int(high) > 0xFFFF or int(low) > 0xFFFF:
                raise ValueError
            return (int(high) << 16) + int(low)
        if not text.isdigit() or int(text) > 0xFFFFFFFF:
            raise ValueError
        return int(text)
    except ValueError:
        raise token.error(f"'{text}' is not an AS number") from None


def _bool(statement: Statement, bare: bool) -> bool:
    _statement(statement)
    if len(statement.words) == 1:
        return bare
    token = _one(statement)
    if token.text in _TRUE:
        return True
    if token.text in _FALSE:
        return False
    raise token.error(f"'{token.text}' is not a boolean (true/enable/enabled or false/disable/disabled)")


def _family_lines(statement: Statement, allow_all: bool) -> list:
    """The (afi, safi) pairs of a `family` / `add-path` block, in written order."""
    _block(statement)
    pairs = []
    for line in statement.block:
        _statement(line)
        words = [token.text for token in line.words]
        if words == ["all"] and allow_all:
            if pairs or len(statement.block) > 1:
                raise line.words[0].error("all can not be used with any other options")
            return list(ALL_FAMILIES)
        pair = family_from_name(" ".join(words)) if len(words) == 2 else None
        if pair not in CONFIGURABLE_FAMILIES:
            raise line.words[0].error(f"'{' '.join(words)}' is not a family this section accepts")
        if pair in pairs:
            raise line.words[0].error(f"the family '{' '.join(words)}' is given twice")
        pairs.append(pair)
    return pairs


# ---------------------------------------------------------------- capability


def _graceful_restart(statement: Statement):
    if len(statement.words) == 1:
        return 0
    token = _one(statement)
    if token.text in _FALSE:
        return None
    if not token.text.isdigit() or int(token.text) > 0xFFFF:
        raise token.error("graceful-restart takes a time in seconds (0-65535) or disable")
    return int(token.text)


def _add_path_value(statement: Statement):
    if len(statement.words) == 1:
        raise statement.words[0].error("add-path needs a value: disable, receive, send or send/receive")
    token = _one(statement)
    if token.text not in _ADD_PATH_VALUES:
        raise token.error(f"'{token.text}' is not an add-path value (disable, receive, send or send/receive)")
    return _ADD_PATH_VALUES[token.text]


#: capability keyword -> (Capability field, reader of the statement)
_CAPABILITY = {
    "asn4": ("asn4", lambda s: _bool(s, True)),
    "add-path": ("add_path", _add_path_value),
    "extended-message": ("extended_message", lambda s: _bool(s, True)),
    "route-refresh": ("route_refresh", lambda s: _bool(s, True)),
    "graceful-restart": ("graceful_restart", _graceful_restart),
    "multi-session": ("multi_session", lambda s: _bool(s, True)),
    "operational": ("operational", lambda s: _bool(s, True)),
    "aigp": ("aigp", lambda s: _bool(s, True)),
    "nexthop": ("nexthop", lambda s: _bool(s, True)),
    "software-version": ("software_version", lambda s: _bool(s, False)),
}


def _capability(statement: Statement, values: dict) -> None:
    _block(statement)
    for line in statement.block:
        entry = _CAPABILITY.get(line.keyword)
        if entry is None:
            raise line.words[0].error(f"unknown capability '{line.keyword}'")
        _statement(line)
        name, reader = entry
        values[name] = reader(line)


# ---------------------------------------------------------------- neighbor

#: Neighbor keywords and blocks of the 5.0 grammar read by later layers; skipped here.
_SKIPPED = frozenset((
    "hold-time", "rate-limit", "passive", "listen", "connect", "outgoing-ttl", "incoming-ttl",
    "md5-password", "md5-base64", "md5-ip", "host-name", "domain-name", "group-updates",
    "auto-flush", "adj-rib-out", "adj-rib-in", "manual-eor", "source-interface",
    "nexthop", "api", "static", "announce", "flow", "l2vpn", "operational",
))


class _Draft:
    """The neighbor being read: plain attributes, frozen into a `Neighbor` at the end."""

    def __init__(self, peer_address: str):
        self.peer_address = peer_address
        self.local_address = None
        self.router_id = None
        self.local_as = self.peer_as = None
        self.local_as_set = self.peer_as_set = False
        self.families = None
        self.add_path = ()
        self.capability = {}
        self.description = ""


def _peer(token) -> str:
    """The header of `neighbor <ip>` or `neighbor <prefix>`."""
    try:
        if "/" in token.text:
            return str(ipaddress.ip_network(token.text, strict=False))
        return str(ipaddress.ip_address(token.text))
    except ValueError:
        raise token.error(f"'{token.text}' is not an IP address or prefix") from None


def _local_as(statement, draft):
    draft.local_as, draft.local_as_set = _asn(_one(statement)), True


def _peer_as(statement, draft):
    draft.peer_as, draft.peer_as_set = _asn(_one(statement)), True


def _local_address(statement, draft):
    draft.local_address = _ip(_one(statement), auto=True)


def _router_id(statement, draft):
    draft.router_id = _ipv4(_one(statement))


def _peer_address(statement, draft):
    draft.peer_address = _ip(_one(statement))


def _description(statement, draft):
    _statement(statement)
    draft.description = " ".join(token.text for token in statement.words[1:])


def _family(statement, draft):
    draft.families = _family_lines(statement, allow_all=True)


def _add_path(statement, draft):
    draft.add_path = tuple(sorted(_family_lines(statement, allow_all=False)))


def _capability_block(statement, draft):
    _capability(statement, draft.capability)


#: neighbor keyword -> reader(statement, draft)
_NEIGHBOR = {
    "local-as": _local_as,
    "peer-as": _peer_as,
    "local-address": _local_address,
    "router-id": _router_id,
    "peer-address": _peer_address,
    "description": _description,
    "family": _family,
    "add-path": _add_path,
    "capability": _capability_block,
}


def _read(statements: tuple, draft: _Draft, templates: dict, inheriting: tuple) -> None:
    for statement in statements:
        keyword = statement.keyword
        if keyword == "inherit":
            _statement(statement)
            names = [t for t in statement.words[1:] if not t.punctuation]
            if not names:
                raise statement.words[0].error("inherit needs a template name")
            for name in names:
                if name.text not in templates:
                    raise name.error(f"unknown template '{name.text}'")
                if name.text in inheriting:
                    raise name.error(f"template '{name.text}' inherits itself")
                _read(templates[name.text], draft, templates, inheriting + (name.text,))
        elif keyword in _NEIGHBOR:
            _NEIGHBOR[keyword](statement, draft)
        elif keyword not in _SKIPPED:
            raise statement.words[0].error(f"unknown neighbor keyword '{keyword}'")


def _inherited_first(statements: tuple) -> tuple:
    """`inherit` statements first, so that the neighbor's own values override the templates'."""
    return tuple(s for s in statements if s.keyword == "inherit") + tuple(
        s for s in statements if s.keyword != "inherit"
    )


def _neighbor(statement: Statement, templates: dict) -> Neighbor:
    head = statement.words[0]
    if len(statement.words) != 2:
        raise head.error("neighbor needs exactly one address")
    draft = _Draft(_peer(statement.words[1]))
    _read(_inherited_first(statement.block), draft, templates, ())

    if not draft.local_as_set:
        raise head.error("incomplete neighbor, missing local-as")
    if not draft.peer_as_set:
        raise head.error("incomplete neighbor, missing peer-as")
    peer_ip = ipaddress.ip_network(draft.peer_address, strict=False)
    if draft.local_address is not None and ipaddress.ip_address(draft.local_address).version != peer_ip.version:
        raise head.error("local-address and peer-address must be of the same family")
    router_id = draft.router_id
    if router_id is None:
        if draft.local_address is None or ":" in draft.local_address:
            raise head.error("incomplete neighbor, missing router-id")
        router_id = draft.local_address
    families = tuple(sorted(draft.families if draft.families is not None else ALL_FAMILIES))
    return Neighbor(
        peer_address=draft.peer_address,
        local_address=draft.local_address,
        router_id=router_id,
        local_as=draft.local_as,
        peer_as=draft.peer_as,
        families=families,
        add_path=draft.add_path,
        capability=Capability(**draft.capability),
        description=draft.description,
    )
