"""`exabgp healthcheck` as a daemon's helper, its routes read back from BIRD (issue 4, item 5).

A user's set-up, on loopback: a service (a TCP port on 127.0.0.1 this test
opens and closes), two ``process`` sections running ``python -m exabgp
healthcheck`` with a ``--cmd`` that connects to that port, a daemon whose
neighbor (listing both processes in its ``api``) is BIRD 2, and BIRD's RIB
read with ``birdc`` (qa/interop/bird.py).  The two helpers are the two ways
healthcheck is used:

* ``web`` announces two service IPs with a community; MED 100 and 101
  while the port answers, 1000 and 1001 (the down metric) when it does not;
* ``dns`` announces one IP with ``--withdraw-on-down``: present while the
  port answers, withdrawn when it does not.

The port starts closed (both helpers go DOWN: ``web`` announces its down
MEDs, ``dns`` withdraws a route never announced), opens (UP), closes
(DOWN), opens again (UP); after each step BIRD's routes must be exactly the
expected ones.  The helpers wait for the daemon's ``done`` after each
command (no ``--no-ack``): a daemon that does not ack stalls them at the
first route.  Then ``web`` is stopped (SIGTERM to the process id of its
``--pid`` file): it withdraws its routes (EXIT), exits, and the daemon
starts it again (respawn), which announces them again; last the daemon is
stopped: it and its helpers end at once (in well under the 2 s after which
our daemon SIGKILLs a helper), none left waiting for an ack.

The daemon is ours (``python -m exabgp server``) and ExaBGP 5.0.15 (the
oracle, `qa.oracle`) on the same configuration: BIRD must see the same routes with the same attributes.

Without BIRD the tests skip, unless EXABGP_INTEROP=1 (.ci/run), where they fail.
"""

import importlib
import os
import signal
import socket
import sys
import time

import pytest

pytestmark = pytest.mark.slow  # starts BIRD, our daemon and the healthcheck

interop = importlib.import_module("qa.interop")
bird_module = importlib.import_module("qa.interop.bird")

oracle = importlib.import_module("qa.oracle")
PEER_AS = 65002
WEB = ("10.66.0.1/32", "10.66.0.2/32")
DNS = "10.66.1.1/32"
COMMUNITY = (65001, 80)

#: the check script a user would write: exit 0 when something accepts a connection on HOST PORT, else the errno
CHECK = """#!{python}
import socket
import sys

sys.exit(socket.socket().connect_ex((sys.argv[1], int(sys.argv[2]))))
"""


def check_script(directory) -> str:
    path = os.path.join(str(directory), "check-port")
    with open(path, "w") as script:
        script.write(CHECK.format(python=sys.executable))
    os.chmod(path, 0o755)
    return path


def configuration(bird_port: int, check: str, pid: str) -> str:
    """The daemon's configuration: the two healthcheck helpers running `check` (web's process id in the file
    `pid`), BIRD as the neighbor (we connect)."""
    # `env PYTHONPATH=...`: this checkout is not installed; the same helper runs under either daemon
    healthcheck = f"/usr/bin/env PYTHONPATH={interop.PACKAGE_ROOT} {sys.executable} -m exabgp healthcheck"
    common = (
        f'--cmd "{check}" --interval 0.3 --fast-interval 0.3 --rise 1 --fall 1 --timeout 2 --no-ip-setup --no-syslog'
    )
    local, peer = interop.ADDRESSES[4]
    return f"""
process web {{
    run {healthcheck} --name web --pid {pid} {common} --ip {WEB[0]} --ip {WEB[1]} --community {COMMUNITY[0]}:{COMMUNITY[1]};
    encoder text;
}}
process dns {{
    run {healthcheck} --name dns {common} --ip {DNS} --withdraw-on-down;
    encoder text;
}}
neighbor {peer} {{
    router-id 10.0.0.1; local-address {local}; local-as {interop.LOCAL_AS}; peer-as {PEER_AS};
    connect {bird_port};
    family {{ ipv4 unicast; }}
    api {{ processes [ web dns ]; }}
}}
"""


def expected(up: bool) -> dict:
    """BIRD's text for our routes while the service is up or down."""
    base = {
        "BGP.origin": "IGP",
        "BGP.as_path": str(interop.LOCAL_AS),
        "BGP.next_hop": interop.ADDRESSES[4][0],
        "BGP.local_pref": "100",
    }
    community = "({},{})".format(*COMMUNITY)
    routes = {
        ip: dict(base, **{"BGP.med": str((100 if up else 1000) + index), "BGP.community": community})
        for index, ip in enumerate(WEB)
    }
    if up:
        routes[DNS] = dict(base, **{"BGP.med": "100"})
    return routes


class Service:
    """A TCP port on 127.0.0.1 that accepts connections while open."""

    def __init__(self):
        self.port = interop.free_port()
        self.sock = None

    def open(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(64)  # the kernel completes the checks' handshakes: nothing to accept

    def close(self) -> None:
        self.sock.close()
        self.sock = None

    def stop(self) -> None:
        if self.sock is not None:
            self.close()


class Exa5(interop.Process):
    """ExaBGP 5.0.15 (the oracle) on `text` (helpers before the privilege drop, no CLI pipes)."""

    def __init__(self, directory, text: str):
        path = os.path.join(str(directory), "exabgp.conf")
        with open(path, "w") as config:
            config.write(text)
        env = interop.exabgp_environment(exabgp_daemon_drop="false", exabgp_api_cli="false")
        del env["PYTHONPATH"]  # 5.0.15 imports its own package, not this checkout
        super().__init__([oracle.require_oracle(), path], directory, "exabgp", env=env)


def running_process(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_routes(bird, exa, routes: dict, what: str) -> None:
    """BIRD's routes from us become exactly `routes` (prefix -> every BGP attribute BIRD shows)."""

    def exact():
        if not exa.running():
            raise AssertionError(f"the daemon exited: {exa.text()}")
        return bird.routes() == routes

    try:
        interop.wait_until(exact, 10, what=what)
    except AssertionError as error:
        raise AssertionError(f"{error}: bird has {bird.routes()}") from None


@pytest.mark.parametrize("daemon", ["ours", "exabgp-5.0.15"])  # the same helpers, the same routes in BIRD
def test_healthcheck_announces_and_withdraws_with_the_service(tmp_path, running, daemon):
    paths = interop.require("bird", "birdc")
    if daemon != "ours":
        oracle.require_oracle()
    ours, address = interop.ADDRESSES[4]
    bird_port = interop.free_port(address)
    bird = bird_module.Bird(
        tmp_path, address, ours, bird_port, interop.free_port(ours), PEER_AS, interop.LOCAL_AS, passive=True
    )
    running.append(bird)
    bird.start(paths)
    service = Service()
    running.append(service)
    pid = os.path.join(str(tmp_path), "web.pid")
    text = configuration(bird_port, f"{check_script(tmp_path)} 127.0.0.1 {service.port}", pid)
    exa = interop.ExaBGP(tmp_path, text) if daemon == "ours" else Exa5(tmp_path, text)
    running.append(exa)
    interop.wait_until(lambda: bird.state() == "Established", 15, what="bird Established")

    for name, command in (("web", f"announce route {WEB[0]}"), ("dns", f"withdraw route {DNS}")):
        logged = f"command from process {name} : neighbor * {command} "  # the same text in both daemons' logs
        interop.wait_until(lambda: logged in exa.text(), 10, what=f"{name}'s first (DOWN) command")
    wait_routes(bird, exa, expected(up=False), "the down MEDs, no dns route (port closed)")
    service.open()
    wait_routes(bird, exa, expected(up=True), "the up MEDs and the dns route (port open)")
    service.close()
    wait_routes(bird, exa, expected(up=False), "the down MEDs, the dns route withdrawn (port closed)")
    service.open()
    wait_routes(bird, exa, expected(up=True), "the up MEDs and the dns route again (port open)")

    # web stopped (SIGTERM): it withdraws its routes (EXIT) and exits; the daemon starts it again
    # (respawn) and it announces them again
    withdrawn = [f"command from process web : neighbor * withdraw route {ip} " for ip in WEB]
    assert not any(line in exa.text() for line in withdrawn)
    first = int(open(pid).read())
    os.kill(first, signal.SIGTERM)
    interop.wait_until(lambda: all(line in exa.text() for line in withdrawn), 10, what="web's EXIT withdrawals")
    interop.wait_until(lambda: int(open(pid).read() or 0) not in (0, first), 10, what="web started again")
    wait_routes(bird, exa, expected(up=True), "the up MEDs again (web restarted)")

    # the daemon stopped (SIGTERM): its helpers get EOF instead of the acks of their EXIT withdrawals
    # and end, the daemon at once (our daemon used to keep the pipe open, and waited 2 s to SIGKILL web)
    helper = int(open(pid).read())
    stopping = time.monotonic()
    exa.stop()
    elapsed = time.monotonic() - stopping
    if daemon == "ours":  # 5.0.15's own stopping time is not ours to judge (a loaded machine slows it)
        assert elapsed < 1.8, f"the daemon took {elapsed:.1f} s to stop"
    interop.wait_until(lambda: not running_process(helper), 2, what="web ended")
    assert "Traceback" not in exa.text()
