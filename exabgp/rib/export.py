"""What a route becomes on the session it is sent on: the one export step of outbound attribute policy.

Routes are built neighbor-independent (`exabgp.config.route`): the path
attributes the configuration or a helper's ``announce`` gives, AS numbers in
4-octet form, the next hop as written (`NEXT_HOP_SELF` for ``next-hop
self``).  What the session adds is applied here, when a route enters a
session's Adj-RIB-Out (`exabgp.rib.neighbor.NeighborRoutes`), so the
Adj-RIB-Out, ``show adj-rib out`` and the UPDATEs packed from it hold the
routes as they are sent:

* `session_defaults`: what 5.0 adds (or removes) on the neighbor's session
  (RFC 4271 4.3): ORIGIN IGP; AS_PATH empty on iBGP, the local AS on eBGP
  (RFC 4271 5.1.2); LOCAL_PREF 100 on iBGP, no LOCAL_PREF at all on eBGP
  (RFC 4271 5.1.5).  An attribute the route gives is kept, but LOCAL_PREF on
  eBGP.  When the local or the peer AS is ``auto`` AS_PATH and LOCAL_PREF are
  left as the route gives them (`with_defaults`);
* `narrowed`: when the session does not use 4-octet AS numbers (the peer did
  not announce them, or ``capability { asn4 disable; }``, RFC 6793 section
  4.2.2), AS_PATH and AGGREGATOR carry 2-octet ASNs (AS_TRANS for larger
  ones) and AS4_PATH / AS4_AGGREGATOR the real values, as 5.0 sends them
  (`exabgp.bgp.attribute.encode_as_path` writes an AS_PATH either way);
* `SessionExport.route`: the two above, once per attribute set and session,
  and ``next-hop self`` resolved: the session's local address, or the
  router-id for an IPv4 route on an IPv6 session, as 5.0 resolves it (an
  IPv6 route on an IPv4 session has none: `ValueError`);
* `configured_next_hop`: what ``next-hop self`` stands for with no session
  (``exabgp validate -r``): the configured local address, else the
  router-id (``::ffff:a.b.c.d`` for an IPv6 route);
* `sending_context`: the negotiated `CodecContext`, with the next hops of
  the neighbor's ``nexthop`` block usable as written.

`stated` is the inverse the configuration's canonical text needs
(`exabgp.config.route.route_text`): the attributes a route states beyond
what its session gives anyway.  NEXT_HOP versus MP_REACH_NLRI placement is
the packing's (`exabgp.rib.packing`).
"""

import ipaddress

from exabgp import _codec
from exabgp._codec import CodecError
from exabgp.bgp import attribute as attr
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6
from exabgp.bgp.record import replace
from exabgp.bgp.route import NEXT_HOP_SELF, NO_NEXT_HOP, AttributeSet, Route


def session_defaults(local_as: int | None, peer_as: int | None) -> dict:
    """``{code: (flags, value) or None}``: what 5.0 adds (or, None, removes) on a session between these ASes
    (None: ``auto``), in 4-octet form."""
    defaults: dict[int, tuple[int, bytes] | None] = {attr.ORIGIN: (attr.TRANSITIVE, b"\x00")}
    if local_as is None or peer_as is None:
        return defaults
    if local_as == peer_as:
        defaults.update(attr.encode_as_path([], True))
        defaults[attr.LOCAL_PREF] = (attr.TRANSITIVE, (100).to_bytes(4, "big"))
    else:
        defaults.update(attr.encode_as_path([(attr.AS_SEQUENCE, (local_as,))], True))
        defaults[attr.LOCAL_PREF] = None
    return defaults


def with_defaults(attributes: AttributeSet, local_as: int | None, peer_as: int | None) -> AttributeSet:
    """`attributes` with the session's defaults (`session_defaults`) applied, 4-octet form."""
    tlvs = {code: (flags, value) for code, flags, value in attributes.tlvs}
    for code, default in session_defaults(local_as, peer_as).items():
        if default is None:
            tlvs.pop(code, None)
        else:
            tlvs.setdefault(code, default)
    return AttributeSet((code, flags, value) for code, (flags, value) in tlvs.items())


def stated(attributes: AttributeSet, local_as: int | None, peer_as: int | None) -> dict:
    """``{code: (flags, value)}``: the attributes a route sends on this session that its defaults would not give
    (what its canonical text names; LOCAL_PREF on eBGP is not sent, so not named)."""
    defaults = session_defaults(local_as, peer_as)
    tlvs = {code: (flags, value) for code, flags, value in with_defaults(attributes, local_as, peer_as).tlvs}
    return {code: value for code, value in tlvs.items() if defaults.get(code) != value}


def narrowed(attributes: AttributeSet) -> AttributeSet:
    """`attributes` (4-octet form) for a session without 4-octet AS numbers (RFC 6793 section 4.2.2): AS_PATH and
    AGGREGATOR carry 2-octet ASNs (AS_TRANS for larger ones) and AS4_PATH / AS4_AGGREGATOR the real values, as
    5.0 sends them.  An AS_PATH that is not one in 4-octet form, or an AGGREGATOR of another size (a generic
    ``attribute [ 0x02 ... ]`` written for a 2-octet session), goes as written, as 5.0 sends a generic
    attribute."""
    tlvs = {code: (flags, value) for code, flags, value in attributes.tlvs}
    if attr.AS_PATH in tlvs and attr.AS4_PATH not in tlvs:
        try:
            segments = _codec.decode_as_path(tlvs[attr.AS_PATH][1], True)
        except CodecError:
            segments = None
        if segments is not None:
            tlvs.update(attr.encode_as_path(segments, False))
    aggregator = tlvs.get(attr.AGGREGATOR)
    if aggregator is not None and len(aggregator[1]) == 8:
        flags, value = aggregator
        asn = int.from_bytes(value[:4], "big")
        tlvs[attr.AGGREGATOR] = (flags, (attr.AS_TRANS if asn > 0xFFFF else asn).to_bytes(2, "big") + value[4:])
        if asn > 0xFFFF:
            tlvs[attr.AS4_AGGREGATOR] = (flags, value)
    return AttributeSet((code, flags, value) for code, (flags, value) in tlvs.items())


def session_attributes(attributes: AttributeSet, local_as: int | None, peer_as: int | None, asn4: bool):
    """`attributes` as a session between these ASes sends them: defaults applied, narrowed without `asn4`."""
    attributes = with_defaults(attributes, local_as, peer_as)
    return attributes if asn4 else narrowed(attributes)


class SessionExport:
    """The export step of one session: routes as they are sent on it (see the module docstring).

    The attribute sets are exported once each (a full table shares a few),
    so a route costs a dictionary look-up and one `Route`.
    """

    __slots__ = ("local_as", "peer_as", "asn4", "local_address", "router_id", "_exported")

    def __init__(self, local_as, peer_as, asn4: bool, local_address: bytes, router_id: bytes):
        self.local_as = local_as  # None: auto
        self.peer_as = peer_as  # None: auto
        self.asn4 = asn4  # whether the session uses 4-octet AS numbers
        self.local_address = local_address  # packed, 4 or 16 octets
        self.router_id = router_id  # packed, 4 octets
        self._exported: dict = {}  # attribute set -> as sent on this session

    def attributes(self, attributes: AttributeSet) -> AttributeSet:
        """`attributes` as sent on this session (`session_attributes`, once per set)."""
        exported = self._exported.get(attributes)
        if exported is None:
            exported = self._exported[attributes] = session_attributes(
                attributes, self.local_as, self.peer_as, self.asn4
            )
        return exported

    def next_hop(self, route: Route) -> bytes:
        """The next hop `route` is sent with: ``next-hop self`` resolved, else as given."""
        if route.nexthop != NEXT_HOP_SELF:
            return route.nexthop
        afi = route.nlri.afi
        if afi == AFI_IPV4 and len(self.local_address) != 4:
            return self.router_id
        if afi == AFI_IPV6 and len(self.local_address) != 16:
            raise ValueError("next-hop self: no IPv6 local address for an IPv6 route on an IPv4 session")
        return self.local_address

    def route(self, route: Route) -> Route:
        """`route` as announced on this session; `ValueError` when its ``next-hop self`` has no address here (once
        per route of a full table: the common case inline)."""
        nexthop = route.nexthop
        if nexthop == NEXT_HOP_SELF:
            nexthop = self.next_hop(route)
        attributes = self._exported.get(route.attributes)
        if attributes is None:
            attributes = self.attributes(route.attributes)
        return Route(route.nlri, nexthop, attributes)

    def withdrawal(self, route: Route) -> Route:
        """`route` as withdrawn on this session (a ``next-hop self`` `route` refuses goes without next hop)."""
        try:
            return self.route(route)
        except ValueError:
            return Route(route.nlri, NO_NEXT_HOP, self.attributes(route.attributes))


def configured_next_hop(route: Route, neighbor) -> bytes:
    """The next hop `route` has for `neighbor` with no session up (``exabgp validate -r``): ``next-hop self`` is the
    configured local address of the route's family, else the router-id (as ``::ffff:a.b.c.d`` for IPv6)."""
    if route.nexthop != NEXT_HOP_SELF:
        return route.nexthop
    afi = route.nlri.afi
    local = neighbor.local_address and ipaddress.ip_address(neighbor.local_address)
    if local and local.version == (4 if afi == AFI_IPV4 else 6):
        return local.packed
    router_id = ipaddress.IPv4Address(neighbor.router_id)
    return router_id.packed if afi == AFI_IPV4 else ipaddress.IPv6Address(f"::ffff:{router_id}").packed


def sending_context(ctx, neighbor):
    """The session's context, with the next hops of the ``nexthop`` block usable as written.

    5.0 packs a configured next hop as it is written: an IPv4 next hop of a
    family listed in the ``nexthop`` block goes out as 4 octets even when the
    peer did not announce that extended next hop (reference test
    ``extended-nexthop``, IPv6 routes with an IPv4 next hop).
    """
    if not neighbor.nexthop:
        return ctx
    return replace(ctx, extended_nexthop=ctx.extended_nexthop | frozenset(neighbor.nexthop))
