"""The decoder runs where the daemon cannot: `exabgp version`, `decode`, `env`, `validate` need no POSIX-only module.

The daemon is for Linux and macOS (it drops privileges with `pwd`/`grp`,
locks and forks, and talks through named pipes).  The decoder and the codec
are plain Python and the compiled twins, so the short commands must start on
any platform CPython runs on, Windows included (README.md, "Platforms and Python versions").  This
cannot be run on Windows here, so a fresh interpreter plays one: before the
package is imported, a finder on `sys.meta_path` refuses the modules Windows
lacks (`pwd`, `grp`, `fcntl`, `resource`, `termios`, `syslog`, `posix`, ...; not
the helper `_posixsubprocess` behind `subprocess`, which Windows has too)
and the POSIX-only functions and flags of `os` (`os.uname`, `os.O_NONBLOCK`,
`os.getuid`, `os.fork`, ...) are deleted; the command's output must then be
the one of an unrestricted run.  The daemon's own modules must fail under the
same restrictions (the restriction is real).
"""

import json
import os
import re
import subprocess
import sys

import pytest

import exabgp

UPDATE = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170200000000"

_PROBE = """
import contextlib, importlib.abc, io, json, os, sys

class Windows(importlib.abc.MetaPathFinder):
    '''Refuses the modules CPython on Windows does not have.'''
    MISSING = {"posix", "pwd", "grp", "fcntl", "resource", "termios", "tty", "pty", "syslog", "crypt",
               "_posixshmem", "readline"}

    def find_spec(self, name, path=None, target=None):
        if name in self.MISSING:
            raise ModuleNotFoundError(f"No module named {name!r} (refused: not on Windows)", name=name)
        return None

for name in Windows.MISSING:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, Windows())
for name in ("uname", "O_NONBLOCK", "O_CLOEXEC", "getuid", "geteuid", "getgid", "getegid", "setuid", "setgid",
             "seteuid", "setegid", "setgroups", "initgroups", "getgroups", "fork", "forkpty", "killpg", "getpgid",
             "setpgid", "setsid", "mkfifo", "chown", "fchown", "lchown", "sync"):
    if hasattr(os, name):
        delattr(os, name)

mode, argv = sys.argv[1], sys.argv[2:]
if mode == "import":
    try:
        __import__(argv[0])
    except (ImportError, AttributeError) as error:
        print(json.dumps({"refused": f"{type(error).__name__}: {error}"}))
    else:
        print(json.dumps({"refused": None}))
    sys.exit(0)
from exabgp.cli.main import main
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
    code = main(argv)
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(), "modules": sorted(sys.modules)}))
"""

_PLAIN = """
import contextlib, io, json, sys
from exabgp.cli.main import main
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
    code = main(sys.argv[2:])
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(), "modules": sorted(sys.modules)}))
"""

#: where the probes run: beside the installed package (``python -c`` puts its working directory on sys.path)
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def run(probe: str, *argv, **settings) -> dict:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("exabgp_", "exabgp.", "EXABGP_ENVFILE"))
    }
    env.update(settings)
    done = subprocess.run(
        [sys.executable, "-c", probe, "run", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PACKAGE_ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def as_windows(*argv, **settings) -> dict:
    return run(_PROBE, *argv, **settings)


def unrestricted(*argv, **settings) -> dict:
    return run(_PLAIN, *argv, **settings)


def test_the_restriction_is_real():
    """What the daemon imports at start-up fails under the probe's restrictions: the probe plays Windows."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.replace('"run"', '"import"'), "import", "exabgp.reactor.daemon"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PACKAGE_ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["refused"], "the daemon imported without pwd, grp, fcntl and os.fork"


def test_version_without_posix():
    windows, plain = as_windows("version"), unrestricted("version")
    assert windows["code"] == plain["code"] == 0 and windows["err"] == ""
    lines, expected = windows["out"].splitlines(), plain["out"].splitlines()
    assert [line.split(":")[0] for line in lines][:4] == ["ExaBGP ", "Python ", "Uname  ", "From   "]
    assert lines[:2] + lines[3:] == expected[:2] + expected[3:]
    # platform.uname() stands in for os.uname() (here without os.uname it finds less than on Windows)
    assert lines[2].split(":", 1)[1].split()[0].lower() == expected[2].split(":", 1)[1].split()[0].lower()


def _without_time(text: str) -> str:
    return re.sub(r'"time": [0-9.]+, "host" : "[^"]*", "pid" : \d+, "ppid" : \d+', "", text)


@pytest.mark.slow
def test_decode_without_posix():
    windows, plain = as_windows("decode", UPDATE), unrestricted("decode", UPDATE)
    assert windows["code"] == plain["code"] == 0 and windows["err"] == ""
    assert '"eor": { "afi" : "ipv4", "safi" : "unicast" }' in windows["out"]
    assert _without_time(windows["out"]) == _without_time(plain["out"])
    assert not {"pwd", "grp", "fcntl", "posix"} & set(windows["modules"])


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["env", "-d"], ["decode", UPDATE]])
def test_the_env_file_is_read_without_posix(argv, tmp_path):
    """The env file is read without `os.O_NONBLOCK`; `daemon.user` is not checked where no `pwd` exists."""
    path = tmp_path / "exabgp.env"
    path.write_text("[exabgp.log]\nlevel = DEBUG\n\n[exabgp.daemon]\nuser = nobody-on-windows\n")
    windows = as_windows(*argv, EXABGP_ENVFILE=str(path))
    assert windows["code"] == 0 and windows["err"] == "", windows
    if argv[0] == "env":
        assert "level = DEBUG" in windows["out"] and "user = 'nobody-on-windows'" in windows["out"]
        plain = unrestricted(*argv, EXABGP_ENVFILE=str(path))  # a POSIX system checks the user: 5.0's error
        assert plain["code"] == 1 and "daemon.user" in plain["err"]


@pytest.mark.slow
def test_validate_without_posix(tmp_path):
    path = tmp_path / "ok.conf"
    path.write_text("neighbor 192.0.2.1 {\n    local-as 65000;\n    peer-as 65001;\n    local-address 192.0.2.2;\n}\n")
    windows, plain = as_windows("validate", str(path)), unrestricted("validate", str(path))
    assert windows["code"] == plain["code"] == 0
    assert (windows["out"], windows["err"]) == (plain["out"], plain["err"])
