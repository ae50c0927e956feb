"""Decode benchmarks on a generated full-table corpus (pytest-benchmark).

Four workloads (benchmarks/workloads.py), from the cheapest to the whole
``exabgp decode`` line:

* framing only, on both codec twins in this process;
* decode to lazy `Update` objects;
* decode with every attribute and NLRI decoded;
* decode + the JSON line per UPDATE, envelope included, with the codec's
  fast path as `exabgp decode` uses it, and with the general renderer alone.

Speed is reported, never asserted: ``extra_info`` carries messages/s and
prefixes/s from the median round.  What IS asserted is that the measured code
did the work: message, prefix and octet counts equal the corpus sidecar's
totals, and the JSON lines parse and carry the corpus's routes.
"""

import json

import pytest

import exabgp._codec

TWIN = exabgp._codec.IMPLEMENTATION


def _report(benchmark, corpus, twin: str) -> None:
    """Throughput from the median round (absent with --benchmark-disable)."""
    benchmark.extra_info["twin"] = twin
    benchmark.extra_info["messages"] = corpus.messages
    benchmark.extra_info["prefixes"] = corpus.routes
    stats = getattr(benchmark, "stats", None)
    median = stats.stats.median if stats is not None else 0
    if median:
        benchmark.extra_info["messages_per_s"] = round(corpus.messages / median)
        benchmark.extra_info["prefixes_per_s"] = round(corpus.routes / median)


def test_framing(benchmark, corpus, codec, workloads, rounds):
    benchmark.group = "framing"
    session = workloads.session_of(corpus.sidecar)
    messages, consumed = benchmark.pedantic(
        workloads.frame, (codec, corpus.data, session), rounds=rounds, warmup_rounds=1
    )
    _report(benchmark, corpus, codec.IMPLEMENTATION)
    assert consumed == corpus.sidecar["bytes"] == len(corpus.data)
    assert len(messages) == corpus.messages
    assert {msg_type for msg_type, _ in messages} == {2}
    assert sum(len(body) for _, body in messages) + 19 * len(messages) == consumed


@pytest.mark.parametrize("twin", [TWIN])
def test_decode_lazy(benchmark, corpus, workloads, rounds, twin):
    benchmark.group = "decode to lazy Update"
    session = workloads.session_of(corpus.sidecar)
    tally = benchmark.pedantic(workloads.decode_lazy, (corpus.data, session), rounds=rounds, warmup_rounds=1)
    _report(benchmark, corpus, twin)
    assert tally.messages == corpus.messages
    # every octet of every body landed in one of the three sections (+ the two length fields)
    assert tally.octets == corpus.sidecar["bytes"] - 19 * corpus.messages


@pytest.mark.parametrize("twin", [TWIN])
def test_decode_full(benchmark, corpus, workloads, rounds, twin):
    benchmark.group = "decode attributes and NLRI"
    session = workloads.session_of(corpus.sidecar)
    tally = benchmark.pedantic(workloads.decode_full, (corpus.data, session), rounds=rounds)
    _report(benchmark, corpus, twin)
    assert tally.messages == corpus.messages
    assert tally.prefixes == corpus.routes


@pytest.mark.parametrize("twin", [TWIN])
@pytest.mark.parametrize("renderer", ["update_json", "general_update_json"])
def test_decode_json(benchmark, corpus, workloads, rounds, twin, renderer):
    """`update_json` (fast path first, as `exabgp decode`) and the general renderer alone."""
    benchmark.group = "decode + JSON line"
    session = workloads.session_of(corpus.sidecar)
    render = workloads.RENDERERS[renderer]
    tally = benchmark.pedantic(workloads.decode_json, (corpus.data, session, render), rounds=rounds)
    _report(benchmark, corpus, twin)
    assert tally.messages == corpus.messages
    assert tally.prefixes == corpus.routes
    assert tally.octets > 500 * corpus.messages


def test_json_lines_parse(corpus, workloads):
    """The lines the JSON benchmark renders are JSON, with the corpus's routes and End-of-RIBs."""
    session = workloads.session_of(corpus.sidecar)
    announced = {}
    eors = []
    for _index, line in workloads.sample_lines(corpus.data, session, 1):
        message = json.loads(line)["neighbor"]["message"]
        if "eor" in message:
            eors.append(f"{message['eor']['afi']} {message['eor']['safi']}")
            continue
        for family, groups in message["update"]["announce"].items():
            announced[family] = announced.get(family, 0) + sum(len(nlris) for nlris in groups.values())
    assert announced == {family: stats["routes"] for family, stats in corpus.sidecar["families"].items()}
    assert sorted(eors) == sorted(corpus.sidecar["session"]["families"])
