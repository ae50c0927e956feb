"""ExaBGP 5.0's text encoder: one event per line (or per block of lines) for ``encoder text`` helpers.

Every function returns the text of one event without the final newline
(`exabgp.api.encoder.TextEncoder` adds the newlines 5.0 writes).  The forms,
recorded from ExaBGP 5.0.15 (docs/compatibility.md, "The text encoder"):

    neighbor <peer> connected | up | down - <reason>
    neighbor <peer> <direction> open version 4 asn A hold_time H router_id R capabilities [<capabilities>]
    neighbor <peer> <direction> keepalive
    neighbor <peer> <direction> notification code C subcode S data 0x<hex>
    neighbor <peer> <direction> route-refresh afi <afi> safi <safi> query|begin|end
    neighbor <peer> <direction> operational <NAME> afi <afi> safi <safi> [advisory "<text>" | router-id ...]
    neighbor <peer> <direction> <message type number> header 0x<hex> body 0x<hex>      (packets)
    neighbor <peer> <direction> update start
    neighbor <peer> <direction> update announced <nlri> [next-hop <ip>] <attributes>
    neighbor <peer> <direction> update withdrawn <nlri>
    neighbor <peer> <direction> update route eor <afi>/<safi> (<afi> <safi>)
    neighbor <peer> <direction> update end

With ``consolidate`` a message line ends with `` header 0x<hex> body 0x<hex>``
(the update block gets the same text on a line of its own before ``end``).

Capabilities are listed by code, 5.0's names lower-cased (``multiprotocol(ipv4
unicast,ipv6 unicast), route refresh, asn4(65533), ...``), combined per code
as the JSON renderer does.  Attributes follow in type-code order (``origin
igp as-path ( 1 2 ) [ 3 ] med 10 community [ 65000:1 no-export ]``): lists
of more than one item are bracketed and communities are sorted by value, as
5.0 prints them; an attribute 5.0 does not name is ``attribute [ 0xCODE
0xFLAGS 0x<hex> ]``.  Each NLRI writes its own text (``api_text(nexthop)``
of the NLRI protocol, `exabgp.bgp.nlri_base`): a prefix reads ``<prefix>[
path-information <id>][ label <n> | label [ <n> <n> ]][ next-hop <ip>][ rd
<rd>]``.

Peer-supplied text (the reason of a ``down``, the capabilities of an OPEN)
has every non-printable character written as ``\\xNN`` (5.0.13: a newline in
such text would forge an event); an advisory is printed as 5.0.15 prints it,
the ``repr`` of its octets (``advisory "b'hello'"``: non-ASCII and control
octets escaped, so it cannot forge a line either).  Departures, where 5.0
has no text: an unknown OPERATIONAL type prints its type and raw value (5.0
raises); NLRI of families without a decoder print ``0x<hex>``.
"""

from collections.abc import Callable
from typing import Any

from exabgp._codec.tables import KEEPALIVE, NOTIFICATION, OPEN, OPERATIONAL, ROUTE_REFRESH
from exabgp.api.envelope import hex_text
from exabgp.api.json_message import (
    add_path_mode_text,
    add_path_modes,
    afi_text,
    graceful_restart_families,
    group_capabilities,
    hostname_fields,
    multisession_names,
    next_hop_entries,
    reported_capabilities,
    unknown_iana,
)
from exabgp.api.json_update import ORIGIN_NAMES, as_path_text, label_index, pmsi_text, srgb_ranges
from exabgp.bgp import attribute as attr
from exabgp.bgp import bgpls_attribute
from exabgp.bgp import capability as cap
from exabgp.bgp.community import extended_string
from exabgp.bgp.family import family_name, safi_name
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.operational import ADVISORY, QUERY
from exabgp.bgp.update import ANNOUNCE


def oneline(text: str) -> str:
    """`text` with every non-printable character (DEL included) written as ``\\xNN``."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() and c != "\x7f" else f"\\x{ord(c):02x}" for c in text)


def raw_text(header: bytes, body: bytes) -> str:
    """`` header 0x... body 0x...``, each part only when not empty."""
    return (f" header {hex_text(header)}" if header else "") + (f" body {hex_text(body)}" if body else "")


# ----------------------------------------------------------------- capabilities


def _families(entries) -> str:
    return ",".join(f"{afi_text(afi)} {safi_name(safi)}" for afi, safi in entries)


def _graceful_restart(capabilities) -> str:
    last = capabilities[-1]
    families = " ".join(
        f"{afi_text(afi)}/{safi_name(safi)}={flags:#x}"
        for (afi, safi), flags in graceful_restart_families(capabilities).items()
    )
    return f"graceful restart flags {last.restart_flags:#x} time {last.restart_time} {families}"


def _hostname(capabilities) -> str:
    host_name, domain_name = hostname_fields(capabilities)
    return f"hostname({'none' if host_name is None else host_name} {'none' if domain_name is None else domain_name})"


def _multisession(capabilities) -> str:
    variant = " (rfc)" if capabilities[0].code == cap.MULTISESSION else ""
    return f"multisession{variant} {' '.join(multisession_names(capabilities))}"


#: capability code -> its text from every capability of that code; codes not listed are unknown
_CAPABILITY_TEXT = {
    cap.MULTIPROTOCOL: lambda caps: f"multiprotocol({_families((c.afi, c.safi) for c in caps)})",
    cap.ROUTE_REFRESH: lambda caps: "route refresh",
    cap.EXTENDED_NEXT_HOP: lambda caps: (
        "nexthop("
        + ",".join(
            f"{afi_text(afi)} {safi_name(safi)} {afi_text(nexthop)}" for afi, safi, nexthop in next_hop_entries(caps)
        )
        + ")"
    ),
    cap.EXTENDED_MESSAGE: lambda caps: "extended message(65535)",
    cap.GRACEFUL_RESTART: _graceful_restart,
    cap.FOUR_OCTET_AS: lambda caps: f"asn4({caps[-1].asn})",
    cap.MULTISESSION: _multisession,
    cap.ADD_PATH: lambda caps: (
        "addpath("
        + ",".join(
            f"{add_path_mode_text(mode)} {afi_text(afi)} {safi_name(safi)}"
            for (afi, safi), mode in add_path_modes(caps).items()
        )
        + ")"
    ),
    cap.ENHANCED_ROUTE_REFRESH: lambda caps: "enhanced route refresh",
    cap.HOSTNAME: _hostname,
    cap.SOFTWARE_VERSION: lambda caps: f"software({caps[-1].version})",
    cap.ROUTE_REFRESH_CISCO: lambda caps: "cisco route refresh",
    cap.MULTISESSION_CISCO: _multisession,
    cap.OPERATIONAL: lambda caps: "operational",
}


def capabilities_text(capabilities) -> str:
    """The text between the brackets of ``capabilities [...]``: by code, escaped, lower-cased."""
    grouped = group_capabilities(capabilities)
    text = ", ".join(
        _CAPABILITY_TEXT[code](grouped[code]) if code in _CAPABILITY_TEXT else f"{unknown_iana(code)} {code}"
        for code in sorted(grouped)
    )
    return oneline(text).lower()


# ----------------------------------------------------------------- attributes and NLRI


def _listed(items) -> str:
    """5.0's list form: one item alone, several as ``[ a b ]``."""
    items = list(items)
    return items[0] if len(items) == 1 else f"[ {' '.join(items)} ]"


#: RFC 1997 / RFC 3765 / RFC 7999 communities 5.0 prints by name
COMMUNITY_NAMES = {
    0xFFFFFF01: "no-export",
    0xFFFFFF02: "no-advertise",
    0xFFFFFF03: "no-export-subconfed",
    0xFFFFFF04: "no-peer",
    0xFFFF029A: "blackhole",
}


def _community(value: int) -> str:
    return COMMUNITY_NAMES.get(value) or f"{value >> 16}:{value & 0xFFFF}"


def _extended(communities) -> str:
    return _listed(extended_string(c) or hex_text(c) for c in sorted(bytes(c) for c in communities))


def _not_implemented(tlv_types) -> str:
    return ", ".join(f"Attribute with code [ {tlv_type} ] not implemented" for tlv_type in tlv_types)


def _srgb(data) -> str:
    return "[ " + ", ".join(f"( {base},{size} )" for base, size in srgb_ranges(data)) + " ]"


def _srv6_service(name: str, data) -> str:
    """An SRv6 L3/L2 service TLV (RFC 9252) as 5.0.15 prints it: each SID information sub-TLV is left
    open (5.0.15 builds its closing bracket and drops it), its SID structure in brackets."""
    items = []
    for sub_type, sub in attr.srv6_service_tlvs(data):
        if sub_type != attr.SRV6_SID_INFORMATION:
            items.append(f"SRv6 Service Sub-TLV type {sub_type} not implemented")
            continue
        sid, behavior, subsubs = attr.srv6_sid_information(sub)
        text = f"sid-information [ sid:{address_text(sid)} flags:0 endpoint_behavior:0x{behavior:x} "
        if subsubs:
            text += (
                " [ "
                + ", ".join(
                    "sid-structure [" + ",".join(str(octet) for octet in value[:6]) + "]"
                    if subsub_type == attr.SRV6_SID_STRUCTURE
                    else f"SRv6 Service Data Sub-Sub-TLV type {subsub_type} not implemented"
                    for subsub_type, value in subsubs
                )
                + " ]"
            )
        items.append(text)
    return f"{name} [ " + ", ".join(items) + " ]"


def _prefix_sid(tlvs) -> str:
    """The label index (and SRGB) of an SR-MPLS prefix-SID; else every TLV: SRGB, SRv6 services, the others
    as not implemented."""
    values = dict(tlvs)
    if attr.PREFIX_SID_LABEL_INDEX in values:
        text = str(label_index(values[attr.PREFIX_SID_LABEL_INDEX]))
        if attr.PREFIX_SID_SRGB in values:
            text += f", {_srgb(values[attr.PREFIX_SID_SRGB])}"
        return f"[ {text} ]"
    items = []
    for tlv_type, data in tlvs:
        if tlv_type == attr.PREFIX_SID_SRGB:
            items.append(_srgb(data))
        elif tlv_type == attr.PREFIX_SID_SRV6_L3_SERVICE:
            items.append(_srv6_service("l3-service", data))
        elif tlv_type == attr.PREFIX_SID_SRV6_L2_SERVICE:
            items.append(_srv6_service("l2-service", data))
        else:
            items.append(_not_implemented((tlv_type,)))
    return "[ " + ", ".join(items) + " ]"


#: code -> (5.0's text name, renderer of the value)
ATTRIBUTE_TEXT: dict[int, tuple[str, Callable[[Any], str]]] = {
    attr.ORIGIN: ("origin", lambda v: ORIGIN_NAMES.get(v, "invalid")),
    attr.AS_PATH: ("as-path", as_path_text),
    attr.MULTI_EXIT_DISC: ("med", str),
    attr.LOCAL_PREF: ("local-preference", str),
    attr.AGGREGATOR: ("aggregator", lambda v: f"( {v[0]}:{v[1]} )"),
    attr.COMMUNITIES: ("community", lambda v: _listed(_community(c) for c in sorted(v))),
    attr.ORIGINATOR_ID: ("originator-id", str),
    attr.CLUSTER_LIST: ("cluster-list", lambda v: f"[ {' '.join(str(c) for c in v)} ]"),  # 5.0: even one
    attr.EXTENDED_COMMUNITIES: ("extended-community", _extended),
    attr.AS4_AGGREGATOR: ("aggregator", lambda v: f"( {v[0]}:{v[1]} )"),
    attr.PMSI_TUNNEL: ("pmsi", pmsi_text),
    attr.IPV6_EXTENDED_COMMUNITIES: ("extended-community-ipv6", _extended),
    attr.AIGP: ("aigp", lambda v: f"0x{v.hex()}"),
    attr.BGP_LS: ("bgp-ls", bgpls_attribute.attribute_text),
    attr.LARGE_COMMUNITY: ("large-community", lambda v: _listed(f"{a}:{b}:{c}" for a, b, c in sorted(v))),
    attr.BGP_PREFIX_SID: ("bgp-prefix-sid", _prefix_sid),
}

_NOT_SHOWN = (attr.NEXT_HOP, attr.MP_REACH_NLRI, attr.MP_UNREACH_NLRI)


def attributes_text(attributes) -> str:
    """The attributes as 5.0 appends them to an announced route, each with a leading space."""
    text = ""
    for code in sorted(attributes.values):
        if code in _NOT_SHOWN:
            continue
        value = attributes.values[code]
        if code == attr.ATOMIC_AGGREGATE:
            text += " atomic-aggregate"
        elif code in ATTRIBUTE_TEXT:
            name, render = ATTRIBUTE_TEXT[code]
            text += f" {name} {render(value)}"
        elif code == attr.AS4_PATH:
            text += f" attribute [ 0x11 0x{attr.OPTIONAL | attr.TRANSITIVE:02X} {as_path_text(value)} ]"
        else:
            text += f" attribute [ 0x{code:02X} 0x{attributes.flags[code]:02X} 0x{value.hex()} ]"
    if attributes.discard is not None:
        text += f" error {attributes.discard}"
    if attributes.treat_as_withdraw is not None:
        text += f" error {attributes.treat_as_withdraw}"
    return text


# ----------------------------------------------------------------- messages


def update_text(head: str, update, ctx, raw: str) -> str:
    """The ``update start`` ... ``update end`` block; `head` is ``neighbor <peer> <direction> update``.

    A treat-as-withdraw UPDATE lists its routes as withdrawn, with their next
    hop (5.0 flips the action of the announced routes); `raw` is `raw_text` or "".
    """
    lines = [f"{head} start"]
    eor = update.eor(ctx)
    if eor is not None:
        lines.append(f"{head} route eor {eor[0]}/{eor[1]} ({family_name(*eor)})")
    else:
        attributes = update.attributes(ctx)
        withdraw_all = attributes.treat_as_withdraw is not None
        suffix = attributes_text(attributes)
        for action, _family, nexthop, nlri in update.changes(ctx):
            if action == ANNOUNCE and not withdraw_all:
                lines.append(f"{head} announced {nlri.api_text(nexthop)}{suffix}")
            else:
                lines.append(f"{head} withdrawn {nlri.api_text(nexthop)}")
    if raw:
        lines.append(raw)
    lines.append(f"{head} end")
    return "\n".join(lines)


def open_text(head: str, message, direction: str) -> str:
    """``<head> open version ... capabilities [...]``; `head` is ``neighbor <peer> <direction>``."""
    capabilities = capabilities_text(reported_capabilities(message, direction))
    return (
        f"{head} open version {message.version} asn {message.my_as} hold_time {message.hold_time} "
        f"router_id {message.router_id} capabilities [{capabilities}]"
    )


def notification_text(head: str, message, direction: str = "receive") -> str:
    """A received shutdown communication is rewritten (`Notification.reported_data`), a sent one is not (5.0)."""
    data = message.data if direction == "send" else message.reported_data()
    return f"{head} notification code {message.code} subcode {message.subcode} data {hex_text(data)}"


def refresh_text(head: str, message) -> str:
    return f"{head} route-refresh afi {afi_text(message.afi)} safi {safi_name(message.safi)} {message.subtype_name}"


def operational_text(head: str, message) -> str:
    category = message.category
    if category is None:
        return f"{head} operational unknown type {message.what} value {hex_text(message.value)}"
    text = f"{head} operational {message.name} afi {afi_text(message.afi)} safi {safi_name(message.safi)}"
    if category == ADVISORY:  # 5.0 prints the advisory's octets as Python shows bytes: b'...', escaped
        return text + f' advisory "{message.advisory!r}"'
    if category == QUERY:
        return text
    return text + f" router-id {message.router_id} sequence {message.sequence} counter {message.counter}"


#: message type -> its text from ``(head, message, direction)``; UPDATE is `update_text`'s
_MESSAGES = {
    OPEN: open_text,
    NOTIFICATION: notification_text,
    KEEPALIVE: lambda head, message, direction: f"{head} keepalive",
    ROUTE_REFRESH: lambda head, message, direction: refresh_text(head, message),
    OPERATIONAL: lambda head, message, direction: operational_text(head, message),
}


def message_text(head: str, message, direction: str) -> str:
    """The text of any message but an UPDATE, by its ``TYPE``; `head` is ``neighbor <peer> <direction>``."""
    return _MESSAGES[message.TYPE](head, message, direction)
