"""The log lines, filters and destinations of `exabgp.reactor.log` (docs/compatibility.md, "Logging").

In process: the short and long formats, ``log.level``, ``log.enable``,
every category switch and ``log.all``, ``-v``, `wants` for the hot paths,
the destinations (stdout/stderr on standard error, ``file:`` relative to
the start directory, ``~``, an invalid one), file rotation at 1 MiB with 3
backups, syslog datagrams on a unix socket the test binds, remote syslog
(``host:``) on a loopback UDP socket, and `reopen` failing without losing
the open destination.
"""

import io
import os
import re
import socket

import pytest

from exabgp.config import environment as settings
from exabgp.reactor import log as logging
from exabgp.reactor.log import CATEGORIES, FileSink, Logger, SyslogSink

LONG = re.compile(r"^\d\d:\d\d:\d\d (\d+) +(\S+) +(.*)$")


def env(**values):
    """Settings as the process environment would give them (``exabgp_log_level=DEBUG``...)."""
    return settings.load({f"exabgp_{key}": str(value) for key, value in values.items()})


def lines(stream):
    return stream.getvalue().splitlines()


def test_short_format_is_source_padded_to_15():
    stream = io.StringIO()
    log = Logger.from_environment(env(), stream=stream)
    log.info("reactor", "loaded new configuration successfully")
    log.info("a-very-long-source-name", "text")
    assert lines(stream) == ["reactor         loaded new configuration successfully", "a-very-long-source-name text"]


def test_long_format_has_time_and_pid():
    stream = io.StringIO()
    log = Logger.from_environment(env(log_short="false"), stream=stream)
    log.warning("network", "one\ntwo")
    first, second = lines(stream)
    match = LONG.match(first)
    assert match and match.group(1) == str(os.getpid()) and match.group(2) == "network" and match.group(3) == "one"
    assert first.split(" ", 1)[1] == f"{os.getpid():<6} network         one"
    assert LONG.match(second).group(3) == "two"


def test_level_filters():
    stream = io.StringIO()
    log = Logger.from_environment(env(log_level="WARNING"), stream=stream)
    log.debug("welcome", "d")
    log.info("welcome", "i")
    log.warning("welcome", "w")
    log.error("welcome", "e")
    log.critical("welcome", "c")
    assert [line.split()[1] for line in lines(stream)] == ["w", "e", "c"]
    assert not log.debug_enabled
    stream = io.StringIO()
    log = Logger.from_environment(env(log_level="DEBUG"), stream=stream)
    log.debug("welcome", "d")
    assert lines(stream) == ["welcome         d"] and log.debug_enabled


def test_enable_false_writes_nothing():
    stream = io.StringIO()
    log = Logger.from_environment(env(log_enable="false", log_level="DEBUG", log_all="true"), stream=stream)
    for source in ("welcome", "outgoing-1", "reactor"):
        log.critical(source, "x")
        assert not log.wants(source, logging.CRITICAL)
    assert stream.getvalue() == "" and not log.debug_enabled


@pytest.mark.parametrize("source,key", sorted(CATEGORIES.items()))
def test_each_category_switch(source, key):
    on, off = io.StringIO(), io.StringIO()
    Logger.from_environment(env(log_level="DEBUG", **{f"log_{key}": "true"}), stream=on).debug(source, "x")
    log = Logger.from_environment(env(log_level="DEBUG", **{f"log_{key}": "false"}), stream=off)
    log.debug(source, "x")
    log.debug("outgoing-1", "y")  # not a category: only the level counts
    assert lines(on) == [f"{source:<15} x"]
    assert lines(off) == ["outgoing-1      y"]
    assert not log.wants(source) and log.wants("outgoing-1")
    everything = Logger.from_environment(env(log_level="DEBUG", log_all="true", **{f"log_{key}": "false"}))
    assert everything.wants(source)


def test_5_0_category_defaults():
    log = Logger.from_environment(env(log_level="DEBUG"))
    assert {source for source in CATEGORIES if log.wants(source)} == {
        "reactor",
        "daemon",
        "processes",
        "configuration",
        "network",
        "statistics",
    }


def test_all_does_not_change_the_level_but_verbose_does():
    log = Logger.from_environment(env(log_all="true"))
    assert not log.wants("wire") and log.wants("wire", logging.INFO)
    stream = io.StringIO()
    log = Logger.from_environment(env(), verbose=True, stream=stream)
    assert all(log.wants(source) for source in CATEGORIES)
    log.debug("wire", "packet")
    assert LONG.match(lines(stream)[0]).group(3) == "packet"


def test_stdout_and_stderr_both_write_to_standard_error():
    for destination in ("stdout", "stderr"):
        stream = io.StringIO()
        Logger.from_environment(env(log_destination=destination), stream=stream).info("reactor", "here")
        assert lines(stream) == ["reactor         here"]


def test_invalid_destination_warns_and_uses_standard_error():
    stream = io.StringIO()
    Logger.from_environment(env(log_destination="nowhere"), stream=stream).info("reactor", "here")
    warning, line = lines(stream)
    assert "invalid log destination 'nowhere'" in warning and line == "reactor         here"


def test_unopenable_file_falls_back_to_standard_error(tmp_path):
    stream = io.StringIO()
    target = tmp_path / "missing" / "exabgp.log"
    Logger.from_environment(env(log_destination=str(target)), stream=stream).info("reactor", "here")
    warning, line = lines(stream)
    assert "could not open log destination" in warning and line == "reactor         here"


def test_file_destinations_use_the_long_format(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    cases = {
        f"file:{tmp_path}/a.log": tmp_path / "a.log",
        "file:b.log": tmp_path / "b.log",
        f"{tmp_path}/c.log": tmp_path / "c.log",
        "~/d.log": tmp_path / "d.log",
    }
    for destination, path in cases.items():
        stream = io.StringIO()
        log = Logger.from_environment(env(log_destination=destination), stream=stream, cwd=str(tmp_path))
        log.info("reactor", "to a file")
        log.output.close()
        assert stream.getvalue() == ""
        match = LONG.match(path.read_text().splitlines()[0])
        assert match and match.group(2) == "reactor" and match.group(3) == "to a file"


def test_file_rotates_at_1_mib_with_3_backups(tmp_path):
    path = tmp_path / "exabgp.log"
    log = Logger(FileSink(str(path)))
    message = "x" * 100
    line_size = len(f"00:00:00 {os.getpid():<6} {'rib':<15} {message}\n")
    for _ in range((4 * logging.ROTATE_BYTES) // line_size + 100):
        log.info("rib", message)
    log.output.close()
    names = sorted(os.listdir(tmp_path))
    assert names == ["exabgp.log", "exabgp.log.1", "exabgp.log.2", "exabgp.log.3"]
    for name in names[1:]:
        size = os.path.getsize(tmp_path / name)
        assert logging.ROTATE_BYTES - line_size < size <= logging.ROTATE_BYTES
    assert all(LONG.match(line) for line in path.read_text().splitlines())


def test_rotation_that_fails_keeps_appending(tmp_path):
    path = tmp_path / "exabgp.log"
    sink = FileSink(str(path), max_bytes=100, backups=1)
    sink.write(logging.INFO, "a" * 90)
    os.mkdir(tmp_path / "exabgp.log.1")  # renaming the file onto a directory that is not empty fails
    (tmp_path / "exabgp.log.1" / "keep").write_text("")
    sink.write(logging.INFO, "b" * 90)
    sink.write(logging.INFO, "c" * 90)
    sink.close()
    assert path.read_text() == "a" * 90 + "\n" + "b" * 90 + "\n" + "c" * 90 + "\n"


def test_reopen_failure_keeps_the_open_destination(tmp_path):
    directory = tmp_path / "logs"
    directory.mkdir()
    path = directory / "exabgp.log"
    log = Logger(FileSink(str(path)), level="DEBUG")
    log.info("reactor", "before")
    path.unlink()
    directory.rmdir()
    stream = log.output.stream
    log.reopen()
    assert log.output.stream is stream and log.active


def syslog_server(tmp_path):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(tmp_path / "log.sock"))
    server.settimeout(5)
    return server


def test_syslog_datagrams_on_a_unix_socket(tmp_path):
    with syslog_server(tmp_path) as server:
        log = Logger(SyslogSink(str(tmp_path / "log.sock")), short=False, level="DEBUG")
        log.info("reactor", "loaded")
        log.error("network", "lost")
        log.critical("daemon", "stop")
        log.debug("outgoing-1", "two\nlines")
        received = [server.recv(4096) for _ in range(5)]
    # daemon facility (3); crit 2, err 3, info 6, debug 7; always the short format; NUL terminated
    assert received == [
        b"<30>reactor         loaded\0",
        b"<27>network         lost\0",
        b"<26>daemon          stop\0",
        b"<31>outgoing-1      two\0",
        b"<31>outgoing-1      lines\0",
    ]


def test_syslog_survives_a_restarted_syslog_daemon(tmp_path):
    server = syslog_server(tmp_path)
    log = Logger(SyslogSink(str(tmp_path / "log.sock")))
    server.close()
    os.unlink(tmp_path / "log.sock")
    log.info("reactor", "lost")  # nobody listens: the line is lost, logging goes on
    assert log.active
    with syslog_server(tmp_path) as server:
        log.info("reactor", "again")
        assert server.recv(4096) == b"<30>reactor         again\0"


def test_host_destination_is_remote_syslog_over_udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        port = server.getsockname()[1]
        stream = io.StringIO()
        log = Logger.from_environment(env(log_destination=f"host:127.0.0.1:{port}"), stream=stream)
        log.warning("configuration", "remote")
        assert server.recv(4096) == b"<28>configuration   remote\0"
        assert stream.getvalue() == ""


def test_host_destination_forms():
    assert logging._remote("192.0.2.1") == ("192.0.2.1", 514)
    assert logging._remote("192.0.2.1:1514") == ("192.0.2.1", 1514)
    assert logging._remote("2001:db8::1") == ("2001:db8::1", 514)
    assert logging._remote("[2001:db8::1]:1514") == ("2001:db8::1", 1514)
    assert logging._remote("[2001:db8::1]") == ("2001:db8::1", 514)
    assert logging._remote("loghost") == ("loghost", 514)


def test_destination_kinds():
    assert logging.is_stream("stdout") and logging.is_stream("STDERR") and not logging.is_stream("syslog")
    assert logging.is_file("file:x") and logging.is_file("/var/log/x") and logging.is_file("~/x")
    assert not logging.is_file("syslog") and not logging.is_file("host:127.0.0.1")
