"""`exabgp validate` and `exabgp env` from the command line."""

import importlib
import os
import re

import pytest

from exabgp.cli.main import main
from exabgp.config.neighbor import parse

reference_files = importlib.import_module("qa.reference").reference_files

GOOD = """\
process helper {
    run /bin/cat;
    encoder json;
}
neighbor 127.0.0.1 {
    router-id 10.0.0.2;
    local-address 127.0.0.1;
    local-as 65533;
    peer-as 65000;
    capability { asn4 disable; add-path send/receive; }
    api { processes [ helper ]; }
    static {
        route 10.0.0.0/24 next-hop self as-path [ 70000 ] med 5 community [ no-export 1:1 ] path-information 3;
        route 2001:db8::/32 next-hop 2001:db8::1 large-community 1:2:3 extended-community target:70000:1;
        route 10.1.0.0/24 rd 65000:1 label 100 next-hop 10.0.0.1 aggregator 70000:1.2.3.4;
    }
}
"""


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_valid_file_and_the_regenerated_configuration(tmp_path, capsys):
    path = tmp_path / "good.conf"
    path.write_text(GOOD)
    logged = f"configuration   loading {path}\nconfiguration   \u2713 loading\n"  # 5.0.15's log lines
    assert run(["validate", str(path)], capsys) == (0, "", logged)
    code, out, err = run(["validate", "-n", str(path)], capsys)
    assert (
        code == 0 and err == logged + "configuration   checking neighbors\nconfiguration   \u2713 neighbor  127.0.0.1\n"
    )
    assert parse(out, "regenerated", full=True) == parse(GOOD, str(path), full=True)
    code, out, err = run(["validate", "-rv", str(path)], capsys)
    assert code == 0 and err == logged + "configuration   checking routes\nconfiguration   \u2713 routes\n"
    lines = out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["route", "update"] * 3
    assert lines[0].startswith("route ipv4 unicast 10.0.0.0/24 path-information 0.0.0.3 next-hop self")
    # the first UPDATE: IPv4 unicast, next hop self = the local address, path id (add-path), AS_TRANS + AS4_PATH
    assert lines[1] == (
        "update 0000002D"
        "40010100"
        "4002040201"
        "5BA0"
        "400304"
        "7F000001"
        "80040400000005"
        "C00808"
        "00010001"
        "FFFFFF01"
        "C01106"
        "0201"
        "00011170"
        "00000003"
        "18"
        "0A0000"
    )


def test_invalid_file_names_the_place(tmp_path, capsys):
    path = tmp_path / "bad.conf"
    path.write_text("neighbor 1.2.3.4 {\n  router-id 1.1.1.1;\n  local-as 1;\n}\n")
    code, out, err = run(["validate", str(path)], capsys)
    assert (code, out) == (1, "")
    message = f"{path} is not a valid config file: {path}:1:1: incomplete neighbor, missing peer-as"
    assert err == f"configuration   loading {path}\nconfiguration   {message}\nerror: {message}\n"
    missing = tmp_path / "missing.conf"
    message = f"{missing} is not an exabgp config file (file not found)"
    assert run(["validate", str(missing)], capsys) == (
        1,
        "",
        f"configuration   loading {missing}\nconfiguration   {message}\nerror: {message}\n",
    )
    good = tmp_path / "good.conf"
    good.write_text(GOOD)
    assert run(["validate", str(good), str(path)], capsys)[0] == 1  # every file must be valid


def test_a_missing_program_is_refused_at_its_line(tmp_path, capsys):
    """ExaBGP 5.0.15 (recorded: ``exabgp validate`` of this file) refuses a ``run`` program it can not find,
    exit 1, naming it (``can not locate the program "./not-here.py"``); pre-deploy checks depend on it.  Ours
    says so at the ``run`` line, as the daemon does; a program that is there but not executable is refused
    too (5.0.15: ``exabgp will not be able to run this program``)."""
    path = tmp_path / "p.conf"
    path.write_text(
        "process p { run ./not-here.py; encoder text; }\n"
        "neighbor 127.0.0.1 { router-id 1.1.1.1; local-as 1; peer-as 1; }\n"
    )
    code, out, err = run(["validate", str(path)], capsys)
    message = f'{path} is not a valid config file: {path}:1:17: can not locate the program "./not-here.py"'
    assert (code, out, err) == (1, "", f"configuration   loading {path}\nconfiguration   {message}\nerror: {message}\n")
    helper = tmp_path / "not-here.py"
    helper.write_text("#!/bin/sh\n")
    code, out, err = run(["validate", str(path)], capsys)
    assert code == 1 and err.endswith(f'{path}:1:17: exabgp will not be able to run this program "{helper}"\n')
    helper.chmod(0o755)
    assert run(["validate", str(path)], capsys)[0] == 0


def test_empty_file_is_refused(tmp_path, capsys):
    """A file without any statement (comments only) is refused, as 5.0.15 does ("no data")."""
    path = tmp_path / "empty.conf"
    path.write_text("# nothing here\n\n")
    code, out, err = run(["validate", str(path)], capsys)
    assert (code, out) == (1, "")
    assert err.endswith(
        f"error: {path} is not a valid config file: {path}:0:0: the configuration holds no statement (no data)\n"
    )


def test_log_lines_follow_the_settings(tmp_path, capsys, monkeypatch):
    """The ``configuration`` lines obey log.enable and log.level, as 5.0.15's (recorded with these variables)."""
    path = tmp_path / "missing.conf"
    message = f"{path} is not an exabgp config file (file not found)"
    monkeypatch.setenv("exabgp_log_enable", "false")
    assert run(["validate", str(path)], capsys) == (1, "", f"error: {message}\n")
    monkeypatch.delenv("exabgp_log_enable")
    monkeypatch.setenv("exabgp_log_level", "WARNING")
    assert run(["validate", str(path)], capsys) == (1, "", f"configuration   {message}\nerror: {message}\n")


_RUN = re.compile(r"^\s*run\s+(\S+?);?\s*$", re.MULTILINE)


@pytest.mark.parametrize("path", reference_files("conf/*.conf"), ids=lambda path: path.name if path else "absent")
def test_reference_configurations(reference, path, capsys, tmp_path, monkeypatch):
    """Every reference configuration passes ``validate -nrv`` where its helpers are installed, as in ExaBGP's
    own check (../shared does not ship its ``run/`` helpers: empty executables stand for them, found through
    ``PATH`` as the daemon looks for them); without them it is refused, as 5.0.15 refuses it."""
    programs = [program for program in _RUN.findall(path.read_text()) if not os.path.isabs(program)]
    if programs:
        code, _out, err = run(["validate", str(path)], capsys)
        assert code == 1 and "can not locate the program" in err
        for program in programs:
            helper = tmp_path / program
            helper.parent.mkdir(parents=True, exist_ok=True)
            helper.write_text("#!/bin/sh\n")
            helper.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    code, out, err = run(["validate", "-nrv", str(path)], capsys)
    assert code == 0, err
    assert "error" not in err
    regenerated = out[: out.index("\nroute ") + 1] if "\nroute " in out else out
    assert parse(regenerated, "regenerated", full=True).neighbors


def test_env_prints_settings(tmp_path, capsys, monkeypatch):
    for name in list(__import__("os").environ):
        if name.lower().startswith("exabgp"):
            monkeypatch.delenv(name)
    ini = tmp_path / "exabgp.env"
    ini.write_text("[exabgp.tcp]\nport = 1790\n")
    monkeypatch.setenv("exabgp_api_ack", "false")
    assert run(["env", "-d", "-e", "--env-file", str(ini)], capsys) == (
        0,
        "exabgp.tcp.port=1790\nexabgp.api.ack=false\n",
        "",
    )
    monkeypatch.setenv("EXABGP_ENVFILE", str(ini))
    assert run(["env", "-d"], capsys) == (0, "\n[exabgp.api]\nack = false\n\n[exabgp.tcp]\nport = 1790\n", "")
    code, out, _ = run(["env"], capsys)
    assert code == 0 and "[exabgp.log]" in out and "[exabgp.debug]" not in out
    monkeypatch.setenv("exabgp.tcp.port", "x")
    assert run(["env"], capsys) == (1, "", "invalid value for tcp.port : x\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["env"],
        ["validate", "CONF"],
        ["decode", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304"],
        ["cli", "show", "neighbor"],
        ["server", "CONF"],
    ],
)
def test_every_sub_command_refuses_an_invalid_setting_alike(argv, tmp_path, capsys, monkeypatch):
    """Each sub-command reading the settings stops on an invalid one with the same line on standard error
    and exit code 1, before doing anything else (5.0.15 prints a ValueError traceback, exit code 1)."""
    conf = tmp_path / "good.conf"
    conf.write_text(GOOD)
    monkeypatch.setenv("exabgp.tcp.port", "x")
    argv = [str(conf) if word == "CONF" else word for word in argv]
    assert run(argv, capsys) == (1, "", "invalid value for tcp.port : x\n")


# ---------------------------------------------------------------- input without bounds (issue 9, hole 4)


def _bounded(argv, timeout=30):
    """`python -m exabgp ARGV` with 1 GiB of address space and a deadline: a regression fails, it does not eat
    the machine."""
    import resource
    import subprocess
    import sys

    from qa.daemon import environment

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "exabgp", *argv],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        stdin=subprocess.DEVNULL,
        cwd=os.path.dirname(argv[-1]),
    )
    return done.returncode, done.stdout, done.stderr


def _specials(tmp_path):
    import os

    fifo = tmp_path / "fifo.conf"
    os.mkfifo(fifo)
    found = [str(fifo), str(tmp_path)]
    found += [device for device in ("/dev/zero", "/dev/urandom") if os.path.exists(device)]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "server"])
def test_files_that_are_not_regular_are_refused_at_once(tmp_path, command):
    """ExaBGP 5.0.15 (recorded): ``/dev/zero``, ``/dev/urandom``, a FIFO and a directory are each refused at
    once with ``error: FILE is not an exabgp config file (file not found)``, exit 1, by validate and the
    daemon; ours read /dev/zero until memory ran out, ended /dev/urandom in a MemoryError and hung on a FIFO."""
    for path in _specials(tmp_path):
        code, out, err = _bounded([command, path])
        assert code == 1, err
        assert err.endswith(f"error: {path} is not an exabgp config file (file not found)\n"), err
        assert "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "server"])
def test_invalid_utf8_is_reported_at_its_line(tmp_path, command):
    """5.0.15 (recorded): ``problem parsing configuration file line 0`` and the codec's message, exit 1; ours
    said "file not found".  Now the line and column (in characters) of the first invalid octet."""
    path = tmp_path / "latin1.conf"
    path.write_bytes(b'neighbor 127.0.0.1 {\n    description "caf\xc3\xa9 \xe9t\xe9";\n}\n')
    code, out, err = _bounded([command, str(path)])
    assert (code, out) == (1, "")
    assert err.endswith(f"error: {path} is not a valid config file: {path}:2:23: invalid UTF-8 (octet 0xE9)\n")


def test_a_file_over_the_size_bound_is_refused(tmp_path, monkeypatch):
    from exabgp.cli import config_file

    path = tmp_path / "big.conf"
    path.write_text("# " + "x" * 100 + "\n")
    monkeypatch.setattr(config_file, "MAX_SIZE", 64)
    assert config_file.read(str(path)) == (
        None,
        f"{path} is not a valid config file: {path}:1:1: the file is larger than 64 octets",
    )
