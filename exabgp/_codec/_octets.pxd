# cython: language_level=3
"""Helpers shared by the compiled twins, compiled into each of them by `cimport`.

`octet` converts a Python value to one octet with the errors the pure twins
get from ``bytes((value,))``; `Output` is a growable C buffer that encoders
fill and turn into one bytes object (or text) at the end (the caller frees
`data`): `reserve` makes room, `put`, `putc` and `puts` append octets, and
the text writers `put_uint` (decimal) and `put_ipv4`/`put_ipv6` (as
`socket.inet_ntop` writes them) append ASCII; `read_uint` reads a big-endian
unsigned integer; `attribute_value` reads a path attribute's header
(`exabgp._codec.headers`).
"""

from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdlib cimport realloc
from libc.string cimport memcpy, strlen

from exabgp._codec._tables cimport EXTENDED_LENGTH, IPV4_SIZE

cdef extern from "arpa/inet.h" nogil:
    const char *inet_ntop(int af, const void *src, char *dst, unsigned int size)

cdef extern from "sys/socket.h" nogil:
    int AF_INET6


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


cdef inline int put(Output* out, const char* text, Py_ssize_t length) except -1:
    """Append `length` octets from `text` (the test before `reserve` keeps the common path short)."""
    if out.size + length > out.capacity:
        reserve(out, length)
    memcpy(out.data + out.size, text, length)
    out.size += length
    return 0


cdef inline int putc(Output* out, char c) except -1:
    if out.size + 1 > out.capacity:
        reserve(out, 1)
    out.data[out.size] = <unsigned char>c
    out.size += 1
    return 0


cdef inline int puts(Output* out, const char* text) except -1:
    """Append a NUL-terminated C string (without its NUL)."""
    return put(out, text, strlen(text))


cdef inline int put_uint(Output* out, unsigned long long value) except -1:
    """Append `value` in decimal, as ``str(value)``."""
    cdef char digits[24]
    cdef int position = 24
    if value == 0:
        return putc(out, b'0')
    while value:
        position -= 1
        digits[position] = <char>(48 + value % 10)
        value //= 10
    return put(out, digits + position, 24 - position)


cdef inline int put_ipv4(Output* out, const unsigned char* address) except -1:
    """Append an IPv4 address, dotted."""
    cdef int i
    for i in range(IPV4_SIZE):
        if i:
            putc(out, b'.')
        put_uint(out, address[i])
    return 0


cdef inline int put_ipv6(Output* out, const unsigned char* address) except -1:
    """Append an IPv6 address as the C library's inet_ntop writes it (so RFC 5952's form, as Python's)."""
    cdef char text[64]
    if inet_ntop(AF_INET6, address, text, 64) == NULL:
        raise ValueError("inet_ntop failed")
    return puts(out, text)


cdef inline unsigned long long read_uint(const unsigned char* data, int width) noexcept nogil:
    """The big-endian unsigned integer of the `width` octets at `data` (at most 8)."""
    cdef unsigned long long value = 0
    cdef int i
    for i in range(width):
        value = (value << 8) | data[i]
    return value


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
