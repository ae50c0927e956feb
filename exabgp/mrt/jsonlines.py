"""MRT records as ExaBGP 5.0's JSON lines, rendered by the API's own encoder (`exabgp.api.encoder.JsonEncoder`).

Every BGP message of a BGP4MP record is the line a helper would have read
for it on a session with the MRT peer as the neighbor: ``"type":
"update"`` (or ``open``, ``notification``, ``keepalive``, ``refresh``) with
``"direction": "receive"`` (``"send"`` for the *_LOCAL subtypes, the
collector's own messages), the record's time (with the microseconds of
BGP4MP_ET) as ``time``, the record's addresses and ASes as the neighbor's
``address`` and ``asn``.  A STATE_CHANGE is 5.0's ``fsm`` line with the new
state's name.  A RIB entry is the ``update`` of the UPDATE it stands for
(`exabgp.mrt.reader.rib_update_body`), its neighbor the peer of the
PEER_INDEX_TABLE (its BGP identifier as ``router-id``), the collector's
BGP identifier as the local address and 0 as the local AS (a RIB dump does
not record them).  TABLE_DUMP entries alike, with an unspecified local
address.  The PEER_INDEX_TABLE itself prints nothing.  The ``counter``
counts the lines of each neighbor, as the encoder does for a helper.

The hot path is the codec's (`exabgp._codec.json_lines`, the `_mrt` topic):
`JsonPrinter.fast`, handed to `exabgp.mrt.reader.read`, gives it each
buffer of records, and it writes the lines of the BGP4MP UPDATE records at
its front whose message `_codec.render_update` renders (the text the
encoder's `update` writes for them) in one call, until a record it leaves:
another kind, a message the renderer declines, or a neighbor not seen yet;
the entries of the IPv4 unicast RIB records alike, with the envelopes of
the last PEER_INDEX_TABLE's peers (`_peers`).
That one is printed here, the general way, which also records its
neighbor's envelope (`_heads`: the record's BGP4MP header octets -> the
counter's slot and the text after the counter), so that the codec takes
that neighbor's next records.  The codec counts the lines in the same
counters as the encoder (`_Counters`).
"""

from exabgp import _codec
from exabgp.api.encoder import Channel, JsonEncoder
from exabgp.api.envelope import DaemonFields, Envelope, NeighborFields, daemon_middle
from exabgp.bgp.message import decode_message
from exabgp.bgp.update import Update
from exabgp.mrt import reader

#: BGP FSM states as RFC 6396 section 4.4.1 numbers them -> 5.0's names in ``fsm`` lines
STATE_NAMES = {1: "IDLE", 2: "CONNECT", 3: "ACTIVE", 4: "OPENSENT", 5: "OPENCONFIRM", 6: "ESTABLISHED"}
_UPDATE = 2
_ADDRESS_SIZES = {1: 4, 2: 16}  # AFI -> octets of an address in a BGP4MP header
_HEADS_LIMIT = 4096
_TAIL = " } }\n"


class _Counters:
    """The encoder's line counters (an `exabgp.api.encoder.Counters`, keyed by `NeighborFields`), kept in the
    list `counts` at one slot per neighbor, where `_codec.json_lines` counts its lines."""

    __slots__ = ("counts", "_slots")

    def __init__(self):
        self.counts: list[int] = []
        self._slots: dict = {}

    def slot(self, neighbor: NeighborFields) -> int:
        slot = self._slots.get(neighbor)
        if slot is None:
            slot = self._slots[neighbor] = len(self.counts)
            self.counts.append(0)
        return slot

    def get(self, neighbor: NeighborFields, default: int = 0) -> int:
        slot = self._slots.get(neighbor)
        return default if slot is None else self.counts[slot]

    def __setitem__(self, neighbor: NeighborFields, value: int) -> None:
        self.counts[self.slot(neighbor)] = value


class JsonPrinter:
    """Decoded records (`exabgp.mrt.reader.read`) to JSON lines; `fast` is the `codec`'s pass (None with `compact`)."""

    def __init__(self, daemon: DaemonFields, compact: bool = False, codec=_codec):
        self._daemon = daemon
        self._lines = codec.json_lines
        self._counters = _Counters()
        self._encoder = JsonEncoder(daemon, self._counters, compact=compact)
        self._channels: dict = {}
        self._table: reader.PeerIndexTable | None = None
        self._heads: dict = {}
        self._peers: tuple = ()  # (slot, after) of each peer of the PEER_INDEX_TABLE, for the codec's RIB entries
        self._middle = daemon_middle(daemon)
        self.fast = None if compact else self._fast

    def _fast(self, buffer, position: int):
        """`exabgp.mrt.reader.records`' `fast`: ``(stop, count, text)`` of the codec's pass from `position`."""
        return self._lines(
            buffer, position, self._heads, self._peers, self._counters.counts, Envelope.LEAD, self._middle, _TAIL
        )

    def _learn(self, item, channel: Channel) -> None:
        """Record the envelope of a BGP4MP UPDATE's neighbor for the codec (`_heads`, module docstring)."""
        size = _ADDRESS_SIZES.get(item.afi)
        if size is None:
            return
        width = 4 if item.ctx.asn4 else 2
        key = (b"\x01" if item.local else b"\x00") + item.record[6][: 2 * width + 4 + 2 * size]
        heads = self._heads
        if key in heads:
            return
        if len(heads) >= _HEADS_LIMIT:
            heads.clear()
        heads[key] = self._envelope(channel)

    def _envelope(self, channel: Channel) -> tuple:
        """``(slot, after)`` of the UPDATE lines of a channel for the codec: its counter's slot, the text after it."""
        neighbor = channel.neighbor
        after = Envelope(self._daemon, neighbor).parts(0.0, "update")[1]
        return self._counters.slot(neighbor), f'{after}, "direction": "{channel.direction}", "message": '

    def _table_peers(self, table: reader.PeerIndexTable) -> tuple:
        """The `_envelope` of each peer of a PEER_INDEX_TABLE (the channels of its RIB entries)."""
        return tuple(
            self._envelope(self._channel("receive", table.collector_id, address, 0, asn, bgp_id))
            for bgp_id, address, asn in table.peers
        )

    def _channel(self, direction: str, local: str, peer: str, local_as: int, peer_as: int, router_id: str = ""):
        """The encoder's `Channel` of a neighbor and a direction (one per neighbor seen, reused)."""
        key = (direction, local, peer, local_as, peer_as, router_id)
        channel = self._channels.get(key)
        if channel is None:
            neighbor = NeighborFields(local, peer, local_as, peer_as, router_id)
            channel = self._channels[key] = Channel(neighbor, direction)
        return channel

    def lines(self, item) -> str:
        """The JSON lines of one decoded record ("" for none); a decoding error raises `CodecError`."""
        encoder = self._encoder
        if isinstance(item, reader.PeerIndexTable):
            self._table = item
            if self.fast is not None:
                self._peers = self._table_peers(item)
            return ""
        now = item.record.timestamp
        if isinstance(item, reader.Bgp4mpMessage):
            direction = "send" if item.local else "receive"
            channel = self._channel(direction, item.local_ip, item.peer_ip, item.local_as, item.peer_as)
            if item.type == _UPDATE:
                if self.fast is not None:
                    self._learn(item, channel)
                return encoder.update(now, channel, Update.decode(item.body, item.ctx), item.ctx)
            return encoder.message(now, channel, decode_message(item.type, item.body, item.ctx))
        if isinstance(item, reader.StateChange):
            channel = self._channel("receive", item.local_ip, item.peer_ip, item.local_as, item.peer_as)
            old = STATE_NAMES.get(item.old_state, str(item.old_state))
            return encoder.fsm(now, channel.neighbor, old, STATE_NAMES.get(item.new_state, str(item.new_state)))
        if isinstance(item, reader.RibRecord):
            table = self._table
            if table is None:
                raise ValueError("RIB record before any PEER_INDEX_TABLE")
            ctx = reader.rib_context(item)
            out = []
            for entry in item.entries:
                if entry[0] >= len(table.peers):
                    raise ValueError(f"peer index {entry[0]} not in the PEER_INDEX_TABLE ({len(table.peers)} peers)")
                bgp_id, address, asn = table.peers[entry[0]]
                channel = self._channel("receive", table.collector_id, address, 0, asn, bgp_id)
                update = Update.decode(reader.rib_update_body(item, entry), ctx)
                out.append(encoder.update(now, channel, update, ctx))
            return "".join(out)
        if isinstance(item, reader.TableDump):
            local = "0.0.0.0" if item.afi == 1 else "::"
            channel = self._channel("receive", local, item.peer_ip, 0, item.peer_as)
            ctx = reader.rib_context(item)
            return encoder.update(now, channel, Update.decode(reader.rib_update_body(item, None), ctx), ctx)
        return ""
