"""The path attribute header, read in one place (RFC 4271 section 4.3).

An attribute is a TLV: a flags octet, a type code octet, then its value's
length in one octet, or in two when the flags carry EXTENDED_LENGTH, then the
value.  `attribute_value` reads that header; every walk over a path attribute
section in the pure twins (`_index_py`, `_json_py`, `_wire_py`, `_mrt_py`) and in the
model (`exabgp.bgp.attribute`) calls it, and the compiled twins inline its C
form, ``_octets.pxd``'s ``attribute_value``, which follows this text line for
line.  What a walk does with a value that overruns its section (give up,
raise RFC 7606's error, keep the whole attributes before it) is the walk's
own rule, so both forms only report where the value ends.
"""

from exabgp._codec.tables import EXTENDED_LENGTH


def attribute_value(data, offset: int, end: int):
    """``(start, stop)`` of the value of the attribute whose header is at ``data[offset]``, or None.

    None when the header itself does not fit before `end`; `stop` may lie past
    `end` (an overrun the caller judges).
    """
    if end - offset < 3:
        return None
    if data[offset] & EXTENDED_LENGTH:
        if end - offset < 4:
            return None
        return offset + 4, offset + 4 + ((data[offset + 2] << 8) | data[offset + 3])
    return offset + 3, offset + 3 + data[offset + 2]
