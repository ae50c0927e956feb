"""A peer that connects while the reactor starts waits for the peers to exist (5.0's order).

The reactor binds its listeners before it starts the helpers and makes the
peers.  A connection made in between must wait in the kernel's queue and be
matched to its neighbor once the peers exist, as with ExaBGP 5.0.15 (whose
loop runs only after that); we used to accept it at once and refuse it with
Cease 6/3 "no session configured for the peer".  Found by
`qa.differential.helper`, whose feeder connects as soon as the port answers.
The test connects from the reactor's `started` hook, which runs exactly in
that window; starting a helper then gives the event loop its turn.
"""

import asyncio
import io
import socket
import sys

from exabgp.config import environment as settings
from exabgp.config.neighbor import parse
from exabgp.reactor.log import Logger
from exabgp.reactor.loop import Reactor
from exabgp.session import Session, SessionSettings, State
from qa.ports import free_port

CONFIGURATION = """process reader {{
    run {python} -c "import sys; sys.stdin.read()";
    encoder json;
}}
neighbor 127.0.0.1 {{
    router-id 127.0.0.2;
    local-address 127.0.0.1;
    local-as 65000;
    peer-as 64496;
    passive;
    listen {port};
    family {{ ipv4 unicast; }}
    api {{ processes [ reader ]; neighbor-changes; }}
}}
"""


async def establish_during_startup() -> State:
    port = free_port()
    configuration = parse(CONFIGURATION.format(port=port, python=sys.executable), "test.conf", full=True)
    early = []

    def started():
        assert not reactor.peers  # the window: listening, no peer yet
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setblocking(False)
        early.append(sock)
        return None

    reactor = Reactor(
        configuration, settings.load({}, ""), {}, Logger(io.StringIO(), True, "INFO"), "5.0.0", started=started
    )
    running = asyncio.get_running_loop().create_task(reactor.run())
    try:
        while not early:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection(sock=early[0])
        loop = asyncio.get_running_loop()
        ours = Session(SessionSettings("127.0.0.1", "127.0.0.1", 64496, 65000, "10.0.0.1", families=((1, 1),)))
        ours.start(loop.time())
        writer.write(ours.data_to_send())
        while ours.state is not State.ESTABLISHED and not ours.closed:
            data = await asyncio.wait_for(reader.read(65536), 5)
            if not data:
                ours.connection_lost(loop.time())
                break
            ours.receive_data(data, loop.time())
            writer.write(ours.data_to_send())
        writer.close()
        return ours.state
    finally:
        reactor.shutdown()
        await asyncio.wait_for(running, 10)


def test_a_connection_made_while_starting_reaches_its_peer():
    assert asyncio.run(establish_during_startup()) is State.ESTABLISHED
