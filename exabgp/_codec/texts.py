"""Wire fields as ExaBGP 5.0 prints them, where both the model and the codec print them: written once, here.

* `rd_text`: a route distinguisher (RFC 4364 section 4.2, `tables.RD_SIZE` octets): type `tables.RD_AS2`
  ``asn2:number``, `tables.RD_IPV4` ``a.b.c.d:number``, `tables.RD_AS4` ``asn4:number``, any other type
  ``0x`` and the 8 octets in upper-case hex.  `exabgp.bgp.nlri_fields` prints every RD with it and
  `_json_py` the RD of VPN routes; the compiled twin `_json_c` writes the same text (its ``put_rd``).
"""

from exabgp._codec.tables import RD_AS2, RD_AS4, RD_IPV4

__all__ = ("rd_text",)


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
