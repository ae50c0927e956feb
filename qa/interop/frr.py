"""FRR as the peer: ``bgpd`` alone (no zebra), read back with ``vtysh --vty_socket DIR -c '... json'``.

`FRR(directory, ...)` writes ``bgpd.conf`` (``router bgp`` with one
neighbor, our daemon on `peer_port`, passive or not, eBGP multihop without
the connected check since there is no zebra to know the interfaces, a 1 s
connect timer, and a ``network`` statement for each prefix to originate,
sent to us through an outbound route map setting the attributes, which lets
nothing else through; or the address families of `families`, FRR's name ->
the lines under it, e.g. ``"ipv4 vpn": ["network 10.98.0.0/24 rd 65002:9
label 300 route-map VPN4"]``, with the route maps of `route_maps`, name ->
``set`` statements) and runs

    bgpd -f bgpd.conf -i bgpd.pid --vty_socket DIR -z DIR/zserv.api
         -p PORT -l ADDRESS -Z -S -P 0 --log file:DIR/bgpd.log

as the current user (``-S``: no user change, ``-Z``: no zebra, ``-P 0``: no
TCP vty), then waits until ``vtysh`` answers.  With `bmp_port`, bgpd loads
its BMP module (``-M bmp``) and connects to a station on 127.0.0.1 at that
port, exporting the pre- and post-policy Adj-RIB-In of the address's family
and statistics every second (``bmp targets``; ``soft-reconfiguration
inbound`` keeps the Adj-RIB-In its pre-policy export reads).

`neighbor()` is ``show bgp neighbors ADDRESS json`` for our daemon,
`state()` its ``bgpState`` (``Established`` when up), `route(prefix)` the
paths of ``show bgp FAMILY unicast PREFIX json``, `paths(family, prefix,
rd)` those of ``show bgp FAMILY PREFIX json`` for another address family
(``ipv4 labeled-unicast``, ``ipv6 vpn``...), of route distinguisher `rd`
for VPN ones.
"""

import json
import os

from qa.interop import PeerDaemon, Process, run

#: FRR's bgpd (/usr/sbin/bgpd is OpenBGPD's)
BGPD = "/usr/lib/frr/bgpd"


class FRR(PeerDaemon):
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
        set_attributes=(),
        families=None,
        route_maps=None,
        bmp_port: int = 0,
    ):
        self.directory = os.path.join(str(directory), "frr")
        os.makedirs(self.directory, exist_ok=True)
        self.address, self.neighbor_address, self.port = address, neighbor, port
        self.family = "ipv6" if ":" in address else "ipv4"
        self.config = os.path.join(self.directory, "bgpd.conf")
        keepalive = max(1, hold_time // 3)
        families = families or {
            f"{self.family} unicast": [
                *(f"network {prefix}" for prefix in originate),
                f"neighbor {neighbor} route-map OUT out",
            ]
        }
        address_families = "".join(
            f" address-family {family}\n"
            + "".join(f"  {line}\n" for line in lines)
            + f"  neighbor {neighbor} activate\n exit-address-family\n"
            for family, lines in families.items()
        )
        maps = "".join(
            f"route-map {name} permit 10\n" + "".join(f" set {statement}\n" for statement in statements) + "!\n"
            for name, statements in (route_maps or {}).items()
        )
        sets = "".join(f" set {statement}\n" for statement in set_attributes)
        self.bmp_port = bmp_port
        bmp = (
            f" neighbor {neighbor} soft-reconfiguration inbound\n"  # FRR's pre-policy export reads its Adj-RIB-In
            f" bmp targets station\n"
            f"  bmp connect 127.0.0.1 port {bmp_port} min-retry 100 max-retry 1000\n"
            f"  bmp monitor {self.family} unicast pre-policy\n"
            f"  bmp monitor {self.family} unicast post-policy\n"
            f"  bmp stats interval 1000\n"
            f" exit\n"
            if bmp_port
            else ""
        )
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
{maps}router bgp {local_as}
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
{address_families}{bmp}!
""")
        self.vtysh = None
        self.process = None

    def start(self, paths) -> None:
        self.vtysh = paths["vtysh"]
        self.process = Process(
            [
                paths[BGPD],
                "-f",
                self.config,
                "-i",
                os.path.join(self.directory, "bgpd.pid"),
                "--vty_socket",
                self.directory,
                "-z",
                os.path.join(self.directory, "zserv.api"),
                "-p",
                self.port,
                "-l",
                self.address,
                "-Z",
                "-S",
                "-P",
                "0",
                "--log",
                f"file:{self.directory}/bgpd.log",
                *(["-M", "bmp"] if self.bmp_port else []),
            ],
            self.directory,
            "bgpd",
        )
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

    def paths(self, family: str, prefix: str, rd: str = "") -> list:
        output = self.cli(f"show bgp {family} {prefix} json")
        found = json.loads(output) if output.strip() else {}
        return (found.get(rd, {}) if rd else found).get("paths", [])
