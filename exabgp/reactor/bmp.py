"""The BMP station: listeners for routers' BMP sessions, each message handed to the helpers (README, "A BMP station").

For every ``listen`` line of the configuration's ``bmp`` sections
(`exabgp.config.bmp`) the station listens on TCP; a router connects and
sends BMP messages (RFC 7854), and reads nothing.  Each connection is a
`BmpConnection`: its octets go to a sans-I/O `exabgp.bmp.message.Decoder`,
each message to the connection's `exabgp.bmp.jsonlines.BmpPrinter` (which
keeps the router's monitored peers, `exabgp.bmp.router.Router`), and the
lines of one read are written at once to the section's helpers (its
``processes``, or every ``encoder json`` helper when it names none).

A message the decoder refuses (`exabgp.bmp.message.BmpError`) is logged
with the router (its address and port, its sysName once told) and the
message's number, type and offset, the messages before it are
delivered, and that connection only is closed: the station, the other
routers and the BGP peers go on.  Back-pressure as for a BGP peer
(`exabgp.reactor.api`): while a helper it writes to is over its high water
mark, a connection stops reading from its router (TCP flow control slows
the router down).  With the daemon's MRT archive (`archive`, the ``mrt``
section) each session of a section whose ``mrt`` names a RIB view also
feeds an `exabgp.reactor.bmp_archive.BmpArchive` (its monitored peers' routes as
if received over BGP), and the snapshots take that view of the RIBs the
routers keep (`BmpStation.snapshot_peers`).  A reload listens as the new configuration says; the
sessions open go on, told to the helpers the new sections name, and archived into the daemon's new MRT
archive when the reload changed it (`BmpStation.archive_into`).
"""

import asyncio
import functools
import time

from exabgp.api.encoder import JsonEncoder
from exabgp.bmp.jsonlines import BmpPrinter
from exabgp.bmp.message import Decoder
from exabgp.bmp.router import Router
from exabgp.reactor import sockets
from exabgp.reactor.bmp_archive import BmpArchive, snapshot_peers

SOURCE = "bmp"


class BmpConnection(asyncio.Protocol):
    """One router's BMP session (see the module docstring)."""

    transport: asyncio.Transport

    def __init__(self, station: "BmpStation", endpoint: tuple):
        self.station = station
        self.endpoint = endpoint  # the (address, port) the router connected to: its section names the helpers
        self.decoder = Decoder()
        self.router: Router | None = None
        self.printer: BmpPrinter | None = None
        self.archive: BmpArchive | None = None  # the records of its updates files (with `updates`)
        self.view: str | None = None  # the RIB view archived, None when none is (no mrt section, or `mrt none`)
        self.paused = False
        self.name = ""

    def connection_made(self, transport) -> None:
        self.transport = transport
        address, port = transport.get_extra_info("peername")[:2]
        self.router = Router(address, port, self.station.keeps(self.endpoint))
        api = self.station.api
        self.printer = BmpPrinter(api.daemon, self.router, api.environment.get("api", "compact"))
        self.archive_into(self.station.archive)
        self.name = f"bmp {address}:{port}"
        self.station.connections.add(self)
        self.station.log.info(SOURCE, f"BMP session from {address}:{port}")
        self.throttle()

    def archive_into(self, archive) -> None:
        """Archive this session's view (its section's ``mrt``) into `archive`, the daemon's MRT archive
        (`exabgp.reactor.mrt.Archive`; None: nothing is archived)."""
        view = self.station.view(self.endpoint)
        self.view = self.archive = None
        if archive is not None and view != "none" and self.router is not None:
            self.view = view
            if archive.settings.updates:
                self.archive = BmpArchive(self.router, view, archive.append)

    def helpers(self) -> list:
        """The helpers told of this session: its section's ``processes``, else every JSON helper running."""
        named = self.station.processes(self.endpoint)
        if named:
            return list(named)
        api = self.station.api
        return [name for name in api.processes.names() if isinstance(api.encoders.get(name), JsonEncoder)]

    def data_received(self, data: bytes) -> None:
        decoder, printer, archive = self.decoder, self.printer, self.archive
        messages = decoder.feed(data)
        if messages and printer is not None:
            now = time.time()
            if archive is None:
                text = "".join([printer.line(now, message) for message in messages])
            else:  # each message archived once the router took it (a Peer Down forgets its peer)
                lines = []
                for message in messages:
                    lines.append(printer.line(now, message))
                    archive.receive(message, now)
                text = "".join(lines)
            if self.router is not None:
                self.router.flush()  # the RIBs, whole for what was read (`Router.flush`)
            api = self.station.api
            for name in self.helpers():
                api.write(name, text)
        if decoder.error is not None:
            router = self.router
            name = f"{self.name} ({router.name})" if router is not None and router.name else self.name
            self.station.log.error(SOURCE, f"{name}: {decoder.error}; closing this BMP session")
            self.transport.close()
        else:
            self.throttle()

    def eof_received(self):
        self.decoder.close()
        if self.decoder.error is not None:
            self.station.log.error(SOURCE, f"{self.name}: {self.decoder.error}")
        return False

    def connection_lost(self, exc) -> None:
        self.station.connections.discard(self)
        if self.router is not None:
            self.router.clear()  # its RIBs go with the session
        reason = f": {exc}" if exc else ""
        self.station.log.info(SOURCE, f"{self.name}: BMP session closed after {self.decoder.count} messages{reason}")

    def throttle(self) -> None:
        """Stop reading while a helper of this session is over its high water mark; resume when all drained."""
        pressed = self.station.api.pressed
        full = bool(pressed) and any(name in pressed for name in self.helpers())
        if full == self.paused or self.transport.is_closing():
            return
        self.paused = full
        if full:
            self.transport.pause_reading()
        else:
            self.transport.resume_reading()


class BmpStation:
    """The listeners of the ``bmp`` sections and their connections."""

    def __init__(self, log, api):
        self.log = log
        self.api = api
        self.connections: set[BmpConnection] = set()
        self.archive = None  # the daemon's MRT archive (`exabgp.reactor.mrt.Archive`), set when it starts
        self._servers: dict = {}  # (address, port) -> (asyncio server, its `exabgp.config.bmp.BmpSection`)

    async def listen(self, configuration, startup: bool) -> bool:
        """Listen as the configuration's ``bmp`` sections say; False when one can not be opened at startup."""
        loop = asyncio.get_running_loop()
        wanted = {endpoint: section for section in configuration.bmp for endpoint in section.listen}
        for endpoint in [endpoint for endpoint in self._servers if endpoint not in wanted]:
            self._servers.pop(endpoint)[0].close()
            self.log.info(SOURCE, f"stopped listening for BMP on {endpoint[0]}:{endpoint[1]}")
        for (address, port), section in wanted.items():
            known = self._servers.get((address, port))
            if known is not None:
                self._servers[(address, port)] = (known[0], section)
                continue
            try:
                sock = sockets.listening(address, port, [])
                server = await loop.create_server(
                    functools.partial(BmpConnection, self, (address, port)), sock=sock, start_serving=not startup
                )
            except (OSError, ValueError) as error:
                self.log.error(SOURCE, f"could not listen for BMP on {address}:{port}: {error}")
                if startup:
                    return False
                continue
            self._servers[(address, port)] = (server, section)
            self.log.info(SOURCE, f"listening for BMP session(s) on {address}:{port}")
        if not startup:  # the sessions open archive the view their section names now
            self.archive_into(self.archive)
        return True

    async def serve(self) -> None:
        """Accept the routers' connections (the listeners of the startup wait for the helpers to run)."""
        for server, _section in self._servers.values():
            await server.start_serving()

    def archive_into(self, archive) -> None:
        """A reload changed the ``mrt`` section: the sessions open archive into `archive` (None: no more)."""
        self.archive = archive
        for connection in self.connections:
            connection.archive_into(archive)

    def processes(self, endpoint: tuple) -> tuple:
        """The helpers the section listening on `endpoint` names (() for every JSON helper)."""
        known = self._servers.get(endpoint)
        return known[1].processes if known is not None else ()

    def keeps(self, endpoint: tuple) -> bool:
        """Whether the routers connecting on `endpoint` have their RIBs kept (the section's ``adj-rib-in``)."""
        known = self._servers.get(endpoint)
        return known is not None and known[1].adj_rib_in

    def view(self, endpoint: tuple) -> str:
        """The RIB view the section listening on `endpoint` archives (its ``mrt``)."""
        known = self._servers.get(endpoint)
        return known[1].mrt if known is not None else "none"

    def snapshot_peers(self) -> list:
        """The `exabgp.mrt.writer.SnapshotPeer`s of the RIBs the connected routers keep, of the view their
        section archives, routers by address."""
        archived = [
            (connection.router, connection.view)
            for connection in self.connections
            if connection.router is not None and connection.view is not None
        ]
        found = []
        for router, view in sorted(archived, key=lambda pair: (pair[0].address, pair[0].port)):
            found.extend(snapshot_peers(router, view))
        return found

    def tables(self, address: str | None = None) -> list:
        """``(name, AdjRibIn, context, current)`` of every RIB the routers connected now keep, of the peer of
        `address` only when given: ``name`` is ``bmp ROUTER:PORT neighbor PEER RIB``, ``current()`` whether
        the router still holds that table (a Peer Down or the session's end drops it)."""
        found = []
        routers = [connection.router for connection in self.connections if connection.router is not None]
        for router in sorted(routers, key=lambda router: (router.address, router.port)):
            for neighbor, rib_name, table, ctx in router.tables():
                if address is not None and neighbor.peer_address != address:
                    continue
                name = f"bmp {router.address}:{router.port} neighbor {neighbor.peer_address} {rib_name}"
                found.append((name, table, ctx, lambda r=router, t=table: r.holds(t)))
        return found

    def throttle(self) -> None:
        for connection in self.connections:
            connection.throttle()

    def close(self) -> None:
        for server, _section in self._servers.values():
            server.close()
        self._servers.clear()
        for connection in list(self.connections):
            connection.transport.close()
