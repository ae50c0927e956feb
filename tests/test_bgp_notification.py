"""NOTIFICATION: the code table, decode/encode, RFC 8203/9003 shutdown communication and 5.0's rewrite.

The wire vectors (tests/vectors/notification-*.vec) run in test_bgp_messages.py.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp.api.json_message import notification_json
from exabgp.bgp.notification import NOTIFICATION_CODES, Notification, code_name, subcode_name
from qa.hypothesis_profiles import examples


def test_decode_encode():
    message = Notification.decode(b"\x06\x00closing", None)
    assert (message.code, message.subcode, message.data) == (6, 0, b"closing")
    assert message.encode(None) == b"\x06\x00closing"
    assert Notification.decode(b"\x04\x00", None) == Notification(4, 0)


@pytest.mark.parametrize("body", [b"", b"\x06"])
def test_body_under_two_octets_is_bad_message_length(body):
    with pytest.raises(CodecError) as info:
        Notification.decode(body, None)
    assert (info.value.code, info.value.subcode, info.value.data) == (1, 2, (19 + len(body)).to_bytes(2, "big"))


def test_code_table():
    assert set(NOTIFICATION_CODES) == {1, 2, 3, 4, 5, 6, 7, 8}
    assert code_name(6) == "Cease" and subcode_name(6, 2) == "Administrative Shutdown"
    assert subcode_name(2, 7) == "Unsupported Capability"
    assert subcode_name(5, 1) == "Receive Unexpected Message in OpenSent State"
    assert subcode_name(7, 1) == "Invalid Message Length"
    assert subcode_name(6, 9) == "Hard Reset"
    assert code_name(99) == "unknown error code 99" and subcode_name(6, 99) == "unknown subcode 99"
    assert str(Notification(1, 3, b"x")) == "Message Header Error / Bad Message Type / x"
    assert str(Notification(4, 0)) == "Hold Timer Expired / Unspecific"


def test_shutdown_builder_is_length_prefixed_utf8():
    message = Notification.shutdown(2, "maintenance \u00e9")
    assert message.data == bytes((14,)) + "maintenance \u00e9".encode()
    assert Notification.decode(message.encode(None), None) == message
    assert message.reported_data() == 'Shutdown Communication: "maintenance \u00e9"'.encode()
    assert str(message) == 'Cease / Administrative Shutdown / Shutdown Communication: "maintenance \u00e9"'
    assert len(Notification.shutdown(4, "x" * 255).data) == 256
    with pytest.raises(ValueError):
        Notification.shutdown(2, "x" * 256)


@pytest.mark.parametrize(
    "code,subcode,data,reported",
    [
        (6, 2, b"\x03bye", b'Shutdown Communication: "bye"'),
        (6, 4, b"\x03bye\x01", b'Shutdown Communication: "bye", trailing data: 0x01'),
        (6, 2, b"\x03a\r\n", b'Shutdown Communication: "a  "'),
        (6, 2, b"\x00", b"empty Shutdown Communication."),
        (6, 2, b"", b""),
        (6, 2, b"\x05ab", b"invalid Shutdown Communication (buffer underrun) length : 5 [0x6162]"),
        (6, 2, b"\x02\xc3\x28", b"invalid Shutdown Communication (invalid UTF-8) length : 2 [0xC328]"),
        (
            6,
            4,
            b"\x81" + b"a" * 129,
            b"invalid Shutdown Communication (too large) length : 129 [0x" + b"61" * 129 + b"]",
        ),
        (6, 3, b"\x03bye", b"\x03bye"),
        (2, 2, b"\x03bye", b"\x03bye"),
    ],
)
def test_reported_data(code, subcode, data, reported):
    message = Notification(code, subcode, data)
    assert message.reported_data() == reported
    assert message.encode(None) == bytes((code, subcode)) + data  # the wire keeps the original octets


def test_json_uses_the_reported_data():
    text = notification_json(Notification(6, 2, b"\x05hello"))
    assert text.endswith(" } ")
    assert json.loads(text) == {
        "code": 6,
        "subcode": 2,
        "data": "0x" + b'Shutdown Communication: "hello"'.hex().upper(),
        "message": 'Shutdown Communication: "hello"',
    }
    assert json.loads(notification_json(Notification(6, 3, b"\x00\xff")))["message"] == "\x00\ufffd"


@settings(max_examples=examples(300))
@given(st.binary(max_size=300))
def test_any_body_of_two_octets_or_more_round_trips(body):
    try:
        message = Notification.decode(body, None)
    except CodecError as error:
        assert len(body) < 2 and (error.code, error.subcode) == (1, 2)
        return
    assert message.encode(None) == body
    json.loads(notification_json(message))
