"""Extended communities: the types ExaBGP 5.0 names, and their JSON string forms.

An extended community (RFC 4360) is 8 octets: a type octet, a sub-type
octet and 6 octets of value; an IPv6 address-specific one (RFC 5701,
attribute 25) is 20 octets: type, sub-type, a 16-octet address and 2 octets.

`EXTENDED` and `IPV6_EXTENDED` are the literal tables of the kinds that get a
name.  Like ExaBGP 5.0 they are keyed on ``(type & 0x0F, sub-type)``: the
IANA-authority bit (0x80) and the transitive bit (0x40) are ignored when
choosing the kind, so 0x40/0x02 (a non-transitive route target) still reads
as ``target:``.  Each entry is ``(kind, render)``; `render` takes the
community octets and returns the string form.  A community whose kind is
not in the table has the empty string as its form; a known kind that 5.0
has no text for prints its octets as ``0x<HEX>``.

Observable facts of 5.0 kept here: Origin ASN:IP and IP:ASN both print the
ASN first (``origin:65000:10.0.0.1``, docs/compatibility.md, "Messages to helpers"); the link-bandwidth kind
(0x40/0x04, draft-ietf-idr-link-bandwidth) is not named by 5.0's decoder and
so prints as the empty string; ``action`` with no flag prints ``"action "``.

`check_extended` applies the one value rule 5.0 enforces: a traffic-rate
(RFC 8955 section 7.3) whose IEEE float is not finite is an optional
attribute error (3/9); the caller turns it into the attribute's RFC 7606
action.  `extended_value` gives the integer 5.0 prints as ``value``.
"""

import math
import socket
import struct

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import EXTENDED_COMMUNITY_SIZE
from exabgp._codec.texts import route_text

EXTENDED_SIZE = EXTENDED_COMMUNITY_SIZE
IPV6_EXTENDED_SIZE = 20


def _ipv4(octets) -> str:
    return socket.inet_ntop(socket.AF_INET, bytes(octets))


def _ipv6(octets) -> str:
    return socket.inet_ntop(socket.AF_INET6, bytes(octets))


def _hex(community) -> str:
    return "0x" + bytes(community).hex().upper()


#: RFC 9012 / RFC 5512 tunnel types named by the encapsulation community
TUNNEL_TYPES = {
    0x00: "Default",
    0x01: "L2TPv3",
    0x02: "GRE",
    0x07: "IP-in-IP",
    0x08: "VXLAN",
    0x09: "NVGRE",
    0x0A: "MPLS",
    0x0C: "VXLAN-GPE",
    0x0D: "MPLS-in-UDP",
}


def _encapsulation(c) -> str:
    tunnel = int.from_bytes(c[6:8], "big")
    return "encap:" + TUNNEL_TYPES.get(tunnel, f"encap:UNKNOWN-{tunnel}")


def _mac_mobility(c) -> str:
    text = f"mac-mobility:{int.from_bytes(c[4:8], 'big')}"
    return text + ":sticky" if c[2] == 1 else text


INTERFACE_SET_DIRECTIONS = {1: "input", 2: "output", 3: "input-output"}


def _interface_set(c) -> str:
    target = int.from_bytes(c[6:8], "big")
    direction = target >> 14
    name = INTERFACE_SET_DIRECTIONS.get(direction, str(direction))
    return f"interface-set:{name}:{int.from_bytes(c[2:6], 'big')}:{target & 0x1FFF}"


def _rate_text(c, unit: str = "") -> str:
    """``rate-limit:N`` (RFC 8955 section 7.3: an IEEE float, negative as 0), or "" for a rate that is
    not a finite number: the attribute checks refuse those (`check_extended`, 3/9), but the route
    target of an RTC NLRI may be any community, and prints as hex instead (`exabgp.bgp.rtc`)."""
    rate = struct.unpack("!f", bytes(c[4:8]))[0]
    if not math.isfinite(rate):
        return ""
    return "rate-limit:%d%s" % (max(rate, 0.0), unit)


def _action(c) -> str:
    flags = [name for bit, name in ((0x02, "sample"), (0x01, "terminal")) if c[7] & bit]
    return "action " + "-".join(flags)


def _nexthop_ietf(address):
    def render(c) -> str:
        ip = address(c[2:-2])
        if c[-1] & 0x01:
            return f"copy-to-nexthop-ietf {ip} (with copy)"
        return f"redirect-to-nexthop-ietf {ip}"

    return render


#: (type & 0x0F, sub-type) -> (kind, render) for 8-octet extended communities
EXTENDED = {
    (0x00, 0x02): ("route-target-as2", route_text),  # RFC 4360 4 (`_codec.texts`: the codec prints them too)
    (0x01, 0x02): ("route-target-ipv4", route_text),
    (0x02, 0x02): ("route-target-as4", route_text),  # RFC 5668
    (0x00, 0x03): ("route-origin-as2", route_text),  # RFC 4360 5
    (0x01, 0x03): ("route-origin-ipv4", route_text),
    (0x02, 0x03): ("route-origin-as4", route_text),
    (0x00, 0x13): ("rt-record-as2", route_text),  # RFC 7153
    (0x01, 0x13): ("rt-record-ipv4", route_text),
    (0x02, 0x13): ("rt-record-as4", route_text),
    (0x03, 0x0C): ("encapsulation", _encapsulation),  # RFC 9012 4.1
    (0x03, 0x14): (
        "consistent-hash-sort-order",  # RFC 9014
        lambda c: f"consistentHashSortOrder:{int.from_bytes(c[2:6], 'big')}",
    ),
    (0x06, 0x00): ("mac-mobility", _mac_mobility),  # RFC 7432 7.7
    (0x07, 0x02): ("flowspec-interface-set", _interface_set),  # draft-ietf-idr-flowspec-interfaceset
    (0x08, 0x00): (
        "redirect-to-nexthop",  # draft-simpson-idr-flowspec-redirect
        lambda c: "copy-to-nexthop" if c[7] & 0x01 else "redirect-to-nexthop",
    ),
    (0x0C, 0x00): (
        "mup",  # draft-mpmz-bess-mup-safi
        lambda c: f"mup:{int.from_bytes(c[2:4], 'big')}:{int.from_bytes(c[4:8], 'big')}",
    ),
    (0x00, 0x06): ("traffic-rate", _rate_text),  # RFC 8955 7.3
    (0x00, 0x0C): ("traffic-rate-packets", lambda c: _rate_text(c, ":packets")),
    (0x00, 0x07): ("traffic-action", _action),  # RFC 8955 7.4
    (0x00, 0x08): (
        "redirect-as2",  # RFC 8955 7.5
        lambda c: f"redirect:{int.from_bytes(c[2:4], 'big')}:{int.from_bytes(c[4:8], 'big')}",
    ),
    (0x02, 0x08): ("redirect-as4", _hex),  # RFC 8955 7.5
    (0x00, 0x09): ("traffic-marking", lambda c: f"mark {c[7] & 0x3F}"),  # RFC 8955 7.6
    (0x00, 0x0A): (
        "l2info",  # RFC 4761 3.2.4
        lambda c: f"l2info:{c[2]}:{c[3]}:{int.from_bytes(c[4:6], 'big')}:{int.from_bytes(c[6:8], 'big')}",
    ),
    (0x01, 0x0C): ("redirect-to-ipv4-ietf", _nexthop_ietf(_ipv4)),  # draft-ietf-idr-flowspec-redirect-ip
}

#: (type & 0x0F, sub-type) -> (kind, render) for 20-octet IPv6 address-specific ones
IPV6_EXTENDED = {
    (0x00, 0x0B): ("redirect-ipv6", _hex),  # RFC 8956
    (0x00, 0x0C): ("redirect-to-ipv6-ietf", _nexthop_ietf(_ipv6)),
}

_RATE_KINDS = ((0x00, 0x06), (0x00, 0x0C))


def _key(community):
    return (community[0] & 0x0F, community[1])


def check_extended(community) -> None:
    """Raise 3/9 for a traffic-rate whose rate is not a finite number."""
    if _key(community) in _RATE_KINDS and not math.isfinite(struct.unpack("!f", bytes(community[4:8]))[0]):
        raise CodecError(3, 9, b"", "traffic-rate is not a finite number")


def extended_string(community) -> str:
    """The ``string`` form 5.0 prints for an 8- or 20-octet community."""
    table = EXTENDED if len(community) == EXTENDED_SIZE else IPV6_EXTENDED
    entry = table.get(_key(community))
    return entry[1](community) if entry else ""


def extended_value(community) -> int:
    """The ``value`` integer 5.0 prints: the octets as one big-endian number.

    A MAC mobility community is printed as 5.0 rebuilds it: type 0x06, the
    sticky flag as 1 or 0, the reserved octet zeroed.
    """
    if len(community) == EXTENDED_SIZE and _key(community) == (0x06, 0x00):
        community = bytes((0x06, 0x00, 1 if community[2] == 1 else 0, 0)) + bytes(community[4:8])
    return int.from_bytes(community, "big")


# ---------------------------------------------------------------- text -> value (configuration, API)

#: RFC 1997 / RFC 3765 / RFC 7999 well-known communities, by the names 5.0 accepts
WELL_KNOWN_COMMUNITIES = {
    "no-export": 0xFFFFFF01,
    "no_export": 0xFFFFFF01,
    "no-advertise": 0xFFFFFF02,
    "no_advertise": 0xFFFFFF02,
    "no-export-subconfed": 0xFFFFFF03,
    "no_export_subconfed": 0xFFFFFF03,
    "nopeer": 0xFFFFFF04,
    "no-peer": 0xFFFFFF04,
    "blackhole": 0xFFFF029A,
}


def _number(text: str, limit: int) -> int:
    value = int(text, 16) if text.lower().startswith("0x") else int(text)
    if not 0 <= value <= limit:
        raise ValueError(f"{text} is out of range")
    return value


def encode_community(text: str) -> int:
    """A standard community (RFC 1997) from ``N``, ``0xN``, ``A:B`` or a well-known name."""
    known = WELL_KNOWN_COMMUNITIES.get(text.lower())
    if known is not None:
        return known
    high, colon, low = text.partition(":")
    if colon:
        return (_number(high, 0xFFFF) << 16) | _number(low, 0xFFFF)
    return _number(text, 0xFFFFFFFF)


def encode_large_community(text: str) -> tuple:
    """A large community (RFC 8092) from ``A:B:C`` or one 96-bit decimal / 0x number."""
    parts = text.split(":")
    if len(parts) == 3:
        return tuple(_number(part, 0xFFFFFFFF) for part in parts)
    if len(parts) == 1:
        value = _number(text, (1 << 96) - 1)
        return (value >> 64, (value >> 32) & 0xFFFFFFFF, value & 0xFFFFFFFF)
    raise ValueError(f"{text} is not a large community")


def _ipv4_octets(text: str):
    """The 4 octets of a dotted quad, or None when `text` is not one."""
    try:
        return socket.inet_pton(socket.AF_INET, text)
    except OSError:
        return None


def _administrator(kind: int, subtype: int, administrator: str, assigned: str) -> bytes:
    """RFC 4360 section 3 (AS2 / IPv4) and RFC 5668 (AS4) two-part communities.

    ``ASN:N`` is type 0 (ASN and N on 2 + 4 octets) unless the ASN needs 4
    octets or ends with ``L``; ``IP:N`` is type 1; ``ASN:IP`` is type 0 with
    the address read as a 32-bit number.  A 4-octet ASN is sent as ExaBGP
    5.0 sends it, which its encoding tests pin down: with type 1 (the ASN in
    the address field, 4 + 2 octets), not RFC 5668's type 2; both decode.
    """
    address = _ipv4_octets(administrator)
    if address is not None:
        return bytes((kind | 0x01, subtype)) + address + _number(assigned, 0xFFFF).to_bytes(2, "big")
    force4 = administrator.endswith(("L", "l"))
    asn = _number(administrator.rstrip("Ll"), 0xFFFFFFFF)
    number_address = _ipv4_octets(assigned)
    if number_address is not None:
        number = int.from_bytes(number_address, "big")
    else:
        number = _number(assigned, 0xFFFFFFFF)
    if force4 or asn > 0xFFFF:
        return bytes((kind | 0x01, subtype)) + asn.to_bytes(4, "big") + _number(str(number), 0xFFFF).to_bytes(2, "big")
    return bytes((kind, subtype)) + asn.to_bytes(2, "big") + number.to_bytes(4, "big")


def _two_part(kind: int, subtype: int, force4: bool = False):
    def encode(fields):
        if len(fields) != 2:
            raise ValueError("expected two values")
        administrator = fields[0] + ("L" if force4 and not fields[0].endswith(("L", "l")) else "")
        return _administrator(kind, subtype, administrator, fields[1])

    return encode


def _l2info(fields) -> bytes:
    """RFC 4761 section 3.2.4: encapsulation, control flags, MTU, reserved."""
    if len(fields) != 4:
        raise ValueError("l2info needs encaps:control:mtu:reserved")
    encaps, control, mtu, reserved = fields
    return (
        bytes((0x80, 0x0A, _number(encaps, 0xFF), _number(control, 0xFF)))
        + _number(mtu, 0xFFFF).to_bytes(2, "big")
        + _number(reserved, 0xFFFF).to_bytes(2, "big")
    )


def _bandwidth(fields) -> bytes:
    """draft-ietf-idr-link-bandwidth: non-transitive 0x40/0x04, ASN on 2 octets, IEEE float."""
    if len(fields) != 2:
        raise ValueError("bandwidth needs ASN:bytes-per-second")
    return bytes((0x40, 0x04)) + _number(fields[0], 0xFFFF).to_bytes(2, "big") + struct.pack("!f", float(fields[1]))


def _mup(fields) -> bytes:
    """draft-mpmz-bess-mup-safi direct segment identifier: 0x0C/0x00, 2 + 4 octets."""
    if len(fields) != 2:
        raise ValueError("mup needs N:N")
    return (
        bytes((0x0C, 0x00))
        + _number(fields[0], 0xFFFF).to_bytes(2, "big")
        + _number(fields[1], 0xFFFFFFFF).to_bytes(4, "big")
    )


def _redirect_to_nexthop(fields) -> bytes:
    """draft-simpson-idr-flowspec-redirect: 0x08/0x00 with a zero value."""
    if fields:
        raise ValueError("redirect-to-nexthop takes no value")
    return bytes((0x08, 0x00, 0, 0, 0, 0, 0, 0))


#: the prefix of a text extended community -> encoder of the ':'-separated fields after it
EXTENDED_ENCODERS = {
    "target": _two_part(0x00, 0x02),
    "origin": _two_part(0x00, 0x03),
    "target4": _two_part(0x00, 0x02, force4=True),
    "origin4": _two_part(0x00, 0x03, force4=True),
    "redirect": _two_part(0x80, 0x08),  # RFC 8955 section 7.5 (0x82/0x08 for a 4-octet ASN)
    "l2info": _l2info,
    "bandwidth": _bandwidth,
    "mup": _mup,
    "redirect-to-nexthop": _redirect_to_nexthop,
}


def encode_extended(text: str) -> bytes:
    """The 8 octets of an extended community written as ExaBGP 5.0's configuration accepts it.

    ``0x`` + 16 hex digits is the raw value; ``A:B`` alone is a route target;
    otherwise the first field names the kind (`EXTENDED_ENCODERS`).  Raises
    `ValueError` on anything else.
    """
    if text.lower().startswith("0x"):
        value = bytes.fromhex(text[2:])
        if len(value) != EXTENDED_SIZE:
            raise ValueError(f"{text} is not 8 octets")
        return value
    fields = text.split(":")
    encoder = EXTENDED_ENCODERS.get(fields[0].lower())
    if encoder is None:
        if len(fields) == 2:
            return EXTENDED_ENCODERS["target"](fields)
        raise ValueError(f"unknown extended community {text}")
    return encoder(fields[1:])
