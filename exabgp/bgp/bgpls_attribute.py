"""The BGP-LS attribute (path attribute 29) TLVs as ExaBGP 5.0.15 prints them in JSON.

Implements the value layouts of RFC 9552 section 5.3 (node attributes
5.3.1: 1024-1029, link attributes 5.3.2: 1030-1031, 1088-1099, prefix
attributes 5.3.3: 1152-1157), RFC 9085 (segment routing: 1034, 1035,
1099, 1100, 1158, 1170, 1171), RFC 9514 (SRv6: 1038, 1106-1108, 1162,
1250, 1252).  `attribute.decode_attributes` already split the value into
``(type, value)`` TLVs (2-octet type, 2-octet length); `attribute_json(tlvs)`
returns 5.0's JSON object text ``{ "key": value, ... }``.

`TLVS` is the one literal table: TLV code -> (5.0's JSON key, renderer,
merged).  A renderer takes the value octets and returns the JSON text of
the value (raising `ValueError` when the octets do not fit the layout).
5.0's order and quirks are kept:

* members in wire order; a TLV that is not merged prints one member per
  occurrence, so a repeated key (``sr-adj``, ``remote-te-router-id``) can
  appear twice in one object;
* merged TLVs collect every occurrence in a list at the place of the first
  one: Local TE Router IDs (1028 and 1029 together, ``local-te-router-ids``),
  the SRv6 End.X / LAN End.X SIDs (1106, 1107, 1108), the LAN adjacency
  SIDs (1100) and every unknown TLV (``"generic-lsid-<code>": ["0x<HEX>"]``,
  one list per code);
* flags are objects of 0/1 per bit name, reserved bits ``"RSV": 0``; the
  SRv6 Capabilities O flag is read from the 0x0040 bit of the 2-octet flags
  (RFC 9352 section 2 puts it at 0x4000) and prints the bit's value (64);
* bandwidths are IEEE floats (``125000000.0``), IS-IS system IDs lower-case
  hex, names and opaque values UTF-8 text with replacement characters.

`attribute_text(tlvs)` is what 5.0.15's text encoder prints: the ``str`` of
its TLV objects joined by ``, `` (`TEXTS`, `MERGED_TEXTS`): ``<name>: <value>``
with Python's forms (``{'O': 0, ...}``, ``['10.0.0.1']``, ``(125000000.0,
...)``, ``b'...'`` for opaque octets), its own forms for the SR and SRv6
TLVs, merged End.X SIDs one per line as 5.0.15 joins them, and ``Attribute
with code [ N ] not implemented`` once per unknown code.

A known TLV whose value does not fit its layout makes the whole attribute
malformed: `check` raises `CodecError(3, 5)` and the attribute is discarded
(RFC 7606 section 7.1; 5.0 prints ``"error": "discard"`` too).
"""

import json
import socket
import struct

from exabgp._codec.errors import CodecError


def _int(value: bytes) -> int:
    return int.from_bytes(value, "big")


def _ip(value: bytes) -> str:
    if len(value) not in (4, 16):
        raise ValueError("an IPv4 or IPv6 address expected")
    return socket.inet_ntop(socket.AF_INET if len(value) == 4 else socket.AF_INET6, value)


def _ipv6(value: bytes) -> str:
    if len(value) != 16:
        raise ValueError("an IPv6 address expected")
    return socket.inet_ntop(socket.AF_INET6, value)


def _sized(value: bytes, *sizes) -> bytes:
    if len(value) not in sizes:
        raise ValueError(f"{len(value)} octets, {sizes} expected")
    return value


def _flags(names: str | tuple[str, ...], value: bytes) -> dict:
    """5.0's flag object of the first octet: names (a tuple, or a string of names without spaces)
    left to right, ``RSV`` always 0."""
    if not value:
        raise ValueError("no flags")
    bits = f"{value[0]:08b}"
    labels = names.split() if isinstance(names, str) else names
    return {name: 0 if name == "RSV" else int(bit) for name, bit in zip(labels, bits, strict=False)}


def _flag_tlv(names: str | tuple[str, ...], size=None):
    def render(value: bytes) -> str:
        if size is not None:
            _sized(value, size)
        return json.dumps(_flags(names, value))

    return render


def _text(value: bytes) -> str:
    return json.dumps(value.decode("utf-8", "replace"))


def _link_name(value: bytes) -> str:
    """RFC 9552 section 5.3.2.7: at most 255 octets."""
    if len(value) > 255:
        raise ValueError("longer than 255 octets")
    return _text(value)


def _float(value: bytes) -> str:
    return json.dumps(struct.unpack("!f", _sized(value, 4))[0])


def _number(size: int):
    return lambda value: str(_int(_sized(value, size)))


def _numbers(size: int):
    def render(value: bytes) -> str:
        if len(value) % size:
            raise ValueError(f"not a multiple of {size} octets")
        return json.dumps([_int(value[i : i + size]) for i in range(0, len(value), size)])

    return render


def _igp_metric(value: bytes) -> str:
    """RFC 9552 section 5.3.2.4: 1 (IS-IS small), 2 (OSPF) or 3 (IS-IS wide) octets."""
    return str(_int(_sized(value, 1, 2, 3)))


def _sids(flags: dict, data: bytes):
    """(SIDs, undecoded) of an adjacency SID list: 3-octet labels with V and L, 4-octet indexes without."""
    sids = []
    while data:
        if flags["V"] and flags["L"]:
            if len(data) < 3:
                raise ValueError("truncated label")
            sids.append(_int(data[:3]))
            data = data[3:]
        elif not flags["V"] and not flags["L"]:
            if len(data) < 4:
                raise ValueError("truncated index")
            sids.append(_int(data[:4]))
            data = data[4:]
        else:
            return sids, ["0x" + data.hex().upper()]
    return sids, []


_ADJ_FLAGS = "F B V L S P RSV RSV"


def _sr_adjacency(value: bytes) -> str:
    """RFC 9085 section 2.2.1: flags, weight, 2 reserved, SIDs."""
    if len(value) < 2:
        raise ValueError("too short")
    flags = _flags(_ADJ_FLAGS, value)
    sids, undecoded = _sids(flags, value[4:])
    return json.dumps({"flags": flags, "sids": sids, "weight": value[1], "undecoded-sids": undecoded})


def _sr_adjacency_lan(value: bytes) -> dict:
    """RFC 9085 section 2.2.2: flags, weight, 2 reserved, neighbor system ID (6), SIDs."""
    if len(value) < 10:
        raise ValueError("too short")
    flags = _flags(_ADJ_FLAGS, value)
    sids, undecoded = _sids(flags, value[10:])
    return {"flags": flags, "weight": value[1], "system-id": value[4:10].hex(), "sids": sids, "undecoded": undecoded}


def _sr_capabilities(value: bytes) -> str:
    """RFC 9085 section 2.1.2: flags, reserved, then ranges (3-octet size, SID/Label sub-TLV 1161)."""
    flags = json.dumps(_flags("I V RSV RSV RSV RSV RSV RSV", value))
    ranges = []
    data = value[2:]
    while data:
        if len(data) < 7 or _int(data[3:5]) != 1161:
            raise ValueError("bad SRGB range")
        length = _int(data[5:7])
        label = data[7 : 7 + length]
        if length == 3:
            ranges.append([_int(data[:3]), _int(label) & 0xFFFFF])
        elif length == 4:
            ranges.append([_int(data[:3]), _int(label)])
        data = data[7 + length :]
    return f'{flags}, "sids": {json.dumps(ranges)}'


def _sr_prefix(value: bytes) -> str:
    """RFC 9085 section 2.3.1: flags, algorithm, 2 reserved, SID (3-octet label with V and L, else 4-octet index)."""
    if len(value) < 4:
        raise ValueError("too short")
    flags = _flags("R N P E V L RSV RSV", value)
    data = value[4:]
    if not flags["V"] and not flags["L"] and data and len(data) != 4:
        raise ValueError("SID size does not match the V and L flags")
    sids, undecoded = _sids(flags, data)
    return (
        f'{json.dumps(flags)}, "sids": {json.dumps(sids)}, "undecoded-sids": {json.dumps(undecoded)}, '
        f'"sr-algorithm": {value[1]}'
    )


def _sid_structure(value: bytes) -> dict:
    """RFC 9514 section 8: locator block, locator node, function, argument lengths."""
    if len(value) < 4:
        raise ValueError("too short")
    return dict(zip(("loc_block_len", "loc_node_len", "func_len", "arg_len"), value[:4], strict=False))


def _srv6_sub_tlvs(data: bytes, unknown) -> dict:
    """The sub-TLVs of an SRv6 End.X SID: the SID structure (1252), others as ``unknown(code)`` -> hex."""
    found: dict[str, dict | str] = {}
    while data:
        if len(data) < 4 or len(data) < 4 + _int(data[2:4]):
            raise ValueError("truncated sub-TLV")
        code, end = _int(data[:2]), 4 + _int(data[2:4])
        if code == SRV6_SID_STRUCTURE:
            found["srv6-sid-structure"] = _sid_structure(data[4:end])
        else:
            found[unknown(code)] = "0x" + data[4:end].hex().upper()
        data = data[end:]
    return found


_SRV6_FLAGS = "B S P RSV RSV RSV RSV RSV"


def _srv6_endx(value: bytes) -> dict:
    """RFC 9514 section 4.1: behavior (2), flags, algorithm, weight, reserved, SID (16), sub-TLVs."""
    if len(value) < 22:
        raise ValueError("too short")
    return {
        "flags": _flags(_SRV6_FLAGS, value[2:3]),
        "behavior": _int(value[:2]),
        "algorithm": value[3],
        "weight": value[4],
        "sid": _ipv6(value[6:22]),
        **_srv6_sub_tlvs(value[22:], lambda code: f"subtlv-not-implemented-{code}"),
    }


def _srv6_lan_endx(neighbor: int):
    """RFC 9514 section 4.2: as End.X with the neighbor's IS-IS system ID (6) or OSPFv3 router ID (4)."""

    def decode(value: bytes) -> dict:
        start = 6 + neighbor
        if len(value) < start + 16:
            raise ValueError("too short")
        neighbor_id = value[6:start].hex() if neighbor == 6 else _ip(value[6:start])
        return {
            "flags": _flags(_SRV6_FLAGS, value[2:3]),
            "neighbor-id": neighbor_id,
            "behavior": _int(value[:2]),
            "algorithm": value[3],
            "weight": value[4],
            "sid": _ipv6(value[start : start + 16]),
            **_srv6_sub_tlvs(value[start + 16 :], lambda code: f"{code}-undecoded"),
        }

    return decode


def _srv6_capabilities(value: bytes) -> str:
    return json.dumps({"flags": {"O": _int(value[:2]) & 0x40}})


def _srv6_locator(value: bytes) -> str:
    """RFC 9514 section 5.1: flags, algorithm, 2 reserved, metric (4)."""
    if len(value) < 8:
        raise ValueError("too short")
    return json.dumps(
        {"flags": _flags("D RSV RSV RSV RSV RSV RSV RSV", value), "algorithm": value[1], "metric": _int(value[4:8])}
    )


def _srv6_endpoint_behavior(value: bytes) -> str:
    """RFC 9514 section 7.1: behavior (2), flags, algorithm."""
    if len(value) < 4:
        raise ValueError("too short")
    return json.dumps({"endpoint-behavior": _int(value[:2]), "flags": [], "algorithm": value[3]})


def _area(value: bytes) -> str:
    if not value:
        raise ValueError("empty")
    return f'"{_int(value)}"'


# RFC 9514 section 8: the SRv6 SID Structure TLV, also a sub-TLV of the End.X SID TLVs
SRV6_SID_STRUCTURE = 1252
_LOCAL_TE_ROUTER_ID = "local-te-router-ids"

#: TLV code -> (5.0's JSON key, renderer of the value, merged into one list)
TLVS = {
    1024: ("node-flags", _flag_tlv("O T E B R V RSV RSV", 1), False),
    1025: ("opaque", _text, False),
    1026: ("node-name", _text, False),
    1027: ("area-id", _area, False),
    1028: (_LOCAL_TE_ROUTER_ID, _ip, True),
    1029: (_LOCAL_TE_ROUTER_ID, _ip, True),
    1030: ("remote-te-router-id", lambda value: f'"{_ip(value)}"', False),
    1031: ("remote-te-router-id", lambda value: f'"{_ip(value)}"', False),
    1034: ("sr-capability-flags", _sr_capabilities, False),
    1035: ("sr-algorithms", lambda value: json.dumps(list(value) or [0]), False),
    1038: ("srv6-capabilities", _srv6_capabilities, False),
    1088: ("admin-group-mask", _number(4), False),
    1089: ("maximum-link-bandwidth", _float, False),
    1090: ("maximum-reservable-link-bandwidth", _float, False),
    1091: ("unreserved-bandwidth", lambda value: json.dumps(list(struct.unpack("!8f", _sized(value, 32)))), False),
    1092: ("te-metric", _number(4), False),
    1093: (
        "link-protection-flags",
        _flag_tlv(
            ("ExtraTrafic", "Unprotected", "Shared", "Dedicated 1:1", "Dedicated 1+1", "Enhanced", "RSV", "RSV"), 2
        ),
        False,
    ),
    1094: ("mpls-mask", _flag_tlv("LDP RSVP-TE RSV RSV RSV RSV RSV RSV", 1), False),
    1095: ("igp-metric", _igp_metric, False),
    1096: ("shared-risk-link-groups", _numbers(4), False),
    1097: ("opaque-link", _text, False),
    1098: ("link-name", _link_name, False),
    1099: ("sr-adj", _sr_adjacency, False),
    1100: ("sr-adj-lan-sids", _sr_adjacency_lan, True),
    1106: ("srv6-endx", _srv6_endx, True),
    1107: ("srv6-lan-endx-isis", _srv6_lan_endx(6), True),
    1108: ("srv6-lan-endx-ospf", _srv6_lan_endx(4), True),
    1152: ("igp-flags", _flag_tlv("D N L P RSV RSV RSV RSV", 1), False),
    1153: ("igp-route-tags", _numbers(4), False),
    1154: ("igp-extended-route-tags", _numbers(8), False),
    1155: ("prefix-metric", _number(4), False),
    1156: ("ospf-forwarding-address", lambda value: f'"{_ip(value)}"', False),
    1157: ("opaque-prefix", _text, False),
    1158: ("sr-prefix-flags", _sr_prefix, False),
    1162: ("srv6-locator", _srv6_locator, False),
    1170: ("sr-prefix-attribute-flags", _flag_tlv("X R N RSV RSV RSV RSV RSV"), False),
    1171: ("sr-source-router-id", lambda value: f'"{_ip(value)}"', False),
    1250: ("srv6-endpoint-behavior", _srv6_endpoint_behavior, False),
    1252: ("srv6-sid-structure", lambda value: json.dumps(_sid_structure(value)), False),
}


def _merged_text(key: str, items: list) -> str:
    if key == _LOCAL_TE_ROUTER_ID:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"
    if key.startswith("generic-lsid-"):
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"
    if key == "sr-adj-lan-sids":
        return json.dumps(items)
    return "[ " + ", ".join(json.dumps(item) for item in items) + " ]"


def _render(code: int, value: bytes):
    """(JSON key, rendered value, merged) of one TLV; `ValueError` when its value does not fit its layout."""
    if code not in TLVS:
        return f"generic-lsid-{code}", "0x" + value.hex().upper(), True
    key, render, merge = TLVS[code]
    return key, render(value), merge


def check(tlvs) -> None:
    """Raise `CodecError(3, 5)` (the attribute is then discarded) when a known TLV's value does not fit its layout."""
    for code, value in tlvs:
        try:
            _render(code, bytes(value))
        except ValueError as error:
            raise CodecError(3, 5, b"", f"BGP-LS attribute TLV {code}: {error}") from None


def attribute_json(tlvs) -> str:
    """5.0's JSON object of the BGP-LS attribute's ``(type, value)`` TLVs (checked by `check`)."""
    members = []  # (key, text) or (key, list of merged items)
    merged: dict = {}
    for code, value in tlvs:
        key, item, merge = _render(code, bytes(value))
        if not merge:
            members.append((key, item))
        elif key in merged:
            merged[key].append(item)
        else:
            merged[key] = [item]
            members.append((key, merged[key]))
    return (
        "{ "
        + ", ".join(f'"{key}": {text if isinstance(text, str) else _merged_text(key, text)}' for key, text in members)
        + " }"
    )


# ---- text: what 5.0.15's text encoder prints (``str`` of its TLV objects) ----------------------


def _named(name: str, value) -> str:
    """5.0's ``'{REPR}: {content}'``: a string as it is, anything else as Python shows it."""
    return f"{name}: {value}"


def _adjacency_text(value: bytes) -> str:
    flags = _flags(_ADJ_FLAGS, value)
    sids, undecoded = _sids(flags, value[4:])
    return f"adj_flags: {flags!r}, sids: {sids!r}, undecoded_sid {undecoded!r}"


def _sr_capabilities_text(value: bytes) -> str:
    document = json.loads("{" + f'"flags": {_sr_capabilities(value)}' + "}")
    return f"SR Capability Flags: {document['flags']!r}, sids: {document['sids']!r}"


def _sr_prefix_text(value: bytes) -> str:
    flags = _flags("R N P E V L RSV RSV", value)
    sids, undecoded = _sids(flags, value[4:])
    return f"prefix_flags: {flags!r}, sids: {sids!r}, undecoded_sid: {undecoded!r}"


def _endx_text(items: list) -> str:
    """5.0 joins merged End.X SIDs with a newline (so one announced route spans several lines)."""
    return "\n".join(
        f"behavior: {item['behavior']}, flags: {item['flags']!r}, algorithm: {item['algorithm']}, "
        f"weight: {item['weight']}, sid: {item['sid']}"
        for item in items
    )


def _lan_endx_text(items: list) -> str:
    return "\n".join(
        f"behavior: {item['behavior']}, neighbor-id: {item['neighbor-id']}, flags: {item['flags']!r}, "
        f"algorithm: {item['algorithm']}, weight: {item['weight']}, sid: {item['sid']}"
        for item in items
    )


def _endpoint_behavior_text(value: bytes) -> str:
    fields = json.loads(_srv6_endpoint_behavior(value))
    return (
        f"SRv6 Endpoint Behavior: endpoint-behavior {fields['endpoint-behavior']}, flags {fields['flags']}, "
        f"algorithm {fields['algorithm']}"
    )


#: TLV code -> text of one TLV (not merged)
TEXTS = {
    1024: lambda value: _named("Node Flags", _flags("O T E B R V RSV RSV", value)),
    1025: lambda value: _named("Opaque Node Attribute", bytes(value)),
    1026: lambda value: _named("Node Name", value.decode("utf-8", "replace")),
    1027: lambda value: _named("ISIS area id", _int(value)),
    1030: lambda value: _named("Remote TE Router ID", _ip(value)),
    1031: lambda value: _named("Remote TE Router ID", _ip(value)),
    1034: _sr_capabilities_text,
    1035: lambda value: _named("SrAlgorithms", list(value) or [0]),
    1038: lambda value: f"flags: {json.loads(_srv6_capabilities(value))['flags']!r}",
    1088: lambda value: _named("Admin Group mask", _int(value[:4])),
    1089: lambda value: _named("Maximum link bandwidth", struct.unpack("!f", value)[0]),
    1090: lambda value: _named("Maximum reservable link bandwidth", struct.unpack("!f", value)[0]),
    1091: lambda value: _named("Maximum link bandwidth", struct.unpack("!8f", value)),
    1092: lambda value: _named("TE Default Metric", _int(value)),
    1093: lambda value: _named("Link protection mask", json.loads(TLVS[1093][1](value))),
    1094: lambda value: _named("MPLS Protocol mask", json.loads(TLVS[1094][1](value))),
    1095: lambda value: _named("IGP Metric", _int(value)),
    1096: lambda value: _named("link SRLG values", json.loads(_numbers(4)(value))),
    1097: lambda value: _named("Opaque Link Attribute", bytes(value)),
    1098: lambda value: _named("Link Name", bytes(value)),
    1099: _adjacency_text,
    1152: lambda value: _named("IGP flags", json.loads(TLVS[1152][1](value))),
    1153: lambda value: _named("IGP Route Tags", json.loads(_numbers(4)(value))),
    1154: lambda value: _named("IGP Extended Route Tags", json.loads(_numbers(8)(value))),
    1155: lambda value: _named("prefix_metric", _int(value)),
    1156: lambda value: _named("Ospf forwarding address", _ip(value)),
    1157: lambda value: _named("Opaque Prefix Attribute", bytes(value)),
    1158: _sr_prefix_text,
    1162: lambda value: "flags: {flags!r}, algorithm: {algorithm}, metric: {metric}".format_map(
        json.loads(_srv6_locator(value))
    ),
    1170: lambda value: _named("Prefix Attr Flags", json.loads(TLVS[1170][1](value))),
    1171: lambda value: _named("Source router identifier", _ip(value)),
    1250: _endpoint_behavior_text,
    1252: lambda value: "SRv6 SID Structure: [{}, {}, {}, {}]".format(*_sid_structure(value).values()),
}

#: merged TLV key -> text of the merged list (the items are the JSON renderers' values)
MERGED_TEXTS = {
    _LOCAL_TE_ROUTER_ID: lambda items: _named("Local TE Router IDs", items),
    "sr-adj-lan-sids": lambda items: f"sr-adj-lan-sids: {items!r}",
    "srv6-endx": _endx_text,
    "srv6-lan-endx-isis": _lan_endx_text,
    "srv6-lan-endx-ospf": _lan_endx_text,
}


def attribute_text(tlvs) -> str:
    """5.0's text of the BGP-LS attribute's ``(type, value)`` TLVs (checked by `check`): each TLV, merged
    ones once at the place of the first, joined by ``, `` (an unknown code: not implemented, once)."""
    members: list = []
    merged: dict = {}
    for code, value in tlvs:
        value = bytes(value)
        key, item, merge = _render(code, value)
        if not merge:
            members.append(TEXTS[code](value))
        elif key in merged:
            merged[key].append(item)
        else:
            merged[key] = [item]
            members.append((key, merged[key]))
    return ", ".join(member if isinstance(member, str) else _merged_text_of(*member) for member in members)


def _merged_text_of(key: str, items: list) -> str:
    if key.startswith("generic-lsid-"):
        return f"Attribute with code [ {key[len('generic-lsid-') :]} ] not implemented"
    return MERGED_TEXTS[key](items)
