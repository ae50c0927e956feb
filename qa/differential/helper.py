"""What helpers receive: the same UPDATE streams sent to ExaBGP 5.0.15 and to our daemon, lines compared.

A run takes a list of `Stream`s (`qa.differential.streams` builds them: real
captures, the project's vectors, a slice of a generated full table, seeded
messages for every family, malformed UPDATEs).  Each daemon is given one
configuration (`configuration`) with six helpers (`HELPERS`: json and text
encoders for each of the `PROFILES` parsed, packets and parsed + packets +
consolidate) and, per stream and profile, one neighbor (127.0.P.N, passive,
listening on 127.0.0.1) with the families and capabilities the stream asks
and one api block: neighbor-changes, negotiated and every received message
kind, for the profile's two helpers.  One api block per neighbor, because
5.0 decides the parsed / packets / consolidate form per neighbor (the union
of its api blocks), not per helper.  A helper is ``helper_lines.py``: a real
process on the daemon's pipe appending each line to a file.

The feeder (`session`) is a BGP speaker over a blocking socket: for each
stream and profile it connects from that neighbor's address, sends its OPEN
(the stream's `Capabilities`, framed with `qa.peer`'s parameter code) and a
KEEPALIVE, waits for the daemon's OPEN and KEEPALIVE, sends the stream, then
ends the session the stream's way (a Cease NOTIFICATION, or only closing its
side) and reads until the daemon closes; the NOTIFICATIONs the daemon sent
are compared too (code and subcode: their data is free text in 5.0.15).
Both daemons run at once (one feeder thread each); the sessions of one daemon
go one after the other.

Once every session is down and the helpers' files stop growing, the lines
are grouped per (helper, neighbor), blank lines with the line before (for an
active neighbor, up to the end of its session: `first_session`), and
compared in order after `mask`: the envelope's ``time``, ``host``, ``pid``,
``ppid`` and ``counter`` (the only per-run fields of 5.0.15's lines: the
neighbor's addresses, ASNs and router-id are the configuration's, ports are
not printed; text lines have none).  A (helper, neighbor) whose lines
differ is a divergence unless `qa.differential.known.explain` names it:
line by line (`LineCase`) or, for a session that ends differently, as a
whole (`SessionCase`).

    python -m qa.differential.helper --seed N --count N [-v]

prints the counts (streams, messages, lines compared, divergences, known)
and each divergence (with -v the known ones too); the exit code is 1 when
one is unexplained.
"""

import argparse
import dataclasses
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from qa import oracle
from qa.daemon import environment as daemon_environment
from qa.daemon import free_port
from qa.differential import known
from qa.peer import CAPABILITIES_PARAMETER, HEADER_LENGTH, KEEPALIVE, NOTIFICATION, OPEN, join_parameters, message

LOCAL_AS = 65000  # the daemons' AS
PEER_AS = 65001  # the feeder's AS
PEER_ROUTER_ID = "10.0.0.2"
DAEMON_ROUTER_ID = "10.0.0.1"
HOLD_TIME = 180
CEASE_ADMINISTRATIVE_SHUTDOWN = bytes([6, 2])
HELPER_LINES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helper_lines.py")

#: the forms a helper may ask for; one neighbor per (stream, profile), one api block, two helpers (json, text).
#: 5.0 decides the form per neighbor (the union of its api blocks), so each profile has neighbors of its own
PROFILES = {
    "parsed": "parsed;",
    "packets": "packets;",
    "consolidate": "parsed; packets; consolidate;",
}
ENCODERS = ("json", "text")
#: helper name -> (encoder, profile)
HELPERS = {f"{encoder}-{profile}": (encoder, profile) for profile in PROFILES for encoder in ENCODERS}
MESSAGE_KINDS = "update; open; notification; keepalive; refresh; operational;"

# RFC 5492 capability codes the feeder sends
_MULTIPROTOCOL, _ROUTE_REFRESH, _EXTENDED_NEXT_HOP, _EXTENDED_MESSAGE = 1, 2, 5, 6
_FOUR_OCTET_AS, _ADD_PATH, _OPERATIONAL = 65, 69, 185
_AS_TRANS = 23456
ADD_PATH_MODES = {1: "receive", 2: "send", 3: "send/receive"}
#: the families 5.0's configuration names only through ``family { all; }``
ONLY_THROUGH_ALL = ("ipv6 multicast", "ipv4 rtc")


@dataclasses.dataclass(frozen=True)
class Capabilities:
    """What one session negotiates: the feeder's OPEN and the daemon's neighbor configuration alike.

    `add_path` holds ``(afi, safi, mode)`` for the feeder (RFC 7911: 1
    receive, 2 send, 3 both); the daemon is configured with the mirror mode
    for the same families, so a feeder that sends path identifiers talks to
    a daemon that receives them.
    """

    families: tuple  # (afi, safi) pairs
    asn4: bool = True
    add_path: tuple = ()
    extended_message: bool = False
    extended_next_hop: tuple = ()  # (afi, safi, next-hop afi)
    operational: bool = False
    announced: tuple = ()  # more (code, value) capabilities the feeder announces, the daemon not configured

    def open_body(self) -> bytes:
        """The feeder's OPEN body (RFC 4271 4.2, capabilities of RFC 5492)."""
        tlvs = [(_MULTIPROTOCOL, struct.pack("!HBB", afi, 0, safi)) for afi, safi in self.families]
        tlvs.append((_ROUTE_REFRESH, b""))
        if self.asn4:
            tlvs.append((_FOUR_OCTET_AS, PEER_AS.to_bytes(4, "big")))
        if self.add_path:
            tlvs.append((_ADD_PATH, b"".join(struct.pack("!HBB", *entry) for entry in self.add_path)))
        if self.extended_message:
            tlvs.append((_EXTENDED_MESSAGE, b""))
        if self.extended_next_hop:
            tlvs.append((_EXTENDED_NEXT_HOP, b"".join(struct.pack("!HHH", *entry) for entry in self.extended_next_hop)))
        if self.operational:
            tlvs.append((_OPERATIONAL, b""))
        tlvs.extend(self.announced)
        parameters = [(CAPABILITIES_PARAMETER, bytes([code, len(value)]) + value) for code, value in tlvs]
        asn = PEER_AS if PEER_AS < 65536 else _AS_TRANS
        identifier = socket.inet_aton(PEER_ROUTER_ID)
        return struct.pack("!BHH", 4, asn, HOLD_TIME) + identifier + join_parameters(parameters, False)

    def neighbor_lines(self) -> list:
        """The capability, family, add-path and nexthop blocks of the daemon's neighbor."""
        from exabgp.bgp.family import FAMILIES, afi_name

        lines = [
            "    capability {",
            "        route-refresh enable;",
            f"        asn4 {'enable' if self.asn4 else 'disable'};",
            f"        extended-message {'enable' if self.extended_message else 'disable'};",
        ]
        if self.add_path:
            modes = {3 if mode == 3 else 3 - mode for _afi, _safi, mode in self.add_path}
            lines.append(f"        add-path {ADD_PATH_MODES[3 if len(modes) > 1 else modes.pop()]};")
        if self.extended_next_hop:
            lines.append("        nexthop enable;")
        if self.operational:
            lines.append("        operational enable;")
        lines.append("    }")
        names = [FAMILIES[family][0] for family in self.families]
        if any(name in ONLY_THROUGH_ALL for name in names):
            names = ["all"]
        lines += ["    family {", *[f"        {name};" for name in names], "    }"]
        if self.add_path:
            lines += [
                "    add-path {",
                *[f"        {FAMILIES[(afi, safi)][0]};" for afi, safi, _mode in self.add_path],
                "    }",
            ]
        if self.extended_next_hop:
            lines += [
                "    nexthop {",
                *[
                    f"        {FAMILIES[(afi, safi)][0]} {afi_name(nexthop)};"
                    for afi, safi, nexthop in self.extended_next_hop
                ],
                "    }",
            ]
        return lines


@dataclasses.dataclass
class Stream:
    """One session's input: what the feeder negotiates, the messages it sends, how it ends."""

    name: str
    capabilities: Capabilities
    messages: list  # whole BGP messages (marker included), sent in order
    ending: str = "notification"  # "notification" (Cease / Administrative Shutdown) or "close"
    active: bool = False  # the daemon connects to the feeder (else the feeder connects to it)


# -- the daemons ---------------------------------------------------------------------------------


def neighbor_address(index: int, profile: str) -> str:
    """The feeder's address for stream `index` under `profile` (the daemon tells the sessions apart by it)."""
    return f"127.0.{list(PROFILES).index(profile) + 1}.{index + 2}"


def configuration(streams: list, port: int, directory: str, listeners: dict = None) -> str:
    """The configuration both daemons run: the `HELPERS`, one neighbor per stream and profile.

    A passive neighbor listens on `port`; an active one (`Stream.active`) connects to the feeder's
    listener for it, ``listeners[(stream index, profile)]`` (a listening socket)."""
    parts = []
    for name, (encoder, _profile) in HELPERS.items():
        output = os.path.join(directory, f"{name}.lines")
        parts += [
            f"process {name} {{",
            f"    run {sys.executable} {HELPER_LINES} {output};",
            f"    encoder {encoder};",
            "}",
        ]
    for index, stream in enumerate(streams):
        for profile, options in PROFILES.items():
            helpers = " ".join(f"{encoder}-{profile}" for encoder in ENCODERS)
            if stream.active:
                reach = [f"    connect {listeners[(index, profile)].getsockname()[1]};"]
            else:
                reach = ["    passive;", f"    listen {port};"]
            parts += [
                f"neighbor {neighbor_address(index, profile)} {{",
                f"    router-id {DAEMON_ROUTER_ID};",
                "    local-address 127.0.0.1;",
                f"    local-as {LOCAL_AS};",
                f"    peer-as {PEER_AS};",
                f"    hold-time {HOLD_TIME};",
                *reach,
                *stream.capabilities.neighbor_lines(),
                "    api {",
                f"        processes [ {helpers} ];",
                "        neighbor-changes;",
                "        negotiated;",
                "        fsm;",
                f"        receive {{ {options} {MESSAGE_KINDS} }}",
                "    }",
                "}",
            ]
    return "\n".join(parts) + "\n"


def _environment(ours: bool) -> dict:
    """`qa.daemon.environment` (no CLI pipes, no privilege drop, no log), without PYTHONPATH for 5.0.15."""
    env = daemon_environment(exabgp_daemon_drop="false", exabgp_api_cli="false", exabgp_log_enable="false")
    if not ours:
        del env["PYTHONPATH"]  # 5.0.15 imports its own package, not this checkout
    return env


class Daemon:
    """One daemon (ours or 5.0.15) in a directory of its own, running `text` (``{port}`` and ``{directory}``
    filled in), by default `configuration(streams, ...)`; `helpers` are the names of its recorder helpers."""

    def __init__(self, name: str, command: list, streams: list, directory: str, text: str = None, helpers=HELPERS):
        self.name = name
        self.directory = directory
        self.port = free_port()
        self.helpers = list(helpers)
        self.listeners = {}  # (stream index, profile) -> the feeder's listening socket, for active neighbors
        for index, stream in enumerate(streams):
            for profile in PROFILES if stream.active else ():
                listener = socket.socket()
                listener.bind((neighbor_address(index, profile), 0))
                listener.listen(1)
                self.listeners[(index, profile)] = listener
        path = os.path.join(directory, "exabgp.conf")
        with open(path, "w") as handle:
            handle.write(
                configuration(streams, self.port, directory, self.listeners)
                if text is None
                else text.format(port=self.port, directory=directory)
            )
        self.log = open(os.path.join(directory, "daemon.log"), "wb")
        self.process = subprocess.Popen(
            [*command, path],
            cwd=directory,
            env=_environment(name == "ours"),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def lines(self) -> dict:
        """Helper name -> the lines (octets, without the newline) it has received so far."""
        found = {}
        for name in self.helpers:
            try:
                with open(os.path.join(self.directory, f"{name}.lines"), "rb") as handle:
                    found[name] = handle.read().split(b"\n")[:-1]
            except FileNotFoundError:
                found[name] = []
        return found

    def stop(self) -> None:
        for listener in self.listeners.values():
            listener.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def output(self) -> str:
        with open(os.path.join(self.directory, "daemon.log"), "rb") as handle:
            return handle.read().decode("utf-8", "replace")[-3000:]


# -- the feeder ----------------------------------------------------------------------------------


class Connection:
    """The feeder's side of one session: whole messages in and out of a blocking socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def receive(self, deadline: float):
        """The next whole message, or None at the end of the connection."""
        while True:
            if len(self.buffer) >= HEADER_LENGTH:
                length = int.from_bytes(self.buffer[16:18], "big")
                if length >= HEADER_LENGTH and len(self.buffer) >= length:
                    data, self.buffer = self.buffer[:length], self.buffer[length:]
                    return data
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the daemon kept the session open")
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not data:
                return None
            self.buffer += data


def connect(source: str, daemon: Daemon, deadline: float) -> socket.socket:
    """A connection from `source` to the daemon's listener, retried while it starts."""
    while True:
        if daemon.process.poll() is not None:
            raise RuntimeError(f"the daemon exited ({daemon.process.returncode})")
        sock = socket.socket()
        sock.bind((source, 0))
        try:
            sock.connect(("127.0.0.1", daemon.port))
            return sock
        except ConnectionRefusedError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def feed(daemon: Daemon, streams: list, timeout: float = 120.0) -> dict:
    """Each stream's sessions, one after the other; (stream, profile) -> the messages the daemon sent."""
    sent = {}
    for index, stream in enumerate(streams):
        for profile in PROFILES:
            listener = daemon.listeners.get((index, profile))
            sent[(index, profile)] = session(daemon, stream, neighbor_address(index, profile), timeout, listener)
    return sent


def accept(listener, daemon: Daemon, deadline: float) -> socket.socket:
    """The daemon's connection to `listener` (closed then: the daemon's next attempts are refused)."""
    listener.settimeout(0.2)
    try:
        while True:
            if daemon.process.poll() is not None:
                raise RuntimeError(f"the daemon exited ({daemon.process.returncode})")
            if time.monotonic() > deadline:
                raise TimeoutError("the daemon did not connect")
            try:
                sock, _ = listener.accept()
                sock.settimeout(None)
                return sock
            except socket.timeout:
                continue
    finally:
        listener.close()


def session(daemon: Daemon, stream: Stream, address: str, timeout: float, listener=None) -> list:
    """One session with `address` (the feeder connects from it, or accepts on `listener`, active neighbors):
    the stream sent, the session ended; the messages the daemon sent."""
    deadline = time.monotonic() + timeout
    sock = accept(listener, daemon, deadline) if listener is not None else connect(address, daemon, deadline)
    connection = Connection(sock)
    received = []
    try:
        sock.sendall(message(OPEN, stream.capabilities.open_body()) + message(KEEPALIVE))
        while not any(data[18] == KEEPALIVE for data in received):
            data = connection.receive(deadline)
            if data is None:
                break
            received.append(data)
        else:
            writer = threading.Thread(target=_send, args=(sock, stream), daemon=True)
            writer.start()
            while (data := connection.receive(deadline)) is not None:
                received.append(data)
            writer.join()
    finally:
        sock.close()
    return [data for data in received if data[18] != KEEPALIVE]


def _send(sock, stream: Stream) -> None:
    """The stream, then its ending; the daemon may have closed already (a malformed UPDATE)."""
    try:
        chunk = []
        size = 0
        for data in stream.messages:
            chunk.append(data)
            size += len(data)
            if size > 65536:
                sock.sendall(b"".join(chunk))
                chunk, size = [], 0
        sock.sendall(b"".join(chunk))
        if stream.ending == "notification":
            sock.sendall(message(NOTIFICATION, CEASE_ADMINISTRATIVE_SHUTDOWN))
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass


# -- the comparison ------------------------------------------------------------------------------

_VOLATILE = re.compile(
    rb'("time": )[0-9.e+-]+|("host" : )"(?:[^"\\]|\\.)*"|("pid" : )[0-9]+|("ppid" : )[0-9]+'
    rb'|("counter": )[0-9]+'
)


def mask(line: bytes) -> bytes:
    """`line` with the envelope's per-run values replaced by ``*``."""
    return _VOLATILE.sub(lambda found: next(group for group in found.groups() if group) + b"*", line)


_JSON_PEER = re.compile(rb'"peer": "([^"]+)"')


def neighbor_of(line: bytes) -> str:
    """The neighbor a helper line is about ("" for none)."""
    if line.startswith(b"{"):
        found = _JSON_PEER.search(line)
        return found.group(1).decode() if found else ""
    parts = line.split(b" ", 2)
    return parts[1].decode() if len(parts) > 1 and parts[0] == b"neighbor" else ""


def lines_of(lines: list, address: str) -> list:
    """The lines about neighbor `address`; an empty line (the text encoder's separator) goes with the one before."""
    found = []
    current = ""
    for line in lines:
        if line:
            current = neighbor_of(line)
        if current == address:
            found.append(line)
    return found


def first_session(lines: list) -> list:
    """`lines` up to the end of the first session: its ``down`` line and the blank and FSM IDLE lines after it.

    After it an active daemon tries again, refused, as often as its backoff allows before it is
    stopped: how many attempts is a matter of timing, so an active stream is compared this far.
    """
    for position, line in enumerate(lines):
        if b'"state": "down"' in line or b" down - " in line:
            end = position + 1
            while end < len(lines) and (
                not lines[end] or (b'"type": "fsm"' in lines[end] and b'"state": "IDLE"' in lines[end])
            ):
                end += 1
            return lines[:end]
    return lines


@dataclasses.dataclass(frozen=True)
class LineCase:
    """One helper line that differs, at the same place in both sequences (what `known` entries see)."""

    stream: Stream
    helper: str
    index: int


@dataclasses.dataclass(frozen=True)
class SessionCase:
    """The whole sequence of one helper's lines about one session (when line by line does not explain it)."""

    stream: Stream
    helper: str


@dataclasses.dataclass
class Divergence:
    """One (stream, helper) whose lines differ; the first differing line is shown."""

    stream: str
    helper: str
    index: int
    ours: bytes | None
    theirs: bytes | None
    known: str | None = None

    def __str__(self):
        head = f"{self.stream} / {self.helper} line {self.index}"
        if self.known:
            head += f" (known: {self.known})"
        return f"{head}\n  ours:   {_show(self.ours)}\n  5.0.15: {_show(self.theirs)}"


def _show(line):
    return "(none)" if line is None else line.decode("utf-8", "replace")


@dataclasses.dataclass
class Result:
    streams: int = 0
    messages: int = 0
    lines: int = 0
    divergences: list = dataclasses.field(default_factory=list)

    @property
    def unexplained(self) -> list:
        return [item for item in self.divergences if item.known is None]

    def summary(self) -> str:
        explained = len(self.divergences) - len(self.unexplained)
        return (
            f"streams {self.streams}, messages {self.messages}, lines compared {self.lines}, "
            f"divergences {len(self.unexplained)}, known {explained}"
        )


def explain_sequence(stream: Stream, helper: str, mine: list, reference: list):
    """None when the sequences are equal, else the `Divergence` (its `known` set when an entry explains it).

    Line by line first: every differing line must be explained by one line entry; otherwise the whole
    sequence is offered to the session entries (a session that ends differently).
    """
    if mine == reference:
        return None
    differing = [
        index
        for index in range(max(len(mine), len(reference)))
        if index >= len(mine) or index >= len(reference) or mine[index] != reference[index]
    ]
    first = differing[0]
    found = Divergence(
        stream.name,
        helper,
        first,
        mine[first] if first < len(mine) else None,
        reference[first] if first < len(reference) else None,
    )
    if len(mine) == len(reference):
        names = {
            known.explain("helper", LineCase(stream, helper, index), mine[index], reference[index])
            for index in differing
        }
        if None not in names:
            found.known = ", ".join(sorted(names))
            return found
    found.known = known.explain("helper", SessionCase(stream, helper), mine, reference)
    return found


def compare(streams: list, ours: dict, theirs: dict, sent_ours: dict, sent_theirs: dict, result: Result) -> None:
    """Add to `result` the lines of each (helper, stream) and every sequence that differs."""
    for index, stream in enumerate(streams):
        for helper, (_encoder, profile) in HELPERS.items():
            address = neighbor_address(index, profile)
            mine = [mask(line) for line in lines_of(ours[helper], address)]
            reference = [mask(line) for line in lines_of(theirs[helper], address)]
            if stream.active:
                mine, reference = first_session(mine), first_session(reference)
            result.lines += max(len(mine), len(reference))
            divergence = explain_sequence(stream, helper, mine, reference)
            if divergence is not None:
                result.divergences.append(divergence)
        for profile in PROFILES:
            mine = [data for data in sent_ours[(index, profile)] if data[18] == NOTIFICATION]
            reference = [data for data in sent_theirs[(index, profile)] if data[18] == NOTIFICATION]
            if [data[19:21] for data in mine] != [data[19:21] for data in reference]:
                name = known.explain("helper", SessionCase(stream, "notification"), mine, reference)
                result.divergences.append(
                    Divergence(
                        stream.name,
                        f"NOTIFICATION sent ({profile})",
                        0,
                        b" ".join(data.hex().encode() for data in mine),
                        b" ".join(data.hex().encode() for data in reference),
                        name,
                    )
                )


def settle(daemons: list, quiet: float = 1.0, timeout: float = 60.0) -> None:
    """Wait until no helper file of any daemon has grown for `quiet` seconds."""
    end = time.monotonic() + timeout
    last = None
    stable_since = time.monotonic()
    while time.monotonic() < end:
        sizes = [
            os.path.getsize(os.path.join(daemon.directory, f"{name}.lines"))
            if os.path.exists(os.path.join(daemon.directory, f"{name}.lines"))
            else -1
            for daemon in daemons
            for name in daemon.helpers
        ]
        if sizes != last:
            last, stable_since = sizes, time.monotonic()
        elif time.monotonic() - stable_since >= quiet:
            return
        time.sleep(0.1)


def run(streams: list, directory: str, result: Result, reference: str) -> None:
    """Our daemon and `reference` (5.0.15's ``exabgp``) on `streams`; the comparison added to `result`."""
    daemons = []
    try:
        for name, command in (("ours", [sys.executable, "-m", "exabgp", "server"]), ("5.0.15", [reference])):
            place = os.path.join(directory, name)
            os.makedirs(place, exist_ok=True)
            daemons.append(Daemon(name, command, streams, place))
        outcomes = [None, None]

        def drive(slot, daemon):
            try:
                outcomes[slot] = feed(daemon, streams)
            except Exception as error:  # reported below with the daemon's output
                outcomes[slot] = error

        threads = [threading.Thread(target=drive, args=(slot, daemon)) for slot, daemon in enumerate(daemons)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for daemon, outcome in zip(daemons, outcomes, strict=False):
            if isinstance(outcome, Exception):
                raise RuntimeError(f"feeding {daemon.name} failed: {outcome!r}\n{daemon.output()}") from outcome
        settle(daemons)
        compare(streams, daemons[0].lines(), daemons[1].lines(), outcomes[0], outcomes[1], result)
        result.streams += len(streams)
        result.messages += sum(len(stream.messages) for stream in streams)
    finally:
        for daemon in daemons:
            daemon.stop()


def run_all(seed: int, count: int, corpus: int, directory: str, reference: str) -> Result:
    """Every batch of `qa.differential.streams` for `seed`, each with a pair of daemons of its own."""
    from qa.differential import streams as builder

    result = Result()
    for number, batch in enumerate(builder.batches(seed, count, corpus)):
        run(batch, os.path.join(directory, f"batch{number}"), result, reference)
    return result


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.differential.helper", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated streams (replays a run)")
    parser.add_argument("--count", type=int, default=200, help="generated messages per family stream")
    parser.add_argument("--corpus", type=int, default=2000, help="prefixes of the full-table slice")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every divergence, known ones too")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory (printed)")
    options = parser.parse_args(arguments)
    directory = tempfile.mkdtemp(prefix="differential-helper-")
    try:
        result = run_all(options.seed, options.count, options.corpus, directory, oracle.oracle_program())
    finally:
        if options.keep:
            print(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    for divergence in result.divergences:
        if options.verbose or divergence.known is None:
            print(divergence)
    print(result.summary())
    return 1 if result.unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
