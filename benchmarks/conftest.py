"""Fixtures of the benchmark suite: the corpus, the workloads and the twins.

The corpus is a full BGP table written at run time by the shared generator
``<repo>/../shared/bench/gen_corpus.py`` (deterministic: same flags, same
bytes; the sidecar ``.json`` holds the totals the benchmarks check against).
By default it is small (20,000 IPv4 + 5,000 IPv6 prefixes, about 9,000
UPDATEs); ``EXABGP_BENCH_FULL=1`` asks for the generator's default full table
(1,000,000 + 220,000 prefixes, about 458,000 UPDATEs).  It is kept in pytest's
cache directory and regenerated only when its SHA-256 no longer matches its
sidecar.  Without ``../shared`` every benchmark is skipped.

``EXABGP_BENCH_ROUNDS`` sets the rounds per benchmark (default 3).

Twins: the codec twins are modules, so the codec-level benchmark runs both
in one process (``exabgp._codec.load("c")`` and ``load("py")``).  The model
(`exabgp.bgp`, `exabgp.api`) is bound to the twin the selector chose at
import, once per process; model-level benchmarks measure that twin, and the
suite is run a second time with ``EXABGP_NO_EXTENSIONS=1`` for the other one
(see BENCHMARKS.md).
"""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import exabgp._codec

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path):
    """A module of this directory by its path (the test directory is not on sys.path)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN_CORPUS = Path(_load("exabgp_bench_common", HERE / "common.py").BENCH) / "gen_corpus.py"
SMALL = {"v4": 20000, "v6": 5000}
FULL = {"v4": 1000000, "v6": 220000}

#: The twins this process can run at the codec level: both when the compiled one loaded.
TWINS = ("c", "py") if exabgp._codec.IMPLEMENTATION == "c" else ("py",)


@dataclass(frozen=True)
class Corpus:
    """A generated corpus in memory with the totals of its sidecar."""

    path: Path
    data: bytes
    sidecar: dict

    @property
    def messages(self) -> int:
        return self.sidecar["messages"]

    @property
    def routes(self) -> int:
        return self.sidecar["routes"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _usable(path: Path, size: dict) -> bool:
    sidecar_path = path.with_name(path.name + ".json")
    if not path.is_file() or not sidecar_path.is_file():
        return False
    sidecar = json.loads(sidecar_path.read_text())
    parameters = sidecar.get("parameters", {})
    if parameters.get("v4") != size["v4"] or parameters.get("v6") != size["v6"]:
        return False
    return sidecar["files"]["corpus"]["sha256"] == _sha256(path)


def generate_corpus(directory: Path, size: dict) -> Path:
    """Write (or reuse) the corpus of `size` in `directory`; returns its path."""
    path = directory / f"corpus-{size['v4']}-{size['v6']}.bgp"
    if not _usable(path, size):
        subprocess.run(
            [sys.executable, str(GEN_CORPUS), "-q", "-o", str(path), "--v4", str(size["v4"]), "--v6", str(size["v6"])],
            check=True,
        )
    return path


@pytest.fixture(scope="session")
def corpus(request, tmp_path_factory) -> Corpus:
    if not GEN_CORPUS.is_file():
        pytest.skip(f"corpus generator not found at {GEN_CORPUS} (../shared is absent)")
    size = FULL if os.environ.get("EXABGP_BENCH_FULL") == "1" else SMALL
    cache = getattr(request.config, "cache", None)
    directory = Path(cache.mkdir("bench-corpus")) if cache is not None else tmp_path_factory.mktemp("corpus")
    path = generate_corpus(directory, size)
    sidecar = json.loads(path.with_name(path.name + ".json").read_text())
    return Corpus(path=path, data=path.read_bytes(), sidecar=sidecar)


@pytest.fixture(scope="session")
def workloads():
    """benchmarks/workloads.py as a module."""
    return _load("exabgp_bench_workloads", HERE / "workloads.py")


@pytest.fixture(scope="session")
def rounds() -> int:
    return int(os.environ.get("EXABGP_BENCH_ROUNDS", "3"))


@pytest.fixture(params=TWINS)
def codec(request):
    """A codec twin by name, independent of the process-wide choice."""
    return exabgp._codec.load(request.param)
