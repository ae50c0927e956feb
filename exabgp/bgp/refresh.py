"""The ROUTE-REFRESH message (RFC 2918 section 3, RFC 7313 section 3.2).

Body: AFI (2), Message Subtype (1, "Reserved" in RFC 2918), SAFI (1).  The
subtypes are 0, a normal route refresh request; 1, Beginning of Route
Refresh (BoRR); 2, End of Route Refresh (EoRR) (RFC 7313).

Errors carry ROUTE-REFRESH Message Error (7) with the complete message as
data (RFC 7313 section 5): a body that is not 4 octets is Invalid Message
Length (7/1).  An unknown subtype is 7/2, what ExaBGP 5.0 sends; RFC 7313
section 5 asks to ignore such a message instead, which the session may do
on this error.
"""

from exabgp.bgp.record import record

from exabgp._codec import frame_message
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import ROUTE_REFRESH

TYPE = ROUTE_REFRESH

REQUEST = 0
BORR = 1
EORR = 2

#: subtype -> ExaBGP 5.0's name for it (JSON and text output)
SUBTYPES = {
    REQUEST: "query",
    BORR: "begin",
    EORR: "end",
}


@record(slots=True)
class RouteRefresh:
    """A refresh request, or the BoRR / EoRR markers, for one (AFI, SAFI)."""

    TYPE = TYPE

    afi: int
    safi: int
    subtype: int = REQUEST

    @property
    def subtype_name(self) -> str:
        return SUBTYPES[self.subtype]

    @classmethod
    def decode(cls, body: bytes, ctx=None):
        body = bytes(body)
        if len(body) != 4:
            raise CodecError(7, 1, frame_message(TYPE, body), f"ROUTE-REFRESH of {len(body)} octets")
        if body[2] not in SUBTYPES:
            raise CodecError(7, 2, frame_message(TYPE, body), f"ROUTE-REFRESH subtype {body[2]}")
        return cls(int.from_bytes(body[0:2], "big"), body[3], body[2])

    def encode(self, ctx=None) -> bytes:
        return self.afi.to_bytes(2, "big") + bytes((self.subtype, self.safi))
