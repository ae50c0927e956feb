"""Label framing against ExaBGP 5.0.15 itself: `exabgp decode` of labeled and VPN UPDATEs, ours and the oracle's.

Each case is an UPDATE of ipv4 / ipv6 nlri-mpls (SAFI 4) or mpls-vpn (SAFI
128), announcing or withdrawing, with or without ADD-PATH (``-i``), whose
NLRI starts with one label field (S bit set or clear, the Compatibility
values 0x800000 and 0x000000, others) or a stack of two or three labels, over
a prefix that the field leaves or not.  Both programs decode it; the outputs
must be the same text (the envelope's volatile fields masked), except where
`qa.differential.known` explains the difference ("label-one-field-default-route":
5.0.15 refuses, we decode the default route, RFC 8277 2.2 / 2.4).
"""

import dataclasses
import re
import subprocess

import pytest

from exabgp.cli.main import main
from qa import oracle
from qa.differential import known

pytestmark = pytest.mark.slow  # runs ExaBGP 5.0.15 (the oracle) for every vector

RD = bytes.fromhex("0000fde800000001")
NEXTHOP = {1: bytes((192, 0, 2, 1)), 2: bytes.fromhex("20010db8000000000000000000000001")}
PREFIX = {1: (24, bytes.fromhex("0a0000")), 2: (32, bytes.fromhex("20010db8"))}
VOLATILE = re.compile(r'"(time|host|pid|ppid)" ?: ?("[^"]*"|[0-9.e+-]+)')


@dataclasses.dataclass(frozen=True)
class Case:
    """One ``exabgp decode`` command line: its options and the message (`args` is what the known table reads)."""

    options: tuple
    message: bytes
    known: str = None  # the entry of the known table that explains how the outputs differ, if they do

    @property
    def args(self) -> list:
        return [*self.options, self.message.hex()]


def update(afi: int, safi: int, stack: tuple, default: bool, withdraw: bool, path_id) -> bytes:
    bits, prefix = (0, b"") if default else PREFIX[afi]
    extra = b"".join(value.to_bytes(3, "big") for value in stack) + (RD if safi == 128 else b"")
    nlri = (b"" if path_id is None else path_id.to_bytes(4, "big")) + bytes([bits + 8 * len(extra)]) + extra + prefix
    if withdraw:
        value = afi.to_bytes(2, "big") + bytes([safi]) + nlri
        attributes = bytes((0x80, 15, len(value))) + value
    else:
        nexthop = (bytes(8) if safi == 128 else b"") + NEXTHOP[afi]
        value = afi.to_bytes(2, "big") + bytes([safi, len(nexthop)]) + nexthop + b"\x00" + nlri
        attributes = bytes.fromhex("40010100400200") + bytes((0x80, 14, len(value))) + value
    body = bytes(2) + len(attributes).to_bytes(2, "big") + attributes
    return b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + b"\x02" + body


#: (label fields, a /0 rather than the family's prefix, a withdrawal, the path identifier, the known difference)
SHAPES = [
    ((0x001230,), False, False, None, None),  # one label, S bit clear
    ((0x123450,), False, True, 7, None),  # a withdrawal's Compatibility field, ADD-PATH
    ((0x001230, 0x004561), False, False, None, None),  # an RFC 3107 stack of two labels
    ((0x800000, 0x004561), False, True, None, None),  # 0x800000 first in a withdrawal
    ((0x001230,), True, True, None, "label-one-field-default-route"),  # one label, S bit clear, and a /0
]

CASES = [
    Case(("-i",) if path_id is not None else (), update(afi, safi, stack, default, withdraw, path_id), name)
    for afi in (1, 2)
    for safi in (4, 128)
    for stack, default, withdraw, path_id, name in SHAPES
]


def ours(case: Case, capsys) -> tuple:
    code = main(["decode", *case.args])
    return code, VOLATILE.sub("V", capsys.readouterr().out)


def theirs(case: Case, program: str) -> tuple:
    result = subprocess.run([program, "decode", *case.args], capture_output=True, text=True, timeout=60)
    return result.returncode, VOLATILE.sub("V", result.stdout)


@pytest.mark.parametrize("case", CASES, ids=[case.message.hex()[38:] + " " + " ".join(case.options) for case in CASES])
def test_decode_as_exabgp_5_or_a_known_difference(case, capsys):
    reference = oracle.require_oracle()
    mine, reference_output = ours(case, capsys), theirs(case, reference)
    assert known.explain("decode", case, mine, reference_output) == case.known
    if case.known is None:
        assert mine == reference_output
    else:
        assert reference_output[0] != 0 and "invalid payload" in reference_output[1]
        assert mine[0] == 0 and '/0", "label": [ [291] ]' in mine[1]
