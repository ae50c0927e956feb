# cython: language_level=3
"""Helpers shared by the compiled twins, compiled into each of them by `cimport`.

`octet` converts a Python value to one octet with the errors the pure twins
get from ``bytes((value,))``; `Output` is a growable C buffer that encoders
fill and turn into one bytes object at the end (the caller frees `data`);
`attribute_value` reads a path attribute's header (`exabgp._codec.headers`).
"""

from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdlib cimport realloc

from exabgp._codec._tables cimport EXTENDED_LENGTH


cdef inline int octet(object value) except -1:
    if not 0 <= value <= 255:
        raise ValueError("bytes must be in range(0, 256)")
    return <int>value


cdef struct Output:
    unsigned char* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef inline unsigned char* reserve(Output* out, Py_ssize_t extra) except NULL:
    """Room for `extra` more octets at ``out.data + out.size``."""
    cdef Py_ssize_t capacity
    cdef unsigned char* grown
    if out.size + extra > out.capacity:
        capacity = out.capacity * 2
        if capacity < out.size + extra:
            capacity = out.size + extra
        if capacity < 256:
            capacity = 256
        grown = <unsigned char*>realloc(out.data, capacity)
        if grown == NULL:
            raise MemoryError()
        out.data = grown
        out.capacity = capacity
    return out.data + out.size


cdef inline bytes output_bytes(Output* out):
    if out.size == 0:
        return b""
    return PyBytes_FromStringAndSize(<const char*>out.data, out.size)


cdef inline Py_ssize_t attribute_value(
    const unsigned char* data, Py_ssize_t offset, Py_ssize_t end, Py_ssize_t* stop
) noexcept nogil:
    """Where the value of the attribute whose header is at ``data[offset]`` starts, -1 when the header does not fit.

    The C form of `exabgp._codec.headers.attribute_value` (read it there): the
    value ends at ``stop[0]``, which may lie past `end`.
    """
    if end - offset < 3:
        return -1
    if data[offset] & EXTENDED_LENGTH:
        if end - offset < 4:
            return -1
        stop[0] = offset + 4 + ((data[offset + 2] << 8) | data[offset + 3])
        return offset + 4
    stop[0] = offset + 3 + data[offset + 2]
    return offset + 3
