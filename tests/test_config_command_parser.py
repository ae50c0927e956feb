"""`exabgp.config.command.Parser`: the remembered ``announce|withdraw route PREFIX REST`` lines.

Whatever the parser remembers, a line must give what `parse` gives: the
same routes (NLRI, next hop, attributes, watchdog / withdraw / name flags;
they do not depend on the neighbor), and the same error for a bad line.  The lines
the pattern can not stand for (multicast, host bits, ``split``, labels, RD,
IPv6, selectors, odd spacing) take the full path.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp.bgp.route import AttributeSets
from exabgp.config import command
from exabgp.config.command import CommandError, Parser, RouteLine, parse
from qa.hypothesis_profiles import examples


def _facts(statics) -> list:
    return [
        (
            static.route.nlri.key(),
            static.route.nexthop,
            static.route.attributes,
            static.watchdog,
            static.withdraw,
            static.name,
        )
        for static in statics
    ]


def _outcome(made, interned):
    try:
        return _facts(made.routes(interned))
    except CommandError as error:
        return ("error", str(error))


def _same(lines):
    """Every line through one Parser and through `parse` alone: equal outcomes."""
    parser = Parser()
    interned = AttributeSets()
    for line in lines:
        try:
            expected_command = parse(line)
        except CommandError as error:
            with pytest.raises(CommandError) as raised:
                parser.parse(line)
            assert str(raised.value) == str(error)
            continue
        made = parser.parse(line)
        assert (made.action, made.kind, made.selectors, made.json, made.line) == (
            expected_command.action,
            expected_command.kind,
            expected_command.selectors,
            expected_command.json,
            expected_command.line,
        )
        assert _outcome(made, interned) == _outcome(expected_command, AttributeSets()), line
    return _patterns(parser)


def _patterns(parser) -> int:
    """How many RESTs the parser holds a pattern route of for later lines."""
    return sum(lines is not None and lines.made not in (None, command._UNSEEN) for lines in parser._lines.values())


def test_the_common_line_is_remembered_and_equal():
    lines = [
        f"announce route 10.{n // 256}.{n % 256}.0/24 next-hop 192.0.2.1 community [ 65000:1 ] med {n % 3}"
        for n in range(40)
    ]
    assert _same(lines) == 3
    parser = Parser()
    made = [parser.parse(line) for line in lines]
    assert [isinstance(command, RouteLine) for command in made] == [n >= 3 for n in range(40)]


@pytest.mark.parametrize(
    "rest, pattern",
    [
        ("next-hop 192.0.2.1", True),
        ("next-hop self as-path [ 65001 65002 ] local-preference 200", True),
        ("next-hop 192.0.2.1 path-information 1.2.3.4 watchdog dog withdraw", True),
        ("next-hop 192.0.2.1 name version", True),  # a route named version (5.0.15: the version command)
        ("next-hop 192.0.2.1 split /26", False),
        ("next-hop 192.0.2.1 label 100", False),
        ("next-hop 192.0.2.1 rd 65000:1 label 100", False),
        ("next-hop 192.0.2.1  med 5", False),  # spacing 5.0 normalises
        ("next-hop 192.0.2.1 community [65000:1]", False),
        ("next-hop 192.0.2.1 bogus 1", False),  # an error every time
        ("community [ 65000:1 ]", True),  # announce: no next hop, an error; withdraw: 0.0.0.0
    ],
)
def test_rests(rest, pattern):
    prefixes = [
        "10.0.0.0/24",
        "10.0.1.0/24",
        "224.1.0.0/16",
        "10.0.2.1/24",
        "10.0.3.0",
        "10.0.4.0/25",
        "10.0.5.0/32",
        "0.0.0.0/0",
    ]
    if "split" in rest:  # a short prefix split into /26 makes millions of routes
        prefixes = [prefix for prefix in prefixes if "/" not in prefix or int(prefix.split("/")[1]) >= 20]
    lines = [f"{action} route {prefix} {rest}" for action in ("announce", "withdraw") for prefix in prefixes]
    fast = _same(lines)
    assert (fast > 0) == pattern


def test_not_remembered_lines():
    lines = [
        "announce route 2001:db8::/32 next-hop 2001:db8::1",
        "announce route 2001:db8:1::/48 next-hop 2001:db8::1",
        "neighbor 127.0.0.3 announce route 10.0.0.0/24 next-hop 1.2.3.4",
        "neighbor 127.0.0.3 announce route 10.0.1.0/24 next-hop 1.2.3.4",
        "announce route 010.0.0.0/24 next-hop 1.2.3.4",
        "announce route 10.0.0.0/08 next-hop 1.2.3.4",
        "announce route 10.0.0.0/24 next-hop 1.2.3.4",
        "announce route 256.0.0.0/24 next-hop 1.2.3.4",
        "withdraw route 10.0.0.0/24",
        "withdraw route 10.0.9.0/24",
    ]
    assert _same(lines) == 0
    parser = Parser()
    assert not any(isinstance(parser.parse(line), RouteLine) for line in lines[:6])


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(command, "PARSER_MEMORY", 8)
    lines = [f"announce route 10.0.{n % 4}.0/24 next-hop 192.0.2.1 med {n // 4}" for n in range(100)]
    parser = Parser()
    for line in lines:
        parser.parse(line)
    assert len(parser._lines) <= 8
    _same(lines)


def test_long_lines_are_not_remembered():
    """A helper's distinct 1 MB lines would make the memory PARSER_MEMORY times 1 MB: they take the full path."""
    communities = " ".join(f"65000:{n}" for n in range(150))  # a REST of about 1.4 kB
    lines = [f"announce route 10.0.{n}.0/24 next-hop 192.0.2.1 community [ {communities} ]" for n in range(3)]
    parser = Parser()
    assert not any(isinstance(parser.parse(line), RouteLine) for line in lines)
    assert parser._lines == {}
    fewer = " ".join(communities.split(" ")[:90])  # about 900 characters
    short = [f"announce route 10.0.{n}.0/24 next-hop 192.0.2.1 community [ {fewer} ]" for n in range(3)]
    assert [isinstance(parser.parse(line), RouteLine) for line in short] == [False, True, True]
    assert _same(lines) == 0 and _same(short) > 0


def test_a_bounded_interning_table_starts_over():
    """The API's table (INTERNED_MAX sets) stays bounded for a helper that keeps changing a MED; what it gave
    out stays equal to what parsing gives, and equal sets are still one object within a generation."""
    interned = AttributeSets(limit=100)
    made = [parse(f"announce route 10.0.0.0/24 next-hop 192.0.2.1 med {n}").routes(interned)[0] for n in range(1000)]
    assert 0 < len(interned) <= 100
    assert [static.route.attributes for static in made] == [
        parse(f"announce route 10.0.0.0/24 next-hop 192.0.2.1 med {n}").routes()[0].route.attributes
        for n in range(1000)
    ]
    again = parse("announce route 10.0.1.0/24 next-hop 192.0.2.1 med 999").routes(interned)[0]
    assert again.route.attributes is made[-1].route.attributes
    from exabgp.reactor.commands import INTERNED_MAX

    assert INTERNED_MAX == 1 << 16


def test_another_interning_takes_the_full_path():
    parser = Parser()
    first, second = AttributeSets(), AttributeSets()
    for n in range(3):
        parser.parse(f"announce route 10.0.{n}.0/24 next-hop 192.0.2.1 med 7").routes(first)
    made = parser.parse("announce route 10.0.9.0/24 next-hop 192.0.2.1 med 7")
    (static,) = made.routes(second)
    assert len(second) == 1 and static.route.attributes is next(iter(second._table))


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["announce", "withdraw"]),
            st.integers(0, 255),
            st.integers(0, 255),
            st.integers(0, 33),
            st.sampled_from(
                [
                    "next-hop 192.0.2.1",
                    "next-hop self med 10",
                    "next-hop 192.0.2.1 community [ 65000:1 65000:2 ]",
                    "next-hop 192.0.2.1 split /30",
                ]
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_random_lines_equal_parse(items):
    _same(
        [
            f"{action} route {a}.{b}.0.0/{max(length, 24) if 'split' in rest else length} {rest}"
            for action, a, b, length, rest in items
        ]
    )
