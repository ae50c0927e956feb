"""Routes to UPDATE bodies, octet for octet as ExaBGP 5.0 sends them.

A *bucket* is a list of routes of one family sharing one `AttributeSet` and
one resolved next hop (the Adj-RIB-Out makes the buckets); `announce_bodies`
turns a bucket into UPDATE bodies (RFC 4271 section 4.3), `withdraw_bodies`
does the same for withdrawn NLRI of one family (the End-of-RIB marker is
`exabgp.bgp.update.eor_body`'s).

Wire layout, as 5.0 lays it out:

* path attributes in type-code order; NEXT_HOP (flags 0x40) is among them
  whenever the next hop is a 4-octet IPv4 address, whatever the family
  (5.0 keeps it for VPN, labeled, MVPN, MUP and RFC 8950 routes too) but
  FlowSpec and L2VPN;
  MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760) come last, flags 0x80, with
  Extended Length (0x90) only once the value passes 255 octets;
* IPv4 unicast with an IPv4 (or no) next hop uses the UPDATE's own NLRI
  field; every other route goes in MP_REACH_NLRI.  The MP next hop is the
  route's next hop behind the family's zero route distinguisher (8 octets for
  the VPN families, RFC 4364 section 4.3.2, RFC 4659 section 3.2.1); an IPv4
  next hop on a family that cannot carry one, and on ipv6 mup (which can,
  but 5.0 maps it: conf-srv6-mup), becomes ``::ffff:a.b.c.d``
  (RFC 4291 section 2.5.5.2, then no NEXT_HOP attribute) unless extended
  next hop (RFC 8950) was negotiated for it;
* withdrawals (RFC 4760 section 4; RFC 7606 section 5.1 keeps each kind in a
  message of its own): IPv4 unicast ones in the withdrawn-routes field with no
  path attribute; the others in MP_UNREACH_NLRI, alone for the unicast and
  multicast SAFIs, behind the route's own path attributes (NEXT_HOP included,
  as in the announcement) for every other SAFI (labeled, VPN, FlowSpec,
  EVPN, ...), as 5.0 sends them;
* ``group`` (5.0's ``group-updates``) packs several NLRI per UPDATE only for
  IPv4 unicast and MCAST-VPN (docs/compatibility.md, "The Adj-RIB-Out"); every other family, and every
  family when ``group`` is false, gets one NLRI per UPDATE.  Grouped NLRI are
  sorted as 5.0 sorts them (path identifier, prefix length, prefix octets)
  and cut where the next one would pass the negotiated message size
  (4096, or 65535 with RFC 8654).

Path attributes are written in `AttributeSet.packed()` order (type code, but
AS4_PATH behind AS_PATH and AS4_AGGREGATOR behind AGGREGATOR), NEXT_HOP at
its `next_hop_offset()`.

The prefix families are packed by `_codec.pack_nlri`, one call per UPDATE
section; the NLRI of the object kinds (`exabgp.bgp.family.OBJECT_KINDS`:
FlowSpec, VPLS, MCAST-VPN, MUP, EVPN, BGP-LS, RTC) pack themselves (RTC
NLRI with their ADD-PATH path identifier, 0 when none was configured, when
the session sends path identifiers for ipv4 rtc; grouped MCAST-VPN NLRI are
sorted by their octets, route type first, as 5.0 sorts them) and the
NLRI of the families this build keeps raw (`RawNLRI`) are copied.

An NLRI that does not fit an UPDATE even alone (attributes too large for the
negotiated size, or an attribute over 65535 octets, which has no encoding)
is left out, as 5.0 leaves it out, and the caller hears of it: ``(action,
route)`` is appended to the `left_out` list it passes ("announce" or
"withdraw"), so that the session logs it and sends every other route and the
End-of-RIB.  `fits` is the same rule for one route, asked before a route is
accepted at all: the configuration and the API refuse a route that does not
fit even a 65535-octet UPDATE (`LARGEST`), whatever the session negotiates;
`too_large` says why, for the log and the errors.
"""

from exabgp import _codec
from exabgp._codec import CodecError
from exabgp._codec.tables import HEADER_SIZE, UPDATE_MINIMUM
from exabgp.bgp.attribute import MP_REACH_NLRI, MP_UNREACH_NLRI, NEXT_HOP, OPTIONAL, TRANSITIVE
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import (
    AFI_IPV4,
    AFI_IPV6,
    AFI_L2VPN,
    FAMILIES,
    OBJECT_KINDS,
    PREFIX_KINDS,
    RTC,
    SAFI_EVPN,
    SAFI_FLOW,
    SAFI_FLOW_VPN,
    SAFI_MCAST_VPN,
    SAFI_MULTICAST,
    SAFI_MUP,
    SAFI_RTC,
    SAFI_UNICAST,
    SAFI_VPLS,
    nlri_kind,
)
from exabgp.bgp.nlri import NEXTHOP_SIZES
from exabgp.bgp.route import NEXT_HOP_SELF, Route

#: families whose NLRI 5.0 groups into one UPDATE when group-updates is on
GROUPED_FAMILIES = frozenset({(AFI_IPV4, SAFI_UNICAST), (AFI_IPV4, SAFI_MCAST_VPN), (AFI_IPV6, SAFI_MCAST_VPN)})

#: families whose IPv4 next hop 5.0 does not repeat in a NEXT_HOP attribute (FlowSpec, L2VPN), and ipv4 rtc,
#: which 5.0 does not send: RFC 4760 section 3 (an UPDATE whose only NLRI are in MP_REACH_NLRI SHOULD NOT
#: carry NEXT_HOP)
NO_NEXT_HOP_ATTRIBUTE = frozenset(
    {
        (AFI_IPV4, SAFI_FLOW),
        (AFI_IPV4, SAFI_FLOW_VPN),
        (AFI_IPV6, SAFI_FLOW),
        (AFI_IPV6, SAFI_FLOW_VPN),
        (AFI_L2VPN, SAFI_VPLS),
        (AFI_L2VPN, SAFI_EVPN),
        (AFI_IPV4, SAFI_RTC),
    }
)

#: families whose IPv4 next hop 5.0 sends IPv4-mapped although a 4-octet one is valid there
IPV4_MAPPED_NEXT_HOP = frozenset({(AFI_IPV6, SAFI_MUP)})

#: SAFIs whose MP_UNREACH_NLRI 5.0 sends with no other path attribute
BARE_WITHDRAWAL_SAFIS = frozenset({SAFI_UNICAST, SAFI_MULTICAST})


#: the most room a session can give one route: RFC 8654 messages, and a path identifier on every family
LARGEST = CodecContext(extended_message=True, addpath_send=frozenset(FAMILIES))

#: octets of an UPDATE besides its path attributes and labels that a prefix route needs at most (header,
#: MP_REACH_NLRI with a VPN next hop pair, NEXT_HOP, the prefix, its RD and path identifier)
_ROOM = 256
_IPV4_MAPPED = bytes(10) + b"\xff\xff"


def mp_nexthop(afi: int, safi: int, nexthop: bytes, ctx) -> bytes:
    """The MP_REACH_NLRI next-hop field for `nexthop` (4, 16 or 32 octets, or empty)."""
    if not nexthop:
        return b""
    sizes, rd_size = NEXTHOP_SIZES.get((afi, safi), ((len(nexthop),), 0))
    if (
        len(nexthop) == 4
        and (rd_size + 4 not in sizes or (afi, safi) in IPV4_MAPPED_NEXT_HOP)
        and rd_size + 16 in sizes
        and (afi, safi, AFI_IPV4) not in ctx.extended_nexthop
    ):
        nexthop = _IPV4_MAPPED + nexthop
    return bytes(rd_size) + nexthop


def sort_key(nlri):
    """5.0's order of the NLRI inside one UPDATE: path identifier, prefix length, prefix octets."""
    path = b"no-pi" if nlri.path_id is None else nlri.path_id.to_bytes(4, "big")
    return path, nlri.plen, nlri.addr[: (nlri.plen + 7) >> 3]


def _sections(nlris, afi: int, safi: int, addpath: bool, budget: int, group: bool, left_out):
    """Cut `nlris` into NLRI sections of at most `budget` octets (one NLRI each without `group`); the NLRI that
    do not fit even alone go to `left_out(nlri)`."""
    kind = nlri_kind(afi, safi)
    if kind is None or kind in OBJECT_KINDS:
        if kind is None:
            items = [nlri.data for nlri in nlris]
        elif kind == RTC:
            items = [nlri.packed(addpath) for nlri in nlris]
        else:
            items = [nlri.pack() for nlri in nlris]
        for nlri, item in zip(nlris, items, strict=False):
            if len(item) > budget:
                left_out(nlri)
        if group:
            yield from _raw_sections(sorted(items), budget)  # 5.0 sorts them by their octets
        else:
            yield from (item for item in items if len(item) <= budget)
        return
    if group:
        nlris = sorted(nlris, key=sort_key)
    items = [nlri.codec_tuple() for nlri in nlris]
    pack_nlri = _codec.pack_nlri
    count = len(items)
    index = 0
    while index < count:
        if group:
            octets, following = pack_nlri(items, index, budget, afi, addpath, kind)
        else:
            octets, following = pack_nlri(items[index : index + 1], 0, budget, afi, addpath, kind)
            following += index
        if following == index:
            left_out(nlris[index])  # does not fit even alone: left out, as 5.0 does
            index += 1
            continue
        index = following
        yield octets


def _raw_sections(items, budget):
    section = b""
    for item in items:
        if len(item) > budget:
            continue
        if len(section) + len(item) > budget:
            yield section
            section = b""
        section += item
    if section:
        yield section


def _mp_budget(available: int, header: int) -> int:
    """NLRI octets an MP attribute may carry when the whole TLV has `available` octets."""
    return max(available - 4, min(available - 3, 255)) - header


def _body(withdrawn: bytes, attributes: bytes, nlri: bytes) -> bytes:
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(attributes).to_bytes(2, "big") + attributes + nlri


def attribute_section(attributes, nexthop: bytes) -> bytes:
    """The AttributeSet's TLVs with NEXT_HOP slotted in when `nexthop` is IPv4."""
    packed = attributes.packed()
    if len(nexthop) != 4:
        return packed
    cut = attributes.next_hop_offset()
    return packed[:cut] + _codec.encode_attribute(NEXT_HOP, TRANSITIVE, nexthop) + packed[cut:]


def _mp_attributes(afi: int, safi: int, attributes, nexthop: bytes, ctx):
    """(attribute section, MP next-hop field) of a route of a family sent in MP_REACH_NLRI."""
    next_hop = mp_nexthop(afi, safi, nexthop, ctx)
    address = b""
    if (afi, safi) not in NO_NEXT_HOP_ATTRIBUTE:
        address = next_hop[NEXTHOP_SIZES.get((afi, safi), ((), 0))[1] :]
    return attribute_section(attributes, address), next_hop


def _leaving(left_out, action: str, attributes, nexthop: bytes):
    """The `left_out(nlri)` callback of `_sections`: ``(action, route)`` appended to the caller's list, if any."""
    if left_out is None:
        return lambda nlri: None
    return lambda nlri: left_out.append((action, Route(nlri, nexthop, attributes)))


def announce_bodies(
    afi: int, safi: int, attributes, nexthop: bytes, nlris, ctx, group: bool = True, left_out: list | None = None
):
    """UPDATE bodies announcing `nlris` (one family) with `attributes` and the resolved `nexthop`; the routes
    that do not fit are appended to `left_out` (module docstring)."""
    group = group and (afi, safi) in GROUPED_FAMILIES
    addpath = ctx.sends_path_id(afi, safi)
    available = ctx.max_message_size - HEADER_SIZE - UPDATE_MINIMUM
    leave = _leaving(left_out, "announce", attributes, nexthop)
    try:
        if (afi, safi) == (AFI_IPV4, SAFI_UNICAST) and len(nexthop) in (0, 4):
            section = attribute_section(attributes, nexthop)
        else:
            section, next_hop = _mp_attributes(afi, safi, attributes, nexthop, ctx)
    except CodecError:  # an attribute over 65535 octets: no UPDATE can carry it
        for nlri in nlris:
            leave(nlri)
        return
    if (afi, safi) == (AFI_IPV4, SAFI_UNICAST) and len(nexthop) in (0, 4):
        for octets in _sections(nlris, afi, safi, addpath, available - len(section), group, leave):
            yield _body(b"", section, octets)
        return
    head = afi.to_bytes(2, "big") + bytes((safi, len(next_hop))) + next_hop + b"\x00"
    budget = _mp_budget(available - len(section), len(head))
    for octets in _sections(nlris, afi, safi, addpath, budget, group, leave):
        yield _body(b"", section + _codec.encode_attribute(MP_REACH_NLRI, OPTIONAL, head + octets), b"")


def withdraw_bodies(
    afi: int, safi: int, attributes, nexthop: bytes, nlris, ctx, group: bool = True, left_out: list | None = None
):
    """UPDATE bodies withdrawing `nlris` (one family) announced with `attributes` and `nexthop`; the routes
    that do not fit are appended to `left_out` (module docstring)."""
    addpath = ctx.sends_path_id(afi, safi)
    available = ctx.max_message_size - HEADER_SIZE - UPDATE_MINIMUM
    leave = _leaving(left_out, "withdraw", attributes, nexthop)
    if (afi, safi) == (AFI_IPV4, SAFI_UNICAST):
        for octets in _sections(nlris, afi, safi, addpath, available, group, leave):
            yield _body(octets, b"", b"")
        return
    group = group and (afi, safi) in GROUPED_FAMILIES
    section = b""
    if safi not in BARE_WITHDRAWAL_SAFIS:
        try:
            section = _mp_attributes(afi, safi, attributes, nexthop, ctx)[0]
        except CodecError:  # an attribute over 65535 octets: no UPDATE can carry it
            for nlri in nlris:
                leave(nlri)
            return
    head = afi.to_bytes(2, "big") + bytes((safi,))
    budget = _mp_budget(available - len(section), len(head))
    for octets in _sections(nlris, afi, safi, addpath, budget, group, leave):
        yield _body(b"", section + _codec.encode_attribute(MP_UNREACH_NLRI, OPTIONAL, head + octets), b"")


def fits(route, ctx=LARGEST) -> bool:
    """Whether an UPDATE announcing `route` alone fits `ctx` (the rule `announce_bodies` applies).

    `NEXT_HOP_SELF` counts as the address it becomes (4 octets for IPv4, 16
    for IPv6).  Attributes well under the size are accepted without packing
    anything (the path of every ordinary route).
    """
    try:
        size = len(route.attributes.packed())
    except CodecError:
        return False
    if (
        nlri_kind(*route.family) in PREFIX_KINDS
        and size + _ROOM + 3 * len(route.nlri.labels or ()) <= ctx.max_message_size
    ):
        return True
    afi, safi = route.family
    nexthop = route.nexthop
    if nexthop == NEXT_HOP_SELF:
        nexthop = bytes(4 if afi == AFI_IPV4 else 16)
    return any(True for _ in announce_bodies(afi, safi, route.attributes, nexthop, [route.nlri], ctx, False))


def too_large(route, ctx=LARGEST) -> str:
    """Why `route` does not `fit` `ctx`, for the log and the configuration errors."""
    try:
        size = len(route.attributes.packed())
    except CodecError:
        return "a path attribute over 65535 octets, which no UPDATE can carry"
    extended = "" if ctx.extended_message else " (extended message, RFC 8654, not negotiated)"
    return (
        f"{size} octets of path attributes: with its NLRI, more than an UPDATE of {ctx.max_message_size} "
        f"octets can carry{extended}"
    )
