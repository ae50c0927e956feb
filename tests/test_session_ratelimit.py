"""`RateLimiter`: the neighbor's rate-limit, N messages per one-second window, cut on whole messages."""

from exabgp._codec import frame_message, split_messages
from exabgp.session.ratelimit import RateLimiter

KEEPALIVE = frame_message(4, b"")
UPDATE = frame_message(2, bytes.fromhex("0000001540010100400200400304C00002014003040A000001") + b"\x18\x0a\x00\x01")


def test_a_window_allows_rate_messages_then_the_rest_waits():
    limiter = RateLimiter(3)
    burst = UPDATE * 5 + KEEPALIVE
    allowed = limiter.take(burst, 10.0)
    assert allowed == UPDATE * 3 and limiter.waiting and limiter.window_end == 11.0
    assert limiter.take(b"", 10.5) == b"" and limiter.waiting  # same window: nothing more
    assert limiter.take(b"", 11.0) == UPDATE * 2 + KEEPALIVE and not limiter.waiting


def test_partial_messages_wait_for_their_end_without_using_the_budget():
    limiter = RateLimiter(2)
    assert limiter.take(UPDATE[:10], 0.0) == b"" and not limiter.waiting
    assert limiter.take(UPDATE[10:] + KEEPALIVE[:5], 0.1) == UPDATE and not limiter.waiting
    assert limiter.take(KEEPALIVE[5:] + KEEPALIVE, 0.2) == KEEPALIVE and limiter.waiting
    assert split_messages(limiter.take(b"", 1.0), 4096)[0] == [(4, b"")]


def test_a_broken_header_goes_to_the_session_whole():
    limiter = RateLimiter(5)
    broken = b"\xff" * 16 + b"\x00\x05\x04" + b"rest"
    assert limiter.take(KEEPALIVE + broken, 0.0) == KEEPALIVE + broken
