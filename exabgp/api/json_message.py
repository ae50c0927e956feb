"""ExaBGP 5.0's JSON for OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH and OPERATIONAL.

See docs/compatibility.md, "Messages to helpers".

The `*_json` functions return the value printed after the message's key
(``"open": ``, ``"notification": ``, ``"route-refresh": ``,
``"operational": ``), with 5.0's exact spacing; `message_inner` returns the
text that follows the neighbor head for any of these messages (direction and
content) and `message_line` the whole line, wrapped by
`exabgp.api.envelope.envelope`.

OPEN (5.0's text, reproduced): capabilities are printed one per code, keyed
by the code for a received OPEN ("65") and by 5.0's name for a sent one
("asn4").  A code that appears several times is combined the way 5.0 does:
multiprotocol families accumulate, ADD-PATH and graceful-restart families
merge per family (the later one wins), next-hop conversions accumulate
without duplicates, hostname fields are overwritten by later ones, the
first multi-session counts, and for every other code the last one counts.
Graceful restart labels the per-family F bit "restart" and the R flag
"forwarding", as 5.0 does.  One departure: where 5.0 fills a hostname field
the peer did not send with the local machine's names, this prints null.

`negotiated_json` renders the ``negotiated`` block of the API.

NOTIFICATION: ``data`` is the hex of the reported data (a received shutdown
communication is rewritten, `Notification.reported_data`; 5.0 reports the
ones it sends as they are) and ``message``
the same octets as UTF-8 with replacement characters.  Strings are escaped
as JSON with non-ASCII as \\u escapes, as 5.0's ``json.dumps``.
"""

import json

from exabgp.api.envelope import envelope
from exabgp.bgp.capability import (
    ADD_PATH,
    CAPABILITIES,
    ENHANCED_ROUTE_REFRESH,
    EXTENDED_MESSAGE,
    EXTENDED_NEXT_HOP,
    FOUR_OCTET_AS,
    GRACEFUL_FORWARDING_STATE,
    GRACEFUL_RESTART,
    GRACEFUL_RESTART_STATE,
    HOSTNAME,
    MULTIPROTOCOL,
    MULTISESSION,
    MULTISESSION_CISCO,
    OPERATIONAL,
    ROUTE_REFRESH,
    ROUTE_REFRESH_CISCO,
    SOFTWARE_VERSION,
    HostName,
    capability_name,
)
from exabgp.bgp.family import AFI_NAMES, safi_name
from exabgp.bgp.operational import ADVISORY, QUERY

# ----------------------------------------------------------------- names as 5.0 prints them


def afi_text(afi: int) -> str:
    """5.0's name of an AFI, including its forms for unknown values (`safi_name` already is 5.0's)."""
    name = AFI_NAMES.get(afi)
    if name:
        return name
    return "undefined" if afi == 0 else f"unknown-afi-{afi:#x}"


def _family(afi: int, safi: int) -> str:
    return f"{afi_text(afi)}/{safi_name(safi)}"


def _string(text: str) -> str:
    return json.dumps(text)


def _hex(data: bytes) -> str:
    return "0x" + data.hex().upper()


# 5.0's names of capability codes that only appear inside a multi-session capability
_OTHER_CAPABILITY_NAMES = {0: "reserved", 3: "outbound-route-filtering", 4: "multiple-routes", 67: "dynamic-capability"}
_RESTART = ' "restart"'
ADD_PATH_MODES = {0: "disabled", 1: "receive", 2: "send", 3: "send/receive"}


def code_text(code: int) -> str:
    """How 5.0 names a capability code listed in a multi-session capability."""
    if code in _OTHER_CAPABILITY_NAMES:
        return _OTHER_CAPABILITY_NAMES[code]
    if code in CAPABILITIES:
        return capability_name(code)
    if 70 <= code < 128:
        return f"unassigned-{code:#x}"
    if 128 <= code < 256:
        return f"reserved-{code:#x}"
    return f"capability-{code:#x}"


# ----------------------------------------------------------------- capabilities
# How 5.0 combines several capabilities of one code (shared with the text renderer).


def group_capabilities(capabilities) -> dict:
    """code -> every capability of that code in wire order; codes in order of first appearance."""
    by_code: dict[int, list] = {}
    for cap in capabilities:
        by_code.setdefault(cap.code, []).append(cap)
    return by_code


def next_hop_entries(capabilities) -> list:
    """The ``(afi, safi, next-hop afi)`` conversions, accumulated without duplicates."""
    entries = []
    for cap in capabilities:
        for entry in cap.entries:
            if entry not in entries:
                entries.append(entry)
    return entries


def graceful_restart_families(capabilities) -> dict:
    """``(afi, safi) -> flags``, the later capability winning per family."""
    return {(afi, safi): flags for cap in capabilities for afi, safi, flags in cap.families}


def add_path_modes(capabilities) -> dict:
    """``(afi, safi) -> send/receive mode``, the later entry winning per family."""
    return {(afi, safi): mode for cap in capabilities for afi, safi, mode in cap.entries}


def add_path_mode_text(mode: int) -> str:
    return ADD_PATH_MODES.get(mode, f"invalid ({mode})")


def hostname_fields(capabilities) -> tuple:
    """``(host name, domain name)``, each field overwritten by later capabilities that carry it."""
    host_name = domain_name = None
    for cap in capabilities:
        if cap.host_name is not None:
            host_name = cap.host_name
        if cap.domain_name is not None:
            domain_name = cap.domain_name
    return host_name, domain_name


def multisession_names(capabilities) -> list:
    """5.0's names of the codes the first multi-session capability lists (itself left out)."""
    return [code_text(code) for code in capabilities[0].codes if code not in (MULTISESSION, MULTISESSION_CISCO)]


def unknown_iana(code: int) -> str:
    """How 5.0 classifies a capability code it does not know."""
    if 128 <= code < 256:
        return "reserved"
    if 70 <= code < 128:
        return "unassigned"
    return "unknown"


# Each renderer takes every capability of one code, in wire order.


def _multiprotocol(capabilities) -> str:
    families = ",".join(f' "{_family(cap.afi, cap.safi)}"' for cap in capabilities)
    return f'{{ "name": "multiprotocol", "families": [{families} ] }}'


def _route_refresh(capabilities) -> str:
    variant = "RFC" if capabilities[-1].code == ROUTE_REFRESH else "Cisco"
    return f'{{ "name": "route-refresh", "variant": "{variant}" }}'


def _extended_next_hop(capabilities) -> str:
    conversions = ",".join(
        f' "{_family(afi, safi)}/{afi_text(nexthop)}"' for afi, safi, nexthop in next_hop_entries(capabilities)
    )
    return f'{{ "name": "nexthop", "conversion": [{conversions} ] }}'


def _extended_message(capabilities) -> str:
    return '{ "name": "extended-message", "size": 65535 }'


def _graceful_restart(capabilities) -> str:
    families = graceful_restart_families(capabilities)
    last = capabilities[-1]
    per_family = ", ".join(
        f'"{_family(afi, safi)}": [{_RESTART if flags & GRACEFUL_FORWARDING_STATE else ""} ] '
        for (afi, safi), flags in families.items()
    )
    restart = ' "forwarding" ' if last.restart_flags & GRACEFUL_RESTART_STATE else " "
    return (
        f'{{ "name": "graceful restart", "time": {last.restart_time}, '
        f'"address-family-flags": {{ {per_family}}}, "restart-flags": [{restart}]  }}'
    )


def _asn4(capabilities) -> str:
    return f'{{ "name": "asn4", "asn4": {capabilities[-1].asn} }}'


def _multisession(capabilities) -> str:
    variant = "RFC" if capabilities[0].code == MULTISESSION else "Cisco"
    codes = ",".join(f' "{name}"' for name in multisession_names(capabilities))
    return f'{{ "name": "multisession", "variant": "{variant}", "capabilities": [{codes} ] }}'


def _add_path(capabilities) -> str:
    families = ",".join(
        f'"{_family(afi, safi)}": "{add_path_mode_text(mode)}"'
        for (afi, safi), mode in add_path_modes(capabilities).items()
    )
    return f'{{ "name": "addpath"{", " if families else ""}{families} }}'


def _enhanced_route_refresh(capabilities) -> str:
    return '{ "name": "enhanced-route-refresh" }'


def _hostname(capabilities) -> str:
    host_name, domain_name = hostname_fields(capabilities)
    return f'{{ "host-name": {json.dumps(host_name)}, "domain-name": {json.dumps(domain_name)} }}'


def _software_version(capabilities) -> str:
    return f'{{ "software": {_string(capabilities[-1].version)} }}'


def _operational(capabilities) -> str:
    return '{ "name": "operational" }'


def _unknown(capabilities) -> str:
    cap = capabilities[-1]
    return (
        f'{{ "name": "unknown", "iana": "{unknown_iana(cap.code)}", "value": {cap.code}, '
        f'"raw": "{cap.value.hex().upper()}" }}'
    )


#: capability code -> renderer; codes not listed are unknown capabilities
_CAPABILITY_JSON = {
    MULTIPROTOCOL: _multiprotocol,
    ROUTE_REFRESH: _route_refresh,
    EXTENDED_NEXT_HOP: _extended_next_hop,
    EXTENDED_MESSAGE: _extended_message,
    GRACEFUL_RESTART: _graceful_restart,
    FOUR_OCTET_AS: _asn4,
    MULTISESSION: _multisession,
    ADD_PATH: _add_path,
    ENHANCED_ROUTE_REFRESH: _enhanced_route_refresh,
    HOSTNAME: _hostname,
    SOFTWARE_VERSION: _software_version,
    ROUTE_REFRESH_CISCO: _route_refresh,
    MULTISESSION_CISCO: _multisession,
    OPERATIONAL: _operational,
}


def capabilities_json(capabilities, sent: bool) -> str:
    """The ``"capabilities"`` object: one entry per code, in order of first appearance."""
    items = ", ".join(
        f'"{capability_name(code) if sent else code}": {_CAPABILITY_JSON.get(code, _unknown)(caps)}'
        for code, caps in group_capabilities(capabilities).items()
    )
    return f"{{ {items} }}"


# ----------------------------------------------------------------- messages


#: the capabilities 5.0 lists after the hostname capability in the OPENs it sends
_AFTER_HOSTNAME = (SOFTWARE_VERSION, MULTISESSION, MULTISESSION_CISCO)


def reported_capabilities(message, direction: str) -> tuple:
    """The capabilities 5.0 reports for an OPEN.

    Those of the message; for an OPEN we send without a hostname capability,
    also one without names (5.0 lists one in every OPEN it sends, and leaves it
    off the wire when no host name is configured), where 5.0 keeps it: before
    software version and multi-session.
    """
    capabilities = message.capabilities
    if direction != "send" or message.capabilities_of(HOSTNAME):
        return capabilities
    index = next((i for i, c in enumerate(capabilities) if c.code in _AFTER_HOSTNAME), len(capabilities))
    return capabilities[:index] + (HostName(None, None),) + capabilities[index:]


def open_json(message, direction: str) -> str:
    """The value of ``"open"``; `direction` "send" keys capabilities by name (see
    `reported_capabilities`), anything else by code."""
    capabilities = capabilities_json(reported_capabilities(message, direction), direction == "send")
    return (
        f'{{ "version": {message.version}, "asn": {message.my_as}, "hold_time": {message.hold_time}, '
        f'"router_id": "{message.router_id}", "capabilities": {capabilities} }}'
    )


def notification_json(message, direction: str = "receive") -> str:
    """The value of ``"notification"``, with the trailing space 5.0 prints after it."""
    data = message.data if direction == "send" else message.reported_data()
    return (
        f'{{ "code": {message.code}, "subcode": {message.subcode}, "data": "{_hex(data)}", '
        f'"message": {_string(data.decode("utf-8", "replace"))} }} '
    )


def refresh_json(message) -> str:
    """The value of ``"route-refresh"``."""
    return (
        f'{{ "afi": "{afi_text(message.afi)}", "safi": "{safi_name(message.safi)}", '
        f'"subtype": "{message.subtype_name}" }}'
    )


def operational_json(message) -> str:
    """The value of ``"operational"``; unknown types (5.0 cannot print them) show their raw value."""
    category = message.category
    if category is None:
        return f'{{ "name": "unknown", "type": {message.what}, "value": "{_hex(message.value)}" }}'
    head = f'"name": "{message.name}", "afi": "{afi_text(message.afi)}", "safi": "{safi_name(message.safi)}"'
    if category == ADVISORY:
        return f'{{ {head}, "advisory": {_string(message.advisory.decode("utf-8", "replace"))} }}'
    if category == QUERY:
        return f"{{ {head} }}"
    return (
        f'{{ {head}, "router-id": "{message.router_id}", "sequence": {message.sequence}, '
        f'"counter": {message.counter} }}'
    )


# ----------------------------------------------------------------- negotiated

#: stands for the session's negotiation before the OPEN exchange completes: 5.0 then prints its defaults
OPENING = object()

_OPENING_JSON = (
    '{ "message_size": 4096, "hold_time": 0, "asn4": false, "multisession": false, "operational": false, '
    '"refresh": "absent", "families": [], "nexthop": [], "add_path": {"send": [], "receive": []} } '
)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def negotiated_json(negotiated) -> str:
    """The value of ``"negotiated"`` (with 5.0's trailing space) for a session's `Negotiated` or `OPENING`.

    Families print as ``"<afi> <safi>"``, next hops as ``"<afi> <safi> <next-hop afi>"``
    and the ADD-PATH lists follow the order of the negotiated families.
    """
    if negotiated is OPENING:
        return _OPENING_JSON
    families = negotiated.families
    send = [_family_words(*family) for family in families if family in negotiated.addpath_send]
    receive = [_family_words(*family) for family in families if family in negotiated.addpath_receive]
    nexthop = [f"{_family_words(afi, safi)} {afi_text(nexthop)}" for afi, safi, nexthop in negotiated.nexthop]
    return (
        f'{{ "message_size": {negotiated.message_size}, "hold_time": {negotiated.hold_time}, '
        f'"asn4": {_bool(negotiated.asn4)}, "multisession": {_bool(negotiated.multisession)}, '
        f'"operational": {_bool(negotiated.operational)}, "refresh": "{negotiated.refresh}", '
        f'"families": {json.dumps([_family_words(*family) for family in families])}, '
        f'"nexthop": {json.dumps(nexthop)}, "add_path": {json.dumps({"send": send, "receive": receive})} }} '
    )


def _family_words(afi: int, safi: int) -> str:
    return f"{afi_text(afi)} {safi_name(safi)}"


#: message type -> (the envelope "type", the content key, renderer); UPDATE is `exabgp.api.json_update`'s
_MESSAGES = {
    1: ("open", "open", None),
    3: ("notification", "notification", notification_json),
    4: ("keepalive", None, None),
    5: ("refresh", "route-refresh", refresh_json),
    6: ("operational", "operational", operational_json),
}


def message_kind(message) -> str:
    """The envelope ``"type"`` of a message (open, notification, keepalive, refresh, operational)."""
    return _MESSAGES[message.TYPE][0]


def message_inner(message, direction: str) -> str:
    """What follows the neighbor head: ``, "direction": "...", "<key>": <value>`` in 5.0's spacing."""
    _kind, key, render = _MESSAGES[message.TYPE]
    if key is None:
        return f', "direction": "{direction}" '
    if render is None or render is notification_json:
        value = (render or open_json)(message, direction)
    else:
        value = render(message)
    return f', "direction": "{direction}", "{key}": {value}'


def message_line(daemon, now: float, counter: int, neighbor, direction: str, message) -> str:
    """The whole JSON line 5.0 prints for `message` (not an UPDATE); `exabgp decode` uses direction "in"."""
    return envelope(daemon, now, counter, message_kind(message), neighbor, message_inner(message, direction))
