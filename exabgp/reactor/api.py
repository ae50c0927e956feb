"""The helper processes and the CLI wired to the peers (docs/compatibility.md, "Helper processes", "API output").

`Api` owns the helpers (`exabgp.reactor.processes.Processes`), the CLI pipes
(`exabgp.reactor.pipes.CliPipes`), one encoder per helper
(`exabgp.api.encoder`, ``encoder json|text``) and the per-helper
acknowledgement switch; `exabgp.reactor.commands` executes what they say,
`exabgp.reactor.answers` streams the long answers (while one streams, the
next lines of its source wait: `_command`).

What a helper is told about a neighbor comes from the neighbor's ``api``
blocks: every block names its helpers (``processes``, or the regular
expressions of ``processes-match`` against the helpers' names) and its
switches; a helper named by several blocks gets the union.  The form of the
messages is the neighbor's, as in 5.0 (which merges a neighbor's api blocks
into one): ``parsed``, ``packets`` and ``consolidate`` are those of all its
blocks (a helper that asked for packets gets the consolidated line when
another block asked for consolidate; the raw form goes to the helpers that
asked for packets, for every kind any block asks for), and so is the
negotiated block added to the message lines.  `subscribers`
turns that into one `Subscriber` per helper, computed once per connection
(`Api.reporter`); a connection nobody listens to gets no `Reporter` and
costs nothing.

A `Reporter` is the voice of one connection: the reactor calls it on the
TCP connection (``state connected``), every FSM transition (``fsm``, with
5.0's detours: an outgoing connection is preceded by ACTIVE and IDLE, an
incoming one goes through IDLE and CONNECT before OPENSENT, and the closing
IDLE comes after ``state down``, twice when the peer stops for good), the
OPEN exchange (``negotiated``), ESTABLISHED (``state up``), the end
(``state down`` with the reason; an outgoing attempt that fails is told as
a connection, CONNECT, then down "closing connection", as 5.0 tells it) and
every message sent or received
(`MessageReceived` / `MessageSent` of the session, whose mode is then
`exabgp.session.Delivery.MESSAGES`: `exabgp.reactor.peer.delivery`).  Per direction a helper asks for message kinds
(``open update notification keepalive refresh operational``) and for their
``parsed`` form (the default when neither ``parsed`` nor ``packets`` is
written, as in 5.0), the raw ``packets`` form, or ``consolidate`` (both in
one line).

Back-pressure: when a helper's queue is over its high water mark,
`exabgp.reactor.processes` calls `on_pressure`; every connection whose
received messages go to that helper stops reading from its peer until every
such helper has drained (`Connection.throttle`), so a slow helper slows the
peers down (TCP flow control) instead of growing the daemon's memory or
losing messages; the hold timer of a throttled session does not run.  A
helper that only acts on a peer, or only gets what we send, does not pause
it (an announcing script that never reads its ``done`` must not stop BGP).
"""

import os
import re
import socket
import time

from exabgp.api.encoder import OPENING, Channel, Encoder, JsonEncoder, TextEncoder
from exabgp.api.envelope import DaemonFields, NeighborFields
from exabgp.bgp.keepalive import KeepAlive
from exabgp.bgp.notification import Notification
from exabgp.bgp.open import Open
from exabgp.bgp.operational import Operational
from exabgp.bgp.refresh import RouteRefresh
from exabgp.bgp.update import Update
from exabgp.reactor.answers import Answers
from exabgp.reactor.commands import Commands
from exabgp.reactor.controller import Controller
from exabgp.reactor.pipes import CliPipes
from exabgp.reactor.processes import Processes

#: message type -> the api block's name for it
KINDS = {
    Open.TYPE: "open",
    Update.TYPE: "update",
    Notification.TYPE: "notification",
    KeepAlive.TYPE: "keepalive",
    RouteRefresh.TYPE: "refresh",
    Operational.TYPE: "operational",
}

#: the name the CLI's commands come from (it may act on every neighbor)
CLI = "api-internal-cli"


class Direction:
    """What one helper gets of the messages going one way.

    `options` are the helper's own (the api blocks naming it), `shared` the
    neighbor's (all its api blocks): 5.0 decides the form per neighbor.  The
    message kinds are the helper's own; the form (``parsed``, ``packets``,
    ``consolidate``) is the neighbor's, so a helper that asked for packets
    gets the consolidated line when another block of the neighbor asked for
    consolidate; the raw form goes to the helpers that asked for packets, for
    every kind the neighbor's blocks ask for.  5.0 honours ``consolidate`` on
    sent messages only together with ``packets``.
    """

    __slots__ = ("kinds", "raw_kinds", "parsed", "packets", "consolidate")

    def __init__(self, options: set, shared: set, receive: bool):
        self.kinds = frozenset(kind for kind in KINDS.values() if kind in options)
        self.consolidate = "consolidate" in shared and (receive or "packets" in shared)
        self.packets = "packets" in shared and not self.consolidate and "packets" in options
        self.raw_kinds = frozenset(kind for kind in KINDS.values() if kind in shared) if self.packets else frozenset()
        self.parsed = "parsed" in shared or self.consolidate or "packets" not in shared


class Subscriber:
    """What one helper is told about one neighbor: the api blocks naming it, in the form of all of them."""

    __slots__ = ("name", "changes", "negotiated", "fsm", "signal", "receive", "send")

    def __init__(self, name: str, blocks: list, every: list):
        switches = {switch for block in blocks for switch in block.switches}
        self.name = name
        self.changes = "neighbor-changes" in switches
        self.negotiated = "negotiated" in switches
        self.fsm = "fsm" in switches
        self.signal = "signal" in switches
        self.receive = Direction(
            {kind for block in blocks for kind in block.receive},
            {kind for block in every for kind in block.receive},
            True,
        )
        self.send = Direction(
            {kind for block in blocks for kind in block.send}, {kind for block in every for kind in block.send}, False
        )


def names_of(block, running) -> list:
    """The helpers an api block talks to, among the `running` ones."""
    if block.processes_match:
        patterns = [re.compile(pattern) for pattern in block.processes_match]
        return [name for name in running if any(pattern.search(name) for pattern in patterns)]
    return [name for name in block.processes if name in running]


def subscribers(neighbor, running) -> list:
    """One `Subscriber` per helper named by the neighbor's api blocks, in helper order."""
    named: dict[str, list] = {}
    for block in neighbor.api:
        for name in names_of(block, running):
            named.setdefault(name, []).append(block)
    return [Subscriber(name, named[name], list(neighbor.api)) for name in running if name in named]


class Reporter:
    """The events of one connection, written to the helpers that asked for them (module docstring)."""

    __slots__ = (
        "api",
        "neighbor",
        "subscribers",
        "messages",
        "updates",
        "direct",
        "_readers",
        "_negotiated",
        "_with_negotiated",
        "_receive",
        "_send",
        "_closing",
    )

    def __init__(self, api: "Api", neighbor: NeighborFields, found: list):
        self.api = api
        self.neighbor = neighbor
        self.subscribers = found
        self._readers = [s for s in found if "update" in s.receive.kinds and s.receive.parsed]
        self.updates = bool(self._readers)
        # the session reports every message (MessageReceived / MessageSent) only when a helper wants more
        # than the parsed UPDATEs received; those alone come the direct way: `received` and `scanned`
        self.messages = any(
            s.send.kinds or s.receive.kinds - {"update"} or s.receive.packets or s.receive.consolidate for s in found
        )
        self.direct = self.updates and not self.messages
        self._negotiated = OPENING  # what 5.0 prints in the negotiated block before the OPEN exchange
        # 5.0 adds the negotiated block to every message line of the neighbor when one of its api blocks asks
        self._with_negotiated = any(s.negotiated for s in found)
        self._make_channels()
        self._closing: str | None = None  # the state of the transition to IDLE, told after ``state down``

    def _make_channels(self) -> None:
        """The `Channel` of each direction: the form of the messages is the neighbor's (`Direction`), the
        same for every helper, so its first helper's says it."""
        negotiated = self._negotiated if self._with_negotiated else None
        first = self.subscribers[0]
        self._receive = Channel(self.neighbor, "receive", negotiated, first.receive.consolidate)
        self._send = Channel(self.neighbor, "send", negotiated, first.send.consolidate)

    def _write(self, name: str, text: str | bytes) -> None:
        if text:
            self.api.processes.write(name, text)

    def connected(self, now: float, outgoing: bool) -> None:
        if outgoing:
            self._fsm(now, "IDLE", "ACTIVE")
            self._fsm(now, "ACTIVE", "IDLE")
        for subscriber in self.subscribers:
            if subscriber.changes:
                self._write(subscriber.name, self.api.encoders[subscriber.name].connected(now, self.neighbor))

    def failed(self, now: float, reason: str) -> None:
        """An outgoing attempt that failed: 5.0 (its connect does not wait for the handshake) tells it
        connected, CONNECT, then down with `reason` and IDLE."""
        self.connected(now, True)
        self._fsm(now, "IDLE", "CONNECT")
        self._closing = "CONNECT"
        self.down(now, reason)

    def fsm(self, now: float, old, new) -> None:
        """A transition between two `exabgp.session.State`s, named as 5.0 names them (``OPENSENT``)."""
        old, new = old.name.replace("_", ""), new.name.replace("_", "")
        if new == "IDLE":
            self._closing = old
            return
        if old == "ACTIVE" and new == "OPENSENT":
            self._fsm(now, "ACTIVE", "IDLE")
            self._fsm(now, "IDLE", "CONNECT")
            old = "CONNECT"
        self._fsm(now, old, new)

    def _fsm(self, now: float, old: str, new: str) -> None:
        for subscriber in self.subscribers:
            if subscriber.fsm:
                self._write(subscriber.name, self.api.encoders[subscriber.name].fsm(now, self.neighbor, old, new))

    def negotiated(self, now: float, negotiated, local_as: int, peer_as: int) -> None:
        """The OPEN exchange is done: the envelope takes the negotiated ASNs (``local-as auto``)."""
        neighbor = self.neighbor
        self.neighbor = NeighborFields(
            neighbor.local_address, neighbor.peer_address, local_as, peer_as, neighbor.router_id
        )
        self._negotiated = negotiated
        self._make_channels()
        for subscriber in self.subscribers:
            if subscriber.negotiated:
                self._write(
                    subscriber.name, self.api.encoders[subscriber.name].negotiated(now, self.neighbor, negotiated)
                )

    def up(self, now: float) -> None:
        for subscriber in self.subscribers:
            if subscriber.changes:
                self._write(subscriber.name, self.api.encoders[subscriber.name].up(now, self.neighbor))

    def down(self, now: float, reason: str, stopped: bool = False) -> None:
        """The session ended; `stopped`: its peer stops for good (5.0 then reports IDLE twice)."""
        for subscriber in self.subscribers:
            if subscriber.changes:
                self._write(subscriber.name, self.api.encoders[subscriber.name].down(now, self.neighbor, reason))
        if self._closing is not None:
            self._fsm(now, self._closing, "IDLE")
            if stopped:
                self._fsm(now, "IDLE", "IDLE")
            self._closing = None

    def signal(self, now: float, code: int, name: str) -> None:
        for subscriber in self.subscribers:
            if subscriber.signal:
                self._write(subscriber.name, self.api.encoders[subscriber.name].signal(now, self.neighbor, code, name))

    def received(self, now: float, update, ctx) -> None:
        """An UPDATE received, for helpers that only read the parsed UPDATEs (`direct`)."""
        for subscriber in self._readers:
            encoder = self.api.encoders[subscriber.name]
            self._write(subscriber.name, encoder.update(now, self._receive, update, ctx, b"", update.body))

    def scanned(self, now: float, octets: bytes, index, ctx) -> None:
        """A run of UPDATE messages the codec vouched for and its index (`UpdatesScanned`): one call per helper
        (`direct`)."""
        for subscriber in self._readers:
            encoder = self.api.encoders[subscriber.name]
            self._write(subscriber.name, encoder.received_run(now, self._receive, octets, index, ctx))

    def message(self, now: float, direction: str, event, ctx) -> None:
        """A `MessageReceived` (direction ``receive``) or `MessageSent` (``send``) of the session."""
        kind = KINDS.get(event.msg_type)
        if kind is None:
            return
        channel = self._receive if direction == "receive" else self._send
        header = None
        for subscriber in self.subscribers:
            wanted = subscriber.receive if direction == "receive" else subscriber.send
            raw = kind in wanted.raw_kinds
            if kind not in wanted.kinds and not raw:
                continue
            encoder = self.api.encoders[subscriber.name]
            if header is None:
                header = event.header
            if raw:
                self._write(subscriber.name, encoder.packets(now, channel, event.msg_type, header, event.body))
            if kind not in wanted.kinds or not wanted.parsed or event.message is None:
                continue  # a refused message is only seen raw, as in 5.0
            if event.msg_type == Update.TYPE:
                text = encoder.update(now, channel, event.message, ctx, header, event.body)
            else:
                text = encoder.message(now, channel, event.message, header, event.body)
            self._write(subscriber.name, text)


class Api:
    """The helpers, the CLI and their encoders (see the module docstring)."""

    def __init__(self, reactor: Controller, environ: dict):
        self.reactor = reactor
        self.log = reactor.log
        self.environment = reactor.environment
        self.daemon = DaemonFields(socket.gethostname(), os.getpid(), os.getppid())
        self.encoders: dict[str, Encoder] = {}
        self.counters: dict = {}  # the JSON counter of each neighbor, shared by the JSON helpers (5.0)
        self.acks: dict[str, bool] = {}  # helper name -> whether it gets done / error
        self.configured: list[str] = []  # the names of the configured helpers, in configuration order
        self.pressed: set[str] = set()  # helpers over their high water mark
        self.processes = Processes(
            self.log,
            self.environment,
            environ,
            on_command=self._command,
            on_broken=self._broken,
            on_pressure=self._pressure,
        )
        self.pipes = CliPipes(self.log, self.environment, environ, self._cli_command)
        self.commands = Commands(reactor, self)
        self.answers = Answers(self, self.commands.execute, self.commands.is_reset)
        self._held: (
            list[tuple[str, str]] | None
        ) = []  # (source, line) read before the reactor made its peers; None after
        self._peers_of: dict[str, list] = {}  # helper name -> the peers it may act on (peers_of)

    async def start(self, configuration, configuration_dir: str) -> None:
        self._configure(configuration)
        await self.processes.start(configuration.processes, configuration_dir)
        await self.pipes.open()

    def _configure(self, configuration) -> None:
        ack = self.environment.get("api", "ack")
        self.configured = [process.name for process in configuration.processes]
        self.peers_changed()
        for process in configuration.processes:
            if process.encoder == "json":
                self.encoders[process.name] = JsonEncoder(
                    self.daemon, self.counters, self.environment.get("api", "compact")
                )
            else:
                self.encoders[process.name] = TextEncoder(self.daemon)
            self.acks.setdefault(process.name, ack)
        self.encoders[CLI] = TextEncoder(self.daemon)
        self.acks[CLI] = True

    async def reload(self, configuration, configuration_dir: str, restart_all: bool) -> None:
        self._configure(configuration)
        await self.processes.reload(configuration.processes, configuration_dir, restart_all)

    async def stop(self) -> None:
        self.answers.close()
        await self.processes.stop(lambda name: self.encoders[name].shutdown(time.time()))
        self.pipes.close()

    # ------------------------------------------------------------ events

    def reporter(self, neighbor, local_address: str):
        """The `Reporter` of a new connection to `neighbor`, or None when no helper listens."""
        found = subscribers(neighbor, self.processes.names())
        if not found:
            return None
        fields = NeighborFields(
            local_address, neighbor.peer_address, neighbor.local_as or 0, neighbor.peer_as or 0, neighbor.router_id
        )
        return Reporter(self, fields, found)

    def peers_of(self, source: str) -> list:
        """The peers helper `source` may act on (the CLI: all), in configuration order.

        A helper is known by its configured name: a (re)started helper may speak before `Processes`
        lists it as running.  The answer is kept until `peers_changed` (every command asks).
        """
        peers = self._peers_of.get(source)
        if peers is None:
            peers = self._peers_of[source] = [
                peer
                for peer in self.reactor.peers
                if source == CLI or any(source in names_of(block, self.configured) for block in peer.neighbor.api)
            ]
        return peers

    def peers_changed(self) -> None:
        """The reactor added, removed or reconfigured peers: `peers_of` is asked again."""
        self._peers_of.clear()

    def throttled(self, reporter) -> bool:
        """Whether a connection reporting with `reporter` must stop reading: a helper told of its received
        messages is full (reading the peer is what feeds it; a helper that only acts on the peer, or gets
        what we send, does not slow the peer down)."""
        pressed = self.pressed
        return bool(pressed) and any(s.name in pressed and s.receive.kinds for s in reporter.subscribers)

    def _pressure(self, name: str, pressed: bool) -> None:
        if pressed:
            self.pressed.add(name)  # exabgp.reactor.processes logs it
        else:
            self.pressed.discard(name)
        self.reactor.throttle()

    def _broken(self, name: str) -> None:
        if self.environment.get("api", "terminate"):
            self.log.critical("api", f"process {name} can not run, terminating")
            self.reactor.shutdown()

    # ------------------------------------------------------------ commands

    def _command(self, name: str, line: str) -> None:
        if self._held is not None:
            self._held.append((name, line))
        elif self.answers.busy(name):  # its answer streams: the next lines wait for its end
            self.answers.hold(name, line)
        else:
            self.commands.execute(name, line)

    def _cli_command(self, line: str) -> None:
        self._command(CLI, line)

    def open_commands(self) -> None:
        """The reactor made its peers: execute the commands read until now, and the next ones as they come.

        Helpers start before the peers exist (and before the ``tcp.delay`` wait); what they say at once
        (typically their routes) waits for the peers instead of finding no neighbor, as 5.0 applies it
        to the configured neighbors.
        """
        held, self._held = self._held, None
        for name, line in held or ():
            self.commands.execute(name, line)

    def answer(self, name: str, text: str) -> None:
        """One line of a reply to a helper or to the CLI."""
        self.write(name, text + "\n")

    def write(self, name: str, text: str) -> None:
        """Text of a reply (whole lines, or part of one) to a helper or to the CLI."""
        if name == CLI:
            self.pipes.write(text)
        else:
            self.processes.write(name, text)

    def room(self, name: str, limit: int):
        """Whether at most `limit` octets of replies wait for the reader of `name`: True, False (no reader any
        more), or a future of the answer (`exabgp.reactor.answers`)."""
        if name == CLI:
            return self.pipes.room(limit)
        return self.processes.room(name, limit)

    def streaming(self, name: str, on: bool) -> None:
        """A long answer to `name` starts or ends: the CLI's ``.out`` stays open meanwhile."""
        if name == CLI:
            self.pipes.hold(on)

    def ack(self, name: str, success: bool) -> None:
        if self.acks.get(name, True):
            self.answer(name, "done" if success else "error")
