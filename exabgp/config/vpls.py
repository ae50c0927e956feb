"""VPLS routes of the configuration and of the API turned into `StaticRoute`s.

See docs/compatibility.md, "VPLS, MCAST-VPN, MUP and RTC routes".

Three spellings give the same route, whose NLRI is an `exabgp.bgp.vpls.VPLS`
(RFC 4761 section 3.2.2):

* the block, ``l2vpn { vpls [NAME] { endpoint N; base N; ...; } }``
  (`block_route`), its statements read one after the other;
* the flat form, ``vpls <keyword> <value> ...`` in ``l2vpn { }``, in
  ``announce { l2vpn { } }`` and after the API's ``announce vpls`` /
  ``withdraw vpls`` (`flat_route`); also what
  `exabgp.config.route.route_text` prints after ``l2vpn vpls``.

The keywords, in any order (`KEYWORDS`): ``endpoint`` (the VE ID),
``offset`` (VE block offset) and ``size`` (VE block size), decimal numbers
from 0 to 65535; ``base`` (the label base, decimal, 0 to 1048575: a 20-bit
MPLS label); ``rd`` / ``route-distinguisher`` and ``next-hop`` (an IPv4 or
IPv6 address; ``self`` is refused, as 5.0 refuses it); and the route
attribute keywords 5.0 takes for VPLS, read by `exabgp.config.route`:
``origin as-path med local-preference atomic-aggregate aggregator
originator-id cluster-list community extended-community attribute name
split watchdog withdraw`` (``split`` is read and has no effect, as in 5.0).
A number given twice keeps the last value, as in 5.0; the other keywords
follow `exabgp.config.route`.  ``endpoint``, ``base``, ``offset``,
``size``, ``rd`` and ``next-hop`` are required (5.0 fails on a missing one
with an internal error; this module names it).  Departure from 5.0: 5.0.15
refuses a base above 65535 although the field is a 20-bit label; this module
takes the whole label range.

The session defaults of static routes apply (ORIGIN IGP, empty AS_PATH and
LOCAL_PREF 100 on iBGP...); no NEXT_HOP attribute is sent for l2vpn
(`exabgp.rib.packing`): the next hop goes in MP_REACH_NLRI.
"""

from exabgp.bgp.route import NEXT_HOP_SELF
from exabgp.bgp.vpls import FIELD_MAX, LABEL_MAX, VPLS
from exabgp.config import values
from exabgp.config.route import (
    SHARED_KEYWORDS,
    keyword_readers,
    RouteError,
    StaticRoute,
    RouteCursor,
    RouteDraft,
    draft_route,
    read_keywords,
)

#: the VPLS numbers: keyword -> (largest value, what 5.0 calls it in its errors)
NUMBERS = {
    "endpoint": (FIELD_MAX, "endpoint"),
    "base": (LABEL_MAX, "label"),
    "offset": (FIELD_MAX, "block-offset"),
    "size": (FIELD_MAX, "block-size"),
}


class _VplsDraft(RouteDraft):
    """A route draft with the VPLS numbers read so far."""

    def __init__(self):
        super().__init__()
        self.numbers = {}


def _number(keyword: str):
    limit, what = NUMBERS[keyword]

    def read(cursor, draft):
        token = cursor.take(keyword)
        text = token.text
        if not (text.isascii() and text.isdigit()):
            raise RouteError(f"invalid l2vpn vpls {what} '{text}' (a decimal number)", token)
        if int(text) > limit:
            raise RouteError(f"invalid l2vpn vpls {what} {text} (0 to {limit})", token)
        draft.numbers[keyword] = int(text)

    return read


#: keyword -> reader(cursor, draft)
KEYWORDS = {
    **{keyword: _number(keyword) for keyword in NUMBERS},
    **keyword_readers("rd", "route-distinguisher", "next-hop", *SHARED_KEYWORDS),
}


def _read(cursor, draft) -> None:
    read_keywords(cursor, draft, keywords=KEYWORDS, owner="l2vpn vpls")


def _route(draft, interned, name, where) -> StaticRoute:
    missing = [keyword for keyword in NUMBERS if keyword not in draft.numbers]
    if missing:
        raise RouteError(f"l2vpn vpls needs {' '.join(missing)}", where)
    if draft.rd is None:
        raise RouteError("l2vpn vpls needs rd", where)
    if draft.nexthop is None:
        raise RouteError("l2vpn vpls needs next-hop", where)
    if draft.nexthop == NEXT_HOP_SELF:
        raise RouteError("l2vpn vpls can not use next-hop self (not the family of the session)", where)
    numbers = draft.numbers
    nlri = VPLS(draft.rd, numbers["endpoint"], numbers["offset"], numbers["size"], numbers["base"])
    return draft_route(nlri, draft.nexthop, draft, interned, name)


def flat_route(tokens, interned, end=None, where=None) -> StaticRoute:
    """The flat form: ``<keyword> <value> ...`` (the words after ``vpls``); a missing keyword is reported
    at `where` (the ``vpls`` token), else at `end`."""
    tokens = list(tokens)
    draft = _VplsDraft()
    _read(RouteCursor(tokens, end), draft)
    return _route(draft, interned, None, where or end or (tokens[0] if tokens else None))


def block_route(statement, interned) -> StaticRoute:
    """``vpls [NAME] { <keyword> <value>; ... }`` (an `exabgp.config.lexer.Statement`)."""
    name = values.named_block(statement, "vpls", optional=True)
    draft = _VplsDraft()
    for line in statement.block:
        values.plain(line)
        _read(RouteCursor(line.words, line.end), draft)
    return _route(draft, interned, name, statement.words[0])


def section_routes(statement, interned) -> list:
    """The routes of an ``l2vpn { vpls ... }`` section, or of ``l2vpn { }`` inside ``announce``."""
    values.block(statement)
    routes = []
    for line in statement.block:
        if line.keyword != "vpls":
            raise RouteError(f"unknown l2vpn keyword '{line.keyword}' (expected vpls)", line.words[0])
        if line.block is not None:
            routes.append(block_route(line, interned))
        elif len(line.words) < 2:
            raise RouteError("vpls needs its endpoint, base, offset, size, rd and next-hop", line.words[0])
        else:
            routes.append(flat_route(line.words[1:], interned, line.end, line.words[0]))
    return routes
