"""The one indexing pass over received UPDATEs (pure twin, the specification).

A full table arrives as runs of UPDATE messages.  This pass frames such a
run once, vouches for each UPDATE once and records where its parts are, so
that the consumers of the run (the session's check, the Adj-RIB-In's
ingest, the JSON renderer) read the octets in place without framing or
checking them again.

**Vouched for.**  `check_update(body, addpath4, addpath6, ipv4=True,
ipv6=True)` is True only when the body is an UPDATE of the IPv4 / IPv6
unicast families that the full decode (`exabgp.bgp.update.Update.decode`
then ``changes(ctx)``) certainly accepts without a session reset, AND that
carries at least one NLRI (so never an End-of-RIB, RFC 4724 section 2).
False is not an error: it means "not vouched for, decode it in full" (the
full decode then decides: reset, treat-as-withdraw, End-of-RIB, another
family...).  It never raises.  The rules, each one a condition of the full
decode:

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

**Plain.**  A vouched UPDATE is *plain* when RFC 7606 neither withdraws nor
discards anything in it, so that its attributes may be stored or printed as
they came:

* no attribute code appears twice;
* ORIGIN and AS_PATH are there when it announces routes, and NEXT_HOP too
  when they are in the NLRI field (RFC 4271 section 5, RFC 4760 section 3:
  a missing one is RFC 7606 section 3 d treat-as-withdraw);
* every attribute other than MP_REACH_NLRI / MP_UNREACH_NLRI is a common
  one (`tables.COMMON`) with the flags and the value `exabgp._codec.tables`
  describes (`asn4` gives the ASN width of AS_PATH and AGGREGATOR); any
  other code, known or not, is left to the full decode.

**The index.**  `index_updates(data, max_size, addpath4, addpath6, ipv4, ipv6,
asn4, plain)` returns ``(octets, index)``: how many octets at the front of the
stream `data` are complete messages (RFC 4271 section 4.1: marker, length
19..`max_size`, type 2) whose bodies `check_update` vouches for, and their
index, an ``array("i")`` of `tables.INDEX_FIELDS` integers per message
(``len(index) // INDEX_FIELDS`` messages), the fields named
``tables.INDEX_*``: the offsets in `data` of the message, of the ends of its
withdrawn routes, of its attributes and of the message, of the
MP_REACH_NLRI and MP_UNREACH_NLRI attributes (0 when absent), of their
values and of their ends, and whether the UPDATE is plain (found only with
`plain`, else always 0: the pass then costs what the check alone costs,
for a reader that needs no more, such as a session whose routes nobody
reads).  It stops at the
first other message, incomplete message or bad header, which the caller
then handles the general way.  It never raises.  Nothing per route is
built: one array for the whole run.

`index_update(body, addpath4, addpath6, asn4)` is the record of one UPDATE
body (any family negotiated, plain marked), its offsets into `body` (so its
INDEX_START is ``-HEADER_SIZE``, where the header would be), or an empty
array when the body is not vouched for: what the consumers of a run use for
an UPDATE that came alone.
"""

from array import array

from exabgp._codec.headers import attribute_value
from exabgp._codec.tables import (
    AFI_IPV4,
    AFI_IPV6,
    ASN2_SIZE,
    ASN4_SIZE,
    AS_CONFED_SET,
    AS_PATH,
    AS_SET,
    COMMON_RULES,
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
    NEXT_HOP,
    OPTIONAL,
    ORIGIN,
    ORIGIN_INCOMPLETE,
    SAFI_UNICAST,
    TYPE_AT,
    UPDATE,
    UPDATE_MINIMUM,
)

__all__ = ("check_update", "index_update", "index_updates")

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


def _as_path(data, start: int, end: int, width: int) -> bool:
    while start < end:
        if end - start < 2 or not AS_SET <= data[start] <= AS_CONFED_SET or data[start + 1] == 0:
            return False
        start += 2 + data[start + 1] * width
    return start == end


def clean(code: int, flags: int, data, start: int, end: int, asn4: bool) -> bool:
    """Whether RFC 7606 keeps this attribute as it is: a common one with its flags and value (`tables`)."""
    rule = COMMON_RULES[code]
    if rule is None:
        return False
    expected, checked, size, item = rule
    if flags & checked != expected:
        return False
    length = end - start
    if size is not None:
        return length == size and (code != ORIGIN or data[start] <= ORIGIN_INCOMPLETE)
    if item is not None:
        return length > 0 and length % item == 0
    width = ASN4_SIZE if asn4 else ASN2_SIZE
    if code == AS_PATH:
        return _as_path(data, start, end, width)
    return length == width + IPV4_SIZE  # AGGREGATOR


def vouch(data, base: int, size: int, addpath4, addpath6, ipv4, ipv6, asn4, marked):
    """The record of the UPDATE body ``data[base:base + size]`` (offsets into `data`), None when not vouched for.

    Its INDEX_START is `base` less the header's size, where the message starts in a run; whether it is plain
    is found only when `marked`.
    """
    if size < UPDATE_MINIMUM:
        return None
    end_of_body = base + size
    withdrawn_end = base + 2 + ((data[base] << 8) | data[base + 1])
    if withdrawn_end + 2 > end_of_body:
        return None
    attributes_end = withdrawn_end + 2 + ((data[withdrawn_end] << 8) | data[withdrawn_end + 1])
    if attributes_end > end_of_body:
        return None
    if not _prefixes(data, base + 2, withdrawn_end, _IPV4_BITS, addpath4):
        return None
    if not _prefixes(data, attributes_end, end_of_body, _IPV4_BITS, addpath4):
        return None
    routes = withdrawn_end > base + 2 or attributes_end < end_of_body
    reach_at = reach_start = reach_end = unreach_at = unreach_start = unreach_end = 0
    plain = bool(marked)
    seen = set()
    offset = withdrawn_end + 2
    while offset < attributes_end:
        bounds = attribute_value(data, offset, attributes_end)
        if bounds is None:
            return None
        flags = data[offset]
        code = data[offset + 1]
        start, end = bounds
        if end > attributes_end:
            return None
        if plain:
            if code in seen:
                plain = False
            seen.add(code)
        if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
            reach = code == MP_REACH_NLRI
            if (reach_at if reach else unreach_at) or flags & FLAGS_CHECKED_OPTIONAL != OPTIONAL:
                return None
            if not _multiprotocol(data, start, end, reach, addpath4, addpath6, ipv4, ipv6):
                return None
            if reach:
                reach_at, reach_start, reach_end = offset, start, end
                routes = True
            else:
                unreach_at, unreach_start, unreach_end = offset, start, end
                routes = routes or end > start + FAMILY_SIZE
        else:
            if not flags & OPTIONAL and code not in KNOWN:
                return None
            if plain and not clean(code, flags, data, start, end, asn4):
                plain = False
        offset = end
    if not routes:
        return None
    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) is not plain
    if (attributes_end < end_of_body or reach_at) and not (ORIGIN in seen and AS_PATH in seen):
        plain = False
    if attributes_end < end_of_body and NEXT_HOP not in seen:
        plain = False
    return (
        base - HEADER_SIZE,
        withdrawn_end,
        attributes_end,
        end_of_body,
        reach_at,
        reach_start,
        reach_end,
        unreach_at,
        unreach_start,
        unreach_end,
        int(plain),
    )


def check_update(body, addpath4: bool, addpath6: bool, ipv4: bool = True, ipv6: bool = True) -> bool:
    """True when the UPDATE `body` is vouched for (see the module docstring)."""
    data = bytes(body)
    return vouch(data, 0, len(data), addpath4, addpath6, ipv4, ipv6, True, False) is not None


def index_update(body, addpath4: bool, addpath6: bool, asn4: bool) -> array:
    """The record of the UPDATE `body` alone, plain marked (offsets into `body`), or an empty array."""
    data = bytes(body)
    record = vouch(data, 0, len(data), addpath4, addpath6, True, True, asn4, True)
    return array("i", () if record is None else record)


def index_updates(
    data, max_size: int, addpath4: bool, addpath6: bool, ipv4: bool, ipv6: bool, asn4: bool, plain: bool
) -> tuple[int, array]:
    """``(octets, index)``: the vouched-for UPDATE messages at the front of `data` and their index."""
    data = bytes(data)
    size = len(data)
    offset = 0
    index = array("i")
    while size - offset >= HEADER_SIZE:
        if not data.startswith(MARKER, offset) or data[offset + TYPE_AT] != UPDATE:
            break
        length = (data[offset + LENGTH_AT] << 8) | data[offset + LENGTH_AT + 1]
        if length < HEADER_SIZE or length > max_size or size - offset < length:
            break
        record = vouch(data, offset + HEADER_SIZE, length - HEADER_SIZE, addpath4, addpath6, ipv4, ipv6, asn4, plain)
        if record is None:
            break
        index.extend(record)
        offset += length
    return offset, index
