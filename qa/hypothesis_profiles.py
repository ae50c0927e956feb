"""The hypothesis profiles of the test suite: ``quick`` for the edit loop, ``thorough`` for CI.

``EXABGP_HYPOTHESIS`` names the profile (default ``quick``; ``.ci/run`` sets ``thorough`` for both
builds):

* ``thorough``: every property runs the number of examples its test asks for, ``examples(n)`` being
  n (the counts the suite always ran: 60 for the properties that drive a session, 250-600 for the
  codec and decoders, hypothesis's 100 for a test that names none), and a failure prints the
  ``@reproduce_failure`` blob, since a CI log is all there is to replay it from;
* ``quick``: every property runs at most `QUICK` examples, enough to catch a broken invariant in
  the edit loop (``pytest -m "not slow"``) at a tenth or less of the cost; the example database
  in ``.hypothesis/`` still replays the failures found earlier on the same machine.

tests/conftest.py registers both and loads `PROFILE` when pytest starts, before any test module
is imported, which matters: ``@settings(...)`` takes what it does not name from the profile loaded
when it runs.  A test asks for its count with
``@settings(max_examples=examples(300))``: an explicit ``max_examples`` alone would override
either profile.
"""

import os

VARIABLE = "EXABGP_HYPOTHESIS"
PROFILE = os.environ.get(VARIABLE, "quick")
QUICK = 20


def examples(count: int) -> int:
    """The examples a property asking for `count` runs under the chosen profile."""
    return count if PROFILE == "thorough" else min(count, QUICK)
