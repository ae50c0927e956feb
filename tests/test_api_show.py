"""The replies of `exabgp.api.show` against ExaBGP 5.0.15's own answers.

The expected texts were captured from ExaBGP 5.0.15: a `process` helper sent
each command to a 5.0.15 speaker (127.0.0.2, AS 65001) with one established
eBGP peer (127.0.0.3, AS 65002, another 5.0.15) and one idle iBGP neighbor
(127.0.0.4) whose `family` block is absent (every family), and wrote down
what it read back.  A ``|`` marks the end of each line (the texts have
trailing spaces); the final ``done`` is the reactor's and is not included.
"""

import json

from exabgp.api import show
from exabgp.api.show import PeerStatus


def _lines(text: str) -> list:
    return [line[:-1] for line in text.splitlines()]


HELP = _lines("""\
|
available API commands are listed here:|
=======================================|
|
filter can be: [local-ip <ip>][local-as <asn>][peer-as <asn>][router-id <router-id>]|
|
command are:|
------------|
|
# |
[neighbor <ip> [filters]] announce attribute|
[neighbor <ip> [filters]] announce attributes|
[neighbor <ip> [filters]] announce eor|
[neighbor <ip> [filters]] announce flow|
[neighbor <ip> [filters]] announce ipv4|
[neighbor <ip> [filters]] announce ipv6|
[neighbor <ip> [filters]] announce operational|
[neighbor <ip> [filters]] announce route|
[neighbor <ip> [filters]] announce route-refresh|
[neighbor <ip> [filters]] announce vpls|
[neighbor <ip> [filters]] announce watchdog|
[neighbor <ip> [filters]] clear adj-rib|
[neighbor <ip> [filters]] crash|
[neighbor <ip> [filters]] flush adj-rib out|
[neighbor <ip> [filters]] teardown|
[neighbor <ip> [filters]] withdraw attribute|
[neighbor <ip> [filters]] withdraw attributes|
[neighbor <ip> [filters]] withdraw flow|
[neighbor <ip> [filters]] withdraw ipv4|
[neighbor <ip> [filters]] withdraw ipv6|
[neighbor <ip> [filters]] withdraw route|
[neighbor <ip> [filters]] withdraw vpls|
[neighbor <ip> [filters]] withdraw watchdog|
disable-ack |
enable-ack |
help |
reload |
reset |
restart |
show adj-rib in [ extensive ] |
show adj-rib out [ extensive ] |
show neighbor [ summary | extensive | configuration ] |
shutdown |
silence-ack |
version |
|
""")

USAGE = _lines("""\
please specify summary, extensive or configuration|
you can filter by peer ip address adding it after the word neighbor|
""")

SUMMARY = _lines("""\
Peer            AS        up/down state       |     #sent     #recvd|
127.0.0.4       65001        down idle                  0          0|
127.0.0.3       65002     0:00:05 established           5          4|
""")

EXTENSIVE = _lines("""\
Neighbor 127.0.0.4|
|
    Session                       Local|
   local                      127.0.0.2                                |
   state                           IDLE                                |
   down for                     0:00:06                                |
|
    Setup                         Local          Remote|
   AS                             65001           65001                |
   ID                           1.1.1.1             n/a                |
   hold-time                        180             n/a                |
|
    Capability                    Local          Remote|
   asn4:                        enabled             n/a                |
   route-refresh:              disabled             n/a                |
   multi-session:              disabled             n/a                |
   operational:                disabled             n/a                |
   add-path:                   disabled             n/a                |
   extended-message:            enabled             n/a                |
   graceful-restart:           disabled             n/a                |
|
    Families                      Local          Remote        Add-Path|
   ipv4 unicast:                enabled             n/a disabled       |
   ipv4 multicast:              enabled             n/a disabled       |
   ipv4 nlri-mpls:              enabled             n/a disabled       |
   ipv4 mcast-vpn:              enabled             n/a disabled       |
   ipv4 mup:                    enabled             n/a disabled       |
   ipv4 mpls-vpn:               enabled             n/a disabled       |
   ipv4 rtc:                    enabled             n/a disabled       |
   ipv4 flow:                   enabled             n/a disabled       |
   ipv4 flow-vpn:               enabled             n/a disabled       |
   ipv6 unicast:                enabled             n/a disabled       |
   ipv6 multicast:              enabled             n/a disabled       |
   ipv6 nlri-mpls:              enabled             n/a disabled       |
   ipv6 mcast-vpn:              enabled             n/a disabled       |
   ipv6 mup:                    enabled             n/a disabled       |
   ipv6 mpls-vpn:               enabled             n/a disabled       |
   ipv6 flow:                   enabled             n/a disabled       |
   ipv6 flow-vpn:               enabled             n/a disabled       |
   l2vpn vpls:                  enabled             n/a disabled       |
   l2vpn evpn:                  enabled             n/a disabled       |
   bgp-ls bgp-ls:               enabled             n/a disabled       |
   bgp-ls bgp-ls-vpn:           enabled             n/a disabled       |
|
    Message Statistic              Sent        Received|
   open:                              0               0                |
   notification:                      0               0                |
   keepalive:                         0               0                |
   update:                            0               0                |
   refresh:                           0               0                |
   total:                             0               0                |
|
Neighbor 127.0.0.3|
|
    Session                       Local|
   local                      127.0.0.2                                |
   state                    ESTABLISHED                                |
   up for                       0:00:05                                |
|
    Setup                         Local          Remote|
   AS                             65001           65002                |
   ID                           1.1.1.1         2.2.2.2                |
   hold-time                         90              60                |
|
    Capability                    Local          Remote|
   asn4:                        enabled         enabled                |
   route-refresh:               enabled         enabled                |
   multi-session:              disabled        disabled                |
   operational:                disabled        disabled                |
   add-path:                    enabled         enabled                |
   extended-message:            enabled         enabled                |
   graceful-restart:            enabled        disabled                |
|
    Families                      Local          Remote        Add-Path|
   ipv4 unicast:                enabled         enabled receive        |
   ipv6 unicast:                enabled         enabled receive        |
|
    Message Statistic              Sent        Received|
   open:                              1               1                |
   notification:                      0               0                |
   keepalive:                         1               1                |
   update:                            5               4                |
   refresh:                           0               0                |
   total:                             7               6                |
|
""")

ADJ_RIB_IN_EXTENSIVE = _lines("""\
neighbor 127.0.0.3 local-ip 127.0.0.2 local-as 65001 peer-as 65002 router-id 1.1.1.1 family-allowed in-open ipv4 unicast 10.2.0.0/24 next-hop 127.0.0.3 origin igp as-path ( 65002 65010 )|
neighbor 127.0.0.3 local-ip 127.0.0.2 local-as 65001 peer-as 65002 router-id 1.1.1.1 family-allowed in-open ipv4 unicast 10.3.0.0/24 next-hop 127.0.0.3 origin igp as-path ( 65002 )|
""")

ADJ_RIB_OUT = _lines("""\
127.0.0.3 ipv4 unicast 10.1.0.0/24 next-hop 127.0.0.2|
127.0.0.3 ipv4 unicast 10.1.0.9/32 next-hop 127.0.0.2|
127.0.0.3 ipv6 unicast 2001:db8::/32 next-hop 2001:db8::1|
""")

ADJ_RIB_OUT_JSON = _lines("""\
{"127.0.0.3": {"routes": [{"prefix": "10.1.0.0/24", "family": "ipv4 unicast"}]}}|
{"127.0.0.3": {"routes": [{"prefix": "10.1.0.9/32", "family": "ipv4 unicast"}]}}|
{"127.0.0.3": {"routes": [{"prefix": "2001:db8::/32", "family": "ipv6 unicast"}]}}|
""")

VERSION = _lines("""\
exabgp 5.0.15|
""")

NEIGHBOR_JSON = (
    '[{"state": "down", "duration": 6, "fsm": "IDLE", "local": {"capabilities": {"asn4": true, "route-ref'
    'resh": false, "multi-session": false, "operational": false, "add-path": false, "extended-message": t'
    'rue, "graceful-restart": false}, "families": {"ipv4 unicast": true, "ipv4 multicast": true, "ipv4 nl'
    'ri-mpls": true, "ipv4 mcast-vpn": true, "ipv4 mup": true, "ipv4 mpls-vpn": true, "ipv4 rtc": true, "'
    'ipv4 flow": true, "ipv4 flow-vpn": true, "ipv6 unicast": true, "ipv6 multicast": true, "ipv6 nlri-mp'
    'ls": true, "ipv6 mcast-vpn": true, "ipv6 mup": true, "ipv6 mpls-vpn": true, "ipv6 flow": true, "ipv6'
    ' flow-vpn": true, "l2vpn vpls": true, "l2vpn evpn": true, "bgp-ls bgp-ls": true, "bgp-ls bgp-ls-vpn"'
    ': true}, "add-path": {"ipv4 unicast": false, "ipv4 multicast": false, "ipv4 nlri-mpls": false, "ipv4'
    ' mcast-vpn": false, "ipv4 mup": false, "ipv4 mpls-vpn": false, "ipv4 rtc": false, "ipv4 flow": false'
    ', "ipv4 flow-vpn": false, "ipv6 unicast": false, "ipv6 multicast": false, "ipv6 nlri-mpls": false, "'
    'ipv6 mcast-vpn": false, "ipv6 mup": false, "ipv6 mpls-vpn": false, "ipv6 flow": false, "ipv6 flow-vp'
    'n": false, "l2vpn vpls": false, "l2vpn evpn": false, "bgp-ls bgp-ls": false, "bgp-ls bgp-ls-vpn": fa'
    'lse}, "address": "127.0.0.2", "as": 65001, "id": "1.1.1.1", "hold": 180}, "peer": {"capabilities": {'
    '"asn4": null, "route-refresh": null, "multi-session": null, "operational": null, "add-path": null, "'
    'extended-message": null, "graceful-restart": null}, "families": {"ipv4 unicast": null, "ipv4 multica'
    'st": null, "ipv4 nlri-mpls": null, "ipv4 mcast-vpn": null, "ipv4 mup": null, "ipv4 mpls-vpn": null, '
    '"ipv4 rtc": null, "ipv4 flow": null, "ipv4 flow-vpn": null, "ipv6 unicast": null, "ipv6 multicast": '
    'null, "ipv6 nlri-mpls": null, "ipv6 mcast-vpn": null, "ipv6 mup": null, "ipv6 mpls-vpn": null, "ipv6'
    ' flow": null, "ipv6 flow-vpn": null, "l2vpn vpls": null, "l2vpn evpn": null, "bgp-ls bgp-ls": null, '
    '"bgp-ls bgp-ls-vpn": null}, "add-path": {"ipv4 unicast": false, "ipv4 multicast": false, "ipv4 nlri-'
    'mpls": false, "ipv4 mcast-vpn": false, "ipv4 mup": false, "ipv4 mpls-vpn": false, "ipv4 rtc": false,'
    ' "ipv4 flow": false, "ipv4 flow-vpn": false, "ipv6 unicast": false, "ipv6 multicast": false, "ipv6 n'
    'lri-mpls": false, "ipv6 mcast-vpn": false, "ipv6 mup": false, "ipv6 mpls-vpn": false, "ipv6 flow": f'
    'alse, "ipv6 flow-vpn": false, "l2vpn vpls": false, "l2vpn evpn": false, "bgp-ls bgp-ls": false, "bgp'
    '-ls bgp-ls-vpn": false}, "address": "127.0.0.4", "as": 65001, "id": null, "hold": null}, "messages":'
    ' {"sent": {"open": 0, "notification": 0, "keepalive": 0, "update": 0, "refresh": 0, "total": 0}, "re'
    'ceived": {"open": 0, "notification": 0, "keepalive": 0, "update": 0, "refresh": 0, "total": 0}}, "ca'
    'pabilities": [], "families": [], "add-path": {"ipv4 unicast": "disabled", "ipv4 multicast": "disable'
    'd", "ipv4 nlri-mpls": "disabled", "ipv4 mcast-vpn": "disabled", "ipv4 mup": "disabled", "ipv4 mpls-v'
    'pn": "disabled", "ipv4 rtc": "disabled", "ipv4 flow": "disabled", "ipv4 flow-vpn": "disabled", "ipv6'
    ' unicast": "disabled", "ipv6 multicast": "disabled", "ipv6 nlri-mpls": "disabled", "ipv6 mcast-vpn":'
    ' "disabled", "ipv6 mup": "disabled", "ipv6 mpls-vpn": "disabled", "ipv6 flow": "disabled", "ipv6 flo'
    'w-vpn": "disabled", "l2vpn vpls": "disabled", "l2vpn evpn": "disabled", "bgp-ls bgp-ls": "disabled",'
    ' "bgp-ls bgp-ls-vpn": "disabled"}}, {"state": "up", "duration": 6, "fsm": "ESTABLISHED", "local": {"'
    'capabilities": {"asn4": true, "route-refresh": true, "multi-session": false, "operational": false, "'
    'add-path": true, "extended-message": true, "graceful-restart": true}, "families": {"ipv4 unicast": t'
    'rue, "ipv6 unicast": true}, "add-path": {"ipv4 unicast": true, "ipv6 unicast": true}, "address": "12'
    '7.0.0.2", "as": 65001, "id": "1.1.1.1", "hold": 90}, "peer": {"capabilities": {"asn4": true, "route-'
    'refresh": true, "multi-session": false, "operational": false, "add-path": true, "extended-message": '
    'true, "graceful-restart": false}, "families": {"ipv4 unicast": true, "ipv6 unicast": true}, "add-pat'
    'h": {"ipv4 unicast": false, "ipv6 unicast": false}, "address": "127.0.0.3", "as": 65002, "id": "2.2.'
    '2.2", "hold": 60}, "messages": {"sent": {"open": 1, "notification": 0, "keepalive": 1, "update": 5, '
    '"refresh": 0, "total": 7}, "received": {"open": 1, "notification": 0, "keepalive": 1, "update": 4, "'
    'refresh": 0, "total": 6}}, "capabilities": ["asn4", "route-refresh", "add-path", "extended-message"]'
    ', "families": ["ipv4 unicast", "ipv6 unicast"], "add-path": {"ipv4 unicast": "send", "ipv6 unicast":'
    ' "send"}}]'
)

ALL_FAMILIES = (
    "ipv4 unicast",
    "ipv4 multicast",
    "ipv4 nlri-mpls",
    "ipv4 mcast-vpn",
    "ipv4 mup",
    "ipv4 mpls-vpn",
    "ipv4 rtc",
    "ipv4 flow",
    "ipv4 flow-vpn",
    "ipv6 unicast",
    "ipv6 multicast",
    "ipv6 nlri-mpls",
    "ipv6 mcast-vpn",
    "ipv6 mup",
    "ipv6 mpls-vpn",
    "ipv6 flow",
    "ipv6 flow-vpn",
    "l2vpn vpls",
    "l2vpn evpn",
    "bgp-ls bgp-ls",
    "bgp-ls bgp-ls-vpn",
)


def idle(down: int) -> PeerStatus:
    """127.0.0.4: configured, never connected (no OPEN: every peer value unknown)."""
    local = {"asn4": True, "extended-message": True}
    return PeerStatus(
        peer_address="127.0.0.4",
        local_address="127.0.0.2",
        local_as=65001,
        peer_as=65001,
        local_id="1.1.1.1",
        local_hold=180,
        state="IDLE",
        down=down,
        capabilities=tuple((name, local.get(name, False), None) for name in show.CAPABILITIES),
        families=tuple((name, True, None, False, False) for name in ALL_FAMILIES),
        messages=tuple((kind, 0, 0) for kind in show.MESSAGES),
    )


def established(up: int) -> PeerStatus:
    """127.0.0.3: eBGP up; we send ADD-PATH, the peer only receives it; graceful restart on our side only."""
    both = {"asn4", "route-refresh", "add-path", "extended-message"}
    counters = {"open": (1, 1), "keepalive": (1, 1), "update": (5, 4)}
    return PeerStatus(
        peer_address="127.0.0.3",
        local_address="127.0.0.2",
        local_as=65001,
        peer_as=65002,
        local_id="1.1.1.1",
        peer_id="2.2.2.2",
        local_hold=90,
        peer_hold=60,
        state="ESTABLISHED",
        up=up,
        capabilities=tuple(
            (name, name in both or name == "graceful-restart", name in both) for name in show.CAPABILITIES
        ),
        families=(("ipv4 unicast", True, True, True, False), ("ipv6 unicast", True, True, True, False)),
        messages=tuple((kind, *counters.get(kind, (0, 0))) for kind in show.MESSAGES),
    )


def test_summary_is_5_0_text():
    assert list(show.summary_lines([idle(6), established(5)])) == SUMMARY


def test_summary_duration_and_states():
    lines = list(show.summary_lines([established(90061)]))
    assert lines[1].split()[2:5] == ["1", "day,", "1:01:01"]  # timedelta text, as 5.0
    assert list(show.summary_lines([])) == [show.SUMMARY_HEADER]
    auto = PeerStatus("10.0.0.1", None, None, None, "1.1.1.1", state="ACTIVE")
    assert list(show.summary_lines([auto]))[1].split() == ["10.0.0.1", "auto", "down", "active", "0", "0"]


def test_extensive_is_5_0_text():
    assert show.extensive_lines(idle(6)) + show.extensive_lines(established(5)) == EXTENSIVE


def test_extensive_add_path_column_is_5_0_swapped_text():
    # the JSON says "send" for this family while the text table says "receive": both as 5.0
    status = established(5)
    assert show.as_dict(status)["add-path"]["ipv4 unicast"] == "send"
    assert [line for line in show.extensive_lines(status) if "ipv4 unicast:" in line][0].split()[-1] == "receive"


def test_neighbor_json_is_5_0_text():
    assert show.neighbor_json([idle(6), established(6)]) == "".join(NEIGHBOR_JSON)


def test_neighbor_json_counts_capabilities_the_peer_has():
    (found,) = json.loads(show.neighbor_json([established(1)]))
    assert found["capabilities"] == ["asn4", "route-refresh", "add-path", "extended-message"]
    assert found["messages"]["sent"]["total"] == 7 and found["messages"]["received"]["total"] == 6
    assert found["state"] == "up" and found["duration"] == 1


def test_adj_rib_lines():
    routes = [
        ("ipv4 unicast", "10.1.0.0/24 next-hop 127.0.0.2"),
        ("ipv4 unicast", "10.1.0.9/32 next-hop 127.0.0.2"),
        ("ipv6 unicast", "2001:db8::/32 next-hop 2001:db8::1"),
    ]
    assert [show.adj_rib_line("127.0.0.3", family, route) for family, route in routes] == ADJ_RIB_OUT
    name = "neighbor 127.0.0.3 local-ip 127.0.0.2 local-as 65001 peer-as 65002 router-id 1.1.1.1 family-allowed in-open"
    extensive = [
        ("ipv4 unicast", "10.2.0.0/24 next-hop 127.0.0.3 origin igp as-path ( 65002 65010 )"),
        ("ipv4 unicast", "10.3.0.0/24 next-hop 127.0.0.3 origin igp as-path ( 65002 )"),
    ]
    assert [show.adj_rib_line(name, family, route) for family, route in extensive] == ADJ_RIB_IN_EXTENSIVE


def test_adj_rib_json():
    routes = [("10.1.0.0/24", "ipv4 unicast"), ("10.1.0.9/32", "ipv4 unicast"), ("2001:db8::/32", "ipv6 unicast")]
    assert [show.adj_rib_json("127.0.0.3", prefix, family) for prefix, family in routes] == ADJ_RIB_OUT_JSON
    detailed = json.loads(show.adj_rib_json("127.0.0.3", "10.1.0.0/24", "ipv4 unicast", established(3)))
    assert list(detailed["127.0.0.3"])[:2] == ["routes", "state"]
    assert detailed["127.0.0.3"]["peer"]["id"] == "2.2.2.2"


def test_help_version_usage():
    assert show.help_lines() == HELP
    assert [show.version_line("5.0.15")] == VERSION
    assert list(show.USAGE) == USAGE


def test_neighbor_json_in_parts_is_the_one_line_of_json_dumps():
    """Streamed a peer at a time, ``show neighbor json`` keeps `json.dumps`'s text of the whole list (5.0's)."""
    for statuses in ([], [idle(6)], [idle(6), established(5), established(9)]):
        parts = list(show.neighbor_json_parts(statuses))
        assert len(parts) == len(statuses) + 2
        assert "".join(parts) == json.dumps([show.as_dict(status) for status in statuses])
