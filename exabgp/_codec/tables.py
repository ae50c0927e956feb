"""The numbers of the wire, once: framing, message types, path attributes, and the common attributes' rules.

Every module of the package that needs one of these numbers imports it from
here, by name; nothing else writes them (no ``19``, no ``b"\\xff" * 16``, no
flag bit as a number).  This module is data without any import (and the one
function that writes it out for Cython), at the bottom of the layers
(`exabgp.bgp.attribute` builds its table from it).

* framing (RFC 4271 section 4.1): a message is the 16-octet `MARKER` of all
  ones, a 2-octet length at `LENGTH_AT` counting the whole message, a 1-octet
  type at `TYPE_AT`: `HEADER_SIZE` octets, then the body; a message is at
  most `MAX_SIZE` octets, or `EXTENDED_MAX_SIZE` once extended messages are
  negotiated (RFC 8654);
* message type codes (IANA "BGP Message Types": RFC 4271, RFC 2918 for
  ROUTE-REFRESH, and ExaBGP's OPERATIONAL);
* an UPDATE body is at least `UPDATE_MINIMUM` octets: the withdrawn-routes
  length and the total path attribute length (RFC 4271 section 4.3);
* path attribute flags (RFC 4271 section 4.3) and type codes (IANA "BGP
  Path Attributes"), AS_PATH segment types, the ORIGIN values;
* `ATTRIBUTE_FLAGS`: the Optional / Transitive bits every attribute ExaBGP
  decodes must carry; its keys are the codes ExaBGP knows (`KNOWN`).  The
  flags rule, for every attribute and every path: Partial is ignored on an
  optional attribute and must be clear on a well-known one, Extended Length
  and the four low bits never matter, i.e. ``flags & FLAGS_CHECKED_OPTIONAL``
  (optional) or ``flags & FLAGS_CHECKED`` (well-known) equals the table's;
* the *common* attributes (`COMMON`): the ones an UPDATE of a full table is
  made of, which the fast paths (`_json_*` renders them, `_ribin_*` stores
  them, without the general decode) take as they are when RFC 7606 would
  keep them whole: flags as above, and the value follows its length rule:
  exactly `VALUE_SIZES[code]` octets (ORIGIN's one octet at most
  `ORIGIN_INCOMPLETE`), or a non-zero multiple of `ITEM_SIZES[code]`; AS_PATH
  is segments of type `AS_SET` to `AS_CONFED_SET` holding 1 to 255 ASNs of
  `ASN4_SIZE` octets (4-octet AS numbers negotiated) or `ASN2_SIZE`, filling
  the value (or empty); AGGREGATOR is an ASN of that width and an IPv4
  address.  Anything else is left to the general decode.

How the compiled twins get these numbers (one source of truth): before
Cython runs, ``setup.py build_ext`` writes ``_tables.pxd`` beside this file,
one ``cdef enum`` holding every public integer of this module under its own
name, which a ``.pyx`` cimports (``from exabgp._codec._tables cimport
HEADER_SIZE``) as C compile-time constants for its loops.  The file is
generated text, never committed (.gitignore) nor read at run time, and
rewritten only when it changes, so that Cython reruns only then.  The
tables (dicts, sets) a compiled twin needs are imported from this module
when it loads and copied into C arrays.  tests/test_codec_tables.py holds
the generated file equal to this module and the compiled twins to these
tables.
"""

# ---------------------------------------------------------------- framing, RFC 4271 section 4.1

MARKER_SIZE = 16
MARKER_OCTET = 0xFF
MARKER = bytes((MARKER_OCTET,)) * MARKER_SIZE
LENGTH_AT = 16  # the 2-octet length of the whole message, after the marker
TYPE_AT = 18
HEADER_SIZE = 19
MAX_SIZE = 4096
EXTENDED_MAX_SIZE = 65535  # RFC 8654

# ---------------------------------------------------------------- message types

OPEN = 1
UPDATE = 2
NOTIFICATION = 3
KEEPALIVE = 4
ROUTE_REFRESH = 5  # RFC 2918
OPERATIONAL = 6  # draft-ietf-idr-operational-message-00, ExaBGP's own

#: octets of an UPDATE body without routes nor attributes: the two section lengths (RFC 4271 section 4.3)
UPDATE_MINIMUM = 4

# ---------------------------------------------------------------- path attribute flags, RFC 4271 section 4.3

OPTIONAL = 0x80
TRANSITIVE = 0x40
PARTIAL = 0x20
EXTENDED_LENGTH = 0x10
WELL_KNOWN = TRANSITIVE  # well-known attributes are transitive, never optional
OPTIONAL_TRANSITIVE = OPTIONAL | TRANSITIVE
#: the bits compared with `ATTRIBUTE_FLAGS` for a well-known attribute, and for an optional one (Partial ignored)
FLAGS_CHECKED = OPTIONAL | TRANSITIVE | PARTIAL
FLAGS_CHECKED_OPTIONAL = OPTIONAL | TRANSITIVE

# ---------------------------------------------------------------- path attribute codes, IANA "BGP Path Attributes"

ORIGIN = 1
AS_PATH = 2
NEXT_HOP = 3
MULTI_EXIT_DISC = 4
LOCAL_PREF = 5
ATOMIC_AGGREGATE = 6
AGGREGATOR = 7
COMMUNITIES = 8
ORIGINATOR_ID = 9
CLUSTER_LIST = 10
MP_REACH_NLRI = 14
MP_UNREACH_NLRI = 15
EXTENDED_COMMUNITIES = 16
AS4_PATH = 17
AS4_AGGREGATOR = 18
PMSI_TUNNEL = 22
IPV6_EXTENDED_COMMUNITIES = 25
AIGP = 26
BGP_LS = 29
LARGE_COMMUNITY = 32
BGP_PREFIX_SID = 40

#: code -> the Optional / Transitive bits of every path attribute ExaBGP decodes (each attribute's RFC)
ATTRIBUTE_FLAGS = {
    ORIGIN: WELL_KNOWN,
    AS_PATH: WELL_KNOWN,
    NEXT_HOP: WELL_KNOWN,
    MULTI_EXIT_DISC: OPTIONAL,
    LOCAL_PREF: WELL_KNOWN,
    ATOMIC_AGGREGATE: WELL_KNOWN,
    AGGREGATOR: OPTIONAL_TRANSITIVE,
    COMMUNITIES: OPTIONAL_TRANSITIVE,
    ORIGINATOR_ID: OPTIONAL,
    CLUSTER_LIST: OPTIONAL,
    MP_REACH_NLRI: OPTIONAL,
    MP_UNREACH_NLRI: OPTIONAL,
    EXTENDED_COMMUNITIES: OPTIONAL_TRANSITIVE,
    AS4_PATH: OPTIONAL_TRANSITIVE,
    AS4_AGGREGATOR: OPTIONAL_TRANSITIVE,
    PMSI_TUNNEL: OPTIONAL_TRANSITIVE,
    IPV6_EXTENDED_COMMUNITIES: OPTIONAL_TRANSITIVE,
    AIGP: OPTIONAL,
    BGP_LS: OPTIONAL,
    LARGE_COMMUNITY: OPTIONAL_TRANSITIVE,
    BGP_PREFIX_SID: OPTIONAL_TRANSITIVE,
}
#: the path attribute codes ExaBGP decodes
KNOWN = frozenset(ATTRIBUTE_FLAGS)

# ---------------------------------------------------------------- values

IPV4_SIZE = 4
IPV6_SIZE = 16
ASN2_SIZE = 2
ASN4_SIZE = 4  # RFC 6793
COMMUNITY_SIZE = 4  # RFC 1997
LARGE_COMMUNITY_SIZE = 12  # RFC 8092
EXTENDED_COMMUNITY_SIZE = 8  # RFC 4360

# extended communities (RFC 4360 section 3): the type octet's Transitive bit (set: non-transitive), and its low
# bits and the sub-type octet, which name the kind: route target (RFC 4360 section 4), route origin (section 5) and
# RT record (RFC 7153) with a 2-octet AS (section 3.1), an IPv4 address (3.2) or a 4-octet AS (RFC 5668) as administrator
EXTENDED_NON_TRANSITIVE = 0x40
EXTENDED_AS2 = 0x00
EXTENDED_IPV4 = 0x01
EXTENDED_AS4 = 0x02
ROUTE_TARGET = 0x02
ROUTE_ORIGIN = 0x03
RT_RECORD = 0x13  # RFC 7153

# ORIGIN values (RFC 4271 section 5.1.1)
ORIGIN_IGP = 0
ORIGIN_EGP = 1
ORIGIN_INCOMPLETE = 2

# AS_PATH segment types (RFC 4271 section 4.3, RFC 5065 section 3)
AS_SET = 1
AS_SEQUENCE = 2
AS_CONFED_SEQUENCE = 3
AS_CONFED_SET = 4

#: MP_REACH_NLRI and MP_UNREACH_NLRI start with the AFI (2 octets) and the SAFI (1); MP_REACH_NLRI holds at least
#: those, the next-hop length and the reserved octet, MP_UNREACH_NLRI those (RFC 4760 sections 3 and 4)
FAMILY_SIZE = 3
MP_REACH_MINIMUM = FAMILY_SIZE + 2
MP_UNREACH_MINIMUM = FAMILY_SIZE

# ---------------------------------------------------------------- address families (IANA registries)

# AFI ("Address Family Numbers") and SAFI ("Subsequent Address Family Identifiers") of the families ExaBGP 5.0
# knows, with the names its configuration and JSON use (`exabgp.bgp.family` builds its family table on these)
AFI_IPV4 = 1
AFI_IPV6 = 2
AFI_L2VPN = 25
AFI_BGPLS = 16388
AFI_NAMES = {
    AFI_IPV4: "ipv4",
    AFI_IPV6: "ipv6",
    AFI_L2VPN: "l2vpn",
    AFI_BGPLS: "bgp-ls",
}
SAFI_UNICAST = 1
SAFI_MULTICAST = 2
SAFI_NLRI_MPLS = 4
SAFI_MCAST_VPN = 5
SAFI_VPLS = 65
SAFI_EVPN = 70
SAFI_BGPLS = 71
SAFI_BGPLS_VPN = 72
SAFI_MUP = 85
SAFI_MPLS_VPN = 128
SAFI_RTC = 132
SAFI_FLOW = 133
SAFI_FLOW_VPN = 134
SAFI_NAMES = {
    SAFI_UNICAST: "unicast",
    SAFI_MULTICAST: "multicast",
    SAFI_NLRI_MPLS: "nlri-mpls",
    SAFI_MCAST_VPN: "mcast-vpn",
    SAFI_VPLS: "vpls",
    SAFI_EVPN: "evpn",
    SAFI_BGPLS: "bgp-ls",
    SAFI_BGPLS_VPN: "bgp-ls-vpn",
    SAFI_MUP: "mup",
    SAFI_MPLS_VPN: "mpls-vpn",
    SAFI_RTC: "rtc",
    SAFI_FLOW: "flow",
    SAFI_FLOW_VPN: "flow-vpn",
}
#: RFC 4364 section 4.2: a route distinguisher is 8 octets, a 2-octet type then its value; the types ExaBGP 5.0
#: prints by their fields (`texts.rd_text`): the 2-octet AS, the IPv4 address, the 4-octet AS
RD_SIZE = 8
RD_AS2 = 0
RD_IPV4 = 1
RD_AS4 = 2
#: (afi, safi) -> (the next-hop lengths MP_REACH_NLRI may carry, the leading octets of the next hop that are a
#: (zero) route distinguisher), for every family ExaBGP 5.0 knows (RFC 4760 section 3, RFC 4364 section 4.3.2,
#: RFC 2545 section 3 for IPv6's 32-octet global + link-local form): MP_REACH_NLRI / MP_UNREACH_NLRI of a family
#: not in it are refused (`exabgp.bgp.attribute`)
NEXTHOP_SIZES = {
    (AFI_IPV4, SAFI_UNICAST): ((IPV4_SIZE,), 0),
    (AFI_IPV4, SAFI_MULTICAST): ((IPV4_SIZE,), 0),
    (AFI_IPV4, SAFI_NLRI_MPLS): ((IPV4_SIZE,), 0),
    (AFI_IPV4, SAFI_MUP): ((IPV4_SIZE, IPV6_SIZE), 0),
    (AFI_IPV4, SAFI_MPLS_VPN): ((RD_SIZE + IPV4_SIZE,), RD_SIZE),
    (AFI_IPV4, SAFI_MCAST_VPN): ((IPV4_SIZE,), 0),
    (AFI_IPV4, SAFI_FLOW): ((0, IPV4_SIZE), 0),
    (AFI_IPV4, SAFI_FLOW_VPN): ((0, IPV4_SIZE), 0),
    (AFI_IPV4, SAFI_RTC): ((IPV4_SIZE, IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_UNICAST): ((IPV6_SIZE, 2 * IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_MULTICAST): ((IPV6_SIZE, 2 * IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_NLRI_MPLS): ((IPV6_SIZE, 2 * IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_MUP): ((IPV4_SIZE, IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_MPLS_VPN): ((RD_SIZE + IPV6_SIZE, RD_SIZE + 2 * IPV6_SIZE), RD_SIZE),
    (AFI_IPV6, SAFI_MCAST_VPN): ((IPV4_SIZE, IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_FLOW): ((0, IPV6_SIZE, 2 * IPV6_SIZE), 0),
    (AFI_IPV6, SAFI_FLOW_VPN): ((0, IPV6_SIZE, 2 * IPV6_SIZE), 0),
    (AFI_L2VPN, SAFI_VPLS): ((IPV4_SIZE,), 0),
    (AFI_L2VPN, SAFI_EVPN): ((IPV4_SIZE,), 0),
    (AFI_BGPLS, SAFI_BGPLS): ((IPV4_SIZE, IPV6_SIZE), 0),
    (AFI_BGPLS, SAFI_BGPLS_VPN): ((RD_SIZE + IPV4_SIZE, RD_SIZE + IPV6_SIZE), RD_SIZE),
}
#: the families the JSON fast path (`_json_*`) renders in MP_REACH_NLRI / MP_UNREACH_NLRI, IPv6 unicast first
#: (the full table's case); IPv4 unicast in the UPDATE's own fields is rendered too.  Path identifiers are read
#: per AFI for all of them: a caller negotiating ADD-PATH for some SAFIs of an AFI and not others declines itself
JSON_MP_FAMILIES = (
    (AFI_IPV6, SAFI_UNICAST),
    (AFI_IPV4, SAFI_MULTICAST),
    (AFI_IPV6, SAFI_MULTICAST),
    (AFI_IPV4, SAFI_NLRI_MPLS),
    (AFI_IPV6, SAFI_NLRI_MPLS),
    (AFI_IPV4, SAFI_MPLS_VPN),
    (AFI_IPV6, SAFI_MPLS_VPN),
)

# ---------------------------------------------------------------- the common attributes (see the docstring)

#: code -> the exact size of the value
VALUE_SIZES = {
    ORIGIN: 1,
    NEXT_HOP: IPV4_SIZE,
    MULTI_EXIT_DISC: 4,
    LOCAL_PREF: 4,
    ATOMIC_AGGREGATE: 0,
    ORIGINATOR_ID: IPV4_SIZE,
}
#: code -> the size of one item of a non-empty list
ITEM_SIZES = {COMMUNITIES: COMMUNITY_SIZE, CLUSTER_LIST: IPV4_SIZE, LARGE_COMMUNITY: LARGE_COMMUNITY_SIZE}
#: the common attributes: those two tables, AS_PATH and AGGREGATOR
COMMON = frozenset((*VALUE_SIZES, *ITEM_SIZES, AS_PATH, AGGREGATOR))
#: one more than the largest common code: the size of the compiled twins' arrays indexed by code
COMMON_LIMIT = max(COMMON) + 1
#: the rule of each common attribute as the fast paths read it, indexed by code (None for any other code):
#: ``(flags, the bits compared with them, exact value size or None, list item size or None)``
COMMON_RULES: list = [None] * 256
for _code in COMMON:
    _flags = ATTRIBUTE_FLAGS[_code]
    COMMON_RULES[_code] = (
        _flags,
        FLAGS_CHECKED_OPTIONAL if _flags & OPTIONAL else FLAGS_CHECKED,
        VALUE_SIZES.get(_code),
        ITEM_SIZES.get(_code),
    )
del _code, _flags


# ---------------------------------------------------------------- the index of a run of UPDATEs (`_index_*`)

#: the fields of one record of `index_updates`, one record per UPDATE message, offsets into the run's octets:
INDEX_START = 0  # the message's first octet (its header); the withdrawn routes start HEADER_SIZE + 2 further
INDEX_WITHDRAWN_END = 1  # past the withdrawn routes; the path attributes start 2 octets further
INDEX_ATTRIBUTES_END = 2  # past the path attributes: where the NLRI field starts
INDEX_END = 3  # past the message: where the NLRI field ends
INDEX_REACH = 4  # the first octet (flags) of MP_REACH_NLRI, 0 when there is none
INDEX_REACH_VALUE = 5  # its value, up to INDEX_REACH_END
INDEX_REACH_END = 6
INDEX_UNREACH = 7  # the same three for MP_UNREACH_NLRI
INDEX_UNREACH_VALUE = 8
INDEX_UNREACH_END = 9
INDEX_PLAIN = 10  # 1 when the UPDATE is plain (`_index_py`), else 0
INDEX_FIELDS = 11

# ---------------------------------------------------------------- MRT records (RFC 6396, RFC 8050), `_mrt_*`

MRT_HEADER_SIZE = 12  # time (4), type (2), subtype (2), length (4)
MRT_ET_SIZE = 4  # the microseconds of BGP4MP_ET, counted in the length
# a TABLE_DUMP body but its two addresses: view (2), sequence (2), prefix length (1), status (1), originated time (4),
# peer AS (2), attribute length (2); early RIS TABLE_DUMP records are this many octets short (`mrt_headers`)
TABLE_DUMP_FIXED = 14
RIS_SHORT = 4
# types
MRT_TABLE_DUMP = 12
MRT_TABLE_DUMP_V2 = 13
MRT_BGP4MP = 16
MRT_BGP4MP_ET = 17
MRT_OBSOLETE_BGP = 5
# TABLE_DUMP_V2 subtypes (RFC 6396 section 4.3, RFC 8050 section 4)
PEER_INDEX_TABLE = 1
RIB_IPV4_UNICAST = 2
RIB_IPV4_MULTICAST = 3
RIB_IPV6_UNICAST = 4
RIB_IPV6_MULTICAST = 5
RIB_GENERIC = 6
RIB_IPV4_UNICAST_ADDPATH = 8
RIB_IPV4_MULTICAST_ADDPATH = 9
RIB_IPV6_UNICAST_ADDPATH = 10
RIB_IPV6_MULTICAST_ADDPATH = 11
RIB_GENERIC_ADDPATH = 12
# BGP4MP subtypes (RFC 6396 section 4.4, RFC 8050 section 4)
BGP4MP_STATE_CHANGE = 0
BGP4MP_MESSAGE = 1
BGP4MP_ENTRY = 2
BGP4MP_SNAPSHOT = 3
BGP4MP_MESSAGE_AS4 = 4
BGP4MP_STATE_CHANGE_AS4 = 5
BGP4MP_MESSAGE_LOCAL = 6
BGP4MP_MESSAGE_AS4_LOCAL = 7
BGP4MP_MESSAGE_ADDPATH = 8
BGP4MP_MESSAGE_AS4_ADDPATH = 9
BGP4MP_MESSAGE_LOCAL_ADDPATH = 10
BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH = 11
#: TABLE_DUMP_V2 RIB subtype -> (afi, safi or None for RIB_GENERIC, add-path): `exabgp.mrt.reader` and `_mrt_*`
MRT_RIB_SUBTYPES = {
    RIB_IPV4_UNICAST: (AFI_IPV4, SAFI_UNICAST, False),
    RIB_IPV4_MULTICAST: (AFI_IPV4, SAFI_MULTICAST, False),
    RIB_IPV6_UNICAST: (AFI_IPV6, SAFI_UNICAST, False),
    RIB_IPV6_MULTICAST: (AFI_IPV6, SAFI_MULTICAST, False),
    RIB_GENERIC: (None, None, False),
    RIB_IPV4_UNICAST_ADDPATH: (AFI_IPV4, SAFI_UNICAST, True),
    RIB_IPV4_MULTICAST_ADDPATH: (AFI_IPV4, SAFI_MULTICAST, True),
    RIB_IPV6_UNICAST_ADDPATH: (AFI_IPV6, SAFI_UNICAST, True),
    RIB_IPV6_MULTICAST_ADDPATH: (AFI_IPV6, SAFI_MULTICAST, True),
    RIB_GENERIC_ADDPATH: (None, None, True),
}
#: BGP4MP message subtype -> (4-octet ASNs, add-path, local: the message was sent by the collector)
MRT_MESSAGE_SUBTYPES = {
    BGP4MP_MESSAGE: (False, False, False),
    BGP4MP_MESSAGE_AS4: (True, False, False),
    BGP4MP_MESSAGE_LOCAL: (False, False, True),
    BGP4MP_MESSAGE_AS4_LOCAL: (True, False, True),
    BGP4MP_MESSAGE_ADDPATH: (False, True, False),
    BGP4MP_MESSAGE_AS4_ADDPATH: (True, True, False),
    BGP4MP_MESSAGE_LOCAL_ADDPATH: (False, True, True),
    BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH: (True, True, True),
}
#: the columns `_mrt_*.mrt_columns` fills, one row per route, in this order (their `array` type codes: `MRT_TYPECODES`)
MRT_PREFIX_HI = 0
MRT_PREFIX_LO = 1
MRT_LENGTH = 2
MRT_AFI = 3
MRT_SAFI = 4
MRT_PATH_ID = 5
MRT_PEER = 6
MRT_TIME = 7
MRT_ORIGINATED = 8
MRT_WITHDRAWN = 9
MRT_ORIGIN_AS = 10
MRT_AS_PATH_LENGTH = 11
MRT_NEXTHOP_HI = 12
MRT_NEXTHOP_LO = 13
MRT_NEXTHOP_AFI = 14
MRT_ATTRIBUTE_SET = 15
MRT_RECORD = 16  # the record's index in the file (from 0)
MRT_SET_KIND = (
    17  # which dict of `sets` interned the attribute set: 0 BGP4MP *_AS4, 1 BGP4MP, 2 TABLE_DUMP_V2, 3 TABLE_DUMP
)
MRT_COLUMNS = 18
#: the `array` type code of each column
MRT_TYPECODES = "QQBBBIIdIBIHQQBiqB"


def declarations() -> str:
    """The text of ``_tables.pxd`` (see the module docstring): every public integer here, as a C constant."""
    names = [name for name, value in globals().items() if not name.startswith("_") and type(value) is int]
    lines = [
        "# Generated by setup.py from exabgp/_codec/tables.py (tables.declarations()): do not edit, do not commit.",
        "",
        "cdef enum:",
        *(f"    {name} = {globals()[name]}" for name in names),
    ]
    return "\n".join(lines) + "\n"
