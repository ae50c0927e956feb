"""What an UPDATE does to an Adj-RIB-In, in one call (pure twin, the specification).

The Adj-RIB-In (`exabgp.rib.incoming`) keeps each route as one dictionary
slot: an integer *key* made of the NLRI, mapped to the attribute section as
received.  For the UPDATEs a full table is made of, nothing has to be
decoded to fill it: this module reads the octets in place, where the one
indexing pass (`_codec.index_updates`) found the parts of each *plain*
UPDATE (one whose attributes the full decode,
`exabgp.bgp.attribute.decode_attributes` with RFC 7606, would find clean),
and gives the keys and the section.

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

`ingest_messages(data, index, record, addpath4, addpath6, tables, paths)`
applies to an Adj-RIB-In, in order, the UPDATE messages of `data` that
`index` (what `_codec.index_updates` gave for `data`: nothing is framed nor
checked again here) records, from its `record`-th one, and stops at the
first one that is not plain (RFC 7606 would withdraw or discard something
in it: the caller decodes that one in full).  `tables` maps ``(afi, safi)``
to the family's ``{key: path}`` and `paths` interns paths (``{path:
path}``).  Per message, in 5.0's order: the keys of the withdrawn-routes
field (IPv4, `addpath4`) are removed from the IPv4 unicast table and those
of the NLRI field set to the interned *section*, the attribute section
without the MP_REACH_NLRI and MP_UNREACH_NLRI TLVs (the others as received,
in wire order); the table is made when either list is not empty; the
MP_UNREACH_NLRI keys are removed from their family's table when it exists;
the MP_REACH_NLRI keys (`addpath6` for IPv6 NLRI, `addpath4` for IPv4 ones)
are set to the interned ``section + 00 0E len next-hop`` (a pseudo
attribute carrying the next-hop field).  Returns ``(record, churn)``: the
first record not applied (the number of records at the end) and how many
routes were withdrawn or replaced (stored keys removed or overwritten),
from which the caller knows when unused paths may be swept.
"""

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import (
    AFI_IPV4,
    FAMILY_SIZE,
    HEADER_SIZE,
    INDEX_ATTRIBUTES_END,
    INDEX_END,
    INDEX_FIELDS,
    INDEX_PLAIN,
    INDEX_REACH,
    INDEX_REACH_END,
    INDEX_REACH_VALUE,
    INDEX_START,
    INDEX_UNREACH,
    INDEX_UNREACH_END,
    INDEX_UNREACH_VALUE,
    INDEX_WITHDRAWN_END,
    IPV4_SIZE,
    IPV6_SIZE,
    MP_REACH_NLRI,
    SAFI_UNICAST,
)

__all__ = ("ingest_messages", "nlri_keys")


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


def _changes(data: bytes, index, at: int, addpath4: bool, addpath6: bool) -> tuple:
    """``(section, withdrawn, announced, unreach, reach)`` of the plain UPDATE whose record starts at ``index[at]``.

    `withdrawn` and `announced` are the keys of the withdrawn-routes and NLRI fields, `unreach` None or
    ``(afi, keys)`` of MP_UNREACH_NLRI, `reach` None or ``(afi, next-hop field, keys)`` of MP_REACH_NLRI.
    """
    withdrawn_end = index[at + INDEX_WITHDRAWN_END]
    section_start = withdrawn_end + 2
    attributes_end = index[at + INDEX_ATTRIBUTES_END]
    cuts = sorted(
        (index[at + tlv], index[at + tlv_end])
        for tlv, tlv_end in ((INDEX_REACH, INDEX_REACH_END), (INDEX_UNREACH, INDEX_UNREACH_END))
        if index[at + tlv]
    )
    kept_from = section_start
    kept = []
    for cut_start, cut_end in cuts:
        kept.append(data[kept_from:cut_start])
        kept_from = cut_end
    kept.append(data[kept_from:attributes_end])
    unreach = reach = None
    if index[at + INDEX_UNREACH]:
        value = index[at + INDEX_UNREACH_VALUE]
        afi = (data[value] << 8) | data[value + 1]
        width, addpath = (IPV4_SIZE, addpath4) if afi == AFI_IPV4 else (IPV6_SIZE, addpath6)
        unreach = (afi, _keys(data, value + FAMILY_SIZE, index[at + INDEX_UNREACH_END], width, addpath))
    if index[at + INDEX_REACH]:
        value = index[at + INDEX_REACH_VALUE]
        afi = (data[value] << 8) | data[value + 1]
        width, addpath = (IPV4_SIZE, addpath4) if afi == AFI_IPV4 else (IPV6_SIZE, addpath6)
        nexthop_end = value + 4 + data[value + 3]
        keys = _keys(data, nexthop_end + 1, index[at + INDEX_REACH_END], width, addpath)
        reach = (afi, data[value + 4 : nexthop_end], keys)
    return (
        b"".join(kept),
        _keys(data, index[at + INDEX_START] + HEADER_SIZE + 2, withdrawn_end, IPV4_SIZE, addpath4),
        _keys(data, attributes_end, index[at + INDEX_END], IPV4_SIZE, addpath4),
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


def ingest_messages(data, index, record: int, addpath4: bool, addpath6: bool, tables: dict, paths: dict):
    """Apply the plain UPDATEs `index` records for `data`, from its `record`-th (see the module docstring)."""
    if record < 0:
        raise ValueError("negative record")
    data = bytes(data)
    count = len(index) // INDEX_FIELDS
    churn = 0
    while record < count:
        at = record * INDEX_FIELDS
        if not index[at + INDEX_PLAIN]:
            break
        churn += _apply(_changes(data, index, at, addpath4, addpath6), tables, paths)
        record += 1
    return record, churn
