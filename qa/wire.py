"""What the tests read out of UPDATE bodies they built or received."""

from exabgp._codec import split_update, walk_attributes

_MP_REACH_NLRI = 14
_MP_UNREACH_NLRI = 15


def mp_nlri(body: bytes) -> list:
    """The NLRI octets of each MP_REACH_NLRI / MP_UNREACH_NLRI of an UPDATE body, in order."""
    found = []
    for code, _flags, value in walk_attributes(split_update(body)[1]):
        if code == _MP_REACH_NLRI:
            found.append(bytes(value[5 + value[3]:]))
        elif code == _MP_UNREACH_NLRI:
            found.append(bytes(value[3:]))
    return found
