"""The RFC 7606 matrix: every path attribute of our table, each malformation class, on a live session.

`CASES` is the table: for every attribute code of `exabgp.bgp.attribute.ATTRIBUTES`
(a test holds the two equal) and each malformation class that applies to it,

* ``length``: a value whose length the attribute's specification refuses;
* ``flags``: the Optional bit flipped (a well-known attribute flagged optional,
  an optional one flagged well-known);
* ``duplicate``: the attribute twice, two valid values;
* ``content``: a length that fits but a value that does not (ORIGIN 5, an
  AS_PATH segment of type 7, a truncated NLRI, a TLV of the wrong size...);
* ``place``: the attribute where it does not belong or missing where it is
  required (a family the session did not negotiate, LOCAL_PREF from an
  external peer, ORIGIN missing, NEXT_HOP with MP_REACH_NLRI only...);

one `Case`: the UPDATE, the answer RFC 7606 section 7 (or the RFC it names)
prescribes, with the section, and the references its helper JSON is compared
with.  Two more rows are not attributes: an unrecognized well-known attribute
(RFC 4271 section 6.3) and an UPDATE shorter than 23 octets (section 6.1).
The expected answers are written here from the RFCs, not read from our table.

An answer is one of:

* ``reset C/S``: the daemon sends NOTIFICATION C/S, its helper gets ``down``
  "notification sent (C,S)", and no line for that UPDATE;
* ``treat-as-withdraw``: the helper's line for the UPDATE carries an
  ``error`` starting "treat-as-withdraw" and lists its NLRI under ``withdraw``;
* ``attribute-discard``: ``"error": "discard"`` and otherwise the attributes
  of the reference UPDATE (the same without the attribute), NLRI announced;
* ``accepted``: no error, NLRI announced, and (for the cases that have one)
  the attributes of the reference (for ``duplicate``: the first copy alone);

and what is observed otherwise is said in words (``accepted as the last
copy``, ``dropped silently``, ``accepted, other attributes``, ``no line``).

`run(daemon, mode)` plays a mode's cases on a live daemon: `MODES` are one
neighbor each (an external peer with AIGP enabled, an internal one without),
ipv4 and ipv6 unicast.  The UPDATEs of a mode go in one session, each after
its references, every one with a prefix of its own; when a case resets the
session, the following cases go in a new session.  The helper (json, parsed
UPDATEs, neighbor changes) lines are matched to the cases by prefix, the
NOTIFICATIONs and ``down`` lines to the sessions in order.

`DIFFERENCES` records what ExaBGP 5.0.15 answered where it does not answer as
the RFC says (recorded live with ``python -m qa.rfc7606 --record``: the same
octets, 5.0.15 under the same configuration); each is listed in
docs/compatibility.md.  ``python -m qa.rfc7606 [--reference]`` prints the
matrix as observed.
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import threading

from qa import oracle
from qa.differential import helper
from qa.peer import CAPABILITIES_PARAMETER, NOTIFICATION, UPDATE, join_parameters, message

LOCAL_AS = 65000
EXTERNAL_AS = 65001
ROUTER_ID = "10.0.0.9"
HOLD_TIME = 180

WK = 0x40  # well-known (transitive)
OPT = 0x80  # optional non-transitive
OPT_T = 0xC0  # optional transitive

RESET = "reset"
WITHDRAW = "treat-as-withdraw"
DISCARD = "attribute-discard"
ACCEPTED = "accepted"


def attribute(flags: int, code: int, value: bytes) -> bytes:
    """One attribute TLV (Extended Length when the value needs it)."""
    if len(value) > 255:
        return bytes((flags | 0x10, code)) + len(value).to_bytes(2, "big") + value
    return bytes((flags, code, len(value))) + value


def update_body(attributes: bytes, nlri: bytes = b"", withdrawn: bytes = b"") -> bytes:
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(attributes).to_bytes(2, "big") + attributes + nlri


# ---------------------------------------------------------------- the values

#: code -> (flags the RFC gives it, a valid value, another valid value) on a 4-octet AS session
VALID = {
    1: (WK, b"\x00", b"\x02"),  # ORIGIN: IGP, INCOMPLETE
    2: (WK, bytes.fromhex("0201 0000fde9"), bytes.fromhex("0201 0000fdea")),  # AS_PATH
    3: (WK, bytes.fromhex("0a000002"), bytes.fromhex("0a000003")),  # NEXT_HOP
    4: (OPT, bytes.fromhex("00000064"), bytes.fromhex("00000065")),  # MULTI_EXIT_DISC
    5: (WK, bytes.fromhex("00000064"), bytes.fromhex("00000065")),  # LOCAL_PREF
    6: (WK, b"", b""),  # ATOMIC_AGGREGATE
    7: (OPT_T, bytes.fromhex("0000fde9 0a000002"), bytes.fromhex("0000fdea 0a000003")),  # AGGREGATOR
    8: (OPT_T, bytes.fromhex("fde90064"), bytes.fromhex("fde90065")),  # COMMUNITIES
    9: (OPT, bytes.fromhex("0a000009"), bytes.fromhex("0a00000b")),  # ORIGINATOR_ID
    10: (OPT, bytes.fromhex("0a00000a"), bytes.fromhex("0a00000c")),  # CLUSTER_LIST
    16: (OPT_T, bytes.fromhex("0002fde9 00000064"), bytes.fromhex("0002fde9 00000065")),  # EXTENDED COMMUNITIES
    17: (OPT_T, bytes.fromhex("0201 0000fde9"), bytes.fromhex("0201 0000fdea")),  # AS4_PATH
    18: (OPT_T, bytes.fromhex("0000fde9 0a000002"), bytes.fromhex("0000fdea 0a000003")),  # AS4_AGGREGATOR
    22: (OPT_T, bytes.fromhex("00 00 000640"), bytes.fromhex("00 00 000650")),  # PMSI_TUNNEL, no tunnel id
    25: (
        OPT_T,
        bytes.fromhex("0002 20010db8000000000000000000000001 0064"),
        bytes.fromhex("0002 20010db8000000000000000000000001 0065"),
    ),  # IPv6 Address Specific Ext. Community
    26: (OPT, bytes.fromhex("01 000b 0000000000000064"), bytes.fromhex("01 000b 0000000000000065")),  # AIGP
    29: (OPT, bytes.fromhex("3039 0002 6162"), bytes.fromhex("303a 0002 6162")),  # BGP-LS, an unknown TLV
    32: (OPT_T, bytes.fromhex("0000fde9 00000001 00000002"), bytes.fromhex("0000fde9 00000001 00000003")),
    40: (OPT_T, bytes.fromhex("01 0007 00 0000 00000064"), bytes.fromhex("01 0007 00 0000 00000065")),  # Prefix-SID
}

#: code -> a value of a length the attribute's specification refuses
BAD_LENGTH = {
    1: b"\x00\x00",
    2: bytes.fromhex("0202 0000fde9"),
    3: bytes(5),
    4: bytes(3),
    5: bytes(3),
    6: b"\x00",
    7: bytes(7),
    8: bytes(5),
    9: bytes(5),
    10: bytes(5),
    16: bytes(7),
    17: bytes.fromhex("0202 0000fde9"),
    18: bytes(7),
    22: bytes(4),
    25: bytes(19),
    26: bytes.fromhex("01 000c 0000000000000064"),
    29: bytes.fromhex("3039 0005 6162"),
    32: bytes(13),
    40: bytes.fromhex("01 0009 00 0000 00000064"),
}

#: code -> a value of a good length and bad content
BAD_CONTENT = {
    1: b"\x05",  # RFC 4271 5.1.1: 0, 1, 2
    2: bytes.fromhex("0701 0000fde9"),  # RFC 4271 4.3: segment types 1 to 4 (RFC 5065)
    17: bytes.fromhex("0701 0000fde9"),
    26: bytes.fromhex("02 0003"),  # RFC 7311 3: no AIGP TLV
    29: bytes.fromhex("0483 0003 000001"),  # RFC 9552 5.3.3.4: the prefix metric TLV is 4 octets
    40: bytes.fromhex("01 0006 00 0000 000064"),  # RFC 8669 3.1: the label index TLV is 7 octets
}

V6_NEXT_HOP = bytes.fromhex("20010db8000000000000000000000002")


def ipv4_nlri(number: int) -> bytes:
    """10.H.L.0/24 for `number` (0..65535)."""
    return bytes((24, 10, number >> 8, number & 0xFF))


def ipv4_text(number: int) -> str:
    return f"10.{number >> 8}.{number & 0xFF}.0/24"


def ipv6_nlri(number: int) -> bytes:
    """2001:db8:N::/48."""
    return bytes((48, 0x20, 0x01, 0x0D, 0xB8, number >> 8, number & 0xFF))


def ipv6_text(number: int) -> str:
    return f"2001:db8:{number:x}::/48"


def mp_reach(nlri: bytes, afi: int = 2, safi: int = 1, nexthop: bytes = V6_NEXT_HOP) -> bytes:
    return attribute(OPT, 14, afi.to_bytes(2, "big") + bytes((safi, len(nexthop))) + nexthop + b"\x00" + nlri)


def mp_unreach(nlri: bytes, afi: int = 2, safi: int = 1) -> bytes:
    return attribute(OPT, 15, afi.to_bytes(2, "big") + bytes((safi,)) + nlri)


# ---------------------------------------------------------------- the cases


@dataclasses.dataclass(frozen=True)
class Case:
    """One malformation: `builders` make the UPDATE bodies for a prefix number each (references first, the
    case last); `expected` is the RFC's answer, `rfc` where it says so."""

    name: str
    code: int  # the attribute (99: one we do not know, 0: none, the message itself)
    kind: str  # length, flags, duplicate, content, place (and unrecognized: an attribute not in our table)
    mode: str  # a key of MODES
    expected: str
    rfc: str
    builders: tuple  # (number) -> UPDATE body
    family: str = "ipv4"  # how the prefix of `number` is written: ipv4 (10.H.L.0/24) or ipv6 (2001:db8:N::/48)

    def bodies(self, number: int) -> list:
        """The UPDATE bodies, each with a prefix of its own (numbers `number`, `number + 1`, ...)."""
        return [build(number + offset) for offset, build in enumerate(self.builders)]

    def prefixes(self, number: int) -> list:
        text = ipv6_text if self.family == "ipv6" else ipv4_text
        return [text(number + offset) for offset in range(len(self.builders))]


def in_nlri_field(section: bytes):
    """A builder: `section` with the prefix in the NLRI field."""
    return lambda number: update_body(section, ipv4_nlri(number))


def in_mp_reach(section: bytes):
    """A builder: `section` then an MP_REACH_NLRI of ipv6 unicast with the prefix."""
    return lambda number: update_body(section + mp_reach(ipv6_nlri(number)))


def _base(code_values: dict, family: str) -> bytes:
    """ORIGIN, AS_PATH (and NEXT_HOP for the NLRI field) with the given code -> TLV replacements (None: left
    out), then the other attributes of `code_values` in code order."""
    mandatory = (1, 2) if family == "ipv6" else (1, 2, 3)
    parts = []
    for code in mandatory:
        if code in code_values:
            if code_values[code] is not None:
                parts.append(code_values[code])
        else:
            parts.append(attribute(VALID[code][0], code, VALID[code][1]))
    parts.extend(tlv for code, tlv in sorted(code_values.items()) if code not in mandatory and tlv is not None)
    return b"".join(parts)


def _cases_of(code: int, key: str) -> list:
    """The cases of one attribute (see the module docstring)."""
    flags, value, other = VALID.get(code, (OPT, b"", b""))
    found = []

    def case(kind, expected, rfc, builders, mode="external", family="ipv4", suffix=""):
        found.append(Case(f"{key} {kind}{suffix}", code, kind, mode, expected, rfc, tuple(builders), family))

    def fielded(*sections):
        return [in_nlri_field(section) for section in sections]

    def with_(tlv):
        return _base({code: tlv}, "ipv4")

    without = _base({code: None}, "ipv4")
    if code in (14, 15):
        reach = code == 14
        base = _base({}, "ipv6")

        def mp(attribute_of):
            return [lambda number: update_body(base + attribute_of(number))]

        good = mp_reach if reach else mp_unreach
        if reach:
            case(
                "length",
                f"{RESET} 3/9",
                "RFC 7606 7.11 (next hop length), RFC 4760 7 (3/9)",
                mp(lambda number: mp_reach(ipv6_nlri(number), nexthop=bytes(15))),
                family="ipv6",
            )
        else:
            case(
                "length",
                f"{RESET} 3/9",
                "RFC 4760 4 (AFI and SAFI at least), 7 (incorrect: 3/9)",
                mp(lambda number: attribute(OPT, 15, b"\x00\x02")),
                family="ipv6",
            )
        case(
            "flags",
            f"{RESET} 3/9",
            "RFC 7606 3 c (the attribute's own handling: RFC 4760 7, 3/9)",
            mp(lambda number: bytes((OPT_T,)) + good(ipv6_nlri(number))[1:]),
            family="ipv6",
        )
        case(
            "duplicate",
            f"{RESET} 3/1",
            "RFC 7606 3 g (Malformed Attribute List)",
            mp(lambda number: good(ipv6_nlri(number)) * 2),
            family="ipv6",
        )
        case(
            "content",
            f"{RESET} 3/10",
            "RFC 7606 5.3 (NLRI that do not parse), RFC 4271 6.3",
            mp(lambda number: good(bytes((129,)) + bytes(17))),
            family="ipv6",
        )
        if reach:
            foreign = mp(lambda number: mp_reach(ipv4_nlri(number), afi=1, safi=2, nexthop=bytes((10, 0, 0, 2))))
        else:
            foreign = mp(lambda number: mp_unreach(ipv4_nlri(number), afi=1, safi=2))
        case(
            "place",
            f"{RESET} 3/9",
            "RFC 4760 8 (a family not negotiated), 7 (incorrect: 3/9)",
            foreign,
            suffix=" (a family not negotiated)",
        )
        return found

    if code in BAD_LENGTH:
        case("length", *_action(code, "length"), fielded(without, with_(attribute(flags, code, BAD_LENGTH[code]))))
    flipped = flags ^ OPT
    case("flags", *_action(code, "flags"), fielded(without, with_(attribute(flipped, code, value))))
    first, second = attribute(flags, code, value), attribute(flags, code, other)
    case(
        "duplicate",
        ACCEPTED,
        "RFC 7606 3 g (all but the first discarded)",
        fielded(with_(first), with_(second), with_(first + second)),
    )
    if code in BAD_CONTENT:
        case("content", *_action(code, "content"), fielded(without, with_(attribute(flags, code, BAD_CONTENT[code]))))
    if code in (1, 2):
        case(
            "place", WITHDRAW, "RFC 7606 3 d (RFC 4271 5: well-known mandatory)", fielded(without), suffix=" (missing)"
        )
        case(
            "place",
            WITHDRAW,
            "RFC 7606 3 d (RFC 4760 3: mandatory with MP_REACH_NLRI)",
            [in_mp_reach(_base({code: None}, "ipv6"))],
            family="ipv6",
            suffix=" (missing, MP_REACH_NLRI)",
        )
    if code == 3:
        case(
            "place",
            WITHDRAW,
            "RFC 7606 3 d (RFC 4271 5: mandatory for the NLRI field)",
            fielded(without),
            suffix=" (missing)",
        )
        case(
            "place",
            ACCEPTED,
            "RFC 4760 3 (not required with MP_REACH_NLRI alone)",
            [in_mp_reach(_base({}, "ipv6"))],
            family="ipv6",
            suffix=" (absent, MP_REACH_NLRI)",
        )
        case(
            "place",
            ACCEPTED,
            "RFC 4760 3 (ignored with MP_REACH_NLRI alone)",
            [in_mp_reach(_base({}, "ipv6") + first)],
            family="ipv6",
            suffix=" (present, MP_REACH_NLRI)",
        )
    if code == 5:
        case(
            "length",
            WITHDRAW,
            "RFC 7606 7.5 (internal peer)",
            fielded(without, with_(attribute(flags, code, BAD_LENGTH[code]))),
            mode="internal",
            suffix=" (internal)",
        )
        case(
            "flags",
            WITHDRAW,
            "RFC 7606 3 c, 7.5 (internal peer)",
            fielded(without, with_(attribute(flipped, code, value))),
            mode="internal",
            suffix=" (internal)",
        )
        case(
            "place",
            ACCEPTED,
            "RFC 4271 5.1.5 (ignored by route selection: ExaBGP has none, shown)",
            fielded(with_(first)),
            suffix=" (external peer)",
        )
        case(
            "place",
            ACCEPTED,
            "RFC 4271 5.1.5 (required from internal peers, not well-known mandatory: RFC 7606 3 d does not apply)",
            fielded(without),
            mode="internal",
            suffix=" (missing, internal)",
        )
    if code == 26:
        case(
            "place",
            ACCEPTED,
            "RFC 7311 3.1 (AIGP_SESSION disabled: ignored)",
            fielded(without, with_(first)),
            mode="internal",
            suffix=" (session without AIGP)",
        )
    return found


#: code -> the action of RFC 7606 section 7 (or the attribute's RFC) for a malformed value, with the section;
#: wrong flags get the same (RFC 7606 3 c: the attribute is malformed, handled as its section says)
ACTIONS = {
    1: (WITHDRAW, "RFC 7606 7.1"),
    2: (WITHDRAW, "RFC 7606 7.2"),
    3: (WITHDRAW, "RFC 7606 7.3"),
    4: (WITHDRAW, "RFC 7606 7.4"),
    5: (DISCARD, "RFC 7606 7.5 (external peer)"),
    6: (DISCARD, "RFC 7606 7.6"),
    7: (DISCARD, "RFC 7606 7.7"),
    8: (WITHDRAW, "RFC 7606 7.8"),
    9: (WITHDRAW, "RFC 7606 7.9"),
    10: (WITHDRAW, "RFC 7606 7.10"),
    16: (WITHDRAW, "RFC 7606 7.14"),
    17: (DISCARD, "RFC 6793 6"),
    18: (DISCARD, "RFC 6793 6"),
    22: (WITHDRAW, "RFC 7606 2 (RFC 6514 5 names no action: treat-as-withdraw)"),
    25: (WITHDRAW, "RFC 7606 7.15"),
    26: (DISCARD, "RFC 7311 3.2 (malformed AIGP: attribute discard)"),
    29: (DISCARD, "RFC 9552 8.2.2"),
    32: (WITHDRAW, "RFC 8092 6"),
    40: (DISCARD, "RFC 8669 6"),
}


def _action(code: int, kind: str) -> tuple:
    action, rfc = ACTIONS[code]
    if kind == "flags":
        rfc = f"RFC 7606 3 c, then {rfc}"
    return action, rfc


def _message_cases() -> list:
    """The rows that are not one of our attributes."""
    unknown = attribute(WK, 99, b"ab")
    return [
        Case(
            "unrecognized well-known",
            99,
            "unrecognized",
            "external",
            f"{RESET} 3/2",
            "RFC 4271 6.3",
            (in_nlri_field(_base({99: unknown}, "ipv4")),),
        ),
        Case(
            "UPDATE shorter than 23 octets",
            0,
            "length",
            "external",
            f"{RESET} 1/2",
            "RFC 4271 6.1",
            (lambda number: b"\x00\x00",),
        ),
    ]


def cases() -> list:
    """Every case of the matrix, in the order they are played."""
    from exabgp.bgp.attribute import ATTRIBUTES

    found = []
    for code, spec in sorted(ATTRIBUTES.items()):
        found.extend(_cases_of(code, spec.key))
    return found + _message_cases()


CASES = cases()

#: what ExaBGP 5.0.15 answered where it departs from the RFC (recorded with ``--record``;
#: docs/compatibility.md, "Malformed UPDATEs", lists each)
DIFFERENCES = {
    "origin length": "accepted, the value shown",
    "origin content": "accepted, the value shown",
    "origin place (missing)": ACCEPTED,
    "origin place (missing, MP_REACH_NLRI)": ACCEPTED,
    "as-path place (missing)": ACCEPTED,
    "as-path place (missing, MP_REACH_NLRI)": ACCEPTED,
    "next-hop place (missing)": ACCEPTED,
    "local-preference length": WITHDRAW,
    "local-preference flags": WITHDRAW,
    "atomic-aggregate flags": "dropped silently",
    "aggregator flags": "dropped silently",
    "originator-id length": f"{RESET} 3/5",
    "originator-id flags": "dropped silently",
    "cluster-list length": f"{RESET} 3/5",
    "cluster-list flags": "dropped silently",
    "as4-path length": f"{RESET} 3/11",
    "as4-path flags": "dropped silently",
    "as4-path content": f"{RESET} 3/11",
    "as4-aggregator length": f"{RESET} 3/5",
    "as4-aggregator flags": "dropped silently",
    "pmsi-tunnel length": f"{RESET} 3/5",
    "pmsi-tunnel flags": "dropped silently",
    "aigp length": f"{RESET} 3/9",
    "aigp flags": "dropped silently",
    "aigp content": f"{RESET} 3/9",
    "bgp-ls flags": "dropped silently",
    "bgp-prefix-sid flags": "dropped silently",
    "unrecognized well-known": ACCEPTED,
}


# ---------------------------------------------------------------- the live run


@dataclasses.dataclass(frozen=True)
class Mode:
    address: str  # the feeder's address: the neighbor
    peer_as: int
    aigp: bool


MODES = {
    "external": Mode("127.0.7.2", EXTERNAL_AS, True),
    "internal": Mode("127.0.7.3", LOCAL_AS, False),
}


def configuration() -> str:
    """Both daemons' configuration, for `helper.Daemon` (which fills in ``{port}`` and ``{directory}``)."""
    lines = [
        "process json {",
        f"    run {sys.executable} {helper.HELPER_LINES} @DIRECTORY@/json.lines;",
        "    encoder json;",
        "}",
    ]
    for mode in MODES.values():
        lines += [
            f"neighbor {mode.address} {{",
            f"    router-id {ROUTER_ID};",
            "    local-address 127.0.0.1;",
            f"    local-as {LOCAL_AS};",
            f"    peer-as {mode.peer_as};",
            f"    hold-time {HOLD_TIME};",
            "    passive;",
            "    listen @PORT@;",
            "    capability {",
            "        route-refresh enable;",
            "        asn4 enable;",
            f"        aigp {'enable' if mode.aigp else 'disable'};",
            "    }",
            "    family {",
            "        ipv4 unicast;",
            "        ipv6 unicast;",
            "    }",
            "    api {",
            "        processes [ json ];",
            "        neighbor-changes;",
            "        receive { parsed; update; }",
            "    }",
            "}",
        ]
    text = "\n".join(lines) + "\n"
    return text.replace("{", "{{").replace("}", "}}").replace("@PORT@", "{port}").replace("@DIRECTORY@", "{directory}")


class _Capabilities:
    """The feeder's OPEN for a mode (what `helper.session` sends): ipv4 and ipv6 unicast, route refresh,
    4-octet AS (RFC 4760, RFC 2918, RFC 6793)."""

    def __init__(self, mode: Mode):
        self.mode = mode

    def open_body(self) -> bytes:
        tlvs = [
            (1, bytes((0, 1, 0, 1))),
            (1, bytes((0, 2, 0, 1))),
            (2, b""),
            (65, self.mode.peer_as.to_bytes(4, "big")),
        ]
        parameters = [(CAPABILITIES_PARAMETER, bytes((code, len(value))) + value) for code, value in tlvs]
        return (
            bytes((4,))
            + self.mode.peer_as.to_bytes(2, "big")
            + HOLD_TIME.to_bytes(2, "big")
            + bytes((10, 0, 0, 2))
            + join_parameters(parameters, False)
        )


def _update_of(line: bytes):
    """The ``message.update`` object of a helper line (None for other lines, {} for one that is not JSON)."""
    if b'"type": "update"' not in line:
        return None
    try:
        return json.loads(line)["neighbor"]["message"].get("update", {})
    except (ValueError, KeyError, TypeError):
        return {}


def _nlri(section: dict) -> set:
    found = set()
    for family in section.values():
        for items in family.values() if isinstance(family, dict) else [family]:
            found.update(item["nlri"] if isinstance(item, dict) else item for item in items)
    return found


def _answer(case: Case, number: int, updates: dict) -> str:
    """The answer observed for a case that did not reset the session (see the module docstring)."""
    prefixes = case.prefixes(number)
    seen = updates.get(prefixes[-1])
    if seen is None:
        return "no line"
    attributes = dict(seen.get("attribute", {}))
    error = attributes.pop("error", None)
    announced = prefixes[-1] in _nlri(seen.get("announce", {}))
    withdrawn = prefixes[-1] in _nlri(seen.get("withdraw", {}))
    references = [updates.get(prefix, {}).get("attribute", {}) for prefix in prefixes[:-1]]
    if error is not None and error.startswith(WITHDRAW):
        return WITHDRAW if withdrawn and not announced else f"{error}, NLRI not withdrawn"
    if not announced:
        return "no NLRI announced"
    if error == "discard":
        return DISCARD if not references or attributes == references[0] else f"{DISCARD}, other attributes"
    if error is not None:
        return f"error {error}"
    malformed = case.kind in ("length", "flags", "content")
    if not references or attributes == references[0]:  # for a malformed value, the reference goes without it
        return "dropped silently" if malformed else ACCEPTED
    if case.kind == "duplicate" and attributes == references[1]:
        return f"{ACCEPTED} as the last copy"
    return f"{ACCEPTED}, the value shown" if malformed else f"{ACCEPTED}, other attributes"


@dataclasses.dataclass
class Observed:
    """What a daemon answered, case by case, and what its helper was told of each session's end."""

    answers: dict  # case name -> answer
    sessions: int = 0
    resets: list = dataclasses.field(default_factory=list)  # (code, subcode) of each NOTIFICATION sent, in order
    downs: list = dataclasses.field(default_factory=list)  # the ``down`` reasons the helper was told, in order


def run(daemon: helper.Daemon, mode_name: str, timeout: float = 60.0) -> Observed:
    """Play the cases of one mode on `daemon` (see the module docstring)."""
    mode = MODES[mode_name]
    chosen = [case for case in CASES if case.mode == mode_name]
    numbers = [1]
    for case in chosen:
        numbers.append(numbers[-1] + len(case.builders))
    observed = Observed({})
    start = 0
    while start < len(chosen):
        bodies = [
            body for case, number in zip(chosen[start:], numbers[start:], strict=False) for body in case.bodies(number)
        ]
        stream = helper.Stream("rfc7606", _Capabilities(mode), [message(UPDATE, body) for body in bodies])
        sent = helper.session(daemon, stream, mode.address, timeout)
        observed.sessions += 1
        notifications = [(data[19], data[20]) for data in sent if data[18] == NOTIFICATION]
        helper.settle([daemon], quiet=0.3)
        updates = {}
        for line in helper.lines_of(daemon.lines()["json"], mode.address):
            seen = _update_of(line)
            for prefix in _nlri(seen.get("announce", {})) | _nlri(seen.get("withdraw", {})) if seen else ():
                updates.setdefault(prefix, seen)
        position = next(
            (index for index in range(start, len(chosen)) if chosen[index].prefixes(numbers[index])[-1] not in updates),
            len(chosen),
        )
        for index in range(start, position if notifications else len(chosen)):
            observed.answers[chosen[index].name] = _answer(chosen[index], numbers[index], updates)
        if not notifications:
            break
        if position == len(chosen):
            raise RuntimeError(f"NOTIFICATION {notifications[0]} after every case of {mode_name} had its line")
        code, subcode = notifications[0]
        observed.answers[chosen[position].name] = f"{RESET} {code}/{subcode}"
        observed.resets.append((code, subcode))
        start = position + 1
    helper.settle([daemon], quiet=0.3)
    for line in helper.lines_of(daemon.lines()["json"], mode.address):
        if b'"state": "down"' in line:
            observed.downs.append(json.loads(line)["neighbor"].get("reason", ""))
    return observed


def play(command: list, name: str, directory: str) -> dict:
    """A daemon (`command` + `configuration`) through every mode: mode name -> `Observed`."""
    place = os.path.join(directory, name)
    os.makedirs(place, exist_ok=True)
    daemon = helper.Daemon(name, command, [], place, configuration(), ("json",))
    try:
        return {mode_name: run(daemon, mode_name) for mode_name in MODES}
    except Exception as error:
        raise RuntimeError(f"{name}: {error!r}\n{daemon.output()}") from error
    finally:
        daemon.stop()


def ours_command() -> list:
    return [sys.executable, "-m", "exabgp", "server"]


def play_both(directory: str, reference: str) -> tuple:
    """Ours and 5.0.15 (`reference`) at once, one thread each: ``(ours, theirs)`` as `play` returns them."""
    results = [None, None]

    def go(slot, command, name):
        try:
            results[slot] = play(command, name, directory)
        except Exception as error:  # raised below, in the caller's thread
            results[slot] = error

    threads = [
        threading.Thread(target=go, args=(0, ours_command(), "ours")),
        threading.Thread(target=go, args=(1, [reference], "5.0.15")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results[0], results[1]


def answers_of(played: dict) -> dict:
    """Case name -> answer, over every mode."""
    found = {}
    for observed in played.values():
        found.update(observed.answers)
    return found


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.rfc7606", description=__doc__.split("\n")[0])
    parser.add_argument("--reference", action="store_true", help="also run ExaBGP 5.0.15 (qa.oracle)")
    parser.add_argument("--record", action="store_true", help="print 5.0.15's departures as DIFFERENCES")
    options = parser.parse_args(arguments)
    with tempfile.TemporaryDirectory(prefix="rfc7606-") as directory:
        if options.reference or options.record:
            ours, theirs = play_both(directory, oracle.oracle_program("exabgp"))
            theirs = answers_of(theirs)
        else:
            ours, theirs = play(ours_command(), "ours", directory), {}
    ours = answers_of(ours)
    if options.record:
        print("DIFFERENCES = {")
        for case in CASES:
            if theirs.get(case.name) != case.expected:
                print(f"    {case.name!r}: {theirs.get(case.name)!r},")
        print("}")
        return 0
    wrong = 0
    for case in CASES:
        mark = "ok" if ours.get(case.name) == case.expected else "WRONG"
        wrong += mark != "ok"
        line = f"{mark:5} {case.name:52} {case.expected:18} {case.rfc}"
        if case.name in theirs and theirs[case.name] != case.expected:
            line += f"  [5.0.15: {theirs[case.name]}]"
        if mark != "ok":
            line += f"  [ours: {ours.get(case.name)}]"
        print(line)
    print(f"{len(CASES)} cases, {wrong} not answered as the RFC says")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
