"""The general UPDATE renderer (exabgp.api.json_update) against ExaBGP 5.0's text.

Every ``tests/vectors/update-*.vec`` is decoded with the context `exabgp
decode` uses (4-octet ASNs; ADD-PATH on every family with the
path-information option) and rendered; the JSON must equal the recorded
line as parsed JSON (volatile keys dropped) AND the message part must be
the same text, byte for byte: 5.0 builds it from templates and scripts match
it textually.  The two reference vectors of ../shared are checked too when
that directory is present.
"""

import json
import pathlib

import pytest

from exabgp.api.envelope import DaemonFields, NeighborFields, envelope
from exabgp.api.json_update import update_json
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import FAMILIES
from exabgp.bgp.nlri import Prefix, RawNLRI
from exabgp.bgp.update import Update

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = sorted((HERE / "vectors").glob("update-*.vec"))
VOLATILE = ("exabgp", "time", "host", "pid", "ppid")
HEAD = '"message": '
TAIL = " } }"

NEIGHBOR = NeighborFields("127.0.0.1", "127.0.0.1", 65533, 65533, "10.0.0.2")
DAEMON = DaemonFields("vm", 1, 1)


def read(path):
    fields = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    return fields


def context(addpath: bool) -> CodecContext:
    families = frozenset(FAMILIES) if addpath else frozenset()
    return CodecContext(addpath_receive=families, addpath_send=families)


def line_for(octets: bytes, ctx) -> str:
    update = Update.decode(octets[19:], ctx)
    return envelope(DAEMON, 1.5, 1, "update", NEIGHBOR, ', "direction": "in", "message": ' + update_json(update, ctx))


def stable(line: str) -> dict:
    return {key: value for key, value in json.loads(line).items() if key not in VOLATILE}


def message_text(line: str) -> str:
    assert line.endswith(TAIL)
    return line[line.index(HEAD) + len(HEAD) : -len(TAIL)]


def test_update_vectors_exist():
    assert len(VECTORS) >= 40


@pytest.mark.parametrize("path", VECTORS, ids=[path.stem for path in VECTORS])
def test_vector_renders_as_recorded(path):
    vector = read(path)
    ctx = context("path-information" in vector.get("options", ""))
    line = line_for(bytes.fromhex(vector["hex"]), ctx)
    expected = vector.get("ours", vector["json"])  # ours: a deliberate difference (docs/compatibility.md)
    assert stable(line) == stable(expected)
    assert message_text(line) == message_text(expected)


def test_envelope_tail_is_the_default():
    ctx = context(False)
    octets = bytes.fromhex(read(HERE / "vectors" / "update-eor-ipv4.vec")["hex"])
    line = line_for(octets, ctx)
    assert line.endswith('"message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }')


@pytest.mark.parametrize("name", ["ipv4-unicast-1", "ipv4-unicast-2"])
def test_reference_decoding(reference, name):
    path = reference / "decoding" / name
    kind, hexa, expected = path.read_text().splitlines()[:3]
    assert kind.startswith("update")
    line = line_for(bytes.fromhex(hexa.replace(" ", "").replace(":", "")), context(False))
    assert stable(line) == stable(expected)
    assert message_text(line) == message_text(expected)


def test_nlri_json_forms():
    plain = Prefix(1, 1, None, 24, bytes([10, 0, 0, 0]))
    assert plain.json() == '{ "nlri": "10.0.0.0/24" }'
    with_path = Prefix(1, 1, 0x01020304, 32, bytes([10, 0, 0, 1]))
    assert with_path.json() == '{ "nlri": "10.0.0.1/32", "path-information": "1.2.3.4" }'
    vpn = Prefix(1, 128, 7, 24, bytes([10, 0, 0, 0]), (0x000641, 0x0007D1), bytes.fromhex("0001C00002010064"))
    assert vpn.json() == (
        '{ "nlri": "10.0.0.0/24", "path-information": "0.0.0.7", "label": [ [100], [125] ], "rd": "192.0.2.1:100" }'
    )
    v6 = Prefix(2, 4, None, 32, bytes.fromhex("20010db8" + "00" * 12), (0x000641,))
    assert v6.json() == '{ "nlri": "2001:db8::/32", "label": [ [100] ] }'
    assert RawNLRI(1, 133, b"\x05\x01").json() == '{ "raw": "0x0501" }'


def test_treat_as_withdraw_becomes_withdrawals_for_the_api():
    octets = bytes.fromhex(read(HERE / "vectors" / "update-treat-as-withdraw-zero-length.vec")["hex"])
    ctx = context(False)
    update = Update.decode(octets[19:], ctx)
    decoded = json.loads(update_json(update, ctx))["update"]
    assert "announce" in decoded and "withdraw" not in decoded
    session = json.loads(update_json(update, ctx, withdraw_on_error=True))["update"]
    assert "announce" not in session
    assert session["withdraw"] == {"ipv4 unicast": [{"nlri": "192.0.2.0/24"}]}
    assert session["attribute"]["error"] == "treat-as-withdraw due to med"


def test_srv6_service_is_valid_json():
    # 5.0 prints the literal "%s" and %d here (not JSON); we print the values
    sid = bytes.fromhex("20010db8000000000000000000000001")
    info = (
        bytes([0]) + sid + bytes([0]) + (0x13).to_bytes(2, "big") + bytes([0]) + bytes([1, 0, 6, 32, 16, 16, 0, 0, 0])
    )
    sub = bytes([1]) + len(info).to_bytes(2, "big") + info
    tlv = bytes([5]) + (1 + len(sub)).to_bytes(2, "big") + b"\0" + sub
    attributes = bytes([0x40, 1, 1, 0, 0x40, 3, 4, 10, 0, 0, 1, 0xC0, 40, len(tlv)]) + tlv
    body = b"\0\0" + len(attributes).to_bytes(2, "big") + attributes + bytes([8, 10])
    ctx = context(False)
    text = update_json(Update.decode(body, ctx), ctx)
    service = json.loads(text)["update"]["attribute"]["bgp-prefix-sid"]["l3-service"]
    assert service == [
        {
            "sid": "2001:db8::1",
            "flags": 0,
            "endpoint_behavior": 19,
            "structure": {
                "locator-block-length": 32,
                "locator-node-length": 16,
                "function-length": 16,
                "argument-length": 0,
                "transposition-length": 0,
                "transposition-offset": 0,
            },
        }
    ]


def test_raw_family_does_not_crash():
    # bgp-ls bgp-ls-vpn (AFI 16388, SAFI 72) has no decoder yet: its NLRI stay raw
    nlri = bytes([0x01, 0x05, 0x01, 0x18, 0x0A, 0x00, 0x01])
    mp = bytes([0x40, 0x04, 72, 12]) + bytes(8) + bytes([192, 0, 2, 1, 0]) + nlri
    attributes = bytes([0x40, 1, 1, 0, 0x80, 14, len(mp)]) + mp
    body = b"\0\0" + len(attributes).to_bytes(2, "big") + attributes
    ctx = context(False)
    update = Update.decode(body, ctx)
    document = json.loads(update_json(update, ctx))
    assert document["update"]["announce"] == {"bgp-ls bgp-ls-vpn": {"192.0.2.1": [{"raw": "0x" + nlri.hex().upper()}]}}
    assert Update(*update.parts(ctx)).encode(ctx) == body


def test_a_flow_rule_with_a_next_hop_carries_it_in_its_object_too():
    # an ipv4 flow announced with a next hop (a redirect to an address): 5.0 prints it as the key and inside
    nlri = bytes([0x06, 0x01, 0x20, 0xC0, 0xA8, 0x00, 0x01])
    mp = bytes([0, 1, 133, 4, 1, 2, 3, 4, 0]) + nlri
    attributes = bytes([0x40, 1, 1, 0, 0xC0, 16, 8, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80, 14, len(mp)]) + mp
    body = b"\0\0" + len(attributes).to_bytes(2, "big") + attributes
    ctx = context(False)
    update = Update.decode(body, ctx)
    document = json.loads(update_json(update, ctx))
    assert document["update"]["announce"] == {
        "ipv4 flow": {
            "1.2.3.4": [
                {
                    "destination-ipv4": ["192.168.0.1/32"],
                    "next-hop": "1.2.3.4",
                    "string": "flow destination-ipv4 192.168.0.1/32 next-hop 1.2.3.4",
                }
            ]
        }
    }
    assert Update(*update.parts(ctx)).encode(ctx) == body
