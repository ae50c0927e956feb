"""Fuzz targets: every decoder entry point of both twins, fed random and mutated octets.

The only exception a decoder may raise on bad wire data is CodecError
(RFC 4271 section 6 / RFC 7606 error handling starts from it); the JSON fast
path raises nothing at all (it declines with None).  Seeds are valid
messages; mutations flip, overwrite, cut and splice them.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import INDEX_FIELDS
from qa.hypothesis_profiles import examples

SETTINGS = settings(max_examples=examples(250), deadline=None)


def attribute(flags, code, hexvalue):
    value = bytes.fromhex(hexvalue)
    return bytes((flags, code, len(value))) + value


def update(withdrawn, attributes, nlri):
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(attributes).to_bytes(2, "big") + attributes + nlri


ATTRIBUTES_V4 = b"".join(
    (
        attribute(0x40, 1, "00"),
        attribute(0x40, 2, "0201 0000fde8"),
        attribute(0x40, 3, "c0000201"),
        attribute(0x80, 4, "00000064"),
        attribute(0xC0, 8, "fde80001 fde80002"),
        attribute(0xC0, 32, "0000fde8 00000001 00000002"),
    )
)
UPDATE_V4 = update(bytes.fromhex("18c0a802"), ATTRIBUTES_V4, bytes.fromhex("18c0a801 100a01"))
UPDATE_V6 = update(
    b"",
    b"".join(
        (
            attribute(0x40, 1, "00"),
            attribute(0x40, 2, ""),
            attribute(0x80, 14, "0002 01 10 20010db8000000000000000000000001 00 30 20010db80001"),
            attribute(0x80, 15, "0002 01 20 20010db8"),
        )
    ),
    b"",
)
EOR_V6 = bytes.fromhex("0000 0006 800f03 000201")
SEEDS = {
    "stream": [b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + b"\x02" + body for body in (UPDATE_V4, UPDATE_V6)],
    "update": [UPDATE_V4, UPDATE_V6, EOR_V6, bytes(4)],
    "attributes": [ATTRIBUTES_V4, bytes.fromhex("d0200101") + bytes(257)],
    "nlri": [
        bytes.fromhex("18c0a801 100a01 20010203 04 00"),
        bytes.fromhex("00000001 18c0a801"),
        bytes.fromhex("700003e9 0000fde800000001 0a0102"),
        bytes.fromhex("30 800000 0a01"),
    ],
    "as_path": [bytes.fromhex("0203 fde8 fde9 0001 0101 ffff"), bytes.fromhex("0202 0000fde8 ffffffff")],
    "communities": [bytes.fromhex("fde80064 0000fde8 00000001 00000002 ffffffff")],
}


@st.composite
def mutated(draw, seeds):
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, max(0, len(data) - 1)))
        operation = draw(st.sampled_from(("flip", "set", "cut", "insert", "delete")))
        if operation == "cut":
            data = data[:index]
        elif operation == "insert":
            data[index:index] = draw(st.binary(min_size=1, max_size=6))
        elif not data:
            continue
        elif operation == "flip":
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif operation == "set":
            data[index] = draw(st.sampled_from((0, 1, 0x7F, 0x80, 0xFF)))
        else:
            del data[index : index + draw(st.integers(1, 6))]
    return bytes(data)


def octets(topic):
    return st.one_of(st.binary(max_size=80), mutated(SEEDS[topic]))


def only_codec_errors(function, *args):
    try:
        function(*args)
    except CodecError as error:
        assert isinstance(error.code, int) and isinstance(error.subcode, int) and isinstance(error.data, bytes)


@SETTINGS
@given(data=octets("stream"), max_size=st.sampled_from((4096, 65535)))
def test_split_messages(codec, data, max_size):
    only_codec_errors(codec.split_messages, data, max_size)


@SETTINGS
@given(data=octets("update"))
def test_split_update(codec, data):
    only_codec_errors(codec.split_update, data)


@SETTINGS
@given(data=octets("attributes"))
def test_walk_attributes(codec, data):
    only_codec_errors(codec.walk_attributes, data)


@SETTINGS
@given(data=octets("nlri"), afi=st.sampled_from((1, 2)), addpath=st.booleans(), kind=st.sampled_from((0, 1, 2)))
def test_decode_nlri(codec, data, afi, addpath, kind):
    only_codec_errors(codec.decode_nlri, data, afi, addpath, kind)


@SETTINGS
@given(data=octets("as_path"), asn4=st.booleans())
def test_decode_as_path(codec, data, asn4):
    only_codec_errors(codec.decode_as_path, data, asn4)


@pytest.mark.parametrize("name", ["decode_communities", "decode_large_communities", "decode_extended_communities"])
@SETTINGS
@given(data=octets("communities"))
def test_decode_communities(codec, name, data):
    only_codec_errors(getattr(codec, name), data)


@SETTINGS
@given(data=octets("update"), asn4=st.booleans(), addpath4=st.booleans(), addpath6=st.booleans())
def test_render_update_never_raises(codec, data, asn4, addpath4, addpath6):
    result = codec.render_update(data, asn4, addpath4, addpath6)
    assert result is None or isinstance(result, str)


@SETTINGS
@given(data=octets("update"), addpath4=st.booleans(), addpath6=st.booleans())
def test_check_update_never_raises(codec, data, addpath4, addpath6):
    assert codec.check_update(data, addpath4, addpath6) in (True, False)


@SETTINGS
@given(data=octets("stream"), max_size=st.sampled_from((4096, 65535)), addpath4=st.booleans(), addpath6=st.booleans())
def test_index_updates_never_raises(codec, data, max_size, addpath4, addpath6):
    used, index = codec.index_updates(data, max_size, addpath4, addpath6, True, True, addpath4, addpath6)
    count, rest = divmod(len(index), INDEX_FIELDS)
    assert 0 <= used <= len(data) and 0 <= count <= used // 19 and rest == 0


def test_seeds_are_valid(codec):
    """The seeds decode cleanly, so the mutations start from real messages."""
    for stream in SEEDS["stream"]:
        assert len(codec.split_messages(stream)[0]) == 1
    for body in SEEDS["update"]:
        codec.split_update(body)
    assert len(codec.walk_attributes(SEEDS["attributes"][0])) == 6
    assert codec.render_update(UPDATE_V4, True, False, False) is not None
    assert codec.render_update(UPDATE_V6, True, False, False) is not None
    assert codec.render_update(EOR_V6, True, False, False) is not None
    assert codec.check_update(UPDATE_V4, False, False) and codec.check_update(UPDATE_V6, False, False)
    used, index = codec.index_updates(b"".join(SEEDS["stream"]), 4096, False, False, True, True, True, True)
    assert (used, len(index)) == (len(b"".join(SEEDS["stream"])), len(SEEDS["stream"]) * INDEX_FIELDS)
    assert len(codec.decode_nlri(SEEDS["nlri"][0], 1, False)) == 4
    assert len(codec.decode_nlri(SEEDS["nlri"][2], 1, False, 2)) == 1
    assert codec.decode_as_path(SEEDS["as_path"][1], True) == [(2, (65000, 0xFFFFFFFF))]
