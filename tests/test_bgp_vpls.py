"""VPLS NLRI (RFC 4761 section 3.2.2, `exabgp.bgp.vpls`): decode, pack, 5.0's text and JSON, the RIBs.

The expected JSON and text below are what ExaBGP 5.0.15 printed: ``exabgp decode -f "l2vpn vpls"`` (and
``-n``) for the NLRI of the reference encoding messages (conf-l2vpn.msg) and for crafted NLRI; the text
as ``exabgp validate -nrv`` and its RIB log print routes; the ``encoder text`` lines as a 5.0.15 daemon
wrote them to its helper when a second 5.0.15 daemon announced and withdrew VPLS routes to it.  When the
reference tree (``../shared``) is present, the recorded messages are checked to be its messages.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec import split_update, walk_attributes
from exabgp._codec.errors import CodecError
from exabgp.api.json_update import general_update_json
from exabgp.api.text_message import update_text
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.bgp.route import AttributeSet, Route
from exabgp.bgp.update import Update
from exabgp.bgp.vpls import VPLS, decode_vpls
from exabgp.rib import packing
from exabgp.rib.incoming import AdjRibIn
from exabgp.rib.outgoing import AdjRibOut
from qa.wire import mp_nlri
from qa.hypothesis_profiles import examples


CTX = CodecContext()

#: the UPDATEs of conf-l2vpn.msg (marker, length and type removed)
CONF_L2VPN = [
    "0000007E4001010040021E020700007814000078140000781400007814000078140000781400007814800404000007D0400504"
    "00000001C00804D53F007B800904C0A81601800A0803030303C0A8C901C010100002D53F00000006800A130005DC006F800E1C"
    "00194104C0A8C9010000110001C0A8C901007B000500010008029CE1",
    "0000007E4001010040021E020700007814000078140000781400007814000078140000781400007814800404000007D0400504"
    "00000001C00804D53F007B800904C0A81601800A0803030303C0A8C901C010100002D53F00000006800A130005DC006F800E1C"
    "00194104C0A8C9010000110001C0A8C901007C000500010008029EC1",
    "0000007E4001010040021E020700007814000078140000781400007814000078140000781400007814800404000007D0400504"
    "00000064C00804D53F007B800904C0A81601800A0803030303C0A8C901C010100002D53F00000006800A130005DC006F800E1C"
    "00194104C0A8C9010000110001C0A8C901007B000500010008029CE1",
    "00000007900F0003001941",
]

#: 5.0.15's JSON for the first one (``exabgp decode``, the ``update`` object)
CONF_L2VPN_FIRST_JSON = (
    '{ "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": '
    '[30740, 30740, 30740, 30740, 30740, 30740, 30740]}}, "med": 2000, "local-preference": 1, "community": '
    '[ [ 54591, 123 ] ], "originator-id": "192.168.22.1", "cluster-list": [ "3.3.3.3", "192.168.201.1" ], '
    '"extended-community": [ { "value": 797416513077254, "string": "target:54591:6" }, { "value": '
    '9226207677441114223, "string": "l2info:19:0:1500:111" } ] }, "announce": { "l2vpn vpls": { '
    '"192.168.201.1": [ { "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 } '
    "] } } } }"
)

#: NLRI -> 5.0.15's JSON (``exabgp decode -n -f "l2vpn vpls"``)
RECORDED = [
    (
        "00110001C0A8C901007B000500010008029CE1",
        '{ "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 }',
    ),
    (
        "00110001C0A8C901007C000500010008029EC1",
        '{ "rd": "192.168.201.1:124", "endpoint": 5, "base": 10732, "offset": 1, "size": 8 }',
    ),
    (
        "00110000FFFF0000000AFFFFFFFFFFFFFFFFFF",
        '{ "rd": "65535:10", "endpoint": 65535, "base": 1048575, "offset": 65535, "size": 65535 }',
    ),
    ("00110002000100000002000100010001000001", '{ "rd": "65536:2", "endpoint": 1, "base": 0, "offset": 1, "size": 1 }'),
    (
        "0011000300010002ABCD00050001000800000F",
        '{ "rd": "0x000300010002ABCD", "endpoint": 5, "base": 0, "offset": 1, "size": 8 }',
    ),
]

#: what 5.0.15 refuses ("invalid payload"): length field other than 17, truncated NLRI, truncated length
MALFORMED = [
    "00100001C0A8C901007B000500010008029C",
    "00120001C0A8C901007B000500010008029CE100",
    "00110001C0A8C901007B000500010008029C",
    "0011",
    "00",
    "00110001C0A8C901007B000500010008029CE100",
]


# ---- decoding, packing, 5.0's JSON and text ------------------------------------------------------


@pytest.mark.parametrize("octets, expected", RECORDED)
def test_decode_pack_and_json_as_5_0(octets, expected):
    (vpls,) = decode_vpls(bytes.fromhex(octets))
    assert vpls.json() == expected == vpls.json("192.168.201.1")
    packed = vpls.pack().hex().upper()
    assert packed[:-1] == octets[:-1] and packed[-1] in "13579BDF"  # the bottom-of-stack bit is always set


def test_fields_and_label_base():
    (vpls,) = decode_vpls(bytes.fromhex(RECORDED[0][0]))
    assert vpls == VPLS(bytes.fromhex("0001C0A8C901007B"), 5, 1, 8, 10702)
    assert (vpls.afi, vpls.safi) == (25, 65)
    # 5.0 ignores the low four bits of the label base: without the bottom-of-stack bit it is the same NLRI
    assert decode_vpls(bytes.fromhex("00110001C0A8C901007B000500010008029CE0")) == [vpls]
    assert vpls.pack() == bytes.fromhex(RECORDED[0][0])


def test_text_as_5_0_prints_routes():
    vpls = decode_vpls(bytes.fromhex(RECORDED[1][0]))[0]
    # exabgp validate -nrv: "parsed route vpls ..."
    assert vpls.text("192.168.201.1") == (
        "vpls rd 192.168.201.1:124 endpoint 5 base 10732 offset 1 size 8 next-hop 192.168.201.1"
    )
    assert vpls.text() == "vpls rd 192.168.201.1:124 endpoint 5 base 10732 offset 1 size 8"


def test_several_nlri_in_one_section():
    """5.0.15 refuses this section (it checks every length against the whole rest); RFC 4760 allows it."""
    both = bytes.fromhex(RECORDED[0][0] + RECORDED[1][0])
    assert [vpls.json() for vpls in decode_vpls(both)] == [RECORDED[0][1], RECORDED[1][1]]
    assert decode_vpls(b"") == []


@pytest.mark.parametrize("octets", MALFORMED)
def test_malformed_nlri(octets):
    with pytest.raises(CodecError) as raised:
        decode_vpls(bytes.fromhex(octets))
    assert (raised.value.code, raised.value.subcode) == (3, 10)


@pytest.mark.parametrize("body", CONF_L2VPN)
def test_reference_updates_decode_and_pack_again(body):
    update = Update.decode(bytes.fromhex(body), CTX)
    if update.eor(CTX):
        assert update.eor(CTX) == (25, 65)
        return
    ((action, family, nexthop, vpls),) = list(update.changes(CTX))
    assert (family, nexthop, type(vpls)) == ((25, 65), "192.168.201.1", VPLS)
    assert mp_nlri(bytes.fromhex(body)) == [vpls.pack()]
    assert vpls.json() in [expected for _, expected in RECORDED]


def test_update_json_as_5_0():
    assert general_update_json(Update.decode(bytes.fromhex(CONF_L2VPN[0]), CTX), CTX) == CONF_L2VPN_FIRST_JSON
    vpls = decode_vpls(bytes.fromhex(RECORDED[0][0]))[0]
    (body,) = packing.withdraw_bodies(25, 65, AttributeSet(), b"", [vpls], CTX)
    assert general_update_json(Update.decode(body, CTX), CTX) == (
        '{ "update": { "withdraw": { "l2vpn vpls": [ ' + RECORDED[0][1] + " ] } } }"
    )


def test_recorded_updates_are_the_reference_ones(reference):
    lines = (reference / "encoding" / "conf-l2vpn.msg").read_text().split()
    bodies = [line.split(":raw:", 1)[1].replace(":", "")[32 + 6 :] for line in lines if ":raw:" in line]
    assert bodies == CONF_L2VPN


# ---- the text encoder, as a 5.0.15 daemon wrote it to its helper -------------------------------

ORIGIN_MED_LP_L2INFO = AttributeSet(
    [
        (1, 0x40, b"\x00"),
        (4, 0x80, (5).to_bytes(4, "big")),
        (5, 0x40, (100).to_bytes(4, "big")),
        (16, 0xC0, bytes.fromhex("800A130005DC006F")),
    ]
)
HEAD = "neighbor 127.0.0.2 receive update"


def test_text_encoder_lines_as_5_0():
    vpls = VPLS(bytes.fromhex("0001C0A8C901007B"), 5, 1, 8, 10702)
    (announce,) = packing.announce_bodies(25, 65, ORIGIN_MED_LP_L2INFO, bytes((192, 168, 201, 1)), [vpls], CTX)
    assert update_text(HEAD, Update.decode(announce, CTX), CTX, "") == (
        f"{HEAD} start\n"
        f"{HEAD} announced vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8 next-hop 192.168.201.1"
        " origin igp med 5 local-preference 100 extended-community l2info:19:0:1500:111\n"
        f"{HEAD} end"
    )
    (withdraw,) = packing.withdraw_bodies(25, 65, ORIGIN_MED_LP_L2INFO, bytes((192, 168, 201, 1)), [vpls], CTX)
    assert update_text(HEAD, Update.decode(withdraw, CTX), CTX, "") == (
        f"{HEAD} start\n"
        f"{HEAD} withdrawn vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8 \n"  # 5.0's space
        f"{HEAD} end"
    )


# ---- the RIBs ------------------------------------------------------------------------------------


def test_adj_rib_out_keys_vpls_by_nlri_and_attributes_and_sends_one_per_update():
    first, second = (decode_vpls(bytes.fromhex(octets))[0] for octets, _ in RECORDED[:2])
    nexthop = bytes((192, 168, 201, 1))
    adj = AdjRibOut()
    for vpls, attributes in ((first, ORIGIN_MED_LP_L2INFO), (first, AttributeSet()), (second, AttributeSet())):
        assert adj.add(Route(vpls, nexthop, attributes))
    assert not adj.add(Route(first, nexthop, AttributeSet()))
    bodies = list(adj.updates(CTX, True))
    # the same NLRI with two attribute sets is two routes (5.0, conf-l2vpn); never two NLRI in one UPDATE
    assert sorted(mp_nlri(body)[0] for body in bodies) == sorted([first.pack(), first.pack(), second.pack()])
    assert all(len(mp_nlri(body)) == 1 for body in bodies)
    adj.withdraw(Route(first, nexthop, AttributeSet()))
    (body,) = adj.updates(CTX, True)
    assert [code for code, _, _ in walk_attributes(split_update(body)[1])][-1] == 15
    assert mp_nlri(body) == [first.pack()]


def test_adj_rib_in_stores_and_withdraws_vpls():
    rib = AdjRibIn()
    first, second = (decode_vpls(bytes.fromhex(octets))[0] for octets, _ in RECORDED[:2])
    nexthop = bytes((192, 168, 201, 1))
    for vpls in (first, second):
        for body in packing.announce_bodies(25, 65, ORIGIN_MED_LP_L2INFO, nexthop, [vpls], CTX):
            rib.update(Update.decode(body, CTX), CTX)
    assert set(rib.routes()) == {
        Route(first, nexthop, ORIGIN_MED_LP_L2INFO),
        Route(second, nexthop, ORIGIN_MED_LP_L2INFO),
    }
    # the same NLRI received without the bottom-of-stack bit replaces it
    rib.update(Update.decode(bytes.fromhex(CONF_L2VPN[0][:-2] + "E0"), CTX), CTX)
    assert len(rib) == 2
    for body in packing.withdraw_bodies(25, 65, AttributeSet(), b"", [first], CTX):
        rib.update(Update.decode(body, CTX), CTX)
    assert [route.nlri for route in rib.routes()] == [second]


# ---- round trip -----------------------------------------------------------------------------------

vpls_nlri = st.builds(
    VPLS,
    st.binary(min_size=8, max_size=8),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFFF),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(vpls_nlri, max_size=4))
def test_round_trip(originals):
    packed = b"".join(vpls.pack() for vpls in originals)
    assert len(packed) == 19 * len(originals)
    decoded = decode_vpls(packed)
    assert decoded == originals
    assert nlri_module.encode(25, 65, decoded, False) == packed
    assert nlri_module.decode(25, 65, packed, False) == originals
    for vpls in decoded:
        assert vpls.text().startswith("vpls rd ") and vpls.json().startswith('{ "rd": ')
        assert hash(vpls) == hash(VPLS(vpls.rd, vpls.endpoint, vpls.offset, vpls.size, vpls.base))


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=60))
def test_random_octets_decode_or_raise_codec_error(octets):
    try:
        decoded = decode_vpls(octets)
    except CodecError as error:
        assert (error.code, error.subcode) == (3, 10)
    else:
        assert len(octets) == 19 * len(decoded)
