"""The wire comparison (`qa.differential.wire`): ExaBGP 5.0.15 and our daemon on the same helper commands.

Each scenario runs both daemons, each against a recording peer, and compares
the UPDATEs they send, group of commands by group (the expected output is
what 5.0.15 sends in the same run).  A divergence that
`qa.differential.known` does not explain fails the test, with both sides
decoded.  The hand-written scenarios are the known cases of issue 8 and each
divergence fixed since (regressions); the random ones are a CI-sized run of
the generator, seed fixed (``python -m qa.differential.wire --seed N --count
N`` runs more, ``--scenario random-SEED-INDEX`` replays one).
"""

import asyncio
import socket

import pytest

from qa import oracle
from qa.differential import known, wire
from qa.peer import NOTIFICATION, OPEN, Options, message
from qa.recorder import Recorder

pytestmark = pytest.mark.slow  # runs our daemon and 5.0.15 side by side

#: the CI run of random scenarios: about a minute on two cores
SEED = 8
COUNT = 50
JOBS = 2


def _check(result):
    failures = [wire.report(divergence) for divergence in result.divergences]
    assert not failures, "\n\n".join(failures) + "\n" + result.counts()


@pytest.fixture(scope="module")
def oracle_program():
    return oracle.require_oracle()


@pytest.mark.parametrize("name", sorted(wire.HANDWRITTEN))
def test_handwritten_scenario(oracle_program, name):
    scenario = wire.HANDWRITTEN[name]
    result = asyncio.run(wire.run_scenario(scenario))
    _check(result)
    assert result.messages > 0


def test_random_scenarios(oracle_program):
    result = asyncio.run(wire.run_all(wire.select(SEED, COUNT, "random"), JOBS))
    _check(result)
    assert result.scenarios == COUNT and result.messages > COUNT


def test_random_scenarios_are_replayed_by_their_seed():
    first, again = wire.random_scenario(SEED, 3), wire.select(0, 0, f"random-{SEED}-3")[0]
    assert first == again and first != wire.random_scenario(SEED + 1, 3)
    assert all(group == (wire.RESET,) or group for group in first.groups)


def test_known_first_batch_entry_is_narrow():
    """It explains ours = theirs + withdrawals of NLRI the chunk announced first, and nothing else."""
    scenario = wire.HANDWRITTEN["first-batch-announce-withdraw-other-attributes"]
    announce = bytes.fromhex(
        "ffffffffffffffffffffffffffffffff0031020000001540010100400200400304c000020140050400000064180a0001"
    )
    withdraw = bytes.fromhex("ffffffffffffffffffffffffffffffff001b020004180a00010000")
    other = bytes.fromhex("ffffffffffffffffffffffffffffffff001b020004180a00020000")

    def chunk(*messages):
        return wire.Chunk(scenario, "group 1", (), ("done",), messages)

    def explained(ours, theirs):
        return known.explain("wire", None, ours, theirs)

    assert explained(chunk(announce, withdraw), chunk(announce)) == "first-batch-withdrawal-after-announce"
    assert explained(chunk(announce, other), chunk(announce)) is None  # an NLRI not announced before
    assert explained(chunk(withdraw, announce), chunk(announce)) is None  # withdrawn before the announce
    assert explained(chunk(announce), chunk(announce, withdraw)) is None  # the other way round
    assert explained(chunk(announce, withdraw), chunk()) is None
    # grouped: the withdrawn NLRI is one of several announced together
    both = bytes.fromhex(
        "ffffffffffffffffffffffffffffffff0035020000001540010100400200400304c000020140050400000064180a0001180a0002"
    )
    assert explained(chunk(both, withdraw), chunk(both)) == "first-batch-withdrawal-after-announce"


def test_recorder_mirrors_another_asn_and_resets():
    """The recorder's OPEN carries `options.asn` (RFC 6793: AS_TRANS and the 4-octet AS capability) and
    `reset()` ends the session with a Cease / Administrative Reset (RFC 4486)."""
    capabilities = bytes.fromhex("020641040000fde8")  # 4-octet AS 65000
    open_body = bytes.fromhex("04fde800b40a000001") + bytes([len(capabilities)]) + capabilities
    recorder = Recorder(options=Options(asn=4200000001)).start()
    try:
        with socket.create_connection(("127.0.0.1", recorder.port), timeout=5) as sock:
            sock.sendall(message(OPEN, open_body))
            answer = b""
            while len(answer) < 19 + len(open_body):
                answer += sock.recv(4096)
            recorder.wait(lambda connections: connections and connections[0].messages)
            recorder.reset()
            rest = b""
            while chunk := sock.recv(4096):
                rest += chunk
        recorder.wait(lambda connections: connections[0].end is not None)
    finally:
        recorder.stop()
    mirrored = answer[19 : 19 + len(open_body)]
    assert mirrored[1:3] == (23456).to_bytes(2, "big") and mirrored.endswith((4200000001).to_bytes(4, "big"))
    assert rest.endswith(message(NOTIFICATION, bytes([6, 4])))
    assert recorder.connections[0].end == "peer"


def test_recorder_holds_the_open_until_established():
    """With ``answer="hold"`` the recorder records the OPEN and answers nothing (the daemon waits in OpenSent,
    its session down) until `answer` is set to ``"establish"``: then the mirrored OPEN and a KEEPALIVE."""
    capabilities = bytes.fromhex("020641040000fde8")
    open_body = bytes.fromhex("04fde800b40a000001") + bytes([len(capabilities)]) + capabilities
    recorder = Recorder(answer="hold").start()
    try:
        with socket.create_connection(("127.0.0.1", recorder.port), timeout=5) as sock:
            sock.sendall(message(OPEN, open_body))
            recorder.wait(lambda connections: connections and connections[0].messages)
            sock.settimeout(0.6)
            with pytest.raises(socket.timeout):
                sock.recv(4096)
            recorder.answer = "establish"
            sock.settimeout(5)
            answer = b""
            while len(answer) < 19 + len(open_body) + 19:
                answer += sock.recv(4096)
    finally:
        recorder.stop()
    assert answer[18] == OPEN and answer.endswith(message(4))


def test_random_scenarios_may_go_down_and_up():
    """The generator draws stretches of commands while the session is down: each ``down`` has an ``up`` after
    it, with command groups between them (no End-of-RIB nor teardown: nothing to send them on); clear, flush
    and watchdogs (of the watchdog routes the scenario configures) are among them."""
    scenarios = [wire.random_scenario(seed, index) for seed in (SEED, SEED + 1) for index in range(100)]
    downs = [scenario for scenario in scenarios if (wire.DOWN,) in scenario.groups]
    assert downs and len(downs) < len(scenarios)
    drawn = set()
    for scenario in downs:
        at = scenario.groups.index((wire.DOWN,))
        end = scenario.groups.index((wire.UP,))
        assert end > at + 1
        lines = [line for group in scenario.groups[at + 1 : end] for line in group]
        assert not any("eor" in line or "teardown" in line for line in lines)
        drawn.update(word for line in lines for word in ("clear", "flush", "watchdog") if word in line)
        for line in lines:
            if line.split()[1] == "watchdog":
                assert any(f"watchdog {line.split()[-1]}" in route for route in scenario.static)
    assert drawn == {"clear", "flush", "watchdog"}


def test_random_scenarios_draw_api_watchdogs_and_reloads():
    """The generator draws helpers' routes with ``watchdog NAME [withdraw]``, watchdog commands with configured
    watchdog routes, helpers' announces of their NLRI, and reloads: only while the session is up, each
    configuration without two routes of one NLRI; a scenario without these draws is the one the seed gave
    before (their generators are their own)."""
    scenarios = [wire.random_scenario(seed, index) for seed in (SEED, SEED + 1) for index in range(100)]
    lines = [
        (scenario, line)
        for scenario in scenarios
        for group in scenario.groups
        if group not in wire.CONTROL and not wire.is_reload(group)
        for line in group
    ]
    assert any(" route " in line and " watchdog dog withdraw" in line for _scenario, line in lines)
    assert any(line.startswith("announce watchdog") for _scenario, line in lines)
    dogs = {route.split()[0] for scenario in scenarios for route in scenario.static if " watchdog " in route}
    assert any(line.startswith("announce route ") and line.split()[2] in dogs for _scenario, line in lines)
    reloads = [
        (scenario, at) for scenario in scenarios for at, group in enumerate(scenario.groups) if wire.is_reload(group)
    ]
    assert {scenario.groups[at][0] for scenario, at in reloads} == {wire.RELOAD, wire.RELOAD_CHANGED}
    for scenario, at in reloads:
        assert at in wire._up_positions(list(scenario.groups[:at]))
        routes = [line.split()[0] for line in scenario.groups[at][1:]]
        assert len(routes) == len(set(routes))
    assert len(reloads) < len(scenarios)


def test_configuration_after_reloads():
    """The configuration a reload group loads: its routes, and 10 seconds less hold time for each neighbor
    change (``reload-changed``) so far; before any reload, the scenario's static routes and no hold time."""
    scenario = wire.HANDWRITTEN["reload-changed-watchdogs"]
    first, second, third = (scenario.configuration("helper", reloads) for reloads in (0, 1, 2))
    assert "hold-time" not in first and "route 10.8.1.0/24 next-hop 192.0.2.8 watchdog dog withdraw;" in first
    assert "hold-time 170;" in second and "10.8.1.0/24" not in second and "route 10.8.2.0/24" in second
    assert "hold-time 160;" in third and "10.8.2.0/24" not in third and "route 10.8.1.0/24" in third
    assert scenario.commands == 4 and scenario.marked()[1] == [] and scenario.marked()[2][-1] == wire.MARKER
    kept = wire.HANDWRITTEN["reload-kept-watchdogs"]
    assert "hold-time" not in kept.configuration("helper", 2) and kept.marked()[1] == [wire.MARKER]


def test_random_scenarios_draw_the_flat_vpn_forms():
    """The flat ``ipv4|ipv6 mpls-vpn`` / ``ipv4 flow-vpn`` forms (known entry ``flat-vpn-forms``) are drawn, on
    route distinguisher 65000:7, never with the family's unicast (5.0.15 would then take it as unicast)."""
    flat = [
        (scenario, line)
        for index in range(200)
        for scenario in [wire.random_scenario(SEED, index)]
        for group in scenario.groups
        for line in group
        if "mpls-vpn 10.7." in line or "flow-vpn rd" in line or "mpls-vpn 2001:db8:7:" in line
    ]
    assert {line.split()[2] for _scenario, line in flat} == {"mpls-vpn", "flow-vpn"}
    for scenario, line in flat:
        assert "rd 65000:7" in line
        assert line.split()[1] + " unicast" not in scenario.families or "flow-vpn" in line


def test_known_answered_when_read_is_narrow():
    scenario = wire.HANDWRITTEN["reset-replays"]
    teardown = ("withdraw route 10.0.1.0/24 next-hop 192.0.2.1 med 7", "neighbor 127.0.0.1 teardown 2")

    def chunk(commands, acks, *messages):
        return wire.Chunk(scenario, "group 1", commands, acks, messages)

    cease = bytes.fromhex("ffffffffffffffffffffffffffffffff0017030602")
    explained = known.explain(
        "wire", None, chunk(teardown, ("error", "done"), cease), chunk(teardown, ("done", "error"), cease)
    )
    assert explained == "answered-when-read"
    flush = ("announce route 10.0.1.0/24 next-hop 192.0.2.1", "flush adj-rib out")
    assert (
        known.explain("wire", None, chunk(flush, ("done", "error")), chunk(flush, ("error", "done")))
        == "answered-when-read"
    )
    assert (
        known.explain("wire", None, chunk(flush[:1] * 2, ("done", "error")), chunk(flush[:1] * 2, ("error", "done")))
        is None
    )  # no flush
    assert (
        known.explain("wire", None, chunk(flush, ("done", "error")), chunk(flush, ("error", "done"), cease)) is None
    )  # other messages
    assert (
        known.explain(
            "wire",
            None,
            chunk(teardown[:1] * 2, ("error", "done"), cease),
            chunk(teardown[:1] * 2, ("done", "error"), cease),
        )
        is None
    )  # no teardown
    assert (
        known.explain("wire", None, chunk(teardown, ("error", "done")), chunk(teardown, ("done", "error"), cease))
        is None
    )  # other messages
    assert (
        known.explain("wire", None, chunk(teardown, ("done", "done"), cease), chunk(teardown, ("done", "error"), cease))
        is None
    )  # other answers


def test_known_flat_vpn_forms_is_narrow():
    """It explains ours = theirs + UPDATEs of the flat forms' NLRI (route distinguisher 65000:7), and ``done``
    where 5.0.15 answered the flat flow-vpn ``error``; nothing else."""
    from qa.wire import mp_body

    scenario = wire.Scenario(
        "flat", ("ipv4 mpls-vpn",), (("announce ipv4 flow-vpn rd 65000:7 destination 10.7.1.0/24 discard",),)
    )
    commands = scenario.groups[0]

    def update(rd):
        nlri = bytes([112]) + bytes.fromhex("000641") + rd + bytes([10, 7, 1])
        return message(
            2, mp_body(bytes.fromhex("4001010040020040050400000064"), 1, 128, nlri, bytes(8) + bytes([192, 0, 2, 7]))
        )

    def chunk(acks, *messages):
        return wire.Chunk(scenario, "group 1", commands, acks, messages)

    flat, other = update(bytes.fromhex("0000fde800000007")), update(bytes.fromhex("0000fde800000001"))
    case = wire.Divergence(scenario, "group 1", None, None)
    assert known.explain("wire", case, chunk(("done", "done"), flat), chunk(("error", "done"))) == "flat-vpn-forms"
    assert known.explain("wire", case, chunk(("done", "done"), other), chunk(("error", "done"))) is None
    assert known.explain("wire", case, chunk(("done", "error"), flat), chunk(("error", "done"))) is None
    plain = wire.Scenario(
        "plain", ("ipv4 mpls-vpn",), (("announce route 10.7.1.0/24 next-hop 192.0.2.7 label 100 rd 65000:7",),)
    )
    assert (
        known.explain(
            "wire",
            wire.Divergence(plain, "group 1", None, None),
            chunk(("done", "done"), flat),
            chunk(("done", "done")),
        )
        is None
    )


def test_known_reload_batches_is_narrow():
    """It explains, in a group ``reload`` only, the same route changes split or repeated otherwise (5.0.15's
    race: the new routes in one batch or announced twice over two); not another route, other attributes,
    another last change of an NLRI, nor other answers."""
    scenario = wire.HANDWRITTEN["reload-kept-watchdogs"]
    head = "ffffffffffffffffffffffffffffffff"
    attributes = "40010100400200400304c000020840050400000064"

    def announce(*prefixes, med=""):
        path = attributes + (f"800404{med}" if med else "")
        nlri = "".join(f"180a08{last:02x}" for last in prefixes)
        body = "0000" + f"{len(path) // 2:04x}" + path + nlri
        return bytes.fromhex(head + f"{19 + len(body) // 2:04x}" + "02" + body)

    def withdraw(last):
        body = "0004" + f"180a08{last:02x}" + "0000"
        return bytes.fromhex(head + f"{19 + len(body) // 2:04x}" + "02" + body)

    def chunk(*messages, commands=scenario.groups[3], acks=("done", "done")):
        return wire.Chunk(scenario, "group 4", commands, acks, messages)

    def explained(ours, theirs):
        return known.explain("wire", wire.Divergence(scenario, "group 4", ours, theirs), ours, theirs)

    ours = chunk(withdraw(1), announce(2, 5))
    assert explained(ours, chunk(announce(5), withdraw(1), announce(2, 5))) == "reload-batches"
    assert explained(ours, chunk(withdraw(1), announce(2), announce(5))) == "reload-batches"
    assert explained(ours, chunk(announce(5), withdraw(1), announce(2))) == "reload-batches"
    assert explained(ours, chunk(withdraw(1), announce(2, 5), announce(6))) is None  # another route
    assert explained(ours, chunk(withdraw(1), announce(2, 5, med="00000009"))) is None  # other attributes
    assert explained(ours, chunk(announce(2, 5), withdraw(1), withdraw(5))) is None  # another last change
    assert explained(ours, chunk(announce(5), withdraw(1), announce(2, 5), acks=("done", "error"))) is None
    other = chunk(announce(5), withdraw(1), announce(2, 5), commands=("flush adj-rib out",))
    assert explained(chunk(withdraw(1), announce(2, 5), commands=("flush adj-rib out",)), other) is None
