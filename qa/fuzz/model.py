"""Model targets: `decode_message` with 5.0's renderers, and every family's NLRI decoder.

These use the codec through `exabgp._codec`, so they cover the twin this
process loaded (run them once per twin: ``python -m qa.fuzz --twin py``).

``model.message`` (options: bit 0 clear for 4-octet ASNs, bit 1 ADD-PATH
received for every family, bit 2 extended message, bit 3 AIGP, bit 4
extended next hop for IPv4 unicast over IPv6, bits 5-7 the message type:
UPDATE, UPDATE, UPDATE, OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH,
OPERATIONAL) decodes the body as the session does, then, when it decodes:

* an UPDATE's attributes (RFC 7606 applied), changes and End-of-RIB are read;
  what `_codec.check_update` vouches for must decode without a reset, and
  what the index (`_codec.index_updates`) marks plain must have no attribute discarded
  nor be treated as withdraw (their docstrings promise both);
* 5.0's JSON of the message (the helper's line from `JsonEncoder`, parsed
  and consolidated, and each NLRI's ``json``) is valid JSON, and for an
  UPDATE `update_json` (the `_codec.render_update` fast path when it
  accepts the body) equals `general_update_json`, with and without
  treat-as-withdraw shown as withdrawals (what ``exabgp decode`` prints
  and what a helper reads);
* the text encoder renders it without an error.

Only `CodecError` may escape, from the decode or the first reading of the
attributes and changes (the session's reset).

``model.decode`` is ``exabgp decode`` without its command line: a whole
message or an UPDATE body (`display_message`, option bit 1 ``--compact``-like
NLRI), or NLRI of the first family (option bit 2, `display_nlri`), for the
synthetic neighbor of every family, ADD-PATH with option bit 0 (``-i``);
``invalid payload`` (`Invalid`, `CodecError`) is an answer, anything else
escaping is not, and every line printed is valid JSON.

``model.nlri`` (option octets: the family, an index in `FAMILIES`; bit 0
ADD-PATH, bit 1 MP_UNREACH_NLRI) decodes an NLRI section of every known
family (`exabgp.bgp.nlri.decode`); what decodes renders as valid JSON
(its ``json``) and as the reactor's debug text (``text``), and encodes again
(`exabgp.bgp.nlri.encode`) without an error.
"""

from exabgp._codec import check_update, frame_message, index_updates
from exabgp._codec.tables import INDEX_PLAIN
from exabgp._codec.errors import CodecError
from exabgp.api.encoder import Channel, JsonEncoder, TextEncoder
from exabgp.api.envelope import DaemonFields, NeighborFields
from exabgp.api.json_update import general_update_json, update_json
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import FAMILIES
from exabgp.bgp.message import decode_message
from exabgp.bgp.nlri import decode as decode_nlri
from exabgp.bgp.nlri import encode as encode_nlri
from exabgp.cli import decode as decode_cli
from exabgp.config.neighbor import parse
from qa.fuzz import seeds as seed_parts
from qa.fuzz.codec import bit, valid_json
from qa.fuzz.engine import Finding
from qa.fuzz.targets import Target

_TYPES = (2, 2, 2, 1, 3, 4, 5, 6)
_FAMILIES = sorted(FAMILIES)
_DAEMON = DaemonFields("fuzz", 1, 1)
_NEIGHBOR = NeighborFields("127.0.0.1", "127.0.0.2", 65000, 65001, "10.0.0.1")
_HEADER = 19


def context(options: int) -> CodecContext:
    """The negotiated context of an option octet (see the module docstring)."""
    every = frozenset(FAMILIES) if bit(options, 1) else frozenset()
    return CodecContext(
        asn4=not bit(options, 0),
        addpath_receive=every,
        addpath_send=every,
        extended_message=bit(options, 2),
        aigp=bit(options, 3),
        extended_nexthop=frozenset({(1, 1, 2)}) if bit(options, 4) else frozenset(),
    )


def header(msg_type: int, body: bytes) -> bytes:
    return b"\xff" * 16 + (_HEADER + len(body) & 0xFFFF).to_bytes(2, "big") + bytes((msg_type,))


class MessageTarget(Target):
    name = "model.message"

    def seeds(self) -> list:
        parts = seed_parts.parts()
        found = []
        for position, msg_type in enumerate(_TYPES):
            for body in parts.bodies.get(msg_type, [b""] if msg_type == 4 else []):
                found += [bytes((position << 5 | options,)) + body for options in (0, 1, 2, 3)]
        return found

    def run(self, data: bytes) -> None:
        if not data:
            return
        options, body = data[0], data[1:]
        msg_type, ctx = _TYPES[options >> 5], context(options)
        try:
            message = decode_message(msg_type, body, ctx)
            if msg_type == 2:
                message.attributes(ctx)
                message.changes(ctx)
        except CodecError:
            if msg_type == 2 and check_update(body, ctx.receives_path_id(1, 1), ctx.receives_path_id(2, 1)):
                raise Finding("check_update vouched for an UPDATE whose decode resets the session") from None
            return
        raw = header(msg_type, body)
        json, text = JsonEncoder(_DAEMON), TextEncoder(_DAEMON)
        if msg_type == 2:
            self._update(message, ctx, body)
            lines = [
                json.update(0.0, Channel(_NEIGHBOR, "receive", None, consolidate), message, ctx, raw, body)
                for consolidate in (False, True)
            ]
            text.update(0.0, Channel(_NEIGHBOR, "receive"), message, ctx, raw, body)
        else:
            lines = [
                json.message(0.0, Channel(_NEIGHBOR, "receive", None, consolidate), message, raw, body)
                for consolidate in (False, True)
            ]
            text.message(0.0, Channel(_NEIGHBOR, "receive"), message, raw, body)
        for line in "".join(lines).splitlines():
            valid_json(line, f"the helper's JSON line of message type {msg_type}")

    @staticmethod
    def _update(update, ctx, body: bytes) -> None:
        attributes = update.attributes(ctx)
        message = frame_message(2, body)
        used, index = index_updates(
            message, len(message), ctx.receives_path_id(1, 1), ctx.receives_path_id(2, 1), True, True, ctx.asn4, True
        )
        if used and index[INDEX_PLAIN]:
            if attributes.treat_as_withdraw is not None or attributes.discard is not None:
                raise Finding("index_updates marked plain an UPDATE that RFC 7606 treats as withdraw or discards")
        update.eor(ctx)
        for _action, _family, nexthop, nlri in update.changes(ctx):
            valid_json(nlri.json(nexthop), "an NLRI's json")
        for withdraw in (False, True):
            fast, general = update_json(update, ctx, withdraw), general_update_json(update, ctx, withdraw)
            if fast != general:
                raise Finding(f"update_json and general_update_json differ:\n{fast}\n{general}")
            valid_json(general, "general_update_json")


class NlriTarget(Target):
    name = "model.nlri"

    def seeds(self) -> list:
        sections = seed_parts.parts().nlri
        found = []
        for index, family in enumerate(_FAMILIES):
            mine = [section for afi, safi, section in sections if (afi, safi) == family]
            found += [
                bytes((index, flags)) + section
                for section in mine or [s for _a, _s, s in sections[:4]]
                for flags in (0, 1, 2)
            ]
        return found

    def run(self, data: bytes) -> None:
        if len(data) < 2:
            return
        afi, safi = _FAMILIES[data[0] % len(_FAMILIES)]
        addpath, withdraw = bit(data[1], 0), bit(data[1], 1)
        try:
            nlris = decode_nlri(afi, safi, data[2:], addpath, withdraw)
        except CodecError:
            return
        for nlri in nlris:
            valid_json(nlri.json(), f"the json of an NLRI of {FAMILIES[(afi, safi)][0]}")
            nlri.text()
        encode_nlri(afi, safi, nlris, addpath)


class DecodeTarget(Target):
    """``exabgp decode``'s rendering: `exabgp.cli.decode.display_message` (a whole message, or an UPDATE body)
    and `display_nlri` for the synthetic neighbor of every family, with ADD-PATH (option bit 0, ``-i``)."""

    name = "model.decode"

    def __init__(self):
        self._neighbors = []
        for path_information in (False, True):
            text = decode_cli.synthetic_configuration("all", path_information)
            neighbor = parse(text, "<decode>").neighbors[0]
            self._neighbors.append((neighbor, decode_cli.negotiated(neighbor)))

    def seeds(self) -> list:
        parts = seed_parts.parts()
        return [bytes((options,)) + message for message in parts.messages for options in (0, 1)] + [
            bytes((options,)) + body for body in parts.updates() for options in (2, 3)
        ]

    def run(self, data: bytes) -> None:
        if not data:
            return
        neighbor, ctx = self._neighbors[data[0] & 1]
        display = decode_cli.display_nlri if bit(data[0], 2) else decode_cli.display_message
        try:
            if display is decode_cli.display_nlri:
                lines = display(data[1:], neighbor, ctx)
            else:
                lines = [display(data[1:], neighbor, ctx, _DAEMON, 0.0, bit(data[0], 1))]
        except (CodecError, decode_cli.Invalid):
            return
        for line in lines:
            valid_json(line, "exabgp decode's line")


def targets() -> list:
    return [MessageTarget(), NlriTarget(), DecodeTarget()]
