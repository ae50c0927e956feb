"""Prefix NLRI decode and encode, a whole section per call (pure twin, the specification).

One NLRI is ``[path-id] length prefix`` where `length` counts bits:

* plain (RFC 4271 section 4.3, RFC 4760): ``length`` octet, then
  ``ceil(length / 8)`` prefix octets;
* ADD-PATH (RFC 7911 section 3): a 4-octet path identifier in front;
* labeled (RFC 8277, `KIND_LABELED`): a stack of 3-octet labels inside the
  length, up to the one with the bottom-of-stack bit, or the single
  withdrawal label 0x800000 (RFC 8277 section 2.4) / 0x000000 (RFC 3107);
* VPN (RFC 4364 section 4.3.4, `KIND_VPN`): labels as above then an
  8-octet route distinguisher, also inside the length.

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

_WITHDRAW_LABELS = (0x800000, 0x000000)


def decode_nlri(data, afi: int, addpath: bool, kind: int = KIND_PLAIN):
    """Decode every NLRI of `data`; `afi` is 1 (IPv4) or 2 (IPv6)."""
    data = bytes(data)
    width = 4 if afi == 1 else 16
    max_bits = width * 8
    size = len(data)
    offset = 0
    result = []
    append = result.append
    pad = bytes(width)
    while offset < size:
        path_id = None
        if addpath:
            if offset + 4 > size:
                raise CodecError(3, 10, b"", "truncated path identifier")
            path_id = int.from_bytes(data[offset:offset + 4], "big")
            offset += 4
        if offset >= size:
            raise CodecError(3, 10, b"", "missing prefix length")
        bits = data[offset]
        offset += 1
        labels = rd = None
        if kind != KIND_PLAIN:
            stack = []
            while True:
                if bits < 24 or offset + 3 > size:
                    raise CodecError(3, 10, b"", "truncated label stack")
                raw = (data[offset] << 16) | (data[offset + 1] << 8) | data[offset + 2]
                offset += 3
                bits -= 24
                stack.append(raw)
                if raw & 1 or raw in _WITHDRAW_LABELS:
                    break
            labels = tuple(stack)
            if kind == KIND_VPN:
                if bits < 64 or offset + 8 > size:
                    raise CodecError(3, 10, b"", "truncated route distinguisher")
                rd = data[offset:offset + 8]
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
    return head + bytes((length,)) + extra + addr[:(bits + 7) >> 3]


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
