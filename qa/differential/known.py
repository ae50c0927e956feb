"""The deliberate differences from ExaBGP 5.0.15: one table, each with the reason we differ.

Each `Known` names one behaviour where we knowingly differ from 5.0.15 (a bug
of 5.0.15 we fix, usually an RFC violation).  `area` says which comparison it
concerns (``wire``, ``helper``, ``decode``, ``cli``); `applies(case, ours,
theirs)` is true for exactly the compared items the difference explains (one
decoded message, one UPDATE, one helper line, one command's output), given
the case that produced them.  A comparison calls `explain(area, case, ours,
theirs)`: the name of the entry that explains the divergence, or None, and
then the divergence fails the test.  An entry must be narrow: it explains
the difference it names and nothing else.
"""

import dataclasses
from typing import Any, Callable, Optional


@dataclasses.dataclass(frozen=True)
class Known:
    name: str
    area: str
    reason: str  # why we differ, with the RFC (or the 5.0.15 bug) that says so
    applies: Callable[[Any, Any, Any], bool]


KNOWN: list = []


def explain(area: str, case: Any, ours: Any, theirs: Any) -> Optional[str]:
    """The name of the known difference that explains `ours` != `theirs` for `case`, or None."""
    for known in KNOWN:
        if known.area == area and known.applies(case, ours, theirs):
            return known.name
    return None
