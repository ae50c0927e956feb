# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Message framing and the UPDATE section split (compiled twin).

Same functions, results and errors as `_wire_py.py`, which is the
specification (RFC 4271 sections 4.1 and 4.3, RFC 8654, RFC 7606 section 3)
and carries the comments; the numbers are `tables`' (cimported from the
generated `_tables.pxd`).  The input is any contiguous bytes-like object,
read through the buffer protocol as a C pointer; the loops touch octets as
C integers and only the results become Python objects.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.string cimport memcmp, memcpy, memset

from exabgp._codec._octets cimport attribute_value, octet
from exabgp._codec._tables cimport (
    EXTENDED_MAX_SIZE, HEADER_SIZE, LENGTH_AT, MARKER_OCTET, MARKER_SIZE, MAX_SIZE, MP_REACH_NLRI,
    MP_UNREACH_NLRI, TYPE_AT, UPDATE_MINIMUM,
)
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import MARKER

__all__ = (
    "MARKER",
    "frame_message",
    "split_messages",
    "split_update",
    "walk_attributes",
)

cdef unsigned char _marker[MARKER_SIZE]
memset(_marker, MARKER_OCTET, MARKER_SIZE)


def frame_message(msg_type, body):
    """Prefix `body` with the marker, the total length and the type."""
    cdef Py_buffer buf
    cdef Py_ssize_t length
    cdef unsigned char* out
    cdef int code
    PyObject_GetBuffer(body, &buf, PyBUF_SIMPLE)
    try:
        length = HEADER_SIZE + buf.len
        if length > EXTENDED_MAX_SIZE:
            raise CodecError(1, 2, (<object>length).to_bytes(4, "big"), "message too large")
        code = octet(msg_type)
        message = PyBytes_FromStringAndSize(NULL, length)
        out = <unsigned char*>PyBytes_AS_STRING(message)
        memset(out, MARKER_OCTET, MARKER_SIZE)
        out[LENGTH_AT] = <unsigned char>(length >> 8)
        out[LENGTH_AT + 1] = <unsigned char>(length & 0xFF)
        out[TYPE_AT] = <unsigned char>code
        memcpy(out + HEADER_SIZE, buf.buf, buf.len)
    finally:
        PyBuffer_Release(&buf)
    return message


def split_messages(data, Py_ssize_t max_size=MAX_SIZE):
    """Cut complete messages off the front of `data`: ``([(type, body), ...], consumed)``."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t size, length
    cdef Py_ssize_t offset = 0
    cdef list messages = []
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        p = <const unsigned char*>buf.buf
        size = buf.len
        while size - offset >= HEADER_SIZE:
            if memcmp(p + offset, _marker, MARKER_SIZE) != 0:
                raise CodecError(1, 1, b"", "invalid marker")
            length = (p[offset + LENGTH_AT] << 8) | p[offset + LENGTH_AT + 1]
            if length < HEADER_SIZE or length > max_size:
                raise CodecError(
                    1, 2, PyBytes_FromStringAndSize(<const char*>p + offset + LENGTH_AT, 2),
                    f"invalid message length {length}",
                )
            if size - offset < length:
                break
            messages.append((p[offset + TYPE_AT], PyBytes_FromStringAndSize(
                <const char*>p + offset + HEADER_SIZE, length - HEADER_SIZE)))
            offset += length
    finally:
        PyBuffer_Release(&buf)
    return messages, offset


def split_update(body):
    """Return ``(withdrawn, attributes, nlri)`` of an UPDATE body, as bytes."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t size, withdrawn_end, attributes_end
    PyObject_GetBuffer(body, &buf, PyBUF_SIMPLE)
    try:
        p = <const unsigned char*>buf.buf
        size = buf.len
        if size < UPDATE_MINIMUM:
            raise CodecError(3, 1, b"", "update shorter than 4 octets")
        withdrawn_end = 2 + ((p[0] << 8) | p[1])
        if withdrawn_end + 2 > size:
            raise CodecError(3, 1, b"", "withdrawn routes length overruns the message")
        attributes_end = withdrawn_end + 2 + ((p[withdrawn_end] << 8) | p[withdrawn_end + 1])
        if attributes_end > size:
            raise CodecError(3, 1, b"", "path attribute length overruns the message")
        return (
            PyBytes_FromStringAndSize(<const char*>p + 2, withdrawn_end - 2),
            PyBytes_FromStringAndSize(<const char*>p + withdrawn_end + 2, attributes_end - withdrawn_end - 2),
            PyBytes_FromStringAndSize(<const char*>p + attributes_end, size - attributes_end),
        )
    finally:
        PyBuffer_Release(&buf)


def walk_attributes(data):
    """List the path attributes of `data` as ``(code, flags, value)`` in wire order."""
    cdef Py_buffer buf
    cdef const unsigned char* p
    cdef Py_ssize_t size, start, end, length
    cdef Py_ssize_t offset = 0
    cdef unsigned char flags, code
    cdef unsigned char seen[256]
    cdef list attributes = []
    memset(seen, 0, sizeof(seen))
    PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE)
    try:
        p = <const unsigned char*>buf.buf
        size = buf.len
        while offset < size:
            start = attribute_value(p, offset, size, &end)
            if start < 0:
                raise CodecError(3, 1, b"", "truncated attribute header")
            flags = p[offset]
            code = p[offset + 1]
            length = end - start
            if end > size:
                raise CodecError(3, 1, b"", f"attribute {code} overruns the attribute section")
            if seen[code]:
                if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
                    raise CodecError(3, 1, b"", f"attribute {code} repeated")
            else:
                seen[code] = 1
                attributes.append((code, flags, PyBytes_FromStringAndSize(<const char*>p + start, length)))
            offset = end
    finally:
        PyBuffer_Release(&buf)
    return attributes
