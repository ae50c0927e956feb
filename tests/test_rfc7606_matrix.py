"""The RFC 7606 matrix (`qa.rfc7606`) on live sessions: our daemon answers as the RFCs say, 5.0.15 as recorded.

Every path attribute of our table times each malformation class (bad
length, bad flags, duplicate, bad content, wrong place or family), plus an
unrecognized well-known attribute and a short UPDATE, each sent by a BGP
peer to the daemon, which reports to a JSON helper.  The expected answers
are written in `qa.rfc7606` from the RFCs (session reset with its
NOTIFICATION, treat-as-withdraw, attribute discard, accepted), each with
its section.

* `test_our_daemon_answers_as_the_rfcs_say`: our daemon, every case, the
  NOTIFICATIONs, the helper's ``down`` lines and JSON (runs without the
  oracle);
* `test_5_0_15_answers_as_recorded`: ExaBGP 5.0.15 on the same octets (at
  the same time as ours): it answers as the RFCs say except where
  `qa.rfc7606.DIFFERENCES` records otherwise (recorded from 5.0.15 with
  ``python -m qa.rfc7606 --record``), and every recorded difference is still
  one (docs/compatibility.md lists them);
* the table itself: it covers every attribute of `exabgp.bgp.attribute`
  and each class where it applies.
"""

import importlib

import pytest

from exabgp.bgp.attribute import ATTRIBUTES

matrix = importlib.import_module("qa.rfc7606")
oracle = importlib.import_module("qa.oracle")


def _check_ours(played: dict) -> None:
    answers = matrix.answers_of(played)
    wrong = {
        case.name: (case.expected, answers.get(case.name))
        for case in matrix.CASES
        if answers.get(case.name) != case.expected
    }
    assert not wrong, "\n".join(f"{name}: RFC {expected}, ours {found}" for name, (expected, found) in wrong.items())
    for mode, observed in played.items():
        # every session ends with a reset, but the last one when its last case is no reset: we end it (Cease);
        # the helper is told each end
        ours_to_end = observed.sessions - len(observed.resets)
        told = [f"notification sent ({code},{subcode})" for code, subcode in observed.resets]
        assert ours_to_end in (0, 1) and observed.downs == told + ["notification received (6,2)"] * ours_to_end, (
            mode,
            observed.downs,
        )


def test_the_matrix_covers_every_attribute_and_class():
    names = [case.name for case in matrix.CASES]
    assert len(names) == len(set(names))
    kinds = {}
    for case in matrix.CASES:
        kinds.setdefault(case.code, set()).add(case.kind)
    for code in ATTRIBUTES:
        assert {"flags", "duplicate"} <= kinds[code] and ("length" in kinds[code]), code
    assert kinds[1] >= {"content", "place"} and kinds[2] >= {"content", "place"} and "place" in kinds[3]
    assert kinds[14] == kinds[15] == {"length", "flags", "duplicate", "content", "place"}
    assert {case.expected for case in matrix.CASES} >= {
        matrix.WITHDRAW,
        matrix.DISCARD,
        matrix.ACCEPTED,
        "reset 3/1",
        "reset 3/2",
        "reset 3/9",
        "reset 1/2",
    }
    assert set(matrix.DIFFERENCES) <= set(names)
    assert all(
        matrix.DIFFERENCES[case.name] != case.expected for case in matrix.CASES if case.name in matrix.DIFFERENCES
    )


@pytest.mark.slow
def test_our_daemon_answers_as_the_rfcs_say(tmp_path):
    _check_ours(matrix.play(matrix.ours_command(), "ours", str(tmp_path)))


@pytest.mark.slow
def test_5_0_15_answers_as_recorded(tmp_path):
    reference = oracle.require_oracle()
    ours, theirs = matrix.play_both(str(tmp_path), reference)
    _check_ours(ours)
    answers = matrix.answers_of(theirs)
    unexpected = {
        case.name: (matrix.DIFFERENCES.get(case.name, case.expected), answers.get(case.name))
        for case in matrix.CASES
        if answers.get(case.name) != matrix.DIFFERENCES.get(case.name, case.expected)
    }
    assert not unexpected, "\n".join(
        f"{name}: recorded {recorded}, 5.0.15 now {found}" for name, (recorded, found) in unexpected.items()
    )
