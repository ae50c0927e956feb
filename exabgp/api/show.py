"""The text of ExaBGP 5.0's replies to API commands (docs/compatibility.md, "Answers"), from plain inputs.

`COMMANDS` is 5.0's table of command names: whether each takes neighbor
selectors and the options ``help`` lists.  The command grammar
(`exabgp.config.command`) reads lines with it; `help_lines` prints it.

The renderers take a `PeerStatus` (what the reactor knows about one peer:
addresses, ASNs, router ids, hold times, FSM state, how long it has been up
or down, capabilities and families on each side, message counters) and
return the lines 5.0 writes, without the final ``done`` (`summary_lines` as
a generator, a peer at a time):

* `summary_lines`: ``show neighbor summary``, a header then one line per peer
  (the counters are the UPDATE messages sent and received);
* `extensive_lines`: ``show neighbor extensive``, one block per peer, the
  columns Local / Remote, ``n/a`` for what the peer has not told yet (no
  OPEN received); the Add-Path column shows 5.0's text, which names the
  direction the other way round from the JSON (5.0 swaps send and receive
  there);
* `neighbor_json`: ``show neighbor ... json``, one line, a list with one
  object per peer (`as_dict`), in Python's default `json.dumps` spacing as 5.0;
  `neighbor_json_parts` gives it a peer at a time, for a long answer;
* `adj_rib_line` / `adj_rib_json`: one line per route of ``show adj-rib``
  (the route text itself, 5.0's route text, is given by the caller);
* `help_lines`, `version_line`, `USAGE` (``show neighbor`` with no option),
  and the progress texts of shutdown, reload and restart.

Durations print as Python's `timedelta` does (``0:00:05``, ``1 day,
2:03:04``), as in 5.0.
"""

import json
from datetime import timedelta

from exabgp.bgp.record import record

DONE = "done"
ERROR = "error"
IN_PROGRESS = {"shutdown": "shutdown in progress", "reload": "reload in progress", "restart": "restart in progress"}

#: command name -> (takes neighbor selectors, options listed by help)
COMMANDS = {
    "announce route": (True, ()),
    "withdraw route": (True, ()),
    "announce ipv4": (True, ()),
    "withdraw ipv4": (True, ()),
    "announce ipv6": (True, ()),
    "withdraw ipv6": (True, ()),
    "announce attribute": (True, ()),
    "announce attributes": (True, ()),
    "withdraw attribute": (True, ()),
    "withdraw attributes": (True, ()),
    "announce flow": (True, ()),
    "withdraw flow": (True, ()),
    "announce vpls": (True, ()),
    "withdraw vpls": (True, ()),
    "announce eor": (True, ()),
    "announce route-refresh": (True, ()),
    "announce operational": (True, ()),
    "announce watchdog": (True, ()),
    "withdraw watchdog": (True, ()),
    "teardown": (True, ()),
    "crash": (True, ()),
    "flush adj-rib out": (True, ()),
    "clear adj-rib": (True, ()),
    "show neighbor": (False, ("summary", "extensive", "configuration")),
    "show adj-rib in": (False, ("extensive",)),
    "show adj-rib out": (False, ("extensive",)),
    "shutdown": (False, ()),
    "reload": (False, ()),
    "restart": (False, ()),
    "version": (False, ()),
    "help": (False, ()),
    "enable-ack": (False, ()),
    "disable-ack": (False, ()),
    "silence-ack": (False, ()),
    "reset": (False, ()),
    "#": (False, ()),
    "dump mrt": (False, ()),
}
#: the commands of `COMMANDS` that 5.0 does not have: ``help`` prints 5.0.15's text, without them
ADDITIONS = frozenset(("dump mrt",))

#: the capabilities of `PeerStatus.capabilities`, in 5.0's order
CAPABILITIES = (
    "asn4",
    "route-refresh",
    "multi-session",
    "operational",
    "add-path",
    "extended-message",
    "graceful-restart",
)

#: the message kinds of `PeerStatus.messages`, in 5.0's order (a total follows)
MESSAGES = ("open", "notification", "keepalive", "update", "refresh")

USAGE = (
    "please specify summary, extensive or configuration",
    "you can filter by peer ip address adding it after the word neighbor",
)

SUMMARY_HEADER = "Peer            AS        up/down state       |     #sent     #recvd"


@record(slots=True)
class PeerStatus:
    """What ``show neighbor`` tells about one peer.

    `capabilities`: ``(name, local, peer)`` for each name of `CAPABILITIES`;
    `families`: ``(afi_safi_text, local, peer, send, receive)`` for each
    configured family (``"ipv4 unicast"``; `send` / `receive`: ADD-PATH);
    `messages`: ``(kind, sent, received)`` for each kind of `MESSAGES`.  A
    peer value is None until the peer's OPEN says it; an ASN is None for
    ``auto``.
    """

    peer_address: str
    local_address: str | None
    local_as: int
    peer_as: int
    local_id: str
    peer_id: str | None = None
    local_hold: int = 180
    peer_hold: int | None = None
    state: str = "IDLE"  # FSM state name: IDLE ACTIVE CONNECT OPENSENT OPENCONFIRM ESTABLISHED
    up: int = 0  # seconds since established; 0: not established
    down: int = 0  # seconds since the peer was created or last reset
    capabilities: tuple = ()
    families: tuple = ()
    messages: tuple = ()

    def counters(self) -> list:
        """``(kind, sent, received)`` for each message kind, then the total."""
        rows = list(self.messages)
        rows.append(("total", sum(row[1] for row in rows), sum(row[2] for row in rows)))
        return rows


def _text(value) -> str:
    return "n/a" if value is None else str(value)


def _asn(value) -> str:
    return "auto" if value is None else str(value)


def _enabled(value) -> str:
    return "n/a" if value is None else "enabled" if value else "disabled"


def _add_path(send, receive) -> str:
    if send and receive:
        return "send/receive"
    if send:
        return "send"
    return "receive" if receive else "disabled"


def _row(label: str, local, remote="", extra="") -> str:
    return f"   {label:<20} {local:>15} {remote:>15} {extra:<15}"


def summary_lines(statuses):
    """``show neighbor summary``: the header, then one line per peer (yielded as `statuses` gives them)."""
    yield SUMMARY_HEADER
    for status in statuses:
        updates = next(((sent, received) for kind, sent, received in status.messages if kind == "update"), (0, 0))
        duration = str(timedelta(seconds=status.up)) if status.up else "down"
        yield (
            f"{status.peer_address:<15} {_asn(status.peer_as):<7} {duration:>9} "
            f"{status.state.lower():<12} {updates[0]:>10} {updates[1]:>10}"
        )


def extensive_lines(status: PeerStatus) -> list:
    """``show neighbor extensive`` for one peer (ends with an empty line, as 5.0)."""
    if status.up:
        duration = _row("up for", str(timedelta(seconds=status.up)))
    else:
        duration = _row("down for", str(timedelta(seconds=status.down)))
    return [
        f"Neighbor {status.peer_address}",
        "",
        "    Session                       Local",
        _row("local", str(status.local_address)),
        _row("state", status.state),
        duration,
        "",
        "    Setup                         Local          Remote",
        _row("AS", _asn(status.local_as), _asn(status.peer_as)),
        _row("ID", status.local_id, _text(status.peer_id)),
        _row("hold-time", str(status.local_hold), _text(status.peer_hold)),
        "",
        "    Capability                    Local          Remote",
        *(_row(f"{name}:", _enabled(local), _enabled(peer)) for name, local, peer in status.capabilities),
        "",
        "    Families                      Local          Remote        Add-Path",
        # 5.0 prints the add-path direction swapped here (receive where the JSON says send)
        *(
            _row(f"{name}:", _enabled(local), _enabled(peer), _add_path(receive, send))
            for name, local, peer, send, receive in status.families
        ),
        "",
        "    Message Statistic              Sent        Received",
        *(_row(f"{kind}:", str(sent), str(received)) for kind, sent, received in status.counters()),
        "",
    ]


def as_dict(status: PeerStatus) -> dict:
    """One peer in ``show neighbor json`` (also in ``show adj-rib ... extensive`` JSON)."""
    local: dict = {"capabilities": {}, "families": {}, "add-path": {}}
    peer: dict = {"capabilities": {}, "families": {}, "add-path": {}}
    found: dict = {
        "state": "up" if status.up else "down",
        "duration": status.up if status.up else status.down,
        "fsm": status.state,
        "local": local,
        "peer": peer,
        "messages": {"sent": {}, "received": {}},
        "capabilities": [],
        "families": [],
        "add-path": {},
    }
    for name, local_on, peer_on, send, receive in status.families:
        local["families"][name] = local_on
        peer["families"][name] = peer_on
        local["add-path"][name] = send
        peer["add-path"][name] = receive
        if local_on and peer_on:
            found["families"].append(name)
        found["add-path"][name] = _add_path(send, receive)
    for name, local_on, peer_on in status.capabilities:
        local["capabilities"][name] = local_on
        peer["capabilities"][name] = peer_on
        if peer_on:  # 5.0 only looks at the peer side here
            found["capabilities"].append(name)
    for kind, sent, received in status.counters():
        found["messages"]["sent"][kind] = sent
        found["messages"]["received"][kind] = received
    local.update(
        {"address": status.local_address, "as": status.local_as, "id": status.local_id, "hold": status.local_hold}
    )
    peer.update({"address": status.peer_address, "as": status.peer_as, "id": status.peer_id, "hold": status.peer_hold})
    return found


def neighbor_json(statuses) -> str:
    """``show neighbor ... json``: one line."""
    return "".join(neighbor_json_parts(statuses))


def neighbor_json_parts(statuses):
    """`neighbor_json` in parts, a peer at a time (`json.dumps` of the list writes the same characters)."""
    yield "["
    separator = ""
    for status in statuses:
        yield separator + json.dumps(as_dict(status))
        separator = ", "
    yield "]"


def adj_rib_line(peer: str, family: str, route: str) -> str:
    """One route of ``show adj-rib``: `peer` is the address, or the peer name with ``extensive``."""
    return f"{peer} {family} {route}"


def adj_rib_json(address: str, prefix: str, family: str, status: PeerStatus | None = None) -> str:
    """One route of ``show adj-rib ... json`` (5.0's v1 format); `status` given with ``extensive``."""
    entry = {"routes": [{"prefix": prefix, "family": family}]}
    if status is not None:
        entry.update(as_dict(status))
    return json.dumps({address: entry})


def help_lines() -> list:
    """The text of ``help`` (5.0 sorts the command lines)."""
    commands = []
    for name, (scoped, options) in COMMANDS.items():
        if name in ADDITIONS:
            continue
        if scoped:
            commands.append(f"[neighbor <ip> [filters]] {name}")
        elif options:
            commands.append(f"{name} [ {' | '.join(options)} ] ")
        else:
            commands.append(f"{name} ")
    return [
        "",
        "available API commands are listed here:",
        "=======================================",
        "",
        "filter can be: [local-ip <ip>][local-as <asn>][peer-as <asn>][router-id <router-id>]",
        "",
        "command are:",
        "------------",
        "",
        *sorted(commands),
        "",
    ]


def version_line(version: str) -> str:
    return f"exabgp {version}"
