"""FlowSpec rules of the configuration and of the API turned into `StaticRoute`s.

See docs/compatibility.md, "FlowSpec rules".

Two spellings give the same route, whose NLRI is an `exabgp.bgp.flow.Flow`:

* the block, ``flow { route [NAME] { rd ...; next-hop ...; match { ... }
  then { ... } } }`` (`section_routes`), also what ``announce flow route {
  ... }`` carries on the API;
* the flat form, ``flow <keyword> <values> ...`` after ``announce { ipv4 {
  flow ...; } }`` or ``announce ipv4 flow ...`` (`flat_route`): match
  keywords, ``rd`` / ``next-hop``, the ``then`` actions and the route
  attribute keywords of `exabgp.config.route`, in any order.  A match
  keyword takes one value, a ``[ ... ]`` list, or every value up to the next
  keyword.  This is also the form
  `exabgp.config.route.route_text` prints.

Match components (RFC 8955 section 4.2.2, RFC 8956 section 3) are read by
`exabgp.bgp.flow.parse_component`; the rule is IPv6 when one of its
components says so (an ``-ipv6`` keyword, ``next-header``,
``traffic-class``, ``flow-label``, or a prefix with ``:``), else IPv4;
``rd`` makes it flow-vpn (SAFI 134).

Actions (RFC 8955 section 7 and the drafts 5.0 follows), each an extended
community added to the route's, as 5.0 encodes them:

* ``accept``: nothing; ``discard``: traffic-rate 0 (0x8006, ASN 0, rate as
  an IEEE float); ``rate-limit N``: traffic-rate N bytes a second (at most
  10^12, as 5.0 caps it);
* ``redirect ASN:N``: 0x8008 (2-octet ASN, 4-octet value) or 0x8208 for a
  4-octet ASN (4-octet ASN, 2-octet value, RFC 7674); ``redirect ADDRESS``:
  the route's next hop becomes ADDRESS with draft-simpson's 0x0800;
* ``redirect-to-nexthop``: 0x0800 (the next hop given with ``next-hop``);
  ``copy ADDRESS``: 0x0800 with the copy bit, next hop ADDRESS;
* ``redirect-to-nexthop-ietf ADDRESS``: draft-ietf-idr-flowspec-redirect-ip,
  0x010C for IPv4, and for IPv6 0x000C in an IPv6 Address Specific Extended
  Community attribute (RFC 5701, type 25);
* ``mark DSCP``: traffic-marking 0x8009; ``action sample|terminal|
  sample-terminal``: traffic-action 0x8007 with the S (0x02) / T (0x01) bits;
* ``community``, ``large-community``, ``extended-community`` and every
  other route attribute keyword as in static routes.

The session defaults of static routes apply (ORIGIN IGP, empty AS_PATH and
LOCAL_PREF 100 on iBGP...); no NEXT_HOP attribute is sent for FlowSpec
(`exabgp.rib.packing`): the next hop, when there is one, goes in
MP_REACH_NLRI.  ``scope { interface-set ...; }`` (also a flat keyword)
adds draft-ietf-idr-flowspec-interfaceset's extended community (0x07/0x02,
0x47/0x02 non-transitive).
"""

import struct

from exabgp.bgp import attribute as attr
from exabgp.bgp import community as communities
from exabgp.bgp import flow as flowspec
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_FLOW, SAFI_FLOW_VPN
from exabgp.bgp.route import NO_NEXT_HOP
from exabgp.config import values
from exabgp.config.route import (
    ROUTE_KEYWORDS,
    RouteError,
    StaticRoute,
    RouteCursor,
    RouteDraft,
    any_address,
    draft_route,
    bounded_int,
    token_part,
    read_keywords,
)

#: the match keywords (the component names in both families, and 5.0's aliases)
MATCH_KEYWORDS = frozenset(
    {name for ipv4, ipv6, _kind in flowspec.COMPONENTS.values() for name in (ipv4, ipv6)} | {"source", "destination"}
)
#: keywords and value shapes that make a rule IPv6
_IPV6_KEYWORDS = frozenset(("source-ipv6", "destination-ipv6", "next-header", "traffic-class", "flow-label"))

#: RFC 8955 section 7 extended community types and subtypes, and the drafts'
_TRAFFIC_RATE = b"\x80\x06"
_TRAFFIC_ACTION = b"\x80\x07"
_REDIRECT_AS2 = b"\x80\x08"
_REDIRECT_AS4 = b"\x82\x08"
_TRAFFIC_MARKING = b"\x80\x09"
_REDIRECT_NEXTHOP = b"\x08\x00"  # draft-simpson-idr-flowspec-redirect
_REDIRECT_IPV4_IETF = b"\x01\x0c"  # draft-ietf-idr-flowspec-redirect-ip
_REDIRECT_IPV6_IETF = b"\x00\x0c"  # the same, IPv6 Address Specific (RFC 5701)
_COPY = 0x01  # draft-simpson: the C bit, last octet
_ACTIONS = {"sample": 0x02, "terminal": 0x01, "sample-terminal": 0x03}
_RATE_MAX = 10**12


def _rate(rate: float) -> bytes:
    return _TRAFFIC_RATE + b"\x00\x00" + struct.pack("!f", rate)


def _discard(cursor, draft):
    draft.extended.append(_rate(0.0))


def _accept(cursor, draft):
    pass


def _rate_limit(cursor, draft):
    token = cursor.take("rate-limit")
    try:
        rate = float(token.text)
    except ValueError:
        raise RouteError(f"'{token.text}' is not a rate", token) from None
    if not 0 <= rate:
        raise RouteError(f"'{token.text}' is not a rate", token)
    draft.extended.append(_rate(min(rate, _RATE_MAX)))


def _redirect(cursor, draft):
    token = cursor.take("redirect")
    administrator, colon, assigned = token.text.rpartition(":")
    if colon and administrator.isdigit():
        asn = bounded_int(token_part(token, administrator), 0xFFFFFFFF, "redirect ASN")
        if asn > 0xFFFF:
            number = bounded_int(token_part(token, assigned), 0xFFFF, "redirect value")
            draft.extended.append(_REDIRECT_AS4 + asn.to_bytes(4, "big") + number.to_bytes(2, "big"))
        else:
            number = bounded_int(token_part(token, assigned), 0xFFFFFFFF, "redirect value")
            draft.extended.append(_REDIRECT_AS2 + asn.to_bytes(2, "big") + number.to_bytes(4, "big"))
        return
    draft.nexthop = any_address(token, "redirect")
    draft.extended.append(_REDIRECT_NEXTHOP + bytes(6))


def _redirect_to_nexthop(cursor, draft):
    draft.extended.append(_REDIRECT_NEXTHOP + bytes(6))


def _copy(cursor, draft):
    draft.nexthop = any_address(cursor.take("copy"), "copy")
    draft.extended.append(_REDIRECT_NEXTHOP + bytes(5) + bytes((_COPY,)))


def _redirect_ietf(cursor, draft):
    address = any_address(cursor.take("redirect-to-nexthop-ietf"), "redirect-to-nexthop-ietf")
    if len(address) == 4:
        draft.extended.append(_REDIRECT_IPV4_IETF + address + b"\x00\x00")
    else:
        draft.tlvs.setdefault(
            attr.IPV6_EXTENDED_COMMUNITIES,
            (attr.OPTIONAL | attr.TRANSITIVE, _REDIRECT_IPV6_IETF + address + b"\x00\x00"),
        )


def _mark(cursor, draft):
    draft.extended.append(_TRAFFIC_MARKING + bytes(5) + bytes((bounded_int(cursor.take("mark"), 63, "DSCP"),)))


def _action(cursor, draft):
    token = cursor.take("action")
    flags = _ACTIONS.get(token.text.lower())
    if flags is None:
        raise RouteError(f"'{token.text}' is not a flow action (sample, terminal or sample-terminal)", token)
    draft.extended.append(_TRAFFIC_ACTION + bytes(5) + bytes((flags,)))


def _interface_set(cursor, draft):
    """draft-ietf-idr-flowspec-interfaceset: ``transitive|non-transitive:input|output|input-output:ASN:GROUP``,
    type 0x07 (0x47 non-transitive) subtype 0x02, the ASN on 4 octets, the direction in the two top bits of the
    14-bit group id."""
    for token in cursor.values("interface-set"):
        fields = token.text.split(":")
        kind = _INTERFACE_SET_KINDS.get(fields[0].lower()) if len(fields) == 4 else None
        direction = _INTERFACE_SET_DIRECTIONS.get(fields[1].lower()) if kind is not None else None
        if direction is None:
            raise RouteError(
                f"'{token.text}' is not an interface-set "
                "(transitive|non-transitive:input|output|input-output:ASN:GROUP)",
                token,
            )
        asn = bounded_int(token_part(token, fields[2]), 0xFFFFFFFF, "interface-set ASN")
        group = bounded_int(token_part(token, fields[3]), 0x3FFF, "interface-set group")
        draft.extended.append(
            bytes((kind, 0x02)) + asn.to_bytes(4, "big") + (direction << 14 | group).to_bytes(2, "big")
        )


_INTERFACE_SET_KINDS = {"transitive": 0x07, "non-transitive": 0x47}
_INTERFACE_SET_DIRECTIONS = {name: value for value, name in communities.INTERFACE_SET_DIRECTIONS.items()}

#: ``scope`` keyword -> reader(cursor, draft)
SCOPE = {"interface-set": _interface_set}

#: ``then`` keyword -> reader(cursor, draft)
ACTIONS = {
    "accept": _accept,
    "discard": _discard,
    "rate-limit": _rate_limit,
    "redirect": _redirect,
    "redirect-to-nexthop": _redirect_to_nexthop,
    "redirect-to-nexthop-ietf": _redirect_ietf,
    "copy": _copy,
    "mark": _mark,
    "action": _action,
}
#: what a ``then`` block accepts
THEN_KEYWORDS = {
    **ACTIONS,
    **{name: ROUTE_KEYWORDS[name] for name in ("community", "large-community", "extended-community")},
}
#: what a ``route`` block of ``flow`` accepts besides match / then / scope
_ROUTE_BLOCK_KEYWORDS = {name: ROUTE_KEYWORDS[name] for name in ("rd", "route-distinguisher", "next-hop")}
#: what may follow the match components in the flat form
_FLAT_KEYWORDS = {**ROUTE_KEYWORDS, **ACTIONS, **SCOPE}


def _read(cursor, draft, keywords: dict) -> None:
    read_keywords(cursor, draft, keywords=keywords, owner="flow")


def _afi(match) -> int:
    """The AFI a rule's components say (module docstring)."""
    for keyword, words in match:
        if keyword.text in _IPV6_KEYWORDS:
            return AFI_IPV6
        if keyword.text in ("source", "destination") and any(":" in word.text for word in words):
            return AFI_IPV6
    return AFI_IPV4


def _route(match, draft, interned, name, where, afi=None) -> StaticRoute:
    """The route of `match` (``[(keyword token, value tokens)]``) and the other keywords read into `draft`."""
    if not match:
        raise RouteError("a flow route needs at least one match component", where)
    afi = afi or _afi(match)
    safi = SAFI_FLOW if draft.rd is None else SAFI_FLOW_VPN
    components = []
    for keyword, words in match:
        try:
            components.append(flowspec.parse_component(afi, keyword.text, [word.text for word in words]))
        except ValueError as error:
            raise RouteError(f"{keyword.text}: {error}", words[0] if words else keyword) from None
    try:
        nlri = flowspec.build(afi, safi, draft.rd or b"", components)
    except ValueError as error:
        raise RouteError(str(error), where) from None
    nexthop = NO_NEXT_HOP if draft.nexthop is None else draft.nexthop
    return draft_route(nlri, nexthop, draft, interned, name)


def _values(statement) -> list:
    return [word for word in statement.words[1:] if not word.punctuation]


def block_route(statement, interned) -> StaticRoute:
    """``route [NAME] { rd ...; next-hop ...; match { ... } then { ... } }`` (an `exabgp.config.lexer.Statement`)."""
    name = values.named_block(statement, "route", optional=True)
    draft = RouteDraft()
    match = []
    for line in statement.block:
        keyword = line.keyword
        if keyword == "match":
            values.block(line)
            for item in line.block:
                values.plain(item)
                if item.keyword not in MATCH_KEYWORDS:
                    raise RouteError(f"unknown flow match keyword '{item.keyword}'", item.words[0])
                match.append((item.words[0], _values(item)))
        elif keyword == "then":
            values.block(line)
            for item in line.block:
                values.plain(item)
                _read(RouteCursor(item.words, item.end), draft, THEN_KEYWORDS)
        elif keyword == "scope":
            values.block(line)
            for item in line.block:
                values.plain(item)
                _read(RouteCursor(item.words, item.end), draft, SCOPE)
        elif keyword in _ROUTE_BLOCK_KEYWORDS:
            values.plain(line)
            _read(RouteCursor(line.words, line.end), draft, _ROUTE_BLOCK_KEYWORDS)
        else:
            raise RouteError(
                f"unknown flow route keyword '{keyword}' (expected rd, next-hop, match, then or scope)", line.words[0]
            )
    return _route(match, draft, interned, name, statement.words[0])


def section_routes(statement, interned) -> list:
    """The routes of a ``flow { route ... }`` section."""
    values.block(statement)
    routes = []
    for line in statement.block:
        if line.keyword != "route":
            raise RouteError(f"unknown flow keyword '{line.keyword}' (expected route)", line.words[0])
        routes.append(block_route(line, interned))
    return routes


def flat_route(tokens, interned, end=None, afi=None) -> StaticRoute:
    """The flat form: match keywords with their values, then route keywords and actions (module docstring).

    `afi` is the family's when the caller names it (``announce ipv6 flow ...``).
    """
    cursor = RouteCursor(tokens, end)
    draft = RouteDraft()
    match = []
    while not cursor.done():
        token = cursor.take("flow keyword")
        if token.quoted:
            raise RouteError(f"unknown flow keyword '{token.text}'", token)
        if token.text in MATCH_KEYWORDS:
            following = cursor.peek()
            if following is not None and following.punctuation and following.text == "[":
                words = cursor.values(token.text)
            else:
                words = []
                while (
                    not cursor.done()
                    and not cursor.peek().punctuation
                    and (cursor.peek().text not in MATCH_KEYWORDS and cursor.peek().text not in _FLAT_KEYWORDS)
                ):
                    words.append(cursor.take(token.text))
            if not words:
                raise RouteError(f"missing value for {token.text}", token)
            match.append((token, words))
            continue
        reader = _FLAT_KEYWORDS.get(token.text)
        if reader is None:
            raise RouteError(f"unknown flow keyword '{token.text}'", token)
        reader(cursor, draft)
    return _route(match, draft, interned, None, end or (tokens[0] if tokens else None), afi)
