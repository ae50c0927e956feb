"""The reactor: peers, listeners and signals on one asyncio event loop.

See docs/compatibility.md, "Start-up, reload and shutdown", "Signals".

`Reactor(configuration, environment, environ, log, version, load).run()`
is a coroutine returning the exit code.  It

* listens (`exabgp.reactor.sockets.listening`, then `loop.create_server`)
  on every ``tcp.bind`` address on ``tcp.port`` and on every neighbor's
  ``listen`` port (a failure exits 1, as 5.0's ``startup.failed.listener``);
* makes one `exabgp.reactor.peer.Peer` per neighbor with an address and
  starts its outgoing connections;
* matches an incoming connection to its neighbor by the peer's address (and
  our address when the neighbor has a ``local-address``): an exact
  neighbor first, else a range neighbor (a prefix, passive), for which an
  ephemeral peer is made that is not restarted; no match: Cease 6/3 "no
  session configured for the peer"; several ranges: Cease 6/5;
* on SIGTERM, SIGHUP or SIGINT (and the API ``shutdown``) stops every
  peer: its connection is closed without NOTIFICATION, as 5.0.15 does
  (`exabgp.reactor.peer.Connection.drop` tells why the RFCs allow it);
  then closes the listeners, waits for the connections to close and
  returns 0;
* on SIGUSR1 (reload) and SIGUSR2 (full reload: every helper process is
  restarted too, `exabgp.reactor.api`) asks `load` for the configuration again; when it
  fails the error is logged and the running configuration kept (5.0's
  ``config.reload.failed``); otherwise, per neighbor (keyed by its peer
  address, as 5.0): a removed neighbor is stopped (closed without
  NOTIFICATION, as on shutdown), a changed one (anything but its routes)
  is torn down (Cease 6/3 "Peer De-configured") and
  connects again with its new settings, an unchanged one gets the route
  delta (routes gone are withdrawn, new ones announced), a new one starts;
  SIGALRM (restart) reloads and tears every session down; while the helpers
  are being stopped and started a new connection waits for them
  (`helpers_changing`), as 5.0 restarts its helpers before any session can
  come back, so that they hear of it (``connected``, ``up``); the listeners
  follow the new configuration: an endpoint no longer wanted is closed, a
  new one opened (a failure is logged and the daemon carries on: after the
  privilege drop a port under 1024 can not be bound any more, as in 5.0),
  and the kept ones get the MD5 keys of the new neighbors; a changed
  ``mrt`` section closes the archive as on shutdown and starts one with
  the new settings, none when the section is gone (`_restart_mrt`);
* with ``tcp.attempts`` (``exabgp_tcp_connections``) set, returns 0 once
  every configured peer has stopped;
* listens for routers' BMP sessions as the ``bmp`` sections say
  (`exabgp.reactor.bmp.BmpStation`: bound with the BGP listeners, a failure
  exits 1, accepting once the helpers run; a reload follows the new sections).

The listeners are bound first but accept only once the peers exist: a
connection made meanwhile waits in the kernel's queue, as with 5.0 (whose
loop starts after the peers are made), instead of being refused as a
connection from an unknown peer.  Between the listeners and the first peer
(5.0's order) the reactor calls `started()` when given (the privilege drop and the pid
file, `exabgp.cli.server`; a non-zero result is the exit code), then waits
for the ``tcp.delay`` boundary (`exabgp.reactor.daemon.delay`; a shutdown
signal ends the wait).

`environ` is the process environment (the outgoing port falls back on it,
`exabgp.reactor.settings.connect_port`); `load()` returns ``(configuration,
None)`` or ``(None, error text)``: the reload source (None: no reload).
The reactor never polls: all of it runs from socket, timer and signal
callbacks.
"""

import asyncio
import ipaddress
import os
import signal
import time

from exabgp.bgp.record import replace
from exabgp.reactor import daemon
from exabgp.reactor.settings import listen_endpoints
from exabgp.reactor import sockets
from exabgp.reactor.api import Api
from exabgp.reactor.mrt import Archive, record_into, snapshot_peers
from exabgp.reactor.bmp import BmpStation
from exabgp.reactor.peer import CONNECTION_REJECTED, PEER_DECONFIGURED, Connection, Peer

#: how long a shutdown waits for the NOTIFICATIONs to go out and the connections to close
CLOSE_WAIT = 3.0

_SHUTDOWN_SIGNALS: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
#: signal -> (whether every session is torn down, whether every helper is restarted) after the reload
_RELOAD_SIGNALS: dict[int, tuple[bool, bool]] = {
    signal.SIGUSR1: (False, False),
    signal.SIGUSR2: (False, True),
    signal.SIGALRM: (True, True),
}


def _network(neighbor):
    return ipaddress.ip_network(neighbor.peer_address, strict=False)


def _is_range(neighbor) -> bool:
    network = _network(neighbor)
    return network.prefixlen != network.max_prefixlen


def _session_part(neighbor):
    """The neighbor without its routes: what a route delta can not change."""
    return replace(neighbor, routes=())


class Reactor:
    def __init__(
        self,
        configuration,
        environment,
        environ,
        log,
        version: str,
        load=None,
        started=None,
        configuration_dir: str = "",
    ):
        self.configuration = configuration
        self.configuration_dir = configuration_dir
        self.load = load
        self.started = started
        self.environment = environment
        self.environ = environ
        self.log = log
        self.version = version
        self.attempts = environment.get("tcp", "attempts")
        self.connections: set[Connection] = set()
        self.peers: list[Peer] = []
        self._ranges = [n for n in configuration.neighbors if _is_range(n)]
        self._servers: dict = {}  # (address, port) -> asyncio server
        self._relisten: asyncio.Task | None = None  # the task making the listeners those of a reloaded configuration
        self._reapi: asyncio.Task | None = (
            None  # the task starting and stopping the helpers of a reloaded configuration
        )
        self._counters: dict[str, int] = {}
        self._peer_number = 0
        self._done: asyncio.Future | None = None  # set when the reactor is to stop (from `run`)
        self._closed: asyncio.Event | None = None  # set when the last connection closed (from `run`)
        self.api = Api(self, environ)
        self.mrt: Archive | None = None  # the archive of the ``mrt`` section (exabgp.reactor.mrt), from `run`
        self._mrt_closing: list[asyncio.Task] = []  # the archives a reload replaced, being closed
        self.bmp = BmpStation(log, self.api)

    # ------------------------------------------------------------ names

    def connection_name(self, direction: str) -> str:
        """``outgoing-N`` / ``incoming-N``, numbered per direction as 5.0 names them."""
        self._counters[direction] = self._counters.get(direction, 0) + 1
        return f"{direction}-{self._counters[direction]}"

    # ------------------------------------------------------------ running

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        self._done = done = loop.create_future()
        self._closed = asyncio.Event()
        for number in _SHUTDOWN_SIGNALS:
            loop.add_signal_handler(number, self._signal, number)
        for number in _RELOAD_SIGNALS:
            loop.add_signal_handler(number, self._signal_reload, number)
        try:
            if not await self._listen(startup=True):
                return 1
            if self.mrt is None and not self._start_mrt():  # (a reload meanwhile may have started it)
                return 1
            code = self.started() if self.started is not None else None
            if code:
                return code
            await self.api.start(self.configuration, self.configuration_dir)
            await self.bmp.serve()  # routers' BMP sessions are told to the helpers: they run now
            wait = daemon.delay(self.environment.get("tcp", "delay"), time.time())
            if wait:
                self.log.debug("reactor", f"waiting for {wait:.0f} seconds before connecting")
                await asyncio.wait((done,), timeout=wait)
            if not done.done():
                running = {peer.neighbor.peer_address for peer in self.peers}  # a reload during the wait
                for neighbor in self.configuration.neighbors:
                    if not _is_range(neighbor) and neighbor.peer_address not in running:
                        self._add_peer(neighbor)
                self.log.info("reactor", "loaded new configuration successfully")
                self.api.open_commands()
                for server in self._servers.values():
                    await server.start_serving()
            await done
            await self._drain()
            await self.api.stop()
            if self.mrt is not None:
                await self.mrt.close()
            await asyncio.gather(*self._mrt_closing)
            return 0
        finally:
            for number in _SHUTDOWN_SIGNALS + tuple(_RELOAD_SIGNALS):
                loop.remove_signal_handler(number)
            for server in self._servers.values():
                server.close()
            self.bmp.close()

    async def _listen(self, startup: bool) -> bool:
        """Make the listeners those of the configuration; False when one can not be opened at startup."""
        loop = asyncio.get_running_loop()
        served = [n for n in self.configuration.neighbors if n.md5_password is not None or n.incoming_ttl]
        wanted = listen_endpoints(self.configuration, self.environment)
        for endpoint in [endpoint for endpoint in self._servers if endpoint not in wanted]:
            self._servers.pop(endpoint).close()
            self.log.info("reactor", f"stopped listening on {endpoint[0]}:{endpoint[1]}")
        for address, port in wanted:
            server = self._servers.get((address, port))
            try:
                if server is not None:
                    for sock in server.sockets:
                        for neighbor in served:
                            sockets.set_md5(sock, neighbor, sock.family)
                    continue
                sock = sockets.listening(address, port, served)
                # at startup the kernel queues connections until the peers exist (see the docstring)
                server = await loop.create_server(self._incoming_protocol, sock=sock, start_serving=not startup)
            except (OSError, ValueError) as error:
                self.log.error("reactor", f"could not listen on {address}:{port}: {error}")
                if startup:
                    return False
                continue
            self._servers[(address, port)] = server
            self.log.info("reactor", f"listening for BGP session(s) on {address}:{port}")
        return await self.bmp.listen(self.configuration, startup)

    def _start_mrt(self) -> bool:
        """Start the archive of the ``mrt`` section, if any; False when its directory can not be made."""
        settings = self.configuration.mrt
        if settings is None:
            return True
        directory = os.path.join(self.configuration_dir, settings.directory)
        neighbors = self.configuration.neighbors
        collector_id = neighbors[0].router_id if neighbors else "0.0.0.0"
        archive = Archive(
            settings,
            directory,
            collector_id,
            lambda: snapshot_peers(self.connections) + self.bmp.snapshot_peers(),
            self.log,
        )
        try:
            archive.start()
        except OSError as error:
            self.log.error("mrt", f"can not write MRT files in {directory}: {error}")
            return False
        self.mrt = self.bmp.archive = archive
        self.log.info("mrt", f"writing MRT files in {directory}")
        archive.check(self.configuration.neighbors)
        return True

    def _restart_mrt(self) -> None:
        """A reload changed the ``mrt`` section: the files of the old archive are finished as on shutdown, a new
        one writes as the new section says (none without one), the open sessions recording into it."""
        old, self.mrt = self.mrt, None
        if self.configuration.mrt is not None:
            self._start_mrt()  # a directory it can not make is logged: no archive then
        elif old is not None:
            self.log.info("mrt", "no mrt section any more: stopped writing MRT files")
        record_into(self.mrt, self.connections)
        self.bmp.archive_into(self.mrt)
        if old is not None:
            self._mrt_closing.append(asyncio.get_running_loop().create_task(old.close()))

    def dump_mrt(self) -> bool:
        """Start a TABLE_DUMP_V2 snapshot (``dump mrt``); False without an ``mrt`` section."""
        if self.mrt is None:
            return False
        self.mrt.dump()
        return True

    def _add_peer(self, neighbor) -> None:
        self._peer_number += 1
        peer = Peer(self, neighbor, f"peer-{self._peer_number}")
        self.peers.append(peer)
        self.api.peers_changed()
        self.log.info(
            "reactor",
            f"new peer: neighbor {neighbor.peer_address} "
            f"local-ip {neighbor.local_address or 'auto'} "
            f"local-as {neighbor.local_as or 'auto'} peer-as {neighbor.peer_as or 'auto'} "
            f"router-id {neighbor.router_id}",
        )
        peer.start()

    def _incoming_protocol(self):
        return Connection(self, None, self.connection_name("incoming"))

    async def _drain(self) -> None:
        """Wait (a bounded time) for the open connections to close."""
        for server in self._servers.values():
            server.close()
        self.bmp.close()
        closed = self._closed
        if self.connections and closed is not None:
            closed.clear()
            try:
                await asyncio.wait_for(closed.wait(), CLOSE_WAIT)
            except asyncio.TimeoutError:
                for connection in list(self.connections):
                    connection.transport.abort()

    # ------------------------------------------------------------ callbacks

    def incoming(self, connection):
        """The peer of an incoming connection, or None (the connection was refused)."""
        remote = ipaddress.ip_address(connection.remote_ip)
        local = connection.local_ip

        def ours(neighbor) -> bool:
            return not neighbor.local_address or neighbor.local_address == local

        self.log.info(connection.name, f"connection from {connection.remote_ip}")
        for peer in self.peers:
            neighbor = peer.neighbor
            if ours(neighbor) and ipaddress.ip_address(neighbor.peer_address) == remote:
                return peer if peer.incoming(connection) else None
        ranges = [
            n for n in self._ranges if ours(n) and remote.version == _network(n).version and remote in _network(n)
        ]
        if not ranges:
            connection.refuse(PEER_DECONFIGURED, "no session configured for the peer")
            return None
        if len(ranges) > 1:
            connection.refuse(CONNECTION_REJECTED, "more than one range matches the peer")
            return None
        neighbor = replace(ranges[0], peer_address=str(remote))
        peer = Peer(self, neighbor, f"peer-{connection.name}", ephemeral=True)
        peer.incoming(connection)
        return peer

    def connection_closed(self) -> None:
        if not self.connections and self._closed is not None:
            self._closed.set()

    def peer_stopped(self, peer) -> None:
        if self.attempts and self.peers and all(p.stopped for p in self.peers):
            self._finish("exiting on peer termination")

    def _signal(self, number: int) -> None:
        self.log.info("reactor", f"{signal.Signals(number).name} received")
        self._report_signal(number)
        self.shutdown()

    def _signal_reload(self, number: int) -> None:
        self.log.info("reactor", f"{signal.Signals(number).name} received")
        self._report_signal(number)
        restart, full = _RELOAD_SIGNALS[number]
        self.reload(restart=restart, full=full)

    def _report_signal(self, number: int) -> None:
        now = time.time()
        for connection in self.connections:
            if connection.reporter is not None:
                connection.reporter.signal(now, number, signal.Signals(number).name)

    def throttle(self) -> None:
        """A helper filled up or drained: each connection stops or resumes reading accordingly."""
        for connection in self.connections:
            if connection.reporter is not None:
                connection.throttle()
        self.bmp.throttle()

    def reload(self, restart: bool = False, full: bool = False) -> None:
        """Apply the configuration `load` gives (see the module docstring)."""
        if self.load is None:
            self.log.warning("configuration", "no configuration to reload from")
            return
        configuration, error = self.load()
        if configuration is None:
            self.log.error("configuration", f"config.reload.failed: {error}")
            return
        self.log.info("configuration", "performing reload")
        wanted = {n.peer_address: n for n in configuration.neighbors if not _is_range(n)}
        for peer in list(self.peers):
            neighbor = wanted.pop(peer.neighbor.peer_address, None)
            if neighbor is None:
                self.log.info("reactor", f"{peer.name} removed from the configuration")
                self.peers.remove(peer)
                peer.stop("removed")
            elif restart or _session_part(neighbor) != _session_part(peer.neighbor):
                peer.reconfigure(neighbor)
            else:
                peer.reload_routes(neighbor)
        for neighbor in wanted.values():
            self._add_peer(neighbor)
        self.api.peers_changed()
        archive_changed = configuration.mrt != self.configuration.mrt
        self.configuration = configuration
        self._ranges = [n for n in configuration.neighbors if _is_range(n)]
        if archive_changed:
            self._restart_mrt()
        elif self.mrt is not None:
            self.mrt.check(configuration.neighbors)
        loop = asyncio.get_running_loop()
        self._relisten = loop.create_task(self._listen(startup=False))
        self._reapi = loop.create_task(self.api.reload(configuration, self.configuration_dir, full))
        self.log.info("reactor", "loaded new configuration successfully")

    def helpers_changing(self) -> asyncio.Task | None:
        """The task stopping and starting the helpers of a reload while it runs, else None."""
        task = self._reapi
        return task if task is not None and not task.done() else None

    def shutdown(self) -> None:
        """Stop every peer (closed without NOTIFICATION, module docstring) and end the run with 0."""
        for peer in self.peers:
            peer.stop()
        for connection in list(self.connections):
            if connection.peer is not None and connection.peer.ephemeral:
                connection.peer.stop()
        self._finish("performing shutdown")

    def _finish(self, reason: str) -> None:
        if self._done is not None and not self._done.done():
            self.log.info("reactor", reason)
            self._done.set_result(None)
