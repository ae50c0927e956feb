# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_check_py.py`: vouching for UPDATEs without decoding them.

Same contract, same answers as the pure twin (which carries the rules and
the RFC references; the numbers are `tables`', cimported from the generated
`_tables.pxd`): the octets are read in place through the buffer
protocol, nothing is allocated, nothing raises.
"""

from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE

from exabgp._codec._tables cimport (
    AFI_IPV4, AFI_IPV6, EXTENDED_LENGTH, FAMILY_SIZE, FLAGS_CHECKED_OPTIONAL, HEADER_SIZE, IPV4_SIZE, IPV6_SIZE,
    LENGTH_AT, MARKER_OCTET, MARKER_SIZE, MP_REACH_MINIMUM, MP_REACH_NLRI, MP_UNREACH_MINIMUM, MP_UNREACH_NLRI,
    OPTIONAL, SAFI_UNICAST, TYPE_AT, UPDATE, UPDATE_MINIMUM,
)
from exabgp._codec.tables import KNOWN

__all__ = ("check_update", "scan_updates")

# `tables.KNOWN`, one bit per code (all of them below 64)
cdef unsigned long long KNOWN_CODES = 0
for _code in KNOWN:
    KNOWN_CODES |= 1ULL << _code
cdef enum:
    KNOWN_LIMIT = 8 * sizeof(unsigned long long)
assert max(KNOWN) < KNOWN_LIMIT


cdef inline bint prefixes(const unsigned char *data, Py_ssize_t offset, Py_ssize_t end, int max_bits,
                          bint addpath) noexcept nogil:
    cdef int bits
    while offset < end:
        if addpath:
            offset += 4
            if offset >= end:
                return False
        bits = data[offset]
        if bits > max_bits:
            return False
        offset += 1 + ((bits + 7) >> 3)
    return offset == end


cdef inline bint multiprotocol(const unsigned char *data, Py_ssize_t start, Py_ssize_t end, bint reach,
                               bint addpath4, bint addpath6, bint ipv4, bint ipv6) noexcept nogil:
    cdef int afi
    cdef int nexthop
    if end - start < (MP_REACH_MINIMUM if reach else MP_UNREACH_MINIMUM):
        return False
    afi = (data[start] << 8) | data[start + 1]
    if data[start + 2] != SAFI_UNICAST or not ((afi == AFI_IPV4 and ipv4) or (afi == AFI_IPV6 and ipv6)):
        return False
    if reach:
        nexthop = data[start + 3]
        if afi == AFI_IPV4:
            if nexthop != IPV4_SIZE:
                return False
        elif nexthop != IPV6_SIZE and nexthop != 2 * IPV6_SIZE:
            return False
        start += 4 + nexthop + 1
        if start >= end:
            return False
    else:
        start += 3
    if afi == AFI_IPV4:
        return prefixes(data, start, end, 8 * IPV4_SIZE, addpath4)
    return prefixes(data, start, end, 8 * IPV6_SIZE, addpath6)


cdef bint check(const unsigned char *data, Py_ssize_t size, bint addpath4, bint addpath6, bint ipv4,
                bint ipv6) noexcept nogil:
    cdef Py_ssize_t withdrawn_end, attributes_end, offset, start, end
    cdef int flags, code
    cdef bint routes, reach, seen_reach = False, seen_unreach = False
    if size < UPDATE_MINIMUM:
        return False
    withdrawn_end = 2 + ((data[0] << 8) | data[1])
    if withdrawn_end + 2 > size:
        return False
    attributes_end = withdrawn_end + 2 + ((data[withdrawn_end] << 8) | data[withdrawn_end + 1])
    if attributes_end > size:
        return False
    if not prefixes(data, 2, withdrawn_end, 8 * IPV4_SIZE, addpath4):
        return False
    if not prefixes(data, attributes_end, size, 8 * IPV4_SIZE, addpath4):
        return False
    routes = withdrawn_end > 2 or attributes_end < size
    offset = withdrawn_end + 2
    while offset < attributes_end:
        if attributes_end - offset < 3:
            return False
        flags = data[offset]
        code = data[offset + 1]
        if flags & EXTENDED_LENGTH:
            if attributes_end - offset < 4:
                return False
            start = offset + 4
            end = start + ((data[offset + 2] << 8) | data[offset + 3])
        else:
            start = offset + 3
            end = start + data[offset + 2]
        if end > attributes_end:
            return False
        if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
            reach = code == MP_REACH_NLRI
            if (seen_reach if reach else seen_unreach) or (flags & FLAGS_CHECKED_OPTIONAL) != OPTIONAL:
                return False
            if not multiprotocol(data, start, end, reach, addpath4, addpath6, ipv4, ipv6):
                return False
            if reach:
                seen_reach = True
                routes = True
            else:
                seen_unreach = True
                routes = routes or end > start + FAMILY_SIZE
        elif not flags & OPTIONAL and (code >= KNOWN_LIMIT or not (KNOWN_CODES >> code) & 1):
            return False
        offset = end
    return routes


cdef Py_ssize_t scan(const unsigned char *data, Py_ssize_t size, Py_ssize_t max_size, bint addpath4,
                     bint addpath6, bint ipv4, bint ipv6, Py_ssize_t *count) noexcept nogil:
    cdef Py_ssize_t offset = 0, length
    cdef int index
    count[0] = 0
    while size - offset >= HEADER_SIZE:
        for index in range(MARKER_SIZE):
            if data[offset + index] != MARKER_OCTET:
                return offset
        if data[offset + TYPE_AT] != UPDATE:
            break
        length = (data[offset + LENGTH_AT] << 8) | data[offset + LENGTH_AT + 1]
        if length < HEADER_SIZE or length > max_size or size - offset < length:
            break
        if not check(data + offset + HEADER_SIZE, length - HEADER_SIZE, addpath4, addpath6, ipv4, ipv6):
            break
        offset += length
        count[0] += 1
    return offset


def check_update(body, addpath4, addpath6, ipv4=True, ipv6=True):
    """True when the UPDATE `body` is vouched for (see the pure twin)."""
    cdef Py_buffer view
    cdef bint result
    PyObject_GetBuffer(body, &view, PyBUF_SIMPLE)
    try:
        result = check(<const unsigned char *>view.buf, view.len, bool(addpath4), bool(addpath6), bool(ipv4),
                       bool(ipv6))
    finally:
        PyBuffer_Release(&view)
    return result


def scan_updates(data, max_size, addpath4, addpath6, ipv4=True, ipv6=True):
    """``(octets, messages)``: the vouched-for UPDATE messages at the front of `data` (see the pure twin)."""
    cdef Py_buffer view
    cdef Py_ssize_t result, count
    cdef Py_ssize_t limit = max_size
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        result = scan(<const unsigned char *>view.buf, view.len, limit, bool(addpath4), bool(addpath6), bool(ipv4),
                      bool(ipv6), &count)
    finally:
        PyBuffer_Release(&view)
    return result, count
