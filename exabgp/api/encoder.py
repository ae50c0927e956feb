"""The events written to helper processes: ExaBGP 5.0's ``json`` and ``text`` encoders.

See docs/compatibility.md, "API output".

`JsonEncoder` and `TextEncoder` have the same methods, declared by the
`Encoder` protocol (what the reactor's `exabgp.reactor.api` calls; the type
checker, ``python -m qa.typecheck``, verifies both provide it); each returns the
exact text to write on the helper's stdin, newlines included, or "" when the
encoder has no form for the event (the text encoder prints no ``fsm``,
``negotiated`` or ``signal``).  Nothing here reads a clock or does IO: every
method takes the time `now`, the events of a session first, after it the
neighbor (`exabgp.api.envelope.NeighborFields`) and what the event says; the
methods of a message take a `Report` instead: the time, the neighbor, the
direction, the raw octets, the negotiated block and ``consolidate``, which
every line of a message carries.  The reactor makes one encoder per helper
process and calls the methods the neighbor's ``api`` block asks for:

* ``neighbor-changes``: `connected`, `up`, `down` (``state`` messages);
* ``fsm``: `fsm` on every state change (5.0 prints the new state's name:
  IDLE ACTIVE CONNECT OPENSENT OPENCONFIRM ESTABLISHED);
* ``negotiated``: `negotiated` once the OPENs are exchanged, and
  `Report.negotiated` given to `update` and `packets` (5.0 adds the block to
  those two only; pass `OPENING` before the negotiation completes, 5.0 then
  prints its defaults);
* ``signal``: `signal` with the signal number and 5.0's name for it
  (``SIGUSR1``, ``SIGTERM``, ...);
* ``receive``/``send`` ``parsed``: `message` (OPEN, KEEPALIVE, NOTIFICATION,
  ROUTE-REFRESH and OPERATIONAL: the message's ``TYPE`` says which) and
  `update`; with ``consolidate`` set, `Report.consolidate` adds the raw header
  and body to the parsed message (5.0 passes them for received messages, and
  for sent ones only when ``packets`` is also set);
* ``packets`` (without ``consolidate``): `packets`, the raw message;
* `shutdown` when the daemon stops.

A report's `direction` is ``"receive"`` or ``"send"``; `header` is the
19-octet header and `body` the rest of the message.  A received UPDATE that RFC 7606 treats
as withdrawn lists its routes as withdrawals, as 5.0 reports it.

The JSON ``counter``: in 5.0 it counts the JSON messages rendered for one
neighbor, from 1, across every JSON helper of the daemon (two JSON helpers
of one neighbor see 1, 3, 5 and 2, 4, 6); the shutdown notification has
none.  The counters live in the `counters` mapping given to the encoder,
keyed by `NeighborFields`: one mapping shared by the daemon's JSON encoders
gives 5.0's numbers, the default (a mapping per encoder) numbers each helper's messages
1, 2, 3 ...  5.0 also restarts a neighbor's count when a reload changes the
neighbor; the reactor does that by dropping the neighbor's entry.  The text
encoder prints no counter.

Text: every event is followed by an empty line (5.0 ends each event with a
newline and its writer adds another), except OPERATIONAL whose 5.0 text has
no newline of its own.
"""

import json
from typing import NamedTuple, Protocol

from exabgp._codec import render_run, split_messages
from exabgp._codec.tables import EXTENDED_MAX_SIZE
from exabgp.api.envelope import DaemonFields, Envelope, NeighborFields, hex_text, raw_fields, shutdown_line
from exabgp.api.json_message import OPENING, message_inner, message_kind, negotiated_json
from exabgp.api.json_update import compact, general_update_json, update_json
from exabgp.api.text_message import message_text, oneline, raw_text, update_text
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST
from exabgp.bgp.message import MESSAGE_TYPES
from exabgp.bgp.operational import Operational
from exabgp.bgp.update import Update

__all__ = ["Encoder", "JsonEncoder", "OPENING", "Report", "TextEncoder"]


def packet_kind(category: int) -> str:
    """The ``type`` 5.0 gives a raw message: its message name in lower case."""
    entry = MESSAGE_TYPES.get(category)
    return entry[0].lower() if entry else "unknown"


class Report(NamedTuple):
    """What a message line carries besides the message: when, about which neighbor, which way, the raw
    octets (`header` the 19-octet header, `body` the rest), the negotiated block to add (None: none,
    `OPENING` before the OPEN exchange), and whether the parsed form also shows the raw octets
    (``consolidate``).

    A named tuple rather than a `exabgp.bgp.record.record`: the reactor makes one per message it
    reports, and a tuple is made in a third of the time a frozen record takes.
    """

    now: float
    neighbor: NeighborFields
    direction: str  # "receive" or "send"
    header: bytes = b""
    body: bytes = b""
    negotiated: object = None
    consolidate: bool = False


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

    def message(self, report: Report, message) -> str:
        """The parsed form of any message but an UPDATE (its kind is the message's own ``TYPE``)."""
        ...

    def update(self, report: Report, update, ctx) -> str: ...

    def received_run(self, now: float, neighbor: NeighborFields, octets: bytes, ctx, negotiated) -> bytes:
        """The lines of a run of received UPDATE messages (headers included) the codec vouched for, in UTF-8."""
        ...

    def packets(self, report: Report, category: int) -> str:
        """The raw form of a message of type `category` (``consolidate`` does not apply)."""
        ...


class JsonEncoder:
    """5.0's ``encoder json`` (see the module docstring)."""

    def __init__(self, daemon: DaemonFields, counters: dict | None = None, compact: bool = False):
        self._daemon = daemon
        self._counters = {} if counters is None else counters
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

    def message(self, report: Report, message) -> str:
        raw = raw_fields(report.header, report.body) if report.consolidate else ""
        inner = message_inner(message, report.direction)
        return self._line(report.now, report.neighbor, message_kind(message), inner, raw=raw)

    def update(self, report: Report, update, ctx) -> str:
        message = update_json(update, ctx, True)
        if self._compact:
            message = compact(message)
        inner = f', "direction": "{report.direction}", "message": {message}'
        if report.negotiated is not None:
            inner += f', "negotiated": {negotiated_json(report.negotiated)}'
        raw = raw_fields(report.header, report.body) if report.consolidate else ""
        return self._line(report.now, report.neighbor, "update", inner, raw=raw)

    def received_run(self, now: float, neighbor: NeighborFields, octets: bytes, ctx, negotiated) -> bytes:
        """The lines of a run of received UPDATE messages (headers included), as `update` renders each, in
        UTF-8 (megabytes for a full table, written to the helper as they are).

        The reactor hands over the runs the codec vouched for (`_codec.scan_updates`) in one call:
        the codec renders the lines of the run itself (`_codec.render_run`, the text of
        `_codec.render_update` in the envelope), without an `Update` object, and stops at each
        message it declines, which is rendered here the general way; every line of the run carries
        the same time.
        """
        addpath = ctx.addpath_receive
        addpath4, addpath6 = (AFI_IPV4, SAFI_UNICAST) in addpath, (AFI_IPV6, SAFI_UNICAST) in addpath
        tail = ("" if negotiated is None else f', "negotiated": {negotiated_json(negotiated)}') + " } }\n"
        head, after = self._envelope_of(neighbor).parts(now, "update")
        after += ', "direction": "receive", "message": '
        asn4 = ctx.asn4
        counter = self._counters.get(neighbor, 0)
        lines = []
        offset, size = 0, len(octets)
        while offset < size:
            text, counter, offset, declined = render_run(
                octets, offset, asn4, addpath4, addpath6, head, after, tail, counter
            )
            lines.append(text)
            if declined is not None:
                counter += 1
                message = general_update_json(Update.decode(declined, ctx), ctx, True)
                lines.append(f"{head}{counter}{after}{message}{tail}".encode())
        self._counters[neighbor] = counter
        text = b"".join(lines)
        return compact(text.decode()).encode() if self._compact else text

    def packets(self, report: Report, category: int) -> str:
        inner = (
            f', "direction": "{report.direction}", "message": {{ "category": {category}, '
            f'"header": "{hex_text(report.header)}", "body": "{hex_text(report.body)}" }} '
        )
        if report.negotiated is not None:
            inner += f', "negotiated": {negotiated_json(report.negotiated)}'
        return self._line(report.now, report.neighbor, packet_kind(category), inner)


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

    def message(self, report: Report, message) -> str:
        text = message_text(f"neighbor {report.neighbor.peer_address} {report.direction}", message, report.direction)
        raw = raw_text(report.header, report.body) if report.consolidate else ""
        # 5.0's OPERATIONAL text ends without a newline of its own: one newline, not two
        return text + raw + ("\n" if message.TYPE == Operational.TYPE else "\n\n")

    def update(self, report: Report, update, ctx) -> str:
        raw = raw_text(report.header, report.body) if report.consolidate else ""
        head = f"neighbor {report.neighbor.peer_address} {report.direction} update"
        return update_text(head, update, ctx, raw) + "\n\n"

    def received_run(self, now: float, neighbor: NeighborFields, octets: bytes, ctx, negotiated) -> bytes:
        """The events of a run of received UPDATE messages (headers included), as `update` renders each, in UTF-8."""
        report = Report(now, neighbor, "receive", negotiated=negotiated)
        # any size up to RFC 8654's largest: a vouched run holds messages the session already accepted
        return "".join(
            self.update(report, Update.decode(body, ctx), ctx)
            for _type, body in split_messages(octets, EXTENDED_MAX_SIZE)[0]
        ).encode()

    def packets(self, report: Report, category: int) -> str:
        raw = raw_text(report.header, report.body)
        return f"neighbor {report.neighbor.peer_address} {report.direction} {category}{raw}\n\n"
