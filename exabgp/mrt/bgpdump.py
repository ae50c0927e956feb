"""MRT records as ``bgpdump -m`` prints them: one line per prefix (bgpdump 1.6.2's text, field for field).

``TYPE|TIME|B|PEER|PEER_AS|PREFIX|AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|AG|AGGREGATOR|``
for a RIB entry (TYPE ``TABLE_DUMP``, ``TABLE_DUMP2``) and an announcement
(``A``, TYPE ``BGP4MP``), ``BGP4MP|TIME|W|PEER|PEER_AS|PREFIX`` for a
withdrawal and ``BGP4MP|TIME|STATE|PEER|PEER_AS|OLD|NEW`` for a state
change.  As bgpdump writes them:

* the TYPE says the record's kind: ``_ET`` for BGP4MP_ET (whose TIME is
  ``SECONDS.MICROSECONDS``), ``_LOCAL`` for the *_LOCAL subtypes, ``_AP``
  for the ADD-PATH subtypes, whose lines have the path identifier after
  the prefix (``TABLE_DUMP2_AP``, ``BGP4MP_ET_AP``, ...);
* an UPDATE's lines come in the order withdrawn routes, MP_UNREACH_NLRI,
  NLRI, MP_REACH_NLRI; only the unicast and multicast families print;
  other BGP messages (OPEN, KEEPALIVE, NOTIFICATION, End-of-RIB) and
  RIB_GENERIC records print nothing;
* AS_PATH segments: sequence ``1 2``, set ``{1,2}``, confederation sequence
  ``(1 2)``, confederation set ``[1,2]``; a record of 2-octet ASNs shows
  the path merged with AS4_PATH (RFC 6793 section 4.2.3) and AS4_AGGREGATOR
  in place of AGGREGATOR;
* ORIGIN ``IGP``, ``EGP``, anything else (absent included) ``INCOMPLETE``;
  NEXT_HOP from the NEXT_HOP attribute for the IPv4 NLRI field
  (``255.255.255.255`` without one), else the first next hop of
  MP_REACH_NLRI (the abbreviated form of RFC 6396 section 4.3.4 in RIB
  entries, or the whole attribute some writers put there); LOCAL_PREF and MED ``0`` when absent;
* COMMUNITIES ``A:B`` separated by spaces, 65535:65281..65283 as
  ``no-export``, ``no-advertise``, ``local-AS`` (large and extended
  communities are not shown); ``AG`` / ``NAG`` for ATOMIC_AGGREGATE;
  AGGREGATOR as ``AS ADDRESS``, empty when absent.

The hot path is the codec's (`exabgp._codec.bgpdump_text`, the `_mrt` topic):
it writes the lines of the runs of records it takes in one call per buffer,
and `Printer.fast` hands them to `exabgp.mrt.reader.read`; the records it
leaves (other types, quirks, errors) are printed here, one by one, with the
same text.  Here, a RIB dump or an update file is hundreds of thousands of
attribute sets.  One attribute section is read once, with one
`_codec.walk_attributes` call and the codec's AS_PATH and COMMUNITIES
decoders, into the text around its next hop (cached by its octets: RIB
entries of one peer often share it); the prefixes come from one
`_codec.decode_nlri` call per section and cost one `inet_ntop` and one
string concatenation each.
"""

from socket import AF_INET, AF_INET6, inet_ntop

from exabgp import _codec
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import (
    AGGREGATOR,
    AS4_AGGREGATOR,
    AS4_PATH,
    AS_CONFED_SEQUENCE,
    AS_CONFED_SET,
    AS_PATH,
    AS_SET,
    ATOMIC_AGGREGATE,
    COMMUNITIES,
    LOCAL_PREF,
    MP_REACH_NLRI,
    MP_UNREACH_NLRI,
    MULTI_EXIT_DISC,
    NEXT_HOP,
    ORIGIN,
    UPDATE,
)
from exabgp.bgp.attribute import merge_as4_path
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_MULTICAST, SAFI_UNICAST
from exabgp.mrt import reader

_ORIGINS = {0: "IGP", 1: "EGP"}
_WELL_KNOWN = {0xFFFFFF01: "no-export", 0xFFFFFF02: "no-advertise", 0xFFFFFF03: "local-AS"}
_FAMILIES = {AFI_IPV4: (AF_INET, 4), AFI_IPV6: (AF_INET6, 16)}
_SAFIS = (SAFI_UNICAST, SAFI_MULTICAST)
_NO_NEXTHOP = "255.255.255.255"
_CACHE_LIMIT = 1 << 16


def _path_text(segments) -> str:
    parts = []
    for kind, asns in segments:
        if kind == AS_SET:
            parts.append("{" + ",".join(map(str, asns)) + "}")
        elif kind == AS_CONFED_SEQUENCE:
            parts.append("(" + " ".join(map(str, asns)) + ")")
        elif kind == AS_CONFED_SET:
            parts.append("[" + ",".join(map(str, asns)) + "]")
        else:
            parts.append(" ".join(map(str, asns)))
    return " ".join(parts)


#: community value -> its text (the well-known ones by name); filled as values are met, bounded
_COMMUNITY_TEXT: dict = dict(_WELL_KNOWN)


def _community(value: int) -> str:
    if len(_COMMUNITY_TEXT) >= _CACHE_LIMIT:
        _COMMUNITY_TEXT.clear()
        _COMMUNITY_TEXT.update(_WELL_KNOWN)
    text = _COMMUNITY_TEXT[value] = f"{value >> 16}:{value & 0xFFFF}"
    return text


def _community_text(values) -> str:
    known = _COMMUNITY_TEXT.get
    return " ".join([known(value) or _community(value) for value in values])


def _mp_nexthop(value, afi: int, abbreviated: bool):
    """The first next hop of an MP_REACH_NLRI value as text, and its NLRI octets (None when abbreviated).

    In a RIB entry (`abbreviated`) the attribute is RFC 6396's short form when its first octet is the
    length of what follows; some writers (Quagga, OpenBGPD) put the whole attribute there, read as such.
    """
    if abbreviated and value and value[0] + 1 == len(value):  # RFC 6396 section 4.3.4: length and next hop only
        length = value[0]
        nexthop = value[1 : 1 + length]
        nlri = None
    else:
        length = value[3]
        nexthop = value[4 : 4 + length]
        nlri = value[5 + length :]
    if len(nexthop) < length:
        raise CodecError(3, 9, b"", "MP_REACH_NLRI next hop overruns the attribute")
    if length >= 16 and afi == AFI_IPV6:
        return inet_ntop(AF_INET6, nexthop[:16]), nlri
    if length >= 4 and afi == AFI_IPV4:
        return inet_ntop(AF_INET, nexthop[:4]), nlri
    if length >= 16:
        return inet_ntop(AF_INET6, nexthop[:16]), nlri
    if length >= 4:
        return inet_ntop(AF_INET, nexthop[:4]), nlri
    return "", nlri


class DumpAttributes(tuple):
    """One attribute section read for bgpdump: ``(before, after, nexthop4, mp_reach, mp_unreach)``.

    A line is ``prefix + before + nexthop + after``; `nexthop4` is the NEXT_HOP
    attribute's text; `mp_reach` the raw MP_REACH_NLRI value or None, `mp_unreach`
    the raw MP_UNREACH_NLRI value or None.
    """

    __slots__ = ()


def read_attributes(octets, asn4: bool) -> DumpAttributes:
    """Read one attribute section (the codec's walker and value decoders)."""
    found = {code: value for code, _flags, value in _codec.walk_attributes(octets)}
    path = found.get(AS_PATH)
    segments = _codec.decode_as_path(path, asn4) if path is not None else []
    aggregator = found.get(AGGREGATOR)
    if not asn4:
        as4 = found.get(AS4_PATH)
        if as4 is not None:
            segments = merge_as4_path(segments, _codec.decode_as_path(as4, True))
        if AS4_AGGREGATOR in found:
            aggregator = found[AS4_AGGREGATOR]
            asn_width = 4
        else:
            asn_width = 2
    else:
        asn_width = 4
    origin = found.get(ORIGIN)
    value = found.get(LOCAL_PREF)
    local_pref = int.from_bytes(value, "big") if value is not None else 0
    value = found.get(MULTI_EXIT_DISC)
    med = int.from_bytes(value, "big") if value is not None else 0
    value = found.get(COMMUNITIES)
    communities = _community_text(_codec.decode_communities(value)) if value is not None else ""
    atomic = "AG" if ATOMIC_AGGREGATE in found else "NAG"
    if aggregator is not None and len(aggregator) >= asn_width + 4:
        address = inet_ntop(AF_INET, aggregator[asn_width : asn_width + 4])
        aggregator_text = f"{int.from_bytes(aggregator[:asn_width], 'big')} {address}"
    else:
        aggregator_text = ""
    value = found.get(NEXT_HOP)
    nexthop4 = inet_ntop(AF_INET, value[:4]) if value is not None and len(value) >= 4 else _NO_NEXTHOP
    origin_text = _ORIGINS.get(origin[0], "INCOMPLETE") if origin else "INCOMPLETE"
    return DumpAttributes(
        (
            f"|{_path_text(segments)}|{origin_text}|",
            f"|{local_pref}|{med}|{communities}|{atomic}|{aggregator_text}|\n",
            nexthop4,
            found.get(MP_REACH_NLRI),
            found.get(MP_UNREACH_NLRI),
        )
    )


def _prefixes(data, afi: int, addpath: bool):
    """``prefix`` or ``prefix|path_id`` texts of an NLRI section (one codec call)."""
    family, width = _FAMILIES[afi]
    items = _codec.decode_nlri(data, afi, addpath)
    if addpath:
        return [f"{inet_ntop(family, addr)}/{plen}|{path_id}" for path_id, plen, addr, _l, _r in items]
    return [f"{inet_ntop(family, addr)}/{plen}" for _p, plen, addr, _l, _r in items]


class Printer:
    """Turns decoded records (`exabgp.mrt.reader.read`) into bgpdump's lines; remembers the peer index table.

    `fast` is the codec's one pass (``_codec.bgpdump_text``) for ``reader.read(source, on_error, fast)``:
    the records it takes come as their text, the others as records for `lines`.  `codec` is the codec
    (`exabgp._codec`, or one twin of it from ``_codec.load`` in tests).
    """

    def __init__(self, codec=_codec):
        self.peers: list = []
        self._cache: dict = {}
        self._rib_cache: dict = {}
        self._text = codec.bgpdump_text
        self._peer_texts: tuple = ()

    def fast(self, buffer, position: int) -> tuple:
        """``(stop, records, text)`` of the records the codec takes from `position` (see `reader.records`)."""
        return self._text(buffer, position, self._peer_texts)

    def _attributes(self, octets, asn4: bool) -> DumpAttributes:
        cache = self._cache
        key = (octets, asn4)
        found = cache.get(key)
        if found is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            found = cache[key] = read_attributes(octets, asn4)
        return found

    def lines(self, item) -> str:
        """The text of one decoded record (lines ending in newlines; "" when bgpdump prints nothing)."""
        try:
            if isinstance(item, reader.RibRecord):
                return self._rib(item)
            if isinstance(item, reader.Bgp4mpMessage):
                return self._message(item) if item.type == UPDATE else ""
            if isinstance(item, reader.StateChange):
                return self._state(item)
            if isinstance(item, reader.PeerIndexTable):
                self.peers = item.peers
                self._peer_texts = tuple(f"{address}|{asn}|".encode() for _id, address, asn in item.peers)
                return ""
            if isinstance(item, reader.TableDump):
                return self._table_dump(item)
        except (CodecError, IndexError, ValueError) as error:
            raise reader.record_error(item, error) from None
        return ""

    def _rib_tail(self, octets, afi: int) -> str:
        """The text after the prefix of a RIB entry: its attributes around its next hop (cached by the octets)."""
        cache = self._rib_cache
        key = (octets, afi)
        tail = cache.get(key)
        if tail is None:
            before, after, nexthop, mp_reach, _u = self._attributes(octets, True)
            if afi != AFI_IPV4 and mp_reach is not None:
                nexthop = _mp_nexthop(mp_reach, afi, True)[0]
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            tail = cache[key] = f"{before}{nexthop}{after}"
        return tail

    def _rib(self, item) -> str:
        if item.safi not in _SAFIS or item.record.subtype in (reader.RIB_GENERIC, reader.RIB_GENERIC_ADDPATH):
            return ""
        afi = item.afi
        kind = "TABLE_DUMP2_AP" if item.addpath else "TABLE_DUMP2"
        (prefix,) = _prefixes(item.nlri, afi, False)
        head = f"{kind}|{item.record[2]}|B|"
        peers = self.peers
        count = len(peers)
        out = []
        tail_of = self._rib_tail
        for peer_index, _originated, path_id, octets in item.entries:
            if peer_index >= count:
                raise ValueError(f"peer index {peer_index} not in the PEER_INDEX_TABLE ({count} peers)")
            _bgp_id, address, asn = peers[peer_index]
            shown = prefix if path_id is None else f"{prefix}|{path_id}"
            out.append(f"{head}{address}|{asn}|{shown}{tail_of(octets, afi)}")
        return "".join(out)

    def _table_dump(self, item) -> str:
        record = item.record
        address, bits = item.prefix
        family = AF_INET if item.afi == AFI_IPV4 else AF_INET6
        before, after, nexthop, mp_reach, _u = self._attributes(item.attributes, False)
        if item.afi == AFI_IPV6 and mp_reach is not None:
            nexthop = _mp_nexthop(mp_reach, AFI_IPV6, True)[0]
        prefix = f"{inet_ntop(family, address)}/{bits}"
        return f"TABLE_DUMP|{record.time}|B|{item.peer_ip}|{item.peer_as}|{prefix}{before}{nexthop}{after}"

    @staticmethod
    def _kind(item, addpath: bool):
        record = item.record
        et = record.type == reader.BGP4MP_ET
        kind = "BGP4MP_ET" if et else "BGP4MP"
        if getattr(item, "local", False):
            kind += "_LOCAL"
        if addpath:
            kind += "_AP"
        time = f"{record.time}.{record.microseconds:06d}" if et else str(record.time)
        return kind, time

    def _state(self, item) -> str:
        kind, time = self._kind(item, False)
        return f"{kind}|{time}|STATE|{item.peer_ip}|{item.peer_as}|{item.old_state}|{item.new_state}\n"

    def _message(self, item) -> str:
        ctx = item.ctx
        addpath = bool(ctx.addpath_receive)
        kind, time = self._kind(item, addpath)
        withdrawn, octets, nlri = _codec.split_update(item.body)
        peer = f"{item.peer_ip}|{item.peer_as}|"
        out: list[str] = []
        if withdrawn:
            head = f"{kind}|{time}|W|{peer}"
            out.extend(f"{head}{text}\n" for text in _prefixes(withdrawn, AFI_IPV4, addpath))
        if not octets:
            return "".join(out)
        before, after, nexthop4, mp_reach, mp_unreach = self._attributes(octets, ctx.asn4)
        if mp_unreach is not None and len(mp_unreach) >= 3:
            afi = (mp_unreach[0] << 8) | mp_unreach[1]
            if afi in _FAMILIES and mp_unreach[2] in _SAFIS:
                head = f"{kind}|{time}|W|{peer}"
                out.extend(f"{head}{text}\n" for text in _prefixes(mp_unreach[3:], afi, addpath))
        head = f"{kind}|{time}|A|{peer}"
        if nlri:
            tail = f"{before}{nexthop4}{after}"
            out.extend(f"{head}{text}{tail}" for text in _prefixes(nlri, AFI_IPV4, addpath))
        if mp_reach is not None and len(mp_reach) >= 5:
            afi = (mp_reach[0] << 8) | mp_reach[1]
            if afi in _FAMILIES and mp_reach[2] in _SAFIS:
                nexthop, section = _mp_nexthop(mp_reach, afi, False)
                tail = f"{before}{nexthop}{after}"
                out.extend(f"{head}{text}{tail}" for text in _prefixes(section, afi, addpath))
        return "".join(out)
