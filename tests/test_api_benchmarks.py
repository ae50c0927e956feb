"""The API benchmark scripts (`benchmarks/api_outbound.py`, `benchmarks/api_fulltable.py`) on tiny sizes.

They must run end to end and measure what they claim: the outbound script
sees BIRD hold exactly the routes its helper announced through our daemon;
the full-table script's rows each end with every route of the corpus at the
helper (the sink counts them), with and without ``adj-rib-in``, and the JSON
lines it renders for "sink alone" count the corpus's routes too.

Both need ``../shared/bench`` (measure.py, sink.py, gen_corpus.py): without
it they skip.  They need BIRD 2: without it they skip, unless
EXABGP_INTEROP=1 (.ci/run), where they fail (`qa.interop.require`).
"""

import importlib
import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # runs the API benchmarks against BIRD

interop = importlib.import_module("qa.interop")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(os.path.dirname(ROOT), "shared", "bench")


def _bench():
    if not os.path.exists(os.path.join(BENCH, "measure.py")):
        pytest.skip(f"{BENCH} is absent")


def test_outbound_announcements_reach_bird(tmp_path):
    _bench()
    interop.require("bird", "birdc")
    out = tmp_path / "outbound.json"
    done = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "benchmarks", "api_outbound.py"),
            "-n",
            "500",
            "--port",
            str(interop.free_port("127.0.0.3")),
            "--timeout",
            "60",
            "--json-out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())
    assert [result["routes"] for result in results] == [500]
    for result in results:
        assert "error" not in result
        assert result["daemon"] == "ours"
        assert 0 <= result["helper_write_s"] <= result["seconds"] and result["routes_per_s"] > 0
        assert result["daemon_peak_rss_mb"] > 0 and result["daemon_cpu_s"] > 0


def test_fulltable_rows_deliver_every_route(tmp_path):
    _bench()
    interop.require("bird", "birdc")
    corpus = tmp_path / "tiny.bgp"
    subprocess.run(
        [sys.executable, os.path.join(BENCH, "gen_corpus.py"), "-o", str(corpus), "--v4", "800", "--v6", "200", "-q"],
        check=True,
        timeout=120,
    )
    routes = json.loads((tmp_path / "tiny.bgp.json").read_text())["routes"]
    out = tmp_path / "fulltable.json"
    work = tmp_path / "work"
    done = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "benchmarks", "api_fulltable.py"),
            "--corpus",
            str(corpus),
            "--port",
            str(interop.free_port("127.0.0.2")),
            "--json-out",
            str(out),
            "--workdir",
            str(work),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["routes"] == routes
    rows = {row["row"]: row for row in report["rows"]}
    assert set(rows) == {
        "sink alone",
        "sink --fast alone",
        "sink --fast piped",
        "ours",
        "ours sink --fast",
        "ours adj-rib-in",
        "bird",
    }
    for row in rows.values():
        assert "error" not in row, row
        assert row["wall_s"] >= 0
    for name in ("ours", "ours sink --fast", "ours adj-rib-in", "bird"):
        assert rows[name]["ok_runs"] == 1 and rows[name]["peak_rss_mb"] > 0
    lines = (work / "daemon-output.json").read_text().splitlines()
    assert sum(line.count('"nlri"') for line in lines) == routes
    for row in ("ours", "ours-sink---fast"):
        (config,) = (work / row).glob("*/exabgp.conf.no-adj-rib-in")
        assert "    adj-rib-in false;\n" in config.read_text()
    assert not list((work / "ours-adj-rib-in").glob("*/*.no-adj-rib-in"))
