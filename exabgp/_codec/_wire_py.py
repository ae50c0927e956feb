"""Message framing and the UPDATE section split (pure twin, the specification).

Framing (RFC 4271 section 4.1, the numbers in `exabgp._codec.tables`): every
message starts with the marker, a 2-octet length counting the whole message
(a header's 19 octets up to 4096, or 65535 once extended messages are
negotiated, RFC 8654) and a 1-octet type.
`split_messages` cuts a byte stream into ``(type, body)`` pairs and says how
many octets it consumed, so a caller keeps the incomplete tail for later.
Per-type length rules and unknown types are the message layer's business.

UPDATE (RFC 4271 section 4.3): withdrawn-routes length + withdrawn routes,
total path attribute length + path attributes, then NLRI to the end.
`split_update` returns the three sections; `walk_attributes` walks the path
attribute TLVs (flags, type code, 1- or 2-octet length) and applies the
structural rules of RFC 7606 section 3 that need no knowledge of the
attribute: a repeated MP_REACH_NLRI or MP_UNREACH_NLRI is a session reset
(3/1, "Malformed Attribute List"), any other repeated attribute keeps its
first occurrence only; an attribute running past the end of the section is
3/1 as well (the caller may turn it into treat-as-withdraw, RFC 7606 section 4).
"""

from exabgp._codec.errors import CodecError
from exabgp._codec.headers import attribute_value
from exabgp._codec.tables import (
    EXTENDED_MAX_SIZE,
    HEADER_SIZE,
    LENGTH_AT,
    MARKER,
    MARKER_SIZE,
    MAX_SIZE,
    MP_REACH_NLRI,
    MP_UNREACH_NLRI,
    TYPE_AT,
    UPDATE_MINIMUM,
)

__all__ = (
    "MARKER",
    "frame_message",
    "split_messages",
    "split_update",
    "walk_attributes",
)


def frame_message(msg_type: int, body: bytes) -> bytes:
    """Prefix `body` with the marker, the total length and the type."""
    length = HEADER_SIZE + len(body)
    if length > EXTENDED_MAX_SIZE:
        raise CodecError(1, 2, length.to_bytes(4, "big"), "message too large")
    return MARKER + length.to_bytes(2, "big") + bytes((msg_type,)) + bytes(body)


def split_messages(data, max_size: int = MAX_SIZE):
    """Cut complete messages off the front of `data`.

    Returns ``(messages, consumed)``: a list of ``(type, body)`` with `body`
    as bytes, and the number of octets used.  Stops at the first incomplete
    message.  A wrong marker raises 1/1 (Connection Not Synchronized); a
    length below 19 or above `max_size` raises 1/2 (Bad Message Length) with
    the offending length field as data.
    """
    view = memoryview(data)
    size = len(view)
    offset = 0
    messages = []
    # the table's numbers as locals: this loop runs once per message of a full table
    header, marker, marker_size, length_at, type_at = HEADER_SIZE, MARKER, MARKER_SIZE, LENGTH_AT, TYPE_AT
    while size - offset >= header:
        if view[offset : offset + marker_size] != marker:
            raise CodecError(1, 1, b"", "invalid marker")
        at = offset + length_at
        length = (view[at] << 8) | view[at + 1]
        if length < header or length > max_size:
            raise CodecError(1, 2, bytes(view[at : offset + type_at]), f"invalid message length {length}")
        if size - offset < length:
            break
        messages.append((view[offset + type_at], bytes(view[offset + header : offset + length])))
        offset += length
    return messages, offset


def split_update(body):
    """Return ``(withdrawn, attributes, nlri)`` of an UPDATE body, as bytes.

    The two length fields must fit the body (RFC 4271 section 6.3,
    "Malformed Attribute List", 3/1).
    """
    size = len(body)
    if size < UPDATE_MINIMUM:
        raise CodecError(3, 1, b"", "update shorter than 4 octets")
    withdrawn_end = 2 + ((body[0] << 8) | body[1])
    if withdrawn_end + 2 > size:
        raise CodecError(3, 1, b"", "withdrawn routes length overruns the message")
    attributes_end = withdrawn_end + 2 + ((body[withdrawn_end] << 8) | body[withdrawn_end + 1])
    if attributes_end > size:
        raise CodecError(3, 1, b"", "path attribute length overruns the message")
    body = bytes(body)
    return body[2:withdrawn_end], body[withdrawn_end + 2 : attributes_end], body[attributes_end:]


def walk_attributes(data):
    """List the path attributes of `data` as ``(code, flags, value)`` in wire order.

    Duplicates other than MP_REACH/MP_UNREACH are dropped (first one kept);
    those two raise 3/1.  Truncation raises 3/1.
    """
    data = bytes(data)
    size = len(data)
    offset = 0
    seen = set()
    attributes = []
    while offset < size:
        bounds = attribute_value(data, offset, size)
        if bounds is None:
            raise CodecError(3, 1, b"", "truncated attribute header")
        flags = data[offset]
        code = data[offset + 1]
        start, end = bounds
        if end > size:
            raise CodecError(3, 1, b"", f"attribute {code} overruns the attribute section")
        if code in seen:
            if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
                raise CodecError(3, 1, b"", f"attribute {code} repeated")
        else:
            seen.add(code)
            attributes.append((code, flags, data[start:end]))
        offset = end
    return attributes
