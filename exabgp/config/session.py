"""A configured neighbor and the environment, turned into what a session needs (its `SessionSettings`).

The reactor starts its sessions with these settings, and ``exabgp decode``
negotiates its context from them (`exabgp.cli.decode`): one mapping, so that
a decoded message is read as the daemon's session would read it.

`session_settings(neighbor, environment, version)` maps a frozen
`exabgp.config.neighbor.Neighbor` onto the sans-IO `SessionSettings`, with
ExaBGP 5.0's choices (docs/compatibility.md, "Neighbors and templates", "Sessions and the FSM"):

* ``route-refresh`` announces both route refresh (RFC 2918) and enhanced
  route refresh (RFC 7313);
* ``graceful-restart`` without a time (0 here) uses the hold time
  (RFC 4724);
* ADD-PATH (RFC 7911) is offered with the capability's mode for the
  configured families of the ``add-path`` block (every configured family
  when there is none), restricted to those 5.0 can send path identifiers
  for, in 5.0's order: IPv4/IPv6 unicast, nlri-mpls, mpls-vpn; then ipv4 rtc
  (RFC 4684, which 5.0.15 never offers it for) when the ``add-path`` block
  names it: a configuration 5.0 accepts offers what 5.0 offers;
* extended next hop (RFC 8950) is offered for the ``nexthop`` block's
  entries when the capability is on (by default: when the block exists),
  restricted to 5.0's list (IPv4 unicast, multicast, nlri-mpls, mpls-vpn
  over IPv6) and, as 5.0 does, to the entries whose family and next-hop
  family (the next hop's AFI with the same SAFI) are both configured;
* the software version capability carries ``ExaBGP/<version>`` (at most 64
  octets, cut with ``...`` as 5.0 cuts it), where the version is the
  ``exabgp_version`` override when the caller passes one;
* ``bgp.passive`` makes every neighbor passive; ``bgp.openwait`` bounds the
  wait for the peer's OPEN.
"""

from exabgp.bgp.family import (
    AFI_IPV4,
    AFI_IPV6,
    SAFI_MPLS_VPN,
    SAFI_MULTICAST,
    SAFI_NLRI_MPLS,
    SAFI_RTC,
    SAFI_UNICAST,
)
from exabgp.session.negotiation import SessionSettings

#: the families 5.0 offers ADD-PATH for, in its order
ADD_PATH_FAMILIES = (
    (AFI_IPV4, SAFI_UNICAST),
    (AFI_IPV6, SAFI_UNICAST),
    (AFI_IPV4, SAFI_NLRI_MPLS),
    (AFI_IPV6, SAFI_NLRI_MPLS),
    (AFI_IPV4, SAFI_MPLS_VPN),
    (AFI_IPV6, SAFI_MPLS_VPN),
)
#: offered besides 5.0's when the ``add-path`` block names them (not through the configured families)
ADD_PATH_NAMED_ONLY = ((AFI_IPV4, SAFI_RTC),)

#: the extended next hops 5.0 offers (RFC 8950), in its order
NEXTHOP_ENTRIES = (
    (AFI_IPV4, SAFI_UNICAST, AFI_IPV6),
    (AFI_IPV4, SAFI_MULTICAST, AFI_IPV6),
    (AFI_IPV4, SAFI_NLRI_MPLS, AFI_IPV6),
    (AFI_IPV4, SAFI_MPLS_VPN, AFI_IPV6),
)

SOFTWARE_VERSION_MAX = 64


def software_version(version: str) -> str:
    """The software version capability text for `version` (5.0 cuts it to 64 octets)."""
    text = f"ExaBGP/{version}"
    if len(text) > SOFTWARE_VERSION_MAX:
        text = text[: SOFTWARE_VERSION_MAX - 3] + "..."
    return text


def session_settings(neighbor, environment, version: str, local_address: str | None = None) -> SessionSettings:
    """The settings of one session with `neighbor`; `local_address` is the socket's when known."""
    capability = neighbor.capability
    graceful = capability.graceful_restart
    if graceful == 0:
        graceful = neighbor.hold_time
    add_path: tuple = ()
    if capability.add_path:
        candidates = (
            [pair for pair in neighbor.add_path if pair in neighbor.families]
            if neighbor.add_path
            else neighbor.families
        )
        add_path = tuple(
            (afi, safi, capability.add_path) for afi, safi in ADD_PATH_FAMILIES if (afi, safi) in candidates
        ) + tuple(
            (afi, safi, capability.add_path)
            for afi, safi in ADD_PATH_NAMED_ONLY
            if (afi, safi) in neighbor.add_path and (afi, safi) in neighbor.families
        )
    nexthop_on = capability.nexthop if capability.nexthop is not None else bool(neighbor.nexthop)
    families = set(neighbor.families)
    nexthop = (
        tuple(
            (afi, safi, nexthop_afi)
            for afi, safi, nexthop_afi in NEXTHOP_ENTRIES
            if (afi, safi, nexthop_afi) in neighbor.nexthop
            and (afi, safi) in families
            and (nexthop_afi, safi) in families
        )
        if nexthop_on
        else ()
    )
    return SessionSettings(
        local_address=local_address or neighbor.local_address or "",
        peer_address=neighbor.peer_address,
        local_as=neighbor.local_as,
        peer_as=neighbor.peer_as,
        router_id=neighbor.router_id,
        hold_time=neighbor.hold_time,
        passive=neighbor.passive or environment.get("bgp", "passive"),
        open_wait=environment.get("bgp", "openwait"),
        families=tuple(neighbor.families),
        asn4=capability.asn4,
        route_refresh=capability.route_refresh,
        enhanced_route_refresh=capability.route_refresh,
        graceful_restart=graceful,
        add_path=add_path,
        extended_message=capability.extended_message,
        nexthop=nexthop,
        multisession=capability.multi_session,
        operational=capability.operational,
        host_name=neighbor.host_name,
        domain_name=neighbor.domain_name,
        software_version=software_version(version) if capability.software_version else None,
        aigp=capability.aigp,
    )
