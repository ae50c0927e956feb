"""UPDATE straight to ExaBGP 5.0's JSON text, for the unicast families (pure twin, the specification).

`render_update(body, asn4, addpath_ipv4, addpath_ipv6)` returns the text that
follows ``"message": `` in 5.0's envelope, or None when the message is not
one this fast path renders, in which case the caller uses the general
renderer (`exabgp.api.json_update`), which handles everything.  Tests hold
the two to the same output on every message the fast path accepts.

Accepted: IPv4 unicast in the classic withdrawn/NLRI fields; IPv6 unicast in
MP_REACH_NLRI (16-octet next hop) and MP_UNREACH_NLRI; End-of-RIB of both;
ADD-PATH path identifiers; the attributes ORIGIN, AS_PATH, NEXT_HOP, MED,
LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES, ORIGINATOR_ID,
CLUSTER_LIST and LARGE_COMMUNITY, each with its usual flags and a valid
length, and ORIGIN, AS_PATH (and NEXT_HOP for the NLRI field) present when
routes are announced.  Anything else (another family or attribute, a
repeated attribute, unusual flags, a missing mandatory attribute, any
malformation: the RFC 7606 cases) returns None.

5.0's text, as reproduced here: attributes sorted by type code; NEXT_HOP is
not printed as an attribute but is the key grouping the announced NLRI
(always there: without it the UPDATE is declined), though its presence
alone opens an empty ``"attribute": {  }`` (an empty AS_PATH alone does
not); an empty AS_PATH is not printed; AGGREGATOR is "ASN:IP";
COMMUNITIES print sorted (duplicates kept), LARGE_COMMUNITY sorted without
duplicates, its items as ``[ a, b , c ]``; a path identifier prints
as a dotted quad after the prefix; announcements of IPv4 from the NLRI field
come before IPv6 from MP_REACH_NLRI, withdrawals likewise.

`render_run(octets, start, asn4, addpath_ipv4, addpath_ipv6, head, after,
tail, counter)` renders a run of whole UPDATE messages (headers included)
from offset `start` into one UTF-8 text (bytes: it goes to a pipe as it
is): for each message the line
``head + str(counter + 1) + after + render_update(body) + tail``, counting
`counter` up by one a line.  It stops after the first message
`render_update` declines and returns ``(lines, counter, offset, declined)``:
the lines before it, the counter of the last of them, the offset just past
the declined message and its body, for the caller to render that one the
general way and call again from `offset`; at the end of `octets`,
`declined` is None and `offset` is ``len(octets)``.  A header that does not
frame a whole UPDATE is an RFC 4271 section 6.1 error: a wrong marker
raises 1/1, a length under 19 or past the end of `octets` (or less than a
header left) 1/2 with the length field as data, another type 1/3 with the
type octet.
"""

from socket import AF_INET6, inet_ntoa, inet_ntop
from struct import unpack_from

from exabgp._codec.errors import CodecError

__all__ = ("render_update", "render_run")

_HEADER = 19
_MARKER = b"\xff" * 16
_UPDATE = 2

_ORIGINS = ('"igp"', '"egp"', '"incomplete"')
_SEGMENTS = (None, "as-set", "as-sequence", "as-sequence", "as-sequence")
# type code -> the optional/transitive flag bits a well-formed attribute carries (Partial clear)
_FLAGS = {
    1: 0x40,
    2: 0x40,
    3: 0x40,
    4: 0x80,
    5: 0x40,
    6: 0x40,
    7: 0xC0,
    8: 0xC0,
    9: 0x80,
    10: 0x80,
    14: 0x80,
    15: 0x80,
    32: 0xC0,
}


def _ipv4(data, offset):
    return inet_ntoa(data[offset : offset + 4])


def _prefixes(data, start, end, ipv6, addpath):
    """NLRI objects of data[start:end] as JSON texts, or None when malformed."""
    items = []
    offset = start
    width = 16 if ipv6 else 4
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
            text = inet_ntop(AF_INET6, raw + bytes(16 - octets))
        else:
            text = inet_ntoa(raw + bytes(4 - octets))
        if path is None:
            items.append(f'{{ "nlri": "{text}/{bits}" }}')
        else:
            items.append(f'{{ "nlri": "{text}/{bits}", "path-information": "{path}" }}')
    return items


def _as_path(value, asn4):
    width = 4 if asn4 else 2
    size = len(value)
    offset = 0
    segments = []
    while offset < size:
        if offset + 2 > size:
            return None
        seg_type = value[offset]
        count = value[offset + 1]
        end = offset + 2 + count * width
        if seg_type not in (1, 2, 3, 4) or count == 0 or end > size:
            return None
        asns = ", ".join(map(str, unpack_from(f"!{count}{'I' if asn4 else 'H'}", value, offset + 2)))
        segments.append(f'"{len(segments)}": {{"element": "{_SEGMENTS[seg_type]}", "value": [{asns}]}}')
        offset = end
    return "{" + ", ".join(segments) + "}"


def _attribute(code, value, asn4):
    """The `"key": value` text of one attribute, "" to print nothing, None to decline."""
    size = len(value)
    if code == 1:
        if size != 1 or value[0] > 2:
            return None
        return f'"origin": {_ORIGINS[value[0]]}'
    if code == 2:
        if size == 0:
            return ""
        path = _as_path(value, asn4)
        return None if path is None else f'"as-path": {path}'
    if code == 4 or code == 5:
        if size != 4:
            return None
        name = "med" if code == 4 else "local-preference"
        return f'"{name}": {int.from_bytes(value, "big")}'
    if code == 6:
        return '"atomic-aggregate": true' if size == 0 else None
    if code == 7:
        width = 4 if asn4 else 2
        if size != width + 4:
            return None
        return f'"aggregator": "{int.from_bytes(value[:width], "big")}:{_ipv4(value, width)}"'
    if code == 8:
        if size == 0 or size % 4:
            return None
        values = sorted(unpack_from(f"!{size >> 2}I", value))
        return '"community": [ ' + ", ".join(f"[ {v >> 16}, {v & 0xFFFF} ]" for v in values) + " ]"
    if code == 9:
        return f'"originator-id": "{_ipv4(value, 0)}"' if size == 4 else None
    if code == 10:
        if size == 0 or size % 4:
            return None
        return '"cluster-list": [ ' + ", ".join(f'"{_ipv4(value, i)}"' for i in range(0, size, 4)) + " ]"
    if code == 32:
        if size == 0 or size % 12:
            return None
        numbers = unpack_from(f"!{size // 4}I", value)
        values = sorted(set(zip(numbers[0::3], numbers[1::3], numbers[2::3], strict=False)))
        return '"large-community": [ ' + ", ".join(f"[ {a}, {b} , {c} ]" for a, b, c in values) + " ]"
    return None


def render_update(body, asn4: bool, addpath_ipv4: bool, addpath_ipv6: bool):
    """The JSON text of `body` (an UPDATE body) after ``"message": ``, or None."""
    body = bytes(body)
    size = len(body)
    if size < 4:
        return None
    withdrawn_end = 2 + ((body[0] << 8) | body[1])
    if withdrawn_end + 2 > size:
        return None
    attributes_start = withdrawn_end + 2
    attributes_end = attributes_start + ((body[withdrawn_end] << 8) | body[withdrawn_end + 1])
    if attributes_end > size:
        return None
    if size == 4:
        return '{ "eor": { "afi" : "ipv4", "safi" : "unicast" } }'

    texts = []
    next_hop = None
    reach = unreach = None
    seen = set()
    offset = attributes_start
    while offset < attributes_end:
        if offset + 3 > attributes_end:
            return None
        flags = body[offset]
        code = body[offset + 1]
        if flags & 0x10:
            if offset + 4 > attributes_end:
                return None
            length = (body[offset + 2] << 8) | body[offset + 3]
            start = offset + 4
        else:
            length = body[offset + 2]
            start = offset + 3
        offset = start + length
        expected = _FLAGS.get(code)
        # the Partial bit (0x20) is allowed on optional transitive attributes only (RFC 4271 4.3)
        if offset > attributes_end or code in seen or expected != flags & (0xC0 if expected == 0xC0 else 0xE0):
            return None
        seen.add(code)
        value = body[start:offset]
        if code == 3:
            if length != 4:
                return None
            next_hop = f'"{_ipv4(value, 0)}"'
        elif code == 14:
            reach = value
        elif code == 15:
            unreach = value
        else:
            text = _attribute(code, value, asn4)
            if text is None:
                return None
            if text:
                texts.append((code, text))

    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) goes the general way
    if (attributes_end < size or reach is not None) and not {1, 2} <= seen:
        return None
    if attributes_end < size and 3 not in seen:
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
        if len(unreach) < 3 or unreach[0] != 0 or unreach[1] != 2 or unreach[2] != 1:
            return None
        if len(unreach) == 3:
            if seen != {15} or withdrawn_end > 2 or attributes_end < size:
                return None
            return '{ "eor": { "afi" : "ipv6", "safi" : "unicast" } }'
        items = _prefixes(unreach, 3, len(unreach), True, addpath_ipv6)
        if items is None:
            return None
        withdraw.append(f'"ipv6 unicast": [ {", ".join(items)} ]')
    if reach is not None:
        if len(reach) < 5 or reach[0] != 0 or reach[1] != 2 or reach[2] != 1 or reach[3] != 16:
            return None
        if len(reach) < 21 or reach[20] != 0 or len(reach) == 21:
            return None
        items = _prefixes(reach, 21, len(reach), True, addpath_ipv6)
        if items is None:
            return None
        announce.append(f'"ipv6 unicast": {{ "{inet_ntop(AF_INET6, reach[4:20])}": [ {", ".join(items)} ] }}')

    if not (texts or announce or withdraw):
        return None
    parts = []
    if texts or 3 in seen:
        texts.sort()
        parts.append('"attribute": { ' + ", ".join(text for _code, text in texts) + " }")
    if announce:
        parts.append('"announce": { ' + ", ".join(announce) + " }")
    if withdraw:
        parts.append('"withdraw": { ' + ", ".join(withdraw) + " }")
    return '{ "update": { ' + ", ".join(parts) + " } }"


def render_run(
    octets,
    start: int,
    asn4: bool,
    addpath_ipv4: bool,
    addpath_ipv6: bool,
    head: str,
    after: str,
    tail: str,
    counter: int,
):
    """The lines of the UPDATEs of `octets` from `start`, UTF-8: ``(lines, counter, offset, declined)``."""
    octets = bytes(octets)
    size = len(octets)
    if not 0 <= start <= size:
        raise ValueError(f"start {start} outside the {size} octets")
    offset = start
    lines: list = []
    while offset < size:
        if size - offset < _HEADER:
            raise CodecError(1, 2, octets[offset + 16 : offset + 18], "incomplete message header")
        if octets[offset : offset + 16] != _MARKER:
            raise CodecError(1, 1, b"", "invalid marker")
        length = (octets[offset + 16] << 8) | octets[offset + 17]
        if length < _HEADER or offset + length > size:
            raise CodecError(1, 2, octets[offset + 16 : offset + 18], f"invalid message length {length}")
        if octets[offset + 18] != _UPDATE:
            raise CodecError(1, 3, octets[offset + 18 : offset + 19], "not an UPDATE")
        body = octets[offset + _HEADER : offset + length]
        offset += length
        message = render_update(body, asn4, addpath_ipv4, addpath_ipv6)
        if message is None:
            return "".join(lines).encode(), counter, offset, body
        counter += 1
        lines.append(f"{head}{counter}{after}{message}{tail}")
    return "".join(lines).encode(), counter, offset, None
