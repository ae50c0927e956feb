"""TCP sockets with 5.0's options (docs/compatibility.md, "TCP options"), made before asyncio takes them over.

`outgoing(neighbor)` is a non-blocking socket for a connection to the
neighbor: bound to its ``local-address`` when set (and to the device of
``source-interface``, SO_BINDTODEVICE), with ``outgoing-ttl``
(IP_TTL / IPV6_UNICAST_HOPS), ``incoming-ttl`` (GTSM, RFC 5082: IP_MINTTL /
IPV6_MINHOPCOUNT) and the ``md5-password`` key (RFC 2385, TCP_MD5SIG).
`listening(address, port, neighbors)` is a listening socket on which the
keys and the minimum TTL of the neighbors served there are set (a range
neighbor's key covers its prefix, TCP_MD5SIG_EXT).  The option numbers are
Linux's (the standard library does not name them); elsewhere setting them
fails with `OSError`, reported as the connection's error.

The MD5 key is the password as written, or its base64 decoding with
``md5-base64 true`` (``auto``: decoded when it decodes, else as written).
"""

import base64
import binascii
import ipaddress
import socket
import struct

# Linux option numbers (include/uapi/linux/tcp.h, in.h, in6.h)
TCP_MD5SIG = 14
TCP_MD5SIG_EXT = 32
TCP_MD5SIG_FLAG_PREFIX = 1
IP_MINTTL = 21
IPV6_MINHOPCOUNT = 73

BACKLOG = 64
_SOCKADDR_STORAGE = 128


def md5_key(neighbor) -> bytes:
    password = neighbor.md5_password
    if neighbor.md5_base64:
        try:
            return base64.b64decode(password, validate=True)
        except (binascii.Error, ValueError):
            if neighbor.md5_base64 is True:
                raise ValueError("invalid base64 encoding of MD5 password") from None
    return password.encode("utf-8")


def _md5sig(network, key: bytes, prefix: bool) -> bytes:
    """`struct tcp_md5sig` for the peer `network` (an address when not `prefix`)."""
    address = network.network_address
    if address.version == 4:
        sockaddr = struct.pack("=HH4s", socket.AF_INET, 0, address.packed)
    else:
        sockaddr = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, address.packed, 0)
    flags = TCP_MD5SIG_FLAG_PREFIX if prefix else 0
    return sockaddr.ljust(_SOCKADDR_STORAGE, b"\0") + struct.pack(
        "=BBHi80s", flags, network.prefixlen if prefix else 0, len(key), 0, key
    )


def set_md5(sock, neighbor, family: int) -> None:
    """Install the neighbor's MD5 key for its address (or prefix) on `sock`."""
    if neighbor.md5_password is None:
        return
    network = ipaddress.ip_network(neighbor.peer_address, strict=False)
    if (network.version == 4) != (family == socket.AF_INET):
        return
    prefix = network.prefixlen != network.max_prefixlen
    sock.setsockopt(
        socket.IPPROTO_TCP, TCP_MD5SIG_EXT if prefix else TCP_MD5SIG, _md5sig(network, md5_key(neighbor), prefix)
    )


def set_minimum_ttl(sock, ttl, family: int) -> None:
    if ttl is None:
        return
    if family == socket.AF_INET:
        sock.setsockopt(socket.IPPROTO_IP, IP_MINTTL, ttl)
    else:
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_MINHOPCOUNT, ttl)


def _family(address: str) -> int:
    return socket.AF_INET if ipaddress.ip_address(address).version == 4 else socket.AF_INET6


def outgoing(neighbor) -> socket.socket:
    family = _family(neighbor.peer_address)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        if neighbor.outgoing_ttl is not None:
            if family == socket.AF_INET:
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, neighbor.outgoing_ttl)
            else:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, neighbor.outgoing_ttl)
        set_minimum_ttl(sock, neighbor.incoming_ttl, family)
        set_md5(sock, neighbor, family)
        if neighbor.source_interface:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, neighbor.source_interface.encode())
        if neighbor.local_address:
            sock.bind((neighbor.local_address, 0))
    except BaseException:
        sock.close()
        raise
    return sock


def listening(address: str, port: int, neighbors) -> socket.socket:
    """A listening socket on `address`:`port` for `neighbors` (their MD5 keys and minimum TTL)."""
    family = _family(address)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        ttls = [n.incoming_ttl for n in neighbors if n.incoming_ttl is not None]
        if ttls:
            set_minimum_ttl(sock, min(ttls), family)
        for neighbor in neighbors:
            set_md5(sock, neighbor, family)
        sock.bind((address, port))
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock
