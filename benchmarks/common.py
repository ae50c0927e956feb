"""What the benchmark scripts share (ingest.py, api_fulltable.py, api_outbound.py, regress.py, ...).

They run as scripts (``python benchmarks/NAME.py``), so this directory is on
``sys.path`` and they import this module by its name.

* `ROOT` is the repository, `BENCH` the shared benchmark tools
  (``../shared/bench``: gen_corpus.py, feeder.py, sink.py, measure.py;
  beside the main checkout for a git worktree, `qa.reference.SHARED`);
* `package_parent()` is the directory our daemon imports ``exabgp`` from:
  the installed package when there is one (a fresh clone has no in-place
  extension modules, so importing the source tree there would give the pure
  twins, or fail under EXABGP_REQUIRE_EXTENSIONS=1), else this source tree,
  for a development checkout built with ``build_ext --inplace``;
* `oracle(name)` is the path of a program of ExaBGP 5.0.15's venv (``exabgp``,
  ``python``), installed first when missing, through the repository's
  `qa.oracle` (loaded by path, as the tests load it); `free_port(address)`
  a port to listen on, from `qa.ports`;
* `corpus(path, workdir, v4, v6, say)` is ``(absolute path, sidecar)`` of
  the corpus to feed: `path`, or one generated into `workdir` with `v4` /
  `v6` prefixes when `path` is None;
* a daemon's life: `write` its configuration (`feeder_neighbor` is the
  passive neighbor the feeder connects to), `daemon_env` (foreground, no
  privilege drop, no CLI pipes unless a setting says otherwise),
  `start_daemon` (``python -m exabgp server CONF`` from `package_parent()`,
  or another command such as the 5.0.15 oracle, in its own session),
  `wait_for` a condition (`listening`, a file, a count) while it runs, and
  `stop`; `feeder` starts ``feeder.py`` against it;
* `proc_status(pid, key)` and `cpu_seconds(pid)` read ``/proc`` for a
  process's memory fields and CPU time.
"""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def package_parent() -> str:
    try:
        import exabgp
    except ImportError:
        return ROOT
    return os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def _qa(name: str):
    """The repository's ``qa/NAME.py``, loaded by path (the installed exabgp stays the one imported)."""
    spec = importlib.util.spec_from_file_location(f"qa_{name}", os.path.join(ROOT, "qa", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = str(_qa("reference").SHARED / "bench")


def oracle(name: str = "exabgp") -> str:
    return _qa("oracle").oracle_program(name)


def free_port(address: str) -> int:
    """A free port of `address` outside the kernel's ephemeral range (`qa.ports.free_port`)."""
    return _qa("ports").free_port(address)


def corpus(path, workdir: str, v4: int, v6: int, say) -> tuple:
    if path is None:
        path = os.path.join(workdir, "corpus.bgp")
        say(f"generating {path}")
        subprocess.run(
            [sys.executable, os.path.join(BENCH, "gen_corpus.py"), "-o", path, "--v4", str(v4), "--v6", str(v6), "-q"],
            check=True,
        )
    path = os.path.abspath(path)
    with open(path + ".json") as data:
        return path, json.load(data)


def stop(process, timeout: float = 10.0) -> None:
    """SIGTERM `process` if it still runs, SIGKILL it after `timeout` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


NEIGHBOR = """neighbor 127.0.0.1 {{
    router-id 127.0.0.2;
    local-address 127.0.0.2;
    local-as 65000;
    peer-as {peer_as};
    hold-time 180;
    passive;
    listen {port};
    adj-rib-in {adj_rib_in};
    family {{
{families}
    }}
{api}}}
"""


def feeder_neighbor(sidecar: dict, port: int, adj_rib_in: bool, helper: str = "") -> str:
    """The configuration of the passive neighbor `feeder` connects to: 127.0.0.1, listening on 127.0.0.2:`port`.

    Local AS 65000, the corpus's peer AS and families (its `sidecar`),
    hold time 180 s; with `helper` (a process's name) that helper reads
    the parsed UPDATEs received.
    """
    api = (
        f"    api {{\n        processes [ {helper} ];\n        receive {{ parsed; update; }}\n    }}\n"
        if helper
        else ""
    )
    return NEIGHBOR.format(
        peer_as=sidecar["session"]["peer_as"],
        port=port,
        adj_rib_in=str(adj_rib_in).lower(),
        families="\n".join(f"        {family};" for family in sidecar["session"]["families"]),
        api=api,
    )


def write(path: str, text: str) -> str:
    """Write `text` (a configuration, a helper script) to `path`, which it returns."""
    with open(path, "w") as handle:
        handle.write(text)
    return path


def daemon_env(base=None, **settings: str) -> dict:
    """`base` (default: this process's environment) with the settings a benchmark's daemon runs under.

    In the foreground, not dropping privileges, no CLI pipes; `settings`
    (``exabgp_api_cli="true"``, ``EXABGP_ROOT=...``) add to them or replace them.
    """
    env = dict(os.environ if base is None else base)
    env.update(exabgp_daemon_daemonize="false", exabgp_daemon_drop="false", exabgp_api_cli="false")
    env.update(settings)
    return env


def start_daemon(config: str, env: dict, command=None, cwd=None, **streams) -> subprocess.Popen:
    """``python -m exabgp server CONFIG`` (or `command` + CONFIG) in a session of its own.

    It runs from `package_parent()` unless `cwd` is given, with no stdin;
    `streams` are Popen's ``stdout``, ``stderr`` and ``text`` (by default
    both outputs are discarded).
    """
    options = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, **streams}
    return subprocess.Popen(
        [*(command or [sys.executable, "-m", "exabgp", "server"]), config],
        cwd=cwd or package_parent(),
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        **options,
    )


def wait_for(ready, timeout: float, failure: str, *processes, interval: float = 0.1) -> None:
    """Call `ready()` every `interval` seconds until it is true.

    RuntimeError(`failure`) once `timeout` seconds have passed or one of
    `processes` (the daemon, its peer) has exited.
    """
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
            raise RuntimeError(failure)
        time.sleep(interval)


def listening(address: str, port: int) -> bool:
    """Whether something accepts TCP connections on `address`:`port`."""
    try:
        socket.create_connection((address, port), 1).close()
    except OSError:
        return False
    return True


def feeder(corpus: str, port: int, hold_time: int, connect_timeout=None, stdout=subprocess.PIPE) -> subprocess.Popen:
    """``feeder.py`` sending `corpus` from 127.0.0.1 to the daemon listening on 127.0.0.2:`port`.

    Its JSON summary (``first_byte``, ...) is the last line of its stdout
    (text), which `stdout` may discard instead.
    """
    command = [sys.executable, os.path.join(BENCH, "feeder.py"), corpus, "--peer", "127.0.0.2", "--port", str(port)]
    command += ["--local-address", "127.0.0.1", "--hold-time", str(hold_time)]
    if connect_timeout is not None:
        command += ["--connect-timeout", str(connect_timeout)]
    return subprocess.Popen(
        command,
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )


def proc_status(pid: int, key: str) -> int:
    """A kB field of /proc/PID/status (``VmHWM``, ``VmRSS``), 0 when absent."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
