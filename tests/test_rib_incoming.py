"""The Adj-RIB-In (exabgp.rib.incoming): announce, withdraw, replace, treat-as-withdraw, sharing."""

from exabgp import _codec
from exabgp.bgp.context import CodecContext
from exabgp.bgp.nlri import Prefix, RawNLRI
from exabgp.bgp.route import AttributeSet, Route
from exabgp.bgp.update import Update
from exabgp.rib import packing
from exabgp.rib.incoming import AdjRibIn

CTX = CodecContext()
BASE = [(1, 0x40, b"\x00"), (2, 0x40, bytes.fromhex("020100000001")), (5, 0x40, (100).to_bytes(4, "big"))]
ATTRIBUTES = AttributeSet(BASE)
OTHER = AttributeSet(BASE + [(4, 0x80, (5).to_bytes(4, "big"))])
NH4 = bytes((192, 0, 2, 1))
NH6 = bytes.fromhex("20010db8000000000000000000000001")
RD = bytes.fromhex("0000fde800000001")


def v4(third, plen=24, path_id=None):
    return Prefix(1, 1, path_id, plen, bytes((10, 0, third, 0)))


def v6(hextext, plen):
    return Prefix(2, 1, None, plen, bytes.fromhex(hextext.ljust(32, "0")))


def announce(rib, nlris, attributes=ATTRIBUTES, nexthop=NH4, ctx=CTX):
    afi, safi = nlris[0].afi, nlris[0].safi
    for body in packing.announce_bodies(afi, safi, attributes, nexthop, nlris, ctx):
        rib.update(Update.decode(body, _receiving(ctx)), _receiving(ctx))


def withdraw(rib, nlris, ctx=CTX):
    afi, safi = nlris[0].afi, nlris[0].safi
    for body in packing.withdraw_bodies(afi, safi, ATTRIBUTES, NH4, nlris, ctx):
        rib.update(Update.decode(body, _receiving(ctx)), _receiving(ctx))


def _receiving(ctx):
    return CodecContext(addpath_receive=ctx.addpath_send)


def test_announce_withdraw_ipv4():
    rib = AdjRibIn()
    announce(rib, [v4(0), v4(1), v4(2, 23)])
    assert len(rib) == 3
    assert set(rib.routes()) == {
        Route(v4(0), NH4, ATTRIBUTES),
        Route(v4(1), NH4, ATTRIBUTES),
        Route(v4(2, 23), NH4, ATTRIBUTES),
    }
    withdraw(rib, [v4(1), v4(9)])
    assert set(rib.routes()) == {Route(v4(0), NH4, ATTRIBUTES), Route(v4(2, 23), NH4, ATTRIBUTES)}


def test_replace_with_new_attributes():
    rib = AdjRibIn()
    announce(rib, [v4(0), v4(1)])
    announce(rib, [v4(1)], attributes=OTHER, nexthop=bytes((192, 0, 2, 9)))
    assert set(rib.routes()) == {Route(v4(0), NH4, ATTRIBUTES), Route(v4(1), bytes((192, 0, 2, 9)), OTHER)}
    assert len(rib) == 2


def test_identical_attributes_share_one_object():
    rib = AdjRibIn()
    announce(rib, [v4(0)])
    announce(rib, [v4(1)])  # another UPDATE, same attribute section
    announce(rib, [v4(2)], attributes=OTHER)
    assert rib.path_count() == 2
    routes = {route.nlri: route for route in rib.routes()}
    assert routes[v4(0)].attributes is routes[v4(1)].attributes
    assert routes[v4(0)].attributes is not routes[v4(2)].attributes


def test_ipv6_from_mp_reach_and_mp_unreach():
    rib = AdjRibIn()
    announce(rib, [v6("20010db8", 32), v6("20010db9", 32)], nexthop=NH6)
    announce(rib, [v4(0)])
    assert set(rib.routes((2, 1))) == {
        Route(v6("20010db8", 32), NH6, ATTRIBUTES),
        Route(v6("20010db9", 32), NH6, ATTRIBUTES),
    }
    # the MP next hop is part of the path: IPv6 routes and the IPv4 one do not share it
    assert rib.path_count() == 2
    withdraw(rib, [v6("20010db8", 32)])
    assert [route.nlri for route in rib.routes((2, 1))] == [v6("20010db9", 32)]
    assert len(rib) == 2


def test_vpn_labels_and_route_distinguisher_kept():
    rib = AdjRibIn()
    nlri = Prefix(1, 128, None, 24, bytes((10, 0, 0, 0)), (100 << 4 | 1,), RD)
    announce(rib, [nlri])
    assert list(rib.routes()) == [Route(nlri, NH4, ATTRIBUTES)]
    # withdrawn by the same RD and prefix, whatever label the withdrawal carries (RFC 8277 2.4)
    withdraw(rib, [Prefix(1, 128, None, 24, bytes((10, 0, 0, 0)), (0x800000,), RD)])
    assert len(rib) == 0


# The two UPDATEs of issue 8 item 1.1 (bodies): 10.0.0.0/24 rd 65000:1 announced under label 0x001230 with
# its bottom-of-stack bit clear, then withdrawn with the Compatibility field 0x123450 (RFC 8277 2.2 / 2.4:
# both ignored on receipt); ExaBGP 5.0.15 decodes both so (`exabgp decode`, tests/test_cli_decode.py).
CLEAR_S_ANNOUNCE = bytes.fromhex(
    "000000314001010040020040050400000064800e200001800c0000000000000000c000020100700012300000fde8000000010a0000"
)
CLEAR_S_WITHDRAW = bytes.fromhex("0000001580 0f12000180701234500000fde8000000010a0000")


def test_vpn_route_with_a_clear_bottom_of_stack_bit(codec, monkeypatch):
    """The route reaches the Adj-RIB-In as sent, and the withdrawal removes it (each codec twin)."""
    monkeypatch.setattr(_codec, "decode_nlri", codec.decode_nlri)
    rib = AdjRibIn()
    rib.update(Update.decode(CLEAR_S_ANNOUNCE, CTX), CTX)
    attributes = AttributeSet([(1, 0x40, b"\x00"), (2, 0x40, b""), (5, 0x40, (100).to_bytes(4, "big"))])
    assert list(rib.routes()) == [
        Route(Prefix(1, 128, None, 24, bytes((10, 0, 0, 0)), (0x001230,), RD), NH4, attributes)
    ]
    rib.update(Update.decode(CLEAR_S_WITHDRAW, CTX), CTX)
    assert len(rib) == 0


def test_labeled_route_with_a_clear_bottom_of_stack_bit(codec, monkeypatch):
    """IPv4 nlri-mpls (SAFI 4) under ADD-PATH: one label field, S bit clear, then a /24 (RFC 8277 2.2)."""
    monkeypatch.setattr(_codec, "decode_nlri", codec.decode_nlri)
    ctx = CodecContext(addpath_receive=frozenset({(1, 4)}))
    reach = bytes.fromhex("0001 04 04 c0000201 00  00000007 30 001230 0a0000")
    unreach = bytes.fromhex("0001 04  00000007 30 800000 0a0000")
    rib = AdjRibIn()
    rib.update(Update.decode(body(bytes.fromhex("40010100 400200 800e") + bytes([len(reach)]) + reach), ctx), ctx)
    assert [route.nlri for route in rib.routes()] == [Prefix(1, 4, 7, 24, bytes((10, 0, 0, 0)), (0x001230,))]
    rib.update(Update.decode(body(bytes.fromhex("800f") + bytes([len(unreach)]) + unreach), ctx), ctx)
    assert len(rib) == 0


def body(section: bytes) -> bytes:
    """An UPDATE body of no withdrawn routes, the attribute `section` and no NLRI."""
    return bytes(2) + len(section).to_bytes(2, "big") + section


def test_add_path_keeps_each_path():
    ctx = CodecContext(addpath_send=frozenset({(1, 1)}))
    rib = AdjRibIn()
    announce(rib, [v4(0, path_id=1), v4(0, path_id=2)], ctx=ctx)
    announce(rib, [v4(0, path_id=0)], ctx=ctx, attributes=OTHER)
    assert len(rib) == 3
    withdraw(rib, [v4(0, path_id=1)], ctx=ctx)
    assert {route.nlri.path_id for route in rib.routes()} == {0, 2}


def test_treat_as_withdraw():
    rib = AdjRibIn()
    announce(rib, [v4(0), v4(1)])
    # ORIGIN flagged optional: RFC 7606 3 (c) and 7.1, treat-as-withdraw
    bad = AttributeSet([(1, 0x80, b"\x00")] + BASE[1:])
    body = next(packing.announce_bodies(1, 1, bad, NH4, [v4(0)], CTX))
    update = Update.decode(body, CTX)
    assert update.attributes(CTX).treat_as_withdraw is not None
    rib.update(update, CTX)
    assert [route.nlri for route in rib.routes()] == [v4(1)]


def test_discarded_attribute_is_not_stored():
    rib = AdjRibIn()
    # AGGREGATOR of a bad length: RFC 7606 7.7, attribute discard; the route stays
    with_bad_aggregator = AttributeSet(BASE + [(7, 0xC0, b"\x00\x01\x02")])
    announce(rib, [v4(0)], attributes=with_bad_aggregator)
    assert list(rib.routes()) == [Route(v4(0), NH4, ATTRIBUTES)]


def test_raw_family_and_built_update():
    rib = AdjRibIn()
    section = bytes((3, 22)) + bytes(22)
    raw = RawNLRI(16388, 72, section)  # bgp-ls bgp-ls-vpn: kept raw
    body = next(packing.announce_bodies(16388, 72, ATTRIBUTES, NH4, [raw], CTX))
    rib.update(Update.decode(body, CTX), CTX)
    assert list(rib.routes()) == [Route(raw, NH4, ATTRIBUTES)]
    built = Update(withdrawn=[], attributes=[], nlri=[])
    rib.update(built, CTX)  # an End-of-RIB, built rather than decoded: nothing changes
    assert len(rib) == 1
    rib.clear()
    assert len(rib) == 0 and list(rib.routes()) == [] and rib.path_count() == 0


def test_unused_paths_are_swept():
    rib = AdjRibIn()
    for med in range(5000):
        attributes = AttributeSet(BASE + [(4, 0x80, med.to_bytes(4, "big"))])
        announce(rib, [v4(med % 3)], attributes=attributes)
    assert len(rib) == 3
    assert rib.path_count() < 2100
    assert {route.attributes.get(4) for route in rib.routes()} == {
        (4997).to_bytes(4, "big"),
        (4998).to_bytes(4, "big"),
        (4999).to_bytes(4, "big"),
    }


def test_round_trip_of_a_table():
    rib = AdjRibIn()
    routes = set()
    for i in range(600):
        attributes = AttributeSet(BASE + [(4, 0x80, (i % 7).to_bytes(4, "big"))])
        nlri = Prefix(1, 1, None, 24, bytes((10, i >> 8, i & 0xFF, 0)))
        routes.add(Route(nlri, NH4, attributes))
        nlri6 = Prefix(2, 1, None, 48, bytes.fromhex(f"20010db8{i:04x}".ljust(32, "0")))
        routes.add(Route(nlri6, NH6, attributes))
    by_bucket = {}
    for route in routes:
        by_bucket.setdefault((route.attributes, route.nexthop, route.family), []).append(route.nlri)
    for (attributes, nexthop, _family), nlris in by_bucket.items():
        announce(rib, nlris, attributes=attributes, nexthop=nexthop)
    assert set(rib.routes()) == routes
    assert rib.path_count() == 14


def test_routes_walk_survives_changes_made_while_it_runs():
    """``show adj-rib in`` streams while UPDATEs keep coming: the walk yields the routes there when it started
    and still there at their turn, each with the attributes it has then; routes received after the start are
    not yielded; a cleared table ends it.  No "dictionary changed size" error, whatever changes."""
    rib = AdjRibIn()
    announce(rib, [v4(third) for third in range(10)])
    announce(rib, [v6("20010db8", 32)], nexthop=NH6)
    walk = rib.routes()
    assert next(walk) == Route(v4(0), NH4, ATTRIBUTES)
    withdraw(rib, [v4(1), v4(2)])  # gone before their turn
    announce(rib, [v4(3)], attributes=OTHER)  # replaced before its turn
    announce(rib, [v4(third) for third in range(100, 140)])  # new: the table grows
    announce(rib, [v4(1)])  # back before its turn
    assert list(walk) == [Route(v4(1), NH4, ATTRIBUTES), Route(v4(3), NH4, OTHER)] + [
        Route(v4(third), NH4, ATTRIBUTES) for third in range(4, 10)
    ] + [Route(v6("20010db8", 32), NH6, ATTRIBUTES)]
    walk = rib.routes()
    next(walk)
    rib.clear()
    assert list(walk) == []


def test_routes_walk_of_many_paths_splits_each_path_again_after_its_cache():
    """More distinct paths than the walk keeps split: every route still gets its own attributes."""
    rib = AdjRibIn()
    sets = [AttributeSet(BASE + [(4, 0x80, number.to_bytes(4, "big"))]) for number in range(5000)]
    for number, attributes in enumerate(sets):
        announce(rib, [Prefix(1, 1, None, 32, number.to_bytes(4, "big"))], attributes=attributes)
    assert [route.attributes for route in rib.routes()] == sets


def test_a_run_nobody_vouched_for_is_applied_message_by_message():
    """`update_run` (a BMP router's UPDATEs): the vouched front in one pass, then a treat-as-withdraw message, a
    message the codec refuses (skipped: it changes nothing), a message of a discarded attribute and more plain
    ones; the RIB ends as with each applied alone in order, the refused one left out."""
    plain = [next(packing.announce_bodies(1, 1, ATTRIBUTES, NH4, [v4(n)], CTX)) for n in range(4)]
    bad_origin = AttributeSet([(1, 0x80, b"\x00")] + BASE[1:])
    withdrawn = next(packing.announce_bodies(1, 1, bad_origin, NH4, [v4(0)], CTX))
    refused = bytes(2) + (0).to_bytes(2, "big") + bytes((33, 10, 0, 9, 0, 0))  # a /33: 3/10, the session's end
    discard = next(packing.announce_bodies(1, 1, AttributeSet(BASE + [(7, 0xC0, b"\x00\x01\x02")]), NH4, [v4(5)], CTX))
    six = next(packing.announce_bodies(2, 1, OTHER, NH6, [v6("20010db8", 32)], CTX))
    bodies = [*plain[:2], withdrawn, refused, discard, plain[2], six, plain[3]]
    run = b"".join(_codec.frame_message(2, piece) for piece in bodies)
    alone, together = AdjRibIn(), AdjRibIn()
    for piece in bodies:
        if piece is not refused:
            alone.update(Update.decode(piece, CTX), CTX)
    together.update_run(run, CTX)
    assert set(together.routes()) == set(alone.routes())
    assert {route.nlri for route in together.routes()} == {v4(1), v4(5), v4(2), v6("20010db8", 32), v4(3)}
