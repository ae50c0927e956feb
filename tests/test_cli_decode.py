"""`exabgp` and `exabgp decode` on the command line, against ExaBGP 5.0.15's recorded output.

`CASES` holds what ExaBGP 5.0.15 printed (stdout, exit code) for crafted
payloads, with the volatile envelope fields (time, host, pid, ppid)
replaced by placeholders; our output must be identical text after the same
replacement.  Where 5.0 crashed with a traceback (a marker without a
complete header) the expected answer is `invalid payload`.  Configuration
files named ``{name}`` are written from `CONFS`.

Not listed yet: 5.0 rejects an MP_REACH_NLRI of a family the session did
not negotiate (``-f "ipv4 unicast"`` with an IPv6 UPDATE prints `invalid
payload`); `CodecContext` does not carry the negotiated families yet.
"""

import io
import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

import exabgp
from exabgp import _codec
from exabgp.cli import decode
from exabgp.cli.main import main
from qa.hypothesis_profiles import examples

CONFS = {
    "addpath": "neighbor 192.0.2.1 {\n    router-id 192.0.2.2;\n    local-address 192.0.2.2;\n    local-as 64500;\n    peer-as 64501;\n    capability { add-path send/receive; }\n    family { ipv4 unicast; ipv6 unicast; }\n    add-path { ipv4 unicast; }\n}\n",
    "addpath-send": "neighbor 192.0.2.1 {\n    local-address 192.0.2.2;\n    local-as 64500;\n    peer-as 64501;\n    capability { add-path send; }\n}\n",
    "noasn4": "neighbor 10.0.0.1 {\n    router-id 10.0.0.2;\n    local-address 10.0.0.2;\n    local-as 65000;\n    peer-as 65000;\n    capability { asn4 disable; }\n}\n",
    "two": "neighbor 10.0.0.3 {\n    local-address 10.0.0.2;\n    local-as 1;\n    peer-as 2;\n}\nneighbor 10.0.0.4 {\n    router-id 9.9.9.9;\n    local-address 10.0.0.2;\n    local-as 3;\n    peer-as 4;\n    family { ipv6 unicast; }\n}\n",
    "v6first": "neighbor 10.0.0.1 {\n    local-address 10.0.0.2;\n    local-as 1;\n    peer-as 2;\n    family { ipv6 unicast; ipv4 unicast; }\n}\n",
    "nexthop-vpn": "neighbor 127.0.0.1 {\n    router-id 10.0.0.2;\n    local-address 127.0.0.1;\n    local-as 65533;\n    peer-as 65533;\n    family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; ipv6 mpls-vpn; }\n    nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }\n    capability { aigp enable; }\n}\n",
    "nexthop-unconfigured": "neighbor 127.0.0.1 {\n    router-id 10.0.0.2;\n    local-address 127.0.0.1;\n    local-as 65533;\n    peer-as 65533;\n    family { ipv4 unicast; ipv4 mpls-vpn; }\n    nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }\n    capability { nexthop enable; aigp enable; }\n}\n",
    "nexthop-disabled": "neighbor 127.0.0.1 {\n    router-id 10.0.0.2;\n    local-address 127.0.0.1;\n    local-as 65533;\n    peer-as 65533;\n    family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; ipv6 mpls-vpn; }\n    nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }\n    capability { nexthop disable; }\n}\n",
    "everything": "neighbor 192.0.2.1 {\n    router-id 192.0.2.2;\n    local-address 192.0.2.2;\n    local-as 64500;\n    peer-as 64501;\n    family { ipv4 unicast; ipv6 unicast; ipv4 mpls-vpn; ipv6 mpls-vpn; ipv4 flow; l2vpn evpn; }\n    add-path { ipv4 unicast; }\n    nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }\n    capability {\n        asn4 disable;\n        add-path send/receive;\n        extended-message disable;\n        multi-session enable;\n        route-refresh;\n        graceful-restart 120;\n        operational enable;\n        aigp enable;\n    }\n}\n",
}

SETTINGS_TABLE = (  # what 5.0.15 prints before the hexadecimal help (recorded)
    "Environment values are:\n"
    " - exabgp.api.ack              acknowledge api command(s) and report issues. default (true)\n"
    " - exabgp.api.chunk            maximum lines to print before yielding in show routes api. default (1)\n"
    " - exabgp.api.cli              should we create a named pipe for the cli. default (true)\n"
    " - exabgp.api.compact          shorter JSON encoding for IPv4/IPv6 Unicast NLRI. default (false)\n"
    " - exabgp.api.encoder          (experimental) default encoder to use with with external API (text or json). default (json)\n"
    " - exabgp.api.pipename         name to be used for the exabgp pipe. default ('exabgp')\n"
    " - exabgp.api.respawn          should we try to respawn helper processes if they dies. default (true)\n"
    " - exabgp.api.show-routes-format  json output format for show adj-rib (v1 or v2). default (v1)\n"
    " - exabgp.api.terminate        should we terminate ExaBGP if any helper process dies. default (false)\n"
    " - exabgp.bgp.openwait         how many seconds we wait for an open once the TCP session is established. default (60)\n"
    " - exabgp.bgp.passive          ignore the peer configuration and make all peers passive. default (false)\n"
    " - exabgp.cache.attributes     cache all attributes (configuration and wire) for faster parsing. default (true)\n"
    " - exabgp.cache.nexthops       cache routes next-hops (deprecated: next-hops are always cached). default (true)\n"
    " - exabgp.daemon.daemonize     should we run in the background. default (false)\n"
    " - exabgp.daemon.drop          drop privileges before forking processes. default (true)\n"
    " - exabgp.daemon.pid           where to save the pid if we manage it. default ('')\n"
    " - exabgp.daemon.umask         run daemon with this umask, governs perms of logfiles etc.. default (0137)\n"
    " - exabgp.daemon.user          user to run the program as. default ('nobody')\n"
    " - exabgp.log.all              report debug information for everything. default (false)\n"
    " - exabgp.log.configuration    report command parsing. default (true)\n"
    " - exabgp.log.daemon           report pid change, forking, .... default (true)\n"
    " - exabgp.log.destination      where logging should log\n"
    "                                  syslog (or no setting) sends the data to the local syslog syslog\n"
    "                                  host:<location> sends the data to a remote syslog server\n"
    "                                  stdout sends the data to stdout\n"
    "                                  stderr sends the data to stderr\n"
    "                                  <filename> send the data to a file. default ('stdout')\n"
    " - exabgp.log.enable           enable logging to file or syslog. default (true)\n"
    " - exabgp.log.level            log message with at least the priority SYSLOG.<level>. default ('INFO')\n"
    " - exabgp.log.message          report changes in route announcement on config reload. default (false)\n"
    " - exabgp.log.network          report networking information (TCP/IP, network state,...). default (true)\n"
    " - exabgp.log.packets          report BGP packets sent and received. default (false)\n"
    " - exabgp.log.parser           report BGP message parsing details. default (false)\n"
    " - exabgp.log.processes        report handling of forked processes. default (true)\n"
    " - exabgp.log.reactor          report signal received, command reload. default (true)\n"
    " - exabgp.log.rib              report change in locally configured routes. default (false)\n"
    " - exabgp.log.routes           report received routes. default (false)\n"
    " - exabgp.log.short            use short log format (not prepended with time,level,pid and source). default (true)\n"
    " - exabgp.log.statistics       report packet statistics. default (true)\n"
    " - exabgp.log.timers           report keepalives timers. default (false)\n"
    " - exabgp.pdb.enable           on program fault, start pdb the python interactive debugger. default (false)\n"
    " - exabgp.profile.enable       toggle profiling of the code. default (false)\n"
    " - exabgp.profile.file         profiling result file, none means stdout, no overwriting. default ('')\n"
    " - exabgp.reactor.speed        reactor loop time\n"
    "                                  use only if you understand the code.. default (1.0)\n"
    " - exabgp.tcp.acl              (experimental please do not use) unimplemented. default ()\n"
    " - exabgp.tcp.attempts         maximum tcp connection attempts per peer (0 for unlimited). default (0)\n"
    " - exabgp.tcp.bind             Space separated list of IPs to bind on when listening (no ip to disable). default ()\n"
    " - exabgp.tcp.delay            start to announce route when the minutes in the hours is a modulo of this number. default (0)\n"
    " - exabgp.tcp.once             only one tcp connection attempt per peer (for debuging scripts) - deprecated, use tcp.attempts. default (false)\n"
    " - exabgp.tcp.port             port to bind on when listening. default (179)\n"
    "\n"
)

CASES = [
    (
        [
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003C020000001C4001010040020040030465016501800404000000C840050400000064000000002001010101"
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "med": 200, "local-preference": 100 }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "1.1.1.1/32" } ] } } } } } }\n',
    ),
    (
        [
            "-f",
            "ipv4 unicast",
            "--update",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003C020000001C4001010040020040030465016501800404000000C840050400000064000000002001010101",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "med": 200, "local-preference": 100 }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "1.1.1.1/32" } ] } } } } } }\n',
    ),
    (
        ["003C020000001C4001010040020040030465016501800404000000C840050400000064000000002001010101"],
        1,
        "invalid payload\n",
    ),
    (
        ["0000001C4001010040020040030465016501800404000000C840050400000064000000002001010101"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "med": 200, "local-preference": 100 }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "1.1.1.1/32" } ] } } } } } }\n',
    ),
    (
        [
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:003C:02:0000001C 4001010040020040030465016501800404000000C840050400000064000000002001010101"
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "med": 200, "local-preference": 100 }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "1.1.1.1/32" } ] } } } } } }\n',
    ),
    (
        [
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004F02000000384001010040020E02030000AAAA0000AAAA0000AAAAC0070800AA00AA0A0A0A0A4006004003040A0A0A0A8004040000000040050400000064"
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [43690, 43690, 43690]}}, "med": 0, "local-preference": 100, "atomic-aggregate": true, "aggregator": "11141290:10.10.10.10" } } } } }\n',
    ),
    (
        ["00000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170200000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    (
        ["00000006800F03000201"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv6", "safi" : "unicast" } } } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170200000000FFFF"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0017020000000000170200000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00FF020000000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "announce": { "ipv4 unicast": { "no-nexthop": [ { "nlri": "0.0.0.0/0" } ] } } } } } }\n',
    ),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0014020000000000"], 1, "invalid payload\n"),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001C02000000054001010040"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw" } } } } }\n',
    ),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304"], 1, "unknown type 4\ninvalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705"], 1, "unknown type 5\ninvalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0015060101"], 1, "unknown type 6\ninvalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00170000000000"], 1, "unknown type 0\ninvalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001307"], 1, "unknown type 7\ninvalid payload\n"),
    (
        [
            "--open",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00510104FFFD00B40A000002340206010400010001020641040000FFFD02224B201F4578614247502F6D61696E2D633261326561386562642D3230323430373135",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "open", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "open": { "version": 4, "asn": 65533, "hold_time": 180, "router_id": "10.0.0.2", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast" ] }, "65": { "name": "asn4", "asn4": 65533 }, "75": { "software": "ExaBGP/main-c2a2ea8ebd-20240715" } } } } }\n',
    ),
    (
        [
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00510104FFFD00B40A000002340206010400010001020641040000FFFD02224B201F4578614247502F6D61696E2D633261326561386562642D3230323430373135"
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "open", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "open": { "version": 4, "asn": 65533, "hold_time": 180, "router_id": "10.0.0.2", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast" ] }, "65": { "name": "asn4", "asn4": 65533 }, "75": { "software": "ExaBGP/main-c2a2ea8ebd-20240715" } } } } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0015030602"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "notification", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "notification": { "code": 6, "subcode": 2, "data": "0x", "message": "" }  } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0017030602414243"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "notification", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "notification": { "code": 6, "subcode": 2, "data": "0x696E76616C69642053687574646F776E20436F6D6D756E69636174696F6E202862756666657220756E64657272756E29206C656E677468203A203635205B307834325D", "message": "invalid Shutdown Communication (buffer underrun) length : 65 [0x42]" }  } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0015030101"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "notification", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "notification": { "code": 1, "subcode": 1, "data": "0x", "message": "" }  } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0016030204FF"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "notification", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "notification": { "code": 2, "subcode": 4, "data": "0xFF", "message": "\\ufffd" }  } }\n',
    ),
    (
        ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001503060D"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "notification", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "notification": { "code": 6, "subcode": 13, "data": "0x", "message": "" }  } }\n',
    ),
    (["-n", "2001010101180A0000"], 0, '{ "nlri": "1.1.1.1/32" }\n{ "nlri": "10.0.0.0/24" }\n'),
    (["-n", "-f", "ipv6 unicast", "202001DB8"], 1, "invalid payload\n"),
    (["-n", "-i", "000000012001010101"], 0, '{ "nlri": "1.1.1.1/32", "path-information": "0.0.0.1" }\n'),
    (["-n", ""], 1, "invalid payload\n"),
    (["-n", "21"], 1, "invalid payload\n"),
    (
        ["0000000B4001010040030465016501000000012001010101"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "32.0.0.0/1" }, { "nlri": "1.0.0.0/1" }, { "nlri": "1.0.0.0/1" } ] } } } } } }\n',
    ),
    (
        ["-i", "0000000B4001010040030465016501000000012001010101"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "1.1.1.1/32", "path-information": "0.0.0.1" } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv6 unicast",
            "0000002940010100800E220002011020010db800000000000000000000000100000000014020010db800000000",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8::/64", "path-information": "0.0.0.1" } ] } } } } } }\n',
    ),
    (
        ["0000002940010100800E220002011020010db800000000000000000000000100000000014020010db800000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "::/0" }, { "nlri": "::/0" }, { "nlri": "::/0" }, { "nlri": "4000::/1" }, { "nlri": "10d:b800::/32" }, { "nlri": "::/0" }, { "nlri": "::/0" }, { "nlri": "::/0" } ] } } } } } }\n',
    ),
    (
        ["-f", "ipv6 unicast", "0000002540010100800E1E0002011020010db8000000000000000000000001004020010db800000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8::/64" } ] } } } } } }\n',
    ),
    (
        ["-c", "{addpath}", "0000000B4001010040030465016501000000012001010101"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 64500, "peer": 64501 }, "router-id": "192.0.2.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "1.1.1.1/32", "path-information": "0.0.0.1" } ] } } } } } }\n',
    ),
    (
        [
            "-c",
            "{addpath}",
            "0000002940010100800E220002011020010db800000000000000000000000100000000014020010db800000000",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 64500, "peer": 64501 }, "router-id": "192.0.2.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8::/64", "path-information": "0.0.0.1" } ] } } } } } }\n',
    ),
    (
        ["-c", "{addpath-send}", "0000000B4001010040030465016501000000012001010101"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 64500, "peer": 64501 }, "router-id": "192.0.2.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp" }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "32.0.0.0/1" }, { "nlri": "1.0.0.0/1" }, { "nlri": "1.0.0.0/1" } ] } } } } } }\n',
    ),
    (
        ["-c", "{noasn4}", "0000000D4001010040020602010000FDE8"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "10.0.0.2", "peer": "10.0.0.1" }, "asn": { "local": 65000, "peer": 65000 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw" } } } } }\n',
    ),
    (
        ["-c", "{noasn4}", "0000000B4001010040020402010001"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "10.0.0.2", "peer": "10.0.0.1" }, "asn": { "local": 65000, "peer": 65000 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [1]}} } } } } }\n',
    ),
    (
        ["0000000B4001010040020402010001"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw" } } } } }\n',
    ),
    (
        ["-c", "{two}", "00000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "10.0.0.2", "peer": "10.0.0.3" }, "asn": { "local": 1, "peer": 2 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "10.0.0.2", "peer": "10.0.0.4" }, "asn": { "local": 3, "peer": 4 }, "router-id": "9.9.9.9" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    (["-c", "{v6first}", "-n", "2001010101"], 0, '{ "nlri": "1.1.1.1/32" }\n'),
    (["-c", "{two}", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304"], 1, "unknown type 4\ninvalid payload\n"),
    (
        ["zz"],
        1,
        SETTINGS_TABLE
        + "The BGP message must be an hexadecimal string.\n\nAll colons or spaces are ignored, for example:\n\n  001E0200000007900F0003000101\n  001E:02:0000:0007:900F:0003:0001:01\n  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E0200000007900F0003000101\n  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:001E:02:0000:0007:900F:0003:0001:01\n  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 001E02 00000007900F0003000101\n",
    ),
    (
        ["0x00000000"],
        1,
        SETTINGS_TABLE
        + "The BGP message must be an hexadecimal string.\n\nAll colons or spaces are ignored, for example:\n\n  001E0200000007900F0003000101\n  001E:02:0000:0007:900F:0003:0001:01\n  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E0200000007900F0003000101\n  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:001E:02:0000:0007:900F:0003:0001:01\n  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 001E02 00000007900F0003000101\n",
    ),
    ([""], 1, "invalid payload\n"),
    ([" "], 1, "invalid payload\n"),
    ([":"], 1, "invalid payload\n"),
    (["F"], 1, "invalid payload\n"),
    (["0000000"], 1, "invalid payload\n"),
    (["FFFF"], 1, "invalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0013"], 1, "invalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"], 1, "invalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00"], 1, "invalid payload\n"),
    (["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE00170200000000"], 1, "invalid payload\n"),
    (
        [
            "-f",
            "ipv4",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003C020000001C4001010040020040030465016501800404000000C840050400000064000000002001010101",
        ],
        1,
        "families provided are invalid",
    ),
    (
        [
            "-f",
            "foo bar",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003C020000001C4001010040020040030465016501800404000000C840050400000064000000002001010101",
        ],
        1,
        "invalid payload\n",
    ),
    (["-f", "ipv6 multicast", "00000000"], 1, "invalid payload\n"),
    (
        ["-f", "ipv4 unicast ipv6 unicast", "00000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    (
        ["-u", "-o", "-p", "00000000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }\n',
    ),
    # an attribute section overrun (RFC 7606 section 4): 5.0 names the attribute when only its flags and type are left
    (
        ["00000009400101004002004005180A0000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw due to local-preference" }, "announce": { "ipv4 unicast": { "no-nexthop": [ { "nlri": "10.0.0.0/24" } ] } } } } } }\n',
    ),
    (
        ["0000000940010100400200C063180A0000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw due to unknown-attribute-0x63" }, "announce": { "ipv4 unicast": { "no-nexthop": [ { "nlri": "10.0.0.0/24" } ] } } } } } }\n',
    ),
    (
        ["00000009400101004002006D00180A0000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw due to unknown-attribute-0x0" }, "announce": { "ipv4 unicast": { "no-nexthop": [ { "nlri": "10.0.0.0/24" } ] } } } } } }\n',
    ),
    (
        ["00000008400101004002006D180A0000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw" }, "announce": { "ipv4 unicast": { "no-nexthop": [ { "nlri": "10.0.0.0/24" } ] } } } } } }\n',
    ),
    (
        ["0000000A40010100400200C00803180A0000"],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "error": "treat-as-withdraw" }, "announce": { "ipv4 unicast": { "no-nexthop": [ { "nlri": "10.0.0.0/24" } ] } } } } } }\n',
    ),
    # MP_UNREACH_NLRI of a family ExaBGP does not know: refused as MP_REACH_NLRI is
    (["00000006800F030002C6"], 1, "invalid payload\n"),
    (["0000000A800F070002C601020304"], 1, "invalid payload\n"),
    (["0000000A800F07000148010203040"], 1, "invalid payload\n"),
    # -i: RFC 7911 path identifiers before the NLRI of every family (5.0.15 prints none for these families)
    (
        [
            "-i",
            "-f",
            "ipv4 flow",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0042020000002B4001010040020040050400000064900E00190001850000000000010501180A0000000000020501180A0000",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 flow": { "no-nexthop": [ { "destination-ipv4": [ "10.0.0.0/24" ], "string": "flow destination-ipv4 10.0.0.0/24" }, { "destination-ipv4": [ "10.0.0.0/24" ], "string": "flow destination-ipv4 10.0.0.0/24" } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 flow",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004002000000294001010040020040050400000064900F0017000185000000010501180A0000000000020501180A0000",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "ipv4 flow": [ { "destination-ipv4": [ "10.0.0.0/24" ], "string": "flow destination-ipv4 10.0.0.0/24" }, { "destination-ipv4": [ "10.0.0.0/24" ], "string": "flow destination-ipv4 10.0.0.0/24" } ] } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 flow-vpn",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0052020000003B4001010040020040050400000064900E00290001860000000000010D0000FDE80000000101180A0000000000020D0000FDE80000000101180A0000",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 flow-vpn": { "no-nexthop": [ { "destination-ipv4": [ "10.0.0.0/24" ], "rd": "65000:1", "string": "flow destination-ipv4 10.0.0.0/24 rd 65000:1" }, { "destination-ipv4": [ "10.0.0.0/24" ], "rd": "65000:1", "string": "flow destination-ipv4 10.0.0.0/24 rd 65000:1" } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 flow-vpn",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005002000000394001010040020040050400000064900F0027000186000000010D0000FDE80000000101180A0000000000020D0000FDE80000000101180A0000",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "ipv4 flow-vpn": [ { "destination-ipv4": [ "10.0.0.0/24" ], "rd": "65000:1", "string": "flow destination-ipv4 10.0.0.0/24 rd 65000:1" }, { "destination-ipv4": [ "10.0.0.0/24" ], "rd": "65000:1", "string": "flow destination-ipv4 10.0.0.0/24 rd 65000:1" } ] } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "l2vpn vpls",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004902000000324001010040020040050400000064900E002000194104C0000201000000000100110001C0A8C901007B000500010008029CE1",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "l2vpn vpls": { "192.0.2.1": [ { "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "l2vpn vpls",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0043020000002C4001010040020040050400000064900F001A0019410000000100110001C0A8C901007B000500010008029CE1",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "l2vpn vpls": [ { "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 } ] } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "l2vpn evpn",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF007002000000594001010040020040050400000064900E004700194604C0000201000000000101190000FDE80000006400112233445566778899000000640006410000000201190000FDE8000000640011223344556677889900000064000641",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "l2vpn evpn": { "192.0.2.1": [ { "code": 1, "parsed": true, "raw": "01190000FDE8000000640011223344556677889900000064000641", "name": "Ethernet Auto-Discovery", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "label": [ [100, 1601] ] }, { "code": 1, "parsed": true, "raw": "01190000FDE8000000640011223344556677889900000064000641", "name": "Ethernet Auto-Discovery", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "label": [ [100, 1601] ] } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "l2vpn evpn",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF006A02000000534001010040020040050400000064900F00410019460000000101190000FDE80000006400112233445566778899000000640006410000000201190000FDE8000000640011223344556677889900000064000641",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "l2vpn evpn": [ { "code": 1, "parsed": true, "raw": "01190000FDE8000000640011223344556677889900000064000641", "name": "Ethernet Auto-Discovery", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "label": [ [100, 1601] ] }, { "code": 1, "parsed": true, "raw": "01190000FDE8000000640011223344556677889900000064000641", "name": "Ethernet Auto-Discovery", "rd": "65000:100", "esi": "00:11:22:33:44:55:66:77:88:99", "ethernet-tag": 100, "label": [ [100, 1601] ] } ] } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 mcast-vpn",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0062020000004B4001010040020040050400000064900E003900010504C0000201000000000105120001010203040005200A00000120E80101010000000205120001010203040005200A00000120E8010101",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 mcast-vpn": { "192.0.2.1": [ { "code": 5, "parsed": true, "raw": "05120001010203040005200A00000120E8010101", "name": "Source Active A-D Route", "rd": "1.2.3.4:5", "source": "10.0.0.1", "group": "232.1.1.1"}, { "code": 5, "parsed": true, "raw": "05120001010203040005200A00000120E8010101", "name": "Source Active A-D Route", "rd": "1.2.3.4:5", "source": "10.0.0.1", "group": "232.1.1.1"} ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 mcast-vpn",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005C02000000454001010040020040050400000064900F00330001050000000105120001010203040005200A00000120E80101010000000205120001010203040005200A00000120E8010101",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "ipv4 mcast-vpn": [ { "code": 5, "parsed": true, "raw": "05120001010203040005200A00000120E8010101", "name": "Source Active A-D Route", "rd": "1.2.3.4:5", "source": "10.0.0.1", "group": "232.1.1.1"}, { "code": 5, "parsed": true, "raw": "05120001010203040005200A00000120E8010101", "name": "Source Active A-D Route", "rd": "1.2.3.4:5", "source": "10.0.0.1", "group": "232.1.1.1"} ] } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 mup",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005A02000000434001010040020040050400000064900E003100015504C000020100000000010100010C0000006400000064180A0001000000020100010C0000006400000064180A0001",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 mup": { "192.0.2.1": [ { "name": "InterworkSegmentDiscoveryRoute", "arch": 1, "code": 1, "prefix_ip_len": 24, "prefix_ip": "10.0.1.0", "rd": "100:100", "raw": "0100010C0000006400000064180A0001" }, { "name": "InterworkSegmentDiscoveryRoute", "arch": 1, "code": 1, "prefix_ip_len": 24, "prefix_ip": "10.0.1.0", "rd": "100:100", "raw": "0100010C0000006400000064180A0001" } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "ipv4 mup",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0054020000003D4001010040020040050400000064900F002B000155000000010100010C0000006400000064180A0001000000020100010C0000006400000064180A0001",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "ipv4 mup": [ { "name": "InterworkSegmentDiscoveryRoute", "arch": 1, "code": 1, "prefix_ip_len": 24, "prefix_ip": "10.0.1.0", "rd": "100:100", "raw": "0100010C0000006400000064180A0001" }, { "name": "InterworkSegmentDiscoveryRoute", "arch": 1, "code": 1, "prefix_ip_len": 24, "prefix_ip": "10.0.1.0", "rd": "100:100", "raw": "0100010C0000006400000064180A0001" } ] } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "bgp-ls bgp-ls",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF009C02000000854001010040020040050400000064900E007340044704C000020100000000010001002D03000000000000000501000020020000040000FDE902010004000000000202000400000001020300040A000001000000020001002D03000000000000000501000020020000040000FDE902010004000000000202000400000001020300040A000001",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "bgp-ls bgp-ls": { "192.0.2.1": [ { "ls-nlri-type": "bgpls-node", "l3-routing-topology": 5, "protocol-id": 3, "node-descriptors": [ { "autonomous-system": 65001 }, { "bgp-ls-identifier": "0" }, { "ospf-area-id": "0.0.0.1" }, { "router-id": "10.0.0.1" } ], "nexthop": "192.0.2.1" }, { "ls-nlri-type": "bgpls-node", "l3-routing-topology": 5, "protocol-id": 3, "node-descriptors": [ { "autonomous-system": 65001 }, { "bgp-ls-identifier": "0" }, { "ospf-area-id": "0.0.0.1" }, { "router-id": "10.0.0.1" } ], "nexthop": "192.0.2.1" } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "-f",
            "bgp-ls bgp-ls",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0096020000007F4001010040020040050400000064900F006D400447000000010001002D03000000000000000501000020020000040000FDE902010004000000000202000400000001020300040A000001000000020001002D03000000000000000501000020020000040000FDE902010004000000000202000400000001020300040A000001",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "withdraw": { "bgp-ls bgp-ls": [ { "ls-nlri-type": "bgpls-node", "l3-routing-topology": 5, "protocol-id": 3, "node-descriptors": [ { "autonomous-system": 65001 }, { "bgp-ls-identifier": "0" }, { "ospf-area-id": "0.0.0.1" }, { "router-id": "10.0.0.1" } ], "nexthop": "None" }, { "ls-nlri-type": "bgpls-node", "l3-routing-topology": 5, "protocol-id": 3, "node-descriptors": [ { "autonomous-system": 65001 }, { "bgp-ls-identifier": "0" }, { "ospf-area-id": "0.0.0.1" }, { "router-id": "10.0.0.1" } ], "nexthop": "None" } ] } } } } }\n',
    ),
    # -c with every capability (RFC 8950 next hops of configured families only, AIGP, ADD-PATH, no asn4)
    (
        [
            "-c",
            "{nexthop-vpn}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0062020000004B4001010040020040050400000064800E2C00018018000000000000000020010DB800000000000000000000000100700006410000FDE8000000010A0102801A0B01000B00000000000004D2",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100, "aigp": "0x00000000000004d2" }, "announce": { "ipv4 mpls-vpn": { "2001:db8::1": [ { "nlri": "10.1.2.0/24", "label": [ [100] ], "rd": "65000:1" } ] } } } } } }\n',
    ),
    (
        [
            "-c",
            "{nexthop-vpn}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004F02000000384001010040020040050400000064800E190001011020010DB800000000000000000000000100180A0203801A0B01000B00000000000004D2",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100, "aigp": "0x00000000000004d2" }, "announce": { "ipv4 unicast": { "2001:db8::1": [ { "nlri": "10.2.3.0/24" } ] } } } } } }\n',
    ),
    (
        [
            "-c",
            "{nexthop-unconfigured}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0062020000004B4001010040020040050400000064800E2C00018018000000000000000020010DB800000000000000000000000100700006410000FDE8000000010A0102801A0B01000B00000000000004D2",
        ],
        1,
        "invalid payload\n",
    ),
    (
        [
            "-c",
            "{nexthop-unconfigured}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004F02000000384001010040020040050400000064800E190001011020010DB800000000000000000000000100180A0203801A0B01000B00000000000004D2",
        ],
        1,
        "invalid payload\n",
    ),
    (
        [
            "-c",
            "{nexthop-disabled}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0062020000004B4001010040020040050400000064800E2C00018018000000000000000020010DB800000000000000000000000100700006410000FDE8000000010A0102801A0B01000B00000000000004D2",
        ],
        1,
        "invalid payload\n",
    ),
    (
        [
            "-c",
            "{everything}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0062020000004B4001010040020040050400000064800E2C00018018000000000000000020010DB800000000000000000000000100700006410000FDE8000000010A0102801A0B01000B00000000000004D2",
        ],
        1,
        "invalid payload\n",
    ),
    (
        [
            "-c",
            "{everything}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0066020000004F4001010040020040050400000064800E3000018018000000000000000020010DB80000000000000000000000010000000009700006410000FDE8000000010A0102801A0B01000B00000000000004D2",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 64500, "peer": 64501 }, "router-id": "192.0.2.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100, "aigp": "0x00000000000004d2" }, "announce": { "ipv4 mpls-vpn": { "2001:db8::1": [ { "nlri": "10.1.2.0/24", "path-information": "0.0.0.9", "label": [ [100] ], "rd": "65000:1" } ] } } } } } }\n',
    ),
    (
        [
            "-c",
            "{everything}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0053020000003C4001010040020040050400000064800E1D0001011020010DB80000000000000000000000010000000009180A0203801A0B01000B00000000000004D2",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 64500, "peer": 64501 }, "router-id": "192.0.2.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "local-preference": 100, "aigp": "0x00000000000004d2" }, "announce": { "ipv4 unicast": { "2001:db8::1": [ { "nlri": "10.2.3.0/24", "path-information": "0.0.0.9" } ] } } } } } }\n',
    ),
    (
        [
            "-c",
            "{everything}",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0041020000002A400101004002060202FDE8FDE9400304C0000201801A0B01000B00000000000004D200000009180A0203",
        ],
        0,
        '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 64500, "peer": 64501 }, "router-id": "192.0.2.2" , "direction": "in", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65000, 65001]}}, "aigp": "0x00000000000004d2", "error": "treat-as-withdraw" } } } } }\n',
    ),
]

HEAD = '{ "exabgp": "5.0.0", "time": 0, "host" : "H", "pid" : 1, "ppid" : 1, "counter": 1, "type": "update", "neighbor": { "address": { "local": "127.0.0.1", "peer": "127.0.0.1" }, "asn": { "local": 65533, "peer": 65533 }, "router-id": "10.0.0.2" , "direction": "in", "message": '

VOLATILE = (
    (re.compile(r'"time": [0-9.e+-]+'), '"time": 0'),
    (re.compile(r'"host" : "[^"]*"'), '"host" : "H"'),
    (re.compile(r'"pid" : \d+'), '"pid" : 1'),
    (re.compile(r'"ppid" : \d+'), '"ppid" : 1'),
)

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def normalise(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def materialise(args, directory):
    real = []
    for arg in args:
        match = re.fullmatch(r"\{(.+)\}", arg)
        if match:
            path = directory / f"{match.group(1)}.conf"
            path.write_text(CONFS[match.group(1)])
            real.append(str(path))
        else:
            real.append(arg)
    return real


@pytest.mark.parametrize("args, code, expected", CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_decode_as_exabgp_5(args, code, expected, capsys, tmp_path):
    status, out, err = run(["decode", *materialise(args, tmp_path)], capsys)
    assert (status, normalise(out)) == (code, expected)
    assert err == ""


# Labeled and VPN NLRI whose one label field has its bottom-of-stack bit clear (RFC 8277 2.2: ignored on
# receipt) or carries a Compatibility field other than 0x800000 (RFC 8277 2.4: ignored): what ExaBGP 5.0.15
# printed, the two UPDATEs of issue 8 item 1.1 first (label 0x001230 with S=0, Compatibility 0x123450).
LABEL_CASES = [
    (
        [
            "ffffffffffffffffffffffffffffffff004802000000314001010040020040050400000064800e200001800c0000000000000000"
            "c000020100700012300000fde8000000010a0000"
        ],
        HEAD
        + '{ "update": { "attribute": { "origin": "igp", "local-preference": 100 }, "announce": { "ipv4 mpls-vpn": '
        '{ "192.0.2.1": [ { "nlri": "10.0.0.0/24", "label": [ [291] ], "rd": "65000:1" } ] } } } } } }\n',
    ),
    (
        ["ffffffffffffffffffffffffffffffff002c0200000015800f12000180701234500000fde8000000010a0000"],
        HEAD + '{ "update": { "withdraw": { "ipv4 mpls-vpn": [ { "nlri": "10.0.0.0/24", "label": [ [74565] ], '
        '"rd": "65000:1" } ] } } } } }\n',
    ),
    (
        [
            "ffffffffffffffffffffffffffffffff003802000000214001010040020040050400000640800e1000010404c000020100300012300a"
            "0000"
        ],
        HEAD
        + '{ "update": { "attribute": { "origin": "igp", "local-preference": 1600 }, "announce": { "ipv4 nlri-mpls": '
        '{ "192.0.2.1": [ { "nlri": "10.0.0.0/24", "label": [ [291] ] } ] } } } } } }\n',
    ),
    (
        [
            "-i",
            "ffffffffffffffffffffffffffffffff004902000000324001010040020040050400000640800e210002041020010db800000000"
            "000000000000000100000000073800123020010db8",
        ],
        HEAD
        + '{ "update": { "attribute": { "origin": "igp", "local-preference": 1600 }, "announce": { "ipv6 nlri-mpls": '
        '{ "2001:db8::1": [ { "nlri": "2001:db8::/32", "path-information": "0.0.0.7", "label": [ [291] ] } ] } } } } } }\n',
    ),
    (
        ["-i", "ffffffffffffffffffffffffffffffff0031020000001a800f1700028000000007781234500000fde80000000120010db8"],
        HEAD
        + '{ "update": { "withdraw": { "ipv6 mpls-vpn": [ { "nlri": "2001:db8::/32", "path-information": "0.0.0.7", '
        '"label": [ [74565] ], "rd": "65000:1" } ] } } } } }\n',
    ),
]


@pytest.mark.parametrize("args, expected", LABEL_CASES, ids=[" ".join(c[0])[:60] for c in LABEL_CASES])
def test_labels_with_a_clear_bottom_of_stack_bit(args, expected, codec, capsys, monkeypatch):
    """`exabgp decode` frames one label field by the NLRI length, as ExaBGP 5.0.15, on each codec twin."""
    monkeypatch.setattr(_codec, "decode_nlri", codec.decode_nlri)
    status, out, err = run(["decode", *args], capsys)
    assert (status, normalise(out), err) == (0, expected, "")


def test_volatile_fields_are_real(capsys):
    status, out, _ = run(["decode", "00000000"], capsys)
    assert status == 0
    line = json.loads(out)
    assert line["exabgp"] == "5.0.0" and line["counter"] == 1
    assert line["pid"] == os.getpid() and line["ppid"] == os.getppid()
    assert isinstance(line["time"], float) and line["host"]


def test_bad_configuration_file_names_the_place(capsys, tmp_path):
    path = tmp_path / "bad.conf"
    path.write_text("neighbor 10.0.0.1 {\n    local-as 1;\n    peer-as two;\n}\n")
    status, out, err = run(["decode", "-c", str(path), "00000000"], capsys)
    assert status == 1 and out == ""
    assert err == f"{path}:3:13: 'two' is not an AS number\n"
    # a file that can not be read: an undecodable payload, as 5.0.15 says; -d tells why
    status, out, err = run(["decode", "-c", str(tmp_path / "missing.conf"), "00000000"], capsys)
    assert (status, out, err) == (1, "invalid payload\n", "")
    status, out, err = run(["decode", "-d", "-c", str(tmp_path / "missing.conf"), "00000000"], capsys)
    assert (status, out) == (1, "invalid payload\n") and err.startswith(f"{tmp_path / 'missing.conf'}:0:0: ")


def test_debug_explains_an_invalid_payload(capsys):
    status, out, err = run(["decode", "-d", "FFFF"], capsys)
    assert (status, out) == (1, "invalid payload\n")
    assert err.startswith("decode: ")


def test_version(capsys, monkeypatch):
    """5.0.15's four lines (its first one as 5.0.15 prints it: scripts parse it), then ours and the codec."""
    from exabgp import _codec

    monkeypatch.delenv("exabgp_version", raising=False)
    status, out, _ = run(["version"], capsys)
    lines = out.splitlines()
    assert status == 0 and len(lines) == 6
    assert lines[0] == "ExaBGP : 5.0.15"
    assert lines[1].startswith("Python : 3.")
    assert lines[2].startswith("Uname  : ")
    assert lines[3] == f"From   : {os.path.dirname(os.path.abspath(exabgp.__file__))}"
    assert lines[4] == f"fastbgp: {exabgp.__version__}"
    assert lines[5] == f"Codec  : {_codec.SUMMARY}"
    monkeypatch.setenv("exabgp_version", "9.9.9-test")
    assert run(["version"], capsys)[1].splitlines()[0] == "ExaBGP : 9.9.9-test"


def test_no_arguments_prints_help_and_fails(capsys):
    status, out, _ = run([], capsys)
    assert status == 1
    assert out.startswith("usage: exabgp")
    for word in ("version", "cli", "healthcheck", "env", "decode", "server", "validate"):
        assert word in out


def test_env_file_is_removed_anywhere(capsys):
    for argv in (
        ["--env-file", "/x.env", "decode", "00000000"],
        ["decode", "--env-file=/x.env", "00000000"],
        ["decode", "00000000", "--env-file", "/x.env"],
    ):
        status, out, _ = run(argv, capsys)
        assert status == 0 and '"eor"' in out


def test_usage_errors_exit_2(capsys):
    assert run(["decode"], capsys)[0] == 2
    assert run(["decode", "--bogus", "00"], capsys)[0] == 2
    assert run(["decode", "-h"], capsys)[0] == 0


def test_clean_hex():
    assert decode.clean_hex("FF:ff 00") == b"\xff\xff\x00"
    assert decode.clean_hex("abc") == b"\xab"  # an odd final digit is dropped, as in 5.0
    assert decode.clean_hex(" 00\t") == b"\x00"
    assert decode.clean_hex("0x00") is None and decode.clean_hex("0g") is None


def test_broken_pipe_exits_1(monkeypatch):
    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(["decode", "00000000"]) == 1


_PIECES = [
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    "0013",
    "0017",
    "00FF",
    "02",
    "01",
    "03",
    "04",
    "0000",
    "0004",
    "40010100",
    "400200",
    "40030401020304",
    "800E",
    "800F",
    "0002",
    "0001",
    "20",
    "18",
    "0A0000",
    "FF",
    "00",
    "C0",
    "E0",
    "10",
    ":",
    " ",
]


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=14),
    st.sampled_from([[], ["-i"], ["-n"], ["-n", "-i"], ["-f", "ipv6 unicast"], ["-f", "ipv4 mpls-vpn"]]),
)
def test_fuzz_never_a_traceback(pieces, flags):
    out, err = io.StringIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        status = main(["decode", *flags, "".join(pieces)])
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    assert "Traceback" not in out.getvalue() + err.getvalue()
    lines = out.getvalue().splitlines()
    if status == 0:
        assert lines and all(json.loads(line) for line in lines)
    else:
        assert status == 1 and lines[-1] == "invalid payload"


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=60), st.sampled_from([None, 1, 2, 3, 4]))
def test_fuzz_decoders_raise_only_codec_errors(data, kind):
    """Below the CLI's last-resort guard, malformed input may only raise CodecError (or Invalid)."""
    from exabgp._codec.errors import CodecError
    from exabgp.api.envelope import DaemonFields
    from exabgp.config.neighbor import parse

    raw = data if kind is None else b"\xff" * 16 + (19 + len(data)).to_bytes(2, "big") + bytes([kind]) + data
    daemon = DaemonFields("h", 1, 1)
    for text in (decode.synthetic_configuration("all", False), decode.synthetic_configuration("all", True)):
        (neighbor,) = parse(text).neighbors
        ctx = decode.negotiated(neighbor)
        for attempt in (
            lambda: decode.display_message(raw, neighbor, ctx, daemon, 0.0),
            lambda: decode.display_nlri(data, neighbor, ctx),
        ):
            try:
                attempt()
            except (CodecError, decode.Invalid):
                pass


def test_subprocess_python_m_exabgp():
    payload = CASES[0][0][0]
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "decode", payload],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert normalise(result.stdout) == CASES[0][2]


def test_subprocess_broken_pipe_is_quiet():
    # the child's stdout is a pipe whose reading end is already closed: every flush is EPIPE
    code = (
        "import os, sys; r, w = os.pipe(); os.close(r); os.dup2(w, 1); "
        "from exabgp.cli.main import main; sys.exit(main(['version']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPOSITORY, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ""


@pytest.mark.parametrize(
    "payload, message",
    [
        # recorded from ExaBGP 5.0.15 with exabgp_api_compact=true
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E020000001F4001010040020A02020000FBF00000FBFF400304C0000201C00804FBF0006418C6"
            "336418CB0071",
            '"announce": { "ipv4 unicast": { "192.0.2.1": [ "198.51.100.0/24", "203.0.113.0/24" ] } } } } } }',
        ),
        (
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0019020002080A0000",
            '"withdraw": { "ipv4 unicast": [ "10.0.0.0/8" ] } } } } }',
        ),
    ],
)
def test_api_compact_prints_plain_prefixes_as_strings(payload, message):
    env = dict(os.environ, exabgp_api_compact="true", EXABGP_ENVFILE=os.devnull)
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "decode", payload],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip("\n").endswith(message)


def test_api_compact_keeps_path_information_objects():
    env = dict(os.environ, exabgp_api_compact="true", EXABGP_ENVFILE=os.devnull)
    result = subprocess.run(
        [sys.executable, "-m", "exabgp", "decode", "-i", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001D02000600000001080A0000"],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=60,
        env=env,
    )
    assert '[ { "nlri": "10.0.0.0/8", "path-information": "0.0.0.1" } ]' in result.stdout
