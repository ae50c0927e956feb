"""Random UPDATE messages of every family, valid and malformed, from a seed.

`messages(seed, count)` returns `count` `Generated` messages: whole UPDATEs
(marker and header included) built from random routes with our own
encoders (`exabgp.bgp.nlri.encode` for the prefix families, the NLRI
objects' ``pack()`` for FlowSpec, VPLS, MCAST-VPN, MUP, EVPN, BGP-LS,
RTC's ``build``, `exabgp._codec.encode_attribute` for the path attributes), so that a
divergence points at a decoder rather than at the generator.  Each message:

* is of one family (every family ExaBGP 5.0 decodes, in turn: BGP-LS-VPN,
  whose NLRI this build keeps raw, aside), announced (the IPv4
  NLRI field, else MP_REACH_NLRI with a next hop of the family's size) or
  withdrawn (the withdrawn routes field, else MP_UNREACH_NLRI), with one to
  three NLRI, with 4-octet path identifiers (RFC 7911) one time in three
  (`addpath` says so);
* carries a random subset of path attributes (ORIGIN, AS_PATH with 4-octet
  ASNs, MED, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES,
  ORIGINATOR_ID, CLUSTER_LIST, extended and large communities, AIGP, an
  unknown optional transitive one);
* one time in four is then made malformed (`malformed` names how): an
  octet flipped, an octet dropped or added inside the body, the body cut,
  an attribute length off by one; the header length always matches the
  message (a wrong header length is a framing matter, not a decoding one).

The same seed gives the same messages: a divergence found by a long run is
replayed with its seed.
"""

import dataclasses
import random

from exabgp import _codec
from exabgp._codec.tables import EXTENDED_LENGTH
from exabgp.bgp import attribute as attr
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp import record
from exabgp.bgp.bgpls import BGPLS
from exabgp.bgp.evpn import EVPN
from exabgp.bgp.family import (
    BGPLS as KIND_BGPLS,
    EVPN as KIND_EVPN,
    FAMILIES,
    FLOW as KIND_FLOW,
    LABELED,
    MUP as KIND_MUP,
    MVPN as KIND_MVPN,
    RTC as KIND_RTC,
    VPLS as KIND_VPLS,
    VPN,
    family_name,
)
from exabgp.bgp.flow import Flow
from exabgp.bgp.mup import MUP
from exabgp.bgp.mvpn import MVPN
from exabgp.bgp.rtc import build as rtc_build
from exabgp.bgp.vpls import VPLS

MARKER = b"\xff" * 16
UPDATE = 2

#: the families generated: every one whose NLRI this build decodes, in (AFI, SAFI) order
GENERATED_FAMILIES = tuple(sorted(pair for pair, (_name, kind) in FAMILIES.items() if kind is not None))

_BOTTOM_OF_STACK = 1


@dataclasses.dataclass(frozen=True)
class Generated:
    """One generated UPDATE: the whole message, its family, and how it was made."""

    message: bytes
    family: tuple  # (afi, safi)
    addpath: bool  # its NLRI carry path identifiers
    malformed: str  # "" for a valid message, else the mutation applied
    nlri: bytes = b""  # the NLRI section as encoded (before any mutation): what ``decode -n`` reads

    @property
    def family_text(self) -> str:
        return family_name(*self.family)


def _address(rng: random.Random, afi: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(4 if afi == 1 else 16))


def _rd(rng: random.Random) -> bytes:
    kind = rng.choice((0, 1, 2))
    if kind == 0:
        return bytes((0, 0)) + rng.getrandbits(16).to_bytes(2, "big") + rng.getrandbits(32).to_bytes(4, "big")
    if kind == 1:
        return bytes((0, 1)) + _address(rng, 1) + rng.getrandbits(16).to_bytes(2, "big")
    return bytes((0, 2)) + rng.getrandbits(32).to_bytes(4, "big") + rng.getrandbits(16).to_bytes(2, "big")


def _prefix_bits(rng: random.Random, afi: int):
    """``(length, octets)`` of a prefix whose host bits are zero."""
    width = 32 if afi == 1 else 128
    length = rng.randint(0, width)
    value = rng.getrandbits(width) >> (width - length) << (width - length) if length else 0
    return length, value.to_bytes(width // 8, "big")


def _prefixes(rng: random.Random, afi: int, safi: int, kind: int, count: int) -> list:
    found = []
    for _ in range(count):
        length, address = _prefix_bits(rng, afi)
        labels = rd = None
        if kind in (LABELED, VPN):
            stack = [rng.getrandbits(20) << 4 for _ in range(rng.randint(1, 2))]
            stack[-1] |= _BOTTOM_OF_STACK
            labels = tuple(stack)
        if kind == VPN:
            rd = _rd(rng)
        found.append(nlri_module.Prefix(afi, safi, None, length, address, labels, rd))
    return found


def _flow(rng: random.Random, afi: int, safi: int) -> Flow:
    components = []
    for code in sorted(rng.sample(range(1, 13 if afi == 1 else 14), rng.randint(1, 4))):
        if code in (1, 2):
            length, address = _prefix_bits(rng, afi)
            components.append((code, (address[: (length + 7) // 8], length, 0)))
        elif code in (9, 12):
            maximum = 0xFF if code == 12 else 0xFFF
            terms = tuple(
                (rng.choice((0, 1, 2, 3)) | (0x40 if index and rng.random() < 0.5 else 0), rng.randint(0, maximum))
                for index in range(rng.randint(1, 2))
            )
            components.append((code, terms))
        else:
            maximum = 0xFF if code in (3, 7, 8, 11) else 0xFFFF
            if code == 13:
                maximum = 0xFFFFF
            terms = tuple(
                (
                    rng.choice((1, 2, 3, 4, 5, 6)) | (0x40 if index and rng.random() < 0.5 else 0),
                    rng.randint(0, maximum),
                )
                for index in range(rng.randint(1, 3))
            )
            components.append((code, terms))
    rd = _rd(rng) if safi == 134 else b""
    return Flow(afi, safi, rd, tuple(components))


def _evpn(rng: random.Random) -> EVPN:
    rd, esi, tag = _rd(rng), bytes(rng.getrandbits(8) for _ in range(10)), rng.getrandbits(32).to_bytes(4, "big")
    label = (rng.getrandbits(20) << 4 | 1).to_bytes(3, "big")
    address = rng.choice((b"", _address(rng, 1), _address(rng, 2)))
    code = rng.randint(1, 5)
    if code == 1:
        body = rd + esi + tag + label
    elif code == 2:
        mac = bytes(rng.getrandbits(8) for _ in range(6))
        body = rd + esi + tag + bytes((48,)) + mac + bytes((len(address) * 8,)) + address + label
    elif code == 3:
        address = address or _address(rng, 1)
        body = rd + tag + bytes((len(address) * 8,)) + address
    elif code == 4:
        address = address or _address(rng, 1)
        body = rd + esi + bytes((len(address) * 8,)) + address
    else:
        afi = rng.choice((1, 2))
        length, prefix = _prefix_bits(rng, afi)
        body = rd + esi + tag + bytes((length,)) + prefix + _address(rng, afi) + label
    return EVPN(code, body)


def _mvpn(rng: random.Random, afi: int) -> MVPN:
    code = rng.choice((5, 6, 7))
    width = 32 if afi == 1 else 128
    sources = bytes((width,)) + _address(rng, afi) + bytes((width,)) + _address(rng, afi)
    if code == 5:
        return MVPN(afi, code, _rd(rng) + sources)
    return MVPN(afi, code, _rd(rng) + rng.getrandbits(32).to_bytes(4, "big") + sources)


def _mup(rng: random.Random, afi: int) -> MUP:
    if rng.random() < 0.5:
        length, prefix = _prefix_bits(rng, afi)
        return MUP(afi, 1, 1, _rd(rng) + bytes((length,)) + prefix[: (length + 7) // 8])
    return MUP(afi, 1, 2, _rd(rng) + _address(rng, afi))


def _tlv(code: int, value: bytes) -> bytes:
    return code.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value


def _bgpls(rng: random.Random) -> BGPLS:
    """A node (1), link (2) or IPv4 prefix (3) NLRI (RFC 9552 section 5.2) of OSPF (protocol 3)."""

    def node(code):
        return _tlv(
            code,
            _tlv(512, rng.getrandbits(32).to_bytes(4, "big"))
            + _tlv(514, _address(rng, 1))
            + _tlv(515, _address(rng, 1)),
        )

    head = bytes((3,)) + rng.getrandbits(64).to_bytes(8, "big")
    code = rng.randint(1, 3)
    if code == 1:
        return BGPLS(1, head + node(256))
    if code == 2:
        return BGPLS(2, head + node(256) + node(257) + _tlv(259, _address(rng, 1)) + _tlv(260, _address(rng, 1)))
    length, prefix = _prefix_bits(rng, 1)
    return BGPLS(3, head + node(256) + _tlv(265, bytes((length,)) + prefix[: (length + 7) // 8]))


def _objects(rng: random.Random, afi: int, safi: int, kind: int, count: int) -> list:
    if kind == KIND_FLOW:
        return [_flow(rng, afi, safi) for _ in range(count)]
    if kind == KIND_VPLS:
        return [VPLS(_rd(rng), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(20))]
    if kind == KIND_EVPN:
        return [_evpn(rng) for _ in range(count)]
    if kind == KIND_MVPN:
        return [_mvpn(rng, afi) for _ in range(count)]
    if kind == KIND_MUP:
        return [_mup(rng, afi) for _ in range(count)]
    if kind == KIND_BGPLS:
        return [_bgpls(rng) for _ in range(count)]
    if kind == KIND_RTC:
        return [
            rtc_build(rng.getrandbits(32), rng.getrandbits(64).to_bytes(8, "big"), rng.choice((0, 32, 64, 96)))
            for _ in range(count)
        ]
    return _prefixes(rng, afi, safi, kind, count)


def _with_path_ids(rng: random.Random, items: list) -> list:
    return [
        record.replace(item, path_id=rng.getrandbits(32))
        if not isinstance(item, nlri_module.Prefix)
        else nlri_module.Prefix(item.afi, item.safi, rng.getrandbits(32), item.plen, item.addr, item.labels, item.rd)
        for item in items
    ]


def _nexthop(rng: random.Random, afi: int, safi: int) -> bytes:
    sizes, rd_size = nlri_module.NEXTHOP_SIZES[(afi, safi)]
    size = rng.choice(sizes)
    if size == 0:
        return b""
    address = size - rd_size
    if address == 32:
        link_local = b"\xfe\x80" + bytes(6) + bytes(rng.getrandbits(8) for _ in range(8))
        return bytes(rd_size) + _address(rng, 2) + link_local
    return bytes(rd_size) + _address(rng, 1 if address == 4 else 2)


def _as_path(rng: random.Random) -> bytes:
    segments = b""
    for _ in range(rng.randint(0, 2)):
        asns = [rng.choice((rng.randint(1, 0xFFFF), rng.randint(1, 0xFFFFFFFF))) for _ in range(rng.randint(1, 4))]
        segments += bytes((rng.choice((1, 2, 2, 2)), len(asns))) + b"".join(a.to_bytes(4, "big") for a in asns)
    return segments


def _attributes(rng: random.Random, ipv4_nexthop: bool) -> bytes:
    """A random set of path attributes, in code order, each with its usual flags."""
    well_known, optional, transitive = attr.TRANSITIVE, attr.OPTIONAL, attr.OPTIONAL | attr.TRANSITIVE
    table = [
        (1, well_known, lambda: bytes((rng.choice((0, 1, 2)),))),
        (2, well_known, lambda: _as_path(rng)),
        (4, optional, lambda: rng.getrandbits(32).to_bytes(4, "big")),
        (5, well_known, lambda: rng.getrandbits(32).to_bytes(4, "big")),
        (6, well_known, lambda: b""),
        (7, transitive, lambda: rng.getrandbits(32).to_bytes(4, "big") + _address(rng, 1)),
        (8, transitive, lambda: b"".join(rng.getrandbits(32).to_bytes(4, "big") for _ in range(rng.randint(1, 3)))),
        (9, optional, lambda: _address(rng, 1)),
        (10, optional, lambda: b"".join(_address(rng, 1) for _ in range(rng.randint(1, 3)))),
        (
            16,
            transitive,
            lambda: b"".join(
                bytes((rng.choice((0, 1, 2, 0x40, 0x80)), rng.choice((2, 3, 6, 7, 8))))
                + bytes(rng.getrandbits(8) for _ in range(6))
                for _ in range(rng.randint(1, 3))
            ),
        ),
        (26, optional, lambda: bytes((1, 0, 11)) + rng.getrandbits(64).to_bytes(8, "big")),
        (
            32,
            transitive,
            lambda: b"".join(bytes(rng.getrandbits(8) for _ in range(12)) for _ in range(rng.randint(1, 2))),
        ),
        (99, transitive, lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 6)))),
    ]
    section = b""
    for code, flags, value in table:
        if code in (1, 2) or rng.random() < 0.3:
            section += _codec.encode_attribute(code, flags, value())
        if code == 2 and ipv4_nexthop:
            section += _codec.encode_attribute(3, well_known, _address(rng, 1))
    return section


def _frame(body: bytes) -> bytes:
    return MARKER + (19 + len(body)).to_bytes(2, "big") + bytes((UPDATE,)) + body


def _body(withdrawn: bytes, attributes: bytes, announced: bytes) -> bytes:
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(attributes).to_bytes(2, "big") + attributes + announced


def _malform(rng: random.Random, body: bytes):
    """`body` with one random mutation, and its name."""
    how = rng.choice(("flip", "drop", "insert", "cut", "length"))
    position = rng.randrange(len(body))
    if how == "flip":
        return body[:position] + bytes((body[position] ^ (1 << rng.randrange(8)),)) + body[position + 1 :], how
    if how == "drop":
        return body[:position] + body[position + 1 :], how
    if how == "insert":
        return body[:position] + bytes((rng.getrandbits(8),)) + body[position:], how
    if how == "cut":
        return body[: max(position, 4)], how
    withdrawn = int.from_bytes(body[0:2], "big")
    start = 4 + withdrawn
    end = start + int.from_bytes(body[2 + withdrawn : 4 + withdrawn], "big")
    positions = []
    while start + 3 <= end:
        flags = body[start]
        extended = flags & EXTENDED_LENGTH
        size = int.from_bytes(body[start + 2 : start + 4], "big") if extended else body[start + 2]
        positions.append((start + 2, extended))
        start += (4 if extended else 3) + size
    if not positions:
        return body[:position], "cut"
    where, extended = rng.choice(positions)
    width = 2 if extended else 1
    value = (int.from_bytes(body[where : where + width], "big") + rng.choice((-1, 1))) % (1 << (8 * width))
    return body[:where] + value.to_bytes(width, "big") + body[where + width :], how


def message(rng: random.Random, family: tuple) -> Generated:
    """One random UPDATE of `family` (see the module docstring)."""
    afi, safi = family
    kind = FAMILIES[family][1]
    items = _objects(rng, afi, safi, kind, rng.randint(1, 3))
    addpath = rng.random() < 1 / 3
    if addpath:
        items = _with_path_ids(rng, items)
    octets = nlri_module.encode(afi, safi, items, addpath)
    announce = rng.random() < 0.7
    if family == (1, 1) and rng.random() < 0.5:
        attributes = _attributes(rng, announce)
        body = _body(b"", attributes, octets) if announce else _body(octets, attributes, b"")
    elif announce:
        nexthop = _nexthop(rng, afi, safi)
        value = afi.to_bytes(2, "big") + bytes((safi, len(nexthop))) + nexthop + b"\x00" + octets
        body = _body(b"", _attributes(rng, False) + _codec.encode_attribute(14, attr.OPTIONAL, value), b"")
    else:
        value = afi.to_bytes(2, "big") + bytes((safi,)) + octets
        attributes = _attributes(rng, False) if rng.random() < 0.5 else b""
        body = _body(b"", attributes + _codec.encode_attribute(15, attr.OPTIONAL, value), b"")
    malformed = ""
    if rng.random() < 0.25:
        body, malformed = _malform(rng, body)
    return Generated(_frame(body), family, addpath, malformed, octets)


def messages(seed: int, count: int) -> list:
    """`count` messages from `seed`, the families in turn."""
    rng = random.Random(seed)
    return [message(rng, GENERATED_FAMILIES[index % len(GENERATED_FAMILIES)]) for index in range(count)]
