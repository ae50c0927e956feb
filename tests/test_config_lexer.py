"""The configuration lexer: ExaBGP 5.0's lexical rules, positions, errors, and the statement tree."""

import string
import time

import pytest
from hypothesis import given, settings, strategies as st

from exabgp.config.lexer import ConfigurationError, Token, parse, tokenise
from qa.hypothesis_profiles import examples


def texts(tokens):
    return [token.text for token in tokens]


def test_statement_block_and_positions():
    tokens = tokenise("neighbor 10.0.0.1 {\n\tlocal-as 65000;\n}\n", "a.conf")
    assert texts(tokens) == ["neighbor", "10.0.0.1", "{", "local-as", "65000", ";", "}"]
    assert [(t.line, t.column) for t in tokens] == [(1, 1), (1, 10), (1, 19), (2, 2), (2, 11), (2, 16), (3, 1)]
    assert all(t.file == "a.conf" for t in tokens)


def test_list_punctuation_is_separate():
    assert texts(tokenise("community [a,b] (c);")) == ["community", "[", "a", ",", "b", "]", "(", "c", ")", ";"]
    assert texts(tokenise("community [ a , b ];")) == ["community", "[", "a", ",", "b", "]", ";"]


def test_comments_outside_quotes_only():
    tokens = tokenise('description "a # b"; # a comment ; {\nx; #\n')
    assert texts(tokens) == ["description", "a # b", ";", "x", ";"]
    assert tokens[1].quoted and not tokens[0].quoted


def test_quoted_punctuation_is_text():
    tokens = tokenise("description 'a;b{c}';")
    assert texts(tokens) == ["description", "a;b{c}", ";"]
    assert not tokens[1].punctuation and tokens[2].punctuation


def test_empty_string_is_a_token():
    assert texts(tokenise('description "";')) == ["description", "", ";"]


@pytest.mark.parametrize(
    "source, value",
    [
        (r'"a\nb"', "a\nb"),
        (r'"a\tb"', "a\tb"),
        (r'"\b\f\r"', "\b\f\r"),
        (r'"\u0041\u00e9"', "A\u00e9"),
        (r'"\q\\\""', 'q\\"'),
        (r"'it\'s'", "it's"),
    ],
)
def test_escapes(source, value):
    assert tokenise(f"x {source};")[1].text == value


def test_line_continuation_joins_lines():
    tokens = tokenise("route 10.0.0.0/8 \\\n    next-hop 1.2.3.4;\n")
    assert texts(tokens) == ["route", "10.0.0.0/8", "next-hop", "1.2.3.4", ";"]
    assert (tokens[2].line, tokens[2].column) == (2, 5)
    # trailing spaces after the backslash still continue the line
    assert texts(tokenise("a \\   \n b;")) == ["a", "b", ";"]


def test_joined_lines_inside_words_and_strings():
    """A backslash at the end of a line inside a word or a quoted string joins the two parts; after a word it
    leaves the next token glued to it, between two tokens it is a space (the rules of the lexer before it read
    with one expression, kept)."""
    tokens = tokenise('ab\\\ncd "x\\\ny" e\\\n[ f ];', "j.conf")
    assert [(t.text, t.line, t.column, t.quoted, t.glued) for t in tokens] == [
        ("abcd", 1, 1, False, False),
        ("xy", 2, 4, True, False),
        ("e", 3, 4, False, False),
        ("[", 4, 1, False, True),
        ("f", 4, 3, False, False),
        ("]", 4, 5, False, False),
        (";", 4, 6, False, True),
    ]
    assert [(t.text, t.glued) for t in tokenise('"a"\\\nb;')] == [("a", False), ("b", False), (";", True)]
    assert [t.text for t in tokenise("\\;x\\ y;")] == [";x y", ";"]  # escaped: part of a word
    with pytest.raises(ConfigurationError) as info:  # the string is reported where it opens, lines joined or not
        tokenise('x "a\\\nb\nc";', "j.conf")
    assert str(info.value) == 'j.conf:1:3: unterminated string (missing closing ")'


def test_a_large_configuration_is_tokenised_quickly():
    """40,000 route statements (3.6 MB, 560,000 tokens): the per-character scanner took 1.7 s of CPU on the
    development machine, one expression a token 0.5 s (3 s when the machine is loaded); 4 s catches a return to
    per-character reading on a loaded machine or anything quadratic, not the machine."""
    line = "    route 10.{a}.{b}.0/24 next-hop 192.0.2.1 community [ 65000:{b} ] as-path [ 65000 {a} ];\n"
    text = "static {\n" + "".join(line.format(a=n >> 8 & 255, b=n & 255) for n in range(40000)) + "}\n"
    began = time.process_time()
    tokens = tokenise(text, "large.conf")
    took = time.process_time() - began
    assert len(tokens) == 3 + 40000 * 14
    assert (tokens[-2].text, tokens[-2].line, tokens[-2].column) == (";", 40001, 89)
    assert took < 4.0, took


def test_tabs_and_carriage_returns_are_spaces():
    assert texts(tokenise("a\tb\r\nc;\r\n".replace("\r\nc", ";\r\nc"))) == ["a", "b", ";", "c", ";"]


@pytest.mark.parametrize(
    "text, where, reason",
    [
        ("local-as 1\npeer-as 2;\n", (1, 1), "does not end"),
        ("local-as 1", (1, 1), "does not end"),
        ('description "abc;\n', (1, 13), "unterminated string"),
        ('x "a\\u12";', (1, 5), "\\u escape"),
        ('x "a\\u12zz";', (1, 5), "\\u escape"),
        ("x y\\", (1, 4), "ends with a backslash"),
    ],
)
def test_lexical_errors_name_file_line_column(text, where, reason):
    with pytest.raises(ConfigurationError) as info:
        tokenise(text, "bad.conf")
    error = info.value
    assert (error.file, error.line, error.column) == ("bad.conf", *where)
    assert reason in error.reason
    assert str(error).startswith(f"bad.conf:{where[0]}:{where[1]}: ")


def test_tree():
    tree = parse("neighbor 10.0.0.1 {\n family { ipv4 unicast; ipv6 unicast }\n local-as 1;\n}\nprocess p { run x; }\n")
    assert [s.keyword for s in tree] == ["neighbor", "process"]
    neighbor = tree[0]
    assert texts(neighbor.words) == ["neighbor", "10.0.0.1"] and neighbor.end.text == "{"
    family, local_as = neighbor.block
    assert family.keyword == "family" and local_as.block is None
    # the statement before '}' needs no ';'
    assert [texts(s.words) for s in family.block] == [["ipv4", "unicast"], ["ipv6", "unicast"]]
    assert family.block[1].end.text == "}"


@pytest.mark.parametrize(
    "text, where, reason",
    [
        ("a;;", (1, 3), "empty statement"),
        ("a { b; } c }", (1, 12), "closes no block"),
        ("{ }", (1, 1), "needs a name"),
    ],
)
def test_tree_errors(text, where, reason):
    with pytest.raises(ConfigurationError) as info:
        parse(text, "t.conf")
    assert (info.value.line, info.value.column) == where
    assert reason in info.value.reason


def test_tree_tolerates_what_5_0_tolerates():
    # a stray '}' at the top level, and blocks left open at the end of the file
    assert [s.keyword for s in parse("a { b; }\n}\n")] == ["a"]
    (outer,) = parse("a {\n b {\n c;\n")
    assert outer.block[0].block[0].keyword == "c"


_ALPHABET = string.ascii_letters + string.digits + " \t\n;{}[](),#\"'\\.:/-"


@settings(max_examples=examples(400), deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_fuzz_only_configuration_errors(text):
    try:
        tree = parse(text, "fuzz.conf")
    except ConfigurationError as error:
        assert error.file == "fuzz.conf" and error.line >= 1 and error.column >= 1
        return
    assert isinstance(tree, tuple)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.from_regex(r"[a-z0-9.:/-]{1,8}", fullmatch=True), min_size=1, max_size=6))
def test_words_round_trip(words):
    text = " ".join(words) + ";"
    tokens = tokenise(text)
    assert texts(tokens) == words + [";"]
    # the column of every word points at it in the source
    for token in tokens[:-1]:
        assert text[token.column - 1 :].startswith(token.text)


def test_token_error_helper():
    token = Token("x", "f.conf", 3, 7)
    error = token.error("bad")
    assert isinstance(error, ConfigurationError) and str(error) == "f.conf:3:7: bad"
