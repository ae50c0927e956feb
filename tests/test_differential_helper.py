"""The helper comparison (`qa.differential.helper`): what helpers receive from us and from ExaBGP 5.0.15.

`test_helpers_receive_what_5_0_15_writes` is the CI-sized run: the project's
vectors, the reference's captures (when ../shared is there), a slice of a
generated full table (when ../shared/bench is there), seeded messages of
every family and the malformed cases, fed to both daemons (json and text
helpers; parsed, packets, consolidate), every line compared after masking
time, host, pid, ppid and counter.  A divergence that no entry of
`qa.differential.known` explains fails it, with the first differing line of
each.  ``python -m qa.differential.helper --seed N --count N`` runs it by
hand, larger.

The other tests pin the harness itself: the mask is that narrow, blank lines
(the text encoder's separators) are compared, the feeder's OPEN carries the
capabilities asked, and the known entries explain what they name and
nothing else.
"""

import importlib
import random

import pytest

from exabgp.bgp import capability as cap
from exabgp.bgp.open import Open

pytestmark = pytest.mark.slow  # runs our daemon and 5.0.15 side by side

oracle = importlib.import_module("qa.oracle")
helper = importlib.import_module("qa.differential.helper")
known = importlib.import_module("qa.differential.known")
updates = importlib.import_module("qa.differential.updates")

CI_SEED = 20261205
#: a line ExaBGP 5.0.15 wrote to a JSON helper (recorded), and the same with its volatile fields masked
RECORDED = (
    b'{ "exabgp": "5.0.0", "time": 1796473014.58921, "host" : "vm", "pid" : 25296, "ppid" : 25285, '
    b'"counter": 1, "type": "state", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.6" }, '
    b'"asn": { "local": 65000, "peer": 65001 }, "router-id": "10.0.0.1" , "state": "connected" } }'
)
MASKED = (
    b'{ "exabgp": "5.0.0", "time": *, "host" : *, "pid" : *, "ppid" : *, "counter": *, "type": "state", '
    b'"neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.6" }, "asn": { "local": 65000, '
    b'"peer": 65001 }, "router-id": "10.0.0.1" , "state": "connected" } }'
)


def test_helpers_receive_what_5_0_15_writes(tmp_path):
    reference = oracle.require_oracle()
    result = helper.run_all(CI_SEED, 60, 300, str(tmp_path), reference)
    report = "\n".join(str(divergence) for divergence in result.unexplained)
    assert not result.unexplained, f"{result.summary()}\n{report}"
    assert result.streams >= 50 and result.lines >= 5000, result.summary()  # it compared something


#: one neighbor, three api blocks of different forms (the third block's receive options are the case)
SEVERAL_BLOCKS = """process a {{{{ run {python} {recorder} {{directory}}/a.lines; encoder json; }}}}
process b {{{{ run {python} {recorder} {{directory}}/b.lines; encoder json; }}}}
process c {{{{ run {python} {recorder} {{directory}}/c.lines; encoder text; }}}}
neighbor 127.0.1.2 {{{{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65000; peer-as 65001; hold-time 180; passive;
    listen {{port}}; family {{{{ ipv4 unicast; }}}}
    api {{{{ processes [ a ]; receive {{{{ packets; open; keepalive; }}}} }}}}
    api {{{{ processes [ b ]; negotiated; neighbor-changes; receive {{{{ parsed; update; }}}} }}}}
    api {{{{ processes [ c ]; receive {{{{ {third} }}}} }}}}
}}}}
"""


@pytest.mark.parametrize(
    "third",
    [
        "consolidate; packets; notification;",
        "notification;",
        "parsed; notification;",
        "packets; notification; keepalive;",
    ],
)
def test_several_api_blocks_share_the_neighbor_form(tmp_path, third):
    """5.0.15 merges a neighbor's api blocks: parsed / packets / consolidate and the negotiated block are the
    neighbor's, the message kinds each block's (a packets-only helper gets consolidated lines when another
    block asks consolidate).  Both daemons on the same configuration, every line compared."""
    reference = oracle.require_oracle()
    import sys

    text = SEVERAL_BLOCKS.format(python=sys.executable, recorder=helper.HELPER_LINES, third=third)
    capabilities = helper.Capabilities(((1, 1),))
    stream = helper.Stream("several blocks", capabilities, updates.messages(random.Random(3), capabilities, 3))
    daemons = []
    try:
        for name, command in (("ours", [sys.executable, "-m", "exabgp", "server"]), ("5.0.15", [reference])):
            (tmp_path / name).mkdir()
            daemons.append(helper.Daemon(name, command, [], str(tmp_path / name), text, ("a", "b", "c")))
        for daemon in daemons:
            helper.session(daemon, stream, "127.0.1.2", 30)
        helper.settle(daemons)
        ours, theirs = (daemon.lines() for daemon in daemons)
    finally:
        for daemon in daemons:
            daemon.stop()
    for name in ("a", "b", "c"):
        assert [helper.mask(line) for line in ours[name]] == [helper.mask(line) for line in theirs[name]], name
    assert ours["a"] and ours["b"]  # it compared something


REFUSED = """process j {{{{ run {python} {recorder} {{directory}}/j.lines; encoder json; }}}}
process t {{{{ run {python} {recorder} {{directory}}/t.lines; encoder text; }}}}
neighbor 127.0.1.2 {{{{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65000; peer-as 65001; hold-time 180;
    connect {closed}; family {{{{ ipv4 unicast; }}}}
    api {{{{ processes [ j t ]; neighbor-changes; fsm; receive {{{{ parsed; update; }}}} }}}}
}}}}
"""


def test_a_refused_connection_attempt_is_told_as_5_0_15_tells_it(tmp_path):
    """An outgoing attempt to a port nobody listens on: 5.0.15 tells its helpers connected, CONNECT, down
    "closing connection", IDLE (its connect does not wait for the handshake); so do we (found by
    qa.differential.helper, whose active sessions are refused once over).  The first attempt compared."""
    import sys
    import time

    reference = oracle.require_oracle()
    text = REFUSED.format(python=sys.executable, recorder=helper.HELPER_LINES, closed=helper.free_port())
    daemons = []
    try:
        for name, command in (("ours", [sys.executable, "-m", "exabgp", "server"]), ("5.0.15", [reference])):
            (tmp_path / name).mkdir()
            daemons.append(helper.Daemon(name, command, [], str(tmp_path / name), text, ("j", "t")))
        end = time.monotonic() + 30
        while not all(any(b" down - " in line for line in daemon.lines()["t"]) for daemon in daemons):
            assert time.monotonic() < end, [daemon.lines() for daemon in daemons]
            time.sleep(0.2)
        helper.settle(daemons, quiet=0.5)
        ours, theirs = (daemon.lines() for daemon in daemons)
    finally:
        for daemon in daemons:
            daemon.stop()
    for name in ("j", "t"):
        mine = helper.first_session([helper.mask(line) for line in ours[name]])
        assert mine == helper.first_session([helper.mask(line) for line in theirs[name]]), name
    assert helper.first_session(ours["t"]) == [
        b"neighbor 127.0.1.2 connected",
        b"",
        b"neighbor 127.0.1.2 down - closing connection",
        b"",
    ]


def test_mask_is_the_envelope_volatile_fields_only():
    assert helper.mask(RECORDED) == MASKED
    text = b"neighbor 127.0.0.6 receive update announced 10.0.0.0/8 next-hop 10.0.0.1 med 1796473014"
    assert helper.mask(text) == text  # text lines carry nothing volatile
    assert helper.mask(RECORDED.replace(b'"peer": "127.0.0.6"', b'"peer": "127.0.0.7"')) != MASKED


def test_blank_lines_go_with_the_line_before():
    lines = [
        b"neighbor 127.0.1.2 connected",
        b"",
        b"neighbor 127.0.1.3 connected",
        b"",
        b"",
        b"neighbor 127.0.1.2 up",
        b"",
    ]
    assert helper.lines_of(lines, "127.0.1.2") == [b"neighbor 127.0.1.2 connected", b"", b"neighbor 127.0.1.2 up", b""]
    assert helper.lines_of(lines, "127.0.1.3") == [b"neighbor 127.0.1.3 connected", b"", b""]


def test_the_feeder_open_carries_the_capabilities_asked():
    asked = helper.Capabilities(
        ((1, 1), (2, 1), (1, 133)),
        asn4=False,
        add_path=((1, 1, 2), (2, 1, 3)),
        extended_message=True,
        extended_next_hop=((1, 1, 2),),
        operational=True,
    )
    message = Open.decode(asked.open_body())
    assert message.asn == helper.PEER_AS
    assert [(c.afi, c.safi) for c in message.capabilities_of(cap.MULTIPROTOCOL)] == [(1, 1), (2, 1), (1, 133)]
    assert not message.capabilities_of(cap.FOUR_OCTET_AS)
    [add_path] = message.capabilities_of(cap.ADD_PATH)
    assert add_path.entries == ((1, 1, 2), (2, 1, 3))
    assert message.capabilities_of(cap.EXTENDED_MESSAGE) and message.capabilities_of(cap.OPERATIONAL)
    [next_hop] = message.capabilities_of(cap.EXTENDED_NEXT_HOP)
    assert next_hop.entries == ((1, 1, 2),)
    lines = "\n".join(asked.neighbor_lines())
    assert "asn4 disable;" in lines and "add-path send/receive;" in lines and "ipv4 unicast ipv6;" in lines


def _stream(name, body, families=((1, 1),)):
    return helper.Stream(name, helper.Capabilities(families), [updates.message(2, body)])


def test_line_entries_explain_their_difference_only():
    stream = _stream("mup", updates.update(b"", b"", b""))
    case = helper.LineCase(stream, "json-parsed", 3)
    theirs = b'"endpoint_ip": "10.0.0.1""source_ip_len": 32'
    assert known.explain("helper", case, b'"endpoint_ip": "10.0.0.1", "source_ip_len": 32', theirs) == "mup-t1st-comma"
    assert known.explain("helper", case, b'"endpoint_ip": "10.0.0.2", "source_ip_len": 32', theirs) is None
    sid = b'"sid": "%s", "flags": 0, "endpoint_behavior": %d, "structure": {}'
    assert (
        known.explain("helper", case, b'"sid": "2001:db8::", "flags": 0, "endpoint_behavior": 72, "structure": {}', sid)
        == "srv6-sid-json"
    )
    assert (
        known.explain("helper", case, b'"sid": "2001:db8::", "flags": 1, "endpoint_behavior": 72, "structure": {}', sid)
        is None
    )


def test_session_entries_need_their_cause_in_the_stream():
    ours = [b"neighbor 127.0.1.2 up", b"", b"neighbor 127.0.1.2 down - notification sent (3,9)", b""]
    theirs = [b"neighbor 127.0.1.2 up", b"", b"neighbor 127.0.1.2 receive update start"]
    [(_name, _families, body)] = [case for case in updates.departure_cases() if case[0] == "ipv6 nlri ipv4 next hop"]
    cause = helper.SessionCase(_stream("cause", body, ((1, 1), (2, 1))), "text-parsed")
    other = helper.SessionCase(_stream("other", updates.update(b"", b"", b"")), "text-parsed")
    assert known.explain("helper", cause, ours, theirs) == "ipv6-nlri-ipv4-next-hop"
    assert known.explain("helper", other, ours, theirs) is None
    # not when 5.0.15 reset too, nor when something else than the refused UPDATE's raw form comes first
    assert known.explain("helper", cause, ours, theirs[:2] + [ours[2]]) is None
    assert (
        known.explain("helper", cause, ours[:2] + [b"neighbor 127.0.1.2 receive keepalive"] + ours[2:], theirs) is None
    )


def test_the_host_name_entry_needs_a_non_ascii_name():
    told = [b"neighbor 127.0.1.2 connected", b"", b"neighbor 127.0.1.2 down - ", b""]
    ours = [b"neighbor 127.0.1.2 connected", b"", b"neighbor 127.0.1.2 receive open version 4", b""]
    cases = {}
    for name in ("réseau".encode(), b"router"):
        capabilities = helper.Capabilities(((1, 1),), announced=((73, bytes((len(name),)) + name + b"\x00"),))
        cases[name] = helper.SessionCase(helper.Stream("hostname", capabilities, []), "text-parsed")
    assert known.explain("helper", cases["réseau".encode()], ours, told) == "hostname-non-ascii"
    assert known.explain("helper", cases[b"router"], ours, told) is None
    reason = told[:2] + [b"neighbor 127.0.1.2 down - closing connection"]
    assert known.explain("helper", cases["réseau".encode()], ours, reason) is None


@pytest.mark.parametrize("name", [case[0] for case in updates.departure_cases()])
def test_each_departure_case_has_its_entry(name):
    """The departure streams exist to exercise an entry: each must be one an entry names as its cause."""
    [(_name, families, body)] = [case for case in updates.departure_cases() if case[0] == name]
    stream = helper.Stream(
        name,
        helper.Capabilities(
            families, extended_next_hop=((1, 1, 2),) if "next hop" in name and families[-1] == (25, 70) else ()
        ),
        [updates.message(2, body)],
    )
    causes = [
        known._ipv6_nlri_ipv4_next_hop,
        known._refused_flow_rule,
        known._several_vpls,
        known._extended_next_hop_elsewhere,
    ]
    assert sum(cause(stream) for cause in causes) == 1


def _json_line(update: str) -> bytes:
    """A masked JSON update line of the helper comparison around the `update` object's text."""
    return helper.mask(
        (
            '{ "exabgp": "5.0.0", "time": 1.5, "host" : "h", "pid" : 1, "ppid" : 2, "counter": 3, '
            '"type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.1.2" }, '
            f'"direction": "receive", "message": {{ "update": {update} }} }} }}'
        ).encode()
    )


ORIGIN, AS_PATH, NEXT_HOP = (
    bytes.fromhex("40010100"),
    bytes.fromhex("400206020100000001"),
    bytes.fromhex("4003040a000001"),
)
ANNOUNCED = (
    '{ "attribute": { "origin": "igp"%s }, "announce": { "ipv4 unicast": { "10.0.0.1": '
    '[ { "nlri": "10.0.0.0/24" } ] } } }'
)


def test_rfc_answer_entries_explain_their_difference_only():
    """The entries of issue 9's RFC answers (missing mandatory attribute, LOCAL_PREF from an external peer, a
    discard for wrong flags said) need their cause in the stream and the line each describes."""
    nlri = bytes.fromhex("180a0000")
    missing = helper.LineCase(_stream("missing", updates.update(b"", ORIGIN + NEXT_HOP, nlri)), "json-parsed", 5)
    complete = helper.LineCase(
        _stream("complete", updates.update(b"", ORIGIN + AS_PATH + NEXT_HOP, nlri)), "json-parsed", 5
    )
    theirs = _json_line(ANNOUNCED % "")
    withdrawn = _json_line(
        '{ "attribute": { "origin": "igp", "error": "treat-as-withdraw due to missing as-path" }, '
        '"withdraw": { "ipv4 unicast": [ { "nlri": "10.0.0.0/24" } ] } }'
    )
    assert known.explain("helper", missing, withdrawn, theirs) == "missing-mandatory-attribute"
    assert known.explain("helper", complete, withdrawn, theirs) is None
    assert known.explain("helper", missing, withdrawn.replace(b"10.0.0.0/24", b"10.0.1.0/24"), theirs) is None
    assert known.explain("helper", missing, withdrawn.replace(b'"origin": "igp", ', b""), theirs) is None
    text = b"neighbor 127.0.1.2 receive update announced 10.0.0.0/24 next-hop 10.0.0.1 origin igp"
    assert (
        known.explain(
            "helper", missing, b"neighbor 127.0.1.2 receive update withdrawn 10.0.0.0/24 next-hop 10.0.0.1", text
        )
        == "missing-mandatory-attribute"
    )
    assert (
        known.explain(
            "helper", missing, b"neighbor 127.0.1.2 receive update withdrawn 10.0.0.0/25 next-hop 10.0.0.1", text
        )
        is None
    )

    flagged = updates.update(b"", ORIGIN + AS_PATH + NEXT_HOP + bytes.fromhex("4007080000000a0a000001"), nlri)
    aggregator = helper.LineCase(_stream("aggregator", flagged), "json-parsed", 5)
    said = _json_line(ANNOUNCED % ', "error": "discard"')
    assert known.explain("helper", aggregator, said, theirs) == "discard-flags-said"
    assert known.explain("helper", complete, said, theirs) is None
    assert known.explain("helper", aggregator, text + b" error discard", text) == "discard-flags-said"
    assert known.explain("helper", aggregator, text + b" error treat-as-withdraw", text) is None

    short = updates.update(b"", ORIGIN + AS_PATH + NEXT_HOP + bytes.fromhex("400503000064"), nlri)
    local_pref = helper.LineCase(_stream("local-pref", short), "json-parsed", 5)
    taken_back = _json_line(
        '{ "attribute": { "origin": "igp", "error": "treat-as-withdraw" }, '
        '"withdraw": { "ipv4 unicast": [ { "nlri": "10.0.0.0/24" } ] } }'
    )
    assert known.explain("helper", local_pref, said, taken_back) == "local-pref-external-discard"
    assert known.explain("helper", complete, said, taken_back) is None
    assert known.explain("helper", local_pref, said.replace(b"10.0.0.0/24", b"10.0.2.0/24"), taken_back) is None


def test_the_unrecognized_well_known_entry_needs_one_in_the_stream():
    ours = [b"neighbor 127.0.1.2 up", b"", b"neighbor 127.0.1.2 down - notification sent (3,2)", b""]
    theirs = [b"neighbor 127.0.1.2 up", b"", b"neighbor 127.0.1.2 receive update start"]
    nlri = bytes.fromhex("180a0000")
    cause = helper.SessionCase(
        _stream("cause", updates.update(b"", ORIGIN + AS_PATH + NEXT_HOP + bytes.fromhex("4063026162"), nlri)),
        "text-parsed",
    )
    optional = helper.SessionCase(
        _stream("optional", updates.update(b"", ORIGIN + AS_PATH + NEXT_HOP + bytes.fromhex("c063026162"), nlri)),
        "text-parsed",
    )
    assert known.explain("helper", cause, ours, theirs) == "unrecognized-well-known-3-2"
    assert known.explain("helper", optional, ours, theirs) is None
