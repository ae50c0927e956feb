"""ExaBGP's own decoding vectors, run the way its harness runs them.

Each file of ``exabgp-reference/decoding`` has three lines: ``<type> [<afi>
<safi>]``, the hex message, the JSON ExaBGP 5.0 printed.  The harness runs
``exabgp decode [-f "<afi> <safi>"] --<type> <hex>`` (no ``-f`` for an
OPEN), and passes when stderr is empty and stdout is one JSON object equal
to the expected one once the top-level keys exabgp, host, pid, ppid, time
and version are dropped from both (``counter`` is kept).

Only the vectors of the families this build decodes are listed.  The directory lives outside
the project (``../shared``); the tests skip when it is absent.
"""

import json
import os
import subprocess
import sys

import pytest

import exabgp

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))

VECTORS = (
    "ipv4-unicast-1",
    "ipv4-unicast-2",
    "bgp-open-sofware-version",
    "bgp-flow-1",
    "bgp-flow-2",
    "bgp-flow-3",
    "bgp-flow-4",
    "bgp-evpn-1",
) + tuple(f"bgp-ls-{number}" for number in range(1, 11))

VOLATILE = ("exabgp", "host", "pid", "ppid", "time", "version")


def _stable(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in VOLATILE}


@pytest.mark.parametrize("name", VECTORS)
def test_reference_vector(reference, name):
    kind_line, payload, expected = (reference / "decoding" / name).read_text().splitlines()[:3]
    kind, *family = kind_line.split()
    command = [sys.executable, "-m", "exabgp", "decode"]
    if family and kind != "open":
        command += ["-f", " ".join(family)]
    command += [f"--{kind}", payload]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY, timeout=60)
    assert result.stderr == ""
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1
    assert _stable(json.loads(result.stdout)) == _stable(json.loads(expected))
