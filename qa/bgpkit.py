"""pybgpkit-parser (BGPKIT's MRT parser, Rust, 0.6.2) as the second reader of MRT files: one `Route` per route.

Issue 12 checks MRT reading and writing against pybgpkit-parser.  Its sdist
needs Rust crates; version 0.6.2 has a binary wheel (``pip install
--only-binary :all: pybgpkit-parser==0.6.2``, what ``.ci/run`` does): it is
test tooling, not a dependency of the package.

* `require()`: the ``pybgpkit_parser`` module; without it the test skips, or
  fails under ``EXABGP_INTEROP=1`` (`qa.interop.unavailable`, the rule of
  every other tool the tests run);
* `theirs(path)`: the routes pybgpkit reads in a file, as `Route` records;
* `ours(path)`: the same records from our reader's Python API
  (`exabgp.mrt.reader.read`, `rib_update_body` for RIB entries,
  ``Update.decode`` / ``changes`` / ``attributes``);
* `community_text` / `path_text`: the texts of the record's fields, for a
  test that writes the routes it expects;
* `COUNT`: a program printing the number of routes pybgpkit reads in the file
  ``sys.argv[1]`` (the benchmark's measurement, benchmarks/mrt_read.py).

A `Route` holds what pybgpkit 0.6.2 reports of a route, in its terms:
``kind`` ``A`` (an announcement or a RIB entry) or ``W``; the record's
``timestamp`` (a RIB entry's too, not its originated time); the peer's
address and AS; the prefix as sent (host bits included); the AS path as
text (sequence ``1 2``, set ``{1,2}``; confederation segments ``(1 2)`` and
``[1,2]`` as bgpdump writes them); ORIGIN ``IGP`` / ``EGP`` /
``INCOMPLETE``; the next hop; LOCAL_PREF and MED; the standard communities
and the large ones, each a tuple of ``A:B`` / ``A:B:C`` texts in numeric
order (our decoder sorts them, pybgpkit keeps the attribute's order); ATOMIC_AGGREGATE; the aggregator ``(AS, address)``.  A
withdrawal has the kind, time, peer and prefix, its other fields empty.

How pybgpkit 0.6.2 reports things, which the records follow (not errors):

* a route without MED or LOCAL_PREF has ``0`` (as ``bgpdump -m`` prints
  it), ours too: an absent one and a ``0`` compare equal;
* an absent ORIGIN or NEXT_HOP is None;
* its ``communities`` list holds the standard communities (65535:65281 to
  65283 named ``no-export``, ``no-advertise``, ``no-export-sub-confed``,
  read back as numbers here) followed by the large ones: split in two here;
* its ``Elem`` has no ADD-PATH path identifier: a prefix sent with several
  paths is several equal records, compared as a multiset (`difference`);
* within one UPDATE it lists the announcements before the withdrawals:
  records are compared as multisets, not in file order;
* non-route messages (OPEN, KEEPALIVE, NOTIFICATION, End-of-RIB) and state
  changes give no route.

Where pybgpkit 0.6.2 is wrong (tests/test_mrt_bgpkit.py asserts each case
on the hand-written samples of `qa.mrt_samples`, instead of hiding it):

* AS_CONFED_SEQUENCE comes as a plain sequence and AS_CONFED_SET as an
  AS_SET (``(1 2) [3,4] 5`` reads ``1 2 {3,4} 5``);
* an UPDATE with both NEXT_HOP and MP_REACH_NLRI gives its MP_REACH_NLRI
  routes the NEXT_HOP address, not their own next hop (RFC 4760 section 3);
* an IPv6 TABLE_DUMP (type 12) entry has no next hop (its MP_REACH_NLRI is
  not read);
* a RIB_GENERIC record (TABLE_DUMP_V2 subtype 6, here AFI 1 SAFI 1) gives no
  route (bgpdump prints none either; `ours` gives its routes).
"""

import collections
from typing import NamedTuple, Optional

#: pybgpkit's names of the well-known communities (RFC 1997) -> their values as ``A:B``
_NAMED = {
    "no-export": "65535:65281",
    "no-advertise": "65535:65282",
    "no-export-sub-confed": "65535:65283",
}
_ORIGINS = {0: "IGP", 1: "EGP", 2: "INCOMPLETE"}
#: AS_PATH segment type -> (opening, separator, closing): set, sequence, confederation sequence and set
_SEGMENTS = {1: ("{", ",", "}"), 2: ("", " ", ""), 3: ("(", " ", ")"), 4: ("[", ",", "]")}

#: a program printing the number of routes pybgpkit reads in the MRT file sys.argv[1]
COUNT = "import sys, pybgpkit_parser; print(sum(1 for _elem in pybgpkit_parser.Parser(url=sys.argv[1])))"


class Route(NamedTuple):
    kind: str
    timestamp: float
    peer_ip: str
    peer_asn: int
    prefix: str
    as_path: Optional[str] = None
    origin: Optional[str] = None
    next_hop: Optional[str] = None
    local_pref: Optional[int] = None
    med: Optional[int] = None
    communities: tuple = ()
    large: tuple = ()
    atomic: bool = False
    aggregator: Optional[tuple] = None


def require():
    """The ``pybgpkit_parser`` module, or the test ends (skip; fail under EXABGP_INTEROP=1)."""
    try:
        import pybgpkit_parser
    except ImportError:
        # imported here: `benchmarks/mrt_read.py` takes `COUNT` from this module without the installed package
        # that `qa.interop` imports (`qa.daemon`)
        from qa.interop import unavailable

        unavailable("pybgpkit-parser is not installed (pip install --only-binary :all: pybgpkit-parser==0.6.2)")
    return pybgpkit_parser


def theirs(path) -> list:
    """The routes of the MRT file `path` as pybgpkit reads them."""
    parser = require()
    found = []
    for elem in parser.Parser(url=str(path)):
        standard, large = [], []
        for text in elem.communities or ():
            (large if text.count(":") == 2 else standard).append(_NAMED.get(text, text))
        withdrawn = elem.elem_type == "W"
        found.append(
            Route(
                elem.elem_type,
                elem.timestamp,
                elem.peer_ip,
                elem.peer_asn,
                elem.prefix,
                elem.as_path,
                elem.origin,
                elem.next_hop,
                None if withdrawn else elem.local_pref,
                None if withdrawn else elem.med,
                tuple(sorted(standard, key=_key)),
                tuple(sorted(large, key=_key)),
                elem.atomic == "AG",
                None if elem.aggr_asn is None else (elem.aggr_asn, elem.aggr_ip),
            )
        )
    return found


def _key(text: str) -> tuple:
    """The numeric order of ``A:B`` / ``A:B:C`` texts."""
    return tuple(int(part) for part in text.split(":"))


def path_text(segments) -> str:
    """An AS path's ``(segment type, ASNs)`` list as text."""
    parts = []
    for kind, asns in segments:
        opening, separator, closing = _SEGMENTS[kind]
        parts.append(opening + separator.join(map(str, asns)) + closing)
    return " ".join(parts)


def community_text(value: int) -> str:
    """A standard community (RFC 1997) as ``A:B``."""
    return f"{value >> 16}:{value & 0xFFFF}"


def _announced(kind, timestamp, peer, attributes, asn4: bool, nexthop, prefix) -> Route:
    values = attributes.values
    aggregator = values.get(7)
    if not asn4 and 18 in values:  # RFC 6793 section 4.2.3: AS4_AGGREGATOR, as bgpdump and pybgpkit read it
        aggregator = values[18]
    origin = values.get(1)
    return Route(
        kind,
        timestamp,
        peer[0],
        peer[1],
        prefix,
        path_text(values.get(2, ())),
        None if origin is None else _ORIGINS.get(origin, "INCOMPLETE"),
        nexthop,
        values.get(5, 0),
        values.get(4, 0),
        tuple(sorted((community_text(value) for value in values.get(8, ())), key=_key)),
        tuple(sorted((":".join(map(str, triple)) for triple in values.get(32, ())), key=_key)),
        6 in values,
        None if aggregator is None else tuple(aggregator),
    )


def _routes(timestamp, peer, body, ctx, kind: str = "A") -> list:
    """The routes of one UPDATE body; a prefix under a 32-octet IPv6 next hop (global and link-local), which
    ``changes`` lists under each address, once with the first."""
    from exabgp.bgp.update import Update

    update = Update.decode(body, ctx)
    attributes = None
    found, seen = [], set()
    for action, family, nexthop, nlri in update.changes(ctx):
        prefix = nlri.text()
        if action == "withdraw":
            found.append(Route("W", timestamp, peer[0], peer[1], prefix))
            continue
        key = (family, prefix, nlri.path_id)
        if key in seen:
            continue
        seen.add(key)
        if attributes is None:
            attributes = update.attributes(ctx)
        found.append(_announced(kind, timestamp, peer, attributes, ctx.asn4, nexthop, prefix))
    return found


def ours(path) -> list:
    """The routes of the MRT file `path` as our reader reads them (an unreadable record raises its MrtError)."""
    from exabgp.mrt import reader

    found: list = []
    peers: list = []
    for item in reader.read(path):
        if isinstance(item, reader.PeerIndexTable):
            peers = [(peer[1], peer[2]) for peer in item.peers]
        elif isinstance(item, reader.RibRecord):
            for entry in item.entries:
                body = reader.rib_update_body(item, entry)
                found += _routes(item.record.timestamp, peers[entry[0]], body, reader.rib_context(item))
        elif isinstance(item, reader.TableDump):
            peer = (item.peer_ip, item.peer_as)
            found += _routes(item.record.timestamp, peer, reader.rib_update_body(item, None), reader.rib_context(item))
        elif isinstance(item, reader.Bgp4mpMessage) and item.type == 2:
            found += _routes(item.record.timestamp, (item.peer_ip, item.peer_as), item.body, item.ctx)
    return found


def difference(left, right) -> tuple:
    """The records only in `left` and those only in `right`, counted (both empty: the same multiset)."""
    left, right = collections.Counter(left), collections.Counter(right)
    return sorted((left - right).elements(), key=repr), sorted((right - left).elements(), key=repr)
