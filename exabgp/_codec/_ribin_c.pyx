# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_ribin_py.py`: what an UPDATE does to an Adj-RIB-In, in one call.

Same functions, results and errors as the pure twin, which is the
specification (RFC 4271 section 4.3, RFC 4760, RFC 7911 section 3, RFC 7606)
and carries the table of the attributes vouched for.  The octets are read in
place; the only objects built are the keys, their lists, the next hop and
the section.  Keys of up to 64 bits are made directly, longer ones from
their big-endian octets.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.string cimport memcpy, memset

from exabgp._codec._check_c import check_update
from exabgp._codec.errors import CodecError

__all__ = ("ingest_messages", "ingest_update", "nlri_keys")


cdef tuple IPV4_UNICAST = (1, 1)
cdef tuple IPV6_UNICAST = (2, 1)


cdef extern from "Python.h":
    object _PyLong_FromByteArray(const unsigned char* bytes, size_t n, int little_endian, int is_signed)


cdef enum:
    EXTENDED_LENGTH = 0x10
    WELL_KNOWN = 0x40
    OPTIONAL = 0x80
    OPTIONAL_TRANSITIVE = 0xC0
    MP_REACH_NLRI = 14
    MP_UNREACH_NLRI = 15
    HEADER = 19
    UPDATE = 2
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
        if not addpath and width == 4:
            value = <unsigned long long>bits << 32
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
        return keys(<const unsigned char*>view.buf, 0, view.len, 4 if afi == 1 else 16, bool(addpath))
    finally:
        PyBuffer_Release(&view)


cdef inline bint as_path(const unsigned char* data, Py_ssize_t start, Py_ssize_t end, int width) noexcept:
    while start < end:
        if end - start < 2 or data[start] < 1 or data[start] > 4 or data[start + 1] == 0:
            return False
        start += 2 + data[start + 1] * width
    return start == end


cdef inline bint clean(int code, int flags, const unsigned char* data, Py_ssize_t start, Py_ssize_t end,
                       bint asn4) noexcept:
    cdef Py_ssize_t length = end - start
    cdef bint well_known = (flags & 0xE0) == WELL_KNOWN
    cdef bint optional = (flags & 0xC0) == OPTIONAL
    cdef bint optional_transitive = (flags & 0xC0) == OPTIONAL_TRANSITIVE
    if code == 1:
        return well_known and length == 1 and data[start] <= 2
    if code == 2:
        return well_known and as_path(data, start, end, 4 if asn4 else 2)
    if code == 3 or code == 5:
        return well_known and length == 4
    if code == 6:
        return well_known and length == 0
    if code == 4 or code == 9:
        return optional and length == 4
    if code == 10:
        return optional and length > 0 and length % 4 == 0
    if code == 7:
        return optional_transitive and length == (8 if asn4 else 6)
    if code == 8:
        return optional_transitive and length > 0 and length % 4 == 0
    if code == 32:
        return optional_transitive and length > 0 and length % 12 == 0
    return False


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
            if afi == 1:
                width, addpath = 4, addpath4
            else:
                width, addpath = 16, addpath6
            if code == MP_REACH_NLRI:
                nexthop_end = start + 4 + data[start + 3]
                reach = (afi, PyBytes_FromStringAndSize(<const char*>data + start + 4, nexthop_end - start - 4),
                         keys(data, nexthop_end + 1, end, width, addpath))
            else:
                unreach = (afi, keys(data, start + 3, end, width, addpath))
            cut_start[cuts] = offset
            cut_end[cuts] = end
            cuts += 1
        elif not clean(code, flags, data, start, end, asn4):
            return None
        offset = end
    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) goes the general way
    if (attributes_end < size or reach is not None) and not (seen[1] and seen[2]):
        return None
    if attributes_end < size and not seen[3]:
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
    return (section, keys(data, 2, withdrawn_end, 4, addpath4), keys(data, attributes_end, size, 4, addpath4),
            unreach, reach)


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
    family = IPV4_UNICAST if afi == 1 else IPV6_UNICAST
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
        table = family_table(tables, 1, True)
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
        while size - at >= HEADER:
            length = (p[at + 16] << 8) | p[at + 17]
            if p[at + 18] != UPDATE or length < HEADER or size - at < length:
                break
            for i in range(16):
                if p[at + i] != 0xFF:
                    break
            else:
                body = PyBytes_FromStringAndSize(<const char*>p + at + HEADER, length - HEADER)
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
