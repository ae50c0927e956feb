"""Interoperability fixtures: our daemon against real BGP daemons on loopback (issue 3, part 7).

One module per peer daemon (`qa.interop.bird`, `gobgp`, `frr`, `openbgpd`)
writes that daemon's configuration into a temporary directory, starts it on
free loopback ports, waits until its control socket answers and reads its
RIB and session state back with its own CLI.  This module holds what they
share:

* `require(*binaries)`: the peer daemon's programs; missing ones skip the
  test with the reason, or fail it when ``EXABGP_INTEROP=1`` (what
  ``.ci/run`` sets: there the packages must be installed); `unavailable`
  is that rule alone, for other tools (`qa.bgpkit`: a Python module);
* `free_port` (`qa.ports`: outside the ephemeral range), `wait_until` (`qa.daemon`);
* `ExaBGP`: our daemon as a user runs it (``python -m exabgp server CONF``)
  with ``log.level`` DEBUG, its output in a file of the temporary
  directory.  What it received is read from that log: the ``<< announce``
  lines the reactor writes per received route, and the messages themselves,
  rebuilt from the ``received`` / ``sending TCP payload`` lines of each
  connection: UPDATEs decoded with ``exabgp decode`` (our own decoder on
  the peer's exact octets), NOTIFICATIONs sent;
* the scenarios: unicast (`exabgp_config`, `check_received`, the session
  scenarios) and labeled / VPN routes (`exabgp_vpn_config`,
  `check_received_vpn`);
* `Process`: a peer daemon in the foreground, in its own process group,
  its output in a file; `freeze` / `thaw` (SIGSTOP / SIGCONT) and `stop`.

Test tooling: nothing in the `exabgp` package imports it.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from typing import NoReturn

import exabgp
from qa.daemon import wait_until  # noqa: F401 (the interop tests take it from here)
from qa.ports import free_port  # noqa: F401 (the interop tests take it from here)

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))
#: the variable .ci/run sets: a missing daemon then fails the test instead of skipping it
REQUIRED = "EXABGP_INTEROP"
SBIN = ("/usr/sbin", "/usr/lib/frr", "/sbin")


def which(binary: str):
    """The path of `binary` on PATH or in the sbin directories, or None."""
    found = shutil.which(binary)
    if found:
        return found
    for directory in SBIN:
        path = os.path.join(directory, binary)
        if os.access(path, os.X_OK):
            return path
    return None


def unavailable(reason: str) -> NoReturn:
    """End the test for a missing tool: skip it for `reason`, or fail it under EXABGP_INTEROP=1."""
    import pytest

    if os.environ.get(REQUIRED) == "1":
        pytest.fail(f"{reason} ({REQUIRED}=1)")
    pytest.skip(reason)


def require(*binaries) -> dict:
    """binary name -> path; skip (or fail under EXABGP_INTEROP=1) when one is missing."""
    paths = {binary: which(binary) for binary in binaries}
    missing = [binary for binary, path in paths.items() if path is None]
    if missing:
        unavailable(f"interop daemon programs not installed: {', '.join(missing)}")
    return paths


def run(command, timeout: float = 5.0, **options) -> str:
    """A CLI command's standard output (a failure raises CalledProcessError)."""
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        stdin=subprocess.DEVNULL,
        **options,
    ).stdout


class Process:
    """A daemon in the foreground, in its own process group, output in `directory`/`name`.out."""

    def __init__(self, command, directory, name: str, env=None):
        self.command = [str(part) for part in command]
        self.name = name
        self.directory = str(directory)
        self.output = os.path.join(self.directory, f"{name}.out")
        self.env = env
        self.process = None
        self.start()

    def start(self) -> None:
        with open(self.output, "a") as output:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.directory,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        with open(self.output, errors="replace") as output:
            return output.read()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, number) -> None:
        if self.running():
            os.killpg(self.process.pid, number)

    def freeze(self) -> None:
        self.signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.signal(signal.SIGCONT)

    def stop(self, timeout: float = 5.0):
        """SIGTERM (SIGCONT first: it may be frozen), SIGKILL after `timeout`; the exit code."""
        if self.process is None:
            return None
        if self.running():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever the group still holds (helper processes of the daemon)
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        return self.process.returncode


def exabgp_environment(**settings) -> dict:
    """The environment of our daemon: this process's minus its exabgp settings, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("exabgp.", "exabgp_", "EXABGP_ENVFILE", "EXABGP_ROOT"))
    }
    # started as root the daemon drops to daemon.user (5.0's `nobody`) after binding; these tests keep
    # root: their files live in root's private temporary directories (the drop has its own tests)
    env.update(PYTHONPATH=PACKAGE_ROOT, EXABGP_ENVFILE=os.devnull, exabgp_log_level="DEBUG", exabgp_daemon_user="root")
    env.update({key: str(value) for key, value in settings.items()})
    return env


PAYLOAD = re.compile(r"^(\S+)\s+(received|sending) TCP payload \(\s*\d+\) ([0-9A-F ]+)$", re.M)


class PeerDaemon:
    """What the four peer daemons share: waiting until their CLI answers, restart, stop.

    A subclass sets `process` in its `start(paths)`, then calls `_ready()`; it defines `answers()`
    (true once its CLI answers) and `READY` (what is awaited, for the timeout message), and may
    extend `_ready()` with what must follow each start.
    """

    READY = "the daemon's CLI"
    process = None

    def answers(self):
        raise NotImplementedError

    def _ready(self) -> None:
        def answering():
            if not self.process.running():
                raise AssertionError(f"{self.process.name} exited: {self.process.text()}")
            return self.answers()

        wait_until(answering, 10, what=self.READY)

    def restart(self) -> None:
        self.process.stop()
        self.process.start()
        self._ready()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


class ExaBGP(Process):
    """Our daemon on configuration `text` (written to `directory`/exabgp.conf)."""

    def __init__(self, directory, text: str, **settings):
        path = os.path.join(str(directory), "exabgp.conf")
        with open(path, "w") as config:
            config.write(text)
        super().__init__(
            [sys.executable, "-m", "exabgp", "server", path], directory, "exabgp", env=exabgp_environment(**settings)
        )

    def established(self) -> int:
        """How many sessions came up ("connected to ... with ..." lines)."""
        return len(re.findall(r"^reactor\s+connected to \S+ with ", self.text(), re.M))

    def wait_established(self, count: int = 1, timeout: float = 30.0) -> None:
        wait_until(lambda: self.established() >= count, timeout, what=f"session {count} of exabgp")

    def received(self) -> list:
        """The routes logged as received: ``<< announce ...`` / ``<< withdraw ...`` texts."""
        return re.findall(r"<< ((?:announce|withdraw) .*)$", self.text(), re.M)

    def messages(self, direction: str) -> list:
        """The messages ``received`` or ``sending`` (as logged), whole, in order per connection."""
        streams = {}
        for connection, way, text in PAYLOAD.findall(self.text()):
            if way == direction:
                streams[connection] = streams.get(connection, "") + text.replace(" ", "")
        messages = []
        for stream in streams.values():
            data = bytes.fromhex(stream)
            while len(data) >= 19:
                length = int.from_bytes(data[16:18], "big")
                messages.append(data[:length])
                data = data[length:]
        return messages

    def sent_notifications(self) -> list:
        """(code, subcode) of every NOTIFICATION whose octets went out."""
        return [(message[19], message[20]) for message in self.messages("sending") if message[18] == 3]

    def received_updates(self) -> list:
        """Every UPDATE received (EoR excluded), decoded by ``exabgp decode``: the 'update' JSON objects."""
        decoded = []
        for message in self.messages("received"):
            if message[18] != 2 or len(message) <= 23:  # not an UPDATE, or an IPv4 End-of-RIB
                continue
            output = run(
                [sys.executable, "-m", "exabgp", "decode", message.hex()], timeout=30, cwd=self.directory, env=self.env
            )
            update = json.loads(output)["neighbor"]["message"].get("update")  # else an End-of-RIB
            if update is not None:
                decoded.append(update)
        return decoded


def announced(updates) -> dict:
    """(family, prefix) -> (next hop, attributes, NLRI object) of the announcements in decoded UPDATEs."""
    routes = {}
    for update in updates:
        for family, by_nexthop in update.get("announce", {}).items():
            for nexthop, nlris in by_nexthop.items():
                for nlri in nlris:
                    routes[(family, nlri["nlri"])] = (nexthop, update.get("attribute", {}), nlri)
    return routes


# ---------------------------------------------------------------- the scenario every peer daemon runs

LOCAL_AS = 65001
#: IP version -> (our address, the peer daemon's address): ::1 is the only IPv6 loopback address
ADDRESSES = {4: ("127.0.0.1", "127.0.0.2"), 6: ("::1", "::1")}
#: IP version -> an explicit next hop, for peers that refuse a loopback one (GoBGP, IPv4)
EXPLICIT_NEXTHOP = {4: "192.0.2.1", 6: "2001:db8::1"}
#: our routes per IP version: the first carries every common attribute, the second only an origin
OUR_PREFIXES = {4: ("10.1.0.0/16", "10.2.0.0/24"), 6: ("2001:db8:1::/48", "2001:db8:2::/48")}
#: the route the peer daemon originates towards us
PEER_PREFIX = {4: "10.99.0.0/24", 6: "2001:db8:99::/48"}
MED = 42
LOCAL_PREF = 200
COMMUNITIES = ((65001, 7), (65001, 8))
LARGE_COMMUNITY = (65001, 1, 2)
ROUTE_TARGET = (65001, 5)
#: what the peer daemon sets on the route it originates (the next hop explicitly: with both
#: sides on ::1, its own address would be the neighbor's, which BIRD refuses to send)
PEER_NEXTHOP = {4: "192.0.2.99", 6: "2001:db8::99"}
PEER_MED = 77
PEER_COMMUNITY = (65002, 99)
PEER_LARGE_COMMUNITY = (65002, 1, 99)


def our_nexthop(ip: int, nexthop: str = "self") -> str:
    """The next hop the peer daemon must see on our routes: our address for ``next-hop self``."""
    return ADDRESSES[ip][0] if nexthop == "self" else nexthop


def as_path(ibgp: bool) -> tuple:
    """The AS_PATH our first route carries: eBGP starts with our AS (peers may enforce it)."""
    return (65100, 65200) if ibgp else (LOCAL_AS, 65100)


def exabgp_config(
    ip: int,
    peer_as: int,
    passive: bool,
    port: int,
    peer_port: int,
    hold_time: int = 180,
    password: str = "",
    nexthop: str = "self",
) -> str:
    """Our neighbor towards the peer daemon (IP version `ip`), with the routes of OUR_PREFIXES."""
    ibgp = peer_as == LOCAL_AS
    local, peer = ADDRESSES[ip]
    full, plain = OUR_PREFIXES[ip]
    transport = f"passive; listen {port};" if passive else f"connect {peer_port};"
    md5 = f'md5-password "{password}";' if password else ""
    local_pref = f"local-preference {LOCAL_PREF} " if ibgp else ""
    return f"""
neighbor {peer} {{
    router-id 10.0.0.1; local-address {local}; local-as {LOCAL_AS}; peer-as {peer_as};
    hold-time {hold_time}; {transport} {md5}
    family {{ ipv{ip} unicast; }}
    static {{
        route {full} next-hop {nexthop} origin egp as-path [ {" ".join(map(str, as_path(ibgp)))} ] med {MED} {local_pref}community [ {" ".join(f"{a}:{b}" for a, b in COMMUNITIES)} ] large-community [ {":".join(map(str, LARGE_COMMUNITY))} ] extended-community [ target:{ROUTE_TARGET[0]}:{ROUTE_TARGET[1]} ];
        route {plain} next-hop {nexthop} origin incomplete;
    }}
}}
"""


def check_received(exa: ExaBGP, ip: int, ibgp: bool, peer_as: int, nexthop: str = "") -> None:
    """The peer's route is logged by our daemon and its UPDATE decodes to what the peer set.

    The next hop is PEER_NEXTHOP unless `nexthop` says otherwise (a peer that
    replaces it with its own address on eBGP).
    """
    prefix = PEER_PREFIX[ip]
    family = f"ipv{ip} unicast"
    nexthop = nexthop or PEER_NEXTHOP[ip]
    wait_until(
        lambda: f"announce {family} {prefix} next-hop {nexthop}" in exa.received(), 10, what=f"exabgp logging {prefix}"
    )
    routes = announced(exa.received_updates())
    assert routes[(family, prefix)][0] == nexthop
    attributes = routes[(family, prefix)][1]
    assert attributes["origin"] == "igp"
    path = [] if ibgp else [peer_as]
    assert [asn for segment in attributes.get("as-path", {}).values() for asn in segment["value"]] == path
    assert attributes["med"] == PEER_MED
    assert attributes["community"] == [list(PEER_COMMUNITY)]
    assert attributes["large-community"] == [list(PEER_LARGE_COMMUNITY)]
    if ibgp:
        assert attributes["local-preference"] == 100


# ---------------------------------------------------------------- the scenarios every daemon goes through
# Each test module supplies its daemon's `wait_up(peer, exa, count=1)` (both sides Established) and
# `wait_routes(peer, ip, ibgp)` (our routes in the peer's RIB, read with its CLI).

#: (ip version, our daemon passive, iBGP) of the session tests, and their ids
CASES = [(4, False, False), (4, True, True), (6, False, True), (6, True, False)]
CASE_IDS = ["ipv4-active-ebgp", "ipv4-passive-ibgp", "ipv6-active-ibgp", "ipv6-passive-ebgp"]


def session_routes_both_ways(peer, exa, wait_up, wait_routes, ip, ours_passive, ibgp, check_received_routes):
    """The session comes up in the right direction; our routes reach the peer; the peer's reach us."""
    wait_up(peer, exa)
    direction = "incoming" if ours_passive else "outgoing"
    assert f" with {direction}-" in exa.text()
    wait_routes(peer, ip, ibgp)
    check_received_routes()
    assert "Traceback" not in exa.text()


def restarted_gets_everything_again(peer, exa, wait_up, wait_routes, ip, ibgp):
    """The peer restarts: a second session comes up and every route is in its RIB again."""
    wait_up(peer, exa)
    wait_routes(peer, ip, ibgp)
    peer.restart()
    wait_up(peer, exa, count=2)
    wait_routes(peer, ip, ibgp)
    assert "Traceback" not in exa.text()


def frozen_hold_timer_fires_and_session_comes_back(peer, exa, wait_up, wait_routes, ip, ibgp):
    """The peer is stopped (SIGSTOP): our 3 s hold timer sends 4/0; after SIGCONT the session returns."""
    wait_up(peer, exa)
    wait_routes(peer, ip, ibgp)
    peer.process.freeze()
    frozen = time.monotonic()
    wait_until(lambda: "notification sent (4,0)" in exa.text(), 8, what="our hold timer")
    assert 2.0 < time.monotonic() - frozen < 6.0
    assert (4, 0) in exa.sent_notifications()  # the octets went out, not only the log line
    peer.process.thaw()
    wait_up(peer, exa, count=2)
    wait_routes(peer, ip, ibgp)
    assert "Traceback" not in exa.text()


# ---------------------------------------------------------------- the labeled and VPN scenario
# One iBGP session over IPv4 (we connect, the peer daemon is passive) carrying the labeled (RFC 8277,
# ``nlri-mpls``, SAFI 4) and VPN (RFC 4364 / 4659, ``mpls-vpn``, SAFI 128) families the peer daemon
# supports, IPv6 ones included (their next hop is IPv6 whatever the transport).

#: our route per family: (prefix, route distinguisher or None, label); each carries every common attribute
VPN_ROUTES = {
    "ipv4 mpls-vpn": ("10.10.0.0/24", "65001:100", 1000),
    "ipv6 mpls-vpn": ("2001:db8:10::/48", "65001:600", 1006),
    "ipv4 nlri-mpls": ("10.20.0.0/24", None, 2000),
    "ipv6 nlri-mpls": ("2001:db8:20::/48", None, 2006),
}
#: the routes a peer daemon announces towards us, per family (those it can originate):
#: (prefix, route distinguisher or None, label), with the route target PEER_ROUTE_TARGET
PEER_VPN_ROUTES = {
    "ipv4 mpls-vpn": ("10.98.0.0/24", "65002:9", 300),
    "ipv6 mpls-vpn": ("2001:db8:98::/48", "65002:9", 301),
    "ipv4 nlri-mpls": ("10.97.0.0/24", None, 302),
    "ipv6 nlri-mpls": ("2001:db8:97::/48", None, 303),
}
PEER_ROUTE_TARGET = (65002, 9)


def family_ip(family: str) -> int:
    return 6 if family.startswith("ipv6") else 4


def exabgp_vpn_config(families, peer_port: int) -> str:
    """Our iBGP neighbor on 127.0.0.2 (we connect to `peer_port`): `families` of VPN_ROUTES, one route each."""
    local, peer = ADDRESSES[4]
    common = (
        f"origin egp as-path [ {' '.join(map(str, as_path(True)))} ] med {MED} local-preference {LOCAL_PREF} "
        f"community [ {' '.join(f'{a}:{b}' for a, b in COMMUNITIES)} ] "
        f"large-community [ {':'.join(map(str, LARGE_COMMUNITY))} ] "
        f"extended-community [ target:{ROUTE_TARGET[0]}:{ROUTE_TARGET[1]} ]"
    )
    routes = ""
    for family in families:
        prefix, rd, label = VPN_ROUTES[family]
        distinguisher = f"rd {rd} " if rd else ""
        routes += (
            f"        route {prefix} {distinguisher}label {label} "
            f"next-hop {EXPLICIT_NEXTHOP[family_ip(family)]} {common};\n"
        )
    return f"""
neighbor {peer} {{
    router-id 10.0.0.1; local-address {local}; local-as {LOCAL_AS}; peer-as {LOCAL_AS};
    connect {peer_port};
    family {{ {" ".join(f"{family};" for family in families)} }}
    static {{
{routes}    }}
}}
"""


def check_received_vpn(exa: ExaBGP, families) -> None:
    """The peer's routes of PEER_VPN_ROUTES in `families` are logged by our daemon and their UPDATEs
    decode to exactly the route distinguisher, label, next hop (PEER_NEXTHOP) and route target set."""
    expected = {family: PEER_VPN_ROUTES[family] for family in families}
    for family, (prefix, _, _) in expected.items():
        logged = f"announce {family} {prefix} "  # the log line names the prefix only: the rest is decoded
        wait_until(
            lambda: any(line.startswith(logged) for line in exa.received()),
            10,
            what=f"exabgp logging {family} {prefix}",
        )
    routes = announced(exa.received_updates())
    for family, (prefix, rd, label) in expected.items():
        nexthop, attributes, nlri = routes[(family, prefix)]
        assert nexthop == PEER_NEXTHOP[family_ip(family)]
        assert (nlri.get("rd"), nlri.get("label")) == (rd, [[label]]), nlri
        target = "target:{}:{}".format(*PEER_ROUTE_TARGET)
        assert [community["string"] for community in attributes["extended-community"]] == [target]
        assert attributes["origin"] == "igp"
        assert attributes["local-preference"] == 100
    assert "Traceback" not in exa.text()
