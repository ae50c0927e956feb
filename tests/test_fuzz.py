"""The fuzzing harness (qa/fuzz): its corpus of inputs that once failed, a short seeded run, its teeth.

* Every input of ``tests/fuzz_corpus/TARGET/*.hex`` (an input that failed
  once, minimised, with what failed in its comment lines) is run through its
  target: the codec targets compare both twins on it, the model and
  receive-path targets run on this build's twin (CI runs the suite on the
  compiled build and on the pure one).
* A short seeded run of every target (its seeds, then `SHORT` mutated
  inputs) finds nothing; `python -m qa.fuzz` runs the long ones.
* The rules bite: twins that differ, and a session that reports an UPDATE
  before validating it (issue 9, hole 1), are findings; a finding is
  minimised to what makes it fail.
"""

import pytest

from exabgp._codec import CodecError, frame_message
from exabgp.reactor import peer as peer_module
from exabgp.session import Delivery
from qa.fuzz import codec as fuzz_codec
from qa.fuzz import seeds
from qa.fuzz.engine import Finding, generated, minimize, run_target
from qa.fuzz.receive import ReceiveTarget
from qa.fuzz.targets import targets

TARGETS = targets()
CORPUS = [
    (directory.name, path)
    for directory in sorted(seeds.CORPUS.iterdir())
    if directory.is_dir()
    for path in sorted(directory.glob("*.hex"))
]
SHORT = 150


def test_the_corpus_names_known_targets():
    assert CORPUS, "the corpus holds the inputs that failed once"
    assert {target for target, _path in CORPUS} <= set(TARGETS)


@pytest.mark.parametrize("target, path", CORPUS, ids=[f"{target}/{path.stem}" for target, path in CORPUS])
def test_corpus_input(target, path):
    TARGETS[target].run(seeds.read_input(path))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TARGETS))
def test_short_seeded_run_finds_nothing(name):
    stats = run_target(TARGETS[name], seed=0, count=SHORT)
    assert stats.executions >= SHORT
    assert not stats.findings, "\n".join(text for _data, _index, text in stats.findings.values())


def test_inputs_are_reproducible_from_the_seed():
    pool = [b"\x00\x01\x02\x03\x04", b"\xff" * 19]
    assert generated(7, "codec.nlri", 3, pool) == generated(7, "codec.nlri", 3, pool)
    assert len({generated(7, "codec.nlri", index, pool) for index in range(50)}) > 40


def test_twins_that_differ_are_a_finding(compiled_codec):
    target = fuzz_codec.CodecTarget("differs", lambda codec, options, payload: codec.IMPLEMENTATION, lambda parts: [])
    with pytest.raises(Finding, match="the twins differ"):
        target.run(b"\x00\x00")


def test_an_update_reported_before_it_is_validated_is_a_finding(monkeypatch):
    """Issue 9 hole 1 as it was: a session that hands an UPDATE to the helpers before validating it lets the
    renderer's CodecError escape the connection; the harness must see it."""
    body = bytes.fromhex("0000 0014 40010100 4002060201 0000fde9 400304c0000201") + bytes.fromhex("21 0a000001 00")
    data = bytes((0x00, 0x0C, 0x09, 0x00)) + frame_message(2, body)
    target = ReceiveTarget()
    target.run(data)  # as the session is: 3/10 and state down
    monkeypatch.setattr(peer_module, "delivery", lambda neighbor, reporter: Delivery.RECORDED)
    with pytest.raises(CodecError, match="3/10"):
        target.run(data)


def test_minimize_keeps_the_failure_and_drops_the_rest():
    def run(data):
        if b"\xaa\xbb" in data[1:]:
            raise ValueError("found aabb")

    data = b"\x07" + bytes(range(40)) + b"\xaa\xbb" + bytes(range(30))
    small = minimize(run, data, "ValueError: found aabb")
    assert small == b"\x07\xaa\xbb"
