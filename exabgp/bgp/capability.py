"""BGP capabilities (RFC 5492): one object per capability TLV, one table for every code.

An OPEN carries capabilities as ``code (1 octet), length (1 octet), value``
inside optional parameters of type 2 (RFC 5492 section 4).  Each class below
decodes one value (`decode(code, value)`) and encodes it back (`encode()`,
the value octets only).  `CAPABILITIES` maps every code ExaBGP 5.0 knows to
its name and class (docs/compatibility.md, "Messages and capabilities"); any other code becomes an
`UnknownCapability` that keeps its octets and re-encodes them unchanged.

A capability may appear several times in one OPEN (one multiprotocol TLV per
family, RFC 4760 section 8); objects stay one per TLV, in wire order, and the
consumers combine them (negotiation, the JSON renderer).

Values implemented here:

* 1 multiprotocol (RFC 4760 section 8): AFI (2), reserved (1), SAFI (1);
* 2 route-refresh (RFC 2918) and 128 the pre-standard Cisco code: empty;
* 5 extended next hop (RFC 8950 section 3): entries of AFI (2), SAFI (2),
  next-hop AFI (2);
* 6 extended message (RFC 8654): empty;
* 64 graceful restart (RFC 4724 section 3): restart flags (4 bits), restart
  time (12 bits), then AFI (2), SAFI (1), flags (1) per family;
* 65 four-octet AS number (RFC 6793 section 3): the ASN (4);
* 68 multi-session (draft-ietf-idr-bgp-multisession) and 131 its Cisco code:
  a flags octet, then capability codes;
* 69 ADD-PATH (RFC 7911 section 4): AFI (2), SAFI (1), send/receive (1) per
  family;
* 70 enhanced route refresh (RFC 7313 section 3.1): empty;
* 73 hostname (draft-walton-bgp-hostname-capability): length-prefixed host
  name, then an optional length-prefixed domain name, both UTF-8;
* 75 software version (draft-abraitis-bgp-version-capability): a
  length-prefixed UTF-8 string;
* 185 operational (ExaBGP's draft-ietf-idr-operational-message): empty.

Where ExaBGP 5.0 ignores octets (the value of an "empty" capability, bytes
after the multiprotocol family or the software version) they are ignored
here too; such a capability does not re-encode to the same octets.  A value
that cannot be decoded is OPEN Message Error / Unspecific (2/0), as 5.0.12
does.
"""

from exabgp._codec.errors import CodecError
from exabgp.bgp.record import record

# Capability codes (IANA "Capability Codes")
MULTIPROTOCOL = 1
ROUTE_REFRESH = 2
EXTENDED_NEXT_HOP = 5
EXTENDED_MESSAGE = 6
GRACEFUL_RESTART = 64
FOUR_OCTET_AS = 65
MULTISESSION = 68
ADD_PATH = 69
ENHANCED_ROUTE_REFRESH = 70
HOSTNAME = 73
SOFTWARE_VERSION = 75
ROUTE_REFRESH_CISCO = 128
MULTISESSION_CISCO = 131
OPERATIONAL = 185

# ADD-PATH Send/Receive field (RFC 7911 section 4)
ADD_PATH_RECEIVE = 1
ADD_PATH_SEND = 2

# Graceful restart flags (RFC 4724 section 3): the R bit of the restart flags,
# the F bit of the per-family flags
GRACEFUL_RESTART_STATE = 0x8
GRACEFUL_FORWARDING_STATE = 0x80


def open_error(reason: str) -> CodecError:
    """OPEN Message Error / Unspecific (2/0) with `reason` as its data, what 5.0.12 sends for an OPEN
    (or a capability in it) it cannot decode; `exabgp.bgp.open` raises it too."""
    return CodecError(2, 0, reason.encode("ascii"), reason)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise open_error(f"the {what} in the capability is not valid UTF-8") from None


#: an entry of AFI (2 octets), SAFI (1) and one octet: graceful restart's families (RFC 4724 section 3)
#: and ADD-PATH's (RFC 7911 section 4)
_FAMILY_AND_OCTET = (2, 1, 1)


def _entries(value: bytes, layout: tuple, what: str) -> tuple:
    """`value` cut into entries, each the tuple of its big-endian fields of `layout` octets; a trailing
    remainder is malformed."""
    size = sum(layout)
    if len(value) % size:
        raise open_error(f"invalid {what} capability, trailing data")
    entries = []
    for start in range(0, len(value), size):
        fields = []
        for width in layout:
            fields.append(int.from_bytes(value[start : start + width], "big"))
            start += width
        entries.append(tuple(fields))
    return tuple(entries)


def _packed(entries, layout: tuple) -> bytes:
    """The octets of `entries`, the inverse of `_entries`."""
    return b"".join(
        number.to_bytes(width, "big") for entry in entries for number, width in zip(entry, layout, strict=True)
    )


@record(slots=True)
class _Entries:
    """A capability whose value is a list of `entries`, each the tuple of its fields of `layout` octets;
    `what` names it in the error of a value that is not whole entries (both set by each subclass)."""

    # class constants (no annotation: `record` makes annotated names fields), set by each subclass
    layout = tuple[int, ...]()
    what = ""

    entries: tuple

    @classmethod
    def decode(cls, code: int, value: bytes):
        return cls(_entries(value, cls.layout, cls.what))

    def encode(self) -> bytes:
        return _packed(self.entries, self.layout)


class _Empty:
    """A capability whose value is empty: any octets in it are ignored (as 5.0 ignores them), none are
    sent."""

    __slots__ = ()

    @classmethod
    def decode(cls, code: int, value: bytes):
        return cls()

    def encode(self) -> bytes:
        return b""


@record(slots=True)
class Multiprotocol:
    """One (AFI, SAFI) pair the speaker supports (RFC 4760 section 8)."""

    code = MULTIPROTOCOL
    afi: int
    safi: int

    @classmethod
    def decode(cls, code: int, value: bytes):
        if len(value) < 4:
            raise open_error(f"invalid multiprotocol capability, expected 4 bytes, got {len(value)}")
        return cls(int.from_bytes(value[0:2], "big"), value[3])

    def encode(self) -> bytes:
        return self.afi.to_bytes(2, "big") + bytes((0, self.safi))


@record(slots=True)
class RouteRefreshCapability(_Empty):
    """Route refresh (RFC 2918 section 3), under its IANA code 2 or Cisco's 128."""

    code: int = ROUTE_REFRESH

    @classmethod
    def decode(cls, code: int, value: bytes):
        return cls(code)


class ExtendedNextHop(_Entries):
    """``(afi, safi, nexthop_afi)`` triples of 2 octets each (RFC 8950 section 3)."""

    __slots__ = ()

    code = EXTENDED_NEXT_HOP
    layout = (2, 2, 2)
    what = "extended next-hop"


@record(slots=True)
class ExtendedMessage(_Empty):
    """Messages up to 65535 octets (RFC 8654 section 3)."""

    code = EXTENDED_MESSAGE


@record(slots=True)
class GracefulRestart:
    """Restart flags (4 bits), restart time (seconds, 12 bits), ``(afi, safi, flags)`` per family."""

    code = GRACEFUL_RESTART
    restart_flags: int
    restart_time: int
    families: tuple = ()

    @classmethod
    def decode(cls, code: int, value: bytes):
        if len(value) < 2:
            raise open_error("invalid graceful-restart capability, not enough data for the header")
        header = int.from_bytes(value[0:2], "big")
        return cls(header >> 12, header & 0x0FFF, _entries(value[2:], _FAMILY_AND_OCTET, "graceful-restart"))

    def encode(self) -> bytes:
        header = ((self.restart_flags & 0xF) << 12) | (self.restart_time & 0x0FFF)
        return header.to_bytes(2, "big") + _packed(self.families, _FAMILY_AND_OCTET)


@record(slots=True)
class FourOctetAS:
    """The speaker's real AS number (RFC 6793 section 3)."""

    code = FOUR_OCTET_AS
    asn: int

    @classmethod
    def decode(cls, code: int, value: bytes):
        if len(value) != 4:
            raise open_error(f"AS4 capability must be 4 bytes long, got {len(value)}")
        return cls(int.from_bytes(value, "big"))

    def encode(self) -> bytes:
        return self.asn.to_bytes(4, "big")


@record(slots=True)
class MultiSession:
    """Multi-session (draft-ietf-idr-bgp-multisession), code 68 or Cisco's 131.

    `flags` is the first octet (None when the value is empty), `codes` the
    capability codes that follow it.
    """

    code: int = MULTISESSION
    flags: int | None = 0
    codes: tuple = ()

    @classmethod
    def decode(cls, code: int, value: bytes):
        if not value:
            return cls(code, None, ())
        return cls(code, value[0], tuple(value[1:]))

    def encode(self) -> bytes:
        if self.flags is None:
            return b""
        return bytes((self.flags,)) + bytes(self.codes)


class AddPath(_Entries):
    """``(afi, safi, send_receive)`` per family (RFC 7911 section 4): 1 receive, 2 send, 3 both."""

    __slots__ = ()

    code = ADD_PATH
    layout = _FAMILY_AND_OCTET
    what = "ADD-PATH"


@record(slots=True)
class EnhancedRouteRefresh(_Empty):
    """Enhanced route refresh (RFC 7313 section 3.1)."""

    code = ENHANCED_ROUTE_REFRESH


@record(slots=True)
class HostName:
    """Host and domain name (draft-walton-bgp-hostname-capability).

    None stands for a field absent from the value: both for an empty value,
    `domain_name` alone when the value stops after the host name.
    """

    code = HOSTNAME
    host_name: str | None
    domain_name: str | None = ""

    @classmethod
    def decode(cls, code: int, value: bytes):
        if not value:
            return cls(None, None)
        end = 1 + value[0]
        if len(value) < end:
            raise open_error(f"Hostname capability truncated: need {end} bytes for the host name, got {len(value)}")
        host_name = _utf8(value[1:end], "host name")
        if end == len(value):
            return cls(host_name, None)
        stop = end + 1 + value[end]
        if len(value) < stop:
            raise open_error(f"Hostname capability truncated: need {stop} bytes total, got {len(value)}")
        return cls(host_name, _utf8(value[end + 1 : stop], "domain name"))

    def encode(self) -> bytes:
        if self.host_name is None:
            return b""
        host = self.host_name.encode("utf-8")
        encoded = bytes((len(host),)) + host
        if self.domain_name is not None:
            domain = self.domain_name.encode("utf-8")
            encoded += bytes((len(domain),)) + domain
        return encoded


@record(slots=True)
class SoftwareVersion:
    """The speaker's software name and version (draft-abraitis-bgp-version-capability)."""

    code = SOFTWARE_VERSION
    version: str

    @classmethod
    def decode(cls, code: int, value: bytes):
        if not value:
            raise open_error("Software capability too short: need at least 1 byte")
        end = 1 + value[0]
        if len(value) < end:
            raise open_error(f"Software capability truncated: need {end} bytes, got {len(value)}")
        return cls(_utf8(value[1:end], "software version"))

    def encode(self) -> bytes:
        version = self.version.encode("utf-8")
        return bytes((len(version),)) + version


@record(slots=True)
class OperationalCapability(_Empty):
    """ExaBGP's OPERATIONAL message support (draft-ietf-idr-operational-message-00)."""

    code = OPERATIONAL


@record(slots=True)
class UnknownCapability:
    """A capability this implementation does not know: its code and value octets, unchanged."""

    code: int
    value: bytes

    def encode(self) -> bytes:
        return self.value


#: True for a type checker only: `typing.TYPE_CHECKING` without importing `typing`, which the short
#: commands keep out of their start-up (tests/test_cli_imports.py)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class CapabilityClass(Protocol):
        """What `CAPABILITIES` holds for a code: a class whose `decode(code, value)` reads one TLV's value
        (into an object of that class)."""

        def decode(self, code: int, value: bytes, /) -> Any: ...


#: code -> (name, class).  The name is ExaBGP 5.0's (it keys the capabilities
#: of a sent OPEN in JSON; 131 keeps 5.0's spelling "sesion").
CAPABILITIES: "dict[int, tuple[str, CapabilityClass]]" = {
    MULTIPROTOCOL: ("multiprotocol", Multiprotocol),
    ROUTE_REFRESH: ("route-refresh", RouteRefreshCapability),
    EXTENDED_NEXT_HOP: ("nexthop", ExtendedNextHop),
    EXTENDED_MESSAGE: ("extended-message", ExtendedMessage),
    GRACEFUL_RESTART: ("graceful-restart", GracefulRestart),
    FOUR_OCTET_AS: ("asn4", FourOctetAS),
    MULTISESSION: ("multi-session", MultiSession),
    ADD_PATH: ("add-path", AddPath),
    ENHANCED_ROUTE_REFRESH: ("enhanced-route-refresh", EnhancedRouteRefresh),
    HOSTNAME: ("hostname", HostName),
    SOFTWARE_VERSION: ("software-version", SoftwareVersion),
    ROUTE_REFRESH_CISCO: ("cisco-route-refresh", RouteRefreshCapability),
    MULTISESSION_CISCO: ("cisco-multi-sesion", MultiSession),
    OPERATIONAL: ("operational", OperationalCapability),
}


def capability_name(code: int) -> str:
    entry = CAPABILITIES.get(code)
    return entry[0] if entry else f"unknown capability {code:#x}"


def decode_capability(code: int, value: bytes):
    """The capability object for one TLV; unknown codes are kept raw."""
    entry = CAPABILITIES.get(code)
    if entry is None:
        return UnknownCapability(code, bytes(value))
    return entry[1].decode(code, bytes(value))


def decode_capabilities(data: bytes):
    """All capability TLVs of one optional parameter value, in wire order (RFC 5492 section 4)."""
    size = len(data)
    offset = 0
    capabilities = []
    while offset < size:
        if size - offset < 2:
            raise open_error("Bad length for OPEN capability (<2)")
        end = offset + 2 + data[offset + 1]
        if end > size:
            raise open_error("Bad length for OPEN capability (buffer underrun)")
        capabilities.append(decode_capability(data[offset], data[offset + 2 : end]))
        offset = end
    return tuple(capabilities)


def encode_capabilities(capabilities) -> bytes:
    """The TLVs of `capabilities`, the inverse of `decode_capabilities`."""
    parts = []
    for capability in capabilities:
        value = capability.encode()
        if len(value) > 255:
            raise ValueError(f"capability {capability.code} value longer than 255 octets")
        parts.append(bytes((capability.code, len(value))) + value)
    return b"".join(parts)
