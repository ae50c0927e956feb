"""The mapping of a configured neighbor and the environment onto session settings, ports and sockets."""

import ipaddress
import socket
import struct

import pytest

from exabgp.config import environment
from exabgp.config import session as config_session
from exabgp.config.neighbor import parse
from exabgp.reactor.settings import connect_port, listen_endpoints, passive
from exabgp.reactor import sockets
from exabgp.reactor.peer import next_backoff, payload_text


def neighbor(body: str, address: str = "127.0.0.1"):
    text = (
        f"neighbor {address} {{\n router-id 10.0.0.1;\n local-address 127.0.0.2;\n local-as 65001;\n"
        f" peer-as 65002;\n{body}\n}}\n"
    )
    return parse(text, "test.conf", full=True).neighbors[0]


ENV = environment.load({})


def test_backoff_is_the_5_0_sequence():
    delays, delay = [], 0
    for _ in range(20):
        delays.append(delay)
        delay = next_backoff(delay)
    assert delays == [0, 1, 2, 3, 4, 5, 7, 9, 11, 14, 17, 21, 26, 32, 39, 47, 57, 60, 60, 60]


def test_defaults():
    settings = config_session.session_settings(neighbor("family { ipv4 unicast; }"), ENV, "1.2.3")
    assert (settings.local_as, settings.peer_as, settings.router_id) == (65001, 65002, "10.0.0.1")
    assert settings.hold_time == 180
    assert settings.local_address == "127.0.0.2" and settings.peer_address == "127.0.0.1"
    assert settings.families == ((1, 1),)
    assert settings.asn4 and settings.extended_message
    assert not settings.route_refresh and not settings.enhanced_route_refresh
    assert settings.graceful_restart is None and settings.add_path == () and settings.nexthop == ()
    assert settings.software_version is None and settings.host_name is None
    assert not settings.passive and settings.open_wait == 60


def test_capabilities():
    configured = neighbor("""
 hold-time 90;
 host-name router1;
 family { ipv4 unicast; ipv6 unicast; ipv4 mpls-vpn; ipv4 flow; }
 capability { route-refresh; graceful-restart; add-path send/receive; software-version enable; nexthop; }
 nexthop { ipv4 unicast ipv6; ipv6 unicast ipv4; }
""")
    settings = config_session.session_settings(configured, ENV, "9.9")
    assert settings.route_refresh and settings.enhanced_route_refresh  # 5.0 announces both
    assert settings.graceful_restart == 90  # bare graceful-restart: the hold time
    # 5.0's ADD-PATH families, in its order, among those configured (flow is not one)
    assert settings.add_path == ((1, 1, 3), (2, 1, 3), (1, 128, 3))
    assert settings.nexthop == ((1, 1, 2),)  # only the entries 5.0 offers
    assert settings.software_version == "ExaBGP/9.9"
    assert settings.host_name == "router1"


def test_nexthop_entry_needs_both_families():
    """ExaBGP 5.0.15 offers an extended next hop only when the next hop's family is configured too.

    Recorded with `qa.differential.helper`: 5.0.15 given ``nexthop { ipv4 unicast ipv6; }`` without
    ``ipv6 unicast`` negotiates no extended next hop (``"nexthop": []``) with a peer that offers it.
    """
    block = " nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }\n capability { nexthop enable; }"
    without = neighbor(" family { ipv4 unicast; ipv4 mpls-vpn; ipv4 flow; }\n" + block)
    assert config_session.session_settings(without, ENV, "1").nexthop == ()
    vpn_only = neighbor(" family { ipv4 unicast; ipv4 mpls-vpn; ipv6 mpls-vpn; }\n" + block)
    assert config_session.session_settings(vpn_only, ENV, "1").nexthop == ((1, 128, 2),)


def test_add_path_block_restricts_and_time_is_kept():
    configured = neighbor("""
 family { ipv4 unicast; ipv6 unicast; }
 add-path { ipv6 unicast; }
 capability { add-path send; graceful-restart 300; }
""")
    settings = config_session.session_settings(configured, ENV, "1")
    assert settings.add_path == ((2, 1, 2),)
    assert settings.graceful_restart == 300


def test_extended_next_hop_needs_both_families_configured():
    """5.0.15 offers an RFC 8950 entry only when its family and its next hop's family are configured
    (``exabgp decode -c`` of a VPNv4 route with an IPv6 next hop: `invalid payload` without ``ipv6
    mpls-vpn``, decoded with it; tests/test_cli_decode.py holds the recorded outputs)."""
    block = " nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }"
    without = neighbor("family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; }\n" + block)
    assert config_session.session_settings(without, ENV, "1").nexthop == ((1, 1, 2),)
    both = neighbor("family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; ipv6 mpls-vpn; }\n" + block)
    assert config_session.session_settings(both, ENV, "1").nexthop == ((1, 1, 2), (1, 128, 2))
    disabled = neighbor("family { ipv4 unicast; ipv6 unicast; }\n capability { nexthop disable; }\n" + block)
    assert config_session.session_settings(disabled, ENV, "1").nexthop == ()


def test_software_version_is_cut_at_64_octets():
    text = config_session.software_version("x" * 100)
    assert len(text) == 64 and text.startswith("ExaBGP/xxx") and text.endswith("...")


def test_passive_and_openwait_from_the_environment():
    env = environment.load({"exabgp.bgp.passive": "true", "exabgp_bgp_openwait": "5"})
    configured = neighbor("family { ipv4 unicast; }")
    settings = config_session.session_settings(configured, env, "1")
    assert settings.passive and settings.open_wait == 5
    assert passive(configured, env) and not passive(configured, ENV)


def test_connect_port_order():
    plain = neighbor("family { ipv4 unicast; }")
    assert connect_port(plain, {}) == 179
    assert connect_port(plain, {"exabgp_tcp_port": "1790"}) == 1790
    assert connect_port(plain, {"exabgp.tcp.port": "1791", "exabgp_tcp_port": "1790"}) == 1791
    assert connect_port(neighbor("connect 1800; family { ipv4 unicast; }"), {"exabgp_tcp_port": "1790"}) == 1800


def test_listen_endpoints():
    configuration = parse(
        """
neighbor 127.0.0.1 { router-id 1.1.1.1; local-address 127.0.0.2; local-as 1; peer-as 2; listen 1790; }
neighbor 127.0.0.3 { router-id 1.1.1.1; local-address 127.0.0.2; local-as 1; peer-as 2; listen 1790; }
neighbor 127.0.0.4 { router-id 1.1.1.1; local-address 127.0.0.2; local-as 1; peer-as 2; md5-ip 127.0.0.9; listen 1791; }
""",
        "t.conf",
        full=True,
    )
    assert listen_endpoints(configuration, ENV) == [("127.0.0.2", 1790), ("127.0.0.9", 1791)]
    env = environment.load({"exabgp.tcp.bind": "127.0.0.1 ::1", "exabgp.tcp.port": "1800"})
    assert listen_endpoints(configuration, env)[:2] == [("127.0.0.1", 1800), ("::1", 1800)]


def test_md5_key_and_structure():
    assert sockets.md5_key(neighbor('md5-password "secret"; family { ipv4 unicast; }')) == b"secret"
    encoded = neighbor('md5-password "c2VjcmV0"; md5-base64 true; family { ipv4 unicast; }')
    assert sockets.md5_key(encoded) == b"secret"
    auto = neighbor('md5-password "not base64!"; md5-base64 auto; family { ipv4 unicast; }')
    assert sockets.md5_key(auto) == b"not base64!"
    packed = sockets._md5sig(ipaddress.ip_network("192.0.2.0/24"), b"key", True)
    assert len(packed) == 128 + 8 + 80
    assert struct.unpack_from("=HH4s", packed) == (socket.AF_INET, 0, bytes([192, 0, 2, 0]))
    assert struct.unpack_from("=BBHi", packed, 128) == (sockets.TCP_MD5SIG_FLAG_PREFIX, 24, 3, 0)
    assert packed[136:139] == b"key"


@pytest.mark.parametrize("data, text", [(b"", ""), (b"\xff\x01", "FF01"), (b"\x00\x13\x04", "0013 04")])
def test_payload_text(data, text):
    assert payload_text(data) == text
