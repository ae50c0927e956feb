"""Differential tests: the compiled and the pure codec twins must be indistinguishable.

Every decoder entry point gets random bytes and mutated valid input (built
with the pure encoders, then bit-flipped, cut, spliced); both twins must
return equal values of identical types, or raise CodecError with the same
(code, subcode, data).  Any other exception fails the test.  Encoders are
checked the other way round: encode with one twin, decode with the other.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exabgp._codec
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import INDEX_FIELDS
from qa.hypothesis_profiles import examples

PURE = exabgp._codec.load("py")  # the specification builds the valid inputs
IPV4, IPV6 = 1, 2
PLAIN, LABELED, VPN = 0, 1, 2
SETTINGS = settings(max_examples=examples(300), deadline=None)


@pytest.fixture(scope="module")
def twins(compiled_codec, pure_codec):
    return compiled_codec, pure_codec


def shape(value):
    """`value` with the type of every part made visible (b"" == bytearray() but not here)."""
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [shape(item) for item in value]
    return type(value).__name__, value


def outcome(function, *args, **kwargs):
    try:
        return "result", shape(function(*args, **kwargs))
    except CodecError as error:
        return "CodecError", (error.code, error.subcode, error.data)


def same(twins, name, *args, **kwargs):
    compiled, pure = twins
    expected = outcome(getattr(pure, name), *args, **kwargs)
    assert outcome(getattr(compiled, name), *args, **kwargs) == expected
    return expected


# strategies: valid inputs, and mutations of them


@st.composite
def mutated(draw, valid):
    data = bytearray(draw(valid))
    for _ in range(draw(st.integers(0, 3))):
        operation = draw(st.sampled_from(("flip", "set", "cut", "insert", "delete")))
        if operation == "cut" or not data:
            data = data[: draw(st.integers(0, len(data)))] if data else bytearray(draw(st.binary(max_size=4)))
            continue
        index = draw(st.integers(0, len(data) - 1))
        if operation == "flip":
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif operation == "set":
            data[index] = draw(st.sampled_from((0, 1, 0x7F, 0x80, 0xFF, draw(st.integers(0, 255)))))
        elif operation == "insert":
            data[index:index] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[index : index + draw(st.integers(1, 8))]
    return bytes(data)


def fuzzed(valid):
    return st.one_of(st.binary(max_size=64), valid, mutated(valid))


@st.composite
def nlri_items(draw, afi, addpath, kind):
    width = 4 if afi == IPV4 else 16
    labels = rd = None
    room = 255
    if kind != PLAIN:
        inner = st.integers(1, 0xFFFFF).filter(lambda value: value != 0x80000).map(lambda value: value << 4)
        bottom = st.integers(0, 0xFFFFF).map(lambda value: value << 4 | 1)
        labels = tuple(draw(st.lists(inner, max_size=2))) + (draw(bottom),)
        room -= 24 * len(labels)
    if kind == VPN:
        rd = draw(st.binary(min_size=8, max_size=8))
        room -= 64
    bits = draw(st.integers(0, min(width * 8, room)))
    if labels is not None and 24 * (len(labels) - 1) + bits <= width * 8:
        # what the first field leaves is a prefix: one field, S bit and value ignored (RFC 8277 2.2 / 2.4);
        # only a stack that leaves more than a prefix after its first label can be told from it
        labels = (draw(st.integers(0, 0xFFFFFF)),)
    octets = (bits + 7) >> 3
    addr = draw(st.binary(min_size=octets, max_size=octets)) + bytes(width - octets)
    path_id = draw(st.integers(0, 0xFFFFFFFF)) if addpath else None
    return path_id, bits, addr, labels, rd


@st.composite
def nlri_case(draw):
    afi = draw(st.sampled_from((IPV4, IPV6)))
    addpath = draw(st.booleans())
    kind = draw(st.sampled_from((PLAIN, LABELED, VPN)))
    items = draw(st.lists(nlri_items(afi, addpath, kind), max_size=6))
    return items, afi, addpath, kind


segments = st.lists(
    st.tuples(st.sampled_from((1, 2, 3, 4)), st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=6).map(tuple)),
    max_size=4,
)
as_path_values = st.tuples(segments, st.booleans()).map(lambda case: PURE.encode_as_path(*case))
attribute_values = st.lists(
    st.tuples(
        st.sampled_from((0x40, 0x50, 0x80, 0x90, 0xC0, 0xD0)),
        st.sampled_from((1, 2, 3, 8, 14, 15, 32, 99)),
        st.binary(max_size=300),
    ),
    max_size=5,
).map(lambda items: b"".join(PURE.encode_attribute(code, flags, value) for flags, code, value in items))


def prefixes(afi, addpath, kind=PLAIN):
    return st.lists(nlri_items(afi, addpath, kind), max_size=4).map(
        lambda items: PURE.encode_nlri(items, afi, addpath, kind)
    )


#: the NLRI kind of a SAFI the JSON fast path renders
KINDS = {1: PLAIN, 2: PLAIN, 4: LABELED, 128: VPN}


@st.composite
def update_case(draw):
    """An UPDATE body of the kinds the JSON fast path renders, with its decoding flags."""
    asn4, addpath4, addpath6 = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    width = 4 if asn4 else 2
    asn = st.integers(0, (1 << (8 * width)) - 1)
    optional = {
        1: (0x40, st.sampled_from((b"\x00", b"\x01", b"\x02"))),
        2: (
            0x40,
            st.lists(
                st.tuples(st.sampled_from((1, 2)), st.lists(asn, min_size=1, max_size=5).map(tuple)), max_size=2
            ).map(lambda segs: PURE.encode_as_path(segs, asn4)),
        ),
        3: (0x40, st.binary(min_size=4, max_size=4)),
        4: (0x80, st.binary(min_size=4, max_size=4)),
        5: (0x40, st.binary(min_size=4, max_size=4)),
        6: (0x40, st.just(b"")),
        7: (0xC0, st.binary(min_size=width + 4, max_size=width + 4)),
        8: (0xC0, st.binary(min_size=4, max_size=16).map(lambda value: value[: len(value) // 4 * 4] or bytes(4))),
        9: (0x80, st.binary(min_size=4, max_size=4)),
        10: (0x80, st.binary(min_size=4, max_size=12).map(lambda value: value[: len(value) // 4 * 4] or bytes(4))),
        32: (0xC0, st.binary(min_size=12, max_size=24).map(lambda value: value[: len(value) // 12 * 12])),
    }
    codes = draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=len(optional)))
    attributes = [PURE.encode_attribute(code, optional[code][0], draw(optional[code][1])) for code in codes]
    # MP families: IPv6 unicast, IPv4 and IPv6 multicast (SAFI 2), labeled (4) and VPN (128); IPv6 next hops of 16
    # or 32 octets, after a route distinguisher for VPN (zero, or not: declined)
    if draw(st.booleans()):
        afi, safi = draw(
            st.sampled_from(((IPV6, 1), (IPV4, 2), (IPV6, 2), (IPV4, 4), (IPV6, 4), (IPV4, 128), (IPV6, 128)))
        )
        sizes = (16, 32) if afi == IPV6 else (4,)
        size = draw(st.sampled_from(sizes))
        next_hop = draw(st.binary(min_size=size, max_size=size))
        if safi == 128:
            next_hop = draw(st.sampled_from((bytes(8), b"\x00\x01" + bytes(6)))) + next_hop
        mp = afi.to_bytes(2, "big") + bytes((safi, len(next_hop))) + next_hop + b"\x00"
        reach = mp + draw(prefixes(afi, addpath6 if afi == IPV6 else addpath4, KINDS[safi]))
        attributes.append(PURE.encode_attribute(14, 0x80, reach))
    if draw(st.booleans()):
        afi, safi = draw(
            st.sampled_from(((IPV6, 1), (IPV4, 2), (IPV6, 2), (IPV4, 4), (IPV6, 4), (IPV4, 128), (IPV6, 128), (25, 70)))
        )
        addpath = addpath6 if afi == IPV6 else addpath4
        nlri = draw(prefixes(afi, addpath, KINDS[safi])) if safi in KINDS and draw(st.booleans()) else b""
        attributes.append(PURE.encode_attribute(15, 0x80, afi.to_bytes(2, "big") + bytes((safi,)) + nlri))
    attributes = draw(st.permutations(attributes))
    withdrawn = draw(prefixes(IPV4, addpath4))
    announced = draw(prefixes(IPV4, addpath4))
    section = b"".join(attributes)
    body = len(withdrawn).to_bytes(2, "big") + withdrawn + len(section).to_bytes(2, "big") + section + announced
    return body, asn4, addpath4, addpath6


update_bodies = update_case().map(lambda case: case[0])
message_streams = st.lists(
    st.tuples(st.integers(0, 255), st.one_of(update_bodies, st.binary(max_size=40))), max_size=4
).map(lambda items: b"".join(PURE.frame_message(*item) for item in items))


# decoders: equal output or equal CodecError


@SETTINGS
@given(data=fuzzed(message_streams), max_size=st.sampled_from((4096, 65535, 19, 60)))
def test_split_messages(twins, data, max_size):
    same(twins, "split_messages", data, max_size)
    same(twins, "split_messages", bytearray(data), max_size=max_size)


@SETTINGS
@given(data=fuzzed(update_bodies))
def test_split_update(twins, data):
    same(twins, "split_update", data)
    same(twins, "split_update", memoryview(data))


@SETTINGS
@given(data=fuzzed(attribute_values))
def test_walk_attributes(twins, data):
    same(twins, "walk_attributes", data)


@SETTINGS
@given(case=nlri_case(), data=st.data())
def test_decode_nlri(twins, case, data):
    items, afi, addpath, kind = case
    octets = data.draw(fuzzed(st.just(PURE.encode_nlri(items, afi, addpath, kind))))
    afi = data.draw(st.sampled_from((afi, afi, 25)))
    same(twins, "decode_nlri", octets, afi, addpath, kind, data.draw(st.booleans()))
    same(
        twins,
        "decode_nlri",
        octets,
        afi,
        not addpath,
        data.draw(st.sampled_from((PLAIN, LABELED, VPN, 3))),
        data.draw(st.booleans()),
    )


@SETTINGS
@given(data=fuzzed(as_path_values), asn4=st.booleans())
def test_decode_as_path(twins, data, asn4):
    same(twins, "decode_as_path", data, asn4)


@SETTINGS
@given(data=st.binary(max_size=40))
def test_decode_communities(twins, data):
    same(twins, "decode_communities", data)
    same(twins, "decode_large_communities", data)
    same(twins, "decode_extended_communities", data)


@SETTINGS
@given(case=update_case(), data=st.data())
def test_render_update(twins, case, data):
    body, asn4, addpath4, addpath6 = case
    same(twins, "render_update", body, asn4, addpath4, addpath6)
    same(twins, "render_update", data.draw(mutated(st.just(body))), asn4, addpath4, addpath6)


@SETTINGS
@given(case=update_case(), data=st.data())
def test_render_run(twins, case, data):
    # a run of whole messages: valid and mutated bodies (some declined), maybe a mutated header or a cut tail,
    # with the index the session makes of it (its vouched front, plain marked or not)
    body, asn4, addpath4, addpath6 = case
    bodies = data.draw(st.lists(st.one_of(st.just(body), mutated(st.just(body))), min_size=1, max_size=4))
    octets = b"".join(PURE.frame_message(2, item) for item in bodies)
    octets = bytes(data.draw(st.one_of(st.just(octets), mutated(st.just(octets)))))
    _used, index = PURE.index_updates(octets, 65535, addpath4, addpath6, True, True, asn4, data.draw(st.booleans()))
    count = len(index) // INDEX_FIELDS
    start = data.draw(st.integers(0, count))
    envelope = ('{ "head": ', ', "after": ', " }\n")
    counter = data.draw(st.integers(0, 10**6))
    same(twins, "render_run", octets, index, start, asn4, addpath4, addpath6, *envelope, counter)
    # walking the whole run, each declined message taken over by the caller
    record, counter = 0, 0
    while record < count:
        result = same(twins, "render_run", octets, index, record, asn4, addpath4, addpath6, *envelope, counter)
        _text, counter, record, declined = (value for _kind, value in result[1][1])
        counter += declined is not None


# encoders: encode with one twin, decode with the other


def both_ways(twins):
    compiled, pure = twins
    return ((compiled, pure), (pure, compiled))


@SETTINGS
@given(case=nlri_case(), limit=st.integers(0, 120))
def test_nlri_round_trip(twins, case, limit):
    items, afi, addpath, kind = case
    for encoder, decoder in both_ways(twins):
        encoded = encoder.encode_nlri(items, afi, addpath, kind)
        assert encoded == decoder.encode_nlri(items, afi, addpath, kind)
        assert decoder.decode_nlri(encoded, afi, addpath, kind) == items
        assert decoder.decode_nlri(encoded, afi, addpath, kind, True) == items
    same(twins, "pack_nlri", items, 0, limit, afi, addpath, kind)
    same(twins, "pack_nlri", items, len(items) // 2, limit, afi, addpath, kind)


@SETTINGS
@given(
    segs=st.lists(
        st.tuples(
            st.sampled_from((1, 2, 3, 4)), st.lists(st.integers(0, 0xFFFFFFFF), min_size=1, max_size=600).map(tuple)
        ),
        max_size=3,
    ),
    asn4=st.booleans(),
)
def test_as_path_round_trip(twins, segs, asn4):
    for encoder, decoder in both_ways(twins):
        result = outcome(encoder.encode_as_path, segs, asn4)
        assert result == outcome(decoder.encode_as_path, segs, asn4)
        if result[0] == "result":
            decoded = decoder.decode_as_path(encoder.encode_as_path(segs, asn4), asn4)
            assert [asn for _, part in decoded for asn in part] == [asn for _, part in segs for asn in part]


@SETTINGS
@given(
    standard=st.lists(st.integers(0, 0xFFFFFFFF), max_size=8),
    large=st.lists(st.tuples(*[st.integers(0, 0xFFFFFFFF)] * 3), max_size=4),
    extended=st.lists(st.integers(0, 0xFFFFFFFFFFFFFFFF), max_size=4),
)
def test_communities_round_trip(twins, standard, large, extended):
    for encoder, decoder in both_ways(twins):
        assert decoder.decode_communities(encoder.encode_communities(standard)) == tuple(standard)
        assert decoder.decode_large_communities(encoder.encode_large_communities(large)) == tuple(large)
        assert decoder.decode_extended_communities(encoder.encode_extended_communities(extended)) == tuple(extended)


@SETTINGS
@given(items=st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=400)), max_size=5))
def test_attribute_round_trip(twins, items):
    for encoder, decoder in both_ways(twins):
        section = b"".join(encoder.encode_attribute(code, flags, value) for flags, code, value in items)
        assert section == b"".join(decoder.encode_attribute(code, flags, value) for flags, code, value in items)
        same(twins, "walk_attributes", section)


@SETTINGS
@given(messages=st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=100)), max_size=5), cut=st.integers(0, 30))
def test_framing_round_trip(twins, messages, cut):
    for encoder, decoder in both_ways(twins):
        stream = b"".join(encoder.frame_message(kind, body) for kind, body in messages)
        assert decoder.split_messages(stream) == (messages, len(stream))
        same(twins, "split_messages", stream[: max(0, len(stream) - cut)])


# the UPDATE check (validation without decoding): same verdicts


@SETTINGS
@given(case=update_case(), data=st.data())
def test_check_update(twins, case, data):
    body, _, addpath4, addpath6 = case
    for candidate in (body, data.draw(mutated(st.just(body))), data.draw(st.binary(max_size=64))):
        same(twins, "check_update", candidate, addpath4, addpath6)
        same(twins, "check_update", bytearray(candidate), addpath4, addpath6)


@SETTINGS
@given(
    data=fuzzed(message_streams),
    max_size=st.sampled_from((4096, 65535, 19, 60)),
    addpath4=st.booleans(),
    addpath6=st.booleans(),
    asn4=st.booleans(),
)
def test_index_updates(twins, data, max_size, addpath4, addpath6, asn4):
    same(twins, "index_updates", data, max_size, addpath4, addpath6, True, True, asn4, True)
    same(twins, "index_updates", bytearray(data), max_size, addpath4, addpath6, True, asn4, asn4, addpath4)
