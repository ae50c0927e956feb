"""`NLRI`: the base class of every NLRI object, and the defaults of the NLRI protocol.

Every NLRI the package holds (`exabgp.bgp.nlri.Prefix`, `exabgp.bgp.nlri.RawNLRI`, and the
objects of `flow`, `vpls`, `mvpn`, `mup`, `evpn`, `bgpls`, `rtc`) is an `NLRI`, and answers the
same questions about itself, so no module asks which class an NLRI is
(docs/architecture.md, "Adding an address family"):

* ``afi``, ``safi``, ``path_id`` (the ADD-PATH path identifier, RFC 7911; None without one);
* ``json(nexthop=None)``: 5.0's JSON object in an UPDATE's announce/withdraw lists (the next hop of
  the announcement is given to the families whose object carries it: FlowSpec, BGP-LS);
* ``text()``: 5.0's name of the NLRI in its logs (debug lines, a route not sent, ``show adj-rib``
  in its json form);
* ``api_text(nexthop)``: the NLRI of a text encoder's ``announced`` / ``withdrawn`` line, with the
  next hop of the announcement (None in a withdrawal);
* ``show_text(nexthop)``: the route of a ``show adj-rib`` line, before its attributes;
* ``route_type``: which kind of ``show adj-rib in|out inet|flow|l2vpn`` lists it;
* ``spec()``: the words after the family that the configuration and the API read back as this NLRI,
  for the families they can write (prefixes, FlowSpec, VPLS, MCAST-VPN, MUP, RTC);
* ``packed(addpath)``: the NLRI as a session sends it, the path identifier first (0 when none) when
  ADD-PATH is negotiated for sending (object families; the prefix families pack a whole section in
  one codec call, `exabgp.bgp.nlri.encode`);
* equality and hash: two NLRI are equal when they are the same route (the `record` fields, or
  `Prefix.key`), which is how the RIBs and the configuration key them.

This class holds what most families share; a family overrides what 5.0 prints differently for it.
`TypedNLRI` adds the wire form of the ``type, length, value`` families (MCAST-VPN, EVPN).
It declares no field (``__slots__ = ()``): the subclasses are `record` classes or slotted classes
and keep their own layout.  A leaf of the `bgp` layer, like `nlri_fields`.
"""

from exabgp.bgp.family import afi_name, safi_name
from exabgp.bgp.nlri_fields import PATH_ID_SIZE


class NLRI:
    """The defaults of the NLRI protocol (see the module docstring)."""

    __slots__ = ()

    # every NLRI has these (fields or class constants of each class; annotations only, no slot here)
    afi: int
    safi: int
    path_id: int | None

    #: the ``show adj-rib`` kind (``inet``, ``flow``, ``l2vpn``); None: 5.0.15 lists these routes under no
    #: kind and leaves them out of the json form (RTC)
    route_type: str | None = "inet"

    def text(self) -> str:
        """5.0's name of this NLRI in its logs: every class writes its own."""
        raise NotImplementedError

    def pack(self) -> bytes:
        """The NLRI as on the wire, without path identifier: every object family writes its own (the prefix
        families pack whole sections in the codec)."""
        raise NotImplementedError

    def api_text(self, nexthop) -> str:
        """5.0 prints the family alone for the NLRI its text encoder has no text for, next hop or not."""
        return f"afi {afi_name(self.afi)} safi {safi_name(self.safi)}"

    def show_text(self, nexthop) -> str:
        """`text`, then ``next-hop`` and the next hop when the route has one."""
        text = self.text()
        return text if nexthop is None else f"{text} next-hop {nexthop}"

    def packed(self, addpath: bool) -> bytes:
        """`pack`, after the path identifier (0 when none) when `addpath`."""
        if addpath:
            return (self.path_id or 0).to_bytes(PATH_ID_SIZE, "big") + self.pack()
        return self.pack()


class TypedNLRI(NLRI):
    """An NLRI of ``route type (1 octet), length (1 octet), value``, held as its type ``code`` and its value
    ``body`` (fields of the subclass): MCAST-VPN (RFC 6514 section 4) and EVPN (RFC 7432 section 7), which
    `exabgp.bgp.nlri_fields.typed_items` decodes."""

    __slots__ = ()

    code: int
    body: bytes

    def pack(self) -> bytes:
        """The NLRI as on the wire: route type, length, octets."""
        return bytes((self.code, len(self.body))) + self.body
