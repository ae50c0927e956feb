"""Which codec runs, and why, is never silent (issue 10): `exabgp version` and the daemon's start-up log say it.

`exabgp._codec.SUMMARY` is ``compiled (Cython)`` or ``pure Python (REASON)``;
`exabgp version` prints it on its last line (``Codec  : ...``) and the
daemon logs it after its welcome line, with a warning when compiled twins
are installed but do not load.  The cases are made real: a copy of the
installed package whose compiled modules are removed (a pure build) or
replaced by a file that is not a shared object (a broken build), run from
that copy in a fresh interpreter, with ``EXABGP_NO_EXTENSIONS`` set or not.
"""

import importlib.machinery
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import exabgp
import exabgp._codec
from qa.daemon import finish, free_port, start

PACKAGE = Path(exabgp.__file__).resolve().parent
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
VERSION = """
import sys
from exabgp.cli.main import main
sys.exit(main(["version"]))
"""


def clean_environment(**changes) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.lower().startswith("exabgp")}
    env.pop("PYTHONPATH", None)
    env.update(changes)
    return env


def package_copy(root: Path, compiled: str) -> Path:
    """A copy of the installed package under `root` (returned: the folder to put on sys.path), its compiled
    modules ``"removed"`` or ``"broken"`` (``_wire_c`` replaced by text, the others removed)."""
    target = root / "site"
    shutil.copytree(PACKAGE, target / "exabgp", ignore=shutil.ignore_patterns("__pycache__"))
    for module in (target / "exabgp" / "_codec").glob("_*_c.*"):
        if module.suffix in (".so", ".pyd"):
            module.unlink()
    if compiled == "broken":
        (target / "exabgp" / "_codec" / f"_wire_c{SUFFIX}").write_text("not a shared object\n")
    return target


def version_lines(site: Path, **env) -> list:
    done = subprocess.run(
        [sys.executable, "-c", VERSION],
        cwd=site,
        env=clean_environment(PYTHONPATH=str(site), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.splitlines()


def test_version_names_the_codec_of_this_installation():
    """The installed package: compiled when its compiled twins load (required under EXABGP_REQUIRE_EXTENSIONS)."""
    lines = version_lines(PACKAGE.parent)
    assert lines[0] == "ExaBGP : 5.0.15" and lines[4] == f"fastbgp: {exabgp.__version__}"
    try:
        exabgp._codec.load("c")
        loads = sys.implementation.name == "cpython"
    except ImportError:
        loads = False
    if os.environ.get("EXABGP_REQUIRE_EXTENSIONS"):
        assert loads, "EXABGP_REQUIRE_EXTENSIONS is set but the compiled twins do not load"
    assert lines[5] == (
        "Codec  : compiled (Cython)" if loads else "Codec  : pure Python (the compiled twins are not installed)"
    )


def test_version_says_pure_when_asked():
    assert (
        version_lines(PACKAGE.parent, EXABGP_NO_EXTENSIONS="1")[-1]
        == "Codec  : pure Python (EXABGP_NO_EXTENSIONS is set)"
    )


def test_version_says_when_the_compiled_twins_are_not_installed(tmp_path):
    site = package_copy(tmp_path, "removed")
    assert version_lines(site)[-1] == "Codec  : pure Python (the compiled twins are not installed)"


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="other interpreters never load the compiled twins")
def test_version_says_why_installed_compiled_twins_do_not_load(tmp_path):
    site = package_copy(tmp_path, "broken")
    last = version_lines(site)[-1]
    assert last.startswith("Codec  : pure Python (the compiled twins failed to load: ") and last.endswith(")")
    assert f"_wire_c{SUFFIX}" in last  # the loader's own message names the file it could not load
    assert version_lines(site, EXABGP_NO_EXTENSIONS="1")[-1] == "Codec  : pure Python (EXABGP_NO_EXTENSIONS is set)"


def listening(port: int, deadline: float = 10.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def start_up_log(tmp_path: Path, site: Path, **settings) -> list:
    """The lines a daemon (run from `site`) logs between its start and a SIGTERM once it listens."""
    port = free_port()
    conf = tmp_path / "daemon.conf"
    conf.write_text(
        f"neighbor 127.0.0.9 {{\n router-id 10.0.0.1; local-address 127.0.0.1; local-as 65001; "
        f"peer-as 65002;\n passive; listen {port};\n}}\n"
    )
    process = start(conf, cwd=site, PYTHONPATH=site, exabgp_api_cli="false", **settings)
    try:
        assert listening(port)
    finally:
        process.send_signal(signal.SIGTERM)
    code, _, err = finish(process)
    assert code == 0, err
    return err.splitlines()


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="other interpreters never load the compiled twins")
def test_the_daemon_logs_the_codec_and_warns_when_the_compiled_twins_do_not_load(tmp_path):
    site = package_copy(tmp_path, "broken")
    lines = start_up_log(tmp_path, site, EXABGP_NO_EXTENSIONS="", EXABGP_REQUIRE_EXTENSIONS="")  # empty: unset
    assert lines[0] == "welcome         Thank you for using ExaBGP"
    assert re.fullmatch(
        rf"welcome         fastbgp {re.escape(exabgp.__version__)}, codec pure Python \(the compiled twins "
        rf"failed to load: .*_wire_c{re.escape(SUFFIX)}.*\)",
        lines[1],
    ), lines[1]
    assert (
        lines[2] == "welcome         the compiled codec is installed but does not load: running the slower pure twins"
    )


@pytest.mark.slow
def test_the_daemon_logs_the_codec_it_runs(tmp_path):
    lines = start_up_log(tmp_path, PACKAGE.parent, EXABGP_NO_EXTENSIONS="1")
    assert lines[1] == f"welcome         fastbgp {exabgp.__version__}, codec pure Python (EXABGP_NO_EXTENSIONS is set)"
    assert "does not load" not in "\n".join(lines)
    lines = start_up_log(tmp_path, PACKAGE.parent)
    assert lines[1] == f"welcome         fastbgp {exabgp.__version__}, codec {exabgp._codec.SUMMARY}"
