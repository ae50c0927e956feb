"""BIRD 2 as the peer: configuration, process, and its RIB read back with ``birdc -s SOCKET``.

`Bird(directory, ...)` writes ``bird.conf`` (one BGP protocol ``session``
with one IPv4 or IPv6 channel that imports everything and exports the
routes of a static protocol ``statics`` with the attributes an export
filter sets and the next hop `nexthop`), runs ``bird -f -c bird.conf -s
bird.ctl -P bird.pid`` as the current user and waits for the control
socket to answer.  BIRD listens on `port` of `address`; it connects to our
daemon (`neighbor`) on `peer_port` unless `passive`.  The connect delay,
retry and error wait times are 1 s so that a restarted or thawed session
comes back within the test's time; `password` turns TCP MD5 on.

`routes()` parses ``show route all protocol session``: prefix ->
{"BGP.origin": "IGP", "BGP.as_path": "65001 65100", ...} (BIRD prints no
JSON); `state()` is the Info column of ``show protocols session``
(``Established`` when up).
"""

import os
import re

from qa.interop import PeerDaemon, Process, run


class Bird(PeerDaemon):
    def __init__(self, directory, address: str, neighbor: str, port: int, peer_port: int, local_as: int, peer_as: int,
                 router_id: str = "10.0.0.2", passive: bool = False, hold_time: int = 90, password: str = "",
                 originate=(), attributes: str = "", nexthop: str = ""):
        self.directory = os.path.join(str(directory), "bird")
        os.makedirs(self.directory, exist_ok=True)
        self.birdc, self.bird = None, None
        self.socket = os.path.join(self.directory, "bird.ctl")
        channel = "ipv6" if ":" in address else "ipv4"
        statics = "".join(f"    route {prefix} blackhole;\n" for prefix in originate)
        options = ["multihop;"] if local_as != peer_as else []
        if passive:
            options.append("passive on;")
        if password:
            options.append(f'password "{password}";')
        self.config = os.path.join(self.directory, "bird.conf")
        with open(self.config, "w") as config:
            config.write(f"""
router id {router_id};
log "{self.directory}/bird.log" all;
protocol device {{ }}
protocol static statics {{
    {channel};
{statics}}}
protocol bgp session {{
    local {address} port {port} as {local_as};
    neighbor {neighbor} port {peer_port} as {peer_as};
    {' '.join(options)}
    hold time {hold_time};
    connect delay time 1;
    connect retry time 1;
    error wait time 1, 2;
    {channel} {{
        import all;
        {f"next hop address {nexthop};" if nexthop else ""}
        export filter {{ if proto = "statics" then {{ {attributes} accept; }} reject; }};
    }};
}}
""")
        self.process = None

    def start(self, paths) -> None:
        self.bird, self.birdc = paths["bird"], paths["birdc"]
        self.process = Process([self.bird, "-f", "-c", self.config, "-s", self.socket,
                                "-P", os.path.join(self.directory, "bird.pid")], self.directory, "bird")
        self._ready()

    READY = "bird's control socket"

    def answers(self):
        return "BIRD" in self.cli("show status")

    def cli(self, command: str) -> str:
        return run([self.birdc, "-s", self.socket, *command.split()])

    def state(self) -> str:
        for line in self.cli("show protocols session").splitlines():
            if line.startswith("session "):
                return line.split()[-1]
        return ""

    def log(self) -> str:
        path = os.path.join(self.directory, "bird.log")
        return open(path, errors="replace").read() if os.path.exists(path) else ""

    def routes(self) -> dict:
        routes, current = {}, None
        for line in self.cli("show route all protocol session").splitlines():
            match = re.match(r"^([0-9a-fA-F.:]+/\d+)\s", line)
            if match:
                current = routes.setdefault(match.group(1), {})
                continue
            match = re.match(r"^\s+(BGP\.\w+):\s*(.*)$", line)
            if match and current is not None:
                current[match.group(1)] = match.group(2).strip()
        return routes

