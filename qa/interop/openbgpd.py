"""OpenBGPD as the peer: ``bgpd -d`` with its own configuration, read back with ``bgpctl -s SOCKET -j``.

`OpenBGPD(directory, ...)` writes ``bgpd.conf`` (``listen on ADDRESS port
PORT``, the control ``socket`` in the directory, ``fib-update no``, a 1 s
``connect-retry``, one neighbor: our daemon on `peer_port`, passive or
not, multihop for eBGP, ``announce`` of the address families `announce`
(``IPv4 vpn``...; by default the transport's unicast); ``network`` statements for the prefixes to
originate with their ``set`` attributes; an outbound filter setting the
next hop, which OpenBGPD applies on iBGP only: on eBGP it sends its own
address; everything allowed in and out) and runs ``bgpd -d -v -f
bgpd.conf`` in the foreground.  bgpd needs root: it chroots its session
and route engines into the home of its ``_openbgpd`` user,
``/run/openbgpd``, which systemd makes at boot: it is made here when
missing.

`neighbor()` is the JSON of ``bgpctl show neighbor ADDRESS``; `state()`
its ``state`` (``Established`` when up); `routes()` the Adj-RIB-In from our
daemon, ``show rib in neighbor ADDRESS detail``: prefix (``rd RD PREFIX``
for VPN routes) -> JSON object.
"""

import json
import os
import pwd

from qa.interop import PeerDaemon, Process, run

#: OpenBGPD's bgpd (FRR's is in /usr/lib/frr)
BGPD = "/usr/sbin/bgpd"
USER = "_openbgpd"


class OpenBGPD(PeerDaemon):
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
        set_attributes: str = "",
        nexthop: str = "",
        announce=(),
    ):
        self.directory = os.path.join(str(directory), "openbgpd")
        os.makedirs(self.directory, exist_ok=True)
        self.neighbor_address = neighbor
        self.socket = os.path.join(self.directory, "bgpd.sock")
        self.config = os.path.join(self.directory, "bgpd.conf")
        networks = "".join(f"network {prefix} set {{ {set_attributes} }}\n" for prefix in originate)
        families = "\n    ".join(f"announce {family}" for family in announce)
        outbound = f"allow to {neighbor} set nexthop {nexthop}" if nexthop else ""
        with open(os.open(self.config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as config:
            config.write(f"""
AS {local_as}
router-id {router_id}
listen on {address} port {port}
socket "{self.socket}"
fib-update no
connect-retry 1
{networks}
neighbor {neighbor} {{
    remote-as {peer_as}
    local-address {address}
    port {peer_port}
    holdtime {hold_time}
    {"multihop 255" if local_as != peer_as else ""}
    {"passive" if passive else ""}
    {families}
}}
allow from any
allow to any
{outbound}
""")
        self.bgpctl = None
        self.process = None

    def start(self, paths) -> None:
        self.bgpctl = paths["bgpctl"]
        chroot = pwd.getpwnam(USER).pw_dir
        os.makedirs(chroot, mode=0o755, exist_ok=True)
        self.process = Process([paths[BGPD], "-d", "-v", "-f", self.config], self.directory, "bgpd")
        self._ready()

    READY = "bgpd's control socket"

    def answers(self):
        return self.neighbor()

    def cli(self, command: str) -> dict:
        return json.loads(run([self.bgpctl, "-s", self.socket, "-j", *command.split()]))

    def neighbor(self) -> dict:
        return self.cli(f"show neighbor {self.neighbor_address}")["neighbors"][0]

    def state(self) -> str:
        return self.neighbor()["state"]

    def routes(self) -> dict:
        rib = self.cli(f"show rib in neighbor {self.neighbor_address} detail").get("rib", [])
        return {route["prefix"]: route for route in rib}
