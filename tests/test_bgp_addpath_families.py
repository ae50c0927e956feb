"""ADD-PATH (RFC 7911) on the families whose NLRI are objects: FlowSpec, VPLS, MCAST-VPN, MUP, EVPN, BGP-LS, RTC.

RFC 7911 section 3 puts a 4-octet path identifier before every NLRI of a
family for which ADD-PATH was negotiated, whatever the family.  A session
(or ``exabgp decode -i``) that negotiated it for these families decodes the
identifier, keeps it on the NLRI object (two paths of one NLRI are two
routes), writes it back when encoding, and prints nothing of it: 5.0.15
prints no path identifier for these families (its outputs are recorded in
tests/test_cli_decode.py).  The NLRI samples are those of the family tests,
recorded from 5.0.15.
"""

import pytest

from exabgp._codec.errors import CodecError
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.bgp.update import Update
from exabgp.rib.incoming import AdjRibIn

#: (afi, safi, one NLRI as on the wire, next hop of the MP_REACH_NLRI)
SAMPLES = [
    (1, 133, "0501180A0000", b""),
    (1, 134, "0D0000FDE80000000101180A0000", b""),
    (25, 65, "00110001C0A8C901007B000500010008029CE1", bytes([192, 0, 2, 1])),
    (25, 70, "01190000FDE8000000640011223344556677889900000064000641", bytes([192, 0, 2, 1])),
    (1, 5, "05120001010203040005200A00000120E8010101", bytes([192, 0, 2, 1])),
    (1, 85, "0100010C0000006400000064180A0001", bytes([192, 0, 2, 1])),
    (
        16388,
        71,
        "0001002D03000000000000000501000020020000040000FDE902010004000000000202000400000001020300040A000001",
        bytes([192, 0, 2, 1]),
    ),
    (1, 132, "600000FDE80002FDE800000064", bytes([192, 0, 2, 1])),
]
IDS = [nlri_module.family_name(afi, safi) for afi, safi, _, _ in SAMPLES]


def _section(octets: bytes) -> bytes:
    """The NLRI twice, under path identifiers 1 and 2."""
    return b"\x00\x00\x00\x01" + octets + b"\x00\x00\x00\x02" + octets


def _update(afi: int, safi: int, nexthop: bytes, nlri: bytes) -> bytes:
    """An UPDATE body announcing `nlri` in MP_REACH_NLRI (ORIGIN, empty AS_PATH, LOCAL_PREF)."""
    value = afi.to_bytes(2, "big") + bytes((safi, len(nexthop))) + nexthop + b"\x00" + nlri
    attributes = bytes.fromhex("4001010040020040050400000064900E") + len(value).to_bytes(2, "big") + value
    return b"\x00\x00" + len(attributes).to_bytes(2, "big") + attributes


@pytest.mark.parametrize("afi, safi, octets, nexthop", SAMPLES, ids=IDS)
def test_path_identifiers_decoded_kept_and_encoded(afi, safi, octets, nexthop):
    one = bytes.fromhex(octets)
    first, second = nlri_module.decode(afi, safi, _section(one), True)
    assert (first.path_id, second.path_id) == (1, 2)
    assert first != second
    assert nlri_module.encode(afi, safi, [first], False) == nlri_module.encode(afi, safi, [second], False) == one
    assert first.json() == second.json() == nlri_module.decode(afi, safi, one, False)[0].json()
    assert nlri_module.encode(afi, safi, [first, second], True) == _section(one)
    assert nlri_module.encode(afi, safi, [first, second], False) == one + one


@pytest.mark.parametrize("afi, safi, octets, nexthop", SAMPLES, ids=IDS)
def test_truncated_path_identifier_is_malformed(afi, safi, octets, nexthop):
    for section in (b"\x00\x00\x01", b"\x00\x00\x00\x01" + bytes.fromhex(octets) + b"\x00\x00"):
        with pytest.raises(CodecError) as error:
            nlri_module.decode(afi, safi, section, True)
        assert (error.value.code, error.value.subcode) == (3, 10)


@pytest.mark.parametrize("afi, safi, octets, nexthop", SAMPLES, ids=IDS)
def test_a_session_with_add_path_receive_keeps_both_paths(afi, safi, octets, nexthop):
    """The receive side of a session: the UPDATE's changes and the Adj-RIB-In, two routes for two paths."""
    ctx = CodecContext(addpath_receive=frozenset({(afi, safi)}))
    update = Update.decode(_update(afi, safi, nexthop, _section(bytes.fromhex(octets))), ctx)
    assert [item.path_id for _, _, _, item in update.changes(ctx)] == [1, 2]
    assert Update(*update.parts(ctx)).encode(CodecContext(addpath_send=frozenset({(afi, safi)}))) == update.body
    rib = AdjRibIn()
    rib.update(update, ctx)
    routes = list(rib.routes())
    assert sorted(route.nlri.path_id for route in routes) == [1, 2]
    value = afi.to_bytes(2, "big") + bytes((safi,)) + b"\x00\x00\x00\x01" + bytes.fromhex(octets)
    attributes = b"\x90\x0f" + len(value).to_bytes(2, "big") + value
    rib.update(Update.decode(b"\x00\x00" + len(attributes).to_bytes(2, "big") + attributes, ctx), ctx)
    assert [route.nlri.path_id for route in rib.routes()] == [2]  # path 1 withdrawn, path 2 kept
