"""Route Target Constraint routes of the configuration and of the API turned into `StaticRoute`s.

ExaBGP 5.0.15 has no syntax to originate RTC routes (it decodes them only,
docs/compatibility.md, "Families"); this build adds one, written like 5.0's one-line forms of
the other families and its text of an RTC NLRI (``rtc 65000:target:65000:100``
in its logs): ``rtc <nlri> <attributes>`` in ``announce { ipv4 { } }`` and
after the API's ``announce ipv4 rtc`` / ``withdraw ipv4 rtc`` (`flat_route`);
also what `exabgp.config.route.route_text` prints after ``ipv4 rtc``
(`RTC.spec`).

``<nlri>`` is one word (RFC 4684 section 4):

* ``wildcard``: the default route target (prefix length 0);
* ``ORIGIN`` or ``ORIGIN/32``: the origin AS alone (length 32);
* ``ORIGIN:TARGET``: origin AS and route target (length 96);
* ``ORIGIN:TARGET/L``, L from 32 to 96: the origin AS and the first
  ``L - 32`` bits of the route target (the bits past L are cleared).

ORIGIN is an AS number (``65000`` or ``1.10``), TARGET an extended community
as the ``extended-community`` keyword reads it (``target:65000:100``,
``65000:100``, ``target:1.2.3.4:100``, ``0x`` + 16 hex digits...).

The attributes follow, in any order: ``next-hop`` (required, as for the
other families of MP_REACH_NLRI; ``self`` allowed), ``path-information``
(the ADD-PATH path identifier, sent when ADD-PATH is negotiated for ipv4
rtc) and the route keywords 5.0 takes for IP routes, read by
`exabgp.config.route` (`KEYWORDS`).  The session defaults of static routes
apply; the next hop goes in MP_REACH_NLRI and, when IPv4, in a NEXT_HOP
attribute too (`exabgp.rib.packing`).
"""

from exabgp.bgp.community import encode_extended
from exabgp.bgp.family import AFI_IPV4
from exabgp.bgp.record import replace
from exabgp.bgp.rtc import FULL_LENGTH, ORIGIN_LENGTH, build
from exabgp.config.route import (
    SHARED_KEYWORDS,
    keyword_readers,
    RouteError,
    StaticRoute,
    parse_asn,
    RouteCursor,
    RouteDraft,
    draft_route,
    read_keywords,
)

WILDCARD = "wildcard"
#: keyword -> reader(cursor, draft): the route keywords an RTC route takes (5.0's IP route keywords, path-information)
KEYWORDS = keyword_readers("next-hop", "path-information", *SHARED_KEYWORDS, "large-community", "aigp")


def _length(token, text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not ORIGIN_LENGTH <= int(text) <= FULL_LENGTH:
        raise RouteError(f"invalid rtc prefix length '{text}' ({ORIGIN_LENGTH} to {FULL_LENGTH})", token)
    return int(text)


def parse_nlri(token, path_id=None):
    """The `RTC` NLRI of one ``<nlri>`` word (see the module docstring)."""
    text = token.text
    if text == WILDCARD and not token.quoted:
        return build(None, None, 0, path_id)
    body, slash, length = text.partition("/")
    origin_text, colon, target_text = body.partition(":")
    origin = parse_asn(replace(token, text=origin_text))
    if not colon:
        plen = _length(token, length) if slash else ORIGIN_LENGTH
        if plen != ORIGIN_LENGTH:
            raise RouteError(f"rtc '{text}' has a prefix length past the origin AS but no route target", token)
        return build(origin, None, plen, path_id)
    try:
        target = encode_extended(target_text)
    except ValueError:
        raise RouteError(f"'{target_text}' is not a route target (an extended community)", token) from None
    return build(origin, target, _length(token, length) if slash else FULL_LENGTH, path_id)


def flat_route(tokens, interned, afi: int, end=None, where=None) -> StaticRoute:
    """``<nlri> <attributes>`` (the words after ``rtc``) for the AFI `afi` (IPv4 only: RFC 4684 defines
    ipv4 rtc alone); a missing next hop is reported at `where` (the ``rtc`` token), else at `end`."""
    tokens = list(tokens)
    cursor = RouteCursor(tokens, end)
    token = cursor.take("rtc route")
    if afi != AFI_IPV4:
        raise RouteError("rtc routes are ipv4 rtc only (RFC 4684)", where or token)
    draft = RouteDraft()
    read_keywords(cursor, draft, keywords=KEYWORDS, owner="rtc")
    if draft.nexthop is None:
        raise RouteError("rtc needs next-hop", where or end or tokens[0])
    return draft_route(parse_nlri(token, draft.path_id), draft.nexthop, draft, interned)
