"""Full-table ingestion with and without the MRT archive (issue 12, "Writing MRT": at most 15 % slower).

    python benchmarks/mrt_write.py [--corpus PATH | --v4 N --v6 N] [--runs 3] [--compress none] [--port 1790]

Each round runs our daemon twice on the same corpus through ``ingest.run_ours``
(passive neighbor, ``adj-rib-in true``, ``../shared/bench/feeder.py`` as the
peer): without an ``mrt`` section, then with ``mrt { directory D; updates
3600; rib 0; compress C; }``, so that every UPDATE received is also written
as a BGP4MP_ET record.  ``ingest_s`` is from the feeder's first byte to the
daemon's last End-of-RIB line; ``cpu_s`` the daemon's CPU by then (the MRT
worker thread's included).  After the run with MRT output the daemon is
stopped, which finishes the file, and the file's size is reported; with
``--check`` its records are counted with ``exabgp.mrt.reader`` (one per
UPDATE of the corpus, End-of-RIBs included).

``--snapshot`` times a TABLE_DUMP_V2 snapshot instead, in this process:
the corpus's UPDATEs are put in one `exabgp.rib.incoming.AdjRibIn` as the
daemon does (`_codec.index_updates`, `AdjRibIn.ingest`; the End-of-RIBs
skipped), then `exabgp.mrt.writer.table_dump` walks it; it prints the
routes, the seconds and the octets of the dump.

The summary gives the medians and ``slowdown``: the median ``ingest_s``
with MRT over the median without, minus 1.  Default size: the full table
(1,000,000 IPv4 + 220,000 IPv6 prefixes); ``--v4 20000 --v6 5000`` is the
short run a test may use.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

import common
import ingest

SECTION = "mrt {{\n    directory {directory};\n    updates 3600;\n    rib 0;\n    compress {compress};\n}}\n"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def count_records(directory: str) -> int:
    from exabgp.mrt import reader

    return sum(
        1
        for name in os.listdir(directory)
        if not name.startswith(".")
        for item in reader.read(os.path.join(directory, name))
        if isinstance(item, reader.Bgp4mpMessage)
    )


def snapshot(corpus: str) -> int:
    from exabgp import _codec
    from exabgp.mrt.reader import CONTEXTS
    from exabgp.mrt.writer import SnapshotPeer, table_dump
    from exabgp.rib.incoming import AdjRibIn

    with open(corpus, "rb") as source:
        octets = bytearray(source.read())
    rib, ctx, at = AdjRibIn(), CONTEXTS[True, False], 0
    while at < len(octets):
        chunk = octets[at : at + (1 << 20)]
        used, index = _codec.index_updates(chunk, 65535, False, False, True, True, True, True)
        if not used:  # an End-of-RIB (not vouched for: no routes): skipped
            at += int.from_bytes(octets[at + 16 : at + 18], "big")
            continue
        rib.ingest(chunk[:used], index, ctx)
        at += used
    start = time.perf_counter()
    size = sum(
        map(
            len,
            table_dump(int(time.time()), "192.0.2.254", "", [SnapshotPeer(("192.0.2.1", "192.0.2.1", 64496, rib, 0))]),
        )
    )
    seconds = time.perf_counter() - start
    print(json.dumps({"routes": len(rib), "snapshot_s": round(seconds, 3), "octets": size}))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="corpus (with its .json sidecar); default: generate one")
    parser.add_argument("--v4", type=int, default=1000000, help="IPv4 prefixes of a generated corpus")
    parser.add_argument("--v6", type=int, default=220000, help="IPv6 prefixes of a generated corpus")
    parser.add_argument("--runs", type=int, default=3, help="rounds: without, then with MRT output")
    parser.add_argument("--compress", default="none", choices=("none", "gzip", "bzip2"))
    parser.add_argument("--port", type=int, default=1790)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the End-of-RIBs")
    parser.add_argument("--check", action="store_true", help="count the records written (one per UPDATE)")
    parser.add_argument("--snapshot", action="store_true", help="time a TABLE_DUMP_V2 snapshot of the corpus instead")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="mrt-write-")
    corpus, sidecar = common.corpus(args.corpus, workdir, args.v4, args.v6, say)
    if args.snapshot:
        code = snapshot(corpus)
        shutil.rmtree(workdir, ignore_errors=True)
        return code
    say(f"corpus {corpus}: {sidecar['routes']} routes, {sidecar['messages']} messages; work directory {workdir}")
    results = []
    for number in range(args.runs):
        for mrt in (False, True):
            directory = os.path.join(workdir, f"mrt-{number}")
            extra = SECTION.format(directory=directory, compress=args.compress) if mrt else ""
            result = ingest.run_ours(corpus, sidecar, args.port, True, workdir, args.timeout, extra)
            result.update(round=number, mrt=mrt)
            if mrt and "error" not in result:
                names = [name for name in os.listdir(directory) if not name.startswith(".")]
                result["mrt_mb"] = round(sum(os.path.getsize(os.path.join(directory, n)) for n in names) / 1e6, 1)
                if args.check:
                    result["records"] = count_records(directory)
                    result["expected"] = sidecar["messages"]
                shutil.rmtree(directory)
            print(json.dumps(result), flush=True)
            results.append(result)
            time.sleep(1.0)
    medians = {}
    for mrt in (False, True):
        times = [r["ingest_s"] for r in results if r["mrt"] is mrt and "ingest_s" in r]
        cpus = [r["cpu_s"] for r in results if r["mrt"] is mrt and "cpu_s" in r]
        if times:
            medians[mrt] = (statistics.median(times), statistics.median(cpus))
            say(
                f"mrt {str(mrt).lower():5}  ingest_s {medians[mrt][0]:.3f}  cpu_s {medians[mrt][1]:.2f}  runs {len(times)}"
            )
    if len(medians) == 2:
        say(f"slowdown {medians[True][0] / medians[False][0] - 1:+.1%} (target: at most +15 %)")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all("error" not in result for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
