"""The reactor taking in a table: Adj-RIB-In wiring, End-of-RIB log lines, the checked-only session.

A reactor runs in this process on a passive neighbor (127.0.0.1 on a free
port), with ``adj-rib-in`` true or false; the test's side is a sans-IO
`Session` over an asyncio connection that sends a few hundred IPv4 and IPv6
routes (some withdrawn again), then the two End-of-RIBs.  Checked:

* every End-of-RIB received is logged at info level as
  ``<< EOR <family> at <epoch seconds, 6 decimals>``, a time taken while
  the test ran;
* with ``adj-rib-in true`` the peer's `AdjRibIn` holds exactly the routes
  still announced, its session in `Delivery.RUNS`; with ``false`` the peer
  keeps none and its session is in `Delivery.CHECKED` (the runs it vouches
  for checked in place, not decoded, not marked plain);
* the log level does not change the data path: at DEBUG and INFO the
  daemon's session produces the same events, and the debug lines name every
  route, read from those events;
* a malformed UPDATE still ends the session with its NOTIFICATION.

`benchmarks/ingest.py` against a small generated corpus: one JSON line per
receiver, both End-of-RIBs seen, times and peak RSS reported.
"""

import asyncio
import io
import json
import os
import re
import subprocess
import sys
import time

import pytest

from exabgp._codec import encode_nlri, frame_message
from exabgp.config import environment as settings
from exabgp.config.neighbor import parse
from exabgp.reactor import peer as peer_module
from exabgp.reactor.log import Logger
from exabgp.reactor.loop import Reactor
from exabgp.session import (
    Closed,
    Delivery,
    NotificationReceived,
    Session,
    SessionSettings,
    State,
    UpdateReceived,
    UpdatesScanned,
)
from exabgp._codec.tables import HEADER_SIZE, INDEX_END, INDEX_FIELDS, INDEX_PLAIN, INDEX_START
from qa.ports import free_port
from qa.wire import attribute, update

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(os.path.dirname(ROOT), "shared", "bench")
EOR = re.compile(r"<< EOR (ipv[46] unicast) at (\d+\.\d{6})$")
V6_NEXT_HOP = bytes.fromhex("20010db8000000000000000000000001")


def v4(index):
    return (None, 24, bytes((10, index >> 8, index & 0xFF, 0)), None, None)


def v6(index):
    return (None, 48, bytes((0x20, 0x01, 0x0D, 0xB8, index >> 8, index & 0xFF)) + bytes(10), None, None)


COMMON = attribute(0x40, 1, b"\x00") + attribute(0x40, 2, bytes.fromhex("0201 0000fbf0"))
NEXT_HOP = attribute(0x40, 3, bytes.fromhex("c0000201"))


def table():
    """UPDATE bodies: 300 IPv4 and 200 IPv6 routes, 20 of each withdrawn, then both End-of-RIBs."""
    bodies = []
    for start in range(0, 300, 50):
        bodies.append(update(b"", COMMON + NEXT_HOP, encode_nlri([v4(i) for i in range(start, start + 50)], 1, False)))
    for start in range(0, 200, 40):
        nlri = encode_nlri([v6(i) for i in range(start, start + 40)], 2, False)
        bodies.append(update(b"", attribute(0x90, 14, b"\x00\x02\x01\x10" + V6_NEXT_HOP + b"\x00" + nlri) + COMMON))
    bodies.append(update(encode_nlri([v4(i) for i in range(20)], 1, False)))
    bodies.append(update(b"", attribute(0x80, 15, b"\x00\x02\x01" + encode_nlri([v6(i) for i in range(20)], 2, False))))
    bodies.append(update())
    bodies.append(update(b"", attribute(0x80, 15, b"\x00\x02\x01")))
    return bodies


CONFIGURATION = """neighbor 127.0.0.1 {{
    router-id 127.0.0.2;
    local-address 127.0.0.1;
    local-as 65000;
    peer-as 64496;
    hold-time 180;
    passive;
    listen {port};
    adj-rib-in {adj_rib_in};
    family {{
        ipv4 unicast;
        ipv6 unicast;
    }}
}}
"""


async def ingest(adj_rib_in: bool, bodies, level="INFO"):
    """Run a reactor, feed it `bodies`; return (reactor's log text, peer, daemon session, test session)."""
    port = free_port()
    configuration = parse(CONFIGURATION.format(port=port, adj_rib_in=str(adj_rib_in).lower()), "test.conf", full=True)
    stream = io.StringIO()
    reactor = Reactor(configuration, settings.load({}, ""), {}, Logger(stream, True, level), "5.0.0")
    running = asyncio.get_running_loop().create_task(reactor.run())
    loop = asyncio.get_running_loop()
    for _ in range(200):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.1", 0))
            break
        except OSError:
            await asyncio.sleep(0.02)
    ours = Session(SessionSettings("127.0.0.1", "127.0.0.1", 64496, 65000, "10.0.0.1", families=((1, 1), (2, 1))))
    ours.start(loop.time())
    writer.write(ours.data_to_send())
    while ours.state is not State.ESTABLISHED:
        ours.receive_data(await reader.read(65536), loop.time())
        writer.write(ours.data_to_send())
    started = time.time()
    writer.write(b"".join(frame_message(2, body) for body in bodies))
    await writer.drain()
    peer = reactor.peers[0]
    for _ in range(250):
        if len(eor_times(stream.getvalue())) == 2 or ours.closed:
            break
        try:
            ours.receive_data(await asyncio.wait_for(reader.read(65536), 0.02), loop.time())
        except asyncio.TimeoutError:
            pass
    daemon_session = peer.connection.session if peer.connection is not None else None
    state = daemon_session.state if daemon_session is not None else None
    rib_in = peer.rib_in
    routes = None if rib_in is None else sorted((route.nlri.afi, route.nlri.addr) for route in rib_in.routes())
    reactor.shutdown()
    await asyncio.wait_for(running, 10)
    writer.close()
    return stream.getvalue(), started, routes, (daemon_session, state), ours


def eor_times(text):
    found = {}
    for line in text.splitlines():
        match = EOR.search(line.rstrip())
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def test_adj_rib_in_holds_the_routes_still_announced():
    text, started, routes, (session, _), _ = asyncio.run(ingest(True, table()))
    expected = sorted([(1, v4(i)[2]) for i in range(20, 300)] + [(2, v6(i)[2]) for i in range(20, 200)])
    assert routes == expected
    assert session.delivery is Delivery.RUNS
    times = eor_times(text)
    assert set(times) == {"ipv4 unicast", "ipv6 unicast"}
    assert all(started <= value <= time.time() for value in times.values())


def test_without_adj_rib_in_updates_are_only_checked():
    text, started, routes, (session, state), _ = asyncio.run(ingest(False, table()))
    assert routes is None
    assert session.delivery is Delivery.CHECKED and state is State.ESTABLISHED
    times = eor_times(text)
    assert set(times) == {"ipv4 unicast", "ipv6 unicast"}
    assert all(started <= value <= time.time() for value in times.values())


def path(events):
    """What a session delivered, comparable however TCP cut the input: one item per UPDATE (``scanned``, its
    body and its plain mark, as the run's index says; ``update`` and its body), the type name of any other
    event."""
    out = []
    for event in events:
        if isinstance(event, UpdatesScanned):
            octets, index = event.octets, event.index
            for at in range(0, len(index), INDEX_FIELDS):
                body = bytes(octets[index[at + INDEX_START] + HEADER_SIZE : index[at + INDEX_END]])
                out.append(("scanned", body, index[at + INDEX_PLAIN]))
        elif isinstance(event, UpdateReceived):
            out.append(("update", event.update.body))
        else:
            out.append(type(event).__name__)
    return out


@pytest.mark.parametrize("adj_rib_in", [True, False])
def test_the_log_level_does_not_change_the_path(monkeypatch, adj_rib_in):
    """Debug logging reads the routes from what the session delivers, it does not choose the path."""
    paths, texts = {}, {}
    for level in ("INFO", "DEBUG"):
        events = []

        class Recording(Session):
            def next_event(self):
                event = super().next_event()
                if event is not None:
                    events.append(event)
                return event

        monkeypatch.setattr(peer_module, "Session", Recording)
        texts[level], _, routes, (session, _), _ = asyncio.run(ingest(adj_rib_in, table(), level))
        assert session.delivery is (Delivery.RUNS if adj_rib_in else Delivery.CHECKED)
        assert (routes is not None) is adj_rib_in
        paths[level] = path(events)
    assert paths["DEBUG"] == paths["INFO"]
    updates = [item for item in paths["INFO"] if isinstance(item, tuple)]
    scanned = [("scanned", body, int(adj_rib_in)) for body in table()[:-2]]  # plain, marked when read
    assert updates == scanned + [("update", body) for body in table()[-2:]]
    routes = [line for line in texts["DEBUG"].splitlines() if re.search(r"<< (announce|withdraw) ipv", line)]
    assert len(routes) == 300 + 200 + 20 + 20
    assert "<< announce ipv4 unicast 10.0.49.0/24 next-hop 192.0.2.1" in texts["DEBUG"]
    assert not re.search(r"<< (announce|withdraw) ipv", texts["INFO"])


@pytest.mark.parametrize("adj_rib_in", [True, False])
def test_a_malformed_update_still_resets(adj_rib_in):
    bad = update(b"", COMMON + NEXT_HOP, bytes.fromhex("21 0a000001 00"))  # a /33: 3/10
    _, _, _, _, ours = asyncio.run(ingest(adj_rib_in, table()[:3] + [bad] + table()[3:]))
    assert ours.closed
    received = [event for event in iter(ours.next_event, None) if isinstance(event, (NotificationReceived, Closed))]
    notification = received[0].notification
    assert (notification.code, notification.subcode) == (3, 10)


@pytest.mark.skipif(not os.path.isdir(BENCH), reason="../shared/bench is not here")
def test_ingest_benchmark_script(tmp_path):
    corpus = tmp_path / "small.bgp"
    subprocess.run(
        [sys.executable, os.path.join(BENCH, "gen_corpus.py"), "-o", str(corpus), "--v4", "3000", "--v6", "1000", "-q"],
        check=True,
    )
    done = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "benchmarks", "ingest.py"),
            "--corpus",
            str(corpus),
            "--no-bird",
            "--port",
            str(free_port()),
            "--json-out",
            str(tmp_path / "out.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["adj_rib_in"] for line in lines] == [False, True]
    for line in lines:
        assert 0 <= line["ingest_s"] < 60 and 5 < line["peak_rss_mb"] < 500
    assert json.loads((tmp_path / "out.json").read_text())["results"] == lines
