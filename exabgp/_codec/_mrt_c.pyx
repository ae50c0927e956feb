# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_mrt_py.py`: a buffer of MRT records read in one pass, into bgpdump's text or the columns.

Same entry points, same results as the pure twin, which carries the rules
and the RFC references; the numbers are `tables`' (cimported from the
generated `_tables.pxd`), the UPDATEs are vouched for by the index twin's
own C function and the attributes checked by its `clean` (cimported from
`_index_c.pxd`).  A record is read in C structs first (all its entries for
a RIB record), then written: its text into one growing C buffer
(`_octets.Output`, filled by `_octets`' writers), decoded
as ASCII once per call; its rows into one C buffer per column, appended to
the caller's ``array`` objects once per call.  The JSON lines alike: each
line's envelope and the UPDATE's text, written by the JSON twin's own C
function (`put_update`, cimported from `_json_c.pxd`), go into one C buffer,
decoded as UTF-8 once per call; a RIB record's entries are rendered into a
second buffer first, so that a record not taken writes nothing and counts
no line.  A record that is not taken writes nothing.  Nothing raises on the
octets.
"""

from cpython cimport array
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy, memset
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

import array

from exabgp._codec._index_c cimport clean, index as vouch
from exabgp._codec._octets cimport (
    Output, attribute_value, put, put_ipv4, put_ipv6, put_uint, putc, read_uint, reserve,
)
from exabgp._codec._tables cimport (
    RIS_SHORT, TABLE_DUMP_FIXED,
    AFI_IPV4, AFI_IPV6, AGGREGATOR, AS4_AGGREGATOR, AS4_PATH, AS_CONFED_SEQUENCE, AS_CONFED_SET, AS_PATH,
    AS_SEQUENCE, AS_SET, ASN2_SIZE, ASN4_SIZE, ATOMIC_AGGREGATE, BGP4MP_MESSAGE, BGP4MP_MESSAGE_ADDPATH,
    BGP4MP_MESSAGE_AS4, BGP4MP_MESSAGE_AS4_ADDPATH, BGP4MP_MESSAGE_AS4_LOCAL, BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH,
    BGP4MP_MESSAGE_LOCAL, BGP4MP_MESSAGE_LOCAL_ADDPATH, BGP4MP_STATE_CHANGE, BGP4MP_STATE_CHANGE_AS4, COMMUNITIES, EXTENDED_LENGTH, FAMILY_SIZE, HEADER_SIZE,
    INDEX_ATTRIBUTES_END, INDEX_END, INDEX_FIELDS, INDEX_START, INDEX_REACH, INDEX_REACH_END, INDEX_REACH_VALUE, INDEX_UNREACH,
    INDEX_UNREACH_END, INDEX_UNREACH_VALUE, INDEX_WITHDRAWN_END, IPV4_SIZE, IPV6_SIZE, LENGTH_AT, LOCAL_PREF,
    MARKER_OCTET, MARKER_SIZE, MP_REACH_NLRI, MP_UNREACH_NLRI, MRT_AFI, MRT_AS_PATH_LENGTH, MRT_ATTRIBUTE_SET, MRT_BGP4MP,
    MRT_BGP4MP_ET, MRT_COLUMNS, MRT_ET_SIZE, MRT_HEADER_SIZE, MRT_LENGTH, MRT_NEXTHOP_AFI, MRT_NEXTHOP_HI,
    MRT_NEXTHOP_LO, MRT_ORIGIN_AS, MRT_ORIGINATED, MRT_PATH_ID, MRT_PEER, MRT_PREFIX_HI, MRT_PREFIX_LO, MRT_RECORD,
    MRT_SAFI, MRT_SET_KIND, MRT_TABLE_DUMP, MRT_TABLE_DUMP_V2, MRT_TIME, MRT_WITHDRAWN, MULTI_EXIT_DISC, NEXT_HOP, ORIGIN,
    OPTIONAL, ORIGIN_EGP, ORIGIN_IGP, RIB_IPV4_MULTICAST, RIB_IPV4_MULTICAST_ADDPATH, RIB_IPV4_UNICAST,
    RIB_IPV4_UNICAST_ADDPATH, RIB_IPV6_MULTICAST, RIB_IPV6_MULTICAST_ADDPATH, RIB_IPV6_UNICAST,
    RIB_IPV6_UNICAST_ADDPATH, SAFI_MULTICAST, SAFI_UNICAST, TYPE_AT, UPDATE, UPDATE_MINIMUM,
)
from exabgp._codec.tables import MRT_TYPECODES
from exabgp._codec._json_c cimport put_update

__all__ = ("bgp4mp_records", "bgpdump_text", "json_lines", "mrt_columns")

ctypedef const unsigned char *octets

cdef enum:
    SHOWN_LIMIT = COMMUNITIES + 1  # the attributes the text shows are codes 1 to 8
    RIB_ENTRY = 8  # peer index, originated time, attribute length
    RIB_PATH_ID = 4
    SET_KINDS = 4  # the dicts of `sets`

_SHOWN = (ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES)
assert min(_SHOWN) >= 1 and max(_SHOWN) < SHOWN_LIMIT
assert len(MRT_TYPECODES) == MRT_COLUMNS

# the size of the values of each column, from its `array` type code
cdef int ITEM[MRT_COLUMNS]
for _column in range(MRT_COLUMNS):
    ITEM[_column] = array.array(MRT_TYPECODES[_column]).itemsize
assert ITEM[MRT_PREFIX_HI] == 8 and ITEM[MRT_TIME] == 8 and ITEM[MRT_PATH_ID] == 4 and ITEM[MRT_RECORD] == 8
assert ITEM[MRT_AS_PATH_LENGTH] == 2 and ITEM[MRT_ATTRIBUTE_SET] == 4 and ITEM[MRT_LENGTH] == 1

# ---------------------------------------------------------------- C buffers


cdef int put_address(Output *out, int afi, const unsigned char *address) except -1:
    """An address as `socket.inet_ntop` writes it."""
    if afi == AFI_IPV4:
        return put_ipv4(out, address)
    return put_ipv6(out, address)


# ---------------------------------------------------------------- reading (see the pure twin)


cdef struct Attrs:
    Py_ssize_t first[SHOWN_LIMIT]  # -1: absent
    Py_ssize_t last[SHOWN_LIMIT]
    Py_ssize_t reach_first  # MP_REACH_NLRI's value, -1: absent
    Py_ssize_t reach_last
    Py_ssize_t start  # the section
    Py_ssize_t end


cdef struct Hop:
    int afi  # 0: none
    bint missing  # no NEXT_HOP (bgpdump's 255.255.255.255), else an empty field when afi is 0
    const unsigned char *address


cdef struct Entry:  # a RIB entry
    Attrs attrs
    Hop text_hop
    Hop column_hop
    Py_ssize_t peer
    uint32_t originated
    uint32_t path_id


cdef struct Message:
    Py_ssize_t head_start  # the BGP4MP header: ASes, interface, AFI, addresses
    Py_ssize_t head_end
    int afi
    int width
    bint asn4
    bint addpath
    bint local
    bint update
    bint has_attrs
    Attrs attrs
    Py_ssize_t withdrawn_start
    Py_ssize_t withdrawn_end
    Py_ssize_t nlri_start
    Py_ssize_t nlri_end
    Py_ssize_t unreach_start  # the NLRI of MP_UNREACH_NLRI, 0 when absent
    Py_ssize_t unreach_end
    int unreach_afi
    Py_ssize_t reach_start  # the NLRI of MP_REACH_NLRI, 0 when absent
    Py_ssize_t reach_end
    int reach_afi
    Hop hop4
    Hop reach_hop


cdef bint read_attrs(octets data, Py_ssize_t start, Py_ssize_t end, bint asn4, Attrs *attrs) noexcept nogil:
    cdef uint64_t seen[4]
    cdef Py_ssize_t offset = start, first, last
    cdef int flags, code
    memset(seen, 0, sizeof(seen))
    for code in range(SHOWN_LIMIT):
        attrs.first[code] = -1
    attrs.reach_first = -1
    attrs.start = start
    attrs.end = end
    while offset < end:
        first = attribute_value(data, offset, end, &last)
        if first < 0:
            return False
        flags = data[offset]
        code = data[offset + 1]
        if last > end or (seen[code >> 6] >> (code & 63)) & 1:
            return False
        seen[code >> 6] |= 1ULL << (code & 63)
        if ORIGIN <= code < SHOWN_LIMIT:
            if not clean(code, flags, data, first, last, asn4):
                return False
            attrs.first[code] = first
            attrs.last[code] = last
        elif code == AS4_PATH or code == AS4_AGGREGATOR:
            if not asn4:
                return False
        elif code == MP_REACH_NLRI:
            attrs.reach_first = first
            attrs.reach_last = last
        offset = last
    return True


cdef void pick_hop(octets data, Py_ssize_t at, int length, int afi, Hop *hop) noexcept nogil:
    hop.missing = False
    hop.address = data + at
    if length >= IPV6_SIZE and afi == AFI_IPV6:
        hop.afi = AFI_IPV6
    elif length >= IPV4_SIZE and afi == AFI_IPV4:
        hop.afi = AFI_IPV4
    elif length >= IPV6_SIZE:
        hop.afi = AFI_IPV6
    elif length >= IPV4_SIZE:
        hop.afi = AFI_IPV4
    else:
        hop.afi = 0


cdef void hop4(octets data, Attrs *attrs, Hop *hop) noexcept nogil:
    if attrs.first[NEXT_HOP] >= 0:
        hop.afi = AFI_IPV4
        hop.missing = False
        hop.address = data + attrs.first[NEXT_HOP]
    else:
        hop.afi = 0
        hop.missing = True
        hop.address = NULL


cdef int message_flags(int subtype, Message *message) noexcept nogil:
    """The flags of a BGP4MP message subtype; 0 for another subtype."""
    if subtype == BGP4MP_MESSAGE or subtype == BGP4MP_MESSAGE_AS4 or subtype == BGP4MP_MESSAGE_LOCAL or \
            subtype == BGP4MP_MESSAGE_AS4_LOCAL or subtype == BGP4MP_MESSAGE_ADDPATH or \
            subtype == BGP4MP_MESSAGE_AS4_ADDPATH or subtype == BGP4MP_MESSAGE_LOCAL_ADDPATH or \
            subtype == BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH:
        message.asn4 = subtype == BGP4MP_MESSAGE_AS4 or subtype == BGP4MP_MESSAGE_AS4_LOCAL or \
            subtype == BGP4MP_MESSAGE_AS4_ADDPATH or subtype == BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH
        message.local = subtype == BGP4MP_MESSAGE_LOCAL or subtype == BGP4MP_MESSAGE_AS4_LOCAL or \
            subtype == BGP4MP_MESSAGE_LOCAL_ADDPATH or subtype == BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH
        message.addpath = subtype >= BGP4MP_MESSAGE_ADDPATH
        return 1
    return 0


cdef bint end_of_rib(octets data, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    cdef Py_ssize_t at = start + UPDATE_MINIMUM, first, last
    if end - start < UPDATE_MINIMUM or data[start] or data[start + 1]:
        return False
    if ((data[start + 2] << 8) | data[start + 3]) != end - at:
        return False
    if at == end:
        return True
    first = attribute_value(data, at, end, &last)
    return first >= 0 and data[at + 1] == MP_UNREACH_NLRI and first == end - FAMILY_SIZE and last == end


cdef inline Py_ssize_t header_end(octets data, Py_ssize_t start, Py_ssize_t end, int width, int *afi) noexcept nogil:
    """Where the BGP4MP header at `start` ends (ASes of `width` octets, interface index, AFI, addresses), its AFI in
    ``afi[0]``; -1 when the AFI is not 1 or 2 or is past `end` (the pure twin's `_header_end`)."""
    cdef Py_ssize_t at = start + 2 * width + 2
    if at + 2 > end:
        return -1
    afi[0] = (data[at] << 8) | data[at + 1]
    if afi[0] == AFI_IPV4:
        return at + 2 + 2 * IPV4_SIZE
    if afi[0] == AFI_IPV6:
        return at + 2 + 2 * IPV6_SIZE
    return -1


cdef Py_ssize_t message_at(octets data, Py_ssize_t start, Py_ssize_t end, Message *m,
                           Py_ssize_t *length) noexcept nogil:
    """Where the BGP message of the BGP4MP message body ``data[start:end]`` starts (its header; flags already set
    by `message_flags`), its length in ``length[0]``; -1 when the body does not hold one (the pure twin's
    `_message_at`).  Sets the ASN width, the AFI and the header's span."""
    cdef Py_ssize_t at
    cdef int i
    m.width = ASN4_SIZE if m.asn4 else ASN2_SIZE
    at = header_end(data, start, end, m.width, &m.afi)
    if at < 0 or at + HEADER_SIZE > end:
        return -1
    for i in range(MARKER_SIZE):
        if data[at + i] != MARKER_OCTET:
            return -1
    length[0] = (data[at + LENGTH_AT] << 8) | data[at + LENGTH_AT + 1]
    if length[0] < HEADER_SIZE or at + length[0] > end:
        return -1
    m.head_start = start
    m.head_end = at
    return at


cdef bint read_message(octets data, Py_ssize_t start, Py_ssize_t end, Message *m) noexcept nogil:
    """The BGP4MP message body ``data[start:end]`` (flags already set by `message_flags`); False: not taken."""
    cdef Py_ssize_t at, body, length, first, last
    cdef int hop_length
    cdef int record[INDEX_FIELDS]
    at = message_at(data, start, end, m, &length)
    if at < 0:
        return False
    m.update = data[at + TYPE_AT] == UPDATE
    if not m.update:
        return True
    # the index's record, its offsets from the message's first octet
    if not vouch(data + at, HEADER_SIZE, length - HEADER_SIZE, m.addpath, m.addpath, True, True, m.asn4, False,
                 record):
        m.update = False  # an End-of-RIB gives nothing
        return end_of_rib(data, at + HEADER_SIZE, at + length)
    body = at + HEADER_SIZE
    m.withdrawn_start = body + 2
    m.withdrawn_end = at + record[INDEX_WITHDRAWN_END]
    m.nlri_start = at + record[INDEX_ATTRIBUTES_END]
    m.nlri_end = at + record[INDEX_END]
    m.unreach_start = m.unreach_end = m.reach_start = m.reach_end = 0
    m.has_attrs = m.nlri_start > m.withdrawn_end + UPDATE_MINIMUM - 2
    if not m.has_attrs:
        return m.nlri_end == m.nlri_start
    if not read_attrs(data, m.withdrawn_end + 2, m.nlri_start, m.asn4, &m.attrs):
        return False
    if record[INDEX_UNREACH]:
        first = at + record[INDEX_UNREACH_VALUE]
        m.unreach_afi = (data[first] << 8) | data[first + 1]
        m.unreach_start = first + FAMILY_SIZE
        m.unreach_end = at + record[INDEX_UNREACH_END]
    hop4(data, &m.attrs, &m.hop4)
    if record[INDEX_REACH]:
        first = at + record[INDEX_REACH_VALUE]
        m.reach_afi = (data[first] << 8) | data[first + 1]
        hop_length = data[first + FAMILY_SIZE]
        pick_hop(data, first + FAMILY_SIZE + 1, hop_length, m.reach_afi, &m.reach_hop)
        m.reach_start = first + FAMILY_SIZE + 1 + hop_length + 1
        m.reach_end = at + record[INDEX_REACH_END]
    return True


cdef struct Rib:
    int afi
    int safi
    bint addpath
    int bits
    unsigned char prefix[IPV6_SIZE]
    Py_ssize_t address  # TABLE_DUMP: the prefix's address as written
    Py_ssize_t peer  # TABLE_DUMP: the peer's address, then its AS
    Py_ssize_t count
    Entry *entries  # `count` of them, in `Entries`


cdef struct Entries:
    Entry *data
    Py_ssize_t capacity


cdef int rib_flags(int subtype, Rib *rib) noexcept nogil:
    """The family of a RIB subtype read here; 0 for another subtype."""
    rib.addpath = subtype >= RIB_IPV4_UNICAST_ADDPATH
    if subtype == RIB_IPV4_UNICAST or subtype == RIB_IPV4_UNICAST_ADDPATH:
        rib.afi, rib.safi = AFI_IPV4, SAFI_UNICAST
    elif subtype == RIB_IPV4_MULTICAST or subtype == RIB_IPV4_MULTICAST_ADDPATH:
        rib.afi, rib.safi = AFI_IPV4, SAFI_MULTICAST
    elif subtype == RIB_IPV6_UNICAST or subtype == RIB_IPV6_UNICAST_ADDPATH:
        rib.afi, rib.safi = AFI_IPV6, SAFI_UNICAST
    elif subtype == RIB_IPV6_MULTICAST or subtype == RIB_IPV6_MULTICAST_ADDPATH:
        rib.afi, rib.safi = AFI_IPV6, SAFI_MULTICAST
    else:
        return 0
    return 1


cdef int read_rib(octets data, Py_ssize_t start, Py_ssize_t end, Py_ssize_t peers, Rib *rib,
                  Entries *entries) except -1:
    """The RIB record body ``data[start:end]`` into `rib` (flags set by `rib_flags`); 0: not taken, 1: taken."""
    cdef Py_ssize_t at = start + 4, prefix_end, cursor, first, last, head, count, n, size
    cdef int octets_
    cdef Entry *entry
    cdef Entry *grown
    if at >= end:
        return 0
    rib.bits = data[at]
    if rib.bits > 8 * (IPV4_SIZE if rib.afi == AFI_IPV4 else IPV6_SIZE):
        return 0
    octets_ = (rib.bits + 7) >> 3
    prefix_end = at + 1 + octets_
    if prefix_end + 2 > end:
        return 0
    memset(rib.prefix, 0, IPV6_SIZE)
    memcpy(rib.prefix, data + at + 1, octets_)
    count = (data[prefix_end] << 8) | data[prefix_end + 1]
    if count > entries.capacity:
        size = count if count > 64 else 64
        grown = <Entry *>realloc(entries.data, size * sizeof(Entry))
        if grown == NULL:
            raise MemoryError()
        entries.data = grown
        entries.capacity = size
    rib.entries = entries.data
    rib.count = count
    cursor = prefix_end + 2
    head = RIB_ENTRY + (RIB_PATH_ID if rib.addpath else 0)
    for n in range(count):
        entry = &entries.data[n]
        if cursor + head > end:
            return 0
        entry.peer = (data[cursor] << 8) | data[cursor + 1]
        entry.originated = <uint32_t>read_uint(data + cursor + 2, 4)
        entry.path_id = <uint32_t>read_uint(data + cursor + 6, 4) if rib.addpath else 0
        first = cursor + head
        last = first + ((data[first - 2] << 8) | data[first - 1])
        if last > end or entry.peer >= peers:
            return 0
        if not read_attrs(data, first, last, True, &entry.attrs) or not entry_hops(data, rib.afi, entry):
            return 0
        cursor = last
    return cursor == end


cdef bint entry_hops(octets data, int afi, Entry *entry) noexcept nogil:
    """The next hops of a RIB entry whose attributes are read; False when its MP_REACH_NLRI is not taken."""
    cdef Py_ssize_t at = entry.attrs.reach_first, size
    cdef int length
    hop4(data, &entry.attrs, &entry.text_hop)
    entry.column_hop = entry.text_hop
    if at < 0:
        return True
    size = entry.attrs.reach_last - at
    if size and data[at] + 1 == size:  # RFC 6396 section 4.3.4's short form
        at += 1
        length = data[at - 1]
    else:
        if size < FAMILY_SIZE + 1:
            return False
        length = data[at + FAMILY_SIZE]
        if at + FAMILY_SIZE + 1 + length + 1 > entry.attrs.reach_last:  # the reserved octet too
            return False
        at += FAMILY_SIZE + 1
    if afi != AFI_IPV4:
        pick_hop(data, at, length, afi, &entry.text_hop)
        if entry.text_hop.afi:
            entry.column_hop = entry.text_hop
    return True


cdef Py_ssize_t dump_fields(octets data, Py_ssize_t start, Py_ssize_t end, int afi, Py_ssize_t *width,
                            Py_ssize_t *first) noexcept nogil:
    """Where the prefix length of the TABLE_DUMP body ``data[start:end]`` is, -1 when not taken; the address size
    and where the attributes start in `width` and `first` (the pure twin's `_dump_fields`)."""
    cdef Py_ssize_t at
    if afi == AFI_IPV4:
        width[0] = IPV4_SIZE
    elif afi == AFI_IPV6:
        width[0] = IPV6_SIZE
    else:
        return -1
    first[0] = start + TABLE_DUMP_FIXED + 2 * width[0]
    if first[0] > end:
        return -1
    at = start + 4 + width[0]
    if data[at] > 8 * width[0] or first[0] + ((data[first[0] - 2] << 8) | data[first[0] - 1]) != end:
        return -1
    return at


cdef int read_dump(octets data, Py_ssize_t start, Py_ssize_t end, int afi, Rib *rib, Entries *entries) except -1:
    """The TABLE_DUMP body ``data[start:end]`` into `rib` (one entry); 0: not taken, 1: taken."""
    cdef Py_ssize_t width, first, at = dump_fields(data, start, end, afi, &width, &first)
    cdef Entry *entry
    if at < 0:
        return 0
    rib.afi, rib.safi, rib.addpath = afi, SAFI_UNICAST, False
    rib.bits = data[at]
    if entries.capacity == 0:
        entries.data = <Entry *>malloc(64 * sizeof(Entry))
        if entries.data == NULL:
            raise MemoryError()
        entries.capacity = 64
    entry = &entries.data[0]
    if not read_attrs(data, first, end, False, &entry.attrs) or not entry_hops(data, afi, entry):
        return 0
    memset(rib.prefix, 0, IPV6_SIZE)
    memcpy(rib.prefix, data + start + 4, (rib.bits + 7) >> 3)
    rib.address = start + 4
    rib.peer = at + 6
    rib.entries = entries.data
    rib.count = 1
    entry.peer = 0
    entry.path_id = 0
    entry.originated = <uint32_t>read_uint(data + at + 2, 4)
    return 1


cdef Py_ssize_t table_dump_missing(octets data, Py_ssize_t body, Py_ssize_t end, int subtype) noexcept nogil:
    """The C form of `mrt_headers.table_dump_missing` (read it there), line for line."""
    cdef Py_ssize_t fixed = TABLE_DUMP_FIXED + 2 * (IPV4_SIZE if subtype == AFI_IPV4 else IPV6_SIZE)
    if end - body < fixed:
        return 0
    return body + fixed + ((data[body + fixed - 2] << 8) | data[body + fixed - 1]) - end


cdef struct Record:
    Py_ssize_t end
    uint32_t time
    int64_t micro
    int kind
    int subtype
    Py_ssize_t body


cdef bint frame(octets data, Py_ssize_t size, Py_ssize_t position, Record *record) noexcept nogil:
    """The whole record at `position` (False: a partial one); `micro` -1 for a BGP4MP_ET record too short."""
    if size - position < MRT_HEADER_SIZE:
        return False
    record.time = <uint32_t>read_uint(data + position, 4)
    record.kind = (data[position + 4] << 8) | data[position + 5]
    record.subtype = (data[position + 6] << 8) | data[position + 7]
    record.end = position + MRT_HEADER_SIZE + <Py_ssize_t>read_uint(data + position + 8, 4)
    if record.end > size:
        return False
    record.body = position + MRT_HEADER_SIZE
    if record.kind == MRT_TABLE_DUMP and table_dump_missing(data, record.body, record.end, record.subtype) == RIS_SHORT:
        record.end += RIS_SHORT  # early RIS: the octets after the record are its last ones
        if record.end > size:
            return False
    record.micro = 0
    if record.kind == MRT_BGP4MP_ET:
        record.micro = (<int64_t>read_uint(data + record.body, MRT_ET_SIZE)
                        if record.end - record.body >= MRT_ET_SIZE else -1)
        record.body += MRT_ET_SIZE
    return True


cdef int read_record(octets data, Record *record, Py_ssize_t peers, Message *message, Rib *rib,
                     Entries *entries) except -1:
    """1: a message taken (`message`), 2: a RIB record taken (`rib`), 3: a TABLE_DUMP record taken (`rib`), 0:
    not taken."""
    if record.kind == MRT_BGP4MP or record.kind == MRT_BGP4MP_ET:
        if not message_flags(record.subtype, message) or record.micro < 0:
            return 0
        return 1 if read_message(data, record.body, record.end, message) else 0
    if record.kind == MRT_TABLE_DUMP_V2 and rib_flags(record.subtype, rib):
        return 2 if read_rib(data, record.body, record.end, peers, rib, entries) else 0
    if record.kind == MRT_TABLE_DUMP:
        return 3 if read_dump(data, record.body, record.end, record.subtype, rib, entries) else 0
    return 0


# ---------------------------------------------------------------- the text


cdef int put_path(Output *out, octets data, Attrs *attrs, int width) except -1:
    cdef Py_ssize_t at = attrs.first[AS_PATH], last = attrs.last[AS_PATH]
    cdef int kind, count, n
    cdef char separator
    if at < 0:
        return 0
    while at < last:
        if at != attrs.first[AS_PATH]:
            putc(out, b' ')
        kind = data[at]
        count = data[at + 1]
        separator = b',' if kind == AS_SET or kind == AS_CONFED_SET else b' '
        if kind == AS_SET:
            putc(out, b'{')
        elif kind == AS_CONFED_SEQUENCE:
            putc(out, b'(')
        elif kind == AS_CONFED_SET:
            putc(out, b'[')
        for n in range(count):
            if n:
                putc(out, separator)
            put_uint(out, read_uint(data + at + 2 + width * n, width))
        if kind == AS_SET:
            putc(out, b'}')
        elif kind == AS_CONFED_SEQUENCE:
            putc(out, b')')
        elif kind == AS_CONFED_SET:
            putc(out, b']')
        at += 2 + width * count
    return 0


cdef int put_before(Output *out, octets data, Attrs *attrs, int width) except -1:
    """``|PATH|ORIGIN|``"""
    cdef Py_ssize_t at
    putc(out, b'|')
    put_path(out, data, attrs, width)
    at = attrs.first[ORIGIN]
    if at >= 0 and data[at] == ORIGIN_IGP:
        put(out, b"|IGP|", 5)
    elif at >= 0 and data[at] == ORIGIN_EGP:
        put(out, b"|EGP|", 5)
    else:
        put(out, b"|INCOMPLETE|", 12)
    return 0


cdef int put_after(Output *out, octets data, Attrs *attrs, int width) except -1:
    """``|LOCAL_PREF|MED|COMMUNITIES|AG|AGGREGATOR|\\n``"""
    cdef Py_ssize_t at
    cdef uint32_t value
    putc(out, b'|')
    at = attrs.first[LOCAL_PREF]
    put_uint(out, read_uint(data + at, 4) if at >= 0 else 0)
    putc(out, b'|')
    at = attrs.first[MULTI_EXIT_DISC]
    put_uint(out, read_uint(data + at, 4) if at >= 0 else 0)
    putc(out, b'|')
    at = attrs.first[COMMUNITIES]
    if at >= 0:
        while at < attrs.last[COMMUNITIES]:
            if at != attrs.first[COMMUNITIES]:
                putc(out, b' ')
            value = <uint32_t>read_uint(data + at, 4)
            if value == 0xFFFFFF01:
                put(out, b"no-export", 9)
            elif value == 0xFFFFFF02:
                put(out, b"no-advertise", 12)
            elif value == 0xFFFFFF03:
                put(out, b"local-AS", 8)
            else:
                put_uint(out, value >> 16)
                putc(out, b':')
                put_uint(out, value & 0xFFFF)
            at += 4
    if attrs.first[ATOMIC_AGGREGATE] >= 0:
        put(out, b"|AG|", 4)
    else:
        put(out, b"|NAG|", 5)
    at = attrs.first[AGGREGATOR]
    if at >= 0:
        put_uint(out, read_uint(data + at, width))
        putc(out, b' ')
        put_address(out, AFI_IPV4, data + at + width)
    put(out, b"|\n", 2)
    return 0


cdef int put_hop(Output *out, Hop *hop) except -1:
    if hop.afi:
        return put_address(out, hop.afi, hop.address)
    if hop.missing:
        return put(out, b"255.255.255.255", 15)
    return 0


cdef int put_prefixes(Output *out, octets data, Py_ssize_t at, Py_ssize_t end, int afi, bint addpath,
                      const char *head, Py_ssize_t head_size, const char *tail, Py_ssize_t tail_size) except -1:
    """``HEAD PREFIX[|PATH_ID] TAIL`` for each prefix of a section (whole prefixes, checked by the index)."""
    cdef unsigned char address[IPV6_SIZE]
    cdef uint32_t path_id = 0
    cdef int bits, count
    while at < end:
        if addpath:
            path_id = <uint32_t>read_uint(data + at, 4)
            at += 4
        bits = data[at]
        count = (bits + 7) >> 3
        memset(address, 0, IPV6_SIZE)
        memcpy(address, data + at + 1, count)
        put(out, head, head_size)
        put_address(out, afi, address)
        putc(out, b'/')
        put_uint(out, bits)
        if addpath:
            putc(out, b'|')
            put_uint(out, path_id)
        put(out, tail, tail_size)
        at += 1 + count
    return 0


cdef int put_kind(Output *out, Record *record, bint local, bint addpath) except -1:
    """``KIND|TIME`` of a BGP4MP line: BGP4MP or BGP4MP_ET, _LOCAL, _AP; the time with BGP4MP_ET's microseconds."""
    cdef int64_t digit = 100000
    if record.kind == MRT_BGP4MP_ET:
        put(out, b"BGP4MP_ET", 9)
    else:
        put(out, b"BGP4MP", 6)
    if local:
        put(out, b"_LOCAL", 6)
    if addpath:
        put(out, b"_AP", 3)
    putc(out, b'|')
    put_uint(out, record.time)
    if record.kind == MRT_BGP4MP_ET:
        putc(out, b'.')
        while digit > 1 and record.micro < digit:  # six digits at least, as "%06d"
            putc(out, b'0')
            digit //= 10
        put_uint(out, <unsigned long long>record.micro)
    return 0


cdef bint text_state(Output *out, octets data, Record *record) except -1:
    """The ``KIND|TIME|STATE|PEER|AS|OLD|NEW`` line of a BGP4MP STATE_CHANGE or STATE_CHANGE_AS4 record (the pure
    twin's `_state`); False: not taken (an AFI but 1 or 2, the addresses or the states past its end)."""
    cdef int width = ASN4_SIZE if record.subtype == BGP4MP_STATE_CHANGE_AS4 else ASN2_SIZE
    cdef int afi
    cdef Py_ssize_t states
    if record.micro < 0:
        return False
    states = header_end(data, record.body, record.end, width, &afi)
    if states < 0 or states + 4 > record.end:
        return False
    put_kind(out, record, False, False)
    put(out, b"|STATE|", 7)
    put_address(out, afi, data + record.body + 2 * width + 4)  # after the ASes, the interface index and the AFI
    putc(out, b'|')
    put_uint(out, read_uint(data + record.body, width))
    putc(out, b'|')
    put_uint(out, read_uint(data + states, 2))
    putc(out, b'|')
    put_uint(out, read_uint(data + states + 2, 2))
    putc(out, b'\n')
    return True


cdef int text_message(Output *out, Output *scratch, octets data, Record *record, Message *m) except -1:
    """The lines of one message taken; `scratch` holds the heads and the tails."""
    cdef Py_ssize_t head, middle, tail, line
    if not m.update:
        return 0
    scratch.size = 0
    put_kind(scratch, record, m.local, m.addpath)
    middle = scratch.size  # "|W|" or "|A|" goes here
    put(scratch, b"|W|", 3)
    put_address(scratch, m.afi, data + m.head_start + 2 * m.width + 4)
    putc(scratch, b'|')
    put_uint(scratch, read_uint(data + m.head_start, m.width))
    putc(scratch, b'|')
    head = scratch.size  # the head of a line ends here
    put_prefixes(out, data, m.withdrawn_start, m.withdrawn_end, AFI_IPV4, m.addpath, <const char *>scratch.data,
                 head, b"\n", 1)
    if not m.has_attrs:
        return 0
    if m.unreach_start:
        put_prefixes(out, data, m.unreach_start, m.unreach_end, m.unreach_afi, m.addpath,
                     <const char *>scratch.data, head, b"\n", 1)
    scratch.data[middle + 1] = b'A'
    tail = scratch.size
    put_before(scratch, data, &m.attrs, m.width)
    line = scratch.size
    put_hop(scratch, &m.hop4)
    put_after(scratch, data, &m.attrs, m.width)
    put_prefixes(out, data, m.nlri_start, m.nlri_end, AFI_IPV4, m.addpath, <const char *>scratch.data, head,
                 <const char *>scratch.data + tail, scratch.size - tail)
    if m.reach_start:
        scratch.size = line
        put_hop(scratch, &m.reach_hop)
        put_after(scratch, data, &m.attrs, m.width)
        put_prefixes(out, data, m.reach_start, m.reach_end, m.reach_afi, m.addpath, <const char *>scratch.data,
                     head, <const char *>scratch.data + tail, scratch.size - tail)
    return 0


cdef int text_rib(Output *out, Output *scratch, octets data, Record *record, Rib *rib, const char **texts,
                  Py_ssize_t *sizes) except -1:
    cdef Py_ssize_t n, prefix
    cdef Entry *entry
    scratch.size = 0
    if rib.addpath:
        put(scratch, b"TABLE_DUMP2_AP|", 15)
    else:
        put(scratch, b"TABLE_DUMP2|", 12)
    put_uint(scratch, record.time)
    put(scratch, b"|B|", 3)
    prefix = scratch.size
    for n in range(rib.count):
        entry = &rib.entries[n]
        put(out, <const char *>scratch.data, prefix)
        put(out, texts[entry.peer], sizes[entry.peer])
        put_address(out, rib.afi, rib.prefix)
        putc(out, b'/')
        put_uint(out, rib.bits)
        if rib.addpath:
            putc(out, b'|')
            put_uint(out, entry.path_id)
        put_before(out, data, &entry.attrs, ASN4_SIZE)
        put_hop(out, &entry.text_hop)
        put_after(out, data, &entry.attrs, ASN4_SIZE)
    return 0


cdef int text_dump(Output *out, octets data, Record *record, Rib *rib) except -1:
    cdef Entry *entry = &rib.entries[0]
    cdef Py_ssize_t width = IPV4_SIZE if rib.afi == AFI_IPV4 else IPV6_SIZE
    put(out, b"TABLE_DUMP|", 11)
    put_uint(out, record.time)
    put(out, b"|B|", 3)
    put_address(out, rib.afi, data + rib.peer)
    putc(out, b'|')
    put_uint(out, read_uint(data + rib.peer + width, ASN2_SIZE))
    putc(out, b'|')
    put_address(out, rib.afi, data + rib.address)
    putc(out, b'/')
    put_uint(out, rib.bits)
    put_before(out, data, &entry.attrs, ASN2_SIZE)
    put_hop(out, &entry.text_hop)
    put_after(out, data, &entry.attrs, ASN2_SIZE)
    return 0


cdef int check(Py_ssize_t size, object start) except -1:
    if not 0 <= start <= size:
        raise ValueError(f"start {start} is outside the buffer ({size} octets)")
    return 0


def bgpdump_text(data, start, peers):
    """``(stop, records, text)``: bgpdump's lines of the records taken from `start` (see the pure twin)."""
    cdef Py_buffer view
    cdef Output out, scratch
    cdef Record record
    cdef Message message
    cdef Rib rib
    cdef Entries entries
    cdef Py_ssize_t position = start, count = 0, npeers, n
    cdef const char **texts = NULL
    cdef Py_ssize_t *sizes = NULL
    cdef int taken
    cdef tuple known = tuple(peers)
    npeers = len(known)
    memset(&out, 0, sizeof(Output))
    memset(&scratch, 0, sizeof(Output))
    memset(&entries, 0, sizeof(Entries))
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        check(view.len, start)
        texts = <const char **>malloc((npeers + 1) * sizeof(char *))
        sizes = <Py_ssize_t *>malloc((npeers + 1) * sizeof(Py_ssize_t))
        if texts == NULL or sizes == NULL:
            raise MemoryError()
        for n in range(npeers):
            if type(known[n]) is not bytes:
                raise TypeError("the peers' texts are bytes")
            texts[n] = PyBytes_AS_STRING(known[n])
            sizes[n] = PyBytes_GET_SIZE(known[n])
        reserve(&out, 1 << 16)
        reserve(&scratch, 1 << 10)
        while frame(<octets>view.buf, view.len, position, &record):
            if (record.kind == MRT_BGP4MP or record.kind == MRT_BGP4MP_ET) and (
                record.subtype == BGP4MP_STATE_CHANGE or record.subtype == BGP4MP_STATE_CHANGE_AS4
            ):
                if not text_state(&out, <octets>view.buf, &record):
                    break
                position = record.end
                count += 1
                continue
            taken = read_record(<octets>view.buf, &record, npeers, &message, &rib, &entries)
            if taken == 1:
                text_message(&out, &scratch, <octets>view.buf, &record, &message)
            elif taken == 2:
                text_rib(&out, &scratch, <octets>view.buf, &record, &rib, texts, sizes)
            elif taken == 3:
                text_dump(&out, <octets>view.buf, &record, &rib)
            else:
                break
            position = record.end
            count += 1
        text = PyUnicode_DecodeASCII(<const char *>out.data, out.size, NULL)
    finally:
        PyBuffer_Release(&view)
        free(out.data)
        free(scratch.data)
        free(entries.data)
        free(texts)
        free(sizes)
    return position, count, text


# ---------------------------------------------------------------- the JSON lines


cdef Py_ssize_t json_update(octets data, Record *record, Message *m) noexcept nogil:
    """Where the UPDATE of a BGP4MP message record starts (its header), -1 when the record is not one."""
    cdef Py_ssize_t at, length
    if record.kind != MRT_BGP4MP and record.kind != MRT_BGP4MP_ET:
        return -1
    if not message_flags(record.subtype, m) or record.micro < 0:
        return -1
    at = message_at(data, record.body, record.end, m, &length)
    if at < 0 or data[at + TYPE_AT] != UPDATE:
        return -1
    m.withdrawn_end = at + length  # the message's end
    return at


cdef enum:
    ATTRIBUTE_LIMIT = 255  # longer values take the extended length


cdef bint reach_body(octets data, Py_ssize_t first, Py_ssize_t last, octets nlri, Py_ssize_t nlri_size,
                     Output *scratch) except -1:
    """The UPDATE body of an IPv6 RIB entry into `scratch` (the pure twin's `_reach_body`); False: not taken."""
    cdef uint64_t seen[4]
    cdef Py_ssize_t at = first, value, end, section, hop_size = 0, reach
    cdef const unsigned char *hop = NULL
    cdef int code
    memset(seen, 0, sizeof(seen))
    scratch.size = 0
    put(scratch, b"\x00\x00\x00\x00", 4)  # no withdrawn routes; the attribute length, set below
    while at < last:
        value = attribute_value(data, at, last, &end)
        if value < 0 or end > last:
            return False
        code = data[at + 1]
        if (seen[code >> 6] >> (code & 63)) & 1:
            return False
        seen[code >> 6] |= 1ULL << (code & 63)
        if code == MP_REACH_NLRI:
            if end > value and data[value] + 1 == end - value:
                hop, hop_size = data + value + 1, end - value - 1
            elif end - value >= 4:
                hop, hop_size = data + value + 4, min(<Py_ssize_t>data[value + 3], end - value - 4)
        else:
            if code == NEXT_HOP and hop_size == 0:
                hop, hop_size = data + value, end - value
            put(scratch, <const char *>data + at, end - at)
        at = end
    if hop_size > ATTRIBUTE_LIMIT:
        return False
    reach = 3 + 1 + hop_size + 1 + nlri_size
    if reach > ATTRIBUTE_LIMIT:
        putc(scratch, <char>(OPTIONAL | EXTENDED_LENGTH))
        putc(scratch, <char>MP_REACH_NLRI)
        putc(scratch, <char>(reach >> 8))
        putc(scratch, <char>(reach & 0xFF))
    else:
        putc(scratch, <char>OPTIONAL)
        putc(scratch, <char>MP_REACH_NLRI)
        putc(scratch, <char>reach)
    put(scratch, b"\x00\x02\x01", 3)  # IPv6 unicast
    putc(scratch, <char>hop_size)
    if hop_size:
        put(scratch, <const char *>hop, hop_size)
    putc(scratch, 0)
    put(scratch, <const char *>nlri, nlri_size)
    section = scratch.size - 4
    if section > 0xFFFF:
        return False
    scratch.data[2] = <unsigned char>(section >> 8)
    scratch.data[3] = <unsigned char>(section & 0xFF)
    return True


cdef struct Text:
    Py_ssize_t peer  # a RIB entry's peer, its index in the PEER_INDEX_TABLE
    Py_ssize_t start  # the JSON text of its UPDATE, in the texts buffer
    Py_ssize_t end


cdef Py_ssize_t json_entries(octets data, Py_ssize_t start, Py_ssize_t end, bint ipv6, bint addpath,
                             Py_ssize_t peers, Output *scratch, Output *nlri, Output *texts,
                             Output *entries) except -2:
    """The entries of a unicast RIB record body, their texts into `texts` and a `Text` each into `entries`;
    how many, or -1 when not taken (the pure twin's ``[(peer, text)]`` or None)."""
    cdef Py_ssize_t at = start + 4, nlri_end, cursor, first, last, head, n, count
    cdef size_t peer
    cdef Text entry
    texts.size = entries.size = 0
    if at >= end:
        return -1
    nlri_end = at + 1 + ((data[at] + 7) >> 3)
    if nlri_end + 2 > end:
        return -1
    count = (data[nlri_end] << 8) | data[nlri_end + 1]
    cursor = nlri_end + 2
    head = RIB_ENTRY + (RIB_PATH_ID if addpath else 0)
    for n in range(count):
        if cursor + head > end:
            return -1
        peer = (data[cursor] << 8) | data[cursor + 1]
        first = cursor + head
        last = first + ((data[first - 2] << 8) | data[first - 1])
        if last > end or <Py_ssize_t>peer >= peers:
            return -1
        if ipv6:
            nlri.size = 0
            if addpath:
                put(nlri, <const char *>data + cursor + 6, RIB_PATH_ID)
            put(nlri, <const char *>data + at, nlri_end - at)
            if not reach_body(data, first, last, nlri.data, nlri.size, scratch):
                return -1
        else:
            scratch.size = 0
            put(scratch, b"\x00\x00", 2)
            put(scratch, <const char *>data + first - 2, last - first + 2)
            if addpath:
                put(scratch, <const char *>data + cursor + 6, RIB_PATH_ID)
            put(scratch, <const char *>data + at, nlri_end - at)
        entry.peer = peer
        entry.start = texts.size
        if not put_update(texts, scratch.data, scratch.size, True, addpath, addpath):
            return -1
        entry.end = texts.size
        put(entries, <const char *>&entry, sizeof(Text))
        cursor = last
    if count == 0 or cursor != end:
        return -1
    return count


cdef Py_ssize_t json_dump(octets data, Py_ssize_t start, Py_ssize_t end, int afi, Output *scratch,
                          Output *nlri) except -2:
    """The UPDATE body of a TABLE_DUMP body's entry into `scratch`; where its peer's address is (the `heads` key
    is it and the AS after it), -1 when not taken (the pure twin's `_json_dump`)."""
    cdef Py_ssize_t width, first, at = dump_fields(data, start, end, afi, &width, &first)
    if at < 0:
        return -1
    nlri.size = 0
    put(nlri, <const char *>data + at, 1)
    put(nlri, <const char *>data + start + 4, (data[at] + 7) >> 3)
    if afi == AFI_IPV4:
        scratch.size = 0
        put(scratch, b"\x00\x00", 2)
        put(scratch, <const char *>data + first - 2, end - first + 2)
        put(scratch, <const char *>nlri.data, nlri.size)
    elif not reach_body(data, first, end, nlri.data, nlri.size, scratch):
        return -1
    return at + 6


cdef bint session_record(octets data, Record *record, Message *m) noexcept nogil:
    """Whether a record is one the `sessions` table holds the lines of: a BGP4MP STATE_CHANGE or
    STATE_CHANGE_AS4, or a MESSAGE* record whose message is not an UPDATE (the pure twin's `_session_key`)."""
    cdef Py_ssize_t length, at
    if (record.kind != MRT_BGP4MP and record.kind != MRT_BGP4MP_ET) or record.micro < 0:
        return False
    if message_flags(record.subtype, m):
        at = message_at(data, record.body, record.end, m, &length)
        return at >= 0 and data[at + TYPE_AT] != UPDATE
    return record.subtype == BGP4MP_STATE_CHANGE or record.subtype == BGP4MP_STATE_CHANGE_AS4


cdef inline int put_text(Output *out, bytes text) except -1:
    return put(out, PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text))


cdef inline int head(Output *out, bytes lead, bytes when, bytes middle, unsigned long long number,
                     bytes after) except -1:
    """A line up to its message: `lead`, the time, `middle`, the counter `number`, `after` (UTF-8)."""
    put_text(out, lead)
    put_text(out, when)
    put_text(out, middle)
    put_uint(out, number)
    return put_text(out, after)


cdef inline bytes utf8(dict known, str text):
    """`text` in UTF-8, encoded once per call of `json_lines` (`known`)."""
    cdef object found = known.get(text)
    if found is None:
        found = known[text] = text.encode("utf-8")
    return <bytes>found


def json_lines(data, start, heads, peers, sessions, counts, lead, middle, tail):
    """``(stop, records, text)``: the JSON lines of the records taken from `start` (see the pure twin)."""
    cdef Py_buffer view
    cdef Record record
    cdef Message message
    cdef Output out, scratch, nlri, texts, entries
    cdef Text *entry
    cdef Py_ssize_t position = start, count = 0, at, npeers = len(peers), taken, n, line, size
    cdef unsigned long long number
    cdef char key[64]
    cdef char *keyed
    cdef const unsigned char *body
    cdef bint asn4, addpath
    cdef int64_t seen_micro = -1
    cdef uint32_t seen_time = 0
    cdef dict encoded = {}
    cdef bytes lead8 = lead.encode("utf-8"), middle8 = middle.encode("utf-8"), tail8 = tail.encode("utf-8")
    cdef bytes when = b"", after, session
    cdef object found, slot
    cdef list tally = counts
    cdef Py_ssize_t *slots = NULL  # the PEER_INDEX_TABLE's peers: their counter's slot,
    cdef list afters = []  # and the text after their counter
    memset(&out, 0, sizeof(Output))
    memset(&scratch, 0, sizeof(Output))
    memset(&nlri, 0, sizeof(Output))
    memset(&texts, 0, sizeof(Output))
    memset(&entries, 0, sizeof(Output))
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        check(view.len, start)
        slots = <Py_ssize_t *>malloc((npeers + 1) * sizeof(Py_ssize_t))
        if slots == NULL:
            raise MemoryError()
        for n in range(npeers):
            slots[n] = peers[n][0]
            afters.append(utf8(encoded, peers[n][1]))
        reserve(&out, 1 << 16)  # grown by doubling: a call may take one record only
        reserve(&scratch, 1 << 10)
        reserve(&nlri, 64)
        while frame(<octets>view.buf, view.len, position, &record):
            if seen_micro != record.micro or seen_time != record.time:
                seen_time, seen_micro = record.time, record.micro
                when = (repr(record.time + record.micro / 1e6) if record.micro > 0 else repr(float(record.time))).encode(
                    "ascii"
                )
            if record.kind == MRT_TABLE_DUMP_V2 and (
                record.subtype == RIB_IPV4_UNICAST or record.subtype == RIB_IPV4_UNICAST_ADDPATH or
                record.subtype == RIB_IPV6_UNICAST or record.subtype == RIB_IPV6_UNICAST_ADDPATH
            ):
                taken = json_entries(
                    <octets>view.buf, record.body, record.end,
                    record.subtype == RIB_IPV6_UNICAST or record.subtype == RIB_IPV6_UNICAST_ADDPATH,
                    record.subtype == RIB_IPV4_UNICAST_ADDPATH or record.subtype == RIB_IPV6_UNICAST_ADDPATH,
                    npeers, &scratch, &nlri, &texts, &entries,
                )
                if taken < 0:
                    break
                for n in range(taken):
                    entry = (<Text *>entries.data) + n
                    number = tally[slots[entry.peer]] + 1
                    tally[slots[entry.peer]] = number
                    head(&out, lead8, when, middle8, number, <bytes>afters[entry.peer])
                    put(&out, (<const char *>texts.data) + entry.start, entry.end - entry.start)
                    put_text(&out, tail8)
                position = record.end
                count += 1
                continue
            if session_record(<octets>view.buf, &record, &message):  # the rest of its line, as the general path made it
                size = record.end - record.body
                session = PyBytes_FromStringAndSize(NULL, 2 + size)
                keyed = PyBytes_AS_STRING(session)
                keyed[0], keyed[1] = <char>(record.subtype >> 8), <char>(record.subtype & 0xFF)
                memcpy(keyed + 2, <octets>view.buf + record.body, size)
                found = sessions.get(session)
                if found is None:
                    break
                slot, after = found[0], utf8(encoded, found[1])
                number = tally[slot] + 1
                tally[slot] = number
                head(&out, lead8, when, middle8, number, after)
                position = record.end
                count += 1
                continue
            if record.kind == MRT_TABLE_DUMP:
                at = json_dump(<octets>view.buf, record.body, record.end, record.subtype, &scratch, &nlri)
                if at < 0:
                    break
                size = (IPV4_SIZE if record.subtype == AFI_IPV4 else IPV6_SIZE) + 2  # the peer's address and AS
                key[0] = 2
                memcpy(key + 1, <octets>view.buf + at, size)
                found = heads.get(PyBytes_FromStringAndSize(key, 1 + size))
                body, size, asn4, addpath = <const unsigned char *>scratch.data, scratch.size, False, False
            else:
                at = json_update(<octets>view.buf, &record, &message)
                if at < 0:
                    break
                key[0] = 1 if message.local else 0
                memcpy(key + 1, <octets>view.buf + message.head_start, at - message.head_start)
                found = heads.get(PyBytes_FromStringAndSize(key, 1 + at - message.head_start))
                body, size = <octets>view.buf + at + HEADER_SIZE, message.withdrawn_end - at - HEADER_SIZE
                asn4, addpath = message.asn4, message.addpath
            if found is None:
                break
            slot, after = found[0], utf8(encoded, found[1])
            number = tally[slot] + 1
            line = out.size
            head(&out, lead8, when, middle8, number, after)
            if not put_update(&out, body, size, asn4, addpath, addpath):
                out.size = line
                break
            tally[slot] = number
            put_text(&out, tail8)
            position = record.end
            count += 1
        return position, count, PyUnicode_DecodeUTF8(<const char *>out.data, out.size, NULL)
    finally:
        PyBuffer_Release(&view)
        free(out.data)
        free(scratch.data)
        free(nlri.data)
        free(texts.data)
        free(entries.data)
        free(slots)


# ---------------------------------------------------------------- the columns


cdef struct Columns:
    Output column[MRT_COLUMNS]
    Py_ssize_t rows


cdef struct Row:
    uint64_t prefix_hi
    uint64_t prefix_lo
    uint8_t length
    uint8_t afi
    uint8_t safi
    uint32_t path_id
    uint32_t peer
    double time
    uint32_t originated
    uint8_t withdrawn
    uint32_t origin_as
    uint16_t as_path_length
    uint64_t nexthop_hi
    uint64_t nexthop_lo
    uint8_t nexthop_afi
    int32_t attribute_set
    int64_t record
    uint8_t set_kind


cdef inline void halves(int afi, const unsigned char *address, uint64_t *hi, uint64_t *lo) noexcept nogil:
    if afi == AFI_IPV4:
        hi[0] = 0
        lo[0] = read_uint(address, 4)
    elif afi == AFI_IPV6:
        hi[0] = read_uint(address, 8)
        lo[0] = read_uint(address + 8, 8)
    else:
        hi[0] = lo[0] = 0


cdef int put_row(Columns *columns, Row *row) except -1:
    put(&columns.column[MRT_PREFIX_HI], <char *>&row.prefix_hi, 8)
    put(&columns.column[MRT_PREFIX_LO], <char *>&row.prefix_lo, 8)
    put(&columns.column[MRT_LENGTH], <char *>&row.length, 1)
    put(&columns.column[MRT_AFI], <char *>&row.afi, 1)
    put(&columns.column[MRT_SAFI], <char *>&row.safi, 1)
    put(&columns.column[MRT_PATH_ID], <char *>&row.path_id, 4)
    put(&columns.column[MRT_PEER], <char *>&row.peer, 4)
    put(&columns.column[MRT_TIME], <char *>&row.time, 8)
    put(&columns.column[MRT_ORIGINATED], <char *>&row.originated, 4)
    put(&columns.column[MRT_WITHDRAWN], <char *>&row.withdrawn, 1)
    put(&columns.column[MRT_ORIGIN_AS], <char *>&row.origin_as, 4)
    put(&columns.column[MRT_AS_PATH_LENGTH], <char *>&row.as_path_length, 2)
    put(&columns.column[MRT_NEXTHOP_HI], <char *>&row.nexthop_hi, 8)
    put(&columns.column[MRT_NEXTHOP_LO], <char *>&row.nexthop_lo, 8)
    put(&columns.column[MRT_NEXTHOP_AFI], <char *>&row.nexthop_afi, 1)
    put(&columns.column[MRT_ATTRIBUTE_SET], <char *>&row.attribute_set, 4)
    put(&columns.column[MRT_RECORD], <char *>&row.record, 8)
    put(&columns.column[MRT_SET_KIND], <char *>&row.set_kind, 1)
    columns.rows += 1
    return 0


cdef int rows_of(Columns *columns, Row *row, octets data, Py_ssize_t at, Py_ssize_t end, int afi, int safi,
                 bint addpath, bint withdrawn, Hop *hop) except -1:
    """One row per prefix of a section; `row` holds what they share."""
    cdef unsigned char address[IPV6_SIZE]
    cdef int count
    row.afi = afi
    row.safi = safi
    row.withdrawn = withdrawn
    if withdrawn or hop.afi == 0:
        row.nexthop_afi = 0
        row.nexthop_hi = row.nexthop_lo = 0
    else:
        row.nexthop_afi = hop.afi
        halves(hop.afi, hop.address, &row.nexthop_hi, &row.nexthop_lo)
    while at < end:
        if addpath:
            row.path_id = <uint32_t>read_uint(data + at, 4)
            at += 4
        row.length = data[at]
        count = (row.length + 7) >> 3
        memset(address, 0, IPV6_SIZE)
        memcpy(address, data + at + 1, count)
        halves(afi, address, &row.prefix_hi, &row.prefix_lo)
        put_row(columns, row)
        at += 1 + count
    return 0


cdef void path_numbers(octets data, Attrs *attrs, int width, Row *row) noexcept nogil:
    cdef Py_ssize_t at = attrs.first[AS_PATH], last = attrs.last[AS_PATH]
    cdef int kind, count
    row.origin_as = 0
    row.as_path_length = 0
    if at < 0:
        return
    while at < last:
        kind = data[at]
        count = data[at + 1]
        if kind == AS_SEQUENCE:
            row.as_path_length += count
            row.origin_as = <uint32_t>read_uint(data + at + 2 + width * (count - 1), width)
        else:
            if kind == AS_SET:
                row.as_path_length += 1
            row.origin_as = 0
        at += 2 + width * count


cdef Py_ssize_t intern(object table, octets data, Py_ssize_t start, Py_ssize_t end) except -1:
    """The number of the octets in `table` (a dict), added at its end when new."""
    cdef bytes key = PyBytes_FromStringAndSize(<const char *>data + start, end - start)
    cdef PyObject *found = PyDict_GetItem(table, key)
    cdef Py_ssize_t number
    if found != NULL:
        return <object>found
    number = len(table)
    PyDict_SetItem(table, key, number)
    return number


def mrt_columns(data, start, index, peers, heads, sets, columns):
    """``(stop, records)``: the rows of the records taken from `start` appended to `columns` (see the pure twin)."""
    cdef Py_buffer view
    cdef Columns out
    cdef Record record
    cdef Message message
    cdef Rib rib
    cdef Entries entries
    cdef Row row
    cdef Entry *entry
    cdef Py_ssize_t position = start, count = 0, npeers, n, number
    cdef int64_t first = index
    cdef uint32_t *translate = NULL
    cdef int taken, i
    cdef octets buf
    cdef tuple known = tuple(peers)
    cdef dict head_numbers = heads
    cdef dict table
    cdef PyObject *found
    cdef list targets = list(columns)
    cdef tuple tables = tuple(sets)
    if len(targets) != MRT_COLUMNS or len(tables) != SET_KINDS:
        raise ValueError(f"mrt_columns takes {MRT_COLUMNS} columns and {SET_KINDS} set tables")
    for i in range(MRT_COLUMNS):
        if (<array.array?>targets[i]).typecode != MRT_TYPECODES[i]:
            raise ValueError(f"column {i} is not of type code {MRT_TYPECODES[i]!r}")
    npeers = len(known)
    memset(&out, 0, sizeof(Columns))
    memset(&entries, 0, sizeof(Entries))
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        check(view.len, start)
        buf = <octets>view.buf
        translate = <uint32_t *>malloc((npeers + 1) * sizeof(uint32_t))
        if translate == NULL:
            raise MemoryError()
        for n in range(npeers):
            translate[n] = known[n]
        while frame(buf, view.len, position, &record):
            taken = read_record(buf, &record, npeers, &message, &rib, &entries)
            if taken == 0:
                break
            memset(&row, 0, sizeof(Row))
            row.record = first + count
            if taken == 1:
                found = PyDict_GetItem(head_numbers, PyBytes_FromStringAndSize(
                    <const char *>buf + message.head_start, message.head_end - message.head_start))
                if found == NULL:
                    break
                row.peer = <object>found
                row.time = <double>record.time + <double>record.micro / 1e6
                if message.update:
                    row.set_kind = 0 if message.asn4 else 1
                    row.attribute_set = -1
                    rows_of(&out, &row, buf, message.withdrawn_start, message.withdrawn_end, AFI_IPV4, SAFI_UNICAST,
                            message.addpath, True, &message.hop4)
                    if message.has_attrs:
                        if message.unreach_start:
                            rows_of(&out, &row, buf, message.unreach_start, message.unreach_end, message.unreach_afi,
                                    SAFI_UNICAST, message.addpath, True, &message.hop4)
                        table = tables[row.set_kind]
                        number = intern(table, buf, message.attrs.start, message.attrs.end)
                        row.attribute_set = <int32_t>number
                        path_numbers(buf, &message.attrs, message.width, &row)
                        rows_of(&out, &row, buf, message.nlri_start, message.nlri_end, AFI_IPV4, SAFI_UNICAST,
                                message.addpath, False, &message.hop4)
                        if message.reach_start:
                            rows_of(&out, &row, buf, message.reach_start, message.reach_end, message.reach_afi,
                                    SAFI_UNICAST, message.addpath, False, &message.reach_hop)
            elif taken == 3:
                found = PyDict_GetItem(head_numbers, PyBytes_FromStringAndSize(
                    <const char *>buf + rib.peer, (IPV4_SIZE if rib.afi == AFI_IPV4 else IPV6_SIZE) + ASN2_SIZE))
                if found == NULL:
                    break
                entry = &rib.entries[0]
                row.peer = <object>found
                row.time = <double>record.time
                row.set_kind = 3
                row.originated = entry.originated
                row.attribute_set = <int32_t>intern(tables[3], buf, entry.attrs.start, entry.attrs.end)
                path_numbers(buf, &entry.attrs, ASN2_SIZE, &row)
                rows_of(&out, &row, buf, 0, 0, rib.afi, rib.safi, False, False, &entry.column_hop)
                row.length = rib.bits
                halves(rib.afi, rib.prefix, &row.prefix_hi, &row.prefix_lo)
                put_row(&out, &row)
            else:
                row.time = <double>record.time
                row.set_kind = 2
                table = tables[2]
                for n in range(rib.count):
                    entry = &rib.entries[n]
                    row.peer = translate[entry.peer]
                    row.originated = entry.originated
                    row.path_id = entry.path_id
                    row.attribute_set = <int32_t>intern(table, buf, entry.attrs.start, entry.attrs.end)
                    path_numbers(buf, &entry.attrs, ASN4_SIZE, &row)
                    rows_of(&out, &row, buf, 0, 0, rib.afi, rib.safi, False, False, &entry.column_hop)
                    # the one prefix of the record
                    row.length = rib.bits
                    halves(rib.afi, rib.prefix, &row.prefix_hi, &row.prefix_lo)
                    put_row(&out, &row)
            position = record.end
            count += 1
        for i in range(MRT_COLUMNS):
            if out.rows:
                array.extend_buffer(targets[i], <char *>out.column[i].data, out.rows)
    finally:
        PyBuffer_Release(&view)
        for i in range(MRT_COLUMNS):
            free(out.column[i].data)
        free(entries.data)
        free(translate)
    return position, count


cdef inline void put32(unsigned char *out, uint32_t value) noexcept nogil:
    out[0] = value >> 24
    out[1] = (value >> 16) & 0xFF
    out[2] = (value >> 8) & 0xFF
    out[3] = value & 0xFF


cdef inline Py_ssize_t family_at(const int *fields) noexcept nogil:
    """Where an indexed UPDATE's MP_REACH_NLRI value (else its MP_UNREACH_NLRI's) starts, with its AFI; 0: none."""
    if fields[INDEX_REACH] and fields[INDEX_REACH_VALUE]:
        return fields[INDEX_REACH_VALUE]
    if fields[INDEX_UNREACH]:
        return fields[INDEX_UNREACH_VALUE]
    return 0


def bgp4mp_records(octets, index, head, uint32_t seconds, uint32_t micro, uint16_t subtype, uint16_t subtype6):
    """The BGP4MP_ET records of a run of received UPDATEs (see the pure twin): each record's size is known from
    the index, so the whole result is one bytes object filled in place."""
    cdef Py_buffer view, positions, session
    cdef const unsigned char *data
    cdef const int *fields
    cdef unsigned char *out
    cdef Py_ssize_t count, record, start, end, value, total, after
    cdef uint16_t kind
    cdef bytes result
    PyObject_GetBuffer(index, &positions, PyBUF_SIMPLE)
    try:
        PyObject_GetBuffer(octets, &view, PyBUF_SIMPLE)
        try:
            PyObject_GetBuffer(head, &session, PyBUF_SIMPLE)
            try:
                data = <const unsigned char *>view.buf
                count = positions.len // (INDEX_FIELDS * sizeof(int))
                after = MRT_ET_SIZE + session.len
                total = 0
                for record in range(count):
                    fields = <const int *>positions.buf + record * INDEX_FIELDS
                    start = fields[INDEX_START]
                    end = fields[INDEX_END]
                    value = family_at(fields)
                    if not 0 <= start <= end <= view.len or value and not start < value <= end - FAMILY_SIZE:
                        raise ValueError(f"index record {record} outside the {view.len} octets of the run")
                    total += MRT_HEADER_SIZE + after + end - start
                result = PyBytes_FromStringAndSize(NULL, total)
                out = <unsigned char *>PyBytes_AS_STRING(result)
                for record in range(count):
                    fields = <const int *>positions.buf + record * INDEX_FIELDS
                    start = fields[INDEX_START]
                    end = fields[INDEX_END]
                    value = family_at(fields)
                    kind = subtype6 if value and (data[value] << 8 | data[value + 1]) == AFI_IPV6 else subtype
                    put32(out, seconds)
                    out[4] = MRT_BGP4MP_ET >> 8
                    out[5] = MRT_BGP4MP_ET & 0xFF
                    out[6] = kind >> 8
                    out[7] = kind & 0xFF
                    put32(out + 8, <uint32_t>(after + end - start))
                    put32(out + MRT_HEADER_SIZE, micro)
                    memcpy(out + MRT_HEADER_SIZE + MRT_ET_SIZE, session.buf, session.len)
                    memcpy(out + MRT_HEADER_SIZE + after, data + start, end - start)
                    out += MRT_HEADER_SIZE + after + end - start
                return result
            finally:
                PyBuffer_Release(&session)
        finally:
            PyBuffer_Release(&view)
    finally:
        PyBuffer_Release(&positions)
