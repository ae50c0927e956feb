"""A route too large for a BGP message (issue 9, hole 3): refused where it is configured, left out where the
session is smaller, and nothing else affected.

What ExaBGP 5.0.15 does (recorded by running it, `qa.oracle`, on the same configurations and peers):

* ``exabgp validate`` accepts a static route with 20,000 communities (80,000 octets: no UPDATE can carry
  it), exit 0; with 100,000 communities it was still parsing after ten minutes;
* the daemon, a route whose UPDATE is 8,031 octets (2,000 communities) on a session without extended
  message (RFC 8654): the route is left out without a log line, the other routes and the End-of-RIB are
  sent; with extended message it is sent;
* the daemon, a route with 20,000 communities, extended message negotiated: the routes packed before it
  are sent, then a ``struct.error: 'H' format requires 0 <= number <= 65535`` traceback is logged and the
  connection is closed without NOTIFICATION and without End-of-RIB;
* a helper announcing a route with 20,000 communities is answered ``done``.

Ours: a route whose attributes can not fit even a 65535-octet UPDATE is refused with file:line by
``validate`` and the daemon (`exabgp.config.route.unsendable`), and answered ``error`` through the API;
one that fits 65535 but not the negotiated 4096 is left out by that session with an error naming it,
every other route and the End-of-RIB sent (`exabgp.rib.packing`).
"""

import signal
import sys

import pytest

from exabgp.cli.main import main
from exabgp.session import SessionSettings, UpdateReceived
from qa.daemon import Speaker, connect, finish, free_port, start, wait_until

#: 2,000 communities: 8,000 octets of path attributes, more than 4096, less than 65535
MIDDLE = " ".join(f"65000:{index}" for index in range(2000))
#: 20,000 communities: 80,000 octets, more than any UPDATE can carry
HUGE = " ".join(f"{index // 65536 + 1}:{index % 65536}" for index in range(20000))

#: a helper printing the lines of the file argv[1], then writing what it is told to the file argv[2]
HELPER = """
import sys
for line in open(sys.argv[1]).read().split("\\n"):
    print(line, flush=True)
for line in sys.stdin:
    with open(sys.argv[2], "a") as answers:
        answers.write(line)
"""


def configuration(port: int, communities: str, extra: str = "") -> str:
    return f"""{extra}
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port};
    family {{ ipv4 unicast; }}
    static {{
        route 10.1.0.0/16 next-hop 192.0.2.1;
        route 10.2.0.0/16 next-hop 192.0.2.1 community [ {communities} ];
        route 10.3.0.0/16 next-hop 192.0.2.1 med 5;
    }}
}}
"""


@pytest.mark.slow
def test_validate_and_the_daemon_refuse_a_route_no_update_can_carry(tmp_path, capsys):
    path = tmp_path / "huge.conf"
    path.write_text(configuration(free_port(), HUGE))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    reason = (
        f"{path}:8:9: the route ipv4 unicast 10.2.0.0/16 can not be sent: a path attribute over 65535 "
        "octets, which no UPDATE can carry"
    )
    assert f"error: {path} is not a valid config file: {reason}\n" in err
    # each attribute fits, not all of them: COMMUNITIES 4 + 64,000, LARGE_COMMUNITY 4 + 12,000, ORIGIN 4,
    # AS_PATH 3 + 6 (RFC 4271 4.3, RFC 8092 3): 76,021 octets
    many = " ".join(f"1:{index}" for index in range(16000))
    large = " ".join(f"1:2:{index}" for index in range(1000))
    path.write_text(configuration(free_port(), many).replace("];", f"] large-community [ {large} ];", 1))
    assert main(["validate", str(path)]) == 1
    # 76,008: the communities (4 + 64,000) and large communities (4 + 12,000) as configured; the ORIGIN
    # and AS_PATH its session adds come at export (exabgp/rib/export.py), and only make it larger
    assert (
        "8:9: the route ipv4 unicast 10.2.0.0/16 can not be sent: 76008 octets of path attributes: with its "
        "NLRI, more than an UPDATE of 65535 octets can carry"
    ) in capsys.readouterr().err
    path.write_text(configuration(free_port(), HUGE))
    daemon = start(path)
    code, _out, err = finish(daemon)
    assert code == 1 and f"error: {path} is not a valid config file: {reason}\n" in err
    assert "Traceback" not in err


def _session(port: int, extended: bool):
    settings = SessionSettings(
        local_address="127.0.0.1",
        peer_address="127.0.0.1",
        local_as=65002,
        peer_as=65001,
        router_id="10.0.0.2",
        families=((1, 1),),
        extended_message=extended,
    )
    return Speaker(connect(port), settings)


def _received(peer) -> tuple:
    """``(prefixes announced, End-of-RIB families)`` once the End-of-RIB came."""
    ctx = peer.session.ctx
    events = peer.wait(lambda events: any(isinstance(e, UpdateReceived) and e.update.eor(ctx) for e in events))
    updates = [event.update for event in events if isinstance(event, UpdateReceived)]
    return (
        sorted(change[3].prefix() for update in updates for change in update.changes(ctx)),
        [update.eor(ctx) for update in updates if update.eor(ctx)],
    )


@pytest.mark.parametrize("extended", [False, True], ids=["4096", "extended-message"])
def test_a_route_too_large_for_the_session_is_left_out_alone(tmp_path, extended):
    port = free_port()
    path = tmp_path / "middle.conf"
    path.write_text(configuration(port, MIDDLE))
    log = tmp_path / "daemon.log"
    daemon = start(path, exabgp_log_destination=log)
    try:
        peer = _session(port, extended)
        prefixes, eors = _received(peer)
        peer.sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _out, err = finish(daemon)
    assert code == 0, err
    text = log.read_text()
    assert eors == [(1, 1)] and "Traceback" not in text
    if extended:
        assert prefixes == ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"]
        assert "not sent" not in text
    else:
        assert prefixes == ["10.1.0.0/16", "10.3.0.0/16"]
        assert (
            "announce ipv4 unicast 10.2.0.0/16 not sent: 8017 octets of path attributes: with its NLRI, more "
            "than an UPDATE of 4096 octets can carry (extended message, RFC 8654, not negotiated)"
        ) in text


def test_a_helper_announcing_a_route_no_update_can_carry_is_answered_error(tmp_path):
    port = free_port()
    answers = tmp_path / "answers"
    answers.write_text("")
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    commands = tmp_path / "commands"
    lines = [
        "announce route 10.7.0.0/16 next-hop 192.0.2.1",
        f"announce route 10.8.0.0/16 next-hop 192.0.2.1 community [ {HUGE} ]",
        f"announce route 10.9.0.0/16 next-hop 192.0.2.1 community [ {MIDDLE} ]",
    ]
    commands.write_text("\n".join(lines))
    path = tmp_path / "api.conf"
    path.write_text(f"""
process announcer {{ run {sys.executable} {helper} {commands} {answers}; encoder text; }}
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port};
    family {{ ipv4 unicast; }}
    api {{ processes [ announcer ]; }}
}}
""")
    log = tmp_path / "daemon.log"
    daemon = start(path, exabgp_log_destination=log)
    try:
        peer = _session(port, True)
        ctx = peer.session.ctx

        def announced(events):
            return sorted(
                change[3].prefix()
                for event in events
                if isinstance(event, UpdateReceived)
                for change in event.update.changes(ctx)
            )

        events = peer.wait(lambda events: len(announced(events)) == 2)
        wait_until(lambda: answers.read_text().count("\n") >= 3, 10, 0.05, what="the three answers")
        peer.sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _out, err = finish(daemon)
    assert code == 0, err
    assert announced(events) == ["10.7.0.0/16", "10.9.0.0/16"]
    assert answers.read_text().split("\n")[:3] == ["done", "error", "done"]
    text = log.read_text()
    assert "the route ipv4 unicast 10.8.0.0/16 can not be sent: a path attribute over 65535 octets" in text
    assert "Traceback" not in text
