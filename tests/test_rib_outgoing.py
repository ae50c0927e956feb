"""The Adj-RIB-Out (exabgp.rib.outgoing): queue semantics, ordering, replay (next-hop self: tests/test_rib_export.py)."""

from exabgp._codec import split_update, walk_attributes
from exabgp.bgp import flow
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.bgp.nlri import Prefix
from exabgp.bgp.route import NEXT_HOP_SELF, AttributeSet, Route
from exabgp.bgp.update import eor_body
from exabgp.rib import packing
from exabgp.rib.export import SessionExport
from exabgp.rib.outgoing import AdjRibOut


CTX = CodecContext()
BASE = [(1, 0x40, b"\x00"), (2, 0x40, b""), (5, 0x40, (100).to_bytes(4, "big"))]
ATTRIBUTES = AttributeSet(BASE)
OTHER = AttributeSet(BASE + [(4, 0x80, (5).to_bytes(4, "big"))])
LOCAL4 = bytes([127, 0, 0, 1])
LOCAL6 = bytes.fromhex("20010db8000000000000000000000002")
ROUTER_ID = bytes([1, 2, 3, 4])


def v4(a, b, c, d, plen=24):
    return Prefix(1, 1, None, plen, bytes((a, b, c, d)))


def v6(hextext, plen):
    return Prefix(2, 1, None, plen, bytes.fromhex(hextext.ljust(32, "0")))


def route(nlri, nexthop=b"\x0a\x00\x00\x01", attributes=ATTRIBUTES):
    return Route(nlri, nexthop, attributes)


def rib():
    return AdjRibOut()


def sent(adj, ctx=CTX, group=True):
    """What `updates` produced, as (kind, family, nexthop, nlri) per NLRI, in order."""
    result = []
    for body in adj.updates(ctx, group):
        withdrawn, section, announced = split_update(body)
        attributes = walk_attributes(section)
        codes = [code for code, _flags, _value in attributes]
        nexthop = dict((code, value) for code, _flags, value in attributes).get(3)
        result.extend(("withdraw", (1, 1), None, item) for item in nlri_module.ipv4_unicast(withdrawn, False))
        result.extend(("announce", (1, 1), nexthop, item) for item in nlri_module.ipv4_unicast(announced, False))
        for code, _flags, value in attributes:
            if code in (14, 15):
                afi, safi = int.from_bytes(value[:2], "big"), value[2]
            if code == 15:
                result.extend(
                    ("withdraw", (afi, safi), None, item) for item in nlri_module.decode(afi, safi, value[3:], False)
                )
            if code == 14:
                result.extend(
                    ("announce", (afi, safi), value[4 : 4 + value[3]], item)
                    for item in nlri_module.decode(afi, safi, value[5 + value[3] :], False)
                )
        assert codes == sorted(code for code in codes if code not in (14, 15)) + [c for c in codes if c in (14, 15)]
    return result


def test_announce_then_nothing_pending():
    adj = rib()
    assert adj.add(route(v4(10, 0, 0, 0)))
    assert adj.pending()
    assert sent(adj) == [("announce", (1, 1), b"\x0a\x00\x00\x01", v4(10, 0, 0, 0))]
    assert not adj.pending()
    assert sent(adj) == []
    assert len(adj) == 1


def test_identical_announce_is_suppressed():
    adj = rib()
    adj.add(route(v4(10, 0, 0, 0)))
    sent(adj)
    assert not adj.add(route(v4(10, 0, 0, 0)))
    assert sent(adj) == []
    # another next hop is not the same route
    assert adj.add(route(v4(10, 0, 0, 0), nexthop=b"\x0a\x00\x00\x02"))
    assert sent(adj) == [("announce", (1, 1), b"\x0a\x00\x00\x02", v4(10, 0, 0, 0))]


def test_reannounce_with_new_attributes_replaces():
    """Both announces go out, in bucket order (5.0.15, wire scenario announce-twice-other-attributes); the cache
    keeps the last."""
    adj = rib()
    adj.add(route(v4(10, 0, 0, 0)))
    adj.add(route(v4(10, 0, 0, 0), attributes=OTHER))
    bodies = list(adj.updates(CTX))
    assert len(bodies) == 2
    assert 4 in [code for code, _f, _v in walk_attributes(split_update(bodies[1])[1])]
    assert adj.routes() == [route(v4(10, 0, 0, 0), attributes=OTHER)]


def test_withdraw_cancels_pending_announce():
    adj = rib()
    adj.add(route(v4(10, 0, 0, 0)))
    adj.withdraw(route(v4(10, 0, 0, 0)))
    assert sent(adj) == [("withdraw", (1, 1), None, v4(10, 0, 0, 0))]
    assert len(adj) == 0
    # withdrawing by NLRI works as well, and the route can come back
    adj.add(route(v4(10, 0, 0, 0)))
    sent(adj)
    adj.withdraw(v4(10, 0, 0, 0))
    adj.add(route(v4(10, 0, 0, 0)))
    assert sent(adj) == [("announce", (1, 1), b"\x0a\x00\x00\x01", v4(10, 0, 0, 0))]


def test_changes_by_attribute_set_then_family():
    adj = rib()
    for nlri in (v4(10, 0, 9, 0), v4(10, 0, 8, 0)):
        adj.add(route(nlri))
    sent(adj)
    adj.add(route(v4(10, 0, 1, 0)))
    adj.add(route(v6("20010db8", 32), nexthop=LOCAL6))
    adj.add(route(v4(10, 0, 2, 0), attributes=OTHER))
    adj.add(route(v4(10, 0, 0, 0)))
    adj.withdraw(v4(10, 0, 9, 0))
    adj.withdraw(v4(10, 0, 8, 0))
    result = sent(adj)
    assert [(kind, family, nlri) for kind, family, _nh, nlri in result] == [
        ("withdraw", (1, 1), v4(10, 0, 8, 0)),  # same bucket: withdrawals first, one UPDATE, sorted
        ("withdraw", (1, 1), v4(10, 0, 9, 0)),
        ("announce", (1, 1), v4(10, 0, 0, 0)),  # ATTRIBUTES / 10.0.0.1, grouped and sorted
        ("announce", (1, 1), v4(10, 0, 1, 0)),
        ("announce", (2, 1), v6("20010db8", 32)),  # another next hop: another bucket
        ("announce", (1, 1), v4(10, 0, 2, 0)),  # OTHER attributes
    ]
    assert len(list(packing.withdraw_bodies(1, 1, ATTRIBUTES, b"", [v4(10, 0, 8, 0), v4(10, 0, 9, 0)], CTX))) == 1


def test_withdrawals_are_not_sent_first():
    # 5.0 files a withdraw under the attributes of the route it withdraws: it goes out with that bucket
    adj = rib()
    adj.add(route(v4(10, 0, 9, 0), attributes=OTHER))
    adj.add(route(v6("20010db8", 32), nexthop=LOCAL6))
    sent(adj)
    adj.add(route(v4(10, 0, 1, 0)))
    adj.withdraw(v6("20010db8", 32))
    adj.withdraw(v4(10, 0, 9, 0))
    adj.add(route(v4(10, 0, 2, 0), attributes=OTHER))
    assert [(kind, nlri) for kind, _family, _nh, nlri in sent(adj)] == [
        ("announce", v4(10, 0, 1, 0)),  # ATTRIBUTES / 10.0.0.1
        ("withdraw", v6("20010db8", 32)),  # ATTRIBUTES / LOCAL6
        ("withdraw", v4(10, 0, 9, 0)),  # OTHER / 10.0.0.1: withdrawals first
        ("announce", v4(10, 0, 2, 0)),
    ]
    # not grouped: in the order queued
    adj.withdraw(v4(10, 0, 1, 0))
    adj.add(route(v4(10, 0, 3, 0)))
    adj.withdraw(v4(10, 0, 2, 0))
    assert [(kind, nlri) for kind, _family, _nh, nlri in sent(adj, group=False)] == [
        ("withdraw", v4(10, 0, 1, 0)),
        ("announce", v4(10, 0, 3, 0)),
        ("withdraw", v4(10, 0, 2, 0)),
    ]


def test_pending_changes_as_5_0_files_them():
    """5.0.15's queue (wire scenarios announce-twice-other-attributes, clear-cancels-last-change): a change goes
    in the bucket of its attributes, in place when the NLRI is there; a cancelling withdraw (clear, watchdog)
    takes the NLRI's last change out of its bucket, a helper's withdraw does not."""
    adj = rib()
    adj.add(route(v4(10, 0, 0, 0)))
    adj.add(route(v4(10, 0, 1, 0)))
    sent(adj)
    # a withdraw then an announce with other attributes: both, each in its bucket
    adj.withdraw(v4(10, 0, 0, 0))
    adj.add(route(v4(10, 0, 0, 0), attributes=OTHER))
    assert [(kind, nlri) for kind, _f, _nh, nlri in sent(adj)] == [
        ("withdraw", v4(10, 0, 0, 0)),
        ("announce", v4(10, 0, 0, 0)),
    ]
    # an announce replacing a withdraw of its bucket takes its place; a withdraw goes to the end of its bucket
    adj.add(route(v4(10, 0, 5, 0)))
    sent(adj)
    adj.withdraw(v4(10, 0, 5, 0))
    adj.add(route(v4(10, 0, 7, 0)))
    adj.add(route(v4(10, 0, 5, 0)))
    adj.add(route(v4(10, 0, 8, 0)))
    adj.add(route(v4(10, 0, 9, 0)))
    adj.withdraw(v4(10, 0, 8, 0))
    assert [(kind, nlri) for kind, _f, _nh, nlri in sent(adj, group=False)] == [
        ("announce", v4(10, 0, 5, 0)),
        ("announce", v4(10, 0, 7, 0)),
        ("announce", v4(10, 0, 9, 0)),
        ("withdraw", v4(10, 0, 8, 0)),
    ]
    assert not adj.pending()
    # a helper's withdraw with other attributes leaves the announce queued: both go, announce first
    adj.add(route(v4(10, 0, 3, 0), attributes=OTHER))
    adj.withdraw(route(v4(10, 0, 3, 0)), cancel=False)
    assert [(kind, nlri) for kind, _f, _nh, nlri in sent(adj)] == [
        ("announce", v4(10, 0, 3, 0)),
        ("withdraw", v4(10, 0, 3, 0)),
    ]
    # a first batch: the withdrawals of NLRI it did not announce are dropped, not those it announced
    adj.add(route(v4(10, 0, 4, 0), attributes=OTHER))
    adj.withdraw(route(v4(10, 0, 4, 0)), cancel=False)
    adj.withdraw(route(v4(10, 0, 6, 0)), cancel=False)
    assert [(kind, nlri) for kind, _f, _nh, nlri in adj_sent_first(adj)] == [
        ("announce", v4(10, 0, 4, 0)),
        ("withdraw", v4(10, 0, 4, 0)),
    ]


def adj_sent_first(adj):
    """`sent` for a session's first batch (`updates` without withdrawals)."""
    bodies = list(adj.updates(CTX, True, False))
    result = []
    for body in bodies:
        withdrawn, _section, announced = split_update(body)
        result += [("withdraw", None, None, v4(*withdrawn[1:4], 0))] if withdrawn else []
        result += [("announce", None, None, v4(*announced[1:4], 0))] if announced else []
    return result


def test_withdraw_carries_the_attributes_of_the_route():
    labeled = Prefix(1, 4, None, 24, bytes((10, 1, 0, 0)), (100 << 4 | 1,), None)
    section = "400101004002004003040a00000140050400000064"
    unreach = "800f0a000104300006410a0100"
    adj = rib()
    adj.add(route(labeled))
    sent(adj)
    adj.withdraw(labeled)  # by NLRI: the cached route's attributes
    assert [body.hex() for body in adj.updates(CTX)] == ["00000022" + section + unreach]
    adj.withdraw(route(labeled, attributes=OTHER))  # a route: its own attributes, as 5.0 does
    other = "400101004002004003040a0000018004040000000540050400000064"
    assert [body.hex() for body in adj.updates(CTX)] == ["00000029" + other + unreach]
    adj.withdraw(labeled)  # nothing known about it: no attribute
    assert [body.hex() for body in adj.updates(CTX)] == ["0000000d" + unreach]


def test_group_updates_false_sends_one_nlri_per_update():
    adj = rib()
    for i in range(4):
        adj.add(route(v4(10, 0, i, 0)))
    assert len(list(adj.updates(CTX, group=False))) == 4
    adj.replay()  # a flush sends one UPDATE per route, grouped or not (5.0.15, wire scenario flush-goes-first)
    assert len(list(adj.updates(CTX, group=True))) == 4
    for i in range(4):
        adj.add(route(v4(10, 0, i, 0), attributes=OTHER))
    assert len(list(adj.updates(CTX, group=True))) == 1


def test_replay_everything_and_one_family():
    adj = rib()
    adj.add(route(v4(10, 0, 0, 0)))
    adj.add(route(v6("20010db8", 32), nexthop=LOCAL6))
    sent(adj)
    adj.replay((2, 1))
    assert [(kind, family) for kind, family, _nh, _nlri in sent(adj)] == [("announce", (2, 1))]
    adj.replay()
    assert sorted(family for _kind, family, _nh, _nlri in sent(adj)) == [(1, 1), (2, 1)]


def test_clear_withdraws_everything():
    adj = rib()
    adj.add(route(v4(10, 0, 0, 0)))
    adj.add(route(v6("20010db8", 32), nexthop=LOCAL6))
    sent(adj)
    adj.clear()
    assert sorted((kind, family) for kind, family, _nh, _nlri in sent(adj)) == [
        ("withdraw", (1, 1)),
        ("withdraw", (2, 1)),
    ]
    assert len(adj) == 0
    adj.replay()
    assert sent(adj) == []


def test_restart_keeps_the_changes_queued_while_down_in_their_buckets():
    """A new session: the changes made while no session was up keep their buckets' order, the cached routes are
    queued on top (a bucket already there keeps its place); without them, the cached routes in cache order.  The
    order is 5.0.15's, recorded by the wire scenario ``changes-while-down-order`` (qa/differential/wire.py)."""
    third = AttributeSet(BASE + [(4, 0x80, (9).to_bytes(4, "big"))])
    changes = [
        (route(v4(10, 0, 3, 0)), True, False),
        (route(v4(10, 0, 1, 0)), False, False),
        (route(v4(10, 0, 2, 0), attributes=OTHER), True, False),
        (route(v4(10, 0, 1, 0), attributes=third), True, False),
        (route(v4(10, 0, 4, 0)), True, False),
    ]

    def cached():
        adj = rib()
        for nlri in (v4(10, 0, 1, 0), v4(10, 0, 2, 0)):
            adj.add(route(nlri))
        sent(adj)
        for change, announce, _cancel in changes:
            if announce:
                adj.add(change)
            else:
                adj.withdraw(change, cancel=False)
        return adj

    adj = cached()
    adj.restart(changes)
    assert [(kind, nlri) for kind, _family, _nh, nlri in sent(adj)] == [
        ("withdraw", v4(10, 0, 1, 0)),
        ("announce", v4(10, 0, 3, 0)),
        ("announce", v4(10, 0, 4, 0)),
        ("announce", v4(10, 0, 2, 0)),
        ("announce", v4(10, 0, 1, 0)),
    ]
    adj = cached()
    adj.restart()
    assert [nlri for _kind, _family, _nh, nlri in sent(adj)] == [
        v4(10, 0, 2, 0),
        v4(10, 0, 3, 0),
        v4(10, 0, 4, 0),
        v4(10, 0, 1, 0),
    ]


def test_restart_cancelling_withdrawal_takes_the_pending_change_out():
    """A withdrawal queued while down by ``clear adj-rib out`` or ``withdraw watchdog`` (`cancel`) takes the NLRI's
    pending announce out of its bucket, as 5.0.15's ``del_from_rib`` does (wire scenarios ``clear-while-down`` and
    ``watchdog-while-down``, recorded against 5.0.15); a helper's withdrawal (no `cancel`) leaves it there."""
    first, second = route(v4(10, 0, 1, 0)), route(v4(10, 0, 2, 0), attributes=OTHER)
    withdrawal = route(v4(10, 0, 1, 0), attributes=OTHER)  # filed in the second route's bucket
    adj = rib()
    adj.restart([(first, True, False), (second, True, False), (withdrawal, False, True)])
    assert [(kind, nlri) for kind, _family, _nh, nlri in sent(adj)] == [
        ("withdraw", v4(10, 0, 1, 0)),
        ("announce", v4(10, 0, 2, 0)),
    ]
    adj = rib()
    adj.restart([(first, True, False), (second, True, False), (withdrawal, False, False)])
    assert [(kind, nlri) for kind, _family, _nh, nlri in sent(adj)] == [
        ("announce", v4(10, 0, 1, 0)),
        ("withdraw", v4(10, 0, 1, 0)),
        ("announce", v4(10, 0, 2, 0)),
    ]


def test_cache_shares_attribute_sets():
    """Routes that share an attribute set share it in the cache too, once the session's export step has made them
    as sent (`exabgp.rib.export.SessionExport`: next hop resolved, one exported set per set)."""
    adj = rib()
    export = SessionExport(1, 1, True, LOCAL4, ROUTER_ID)
    for i in range(100):
        adj.add(export.route(route(v4(10, 0, i, 0), nexthop=NEXT_HOP_SELF)))
    assert len({id(r.attributes) for r in adj.routes()}) == 1
    assert {r.nexthop for r in adj.routes()} == {LOCAL4}


def _reference(reference, name):
    path = reference / "encoding" / name
    found = set()
    for line in path.read_text().splitlines():
        if ":raw:" in line and "#" not in line:
            found.add(bytes.fromhex(line.split(":", 2)[2].replace(":", "").replace(" ", ""))[19:])
    return found


def test_conf_new_v4_from_its_configuration(reference):
    # conf-new-v4.conf: eight routes, five attribute sets, group-updates on (the default)
    nexthop = bytes((10, 0, 255, 254))
    community = (8, 0xC0, bytes.fromhex("78147814"))

    def attrs(*extra, local_pref=100):
        return AttributeSet([(1, 0x40, b"\x00"), (2, 0x40, b""), (5, 0x40, local_pref.to_bytes(4, "big")), *extra])

    adj = AdjRibOut()
    for third, attributes in [
        (1, attrs((8, 0xC0, bytes(4)))),
        (2, attrs(community)),
        (3, attrs((8, 0xC0, bytes.fromhex("7814000078147814")))),
        (4, attrs(local_pref=200)),
        (5, attrs(local_pref=200)),
        (6, attrs(community)),
        (7, attrs(community, local_pref=200)),
        (8, attrs(community, local_pref=200)),
    ]:
        adj.add(Route(v4(10, 0, third, 0), nexthop, attributes))
    produced = list(adj.updates(CTX)) + [eor_body(1, 1)]
    assert sorted(produced) == sorted(_reference(reference, "conf-new-v4.msg"))
    assert len(produced) == 6


def test_conf_group_limit_from_its_configuration(reference):
    # two IPv4 routes grouped in one UPDATE, two IPv6 routes in one UPDATE each (as 5.0), two EOR
    adj = AdjRibOut()
    attributes = AttributeSet(BASE)
    adj.add(Route(Prefix(1, 1, None, 32, bytes((193, 0, 2, 1))), bytes((10, 0, 0, 1)), attributes))
    adj.add(Route(Prefix(1, 1, None, 32, bytes((193, 0, 2, 2))), bytes((10, 0, 0, 1)), attributes))
    nexthop6 = bytes.fromhex("2a020b80000100000000000000000001")
    adj.add(Route(v6("2a020b80000000010000000000000001", 128), nexthop6, attributes))
    adj.add(Route(v6("2a020b80000000020000000000000002", 128), nexthop6, attributes))
    produced = list(adj.updates(CTX)) + [eor_body(1, 1), eor_body(2, 1)]
    assert sorted(produced) == sorted(_reference(reference, "conf-group-limit.msg"))
    assert len(produced) == 5


def _flow(destination: str):
    return flow.build(1, 133, b"", [flow.parse_component(1, "destination", [destination])])


def test_flow_rules_one_route_per_match():
    """5.0.15 keeps one route per FlowSpec match (wire scenario flow-announce-withdraw): announced with two sets
    of actions in one batch both go, the cache keeps the last, a withdraw names the match."""
    adj = rib()
    rule = _flow("10.0.0.0/8")
    discard, rate = AttributeSet(BASE + [(16, 0xC0, bytes.fromhex("8006000000000000"))]), OTHER
    assert adj.add(route(rule, b"", discard)) and adj.add(route(rule, b"", rate))
    assert len(adj) == 1 and len(sent(adj)) == 2
    assert not adj.add(route(rule, b"", rate))
    assert adj.add(route(rule, b"", discard))  # the cache held the other actions: sent again
    sent(adj)
    adj.withdraw(route(rule, b"", ATTRIBUTES))
    assert len(adj) == 0
    assert sent(adj) == [("withdraw", (1, 133), None, rule)]
    # announced and withdrawn in one bucket before anything was sent: only the withdraw goes
    adj.add(route(rule, b"", ATTRIBUTES))
    adj.withdraw(route(rule, b"", ATTRIBUTES))
    assert sent(adj) == [("withdraw", (1, 133), None, rule)] and len(adj) == 0


def test_listing_survives_changes_made_while_it_runs():
    """``show adj-rib out`` streams while helpers keep announcing: the listing yields the routes announced when it
    started and still announced at their turn, each as it is then; later announcements are not yielded."""
    adj = rib()
    for last in range(5):
        adj.add(route(v4(10, 0, 0, last)))
    listing = adj.listing()
    assert next(listing) == route(v4(10, 0, 0, 0))
    adj.withdraw(route(v4(10, 0, 0, 1)))
    adj.add(route(v4(10, 0, 0, 2), attributes=OTHER))
    for last in range(100, 200):
        adj.add(route(v4(10, 0, 0, last)))
    assert list(listing) == [route(v4(10, 0, 0, 2), attributes=OTHER), route(v4(10, 0, 0, 3)), route(v4(10, 0, 0, 4))]
