"""The fields NLRI of several families share: addresses, route distinguishers, path identifiers,
type-length-value sections.

A leaf of the `bgp` layer: it imports nothing of `exabgp.bgp` but `record`, so that the family
modules (`flow`, `vpls`, `mvpn`, `mup`, `evpn`, `bgpls`) and `nlri`, which dispatches to them,
can all use it without importing each other (`tests/test_layers.py` forbids import cycles).

* `address_text`: an IPv4 or IPv6 address as text, by its length;
* `rd_text`: a route distinguisher (RFC 4364 section 4.2) printed as ExaBGP 5.0 does: type 0
  ``asn2:number``, type 1 ``a.b.c.d:number``, type 2 ``asn4:number``, any other type as ``0x`` +
  hex;
* `path_id_at` / `with_path_id`: the ADD-PATH path identifier (RFC 7911 section 3) before an
  NLRI, read, and set on an NLRI object;
* `typed_values`: the ``type, length, value`` NLRI of MCAST-VPN (RFC 6514 section 4) and EVPN
  (RFC 7432 section 7).
"""

import socket

from exabgp._codec.errors import CodecError
from exabgp.bgp.record import replace

#: RFC 4364 section 4.2 route distinguisher types
RD_AS2 = 0
RD_IPV4 = 1
RD_AS4 = 2


def address_text(octets) -> str:
    """An IPv4 (4 octets) or IPv6 (16 octets) address as text."""
    return socket.inet_ntop(socket.AF_INET if len(octets) == 4 else socket.AF_INET6, bytes(octets))


def rd_text(rd) -> str:
    """A route distinguisher as ExaBGP 5.0 prints it."""
    kind = int.from_bytes(rd[0:2], "big")
    if kind == RD_AS2:
        return f"{int.from_bytes(rd[2:4], 'big')}:{int.from_bytes(rd[4:8], 'big')}"
    if kind == RD_IPV4:
        return f"{rd[2]}.{rd[3]}.{rd[4]}.{rd[5]}:{int.from_bytes(rd[6:8], 'big')}"
    if kind == RD_AS4:
        return f"{int.from_bytes(rd[2:6], 'big')}:{int.from_bytes(rd[6:8], 'big')}"
    return "0x" + bytes(rd).hex().upper()


PATH_ID_SIZE = 4


def path_id_at(data: bytes, position: int, what: str):
    """``(path identifier, position after it)``: the 4 octets before an NLRI under ADD-PATH (RFC 7911
    section 3); 3/10 when they are not all there."""
    end = position + PATH_ID_SIZE
    if end > len(data):
        raise CodecError(3, 10, b"", f"{what} NLRI path identifier truncated")
    return int.from_bytes(data[position:end], "big"), end


def with_path_id(item, path_id):
    """The NLRI object `item` with its ADD-PATH path identifier (itself when there is none)."""
    return item if path_id is None else replace(item, path_id=path_id)


def typed_values(octets, what: str, addpath: bool = False) -> list:
    """``(path id or None, route type, value)`` of each NLRI of a section made of ``[path id (4 octets,
    with `addpath`)] type (1 octet), length (1 octet), value``: MCAST-VPN (RFC 6514 section 4) and EVPN
    (RFC 7432 section 7); `what` names the family in the 3/10 error of a truncated one."""
    data = bytes(octets)
    end = len(data)
    position = 0
    found = []
    path_id = None
    while position < end:
        if addpath:
            path_id, position = path_id_at(data, position, what)
        if position + 2 > end:
            raise CodecError(3, 10, b"", f"{what} NLRI header truncated")
        code, length = data[position], data[position + 1]
        position += 2
        if position + length > end:
            raise CodecError(3, 10, b"", f"{what} NLRI length {length} exceeds the {end - position} octets left")
        found.append((path_id, code, data[position : position + length]))
        position += length
    return found
