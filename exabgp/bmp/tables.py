"""The code spaces of BMP, one literal table each (RFC 7854 section 10, RFC 8671, RFC 9069, RFC 9736).

Each table maps the number on the wire to the name the JSON lines print
(lower case, words joined by dashes, as ExaBGP's own names are).
"""

#: RFC 7854 section 4.1's version, and the one of the TLV draft (BMPv4, `ROUTE_MONITORING_TLVS`): the versions read
VERSION = 3
VERSION_TLV = 4  # BMPv4: a Peer Down's TLVs after its reason's data have the index (RFC 9736 layout)
VERSIONS = frozenset((VERSION, VERSION_TLV))
#: the common header: version (1), message length (4), message type (1)
COMMON_HEADER_SIZE = 6
#: the per-peer header (RFC 7854 section 4.2): type, flags, distinguisher (8), address (16), AS (4),
#: BGP identifier (4), timestamp seconds (4) and microseconds (4)
PEER_HEADER_SIZE = 42
#: no BMP message is longer than this: a Route Monitoring holds one BGP message (at most 65535 octets
#: with RFC 8654), a Peer Up two OPENs; a length over it is taken as a lie, not as a reason to buffer
MAX_MESSAGE_SIZE = 1 << 20

ROUTE_MONITORING = 0
STATISTICS_REPORT = 1
PEER_DOWN = 2
PEER_UP = 3
INITIATION = 4
TERMINATION = 5
ROUTE_MIRRORING = 6

MESSAGE_NAMES = {
    ROUTE_MONITORING: "route-monitoring",
    STATISTICS_REPORT: "statistics-report",
    PEER_DOWN: "peer-down",
    PEER_UP: "peer-up",
    INITIATION: "initiation",
    TERMINATION: "termination",
    ROUTE_MIRRORING: "route-mirroring",
}

#: the messages that open with a per-peer header
PER_PEER = frozenset((ROUTE_MONITORING, STATISTICS_REPORT, PEER_DOWN, PEER_UP, ROUTE_MIRRORING))

GLOBAL_INSTANCE = 0
RD_INSTANCE = 1
LOCAL_INSTANCE = 2
LOC_RIB_INSTANCE = 3  # RFC 9069 section 4.1

PEER_TYPES = {
    GLOBAL_INSTANCE: "global",
    RD_INSTANCE: "rd",
    LOCAL_INSTANCE: "local",
    LOC_RIB_INSTANCE: "loc-rib",
}

# per-peer header flags (RFC 7854 section 4.2, RFC 8671 section 4): the high bits of the flags octet
FLAG_V = 0x80  # the peer address is IPv6
FLAG_L = 0x40  # post-policy Adj-RIB-In (or Adj-RIB-Out)
FLAG_A = 0x20  # the AS_PATH is in the legacy 2-octet form
FLAG_O = 0x10  # Adj-RIB-Out (RFC 8671)
FLAG_F = 0x80  # Loc-RIB peer type only: the Loc-RIB is filtered (RFC 9069 section 4.2)

#: the flag names of the peer types other than Loc-RIB, in bit order
FLAG_NAMES = ((FLAG_V, "ipv6"), (FLAG_L, "post-policy"), (FLAG_A, "legacy-as-path"), (FLAG_O, "adj-rib-out"))
LOC_RIB_FLAG_NAMES = ((FLAG_F, "filtered"),)

# Initiation Information TLVs (RFC 7854 section 4.4)
INFORMATION_STRING = 0
INFORMATION_SYS_DESCR = 1
INFORMATION_SYS_NAME = 2
INFORMATION_TYPES = {
    INFORMATION_STRING: "string",
    INFORMATION_SYS_DESCR: "sys-descr",
    INFORMATION_SYS_NAME: "sys-name",
}
# Peer Up (and Peer Down reason 6) Information TLVs: their own namespace (RFC 9736), with the VRF/Table
# Name of RFC 9069 section 5.2 and the Admin Label
PEER_INFORMATION_TYPES = {
    INFORMATION_STRING: "string",
    3: "vrf-table-name",
    4: "admin-label",
}

# Route Monitoring TLVs (RFC 9736 as the issue names it: the TLV layout of draft-ietf-grow-bmp-tlv, "BMPv4"):
# type (2 octets, its high bit the E bit: the value opens with a 4-octet IANA Private Enterprise Number),
# length (2, of the value), index (2: the NLRI of the UPDATE the TLV is about, from 0, or with the G bit a
# group of NLRIs a Group TLV lists), value.  The BGP UPDATE itself is one of them.  The code points are the
# draft's as read here, not confirmed by IANA: a change is a change of this table only.
TLV_HEADER_SIZE = 6
TLV_ENTERPRISE = 0x8000  # the E bit of the type
INDEX_GROUP = 0x8000  # the G bit of the index
RM_BGP_MESSAGE = 0  # the whole BGP UPDATE, its header included
RM_GROUP = 1  # 2-octet NLRI indexes, the group the TLV's own index (G bit set) names
RM_STATELESS_PARSING = 2  # how to read the UPDATE without its session's OPENs (shown as octets)
RM_VRF_TABLE_NAME = 3  # UTF-8, as the Peer Up's TLV 3 (RFC 9069 section 5.2)
RM_PATH_MARKING = 4  # the path status and reason of the NLRI (shown as octets)
ROUTE_MONITORING_TLVS = {
    RM_BGP_MESSAGE: "bgp-message",
    RM_GROUP: "group",
    RM_STATELESS_PARSING: "stateless-parsing",
    RM_VRF_TABLE_NAME: "vrf-table-name",
    RM_PATH_MARKING: "path-marking",
}
#: the TLVs of a BMPv4 Peer Down, same layout (the index unused), the names of the Peer Up namespace's
PEER_DOWN_TLVS = {INFORMATION_STRING: "string", RM_VRF_TABLE_NAME: "vrf-table-name"}
#: the names whose values are UTF-8 text
TEXT_TLVS = frozenset(("string", "vrf-table-name"))

# Termination TLVs (RFC 7854 section 4.5)
TERMINATION_STRING = 0
TERMINATION_REASON = 1
TERMINATION_TYPES = {TERMINATION_STRING: "string", TERMINATION_REASON: "reason"}
TERMINATION_REASONS = {
    0: "administratively-closed",
    1: "unspecified",
    2: "out-of-resources",
    3: "redundant-connection",
    4: "permanently-administratively-closed",
}

# Peer Down reasons (RFC 7854 section 4.9, RFC 9069 section 5.5)
DOWN_LOCAL_NOTIFICATION = 1
DOWN_LOCAL_FSM = 2
DOWN_REMOTE_NOTIFICATION = 3
DOWN_REMOTE = 4
DOWN_DECONFIGURED = 5
DOWN_LOCAL_TLV = 6
DOWN_REASONS = {
    DOWN_LOCAL_NOTIFICATION: "local-notification",
    DOWN_LOCAL_FSM: "local-no-notification",
    DOWN_REMOTE_NOTIFICATION: "remote-notification",
    DOWN_REMOTE: "remote-no-notification",
    DOWN_DECONFIGURED: "peer-deconfigured",
    DOWN_LOCAL_TLV: "local-system-closed",
}
#: the reasons whose data is a BGP NOTIFICATION message
DOWN_WITH_NOTIFICATION = frozenset((DOWN_LOCAL_NOTIFICATION, DOWN_REMOTE_NOTIFICATION))

# Route Mirroring TLVs (RFC 7854 section 4.7)
MIRROR_BGP_MESSAGE = 0
MIRROR_INFORMATION = 1
MIRROR_INFORMATION_CODES = {0: "errored-pdu", 1: "messages-lost"}

# Statistics types (RFC 7854 section 4.8, RFC 8671 section 5)
STATISTICS_TYPES = {
    0: "rejected-prefixes",
    1: "duplicate-prefix-advertisements",
    2: "duplicate-withdraws",
    3: "invalidated-cluster-list-loop",
    4: "invalidated-as-path-loop",
    5: "invalidated-originator-id",
    6: "invalidated-as-confed-loop",
    7: "adj-rib-in-routes",
    8: "loc-rib-routes",
    9: "adj-rib-in-routes-per-family",
    10: "loc-rib-routes-per-family",
    11: "updates-treated-as-withdraw",
    12: "prefixes-treated-as-withdraw",
    13: "duplicate-update-messages",
    14: "adj-rib-out-pre-policy-routes",
    15: "adj-rib-out-post-policy-routes",
    16: "adj-rib-out-pre-policy-routes-per-family",
    17: "adj-rib-out-post-policy-routes-per-family",
}
#: statistics values: a 4-octet counter, an 8-octet gauge, or AFI (2), SAFI (1) and an 8-octet gauge
STATISTICS_SIZES = (4, 8, 11)
