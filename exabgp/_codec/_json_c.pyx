# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled twin of `_json_py.py`: UPDATE of the unicast, multicast, labeled and VPN families to 5.0 JSON text.

Same contract, same output, same declines as the pure twin (which carries
the rules and the RFC references; the numbers and the attributes' rules
are `tables`', cimported from the generated `_tables.pxd` and copied into
C arrays when the module loads).  The text is written into one growing C
buffer, `_octets.Output`, by `_octets`' writers: integers by a small decimal
writer, IPv6 addresses by the C library's inet_ntop (the same routine
Python's socket.inet_ntop calls, so RFC 5952 compression and the
IPv4-mapped forms are identical).  Attributes are located
in a first pass (one slot per accepted type code) and printed in type-code
order in a second, which is 5.0's order.  The MP families rendered are
looked up in small C arrays made from `tables` when the module loads (IPv6
unicast first: the full table's case costs one comparison); an End-of-RIB's
text comes from a dict made then too (the one Python call of the module,
once per End-of-RIB).  Labeled and VPN NLRI are written by `_nlri_c.put_labeled`
(in `_nlri_c`'s C file, which keeps gcc's inlining of this one as it was:
see `_nlri_c.pxd`).  `render_update` and `render_run`
share that one writer (`put_update`): a run's lines go into one buffer
and become one str at the end; a run is read through its index (no
framing, an UPDATE not marked plain declined unread).
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeASCII
from libc.stdint cimport uint64_t
from libc.stdlib cimport malloc, free, qsort
from libc.string cimport memcpy, memcmp

from exabgp._codec._nlri_c cimport put_labeled, put_nlri_opening
from exabgp._codec._octets cimport (
    Output, attribute_value, put, put_ipv4, put_ipv6, put_uint, putc, puts, read_uint, reserve,
)
from exabgp._codec._tables cimport (
    AFI_IPV4, AFI_IPV6, AGGREGATOR, AS_CONFED_SET, AS_PATH, AS_SET, ASN2_SIZE, ASN4_SIZE, ATOMIC_AGGREGATE, CLUSTER_LIST,
    COMMON_LIMIT, COMMUNITIES, COMMUNITY_SIZE, FAMILY_SIZE, FLAGS_CHECKED, FLAGS_CHECKED_OPTIONAL,
    HEADER_SIZE, INDEX_END, INDEX_FIELDS, INDEX_PLAIN, INDEX_START, IPV4_SIZE, IPV6_SIZE, LARGE_COMMUNITY,
    LARGE_COMMUNITY_SIZE, LOCAL_PREF, MP_REACH_NLRI, MP_UNREACH_NLRI, MULTI_EXIT_DISC, NEXT_HOP, OPTIONAL, ORIGIN,
    ORIGIN_EGP, ORIGIN_IGP, ORIGIN_INCOMPLETE, ORIGINATOR_ID, PARTIAL, SAFI_MPLS_VPN,
    SAFI_NLRI_MPLS, SAFI_UNICAST, TRANSITIVE, UPDATE_MINIMUM,
)
from exabgp._codec.tables import (
    AFI_NAMES, ATTRIBUTE_FLAGS, COMMON, ITEM_SIZES, JSON_MP_FAMILIES, KNOWN, NEXTHOP_SIZES, SAFI_NAMES, VALUE_SIZES,
)
from exabgp._codec._tables cimport (
    EXTENDED_AS2, EXTENDED_AS4, EXTENDED_COMMUNITIES, EXTENDED_COMMUNITY_SIZE, EXTENDED_IPV4, EXTENDED_NON_TRANSITIVE,
    ROUTE_ORIGIN, ROUTE_TARGET,
)

__all__ = ("render_update", "render_run")

cdef enum:
    # MP_REACH_NLRI: AFI, SAFI, the next-hop length, the next hop, reserved, the NLRI
    REACH_NEXTHOP = FAMILY_SIZE + 1
    # the families rendered: IPv4 unicast (the classic fields, `IPV4_UNICAST`) and those of MP_REACH_NLRI /
    # MP_UNREACH_NLRI (`tables.JSON_MP_FAMILIES`), from index 1
    FAMILIES = 8
    IPV4_UNICAST = 0
    # the NLRI of a family: plain prefixes, labeled (RFC 8277), VPN (RFC 4364), as `_nlri_py`'s kinds
    PLAIN = 0
    LABELED = 1
    VPN = 2
    # room for a family's name, copied whole (a copy of a constant size is a few moves, not a call)
    NAME_ROOM = 32

# by family (IPv4 unicast, then the pure twin's `_MP_FAMILIES`, IPv6 unicast first): the AFI and SAFI as one number
# (`family_code`), IPv6 or IPv4, the next-hop lengths allowed (bit N: N octets), the size of the next hop's route
# distinguisher, the NLRI kind, the name as `"name": ` in `NAME_ROOM` octets and its size; and EORS, the End-of-RIB
# texts by `family_code` of every family MP attributes may carry.  Plain loops and % formatting: the C of comprehensions and f-strings here took gcc's inlining
# budget from the writers of the hot path (callgrind: +4 % on a full table)
cdef unsigned int CODE[FAMILIES]
cdef bint IPV6[FAMILIES]
cdef unsigned long long NEXTHOP_LENGTHS[FAMILIES]
cdef int NEXTHOP_RD[FAMILIES]
cdef int KIND[FAMILIES]
cdef char NAME[FAMILIES][NAME_ROOM]
cdef Py_ssize_t NAME_SIZE[FAMILIES]
cdef bytes _name
assert len(JSON_MP_FAMILIES) + 1 == FAMILIES
_index = 0
for _afi, _safi in ((AFI_IPV4, SAFI_UNICAST),) + JSON_MP_FAMILIES:
    _name = ('"%s %s": ' % (AFI_NAMES[_afi], SAFI_NAMES[_safi])).encode()
    assert len(_name) <= NAME_ROOM
    memcpy(NAME[_index], <const char *>_name, len(_name))
    NAME_SIZE[_index] = len(_name)
    CODE[_index] = (_afi << 8) | _safi
    IPV6[_index] = _afi == AFI_IPV6
    NEXTHOP_LENGTHS[_index] = 0
    for _size in NEXTHOP_SIZES[_afi, _safi][0]:
        assert _size < 64
        NEXTHOP_LENGTHS[_index] |= 1ULL << _size
    NEXTHOP_RD[_index] = NEXTHOP_SIZES[_afi, _safi][1]
    KIND[_index] = VPN if _safi == SAFI_MPLS_VPN else LABELED if _safi == SAFI_NLRI_MPLS else PLAIN
    _index += 1
EORS = {}
for _afi, _safi in NEXTHOP_SIZES:
    EORS[(_afi << 8) | _safi] = (
        '{ "eor": { "afi" : "%s", "safi" : "%s" } }' % (AFI_NAMES[_afi], SAFI_NAMES[_safi])
    ).encode()
cdef bytes EOR_IPV4_UNICAST = EORS[(AFI_IPV4 << 8) | SAFI_UNICAST]

# by code, whether 5.0 knows the attribute (`tables.KNOWN`): an optional one it does not know is shown raw when
# transitive and ignored when not (the pure twin's loop), one it knows and this twin does not render declines the
# UPDATE
cdef bint IS_KNOWN[256]
for _code in range(256):
    IS_KNOWN[_code] = _code in KNOWN

# by code, for the attributes rendered here (`tables`' common ones, the MP ones, EXTENDED_COMMUNITIES): the flags
# (0: not rendered) and the bits compared with them, the exact value size (-1: none); the list item sizes are
# compile-time divisors, the table's (checked here)
cdef unsigned char EXPECTED_FLAGS[COMMON_LIMIT]
cdef unsigned char FLAGS_MASK[COMMON_LIMIT]
cdef int VALUE_SIZE[COMMON_LIMIT]
assert MP_REACH_NLRI < COMMON_LIMIT and MP_UNREACH_NLRI < COMMON_LIMIT and EXTENDED_COMMUNITIES < COMMON_LIMIT
for _code in range(COMMON_LIMIT):
    EXPECTED_FLAGS[_code] = (
        ATTRIBUTE_FLAGS[_code] if _code in COMMON | {MP_REACH_NLRI, MP_UNREACH_NLRI, EXTENDED_COMMUNITIES} else 0
    )
    FLAGS_MASK[_code] = FLAGS_CHECKED_OPTIONAL if EXPECTED_FLAGS[_code] & OPTIONAL else FLAGS_CHECKED
    VALUE_SIZE[_code] = VALUE_SIZES.get(_code, -1)
assert ITEM_SIZES == {COMMUNITIES: COMMUNITY_SIZE, CLUSTER_LIST: IPV4_SIZE, LARGE_COMMUNITY: LARGE_COMMUNITY_SIZE}


cdef int compare_u32(const void *a, const void *b) noexcept nogil:
    cdef unsigned int x = (<const unsigned int *>a)[0]
    cdef unsigned int y = (<const unsigned int *>b)[0]
    return (x > y) - (x < y)


cdef int compare_large(const void *a, const void *b) noexcept nogil:
    # large communities copied as big-endian octets sort as octet strings
    return memcmp(a, b, LARGE_COMMUNITY_SIZE)


cdef int compare_extended(const void *a, const void *b) noexcept nogil:
    return memcmp(a, b, EXTENDED_COMMUNITY_SIZE)


cdef int put_prefixes(Output *out, const unsigned char *data, Py_ssize_t start, Py_ssize_t end,
                      bint ipv6, bint addpath) except -2:
    """Write the NLRI objects of data[start:end] separated by ", "; 1 on success, 0 when malformed."""
    cdef Py_ssize_t offset = start
    cdef int width = IPV6_SIZE if ipv6 else IPV4_SIZE
    cdef int bits, octets
    cdef const unsigned char *path
    cdef bint first = True
    while offset < end:
        path = NULL
        if addpath:
            if offset + 4 > end:
                return 0
            path = data + offset
            offset += 4
        if offset >= end:
            return 0
        bits = data[offset]
        octets = (bits + 7) >> 3
        offset += 1
        if bits > width * 8 or offset + octets > end:
            return 0
        put_nlri_opening(out, data + offset, octets, ipv6, bits, path, first)
        first = False
        offset += octets
        put(out, '" }', 3)
    return 1


cdef int put_as_path(Output *out, const unsigned char *value, Py_ssize_t size, bint asn4) except -2:
    cdef int width = ASN4_SIZE if asn4 else ASN2_SIZE
    cdef Py_ssize_t offset = 0, end, position
    cdef int seg_type, count, index = 0
    put(out, '"as-path": {', 12)
    while offset < size:
        if offset + 2 > size:
            return 0
        seg_type = value[offset]
        count = value[offset + 1]
        end = offset + 2 + count * width
        if seg_type < AS_SET or seg_type > AS_CONFED_SET or count == 0 or end > size:
            return 0
        if index:
            put(out, ", ", 2)
        put(out, '"', 1)
        put_uint(out, index)
        if seg_type == AS_SET:
            puts(out, '": {"element": "as-set", "value": [')
        else:
            puts(out, '": {"element": "as-sequence", "value": [')
        position = offset + 2
        while position < end:
            if position > offset + 2:
                put(out, ", ", 2)
            put_uint(out, read_uint(value + position, width))
            position += width
        put(out, "]}", 2)
        index += 1
        offset = end
    put(out, "}", 1)
    return 1


cdef int put_communities(Output *out, const unsigned char *value, Py_ssize_t size) except -2:
    """COMMUNITIES sorted by value, duplicates kept."""
    cdef Py_ssize_t count = size // COMMUNITY_SIZE, i
    cdef unsigned int *values = <unsigned int *>malloc(count * sizeof(unsigned int))
    if values == NULL:
        raise MemoryError()
    try:
        for i in range(count):
            values[i] = <unsigned int>read_uint(value + COMMUNITY_SIZE * i, COMMUNITY_SIZE)
        qsort(values, count, sizeof(unsigned int), compare_u32)
        puts(out, '"community": [ ')
        for i in range(count):
            if i:
                put(out, ", ", 2)
            put(out, "[ ", 2)
            put_uint(out, values[i] >> 16)
            put(out, ", ", 2)
            put_uint(out, values[i] & 0xFFFF)
            put(out, " ]", 2)
        put(out, " ]", 2)
    finally:
        free(values)
    return 1


cdef int put_large_communities(Output *out, const unsigned char *value, Py_ssize_t size) except -2:
    """LARGE_COMMUNITY sorted, duplicates dropped."""
    cdef Py_ssize_t count = size // LARGE_COMMUNITY_SIZE, i
    cdef unsigned char *items = <unsigned char *>malloc(size)
    cdef bint first = True
    if items == NULL:
        raise MemoryError()
    try:
        memcpy(items, value, size)
        qsort(items, count, LARGE_COMMUNITY_SIZE, compare_large)
        puts(out, '"large-community": [ ')
        for i in range(count):
            if i and memcmp(items + LARGE_COMMUNITY_SIZE * i, items + LARGE_COMMUNITY_SIZE * (i - 1),
                            LARGE_COMMUNITY_SIZE) == 0:
                continue
            if not first:
                put(out, ", ", 2)
            first = False
            put(out, "[ ", 2)
            put_uint(out, read_uint(items + LARGE_COMMUNITY_SIZE * i, 4))
            put(out, ", ", 2)
            put_uint(out, read_uint(items + LARGE_COMMUNITY_SIZE * i + 4, 4))
            put(out, " , ", 3)
            put_uint(out, read_uint(items + LARGE_COMMUNITY_SIZE * i + 8, 4))
            put(out, " ]", 2)
        put(out, " ]", 2)
    finally:
        free(items)
    return 1


cdef int put_extended_communities(Output *out, const unsigned char *value, Py_ssize_t size) except -2:
    """EXTENDED_COMMUNITIES sorted by octets, duplicates kept (the pure twin's `_extended_communities`); 0
    declines a kind other than a route target or origin."""
    cdef Py_ssize_t count = size // EXTENDED_COMMUNITY_SIZE, i
    cdef unsigned char *items = <unsigned char *>malloc(size)
    cdef const unsigned char *item
    cdef int kind
    if items == NULL:
        raise MemoryError()
    try:
        memcpy(items, value, size)
        qsort(items, count, EXTENDED_COMMUNITY_SIZE, compare_extended)
        puts(out, '"extended-community": [ ')
        for i in range(count):
            item = items + EXTENDED_COMMUNITY_SIZE * i
            kind = item[0] & ~EXTENDED_NON_TRANSITIVE
            if kind > EXTENDED_AS4 or (item[1] != ROUTE_TARGET and item[1] != ROUTE_ORIGIN):
                return 0
            if i:
                put(out, ", ", 2)
            puts(out, '{ "value": ')
            put_uint(out, read_uint(item, EXTENDED_COMMUNITY_SIZE))
            puts(out, ', "string": "target:' if item[1] == ROUTE_TARGET else ', "string": "origin:')
            if kind == EXTENDED_AS2:
                put_uint(out, read_uint(item + 2, 2))
                put(out, ":", 1)
                if item[1] == ROUTE_ORIGIN:
                    put_ipv4(out, item + 4)
                else:
                    put_uint(out, read_uint(item + 4, 4))
            elif kind == EXTENDED_IPV4 and item[1] == ROUTE_ORIGIN:
                put_uint(out, read_uint(item + 6, 2))
                put(out, ":", 1)
                put_ipv4(out, item + 2)
            elif kind == EXTENDED_IPV4:
                put_ipv4(out, item + 2)
                put(out, ":", 1)
                put_uint(out, read_uint(item + 6, 2))
            else:
                put_uint(out, read_uint(item + 2, 4))
                put(out, ":", 1)
                put_uint(out, read_uint(item + 6, 2))
            put(out, '" }', 3)
        put(out, " ]", 2)
    finally:
        free(items)
    return 1


cdef int put_attribute(Output *out, int code, const unsigned char *value, Py_ssize_t size, bint asn4,
                       bint *written) except -2:
    """Write `"key": value` for one attribute; 0 declines (a value against its rule in `tables`).  `written`
    says whether text was added."""
    cdef Py_ssize_t i
    cdef int width
    written[0] = True
    if code == ORIGIN:
        if size != VALUE_SIZE[ORIGIN]:
            return 0
        if value[0] == ORIGIN_IGP:
            puts(out, '"origin": "igp"')
        elif value[0] == ORIGIN_EGP:
            puts(out, '"origin": "egp"')
        elif value[0] == ORIGIN_INCOMPLETE:
            puts(out, '"origin": "incomplete"')
        else:
            return 0
        return 1
    if code == AS_PATH:
        if size == 0:
            written[0] = False
            return 1
        return put_as_path(out, value, size, asn4)
    if code == MULTI_EXIT_DISC or code == LOCAL_PREF:
        if size != VALUE_SIZE[code]:
            return 0
        puts(out, '"med": ' if code == MULTI_EXIT_DISC else '"local-preference": ')
        put_uint(out, read_uint(value, size))
        return 1
    if code == ATOMIC_AGGREGATE:
        if size != VALUE_SIZE[ATOMIC_AGGREGATE]:
            return 0
        puts(out, '"atomic-aggregate": true')
        return 1
    if code == AGGREGATOR:
        width = ASN4_SIZE if asn4 else ASN2_SIZE
        if size != width + IPV4_SIZE:
            return 0
        puts(out, '"aggregator": "')
        put_uint(out, read_uint(value, width))
        put(out, ":", 1)
        put_ipv4(out, value + width)
        put(out, '"', 1)
        return 1
    if code == COMMUNITIES:
        if size == 0 or size % COMMUNITY_SIZE:
            return 0
        return put_communities(out, value, size)
    if code == ORIGINATOR_ID:
        if size != VALUE_SIZE[ORIGINATOR_ID]:
            return 0
        puts(out, '"originator-id": "')
        put_ipv4(out, value)
        put(out, '"', 1)
        return 1
    if code == CLUSTER_LIST:
        if size == 0 or size % IPV4_SIZE:
            return 0
        puts(out, '"cluster-list": [ ')
        i = 0
        while i < size:
            if i:
                put(out, ", ", 2)
            put(out, '"', 1)
            put_ipv4(out, value + i)
            put(out, '"', 1)
            i += IPV4_SIZE
        put(out, " ]", 2)
        return 1
    if code == LARGE_COMMUNITY:
        if size == 0 or size % LARGE_COMMUNITY_SIZE:
            return 0
        return put_large_communities(out, value, size)
    if code == EXTENDED_COMMUNITIES:
        if size == 0 or size % EXTENDED_COMMUNITY_SIZE:
            return 0
        return put_extended_communities(out, value, size)
    return 0


cdef inline unsigned int family_code(const unsigned char *value) noexcept:
    """The AFI and SAFI opening an MP_REACH_NLRI / MP_UNREACH_NLRI value (`FAMILY_SIZE` octets) as one number."""
    return (value[0] << 16) | (value[1] << 8) | value[2]


cdef inline int mp_family(const unsigned char *value) noexcept:
    """The index in the family arrays of the family of an MP_REACH_NLRI / MP_UNREACH_NLRI value (at least
    `FAMILY_SIZE` octets), -1 for a family not rendered there."""
    cdef unsigned int code = family_code(value)
    cdef int index
    for index in range(IPV4_UNICAST + 1, FAMILIES):
        if CODE[index] == code:
            return index
    return -1


cdef int put_routes(Output *out, int family, const unsigned char *nexthop, int nexthop_size,
                    const unsigned char *data, Py_ssize_t start, Py_ssize_t end, bint addpath) except -2:
    """Write one family's NLRI of data[start:end]: withdrawn (`nexthop` NULL), ``"name": [ ... ]``, or announced,
    ``"name": { "address": [ ... ] }``, once under each address of the next hop (`nexthop_size` octets after its
    route distinguisher; 32 octets of IPv6 are two addresses); 1, or 0 when malformed."""
    cdef int at, width = IPV6_SIZE if IPV6[family] else IPV4_SIZE
    if out.size + NAME_ROOM > out.capacity:
        reserve(out, NAME_ROOM)
    memcpy(out.data + out.size, NAME[family], NAME_ROOM)
    out.size += NAME_SIZE[family]
    if nexthop == NULL:
        put(out, "[ ", 2)
        if KIND[family] != PLAIN:
            if not put_labeled(out, data, start, end, IPV6[family], addpath, KIND[family] == VPN, True):
                return 0
        elif not put_prefixes(out, data, start, end, IPV6[family], addpath):
            return 0
        put(out, " ]", 2)
        return 1
    put(out, '{ "', 3)
    at = 0
    while at < nexthop_size:
        if at:
            put(out, ', "', 3)
        if IPV6[family]:
            put_ipv6(out, nexthop + at)
        else:
            put_ipv4(out, nexthop + at)
        put(out, '": [ ', 5)
        if KIND[family] != PLAIN:
            if not put_labeled(out, data, start, end, IPV6[family], addpath, KIND[family] == VPN, False):
                return 0
        elif not put_prefixes(out, data, start, end, IPV6[family], addpath):
            return 0
        put(out, " ]", 2)
        at += width
    put(out, " }", 2)
    return 1


cdef bint zero_octets(const unsigned char *data, int size) noexcept:
    """Whether data[:size] is all zero (a next hop's route distinguisher)."""
    cdef int i
    for i in range(size):
        if data[i]:
            return False
    return True


cdef int put_eor(Output *out, unsigned int code) except -2:
    """Write the End-of-RIB text of the family `code` (`family_code`), 1, or 0 for a family not in `EORS`."""
    cdef object text = EORS.get(code)
    if text is None:
        return 0
    put(out, PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text))
    return 1


cdef enum:
    UNKNOWN_LIMIT = 8  # the optional transitive attributes 5.0 does not know one UPDATE may show (more: declined)


cdef struct Unknown:
    int code
    int flags  # as shown: as received, with the Partial bit
    Py_ssize_t start
    Py_ssize_t length


cdef int take_unknown(Unknown *unknown, int count, uint64_t *met, int code, int flags, Py_ssize_t start,
                      Py_ssize_t length) noexcept:
    """An attribute this twin does not render: the number of unknown ones to show after it (kept in code order:
    few, insertion), -1 to decline (one 5.0 knows, a well-known one, a repeat, more than `UNKNOWN_LIMIT`).
    Out of `put_update`'s line, for that function's inlining (see `_nlri_c.pxd`)."""
    cdef int at = count
    if IS_KNOWN[code] or not flags & OPTIONAL or (met[code >> 6] >> (code & 63)) & 1:
        return -1
    met[code >> 6] |= 1ULL << (code & 63)
    if not flags & TRANSITIVE:  # ignored, as RFC 4271 section 5 says
        return count
    if count == UNKNOWN_LIMIT:
        return -1
    while at > 0 and unknown[at - 1].code > code:
        unknown[at] = unknown[at - 1]
        at -= 1
    unknown[at].code, unknown[at].flags, unknown[at].start, unknown[at].length = code, flags | PARTIAL, start, length
    return count + 1


cdef int put_unknowns(Output *out, const unsigned char *body, Unknown *unknown, int shown, int count, int below,
                      bint comma) except -1:
    """Write the unknown attributes from `shown` whose code is below `below`, each ``"attribute-0xCC-0xFF":
    "0x<hex>"`` as 5.0's general renderer shows it (code and flags in upper-case hex, the value in lower-case);
    the index of the first not written."""
    cdef const char *upper = "0123456789ABCDEF"
    cdef const char *lower = "0123456789abcdef"
    cdef Unknown *item
    cdef Py_ssize_t i
    while shown < count and unknown[shown].code < below:
        item = &unknown[shown]
        if comma:
            put(out, ", ", 2)
        comma = True
        put(out, '"attribute-0x', 13)
        putc(out, upper[item.code >> 4])
        putc(out, upper[item.code & 0xF])
        put(out, "-0x", 3)
        putc(out, upper[item.flags >> 4])
        putc(out, upper[item.flags & 0xF])
        put(out, '": "0x', 6)
        for i in range(item.length):
            putc(out, lower[body[item.start + i] >> 4])
            putc(out, lower[body[item.start + i] & 0xF])
        put(out, '"', 1)
        shown += 1
    return shown


cdef int put_update(Output *out, const unsigned char *body, Py_ssize_t size, bint asn4, bint addpath4,
                    bint addpath6) except -2:
    """Append the JSON text of one UPDATE body to `out`: 1, or 0 to decline, after which the caller cuts
    `out` back to its size on entry (a decline may come after some text was written)."""
    cdef Py_ssize_t withdrawn_end, attributes_start, attributes_end, offset, start, stop, length
    cdef Py_ssize_t starts[COMMON_LIMIT]
    cdef Py_ssize_t lengths[COMMON_LIMIT]
    cdef int code, flags, attribute_count = 0
    cdef bint written, any_text = False, has_attribute = False, any_announce = False, any_withdraw = False
    cdef const unsigned char *reach
    cdef const unsigned char *unreach
    cdef Py_ssize_t reach_size, unreach_size
    cdef int reach_family = -1, unreach_family = -1, nexthop_size = 0, rd_size = 0
    # the optional transitive attributes 5.0 does not know, in code order (`put_unknown`), and the codes met
    cdef Unknown unknown[UNKNOWN_LIMIT]
    cdef int unknowns = 0, shown = 0
    cdef uint64_t met[4]

    if size < UPDATE_MINIMUM:
        return 0
    withdrawn_end = 2 + ((body[0] << 8) | body[1])
    if withdrawn_end + 2 > size:
        return 0
    attributes_start = withdrawn_end + 2
    attributes_end = attributes_start + ((body[withdrawn_end] << 8) | body[withdrawn_end + 1])
    if attributes_end > size:
        return 0
    if size == UPDATE_MINIMUM:
        put(out, PyBytes_AS_STRING(EOR_IPV4_UNICAST), PyBytes_GET_SIZE(EOR_IPV4_UNICAST))
        return 1

    for code in range(COMMON_LIMIT):
        starts[code] = -1
    met[0] = met[1] = met[2] = met[3] = 0
    offset = attributes_start
    while offset < attributes_end:
        start = attribute_value(body, offset, attributes_end, &stop)
        if start < 0:
            return 0
        flags = body[offset]
        code = body[offset + 1]
        offset = stop
        length = stop - start
        if offset > attributes_end:
            return 0
        if code >= COMMON_LIMIT or EXPECTED_FLAGS[code] == 0:
            unknowns = take_unknown(unknown, unknowns, met, code, flags, start, length)
            if unknowns < 0:
                return 0
            attribute_count += 1
            continue
        if starts[code] >= 0 or (flags & FLAGS_MASK[code]) != EXPECTED_FLAGS[code]:
            return 0
        starts[code] = start
        lengths[code] = length
        attribute_count += 1

    if starts[NEXT_HOP] >= 0 and lengths[NEXT_HOP] != VALUE_SIZE[NEXT_HOP]:
        return 0
    reach = body + starts[MP_REACH_NLRI] if starts[MP_REACH_NLRI] >= 0 else NULL
    reach_size = lengths[MP_REACH_NLRI] if starts[MP_REACH_NLRI] >= 0 else 0
    unreach = body + starts[MP_UNREACH_NLRI] if starts[MP_UNREACH_NLRI] >= 0 else NULL
    unreach_size = lengths[MP_UNREACH_NLRI] if starts[MP_UNREACH_NLRI] >= 0 else 0
    if unreach != NULL:
        if unreach_size < FAMILY_SIZE:
            return 0
        if unreach_size == FAMILY_SIZE:
            if attribute_count != 1 or withdrawn_end > 2 or attributes_end < size:
                return 0
            return put_eor(out, family_code(unreach))
        unreach_family = mp_family(unreach)
        if unreach_family < 0:
            return 0
    if reach != NULL:
        if reach_size <= FAMILY_SIZE:
            return 0
        reach_family = mp_family(reach)
        if reach_family < 0:
            return 0
        nexthop_size = reach[FAMILY_SIZE]
        # the next-hop length allowed, NLRI after the reserved octet, which is 0; a route distinguisher before the
        # address(es) is 0 (RFC 4364 section 4.3.2); 32 octets of addresses are two different ones (one address
        # twice: the general renderer lists the NLRI interleaved under it)
        if (nexthop_size >= 64 or not (NEXTHOP_LENGTHS[reach_family] >> nexthop_size) & 1
                or reach_size <= REACH_NEXTHOP + nexthop_size + 1 or reach[REACH_NEXTHOP + nexthop_size] != 0):
            return 0
        rd_size = NEXTHOP_RD[reach_family]
        if rd_size and not zero_octets(reach + REACH_NEXTHOP, rd_size):
            return 0
        if (nexthop_size - rd_size == 2 * IPV6_SIZE and memcmp(
                reach + REACH_NEXTHOP + rd_size, reach + REACH_NEXTHOP + rd_size + IPV6_SIZE, IPV6_SIZE) == 0):
            return 0
    # a well-known mandatory attribute missing (RFC 7606 section 3 d: treat-as-withdraw) goes the general way
    if (attributes_end < size or reach != NULL) and (starts[ORIGIN] < 0 or starts[AS_PATH] < 0):
        return 0
    if attributes_end < size and starts[NEXT_HOP] < 0:
        return 0

    put(out, '{ "update": { ', 14)
    has_attribute = unknowns > 0
    for code in range(COMMON_LIMIT):
        if (starts[code] >= 0 and code != MP_REACH_NLRI and code != MP_UNREACH_NLRI
                and (code != AS_PATH or lengths[code] != 0)):
            has_attribute = True
    if has_attribute:
        put(out, '"attribute": { ', 15)
        for code in range(COMMON_LIMIT):
            if shown < unknowns and unknown[shown].code < code:
                shown = put_unknowns(out, body, unknown, shown, unknowns, code, any_text)
                any_text = True
            if starts[code] < 0 or code == NEXT_HOP or code == MP_REACH_NLRI or code == MP_UNREACH_NLRI:
                continue
            if any_text:
                put(out, ", ", 2)
            if not put_attribute(out, code, body + starts[code], lengths[code], asn4, &written):
                return 0
            if written:
                any_text = True
            elif any_text:
                out.size -= 2
        if shown < unknowns:
            put_unknowns(out, body, unknown, shown, unknowns, 256, any_text)
            any_text = True
        put(out, " }", 2)

    if attributes_end < size or reach != NULL:
        any_announce = True
        if has_attribute:
            put(out, ", ", 2)
        put(out, '"announce": { ', 14)
        if attributes_end < size:
            if not put_routes(out, IPV4_UNICAST, body + starts[NEXT_HOP], IPV4_SIZE, body, attributes_end, size,
                              addpath4):
                return 0
            if reach != NULL:
                put(out, ", ", 2)
        if reach != NULL:
            if not put_routes(out, reach_family, reach + REACH_NEXTHOP + rd_size, nexthop_size - rd_size, reach,
                              REACH_NEXTHOP + nexthop_size + 1, reach_size,
                              addpath6 if IPV6[reach_family] else addpath4):
                return 0
        put(out, " }", 2)

    if withdrawn_end > 2 or unreach != NULL:
        any_withdraw = True
        if has_attribute or any_announce:
            put(out, ", ", 2)
        put(out, '"withdraw": { ', 14)
        if withdrawn_end > 2:
            if not put_routes(out, IPV4_UNICAST, NULL, 0, body, 2, withdrawn_end, addpath4):
                return 0
            if unreach != NULL:
                put(out, ", ", 2)
        if unreach != NULL:
            if not put_routes(out, unreach_family, NULL, 0, unreach, FAMILY_SIZE, unreach_size,
                              addpath6 if IPV6[unreach_family] else addpath4):
                return 0
        put(out, " }", 2)

    if not (any_text or any_announce or any_withdraw):
        return 0
    put(out, " } }", 4)
    return 1


# one output buffer for the module, grown on demand and never freed: render_update
# holds the GIL from start to end and does not re-enter itself
cdef Output OUTPUT
OUTPUT.data = NULL
OUTPUT.size = OUTPUT.capacity = 0
reserve(&OUTPUT, 4096)


def render_update(body, bint asn4, bint addpath_ipv4, bint addpath_ipv6):
    """The JSON text of `body` (an UPDATE body) after ``"message": ``, or None."""
    cdef bytes octets = body if type(body) is bytes else bytes(body)
    cdef Py_ssize_t size = PyBytes_GET_SIZE(octets)
    if size == 0:
        return None
    OUTPUT.size = 0
    if not put_update(&OUTPUT, <const unsigned char *>PyBytes_AS_STRING(octets), size, asn4, addpath_ipv4,
                      addpath_ipv6):
        return None
    return PyUnicode_DecodeASCII(<const char *>OUTPUT.data, OUTPUT.size, NULL)



def render_run(octets, index, Py_ssize_t record, bint asn4, bint addpath_ipv4, bint addpath_ipv6,
               str head, str after, str tail, counter):
    """The lines of the UPDATEs of `octets` from its `index`'s `record`-th, UTF-8: ``(lines, counter, record,
    declined)`` (see the pure twin)."""
    cdef bytes head_octets = head.encode("utf-8")
    cdef bytes after_octets = after.encode("utf-8")
    cdef bytes tail_octets = tail.encode("utf-8")
    cdef Py_buffer view
    cdef Py_buffer positions
    cdef const unsigned char *data
    cdef const int *fields
    cdef Py_ssize_t count, line, start, size
    cdef unsigned long long number = counter
    cdef object declined = None
    cdef Output out
    PyObject_GetBuffer(index, &positions, PyBUF_SIMPLE)
    try:
        count = positions.len // (INDEX_FIELDS * sizeof(int))
        if record < 0 or record > count:
            raise ValueError(f"record {record} outside the {count} of the index")
        PyObject_GetBuffer(octets, &view, PyBUF_SIMPLE)
        try:
            data = <const unsigned char *>view.buf
            out.data = NULL
            out.size = out.capacity = 0
            reserve(&out, 8 * view.len + 256)
            try:
                while record < count:
                    fields = <const int *>positions.buf + record * INDEX_FIELDS
                    record += 1
                    start = fields[INDEX_START] + HEADER_SIZE
                    size = fields[INDEX_END] - start
                    line = out.size
                    put(&out, PyBytes_AS_STRING(head_octets), PyBytes_GET_SIZE(head_octets))
                    put_uint(&out, number + 1)
                    put(&out, PyBytes_AS_STRING(after_octets), PyBytes_GET_SIZE(after_octets))
                    if not fields[INDEX_PLAIN] or not put_update(&out, data + start, size, asn4, addpath_ipv4,
                                                                 addpath_ipv6):
                        out.size = line
                        declined = PyBytes_FromStringAndSize(<const char *>data + start, size)
                        break
                    put(&out, PyBytes_AS_STRING(tail_octets), PyBytes_GET_SIZE(tail_octets))
                    number += 1
                return PyBytes_FromStringAndSize(<const char *>out.data, out.size), number, record, declined
            finally:
                free(out.data)
        finally:
            PyBuffer_Release(&view)
    finally:
        PyBuffer_Release(&positions)
