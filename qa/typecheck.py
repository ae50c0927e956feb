"""mypy on the package, against a committed baseline that only shrinks.

mypy runs on `exabgp` with the ``[tool.mypy]`` settings of pyproject.toml
(the version pinned in the ``test`` extra); each error it reports is reduced
to its *entry*: ``path: [code] message``, without the line number, so that
an edit above an old error does not make it look new.  The entries are
compared, as a multiset, with `BASELINE` (one entry a line, sorted; an entry
repeats as many times as the error occurs in that file):

* an error not in the baseline (one more occurrence of an entry than the
  baseline has) fails: fix it, the baseline never grows;
* a baseline entry that no longer occurs fails too: the error was fixed, and
  ``--update`` removes it from the baseline (``--update`` only ever removes
  entries; it refuses when there are new errors), so the baseline shrinks as
  the errors are fixed and a fixed error cannot come back unnoticed;
* the counts are printed: errors, of which in the baseline, new, and
  baseline entries gone.

    python -m qa.typecheck            check (what .ci/run does)
    python -m qa.typecheck --update   also drop the entries that are gone from the baseline

Run it from the repository root with the interpreter of a venv holding the
``test`` extra (it runs ``python -m mypy``); it reads the source tree, it
does not import the package.  Test tooling: nothing in `exabgp` imports it.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: the committed baseline, relative to the repository root
BASELINE = os.path.join("qa", "mypy-baseline.txt")
#: ``path:line: error: message  [code]`` (mypy's default output, with or without a column)
_ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$")


def entry(line: str) -> str | None:
    """The baseline entry of one line of mypy's output, or None when it is not an error (a note, the summary)."""
    match = _ERROR.match(line)
    if match is None:
        return None
    return f"{match['path'].replace(os.sep, '/')}: [{match['code'] or 'misc'}] {match['message']}"


def entries(output: str) -> collections.Counter:
    """The baseline entries of mypy's `output`, counted."""
    return collections.Counter(found for found in map(entry, output.splitlines()) if found is not None)


def run_mypy() -> tuple[int, str]:
    """mypy's exit code and output on the package (the files and settings of ``[tool.mypy]``)."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done.returncode, done.stdout + done.stderr


def read_baseline(path: str) -> collections.Counter:
    if not os.path.exists(path):
        return collections.Counter()
    with open(path, encoding="utf-8") as file:
        return collections.Counter(line.rstrip("\n") for line in file if line.strip())


def write_baseline(path: str, baseline: collections.Counter) -> None:
    with open(path, "w", encoding="utf-8") as file:
        file.writelines(entry + "\n" for entry in sorted(baseline.elements()))


def compare(found: collections.Counter, baseline: collections.Counter) -> tuple:
    """``(new, gone)``: the errors beyond the baseline, and the baseline entries that no longer occur."""
    return found - baseline, baseline - found


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.typecheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="remove the entries that are gone from the baseline")
    parser.add_argument("--baseline", default=os.path.join(ROOT, BASELINE), help="the baseline file")
    options = parser.parse_args(argv)

    code, output = run_mypy()
    found = entries(output)
    if code not in (0, 1) or (code == 1 and not found):  # 2: mypy itself failed (configuration, crash)
        print(output, end="")
        print(f"typecheck: mypy failed (exit {code})", file=sys.stderr)
        return 2
    baseline = read_baseline(options.baseline)
    new, gone = compare(found, baseline)
    total = sum(found.values())
    print(
        f"typecheck: {total} mypy errors, {total - sum(new.values())} in the baseline ({BASELINE}), "
        f"{sum(new.values())} new; {sum(gone.values())} baseline entries gone"
    )
    if new:
        print("new errors (fix them; the baseline does not grow):")
        for line in output.splitlines():
            if entry(line) in new:
                print(f"  {line}")
        return 1
    if gone:
        if options.update:
            write_baseline(options.baseline, baseline - gone)
            print(f"typecheck: removed {sum(gone.values())} fixed entries from {BASELINE}")
            return 0
        print("fixed, still in the baseline (run 'python -m qa.typecheck --update' and commit the baseline):")
        for fixed in sorted(gone.elements()):
            print(f"  {fixed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
