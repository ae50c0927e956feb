"""ExaBGP's OPERATIONAL message, type 6 (draft-ietf-idr-operational-message-00).

Body: one TLV, Type (2), Length (2), Value (Length octets).  `OPERATIONAL_TYPES`
lists the types ExaBGP 5.0 decodes, by category:

* advisory, ADM 1 (Advisory Demand) and ASM 2 (Advisory Static): AFI (2),
  SAFI (1), then the advisory text (UTF-8);
* query, RPCQ 3, APCQ 5, LPCQ 7 (Reachable / Adj-RIB-Out / Loc-RIB prefix
  count request): AFI (2), SAFI (1), Router-ID (4), Sequence (4);
* counter, RPCP 4, APCP 6, LPCP 8 (the replies): the query fields, then a
  4-octet Counter.

Any other type is kept as its raw value and re-encoded unchanged.  A body
shorter than its TLV, or a value too short for its type, raises
`CodecError(5, 0, ...)`: the code ExaBGP 5.0 sends for a malformed
OPERATIONAL.  Octets after the TLV, and after the fields of a query or
counter, are ignored as 5.0 does (such a message is not canonical).
"""

from exabgp.bgp.record import record

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import OPERATIONAL

TYPE = OPERATIONAL

ADVISORY = "advisory"
QUERY = "query"
COUNTER = "counter"

#: type -> (name, category)
OPERATIONAL_TYPES = {
    1: ("ADM", ADVISORY),
    2: ("ASM", ADVISORY),
    3: ("RPCQ", QUERY),
    4: ("RPCP", COUNTER),
    5: ("APCQ", QUERY),
    6: ("APCP", COUNTER),
    7: ("LPCQ", QUERY),
    8: ("LPCP", COUNTER),
}

_MINIMUM = {ADVISORY: 3, QUERY: 11, COUNTER: 15}


def _malformed(reason: str) -> CodecError:
    return CodecError(5, 0, reason.encode("ascii"), reason)


def _router_id(data: bytes) -> str:
    return f"{data[0]}.{data[1]}.{data[2]}.{data[3]}"


@record(slots=True)
class Operational:
    """One OPERATIONAL TLV.

    The fields used depend on the category of `what`: `advisory` (octets)
    for advisories; `router_id` and `sequence` for queries, plus `counter`
    for counters; `value` (the raw TLV value) for unknown types only.
    """

    TYPE = TYPE

    what: int
    afi: int = 0
    safi: int = 0
    advisory: bytes = b""
    router_id: str = "0.0.0.0"
    sequence: int = 0
    counter: int = 0
    value: bytes = b""

    @property
    def name(self) -> str:
        entry = OPERATIONAL_TYPES.get(self.what)
        return entry[0] if entry else "unknown"

    @property
    def category(self):
        """ "advisory", "query", "counter", or None for an unknown type."""
        entry = OPERATIONAL_TYPES.get(self.what)
        return entry[1] if entry else None

    @classmethod
    def decode(cls, body: bytes, ctx=None):
        body = bytes(body)
        if len(body) < 4:
            raise _malformed("invalid operational message, not enough data for the header")
        what = int.from_bytes(body[0:2], "big")
        length = int.from_bytes(body[2:4], "big")
        value = body[4 : 4 + length]
        if len(value) < length:
            raise _malformed(f"invalid operational message, length {length} overruns the message")
        entry = OPERATIONAL_TYPES.get(what)
        if entry is None:
            return cls(what, value=value)
        category = entry[1]
        if length < _MINIMUM[category]:
            raise _malformed(f"invalid operational {category}, not enough data")
        afi = int.from_bytes(value[0:2], "big")
        safi = value[2]
        if category == ADVISORY:
            return cls(what, afi, safi, advisory=value[3:])
        sequence = int.from_bytes(value[7:11], "big")
        counter = int.from_bytes(value[11:15], "big") if category == COUNTER else 0
        return cls(what, afi, safi, router_id=_router_id(value[3:7]), sequence=sequence, counter=counter)

    def encode(self, ctx=None) -> bytes:
        category = self.category
        if category is None:
            value = self.value
        else:
            value = self.afi.to_bytes(2, "big") + bytes((self.safi,))
            if category == ADVISORY:
                value += self.advisory
            else:
                value += bytes(int(part) for part in self.router_id.split(".")) + self.sequence.to_bytes(4, "big")
                if category == COUNTER:
                    value += self.counter.to_bytes(4, "big")
        return self.what.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value
