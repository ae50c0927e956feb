"""The API encoders (`exabgp.api.encoder`) against what ExaBGP 5.0.15 wrote to its helpers.

The transcripts below were captured from two ExaBGP 5.0.15 daemons on
127.0.0.2 / 127.0.0.3, the first with ``process`` helpers (``encoder json``
and ``encoder text``) copying their stdin to a file and an ``api`` block with
every switch: a session with ipv4/ipv6 unicast and ADD-PATH, static routes,
End-of-RIB, a route refresh and an announce/withdraw from the helper, SIGUSR1,
a Cease/Administrative Shutdown from the peer and SIGTERM.

Each transcript is replayed: every event is rebuilt from its inputs (the raw
octets of a message come from the ``packets`` line that precedes it, the
OPENs give the `Negotiated` through `exabgp.session.negotiation.negotiate`),
rendered by our encoder and compared with the captured text byte for byte.
The time, pid, ppid and counter of each JSON line are taken from the line
itself (they are inputs of the encoder); the counter itself is checked by
separate tests.
"""

import json
import re
from pathlib import Path

import pytest

from exabgp._codec import frame_message, index_updates
from exabgp.api.encoder import OPENING, Channel, JsonEncoder, TextEncoder
from exabgp.api.envelope import DaemonFields, NeighborFields
from exabgp.api.text_message import oneline
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import FAMILIES
from exabgp.bgp.message import decode_message
from exabgp.bgp.open import Open
from exabgp.bgp.operational import Operational
from exabgp.bgp.update import Update
from exabgp.session.negotiation import SessionSettings, negotiate

NEIGHBOR = NeighborFields("127.0.0.2", "127.0.0.3", 65533, 65534, "10.0.0.2")
DAEMON = DaemonFields("vm", 9323, 1)
JSON_SESSION = r"""
{ "exabgp": "5.0.0", "time": 1795649092.7986178, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 1, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "ACTIVE" } }
{ "exabgp": "5.0.0", "time": 1795649092.7987525, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 2, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "IDLE" } }
{ "exabgp": "5.0.0", "time": 1795649092.8097074, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 3, "type": "state", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "connected" } }
{ "exabgp": "5.0.0", "time": 1795649092.8097966, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 4, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "CONNECT" } }
{ "exabgp": "5.0.0", "time": 1795649092.8105173, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 5, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 1, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005F01", "body": "0x04FFFD001E0A0000024202060104000100010206010400020001020641040000FFFD020A45080001010300020103020C400A8078000101800002018002020200020246000202B90002020600" } , "negotiated": { "message_size": 4096, "hold_time": 0, "asn4": false, "multisession": false, "operational": false, "refresh": "absent", "families": [], "nexthop": [], "add_path": {"send": [], "receive": []} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8107104, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 6, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "open": { "version": 4, "asn": 65533, "hold_time": 30, "router_id": "10.0.0.2", "capabilities": { "multiprotocol": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "asn4": { "name": "asn4", "asn4": 65533 }, "add-path": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "graceful-restart": { "name": "graceful restart", "time": 120, "address-family-flags": { "ipv4/unicast": [ "restart" ] , "ipv6/unicast": [ "restart" ] }, "restart-flags": [ "forwarding" ]  }, "route-refresh": { "name": "route-refresh", "variant": "RFC" }, "enhanced-route-refresh": { "name": "enhanced-route-refresh" }, "operational": { "name": "operational" }, "extended-message": { "name": "extended-message", "size": 65535 }, "hostname": { "host-name": null, "domain-name": null } } } } }
{ "exabgp": "5.0.0", "time": 1795649092.8109572, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 7, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "OPENSENT" } }
{ "exabgp": "5.0.0", "time": 1795649092.8188295, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 8, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 1, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005101", "body": "0x04FFFE001E0A0000033402060104000100010206010400020001020641040000FFFE020A4508000101030002010302020200020246000202B90002020600" } , "negotiated": { "message_size": 4096, "hold_time": 0, "asn4": false, "multisession": false, "operational": false, "refresh": "absent", "families": [], "nexthop": [], "add_path": {"send": [], "receive": []} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8192587, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 9, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "open": { "version": 4, "asn": 65534, "hold_time": 30, "router_id": "10.0.0.3", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "65": { "name": "asn4", "asn4": 65534 }, "69": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "2": { "name": "route-refresh", "variant": "RFC" }, "70": { "name": "enhanced-route-refresh" }, "185": { "name": "operational" }, "6": { "name": "extended-message", "size": 65535 } } } } }
{ "exabgp": "5.0.0", "time": 1795649092.819608, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 10, "type": "negotiated", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.819647, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 11, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "OPENCONFIRM" } }
{ "exabgp": "5.0.0", "time": 1795649092.819792, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 12, "type": "keepalive", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 4, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304", "body": "0x" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.81985, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 13, "type": "keepalive", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send"  } }
{ "exabgp": "5.0.0", "time": 1795649092.8201256, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 14, "type": "keepalive", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 4, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304", "body": "0x" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.820178, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 15, "type": "keepalive", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive"  } }
{ "exabgp": "5.0.0", "time": 1795649092.8202484, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 16, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "ESTABLISHED" } }
{ "exabgp": "5.0.0", "time": 1795649092.8205483, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 17, "type": "state", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "up" } }
{ "exabgp": "5.0.0", "time": 1795649092.8217669, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 18, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004502", "body": "0x000000264001010040020602010000FFFD4003040A0000018004040000000AC00808FDE80001FFFFFF0100000000180A0000" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8219838, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 19, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65533]}}, "med": 10, "community": [ [ 65000, 1 ], [ 65535, 65281 ] ] }, "announce": { "ipv4 unicast": { "10.0.0.1": [ { "nlri": "10.0.0.0/24", "path-information": "0.0.0.0" } ] } } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8247864, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 20, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005502", "body": "0x0000003E4001010040020A02020000000100000002800E2A0002011020010DB800000000000000000000000100000000008020010DB8000000000000000000000001" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8249967, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 21, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [1, 2]}} }, "announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8::1/128", "path-information": "0.0.0.0" } ] } } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8252614, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 22, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004D02", "body": "0x0000002E4001010140020602010000FFFE4003047F000003C010080002FDE800000001C0200C0000000100000002000000030000000018C00002" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8256285, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 23, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "update": { "attribute": { "origin": "egp", "as-path": {"0": {"element": "as-sequence", "value": [65534]}}, "extended-community": [ { "value": 842122827661313, "string": "target:65000:1" } ], "large-community": [ [ 1, 2 , 3 ] ] }, "announce": { "ipv4 unicast": { "127.0.0.3": [ { "nlri": "192.0.2.0/24", "path-information": "0.0.0.0" } ] } } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8259616, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 24, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702", "body": "0x00000000" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8260677, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 25, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8262527, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 26, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02", "body": "0x00000007900F0003000201" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8264859, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 27, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "eor": { "afi" : "ipv6", "safi" : "unicast" } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.826763, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 28, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003302", "body": "0x000000144001010040020602010000FFFE4003047F0000030000000018C63364" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.827086, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 29, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65534]}} }, "announce": { "ipv4 unicast": { "127.0.0.3": [ { "nlri": "198.51.100.0/24", "path-information": "0.0.0.0" } ] } } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8274794, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 30, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702", "body": "0x00000000" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8275945, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 31, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8277762, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 32, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02", "body": "0x00000007900F0003000201" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649092.8279636, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 33, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "eor": { "afi" : "ipv6", "safi" : "unicast" } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649096.8245761, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 34, "type": "route-refresh", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 5, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705", "body": "0x00010001" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649096.82466, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 35, "type": "refresh", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "route-refresh": { "afi": "ipv4", "safi": "unicast", "subtype": "query" } } }
{ "exabgp": "5.0.0", "time": 1795649096.8256288, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 36, "type": "route-refresh", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 5, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705", "body": "0x00010101" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649096.8257143, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 37, "type": "refresh", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "route-refresh": { "afi": "ipv4", "safi": "unicast", "subtype": "begin" } } }
{ "exabgp": "5.0.0", "time": 1795649096.827751, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 44, "type": "route-refresh", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 5, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705", "body": "0x00010201" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649096.827846, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 45, "type": "refresh", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "route-refresh": { "afi": "ipv4", "safi": "unicast", "subtype": "end" } } }
{ "exabgp": "5.0.0", "time": 1795649096.828164, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 46, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004502", "body": "0x000000264001010040020602010000FFFD4003040A0000018004040000000AC00808FDE80001FFFFFF0100000000180A0000" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649096.8282726, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 47, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65533]}}, "med": 10, "community": [ [ 65000, 1 ], [ 65535, 65281 ] ] }, "announce": { "ipv4 unicast": { "10.0.0.1": [ { "nlri": "10.0.0.0/24", "path-information": "0.0.0.0" } ] } } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649097.8251488, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 48, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003202", "body": "0x000000144001010040020602010000FFFD4003040A0000090000000010AC10" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649097.8254333, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 49, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65533]}} }, "announce": { "ipv4 unicast": { "10.0.0.9": [ { "nlri": "172.16.0.0/16", "path-information": "0.0.0.0" } ] } } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649098.8253055, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 50, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 2, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02", "body": "0x00070000000010AC100000" } , "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649098.8254867, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 51, "type": "update", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "update": { "withdraw": { "ipv4 unicast": [ { "nlri": "172.16.0.0/16", "path-information": "0.0.0.0" } ] } } }, "negotiated": { "message_size": 65535, "hold_time": 30, "asn4": true, "multisession": false, "operational": true, "refresh": "enhanced", "families": ["ipv4 unicast", "ipv6 unicast"], "nexthop": [], "add_path": {"send": ["ipv4 unicast", "ipv6 unicast"], "receive": ["ipv4 unicast", "ipv6 unicast"]} }  } }
{ "exabgp": "5.0.0", "time": 1795649101.620484, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 52, "type": "signal", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "code": "10", "name": "SIGUSR1" } }
{ "exabgp": "5.0.0", "time": 1795649104.6170952, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 4, "type": "signal", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "code": "15", "name": "SIGTERM" } }
{ "exabgp": "5.0.0", "time": 1795649104.6173613, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 5, "type": "state", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "down", "reason": "stop, message [shutting down]" } }
{ "exabgp": "5.0.0", "time": 1795649104.617419, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 6, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "IDLE" } }
{ "exabgp": "5.0.0", "time": 1795649104.617582, "host" : "vm", "pid" : 9323, "ppid" : 1, "counter": 7, "type": "fsm", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "IDLE" } }
{ "exabgp": "5.0.0", "time": 1795649104.6176188, "host" : "vm", "pid" : 9323, "ppid" : 1, "type": "notification", "notification": "shutdown" }
"""

JSON_CONSOLIDATE = r"""
{ "exabgp": "5.0.0", "time": 1795649149.9310784, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 7, "type": "open", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005101", "body": "0x04FFFE001E0A0000033402060104000100010206010400020001020641040000FFFE020A4508000101030002010302020200020246000202B90002020600", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "open": { "version": 4, "asn": 65534, "hold_time": 30, "router_id": "10.0.0.3", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "65": { "name": "asn4", "asn4": 65534 }, "69": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "2": { "name": "route-refresh", "variant": "RFC" }, "70": { "name": "enhanced-route-refresh" }, "185": { "name": "operational" }, "6": { "name": "extended-message", "size": 65535 } } } } }
{ "exabgp": "5.0.0", "time": 1795649149.931913, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 13, "type": "keepalive", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive"  } }
{ "exabgp": "5.0.0", "time": 1795649149.9468875, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 25, "type": "update", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004D02", "body": "0x0000002E4001010140020602010000FFFE4003047F000003C010080002FDE800000001C0200C0000000100000002000000030000000018C00002", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "update": { "attribute": { "origin": "egp", "as-path": {"0": {"element": "as-sequence", "value": [65534]}}, "extended-community": [ { "value": 842122827661313, "string": "target:65000:1" } ], "large-community": [ [ 1, 2 , 3 ] ] }, "announce": { "ipv4 unicast": { "127.0.0.3": [ { "nlri": "192.0.2.0/24", "path-information": "0.0.0.0" } ] } } } } } }
{ "exabgp": "5.0.0", "time": 1795649149.9480207, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 35, "type": "update", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003302", "body": "0x000000144001010040020602010000FFFE4003047F0000030000000018C63364", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "update": { "attribute": { "origin": "igp", "as-path": {"0": {"element": "as-sequence", "value": [65534]}} }, "announce": { "ipv4 unicast": { "127.0.0.3": [ { "nlri": "198.51.100.0/24", "path-information": "0.0.0.0" } ] } } } } } }
{ "exabgp": "5.0.0", "time": 1795649149.9483025, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 37, "type": "update", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702", "body": "0x00000000", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "eor": { "afi" : "ipv4", "safi" : "unicast" } } } }
{ "exabgp": "5.0.0", "time": 1795649149.9484572, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 39, "type": "update", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02", "body": "0x00000007900F0003000201", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "eor": { "afi" : "ipv6", "safi" : "unicast" } } } }
"""

JSON_NOTIFICATION = r"""
{ "exabgp": "5.0.0", "time": 1795649507.3344934, "host" : "vm", "pid" : 27822, "ppid" : 27808, "counter": 27, "type": "notification", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "message": { "category": 3, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF002D03", "body": "0x06021741646D696E6973747261746976652053687574646F776E" }  } }
{ "exabgp": "5.0.0", "time": 1795649507.3348386, "host" : "vm", "pid" : 27822, "ppid" : 27808, "counter": 28, "type": "notification", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "notification": { "code": 6, "subcode": 2, "data": "0x53687574646F776E20436F6D6D756E69636174696F6E3A202241646D696E6973747261746976652053687574646F776E22", "message": "Shutdown Communication: \"Administrative Shutdown\"" }  } }
{ "exabgp": "5.0.0", "time": 1795649507.3349895, "host" : "vm", "pid" : 27822, "ppid" : 27808, "counter": 29, "type": "state", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "down", "reason": "notification received (6,2)" } }
"""

JSON_SHARED_FIRST = r"""
{ "exabgp": "5.0.0", "time": 1795649149.9182148, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 1, "type": "state", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "connected" } }
{ "exabgp": "5.0.0", "time": 1795649149.9188604, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 3, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 1, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005F01", "body": "0x04FFFD001E0A0000024202060104000100010206010400020001020641040000FFFD020A45080001010300020103020C400A8078000101800002018002020200020246000202B90002020600" }  } }
{ "exabgp": "5.0.0", "time": 1795649149.919225, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 5, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "open": { "version": 4, "asn": 65533, "hold_time": 30, "router_id": "10.0.0.2", "capabilities": { "multiprotocol": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "asn4": { "name": "asn4", "asn4": 65533 }, "add-path": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "graceful-restart": { "name": "graceful restart", "time": 120, "address-family-flags": { "ipv4/unicast": [ "restart" ] , "ipv6/unicast": [ "restart" ] }, "restart-flags": [ "forwarding" ]  }, "route-refresh": { "name": "route-refresh", "variant": "RFC" }, "enhanced-route-refresh": { "name": "enhanced-route-refresh" }, "operational": { "name": "operational" }, "extended-message": { "name": "extended-message", "size": 65535 }, "hostname": { "host-name": null, "domain-name": null } } } } }
{ "exabgp": "5.0.0", "time": 1795649149.9310784, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 7, "type": "open", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005101", "body": "0x04FFFE001E0A0000033402060104000100010206010400020001020641040000FFFE020A4508000101030002010302020200020246000202B90002020600", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "open": { "version": 4, "asn": 65534, "hold_time": 30, "router_id": "10.0.0.3", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "65": { "name": "asn4", "asn4": 65534 }, "69": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "2": { "name": "route-refresh", "variant": "RFC" }, "70": { "name": "enhanced-route-refresh" }, "185": { "name": "operational" }, "6": { "name": "extended-message", "size": 65535 } } } } }
"""

JSON_SHARED_SECOND = r"""
{ "exabgp": "5.0.0", "time": 1795649149.9182873, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 2, "type": "state", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "state": "connected" } }
{ "exabgp": "5.0.0", "time": 1795649149.918953, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 4, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "message": { "category": 1, "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005F01", "body": "0x04FFFD001E0A0000024202060104000100010206010400020001020641040000FFFD020A45080001010300020103020C400A8078000101800002018002020200020246000202B90002020600" }  } }
{ "exabgp": "5.0.0", "time": 1795649149.9193063, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 6, "type": "open", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "send", "open": { "version": 4, "asn": 65533, "hold_time": 30, "router_id": "10.0.0.2", "capabilities": { "multiprotocol": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "asn4": { "name": "asn4", "asn4": 65533 }, "add-path": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "graceful-restart": { "name": "graceful restart", "time": 120, "address-family-flags": { "ipv4/unicast": [ "restart" ] , "ipv6/unicast": [ "restart" ] }, "restart-flags": [ "forwarding" ]  }, "route-refresh": { "name": "route-refresh", "variant": "RFC" }, "enhanced-route-refresh": { "name": "enhanced-route-refresh" }, "operational": { "name": "operational" }, "extended-message": { "name": "extended-message", "size": 65535 }, "hostname": { "host-name": null, "domain-name": null } } } } }
{ "exabgp": "5.0.0", "time": 1795649149.93121, "host" : "vm", "pid" : 11232, "ppid" : 1, "counter": 8, "type": "open", "header": "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005101", "body": "0x04FFFE001E0A0000033402060104000100010206010400020001020641040000FFFE020A4508000101030002010302020200020246000202B90002020600", "neighbor": { "address": { "local": "127.0.0.2", "peer": "127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , "direction": "receive", "open": { "version": 4, "asn": 65534, "hold_time": 30, "router_id": "10.0.0.3", "capabilities": { "1": { "name": "multiprotocol", "families": [ "ipv4/unicast", "ipv6/unicast" ] }, "65": { "name": "asn4", "asn4": 65534 }, "69": { "name": "addpath", "ipv4/unicast": "send/receive","ipv6/unicast": "send/receive" }, "2": { "name": "route-refresh", "variant": "RFC" }, "70": { "name": "enhanced-route-refresh" }, "185": { "name": "operational" }, "6": { "name": "extended-message", "size": 65535 } } } } }
"""

TEXT_SESSION = """\
neighbor 127.0.0.3 connected

neighbor 127.0.0.3 send 1 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005F01 body 0x04FFFD001E0A0000024202060104000100010206010400020001020641040000FFFD020A45080001010300020103020C400A8078000101800002018002020200020246000202B90002020600

neighbor 127.0.0.3 send open version 4 asn 65533 hold_time 30 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, extended message(65535), graceful restart flags 0x8 time 120 ipv4/unicast=0x80 ipv6/unicast=0x80, asn4(65533), addpath(send/receive ipv4 unicast,send/receive ipv6 unicast), enhanced route refresh, hostname(none none), operational]

neighbor 127.0.0.3 receive 1 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005101 body 0x04FFFE001E0A0000033402060104000100010206010400020001020641040000FFFE020A4508000101030002010302020200020246000202B90002020600

neighbor 127.0.0.3 receive open version 4 asn 65534 hold_time 30 router_id 10.0.0.3 capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, extended message(65535), asn4(65534), addpath(send/receive ipv4 unicast,send/receive ipv6 unicast), enhanced route refresh, operational]

neighbor 127.0.0.3 send 4 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304

neighbor 127.0.0.3 send keepalive

neighbor 127.0.0.3 receive 4 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304

neighbor 127.0.0.3 receive keepalive

neighbor 127.0.0.3 up

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004502 body 0x000000264001010040020602010000FFFD4003040A0000018004040000000AC00808FDE80001FFFFFF0100000000180A0000

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update announced 10.0.0.0/24 path-information 0.0.0.0 next-hop 10.0.0.1 origin igp as-path ( 65533 ) med 10 community [ 65000:1 no-export ]
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005502 body 0x0000003E4001010040020A02020000000100000002800E2A0002011020010DB800000000000000000000000100000000008020010DB8000000000000000000000001

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update announced 2001:db8::1/128 path-information 0.0.0.0 next-hop 2001:db8::1 origin igp as-path ( 1 2 )
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 receive 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004D02 body 0x0000002E4001010140020602010000FFFE4003047F000003C010080002FDE800000001C0200C0000000100000002000000030000000018C00002

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 192.0.2.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin egp as-path ( 65534 ) extended-community target:65000:1 large-community 1:2:3
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702 body 0x00000000

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update route eor 1/1 (ipv4 unicast)
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02 body 0x00000007900F0003000201

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update route eor 2/1 (ipv6 unicast)
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 receive 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003302 body 0x000000144001010040020602010000FFFE4003047F0000030000000018C63364

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 198.51.100.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin igp as-path ( 65534 )
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702 body 0x00000000

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update route eor 1/1 (ipv4 unicast)
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02 body 0x00000007900F0003000201

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update route eor 2/1 (ipv6 unicast)
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 send 5 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705 body 0x00010001

neighbor 127.0.0.3 send route-refresh afi ipv4 safi unicast query

neighbor 127.0.0.3 receive 5 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705 body 0x00010101

neighbor 127.0.0.3 receive route-refresh afi ipv4 safi unicast begin

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004502 body 0x000000264001010040020602010000FFFD4003040A0000018004040000000AC00808FDE80001FFFFFF0100000000180A0000

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update announced 10.0.0.0/24 path-information 0.0.0.0 next-hop 10.0.0.1 origin igp as-path ( 65533 ) med 10 community [ 65000:1 no-export ]
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 receive 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004D02 body 0x0000002E4001010140020602010000FFFE4003047F000003C010080002FDE800000001C0200C0000000100000002000000030000000018C00002

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 192.0.2.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin egp as-path ( 65534 ) extended-community target:65000:1 large-community 1:2:3
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003302 body 0x000000144001010040020602010000FFFE4003047F0000030000000018C63364

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 198.51.100.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin igp as-path ( 65534 )
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive 5 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705 body 0x00010201

neighbor 127.0.0.3 receive route-refresh afi ipv4 safi unicast end

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004502 body 0x000000264001010040020602010000FFFD4003040A0000018004040000000AC00808FDE80001FFFFFF0100000000180A0000

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update announced 10.0.0.0/24 path-information 0.0.0.0 next-hop 10.0.0.1 origin igp as-path ( 65533 ) med 10 community [ 65000:1 no-export ]
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003202 body 0x000000144001010040020602010000FFFD4003040A0000090000000010AC10

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update announced 172.16.0.0/16 path-information 0.0.0.0 next-hop 10.0.0.9 origin igp as-path ( 65533 )
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 send 2 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02 body 0x00070000000010AC100000

neighbor 127.0.0.3 send update start
neighbor 127.0.0.3 send update withdrawn 172.16.0.0/16 path-information 0.0.0.0
neighbor 127.0.0.3 send update end

neighbor 127.0.0.3 receive 4 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304

neighbor 127.0.0.3 receive keepalive

neighbor 127.0.0.3 send 4 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304

neighbor 127.0.0.3 send keepalive

neighbor 127.0.0.3 down - stop, message [shutting down]

shutdown 9323 1

"""

TEXT_CONSOLIDATE = """\
neighbor 127.0.0.3 receive open version 4 asn 65534 hold_time 30 router_id 10.0.0.3 capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, extended message(65535), asn4(65534), addpath(send/receive ipv4 unicast,send/receive ipv6 unicast), enhanced route refresh, operational] header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005101 body 0x04FFFE001E0A0000033402060104000100010206010400020001020641040000FFFE020A4508000101030002010302020200020246000202B90002020600

neighbor 127.0.0.3 receive keepalive header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 192.0.2.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin egp as-path ( 65534 ) extended-community target:65000:1 large-community 1:2:3
 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004D02 body 0x0000002E4001010140020602010000FFFE4003047F000003C010080002FDE800000001C0200C0000000100000002000000030000000018C00002
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 198.51.100.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin igp as-path ( 65534 )
 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003302 body 0x000000144001010040020602010000FFFE4003047F0000030000000018C63364
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update route eor 1/1 (ipv4 unicast)
 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702 body 0x00000000
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update route eor 2/1 (ipv6 unicast)
 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E02 body 0x00000007900F0003000201
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive route-refresh afi ipv4 safi unicast begin header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705 body 0x00010101

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 192.0.2.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin egp as-path ( 65534 ) extended-community target:65000:1 large-community 1:2:3
 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF004D02 body 0x0000002E4001010140020602010000FFFE4003047F000003C010080002FDE800000001C0200C0000000100000002000000030000000018C00002
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive update start
neighbor 127.0.0.3 receive update announced 198.51.100.0/24 path-information 0.0.0.0 next-hop 127.0.0.3 origin igp as-path ( 65534 )
 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003302 body 0x000000144001010040020602010000FFFE4003047F0000030000000018C63364
neighbor 127.0.0.3 receive update end

neighbor 127.0.0.3 receive route-refresh afi ipv4 safi unicast end header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001705 body 0x00010201

neighbor 127.0.0.3 receive keepalive header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304

"""

TEXT_NOTIFICATION = """\
neighbor 127.0.0.3 receive 3 header 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF002D03 body 0x06021741646D696E6973747261746976652053687574646F776E

neighbor 127.0.0.3 receive notification code 6 subcode 2 data 0x53687574646F776E20436F6D6D756E69636174696F6E3A202241646D696E6973747261746976652053687574646F776E22

neighbor 127.0.0.3 down - notification received (6,2)

"""


#: ExaBGP 5.0.15's text for the project's own vectors (tests/vectors/*.vec), received, with a
#: four-octet AS session and, for the ``path-information`` vectors, ADD-PATH on every family
VECTOR_TEXT = {
    "open-add-path": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [addpath(send/receive ipv4 unicast,receive ipv6 unicast,send ipv4 nlri-mpls)]\n",
    "open-asn4": "neighbor 127.0.0.1 receive open version 4 asn 23456 hold_time 180 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast), asn4(4200000000)]\n",
    "open-cisco-multisession": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multisession ]\n",
    "open-cisco-route-refresh": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [route refresh, cisco route refresh]\n",
    "open-enhanced-route-refresh": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [route refresh, enhanced route refresh]\n",
    "open-exabgp-default": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast), route refresh, extended message(65535), graceful restart flags 0x8 time 120 ipv4/unicast=0x80, asn4(65533), enhanced route refresh, operational]\n",
    "open-extended-message": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast), extended message(65535)]\n",
    "open-extended-nexthop": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [nexthop(ipv4 unicast ipv6,ipv4 mpls-vpn ipv6)]\n",
    "open-extended-parameters": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast), route refresh, asn4(65533)]\n",
    "open-graceful-restart-empty": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [graceful restart flags 0x0 time 0 ]\n",
    "open-graceful-restart": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [graceful restart flags 0x8 time 120 ipv4/unicast=0x80 ipv6/unicast=0x0]\n",
    "open-grouped-capabilities": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 90 router_id 10.0.0.3 capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), asn4(65533)]\n",
    "open-hostname": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [hostname(router example.com)]\n",
    "open-multiprotocol": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast,ipv6 unicast,bgp-ls bgp-ls,unknown-afi-0x3 unicast)]\n",
    "open-multisession": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multisession (rfc) multiprotocol route-refresh dynamic-capability reserved-0xc8]\n",
    "open-no-capability": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 0 router_id 192.0.2.1 capabilities []\n",
    "open-operational": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [operational]\n",
    "open-route-refresh": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [route refresh]\n",
    "open-software-version": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [software(exabgp/5.0.15)]\n",
    "open-unknown-capability": "neighbor 127.0.0.1 receive open version 4 asn 65533 hold_time 180 router_id 10.0.0.2 capabilities [multiprotocol(ipv4 unicast), unknown 66, reserved 200]\n",
    "update-add-path-ipv6": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 2001:db8::/64 path-information 1.2.3.4 next-hop 2001:db8::1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-add-path": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update withdrawn 9.9.0.0/16 path-information 0.0.0.7\nneighbor 127.0.0.1 receive update announced 1.2.3.0/24 path-information 0.0.0.5 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 10.0.0.0/8 path-information 0.0.0.0 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-aigp": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-as-path-empty": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp\nneighbor 127.0.0.1 receive update end\n",
    "update-as-path-segments": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path [ 1 2 ] ( 3 65536 ) {( 4 )} {[ 5 ]}\nneighbor 127.0.0.1 receive update end\n",
    "update-as4-aggregator-ignored": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) aggregator ( 65000:1.1.1.1 )\nneighbor 127.0.0.1 receive update end\n",
    "update-as4-aggregator": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) aggregator ( 65536:2.2.2.2 )\nneighbor 127.0.0.1 receive update end\n",
    "update-as4-path-alone": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp attribute [ 0x11 0xC0 ( 65536 5 ) ]\nneighbor 127.0.0.1 receive update end\n",
    "update-as4-path-shorter": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 7 )\nneighbor 127.0.0.1 receive update end\n",
    "update-as4-path": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 23456 23456 65536 65541 )\nneighbor 127.0.0.1 receive update end\n",
    "update-atomic-aggregate": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) atomic-aggregate aggregator ( 4200000000:192.0.2.1 )\nneighbor 127.0.0.1 receive update end\n",
    "update-attribute-order": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) med 0 community 1:2\nneighbor 127.0.0.1 receive update end\n",
    "update-attributes-only": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update end\n",
    "update-bgp-ls": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) bgp-ls Attribute with code [ 12345 ] not implemented, Attribute with code [ 12352 ] not implemented\nneighbor 127.0.0.1 receive update end\n",
    "update-community": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) community [ 0:65535 64496:1022 64496:1022 no-export ]\nneighbor 127.0.0.1 receive update end\n",
    "update-discard-aggregator": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) error discard\nneighbor 127.0.0.1 receive update end\n",
    "update-discard-atomic-aggregate-flags": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-duplicate-attribute": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) community 1:2\nneighbor 127.0.0.1 receive update end\n",
    "update-eor-evpn": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update route eor 25/70 (l2vpn evpn)\nneighbor 127.0.0.1 receive update end\n",
    "update-eor-ipv4": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update route eor 1/1 (ipv4 unicast)\nneighbor 127.0.0.1 receive update end\n",
    "update-eor-ipv6": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update route eor 2/1 (ipv6 unicast)\nneighbor 127.0.0.1 receive update end\n",
    "update-extended-community-evpn": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) extended-community [ encap:VXLAN encap:encap:UNKNOWN-255 consistentHashSortOrder:100 mac-mobility:7 mac-mobility:5:sticky interface-set:input:65536:10 interface-set:output:65536:5 redirect-to-nexthop copy-to-nexthop mup:1:2 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-extended-community-flowspec": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) extended-community [ redirect-to-nexthop-ietf 10.0.0.2 copy-to-nexthop-ietf 10.0.0.2 (with copy) 0x4004FDE84E6E6B28 0x4302000100000001 rate-limit:12345 action sample-terminal redirect:1:200 mark 46 l2info:19:1:5:0 rate-limit:100:packets 0x82080001000100C8 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-extended-community-rt-origin": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) extended-community [ target:65000:100 origin:65000:10.0.0.1 rtrecord:65000:100 target:10.0.0.1:100 origin:65000:10.0.0.1 rtrecord:10.0.0.1:100 target:65536:10 origin:65536:10 rtrecord:65536:200 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-extended-length": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-announce-withdraw": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update withdrawn 9.9.0.0/16\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-mpls-vpn-withdraw": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update withdrawn 1.2.3.0/24 label 524288 rd 65000:100\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-mpls-vpn": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 1.2.3.0/24 label 100 next-hop 10.0.0.1 rd 65000:100 origin igp as-path ( 65000 ) extended-community target:65000:100\nneighbor 127.0.0.1 receive update announced 1.2.4.0/24 label 100 next-hop 10.0.0.1 rd 192.0.2.1:100 origin igp as-path ( 65000 ) extended-community target:65000:100\nneighbor 127.0.0.1 receive update announced 1.2.5.0/24 label 100 next-hop 10.0.0.1 rd 65536:200 origin igp as-path ( 65000 ) extended-community target:65000:100\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-multicast": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 224.0.0.0/8 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-nlri-mpls-withdraw": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update withdrawn 1.2.3.0/24 label 524288\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-nlri-mpls": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 1.2.3.0/24 label 100 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 1.2.4.0/24 label [ 125 100 ] next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-unicast": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 0.0.0.0/0 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 10.0.0.0/8 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 192.0.2.128/25 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 192.0.2.1/32 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv4-withdraw": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update withdrawn 1.2.3.0/24\nneighbor 127.0.0.1 receive update withdrawn 4.4.4.4/32\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-extended-community": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) extended-community-ipv6 [ copy-to-nexthop-ietf 2001:db8::1 (with copy) 0x030420010DB80000000000000000000000010064 0x800B20010DB80000000000000000000000010064 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-link-local": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 2001:db8::/64 next-hop 2001:db8::1 origin igp as-path ( 65000 ) med 0\nneighbor 127.0.0.1 receive update announced 2001:db8::/64 next-hop fe80::1 origin igp as-path ( 65000 ) med 0\nneighbor 127.0.0.1 receive update announced 2001:db8::/48 next-hop 2001:db8::1 origin igp as-path ( 65000 ) med 0\nneighbor 127.0.0.1 receive update announced 2001:db8::/48 next-hop fe80::1 origin igp as-path ( 65000 ) med 0\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-mpls-vpn": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 2001:db8::/64 label 100 next-hop 2001:db8::1 rd 65000:100 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-multicast": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced ff0e::/16 next-hop 2001:db8::1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-nlri-mpls": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 2001:db8::/64 label 100 next-hop 2001:db8::1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-unicast": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 2001:db8::/64 next-hop 2001:db8::1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 2001:db8::1/128 next-hop 2001:db8::1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-ipv6-withdraw": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update withdrawn 2001:db8::/64\nneighbor 127.0.0.1 receive update withdrawn ::/0\nneighbor 127.0.0.1 receive update end\n",
    "update-large-community": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) large-community [ 66051:67438087:134810123 202182159:269554195:336926231 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-local-pref": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) local-preference 200\nneighbor 127.0.0.1 receive update end\n",
    "update-med": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) med 4000000000\nneighbor 127.0.0.1 receive update end\n",
    "update-next-hop": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 198.51.100.7 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update announced 203.0.113.9/32 next-hop 198.51.100.7 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-no-next-hop": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-origin-egp": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin egp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-origin": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin incomplete as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-originator-cluster": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) originator-id 1.1.1.1 cluster-list [ 2.2.2.2 3.3.3.3 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-pmsi-tunnel-other": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) pmsi pmsi:pim-ssmtree:1:6:0x0A000001AB\nneighbor 127.0.0.1 receive update end\n",
    "update-pmsi-tunnel": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) pmsi pmsi:ingressreplication:0:6(100):10.0.0.1\nneighbor 127.0.0.1 receive update end\n",
    "update-prefix-sid-unknown-tlv": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) bgp-prefix-sid [ 5 ]\nneighbor 127.0.0.1 receive update end\n",
    "update-prefix-sid": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) error discard\nneighbor 127.0.0.1 receive update end\n",
    "update-unknown-non-transitive": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 )\nneighbor 127.0.0.1 receive update end\n",
    "update-unknown-transitive": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) attribute [ 0x63 0xE0 0xabcd ] attribute [ 0xC8 0xF0 0x01 ]\nneighbor 127.0.0.1 receive update end\n",
}


# ----------------------------------------------------------------- replay


def _lines(text):
    return [line for line in text.splitlines() if line]


def _field(pattern, line):
    found = re.search(pattern, line)
    return found.group(1) if found else None


def _raw(line):
    """The header and body octets printed in a JSON line."""
    body = _field(r'"body": "0x([0-9A-F]*)"', line)
    return bytes.fromhex(_field(r'"header": "0x([0-9A-F]*)"', line)), bytes.fromhex(body or "")


def _negotiated():
    opens = {}
    for line in _lines(JSON_SESSION):
        if '"type": "open"' in line and '"category"' in line:
            opens[_field(r'"direction": "(\w+)"', line)] = Open.decode(_raw(line)[1])
    settings = SessionSettings(
        local_address="127.0.0.2", peer_address="127.0.0.3", local_as=65533, peer_as=65534, router_id="10.0.0.2"
    )
    return negotiate(settings, opens["send"], opens["receive"])


NEGOTIATED = _negotiated()
CTX = NEGOTIATED.context


def _message(encoder, now, direction, header, body, negotiated, consolidate):
    """Decode the raw message and render it with the encoder method of its type."""
    msg_type = header[18]
    channel = Channel(NEIGHBOR, direction, negotiated, consolidate)
    if msg_type == 2:
        return encoder.update(now, channel, Update.decode(body, CTX), CTX, header, body)
    return encoder.message(now, channel, decode_message(msg_type, body, CTX), header, body)


def _render_json(encoder, line, raw):
    now = float(_field(r'"time": ([0-9.]+)', line))
    kind = _field(r'"type": "([a-z-]+)"', line)
    direction = _field(r'"direction": "(\w+)"', line)
    if '"notification": "shutdown"' in line:
        return encoder.shutdown(now)
    if kind == "state":
        state = _field(r'"state": "(\w+)"', line)
        if state == "down":
            return encoder.down(now, NEIGHBOR, json.loads(_field(r'"reason": (".*") } }', line)))
        return getattr(encoder, state)(now, NEIGHBOR)
    if kind == "fsm":
        return encoder.fsm(now, NEIGHBOR, "", _field(r'"state": "(\w+)"', line))
    if kind == "signal":
        return encoder.signal(now, NEIGHBOR, int(_field(r'"code": "(\d+)"', line)), _field(r'"name": "(\w+)"', line))
    if kind == "negotiated":
        return encoder.negotiated(now, NEIGHBOR, NEGOTIATED)
    negotiated = NEGOTIATED if '"negotiated"' in line else None
    if '"category"' in line:
        category = int(_field(r'"category": (\d+)', line))
        if negotiated is not None and category == 1:
            negotiated = OPENING
        return encoder.packets(now, Channel(NEIGHBOR, direction, negotiated), category, *_raw(line))
    consolidate = '"header"' in line
    header, body = _raw(line) if consolidate else raw
    return _message(encoder, now, direction, header, body, negotiated, consolidate)


def _replay_json(transcript, counters=None):
    """(captured, ours) per line; without `counters`, each line's counter is taken as given."""
    raw = None
    for line in _lines(transcript):
        speaker = DaemonFields("vm", int(_field(r'"pid" : (\d+)', line)), int(_field(r'"ppid" : (\d+)', line)))
        if counters is None:
            counter = _field(r'"counter": (\d+)', line)
            encoder = JsonEncoder(speaker, {NEIGHBOR: int(counter) - 1} if counter else {})
        else:
            encoder = JsonEncoder(speaker, counters)
        yield line + "\n", _render_json(encoder, line, raw)
        if '"category"' in line:
            raw = _raw(line)


def _events(transcript):
    return [event + "\n\n" for event in transcript.split("\n\n")[:-1]]


def _render_text(event, raw):
    body = event[:-2]
    if body.startswith("shutdown "):
        _, pid, ppid = body.split()
        return TextEncoder(DaemonFields("vm", int(pid), int(ppid))).shutdown(0.0)
    encoder = TextEncoder(DAEMON)
    word = body.split()[2]
    if word in ("connected", "up"):
        return getattr(encoder, word)(0.0, NEIGHBOR)
    if word == "down":
        return encoder.down(0.0, NEIGHBOR, body.split(" - ", 1)[1])
    packet = re.fullmatch(r"neighbor \S+ \w+ (\d+) header 0x([0-9A-F]+)(?: body 0x([0-9A-F]+))?", body)
    if packet:
        header, octets = bytes.fromhex(packet[2]), bytes.fromhex(packet[3] or "")
        return encoder.packets(0.0, Channel(NEIGHBOR, word), int(packet[1]), header, octets)
    consolidated = re.search(r" header 0x([0-9A-F]+)(?: body 0x([0-9A-F]+))?$", body, re.M)
    if consolidated:
        header, octets = bytes.fromhex(consolidated[1]), bytes.fromhex(consolidated[2] or "")
        return _message(encoder, 0.0, word, header, octets, None, True)
    return _message(encoder, 0.0, word, *raw, None, False)


def _replay_text(transcript):
    raw = None
    for event in _events(transcript):
        yield event, _render_text(event, raw)
        packet = re.fullmatch(r"neighbor \S+ \w+ \d+ header 0x([0-9A-F]+)(?: body 0x([0-9A-F]+))?\n\n", event)
        if packet:
            raw = bytes.fromhex(packet[1]), bytes.fromhex(packet[2] or "")


@pytest.mark.parametrize(
    "transcript", [JSON_SESSION, JSON_CONSOLIDATE, JSON_NOTIFICATION], ids=["session", "consolidate", "notification"]
)
def test_json_lines_as_captured(transcript):
    for captured, ours in _replay_json(transcript):
        assert ours == captured


@pytest.mark.parametrize(
    "transcript", [TEXT_SESSION, TEXT_CONSOLIDATE, TEXT_NOTIFICATION], ids=["session", "consolidate", "notification"]
)
def test_text_events_as_captured(transcript):
    for captured, ours in _replay_text(transcript):
        assert ours == captured


def test_transcripts_cover_every_event():
    kinds = {_field(r'"type": "([a-z-]+)"', line) for line in _lines(JSON_SESSION + JSON_NOTIFICATION)}
    assert kinds == {
        "fsm",
        "state",
        "open",
        "negotiated",
        "keepalive",
        "update",
        "route-refresh",
        "refresh",
        "signal",
        "notification",
    }
    text = TEXT_SESSION + TEXT_CONSOLIDATE + TEXT_NOTIFICATION
    for word in (
        "connected",
        "up",
        "down",
        "open",
        "keepalive",
        "update start",
        "announced",
        "withdrawn",
        "route eor",
        "route-refresh",
        "notification",
        "shutdown",
        " header ",
    ):
        assert word in text


# ----------------------------------------------------------------- counter


def test_counter_counts_json_messages_per_neighbor():
    encoder = JsonEncoder(DAEMON)
    other = NeighborFields("127.0.0.2", "127.0.0.4", 65533, 65535, "10.0.0.2")
    counters = [
        _field(r'"counter": (\d+)', encoder.connected(1.0, NEIGHBOR)),
        _field(r'"counter": (\d+)', encoder.fsm(1.0, NEIGHBOR, "CONNECT", "OPENSENT")),
        _field(r'"counter": (\d+)', encoder.connected(1.0, other)),
        _field(r'"counter": (\d+)', encoder.up(1.0, NEIGHBOR)),
    ]
    assert counters == ["1", "2", "1", "3"]
    assert '"counter"' not in encoder.shutdown(2.0)


def test_counter_shared_by_the_json_helpers_as_5_0():
    """Two JSON helpers of one neighbor: 5.0 numbers the messages across both (1, 3, 5 / 2, 4, 6)."""
    first, second = _lines(JSON_SHARED_FIRST), _lines(JSON_SHARED_SECOND)
    interleaved = [line for pair in zip(first, second, strict=False) for line in pair]
    counters = {}
    for captured, ours in _replay_json("\n".join(interleaved), counters):
        assert ours == captured
    assert counters == {NEIGHBOR: 8}


def test_counter_per_encoder_by_default():
    a, b = JsonEncoder(DAEMON), JsonEncoder(DAEMON)
    a.connected(1.0, NEIGHBOR)
    assert _field(r'"counter": (\d+)', b.connected(1.0, NEIGHBOR)) == "1"


# ----------------------------------------------------------------- forms without a capture


def test_text_has_no_fsm_negotiated_signal():
    encoder = TextEncoder(DAEMON)
    assert encoder.fsm(1.0, NEIGHBOR, "IDLE", "ACTIVE") == ""
    assert encoder.negotiated(1.0, NEIGHBOR, NEGOTIATED) == ""
    assert encoder.signal(1.0, NEIGHBOR, 10, "SIGUSR1") == ""


def test_text_escapes_peer_supplied_strings():
    encoder = TextEncoder(DAEMON)
    reason = 'peer said "bye"\nneighbor 127.0.0.3 up\x00\x7f\u00e9'
    assert encoder.down(1.0, NEIGHBOR, reason) == (
        'neighbor 127.0.0.3 down - peer said "bye"\\x0aneighbor 127.0.0.3 up\\x00\\x7f\u00e9\n\n'
    )
    assert oneline("plain text") == "plain text"
    # an OPEN whose hostname capability carries a newline: escaped, then lower-cased as 5.0 does
    body = bytes.fromhex("04FFFE001E0A000003") + bytes((12, 2, 10, 73, 8, 5)) + b"Ho\nst" + bytes((1,)) + b"D"
    message = Open.decode(body)
    text = encoder.message(1.0, Channel(NEIGHBOR, "receive"), message)
    assert text == (
        "neighbor 127.0.0.3 receive open version 4 asn 65534 hold_time 30 router_id 10.0.0.3 "
        "capabilities [hostname(ho\\x0ast d)]\n\n"
    )
    assert text.count("\n") == 2


def test_json_escapes_strings():
    line = JsonEncoder(DAEMON).down(1.5, NEIGHBOR, 'a "quoted"\nreason \u00e9')
    assert line.endswith('"state": "down", "reason": "a \\"quoted\\"\\nreason \\u00e9" } }\n')
    assert line.count("\n") == 1


def test_srv6_service_prefix_sid_text_is_5_0_15s():
    """An SRv6 L3 service (RFC 9252) in the text encoder, as a 5.0.15 daemon wrote it for the reference's
    conf-srv6-mup UPDATEs (found by qa.differential.helper; its SID information bracket left open)."""
    structure = bytes((1, 0, 6, 64, 24, 16, 0, 0, 0))
    sid = bytes.fromhex("20010db8000100010000000000000000")
    information = b"\x00" + sid + b"\x00" + (0x48).to_bytes(2, "big") + b"\x00" + structure
    service = b"\x00" + bytes((1,)) + len(information).to_bytes(2, "big") + information
    prefix_sid = bytes((5,)) + len(service).to_bytes(2, "big") + service
    attributes = (
        bytes((0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 10, 0, 0, 1, 0x40, 5, 4, 0, 0, 0, 100))
        + bytes((0xC0, 40, len(prefix_sid)))
        + prefix_sid
    )
    body = b"\x00\x00" + len(attributes).to_bytes(2, "big") + attributes + bytes((24, 192, 0, 2))
    ctx = CodecContext()
    text = TextEncoder(DAEMON).update(1.0, Channel(NEIGHBOR, "receive"), Update.decode(body, ctx), ctx, b"", body)
    assert text.split("\n")[1] == (
        "neighbor 127.0.0.3 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp local-preference 100 "
        "bgp-prefix-sid [ l3-service [ sid-information [ sid:2001:db8:1:1:: flags:0 endpoint_behavior:0x48  "
        "[ sid-structure [64,24,16,0,0,0] ] ] ]"
    )


@pytest.mark.parametrize(
    "advisory, printed",
    [  # what a 5.0.15 daemon wrote to its text helper (recorded)
        (b"hello", "b'hello'"),
        (b"", "b''"),
        ("caf\u00e9".encode(), "b'caf\\xc3\\xa9'"),
        (b'a"b\\c', "b'a\"b\\\\c'"),
        (b"\xff\xfe", "b'\\xff\\xfe'"),
    ],
)
def test_operational_advisory_text_is_5_0_15s(advisory, printed):
    """5.0.15 prints the octets as Python shows bytes (found by qa.differential.helper)."""
    body = (1).to_bytes(2, "big") + (3 + len(advisory)).to_bytes(2, "big") + bytes.fromhex("000101") + advisory
    text = TextEncoder(DAEMON).message(1.0, Channel(NEIGHBOR, "receive"), Operational.decode(body))
    assert text == f'neighbor 127.0.0.3 receive operational ADM afi ipv4 safi unicast advisory "{printed}"\n'


def test_operational_text_and_json():
    message = Operational.decode(bytes.fromhex("00010009000101") + b"hi\nthe")
    text = TextEncoder(DAEMON).message(1.0, Channel(NEIGHBOR, "receive"), message)
    assert text == "neighbor 127.0.0.3 receive operational ADM afi ipv4 safi unicast advisory \"b'hi\\nthe'\"\n"
    line = JsonEncoder(DAEMON).message(1.0, Channel(NEIGHBOR, "send"), message)
    assert line.endswith(
        '"type": "operational", "neighbor": { "address": { "local": "127.0.0.2", "peer": '
        '"127.0.0.3" }, "asn": { "local": 65533, "peer": 65534 }, "router-id": "10.0.0.2" , '
        '"direction": "send", "operational": { "name": "ADM", "afi": "ipv4", "safi": "unicast", '
        '"advisory": "hi\\nthe" } } }\n'
    )


def test_shutdown_forms():
    assert JsonEncoder(DAEMON).shutdown(1795649104.6176188) == (
        '{ "exabgp": "5.0.0", "time": 1795649104.6176188, "host" : "vm", "pid" : 9323, "ppid" : 1, '
        '"type": "notification", "notification": "shutdown" }\n'
    )
    assert TextEncoder(DAEMON).shutdown(1.0) == "shutdown 9323 1\n\n"


def test_treat_as_withdraw_reported_as_withdrawn():
    """A received UPDATE that RFC 7606 treats as withdraw lists its routes as withdrawn (both encoders)."""
    # COMMUNITIES of 3 octets (RFC 7606 7.8), 192.0.2.0/24
    ctx = CodecContext(asn4=True)
    body = bytes.fromhex("0000001A4001010040020602010000FDE84003040A000001C0080300000018C00002")
    update = Update.decode(body, ctx)
    ours = TextEncoder(DAEMON).update(1.0, Channel(NEIGHBOR, "receive"), update, ctx)
    assert ours == (
        "neighbor 127.0.0.3 receive update start\n"
        "neighbor 127.0.0.3 receive update withdrawn 192.0.2.0/24 next-hop 10.0.0.1\n"
        "neighbor 127.0.0.3 receive update end\n\n"
    )
    line = JsonEncoder(DAEMON).update(1.0, Channel(NEIGHBOR, "receive"), update, ctx)
    assert '"withdraw": { "ipv4 unicast": [ { "nlri": "192.0.2.0/24"' in line


VECTORS = Path(__file__).parent / "vectors"


def _vector(name):
    fields = {}
    for line in (VECTORS / f"{name}.vec").read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    return fields


#: where we deliberately print otherwise (docs/compatibility.md): a discard for wrong flags is said, as any discard
OURS_TEXT = {
    "update-discard-atomic-aggregate-flags": "neighbor 127.0.0.1 receive update start\nneighbor 127.0.0.1 receive update announced 192.0.2.0/24 next-hop 10.0.0.1 origin igp as-path ( 65000 ) error discard\nneighbor 127.0.0.1 receive update end\n",
}


@pytest.mark.parametrize("name", sorted(VECTOR_TEXT))
def test_text_of_vectors(name):
    """OPEN capabilities, every attribute and NLRI form in the text encoder, as 5.0 prints them."""
    fields = _vector(name)
    raw = bytes.fromhex(fields["hex"])
    addpath = frozenset(FAMILIES) if "path-information" in fields.get("options", "") else frozenset()
    ctx = CodecContext(asn4=True, addpath_receive=addpath, addpath_send=addpath)
    encoder = TextEncoder(DAEMON)
    peer = NeighborFields("127.0.0.2", "127.0.0.1", 65533, 65533, "10.0.0.2")
    if fields["type"] == "open":
        ours = encoder.message(1.0, Channel(peer, "receive"), Open.decode(raw[19:]))
    else:
        ours = encoder.update(1.0, Channel(peer, "receive"), Update.decode(raw[19:], ctx), ctx)
    assert ours == OURS_TEXT.get(name, VECTOR_TEXT[name]) + "\n"
    assert OURS_TEXT.get(name) != VECTOR_TEXT[name]


def test_api_compact_renders_plain_prefixes_as_strings():
    body = bytes.fromhex("0000001F4001010040020A02020000FBF00000FBFF400304C0000201C00804FBF0006418C6336418CB0071")
    header = bytes.fromhex("FF" * 16 + "003E02")
    ctx = CodecContext()
    update = Update.decode(body, ctx)
    wide = JsonEncoder(DAEMON).update(1.0, Channel(NEIGHBOR, "receive"), update, ctx, header, body)
    narrow = JsonEncoder(DAEMON, compact=True).update(1.0, Channel(NEIGHBOR, "receive"), update, ctx, header, body)
    assert '"192.0.2.1": [ { "nlri": "198.51.100.0/24" }, { "nlri": "203.0.113.0/24" } ]' in wide
    assert narrow == wide.replace(
        '{ "nlri": "198.51.100.0/24" }, { "nlri": "203.0.113.0/24" }', '"198.51.100.0/24", "203.0.113.0/24"'
    )


def indexed_run(bodies, ctx):
    """The octets of a run of UPDATEs every one of which the codec vouches for, and their index, as the session
    hands them over (`UpdatesScanned`)."""
    octets = b"".join(frame_message(2, body) for body in bodies)
    used, index = index_updates(octets, 4096, False, False, True, True, ctx.asn4, True)
    assert used == len(octets)
    return octets, index


@pytest.mark.parametrize("kind", [JsonEncoder, TextEncoder])
def test_a_received_run_renders_as_its_updates_one_by_one(kind):
    # what the reactor hands over for a run the codec vouched for (UpdatesScanned) must read as UPDATEs one by one
    bodies = [
        bytes.fromhex("0000001F4001010040020A02020000FBF00000FBFF400304C0000201C00804FBF0006418C6336418CB0071"),
        bytes.fromhex("0002080A0000"),  # a withdrawal
        bytes.fromhex("0000000E40010100400200400304C0000201") + bytes((24, 10, 1, 2)),
    ]
    ctx = CodecContext()
    octets, index = indexed_run(bodies, ctx)
    one_by_one, run = kind(DAEMON), kind(DAEMON)
    expected = "".join(
        one_by_one.update(5.0, Channel(NEIGHBOR, "receive"), Update.decode(body, ctx), ctx, b"", body)
        for body in bodies
    )
    channel = Channel(NEIGHBOR, "receive")
    assert run.received_run(5.0, channel, octets, index, ctx) == expected.encode()
    # and the counter goes on from there
    assert run.update(6.0, channel, Update.decode(bodies[0], ctx), ctx, b"", bodies[0]) == one_by_one.update(
        6.0, channel, Update.decode(bodies[0], ctx), ctx, b"", bodies[0]
    )


@pytest.mark.parametrize("compact", [False, True])
def test_a_received_run_with_declined_updates_inside_keeps_their_order_and_counters(compact):
    # messages the codec's fast path declines (an extended community, ORIGIN flagged optional: RFC 7606
    # treat-as-withdraw) between others; a run never holds what the session does not vouch for
    routes = bytes.fromhex("0000001F4001010040020A02020000FBF00000FBFF400304C0000201C00804FBF0006418C6336418CB0071")
    treat_as_withdraw = bytes.fromhex("0000000E80010100400200400304C0000201") + bytes((24, 10, 1, 2))
    bodies = [
        bytes.fromhex("000000194001010040020040030465016501C010080002FDE800000001") + bytes((8, 10)),
        routes,
        treat_as_withdraw,
        treat_as_withdraw,
        routes,
        bytes.fromhex("0000000E40010100400200400304C0000201") + bytes((24, 10, 1, 2)),
    ]
    ctx = CodecContext()
    octets, index = indexed_run(bodies, ctx)
    one_by_one = JsonEncoder(DAEMON, counters={NEIGHBOR: 40}, compact=compact)
    run = JsonEncoder(DAEMON, counters={NEIGHBOR: 40}, compact=compact)
    expected = "".join(
        one_by_one.update(5.0, Channel(NEIGHBOR, "receive", OPENING), Update.decode(body, ctx), ctx, b"", body)
        for body in bodies
    )
    assert '"counter": 46,' in expected and ('"198.51.100.0/24", ' in expected) is compact
    assert run.received_run(5.0, Channel(NEIGHBOR, "receive", OPENING), octets, index, ctx) == expected.encode()
