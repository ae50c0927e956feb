"""The one error the codec raises, shared by the compiled and the pure twins.

`CodecError(code, subcode, data)` carries exactly what a NOTIFICATION needs
(RFC 4271 section 4.5): the error code, the subcode and the data octets.
The session layer turns it into the NOTIFICATION it sends; `exabgp decode`
turns it into ExaBGP's one-line message.  Both twins raise it with the same
arguments on the same input; tests compare `(code, subcode, data)`.
"""


class CodecError(Exception):
    """Malformed wire data: `code`/`subcode` of RFC 4271 section 4.5, `data` octets."""

    def __init__(self, code: int, subcode: int, data: bytes = b"", reason: str = ""):
        super().__init__(code, subcode, data)
        self.code = code
        self.subcode = subcode
        self.data = bytes(data)
        self.reason = reason

    def __eq__(self, other):
        if not isinstance(other, CodecError):
            return NotImplemented
        return (self.code, self.subcode, self.data) == (other.code, other.subcode, other.data)

    def __hash__(self):
        return hash((self.code, self.subcode, self.data))

    def __str__(self):
        text = f"notification {self.code}/{self.subcode}"
        if self.reason:
            text += f": {self.reason}"
        return text
