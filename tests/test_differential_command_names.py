"""Which line names which API command: ours and ExaBGP 5.0.15 given the same lines by a real helper.

Issue 9, hole 7.  5.0.15 looks for its command names anywhere in a line, so
that a helper writing ``we must never shutdown this router`` stops it; we
recognise a command only at the start of the line, after its ``neighbor``
selectors (docs/compatibility.md, "Commands and selectors").  Each daemon runs one
neighbor (no session: the answers do not need one) and a helper that writes
`SAME` then `DIFFERENT`, one line at a time, and records every answer up to
its ``done`` / ``error`` (or none within `QUIET` seconds).

* `SAME`: the forms a 5.0 user writes (spacing, tabs, case, selectors,
  trailing words, comments) and lines both refuse: the answers must be
  equal, the version text masked;
* `DIFFERENT`: each line where we knowingly differ, with what 5.0.15 does
  (the answer it gives, or the line whose answer it gives) and what we
  answer.  The last line stops 5.0.15.
"""

import json
import signal
import subprocess
import sys
import time

import pytest

from qa import oracle
from qa.daemon import free_port, start, start_oracle

pytestmark = pytest.mark.slow  # runs our daemon and 5.0.15 side by side

#: seconds a helper waits for an answer that does not come (``reset`` has none)
QUIET = 1.5

#: The helper outlives a SIGTERM until it has recorded the answer it is reading: the last line
#: stops 5.0.15, which terminates its helpers right after answering it.
HELPER = r"""
import json, os, select, signal, sys, time
lines, results, quiet = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
answers, stopping = [], []
def stop(*_):
    if len(answers) == len(lines):
        os._exit(0)
    stopping.append(True)
signal.signal(signal.SIGTERM, stop)
for line in lines:
    os.write(1, (line + "\n").encode())
    data, end = b"", time.monotonic() + quiet
    while not data.endswith((b"done\n", b"error\n")) and time.monotonic() < end:
        if select.select([0], [], [], 0.05)[0]:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            data += chunk
    answers.append(data.decode(errors="replace").splitlines())
    with open(results + ".new", "w") as out:
        json.dump(answers, out)
    os.rename(results + ".new", results)
    if stopping:
        sys.exit(0)
for line in sys.stdin:  # stay, reading
    pass
"""

ROUTE = "10.0.0.0/24 next-hop 192.0.2.1"

SAME = [
    "version",
    "  version  ",
    "\tversion",
    "version please",
    "version,",
    "VERSION",
    "Version",
    "neighbor 127.0.0.1 version",
    "help",
    "help me",
    "# a comment",
    "#comment",
    "neighbor 127.0.0.1 # a comment",
    f"announce route {ROUTE}",
    f"  announce   route {ROUTE}  ",
    f"\tannounce\troute {ROUTE}",
    f"neighbor 127.0.0.1 announce route {ROUTE}",
    f"neighbor * announce route {ROUTE}",
    f"neighbor 127.0.0.1 local-as 65001 peer-as 65002 announce route {ROUTE}",
    f"neighbor 127.0.0.1 router-id 10.0.0.1 , neighbor 127.0.0.9 announce route {ROUTE}",
    f"ANNOUNCE route {ROUTE}",
    f"foo announce route {ROUTE}",
    f"neighbor 127.0.0.9 announce route {ROUTE}",
    f"announce attributes next-hop 192.0.2.1 nlri {ROUTE.split()[0]}",
    f"announce attribute next-hop 192.0.2.1 nlri {ROUTE.split()[0]}",
    f"withdraw route {ROUTE}",
    "announce route-refresh ipv4 unicast",
    "announce watchdog dog",
    "withdraw watchdog dog",
    "show neighbor summary",
    "show neighbor",
    "neighbor 127.0.0.1 show neighbor summary",
    "show adj-rib in",
    "neighbor 127.0.0.1 show adj-rib in",
    "please show adj-rib out",
    "enable-ack",
    "neighbor 127.0.0.1 enable-ack",
    "neighbor 127.0.0.1 teardown 2",
    "teardown 2",
    "x teardown 2",
    "neighbor 127.0.0.1 clear adj-rib out",
    "clear adj-rib in",
    "x flush adj-rib out",
    "flush adj-rib in",
    "x announce eor",
    "crash",
    "x crash",
    "neighbor",
    "neighbor 127.0.0.1",
    "",
]

#: line -> (what 5.0.15 answers: a list of lines, a tuple of the lines its answer starts with, or the line whose
#: answer it gives; what we answer)
DIFFERENT = {
    "please version": ("version", ["error"]),
    "x help": ("help", ["error"]),
    "foo # bar": (["done"], ["error"]),
    "x show neighbor summary": ("show neighbor summary", ["error"]),
    "x enable-ack": ("enable-ack", ["error"]),
    "x clear adj-rib in": (["done"], ["error"]),
    "x reset": ([], ["error"]),
    f"announce route {ROUTE} name version": ("version", ["done"]),
    f"announce route {ROUTE} watchdog help": ("help", ["done"]),
    "please reload": (["reload in progress", "done"], ["error"]),
    # last: 5.0.15 stops, telling its helper ``shutdown PID PPID`` before or after its ``done``, or ending it
    # before the ``done``
    "we must never shutdown this router": (("shutdown in progress",), ["error"]),
}


def configuration(folder, lines: list) -> str:
    helper, commands, results = folder / "helper.py", folder / "lines.json", folder / "answers.json"
    helper.write_text(HELPER)
    commands.write_text(json.dumps(lines))
    return (
        f"process asker {{ run {sys.executable} {helper} {commands} {results} {QUIET}; encoder text; }}\n"
        f"neighbor 127.0.0.1 {{ router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; peer-as 65002;\n"
        f"  passive; listen {free_port()}; family {{ ipv4 unicast; }} api {{ processes [ asker ]; }} }}\n"
    )


def converse(folder, lines: list, reference: str = None) -> list:
    """The answers of one daemon (ours, or 5.0.15 at `reference`) to `lines`, written by its helper."""
    folder.mkdir()
    path = folder / "exabgp.conf"
    path.write_text(configuration(folder, lines))
    results = folder / "answers.json"
    process = start_oracle(reference, path) if reference else start(path, exabgp_api_cli="false")
    answers = []
    try:
        end = time.monotonic() + 30 + QUIET * len(lines)
        while len(answers) < len(lines) and time.monotonic() < end:
            time.sleep(0.1)
            if results.exists():
                answers = json.loads(results.read_text())
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    assert len(answers) == len(lines), f"{len(answers)} answers of {len(lines)}:\n{err[-3000:]}"
    assert "Traceback" not in err, err[-3000:]
    return answers


def masked(answer: list) -> list:
    """An answer with the version text of the program masked."""
    return ["exabgp VERSION" if line.startswith("exabgp ") else line for line in answer]


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    reference = oracle.require_oracle()
    folder = tmp_path_factory.mktemp("names")
    lines = SAME + list(DIFFERENT)
    theirs = converse(folder / "theirs", lines, reference)
    ours = converse(folder / "ours", lines)
    return dict(zip(lines, map(masked, ours), strict=False)), dict(zip(lines, map(masked, theirs), strict=False))


@pytest.mark.parametrize("line", SAME)
def test_the_forms_5_0_15_reads_are_read_alike(answers, line):
    ours, theirs = answers
    assert ours[line] == theirs[line]


@pytest.mark.parametrize("line", list(DIFFERENT))
def test_a_command_name_after_other_words_is_not_that_command(answers, line):
    ours, theirs = answers
    expected, ours_expected = DIFFERENT[line]
    if isinstance(expected, tuple):
        assert tuple(theirs[line][: len(expected)]) == expected
    else:
        assert theirs[line] == (theirs[expected] if isinstance(expected, str) else expected)
    assert ours[line] == ours_expected
