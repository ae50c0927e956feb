"""RTC routes (RFC 4684, ipv4 rtc) through a real daemon: configured and announced from a helper to a peer, with
ADD-PATH path identifiers (RFC 7911); received from the peer and reported to helpers as ExaBGP 5.0.15 reports
them and shows them (``show adj-rib in``); a malformed one answered with NOTIFICATION 3/10, as 5.0.15 answers
it.

The lines the helpers must read, and the answers to ``show adj-rib in``, were written by a 5.0.15 daemon
(``receive { parsed; update; }``, json and text encoders) to which a peer from 127.0.0.2 sent the same
UPDATEs (without path identifiers: 5.0.15 does not offer ADD-PATH for ipv4 rtc; it prints no path
identifier, so the lines are the same with them).  5.0.15 cannot originate RTC routes: what our peer
receives is checked against RFC 4684 / RFC 7911 octets, and ``show adj-rib out`` prints them as 5.0.15
prints received ones.
"""

import json
import signal
import sys
import time

from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.rtc import RTC, build
from exabgp.session import Closed, Established, SessionSettings, UpdateReceived
from qa.daemon import Speaker, connect, finish, free_port, start, wait_until
from qa.wire import mp_body

PY = sys.executable
RELAY = """import sys, threading, time
commands, out = sys.argv[1], sys.argv[2]
def record():
    with open(out, "a") as log:
        for line in sys.stdin:
            log.write(line)
            log.flush()
threading.Thread(target=record, daemon=True).start()
seen = 0
while True:
    lines = open(commands).read().splitlines()
    for line in lines[seen:]:
        print(line, flush=True)
    seen = len(lines)
    time.sleep(0.05)
"""

#: the JSON lines 5.0.15 wrote (time, host, pid, ppid and counter taken out), then its text encoder's lines
RECEIVED_JSON = [
    '{ "exabgp": "5.0.0", "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.2" }, '
    '"asn": { "local": 65001, "peer": 65001 }, "router-id": "10.0.0.1" , "direction": "receive", "message": { '
    '"update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 rtc": { '
    '"10.0.0.1": [ { "origin": 0, "route-target": null } ] } } } } } }',
    '{ "exabgp": "5.0.0", "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.2" }, '
    '"asn": { "local": 65001, "peer": 65001 }, "router-id": "10.0.0.1" , "direction": "receive", "message": { '
    '"update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 rtc": { '
    '"10.0.0.1": [ { "origin": 65000, "route-target": "target:65000:100" }, { "origin": 65001, "route-target": '
    '"target:1.2.3.4:100" } ] } } } } } }',
    '{ "exabgp": "5.0.0", "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.2" }, '
    '"asn": { "local": 65001, "peer": 65001 }, "router-id": "10.0.0.1" , "direction": "receive", "message": { '
    '"update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "ipv4 rtc": [ { '
    '"origin": 65000, "route-target": "target:65000:100" } ] } } } } }',
]
HEAD = "neighbor 127.0.0.2 receive update"
RECEIVED_TEXT = [
    f"{HEAD} start",
    f"{HEAD} announced afi ipv4 safi rtc origin igp local-preference 100",
    f"{HEAD} end",
    "",
    f"{HEAD} start",
    f"{HEAD} announced afi ipv4 safi rtc origin igp local-preference 100",
    f"{HEAD} announced afi ipv4 safi rtc origin igp local-preference 100",
    f"{HEAD} end",
    "",
    f"{HEAD} start",
    f"{HEAD} withdrawn afi ipv4 safi rtc",
    f"{HEAD} end",
    "",
]
#: the NLRI the peer sends: the default route target; two (origin, route target); the first withdrawn
DEFAULT = RTC(3, 0, b"")
FIRST = build(65000, bytes.fromhex("0002FDE800000064"), 96, 1)
SECOND = build(65001, bytes.fromhex("0102010203040064"), 96, 2)
VOLATILE = ('"time"', '"host"', '"pid"', '"ppid"', '"counter"')
#: ORIGIN IGP, empty AS_PATH, LOCAL_PREF 100 (the attributes of the UPDATEs 5.0.15 reported)
ATTRIBUTES = bytes.fromhex("4001010040020040050400000064")
NEXTHOP = bytes((10, 0, 0, 1))


def masked(line: str) -> str:
    return ", ".join(part for part in line.split(", ") if not part.lstrip("{ ").startswith(VOLATILE))


def session_with(port: int, deadline: float = 10.0) -> Speaker:
    """The peer's session, ESTABLISHED (connecting again while the daemon refuses it: its peers are not made yet)."""
    settings = SessionSettings(
        local_address="127.0.0.2",
        peer_address="127.0.0.1",
        local_as=65001,
        peer_as=65001,
        router_id="10.0.0.2",
        families=((1, 132),),
        add_path=((1, 132, 3),),
    )
    end = time.monotonic() + deadline
    while True:
        peer = Speaker(connect(port, "127.0.0.2"), settings)
        try:
            peer.wait(lambda events: any(isinstance(e, Established) for e in events))
            return peer
        except AssertionError:
            peer.sock.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.1)  # a retry interval: the refusal is the condition, and the peers appear later


def test_rtc_routes_to_and_from_a_peer_with_add_path(tmp_path):
    commands, answers, texts = tmp_path / "commands", tmp_path / "answers", tmp_path / "texts"
    commands.write_text("")
    (tmp_path / "relay.py").write_text(RELAY)
    port = free_port()
    conf = tmp_path / "daemon.conf"
    conf.write_text(
        f"process relay {{ run {PY} {tmp_path / 'relay.py'} {commands} {answers}; encoder json; }}\n"
        f"process texter {{ run {PY} {tmp_path / 'relay.py'} {tmp_path / 'none'} {texts}; encoder text; }}\n"
        f"neighbor 127.0.0.2 {{ router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65001;\n"
        f"  passive; listen {port}; family {{ ipv4 rtc; }} capability {{ add-path send/receive; }}\n"
        f"  add-path {{ ipv4 rtc; }} api {{ processes [ relay texter ]; receive {{ parsed; update; }} }}\n"
        f"  announce {{ ipv4 {{ rtc 65000:target:65000:1 next-hop 10.0.0.1 path-information 7; }} }} }}\n"
    )
    (tmp_path / "none").write_text("")
    daemon = start(conf)
    try:
        peer = session_with(port)

        def changes(since):
            ctx = peer.session.ctx
            return [
                (action, nexthop, nlri)
                for e in peer.events[since:]
                if isinstance(e, UpdateReceived)
                for action, _family, nexthop, nlri in e.update.changes(ctx)
            ]

        # the configured route, with its path identifier
        peer.wait(lambda events: changes(0))
        assert peer.session.ctx.sends_path_id(1, 132) and peer.session.ctx.receives_path_id(1, 132)
        assert changes(0) == [("announce", "10.0.0.1", build(65000, bytes.fromhex("0002FDE800000001"), 96, 7))]

        # announced and withdrawn by a helper: path identifier 0 when none is given (RFC 7911 section 3)
        seen = len(peer.events)
        with commands.open("a") as out:
            out.write(
                "announce ipv4 rtc 65002:target:65002:200 next-hop 10.0.0.1 community 1:1\n"
                "announce ipv4 rtc wildcard next-hop self path-information 9\n"
                "announce ipv4 rtc 65003:target:65003:0/64 next-hop 10.0.0.1\n"
            )
        peer.wait(lambda events: len(changes(seen)) >= 3)
        assert sorted(changes(seen), key=repr) == sorted(
            [
                ("announce", "10.0.0.1", build(65002, bytes.fromhex("0002FDEA000000C8"), 96, 0)),
                ("announce", "127.0.0.1", RTC(9, 0, b"")),
                ("announce", "10.0.0.1", build(65003, bytes.fromhex("0002FDEB00000000"), 64, 0)),
            ],
            key=repr,
        )
        seen = len(peer.events)
        with commands.open("a") as out:
            out.write(
                "withdraw ipv4 rtc 65002:target:65002:200\nshow adj-rib out\n"
                "announce ipv4 rtc 65002:bad next-hop 10.0.0.1\n"
            )
        peer.wait(lambda events: changes(seen))
        assert [(action, nlri) for action, _, nlri in changes(seen)] == [
            ("withdraw", build(65002, bytes.fromhex("0002FDEA000000C8"), 96, 0))
        ]
        replies = wait_until(
            lambda: (lambda lines: lines if lines.count("error") else None)(answers.read_text().splitlines()),
            what="the daemon's answers",
            interval=0.05,
        )
        assert [line for line in replies if not line.startswith("{")] == [
            "done",
            "done",
            "done",
            "done",
            "127.0.0.2 ipv4 rtc rtc 65000:target:65000:1",
            "127.0.0.2 ipv4 rtc rtc wildcard",
            "127.0.0.2 ipv4 rtc rtc 65003:target:65003:0/64",
            "done",
            "error",
        ]

        # received from the peer: what the helpers are told, as 5.0.15 tells it
        before = len(answers.read_text().splitlines())
        for nlri, nexthop in (([DEFAULT], NEXTHOP), ([FIRST, SECOND], NEXTHOP), ([FIRST], None)):
            body = mp_body(ATTRIBUTES, 1, 132, nlri_module.encode(1, 132, nlri, True), nexthop)
            peer.session.send_update(body)
            peer._flush()
        lines = wait_until(
            lambda: (lambda new: new if len(new) >= 3 else None)(
                [line for line in answers.read_text().splitlines()[before:] if '"type": "update"' in line]
            ),
            what="the JSON lines",
            interval=0.05,
        )
        assert [masked(line) for line in lines] == RECEIVED_JSON
        assert all(json.loads(line) for line in lines)
        assert (
            wait_until(
                lambda: (lambda text: text if len(text) >= len(RECEIVED_TEXT) else None)(
                    texts.read_text().split("\n")[:-1]
                ),
                what="the text lines",
                interval=0.05,
            )
            == RECEIVED_TEXT
        )
        # as 5.0.15 shows them: no next hop, under no route kind, not in JSON
        with commands.open("a") as out:
            out.write("show adj-rib in\nshow adj-rib in extensive\nshow adj-rib in json\nshow adj-rib in inet\n")
        name = "neighbor 127.0.0.2 local-ip 127.0.0.1 local-as 65001 peer-as 65001 router-id 10.0.0.1 family-allowed"
        assert wait_until(
            lambda: (lambda lines: lines if lines.count("done") == 4 else None)(
                answers.read_text().splitlines()[before + 3 :]
            ),
            what="show adj-rib in",
            interval=0.05,
        ) == [
            "127.0.0.2 ipv4 rtc rtc wildcard",
            "127.0.0.2 ipv4 rtc rtc 65001:target:1.2.3.4:100",
            "done",
            f"{name} in-open ipv4 rtc rtc wildcard origin igp local-preference 100",
            f"{name} in-open ipv4 rtc rtc 65001:target:1.2.3.4:100 origin igp local-preference 100",
            "done",
            "done",
            "done",
        ]

        # a truncated NLRI: the session is reset with 3/10, as 5.0.15 resets it (RFC 7606 section 5.3)
        truncated = bytes(4) + bytes.fromhex("600000FDE80002FDE8000000")  # path identifier, 11 of 12 octets
        peer.session.send_update(mp_body(ATTRIBUTES, 1, 132, truncated, NEXTHOP))
        peer._flush()
        closed = peer.wait(lambda events: any(isinstance(e, Closed) for e in events), 10)[-1]
        assert (closed.notification.code, closed.notification.subcode) == (3, 10) and not closed.sent
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    assert "Traceback" not in err
