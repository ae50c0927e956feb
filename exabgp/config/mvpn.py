"""MCAST-VPN routes of the configuration and of the API turned into `StaticRoute`s.

See docs/compatibility.md, "VPLS, MCAST-VPN, MUP and RTC routes".

One spelling, whose NLRI is an `exabgp.bgp.mvpn.MVPN` (RFC 6514 sections
4.5 and 4.6): ``mcast-vpn <route> <attributes>`` in ``announce { ipv4 { } }``
/ ``announce { ipv6 { } }`` and after the API's ``announce ipv4 mcast-vpn``
/ ``withdraw ipv6 mcast-vpn`` (`flat_route`, given the AFI of the section or
command); also what `exabgp.config.route.route_text` prints after
``ipv4 mcast-vpn`` (`MVPN.spec`).

``<route>`` is one of, its words in this order as 5.0 reads them:

* ``source-ad source ADDRESS group ADDRESS rd RD`` (route type 5);
* ``shared-join rp ADDRESS group ADDRESS rd RD source-as N`` (type 6);
* ``source-join source ADDRESS group ADDRESS rd RD source-as N`` (type 7);

the addresses are of the AFI of the section (IPv4 for ``ipv4``, IPv6 for
``ipv6``), the Source AS a decimal number from 0 to 4294967295.  The
attributes follow, in any order: ``next-hop`` (required, as 5.0 requires it;
``self`` allowed) and the route keywords 5.0 takes for IP routes, read by
`exabgp.config.route` (`KEYWORDS`).  The session defaults of static routes
apply; the next hop goes in MP_REACH_NLRI and, when IPv4, in a NEXT_HOP
attribute too (`exabgp.rib.packing`).
"""

from exabgp.bgp.mvpn import ASN_MAX, KEYWORDS as ROUTE_NAMES, ROUTE_TYPES, build
from exabgp.config.route import (
    SHARED_KEYWORDS,
    keyword_readers,
    RouteError,
    StaticRoute,
    RouteCursor,
    RouteDraft,
    draft_route,
    family_address,
    parse_rd,
    read_keywords,
)

#: keyword -> reader(cursor, draft): the route keywords an MCAST-VPN route takes (5.0's IP route keywords)
KEYWORDS = keyword_readers("next-hop", *SHARED_KEYWORDS, "large-community", "aigp")


def _address(cursor, afi: int, what: str) -> bytes:
    return family_address(cursor.take(what), afi, f"mcast-vpn {what}")


def flat_route(tokens, interned, afi: int, end=None, where=None) -> StaticRoute:
    """``<route type> <fields> <attributes>`` (the words after ``mcast-vpn``) for the AFI `afi`; a missing
    next hop is reported at `where` (the ``mcast-vpn`` token), else at `end`."""
    tokens = list(tokens)
    cursor = RouteCursor(tokens, end)
    token = cursor.take("mcast-vpn route type")
    code = ROUTE_NAMES.get(token.text)
    if code is None or token.quoted:
        raise RouteError(f"unknown mcast-vpn route type '{token.text}' (source-ad, shared-join or source-join)", token)
    _name, _short, _keyword, source_word, has_as = ROUTE_TYPES[code]
    cursor.expect(source_word, "mcast-vpn")
    source = _address(cursor, afi, source_word)
    cursor.expect("group", "mcast-vpn")
    group = _address(cursor, afi, "group")
    cursor.expect("rd", "mcast-vpn")
    rd = parse_rd(cursor.take("rd"))
    source_as = None
    if has_as:
        cursor.expect("source-as", "mcast-vpn")
        token = cursor.take("source-as")
        if not (token.text.isascii() and token.text.isdigit()) or int(token.text) > ASN_MAX:
            raise RouteError(f"invalid mcast-vpn source-as '{token.text}' (0 to {ASN_MAX})", token)
        source_as = int(token.text)
    draft = RouteDraft()
    read_keywords(cursor, draft, keywords=KEYWORDS, owner="mcast-vpn")
    if draft.nexthop is None:
        raise RouteError("mcast-vpn needs next-hop", where or end or tokens[0])
    nlri = build(afi, code, rd, source, group, source_as)
    return draft_route(nlri, draft.nexthop, draft, interned)
