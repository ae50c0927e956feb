"""Our OPEN (5.0's capability order and octets) and the negotiation of two OPENs.

The expected OPEN below was captured from ExaBGP 5.0.15 connecting to a
listener on 127.0.0.1 with every capability enabled (families ipv4 unicast,
ipv4 mpls-vpn, ipv6 unicast; add-path send/receive; nexthop ipv4 unicast
ipv6; graceful-restart 120; host-name foo; domain-name bar.com; software
version; route refresh; operational; extended message), multi-session off
(we encode that one as the draft says, 5.0 does not).
"""

import pytest

from exabgp._codec import frame_message
from exabgp._codec.errors import CodecError
from exabgp.bgp import capability as cap
from exabgp.bgp import record
from exabgp.bgp.open import Open
from exabgp.session import SessionSettings, build_open, negotiate

EXABGP_5_OPEN = (
    "ffffffffffffffffffffffffffffffff009b0104fffd00b40a0000027e02060104000100010206010400010080020601040002"
    "0001020641040000fffd02080506000100010002020e450c0001010300020103000180030210400e807800010180000180800002"
    "018002020200020246000202b90002020600020e490c03666f6f076261722e636f6d02104b0e0d4578614247502f352e302e3135"
)

LOCAL = SessionSettings("10.0.0.1", "10.0.0.2", 65001, 65002, "1.1.1.1")
PEER = SessionSettings("10.0.0.2", "10.0.0.1", 65002, 65001, "2.2.2.2")


def opens(local=None, peer=None):
    local = local or LOCAL
    peer = peer or PEER
    return build_open(local, local.local_as), build_open(peer, peer.local_as)


def test_open_octets_are_5_0s():
    settings = SessionSettings(
        "127.0.0.1",
        "127.0.0.1",
        65533,
        65533,
        "10.0.0.2",
        families=((1, 1), (1, 128), (2, 1)),
        route_refresh=True,
        enhanced_route_refresh=True,
        graceful_restart=120,
        add_path=((1, 1, 3), (2, 1, 3), (1, 128, 3)),
        nexthop=((1, 1, 2),),
        operational=True,
        host_name="foo",
        domain_name="bar.com",
        software_version="ExaBGP/5.0.15",
    )
    assert frame_message(1, build_open(settings, 65533, restart_state=True).encode()).hex() == EXABGP_5_OPEN


def test_minimal_open():
    sent = build_open(LOCAL, 65001)
    assert [c.code for c in sent.capabilities] == [cap.MULTIPROTOCOL, cap.FOUR_OCTET_AS, cap.EXTENDED_MESSAGE]
    assert (sent.my_as, sent.hold_time, sent.router_id) == (65001, 180, "1.1.1.1")


def test_open_options():
    settings = record.replace(
        LOCAL,
        asn4=False,
        extended_message=False,
        graceful_restart=30,
        host_name="h",
        domain_name=None,
        multisession=True,
        add_path=((1, 1, 0),),
    )
    sent = build_open(settings, 65001, restart_state=False)
    assert [c.code for c in sent.capabilities] == [
        cap.MULTIPROTOCOL,
        cap.GRACEFUL_RESTART,
        cap.HOSTNAME,
        cap.MULTISESSION,
        cap.MULTISESSION_CISCO,
    ]
    graceful = sent.capabilities_of(cap.GRACEFUL_RESTART)[0]
    assert (graceful.restart_flags, graceful.restart_time, graceful.families) == (0, 30, ((1, 1, 0x80),))
    assert sent.capabilities_of(cap.HOSTNAME)[0].encode() == b"\x01h\x00"  # 5.0 sends an empty domain
    assert sent.capabilities_of(cap.MULTISESSION)[0].encode() == b"\x00\x01"


def test_four_octet_as_needs_asn4():
    with pytest.raises(ValueError):
        SessionSettings("a", "b", 4200000000, None, "1.1.1.1", asn4=False)
    with pytest.raises(ValueError):
        SessionSettings("a", "b", 65001, None, "1.1.1.1", hold_time=2)


def test_negotiated_values_and_context():
    local = record.replace(
        LOCAL,
        hold_time=90,
        families=((1, 1), (2, 1)),
        add_path=((1, 1, 3), (2, 1, 2)),
        nexthop=((1, 1, 2), (1, 128, 2)),
        route_refresh=True,
        aigp=True,
    )
    peer = record.replace(
        PEER,
        families=((2, 1), (1, 1), (1, 2)),
        add_path=((2, 1, 3), (1, 1, 1)),
        nexthop=((1, 1, 2),),
        route_refresh=True,
        extended_message=False,
    )
    sent, received = opens(local, peer)
    negotiated = negotiate(local, sent, received)
    assert (negotiated.local_as, negotiated.peer_as, negotiated.peer_router_id) == (65001, 65002, "2.2.2.2")
    assert (negotiated.hold_time, negotiated.keepalive_time) == (90, 30)
    assert negotiated.families == ((2, 1), (1, 1))
    assert negotiated.mismatch == (("exabgp", (1, 2)),)
    assert negotiated.addpath_send == ((1, 1), (2, 1))
    assert negotiated.addpath_receive == ()
    assert negotiated.refresh == "normal"
    assert not negotiated.extended_message and negotiated.message_size == 4096
    ctx = negotiated.context
    assert ctx.addpath_send == {(1, 1), (2, 1)} and ctx.addpath_receive == frozenset()
    assert ctx.extended_nexthop == {(1, 1, 2)} and ctx.aigp and ctx.asn4 and not ctx.extended_message


def test_peer_graceful_restart_is_kept():
    sent, received = opens(peer=record.replace(PEER, graceful_restart=120))
    negotiated = negotiate(LOCAL, sent, received)
    assert negotiated.graceful_restart.restart_time == 120
    assert negotiate(LOCAL, *opens()).graceful_restart is None


def test_without_asn4_the_peer_as_is_the_two_octet_field():
    peer = record.replace(PEER, local_as=4200000000)
    sent, received = opens(record.replace(LOCAL, asn4=False, peer_as=None), peer)
    negotiated = negotiate(record.replace(LOCAL, asn4=False, peer_as=None), sent, received)
    assert not negotiated.asn4 and negotiated.peer_as == 23456
    negotiated = negotiate(record.replace(LOCAL, peer_as=4200000000), *opens(peer=peer))
    assert negotiated.asn4 and negotiated.peer_as == 4200000000


def refused(local, sent, received):
    with pytest.raises(CodecError) as error:
        negotiate(local, sent, received)
    return error.value.code, error.value.subcode, error.value.data


def test_bad_peer_as():
    assert refused(record.replace(LOCAL, peer_as=65009), *opens()) == (
        2,
        2,
        b"ASN in OPEN (65002) did not match ASN expected (65009)",
    )


def test_router_id_checks():
    sent, received = opens()
    zero = record.replace(received, router_id="0.0.0.0")
    assert refused(LOCAL, sent, zero)[:2] == (2, 3)
    ibgp = record.replace(LOCAL, peer_as=65001)
    same = build_open(record.replace(PEER, router_id="1.1.1.1"), 65001)
    assert refused(ibgp, sent, same)[:2] == (2, 3)
    # the same identifier on an eBGP session is allowed
    assert negotiate(LOCAL, sent, record.replace(received, router_id="1.1.1.1")).peer_as == 65002


@pytest.mark.parametrize("hold, accepted", [(0, True), (1, False), (2, False), (3, True), (65535, True)])
def test_hold_time_checks(hold, accepted):
    sent, received = opens()
    received = record.replace(received, hold_time=hold)
    if accepted:
        assert negotiate(LOCAL, sent, received).hold_time == min(hold, 180)
    else:
        assert refused(LOCAL, sent, received) == (2, 6, f"Hold Time is invalid ({hold})".encode())


def test_multisession_rules():
    both = record.replace(LOCAL, multisession=True)
    peer = record.replace(PEER, multisession=True)
    assert negotiate(both, *opens(both, peer)).multisession
    assert refused(both, *opens(both, PEER))[:2] == (2, 9)
    other_families = record.replace(peer, families=((1, 1), (2, 1)))
    assert refused(both, *opens(both, other_families))[:2] == (2, 8)
    sent, received = opens(both, peer)
    other_id = Open.new(
        65002,
        180,
        "2.2.2.2",
        [
            c
            if c.code != cap.MULTISESSION
            else cap.MultiSession(cap.MULTISESSION, 0, (cap.MULTIPROTOCOL, cap.ADD_PATH))
            for c in received.capabilities
        ],
    )
    assert refused(both, sent, other_id)[:2] == (2, 8)
    assert not negotiate(LOCAL, *opens(LOCAL, peer)).multisession
