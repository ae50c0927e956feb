"""The corpus of broken configurations (tests/configs/bad, issue 9): each one is refused with file:line.

Every file holds one mistake: syntax, types, ranges, huge numbers,
addresses, duplicates, missing sections, processes and programs, deep
nesting, very long lines, binary content.  For each, `exabgp validate` and
the daemon's start (`exabgp server`, run in this process up to the point
where it would start serving: both read the file with
`exabgp.cli.config_file.read`) must exit 1 with ``error: FILE is not a valid
config file: FILE:LINE:COLUMN: reason`` (LINE 0 only for a file without
any statement) and no traceback.  The one exception is a ``run`` program
that does not exist: ``validate`` warns and accepts the file (a
configuration is often checked where its helpers are not installed,
`qa.differential.known`), the daemon refuses it at its line, as 5.0.15
refuses it; that case, and a binary file, also run as a real daemon
process.

The second line of each file records ExaBGP 5.0.15's verdict (``validate
exits 1`` or ``exits 0 (accepts it)``); `qa.differential.cli` runs the
corpus through both programs and fails on a verdict that differs without an
entry of `qa.differential.known` (docs/compatibility.md, "Configuration").
"""

import os
import pathlib
import re

import pytest

from exabgp.cli import server
from exabgp.cli.main import main
from qa.daemon import finish, start

CORPUS = pathlib.Path(__file__).resolve().parent / "configs" / "bad"
FILES = sorted(CORPUS.glob("*.conf"))
#: the files validate accepts on purpose (with a warning), and the daemon refuses
WARNED = {"missing-program.conf"}
VERDICT = re.compile(rb"^# ExaBGP 5\.0\.15: validate exits ([01])")


def test_the_corpus_is_there_and_says_what_5_0_15_does():
    assert len(FILES) >= 40
    kinds = {path.name.split("-", 1)[0] for path in FILES}
    assert kinds == {"syntax", "type", "range", "huge", "address", "duplicate", "missing", "deep", "long",
                     "binary"}
    for path in FILES:
        lines = path.read_bytes().split(b"\n", 2)
        assert lines[0].startswith(b"# ") and VERDICT.match(lines[1]), path.name


def _error(path: pathlib.Path, err: str) -> str:
    """The reason of the one ``error:`` line, after checking its file:line:column."""
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("error: ")]
    match = re.fullmatch(rf"error: {re.escape(str(path))} is not a valid config file: "
                         rf"{re.escape(str(path))}:(\d+):(\d+): (.+)", line)
    assert match, line
    line_number, column, reason = int(match.group(1)), int(match.group(2)), match.group(3)
    assert line_number >= 3 or (line_number, column) == (0, 0) and "no statement" in reason
    return reason


@pytest.fixture
def quiet(monkeypatch):
    """No exabgp setting from the environment of the test run; the daemon must not get as far as serving."""
    for name in list(os.environ):
        if name.lower().startswith("exabgp"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EXABGP_ENVFILE", os.devnull)

    def serving(*_args, **_kwargs):
        raise AssertionError("the daemon accepted the configuration")

    monkeypatch.setattr(server, "_serve", serving)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_validate_and_the_daemon_refuse_it_at_its_line(path, capsys, quiet):
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    if path.name in WARNED:
        assert code == 0 and "warning: " in err and "can not locate the program" in err
    else:
        assert code == 1, err
        reason = _error(path, err)
    assert main(["server", str(path)]) == 1
    daemon_reason = _error(path, capsys.readouterr().err)
    if path.name not in WARNED:
        assert daemon_reason == reason
    else:
        assert daemon_reason.startswith("can not locate the program")


@pytest.mark.parametrize("name", ["missing-program.conf", "binary-random.conf"])
def test_the_daemon_process_exits_1(name):
    path = CORPUS / name
    code, out, err = finish(start(path))
    assert (code, out) == (1, "")
    _error(path, err)
