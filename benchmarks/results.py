"""Benchmark result files, and the comparison that tells a regression from noise.

One run of ``benchmarks/regress.py run`` is one JSON file, written by `save`
(standard library only: the comparison needs no installed package)::

    {"format": 1,
     "commit": "<full hash>", "dirty": false, "package": "fastbgp 0.9.0",
     "date": "2026-12-05T19:00:00Z", "machine": {... cpu, cores, python, load averages ...},
     "corpus": {"v4": 20000, "v6": 5000, "messages": 9028, "routes": 25000, "sha256": "..."},
     "rounds": 5, "settings": {...},
     "references": {NAME: {"unit": "s", "runs": [...], "median": ...}},
     "workloads": {NAME: {"unit": "s", "runs": [...], "median": ..., "noise": ...,
                          "reference": NAME, "ratios": [...], "ratio": ..., "ratio_noise": ...}}}

A workload is something of ours that must not get slower (``json (c)``,
``ingest adj-rib-in true``, ...); its ``runs`` are one value per round of the
run, lower is better.  Its reference is something measured in the same round
that our changes do not touch (ExaBGP 5.0.15 doing the same work, BIRD
ingesting the same table, the helper reading the same lines alone): ratio i
is ``runs[i] / reference runs[i]``, both measured one after the other, under
the same load of the machine.  Absolute times on a shared machine drift by
tens of percent from one hour to the next; the ratio cancels most of that.

`compare(baseline, result)` judges every workload present on both sides.
The figure compared is the ratio when both sides have one to the same
reference, else the median time.  For each side, its noise is the
interquartile range of its repeated values over their median (for three
runs, half their range: ``(max - min) / (2 * median)``), a spread that one
run disturbed by a burst of load on the machine does not widen; the
threshold of a workload is the sum of the two sides' noise, times
`factor` when a side has fewer than 7 runs (2 up to 4 runs, 1.5 for 5 or
6: a spread measured on few runs is itself unsure), and never less than
`MIN_THRESHOLD` (a difference smaller than that is not worth a failure,
whatever the spread).  The change is ``result median / baseline
median - 1``: above the threshold it is a regression (the command fails),
below minus the threshold an improvement, else "same".  In words: a
regression is a change of the median larger than the spread of the middle
half of both sides' runs.  Simulated on runs with 10 % normal noise, or
with bursts of load (a quarter of the runs slower by a random amount),
this fails by chance about once in 100 to 300 comparisons of a workload
(3 to 7 rounds a side); with 7 rounds it catches a 30 % slowdown 3 times
in 4 (6 in 10 with the bursts), a 50 % one 99 times in 100 (8 in 10).
With the noise of the CPU-time groups (2-4 %) the 5 % floor decides.
"""

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
#: the smallest change reported as a regression or an improvement, whatever the measured noise
MIN_THRESHOLD = 0.05


def factor(rounds: int) -> float:
    """What the summed noise is multiplied by when a side has only `rounds` runs (few runs, unsure spread)."""
    return 2.0 if rounds <= 4 else 1.5 if rounds <= 6 else 1.0


def noise(values: list) -> float:
    """The interquartile range of repeated values over their median (half the range for three; 0 for one)."""
    middle = statistics.median(values)
    if len(values) < 2 or not middle:
        return 0.0
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return (third - first) / middle


def summary(unit: str, runs: list) -> dict:
    """A measured series: its unit, the runs, their median and noise."""
    return {"unit": unit, "runs": runs, "median": statistics.median(runs), "noise": round(noise(runs), 4)}


def workload(unit: str, runs: list, reference: str | None = None, reference_runs: list | None = None) -> dict:
    """One workload's entry; with a reference, the ratio of each round to the reference's run of that round."""
    entry = summary(unit, runs)
    if reference is not None:
        if not reference_runs or len(reference_runs) != len(runs):
            raise ValueError(f"{len(runs)} runs but {len(reference_runs or [])} reference runs")
        ratios = [ours / theirs for ours, theirs in zip(runs, reference_runs, strict=True)]
        entry.update(
            reference=reference,
            ratios=ratios,
            ratio=statistics.median(ratios),
            ratio_noise=round(noise(ratios), 4),
        )
    return entry


def save(record: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")


def load(path: Path) -> dict:
    record = json.loads(Path(path).read_text())
    if record.get("format") != FORMAT:
        raise ValueError(f"{path}: not a benchmark result of format {FORMAT}")
    return record


@dataclass(frozen=True)
class Verdict:
    """The comparison of one workload: what was compared, the change, the threshold and the outcome."""

    name: str
    figure: str  # "ratio to <reference>" or "seconds" (the unit, without a reference)
    baseline: float
    result: float
    change: float  # result / baseline - 1
    threshold: float
    outcome: str  # "regression", "improvement", "same", or "unresolved" (a median of 0: too short to measure)

    def line(self) -> str:
        return (
            f"{self.outcome.upper() if self.outcome == 'regression' else self.outcome:<11} {self.name:<34} "
            f"{self.figure:<40} {self.baseline:11.4g} -> {self.result:<11.4g} {self.change:+7.1%}  "
            f"(noise threshold {self.threshold:.1%})"
        )


def judge(name: str, baseline: dict, result: dict, min_threshold: float = MIN_THRESHOLD) -> Verdict:
    """The verdict on one workload (entries as `workload` makes them)."""
    if baseline.get("reference") is not None and baseline.get("reference") == result.get("reference"):
        figure, before, after = f"ratio to {baseline['reference']}", baseline["ratios"], result["ratios"]
    else:
        figure, before, after = baseline["unit"], baseline["runs"], result["runs"]
    middle_before, middle_after = statistics.median(before), statistics.median(after)
    threshold = max(min_threshold, factor(min(len(before), len(after))) * (noise(before) + noise(after)))
    if middle_before <= 0 or middle_after <= 0:  # below the resolution of the measurement (a tiny corpus)
        return Verdict(name, figure, middle_before, middle_after, 0.0, threshold, "unresolved")
    change = middle_after / middle_before - 1
    outcome = "regression" if change > threshold else "improvement" if change < -threshold else "same"
    return Verdict(name, figure, middle_before, middle_after, change, threshold, outcome)


class Incomparable(ValueError):
    """The two runs did not measure the same thing (another corpus)."""


def compare(baseline: dict, result: dict, min_threshold: float = MIN_THRESHOLD) -> tuple:
    """``(verdicts, only in the baseline, only in the result)``; raises `Incomparable` for other corpora."""
    if baseline["corpus"].get("sha256") != result["corpus"].get("sha256"):
        raise Incomparable(
            f"other corpora: baseline {baseline['corpus'].get('v4')}+{baseline['corpus'].get('v6')} prefixes, "
            f"result {result['corpus'].get('v4')}+{result['corpus'].get('v6')} (run with the baseline's --v4/--v6)"
        )
    before, after = baseline["workloads"], result["workloads"]
    verdicts = [judge(name, before[name], after[name], min_threshold) for name in before if name in after]
    return verdicts, sorted(set(before) - set(after)), sorted(set(after) - set(before))
