"""Two Sessions wired back to back in memory, with a clock advanced by hand.

What one session sends is fed to the other; nothing else runs.  The tests
check what RFC 4271 and ExaBGP 5.0 say about the exchange: establishment
and the negotiated values, UPDATEs, timers, every NOTIFICATION a bad peer
earns, and that octets delivered one at a time give the same events as the
same octets delivered whole.
"""

import pytest

from exabgp._codec import frame_message
from exabgp.bgp import record
from exabgp.bgp.notification import Notification
from exabgp.bgp.open import Open
from exabgp.bgp.operational import Operational
from exabgp.bgp.refresh import BORR, EORR, REQUEST, RouteRefresh
from exabgp.session import (
    Delivery,
    EXISTING,
    INCOMING,
    Closed,
    Established,
    LocalProtocolError,
    MessageReceived,
    MessageSent,
    NotificationReceived,
    OperationalReceived,
    RouteRefreshReceived,
    Session,
    SessionSettings,
    State,
    StateChanged,
    UpdateReceived,
    build_open,
    collision,
)

IPV4_UNICAST = (1, 1)
IPV6_UNICAST = (2, 1)
NLRI = bytes([24, 10, 0, 0])
ATTRIBUTES = bytes([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 10, 0, 0, 1])
# ORIGIN with the Optional bit: treat-as-withdraw (RFC 7606 section 7.1)
TREAT_AS_WITHDRAW = bytes([0x80, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 10, 0, 0, 1])


def update_body(attributes=ATTRIBUTES, nlri=NLRI, withdrawn=b""):
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(attributes).to_bytes(2, "big") + attributes + nlri


def make(side="a", **changes):
    if side == "a":
        base = SessionSettings("10.0.0.1", "10.0.0.2", 65001, 65002, "1.1.1.1")
    else:
        base = SessionSettings("10.0.0.2", "10.0.0.1", 65002, 65001, "2.2.2.2")
    return record.replace(base, **changes)


def drain(session):
    events = []
    while (event := session.next_event()) is not None:
        events.append(event)
    return events


def of(events, kind):
    return [event for event in events if isinstance(event, kind)]


def closed_with(events):
    """The Closed event (exactly one), as (notification code, subcode, data, sent)."""
    closed = of(events, Closed)
    assert len(closed) == 1, events
    notification = closed[0].notification
    return notification.code, notification.subcode, notification.data, closed[0].sent


class Pair:
    """Two sessions and the events each produced."""

    def __init__(self, a=None, b=None, **options):
        self.a = Session(a or make("a"), **options)
        self.b = Session(b or make("b"), **options)
        self.events = {self.a: [], self.b: []}

    def start(self, now=0.0):
        self.a.start(now)
        self.b.start(now)
        return self.pump(now)

    def pump(self, now):
        """Exchange octets until both are quiet."""
        moved = True
        while moved:
            moved = False
            for source, target in ((self.a, self.b), (self.b, self.a)):
                data = source.data_to_send()
                if data:
                    moved = True
                    target.receive_data(data, now)
        for session in (self.a, self.b):
            self.events[session].extend(drain(session))
        return self


def established(a=None, b=None, **options):
    pair = Pair(a, b, **options).start()
    assert pair.a.state is State.ESTABLISHED and pair.b.state is State.ESTABLISHED
    return pair


# ---------------------------------------------------------------- establishment


def test_sessions_reach_established_in_the_rfc_order():
    pair = Pair(b=make("b", passive=True)).start()
    states = [(event.old, event.new) for event in of(pair.events[pair.a], StateChanged)]
    assert states == [
        (State.IDLE, State.CONNECT),
        (State.CONNECT, State.OPEN_SENT),
        (State.OPEN_SENT, State.OPEN_CONFIRM),
        (State.OPEN_CONFIRM, State.ESTABLISHED),
    ]
    passive = [event.new for event in of(pair.events[pair.b], StateChanged)]
    assert passive == [State.ACTIVE, State.OPEN_SENT, State.OPEN_CONFIRM, State.ESTABLISHED]
    for session in (pair.a, pair.b):
        [up] = of(pair.events[session], Established)
        assert up.ctx == session.ctx == record.replace(up.negotiated.context, external=True, received=True)
        assert pair.events[session][-1] is up
    assert pair.a.negotiated.peer_as == 65002 and pair.b.negotiated.peer_as == 65001
    assert pair.a.negotiated.peer_router_id == "2.2.2.2"


@pytest.mark.parametrize(
    "hold_a, hold_b, hold, keepalive",
    [
        (180, 90, 90, 30),
        (90, 180, 90, 30),
        (3, 180, 3, 1),
        (0, 180, 0, 0),
        (180, 0, 0, 0),
    ],
)
def test_hold_time_is_the_smaller_and_keepalive_a_third(hold_a, hold_b, hold, keepalive):
    pair = established(make("a", hold_time=hold_a), make("b", hold_time=hold_b))
    for session in (pair.a, pair.b):
        assert session.negotiated.hold_time == hold
        assert session.negotiated.keepalive_time == keepalive
    if hold == 0:
        assert pair.a.next_deadline() is None and pair.b.next_deadline() is None
    else:
        assert pair.a.next_deadline() == keepalive


@pytest.mark.parametrize("asn4_a, asn4_b", [(True, True), (True, False), (False, True), (False, False)])
def test_asn4_needs_both_sides(asn4_a, asn4_b):
    pair = established(make("a", asn4=asn4_a), make("b", asn4=asn4_b))
    assert pair.a.ctx.asn4 == pair.b.ctx.asn4 == (asn4_a and asn4_b)


def test_four_octet_as_travels_as_as_trans():
    pair = established(make("a", local_as=4200000001), make("b", peer_as=4200000001))
    assert pair.b.negotiated.received_open.my_as == 23456
    assert pair.b.negotiated.peer_as == 4200000001


def test_families_are_the_intersection():
    pair = established(
        make("a", families=(IPV4_UNICAST, IPV6_UNICAST, (1, 128))), make("b", families=((1, 128), IPV4_UNICAST))
    )
    assert pair.a.negotiated.families == ((1, 128), IPV4_UNICAST)  # in the peer's order
    assert pair.b.negotiated.families == (IPV4_UNICAST, (1, 128))
    assert pair.a.negotiated.mismatch == (("peer", IPV6_UNICAST),)
    assert pair.b.negotiated.mismatch == (("exabgp", IPV6_UNICAST),)


@pytest.mark.parametrize(
    "mode_a, mode_b, a_sends, a_receives",
    [
        (3, 3, True, True),
        (2, 1, True, False),
        (1, 2, False, True),
        (2, 2, False, False),
        (1, 1, False, False),
        (3, 0, False, False),
        (3, 1, True, False),
    ],
)
def test_add_path_per_direction(mode_a, mode_b, a_sends, a_receives):
    pair = established(make("a", add_path=((1, 1, mode_a),)), make("b", add_path=((1, 1, mode_b),)))
    assert pair.a.ctx.sends_path_id(1, 1) is a_sends
    assert pair.a.ctx.receives_path_id(1, 1) is a_receives
    assert pair.b.ctx.receives_path_id(1, 1) is a_sends
    assert pair.b.ctx.sends_path_id(1, 1) is a_receives


@pytest.mark.parametrize(
    "a, b, refresh",
    [
        ({}, {}, "absent"),
        ({"route_refresh": True}, {}, "absent"),
        ({"route_refresh": True}, {"route_refresh": True}, "normal"),
        ({"route_refresh": True, "enhanced_route_refresh": True}, {"route_refresh": True}, "normal"),
        (
            {"route_refresh": True, "enhanced_route_refresh": True},
            {"route_refresh": True, "enhanced_route_refresh": True},
            "enhanced",
        ),
    ],
)
def test_route_refresh_variant(a, b, refresh):
    pair = established(make("a", **a), make("b", **b))
    assert pair.a.negotiated.refresh == pair.b.negotiated.refresh == refresh


@pytest.mark.parametrize("a, b, size", [(True, True, 65535), (True, False, 4096), (False, True, 4096)])
def test_extended_message(a, b, size):
    pair = established(make("a", extended_message=a), make("b", extended_message=b))
    assert pair.a.negotiated.message_size == size and pair.a.ctx.max_message_size == size
    # a 5000-octet UPDATE: fine with extended messages, refused by the API otherwise
    nlri = b"".join(bytes([32, 10, 1, i // 256, i % 256]) for i in range(1000))
    body = update_body(nlri=nlri)
    if size == 4096:
        with pytest.raises(LocalProtocolError):
            pair.a.send_update(body)
        return
    pair.a.send_update(body)
    pair.pump(1)
    [received] = of(pair.events[pair.b], UpdateReceived)
    assert len(received.update.changes(pair.b.ctx)) == 1000


def test_extended_next_hop_operational_and_multisession():
    options = dict(nexthop=((1, 1, 2),), operational=True, multisession=True)
    pair = established(make("a", **options), make("b", **options))
    negotiated = pair.a.negotiated
    assert negotiated.nexthop == ((1, 1, 2),) and pair.a.ctx.extended_nexthop == {(1, 1, 2)}
    assert negotiated.operational and negotiated.multisession


def test_local_as_auto_mirrors_the_peer():
    pair = established(make("a", local_as=None), make("b", peer_as=65002))
    assert pair.a.sent_open.asn == 65002
    assert pair.a.negotiated.local_as == 65002 and pair.b.negotiated.peer_as == 65002


def test_peer_as_none_accepts_any():
    pair = established(make("a", peer_as=None))
    assert pair.a.negotiated.peer_as == 65002


# ---------------------------------------------------------------- messages once established


def test_update_exchange_and_end_of_rib():
    both = (IPV4_UNICAST, IPV6_UNICAST)
    pair = established(make("a", families=both), make("b", families=both))
    pair.a.send_update(update_body())
    pair.a.send_eor(1, 1)
    pair.a.send_eor(2, 1)
    pair.pump(1)
    updates = [event.update for event in of(pair.events[pair.b], UpdateReceived)]
    [(action, family, nexthop, prefix)] = updates[0].changes(pair.b.ctx)
    assert (action, family, nexthop, repr(prefix)) == (
        "announce",
        (1, 1),
        "10.0.0.1",
        "Prefix(ipv4 unicast 10.0.0.0/24)",
    )
    assert [update.eor(pair.b.ctx) for update in updates] == [None, (1, 1), (2, 1)]


def test_end_of_rib_octets_are_5_0s():
    pair = established()
    pair.a.send_eor(1, 1)
    pair.a.send_eor(2, 1)
    assert pair.a.data_to_send().hex().upper() == (
        "F" * 32 + "001702" + "00000000" + "F" * 32 + "001E02" + "00000007900F0003000201"
    )


def test_treat_as_withdraw_does_not_close_the_session():
    pair = established()
    pair.a.send_update(update_body(TREAT_AS_WITHDRAW))
    pair.pump(1)
    [received] = of(pair.events[pair.b], UpdateReceived)
    assert received.update.attributes(pair.b.ctx).treat_as_withdraw == "treat-as-withdraw"
    assert pair.b.state is State.ESTABLISHED


@pytest.mark.parametrize(
    "body, code, subcode",
    [
        (update_body(nlri=bytes([33, 10, 0, 0, 0, 0])), 3, 10),  # prefix longer than 32 bits
        (update_body(attributes=bytes([0x80, 14, 5, 0, 2, 1, 0, 0]) * 2, nlri=b""), 3, 1),  # MP_UNREACH twice
        (b"\x00\x09\x00\x00", 3, 1),  # withdrawn length past the body
    ],
)
def test_malformed_update_resets_the_session(body, code, subcode):
    pair = established()
    pair.a.send_update(body)
    pair.pump(1)
    assert closed_with(pair.events[pair.b])[:2] == (code, subcode)
    assert closed_with(pair.events[pair.a])[:2] + (False,) == (code, subcode, False)
    assert pair.a.state is pair.b.state is State.IDLE
    assert not of(pair.events[pair.b], UpdateReceived)


MP_REACH_IPV6 = bytes([0x80, 14, 28, 0, 2, 1, 16]) + bytes(15) + bytes([1, 0, 48, 0x20, 1, 0xD, 0xB8, 0, 1])


@pytest.mark.parametrize("options", [{}, {"delivery": Delivery.RUNS}, {"delivery": Delivery.MESSAGES}])
@pytest.mark.parametrize(
    "body",
    [
        update_body(ATTRIBUTES[:7] + MP_REACH_IPV6, b""),  # routes of IPv6 unicast
        update_body(bytes([0x80, 15, 3, 0, 2, 1]), b""),  # the End-of-RIB of IPv6 unicast
    ],
)
def test_family_not_negotiated_is_3_9(options, body):
    """RFC 4760 sections 7 and 8: MP_REACH_NLRI / MP_UNREACH_NLRI of a family the session did not negotiate
    (here IPv6 unicast on an IPv4 unicast session) is 3/9 with the attribute as data, as ExaBGP 5.0.15 answers
    (recorded live: "notification sent (3,9)"); whether the session delivers UPDATEs one by one, in vouched runs or with every message reported."""
    pair = established(**options)
    pair.a.send_update(body)
    pair.pump(1)
    code, subcode, data, _ = closed_with(pair.events[pair.b])
    assert (code, subcode) == (3, 9) and data == body[4 + 7 * (len(body) > 10) :]
    assert not of(pair.events[pair.b], UpdateReceived)


def test_the_nlri_field_is_accepted_without_ipv4_unicast():
    """The NLRI field is RFC 4271's own: accepted on a session without IPv4 unicast, as 5.0.15 does (recorded)."""
    only_v6 = (IPV6_UNICAST,)
    pair = established(make("a", families=only_v6), make("b", families=only_v6))
    pair.a.send_update(update_body())
    pair.pump(1)
    [received] = of(pair.events[pair.b], UpdateReceived)
    assert len(received.update.changes(pair.b.ctx)) == 1 and pair.b.state is State.ESTABLISHED


def test_update_shorter_than_23_octets_is_a_bad_message_length():
    """RFC 4271 section 6.1: an UPDATE whose length field is under 23 is 1/2 with the length field as data."""
    for body in (b"", b"\x00", b"\x00\x00\x00"):
        pair = established()
        pair.a.send_update(body)
        pair.pump(1)
        assert closed_with(pair.events[pair.b])[:3] == (1, 2, (19 + len(body)).to_bytes(2, "big"))


def test_unrecognized_well_known_attribute_is_3_2():
    """RFC 4271 section 6.3: 3/2 with the attribute as data, on every receive path."""
    unknown = bytes([0x40, 99, 2]) + b"ab"
    for options in ({}, {"delivery": Delivery.RUNS}, {"delivery": Delivery.MESSAGES}):
        pair = established(**options)
        pair.a.send_update(update_body(ATTRIBUTES + unknown))
        pair.pump(1)
        assert closed_with(pair.events[pair.b])[:3] == (3, 2, unknown)


def test_missing_mandatory_attribute_is_treat_as_withdraw():
    """RFC 7606 section 3 d: delivered, the session stays up, the routes are withdrawn."""
    pair = established()
    pair.a.send_update(update_body(ATTRIBUTES[:7]))  # no NEXT_HOP for the NLRI field
    pair.pump(1)
    [received] = of(pair.events[pair.b], UpdateReceived)
    assert received.update.attributes(pair.b.ctx).treat_as_withdraw == "treat-as-withdraw due to missing next-hop"
    assert pair.b.state is State.ESTABLISHED


def test_unchecked_updates_are_delivered_lazily():
    pair = established(delivery=Delivery.RECORDED)
    pair.a.send_update(update_body(nlri=bytes([33, 10, 0, 0, 0, 0])))
    pair.pump(1)
    [received] = of(pair.events[pair.b], UpdateReceived)
    assert pair.b.state is State.ESTABLISHED
    with pytest.raises(Exception) as error:
        received.update.changes(pair.b.ctx)
    pair.b.close(error.value.code, error.value.subcode, error.value.data)
    pair.pump(2)
    assert closed_with(pair.events[pair.a])[:2] == (3, 10)


def test_route_refresh_and_operational_are_events():
    options = dict(route_refresh=True, enhanced_route_refresh=True, operational=True)
    pair = established(make("a", **options), make("b", **options))
    pair.a.send_route_refresh(1, 1)
    pair.a.send_route_refresh(1, 1, BORR)
    pair.a.send_route_refresh(1, 1, EORR)
    pair.a.send_message(Operational(1, 1, 1, advisory=b"hello"))
    pair.pump(1)
    refreshes = [event.refresh for event in of(pair.events[pair.b], RouteRefreshReceived)]
    assert refreshes == [RouteRefresh(1, 1, REQUEST), RouteRefresh(1, 1, BORR), RouteRefresh(1, 1, EORR)]
    [operational] = of(pair.events[pair.b], OperationalReceived)
    assert operational.operational.advisory == b"hello"


def test_malformed_route_refresh_is_7_1():
    pair = established()
    pair.b.receive_data(frame_message(5, b"\x00\x01\x00"), 1)
    assert closed_with(drain(pair.b))[:2] == (7, 1)


def test_sending_before_established_is_a_local_error():
    session = Session(make())
    with pytest.raises(LocalProtocolError):
        session.send_update(update_body())
    session.start(0)
    with pytest.raises(LocalProtocolError):
        session.send_eor(1, 1)
    with pytest.raises(LocalProtocolError):
        session.start(0)


def test_reported_messages_come_both_ways():
    pair = established(delivery=Delivery.MESSAGES)
    sent = [(event.msg_type, type(event.message).__name__) for event in of(pair.events[pair.a], MessageSent)]
    received = [(event.msg_type, type(event.message).__name__) for event in of(pair.events[pair.a], MessageReceived)]
    assert sent == received == [(1, "Open"), (4, "KeepAlive")]
    pair.a.send_update(update_body())
    pair.pump(1)
    [out] = of(pair.events[pair.a], MessageSent)[2:]
    [seen] = of(pair.events[pair.b], MessageReceived)[2:]
    assert out.body == seen.body == update_body()
    assert out.header == seen.header == bytes.fromhex("FF" * 16 + "002902")


@pytest.mark.parametrize(
    "body, code, subcode",
    [
        (update_body(nlri=bytes([33, 10, 0, 0, 0, 0])), 3, 10),  # the NLRI does not decode
        (b"\x00\x09\x00\x00", 3, 1),  # the body does not split
    ],
)
def test_a_refused_update_is_reported_raw(body, code, subcode):
    """An UPDATE that resets the session is still reported, without a message (5.0's packets helpers see it).

    Found by `qa.differential.helper`: ExaBGP 5.0.15 writes the raw form of such an UPDATE to the
    ``packets`` helpers and nothing to the parsed ones; our reactor crashed rendering it.
    """
    pair = established(delivery=Delivery.MESSAGES)
    pair.b.receive_data(frame_message(2, body), 1)
    events = drain(pair.b)
    [refused] = of(events, MessageReceived)
    assert (refused.msg_type, refused.body, refused.message) == (2, body, None)
    assert closed_with(events)[:2] == (code, subcode)


# ---------------------------------------------------------------- timers


def test_keepalives_every_third_of_the_hold_time():
    pair = established(make("a", hold_time=90), make("b", hold_time=90))
    assert pair.a.next_deadline() == 30
    pair.a.handle_timer(29.9)
    assert pair.a.data_to_send() == b""
    pair.a.handle_timer(30)
    assert pair.a.data_to_send() == frame_message(4, b"")
    assert pair.a.next_deadline() == 60


def test_hold_timer_expires_with_4_0():
    pair = established(make("a", hold_time=90), make("b", hold_time=90))
    # b keeps sending keepalives to a; a never answers: b's hold timer runs out at 90
    for now in (30, 60):
        pair.a.handle_timer(now)
        pair.b.receive_data(pair.a.data_to_send(), now)
    pair.b.handle_timer(60 + 89)
    assert pair.b.state is State.ESTABLISHED
    pair.b.data_to_send()
    pair.b.handle_timer(150)
    assert pair.b.data_to_send() == frame_message(3, b"\x04\x00")
    assert closed_with(drain(pair.b)) == (4, 0, b"", True)
    assert pair.b.next_deadline() is None


def test_hold_off_restarts_the_hold_timer_of_a_session_not_read_on_purpose():
    pair = established(make("a", hold_time=90), make("b", hold_time=90))
    pair.b.hold_off(80)  # b stopped reading at 0; without hold_off its hold timer would expire at 90
    pair.b.handle_timer(150)
    assert pair.b.state is State.ESTABLISHED
    pair.b.handle_timer(170)
    assert closed_with(drain(pair.b))[:2] == (4, 0)


def test_open_wait_expires_with_1_1():
    session = Session(make(open_wait=60))
    session.start(0)
    session.data_to_send()
    assert session.next_deadline() == 60
    session.handle_timer(60)
    code, subcode, data, sent = closed_with(drain(session))
    assert (code, subcode, sent) == (1, 1, True)
    assert data == b"waited for open too long, we do not like stuck in active"


def test_open_wait_zero_waits_forever():
    session = Session(make(open_wait=0))
    session.start(0)
    assert session.next_deadline() is None


def test_hold_time_zero_tolerates_one_keepalive_not_two():
    pair = established(make("a", hold_time=0))
    keepalive = frame_message(4, b"")
    pair.b.receive_data(keepalive, 5)
    assert pair.b.state is State.ESTABLISHED
    pair.b.receive_data(keepalive, 6)
    assert closed_with(drain(pair.b))[:2] == (2, 6)


# ---------------------------------------------------------------- NOTIFICATIONs


def test_close_sends_a_cease_and_the_peer_reports_it():
    pair = established()
    pair.a.close(6, 2, b"\x03bye")
    pair.pump(1)
    assert closed_with(pair.events[pair.a]) == (6, 2, b"\x03bye", True)
    [received] = of(pair.events[pair.b], NotificationReceived)
    assert received.notification == Notification(6, 2, b"\x03bye")
    assert closed_with(pair.events[pair.b]) == (6, 2, b"\x03bye", False)
    assert pair.b.state is State.IDLE and pair.b.closed


def test_close_without_notification():
    pair = established()
    pair.a.close(notify=False)
    assert pair.a.data_to_send() == b""
    [closed] = of(drain(pair.a), Closed)
    assert closed.notification is None


def test_connection_lost():
    pair = established()
    pair.a.connection_lost(1)
    [closed] = of(drain(pair.a), Closed)
    assert closed.notification is None and closed.reason == "connection lost"
    assert pair.a.state is State.IDLE


def test_bad_peer_as_is_2_2():
    pair = Pair(b=make("b", peer_as=65009)).start()
    code, subcode, data, sent = closed_with(pair.events[pair.b])
    assert (code, subcode, sent) == (2, 2, True)
    assert data == b"ASN in OPEN (65001) did not match ASN expected (65009)"
    assert closed_with(pair.events[pair.a])[:2] + (False,) == (2, 2, False)


def test_bad_hold_time_is_2_6():
    session = Session(make())
    session.start(0)
    peer = Open(4, 65002, 2, "2.2.2.2", build_open(make("b"), 65002).parameters)
    session.receive_data(frame_message(1, peer.encode()), 1)
    assert closed_with(drain(session))[:2] == (2, 6)


@pytest.mark.parametrize("router_id", ["0.0.0.0", "1.1.1.1"])
def test_bad_router_id_is_2_3(router_id):
    session = Session(make(peer_as=65001))
    session.start(0)
    session.receive_data(
        frame_message(1, build_open(record.replace(make("b"), router_id=router_id), 65001).encode()), 1
    )
    assert closed_with(drain(session))[:2] == (2, 3)


def test_unsupported_version_is_2_1():
    session = Session(make())
    session.start(0)
    body = bytearray(build_open(make("b"), 65002).encode())
    body[0] = 3
    session.receive_data(frame_message(1, bytes(body)), 1)
    assert closed_with(drain(session)) == (2, 1, b"\x00\x04", True)


def test_wrong_marker_is_1_1():
    pair = established()
    pair.b.receive_data(b"\x00" * 16 + b"\x00\x13\x04", 1)
    assert closed_with(drain(pair.b))[:2] == (1, 1)


@pytest.mark.parametrize("length", [18, 4097])
def test_bad_length_is_1_2(length):
    pair = established(make("a", extended_message=False))
    pair.a.receive_data(b"\xff" * 16 + length.to_bytes(2, "big") + b"\x02", 1)
    assert closed_with(drain(pair.a)) == (1, 2, length.to_bytes(2, "big"), True)


def test_keepalive_with_a_body_is_1_2():
    pair = established()
    pair.a.receive_data(frame_message(4, b"\x00"), 1)
    assert closed_with(drain(pair.a)) == (1, 2, b"\x00\x14", True)


def test_unknown_type_is_1_3_with_5_0s_text():
    pair = established()
    pair.a.receive_data(frame_message(9, b""), 1)
    assert closed_with(drain(pair.a)) == (1, 3, b'can not decode message of type "9"', True)


def test_non_keepalive_in_open_confirm_is_5_2():
    session = Session(make())
    session.start(0)
    session.receive_data(frame_message(1, build_open(make("b"), 65002).encode()), 1)
    assert session.state is State.OPEN_CONFIRM
    session.receive_data(frame_message(2, update_body()), 2)
    assert closed_with(drain(session)) == (5, 2, b"", True)


def test_non_open_in_open_sent_is_5_1_and_open_in_established_5_3():
    session = Session(make())
    session.start(0)
    session.receive_data(frame_message(4, b""), 1)
    assert closed_with(drain(session))[:2] == (5, 1)
    pair = established()
    pair.a.receive_data(frame_message(1, build_open(make("b"), 65002).encode()), 1)
    assert closed_with(drain(pair.a))[:2] == (5, 3)


def test_messages_in_front_of_a_framing_error_are_processed_first():
    pair = established()
    pair.a.send_update(update_body())
    data = pair.a.data_to_send() + b"\x00" * 19
    pair.b.receive_data(data, 1)
    events = drain(pair.b)
    assert isinstance(events[0], UpdateReceived)
    assert closed_with(events)[:2] == (1, 1)


def test_nothing_is_processed_after_closing():
    pair = established()
    pair.b.receive_data(frame_message(9, b"") + frame_message(2, update_body()), 1)
    events = drain(pair.b)
    assert not of(events, UpdateReceived)
    pair.b.receive_data(frame_message(2, update_body()), 2)
    assert drain(pair.b) == [] and pair.b.data_to_send()[-3:] == b'"9"'


# ---------------------------------------------------------------- delivery granularity


def transcript(chunk):
    """Establish a pair, exchange UPDATEs, refreshes and a NOTIFICATION, delivering `chunk` octets at a time."""
    options = dict(route_refresh=True, enhanced_route_refresh=True, families=(IPV4_UNICAST, IPV6_UNICAST))
    a = Session(make("a", **options), delivery=Delivery.MESSAGES)
    b = Session(make("b", **options), delivery=Delivery.MESSAGES)
    a.start(0)
    b.start(0)
    sequence = []

    def deliver(source, target, now):
        data = source.data_to_send()
        step = chunk or max(len(data), 1)
        for offset in range(0, len(data), step):
            target.receive_data(data[offset : offset + step], now)

    for now in (1, 2, 3):
        deliver(a, b, now)
        deliver(b, a, now)
    a.send_update(update_body())
    a.send_update(update_body(TREAT_AS_WITHDRAW))
    a.send_eor(2, 1)
    a.send_route_refresh(2, 1)
    deliver(a, b, 4)
    b.receive_data(frame_message(9, b"x"), 5)  # not chunked: b closes on it
    deliver(b, a, 6)
    for session in (a, b):
        for event in drain(session):
            if isinstance(event, UpdateReceived):
                event = ("update", event.update.body)
            elif isinstance(event, (Established, MessageReceived, MessageSent)):
                event = (type(event).__name__, getattr(event, "body", None))
            sequence.append(event)
    return sequence


def test_byte_at_a_time_gives_the_same_events_as_whole_delivery():
    whole = transcript(None)
    assert ("update", update_body()) in whole and len(of(whole, Closed)) == 2
    assert transcript(1) == whole
    assert transcript(7) == whole


# ---------------------------------------------------------------- collision


@pytest.mark.parametrize(
    "existing, local_id, remote_id, close",
    [
        (State.ESTABLISHED, "1.1.1.1", "2.2.2.2", INCOMING),
        (State.ESTABLISHED, "2.2.2.2", "1.1.1.1", INCOMING),
        (State.OPEN_CONFIRM, "2.2.2.2", "1.1.1.1", INCOMING),  # we are higher: keep the one we initiated
        (State.OPEN_CONFIRM, "1.1.1.1", "2.2.2.2", EXISTING),
        (State.OPEN_CONFIRM, "10.0.0.1", "9.255.255.255", INCOMING),  # compared as numbers, not text
        (State.OPEN_SENT, "2.2.2.2", "1.1.1.1", EXISTING),
        (State.CONNECT, "2.2.2.2", "1.1.1.1", EXISTING),
        (State.ACTIVE, "1.1.1.1", "2.2.2.2", EXISTING),
    ],
)
def test_collision_resolution(existing, local_id, remote_id, close):
    assert collision(existing, local_id, remote_id) == close


def test_collision_loser_gets_6_7():
    pair = Pair().start()
    pair.a.close(6, 7)
    pair.pump(1)
    assert closed_with(pair.events[pair.b]) == (6, 7, b"", False)
