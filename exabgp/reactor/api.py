"""The helper processes and the CLI wired to the peers (SURFACE.md 3.10, 4, 5).

`Api` owns the helpers (`exabgp.reactor.processes.Processes`), the CLI pipes
(`exabgp.reactor.pipes.CliPipes`), one encoder per helper
(`exabgp.api.encoder`, ``encoder json|text``) and the per-helper
acknowledgement switch; `exabgp.reactor.commands` executes what they say.

What a helper is told about a neighbor comes from the neighbor's ``api``
blocks: every block names its helpers (``processes``, or the regular
expressions of ``processes-match`` against the helpers' names) and its
switches; a helper named by several blocks gets the union.  `subscribers`
turns that into one `Subscriber` per helper, computed once per connection
(`Api.reporter`); a connection nobody listens to gets no `Reporter` and
costs nothing.

A `Reporter` is the voice of one connection: the reactor calls it on the
TCP connection (``state connected``), every FSM transition (``fsm``), the
OPEN exchange (``negotiated``), ESTABLISHED (``state up``), the end
(``state down`` with the reason) and every message sent or received
(`MessageReceived` / `MessageSent` of the session, which runs with
``report_messages`` for it).  Per direction a helper asks for message kinds
(``open update notification keepalive refresh operational``) and for their
``parsed`` form (the default when neither ``parsed`` nor ``packets`` is
written, as in 5.0), the raw ``packets`` form, or ``consolidate`` (both in
one line).

Back-pressure: when a helper's queue is over its high water mark,
`exabgp.reactor.processes` calls `on_pressure`; every connection reporting
to that helper stops reading from its peer until every helper it reports to
has drained (`Connection.throttle`), so a slow helper slows the peers down
(TCP flow control) instead of growing the daemon's memory or losing
messages; the hold timer of a throttled session does not run.
"""

import os
import re
import socket
import time

from exabgp.api.encoder import OPENING, JsonEncoder, TextEncoder
from exabgp.api.envelope import Peer as EnvelopePeer
from exabgp.api.envelope import Speaker
from exabgp.bgp.keepalive import KeepAlive
from exabgp.bgp.notification import Notification
from exabgp.bgp.open import Open
from exabgp.bgp.operational import Operational
from exabgp.bgp.refresh import RouteRefresh
from exabgp.bgp.update import Update
from exabgp.reactor.commands import Commands
from exabgp.reactor.pipes import CliPipes
from exabgp.reactor.processes import Processes

#: message type -> (the api block's name for it, the encoder's method)
KINDS = {
    Open.TYPE: ("open", "open"),
    Update.TYPE: ("update", "update"),
    Notification.TYPE: ("notification", "notification"),
    KeepAlive.TYPE: ("keepalive", "keepalive"),
    RouteRefresh.TYPE: ("refresh", "refresh"),
    Operational.TYPE: ("operational", "operational"),
}

#: the name the CLI's commands come from (it may act on every neighbor)
CLI = "api-internal-cli"


class Direction:
    """What one helper wants of the messages going one way.

    5.0 honours ``consolidate`` on sent messages only together with ``packets``.
    """

    __slots__ = ("kinds", "parsed", "packets", "consolidate")

    def __init__(self, options: set, receive: bool):
        self.kinds = frozenset(kind for kind, _ in KINDS.values() if kind in options)
        self.consolidate = "consolidate" in options and (receive or "packets" in options)
        self.packets = "packets" in options and not self.consolidate
        self.parsed = "parsed" in options or self.consolidate or "packets" not in options


class Subscriber:
    """What one helper is told about one neighbor: the union of the api blocks naming it."""

    __slots__ = ("name", "changes", "negotiated", "fsm", "signal", "receive", "send")

    def __init__(self, name: str, blocks: list):
        switches = {switch for block in blocks for switch in block.switches}
        self.name = name
        self.changes = "neighbor-changes" in switches
        self.negotiated = "negotiated" in switches
        self.fsm = "fsm" in switches
        self.signal = "signal" in switches
        self.receive = Direction({kind for block in blocks for kind in block.receive}, True)
        self.send = Direction({kind for block in blocks for kind in block.send}, False)


def names_of(block, running) -> list:
    """The helpers an api block talks to, among the `running` ones."""
    if block.processes_match:
        patterns = [re.compile(pattern) for pattern in block.processes_match]
        return [name for name in running if any(pattern.search(name) for pattern in patterns)]
    return [name for name in block.processes if name in running]


def subscribers(neighbor, running) -> list:
    """One `Subscriber` per helper named by the neighbor's api blocks, in helper order."""
    named = {}
    for block in neighbor.api:
        for name in names_of(block, running):
            named.setdefault(name, []).append(block)
    return [Subscriber(name, named[name]) for name in running if name in named]


class Reporter:
    """The events of one connection, written to the helpers that asked for them (module docstring)."""

    __slots__ = ("api", "peer", "subscribers", "messages", "updates", "_negotiated")

    def __init__(self, api, peer: EnvelopePeer, found: list):
        self.api = api
        self.peer = peer
        self.subscribers = found
        self.messages = any(s.receive.kinds or s.send.kinds for s in found)
        self.updates = any("update" in s.receive.kinds for s in found)
        self._negotiated = OPENING  # what 5.0 prints in the negotiated block before the OPEN exchange

    def _write(self, name: str, text: str) -> None:
        if text:
            self.api.processes.write(name, text[:-1] if text.endswith("\n") else text)

    def connected(self, now: float) -> None:
        for subscriber in self.subscribers:
            if subscriber.changes:
                self._write(subscriber.name, self.api.encoders[subscriber.name].connected(now, self.peer))

    def fsm(self, now: float, old, new) -> None:
        """A transition between two `exabgp.session.State`s, named as 5.0 names them (``OPENSENT``)."""
        old, new = old.name.replace("_", ""), new.name.replace("_", "")
        for subscriber in self.subscribers:
            if subscriber.fsm:
                self._write(subscriber.name, self.api.encoders[subscriber.name].fsm(now, self.peer, old, new))

    def negotiated(self, now: float, negotiated, local_as: int, peer_as: int) -> None:
        """The OPEN exchange is done: the envelope takes the negotiated ASNs (``local-as auto``)."""
        peer = self.peer
        self.peer = EnvelopePeer(peer.local_address, peer.peer_address, local_as, peer_as, peer.router_id)
        self._negotiated = negotiated
        for subscriber in self.subscribers:
            if subscriber.negotiated:
                self._write(subscriber.name, self.api.encoders[subscriber.name].negotiated(now, self.peer, negotiated))

    def up(self, now: float) -> None:
        for subscriber in self.subscribers:
            if subscriber.changes:
                self._write(subscriber.name, self.api.encoders[subscriber.name].up(now, self.peer))

    def down(self, now: float, reason: str) -> None:
        for subscriber in self.subscribers:
            if subscriber.changes:
                self._write(subscriber.name, self.api.encoders[subscriber.name].down(now, self.peer, reason))

    def signal(self, now: float, code: int, name: str) -> None:
        for subscriber in self.subscribers:
            if subscriber.signal:
                self._write(subscriber.name, self.api.encoders[subscriber.name].signal(now, self.peer, code, name))

    def message(self, now: float, direction: str, event, ctx) -> None:
        """A `MessageReceived` (direction ``receive``) or `MessageSent` (``send``) of the session."""
        kind, method = KINDS.get(event.msg_type, (None, None))
        if kind is None:
            return
        header = None
        for subscriber in self.subscribers:
            wanted = subscriber.receive if direction == "receive" else subscriber.send
            if kind not in wanted.kinds:
                continue
            encoder = self.api.encoders[subscriber.name]
            negotiated = self._negotiated if subscriber.negotiated else None
            if header is None:
                header = event.header
            if wanted.packets:
                self._write(subscriber.name, encoder.packets(now, self.peer, direction, event.msg_type, header,
                                                             event.body, negotiated))
            if not wanted.parsed:
                continue
            if event.msg_type == Update.TYPE:
                text = encoder.update(now, self.peer, direction, event.message, ctx, header, event.body, negotiated,
                                      wanted.consolidate)
            else:
                text = getattr(encoder, method)(now, self.peer, direction, event.message, header, event.body,
                                                negotiated, wanted.consolidate)
            self._write(subscriber.name, text)


class Api:
    """The helpers, the CLI and their encoders (see the module docstring)."""

    def __init__(self, reactor, environ: dict):
        self.reactor = reactor
        self.log = reactor.log
        self.environment = reactor.environment
        self.speaker = Speaker(socket.gethostname(), os.getpid(), os.getppid())
        self.encoders = {}
        self.counters = {}            # the JSON counter of each neighbor, shared by the JSON helpers (5.0)
        self.acks = {}                # helper name -> whether it gets done / error
        self.pressed = set()          # helpers over their high water mark
        self.processes = Processes(self.log, self.environment, environ, on_command=self._command,
                                   on_broken=self._broken, on_pressure=self._pressure)
        self.pipes = CliPipes(self.log, self.environment, environ, self._cli_command)
        self.commands = Commands(reactor, self)

    async def start(self, configuration, configuration_dir: str) -> None:
        self._configure(configuration)
        await self.processes.start(configuration.processes, configuration_dir)
        await self.pipes.open()

    def _configure(self, configuration) -> None:
        ack = self.environment.get("api", "ack")
        for process in configuration.processes:
            if process.encoder == "json":
                self.encoders[process.name] = JsonEncoder(self.speaker, self.counters)
            else:
                self.encoders[process.name] = TextEncoder(self.speaker)
            self.acks.setdefault(process.name, ack)
        self.encoders[CLI] = TextEncoder(self.speaker)
        self.acks[CLI] = True

    async def reload(self, configuration, configuration_dir: str, restart_all: bool) -> None:
        self._configure(configuration)
        await self.processes.reload(configuration.processes, configuration_dir, restart_all)

    async def stop(self) -> None:
        await self.processes.stop(lambda name: self.encoders[name].shutdown(time.time()).rstrip("\n"))
        self.pipes.close()

    # ------------------------------------------------------------ events

    def reporter(self, neighbor, local_address: str):
        """The `Reporter` of a new connection to `neighbor`, or None when no helper listens."""
        found = subscribers(neighbor, self.processes.names())
        if not found:
            return None
        peer = EnvelopePeer(local_address, neighbor.peer_address, neighbor.local_as or 0, neighbor.peer_as or 0,
                            neighbor.router_id)
        return Reporter(self, peer, found)

    def peers_of(self, source: str) -> list:
        """The peers helper `source` may act on (the CLI: all), in configuration order."""
        peers = self.reactor.peers
        if source == CLI:
            return list(peers)
        running = self.processes.names()
        return [peer for peer in peers if any(source in names_of(block, running) for block in peer.neighbor.api)]

    def throttled(self, reporter) -> bool:
        """Whether a connection reporting with `reporter` must stop reading (a helper is full)."""
        return bool(self.pressed) and any(s.name in self.pressed for s in reporter.subscribers)

    def _pressure(self, name: str, pressed: bool) -> None:
        if pressed:
            self.pressed.add(name)
            self.log.warning("api", f"process {name} does not read fast enough, pausing the peers it follows")
        else:
            self.pressed.discard(name)
        self.reactor.throttle()

    def _broken(self, name: str) -> None:
        if self.environment.get("api", "terminate"):
            self.log.critical("api", f"process {name} can not run, terminating")
            self.reactor.shutdown()

    # ------------------------------------------------------------ commands

    def _command(self, name: str, line: str) -> None:
        self.commands.execute(name, line)

    def _cli_command(self, line: str) -> None:
        self.commands.execute(CLI, line)

    def answer(self, name: str, text: str) -> None:
        """Lines of a reply to a helper or to the CLI."""
        if name == CLI:
            self.pipes.write(text)
        else:
            self.processes.write(name, text)

    def ack(self, name: str, success: bool) -> None:
        if self.acks.get(name, True):
            self.answer(name, "done" if success else "error")
