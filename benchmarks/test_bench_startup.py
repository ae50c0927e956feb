"""Start-up time of the command line (pytest-benchmark): ``exabgp version``, ``decode HEX``, ``validate FILE``.

Each benchmark starts our installed ``exabgp`` (next to this interpreter)
as a new process, as a user does; the commands and their input are those of
``benchmarks/startup.py``, which times ExaBGP 5.0.15 beside them.  Speed is
reported (``extra_info``: the median in milliseconds), never asserted; what
is asserted is that each run did its work: exit code 0 and the output the
command exists for, the decoded UPDATE equal to the line ExaBGP 5.0.15
prints for it (recorded, volatile envelope fields masked).  With
``--benchmark-disable`` each command runs once, checks included.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("exabgp_bench_startup", HERE / "startup.py")
startup = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(startup)

PROGRAM = str(Path(sys.executable).with_name("exabgp"))

#: ExaBGP 5.0.15's `exabgp decode startup.UPDATE` (recorded), after `startup.normalise`
DECODED = (
    '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", '
    '"neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, '
    '"router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", '
    '"as-path": {"0": {"element": "as-sequence", "value": [65001, 65002]}}, "med": 100, "local-preference": 200, '
    '"community": [ [ 65000, 1 ] ] }, "announce": { "ipv4 unicast": { "192.0.2.1": [ { "nlri": "10.0.0.0/24" }, '
    '{ "nlri": "10.0.1.0/24" } ] } } } } } }\n'
)


@pytest.mark.parametrize("name", ["version", "decode", "validate"])
def test_startup(benchmark, tmp_path, rounds, name):
    benchmark.group = "command line start-up"
    arguments = startup.commands(tmp_path)[name]
    env = startup.environment()
    seconds, code, out = benchmark.pedantic(
        startup.run, (PROGRAM, arguments, env), rounds=max(rounds, 5), warmup_rounds=1
    )
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["median_ms"] = round(stats.stats.median * 1000, 1)
    assert startup.expected_output(name, code, out)
    if name == "decode":
        assert startup.normalise(out) == DECODED
