"""Route statements of the configuration (docs/compatibility.md, "Route statements") turned into `Route`s.

The route grammar is shared by ``static { route ... }``, ``announce { ipv4 {
unicast ... } }`` and ``attributes ... nlri ...``: a prefix, then keywords
with their values, in any order.  `ROUTE_KEYWORDS` is the table of every
keyword, each with the function that reads its value(s) from a `RouteCursor`
into the `RouteDraft` of the route.  `build` then makes the routes:

* the NLRI is an `exabgp.bgp.nlri.Prefix`; a prefix without ``/len`` is a
  host route and host bits are an error.  In ``static`` the family follows
  from the keywords as in 5.0: ``rd`` makes mpls-vpn (a label is then
  required), ``label`` alone nlri-mpls, an IPv4 prefix in 224/4 multicast,
  anything else unicast; in ``announce`` the block says it.  ``split /len``
  expands the prefix into every ``/len`` inside it, `SPLIT_MAX` routes at
  most for one statement or command (a deliberate difference: 5.0.15 makes
  them all, and one ``split /32`` of a /8 or a /0 holds it for hours and
  takes all the memory);
* the next hop is packed as written (4 or 16 octets) or `NEXT_HOP_SELF`;
  IPv4 unicast and multicast routes need one;
* the path attributes become ONE interned `AttributeSet` of wire TLVs with
  the flags ExaBGP 5.0 sends (RFC 4271 4.3 and each attribute's RFC), built
  with the codec encoders.  A keyword given twice keeps its first value,
  except ``extended-community`` whose values add up, as in 5.0.  AS
  numbers are in 4-octet form.  The routes do not depend on the neighbor
  they are sent to: what 5.0 adds on the neighbor's session (ORIGIN,
  AS_PATH, LOCAL_PREF) and the 2-octet AS form of a session without 4-octet
  AS numbers are the export step's, applied when a route enters a session's
  Adj-RIB-Out (`exabgp.rib.export`).  So a configuration's routes and a
  helper's ``announce`` are parsed once, whatever neighbors they go to.

Communities are sorted, large communities sorted without duplicates,
extended communities sorted (5.0's wire order).  Generic ``attribute [ 0xCODE
0xFLAGS 0xDATA ]`` values are kept as given, Extended Length flag included.

`route_text` is the inverse: the canonical one-line text of a route (the
``announce`` form, family explicit), which `build` turns back into a route
the neighbor's session sends alike: the attributes that session gives
anyway are not printed (`exabgp.rib.export.stated`).

FlowSpec rules, VPLS, MCAST-VPN and MUP routes are read by
`exabgp.config.flow`, `exabgp.config.vpls`, `exabgp.config.mvpn` and
`exabgp.config.mup` with this module's keywords; the family whose NLRI is
still to come (evpn) raises "not supported yet" at the
keyword that asks for them.
"""

import ipaddress
import re
import socket

from exabgp import _codec
from exabgp._codec import CodecError
from exabgp.bgp import attribute as attr
from exabgp.bgp import community as communities
from exabgp.bgp.family import (
    AFI_IPV4,
    AFI_IPV6,
    SAFI_MPLS_VPN,
    SAFI_MULTICAST,
    SAFI_NLRI_MPLS,
    SAFI_UNICAST,
    family_name,
)
from exabgp.bgp.nlri import Prefix
from exabgp.bgp.nlri_fields import RD_AS2, RD_AS4, RD_IPV4, address_text
from exabgp.bgp.record import record, replace
from exabgp.bgp.route import NEXT_HOP_SELF, NO_NEXT_HOP, AttributeSet, Route
from exabgp.config import values

#: ORIGIN values (RFC 4271 section 4.3)
ORIGINS = {"igp": 0, "egp": 1, "incomplete": 2}
_ORIGIN_NAMES = {value: name for name, value in ORIGINS.items()}

#: announce-block SAFI keywords this build announces, and those still to come
ANNOUNCE_SAFIS = {
    "unicast": SAFI_UNICAST,
    "multicast": SAFI_MULTICAST,
    "nlri-mpls": SAFI_NLRI_MPLS,
    "mpls-vpn": SAFI_MPLS_VPN,
}
NOT_YET_SAFIS = frozenset(("evpn",))
#: the most routes the ``split`` of one route statement or command may make (a /16 into /32s; 5.0.15 took 27 s to
#: validate that many, this codebase about 1 s to parse them)
SPLIT_MAX = 1 << 16

# RFC 8669 section 3 / RFC 9252 section 2 TLV and sub-TLV types
_PREFIX_SID_LABEL_INDEX = 1
_PREFIX_SID_SRGB = 3
_SRV6_SERVICES = {"l3-service": 5, "l2-service": 6}
_SRV6_SID_INFORMATION = 1
_SRV6_SID_STRUCTURE = 1
_SRV6_DEFAULT_BEHAVIOR = 0xFFFF

_RESERVED_WATCHDOG = frozenset(("announce", "withdraw"))

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: an IPv4 address, or prefix ``A.B.C.D/LEN``, written as `ipaddress` reads it (decimal octets without leading zeros)
IPV4_PREFIX = rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}(?:/(3[0-2]|[12]?[0-9]))?"
_IPV4_PREFIX = re.compile(IPV4_PREFIX)


class RouteError(ValueError):
    """A route problem; `token` (or None) says where."""

    def __init__(self, reason: str, token=None):
        super().__init__(reason)
        self.token = token


@record(slots=True)
class StaticRoute:
    """A configured route and its internal flags (no wire effect)."""

    route: Route
    watchdog: str | None = None
    withdraw: bool = False
    name: str | None = None


class RouteCursor:
    """Walks the value tokens of one route statement or command (every route grammar of `exabgp.config` reads with it)."""

    def __init__(self, tokens, end=None):
        self.tokens = list(tokens)
        self.index = 0
        self.end = end

    def done(self) -> bool:
        return self.index >= len(self.tokens)

    def peek(self):
        index, tokens = self.index, self.tokens
        return tokens[index] if index < len(tokens) else None

    def take(self, what: str):
        index, tokens = self.index, self.tokens
        if index >= len(tokens):
            raise RouteError(f"missing value for {what}", self.end or (tokens[-1] if tokens else None))
        self.index = index + 1
        return tokens[index]

    def expect(self, word: str, owner: str) -> None:
        """Take the keyword `word`, which the grammar of `owner` (``mup``, ...) puts here."""
        token = self.take(word)
        if token.text != word or token.quoted:
            raise RouteError(f"{owner} expects '{word}', not '{token.text}'", token)

    def values(self, what: str, close: str = "]") -> list:
        """One value, or every value of a ``[ ... ]`` list (commas ignored)."""
        first = self.take(what)
        opening = {"]": "[", ")": "("}[close]
        if first.punctuation and first.text == opening:
            items: list = []
            while True:
                token = self.take(what)
                if token.punctuation and token.text == close:
                    return items
                if token.punctuation and token.text == ",":
                    continue
                items.append(token)
        return [first]


class RouteDraft:
    """The keywords read so far for one route (the family grammars subclass it or read into it)."""

    def __init__(self):
        self.rd = None
        self.labels = None
        self.path_id = None
        self.nexthop = None
        self.split = None
        self.watchdog = None
        self.withdraw = False
        self.name = None
        self.tlvs = {}  # code -> (flags, value): first one wins
        self.extended = []  # 8-octet values, accumulated
        self.prefix_sid = []  # (type, data) TLVs of BGP Prefix-SID


def bounded_int(token, limit: int, what: str) -> int:
    """The integer `token` writes (decimal or 0x hexadecimal), 0 to `limit`; a `RouteError` naming `what` else."""
    text = token.text
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise RouteError(f"'{text}' is not a valid {what}", token) from None
    if not 0 <= value <= limit:
        raise RouteError(f"{what} {text} is out of range", token)
    return value


def _ipv4(token, what: str) -> bytes:
    try:
        return socket.inet_pton(socket.AF_INET, token.text)
    except OSError:
        raise RouteError(f"'{token.text}' is not a valid {what} (an IPv4 address)", token) from None


def any_address(token, what: str) -> bytes:
    """The 4 or 16 octets of the IPv4 or IPv6 address `token` writes."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            return socket.inet_pton(family, token.text)
        except OSError:
            continue
    raise RouteError(f"'{token.text}' is not a valid {what} (an IP address)", token)


def family_address(token, afi: int, what: str) -> bytes:
    """The 4 (`afi` IPv4) or 16 (IPv6) octets of an address of that family only."""
    family = socket.AF_INET if afi == AFI_IPV4 else socket.AF_INET6
    try:
        return socket.inet_pton(family, token.text)
    except OSError:
        kind = "IPv4" if afi == AFI_IPV4 else "IPv6"
        raise RouteError(f"'{token.text}' is not a valid {what} (an {kind} address)", token) from None


def parse_asn(token) -> int:
    """An AS number, ``N`` or ``HIGH.LOW`` (asdot)."""
    text = token.text
    high, dot, low = text.partition(".")
    if dot and high.isdigit() and low.isdigit() and int(high) <= 0xFFFF and int(low) <= 0xFFFF:
        return (int(high) << 16) + int(low)
    if text.isdigit() and int(text) <= 0xFFFFFFFF:
        return int(text)
    raise RouteError(f"'{text}' is not an AS number", token)


def _set(draft, code, flags, value):
    draft.tlvs.setdefault(code, (flags, value))


# ---------------------------------------------------------------- keyword readers


def _next_hop(cursor, draft):
    token = cursor.take("next-hop")
    if draft.nexthop is None:
        draft.nexthop = NEXT_HOP_SELF if token.text == "self" else any_address(token, "next-hop")


def _origin(cursor, draft):
    token = cursor.take("origin")
    if token.text.lower() not in ORIGINS:
        raise RouteError(f"'{token.text}' is not an origin (igp, egp or incomplete)", token)
    _set(draft, attr.ORIGIN, attr.TRANSITIVE, bytes((ORIGINS[token.text.lower()],)))


def _as_path_segments(cursor):
    """``N``, or segments ``[ .. ]`` (sequence), ``( .. )`` (set), braces inside for confederations."""
    first = cursor.peek()
    if first is None:
        cursor.take("as-path")
    if not (first.punctuation and first.text in "[("):
        return [(attr.AS_SEQUENCE, (parse_asn(cursor.take("as-path")),))]
    segments = []
    while cursor.peek() is not None and cursor.peek().punctuation and cursor.peek().text in "[(":
        opening = cursor.take("as-path")
        close = "]" if opening.text == "[" else ")"
        confederation = cursor.peek() is not None and cursor.peek().text == "{" and cursor.peek().quoted
        if opening.text == "[":
            kind = attr.AS_CONFED_SEQUENCE if confederation else attr.AS_SEQUENCE
        else:
            kind = attr.AS_CONFED_SET if confederation else attr.AS_SET
        asns = []
        while True:
            token = cursor.take("as-path")
            if token.punctuation and token.text == close:
                break
            if token.text in ("{", "}", ","):
                continue
            asns.append(parse_asn(token))
        if asns:
            segments.append((kind, tuple(asns)))
    return segments


def _as_path(cursor, draft):
    for code, (flags, value) in attr.encode_as_path(_as_path_segments(cursor), True).items():
        _set(draft, code, flags, value)


def _med(cursor, draft):
    _set(
        draft,
        attr.MULTI_EXIT_DISC,
        attr.OPTIONAL,
        bounded_int(cursor.take("med"), 0xFFFFFFFF, "med").to_bytes(4, "big"),
    )


def _local_preference(cursor, draft):
    _set(
        draft,
        attr.LOCAL_PREF,
        attr.TRANSITIVE,
        bounded_int(cursor.take("local-preference"), 0xFFFFFFFF, "local-preference").to_bytes(4, "big"),
    )


def _atomic_aggregate(cursor, draft):
    _set(draft, attr.ATOMIC_AGGREGATE, attr.TRANSITIVE, b"")


def token_part(token, text: str):
    """A token for part of `token`'s text (same place, for error messages)."""
    return replace(token, text=text)


def _aggregator(cursor, draft):
    tokens = cursor.values("aggregator", ")")
    if not tokens:
        raise RouteError("aggregator needs ASN:a.b.c.d", cursor.end)
    text = "".join(token.text for token in tokens)
    asn_text, colon, address = text.partition(":")
    if not colon:
        raise RouteError(f"'{text}' is not an aggregator (ASN:a.b.c.d)", tokens[0])
    asn = parse_asn(token_part(tokens[0], asn_text))
    ip = _ipv4(token_part(tokens[0], address), "aggregator")
    _set(draft, attr.AGGREGATOR, attr.OPTIONAL | attr.TRANSITIVE, asn.to_bytes(4, "big") + ip)


def _community(cursor, draft):
    values = []
    for token in cursor.values("community"):
        try:
            values.append(communities.encode_community(token.text))
        except ValueError:
            raise RouteError(f"'{token.text}' is not a community", token) from None
    _set(draft, attr.COMMUNITIES, attr.OPTIONAL | attr.TRANSITIVE, _codec.encode_communities(sorted(values)))


def _large_community(cursor, draft):
    values = set()
    for token in cursor.values("large-community"):
        try:
            values.add(communities.encode_large_community(token.text))
        except ValueError:
            raise RouteError(f"'{token.text}' is not a large community", token) from None
    _set(draft, attr.LARGE_COMMUNITY, attr.OPTIONAL | attr.TRANSITIVE, _codec.encode_large_communities(sorted(values)))


def _extended_community(cursor, draft):
    for token in cursor.values("extended-community"):
        try:
            draft.extended.append(communities.encode_extended(token.text))
        except ValueError:
            raise RouteError(f"'{token.text}' is not an extended community", token) from None


def _originator_id(cursor, draft):
    _set(draft, attr.ORIGINATOR_ID, attr.OPTIONAL, _ipv4(cursor.take("originator-id"), "originator-id"))


def _cluster_list(cursor, draft):
    _set(
        draft,
        attr.CLUSTER_LIST,
        attr.OPTIONAL,
        b"".join(_ipv4(token, "cluster-list") for token in cursor.values("cluster-list")),
    )


def _aigp(cursor, draft):
    """RFC 7311 section 3: one AIGP TLV (type 1, length 11, 8-octet metric)."""
    metric = bounded_int(cursor.take("aigp"), 0xFFFFFFFFFFFFFFFF, "aigp")
    _set(draft, attr.AIGP, attr.OPTIONAL, b"\x01\x00\x0b" + metric.to_bytes(8, "big"))


def _generic(cursor, draft):
    tokens = cursor.values("attribute")
    if len(tokens) != 3:
        raise RouteError("attribute needs [ 0xCODE 0xFLAGS 0xDATA ]", tokens[0] if tokens else None)
    code = bounded_int(tokens[0], 0xFF, "attribute code")
    flags = bounded_int(tokens[1], 0xFF, "attribute flag")
    data = tokens[2].text
    try:
        if not data.lower().startswith("0x"):
            raise ValueError
        value = bytes.fromhex(data[2:])
    except ValueError:
        raise RouteError(f"'{data}' is not 0x followed by hexadecimal octets", tokens[2]) from None
    _set(draft, code, flags, value)


def _path_information(cursor, draft):
    token = cursor.take("path-information")
    if "." in token.text:
        draft.path_id = int.from_bytes(_ipv4(token, "path-information"), "big")
    else:
        draft.path_id = bounded_int(token, 0xFFFFFFFF, "path-information")


def parse_rd(token) -> bytes:
    """RFC 4364 section 4.2: ``ASN2:N32`` (type 0), ``IP:N16`` (type 1), ``ASN4:N16`` (type 2)."""
    administrator, colon, assigned = token.text.rpartition(":")
    if not colon:
        raise RouteError(f"'{token.text}' is not a route distinguisher", token)
    if "." in administrator:
        number = bounded_int(token_part(token, assigned), 0xFFFF, "rd")
        return RD_IPV4.to_bytes(2, "big") + _ipv4(token_part(token, administrator), "rd") + number.to_bytes(2, "big")
    asn = bounded_int(token_part(token, administrator), 0xFFFFFFFF, "rd")
    if asn > 0xFFFF:
        number = bounded_int(token_part(token, assigned), 0xFFFF, "rd")
        return RD_AS4.to_bytes(2, "big") + asn.to_bytes(4, "big") + number.to_bytes(2, "big")
    number = bounded_int(token_part(token, assigned), 0xFFFFFFFF, "rd")
    return RD_AS2.to_bytes(2, "big") + asn.to_bytes(2, "big") + number.to_bytes(4, "big")


def _rd(cursor, draft):
    draft.rd = parse_rd(cursor.take("rd"))


def _label(cursor, draft):
    labels = [bounded_int(token, 0xFFFFF, "label") for token in cursor.values("label")]
    if not labels:
        raise RouteError("label needs at least one value", cursor.end)
    # RFC 3032: label << 4, the bottom-of-stack bit on the last one
    draft.labels = tuple((label << 4) | (1 if index == len(labels) - 1 else 0) for index, label in enumerate(labels))


def _prefix_sid(cursor, draft):
    """``[ INDEX ]`` or ``[ INDEX, [ ( base,range ), ... ] ]`` (RFC 8669 section 3)."""
    opening = cursor.take("bgp-prefix-sid")
    if not (opening.punctuation and opening.text == "["):
        raise RouteError("bgp-prefix-sid needs [ label-index ] or [ label-index, [ ( base,range ) ... ] ]", opening)
    index = bounded_int(cursor.take("bgp-prefix-sid"), 0xFFFFFFFF, "label index")
    # label index TLV: reserved (1), flags (2), label index (4)
    draft.prefix_sid.append((_PREFIX_SID_LABEL_INDEX, b"\x00\x00\x00" + index.to_bytes(4, "big")))
    ranges = []
    depth = 1
    while depth:
        token = cursor.take("bgp-prefix-sid")
        if token.punctuation and token.text in "[]":
            depth += 1 if token.text == "[" else -1
        elif token.text not in (",", "(", ")"):
            ranges.append(token)
    if ranges:
        if len(ranges) % 2:
            raise RouteError("an SRGB is ( base,range )", ranges[-1])
        srgb = b"".join(bounded_int(token, 0xFFFFFF, "SRGB").to_bytes(3, "big") for token in ranges)
        draft.prefix_sid.append((_PREFIX_SID_SRGB, b"\x00\x00" + srgb))  # flags (2), then base/range pairs


def _prefix_sid_srv6(cursor, draft):
    """``( l3-service|l2-service SID [behavior] [ [LBL,LNL,FL,AL,Tlen,Toff] ] )`` (RFC 9252 section 2)."""
    opening = cursor.take("bgp-prefix-sid-srv6")
    if not (opening.punctuation and opening.text == "("):
        raise RouteError("bgp-prefix-sid-srv6 needs ( l3-service|l2-service SID ... )", opening)
    service = cursor.take("bgp-prefix-sid-srv6")
    if service.text not in _SRV6_SERVICES:
        raise RouteError(f"'{service.text}' is not l3-service or l2-service", service)
    sid_token = cursor.take("bgp-prefix-sid-srv6")
    try:
        sid = socket.inet_pton(socket.AF_INET6, sid_token.text)
    except OSError:
        raise RouteError(f"'{sid_token.text}' is not an IPv6 SID", sid_token) from None
    behavior = _SRV6_DEFAULT_BEHAVIOR
    structure = b""
    while True:
        token = cursor.take("bgp-prefix-sid-srv6")
        if token.punctuation and token.text == ")":
            break
        if token.punctuation and token.text == "[":
            fields = []
            while True:
                item = cursor.take("bgp-prefix-sid-srv6")
                if item.punctuation and item.text == "]":
                    break
                if item.text != ",":
                    fields.append(bounded_int(item, 0xFF, "SID structure"))
            if len(fields) != 6:
                raise RouteError("the SID structure is [ LBL,LNL,FL,AL,Tlen,Toff ]", token)
            structure = bytes((_SRV6_SID_STRUCTURE,)) + (6).to_bytes(2, "big") + bytes(fields)
        else:
            behavior = bounded_int(token, 0xFFFF, "endpoint behavior")
    # SID information: reserved (1), SID (16), flags (1), behavior (2), reserved (1), sub-sub-TLVs
    information = b"\x00" + sid + b"\x00" + behavior.to_bytes(2, "big") + b"\x00" + structure
    body = b"\x00" + bytes((_SRV6_SID_INFORMATION,)) + len(information).to_bytes(2, "big") + information
    draft.prefix_sid.append((_SRV6_SERVICES[service.text], body))


def _split(cursor, draft):
    token = cursor.take("split")
    text = token.text[1:] if token.text.startswith("/") else ""
    if not text.isdigit():
        raise RouteError(f"'{token.text}' is not a split (/len)", token)
    draft.split = (int(text), token)


def _watchdog(cursor, draft):
    token = cursor.take("watchdog")
    if token.text in _RESERVED_WATCHDOG:
        raise RouteError(f"'{token.text}' is not a valid watchdog name", token)
    draft.watchdog = token.text


def _withdraw(cursor, draft):
    draft.withdraw = True


def _name(cursor, draft):
    draft.name = cursor.take("name").text


#: route keyword -> reader(cursor, draft)
ROUTE_KEYWORDS = {
    "next-hop": _next_hop,
    "origin": _origin,
    "as-path": _as_path,
    "med": _med,
    "local-preference": _local_preference,
    "atomic-aggregate": _atomic_aggregate,
    "aggregator": _aggregator,
    "community": _community,
    "large-community": _large_community,
    "extended-community": _extended_community,
    "originator-id": _originator_id,
    "cluster-list": _cluster_list,
    "aigp": _aigp,
    "attribute": _generic,
    "path-information": _path_information,
    "rd": _rd,
    "route-distinguisher": _rd,
    "label": _label,
    "bgp-prefix-sid": _prefix_sid,
    "bgp-prefix-sid-srv6": _prefix_sid_srv6,
    "split": _split,
    "watchdog": _watchdog,
    "withdraw": _withdraw,
    "name": _name,
}

#: the keywords the family grammars (``mcast-vpn``, ``rtc``, ``vpls``) take as the IP route does: the
#: path attributes every one of them carries in 5.0, the generic attribute, and what to do with the route
SHARED_KEYWORDS = (
    "origin",
    "as-path",
    "med",
    "local-preference",
    "atomic-aggregate",
    "aggregator",
    "originator-id",
    "cluster-list",
    "community",
    "extended-community",
    "attribute",
    "name",
    "split",
    "watchdog",
    "withdraw",
)


def keyword_readers(*keywords: str) -> dict:
    """keyword -> reader(cursor, draft), from `ROUTE_KEYWORDS`, for the words of a family grammar."""
    return {keyword: ROUTE_KEYWORDS[keyword] for keyword in keywords}


def read_keywords(cursor, draft, stop=(), keywords=None, owner: str = "route") -> None:
    """Read keywords until the end (or a word of `stop`, left unread) with the readers of `keywords`
    (`ROUTE_KEYWORDS` by default: the other grammars, ``flow``, ``mup``..., pass their own table and name)."""
    keywords = ROUTE_KEYWORDS if keywords is None else keywords
    while (token := cursor.peek()) is not None:
        if token.text in stop:
            return
        cursor.index += 1
        reader = keywords.get(token.text)
        if reader is None or token.quoted:
            raise RouteError(f"unknown {owner} keyword '{token.text}'", token)
        reader(cursor, draft)


# ---------------------------------------------------------------- building


def _network(token):
    try:
        return ipaddress.ip_network(token.text, strict=True)
    except ValueError as exc:
        reason = "host bits set" if "host bits" in str(exc) else "not a prefix"
        raise RouteError(f"'{token.text}' is not a valid route prefix ({reason})", token) from None


def _attributes(draft) -> AttributeSet:
    tlvs = dict(draft.tlvs)
    if draft.extended:
        tlvs.setdefault(
            attr.EXTENDED_COMMUNITIES, (attr.OPTIONAL | attr.TRANSITIVE, b"".join(sorted(set(draft.extended))))
        )
    if draft.prefix_sid:
        tlvs.setdefault(
            attr.BGP_PREFIX_SID,
            (
                attr.OPTIONAL | attr.TRANSITIVE,
                b"".join(bytes((kind,)) + len(data).to_bytes(2, "big") + data for kind, data in draft.prefix_sid),
            ),
        )
    return AttributeSet((code, flags, value) for code, (flags, value) in tlvs.items())


def _safi(afi: int, length: int, packed: bytes, draft, safi):
    """The SAFI of a prefix: `safi` when the block says it, else what the keywords make it (module docstring)."""
    if safi is None:
        if draft.rd is not None:
            safi = SAFI_MPLS_VPN
        elif draft.labels is not None:
            safi = SAFI_NLRI_MPLS
        elif afi == AFI_IPV4 and length >= 4 and packed[0] & 0xF0 == 0xE0:  # inside 224.0.0.0/4
            safi = SAFI_MULTICAST
        else:
            safi = SAFI_UNICAST
    return safi


def _prefix(token) -> tuple:
    """(afi, length, packed network address) of the prefix `token` writes.

    An IPv4 prefix written as most are (`IPV4_PREFIX`, no host bits) is read
    here; any other text is read by `ipaddress` (`_network`), which says what
    is wrong with it: both read the same prefixes alike, this one at a
    fraction of the cost (a full table or a 1 MiB ``nlri`` line)."""
    found = _IPV4_PREFIX.fullmatch(token.text)
    if found is not None:
        a, b, c, d, length = found.groups()
        value = (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)
        length = 32 if length is None else int(length)
        if not value & ((1 << (32 - length)) - 1):
            return AFI_IPV4, length, value.to_bytes(4, "big")
    network = _network(token)
    return (AFI_IPV4 if network.version == 4 else AFI_IPV6), network.prefixlen, network.network_address.packed


def _check_split(prefix_tokens, length: int, token) -> None:
    """Refuse a ``split /length`` of these prefixes that makes more than `SPLIT_MAX` routes, before making any."""
    made = 0
    for prefix in prefix_tokens:
        network = _network(prefix)
        if network.prefixlen <= length:
            made += 1 << (length - network.prefixlen)
    if made > SPLIT_MAX:
        raise RouteError(f"split /{length} would make more than {SPLIT_MAX} routes", token)


def build(prefix_tokens, draft, interned, safi=None) -> list:
    """The `StaticRoute`s of `draft` for each prefix token (split applied)."""
    attributes = interned.intern(_attributes(draft))
    if draft.split is not None:
        _check_split(prefix_tokens, *draft.split)
    routes = []
    nexthop = NO_NEXT_HOP if draft.nexthop is None else draft.nexthop
    for token in prefix_tokens:
        afi, length, packed = _prefix(token)
        family_safi = _safi(afi, length, packed, draft, safi)
        if family_safi == SAFI_MPLS_VPN and (draft.rd is None or draft.labels is None):
            raise RouteError("invalid route (missing next-hop, label or rd ?)", token)
        if family_safi == SAFI_NLRI_MPLS and draft.labels is None:
            raise RouteError("invalid route (missing next-hop, label or rd ?)", token)
        if draft.nexthop is None and family_safi in (SAFI_UNICAST, SAFI_MULTICAST) and afi == AFI_IPV4:
            raise RouteError("invalid announcement (missing next-hop ?)", token)
        parts: list[tuple[int, bytes]] = [(length, packed)]
        if draft.split is not None:
            split, split_token = draft.split
            network = _network(token)
            if not length <= split <= network.max_prefixlen:
                raise RouteError(f"can not split /{length} into /{split}", split_token)
            parts = [(item.prefixlen, item.network_address.packed) for item in network.subnets(new_prefix=split)]
        labels = draft.labels if family_safi in (SAFI_NLRI_MPLS, SAFI_MPLS_VPN) else None
        rd = draft.rd if family_safi == SAFI_MPLS_VPN else None
        for part_length, part_packed in parts:
            nlri = Prefix(afi, family_safi, draft.path_id, part_length, part_packed, labels, rd)
            routes.append(StaticRoute(Route(nlri, nexthop, attributes), draft.watchdog, draft.withdraw, draft.name))
    return routes


def draft_route(nlri, nexthop: bytes, draft, interned, name=None) -> StaticRoute:
    """The `StaticRoute` of one NLRI with the attributes and flags read into `draft` (the grammars of
    `exabgp.config.flow`, `vpls`, `mvpn` and `mup`)."""
    attributes = interned.intern(_attributes(draft))
    return StaticRoute(Route(nlri, nexthop, attributes), draft.watchdog, draft.withdraw, name or draft.name)


def parse_route(tokens, interned, safi=None, end=None) -> list:
    """``PREFIX keyword value ...`` (the words after ``route`` or after the SAFI keyword)."""
    cursor = RouteCursor(tokens, end)
    prefix = cursor.take("route")
    draft = RouteDraft()
    read_keywords(cursor, draft)
    return build([prefix], draft, interned, safi)


def parse_attributes(tokens, interned, end=None) -> list:
    """``attributes keyword value ... nlri PREFIX PREFIX ...`` (the words after ``attributes``)."""
    cursor = RouteCursor(tokens, end)
    draft = RouteDraft()
    read_keywords(cursor, draft, stop=("nlri",))
    if cursor.done():
        raise RouteError("attributes needs nlri followed by prefixes", end)
    cursor.take("nlri")
    prefixes = [token for token in cursor.tokens[cursor.index :] if token.text != ","]
    if not prefixes:
        raise RouteError("nlri needs at least one prefix", end)
    return build(prefixes, draft, interned)


# ---------------------------------------------------------------- canonical text


def _segments_text(segments) -> str:
    parts = []
    for kind, asns in segments:
        numbers = " ".join(str(asn) for asn in asns)
        if kind == attr.AS_SEQUENCE:
            parts.append(f"[ {numbers} ]")
        elif kind == attr.AS_SET:
            parts.append(f"( {numbers} )")
        elif kind == attr.AS_CONFED_SEQUENCE:
            parts.append(f"[ {{ {numbers} }} ]")
        else:
            parts.append(f"( {{ {numbers} }} )")
    return " ".join(parts)


def _as_path_text(value: bytes):
    """``as-path ...`` for a 4-octet AS_PATH that `as-path` writes back octet for octet, else None (a generic one)."""
    try:
        segments = [(kind, tuple(asns)) for kind, asns in _codec.decode_as_path(value, True)]
    except CodecError:
        return None
    if attr.encode_as_path(segments, True)[attr.AS_PATH][1] != value:
        return None
    return "as-path " + (_segments_text(segments) if segments else "[ ]")


def _aggregator_text(value: bytes) -> str:
    return f"aggregator ( {int.from_bytes(value[:4], 'big')}:{address_text(value[4:])} )"


def _chunks(value: bytes, size: int):
    return [value[index : index + size] for index in range(0, len(value), size)]


#: code -> (flags 5.0 sends, value -> keyword text or None); other TLVs print as `attribute [ ... ]`
_READABLE = {
    attr.ORIGIN: (
        attr.TRANSITIVE,
        lambda v: f"origin {_ORIGIN_NAMES[v[0]]}" if len(v) == 1 and v[0] in _ORIGIN_NAMES else None,
    ),
    attr.AS_PATH: (attr.TRANSITIVE, lambda v: _as_path_text(v)),
    attr.MULTI_EXIT_DISC: (attr.OPTIONAL, lambda v: f"med {int.from_bytes(v, 'big')}" if len(v) == 4 else None),
    attr.LOCAL_PREF: (
        attr.TRANSITIVE,
        lambda v: f"local-preference {int.from_bytes(v, 'big')}" if len(v) == 4 else None,
    ),
    attr.ATOMIC_AGGREGATE: (attr.TRANSITIVE, lambda v: "atomic-aggregate" if not v else None),
    attr.AGGREGATOR: (
        attr.OPTIONAL | attr.TRANSITIVE,
        lambda v: _aggregator_text(v) if len(v) == 8 else None,
    ),
    attr.COMMUNITIES: (
        attr.OPTIONAL | attr.TRANSITIVE,
        lambda v: (
            "community [ "
            + " ".join(f"{int.from_bytes(c[:2], 'big')}:{int.from_bytes(c[2:], 'big')}" for c in _chunks(v, 4))
            + " ]"
            if v and len(v) % 4 == 0
            else None
        ),
    ),
    attr.LARGE_COMMUNITY: (
        attr.OPTIONAL | attr.TRANSITIVE,
        lambda v: (
            "large-community [ "
            + " ".join(":".join(str(int.from_bytes(c[i : i + 4], "big")) for i in (0, 4, 8)) for c in _chunks(v, 12))
            + " ]"
            if v and len(v) % 12 == 0
            else None
        ),
    ),
    attr.EXTENDED_COMMUNITIES: (
        attr.OPTIONAL | attr.TRANSITIVE,
        lambda v: (
            "extended-community [ " + " ".join("0x" + c.hex().upper() for c in _chunks(v, 8)) + " ]"
            if v and len(v) % 8 == 0
            else None
        ),
    ),
    attr.ORIGINATOR_ID: (attr.OPTIONAL, lambda v: f"originator-id {address_text(v)}" if len(v) == 4 else None),
    attr.CLUSTER_LIST: (
        attr.OPTIONAL,
        lambda v: (
            "cluster-list [ " + " ".join(address_text(c) for c in _chunks(v, 4)) + " ]"
            if v and len(v) % 4 == 0
            else None
        ),
    ),
}


def unsendable(route: Route):
    """Why no UPDATE can carry `route` (`exabgp.rib.packing.fits`, whatever the session negotiates), or None."""
    from exabgp.rib import packing  # with the first route only: the short commands do without the RIB

    if packing.fits(route):
        return None
    return f"the route {family_name(*route.family)} {route.nlri.spec()} can not be sent: {packing.too_large(route)}"


def route_text(static: StaticRoute, local_as: int | None, peer_as: int | None) -> str:
    """``<afi> <safi> PREFIX keywords...``: the canonical text of one route of a neighbor with these ASes (None:
    ``auto``), without the attributes its session gives anyway (`exabgp.rib.export.stated`)."""
    route = static.route
    words = [family_name(route.nlri.afi, route.nlri.safi), route.nlri.spec()]
    if route.nexthop == NEXT_HOP_SELF:
        words.append("next-hop self")
    elif route.nexthop:
        words.append(f"next-hop {address_text(route.nexthop)}")
    from exabgp.rib.export import stated  # with the canonical text only: the short commands do without the RIB

    tlvs = stated(route.attributes, local_as, peer_as)
    for code, (flags, value) in sorted(tlvs.items()):
        readable = _READABLE.get(code)
        text = readable[1](value) if readable and readable[0] == flags else None
        words.append(text or f"attribute [ 0x{code:02X} 0x{flags:02X} 0x{value.hex().upper()} ]")
    if static.watchdog is not None:
        words.append(f"watchdog {values.quote(static.watchdog)}")
    if static.withdraw:
        words.append("withdraw")
    if static.name is not None:
        words.append(f"name {values.quote(static.name)}")
    return " ".join(words)
