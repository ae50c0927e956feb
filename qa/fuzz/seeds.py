"""The seed inputs: every BGP message the repository's tests hold, cut into what each target reads.

Messages come from the project's wire vectors (``tests/vectors/*.vec``, the
``hex:`` lines), the qa scenarios (``qa/scenarios/*.msg``, the ``:raw:``
lines), the differential oracle's generator (`qa.differential.updates`: 40
messages of every family it knows in each of its sessions, from seed 0, and
its RFC 7606 withdraw, discard and session-reset cases) and the corpus of
inputs that once failed (`CORPUS`: the messages are taken back out of
them).  Only the repository is read, so a seed run is the same on every
machine.

`Seeds` cuts them (with the pure codec, which is the specification) into
message bodies by type, UPDATE attribute sections, attribute values by type
code, and NLRI sections with their family (the UPDATE's own withdrawn and
NLRI fields are IPv4 unicast; MP_REACH_NLRI / MP_UNREACH_NLRI give theirs).
A target prefixes each part with its option octets (`with_options`).
"""

import functools
import pathlib
import random

from exabgp._codec import _wire_py
from exabgp._codec.errors import CodecError

CHECKOUT = pathlib.Path(__file__).resolve().parent.parent.parent
VECTORS = CHECKOUT / "tests" / "vectors"
SCENARIOS = CHECKOUT / "qa" / "scenarios"
#: the inputs that failed once, one directory per target, one hex file per input (tests/test_fuzz_corpus.py)
CORPUS = CHECKOUT / "tests" / "fuzz_corpus"

_HEADER = 19
_UPDATE = 2
_MP_REACH, _MP_UNREACH = 14, 15


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", "").replace(" ", ""))


def messages() -> list:
    """Every whole message (marker included) of the vectors and scenarios, in file order."""
    found = []
    for path in sorted(VECTORS.glob("*.vec")):
        for line in path.read_text().splitlines():
            if line.startswith("hex:"):
                found.append(_hex(line[4:].strip()))
    for path in sorted(SCENARIOS.glob("*.msg")):
        for line in path.read_text().splitlines():
            if "#" not in line and ":raw:" in line:
                raw = _hex(line.split(":raw:", 1)[1])
                found.append(raw if raw.startswith(_wire_py.MARKER) else _wire_py.MARKER + raw)
    return found


def generated() -> list:
    """Messages of every family and the malformed UPDATEs of `qa.differential.updates` (module docstring)."""
    from qa.differential import updates

    found = []
    for number, families in enumerate(updates.SESSIONS):
        chooser = random.Random(number)
        found += updates.messages(chooser, updates.random_capabilities(chooser, families), 40)
    bodies = updates.withdraw_and_discard_cases() + [body for _name, body in updates.session_reset_cases()]
    bodies += [body for _name, _families, body in updates.departure_cases()]
    return found + [_wire_py.frame_message(_UPDATE, body) for body in bodies]


def corpus(target: str = None) -> dict:
    """``{target: [input, ...]}`` of the corpus (one target's only with `target`), in file order."""
    found = {}
    if not CORPUS.is_dir():
        return found
    for directory in sorted(CORPUS.iterdir()):
        if directory.is_dir() and (target is None or directory.name == target):
            found[directory.name] = [read_input(path) for path in sorted(directory.glob("*.hex"))]
    return found


def read_input(path) -> bytes:
    """A corpus file: hexadecimal, ``#`` comment lines (what failed and why) ignored."""
    lines = pathlib.Path(path).read_text().splitlines()
    return bytes.fromhex("".join(line for line in lines if not line.startswith("#")).replace(" ", ""))


def _mp_nlri(code: int, value: bytes):
    """``(afi, safi, nlri section)`` of an MP_REACH_NLRI / MP_UNREACH_NLRI value, or None."""
    if len(value) < 3:
        return None
    afi, safi = int.from_bytes(value[:2], "big"), value[2]
    if code == _MP_UNREACH:
        return afi, safi, value[3:]
    if len(value) < 4 or len(value) < 5 + value[3]:
        return None
    return afi, safi, value[5 + value[3] :]


class Seeds:
    """The parts of the seed messages (module docstring); built once per process (`parts`)."""

    def __init__(self, found: list):
        self.messages = found
        self.bodies = {}  # message type -> [body]
        self.sections = []  # UPDATE attribute sections
        self.values = {}  # attribute type code -> [value]
        self.nlri = []  # (afi, safi, section)
        for message in found:
            if len(message) < _HEADER:
                continue
            body = message[_HEADER:]
            self.bodies.setdefault(message[18], []).append(body)
            if message[18] != _UPDATE:
                continue
            try:
                withdrawn, attributes, announced = _wire_py.split_update(body)
                self.sections.append(attributes)
                self.nlri += [(1, 1, part) for part in (withdrawn, announced) if part]
                for code, _flags, value in _wire_py.walk_attributes(attributes):
                    self.values.setdefault(code, []).append(value)
                    if code in (_MP_REACH, _MP_UNREACH):
                        section = _mp_nlri(code, value)
                        if section is not None and section[2]:
                            self.nlri.append(section)
            except CodecError:
                continue

    def updates(self) -> list:
        return self.bodies.get(_UPDATE, [])


@functools.lru_cache(maxsize=1)
def parts() -> Seeds:
    found = messages() + generated()
    for inputs in corpus().values():
        found += [data[1:] for data in inputs if data[1:].startswith(_wire_py.MARKER)]
    return Seeds(found)


def with_options(options, payloads) -> list:
    """Every payload behind every option octet string of `options` (bytes objects)."""
    return [bytes(option) + bytes(payload) for payload in payloads for option in options]
