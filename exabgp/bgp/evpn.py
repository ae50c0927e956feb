"""EVPN NLRI (l2vpn evpn, AFI 25 SAFI 70): the model, the wire codec and 5.0's text/JSON.  Decode only.

Implements RFC 7432 section 7: each NLRI is a route type (1 octet), a
length (1 octet) and the route type specific octets.  The route types
ExaBGP 5.0 understands are

* 1, Ethernet Auto-Discovery (section 7.1): RD (8), ESI (10), Ethernet Tag
  (4), MPLS Label (3; 5.0 takes a route without one, and any further whole
  labels, but reads the first only);
* 2, MAC/IP Advertisement (section 7.2): RD, ESI, Ethernet Tag, MAC Address
  Length (1, 48 bits), MAC Address (6), IP Address Length (1: 0, 32 or 128
  bits), IP Address, MPLS Label1 (3), optional MPLS Label2 (3, not printed);
* 3, Inclusive Multicast Ethernet Tag (section 7.3): RD, Ethernet Tag, IP
  Address Length (32 or 128), Originating Router's IP Address;
* 4, Ethernet Segment (section 7.4): RD, ESI, IP Address Length (32 or
  128), Originating Router's IP Address;
* 5, IP Prefix (RFC 9136 section 3.1): RD, ESI, Ethernet Tag, IP Prefix
  Length (1), IP Prefix, Gateway IP Address, MPLS Label; both addresses are
  IPv4 (34 octets) or IPv6 (58 octets), the prefix length is printed as
  sent.

The other route types are kept as their octets and printed as 5.0 prints
them (``"parsed": false``).  `EVPN` holds the route type and its octets, so
two NLRI are equal when their wire forms are (5.0 leaves some fields, the
ESI of a type 4 route for one, out of its comparison: here they count); the
fields are read from the octets.  The NLRI carries no ADD-PATH path
identifier (5.0 neither negotiates nor sends one for this family).

`decode_evpn` raises `CodecError(3, 10)` (RFC 7606 section 7: treat as
withdraw) on a truncated header, a length past the end of the section, and
a known route type whose octets do not fit its layout.  Departure from 5.0:
5.0.15 raises 3/5 for some of those (a MAC length other than 48, a route
type 2 or 5 of the wrong size, an Ethernet Segment address length other
than 32 or 128); RFC 7606 section 5.3 makes every NLRI error 3/10 here.

Text and JSON follow ExaBGP 5.0.15.  `EVPN.text` is 5.0's name for the route
(``evpn:ethernetad::RD:ESI:TAG:LABEL``, ``evpn:macadv::RD:ESI:TAG:MAC/48:IP:LABEL``,
``evpn:multicast::RD:TAG:IP``, ``evpn:segment::RD:ESI:IP``,
``evpn:prfxadv::RD:ESI:TAG:PREFIX/LEN:GATEWAY:LABEL``, ``evpn:unknown:0x<hex>``;
the label part is `` label N`` then `` (RAW)`` when the three label octets
are not zero).  `EVPN.json` is its NLRI object: ``code``, ``parsed``,
``raw``, ``name``, then the route type's fields (an ESI of zeros is
``"-"``, another one lower-case colon-separated hex; the MAC upper-case;
``label`` is ``[ [N] ]`` or ``[ [N, RAW] ]``).
"""

from exabgp.bgp.record import record

from exabgp.bgp import nlri_fields
from exabgp.bgp.nlri_fields import ADDRESS_BITS, RD_SIZE, malformed
from exabgp.bgp.nlri_base import TypedNLRI
from exabgp.bgp.family import AFI_L2VPN, SAFI_EVPN

# RFC 7432 section 7 and RFC 9136 section 3 route types
ETHERNET_AD = 1
MAC_IP_ADVERTISEMENT = 2
INCLUSIVE_MULTICAST = 3
ETHERNET_SEGMENT = 4
IP_PREFIX = 5

#: route type -> (5.0's JSON name, 5.0's text name)
ROUTE_TYPES = {
    ETHERNET_AD: ("Ethernet Auto-Discovery", "ethernetad"),
    MAC_IP_ADVERTISEMENT: ("MAC/IP advertisement", "macadv"),
    INCLUSIVE_MULTICAST: ("Inclusive Multicast Ethernet Tag", "multicast"),
    ETHERNET_SEGMENT: ("Ethernet Segment", "segment"),
    IP_PREFIX: ("IP Prefix Advertisement", "prfxadv"),
}
_ESI = 10
_TAG = 4
_LABEL = 3
_MAC_BITS = 48
#: RFC 9136 section 3.1: route type 5 sizes, per address size
_IP_PREFIX_SIZES = {34: 4, 58: 16}
_NO_ESI = bytes(_ESI)


def _esi_text(esi: bytes) -> str:
    return "-" if esi == _NO_ESI else ":".join(f"{octet:02x}" for octet in esi)


def _tag(octets: bytes) -> int:
    return int.from_bytes(octets, "big")


def _label_json(label: bytes) -> str:
    """5.0's ``"label"`` member of the first label (empty when there is none)."""
    if not label:
        return ""
    raw = int.from_bytes(label, "big")
    return f'"label": [ [{raw >> 4}{f", {raw}" if raw else ""}] ]'


def _label_text(label: bytes) -> str:
    if not label:
        return ""
    raw = int.from_bytes(label, "big")
    return f" label {raw >> 4}{f' ({raw})' if raw else ''}"


@record(slots=True)
class EVPN(TypedNLRI):
    """One EVPN NLRI: its route type and route type specific octets (RFC 7432 section 7)."""

    afi = AFI_L2VPN
    safi = SAFI_EVPN
    route_type = "l2vpn"

    code: int
    body: bytes
    path_id: int | None = None  # RFC 7911, when the session negotiated ADD-PATH for the family

    def _fields(self):
        """(JSON members, text) of a route type 5.0 decodes."""
        body = self.body
        rd = nlri_fields.rd_text(body[:RD_SIZE])
        if self.code == ETHERNET_AD:
            esi, tag, label = _esi_text(body[8:18]), _tag(body[18:22]), body[22:25]
            return (
                [f'"rd": "{rd}"', f'"esi": "{esi}"', f'"ethernet-tag": {tag}', _label_json(label)],
                f"{rd}:{esi}:{tag}:{_label_text(label)}",
            )
        if self.code == MAC_IP_ADVERTISEMENT:
            esi, tag = _esi_text(body[8:18]), _tag(body[18:22])
            mac = ":".join(f"{octet:02X}" for octet in body[23:29])
            size = body[29] // 8
            ip = nlri_fields.address_text(body[30 : 30 + size]) if size else ""
            label = body[30 + size : 33 + size]
            members = [
                f'"rd": "{rd}"',
                f'"esi": "{esi}"',
                f'"ethernet-tag": {tag}',
                f'"mac": "{mac}"',
                _label_json(label),
                f'"ip": "{ip}"' if ip else "",
            ]
            return members, f"{rd}:{esi}:{tag}:{mac}/{_MAC_BITS}:{ip}:{_label_text(label)}"
        if self.code == INCLUSIVE_MULTICAST:
            tag, ip = _tag(body[8:12]), nlri_fields.address_text(body[13:])
            return [f'"rd": "{rd}"', f'"ethernet-tag": {tag}', f'"ip": "{ip}"'], f"{rd}:{tag}:{ip}"
        if self.code == ETHERNET_SEGMENT:
            esi, ip = _esi_text(body[8:18]), nlri_fields.address_text(body[19:])
            return [f'"rd": "{rd}"', f'"esi": "{esi}"', f'"ip": "{ip}"'], f"{rd}:{esi}:{ip}"
        esi, tag, plen = _esi_text(body[8:18]), _tag(body[18:22]), body[22]
        size = _IP_PREFIX_SIZES[len(body)]
        ip = nlri_fields.address_text(body[23 : 23 + size])
        gateway = nlri_fields.address_text(body[23 + size : 23 + 2 * size])
        label = body[23 + 2 * size :]
        members = [
            f'"rd": "{rd}"',
            f'"esi": "{esi}"',
            f'"ethernet-tag": {tag}',
            _label_json(label),
            f'"ip": "{ip}"',
            f'"iplen": {plen}',
            f'"gateway": "{gateway}"',
        ]
        return members, f"{rd}:{esi}:{tag}:{ip}/{plen}:{gateway}:{_label_text(label)}"

    def text(self) -> str:
        """5.0's name of this route (its logs)."""
        if self.code not in ROUTE_TYPES:
            return f"evpn:unknown:0x{self.body.hex()}"
        return f"evpn:{ROUTE_TYPES[self.code][1]}::{self._fields()[1]}"

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI (the next hop is not in it)."""
        raw = self.pack().hex().upper()
        if self.code not in ROUTE_TYPES:
            return f'{{ "code": {self.code}, "parsed": false, "raw": "{raw}" }}'
        members = [
            f'"code": {self.code}',
            '"parsed": true',
            f'"raw": "{raw}"',
            f'"name": "{ROUTE_TYPES[self.code][0]}"',
        ]
        members += [member for member in self._fields()[0] if member]
        return "{ " + ", ".join(members) + " }"


def _check_address(name: str, bits: int, body: bytes, fixed: int) -> None:
    """An IP Address Length of 32 or 128 bits followed by exactly that address."""
    if bits not in ADDRESS_BITS:
        raise malformed(f"{name} IP address length {bits} bits (32 or 128)")
    if len(body) != fixed + bits // 8:
        raise malformed(f"{name} of {len(body)} octets, {fixed + bits // 8} expected for a {bits}-bit address")


def _check(code: int, body: bytes) -> None:
    """RFC 7432 section 7, RFC 9136 section 3.1: the layout of a known route type (the others are not
    checked)."""
    if code not in ROUTE_TYPES:
        return
    name = ROUTE_TYPES[code][0]
    size = len(body)
    if code == ETHERNET_AD:
        if size < RD_SIZE + _ESI + _TAG or (size - RD_SIZE - _ESI - _TAG) % _LABEL:
            raise malformed(f"{name} of {size} octets (22 and whole labels)")
    elif code == MAC_IP_ADVERTISEMENT:
        if size < 30:
            raise malformed(f"{name} of {size} octets, at least 30 expected")
        if body[22] != _MAC_BITS:
            raise malformed(f"{name} MAC address length {body[22]} bits (48)")
        bits = body[29]
        if bits not in (0,) + ADDRESS_BITS:
            raise malformed(f"{name} IP address length {bits} bits (0, 32 or 128)")
        if size - 30 - bits // 8 not in (_LABEL, 2 * _LABEL):
            raise malformed(f"{name} of {size} octets does not hold its IP address and one or two labels")
    elif code == INCLUSIVE_MULTICAST:
        if size < 13:
            raise malformed(f"{name} of {size} octets, at least 13 expected")
        _check_address(name, body[12], body, 13)
    elif code == ETHERNET_SEGMENT:
        if size < 19:
            raise malformed(f"{name} of {size} octets, at least 19 expected")
        _check_address(name, body[18], body, 19)
    elif size not in _IP_PREFIX_SIZES:
        raise malformed(f"{name} of {size} octets (34 for IPv4, 58 for IPv6)")


def decode_evpn(octets, addpath: bool = False) -> list:
    """Every `EVPN` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part), each after its
    path identifier with `addpath` (RFC 7911); the section is framed whole before the route types
    are checked."""
    return nlri_fields.typed_items(
        octets, "evpn", addpath, lambda data, position, body, path_id: EVPN(data[position], body, path_id), _check
    )
