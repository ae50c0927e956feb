"""The decode differential (qa.differential.decode): ours and ExaBGP 5.0.15 agree on every message but the known.

`test_no_unexplained_divergence` is the CI-sized run: the project's vectors,
ExaBGP's reference material when ``../shared`` has it, and `COUNT`
generated messages of every family from `SEED`, each under every context;
any difference `qa.differential.known` does not explain fails it, with the
command lines to replay it (``python -m qa.differential.decode --seed N
--count N --verbose`` for a longer run).  The other tests hold the harness
to what it claims: the batched oracle answers as ``exabgp decode`` run once
per message, the generator is reproducible and its valid messages decode,
and the known table explains nothing it does not name.
"""

import subprocess


from qa import oracle
from qa.differential import decode as differential
from qa.differential import generate, known
import pytest

pytestmark = pytest.mark.slow  # runs ExaBGP 5.0.15 (the oracle) over long seeded searches

SEED = 8
COUNT = 800


def test_no_unexplained_divergence():
    oracle.require_oracle("python")
    report = differential.run(SEED, COUNT)
    assert report.compared > 6 * COUNT
    assert not report.divergences, f"{report.summary()}\n{report.details()}"


def test_the_batched_oracle_answers_as_exabgp_decode(tmp_path):
    """The driver runs 5.0.15's decode command in one process: the answers of `bin/exabgp decode`."""
    program = oracle.require_oracle("exabgp")
    configurations = differential.write_configurations(str(tmp_path))
    payloads = [item.message.hex() for item in generate.messages(SEED, 12)]
    cases = [
        (payloads[0],),
        ("-i", payloads[1]),
        ("-f", "ipv4 mcast-vpn", payloads[3]),
        ("-c", configurations["capabilities"], payloads[5]),
        ("-c", configurations["nexthop"], payloads[6]),
        ("-n", "-f", "ipv4 unicast", "180A0000"),
        ("not hexadecimal",),
        ("FFFF",),
    ]
    with differential.Oracle() as batched:
        for args in cases:
            alone = subprocess.run([program, "decode", *args], capture_output=True, text=True, timeout=60, cwd=tmp_path)
            assert batched.run(args) == differential.Outcome.of(alone.returncode, alone.stdout), args


def test_generated_messages_are_reproducible_and_the_valid_ones_decode():
    first, again = generate.messages(5, 60), generate.messages(5, 60)
    assert first == again and first != generate.messages(6, 60)
    assert {item.family for item in first} == set(generate.GENERATED_FAMILIES)
    valid = [item for item in first if not item.malformed]
    assert valid and len(valid) < len(first)
    for item in valid:
        options = ("-i",) if item.addpath else ()
        outcome = differential.ours(options + (item.message.hex(),))
        assert outcome.code == 0, (item, outcome)
        assert "error" not in str(outcome.lines), (item, outcome)


def test_volatile_fields_are_masked_and_nothing_else():
    line = (
        '{ "exabgp": "5.0.0", "time": 1.5, "host" : "h", "pid" : 1, "ppid" : 2, "counter": 3, "type": "update", '
        '"neighbor": { "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }'
    )
    other = line.replace("1.5", "9").replace('"h"', '"x"').replace('"counter": 3', '"counter": 7')
    assert differential.Outcome.of(0, line + "\n") == differential.Outcome.of(0, other + "\n")
    assert differential.Outcome.of(0, line) != differential.Outcome.of(0, line.replace("ipv4", "ipv6"))
    assert differential.Outcome.of(1, "invalid payload\n").lines == ("invalid payload",)


def test_the_known_table_explains_only_what_it_names():
    """An IPv4 unicast UPDATE decoded differently, in no context a known entry names: a divergence."""
    payload = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF002F02000000144001010040020602010000FDE84003040A00000118C00002"
    case = differential.Case("test", (payload,), bytes.fromhex(payload))
    ours = differential.ours(case.args)
    assert ours.code == 0
    assert known.explain("decode", case, ours, differential.Outcome.of(1, "invalid payload\n")) is None
    assert known.explain("decode", case, ours, differential.Outcome.of(0, "{}\n")) is None
    with_f = differential.Case("test", ("-f", "ipv6 unicast", payload), bytes.fromhex(payload))
    assert (
        known.explain("decode", with_f, ours, differential.Outcome.of(1, "invalid payload\n"))
        == "decode -f keeps other families"
    )


def _decoded(update: str) -> "differential.Outcome":
    return differential.Outcome.of(
        0,
        '{ "exabgp": "5.0.0", "time": 0, "type": "update", "neighbor": { "message": '
        f'{{ "update": {update} }} }} }}\n',
    )


def test_the_rfc_answer_entries_explain_only_what_they_name():
    """A malformed ORIGIN (RFC 7606 7.1) and a discard for wrong flags (RFC 7606 3 c) explain their own
    difference, on a message that has that cause."""
    nlri = '"announce": { "ipv4 unicast": { "10.0.0.1": [ { "nlri": "10.0.0.0/24" } ] } }'
    origin = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0030020000001540010200004002060201000000014003040A000001180A0000"
    case = differential.Case("test", (origin,), bytes.fromhex(origin))
    theirs = _decoded(f'{{ "attribute": {{ "origin": "igp", "as-path": [1] }}, {nlri} }}')
    ours = _decoded(f'{{ "attribute": {{ "as-path": [1], "error": "treat-as-withdraw" }}, {nlri} }}')
    assert known.explain("decode", case, ours, theirs) == "ORIGIN malformed: treat-as-withdraw"
    assert (
        known.explain(
            "decode", case, _decoded(f'{{ "attribute": {{ "error": "treat-as-withdraw" }}, {nlri} }}'), theirs
        )
        is None
    )
    valid = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF002F0200000014400101004002060201000000014003040A000001180A0000"
    assert known.explain("decode", differential.Case("test", (valid,), bytes.fromhex(valid)), ours, theirs) is None

    flagged = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003202000000174001010040020602010000FDE84003040A000001400600180A0000"
    case = differential.Case("test", (flagged,), bytes.fromhex(flagged))
    theirs = _decoded(f'{{ "attribute": {{ "origin": "igp" }}, {nlri} }}')
    said = _decoded(f'{{ "attribute": {{ "origin": "igp", "error": "discard" }}, {nlri} }}')
    assert known.explain("decode", case, said, theirs) is None  # 0x40 is ATOMIC_AGGREGATE's own flags
    flagged = flagged.replace("400600", "C00600")
    case = differential.Case("test", (flagged,), bytes.fromhex(flagged))
    assert known.explain("decode", case, said, theirs) == "discard for wrong flags said"
    assert (
        known.explain("decode", case, _decoded(f'{{ "attribute": {{ "error": "discard" }}, {nlri} }}'), theirs) is None
    )
