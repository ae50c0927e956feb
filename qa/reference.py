"""ExaBGP 5.0's reference data in ../shared/exabgp-reference, as the tests read it (absent on some machines).

`SHARED` is ``../shared``: beside the checkout, or, for a git worktree
(whose ``.git`` file names the main repository's), beside the main
checkout (the benchmarks' tools are in its ``bench``); `REFERENCE` is its
``exabgp-reference`` folder.
Tests take it from the ``reference`` fixture of tests/conftest.py, which is
`require_reference()`: the folder, or the test skips when it is absent, or
fails under ``EXABGP_REFERENCE_REQUIRED=1`` (set it where ../shared must be
found: a run that should read it then cannot skip it silently);
`reference_files(pattern)` lists its files for a parametrize (one ``None``
when it is absent: the test's fixture then skips or fails);
`update_bodies(reference, name)` the bodies of the UPDATE messages of
``encoding/NAME.msg``, End-of-RIB markers left out, in file order.
"""

import os
import pathlib


def _shared() -> pathlib.Path:
    checkout = pathlib.Path(__file__).resolve().parent.parent
    found = checkout.parent / "shared"
    link = checkout / ".git"
    if not found.is_dir() and link.is_file():
        text = link.read_text().strip()
        if text.startswith("gitdir:"):  # <main>/.git/worktrees/<name>
            main = pathlib.Path(text[len("gitdir:") :].strip()).parent.parent.parent
            found = main.parent / "shared"
    return found


SHARED = _shared()
REFERENCE = SHARED / "exabgp-reference"
#: set where ../shared must be found: a missing reference folder then fails the tests that read it instead of skipping them
REQUIRED = "EXABGP_REFERENCE_REQUIRED"


def _absent(reason: str):
    """Skip the test for `reason`, or fail it under ``EXABGP_REFERENCE_REQUIRED=1``."""
    import pytest

    if os.environ.get(REQUIRED) == "1":
        pytest.fail(f"{reason} ({REQUIRED}=1)")
    pytest.skip(reason)


def require_reference() -> pathlib.Path:
    """`REFERENCE` for a test: skip when it is absent, fail under ``EXABGP_REFERENCE_REQUIRED=1``."""
    if REFERENCE.is_dir():
        return REFERENCE
    _absent(f"ExaBGP's reference material (../shared/exabgp-reference) is not at {REFERENCE}")


def require_gen_corpus() -> str:
    """The path of ../shared/bench/gen_corpus.py (the full-table generator) for a test, as `require_reference`."""
    path = SHARED / "bench" / "gen_corpus.py"
    if path.is_file():
        return str(path)
    _absent(f"the benchmark tools of ../shared are not at {path.parent}")


def reference_files(pattern: str) -> list:
    """The files of `REFERENCE` matching `pattern` (a glob relative to it), sorted; ``[None]`` when it is absent."""
    return sorted(REFERENCE.glob(pattern)) if REFERENCE.is_dir() else [None]


_EOR_BODY_PREFIX = b"\x00\x00\x00\x07"  # no withdrawn routes, 7 octets of attributes: an MP_UNREACH End-of-RIB


def update_bodies(reference: pathlib.Path, name: str) -> list:
    """The UPDATE bodies of ``encoding/NAME.msg`` in the `reference` folder (End-of-RIB aside)."""
    bodies = []
    for line in (reference / "encoding" / f"{name}.msg").read_text().splitlines():
        if "#" in line or ":raw:" not in line:
            continue
        raw = bytes.fromhex(line.split(":raw:", 1)[1].replace(":", "").replace(" ", ""))
        if raw[18] == 2 and raw[19:23] != _EOR_BODY_PREFIX:
            bodies.append(raw[19:])
    return bodies
