"""VPLS NLRI (l2vpn vpls, AFI 25 SAFI 65): the model, the wire codec and 5.0's text/JSON.

Implements RFC 4761 section 3.2.2: each NLRI is a 2-octet length (17) followed
by an 8-octet route distinguisher, the VE ID (2 octets), the VE block offset
(2 octets), the VE block size (2 octets) and the label base (3 octets: a
20-bit label, RFC 3032, shifted left by 4 bits).  ExaBGP 5.0 calls these
``rd``, ``endpoint``, ``offset``, ``size`` and ``base``; `VPLS.pack` writes
the label base with the bottom-of-stack bit set, as 5.0 sends it, and
decoding keeps the 20-bit label only (the low 4 bits are ignored, as 5.0
ignores them).  The NLRI carries no ADD-PATH path identifier.

Decoding raises `CodecError(3, 10)` (RFC 7606 section 7.1: the caller
treats the UPDATE as withdraw) on a truncated length, a length other than
17 or a length past the end of the section.  Departure from 5.0: 5.0.15
refuses a section holding more than one VPLS NLRI (it checks each length
against the whole rest of the section); `decode_vpls` reads any number, one
after the other, as RFC 4760 section 5 allows.  5.0 sends one VPLS NLRI per
UPDATE (`exabgp.rib.packing` does not group this family), so what this
build sends is read by 5.0.

Text and JSON follow ExaBGP 5.0.15's output: the text is ``vpls rd RD
endpoint N base N offset N size N`` followed by ``next-hop ADDRESS`` when
the caller gives one (what 5.0 logs and prints for routes); the JSON object
is ``{ "rd": ..., "endpoint": N, "base": N, "offset": N, "size": N }``,
without the next hop (5.0 prints it only as the key of the announce list).
"""

from exabgp.bgp.record import record

from exabgp.bgp import nlri_fields
from exabgp.bgp.nlri_fields import malformed
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.family import AFI_L2VPN, SAFI_VPLS

#: RFC 4761 section 3.2.2: the length field of every VPLS NLRI
NLRI_LENGTH = 17
_LENGTH_FIELD = 2
_BOTTOM_OF_STACK = 1
LABEL_MAX = 0xFFFFF
FIELD_MAX = 0xFFFF


@record(slots=True)
class VPLS(NLRI):
    """One VPLS NLRI (RFC 4761 section 3.2.2); `rd` is the 8 wire octets, `base` the 20-bit label."""

    afi = AFI_L2VPN
    safi = SAFI_VPLS
    route_type = "l2vpn"

    rd: bytes
    endpoint: int
    offset: int
    size: int
    base: int
    path_id: int | None = None  # RFC 7911, when the session negotiated ADD-PATH for the family

    def pack(self) -> bytes:
        """The NLRI as on the wire: length 17, RD, VE ID, VE block offset, VE block size, label base."""
        return (
            NLRI_LENGTH.to_bytes(2, "big")
            + self.rd
            + self.endpoint.to_bytes(2, "big")
            + self.offset.to_bytes(2, "big")
            + self.size.to_bytes(2, "big")
            + ((self.base << 4) | _BOTTOM_OF_STACK).to_bytes(3, "big")
        )

    def text(self, nexthop: str = "") -> str:
        """5.0's text: ``vpls rd RD endpoint N base N offset N size N [next-hop ADDRESS]``."""
        text = (
            f"vpls rd {nlri_fields.rd_text(self.rd)} endpoint {self.endpoint} base {self.base} "
            f"offset {self.offset} size {self.size}"
        )
        return f"{text} next-hop {nexthop}" if nexthop else text

    def api_text(self, nexthop) -> str:
        """`text`, then ``next-hop`` and the next hop of an announcement; 5.0 ends a withdrawal with a space."""
        return self.text() + (" " if nexthop is None else f" next-hop {nexthop}")

    def spec(self) -> str:
        """The configuration's flat form: `text` without its first word (``vpls``)."""
        return self.text().split(" ", 1)[1]

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI (the next hop is not in it)."""
        return (
            f'{{ "rd": "{nlri_fields.rd_text(self.rd)}", "endpoint": {self.endpoint}, "base": {self.base}, '
            f'"offset": {self.offset}, "size": {self.size} }}'
        )


def decode_vpls(octets, addpath: bool = False) -> list:
    """Every `VPLS` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part), each after its
    path identifier with `addpath` (RFC 7911)."""
    return nlri_fields.nlri_items(
        octets, "l2vpn vpls", addpath, _LENGTH_FIELD, _vpls, _vpls_length, "l2vpn vpls NLRI length truncated"
    )


def _vpls_length(data: bytes, position: int):
    """(length, start) of the NLRI whose 2-octet length is at `position`; any length but 17 is refused."""
    length = int.from_bytes(data[position : position + _LENGTH_FIELD], "big")
    if length != NLRI_LENGTH:
        raise malformed(f"l2vpn vpls NLRI length {length} is not {NLRI_LENGTH}")
    return length, position + _LENGTH_FIELD


def _vpls(_data: bytes, _position: int, body: bytes, path_id) -> VPLS:
    """The `VPLS` of the 17 octets after its length."""
    return VPLS(
        body[0:8],
        int.from_bytes(body[8:10], "big"),
        int.from_bytes(body[10:12], "big"),
        int.from_bytes(body[12:14], "big"),
        int.from_bytes(body[14:17], "big") >> 4,
        path_id,
    )
