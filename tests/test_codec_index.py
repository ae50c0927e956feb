"""`check_update` / `index_updates`: the one indexing pass over received UPDATEs, on both twins.

The check is only useful if it is sound: whatever it vouches for, the full
decode (`Update.decode` then ``changes(ctx)``, what the session runs) accepts
without a session reset, with at least one route and no End-of-RIB.  That is
checked on valid UPDATEs of every shape the check knows, on mutations of
them and on random octets.  Named cases pin the verdicts the RFC rules give
(what must NOT be vouched for), and valid corpus-like UPDATEs must be.  The
index of a run records what the octets hold: its offsets frame every
message, section and MP attribute as `split_messages`, `split_update` and
`walk_attributes` find them (`tests/test_codec_ribin.py` holds the *plain*
mark to the full decode).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exabgp._codec
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import INDEX_FIELDS
from exabgp.bgp.context import CodecContext
from exabgp.bgp.update import Update
from qa.hypothesis_profiles import examples
from qa.wire import attribute, update

PURE = exabgp._codec.load("py")
SETTINGS = settings(max_examples=examples(400), deadline=None)
MARKER = b"\xff" * 16


def message(body, msg_type=2):
    return MARKER + (19 + len(body)).to_bytes(2, "big") + bytes((msg_type,)) + body


COMMON = (
    attribute(0x40, 1, b"\x00")
    + attribute(0x40, 2, bytes.fromhex("0201 0000fbf0"))
    + attribute(0xC0, 8, bytes.fromhex("fbf00064"))
)
NEXT_HOP = attribute(0x40, 3, bytes.fromhex("c0000201"))
V4 = update(b"", COMMON + NEXT_HOP, bytes.fromhex("18c63301 100a01"))
V6_NEXT_HOP = bytes.fromhex("20010db8000000000000000000000001")
V6 = update(
    b"",
    attribute(0x90, 14, bytes.fromhex("000201 10") + V6_NEXT_HOP + b"\x00" + bytes.fromhex("30 20010db80001")) + COMMON,
)


def scan(codec, data, max_size, addpath4, addpath6, ipv4=True, ipv6=True):
    """``(octets, messages)`` of the vouched run at the front of `data`, from its index."""
    used, index = codec.index_updates(data, max_size, addpath4, addpath6, ipv4, ipv6, True, True)
    return used, len(index) // INDEX_FIELDS


def context(addpath4=False, addpath6=False):
    """A session's context (``received``: the checks of an UPDATE received from a peer apply)."""
    families = ({(1, 1)} if addpath4 else set()) | ({(2, 1)} if addpath6 else set())
    return CodecContext(addpath_receive=frozenset(families), received=True)


def full_decode(body, ctx):
    """``(changes, eor)`` of the session's full decode, or the CodecError (a session reset)."""
    try:
        decoded = Update.decode(body, ctx)
        return decoded.changes(ctx), decoded.eor(ctx)
    except CodecError as error:
        return error


def assert_sound(codec, body, addpath4, addpath6):
    if codec.check_update(body, addpath4, addpath6):
        outcome = full_decode(body, context(addpath4, addpath6))
        assert not isinstance(outcome, CodecError), outcome
        changes, eor = outcome
        assert changes and eor is None


# ---------------------------------------------------------------- valid UPDATEs of the vouched shapes


def prefixes(afi, addpath):
    width = 32 if afi == 1 else 128

    @st.composite
    def one(draw):
        bits = draw(st.integers(0, width))
        head = draw(st.binary(min_size=4, max_size=4)) if addpath else b""
        return head + bytes((bits,)) + draw(st.binary(min_size=(bits + 7) >> 3, max_size=(bits + 7) >> 3))

    return st.lists(one(), max_size=4).map(b"".join)


@st.composite
def updates(draw):
    addpath4, addpath6 = draw(st.booleans()), draw(st.booleans())
    attributes = [COMMON, NEXT_HOP]
    if draw(st.booleans()):
        afi = draw(st.sampled_from((1, 2)))
        nexthop = draw(st.sampled_from((b"\xc0\x00\x02\x01",) if afi == 1 else (V6_NEXT_HOP, V6_NEXT_HOP * 2)))
        nlri = draw(prefixes(afi, addpath4 if afi == 1 else addpath6).filter(bool))
        value = afi.to_bytes(2, "big") + b"\x01" + bytes((len(nexthop),)) + nexthop + b"\x00" + nlri
        attributes.append(attribute(draw(st.sampled_from((0x80, 0x90, 0xA0))), 14, value))
    if draw(st.booleans()):
        afi = draw(st.sampled_from((1, 2)))
        value = afi.to_bytes(2, "big") + b"\x01" + draw(prefixes(afi, addpath4 if afi == 1 else addpath6))
        attributes.append(attribute(draw(st.sampled_from((0x80, 0x90))), 15, value))
    body = update(draw(prefixes(1, addpath4)), b"".join(draw(st.permutations(attributes))), draw(prefixes(1, addpath4)))
    return body, addpath4, addpath6


@st.composite
def mutated(draw, valid):
    data = bytearray(draw(valid))
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        index = draw(st.integers(0, len(data) - 1))
        operation = draw(st.sampled_from(("flip", "set", "cut", "insert", "delete")))
        if operation == "flip":
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif operation == "set":
            data[index] = draw(st.sampled_from((0, 1, 4, 14, 15, 16, 32, 0x80, 0xFF)))
        elif operation == "cut":
            data = data[:index]
        elif operation == "insert":
            data[index:index] = draw(st.binary(min_size=1, max_size=5))
        else:
            del data[index : index + draw(st.integers(1, 5))]
    return bytes(data)


@SETTINGS
@given(case=updates())
def test_valid_updates_with_routes_are_vouched_for(codec, case):
    body, addpath4, addpath6 = case
    outcome = full_decode(body, context(addpath4, addpath6))
    assert not isinstance(outcome, CodecError)
    assert codec.check_update(body, addpath4, addpath6) == bool(outcome[0])
    assert_sound(codec, body, addpath4, addpath6)


@SETTINGS
@given(data=st.data(), case=updates())
def test_what_is_vouched_for_never_resets(codec, data, case):
    body, addpath4, addpath6 = case
    for candidate in (data.draw(mutated(st.just(body))), data.draw(st.binary(max_size=60))):
        for flags in ((addpath4, addpath6), (not addpath4, addpath6), (addpath4, not addpath6)):
            assert_sound(codec, candidate, *flags)


# ---------------------------------------------------------------- named verdicts


def mp_reach(value, flags=0x80):
    return attribute(flags, 14, value)


V6_REACH = bytes.fromhex("000201 10") + V6_NEXT_HOP + b"\x00" + bytes.fromhex("30 20010db80001")

NOT_VOUCHED = {
    "ipv4 End-of-RIB": update(),
    "ipv6 End-of-RIB": update(b"", attribute(0x80, 15, bytes.fromhex("000201"))),
    "attributes only": update(b"", COMMON + NEXT_HOP),
    "withdrawn length overruns": bytes.fromhex("0009 18c63301 0000"),
    "attribute length overruns": bytes.fromhex("0000 00ff") + COMMON,
    "prefix longer than 32 bits": update(b"", COMMON + NEXT_HOP, bytes.fromhex("21 c6330101 00")),
    "prefix octets missing": update(bytes.fromhex("18c633"), COMMON + NEXT_HOP, b""),
    "attribute runs past the section (treat-as-withdraw)": update(
        b"", COMMON + bytes.fromhex("400304c000"), bytes.fromhex("18c63301")
    ),
    "MP_REACH_NLRI transitive": update(b"", mp_reach(V6_REACH, 0xC0) + COMMON),
    "MP_REACH_NLRI repeated": update(b"", mp_reach(V6_REACH) + mp_reach(V6_REACH) + COMMON),
    "MP_REACH_NLRI empty": update(b"", mp_reach(b"") + COMMON + NEXT_HOP, bytes.fromhex("18c63301")),
    "MP_REACH_NLRI without NLRI": update(b"", mp_reach(V6_REACH[:-7]) + COMMON),
    "MP_REACH_NLRI next hop of 4 octets for ipv6": update(
        b"", mp_reach(bytes.fromhex("000201 04 c0000201 00 2020010db8")) + COMMON
    ),
    "MP_REACH_NLRI of another family": update(
        b"", mp_reach(bytes.fromhex("000202 10") + V6_NEXT_HOP + bytes.fromhex("00 2020010db8")) + COMMON
    ),
    "MP_REACH_NLRI prefix of 129 bits": update(b"", mp_reach(V6_REACH[:-7] + bytes.fromhex("81") + bytes(17)) + COMMON),
    "MP_UNREACH_NLRI truncated prefix": update(b"", attribute(0x80, 15, bytes.fromhex("000201 3020010db8"))),
    "unrecognized well-known attribute (3/2)": update(
        b"", COMMON + NEXT_HOP + attribute(0x40, 99, b"ab"), bytes.fromhex("18c63301")
    ),
    "unrecognized attribute without flags (3/2)": update(
        b"", COMMON + NEXT_HOP + attribute(0x00, 250, b""), bytes.fromhex("18c63301")
    ),
}


def test_known_codes_are_the_attribute_table():
    """`tables.KNOWN` is `exabgp.bgp.attribute.ATTRIBUTES`'s codes; both twins vouch for an attribute
    flagged well-known exactly when its code is one of them (the others are 3/2, RFC 4271 section 6.3)."""
    from exabgp._codec.tables import KNOWN
    from exabgp.bgp.attribute import ATTRIBUTES

    assert KNOWN == set(ATTRIBUTES)
    compiled = exabgp._codec.load("c") if exabgp._codec.IMPLEMENTATION == "c" else PURE
    for code in range(256):
        if code in (14, 15):
            continue
        body = update(b"", COMMON + NEXT_HOP + attribute(0x40, code, b""), bytes.fromhex("18c63301"))
        assert (
            PURE.check_update(body, False, False) is compiled.check_update(body, False, False) is (code in ATTRIBUTES)
        ), code
        optional = update(b"", COMMON + NEXT_HOP + attribute(0xC0, code, b""), bytes.fromhex("18c63301"))
        assert PURE.check_update(optional, False, False) is compiled.check_update(optional, False, False) is True


def test_families_not_negotiated_are_not_vouched_for(codec):
    """MP_REACH_NLRI / MP_UNREACH_NLRI of a family the session did not negotiate is 3/9 (RFC 4760 section 7):
    not vouched for; the NLRI field is, on any session."""
    withdraw_v6 = update(b"", attribute(0x80, 15, bytes.fromhex("000201 2020010db8")))
    with_v4_mp = update(b"", mp_reach(bytes.fromhex("000101 04 c0000201 00 18c63301")) + COMMON)
    for body, ipv4, ipv6 in ((V6, True, False), (withdraw_v6, True, False), (with_v4_mp, False, True)):
        assert codec.check_update(body, False, False, ipv4, ipv6) is False
        assert codec.check_update(body, False, False, True, True) is True
        assert scan(codec, message(body), 4096, False, False, ipv4, ipv6) == (0, 0)
    assert codec.check_update(V4, False, False, False, True) is True


@pytest.mark.parametrize("name", sorted(NOT_VOUCHED))
def test_not_vouched_for(codec, name):
    assert codec.check_update(NOT_VOUCHED[name], False, False) is False
    assert scan(codec, message(V4) + message(NOT_VOUCHED[name]) + message(V4), 4096, False, False) == (
        19 + len(V4),
        1,
    )


def test_corpus_like_updates_are_vouched_for(codec):
    for body in (V4, V6, update(bytes.fromhex("18c63302"), b"", b"")):
        assert codec.check_update(body, False, False) is True
        assert codec.check_update(body + b"\x00", False, False) is True  # one more NLRI: 0.0.0.0/0
        assert codec.check_update(body + b"\x08", False, False) is False  # a /8 without its octet


def test_addpath_changes_the_verdict(codec):
    with_path_id = update(b"", COMMON + NEXT_HOP, bytes.fromhex("00000001 18c63301"))
    assert codec.check_update(with_path_id, True, False) is True
    assert codec.check_update(with_path_id, False, False) is False  # a /0 then a 1-bit prefix with no octet


def test_scan_stops_at_what_it_does_not_vouch_for(codec):
    stream = message(V4) + message(V6)
    whole = (len(stream), 2)
    assert scan(codec, stream, 4096, False, False) == whole
    assert scan(codec, stream + message(V4)[:30], 4096, False, False) == whole  # incomplete
    assert scan(codec, stream + message(b"", 4) + message(V4), 4096, False, False) == whole  # KEEPALIVE
    assert scan(codec, stream + b"\x00" * 16 + message(V4)[16:], 4096, False, False) == whole  # marker
    assert scan(codec, message(V4) + message(V6), 19 + len(V4), False, False) == (19 + len(V4), 1)  # size
    assert scan(codec, bytearray(stream), 4096, False, False) == whole
    assert scan(codec, b"", 4096, False, False) == (0, 0)


# ---------------------------------------------------------------- the index of a run


def expected_record(octets, offset):
    """The record of the message at `offset` of `octets` as the wire topic frames it (`split_messages`,
    `split_update`, `walk_attributes`), its plain mark left out (`tests/test_codec_ribin.py` checks it)."""
    length = int.from_bytes(octets[offset + 16 : offset + 18], "big")
    [(_, body)], used = exabgp._codec.split_messages(octets[offset : offset + length], 65535)
    start = offset + 19
    withdrawn, attributes, nlri = exabgp._codec.split_update(body)
    withdrawn_end = start + 2 + len(withdrawn)
    attributes_end = withdrawn_end + 2 + len(attributes)
    mp = {14: (0, 0, 0), 15: (0, 0, 0)}
    at = withdrawn_end + 2
    for code, flags, value in exabgp._codec.walk_attributes(attributes):
        header = 4 if flags & 0x10 else 3
        if code in mp:
            mp[code] = (at, at + header, at + header + len(value))
        at += header + len(value)
    return [offset, withdrawn_end, attributes_end, offset + used, *mp[14], *mp[15]], offset + used


@SETTINGS
@given(cases=st.lists(updates(), min_size=1, max_size=5), tail=st.binary(max_size=30))
def test_the_index_frames_what_the_wire_topic_frames(codec, cases, tail):
    bodies = [body for body, _, _ in cases]
    octets = b"".join(message(body) for body in bodies)
    used, index = codec.index_updates(octets + tail, 65535, False, False, True, True, True, True)
    vouched = len(index) // INDEX_FIELDS
    assert used <= len(octets + tail) and vouched >= 1 or not codec.check_update(bodies[0], False, False)
    offset = 0
    for record in range(vouched):
        fields = list(index[record * INDEX_FIELDS : (record + 1) * INDEX_FIELDS])
        expected, offset = expected_record(octets + tail, offset)
        assert fields[:-1] == expected and fields[-1] in (0, 1)
    assert offset == used


def test_the_records_of_a_run(codec):
    """Offsets named by `tables.INDEX_*`, counted by hand for an IPv4 and an IPv6 UPDATE."""
    octets = message(V4) + message(V6) + message(update(), 2)
    used, index = codec.index_updates(octets, 4096, False, False, True, True, True, True)
    assert used == 19 * 2 + len(V4) + len(V6) and len(index) == 2 * INDEX_FIELDS
    second = 19 + len(V4)
    reach = second + 19 + 4  # the MP_REACH_NLRI TLV opens the attribute section of V6
    assert list(index) == [
        *(0, 21, 21 + 2 + len(COMMON + NEXT_HOP), 19 + len(V4), 0, 0, 0, 0, 0, 0, 1),
        *(second, second + 21, second + 19 + len(V6) - 0, second + 19 + len(V6)),
        *(reach, reach + 4, reach + 4 + 2 + 1 + 1 + 16 + 1 + 7, 0, 0, 0, 1),
    ]
    assert type(index).__name__ == "array" and index.typecode == "i"


def test_plain_is_the_common_attributes_clean(codec):
    """Vouched for but not plain: a code twice, an attribute outside `tables.COMMON`, a common one whose value
    RFC 7606 would not keep, a missing mandatory attribute; AS_PATH's width follows `asn4`."""
    two_octet_path = update(
        b"", attribute(0x40, 1, b"\x00") + attribute(0x40, 2, bytes.fromhex("0201 fbf0")) + NEXT_HOP
    )
    cases = {
        V4: (1, 0),  # its AS_PATH holds one 4-octet ASN: not whole 2-octet ones
        update(b"", COMMON + COMMON[:4] + NEXT_HOP, bytes.fromhex("18c63301")): (0, 0),
        update(b"", COMMON + NEXT_HOP + attribute(0xC0, 16, bytes(8)), bytes.fromhex("18c63301")): (0, 0),
        update(b"", COMMON + NEXT_HOP + attribute(0xC0, 8, bytes(5)), bytes.fromhex("18c63301")): (0, 0),
        update(b"", COMMON, bytes.fromhex("18c63301")): (0, 0),
        update(bytes.fromhex("18c63301")): (1, 1),
        two_octet_path + bytes.fromhex("18c63301"): (0, 1),
    }
    for body, (wide, narrow) in cases.items():
        for asn4, plain in ((True, wide), (False, narrow)):
            used, index = codec.index_updates(message(body), 4096, False, False, True, True, asn4, True)
            assert used and index[INDEX_FIELDS - 1] == plain, (body.hex(), asn4)


@SETTINGS
@given(data=st.data(), case=updates(), asn4=st.booleans(), max_size=st.sampled_from((30, 4096, 65535)))
def test_index_twins_identical(data, case, asn4, max_size):
    body, addpath4, addpath6 = case
    stream = data.draw(st.lists(st.one_of(st.just(body), mutated(st.just(body))), max_size=4))
    octets = b"".join(message(one) for one in stream) + data.draw(st.binary(max_size=20))
    compiled = exabgp._codec.load("c") if exabgp._codec.IMPLEMENTATION == "c" else PURE
    for arguments in ((addpath4, addpath6, True, True, asn4, True), (addpath4, addpath6, False, True, asn4, False)):
        assert PURE.index_updates(octets, max_size, *arguments) == compiled.index_updates(octets, max_size, *arguments)
        assert PURE.index_updates(bytearray(octets), max_size, *arguments) == compiled.index_updates(
            octets, max_size, *arguments
        )


@SETTINGS
@given(data=st.data(), case=updates(), asn4=st.booleans())
def test_index_update_is_the_record_of_a_body_alone(codec, data, case, asn4):
    """`index_update` gives the record `index_updates` gives the same UPDATE in a run, its offsets into the body
    (the header's 19 octets less, the absent MP attributes still 0), or nothing when it is not vouched for."""
    body, addpath4, addpath6 = case
    body = data.draw(st.one_of(st.just(body), mutated(st.just(body))))
    _, run = codec.index_updates(message(body), 65535, addpath4, addpath6, True, True, asn4, True)
    expected = [
        value if field == INDEX_FIELDS - 1 or (value == 0 and field != 0) else value - 19
        for field, value in enumerate(run)
    ]
    assert list(codec.index_update(body, addpath4, addpath6, asn4)) == expected
