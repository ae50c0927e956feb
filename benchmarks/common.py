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
  `v6` prefixes when `path` is None.
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys

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
