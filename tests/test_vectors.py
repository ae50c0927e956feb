"""The project's wire vectors (tests/vectors/*.vec, format in tests/vectors/README.md).

For every vector:

* framing: the message goes through `split_messages` (both codec twins)
  whole, one octet at a time (keeping the unconsumed tail, as a session
  does), followed by a second copy of itself, and followed by a partial
  header: exactly the message comes out each time and nothing is lost;
* decoding: `decode_message` with the context `exabgp decode` builds for
  the vector's families and options, then the renderer; the JSON line must
  equal the recorded one once exabgp, time, host, pid and ppid are dropped
  from both (as ExaBGP's harness compares), and parse as the same object;
* re-encoding: a canonical message (no ``reencode: no``) is rebuilt from its
  decoded parts and encoded to the identical octets;
* the command line: every vector through `main(["decode", ...])`
  in-process, and a sample through ``python -m exabgp decode`` in a real
  subprocess.

An empty vectors directory is a failure, not a pass.
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

import exabgp
from exabgp.api.envelope import DaemonFields, NeighborFields, envelope
from exabgp.api.json_message import message_line
from exabgp.api.json_update import update_json
from exabgp.bgp.message import decode_message
from exabgp.cli import decode
from exabgp.cli.main import main
from exabgp.config.neighbor import parse

DIRECTORY = pathlib.Path(__file__).resolve().parent / "vectors"
VECTORS = sorted(DIRECTORY.glob("*.vec"))
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))

REQUIRED = ("description", "type", "hex", "json")
KNOWN = REQUIRED + ("families", "options", "reencode", "ours")
TYPES = {"update": 2, "open": 1, "notification": 3}
OPTIONS = {"path-information": "-i"}
VOLATILE = ("exabgp", "time", "host", "pid", "ppid")

UPDATE = 2


def read_vector(path: pathlib.Path) -> dict:
    fields = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        assert colon, f"{path.name}:{number}: not a 'key: value' line"
        key = key.strip()
        assert key in KNOWN, f"{path.name}:{number}: unknown key {key!r}"
        assert key not in fields, f"{path.name}:{number}: {key!r} given twice"
        fields[key] = value.strip()
    for key in REQUIRED:
        assert key in fields, f"{path.name}: missing {key!r}"
    assert fields["type"] in TYPES, f"{path.name}: unknown type {fields['type']!r}"
    assert fields["hex"] == fields["hex"].upper(), f"{path.name}: hex must be upper-case"
    for option in fields.get("options", "").split():
        assert option in OPTIONS, f"{path.name}: unknown option {option!r}"
    assert fields.get("reencode", "yes") in ("yes", "no"), f"{path.name}: reencode is 'no' or absent"
    assert fields.get("ours") != fields["json"], f"{path.name}: 'ours' is for a line that differs"
    fields["octets"] = bytes.fromhex(fields["hex"])
    fields["expected"] = fields.get("ours", fields["json"])  # ours: a deliberate difference from 5.0.15
    return fields


def stable(line: str) -> dict:
    document = json.loads(line)
    return {key: value for key, value in document.items() if key not in VOLATILE}


def neighbor_for(vector: dict):
    """The neighbor `exabgp decode` uses for this vector (its -f families, -i option)."""
    text = decode.synthetic_configuration(
        vector.get("families") or "all", "path-information" in vector.get("options", "").split()
    )
    (neighbor,) = parse(text, "<vector>").neighbors
    return neighbor


def cli_arguments(vector: dict) -> list:
    arguments = ["decode"]
    if vector.get("families"):
        arguments += ["-f", vector["families"]]
    arguments += [OPTIONS[option] for option in vector.get("options", "").split()]
    if vector["type"] != "notification":  # 5.0 has --update and --open, nothing for a NOTIFICATION
        arguments.append(f"--{vector['type']}")
    return arguments + [vector["hex"]]


@pytest.fixture(params=VECTORS, ids=[path.stem for path in VECTORS])
def vector(request):
    return read_vector(request.param)


def test_vectors_exist():
    assert VECTORS, f"no vector in {DIRECTORY}"


def test_framing(vector, codec):
    data = vector["octets"]
    ctx = decode.negotiated(neighbor_for(vector))
    size = ctx.max_message_size
    expected = [(TYPES[vector["type"]], data[19:])]

    assert codec.split_messages(data, size) == (expected, len(data))

    pending, seen = b"", []
    for offset in range(len(data)):
        pending += data[offset : offset + 1]
        messages, consumed = codec.split_messages(pending, size)
        if offset < len(data) - 1:
            assert messages == [] and consumed == 0
        seen.extend(messages)
        pending = pending[consumed:]
    assert seen == expected and pending == b""

    assert codec.split_messages(data + data, size) == (expected * 2, 2 * len(data))
    for cut in (1, 18, 19):
        assert codec.split_messages(data + data[:cut], size) == (expected, len(data))


def test_decode_render(vector):
    neighbor = neighbor_for(vector)
    ctx = decode.negotiated(neighbor)
    msg_type, body = TYPES[vector["type"]], vector["octets"][19:]
    message = decode_message(msg_type, body, ctx)
    assert message.TYPE == msg_type
    assert decode.neighbor_fields(neighbor) == NeighborFields("127.0.0.1", "127.0.0.1", 65533, 65533, "10.0.0.2")
    line = render(message, ctx)
    assert stable(line) == stable(vector["expected"])


def render(message, ctx) -> str:
    daemon, fields = DaemonFields("host", 1, 1), NeighborFields("127.0.0.1", "127.0.0.1", 65533, 65533, "10.0.0.2")
    if message.TYPE == UPDATE:
        return envelope(
            daemon, 0.0, 1, "update", fields, ', "direction": "in", "message": ' + update_json(message, ctx)
        )
    return message_line(daemon, 0.0, 1, fields, "in", message)


CANONICAL = [path for path in VECTORS if read_vector(path).get("reencode") != "no"]


@pytest.mark.parametrize("path", CANONICAL, ids=[path.stem for path in CANONICAL])
def test_reencode(path):
    vector = read_vector(path)
    ctx = decode.negotiated(neighbor_for(vector))
    body = vector["octets"][19:]
    message = decode_message(TYPES[vector["type"]], body, ctx)
    if hasattr(message, "parts"):  # a lazy UPDATE keeps its octets: rebuild it from what was decoded
        message = type(message)(*message.parts(ctx))
    assert message.encode(ctx) == body


def test_cli_in_process(vector, capsys):
    status = main(cli_arguments(vector))
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    lines = captured.out.splitlines()
    assert len(lines) == 1
    assert stable(lines[0]) == stable(vector["expected"])


def _sample():
    """The first vector of each type: enough to prove the installed entry point, cheap enough to run always."""
    chosen = {}
    for path in VECTORS:
        chosen.setdefault(path.stem.split("-")[0], path)
    return sorted(chosen.values())


@pytest.mark.parametrize("path", _sample(), ids=lambda path: path.stem)
def test_cli_subprocess(path):
    vector = read_vector(path)
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", *cli_arguments(vector)],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.count("\n") == 1
    assert stable(result.stdout) == stable(vector["expected"])


def test_reader_rejects_malformed_vectors(tmp_path):
    path = tmp_path / "bad.vec"
    path.write_text("description: x\ntype: update\nhex: ff\n")
    with pytest.raises(AssertionError, match="missing 'json'"):
        read_vector(path)
    path.write_text("description: x\ntype: keepalive\nhex: FF\njson: {}\n")
    with pytest.raises(AssertionError, match="unknown type"):
        read_vector(path)
