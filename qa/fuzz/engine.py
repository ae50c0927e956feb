"""The seeded mutation engine: inputs reproducible from (seed, target, index), findings, minimisation.

A target (`qa.fuzz.targets.Target`) takes one `bytes` input and raises
`Finding` when the input breaks a rule; any other exception escaping it is a
finding too (it is how a decoder crashes).  The engine makes input `index`
of a run with ``random.Random(f"{seed}:{target}:{index}")``: a seed input
(`qa.fuzz.seeds`), then one to eight mutations among bit flips, interesting
octets (0, 1, 0x7F, 0x80, 0xFF), interesting 16-bit lengths (to hit the
length fields of BGP), inserted random octets, deleted or duplicated ranges,
truncation, and a splice with another seed; one input in twenty is random
octets.  The first octet of every input is the target's option octet
(capabilities, family, ...), so it is mutated like the rest and replaced
by a random one a time in four.  Nothing else is random: the same seed,
target and index give the same input in any process, so a run is replayed
exactly (`python -m qa.fuzz replay`).

`minimize` shrinks a failing input (delta debugging on ranges, then octets
set to 0) while it fails with the same signature (exception type and the
first line of its text).
"""

import random
import time
import traceback

INTERESTING_OCTETS = (0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF)
INTERESTING_LENGTHS = (0, 1, 2, 3, 4, 18, 19, 20, 23, 29, 255, 256, 4095, 4096, 4097, 0x7FFF, 0x8000, 0xFFFF)


class Finding(Exception):
    """An input broke a rule of its target (the message says which)."""


def signature(error: BaseException) -> str:
    """What identifies a failure when minimising: the exception type and the first line of its text."""
    text = str(error).splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


def mutate(rng: random.Random, seeds: list) -> bytes:
    """One input: a mutated seed (see the module docstring)."""
    if rng.random() < 0.05:
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 96)))
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.randrange(1, 9)):
        size = len(data)
        operation = rng.randrange(9)
        index = rng.randrange(size) if size else 0
        if operation == 0 and size:
            data[index] ^= 1 << rng.randrange(8)
        elif operation == 1 and size:
            data[index] = rng.choice(INTERESTING_OCTETS)
        elif operation == 2 and size > 1:
            value = rng.choice(INTERESTING_LENGTHS) + rng.choice((-1, 0, 0, 1))
            data[index : index + 2] = (value & 0xFFFF).to_bytes(2, "big")
        elif operation == 3:
            data[index:index] = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 9)))
        elif operation == 4 and size:
            del data[index : index + rng.randrange(1, 17)]
        elif operation == 5 and size:
            end = min(size, index + rng.randrange(1, 33))
            data[index:index] = data[index:end]
        elif operation == 6 and size > 1:
            del data[rng.randrange(1, size) :]
        elif operation == 7:
            other = rng.choice(seeds)
            if other:
                start = rng.randrange(len(other))
                data[index:index] = other[start : start + rng.randrange(1, 64)]
        elif size:
            data[index] = rng.getrandbits(8)
    if data and rng.random() < 0.25:
        data[0] = rng.getrandbits(8)
    return bytes(data)


def generated(seed: int, target: str, index: int, seeds: list) -> bytes:
    """Input `index` of the run `seed` of `target`: the same in any process."""
    return mutate(random.Random(f"{seed}:{target}:{index}"), seeds)


def failure(run, data: bytes):
    """The exception `run(data)` raises, or None."""
    try:
        run(data)
    except Exception as error:  # every escape is what the fuzzer looks for
        return error
    return None


def minimize(run, data: bytes, wanted: str, budget: float = 10.0) -> bytes:
    """A smaller input failing with the signature `wanted` (delta debugging, at most `budget` seconds)."""
    deadline = time.monotonic() + budget

    def fails(candidate: bytes) -> bool:
        error = failure(run, candidate)
        return error is not None and signature(error) == wanted

    chunk = max(1, len(data) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        index, shrunk = 1, False  # the option octet stays
        while index < len(data) and time.monotonic() < deadline:
            candidate = data[:index] + data[index + chunk :]
            if fails(candidate):
                data, shrunk = candidate, True
            else:
                index += chunk
        if not shrunk:
            chunk //= 2
    for index in range(1, len(data)):
        if time.monotonic() >= deadline:
            break
        if data[index] and fails(data[:index] + b"\x00" + data[index + 1 :]):
            data = data[:index] + b"\x00" + data[index + 1 :]
    return data


class Stats:
    """Executions, time and findings of one target in one run."""

    def __init__(self, target: str, twins: str):
        self.target = target
        self.twins = twins
        self.executions = 0
        self.seconds = 0.0
        self.findings = {}  # signature -> (input, index, traceback text)

    @property
    def rate(self) -> float:
        return self.executions / self.seconds if self.seconds else 0.0


def run_target(target, seed: int, count: int = 0, seconds: float = 0.0, seeds: list = None, on_finding=None) -> Stats:
    """Run `target` on its seeds, then on mutated inputs until `count` inputs or `seconds` have passed.

    Findings are collected once per signature (the first input that shows it); `on_finding(stats,
    signature)` is called for each new one."""
    seeds = seeds if seeds is not None else target.seeds()
    stats = Stats(target.name, target.twins())
    started = time.monotonic()
    inputs = iter(seeds)
    index = 0
    while True:
        data = next(inputs, None)
        if data is None:
            if (count and index >= count) or (seconds and time.monotonic() - started >= seconds):
                break
            if not count and not seconds:
                break
            data = generated(seed, target.name, index, seeds)
            index += 1
        stats.executions += 1
        try:
            target.run(data)
        except Exception as error:  # noqa: BLE001
            key = signature(error)
            if key not in stats.findings:
                stats.findings[key] = (data, index - 1, traceback.format_exc())
                if on_finding is not None:
                    on_finding(stats, key)
    stats.seconds = time.monotonic() - started
    return stats
