"""Statement shapes and value readers shared by the configuration sections.

Each reader takes the lexer's `Statement` or `Token` and returns a Python
value, or raises `ConfigurationError` located at the offending token.
Booleans follow 5.0 (docs/compatibility.md, "Lexical rules"): ``true enable enabled`` / ``false disable
disabled``; a keyword written without a value takes the per-keyword "bare"
value the caller gives.
"""

import ipaddress

from exabgp.config.lexer import Statement

_BARE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+=%")
_ESCAPED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

TRUE = frozenset(("true", "enable", "enabled"))
FALSE = frozenset(("false", "disable", "disabled"))


def block(statement: Statement) -> tuple:
    """The statements inside ``keyword ... { }``; an error when `statement` opens no block."""
    if statement.block is None:
        raise statement.words[0].error(f"'{statement.keyword}' must be followed by a block {{ }}")
    return statement.block


def plain(statement: Statement) -> None:
    if statement.block is not None:
        raise statement.words[0].error(f"'{statement.keyword}' does not open a block")


def named_block(statement: Statement, keyword: str, optional: bool = False):
    """The NAME of ``keyword NAME { }`` (None when `optional` and absent)."""
    if statement.keyword != keyword:
        raise statement.words[0].error(f"expected '{keyword}', found '{statement.keyword}'")
    block(statement)
    if optional and len(statement.words) == 1:
        return None
    if len(statement.words) != 2:
        raise statement.words[0].error(f"'{keyword}' needs exactly one name")
    return statement.words[1].text


def one(statement: Statement):
    """The single value token of ``keyword value;``."""
    plain(statement)
    if len(statement.words) != 2:
        raise statement.words[0].error(f"'{statement.keyword}' takes exactly one value")
    return statement.words[1]


def text(statement: Statement) -> str:
    """Every word after the keyword, joined by one space (``description a b;``)."""
    plain(statement)
    if len(statement.words) < 2:
        raise statement.words[0].error(f"'{statement.keyword}' needs a value")
    return " ".join(token.text for token in statement.words[1:])


def names(statement: Statement) -> list:
    """``keyword NAME;`` or ``keyword [ A B ];`` (commas allowed): the names."""
    plain(statement)
    found = [token for token in statement.words[1:] if not token.punctuation]
    if not found:
        raise statement.words[0].error(f"'{statement.keyword}' needs at least one name")
    return found


def boolean(statement: Statement, bare: bool) -> bool:
    plain(statement)
    if len(statement.words) == 1:
        return bare
    token = one(statement)
    if token.text in TRUE:
        return True
    if token.text in FALSE:
        return False
    raise token.error(f"'{token.text}' is not a boolean (true/enable/enabled or false/disable/disabled)")


def integer(token, low: int, high: int, what: str) -> int:
    if not token.text.isdigit() or not low <= int(token.text) <= high:
        raise token.error(f"'{token.text}' is not a valid {what} ({low}-{high})")
    return int(token.text)


def ip(token, auto: bool = False):
    if auto and token.text == "auto":
        return None
    try:
        return str(ipaddress.ip_address(token.text))
    except ValueError:
        raise token.error(f"'{token.text}' is not an IP address") from None


def ipv4(token):
    try:
        return str(ipaddress.IPv4Address(token.text))
    except ValueError:
        raise token.error(f"'{token.text}' is not an IPv4 address") from None


def asn(token):
    """A plain ASN (0..4294967295), asdot ``high.low``, or ``auto`` (None)."""
    value = token.text
    if value == "auto":
        return None
    high, dot, low = value.partition(".")
    if dot:
        if high.isdigit() and low.isdigit() and int(high) <= 0xFFFF and int(low) <= 0xFFFF:
            return (int(high) << 16) + int(low)
    elif value.isdigit() and int(value) <= 0xFFFFFFFF:
        return int(value)
    raise token.error(f"'{value}' is not an AS number")


def quote(word: str, always: bool = False) -> str:
    """`word` as the lexer reads it back: bare when it can be, else double-quoted with escapes."""
    if word and not always and all(char in _BARE for char in word):
        return word
    return '"' + "".join(_ESCAPED.get(char, char) for char in word) + '"'
