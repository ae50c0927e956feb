"""NLRI objects for the prefix families, and raw NLRI for the others.

A whole NLRI section (the UPDATE's withdrawn routes or NLRI field, or the
NLRI part of MP_REACH_NLRI / MP_UNREACH_NLRI) is decoded by ONE call to the
codec (`exabgp._codec.decode_nlri`), which returns plain tuples; `decode`
wraps them in `Prefix` objects only when asked.  The families and their codec
kind come from `exabgp.bgp.family.FAMILIES`:

* plain prefixes (RFC 4271 section 4.3, RFC 4760): ipv4/ipv6 unicast and
  multicast;
* labeled prefixes (RFC 8277): ``nlri-mpls``;
* VPN prefixes (RFC 4364 section 4.3.4): ``mpls-vpn``, with a route
  distinguisher (RFC 4364 section 4.2, printed by `nlri_fields.rd_text`);
* every one optionally with an ADD-PATH path identifier (RFC 7911 section 3),
  printed as a dotted quad.

FlowSpec rules (flow, flow-vpn) are `exabgp.bgp.flow.Flow` objects, VPLS
NLRI (l2vpn vpls) `exabgp.bgp.vpls.VPLS` objects, MCAST-VPN NLRI
(mcast-vpn) `exabgp.bgp.mvpn.MVPN` objects, BGP-MUP NLRI (mup)
`exabgp.bgp.mup.MUP` objects, EVPN NLRI (l2vpn evpn) `exabgp.bgp.evpn.EVPN`
objects, BGP-LS NLRI (bgp-ls bgp-ls) `exabgp.bgp.bgpls.BGPLS` objects, Route Target
Constraint NLRI (ipv4 rtc) `exabgp.bgp.rtc.RTC` objects.
RFC 7911 lets ADD-PATH be negotiated for any family: when the context says
so, every NLRI of the object families is preceded by its 4-octet path
identifier too (`nlri_fields.path_id_at` reads it, each family's section decoder calls
it), kept in the object's `path_id` (it tells two paths of one NLRI apart,
and `encode` writes it back) but not printed, as 5.0.15 prints none for
these families (RTC's codec reads and writes its own).
Families whose NLRI codec is not written yet (bgp-ls-vpn) have ``nlri=None`` in the family table: their section is
kept whole as one `RawNLRI` and re-encoded unchanged.

Behaviour per family lives in two places, each the fastest for its question:

* per section, by NLRI kind (`exabgp.bgp.family.nlri_kind`): `decode` looks the kind up in
  `OBJECT_DECODERS` (the object families) or hands the section to the codec (the prefix kinds, one
  call per section); `encode` is the inverse.  A table keyed by kind, because a section has no
  object yet;
* per NLRI, by method: every NLRI class is an `exabgp.bgp.nlri_base.NLRI` and answers ``json``,
  ``text``, ``api_text``, ``show_text``, ``route_type``, ``spec`` and ``packed`` itself (the
  protocol is written out in that module).  A method, because the renderers, the logs, ``show
  adj-rib`` and the configuration hold an NLRI, not a family: one attribute lookup replaces a chain
  of ``isinstance`` tests, and the prefix path (a full table) pays one method call per route where
  it paid those tests before.  `Prefix` writes its own forms here; each object family writes its
  own in its module.

`NEXTHOP_SIZES` (the codec's table, `exabgp._codec.tables`) gives the next-hop lengths MP_REACH_NLRI
may carry per family (RFC 4760 section 3, RFC 4364 section 4.3.2, RFC 2545
section 3 for the 32-octet global + link-local form) and how many leading
octets are a (zero) route distinguisher.
"""

from exabgp import _codec
from exabgp._codec.tables import NEXTHOP_SIZES as NEXTHOP_SIZES  # the codec's table, read from here by the model
from exabgp.bgp import bgpls, evpn, flow, mup, mvpn, rtc, vpls
from exabgp.bgp.family import AFI_IPV4, AFI_L2VPN, BGPLS, EVPN, FLOW, MUP, MVPN, RTC, VPLS, family_name, nlri_kind
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.nlri_fields import address_text, rd_text


class Prefix(NLRI):
    """One prefix NLRI: family, optional path id, prefix, optional labels and RD."""

    __slots__ = ("afi", "safi", "path_id", "plen", "addr", "labels", "rd", "_hash")

    def __init__(self, afi, safi, path_id, plen, addr, labels=None, rd=None):
        self.afi = afi
        self.safi = safi
        self.path_id = path_id
        self.plen = plen
        self.addr = addr
        self.labels = labels
        self.rd = rd
        self._hash = None  # computed once: a route is looked up several times on its way to the Adj-RIB-Out

    def __eq__(self, other):
        return isinstance(other, Prefix) and self.key() == other.key()

    def __hash__(self):
        value = self._hash
        if value is None:
            value = self._hash = hash(self.key())
        return value

    def __repr__(self):
        return f"Prefix({family_name(self.afi, self.safi)} {self.prefix()})"

    def key(self):
        return (self.afi, self.safi, self.path_id, self.plen, self.addr, self.labels, self.rd)

    def codec_tuple(self):
        return (self.path_id, self.plen, self.addr, self.labels, self.rd)

    def prefix(self) -> str:
        """``1.2.3.0/24``: the address as received (host bits kept) and the length."""
        return f"{address_text(self.addr)}/{self.plen}"

    text = prefix

    def path_information(self):
        """The path identifier as a dotted quad, or None without ADD-PATH."""
        if self.path_id is None:
            return None
        return address_text(self.path_id.to_bytes(4, "big"))

    def json(self, nexthop=None) -> str:
        """``{ "nlri": "P"[, "path-information": "I"][, "label": [ [L], ... ]][, "rd": "R"] }`` (no next hop)."""
        fields = []
        path = self.path_information()
        if path is not None:
            fields.append(f'"path-information": "{path}"')
        if self.labels:
            fields.append('"label": [ ' + ", ".join(f"[{label >> 4}]" for label in self.labels) + " ]")
        if self.rd is not None:
            fields.append(f'"rd": "{rd_text(self.rd)}"')
        if fields:
            return f'{{ "nlri": "{self.prefix()}", {", ".join(fields)} }}'
        return f'{{ "nlri": "{self.prefix()}" }}'

    def api_text(self, nexthop) -> str:
        """``P[ path-information I][ label L | label [ L L ]][ next-hop N][ rd R]``."""
        text = self.prefix()
        path = self.path_information()
        if path is not None:
            text += f" path-information {path}"
        if self.labels:
            labels = [str(label >> 4) for label in self.labels]
            text += f" label {labels[0]}" if len(labels) == 1 else f" label [ {' '.join(labels)} ]"
        if nexthop is not None:
            text += f" next-hop {nexthop}"
        if self.rd is not None:
            text += f" rd {rd_text(self.rd)}"
        return text

    show_text = api_text  # 5.0 places path-information, label and rd as its text encoder does

    def spec(self) -> str:
        """``P[ rd R][ label [ L ... ]][ path-information I]``, as `exabgp.config.route` reads it."""
        words = [self.prefix()]
        if self.rd is not None:
            words.append(f"rd {rd_text(self.rd)}")
        if self.labels is not None:
            words.append("label [ " + " ".join(str(label >> 4) for label in self.labels) + " ]")
        if self.path_id is not None:
            words.append(f"path-information {self.path_information()}")
        return " ".join(words)


class RawNLRI(NLRI):
    """A whole NLRI section of a family this build does not decode yet."""

    __slots__ = ("afi", "safi", "data", "route_type")

    path_id = None

    def __init__(self, afi, safi, data):
        self.afi = afi
        self.safi = safi
        self.data = bytes(data)
        self.route_type = "l2vpn" if afi == AFI_L2VPN else "inet"

    def __eq__(self, other):
        return isinstance(other, RawNLRI) and (self.afi, self.safi, self.data) == (other.afi, other.safi, other.data)

    def __hash__(self):
        return hash((self.afi, self.safi, self.data))

    def __repr__(self):
        return f"RawNLRI({family_name(self.afi, self.safi)} 0x{self.data.hex().upper()})"

    text = __repr__

    def json(self, nexthop=None) -> str:
        """``{ "raw": "0x<HEX>" }``."""
        return f'{{ "raw": "0x{self.data.hex().upper()}" }}'

    def api_text(self, nexthop) -> str:
        """``0x<HEX>``."""
        return "0x" + self.data.hex().upper()

    def packed(self, addpath: bool) -> bytes:
        """The section as received."""
        return self.data


#: NLRI kind -> the decoder of one section of that object family: ``(afi, safi, octets, addpath) -> [NLRI]``
OBJECT_DECODERS = {
    FLOW: flow.decode_flows,
    VPLS: lambda afi, safi, data, addpath: vpls.decode_vpls(data, addpath),
    MVPN: lambda afi, safi, data, addpath: mvpn.decode_mvpn(afi, data, addpath),
    MUP: lambda afi, safi, data, addpath: mup.decode_mup(afi, data, addpath),
    EVPN: lambda afi, safi, data, addpath: evpn.decode_evpn(data, addpath),
    BGPLS: lambda afi, safi, data, addpath: bgpls.decode_bgpls(data, addpath),
    RTC: lambda afi, safi, data, addpath: rtc.decode_rtc(data, addpath),
}


def decode(afi: int, safi: int, data, addpath: bool, withdraw: bool = False):
    """Every NLRI of one section as `Prefix` objects, or ``[RawNLRI]`` for other families.

    `withdraw` says the section is MP_UNREACH_NLRI's: a labeled or VPN NLRI there starts with RFC 8277's
    Compatibility field (the label framing of `exabgp._codec._nlri_py`)."""
    if not data:
        return []
    kind = nlri_kind(afi, safi)
    if kind is None:
        return [RawNLRI(afi, safi, data)]
    decoder = OBJECT_DECODERS.get(kind)
    if decoder is not None:
        return decoder(afi, safi, bytes(data), addpath)
    return [
        Prefix(afi, safi, path_id, plen, addr, labels, rd)
        for path_id, plen, addr, labels, rd in _codec.decode_nlri(data, afi, addpath, kind, withdraw)
    ]


def encode(afi: int, safi: int, nlris, addpath: bool) -> bytes:
    """The octets of one section (the inverse of `decode`)."""
    kind = nlri_kind(afi, safi)
    if kind is None or kind in OBJECT_DECODERS:
        return b"".join(nlri.packed(addpath) for nlri in nlris)
    return _codec.encode_nlri([nlri.codec_tuple() for nlri in nlris], afi, addpath, kind)


def ipv4_unicast(data, addpath: bool):
    """The UPDATE's own withdrawn-routes or NLRI field (always IPv4 unicast)."""
    return decode(AFI_IPV4, 1, data, addpath)
