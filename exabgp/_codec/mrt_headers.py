"""An MRT framing rule the reader and the codec's pure twin share: TABLE_DUMP records declared short.

Early RIS TABLE_DUMP records (RFC 6396 section 4.2) have a length field 4
octets short of the attribute length the record itself announces: the 4
octets after the record are its last ones.  `table_dump_missing` says how
many octets a TABLE_DUMP body's attribute length wants beyond the body
(`tables.RIS_SHORT` for those records); `exabgp.mrt.reader.records` and
`_mrt_py` then frame such a record with them, and the compiled twin
(`_mrt_c`) follows this text line for line.
"""

from exabgp._codec.tables import AFI_IPV4, IPV4_SIZE, IPV6_SIZE, TABLE_DUMP_FIXED


def table_dump_missing(data, body: int, end: int, subtype: int) -> int:
    """How many octets the attribute length of the TABLE_DUMP body ``data[body:end]`` says are missing (0 or
    less when it is whole): subtype 1 has IPv4 addresses, any other IPv6 ones."""
    fixed = TABLE_DUMP_FIXED + 2 * (IPV4_SIZE if subtype == AFI_IPV4 else IPV6_SIZE)
    if end - body < fixed:
        return 0
    return body + fixed + ((data[body + fixed - 2] << 8) | data[body + fixed - 1]) - end
