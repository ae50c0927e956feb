"""The lexical layer of the configuration language (ExaBGP 5.0, docs/compatibility.md, "Lexical rules").

`tokenise` turns the text of a configuration file into `Token`s, each with
the file name, the line and the column (both counted from 1) where it
starts.  The rules, those of ExaBGP 5.0:

* ``;`` ends a statement, ``{`` opens a block and ``}`` closes it; a
  statement must end on the line where it starts (as in 5.0), unless the
  line ends with ``\\``, which joins it to the next line;
* ``#`` starts a comment that runs to the end of the line, except inside
  quotes;
* ``[ ] ( ) ,`` are tokens of their own (``[a, b]`` is five tokens);
  inside ``[ ]`` or ``( )`` the braces are words, not blocks (the
  confederation segments of an AS path: ``as-path [ { 1 2 } ]``);
* spaces, tabs and carriage returns separate words; a token that follows
  the previous one with nothing between them is `glued` to it (``a(b)``:
  ``(``, ``b`` and ``)`` are glued), which the ``run`` line needs;
* a string is quoted with ``"`` or ``'``; inside it (and in bare words)
  ``\\b \\f \\n \\r \\t \\uXXXX`` are the usual characters and any other
  ``\\x`` is ``x``; a backslash at the very end of the text is an error.

`parse` groups the tokens into a tree of `Statement`s: the words of a
statement, and the child statements when it opens a block.  A statement
right before ``}`` needs no ``;`` (``family { ipv4 unicast }``).  Like 5.0,
which accepts the configurations shipped with it that rely on this, a ``}``
with nothing to close at the top level is ignored and the blocks still open
at the end of the text are closed there.

Every problem raises `ConfigurationError`, whose text is
``file:line:column: reason``.
"""

from exabgp.bgp.record import record

#: Characters that are tokens on their own outside quotes.
PUNCTUATION = frozenset(";{}[](),")
_SPACES = frozenset(" \t\r")
_QUOTES = frozenset("\"'")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class ConfigurationError(Exception):
    """A configuration problem at a place in a file."""

    def __init__(self, reason: str, file: str = "", line: int = 0, column: int = 0):
        super().__init__(reason, file, line, column)
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column

    def __str__(self):
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


@record(slots=True)
class Token:
    """A word, a quoted string or a punctuation character, with its position."""

    text: str
    file: str
    line: int
    column: int
    quoted: bool = False
    glued: bool = False  # nothing (no space, comment or line break) between the previous token and this one

    @property
    def punctuation(self) -> bool:
        return not self.quoted and self.text in PUNCTUATION

    def error(self, reason: str) -> ConfigurationError:
        """An error located at this token (the caller raises it)."""
        return ConfigurationError(reason, self.file, self.line, self.column)


@record(slots=True)
class Statement:
    """`words` then `end` (``;``, ``{`` or ``}``); `block` holds the children of a ``{``."""

    words: tuple
    end: Token
    block: tuple | None = None

    @property
    def keyword(self) -> str:
        return self.words[0].text


class _Scanner:
    """Walks the text once, keeping the line and column of the current character."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self.size = len(text)
        self.offset = 0
        self.line = 1
        self.column = 1

    def peek(self, ahead: int = 0) -> str:
        offset = self.offset + ahead
        return self.text[offset] if offset < self.size else ""

    def advance(self) -> str:
        char = self.text[self.offset]
        self.offset += 1
        if char == "\n":
            self.line += 1
            self.column = 1
        else:
            self.column += 1
        return char

    def error(self, reason: str, line: int = 0, column: int = 0) -> ConfigurationError:
        return ConfigurationError(reason, self.file, line or self.line, column or self.column)

    def continuation(self) -> bool:
        """True when a backslash here is followed by nothing but spaces up to the end of the line."""
        offset = self.offset + 1
        while offset < self.size and self.text[offset] in _SPACES:
            offset += 1
        return offset < self.size and self.text[offset] == "\n"

    def skip_continuation(self) -> None:
        while self.advance() != "\n":
            pass

    def escape(self) -> str:
        """Read a backslash escape (the backslash is the current character)."""
        line, column = self.line, self.column
        self.advance()
        if self.offset >= self.size:
            raise self.error("invalid escape sequence: the text ends with a backslash", line, column)
        char = self.advance()
        if char == "u":
            digits = self.text[self.offset : self.offset + 4]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise self.error("invalid \\u escape sequence: expected 4 hexadecimal digits", line, column)
            for _ in range(4):
                self.advance()
            return chr(int(digits, 16))
        return _ESCAPES.get(char, char)


def tokenise(text: str, file: str = "<text>") -> list:
    """All the tokens of `text` (see the module docstring for the rules)."""
    scan = _Scanner(text, file)
    tokens = []
    pending = None  # first token of the statement not yet ended, for the end-of-line rule
    word: list[str] = []
    word_at = (0, 0)
    depth = 0  # open '[' / '(' of the current statement
    gap = True  # whether something (space, comment, line break) came since the last token

    def flush():
        nonlocal pending, gap
        if word:
            token = Token("".join(word), file, word_at[0], word_at[1], glued=not gap)
            tokens.append(token)
            pending = pending or token
            word.clear()
            gap = False

    while scan.offset < scan.size:
        char = scan.peek()
        if char == "\\":
            if scan.continuation():
                scan.skip_continuation()
                gap = gap or not word
                continue
            if not word:
                word_at = (scan.line, scan.column)
            word.append(scan.escape())
        elif char == "\n":
            flush()
            if pending is not None:
                raise pending.error("the statement does not end with ';', '{' or '}' on its line")
            scan.advance()
            gap = True
        elif char in _SPACES:
            flush()
            scan.advance()
            gap = True
        elif char == "#":
            flush()
            gap = True
            while scan.offset < scan.size and scan.peek() != "\n":
                scan.advance()
        elif char in "{}" and depth:
            flush()
            # a literal word: not a block (quoted=True keeps it out of `punctuation`)
            tokens.append(Token(char, file, scan.line, scan.column, quoted=True, glued=not gap))
            gap = False
            scan.advance()
        elif char in PUNCTUATION:
            flush()
            token = Token(char, file, scan.line, scan.column, glued=not gap)
            tokens.append(token)
            gap = False
            if char in "[(":
                depth += 1
            elif char in ")]":
                depth = max(0, depth - 1)
            elif char in ";{}":
                depth = 0
            pending = None if char in ";{}" else (pending or token)
            scan.advance()
        elif char in _QUOTES:
            flush()
            token = _quoted(scan, not gap)
            tokens.append(token)
            gap = False
            pending = pending or token
        else:
            if not word:
                word_at = (scan.line, scan.column)
            word.append(scan.advance())
    flush()
    if pending is not None:
        raise pending.error("the statement does not end with ';', '{' or '}'")
    return tokens


def _quoted(scan: _Scanner, glued: bool) -> Token:
    """Read a quoted string; the opening quote is the current character."""
    line, column = scan.line, scan.column
    quote = scan.advance()
    text: list[str] = []
    while True:
        char = scan.peek()
        if char == "" or (char == "\n"):
            raise scan.error(f"unterminated string (missing closing {quote})", line, column)
        if char == quote:
            scan.advance()
            return Token("".join(text), scan.file, line, column, quoted=True, glued=glued)
        if char == "\\":
            if scan.continuation():
                scan.skip_continuation()
                continue
            text.append(scan.escape())
        else:
            text.append(scan.advance())


def parse(text: str, file: str = "<text>") -> tuple:
    """The statement tree of `text`: a tuple of top-level `Statement`s."""
    tokens = tokenise(text, file)
    stack: list[list] = [[]]  # children being collected, one list per open block
    opened = []  # (statement words, '{' token) of each open block
    words = []
    for token in tokens:
        if not token.punctuation or token.text not in ";{}":
            words.append(token)
            continue
        if token.text == ";":
            if not words:
                raise token.error("empty statement")
            stack[-1].append(Statement(tuple(words), token))
        elif token.text == "{":
            if not words:
                raise token.error("a block needs a name before '{'")
            opened.append((tuple(words), token))
            stack.append([])
        else:
            if not opened:
                if words:
                    raise token.error("'}' closes no block")
                words = []
                continue
            if words:
                stack[-1].append(Statement(tuple(words), token))
            children = stack.pop()
            head, brace = opened.pop()
            stack[-1].append(Statement(head, brace, tuple(children)))
        words = []
    while opened:
        head, brace = opened.pop()
        children = stack.pop()
        stack[-1].append(Statement(head, brace, tuple(children)))
    return tuple(stack[0])
