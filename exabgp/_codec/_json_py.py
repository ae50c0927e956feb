"""UPDATE straight to ExaBGP 5.0's JSON text, for the unicast, multicast, labeled and VPN families (pure twin, the
specification).

`render_update(body, asn4, addpath_ipv4, addpath_ipv6)` returns the text that
follows ``"message": `` in 5.0's envelope, or None when the message is not
one this fast path renders, in which case the caller uses the general
renderer (`exabgp.api.json_update`), which handles everything.  Tests hold
the two to the same output on every message the fast path accepts.

Accepted: IPv4 unicast in the classic withdrawn/NLRI fields; the families of
`tables.JSON_MP_FAMILIES` in MP_REACH_NLRI and MP_UNREACH_NLRI: IPv6 unicast,
IPv4 and IPv6 multicast, labeled unicast (``nlri-mpls``, RFC 8277) and VPN
(``mpls-vpn``, RFC 4364 and 4659) of both AFIs, with a next hop of the
lengths `tables.NEXTHOP_SIZES` gives the family (IPv4: 4 octets; IPv6: 16,
or 32, a global and a link-local address, RFC 2545 section 3, two different
ones; VPN: the same after an 8-octet route distinguisher, which must be 0,
RFC 4364 section 4.3.2); labeled and VPN NLRI as
`_nlri_py.decode_nlri` reads them (its label framing: this module calls it,
and declines what it refuses); End-of-RIB of every family of `tables.NEXTHOP_SIZES`
(an empty UPDATE, or one holding only an MP_UNREACH_NLRI without NLRI);
ADD-PATH path identifiers (`addpath_ipv4` for the NLRI of every IPv4 family
rendered, `addpath_ipv6` for IPv6's: a caller whose session negotiated
ADD-PATH for some of these SAFIs of an AFI and not the others does not use
this path);
the common attributes of `exabgp._codec.tables`
(`COMMON`: ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE,
AGGREGATOR, COMMUNITIES, ORIGINATOR_ID, CLUSTER_LIST, LARGE_COMMUNITY),
each with the flags and the value that table describes, and ORIGIN,
AS_PATH (and NEXT_HOP for the NLRI field) present when routes are
announced; EXTENDED_COMMUNITIES (optional transitive, a non-zero multiple
of 8 octets) whose communities are all route targets or route origins
(types 0x00-0x02, or 0x40-0x42 non-transitive; sub-types 2 and 3), printed
as `exabgp.bgp.community` names them; optional attributes whose code 5.0
does not know (not in `tables.KNOWN`: OTC, ATTR_SET...), a
transitive one shown raw as ``"attribute-0xCC-0xFF": "0x<hex>"`` with the
Partial bit set in the flags as received, a non-transitive one ignored, as
`exabgp.bgp.attribute.decode_attributes` keeps them (RFC 4271 section 5).
Anything else (another family or attribute, a
repeated attribute, unusual flags, a missing mandatory attribute, any
malformation: the RFC 7606 cases) returns None.

5.0's text, as reproduced here: attributes sorted by type code; NEXT_HOP is
not printed as an attribute but is the key grouping the announced NLRI
(always there: without it the UPDATE is declined), though its presence
alone opens an empty ``"attribute": {  }`` (an empty AS_PATH alone does
not); an empty AS_PATH is not printed; AGGREGATOR is "ASN:IP";
COMMUNITIES print sorted (duplicates kept), LARGE_COMMUNITY sorted without
duplicates, its items as ``[ a, b , c ]``; a path identifier prints
as a dotted quad after the prefix; a labeled or VPN route is
``{ "nlri": "P"[, "path-information": "I"], "label": [ [L], ... ][, "rd": "R"] }``
(`exabgp.bgp.nlri.Prefix.json`: each label field's 20-bit label, the route
distinguisher as `texts.rd_text` prints it); announcements of IPv4 unicast from the NLRI field
come before MP_REACH_NLRI's, withdrawals likewise; a family is named as
``"<afi> <safi>"`` with `tables.AFI_NAMES` and `tables.SAFI_NAMES`, an
End-of-RIB as ``{ "eor": { "afi" : "<afi>", "safi" : "<safi>" } }``; with a
32-octet next hop the NLRI are listed twice, under the global address then
under the link-local one.

`render_run(octets, index, record, asn4, addpath_ipv4, addpath_ipv6, head,
after, tail, counter)` renders a run of whole UPDATE messages (headers
included) with its index (what `_codec.index_updates` gave for `octets`: the
messages are not framed again, and an UPDATE the index does not mark plain,
which `render_update` would decline, is declined without being read), from
its `record`-th message, into one UTF-8 text (bytes: it goes to a pipe as it
is): for each message the line ``head + str(counter + 1) + after +
render_update(body) + tail``, counting `counter` up by one a line.  It stops
after the first message it declines and returns ``(lines, counter, record,
declined)``: the lines before it, the counter of the last of them, the
record after the declined message and its body, for the caller to render
that one the general way and call again from `record`; at the end,
`declined` is None and `record` is the number of records.  A `record`
outside the index raises ValueError.

Why `render_update` checks what it renders although the index already did
for a run: it renders lone UPDATEs too (End-of-RIB, ``exabgp decode``),
and checking while writing, in the one pass it makes anyway, costs less
than indexing such a body first (in this twin, 30% of ``decode json``).
"""

from socket import AF_INET6, inet_ntoa, inet_ntop
from struct import unpack_from

from exabgp._codec._nlri_py import KIND_LABELED, KIND_PLAIN, KIND_VPN, decode_nlri
from exabgp._codec.errors import CodecError
from exabgp._codec.headers import attribute_value
from exabgp._codec.tables import (
    AFI_IPV4,
    AFI_IPV6,
    AFI_NAMES,
    AGGREGATOR,
    ASN2_SIZE,
    ASN4_SIZE,
    AS_CONFED_SET,
    AS_PATH,
    AS_SET,
    ATOMIC_AGGREGATE,
    ATTRIBUTE_FLAGS,
    CLUSTER_LIST,
    COMMON_RULES,
    COMMUNITIES,
    COMMUNITY_SIZE,
    EXTENDED_AS4,
    EXTENDED_COMMUNITIES,
    EXTENDED_COMMUNITY_SIZE,
    EXTENDED_NON_TRANSITIVE,
    FAMILY_SIZE,
    FLAGS_CHECKED,
    FLAGS_CHECKED_OPTIONAL,
    HEADER_SIZE,
    INDEX_END,
    INDEX_FIELDS,
    INDEX_PLAIN,
    INDEX_START,
    IPV4_SIZE,
    IPV6_SIZE,
    JSON_MP_FAMILIES,
    KNOWN,
    LARGE_COMMUNITY,
    LARGE_COMMUNITY_SIZE,
    LOCAL_PREF,
    MP_REACH_NLRI,
    MP_UNREACH_NLRI,
    MULTI_EXIT_DISC,
    NEXT_HOP,
    NEXTHOP_SIZES,
    OPTIONAL,
    ORIGIN,
    ORIGINATOR_ID,
    ORIGIN_INCOMPLETE,
    PARTIAL,
    ROUTE_ORIGIN,
    ROUTE_TARGET,
    SAFI_MPLS_VPN,
    SAFI_NAMES,
    SAFI_NLRI_MPLS,
    SAFI_UNICAST,
    TRANSITIVE,
    UPDATE_MINIMUM,
)
from exabgp._codec.texts import rd_text, route_text

__all__ = ("render_update", "render_run")

_ORIGINS = ('"igp"', '"egp"', '"incomplete"')
_SEGMENTS = {AS_SET: "as-set"}  # the three other segment types print as "as-sequence", as 5.0 does
#: the rules (`tables.COMMON_RULES`) of the attributes rendered here, by code: the common ones and the MP ones,
#: whose values the code below checks
_RULES = list(COMMON_RULES)
for _code in (MP_REACH_NLRI, MP_UNREACH_NLRI):
    _flags = ATTRIBUTE_FLAGS[_code]
    _RULES[_code] = (_flags, FLAGS_CHECKED_OPTIONAL if _flags & OPTIONAL else FLAGS_CHECKED, None, None)
#: and EXTENDED_COMMUNITIES (optional), a list of communities whose kinds `_extended_communities` checks
_RULES[EXTENDED_COMMUNITIES] = (
    ATTRIBUTE_FLAGS[EXTENDED_COMMUNITIES],
    FLAGS_CHECKED_OPTIONAL,
    None,
    EXTENDED_COMMUNITY_SIZE,
)
#: MP_REACH_NLRI: AFI, SAFI, the next-hop length, the next hop, reserved, the NLRI
_REACH_NEXTHOP = FAMILY_SIZE + 1


def _family(afi, safi):
    """The AFI and SAFI as they open MP_REACH_NLRI and MP_UNREACH_NLRI."""
    return afi.to_bytes(2, "big") + bytes((safi,))


def _name(afi, safi):
    return f"{AFI_NAMES[afi]} {SAFI_NAMES[safi]}"


#: the NLRI kind (`_nlri_py`) of the families that are not plain prefixes
_KINDS = {SAFI_NLRI_MPLS: KIND_LABELED, SAFI_MPLS_VPN: KIND_VPN}
#: the families rendered in MP_REACH_NLRI / MP_UNREACH_NLRI (`tables.JSON_MP_FAMILIES`), by their first octets:
#: (name, AFI, next-hop lengths, the next hop's route distinguisher size, NLRI kind)
_MP_FAMILIES = {
    _family(afi, safi): (_name(afi, safi), afi, *NEXTHOP_SIZES[afi, safi], _KINDS.get(safi, KIND_PLAIN))
    for afi, safi in JSON_MP_FAMILIES
}
#: End-of-RIB texts by the first octets of MP_UNREACH_NLRI: every family MP attributes may carry
_EORS = {
    _family(afi, safi): f'{{ "eor": {{ "afi" : "{AFI_NAMES[afi]}", "safi" : "{SAFI_NAMES[safi]}" }} }}'
    for afi, safi in NEXTHOP_SIZES
}
_EOR_IPV4_UNICAST = _EORS[_family(AFI_IPV4, SAFI_UNICAST)]


def _ipv4(data, offset):
    return inet_ntoa(data[offset : offset + 4])


#: the zero octets that complete a prefix of N octets into an address: ``_PADS[width][N]``
_PADS = {width: tuple(bytes(width - octets) for octets in range(width + 1)) for width in (IPV4_SIZE, IPV6_SIZE)}


def _prefixes(data, start, end, ipv6, addpath):
    """NLRI objects of data[start:end] as JSON texts, or None when malformed."""
    items = []
    offset = start
    width = IPV6_SIZE if ipv6 else IPV4_SIZE
    pads = _PADS[width]
    while offset < end:
        path = None
        if addpath:
            if offset + 4 > end:
                return None
            path = _ipv4(data, offset)
            offset += 4
        if offset >= end:
            return None
        bits = data[offset]
        octets = (bits + 7) >> 3
        offset += 1
        if bits > width * 8 or offset + octets > end:
            return None
        raw = data[offset : offset + octets]
        offset += octets
        if ipv6:
            text = inet_ntop(AF_INET6, raw + pads[octets])
        else:
            text = inet_ntoa(raw + pads[octets])
        if path is None:
            items.append(f'{{ "nlri": "{text}/{bits}" }}')
        else:
            items.append(f'{{ "nlri": "{text}/{bits}", "path-information": "{path}" }}')
    return items


def _labeled(data, start, afi, addpath, kind, withdraw):
    """Labeled or VPN NLRI objects of data[start:] as JSON texts (`exabgp.bgp.nlri.Prefix.json`), or None when
    `_nlri_py.decode_nlri`, whose label framing they follow, refuses them."""
    try:
        routes = decode_nlri(data[start:], afi, addpath, kind, withdraw)
    except CodecError:
        return None
    items = []
    for path, bits, address, labels, rd in routes:
        text = f'{{ "nlri": "{inet_ntop(AF_INET6, address) if afi == AFI_IPV6 else inet_ntoa(address)}/{bits}"'
        if path is not None:
            text += f', "path-information": "{inet_ntoa(path.to_bytes(4, "big"))}"'
        text += ', "label": [ ' + ", ".join([f"[{label >> 4}]" for label in labels]) + " ]"
        if rd is not None:
            text += f', "rd": "{rd_text(rd)}"'
        items.append(text + " }")
    return items


def _routes(data, start, afi, addpath, kind, withdraw):
    """The NLRI objects of data[start:], one MP attribute's, of the family's kind; None when malformed."""
    if kind == KIND_PLAIN:
        return _prefixes(data, start, len(data), afi == AFI_IPV6, addpath)
    return _labeled(data, start, afi, addpath, kind, withdraw)


def _as_path(value, asn4):
    width = ASN4_SIZE if asn4 else ASN2_SIZE
    size = len(value)
    offset = 0
    segments = []
    while offset < size:
        if offset + 2 > size:
            return None
        seg_type = value[offset]
        count = value[offset + 1]
        end = offset + 2 + count * width
        if not AS_SET <= seg_type <= AS_CONFED_SET or count == 0 or end > size:
            return None
        asns = ", ".join(map(str, unpack_from(f"!{count}{'I' if asn4 else 'H'}", value, offset + 2)))
        element = _SEGMENTS.get(seg_type, "as-sequence")
        segments.append(f'"{len(segments)}": {{"element": "{element}", "value": [{asns}]}}')
        offset = end
    return "{" + ", ".join(segments) + "}"


def _extended_communities(value):
    """EXTENDED_COMMUNITIES as 5.0 prints them (`exabgp.bgp.community`), or None for a kind not rendered here.

    Sorted by octets, duplicates kept; each ``{ "value": N, "string": S }`` with N the community as one
    big-endian number and S its `texts.route_text`: route targets and route origins of types 0x00 to 0x02,
    transitive or not (0x40 to 0x42).
    """
    size = EXTENDED_COMMUNITY_SIZE
    items = []
    for community in sorted(value[i : i + size] for i in range(0, len(value), size)):
        if community[1] not in (ROUTE_TARGET, ROUTE_ORIGIN) or community[0] & ~EXTENDED_NON_TRANSITIVE > EXTENDED_AS4:
            return None
        items.append(f'{{ "value": {int.from_bytes(community, "big")}, "string": "{route_text(community)}" }}')
    return '"extended-community": [ ' + ", ".join(items) + " ]"


def _attribute(code, value, asn4):
    """The `"key": value` text of one attribute whose size follows its rule, "" to print nothing, None to
    decline (ORIGIN's range, AGGREGATOR's size, AS_PATH's segments, an extended community's kind)."""
    size = len(value)
    if code == ORIGIN:
        if value[0] > ORIGIN_INCOMPLETE:
            return None
        return f'"origin": {_ORIGINS[value[0]]}'
    if code == AS_PATH:
        if size == 0:
            return ""
        path = _as_path(value, asn4)
        return None if path is None else f'"as-path": {path}'
    if code == MULTI_EXIT_DISC or code == LOCAL_PREF:
        name = "med" if code == MULTI_EXIT_DISC else "local-preference"
        return f'"{name}": {int.from_bytes(value, "big")}'
    if code == ATOMIC_AGGREGATE:
        return '"atomic-aggregate": true'
    if code == AGGREGATOR:
        width = ASN4_SIZE if asn4 else ASN2_SIZE
        if size != width + IPV4_SIZE:
            return None
        return f'"aggregator": "{int.from_bytes(value[:width], "big")}:{_ipv4(value, width)}"'
    if code == COMMUNITIES:
        values = sorted(unpack_from(f"!{size // COMMUNITY_SIZE}I", value))
        return '"community": [ ' + ", ".join([f"[ {v >> 16}, {v & 0xFFFF} ]" for v in values]) + " ]"
    if code == ORIGINATOR_ID:
        return f'"originator-id": "{inet_ntoa(value)}"'
    if code == CLUSTER_LIST:
        return '"cluster-list": [ ' + ", ".join(f'"{_ipv4(value, i)}"' for i in range(0, size, IPV4_SIZE)) + " ]"
    if code == LARGE_COMMUNITY:
        numbers = unpack_from(f"!{3 * (size // LARGE_COMMUNITY_SIZE)}I", value)
        values = sorted(set(zip(numbers[0::3], numbers[1::3], numbers[2::3], strict=False)))
        return '"large-community": [ ' + ", ".join([f"[ {a}, {b} , {c} ]" for a, b, c in values]) + " ]"
    if code == EXTENDED_COMMUNITIES:
        return _extended_communities(value)
    return None


def render_update(body, asn4: bool, addpath_ipv4: bool, addpath_ipv6: bool):
    """The JSON text of `body` (an UPDATE body) after ``"message": ``, or None."""
    body = bytes(body)
    size = len(body)
    if size < UPDATE_MINIMUM:
        return None
    withdrawn_end = 2 + ((body[0] << 8) | body[1])
    if withdrawn_end + 2 > size:
        return None
    attributes_start = withdrawn_end + 2
    attributes_end = attributes_start + ((body[withdrawn_end] << 8) | body[withdrawn_end + 1])
    if attributes_end > size:
        return None
    if size == UPDATE_MINIMUM:
        return _EOR_IPV4_UNICAST

    texts = []
    next_hop = None
    reach = unreach = None
    seen = set()
    offset = attributes_start
    while offset < attributes_end:
        bounds = attribute_value(body, offset, attributes_end)
        if bounds is None:
            return None
        flags = body[offset]
        code = body[offset + 1]
        start, offset = bounds
        length = offset - start
        rule = _RULES[code]
        if offset > attributes_end or code in seen:
            return None
        if rule is None:  # unknown to 5.0 and optional: shown raw when transitive, else ignored (RFC 4271 5)
            if code in KNOWN or not flags & OPTIONAL:
                return None
            seen.add(code)
            if flags & TRANSITIVE:
                texts.append(
                    (code, f'"attribute-0x{code:02X}-0x{flags | PARTIAL:02X}": "0x{body[start:offset].hex()}"')
                )
            continue
        expected, checked, exact, item = rule
        if flags & checked != expected:
            return None
        if exact is not None and length != exact or item is not None and (length == 0 or length % item):
            return None
        seen.add(code)
        value = body[start:offset]
        if code == NEXT_HOP:
            next_hop = f'"{inet_ntoa(value)}"'
        elif code == MP_REACH_NLRI:
            reach = value
        elif code == MP_UNREACH_NLRI:
            unreach = value
        else:
            text = _attribute(code, value, asn4)
            if text is None:
                return None
            if text:
                texts.append((code, text))

    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) goes the general way
    if (attributes_end < size or reach is not None) and not (ORIGIN in seen and AS_PATH in seen):
        return None
    if attributes_end < size and NEXT_HOP not in seen:
        return None

    announce = []
    withdraw = []
    if withdrawn_end > 2:
        items = _prefixes(body, 2, withdrawn_end, False, addpath_ipv4)
        if items is None:
            return None
        withdraw.append(f'"ipv4 unicast": [ {", ".join(items)} ]')
    if attributes_end < size:
        items = _prefixes(body, attributes_end, size, False, addpath_ipv4)
        if items is None:
            return None
        announce.append(f'"ipv4 unicast": {{ {next_hop}: [ {", ".join(items)} ] }}')
    if unreach is not None:
        if len(unreach) == FAMILY_SIZE:
            if seen != {MP_UNREACH_NLRI} or withdrawn_end > 2 or attributes_end < size:
                return None
            return _EORS.get(unreach)
        family = _MP_FAMILIES.get(unreach[:FAMILY_SIZE])
        if family is None:
            return None
        name, afi, _sizes, _rd, kind = family
        items = _routes(unreach, FAMILY_SIZE, afi, addpath_ipv6 if afi == AFI_IPV6 else addpath_ipv4, kind, True)
        if items is None:
            return None
        withdraw.append(f'"{name}": [ {", ".join(items)} ]')
    if reach is not None:
        family = _MP_FAMILIES.get(reach[:FAMILY_SIZE])
        if family is None or len(reach) == FAMILY_SIZE:
            return None
        name, afi, sizes, rd, kind = family
        length = reach[FAMILY_SIZE]
        reserved = _REACH_NEXTHOP + length
        if length not in sizes or len(reach) <= reserved + 1 or reach[reserved] != 0:
            return None
        if any(reach[_REACH_NEXTHOP : _REACH_NEXTHOP + rd]):
            return None  # RFC 4364 section 4.3.2: the next hop's route distinguisher is 0 (the general decode refuses)
        items = _routes(reach, reserved + 1, afi, addpath_ipv6 if afi == AFI_IPV6 else addpath_ipv4, kind, False)
        if items is None:
            return None
        listed = ", ".join(items)
        if afi == AFI_IPV6:
            addresses = [reach[at : at + IPV6_SIZE] for at in range(_REACH_NEXTHOP + rd, reserved, IPV6_SIZE)]
            if len(addresses) > 1 and addresses[0] == addresses[1]:
                return None  # one address twice: the general renderer lists the NLRI interleaved under it
            groups = [f'"{inet_ntop(AF_INET6, address)}": [ {listed} ]' for address in addresses]
        else:
            groups = [f'"{_ipv4(reach, _REACH_NEXTHOP + rd)}": [ {listed} ]']
        announce.append(f'"{name}": {{ {", ".join(groups)} }}')

    if not (texts or announce or withdraw):
        return None
    parts = []
    if texts or NEXT_HOP in seen:
        texts.sort()
        parts.append('"attribute": { ' + ", ".join([text for _code, text in texts]) + " }")
    if announce:
        parts.append('"announce": { ' + ", ".join(announce) + " }")
    if withdraw:
        parts.append('"withdraw": { ' + ", ".join(withdraw) + " }")
    return '{ "update": { ' + ", ".join(parts) + " } }"


def render_run(
    octets,
    index,
    record: int,
    asn4: bool,
    addpath_ipv4: bool,
    addpath_ipv6: bool,
    head: str,
    after: str,
    tail: str,
    counter: int,
):
    """The lines of the UPDATEs of `octets` from its `index`'s `record`-th, UTF-8:
    ``(lines, counter, record, declined)``."""
    octets = bytes(octets)
    count = len(index) // INDEX_FIELDS
    if not 0 <= record <= count:
        raise ValueError(f"record {record} outside the {count} of the index")
    lines: list = []
    while record < count:
        at = record * INDEX_FIELDS
        record += 1
        body = octets[index[at + INDEX_START] + HEADER_SIZE : index[at + INDEX_END]]
        message = render_update(body, asn4, addpath_ipv4, addpath_ipv6) if index[at + INDEX_PLAIN] else None
        if message is None:
            return "".join(lines).encode(), counter, record, body
        counter += 1
        lines.append(f"{head}{counter}{after}{message}{tail}")
    return "".join(lines).encode(), counter, record, None
