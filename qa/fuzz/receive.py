"""The receive path: a neighbor's TCP connection fed fuzzed byte streams, helpers listening.

``session.receive`` runs the reactor's own objects without any socket: a
`Reactor` made from a configuration (never started), its `Peer`, and a
`Connection` (the asyncio protocol that owns the sans-IO `Session`, the
helpers' `Reporter`, the Adj-RIB-In and the initial advertisement) on a
`Transport` that records what is written.  The helpers are a `Helpers`
recorder in place of the processes: every line the reactor writes for them
is kept.  Everything else is the daemon's code, run on an asyncio loop of
this module.

One input is::

    octet 0   our capabilities and the peer's: bit 0 our asn4 off, bit 1 the peer's asn4 off,
              bit 2 ADD-PATH IPv4 unicast, bit 3 ADD-PATH IPv6 unicast (the peer sends, we receive),
              bit 4 extended message, bit 5 extended next hop (IPv4 unicast over IPv6),
              bit 6 multisession, bit 7 route refresh (enhanced) and operational
    octet 1   the helpers' api block: bits 0-1 the form (parsed, packets, parsed + packets,
              parsed + packets + consolidate), bits 2-7 the received kinds
              (update, open, notification, keepalive, refresh, operational)
    octet 2   bit 0 adj-rib-in, bit 1 debug logging, bit 2 every sent kind reported too,
              bit 3 neighbor-changes, fsm and negotiated, bit 4 no OPEN from the harness (the
              stream is the whole input from the peer), bit 5 every family configured
              (else IPv4 and IPv6 unicast), bit 6 hold time 0, bit 7 both helpers are json
    octet 3   where the stream is cut: the seed of the chunk sizes (`chunks`); with bit 7 set, the
              peer then falls silent until every timer expires (hold time: 4/0); with bit 6 clear,
              every message of the stream gets a whole marker (`marked`), set: markers as mutated
    octet 4-  the stream: what the peer sends after its OPEN and KEEPALIVE

A json and a text helper (or two json ones) are named in the api block.
The peer's OPEN (built with `exabgp.session.negotiation.build_open` from the
peer's side of the options) and a KEEPALIVE come first, unless bit 4 of
octet 2; then the stream, cut into chunks; then, if the session is still
up, the connection is lost.  The rules:

* no exception escapes the connection (`data_received`, `connection_lost`,
  the loop's callbacks): the reactor turns every bad input into the RFC 4271
  / RFC 7606 answer;
* what we wrote frames as BGP messages, and a NOTIFICATION is the last one;
* a session that ended before the connection was lost sent a NOTIFICATION
  or received one (never a bare close);
* every line a json helper received is valid JSON, and a helper told of
  the neighbor's changes is told ``state down`` at the end;
* a json helper that reads parsed UPDATEs is given each UPDATE the session
  accepted, once, and none it refused (the session validates before anything
  is reported): as many parsed received UPDATEs as the session counted,
  less the one our UPDATE error NOTIFICATION (3/x) answers; after an FSM
  error (5/x) or a Bad Message Length (1/2: an UPDATE under 23 octets is
  one) the message it answers may have been an UPDATE;
* the session ends closed, its transport closed.
"""

import asyncio
import functools
import json
import os
import random
import sys

from exabgp._codec import _wire_py
from exabgp._codec.errors import CodecError
from exabgp.bgp.family import FAMILIES
from exabgp.config import environment as settings
from exabgp.config.neighbor import parse
from exabgp.reactor.log import Logger
from exabgp.reactor.loop import Reactor
from exabgp.reactor.peer import Connection, Peer
from exabgp.session.negotiation import SessionSettings, build_open
from qa.fuzz import seeds as seed_parts
from qa.fuzz.codec import bit
from qa.fuzz.engine import Finding
from qa.fuzz.targets import Target

LOCAL_AS, PEER_AS = 65000, 65001
PEER_ADDRESS, LOCAL_ADDRESS = "127.0.0.2", "127.0.0.1"
_UPDATE, _NOTIFICATION, _KEEPALIVE = 2, 3, 4
_KINDS = ("update", "open", "notification", "keepalive", "refresh", "operational")
_FORMS = ("parsed;", "packets;", "parsed; packets;", "parsed; packets; consolidate;")
_KEEPALIVE_MESSAGE = _wire_py.frame_message(_KEEPALIVE, b"")


class Transport:
    """What a `Connection` writes, and whether it closed (an asyncio transport without a socket)."""

    def __init__(self):
        self.written = bytearray()
        self.closed = False

    def write(self, data) -> None:
        if self.closed:
            raise Finding("a write after the transport was closed")
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name, default=None):
        return {"sockname": (LOCAL_ADDRESS, 179), "peername": (PEER_ADDRESS, 40000)}.get(name, default)


class Helpers:
    """The helper processes, as the reactor's `Api` sees them: their names, and what is written to them."""

    def __init__(self, names):
        self._names = list(names)
        self.lines = {name: [] for name in names}

    def names(self) -> list:
        return self._names

    def write(self, name: str, text) -> None:
        self.lines[name].append(text.decode() if isinstance(text, bytes) else text)


def configuration(caps: int, subs: int, misc: int) -> str:
    """The daemon's configuration for the option octets 0-2 (module docstring)."""
    kinds = " ".join(f"{kind};" for number, kind in enumerate(_KINDS) if bit(subs, number + 2))
    sent = " ".join(f"{kind};" for kind in _KINDS) if bit(misc, 2) else ""
    changes = "neighbor-changes; fsm; negotiated;" if bit(misc, 3) else ""
    families = "all;" if bit(misc, 5) else "ipv4 unicast; ipv6 unicast;"
    add_path = [name for number, name in ((2, "ipv4 unicast"), (3, "ipv6 unicast")) if bit(caps, number)]
    second = "json" if bit(misc, 7) else "text"
    return f"""
process one {{ run {sys.executable}; encoder json; }}
process two {{ run {sys.executable}; encoder {second}; }}
neighbor {PEER_ADDRESS} {{
    router-id 10.0.0.1; local-address {LOCAL_ADDRESS}; local-as {LOCAL_AS}; peer-as {PEER_AS};
    hold-time {0 if bit(misc, 6) else 180}; passive;
    adj-rib-in {"true" if bit(misc, 0) else "false"};
    family {{ {families} }}
    capability {{
        asn4 {"disable" if bit(caps, 0) else "enable"};
        extended-message {"enable" if bit(caps, 4) else "disable"};
        {"add-path receive;" if add_path else ""}
        {"nexthop enable;" if bit(caps, 5) else ""}
        {"multi-session enable;" if bit(caps, 6) else ""}
        {"route-refresh enable; operational enable;" if bit(caps, 7) else ""}
    }}
    {"add-path { " + " ".join(f"{name};" for name in add_path) + " }" if add_path else ""}
    {"nexthop { ipv4 unicast ipv6; }" if bit(caps, 5) else ""}
    api {{ processes [ one two ]; {changes} receive {{ {_FORMS[subs & 3]} {kinds} }} send {{ packets; {sent} }} }}
}}
"""


def peer_open(caps: int, misc: int) -> bytes:
    """The peer's OPEN message: the same families and capabilities, seen from its side."""
    families = tuple(sorted(FAMILIES)) if bit(misc, 5) else ((1, 1), (2, 1))
    add_path = tuple((afi, 1, 2) for number, afi in ((2, 1), (3, 2)) if bit(caps, number))
    peer = SessionSettings(
        PEER_ADDRESS,
        LOCAL_ADDRESS,
        PEER_AS,
        LOCAL_AS,
        "10.0.0.2",
        hold_time=0 if bit(misc, 6) else 180,
        families=families,
        asn4=not bit(caps, 1),
        route_refresh=bit(caps, 7),
        enhanced_route_refresh=bit(caps, 7),
        add_path=add_path,
        extended_message=bit(caps, 4),
        nexthop=((1, 1, 2),) if bit(caps, 5) else (),
        multisession=bit(caps, 6),
        operational=bit(caps, 7),
    )
    return _wire_py.frame_message(1, build_open(peer, PEER_AS).encode())


def chunks(stream: bytes, seed: int) -> list:
    """`stream` cut at points chosen by `seed`: whole (a seed multiple of 4), octet by octet (1), or in
    pieces of random sizes."""
    if seed % 4 == 0 or not stream:
        return [stream]
    if seed == 1:
        return [stream[index : index + 1] for index in range(len(stream))]
    rng = random.Random(seed)
    cuts, position = [], 0
    while position < len(stream):
        size = rng.choice((1, 2, 18, 19, 20, 23, 4096)) if rng.random() < 0.3 else rng.randrange(1, 400)
        cuts.append(stream[position : position + size])
        position += size
    return cuts


def marked(stream: bytes) -> bytes:
    """`stream` with a whole marker in front of every message its length fields delimit (mutations that
    break a marker end the session at once, 1/1: this takes them further)."""
    data = bytearray(stream)
    offset = 0
    while offset + 19 <= len(data):
        data[offset : offset + 16] = _wire_py.MARKER
        offset += max(19, int.from_bytes(data[offset + 16 : offset + 18], "big"))
    return bytes(data)


class _Setup:
    """The reactor, its neighbor and its helpers for one configuration (made once, kept)."""

    def __init__(self, caps: int, subs: int, misc: int, log):
        configuration_ = parse(configuration(caps, subs, misc), "fuzz.conf", full=True)
        self.neighbor = configuration_.neighbors[0]
        self.reactor = Reactor(configuration_, settings.load({}, ""), {}, log, "5.0.0")
        self.reactor.api.processes = self.helpers = Helpers([process.name for process in configuration_.processes])
        self.reactor.api._configure(configuration_)
        self.json = [process.name for process in configuration_.processes if process.encoder == "json"]
        self.open = peer_open(caps, misc)
        self.changes = bit(misc, 3)
        self.parsed_updates = bit(subs, 2) and subs & 3 != 1  # update among the kinds, parsed (not packets alone)


class ReceiveTarget(Target):
    name = "session.receive"

    def __init__(self):
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(self._callback_failed)
        self._failures = []
        self._null = open(os.devnull, "w")
        self._logs = {debug: Logger(self._null, True, "DEBUG" if debug else "INFO") for debug in (False, True)}

    def _callback_failed(self, loop, context) -> None:
        self._failures.append(context)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - the target lives as long as the process
    def _setup(self, caps: int, subs: int, misc: int) -> _Setup:
        return _Setup(caps, subs, misc, self._logs[bit(misc, 1)])

    def seeds(self) -> list:
        """Runs of six UPDATEs and every other message alone, each behind one of a few option sets in turn; and
        each OPEN of the vectors as the peer's (bit 4 of octet 2), a KEEPALIVE and two UPDATEs behind it."""
        messages = [m for m in seed_parts.parts().messages if len(m) > 18 and m[18] != 1]
        opens = [m for m in seed_parts.parts().messages if len(m) > 18 and m[18] == 1]
        updates = [m for m in messages if m[18] == 2]
        streams = [b"".join(updates[index : index + 6]) for index in range(0, len(updates), 6)] + messages
        options = (
            b"\x00\x04\x01\x00",
            b"\x00\xfd\x0b\x00",
            b"\x0c\xfe\x09\x07",
            b"\x31\x07\x2f\x01",
            b"\xc3\x05\x8c\x02",
            b"\x00\x04\x18\x00",
            b"\x80\x0e\x21\x03",
        )
        found = [options[index % len(options)] + stream for index, stream in enumerate(streams)]
        return found + [
            bytes((index, 0xFE, 0x1B | index & 0x20, 0))
            + message
            + _KEEPALIVE_MESSAGE
            + b"".join(updates[index : index + 2])
            for index, message in enumerate(opens)
        ]

    def run(self, data: bytes) -> None:
        if len(data) < 4:
            return
        self._failures.clear()
        self._loop.run_until_complete(self._exec(data))

    async def _exec(self, data: bytes) -> None:
        caps, subs, misc, split = data[0], data[1], data[2], data[3]
        setup = self._setup(caps, subs, misc)
        helpers = setup.helpers
        for lines in helpers.lines.values():
            lines.clear()
        reactor = setup.reactor
        peer = Peer(reactor, setup.neighbor, PEER_ADDRESS)
        reactor.peers = [peer]
        transport = Transport()
        connection = Connection(reactor, peer, "incoming-1")
        connection.connection_made(transport)
        stream = data[4:] if split & 0x40 else marked(data[4:])
        if not bit(misc, 4):
            stream = setup.open + _KEEPALIVE_MESSAGE + stream
        established = False
        for chunk in chunks(stream, split):
            connection.data_received(chunk)
            if connection.session.closed:
                break
            if not established and peer.outbound.rib is not None:  # the initial advertisement runs among the input
                established = True
                await asyncio.sleep(0)
                await asyncio.sleep(0)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        session = connection.session
        if split & 0x80 and not session.closed:  # the peer falls silent: every timer expires
            session.handle_timer(self._loop.time() + 0x10000)
            connection.progress()
        ended_by_session = session.closed
        if not transport.closed:
            connection.connection_lost(None)
        await asyncio.sleep(0)
        reactor.peers = []
        reactor.connections.clear()
        if self._failures:
            context = self._failures[0]
            error = context.get("exception")
            raise Finding(f"a loop callback failed: {context.get('message')}: {error!r}") from error
        self._check(setup, session, transport, ended_by_session)

    @staticmethod
    def _check(setup, session, transport, ended_by_session: bool) -> None:
        if not session.closed:
            raise Finding("the session is not closed after the connection was lost")
        try:
            messages, used = _wire_py.split_messages(bytes(transport.written), 65535)
        except CodecError as error:
            raise Finding(f"what we sent does not frame as BGP messages: {error}") from None
        if used != len(transport.written):
            raise Finding("what we sent ends with an incomplete message")
        types = [msg_type for msg_type, _body in messages]
        if _NOTIFICATION in types[:-1]:
            raise Finding(f"messages sent after our NOTIFICATION: {types}")
        if ended_by_session and types[-1:] != [_NOTIFICATION] and not session.received.get(_NOTIFICATION):
            raise Finding("the session ended without sending or receiving a NOTIFICATION")
        notification = messages[-1][1][:2] if types[-1:] == [_NOTIFICATION] else b""
        accepted = session.received[_UPDATE] - (notification[:1] == b"\x03")
        for name in setup.json:
            states, updates = [], 0
            for line in "".join(setup.helpers.lines[name]).splitlines():
                try:
                    parsed = json.loads(line)
                except ValueError as error:
                    raise Finding(f"helper {name} got a line that is not JSON ({error}): {line[:300]}") from None
                if parsed.get("type") == "state":
                    states.append(parsed["neighbor"]["state"])
                elif parsed.get("type") == "update" and {"update", "eor"} & set(parsed["neighbor"]["message"]):
                    updates += parsed["neighbor"]["direction"] == "receive"
            # after 1/2 (an UPDATE under 23 octets is one, RFC 4271 section 6.1) or an FSM error (5/x), the refused
            # message may have been an UPDATE, counted as received
            maybe = 1 if notification[:1] == b"\x05" or notification == b"\x01\x02" else 0
            if setup.parsed_updates and not accepted - maybe <= updates <= accepted:
                raise Finding(
                    f"helper {name} got {updates} parsed UPDATEs of {session.received[_UPDATE]} "
                    f"received (our NOTIFICATION: {notification.hex() or 'none'})"
                )
            if setup.changes and states[-1:] != ["down"]:
                raise Finding(f"helper {name} was not told the session went down: states {states}")


def targets() -> list:
    return [ReceiveTarget()]
