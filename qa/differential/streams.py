"""The UPDATE streams of the helper comparison (`qa.differential.helper`), each with what it negotiates.

Sources, in the order `batches` gives them:

* `vector_streams`: the UPDATE vectors of ``tests/vectors`` (one stream
  without ADD-PATH, one with), and each NOTIFICATION vector as the last
  message of a session of its own;
* `capture_streams`: the UPDATEs of ExaBGP's encoding tests (``.msg`` files)
  and decoding vectors of ../shared/exabgp-reference, one stream per file
  (none when that directory is absent);
* `corpus_stream`: a slice of a full table written by
  ../shared/bench/gen_corpus.py (with ADD-PATH, 2-octet ASNs when the seed
  says so; none when the tool is absent);
* `generated_streams`: seeded messages for every family (`qa.differential
  .updates`), in sessions with random capabilities;
* `malformed_streams`: RFC 7606 treat-as-withdraw and attribute-discard
  UPDATEs inside a valid stream, and one stream per session-reset case,
  that UPDATE last.

The families a session negotiates are those its messages carry (from their
MP_REACH_NLRI / MP_UNREACH_NLRI), plus IPv4 unicast.  The daemon connects
to the feeder (an active neighbor) for the vectors' first stream and for
about half the generated sessions; the feeder connects to it otherwise.
"""

import os
import pathlib
import random
import subprocess
import sys
import tempfile

from exabgp._codec import split_update, walk_attributes
from qa.differential import updates
from qa.differential.helper import Capabilities, Stream
from qa.peer import UPDATE, message
from qa.reference import REFERENCE

VECTORS = pathlib.Path(__file__).resolve().parent.parent.parent / "tests" / "vectors"
BENCH = REFERENCE.parent / "bench"
_MP_REACH, _MP_UNREACH = 14, 15
_IPV4_UNICAST = (1, 1)


def families_of(messages: list) -> tuple:
    """IPv4 unicast and the (afi, safi) of every MP_REACH_NLRI / MP_UNREACH_NLRI in `messages`."""
    found = {_IPV4_UNICAST: None}
    for data in messages:
        if data[18] != UPDATE:
            continue
        try:
            attributes = split_update(data[19:])[1]
            for code, _flags, value in walk_attributes(attributes):
                if code in (_MP_REACH, _MP_UNREACH) and len(value) >= 3:
                    found[(int.from_bytes(value[:2], "big"), value[2])] = None
        except Exception:  # a malformed UPDATE: its families are those of the others
            continue
    return tuple(found)


def _read_vector(path: pathlib.Path) -> dict:
    fields = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    return fields


def vector_streams() -> list:
    plain, add_path, streams = [], [], []
    for path in sorted(VECTORS.glob("*.vec")):
        fields = _read_vector(path)
        data = bytes.fromhex(fields["hex"])
        if fields["type"] == "update":
            (add_path if "path-information" in fields.get("options", "") else plain).append(data)
        elif fields["type"] == "notification":
            streams.append(Stream(f"vector {path.stem}", Capabilities((_IPV4_UNICAST,)), [data], "close"))
    families = families_of(plain + add_path)
    first = [Stream("vectors", Capabilities(families), plain, active=True)]  # the daemon connects
    if add_path:
        paths = families_of(add_path)
        first.append(Stream("vectors add-path", Capabilities(paths, add_path=tuple((*f, 2) for f in paths)), add_path))
    return first + streams


def _capture_capabilities(configuration: str, messages: list) -> Capabilities:
    families = families_of(messages)
    add_path = ()
    if "add-path" in configuration or "path-information" in configuration:
        add_path = tuple((afi, safi, 2) for afi, safi in families if (afi, safi) in ((1, 1), (2, 1), (1, 128)))
    next_hop = ()
    if "nexthop" in configuration:
        next_hop = tuple((1, safi, 2) for afi, safi in families if afi == 1 and safi in (1, 2, 128))
    return Capabilities(
        families,
        asn4="asn4 disable" not in configuration,
        add_path=add_path,
        extended_message=any(len(data) > 4096 for data in messages),
        extended_next_hop=next_hop,
    )


def capture_streams() -> list:
    """The UPDATEs of the reference's encoding tests and decoding vectors ([] when absent)."""
    streams = []
    encoding = REFERENCE / "encoding"
    if encoding.is_dir():
        for path in sorted(encoding.glob("*.msg")):
            messages = []
            for line in path.read_text().splitlines():
                if "#" in line or ":raw:" not in line:
                    continue
                raw = bytes.fromhex(line.split(":raw:", 1)[1].replace(":", "").replace(" ", ""))
                if len(raw) > 19 and raw[18] == UPDATE:
                    messages.append(raw if raw[:16] == b"\xff" * 16 else b"\xff" * 16 + raw)
            if not messages:
                continue
            ci = path.with_suffix(".ci")
            configuration = ""
            if ci.exists():
                for name in ci.read_text().split():
                    conf = REFERENCE / "conf" / name
                    configuration += conf.read_text() if conf.exists() else ""
            streams.append(Stream(f"capture {path.stem}", _capture_capabilities(configuration, messages), messages))
    decoding = REFERENCE / "decoding"
    if decoding.is_dir():
        for path in sorted(decoding.iterdir()):
            lines = path.read_text().split("\n")
            if len(lines) < 2 or not lines[0].startswith("update"):
                continue
            raw = bytes.fromhex(lines[1].replace(":", "").replace(" ", "").strip())
            data = raw if raw[:16] == b"\xff" * 16 else message(UPDATE, raw)
            streams.append(Stream(f"capture decoding/{path.name}", _capture_capabilities("", [data]), [data]))
    return streams


def corpus_stream(seed: int, prefixes: int) -> list:
    """A slice of a full table from ../shared/bench/gen_corpus.py ([] when the tool is absent)."""
    tool = BENCH / "gen_corpus.py"
    if prefixes <= 0 or not tool.exists():
        return []
    chooser = random.Random(seed)
    asn4 = chooser.random() < 0.7
    paths = chooser.choice((0, 0, 2))
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "corpus.bgp")
        command = [
            sys.executable,
            str(tool),
            "-q",
            "-o",
            output,
            "--v4",
            str(prefixes),
            "--v6",
            str(max(prefixes // 4, 1)),
            "--seed",
            str(seed),
            "--add-path",
            str(paths),
        ]
        if not asn4:
            command.append("--asn2")
        subprocess.run(command, check=True, capture_output=True, timeout=300)
        with open(output, "rb") as handle:
            data = handle.read()
    messages = []
    while data:
        length = int.from_bytes(data[16:18], "big")
        messages.append(data[:length])
        data = data[length:]
    families = ((1, 1), (2, 1))
    add_path = tuple((*family, 2) for family in families) if paths else ()
    return [Stream(f"corpus seed {seed}", Capabilities(families, asn4=asn4, add_path=add_path), messages)]


def generated_streams(seed: int, count: int) -> list:
    """Seeded messages for every family, in a few sessions of random capabilities."""
    chooser = random.Random(seed)
    streams = []
    for number, families in enumerate(updates.session_families(chooser)):
        capabilities = updates.random_capabilities(chooser, families)
        messages = updates.messages(chooser, capabilities, count)
        ending = chooser.choice(("notification", "close"))
        streams.append(
            Stream(
                f"generated seed {seed} session {number}", capabilities, messages, ending, active=chooser.random() < 0.5
            )
        )
    return streams


def malformed_streams(seed: int) -> list:
    """Each malformed UPDATE in a session of its own, between valid ones (session-reset cases last).

    Then the cases where we knowingly differ (`updates.departure_cases`), each also in its own session.
    """
    chooser = random.Random(seed + 1)
    capabilities = Capabilities(((1, 1), (2, 1)))
    streams = []
    for number, body in enumerate(updates.withdraw_and_discard_cases()):
        messages = (
            updates.messages(chooser, capabilities, 2)
            + [message(UPDATE, body)]
            + updates.messages(chooser, capabilities, 2)
        )
        streams.append(Stream(f"malformed rfc7606 case {number}", capabilities, messages))
    for name, body in updates.session_reset_cases():
        streams.append(
            Stream(
                f"malformed {name}",
                capabilities,
                updates.messages(chooser, capabilities, 3) + [message(UPDATE, body)],
                "close",
            )
        )
    hostname = bytes((7,)) + "réseau".encode() + bytes((0,))  # RFC 3629 UTF-8, not ASCII
    session = Capabilities(((1, 1), (2, 1)), announced=((73, hostname),))
    streams.append(Stream("departure non-ascii host name", session, updates.messages(chooser, session, 3)))
    for name, families, body in updates.departure_cases():
        next_hop = ((1, 1, 2),) if "extended next hop" in name else ()
        session = Capabilities(families, extended_next_hop=next_hop)
        streams.append(
            Stream(
                f"departure {name}",
                session,
                updates.messages(chooser, session, 2) + [message(UPDATE, body)] + updates.messages(chooser, session, 2),
            )
        )
    return streams


def batches(seed: int, count: int, corpus: int) -> list:
    """The streams of a run, in batches (one pair of daemons per batch)."""
    return [
        batch
        for batch in (
            vector_streams(),
            capture_streams(),
            corpus_stream(seed, corpus),
            generated_streams(seed, count) + malformed_streams(seed),
        )
        if batch
    ]
