"""The KEEPALIVE message (RFC 4271 section 4.4): a header with no body.

A KEEPALIVE with a body is a Bad Message Length (1/2) whose data is the
erroneous length field (RFC 4271 section 6.1).
"""

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import KEEPALIVE

TYPE = KEEPALIVE


class KeepAlive:
    """The KEEPALIVE message; all instances are equal."""

    __slots__ = ()

    TYPE = TYPE

    @classmethod
    def decode(cls, body: bytes, ctx=None):
        if body:
            raise CodecError(1, 2, (19 + len(body)).to_bytes(2, "big"), f"KEEPALIVE with a {len(body)} octet body")
        return cls()

    def encode(self, ctx=None) -> bytes:
        return b""

    def __eq__(self, other):
        return isinstance(other, KeepAlive)

    def __hash__(self):
        return hash(KeepAlive)

    def __repr__(self):
        return "KeepAlive()"
