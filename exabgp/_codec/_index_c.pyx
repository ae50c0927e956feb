# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_index_py.py`: the one indexing pass over received UPDATEs.

Same contract, same answers as the pure twin (which carries the rules and
the RFC references; the numbers are `tables`', cimported from the generated
`_tables.pxd`, the common attributes' rules copied into C arrays when the
module loads): the octets are read in place through the buffer protocol,
the records written straight into the ``array("i")`` returned, which grows
by doubling; nothing raises.
"""

from cpython cimport array
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE

import array

from exabgp._codec._octets cimport attribute_value
from exabgp._codec._tables cimport (
    AFI_IPV4, AFI_IPV6, AGGREGATOR, AS_CONFED_SET, AS_PATH, AS_SET, ASN2_SIZE, ASN4_SIZE, COMMON_LIMIT,
    FAMILY_SIZE, FLAGS_CHECKED, FLAGS_CHECKED_OPTIONAL, HEADER_SIZE, INDEX_ATTRIBUTES_END, INDEX_END, INDEX_FIELDS,
    INDEX_PLAIN, INDEX_REACH, INDEX_REACH_END, INDEX_REACH_VALUE, INDEX_START, INDEX_UNREACH, INDEX_UNREACH_END,
    INDEX_UNREACH_VALUE, INDEX_WITHDRAWN_END, IPV4_SIZE, IPV6_SIZE, LENGTH_AT, MARKER_OCTET, MARKER_SIZE,
    MP_REACH_MINIMUM, MP_REACH_NLRI, MP_UNREACH_MINIMUM, MP_UNREACH_NLRI, NEXT_HOP, OPTIONAL, ORIGIN,
    ORIGIN_INCOMPLETE, SAFI_UNICAST, TYPE_AT, UPDATE, UPDATE_MINIMUM,
)
from exabgp._codec.tables import ATTRIBUTE_FLAGS, COMMON, ITEM_SIZES, KNOWN, VALUE_SIZES

__all__ = ("check_update", "index_update", "index_updates")

# `tables.KNOWN`, one bit per code (all of them below 64)
cdef unsigned long long KNOWN_CODES = 0
for _code in KNOWN:
    KNOWN_CODES |= 1ULL << _code
cdef enum:
    KNOWN_LIMIT = 8 * sizeof(unsigned long long)
assert max(KNOWN) < KNOWN_LIMIT

# `tables`' common attributes, by code: their flags (0: not a common attribute) and the bits compared with
# them, exact value size (-1: none) and list item size (0: not a list); one entry per octet value, so that no
# index is out of bounds (gcc's -Warray-bounds can not tell that `clean` checks the code first, once the
# function is shared with `_mrt_c` through `_index_c.pxd`)
cdef enum:
    CODES = 256
cdef unsigned char COMMON_FLAGS[CODES]
cdef unsigned char FLAGS_MASK[CODES]
cdef int VALUE_SIZE[CODES]
cdef int ITEM_SIZE[CODES]
for _code in range(CODES):
    COMMON_FLAGS[_code] = ATTRIBUTE_FLAGS[_code] if _code in COMMON else 0
    FLAGS_MASK[_code] = FLAGS_CHECKED_OPTIONAL if COMMON_FLAGS[_code] & OPTIONAL else FLAGS_CHECKED
    VALUE_SIZE[_code] = VALUE_SIZES.get(_code, -1)
    ITEM_SIZE[_code] = ITEM_SIZES.get(_code, 0)

cdef array.array INTS = array.array("i")
cdef enum:
    # the size of the messages of a table, at least (the first guess of the records a run needs)
    EXPECTED_SIZE = 48


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


cdef inline bint as_path(const unsigned char* data, Py_ssize_t start, Py_ssize_t end, int width) noexcept nogil:
    while start < end:
        if end - start < 2 or data[start] < AS_SET or data[start] > AS_CONFED_SET or data[start + 1] == 0:
            return False
        start += 2 + data[start + 1] * width
    return start == end


cdef inline bint clean_inline(int code, int flags, const unsigned char* data, Py_ssize_t start, Py_ssize_t end,
                              bint asn4) noexcept nogil:
    """Whether RFC 7606 keeps this attribute as it is: a common one with its flags and value (`tables`)."""
    cdef Py_ssize_t length = end - start
    cdef int size
    if code >= COMMON_LIMIT or COMMON_FLAGS[code] == 0 or (flags & FLAGS_MASK[code]) != COMMON_FLAGS[code]:
        return False
    size = VALUE_SIZE[code]
    if size >= 0:
        return length == size and (code != ORIGIN or data[start] <= ORIGIN_INCOMPLETE)
    if code == AS_PATH:
        return as_path(data, start, end, ASN4_SIZE if asn4 else ASN2_SIZE)
    if code == AGGREGATOR:
        return length == (ASN4_SIZE if asn4 else ASN2_SIZE) + IPV4_SIZE
    size = ITEM_SIZE[code]
    if size == 4:  # a constant divisor: no division
        return length > 0 and length % 4 == 0
    return length > 0 and length % size == 0


cdef bint clean(int code, int flags, const unsigned char* data, Py_ssize_t start, Py_ssize_t end,
               bint asn4) noexcept nogil:
    """`clean_inline` for the other compiled twins (`_index_c.pxd`)."""
    return clean_inline(code, flags, data, start, end, asn4)


cdef bint index(const unsigned char *data, Py_ssize_t base, Py_ssize_t size, bint addpath4, bint addpath6,
                bint ipv4, bint ipv6, bint asn4, bint marked, int *record) noexcept nogil:
    """Fill `record` (unless NULL) for the UPDATE body ``data[base:base + size]``; False when it is not vouched
    for.  Whether it is plain is found only when `marked`."""
    cdef Py_ssize_t end_of_body = base + size, withdrawn_end, attributes_end, offset, start, end
    cdef Py_ssize_t reach_at = 0, reach_start = 0, reach_end = 0, unreach_at = 0, unreach_start = 0, unreach_end = 0
    cdef int flags, code
    cdef bint routes, reach, plain = marked
    # the codes seen, below 64 (every common one is): a code at or above 64 makes the UPDATE not plain anyway
    cdef unsigned long long seen = 0
    if size < UPDATE_MINIMUM:
        return False
    withdrawn_end = base + 2 + ((data[base] << 8) | data[base + 1])
    if withdrawn_end + 2 > end_of_body:
        return False
    attributes_end = withdrawn_end + 2 + ((data[withdrawn_end] << 8) | data[withdrawn_end + 1])
    if attributes_end > end_of_body:
        return False
    if not prefixes(data, base + 2, withdrawn_end, 8 * IPV4_SIZE, addpath4):
        return False
    if not prefixes(data, attributes_end, end_of_body, 8 * IPV4_SIZE, addpath4):
        return False
    routes = withdrawn_end > base + 2 or attributes_end < end_of_body
    offset = withdrawn_end + 2
    while offset < attributes_end:
        start = attribute_value(data, offset, attributes_end, &end)
        if start < 0:
            return False
        flags = data[offset]
        code = data[offset + 1]
        if end > attributes_end:
            return False
        if plain:
            if code >= KNOWN_LIMIT or (seen >> code) & 1:
                plain = False
            else:
                seen |= 1ULL << code
        if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
            reach = code == MP_REACH_NLRI
            if (reach_at if reach else unreach_at) or (flags & FLAGS_CHECKED_OPTIONAL) != OPTIONAL:
                return False
            if not multiprotocol(data, start, end, reach, addpath4, addpath6, ipv4, ipv6):
                return False
            if reach:
                reach_at, reach_start, reach_end = offset, start, end
                routes = True
            else:
                unreach_at, unreach_start, unreach_end = offset, start, end
                routes = routes or end > start + FAMILY_SIZE
        else:
            if not flags & OPTIONAL and (code >= KNOWN_LIMIT or not (KNOWN_CODES >> code) & 1):
                return False
            if plain and not clean_inline(code, flags, data, start, end, asn4):
                plain = False
        offset = end
    if not routes:
        return False
    if (attributes_end < end_of_body or reach_at) and not ((seen >> ORIGIN) & (seen >> AS_PATH) & 1):
        plain = False
    if attributes_end < end_of_body and not (seen >> NEXT_HOP) & 1:
        plain = False
    if record == NULL:
        return True
    record[INDEX_START] = <int>(base - HEADER_SIZE)
    record[INDEX_WITHDRAWN_END] = <int>withdrawn_end
    record[INDEX_ATTRIBUTES_END] = <int>attributes_end
    record[INDEX_END] = <int>end_of_body
    record[INDEX_REACH] = <int>reach_at
    record[INDEX_REACH_VALUE] = <int>reach_start
    record[INDEX_REACH_END] = <int>reach_end
    record[INDEX_UNREACH] = <int>unreach_at
    record[INDEX_UNREACH_VALUE] = <int>unreach_start
    record[INDEX_UNREACH_END] = <int>unreach_end
    record[INDEX_PLAIN] = plain
    return True


def check_update(body, addpath4, addpath6, ipv4=True, ipv6=True):
    """True when the UPDATE `body` is vouched for (see the pure twin)."""
    cdef Py_buffer view
    cdef bint result
    PyObject_GetBuffer(body, &view, PyBUF_SIMPLE)
    try:
        result = index(<const unsigned char *>view.buf, 0, view.len, bool(addpath4), bool(addpath6), bool(ipv4),
                       bool(ipv6), True, False, NULL)
    finally:
        PyBuffer_Release(&view)
    return result


def index_update(body, addpath4, addpath6, asn4):
    """The record of the UPDATE `body` alone, plain marked, or an empty array (see the pure twin)."""
    cdef Py_buffer view
    cdef bint found
    cdef array.array result = array.clone(INTS, INDEX_FIELDS, False)
    PyObject_GetBuffer(body, &view, PyBUF_SIMPLE)
    try:
        found = index(<const unsigned char *>view.buf, 0, view.len, bool(addpath4), bool(addpath6), True, True,
                      bool(asn4), True, result.data.as_ints)
    finally:
        PyBuffer_Release(&view)
    if not found:
        array.resize(result, 0)
    return result


def index_updates(data, max_size, addpath4, addpath6, ipv4, ipv6, asn4, plain):
    """``(octets, index)``: the vouched-for UPDATE messages at the front of `data` and their index (see the pure
    twin)."""
    cdef Py_buffer view
    cdef const unsigned char *octets
    cdef Py_ssize_t size, offset = 0, length, count = 0, capacity, limit = max_size
    cdef bint a4 = addpath4, a6 = addpath6, v4 = ipv4, v6 = ipv6, wide = asn4, marked = plain
    cdef int i
    cdef array.array result
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        octets = <const unsigned char *>view.buf
        size = view.len
        # room for the messages of a table (few are under this size), grown by doubling past it
        capacity = size // EXPECTED_SIZE + 1
        result = array.clone(INTS, capacity * INDEX_FIELDS, False)
        while size - offset >= HEADER_SIZE:
            for i in range(MARKER_SIZE):
                if octets[offset + i] != MARKER_OCTET:
                    break
            else:
                if octets[offset + TYPE_AT] != UPDATE:
                    break
                length = (octets[offset + LENGTH_AT] << 8) | octets[offset + LENGTH_AT + 1]
                if length < HEADER_SIZE or length > limit or size - offset < length:
                    break
                if count == capacity:
                    capacity *= 2
                    array.resize(result, capacity * INDEX_FIELDS)
                if not index(octets, offset + HEADER_SIZE, length - HEADER_SIZE, a4, a6, v4, v6, wide, marked,
                             result.data.as_ints + count * INDEX_FIELDS):
                    break
                count += 1
                offset += length
                continue
            break
    finally:
        PyBuffer_Release(&view)
    array.resize(result, count * INDEX_FIELDS)
    return offset, result
