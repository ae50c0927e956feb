"""The UPDATE message (RFC 4271 section 4.3), lazy: decoded only as far as it is read.

`Update.decode(body, ctx)` makes ONE codec call (`_codec.split_update`) and
keeps the three sections as bytes; nothing else is looked at.  A collector
that forwards or counts UPDATEs pays for that and nothing more.  The
accessors decode on demand, each at most once per context:

* `attributes(ctx)`: the path attributes with RFC 7606 applied per the table
  of `exabgp.bgp.attribute` (treat-as-withdraw, a missing well-known
  mandatory attribute included on a session's context, attribute discard,
  session reset as `CodecError`);
* `changes(ctx)`: every NLRI as ``(action, (afi, safi), nexthop, nlri)`` in
  ExaBGP 5.0's order: the withdrawn-routes field, the NLRI field (next hop
  from NEXT_HOP), MP_UNREACH_NLRI, then MP_REACH_NLRI (RFC 4760).  A 32-octet
  IPv6 next hop (global + link-local, RFC 2545 section 3) lists every NLRI
  once under each address, as 5.0 prints it;
* `eor(ctx)`: the ``(afi, safi)`` of an End-of-RIB (RFC 4724 section 2): an
  UPDATE with nothing in it is IPv4 unicast, one with only an empty
  MP_UNREACH_NLRI is that family's.  An UPDATE `_codec.check_update`
  vouches for carries routes: None without decoding anything.  `eor_body(afi,
  safi)` writes one, as ExaBGP 5.0 sends it (the one encoder of the marker,
  which the session's `send_eor` sends).

`Update(withdrawn, attributes, nlri)` builds one from parts: IPv4 unicast
`Prefix` lists for the two IPv4 fields and ``(code, flags, value)`` triples,
in wire order, whose value is bytes or, for MP_REACH_NLRI / MP_UNREACH_NLRI,
an `MPReach` / `MPUnreach` whose `nlri` is bytes or a list of NLRI objects.
`encode(ctx)` gives the body; `parts(ctx)` gives the parts of a decoded one,
so ``Update(*u.parts(ctx)).encode(ctx)`` is the body again for a canonical
message (attribute order and Extended Length bits as received).  `parts`
answers as `attributes` does: a `CodecError` for a session reset; an MP
attribute RFC 7606 treats as withdraw (an empty MP_REACH_NLRI, ``0000 0003
800e00``) keeps its octets as bytes, which `encode` writes back as they are.
"""

from exabgp import _codec
from exabgp._codec.tables import EXTENDED_LENGTH, OPTIONAL, UPDATE
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.nlri_fields import address_text
from exabgp.bgp.attribute import (
    MP_REACH_NLRI,
    MP_UNREACH_NLRI,
    NEXT_HOP,
    MPReach,
    MPUnreach,
    decode_attributes,
)
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST

ANNOUNCE = "announce"
WITHDRAW = "withdraw"

_IPV4_UNICAST = (AFI_IPV4, SAFI_UNICAST)

#: End-of-RIB of a family other than IPv4 unicast up to the family: no withdrawn routes, 7 octets of
#: attributes, MP_UNREACH_NLRI (Extended Length set as 5.0 sets it, although the value is 3 octets)
_EOR_HEAD = bytes((0, 0, 0, 7, OPTIONAL | EXTENDED_LENGTH, MP_UNREACH_NLRI, 0, 3))


def eor_body(afi: int, safi: int) -> bytes:
    """The body of an End-of-RIB for the family (RFC 4724 section 2), as 5.0 sends it: an empty UPDATE
    for IPv4 unicast, else an MP_UNREACH_NLRI with the family and no NLRI (`_EOR_HEAD`)."""
    if (afi, safi) == _IPV4_UNICAST:
        return bytes(4)
    return _EOR_HEAD + afi.to_bytes(2, "big") + bytes((safi,))


#: an attribute value kept as it was received (an MP attribute RFC 7606 treats as withdraw)
_OCTETS = (bytes, bytearray, memoryview)


def _mp_value(value, ctx, decoding: bool):
    """An MP attribute value with its NLRI as bytes (encoding) or objects (decoding)."""
    if decoding:
        addpath = ctx.receives_path_id(value.afi, value.safi)
        nlris = nlri_module.decode(value.afi, value.safi, value.nlri, addpath, isinstance(value, MPUnreach))
    else:
        if isinstance(value.nlri, (bytes, bytearray)):
            return value
        addpath = ctx.sends_path_id(value.afi, value.safi)
        nlris = nlri_module.encode(value.afi, value.safi, value.nlri, addpath)
    if isinstance(value, MPReach):
        return MPReach(value.afi, value.safi, value.nexthop, value.nexthops, nlris, value.reserved)
    return MPUnreach(value.afi, value.safi, nlris)


class Update:
    """One UPDATE; see the module docstring."""

    TYPE = UPDATE

    __slots__ = (
        "body",
        "withdrawn_octets",
        "attribute_octets",
        "nlri_octets",
        "_parts",
        "_ctx",
        "_attributes",
        "_changes",
    )

    def __init__(self, withdrawn=(), attributes=(), nlri=()):
        self.body = self.withdrawn_octets = self.attribute_octets = self.nlri_octets = None
        self._parts = (list(withdrawn), list(attributes), list(nlri))
        self._ctx = self._attributes = self._changes = None

    @classmethod
    def decode(cls, body, ctx):
        """Split the body (3/1 when its lengths do not fit); decode nothing else."""
        self = cls.__new__(cls)
        self.withdrawn_octets, self.attribute_octets, self.nlri_octets = _codec.split_update(body)
        self.body = body
        self._parts = self._ctx = self._attributes = self._changes = None
        return self

    # ------------------------------------------------------------ decoding

    def _sections(self, ctx):
        """withdrawn octets, attribute octets, NLRI octets, for a built one too."""
        if self._parts is None:
            return self.withdrawn_octets, self.attribute_octets, self.nlri_octets
        return self._encode_sections(ctx)

    def attributes(self, ctx):
        """The decoded `Attributes` (RFC 7606 applied); raises CodecError on a session reset."""
        if self._attributes is None or self._ctx is not ctx:
            self._ctx, self._changes = ctx, None
            _, section, announced = self._sections(ctx)
            self._attributes = decode_attributes(section, ctx, bool(announced))
        return self._attributes

    def changes(self, ctx):
        """Every NLRI as ``(action, (afi, safi), nexthop text or None, nlri)``, in 5.0's order."""
        attributes = self.attributes(ctx)
        if self._changes is not None:
            return self._changes
        withdrawn, _, announced = self._sections(ctx)
        addpath = ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST)
        changes = [(WITHDRAW, _IPV4_UNICAST, None, item) for item in nlri_module.ipv4_unicast(withdrawn, addpath)]
        if announced:
            nexthop = attributes.get(NEXT_HOP)
            changes.extend(
                (ANNOUNCE, _IPV4_UNICAST, nexthop, item) for item in nlri_module.ipv4_unicast(announced, addpath)
            )
        unreach = attributes.get(MP_UNREACH_NLRI)
        if unreach is not None:
            family = (unreach.afi, unreach.safi)
            changes.extend((WITHDRAW, family, None, item) for item in _mp_value(unreach, ctx, True).nlri)
        reach = attributes.get(MP_REACH_NLRI)
        if reach is not None:
            family = (reach.afi, reach.safi)
            nexthops = [address_text(nexthop) for nexthop in reach.nexthops] or [None]
            for item in _mp_value(reach, ctx, True).nlri:
                changes.extend((ANNOUNCE, family, nexthop, item) for nexthop in nexthops)
        self._changes = changes
        return changes

    def eor(self, ctx):
        """``(afi, safi)`` when this UPDATE is an End-of-RIB marker, else None."""
        withdrawn, section, announced = self._sections(ctx)
        if withdrawn or announced:
            return None
        if not section:
            return _IPV4_UNICAST
        if self.body is not None and _codec.check_update(
            self.body, ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST), ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST)
        ):
            return None  # vouched for: carries routes, so no End-of-RIB, and nothing to decode
        attributes = self.attributes(ctx)
        others = [code for code in attributes.values if code not in (MP_REACH_NLRI, MP_UNREACH_NLRI)]
        if others or attributes.treat_as_withdraw or attributes.discard or self.changes(ctx):
            return None
        for code in (MP_UNREACH_NLRI, MP_REACH_NLRI):
            value = attributes.get(code)
            if value is not None:
                return (value.afi, value.safi)
        return _IPV4_UNICAST

    def parts(self, ctx):
        """``(withdrawn, attributes, nlri)`` as the constructor takes them."""
        if self._parts is not None:
            return self._parts
        withdrawn, section, announced = self._sections(ctx)
        addpath = ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST)
        attributes = []
        decoded = self.attributes(ctx)  # a session reset raises its CodecError here
        for code, flags, value in _codec.walk_attributes(section):
            if code in (MP_REACH_NLRI, MP_UNREACH_NLRI) and code in decoded:
                value = _mp_value(decoded.get(code), ctx, True)
            attributes.append((code, flags, value))
        return (nlri_module.ipv4_unicast(withdrawn, addpath), attributes, nlri_module.ipv4_unicast(announced, addpath))

    # ------------------------------------------------------------ encoding

    def _encode_sections(self, ctx):
        withdrawn, attributes, announced = self._parts
        addpath = ctx.sends_path_id(AFI_IPV4, SAFI_UNICAST)
        section = b"".join(
            _codec.encode_attribute(
                code,
                flags,
                _mp_value(value, ctx, False).encode_value()
                if code in (MP_REACH_NLRI, MP_UNREACH_NLRI) and not isinstance(value, _OCTETS)
                else value,
            )
            for code, flags, value in attributes
        )
        return (
            nlri_module.encode(AFI_IPV4, SAFI_UNICAST, withdrawn, addpath),
            section,
            nlri_module.encode(AFI_IPV4, SAFI_UNICAST, announced, addpath),
        )

    def encode(self, ctx) -> bytes:
        """The UPDATE body (without the 19-octet header)."""
        if self._parts is None:
            withdrawn, section, announced = self.withdrawn_octets, self.attribute_octets, self.nlri_octets
        else:
            withdrawn, section, announced = self._encode_sections(ctx)
        return len(withdrawn).to_bytes(2, "big") + withdrawn + len(section).to_bytes(2, "big") + section + announced
