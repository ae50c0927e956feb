"""GoBGP as the peer: ``gobgpd`` with a TOML configuration, read back with ``gobgp -p API_PORT ... -j``.

`GoBGP(directory, ...)` writes ``gobgpd.toml`` (the global AS and router
id, BGP on `port` of `address`, one neighbor: our daemon on `peer_port`,
passive or not, connect retry and idle hold time after a reset of 1 s so
that a restarted or thawed session comes back within the test's time, the
address families `families`, GoBGP's names: ``l3vpn-ipv4-unicast``,
``ipv4-labelled-unicast``..., unicast of the address's version by default) and
runs ``gobgpd -f gobgpd.toml --api-hosts 127.0.0.1:API_PORT
--pprof-disable -p`` as the current user; `start()` waits until the API
answers, then adds the routes to originate with ``gobgp global rib add``.

With `bmp_port`, gobgpd also exports its RIBs by BMP to a station on
127.0.0.1 at that port (``[[bmp-servers]]``, route monitoring policy
``all``: pre- and post-policy Adj-RIB-In and Loc-RIB).

`neighbor()` is the JSON of ``gobgp neighbor ADDRESS -j``; `state()` its
session state (``ESTABLISHED`` when up, GoBGP's names upper-cased);
`routes(family)` the JSON of ``gobgp neighbor ADDRESS adj-in -a FAMILY -j``
(``ipv4``, ``vpnv4``, ``ipv4-mpls``...): prefix (``RD:PREFIX`` for VPN
routes) -> list of path objects (``attrs`` is a list of attribute objects,
each with its ``type`` code).
"""

import json
import os

from qa.interop import PeerDaemon, Process, free_port, run

STATES = {1: "IDLE", 2: "CONNECT", 3: "ACTIVE", 4: "OPENSENT", 5: "OPENCONFIRM", 6: "ESTABLISHED"}


class GoBGP(PeerDaemon):
    def __init__(
        self,
        directory,
        address: str,
        neighbor: str,
        port: int,
        peer_port: int,
        local_as: int,
        peer_as: int,
        router_id: str = "10.0.0.2",
        passive: bool = False,
        hold_time: int = 90,
        originate=(),
        families=(),
        bmp_port: int = 0,
    ):
        self.directory = os.path.join(str(directory), "gobgp")
        os.makedirs(self.directory, exist_ok=True)
        self.address = neighbor
        self.originate = originate  # (family, gobgp rib add arguments)
        self.api_port = free_port()
        self.config = os.path.join(self.directory, "gobgpd.toml")
        families = families or ["ipv6-unicast" if ":" in address else "ipv4-unicast"]
        afi_safis = "".join(
            f"""  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "{family}"
"""
            for family in families
        )
        with open(self.config, "w") as config:
            config.write(f"""
[global.config]
  as = {local_as}
  router-id = "{router_id}"
  port = {port}
  local-address-list = ["{address}"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "{neighbor}"
    peer-as = {peer_as}
  [neighbors.transport.config]
    local-address = "{address}"
    remote-port = {peer_port}
    passive-mode = {"true" if passive else "false"}
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = {hold_time}
    keepalive-interval = {max(1, hold_time // 3)}
    idle-hold-time-after-reset = 1
{afi_safis}""")
            if bmp_port:  # a BMP station on 127.0.0.1: every RIB GoBGP exports (pre-, post-policy, Loc-RIB)
                config.write(f"""
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = {bmp_port}
    route-monitoring-policy = "all"
""")
        self.gobgp = None
        self.process = None

    def start(self, paths) -> None:
        self.gobgp = paths["gobgp"]
        self.process = Process(
            [paths["gobgpd"], "-f", self.config, "--api-hosts", f"127.0.0.1:{self.api_port}", "--pprof-disable", "-p"],
            self.directory,
            "gobgpd",
        )
        self._ready()

    READY = "gobgpd's API"

    def answers(self):
        return self.neighbor()

    def _ready(self) -> None:
        super()._ready()
        for family, arguments in self.originate:
            self.cli("global", "rib", "add", *arguments, "-a", family)

    def cli(self, *arguments) -> str:
        return run([self.gobgp, "-p", self.api_port, *arguments])

    def neighbor(self) -> dict:
        return json.loads(self.cli("neighbor", self.address, "-j"))

    def state(self) -> str:
        state = self.neighbor()["state"]["session_state"]
        return STATES.get(state, str(state)) if isinstance(state, int) else str(state).upper()

    def routes(self, family: str) -> dict:
        output = self.cli("neighbor", self.address, "adj-in", "-a", family, "-j")
        return json.loads(output) if output.strip() else {}
