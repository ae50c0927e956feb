"""A route to send: one NLRI, its next hop and its path attributes, packed as on the wire.

Routes come from the configuration (`static`, `announce`) and, later, from
helper processes; the Adj-RIB-Out keeps them and packs the ones that share
an attribute set into UPDATEs.  To keep memory per route small and grouping
cheap, the attributes are one interned `AttributeSet` shared by every route
that carries the same attributes: the canonical wire TLVs, sorted by type
code, without NEXT_HOP, MP_REACH_NLRI and MP_UNREACH_NLRI (those depend on
the family and are built when the UPDATE is packed).  Equality and hashing
of an `AttributeSet` are those of its TLV tuple, computed once.

On the wire the TLVs go in type-code order as ExaBGP 5.0 writes them, except
that AS4_PATH follows AS_PATH and AS4_AGGREGATOR follows AGGREGATOR (5.0
writes each pair together on sessions without 4-octet AS numbers, RFC 6793
section 4.2.2); `packed()` gives them in that order and `next_hop_offset()`
where a NEXT_HOP TLV belongs among them.

The next hop is kept packed (4 octets for IPv4, 16 for IPv6, 32 for a
global plus link-local IPv6 pair) or is `NEXT_HOP_SELF`, which the
Adj-RIB-Out replaces by the session's local address when it adds the route,
or `NO_NEXT_HOP`.
"""

from exabgp._codec import encode_attribute
from exabgp.bgp.attribute import AGGREGATOR, AS4_AGGREGATOR, AS4_PATH, AS_PATH, NEXT_HOP

NEXT_HOP_SELF = b"self"
NO_NEXT_HOP = b""

#: codes written right behind another one instead of at their own place
_WRITTEN_AFTER = {AS4_PATH: AS_PATH, AS4_AGGREGATOR: AGGREGATOR}


def _wire_key(tlv):
    code = tlv[0]
    return _WRITTEN_AFTER.get(code, code), code


_NEXT_HOP_KEY = (NEXT_HOP, NEXT_HOP)


class AttributeSet:
    """Canonical, hashable path attributes: ``((code, flags, value), ...)`` sorted by code."""

    __slots__ = ("tlvs", "_hash", "_packed", "_next_hop_offset")

    def __init__(self, tlvs=()):
        self.tlvs = tuple(sorted((int(code), int(flags), bytes(value)) for code, flags, value in tlvs))
        self._hash = hash(self.tlvs)
        self._packed = None
        self._next_hop_offset = 0

    def __eq__(self, other):
        return isinstance(other, AttributeSet) and self._hash == other._hash and self.tlvs == other.tlvs

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"AttributeSet({', '.join(str(code) for code, _flags, _value in self.tlvs)})"

    def codes(self):
        return tuple(code for code, _flags, _value in self.tlvs)

    def get(self, code):
        """The value octets of attribute `code`, or None."""
        for tlv_code, _flags, value in self.tlvs:
            if tlv_code == code:
                return value
        return None

    def packed(self) -> bytes:
        """All TLVs encoded back to back in 5.0's wire order (computed once)."""
        if self._packed is None:
            ordered = sorted(self.tlvs, key=_wire_key)
            head = b"".join(encode_attribute(*tlv) for tlv in ordered if _wire_key(tlv) < _NEXT_HOP_KEY)
            self._packed = head + b"".join(encode_attribute(*tlv) for tlv in ordered if _wire_key(tlv) >= _NEXT_HOP_KEY)
            self._next_hop_offset = len(head)
        return self._packed

    def next_hop_offset(self) -> int:
        """Where, in `packed()`, a NEXT_HOP TLV goes."""
        self.packed()
        return self._next_hop_offset


class AttributeSets:
    """An interning table: equal attribute sets become one shared object.

    With a `limit`, the table starts over when it holds that many sets, so that a long-lived table fed
    ever new sets (a helper changing a MED every second) stays bounded; the objects it gave out are
    untouched, and equal sets compare equal whichever object they are, so only sharing is lost."""

    __slots__ = ("_table", "_limit")

    def __init__(self, limit: int | None = None):
        self._table: dict = {}
        self._limit = limit

    def intern(self, attributes: AttributeSet) -> AttributeSet:
        table = self._table
        found = table.get(attributes)
        if found is not None:
            return found
        if self._limit is not None and len(table) >= self._limit:
            table.clear()
        table[attributes] = attributes
        return attributes

    def __len__(self):
        return len(self._table)


class Route:
    """One NLRI (`exabgp.bgp.nlri.Prefix`), its packed next hop and its `AttributeSet`."""

    __slots__ = ("nlri", "nexthop", "attributes")

    def __init__(self, nlri, nexthop: bytes, attributes: AttributeSet):
        self.nlri = nlri
        self.nexthop = nexthop
        self.attributes = attributes

    @property
    def family(self):
        return (self.nlri.afi, self.nlri.safi)

    def __eq__(self, other):
        return (
            isinstance(other, Route)
            and self.nlri == other.nlri
            and self.nexthop == other.nexthop
            and self.attributes == other.attributes
        )

    def __hash__(self):
        return hash((self.nlri, self.nexthop, self.attributes))

    def __repr__(self):
        return f"Route({self.nlri!r} next-hop {self.nexthop.hex() or '-'} {self.attributes!r})"
