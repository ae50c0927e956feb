"""The events written to helper processes: ExaBGP 5.0's ``json`` and ``text`` encoders.

See docs/compatibility.md, "API output".

`JsonEncoder` and `TextEncoder` have the same methods, declared by the
`Encoder` protocol (what the reactor's `exabgp.reactor.api` calls; the type
checker, ``python -m qa.typecheck``, verifies both provide it); each returns the
exact text to write on the helper's stdin, newlines included, or "" when the
encoder has no form for the event (the text encoder prints no ``fsm``,
``negotiated`` or ``signal``).  Nothing here reads a clock or does IO: every
method takes the time `now` first.  The reactor makes one encoder per helper
process and calls the methods the neighbor's ``api`` block asks for:

* ``neighbor-changes``: `connected`, `up`, `down` (``state`` messages);
* ``fsm``: `fsm` on every state change (5.0 prints the new state's name:
  IDLE ACTIVE CONNECT OPENSENT OPENCONFIRM ESTABLISHED);
* ``negotiated``: `negotiated` once the OPENs are exchanged, and `negotiated`
  given to `update` and `packets` (5.0 adds the block to those two only; pass
  `OPENING` before the negotiation completes, 5.0 then prints its defaults);
* ``signal``: `signal` with the signal number and 5.0's name for it
  (``SIGUSR1``, ``SIGTERM``, ...);
* ``receive``/``send`` ``parsed``: `open` `keepalive` `notification` `refresh`
  `operational` `update`; with ``consolidate`` set, `consolidate=True` adds the
  raw header and body to the parsed message (5.0 passes them for received
  messages, and for sent ones only when ``packets`` is also set);
* ``packets`` (without ``consolidate``): `packets`, the raw message;
* `shutdown` when the daemon stops.

`direction` is ``"receive"`` or ``"send"``; `header` is the 19-octet header
and `body` the rest of the message.  A received UPDATE that RFC 7606 treats
as withdrawn lists its routes as withdrawals, as 5.0 reports it.

The JSON ``counter``: in 5.0 it counts the JSON messages rendered for one
neighbor, from 1, across every JSON helper of the daemon (two JSON helpers
of one neighbor see 1, 3, 5 and 2, 4, 6); the shutdown notification has
none.  The counters live in the `counters` mapping given to the encoder,
keyed by `Peer`: one mapping shared by the daemon's JSON encoders gives 5.0's
numbers, the default (a mapping per encoder) numbers each helper's messages
1, 2, 3 ...  5.0 also restarts a neighbor's count when a reload changes the
neighbor; the reactor does that by dropping the peer's entry.  The text
encoder prints no counter.

Text: every event is followed by an empty line (5.0 ends each event with a
newline and its writer adds another), except OPERATIONAL whose 5.0 text has
no newline of its own.
"""

import json
from typing import Protocol

from exabgp._codec import render_run, split_messages
from exabgp._codec.tables import EXTENDED_MAX_SIZE
from exabgp.api.envelope import Envelope, Peer, Speaker, hex_text, raw_fields, shutdown_line
from exabgp.api.json_message import OPENING, message_inner, message_kind, negotiated_json
from exabgp.api.json_update import compact, general_update_json, update_json
from exabgp.api.text_message import (
    notification_text,
    oneline,
    open_text,
    operational_text,
    raw_text,
    refresh_text,
    update_text,
)
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST
from exabgp.bgp.message import MESSAGE_TYPES
from exabgp.bgp.update import Update

__all__ = ["Encoder", "JsonEncoder", "TextEncoder", "OPENING"]


def packet_kind(category: int) -> str:
    """The ``type`` 5.0 gives a raw message: its message name in lower case."""
    entry = MESSAGE_TYPES.get(category)
    return entry[0].lower() if entry else "unknown"


class Encoder(Protocol):
    """What a helper's encoder does (module docstring): the text of each event, "" for an event it has no form for.

    `message` is the decoded message of its kind (`exabgp.bgp.open.Open`, ...), `update` an
    `exabgp.bgp.update.Update` read with `ctx` (an `exabgp.bgp.context.CodecContext`), `negotiated` the
    session's `exabgp.session.negotiation.Negotiated` (or `OPENING`), or None when the helper is not told it.
    """

    def connected(self, now: float, peer: Peer) -> str: ...

    def up(self, now: float, peer: Peer) -> str: ...

    def down(self, now: float, peer: Peer, reason: str) -> str: ...

    def fsm(self, now: float, peer: Peer, old: str, new: str) -> str: ...

    def negotiated(self, now: float, peer: Peer, negotiated) -> str: ...

    def signal(self, now: float, peer: Peer, code: int, name: str) -> str: ...

    def shutdown(self, now: float) -> str: ...

    def open(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str: ...

    def keepalive(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str: ...

    def notification(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str: ...

    def refresh(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str: ...

    def operational(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str: ...

    def update(
        self,
        now: float,
        peer: Peer,
        direction: str,
        update,
        ctx,
        header: bytes,
        body: bytes,
        negotiated,
        consolidate: bool,
    ) -> str: ...

    def received_run(self, now: float, peer: Peer, octets: bytes, ctx, negotiated) -> bytes:
        """The lines of a run of received UPDATE messages (headers included) the codec vouched for, in UTF-8."""
        ...

    def packets(
        self, now: float, peer: Peer, direction: str, category: int, header: bytes, body: bytes, negotiated
    ) -> str: ...


class JsonEncoder:
    """5.0's ``encoder json`` (see the module docstring)."""

    def __init__(self, speaker: Speaker, counters: dict | None = None, compact: bool = False):
        self._speaker = speaker
        self._counters = {} if counters is None else counters
        self._compact = compact  # api.compact: plain prefixes as bare strings
        self._envelopes: dict[Peer, Envelope] = {}
        # the last peer and its envelope: lines come in runs for one peer
        self._peer: Peer | None = None
        self._envelope: Envelope | None = None

    def _envelope_of(self, peer: Peer) -> Envelope:
        if peer is self._peer:
            return self._envelope
        envelope = self._envelopes.get(peer)
        if envelope is None:
            envelope = self._envelopes[peer] = Envelope(self._speaker, peer)
        self._peer, self._envelope = peer, envelope
        return envelope

    def _line(self, now: float, peer: Peer, kind: str, inner: str, tail: str = " } }", raw: str = "") -> str:
        counters = self._counters
        counter = counters[peer] = counters.get(peer, 0) + 1
        return self._envelope_of(peer).line(now, counter, kind, inner, tail, raw) + "\n"

    # ------------------------------------------------------------ session events

    def connected(self, now: float, peer: Peer) -> str:
        return self._line(now, peer, "state", ', "state": "connected"')

    def up(self, now: float, peer: Peer) -> str:
        return self._line(now, peer, "state", ', "state": "up"')

    def down(self, now: float, peer: Peer, reason: str) -> str:
        return self._line(now, peer, "state", f', "state": "down", "reason": {json.dumps(reason)}')

    def fsm(self, now: float, peer: Peer, old: str, new: str) -> str:
        return self._line(now, peer, "fsm", f', "state": "{new}"')

    def negotiated(self, now: float, peer: Peer, negotiated) -> str:
        return self._line(now, peer, "negotiated", f', "negotiated": {negotiated_json(negotiated)}')

    def signal(self, now: float, peer: Peer, code: int, name: str) -> str:
        return self._line(now, peer, "signal", f', "code": "{code}", "name": {json.dumps(name)}')

    def shutdown(self, now: float) -> str:
        return shutdown_line(self._speaker, now) + "\n"

    # ------------------------------------------------------------ messages

    def _message(self, now, peer, direction, message, header, body, consolidate) -> str:
        raw = raw_fields(header, body) if consolidate else ""
        return self._line(now, peer, message_kind(message), message_inner(message, direction), raw=raw)

    def open(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return self._message(now, peer, direction, message, header, body, consolidate)

    def keepalive(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return self._message(now, peer, direction, message, header, body, consolidate)

    def notification(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return self._message(now, peer, direction, message, header, body, consolidate)

    def refresh(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return self._message(now, peer, direction, message, header, body, consolidate)

    def operational(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return self._message(now, peer, direction, message, header, body, consolidate)

    def update(
        self,
        now: float,
        peer: Peer,
        direction: str,
        update,
        ctx,
        header: bytes,
        body: bytes,
        negotiated,
        consolidate: bool,
    ) -> str:
        message = update_json(update, ctx, True)
        if self._compact:
            message = compact(message)
        inner = f', "direction": "{direction}", "message": {message}'
        if negotiated is not None:
            inner += f', "negotiated": {negotiated_json(negotiated)}'
        raw = raw_fields(header, body) if consolidate else ""
        return self._line(now, peer, "update", inner, raw=raw)

    def received_run(self, now: float, peer: Peer, octets: bytes, ctx, negotiated) -> bytes:
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
        head, after = self._envelope_of(peer).parts(now, "update")
        after += ', "direction": "receive", "message": '
        asn4 = ctx.asn4
        counter = self._counters.get(peer, 0)
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
        self._counters[peer] = counter
        text = b"".join(lines)
        return compact(text.decode()).encode() if self._compact else text

    def packets(
        self, now: float, peer: Peer, direction: str, category: int, header: bytes, body: bytes, negotiated
    ) -> str:
        inner = (
            f', "direction": "{direction}", "message": {{ "category": {category}, '
            f'"header": "{hex_text(header)}", "body": "{hex_text(body)}" }} '
        )
        if negotiated is not None:
            inner += f', "negotiated": {negotiated_json(negotiated)}'
        return self._line(now, peer, packet_kind(category), inner)


class TextEncoder:
    """5.0's ``encoder text`` (see the module docstring and `exabgp.api.text_message`)."""

    def __init__(self, speaker: Speaker):
        self._speaker = speaker

    # ------------------------------------------------------------ session events

    def connected(self, now: float, peer: Peer) -> str:
        return f"neighbor {peer.peer_address} connected\n\n"

    def up(self, now: float, peer: Peer) -> str:
        return f"neighbor {peer.peer_address} up\n\n"

    def down(self, now: float, peer: Peer, reason: str) -> str:
        return f"neighbor {peer.peer_address} down - {oneline(reason)}\n\n"

    def fsm(self, now: float, peer: Peer, old: str, new: str) -> str:
        return ""

    def negotiated(self, now: float, peer: Peer, negotiated) -> str:
        return ""

    def signal(self, now: float, peer: Peer, code: int, name: str) -> str:
        return ""

    def shutdown(self, now: float) -> str:
        return f"shutdown {self._speaker.pid} {self._speaker.ppid}\n\n"

    # ------------------------------------------------------------ messages

    def open(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        text = open_text(f"neighbor {peer.peer_address} {direction}", message, direction)
        return _event(text, header, body, consolidate)

    def keepalive(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return _event(f"neighbor {peer.peer_address} {direction} keepalive", header, body, consolidate)

    def notification(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        text = notification_text(f"neighbor {peer.peer_address} {direction}", message, direction)
        return _event(text, header, body, consolidate)

    def refresh(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        return _event(refresh_text(f"neighbor {peer.peer_address} {direction}", message), header, body, consolidate)

    def operational(
        self, now: float, peer: Peer, direction: str, message, header: bytes, body: bytes, negotiated, consolidate: bool
    ) -> str:
        text = operational_text(f"neighbor {peer.peer_address} {direction}", message)
        return text + (raw_text(header, body) if consolidate else "") + "\n"

    def update(
        self,
        now: float,
        peer: Peer,
        direction: str,
        update,
        ctx,
        header: bytes,
        body: bytes,
        negotiated,
        consolidate: bool,
    ) -> str:
        raw = raw_text(header, body) if consolidate else ""
        return update_text(f"neighbor {peer.peer_address} {direction} update", update, ctx, raw) + "\n\n"

    def received_run(self, now: float, peer: Peer, octets: bytes, ctx, negotiated) -> bytes:
        """The events of a run of received UPDATE messages (headers included), as `update` renders each, in UTF-8."""
        # any size up to RFC 8654's largest: a vouched run holds messages the session already accepted
        return "".join(
            self.update(now, peer, "receive", Update.decode(body, ctx), ctx, b"", body, negotiated, False)
            for _type, body in split_messages(octets, EXTENDED_MAX_SIZE)[0]
        ).encode()

    def packets(
        self, now: float, peer: Peer, direction: str, category: int, header: bytes, body: bytes, negotiated
    ) -> str:
        return f"neighbor {peer.peer_address} {direction} {category}{raw_text(header, body)}\n\n"


def _event(text: str, header: bytes, body: bytes, consolidate: bool) -> str:
    return text + (raw_text(header, body) if consolidate else "") + "\n\n"
