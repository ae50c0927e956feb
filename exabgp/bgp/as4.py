"""The 4-octet AS form of attributes a 2-octet speaker sent (RFC 6793): what BMP archives and MRT snapshots keep.

A session without 4-octet ASes (RFC 6793) carries AS_PATH and AGGREGATOR
with 2-octet ASes, a larger AS as AS_TRANS, and the whole path in AS4_PATH
and AS4_AGGREGATOR.  Some formats want the 4-octet form whatever the
session had: the AS_PATH of a TABLE_DUMP_V2 RIB entry (RFC 6396 section
4.3.4), the RIBs a BMP station keeps and archives (RFC 7854 section 4.2,
the A flag).  Here is that conversion, once:

* `widen_section(section, values)`: an attribute section whose decoded
  values (`exabgp.bgp.attribute.decode_attributes`, with AS4_PATH and
  AS4_AGGREGATOR already reconciled with AS_PATH and AGGREGATOR, RFC 6793
  section 4.2.3) are `values`, rewritten: AS_PATH is the merged path
  encoded with 4-octet ASes, AGGREGATOR the reconciled aggregator with a
  4-octet AS, AS4_PATH and AS4_AGGREGATOR dropped, every other attribute's
  octets (flags included) as they came, in their order;
* `widen(body, ctx)`: a whole UPDATE body read with `ctx` (2-octet ASes);
  one RFC 7606 treats as withdraw comes back unchanged, one the codec
  refuses raises its `CodecError` (the BMP station's use);
* `widen_path(path)`: an attribute section as an Adj-RIB-In stores it
  (`exabgp.rib.incoming`: attributes as received, the pseudo MP_REACH_NLRI
  TLV among them), which was received with 2-octet ASes.  Only the four AS
  attributes are decoded (with a context outside any session: no
  mandatory-attribute rule applies), the others are not read; a path
  without any of them comes back as it is (the MRT snapshot writer's use,
  `exabgp.mrt.writer.table_dump`, once per distinct path).
"""

from socket import inet_aton

from exabgp import _codec
from exabgp.bgp.attribute import AGGREGATOR, AS4_AGGREGATOR, AS4_PATH, AS_PATH, decode_attributes
from exabgp.bgp.context import CodecContext
from exabgp.bgp.update import Update

#: the attributes whose AS numbers have a 2-octet form
AS_ATTRIBUTES = frozenset((AS_PATH, AGGREGATOR, AS4_PATH, AS4_AGGREGATOR))
#: how an Adj-RIB-In path of a 2-octet session is read: no session rules (`widen_path`)
_TWO_OCTET = CodecContext(asn4=False)


def widen_section(section: bytes, values) -> bytes:
    """`section` with 4-octet ASes, `values` its decoded and reconciled attributes (see the module docstring)."""
    parts = []
    for code, flags, value in _codec.walk_attributes(section):
        if code == AS_PATH:
            value = _codec.encode_as_path(values.get(AS_PATH) or [], True)
        elif code == AGGREGATOR:
            aggregator = values.get(AGGREGATOR) or values.get(AS4_AGGREGATOR)
            if aggregator is None:
                continue
            value = aggregator[0].to_bytes(4, "big") + inet_aton(aggregator[1])
        elif code in (AS4_PATH, AS4_AGGREGATOR):
            continue
        parts.append(_codec.encode_attribute(code, flags, value))
    return b"".join(parts)


def widen(body: bytes, ctx: CodecContext) -> bytes:
    """UPDATE `body`, read with `ctx` (2-octet ASes), with 4-octet ASes (`widen_section`).  One RFC 7606 treats
    as withdraw comes back as it was; one the codec refuses raises its `CodecError`."""
    attributes = Update.decode(body, ctx).attributes(ctx)
    if attributes.treat_as_withdraw is not None:
        return body
    withdrawn, section, nlri = _codec.split_update(body)
    section = widen_section(section, attributes.values)
    return len(withdrawn).to_bytes(2, "big") + withdrawn + len(section).to_bytes(2, "big") + section + nlri


def widen_path(path: bytes) -> bytes:
    """An Adj-RIB-In path received with 2-octet ASes, with 4-octet ASes (see the module docstring).  A path whose
    AS_PATH is malformed (RFC 7606 treat-as-withdraw: no Adj-RIB-In holds one) comes back as it was."""
    ases = [(code, flags, value) for code, flags, value in _codec.walk_attributes(path) if code in AS_ATTRIBUTES]
    if not ases:
        return path
    attributes = decode_attributes(b"".join(_codec.encode_attribute(*item) for item in ases), _TWO_OCTET)
    if attributes.treat_as_withdraw is not None:
        return path
    return widen_section(path, attributes.values)
