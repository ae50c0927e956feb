"""FRR as the peer: ``bgpd`` alone (no zebra), read back with ``vtysh --vty_socket DIR -c '... json'``.

`FRR(directory, ...)` writes ``bgpd.conf`` (``router bgp`` with one
neighbor, our daemon on `peer_port`, passive or not, eBGP multihop without
the connected check since there is no zebra to know the interfaces, a 1 s
connect timer, and a ``network`` statement for each prefix to originate,
sent to us through an outbound route map setting the attributes, which lets
nothing else through) and runs

    bgpd -f bgpd.conf -i bgpd.pid --vty_socket DIR -z DIR/zserv.api
         -p PORT -l ADDRESS -Z -S -P 0 --log file:DIR/bgpd.log

as the current user (``-S``: no user change, ``-Z``: no zebra, ``-P 0``: no
TCP vty), then waits until ``vtysh`` answers.

`neighbor()` is ``show bgp neighbors ADDRESS json`` for our daemon,
`state()` its ``bgpState`` (``Established`` when up), `route(family,
prefix)` the paths of ``show bgp FAMILY unicast PREFIX json``.
"""

import json
import os

from qa.interop import PeerDaemon, Process, run

#: FRR's bgpd (/usr/sbin/bgpd is OpenBGPD's)
BGPD = "/usr/lib/frr/bgpd"


class FRR(PeerDaemon):
    def __init__(self, directory, address: str, neighbor: str, port: int, peer_port: int, local_as: int,
                 peer_as: int, router_id: str = "10.0.0.2", passive: bool = False, hold_time: int = 90,
                 originate=(), set_attributes=()):
        self.directory = os.path.join(str(directory), "frr")
        os.makedirs(self.directory, exist_ok=True)
        self.address, self.neighbor_address, self.port = address, neighbor, port
        self.family = "ipv6" if ":" in address else "ipv4"
        self.config = os.path.join(self.directory, "bgpd.conf")
        keepalive = max(1, hold_time // 3)
        networks = "".join(f"  network {prefix}\n" for prefix in originate)
        sets = "".join(f" set {statement}\n" for statement in set_attributes)
        match = "ip" if self.family == "ipv4" else "ipv6"
        prefix_list = "".join(f"{match} prefix-list ORIGINATED permit {prefix}\n" for prefix in originate)
        with open(self.config, "w") as config:
            config.write(f"""frr defaults traditional
hostname frr-peer
!
{prefix_list}!
route-map OUT permit 10
 match {match} address prefix-list ORIGINATED
{sets}!
router bgp {local_as}
 bgp router-id {router_id}
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor {neighbor} remote-as {peer_as}
 neighbor {neighbor} port {peer_port}
 neighbor {neighbor} update-source {address}
 neighbor {neighbor} timers {keepalive} {hold_time}
 neighbor {neighbor} timers connect 1
 {f"neighbor {neighbor} passive" if passive else "!"}
 {f"neighbor {neighbor} ebgp-multihop 255" if local_as != peer_as else "!"}
 {f"neighbor {neighbor} disable-connected-check" if local_as != peer_as else "!"}
 address-family {self.family} unicast
{networks}  neighbor {neighbor} activate
  neighbor {neighbor} route-map OUT out
 exit-address-family
!
""")
        self.vtysh = None
        self.process = None

    def start(self, paths) -> None:
        self.vtysh = paths["vtysh"]
        self.process = Process([paths[BGPD], "-f", self.config, "-i", os.path.join(self.directory, "bgpd.pid"),
                                "--vty_socket", self.directory, "-z", os.path.join(self.directory, "zserv.api"),
                                "-p", self.port, "-l", self.address, "-Z", "-S", "-P", "0",
                                "--log", f"file:{self.directory}/bgpd.log"], self.directory, "bgpd")
        self._ready()

    READY = "bgpd's vty"

    def answers(self):
        return self.neighbor()

    def cli(self, command: str) -> str:
        return run([self.vtysh, "--vty_socket", self.directory, "-d", "bgpd", "-c", command])

    def neighbor(self) -> dict:
        return json.loads(self.cli(f"show bgp neighbors {self.neighbor_address} json")).get(self.neighbor_address)

    def state(self) -> str:
        return self.neighbor()["bgpState"]

    def route(self, prefix: str) -> list:
        output = self.cli(f"show bgp {self.family} unicast {prefix} json")
        return json.loads(output).get("paths", []) if output.strip() else []

