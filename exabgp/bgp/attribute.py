"""Path attributes: one table of every code ExaBGP 5.0 decodes, and RFC 7606 applied to it.

`ATTRIBUTES` is the literal table.  Each `AttributeSpec` states, as data:

* `flags`: the Optional / Transitive bits the attribute must carry (RFC 4271
  section 4.3 and each attribute's RFC), from `exabgp._codec.tables`
  (`ATTRIBUTE_FLAGS`, with the rule: Partial ignored on optional
  attributes, clear on well-known ones), where the codes and the sizes of
  the common attributes are too: the fast paths read the same table;
* `length`: the length rule, checked before the value is read:
  ``Fixed(n, ...)`` (one of the listed sizes), ``Multiple(n)`` (a non-zero
  multiple of n), ``AtLeast(n)`` or ``TLVS`` (a sequence of type-length-value
  items, checked by the decoder);
* `zero_ok`: whether a zero-length value is legal; a zero-length attribute
  that is not is treat-as-withdraw "due to" that attribute, whatever its
  action (ExaBGP 5.0's rule);
* `action`: what a malformed value or wrong flags cost (RFC 7606 section 2):
  `TREAT_AS_WITHDRAW`, `ATTRIBUTE_DISCARD` or `SESSION_RESET`;
  `external_action` the one from an external peer when it differs (LOCAL_PREF:
  attribute discard, RFC 7606 section 7.5; `ctx.external`);
* `decode`: ``(value, ctx) -> python value``, raising `CodecError`.

`decode_attributes(data, ctx)` walks the attribute section with ONE codec
call (`_codec.walk_attributes`, which already keeps the first of repeated
attributes and resets the session on a repeated MP_REACH/MP_UNREACH, RFC 7606
section 3 g) and applies the table in wire order:

* an attribute running past the section (RFC 7606 section 4) makes the whole
  UPDATE treat-as-withdraw; the attributes before it are kept (5.0's text
  names the attribute when only its flags and type octets are left: "due
  to local-preference", "due to unknown-attribute-0x63");
* wrong flags make the attribute malformed (RFC 7606 section 3 c), handled
  as its malformed values are: treat-as-withdraw, the attribute dropped with
  an ``error: "discard"`` marker (ExaBGP 5.0 drops it silently), or 3/9 for
  MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 7606 section 5.3 and 3 j);
* a malformed value: treat-as-withdraw, or the attribute dropped with an
  ``error: "discard"`` marker, or the `CodecError` propagates (session reset;
  a length error of MP_REACH_NLRI / MP_UNREACH_NLRI is 3/9, RFC 4760 section 7);
* unknown codes: optional transitive ones are kept raw and shown with the
  Partial bit set (``attribute-0xCC-0xFF``), optional non-transitive ones are
  ignored (RFC 4271 section 5); either way the octets stay in `raw` and
  re-encode unchanged.  One with the Optional bit clear is an unrecognized
  well-known attribute: 3/2 on a session (``ctx.received``, RFC 4271 section
  6.3), shown or ignored as above by `exabgp decode`, as 5.0 does;
* on a session, routes announced without ORIGIN or AS_PATH, or in the NLRI
  field without NEXT_HOP (`MANDATORY`, RFC 4271 section 5, RFC 4760 section
  3), are treat-as-withdraw (RFC 7606 section 3 d).

Only the first treat-as-withdraw and the first discard are remembered, with
5.0's text (``treat-as-withdraw``, ``treat-as-withdraw due to origin``,
``discard``; ours: ``treat-as-withdraw due to missing origin``).  Then, when
no treat-as-withdraw happened, AS4_AGGREGATOR and AS4_PATH are reconciled
with AGGREGATOR and AS_PATH as RFC 6793 section 4.2.3 says (5.0 does it on
every session, so `exabgp decode` shows the merged path).

Where this table departs from ExaBGP 5.0 it follows the RFCs
(docs/compatibility.md lists each difference): ORIGINATOR_ID and
CLUSTER_LIST (RFC 7606 sections 7.9, 7.10) and PMSI_TUNNEL are
treat-as-withdraw, AS4_PATH / AS4_AGGREGATOR are attribute discard (RFC 6793
section 6), where 5.0 resets the session; ORIGIN is one octet of 0 to 2 (RFC
7606 section 7.1), the checks above that 5.0 does not make.  AIGP (RFC 7311)
is decoded only on sessions that enabled it (``ctx.aigp``, absent means no),
as 5.0 does.
"""

import socket
from collections.abc import Callable

from exabgp import _codec
from exabgp._codec.errors import CodecError
from exabgp._codec.headers import attribute_value
from exabgp._codec.tables import (  # the attribute codes, flags and sizes: one table for the package
    AGGREGATOR,
    AIGP,
    AS4_AGGREGATOR,
    AS4_PATH,
    AS_CONFED_SEQUENCE,
    AS_CONFED_SET,
    AS_PATH,
    AS_SEQUENCE,
    AS_SET,
    ASN2_SIZE,
    ASN4_SIZE,
    ATOMIC_AGGREGATE,
    ATTRIBUTE_FLAGS,
    BGP_LS,
    BGP_PREFIX_SID,
    CLUSTER_LIST,
    COMMUNITIES,
    EXTENDED_COMMUNITIES,
    IPV4_SIZE,
    IPV6_EXTENDED_COMMUNITIES,
    ITEM_SIZES,
    LARGE_COMMUNITY,
    LOCAL_PREF,
    MP_REACH_MINIMUM,
    MP_REACH_NLRI,
    MP_UNREACH_MINIMUM,
    MP_UNREACH_NLRI,
    MULTI_EXIT_DISC,
    NEXT_HOP,
    FLAGS_CHECKED,
    FLAGS_CHECKED_OPTIONAL,
    OPTIONAL,
    ORIGIN,
    ORIGINATOR_ID,
    PARTIAL,
    PMSI_TUNNEL,
    TRANSITIVE,
    VALUE_SIZES,
)
from exabgp.bgp import community
from exabgp.bgp.nlri import NEXTHOP_SIZES
from exabgp.bgp.record import record

# RFC 7606 section 2 error handling approaches
TREAT_AS_WITHDRAW = "treat-as-withdraw"
ATTRIBUTE_DISCARD = "attribute-discard"
SESSION_RESET = "session-reset"

AS_TRANS = 23456  # RFC 6793 section 9


@record
class Fixed:
    sizes: tuple

    def __init__(self, *sizes):
        object.__setattr__(self, "sizes", sizes)

    def accepts(self, length: int) -> bool:
        return length in self.sizes


@record
class Multiple:
    size: int

    def accepts(self, length: int) -> bool:
        return length % self.size == 0


@record
class AtLeast:
    size: int

    def accepts(self, length: int) -> bool:
        return length >= self.size


@record
class _Tlvs:
    def accepts(self, length: int) -> bool:
        return True


TLVS = _Tlvs()


def _ipv4(octets) -> str:
    return socket.inet_ntop(socket.AF_INET, bytes(octets))


# ---------------------------------------------------------------- value decoders


def _origin(value, ctx):
    if value[0] > 2:  # RFC 4271 5.1.1: IGP, EGP, INCOMPLETE
        raise CodecError(3, 6, bytes(value), f"ORIGIN value {value[0]} undefined")
    return value[0]


def _as_path(value, ctx):
    # an empty AS_PATH (iBGP, RFC 4271 5.1.2) is, as in 5.0, no path to show
    return _codec.decode_as_path(value, ctx.asn4) or None


def _as4_path(value, ctx):
    # RFC 6793 section 6: confederation segments in AS4_PATH are discarded
    return [
        segment
        for segment in _codec.decode_as_path(value, True)
        if segment[0] not in (AS_CONFED_SEQUENCE, AS_CONFED_SET)
    ]


def _unsigned(value, ctx):
    return int.from_bytes(value, "big")


def _present(value, ctx):
    return True


def _aggregator(value, ctx):
    if len(value) != (8 if ctx.asn4 else 6):
        raise CodecError(3, 5, b"", "AGGREGATOR length does not match the ASN size")
    return int.from_bytes(value[:-4], "big"), _ipv4(value[-4:])


def _as4_aggregator(value, ctx):
    return int.from_bytes(value[:4], "big"), _ipv4(value[4:8])


def _address(value, ctx):
    return _ipv4(value)


def _cluster_list(value, ctx):
    return tuple(_ipv4(value[i : i + 4]) for i in range(0, len(value), 4))


def _communities(value, ctx):
    return tuple(sorted(_codec.decode_communities(value)))


def _large_communities(value, ctx):
    return tuple(sorted(set(_codec.decode_large_communities(value))))  # 5.0 prints each once


def _extended(value, ctx):
    items = sorted(value[i : i + community.EXTENDED_SIZE] for i in range(0, len(value), community.EXTENDED_SIZE))
    for item in items:
        community.check_extended(item)
    return tuple(items)


def _ipv6_extended(value, ctx):
    size = community.IPV6_EXTENDED_SIZE
    return tuple(sorted(value[i : i + size] for i in range(0, len(value), size)))


def _pmsi_tunnel(value, ctx):
    """RFC 6514 section 5: flags, tunnel type, MPLS label, tunnel identifier."""
    return value[0], value[1], int.from_bytes(value[2:5], "big"), bytes(value[5:])


def _aigp(value, ctx):
    """RFC 7311 section 3: TLVs; type 1 (AIGP, 11 octets) must be there."""
    metric = None
    offset = 0
    while offset < len(value):
        if len(value) - offset < 3:
            raise CodecError(3, 9, b"", "AIGP TLV header truncated")
        tlv_type = value[offset]
        tlv_length = int.from_bytes(value[offset + 1 : offset + 3], "big")
        if tlv_length < 3 or len(value) - offset < tlv_length:
            raise CodecError(3, 9, b"", "AIGP TLV length invalid")
        if tlv_type == 1:
            if tlv_length != 11:
                raise CodecError(3, 9, b"", "AIGP TLV length is not 11")
            if metric is None:
                metric = bytes(value[offset + 3 : offset + 11])
        offset += tlv_length
    if metric is None:
        raise CodecError(3, 9, b"", "AIGP attribute without AIGP TLV")
    return metric


def _tlvs(value, type_size: int, what: str):
    items = []
    offset = 0
    size = len(value)
    while offset < size:
        if size - offset < type_size + 2:
            raise CodecError(3, 5, b"", f"{what}: truncated TLV header")
        tlv_type = int.from_bytes(value[offset : offset + type_size], "big")
        length = int.from_bytes(value[offset + type_size : offset + type_size + 2], "big")
        start = offset + type_size + 2
        if start + length > size:
            raise CodecError(3, 5, b"", f"{what}: TLV {tlv_type} overruns the attribute")
        items.append((tlv_type, bytes(value[start : start + length])))
        offset = start + length
    return items


def _bgp_ls(value, ctx):
    """RFC 9552 section 5.3: 2-octet type, 2-octet length TLVs, kept raw once their values are checked
    (`exabgp.bgp.bgpls_attribute.check`)."""
    from exabgp.bgp import bgpls_attribute  # loaded by the first BGP-LS attribute: the short commands never need it

    tlvs = _tlvs(value, 2, "BGP-LS attribute")
    bgpls_attribute.check(tlvs)
    return tlvs


# RFC 8669 section 3: the Prefix-SID TLVs; label index (1) and SRGB (3) once each
PREFIX_SID_LABEL_INDEX = 1
PREFIX_SID_SRGB = 3
PREFIX_SID_SRV6_L3_SERVICE = 5  # RFC 9252 section 2
PREFIX_SID_SRV6_L2_SERVICE = 6
SRV6_SID_INFORMATION = 1  # RFC 9252 section 3.1: the SRv6 service sub-TLV
SRV6_SID_STRUCTURE = 1  # RFC 9252 section 3.2.1: the SID information's sub-sub-TLV


def _prefix_sid(value, ctx):
    """RFC 8669 section 3 / RFC 9252 section 2: 1-octet type, 2-octet length TLVs.

    Returns ``[(type, data)]``; a repeated label index or SRGB TLV is dropped
    (RFC 8669 section 6).  The label index must be 7 octets, the SRGB
    2 + n*6 octets; anything else is malformed (3/5).
    """
    if not value:
        raise CodecError(3, 5, b"", "BGP Prefix-SID without TLV")
    items = []
    seen = set()
    for tlv_type, data in _tlvs(value, 1, "BGP Prefix-SID"):
        if tlv_type in (PREFIX_SID_LABEL_INDEX, PREFIX_SID_SRGB):
            if tlv_type in seen:
                continue
            seen.add(tlv_type)
        if tlv_type == PREFIX_SID_LABEL_INDEX and len(data) != 7:
            raise CodecError(3, 5, b"", "Prefix-SID label index TLV is not 7 octets")
        if tlv_type == PREFIX_SID_SRGB and (len(data) < 8 or (len(data) - 2) % 6):
            raise CodecError(3, 5, b"", "Prefix-SID SRGB TLV is not 2 + n*6 octets")
        if tlv_type in (PREFIX_SID_SRV6_L3_SERVICE, PREFIX_SID_SRV6_L2_SERVICE):
            _srv6_service(data)
        items.append((tlv_type, data))
    return items


def _srv6_service(data):
    """RFC 9252 section 2: reserved octet, then sub-TLVs; SID information needs 21 octets."""
    for sub_type, sub in _tlvs(data[1:], 1, "SRv6 service"):
        if sub_type == 1:
            if len(sub) < 21:
                raise CodecError(3, 5, b"", "SRv6 SID information sub-TLV too short")
            for subsub_type, subsub in _tlvs(sub[21:], 1, "SRv6 SID information"):
                if subsub_type == 1 and len(subsub) < 6:
                    raise CodecError(3, 5, b"", "SRv6 SID structure sub-sub-TLV too short")


def srv6_service_tlvs(data):
    """The sub-TLVs of an SRv6 service TLV value as ``[(type, data)]``."""
    return _tlvs(data[1:], 1, "SRv6 service")


def srv6_sid_information(sub):
    """SID information sub-TLV: ``(sid octets, behavior, [(type, data)])``."""
    return bytes(sub[1:17]), int.from_bytes(sub[18:20], "big"), _tlvs(sub[21:], 1, "SRv6 SID information")


class MPReach:
    """MP_REACH_NLRI (RFC 4760 section 3): family, next hop(s), the NLRI octets."""

    __slots__ = ("afi", "safi", "nexthop", "nexthops", "reserved", "nlri")

    def __init__(self, afi, safi, nexthop, nexthops, nlri, reserved=0):
        self.afi = afi
        self.safi = safi
        self.nexthop = bytes(nexthop)  # the next-hop field as on the wire
        self.nexthops = nexthops  # addresses (RD removed), split per 16 octets as 5.0 does
        self.nlri = nlri  # octets, or NLRI objects when built or decoded
        self.reserved = reserved

    def encode_value(self) -> bytes:
        return (
            self.afi.to_bytes(2, "big")
            + bytes((self.safi, len(self.nexthop)))
            + self.nexthop
            + bytes((self.reserved,))
            + self.nlri
        )


class MPUnreach:
    """MP_UNREACH_NLRI (RFC 4760 section 4): family and withdrawn NLRI octets."""

    __slots__ = ("afi", "safi", "nlri")

    def __init__(self, afi, safi, nlri):
        self.afi = afi
        self.safi = safi
        self.nlri = nlri  # octets, or NLRI objects when built or decoded

    def encode_value(self) -> bytes:
        return self.afi.to_bytes(2, "big") + bytes((self.safi,)) + self.nlri


def _mp_reach(value, ctx):
    if len(value) < 5:
        raise CodecError(3, 9, b"", "MP_REACH_NLRI too short")
    afi = int.from_bytes(value[0:2], "big")
    safi = value[2]
    length = value[3]
    if len(value) < 4 + length + 1:
        raise CodecError(3, 9, b"", "MP_REACH_NLRI next hop truncated")
    family = (afi, safi)
    if family not in NEXTHOP_SIZES:
        raise CodecError(3, 9, b"", f"MP_REACH_NLRI of unsupported family {afi}/{safi}")
    sizes, rd_size = NEXTHOP_SIZES[family]
    # RFC 8950: with extended next hop, the next-hop length says its address family
    if length in (16, 24, 32) and (afi, safi, 2) in ctx.extended_nexthop:
        sizes = NEXTHOP_SIZES.get((2, safi), (sizes, rd_size))[0]
    elif length in (4, 12) and (afi, safi, 1) in ctx.extended_nexthop:
        sizes = NEXTHOP_SIZES.get((1, safi), (sizes, rd_size))[0]
    if length not in sizes:
        raise CodecError(3, 9, b"", f"MP_REACH_NLRI next-hop length {length} invalid for {afi}/{safi}")
    field = value[4 : 4 + length]
    if rd_size and any(field[:rd_size]):
        raise CodecError(3, 9, b"", "MP_REACH_NLRI next-hop route distinguisher is not zero")
    addresses = field[rd_size:]
    nexthops = [bytes(addresses[i : i + 16]) for i in range(0, len(addresses), 16)]
    nlri = value[4 + length + 1 :]
    if not nlri:
        raise CodecError(3, 9, b"", "MP_REACH_NLRI without NLRI")
    return MPReach(afi, safi, field, nexthops, bytes(nlri), value[4 + length])


def _mp_unreach(value, ctx):
    if len(value) < 3:
        raise CodecError(3, 9, b"", "MP_UNREACH_NLRI too short")
    afi, safi = int.from_bytes(value[0:2], "big"), value[2]
    if (afi, safi) not in NEXTHOP_SIZES:  # as MP_REACH_NLRI: a family ExaBGP does not know (5.0.15 too)
        raise CodecError(3, 9, b"", f"MP_UNREACH_NLRI of unsupported family {afi}/{safi}")
    return MPUnreach(afi, safi, bytes(value[3:]))


# ---------------------------------------------------------------- the table


@record
class AttributeSpec:
    code: int
    name: str  # IANA name
    key: str  # ExaBGP's name (JSON key, "due to" text)
    length: Fixed | Multiple | AtLeast | _Tlvs  # the value sizes allowed
    zero_ok: bool  # a zero-length value is legal
    action: str  # RFC 7606 action on wrong flags or a malformed value
    decode: Callable[[bytes, object], object]  # (value, ctx) -> python value
    reference: str
    external_action: str | None = None  # the action from an external (eBGP) peer, when it differs

    @property
    def flags(self) -> int:
        """The Optional / Transitive bits required (`tables.ATTRIBUTE_FLAGS`)."""
        return ATTRIBUTE_FLAGS[self.code]

    def action_for(self, ctx) -> str:
        """The RFC 7606 action on this session (`ctx.external`: the peer is in another AS)."""
        if self.external_action is not None and ctx.external:
            return self.external_action
        return self.action


#: code -> AttributeSpec, every path attribute ExaBGP 5.0 decodes
ATTRIBUTES = {
    spec.code: spec
    for spec in (
        AttributeSpec(
            ORIGIN,
            "ORIGIN",
            "origin",
            Fixed(VALUE_SIZES[ORIGIN]),
            False,
            TREAT_AS_WITHDRAW,
            _origin,
            "RFC 4271 5.1.1, RFC 7606 7.1",
        ),
        AttributeSpec(
            AS_PATH,
            "AS_PATH",
            "as-path",
            TLVS,
            True,
            TREAT_AS_WITHDRAW,
            _as_path,
            "RFC 4271 5.1.2, RFC 6793, RFC 7606 7.2",
        ),
        AttributeSpec(
            NEXT_HOP,
            "NEXT_HOP",
            "next-hop",
            Fixed(VALUE_SIZES[NEXT_HOP]),
            False,
            TREAT_AS_WITHDRAW,
            _address,
            "RFC 4271 5.1.3, RFC 7606 7.3",
        ),
        AttributeSpec(
            MULTI_EXIT_DISC,
            "MULTI_EXIT_DISC",
            "med",
            Fixed(VALUE_SIZES[MULTI_EXIT_DISC]),
            False,
            TREAT_AS_WITHDRAW,
            _unsigned,
            "RFC 4271 5.1.4, RFC 7606 7.4",
        ),
        AttributeSpec(
            LOCAL_PREF,
            "LOCAL_PREF",
            "local-preference",
            Fixed(VALUE_SIZES[LOCAL_PREF]),
            False,
            TREAT_AS_WITHDRAW,
            _unsigned,
            "RFC 4271 5.1.5, RFC 7606 7.5",
            ATTRIBUTE_DISCARD,
        ),
        AttributeSpec(
            ATOMIC_AGGREGATE,
            "ATOMIC_AGGREGATE",
            "atomic-aggregate",
            Fixed(VALUE_SIZES[ATOMIC_AGGREGATE]),
            True,
            ATTRIBUTE_DISCARD,
            _present,
            "RFC 4271 5.1.6, RFC 7606 7.6",
        ),
        AttributeSpec(
            AGGREGATOR,
            "AGGREGATOR",
            "aggregator",
            Fixed(ASN2_SIZE + IPV4_SIZE, ASN4_SIZE + IPV4_SIZE),
            False,
            ATTRIBUTE_DISCARD,
            _aggregator,
            "RFC 4271 5.1.7, RFC 6793, RFC 7606 7.7",
        ),
        AttributeSpec(
            COMMUNITIES,
            "COMMUNITIES",
            "community",
            Multiple(ITEM_SIZES[COMMUNITIES]),
            False,
            TREAT_AS_WITHDRAW,
            _communities,
            "RFC 1997, RFC 7606 7.8",
        ),
        AttributeSpec(
            ORIGINATOR_ID,
            "ORIGINATOR_ID",
            "originator-id",
            Fixed(VALUE_SIZES[ORIGINATOR_ID]),
            False,
            TREAT_AS_WITHDRAW,
            _address,
            "RFC 4456, RFC 7606 7.9",
        ),
        AttributeSpec(
            CLUSTER_LIST,
            "CLUSTER_LIST",
            "cluster-list",
            Multiple(ITEM_SIZES[CLUSTER_LIST]),
            False,
            TREAT_AS_WITHDRAW,
            _cluster_list,
            "RFC 4456, RFC 7606 7.10",
        ),
        AttributeSpec(
            MP_REACH_NLRI,
            "MP_REACH_NLRI",
            "mp-reach-nlri",
            AtLeast(MP_REACH_MINIMUM),
            False,
            SESSION_RESET,
            _mp_reach,
            "RFC 4760 3, RFC 7606 5.3 / 3 j",
        ),
        AttributeSpec(
            MP_UNREACH_NLRI,
            "MP_UNREACH_NLRI",
            "mp-unreach-nlri",
            AtLeast(MP_UNREACH_MINIMUM),
            False,
            SESSION_RESET,
            _mp_unreach,
            "RFC 4760 4, RFC 7606 5.3 / 3 j",
        ),
        AttributeSpec(
            EXTENDED_COMMUNITIES,
            "EXTENDED COMMUNITIES",
            "extended-community",
            Multiple(8),
            False,
            TREAT_AS_WITHDRAW,
            _extended,
            "RFC 4360, RFC 7606 7.14",
        ),
        AttributeSpec(
            AS4_PATH, "AS4_PATH", "as4-path", TLVS, False, ATTRIBUTE_DISCARD, _as4_path, "RFC 6793 4.2.3 and 6"
        ),
        AttributeSpec(
            AS4_AGGREGATOR,
            "AS4_AGGREGATOR",
            "as4-aggregator",
            Fixed(8),
            False,
            ATTRIBUTE_DISCARD,
            _as4_aggregator,
            "RFC 6793 4.2.3 and 6",
        ),
        AttributeSpec(
            PMSI_TUNNEL,
            "PMSI_TUNNEL",
            "pmsi-tunnel",
            AtLeast(5),
            False,
            TREAT_AS_WITHDRAW,
            _pmsi_tunnel,
            "RFC 6514 5",
        ),
        AttributeSpec(
            IPV6_EXTENDED_COMMUNITIES,
            "IPv6 Address Specific Extended Community",
            "extended-community-ipv6",
            Multiple(20),
            False,
            TREAT_AS_WITHDRAW,
            _ipv6_extended,
            "RFC 5701, RFC 7606 7.15",
        ),
        AttributeSpec(AIGP, "AIGP", "aigp", TLVS, False, ATTRIBUTE_DISCARD, _aigp, "RFC 7311 3, 4"),
        AttributeSpec(
            BGP_LS, "BGP-LS Attribute", "bgp-ls", TLVS, False, ATTRIBUTE_DISCARD, _bgp_ls, "RFC 9552 5.3, 8.2.2"
        ),
        AttributeSpec(
            LARGE_COMMUNITY,
            "LARGE_COMMUNITY",
            "large-community",
            Multiple(ITEM_SIZES[LARGE_COMMUNITY]),
            False,
            TREAT_AS_WITHDRAW,
            _large_communities,
            "RFC 8092 5",
        ),
        AttributeSpec(
            BGP_PREFIX_SID,
            "BGP Prefix-SID",
            "bgp-prefix-sid",
            TLVS,
            True,
            ATTRIBUTE_DISCARD,
            _prefix_sid,
            "RFC 8669 6, RFC 9252",
        ),
    )
}


# ---------------------------------------------------------------- the decoded set


class Attributes:
    """The path attributes of one UPDATE after RFC 7606 and RFC 6793 4.2.3.

    `values`: code -> decoded value, in wire order (MP attributes included);
    `flags`: code -> flags as received (ExaBGP's view for unknown ones is
    ``flags | PARTIAL``); `raw`: the ``(code, flags, value)`` triples walked,
    for re-encoding; `treat_as_withdraw` / `discard`: 5.0's ``error`` texts.
    """

    __slots__ = ("values", "flags", "raw", "treat_as_withdraw", "discard")

    def __init__(self, raw=()):
        self.values = {}
        self.flags = {}
        self.raw = list(raw)
        self.treat_as_withdraw = None
        self.discard = None

    def get(self, code, default=None):
        return self.values.get(code, default)

    def __contains__(self, code):
        return code in self.values

    def _withdraw(self, text):
        if self.treat_as_withdraw is None:
            self.treat_as_withdraw = text

    def _discard(self):
        if self.discard is None:
            self.discard = "discard"


def _complete_prefix(data) -> int:
    """Octets of `data` made of whole attribute TLVs (RFC 7606 section 4 cut point)."""
    offset = 0
    size = len(data)
    while (bounds := attribute_value(data, offset, size)) is not None and bounds[1] <= size:
        offset = bounds[1]
    return offset


def _walk(data):
    """Walk the section; on an overrun keep the whole TLVs before it and give the octets left (else None)."""
    try:
        return _codec.walk_attributes(data), None
    except CodecError:
        cut = _complete_prefix(data)
        if cut == len(data):
            raise  # not an overrun: a repeated MP_REACH_NLRI / MP_UNREACH_NLRI
        return _codec.walk_attributes(data[:cut]), bytes(data[cut:])


def _overrun_text(rest: bytes) -> str:
    """The treat-as-withdraw text of an overrun (RFC 7606 section 4), as 5.0 words it: a section ending with
    a bare flags and type pair (no length octet) is blamed on that attribute, whatever its flags."""
    if len(rest) != 2:
        return TREAT_AS_WITHDRAW
    spec = ATTRIBUTES.get(rest[1])
    return f"{TREAT_AS_WITHDRAW} due to {spec.key if spec else f'unknown-attribute-0x{rest[1]:x}'}"


#: RFC 4271 section 5: the well-known mandatory attributes of an UPDATE with routes in its NLRI field; RFC 4760
#: section 3: with routes only in MP_REACH_NLRI, ORIGIN and AS_PATH (NEXT_HOP is not required there)
MANDATORY = (ORIGIN, AS_PATH, NEXT_HOP)
MANDATORY_MP_REACH = (ORIGIN, AS_PATH)


def _missing(attributes: Attributes, nlri_field: bool):
    """The first well-known mandatory attribute the UPDATE lacks, or None (also when it announces nothing)."""
    required: tuple[int, ...]
    if nlri_field:
        required = MANDATORY
    elif MP_REACH_NLRI in attributes.values:
        required = MANDATORY_MP_REACH
    else:
        return None
    present = {code for code, _flags, _value in attributes.raw}
    for code in required:
        if code not in present:
            return ATTRIBUTES[code]
    return None


def decode_attributes(data, ctx, nlri_field: bool = False) -> Attributes:
    """Decode an attribute section per `ATTRIBUTES`, RFC 7606 and RFC 6793 4.2.3.

    On a session's context (``ctx.received``: `exabgp decode` shows a message
    as it is, as 5.0 does) two more rules apply: an unrecognized well-known
    attribute is 3/2 (RFC 4271 section 6.3), and when the UPDATE has routes
    in its NLRI field (`nlri_field`) or in MP_REACH_NLRI, a missing well-known
    mandatory attribute is treat-as-withdraw (RFC 7606 section 3 d), worded
    ``treat-as-withdraw due to missing origin``.
    """
    walked, overrun = _walk(data)
    attributes = Attributes(walked)
    values = attributes.values
    for code, flags, value in walked:
        spec = ATTRIBUTES.get(code)
        if spec is None:
            if not flags & OPTIONAL and ctx.received:  # RFC 4271 6.3: Unrecognized Well-known Attribute
                raise CodecError(
                    3, 2, _codec.encode_attribute(code, flags, value), f"unrecognized well-known attribute {code}"
                )
            if flags & TRANSITIVE:
                values[code] = bytes(value)
                attributes.flags[code] = flags | PARTIAL
            continue
        action = spec.action_for(ctx)
        expected = ATTRIBUTE_FLAGS[code]  # spec.flags, without a property call per attribute
        checked = FLAGS_CHECKED_OPTIONAL if expected & OPTIONAL else FLAGS_CHECKED  # Partial ignored on optional
        if flags & checked != expected:  # RFC 7606 3 c: malformed, handled as the attribute's errors are
            if action == TREAT_AS_WITHDRAW:
                attributes._withdraw(TREAT_AS_WITHDRAW)
            elif action == ATTRIBUTE_DISCARD:
                attributes._discard()
            else:
                raise CodecError(3, 9, b"", f"invalid flags 0x{flags:02X} for {spec.name}")
            continue
        if not value and not spec.zero_ok:
            if action != spec.action:  # LOCAL_PREF from an external peer: discarded whatever its error (7.5)
                attributes._discard()
            else:
                attributes._withdraw(f"{TREAT_AS_WITHDRAW} due to {spec.key}")
            continue
        if code == AIGP and not getattr(ctx, "aigp", False):
            continue
        try:
            if not spec.length.accepts(len(value)):  # a reset one is MP_REACH/MP_UNREACH_NLRI: 3/9, RFC 4760 7
                subcode = 9 if action == SESSION_RESET else 5
                raise CodecError(3, subcode, b"", f"{spec.name} length {len(value)} invalid")
            decoded = spec.decode(value, ctx)
        except CodecError:
            if action == TREAT_AS_WITHDRAW:
                attributes._withdraw(TREAT_AS_WITHDRAW)
                continue
            if action == ATTRIBUTE_DISCARD:
                attributes._discard()
                continue
            raise
        if decoded is not None:
            values[code] = decoded
            attributes.flags[code] = flags
    if overrun is not None:
        attributes._withdraw(_overrun_text(overrun))
    missing = _missing(attributes, nlri_field) if ctx.received and attributes.treat_as_withdraw is None else None
    if missing is not None:
        attributes._withdraw(f"{TREAT_AS_WITHDRAW} due to missing {missing.key}")
    if attributes.treat_as_withdraw is None:
        _reconcile_as4(values)
    return attributes


# ---------------------------------------------------------------- RFC 6793 4.2.3


def _count(segments) -> int:
    """AS numbers in a path as RFC 4271 9.1.2.2 counts them (a set is one, confed none)."""
    total = 0
    for seg_type, asns in segments:
        if seg_type == AS_SEQUENCE:
            total += len(asns)
        elif seg_type == AS_SET:
            total += 1
    return total


def _leading(segments, wanted):
    leading = []
    for seg_type, asns in segments:
        if wanted <= 0:
            break
        if seg_type == AS_SEQUENCE and len(asns) > wanted:
            leading.append((seg_type, asns[:wanted]))
            break
        leading.append((seg_type, asns))
        wanted -= _count(((seg_type, asns),))
    return leading


def _coalesce(segments):
    joined = []
    for seg_type, asns in segments:
        if joined and seg_type in (AS_SEQUENCE, AS_CONFED_SEQUENCE) and joined[-1][0] == seg_type:
            joined[-1] = (seg_type, tuple(joined[-1][1]) + tuple(asns))
        else:
            joined.append((seg_type, tuple(asns)))
    return joined


def merge_as4_path(as_path, as4_path):
    """RFC 6793 4.2.3: the path an OLD speaker's AS_PATH and AS4_PATH stand for."""
    count2 = _count(as_path)
    count4 = _count(as4_path)
    if count2 < count4:
        return list(as_path)
    return _coalesce(_leading(as_path, count2 - count4) + list(as4_path))


def _reconcile_as4(values) -> None:
    aggregator = values.get(AGGREGATOR)
    if aggregator is not None and AS4_AGGREGATOR in values:
        if aggregator[0] != AS_TRANS:
            values.pop(AS4_AGGREGATOR)
            values.pop(AS4_PATH, None)
            return
        values.pop(AGGREGATOR)
    if AS_PATH in values and AS4_PATH in values:
        values[AS_PATH] = merge_as4_path(values[AS_PATH], values.pop(AS4_PATH))


def encode_as_path(segments, asn4: bool) -> dict:
    """AS_PATH (and AS4_PATH without 4-octet ASNs) as ``{code: (flags, value)}``."""
    if asn4:
        return {AS_PATH: (TRANSITIVE, _codec.encode_as_path(segments, True))}
    narrow = [(kind, tuple(asn if asn <= 0xFFFF else AS_TRANS for asn in asns)) for kind, asns in segments]
    tlvs = {AS_PATH: (TRANSITIVE, _codec.encode_as_path(narrow, False))}
    # RFC 6793 section 4.2.2: confederation segments stay out of AS4_PATH
    wide = [(kind, asns) for kind, asns in segments if kind in (AS_SEQUENCE, AS_SET)]
    if any(asn > 0xFFFF for _kind, asns in wide for asn in asns):
        tlvs[AS4_PATH] = (OPTIONAL | TRANSITIVE, _codec.encode_as_path(wide, True))
    return tlvs
