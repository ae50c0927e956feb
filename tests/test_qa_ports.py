"""`qa.ports.free_port`: free ports outside the kernel's ephemeral range (issue 10, finding 9).

A port in the ephemeral range can be the source port of a test's own
connection to it: before the daemon listens, that connection meets itself
(TCP simultaneous open) and succeeds, which made
``test_a_second_connection_of_an_established_peer_gets_6_7`` flaky.
"""

import socket

import pytest

from qa import ports


def test_the_ephemeral_range_is_the_kernels():
    first, last = ports.ephemeral_range()
    try:
        with open(ports.EPHEMERAL, encoding="ascii") as handle:
            assert (first, last) == tuple(int(field) for field in handle.read().split())
    except OSError:
        assert (first, last) == (32768, 65535)
    assert 0 < first <= last <= 65535


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1"])
def test_free_ports_are_outside_the_ephemeral_range_and_free(address):
    if ":" in address and not socket.has_ipv6:
        pytest.skip("no IPv6 on this system")
    first, last = ports.ephemeral_range()
    given = [ports.free_port(address) for _ in range(50)]
    assert len(set(given)) == len(given), "a port was given twice"
    assert not [port for port in given if first <= port <= last or port < 1024]
    for port in given[:5]:
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
            sock.bind((address, port))
            sock.listen(1)


def test_a_port_in_the_ephemeral_range_can_connect_to_itself():
    """The failure `free_port` avoids: a socket whose source port is the port it connects to, with nobody
    listening there, is connected (to itself); the kernel only picks such source ports from the ephemeral
    range, where `free_port` never takes its ports."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        first, last = ports.ephemeral_range()
        assert first <= port <= last  # bind(port 0) draws from the ephemeral range
        sock.settimeout(5)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"echo")
        assert sock.recv(4) == b"echo"


def test_candidates_fall_back_below_10000_when_the_range_covers_the_rest(monkeypatch):
    monkeypatch.setattr(ports, "ephemeral_range", lambda: (9000, 65535))
    assert ports.candidates() == list(range(1024, 9000))
    monkeypatch.setattr(ports, "ephemeral_range", lambda: (10000, 60999))
    assert ports.candidates() == list(range(61000, 65536))
