"""The corpus of broken configurations (tests/configs/bad, issue 9): each one is refused with file:line.

Every file holds one mistake: syntax, types, ranges, huge numbers,
addresses, duplicates, missing sections, processes and programs, deep
nesting, very long lines, binary content.  For each, `exabgp validate` and
the daemon's start (`exabgp server`, run in this process up to the point
where it would start serving: both read the file with
`exabgp.cli.config_file.read`) must exit 1 with ``error: FILE is not a valid
config file: FILE:LINE:COLUMN: reason`` (LINE 0 only for a file without
any statement) and no traceback, the same reason from both.  A ``run``
program that does not exist is refused at its line by both, as 5.0.15
refuses it; that case, and a binary file, also run as a real daemon
process.

The second line of each file records ExaBGP 5.0.15's verdict (``validate
exits 1`` or ``exits 0 (accepts it)``); `qa.differential.cli` runs the
corpus through both programs and fails on a verdict that differs without an
entry of `qa.differential.known` (docs/compatibility.md, "Configuration errors").
"""

import os
import pathlib
import re

import pytest

from exabgp.cli import server
from exabgp.cli.main import main
from qa.daemon import finish, start, wait_until

CORPUS = pathlib.Path(__file__).resolve().parent / "configs" / "bad"
FILES = sorted(CORPUS.glob("*.conf"))
VERDICT = re.compile(rb"^# ExaBGP 5\.0\.15: validate exits ([01])")


def test_the_corpus_is_there_and_says_what_5_0_15_does():
    assert len(FILES) >= 40
    kinds = {path.name.split("-", 1)[0] for path in FILES}
    assert kinds == {"syntax", "type", "range", "huge", "address", "duplicate", "missing", "deep", "long", "binary"}
    for path in FILES:
        lines = path.read_bytes().split(b"\n", 2)
        assert lines[0].startswith(b"# ") and VERDICT.match(lines[1]), path.name


def _error(path: pathlib.Path, err: str) -> str:
    """The reason of the one ``error:`` line, after checking its file:line:column."""
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("error: ")]
    match = re.fullmatch(
        rf"error: {re.escape(str(path))} is not a valid config file: "
        rf"{re.escape(str(path))}:(\d+):(\d+): (.+)",
        line,
    )
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
    assert code == 1, err
    reason = _error(path, err)
    assert main(["server", str(path)]) == 1
    assert _error(path, capsys.readouterr().err) == reason


@pytest.mark.slow
@pytest.mark.parametrize("name", ["missing-program.conf", "binary-random.conf"])
def test_the_daemon_process_exits_1(name):
    path = CORPUS / name
    code, out, err = finish(start(path))
    assert (code, out) == (1, "")
    _error(path, err)


@pytest.mark.slow
def test_a_reload_with_a_broken_file_keeps_the_running_configuration(tmp_path):
    """SIGUSR1 with a broken file (corpus files, a FIFO in its place): the error is logged, the session and
    its routes stay (ExaBGP 5.0.15 logs ``could not load/reload configuration`` and runs on); a good file
    then applies."""
    import signal

    from exabgp.session import SessionSettings, UpdateReceived
    from qa.daemon import Speaker, connect, free_port

    port = free_port()
    path = tmp_path / "daemon.conf"

    def good(*prefixes):
        routes = "".join(f"        route {prefix} next-hop 192.0.2.1;\n" for prefix in prefixes)
        return (
            f"neighbor 127.0.0.1 {{\n    router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001;\n"
            f"    peer-as 65002; passive; listen {port};\n    family {{ ipv4 unicast; }}\n"
            f"    static {{\n{routes}    }}\n}}\n"
        )

    path.write_text(good("10.1.0.0/16"))
    log = tmp_path / "daemon.log"
    daemon = start(path, exabgp_log_destination=log)
    try:
        peer = Speaker(
            connect(port),
            SessionSettings(
                local_address="127.0.0.1",
                peer_address="127.0.0.1",
                local_as=65002,
                peer_as=65001,
                router_id="10.0.0.2",
                families=((1, 1),),
            ),
        )
        ctx = peer.session.ctx

        def changes(events):
            return [
                (change[0], change[3].prefix())
                for event in events
                if isinstance(event, UpdateReceived)
                for change in event.update.changes(ctx)
            ]

        peer.wait(lambda events: changes(events) == [("announce", "10.1.0.0/16")])
        broken = [
            "binary-invalid-utf8.conf",
            "syntax-missing-semicolon.conf",
            "missing-program.conf",
            "long-line-route-too-large.conf",
            "FIFO",
        ]
        for count, name in enumerate(broken, 1):
            path.unlink()
            if name == "FIFO":
                os.mkfifo(path)
            else:
                path.write_bytes((CORPUS / name).read_bytes())
            daemon.send_signal(signal.SIGUSR1)
            wait_until(lambda: log.read_text().count("config.reload.failed") >= count, 10, 0.05, what=name)
            assert log.read_text().count("config.reload.failed") == count, name
        path.unlink()
        path.write_text(good("10.1.0.0/16", "10.2.0.0/16"))
        daemon.send_signal(signal.SIGUSR1)
        events = peer.wait(lambda events: len(changes(events)) == 2)
        assert changes(events) == [("announce", "10.1.0.0/16"), ("announce", "10.2.0.0/16")]
        peer.sock.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
    code, _out, err = finish(daemon)
    assert code == 0, err
    failures = [line for line in log.read_text().splitlines() if "config.reload.failed" in line]
    assert f"{path}:7:18: invalid UTF-8 (octet 0xFF)" in failures[0]
    assert f"{path}:6:5: the statement does not end with" in failures[1]
    assert f'{path}:4:9: can not locate the program "./no-such-helper-program"' in failures[2]
    assert f"{path}:9:9: the route ipv4 unicast 10.0.0.0/24 can not be sent" in failures[3]
    assert failures[4].endswith(f"{path} is not an exabgp config file (file not found)")
    assert "Traceback" not in log.read_text()
