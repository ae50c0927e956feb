# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Path attribute value codecs (compiled twin).

Same functions, results and errors as `_attrs_py.py`, which is the
specification (RFC 4271 section 4.3, RFC 6793, RFC 5065, RFC 1997, RFC 8092,
RFC 4360, RFC 7606 section 7) and carries the comments.  Decoders read the
value through a C pointer and fill pre-sized tuples; encoders write into one
C buffer.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from libc.stdint cimport uint32_t, uint64_t
from libc.stdlib cimport free
from libc.string cimport memcpy

from exabgp._codec._octets cimport Output, octet, output_bytes, reserve
from exabgp._codec._tables cimport AS_CONFED_SET, AS_SET, EXTENDED_LENGTH
from exabgp._codec.errors import CodecError

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


cdef inline uint32_t _get32(const unsigned char* p) noexcept nogil:
    return (<uint32_t>p[0] << 24) | (<uint32_t>p[1] << 16) | (<uint32_t>p[2] << 8) | <uint32_t>p[3]


cdef inline void _put32(unsigned char* p, uint32_t value) noexcept nogil:
    p[0] = value >> 24
    p[1] = (value >> 16) & 0xFF
    p[2] = (value >> 8) & 0xFF
    p[3] = value & 0xFF


cdef inline void _set_item(tuple container, Py_ssize_t index, object value):
    Py_INCREF(value)
    PyTuple_SET_ITEM(container, index, value)


def encode_attribute(code, flags, value):
    """Return the whole attribute TLV for `value`."""
    cdef Py_buffer buf
    cdef Py_ssize_t length
    cdef int flag_octet, code_octet, head
    cdef unsigned char* out
    PyObject_GetBuffer(value, &buf, PyBUF_SIMPLE)
    try:
        length = buf.len
        if length > 65535:
            raise CodecError(3, 5, b"", f"attribute {code} longer than 65535 octets")
        if length > 255:
            flags |= EXTENDED_LENGTH
        flag_octet = octet(flags)
        code_octet = octet(code)
        head = 4 if flag_octet & EXTENDED_LENGTH else 3
        result = PyBytes_FromStringAndSize(NULL, head + length)
        out = <unsigned char*>PyBytes_AS_STRING(result)
        out[0] = flag_octet
        out[1] = code_octet
        if head == 4:
            out[2] = length >> 8
            out[3] = length & 0xFF
        else:
            out[2] = length
        memcpy(out + head, buf.buf, length)
    finally:
        PyBuffer_Release(&buf)
    return result


def decode_as_path(data, asn4):
    """Return the segments of an AS_PATH value as ``[(type, (asn, ...)), ...]``."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t size, start, end, position, i
    cdef Py_ssize_t offset = 0
    cdef int width = 4 if asn4 else 2
    cdef int seg_type, count
    cdef tuple asns
    cdef list segments = []
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        p = <const unsigned char*>buf.buf
        size = buf.len
        while offset < size:
            if offset + 2 > size:
                raise CodecError(3, 11, b"", "truncated AS_PATH segment header")
            seg_type = p[offset]
            count = p[offset + 1]
            if seg_type < 1 or seg_type > 4:
                raise CodecError(3, 11, b"", f"unknown AS_PATH segment type {seg_type}")
            if count == 0:
                raise CodecError(3, 11, b"", "empty AS_PATH segment")
            start = offset + 2
            end = start + count * width
            if end > size:
                raise CodecError(3, 11, b"", "truncated AS_PATH segment")
            asns = PyTuple_New(count)
            position = start
            for i in range(count):
                if width == 4:
                    _set_item(asns, i, _get32(p + position))
                else:
                    _set_item(asns, i, (p[position] << 8) | p[position + 1])
                position += width
            segments.append((seg_type, asns))
            offset = end
    finally:
        PyBuffer_Release(&buf)
    return segments


def encode_as_path(segments, asn4):
    """Encode ``[(type, asns), ...]``; a segment over 255 ASNs becomes several."""
    cdef Output out
    cdef Py_ssize_t total, first, chunk, i
    cdef int width = 4 if asn4 else 2
    cdef int type_octet
    cdef uint32_t value
    cdef unsigned char* w
    limit = 0xFFFFFFFF if asn4 else 0xFFFF
    out.data = NULL
    out.size = out.capacity = 0
    try:
        for seg_type, asns in segments:
            if seg_type not in _SEGMENT_TYPES:
                raise CodecError(3, 11, b"", f"unknown AS_PATH segment type {seg_type}")
            type_octet = octet(seg_type)
            total = len(asns)
            for first in range(0, total, 255):
                chunk = min(255, total - first)
                w = reserve(&out, 2 + chunk * width)
                w[0] = type_octet
                w[1] = chunk
                w += 2
                for i in range(first, first + chunk):
                    asn = asns[i]
                    if not 0 <= asn <= limit:
                        raise CodecError(3, 11, b"", f"ASN {asn} does not fit {width} octets")
                    value = asn
                    if width == 4:
                        _put32(w, value)
                    else:
                        w[0] = value >> 8
                        w[1] = value & 0xFF
                    w += width
                out.size += 2 + chunk * width
        return output_bytes(&out)
    finally:
        free(out.data)


cdef int _fixed_size(Py_buffer* buf, int width, str what) except -1:
    if buf.len % width:
        raise CodecError(3, 5, b"", f"{what} length {buf.len} is not a multiple of {width}")
    return 0


def decode_communities(data):
    """COMMUNITIES value to a tuple of 32-bit ints."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t i, count
    cdef tuple result
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        _fixed_size(&buf, 4, "COMMUNITIES")
        p = <const unsigned char*>buf.buf
        count = buf.len // 4
        result = PyTuple_New(count)
        for i in range(count):
            _set_item(result, i, _get32(p + 4 * i))
    finally:
        PyBuffer_Release(&buf)
    return result


def encode_communities(values):
    cdef tuple items = tuple(values)
    cdef Py_ssize_t i, count = len(items)
    cdef uint32_t value
    result = PyBytes_FromStringAndSize(NULL, 4 * count)
    cdef unsigned char* out = <unsigned char*>PyBytes_AS_STRING(result)
    for i in range(count):
        value = items[i]
        _put32(out + 4 * i, value)
    return result


def decode_large_communities(data):
    """LARGE_COMMUNITY value to a tuple of ``(global, local1, local2)``."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t i, count
    cdef tuple result
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        _fixed_size(&buf, 12, "LARGE_COMMUNITY")
        p = <const unsigned char*>buf.buf
        count = buf.len // 12
        result = PyTuple_New(count)
        for i in range(count):
            _set_item(result, i, (_get32(p + 12 * i), _get32(p + 12 * i + 4), _get32(p + 12 * i + 8)))
    finally:
        PyBuffer_Release(&buf)
    return result


def encode_large_communities(values):
    cdef tuple items = tuple(values)
    cdef Py_ssize_t i, count = len(items)
    cdef uint32_t a, b, c
    result = PyBytes_FromStringAndSize(NULL, 12 * count)
    cdef unsigned char* out = <unsigned char*>PyBytes_AS_STRING(result)
    for i in range(count):
        a, b, c = items[i]
        _put32(out + 12 * i, a)
        _put32(out + 12 * i + 4, b)
        _put32(out + 12 * i + 8, c)
    return result


def decode_extended_communities(data):
    """EXTENDED COMMUNITIES value to a tuple of 64-bit ints."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t i, count
    cdef tuple result
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        _fixed_size(&buf, 8, "EXTENDED_COMMUNITIES")
        p = <const unsigned char*>buf.buf
        count = buf.len // 8
        result = PyTuple_New(count)
        for i in range(count):
            _set_item(result, i, (<uint64_t>_get32(p + 8 * i) << 32) | _get32(p + 8 * i + 4))
    finally:
        PyBuffer_Release(&buf)
    return result


def encode_extended_communities(values):
    cdef tuple items = tuple(values)
    cdef Py_ssize_t i, count = len(items)
    cdef uint64_t value
    result = PyBytes_FromStringAndSize(NULL, 8 * count)
    cdef unsigned char* out = <unsigned char*>PyBytes_AS_STRING(result)
    for i in range(count):
        value = items[i]
        _put32(out + 8 * i, <uint32_t>(value >> 32))
        _put32(out + 8 * i + 4, <uint32_t>(value & 0xFFFFFFFF))
    return result
