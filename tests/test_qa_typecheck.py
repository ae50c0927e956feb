"""`qa.typecheck`: mypy's errors against a baseline that only shrinks.

The mypy output below is in the form mypy 2.4.1 prints (``path:line: error: message  [code]``, notes
after); `run_mypy` is replaced by that output so that each outcome is checked without running mypy
on a tree made to have errors (`.ci/run` runs the real check on the package).
"""

import pytest

from qa import typecheck

OUTPUT = """\
exabgp/reactor/log.py:136: error: "None" has no attribute "tell"  [attr-defined]
exabgp/reactor/log.py:139: error: "None" has no attribute "tell"  [attr-defined]
exabgp/cli/server.py:234: error: No overload variant of "join" matches argument types "str", "object"  [call-overload]
exabgp/cli/server.py:234: note: Possible overload variants:
exabgp/cli/server.py:234: note:     def join(str | PathLike[str], /, *paths: str | PathLike[str]) -> str
"""
ENTRIES = [
    'exabgp/reactor/log.py: [attr-defined] "None" has no attribute "tell"',
    'exabgp/reactor/log.py: [attr-defined] "None" has no attribute "tell"',
    'exabgp/cli/server.py: [call-overload] No overload variant of "join" matches argument types "str", "object"',
]


@pytest.fixture
def baseline(tmp_path, monkeypatch):
    """A baseline file, and mypy reporting `OUTPUT` (exit 1: errors found)."""
    monkeypatch.setattr(typecheck, "run_mypy", lambda: (1, OUTPUT))
    return tmp_path / "baseline.txt"


def check(baseline, *options) -> int:
    return typecheck.main(["--baseline", str(baseline), *options])


def test_entries_drop_line_numbers_and_notes():
    assert sorted(typecheck.entries(OUTPUT).elements()) == sorted(ENTRIES)
    moved = OUTPUT.replace(":136:", ":200:")
    assert typecheck.entries(moved) == typecheck.entries(OUTPUT)


def test_the_errors_of_the_baseline_pass(baseline, capsys):
    baseline.write_text("\n".join(sorted(ENTRIES)) + "\n")
    assert check(baseline) == 0
    assert "3 mypy errors, 3 in the baseline" in capsys.readouterr().out


def test_a_new_error_fails_even_a_second_one_of_a_listed_kind(baseline, capsys):
    baseline.write_text("\n".join(sorted(ENTRIES[1:])) + "\n")  # one "tell" error listed, two occur
    assert check(baseline) == 1
    out = capsys.readouterr().out
    assert "1 new" in out and 'log.py:136: error: "None" has no attribute "tell"' in out


def test_a_fixed_error_still_listed_fails_and_update_removes_it(baseline, capsys):
    listed = sorted([*ENTRIES, "exabgp/bgp/nlri.py: [arg-type] fixed since"])
    baseline.write_text("\n".join(listed) + "\n")
    assert check(baseline) == 1
    assert "1 baseline entries gone" in capsys.readouterr().out
    assert check(baseline, "--update") == 0
    assert baseline.read_text().splitlines() == sorted(ENTRIES)
    assert check(baseline) == 0


def test_update_never_adds_an_error(baseline):
    baseline.write_text("\n".join(sorted(ENTRIES[:2])) + "\n")
    assert check(baseline, "--update") == 1
    assert baseline.read_text().splitlines() == sorted(ENTRIES[:2])


def test_mypy_failing_to_run_is_not_a_pass(baseline, monkeypatch):
    monkeypatch.setattr(typecheck, "run_mypy", lambda: (2, "pyproject.toml: [mypy]: unknown option\n"))
    assert check(baseline) == 2


def test_an_empty_baseline_holds_a_clean_package_and_fails_any_error(baseline, monkeypatch, capsys):
    """The baseline emptied by ``--update`` (the package has no mypy error) stays a file that
    passes a clean run and fails the first error that comes back."""
    listed = sorted(ENTRIES)
    baseline.write_text("\n".join(listed) + "\n")
    monkeypatch.setattr(typecheck, "run_mypy", lambda: (0, ""))  # mypy without --error-summary on a clean tree
    assert check(baseline, "--update") == 0
    assert baseline.exists() and baseline.read_text() == ""
    assert check(baseline) == 0
    assert "0 mypy errors, 0 in the baseline" in capsys.readouterr().out
    monkeypatch.setattr(typecheck, "run_mypy", lambda: (1, OUTPUT))
    assert check(baseline) == 1
    assert "3 new" in capsys.readouterr().out
