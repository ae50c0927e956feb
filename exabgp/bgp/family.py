"""Address families: the (AFI, SAFI) table, on the AFI and SAFI registries of `exabgp._codec.tables`.

The AFI and SAFI numbers and their names (`AFI_NAMES`, `SAFI_NAMES`) are
the codec's tables (its JSON fast path names End-of-RIB families with
them), imported here; this module adds the pairs.  `FAMILIES` lists every pair ExaBGP 5.0
knows (docs/compatibility.md, "Families on the wire") with its configuration/JSON name, whether this
build decodes its NLRI, and the NLRI kind the prefix codec uses for it
(`FLOW`: FlowSpec rules, decoded by `exabgp.bgp.flow`; `VPLS`: VPLS NLRI,
decoded by `exabgp.bgp.vpls`; `MVPN`: MCAST-VPN NLRI, decoded by
`exabgp.bgp.mvpn`; `MUP`: BGP-MUP NLRI, decoded by `exabgp.bgp.mup`; `EVPN`: EVPN NLRI,
decoded by `exabgp.bgp.evpn`; `BGPLS`: BGP-LS NLRI, decoded by `exabgp.bgp.bgpls`; `RTC`: Route
Target Constraint NLRI, decoded by `exabgp.bgp.rtc`, the one object kind that carries ADD-PATH path
identifiers).
Families whose NLRI codec is not written yet carry ``nlri=None``: they are
known by name (capabilities, End-of-RIB, configuration) and their NLRI are
kept raw.
"""

from exabgp._codec.tables import (  # the AFI and SAFI registries, numbers and names, are the codec's (one table)
    AFI_BGPLS,
    AFI_IPV4,
    AFI_IPV6,
    AFI_L2VPN,
    AFI_NAMES,
    SAFI_BGPLS,
    SAFI_BGPLS_VPN,
    SAFI_EVPN,
    SAFI_FLOW,
    SAFI_FLOW_VPN,
    SAFI_MCAST_VPN,
    SAFI_MPLS_VPN,
    SAFI_MULTICAST,
    SAFI_MUP,
    SAFI_NAMES,
    SAFI_NLRI_MPLS,
    SAFI_RTC,
    SAFI_UNICAST,
    SAFI_VPLS,
)

# NLRI kinds of the prefix codec (exabgp._codec._nlri_*: KIND_PLAIN, KIND_LABELED, KIND_VPN)
PREFIX = 0
LABELED = 1
VPN = 2
# FlowSpec rules (exabgp.bgp.flow)
FLOW = 3
# VPLS NLRI (exabgp.bgp.vpls)
VPLS = 4
# MCAST-VPN NLRI (exabgp.bgp.mvpn)
MVPN = 5
# BGP-MUP NLRI (exabgp.bgp.mup)
MUP = 6
# EVPN NLRI (exabgp.bgp.evpn)
EVPN = 7
# BGP-LS NLRI (exabgp.bgp.bgpls)
BGPLS = 8
# Route Target Constraint NLRI (exabgp.bgp.rtc)
RTC = 9
#: the kinds of the prefix codec: one call per section, `exabgp.bgp.nlri.Prefix` objects
PREFIX_KINDS = frozenset((PREFIX, LABELED, VPN))
#: the kinds whose NLRI are objects that pack themselves (``pack()``), decoded by `exabgp.bgp.nlri.decode`
OBJECT_KINDS = frozenset((FLOW, VPLS, MVPN, MUP, EVPN, BGPLS, RTC))

#: (afi, safi) -> (name, nlri kind or None when this build keeps the NLRI raw)
FAMILIES = {
    (AFI_IPV4, SAFI_UNICAST): ("ipv4 unicast", PREFIX),
    (AFI_IPV4, SAFI_MULTICAST): ("ipv4 multicast", PREFIX),
    (AFI_IPV4, SAFI_NLRI_MPLS): ("ipv4 nlri-mpls", LABELED),
    (AFI_IPV4, SAFI_MCAST_VPN): ("ipv4 mcast-vpn", MVPN),
    (AFI_IPV4, SAFI_MUP): ("ipv4 mup", MUP),
    (AFI_IPV4, SAFI_MPLS_VPN): ("ipv4 mpls-vpn", VPN),
    (AFI_IPV4, SAFI_RTC): ("ipv4 rtc", RTC),
    (AFI_IPV4, SAFI_FLOW): ("ipv4 flow", FLOW),
    (AFI_IPV4, SAFI_FLOW_VPN): ("ipv4 flow-vpn", FLOW),
    (AFI_IPV6, SAFI_UNICAST): ("ipv6 unicast", PREFIX),
    (AFI_IPV6, SAFI_MULTICAST): ("ipv6 multicast", PREFIX),
    (AFI_IPV6, SAFI_NLRI_MPLS): ("ipv6 nlri-mpls", LABELED),
    (AFI_IPV6, SAFI_MCAST_VPN): ("ipv6 mcast-vpn", MVPN),
    (AFI_IPV6, SAFI_MUP): ("ipv6 mup", MUP),
    (AFI_IPV6, SAFI_MPLS_VPN): ("ipv6 mpls-vpn", VPN),
    (AFI_IPV6, SAFI_FLOW): ("ipv6 flow", FLOW),
    (AFI_IPV6, SAFI_FLOW_VPN): ("ipv6 flow-vpn", FLOW),
    (AFI_L2VPN, SAFI_VPLS): ("l2vpn vpls", VPLS),
    (AFI_L2VPN, SAFI_EVPN): ("l2vpn evpn", EVPN),
    (AFI_BGPLS, SAFI_BGPLS): ("bgp-ls bgp-ls", BGPLS),
    (AFI_BGPLS, SAFI_BGPLS_VPN): ("bgp-ls bgp-ls-vpn", None),
}

_BY_NAME = {name: pair for pair, (name, _kind) in FAMILIES.items()}


def afi_name(afi: int) -> str:
    return AFI_NAMES.get(afi, f"unknown afi {afi}")


def safi_name(safi: int) -> str:
    return SAFI_NAMES.get(safi, f"unknown safi {safi}")


def family_name(afi: int, safi: int) -> str:
    """`"ipv4 unicast"`, the name used in configuration and in update JSON."""
    entry = FAMILIES.get((afi, safi))
    return entry[0] if entry else f"{afi_name(afi)} {safi_name(safi)}"


def family_from_name(text: str):
    """`"ipv4 unicast"` (any spacing) to ``(1, 1)``, or None when unknown."""
    return _BY_NAME.get(" ".join(text.split()))


def nlri_kind(afi: int, safi: int):
    """The NLRI kind of this family (`PREFIX`, `LABELED`, `VPN`, `FLOW`, `VPLS`, `MVPN`, `MUP`, `EVPN`, `BGPLS`, `RTC`), or None when its NLRI stay raw."""
    entry = FAMILIES.get((afi, safi))
    return entry[1] if entry else None
