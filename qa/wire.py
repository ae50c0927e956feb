"""What the tests read out of UPDATE bodies they built or received."""

from exabgp._codec import split_update, walk_attributes

_MP_REACH_NLRI = 14
_MP_UNREACH_NLRI = 15


def announced_withdrawn(body: bytes) -> tuple:
    """``(announced, withdrawn)``: the NLRI octets an UPDATE body announces and withdraws, IPv4 unicast
    fields and MP_REACH_NLRI / MP_UNREACH_NLRI alike (each field or attribute's NLRI as one string)."""
    withdrawn, attributes, nlri = split_update(body)
    announced, removed = [nlri] if nlri else [], [withdrawn] if withdrawn else []
    for code, _flags, value in walk_attributes(attributes):
        if code == _MP_REACH_NLRI:
            announced.append(bytes(value[5 + value[3]:]))
        elif code == _MP_UNREACH_NLRI:
            removed.append(bytes(value[3:]))
    return announced, removed


def mp_nlri(body: bytes) -> list:
    """The NLRI octets of each MP_REACH_NLRI / MP_UNREACH_NLRI of an UPDATE body, in order."""
    found = []
    for code, _flags, value in walk_attributes(split_update(body)[1]):
        if code == _MP_REACH_NLRI:
            found.append(bytes(value[5 + value[3]:]))
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
