"""The arguments a ``run`` line gives its helper: ours against ExaBGP 5.0.15's, with a real helper (issue 9).

Neither runs a shell: the words of the line are the helper's argv.  5.0.15
makes ``[``, ``]`` and ``,`` arguments of their own but keeps an unquoted
``(`` or ``)`` inside its word (``a(b)c`` is one argument, ``(1,`` two).
The same configuration runs under both daemons; the helper writes its argv
as JSON to a file and the two lists must be equal.  The unit test holds the
list 5.0.15 gave (recorded by running it with this line).
"""

import json
import signal
import sys
import time

import pytest

from exabgp.config.lexer import tokenise
from exabgp.config.process import run_arguments
from qa.daemon import finish, free_port, start, start_oracle
from qa.oracle import require_oracle

#: the words after the program
WORDS = 'a(b)c [x] y,z (1, 2) "q(r)" a[b] ,lead trail, ( ) ((b)) c=(d) e)f --x=[1,2] \'a,b\' "[" a=b'
#: 5.0.15's argv for them (recorded with the helper below)
ORACLE_ARGV = [
    "a(b)c",
    "[",
    "x",
    "]",
    "y",
    ",",
    "z",
    "(1",
    ",",
    "2)",
    "q(r)",
    "a",
    "[",
    "b",
    "]",
    ",",
    "lead",
    "trail",
    ",",
    "(",
    ")",
    "((b))",
    "c=(d)",
    "e)f",
    "--x=",
    "[",
    "1",
    ",",
    "2",
    "]",
    "a,b",
    "[",
    "a=b",
]

HELPER = """
import json, sys
with open(sys.argv[1], "w") as out:
    json.dump(sys.argv[2:], out)
for line in sys.stdin:
    pass
"""


def test_run_arguments_as_5_0_15_splits_them():
    tokens = tokenise(f"run /bin/helper {WORDS};")
    assert list(run_arguments(tokens[1:-1])) == ["/bin/helper"] + ORACLE_ARGV


def _argv(tmp_path, name: str, launch) -> list:
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    out = tmp_path / f"{name}.json"
    path = tmp_path / f"{name}.conf"
    path.write_text(f"""
process argv {{ run {sys.executable} {helper} {out} {WORDS}; encoder json; }}
neighbor 127.0.0.1 {{
    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;
    passive; listen {free_port()};
    api {{ processes [ argv ]; }}
}}
""")
    daemon = launch(path)
    try:
        end = time.monotonic() + 30
        while not (out.exists() and out.read_text()) and time.monotonic() < end and daemon.poll() is None:
            time.sleep(0.05)
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
    code, _stdout, err = finish(daemon, 20)
    assert out.exists(), err
    return json.loads(out.read_text())


@pytest.mark.slow
def test_the_helper_gets_the_argv_5_0_15_gives_it(tmp_path):
    program = require_oracle()
    theirs = _argv(tmp_path, "oracle", lambda path: start_oracle(program, path))
    ours = _argv(tmp_path, "ours", start)
    assert theirs == ORACLE_ARGV
    assert ours == theirs
