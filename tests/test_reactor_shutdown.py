"""How a session ends on the wire when the daemon ends it, ours and ExaBGP 5.0.15 alike.

Each path is run on both daemons (the oracle from `qa.oracle`, skipped
without it unless ``EXABGP_ORACLE_REQUIRED=1``) connected to the recording
peer of `qa.recorder`; what the peer receives on each connection (every
message but the KEEPALIVEs, the NOTIFICATIONs in full) and how the
connection ends (``fin``: the daemon closed it) must be the table below,
recorded from 5.0.15 by these tests:

* shutdown (SIGTERM, SIGHUP, SIGINT, the API ``shutdown``, a helper that
  keeps dying with ``api.terminate``) and a neighbor removed by a reload
  (SIGUSR1): closed without any NOTIFICATION, in OpenSent as in
  Established;
* a reload changing the neighbor: Cease 6/3 with "Peer De-configured" as
  data, then a new session;
* ``teardown 2``: Cease 6/2 with "Administrative Shutdown" (an RFC 8203
  length octet first), then a new session;
* with graceful restart negotiated, teardown and the reconfiguration close
  without NOTIFICATION too (RFC 4724 section 4);
* the helpers hear of a removed neighbor as "stop, message [removed]".

`exabgp.reactor.peer.Connection.drop` explains why closing without a Cease
is kept although RFC 4486 recommends one.
"""

import signal
import sys
import time

import pytest

from qa.daemon import finish, free_port, start, start_oracle, wait_until
from qa.oracle import require_oracle
from qa.recorder import KEEPALIVE, NOTIFICATION, OPEN, UPDATE, Recorder

pytestmark = pytest.mark.slow  # our daemon and 5.0.15 through every way a session ends

SESSION = [OPEN, UPDATE]  # the OPEN, then the End-of-RIB (no route configured)


def cease(subcode: int, data: bytes) -> tuple:
    return (NOTIFICATION, bytes((6, subcode)) + data)


RECONFIGURED = cease(3, b"Peer De-configured")
TORN_DOWN = cease(2, b"\x17Administrative Shutdown")

#: path -> what the peer receives on each connection, and how each ends (recorded from 5.0.15)
EXPECTED = {
    "SIGTERM": [(SESSION, "fin")],
    "SIGHUP": [(SESSION, "fin")],
    "SIGINT": [(SESSION, "fin")],
    "api shutdown": [(SESSION, "fin")],
    "api terminate": [(SESSION, "fin")],
    "SIGTERM in OpenSent": [([OPEN], "fin")],
    "reload removing the neighbor": [(SESSION, "fin")],
    "reload changing the neighbor": [(SESSION + [RECONFIGURED], "fin"), (SESSION, "fin")],
    "teardown": [(SESSION + [TORN_DOWN], "fin"), (SESSION, "fin")],
    "graceful restart, SIGTERM": [(SESSION, "fin")],
    "graceful restart, teardown": [(SESSION, "fin"), (SESSION, "fin")],
    "graceful restart, reload changing the neighbor": [(SESSION, "fin"), (SESSION, "fin")],
}

#: the paths that end with a signal (the others' session ends by itself, by a command or by a reload)
SIGNALS = {
    "SIGTERM": signal.SIGTERM,
    "SIGHUP": signal.SIGHUP,
    "SIGINT": signal.SIGINT,
    "SIGTERM in OpenSent": signal.SIGTERM,
    "graceful restart, SIGTERM": signal.SIGTERM,
}

#: what a helper says once the session is up (the text encoder's "neighbor ... up" line), then it waits
HELPER = """import sys, time
for line in sys.stdin:
    if line.rstrip().endswith(" up"):
        time.sleep(0.3)
        sys.stdout.write({command!r} + "\\n")
        sys.stdout.flush()
        break
for line in sys.stdin:
    pass
"""

#: a helper that dies at once after its first run, which lasts 3 s (the session is up by then): respawned
#: too often, it ends the daemon under api.terminate.  It reads no event: 5.0.15 exits 1 instead when it
#: fails to write one to the dead helper (a path of its own, not compared here)
DIER = """import os, sys, time
if not os.path.exists({mark!r}):
    open({mark!r}, "w").close()
    time.sleep(3)
sys.exit(1)
"""


def neighbor(port: int, extra: str = "") -> str:
    return f"""
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65001; connect {port};
    family {{ ipv4 unicast; }}
    {extra}
}}
"""


def another_neighbor(extra: str = "") -> str:
    """What a reload removing the neighbor loads: another one, passive (it never connects)."""
    return neighbor(free_port(), "passive; " + extra).replace("127.0.0.1 {", "127.0.0.9 {", 1)


def configuration(tmp_path, path: str, port: int) -> str:
    """The daemon's configuration for `path`: one active neighbor, a helper for the API paths."""
    extra = "capability { graceful-restart 120; }" if path.startswith("graceful restart") else ""
    helper = ""
    command = {"api shutdown": "shutdown", "teardown": "neighbor 127.0.0.1 teardown 2"}.get(
        path.removeprefix("graceful restart, ")
    )
    if command is not None:
        (tmp_path / "helper.py").write_text(HELPER.format(command=command))
    elif path == "api terminate":
        (tmp_path / "helper.py").write_text(DIER.format(mark=str(tmp_path / "ran")))
    if (tmp_path / "helper.py").exists():
        helper = f"process helper {{ run {sys.executable} {tmp_path / 'helper.py'}; encoder text; }}\n"
        extra += " api { processes [ helper ]; %s}" % ("" if path == "api terminate" else "neighbor-changes; ")
    return helper + neighbor(port, extra)


def established(count: int, kind: int = UPDATE):
    """A predicate: `count` connections, the last of which received a message of `kind`."""
    return lambda connections: len(connections) >= count and kind in connections[count - 1].kinds()


def record(which: str, path: str, tmp_path) -> list:
    """Run `which` daemon through `path`; per connection, (messages but KEEPALIVEs, how it ended)."""
    port = free_port()
    peer = Recorder("mute" if path.endswith("OpenSent") else "establish", port=port).start()
    conf = tmp_path / "exabgp.conf"
    conf.write_text(configuration(tmp_path, path, port))
    settings = {"exabgp_api_terminate": "true"} if path == "api terminate" else {}
    daemon = start_oracle(require_oracle(), conf, **settings) if which == "oracle" else start(conf, **settings)
    try:
        peer.wait(established(1, OPEN if path.endswith("OpenSent") else UPDATE), 15)
        # a settle, not a wait for an event: 5.0.15 must have read the peer's answer (its KEEPALIVE) before it
        # closes, or the kernel resets the connection (RST, not FIN); nothing the peer sees says when it has
        time.sleep(0.3)
        if path in SIGNALS:
            daemon.send_signal(SIGNALS[path])
        elif "reload" in path:
            if "removing" in path:
                conf.write_text(another_neighbor())
            else:
                conf.write_text(conf.read_text().replace("peer-as 65001;", "peer-as 65001; hold-time 60;"))
            daemon.send_signal(signal.SIGUSR1)
        if len(EXPECTED[path]) == 2:  # the session comes back: SIGTERM once it is up again
            peer.wait(established(2), 15)
            time.sleep(0.3)  # the same settle
            daemon.send_signal(signal.SIGTERM)
        elif path == "reload removing the neighbor":
            peer.wait(lambda connections: connections[0].end is not None, 10)
            assert daemon.poll() is None  # the daemon runs on
            daemon.send_signal(signal.SIGTERM)
        code, _, err = finish(daemon, 15)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        peer.stop()
    assert code == 0, err
    assert "Traceback" not in err
    recorded = peer.wait(lambda connections: all(c.end is not None for c in connections), 5)
    return [
        ([kind if kind != NOTIFICATION else (kind, body) for kind, body in c.messages if kind != KEEPALIVE], c.end)
        for c in recorded
    ]


@pytest.mark.parametrize("which", ["ours", "oracle"])
@pytest.mark.parametrize("path", list(EXPECTED))
def test_what_the_peer_receives_when_the_daemon_ends_the_session(tmp_path, which, path):
    assert record(which, path, tmp_path) == EXPECTED[path]


#: a helper writing every line the daemon sends it to the file named by its argument
LISTENER = """import sys
with open(sys.argv[1], "w") as out:
    for line in sys.stdin:
        out.write(line)
        out.flush()
"""


@pytest.mark.parametrize("which", ["ours", "oracle"])
def test_a_neighbor_removed_by_a_reload_is_reported_down_as_removed(tmp_path, which):
    """The ``state down`` reason 5.0.15 gives its helpers (recorded): "stop, message [removed]"."""
    port = free_port()
    peer = Recorder(port=port).start()
    (tmp_path / "listener.py").write_text(LISTENER)
    events = tmp_path / "events"
    helper = f"process helper {{ run {sys.executable} {tmp_path / 'listener.py'} {events}; encoder text; }}\n"
    subscribed = "api { processes [ helper ]; neighbor-changes; }"
    conf = tmp_path / "exabgp.conf"
    conf.write_text(helper + neighbor(port, subscribed))
    daemon = start_oracle(require_oracle(), conf) if which == "oracle" else start(conf)
    try:
        peer.wait(established(1), 15)
        conf.write_text(helper + another_neighbor(subscribed))
        daemon.send_signal(signal.SIGUSR1)
        peer.wait(lambda connections: connections[0].end is not None, 10)
        wait_until(lambda: " down - " in events.read_text(), what="the helper told of the removal")
    finally:
        daemon.send_signal(signal.SIGTERM)
        code, _, err = finish(daemon, 15)
        peer.stop()
    assert code == 0, err
    lines = [line for line in events.read_text().splitlines() if line]
    assert lines[:3] == [
        "neighbor 127.0.0.1 connected",
        "neighbor 127.0.0.1 up",
        "neighbor 127.0.0.1 down - stop, message [removed]",
    ]
