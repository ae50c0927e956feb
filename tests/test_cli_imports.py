"""Start-up: each `exabgp` sub-command imports only what it uses (issue 8, 1.8).

A fresh interpreter runs `exabgp.cli.main.main` with the command's arguments
and reports `sys.modules`; the daemon's machinery (asyncio, the reactor's
loop and peers, the CLI client and server), what `dataclasses` drags in
(`inspect`, `ast`, `dis`) and the rarely needed standard modules must not
be there.  `version` must import nothing of the package but the command
line's dispatcher and the codec (it names the twin in use).  `decode` negotiates its context with the session's
OPEN negotiation (`exabgp.session.negotiation`, the package loading its
other modules only when asked): the FSM and the `Session` stay out.  The
server still imports everything before dropping
its privileges: `exabgp.reactor.daemon.preload` is checked at the end.
"""

import json
import os
import subprocess
import sys

import pytest

import exabgp

UPDATE = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170200000000"
CONFIGURATION = "neighbor 192.0.2.1 {\n    local-as 65000;\n    peer-as 65001;\n    local-address 192.0.2.2;\n}\n"

#: never imported by the short commands
HEAVY = (
    "asyncio",
    "subprocess",
    "dataclasses",
    "inspect",
    "ast",
    "dis",
    "typing",
    "platform",
    "configparser",
    "traceback",
    "shutil",
    "bz2",
    "lzma",
    "exabgp.reactor.loop",
    "exabgp.reactor.peer",
    "exabgp.reactor.api",
    "exabgp.reactor.daemon",
    "exabgp.cli.server",
    "exabgp.cli.client",
    "exabgp.cli.healthcheck",
    "exabgp.session.session",
    "exabgp.session.fsm",
    "exabgp.rib",
)

#: the route grammars of the families but unicast (`exabgp.config.neighbor._grammar`)
FAMILY_GRAMMARS = (
    "exabgp.config.flow",
    "exabgp.config.vpls",
    "exabgp.config.mvpn",
    "exabgp.config.mup",
    "exabgp.config.rtc",
)
#: loaded by `validate` only for the configurations or options that need them (``json`` too, which the probe
#: itself imports)
ONLY_WHEN_USED = ("exabgp.bgp.message", "exabgp.bgp.bgpls_attribute", "base64")

_PROBE = """
import io, json, sys, contextlib
from exabgp.cli.main import main
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


#: where the probes run: the directory holding the installed package, so that ``python -c`` (which puts its
#: working directory first on sys.path) imports that package and not a source tree
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def imported(*argv, cwd=PACKAGE_ROOT) -> dict:
    """The exit code, output and `sys.modules` of a fresh interpreter after ``exabgp ARGV``."""
    # the settings variables (lower case) are left out: an env file or a log setting changes nothing here
    env = {key: value for key, value in os.environ.items() if not key.startswith(("exabgp_", "exabgp."))}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=60, cwd=cwd, env=env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_version_imports_nothing_of_the_daemon():
    result = imported("version")
    assert result["code"] == 0 and result["out"].startswith("ExaBGP : ")
    ours = [name for name in result["modules"] if name.startswith("exabgp") and not name.startswith("exabgp._codec.")]
    assert ours == ["exabgp", "exabgp._codec", "exabgp.cli", "exabgp.cli.main"]
    assert not set(HEAVY) & set(result["modules"])


def test_decode_imports_the_decoder_only():
    result = imported("decode", UPDATE)
    assert result["code"] == 0 and '"eor": { "afi" : "ipv4", "safi" : "unicast" }' in result["out"]
    assert "exabgp.cli.decode" in result["modules"]
    assert sorted(set(HEAVY) & set(result["modules"])) == []
    assert not any(name.startswith("exabgp.reactor") for name in result["modules"])


def test_validate_imports_the_configuration_and_the_logger_only(tmp_path):
    path = tmp_path / "ok.conf"
    path.write_text(CONFIGURATION)
    result = imported("validate", str(path))
    assert result["code"] == 0
    assert "exabgp.config.neighbor" in result["modules"]
    assert sorted(set(HEAVY) & set(result["modules"])) == []
    assert [name for name in result["modules"] if name.startswith("exabgp.reactor")] == [
        "exabgp.reactor",
        "exabgp.reactor.log",
    ]
    # a unicast configuration loads no family grammar, no message codec (-r needs them), no base64
    assert sorted(set(FAMILY_GRAMMARS + ONLY_WHEN_USED) & set(result["modules"])) == []


def test_validate_checks_a_run_program_without_the_daemon(tmp_path):
    """A ``run`` program is looked for as the daemon looks for it (`exabgp.reactor.programs`), nothing more."""
    path = tmp_path / "helper.conf"
    path.write_text("process helper {\n    run ./absent.py;\n    encoder json;\n}\n" + CONFIGURATION)
    result = imported("validate", str(path))
    assert result["code"] == 1
    assert sorted(set(HEAVY) & set(result["modules"])) == []
    assert [name for name in result["modules"] if name.startswith("exabgp.reactor")] == [
        "exabgp.reactor",
        "exabgp.reactor.log",
        "exabgp.reactor.programs",
    ]


@pytest.mark.parametrize(
    "grammar, routes",
    [
        (
            "exabgp.config.flow",
            "    flow {\n        route {\n            match { destination 10.0.0.0/24; }\n"
            "            then { discard; }\n        }\n    }\n",
        ),
        (
            "exabgp.config.vpls",
            "    l2vpn {\n        vpls site5 { endpoint 5; base 262145; offset 1; size 8; "
            "rd 192.168.201.1:123; next-hop 192.0.2.2; }\n    }\n",
        ),
        (
            "exabgp.config.mvpn",
            "    announce {\n        ipv4 {\n            mcast-vpn source-ad source 10.0.0.1 "
            "group 239.0.0.1 rd 65000:1 next-hop 192.0.2.2;\n        }\n    }\n",
        ),
    ],
)
def test_validate_loads_a_family_grammar_when_the_configuration_uses_it(tmp_path, grammar, routes):
    """The family grammars are loaded by the first route that needs one (`exabgp.config.neighbor._grammar`)."""
    path = tmp_path / "routes.conf"
    path.write_text(CONFIGURATION.replace("}\n", routes + "}\n"))
    result = imported("validate", "-nr", str(path))
    assert result["code"] == 0, result["out"]
    assert grammar in result["modules"]
    assert sorted(set(FAMILY_GRAMMARS) - {grammar} & set(result["modules"])) == []


@pytest.mark.parametrize("argv", [["decode", "--help"], ["env"], ["--help"]])
def test_other_short_commands_stay_light(argv):
    result = imported(*argv)
    assert result["code"] == 0 and result["out"]
    assert sorted(set(HEAVY) & set(result["modules"])) == []


@pytest.mark.parametrize("columns", [None, "0", "x", "100", "40"])
def test_help_width_is_argparse_own(columns, monkeypatch):
    """The width given to argparse's formatters is the one it computes itself through `shutil`."""
    import shutil

    from exabgp.cli import main

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert main._help_width() == shutil.get_terminal_size().columns - 2


def test_the_daemon_still_preloads_every_module():
    """`preload` (run before the privilege drop) imports the whole package, lazily imported parts included, but
    the compiled twins when the pure ones run (tests/test_codec_report.py runs a daemon whose compiled twins are
    broken)."""
    code = (
        "import sys, pkgutil, exabgp, exabgp._codec as codec; from exabgp.reactor import daemon; daemon.preload(); "
        "names = [m.name for m in pkgutil.walk_packages(exabgp.__path__, 'exabgp.') if m.name != 'exabgp.__main__' "
        "and not (codec.IMPLEMENTATION == 'py' and m.name.endswith('_c'))]; "
        "print(all(name in sys.modules for name in names), len(names))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=PACKAGE_ROOT)
    present, count = done.stdout.split()
    assert present == "True" and int(count) > 50
