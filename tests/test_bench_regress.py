"""The benchmark regression guard (`benchmarks/results.py`, `benchmarks/regress.py compare`) on synthetic results.

The comparison must fail on a real regression, name the workload, and pass
a difference the repeated runs of both sides explain
(BENCHMARKS.md, "Regressions": threshold = the sum of both sides' relative interquartile
range, widened for fewer than 7 rounds, at least 5 %); it compares ratios to the reference measured in the same run,
so a machine that got slower as a whole is not a regression.  The
committed baselines must be valid result files.  No benchmark runs here:
the results are made up, the test takes milliseconds.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGRESS = ROOT / "benchmarks" / "regress.py"
_spec = importlib.util.spec_from_file_location("exabgp_bench_results", ROOT / "benchmarks" / "results.py")
results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(results)

STEADY = [0.100, 0.101, 0.099, 0.100, 0.102, 0.100, 0.099]  # seven rounds, ±1.5 %
REFERENCE = [2.0] * 7  # the ratios carry the noise of the runs only (the last tests vary it)


def record(runs: list, reference: list = REFERENCE, sha256: str = "a" * 64, name: str = "decode json (c)") -> dict:
    """A result file's content with one workload whose reference is ``exabgp 5.0.15 json``."""
    return {
        "format": results.FORMAT,
        "commit": "0" * 40,
        "describe": "test",
        "date": "2026-12-05T00:00:00Z",
        "corpus": {"v4": 20000, "v6": 5000, "sha256": sha256},
        "references": {"exabgp 5.0.15 json": results.summary("s", reference)},
        "workloads": {name: results.workload("s", runs, "exabgp 5.0.15 json", reference)},
    }


def verdict(baseline: dict, result: dict):
    verdicts, _, _ = results.compare(baseline, result)
    assert len(verdicts) == 1
    return verdicts[0]


def test_noise_is_the_relative_interquartile_range():
    assert results.noise([1.0, 1.0, 1.0]) == 0.0
    assert results.noise([0.9, 1.0, 1.1]) == pytest.approx(0.1)  # three runs: half the range
    assert results.noise([0.9, 0.95, 1.0, 1.05, 1.1]) == pytest.approx(0.1)
    assert results.noise([0.95, 0.95, 1.0, 1.05, 3.0]) == pytest.approx(0.1)  # one burst of load does not widen it
    assert results.noise([5.0]) == 0.0


def test_ratios_pair_each_round_with_its_reference():
    entry = results.workload("s", [1.0, 2.0, 3.0], "ref", [10.0, 10.0, 20.0])
    assert entry["ratios"] == [0.1, 0.2, 0.15]
    assert entry["ratio"] == 0.15 and entry["median"] == 2.0
    with pytest.raises(ValueError):
        results.workload("s", [1.0, 2.0], "ref", [1.0])


def test_a_real_regression_fails():
    slower = [value * 1.30 for value in STEADY]
    found = verdict(record(STEADY), record(slower))
    assert found.outcome == "regression"
    assert found.change == pytest.approx(0.30)
    assert found.threshold == results.MIN_THRESHOLD  # both sides steady: the floor
    assert found.figure == "ratio to exabgp 5.0.15 json"


def test_a_change_within_the_noise_passes():
    noisy = [0.085, 0.090, 0.100, 0.115, 0.095, 0.105, 0.110]  # interquartile range 15 % of the median
    found = verdict(record(noisy), record([value * 1.12 for value in noisy]))
    assert found.outcome == "same"
    assert found.threshold == pytest.approx(0.30)
    # the same change is a regression when both sides are steady
    assert verdict(record(STEADY), record([value * 1.12 for value in STEADY])).outcome == "regression"


def test_a_change_under_the_floor_passes_even_without_noise():
    assert verdict(record([0.1] * 7), record([0.103] * 7)).outcome == "same"


def test_a_time_below_the_resolution_is_not_judged():
    """A median of 0 (a workload too short for its clock, on a tiny corpus) is reported, never failed."""
    assert verdict(record([0.0] * 7), record(STEADY)).outcome == "unresolved"
    assert verdict(record(STEADY), record([0.0] * 7)).outcome == "unresolved"


def test_few_rounds_widen_the_threshold():
    """A spread measured on few runs is unsure: x2 up to 4 runs a side, x1.5 for 5 or 6."""
    three = [0.095, 0.100, 0.105]  # noise 5 %
    assert verdict(record(three, [2.0] * 3), record([v * 1.15 for v in three], [2.0] * 3)).threshold == pytest.approx(
        0.2
    )
    assert verdict(record(three, [2.0] * 3), record([v * 1.25 for v in three], [2.0] * 3)).outcome == "regression"
    five = [0.095, 0.0975, 0.100, 0.1025, 0.105]  # noise 5 %
    assert verdict(record(five, [2.0] * 5), record(five, [2.0] * 5)).threshold == pytest.approx(0.15)


def test_a_machine_slower_as_a_whole_is_not_a_regression():
    """Ours and the reference 60 % slower together: the ratio holds (absolute times are not compared)."""
    varying = [2.00, 2.10, 1.95, 2.05, 2.00, 1.90, 2.20]
    loads = [value / 2.0 for value in varying]
    calm = record([value * load for value, load in zip(STEADY, loads, strict=True)], varying)
    busy = record([value * 1.6 for value in calm["workloads"]["decode json (c)"]["runs"]], [v * 1.6 for v in varying])
    assert verdict(calm, busy).outcome == "same"
    # and ours alone 60 % slower under the same load is one
    assert verdict(calm, record(busy["workloads"]["decode json (c)"]["runs"], varying)).outcome == "regression"


def test_an_improvement_is_reported_and_passes():
    assert verdict(record(STEADY), record([value * 0.5 for value in STEADY])).outcome == "improvement"


def test_workloads_on_one_side_only_are_listed():
    baseline, result = record(STEADY), record(STEADY, name="decode full (c)")
    verdicts, gone, new = results.compare(baseline, result)
    assert (verdicts, gone, new) == ([], ["decode json (c)"], ["decode full (c)"])


def test_runs_on_other_corpora_are_not_compared():
    with pytest.raises(results.Incomparable):
        results.compare(record(STEADY), record(STEADY, sha256="b" * 64))


def compare_command(tmp_path, baseline: dict, result: dict):
    results.save(baseline, tmp_path / "baseline.json")
    results.save(result, tmp_path / "result.json")
    return subprocess.run(
        [sys.executable, str(REGRESS), "compare", str(tmp_path / "baseline.json"), str(tmp_path / "result.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_fails_naming_the_regressed_workload(tmp_path):
    done = compare_command(tmp_path, record(STEADY), record([value * 1.3 for value in STEADY]))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED" in done.stdout and "decode json (c)" in done.stdout.splitlines()[-1]


def test_the_command_passes_within_the_noise(tmp_path):
    done = compare_command(tmp_path, record(STEADY), record([value * 1.02 for value in STEADY]))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "regress: OK" in done.stdout


def test_the_command_refuses_other_corpora(tmp_path):
    done = compare_command(tmp_path, record(STEADY), record(STEADY, sha256="b" * 64))
    assert done.returncode == 2, done.stdout + done.stderr


BASELINES = sorted((ROOT / "benchmarks" / "results").glob("baseline-*.json"))


def test_a_release_baseline_is_committed():
    assert BASELINES, 'benchmarks/results/baseline-*.json (BENCHMARKS.md, "Regressions")'


@pytest.mark.parametrize("path", BASELINES, ids=[path.name for path in BASELINES])
def test_committed_baselines_are_valid_results(path):
    """Every workload has repeated runs and a ratio to its reference, which the file holds too."""
    baseline = results.load(path)
    assert baseline["commit"] and baseline["package"] and baseline["corpus"]["sha256"]
    for name, entry in baseline["workloads"].items():
        assert len(entry["runs"]) >= 3, name
        assert entry["reference"] in baseline["references"], name
        assert len(entry["ratios"]) == len(entry["runs"]), name
    verdicts, gone, new = results.compare(baseline, baseline)
    assert {v.outcome for v in verdicts} == {"same"} and not gone and not new
