"""MRT records written by hand with `struct`, in the layouts of RFC 6396 and RFC 8050, for the MRT tests and benchmark.

Each function returns the octets of one record (header included) or of one
piece of one (a BGP UPDATE body, a path attribute); `sample_file` puts a
collection of them together: a TABLE_DUMP_V2 RIB with IPv4 and IPv6
prefixes, its add-path twin, BGP4MP MESSAGE_AS4 announcements and
withdrawals, a 2-octet MESSAGE with AS4_PATH, STATE_CHANGE and
STATE_CHANGE_AS4, BGP4MP_ET and a TABLE_DUMP entry.
"""

import socket
import struct
import subprocess
import sys

from qa.reference import require_gen_corpus
from qa.wire import update

MARKER = b"\xff" * 16


def header(kind: int, subtype: int, body: bytes, time: int = 1700000000) -> bytes:
    return struct.pack("!IHHI", time, kind, subtype, len(body)) + body


def attribute(code: int, value: bytes, flags: int = 0x40) -> bytes:
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def as_path(segments, width: int = 4, code: int = 2) -> bytes:
    fmt = "!I" if width == 4 else "!H"
    value = b"".join(
        struct.pack("!BB", kind, len(asns)) + b"".join(struct.pack(fmt, asn) for asn in asns) for kind, asns in segments
    )
    return attribute(code, value, 0x40 if code == 2 else 0xC0)


def ip(text: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)


def prefix(text: str, path_id=None) -> bytes:
    address, length = text.split("/")
    bits = int(length)
    octets = ip(address)[: (bits + 7) // 8]
    head = struct.pack("!I", path_id) if path_id is not None else b""
    return head + bytes((bits,)) + octets


def communities(*pairs) -> bytes:
    return attribute(8, b"".join(struct.pack("!HH", a, b) for a, b in pairs), 0xC0)


def large(*triples) -> bytes:
    return attribute(32, b"".join(struct.pack("!III", *t) for t in triples), 0xC0)


def common(path=((2, (64496, 65551, 4200000000)),), origin=0, med=None, local_pref=None, width=4) -> bytes:
    octets = attribute(1, bytes((origin,))) + as_path(path, width)
    if med is not None:
        octets += attribute(4, struct.pack("!I", med), 0x80)
    if local_pref is not None:
        octets += attribute(5, struct.pack("!I", local_pref))
    return octets


def mp_reach(afi: int, nexthop: bytes, nlri: bytes, safi: int = 1) -> bytes:
    return attribute(14, struct.pack("!HBB", afi, safi, len(nexthop)) + nexthop + b"\x00" + nlri, 0x80)


def mp_unreach(afi: int, nlri: bytes, safi: int = 1) -> bytes:
    return attribute(15, struct.pack("!HB", afi, safi) + nlri, 0x80)


def bgp_message(body: bytes, msg_type: int = 2) -> bytes:
    return MARKER + struct.pack("!HB", 19 + len(body), msg_type) + body


def bgp4mp_message(
    body: bytes,
    subtype: int = 4,
    peer="192.0.2.1",
    local="192.0.2.2",
    peer_as=64496,
    local_as=65535,
    msg_type=2,
    time=1700000000,
    kind=16,
    micro=0,
) -> bytes:
    """A BGP4MP (or BGP4MP_ET with `kind` 17) record holding one BGP message."""
    asn4 = subtype in (4, 5, 7, 9, 11)
    fmt = "!II" if asn4 else "!HH"
    afi = 2 if ":" in peer else 1
    head = struct.pack(fmt, peer_as, local_as) + struct.pack("!HH", 0, afi) + ip(peer) + ip(local)
    payload = head + bgp_message(body, msg_type)
    if kind == 17:
        payload = struct.pack("!I", micro) + payload
    return header(kind, subtype, payload, time)


def state_change(old: int, new: int, subtype: int = 5, peer="192.0.2.1", peer_as=64496, time=1700000000) -> bytes:
    fmt = "!II" if subtype == 5 else "!HH"
    afi = 2 if ":" in peer else 1
    local = "2001:db8::2" if afi == 2 else "192.0.2.2"
    body = struct.pack(fmt, peer_as, 65535) + struct.pack("!HH", 0, afi) + ip(peer) + ip(local)
    return header(16, subtype, body + struct.pack("!HH", old, new), time)


def peer_index_table(peers, collector="198.51.100.1", view=b"") -> bytes:
    """PEER_INDEX_TABLE; `peers` a list of (bgp id, address, asn): IPv6 addresses and ASNs over 65535 as such."""
    body = ip(collector) + struct.pack("!H", len(view)) + view + struct.pack("!H", len(peers))
    for bgp_id, address, asn in peers:
        peer_type = (1 if ":" in address else 0) | (2 if asn > 0xFFFF else 0)
        body += bytes((peer_type,)) + ip(bgp_id) + ip(address)
        body += struct.pack("!I" if asn > 0xFFFF else "!H", asn)
    return header(13, 1, body)


def rib(subtype: int, sequence: int, nlri: bytes, entries, generic=None) -> bytes:
    """A RIB_* record; `entries` a list of (peer index, originated time, path id or None, attribute octets)."""
    body = struct.pack("!I", sequence)
    if generic is not None:
        body += struct.pack("!HB", *generic)
    body += nlri + struct.pack("!H", len(entries))
    for peer, originated, path_id, attrs in entries:
        body += struct.pack("!HI", peer, originated)
        if path_id is not None:
            body += struct.pack("!I", path_id)
        body += struct.pack("!H", len(attrs)) + attrs
    return header(13, subtype, body)


def rib_nexthop6(nexthop: bytes) -> bytes:
    """The abbreviated MP_REACH_NLRI of a TABLE_DUMP_V2 RIB entry (RFC 6396 section 4.3.4)."""
    return attribute(14, bytes((len(nexthop),)) + nexthop, 0x80)


def table_dump(
    prefix_text: str,
    peer: str,
    peer_as: int,
    attrs: bytes,
    sequence=0,
    originated=1600000000,
    short=False,
    time=1700000000,
) -> bytes:
    """A TABLE_DUMP record (RFC 6396 section 4.2), its AFI the peer's; `short`: the early RIS quirk, a length field
    4 octets short of the attributes it holds (which follow whole)."""
    afi = 2 if ":" in peer else 1
    address, length = prefix_text.split("/")
    body = struct.pack("!HH", 0, sequence) + ip(address) + struct.pack("!BBI", int(length), 1, originated)
    body += ip(peer) + struct.pack("!HH", peer_as, len(attrs)) + attrs
    record = header(12, afi, body, time)
    if short:
        record = record[:8] + struct.pack("!I", len(body) - 4) + record[12:]
    return record


def table_dump_file() -> bytes:
    """TABLE_DUMP records of each kind the readers meet: IPv4 and IPv6, with and without MED, LOCAL_PREF and
    communities, 2-octet AS paths (a set, AS4_PATH and AS4_AGGREGATOR to merge), each form of IPv6 next hop
    (RFC 6396's short MP_REACH_NLRI, the whole attribute, NEXT_HOP, none), host bits after the prefix length,
    attributes followed by stray octets, and the early RIS records whose length field is 4 octets short."""
    nh = attribute(3, ip("192.0.2.1"))
    path2 = ((2, (64496, 3356, 65001)),)
    full = common(path=path2, med=10, local_pref=100, width=2) + nh + communities((64496, 1), (65535, 65281))
    full += attribute(6, b"") + attribute(7, struct.pack("!H", 64500) + ip("10.0.0.1"), 0xC0)
    bare = common(path=((2, (65001,)), (1, (65002, 65003))), origin=1, width=2) + attribute(3, ip("192.0.2.5"))
    short6 = common(path=path2, med=7, width=2) + rib_nexthop6(ip("2001:db8::1") + ip("fe80::1"))
    short6 += communities((65535, 65282), (64496, 2))
    whole6 = common(path=path2, width=2) + mp_reach(2, ip("2001:db8::5"), b"")
    merged = common(path=((2, (64496, 23456)),), width=2) + nh + as_path(((2, (64496, 4200000000)),), 4, 17)
    merged_aggregator = common(path=path2, width=2) + nh + attribute(7, struct.pack("!H", 23456) + ip("10.0.0.2"), 0xC0)
    merged_aggregator += attribute(18, struct.pack("!I", 4200000005) + ip("10.0.0.3"), 0xC0)
    out = table_dump("10.8.0.0/16", "192.0.2.1", 64496, full)
    out += table_dump("10.9.0.0/24", "192.0.2.5", 65001, bare, sequence=1)
    out += table_dump("0.0.0.0/0", "192.0.2.1", 64496, bare, sequence=2)
    out += table_dump("10.20.30.40/8", "192.0.2.1", 64496, full, sequence=3)  # host bits: printed as written
    out += table_dump("2001:db8:9::/48", "2001:db8::1", 64496, short6, sequence=4)
    out += table_dump("2001:db8:a::/48", "2001:db8::1", 64496, whole6, sequence=5)
    out += table_dump("2001:db8:b::/48", "2001:db8::5", 65001, bare, sequence=6)  # NEXT_HOP's
    out += table_dump("2001:db8:c::/48", "2001:db8::5", 65001, common(width=2, path=path2), sequence=7)  # none
    out += table_dump("10.10.0.0/16", "192.0.2.1", 64496, merged, sequence=9)
    out += table_dump("10.11.0.0/16", "192.0.2.1", 64496, merged_aggregator, sequence=10)
    out += table_dump("10.13.0.0/16", "192.0.2.1", 64496, full, sequence=12, short=True)
    out += table_dump("2001:db8:e::/48", "2001:db8::1", 64496, short6, sequence=13, short=True, time=1700000001)
    stray = table_dump("10.14.0.0/16", "192.0.2.5", 65001, bare, sequence=14)
    out += stray[:8] + struct.pack("!I", len(stray) - 12 + 2) + stray[12:] + b"\x00\x00"  # 2 octets past them
    out += table_dump("10.15.0.0/16", "192.0.2.5", 65001, full, sequence=15, time=1700000002)
    return out


PEERS = [
    ("192.0.2.1", "192.0.2.1", 64496),
    ("192.0.2.9", "2001:db8::9", 4200000001),
]


def sample_file() -> bytes:
    """The records of the line-for-line comparison with bgpdump (see the module docstring)."""
    nh = attribute(3, ip("192.0.2.1"))
    v4 = common(med=10, local_pref=100) + nh + communities((64496, 1), (65535, 65281))
    aggregator = attribute(7, struct.pack("!I", 64500) + ip("10.0.0.1"), 0xC0)
    v4_agg = common(origin=2) + nh + attribute(6, b"") + aggregator
    v6 = common(path=((2, (4200000001, 3356)), (1, (65000, 65001)))) + rib_nexthop6(ip("2001:db8::9"))
    v6_ll = common(origin=1) + rib_nexthop6(ip("2001:db8::9") + ip("fe80::9")) + large((4200000001, 1, 2))
    out = peer_index_table(PEERS)
    # TABLE_DUMP_V2: IPv4 and IPv6 unicast, a default route, the ADD-PATH subtypes, RIB_GENERIC
    out += rib(2, 0, prefix("10.0.0.0/8"), [(0, 1600000000, None, v4), (0, 1600000001, None, v4_agg)])
    out += rib(2, 1, prefix("192.168.128.0/17"), [(0, 1600000000, None, v4)])
    out += rib(2, 2, prefix("0.0.0.0/0"), [(0, 1600000000, None, v4)])
    out += rib(4, 3, prefix("2001:db8:1::/48"), [(1, 1600000000, None, v6), (1, 1600000002, None, v6_ll)])
    out += rib(8, 4, prefix("10.1.0.0/16"), [(0, 1600000000, 1, v4), (0, 1600000000, 2, v4_agg)])
    out += rib(10, 5, prefix("2001:db8:2::/48"), [(1, 1600000000, 7, v6)])
    out += rib(6, 6, prefix("10.16.0.0/16"), [(0, 1, None, common() + nh)], generic=(1, 1))
    out += rib(2, 7, prefix("10.17.0.0/16"), [(0, 1, None, common(med=0, local_pref=0) + nh + attribute(6, b""))])
    # BGP4MP MESSAGE_AS4: announcements, withdrawals, IPv6 in MP_REACH/MP_UNREACH, both in one UPDATE
    attrs = common(med=5) + nh + communities((64496, 7))
    out += bgp4mp_message(update(attributes=attrs, nlri=prefix("10.2.0.0/16") + prefix("10.3.0.0/24")))
    out += bgp4mp_message(update(withdrawn=prefix("10.2.0.0/16") + prefix("10.4.4.0/22")))
    v6_update = common() + mp_reach(2, ip("2001:db8::1"), prefix("2001:db8:5::/48") + prefix("2001:db8:6::/47"))
    out += bgp4mp_message(update(attributes=v6_update), peer="2001:db8::1", local="2001:db8::2")
    unreach = mp_unreach(2, prefix("2001:db8:5::/48"))
    out += bgp4mp_message(update(attributes=unreach), peer="2001:db8::1", local="2001:db8::2")
    both = common() + nh + mp_reach(2, ip("2001:db8::1") + ip("fe80::1"), prefix("2001:db8:7::/48"))
    both += mp_unreach(2, prefix("2001:db8:8::/48"))
    out += bgp4mp_message(update(prefix("10.1.0.0/16"), both, prefix("10.10.0.0/16")))
    # no ORIGIN and no NEXT_HOP; confederation segments and well-known communities; IPv4 multicast
    out += bgp4mp_message(update(attributes=as_path(((2, (1, 2)),)), nlri=prefix("10.9.0.0/16")))
    confed = attribute(1, b"\x01") + as_path(((3, (1, 2)), (4, (3, 4)), (2, (5,)))) + nh
    confed += communities((65535, 65282), (65535, 65283), (65535, 65284), (0, 0), (65535, 0))
    out += bgp4mp_message(update(attributes=confed, nlri=prefix("10.11.0.0/16")))
    out += bgp4mp_message(update(attributes=common() + mp_reach(1, ip("192.0.2.7"), prefix("232.1.0.0/16"), safi=2)))
    # 2-octet MESSAGE: AS4_PATH merged, AS4_AGGREGATOR in place of AGGREGATOR
    two = attribute(1, b"\x00") + as_path(((2, (64496, 23456)),), width=2) + nh
    two += as_path(((2, (64496, 4200000000)),), width=4, code=17)
    out += bgp4mp_message(update(attributes=two, nlri=prefix("10.5.0.0/16")), subtype=1)
    two = attribute(1, b"\x00") + as_path(((2, (64496, 23456)),), width=2) + nh
    two += attribute(7, struct.pack("!H", 23456) + ip("10.0.0.2"), 0xC0)
    two += attribute(18, struct.pack("!I", 4200000005) + ip("10.0.0.3"), 0xC0)
    out += bgp4mp_message(update(attributes=two, nlri=prefix("10.12.0.0/16")), subtype=1)
    # other messages print nothing in bgpdump -m: KEEPALIVE, OPEN, NOTIFICATION, End-of-RIB
    out += bgp4mp_message(b"", msg_type=4)
    out += bgp4mp_message(bytes.fromhex("04fbf000b4c000020100"), msg_type=1)
    out += bgp4mp_message(bytes((6, 2)), msg_type=3)
    out += bgp4mp_message(update())
    # STATE_CHANGE, STATE_CHANGE_AS4, *_LOCAL, BGP4MP_ET, the ADD-PATH subtypes
    out += state_change(1, 2, subtype=0)
    out += state_change(3, 6, subtype=5, peer="2001:db8::1", peer_as=4200000001)
    out += bgp4mp_message(update(attributes=common() + nh, nlri=prefix("10.13.0.0/16")), subtype=7)
    out += bgp4mp_message(update(attributes=attrs, nlri=prefix("10.6.0.0/16")), kind=17, micro=123456)
    out += bgp4mp_message(update(attributes=attrs, nlri=prefix("10.7.0.0/16", 9)), subtype=9)
    out += bgp4mp_message(update(withdrawn=prefix("10.7.0.0/16", 9)), subtype=9)
    out += bgp4mp_message(update(attributes=common() + nh, nlri=prefix("10.15.0.0/16", 3)), subtype=9, kind=17, micro=5)
    # trailing bits: host bits set after the prefix length (printed as sent)
    out += bgp4mp_message(update(attributes=common() + nh, nlri=bytes((16, 10, 14)) + bytes((12, 10, 255))))
    # TABLE_DUMP (type 12), IPv4 and IPv6
    td_attrs = common(width=2, path=((2, (64496, 3356)),)) + nh
    out += table_dump("10.8.0.0/16", "192.0.2.1", 64496, td_attrs)
    td_attrs6 = common(width=2, path=((2, (64496,)),)) + rib_nexthop6(ip("2001:db8::1"))
    out += table_dump("2001:db8:9::/48", "2001:db8::1", 64496, td_attrs6)
    out += state_change(6, 1, subtype=5)
    return out


def run_mrt(paths, bgpdump: bool = True) -> tuple:
    """``(exit code, stdout, stderr)`` of ``exabgp mrt [-m] PATHS``, run in this process."""
    import argparse
    import io

    from exabgp.cli import mrt as mrt_command

    out, err = io.StringIO(), io.StringIO()
    code = mrt_command.cmdline(
        argparse.Namespace(bgpdump=bgpdump, columns=None, files=[str(p) for p in paths]), out, err
    )
    return code, out.getvalue(), err.getvalue()


def gen_corpus_files(directory, v4: int, v6: int, *options: str) -> tuple:
    """``(updates, rib)``: the MRT twins of ``../shared/bench/gen_corpus.py`` (BGP4MP updates and a TABLE_DUMP_V2
    dump) of `v4` + `v6` prefixes, with gen_corpus's `options` (``--asn2``, ``--add-path N``), written into
    `directory`; the test ends as `qa.reference.require_gen_corpus` says without the generator."""
    program = require_gen_corpus()
    updates, rib = directory / "table.mrt", directory / "table.rib"
    command = [sys.executable, program, "-o", str(directory / "table.bgp"), "--v4", str(v4), "--v6", str(v6), "-q"]
    subprocess.run(command + ["--mrt", str(updates), "--rib", str(rib), *options], check=True, timeout=120)
    return updates, rib
