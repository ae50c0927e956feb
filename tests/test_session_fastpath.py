"""The session in `Delivery.RUNS`: vouched runs checked in place, not decoded, delivered as octets.

Two sessions back to back in memory (ipv4 unicast and multicast, ipv6 unicast); the receiving
one runs with `Delivery.RUNS`, compared with one in `Delivery.UPDATES` (every UPDATE decoded).
It must:

* deliver every UPDATE, in order: the runs the codec vouches for as one
  `UpdatesScanned` each, the others (End-of-RIB, another family) as
  `UpdateReceived`, and restart the hold timer for every UPDATE;
* reset on exactly the UPDATEs the decoding session resets on, with the
  same NOTIFICATION, at the same point of the stream (the UPDATEs before the
  bad one are consumed, those after it are not);
* give the same messages fed whole, one octet at a time, or in random cuts;
* handle framing errors after a run of good UPDATEs as the general path does.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec import frame_message, split_messages
from exabgp._codec.tables import HEADER_SIZE, INDEX_END, INDEX_FIELDS, INDEX_PLAIN, INDEX_START
from exabgp.bgp import record
from exabgp.session import (
    Closed,
    Delivery,
    MessageReceived,
    SessionSettings,
    Session,
    State,
    UpdateReceived,
    UpdatesScanned,
)
from qa.hypothesis_profiles import examples
from qa.wire import attribute, update

FAMILIES = ((1, 1), (1, 2), (2, 1))
V6_NEXT_HOP = bytes.fromhex("20010db8000000000000000000000001")


COMMON = attribute(0x40, 1, b"\x00") + attribute(0x40, 2, bytes.fromhex("0201 0000fbf0"))
V4 = update(b"", COMMON + attribute(0x40, 3, bytes.fromhex("c0000201")), bytes.fromhex("18c63301 100a01"))
V4_WITHDRAW = update(bytes.fromhex("18c63301"))
V6 = update(
    b"", attribute(0x80, 14, bytes.fromhex("000201 10") + V6_NEXT_HOP + bytes.fromhex("00 3020010db80001")) + COMMON
)
EOR_V4 = update()
EOR_V6 = update(b"", attribute(0x80, 15, bytes.fromhex("000201")))
# ORIGIN with the Optional bit: treat-as-withdraw (RFC 7606 section 7.1), not a reset
TREAT_AS_WITHDRAW = update(
    b"",
    attribute(0x80, 1, b"\x00") + attribute(0x40, 2, b"") + attribute(0x40, 3, bytes.fromhex("c0000201")),
    bytes.fromhex("18c63301"),
)
# IPv4 multicast: a family the check does not vouch for, accepted by the full decode
MULTICAST = update(b"", attribute(0x80, 14, bytes.fromhex("000102 04 c0000201 00 18c63301")) + COMMON)

MALFORMED = {
    "withdrawn length overruns (3/1)": bytes.fromhex("0009 18c63301 0000"),
    "prefix longer than 32 bits (3/10)": update(b"", COMMON, bytes.fromhex("21c6330101")),
    "MP_REACH_NLRI transitive (3/9)": update(
        b"", attribute(0xC0, 14, bytes.fromhex("000201 10") + V6_NEXT_HOP + bytes.fromhex("00 3020010db80001"))
    ),
    "MP_REACH_NLRI repeated (3/1)": update(b"", attribute(0x80, 14, V6[7 : 7 + 26]) * 2),
    "MP_UNREACH_NLRI truncated prefix (3/10)": update(b"", attribute(0x80, 15, bytes.fromhex("000201 30 2001"))),
}


def settings_for(side):
    if side == "a":
        base = SessionSettings("10.0.0.1", "10.0.0.2", 65001, 65002, "1.1.1.1")
    else:
        base = SessionSettings("10.0.0.2", "10.0.0.1", 65002, 65001, "2.2.2.2")
    return record.replace(base, families=FAMILIES)


def established_receiver(delivery):
    """A session in ESTABLISHED in mode `delivery`, its events drained."""
    sender = Session(settings_for("a"))
    receiver = Session(settings_for("b"), delivery=delivery)
    sender.start(0.0)
    receiver.start(0.0)
    for _ in range(4):
        receiver.receive_data(sender.data_to_send(), 0.0)
        sender.receive_data(receiver.data_to_send(), 0.0)
    assert receiver.state is State.ESTABLISHED and sender.state is State.ESTABLISHED
    while receiver.next_event() is not None:
        pass
    receiver.data_to_send()
    return receiver


def stream(*bodies):
    return b"".join(frame_message(2, body) for body in bodies)


def feed(receiver, data, cuts=None, now=10.0):
    """Feed `data` (in pieces at `cuts`), return the events and what the session sent."""
    cuts = sorted(set(cuts)) if cuts is not None else []
    start = 0
    for cut in cuts + [len(data)]:
        receiver.receive_data(data[start:cut], now)
        start = cut
    events = []
    while (event := receiver.next_event()) is not None:
        events.append(event)
    return events, receiver.data_to_send()


def indexed(run):
    """The bodies of a scanned run, where its index says they are."""
    index, octets = run.index, run.octets
    return [
        octets[index[at + INDEX_START] + HEADER_SIZE : index[at + INDEX_END]]
        for at in range(0, len(index), INDEX_FIELDS)
    ]


def summary(events):
    """Comparable events: the body of each UPDATE (a scanned run gives one per message, however the input
    was cut), (code, subcode, data) for the Closed one."""
    out = []
    for event in events:
        if isinstance(event, UpdateReceived):
            out.append(("update", event.update.body))
        elif isinstance(event, UpdatesScanned):
            messages, used = split_messages(event.octets)
            assert used == len(event.octets) and messages
            assert indexed(event) == [body for _, body in messages]
            out.extend(("scanned", body) for _, body in messages)
        elif isinstance(event, Closed):
            note = event.notification
            out.append(("closed", None if note is None else (note.code, note.subcode, note.data), event.sent))
        else:
            out.append(type(event).__name__)
    return out


def test_vouched_runs_are_one_event_each_and_the_hold_timer_restarts():
    receiver = established_receiver(Delivery.RUNS)
    before = receiver.next_deadline()
    events, sent = feed(
        receiver, stream(V4, V6, V4_WITHDRAW, TREAT_AS_WITHDRAW, MULTICAST, EOR_V4, V6, EOR_V6), now=50.0
    )
    assert [type(event) for event in events] == [
        UpdatesScanned,
        UpdateReceived,
        UpdateReceived,
        UpdatesScanned,
        UpdateReceived,
    ]
    assert events[0].octets == stream(V4, V6, V4_WITHDRAW, TREAT_AS_WITHDRAW)
    assert [event.update.body for event in events[1:3]] == [MULTICAST, EOR_V4]
    assert events[3].octets == stream(V6) and events[4].update.eor(receiver.ctx) == (2, 1)
    assert sent == b"" and not receiver.closed
    assert receiver._hold_deadline == 50.0 + receiver.negotiated.hold_time > before
    assert receiver.received[2] == 8  # scanned or not, every UPDATE is counted (show neighbor)


def test_a_run_of_vouched_updates_restarts_the_hold_timer():
    receiver = established_receiver(Delivery.RUNS)
    events, _ = feed(receiver, stream(V4, V6), now=77.0)
    [run] = events
    assert type(run) is UpdatesScanned and run.octets == stream(V4, V6) and indexed(run) == [V4, V6]
    assert receiver._hold_deadline == 77.0 + receiver.negotiated.hold_time


def test_every_update_is_delivered_in_both_modes():
    bodies = (V4, V6, TREAT_AS_WITHDRAW, MULTICAST, EOR_V4, V4_WITHDRAW)
    receiver = established_receiver(Delivery.UPDATES)
    events, _ = feed(receiver, stream(*bodies))
    assert summary(events) == [("update", body) for body in bodies]
    assert events[2].update.attributes(receiver.ctx).treat_as_withdraw is not None
    for delivery in (Delivery.RUNS, Delivery.CHECKED):
        runs, _ = feed(established_receiver(delivery), stream(*bodies))
        assert [body for _, body in summary(runs)] == list(bodies)


def test_only_the_runs_of_routes_read_are_marked_plain():
    """`Delivery.RUNS` marks the plain UPDATEs of a run (the Adj-RIB-In and the JSON renderer take those as they
    are); `Delivery.CHECKED` (nobody reads the routes) delivers the same run, nothing marked."""
    marks = {}
    for delivery in (Delivery.RUNS, Delivery.CHECKED):
        [run] = feed(established_receiver(delivery), stream(V4, TREAT_AS_WITHDRAW, V6))[0]
        marks[delivery] = list(run.index[INDEX_PLAIN::INDEX_FIELDS])
    assert marks == {Delivery.RUNS: [1, 0, 1], Delivery.CHECKED: [0, 0, 0]}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_updates_reset_as_the_full_decode_does(name):
    data = stream(V4, V6, MALFORMED[name], V4, EOR_V4)
    outcomes = []
    for delivery in (Delivery.UPDATES, Delivery.RUNS):
        receiver = established_receiver(delivery)
        events, sent = feed(receiver, data)
        closed = [item for item in summary(events) if item[0] == "closed"]
        outcomes.append((closed, sent))
        assert receiver.closed
        assert not any(isinstance(event, UpdateReceived) and event.update.body in (EOR_V4,) for event in events)
    (closed_full, sent_full), (closed_fast, sent_fast) = outcomes
    assert closed_fast == closed_full and len(closed_fast) == 1 and closed_fast[0][2] is True
    assert sent_fast == sent_full and sent_fast  # the same NOTIFICATION octets went out
    code = closed_fast[0][1][0]
    assert code == 3


@pytest.mark.parametrize(
    "bad",
    [
        b"\x00" * 16 + (23).to_bytes(2, "big") + b"\x02" + EOR_V4,  # marker: 1/1
        b"\xff" * 16 + (18).to_bytes(2, "big") + b"\x02",  # length below 19: 1/2
        b"\xff" * 16 + (23).to_bytes(2, "big") + b"\x09" + EOR_V4,  # unknown type: 1/3
    ],
)
def test_header_errors_after_vouched_updates(bad):
    outcomes = []
    for delivery in (Delivery.UPDATES, Delivery.RUNS):
        receiver = established_receiver(delivery)
        events, sent = feed(receiver, stream(V4, V6) + bad)
        outcomes.append(([item for item in summary(events) if item[0] == "closed"], sent))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][0][0][1][0] == 1


SCENARIOS = [
    (V4, V6, EOR_V4, V4_WITHDRAW, MULTICAST, TREAT_AS_WITHDRAW, EOR_V6),
    (V4, V6, MALFORMED["MP_REACH_NLRI transitive (3/9)"], V4),
    (EOR_V6, V6, MALFORMED["prefix longer than 32 bits (3/10)"]),
]


@settings(max_examples=examples(60), deadline=None)
@given(index=st.integers(0, len(SCENARIOS) - 1), data=st.data())
def test_same_events_whole_or_cut_anywhere(index, data):
    octets = stream(*SCENARIOS[index])
    whole = summary(feed(established_receiver(Delivery.RUNS), octets)[0])
    cuts = data.draw(st.lists(st.integers(0, len(octets)), max_size=12))
    assert summary(feed(established_receiver(Delivery.RUNS), octets, cuts)[0]) == whole


def test_same_events_one_octet_at_a_time():
    for bodies in SCENARIOS:
        octets = stream(*bodies)
        whole = summary(feed(established_receiver(Delivery.RUNS), octets)[0])
        assert summary(feed(established_receiver(Delivery.RUNS), octets, range(len(octets)))[0]) == whole


def test_reported_messages_are_never_scanned():
    receiver = established_receiver(Delivery.MESSAGES)
    events, _ = feed(receiver, stream(V4, V6))
    assert [type(event) for event in events] == [MessageReceived, UpdateReceived] * 2
