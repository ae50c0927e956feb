"""The deliberate differences from ExaBGP 5.0.15: one table, each with the reason we differ.

Each `Known` names one behaviour where we knowingly differ from 5.0.15 (a bug
of 5.0.15 we fix, usually an RFC violation).  `area` says which comparison it
concerns (``wire``, ``helper``, ``decode``, ``cli``); `applies(case, ours,
theirs)` is true for exactly the compared items the difference explains (one
decoded message, one UPDATE, one helper line, one command's output), given
the case that produced them.  A comparison calls `explain(area, case, ours,
theirs)`: the name of the entry that explains the divergence, or None, and
then the divergence fails the test.  An entry must be narrow: it explains
the difference it names and nothing else.
"""

import dataclasses
from typing import Any, Callable, Optional


@dataclasses.dataclass(frozen=True)
class Known:
    name: str
    area: str
    reason: str  # why we differ, with the RFC (or the 5.0.15 bug) that says so
    applies: Callable[[Any, Any, Any], bool]


def _case_text(case: Any) -> str:
    """The words of a case: itself when a string (a hex payload, a command line), else its ``args`` and
    ``payload`` (the forms the comparisons give)."""
    if isinstance(case, str):
        return case
    parts = [getattr(case, "args", ()), getattr(case, "payload", "")]
    return " ".join(" ".join(map(str, part)) if isinstance(part, (list, tuple)) else str(part) for part in parts)


def _case_update(case: Any):
    """The UPDATE body of the last hexadecimal word of a case (a whole message loses its header), or None."""
    for word in reversed(_case_text(case).split()):
        try:
            data = bytes.fromhex(word)
        except ValueError:
            continue
        return data[19:] if data[:16] == b"\xff" * 16 else data
    return None


def _rtc_lengths(case: Any) -> list:
    """The prefix lengths of the ipv4 rtc NLRI (AFI 1 SAFI 132, RFC 4684) in the hex UPDATE among a case's
    words, path identifiers not considered; [] when the case holds none."""
    from exabgp._codec import split_update, walk_attributes

    data = _case_update(case)
    if data is None:
        return []
    lengths = []
    try:
        for code, _flags, value in walk_attributes(split_update(data)[1]):
            if code == 14 and bytes(value[:3]) == b"\x00\x01\x84":
                section = bytes(value[5 + value[3]:])
            elif code == 15 and bytes(value[:3]) == b"\x00\x01\x84":
                section = bytes(value[3:])
            else:
                continue
            position = 0
            while position < len(section):
                lengths.append(section[position])
                position += 1 + (section[position] + 7) // 8
    except Exception:  # a payload the codec refuses is no RTC case
        return []
    return lengths


def _str(value: Any) -> str:
    return value if isinstance(value, str) else "\n".join(map(str, value)) if isinstance(value, (list, tuple)) else ""


# ---------------------------------------------------------------- label framing (RFC 8277)

_LABELED_SAFIS = (4, 128)  # nlri-mpls, mpls-vpn


def _labeled_sections(case: Any):
    """``(afi, safi, withdraw, nlri octets)`` of each labeled / VPN MP_REACH_NLRI / MP_UNREACH_NLRI of the
    UPDATE among a case's words; nothing when there is none or our parsers can not split it."""
    from exabgp import _codec
    from exabgp._codec.errors import CodecError

    body = _case_update(case)
    try:
        attributes = _codec.walk_attributes(_codec.split_update(body)[1]) if body is not None else ()
    except CodecError:
        return
    for code, _flags, value in attributes:
        if code not in (14, 15) or len(value) < 3 or value[2] not in _LABELED_SAFIS:
            continue
        afi = int.from_bytes(value[0:2], "big")
        if code == 15:
            yield afi, value[2], True, value[3:]
        elif len(value) >= 5 and len(value) >= 5 + value[3]:
            yield afi, value[2], False, value[5 + value[3]:]


def _one_label_default_route(case, ours, theirs) -> bool:
    """5.0.15 refused the UPDATE, which has a labeled / VPN NLRI of one label field, S bit clear, leaving a
    /0 (not 0x000000, nor 0x800000 in a withdrawal): an NLRI 5.0.15 refuses (3/10) and we decode."""
    from exabgp import _codec
    from exabgp._codec.errors import CodecError

    if "invalid payload" not in _str(theirs):
        return False
    words = _case_text(case).split()
    addpaths = (True,) if "-i" in words else (False, True) if "-c" in words else (False,)
    for afi, safi, withdraw, octets in _labeled_sections(case):
        if afi not in (1, 2):
            continue
        kind = 1 if safi == 4 else 2
        for addpath in addpaths:
            try:
                items = _codec.decode_nlri(octets, afi, addpath, kind, withdraw)
            except CodecError:
                continue
            if any(plen == 0 and len(labels) == 1 and not labels[0] & 1 and labels[0] != 0
                   and not (withdraw and labels[0] == 0x800000) for _path, plen, _addr, labels, _rd in items):
                return True
    return False


KNOWN: list = [
    Known(
        "rtc-partial-prefix-lengths", "decode",
        "RFC 4684 section 4: an RTC NLRI of 32 to 95 bits is the origin AS and a prefix of the route target, "
        "ceil(length / 8) octets; 5.0.15 reads 12 octets after every length but 0 and so refuses it (3/10) or "
        "misreads what follows.  We decode it and print its length (\"prefix-length\").",
        lambda case, ours, theirs: '"ipv4 rtc"' in _str(ours) and '"prefix-length": ' in _str(ours)
        and any(32 <= length < 96 for length in _rtc_lengths(case)),
    ),
    Known(
        "rtc-prefix-length-above-96", "decode",
        "RFC 4684 section 4: an RTC NLRI is at most 96 bits; 5.0.15 takes any length above 96 as 96 (it reads 12 "
        "octets).  We refuse it as malformed (3/10, 'invalid payload' in exabgp decode).",
        lambda case, ours, theirs: _str(ours).strip() == "invalid payload"
        and any(length > 96 for length in _rtc_lengths(case)),
    ),
    Known(
        "rtc-family-configurable", "cli",
        "5.0.15 refuses `ipv4 rtc` in family and add-path blocks ('invalid afi/safi pair ipv4/rtc') and has no "
        "syntax to originate RTC routes; RFC 4684 routes are configured and announced here (exabgp.config.rtc).",
        lambda case, ours, theirs: "ipv4 rtc" in _case_text(case) and "invalid afi/safi pair ipv4/rtc" in _str(theirs),
    ),
    Known(
        "rtc-family-in-decode", "decode",
        "`exabgp decode -f \"ipv4 rtc\"`: 5.0.15 builds its family list from a configuration that refuses ipv4 "
        "rtc, and prints 'invalid payload' whatever the payload; the family is accepted here.",
        lambda case, ours, theirs: "ipv4 rtc" in _case_text(case) and _str(theirs).strip() == "invalid payload"
        and '"ipv4 rtc"' in _str(ours),
    ),
    Known(
        "label-one-field-default-route", "decode",
        "RFC 8277 2.2: without the Multiple Labels Capability (we never announce it) a labeled NLRI has one "
        "label whose S bit MUST be ignored on reception; 2.4: a withdrawal's Compatibility field MUST be ignored. "
        "A label field followed by nothing but the RD is one label and the default route; 5.0.15 decides by the "
        "S bit (set, or the values 0x000000 and, withdrawing, 0x800000) and refuses the UPDATE otherwise (3/10).",
        _one_label_default_route,
    ),
]


def explain(area: str, case: Any, ours: Any, theirs: Any) -> Optional[str]:
    """The name of the known difference that explains `ours` != `theirs` for `case`, or None."""
    for known in KNOWN:
        if known.area == area and known.applies(case, ours, theirs):
            return known.name
    return None
