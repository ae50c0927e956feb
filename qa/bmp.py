"""BMP messages built by hand from the RFC layouts (RFC 7854 section 4, RFC 8671, RFC 9069), for tests.

Each function returns the octets of one whole BMP message, common header
included; `peer_header` the 42-octet per-peer header.  Written from the RFC
figures, not with `exabgp.bmp`, so that the decoder is checked against the
layouts and not against itself.  `bgp(type, body)` frames a BGP message.
"""

import ipaddress
import struct

VERSION = 3
MARKER = b"\xff" * 16


def common(kind: int, payload: bytes, version: int = VERSION) -> bytes:
    """RFC 7854 4.1: version (1), message length (4, the whole message), message type (1)."""
    return struct.pack("!BIB", version, 6 + len(payload), kind) + payload


def bgp(kind: int, body: bytes) -> bytes:
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def address16(address: str) -> bytes:
    """An address in a 16-octet field: IPv4 in the last 4 octets, zeros before (RFC 7854 4.2)."""
    packed = ipaddress.ip_address(address).packed
    return bytes(16 - len(packed)) + packed


def peer_header(
    address: str = "192.0.2.1",
    asn: int = 65001,
    bgp_id: str = "192.0.2.1",
    kind: int = 0,
    flags: int = 0,
    distinguisher: bytes = bytes(8),
    seconds: int = 1700000000,
    microseconds: int = 250000,
) -> bytes:
    """RFC 7854 4.2: type, flags, distinguisher (8), address (16), AS (4), BGP ID (4), seconds, microseconds."""
    if ipaddress.ip_address(address).version == 6:
        flags |= 0x80
    return (
        struct.pack("!BB", kind, flags)
        + distinguisher
        + address16(address)
        + struct.pack("!I", asn)
        + ipaddress.IPv4Address(bgp_id).packed
        + struct.pack("!II", seconds, microseconds)
    )


def tlv(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value


def open_body(asn: int, router_id: str, capabilities: bytes = b"", hold: int = 90) -> bytes:
    """An OPEN body (RFC 4271 4.2) with `capabilities` (already encoded) in one parameter; AS_TRANS above 65535."""
    parameters = bytes((2, len(capabilities))) + capabilities if capabilities else b""
    my_as = asn if asn < 65536 else 23456
    return (
        struct.pack("!BHH", 4, my_as, hold)
        + ipaddress.IPv4Address(router_id).packed
        + bytes((len(parameters),))
        + parameters
    )


def capability(code: int, value: bytes) -> bytes:
    return bytes((code, len(value))) + value


def asn4_capability(asn: int) -> bytes:
    return capability(65, struct.pack("!I", asn))


def addpath_capability(afi: int, safi: int, mode: int) -> bytes:
    return capability(69, struct.pack("!HBB", afi, safi, mode))


def multiprotocol(afi: int, safi: int) -> bytes:
    return capability(1, struct.pack("!HBB", afi, 0, safi))


def initiation(*tlvs: bytes) -> bytes:
    return common(4, b"".join(tlvs))


def termination(*tlvs: bytes) -> bytes:
    return common(5, b"".join(tlvs))


def peer_up(
    header: bytes, local: str, local_port: int, remote_port: int, sent: bytes, received: bytes, *tlvs: bytes
) -> bytes:
    """RFC 7854 4.10: per-peer header, local address (16), ports, sent OPEN, received OPEN, information TLVs."""
    return common(
        3,
        header
        + address16(local)
        + struct.pack("!HH", local_port, remote_port)
        + bgp(1, sent)
        + bgp(1, received)
        + b"".join(tlvs),
    )


def route_monitoring(header: bytes, update_body: bytes) -> bytes:
    return common(0, header + bgp(2, update_body))


def indexed_tlv(kind: int, value: bytes, index: int = 0) -> bytes:
    """A Route Monitoring TLV of the RFC 9736 layout (draft-ietf-grow-bmp-tlv): type, length (of the value),
    index (2 octets each), value."""
    return struct.pack("!HHH", kind, len(value), index) + value


def route_monitoring_tlvs(header: bytes, *tlvs: bytes, version: int = 4) -> bytes:
    """A Route Monitoring whose per-peer header is followed by TLVs (`indexed_tlv`, the UPDATE one of them)."""
    return common(0, header + b"".join(tlvs), version)


def peer_down(header: bytes, reason: int, data: bytes = b"", version: int = VERSION) -> bytes:
    return common(2, header + bytes((reason,)) + data, version)


def statistics(header: bytes, *stats: bytes) -> bytes:
    return common(1, header + struct.pack("!I", len(stats)) + b"".join(stats))


def route_mirroring(header: bytes, *tlvs: bytes) -> bytes:
    return common(6, header + b"".join(tlvs))
