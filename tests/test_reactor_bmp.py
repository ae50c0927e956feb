"""The BMP station of the daemon (exabgp/reactor/bmp.py): a real daemon, routers played by sockets on loopback.

The messages are built from the RFC layouts (qa.bmp).  Checked: every
message reaches the section's helper as one JSON line, in order, for each
router session apart (the counter counts per session); a router whose
stream goes bad (a wrong version here) has the messages before it
delivered, then its session, and only its session, closed, with the
message's number, type and offset in the log and no traceback; another
router connected at the same time goes on being heard; ``show adj-rib in``
(asked by the helper) lists the routes the open session's router exported,
named by router, peer and RIB.
"""

import json
import socket
import sys

from qa import bmp, wire
from qa.daemon import finish, free_port, logged, start, wait_until

# writes the JSON lines to one file and the answers to its commands to another; asks `show adj-rib in` once
# the good router's last route is in
COLLECTOR = """import sys
with open(sys.argv[1], "a") as out, open(sys.argv[2], "a") as answers:
    for line in sys.stdin:
        target = out if line.startswith("{") else answers
        target.write(line)
        target.flush()
        if target is out and "12.0.0.0/8" in line:
            sys.stdout.write("show adj-rib in\\n")
            sys.stdout.flush()
"""


def read(path) -> list:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def route(prefix: int, header: bytes) -> bytes:
    attributes = wire.attribute(0x40, 1, b"\x00") + wire.attribute(0x40, 2, b"") + wire.attribute(0x40, 3, bytes(4))
    return bmp.route_monitoring(header, wire.update(attributes=attributes, nlri=bytes((8, prefix))))


def test_two_routers_one_goes_bad(tmp_path):
    port = free_port("127.0.0.1")
    collector, output, answers = tmp_path / "collector.py", tmp_path / "bmp.jsonl", tmp_path / "answers.txt"
    collector.write_text(COLLECTOR)
    config = tmp_path / "bmp.conf"
    config.write_text(
        f"process collector {{ run {sys.executable} {collector} {output} {answers}; encoder json; }}\n"
        f"bmp {{ listen 127.0.0.1 port {port}; processes [ collector ]; }}\n"
    )
    daemon = start(config, exabgp_tcp_bind="")
    try:
        wait_until(lambda: "listening for BMP session(s) on 127.0.0.1" in logged(daemon), 15)
        wait_until(lambda: "loaded new configuration" in logged(daemon), 15)
        good = socket.create_connection(("127.0.0.1", port))
        bad = socket.create_connection(("127.0.0.1", port))
        header = bmp.peer_header(address="10.0.0.2", asn=65001, bgp_id="10.0.0.2")
        good.sendall(bmp.initiation(bmp.tlv(2, b"good")) + route(10, header))
        bad.sendall(bmp.initiation(bmp.tlv(2, b"bad")) + route(11, header) + bmp.common(0, b"", version=2))
        wait_until(lambda: "closing this BMP session" in logged(daemon), 10)
        assert bad.recv(10) == b""  # the station closed it
        good.sendall(route(12, header))
        wait_until(lambda: len(read(output)) == 5, 10, what="five lines")
        by_router: dict = {}
        for line in read(output):
            by_router.setdefault(line["bmp"]["router"]["name"], []).append(line)
        for name, prefixes in (("good", ["10.0.0.0/8", "12.0.0.0/8"]), ("bad", ["11.0.0.0/8"])):
            lines = by_router[name]
            assert [line["counter"] for line in lines] == list(range(1, len(lines) + 1))
            assert [line["bmp"]["message"] for line in lines] == ["initiation"] + ["route-monitoring"] * len(prefixes)
            announced = [
                line["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["0.0.0.0"] for line in lines[1:]
            ]
            assert announced == [[{"nlri": prefix}] for prefix in prefixes]
        wait_until(lambda: answers.exists() and "done" in answers.read_text(), 10, what="show adj-rib in")
        name = f"bmp 127.0.0.1:{good.getsockname()[1]} neighbor 10.0.0.2 pre-policy"
        assert answers.read_text().splitlines() == [
            f"{name} ipv4 unicast 10.0.0.0/8 next-hop 0.0.0.0",
            f"{name} ipv4 unicast 12.0.0.0/8 next-hop 0.0.0.0",
            "done",
        ]  # the bad router's session is closed: its routes went with it
        good.close()
        bad.close()
    finally:
        daemon.terminate()
        _code, _out, err = finish(daemon)
    assert "BMP message 3 (route-monitoring) at offset" in err and "version 2, only 3 and 4 are read" in err
    assert "Traceback" not in err
