"""`-p/--pdb` and `-m/--memory` (`exabgp.cli.debugging`): accepted by 5.0.15's parsers, and now doing what
they say.

ExaBGP 5.0.15 (read by running it): ``-p`` prints its bug report then starts ``pdb.pm()`` on an exception
that escapes the program; ``exabgp server -m`` ends in that bug report (its objgraph import fails), so our
``-m`` prints the peak resident set size instead (docs/compatibility.md, "Programs and sub-commands").
"""

import re
import subprocess
import sys

import pytest

from qa.daemon import PACKAGE_ROOT, environment, finish, free_port, start

#: a program that fails inside `exabgp COMMAND ARGS`: the code that runs the command raises (a bug stands
#: for any unexpected exception; bad input never raises), then `main` runs as the `exabgp` script runs it
_FAULT = """
import sys
from exabgp.cli import decode, server, validate
def fault(*_args, **_kwargs):
    raise RuntimeError("a bug")
server._serve = validate._validate = decode._configuration = fault
from exabgp.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _faulty(tmp_path, *argv):
    path = tmp_path / "good.conf"
    path.write_text("neighbor 127.0.0.1 {\n    router-id 10.0.0.1;\n    local-as 1;\n    peer-as 2;\n}\n")
    argv = [str(path) if arg == "CONF" else arg for arg in argv]
    return subprocess.run(
        [sys.executable, "-c", _FAULT, *argv],
        input="p 6 * 7\nq\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(exabgp_log_enable="false"),
        cwd=PACKAGE_ROOT,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ("server", "-p", "CONF"),
        ("server", "-d", "CONF"),
        ("validate", "-p", "CONF"),
        ("decode", "-p", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170200000000"),
    ],
)
def test_pdb_starts_the_debugger_on_a_fault(tmp_path, argv):
    done = _faulty(tmp_path, *argv)
    assert "RuntimeError: a bug" in done.stderr  # the traceback first, as Python prints it
    assert "(Pdb) 42\n(Pdb) " in done.stdout  # then the debugger, on the frame of the fault


@pytest.mark.slow
def test_the_pdb_setting_starts_it_too_and_without_it_there_is_no_debugger(tmp_path):
    path = tmp_path / "good.conf"
    path.write_text("neighbor 127.0.0.1 {\n    router-id 10.0.0.1;\n    local-as 1;\n    peer-as 2;\n}\n")
    done = subprocess.run(
        [sys.executable, "-c", _FAULT, "validate", str(path)],
        input="p 6 * 7\nq\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PACKAGE_ROOT,
        env=environment(exabgp_log_enable="false", exabgp_debug_pdb="true"),
    )
    assert "RuntimeError: a bug" in done.stderr and "(Pdb) 42" in done.stdout
    done = _faulty(tmp_path, "validate", "CONF")
    assert done.returncode == 1 and "RuntimeError: a bug" in done.stderr and "Pdb" not in done.stdout


@pytest.mark.parametrize("how", [{"args": ["-m"]}, {"settings": {"exabgp_debug_memory": "true"}}, {}])
def test_memory_prints_the_peak_resident_set_size_at_exit(tmp_path, how):
    """A daemon that gives up after one connection attempt to a port nobody listens on, then exits 0."""
    path = tmp_path / "once.conf"
    path.write_text(
        f"neighbor 127.0.0.1 {{\n    router-id 10.0.0.1;\n    local-address 127.0.0.1;\n"
        f"    local-as 1;\n    peer-as 2;\n    connect {free_port()};\n}}\n"
    )
    process = start(
        [*how.get("args", []), path], exabgp_tcp_attempts="1", exabgp_log_enable="false", **how.get("settings", {})
    )
    code, out, err = finish(process)
    assert code == 0, err
    if not how:
        assert out == ""
        return
    lines = out.splitlines()
    assert lines[:2] == ["memory utilisation", ""] and len(lines) == 3, out
    kib = int(re.fullmatch(r"peak resident set size: (\d+) KiB", lines[2]).group(1))
    assert 10_000 < kib < 1_000_000  # an interpreter with the daemon loaded: tens of megabytes
