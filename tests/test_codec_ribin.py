"""`nlri_keys` / `ingest_messages`: an UPDATE's Adj-RIB-In changes without decoding, both twins.

The fast path is only useful if it is sound: whatever the index
(`index_updates`) marks plain, the full decode (`Update.attributes`, RFC 7606
applied) keeps every attribute (no treat-as-withdraw, no discard, no reset),
and what `ingest_messages` does with it is what the full decode says: the
withdrawn keys go, the announced ones map to the attribute section without
MP_REACH/MP_UNREACH (with the next hop for MP_REACH_NLRI), the keys being
the NLRI `decode_nlri` finds.  That is checked on named cases, on mutations
of valid UPDATEs and on random octets; the twins must agree on all of it,
and `AdjRibIn` fed through the fast path (`ingest`) must hold what it holds
when every UPDATE is decoded in full.
"""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exabgp import _codec
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import INDEX_FIELDS, INDEX_PLAIN
from exabgp.bgp import record
from exabgp.bgp.attribute import MP_REACH_NLRI, MP_UNREACH_NLRI
from exabgp.bgp.context import CodecContext
from exabgp.bgp.update import Update
from exabgp.rib.incoming import AdjRibIn
from exabgp.session import Delivery, Session, SessionSettings, State, UpdateReceived, UpdatesScanned
from qa.hypothesis_profiles import examples
from qa.wire import attribute, update

SETTINGS = settings(max_examples=examples(300), deadline=None)
V6_NEXT_HOP = bytes.fromhex("20010db8000000000000000000000001")


ORIGIN = attribute(0x40, 1, b"\x00")
AS_PATH = attribute(0x40, 2, bytes.fromhex("0202 0000fbf0 0000fbf1"))
NEXT_HOP = attribute(0x40, 3, bytes.fromhex("c0000201"))
COMMUNITIES = attribute(0xC0, 8, bytes.fromhex("fbf00064 fbf000c8"))
LARGE = attribute(0xC0, 32, bytes(range(12)))
COMMON = ORIGIN + AS_PATH + COMMUNITIES
V4 = update(bytes.fromhex("100a01"), COMMON + NEXT_HOP + LARGE, bytes.fromhex("18c63301 080a 20c0000201"))
MP_REACH = attribute(0x90, 14, bytes.fromhex("000201 10") + V6_NEXT_HOP + bytes.fromhex("00 3020010db80001 00"))
MP_UNREACH = attribute(0x80, 15, bytes.fromhex("000201 2020010db9"))
V6 = update(b"", ORIGIN + MP_UNREACH + AS_PATH + MP_REACH + COMMUNITIES)
VALID = (V4, V6, update(bytes.fromhex("18c63301")), update(b"", MP_UNREACH))

NOT_VOUCHED = {
    "ORIGIN flagged optional (RFC 7606 7.1, treat-as-withdraw)": update(b"", attribute(0x80, 1, b"\x00"), b"\x00"),
    "ORIGIN empty": update(b"", attribute(0x40, 1, b""), b"\x00"),
    "ORIGIN of 2 octets (RFC 7606 7.1)": update(b"", attribute(0x40, 1, b"\x00\x00") + AS_PATH + NEXT_HOP, b"\x00"),
    "ORIGIN 3 (RFC 7606 7.1)": update(b"", attribute(0x40, 1, b"\x03") + AS_PATH + NEXT_HOP, b"\x00"),
    "ORIGIN missing (RFC 7606 3 d)": update(b"", AS_PATH + NEXT_HOP, b"\x00"),
    "AS_PATH missing (RFC 7606 3 d)": update(b"", ORIGIN + NEXT_HOP, b"\x00"),
    "NEXT_HOP missing with the NLRI field (RFC 7606 3 d)": update(b"", ORIGIN + AS_PATH, b"\x00"),
    "ORIGIN missing with MP_REACH_NLRI (RFC 4760 3)": update(b"", AS_PATH + MP_REACH),
    "unrecognized well-known attribute (RFC 4271 6.3: 3/2)": update(
        b"", COMMON + NEXT_HOP + attribute(0x40, 99, b"x"), b"\x00"
    ),
    "well-known with Partial": update(b"", attribute(0x60, 1, b"\x00"), b"\x00"),
    "AS_PATH segment type 5": update(b"", attribute(0x40, 2, bytes.fromhex("0501 00000001")), b"\x00"),
    "AS_PATH empty segment": update(b"", attribute(0x40, 2, bytes.fromhex("0200")), b"\x00"),
    "AS_PATH truncated": update(b"", attribute(0x40, 2, bytes.fromhex("0202 00000001")), b"\x00"),
    "NEXT_HOP of 5 octets": update(b"", attribute(0x40, 3, bytes(5)), b"\x00"),
    "MED transitive": update(b"", attribute(0xC0, 4, bytes(4)), b"\x00"),
    "ATOMIC_AGGREGATE with a value (discard)": update(b"", attribute(0x40, 6, b"\x01"), b"\x00"),
    "AGGREGATOR of 6 octets on a 4-octet session (discard)": update(b"", attribute(0xC0, 7, bytes(6)), b"\x00"),
    "COMMUNITIES of 5 octets": update(b"", attribute(0xC0, 8, bytes(5)), b"\x00"),
    "CLUSTER_LIST empty": update(b"", attribute(0x80, 10, b""), b"\x00"),
    "LARGE_COMMUNITY of 8 octets": update(b"", attribute(0xC0, 32, bytes(8)), b"\x00"),
    "EXTENDED COMMUNITIES (left to the full decode)": update(b"", attribute(0xC0, 16, bytes(8)), b"\x00"),
    "unknown attribute": update(b"", COMMON + NEXT_HOP + attribute(0xC0, 99, b"x"), b"\x00"),
    "repeated attribute": update(b"", ORIGIN + ORIGIN, b"\x00"),
    "attribute overrun (treat-as-withdraw)": update(b"", ORIGIN[:-1] + b"\x05\x00", b"\x00"),
    "End-of-RIB": update(),
    "IPv4 multicast": update(b"", attribute(0x80, 14, bytes.fromhex("000102 04 c0000201 00 18c63301"))),
    "prefix longer than 32 bits": update(b"", COMMON, bytes.fromhex("21c6330101")),
}


def full_decode(body, ctx):
    """``(keys per action, section)`` from the full decode, or None when it withdraws, discards or resets."""
    try:
        decoded = Update.decode(body, ctx)
        attributes = decoded.attributes(ctx)
        decoded.changes(ctx)
    except CodecError:
        return None
    if attributes.treat_as_withdraw is not None or attributes.discard is not None:
        return None
    section = b"".join(
        _codec.encode_attribute(code, flags, value)
        for code, flags, value in attributes.raw
        if code not in (MP_REACH_NLRI, MP_UNREACH_NLRI)
    )
    addpath4 = ctx.receives_path_id(1, 1)
    result = {
        "section": section,
        "withdrawn": _keys(decoded.withdrawn_octets, 1, addpath4),
        "announced": _keys(decoded.nlri_octets, 1, addpath4),
    }
    unreach, reach = attributes.get(MP_UNREACH_NLRI), attributes.get(MP_REACH_NLRI)
    if unreach is not None:
        result["unreach"] = (
            unreach.afi,
            _keys(unreach.nlri, unreach.afi, ctx.receives_path_id(unreach.afi, unreach.safi)),
        )
    if reach is not None:
        result["reach"] = (
            reach.afi,
            reach.nexthop,
            _keys(reach.nlri, reach.afi, ctx.receives_path_id(reach.afi, reach.safi)),
        )
    return result


def _keys(data, afi, addpath):
    """The key layout of the module docstring, computed from `decode_nlri`'s tuples."""
    width_bits = 32 if afi == 1 else 128
    keys = []
    for path_id, plen, addr, _labels, _rd in _codec.decode_nlri(data, afi, addpath):
        key = plen << width_bits | int.from_bytes(addr[: (plen + 7) >> 3], "big")
        if path_id is not None:
            key |= (path_id + 1) << (width_bits + 72)
        keys.append(key)
    return keys


def context(addpath4=False, addpath6=False, asn4=True):
    families = ({(1, 1)} if addpath4 else set()) | ({(2, 1)} if addpath6 else set())
    return CodecContext(asn4=asn4, addpath_receive=frozenset(families))


def indexed(codec, stream, ctx):
    """The index of the vouched run at the front of `stream` (`index_updates`, as a session makes it)."""
    addpath4, addpath6 = ctx.receives_path_id(1, 1), ctx.receives_path_id(2, 1)
    return codec.index_updates(stream, 65535, addpath4, addpath6, True, True, ctx.asn4, True)[1]


def applied(codec, body, ctx, before=None):
    """The tables after the fast path applied the UPDATE `body` to a copy of `before`, None when it is not plain."""
    message = _codec.frame_message(2, body)
    index = indexed(codec, message, ctx)
    if not index or not index[INDEX_PLAIN]:
        return None
    tables = {family: dict(table) for family, table in (before or {}).items()}
    addpath4, addpath6 = ctx.receives_path_id(1, 1), ctx.receives_path_id(2, 1)
    assert codec.ingest_messages(message, index, 0, addpath4, addpath6, tables, {})[0] == 1
    return tables


def expected_tables(expected, before):
    """What the full decode's routes make of `before` (the order of the module docstring of `_ribin_py`)."""
    tables = {family: dict(table) for family, table in before.items()}
    if expected["withdrawn"] or expected["announced"]:
        table = tables.setdefault((1, 1), {})
        for key in expected["withdrawn"]:
            table.pop(key, None)
        table.update(dict.fromkeys(expected["announced"], expected["section"]))
    if "unreach" in expected and (expected["unreach"][0], 1) in tables:
        for key in expected["unreach"][1]:
            tables[(expected["unreach"][0], 1)].pop(key, None)
    if "reach" in expected:
        afi, nexthop, keys = expected["reach"]
        path = expected["section"] + bytes((0, MP_REACH_NLRI, len(nexthop))) + nexthop
        tables.setdefault((afi, 1), {}).update(dict.fromkeys(keys, path))
    return tables


def check_sound(codec, body, ctx):
    """What the fast path does with a plain UPDATE agrees with the full decode; the tables it made, or None."""
    expected = full_decode(body, ctx)
    # every route the UPDATE withdraws is there before, to see it go
    before = {(1, 1): {key: b"old" for key in (expected or {}).get("withdrawn", ())}}
    if expected is not None and "unreach" in expected:
        before.setdefault((expected["unreach"][0], 1), {}).update(dict.fromkeys(expected["unreach"][1], b"old"))
    tables = applied(codec, body, ctx, before)
    if tables is None:
        return None
    assert expected is not None, "plain, yet the full decode withdraws, discards or resets"
    assert tables == expected_tables(expected, before)
    return tables


def test_valid_updates_are_plain(codec):
    for body in VALID:
        assert check_sound(codec, body, context()) is not None
    withdrawn = {2: {32 << 128 | 0x20010DB9: b"old", 1: b"kept"}}
    tables = applied(codec, V6, context(), {(2, 1): withdrawn[2]})
    path = ORIGIN + AS_PATH + COMMUNITIES + bytes((0, 14, 16)) + V6_NEXT_HOP
    assert tables == {(2, 1): {1: b"kept", 48 << 128 | 0x20010DB80001: path, 0: path}}


def test_key_layout(codec):
    # 10.1/16 withdrawn; 198.51.1/24, 10/8, 192.0.2.1/32 announced
    tables = applied(codec, V4, context(), {(1, 1): {16 << 32 | 0x0A01: b"old"}})
    assert list(tables[(1, 1)]) == [24 << 32 | 0xC63301, 8 << 32 | 0x0A, 32 << 32 | 0xC0000201]
    with_path = update(b"", COMMON + NEXT_HOP, bytes.fromhex("00000007 18c63301"))
    assert list(applied(codec, with_path, context(True))[(1, 1)]) == [8 << 104 | 24 << 32 | 0xC63301]
    assert codec.nlri_keys(bytes.fromhex("ffffffff 00"), 2, True) == [(1 << 32) << 200]
    assert codec.nlri_keys(b"", 1, False) == []


@pytest.mark.parametrize(
    "data, afi, addpath",
    [
        (bytes.fromhex("21c6330101"), 1, False),
        (bytes.fromhex("18c633"), 1, False),
        (bytes.fromhex("000000"), 1, True),
        (bytes.fromhex("00000001"), 2, True),
        (bytes.fromhex("81") + bytes(17), 2, False),
    ],
)
def test_nlri_keys_errors_are_decode_nlri_errors(codec, data, afi, addpath):
    with pytest.raises(CodecError) as expected:
        _codec.decode_nlri(data, afi, addpath)
    with pytest.raises(CodecError) as raised:
        codec.nlri_keys(data, afi, addpath)
    assert (raised.value.code, raised.value.subcode, str(raised.value)) == (3, 10, str(expected.value))


@pytest.mark.parametrize("name", sorted(NOT_VOUCHED))
def test_not_plain(codec, name):
    assert applied(codec, NOT_VOUCHED[name], context()) is None


def test_two_octet_sessions(codec):
    aggregator = update(
        b"", ORIGIN + attribute(0x40, 2, bytes.fromhex("0201 fbf0")) + NEXT_HOP + attribute(0xC0, 7, bytes(6)), b"\x00"
    )
    assert check_sound(codec, aggregator, context(asn4=False)) is not None
    assert applied(codec, aggregator, context()) is None  # 2-octet AS_PATH on a 4-octet session


def test_ingest_messages_stops_at_what_is_not_plain(codec):
    stream = b"".join(_codec.frame_message(2, body) for body in (V4, V6, NOT_VOUCHED["unknown attribute"], V4))
    index = indexed(codec, stream, context())
    assert len(index) == 4 * INDEX_FIELDS  # vouched for (no reset), the third not plain
    tables, paths = {}, {}
    record, churn = codec.ingest_messages(stream, index, 0, False, False, tables, paths)
    assert record == 2
    assert churn == 0 and sorted(tables) == [(1, 1), (2, 1)] and len(paths) == 2
    assert len(tables[(1, 1)]) == 3 and len(tables[(2, 1)]) == 2
    # again from where it stopped: nothing; past the one not plain: V4 replaces its 3 routes
    assert codec.ingest_messages(stream, index, 2, False, False, tables, paths) == (2, 0)
    assert codec.ingest_messages(stream, index, 3, False, False, tables, paths) == (4, 3)
    assert codec.ingest_messages(stream, index, 4, False, False, tables, paths) == (4, 0)
    with pytest.raises(ValueError):
        codec.ingest_messages(stream, index, -1, False, False, {}, {})


def test_compiled_and_pure_agree_on_a_stream(compiled_codec, pure_codec):
    bodies = list(VALID) + list(NOT_VOUCHED.values()) + [update(bytes.fromhex("18c63301 080a"))]
    results = []
    for codec in (compiled_codec, pure_codec):
        tables, paths, log = {}, {}, []
        for body in bodies:
            message = _codec.frame_message(2, body)
            index = indexed(codec, message, context())
            log.append((list(index), codec.ingest_messages(message, index, 0, False, False, tables, paths)))
        results.append((log, tables, paths))
    assert results[0] == results[1]


def mutations(body):
    return st.tuples(st.integers(0, max(0, len(body) - 1)), st.integers(0, 255)).map(
        lambda change: body[: change[0]] + bytes((change[1],)) + body[change[0] + 1 :]
    )


BODIES = st.one_of(
    st.sampled_from(VALID + tuple(NOT_VOUCHED.values())).flatmap(mutations),
    st.binary(max_size=80).map(lambda tail: update(b"", COMMON, b"") + tail),
    st.binary(max_size=120),
)


@SETTINGS
@given(body=BODIES, addpath4=st.booleans(), addpath6=st.booleans(), asn4=st.booleans())
# an IPv4 multicast MP_REACH_NLRI with ADD-PATH on IPv4 unicast only: its NLRI carry no path identifier
@example(body=bytes.fromhex("00000010800e0d00010204c00002010018c63301"), addpath4=True, addpath6=False, asn4=False)
def test_sound_and_twins_identical(compiled_codec, pure_codec, body, addpath4, addpath6, asn4):
    answers = []
    for codec in (compiled_codec, pure_codec):
        try:
            answers.append(("ok", check_sound(codec, body, context(addpath4, addpath6, asn4))))
        except CodecError as error:  # impossible: index_updates never raises, ingest_messages not on a plain one
            answers.append(("error", error.code, error.subcode))
    assert answers[0] == answers[1] and answers[0][0] == "ok"


@SETTINGS
@given(bodies=st.lists(BODIES, max_size=8), cut=st.integers(0, 40), addpath=st.booleans())
def test_ingest_messages_twins_identical(compiled_codec, pure_codec, bodies, cut, addpath):
    stream = b"".join(_codec.frame_message(2, body) for body in bodies)
    stream = stream[: len(stream) - cut] if cut < len(stream) else stream
    results = []
    for codec in (compiled_codec, pure_codec):
        tables, paths = {(1, 1): {24 << 32 | 0xC63301: b"old"}}, {}
        index = indexed(codec, stream, context(addpath, addpath))
        applied = codec.ingest_messages(stream, index, 0, addpath, addpath, tables, paths)
        results.append((list(index), applied, tables, paths))
    assert results[0] == results[1]


@SETTINGS
@given(
    data=st.one_of(st.binary(max_size=40), st.sampled_from(VALID).map(lambda body: body[4:])),
    afi=st.sampled_from((1, 2)),
    addpath=st.booleans(),
)
def test_nlri_keys_twins_and_decode_nlri_agree(compiled_codec, pure_codec, data, afi, addpath):
    answers = []
    for keys in (compiled_codec.nlri_keys, pure_codec.nlri_keys, lambda *args: _keys(*args)):
        try:
            answers.append(keys(data, afi, addpath))
        except CodecError as error:
            answers.append((error.code, error.subcode, str(error)))
    assert answers[0] == answers[1] == answers[2]


# ---------------------------------------------------------------- the Adj-RIB-In through the fast path


@SETTINGS
@given(
    bodies=st.lists(
        st.one_of(
            st.sampled_from(
                VALID
                + (
                    NOT_VOUCHED["ORIGIN flagged optional (RFC 7606 7.1, treat-as-withdraw)"],
                    NOT_VOUCHED["AGGREGATOR of 6 octets on a 4-octet session (discard)"],
                    NOT_VOUCHED["EXTENDED COMMUNITIES (left to the full decode)"],
                )
            ),
            st.sampled_from(VALID).flatmap(mutations),
        ),
        max_size=12,
    ),
    addpath=st.booleans(),
)
def test_ingest_holds_what_the_full_decode_holds(bodies, addpath):
    ctx = context(addpath, addpath)
    checked = [body for body in bodies if _codec.check_update(body, addpath, addpath)]
    fast, slow = AdjRibIn(), AdjRibIn()
    run = b"".join(_codec.frame_message(2, body) for body in checked)
    fast.ingest(run, indexed(_codec, run, ctx), ctx)
    for body in checked:  # the oracle: the same class's full-decode path, for every UPDATE
        slow._update_decoded(Update.decode(body, ctx), ctx)
    assert set(fast.routes()) == set(slow.routes())
    assert len(fast) == len(slow)


def test_treat_as_withdraw_in_a_run_withdraws_what_the_fast_path_stored():
    ctx = context(True, False)
    announce = update(b"", COMMON + NEXT_HOP, bytes.fromhex("00000003 18c63301 00000004 18c63301"))
    withdraw = update(b"", attribute(0x80, 1, b"\x00") + NEXT_HOP, bytes.fromhex("00000003 18c63301"))
    rib = AdjRibIn()
    run = _codec.frame_message(2, announce) + _codec.frame_message(2, withdraw)
    rib.ingest(run, indexed(_codec, run, ctx), ctx)
    assert [(route.nlri.path_id, route.nlri.prefix()) for route in rib.routes()] == [(4, "198.51.1.0/24")]


def test_a_missing_mandatory_attribute_withdraws_what_the_fast_path_stored():
    """RFC 7606 section 3 d on a session's context: an UPDATE without NEXT_HOP for the NLRI field, or without
    AS_PATH for MP_REACH_NLRI, is treat-as-withdraw; the fast path declines it and the routes go."""
    ctx = record.replace(context(), received=True)
    v4 = update(b"", COMMON + NEXT_HOP, bytes.fromhex("18c63301 18c63302"))
    v6 = update(b"", ORIGIN + AS_PATH + MP_REACH)
    rib = AdjRibIn()
    run = b"".join(_codec.frame_message(2, body) for body in (v4, v6))
    rib.ingest(run, indexed(_codec, run, ctx), ctx)
    assert len(rib) == 4
    no_next_hop = update(b"", COMMON, bytes.fromhex("18c63301"))
    no_as_path = update(b"", ORIGIN + MP_REACH)
    run = b"".join(_codec.frame_message(2, body) for body in (no_next_hop, no_as_path))
    rib.ingest(run, indexed(_codec, run, ctx), ctx)
    assert sorted(route.nlri.prefix() for route in rib.routes()) == ["198.51.2.0/24"]


# ---------------------------------------------------------------- the session's side (``Delivery.RUNS``)


def test_session_delivers_scanned_runs_in_order():
    """Vouched runs come as `UpdatesScanned`, the others as `UpdateReceived`, in the order received."""
    families = ((1, 1), (1, 2), (2, 1))
    sender = Session(
        record.replace(SessionSettings("10.0.0.1", "10.0.0.2", 65001, 65002, "1.1.1.1"), families=families)
    )
    receiver = Session(
        record.replace(SessionSettings("10.0.0.2", "10.0.0.1", 65002, 65001, "2.2.2.2"), families=families),
        delivery=Delivery.RUNS,
    )
    sender.start(0.0)
    receiver.start(0.0)
    for _ in range(4):
        receiver.receive_data(sender.data_to_send(), 0.0)
        sender.receive_data(receiver.data_to_send(), 0.0)
    assert receiver.state is State.ESTABLISHED
    while receiver.next_event() is not None:
        pass
    # treat-as-withdraw is no session reset: the scan vouches for it, the Adj-RIB-In decodes it
    treat_as_withdraw = NOT_VOUCHED["ORIGIN flagged optional (RFC 7606 7.1, treat-as-withdraw)"]
    multicast = NOT_VOUCHED["IPv4 multicast"]  # not vouched for by the scan: the general way
    bodies = [V4, treat_as_withdraw, multicast, V6, update()]
    for body in bodies:
        sender.send_update(body)
    receiver.receive_data(sender.data_to_send(), 1.0)
    events = []
    while (event := receiver.next_event()) is not None:
        events.append(event)
    assert [type(event) for event in events] == [UpdatesScanned, UpdateReceived, UpdatesScanned, UpdateReceived]
    assert events[0].octets == _codec.frame_message(2, V4) + _codec.frame_message(2, treat_as_withdraw)
    assert events[1].update.body == multicast and events[2].octets == _codec.frame_message(2, V6)
    assert events[3].update.eor(receiver.ctx) == (1, 1)
