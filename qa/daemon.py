"""Our daemon as the tests run it: a real process on loopback, and a sans-IO BGP peer over a socket.

* `start(args, cwd=None, stdin=..., **settings)` runs ``python -m exabgp
  server ARGS`` (a path or a list of arguments) from the directory above the
  imported package (never the source tree, whose in-place build may differ
  from what is installed), with `environment(**settings)`: the process
  environment without any ``exabgp`` setting of its own, ``EXABGP_ENVFILE``
  on /dev/null, ``exabgp_daemon_user=root`` (tests that run as root keep
  their files readable), then the given settings (``exabgp_tcp_port=...``);
  `finish(process)` waits for it and returns ``(code, stdout, stderr)``;
* `start_oracle(program, path, **settings)` runs ExaBGP 5.0.15 (`program`,
  from `qa.oracle.require_oracle`) on the configuration at `path` with the
  same environment, minus ``PYTHONPATH`` (it imports its own package) and
  with ``exabgp_api_cli=false`` (no named pipes to find); ``exabgp_*``
  settings keep their 5.0 names;
* `logged(process)` is what a process started here has written to stderr so
  far (its log), read without waiting; `finish` returns it in front of the
  rest, so a test can wait for a log line and still read the whole log;
* `wait_until(predicate, timeout)` calls `predicate` until it returns
  something true (the one way the tests wait for a condition: a log line
  with `logged`, a peer's state...), and fails the test after `timeout`;
* `free_port(address)` is a port nobody listens on, outside the ephemeral
  range (`qa.ports`); `connect(port, source)`
  retries until the daemon listens;
* `Speaker(sock, settings)` is the test's side of a BGP session: an
  `exabgp.session.Session` driven over a blocking socket; `wait(predicate)`
  reads until the events received so far satisfy `predicate`.
"""

import asyncio
import os
import select
import socket
import subprocess
import sys
import time

import exabgp
from exabgp.session import Delivery, Session
from qa.ports import free_port  # noqa: F401 (the tests take it from here)

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def environment(**settings) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("exabgp.", "exabgp_", "EXABGP_ENVFILE", "EXABGP_ROOT"))
    }
    env.update(PYTHONPATH=PACKAGE_ROOT, EXABGP_ENVFILE=os.devnull, exabgp_daemon_user="root")
    env.update({key: str(value) for key, value in settings.items()})
    return env


def start(args, cwd=None, stdin=subprocess.DEVNULL, **settings) -> subprocess.Popen:
    """``python -m exabgp server ARGS`` (see the module docstring)."""
    args = [args] if isinstance(args, (str, os.PathLike)) else list(args)
    return subprocess.Popen(
        [sys.executable, "-m", "exabgp", "server", *[str(arg) for arg in args]],
        env=environment(**settings),
        cwd=cwd or PACKAGE_ROOT,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def run_client(root: str, name: str, *words) -> tuple:
    """``python -m exabgp cli WORDS`` against the pipes NAME under `root` (``EXABGP_ROOT``): exit code, stdout,
    stderr."""
    env = dict(os.environ, EXABGP_ROOT=root, exabgp_api_pipename=name)
    env.pop("EXABGP_ENVFILE", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "exabgp",
        "cli",
        *words,
        cwd=PACKAGE_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


def oracle_environment(**settings) -> dict:
    """The environment ExaBGP 5.0.15 runs in (see the module docstring)."""
    env = environment(exabgp_api_cli="false", **settings)
    del env["PYTHONPATH"]
    return env


def start_oracle(program: str, path, **settings) -> subprocess.Popen:
    """ExaBGP 5.0.15 on `path` (see the module docstring); its log goes to stderr as ours does."""
    env = oracle_environment(**settings)
    return subprocess.Popen(
        [program, str(path)],
        env=env,
        cwd=os.path.dirname(str(path)) or None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.2, what: str = "condition"):
    """Call `predicate` until it returns something true; that value, or AssertionError after `timeout`."""
    end = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
        except (subprocess.SubprocessError, OSError, ValueError, KeyError) as error:
            value, last = None, error
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f" ({last})" if last else ""))
        time.sleep(interval)


def logged(process) -> str:
    """What `process` (from `start` or `start_oracle`) wrote to stderr so far, read from the pipe without blocking.

    The octets read are kept on the process (``logged_octets``): `finish` puts them in front of what it reads."""
    seen = process.__dict__.setdefault("logged_octets", bytearray())
    descriptor = process.stderr.fileno()
    while select.select([descriptor], [], [], 0)[0]:
        chunk = os.read(descriptor, 65536)
        if not chunk:
            break
        seen += chunk
    return _before(process)


def finish(process, timeout: float = 10) -> tuple:
    """``(exit code, stdout, stderr)``; a daemon still running after `timeout` is killed and fails the test."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"the daemon did not exit:\n{_before(process)}{err}") from None
    return process.returncode, out, _before(process) + err


def _before(process) -> str:
    """The part of the stderr of `process` that `logged` read already."""
    return bytes(process.__dict__.get("logged_octets", b"")).decode(errors="replace")


def connect(port: int, source: str = "127.0.0.1", deadline: float = 10.0) -> socket.socket:
    """A connection to the daemon's listener on 127.0.0.1, retried while it is not listening yet."""
    end = time.monotonic() + deadline
    while True:
        sock = socket.socket()
        sock.bind((source, 0))
        try:
            sock.connect(("127.0.0.1", port))
            return sock
        except ConnectionRefusedError:
            sock.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


class Speaker:
    """A sans-IO `Session` driven over a blocking socket: the test's side of a BGP session.

    Every message is reported (`Delivery.MESSAGES`); with `Delivery.RECORDED` the UPDATEs received are
    recorded unchecked (a test that records what a daemon sends, RFC departures included)."""

    def __init__(self, sock, settings, delivery: Delivery = Delivery.MESSAGES):
        self.sock = sock
        self.session = Session(settings, delivery=delivery)
        self.events = []
        self.session.start(time.monotonic())
        self._flush()

    def _flush(self):
        data = self.session.data_to_send()
        if data:
            self.sock.sendall(data)

    def wait(self, predicate, timeout: float = 10.0):
        """Read until `predicate(events)` holds; the events seen so far."""
        end = time.monotonic() + timeout
        while not predicate(self.events):
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; events: {self.events}")
            if self.session.closed:
                raise AssertionError(f"session closed; events: {self.events}")
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                self.session.connection_lost(time.monotonic())
            else:
                self.session.receive_data(data, time.monotonic())
            while (event := self.session.next_event()) is not None:
                self.events.append(event)
            self._flush()
        return self.events

    def send_route_refresh(self, afi: int, safi: int):
        self.session.send_route_refresh(afi, safi)
        self._flush()
