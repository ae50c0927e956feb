"""BIRD 2 as the peer: configuration, process, and its RIB read back with ``birdc -s SOCKET``.

`Bird(directory, ...)` writes ``bird.conf`` (one BGP protocol ``session``
with one IPv4 or IPv6 channel that imports everything and exports the
routes of a static protocol with the attributes an export filter sets and
the next hop `nexthop`; or the channels of `channels`, BIRD's channel type
-> the static routes it exports, e.g. ``"vpn4 mpls": ["65002:9
10.98.0.0/24 via 192.0.2.99%lo onlink mpls 300"]``, the VPN ones on
tables of their own; iBGP exports a static route's gateway and labels as
they are), runs ``bird -f -c bird.conf -s bird.ctl -P bird.pid`` as the
current user and waits for the control socket to answer.  BIRD listens on `port` of `address`; it connects to our
daemon (`neighbor`) on `peer_port` unless `passive`.  The connect delay,
retry and error wait times are 1 s so that a restarted or thawed session
comes back within the test's time; `password` turns TCP MD5 on.

`routes()` parses ``show route all protocol session``: prefix (``RD
PREFIX`` for VPN routes, ``flow4 { dst ...; }`` for FlowSpec rules) ->
{"BGP.origin": "IGP", "BGP.as_path": "65001 65100", ...} (BIRD prints no
JSON); `state()` is the Info column of
``show protocols session`` (``Established`` when up).
"""

import os
import re

from qa.interop import PeerDaemon, Process, run


def _table(channel: str) -> str:
    """The table statement of a channel: unicast ones use BIRD's master tables, the others their own."""
    net = channel.split()[0]
    return f"table t_{net};" if channel in ("vpn4 mpls", "vpn6 mpls", "flow4", "flow6") else ""


def _tables(channel: str, routes) -> str:
    """The table a channel needs and the static protocol originating `routes` into it."""
    net = channel.split()[0]
    table = _table(channel)
    lines = "".join(f"    route {route};\n" for route in routes)
    declaration = f"{net} {table}\n" if table else ""
    return f"{declaration}protocol static {{\n    {net} {{ {table} }};\n{lines}}}\n"


class Bird(PeerDaemon):
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
        password: str = "",
        originate=(),
        attributes: str = "",
        nexthop: str = "",
        channels=None,
    ):
        self.directory = os.path.join(str(directory), "bird")
        os.makedirs(self.directory, exist_ok=True)
        self.birdc, self.bird = None, None
        self.socket = os.path.join(self.directory, "bird.ctl")
        channel = "ipv6" if ":" in address else "ipv4"
        channels = channels or {channel: [f"{prefix} blackhole" for prefix in originate]}
        options = ["multihop;"] if local_as != peer_as else []
        if passive:
            options.append("passive on;")
        if password:
            options.append(f'password "{password}";')
        statics = "".join(_tables(name, routes) for name, routes in channels.items())
        next_hop = f"next hop address {nexthop};" if nexthop else ""
        blocks = "".join(
            f"""    {name} {{
        {_table(name)}
        import all;
        {next_hop}
        export filter {{ if source = RTS_STATIC then {{ {attributes} accept; }} reject; }};
    }};
"""
            for name in channels
        )
        self.config = os.path.join(self.directory, "bird.conf")
        with open(self.config, "w") as config:
            config.write(f"""
router id {router_id};
log "{self.directory}/bird.log" all;
protocol device {{ }}
{statics}
protocol bgp session {{
    local {address} port {port} as {local_as};
    neighbor {neighbor} port {peer_port} as {peer_as};
    {" ".join(options)}
    hold time {hold_time};
    connect delay time 1;
    connect retry time 1;
    error wait time 1, 2;
{blocks}}}
""")
        self.process = None

    def start(self, paths) -> None:
        self.bird, self.birdc = paths["bird"], paths["birdc"]
        self.process = Process(
            [self.bird, "-f", "-c", self.config, "-s", self.socket, "-P", os.path.join(self.directory, "bird.pid")],
            self.directory,
            "bird",
        )
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
            match = re.match(r"^((?:[0-9.]+:\d+ )?[0-9a-fA-F.:]+/\d+|flow[46] \{.*?\})\s", line)
            if match:
                current = routes.setdefault(match.group(1), {})
                continue
            match = re.match(r"^\s+(BGP\.\w+):\s*(.*)$", line)
            if match and current is not None:
                current[match.group(1)] = match.group(2).strip()
        return routes
