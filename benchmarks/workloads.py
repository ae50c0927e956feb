"""The decode workloads the benchmarks time, on this package.

Each workload takes the corpus (whole BGP messages, concatenated, as
``../shared/bench/gen_corpus.py`` writes them) and a `Session`, does its
work on every message and returns a `Tally` of what it did, so that a caller
can check the work against the corpus sidecar (a benchmark must not pass
while doing nothing):

* `frame(codec, data, session)`: framing only, ``split_messages`` of the
  given codec twin, one call for the whole corpus;
* `decode_lazy`: framing + ``decode_message`` per message (an `Update` that
  has only split its three sections);
* `decode_full`: the same + every path attribute (RFC 7606 applied) and
  every NLRI decoded to objects: the work ExaBGP 5.0's
  ``Update.unpack_message`` does;
* `decode_json`: framing + ``decode_message`` + the JSON line
  ``exabgp decode`` prints for the UPDATE, envelope included (the counter
  goes up by one per line, as in a daemon, and the time is read per line).
  ``update_json`` takes the codec's fast path (``render_update``) for the
  unicast UPDATEs it accepts; ``render=general_update_json`` measures the
  general renderer alone.

The model-level workloads use the codec twin the selector chose for the
process (``exabgp._codec.IMPLEMENTATION``).  The `Session` is what
``exabgp decode -f "ipv4 unicast ipv6 unicast"`` uses (its synthetic
neighbor, via `exabgp.cli.decode`), with ``-i`` when the corpus carries
ADD-PATH path identifiers.

Run as a script, this is the driver `compare_reference.py` starts in a
fresh interpreter for each of our twins (``--help``); it prints one JSON
object with the wall and CPU seconds of each pass, in the same shape as
`reference_driver.py` and with the same bookkeeping per mode.
"""

import argparse
import json
import os
import socket
import sys
import time
from dataclasses import dataclass

import exabgp
from exabgp import _codec
from exabgp.api.envelope import DaemonFields, Envelope, NeighborFields
from exabgp.api.json_update import general_update_json, update_json
from exabgp.bgp.context import CodecContext
from exabgp.bgp.message import decode_message
from exabgp.cli.decode import negotiated, neighbor_fields, synthetic_configuration
from exabgp.config.neighbor import parse

UPDATE = 2


@dataclass(frozen=True)
class Session:
    """The negotiated context and the envelope fields every workload needs."""

    ctx: CodecContext
    neighbor: NeighborFields
    daemon: DaemonFields


@dataclass(frozen=True)
class Tally:
    """What a workload did: messages handled, NLRI seen (None: not decoded), octets or JSON text length."""

    messages: int
    prefixes: int | None
    octets: int


def decode_session(families, add_path: bool) -> Session:
    """The session ``exabgp decode -f FAMILIES [-i]`` decodes with."""
    configuration = parse(synthetic_configuration("; ".join(families), add_path), "<benchmark>")
    neighbor = configuration.neighbors[0]
    return Session(
        negotiated(neighbor), neighbor_fields(neighbor), DaemonFields(socket.gethostname(), os.getpid(), os.getppid())
    )


def session_of(sidecar: dict) -> Session:
    """The session for a corpus, from the ``session`` part of its sidecar."""
    return decode_session(sidecar["session"]["families"], bool(sidecar["session"]["add_path"]))


def frame(codec, data, session: Session):
    """Framing only: the ``(type, body)`` list and the octets consumed."""
    return codec.split_messages(data, session.ctx.max_message_size)


def decode_lazy(data, session: Session) -> Tally:
    ctx = session.ctx
    messages, _ = _codec.split_messages(data, ctx.max_message_size)
    octets = 0
    for msg_type, body in messages:
        update = decode_message(msg_type, body, ctx)
        octets += len(update.withdrawn_octets) + len(update.attribute_octets) + len(update.nlri_octets) + 4
    return Tally(len(messages), None, octets)


def decode_full(data, session: Session) -> Tally:
    ctx = session.ctx
    messages, _ = _codec.split_messages(data, ctx.max_message_size)
    prefixes = 0
    for msg_type, body in messages:
        update = decode_message(msg_type, body, ctx)
        update.attributes(ctx)
        prefixes += len(update.changes(ctx))
    return Tally(len(messages), prefixes, len(data))


#: the renderers `decode_json` can measure, by name (the fast path first, or the general renderer alone)
RENDERERS = {"update_json": update_json, "general_update_json": general_update_json}


def decode_json(data, session: Session, render=update_json) -> Tally:
    ctx = session.ctx
    line_of = Envelope(session.daemon, session.neighbor).line
    messages, _ = _codec.split_messages(data, ctx.max_message_size)
    prefixes = length = counter = 0
    clock = time.time
    for msg_type, body in messages:
        counter += 1
        text = render(decode_message(msg_type, body, ctx), ctx)
        line = line_of(clock(), counter, "update", f', "direction": "in", "message": {text}')
        length += len(line)
        prefixes += line.count('"nlri"')
    return Tally(len(messages), prefixes, length)


def sample_lines(data, session: Session, every: int):
    """``(index, line)`` for every `every`-th UPDATE and every End-of-RIB, as ``exabgp decode`` prints them."""
    ctx = session.ctx
    line_of = Envelope(session.daemon, session.neighbor).line
    messages, _ = _codec.split_messages(data, ctx.max_message_size)
    for index, (msg_type, body) in enumerate(messages):
        if msg_type != UPDATE:
            continue
        update = decode_message(msg_type, body, ctx)
        if index % every == 0 or update.eor(ctx) is not None:
            text = update_json(update, ctx)
            yield index, line_of(time.time(), 1, "update", f', "direction": "in", "message": {text}')


MODES = {"lazy": decode_lazy, "decode": decode_full, "json": decode_json}
#: the renderers `decode_json` can time: the fast path first (as ``exabgp decode``), or the general one alone
RENDERERS = {"update_json": update_json, "general_update_json": general_update_json}


def main() -> None:
    parser = argparse.ArgumentParser(description="time one decode workload of this package on a corpus")
    parser.add_argument("corpus")
    parser.add_argument("--mode", choices=sorted(MODES), required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample-every", type=int, default=0)
    parser.add_argument("--sample-out")
    args = parser.parse_args()

    with open(args.corpus, "rb") as handle:
        data = handle.read()
    with open(args.corpus + ".json") as handle:
        session = session_of(json.load(handle))

    workload = MODES[args.mode]
    seconds, cpu_seconds = [], []
    tally = Tally(0, 0, 0)
    for _ in range(args.runs):
        start, cpu = time.perf_counter(), time.process_time()
        tally = workload(data, session)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)

    if args.sample_every and args.sample_out:
        with open(args.sample_out, "w") as out:
            for index, line in sample_lines(data, session, args.sample_every):
                out.write(f"{index}\t{line}\n")

    json.dump(
        {
            "implementation": f"{exabgp.DISTRIBUTION} {exabgp.__version__}",
            "twin": _codec.IMPLEMENTATION,
            "module": exabgp.__file__,
            "mode": args.mode,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "messages": tally.messages,
            "prefixes": tally.prefixes,
            "json_bytes": tally.octets if args.mode == "json" else 0,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
