"""Vouching for UPDATEs without decoding them (pure twin, the specification).

A session whose routes nobody reads (no API consumer, no Adj-RIB-In) must
still reset on every UPDATE that RFC 4271 section 6.3 and RFC 7606 make a
session reset, and only on those.  Building the routes to find out costs
far more than the walk below, which reads the octets in place and builds
nothing.

`check_update(body, addpath4, addpath6, ipv4=True, ipv6=True)` is True only
when the body is an UPDATE of the IPv4 / IPv6 unicast families that the full decode
(`exabgp.bgp.update.Update.decode` then ``changes(ctx)``) certainly accepts
without a session reset, AND that carries at least one NLRI (so never an
End-of-RIB, RFC 4724 section 2).  False is not an error: it means "not
vouched for, decode it in full" (the full decode then decides: reset,
treat-as-withdraw, End-of-RIB, another family...).  It never raises.  The
rules, each one a condition of the full decode:

* the withdrawn-routes and path-attribute lengths fit the body (RFC 4271
  section 6.3, 3/1);
* the withdrawn-routes and NLRI fields are whole IPv4 prefixes (4-octet path
  identifiers first with `addpath4`, RFC 7911): length at most 32 bits,
  octets inside the field (3/10);
* every attribute TLV lies inside the section (an overrun is RFC 7606
  section 4 treat-as-withdraw: not vouched for) and MP_REACH_NLRI /
  MP_UNREACH_NLRI appear at most once (RFC 7606 section 3 g);
* MP_REACH_NLRI / MP_UNREACH_NLRI carry the Optional, non-Transitive flags
  (RFC 7606 section 5.3 / 3 j; Partial and Extended Length ignored), are not
  empty, and are of IPv4 unicast with a 4-octet next hop or IPv6 unicast with
  a 16- or 32-octet one (RFC 4760 section 3, RFC 2545 section 3), with at
  least one NLRI in MP_REACH_NLRI; their NLRI are whole prefixes of the
  family (`addpath4` / `addpath6`); and the session negotiated that family
  (`ipv4` / `ipv6`: an MP attribute of a family the session did not
  negotiate is 3/9, RFC 4760 sections 7 and 8);
* every other attribute is either known to `exabgp.bgp.attribute.ATTRIBUTES`
  (its errors are treat-as-withdraw or attribute discard, never a reset,
  RFC 7606 section 7) or optional (the Optional flag set: an unrecognized
  one is ignored or passed on, RFC 4271 section 5); an unrecognized
  well-known attribute is 3/2 (RFC 4271 section 6.3).  `tables.KNOWN` is
  that table's codes (the table takes its flags from `tables`).

`scan_updates(data, max_size, addpath4, addpath6, ipv4=True, ipv6=True)` returns ``(octets,
messages)``: how many octets at the front of the stream `data` are complete
messages (RFC 4271 section 4.1: marker, length 19..`max_size`, type 2) whose
bodies `check_update` vouches for, and how many messages that is; it stops
at the first other message, incomplete message or bad header, which the
caller then handles the general way.  It never raises.
"""

from exabgp._codec.tables import (
    AFI_IPV4,
    AFI_IPV6,
    EXTENDED_LENGTH,
    FAMILY_SIZE,
    FLAGS_CHECKED_OPTIONAL,
    HEADER_SIZE,
    IPV4_SIZE,
    IPV6_SIZE,
    KNOWN,
    LENGTH_AT,
    MARKER,
    MP_REACH_MINIMUM,
    MP_REACH_NLRI,
    MP_UNREACH_MINIMUM,
    MP_UNREACH_NLRI,
    OPTIONAL,
    SAFI_UNICAST,
    TYPE_AT,
    UPDATE,
    UPDATE_MINIMUM,
)

__all__ = ("check_update", "scan_updates")

_IPV4_BITS = 8 * IPV4_SIZE  # the longest prefix of each family
_IPV6_BITS = 8 * IPV6_SIZE
#: the next-hop sizes of MP_REACH_NLRI by AFI: IPv4, or IPv6 global (and link-local) (RFC 2545 section 3)
_NEXTHOP_SIZES = {AFI_IPV4: (IPV4_SIZE,), AFI_IPV6: (IPV6_SIZE, 2 * IPV6_SIZE)}


def _prefixes(data, start: int, end: int, max_bits: int, addpath: bool) -> bool:
    """Whether ``data[start:end]`` is a sequence of whole prefixes of at most `max_bits` bits."""
    offset = start
    while offset < end:
        if addpath:
            offset += 4
            if offset >= end:
                return False
        bits = data[offset]
        if bits > max_bits:
            return False
        offset += 1 + ((bits + 7) >> 3)
    return offset == end


def _multiprotocol(
    data, start: int, end: int, reach: bool, addpath4: bool, addpath6: bool, ipv4: bool, ipv6: bool
) -> bool:
    """Whether one MP_REACH_NLRI / MP_UNREACH_NLRI value is vouched for."""
    size = end - start
    if size < (MP_REACH_MINIMUM if reach else MP_UNREACH_MINIMUM):
        return False
    afi = (data[start] << 8) | data[start + 1]
    if data[start + 2] != SAFI_UNICAST or not ((afi == AFI_IPV4 and ipv4) or (afi == AFI_IPV6 and ipv6)):
        return False
    if reach:
        nexthop = data[start + 3]
        if nexthop not in _NEXTHOP_SIZES[afi]:
            return False
        start += 4 + nexthop + 1  # next hop, then the reserved octet
        if start >= end:  # no NLRI (or the next hop runs past the value)
            return False
    else:
        start += 3
    if afi == AFI_IPV4:
        return _prefixes(data, start, end, _IPV4_BITS, addpath4)
    return _prefixes(data, start, end, _IPV6_BITS, addpath6)


def check_update(body, addpath4: bool, addpath6: bool, ipv4: bool = True, ipv6: bool = True) -> bool:
    """True when the UPDATE `body` is vouched for (see the module docstring)."""
    data = bytes(body)
    size = len(data)
    if size < UPDATE_MINIMUM:
        return False
    withdrawn_end = 2 + ((data[0] << 8) | data[1])
    if withdrawn_end + 2 > size:
        return False
    attributes_end = withdrawn_end + 2 + ((data[withdrawn_end] << 8) | data[withdrawn_end + 1])
    if attributes_end > size:
        return False
    if not _prefixes(data, 2, withdrawn_end, _IPV4_BITS, addpath4):
        return False
    if not _prefixes(data, attributes_end, size, _IPV4_BITS, addpath4):
        return False
    routes = withdrawn_end > 2 or attributes_end < size
    seen_reach = seen_unreach = False
    offset = withdrawn_end + 2
    while offset < attributes_end:
        if attributes_end - offset < 3:
            return False
        flags = data[offset]
        code = data[offset + 1]
        if flags & EXTENDED_LENGTH:
            if attributes_end - offset < 4:
                return False
            start = offset + 4
            end = start + ((data[offset + 2] << 8) | data[offset + 3])
        else:
            start = offset + 3
            end = start + data[offset + 2]
        if end > attributes_end:
            return False
        if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
            reach = code == MP_REACH_NLRI
            if (seen_reach if reach else seen_unreach) or flags & FLAGS_CHECKED_OPTIONAL != OPTIONAL:
                return False
            if not _multiprotocol(data, start, end, reach, addpath4, addpath6, ipv4, ipv6):
                return False
            if reach:
                seen_reach = routes = True
            else:
                seen_unreach = True
                routes = routes or end > start + FAMILY_SIZE
        elif not flags & OPTIONAL and code not in KNOWN:
            return False
        offset = end
    return routes


def scan_updates(data, max_size: int, addpath4: bool, addpath6: bool, ipv4: bool = True, ipv6: bool = True) -> tuple:
    """``(octets, messages)``: the vouched-for UPDATE messages at the front of `data`."""
    data = bytes(data)
    size = len(data)
    offset = count = 0
    while size - offset >= HEADER_SIZE:
        if not data.startswith(MARKER, offset) or data[offset + TYPE_AT] != UPDATE:
            break
        length = (data[offset + LENGTH_AT] << 8) | data[offset + LENGTH_AT + 1]
        if length < HEADER_SIZE or length > max_size or size - offset < length:
            break
        if not check_update(data[offset + HEADER_SIZE : offset + length], addpath4, addpath6, ipv4, ipv6):
            break
        offset += length
        count += 1
    return offset, count
