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

import re

from exabgp.bgp.record import record, replace

#: Characters that are tokens on their own outside quotes.
PUNCTUATION = frozenset(";{}[](),")
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


#: one step of `tokenise`, after the spaces it skips: a bare run of word characters (1), a punctuation
#: character (2), a line break (3), a comment (4), a quoted string without backslash or line break (5), a
#: backslash that joins the line to the next one (6), any other backslash (7) or quote (8), read by hand
_STEP = re.compile(
    r"""[ \t\r]*(?:([^ \t\r\n\\#;{}\[\](),"']+)|([;{}\[\](),])|(\n)|(\#[^\n]*)|("[^"\\\n]*"|'[^'\\\n]*')"""
    r"""|(\\[ \t\r]*\n)|(\\)|(["']))"""
)
_CONTINUATION = re.compile(r"\\[ \t\r]*\n")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
#: the characters of a quoted string up to its closing quote, a backslash or a line break, by quote
_QUOTED_RUN = {'"': re.compile(r'[^"\\\n]*'), "'": re.compile(r"[^'\\\n]*")}
_WORD, _PUNCTUATION, _LINE_BREAK, _COMMENT, _QUOTED, _JOIN, _BACKSLASH, _QUOTE = range(1, 9)
#: the steps that continue a word when no space comes before them
_IN_WORD = frozenset((_WORD, _JOIN, _BACKSLASH))


def _escape(text: str, at: int, file: str, line: int, column: int) -> tuple:
    """(character, offset after it) of the backslash escape at offset `at` (line and column, for errors)."""
    if at + 1 >= len(text):
        raise ConfigurationError("invalid escape sequence: the text ends with a backslash", file, line, column)
    char = text[at + 1]
    if char == "u":
        if _HEX4.fullmatch(text, at + 2, at + 6) is None:
            raise ConfigurationError("invalid \\u escape sequence: expected 4 hexadecimal digits", file, line, column)
        return chr(int(text[at + 2 : at + 6], 16)), at + 6
    return _ESCAPES.get(char, char), at + 2


def _quoted(text: str, at: int, file: str, line: int, line_start: int) -> tuple:
    """(text, offset after the closing quote, line, offset of that line's start) of the string quoted at `at`."""
    quote = text[at]
    opened = line, at - line_start + 1
    run = _QUOTED_RUN[quote].match
    parts = []
    offset = at + 1
    while True:
        found = run(text, offset)  # always a match (a starred class); None only to the type checker
        end = found.end() if found is not None else offset
        parts.append(text[offset:end])
        offset = end
        char = text[offset] if offset < len(text) else ""
        if char == quote:
            return "".join(parts), offset + 1, line, line_start
        if char != "\\":  # a line break or the end of the text
            raise ConfigurationError(f"unterminated string (missing closing {quote})", file, *opened)
        joined = _CONTINUATION.match(text, offset)
        if joined is not None:
            offset = line_start = joined.end()
            line += 1
            continue
        char, offset = _escape(text, offset, file, line, offset - line_start + 1)
        parts.append(char)


def tokenise(text: str, file: str = "<text>") -> list:
    """All the tokens of `text` (see the module docstring for the rules).

    One compiled expression (`_STEP`) reads the text a token at a time; only
    backslashes and quoted strings holding one are read character by
    character.  A word holding escapes or joined lines is gathered in `word`
    until something ends it."""
    tokens: list = []
    append = tokens.append
    step = _STEP.match
    size = len(text)
    offset = 0
    line = 1
    line_start = 0  # offset of the first character of the line
    pending = None  # first token of the statement not yet ended, for the end-of-line rule
    word: list[str] = []  # the parts of a word holding an escape or a joined line, not yet ended
    word_token = None  # where that word starts, and whether it is glued
    depth = 0  # open '[' / '(' of the current statement
    gap = True  # whether something (space, comment, line break) came since the last token

    while offset < size:
        found = step(text, offset)
        if found is None or found.lastindex is None:  # spaces up to the end (every alternative is a group)
            break
        kind = found.lastindex
        start = found.start(kind)
        if word and (start != offset or kind not in _IN_WORD):  # spaces, or what can not belong to a word
            append(token := replace(word_token, text="".join(word)))
            pending = pending or token
            word.clear()
            gap = False
        if start != offset:
            gap = True
        offset = found.end()
        if kind == _WORD:
            if word:
                word.append(found.group(kind))
            elif offset < size and text[offset] == "\\":
                word.append(found.group(kind))
                word_token = Token("", file, line, start - line_start + 1, glued=not gap)
            else:
                append(token := Token(found.group(kind), file, line, start - line_start + 1, False, not gap))
                pending = pending or token
                gap = False
        elif kind == _PUNCTUATION:
            char = found.group(kind)
            if depth and (char == "{" or char == "}"):
                # a literal word: not a block (quoted=True keeps it out of `punctuation`)
                append(Token(char, file, line, start - line_start + 1, True, not gap))
            else:
                append(token := Token(char, file, line, start - line_start + 1, False, not gap))
                if char == ";" or char == "{" or char == "}":
                    depth = 0
                    pending = None
                else:
                    if char == "[" or char == "(":
                        depth += 1
                    elif char != "," and depth:
                        depth -= 1
                    pending = pending or token
            gap = False
        elif kind == _LINE_BREAK:
            if pending is not None:
                raise pending.error("the statement does not end with ';', '{' or '}' on its line")
            line += 1
            line_start = offset
            gap = True
        elif kind == _COMMENT:
            gap = True
        elif kind == _QUOTED:
            append(token := Token(found.group(kind)[1:-1], file, line, start - line_start + 1, True, not gap))
            pending = pending or token
            gap = False
        elif kind == _JOIN:
            gap = gap or not word
            line += 1
            line_start = offset
        elif kind == _BACKSLASH:
            column = start - line_start + 1
            char, offset = _escape(text, start, file, line, column)
            if not word:
                word_token = Token("", file, line, column, glued=not gap)
            word.append(char)
        else:  # a quote the simple form does not read: escapes, joined lines, or no closing quote
            at = line, start - line_start + 1
            value, offset, line, line_start = _quoted(text, start, file, line, line_start)
            append(token := Token(value, file, *at, True, not gap))
            pending = pending or token
            gap = False
    if word:
        append(token := replace(word_token, text="".join(word)))
        pending = pending or token
    if pending is not None:
        raise pending.error("the statement does not end with ';', '{' or '}'")
    return tokens


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
