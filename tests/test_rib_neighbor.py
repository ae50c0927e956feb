"""The Adj-RIB-Out rules of one neighbor (exabgp.rib.neighbor), driven by events, without sockets or sleeps.

Each test feeds a `NeighborRoutes` what the reactor feeds it (a session up or
down, helpers' commands, watchdogs, flush, clear, ROUTE-REFRESH, reloads) and
reads the UPDATE bodies it answers, decoded to ``(action, prefix, med)``.
The scenarios are those of the wire differential (`qa.differential.wire`,
`HANDWRITTEN`: "changes-while-down-order", "clear-while-down",
"clear-before-first-session", "flush-while-down", "watchdog-while-down",
"watchdog-cycle-across-sessions", "reload-kept-watchdogs",
"reload-changed-watchdogs", "first-batch-announce-withdraw-other-attributes",
...), whose UPDATEs `tests/test_differential_wire.py` holds equal to what
ExaBGP 5.0.15 sends (the deliberate differences are in
`qa.differential.known`); the expected lists below are those UPDATEs.
"""

from exabgp._codec import split_update, walk_attributes
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.context import CodecContext
from exabgp.config.command import parse as parse_command
from exabgp.config.neighbor import parse as parse_configuration
from exabgp.rib.neighbor import NeighborRoutes

LOCAL = bytes((127, 0, 0, 1))
IPV4 = (1, 1)
IPV6 = (2, 1)
MED = 4


def neighbor(*static, families=("ipv4 unicast",), group=True, asn4=True, extra=""):
    """A neighbor of the configuration grammar with `static` routes (``PREFIX next-hop .. [watchdog ..]``)."""
    routes = "".join(f"        route {route} ;\n" for route in static)
    capability = "" if asn4 else "capability { asn4 disable; }"
    family = "".join(f"        {name};\n" for name in families)
    text = f"""neighbor 127.0.0.2 {{
    router-id 10.0.0.1 ;
    local-address 127.0.0.1 ;
    local-as 65000 ;
    peer-as 65000 ;
    group-updates {"true" if group else "false"} ;
    {capability}
    {extra}
    family {{
{family}    }}
    static {{
{routes}    }}
}}
"""
    return parse_configuration(text, full=True).neighbors[0]


class Rig:
    """A `NeighborRoutes` and the session facts the reactor would give it."""

    def __init__(self, configured, asn4=True):
        self.warnings = []
        self.routes = NeighborRoutes(configured, self.warnings.append)
        self.first = True
        self.asn4 = asn4

    def up(self, families=None):
        """ESTABLISHED: what the initial dump sends (the UPDATEs; the End-of-RIBs are `initial_eors`)."""
        families = frozenset(families or self.routes.neighbor.families)
        self.routes.up(LOCAL, CodecContext(asn4=self.asn4), families, self.first)
        self.first = False
        return self.sent()

    def down(self):
        """The session closes, its connection goes, the next attempt is made (what the reactor calls then)."""
        self.routes.down()
        self.routes.detached()
        self.routes.ended()

    def command(self, line):
        """A helper's route command (``announce|withdraw route ..``); True when a session is up to send it."""
        command = parse_command(line)
        statics = command.routes()
        return (self.routes.announce if line.startswith("announce") else self.routes.withdraw)(statics)

    def sent(self):
        """The pending changes as ``(action, prefix, med)`` per NLRI, in the order the UPDATEs carry them."""
        if not self.routes.pending():
            return []
        return decode(self.routes.updates([]))


def decode(bodies) -> list:
    result = []
    for body in bodies:
        withdrawn, section, announced = split_update(body)
        attributes = {code: value for code, _flags, value in walk_attributes(section)}
        med = attributes.get(MED)
        med = None if med is None else int.from_bytes(med, "big")
        result.extend(("withdraw", item.prefix(), None) for item in nlri_module.ipv4_unicast(withdrawn, False))
        result.extend(("announce", item.prefix(), med) for item in nlri_module.ipv4_unicast(announced, False))
        for code in (15, 14):
            value = attributes.get(code)
            if value is None:
                continue
            afi, safi = int.from_bytes(value[:2], "big"), value[2]
            if code == 15:
                result.extend(
                    ("withdraw", item.prefix(), None) for item in nlri_module.decode(afi, safi, value[3:], False)
                )
            else:
                offset = 4 + value[3] + 1
                result.extend(
                    ("announce", item.prefix(), med) for item in nlri_module.decode(afi, safi, value[offset:], False)
                )
    return result


def announce(prefix, med=None):
    return ("announce", prefix, med)


def withdraw(prefix):
    return ("withdraw", prefix, None)


# ---------------------------------------------------------------- a session up


def test_first_session_sends_the_configuration_then_its_end_of_ribs():
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9", "10.9.1.0/24 next-hop 192.0.2.9 med 3"))
    assert rig.up() == [announce("10.9.0.0/24"), announce("10.9.1.0/24", 3)]
    assert rig.routes.initial_eors() == [IPV4]
    assert rig.routes.pending() is False


def test_manual_eor_sends_no_end_of_rib():
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9", extra="manual-eor true;"))
    rig.up()
    assert rig.routes.initial_eors() is None


def test_only_negotiated_families_are_filled():
    rig = Rig(
        neighbor(
            "10.9.0.0/24 next-hop 192.0.2.9",
            "2001:db8::/64 next-hop 2001:db8::1",
            families=("ipv4 unicast", "ipv6 unicast"),
        )
    )
    assert rig.up(families=[IPV4]) == [announce("10.9.0.0/24")]
    assert rig.routes.initial_eors() == [IPV4]


def test_configured_withdraw_routes_are_held_back():
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9 withdraw", "10.9.1.0/24 next-hop 192.0.2.9"))
    assert rig.up() == [announce("10.9.1.0/24")]


def test_next_hop_self_refused_is_reported_not_sent():
    rig = Rig(
        neighbor("2001:db8::/64 next-hop self", "10.9.0.0/24 next-hop self", families=("ipv4 unicast", "ipv6 unicast"))
    )
    assert rig.up() == [announce("10.9.0.0/24")]
    assert rig.warnings == [
        "route not announced: next-hop self: no IPv6 local address for an IPv6 route on an IPv4 session"
    ]


# ---------------------------------------------------------------- helpers' changes with a session up


def test_announce_and_withdraw_with_a_session_up_answer_send():
    rig = Rig(neighbor())
    rig.up()
    assert rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1") is True
    assert rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1") is True
    assert rig.sent() == [announce("10.0.1.0/24"), announce("10.0.2.0/24")]
    assert rig.command("withdraw route 10.0.1.0/24 next-hop 192.0.2.1") is True
    assert rig.sent() == [withdraw("10.0.1.0/24")]


def test_an_unchanged_announce_sends_nothing():
    rig = Rig(neighbor())
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.sent()
    assert rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1") is True  # a flush is asked, nothing pending
    assert rig.routes.pending() is False


def test_first_batch_sends_no_withdrawal_of_what_it_did_not_announce():
    """Scenarios "withdraw-only-first-batch" and "first-batch-announce-withdraw-other-attributes"."""
    rig = Rig(neighbor())
    rig.up()
    rig.command("withdraw route 10.0.1.0/24 next-hop 192.0.2.1")
    assert rig.sent() == []
    rig.command("withdraw route 10.0.1.0/24 next-hop 192.0.2.1")
    assert rig.sent() == [withdraw("10.0.1.0/24")]

    rig = Rig(neighbor())
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 100")
    rig.command("withdraw route 10.0.1.0/24 next-hop 192.0.2.1")
    # qa.differential.known "first-batch-withdrawal-after-announce": the withdrawal follows the announce
    assert rig.sent() == [announce("10.0.1.0/24", 100), withdraw("10.0.1.0/24")]


def test_end_of_rib_waits_for_its_batch():
    rig = Rig(neighbor())
    assert rig.routes.end_of_rib(*IPV4) is False  # no session: nothing to send
    rig.up()
    assert rig.routes.end_of_rib(*IPV4) is True
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    assert rig.routes.pending() is True
    assert rig.routes.take_eors() == [IPV4]
    assert rig.sent() == [announce("10.0.1.0/24")]
    assert rig.routes.take_eors() == []


def test_flush_sends_everything_again_first():
    """Scenario "flush-goes-first": the replayed routes lead, one UPDATE each, as cached then."""
    rig = Rig(neighbor())
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.sent()
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1")
    assert rig.routes.flush() is True
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 3")
    assert rig.sent() == [announce("10.0.1.0/24", 3), announce("10.0.2.0/24")]


def test_clear_withdraws_everything_for_the_next_sessions_too():
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9"))
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.sent()
    assert rig.routes.clear() is True
    assert rig.sent() == [withdraw("10.9.0.0/24"), withdraw("10.0.1.0/24")]
    rig.down()
    assert rig.up() == []
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1")
    assert rig.sent() == [announce("10.0.2.0/24")]


def test_route_refresh_replays_the_family_only():
    rig = Rig(
        neighbor(
            "10.9.0.0/24 next-hop 192.0.2.9",
            "2001:db8::/64 next-hop 2001:db8::1",
            families=("ipv4 unicast", "ipv6 unicast"),
        )
    )
    rig.up()
    assert rig.routes.refresh(IPV6) is True
    assert rig.sent() == [announce("2001:db8::/64")]
    assert rig.routes.refresh((1, 2)) is False  # not negotiated
    rig.down()
    assert rig.routes.refresh(IPV4) is False  # no session


def test_a_two_octet_session_narrows_the_as_path():
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9 as-path [ 4200000000 ]"), asn4=False)
    rig.routes.up(LOCAL, CodecContext(asn4=False), frozenset([IPV4]), True)
    (body,) = rig.routes.updates([])
    codes = [code for code, _flags, _value in walk_attributes(split_update(body)[1])]
    assert 17 in codes  # AS4_PATH carries the real number (RFC 6793 section 4.2.2)
    as_path = dict((code, value) for code, _flags, value in walk_attributes(split_update(body)[1]))[2]
    assert as_path == bytes((2, 1)) + (23456).to_bytes(2, "big")  # AS_TRANS in the 2-octet AS_PATH


def test_the_session_defaults_and_next_hop_self_are_the_export_steps():
    """Configured and helper routes carry what they state; the session adds its defaults (iBGP: ORIGIN, an empty
    AS_PATH, LOCAL_PREF 100) and resolves ``next-hop self`` when they enter its Adj-RIB-Out, withdrawals too."""
    rig = Rig(neighbor("10.9.0.0/24 next-hop self med 1"))
    assert rig.routes.neighbor.routes[0].route.attributes.codes() == (MED,)
    rig.up()
    (route,) = rig.routes.rib.routes()
    assert route.nexthop == LOCAL and route.attributes.codes() == (1, 2, MED, 5)
    assert rig.command("announce route 10.8.0.0/24 next-hop 192.0.2.9") is True
    assert [r.attributes.codes() for r in rig.routes.rib.routes()] == [(1, 2, MED, 5), (1, 2, 5)]
    assert rig.sent() == [("announce", "10.8.0.0/24", None)]
    assert rig.command("withdraw route 10.8.0.0/24 next-hop 192.0.2.9 med 3") is True
    assert rig.sent() == [("withdraw", "10.8.0.0/24", None)]


def test_a_helper_route_sent_as_the_cached_one_is_not_queued_while_down():
    """A helper's route that states the session's defaults is sent as the configured one that does not: while no
    session is up it is not queued (routes are compared as sent, `NeighborRoutes._sent`), so the next session
    sends the cache in its order.  (Whether 5.0.15, which compares routes without their defaults, queues it is
    not recorded: this keeps the behaviour from before the defaults moved to the export step.)"""
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9 med 1", "10.9.1.0/24 next-hop 192.0.2.9 med 2"))
    assert rig.up() == [("announce", "10.9.0.0/24", 1), ("announce", "10.9.1.0/24", 2)]
    rig.down()
    assert rig.command("announce route 10.9.1.0/24 next-hop 192.0.2.9 med 2 origin igp local-preference 100") is False
    assert rig.up() == [("announce", "10.9.0.0/24", 1), ("announce", "10.9.1.0/24", 2)]


# ---------------------------------------------------------------- while no session is up


def test_changes_while_down_are_queued_and_the_cache_goes_on_top():
    """Scenario "changes-while-down-order": 5.0 sends its queue bucket by bucket, then its cache on top."""
    rig = Rig(neighbor(families=("ipv4 unicast", "ipv6 unicast")))
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1")
    rig.command("announce route 2001:db8::/64 next-hop 2001:db8::1")
    rig.sent()
    rig.down()
    assert rig.command("announce route 10.0.3.0/24 next-hop 192.0.2.1") is False
    rig.command("withdraw route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.command("announce route 2001:db8:0:1::/64 next-hop 2001:db8::1 med 5")
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1 med 5")
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 9")
    rig.command("withdraw route 2001:db8::/64 next-hop 2001:db8::1")
    rig.command("announce route 10.0.4.0/24 next-hop 192.0.2.1")
    # a first batch: no withdrawal; the queue's buckets in the order made, every route cached now on top
    assert rig.up() == [
        announce("10.0.3.0/24"),
        announce("10.0.4.0/24"),
        announce("2001:db8:0:1::/64", 5),
        announce("10.0.2.0/24", 5),
        announce("10.0.1.0/24", 9),
    ]


def test_a_connection_ending_drops_the_queue_but_not_the_routes():
    rig = Rig(neighbor())
    rig.up()
    rig.down()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 1")
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 2")
    rig.routes.ended()  # an attempt failed: 5.0 drops the queue (the med 1 announce)
    assert rig.up() == [announce("10.0.1.0/24", 2)]


def test_clear_while_down_withdraws_the_cache_for_the_next_session():
    """Scenario "clear-while-down": the next session's first batch sends none of the cleared routes."""
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9", "10.9.1.0/24 next-hop 192.0.2.9 med 3"))
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.sent()
    rig.down()
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1 med 5")
    assert rig.routes.clear() is False
    rig.command("announce route 10.0.3.0/24 next-hop 192.0.2.1 med 3")
    assert rig.up() == [announce("10.0.3.0/24", 3)]
    rig.command("announce route 10.0.4.0/24 next-hop 192.0.2.1")
    assert rig.sent() == [announce("10.0.4.0/24")]


def test_clear_before_the_first_session():
    """Scenario "clear-before-first-session"."""
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9"))
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.routes.clear()
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1")
    assert rig.up() == [announce("10.0.2.0/24")]


def test_flush_while_down_does_nothing():
    """Scenario "flush-while-down": ``flush adj-rib out`` reaches established peers only."""
    rig = Rig(neighbor())
    rig.up()
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1")
    rig.sent()
    rig.down()
    assert rig.routes.flush() is False
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1")
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 4")
    assert rig.up() == [announce("10.0.2.0/24"), announce("10.0.1.0/24", 4)]


# ---------------------------------------------------------------- watchdogs


def test_watchdog_moves_its_routes_with_a_session_up():
    rig = Rig(
        neighbor("10.8.0.0/24 next-hop 192.0.2.8 watchdog dog", "10.8.1.0/24 next-hop 192.0.2.8 watchdog dog withdraw")
    )
    assert rig.up() == [announce("10.8.0.0/24")]
    assert rig.routes.watchdog("dog", False) is True
    assert rig.sent() == [withdraw("10.8.0.0/24")]  # the initial dump was the first batch
    rig.routes.watchdog("dog", True)
    assert rig.sent() == [announce("10.8.0.0/24"), announce("10.8.1.0/24")]
    rig.routes.watchdog("dog", False)
    assert rig.sent() == [withdraw("10.8.0.0/24"), withdraw("10.8.1.0/24")]
    assert rig.routes.watchdog("cat", True) is True  # an unknown watchdog moves nothing
    assert rig.sent() == []


def test_watchdog_while_down_is_queued():
    """Scenario "watchdog-while-down"."""
    rig = Rig(
        neighbor(
            "10.9.0.0/24 next-hop 192.0.2.9 watchdog dog withdraw",
            "10.9.1.0/24 next-hop 192.0.2.9 med 3 watchdog cat",
            "10.9.2.0/24 next-hop 192.0.2.9",
        )
    )
    rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 3")
    assert rig.routes.watchdog("dog", True) is False
    rig.routes.watchdog("cat", False)
    assert rig.up() == [announce("10.9.0.0/24"), announce("10.9.2.0/24"), announce("10.0.1.0/24", 3)]
    rig.routes.watchdog("dog", False)
    rig.command("announce route 10.0.2.0/24 next-hop 192.0.2.1")
    assert rig.sent() == [withdraw("10.9.0.0/24"), announce("10.0.2.0/24")]
    rig.down()
    rig.routes.watchdog("cat", True)
    rig.command("announce route 10.0.3.0/24 next-hop 192.0.2.9")
    rig.routes.watchdog("cat", False)
    rig.routes.watchdog("dog", True)
    assert rig.up() == [
        announce("10.0.3.0/24"),
        announce("10.9.0.0/24"),
        announce("10.9.2.0/24"),
        announce("10.0.1.0/24", 3),
        announce("10.0.2.0/24"),
    ]
    rig.routes.watchdog("dog", False)
    assert rig.sent() == [withdraw("10.9.0.0/24")]


def test_watchdog_across_sessions_and_clear():
    """Scenario "watchdog-route-cleared": a cleared watchdog route stays its watchdog's, not sent again until
    ``withdraw watchdog`` then ``announce watchdog``."""
    rig = Rig(
        neighbor("10.8.0.0/24 next-hop 192.0.2.8 watchdog dog", "10.8.1.0/24 next-hop 192.0.2.8 watchdog cat withdraw")
    )
    rig.up()
    rig.routes.clear()
    rig.routes.watchdog("dog", True)  # already announced by its watchdog: the clear holds it
    rig.routes.watchdog("cat", True)
    assert rig.sent() == [withdraw("10.8.0.0/24"), announce("10.8.1.0/24")]
    rig.down()
    assert rig.up() == [announce("10.8.1.0/24")]  # the dog's route is still held by the clear
    rig.routes.watchdog("dog", False)
    rig.routes.watchdog("dog", True)
    assert rig.sent() == [announce("10.8.0.0/24")]


def test_a_helpers_route_on_a_watchdog_nlri_goes_with_the_watchdog():
    """Scenario "api-route-on-watchdog-nlri": ``withdraw watchdog`` takes the NLRI out whatever route holds it."""
    rig = Rig(neighbor("10.8.0.0/24 next-hop 192.0.2.8 watchdog dog"))
    rig.up()
    rig.command("announce route 10.8.0.0/24 next-hop 192.0.2.1 med 5")
    assert rig.sent() == [announce("10.8.0.0/24", 5)]
    rig.routes.watchdog("dog", False)
    assert rig.sent() == [withdraw("10.8.0.0/24")]
    rig.down()
    assert rig.up() == []
    rig.routes.watchdog("dog", True)
    assert rig.sent() == [announce("10.8.0.0/24")]


# ---------------------------------------------------------------- reloads


def test_reload_sends_the_delta_and_keeps_the_watchdog_table():
    """Scenario "reload-kept-watchdogs": a new NLRI held by ``withdraw`` is announced, one gone is withdrawn."""
    dogs = (
        "10.8.0.0/24 next-hop 192.0.2.8 watchdog dog",
        "10.9.0.0/24 next-hop 192.0.2.9",
        "10.8.1.0/24 next-hop 192.0.2.8 watchdog dog withdraw",
    )
    rig = Rig(neighbor(*dogs))
    rig.up()
    rig.routes.watchdog("dog", False)
    rig.sent()
    assert rig.routes.reload(neighbor(*dogs)) is True
    assert rig.sent() == [announce("10.8.0.0/24")]  # the configured route is cached again
    rig.routes.watchdog("dog", True)
    assert rig.sent() == [announce("10.8.1.0/24")]
    assert rig.routes.reload(neighbor(*dogs[:2], "10.8.2.0/24 next-hop 192.0.2.8 watchdog dog withdraw")) is True
    assert rig.sent() == [withdraw("10.8.1.0/24"), announce("10.8.2.0/24")]
    # the route no longer configured stays in its watchdog, moved by it as before
    rig.routes.watchdog("dog", False)
    assert rig.sent() == [withdraw("10.8.0.0/24"), withdraw("10.8.1.0/24")]
    rig.routes.watchdog("dog", True)
    assert rig.sent() == [announce("10.8.0.0/24"), announce("10.8.1.0/24")]


def test_reload_while_down_waits_for_the_next_session():
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9"))
    rig.up()
    rig.down()
    assert rig.routes.reload(neighbor("10.9.1.0/24 next-hop 192.0.2.9")) is False
    assert rig.up() == [announce("10.9.1.0/24")]


def test_reconfigure_leaves_the_nlri_gone_out_of_the_next_session():
    """Scenario "reload-changed-watchdogs": the next session sends the cache without the NLRI gone, and its
    withdrawal only once a batch has gone out."""
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9", "10.9.1.0/24 next-hop 192.0.2.9"))
    rig.up()
    rig.command("announce route 10.9.1.0/24 next-hop 192.0.2.1 med 2")
    rig.sent()
    rig.routes.reconfigure(neighbor("10.9.0.0/24 next-hop 192.0.2.9"))
    rig.down()
    rig.first = True  # a reconfigured peer comes back as a restart
    assert rig.up() == [announce("10.9.0.0/24")]


def test_a_closed_session_queues_changes_and_stays_shown_until_its_connection_goes():
    """Between the session closing and its connection going, helpers' changes wait for the next session and
    ``show adj-rib out`` still lists the closed session's routes."""
    rig = Rig(neighbor("10.9.0.0/24 next-hop 192.0.2.9"))
    rig.up()
    rig.routes.down()
    assert rig.command("announce route 10.0.1.0/24 next-hop 192.0.2.1") is False
    assert rig.routes.pending() is False
    assert [route.nlri.prefix() for route in rig.routes.rib.routes()] == ["10.9.0.0/24"]
    rig.routes.detached()
    assert rig.routes.rib is None
    # the queue's bucket first (no connection ended since: it is kept), then the cache on top
    assert rig.up() == [announce("10.0.1.0/24"), announce("10.9.0.0/24")]
