"""The fields NLRI of several families share: addresses, route distinguishers, path identifiers,
type-length-value sections.

A leaf of the `bgp` layer: it imports nothing of `exabgp.bgp`, so that the family
modules (`flow`, `vpls`, `mvpn`, `mup`, `evpn`, `bgpls`) and `nlri`, which dispatches to them,
can all use it without importing each other (`tests/test_layers.py` forbids import cycles).

* `RD_SIZE`, `ADDRESS_BITS`: the size of a route distinguisher, the address lengths in bits;
* `address_text`: an IPv4 or IPv6 address as text, by its length;
* `rd_text`: a route distinguisher (RFC 4364 section 4.2) printed as ExaBGP 5.0 does, the codec's
  (`exabgp._codec.texts`, which the JSON fast path prints with too);
* `malformed`: the error of an NLRI that does not parse, 3/10 (RFC 7606 section 5.3: the UPDATE is
  treated as withdraw), with no data;
* `path_id_at`: the ADD-PATH path identifier (RFC 7911 section 3) before an NLRI;
* `nlri_items`: the walk over one NLRI section (RFC 4760 section 5: NLRI one after the other,
  each after its path identifier under ADD-PATH) that FlowSpec, VPLS, MUP, MCAST-VPN and EVPN share;
  the family gives how its header reads and builds its object; `typed_items` is that walk for the
  ``type, length, value`` NLRI of MCAST-VPN (RFC 6514 section 4) and EVPN (RFC 7432 section 7).
"""

import socket

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import RD_AS2 as RD_AS2  # RFC 4364 section 4.2 route distinguisher types and size
from exabgp._codec.tables import RD_AS4 as RD_AS4
from exabgp._codec.tables import RD_IPV4 as RD_IPV4
from exabgp._codec.tables import RD_SIZE as RD_SIZE
from exabgp._codec.texts import rd_text as rd_text  # the codec prints RDs too: the one rule is there

#: the lengths, in bits, of an IPv4 and an IPv6 address where an NLRI gives its address length
#: (MCAST-VPN, RFC 6514 section 4; EVPN, RFC 7432 section 7; MUP)
ADDRESS_BITS = (32, 128)


def address_text(octets) -> str:
    """An IPv4 (4 octets) or IPv6 (16 octets) address as text."""
    return socket.inet_ntop(socket.AF_INET if len(octets) == 4 else socket.AF_INET6, bytes(octets))


def malformed(reason: str) -> CodecError:
    """The 3/10 error (Invalid Network Field) of an NLRI that does not parse; `reason` says why."""
    return CodecError(3, 10, b"", reason)


PATH_ID_SIZE = 4


def path_id_at(data: bytes, position: int, what: str):
    """``(path identifier, position after it)``: the 4 octets before an NLRI under ADD-PATH (RFC 7911
    section 3); 3/10 when they are not all there."""
    end = position + PATH_ID_SIZE
    if end > len(data):
        raise malformed(f"{what} NLRI path identifier truncated")
    return int.from_bytes(data[position:end], "big"), end


def nlri_items(octets, what: str, addpath: bool, head: int, item, header=None, short: str = "") -> list:
    """The NLRI objects of one section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part) made of
    ``[path id (4 octets, with `addpath`, RFC 7911)] header value``, one after the other.

    `what` names the family in the 3/10 errors (RFC 7606 section 7: treat as withdraw) of a truncated
    path identifier and of a value past the end of the section; fewer than `head` octets left for the
    header is the 3/10 ``{what} NLRI header truncated``, or `short` when given.  The header is `head`
    octets, the last one the length of the value, unless ``header(data, position)`` gives ``(value
    length, value start)`` of the header at `position` (raising the family's own 3/10 for a header it
    refuses).  ``item(data, position, value, path_id)`` is the object of the header at `position` and
    its value (path id None without `addpath`)."""
    data = bytes(octets)
    end = len(data)
    position = 0
    found = []
    path_id = None
    while position < end:
        if addpath:
            path_id, position = path_id_at(data, position, what)
        if position + head > end:
            raise malformed(short or f"{what} NLRI header truncated")
        if header is None:
            start = position + head
            length = data[start - 1]
        else:
            length, start = header(data, position)
        stop = start + length
        if stop > end:
            raise malformed(f"{what} NLRI length {length} exceeds the {end - start} octets left")
        found.append(item(data, position, data[start:stop], path_id))
        position = stop
    return found


#: octets of the ``type (1), length (1)`` header of MCAST-VPN and EVPN NLRI
_TYPED_HEAD = 2


def typed_items(octets, what: str, addpath: bool, item, check) -> list:
    """`nlri_items` of a section of ``type (1 octet), length (1 octet), value`` NLRI (MCAST-VPN, RFC 6514
    section 4; EVPN, RFC 7432 section 7): ``item(data, position, value, path_id)`` builds an object with
    ``code`` (the type, ``data[position]``) and ``body`` (the value); once the whole section is framed,
    ``check(code, body)`` judges each (raising the family's 3/10)."""
    found = nlri_items(octets, what, addpath, _TYPED_HEAD, item)
    for each in found:
        check(each.code, each.body)
    return found
