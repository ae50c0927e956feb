"""The checking BGP peer of the functional tests.

A test states the messages a daemon must send, one rule a line in a `.msg`
file (the format of ExaBGP's encoding tests, qa/README.md):

    option:asn:65000                        how the peer behaves
    1:raw:FFFF...FFFF:0017:02:00000000      an expected message, in hex
    2:signal:SIGUSR1                        an action: signal the daemon
    B3:notification:going down              an action: send a Cease and close

The step before the first colon is `N` or `<letter>N` (no letter means A).
Rules sharing a step form a group whose messages may arrive in any order;
groups are consumed in (letter, N) order, N compared as a number.  The
letters stand for successive TCP sessions; the sequence of groups runs
across them.  Blank lines and lines holding a `#` are ignored.  Raw hex may
contain colons and spaces; when it does not start with the 16-octet marker
it is compared with the message minus its marker.

Three parts, the first two without any I/O:

- `parse_script(text)` returns a `Script`: the `Options` and the ordered
  groups of `Rule`s.  Malformed lines raise `ScriptError`.
- `Checker` is the matching state machine.  `receive(message)` classifies
  every message the daemon sends: KEEPALIVEs are ignored, a message equal to
  one of the current group's rules consumes it (the next group is then
  loaded and its signal/notification rules queued for `take_actions()`),
  once nothing is expected an End-of-RIB UPDATE (RFC 4724 section 2) is
  tolerated, and anything else raises `Mismatch`, which renders the diff.
- `Peer` is the TCP side (asyncio).  It listens on 127.0.0.1 (or ::1 with
  `option:bind:ipv6`), answers each OPEN of the daemon with a mirror of it
  (RFC 4271 section 4.2: same version, hold time and optional parameters;
  BGP Identifier + 1; with `option:asn` the My Autonomous System field and
  the 4-octet AS capability of RFC 6793 carry that ASN), then a KEEPALIVE;
  it answers every other message with a KEEPALIVE, replays the UPDATEs seen
  so far on a ROUTE-REFRESH (RFC 2918), signals the daemon for `signal`
  rules and sends a Cease / Administrative Shutdown NOTIFICATION with an
  RFC 9003 shutdown communication for `notification` rules, then closes.
  Once every rule is consumed it keeps reading for `linger` seconds
  (End-of-RIBs and KEEPALIVEs only) and the test passes.  The result is the
  `Outcome` in `Peer.outcome`.

`python -m qa.peer FILE.msg --port PORT [--pid PID]` runs the peer alone,
for a daemon started by hand.
"""

import argparse
import asyncio
import dataclasses
import difflib
import os
import re
import signal
import struct
import sys
from collections import deque

MARKER = b"\xff" * 16
HEADER_LENGTH = 19
MAXIMUM_LENGTH = 65535  # RFC 8654 extended messages

# RFC 4271 4.1 message types, RFC 2918 ROUTE-REFRESH
OPEN = 1
UPDATE = 2
NOTIFICATION = 3
KEEPALIVE = 4
ROUTE_REFRESH = 5
MESSAGE_NAMES = {
    OPEN: "OPEN",
    UPDATE: "UPDATE",
    NOTIFICATION: "NOTIFICATION",
    KEEPALIVE: "KEEPALIVE",
    ROUTE_REFRESH: "ROUTE-REFRESH",
}
UNKNOWN_MESSAGE_TYPE = 255  # option:open:send-unknown-message

CAPABILITIES_PARAMETER = 2  # RFC 5492
EXTENDED_PARAMETERS = 255  # RFC 9072: non-extended length and type both 255
FOUR_OCTET_AS = 65  # RFC 6793
AS_TRANS = 23456
UNKNOWN_CAPABILITY = 66  # option:open:send-unknown-capability: an IANA code no daemon implements
UNKNOWN_CAPABILITY_VALUE = b"unknown capability"

CEASE = 6  # RFC 4486
ADMINISTRATIVE_SHUTDOWN = 2
MP_UNREACH_NLRI = 15  # RFC 4760
EXTENDED_LENGTH_FLAG = 0x10

RULE_KINDS = ("raw", "signal", "notification")
IGNORED_KINDS = ("cmd", "json", "jsv4", "jsv6")  # ExaBGP main's merged format: for other tools
STEP = re.compile(r"([A-Za-z]?)([0-9]+)")


def message(kind, body=b""):
    """A whole BGP message: marker, length, type, body (RFC 4271 4.1)."""
    return MARKER + struct.pack("!HB", HEADER_LENGTH + len(body), kind) + body


def default_route_update():
    """option:update:send-default-route: 0.0.0.0/32, ORIGIN IGP, empty AS_PATH, NEXT_HOP 127.0.0.1, LOCAL_PREF 100."""
    attributes = (
        bytes([0x40, 1, 1, 0])
        + bytes([0x40, 2, 0])
        + bytes([0x40, 3, 4, 127, 0, 0, 1])
        + bytes([0x40, 5, 4])
        + (100).to_bytes(4, "big")
    )
    return struct.pack("!HH", 0, len(attributes)) + attributes + bytes([32, 0, 0, 0, 0])


def is_end_of_rib(body):
    """RFC 4724 2: an empty UPDATE (IPv4 unicast) or one holding only an empty MP_UNREACH_NLRI."""
    if body == b"\x00\x00\x00\x00":
        return True
    if len(body) < 7 or body[:2] != b"\x00\x00" or int.from_bytes(body[2:4], "big") != len(body) - 4:
        return False
    flags, code = body[4], body[5]
    value = body[8:] if flags & EXTENDED_LENGTH_FLAG else body[7:]
    declared = int.from_bytes(body[6:8], "big") if flags & EXTENDED_LENGTH_FLAG else body[6]
    return code == MP_UNREACH_NLRI and declared == 3 and len(value) == 3


def signal_number(name):
    """SIGUSR1, USR1 or usr1 -> the signal; ScriptError when the platform has no such signal."""
    upper = name.strip().upper()
    full = upper if upper.startswith("SIG") else "SIG" + upper
    try:
        return signal.Signals[full]
    except KeyError:
        raise ScriptError(f"unknown signal {name!r}") from None


def shutdown_communication(text):
    """RFC 9003 2: one length octet then at most 255 octets of UTF-8."""
    data = text.encode("utf-8")[:255]
    return bytes([len(data)]) + data


def spaced(hexa):
    """Marker, length, type and body of a message in hex, separated by colons, for reading."""
    if hexa.startswith("F" * 32) and len(hexa) >= 38:
        return f"{hexa[:32]}:{hexa[32:36]}:{hexa[36:38]}:{hexa[38:]}"
    return hexa


# -- the .msg file ------------------------------------------------------------------------------


class ScriptError(ValueError):
    """A malformed line in a .msg file."""


@dataclasses.dataclass(frozen=True)
class Rule:
    letter: str  # the connection, "A" when the step has no letter
    number: int
    kind: str  # "raw", "signal" or "notification"
    value: str  # upper-case hex without separators for raw, else the signal name or the text
    line: int

    @property
    def step(self):
        return f"{self.letter}{self.number}"

    def matches(self, hexa):
        """Does the received message (upper-case hex) equal this raw rule?"""
        if self.kind != "raw":
            return False
        return hexa == self.value if self.value.startswith("F" * 32) else hexa[32:] == self.value


@dataclasses.dataclass
class Options:
    bind_ipv6: bool = False
    asn: int | None = None
    send_unknown_capability: bool = False
    inspect_open: bool = False
    send_unknown_message: bool = False
    send_default_route: bool = False
    tcp_connections: int | None = None


OPTION_FLAGS = {
    "bind:ipv6": "bind_ipv6",
    "open:send-unknown-capability": "send_unknown_capability",
    "open:inspect-open-message": "inspect_open",
    "open:send-unknown-message": "send_unknown_message",
    "update:send-default-route": "send_default_route",
}


@dataclasses.dataclass
class Script:
    options: Options
    groups: list  # of lists of Rule, in consumption order

    @property
    def connections(self):
        """exabgp_tcp_connections: option:tcp_connections, else the number of connection letters."""
        if self.options.tcp_connections is not None:
            return self.options.tcp_connections
        return len({group[0].letter for group in self.groups}) or 1


def parse_option(options, text, number):
    for name, attribute in OPTION_FLAGS.items():
        if text == name:
            setattr(options, attribute, True)
            return
    name, _, value = text.rpartition(":")
    if name in ("asn", "tcp_connections") and value.isdigit():
        count = int(value)
        if name == "asn" and not 0 < count < 2**32:
            raise ScriptError(f"line {number}: ASN out of range: {value}")
        setattr(options, name, count)
        return
    raise ScriptError(f"line {number}: unknown option {text!r}")


def parse_rule(line, number):
    """`STEP:KIND:VALUE` -> Rule, or None for the kinds other tools consume."""
    parts = line.split(":", 2)
    if len(parts) != 3:
        raise ScriptError(f"line {number}: expected STEP:KIND:VALUE, got {line!r}")
    step, kind, value = parts
    found = STEP.fullmatch(step.strip())
    if not found:
        raise ScriptError(f"line {number}: bad step {step!r} (N or letter + N)")
    kind = kind.strip()
    if kind in IGNORED_KINDS:
        return None
    if kind not in RULE_KINDS:
        raise ScriptError(f"line {number}: unknown rule kind {kind!r}")
    if kind == "raw":
        value = re.sub(r"[\s:]", "", value).upper()
        if not value or len(value) % 2 or not re.fullmatch(r"[0-9A-F]+", value):
            raise ScriptError(f"line {number}: raw message is not hexadecimal: {value!r}")
    elif kind == "signal":
        value = value.strip()
        signal_number(value)
    return Rule((found.group(1) or "A").upper(), int(found.group(2)), kind, value, number)


def parse_script(text):
    options = Options()
    rules = []
    for number, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip()
        if not line or "#" in line:
            continue
        if line.startswith("option:"):
            parse_option(options, line[len("option:") :], number)
            continue
        rule = parse_rule(line, number)
        if rule is not None:
            rules.append(rule)
    groups = {}
    for rule in rules:
        groups.setdefault((rule.letter, rule.number), []).append(rule)
    return Script(options, [groups[key] for key in sorted(groups)])


# -- matching -----------------------------------------------------------------------------------


class Mismatch(Exception):
    """The daemon sent a message no current rule expects."""

    def __init__(self, received, expected, step):
        self.received = received
        self.expected = expected  # the raw rules still waited for in the current group
        self.step = step
        super().__init__(self.summary())

    def summary(self):
        kind = MESSAGE_NAMES.get(self.received[18], f"type {self.received[18]}")
        if not self.expected:
            return f"received an extra {kind} after every expected message"
        return f"received an unexpected {kind} while waiting for group {self.step}"

    def report(self, decoded=None, headline=True):
        """The diff as text, after the summary when `headline`.

        `decoded` maps upper-case hex to a decoded form (from `exabgp decode`).
        """
        decoded = decoded or {}
        received = self.received.hex().upper()
        lines = [self.summary()] if headline else []
        lines.append(f"  received : {spaced(received)}")
        if received in decoded:
            lines.append(f"             {decoded[received]}")
        for rule in self.expected:
            lines.append(f"  expected : {spaced(rule.value)}   (.msg line {rule.line})")
            if rule.value in decoded:
                lines.append(f"             {decoded[rule.value]}")
        closest = max(self.expected, key=lambda rule: similarity(rule, received), default=None)
        if closest is not None:
            wanted = bytes.fromhex(comparable(closest, received))
            lines.append(f"  closest (.msg line {closest.line}), octets differing: {octet_diff(wanted, self.received)}")
        return "\n".join(lines)


def comparable(rule, received):
    """The rule's hex aligned with the received message (a rule without marker is compared with the marker)."""
    return rule.value if rule.value.startswith("F" * 32) else received[:32] + rule.value


def similarity(rule, received):
    """How alike the rule's message and the received one are (0 to 1), octet by octet."""
    matcher = difflib.SequenceMatcher(
        None, bytes.fromhex(comparable(rule, received)), bytes.fromhex(received), autojunk=False
    )
    return matcher.ratio()


def octet_diff(wanted, received, limit=8):
    """The regions where two messages differ: `@OFFSET -EXPECTED +RECEIVED` (hex; offsets in the expected one)."""
    matcher = difflib.SequenceMatcher(None, wanted, received, autojunk=False)
    changes = [
        f"@{first} -{wanted[first:last].hex().upper()} +{received[start:end].hex().upper()}"
        for tag, first, last, start, end in matcher.get_opcodes()
        if tag != "equal"
    ]
    if len(changes) > limit:
        changes[limit:] = [f"... {len(changes) - limit} more"]
    return " ".join(changes) or "identical"


class Checker:
    """Consumes the groups of a Script as the daemon's messages arrive."""

    def __init__(self, script):
        self._groups = deque(list(group) for group in script.groups)
        self.expected = []  # raw rules of the current group not yet received
        self.step = None
        self._actions = []  # signal / notification rules of loaded groups, not yet taken
        self.updates = []  # non End-of-RIB UPDATEs received, replayed on ROUTE-REFRESH
        self.matched = 0
        self._load()

    def _load(self):
        while not self.expected and self._groups:
            group = self._groups.popleft()
            self.step = group[0].step
            self._actions.extend(rule for rule in group if rule.kind != "raw")
            self.expected = [rule for rule in group if rule.kind == "raw"]

    @property
    def done(self):
        return not self.expected and not self._groups and not self._actions

    def take_actions(self):
        """The signal / notification rules reached, in order; the caller performs them."""
        actions, self._actions = self._actions, []
        return actions

    def defer(self, actions):
        """Put actions back, to be taken first next time (a notification when no session is open)."""
        self._actions[:0] = actions

    def receive(self, data):
        """Classify one whole message: "keepalive", "matched" or "end-of-rib"; raise Mismatch otherwise."""
        kind = data[18]
        if kind == KEEPALIVE:
            return "keepalive"
        hexa = data.hex().upper()
        for index, rule in enumerate(self.expected):
            if rule.matches(hexa):
                del self.expected[index]
                if kind == UPDATE and not is_end_of_rib(data[HEADER_LENGTH:]):
                    self.updates.append(data)
                self.matched += 1
                self._load()
                return "matched"
        if not self.expected and kind == UPDATE and is_end_of_rib(data[HEADER_LENGTH:]):
            return "end-of-rib"
        raise Mismatch(data, list(self.expected), self.step)


# -- OPEN mirroring -----------------------------------------------------------------------------


def split_parameters(data):
    """The optional parameters of an OPEN -> ([(type, value)], extended?) (RFC 4271 4.2, RFC 9072)."""
    if len(data) >= 4 and data[0] == EXTENDED_PARAMETERS and data[1] == EXTENDED_PARAMETERS:
        extended, length, body, header = True, int.from_bytes(data[2:4], "big"), data[4:], 3
    elif data:
        extended, length, body, header = False, data[0], data[1:], 2
    else:
        raise ValueError("OPEN without its optional parameters length")
    if len(body) != length:
        raise ValueError(f"optional parameters length {length} but {len(body)} octets follow")
    parameters = []
    while body:
        if len(body) < header:
            raise ValueError("truncated optional parameter")
        size = int.from_bytes(body[1:header], "big")
        if len(body) < header + size:
            raise ValueError("truncated optional parameter")
        parameters.append((body[0], body[header : header + size]))
        body = body[header + size :]
    return parameters, extended


def join_parameters(parameters, extended):
    header = 3 if extended else 2
    body = b"".join(bytes([kind]) + len(value).to_bytes(header - 1, "big") + value for kind, value in parameters)
    if not extended and len(body) <= 255 and all(len(value) <= 255 for _, value in parameters):
        return bytes([len(body)]) + body
    if not extended:
        return join_parameters(parameters, True)
    return bytes([EXTENDED_PARAMETERS, EXTENDED_PARAMETERS]) + len(body).to_bytes(2, "big") + body


def with_four_octet_as(capabilities, asn):
    """The capabilities (code, length, value)* with the 4-octet AS number replaced (RFC 5492, RFC 6793)."""
    result = b""
    while capabilities:
        if len(capabilities) < 2 or len(capabilities) < 2 + capabilities[1]:
            raise ValueError("truncated capability")
        code, size = capabilities[0], capabilities[1]
        value = capabilities[2 : 2 + size]
        if code == FOUR_OCTET_AS and size == 4:
            value = asn.to_bytes(4, "big")
        result += bytes([code, size]) + value
        capabilities = capabilities[2 + size :]
    return result


def mirror_open(body, options):
    """The peer's OPEN body answering the daemon's OPEN body (see the module docstring)."""
    if len(body) < 10:
        raise ValueError(f"OPEN body of {len(body)} octets")
    version, asn, hold_time, identifier = struct.unpack("!BHHI", body[:9])
    parameters, extended = split_parameters(body[9:])
    if options.asn is not None:
        asn = options.asn if options.asn < 65536 else AS_TRANS
        parameters = [
            (kind, with_four_octet_as(value, options.asn) if kind == CAPABILITIES_PARAMETER else value)
            for kind, value in parameters
        ]
    if options.send_unknown_capability:
        value = UNKNOWN_CAPABILITY_VALUE
        parameters.append((CAPABILITIES_PARAMETER, bytes([UNKNOWN_CAPABILITY, len(value)]) + value))
    identifier = (identifier + 1) % 2**32
    return struct.pack("!BHHI", version, asn, hold_time, identifier) + join_parameters(parameters, extended)


# -- the TCP side -------------------------------------------------------------------------------


class ProtocolError(Exception):
    """The daemon sent something that is not a BGP message."""


async def read_message(reader):
    header = await reader.readexactly(HEADER_LENGTH)
    if header[:16] != MARKER:
        raise ProtocolError(f"bad marker in header {header.hex().upper()}")
    length = int.from_bytes(header[16:18], "big")
    if length < HEADER_LENGTH:
        raise ProtocolError(f"bad length {length} in header {header.hex().upper()}")
    return header + await reader.readexactly(length - HEADER_LENGTH)


@dataclasses.dataclass
class Outcome:
    passed: bool
    reason: str
    mismatch: Mismatch | None = None


class Peer:
    def __init__(self, script, port, linger=0.5):
        self.script = script
        self.port = port
        self.linger = linger
        self.checker = Checker(script)
        self.daemon_pid = None  # set by whoever starts the daemon; the target of signal rules
        self.log = []
        self.connections = 0
        self.outcome = None  # an asyncio Future of Outcome, created by start()
        self._server = None
        self._lock = None
        self._writers = set()

    @property
    def host(self):
        return "::1" if self.script.options.bind_ipv6 else "127.0.0.1"

    async def start(self):
        """Listen (raises OSError when the port is taken)."""
        self.outcome = asyncio.get_running_loop().create_future()
        self._lock = asyncio.Lock()
        self._server = await asyncio.start_server(self._session, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # the one the system chose for port 0

    async def close(self):
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        if self._server is not None:
            await self._server.wait_closed()

    def _note(self, text):
        self.log.append(text)

    def _finish(self, passed, reason, mismatch=None):
        if not self.outcome.done():
            self._note(("PASS: " if passed else "FAIL: ") + reason)
            self.outcome.set_result(Outcome(passed, reason, mismatch))

    def _succeed(self):
        self._finish(True, f"all {self.checker.matched} expected messages received")

    async def _session(self, reader, writer):
        self._writers.add(writer)
        try:
            async with self._lock:
                if not self.outcome.done():
                    await self._converse(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            if self.checker.done:
                self._succeed()
            elif not self.outcome.done():
                self._note(
                    f"connection {self.connections} ended ({type(error).__name__}) while waiting for "
                    f"group {self.checker.step}"
                )
        except (ProtocolError, ValueError) as error:
            self._finish(False, f"connection {self.connections}: {error}")
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _converse(self, reader, writer):
        self.connections += 1
        self._note(f"connection {self.connections} from {writer.get_extra_info('peername')}")
        data = await read_message(reader)
        if data[18] != OPEN:
            self._finish(
                False, f"connection {self.connections}: the first message is not an OPEN: {spaced(data.hex().upper())}"
            )
            return
        self._note(f"OPEN received: {spaced(data.hex().upper())}")
        if self.script.options.inspect_open and not self._check(data):
            return
        writer.write(message(OPEN, mirror_open(data[HEADER_LENGTH:], self.script.options)) + message(KEEPALIVE))
        if self.script.options.send_unknown_message:
            writer.write(message(UNKNOWN_MESSAGE_TYPE))
        if self.script.options.send_default_route:
            writer.write(message(UPDATE, default_route_update()))
        await writer.drain()
        if not await self._act(writer):
            return
        while not self.outcome.done():
            if self.checker.done:
                try:
                    data = await asyncio.wait_for(read_message(reader), self.linger)
                except asyncio.TimeoutError:
                    self._succeed()
                    return
            else:
                data = await read_message(reader)
            if not self._check(data):
                return
            if data[18] != KEEPALIVE:
                writer.write(message(KEEPALIVE))
            if data[18] == ROUTE_REFRESH:
                self._note(f"ROUTE-REFRESH: replaying {len(self.checker.updates)} UPDATEs")
                writer.write(b"".join(self.checker.updates) + message(KEEPALIVE))
            await writer.drain()
            if not await self._act(writer):
                return

    def _check(self, data):
        """Give a message to the checker; False when the test failed on it."""
        try:
            verdict = self.checker.receive(data)
        except Mismatch as mismatch:
            self._finish(False, mismatch.summary(), mismatch)
            return False
        if verdict != "keepalive":
            self._note(f"{verdict}: {spaced(data.hex().upper())}")
        return True

    async def _act(self, writer):
        """Perform the actions reached; False when the session was closed by a notification rule."""
        closed = False
        deferred = []
        for rule in self.checker.take_actions():
            if rule.kind == "signal":
                if self.daemon_pid is None:
                    self._finish(False, f".msg line {rule.line}: no daemon process to send {rule.value} to")
                    return False
                self._note(f"sending {rule.value} to process {self.daemon_pid}")
                try:
                    os.kill(self.daemon_pid, signal_number(rule.value))
                except ProcessLookupError:
                    self._finish(
                        False, f".msg line {rule.line}: process {self.daemon_pid} is gone, cannot send {rule.value}"
                    )
                    return False
            elif closed:
                deferred.append(rule)
            else:
                self._note(f"sending NOTIFICATION Cease/Administrative Shutdown {rule.value!r} and closing")
                writer.write(
                    message(NOTIFICATION, bytes([CEASE, ADMINISTRATIVE_SHUTDOWN]) + shutdown_communication(rule.value))
                )
                await writer.drain()
                writer.close()
                closed = True
        self.checker.defer(deferred)
        if closed and self.checker.done:
            self._succeed()
        return not closed


async def serve(path, port, pid, timeout):
    with open(path, encoding="utf-8") as handle:
        script = parse_script(handle.read())
    peer = Peer(script, port)
    peer.daemon_pid = pid
    await peer.start()
    print(f"listening on [{peer.host}]:{port}, exabgp_tcp_connections={script.connections}", flush=True)
    try:
        outcome = await asyncio.wait_for(peer.outcome, timeout)
    except asyncio.TimeoutError:
        outcome = Outcome(False, f"timeout after {timeout}s waiting for group {peer.checker.step}")
    finally:
        await peer.close()
    print("\n".join(peer.log))
    print(outcome.mismatch.report() if outcome.mismatch else outcome.reason)
    return 0 if outcome.passed else 1


def main(arguments=None):
    parser = argparse.ArgumentParser(prog="python -m qa.peer", description="run the checking BGP peer alone")
    parser.add_argument("msg", help="the .msg file of the test")
    parser.add_argument("--port", type=int, default=1790)
    parser.add_argument("--pid", type=int, help="the daemon process, for signal rules")
    parser.add_argument("--timeout", type=float, default=60.0)
    options = parser.parse_args(arguments)
    return asyncio.run(serve(options.msg, options.port, options.pid, options.timeout))


if __name__ == "__main__":
    sys.exit(main())
