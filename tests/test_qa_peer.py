"""The functional test tooling in qa/: the .msg parser, the matching state machine, the OPEN
mirror, the runner's discovery, and end to end runs against scripted fake daemons.

The fake daemons are real subprocesses (FAKE_DAEMON below, plain sockets) started by the
runner exactly as it starts a real daemon: they connect to the peer's port taken from
`exabgp_tcp_port`, send an OPEN, then follow a plan (send messages, wait for a signal,
wait for the peer to close, connect again).  The messages they send are built here field
by field from RFC 4271 / RFC 1997, independently of the scenarios' .msg files, so a
correct daemon passes the project's scenario and a daemon with one wrong field fails it.
"""

import asyncio
import importlib
import json
import os
import signal
import socket
import struct
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QA = os.path.join(ROOT, "qa")

peer = importlib.import_module("qa.peer")
runner = importlib.import_module("qa.runner")

MARKER = b"\xff" * 16
KEEPALIVE = MARKER + b"\x00\x13\x04"
EOR_IPV4 = MARKER + b"\x00\x17\x02" + b"\x00\x00\x00\x00"


def bgp(kind, body):
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def attribute(flags, code, value):
    return bytes([flags, code, len(value)]) + value


def scenario_update(med=50):
    """qa/scenarios/ipv4-med-communities: 198.51.100.0/24 with MED, LOCAL_PREF and two communities."""
    attributes = (
        attribute(0x40, 1, b"\x00")  # ORIGIN IGP
        + attribute(0x40, 2, b"")  # AS_PATH, empty (iBGP)
        + attribute(0x40, 3, socket.inet_aton("192.0.2.254"))  # NEXT_HOP
        + attribute(0x80, 4, struct.pack("!I", med))  # MULTI_EXIT_DISC
        + attribute(0x40, 5, struct.pack("!I", 120))  # LOCAL_PREF
        + attribute(0xC0, 8, struct.pack("!HHHH", 64512, 1, 64512, 2))
    )  # COMMUNITIES (RFC 1997)
    nlri = bytes([24]) + socket.inet_aton("198.51.100.0")[:3]
    return bgp(2, struct.pack("!HH", 0, len(attributes)) + attributes + nlri)


def open_body(asn=64512, identifier="192.0.2.1", extended=False):
    capabilities = [bytes([1, 4, 0, 1, 0, 1]), bytes([65, 4]) + struct.pack("!I", asn)]
    if extended:  # RFC 9072
        parameters = b"".join(bytes([2]) + struct.pack("!H", len(c)) + c for c in capabilities)
        optional = bytes([255, 255]) + struct.pack("!H", len(parameters)) + parameters
    else:
        parameters = b"".join(bytes([2, len(c)]) + c for c in capabilities)
        optional = bytes([len(parameters)]) + parameters
    return struct.pack("!BHH", 4, 23456 if asn > 65535 else asn, 180) + socket.inet_aton(identifier) + optional


def hexa(data):
    return data.hex().upper()


# -- the .msg parser ----------------------------------------------------------------------------


def test_groups_are_ordered_by_letter_then_number():
    script = peer.parse_script("10:raw:AA\n9:raw:BB\nB1:raw:CC\nA2:raw:DD\n1:raw:EE\na3:raw:FF\n")
    assert [[rule.value for rule in group] for group in script.groups] == [
        ["EE"],
        ["DD"],
        ["FF"],
        ["BB"],
        ["AA"],
        ["CC"],
    ]
    assert [group[0].step for group in script.groups] == ["A1", "A2", "A3", "A9", "A10", "B1"]
    assert script.connections == 2


def test_rules_sharing_a_step_form_one_group_in_file_order():
    script = peer.parse_script("1:raw:01\n2:raw:02\n1:raw:03\n2:signal:USR1\n")
    assert [[(rule.kind, rule.value) for rule in group] for group in script.groups] == [
        [("raw", "01"), ("raw", "03")],
        [("raw", "02"), ("signal", "USR1")],
    ]
    assert script.groups[0][1].line == 3


def test_raw_hex_is_normalised_and_comments_and_blank_lines_are_ignored():
    text = "\n# a comment\n  1:raw:ffff:00 1a : 02\t:ab  \n1:raw:AA # trailing comment hides the line\n"
    script = peer.parse_script(text)
    assert [rule.value for group in script.groups for rule in group] == ["FFFF001A02AB"]


def test_options():
    script = peer.parse_script(
        "option:bind:ipv6\noption:asn:65000\noption:open:send-unknown-capability\n"
        "option:open:inspect-open-message\noption:open:send-unknown-message\n"
        "option:update:send-default-route\noption:tcp_connections:3\n1:raw:00\n"
    )
    assert script.options == peer.Options(True, 65000, True, True, True, True, 3)
    assert script.connections == 3
    assert peer.parse_script("1:raw:00").options == peer.Options()
    assert peer.parse_script("1:raw:00").connections == 1
    assert peer.parse_script("").connections == 1


def test_notification_text_keeps_colons_and_other_tools_lines_are_dropped():
    script = peer.parse_script('1:notification:bye: see you\n1:json:{"a": 1}\n2:cmd:announce route\n')
    assert [(rule.kind, rule.value) for group in script.groups for rule in group] == [("notification", "bye: see you")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("option:bind:ipv4", "unknown option"),
        ("option:asn:0", "ASN out of range"),
        ("option:asn:many", "unknown option"),
        ("1:raw:ABC", "not hexadecimal"),
        ("1:raw:XY", "not hexadecimal"),
        ("1:raw:", "not hexadecimal"),
        ("1A:raw:00", "bad step"),
        ("AB1:raw:00", "bad step"),
        ("1:rew:00", "unknown rule kind"),
        ("1:signal:NOPE", "unknown signal"),
        ("just text", "expected STEP:KIND:VALUE"),
    ],
)
def test_malformed_lines(text, message):
    with pytest.raises(peer.ScriptError, match=message):
        peer.parse_script("1:raw:00\n" + text)


def test_the_project_scenarios_parse():
    names = [name for name in os.listdir(os.path.join(QA, "scenarios")) if name.endswith(".msg")]
    assert len(names) >= 3
    for name in names:
        with open(os.path.join(QA, "scenarios", name), encoding="utf-8") as handle:
            assert peer.parse_script(handle.read()).groups, name


def test_the_reference_encoding_tests_parse(reference):
    directory = os.path.join(reference, "encoding")
    names = sorted(name for name in os.listdir(directory) if name.endswith(".msg"))
    assert len(names) == 36
    for name in names:
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            script = peer.parse_script(handle.read())
        assert all(rule.kind == "raw" for group in script.groups for rule in group), name
    with open(os.path.join(directory, "conf-ebgp.msg"), encoding="utf-8") as handle:
        assert peer.parse_script(handle.read()).options.asn == 65000


# -- matching -----------------------------------------------------------------------------------


def checker(text):
    return peer.Checker(peer.parse_script(text))


def test_groups_in_order_messages_in_any_order_within_a_group():
    first, second, third = (bgp(2, bytes([0, 0, 0, 0, n])) for n in (1, 2, 3))
    state = checker(f"1:raw:{hexa(first)}\n1:raw:{hexa(second)}\n2:raw:{hexa(third)}\n")
    assert state.receive(second) == "matched"
    with pytest.raises(peer.Mismatch) as failure:
        state.receive(third)  # group 2 before group 1 is complete
    assert failure.value.step == "A1"
    assert [rule.value for rule in failure.value.expected] == [hexa(first)]
    assert state.receive(first) == "matched"
    assert not state.done
    assert state.receive(third) == "matched"
    assert state.done and state.matched == 3


def test_a_message_matches_once():
    update = bgp(2, b"\x00\x00\x00\x00\x01")
    state = checker(f"1:raw:{hexa(update)}\n2:raw:{hexa(EOR_IPV4)}\n")
    state.receive(update)
    with pytest.raises(peer.Mismatch):
        state.receive(update)


def test_keepalives_are_ignored_and_end_of_rib_is_tolerated_only_at_the_end():
    update = bgp(2, b"\x00\x00\x00\x00\x01")
    state = checker(f"1:raw:{hexa(update)}\n")
    assert state.receive(KEEPALIVE) == "keepalive"
    with pytest.raises(peer.Mismatch):
        state.receive(EOR_IPV4)  # still expecting the route
    state.receive(update)
    assert state.receive(KEEPALIVE) == "keepalive"
    assert state.receive(EOR_IPV4) == "end-of-rib"
    assert state.receive(bgp(2, bytes.fromhex("00000007900F0003000201"))) == "end-of-rib"
    with pytest.raises(peer.Mismatch, match="extra UPDATE"):
        state.receive(update)
    with pytest.raises(peer.Mismatch, match="extra NOTIFICATION"):
        state.receive(bgp(3, b"\x06\x02"))


def test_a_rule_without_marker_is_compared_without_it():
    update = bgp(2, b"\x00\x00\x00\x00\x01")
    state = checker(f"1:raw:{hexa(update)[32:]}\n")
    assert state.receive(update) == "matched"


def test_updates_seen_are_remembered_for_route_refresh_but_not_end_of_rib():
    update = bgp(2, b"\x00\x00\x00\x00\x01")
    state = checker(f"1:raw:{hexa(update)}\n1:raw:{hexa(EOR_IPV4)}\n")
    state.receive(EOR_IPV4)
    state.receive(update)
    assert state.updates == [update]


def test_actions_are_taken_when_their_group_is_reached():
    update = bgp(2, b"\x00\x00\x00\x00\x01")
    state = checker(f"1:signal:USR1\n1:raw:{hexa(update)}\n2:notification:bye\n3:signal:USR2\n4:raw:{hexa(EOR_IPV4)}\n")
    assert [rule.value for rule in state.take_actions()] == ["USR1"]
    assert state.take_actions() == []
    state.receive(update)
    actions = state.take_actions()
    assert [rule.value for rule in actions] == ["bye", "USR2"]
    state.defer(actions[:1])
    assert not state.done
    assert [rule.value for rule in state.take_actions()] == ["bye"]
    state.receive(EOR_IPV4)
    assert state.done


def test_end_of_rib_recognition():
    assert peer.is_end_of_rib(b"\x00\x00\x00\x00")
    assert peer.is_end_of_rib(bytes.fromhex("00000007900F0003000201"))  # extended length
    assert peer.is_end_of_rib(bytes.fromhex("00000006800F03000201"))
    assert not peer.is_end_of_rib(bytes.fromhex("00000008800F050002011800"))  # withdraws a prefix
    assert not peer.is_end_of_rib(bytes.fromhex("00000006800E03000201"))  # MP_REACH
    assert not peer.is_end_of_rib(bytes.fromhex("0000000440010100"))
    assert not peer.is_end_of_rib(bytes.fromhex("000418C633640000"))


def test_mismatch_report_shows_both_sides_the_first_difference_and_decoded_forms():
    expected, received = scenario_update(50), scenario_update(51)
    state = checker(f"# the route\n1:raw:{hexa(expected)}\n")
    with pytest.raises(peer.Mismatch) as failure:
        state.receive(received)
    report = failure.value.report({hexa(received): "DECODED-RECEIVED", hexa(expected): "DECODED-EXPECTED"})
    offset = next(i for i, (a, b) in enumerate(zip(expected, received, strict=False)) if a != b)
    assert f"received : {peer.spaced(hexa(received))}" in report
    assert f"expected : {peer.spaced(hexa(expected))}   (.msg line 2)" in report
    assert f"closest (.msg line 2), octets differing: @{offset} -32 +33" in report
    assert "DECODED-RECEIVED" in report and "DECODED-EXPECTED" in report


# -- the OPEN mirror ----------------------------------------------------------------------------


def test_octet_diff_shows_each_differing_region():
    wanted, received = bytes.fromhex("0011223344556677"), bytes.fromhex("00AA2233445566")
    assert peer.octet_diff(wanted, received) == "@1 -11 +AA @7 -77 +"
    assert peer.octet_diff(wanted, wanted) == "identical"
    assert peer.octet_diff(b"\x00" * 20, b"\x01\x00" * 10, limit=2).endswith("more")


def test_mirror_open_adds_one_to_the_identifier_and_keeps_the_rest():
    body = open_body()
    mirrored = peer.mirror_open(body, peer.Options())
    assert mirrored == body[:5] + socket.inet_aton("192.0.2.2") + body[9:]
    assert peer.mirror_open(open_body(identifier="10.0.0.255"), peer.Options())[5:9] == socket.inet_aton("10.0.1.0")


def test_mirror_open_with_an_asn_rewrites_the_field_and_the_four_octet_capability():
    mirrored = peer.mirror_open(open_body(), peer.Options(asn=65000))
    assert mirrored == open_body(65000, "192.0.2.2")
    large = peer.mirror_open(open_body(), peer.Options(asn=4200000000))
    assert large[1:3] == struct.pack("!H", 23456) and struct.pack("!I", 4200000000) in large


def test_mirror_open_keeps_extended_parameters_and_adds_the_unknown_capability():
    mirrored = peer.mirror_open(open_body(extended=True), peer.Options(send_unknown_capability=True))
    parameters, extended = peer.split_parameters(mirrored[9:])
    assert extended
    assert parameters[-1] == (2, bytes([66, len(peer.UNKNOWN_CAPABILITY_VALUE)]) + peer.UNKNOWN_CAPABILITY_VALUE)
    assert len(parameters) == 3


@pytest.mark.parametrize("body", [b"\x04\x00", open_body()[:-1], open_body()[:9] + b"\x04\x02\x05\x01\x04"])
def test_mirror_open_rejects_malformed_opens(body):
    with pytest.raises(ValueError):
        peer.mirror_open(body, peer.Options(asn=1))


# -- the runner's discovery ---------------------------------------------------------------------


def test_discover_select_and_missing_helpers(tmp_path):
    (tmp_path / "one.ci").write_text("one.conf\n")
    (tmp_path / "one.msg").write_text("1:raw:00\n")
    (tmp_path / "two.ci").write_text("two-a.conf two-b.conf\n")
    (tmp_path / "two.msg").write_text("1:raw:00\n")
    (tmp_path / "one.conf").write_text("process helper {\n\trun ./run/missing.run;\n\tencoder text;\n}\n")
    tests = runner.discover(str(tmp_path / "absent"), str(tmp_path))
    assert [test.name for test in tests] == ["scenarios/one", "scenarios/two"]
    assert tests[1].configurations == [str(tmp_path / "two-a.conf"), str(tmp_path / "two-b.conf")]
    assert [test.name for test in runner.select(tests, ["two"])] == ["scenarios/two"]
    assert [test.name for test in runner.select(tests, ["*/o*"])] == ["scenarios/one"]
    assert runner.select(tests, ["three"]) == []
    assert runner.helper_notes(tests[0].configurations) == [
        "one.conf runs helper './run/missing.run', which is missing"
    ]
    result = asyncio.run(runner.run_test(tests[1], "true", runner.Ports(0), 5))
    assert (result.status, result.reason) == ("error", "configuration not found: two-a.conf, two-b.conf")


# -- end to end: the runner, the peer and fake daemons ------------------------------------------

FAKE_DAEMON = r"""
import os, signal, socket, struct, sys, time

MARKER = b"\xff" * 16
port = int(os.environ["exabgp_tcp_port"])
plan = sys.argv[1].split(",") if sys.argv[1] else []
signalled = []
signal.signal(signal.SIGUSR1, lambda *_: signalled.append(True))


def read(sock):
    data = b""
    while len(data) < 19:
        chunk = sock.recv(19 - len(data))
        if not chunk:
            return None
        data += chunk
    length = struct.unpack("!H", data[16:18])[0]
    while len(data) < length:
        chunk = sock.recv(length - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def connect():
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    capabilities = bytes([2, 6, 1, 4, 0, 1, 0, 1, 2, 6, 65, 4]) + struct.pack("!I", 64512)
    body = struct.pack("!BHH", 4, 64512, 180) + socket.inet_aton("192.0.2.1") + bytes([len(capabilities)]) + capabilities
    sock.sendall(MARKER + struct.pack("!HB", 19 + len(body), 1) + body)
    answer = read(sock)
    print("peer OPEN", answer.hex().upper(), flush=True)
    print("peer KEEPALIVE", read(sock).hex().upper(), flush=True)
    sock.sendall(MARKER + b"\x00\x13\x04")
    return sock


def until_closed(sock):
    while True:
        message = read(sock)
        if message is None:
            return
        if message[18] == 3:
            print("peer NOTIFICATION", message.hex().upper(), flush=True)


sock = connect()
for step in plan:
    if step.startswith("send:"):
        sock.sendall(bytes.fromhex(step[5:]))
    elif step == "wait-signal":
        while not signalled:
            time.sleep(0.01)
        print("got SIGUSR1", flush=True)
    elif step == "reconnect":
        until_closed(sock)
        sock = connect()
    elif step == "sleep":
        time.sleep(30)
    elif step == "exit":
        sys.exit(3)
until_closed(sock)
"""


@pytest.fixture
def fake_daemon(tmp_path):
    path = tmp_path / "fake_daemon.py"
    path.write_text(FAKE_DAEMON)

    def command(*steps):
        return f"{sys.executable} {path} {','.join(steps) or chr(34) * 2}"

    return command


def scenario(name):
    return next(
        test
        for test in runner.discover(os.path.join(ROOT, "absent"), os.path.join(QA, "scenarios"))
        if test.name == f"scenarios/{name}"
    )


def run(test, daemon, timeout=20):
    return asyncio.run(runner.run_test(test, daemon, runner.Ports(0), timeout, linger=0.3))


def test_a_correct_daemon_passes_the_scenario(fake_daemon):
    result = run(
        scenario("ipv4-med-communities"), fake_daemon(f"send:{hexa(scenario_update(50))}", f"send:{hexa(EOR_IPV4)}")
    )
    assert (result.status, result.reason) == ("pass", "all 2 expected messages received")
    mirrored = bgp(1, open_body(64512, "192.0.2.2"))
    assert f"peer OPEN {hexa(mirrored)}" in result.daemon_output
    assert f"peer KEEPALIVE {hexa(KEEPALIVE)}" in result.daemon_output


def test_a_daemon_sending_a_different_update_fails_with_the_diff(fake_daemon):
    result = run(
        scenario("ipv4-med-communities"), fake_daemon(f"send:{hexa(scenario_update(51))}", f"send:{hexa(EOR_IPV4)}")
    )
    assert result.status == "fail"
    assert result.reason == "received an unexpected UPDATE while waiting for group A1"
    assert f"received : {peer.spaced(hexa(scenario_update(51)))}" in result.diff
    assert f"expected : {peer.spaced(hexa(scenario_update(50)))}" in result.diff


def test_an_extra_message_after_the_last_rule_fails(fake_daemon):
    extra = bgp(2, b"\x00\x00\x00\x00" + bytes([32]) + socket.inet_aton("192.0.2.9"))
    result = run(
        scenario("ipv4-med-communities"),
        fake_daemon(f"send:{hexa(scenario_update(50))}", f"send:{hexa(EOR_IPV4)}", f"send:{hexa(extra)}"),
    )
    assert (result.status, result.reason) == ("fail", "received an extra UPDATE after every expected message")


@pytest.mark.slow
def test_a_daemon_that_exits_early_or_stays_silent_fails(fake_daemon):
    result = run(scenario("ipv4-med-communities"), fake_daemon("exit"))
    assert result.status == "fail" and result.daemon_exit == 3
    assert result.reason == "the daemon exited (code 3) while the peer waited for group A1"
    assert f"still expected (.msg line 3): {peer.spaced(hexa(scenario_update(50)))}" in result.diff
    result = run(scenario("ipv4-med-communities"), fake_daemon("sleep"), timeout=1.5)
    assert (result.status, result.reason) == ("timeout", "timeout after 1.5s while the peer waited for group A1")


@pytest.mark.slow
def test_signal_and_notification_rules_across_two_connections(fake_daemon, tmp_path):
    first, second = scenario_update(50), scenario_update(60)
    (tmp_path / "test.ci").write_text("test.conf\n")
    (tmp_path / "test.conf").write_text("# read by the fake daemon: nothing\n")
    (tmp_path / "test.msg").write_text(
        f"A1:raw:{hexa(first)}\nA2:signal:SIGUSR1\nA3:raw:{hexa(second)}\n"
        f"A4:notification:see you: later\nB1:raw:{hexa(first)}\n"
    )
    test = runner.discover(str(tmp_path / "absent"), str(tmp_path))[0]
    result = run(
        test,
        fake_daemon(f"send:{hexa(first)}", "wait-signal", f"send:{hexa(second)}", "reconnect", f"send:{hexa(first)}"),
    )
    assert (result.status, result.reason) == ("pass", "all 3 expected messages received"), result.peer_log
    text = b"see you: later"
    assert "got SIGUSR1" in result.daemon_output
    assert f"peer NOTIFICATION {hexa(bgp(3, bytes([6, 2, len(text)]) + text))}" in result.daemon_output
    assert result.daemon_output.count("peer OPEN") == 2
    # the same daemon without the reconnection: the second session never comes
    result = run(test, fake_daemon(f"send:{hexa(first)}", "wait-signal", f"send:{hexa(second)}"), timeout=3)
    assert result.status in ("fail", "timeout") and "group B1" in result.reason


def test_main_runs_selected_scenarios_and_writes_json(fake_daemon, tmp_path, capsys):
    report = tmp_path / "results.json"
    good = fake_daemon(f"send:{hexa(scenario_update(50))}", f"send:{hexa(EOR_IPV4)}")
    arguments = ["--reference", str(tmp_path / "absent"), "--port", "0", "--no-decode", "-k", "med-communities"]
    assert runner.main(arguments + ["--daemon", good, "--json", str(report)]) == 0
    document = json.loads(report.read_text())
    assert (document["passed"], document["failed"]) == (1, 0)
    assert document["results"][0]["name"] == "scenarios/ipv4-med-communities"
    bad = fake_daemon(f"send:{hexa(scenario_update(7))}")
    assert runner.main(arguments + ["--daemon", bad, "--jobs", "2"]) == 1
    assert "0 passed, 1 failed" in capsys.readouterr().out
    assert runner.main(["--reference", str(tmp_path / "absent"), "--list"]) == 0
    listed = capsys.readouterr().out.split()
    assert "scenarios/ipv6-unicast" in listed and "ipv6-unicast.conf" in listed


def test_signal_names():
    assert peer.signal_number("usr1") == signal.SIGUSR1 == peer.signal_number("SIGUSR1")
    with pytest.raises(peer.ScriptError):
        peer.signal_number("SIGNOTHING")


def test_default_route_update():
    """option:update:send-default-route: ORIGIN IGP, empty AS_PATH, NEXT_HOP 127.0.0.1, LOCAL_PREF 100, 0.0.0.0/32."""
    assert peer.default_route_update().hex().upper() == "00000015400101004002004003047F000001400504000000642000000000"
