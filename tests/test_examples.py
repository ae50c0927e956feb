"""The README's example: `exabgp examples/quickstart.conf` runs two sessions over loopback and stops by itself.

The configuration is copied with a free port instead of 1790, and run as the
README says (``daemon.drop`` off, no CLI pipes); its helper prints the route
received (logged by the daemon) and sends ``shutdown`` at the End-of-RIB.
"""

import os
import shutil
import subprocess
import sys

import exabgp
from qa.ports import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def test_quickstart_example_prints_the_route_and_exits(tmp_path):
    source = os.path.join(ROOT, "examples")
    text = open(os.path.join(source, "quickstart.conf")).read()
    assert text.count("1790") == 2
    (tmp_path / "quickstart.conf").write_text(text.replace("1790", str(free_port("127.0.0.2"))))
    shutil.copy(os.path.join(source, "quickstart.py"), tmp_path / "quickstart.py")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("exabgp", "EXABGP_ENVFILE"))}
    env.update(PYTHONPATH=PACKAGE_ROOT, EXABGP_ENVFILE=os.devnull, exabgp_daemon_drop="false", exabgp_api_cli="false")
    done = subprocess.run(
        [sys.executable, "-m", "exabgp", str(tmp_path / "quickstart.conf")],
        cwd=PACKAGE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "stderr from process printer : received ipv4 unicast 198.51.100.0/24 next-hop 192.0.2.1 attributes "
        '{"origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [64496, 64500]}}, '
        '"community": [[64496, 100], [65535, 65281]]}'
    ) in done.stderr
    assert "Traceback" not in done.stderr
