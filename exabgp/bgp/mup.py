"""BGP-MUP NLRI (ipv4|ipv6 mup, SAFI 85): the model, the wire codec and 5.0's text/JSON.

Implements draft-mpmz-bess-mup-safi (-02/-03) section 3: each NLRI is an
architecture type (1 octet), a route type (2 octets), a length (1 octet) and
the route type specific octets.  For the 3GPP 5G architecture (type 1) the
route types ExaBGP 5.0 understands are

* 1, Interwork Segment Discovery (ISD): RD (8), prefix length (1, bits), the
  prefix octets (as many as the length needs);
* 2, Direct Segment Discovery (DSD): RD (8), an IPv4 or IPv6 address;
* 3, Type 1 Session Transformed (T1ST): RD, prefix length, prefix, TEID
  (4), QFI (1), endpoint length (1, 32 or 128 bits), endpoint address, and
  optionally a source length (32 or 128) and source address;
* 4, Type 2 Session Transformed (T2ST): RD, endpoint length (1, the
  address bits of the AFI plus 0 to 32 TEID bits), the endpoint address and
  the TEID in the fewest octets holding its bits (right aligned, as 5.0
  packs it).

The prefixes of ISD and T1ST, and the T2ST endpoint, are of the AFI of the
family.  `MUP` holds the AFI, architecture, route type and route type
specific octets, so two NLRI are equal when their wire forms are (the
prefix octets are kept as sent: 5.0 does not mask them).  Other
architecture / route types are kept as octets.  The NLRI carries no ADD-PATH
path identifier (5.0 never offers ADD-PATH for MUP).

`decode_mup` raises `CodecError(3, 10)` (RFC 7606 section 7: treat as
withdraw) on a truncated header, a length past the end of the section and
any route of a known type whose lengths do not add up as above (5.0.15
raises 3/5 for a DSD of the wrong size: 3/10 here).

Text and JSON follow ExaBGP 5.0.15: `MUP.text` is 5.0's name of the route
(``mup:isd::RD:PREFIX/LEN``, ``mup:dsd::RD:ADDRESS``,
``mup:t1st::RD:PREFIX/LEN:TEID:QFI:ENDPOINT/LEN[:SOURCE/LEN]`` where the
endpoint is followed by the prefix length, ``mup:t2st::RD:BITS:ENDPOINT:TEID:``,
``mup:unknown:0x<hex>``); `MUP.json` its NLRI object, field for field,
including 5.0's double space after the T2ST name, the TEID and QFI as strings
and ``"source_ip": "b''"`` for a T1ST without source; of a type it does not
decode 5.0 prints the AFI as ``arch`` and as the first octet of ``raw``,
and so does this module.  Departure from 5.0: 5.0.15 writes no comma between
the T1ST ``endpoint_ip`` and ``source_ip_len`` (its JSON does not parse);
this module writes one.  `MUP.spec` is the configuration form
`exabgp.config.mup` reads back.
"""

from exabgp.bgp.record import record

from exabgp.bgp import nlri_fields
from exabgp.bgp.nlri_fields import ADDRESS_BITS, RD_SIZE, malformed
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.family import AFI_IPV6, SAFI_MUP

# draft-mpmz-bess-mup-safi section 3: the 3GPP 5G architecture and its route types
ARCH_3GPP_5G = 1
ISD = 1
DSD = 2
T1ST = 3
T2ST = 4

#: route type -> (5.0's JSON name, 5.0's text name, configuration keyword)
ROUTE_TYPES = {
    ISD: ("InterworkSegmentDiscoveryRoute", "isd", "mup-isd"),
    DSD: ("DirectSegmentDiscoveryRoute", "dsd", "mup-dsd"),
    T1ST: ("Type1SessionTransformedRoute", "t1st", "mup-t1st"),
    T2ST: ("Type2SessionTransformedRoute", "t2st", "mup-t2st"),
}
#: configuration keyword -> route type
KEYWORDS = {entry[2]: code for code, entry in ROUTE_TYPES.items()}
TEID_BITS = 32
TEID_MAX = 0xFFFFFFFF
QFI_MAX = 0xFF
#: what 5.0 prints as the source of a T1ST without one (the Python text of empty bytes)
_NO_SOURCE = "b''"


def address_size(afi: int) -> int:
    """Octets of an address of the AFI (the prefixes and the T2ST endpoint are of the family's AFI)."""
    return 16 if afi == AFI_IPV6 else 4


def _padded(octets: bytes, afi: int) -> str:
    return nlri_fields.address_text(octets + bytes(address_size(afi) - len(octets)))


@record(slots=True)
class MUP(NLRI):
    """One MUP NLRI: AFI, architecture type, route type and route type specific octets."""

    safi = SAFI_MUP

    afi: int
    arch: int
    code: int
    body: bytes
    path_id: int | None = None  # RFC 7911, when the session negotiated ADD-PATH for the family

    def pack(self) -> bytes:
        """The NLRI as on the wire: architecture type, route type, length, octets."""
        return bytes((self.arch,)) + self.code.to_bytes(2, "big") + bytes((len(self.body),)) + self.body

    def known(self) -> bool:
        """Whether 5.0 decodes this architecture / route type."""
        return self.arch == ARCH_3GPP_5G and self.code in ROUTE_TYPES

    def _prefix(self):
        """(prefix length, prefix as text) of an ISD or a T1ST, and where the octets after the prefix start."""
        plen = self.body[RD_SIZE]
        end = RD_SIZE + 1 + (plen + 7) // 8
        return plen, _padded(self.body[RD_SIZE + 1 : end], self.afi), end

    def _t1st(self):
        """(prefix length, prefix, TEID, QFI, endpoint bits, endpoint, source bits, source) of a T1ST, the
        addresses as text (the source "" and its bits 0 when there is none)."""
        body = self.body
        plen, prefix, position = self._prefix()
        teid = int.from_bytes(body[position : position + 4], "big")
        qfi = body[position + 4]
        endpoint_bits = body[position + 5]
        position += 6
        endpoint = nlri_fields.address_text(body[position : position + endpoint_bits // 8])
        position += endpoint_bits // 8
        if position < len(body):
            source_bits, source = body[position], nlri_fields.address_text(body[position + 1 :])
        else:
            source_bits, source = 0, ""
        return plen, prefix, teid, qfi, endpoint_bits, endpoint, source_bits, source

    def _t2st(self):
        """(endpoint bits, endpoint as text, TEID, TEID bits) of a T2ST."""
        size = address_size(self.afi)
        end = RD_SIZE + 1 + size
        bits = self.body[RD_SIZE]
        endpoint = nlri_fields.address_text(self.body[RD_SIZE + 1 : end])
        return bits, endpoint, int.from_bytes(self.body[end:], "big"), bits - size * 8

    def _dsd(self) -> str:
        """The address of a DSD, as text."""
        return nlri_fields.address_text(self.body[RD_SIZE:])

    def text(self) -> str:
        """5.0's name of this route (its logs, ``exabgp validate``)."""
        if not self.known():
            return f"mup:unknown:0x{self.body.hex()}"
        head = f"mup:{ROUTE_TYPES[self.code][1]}::{nlri_fields.rd_text(self.body[:RD_SIZE])}"
        if self.code == ISD:
            plen, prefix, _end = self._prefix()
            return f"{head}:{prefix}/{plen}"
        if self.code == DSD:
            return f"{head}:{self._dsd()}"
        if self.code == T1ST:
            plen, prefix, teid, qfi, _bits, endpoint, source_bits, source = self._t1st()
            text = f"{head}:{prefix}/{plen}:{teid}:{qfi}:{endpoint}/{plen}"
            return f"{text}:{source}/{source_bits}" if source_bits else text
        bits, endpoint, teid, _teid_bits = self._t2st()
        return f"{head}:{bits}:{endpoint}:{teid}:"

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI (the next hop is not in it)."""
        if not self.known():  # 5.0 swaps the AFI and the architecture of the types it does not decode
            raw = (bytes((self.afi,)) + self.pack()[1:]).hex().upper()
            return f'{{ "arch": {self.afi}, "code": {self.code}, "raw": "{raw}" }}'
        raw = self.pack().hex().upper()
        rd = f'"rd": "{nlri_fields.rd_text(self.body[:RD_SIZE])}"'
        name = ROUTE_TYPES[self.code][0]
        if self.code == ISD:
            plen, prefix, _end = self._prefix()
            fields = f'"prefix_ip_len": {plen}, "prefix_ip": "{prefix}", {rd}'
        elif self.code == DSD:
            fields = f'"ip": "{self._dsd()}", {rd}'
        elif self.code == T1ST:
            plen, prefix, teid, qfi, bits, endpoint, source_bits, source = self._t1st()
            fields = (
                f'"prefix_ip_len": {plen}, "prefix_ip": "{prefix}", "teid": "{teid}", '
                f'"qfi": "{qfi}", {rd}, "endpoint_ip_len": {bits}, "endpoint_ip": "{endpoint}", '
                f'"source_ip_len": {source_bits}, "source_ip": "{source if source_bits else _NO_SOURCE}"'
            )
        else:
            bits, endpoint, teid, _teid_bits = self._t2st()
            return (
                f'{{ "name": "{name}",  "arch": {self.arch}, "code": {self.code}, "endpoint_len": {bits}, '
                f'"endpoint_ip": "{endpoint}", {rd}, "teid": "{teid}", "raw": "{raw}" }}'
            )
        return f'{{ "name": "{name}", "arch": {self.arch}, "code": {self.code}, {fields}, "raw": "{raw}" }}'

    def spec(self) -> str:
        """The configuration form of a route type 5.0 originates (the words after ``mup``)."""
        keyword = ROUTE_TYPES[self.code][2]
        rd = nlri_fields.rd_text(self.body[:RD_SIZE])
        if self.code == ISD:
            plen, prefix, _end = self._prefix()
            return f"{keyword} {prefix}/{plen} rd {rd}"
        if self.code == DSD:
            return f"{keyword} {self._dsd()} rd {rd}"
        if self.code == T1ST:
            plen, prefix, teid, qfi, _bits, endpoint, source_bits, source = self._t1st()
            text = f"{keyword} {prefix}/{plen} rd {rd} teid {teid} qfi {qfi} endpoint {endpoint}"
            return f"{text} source {source}" if source_bits else text
        _bits, endpoint, teid, teid_bits = self._t2st()
        return f"{keyword} {endpoint} rd {rd} teid {teid}/{teid_bits}"


def _prefix_octets(address: bytes, plen: int) -> bytes:
    return bytes((plen,)) + address[: (plen + 7) // 8]


def isd(afi: int, rd: bytes, address: bytes, plen: int) -> MUP:
    return MUP(afi, ARCH_3GPP_5G, ISD, rd + _prefix_octets(address, plen))


def dsd(afi: int, rd: bytes, address: bytes) -> MUP:
    return MUP(afi, ARCH_3GPP_5G, DSD, rd + address)


def t1st(
    afi: int, rd: bytes, address: bytes, plen: int, teid: int, qfi: int, endpoint: bytes, source: bytes = b""
) -> MUP:
    body = rd + _prefix_octets(address, plen) + teid.to_bytes(4, "big") + bytes((qfi, len(endpoint) * 8)) + endpoint
    if source:
        body += bytes((len(source) * 8,)) + source
    return MUP(afi, ARCH_3GPP_5G, T1ST, body)


def t2st(afi: int, rd: bytes, endpoint: bytes, teid: int, teid_bits: int) -> MUP:
    return MUP(
        afi,
        ARCH_3GPP_5G,
        T2ST,
        rd + bytes((len(endpoint) * 8 + teid_bits,)) + endpoint + teid.to_bytes(4, "big")[4 - (teid_bits + 7) // 8 :],
    )


def _address_length(body: bytes, position: int, what: str) -> int:
    if position >= len(body):
        raise malformed(f"mup t1st too short for its {what} length")
    bits = body[position]
    if bits not in ADDRESS_BITS:
        raise malformed(f"mup t1st {what} length {bits} bits (32 or 128)")
    return bits // 8


def _check(afi: int, code: int, body: bytes) -> None:
    """draft-mpmz-bess-mup-safi section 3.1: the layout of a known route type."""
    size = len(body)
    name = ROUTE_TYPES[code][1]
    if code == DSD:
        if size - RD_SIZE not in (4, 16):
            raise malformed(f"mup dsd of {size} octets (an RD and an IPv4 or IPv6 address)")
        return
    if size < RD_SIZE + 1:
        raise malformed(f"mup {name} of {size} octets, too short")
    bits = address_size(afi) * 8
    if code == T2ST:
        length = body[RD_SIZE]
        if not bits <= length <= bits + TEID_BITS:
            raise malformed(f"mup t2st endpoint length {length} ({bits} to {bits + TEID_BITS})")
        if size != RD_SIZE + 1 + bits // 8 + (length - bits + 7) // 8:
            raise malformed(f"mup t2st of {size} octets does not match its endpoint length {length}")
        return
    plen = body[RD_SIZE]
    if plen > bits:
        raise malformed(f"mup {name} prefix length {plen} (at most {bits})")
    position = RD_SIZE + 1 + (plen + 7) // 8
    if code == ISD:
        if size != position:
            raise malformed(f"mup isd of {size} octets does not match its prefix length {plen}")
        return
    if size < position + 6:
        raise malformed(f"mup t1st of {size} octets, too short")
    position += 5
    position += 1 + _address_length(body, position, "endpoint")
    if position < size:
        position += 1 + _address_length(body, position, "source")
    if position != size:
        raise malformed(f"mup t1st of {size} octets does not match its addresses")


#: octets of the MUP header: architecture type (1), route type (2), length (1)
_HEAD = 4


def decode_mup(afi: int, octets, addpath: bool = False) -> list:
    """Every `MUP` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part), each after its
    path identifier with `addpath` (RFC 7911)."""

    def item(data: bytes, position: int, body: bytes, path_id) -> MUP:
        found = MUP(afi, data[position], int.from_bytes(data[position + 1 : position + 3], "big"), body, path_id)
        if found.known():
            _check(afi, found.code, body)
        return found

    return nlri_fields.nlri_items(octets, "mup", addpath, _HEAD, item)
