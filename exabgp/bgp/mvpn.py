"""MCAST-VPN NLRI (ipv4|ipv6 mcast-vpn, SAFI 5): the model, the wire codec and 5.0's text/JSON.

Implements RFC 6514 section 4: each NLRI is a route type (1 octet), a length
(1 octet) and the route type specific octets.  The route types ExaBGP 5.0
understands (section 4.5 and 4.6) are

* 5, Source Active A-D: RD (8), Multicast Source Length (1, in bits), Multicast
  Source, Multicast Group Length (1), Multicast Group;
* 6, C-multicast Shared Tree Join, and 7, C-multicast Source Tree Join: RD
  (8), Source AS (4), then the same source (for type 6 the RP) and group.

Source and group are both IPv4 (length 32) or both IPv6 (length 128): the
body is 18 or 42 octets for type 5, 22 or 46 for types 6 and 7, as 5.0
checks it.  The other route types (1 to 4) are kept as their octets and
printed as 5.0 prints them (``"parsed": false``).  `MVPN` holds the route
type and its octets, so two NLRI are equal when their wire forms are; the
fields are read from the octets.  The NLRI carries no ADD-PATH path
identifier (5.0 neither negotiates nor sends one for this family).

`decode_mvpn` raises `CodecError(3, 10)` (RFC 7606 section 7: treat as
withdraw) on a truncated header, a length past the end of the section, a
known route type of the wrong size, and an address length other than 32 or
128 bits.  Departure from 5.0: 5.0.15 raises 3/5 for a known route type of
the wrong size; RFC 7606 section 5.3 makes every NLRI error 3/10 here.

Text and JSON follow ExaBGP 5.0.15: `MVPN.text` is 5.0's name for the route
(``mvpn:shared-join::RD:AS:RP:GROUP``, ``mvpn:source-join::RD:AS:SOURCE:GROUP``,
``mvpn:sourcead::RD:SOURCE:GROUP``, ``mvpn:unknown:0x<hex>``), `MVPN.json`
its NLRI object (``code``, ``parsed``, ``raw``, ``name``, then ``rd``,
``source-as`` as a string, ``source``, ``group``; 5.0 closes it without a
space).  `MVPN.spec` is the configuration form (``shared-join rp ADDRESS
group ADDRESS rd RD source-as N``) `exabgp.config.mvpn` reads back.
"""

from exabgp.bgp.record import record

from exabgp.bgp import nlri_fields
from exabgp.bgp.nlri_fields import ADDRESS_BITS, RD_SIZE, malformed
from exabgp.bgp.nlri_base import TypedNLRI
from exabgp.bgp.family import SAFI_MCAST_VPN

# RFC 6514 section 4 route types (those 5.0 decodes and originates)
SOURCE_ACTIVE_AD = 5
SHARED_TREE_JOIN = 6
SOURCE_TREE_JOIN = 7

#: route type -> (5.0's JSON name, 5.0's text name, configuration keyword, keyword of the source, Source AS?)
ROUTE_TYPES = {
    SOURCE_ACTIVE_AD: ("Source Active A-D Route", "sourcead", "source-ad", "source", False),
    SHARED_TREE_JOIN: ("C-Multicast Shared Tree Join route", "shared-join", "shared-join", "rp", True),
    SOURCE_TREE_JOIN: ("C-Multicast Source Tree Join route", "source-join", "source-join", "source", True),
}
#: configuration keyword -> route type
KEYWORDS = {entry[2]: code for code, entry in ROUTE_TYPES.items()}
_SOURCE_AS = 4
ASN_MAX = 0xFFFFFFFF


@record(slots=True)
class MVPN(TypedNLRI):
    """One MCAST-VPN NLRI: its AFI, route type and route type specific octets (RFC 6514 section 4)."""

    safi = SAFI_MCAST_VPN

    afi: int
    code: int
    body: bytes
    path_id: int | None = None  # RFC 7911, when the session negotiated ADD-PATH for the family

    def _fields(self):
        """(rd, source AS or None, source, group) of a route type 5.0 decodes."""
        body = self.body
        position = RD_SIZE
        source_as = None
        if ROUTE_TYPES[self.code][4]:
            source_as = int.from_bytes(body[RD_SIZE : RD_SIZE + _SOURCE_AS], "big")
            position += _SOURCE_AS
        size = body[position] // 8
        source = body[position + 1 : position + 1 + size]
        group = body[position + 2 + size :]
        return body[:RD_SIZE], source_as, nlri_fields.address_text(source), nlri_fields.address_text(group)

    def text(self) -> str:
        """5.0's name of this route (its logs, ``exabgp validate``)."""
        if self.code not in ROUTE_TYPES:
            return f"mvpn:unknown:0x{self.body.hex()}"
        rd, source_as, source, group = self._fields()
        middle = "" if source_as is None else f"{source_as}:"
        return f"mvpn:{ROUTE_TYPES[self.code][1]}::{nlri_fields.rd_text(rd)}:{middle}{source}:{group}"

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI (the next hop is not in it)."""
        raw = self.pack().hex().upper()
        if self.code not in ROUTE_TYPES:
            return f'{{ "code": {self.code}, "parsed": false, "raw": "{raw}" }}'
        rd, source_as, source, group = self._fields()
        source_as = "" if source_as is None else f'"source-as": "{source_as}", '
        return (
            f'{{ "code": {self.code}, "parsed": true, "raw": "{raw}", "name": "{ROUTE_TYPES[self.code][0]}", '
            f'"rd": "{nlri_fields.rd_text(rd)}", {source_as}"source": "{source}", "group": "{group}"}}'
        )

    def spec(self) -> str:
        """The configuration form of a route type 5.0 originates (the words after ``mcast-vpn``)."""
        _name, _short, keyword, source_word, _has_as = ROUTE_TYPES[self.code]
        rd, source_as, source, group = self._fields()
        text = f"{keyword} {source_word} {source} group {group} rd {nlri_fields.rd_text(rd)}"
        return text if source_as is None else f"{text} source-as {source_as}"


def build(afi: int, code: int, rd: bytes, source: bytes, group: bytes, source_as: int | None = None) -> MVPN:
    """The `MVPN` of a route type 5, 6 or 7 (`source_as` for 6 and 7; addresses of one size)."""
    body = rd
    if ROUTE_TYPES[code][4]:
        if source_as is None:
            raise ValueError(f"an MCAST-VPN route of type {code} needs a source AS")
        body += source_as.to_bytes(_SOURCE_AS, "big")
    body += bytes((len(source) * 8,)) + source + bytes((len(group) * 8,)) + group
    return MVPN(afi, code, body)


def _check(code: int, body: bytes) -> None:
    """RFC 6514 sections 4.5 and 4.6: the layout of a known route type (the others are not checked)."""
    if code not in ROUTE_TYPES:
        return
    position = RD_SIZE + (_SOURCE_AS if ROUTE_TYPES[code][4] else 0)
    name = ROUTE_TYPES[code][0]
    sizes = []
    for field in ("Multicast Source", "Multicast Group"):
        if position >= len(body):
            raise malformed(f"{name} too short for its {field} Length")
        bits = body[position]
        if bits not in ADDRESS_BITS:
            raise malformed(f"{name} {field} length {bits} bits (32 or 128)")
        sizes.append(bits)
        position += 1 + bits // 8
    if position != len(body):
        raise malformed(f"{name} of {len(body)} octets does not match its Multicast Source and Group")
    if sizes[0] != sizes[1]:
        raise malformed(f"{name} mixes an IPv4 and an IPv6 address")


def decode_mvpn(afi: int, octets, addpath: bool = False) -> list:
    """Every `MVPN` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part), each after its
    path identifier with `addpath` (RFC 7911); the section is framed whole before the route types
    are checked."""
    return nlri_fields.typed_items(
        octets,
        "mcast-vpn",
        addpath,
        lambda data, position, body, path_id: MVPN(afi, data[position], body, path_id),
        _check,
    )
