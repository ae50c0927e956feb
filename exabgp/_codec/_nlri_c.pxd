# cython: language_level=3
"""What the compiled NLRI twin shares with the other compiled twins (`_json_c` renders labeled and VPN NLRI with it).

`frame_labels` is the label framing of `_nlri_py.py` (its docstring, "Label framing"), the one C form of it,
inline (written here) because it is the inner loop of `decode_nlri`, which reads labeled and VPN NLRI with it;
`put_labeled` reads them with it too.  `put_labeled` writes the JSON fast
path's text of labeled and VPN NLRI (the compiled form of `_json_py._labeled`; `put_rd` the compiled
`texts.rd_text`) into an `_octets.Output`; `_json_c` calls it for those families.  It lives here, in another C
file than `_json_c`'s, because gcc inlines per file: in `_json_c`'s file its writers took the inlining budget
of the full table's (`put_attribute` inlined whole, `put_uint` no longer inlined in it: +3 % instructions in
`_json_c` on a unicast full table, callgrind), here they leave that file's decisions as they were.
"""

from exabgp._codec._octets cimport Output, put, put_ipv4, put_ipv6, put_uint

cdef enum:
    # one length octet holds at most 255 bits, so at most 10 labels of 24 bits
    MAX_LABELS = 11
    # what `frame_labels` returns for a label field, or a route distinguisher, cut short
    LABELS_TRUNCATED = -1
    RD_TRUNCATED = -2
    # RFC 3107's next-hop convention and RFC 8277's withdrawal compatibility value (see `_nlri_py`)
    NEXTHOP_FIELD = 0x000000
    WITHDRAW_FIELD = 0x800000


cdef inline Py_ssize_t frame_labels(const unsigned char *p, Py_ssize_t offset, Py_ssize_t size, int *bits,
                                    int max_bits, bint vpn, bint withdraw, unsigned int *stack, int *count) noexcept:
    """Read the label fields of the labeled or (`vpn`) VPN NLRI whose fields start at p[offset] (the section ends at
    `size`), then its route distinguisher, which lies in the 8 octets before the offset returned.  `bits` is the
    NLRI's length octet, lowered by what was read; the labels go to `stack` (`MAX_LABELS` room), `count` of them.
    Returns the offset of the prefix, `LABELS_TRUNCATED` or `RD_TRUNCATED`."""
    cdef int rd_bits = 64 if vpn else 0
    cdef unsigned int raw
    if bits[0] < 24 or offset + 3 > size:
        return LABELS_TRUNCATED
    raw = (p[offset] << 16) | (p[offset + 1] << 8) | p[offset + 2]
    offset += 3
    bits[0] -= 24
    stack[0] = raw
    count[0] = 1
    if not (bits[0] - rd_bits <= max_bits or raw & 1 or raw == NEXTHOP_FIELD
            or (withdraw and raw == WITHDRAW_FIELD)):
        while not raw & 1:
            if bits[0] < 24 or offset + 3 > size:
                return LABELS_TRUNCATED
            raw = (p[offset] << 16) | (p[offset + 1] << 8) | p[offset + 2]
            offset += 3
            bits[0] -= 24
            stack[count[0]] = raw
            count[0] += 1
    if vpn:
        if bits[0] < 64 or offset + 8 > size:
            return RD_TRUNCATED
        offset += 8
        bits[0] -= 64
    return offset


cdef int put_labeled(Output *out, const unsigned char *data, Py_ssize_t start, Py_ssize_t end, bint ipv6,
                     bint addpath, bint vpn, bint withdraw) except -2


cdef inline int put_nlri_opening(Output *out, const unsigned char *prefix, int octets, bint ipv6, int bits,
                                 const unsigned char *path, bint first) except -1:
    """The opening of one prefix NLRI object of the JSON fast path's text (`exabgp.bgp.nlri.Prefix.json`), after
    ", " unless `first`: ``{ "nlri": "ADDRESS/BITS`` and with `path` its ``", "path-information": "P``, the
    address the `octets` octets at `prefix` padded with zeros; the caller closes the string and writes the rest.
    The plain families' writer (`_json_c.put_prefixes`) and `put_labeled` share it."""
    cdef unsigned char address[16]
    cdef int i
    for i in range(16 if ipv6 else 4):
        address[i] = prefix[i] if i < octets else 0
    if not first:
        put(out, ", ", 2)
    put(out, '{ "nlri": "', 11)
    if ipv6:
        put_ipv6(out, address)
    else:
        put_ipv4(out, address)
    put(out, "/", 1)
    put_uint(out, bits)
    if path != NULL:
        put(out, '", "path-information": "', 24)
        put_ipv4(out, path)
    return 0
