"""The message table, KEEPALIVE, ROUTE-REFRESH, OPERATIONAL, and the OPEN / NOTIFICATION wire vectors.

Every tests/vectors/open-*.vec and notification-*.vec is decoded through
`decode_message`, re-encoded (when canonical) and rendered with
`message_line`; the JSON must equal ExaBGP 5.0.15's once the keys that vary
(exabgp, time, host, pid, ppid) are dropped, and the text must be the same
from "counter" on.  The reference vector of ../shared is checked the same
way when that directory exists.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec import frame_message, split_messages
from exabgp._codec.errors import CodecError
from exabgp.api.envelope import DaemonFields, NeighborFields
from exabgp.api.json_message import message_inner, message_line, operational_json, refresh_json
from exabgp.bgp.context import DEFAULT_CONTEXT
from exabgp.bgp.keepalive import KeepAlive
from exabgp.bgp.message import MESSAGE_TYPES, decode_message, message_name
from exabgp.bgp.notification import Notification
from exabgp.bgp.open import Open
from exabgp.bgp.operational import OPERATIONAL_TYPES, Operational
from exabgp.bgp.refresh import RouteRefresh
from qa.hypothesis_profiles import examples

VECTORS = Path(__file__).parent / "vectors"
DAEMON = DaemonFields("vm", 1, 1)
NEIGHBOR = NeighborFields("127.0.0.1", "127.0.0.1", 65533, 65533, "10.0.0.2")
_VARYING = ("exabgp", "time", "host", "pid", "ppid")


def _load(path: Path) -> dict:
    fields = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition(": ")
            fields[key.strip()] = value.strip()
    return fields


def _comparable(line: str) -> dict:
    data = json.loads(line)
    for key in _VARYING:
        data.pop(key, None)
    return data


def _vectors():
    paths = sorted(VECTORS.glob("open-*.vec")) + sorted(VECTORS.glob("notification-*.vec"))
    return [pytest.param(path, id=path.stem) for path in paths]


def test_every_kind_has_vectors():
    names = [path.stem for path in VECTORS.glob("*.vec")]
    assert sum(name.startswith("open-") for name in names) >= 15
    assert sum(name.startswith("notification-") for name in names) >= 8


@pytest.mark.parametrize("path", _vectors())
def test_vector(path):
    vector = _load(path)
    assert vector["description"]
    raw = bytes.fromhex(vector["hex"])
    messages, consumed = split_messages(raw)
    assert consumed == len(raw) and len(messages) == 1
    msg_type, body = messages[0]
    assert message_name(msg_type).lower() == vector["type"]
    message = decode_message(msg_type, body, DEFAULT_CONTEXT)
    if vector.get("reencode", "yes") != "no":
        assert frame_message(message.TYPE, message.encode(DEFAULT_CONTEXT)) == raw
    line = message_line(DAEMON, 1.5, 1, NEIGHBOR, "in", message)
    assert _comparable(line) == _comparable(vector["json"])
    expected = vector["json"]
    assert line[line.index('"counter"') :] == expected[expected.index('"counter"') :]


def test_reference_open_vector(reference):
    path = reference / "decoding" / "bgp-open-sofware-version"
    kind, hexa, expected = path.read_text().splitlines()[:3]
    assert kind.strip() == "open"
    raw = bytes.fromhex(hexa.replace(" ", ""))
    message = decode_message(raw[18], raw[19:], DEFAULT_CONTEXT)
    assert frame_message(1, message.encode(DEFAULT_CONTEXT)) == raw
    assert _comparable(message_line(DAEMON, 1.5, 1, NEIGHBOR, "in", message)) == _comparable(expected)


# ------------------------------------------------------------------ the message table


def test_message_table():
    assert {code: name for code, (name, _klass) in MESSAGE_TYPES.items()} == {
        1: "OPEN",
        2: "UPDATE",
        3: "NOTIFICATION",
        4: "KEEPALIVE",
        5: "ROUTE-REFRESH",
        6: "OPERATIONAL",
    }
    for code, (_name, klass) in MESSAGE_TYPES.items():
        assert klass.TYPE == code


@pytest.mark.parametrize("msg_type", [0, 7, 255])
def test_unknown_type_is_bad_message_type(msg_type):
    with pytest.raises(CodecError) as info:
        decode_message(msg_type, b"", DEFAULT_CONTEXT)
    assert (info.value.code, info.value.subcode) == (1, 3)
    assert info.value.data == f'can not decode message of type "{msg_type}"'.encode()


def test_dispatch():
    assert decode_message(4, b"", DEFAULT_CONTEXT) == KeepAlive()
    assert decode_message(5, b"\x00\x02\x01\x80", DEFAULT_CONTEXT) == RouteRefresh(2, 128, 1)
    assert decode_message(3, b"\x04\x00", DEFAULT_CONTEXT) == Notification(4, 0)
    assert isinstance(decode_message(1, Open.new(1, 3, "1.1.1.1", ()).encode(None), DEFAULT_CONTEXT), Open)


@settings(max_examples=examples(500))
@given(st.sampled_from([1, 3, 4, 5, 6]), st.binary(max_size=64))
def test_random_bodies_only_raise_codec_error(msg_type, body):
    try:
        message = decode_message(msg_type, body, DEFAULT_CONTEXT)
    except CodecError:
        return
    assert decode_message(msg_type, message.encode(DEFAULT_CONTEXT), DEFAULT_CONTEXT) == message
    json.loads(message_line(DAEMON, 1.5, 1, NEIGHBOR, "receive", message))


# ------------------------------------------------------------------ KEEPALIVE


def test_keepalive():
    assert KeepAlive.decode(b"", None).encode(None) == b""
    with pytest.raises(CodecError) as info:
        KeepAlive.decode(b"\x00\x00", None)
    assert (info.value.code, info.value.subcode, info.value.data) == (1, 2, b"\x00\x15")


def test_keepalive_line():
    # ExaBGP 5.0.13, captured from a running daemon's helper output
    line = message_line(DAEMON, 1.5, 10, NEIGHBOR, "receive", KeepAlive())
    assert line.endswith(
        '"counter": 10, "type": "keepalive", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, '
        '"asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "receive"  } }'
    )


# ------------------------------------------------------------------ ROUTE-REFRESH


@pytest.mark.parametrize(
    "body,afi,safi,subtype,name",
    [
        (b"\x00\x01\x00\x01", 1, 1, 0, "query"),
        (b"\x00\x02\x01\x80", 2, 128, 1, "begin"),
        (b"\x00\x01\x02\x85", 1, 133, 2, "end"),
    ],
)
def test_refresh_round_trip(body, afi, safi, subtype, name):
    message = RouteRefresh.decode(body, None)
    assert message == RouteRefresh(afi, safi, subtype) and message.subtype_name == name
    assert message.encode(None) == body


@pytest.mark.parametrize(
    "body,subcode",
    [
        (b"", 1),
        (b"\x00\x01\x00", 1),
        (b"\x00\x01\x00\x01\x00", 1),
        (b"\x00\x01\x03\x01", 2),
        (b"\x00\x01\xff\x01", 2),
    ],
)
def test_refresh_errors_carry_the_whole_message(body, subcode):
    with pytest.raises(CodecError) as info:
        RouteRefresh.decode(body, None)
    assert (info.value.code, info.value.subcode) == (7, subcode)
    assert info.value.data == b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + b"\x05" + body


def test_refresh_json_and_line():
    assert refresh_json(RouteRefresh(1, 1)) == '{ "afi": "ipv4", "safi": "unicast", "subtype": "query" }'
    assert refresh_json(RouteRefresh(3, 200, 2)) == (
        '{ "afi": "unknown-afi-0x3", "safi": "unknown safi 200", "subtype": "end" }'
    )
    # ExaBGP 5.0.13, captured from a running daemon's helper output
    line = message_line(DAEMON, 1.5, 19, NEIGHBOR, "send", RouteRefresh(1, 1))
    assert line.endswith(
        '"counter": 19, "type": "refresh", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, '
        '"asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "send", '
        '"route-refresh": { "afi": "ipv4", "safi": "unicast", "subtype": "query" } } }'
    )


# ------------------------------------------------------------------ OPERATIONAL


def _tlv(what: int, value: bytes) -> bytes:
    return what.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value


_QUERY = b"\x00\x01\x01" + bytes((192, 0, 2, 1)) + (7).to_bytes(4, "big")


@pytest.mark.parametrize(
    "body,expected,text",
    [
        (
            _tlv(2, b"\x00\x01\x01Thank you \xc3\xa9"),
            Operational(2, 1, 1, advisory="Thank you \u00e9".encode()),
            '{ "name": "ASM", "afi": "ipv4", "safi": "unicast", "advisory": "Thank you \\u00e9" }',
        ),
        (
            _tlv(1, b"\x00\x02\x01"),
            Operational(1, 2, 1),
            '{ "name": "ADM", "afi": "ipv6", "safi": "unicast", "advisory": "" }',
        ),
        (
            _tlv(3, _QUERY),
            Operational(3, 1, 1, router_id="192.0.2.1", sequence=7),
            '{ "name": "RPCQ", "afi": "ipv4", "safi": "unicast" }',
        ),
        (
            _tlv(5, _QUERY),
            Operational(5, 1, 1, router_id="192.0.2.1", sequence=7),
            '{ "name": "APCQ", "afi": "ipv4", "safi": "unicast" }',
        ),
        (
            _tlv(7, _QUERY),
            Operational(7, 1, 1, router_id="192.0.2.1", sequence=7),
            '{ "name": "LPCQ", "afi": "ipv4", "safi": "unicast" }',
        ),
        (
            _tlv(4, _QUERY + (100).to_bytes(4, "big")),
            Operational(4, 1, 1, router_id="192.0.2.1", sequence=7, counter=100),
            '{ "name": "RPCP", "afi": "ipv4", "safi": "unicast", "router-id": "192.0.2.1", "sequence": 7, "counter": 100 }',
        ),
        (
            _tlv(6, _QUERY + (1).to_bytes(4, "big")),
            Operational(6, 1, 1, router_id="192.0.2.1", sequence=7, counter=1),
            '{ "name": "APCP", "afi": "ipv4", "safi": "unicast", "router-id": "192.0.2.1", "sequence": 7, "counter": 1 }',
        ),
        (
            _tlv(8, _QUERY + (2).to_bytes(4, "big")),
            Operational(8, 1, 1, router_id="192.0.2.1", sequence=7, counter=2),
            '{ "name": "LPCP", "afi": "ipv4", "safi": "unicast", "router-id": "192.0.2.1", "sequence": 7, "counter": 2 }',
        ),
        (
            _tlv(0xFFFF, b"\x00\x01"),
            Operational(0xFFFF, value=b"\x00\x01"),
            '{ "name": "unknown", "type": 65535, "value": "0x0001" }',
        ),
    ],
)
def test_operational(body, expected, text):
    message = Operational.decode(body, None)
    assert message == expected
    assert message.encode(None) == body
    assert operational_json(message) == text
    assert message_inner(message, "receive") == f', "direction": "receive", "operational": {text}'


def test_operational_table():
    assert {name for name, _category in OPERATIONAL_TYPES.values()} == {
        "ADM",
        "ASM",
        "RPCQ",
        "RPCP",
        "APCQ",
        "APCP",
        "LPCQ",
        "LPCP",
    }


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x02\x00",  # no complete header
        _tlv(2, b"\x00\x01")[:-1] + b"",  # value shorter than its length
        b"\x00\x02\x00\x05\x00\x01\x01",  # length passes the message
        _tlv(2, b"\x00\x01"),  # advisory without its SAFI
        _tlv(3, _QUERY[:-1]),  # query one octet short
        _tlv(4, _QUERY + b"\x00\x00\x00"),  # counter one octet short
    ],
)
def test_operational_malformed(body):
    with pytest.raises(CodecError) as info:
        Operational.decode(body, None)
    assert (info.value.code, info.value.subcode) == (5, 0)
