"""The negotiated wire facts every decode and encode needs, and nothing else.

A `CodecContext` is built once per session (after the OPEN exchange) or once
per `exabgp decode` run and passed down to every message codec.  It knows
nothing of neighbors, configuration or sockets.
"""

from exabgp.bgp.record import field, record


@record(slots=True)
class CodecContext:
    """Negotiated facts: 4-octet ASNs, ADD-PATH per family and direction, sizes, next hops.

    `addpath_receive` / `addpath_send` hold the ``(afi, safi)`` pairs for
    which path identifiers are present in received / sent NLRI (RFC 7911).
    `extended_nexthop` holds ``(afi, safi, nexthop_afi)`` triples (RFC 8950).
    `aigp`: whether the AIGP attribute is accepted (RFC 7311; 5.0 decodes it only
    on sessions configured for it).  `external`: the peer is in another AS
    (eBGP), where RFC 7606 section 7.5 discards a malformed LOCAL_PREF.
    `received`: the UPDATEs come from a peer on a session, where a missing
    well-known mandatory attribute is treat-as-withdraw (RFC 7606 section
    3 d); `exabgp decode` shows a message as it is, as 5.0 does.
    """

    asn4: bool = True
    addpath_receive: frozenset = field(default_factory=frozenset)
    addpath_send: frozenset = field(default_factory=frozenset)
    extended_message: bool = False
    extended_nexthop: frozenset = field(default_factory=frozenset)
    aigp: bool = False
    external: bool = False
    received: bool = False

    @property
    def max_message_size(self) -> int:
        """Largest message allowed on the session (RFC 8654)."""
        return 65535 if self.extended_message else 4096

    def receives_path_id(self, afi: int, safi: int) -> bool:
        return (afi, safi) in self.addpath_receive

    def sends_path_id(self, afi: int, safi: int) -> bool:
        return (afi, safi) in self.addpath_send


#: The context of a session that negotiated nothing beyond RFC 4271 plus 4-octet ASNs.
DEFAULT_CONTEXT = CodecContext()
