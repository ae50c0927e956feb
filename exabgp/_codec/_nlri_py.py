"""Prefix NLRI decode and encode, a whole section per call (pure twin, the specification).

One NLRI is ``[path-id] length prefix`` where `length` counts bits:

* plain (RFC 4271 section 4.3, RFC 4760): ``length`` octet, then
  ``ceil(length / 8)`` prefix octets;
* ADD-PATH (RFC 7911 section 3): a 4-octet path identifier in front;
* labeled (RFC 8277, `KIND_LABELED`): 3-octet label fields inside the
  length, framed as below;
* VPN (RFC 4364 section 4.3.4, `KIND_VPN`): labels as above then an
  8-octet route distinguisher, also inside the length.

Label framing.  We never negotiate the Multiple Labels Capability, so RFC
8277 section 2.2 applies: an NLRI carries one label whose bottom-of-stack
(S) bit is ignored on receipt, and a withdrawal carries one 3-octet
Compatibility field whose value is ignored (section 2.4).  The length, not
the S bit, says where that field ends: the first field ends the stack when
the bits left after it (RD excluded) fit a prefix of the family (0 included:
a /0), when its S bit is set, when it is 0x000000 (RFC 3107's next-hop
convention) or, in a withdrawal (`withdraw` true), 0x800000.  Otherwise the
bits left are too many for one prefix, and the NLRI is read as ExaBGP 5.0.15
reads an RFC 3107 label stack: more fields up to the one with the S bit set
(none: 3/10).  This is 5.0.15's framing except for the /0, which 5.0.15
refuses when the S bit is clear (see `qa/differential/known.py`).  Decoding
an encoded NLRI gives it back unless it is a stack of several labels that
leaves a prefix the family can hold after the first (an IPv6 /48 under two
labels reads as one label and a /72): such a stack can not be told from one
label on a session without the capability.

Each NLRI is the tuple ``(path_id, plen, addr, labels, rd)``:
`path_id` an int (None without ADD-PATH); `plen` the prefix length in bits
(labels and RD excluded); `addr` the full-width address (4 or 16 octets, the
wire octets zero-padded, host bits kept as sent); `labels` a tuple of raw
24-bit label fields (label << 4 | TC << 1 | S), or None for plain NLRI; `rd`
the 8 RD octets or None.  Decoding then encoding gives the same octets.

Errors are 3/10 (Invalid Network Field, RFC 4271 section 6.3): a prefix
longer than the address, or a length running past the section.
"""

from exabgp._codec.errors import CodecError

__all__ = ("KIND_PLAIN", "KIND_LABELED", "KIND_VPN", "decode_nlri", "encode_nlri", "pack_nlri")

KIND_PLAIN = 0
KIND_LABELED = 1
KIND_VPN = 2

_NEXTHOP_FIELD = 0x000000
_WITHDRAW_FIELD = 0x800000


def decode_nlri(data, afi: int, addpath: bool, kind: int = KIND_PLAIN, withdraw: bool = False):
    """Decode every NLRI of `data`; `afi` is 1 (IPv4) or 2 (IPv6), `withdraw` for MP_UNREACH_NLRI."""
    data = bytes(data)
    width = 4 if afi == 1 else 16
    max_bits = width * 8
    size = len(data)
    offset = 0
    result: list = []
    append = result.append
    pad = bytes(width)
    rd_bits = 64 if kind == KIND_VPN else 0
    while offset < size:
        path_id = None
        if addpath:
            if offset + 4 > size:
                raise CodecError(3, 10, b"", "truncated path identifier")
            path_id = int.from_bytes(data[offset : offset + 4], "big")
            offset += 4
        if offset >= size:
            raise CodecError(3, 10, b"", "missing prefix length")
        bits = data[offset]
        offset += 1
        labels = rd = None
        if kind != KIND_PLAIN:
            if bits < 24 or offset + 3 > size:
                raise CodecError(3, 10, b"", "truncated label stack")
            raw = (data[offset] << 16) | (data[offset + 1] << 8) | data[offset + 2]
            offset += 3
            bits -= 24
            labels = (raw,)
            if (
                bits - rd_bits > max_bits
                and not raw & 1
                and raw != _NEXTHOP_FIELD
                and not (withdraw and raw == _WITHDRAW_FIELD)
            ):
                stack = [raw]
                while not raw & 1:
                    if bits < 24 or offset + 3 > size:
                        raise CodecError(3, 10, b"", "truncated label stack")
                    raw = (data[offset] << 16) | (data[offset + 1] << 8) | data[offset + 2]
                    offset += 3
                    bits -= 24
                    stack.append(raw)
                labels = tuple(stack)
            if kind == KIND_VPN:
                if bits < 64 or offset + 8 > size:
                    raise CodecError(3, 10, b"", "truncated route distinguisher")
                rd = data[offset : offset + 8]
                offset += 8
                bits -= 64
        if bits > max_bits:
            raise CodecError(3, 10, b"", f"prefix length {bits} too long")
        octets = (bits + 7) >> 3
        end = offset + octets
        if end > size:
            raise CodecError(3, 10, b"", "truncated prefix")
        append((path_id, bits, data[offset:end] + pad[octets:], labels, rd))
        offset = end
    return result


def _encode_one(item, addpath: bool, kind: int) -> bytes:
    path_id, bits, addr, labels, rd = item
    head = (path_id or 0).to_bytes(4, "big") if addpath else b""
    extra = b""
    if kind != KIND_PLAIN:
        extra = b"".join(label.to_bytes(3, "big") for label in labels)
        if kind == KIND_VPN:
            if len(rd) != 8:
                raise CodecError(3, 10, b"", "route distinguisher is not 8 octets")
            extra += rd
    length = bits + len(extra) * 8
    if length > 255:
        raise CodecError(3, 10, b"", f"NLRI length {length} does not fit one octet")
    return head + bytes((length,)) + extra + addr[: (bits + 7) >> 3]


def encode_nlri(items, afi: int, addpath: bool, kind: int = KIND_PLAIN) -> bytes:
    """Encode every NLRI tuple of `items` (the inverse of `decode_nlri`)."""
    return pack_nlri(items, 0, 1 << 62, afi, addpath, kind)[0]


def pack_nlri(items, start: int, limit: int, afi: int, addpath: bool, kind: int = KIND_PLAIN):
    """Encode `items[start:]` until the next one would pass `limit` octets.

    Returns ``(octets, next_index)``; `next_index == len(items)` when all fit.
    At least one NLRI is taken when it fits the limit on its own.  `afi` is
    accepted for symmetry with `decode_nlri` and checked against `addr`.
    A prefix length outside the family, an address shorter than the prefix,
    an RD that is not 8 octets or an NLRI whose length (labels and RD
    included) passes 255 bits raises 3/10.
    """
    width = 4 if afi == 1 else 16
    parts = []
    used = 0
    index = start
    count = len(items)
    while index < count:
        item = items[index]
        if not 0 <= item[1] <= width * 8 or len(item[2]) < (item[1] + 7) >> 3:
            raise CodecError(3, 10, b"", "prefix does not fit its family")
        encoded = _encode_one(item, addpath, kind)
        if used + len(encoded) > limit:
            break
        parts.append(encoded)
        used += len(encoded)
        index += 1
    return b"".join(parts), index
