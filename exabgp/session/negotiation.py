"""The OPEN we send, the checks on the OPEN we receive, and what the two negotiate.

`SessionSettings` is everything a session needs from the configuration,
frozen; the configuration layer fills it, this package never reads a
configuration.  `build_open(settings, local_as, restart_state)` makes our
OPEN with the capabilities in ExaBGP 5.0's order, each in its own optional
parameter (as 5.0 sends them, captured from 5.0.15): multiprotocol (one per
family), four-octet AS (RFC 6793), extended next hop (RFC 8950), ADD-PATH
(RFC 7911), graceful restart (RFC 4724), route refresh (RFC 2918) and
enhanced route refresh (RFC 7313), operational, extended message (RFC 8654),
hostname, software version, multi-session (draft code 68, then Cisco's 131).
Departure from 5.0: the draft multi-session capability is one TLV, flags then
the Session Id (draft-ietf-idr-bgp-multisession-07 section 4), where 5.0
sends the flags octet and each code as separate TLVs.

`negotiate(settings, sent, received)` checks the peer's OPEN as RFC 4271
section 6.2 and 5.0 do, in 5.0's order, raising `CodecError`:

* the peer AS differs from the configured one (None accepts any): 2/2;
* a BGP Identifier of 0.0.0.0, or equal to ours on an iBGP session: 2/3
  (RFC 6286);
* a Hold Time of 1 or 2 seconds: 2/6;
* multi-session announced by us and not by the peer (2/9), or a different
  Session Id or family list (2/8);

and returns the `Negotiated` result: hold time the smaller of the two (and
keepalive a third of it), four-octet AS when both announce it, families and
extended next hops the intersection (in the peer's order), ADD-PATH per
family and direction (we send path identifiers where we offered send and the
peer offered receive, and the other way round), route refresh ``absent``,
``normal`` (code 2 on both sides) or ``enhanced`` (code 70 on both sides),
extended message, multi-session and operational when both announce them.
`Negotiated.context` is the `CodecContext` every UPDATE of the session is
decoded and encoded with.  The version (2/1), unknown optional parameters
(2/4) and malformed capabilities (2/0) are `Open.decode`'s checks.
"""

from exabgp.bgp.record import record

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import EXTENDED_MAX_SIZE, MAX_SIZE
from exabgp.bgp import capability as cap
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import AFI_IPV4, SAFI_UNICAST
from exabgp.bgp.open import AS_TRANS, Open, hold_time_acceptable, router_id_acceptable

REFRESH_ABSENT = "absent"
REFRESH_NORMAL = "normal"
REFRESH_ENHANCED = "enhanced"

#: draft-ietf-idr-bgp-multisession section 4: the Session Id we announce (MULTIPROTOCOL)
SESSION_ID = (cap.MULTIPROTOCOL,)


@record
class SessionSettings:
    """What one session needs from the configuration of its neighbor.

    `local_as` None mirrors the peer's AS (``local-as auto``: our OPEN waits
    for the peer's); `peer_as` None accepts any AS.  `families` are
    ``(afi, safi)`` pairs; `add_path` ``(afi, safi, mode)`` triples with the
    RFC 7911 mode (1 receive, 2 send, 3 both); `nexthop` ``(afi, safi,
    nexthop_afi)`` triples (RFC 8950).  `graceful_restart` is the restart
    time, None for no capability.  `host_name` None or empty sends no
    hostname capability; `software_version` None sends none.  `open_wait`
    bounds the wait for the peer's OPEN (``bgp.openwait``; 0 waits forever).
    """

    local_address: str
    peer_address: str
    local_as: int | None
    peer_as: int | None
    router_id: str
    hold_time: int = 180
    passive: bool = False
    open_wait: int = 60
    families: tuple = ((AFI_IPV4, SAFI_UNICAST),)
    asn4: bool = True
    route_refresh: bool = False
    enhanced_route_refresh: bool = False
    graceful_restart: int | None = None
    add_path: tuple = ()
    extended_message: bool = True
    nexthop: tuple = ()
    multisession: bool = False
    operational: bool = False
    host_name: str | None = None
    domain_name: str | None = None
    software_version: str | None = None
    aigp: bool = False

    def __post_init__(self):
        if not hold_time_acceptable(self.hold_time) or self.hold_time > 0xFFFF:
            raise ValueError(f"hold time {self.hold_time} is neither 0 nor between 3 and 65535")
        if self.local_as is not None:
            check_local_as(self, self.local_as)


def check_local_as(settings: SessionSettings, local_as: int) -> None:
    """A four-octet AS cannot be announced without the four-octet AS capability (RFC 6793)."""
    if local_as == AS_TRANS or not 0 < local_as <= 0xFFFFFFFF:
        raise ValueError(f"{local_as} is not an AS number we can announce")
    if local_as > 0xFFFF and not settings.asn4:
        raise ValueError(f"the four-octet AS {local_as} requires the asn4 capability")


def capabilities(settings: SessionSettings, local_as: int, restart_state: bool) -> list:
    """Our capabilities in ExaBGP 5.0's order (see the module docstring)."""
    found: list[object] = [cap.Multiprotocol(afi, safi) for afi, safi in settings.families]
    if settings.asn4:
        found.append(cap.FourOctetAS(local_as))
    if settings.nexthop:
        found.append(cap.ExtendedNextHop(tuple(settings.nexthop)))
    add_path = tuple(entry for entry in settings.add_path if entry[2])
    if add_path:
        found.append(cap.AddPath(add_path))
    if settings.graceful_restart is not None:
        found.append(
            cap.GracefulRestart(
                cap.GRACEFUL_RESTART_STATE if restart_state else 0,
                settings.graceful_restart,
                tuple((afi, safi, cap.GRACEFUL_FORWARDING_STATE) for afi, safi in settings.families),
            )
        )
    if settings.route_refresh:
        found.append(cap.RouteRefreshCapability())
    if settings.enhanced_route_refresh:
        found.append(cap.EnhancedRouteRefresh())
    if settings.operational:
        found.append(cap.OperationalCapability())
    if settings.extended_message:
        found.append(cap.ExtendedMessage())
    if settings.host_name:
        found.append(cap.HostName(settings.host_name, settings.domain_name or ""))
    if settings.software_version is not None:
        found.append(cap.SoftwareVersion(settings.software_version))
    if settings.multisession:
        found.append(cap.MultiSession(cap.MULTISESSION, 0, SESSION_ID))
        found.append(cap.MultiSession(cap.MULTISESSION_CISCO, 0, ()))
    return found


def build_open(settings: SessionSettings, local_as: int, restart_state: bool = False) -> Open:
    """Our OPEN; `restart_state` sets the graceful restart R bit (RFC 4724 section 3)."""
    check_local_as(settings, local_as)
    return Open.new(local_as, settings.hold_time, settings.router_id, capabilities(settings, local_as, restart_state))


@record
class Negotiated:
    """The outcome of the OPEN exchange (what 5.0's ``negotiated`` API message shows, and more).

    `families`, `nexthop`, `addpath_send`, `addpath_receive` are tuples in the
    order described in the module docstring; `mismatch` lists ``(side,
    (afi, safi))`` for the families only one side announced (side "exabgp"
    when only the peer has it, "peer" when only we have it, as 5.0 logs it).
    `graceful_restart` is the peer's capability (None without one).
    """

    sent_open: Open
    received_open: Open
    local_as: int
    peer_as: int
    peer_router_id: str
    hold_time: int
    keepalive_time: int
    asn4: bool
    families: tuple
    nexthop: tuple
    addpath_send: tuple
    addpath_receive: tuple
    refresh: str
    extended_message: bool
    multisession: bool
    operational: bool
    aigp: bool
    graceful_restart: object
    mismatch: tuple

    @property
    def message_size(self) -> int:
        return EXTENDED_MAX_SIZE if self.extended_message else MAX_SIZE

    @property
    def context(self) -> CodecContext:
        return CodecContext(
            asn4=self.asn4,
            addpath_receive=frozenset(self.addpath_receive),
            addpath_send=frozenset(self.addpath_send),
            extended_message=self.extended_message,
            extended_nexthop=frozenset(self.nexthop),
            aigp=self.aigp,
        )


def _announced(sent: Open, received: Open, code: int) -> bool:
    return bool(sent.capabilities_of(code)) and bool(received.capabilities_of(code))


def _ordered_unique(items) -> tuple:
    return tuple(dict.fromkeys(items))


def _addpath_modes(message: Open) -> dict:
    """(afi, safi) -> send/receive mode, the last entry winning."""
    modes = {}
    for capability in message.capabilities_of(cap.ADD_PATH):
        for afi, safi, mode in capability.entries:
            modes[(afi, safi)] = mode
    return modes


def _addpath(sent: Open, received: Open):
    ours = _addpath_modes(sent)
    theirs = _addpath_modes(received)
    union = list(ours) + [family for family in theirs if family not in ours]
    send = tuple(
        family
        for family in union
        if ours.get(family, 0) & cap.ADD_PATH_SEND and theirs.get(family, 0) & cap.ADD_PATH_RECEIVE
    )
    receive = tuple(
        family
        for family in union
        if ours.get(family, 0) & cap.ADD_PATH_RECEIVE and theirs.get(family, 0) & cap.ADD_PATH_SEND
    )
    return send, receive


def _session_id(message: Open, code: int) -> set:
    """The Session Id of a multi-session capability; empty means MULTIPROTOCOL (draft section 4)."""
    codes = {value for capability in message.capabilities_of(code) for value in capability.codes}
    return codes or {cap.MULTIPROTOCOL}


def _multisession(sent: Open, received: Open) -> bool:
    for code in (cap.MULTISESSION, cap.MULTISESSION_CISCO):
        if not _announced(sent, received, code):
            continue
        ours, theirs = _session_id(sent, code), _session_id(received, code)
        if ours != theirs:
            _refuse(2, 8, "multisession, our peer did not reply with the same sessionid")
        for value in ours:
            if {c for c in sent.capabilities_of(value)} != {c for c in received.capabilities_of(value)}:
                _refuse(2, 8, f"when checking session id, capability {value} did not match")
        return True
    if sent.capabilities_of(cap.MULTISESSION) or sent.capabilities_of(cap.MULTISESSION_CISCO):
        _refuse(2, 9, "multisession is mandatory with this peer")
    return False


def _refuse(code: int, subcode: int, text: str):
    raise CodecError(code, subcode, text.encode("utf-8"), text)


def negotiate(settings: SessionSettings, sent: Open, received: Open) -> Negotiated:
    """Check the peer's OPEN against ours and the settings; the negotiated result (see the module docstring)."""
    asn4 = _announced(sent, received, cap.FOUR_OCTET_AS)
    peer_as = received.asn if asn4 else received.my_as
    local_as = sent.asn
    if settings.peer_as is not None and peer_as != settings.peer_as:
        _refuse(2, 2, f"ASN in OPEN ({peer_as}) did not match ASN expected ({settings.peer_as})")
    if not router_id_acceptable(received.router_id):
        _refuse(2, 3, "0.0.0.0 is an invalid router_id")
    if peer_as == local_as and received.router_id == sent.router_id:
        _refuse(
            2, 3, f"BGP Identifier collision, same router-id ({received.router_id}) on both sides of this IBGP session"
        )
    if not hold_time_acceptable(received.hold_time):
        _refuse(2, 6, f"Hold Time is invalid ({received.hold_time})")
    _multisession(sent, received)
    return agree(sent, received, settings.aigp)


def agree(sent: Open, received: Open, aigp: bool = False) -> Negotiated:
    """What the OPENs `sent` and `received` negotiate, without checking them (`negotiate` checks first).

    A BMP station (`exabgp.bmp`) reads a monitored session's two OPENs with it: the router already
    accepted them, and the station only needs what they agreed on to decode the session's UPDATEs.
    """
    asn4 = _announced(sent, received, cap.FOUR_OCTET_AS)
    multisession = any(_announced(sent, received, code) for code in (cap.MULTISESSION, cap.MULTISESSION_CISCO))

    ours = _ordered_unique((c.afi, c.safi) for c in sent.capabilities_of(cap.MULTIPROTOCOL))
    theirs = _ordered_unique((c.afi, c.safi) for c in received.capabilities_of(cap.MULTIPROTOCOL))
    families = tuple(family for family in theirs if family in ours)
    mismatch = tuple(("exabgp", family) for family in theirs if family not in ours) + tuple(
        ("peer", family) for family in ours if family not in theirs
    )

    our_nexthops = {entry for c in sent.capabilities_of(cap.EXTENDED_NEXT_HOP) for entry in c.entries}
    nexthop = _ordered_unique(
        entry for c in received.capabilities_of(cap.EXTENDED_NEXT_HOP) for entry in c.entries if entry in our_nexthops
    )

    if _announced(sent, received, cap.ENHANCED_ROUTE_REFRESH):
        refresh = REFRESH_ENHANCED
    elif _announced(sent, received, cap.ROUTE_REFRESH):
        refresh = REFRESH_NORMAL
    else:
        refresh = REFRESH_ABSENT

    addpath_send, addpath_receive = _addpath(sent, received)
    hold_time = min(sent.hold_time, received.hold_time)
    graceful = received.capabilities_of(cap.GRACEFUL_RESTART)
    return Negotiated(
        sent_open=sent,
        received_open=received,
        local_as=sent.asn,
        peer_as=received.asn if asn4 else received.my_as,
        peer_router_id=received.router_id,
        hold_time=hold_time,
        keepalive_time=hold_time // 3,
        asn4=asn4,
        families=families,
        nexthop=nexthop,
        addpath_send=addpath_send,
        addpath_receive=addpath_receive,
        refresh=refresh,
        extended_message=_announced(sent, received, cap.EXTENDED_MESSAGE),
        multisession=multisession,
        operational=_announced(sent, received, cap.OPERATIONAL),
        aigp=aigp,
        graceful_restart=graceful[-1] if graceful else None,
        mismatch=mismatch,
    )
