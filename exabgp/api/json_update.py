"""UPDATE -> ExaBGP 5.0's JSON text, for every attribute and family (the general renderer).

`update_json(update, ctx)` returns the text that follows ``"message": `` in
5.0's envelope (docs/compatibility.md, "Messages to helpers"), byte for byte:

    { "update": { "attribute": { ... }, "announce": { ... }, "withdraw": { ... } } }
    { "eor": { "afi" : "ipv4", "safi" : "unicast" } }

and `exabgp decode` prints ``envelope(speaker, now, 1, "update", peer,
', "direction": "in", "message": ' + update_json(u, ctx))`` (the default
`tail` `` } }`` closes the neighbor object and the line).

5.0 builds this text with string templates, and its spacing is kept:
attributes in type-code order, NEXT_HOP and the MP attributes left out (the
next hop is the key grouping announced NLRI, ``"no-nexthop"`` without one);
AS_PATH through `json.dumps` (``{"0": {"element": "as-sequence", "value":
[1, 2]}}``, confederation segments also called ``as-sequence``); communities
``[ [ 64496, 1022 ] ]``; large communities ``[ [ a, b , c ] ]``; extended
communities ``{ "value": N, "string": "..." }``; an unknown transitive
attribute ``"attribute-0xCC-0xFF": "0x<hex>"`` with the Partial bit set in
the flags shown; the RFC 7606 outcome as ``"error": "discard"`` and/or
``"error": "treat-as-withdraw[ due to <attribute>]"`` after the others.  The
``"attribute"`` object is printed whenever the attribute set is not empty,
even if only NEXT_HOP is in it (``"attribute": {  }``).

`exabgp decode` shows a treat-as-withdraw UPDATE with its NLRI still under
``announce``; the API of a session shows them as withdrawals
(`withdraw_on_error=True`).

Departures from 5.0, where its text is not JSON: the SRv6 SID information
prints its SID and behavior (5.0 prints the literal ``"%s"`` and ``%d``), and
unknown SRv6 sub-TLVs are left out instead of leaving an empty list item.
The BGP-LS attribute (29) prints as 5.0 decodes its TLVs (`exabgp.bgp.bgpls_attribute`).
Each NLRI writes its own object (``json(nexthop)`` of the NLRI protocol,
`exabgp.bgp.nlri_base`); NLRI of families without a decoder print as
``{ "raw": "0x<hex>" }``.
"""

import json
import re

from exabgp import _codec
from exabgp.bgp import attribute as attr
from exabgp.bgp.community import extended_string, extended_value
from exabgp.bgp.bgpls_attribute import attribute_json
from exabgp._codec.tables import JSON_MP_FAMILIES
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST, afi_name, family_name, safi_name
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.update import ANNOUNCE, WITHDRAW

#: the families the codec's fast path renders (IPv4 unicast's own fields, `tables.JSON_MP_FAMILIES`), by AFI: it
#: reads path identifiers per AFI, alike for all the SAFIs of one
_FAST_IPV4 = frozenset({(AFI_IPV4, SAFI_UNICAST), *((a, s) for a, s in JSON_MP_FAMILIES if a == AFI_IPV4)})
_FAST_IPV6 = frozenset((a, s) for a, s in JSON_MP_FAMILIES if a == AFI_IPV6)
#: the fast path's ``(addpath_ipv4, addpath_ipv6)`` by a context's `addpath_receive`, or () when that set
#: receives path identifiers for some of the SAFIs of `_FAST_IPV4` (or `_FAST_IPV6`) and not the others;
#: filled as contexts come (a handful of sets: one per ADD-PATH configuration)
_FAST_ADDPATH: dict = {frozenset(): (False, False)}


def _fast_addpath(addpath) -> tuple:
    """`_FAST_ADDPATH`'s value for `addpath` (the families, in a frozenset or a tuple), computed."""
    ipv4, ipv6 = _FAST_IPV4.intersection(addpath), _FAST_IPV6.intersection(addpath)
    if ipv4 not in (set(), _FAST_IPV4) or ipv6 not in (set(), _FAST_IPV6):
        return ()
    return bool(ipv4), bool(ipv6)


ORIGIN_NAMES = {0: "igp", 1: "egp", 2: "incomplete"}
SEGMENT_NAMES = {attr.AS_SET: "as-set"}  # every other segment type prints as as-sequence
#: 5.0's text brackets per AS_PATH segment type (RFC 4271 4.3, RFC 5065 3)
SEGMENT_TEXT = {
    attr.AS_SET: ("[", "]"),
    attr.AS_SEQUENCE: ("(", ")"),
    attr.AS_CONFED_SEQUENCE: ("{(", ")}"),
    attr.AS_CONFED_SET: ("{[", "]}"),
}

#: RFC 6514 section 5 tunnel types, as 5.0 names them in the "pmsi" string
PMSI_TUNNEL_TYPES = {
    0: "No tunnel",
    1: "RSVP-TE P2MP LSP",
    2: "mLDP P2MP LSP",
    3: "PIM-SSM Tree",
    4: "PIM-SM Tree",
    5: "BIDIR-PIM Tree",
    6: "Ingress Replication",
    7: "mLDP MP2MP LSP",
}

SRV6_STRUCTURE_KEYS = (
    "locator-block-length",
    "locator-node-length",
    "function-length",
    "argument-length",
    "transposition-length",
    "transposition-offset",
)


def _hex(octets) -> str:
    return "0x" + bytes(octets).hex().upper()


def _as_path(segments) -> str:
    return json.dumps(
        {
            str(position): {"element": SEGMENT_NAMES.get(seg_type, "as-sequence"), "value": list(asns)}
            for position, (seg_type, asns) in enumerate(segments)
        }
    )


def as_path_text(segments) -> str:
    """5.0's text form (``( 1 2 ) [ 3 4 ] {( 5 )}``): an AS4_PATH shown raw, and the text encoder."""
    parts = []
    for seg_type, asns in segments:
        head, tail = SEGMENT_TEXT.get(seg_type, ("(", ")"))
        parts.append(f"{head} {' '.join(str(asn) for asn in asns)} {tail}")
    return " ".join(parts)


def _extended_list(communities) -> str:
    return (
        "[ "
        + ", ".join(
            f'{{ "value": {extended_value(item)}, "string": "{extended_string(item)}" }}' for item in communities
        )
        + " ]"
    )


def pmsi_text(value) -> str:
    """5.0's ``pmsi:<tunnel type>:<flags>:<label>:<tunnel>`` string (JSON value and text encoder)."""
    flags, tunnel_type, raw_label, tunnel = value
    label = raw_label >> 4
    if tunnel_type == 0 and not tunnel:
        return f"pmsi:notunnel:{flags}:{label or 0}:"
    if tunnel_type == 6 and len(tunnel) == 4:
        label_text = f"{label}({raw_label})" if raw_label else str(label or 0)
        return f"pmsi:ingressreplication:{flags}:{label_text}:{address_text(tunnel)}"
    name = PMSI_TUNNEL_TYPES.get(tunnel_type, "unknown").replace(" ", "").lower()
    return f"pmsi:{name}:{flags}:{label or 0}:{_hex(tunnel) if tunnel else ''}"


def _srv6_sid_information(sub) -> str:
    sid, behavior, subsubs = attr.srv6_sid_information(sub)
    text = f'{{ "sid": "{address_text(sid)}", "flags": 0, "endpoint_behavior": {behavior}'
    for subsub_type, data in subsubs:
        if subsub_type == attr.SRV6_SID_STRUCTURE:
            text += ', "structure": ' + json.dumps(dict(zip(SRV6_STRUCTURE_KEYS, data[:6], strict=False)))
    return text + " }"


def label_index(data) -> int:
    """The label index of a prefix-SID Label-Index TLV value (RFC 8669 section 3.1)."""
    return int.from_bytes(data[3:7], "big")


def srgb_ranges(data) -> list:
    """``[[base, range], ...]`` of a prefix-SID Originator SRGB TLV value (RFC 8669 section 3.2)."""
    return [
        [int.from_bytes(data[i : i + 3], "big"), int.from_bytes(data[i + 3 : i + 6], "big")]
        for i in range(2, len(data), 6)
    ]


def _prefix_sid(tlvs) -> str:
    items = []
    for tlv_type, data in tlvs:
        if tlv_type == attr.PREFIX_SID_LABEL_INDEX:
            items.append(f'"sr-label-index": {label_index(data)}')
        elif tlv_type == attr.PREFIX_SID_SRGB:
            items.append(f'"sr-srgbs": {json.dumps(srgb_ranges(data))}')
        elif tlv_type in (attr.PREFIX_SID_SRV6_L3_SERVICE, attr.PREFIX_SID_SRV6_L2_SERVICE):
            name = "l3-service" if tlv_type == attr.PREFIX_SID_SRV6_L3_SERVICE else "l2-service"
            subs = [
                _srv6_sid_information(sub)
                for sub_type, sub in attr.srv6_service_tlvs(data)
                if sub_type == attr.SRV6_SID_INFORMATION
            ]
            items.append(f'"{name}": [ {", ".join(subs)} ]')
        else:
            items.append(f'"attribute-not-implemented-{tlv_type}": "{_hex(data)}"')
    return "{ " + ", ".join(items) + " }"


#: code -> renderer of the value part, for the attributes 5.0 names
RENDER = {
    attr.ORIGIN: lambda v: f'"{ORIGIN_NAMES.get(v, "invalid")}"',
    attr.AS_PATH: _as_path,
    attr.MULTI_EXIT_DISC: str,
    attr.LOCAL_PREF: str,
    attr.ATOMIC_AGGREGATE: lambda v: "true",
    attr.AGGREGATOR: lambda v: f'"{v[0]}:{v[1]}"',
    attr.COMMUNITIES: lambda v: "[ " + ", ".join(f"[ {c >> 16}, {c & 0xFFFF} ]" for c in v) + " ]",
    attr.ORIGINATOR_ID: lambda v: f'"{v}"',
    attr.CLUSTER_LIST: lambda v: "[ " + ", ".join(f'"{c}"' for c in v) + " ]",
    attr.EXTENDED_COMMUNITIES: _extended_list,
    attr.AS4_AGGREGATOR: lambda v: f'"{v[0]}:{v[1]}"',
    attr.PMSI_TUNNEL: lambda v: json.dumps(pmsi_text(v)),
    attr.IPV6_EXTENDED_COMMUNITIES: _extended_list,
    attr.AIGP: lambda v: f'"0x{v.hex()}"',
    attr.BGP_LS: attribute_json,
    attr.LARGE_COMMUNITY: lambda v: "[ " + ", ".join(f"[ {a}, {b} , {c} ]" for a, b, c in v) + " ]",
    attr.BGP_PREFIX_SID: _prefix_sid,
}

#: the JSON key of the attributes whose key is not their table name
KEYS = {attr.AS4_AGGREGATOR: "aggregator", attr.PMSI_TUNNEL: "pmsi"}

_NOT_SHOWN = (attr.NEXT_HOP, attr.MP_REACH_NLRI, attr.MP_UNREACH_NLRI)


def _attribute_items(attributes):
    items = []
    for code in sorted(attributes.values):
        if code in _NOT_SHOWN:
            continue
        value = attributes.values[code]
        render = RENDER.get(code)
        if render is not None:
            items.append(f'"{KEYS.get(code, attr.ATTRIBUTES[code].key)}": {render(value)}')
        elif code == attr.AS4_PATH:
            items.append(f'"attribute-0x11-0x{attr.OPTIONAL | attr.TRANSITIVE:02X}": "{as_path_text(value)}"')
        else:
            items.append(f'"attribute-0x{code:02X}-0x{attributes.flags[code]:02X}": "0x{value.hex()}"')
    if attributes.discard is not None:
        items.append(f'"error": "{attributes.discard}"')
    if attributes.treat_as_withdraw is not None:
        items.append(f'"error": "{attributes.treat_as_withdraw}"')
    return items


def eor_json(afi: int, safi: int) -> str:
    return f'{{ "eor": {{ "afi" : "{afi_name(afi)}", "safi" : "{safi_name(safi)}" }} }}'


#: a prefix NLRI object with nothing but its prefix (no path identifier, label or RD)
_PLAIN_NLRI = re.compile(r'\{ "nlri": ("[^"]*") \}')


def compact(text: str) -> str:
    """`api.compact`: the plain prefix NLRI objects of an update's JSON as bare strings (5.0's form).

    ``{ "nlri": "10.0.0.0/8" }`` becomes ``"10.0.0.0/8"`` in the announce and
    withdraw lists; NLRI with a path identifier, labels or an RD stay objects.
    """
    return _PLAIN_NLRI.sub(r"\1", text)


def update_json(update, ctx, withdraw_on_error: bool = False) -> str:
    """The message part of 5.0's update JSON (see the module docstring).

    A received UPDATE of IPv4 unicast and the families of
    `tables.JSON_MP_FAMILIES` (unicast, multicast, labeled, VPN) goes through
    the codec's fast path (`_codec.render_update`), which renders the same
    text in one call and declines (None) everything else, RFC 7606 cases
    included; the general renderer below takes what it declines.  The fast
    path reads path identifiers per AFI (all its SAFIs alike): a context
    that receives them for some of those SAFIs of an AFI and not the others
    renders the general way.
    """
    if update.body is not None:
        addpath = ctx.addpath_receive
        flags = _FAST_ADDPATH.get(addpath)
        if flags is None:
            flags = _FAST_ADDPATH[addpath] = _fast_addpath(addpath)
        if flags:
            text = _codec.render_update(update.body, ctx.asn4, flags[0], flags[1])  # no *flags: a slower call
            if text is not None:
                return text
    return general_update_json(update, ctx, withdraw_on_error)


def general_update_json(update, ctx, withdraw_on_error: bool = False) -> str:
    """`update_json` without the fast path: every family, attribute and error case."""
    eor = update.eor(ctx)
    if eor is not None:
        return eor_json(*eor)
    attributes = update.attributes(ctx)
    flip = withdraw_on_error and attributes.treat_as_withdraw is not None
    plus: dict = {}
    minus: dict = {}
    for action, family, nexthop, nlri in update.changes(ctx):
        name = family_name(*family)
        if action == WITHDRAW or flip:
            minus.setdefault(name, []).append(nlri.json())
        elif action == ANNOUNCE:
            plus.setdefault(name, {}).setdefault(nexthop or "no-nexthop", []).append(nlri.json(nexthop))
    sections = []
    shown = [code for code in attributes.values if code not in (attr.MP_REACH_NLRI, attr.MP_UNREACH_NLRI)]
    if shown or attributes.discard is not None or attributes.treat_as_withdraw is not None:
        sections.append(f'"attribute": {{ {", ".join(_attribute_items(attributes))} }}')
    if plus:
        families = ", ".join(
            f'"{name}": {{ '
            + ", ".join(f'"{nexthop}": [ {", ".join(items)} ]' for nexthop, items in groups.items())
            + " }"
            for name, groups in plus.items()
        )
        sections.append(f'"announce": {{ {families} }}')
    if minus:
        families = ", ".join(f'"{name}": [ {", ".join(items)} ]' for name, items in minus.items())
        sections.append(f'"withdraw": {{ {families} }}')
    return f'{{ "update": {{ {", ".join(sections)} }} }}'
