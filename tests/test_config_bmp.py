"""The ``bmp`` configuration section (exabgp/config/bmp.py): what it reads, and its errors at file:line:column.

An addition to ExaBGP 5.0 (docs/compatibility.md, "BMP station"); a
configuration without the section parses as before (its `bmp` is empty).
The broken forms that `exabgp validate` refuses are in tests/configs/bad
(``*-bmp-*.conf``, with 5.0.15's verdict).
"""

import pytest

from exabgp.config.bmp import DEFAULT_PORT, BmpSection
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import configuration_text, parse

PROCESSES = "process c { run /bin/cat; encoder json; }\nprocess t { run /bin/cat; encoder text; }\n"


def test_listen_lines_and_processes():
    configuration = parse(
        PROCESSES + "bmp {\n listen 127.0.0.1 port 5000;\n listen ::1;\n processes [ c ];\n}\n"
        "bmp { listen 127.0.0.2; }\n",
        "x.conf",
        full=True,
    )
    assert configuration.bmp == (
        BmpSection((("127.0.0.1", 5000), ("::1", DEFAULT_PORT)), ("c",)),
        BmpSection((("127.0.0.2", DEFAULT_PORT),), ()),
    )


def test_the_canonical_text_parses_back_to_the_same_sections():
    """`exabgp validate -n` prints the configuration back; the bmp sections too."""
    text = PROCESSES + "bmp { listen ::1; processes [ c ]; adj-rib-in false; }\nbmp { listen 127.0.0.1 port 7; }\n"
    configuration = parse(text, "x.conf", full=True)
    assert parse(configuration_text(configuration), "again.conf", full=True) == configuration
    assert configuration.bmp[0].adj_rib_in is False and configuration.bmp[1].adj_rib_in is True


def test_a_configuration_without_bmp_is_unchanged():
    text = "neighbor 192.0.2.1 { router-id 192.0.2.2; local-address 192.0.2.2; local-as 65000; peer-as 65001; }\n"
    configuration = parse(text, "x.conf", full=True)
    assert configuration.bmp == ()
    assert len(configuration.neighbors) == 1


@pytest.mark.parametrize(
    "text, where, reason",
    [
        ("bmp { listen 1.2.3; }", "1:14", "'1.2.3' is not an IP address"),
        ("bmp { listen 127.0.0.1 port 0; }", "1:29", "'0' is not a valid port (1-65535)"),
        ("bmp { listen 127.0.0.1 prt 1; }", "1:24", "expected 'port', found 'prt'"),
        ("bmp { listen 127.0.0.1 port; }", "1:7", "'listen' takes an address and optionally 'port N'"),
        ("bmp { }", "1:5", "a bmp section needs at least one 'listen' line"),
        ("bmp name { listen 127.0.0.1; }", "1:5", "'bmp' takes no name"),
        (
            "bmp { listen 127.0.0.1; speed 3; }",
            "1:25",
            "unknown bmp keyword 'speed' (expected listen, processes, adj-rib-in or mrt)",
        ),
        (
            "bmp { listen 127.0.0.1; processes [ d ]; }",
            "3:37",
            "the bmp section names the process 'd', which is not defined",
        ),
        (
            "bmp { listen 127.0.0.1; processes t; }",
            "3:35",
            "the process 't' gets BMP messages: it needs 'encoder json'",
        ),
    ],
)
def test_errors_name_the_place(text, where, reason):
    lines = text if "processes" not in text else PROCESSES + text
    with pytest.raises(ConfigurationError) as caught:
        parse(lines, "x.conf", full=True)
    assert str(caught.value) == f"x.conf:{where}: {reason}"
