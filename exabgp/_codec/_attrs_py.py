"""Path attribute value codecs (pure twin, the specification).

* `encode_attribute`: the TLV header of RFC 4271 section 4.3: flags, type
  code, then a 1-octet length, or a 2-octet one when the Extended Length bit
  (0x10) is set.  The bit is set when the value needs it (over 255 octets)
  and kept when the caller already set it, so that a received attribute
  re-encodes to the same octets.
* AS_PATH / AS4_PATH (RFC 4271 section 4.3, RFC 6793, RFC 5065): segments of
  ``type, count, count * ASN`` with 2- or 4-octet ASNs; types 1 AS_SET,
  2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET.  An unknown type, an
  empty or truncated segment is malformed (3/11, RFC 7606 section 7.2).
  Encoding splits segments longer than 255 ASNs.
* COMMUNITIES (RFC 1997): 4-octet values; LARGE_COMMUNITY (RFC 8092): three
  4-octet integers; EXTENDED COMMUNITIES (RFC 4360): 8-octet values, kept as
  64-bit ints.  A length that is not a multiple of the item size is an
  attribute length error (3/5); the message layer picks the RFC 7606 action.
"""

from struct import unpack_from

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import AS_CONFED_SET, AS_SET, EXTENDED_LENGTH

__all__ = (
    "encode_attribute",
    "decode_as_path",
    "encode_as_path",
    "decode_communities",
    "encode_communities",
    "decode_large_communities",
    "encode_large_communities",
    "decode_extended_communities",
    "encode_extended_communities",
)

_SEGMENT_TYPES = tuple(range(AS_SET, AS_CONFED_SET + 1))


def encode_attribute(code: int, flags: int, value: bytes) -> bytes:
    """Return the whole attribute TLV for `value`."""
    length = len(value)
    if length > 65535:
        raise CodecError(3, 5, b"", f"attribute {code} longer than 65535 octets")
    if length > 255:
        flags |= EXTENDED_LENGTH
    if flags & EXTENDED_LENGTH:
        return bytes((flags, code, length >> 8, length & 0xFF)) + bytes(value)
    return bytes((flags, code, length)) + bytes(value)


def decode_as_path(data, asn4: bool):
    """Return the segments of an AS_PATH value as ``[(type, (asn, ...)), ...]``."""
    data = bytes(data)
    width = 4 if asn4 else 2
    size = len(data)
    offset = 0
    segments = []
    while offset < size:
        if offset + 2 > size:
            raise CodecError(3, 11, b"", "truncated AS_PATH segment header")
        seg_type = data[offset]
        count = data[offset + 1]
        if seg_type not in _SEGMENT_TYPES:
            raise CodecError(3, 11, b"", f"unknown AS_PATH segment type {seg_type}")
        if count == 0:
            raise CodecError(3, 11, b"", "empty AS_PATH segment")
        start = offset + 2
        end = start + count * width
        if end > size:
            raise CodecError(3, 11, b"", "truncated AS_PATH segment")
        segments.append((seg_type, unpack_from(f"!{count}{'I' if asn4 else 'H'}", data, start)))
        offset = end
    return segments


def encode_as_path(segments, asn4: bool) -> bytes:
    """Encode ``[(type, asns), ...]``; a segment over 255 ASNs becomes several."""
    width = 4 if asn4 else 2
    limit = 0xFFFFFFFF if asn4 else 0xFFFF
    parts = []
    for seg_type, asns in segments:
        if seg_type not in _SEGMENT_TYPES:
            raise CodecError(3, 11, b"", f"unknown AS_PATH segment type {seg_type}")
        for first in range(0, len(asns), 255):
            chunk = asns[first : first + 255]
            parts.append(bytes((seg_type, len(chunk))))
            for asn in chunk:
                if not 0 <= asn <= limit:
                    raise CodecError(3, 11, b"", f"ASN {asn} does not fit {width} octets")
                parts.append(asn.to_bytes(width, "big"))
    return b"".join(parts)


def _decode_fixed(data, width: int, what: str):
    data = bytes(data)
    if len(data) % width:
        raise CodecError(3, 5, b"", f"{what} length {len(data)} is not a multiple of {width}")
    return data


def decode_communities(data):
    """COMMUNITIES value to a tuple of 32-bit ints."""
    data = _decode_fixed(data, 4, "COMMUNITIES")
    return unpack_from(f"!{len(data) >> 2}I", data)


def encode_communities(values) -> bytes:
    return b"".join(value.to_bytes(4, "big") for value in values)


def decode_large_communities(data):
    """LARGE_COMMUNITY value to a tuple of ``(global, local1, local2)``."""
    data = _decode_fixed(data, 12, "LARGE_COMMUNITY")
    numbers = unpack_from(f"!{len(data) >> 2}I", data)
    return tuple(zip(numbers[0::3], numbers[1::3], numbers[2::3], strict=False))


def encode_large_communities(values) -> bytes:
    return b"".join(a.to_bytes(4, "big") + b.to_bytes(4, "big") + c.to_bytes(4, "big") for a, b, c in values)


def decode_extended_communities(data):
    """EXTENDED COMMUNITIES value to a tuple of 64-bit ints."""
    data = _decode_fixed(data, 8, "EXTENDED_COMMUNITIES")
    return unpack_from(f"!{len(data) >> 3}Q", data)


def encode_extended_communities(values) -> bytes:
    return b"".join(value.to_bytes(8, "big") for value in values)
