# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Prefix NLRI decode and encode, a whole section per call (compiled twin).

Same functions, results and errors as `_nlri_py.py`, which is the
specification (RFC 4271 section 4.3, RFC 4760, RFC 7911 section 3, RFC 8277,
RFC 4364 section 4.3.4) and carries the comments, label framing included.
Decoding walks the section through a C pointer and builds only the result
tuples; encoding fills one growable C buffer and returns it as one bytes
object.
"""

cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.stdint cimport uint32_t
from libc.stdlib cimport free
from libc.string cimport memcpy, memset

from exabgp._codec._octets cimport Output, output_bytes, reserve
from exabgp._codec.errors import CodecError

__all__ = ("KIND_PLAIN", "KIND_LABELED", "KIND_VPN", "decode_nlri", "encode_nlri", "pack_nlri")

KIND_PLAIN = 0
KIND_LABELED = 1
KIND_VPN = 2

cdef enum:
    # one length octet holds at most 255 bits, so at most 10 labels of 24 bits
    _MAX_LABELS = 11
    _NEXTHOP_FIELD = 0x000000
    _WITHDRAW_FIELD = 0x800000


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
    cdef int rd_bits = 64 if vpn else 0
    cdef int bits, count, i
    cdef unsigned int raw
    cdef unsigned int stack[_MAX_LABELS]
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
                if bits < 24 or offset + 3 > size:
                    raise CodecError(3, 10, b"", "truncated label stack")
                raw = (p[offset] << 16) | (p[offset + 1] << 8) | p[offset + 2]
                offset += 3
                bits -= 24
                if (bits - rd_bits <= max_bits or raw & 1 or raw == _NEXTHOP_FIELD
                        or (unreach and raw == _WITHDRAW_FIELD)):
                    labels = (raw,)
                else:
                    stack[0] = raw
                    count = 1
                    while not raw & 1:
                        if bits < 24 or offset + 3 > size:
                            raise CodecError(3, 10, b"", "truncated label stack")
                        raw = (p[offset] << 16) | (p[offset + 1] << 8) | p[offset + 2]
                        offset += 3
                        bits -= 24
                        stack[count] = raw
                        count += 1
                    labels = tuple([stack[i] for i in range(count)])
                if vpn:
                    if bits < 64 or offset + 8 > size:
                        raise CodecError(3, 10, b"", "truncated route distinguisher")
                    rd = PyBytes_FromStringAndSize(<const char*>p + offset, 8)
                    offset += 8
                    bits -= 64
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
    cdef unsigned char one[4 + 1 + 3 * _MAX_LABELS + 8 + 16]
    cdef unsigned char* w
    cdef unsigned int stack[_MAX_LABELS]
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
                    if nlabels < _MAX_LABELS:
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
