"""BGP-LS NLRI (bgp-ls bgp-ls, AFI 16388 SAFI 71): the model, the wire codec and 5.0's JSON.  Decode only.

Implements RFC 9552 (was RFC 7752) section 5.2: each NLRI is an NLRI type
(2 octets), a length (2 octets) and the type specific octets, which start
with a Protocol-ID (1 octet) and an Identifier (8 octets) followed by TLVs
(2-octet type, 2-octet length).  The NLRI types ExaBGP 5.0 decodes are

* 1, Node: the Local Node Descriptors TLV (256);
* 2, Link: Local (256) and Remote (257) Node Descriptors, then the link
  descriptors (section 5.2.2): Link Local/Remote Identifiers (258), IPv4 /
  IPv6 interface (259, 261) and neighbor (260, 262) addresses, Multi-Topology
  Identifiers (263);
* 3 and 4, IPv4 / IPv6 Topology Prefix: Local Node Descriptors, then the
  prefix descriptors (section 5.2.3): Multi-Topology Identifier (263), OSPF
  Route Type (264), IP Reachability Information (265);
* 6, SRv6 SID (RFC 9514 section 6): Local Node Descriptors, then the SRv6
  SID Information TLV (518).

A Node Descriptor (section 5.2.1.4) holds sub-TLVs: Autonomous System
(512), BGP-LS Identifier (513), OSPF Area-ID (514) and IGP Router-ID (515:
an IS-IS system ID of 6 octets, 7 with the pseudonode number, printed as
hex; an OSPF router ID of 4 octets, 8 with the designated router; for other
Protocol-IDs 5.0 prints it as an unknown sub-TLV).

`BGPLS` holds the NLRI type and its octets, so two NLRI are equal when
their wire forms are; its JSON is read from the octets.  `decode_bgpls`
raises `CodecError(3, 10)` (RFC 7606 section 5.3, treat as withdraw) on an
NLRI or TLV header or length past its end, a known NLRI type shorter than
its Protocol-ID and Identifier, a node descriptor sub-TLV or link / prefix
descriptor of the wrong size, node descriptor sub-TLVs repeated or not in
ascending order (RFC 9552 section 5.2.1), a node or SRv6 SID NLRI not
starting with its Local Node Descriptors, a prefix NLRI without Local Node
Descriptors or IP Reachability Information (as 5.0.15 does).

JSON follows ExaBGP 5.0.15: ``ls-nlri-type`` (``bgpls-node``,
``bgpls-link``, ``bgpls-prefix-v4``, ``bgpls-prefix-v6``,
``bgpls-srv6sid``), ``l3-routing-topology`` (the Identifier),
``protocol-id``, the descriptors as one-member objects in wire order
(an unknown sub-TLV ``generic-node-descriptor-<code>``), the link's address
/ topology / identifier lists (always present, empty as ``[  ]``), and the
``nexthop`` of the announcement for node and prefix NLRI (``"None"`` when
withdrawn).  5.0's quirks kept: a node or SRv6 SID NLRI prints the first
Local Node Descriptors TLV, a link or prefix NLRI the last of each kind;
a Multi-Topology TLV contributes its first ID only (a string in the SRv6
``srv6-sid-descriptors`` object, whose other TLVs print as
``generic-tlv-<code>``); TLVs 5.0 does not use (an OSPF route type in a
node NLRI, a multi-topology TLV in a prefix NLRI) are skipped; another NLRI
type prints as ``{ "code": N, "parsed": false, "raw": "<HEX>" }``.
"""

import socket

from exabgp.bgp import nlri_fields
from exabgp.bgp.nlri_fields import malformed
from exabgp.bgp.nlri_base import NLRI
from exabgp.bgp.family import AFI_BGPLS, SAFI_BGPLS
from exabgp.bgp.record import record

# RFC 9552 section 5.2 NLRI types (RFC 9514 section 6 for SRv6 SID)
NODE = 1
LINK = 2
PREFIX_V4 = 3
PREFIX_V6 = 4
SRV6_SID = 6

#: NLRI type -> 5.0's ls-nlri-type name
NLRI_TYPES = {
    NODE: "bgpls-node",
    LINK: "bgpls-link",
    PREFIX_V4: "bgpls-prefix-v4",
    PREFIX_V6: "bgpls-prefix-v6",
    SRV6_SID: "bgpls-srv6sid",
}

# RFC 9552 section 5.2 TLV code points (Table 10) and RFC 9514 section 6.1
LOCAL_NODE = 256
REMOTE_NODE = 257
LINK_IDENTIFIERS = 258
IPV4_INTERFACE = 259
IPV4_NEIGHBOR = 260
IPV6_INTERFACE = 261
IPV6_NEIGHBOR = 262
MULTI_TOPOLOGY = 263
OSPF_ROUTE_TYPE = 264
IP_REACHABILITY = 265
AUTONOMOUS_SYSTEM = 512
BGPLS_IDENTIFIER = 513
OSPF_AREA = 514
IGP_ROUTER = 515
SRV6_SID_INFORMATION = 518

#: the Protocol-IDs 5.0 reads an IGP Router-ID for: IS-IS Level 1 and 2 (RFC 9552 section 5.2, a system ID),
#: and 3, 5, 6, 227 (an OSPF router ID: 5.0 keeps OSPFv2, OSPFv3 and its own numbers for direct and static)
_ISIS = (1, 2)
_OSPF = (3, 5, 6, 227)
_HEADER = 9  # Protocol-ID and Identifier


def _tlvs(data: bytes, what: str) -> list:
    """``(type, value)`` of each 2-octet type, 2-octet length TLV of `data`."""
    return [(code, value) for _, code, value in _walk(data, what, False)]


def _walk(data: bytes, what: str, addpath: bool) -> list:
    """``(path id or None, type, value)`` of each TLV of `data`, each after a path identifier with
    `addpath` (an NLRI section under RFC 7911)."""
    found = []
    position, end = 0, len(data)
    path_id = None
    while position < end:
        if addpath:
            path_id, position = nlri_fields.path_id_at(data, position, "BGP-LS")
        if position + 4 > end:
            raise malformed(f"BGP-LS {what} TLV header truncated")
        code = int.from_bytes(data[position : position + 2], "big")
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        position += 4
        if position + length > end:
            raise malformed(f"BGP-LS {what} TLV {code} length {length} exceeds the {end - position} octets left")
        found.append((path_id, code, data[position : position + length]))
        position += length
    return found


def _ip(octets: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET if len(octets) == 4 else socket.AF_INET6, octets)


def _size(code: int, value: bytes, sizes) -> None:
    if len(value) not in sizes:
        raise malformed(f"BGP-LS TLV {code} of {len(value)} octets ({' or '.join(map(str, sizes))} expected)")


def _node_descriptors(value: bytes, protocol: int) -> str:
    """5.0's list of the sub-TLVs of a Node Descriptors TLV (RFC 9552 section 5.2.1.4)."""
    items = []
    previous = -1
    for code, data in _tlvs(value, "node descriptor"):
        if code <= previous:
            raise malformed(f"BGP-LS node descriptor sub-TLV {code} repeated or out of order (after {previous})")
        previous = code
        if code == AUTONOMOUS_SYSTEM:
            _size(code, data, (4,))
            items.append(f'"autonomous-system": {int.from_bytes(data, "big")}')
        elif code == BGPLS_IDENTIFIER:
            _size(code, data, (4,))
            items.append(f'"bgp-ls-identifier": "{int.from_bytes(data, "big")}"')
        elif code == OSPF_AREA:
            _size(code, data, (4, 16))
            items.append(f'"ospf-area-id": "{_ip(data)}"')
        elif code == IGP_ROUTER and protocol in _ISIS:
            _size(code, data, (6, 7))
            psn = f', "psn": "{data[6]}"' if len(data) == 7 and data[6] else ""
            items.append(f'"router-id": "{data.hex()}"{psn}')
        elif code == IGP_ROUTER and protocol in _OSPF:
            _size(code, data, (4, 8))
            dr = f', "designated-router-id": "{_ip(data[4:])}"' if len(data) == 8 else ""
            items.append(f'"router-id": "{_ip(data[:4])}"{dr}')
        else:
            items.append(f'"generic-node-descriptor-{code}": "0x{data.hex().upper()}"')
    return "[ " + ", ".join("{ " + item + " }" for item in items) + " ]"


def _topology(value: bytes) -> int:
    """The first Multi-Topology ID of a TLV 263 (RFC 9552 section 5.2.2.1; 5.0 reads only the first)."""
    return int.from_bytes(value[:2], "big") & 0x0FFF


@record(slots=True)
class BGPLS(NLRI):
    """One BGP-LS NLRI: its NLRI type and type specific octets (RFC 9552 section 5.2)."""

    afi = AFI_BGPLS
    safi = SAFI_BGPLS

    code: int
    body: bytes
    path_id: int | None = None  # RFC 7911, when the session negotiated ADD-PATH for the family

    def pack(self) -> bytes:
        """The NLRI as on the wire: NLRI type, length, octets."""
        return self.code.to_bytes(2, "big") + len(self.body).to_bytes(2, "big") + self.body

    def text(self) -> str:
        """5.0's name of this NLRI (its logs): the JSON object of a node, link or prefix NLRI (no next hop),
        else ``bgp-ls:srv6_sid:0x<hex>`` / ``bgp-ls:unknown:0x<hex>`` of the type specific octets."""
        if self.code in (NODE, LINK, PREFIX_V4, PREFIX_V6):
            return self.json()
        return f"bgp-ls:{'srv6_sid' if self.code == SRV6_SID else 'unknown'}:0x{self.body.hex()}"

    def json(self, nexthop=None) -> str:
        """5.0's JSON object of this NLRI (node and prefix NLRI carry the next hop of their announcement,
        ``"None"`` in a withdrawal)."""
        if self.code not in NLRI_TYPES:
            return f'{{ "code": {self.code}, "parsed": false, "raw": "{self.pack().hex().upper()}" }}'
        protocol = self.body[0]
        members = [
            f'"ls-nlri-type": "{NLRI_TYPES[self.code]}"',
            f'"l3-routing-topology": {int.from_bytes(self.body[1:9], "big")}',
            f'"protocol-id": {protocol}',
        ]
        tlvs = _tlvs(self.body[_HEADER:], "NLRI")
        if self.code == LINK:
            lists: dict[str, list] = {
                "local": [],
                "remote": [],
                "interface": [],
                "neighbor": [],
                "topology": [],
                "link": [],
            }
            for code, value in tlvs:
                if code == LOCAL_NODE:
                    lists["local"] = [_node_descriptors(value, protocol)[2:-2]]
                elif code == REMOTE_NODE:
                    lists["remote"] = [_node_descriptors(value, protocol)[2:-2]]
                elif code in (IPV4_INTERFACE, IPV6_INTERFACE):
                    lists["interface"].append(f'"{_ip(value)}"')
                elif code in (IPV4_NEIGHBOR, IPV6_NEIGHBOR):
                    lists["neighbor"].append(f'"{_ip(value)}"')
                elif code == MULTI_TOPOLOGY:
                    lists["topology"].append(str(_topology(value)))
                elif code == LINK_IDENTIFIERS:
                    local, remote = int.from_bytes(value[:4], "big"), int.from_bytes(value[4:], "big")
                    lists["link"].append(f'{{ "link-local-id": {local}, "link-remote-id": {remote} }}')
            names = (
                ("local-node-descriptors", "local"),
                ("remote-node-descriptors", "remote"),
                ("interface-addresses", "interface"),
                ("neighbor-addresses", "neighbor"),
                ("multi-topology-ids", "topology"),
                ("link-identifiers", "link"),
            )
            members += [f'"{name}": [ {", ".join(lists[key])} ]' for name, key in names]
            return "{ " + ", ".join(members) + " }"
        values = dict(tlvs)
        node = _node_descriptors(values[LOCAL_NODE] if self.code in (PREFIX_V4, PREFIX_V6) else tlvs[0][1], protocol)
        members.append(f'"node-descriptors": {node}')
        if self.code in (PREFIX_V4, PREFIX_V6):
            reach = values[IP_REACHABILITY]
            size = 4 if self.code == PREFIX_V4 else 16
            prefix = _ip(reach[1:].ljust(size, b"\0"))
            members += [f'"ip-reachability-tlv": "{prefix}"', f'"ip-reach-prefix": "{prefix}/{reach[0]}"']
        if self.code == SRV6_SID:
            descriptors: dict = {"multi-topology-ids": []}
            for code, value in tlvs[1:]:
                if code == MULTI_TOPOLOGY:
                    descriptors["multi-topology-ids"].append(str(_topology(value)))
                elif code == SRV6_SID_INFORMATION:
                    descriptors["srv6-sid"] = _ip(value)
                else:
                    descriptors.setdefault(f"generic-tlv-{code}", []).append("0x" + value.hex().upper())
            import json  # only an SRv6 SID NLRI needs it: the short commands do not load it

            members.append(f'"srv6-sid-descriptors": {json.dumps(descriptors)}')
            return "{ " + ", ".join(members) + " }"
        members.append(f'"nexthop": "{nexthop}"')
        if OSPF_ROUTE_TYPE in values:
            members.append(f'"ospf-route-type": {values[OSPF_ROUTE_TYPE][0]}')
        return "{ " + ", ".join(members) + " }"


#: descriptor TLV -> the value sizes RFC 9552 section 5.2.2 / 5.2.3 and RFC 9514 section 6.1 allow
_DESCRIPTOR_SIZES = {
    LINK_IDENTIFIERS: (8,),
    IPV4_INTERFACE: (4,),
    IPV4_NEIGHBOR: (4,),
    IPV6_INTERFACE: (16,),
    IPV6_NEIGHBOR: (16,),
    OSPF_ROUTE_TYPE: (1,),
    SRV6_SID_INFORMATION: (16,),
}


def _check(code: int, body: bytes) -> None:
    """The layout of a known NLRI type: header, TLVs, descriptors of the right sizes."""
    if len(body) < _HEADER:
        raise malformed(f"BGP-LS {NLRI_TYPES[code]} NLRI of {len(body)} octets, at least {_HEADER} expected")
    protocol = body[0]
    tlvs = _tlvs(body[_HEADER:], "NLRI")
    codes = [tlv for tlv, _ in tlvs]
    if code in (NODE, SRV6_SID) and codes[:1] != [LOCAL_NODE]:
        raise malformed(f"BGP-LS {NLRI_TYPES[code]} NLRI not starting with its local node descriptors")
    if code in (PREFIX_V4, PREFIX_V6) and not {LOCAL_NODE, IP_REACHABILITY} <= set(codes):
        raise malformed(f"BGP-LS {NLRI_TYPES[code]} NLRI without local node descriptors or IP reachability")
    for tlv, value in tlvs:
        if tlv in (LOCAL_NODE, REMOTE_NODE):
            _node_descriptors(value, protocol)
        elif tlv in _DESCRIPTOR_SIZES:
            _size(tlv, value, _DESCRIPTOR_SIZES[tlv])
        elif tlv == MULTI_TOPOLOGY and len(value) < 2:
            raise malformed(f"BGP-LS multi-topology TLV of {len(value)} octets (at least 2 expected)")
        elif tlv == IP_REACHABILITY:
            size = 4 if code == PREFIX_V4 else 16
            if not value or value[0] > size * 8 or len(value) != 1 + (value[0] + 7) // 8:
                raise malformed(f"BGP-LS IP reachability TLV of {len(value)} octets does not hold its prefix")


def decode_bgpls(octets, addpath: bool = False) -> list:
    """Every `BGPLS` of one NLRI section (MP_REACH_NLRI / MP_UNREACH_NLRI NLRI part), each after its
    path identifier with `addpath` (RFC 7911)."""
    found = []
    for path_id, code, body in _walk(bytes(octets), "NLRI section", addpath):
        if code in NLRI_TYPES:
            _check(code, body)
        found.append(BGPLS(code, body, path_id))
    return found
