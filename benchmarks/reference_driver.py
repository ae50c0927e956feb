"""Decode a corpus with ExaBGP 5.0.15's own classes (runs inside the reference virtualenv).

`compare_reference.py` starts this script with the reference interpreter,
from a temporary working directory, so that ``import exabgp`` finds the
installed ExaBGP 5.0.15 and never this repository.  It does per UPDATE what
``exabgp decode`` does (exabgp.application.decode -> configuration.check):

* the same synthetic neighbor (router-id 10.0.0.2, local/peer 127.0.0.1,
  AS 65533, the families of the corpus sidecar, ``add-path send/receive``
  when the corpus carries path identifiers, as ``decode -i``) and the same negotiated capabilities
  (`_negotiated` of exabgp.configuration.check: an OPEN exchange with itself),
  logging silenced as ``decode`` silences it;
* ``decode``: ``Update.unpack_message(body, Direction.IN, negotiated)``, which
  in 5.0 builds every attribute and NLRI object;
* ``json``: the same, then ``Response.JSON("5.0.0").update(neighbor, "in",
  update, None, "", "")``, the line ``exabgp decode`` prints (its counter
  goes up by one per line, as in a daemon).

Bookkeeping, the same in our driver (benchmarks/workloads.py): ``decode``
counts the NLRI objects, ``json`` counts the ``"nlri"`` keys of each line
and its length.

Framing (marker, length, type) is a plain slicing loop, timed with the rest:
5.0 frames in its network reader, which cannot run without a socket.

Output: one JSON object on stdout (the wall and CPU seconds of each pass,
the counts: see the end of `main`).  With
``--sample-every K --sample-out PATH`` it also writes the JSON line of every
K-th UPDATE (and of every End-of-RIB) to PATH, for `compare_reference.py --check`.
"""

import argparse
import json
import sys
import time


def build_neighbor(families, add_path):
    """The neighbor and negotiated state `exabgp decode -f FAMILIES [-i]` would use."""
    from exabgp.configuration.check import _negotiated
    from exabgp.configuration.configuration import Configuration
    from exabgp.environment import getenv
    from exabgp.logger import log

    env = getenv()
    env.bgp.passive = True
    env.tcp.bind = ""
    log.silence()
    log.init(env)
    configuration = Configuration(
        [
            "neighbor 127.0.0.1 {\n"
            "    router-id 10.0.0.2;\n"
            "    local-address 127.0.0.1;\n"
            "    local-as 65533;\n"
            "    peer-as 65533;\n"
            f"    family {{ {'; '.join(families)}; }}\n"
            f"    capability {{ {'add-path send/receive;' if add_path else ''} }}\n"
            "}\n"
        ],
        text=True,
    )
    if not configuration.reload():
        raise SystemExit(f"reference configuration refused: {configuration.error}")
    neighbor = next(iter(configuration.neighbors.values()))
    return neighbor, _negotiated(neighbor)


def frame(data):
    """UPDATE bodies of a corpus of whole messages."""
    bodies = []
    offset = 0
    size = len(data)
    while offset < size:
        length = (data[offset + 16] << 8) | data[offset + 17]
        if data[offset + 18] == 2:
            bodies.append(data[offset + 19 : offset + length])
        offset += length
    return bodies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--mode", choices=("decode", "json"), required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample-every", type=int, default=0)
    parser.add_argument("--sample-out")
    args = parser.parse_args()

    import exabgp
    from exabgp.bgp.message import Update
    from exabgp.bgp.message.direction import Direction
    from exabgp.bgp.message.update.eor import EOR
    from exabgp.reactor.api.response import Response
    from exabgp.version import json as json_version
    from exabgp.version import release

    with open(args.corpus, "rb") as handle:
        data = handle.read()
    with open(args.corpus + ".json") as handle:
        session = json.load(handle)["session"]
    neighbor, negotiated = build_neighbor(session["families"], bool(session["add_path"]))

    unpack = Update.unpack_message
    direction = Direction.IN
    render = Response.JSON(json_version).update
    with_json = args.mode == "json"

    seconds, cpu_seconds = [], []
    messages = prefixes = json_bytes = 0
    for _ in range(args.runs):
        messages = prefixes = json_bytes = 0
        start, cpu = time.perf_counter(), time.process_time()
        for body in frame(data):
            update = unpack(body, direction, negotiated)
            messages += 1
            if with_json:
                line = render(neighbor, "in", update, None, "", "")
                json_bytes += len(line)
                prefixes += line.count('"nlri"')
            elif not isinstance(update, EOR):
                prefixes += len(update.nlris)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)

    if args.sample_every and args.sample_out:
        sampler = Response.JSON(json_version)
        with open(args.sample_out, "w") as out:
            for index, body in enumerate(frame(data)):
                update = unpack(body, direction, negotiated)
                if index % args.sample_every == 0 or isinstance(update, EOR):
                    sampler._count.clear()  # every sampled line is the first of its session: counter 1
                    out.write(f"{index}\t{sampler.update(neighbor, 'in', update, None, '', '')}\n")

    json.dump(
        {
            "implementation": f"exabgp {release}",
            "module": exabgp.__file__,
            "mode": args.mode,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "messages": messages,
            "prefixes": prefixes,
            "json_bytes": json_bytes,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
