"""The events written to helper processes: ExaBGP 5.0's ``json`` and ``text`` encoders.

See docs/compatibility.md, "API output".

`JsonEncoder` and `TextEncoder` have the same methods, declared by the
`Encoder` protocol (what the reactor's `exabgp.reactor.api` calls; the type
checker, ``python -m qa.typecheck``, verifies both provide it); each returns the
exact text to write on the helper's stdin, newlines included, or "" when the
encoder has no form for the event (the text encoder prints no ``fsm``,
``negotiated`` or ``signal``).  Nothing here reads a clock or does IO: every
method takes the time `now` first, then the neighbor
(`exabgp.api.envelope.NeighborFields`) and what the event says; the methods
of a message take, instead of the neighbor, the `Channel` of the neighbor's
messages going that way (the neighbor, the direction, the negotiated block
and ``consolidate``: what every such line carries), then the message and
its raw octets.  The reactor makes one encoder per helper process and calls
the methods the neighbor's ``api`` block asks for:

* ``neighbor-changes``: `connected`, `up`, `down` (``state`` messages);
* ``fsm``: `fsm` on every state change (5.0 prints the new state's name:
  IDLE ACTIVE CONNECT OPENSENT OPENCONFIRM ESTABLISHED);
* ``negotiated``: `negotiated` once the OPENs are exchanged, and
  `Channel.negotiated` given to `update` and `packets` (5.0 adds the block to
  those two only; pass `OPENING` before the negotiation completes, 5.0 then
  prints its defaults);
* ``signal``: `signal` with the signal number and 5.0's name for it
  (``SIGUSR1``, ``SIGTERM``, ...);
* ``receive``/``send`` ``parsed``: `message` (OPEN, KEEPALIVE, NOTIFICATION,
  ROUTE-REFRESH and OPERATIONAL: the message's ``TYPE`` says which) and
  `update`; with ``consolidate`` set, `Channel.consolidate` adds the raw header
  and body to the parsed message (5.0 passes them for received messages, and
  for sent ones only when ``packets`` is also set);
* ``packets`` (without ``consolidate``): `packets`, the raw message;
* `shutdown` when the daemon stops.

`header` is a message's 19-octet header and `body` the rest of it.  A
received UPDATE that RFC 7606 treats as withdrawn lists its routes as
withdrawals, as 5.0 reports it.

The JSON ``counter``: in 5.0 it counts the JSON messages rendered for one
neighbor, from 1, across every JSON helper of the daemon (two JSON helpers
of one neighbor see 1, 3, 5 and 2, 4, 6); the shutdown notification has
none.  The counters live in the `counters` mapping given to the encoder
(any `Counters`: a dict, or `exabgp.mrt.jsonlines`' slot list that its codec
counts in), keyed by `NeighborFields`: one mapping shared by the daemon's JSON encoders
gives 5.0's numbers, the default (a mapping per encoder) numbers each
helper's messages 1, 2, 3 ...  5.0 also restarts a neighbor's count when a reload changes the
neighbor; the reactor does that by dropping the neighbor's entry.  The text
encoder prints no counter.

Text: every event is followed by an empty line (5.0 ends each event with a
newline and its writer adds another), except OPERATIONAL whose 5.0 text has
no newline of its own.
"""

import json
from typing import Protocol

from exabgp._codec import render_run
from exabgp._codec.tables import HEADER_SIZE, INDEX_END, INDEX_FIELDS, INDEX_START
from exabgp.api.envelope import DaemonFields, Envelope, NeighborFields, hex_text, raw_fields, shutdown_line
from exabgp.api.json_message import OPENING, message_inner, message_kind, negotiated_json
from exabgp.api.json_update import compact, general_update_json, update_json
from exabgp.api.text_message import message_text, oneline, raw_text, update_text
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST
from exabgp.bgp.message import MESSAGE_TYPES
from exabgp.bgp.operational import Operational
from exabgp.bgp.record import record
from exabgp.bgp.update import Update

__all__ = ["Channel", "Encoder", "JsonEncoder", "OPENING", "TextEncoder"]


def packet_kind(category: int) -> str:
    """The ``type`` 5.0 gives a raw message: its message name in lower case."""
    entry = MESSAGE_TYPES.get(category)
    return entry[0].lower() if entry else "unknown"


@record(slots=True)
class Channel:
    """What every line about one neighbor's messages going one way carries: the neighbor's envelope
    fields, the direction (``"receive"`` or ``"send"``), the negotiated block to add (None: none,
    `OPENING` before the OPEN exchange) and whether a parsed message also shows its raw octets
    (``consolidate``).

    The reactor makes one per connection and direction, again when the OPEN exchange changes the
    neighbor's ASNs and the negotiated block: a message costs no record of its own.
    """

    neighbor: NeighborFields
    direction: str
    negotiated: object = None
    consolidate: bool = False


class Counters(Protocol):
    """What `JsonEncoder` does with its line counters: read a neighbor's (`default` when it has none) and set it."""

    def get(self, neighbor: NeighborFields, default: int, /) -> int: ...

    def __setitem__(self, neighbor: NeighborFields, value: int, /) -> None: ...


class Encoder(Protocol):
    """What a helper's encoder does (module docstring): the text of each event, "" for an event it has no form for.

    `message` is a decoded OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH or OPERATIONAL (`exabgp.bgp.open.Open`,
    ...), `update` an `exabgp.bgp.update.Update` read with `ctx` (an `exabgp.bgp.context.CodecContext`),
    `negotiated` the session's `exabgp.session.negotiation.Negotiated` (or `OPENING`), or None when the helper
    is not told it.
    """

    def connected(self, now: float, neighbor: NeighborFields) -> str: ...

    def up(self, now: float, neighbor: NeighborFields) -> str: ...

    def down(self, now: float, neighbor: NeighborFields, reason: str) -> str: ...

    def fsm(self, now: float, neighbor: NeighborFields, old: str, new: str) -> str: ...

    def negotiated(self, now: float, neighbor: NeighborFields, negotiated) -> str: ...

    def signal(self, now: float, neighbor: NeighborFields, code: int, name: str) -> str: ...

    def shutdown(self, now: float) -> str: ...

    def message(self, now: float, channel: Channel, message, header: bytes = b"", body: bytes = b"") -> str:
        """The parsed form of any message but an UPDATE (its kind is the message's own ``TYPE``)."""
        ...

    def update(self, now: float, channel: Channel, update, ctx, header: bytes = b"", body: bytes = b"") -> str: ...

    def received_run(self, now: float, channel: Channel, octets: bytes, index, ctx) -> bytes:
        """The lines of a run of received UPDATE messages (headers included) the codec vouched for, with its
        index (`_codec.index_updates`), in UTF-8."""
        ...

    def packets(self, now: float, channel: Channel, category: int, header: bytes, body: bytes) -> str:
        """The raw form of a message of type `category` (``consolidate`` does not apply)."""
        ...


class JsonEncoder:
    """5.0's ``encoder json`` (see the module docstring)."""

    def __init__(self, daemon: DaemonFields, counters: Counters | None = None, compact: bool = False):
        self._daemon = daemon
        self._counters: Counters = {} if counters is None else counters
        self._compact = compact  # api.compact: plain prefixes as bare strings
        self._envelopes: dict[NeighborFields, Envelope] = {}
        # the last neighbor and its envelope: lines come in runs for one neighbor
        self._neighbor: NeighborFields | None = None
        self._envelope: Envelope | None = None

    def _envelope_of(self, neighbor: NeighborFields) -> Envelope:
        envelope = self._envelope
        if neighbor is self._neighbor and envelope is not None:
            return envelope
        envelope = self._envelopes.get(neighbor)
        if envelope is None:
            envelope = self._envelopes[neighbor] = Envelope(self._daemon, neighbor)
        self._neighbor, self._envelope = neighbor, envelope
        return envelope

    def _line(
        self, now: float, neighbor: NeighborFields, kind: str, inner: str, tail: str = " } }", raw: str = ""
    ) -> str:
        counters = self._counters
        counter = counters[neighbor] = counters.get(neighbor, 0) + 1
        return self._envelope_of(neighbor).line(now, counter, kind, inner, tail, raw) + "\n"

    # ------------------------------------------------------------ session events

    def connected(self, now: float, neighbor: NeighborFields) -> str:
        return self._line(now, neighbor, "state", ', "state": "connected"')

    def up(self, now: float, neighbor: NeighborFields) -> str:
        return self._line(now, neighbor, "state", ', "state": "up"')

    def down(self, now: float, neighbor: NeighborFields, reason: str) -> str:
        return self._line(now, neighbor, "state", f', "state": "down", "reason": {json.dumps(reason)}')

    def fsm(self, now: float, neighbor: NeighborFields, old: str, new: str) -> str:
        return self._line(now, neighbor, "fsm", f', "state": "{new}"')

    def negotiated(self, now: float, neighbor: NeighborFields, negotiated) -> str:
        return self._line(now, neighbor, "negotiated", f', "negotiated": {negotiated_json(negotiated)}')

    def signal(self, now: float, neighbor: NeighborFields, code: int, name: str) -> str:
        return self._line(now, neighbor, "signal", f', "code": "{code}", "name": {json.dumps(name)}')

    def shutdown(self, now: float) -> str:
        return shutdown_line(self._daemon, now) + "\n"

    # ------------------------------------------------------------ messages

    def message(self, now: float, channel: Channel, message, header: bytes = b"", body: bytes = b"") -> str:
        raw = raw_fields(header, body) if channel.consolidate else ""
        inner = message_inner(message, channel.direction)
        return self._line(now, channel.neighbor, message_kind(message), inner, raw=raw)

    def update(self, now: float, channel: Channel, update, ctx, header: bytes = b"", body: bytes = b"") -> str:
        message = update_json(update, ctx, True)
        if self._compact:
            message = compact(message)
        inner = f', "direction": "{channel.direction}", "message": {message}'
        if channel.negotiated is not None:
            inner += f', "negotiated": {negotiated_json(channel.negotiated)}'
        raw = raw_fields(header, body) if channel.consolidate else ""
        return self._line(now, channel.neighbor, "update", inner, raw=raw)

    def received_run(self, now: float, channel: Channel, octets: bytes, index, ctx) -> bytes:
        """The lines of a run of received UPDATE messages (headers included), as `update` renders each, in
        UTF-8 (megabytes for a full table, written to the helper as they are).

        The reactor hands over the runs the codec vouched for in one call, with their index
        (`_codec.index_updates`, made by the session): the codec renders the lines of the run's plain
        UPDATEs itself (`_codec.render_run`, the text of `_codec.render_update` in the envelope),
        without an `Update` object nor framing them again, and stops at each message it declines,
        which is rendered here the general way; every line of the run carries the same time.
        """
        addpath = ctx.addpath_receive
        addpath4, addpath6 = (AFI_IPV4, SAFI_UNICAST) in addpath, (AFI_IPV6, SAFI_UNICAST) in addpath
        neighbor, negotiated = channel.neighbor, channel.negotiated
        tail = ("" if negotiated is None else f', "negotiated": {negotiated_json(negotiated)}') + " } }\n"
        head, after = self._envelope_of(neighbor).parts(now, "update")
        after += f', "direction": "{channel.direction}", "message": '
        asn4 = ctx.asn4
        counter = self._counters.get(neighbor, 0)
        lines = []
        record, count = 0, len(index) // INDEX_FIELDS
        while record < count:
            text, counter, record, declined = render_run(
                octets, index, record, asn4, addpath4, addpath6, head, after, tail, counter
            )
            lines.append(text)
            if declined is not None:
                counter += 1
                message = general_update_json(Update.decode(declined, ctx), ctx, True)
                lines.append(f"{head}{counter}{after}{message}{tail}".encode())
        self._counters[neighbor] = counter
        text = b"".join(lines)
        return compact(text.decode()).encode() if self._compact else text

    def packets(self, now: float, channel: Channel, category: int, header: bytes, body: bytes) -> str:
        inner = (
            f', "direction": "{channel.direction}", "message": {{ "category": {category}, '
            f'"header": "{hex_text(header)}", "body": "{hex_text(body)}" }} '
        )
        if channel.negotiated is not None:
            inner += f', "negotiated": {negotiated_json(channel.negotiated)}'
        return self._line(now, channel.neighbor, packet_kind(category), inner)


class TextEncoder:
    """5.0's ``encoder text`` (see the module docstring and `exabgp.api.text_message`)."""

    def __init__(self, daemon: DaemonFields):
        self._daemon = daemon

    # ------------------------------------------------------------ session events

    def connected(self, now: float, neighbor: NeighborFields) -> str:
        return f"neighbor {neighbor.peer_address} connected\n\n"

    def up(self, now: float, neighbor: NeighborFields) -> str:
        return f"neighbor {neighbor.peer_address} up\n\n"

    def down(self, now: float, neighbor: NeighborFields, reason: str) -> str:
        return f"neighbor {neighbor.peer_address} down - {oneline(reason)}\n\n"

    def fsm(self, now: float, neighbor: NeighborFields, old: str, new: str) -> str:
        return ""

    def negotiated(self, now: float, neighbor: NeighborFields, negotiated) -> str:
        return ""

    def signal(self, now: float, neighbor: NeighborFields, code: int, name: str) -> str:
        return ""

    def shutdown(self, now: float) -> str:
        return f"shutdown {self._daemon.pid} {self._daemon.ppid}\n\n"

    # ------------------------------------------------------------ messages

    def message(self, now: float, channel: Channel, message, header: bytes = b"", body: bytes = b"") -> str:
        direction = channel.direction
        text = message_text(f"neighbor {channel.neighbor.peer_address} {direction}", message, direction)
        raw = raw_text(header, body) if channel.consolidate else ""
        # 5.0's OPERATIONAL text ends without a newline of its own: one newline, not two
        return text + raw + ("\n" if message.TYPE == Operational.TYPE else "\n\n")

    def update(self, now: float, channel: Channel, update, ctx, header: bytes = b"", body: bytes = b"") -> str:
        raw = raw_text(header, body) if channel.consolidate else ""
        head = f"neighbor {channel.neighbor.peer_address} {channel.direction} update"
        return update_text(head, update, ctx, raw) + "\n\n"

    def received_run(self, now: float, channel: Channel, octets: bytes, index, ctx) -> bytes:
        """The events of a run of received UPDATE messages (headers included), as `update` renders each, in UTF-8."""
        lines = []
        for at in range(0, len(index), INDEX_FIELDS):
            body = bytes(octets[index[at + INDEX_START] + HEADER_SIZE : index[at + INDEX_END]])
            lines.append(self.update(now, channel, Update.decode(body, ctx), ctx, b"", body))
        return "".join(lines).encode()

    def packets(self, now: float, channel: Channel, category: int, header: bytes, body: bytes) -> str:
        return f"neighbor {channel.neighbor.peer_address} {channel.direction} {category}{raw_text(header, body)}\n\n"
