"""What an UPDATE does to an Adj-RIB-In, in one call (pure twin, the specification).

The Adj-RIB-In (`exabgp.rib.incoming`) keeps each route as one dictionary
slot: an integer *key* made of the NLRI, mapped to the attribute section as
received.  For the UPDATEs a full table is made of, nothing has to be
decoded to fill it: this module reads the octets in place and gives the keys
and the section, and says when it can not vouch that the full decode
(`exabgp.bgp.attribute.decode_attributes`, RFC 7606 applied) would find
every attribute clean.

A *key* (plain prefixes of IPv4 / IPv6, RFC 4271 section 4.3, RFC 4760) is
the integer ``length << width_bits | prefix``, `prefix` being the
``ceil(length / 8)`` prefix octets as sent (host bits kept) read as one
big-endian number, `width_bits` 32 or 128, with ``(path identifier + 1) <<
(width_bits + 72)`` added under ADD-PATH (RFC 7911 section 3): the layout of
the Adj-RIB-In's keys, whose 64 bits above the length hold a route
distinguisher in VPN families.  The prefix octets are the low bits so that
the keys of a table spread over a dictionary (a /24 has 24 varying low bits;
the zero-padded address would end in 8 zero bits).

`nlri_keys(data, afi, addpath)` gives the keys of one NLRI section in wire
order, with the errors of `decode_nlri` (3/10, RFC 4271 section 6.3).

`ingest_update(body, addpath4, addpath6, asn4)` returns None ("not vouched
for: decode it in full", never an error) unless ALL of these hold:

* `check_update(body, addpath4, addpath6)` vouches for it (`_check_py`: no
  session reset, IPv4 / IPv6 unicast only, at least one NLRI);
* no attribute code appears twice;
* ORIGIN and AS_PATH are there when it announces routes, and NEXT_HOP
  too when they are in the NLRI field (RFC 4271 section 5, RFC 4760
  section 3: a missing one is RFC 7606 section 3 d treat-as-withdraw);
* every attribute other than MP_REACH_NLRI / MP_UNREACH_NLRI is a common
  one, with the flags and the value `exabgp._codec.tables` describes
  (`tables.COMMON`: ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF,
  ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES, ORIGINATOR_ID, CLUSTER_LIST,
  LARGE_COMMUNITY; `asn4` gives the ASN width of AS_PATH and AGGREGATOR),
  so that RFC 7606 neither withdraws nor discards anything (any other code,
  known or not, is left to the full decode).

When vouched for it returns ``(section, withdrawn, announced, unreach,
reach)``: `section` the attribute section without the MP_REACH_NLRI and
MP_UNREACH_NLRI TLVs (the others as received, in wire order); `withdrawn`
and `announced` the keys of the withdrawn-routes and NLRI fields (IPv4,
`addpath4`); `unreach` None or ``(afi, keys)`` of MP_UNREACH_NLRI; `reach`
None or ``(afi, next-hop field, keys)`` of MP_REACH_NLRI (`addpath6` for
IPv6 NLRI, `addpath4` for IPv4 ones).

`ingest_messages(data, offset, addpath4, addpath6, asn4, tables, paths)`
applies to an Adj-RIB-In, in order, the UPDATE messages of `data` from
`offset` (RFC 4271 section 4.1 framing: marker, length, type 2) that
`ingest_update` vouches for, and stops at the first other one (incomplete,
not an UPDATE, not vouched for).  `tables` maps ``(afi, safi)`` to the
family's ``{key: path}`` and `paths` interns paths (``{path: path}``).  Per
message, in 5.0's order: the withdrawn keys are removed from the IPv4
unicast table and the announced ones set to the interned `section` (the
table is made when either list is not empty); the MP_UNREACH_NLRI keys are
removed from their family's table when it exists; the MP_REACH_NLRI keys are
set to the interned ``section + 00 0E len next-hop`` (a pseudo attribute
carrying the next-hop field).  Returns ``(offset, churn)``: where it stopped
and how many routes were withdrawn or replaced (stored keys removed or
overwritten), from which the caller knows when unused paths may be swept.
"""

from exabgp._codec._check_py import check_update
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import (
    AFI_IPV4,
    ASN2_SIZE,
    ASN4_SIZE,
    AS_CONFED_SET,
    AS_PATH,
    AS_SET,
    COMMON_RULES,
    EXTENDED_LENGTH,
    FAMILY_SIZE,
    HEADER_SIZE,
    IPV4_SIZE,
    IPV6_SIZE,
    LENGTH_AT,
    MARKER,
    MP_REACH_NLRI,
    MP_UNREACH_NLRI,
    NEXT_HOP,
    ORIGIN,
    ORIGIN_INCOMPLETE,
    SAFI_UNICAST,
    TYPE_AT,
    UPDATE,
)

__all__ = ("ingest_messages", "ingest_update", "nlri_keys")


def _keys(data: bytes, start: int, end: int, width: int, addpath: bool) -> list:
    """The keys of the whole prefixes in ``data[start:end]`` (3/10 when they are not whole)."""
    keys = []
    shift = width * 8 + 72
    max_bits = width * 8
    while start < end:
        path = 0
        if addpath:
            if start + 4 > end:
                raise CodecError(3, 10, b"", "truncated path identifier")
            path = int.from_bytes(data[start : start + 4], "big") + 1
            start += 4
        if start >= end:
            raise CodecError(3, 10, b"", "missing prefix length")
        bits = data[start]
        if bits > max_bits:
            raise CodecError(3, 10, b"", f"prefix length {bits} too long")
        octets = (bits + 7) >> 3
        start += 1
        if start + octets > end:
            raise CodecError(3, 10, b"", "truncated prefix")
        keys.append(path << shift | bits << max_bits | int.from_bytes(data[start : start + octets], "big"))
        start += octets
    return keys


def nlri_keys(data, afi: int, addpath: bool) -> list:
    """The keys of every prefix of an NLRI section; `afi` is 1 (IPv4) or 2 (IPv6)."""
    data = bytes(data)
    return _keys(data, 0, len(data), IPV4_SIZE if afi == AFI_IPV4 else IPV6_SIZE, bool(addpath))


def _as_path(data: bytes, start: int, end: int, width: int) -> bool:
    while start < end:
        if end - start < 2 or not AS_SET <= data[start] <= AS_CONFED_SET or data[start + 1] == 0:
            return False
        start += 2 + data[start + 1] * width
    return start == end


def _clean(code: int, flags: int, data: bytes, start: int, end: int, asn4: bool) -> bool:
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


def ingest_update(body, addpath4: bool, addpath6: bool, asn4: bool):
    """The Adj-RIB-In changes of the UPDATE `body`, or None (see the module docstring)."""
    data = bytes(body)
    if not check_update(data, addpath4, addpath6):
        return None
    size = len(data)
    withdrawn_end = 2 + ((data[0] << 8) | data[1])
    section_start = withdrawn_end + 2
    attributes_end = section_start + ((data[withdrawn_end] << 8) | data[withdrawn_end + 1])
    seen = set()
    kept = []
    kept_from = section_start
    unreach = reach = None
    offset = section_start
    while offset < attributes_end:
        flags = data[offset]
        code = data[offset + 1]
        if flags & EXTENDED_LENGTH:
            start = offset + 4
            end = start + ((data[offset + 2] << 8) | data[offset + 3])
        else:
            start = offset + 3
            end = start + data[offset + 2]
        if code in seen:
            return None
        seen.add(code)
        if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
            afi = (data[start] << 8) | data[start + 1]
            width, addpath = (IPV4_SIZE, addpath4) if afi == AFI_IPV4 else (IPV6_SIZE, addpath6)
            if code == MP_REACH_NLRI:
                nexthop_end = start + 4 + data[start + 3]
                reach = (afi, data[start + 4 : nexthop_end], _keys(data, nexthop_end + 1, end, width, addpath))
            else:
                unreach = (afi, _keys(data, start + FAMILY_SIZE, end, width, addpath))
            kept.append(data[kept_from:offset])
            kept_from = end
        elif not _clean(code, flags, data, start, end, asn4):
            return None
        offset = end
    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) goes the general way
    if (attributes_end < size or reach is not None) and not (ORIGIN in seen and AS_PATH in seen):
        return None
    if attributes_end < size and NEXT_HOP not in seen:
        return None
    if kept_from == section_start:
        section = data[section_start:attributes_end]
    else:
        kept.append(data[kept_from:attributes_end])
        section = b"".join(kept)
    return (
        section,
        _keys(data, 2, withdrawn_end, IPV4_SIZE, addpath4),
        _keys(data, attributes_end, size, IPV4_SIZE, addpath4),
        unreach,
        reach,
    )


def _intern(paths: dict, path: bytes) -> bytes:
    shared = paths.get(path)
    if shared is None:
        shared = paths[path] = path
    return shared


def _apply(changes, tables: dict, paths: dict) -> int:
    """Apply the changes of one UPDATE; the routes withdrawn or replaced."""
    section, withdrawn, announced, unreach, reach = changes
    churn = 0
    if withdrawn or announced:
        table = tables.get((AFI_IPV4, SAFI_UNICAST))
        if table is None:
            table = tables[(AFI_IPV4, SAFI_UNICAST)] = {}
        before = len(table)
        for key in withdrawn:
            table.pop(key, None)
        if announced:
            path = _intern(paths, section)
            for key in announced:
                table[key] = path
        churn += before + len(announced) - len(table)
    if unreach is not None:
        table = tables.get((unreach[0], SAFI_UNICAST))
        if table is not None:
            before = len(table)
            for key in unreach[1]:
                table.pop(key, None)
            churn += before - len(table)
    if reach is not None:
        afi, nexthop, keys = reach
        table = tables.get((afi, SAFI_UNICAST))
        if table is None:
            table = tables[(afi, SAFI_UNICAST)] = {}
        before = len(table)
        path = _intern(paths, section + bytes((0, MP_REACH_NLRI, len(nexthop))) + nexthop)
        for key in keys:
            table[key] = path
        churn += before + len(keys) - len(table)
    return churn


def ingest_messages(data, offset: int, addpath4: bool, addpath6: bool, asn4: bool, tables: dict, paths: dict):
    """Apply the vouched-for UPDATE messages of `data` from `offset` (see the module docstring)."""
    if offset < 0:
        raise ValueError("negative offset")
    data = bytes(data)
    size = len(data)
    churn = 0
    while size - offset >= HEADER_SIZE:
        length = (data[offset + LENGTH_AT] << 8) | data[offset + LENGTH_AT + 1]
        if (
            not data.startswith(MARKER, offset)
            or data[offset + TYPE_AT] != UPDATE
            or length < HEADER_SIZE
            or size - offset < length
        ):
            break
        changes = ingest_update(data[offset + HEADER_SIZE : offset + length], addpath4, addpath6, asn4)
        if changes is None:
            break
        churn += _apply(changes, tables, paths)
        offset += length
    return offset, churn
