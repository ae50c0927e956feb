"""Wire fields as ExaBGP 5.0 prints them, where both the model and the codec print them: written once, here.

* `rd_text`: a route distinguisher (RFC 4364 section 4.2, `tables.RD_SIZE` octets): type `tables.RD_AS2`
  ``asn2:number``, `tables.RD_IPV4` ``a.b.c.d:number``, `tables.RD_AS4` ``asn4:number``, any other type
  ``0x`` and the 8 octets in upper-case hex.  `exabgp.bgp.nlri_fields` prints every RD with it and
  `_json_py` the RD of VPN routes; the compiled twin `_json_c` writes the same text (its ``put_rd``).
* `route_text`: the ``string`` of a route target, route origin or RT record extended community
  (`exabgp.bgp.community` prints them with it, and `_json_py` the route targets and origins; the
  compiled twin's ``put_extended_communities`` writes the same text).
"""

from exabgp._codec.tables import (
    EXTENDED_AS2,
    EXTENDED_AS4,
    EXTENDED_IPV4,
    RD_AS2,
    RD_AS4,
    RD_IPV4,
    ROUTE_ORIGIN,
    ROUTE_TARGET,
    RT_RECORD,
)

__all__ = ("rd_text", "route_text")

#: the sub-types of the extended communities `route_text` prints, and the name their string starts with
_ROUTE_NAMES = {ROUTE_TARGET: "target", ROUTE_ORIGIN: "origin", RT_RECORD: "rtrecord"}


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


def route_text(community) -> str | None:
    """``NAME:A:B``, 5.0's ``string`` of an 8-octet route target, route origin or RT record (RFC 4360 sections 4
    and 5, RFC 5668, RFC 7153), by the low bits of its type (the Transitive bit set or not); None for another kind.

    A:B is the 2-octet AS and the 4-octet number, the IPv4 address and the 2-octet number, or the 4-octet AS and
    the 2-octet number; a route origin prints its 2-octet AS form's number as an IPv4 address and its IPv4 form's
    number first, as 5.0 does.
    """
    kind, name = community[0] & 0x0F, _ROUTE_NAMES.get(community[1])
    if name is None or kind > EXTENDED_AS4:
        return None
    origin = community[1] == ROUTE_ORIGIN
    if kind == EXTENDED_AS2:
        number = ".".join(map(str, community[4:8])) if origin else int.from_bytes(community[4:8], "big")
        return f"{name}:{int.from_bytes(community[2:4], 'big')}:{number}"
    if kind == EXTENDED_IPV4:
        address, number = ".".join(map(str, community[2:6])), int.from_bytes(community[6:8], "big")
        return f"{name}:{number}:{address}" if origin else f"{name}:{address}:{number}"
    return f"{name}:{int.from_bytes(community[2:6], 'big')}:{int.from_bytes(community[6:8], 'big')}"
