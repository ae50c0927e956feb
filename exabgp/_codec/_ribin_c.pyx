# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_ribin_py.py`: what an UPDATE does to an Adj-RIB-In, in one call.

Same functions, results and errors as the pure twin, which is the
specification (RFC 4271 section 4.3, RFC 4760, RFC 7911 section 3); the
numbers are cimported from the generated `_tables.pxd`.  The octets are read
in place, where the index of `_codec.index_updates` says the parts of each
UPDATE are; the only objects built are the keys, their lists, the next hop
and the section.  Keys of up to 64 bits are made directly, longer ones from
their big-endian octets.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.string cimport memcpy, memset

from exabgp._codec._tables cimport (
    AFI_IPV4, AFI_IPV6, FAMILY_SIZE, HEADER_SIZE, INDEX_ATTRIBUTES_END, INDEX_END, INDEX_FIELDS, INDEX_PLAIN,
    INDEX_REACH, INDEX_REACH_END, INDEX_REACH_VALUE, INDEX_START, INDEX_UNREACH, INDEX_UNREACH_END,
    INDEX_UNREACH_VALUE, INDEX_WITHDRAWN_END, IPV4_SIZE, IPV6_SIZE, MP_REACH_NLRI, SAFI_UNICAST,
)
from exabgp._codec.errors import CodecError

__all__ = ("ingest_messages", "nlri_keys")


cdef tuple IPV4_UNICAST = (AFI_IPV4, SAFI_UNICAST)
cdef tuple IPV6_UNICAST = (AFI_IPV6, SAFI_UNICAST)

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


cdef tuple changes(const unsigned char* data, const int* record, bint addpath4, bint addpath6):
    """``(section, withdrawn, announced, unreach, reach)`` of the plain UPDATE of `record` (see the pure twin)."""
    cdef Py_ssize_t section_start = record[INDEX_WITHDRAWN_END] + 2
    cdef Py_ssize_t attributes_end = record[INDEX_ATTRIBUTES_END]
    cdef Py_ssize_t cut_start[2]
    cdef Py_ssize_t cut_end[2]
    cdef Py_ssize_t offset, value, nexthop_end, size
    cdef int cuts = 0, afi, width, i
    cdef bint addpath
    cdef bytes section
    cdef char* out
    unreach = reach = None
    if record[INDEX_UNREACH]:
        value = record[INDEX_UNREACH_VALUE]
        afi = (data[value] << 8) | data[value + 1]
        width, addpath = (IPV4_SIZE, addpath4) if afi == AFI_IPV4 else (IPV6_SIZE, addpath6)
        unreach = (afi, keys(data, value + FAMILY_SIZE, record[INDEX_UNREACH_END], width, addpath))
        cut_start[0] = record[INDEX_UNREACH]
        cut_end[0] = record[INDEX_UNREACH_END]
        cuts = 1
    if record[INDEX_REACH]:
        value = record[INDEX_REACH_VALUE]
        afi = (data[value] << 8) | data[value + 1]
        width, addpath = (IPV4_SIZE, addpath4) if afi == AFI_IPV4 else (IPV6_SIZE, addpath6)
        nexthop_end = value + 4 + data[value + 3]
        reach = (afi, PyBytes_FromStringAndSize(<const char*>data + value + 4, nexthop_end - value - 4),
                 keys(data, nexthop_end + 1, record[INDEX_REACH_END], width, addpath))
        if cuts and record[INDEX_REACH] < cut_start[0]:  # the cuts in wire order
            cut_start[1], cut_end[1] = cut_start[0], cut_end[0]
            cut_start[0], cut_end[0] = record[INDEX_REACH], record[INDEX_REACH_END]
        else:
            cut_start[cuts] = record[INDEX_REACH]
            cut_end[cuts] = record[INDEX_REACH_END]
        cuts += 1
    size = attributes_end - section_start
    for i in range(cuts):
        size -= cut_end[i] - cut_start[i]
    section = PyBytes_FromStringAndSize(NULL, size)
    out = PyBytes_AS_STRING(section)
    offset = section_start
    for i in range(cuts):
        memcpy(out, data + offset, cut_start[i] - offset)
        out += cut_start[i] - offset
        offset = cut_end[i]
    memcpy(out, data + offset, attributes_end - offset)
    return (section, keys(data, record[INDEX_START] + HEADER_SIZE + 2, record[INDEX_WITHDRAWN_END], IPV4_SIZE,
                          addpath4),
            keys(data, attributes_end, record[INDEX_END], IPV4_SIZE, addpath4), unreach, reach)


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


def ingest_messages(data, index, record, addpath4, addpath6, dict tables, dict paths):
    """Apply the plain UPDATEs `index` records for `data`, from its `record`-th (see the pure twin)."""
    cdef Py_buffer view
    cdef Py_buffer positions
    cdef const int* fields
    cdef Py_ssize_t count, churn = 0, at = record
    cdef bint a4 = addpath4, a6 = addpath6
    if at < 0:
        raise ValueError("negative record")
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        PyObject_GetBuffer(index, &positions, PyBUF_SIMPLE)
        try:
            fields = <const int*>positions.buf
            count = positions.len // (INDEX_FIELDS * sizeof(int))
            while at < count and fields[at * INDEX_FIELDS + INDEX_PLAIN]:
                churn += apply(changes(<const unsigned char*>view.buf, fields + at * INDEX_FIELDS, a4, a6), tables,
                               paths)
                at += 1
        finally:
            PyBuffer_Release(&positions)
    finally:
        PyBuffer_Release(&view)
    return at, churn
