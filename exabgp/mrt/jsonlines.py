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
buffer of records, and it writes the lines of the records at its front it
takes (the codec's docstring lists them: BGP4MP UPDATEs that
`_codec.render_update` renders, the entries of unicast RIB records,
TABLE_DUMP records and session records) in one call, until a record it
leaves: another kind, a message the renderer declines, or a neighbor or a
session record not seen yet.  That one is printed here, the general way,
which also keeps what the codec needs to take the next ones like it: the
envelope of an UPDATE's or a TABLE_DUMP entry's neighbor (`_heads`: the
record's BGP4MP header octets, or the TABLE_DUMP peer, -> the counter's
slot and the text after the counter), the envelopes of the last
PEER_INDEX_TABLE's peers (`_peers`), and the rest of a session record's
line after its counter (`_sessions`, keyed by the record's subtype and
body: a KEEPALIVE of a neighbor prints the same but for its time and
counter).  The codec counts the lines in the same counters as the encoder
(`_Counters`).
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
_HEADS_LIMIT = 4096  # entries of `_heads` and of `_sessions` (emptied when full)
_SESSION_LIMIT = 4096 + 64  # octets of a session record's body the codec is given the line of (an OPEN's, say)
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
        self._sessions: dict = {}  # a session record's key -> (slot, the rest of its line after the counter)
        self._middle = daemon_middle(daemon)
        self.fast = None if compact else self._fast

    def _fast(self, buffer, position: int):
        """`exabgp.mrt.reader.records`' `fast`: ``(stop, count, text)`` of the codec's pass from `position`."""
        return self._lines(
            buffer,
            position,
            self._heads,
            self._peers,
            self._sessions,
            self._counters.counts,
            Envelope.LEAD,
            self._middle,
            _TAIL,
        )

    def _learn(self, item, channel: Channel) -> None:
        """Record the envelope of the neighbor of a BGP4MP UPDATE or a TABLE_DUMP entry for the codec (`_heads`,
        module docstring)."""
        size = _ADDRESS_SIZES.get(item.afi)
        if size is None:
            return
        if isinstance(item, reader.TableDump):
            key = b"\x02" + item.record[6][4 + size + 6 : 4 + 2 * size + 8]  # the peer's address and AS
        else:
            width = 4 if item.ctx.asn4 else 2
            key = (b"\x01" if item.local else b"\x00") + item.record[6][: 2 * width + 4 + 2 * size]
        if key not in self._heads:
            _keep(self._heads, key, self._envelope(channel))

    def _remember(self, item, neighbor: NeighborFields, line: str) -> str:
        """Keep the rest of a session record's `line` after its counter for the codec (`_sessions`); `line`."""
        record = item.record
        if len(record[6]) <= _SESSION_LIMIT:
            before = len(Envelope.LEAD) + len(repr(record.timestamp)) + len(self._middle)
            before += len(str(self._counters.get(neighbor)))
            _keep(
                self._sessions,
                record.subtype.to_bytes(2, "big") + record[6],
                (self._counters.slot(neighbor), line[before:]),
            )
        return line

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
            line = encoder.message(now, channel, decode_message(item.type, item.body, item.ctx))
            return line if self.fast is None else self._remember(item, channel.neighbor, line)
        if isinstance(item, reader.StateChange):
            neighbor = self._channel("receive", item.local_ip, item.peer_ip, item.local_as, item.peer_as).neighbor
            old = STATE_NAMES.get(item.old_state, str(item.old_state))
            line = encoder.fsm(now, neighbor, old, STATE_NAMES.get(item.new_state, str(item.new_state)))
            return line if self.fast is None else self._remember(item, neighbor, line)
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
            if self.fast is not None:
                self._learn(item, channel)
            ctx = reader.rib_context(item)
            return encoder.update(now, channel, Update.decode(reader.rib_update_body(item, None), ctx), ctx)
        return ""


def _keep(table: dict, key: bytes, value) -> None:
    """``table[key] = value``, the table emptied first when it holds `_HEADS_LIMIT` entries."""
    if len(table) >= _HEADS_LIMIT:
        table.clear()
    table[key] = value
