"""Route Target Constraint NLRI (ipv4 rtc, AFI 1 SAFI 132): the model, the wire codec and 5.0's text/JSON.

Implements RFC 4684 section 4: each NLRI is a prefix, a length in bits (1
octet) followed by as many octets as the length needs, over the 12 octets of
an origin AS (4 octets) and a route target (an 8-octet extended community,
RFC 4360).  The length is 0 (the default route target: every route
target), 32 (the origin AS alone) or 33 to 96 (the origin AS and the first
``length - 32`` bits of a route target); 1 to 31 and above 96 are malformed
("the minimum prefix length is 32 bits", RFC 4684 section 4).  With ADD-PATH
negotiated for the family each NLRI is preceded by a 4-octet path identifier
(RFC 7911 section 3).

`RTC` keeps the path identifier (None without ADD-PATH), the length and the
prefix octets as sent (bits past the length included), so two NLRI are equal
when their wire forms are.  `RTC.pack` writes the path identifier when there
is one (the Adj-RIB-In key); `RTC.packed(addpath)` writes what a session
sends (the identifier, 0 when none was configured, only with ADD-PATH).

`decode_rtc` raises `CodecError(3, 10)` on a length of 1 to 31 or above 96,
a prefix or path identifier past the end of the section (RFC 7606 section
5.3: the session is reset, as 5.0.15 resets it).  Departure from 5.0.15
(deliberate, RFC 4684 section 4): 5.0.15 reads 12 octets after every length
but 0, so it refuses the partial lengths 32 to 95 ("RTC NLRI truncated")
and takes lengths above 96 as 96; here a length L takes ``ceil(L / 8)``
octets and lengths above 96 are malformed.

Text and JSON follow ExaBGP 5.0.15.  JSON: ``{ "origin": N, "route-target":
"TEXT" }``; the default route target is ``{ "origin": 0, "route-target":
null }``; the route target is printed as 5.0 prints an extended community
(`exabgp.bgp.community.extended_string`) after clearing the two high bits of
its type (IANA authority and transitive: 0x40 0x02 is ``target:``), and as
``0x`` + 16 hex digits when that has no name.  The path identifier is not
printed (5.0.15 decodes it and does not print it).  Text (5.0's logs):
``rtc wildcard``, ``rtc ORIGIN:TARGET``.  The partial lengths 5.0.15 can
not decode are printed with the length: JSON ``"prefix-length": L`` after
the two fields (the route target's missing octets as zeros, null for 32),
text ``rtc ORIGIN`` for 32 and ``rtc ORIGIN:TARGET/L`` for 33 to 95.
`RTC.spec` is the configuration form `exabgp.config.rtc` reads back.
"""

from exabgp.bgp.community import encode_extended, extended_string
from exabgp.bgp.family import AFI_IPV4, SAFI_RTC
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.nlri_fields import address_text, malformed
from exabgp.bgp.record import record

#: RFC 4684 section 4: the prefix spans an origin AS (4 octets) and a route target (8 octets)
ORIGIN_SIZE = 4
TARGET_SIZE = 8
FULL_LENGTH = (ORIGIN_SIZE + TARGET_SIZE) * 8
ORIGIN_LENGTH = ORIGIN_SIZE * 8
ASN_MAX = 0xFFFFFFFF
_PATH_ID = 4
#: the IANA-authority and transitive bits of an extended community type, cleared when printing (as 5.0 does)
_TYPE_FLAGS = 0xC0


def valid_length(plen: int) -> bool:
    """RFC 4684 section 4: 0, or 32 to 96."""
    return plen == 0 or ORIGIN_LENGTH <= plen <= FULL_LENGTH


def target_text(target: bytes) -> str:
    """A route target (8 octets) as 5.0 prints it in an RTC NLRI."""
    target = bytes((target[0] & ~_TYPE_FLAGS & 0xFF,)) + target[1:]
    return extended_string(target) or "0x" + target.hex().upper()


@record(slots=True)
class RTC(NLRI):
    """One RTC NLRI: path identifier (None without ADD-PATH), length in bits, the ``ceil(plen / 8)`` prefix octets."""

    afi = AFI_IPV4
    safi = SAFI_RTC
    route_type = None  # 5.0.15's show adj-rib lists RTC routes under no kind, and not in its json form

    path_id: int | None
    plen: int
    prefix: bytes

    def nlri(self) -> bytes:
        """The NLRI without path identifier: length, prefix octets."""
        return bytes((self.plen,)) + self.prefix

    def pack(self) -> bytes:
        """The NLRI as decoded: the path identifier when there is one, then length and prefix octets."""
        if self.path_id is None:
            return self.nlri()
        return self.path_id.to_bytes(_PATH_ID, "big") + self.nlri()

    def packed(self, addpath: bool) -> bytes:
        """The NLRI as a session sends it: with a path identifier (0 when none) only when `addpath`."""
        if not addpath:
            return self.nlri()
        return (self.path_id or 0).to_bytes(_PATH_ID, "big") + self.nlri()

    def origin(self) -> int:
        """The origin AS (0 for the default route target)."""
        return int.from_bytes(self.prefix[:ORIGIN_SIZE], "big") if self.plen else 0

    def target(self) -> bytes | None:
        """The route target's 8 octets (the bits past the length as sent, missing octets as zeros), or None."""
        if self.plen <= ORIGIN_LENGTH:
            return None
        octets = self.prefix[ORIGIN_SIZE:]
        return octets + bytes(TARGET_SIZE - len(octets))

    def partial(self) -> bool:
        """Whether the length is one 5.0.15 can not decode (32 to 95)."""
        return ORIGIN_LENGTH <= self.plen < FULL_LENGTH

    def text(self) -> str:
        """5.0's text of this NLRI (its logs, ``show adj-rib``)."""
        return f"rtc {self._form(target_text)}"

    def show_text(self, nexthop) -> str:
        """`text`: 5.0.15's ``show adj-rib`` prints an RTC route without its next hop."""
        return self.text()

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI (the next hop is not in it)."""
        target = self.target()
        rt = "null" if target is None else f'"{target_text(target)}"'
        if not self.partial():
            return f'{{ "origin": {self.origin()}, "route-target": {rt} }}'
        return f'{{ "origin": {self.origin()}, "route-target": {rt}, "prefix-length": {self.plen} }}'

    def spec(self) -> str:
        """The configuration form (`exabgp.config.rtc`): ``wildcard``, ``ORIGIN``, ``ORIGIN:TARGET[/L]``, then
        ``path-information`` and the path identifier as a dotted quad when there is one.

        The route target is written as 5.0 prints it when that text reads back as the same octets, else
        as ``0x`` + hex (the kinds the configuration has no name for, a type with its high bits set).
        """
        form = self._form(_target_spec)
        if self.path_id is None:
            return form
        return f"{form} path-information {address_text(self.path_id.to_bytes(_PATH_ID, 'big'))}"

    def _form(self, render) -> str:
        if self.plen == 0:
            return "wildcard"
        target = self.target()
        if target is None:
            return str(self.origin())
        suffix = "" if self.plen == FULL_LENGTH else f"/{self.plen}"
        return f"{self.origin()}:{render(target)}{suffix}"


def _target_spec(target: bytes) -> str:
    """`target_text` when the configuration reads it back as `target`, else ``0x`` + hex."""
    text = target_text(target)
    try:
        if encode_extended(text) == target:
            return text
    except ValueError:
        pass
    return "0x" + target.hex().upper()


def build(origin: int | None, target: bytes | None, plen: int, path_id: int | None = None) -> RTC:
    """The RTC NLRI of an origin AS and route target cut to `plen` bits (0, 32 to 96; the bits past it cleared)."""
    if not valid_length(plen):
        raise ValueError(f"RTC prefix length {plen} is not 0 or 32 to 96")
    full = (origin or 0).to_bytes(ORIGIN_SIZE, "big") + (target or bytes(TARGET_SIZE))
    size = (plen + 7) // 8
    prefix = bytearray(full[:size])
    if plen % 8:
        prefix[-1] &= (0xFF << (8 - plen % 8)) & 0xFF
    return RTC(path_id, plen, bytes(prefix))


def decode_rtc(octets, addpath: bool) -> list:
    """Every `RTC` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part)."""
    data = bytes(octets)
    end = len(data)
    position = 0
    found = []
    while position < end:
        path_id = None
        if addpath:
            if position + _PATH_ID > end:
                raise malformed("ipv4 rtc path identifier truncated")
            path_id = int.from_bytes(data[position : position + _PATH_ID], "big")
            position += _PATH_ID
            if position >= end:
                raise malformed("ipv4 rtc NLRI missing after its path identifier")
        plen = data[position]
        position += 1
        if not valid_length(plen):
            raise malformed(f"ipv4 rtc NLRI length {plen} is not 0 or 32 to 96 (RFC 4684 section 4)")
        size = (plen + 7) // 8
        if position + size > end:
            raise malformed(f"ipv4 rtc NLRI of {plen} bits exceeds the {end - position} octets left")
        found.append(RTC(path_id, plen, data[position : position + size]))
        position += size
    return found
