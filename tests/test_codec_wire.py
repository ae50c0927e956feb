"""Framing (RFC 4271 4.1, RFC 8654), UPDATE split (4.3) and the attribute walk (RFC 7606 3), on both twins."""

import pytest

from exabgp._codec.errors import CodecError

MARKER = b"\xff" * 16


def message(msg_type, body):
    return MARKER + (19 + len(body)).to_bytes(2, "big") + bytes((msg_type,)) + body


KEEPALIVE = message(4, b"")
UPDATE = message(2, bytes.fromhex("0000 0007 400101 00 400200") + bytes.fromhex("18 0a0000"))


def error_of(call, *args, **kwargs):
    with pytest.raises(CodecError) as info:
        call(*args, **kwargs)
    return info.value.code, info.value.subcode, info.value.data


# frame_message


def test_frame_message_builds_header(codec):
    assert codec.frame_message(4, b"") == KEEPALIVE
    assert codec.frame_message(2, UPDATE[19:]) == UPDATE
    assert codec.MARKER == MARKER


def test_frame_message_accepts_any_bytes_like(codec):
    assert codec.frame_message(2, bytearray(UPDATE[19:])) == UPDATE
    assert codec.frame_message(2, memoryview(UPDATE[19:])) == UPDATE


def test_frame_message_largest_and_too_large(codec):
    largest = codec.frame_message(2, bytes(65535 - 19))
    assert len(largest) == 65535 and largest[16:18] == b"\xff\xff"
    assert error_of(codec.frame_message, 2, bytes(65535 - 18)) == (1, 2, (65536).to_bytes(4, "big"))


def test_frame_message_type_must_be_an_octet(codec):
    with pytest.raises(ValueError):
        codec.frame_message(256, b"")
    with pytest.raises(ValueError):
        codec.frame_message(-1, b"")


# split_messages


def test_split_messages_whole_stream(codec):
    stream = KEEPALIVE + UPDATE + KEEPALIVE
    messages, consumed = codec.split_messages(stream)
    assert messages == [(4, b""), (2, UPDATE[19:]), (4, b"")]
    assert consumed == len(stream)
    assert all(type(body) is bytes for _, body in messages)


def test_split_messages_keeps_incomplete_tail(codec):
    stream = KEEPALIVE + UPDATE[:-1]
    assert codec.split_messages(stream) == ([(4, b"")], 19)
    assert codec.split_messages(UPDATE[:18]) == ([], 0)
    assert codec.split_messages(b"") == ([], 0)


def test_split_messages_one_byte_at_a_time(codec):
    stream = UPDATE + KEEPALIVE + UPDATE + b"\xff\xff"
    buffer = bytearray()
    received = []
    for octet in stream:
        buffer.append(octet)
        messages, consumed = codec.split_messages(buffer)
        received.extend(messages)
        del buffer[:consumed]
    assert received == [(2, UPDATE[19:]), (4, b""), (2, UPDATE[19:])]
    assert bytes(buffer) == b"\xff\xff"


def test_split_messages_accepts_memoryview(codec):
    stream = b"junk" + KEEPALIVE
    assert codec.split_messages(memoryview(stream)[4:]) == ([(4, b"")], 19)


def test_split_messages_bad_marker(codec):
    broken = bytearray(KEEPALIVE)
    broken[7] = 0xFE
    assert error_of(codec.split_messages, bytes(broken)) == (1, 1, b"")
    # the error is raised for the message at the front only once it is complete enough to check
    assert error_of(codec.split_messages, KEEPALIVE + bytes(broken)) == (1, 1, b"")
    assert codec.split_messages(bytes(broken)[:18]) == ([], 0)


@pytest.mark.parametrize("length", [0, 18, 4097, 65535])
def test_split_messages_bad_length(codec, length):
    header = MARKER + length.to_bytes(2, "big") + b"\x02"
    assert error_of(codec.split_messages, header) == (1, 2, length.to_bytes(2, "big"))


def test_split_messages_extended_size(codec):
    big = message(2, bytes(5000))
    assert error_of(codec.split_messages, big) == (1, 2, (5019).to_bytes(2, "big"))
    assert codec.split_messages(big, max_size=65535) == ([(2, bytes(5000))], 5019)
    assert codec.split_messages(big, 65535) == ([(2, bytes(5000))], 5019)
    assert error_of(codec.split_messages, KEEPALIVE, max_size=18) == (1, 2, b"\x00\x13")


# split_update


def test_split_update_sections(codec):
    body = bytes.fromhex("0004 18010203 0003 400101 200a0a0a0a")
    assert codec.split_update(body) == (bytes.fromhex("18010203"), bytes.fromhex("400101"), bytes.fromhex("200a0a0a0a"))
    assert codec.split_update(bytes(4)) == (b"", b"", b"")
    assert codec.split_update(memoryview(body)) == codec.split_update(body)
    assert all(type(part) is bytes for part in codec.split_update(body))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x00\x00",  # shorter than 4 octets
        bytes.fromhex("0003 1801 00"),  # withdrawn routes run into the attribute length
        bytes.fromhex("0001 18 00"),  # no room left for the attribute length
        bytes.fromhex("0000 0004 400101"),  # attributes run past the end
    ],
)
def test_split_update_errors(codec, body):
    assert error_of(codec.split_update, body) == (3, 1, b"")


# walk_attributes


def test_walk_attributes_in_wire_order(codec):
    data = bytes.fromhex("40010101 40020a 02020000fde80000fde9 400304c0000201")
    assert codec.walk_attributes(data) == [
        (1, 0x40, b"\x01"),
        (2, 0x40, bytes.fromhex("02020000fde80000fde9")),
        (3, 0x40, bytes.fromhex("c0000201")),
    ]
    assert codec.walk_attributes(b"") == []


def test_walk_attributes_extended_length(codec):
    value = bytes(range(256)) + b"\x01"
    data = bytes.fromhex("d0200101") + value + bytes.fromhex("50080000")
    assert codec.walk_attributes(data) == [(32, 0xD0, value), (8, 0x50, b"")]


def test_walk_attributes_drops_duplicates(codec):
    data = bytes.fromhex("40010100 40010102 800404 00000001 400100 800404 00000002")
    assert codec.walk_attributes(data) == [(1, 0x40, b"\x00"), (4, 0x80, b"\x00\x00\x00\x01")]


@pytest.mark.parametrize("code", [14, 15])
def test_walk_attributes_repeated_mp_attribute_is_malformed(codec, code):
    one = bytes((0x80, code, 3, 0, 2, 1))
    assert len(codec.walk_attributes(one)) == 1
    assert error_of(codec.walk_attributes, one + one) == (3, 1, b"")


@pytest.mark.parametrize(
    "data",
    [
        bytes.fromhex("40"),
        bytes.fromhex("4001"),  # header cut
        bytes.fromhex("500100"),  # extended-length header cut
        bytes.fromhex("400102 01"),  # value overruns
        bytes.fromhex("50010002 01"),  # extended value overruns
        bytes.fromhex("40010100 4002"),  # second header cut
    ],
)
def test_walk_attributes_truncation(codec, data):
    assert error_of(codec.walk_attributes, data) == (3, 1, b"")
