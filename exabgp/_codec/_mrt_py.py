"""A buffer of MRT records read in one pass: bgpdump's text and the route columns (pure twin, the specification).

The records of a full table are of a few kinds, and each is read here once,
in place, with the index topic's rules (`_index_py`): no message is framed
twice, no object is built per route.  Two entry points walk the records at
the front of a buffer, from `start`, and stop at the first record they do
not take, returning where it starts; the caller (`exabgp.mrt`) reads that
one through the general path (`exabgp.mrt.reader`, which names the errors),
then calls again after it.  Nothing here raises on the octets: a record
that is not taken is left to the general path, whole.

The records taken (RFC 6396, RFC 8050):

* BGP4MP and BGP4MP_ET MESSAGE, MESSAGE_AS4, *_LOCAL and *_ADDPATH: the
  header (2- or 4-octet ASNs, AFI 1 or 2, the two addresses), then a BGP
  message with its marker, of a length that fits the record.  A message
  other than an UPDATE gives nothing.  An UPDATE is taken when the index
  vouches for it (`_index_py.vouch`: sections inside the body, whole
  prefixes, IPv4/IPv6 unicast MP attributes with their next hops, at least
  one route) and its attributes read cleanly (below); with 2-octet ASNs, an
  AS4_PATH or AS4_AGGREGATOR (RFC 6793 merging) is left to the general
  path, and so is an UPDATE whose NLRI field has routes but whose attribute
  section is empty.  An End-of-RIB (RFC 4724 section 2: an empty UPDATE, or
  one holding only an MP_UNREACH_NLRI without prefixes) is taken and gives
  nothing;
* TABLE_DUMP_V2 RIB_IPV4/IPV6_UNICAST/MULTICAST and their *_ADDPATH twins:
  the prefix (at most 32 / 128 bits), the entries inside the record and
  filling it, each entry's peer in the PEER_INDEX_TABLE given (`peers`),
  and its attributes reading cleanly (4-octet ASNs);
* TABLE_DUMP (RFC 6396 section 4.2), subtype AFI_IPv4 or AFI_IPv6: the
  prefix length at most the address's, the attributes filling the body
  and reading cleanly with 2-octet ASNs (an AS4_PATH or AS4_AGGREGATOR,
  merged by RFC 6793, is left to the general path).  Early RIS records
  whose length field is 4 octets short of the attribute length they hold
  take the 4 octets after them, as `exabgp.mrt.reader` frames them (the
  next record starts after those).

An attribute section reads cleanly when its TLVs fill it, no code appears
twice, and ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF,
ATOMIC_AGGREGATE, AGGREGATOR and COMMUNITIES (what the text shows) follow
the common attributes' rules (`_index_py.clean`: flags and value).  In a
RIB entry (of either kind, in any family) MP_REACH_NLRI is RFC 6396's short
form (next-hop length and next hop) when its first octet is the length of
what follows, else the whole attribute some writers put there, whose next
hop and reserved octet must fit it or the record is not taken.  Other
codes are not read.

**Text.**  ``bgpdump_text(data, start, peers) -> (stop, records, text)``:
the ``bgpdump -m`` lines of the records taken (`exabgp.mrt.bgpdump` says
which, field by field); `peers` holds, for each PEER_INDEX_TABLE entry,
``b"ADDRESS|AS|"``.  Lines of BGP4MP are
``KIND|TIME|A|PEER|AS|PREFIX|PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|AG|AGGREGATOR|``
(withdrawals stop after the prefix), of RIB entries the same with
``TABLE_DUMP2[_AP]|TIME|B|``, of TABLE_DUMP records with ``TABLE_DUMP|TIME|B|``,
the record's peer address and 2-octet AS, and the prefix's address as
written (its octets past the length included).  A BGP4MP STATE_CHANGE or
STATE_CHANGE_AS4 record (AFI 1 or 2, the states within it) is the line
``KIND|TIME|STATE|PEER|AS|OLD|NEW``.

**Columns.**  ``mrt_columns(data, start, index, peers, heads, sets, columns)
-> (stop, records)``: one row per prefix, in the text's order, appended to
the `tables.MRT_COLUMNS` ``array`` objects of `columns` (the columns of
`exabgp.mrt.columnar`, plus the record's index, counted from `index`, and
the kind of its attribute set).  `peers` holds, for each PEER_INDEX_TABLE
entry, the caller's peer number; `heads` maps the octets of a BGP4MP header
(ASes, interface, AFI, addresses) to the caller's peer number, a header
not in it leaves its record to the general path (which adds it), and so
does a TABLE_DUMP record's peer, the octets of its address and AS (6 or 18
octets: no BGP4MP header is that long); `sets` is four dicts that intern
attribute octets (BGP4MP with 4-octet ASNs, with 2-octet ASNs,
TABLE_DUMP_V2 RIB entries, TABLE_DUMP entries) to their number in order of
arrival.  A row's next hop is the
MP_REACH_NLRI one for its prefixes (and for a RIB entry outside IPv4
that has one), else NEXT_HOP's; its origin AS is the last ASN of the
AS_PATH when the last segment is an AS_SEQUENCE, else 0, and its path
length counts an AS_SEQUENCE's ASNs, 1 for an AS_SET, 0 for confederation
segments (RFC 4271 section 9.1.2.2).  Withdrawals carry no attributes,
next hop nor set (-1).

**JSON.**  ``json_lines(data, start, heads, peers, sessions, counts, lead,
middle, tail) -> (stop, records, text)``: ExaBGP 5.0's JSON lines of the
records taken from `start` (`exabgp.mrt.jsonlines`), one per BGP message,
state change, RIB entry or TABLE_DUMP record.  Four kinds of records are
taken, any other stops the pass:

- a TABLE_DUMP_V2 RIB_IPV4_UNICAST or RIB_IPV6_UNICAST record (or their
  *_ADDPATH twins) that has entries, they fill it, each entry's peer is in
  `peers` (``(slot, after)`` for each PEER_INDEX_TABLE entry) and
  `_json_py.render_update` renders the UPDATE each stands for (its
  attributes, 4-octet ASNs, and the prefix with the entry's path identifier
  in the NLRI field, or for IPv6 in a whole MP_REACH_NLRI after the other
  attributes, which must not repeat: `exabgp.mrt.reader.rib_update_body`);
- a session record, BGP4MP or BGP4MP_ET STATE_CHANGE, STATE_CHANGE_AS4 or
  MESSAGE* whose message (with its marker, fitting the record) is not an
  UPDATE, whose key, the subtype's two octets and the record's body
  (after BGP4MP_ET's microseconds), `sessions` maps to ``(slot, rest)``:
  the line is ``lead + TIME + middle + COUNT + rest``, `rest` what the
  general path printed after the counter the first time (the caller adds
  it: a session's KEEPALIVEs, OPENs and state changes repeat);
- a BGP4MP or BGP4MP_ET MESSAGE* record (any of the eight subtypes, AFI 1
  or 2) whose message has its marker, fits the record and is an UPDATE that
  `_json_py.render_update` renders (4-octet ASNs and path identifiers as
  the subtype says), the neighbor in `heads`, which maps the octet 1 (a
  *_LOCAL subtype) or 0 followed by the record's BGP4MP header octets
  (ASes, interface index, AFI, both addresses) to ``(slot, after)``;
- a TABLE_DUMP record (AFI 1 or 2, its prefix length within the address,
  its attributes filling it) whose entry's UPDATE `render_update` renders
  with 2-octet ASNs (as a RIB entry's, `rib_update_body`), the neighbor in
  `heads` under the octet 2 followed by the peer's address and AS.

A header or key not in the tables stops the pass too (the caller's general
path adds it).  Each other line is ``lead + TIME + middle + COUNT + after
+ MESSAGE + tail``, TIME the ``repr`` of the record's time as a float of
seconds (with the microseconds of BGP4MP_ET, as
`exabgp.mrt.reader.Record.timestamp`), COUNT ``counts[slot]`` once counted
up by one (``slot`` and ``after`` a RIB entry's peer's, TIME the
record's).

**Writing.**  ``bgp4mp_records(octets, index, head, seconds, micro, subtype,
subtype6) -> bytes``: the BGP4MP_ET records of a run of received UPDATEs
(whole messages and their index, `index_updates`), one per message, in
order: the MRT header (`seconds`, BGP4MP_ET, the subtype, the length of
what follows it), the microseconds `micro` (RFC 6396 section 3), `head`
(the session's ASes, interface index, AFI and addresses: RFC 6396 section
4.4.3 with 4-octet ASNs), then the message as received.  The subtype is
`subtype6` for a message whose MP_REACH_NLRI (else MP_UNREACH_NLRI) is of
IPv6, `subtype` for the others (RFC 8050 section 3: a session may receive
path identifiers in one of the families only).  An index record that does
not lie inside `octets` is a ValueError (the index is the caller's).
"""

from socket import AF_INET, AF_INET6, inet_ntop

from exabgp._codec._index_py import clean, vouch
from exabgp._codec._json_py import render_update
from exabgp._codec.headers import attribute_value
from exabgp._codec.mrt_headers import table_dump_missing
from exabgp._codec.tables import (
    RIS_SHORT,
    TABLE_DUMP_FIXED,
    AFI_IPV4,
    AFI_IPV6,
    AGGREGATOR,
    AS4_AGGREGATOR,
    AS4_PATH,
    AS_CONFED_SEQUENCE,
    BGP4MP_STATE_CHANGE,
    BGP4MP_STATE_CHANGE_AS4,
    AS_CONFED_SET,
    AS_PATH,
    AS_SEQUENCE,
    AS_SET,
    ASN2_SIZE,
    ASN4_SIZE,
    ATOMIC_AGGREGATE,
    COMMUNITIES,
    FAMILY_SIZE,
    HEADER_SIZE,
    INDEX_ATTRIBUTES_END,
    INDEX_END,
    INDEX_FIELDS,
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
    LENGTH_AT,
    LOCAL_PREF,
    MARKER,
    EXTENDED_LENGTH,
    MP_REACH_NLRI,
    MP_UNREACH_NLRI,
    MRT_BGP4MP,
    MRT_BGP4MP_ET,
    MRT_COLUMNS,
    MRT_ET_SIZE,
    MRT_HEADER_SIZE,
    MRT_MESSAGE_SUBTYPES,
    MRT_RIB_SUBTYPES,
    MRT_TABLE_DUMP,
    MRT_TABLE_DUMP_V2,
    MRT_TYPECODES,
    MULTI_EXIT_DISC,
    NEXT_HOP,
    OPTIONAL,
    ORIGIN,
    ORIGIN_EGP,
    ORIGIN_IGP,
    RIB_IPV4_UNICAST,
    RIB_IPV4_UNICAST_ADDPATH,
    RIB_IPV6_UNICAST,
    RIB_IPV6_UNICAST_ADDPATH,
    SAFI_UNICAST,
    TYPE_AT,
    UPDATE,
    UPDATE_MINIMUM,
)

__all__ = ("bgp4mp_records", "bgpdump_text", "json_lines", "mrt_columns")

#: BGP4MP message subtype -> (4-octet ASNs, ADD-PATH, local)
_MESSAGES = MRT_MESSAGE_SUBTYPES
#: TABLE_DUMP_V2 subtype -> (AFI, SAFI, ADD-PATH), RIB_GENERIC aside
_RIBS: dict = {subtype: flags for subtype, flags in MRT_RIB_SUBTYPES.items() if flags[0] is not None}
#: the attributes the text shows, read under the common attributes' rules
_SHOWN = frozenset((ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES))
_ADDRESS = {AFI_IPV4: (AF_INET, IPV4_SIZE), AFI_IPV6: (AF_INET6, IPV6_SIZE)}
_WELL_KNOWN = {0xFFFFFF01: "no-export", 0xFFFFFF02: "no-advertise", 0xFFFFFF03: "local-AS"}
_NO_NEXTHOP = "255.255.255.255"
_STATES = (BGP4MP_STATE_CHANGE, BGP4MP_STATE_CHANGE_AS4)  # the BGP4MP subtypes of state changes
_RIB_ENTRY = 8  # peer index (2), originated time (4), attribute length (2)
_RIB_PATH_ID = 4  # RFC 8050 section 4.1: after the originated time


def _check(data, start: int) -> None:
    if not 0 <= start <= len(data):
        raise ValueError(f"start {start} is outside the buffer ({len(data)} octets)")


def _u(data, at: int, width: int) -> int:
    return int.from_bytes(data[at : at + width], "big")


def _address(data, at: int, octets: int, afi: int) -> bytes:
    """The `octets` octets at `at`, zero-padded to the address size of `afi`."""
    size = _ADDRESS[afi][1]
    return bytes(data[at : at + octets]) + bytes(size - octets)


def _text(afi: int, address: bytes) -> str:
    return inet_ntop(_ADDRESS[afi][0], address)


# ---------------------------------------------------------------- reading: attributes, prefixes, records


class _Attributes:
    """What one clean attribute section holds for the text and the columns (offsets into the buffer)."""

    __slots__ = ("values", "reach")

    def __init__(self, values, reach):
        self.values = values  # code -> (start, end) of the shown attributes
        self.reach = reach  # (start, end) of MP_REACH_NLRI's value, or None


def _attributes(data, start: int, end: int, asn4: bool):
    """The `_Attributes` of ``data[start:end]``, or None when it does not read cleanly (module docstring)."""
    seen = set()
    values = {}
    reach = None
    offset = start
    while offset < end:
        bounds = attribute_value(data, offset, end)
        if bounds is None:
            return None
        first, last = bounds
        flags = data[offset]
        code = data[offset + 1]
        if last > end or code in seen:
            return None
        seen.add(code)
        if code in _SHOWN:
            if not clean(code, flags, data, first, last, asn4):
                return None
            values[code] = (first, last)
        elif code == AS4_PATH or code == AS4_AGGREGATOR:
            if not asn4:  # merged with AS_PATH / AGGREGATOR (RFC 6793 section 4.2.3): the general path
                return None
        elif code == MP_REACH_NLRI:
            reach = (first, last)
        offset = last
    return _Attributes(values, reach)


def _rib_nexthop(data, reach):
    """``(next hop offset, size)`` of a RIB entry's MP_REACH_NLRI (short or whole form), None when it is not taken.

    The whole form must hold its reserved octet after the next hop: the columns' general path rejects the
    attribute without it, which the text's general path prints.
    """
    first, last = reach
    size = last - first
    if size and data[first] + 1 == size:  # RFC 6396 section 4.3.4: the next-hop length, the next hop
        return first + 1, data[first]
    if size < FAMILY_SIZE + 1:
        return None
    length = data[first + FAMILY_SIZE]
    if first + FAMILY_SIZE + 1 + length + 1 > last:
        return None
    return first + FAMILY_SIZE + 1, length


def _nexthop(data, at: int, length: int, afi: int):
    """``(afi, address)`` of the first next hop of `length` octets at `at`, as bgpdump picks it ((0, b"") for none)."""
    if length >= IPV6_SIZE and afi == AFI_IPV6:
        return AFI_IPV6, bytes(data[at : at + IPV6_SIZE])
    if length >= IPV4_SIZE and afi == AFI_IPV4:
        return AFI_IPV4, bytes(data[at : at + IPV4_SIZE])
    if length >= IPV6_SIZE:
        return AFI_IPV6, bytes(data[at : at + IPV6_SIZE])
    if length >= IPV4_SIZE:
        return AFI_IPV4, bytes(data[at : at + IPV4_SIZE])
    return 0, b""


def _prefixes(data, start: int, end: int, afi: int, addpath: bool) -> list:
    """``(path_id, bits, address)`` of the whole prefixes of ``data[start:end]`` (checked by the caller)."""
    found = []
    at = start
    while at < end:
        path_id = 0
        if addpath:
            path_id = _u(data, at, 4)
            at += 4
        bits = data[at]
        octets = (bits + 7) >> 3
        found.append((path_id, bits, _address(data, at + 1, octets, afi)))
        at += 1 + octets
    return found


#: the next hop of announcements without one: bgpdump's text for a missing NEXT_HOP, no next hop in the columns
_NONE = (0, None)


class _Section:
    """The prefixes of one section of a record taken, and for announcements their next hop.

    `text_hop` is the next hop bgpdump shows (``(afi, address)``; ``(0, b"")``: an empty field, `_NONE`:
    255.255.255.255) and `column_hop` the one of the columns (afi 0: none): they differ only for a RIB entry
    outside IPv4 whose MP_REACH_NLRI next hop is shorter than an address.
    """

    __slots__ = ("withdrawn", "afi", "safi", "prefixes", "text_hop", "column_hop")

    def __init__(self, withdrawn, afi, safi, prefixes, text_hop=_NONE, column_hop=_NONE):
        self.withdrawn = withdrawn
        self.afi = afi
        self.safi = safi
        self.prefixes = prefixes
        self.text_hop = text_hop
        self.column_hop = column_hop


class _Route:
    """One UPDATE or one RIB entry taken: its sections in bgpdump's order and what its announcements share."""

    __slots__ = ("sections", "attributes", "set_octets", "asn4", "path_id", "originated", "peer")

    def __init__(self, sections, attributes, set_octets, asn4, path_id=0, originated=0, peer=0):
        self.sections = sections
        self.attributes = attributes  # `_Attributes`, None for an UPDATE without attributes
        self.set_octets = set_octets  # (start, end) of the attribute section, None without
        self.asn4 = asn4
        self.path_id = path_id  # a RIB entry's (RFC 8050)
        self.originated = originated
        self.peer = peer  # a RIB entry's index in the PEER_INDEX_TABLE


def _hop4(data, attributes: _Attributes):
    found = attributes.values.get(NEXT_HOP)
    return (AFI_IPV4, bytes(data[found[0] : found[1]])) if found else _NONE


def _end_of_rib(data, start: int, end: int) -> bool:
    """Whether the UPDATE body ``data[start:end]`` is an End-of-RIB (RFC 4724 section 2): empty, or a lone
    MP_UNREACH_NLRI holding only its AFI and SAFI; it has no route (the index does not vouch for it)."""
    if end - start < UPDATE_MINIMUM or data[start] or data[start + 1]:
        return False
    at = start + UPDATE_MINIMUM
    if _u(data, start + 2, 2) != end - at:  # attributes only, no NLRI field
        return False
    if at == end:
        return True
    bounds = attribute_value(data, at, end)
    return bounds is not None and data[at + 1] == MP_UNREACH_NLRI and bounds == (end - FAMILY_SIZE, end)


def _header_end(data, start: int, end: int, asn4: bool):
    """``(afi, at)`` of the BGP4MP header at `start` (RFC 6396 section 4.4: the peer and local ASes of `asn4`'s
    width, the interface index, the AFI, the peer and local addresses), `at` where it ends; None when its AFI
    is not 1 or 2 or its AFI is past `end` (the addresses are not checked against `end`)."""
    at = start + 2 * (ASN4_SIZE if asn4 else ASN2_SIZE) + 2  # the AFI, after the ASes and the interface index
    if at + 2 > end:
        return None
    afi = _u(data, at, 2)
    if afi not in _ADDRESS:
        return None
    return afi, at + 2 + 2 * _ADDRESS[afi][1]


def _message_at(data, start: int, end: int, asn4: bool):
    """``(afi, at, length)`` of the BGP message of the BGP4MP message body ``data[start:end]`` (`at` its header,
    after the BGP4MP header, `_header_end`), None when the body does not hold one."""
    found = _header_end(data, start, end, asn4)
    if found is None:
        return None
    afi, at = found
    if at + HEADER_SIZE > end or data[at : at + len(MARKER)] != MARKER:
        return None
    length = _u(data, at + LENGTH_AT, 2)
    if length < HEADER_SIZE or at + length > end:
        return None
    return afi, at, length


def _message(data, start: int, end: int, subtype: int):
    """The BGP4MP message record body ``data[start:end]``: None (not taken), or ``(header, route)``, `header`
    ``(start, end, afi, ASN width)`` of the BGP4MP header and `route` a `_Route` (None for a message other
    than an UPDATE)."""
    asn4, addpath, _local = _MESSAGES[subtype]
    found = _message_at(data, start, end, asn4)
    if found is None:
        return None
    afi, at, length = found
    header = (start, at, afi, ASN4_SIZE if asn4 else ASN2_SIZE)
    if data[at + TYPE_AT] != UPDATE:
        return header, None
    body = at + HEADER_SIZE
    record = vouch(data, body, length - HEADER_SIZE, addpath, addpath, True, True, asn4, False)
    if record is None:
        return (header, None) if _end_of_rib(data, body, at + length) else None
    withdrawn_end = record[INDEX_WITHDRAWN_END]
    attributes_end = record[INDEX_ATTRIBUTES_END]
    message_end = record[INDEX_END]
    sections = [_Section(True, AFI_IPV4, SAFI_UNICAST, _prefixes(data, body + 2, withdrawn_end, AFI_IPV4, addpath))]
    if attributes_end == withdrawn_end + UPDATE_MINIMUM - 2:  # no attributes: bgpdump prints the withdrawals only
        if message_end > attributes_end:
            return None
        return header, _Route(sections, None, None, asn4)
    attributes = _attributes(data, withdrawn_end + 2, attributes_end, asn4)
    if attributes is None:
        return None
    if record[INDEX_UNREACH]:
        first, last = record[INDEX_UNREACH_VALUE], record[INDEX_UNREACH_END]
        family = _u(data, first, 2)
        sections.append(
            _Section(True, family, SAFI_UNICAST, _prefixes(data, first + FAMILY_SIZE, last, family, addpath))
        )
    hop = _hop4(data, attributes)
    prefixes = _prefixes(data, attributes_end, message_end, AFI_IPV4, addpath)
    sections.append(_Section(False, AFI_IPV4, SAFI_UNICAST, prefixes, hop, hop))
    if record[INDEX_REACH]:
        first, last = record[INDEX_REACH_VALUE], record[INDEX_REACH_END]
        family = _u(data, first, 2)
        length = data[first + FAMILY_SIZE]
        hop_at = first + FAMILY_SIZE + 1
        hop = _nexthop(data, hop_at, length, family)
        prefixes = _prefixes(data, hop_at + length + 1, last, family, addpath)
        sections.append(_Section(False, family, SAFI_UNICAST, prefixes, hop, hop))
    return header, _Route(sections, attributes, (withdrawn_end + 2, attributes_end), asn4)


def _entry_hops(data, attributes: _Attributes, afi: int):
    """``(text_hop, column_hop)`` of a RIB entry (`_Section`): NEXT_HOP's, or outside IPv4 its MP_REACH_NLRI's
    (`_rib_nexthop`); None when its MP_REACH_NLRI is not taken (in any family: the columns' general path rejects
    it)."""
    text_hop = column_hop = _hop4(data, attributes)
    if attributes.reach is None:
        return text_hop, column_hop
    found = _rib_nexthop(data, attributes.reach)
    if found is None:
        return None
    if afi != AFI_IPV4:
        text_hop = _nexthop(data, found[0], found[1], afi)
        if text_hop[0]:
            column_hop = text_hop
    return text_hop, column_hop


def _rib(data, start: int, end: int, subtype: int, peers: int):
    """The RIB record body ``data[start:end]``: None (not taken), or its `_Route` objects, one per entry."""
    afi, safi, addpath = _RIBS[subtype]
    at = start + 4  # after the sequence number
    if at >= end:
        return None
    bits = data[at]
    if bits > 8 * _ADDRESS[afi][1]:
        return None
    octets = (bits + 7) >> 3
    prefix_end = at + 1 + octets
    if prefix_end + 2 > end:
        return None
    prefix = _address(data, at + 1, octets, afi)
    count = _u(data, prefix_end, 2)
    cursor = prefix_end + 2
    head = _RIB_ENTRY + (_RIB_PATH_ID if addpath else 0)
    routes = []
    for _ in range(count):
        if cursor + head > end:
            return None
        peer = _u(data, cursor, 2)
        originated = _u(data, cursor + 2, 4)
        path_id = _u(data, cursor + 6, 4) if addpath else 0
        first = cursor + head
        last = first + _u(data, first - 2, 2)
        if last > end or peer >= peers:
            return None
        attributes = _attributes(data, first, last, True)
        if attributes is None:
            return None
        hops = _entry_hops(data, attributes, afi)
        if hops is None:
            return None
        section = _Section(False, afi, safi, [(path_id, bits, prefix)], *hops)
        routes.append(_Route([section], attributes, (first, last), True, path_id, originated, peer))
        cursor = last
    if cursor != end:
        return None
    return routes


class _Dump:
    """A TABLE_DUMP record taken: its one entry (`route`, the prefix's octets past its length zeroed, as the
    columns hold it), the prefix's address as written (`address`, which the text shows whole) and where the
    peer's address starts (`peer`; its AS, 2 octets, follows it)."""

    __slots__ = ("route", "address", "peer")

    def __init__(self, route, address, peer):
        self.route = route
        self.address = address
        self.peer = peer


def _dump_fields(data, start: int, end: int, afi: int):
    """``(width, at, first)`` of the TABLE_DUMP body ``data[start:end]`` (RFC 6396 section 4.2, the subtype its
    AFI): the address size, where the prefix length is (after the view, the sequence number and the prefix; the
    peer's address is 6 octets further) and where the attributes start; None when not taken (another AFI, a
    prefix longer than the address, attributes not filling the body)."""
    if afi not in _ADDRESS:
        return None
    width = _ADDRESS[afi][1]
    first = start + TABLE_DUMP_FIXED + 2 * width
    if first > end:
        return None
    at = start + 4 + width
    if data[at] > 8 * width or first + _u(data, first - 2, 2) != end:
        return None
    return width, at, first


def _dump(data, start: int, end: int, afi: int):
    """The TABLE_DUMP body ``data[start:end]``: a `_Dump`, or None (not taken: `_dump_fields`, or attributes not
    read cleanly with 2-octet ASNs)."""
    fields = _dump_fields(data, start, end, afi)
    if fields is None:
        return None
    _width, at, first = fields
    bits = data[at]
    attributes = _attributes(data, first, end, False)
    if attributes is None:
        return None
    hops = _entry_hops(data, attributes, afi)
    if hops is None:
        return None
    prefix = _address(data, start + 4, (bits + 7) >> 3, afi)
    section = _Section(False, afi, SAFI_UNICAST, [(0, bits, prefix)], *hops)
    route = _Route([section], attributes, (first, end), False, 0, _u(data, at + 2, 4))
    return _Dump(route, bytes(data[start + 4 : at]), at + 6)


def _records(data, start: int):
    """``(position, end, time, micro, kind, subtype, body)`` of each whole record from `start`, until a partial one
    (`micro` -1: a BGP4MP_ET record too short for its microseconds)."""
    size = len(data)
    position = start
    while size - position >= MRT_HEADER_SIZE:
        time = _u(data, position, 4)
        kind = _u(data, position + 4, 2)
        subtype = _u(data, position + 6, 2)
        end = position + MRT_HEADER_SIZE + _u(data, position + 8, 4)
        if end > size:
            return
        body = position + MRT_HEADER_SIZE
        if kind == MRT_TABLE_DUMP and table_dump_missing(data, body, end, subtype) == RIS_SHORT:
            end += RIS_SHORT  # early RIS: the octets after the record are its last ones
            if end > size:
                return
        micro = 0
        if kind == MRT_BGP4MP_ET:
            micro = _u(data, body, MRT_ET_SIZE) if end - body >= MRT_ET_SIZE else -1
            body += MRT_ET_SIZE
        yield position, end, time, micro, kind, subtype, body
        position = end


def _state(data, start: int, end: int, subtype: int):
    """``(afi, peer address, peer AS, old state, new state)`` of the STATE_CHANGE(_AS4) body ``data[start:end]``,
    None when not taken (an AFI but 1 or 2, the addresses or the states past its end)."""
    asn4 = subtype == BGP4MP_STATE_CHANGE_AS4
    found = _header_end(data, start, end, asn4)
    if found is None or found[1] + 4 > end:
        return None
    afi, states = found
    width = ASN4_SIZE if asn4 else ASN2_SIZE
    size = _ADDRESS[afi][1]
    peer = start + 2 * width + 4  # after the ASes, the interface index and the AFI
    return afi, bytes(data[peer : peer + size]), _u(data, start, width), _u(data, states, 2), _u(data, states + 2, 2)


def _read(data, start: int, peers: int, states: bool = False):
    """Each record taken from `start`: ``(end, time, micro, kind, subtype, what)``, `what` the `_message` result,
    the `_rib` routes, or with `states` a state change's `_state`; it stops before the first record not taken."""
    for _position, end, time, micro, kind, subtype, body in _records(data, start):
        if kind == MRT_BGP4MP or kind == MRT_BGP4MP_ET:
            if states and micro >= 0 and subtype in _STATES:
                what = _state(data, body, end, subtype)
                if what is None:
                    return
                yield end, time, micro, kind, subtype, what
                continue
            if subtype not in _MESSAGES or micro < 0:
                return
            what = _message(data, body, end, subtype)
        elif kind == MRT_TABLE_DUMP_V2 and subtype in _RIBS:
            what = _rib(data, body, end, subtype, peers)
        elif kind == MRT_TABLE_DUMP:
            what = _dump(data, body, end, subtype)
        else:
            return
        if what is None:
            return
        yield end, time, micro, kind, subtype, what


# ---------------------------------------------------------------- the text


def _path_text(data, first: int, last: int, width: int) -> str:
    parts = []
    at = first
    while at < last:
        kind = data[at]
        count = data[at + 1]
        asns = [str(_u(data, at + 2 + width * n, width)) for n in range(count)]
        if kind == AS_SET:
            parts.append("{" + ",".join(asns) + "}")
        elif kind == AS_CONFED_SEQUENCE:
            parts.append("(" + " ".join(asns) + ")")
        elif kind == AS_CONFED_SET:
            parts.append("[" + ",".join(asns) + "]")
        else:
            parts.append(" ".join(asns))
        at += 2 + width * count
    return " ".join(parts)


def _around(data, attributes: _Attributes, asn4: bool) -> tuple:
    """The text of the attributes before the next hop (``|PATH|ORIGIN|``) and after it (``|LP|MED|...|\\n``)."""
    values = attributes.values
    width = ASN4_SIZE if asn4 else ASN2_SIZE
    found = values.get(AS_PATH)
    path = _path_text(data, found[0], found[1], width) if found else ""
    found = values.get(ORIGIN)
    origin = {ORIGIN_IGP: "IGP", ORIGIN_EGP: "EGP"}.get(data[found[0]], "INCOMPLETE") if found else "INCOMPLETE"
    found = values.get(LOCAL_PREF)
    local_pref = _u(data, found[0], 4) if found else 0
    found = values.get(MULTI_EXIT_DISC)
    med = _u(data, found[0], 4) if found else 0
    found = values.get(COMMUNITIES)
    communities = ""
    if found:
        numbers = [_u(data, at, 4) for at in range(found[0], found[1], 4)]
        communities = " ".join(_WELL_KNOWN.get(n) or f"{n >> 16}:{n & 0xFFFF}" for n in numbers)
    atomic = "AG" if ATOMIC_AGGREGATE in values else "NAG"
    found = values.get(AGGREGATOR)
    aggregator = ""
    if found:
        address = inet_ntop(AF_INET, bytes(data[found[0] + width : found[0] + width + IPV4_SIZE]))
        aggregator = f"{_u(data, found[0], width)} {address}"
    return f"|{path}|{origin}|", f"|{local_pref}|{med}|{communities}|{atomic}|{aggregator}|\n"


def _prefix_text(afi: int, item, addpath: bool) -> str:
    path_id, bits, address = item
    text = f"{_text(afi, address)}/{bits}"
    return f"{text}|{path_id}" if addpath else text


def _hop_text(hop) -> str:
    afi, address = hop
    if afi:
        return _text(afi, address)
    return _NO_NEXTHOP if address is None else ""


def bgpdump_text(data, start: int, peers) -> tuple[int, int, str]:
    """``(stop, records, text)``: bgpdump's lines of the records taken from `start` (see the module docstring)."""
    data = bytes(data)
    _check(data, start)
    if not all(type(text) is bytes for text in peers):
        raise TypeError("the peers' texts are bytes")
    out = []
    stop = start
    count = 0
    for end, time, micro, kind, subtype, what in _read(data, start, len(peers), True):
        stop = end
        count += 1
        name = "BGP4MP_ET" if kind == MRT_BGP4MP_ET else "BGP4MP"
        when = f"{time}.{micro:06d}" if kind == MRT_BGP4MP_ET else str(time)
        if kind != MRT_TABLE_DUMP_V2 and kind != MRT_TABLE_DUMP and subtype in _STATES:
            afi, address, asn, old, new = what
            out.append(f"{name}|{when}|STATE|{_text(afi, address)}|{asn}|{old}|{new}\n")
            continue
        if kind == MRT_TABLE_DUMP_V2:
            addpath = _RIBS[subtype][2]
            head = f"{'TABLE_DUMP2_AP' if addpath else 'TABLE_DUMP2'}|{time}|B|"
            for route in what:
                (section,) = route.sections
                before, after = _around(data, route.attributes, True)
                shown = _prefix_text(section.afi, section.prefixes[0], addpath)
                out.append(
                    f"{head}{peers[route.peer].decode('ascii')}{shown}{before}{_hop_text(section.text_hop)}{after}"
                )
            continue
        if kind == MRT_TABLE_DUMP:
            route = what.route
            (section,) = route.sections
            before, after = _around(data, route.attributes, False)
            address = _address(data, what.peer, _ADDRESS[subtype][1], subtype)
            peer = f"{_text(subtype, address)}|{_u(data, what.peer + len(address), ASN2_SIZE)}|"
            shown = f"{_text(subtype, what.address)}/{section.prefixes[0][1]}"
            out.append(f"TABLE_DUMP|{time}|B|{peer}{shown}{before}{_hop_text(section.text_hop)}{after}")
            continue
        header, route = what
        if route is None:
            continue
        asn4, addpath, local = _MESSAGES[subtype]
        name += ("_LOCAL" if local else "") + ("_AP" if addpath else "")
        first, _at, afi, width = header
        address = _address(data, first + 2 * width + 4, _ADDRESS[afi][1], afi)
        peer = f"{_text(afi, address)}|{_u(data, first, width)}|"
        if route.attributes is not None:
            before, after = _around(data, route.attributes, asn4)
        for section in route.sections:
            if section.withdrawn:
                head = f"{name}|{when}|W|{peer}"
                out.extend(f"{head}{_prefix_text(section.afi, item, addpath)}\n" for item in section.prefixes)
            else:
                head = f"{name}|{when}|A|{peer}"
                tail = f"{before}{_hop_text(section.text_hop)}{after}"
                out.extend(f"{head}{_prefix_text(section.afi, item, addpath)}{tail}" for item in section.prefixes)
    return stop, count, "".join(out)


# ---------------------------------------------------------------- the JSON lines


def _json_update(data, position: int, end: int, time: int, micro: int, kind: int, subtype: int):
    """``(key, body, asn4, addpath)`` of the BGP4MP UPDATE record body ``data[position:end]``, None when not one."""
    if (kind != MRT_BGP4MP and kind != MRT_BGP4MP_ET) or subtype not in _MESSAGES or micro < 0:
        return None
    asn4, addpath, local = _MESSAGES[subtype]
    found = _message_at(data, position, end, asn4)
    if found is None or data[found[1] + TYPE_AT] != UPDATE:
        return None
    _afi, at, length = found
    key = (b"\x01" if local else b"\x00") + data[position:at]
    return key, data[at + HEADER_SIZE : at + length], asn4, addpath


#: TABLE_DUMP_V2 subtypes whose entries `json_lines` writes -> (IPv6, ADD-PATH)
_JSON_RIBS = {
    RIB_IPV4_UNICAST: (False, False),
    RIB_IPV4_UNICAST_ADDPATH: (False, True),
    RIB_IPV6_UNICAST: (True, False),
    RIB_IPV6_UNICAST_ADDPATH: (True, True),
}
_REACH_IPV6 = b"\x00\x02\x01"  # MP_REACH_NLRI's AFI and SAFI: IPv6 unicast
_ATTRIBUTE_LIMIT = 255  # longer values take the extended length (RFC 4271 section 4.3)


def _reach_body(data, first: int, last: int, nlri: bytes):
    """The UPDATE body of an IPv6 RIB entry whose attributes are ``data[first:last]``, as
    `exabgp.mrt.reader.rib_update_body` makes it: the attributes but MP_REACH_NLRI as they are, then a whole
    MP_REACH_NLRI holding the entry's next hop (its abbreviated or whole MP_REACH_NLRI's, else NEXT_HOP's) and
    `nlri`; None when an attribute does not fit, repeats (the general path drops repeats), or a length
    overflows."""
    parts = []
    nexthop = b""
    seen = set()
    at = first
    while at < last:
        bounds = attribute_value(data, at, last)
        if bounds is None or bounds[1] > last:
            return None
        code = data[at + 1]
        if code in seen:
            return None
        seen.add(code)
        value, end = bounds
        if code == MP_REACH_NLRI:
            if end > value and data[value] + 1 == end - value:  # RFC 6396 section 4.3.4: length and next hop
                nexthop = data[value + 1 : end]
            elif end - value >= 4:  # the whole attribute, as some writers put it
                nexthop = data[value + 4 : min(value + 4 + data[value + 3], end)]
        else:
            if code == NEXT_HOP and not nexthop:
                nexthop = data[value:end]
            parts.append(data[at:end])
        at = end
    if len(nexthop) > _ATTRIBUTE_LIMIT:
        return None
    reach = _REACH_IPV6 + bytes((len(nexthop),)) + nexthop + b"\x00" + nlri
    if len(reach) > _ATTRIBUTE_LIMIT:
        parts.append(bytes((OPTIONAL | EXTENDED_LENGTH, MP_REACH_NLRI)) + len(reach).to_bytes(2, "big"))
    else:
        parts.append(bytes((OPTIONAL, MP_REACH_NLRI, len(reach))))
    parts.append(reach)
    section = b"".join(parts)
    if len(section) > 0xFFFF:
        return None
    return b"\x00\x00" + len(section).to_bytes(2, "big") + section


def _json_rib(data, start: int, end: int, ipv6: bool, addpath: bool, peers: int):
    """``[(peer, body)]``: the UPDATE body of each entry of the unicast RIB record body ``data[start:end]``
    (`exabgp.mrt.reader.rib_update_body`), None when not taken (no entry, or not as the general path reads it)."""
    at = start + 4  # after the sequence number
    if at >= end:
        return None
    nlri_end = at + 1 + ((data[at] + 7) >> 3)
    if nlri_end + 2 > end:
        return None
    nlri = data[at:nlri_end]
    cursor = nlri_end + 2
    head = _RIB_ENTRY + (_RIB_PATH_ID if addpath else 0)
    found = []
    for _ in range(_u(data, nlri_end, 2)):
        if cursor + head > end:
            return None
        peer = _u(data, cursor, 2)
        first = cursor + head
        last = first + _u(data, first - 2, 2)
        if last > end or peer >= peers:
            return None
        path_id = data[cursor + 6 : cursor + 6 + _RIB_PATH_ID] if addpath else b""
        if ipv6:
            body = _reach_body(data, first, last, path_id + nlri)
            if body is None:
                return None
        else:
            body = b"\x00\x00" + data[first - 2 : last] + path_id + nlri
        found.append((peer, body))
        cursor = last
    return found if found and cursor == end else None


def _json_entries(data, start: int, end: int, subtype: int, peers: int):
    """``[(peer, text)]``: `render_update`'s text of each entry of a RIB record `_json_rib` takes, else None."""
    ipv6, addpath = _JSON_RIBS[subtype]
    found = _json_rib(data, start, end, ipv6, addpath, peers)
    if found is None:
        return None
    texts = []
    for peer, body in found:
        text = render_update(body, True, addpath, addpath)
        if text is None:
            return None
        texts.append((peer, text))
    return texts


def _session_key(data, position: int, end: int, micro: int, kind: int, subtype: int):
    """The `sessions` key of a BGP4MP record that is not an UPDATE (a STATE_CHANGE or STATE_CHANGE_AS4, or a
    MESSAGE* record whose message is an OPEN, NOTIFICATION, KEEPALIVE or ROUTE-REFRESH): the subtype's two
    octets and the record's body ``data[position:end]``; None for any other record."""
    if (kind != MRT_BGP4MP and kind != MRT_BGP4MP_ET) or micro < 0:
        return None
    if subtype in _MESSAGES:
        found = _message_at(data, position, end, _MESSAGES[subtype][0])
        if found is None or data[found[1] + TYPE_AT] == UPDATE:
            return None
    elif subtype not in _STATES:
        return None
    return subtype.to_bytes(2, "big") + data[position:end]


def _json_dump(data, start: int, end: int, afi: int):
    """``(key, body)`` of the TABLE_DUMP body ``data[start:end]``: its `heads` key (the octet 2, the peer's
    address and AS) and the UPDATE body its entry stands for (`exabgp.mrt.reader.rib_update_body`: the
    attributes and the prefix in the NLRI field, or for IPv6 in a whole MP_REACH_NLRI); None when not taken."""
    fields = _dump_fields(data, start, end, afi)
    if fields is None:
        return None
    width, at, first = fields
    nlri = data[at : at + 1] + data[start + 4 : start + 4 + ((data[at] + 7) >> 3)]
    body = b"\x00\x00" + data[first - 2 : end] + nlri if afi == AFI_IPV4 else _reach_body(data, first, end, nlri)
    if body is None:
        return None
    return b"\x02" + data[at + 6 : at + 8 + width], body


def json_lines(
    data, start: int, heads, peers, sessions, counts, lead: str, middle: str, tail: str
) -> tuple[int, int, str]:
    """``(stop, records, text)``: the JSON lines of the records taken from `start` (module docstring)."""
    data = bytes(data)
    _check(data, start)
    out: list = []
    stop = start
    count = 0
    seen = None  # the last (time, micro) and its text: records of one second come in runs
    when = ""
    for _position, end, time, micro, kind, subtype, body in _records(data, start):
        if seen != (time, micro):
            seen = (time, micro)
            when = repr(time + micro / 1e6) if micro > 0 else repr(float(time))
        if kind == MRT_TABLE_DUMP_V2 and subtype in _JSON_RIBS:
            entries = _json_entries(data, body, end, subtype, len(peers))
            if entries is None:
                break
            for peer, text in entries:
                slot, after = peers[peer]
                counts[slot] += 1
                out += (lead, when, middle, str(counts[slot]), after, text, tail)
            stop = end
            count += 1
            continue
        key = _session_key(data, body, end, micro, kind, subtype)
        if key is not None:  # the rest of the line after its counter, as the general path made it
            head = sessions.get(key)
            if head is None:
                break
            slot, rest = head
            counts[slot] += 1
            out += (lead, when, middle, str(counts[slot]), rest)
            stop = end
            count += 1
            continue
        if kind == MRT_TABLE_DUMP:
            found = _json_dump(data, body, end, subtype)
            asn4 = addpath = False
        else:
            found = _json_update(data, body, end, time, micro, kind, subtype)
            if found is not None:
                key, message, asn4, addpath = found
                found = key, message
        if found is None:
            break
        head = heads.get(found[0])
        if head is None:
            break
        text = render_update(found[1], asn4, addpath, addpath)
        if text is None:
            break
        slot, after = head
        counts[slot] += 1
        out += (lead, when, middle, str(counts[slot]), after, text, tail)
        stop = end
        count += 1
    return stop, count, "".join(out)


# ---------------------------------------------------------------- the columns


def _halves(afi: int, address) -> tuple[int, int]:
    """``(hi, lo)`` of an address as the columns hold it: IPv4 in `lo`, IPv6 as ``hi << 64 | lo``."""
    if afi == AFI_IPV4:
        return 0, int.from_bytes(address, "big")
    if afi == AFI_IPV6:
        return int.from_bytes(address[:8], "big"), int.from_bytes(address[8:], "big")
    return 0, 0


def _path_numbers(data, attributes: _Attributes, width: int) -> tuple[int, int]:
    """``(origin AS, path length)`` of the AS_PATH (see the module docstring)."""
    found = attributes.values.get(AS_PATH)
    origin = length = 0
    if found:
        at, last = found
        while at < last:
            kind = data[at]
            count = data[at + 1]
            length += count if kind == AS_SEQUENCE else 1 if kind == AS_SET else 0
            origin = _u(data, at + 2 + width * (count - 1), width) if kind == AS_SEQUENCE else 0
            at += 2 + width * count
    return origin, length


#: the dicts of `sets`, one per kind of attribute set: BGP4MP with 4-octet ASNs, with 2-octet ASNs, TABLE_DUMP_V2
#: RIB entries, TABLE_DUMP entries
_SET_KINDS = 4


def _set_kind(kind: int, asn4: bool) -> int:
    """Which dict of `sets` interns a route's attribute set (`_SET_KINDS`)."""
    if kind == MRT_TABLE_DUMP_V2:
        return 2
    if kind == MRT_TABLE_DUMP:
        return 3
    return 0 if asn4 else 1


def mrt_columns(data, start: int, index: int, peers, heads, sets, columns) -> tuple[int, int]:
    """``(stop, records)``: the rows of the records taken from `start` appended to `columns` (module docstring)."""
    if len(columns) != MRT_COLUMNS or len(sets) != _SET_KINDS:
        raise ValueError(f"mrt_columns takes {MRT_COLUMNS} columns and {_SET_KINDS} set tables")
    for number, column in enumerate(columns):
        if column.typecode != MRT_TYPECODES[number]:
            raise ValueError(f"column {number} is not of type code {MRT_TYPECODES[number]!r}")
    data = bytes(data)
    _check(data, start)
    stop = start
    count = 0
    for end, time, micro, kind, subtype, what in _read(data, start, len(peers)):
        if kind == MRT_TABLE_DUMP_V2:
            routes = what
            peer = None
            when = float(time)
        elif kind == MRT_TABLE_DUMP:
            peer = heads.get(data[what.peer : what.peer + _ADDRESS[subtype][1] + ASN2_SIZE])
            if peer is None:  # a peer the caller has not numbered: the general path numbers it
                break
            routes = (what.route,)
            when = float(time)
        else:
            header, route = what
            peer = heads.get(data[header[0] : header[1]])
            if peer is None:  # a peer the caller has not numbered: the general path numbers it
                break
            routes = () if route is None else (route,)
            when = time + micro / 1e6
        for route in routes:
            set_kind = _set_kind(kind, route.asn4)
            if route.set_octets is not None:
                table = sets[set_kind]
                found = table.setdefault(data[route.set_octets[0] : route.set_octets[1]], len(table))
                origin, length = _path_numbers(data, route.attributes, ASN4_SIZE if route.asn4 else ASN2_SIZE)
            row_peer = peers[route.peer] if peer is None else peer
            for section in route.sections:
                withdrawn = section.withdrawn
                hop_afi = section.column_hop[0] if not withdrawn else 0
                hop = _halves(hop_afi, section.column_hop[1]) if hop_afi else (0, 0)
                for path_id, bits, address in section.prefixes:
                    hi, lo = _halves(section.afi, address)
                    row = (
                        hi,
                        lo,
                        bits,
                        section.afi,
                        section.safi,
                        path_id,
                        row_peer,
                        when,
                        route.originated,
                        withdrawn,
                        0 if withdrawn else origin,
                        0 if withdrawn else length,
                        hop[0],
                        hop[1],
                        hop_afi,
                        -1 if withdrawn else found,
                        index + count,
                        set_kind,
                    )
                    for column, value in zip(columns, row, strict=True):
                        column.append(value)
        stop = end
        count += 1
    return stop, count


def bgp4mp_records(octets, index, head, seconds: int, micro: int, subtype: int, subtype6: int) -> bytes:
    """The BGP4MP_ET records of a run of received UPDATEs: see the module docstring, "Writing"."""
    octets = bytes(octets)
    head = bytes(head)
    size = len(octets)
    after = MRT_ET_SIZE + len(head)
    parts = []
    for at in range(0, len(index) - INDEX_FIELDS + 1, INDEX_FIELDS):
        start = index[at + INDEX_START]
        end = index[at + INDEX_END]
        value = index[at + INDEX_REACH_VALUE] if index[at + INDEX_REACH] else 0
        if not value and index[at + INDEX_UNREACH]:
            value = index[at + INDEX_UNREACH_VALUE]
        if not 0 <= start <= end <= size or value and not start < value <= end - FAMILY_SIZE:
            raise ValueError(f"index record {at // INDEX_FIELDS} outside the {size} octets of the run")
        ipv6 = value and (octets[value] << 8 | octets[value + 1]) == AFI_IPV6
        length = after + end - start
        parts.append(
            seconds.to_bytes(4, "big")
            + MRT_BGP4MP_ET.to_bytes(2, "big")
            + (subtype6 if ipv6 else subtype).to_bytes(2, "big")
            + length.to_bytes(4, "big")
            + micro.to_bytes(4, "big")
        )
        parts.append(head)
        parts.append(octets[start:end])
    return b"".join(parts)
