"""What a route becomes on the session it is sent on: AS4 narrowing and the context UPDATEs are packed with.

Routes are built (`exabgp.config.route`) for the neighbor's configured
``asn4``; the session decides the rest:

* `narrowed`: when the peer does not announce 4-octet AS numbers (RFC 6793
  section 4.2.2), AS_PATH and AGGREGATOR carry 2-octet ASNs (AS_TRANS for
  larger ones) and AS4_PATH / AS4_AGGREGATOR the real values, as 5.0 sends
  them (`exabgp.bgp.attribute.encode_as_path` writes an AS_PATH either
  way);
* `sending_context`: the negotiated `CodecContext`, with the next hops of
  the neighbor's ``nexthop`` block usable as written.

`exabgp.rib.neighbor.NeighborRoutes` applies them when it puts a route in a
session's Adj-RIB-Out; next-hop self is resolved there by
`exabgp.rib.outgoing.AdjRibOut.resolve`.
"""

from exabgp import _codec
from exabgp.bgp import attribute as attr
from exabgp.bgp.record import replace
from exabgp.bgp.route import AttributeSet


def narrowed(attributes: AttributeSet) -> AttributeSet:
    """`attributes` of a route parsed for a 4-octet AS session, for a session that is not.

    When the peer does not announce the capability, RFC 6793 section 4.2.2
    applies: AS_PATH and AGGREGATOR carry 2-octet ASNs (AS_TRANS for larger
    ones) and AS4_PATH / AS4_AGGREGATOR the real values, as 5.0 sends them.
    """
    tlvs = {code: (flags, value) for code, flags, value in attributes.tlvs}
    if attr.AS_PATH in tlvs and attr.AS4_PATH not in tlvs:
        tlvs.update(attr.encode_as_path(_codec.decode_as_path(tlvs[attr.AS_PATH][1], True), False))
    aggregator = tlvs.get(attr.AGGREGATOR)
    if aggregator is not None and len(aggregator[1]) == 8:
        flags, value = aggregator
        asn = int.from_bytes(value[:4], "big")
        tlvs[attr.AGGREGATOR] = (flags, (attr.AS_TRANS if asn > 0xFFFF else asn).to_bytes(2, "big") + value[4:])
        if asn > 0xFFFF:
            tlvs[attr.AS4_AGGREGATOR] = (flags, value)
    return AttributeSet((code, flags, value) for code, (flags, value) in tlvs.items())


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
