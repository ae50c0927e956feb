"""BMP messages as JSON lines in ExaBGP 5.0's envelope, ``"type": "bmp"`` (README, "A BMP station").

Every line is the envelope of `exabgp.api.envelope` (``exabgp``, ``time``,
``host``, ``pid``, ``ppid``, ``counter``, ``type``), then a ``"bmp"``
object for the router and the message, then, for the messages about a
monitored peer, the ``"neighbor"`` object a helper of a BGP session with
that peer would read:

    { "exabgp": "5.0.0", "time": 1733450000.5, "host" : "h", "pid" : 1, "ppid" : 1, "counter": 7,
      "type": "bmp", "bmp": { "router": { "address": "127.0.0.1", "port": 41000, "name": "r1" },
      "message": "route-monitoring", "peer": { "type": "global", "distinguisher": "0:0",
      "flags": [ "post-policy" ], "timestamp": 1733450000.123456 } },
      "neighbor": { "address": { "local": "10.0.0.1", "peer": "10.0.0.2" },
      "asn": { "local": 65000, "peer": 65001 }, "router-id": "10.0.0.2" ,
      "direction": "receive", "message": { "update": { ... } } } }

* ``route-monitoring``: ``direction`` ``receive`` (Adj-RIB-In, Loc-RIB) or
  ``send`` (Adj-RIB-Out, RFC 8671) and the UPDATE exactly as
  `exabgp.api.json_update.update_json` renders a received one (the codec's
  fast path for the unicast families, RFC 7606 outcomes as withdrawals); an
  UPDATE that would reset a BGP session (RFC 7606 section 4: its NLRI can
  not be read) is ``"error": { "code", "subcode", "reason", "body" }``
  instead, and the BMP session goes on.  A message with TLVs (RFC 9736
  layout, `exabgp.bmp.message`) has ``"tlvs"`` in ``bmp``, after
  ``peer``: a list, in the message's order, of ``{ "type": N, "name": ...,
  "index": N, "value": ... }`` (``"group": N`` instead of ``index`` when the
  index has the G bit; ``"enterprise": PEN`` and the name ``enterprise``
  for a type with the E bit, the value after the enterprise number), the
  value decoded for ``vrf-table-name`` (a string) and ``group`` (a list of
  NLRI indexes), the octets in hex for the others (``stateless-parsing``,
  ``path-marking``, ``unknown``);
* ``peer-up``: ``"state": "up"``, the local and remote ports in ``bmp``,
  and ``"open": { "sent": ..., "received": ... }`` as 5.0 prints a received
  OPEN (`exabgp.api.json_message.open_json`);
* ``peer-down``: ``"state": "down"``, ``"reason"`` (`tables.DOWN_REASONS`),
  and the ``notification`` (5.0's form), the ``fsm-event`` or the
  ``information`` TLVs when sent (``data`` in hex for an unknown reason);
  a BMPv4 one's TLVs in ``bmp.tlvs`` as a Route Monitoring's
  (`tables.PEER_DOWN_TLVS`: ``string`` and ``vrf-table-name`` as text);
* ``statistics-report``: ``"statistics"``, a list of ``{ "type": N,
  "name": ..., "value": N }`` (``"family"`` added for the per-family gauges);
* ``route-mirroring``: ``"mirrored"``, a list of ``{ "bgp-message": "0x..." }``
  and ``{ "information": "messages-lost" }``;
* ``initiation``, ``termination``: no ``neighbor``; ``"information"`` in
  ``bmp``, a list of ``{ "type": ..., "value": ... }`` (the Termination's
  reason by name).

The ``counter`` counts the lines of one BMP session, from 1.  ``time`` is
when the station read the message; the per-peer header's own time is
``bmp.peer.timestamp``.  Nothing here reads a clock or does I/O.
"""

import json

from exabgp._codec.errors import CodecError
from exabgp.api.envelope import DaemonFields, Envelope, hex_text
from exabgp.api.json_message import afi_text, notification_json, open_json
from exabgp.api.json_update import compact, update_json
from exabgp.bgp.family import safi_name
from exabgp.bgp.nlri_fields import rd_text
from exabgp.bgp.update import Update
from exabgp.bmp import tables
from exabgp.bmp.message import (
    Initiation,
    PeerDown,
    PeerHeader,
    PeerUp,
    RouteMirroring,
    RouteMonitoring,
    StatisticsReport,
    Termination,
)
from exabgp.bmp.router import Router
from exabgp import JSON_API_VERSION


def _text(value: bytes) -> str:
    return json.dumps(bytes(value).decode("utf-8", "replace"))


def _information(tlvs, names: dict) -> str:
    items = []
    for kind, value in tlvs:
        name = names.get(kind, str(kind))
        if names is tables.TERMINATION_TYPES and kind == tables.TERMINATION_REASON:
            code = int.from_bytes(value, "big")
            shown = json.dumps(tables.TERMINATION_REASONS.get(code, str(code)))
        else:
            shown = _text(value)
        items.append(f'{{ "type": "{name}", "value": {shown} }}')
    return "[ " + ", ".join(items) + " ]"


def indexed_tlvs(tlvs: tuple, names: dict) -> str:
    """The ``"tlvs"`` list of a Route Monitoring or a BMPv4 Peer Down, `names` its TLV types' (the module
    docstring)."""
    items = []
    for kind, index, value in tlvs:
        where = f'"group": {index & ~tables.INDEX_GROUP}' if index & tables.INDEX_GROUP else f'"index": {index}'
        if kind & tables.TLV_ENTERPRISE:
            enterprise = int.from_bytes(value[:4], "big")
            items.append(
                f'{{ "type": {kind & ~tables.TLV_ENTERPRISE}, "name": "enterprise", "enterprise": {enterprise}, '
                f'{where}, "value": "{hex_text(value[4:])}" }}'
            )
            continue
        name = names.get(kind, "unknown")
        if name in tables.TEXT_TLVS:
            shown = _text(value)
        elif name == "group":
            shown = (
                "[ " + ", ".join(str(int.from_bytes(value[i : i + 2], "big")) for i in range(0, len(value), 2)) + " ]"
            )
        else:
            shown = f'"{hex_text(value)}"'
        items.append(f'{{ "type": {kind}, "name": "{name}", {where}, "value": {shown} }}')
    return "[ " + ", ".join(items) + " ]"


class BmpPrinter:
    """The JSON lines of one BMP session (see the module docstring); `router` keeps the session's peers."""

    def __init__(self, daemon: DaemonFields, router: Router, compact: bool = False):
        self._daemon = daemon
        self._router = router
        self._compact = compact
        self.counter = 0
        self._envelopes: dict = {}  # NeighborFields -> Envelope
        self._peer_heads: dict = {}  # (peer key, flags, message type) -> the "bmp" object up to the timestamp
        # id(PeerHeader) -> (the header, envelope, bmp head, direction, context) of its Route Monitoring lines,
        # forgotten when a message other than a Route Monitoring comes (it may change the peer or the router)
        self._monitored: dict[int, tuple] = {}

    def _router_text(self) -> str:
        router = self._router
        name = f', "name": {json.dumps(router.name)}' if router.name else ""
        return f'{{ "address": "{router.address}", "port": {router.port}{name} }}'

    def _bmp_head(self, kind: int, peer: PeerHeader) -> str:
        key = (peer.key, peer.flags, kind)
        head = self._peer_heads.get(key)
        if head is None:
            flags = ", ".join(f'"{name}"' for name in peer.flag_names)
            head = self._peer_heads[key] = (
                f'"bmp": {{ "router": {self._router_text()}, "message": "{tables.MESSAGE_NAMES[kind]}", '
                f'"peer": {{ "type": "{tables.PEER_TYPES.get(peer.type, str(peer.type))}", '
                f'"distinguisher": "{rd_text(peer.distinguisher)}", "flags": [ {flags} ], "timestamp": '
            )
        return head

    def _envelope(self, peer: PeerHeader) -> Envelope:
        neighbor = self._router.neighbor(peer)
        envelope = self._envelopes.get(neighbor)
        if envelope is None:
            envelope = self._envelopes[neighbor] = Envelope(self._daemon, neighbor)
        return envelope

    def _line(self, now: float, message, inner: str, extra: str = "") -> str:
        """A line about a monitored peer: the bmp object (with `extra` fields after the peer), then its neighbor."""
        peer = message.peer
        self.counter += 1
        bmp = f"{self._bmp_head(message.TYPE, peer)}{message.timestamp!r} }}{extra} }}, "
        return self._envelope(peer).line(now, self.counter, "bmp", inner, " } }", bmp) + "\n"

    def _route_monitoring(self, now: float, message) -> str:
        """The line of a Route Monitoring: what it needs of its peer found with one lookup."""
        peer = message.peer
        router = self._router
        router.receive(message)
        known = self._monitored.get(id(peer))
        if known is None or known[0] is not peer:
            direction = "send" if peer.adj_rib_out else "receive"
            known = (peer, self._envelope(peer), self._bmp_head(message.TYPE, peer), direction, router.context(peer))
            self._monitored[id(peer)] = known
        _peer, envelope, head, direction, ctx = known
        self.counter += 1
        tlvs = f', "tlvs": {indexed_tlvs(message.tlvs, tables.ROUTE_MONITORING_TLVS)}' if message.tlvs else ""
        bmp = f"{head}{message.timestamp!r} }}{tlvs} }}, "
        try:
            text = update_json(Update.decode(message.body, ctx), ctx, True)
        except CodecError as error:  # what would reset a BGP session: told, the BMP session goes on
            inner = (
                f', "direction": "{direction}", "error": {{ "code": {error.code}, "subcode": {error.subcode}, '
                f'"reason": {json.dumps(error.reason)}, "body": "{hex_text(message.body)}" }}'
            )
            return envelope.line(now, self.counter, "bmp", inner, " } }", bmp) + "\n"
        if self._compact:
            text = compact(text)
        return (
            envelope.line(now, self.counter, "bmp", f', "direction": "{direction}", "message": {text}', " } }", bmp)
            + "\n"
        )

    def _router_line(self, now: float, kind: int, fields: str) -> str:
        """A line about the router itself: no neighbor."""
        daemon = self._daemon
        self.counter += 1
        return (
            f'{{ "exabgp": "{JSON_API_VERSION}", "time": {now!r}, "host" : "{daemon.host}", "pid" : {daemon.pid}, '
            f'"ppid" : {daemon.ppid}, "counter": {self.counter}, "type": "bmp", "bmp": {{ "router": '
            f'{self._router_text()}, "message": "{tables.MESSAGE_NAMES[kind]}"{fields} }} }}\n'
        )

    def line(self, now: float, message) -> str:
        """The JSON line of one decoded message (`exabgp.bmp.message`), read at time `now`; the router is told
        of it (`Router.receive`): before its line for a Peer Up, an Initiation or a Route Monitoring, after it
        for a Peer Down."""
        if type(message) is RouteMonitoring:
            return self._route_monitoring(now, message)
        self._monitored.clear()
        if isinstance(message, PeerUp):
            self._router.receive(message)
            sent = open_json(message.sent_open, "receive")
            received = open_json(message.received_open, "receive")
            extra = (
                f', "local-port": {message.local_port}, "remote-port": {message.remote_port}, '
                f'"information": {_information(message.information, tables.PEER_INFORMATION_TYPES)}'
            )
            inner = f', "state": "up", "open": {{ "sent": {sent}, "received": {received} }}'
            return self._line(now, message, inner, extra)
        if isinstance(message, PeerDown):
            reason = tables.DOWN_REASONS.get(message.reason, str(message.reason))
            inner = f', "state": "down", "reason": "{reason}"'
            if message.notification is not None:
                inner += f', "notification": {notification_json(message.notification)}'
            if message.fsm_event is not None:
                inner += f', "fsm-event": {message.fsm_event}'
            if message.information:
                inner += f', "information": {_information(message.information, tables.PEER_INFORMATION_TYPES)}'
            if message.data:
                inner += f', "data": "{hex_text(message.data)}"'
            tlvs = f', "tlvs": {indexed_tlvs(message.tlvs, tables.PEER_DOWN_TLVS)}' if message.tlvs else ""
            line = self._line(now, message, inner, tlvs)
            self._router.receive(message)
            return line
        if isinstance(message, StatisticsReport):
            items = []
            for kind, value in message.statistics:
                name = tables.STATISTICS_TYPES.get(kind, "unknown")
                if isinstance(value, tuple):
                    afi, safi, count = value
                    family = f'"family": "{afi_text(afi)} {safi_name(safi)}", '
                    items.append(f'{{ "type": {kind}, "name": "{name}", {family}"value": {count} }}')
                else:
                    items.append(f'{{ "type": {kind}, "name": "{name}", "value": {value} }}')
            return self._line(now, message, f', "statistics": [ {", ".join(items)} ]')
        if isinstance(message, RouteMirroring):
            items = []
            for kind, value in message.tlvs:
                if kind == tables.MIRROR_BGP_MESSAGE:
                    items.append(f'{{ "bgp-message": "{hex_text(value)}" }}')
                elif kind == tables.MIRROR_INFORMATION:
                    code = int.from_bytes(value, "big")
                    items.append(f'{{ "information": "{tables.MIRROR_INFORMATION_CODES.get(code, str(code))}" }}')
                else:
                    items.append(f'{{ "type": {kind}, "value": "{hex_text(value)}" }}')
            return self._line(now, message, f', "mirrored": [ {", ".join(items)} ]')
        if isinstance(message, Initiation):
            self._router.receive(message)
            self._peer_heads.clear()  # they name the router
            info = _information(message.information, tables.INFORMATION_TYPES)
            return self._router_line(now, message.TYPE, f', "information": {info}')
        if isinstance(message, Termination):
            info = _information(message.information, tables.TERMINATION_TYPES)
            return self._router_line(now, message.TYPE, f', "information": {info}')
        raise TypeError(f"not a BMP message: {message!r}")
