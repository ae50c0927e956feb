"""The OPEN message (RFC 4271 section 4.2, RFC 5492, RFC 9072, RFC 6793).

Body: version (1), My Autonomous System (2), Hold Time (2), BGP Identifier
(4), Optional Parameters Length (1), Optional Parameters.  Each optional
parameter is type (1), length (1), value; the only type supported is 2,
Capabilities (RFC 5492), whose value is a run of capability TLVs
(`exabgp.bgp.capability`).

RFC 9072: when the one-octet length and the first parameter type are both
255, a two-octet length follows, and every parameter has a two-octet length.
A decoded OPEN remembers which form it used and how the capabilities were
grouped into parameters, so it re-encodes to the same octets; `Open.new`
puts each capability in its own parameter (as ExaBGP 5.0 does) and uses the
extended form when the parameters reach 255 octets.

An ASN above 65535 travels as AS_TRANS (23456) in My Autonomous System and
in full in the four-octet AS capability (RFC 6793 section 4.1); `Open.asn`
gives the real one.

Decoding raises `CodecError` with the RFC 4271 section 6.2 codes: a body
under 10 octets is a Bad Message Length (1/2, the data is the message
length); a version other than 4 is 2/1 (the data is the version we
support); an optional parameter of another type is 2/4; lengths that do not
add up and malformed capabilities are 2/0 (docs/compatibility.md, "Messages and capabilities").
Checks that need the configuration (peer AS 2/2, BGP identifier 2/3, hold
time 2/6) belong to the session, which can use `hold_time_acceptable` and
`router_id_acceptable`.
"""

from exabgp.bgp.record import record

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import HEADER_SIZE, OPEN
from exabgp.bgp.capability import FOUR_OCTET_AS, decode_capabilities, encode_capabilities, open_error

TYPE = OPEN

BGP_VERSION = 4
AS_TRANS = 23456
PARAMETER_CAPABILITIES = 2
EXTENDED_PARAMETERS = 255

_HEADER = 10  # version, my AS, hold time, BGP identifier, optional parameters length


def hold_time_acceptable(hold_time: int) -> bool:
    """RFC 4271 section 6.2: a Hold Time of one or two seconds must be rejected (2/6)."""
    return hold_time == 0 or hold_time >= 3


def router_id_acceptable(router_id: str) -> bool:
    """RFC 6286 section 2.2: the BGP Identifier is a non-zero 32-bit value (else 2/3)."""
    return router_id != "0.0.0.0"


def _split_parameters(data: bytes, extended: bool):
    """``(type, value)`` of every optional parameter; 2-octet lengths when `extended`."""
    header = 3 if extended else 2
    size = len(data)
    offset = 0
    parameters = []
    while offset < size:
        if size - offset < header:
            raise open_error(f"Bad length for OPEN parameter (<{header})")
        length = int.from_bytes(data[offset + 1 : offset + header], "big")
        end = offset + header + length
        if end > size:
            raise open_error("Bad length for OPEN parameter (buffer underrun)")
        parameters.append((data[offset], data[offset + header : end]))
        offset = end
    return parameters


@record(slots=True)
class Open:
    """An OPEN as sent on the wire.

    `my_as` is the two-octet field (AS_TRANS for a four-octet ASN);
    `router_id` a dotted quad; `parameters` a tuple with one tuple of
    capabilities per Capabilities optional parameter; `extended` tells
    whether the RFC 9072 form is used.
    """

    TYPE = TYPE

    version: int
    my_as: int
    hold_time: int
    router_id: str
    parameters: tuple = ()
    extended: bool = False

    @classmethod
    def new(cls, asn: int, hold_time: int, router_id: str, capabilities, version: int = BGP_VERSION):
        """An OPEN for `asn` with one capability per optional parameter."""
        parameters = tuple((capability,) for capability in capabilities)
        size = sum(2 + len(encode_capabilities(group)) for group in parameters)
        return cls(version, asn if asn <= 0xFFFF else AS_TRANS, hold_time, router_id, parameters, size >= 255)

    @property
    def capabilities(self) -> tuple:
        """Every capability, in wire order."""
        return tuple(capability for group in self.parameters for capability in group)

    def capabilities_of(self, code: int) -> tuple:
        """The capabilities with this code, in wire order (a code may repeat)."""
        return tuple(capability for group in self.parameters for capability in group if capability.code == code)

    @property
    def asn(self) -> int:
        """The speaker's AS: the last four-octet AS capability if any, else My Autonomous System."""
        four = self.capabilities_of(FOUR_OCTET_AS)
        return four[-1].asn if four else self.my_as

    @classmethod
    def decode(cls, body: bytes, ctx=None):
        body = bytes(body)
        size = len(body)
        if size < _HEADER:
            raise CodecError(1, 2, (HEADER_SIZE + size).to_bytes(2, "big"), f"OPEN of {size} octets")
        version = body[0]
        if version != BGP_VERSION:
            raise CodecError(2, 1, BGP_VERSION.to_bytes(2, "big"), f"version number {version}")
        my_as = int.from_bytes(body[1:3], "big")
        hold_time = int.from_bytes(body[3:5], "big")
        router_id = f"{body[5]}.{body[6]}.{body[7]}.{body[8]}"
        length = body[9]
        extended = length == EXTENDED_PARAMETERS and size > _HEADER and body[10] == EXTENDED_PARAMETERS
        start = _HEADER
        if extended:
            if size < _HEADER + 3:
                raise open_error("Bad length for OPEN (extended) parameters (<3)")
            length = int.from_bytes(body[11:13], "big")
            start = _HEADER + 3
        if start + length != size:
            raise open_error(f"optional parameters length {length} does not match the message")
        parameters = []
        for kind, value in _split_parameters(body[start:], extended):
            if kind != PARAMETER_CAPABILITIES:
                raise CodecError(2, 4, b"", f"unknown OPEN parameter {kind:#x}")
            parameters.append(decode_capabilities(value))
        return cls(version, my_as, hold_time, router_id, tuple(parameters), extended)

    def encode(self, ctx=None) -> bytes:
        width = 2 if self.extended else 1
        encoded = []
        for group in self.parameters:
            value = encode_capabilities(group)
            if len(value) >= 1 << (8 * width):
                raise ValueError("capabilities too long for one optional parameter")
            encoded.append(bytes((PARAMETER_CAPABILITIES,)) + len(value).to_bytes(width, "big") + value)
        parameters = b"".join(encoded)
        if self.extended:
            head = bytes((EXTENDED_PARAMETERS, EXTENDED_PARAMETERS)) + len(parameters).to_bytes(2, "big")
        elif len(parameters) > 255:
            raise ValueError("optional parameters longer than 255 octets need the extended form (RFC 9072)")
        else:
            head = bytes((len(parameters),))
        router_id = bytes(int(part) for part in self.router_id.split("."))
        return (
            bytes((self.version,))
            + self.my_as.to_bytes(2, "big")
            + self.hold_time.to_bytes(2, "big")
            + router_id
            + head
            + parameters
        )
