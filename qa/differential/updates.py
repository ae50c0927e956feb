"""Seeded BGP messages for every family the helper comparison sends (`qa.differential.streams`).

Everything is drawn from a `random.Random` the caller seeds, so a seed
replays a stream octet for octet.  `messages(chooser, capabilities, count)`
writes `count` messages for the session's families: UPDATEs announcing one
to five NLRI of one family with random path attributes (RFC 4271 5.1, the
communities of RFC 1997 / 4360 / 8092, AGGREGATOR, ORIGINATOR_ID,
CLUSTER_LIST, unknown optional attributes), withdrawals, ROUTE-REFRESH
(RFC 2918) now and then, OPERATIONAL advisories when negotiated, and an
End-of-RIB per family (RFC 4724) at the end.  NLRI are encoded as the
family's RFC says: prefixes (RFC 4271, path identifiers of RFC 7911 when the
session sends them), labeled (RFC 8277, one label with the bottom-of-stack
bit set: the framing of labels without it is another branch's work), VPN
(RFC 4364), FlowSpec (RFC 8955 / 8956), VPLS (RFC 4761), EVPN (RFC 7432
route types 1 to 4, RFC 9136 type 5), MCAST-VPN (RFC 6514 types 1 and 3)
and RTC (RFC 4684).

`withdraw_and_discard_cases()` are the bodies of malformed UPDATEs RFC 7606
answers without resetting the session; `session_reset_cases()` those it
answers with a NOTIFICATION (the caller puts them last).
"""

import random
import struct

from qa.peer import UPDATE, message

_ROUTE_REFRESH, _OPERATIONAL = 5, 6
IPV4, IPV6, L2VPN = 1, 2, 25
UNICAST, MULTICAST, NLRI_MPLS, MCAST_VPN, VPLS, EVPN, MPLS_VPN, RTC, FLOW, FLOW_VPN = (
    1,
    2,
    4,
    5,
    65,
    70,
    128,
    132,
    133,
    134,
)
PREFIX_SAFIS = (UNICAST, MULTICAST, NLRI_MPLS, MPLS_VPN)
#: the families 5.0 offers ADD-PATH for (so a path identifier is never sent where none was negotiated)
ADD_PATH_SAFIS = (UNICAST, NLRI_MPLS, MPLS_VPN)

#: the sessions of a generated run: the families each negotiates
SESSIONS = (
    ((IPV4, UNICAST), (IPV6, UNICAST), (IPV4, MULTICAST), (IPV6, MULTICAST), (IPV4, NLRI_MPLS), (IPV6, NLRI_MPLS)),
    (
        (IPV4, UNICAST),
        (IPV4, MPLS_VPN),
        (IPV6, MPLS_VPN),
        (IPV4, FLOW),
        (IPV6, FLOW),
        (IPV4, FLOW_VPN),
        (IPV6, FLOW_VPN),
    ),
    ((IPV4, UNICAST), (L2VPN, EVPN), (L2VPN, VPLS), (IPV4, MCAST_VPN), (IPV6, MCAST_VPN), (IPV4, RTC)),
)


def session_families(chooser: random.Random) -> tuple:
    return SESSIONS


def random_capabilities(chooser: random.Random, families: tuple):
    from qa.differential.helper import Capabilities

    add_path = tuple(
        (afi, safi, chooser.choice((1, 2, 2, 3)))
        for afi, safi in families
        if safi in ADD_PATH_SAFIS and chooser.random() < 0.5
    )
    # an extended next hop where it means something, and never beside L2VPN or FlowSpec families, whose
    # UPDATEs 5.0.15 then fails to decode (`departure_cases` has one)
    meaningful = (IPV6, UNICAST) in families and all(safi in PREFIX_SAFIS for _afi, safi in families)
    next_hop = ((IPV4, UNICAST, IPV6),) if meaningful and chooser.random() < 0.3 else ()
    announced = tuple(capability for capability in _announced(chooser, families) if chooser.random() < 0.4)
    return Capabilities(
        families,
        asn4=chooser.random() < 0.7,
        add_path=add_path,
        extended_message=chooser.random() < 0.5,
        extended_next_hop=next_hop,
        operational=chooser.random() < 0.3,
        announced=announced,
    )


def _announced(chooser, families) -> list:
    """Capabilities a peer may announce that the daemon is not configured for (RFC 5492: ignored, but shown
    in the OPEN the helpers receive): graceful restart (RFC 4724), enhanced route refresh (RFC 7313),
    hostname and software version (drafts), multi-session, Cisco route refresh, an unassigned code."""
    restart = struct.pack("!H", (chooser.choice((0, 8)) << 12) | chooser.randint(0, 4095)) + b"".join(
        struct.pack("!HBB", afi, safi, chooser.choice((0, 0x80))) for afi, safi in families[:3]
    )
    # ASCII names only: 5.0.15 drops a session whose host name is not (`streams.malformed_streams` has one)
    name, domain = chooser.choice((b"router", b"edge-1", b"")), chooser.choice((b"", b"example.net"))
    version = chooser.choice((b"FRRouting/10.1", b"BIRD/2.15", b""))
    return [
        (64, restart),
        (70, b""),
        (73, bytes((len(name),)) + name + bytes((len(domain),)) + domain),
        (75, bytes((len(version),)) + version),
        (68, b"\x00"),
        (128, b""),
        (chooser.choice((66, 99, 230)), bytes(chooser.randint(0, 255) for _ in range(chooser.randint(0, 6)))),
    ]


# -- attributes ----------------------------------------------------------------------------------


def attribute(flags: int, code: int, value: bytes) -> bytes:
    """One path attribute (RFC 4271 4.3), extended length when the value needs it."""
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def _asn(chooser, asn4: bool) -> int:
    return (
        chooser.choice((chooser.randint(1, 65535), chooser.randint(65536, 4294967295)))
        if asn4
        else chooser.randint(1, 65535)
    )


def _as_path(chooser, asn4: bool) -> bytes:
    size = 4 if asn4 else 2
    segments = b""
    for _ in range(chooser.choice((0, 1, 1, 1, 2))):
        kind = chooser.choice((2, 2, 2, 1, 3, 4))  # sequence, set, confed sequence and set (RFC 5065)
        numbers = [_asn(chooser, asn4) for _ in range(chooser.randint(1, 6))]
        segments += bytes((kind, len(numbers))) + b"".join(number.to_bytes(size, "big") for number in numbers)
    return segments


def _ipv4(chooser) -> bytes:
    return bytes((chooser.randint(1, 223), chooser.randint(0, 255), chooser.randint(0, 255), chooser.randint(1, 254)))


def _ipv6(chooser) -> bytes:
    return bytes((0x20, 0x01, 0x0D, 0xB8)) + bytes(chooser.randint(0, 255) for _ in range(12))


_EXTENDED = (
    lambda c: bytes((0x00, 0x02)) + c.randint(1, 65535).to_bytes(2, "big") + c.randint(0, 2**32 - 1).to_bytes(4, "big"),
    lambda c: bytes((0x01, 0x02)) + _ipv4(c) + c.randint(0, 65535).to_bytes(2, "big"),
    lambda c: bytes((0x02, 0x02)) + c.randint(1, 2**32 - 1).to_bytes(4, "big") + c.randint(0, 65535).to_bytes(2, "big"),
    lambda c: bytes((0x00, 0x03)) + c.randint(1, 65535).to_bytes(2, "big") + c.randint(0, 2**32 - 1).to_bytes(4, "big"),
    lambda c: bytes((0x80, 0x06, 0, 0)) + struct.pack("!f", c.choice((0.0, 1000.0, 125000.0))),
    lambda c: bytes((0x80, 0x08)) + c.randint(1, 65535).to_bytes(2, "big") + c.randint(0, 2**32 - 1).to_bytes(4, "big"),
    lambda c: bytes((0x80, 0x09, 0, 0, 0, 0, 0)) + bytes((c.randint(0, 63),)),
    lambda c: bytes((0x03, 0x0C, 0, 0, 0, 0)) + c.choice((8, 10, 12)).to_bytes(2, "big"),
    lambda c: bytes((0x06, 0x00, c.randint(0, 1), 0)) + c.randint(0, 2**24 - 1).to_bytes(4, "big"),
    lambda c: bytes((0x06, 0x02, 0, 0)) + bytes(c.randint(0, 255) for _ in range(4)),
    lambda c: bytes((0x06, 0x03)) + bytes(c.randint(0, 255) for _ in range(6)),
    lambda c: bytes((c.randint(0, 0x3F), c.randint(0, 255))) + bytes(c.randint(0, 255) for _ in range(6)),
)


def path_attributes(chooser, asn4: bool, next_hop: bytes | None) -> bytes:
    """ORIGIN, AS_PATH, NEXT_HOP when given, then a random selection of the others, in type-code order."""
    parts = [attribute(0x40, 1, bytes((chooser.randint(0, 2),))), attribute(0x40, 2, _as_path(chooser, asn4))]
    if next_hop is not None:
        parts.append(attribute(0x40, 3, next_hop))
    if chooser.random() < 0.4:
        parts.append(attribute(0x80, 4, chooser.randint(0, 2**32 - 1).to_bytes(4, "big")))
    if chooser.random() < 0.5:
        parts.append(attribute(0x40, 5, chooser.randint(0, 2**32 - 1).to_bytes(4, "big")))
    if chooser.random() < 0.1:
        parts.append(attribute(0x40, 6, b""))
    if chooser.random() < 0.15:
        parts.append(attribute(0xC0, 7, _asn(chooser, asn4).to_bytes(4 if asn4 else 2, "big") + _ipv4(chooser)))
    if chooser.random() < 0.6:
        values = [
            chooser.choice((chooser.randint(0, 2**32 - 1), 0xFFFFFF01, 0xFFFFFF02, 0xFFFFFF03, 0xFFFF029A, 0xFFFF0000))
            for _ in range(chooser.randint(1, 6))
        ]
        parts.append(attribute(0xC0, 8, b"".join(value.to_bytes(4, "big") for value in values)))
    if chooser.random() < 0.15:
        parts.append(attribute(0x80, 9, _ipv4(chooser)))
        parts.append(attribute(0x80, 10, b"".join(_ipv4(chooser) for _ in range(chooser.randint(1, 3)))))
    if chooser.random() < 0.5:
        parts.append(
            attribute(0xC0, 16, b"".join(chooser.choice(_EXTENDED)(chooser) for _ in range(chooser.randint(1, 4))))
        )
    if not asn4 and chooser.random() < 0.2:
        segment = [chooser.randint(65536, 2**32 - 1) for _ in range(chooser.randint(1, 3))]
        parts.append(attribute(0xC0, 17, bytes((2, len(segment))) + b"".join(n.to_bytes(4, "big") for n in segment)))
    if chooser.random() < 0.3:
        parts.append(
            attribute(
                0xC0,
                32,
                b"".join(bytes(chooser.randint(0, 255) for _ in range(12)) for _ in range(chooser.randint(1, 3))),
            )
        )
    if chooser.random() < 0.1:
        parts.append(
            attribute(
                chooser.choice((0xC0, 0x80)),
                chooser.choice((99, 200, 241)),
                bytes(chooser.randint(0, 255) for _ in range(chooser.randint(0, 12))),
            )
        )
    return b"".join(parts)


# -- NLRI ----------------------------------------------------------------------------------------


def _prefix(chooser, afi: int) -> tuple:
    """(length in bits, the octets it covers), the host bits after the length cleared."""
    bits = 32 if afi == IPV4 else 128
    length = chooser.randint(0, bits) if chooser.random() < 0.2 else chooser.randint(8, 24 if afi == IPV4 else 64)
    address = int.from_bytes(_ipv4(chooser) if afi == IPV4 else _ipv6(chooser), "big")
    address &= ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return length, address.to_bytes(bits // 8, "big")[: (length + 7) // 8]


def _label(chooser) -> bytes:
    return (chooser.randint(16, 2**20 - 1) << 4 | 1).to_bytes(3, "big")


def _rd(chooser) -> bytes:
    kind = chooser.randint(0, 2)
    if kind == 0:
        return struct.pack("!HHI", 0, chooser.randint(1, 65535), chooser.randint(0, 2**32 - 1))
    if kind == 1:
        return struct.pack("!H", 1) + _ipv4(chooser) + chooser.randint(0, 65535).to_bytes(2, "big")
    return struct.pack("!HIH", 2, chooser.randint(65536, 2**32 - 1), chooser.randint(0, 65535))


def _flow_prefix(chooser, afi: int, kind: int) -> bytes:
    length, octets = _prefix(chooser, afi)
    if afi == IPV4:
        return bytes((kind, length)) + octets
    return bytes((kind, length, 0)) + octets


_ONE_OCTET = (3, 7, 8, 11)  # RFC 8955 4.2.2: protocol, ICMP type and code, DSCP


def _flow_numbers(chooser, kind: int, count: int) -> bytes:
    out = b""
    for index in range(count):
        value = (
            chooser.randint(0, 255)
            if kind in _ONE_OCTET
            else chooser.choice((chooser.randint(0, 255), chooser.randint(256, 65535)))
        )
        size = 0 if value < 256 else 1
        operator = chooser.choice((1, 2, 3, 4, 5, 6)) | (size << 4)
        if index == count - 1:
            operator |= 0x80
        if index and chooser.random() < 0.3:
            operator |= 0x40
        out += bytes((operator,)) + value.to_bytes(1 << size, "big")
    return bytes((kind,)) + out


def _flow(chooser, afi: int) -> bytes:
    rule = b""
    if chooser.random() < 0.8:
        rule += _flow_prefix(chooser, afi, 1)
    if chooser.random() < 0.5:
        rule += _flow_prefix(chooser, afi, 2)
    for kind in (3, 4, 5, 6):
        if chooser.random() < 0.35:
            rule += _flow_numbers(chooser, kind, chooser.randint(1, 2))
    if not rule:
        rule = _flow_numbers(chooser, 3, 1)
    return rule


def _evpn(chooser) -> bytes:
    kind = chooser.randint(1, 5)
    rd, esi = _rd(chooser), bytes((0,)) + bytes(chooser.randint(0, 255) for _ in range(9))
    tag = chooser.randint(0, 2**32 - 1).to_bytes(4, "big")
    if kind == 1:
        body = rd + esi + tag + _label(chooser)
    elif kind == 2:
        ip = chooser.choice((b"", _ipv4(chooser), _ipv6(chooser)))
        body = (
            rd
            + esi
            + tag
            + bytes((48,))
            + bytes(chooser.randint(0, 255) for _ in range(6))
            + bytes((len(ip) * 8,))
            + ip
            + _label(chooser)
        )
    elif kind == 3:
        ip = chooser.choice((_ipv4(chooser), _ipv6(chooser)))
        body = rd + tag + bytes((len(ip) * 8,)) + ip
    elif kind == 4:
        ip = chooser.choice((_ipv4(chooser), _ipv6(chooser)))
        body = rd + esi + bytes((len(ip) * 8,)) + ip
    else:
        six = chooser.random() < 0.5
        length, octets = _prefix(chooser, IPV6 if six else IPV4)
        size = 16 if six else 4
        body = (
            rd
            + esi
            + tag
            + bytes((length,))
            + octets.ljust(size, b"\0")
            + (_ipv6(chooser) if six else _ipv4(chooser))
            + _label(chooser)
        )
    return bytes((kind, len(body))) + body


def _vpls(chooser) -> bytes:
    body = (
        _rd(chooser)
        + struct.pack("!HHH", chooser.randint(1, 100), chooser.randint(0, 100), chooser.randint(1, 16))
        + (chooser.randint(16, 2**20 - 1) << 4 | 1).to_bytes(3, "big")
    )
    return len(body).to_bytes(2, "big") + body


def _mvpn(chooser, afi: int) -> bytes:
    ip = _ipv4(chooser) if afi == IPV4 else _ipv6(chooser)
    if chooser.random() < 0.5:
        body = _rd(chooser) + ip  # type 1: Intra-AS I-PMSI A-D
        return bytes((1, len(body))) + body
    source = _ipv4(chooser) if afi == IPV4 else _ipv6(chooser)
    group = _ipv4(chooser) if afi == IPV4 else _ipv6(chooser)
    body = _rd(chooser) + bytes((len(source) * 8,)) + source + bytes((len(group) * 8,)) + group + ip  # type 3: S-PMSI
    return bytes((3, len(body))) + body


def nlri(chooser, afi: int, safi: int, path_id: bool) -> bytes:
    """One NLRI of family (afi, safi), with a path identifier first when `path_id`."""
    head = chooser.randint(0, 2**32 - 1).to_bytes(4, "big") if path_id else b""
    if safi in (UNICAST, MULTICAST):
        length, octets = _prefix(chooser, afi)
        return head + bytes((length,)) + octets
    if safi == NLRI_MPLS:
        length, octets = _prefix(chooser, afi)
        return head + bytes((24 + length,)) + _label(chooser) + octets
    if safi == MPLS_VPN:
        length, octets = _prefix(chooser, afi)
        return head + bytes((88 + length,)) + _label(chooser) + _rd(chooser) + octets
    if safi in (FLOW, FLOW_VPN):
        rule = (_rd(chooser) if safi == FLOW_VPN else b"") + _flow(chooser, afi)
        return bytes((len(rule),)) + rule
    if safi == EVPN:
        return _evpn(chooser)
    if safi == VPLS:
        return _vpls(chooser)
    if safi == MCAST_VPN:
        return _mvpn(chooser, afi)
    if safi == RTC:
        body = (
            chooser.randint(1, 2**32 - 1).to_bytes(4, "big")
            + bytes((0, 2))
            + bytes(chooser.randint(0, 255) for _ in range(6))
        )
        return bytes((96,)) + body
    raise ValueError(f"no generator for family {afi}/{safi}")


def _next_hop(chooser, afi: int, safi: int, extended: bool) -> bytes:
    if safi in (FLOW, FLOW_VPN):
        return b""
    if afi == L2VPN or (afi == IPV4 and not extended):
        address = _ipv4(chooser)
    else:
        address = _ipv6(chooser)
        if safi in (UNICAST, MULTICAST) and chooser.random() < 0.2:
            address += bytes((0xFE, 0x80)) + bytes(6) + bytes(chooser.randint(0, 255) for _ in range(8))
    return bytes(8) + address if safi == MPLS_VPN else address


# -- messages ------------------------------------------------------------------------------------


def update(withdrawn: bytes, attributes: bytes, announced: bytes) -> bytes:
    """An UPDATE body (RFC 4271 4.3)."""
    return struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", len(attributes)) + attributes + announced


def _announce(chooser, capabilities, afi: int, safi: int) -> bytes:
    path_id = any((a, s) == (afi, safi) and mode & 2 for a, s, mode in capabilities.add_path)
    count = 1 if safi == VPLS else chooser.randint(1, 5)  # one VPLS NLRI per UPDATE, as 5.0 sends them
    items = b"".join(nlri(chooser, afi, safi, path_id) for _ in range(count))
    extended = (afi, safi, IPV6) in capabilities.extended_next_hop
    if (afi, safi) == (IPV4, UNICAST) and not extended:
        return update(b"", path_attributes(chooser, capabilities.asn4, _ipv4(chooser)), items)
    next_hop = _next_hop(chooser, afi, safi, extended)
    reach = struct.pack("!HBB", afi, safi, len(next_hop)) + next_hop + b"\0" + items
    attributes = path_attributes(chooser, capabilities.asn4, None)
    return update(b"", attribute(0x80, 14, reach) + attributes, b"")


def _withdraw(chooser, capabilities, afi: int, safi: int) -> bytes:
    path_id = any((a, s) == (afi, safi) and mode & 2 for a, s, mode in capabilities.add_path)
    count = 1 if safi == VPLS else chooser.randint(1, 4)
    items = b"".join(nlri(chooser, afi, safi, path_id) for _ in range(count))
    if (afi, safi) == (IPV4, UNICAST):
        return update(items, b"", b"")
    return update(b"", attribute(0x80, 15, struct.pack("!HB", afi, safi) + items), b"")


def end_of_rib(afi: int, safi: int) -> bytes:
    """RFC 4724 2: an empty UPDATE for IPv4 unicast, an empty MP_UNREACH_NLRI otherwise."""
    if (afi, safi) == (IPV4, UNICAST):
        return update(b"", b"", b"")
    return update(b"", attribute(0x80, 15, struct.pack("!HB", afi, safi)), b"")


def messages(chooser: random.Random, capabilities, count: int) -> list:
    """`count` messages for the session's families, End-of-RIBs last (see the module docstring)."""
    out = []
    families = capabilities.families
    for _ in range(count):
        afi, safi = chooser.choice(families)
        roll = chooser.random()
        if roll < 0.7:
            out.append(message(UPDATE, _announce(chooser, capabilities, afi, safi)))
        elif roll < 0.95:
            out.append(message(UPDATE, _withdraw(chooser, capabilities, afi, safi)))
        elif roll < 0.98 or not capabilities.operational:
            out.append(message(_ROUTE_REFRESH, struct.pack("!HBB", afi, 0, safi)))
        else:
            text = chooser.choice(("maintenance at noon", "", "caf\xe9"))
            value = struct.pack("!HB", afi, safi) + text.encode()
            out.append(message(_OPERATIONAL, struct.pack("!HH", 1, len(value)) + value))
    if count > 5:
        out += [message(UPDATE, end_of_rib(afi, safi)) for afi, safi in families]
    return out


# -- malformed UPDATEs ---------------------------------------------------------------------------

_ORIGIN = attribute(0x40, 1, b"\0")
_AS_PATH = attribute(0x40, 2, bytes((2, 1)) + (65001).to_bytes(4, "big"))
_NEXT_HOP = attribute(0x40, 3, bytes((192, 0, 2, 1)))
_NLRI = bytes((24, 10, 1, 2))


def withdraw_and_discard_cases() -> list:
    """UPDATE bodies RFC 7606 answers with treat-as-withdraw (section 2) or attribute discard."""
    base = _ORIGIN + _AS_PATH + _NEXT_HOP
    return [
        update(b"", attribute(0x40, 1, b"\x07") + _AS_PATH + _NEXT_HOP, _NLRI),  # 7.1 ORIGIN undefined value
        update(b"", attribute(0x40, 1, b"\0\0") + _AS_PATH + _NEXT_HOP, _NLRI),  # 7.1 ORIGIN length
        update(b"", _ORIGIN + attribute(0x40, 2, bytes((2, 3, 0, 0))) + _NEXT_HOP, _NLRI),  # 7.2 AS_PATH overrun
        update(b"", _ORIGIN + _AS_PATH + attribute(0x40, 3, bytes(5)), _NLRI),  # 7.3 NEXT_HOP length
        update(b"", base + attribute(0x80, 4, bytes(3)), _NLRI),  # 7.4 MED length
        update(b"", base + attribute(0x40, 5, bytes(5)), _NLRI),  # 7.5 LOCAL_PREF length
        update(b"", base + attribute(0x40, 6, b"\x01"), _NLRI),  # 7.6 ATOMIC_AGGREGATE length: discard
        update(b"", base + attribute(0xC0, 7, bytes(3)), _NLRI),  # 7.7 AGGREGATOR length: discard
        update(b"", base + attribute(0xC0, 8, bytes(5)), _NLRI),  # 7.8 COMMUNITIES length
        update(b"", base + attribute(0x80, 9, bytes(3)), _NLRI),  # 7.9 ORIGINATOR_ID length
        update(b"", base + attribute(0x80, 10, bytes(5)), _NLRI),  # 7.10 CLUSTER_LIST length
        update(b"", base + attribute(0xC0, 16, bytes(7)), _NLRI),  # 7.14 extended communities length
        update(b"", base + attribute(0xC0, 32, bytes(11)), _NLRI),  # RFC 8092 large communities length
        update(b"", base + attribute(0x00, 8, bytes(4)), _NLRI),  # 3.c well-known flags wrong
        update(b"", base + attribute(0x80, 5, bytes(4)), _NLRI),  # LOCAL_PREF as optional
        update(b"", base + attribute(0xC0, 8, bytes(4)) + attribute(0xC0, 8, bytes(8)), _NLRI),  # 3.g repeated
        update(b"", base, b""),  # attributes without NLRI
        update(b"", _ORIGIN + _NEXT_HOP, _NLRI),  # 3.d AS_PATH missing
        update(b"", _AS_PATH + _NEXT_HOP, _NLRI),  # 3.d ORIGIN missing
        update(b"", _ORIGIN + _AS_PATH, _NLRI),  # NEXT_HOP missing with NLRI
        update(b"", base + attribute(0x40, 1, b"\x02"), _NLRI),  # 3.g ORIGIN repeated: the first kept
        update(b"", base + attribute(0xC0, 8, b""), _NLRI),  # empty COMMUNITIES
        update(b"", base + attribute(0x50, 7, bytes(8)), _NLRI),  # AGGREGATOR with Extended Length (RFC 7606 3.c)
        update(b"", attribute(0x80, 15, struct.pack("!HB", IPV6, UNICAST) + bytes((64, 0x20, 1))), b""),
    ]


def departure_cases() -> list:
    """(name, families, UPDATE body) where we knowingly differ from 5.0.15 (qa.differential.known);
    the extended next hop case is sent on a session that negotiates one (`streams.malformed_streams`)."""
    vpls = bytes((0, 17)) + bytes(8) + struct.pack("!HHH", 1, 0, 8) + bytes((0x00, 0x10, 0x01))
    flow_ok = bytes((6, 1, 24, 10, 0, 0, 0x81)) + bytes((6,))
    flow_bad = bytes((4, 3, 0x91, 0x96, 0x20))  # protocol 38432: RFC 8955 says one octet
    base = _ORIGIN + _AS_PATH
    return [
        (
            "several vpls nlri",
            ((IPV4, UNICAST), (L2VPN, VPLS)),
            update(
                b"",
                attribute(0x80, 14, struct.pack("!HBB", L2VPN, VPLS, 4) + bytes((192, 0, 2, 1)) + b"\0" + vpls + vpls)
                + base,
                b"",
            ),
        ),
        (
            "evpn with an extended next hop",
            ((IPV4, UNICAST), (IPV6, UNICAST), (L2VPN, EVPN)),
            update(
                b"",
                attribute(
                    0x80,
                    14,
                    struct.pack("!HBB", L2VPN, EVPN, 4)
                    + bytes((192, 0, 2, 1))
                    + b"\0"
                    + bytes((3, 17))
                    + bytes(12)
                    + bytes((32, 192, 0, 2, 1)),
                )
                + base,
                b"",
            ),
        ),
        (
            "flow rule out of range",
            ((IPV4, UNICAST), (IPV4, FLOW)),
            update(
                b"", attribute(0x80, 14, struct.pack("!HBB", IPV4, FLOW, 0) + b"\0" + flow_ok + flow_bad) + base, b""
            ),
        ),
        (
            "ipv6 nlri ipv4 next hop",
            ((IPV4, UNICAST), (IPV6, UNICAST)),
            update(
                b"",
                attribute(
                    0x80,
                    14,
                    struct.pack("!HBB", IPV6, UNICAST, 4)
                    + bytes((192, 0, 2, 1))
                    + b"\0"
                    + bytes((64, 0x20, 1, 0xD, 0xB8, 0, 0, 0, 1)),
                )
                + base,
                b"",
            ),
        ),
    ]


def session_reset_cases() -> list:
    """(name, UPDATE body) pairs RFC 7606 / RFC 4271 answer with a NOTIFICATION."""
    base = _ORIGIN + _AS_PATH + _NEXT_HOP
    return [
        ("withdrawn length overrun", struct.pack("!H", 200) + bytes((24, 10, 1, 2)) + b"\0\0"),
        ("attributes length overrun", struct.pack("!HH", 0, 200) + base),
        ("nlri prefix too long", update(b"", base, bytes((33, 10, 1, 2, 3, 4)))),
        (
            "mp_reach unknown next hop length",
            update(
                b"",
                attribute(0x80, 14, struct.pack("!HBB", 2, 1, 5) + bytes(5) + b"\0" + bytes((64,)) + bytes(8)) + base,
                b"",
            ),
        ),
        (
            "mp_reach repeated",
            update(b"", attribute(0x80, 14, struct.pack("!HBB", 2, 1, 16) + bytes(16) + b"\0") * 2 + base, b""),
        ),
        ("attribute length overrun", update(b"", base + bytes((0xC0, 8, 40)) + bytes(4), _NLRI)),
        ("unrecognized well-known attribute", update(b"", base + attribute(0x40, 99, b"\x01"), _NLRI)),
        (
            "mp_reach ipv4 next hop of 3 octets",
            update(
                b"",
                attribute(0x80, 14, struct.pack("!HBB", IPV4, UNICAST, 3) + bytes(3) + b"\0" + _NLRI) + base[:7],
                b"",
            ),
        ),
    ]
