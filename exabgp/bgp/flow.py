"""FlowSpec NLRI: the model, the wire codec, 5.0's text/JSON and the match syntax.

Implements RFC 8955 section 4 (the flow specification NLRI: length of one
octet, or two octets ``0xFnnn`` from 240 on; components in strictly
ascending type order; prefix components; numeric and bitmask operator lists
with the end-of-list, AND and length bits), RFC 8955 section 8 (flow-vpn:
the 8-octet route distinguisher in front of the components) and RFC 8956
section 3 (IPv6 prefix components carry an offset and only the pattern of
``length - offset`` bits, left aligned).

A `Flow` keeps its components as on the wire, with two normalisations: a
numeric/bitmask operator byte is stored WITHOUT its length bits (0x30) and
WITHOUT its end-of-list bit (0x80); `Flow.pack` writes them back, choosing the
shortest value length (1, 2, 4 then 8 octets, as ExaBGP 5.0 does) and setting
the end-of-list bit on the last term of each list.  The AND bit (0x40), the
comparison bits and the reserved bits are kept as received.  A prefix value
is ``(octets, length, offset)``: the octets exactly as on the wire (IPv4:
``ceil(length/8)`` octets, host bits kept; IPv6: the RFC 8956 pattern of
``ceil((length-offset)/8)`` octets), offset 0 for IPv4.

Decoding refuses what ExaBGP 5.0.15 refuses (it drops such an NLRI): a zero
length, a truncated component, an unknown type, types not strictly
ascending, an IPv4 prefix longer than 32 or an IPv6 one longer than 128, an
IPv6 offset not below the length (``/0/0`` excepted), and values above the
component's range (`WIRE_MAXIMUM`).  Everything raises `CodecError(3, 10)`
(RFC 7606 section 7.1: the caller treats the UPDATE as withdraw).

Text and JSON follow ExaBGP 5.0.15's output byte for byte: the key of each
component (`COMPONENTS`; flow-label exists only in IPv6 flows), numeric terms
as ``=6`` / ``>=80`` / ``!=443`` with protocol and icmp-type names (icmp
codes and ports as numbers), ``&`` in front of AND terms, ``false`` and
``true`` printed without their value unless they are AND terms, bitmask
terms as ``=``, ``!``, ``!=`` or nothing followed by the flag names joined by
``+`` (no dont-fragment name in IPv6), IPv4 prefixes unmasked, IPv6 ones as
``address/length/offset``; a component with several wire terms is bracketed
in the text; then the route distinguisher (``rd``) and, when the caller
gives one, the next hop (``next-hop``, in the JSON object and its string).

`parse_component` reads the configuration/API match syntax
(docs/compatibility.md, "FlowSpec rules") into the same values, with the value ranges and names 5.0's
configuration accepts; `build` assembles a `Flow` from them.
"""

import re
import socket
from exabgp.bgp.record import record

from exabgp.bgp import nlri_fields
from exabgp.bgp.nlri_fields import RD_SIZE, malformed
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_FLOW, SAFI_FLOW_VPN


PREFIX = "prefix"
NUMERIC = "numeric"
BINARY = "binary"

#: component type (RFC 8955 section 4.2.2, RFC 8956 section 3) -> (IPv4 JSON key, IPv6 JSON key, kind)
COMPONENTS = {
    1: ("destination-ipv4", "destination-ipv6", PREFIX),
    2: ("source-ipv4", "source-ipv6", PREFIX),
    3: ("protocol", "next-header", NUMERIC),
    4: ("port", "port", NUMERIC),
    5: ("destination-port", "destination-port", NUMERIC),
    6: ("source-port", "source-port", NUMERIC),
    7: ("icmp-type", "icmp-type", NUMERIC),
    8: ("icmp-code", "icmp-code", NUMERIC),
    9: ("tcp-flags", "tcp-flags", BINARY),
    10: ("packet-length", "packet-length", NUMERIC),
    11: ("dscp", "traffic-class", NUMERIC),
    12: ("fragment", "fragment", BINARY),
    13: ("flow-label", "flow-label", NUMERIC),
}

#: component type -> largest value ExaBGP 5.0.15 decodes (None: any value the length allows)
WIRE_MAXIMUM = {
    3: 0xFF,
    4: 0xFFFF,
    5: 0xFFFF,
    6: 0xFFFF,
    7: 0xFF,
    8: 0xFF,
    9: 0xFFFF,
    10: 0xFFFF,
    11: 0xFF,
    12: None,
    13: None,
}

#: configuration keyword -> (component type, largest value 5.0's configuration accepts; None for the
#: prefix components, which take a prefix, not values)
KEYWORDS = {
    "destination": (1, None),
    "destination-ipv4": (1, None),
    "destination-ipv6": (1, None),
    "source": (2, None),
    "source-ipv4": (2, None),
    "source-ipv6": (2, None),
    "protocol": (3, 0xFF),
    "next-header": (3, 0xFF),
    "port": (4, 0xFFFF),
    "destination-port": (5, 0xFFFF),
    "source-port": (6, 0xFFFF),
    "icmp-type": (7, 0xFF),
    "icmp-code": (8, 0xFF),
    "tcp-flags": (9, 0xFFFF),
    "packet-length": (10, 0xFFFF),
    "dscp": (11, 0x3F),
    "traffic-class": (11, 0xFF),
    "fragment": (12, 0xFFFF),
    "flow-label": (13, 0xFFFFF),
}

# operator byte (RFC 8955 section 4.2.1.1 / 4.2.1.2)
END_OF_LIST = 0x80
AND = 0x40
LENGTH_BITS = 0x30
NUMERIC_COMPARISON = 0x07  # lt 0x04, gt 0x02, eq 0x01
BITMASK_NOT = 0x02
BITMASK_MATCH = 0x01

#: value length in octets -> the operator's length bits
LENGTH_CODE = {1: 0x00, 2: 0x10, 4: 0x20, 8: 0x30}

#: lt/gt/eq bits -> text; 0 and 7 are 5.0's ``false`` and ``true``
NUMERIC_OPERATORS = {0: "false", 1: "=", 2: ">", 3: ">=", 4: "<", 5: "<=", 6: "!=", 7: "true"}
NUMERIC_SYNTAX = {"=": 1, ">": 2, ">=": 3, "<": 4, "<=": 5, "!=": 6}
BITMASK_SYNTAX = {"": 0, "=": BITMASK_MATCH, "!": BITMASK_NOT, "!=": BITMASK_NOT | BITMASK_MATCH}

#: IANA "Assigned Internet Protocol Numbers", the names 5.0 prints and accepts
PROTOCOLS = {
    1: "icmp",
    2: "igmp",
    6: "tcp",
    8: "egp",
    17: "udp",
    46: "rsvp",
    47: "gre",
    50: "esp",
    51: "ah",
    89: "ospf",
    94: "ipip",
    103: "pim",
    132: "sctp",
}

#: IANA "ICMP Type Numbers", the names 5.0 prints and accepts
ICMP_TYPES = {
    0: "echo-reply",
    3: "unreachable",
    5: "redirect",
    8: "echo-request",
    9: "router-advertisement",
    10: "router-solicit",
    11: "time-exceeded",
    12: "parameter-problem",
    13: "timestamp",
    14: "timestamp-reply",
    40: "photuris",
    41: "experimental-mobility",
    42: "extended-echo-request",
    43: "extended-echo-reply",
    253: "experimental-one",
    254: "experimental-two",
}

#: IANA ICMP codes, the names 5.0 accepts in configuration (it prints icmp codes as numbers)
ICMP_CODES = {
    "network-unreachable": 0,
    "host-unreachable": 1,
    "protocol-unreachable": 2,
    "port-unreachable": 3,
    "fragmentation-needed": 4,
    "source-route-failed": 5,
    "destination-network-unknown": 6,
    "destination-host-unknown": 7,
    "source-host-isolated": 8,
    "destination-network-prohibited": 9,
    "destination-host-prohibited": 10,
    "network-unreachable-for-tos": 11,
    "host-unreachable-for-tos": 12,
    "communication-prohibited-by-filtering": 13,
    "host-precedence-violation": 14,
    "precedence-cutoff-in-effect": 15,
    "redirect-for-network": 0,
    "redirect-for-host": 1,
    "redirect-for-tos-and-net": 2,
    "redirect-for-tos-and-host": 3,
    "ttl-eq-zero-during-transit": 0,
    "ttl-eq-zero-during-reassembly": 1,
    "ip-header-bad": 2,
    "required-option-missing": 1,
}

#: TCP header flags (RFC 9293 section 3.1, RFC 3168, RFC 3540), as 5.0 prints them
TCP_FLAGS = {
    0x01: "fin",
    0x02: "syn",
    0x04: "rst",
    0x08: "push",
    0x10: "ack",
    0x20: "urg",
    0x40: "ece",
    0x80: "cwr",
    0x100: "ns",
}
TCP_FLAGS_KNOWN = 0x1FF

#: fragment bitmask (RFC 8955 section 4.2.2.12)
FRAGMENTS = {0x01: "dont-fragment", 0x02: "is-fragment", 0x04: "first-fragment", 0x08: "last-fragment"}

#: component type -> value names printed and accepted (numeric components)
NUMERIC_NAMES = {3: PROTOCOLS, 7: ICMP_TYPES}

#: fragment bits 5.0 prints in IPv6 flows (RFC 8956 section 3.6: IPv6 has no don't-fragment bit)
IPV6_FRAGMENTS = {0x02: "is-fragment", 0x04: "first-fragment", 0x08: "last-fragment"}

#: component type -> bit names (bitmask components), accepted in both families
BITMASK_NAMES = {9: TCP_FLAGS, 12: FRAGMENTS}

#: (afi, component type) -> bit names printed
PRINTED_BITS = {
    (AFI_IPV4, 9): TCP_FLAGS,
    (AFI_IPV4, 12): FRAGMENTS,
    (AFI_IPV6, 9): TCP_FLAGS,
    (AFI_IPV6, 12): IPV6_FRAGMENTS,
}

#: component types ExaBGP 5.0.15 decodes only in IPv6 flows (RFC 8956 section 3.7)
IPV6_ONLY = (13,)

MAXIMUM_NLRI_LENGTH = 0xFFF


@record(slots=True)
class Flow(NLRI):
    """One flow specification (RFC 8955): family, route distinguisher, components by type.

    `components`: ``((type, value), ...)`` in ascending type order; a prefix value is
    ``(octets, length, offset)``; a numeric/bitmask value is a tuple of
    ``(operator, number)`` terms whose operator has no length bits and no
    end-of-list bit (see the module docstring).
    """

    afi: int
    safi: int
    rd: bytes
    components: tuple
    path_id: int | None = None  # RFC 7911, when the session negotiated ADD-PATH for the family

    route_type = "flow"

    def pack(self) -> bytes:
        """The NLRI as on the wire: length (1 or 2 octets), route distinguisher, components; ValueError when
        it is longer than `MAXIMUM_NLRI_LENGTH` (RFC 8955 section 4.1: the length field has 12 bits)."""
        body = bytearray(self.rd)
        for code, value in self.components:
            body.append(code)
            if COMPONENTS[code][2] == PREFIX:
                octets, length, offset = value
                body.append(length)
                if self.afi == AFI_IPV6:
                    body.append(offset)
                body += octets
            else:
                body += _pack_terms(value)
        size = len(body)
        if size < 0xF0:
            return bytes((size,)) + body
        if size > MAXIMUM_NLRI_LENGTH:
            raise ValueError("flow NLRI longer than 4095 octets")
        return (0xF000 | size).to_bytes(2, "big") + body

    def values(self) -> list:
        """``[(JSON key, [term texts], term count)]`` in component order, as 5.0 prints them."""
        column = 0 if self.afi == AFI_IPV4 else 1
        result = []
        for code, value in self.components:
            key = COMPONENTS[code][column]
            kind = COMPONENTS[code][2]
            if kind == PREFIX:
                result.append((key, [_prefix_text(self.afi, *value)], 1))
            elif kind == NUMERIC:
                result.append((key, _numeric_texts(code, value), len(value)))
            else:
                result.append((key, _bitmask_texts(self.afi, code, value), len(value)))
        return result

    def text(self, nexthop: str = "") -> str:
        """5.0's ``string``: ``flow <key> <term>|[ <term> ... ] ... [rd X] [next-hop Y]``.

        The brackets depend on the number of wire terms, not of OR groups: a
        single AND group of several terms is bracketed too (5.0 does so).
        """
        parts = ["flow"]
        for key, texts, count in self.values():
            parts.append(key)
            parts.append(texts[0] if count == 1 else "[ " + " ".join(texts) + " ]")
        if self.rd:
            parts += ["rd", nlri_fields.rd_text(self.rd)]
        if nexthop:
            parts += ["next-hop", nexthop]
        return " ".join(parts)

    def api_text(self, nexthop) -> str:
        """`text`, then ``next-hop`` and the next hop of an announcement."""
        return self.text() + ("" if nexthop is None else f" next-hop {nexthop}")

    def spec(self) -> str:
        """The configuration's flat form: `text` without its first word (``flow``)."""
        return self.text().split(" ", 1)[1]

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI; ``"next-hop"`` only when `nexthop` is given."""
        items = [f'"{key}": [ ' + ", ".join(f'"{text}"' for text in texts) + " ]" for key, texts, _ in self.values()]
        if self.rd:
            items.append(f'"rd": "{nlri_fields.rd_text(self.rd)}"')
        if nexthop:
            items.append(f'"next-hop": "{nexthop}"')
        items.append(f'"string": "{self.text(nexthop)}"')
        return "{ " + ", ".join(items) + " }"


def _value_size(number: int) -> int:
    if number < 0x100:
        return 1
    if number < 0x10000:
        return 2
    if number < 0x100000000:
        return 4
    return 8


def _pack_terms(terms) -> bytes:
    out = bytearray()
    last = len(terms) - 1
    for index, (operator, number) in enumerate(terms):
        size = _value_size(number)
        operator &= ~(END_OF_LIST | LENGTH_BITS)
        out.append(operator | LENGTH_CODE[size] | (END_OF_LIST if index == last else 0))
        out += number.to_bytes(size, "big")
    return bytes(out)


# ---- decoding ---------------------------------------------------------------------------------


def _check_family(afi: int, safi: int) -> None:
    if afi not in (AFI_IPV4, AFI_IPV6) or safi not in (SAFI_FLOW, SAFI_FLOW_VPN):
        raise ValueError(f"not a flow family: afi {afi} safi {safi}")


def decode_flows(afi: int, safi: int, octets, addpath: bool = False) -> list:
    """Every `Flow` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part), each after its
    path identifier with `addpath` (RFC 7911)."""
    _check_family(afi, safi)
    return nlri_fields.nlri_items(
        octets,
        "flow",
        addpath,
        1,
        lambda _data, _position, body, path_id: _decode_flow(afi, safi, body, path_id),
        _flow_length,
        "flow NLRI missing after its path identifier",
    )


def _flow_length(data: bytes, position: int):
    """(length, start) of the NLRI whose length field is at `position`: one octet, or two (``0xFnnn``)
    from 240 on (RFC 8955 section 4.1); a length of zero is refused."""
    first = data[position]
    if first >= 0xF0:
        if position + 2 > len(data):
            raise malformed("flow NLRI length truncated")
        length = (first & 0x0F) << 8 | data[position + 1]
        position += 2
    else:
        length = first
        position += 1
    if length == 0:
        raise malformed("flow NLRI of length zero")
    return length, position


def _decode_flow(afi: int, safi: int, body: bytes, path_id: int | None) -> Flow:
    position = 0
    rd = b""
    if safi == SAFI_FLOW_VPN:
        if len(body) < RD_SIZE:
            raise malformed("flow-vpn NLRI shorter than its route distinguisher")
        rd = body[:RD_SIZE]
        position = RD_SIZE
    if position == len(body):
        raise malformed("flow NLRI without any component")
    components = []
    previous = 0
    end = len(body)
    while position < end:
        code = body[position]
        position += 1
        if code not in COMPONENTS:
            raise malformed(f"unknown flow component type {code}")
        if code <= previous:
            raise malformed(f"flow component type {code} after type {previous}")
        if afi == AFI_IPV4 and code in IPV6_ONLY:
            raise malformed(f"flow component type {code} in an IPv4 flow")
        previous = code
        if COMPONENTS[code][2] == PREFIX:
            value, position = _decode_prefix(afi, body, position)
        else:
            value, position = _decode_terms(code, body, position)
        components.append((code, value))
    return Flow(afi, safi, rd, tuple(components), path_id)


def _decode_prefix(afi: int, body: bytes, position: int):
    header = 1 if afi == AFI_IPV4 else 2
    if position + header > len(body):
        raise malformed("flow prefix component truncated")
    length = body[position]
    if afi == AFI_IPV4:
        offset = 0
        if length > 32:
            raise malformed(f"flow IPv4 prefix length {length} above 32")
        size = (length + 7) // 8
    else:
        offset = body[position + 1]
        if length > 128:
            raise malformed(f"flow IPv6 prefix length {length} above 128")
        if offset >= length and (offset or length):
            raise malformed(f"flow IPv6 prefix offset {offset} not below length {length}")
        size = (length - offset + 7) // 8
    position += header
    if position + size > len(body):
        raise malformed("flow prefix component truncated")
    return (body[position : position + size], length, offset), position + size


def _decode_terms(code: int, body: bytes, position: int):
    maximum = WIRE_MAXIMUM[code]
    terms = []
    end = len(body)
    while True:
        if position >= end:
            raise malformed(f"flow component type {code} truncated")
        operator = body[position]
        size = 1 << ((operator & LENGTH_BITS) >> 4)
        position += 1
        if position + size > end:
            raise malformed(f"flow component type {code} value truncated")
        number = int.from_bytes(body[position : position + size], "big")
        position += size
        if maximum is not None and number > maximum:
            raise malformed(f"flow component type {code} value {number} above {maximum}")
        terms.append((operator & ~(END_OF_LIST | LENGTH_BITS), number))
        if operator & END_OF_LIST:
            return tuple(terms), position


# ---- text -------------------------------------------------------------------------------------


def _prefix_text(afi: int, octets: bytes, length: int, offset: int) -> str:
    if afi == AFI_IPV4:
        address = socket.inet_ntop(socket.AF_INET, octets.ljust(4, bytes(1)))
        return f"{address}/{length}"
    bits = length - offset
    pattern = int.from_bytes(octets, "big") >> (len(octets) * 8 - bits)
    packed = (pattern << (128 - length)).to_bytes(16, "big")
    return f"{socket.inet_ntop(socket.AF_INET6, packed)}/{length}/{offset}"


def _numeric_texts(code: int, terms) -> list:
    names = NUMERIC_NAMES.get(code, {})
    texts: list[str] = []
    for operator, number in terms:
        comparison = NUMERIC_OPERATORS[operator & NUMERIC_COMPARISON]
        value = names.get(number, str(number))
        if operator & AND and texts:
            texts[-1] += "&" + comparison + value
        elif operator & NUMERIC_COMPARISON in (0, NUMERIC_COMPARISON):
            texts.append(comparison)
        else:
            texts.append(comparison + value)
    return texts


def _bitmask_names(afi: int, code: int, number: int) -> str:
    names = [name for bit, name in PRINTED_BITS[afi, code].items() if number & bit]
    if code == 9 and number & ~TCP_FLAGS_KNOWN:
        names.append(f"unknown tcp flag type {number}")
    return "+".join(names)


def _bitmask_texts(afi: int, code: int, terms) -> list:
    texts: list[str] = []
    for operator, number in terms:
        term = ("!" if operator & BITMASK_NOT else "") + ("=" if operator & BITMASK_MATCH else "")
        term += _bitmask_names(afi, code, number)
        if operator & AND and texts:
            texts[-1] += "&" + term
        else:
            texts.append(term)
    return texts


# ---- configuration / API syntax ---------------------------------------------------------------

_NUMERIC_TERM = re.compile(r"(>=|<=|!=|=|>|<)?([0-9A-Za-z-]+)")
_BITMASK_TERM = re.compile(r"(!=|=|!)?([0-9A-Za-z+-]+)")


def prefix_afi(word: str) -> int:
    """The AFI a prefix word belongs to (5.0 chooses the flow's family from its prefixes)."""
    return AFI_IPV6 if ":" in word else AFI_IPV4


def _number(word: str, names: dict, maximum: int, keyword: str) -> int:
    lowered = word.lower()
    if lowered in names:
        return names[lowered]
    if lowered.startswith("0x") and len(lowered) > 2 and all(c in "0123456789abcdef" for c in lowered[2:]):
        number = int(lowered, 16)
    elif lowered.isdigit():
        number = int(lowered)
    else:
        raise ValueError(f"unknown {keyword} value {word}")
    if number > maximum:
        raise ValueError(f"{keyword} value {number} is above {maximum}")
    return number


def _parse_prefix(afi: int, keyword: str, words: list):
    if len(words) != 1:
        raise ValueError(f"{keyword} takes one prefix")
    word = words[0]
    if prefix_afi(word) != afi:
        raise ValueError(f"{keyword} {word} is not an {'IPv4' if afi == AFI_IPV4 else 'IPv6'} prefix")
    parts = word.split("/")
    limit = 32 if afi == AFI_IPV4 else 128
    if len(parts) not in ((2,) if afi == AFI_IPV4 else (2, 3)) or not all(p.isdigit() for p in parts[1:]):
        raise ValueError(f"invalid prefix {word}")
    try:
        address = socket.inet_pton(socket.AF_INET if afi == AFI_IPV4 else socket.AF_INET6, parts[0])
    except OSError:
        raise ValueError(f"invalid address {parts[0]}") from None
    length = int(parts[1])
    offset = int(parts[2]) if len(parts) == 3 else 0
    if length > limit:
        raise ValueError(f"prefix length {length} is above {limit}")
    if afi == AFI_IPV4:
        return address[: (length + 7) // 8], length, 0
    if offset >= length and (offset or length):
        raise ValueError(f"offset {offset} is not below the prefix length {length}")
    bits = length - offset
    size = (bits + 7) // 8
    pattern = (int.from_bytes(address, "big") >> (128 - length)) & ((1 << bits) - 1)
    return (pattern << (size * 8 - bits)).to_bytes(size, "big"), length, offset


def _parse_terms(code: int, keyword: str, words: list, maximum: int) -> tuple:
    binary = COMPONENTS[code][2] == BINARY
    terms = []
    for word in words:
        for index, part in enumerate(word.split("&")):
            match = (_BITMASK_TERM if binary else _NUMERIC_TERM).fullmatch(part)
            if match is None:
                raise ValueError(f"invalid {keyword} term {part!r}")
            symbol, value = match.group(1) or "", match.group(2)
            if binary:
                operator = BITMASK_SYNTAX[symbol]
                names = {name: bit for bit, name in BITMASK_NAMES[code].items()}
                if code == 9:
                    names["urgent"] = 0x20
                number = 0
                for name in value.split("+"):
                    number |= _number(name, names, maximum, keyword)
            else:
                operator = NUMERIC_SYNTAX[symbol or "="]
                if code == 8:
                    names = ICMP_CODES
                else:
                    names = {name: number for number, name in NUMERIC_NAMES.get(code, {}).items()}
                number = _number(value, names, maximum, keyword)
            terms.append((operator | (AND if index else 0), number))
    if not terms:
        raise ValueError(f"{keyword} needs a value")
    return tuple(terms)


def parse_component(afi: int, keyword: str, words: list) -> tuple:
    """Configuration/API match text -> ``(type, value)`` as in `Flow.components`."""
    if keyword not in KEYWORDS:
        raise ValueError(f"unknown flow match keyword {keyword}")
    if afi not in (AFI_IPV4, AFI_IPV6):
        raise ValueError(f"not a flow AFI: {afi}")
    code, maximum = KEYWORDS[keyword]
    if afi == AFI_IPV4 and code in IPV6_ONLY:
        raise ValueError(f"{keyword} is only valid in an IPv6 flow")
    if maximum is None:  # a PREFIX component (COMPONENTS)
        return code, _parse_prefix(afi, keyword, words)
    return code, _parse_terms(code, keyword, words, maximum)


def build(afi: int, safi: int, rd: bytes, components) -> Flow:
    """A `Flow` from `parse_component` results in configuration order.

    A numeric or bitmask type given several times gets its terms appended (as
    5.0 does); a prefix type given twice is refused (5.0 would send both, an
    NLRI it cannot decode itself).  The result is sorted by type.
    """
    _check_family(afi, safi)
    rd = bytes(rd)
    if len(rd) != (RD_SIZE if safi == SAFI_FLOW_VPN else 0):
        raise ValueError("flow-vpn needs an 8-octet route distinguisher, flow none")
    merged: dict = {}
    for code, value in components:
        if code not in COMPONENTS:
            raise ValueError(f"unknown flow component type {code}")
        if code in merged:
            if COMPONENTS[code][2] == PREFIX:
                raise ValueError(f"{COMPONENTS[code][afi - 1]} given twice")
            merged[code] = merged[code] + tuple(value)
        else:
            merged[code] = value if COMPONENTS[code][2] == PREFIX else tuple(value)
    if not merged:
        raise ValueError("a flow needs at least one match component")
    flow = Flow(afi, safi, rd, tuple(sorted(merged.items())))
    flow.pack()  # ValueError when too long for the 12-bit length
    return flow
