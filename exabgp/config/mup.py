"""BGP-MUP routes of the configuration and of the API turned into `StaticRoute`s.

See docs/compatibility.md, "VPLS, MCAST-VPN, MUP and RTC routes".

One spelling, whose NLRI is an `exabgp.bgp.mup.MUP` (draft-mpmz-bess-mup-safi
section 3.1): ``mup <route> <attributes>`` in ``announce { ipv4 { } }`` /
``announce { ipv6 { } }`` and after the API's ``announce ipv4 mup`` /
``withdraw ipv6 mup`` (`flat_route`, given the AFI of the section or
command); also what `exabgp.config.route.route_text` prints after ``ipv4
mup`` (`MUP.spec`).

``<route>`` is one of, its words in this order as 5.0 reads them:

* ``mup-isd PREFIX/LEN rd RD``;
* ``mup-dsd ADDRESS rd RD``;
* ``mup-t1st PREFIX/LEN rd RD teid N qfi N endpoint ADDRESS [source ADDRESS]``
  (TEID 0 to 4294967295, QFI 0 to 255);
* ``mup-t2st ADDRESS rd RD teid N/BITS`` (BITS 0 to 32, N below 2^BITS);

every address and prefix of the AFI of the section.  Departure from 5.0:
5.0.15 takes a prefix of the other AFI, or longer than its address, and
sends an NLRI it cannot decode itself; this module refuses them.

The attributes follow, in any order, as 5.0 takes them for MUP:
``next-hop`` (required, as 5.0 requires it), ``extended-community``
(``mup:N:N`` among the others) and ``bgp-prefix-sid-srv6``, read by
`exabgp.config.route` (`KEYWORDS`); also the generic ``attribute [ CODE
FLAGS VALUE ]``, which 5.0 refuses here: the canonical text
(`exabgp.config.route.route_text`) writes the BGP Prefix-SID that way.  The session defaults of static routes
apply; the next hop goes in MP_REACH_NLRI (an IPv4 one on ipv6 mup
IPv4-mapped, as 5.0 sends it: `exabgp.rib.packing`).
"""

from exabgp.bgp.family import AFI_IPV4
from exabgp.bgp.mup import DSD, ISD, QFI_MAX, T1ST, TEID_BITS, TEID_MAX, dsd, isd, t1st, t2st
from exabgp.bgp.mup import KEYWORDS as ROUTE_NAMES
from exabgp.bgp.record import replace
from exabgp.config.route import (
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

#: keyword -> reader(cursor, draft): the route keywords a MUP route takes (5.0's, and ``attribute``)
KEYWORDS = keyword_readers("next-hop", "extended-community", "bgp-prefix-sid-srv6", "attribute")


def _ip(token, afi: int, what: str) -> bytes:
    return family_address(token, afi, f"mup {what}")


def _address(cursor, afi: int, what: str) -> bytes:
    return _ip(cursor.take(what), afi, what)


def _number(token, limit: int, what: str) -> int:
    if not (token.text.isascii() and token.text.isdigit()) or int(token.text) > limit:
        raise RouteError(f"invalid mup {what} '{token.text}' (0 to {limit})", token)
    return int(token.text)


def _prefix(cursor, afi: int):
    token = cursor.take("prefix")
    text, slash, length = token.text.partition("/")
    address = _ip(replace(token, text=text), afi, "prefix") if slash else None
    bits = 32 if afi == AFI_IPV4 else 128
    if address is None or not (length.isascii() and length.isdigit()) or int(length) > bits:
        raise RouteError(f"'{token.text}' is not a valid mup prefix (ADDRESS/0-{bits} of the AFI)", token)
    return address, int(length)


def _rd(cursor):
    cursor.expect("rd", "mup")
    return parse_rd(cursor.take("rd"))


def _teid_bits(cursor):
    token = cursor.take("teid")
    teid, slash, bits = token.text.partition("/")
    if not (
        slash
        and teid.isascii()
        and teid.isdigit()
        and bits.isascii()
        and bits.isdigit()
        and int(bits) <= TEID_BITS
        and int(teid) < 1 << int(bits)
    ):
        raise RouteError(
            f"invalid mup teid '{token.text}' (TEID/BITS, BITS 0 to {TEID_BITS}, TEID below 2^BITS)", token
        )
    return int(teid), int(bits)


def _nlri(cursor, afi: int):
    token = cursor.take("mup route type")
    code = ROUTE_NAMES.get(token.text)
    if code is None or token.quoted:
        raise RouteError(f"unknown mup route type '{token.text}' (mup-isd, mup-dsd, mup-t1st or mup-t2st)", token)
    if code == ISD:
        address, plen = _prefix(cursor, afi)
        return isd(afi, _rd(cursor), address, plen)
    if code == DSD:
        address = _address(cursor, afi, "address")
        return dsd(afi, _rd(cursor), address)
    if code == T1ST:
        address, plen = _prefix(cursor, afi)
        rd = _rd(cursor)
        cursor.expect("teid", "mup")
        teid = _number(cursor.take("teid"), TEID_MAX, "teid")
        cursor.expect("qfi", "mup")
        qfi = _number(cursor.take("qfi"), QFI_MAX, "qfi")
        cursor.expect("endpoint", "mup")
        endpoint = _address(cursor, afi, "endpoint")
        source = b""
        if cursor.peek() is not None and cursor.peek().text == "source" and not cursor.peek().quoted:
            cursor.take("source")
            source = _address(cursor, afi, "source")
        return t1st(afi, rd, address, plen, teid, qfi, endpoint, source)
    endpoint = _address(cursor, afi, "endpoint")
    rd = _rd(cursor)
    cursor.expect("teid", "mup")
    teid, bits = _teid_bits(cursor)
    return t2st(afi, rd, endpoint, teid, bits)


def flat_route(tokens, interned, afi: int, end=None, where=None) -> StaticRoute:
    """``<route type> <fields> <attributes>`` (the words after ``mup``) for the AFI `afi`; a missing next hop
    is reported at `where` (the ``mup`` token), else at `end`."""
    tokens = list(tokens)
    cursor = RouteCursor(tokens, end)
    nlri = _nlri(cursor, afi)
    draft = RouteDraft()
    read_keywords(cursor, draft, keywords=KEYWORDS, owner="mup")
    if draft.nexthop is None:
        raise RouteError("mup needs next-hop", where or end or tokens[0])
    return draft_route(nlri, draft.nexthop, draft, interned)
