"""Damaged copies of a byte string: the inputs of the tests that hold two readers of it to the same answers.

`damaged_copies(data, seed, count)` yields `count` copies of `data`, each
with one to three octets changed (70 %: to a value that often means
something in a header, a length or a flag, or to any value), removed (15 %)
or inserted (15 %), drawn from ``random.Random(seed)``, so that a failing
copy is the same on every run.  Used by tests/test_mrt_codec.py and
tests/test_mrt_json_codec.py: each twin of the `_mrt` codec in front of the
general MRT path must print, and report, what the general path does alone.
"""

import random
from collections.abc import Iterator

#: the values an octet is changed to, most of the time (flags, small lengths and types, all bits)
TELLING = (0, 1, 2, 3, 4, 0x10, 0x40, 0x80, 0xFF)


def damaged(data: bytes, rng: random.Random) -> bytes:
    """A copy of `data` with one to three octets changed, removed or inserted."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(out))
        action = rng.random()
        if action < 0.7:
            out[at] = rng.choice((*TELLING, rng.randrange(256)))
        elif action < 0.85:
            del out[at]
        else:
            out.insert(at, rng.randrange(256))
    return bytes(out)


def damaged_copies(data: bytes, seed: int, count: int) -> Iterator[bytes]:
    """`count` damaged copies of `data`, the same ones for the same `seed`."""
    rng = random.Random(seed)
    for _ in range(count):
        yield damaged(data, rng)
