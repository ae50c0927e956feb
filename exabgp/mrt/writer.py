"""MRT records written (RFC 6396, ADD-PATH of RFC 8050): the octets of each record, sans I/O.

The record type and subtype numbers are `exabgp.mrt.reader`'s (one table);
this module only packs.  The reactor (`exabgp.reactor.mrt`) writes what it
returns to files.

* `Bgp4mp`: the BGP4MP_ET records of one session (RFC 6396 section 4.4.3,
  the microseconds after the common header).  Made once per session with
  the peer and local ASes and addresses, whose head (``peer AS, local AS,
  interface 0, AFI, peer IP, local IP``) it packs once: with 4-octet ASes
  for a session that negotiated them (RFC 6793), whose messages are
  MESSAGE_AS4; with 2-octet ones (AS_TRANS for a larger AS) for a session
  that did not, whose messages are MESSAGE (RFC 6396 section 4.4.2: the
  AS_PATHs inside are read with the record's AS size, so a 2-octet path in
  a MESSAGE_AS4 record would be misread); state changes are always
  STATE_CHANGE_AS4:

  - `run(octets, index, now)`: the MESSAGE(_AS4) records of a run of received
    UPDATEs as the session delivers it (`exabgp.session.UpdatesScanned`:
    whole messages, headers included, and the one index of
    `_codec.index_updates`).  Each message's octets go into its record as
    received, read where the index says (no framing, nothing per route):
    one record per message, one ``bytes`` for the whole run, made by one
    codec call (`_codec.bgp4mp_records`, the `_mrt` topic);
  - `message(message, now)`: the record of one whole message (the UPDATEs
    the session delivers one by one: End-of-RIB, other families, ...);
  - `state(old, new, now)`: a STATE_CHANGE_AS4 record (the FSM's state
    numbers are RFC 6396's, `exabgp.session.State`).

  With ADD-PATH negotiated to receive (RFC 7911) for IPv4 and IPv6 unicast
  alike, every message is MESSAGE(_AS4)_ADDPATH (RFC 8050 section 3);
  when only one of them receives path identifiers, the subtype follows the
  message's family: that of its MP_REACH_NLRI or MP_UNREACH_NLRI (taken from
  the index), IPv4 unicast for a message without either.  Other families
  never carry path identifiers here (the reader, `exabgp.mrt.reader.CONTEXTS`,
  reads *_ADDPATH messages with path identifiers in the unicast and
  multicast families).

* `table_dump(now, collector_id, view, peers)`: a TABLE_DUMP_V2 snapshot
  (RFC 6396 section 4.3) of the Adj-RIB-In of `peers` (`SnapshotPeer`: BGP
  id, address, AS, its `exabgp.rib.incoming.AdjRibIn` and the time its
  routes are dated with, the session's start).  A generator of ``bytes``
  chunks: the PEER_INDEX_TABLE (AS numbers always 4 octets), then per family
  one RIB record per prefix with an entry per peer holding it:
  RIB_IPV4_UNICAST, RIB_IPV6_UNICAST, the multicast subtypes, RIB_GENERIC
  (AFI, SAFI, then the NLRI as on the wire) for the other families; an entry
  with a path identifier goes into the *_ADDPATH subtype's record of the
  prefix (RFC 8050 section 4), those without into the plain one.  An
  entry's attributes are the path as received, MP_REACH_NLRI abbreviated to
  its next hop (RFC 6396 section 4.3.4): the Adj-RIB-In already stores it
  so (`exabgp.rib.incoming`, the pseudo TLV), rewritten here once per
  distinct path.  The paths of a session without 4-octet ASes (the
  `SnapshotPeer`'s ``asn4`` False) hold 2-octet ASes, where RFC 6396
  section 4.3.4 wants 4-octet AS_PATHs in RIB entries: they are widened
  first, once per distinct path (`exabgp.bgp.as4.widen_path`: AS4_PATH and
  AS4_AGGREGATOR merged as RFC 6793 section 4.2.3 says, AGGREGATOR
  widened).  The walk yields a chunk every `_SLICE` routes (an empty one
  while the entries of a family several peers hold are gathered), so that its
  caller may let other work run while a large table is dumped; each family
  is dumped as it was when its walk started (`AdjRibIn.entries`).  A family
  one peer holds is written as it is walked; the entries of a family several
  peers hold are gathered per prefix as octets first (no container per
  route).  About 3 s for a million routes of one peer on this machine.
"""

import struct
from socket import AF_INET, AF_INET6, inet_pton

from exabgp import _codec
from exabgp.bgp.as4 import widen_path
from exabgp.bgp.attribute import MP_REACH_NLRI, MP_UNREACH_NLRI, NEXT_HOP
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST
from exabgp.mrt.reader import (
    BGP4MP_ET,
    MESSAGE_SUBTYPES,
    PEER_INDEX_TABLE,
    RIB_SUBTYPES,
    STATE_CHANGE_AS4,
    TABLE_DUMP_V2,
)

_ET_HEADER = struct.Struct("!IHHII")  # time, type, subtype, length (the microseconds included), microseconds
_HEADER = struct.Struct("!IHHI")  # time, type, subtype, length
_RIB_ENTRY = struct.Struct("!HIH")  # peer index, originated time, attribute length (RFC 6396 section 4.3.4)
_RIB_ENTRY_ADDPATH = struct.Struct("!HIIH")  # with the path identifier (RFC 8050 section 4.1)
_BGP_HEADER = 19
_OPTIONAL = 0x80
_TRANSITIVE = 0x40
#: PEER_INDEX_TABLE peer type bits (RFC 6396 section 4.3.1)
_PEER_IPV6 = 1
_PEER_AS4 = 2
#: routes walked between two chunks of `table_dump` (about 20 ms of the loop's time)
_SLICE = 5000

#: (afi, safi or None for RIB_GENERIC, add-path) -> TABLE_DUMP_V2 subtype: `exabgp.mrt.reader.RIB_SUBTYPES` turned round
_RIB_SUBTYPE = {flags: subtype for subtype, flags in RIB_SUBTYPES.items()}
#: (4-octet ASNs, add-path) -> the BGP4MP message subtype of a received message
_MESSAGE_SUBTYPE = {
    (asn4, addpath): subtype for subtype, (asn4, addpath, local) in MESSAGE_SUBTYPES.items() if not local
}
#: the 2-octet AS a 2-octet record shows for a 4-octet one (RFC 6793 section 9)
_AS_TRANS = 23456


def _split_time(now: float) -> tuple:
    seconds = int(now)
    return seconds, int((now - seconds) * 1e6)


def address_octets(address: str) -> bytes:
    """The 4 or 16 octets of an IPv4 or IPv6 address written as text."""
    return inet_pton(AF_INET6 if ":" in address else AF_INET, address)


class Bgp4mp:
    """The BGP4MP_ET records of one session: see the module docstring."""

    __slots__ = ("head", "_state_head", "_asn4", "_addpath4", "_addpath6")

    def __init__(
        self, peer_as: int, local_as: int, peer_ip: str, local_ip: str, addpath4=False, addpath6=False, asn4=True
    ):
        afi = AFI_IPV6 if ":" in peer_ip else AFI_IPV4
        addresses = address_octets(peer_ip) + address_octets(local_ip)
        self._state_head = struct.pack("!IIHH", peer_as, local_as, 0, afi) + addresses
        self._asn4 = bool(asn4)
        if self._asn4:
            self.head = self._state_head
        else:  # MESSAGE / MESSAGE_ADDPATH: 2-octet ASes, as the session's AS_PATHs (RFC 6396 section 4.4.2)
            self.head = struct.pack("!HHHH", _two_octets(peer_as), _two_octets(local_as), 0, afi) + addresses
        self._addpath4 = bool(addpath4)
        self._addpath6 = bool(addpath6)

    def run(self, octets, index, now: float) -> bytes:
        """The records of a run of whole UPDATE messages and its index (`_codec.index_updates`).

        One codec call for the whole run (`_codec.bgp4mp_records`): each message's record is its header,
        the microseconds, the session's head, then the message read where the index says; its subtype is
        that of the message's family when only one of IPv4 and IPv6 receives path identifiers.
        """
        seconds, micro = _split_time(now)
        return _codec.bgp4mp_records(
            octets,
            index,
            self.head,
            seconds,
            micro,
            _MESSAGE_SUBTYPE[self._asn4, self._addpath4],
            _MESSAGE_SUBTYPE[self._asn4, self._addpath6],
        )

    def message(self, message: bytes, now: float) -> bytes:
        """The record of one whole message (header included)."""
        seconds, micro = _split_time(now)
        addpath = self._addpath4
        if self._addpath4 != self._addpath6 and _message_afi(message) == AFI_IPV6:
            addpath = self._addpath6
        header = _ET_HEADER.pack(
            seconds, BGP4MP_ET, _MESSAGE_SUBTYPE[self._asn4, addpath], 4 + len(self.head) + len(message), micro
        )
        return header + self.head + message

    def state(self, old: int, new: int, now: float) -> bytes:
        """A STATE_CHANGE_AS4 record: from state `old` to state `new` (RFC 6396 section 4.4.1 numbers)."""
        seconds, micro = _split_time(now)
        return (
            _ET_HEADER.pack(seconds, BGP4MP_ET, STATE_CHANGE_AS4, 4 + len(self._state_head) + 4, micro)
            + self._state_head
            + struct.pack("!HH", old, new)
        )


def _two_octets(asn: int) -> int:
    return asn if asn <= 0xFFFF else _AS_TRANS


def _message_afi(message: bytes) -> int:
    """The AFI of an UPDATE's MP_REACH_NLRI or MP_UNREACH_NLRI (IPv4 when it has neither or can not be read)."""
    from exabgp._codec.errors import CodecError

    try:
        _withdrawn, attributes, _nlri = _codec.split_update(message[_BGP_HEADER:])
        for code, _flags, value in _codec.walk_attributes(attributes):
            if code in (MP_REACH_NLRI, MP_UNREACH_NLRI) and len(value) >= 2:
                return int.from_bytes(value[:2], "big")
    except (CodecError, ValueError):
        pass
    return AFI_IPV4


class SnapshotPeer(tuple):
    """A peer of a TABLE_DUMP_V2 snapshot: ``(bgp_id, address, asn, rib, originated[, asn4])``; `asn4` (True when
    absent) False for a session without 4-octet ASes, whose paths hold 2-octet ASes (widened in the snapshot)."""

    __slots__ = ()
    bgp_id = property(lambda self: self[0])
    address = property(lambda self: self[1])
    asn = property(lambda self: self[2])
    rib = property(lambda self: self[3])
    originated = property(lambda self: self[4])
    asn4 = property(lambda self: len(self) < 6 or bool(self[5]))


def peer_index_table(now: int, collector_id: str, view: str, peers) -> bytes:
    """The PEER_INDEX_TABLE record of `peers` (`SnapshotPeer`s, or any ``(bgp_id, address, asn, ...)``)."""
    name = view.encode()
    parts = [inet_pton(AF_INET, collector_id), len(name).to_bytes(2, "big"), name, len(peers).to_bytes(2, "big")]
    for peer in peers:
        address = address_octets(peer[1])
        parts.append(bytes((_PEER_AS4 | (_PEER_IPV6 if len(address) == 16 else 0),)))
        parts.append(inet_pton(AF_INET, peer[0]))
        parts.append(address)
        parts.append(peer[2].to_bytes(4, "big"))
    body = b"".join(parts)
    return _HEADER.pack(now, TABLE_DUMP_V2, PEER_INDEX_TABLE, len(body)) + body


def rib_attributes(path: bytes, family: tuple) -> bytes:
    """A RIB entry's attributes from an Adj-RIB-In path: its pseudo TLV ``00 0E len next-hop`` becomes the
    abbreviated MP_REACH_NLRI of RFC 6396 section 4.3.4 (next-hop length, next hop), or for IPv4 unicast with
    an IPv4 next hop and no NEXT_HOP, the NEXT_HOP attribute."""
    if b"\x00\x0e" not in path:  # no pseudo TLV (its flags are 0: no attribute of the section has those)
        return path
    parts = []
    nexthop = None
    has_nexthop = False
    for code, flags, value in _codec.walk_attributes(path):
        if code == MP_REACH_NLRI and not flags:
            nexthop = value
            continue
        has_nexthop = has_nexthop or code == NEXT_HOP
        parts.append(_codec.encode_attribute(code, flags, value))
    if nexthop is None:
        return path
    if family == (AFI_IPV4, SAFI_UNICAST) and len(nexthop) == 4 and not has_nexthop:
        parts.append(_codec.encode_attribute(NEXT_HOP, _TRANSITIVE, nexthop))
    else:
        parts.append(_codec.encode_attribute(MP_REACH_NLRI, _OPTIONAL, bytes((len(nexthop),)) + nexthop))
    return b"".join(parts)


def _rib_subtype(afi: int, safi: int, addpath: bool) -> tuple:
    """``(subtype, generic)`` of a RIB record of the family."""
    subtype = _RIB_SUBTYPE.get((afi, safi, addpath))
    if subtype is None:
        return _RIB_SUBTYPE[None, None, addpath], True
    return subtype, False


def table_dump(now: int, collector_id: str, view: str, peers):
    """Yield the records of a TABLE_DUMP_V2 snapshot of `peers` (see the module docstring).

    A family one peer holds is written as it is walked.  For a family several peers hold, the entries of
    each prefix are gathered first, as their octets (one ``bytes`` per prefix and kind, its entry count
    beside it): no container per route, which the cyclic garbage collector would walk again and again
    over a table of a million routes.
    """
    yield peer_index_table(now, collector_id, view, peers)
    families = sorted({family for peer in peers for family in peer[3].families()})
    state = [0, 0]  # the next sequence number, routes walked since the last chunk
    for family in families:
        holders = [(number, peer) for number, peer in enumerate(peers) if family in peer[3].families()]
        caches: dict = {True: {}, False: {}}  # 4-octet ASes -> {path: its RIB entry attributes}
        if len(holders) == 1:
            yield from _one_peer(now, family, holders[0], caches[holders[0][1].asn4], state)
            continue
        gathered: dict = {}  # (nlri, add-path) -> the entries' octets
        counts: dict = {}  # (nlri, add-path) -> how many entries
        for number, peer in holders:
            wide = peer.asn4
            converted = caches[wide]
            for nlri, path_id, path in peer[3].entries(family):
                key = (nlri, path_id is not None)
                entry = _entry(number, peer[4], path_id, path, family, converted, wide)
                gathered[key] = gathered.get(key, b"") + entry
                counts[key] = counts.get(key, 0) + 1
                state[1] += 1
                if state[1] >= _SLICE:
                    state[1] = 0
                    yield b""
        parts: list = []
        for (nlri, addpath), entries in gathered.items():
            parts.append(_rib_record(now, family, nlri, addpath, counts[nlri, addpath], entries, state))
            if state[1] >= _SLICE:
                state[1] = 0
                yield b"".join(parts)
                parts = []
        if parts:
            yield b"".join(parts)


def _one_peer(now: int, family: tuple, holder: tuple, converted: dict, state: list):
    """The RIB records of a family one peer holds, one per route, written as the Adj-RIB-In is walked: each
    record's parts are appended as they are (no concatenation per record), one ``bytes.join`` per chunk."""
    number, peer = holder
    wide = peer.asn4
    originated = peer[4]
    afi, safi = family
    kinds = {addpath: _rib_subtype(afi, safi, addpath) for addpath in (False, True)}
    generic = struct.pack("!HB", afi, safi) if kinds[False][1] else b""
    pack_header = _HEADER.pack
    plain = _RIB_ENTRY.pack
    with_id = _RIB_ENTRY_ADDPATH.pack
    sequence = state[0]
    walked = state[1]
    parts: list = []
    extend = parts.extend
    for nlri, path_id, path in peer[3].entries(family):
        if wide and b"\x00\x0e" not in path:  # no pseudo TLV: the path is the entry's attributes (`rib_attributes`)
            attributes = path
        else:
            attributes = converted.get(path)
            if attributes is None:
                attributes = converted[path] = _converted(path, family, wide)
        if path_id is None:
            entry = plain(number, originated, len(attributes))
            subtype = kinds[False][0]
        else:
            entry = with_id(number, originated, path_id, len(attributes))
            subtype = kinds[True][0]
        size = 6 + len(generic) + len(nlri) + len(entry) + len(attributes)
        extend(
            (
                pack_header(now, TABLE_DUMP_V2, subtype, size),
                sequence.to_bytes(4, "big"),
                generic,
                nlri,
                b"\x00\x01",
                entry,
                attributes,
            )
        )
        sequence = (sequence + 1) & 0xFFFFFFFF
        walked += 1
        if walked >= _SLICE:
            walked = 0
            state[0] = sequence
            yield b"".join(parts)
            parts.clear()
    state[0], state[1] = sequence, walked
    if parts:
        yield b"".join(parts)


def _converted(path: bytes, family: tuple, wide: bool) -> bytes:
    """A RIB entry's attributes from an Adj-RIB-In path: `rib_attributes`, after `exabgp.bgp.as4.widen_path` for a
    path of a session without 4-octet ASes (`wide` False): RFC 6396 section 4.3.4 wants 4-octet AS_PATHs."""
    return rib_attributes(path if wide else widen_path(path), family)


def _entry(number: int, originated: int, path_id, path: bytes, family: tuple, converted: dict, wide: bool) -> bytes:
    """One RIB entry (RFC 6396 section 4.3.4; with its path identifier, RFC 8050 section 4.1)."""
    attributes = path
    if not wide or b"\x00\x0e" in path:  # rewritten once per path (`_converted`)
        found = converted.get(path)
        if found is None:
            found = converted[path] = _converted(path, family, wide)
        attributes = found
    if path_id is None:
        return _RIB_ENTRY.pack(number, originated, len(attributes)) + attributes
    return _RIB_ENTRY_ADDPATH.pack(number, originated, path_id, len(attributes)) + attributes


def _rib_record(now: int, family: tuple, nlri: bytes, addpath: bool, count: int, entries: bytes, state: list):
    """A RIB record of one prefix; `state` holds the sequence number it takes and counts the routes written."""
    afi, safi = family
    subtype, generic = _rib_subtype(afi, safi, addpath)
    sequence = state[0]
    state[0] = (sequence + 1) & 0xFFFFFFFF
    state[1] += count
    if generic:
        body = struct.pack("!IHB", sequence, afi, safi) + nlri + count.to_bytes(2, "big") + entries
    else:
        body = sequence.to_bytes(4, "big") + nlri + count.to_bytes(2, "big") + entries
    return _HEADER.pack(now, TABLE_DUMP_V2, subtype, len(body)) + body
