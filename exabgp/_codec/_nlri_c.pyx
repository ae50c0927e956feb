# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Prefix NLRI decode and encode, a whole section per call (compiled twin).

Same functions, results and errors as `_nlri_py.py`, which is the
specification (RFC 4271 section 4.3, RFC 4760, RFC 7911 section 3, RFC 8277,
RFC 4364 section 4.3.4) and carries the comments, label framing included.
Decoding walks the section through a C pointer and builds only the result
tuples, the label framing in `frame_labels`; encoding fills one growable C
buffer and returns it as one bytes object.  `frame_labels` and
`put_labeled` (the JSON fast path's writer of labeled and VPN NLRI) are
cimported by `_json_c` (see `_nlri_c.pxd`).
"""

cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.stdint cimport uint32_t
from libc.stdlib cimport free
from libc.string cimport memcpy, memset

from exabgp._codec._octets cimport Output, output_bytes, put, put_ipv4, put_ipv6, put_uint, putc, read_uint, reserve
from exabgp._codec._tables cimport IPV4_SIZE, IPV6_SIZE, RD_AS2, RD_AS4, RD_IPV4, RD_SIZE
from exabgp._codec.errors import CodecError

__all__ = ("KIND_PLAIN", "KIND_LABELED", "KIND_VPN", "decode_nlri", "encode_nlri", "pack_nlri")

KIND_PLAIN = 0
KIND_LABELED = 1
KIND_VPN = 2

cdef int put_rd(Output *out, const unsigned char *rd) except -2:
    """Write a route distinguisher as `texts.rd_text` prints it."""
    cdef int kind = (rd[0] << 8) | rd[1], i
    cdef const char *digits = "0123456789ABCDEF"
    if kind == RD_AS2:
        put_uint(out, read_uint(rd + 2, 2))
        put(out, ":", 1)
        put_uint(out, read_uint(rd + 4, 4))
    elif kind == RD_IPV4:
        put_ipv4(out, rd + 2)
        put(out, ":", 1)
        put_uint(out, read_uint(rd + 6, 2))
    elif kind == RD_AS4:
        put_uint(out, read_uint(rd + 2, 4))
        put(out, ":", 1)
        put_uint(out, read_uint(rd + 6, 2))
    else:
        put(out, "0x", 2)
        for i in range(RD_SIZE):
            putc(out, digits[rd[i] >> 4])
            putc(out, digits[rd[i] & 0xF])
    return 1


cdef int put_labeled(Output *out, const unsigned char *data, Py_ssize_t start, Py_ssize_t end, bint ipv6,
                     bint addpath, bint vpn, bint withdraw) except -2:
    """Write the labeled or (`vpn`) VPN NLRI objects of data[start:end] separated by ", ", the text of
    `_json_py._labeled` (`exabgp.bgp.nlri.Prefix.json`), the labels framed by `frame_labels` (`withdraw`:
    MP_UNREACH_NLRI's); 1 on success, 0 when malformed (see `_nlri_c.pxd` for why it is here)."""
    cdef Py_ssize_t offset = start
    cdef int width = IPV6_SIZE if ipv6 else IPV4_SIZE
    cdef int bits, octets, count, i
    cdef unsigned int stack[MAX_LABELS]
    cdef const unsigned char *path
    cdef bint first = True
    while offset < end:
        path = NULL
        if addpath:
            if offset + 4 > end:
                return 0
            path = data + offset
            offset += 4
        if offset >= end:
            return 0
        bits = data[offset]
        offset = frame_labels(data, offset + 1, end, &bits, width * 8, vpn, withdraw, stack, &count)
        if offset < 0:
            return 0
        octets = (bits + 7) >> 3
        if bits > width * 8 or offset + octets > end:
            return 0
        put_nlri_opening(out, data + offset, octets, ipv6, bits, path, first)
        first = False
        put(out, '", "label": [ ', 14)
        for i in range(count):
            if i:
                put(out, ", ", 2)
            put(out, "[", 1)
            put_uint(out, stack[i] >> 4)
            put(out, "]", 1)
        put(out, " ]", 2)
        if vpn:
            put(out, ', "rd": "', 9)
            put_rd(out, data + offset - RD_SIZE)
            put(out, '"', 1)
        put(out, " }", 2)
        offset += octets
    return 1


def decode_nlri(data, afi, addpath, kind=KIND_PLAIN, withdraw=False):
    """Decode every NLRI of `data`; `afi` is 1 (IPv4) or 2 (IPv6), `withdraw` for MP_UNREACH_NLRI."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef char* q
    cdef Py_ssize_t size, end, octets
    cdef Py_ssize_t offset = 0
    cdef int width = 4 if afi == 1 else 16
    cdef int max_bits = width * 8
    cdef bint with_path_id = addpath
    cdef bint labeled = kind != KIND_PLAIN
    cdef bint vpn = kind == KIND_VPN
    cdef bint unreach = withdraw
    cdef int bits, count, i
    cdef unsigned int stack[MAX_LABELS]
    cdef list result = []
    path_id = labels = rd = None
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        p = <const unsigned char*>buf.buf
        size = buf.len
        while offset < size:
            if with_path_id:
                if offset + 4 > size:
                    raise CodecError(3, 10, b"", "truncated path identifier")
                path_id = ((<uint32_t>p[offset] << 24) | (<uint32_t>p[offset + 1] << 16)
                           | (<uint32_t>p[offset + 2] << 8) | <uint32_t>p[offset + 3])
                offset += 4
            if offset >= size:
                raise CodecError(3, 10, b"", "missing prefix length")
            bits = p[offset]
            offset += 1
            if labeled:
                offset = frame_labels(p, offset, size, &bits, max_bits, vpn, unreach, stack, &count)
                if offset == LABELS_TRUNCATED:
                    raise CodecError(3, 10, b"", "truncated label stack")
                if offset == RD_TRUNCATED:
                    raise CodecError(3, 10, b"", "truncated route distinguisher")
                labels = (stack[0],) if count == 1 else tuple([stack[i] for i in range(count)])
                if vpn:
                    rd = PyBytes_FromStringAndSize(<const char*>p + offset - 8, 8)
            if bits > max_bits:
                raise CodecError(3, 10, b"", f"prefix length {bits} too long")
            octets = (bits + 7) >> 3
            end = offset + octets
            if end > size:
                raise CodecError(3, 10, b"", "truncated prefix")
            addr = PyBytes_FromStringAndSize(NULL, width)
            q = PyBytes_AS_STRING(addr)
            memcpy(q, p + offset, octets)
            memset(q + octets, 0, width - octets)
            result.append((path_id, bits, addr, labels, rd))
            offset = end
    finally:
        PyBuffer_Release(&buf)
    return result


def encode_nlri(items, afi, addpath, kind=KIND_PLAIN):
    """Encode every NLRI tuple of `items` (the inverse of `decode_nlri`)."""
    return pack_nlri(items, 0, 1 << 62, afi, addpath, kind)[0]


@cython.boundscheck(True)
@cython.wraparound(True)
def pack_nlri(items, Py_ssize_t start, Py_ssize_t limit, afi, addpath, kind=KIND_PLAIN):
    """Encode `items[start:]` until the next one would pass `limit` octets: ``(octets, next_index)``."""
    cdef Output out
    cdef Py_buffer addr_buf
    cdef unsigned char one[4 + 1 + 3 * MAX_LABELS + 8 + 16]
    cdef unsigned char* w
    cdef unsigned int stack[MAX_LABELS]
    cdef Py_ssize_t index = start
    cdef Py_ssize_t count = len(items)
    cdef Py_ssize_t octets, encoded, addr_size
    cdef int width = 4 if afi == 1 else 16
    cdef bint with_path_id = addpath
    cdef bint labeled = kind != KIND_PLAIN
    cdef bint vpn = kind == KIND_VPN
    cdef int bits, length, nlabels, i
    cdef uint32_t path_value
    cdef long long label
    cdef const unsigned char* rd_octets
    max_bits = width * 8
    out.data = NULL
    out.size = out.capacity = 0
    try:
        while index < count:
            item = items[index]
            if not 0 <= item[1] <= max_bits or len(item[2]) < (item[1] + 7) >> 3:
                raise CodecError(3, 10, b"", "prefix does not fit its family")
            path_id, obits, addr, labels, rd = item
            bits = obits
            path_value = path_id if with_path_id and path_id else 0
            nlabels = 0
            rd_octets = NULL
            if labeled:
                for olabel in labels:
                    label = olabel
                    if label < 0 or label > 0xFFFFFF:
                        raise OverflowError("int too big to convert")
                    if nlabels < MAX_LABELS:
                        stack[nlabels] = <unsigned int>label
                    nlabels += 1
                if vpn:
                    if len(rd) != 8:
                        raise CodecError(3, 10, b"", "route distinguisher is not 8 octets")
                    rd = bytes(rd)
                    rd_octets = <const unsigned char*>PyBytes_AS_STRING(rd)
            length = bits + nlabels * 24 + (64 if rd_octets != NULL else 0)
            if length > 255:
                raise CodecError(3, 10, b"", f"NLRI length {length} does not fit one octet")
            w = one
            if with_path_id:
                w[0] = path_value >> 24
                w[1] = (path_value >> 16) & 0xFF
                w[2] = (path_value >> 8) & 0xFF
                w[3] = path_value & 0xFF
                w += 4
            w[0] = length
            w += 1
            for i in range(nlabels):
                w[0] = stack[i] >> 16
                w[1] = (stack[i] >> 8) & 0xFF
                w[2] = stack[i] & 0xFF
                w += 3
            if rd_octets != NULL:
                memcpy(w, rd_octets, 8)
                w += 8
            octets = (bits + 7) >> 3
            PyObject_GetBuffer(addr, &addr_buf, PyBUF_SIMPLE)
            memcpy(w, addr_buf.buf, octets)
            PyBuffer_Release(&addr_buf)
            w += octets
            encoded = w - one
            if out.size + encoded > limit:
                break
            memcpy(reserve(&out, encoded), one, encoded)
            out.size += encoded
            index += 1
        return output_bytes(&out), index
    finally:
        free(out.data)
