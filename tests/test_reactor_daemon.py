"""The daemon as a user runs it: `python -m exabgp server CONF` in a process, real loopback sockets.

* the project's qa scenarios against the checking peer of `qa/` (started as
  ExaBGP's harness starts a daemon);
* two of our daemons talking to each other (one passive on a `listen`
  port, one connecting), routes received both ways, SIGTERM ending the
  connecting one (the session closed without NOTIFICATION, as 5.0.15
  does) with exit code 0 (`tcp.connections`), the passive one running on
  (an incoming session is no attempt);
* a test-side sans-IO `Session` over a blocking socket as the peer: route
  refresh answered between BoRR and EoRR, the hold timer firing (4/0),
  SIGHUP shutting down without NOTIFICATION, a range neighbor matching, an
  unknown peer refused with 6/3;
* connect-retry: the daemon keeps trying until a listener appears;
* TCP MD5: matching passwords establish, different ones do not;
* configuration errors exit 1 with file:line:column and no traceback.

Every port is a free port on 127.0.0.1 (or another 127/8 address).
"""

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

import exabgp
from exabgp._codec import split_messages, walk_attributes
from exabgp.cli.main import main
from exabgp.cli.server import Loader
from exabgp.session import (
    Closed,
    Established,
    MessageReceived,
    NotificationReceived,
    SessionSettings,
    UpdateReceived,
)
from qa import runner
from qa.daemon import Speaker, connect, environment, finish, free_port, logged, start, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QA = os.path.join(ROOT, "qa")
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))

DAEMON = f"env PYTHONPATH={PACKAGE_ROOT} {sys.executable} -m exabgp"


def updates(events):
    return [event.update for event in events if isinstance(event, UpdateReceived)]


def eors(events, ctx):
    return [update.eor(ctx) for update in updates(events) if update.eor(ctx) is not None]


def listening(port, deadline=5.0) -> bool:
    """Whether a connection to the port succeeds before the deadline."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as probe:
            probe.settimeout(max(0.05, end - time.monotonic()))
            try:
                probe.connect(("127.0.0.1", port))
                return True
            except (ConnectionRefusedError, socket.timeout):
                pass
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- the checking peer


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ipv4-med-communities", "ipv6-unicast", "ebgp-open", "reconnect-after-cease"])
def test_scenario_against_the_checking_peer(name):
    test = next(
        test
        for test in runner.discover(os.path.join(ROOT, "absent"), os.path.join(QA, "scenarios"))
        if test.name == f"scenarios/{name}"
    )
    result = asyncio.run(runner.run_test(test, DAEMON, runner.Ports(0), 30, linger=0.3))
    assert result.status == "pass", f"{result.reason}\n{result.diff}\n{result.daemon_output}"


# ---------------------------------------------------------------- two daemons


@pytest.mark.slow
def test_two_daemons_exchange_routes_and_stop_on_sigterm(tmp_path):
    port = free_port()
    (tmp_path / "a.conf").write_text(f"""
neighbor 127.0.0.2 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port};
    family {{ ipv4 unicast; ipv6 unicast; }}
    static {{ route 10.1.0.0/16 next-hop self med 10; }}
}}
""")
    (tmp_path / "b.conf").write_text(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.2; local-address 127.0.0.2; local-as 65002; peer-as 65001;
    connect {port};
    family {{ ipv4 unicast; ipv6 unicast; }}
    static {{
        route 10.2.0.0/16 next-hop self community 65002:7;
        route 2001:db8::/32 next-hop 2001:db8::2;
    }}
}}
""")
    a = start(tmp_path / "a.conf", exabgp_log_level="DEBUG", exabgp_tcp_connections=1)
    connect(port, source="127.0.0.3").close()  # a listens (an unknown peer, refused)
    b = start(tmp_path / "b.conf", exabgp_log_level="DEBUG", exabgp_tcp_connections=1)
    try:
        for daemon in (a, b):  # each sent its routes and its End-of-RIBs, and each received the other's
            wait_until(lambda: all(f"<< EOR ipv{v} unicast" in logged(daemon) for v in (4, 6)), what="the EORs")
    finally:
        b.send_signal(signal.SIGTERM)
    code_b, _, err_b = finish(b)
    wait_until(lambda: "connection to 127.0.0.2 closed" in logged(a), what="a's end of the session")
    assert a.poll() is None  # as 5.0.15: an incoming session is not one of a's tcp.connections
    a.send_signal(signal.SIGTERM)
    code_a, _, err_a = finish(a)
    assert (code_a, code_b) == (0, 0), err_a + err_b
    assert "connected to peer-1 with incoming-" in err_a
    assert "connected to peer-1 with outgoing-" in err_b
    # next-hop self is the sender's local address
    assert "<< announce ipv4 unicast 10.2.0.0/16 next-hop 127.0.0.2" in err_a
    assert "<< announce ipv6 unicast 2001:db8::/32 next-hop 2001:db8::2" in err_a
    assert "<< announce ipv4 unicast 10.1.0.0/16 next-hop 127.0.0.1" in err_b
    for err in (err_a, err_b):
        assert "<< EOR ipv4 unicast" in err and "<< EOR ipv6 unicast" in err
    assert "SIGTERM received" in err_b and "stop, message [shutting down]" in err_b
    assert "exiting on peer termination" not in err_a and "SIGTERM received" in err_a
    assert "notification sent" not in err_b and "notification received" not in err_a
    assert "Traceback" not in err_a + err_b


@pytest.mark.slow
def test_ipv6_session_between_two_daemons(tmp_path):
    port = free_port("::1")
    common = "router-id {rid}; local-address ::1; local-as {local}; peer-as {peer};"
    (tmp_path / "a.conf").write_text(f"""
neighbor ::1 {{
    {common.format(rid="10.0.0.1", local=65001, peer=65002)} passive; listen {port};
    family {{ ipv6 unicast; }}
}}
""")
    (tmp_path / "b.conf").write_text(f"""
neighbor ::1 {{
    {common.format(rid="10.0.0.2", local=65002, peer=65001)} connect {port};
    family {{ ipv6 unicast; }}
    static {{ route 2001:db8:5::/48 next-hop self; }}
}}
""")
    a = start(tmp_path / "a.conf", exabgp_log_level="DEBUG")

    def probe() -> bool:  # a's listener (this probe is a short first connection of a's peer)
        with socket.socket(socket.AF_INET6) as probe:
            return probe.connect_ex(("::1", port)) == 0

    wait_until(probe, interval=0.05, what="a's listener")
    b = start(tmp_path / "b.conf")
    try:
        wait_until(lambda: "<< EOR ipv6 unicast" in logged(a), what="b's routes and End-of-RIB")
    finally:
        b.send_signal(signal.SIGTERM)
    code_b, _, err_b = finish(b)
    wait_until(lambda: "connection to ::1 closed" in logged(a), what="a's end of the session")
    a.send_signal(signal.SIGTERM)
    code_a, _, err_a = finish(a)
    assert (code_a, code_b) == (0, 0), err_a + err_b
    assert "<< announce ipv6 unicast 2001:db8:5::/48 next-hop ::1" in err_a
    assert "connected to peer-1 with incoming-" in err_a and "notification received" not in err_a


# ---------------------------------------------------------------- a sans-IO session as the peer


def passive_daemon(tmp_path, peer, body, port, **settings):
    path = tmp_path / "daemon.conf"
    path.write_text(f"""
neighbor {peer} {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port};
{body}
}}
""")
    return start(path, **settings)


def speaker_settings(local, **changes):
    values = dict(
        local_address=local,
        peer_address="127.0.0.1",
        local_as=65002,
        peer_as=65001,
        router_id="10.0.0.2",
        families=((1, 1),),
    )
    values.update(changes)
    return SessionSettings(**values)


def test_route_refresh_is_answered_between_borr_and_eorr_for_a_range_neighbor(tmp_path):
    port = free_port()
    daemon = passive_daemon(
        tmp_path,
        "127.0.0.0/8",
        """
    capability { route-refresh; }
    family { ipv4 unicast; }
    static { route 10.9.0.0/16 next-hop 192.0.2.1; route 10.8.0.0/16 next-hop 192.0.2.1 med 5; }
""",
        port,
    )
    try:
        sock = connect(port, source="127.0.0.5")
        peer = Speaker(sock, speaker_settings("127.0.0.5", route_refresh=True, enhanced_route_refresh=True))
        events = peer.wait(lambda events: eors(events, peer.session.ctx))
        ctx = peer.session.ctx
        assert peer.session.negotiated.refresh == "enhanced"
        initial = updates(events)
        assert [(c[0], c[3].prefix()) for u in initial for c in u.changes(ctx)] == [
            ("announce", "10.9.0.0/16"),
            ("announce", "10.8.0.0/16"),
        ]
        assert eors(events, ctx) == [(1, 1)]
        seen = len(events)
        # the BoRR / EoRR markers are ROUTE-REFRESH messages (RFC 7313): the session reports them
        peer.send_route_refresh(1, 1)
        events = peer.wait(
            lambda events: any(getattr(getattr(e, "refresh", None), "subtype", 0) == 2 for e in events[seen:])
        )
        replay = events[seen:]
        kinds = [
            ("refresh", e.refresh.subtype)
            if hasattr(e, "refresh")
            else ("update", tuple(c[3].prefix() for c in e.update.changes(ctx)))
            for e in replay
            if hasattr(e, "refresh") or isinstance(e, UpdateReceived)
        ]
        assert kinds[0] == ("refresh", 1) and kinds[-1] == ("refresh", 2)
        assert sorted(kind[1] for kind in kinds[1:-1]) == [("10.8.0.0/16",), ("10.9.0.0/16",)]
        sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    assert "connected to peer-incoming-1 with incoming-1 127.0.0.1-127.0.0.5" in err


def test_a_peer_without_asn4_gets_two_octet_paths_with_as4_path(tmp_path):
    port = free_port()
    daemon = passive_daemon(
        tmp_path,
        "127.0.0.1",
        """
    family { ipv4 unicast; }
    static { route 10.9.0.0/16 next-hop 192.0.2.1 as-path [ 65001 4200000000 ] aggregator ( 4200000001:1.2.3.4 ); }
""",
        port,
    )
    try:
        peer = Speaker(connect(port), speaker_settings("127.0.0.1", asn4=False))
        events = peer.wait(lambda events: eors(events, peer.session.ctx))
        ctx = peer.session.ctx
        assert not ctx.asn4
        [update] = [u for u in updates(events) if u.eor(ctx) is None]
        tlvs = {code: value for code, _flags, value in walk_attributes(update.attribute_octets)}
        assert tlvs[2] == bytes.fromhex("0202FDE95BA0")  # AS_SEQUENCE 65001 AS_TRANS, 2-octet
        assert tlvs[17] == bytes.fromhex("02020000FDE9FA56EA00")  # AS4_PATH 65001 4200000000
        assert tlvs[7] == bytes.fromhex("5BA001020304") and tlvs[18] == bytes.fromhex("FA56EA0101020304")
        peer.sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err


@pytest.mark.slow
@pytest.mark.parametrize("limit, least, most", [(10, 2.9, 8.0), (None, 0.0, 1.5)])
def test_rate_limit_paces_the_messages_taken_from_the_peer(tmp_path, limit, least, most):
    port = free_port()
    body = "    family { ipv4 unicast; }\n" + (f"    rate-limit {limit};\n" if limit else "")
    log = tmp_path / "daemon.log"
    daemon = passive_daemon(tmp_path, "127.0.0.1", body, port, exabgp_log_destination=log)
    try:
        peer = Speaker(connect(port), speaker_settings("127.0.0.1"))
        peer.wait(lambda events: eors(events, peer.session.ctx))
        attributes = bytes.fromhex("4001010040020602010000FDEA400304C0000201")
        for index in range(30):  # 30 UPDATEs and the End-of-RIB in one burst
            peer.session.send_update(
                len(b"").to_bytes(2, "big")
                + len(attributes).to_bytes(2, "big")
                + attributes
                + bytes((24, 10, 1, index))
            )
        peer.session.send_eor(1, 1)
        sent = time.time()
        peer._flush()
        text = wait_until(lambda: "<< EOR ipv4 unicast at" in log.read_text() and log.read_text(), 15, 0.05)
        received = float(text.split("<< EOR ipv4 unicast at ", 1)[1].split()[0])
        assert least <= received - sent <= most  # 10 a second: the 31st message waits for the 4th window
        assert not peer.session.closed
        peer.sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err


@pytest.mark.slow
def test_hold_timer_expiry_sends_4_0(tmp_path):
    port = free_port()
    daemon = passive_daemon(tmp_path, "127.0.0.1", "    hold-time 3;\n    family { ipv4 unicast; }", port)
    sock = connect(port)
    peer = Speaker(sock, speaker_settings("127.0.0.1", hold_time=3))  # never sends a KEEPALIVE after the OPEN
    begin = time.monotonic()
    events = peer.wait(lambda events: any(isinstance(e, NotificationReceived) for e in events), timeout=10)
    waited = time.monotonic() - begin
    notification = next(e.notification for e in events if isinstance(e, NotificationReceived))
    assert (notification.code, notification.subcode) == (4, 0)
    assert 2.0 < waited < 6.0
    assert any(isinstance(e, Established) for e in events)
    # meanwhile the daemon sent a KEEPALIVE every second (hold time / 3): the same single timer
    established = next(index for index, e in enumerate(events) if isinstance(e, Established))
    keepalives = [e for e in events[established:] if isinstance(e, MessageReceived) and e.msg_type == 4]
    assert len(keepalives) >= 2
    sock.close()
    daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err


def test_sighup_shuts_down_without_notification(tmp_path):
    """5.0.15 closes the session without a NOTIFICATION (tests/test_reactor_shutdown.py compares the two)."""
    port = free_port()
    daemon = passive_daemon(tmp_path, "127.0.0.1", "    family { ipv4 unicast; }", port)
    sock = connect(port)
    peer = Speaker(sock, speaker_settings("127.0.0.1"))
    peer.wait(lambda events: eors(events, peer.session.ctx))
    daemon.send_signal(signal.SIGHUP)
    events = peer.wait(lambda events: any(isinstance(e, Closed) for e in events))
    assert not [e for e in events if isinstance(e, NotificationReceived)]
    sock.close()
    code, _, err = finish(daemon)
    assert code == 0 and "SIGHUP received" in err


def read_until_closed(sock) -> bytes:
    sock.settimeout(5)
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    sock.close()
    return data


def test_a_second_connection_of_an_established_peer_gets_6_7(tmp_path):
    port = free_port()
    daemon = passive_daemon(tmp_path, "127.0.0.1", "    family { ipv4 unicast; }", port)
    try:
        sock = connect(port)
        peer = Speaker(sock, speaker_settings("127.0.0.1"))
        peer.wait(lambda events: eors(events, peer.session.ctx))
        messages, _ = split_messages(read_until_closed(connect(port)), 4096)
        assert messages[0][0] == 3 and messages[0][1][:2] == b"\x06\x07"
        # the established session goes on
        peer.send_route_refresh(1, 1)
        assert not peer.session.closed
        sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err


@pytest.mark.slow
def test_incoming_ttl_drops_connections_from_too_far(tmp_path):
    port = free_port()
    daemon = passive_daemon(tmp_path, "127.0.0.9", "    incoming-ttl 255;\n    family { ipv4 unicast; }", port)
    try:

        def near() -> bool:  # a connection sent with TTL 255 gets through (once the daemon listens)
            with socket.socket() as near:
                near.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
                return near.connect_ex(("127.0.0.1", port)) == 0

        wait_until(near, interval=0.05, what="a connection with TTL 255")
        assert not listening(port, deadline=1.0)  # loopback's default TTL, 64, is below the minimum
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err


def test_unknown_peer_is_refused_with_6_3(tmp_path):
    port = free_port()
    daemon = passive_daemon(tmp_path, "127.0.0.9", "    family { ipv4 unicast; }", port)
    try:
        data = read_until_closed(connect(port))
    finally:
        daemon.send_signal(signal.SIGTERM)
    messages, _ = split_messages(data, 4096)
    assert messages[0][0] == 3 and messages[0][1][:2] == b"\x06\x03"
    assert messages[0][1][2:] == b"no session configured for the peer"
    code, _, err = finish(daemon)
    assert code == 0, err


# ---------------------------------------------------------------- connect-retry


@pytest.mark.slow
def test_connect_retry_reaches_a_late_listener(tmp_path):
    port = free_port()
    path = tmp_path / "active.conf"
    path.write_text(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; connect {port};
    family {{ ipv4 unicast; }}
}}
""")
    # 5.0.15's timing: attempts at 0, 0 and 1 s; the first two are refused, the third succeeds
    daemon = start(path, exabgp_tcp_connections=3)
    wait_until(lambda: logged(daemon).count("failed: ") == 2, what="two refused attempts")
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(1)
        listener.settimeout(5)
        accepted, _ = listener.accept()
        accepted.settimeout(5)
        data = accepted.recv(4096)  # the daemon's OPEN
        accepted.close()
    assert split_messages(data, 4096)[0][0][0] == 1
    code, _, err = finish(daemon)
    assert code == 0, err
    assert err.count("failed: ") == 2 and err.count("attempting connection") == 3, err


# ---------------------------------------------------------------- TCP MD5


def md5_pair(tmp_path, password_a, password_b, expected_b: str, expected_a: str = ""):
    """Two daemons, B connecting to A with the passwords given, until B logs `expected_b` and A `expected_a`
    (15 s at most); their logs."""
    port = free_port()
    (tmp_path / "a.conf").write_text(f"""
neighbor 127.0.0.2 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {port}; md5-password "{password_a}";
    family {{ ipv4 unicast; }}
}}
""")
    (tmp_path / "b.conf").write_text(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.2; local-address 127.0.0.2; local-as 65002; peer-as 65001;
    connect {port}; md5-password "{password_b}";
    family {{ ipv4 unicast; }}
}}
""")
    a = start(tmp_path / "a.conf")
    b = start(tmp_path / "b.conf")
    try:
        wait_until(lambda: expected_b in logged(b) and expected_a in logged(a), 15, 0.05, what=expected_b)
    finally:
        for process in (b, a):
            process.send_signal(signal.SIGTERM)
    (code_a, _, err_a), (code_b, _, err_b) = finish(a), finish(b)
    assert (code_a, code_b) == (0, 0), err_a + err_b
    return err_a, err_b


@pytest.mark.slow
def test_md5_same_password_establishes(tmp_path):
    err_a, err_b = md5_pair(tmp_path, "s3cret", "s3cret", "connected to peer-1", "connected to peer-1")
    assert "connected to peer-1" in err_a and "connected to peer-1" in err_b
    assert "no answer from" not in err_b


@pytest.mark.slow
def test_md5_different_password_does_not(tmp_path):
    """The kernel drops the SYNs signed with the wrong key: no session, no crash, and the connecting daemon says
    why it may be (issue 9; 5.0.15 logs nothing about it)."""
    err_a, err_b = md5_pair(tmp_path, "s3cret", "other", "no answer from")
    assert "connected to" not in err_a and "connected to" not in err_b
    assert "attempting connection to 127.0.0.1:" in err_b and "incoming" not in err_a
    assert re.search(
        r"no answer from 127\.0\.0\.1:\d+ after 2 seconds: with md5-password set, a peer with a "
        r"different password \(or none\) drops our connection attempts silently",
        err_b,
    ), err_b
    assert "Traceback" not in err_a + err_b


# ---------------------------------------------------------------- configuration errors


def test_configuration_error_exits_1_with_position(tmp_path):
    path = tmp_path / "bad.conf"
    path.write_text("neighbor 127.0.0.1 {\n    router-id 10.0.0.1;\n    local-as banana;\n    peer-as 1;\n}\n")
    code, out, err = finish(start(path))
    assert code == 1
    assert f"{path}:3:" in err
    assert "Traceback" not in err and out == ""


def test_missing_configuration_exits_1(tmp_path):
    path = tmp_path / "absent.conf"
    code, _, err = finish(start(path))
    assert code == 1
    message = f"{path} is not an exabgp config file (file not found)"
    assert err == f"configuration   {message}\nerror: {message}\n"  # the log line and the error, as 5.0.15


def test_implicit_server_with_flags(tmp_path, capsys):
    path = tmp_path / "absent.conf"
    assert main(["-d", "-p", str(path)]) == 1
    message = f"{path} is not an exabgp config file (file not found)"
    log, error = capsys.readouterr().err.splitlines()
    # -d: the log line in the long form (time, pid), as 5.0.15
    assert re.fullmatch(rf"\d\d:\d\d:\d\d \d+ +configuration   {re.escape(message)}", log)
    assert error == f"error: {message}"


def test_implicit_server_and_bad_setting(tmp_path):
    path = tmp_path / "bad.conf"
    path.write_text("neighbor 127.0.0.1 {\n    router-id 10.0.0.1;\n    local-as 1;\n    peer-as 1;\n    bogus 3;\n}\n")
    process = subprocess.run(
        [sys.executable, "-m", "exabgp", str(path)],
        env=environment(),
        cwd=PACKAGE_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert process.returncode == 1 and f"{path}:5:" in process.stderr
    process = subprocess.run(
        [sys.executable, "-m", "exabgp", "server", str(path)],
        cwd=PACKAGE_ROOT,
        env=environment(exabgp_log_level="LOUD"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert process.returncode == 1 and process.stderr == "invalid value for log.level : LOUD\n"


# ---------------------------------------------------------------- several configuration files


@pytest.mark.slow
@pytest.mark.parametrize("rotate", [False, True])
def test_several_files(tmp_path, rotate):
    ports = [free_port(), free_port()]
    paths = []
    for index, port in enumerate(ports):
        path = tmp_path / f"{index}.conf"
        path.write_text(f"""
neighbor 127.0.0.{index + 8} {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; passive; listen {port};
    family {{ ipv4 unicast; }}
}}
""")
        paths.append(str(path))
    settings = {"exabgp_debug_rotate": "true"} if rotate else {}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "exabgp", "server", *paths],
        env=environment(**settings),
        cwd=PACKAGE_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert listening(ports[0])
        # without debug.rotate each file runs in a process of its own; with it only the first runs
        assert listening(ports[1], deadline=5.0 if not rotate else 1.0) is not rotate
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    assert err.count("SIGTERM received") == (1 if rotate else 2)


# ---------------------------------------------------------------- startup failures, pid file


def test_a_port_in_use_exits_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        path = tmp_path / "listen.conf"
        path.write_text(f"""
neighbor 127.0.0.9 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; passive; listen {port};
    family {{ ipv4 unicast; }}
}}
""")
        code, _, err = finish(start(path))
    assert code == 1
    assert f"could not listen on 127.0.0.1:{port}" in err and "Traceback" not in err


def test_pid_file_while_running(tmp_path):
    port = free_port()
    pid_file = tmp_path / "exabgp.pid"
    daemon = passive_daemon(tmp_path, "127.0.0.9", "    family { ipv4 unicast; }", port, exabgp_daemon_pid=pid_file)
    try:
        assert listening(port)
        # the pid file is written after the listeners are bound (5.0 startup order): wait for it
        wait_until(lambda: pid_file.read_text() == f"{daemon.pid}\n", 5, 0.05, what="the pid file")
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    assert not pid_file.exists()
    daemon = passive_daemon(
        tmp_path,
        "127.0.0.9",
        "    family { ipv4 unicast; }",
        port,
        exabgp_daemon_pid=tmp_path / "absent" / "exabgp.pid",
    )
    code, _, err = finish(daemon)
    assert code == 1 and "can not write the pid file" in err


# ---------------------------------------------------------------- reload


@pytest.mark.slow
def test_reload_route_delta_failed_reload_then_changed_neighbor(tmp_path):
    port = free_port()
    path = tmp_path / "daemon.conf"

    def configure(routes, hold=180):
        path.write_text(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; passive; listen {port};
    hold-time {hold};
    family {{ ipv4 unicast; }}
    static {{ {" ".join(f"route {prefix} next-hop 192.0.2.1;" for prefix in routes)} }}
}}
""")

    configure(["10.1.0.0/16", "10.2.0.0/16"])
    daemon = start(path)
    try:
        sock = connect(port)
        peer = Speaker(sock, speaker_settings("127.0.0.1"))
        ctx_events = peer.wait(lambda events: eors(events, peer.session.ctx))
        ctx = peer.session.ctx

        def changes(events):
            return sorted((c[0], c[3].prefix()) for u in updates(events) for c in u.changes(ctx))

        assert changes(ctx_events) == [("announce", "10.1.0.0/16"), ("announce", "10.2.0.0/16")]
        seen = len(peer.events)

        configure(["10.2.0.0/16", "10.3.0.0/16"])
        daemon.send_signal(signal.SIGUSR1)
        events = peer.wait(lambda events: len(changes(events[seen:])) == 2)
        assert changes(events[seen:]) == [("announce", "10.3.0.0/16"), ("withdraw", "10.1.0.0/16")]
        seen = len(peer.events)

        path.write_text("neighbor 127.0.0.1 {\n    local-as nonsense;\n}\n")
        daemon.send_signal(signal.SIGUSR1)
        wait_until(lambda: "config.reload.failed" in logged(daemon), what="the failed reload")
        peer.send_route_refresh(1, 1)  # the session is still up, with the previous configuration
        assert not peer.session.closed

        configure(["10.2.0.0/16", "10.3.0.0/16"], hold=90)
        daemon.send_signal(signal.SIGUSR1)
        events = peer.wait(lambda events: any(isinstance(e, Closed) for e in events))
        notification = next(e.notification for e in events[seen:] if isinstance(e, NotificationReceived))
        assert (notification.code, notification.subcode) == (6, 3)
        sock.close()

        # the peer comes back: the new settings are used
        sock = connect(port)
        peer = Speaker(sock, speaker_settings("127.0.0.1"))
        events = peer.wait(lambda events: eors(events, peer.session.ctx))
        assert peer.session.negotiated.hold_time == 90
        assert changes(events) == [("announce", "10.2.0.0/16"), ("announce", "10.3.0.0/16")]
        sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    assert "config.reload.failed" in err and ":2:" in err


def test_reload_moves_the_listeners(tmp_path):
    first, second = free_port(), free_port()
    path = tmp_path / "daemon.conf"

    def configure(port):
        path.write_text(f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002; passive; listen {port};
    family {{ ipv4 unicast; }}
}}
""")

    def listening(port) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    configure(first)
    daemon = start(path)
    try:
        connect(first).close()
        configure(second)
        daemon.send_signal(signal.SIGUSR1)
        connect(second).close()  # retried until the new listener is open
        assert not listening(first)
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _, err = finish(daemon)
    assert code == 0, err
    assert f"stopped listening on 127.0.0.1:{first}" in err


def test_loader_rotates_through_the_files(tmp_path):
    paths = []
    for index in range(2):
        path = tmp_path / f"{index}.conf"
        path.write_text(f"neighbor 127.0.0.{index + 1} {{ router-id 1.1.1.1; local-as 1; peer-as 2; }}\n")
        paths.append(str(path))
    loader = Loader(paths)
    addresses = [loader()[0].neighbors[0].peer_address for _ in range(3)]
    assert addresses == ["127.0.0.2", "127.0.0.2", "127.0.0.2"]
    assert Loader(paths[:1])()[0].neighbors[0].peer_address == "127.0.0.1"
    configuration, error = Loader([str(tmp_path / "absent.conf")])()
    assert configuration is None and error.endswith("absent.conf is not an exabgp config file (file not found)")
