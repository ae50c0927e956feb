# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_ribin_py.py`: what an UPDATE does to an Adj-RIB-In, in one call.

Same functions, results and errors as the pure twin, which is the
specification (RFC 4271 section 4.3, RFC 4760, RFC 7911 section 3, RFC 7606);
the attributes vouched for are `tables`' common ones, whose numbers are
cimported from the generated `_tables.pxd` and whose tables are copied into
C arrays when the module loads.  The octets are read in
place; the only objects built are the keys, their lists, the next hop and
the section.  Keys of up to 64 bits are made directly, longer ones from
their big-endian octets.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.string cimport memcpy, memset

from exabgp._codec._tables cimport (
    AFI_IPV4, AFI_IPV6, AS_CONFED_SET, AS_PATH, AS_SET, ASN2_SIZE, ASN4_SIZE, COMMON_LIMIT, EXTENDED_LENGTH,
    FLAGS_CHECKED, FLAGS_CHECKED_OPTIONAL, HEADER_SIZE, IPV4_SIZE, IPV6_SIZE, LENGTH_AT, MARKER_OCTET, MARKER_SIZE,
    FAMILY_SIZE, MP_REACH_NLRI, MP_UNREACH_NLRI, NEXT_HOP, OPTIONAL, ORIGIN, ORIGIN_INCOMPLETE, SAFI_UNICAST,
    TYPE_AT, UPDATE,
)
from exabgp._codec._check_c import check_update
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import ATTRIBUTE_FLAGS, COMMON, ITEM_SIZES, VALUE_SIZES

__all__ = ("ingest_messages", "ingest_update", "nlri_keys")


cdef tuple IPV4_UNICAST = (AFI_IPV4, SAFI_UNICAST)
cdef tuple IPV6_UNICAST = (AFI_IPV6, SAFI_UNICAST)

# `tables`' common attributes, by code: their flags (0: not a common attribute), exact value size (-1: none)
# and list item size (0: not a list)
cdef unsigned char COMMON_FLAGS[COMMON_LIMIT]
cdef int VALUE_SIZE[COMMON_LIMIT]
cdef int ITEM_SIZE[COMMON_LIMIT]
for _code in range(COMMON_LIMIT):
    COMMON_FLAGS[_code] = ATTRIBUTE_FLAGS[_code] if _code in COMMON else 0
    VALUE_SIZE[_code] = VALUE_SIZES.get(_code, -1)
    ITEM_SIZE[_code] = ITEM_SIZES.get(_code, 0)


cdef extern from "Python.h":
    object _PyLong_FromByteArray(const unsigned char* bytes, size_t n, int little_endian, int is_signed)


cdef enum:
    # a key's octets: path identifier + 1 (5), route distinguisher (8), length (1), prefix (up to 16)
    KEY_OCTETS = 30


cdef list keys(const unsigned char* data, Py_ssize_t start, Py_ssize_t end, int width, bint addpath):
    """The keys of the whole prefixes in ``data[start:end]`` (3/10 when they are not whole)."""
    cdef list result = []
    cdef unsigned char key[KEY_OCTETS]
    cdef int bits, octets, i
    cdef unsigned long long path, value
    cdef int length_at = 13 if addpath else 0   # where the length octet is in `key`
    cdef int size = length_at + 1 + width
    memset(key, 0, KEY_OCTETS)
    while start < end:
        if addpath:
            if start + 4 > end:
                raise CodecError(3, 10, b"", "truncated path identifier")
            path = ((<unsigned long long>data[start] << 24) | (<unsigned long long>data[start + 1] << 16)
                    | (<unsigned long long>data[start + 2] << 8) | data[start + 3]) + 1
            key[0] = (path >> 32) & 0xFF
            key[1] = (path >> 24) & 0xFF
            key[2] = (path >> 16) & 0xFF
            key[3] = (path >> 8) & 0xFF
            key[4] = path & 0xFF
            start += 4
        if start >= end:
            raise CodecError(3, 10, b"", "missing prefix length")
        bits = data[start]
        if bits > width * 8:
            raise CodecError(3, 10, b"", f"prefix length {bits} too long")
        octets = (bits + 7) >> 3
        start += 1
        if start + octets > end:
            raise CodecError(3, 10, b"", "truncated prefix")
        if not addpath and width == IPV4_SIZE:
            value = <unsigned long long>bits << (8 * IPV4_SIZE)
            for i in range(octets):
                value |= <unsigned long long>data[start + i] << (8 * (octets - 1 - i))
            result.append(value)
        else:
            key[length_at] = bits
            memset(key + length_at + 1, 0, width - octets)
            memcpy(key + size - octets, data + start, octets)
            result.append(_PyLong_FromByteArray(key, size, 0, 0))
        start += octets
    return result


def nlri_keys(data, afi, addpath):
    """The keys of every prefix of an NLRI section; `afi` is 1 (IPv4) or 2 (IPv6)."""
    cdef Py_buffer view
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        return keys(<const unsigned char*>view.buf, 0, view.len, IPV4_SIZE if afi == AFI_IPV4 else IPV6_SIZE,
                    bool(addpath))
    finally:
        PyBuffer_Release(&view)


cdef inline bint as_path(const unsigned char* data, Py_ssize_t start, Py_ssize_t end, int width) noexcept:
    while start < end:
        if end - start < 2 or data[start] < AS_SET or data[start] > AS_CONFED_SET or data[start + 1] == 0:
            return False
        start += 2 + data[start + 1] * width
    return start == end


cdef inline bint clean(int code, int flags, const unsigned char* data, Py_ssize_t start, Py_ssize_t end,
                       bint asn4) noexcept:
    """Whether RFC 7606 keeps this attribute as it is: a common one with its flags and value (`tables`)."""
    cdef Py_ssize_t length = end - start
    cdef int expected, width
    if code >= COMMON_LIMIT or COMMON_FLAGS[code] == 0:
        return False
    expected = COMMON_FLAGS[code]
    if (flags & (FLAGS_CHECKED_OPTIONAL if expected & OPTIONAL else FLAGS_CHECKED)) != expected:
        return False
    if VALUE_SIZE[code] >= 0:
        return length == VALUE_SIZE[code] and (code != ORIGIN or data[start] <= ORIGIN_INCOMPLETE)
    if ITEM_SIZE[code]:
        return length > 0 and length % ITEM_SIZE[code] == 0
    width = ASN4_SIZE if asn4 else ASN2_SIZE
    if code == AS_PATH:
        return as_path(data, start, end, width)
    return length == width + IPV4_SIZE  # AGGREGATOR


cdef object ingest(bytes body, bint addpath4, bint addpath6, bint asn4):
    cdef const unsigned char* data = <const unsigned char*>PyBytes_AS_STRING(body)
    cdef Py_ssize_t size = len(body)
    cdef Py_ssize_t withdrawn_end = 2 + ((data[0] << 8) | data[1])
    cdef Py_ssize_t section_start = withdrawn_end + 2
    cdef Py_ssize_t attributes_end = section_start + ((data[withdrawn_end] << 8) | data[withdrawn_end + 1])
    cdef Py_ssize_t offset = section_start, start, end, nexthop_end
    cdef Py_ssize_t cut_start[2]
    cdef Py_ssize_t cut_end[2]
    cdef int cuts = 0, flags, code, afi, width, i
    cdef bint seen[256]
    cdef bint addpath
    cdef bytes section
    cdef char* out
    unreach = reach = None
    memset(seen, 0, sizeof(seen))
    while offset < attributes_end:
        flags = data[offset]
        code = data[offset + 1]
        if flags & EXTENDED_LENGTH:
            start = offset + 4
            end = start + ((data[offset + 2] << 8) | data[offset + 3])
        else:
            start = offset + 3
            end = start + data[offset + 2]
        if seen[code]:
            return None
        seen[code] = True
        if code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
            afi = (data[start] << 8) | data[start + 1]
            if afi == AFI_IPV4:
                width, addpath = IPV4_SIZE, addpath4
            else:
                width, addpath = IPV6_SIZE, addpath6
            if code == MP_REACH_NLRI:
                nexthop_end = start + 4 + data[start + 3]
                reach = (afi, PyBytes_FromStringAndSize(<const char*>data + start + 4, nexthop_end - start - 4),
                         keys(data, nexthop_end + 1, end, width, addpath))
            else:
                unreach = (afi, keys(data, start + FAMILY_SIZE, end, width, addpath))
            cut_start[cuts] = offset
            cut_end[cuts] = end
            cuts += 1
        elif not clean(code, flags, data, start, end, asn4):
            return None
        offset = end
    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) goes the general way
    if (attributes_end < size or reach is not None) and not (seen[ORIGIN] and seen[AS_PATH]):
        return None
    if attributes_end < size and not seen[NEXT_HOP]:
        return None
    if cuts == 0:
        section = PyBytes_FromStringAndSize(<const char*>data + section_start, attributes_end - section_start)
    else:
        section = PyBytes_FromStringAndSize(NULL, attributes_end - section_start
                                            - (cut_end[0] - cut_start[0])
                                            - ((cut_end[1] - cut_start[1]) if cuts == 2 else 0))
        out = PyBytes_AS_STRING(section)
        offset = section_start
        for i in range(cuts):
            memcpy(out, data + offset, cut_start[i] - offset)
            out += cut_start[i] - offset
            offset = cut_end[i]
        memcpy(out, data + offset, attributes_end - offset)
    return (section, keys(data, 2, withdrawn_end, IPV4_SIZE, addpath4),
            keys(data, attributes_end, size, IPV4_SIZE, addpath4), unreach, reach)


def ingest_update(body, addpath4, addpath6, asn4):
    """The Adj-RIB-In changes of the UPDATE `body`, or None (see the pure twin)."""
    if not check_update(body, addpath4, addpath6):
        return None
    return ingest(body if type(body) is bytes else bytes(body), bool(addpath4), bool(addpath6), bool(asn4))


cdef inline object intern(dict paths, object path):
    shared = paths.get(path)
    if shared is None:
        paths[path] = path
        return path
    return shared


cdef inline dict family_table(dict tables, int afi, bint make):
    family = IPV4_UNICAST if afi == AFI_IPV4 else IPV6_UNICAST
    table = tables.get(family)
    if table is None and make:
        table = tables[family] = {}
    return table


cdef Py_ssize_t apply(tuple changes, dict tables, dict paths) except -1:
    """Apply the changes of one UPDATE; the routes withdrawn or replaced."""
    cdef bytes section = changes[0]
    cdef list withdrawn = changes[1]
    cdef list announced = changes[2]
    cdef Py_ssize_t churn = 0, before
    cdef dict table
    cdef bytes nexthop
    unreach = changes[3]
    reach = changes[4]
    if withdrawn or announced:
        table = family_table(tables, AFI_IPV4, True)
        before = len(table)
        for key in withdrawn:
            table.pop(key, None)
        if announced:
            path = intern(paths, section)
            for key in announced:
                table[key] = path
        churn += before + len(announced) - len(table)
    if unreach is not None:
        table = family_table(tables, unreach[0], False)
        if table is not None:
            before = len(table)
            for key in <list>unreach[1]:
                table.pop(key, None)
            churn += before - len(table)
    if reach is not None:
        nexthop = reach[1]
        table = family_table(tables, reach[0], True)
        before = len(table)
        path = intern(paths, section + bytes((0, MP_REACH_NLRI, len(nexthop))) + nexthop)
        for key in <list>reach[2]:
            table[key] = path
        churn += before + len(<list>reach[2]) - len(table)
    return churn


def ingest_messages(data, offset, addpath4, addpath6, asn4, dict tables, dict paths):
    """Apply the vouched-for UPDATE messages of `data` from `offset` (see the pure twin)."""
    cdef Py_buffer view
    cdef const unsigned char* p
    cdef Py_ssize_t size, length, churn = 0, at = offset
    cdef bint a4 = addpath4, a6 = addpath6, wide = asn4
    cdef int i
    cdef bytes body
    if at < 0:
        raise ValueError("negative offset")
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        p = <const unsigned char*>view.buf
        size = view.len
        while size - at >= HEADER_SIZE:
            length = (p[at + LENGTH_AT] << 8) | p[at + LENGTH_AT + 1]
            if p[at + TYPE_AT] != UPDATE or length < HEADER_SIZE or size - at < length:
                break
            for i in range(MARKER_SIZE):
                if p[at + i] != MARKER_OCTET:
                    break
            else:
                body = PyBytes_FromStringAndSize(<const char*>p + at + HEADER_SIZE, length - HEADER_SIZE)
                if not check_update(body, a4, a6):
                    break
                changes = ingest(body, a4, a6, wide)
                if changes is None:
                    break
                churn += apply(changes, tables, paths)
                at += length
                continue
            break
    finally:
        PyBuffer_Release(&view)
    return at, churn
