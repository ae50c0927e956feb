"""The Adj-RIB-In of one peer (RFC 4271 section 3.2), stored compactly.

``adj-rib-in`` (a neighbor keyword) keeps every route the peer sent, for
``show adj-rib in``.  A full table is over a million routes, so nothing is
kept per route but one dictionary slot:

* one dictionary per family maps an integer made of the NLRI (path
  identifier + 1 when ADD-PATH is on, route distinguisher, prefix length,
  prefix octets: `_codec.nlri_keys`) to the route's *path*, the bytes
  object that is shared by every route received with the same path
  attributes;
* a path is the attribute section as received minus MP_REACH_NLRI and
  MP_UNREACH_NLRI (and minus the attributes RFC 7606 section 2 discards),
  followed, for routes from MP_REACH_NLRI, by one pseudo TLV ``00 0E len
  next-hop`` carrying the MP next-hop field; since the section is whole
  TLVs the concatenation is unambiguous.  Paths are interned: equal sections become
  one object.  Interned paths nobody uses any more are swept when the
  interning table has doubled since the last sweep and routes were
  withdrawn or replaced since then (at least a quarter of its size: no
  path can be unused without one), so loading a table never sweeps;
* labeled and VPN routes (RFC 8277, RFC 4364) keep ``(path, labels)``;
  the NLRI of the object kinds (`exabgp.bgp.family.OBJECT_KINDS`: FlowSpec,
  VPLS, MCAST-VPN, MUP, EVPN, BGP-LS, RTC) are keyed by their octets as
  received (the NLRI's `packed(addpath)`, `exabgp.bgp.nlri_base`: VPLS with the label
  base's bottom-of-stack bit set, the ADD-PATH path identifier first when
  the family receives one, which the table remembers per family to decode
  the keys back);
  families this build keeps raw store one entry per NLRI section.

`update(update, ctx)` applies an UPDATE in 5.0's order (withdrawn routes,
NLRI, MP_UNREACH_NLRI, MP_REACH_NLRI); a treat-as-withdraw UPDATE (RFC 7606
section 2) withdraws what it announces.  `ingest(octets, index, ctx)`
applies a run of whole UPDATE messages with its index, as the session
delivers the runs it vouched for (`exabgp.session.UpdatesScanned`, with
`exabgp.session.Delivery.RUNS`); `update_run(octets, ctx)` a run nobody
vouched for (a BMP router's), indexed here.  Either way the UPDATEs of a full table
cost no decoding: the one indexing pass (`_codec.index_updates`, which the
session already made for a run) says which are plain (RFC 7606 keeps every
attribute as it is) and where their parts are, and
`_codec.ingest_messages` reads them in place and fills the dictionaries,
one call for a whole run.  Any other UPDATE (treat-as-withdraw, attribute discard, other
families, attributes it does not know...) is decoded in full with
`Update.attributes`, whose result the session's check cached when it had to
decode it: the attributes are validated once either way.  `routes()`
rebuilds `Route` objects only when asked, a route at a time, and may be
walked while UPDATEs keep coming (its docstring says what it then yields).
"""

from exabgp import _codec
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import HEADER_SIZE, INDEX_END, INDEX_FIELDS, INDEX_START, LENGTH_AT
from exabgp.bgp.attribute import MP_REACH_NLRI, MP_UNREACH_NLRI, NEXT_HOP, decode_attributes
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, OBJECT_KINDS, PREFIX, SAFI_UNICAST, VPN, nlri_kind
from exabgp.bgp.nlri import NEXTHOP_SIZES, Prefix, RawNLRI
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.route import NO_NEXT_HOP, AttributeSet, Route
from exabgp.bgp.update import Update

_SWEEP_FLOOR = 1024
#: the largest message of a run `update_run` reads (RFC 8654 extended messages)
MAX_RUN_MESSAGE = 0xFFFF
#: paths kept split while `routes` walks the table (a full table has about 440,000)
_SPLIT_CACHE = 4096
#: the NLRI kinds whose tables map a key to the path alone (no labels)
_PATH_ONLY = frozenset((None, PREFIX)) | OBJECT_KINDS


def _key(item, width_bits: int) -> int:
    """The integer standing for one labeled / VPN NLRI tuple ``(path_id, plen, addr, labels, rd)``.

    The layout of `_codec.nlri_keys` (plain prefixes), with the route
    distinguisher in the 64 bits above the length.
    """
    path_id, plen, addr, _labels, rd = item
    key = plen << width_bits | int.from_bytes(addr[: (plen + 7) >> 3], "big")
    if rd is not None:
        key |= int.from_bytes(rd, "big") << (width_bits + 8)
    if path_id is not None:
        key |= (path_id + 1) << (width_bits + 72)
    return key


def _prefix(afi: int, safi: int, key: int, labels, vpn: bool) -> Prefix:
    width_bits = 32 if afi == AFI_IPV4 else 128
    plen = (key >> width_bits) & 0xFF
    octets = (plen + 7) >> 3
    addr = (key & ((1 << width_bits) - 1)).to_bytes(octets, "big") + bytes((width_bits >> 3) - octets)
    rd = ((key >> (width_bits + 8)) & ((1 << 64) - 1)).to_bytes(8, "big") if vpn else None
    path = key >> (width_bits + 72)
    return Prefix(afi, safi, path - 1 if path else None, plen, addr, labels, rd)


class AdjRibIn:
    """Routes received from one peer; see the module docstring."""

    __slots__ = ("_tables", "_addpath", "_paths", "_swept", "_churn")

    def __init__(self):
        self._tables = {}  # (afi, safi) -> {nlri key: path | (path, labels)}
        self._addpath = {}  # (afi, safi) of an object kind -> whether its keys hold path identifiers
        self._paths = {}  # path -> path (the interning table)
        self._swept = 0  # paths left by the last sweep
        self._churn = 0  # routes withdrawn or replaced since (at most that many paths unused)

    def __len__(self):
        return sum(len(table) for table in self._tables.values())

    def clear(self):
        self._tables = {}
        self._addpath = {}
        self._paths = {}
        self._swept = 0
        self._churn = 0

    def path_count(self) -> int:
        """Distinct interned paths (attribute sections with their next hop)."""
        return len(self._paths)

    # ------------------------------------------------------------ input

    def _intern(self, path: bytes) -> bytes:
        shared = self._paths.get(path)
        if shared is None:
            self._sweep_if_due()
            shared = self._paths[path] = path
        return shared

    def _sweep_if_due(self):
        paths = self._paths
        if len(paths) >= 2 * self._swept + _SWEEP_FLOOR and self._churn >= len(paths) >> 2:
            self._sweep()

    def _sweep(self):
        """Drop the interned paths no stored route refers to any more."""
        live = {}
        for (afi, safi), table in self._tables.items():
            if nlri_kind(afi, safi) in _PATH_ONLY:
                for path in table.values():
                    live[path] = path
            else:
                for path, _labels in table.values():
                    live[path] = path
        self._paths = live
        self._swept = len(live)
        self._churn = 0

    def _apply(self, afi, safi, data, addpath, path, unreach: bool = False):
        """Store (`path` given) or remove (`path` None) every NLRI of one section (`unreach`: MP_UNREACH_NLRI's)."""
        if not data:
            return
        table = self._tables.setdefault((afi, safi), {})
        kind = nlri_kind(afi, safi)
        before = len(table)
        keys: tuple | list
        if kind is None:
            keys = (bytes(data),)
            values = path
        elif kind in OBJECT_KINDS:
            keys = [item.packed(addpath) for item in nlri_module.decode(afi, safi, data, addpath)]
            self._addpath[(afi, safi)] = addpath
            values = path
        elif kind == PREFIX:
            keys = _codec.nlri_keys(data, afi, addpath)
            values = path
        else:
            width_bits = 32 if afi == AFI_IPV4 else 128
            items = _codec.decode_nlri(data, afi, addpath, kind, unreach)
            keys = [_key(item, width_bits) for item in items]
            values = None if path is None else [(path, item[3]) for item in items]
        if path is None:
            pop = table.pop
            for key in keys:
                pop(key, None)
            self._churn += before - len(table)
            return
        if values is path:
            for key in keys:
                table[key] = path
        else:
            for key, value in zip(keys, values, strict=False):
                table[key] = value
        self._churn += before + len(keys) - len(table)

    def update(self, update: Update, ctx):
        """Apply one UPDATE (decoded with `Update.decode`); CodecError on a session reset."""
        if update.body is None:
            update = Update.decode(update.encode(ctx), ctx)
        addpath4 = ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST)
        addpath6 = ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST)
        index = _codec.index_update(update.body, addpath4, addpath6, ctx.asn4)
        if not index or not self._ingest_plain(update.body, index, 0, ctx):
            self._update_decoded(update, ctx)

    def ingest(self, octets, index, ctx):
        """Apply a run of whole UPDATE messages (headers included) and its index (`_codec.index_updates`)."""
        count = len(index) // INDEX_FIELDS
        record = 0
        while True:
            record = self._ingest_plain(octets, index, record, ctx)
            if record >= count:
                return
            at = record * INDEX_FIELDS
            body = bytes(octets[index[at + INDEX_START] + HEADER_SIZE : index[at + INDEX_END]])
            self._update_decoded(Update.decode(body, ctx), ctx)
            record += 1

    def update_run(self, octets, ctx):
        """Apply a run of whole UPDATE messages (headers included) nobody checked yet (a BMP router's, framed
        by `exabgp.bmp.router.Router`): the front the codec vouches for in one pass (`ingest`), then a message
        it does not decoded alone (`update`; one the codec refuses changes nothing), and so on."""
        addpath4 = ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST)
        addpath6 = ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST)
        view = memoryview(octets)
        position, size = 0, len(view)
        while position < size:
            rest = view[position:]
            used, index = _codec.index_updates(rest, MAX_RUN_MESSAGE, addpath4, addpath6, True, True, ctx.asn4, True)
            if used:
                self.ingest(rest, index, ctx)
                position += used
                continue
            length = int.from_bytes(rest[LENGTH_AT : LENGTH_AT + 2], "big")
            try:
                self.update(Update.decode(bytes(rest[HEADER_SIZE:length]), ctx), ctx)
            except CodecError:
                pass
            position += length

    def _ingest_plain(self, octets, index, record: int, ctx) -> int:
        """Apply the plain UPDATEs of the run from its `record`-th; the first record not applied."""
        record, churn = _codec.ingest_messages(
            octets,
            index,
            record,
            ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST),
            ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST),
            self._tables,
            self._paths,
        )
        self._churn += churn
        self._sweep_if_due()
        return record

    def _update_decoded(self, update: Update, ctx):
        """Apply an UPDATE that is not plain: decoded in full."""
        attributes = update.attributes(ctx)
        withdraw = attributes.treat_as_withdraw is not None
        addpath = ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST)
        self._apply(AFI_IPV4, SAFI_UNICAST, update.withdrawn_octets, addpath, None)
        values = attributes.values
        if attributes.discard is None and MP_REACH_NLRI not in values and MP_UNREACH_NLRI not in values:
            section = update.attribute_octets
        else:
            encode = _codec.encode_attribute
            section = b"".join(
                encode(code, flags, value)
                for code, flags, value in attributes.raw
                if code != MP_REACH_NLRI
                and code != MP_UNREACH_NLRI
                and (attributes.discard is None or _kept(code, flags, value, ctx))
            )
        if update.nlri_octets:
            self._apply(
                AFI_IPV4, SAFI_UNICAST, update.nlri_octets, addpath, None if withdraw else self._intern(section)
            )
        unreach = values.get(MP_UNREACH_NLRI)
        if unreach is not None:
            self._apply(
                unreach.afi, unreach.safi, unreach.nlri, ctx.receives_path_id(unreach.afi, unreach.safi), None, True
            )
        reach = values.get(MP_REACH_NLRI)
        if reach is not None:
            path = (
                None
                if withdraw
                else self._intern(section + bytes((0, MP_REACH_NLRI, len(reach.nexthop))) + reach.nexthop)
            )
            self._apply(reach.afi, reach.safi, reach.nlri, ctx.receives_path_id(reach.afi, reach.safi), path)

    # ------------------------------------------------------------ output

    def routes(self, family=None, attributes: bool = True):
        """Yield the stored routes as `Route` objects, of one ``(afi, safi)`` or all (see the module docstring);
        without `attributes` their attribute set is left empty (what ``show adj-rib in`` prints needs only
        the NLRI and next hop, and splitting a path into an `AttributeSet` is most of the cost).

        The table may change while the caller walks it (``show adj-rib in`` streams its answer between the
        UPDATEs the session applies): the keys are taken when the walk starts (8 octets a route, freed at its
        end) and each is looked up when its turn comes, so a route is yielded when it was there at the start
        and still is at its turn, with the path it has then; one withdrawn meanwhile (or cleared, or a session
        that ended: `clear`) is left out, one received after the start is not yielded.  The path of a route is
        split once for the routes that follow it with the same path (routes of one UPDATE sit together), in a
        cache of at most `_SPLIT_CACHE` paths."""
        walk = [
            (table_family, list(table))
            for table_family, table in self._tables.items()
            if family is None or table_family == family
        ]
        decoded: dict = {}
        for (afi, safi), keys in walk:
            kind = nlri_kind(afi, safi)
            path_only = kind in _PATH_ONLY
            addpath = self._addpath.get((afi, safi), False)
            rd_size = NEXTHOP_SIZES.get((afi, safi), ((), 0))[1]
            for key in keys:
                table = self._tables.get((afi, safi))  # looked up each time: `clear` replaces the tables
                value = table.get(key) if table is not None else None
                if value is None:
                    continue
                path, labels = (value, None) if path_only else value
                parts = decoded.get(path)
                if parts is None:
                    if len(decoded) >= _SPLIT_CACHE:
                        decoded.clear()
                    parts = decoded[path] = _split_path(path, attributes)
                route_attributes, nexthop, multiprotocol = parts
                if multiprotocol and rd_size:
                    nexthop = nexthop[rd_size:]
                nlri: NLRI
                if kind is None:
                    nlri = RawNLRI(afi, safi, key)
                elif kind in OBJECT_KINDS:
                    nlri = nlri_module.decode(afi, safi, key, addpath)[0]
                else:
                    nlri = _prefix(afi, safi, key, labels, kind == VPN)
                yield Route(nlri, nexthop, route_attributes)

    def families(self) -> list:
        """The ``(afi, safi)`` of the families holding routes."""
        return [family for family, table in self._tables.items() if table]

    def entries(self, family):
        """Yield ``(nlri, path_id, path)`` for every stored route of `family`, without a `Route` per route.

        `nlri` is the NLRI as on the wire without its path identifier (labels and route distinguisher
        included), `path_id` the ADD-PATH path identifier (None without), `path` the interned path (the
        attribute section, then for a route of MP_REACH_NLRI the pseudo TLV ``00 0E len next-hop``: the
        module docstring).  What a TABLE_DUMP_V2 snapshot needs (`exabgp.mrt.writer`).  The routes yielded are
        those of the family when the walk starts (its keys and values are listed then: 16 octets a route,
        freed at its end), whatever changes meanwhile: a snapshot.  Families kept raw (one entry per NLRI
        section) are not yielded: their entries are not single NLRI.
        """
        afi, safi = family
        kind = nlri_kind(afi, safi)
        table = self._tables.get(family)
        if kind is None or table is None:
            return
        width_bits = 32 if afi == AFI_IPV4 else 128
        mask = (1 << width_bits) - 1
        addpath = self._addpath.get(family, False)
        for key, value in zip(list(table), list(table.values()), strict=True):
            if kind == PREFIX:
                plen = (key >> width_bits) & 0xFF
                path_id = key >> (width_bits + 72)
                nlri = bytes((plen,)) + (key & mask).to_bytes((plen + 7) >> 3, "big")
                yield nlri, (path_id - 1 if path_id else None), value
            elif kind in OBJECT_KINDS:
                if addpath:
                    yield key[4:], int.from_bytes(key[:4], "big"), value
                else:
                    yield key, None, value
            else:
                path, labels = value
                prefix = _prefix(afi, safi, key, labels, kind == VPN)
                item = (None, prefix.plen, prefix.addr, labels, prefix.rd)
                yield _codec.encode_nlri((item,), afi, False, kind), prefix.path_id, path


def _kept(code, flags, value, ctx) -> bool:
    """Whether RFC 7606 keeps this attribute (the UPDATE had one it discards)."""
    return decode_attributes(_codec.encode_attribute(code, flags, value), ctx).discard is None


_NO_ATTRIBUTES = AttributeSet()


def _split_path(path: bytes, attributes: bool = True):
    """``(AttributeSet, next hop, from MP_REACH_NLRI)`` of an interned path (without `attributes`: an empty set)."""
    nexthop = NO_NEXT_HOP
    mp_nexthop = None
    tlvs = []
    for code, flags, value in _codec.walk_attributes(path):
        if code == MP_REACH_NLRI:
            mp_nexthop = value
        elif code == NEXT_HOP:
            nexthop = value
        elif attributes:
            tlvs.append((code, flags, value))
    found = AttributeSet(tlvs) if attributes else _NO_ATTRIBUTES
    if mp_nexthop is None:
        return found, nexthop, False
    return found, mp_nexthop, True
