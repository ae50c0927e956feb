"""What the tests build UPDATE bodies from (`attribute`, `update`), and read out of those they built or received."""

from exabgp._codec import split_update, walk_attributes

_MP_REACH_NLRI = 14
_MP_UNREACH_NLRI = 15


def attribute(flags: int, code: int, value: bytes) -> bytes:
    """One path attribute: its flags, code, length (2 octets with Extended Length, 0x10) and value."""
    if flags & 0x10:
        return bytes((flags, code)) + len(value).to_bytes(2, "big") + value
    return bytes((flags, code, len(value))) + value


def update(withdrawn: bytes = b"", attributes: bytes = b"", nlri: bytes = b"") -> bytes:
    """An UPDATE body (no header) from its three fields (RFC 4271 section 4.3)."""
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(attributes).to_bytes(2, "big") + attributes + nlri


def _split(field: bytes, safi: int, addpath: bool) -> list:
    """The NLRI of one field: one by one for the prefix SAFIs (unicast, multicast: RFC 4271 4.3, with the
    RFC 7911 path identifier when `addpath`) and MCAST-VPN (RFC 6514 4: type, length, value); whole for the
    others (their UPDATEs carry one NLRI each, as 5.0 sends them)."""
    items, position = [], 0
    if safi in (1, 2):
        while position < len(field):
            start, position = position, position + (4 if addpath else 0)
            position += 1 + (field[position] + 7) // 8
            items.append(field[start:position])
        return items
    if safi == 5:
        while position < len(field):
            start, position = position, position + 2 + field[position + 1]
            items.append(field[start:position])
        return items
    return [field] if field else []


def announced_withdrawn(body: bytes, addpath: bool = False) -> tuple:
    """``(announced, withdrawn)``: the NLRI an UPDATE body announces and withdraws (their octets), IPv4 unicast
    fields and MP_REACH_NLRI / MP_UNREACH_NLRI alike (`_split` says how they are told apart)."""
    withdrawn, attributes, nlri = split_update(body)
    announced, removed = _split(nlri, 1, addpath), _split(withdrawn, 1, addpath)
    for code, _flags, value in walk_attributes(attributes):
        if code == _MP_REACH_NLRI:
            announced += _split(bytes(value[5 + value[3] :]), value[2], addpath)
        elif code == _MP_UNREACH_NLRI:
            removed += _split(bytes(value[3:]), value[2], addpath)
    return announced, removed


def mp_nlri(body: bytes) -> list:
    """The NLRI octets of each MP_REACH_NLRI / MP_UNREACH_NLRI of an UPDATE body, in order."""
    found = []
    for code, _flags, value in walk_attributes(split_update(body)[1]):
        if code == _MP_REACH_NLRI:
            found.append(bytes(value[5 + value[3] :]))
        elif code == _MP_UNREACH_NLRI:
            found.append(bytes(value[3:]))
    return found


def mp_body(attributes: bytes, afi: int, safi: int, nlri: bytes, nexthop=None) -> bytes:
    """An UPDATE body: the attribute TLVs `attributes`, then an MP_REACH_NLRI of `nlri` with `nexthop` (RFC 4760
    section 3) or, when `nexthop` is None, an MP_UNREACH_NLRI of `nlri` (section 4); no withdrawn routes."""
    if nexthop is None:
        code, value = _MP_UNREACH_NLRI, afi.to_bytes(2, "big") + bytes((safi,)) + nlri
    else:
        code, value = _MP_REACH_NLRI, afi.to_bytes(2, "big") + bytes((safi, len(nexthop))) + nexthop + b"\x00" + nlri
    flags = 0x80 if len(value) < 256 else 0x90  # optional, extended length when needed (RFC 4271 4.3)
    tlv = bytes((flags, code)) + (len(value).to_bytes(1 if flags == 0x80 else 2, "big")) + value
    section = attributes + tlv
    return b"\x00\x00" + len(section).to_bytes(2, "big") + section
