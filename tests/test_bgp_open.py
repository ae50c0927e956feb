"""OPEN and capabilities: decode/encode, RFC error codes, 5.0's JSON for sent and received OPENs.

The wire vectors (tests/vectors/open-*.vec) are run by test_bgp_messages.py;
this file covers construction, malformed input and the JSON forms that
`exabgp decode` cannot show (a sent OPEN).
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp.api.json_message import open_json
from exabgp.bgp import capability as caps
from exabgp.bgp.open import AS_TRANS, Open, hold_time_acceptable, router_id_acceptable
from qa.hypothesis_profiles import examples


def _cap(code: int, value: bytes) -> bytes:
    return bytes((code, len(value))) + value


def _body(capabilities=(), version=4, asn=65533, hold=180, router_id=b"\x0a\x00\x00\x02") -> bytes:
    params = b"".join(bytes((2, len(c))) + c for c in capabilities)
    return (
        bytes((version,))
        + asn.to_bytes(2, "big")
        + hold.to_bytes(2, "big")
        + router_id
        + bytes((len(params),))
        + params
    )


def _error(body: bytes) -> CodecError:
    with pytest.raises(CodecError) as info:
        Open.decode(body, None)
    return info.value


def test_decode_fields():
    message = Open.decode(
        _body([_cap(1, b"\x00\x01\x00\x01"), _cap(65, (4200000000).to_bytes(4, "big"))], asn=AS_TRANS), None
    )
    assert (message.version, message.my_as, message.hold_time, message.router_id) == (4, AS_TRANS, 180, "10.0.0.2")
    assert message.asn == 4200000000
    assert message.capabilities == (caps.Multiprotocol(1, 1), caps.FourOctetAS(4200000000))
    assert message.capabilities_of(caps.MULTIPROTOCOL) == (caps.Multiprotocol(1, 1),)
    assert message.extended is False


def test_asn_without_four_octet_capability_is_my_as():
    assert Open.decode(_body([]), None).asn == 65533


def test_new_uses_as_trans_and_one_parameter_per_capability():
    capabilities = (caps.Multiprotocol(1, 1), caps.FourOctetAS(4200000000), caps.RouteRefreshCapability())
    message = Open.new(4200000000, 90, "192.0.2.1", capabilities)
    assert message.my_as == AS_TRANS and message.asn == 4200000000
    assert message.parameters == tuple((c,) for c in capabilities)
    body = message.encode(None)
    assert body[9] == len(body) - 10
    assert Open.decode(body, None) == message


def test_new_switches_to_extended_parameters_at_255_octets():
    # 50 multiprotocol parameters of 8 octets each: 400 octets, too long for the one-octet length
    capabilities = tuple(caps.Multiprotocol(1, safi) for safi in range(1, 51))
    message = Open.new(65000, 180, "10.0.0.1", capabilities)
    assert message.extended
    body = message.encode(None)
    assert body[9:11] == b"\xff\xff" and int.from_bytes(body[11:13], "big") == len(body) - 13
    assert Open.decode(body, None) == message
    small = Open.new(65000, 180, "10.0.0.1", capabilities[:10])
    assert not small.extended and small.encode(None)[9] == 80


def test_standard_form_cannot_carry_long_parameters():
    capabilities = tuple(caps.Multiprotocol(1, safi) for safi in range(1, 51))
    message = Open(4, 65000, 180, "10.0.0.1", tuple((c,) for c in capabilities), False)
    with pytest.raises(ValueError):
        message.encode(None)


def test_policy_helpers():
    assert hold_time_acceptable(0) and hold_time_acceptable(3) and hold_time_acceptable(65535)
    assert not hold_time_acceptable(1) and not hold_time_acceptable(2)
    assert router_id_acceptable("10.0.0.1") and not router_id_acceptable("0.0.0.0")


# ------------------------------------------------------------------ malformed OPEN


def test_short_body_is_bad_message_length():
    error = _error(bytes(9))
    assert (error.code, error.subcode, error.data) == (1, 2, (19 + 9).to_bytes(2, "big"))


def test_unsupported_version():
    error = _error(_body(version=3))
    assert (error.code, error.subcode, error.data) == (2, 1, b"\x00\x04")


@pytest.mark.parametrize("kind", [0, 1, 3, 254])
def test_unsupported_optional_parameter(kind):
    body = _body()[:9] + bytes((4, kind, 2, 0, 0))
    assert (_error(body).code, _error(body).subcode) == (2, 4)


@pytest.mark.parametrize(
    "tail",
    [
        b"\x05\x02\x03\x01\x00",  # optional parameters length passes the message
        b"\x02\x02\x00\x00",  # octets after the optional parameters
        b"\x03\x02\x05\x01",  # parameter length passes the parameters
        b"\x01\x02",  # truncated parameter header
        b"\x04\x02\x02\x01\x04",  # capability length passes the parameter
        b"\x03\x02\x01\x01",  # truncated capability header
        b"\xff\xff\x00",  # truncated extended length
        b"\xff\xff\x00\x05\x02\x00\x02",  # extended length passes the message
        b"\xff\xff\x00\x02\x02\x00",  # truncated extended parameter header
    ],
)
def test_bad_parameter_lengths_are_unspecific(tail):
    error = _error(_body()[:9] + tail)
    assert (error.code, error.subcode) == (2, 0)


@pytest.mark.parametrize(
    "code,value",
    [
        (1, b"\x00\x01\x00"),  # multiprotocol under 4 octets
        (5, b"\x00\x01\x00\x01\x00"),  # extended next hop not a multiple of 6
        (64, b"\x80"),  # graceful restart without the header
        (64, b"\x80\x78\x00\x01\x01"),  # graceful restart trailing family octets
        (65, b"\x00\x00\xff"),  # AS4 of 3 octets
        (65, b"\x00\x00\xff\xfd\x00"),  # AS4 of 5 octets
        (69, b"\x00\x01\x01"),  # ADD-PATH not a multiple of 4
        (73, b"\x05abc"),  # host name passes the value
        (73, b"\x02ab\x04ab"),  # domain name passes the value
        (73, b"\x02\xc3\x28"),  # host name not UTF-8
        (73, b"\x01a\x01\xff"),  # domain name not UTF-8
        (75, b""),  # empty software version
        (75, b"\x09ExaBGP"),  # software version passes the value
        (75, b"\x02\xc3\x28"),  # software version not UTF-8
    ],
)
def test_malformed_capability_is_unspecific(code, value):
    error = _error(_body([_cap(code, value)]))
    assert (error.code, error.subcode) == (2, 0)
    assert error.data  # the reason travels in the NOTIFICATION data


@settings(max_examples=examples(500))
@given(st.binary(max_size=80))
def test_random_bodies_only_raise_codec_error(data):
    try:
        message = Open.decode(data, None)
    except CodecError:
        return
    open_json(message, "receive")


@settings(max_examples=examples(300))
@given(st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=12)), max_size=6))
def test_random_capabilities_decode_or_raise_2_0(items):
    body = _body([_cap(code, value) for code, value in items])
    try:
        message = Open.decode(body, None)
    except CodecError as error:
        assert (error.code, error.subcode) == (2, 0)
        return
    assert len(message.capabilities) == len(items)
    json.loads(open_json(message, "receive"))


# ------------------------------------------------------------------ capabilities


@pytest.mark.parametrize(
    "capability",
    [
        caps.Multiprotocol(2, 128),
        caps.RouteRefreshCapability(),
        caps.RouteRefreshCapability(caps.ROUTE_REFRESH_CISCO),
        caps.ExtendedNextHop(((1, 1, 2), (1, 128, 2))),
        caps.ExtendedMessage(),
        caps.GracefulRestart(0x8, 120, ((1, 1, 0x80), (2, 1, 0))),
        caps.FourOctetAS(65536),
        caps.MultiSession(caps.MULTISESSION, 0, (1, 2)),
        caps.MultiSession(caps.MULTISESSION_CISCO, None, ()),
        caps.AddPath(((1, 1, 3), (2, 1, 1))),
        caps.EnhancedRouteRefresh(),
        caps.HostName("router", "example.com"),
        caps.HostName("router", None),
        caps.HostName("r\u00e9", ""),
        caps.HostName(None, None),
        caps.SoftwareVersion("ExaBGP/5.0.15"),
        caps.OperationalCapability(),
        caps.UnknownCapability(66, b"\xab\xcd"),
    ],
)
def test_capability_round_trip(capability):
    encoded = caps.encode_capabilities([capability])
    assert caps.decode_capabilities(encoded) == (capability,)


def test_capability_table_names_every_class():
    for code, (name, klass) in caps.CAPABILITIES.items():
        decoded = caps.decode_capability(code, klass.decode(code, _valid_value(code)).encode())
        assert isinstance(decoded, klass) and decoded.code == code
        assert caps.capability_name(code) == name
    assert caps.capability_name(66) == "unknown capability 0x42"
    assert isinstance(caps.decode_capability(66, b"x"), caps.UnknownCapability)


def _valid_value(code: int) -> bytes:
    return {
        caps.MULTIPROTOCOL: b"\x00\x01\x00\x01",
        caps.GRACEFUL_RESTART: b"\x00\x00",
        caps.FOUR_OCTET_AS: b"\x00\x00\xff\xfd",
        caps.SOFTWARE_VERSION: b"\x01x",
    }.get(code, b"")


@pytest.mark.parametrize(
    "code, value, what",
    [
        (caps.EXTENDED_NEXT_HOP, bytes.fromhex("00010001000200"), "extended next-hop"),
        (caps.ADD_PATH, bytes.fromhex("00010103 0002"), "ADD-PATH"),
        (caps.GRACEFUL_RESTART, bytes.fromhex("0078 000101"), "graceful-restart"),
    ],
)
def test_a_value_of_entries_with_a_remainder_is_an_open_error(code, value, what):
    """Extended next hop (6-octet entries), ADD-PATH and graceful restart's families (4-octet entries):
    a value that is not whole entries is OPEN Message Error / Unspecific (2/0), the reason as data."""
    with pytest.raises(CodecError) as error:
        caps.decode_capability(code, value)
    reason = f"invalid {what} capability, trailing data"
    assert (error.value.code, error.value.subcode, error.value.data) == (2, 0, reason.encode())


def test_entries_decode_field_by_field_and_an_empty_capability_ignores_its_value():
    assert caps.decode_capability(caps.EXTENDED_NEXT_HOP, bytes.fromhex("000100800002")) == caps.ExtendedNextHop(
        ((1, 128, 2),)
    )
    assert caps.decode_capability(caps.ADD_PATH, bytes.fromhex("00028003")) == caps.AddPath(((2, 128, 3),))
    assert caps.AddPath(((1, 1, 3),)) != caps.ExtendedNextHop(((1, 1, 3),))
    for klass in (caps.ExtendedMessage, caps.EnhancedRouteRefresh, caps.OperationalCapability):
        assert caps.decode_capability(klass.code, b"\x01\x02") == klass() and klass().encode() == b""


def test_graceful_restart_keeps_all_flag_bits():
    capability = caps.GracefulRestart.decode(64, b"\xcf\xff\x00\x01\x01\xff")
    assert (capability.restart_flags, capability.restart_time, capability.families) == (0xC, 0xFFF, ((1, 1, 0xFF),))
    assert capability.encode() == b"\xcf\xff\x00\x01\x01\xff"


# ------------------------------------------------------------------ JSON of sent and received OPENs

# ExaBGP 5.0.13, captured from a running daemon's helper output: the OPEN it sent and the mirror OPEN it received
_SENT = (
    '{ "version": 4, "asn": 65533, "hold_time": 180, "router_id": "10.0.0.2", "capabilities": { '
    '"multiprotocol": { "name": "multiprotocol", "families": [ "ipv4/unicast" ] }, '
    '"asn4": { "name": "asn4", "asn4": 65533 }, '
    '"graceful-restart": { "name": "graceful restart", "time": 120, "address-family-flags": '
    '{ "ipv4/unicast": [ "restart" ] }, "restart-flags": [ "forwarding" ]  }, '
    '"route-refresh": { "name": "route-refresh", "variant": "RFC" }, '
    '"enhanced-route-refresh": { "name": "enhanced-route-refresh" }, "operational": { "name": "operational" }, '
    '"extended-message": { "name": "extended-message", "size": 65535 }, '
    '"hostname": { "host-name": null, "domain-name": null } } }'
)
_RECEIVED = (
    '{ "version": 4, "asn": 65533, "hold_time": 180, "router_id": "10.0.0.3", "capabilities": { '
    '"1": { "name": "multiprotocol", "families": [ "ipv4/unicast" ] }, "65": { "name": "asn4", "asn4": 65533 }, '
    '"64": { "name": "graceful restart", "time": 120, "address-family-flags": { "ipv4/unicast": [ "restart" ] }, '
    '"restart-flags": [ "forwarding" ]  }, "2": { "name": "route-refresh", "variant": "RFC" }, '
    '"70": { "name": "enhanced-route-refresh" }, "185": { "name": "operational" }, '
    '"6": { "name": "extended-message", "size": 65535 } } }'
)
_CAPABILITIES = (
    caps.Multiprotocol(1, 1),
    caps.FourOctetAS(65533),
    caps.GracefulRestart(caps.GRACEFUL_RESTART_STATE, 120, ((1, 1, caps.GRACEFUL_FORWARDING_STATE),)),
    caps.RouteRefreshCapability(),
    caps.EnhancedRouteRefresh(),
    caps.OperationalCapability(),
    caps.ExtendedMessage(),
)


def test_sent_open_json_keys_capabilities_by_name():
    message = Open.new(65533, 180, "10.0.0.2", _CAPABILITIES + (caps.HostName(None, None),))
    assert open_json(message, "send") == _SENT


def test_received_open_json_keys_capabilities_by_code():
    body = Open.new(65533, 180, "10.0.0.3", _CAPABILITIES).encode(None)
    assert open_json(Open.decode(body, None), "receive") == _RECEIVED


def test_hostname_field_the_peer_did_not_send_is_null():
    message = Open.decode(_body([_cap(73, b"\x04host")]), None)
    assert json.loads(open_json(message, "in"))["capabilities"]["73"] == {"host-name": "host", "domain-name": None}
