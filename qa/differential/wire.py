"""The wire comparison: the same configuration and helper commands fed to ExaBGP 5.0.15 and to our daemon.

Each daemon runs one neighbor, 127.0.0.1, whose session goes to a
`qa.recorder.Recorder` of its own (the OPEN mirrored, every message recorded);
its helper is `wire_helper.py`, a real process reading the scenario's
command list and paced by this harness over a loopback control connection.
The UPDATEs each daemon sends are then compared, in order.

How the comparison is made deterministic.  5.0.15 applies the commands it
reads in one reactor turn (one read of the helper's pipe, at most 50 steps
of its command queue, about 25 commands) and its peer sends their changes
as one batch in its next turn; commands read later go into the next batch,
so what it sends depends on the timing: the same commands split over two
turns give other UPDATEs (an announce and a withdraw of one prefix cancel
each other in a batch, and a session's first batch sends no withdrawal);
an ``announce eor`` waits until the UPDATEs of its batch are out, and then
the changes of a later batch go first; ``teardown`` is answered as soon as
it is read, the route commands once applied.  Here the timing is fixed:

* a scenario is a list of groups of commands; the helper writes a group in
  ONE write (atomic on a pipe), so each daemon reads and applies it at once,
  and a group is a batch;
* every group ends with a marker, ``announce eor`` of a family no scenario
  uses (`MARKER_FAMILY`): both daemons send an End-of-RIB after the UPDATEs
  of the batch it closes, so the recorder knows when the daemon is done
  with the group; the helper waits for each command's ``done`` / ``error``
  (``api.ack``, compared too), and the next group is given only once the
  marker is recorded;
* a group ``down`` (`DOWN`) has the recorder reset the session, if one is
  up, and hold the daemon's next connection in OpenSent (its OPEN is not
  answered: the daemon has then ended the session before, and so dropped
  what 5.0.15 drops then); the groups up to a group ``up`` (`UP`) are
  applied while the session is down (acks only, no marker: nothing is
  sent), and ``up`` answers the OPEN; a scenario starting with ``down``
  runs its first groups before the first session;
* a group ``reload`` or ``reload-changed`` (`RELOAD`, `RELOAD_CHANGED`; its
  other lines are the static routes of the new configuration, and
  ``reload-changed`` lowers the hold time, so the neighbor's session
  settings change) rewrites the configuration and sends SIGUSR1; the harness
  waits for the daemon's log to say the reload is applied, then, when the
  session is kept, has the helper write the marker twice (5.0.15's peer
  takes a reload's routes at the top of its loop, which a first command may
  find it past), and when it changes waits for the session to end and for
  the next one's initial dump; while the session is down nothing is sent;
* before the first group (unless it is ``down``), after a session reset
  (the recorder sends a Cease, group `RESET`), a ``teardown`` command or an
  ``up``, the harness waits for the new session's End-of-RIBs (one per
  configured family, and those the ``announce eor`` of a teardown's group
  asked for: the session ended before they left, both daemons send them in
  the next one): the initial dump is done and the session is quiet.

The messages compared are everything a daemon sends after its OPEN,
KEEPALIVEs and markers left out: UPDATEs and End-of-RIBs, NOTIFICATIONs.
They are compared chunk by chunk (a session's initial dump, then each
group's output) so that a difference is shown where it happened, decoded
with our ``exabgp decode``.  A difference `qa.differential.known` explains
(area ``wire``; the case is the `Chunk`) is counted as known, any other is a
divergence.

    python -m qa.differential.wire --seed N --count N [--scenario NAME] [--jobs N] [-v]

runs the hand-written scenarios (`HANDWRITTEN`; ``--scenario NAME`` picks
one, ``--scenario random`` none) and `count` random ones from `seed`
(``random-SEED-INDEX``, replayed by the same seed and count), and prints
the counts.  The exit code is 0 when no divergence was found.
"""

import argparse
import asyncio
import dataclasses
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile

from qa import oracle
from qa.daemon import environment
from qa.differential import known
from qa.peer import KEEPALIVE, NOTIFICATION, OPEN, Options, is_end_of_rib, message
from qa.recorder import Recorder

HELPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire_helper.py")
#: the family of the marker End-of-RIB closing each group: one no scenario configures or announces
MARKER_FAMILY = "l2vpn evpn"
MARKER = f"announce eor {MARKER_FAMILY}"
#: a group that is this one word: the recorder resets the session (Cease / Administrative Reset)
RESET = "reset"
#: a group that is this one word: the recorder resets the session if one is up and holds the daemon's next
#: connection in OpenSent (its OPEN not answered); once that OPEN is in, the groups that follow are applied while the
#: session is down, until a group UP; a scenario starting with it starts so (no earlier connection)
DOWN = "down"
#: a group that is this one word: the recorder answers the held OPEN; the harness waits for the session's initial dump
UP = "up"
#: a group starting with one of these words reloads the daemon's configuration (SIGUSR1), the rest of the group
#: being the static route lines of the new configuration: RELOAD keeps the neighbor's session settings (a delta of
#: routes on the running session), RELOAD_CHANGED changes its hold time too (the session ends and comes back)
RELOAD = "reload"
RELOAD_CHANGED = "reload-changed"
#: the groups that are these words, not commands
CONTROL = ((RESET,), (DOWN,), (UP,))
#: what both daemons log once a reload is applied
RELOADED = b"loaded new configuration successfully"
LOCAL_ADDRESS = "127.0.0.1"
#: how long a daemon may take to start and bring its session up, and to answer one group
START_TIMEOUT = 30.0
GROUP_TIMEOUT = 10.0


# -- scenarios ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Family:
    """How a scenario announces routes of one family: the route after ``announce``/``withdraw``."""

    name: str  # as in ``family { ... }`` and ``announce eor``
    # with {i}: a number telling routes apart, {path}: the add-path part, {v}: the variant (else appended)
    route: str
    add_path: bool = False  # 5.0.15 negotiates ADD-PATH for it
    variants: tuple = (
        "",
        "med 100",
        "med 200 community [ 65000:1 ]",
        "local-preference 50 as-path [ 65010 4200000001 ]",
    )
    attributes: str = ""  # the ``announce attributes ... nlri`` form: its NLRI with {i}, or none
    # the flat ``ipv4|ipv6 <safi> ...`` form 5.0.15 misreads (`qa.differential.known`, "flat-vpn-forms"), on NLRI of
    # its own (route distinguisher 65000:7, which no other route has), with {i}; drawn now and then, never with the family's unicast
    flat: str = ""


FAMILIES = {
    family.name: family
    for family in (
        Family("ipv4 unicast", "route 10.0.{i}.0/24 next-hop 192.0.2.1{path}", True, attributes="10.0.{i}.0/24"),
        Family(
            "ipv6 unicast",
            "route 2001:db8:0:{i}::/64 next-hop 2001:db8::1{path}",
            True,
            attributes="2001:db8:0:{i}::/64",
        ),
        Family("ipv4 multicast", "ipv4 multicast 10.1.{i}.0/24 next-hop 192.0.2.1"),
        Family("ipv4 nlri-mpls", "ipv4 nlri-mpls 10.2.{i}.0/24 next-hop 192.0.2.1 label 100{path}", True),
        Family("ipv6 nlri-mpls", "ipv6 nlri-mpls 2001:db8:2:{i}::/64 next-hop 2001:db8::1 label 100{path}", True),
        # ``announce ipv4|ipv6 mpls-vpn PREFIX ... rd ... label ...`` is an ipv4|ipv6 unicast route for 5.0.15: the
        # ``route`` form mostly, the flat one now and then
        Family(
            "ipv4 mpls-vpn",
            "route 10.3.{i}.0/24 next-hop 192.0.2.1 label 100 rd 65000:1{path}",
            True,
            flat="ipv4 mpls-vpn 10.7.{i}.0/24 rd 65000:7 label 100 next-hop 192.0.2.7",
        ),
        Family(
            "ipv6 mpls-vpn",
            "route 2001:db8:3:{i}::/64 next-hop 2001:db8::1 label 100 rd 65000:1{path}",
            True,
            flat="ipv6 mpls-vpn 2001:db8:7:{i}::/64 rd 65000:7 label 100 next-hop 2001:db8::7",
        ),
        Family(
            "ipv4 flow",
            "ipv4 flow destination 10.4.{i}.0/24",
            variants=("discard", "rate-limit 9600", "discard community [ 65000:1 ]"),
        ),
        Family(
            "ipv6 flow",
            "ipv6 flow destination 2001:db8:4:{i}::/64",
            variants=("discard", "rate-limit 9600", "discard community [ 65000:1 ]"),
        ),
        # 5.0.15 answers ``error`` to the flat ``announce ipv4 flow-vpn ...``: the block form mostly
        Family(
            "ipv4 flow-vpn",
            "flow route {{ rd 65000:1; match {{ destination 10.5.{i}.0/24; }} then {{ {v} }} }}",
            variants=("discard;", "rate-limit 9600;", "redirect 65000:7;"),
            flat="ipv4 flow-vpn rd 65000:7 destination 10.7.{i}.0/24 discard",
        ),
        Family("l2vpn vpls", "vpls endpoint {i} base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.0.2.1"),
        Family(
            "ipv4 mcast-vpn",
            "ipv4 mcast-vpn source-ad source 10.99.12.{i} group 239.251.255.228 rd 65000:99 next-hop 192.0.2.1",
        ),
        Family(
            "ipv6 mcast-vpn",
            "ipv6 mcast-vpn source-ad source 2001:db8:99::{i} group ff0e::1 rd 65000:99 next-hop 2001:db8::1",
        ),
        Family(
            "ipv4 mup",
            "ipv4 mup mup-isd 10.6.{i}.0/24 rd 100:100 next-hop 192.0.2.1 extended-community [ target:10:10 ]{path}",
            True,
        ),
        Family(
            "ipv6 mup",
            "ipv6 mup mup-isd 2001:db8:6:{i}::/64 rd 100:100 next-hop 2001:db8::1 "
            "extended-community [ target:10:10 ]{path}",
            True,
        ),
    )
}


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    families: tuple  # Family names, configured in this order
    groups: tuple  # tuples of command lines; (RESET,) resets the session
    group_updates: bool = True
    add_path: bool = False  # ``add-path send/receive``: mirrored, so negotiated both ways
    asn4: bool = True  # False: ``asn4 disable``, a 2-octet ASN session
    ebgp: bool = False
    static: tuple = ()  # route lines of the configuration's ``static`` block

    @property
    def commands(self) -> int:
        return sum(len(group) for group in self.groups if group not in CONTROL and not is_reload(group))

    def marked(self) -> list:
        """The groups as the helper writes them: the marker appended to each applied while the session is up (a
        teardown's excepted: the session ends before it leaves), none while the session is down (`DOWN`)."""
        down = bool(self.groups) and self.groups[0] == (DOWN,)
        marked = []
        for group in self.groups:
            if group in ((DOWN,), (UP,)):
                down = group == (DOWN,)
            up = not down and group != (RESET,)
            if is_reload(group):  # only the marker, sent once a reload that keeps the session is applied
                marked.append([MARKER] if up and group[0] == RELOAD else [])
                continue
            marked.append(list(group) + ([MARKER] if up and not any("teardown" in line for line in group) else []))
        return marked

    def configuration(self, helper_command: str, reloads: int = 0) -> str:
        """The configuration, as loaded after the first `reloads` reload groups (their routes, their hold time:
        180 seconds less 10 for each RELOAD_CHANGED)."""
        local_as, peer_as = (65000, 65001) if self.ebgp else (65000, 65000)
        families = "".join(f"        {name};\n" for name in self.families)
        capability = f"        asn4 {'enable' if self.asn4 else 'disable'};\n"
        if self.add_path:
            capability += "        add-path send/receive;\n"
        applied = [group for group in self.groups if is_reload(group)][:reloads]
        changed = sum(1 for group in applied if group[0] == RELOAD_CHANGED)
        hold = f"    hold-time {180 - 10 * changed};\n" if changed else ""
        static = "".join(f"        route {line};\n" for line in (applied[-1][1:] if applied else self.static))
        static = f"    static {{\n{static}    }}\n" if static else ""
        return (
            f"process helper {{\n    run {helper_command};\n    encoder text;\n}}\n\n"
            f"neighbor 127.0.0.1 {{\n    router-id 10.0.0.1;\n    local-address {LOCAL_ADDRESS};\n"
            f"    local-as {local_as};\n    peer-as {peer_as};\n"
            f"    group-updates {'true' if self.group_updates else 'false'};\n{hold}"
            f"    family {{\n{families}    }}\n    capability {{\n{capability}    }}\n{static}"
            f"    api {{\n        processes [ helper ];\n    }}\n}}\n"
        )

    @property
    def peer_as(self) -> int:
        return 65001 if self.ebgp else 65000


def is_reload(group: tuple) -> bool:
    """Whether `group` reloads the configuration (`RELOAD`, `RELOAD_CHANGED`)."""
    return bool(group) and group[0] in (RELOAD, RELOAD_CHANGED)


#: configured routes of the watchdog scenarios: one announced by its watchdog, a plain one, one held back
_DOGS = (
    "10.8.0.0/24 next-hop 192.0.2.8 watchdog dog",
    "10.9.0.0/24 next-hop 192.0.2.9",
    "10.8.1.0/24 next-hop 192.0.2.8 watchdog dog withdraw",
)


def _v4(*groups, **options) -> Scenario:
    return dict(families=("ipv4 unicast",), groups=tuple(tuple(group) for group in groups), **options)


#: the known cases (issue 8, item 1.5) and each divergence fixed since: regression scenarios
HANDWRITTEN = {
    scenario.name: scenario
    for scenario in (
        Scenario(
            "announce-withdraw-first-batch",
            **_v4(
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1", "withdraw route 10.0.1.0/24 next-hop 192.0.2.1"],
                ["announce route 10.0.2.0/24 next-hop 192.0.2.1", "withdraw route 10.0.2.0/24 next-hop 192.0.2.1"],
            ),
        ),
        Scenario(
            "announce-withdraw-ungrouped",
            group_updates=False,
            **_v4(
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1", "withdraw route 10.0.1.0/24 next-hop 192.0.2.1"],
                ["announce route 10.0.2.0/24 next-hop 192.0.2.1", "withdraw route 10.0.2.0/24 next-hop 192.0.2.1"],
            ),
        ),
        Scenario(
            "withdraw-only-first-batch",
            **_v4(["withdraw route 10.0.1.0/24 next-hop 192.0.2.1"], ["withdraw route 10.0.1.0/24 next-hop 192.0.2.1"]),
        ),
        Scenario(
            "announce-clear",
            **_v4(
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1", "clear adj-rib out"],
                ["announce route 10.0.2.0/24 next-hop 192.0.2.1"],
                ["announce route 10.0.3.0/24 next-hop 192.0.2.1 med 5", "clear adj-rib out"],
            ),
        ),
        Scenario(
            "announce-flush-clear",
            **_v4(
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1", "flush adj-rib out"],
                ["flush adj-rib out", "announce route 10.0.2.0/24 next-hop 192.0.2.1 med 7"],
                ["clear adj-rib out", "flush adj-rib out"],
            ),
        ),
        Scenario(
            "eor-in-batch",
            **_v4(
                ["announce eor ipv4 unicast", "announce route 10.0.1.0/24 next-hop 192.0.2.1"],
                [
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1",
                    "announce eor ipv4 unicast",
                    "announce route 10.0.3.0/24 next-hop 192.0.2.1",
                ],
            ),
        ),
        Scenario(
            "static-withdraw-first-batch",
            static=("10.9.0.0/24 next-hop 192.0.2.9",),
            **_v4(
                ["withdraw route 10.9.0.0/24 next-hop 192.0.2.9", "announce route 10.0.1.0/24 next-hop 192.0.2.1"],
                ["announce route 10.9.0.0/24 next-hop 192.0.2.9"],
            ),
        ),
        Scenario(
            "reset-replays",
            **_v4(
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1 med 1",
                ],
                [RESET],
                ["withdraw route 10.0.1.0/24 next-hop 192.0.2.1"],
                ["announce route 10.0.3.0/24 next-hop 192.0.2.1", "neighbor 127.0.0.1 teardown 2"],
                ["withdraw route 10.0.3.0/24 next-hop 192.0.2.1"],
            ),
        ),
        Scenario(
            "first-batch-announce-withdraw-other-attributes",
            **_v4(
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 100",
                    "withdraw route 10.0.1.0/24 next-hop 192.0.2.1",
                ],
                [
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1 med 100",
                    "withdraw route 10.0.2.0/24 next-hop 192.0.2.1",
                ],
            ),
        ),
        Scenario(
            "announce-twice-other-attributes",
            group_updates=False,
            **_v4(
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 100",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                ],
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 7",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                    "withdraw route 10.0.1.0/24 next-hop 192.0.2.1 med 7",
                ],
                [
                    "withdraw route 10.0.1.0/24 next-hop 192.0.2.1",
                    "withdraw route 10.0.1.0/24 next-hop 192.0.2.1 med 9",
                ],
            ),
        ),
        Scenario(
            "clear-cancels-last-change",
            families=("ipv4 multicast",),
            groups=(
                ("announce ipv4 multicast 10.1.1.0/24 next-hop 192.0.2.1",),
                (
                    "announce ipv4 multicast 10.1.1.0/24 next-hop 192.0.2.1 med 5",
                    "announce ipv4 multicast 10.1.2.0/24 next-hop 192.0.2.1",
                    "clear adj-rib out",
                ),
                (
                    "announce ipv4 multicast 10.1.1.0/24 next-hop 192.0.2.1 med 5",
                    "clear adj-rib out",
                    "withdraw ipv4 multicast 10.1.1.0/24 next-hop 192.0.2.1",
                ),
            ),
        ),
        Scenario(
            "flush-goes-first",
            families=("ipv4 unicast", "ipv6 unicast", "ipv4 nlri-mpls"),
            groups=(
                (
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                    "announce route 2001:db8::/64 next-hop 2001:db8::1",
                    "announce ipv4 nlri-mpls 10.2.1.0/24 next-hop 192.0.2.1 label 100",
                ),
                (
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1",
                    "flush adj-rib out",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 3",
                ),
                (
                    "withdraw route 2001:db8::/64 next-hop 2001:db8::1",
                    "flush adj-rib out",
                    "announce route 2001:db8::/64 next-hop 2001:db8::1 med 4",
                    "flush adj-rib out",
                ),
                ("clear adj-rib out", "announce route 10.0.2.0/24 next-hop 192.0.2.1"),
            ),
        ),
        Scenario(
            "eor-before-teardown",
            families=("ipv4 unicast", "ipv6 unicast"),
            groups=(
                (
                    "announce eor ipv6 unicast",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                    "neighbor 127.0.0.1 teardown 2",
                ),
                ("announce route 2001:db8::/64 next-hop 2001:db8::1",),
            ),
        ),
        Scenario(
            "reconnect-order",
            families=("ipv4 unicast", "ipv4 multicast"),
            groups=(
                (
                    "withdraw route 10.0.1.0/24 next-hop 192.0.2.1",
                    "announce ipv4 multicast 10.1.1.0/24 next-hop 192.0.2.1",
                ),
                (
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1 med 2",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                ),
                ("withdraw route 10.0.2.0/24 next-hop 192.0.2.1 med 2",),
                ("announce route 10.0.2.0/24 next-hop 192.0.2.1 med 2",),
                (RESET,),
                ("clear adj-rib out",),
            ),
        ),
        Scenario(
            "reconnect-configured-first",
            group_updates=False,
            static=("10.9.0.0/24 next-hop 192.0.2.9", "10.9.1.0/24 next-hop 192.0.2.9"),
            **_v4(
                [
                    "announce route 10.0.3.0/24 next-hop 192.0.2.1 med 100",
                    "announce route 10.9.1.0/24 next-hop 192.0.2.1 med 100",
                    "announce route 10.9.0.0/24 next-hop 192.0.2.1 med 100",
                ],
                ["withdraw route 10.9.0.0/24 next-hop 192.0.2.1"],
                ["announce route 10.9.0.0/24 next-hop 192.0.2.1 med 100"],
                [RESET],
            ),
        ),
        Scenario(
            "static-reannounced-before-session",
            static=("10.9.0.0/24 next-hop 192.0.2.9", "10.9.1.0/24 next-hop 192.0.2.9"),
            **_v4(
                [DOWN],
                [
                    "announce route 10.9.0.0/24 next-hop 192.0.2.9 med 100",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                ],
                [UP],
                ["withdraw route 10.9.0.0/24 next-hop 192.0.2.9 med 100"],
            ),
        ),
        Scenario(
            "changes-while-down-order",
            families=("ipv4 unicast", "ipv6 unicast"),
            groups=(
                (
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1",
                    "announce route 2001:db8::/64 next-hop 2001:db8::1",
                ),
                (DOWN,),
                (
                    "announce route 10.0.3.0/24 next-hop 192.0.2.1",
                    "withdraw route 10.0.1.0/24 next-hop 192.0.2.1",
                    "announce route 2001:db8:0:1::/64 next-hop 2001:db8::1 med 5",
                ),
                (
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1 med 5",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 9",
                ),
                ("withdraw route 2001:db8::/64 next-hop 2001:db8::1", "announce route 10.0.4.0/24 next-hop 192.0.2.1"),
                (UP,),
                ("announce route 10.0.5.0/24 next-hop 192.0.2.1",),
            ),
        ),
        Scenario(
            "clear-while-down",
            static=("10.9.0.0/24 next-hop 192.0.2.9", "10.9.1.0/24 next-hop 192.0.2.9 med 3"),
            **_v4(
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1"],
                [DOWN],
                ["announce route 10.0.2.0/24 next-hop 192.0.2.1 med 5", "clear adj-rib out"],
                ["announce route 10.0.3.0/24 next-hop 192.0.2.1 med 3"],
                [UP],
                ["announce route 10.0.4.0/24 next-hop 192.0.2.1"],
            ),
        ),
        Scenario(
            "clear-before-first-session",
            static=("10.9.0.0/24 next-hop 192.0.2.9",),
            **_v4(
                [DOWN],
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1",
                    "clear adj-rib out",
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1",
                ],
                [UP],
                ["announce route 10.0.3.0/24 next-hop 192.0.2.1"],
            ),
        ),
        Scenario(
            "flush-while-down",
            **_v4(
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1"],
                [DOWN],
                ["flush adj-rib out", "announce route 10.0.2.0/24 next-hop 192.0.2.1"],
                ["announce route 10.0.1.0/24 next-hop 192.0.2.1 med 4", "flush adj-rib out"],
                [UP],
                ["flush adj-rib out"],
            ),
        ),
        Scenario(
            "watchdog-while-down",
            static=(
                "10.9.0.0/24 next-hop 192.0.2.9 watchdog dog withdraw",
                "10.9.1.0/24 next-hop 192.0.2.9 med 3 watchdog cat",
                "10.9.2.0/24 next-hop 192.0.2.9",
            ),
            **_v4(
                [DOWN],
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 3",
                    "announce watchdog dog",
                    "withdraw watchdog cat",
                ],
                [UP],
                ["withdraw watchdog dog", "announce route 10.0.2.0/24 next-hop 192.0.2.1"],
                [DOWN],
                ["announce watchdog cat", "announce route 10.0.3.0/24 next-hop 192.0.2.9"],
                ["withdraw watchdog cat", "announce watchdog dog"],
                [UP],
                ["withdraw watchdog dog"],
            ),
        ),
        Scenario(
            "watchdog-cycle-across-sessions",
            static=(
                "10.8.0.0/24 next-hop 192.0.2.8 watchdog dog",
                "10.8.1.0/24 next-hop 192.0.2.8 watchdog dog withdraw",
            ),
            **_v4(
                [DOWN],
                ["withdraw watchdog dog", "clear adj-rib out"],
                ["announce watchdog dog", "announce route 10.0.1.0/24 next-hop 192.0.2.1"],
                [UP],
                ["flush adj-rib out"],
                [RESET],
                ["withdraw watchdog dog", "announce watchdog dog", "flush adj-rib out"],
            ),
        ),
        Scenario(
            "watchdog-route-cleared",
            static=(
                "10.8.0.0/24 next-hop 192.0.2.8 watchdog dog",
                "10.8.1.0/24 next-hop 192.0.2.8 watchdog cat withdraw",
            ),
            **_v4(
                ["clear adj-rib out", "announce watchdog dog", "announce watchdog cat"],
                [RESET],
                ["flush adj-rib out"],
                [DOWN],
                ["withdraw watchdog dog", "clear adj-rib out"],
                [UP],
                ["announce watchdog dog", "withdraw watchdog cat"],
                ["announce watchdog cat", "flush adj-rib out"],
            ),
        ),
        # 5.0.15 reads a helper's ``watchdog NAME`` and ``withdraw`` and drops them: the route is announced at once and
        # no watchdog moves it
        Scenario(
            "api-route-watchdog-keywords",
            **_v4(
                [
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 watchdog dog",
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1 watchdog dog withdraw",
                ],
                ["withdraw watchdog dog"],
                ["announce watchdog dog"],
                ["withdraw watchdog dog", "withdraw route 10.0.2.0/24 next-hop 192.0.2.1 watchdog dog"],
                ["flush adj-rib out"],
            ),
        ),
        # a ``withdraw watchdog`` takes its NLRI out of 5.0.15's cache, whatever route a helper put there
        Scenario(
            "api-route-on-watchdog-nlri",
            static=_DOGS,
            **_v4(
                [
                    "announce route 10.8.0.0/24 next-hop 192.0.2.1 med 5",
                    "announce route 10.8.1.0/24 next-hop 192.0.2.1 med 6",
                ],
                ["withdraw watchdog dog"],
                [RESET],
                ["announce watchdog dog"],
                [DOWN],
                [
                    "announce route 10.8.0.0/24 next-hop 192.0.2.1 med 7",
                    "withdraw watchdog dog",
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 watchdog dog withdraw",
                ],
                [UP],
                ["announce watchdog dog", "flush adj-rib out"],
            ),
        ),
        # a reload keeping the neighbor: 5.0.15 keeps its watchdog table (merged with the new configuration's), caches
        # the configured routes again, announces a new NLRI even when held by ``withdraw`` and withdraws one gone
        Scenario(
            "reload-kept-watchdogs",
            static=_DOGS,
            **_v4(
                ["withdraw watchdog dog"],
                [RELOAD, *_DOGS],
                ["announce watchdog dog"],
                [RELOAD, *_DOGS[:2], "10.8.2.0/24 next-hop 192.0.2.8 watchdog dog withdraw"],
                ["flush adj-rib out"],
                ["withdraw watchdog dog"],
                ["announce watchdog dog"],
            ),
        ),
        # a reload changing the neighbor: the session ends, the table is kept as above; the next session sends the
        # cache without the NLRI gone
        Scenario(
            "reload-changed-watchdogs",
            static=_DOGS,
            **_v4(
                ["announce watchdog dog"],
                [RELOAD_CHANGED, *_DOGS[:2], "10.8.2.0/24 next-hop 192.0.2.8 watchdog dog withdraw"],
                ["withdraw watchdog dog"],
                [RELOAD_CHANGED, *_DOGS],
                ["flush adj-rib out"],
                ["announce watchdog dog"],
            ),
        ),
        Scenario(
            "flat-vpn-forms",
            families=("ipv4 mpls-vpn", "ipv4 flow-vpn"),
            groups=(
                (
                    "announce ipv4 mpls-vpn 10.7.1.0/24 rd 65000:7 label 100 next-hop 192.0.2.7",
                    "announce route 10.3.1.0/24 next-hop 192.0.2.1 label 100 rd 65000:1",
                ),
                (
                    "announce ipv4 flow-vpn rd 65000:7 destination 10.7.2.0/24 discard",
                    "withdraw route 10.3.2.0/24 next-hop 192.0.2.1 label 100 rd 65000:1",
                ),
                ("flush adj-rib out",),
                (
                    "withdraw ipv4 mpls-vpn 10.7.1.0/24 rd 65000:7 label 100 next-hop 192.0.2.7",
                    "announce flow route { rd 65000:1; match { destination 10.5.1.0/24; } then { discard; } }",
                ),
                ("clear adj-rib out",),
            ),
        ),
        Scenario(
            "vpls-one-route-per-nlri",
            families=("l2vpn vpls",),
            groups=(
                (
                    "announce vpls endpoint 1 base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.0.2.1",
                    "announce vpls endpoint 1 base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.0.2.1 med 1",
                ),
                ("flush adj-rib out",),
                ("clear adj-rib out",),
            ),
        ),
        Scenario(
            "buckets-without-next-hop",
            families=("ipv4 unicast", "l2vpn vpls", "ipv4 flow"),
            groups=(
                (
                    "announce route 10.0.1.0/24 next-hop 192.0.2.1 med 200",
                    "announce vpls endpoint 1 base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.0.2.1 med 200",
                    "announce ipv4 flow destination 10.4.1.0/24 discard",
                    "announce route 10.0.2.0/24 next-hop 192.0.2.1 med 200",
                    "announce vpls endpoint 2 base 10702 offset 1 size 8 rd 192.168.201.1:123 next-hop 192.0.2.2 med 200",
                ),
                (RESET,),
                ("clear adj-rib out",),
            ),
        ),
        Scenario(
            "mcast-vpn-grouped-sorted",
            families=("ipv4 mcast-vpn",),
            groups=(
                tuple(
                    f"announce ipv4 mcast-vpn {route} rd 65000:99 next-hop 192.0.2.1"
                    for route in (
                        "source-ad source 10.99.12.3 group 239.251.255.228",
                        "source-ad source 10.99.12.1 group 239.251.255.228",
                        "shared-join rp 10.99.1.2 group 239.251.255.228 source-as 65000",
                        "source-ad source 10.99.12.2 group 239.251.255.1",
                    )
                ),
                ("clear adj-rib out",),
            ),
        ),
        Scenario(
            "flow-announce-withdraw",
            families=("ipv4 flow",),
            groups=(
                (
                    "announce ipv4 flow destination 10.4.1.0/24 discard",
                    "withdraw ipv4 flow destination 10.4.1.0/24 discard",
                ),
                ("announce ipv4 flow destination 10.4.2.0/24 discard",),
                ("announce ipv4 flow destination 10.4.2.0/24 rate-limit 9600",),
                (
                    "withdraw ipv4 flow destination 10.4.2.0/24 discard",
                    "announce ipv4 flow destination 10.4.3.0/24 discard",
                ),
                ("withdraw ipv4 flow destination 10.4.2.0/24 rate-limit 9600",),
                ("announce ipv4 flow destination 10.4.3.0/24 rate-limit 9600", "flush adj-rib out"),
                ("announce ipv4 flow destination 10.4.3.0/24 discard", "clear adj-rib out"),
            ),
        ),
    )
}


def random_scenario(seed: int, index: int) -> Scenario:
    """The `index`-th random scenario of `seed` (see the module docstring)."""
    rng = random.Random(f"{seed}-{index}")
    names = rng.sample(sorted(FAMILIES), rng.choice((1, 1, 2, 3)))
    add_path = rng.random() < 0.25
    pool = {
        name: [(i, rng.choice((0, 1)) if add_path and FAMILIES[name].add_path else None) for i in range(1, 4)]
        for name in names
    }

    def route(name, variant, rng=rng):
        family = FAMILIES[name]
        i, path = rng.choice(pool[name])
        path = "" if path is None else f" path-information 0.0.0.{path + 1}"
        if "{v}" in family.route:
            return family.route.format(i=i, path=path, v=variant)
        return f"{family.route.format(i=i, path=path)} {variant}".rstrip()

    def command(rng=rng):
        name = rng.choice(names)
        family = FAMILIES[name]
        roll = rng.random()
        unicast = name.replace("mpls-vpn", "unicast")
        if family.flat and roll < 0.62 and (unicast == name or unicast not in names) and rng.random() < 0.2:
            return f"{'announce' if roll < 0.38 else 'withdraw'} {family.flat.format(i=rng.randint(1, 3))}"
        if roll < 0.38:
            return f"announce {route(name, rng.choice(family.variants), rng)}"
        if roll < 0.62:
            variant = rng.choice(family.variants) if rng.random() < 0.6 else family.variants[0]
            return f"withdraw {route(name, variant, rng)}"
        if roll < 0.7 and family.attributes:
            nlri = " ".join(family.attributes.format(i=i) for i in sorted(rng.sample(range(1, 4), 2)))
            hop = "2001:db8::1" if name.startswith("ipv6") else "192.0.2.1"
            verb = rng.choice(("announce", "announce", "withdraw"))
            return f"{verb} attributes next-hop {hop} {rng.choice(family.variants)} nlri {nlri}".replace("  ", " ")
        if roll < 0.78:
            return "clear adj-rib out"
        if roll < 0.86:
            return "flush adj-rib out"
        if roll < 0.94:
            return f"announce eor {rng.choice(names)}"
        return "neighbor 127.0.0.1 teardown 2"

    static = []
    if "ipv4 unicast" in names and rng.random() < 0.4:
        static += [f"10.0.{i}.0/24 next-hop 192.0.2.9" for i in sorted(rng.sample(range(1, 4), rng.randint(1, 2)))]
    if "ipv6 unicast" in names and rng.random() < 0.4:
        static.append(f"2001:db8:0:{rng.randint(1, 3)}::/64 next-hop 2001:db8::9 med 9")
    groups = []
    for _ in range(rng.randint(3, 8)):
        if rng.random() < 0.06:
            groups.append((RESET,))
            continue
        group = []
        for _ in range(rng.randint(1, 4)):
            line = command()
            group.append(line)
            if "teardown" in line:
                break
        groups.append(tuple(group))
    # a stretch of commands while the session is down (before the first session when it comes first): announces,
    # withdraws, clear and flush adj-rib out, and watchdogs when the scenario configures watchdog routes, then a group
    # after it moving the watchdogs again; drawn from a generator of its own so that the scenarios without a stretch
    # are those of the seed before it existed
    down = random.Random(f"{seed}-{index}-down")
    if down.random() < 0.15:
        dogs = _watchdog_routes(down, names)
        static += [line for line, _dog in dogs]

        def during(rng=down):
            if dogs and rng.random() < 0.4:
                return f"{rng.choice(('announce', 'withdraw'))} watchdog {rng.choice(dogs)[1]}"
            while True:
                line = command(rng)
                if "eor" not in line and "teardown" not in line:
                    return line

        stretch = [tuple(during() for _ in range(down.randint(1, 4))) for _ in range(down.randint(1, 2))]
        after = [(during(),)] if dogs else []
        at = down.randint(0, len(groups))
        groups[at:at] = [(DOWN,), *stretch, (UP,), *after]
    # helpers' routes with ``watchdog NAME [withdraw]`` (5.0.15 drops the keywords), watchdog commands and helpers'
    # routes on the NLRI of configured watchdog routes; then reloads: each from a generator of its own (see above)
    dogs = random.Random(f"{seed}-{index}-watchdog")
    if dogs.random() < 0.2:
        _api_watchdogs(dogs, groups, names, static)
    reload = random.Random(f"{seed}-{index}-reload")
    if reload.random() < 0.15:
        _reloads(reload, groups, names, static)
    return Scenario(
        f"random-{seed}-{index}",
        tuple(names),
        tuple(groups),
        group_updates=rng.random() < 0.6,
        add_path=add_path,
        asn4=rng.random() < 0.7,
        ebgp=rng.random() < 0.3,
        static=tuple(static),
    )


def _api_watchdogs(rng: random.Random, groups: list, names: list, static: list) -> None:
    """Give the helpers' ``announce|withdraw route`` lines of `groups` ``watchdog dog|cat [withdraw]`` now and
    then, configure watchdog routes if none are (`_watchdog_routes`), and add groups moving the watchdogs and
    announcing routes of their NLRI; `groups` and `static` are changed in place."""
    for at, group in enumerate(groups):
        if group not in CONTROL:
            groups[at] = tuple(
                f"{line} watchdog {rng.choice(('dog', 'cat'))}{rng.choice(('', ' withdraw'))}"
                if line.split()[1] == "route" and "nlri" not in line and rng.random() < 0.4
                else line
                for line in group
            )
    if not any(" watchdog " in line for line in static):
        static += [line for line, _dog in _watchdog_routes(rng, names)]
    configured = [line.split()[0] for line in static if " watchdog " in line]
    for _ in range(rng.randint(1, 3)):
        group = [f"{rng.choice(('announce', 'withdraw'))} watchdog {rng.choice(('dog', 'cat'))}"]
        if configured and rng.random() < 0.5:
            prefix = rng.choice(configured)
            hop = "2001:db8::1" if ":" in prefix else "192.0.2.1"
            group.insert(rng.randint(0, 1), f"announce route {prefix} next-hop {hop} med {rng.randint(1, 9)}")
        at = rng.choice(_up_positions(groups))
        groups[at:at] = [tuple(group)]


def _up_positions(groups: list) -> list:
    """The indexes a group may be inserted at in `groups` to be applied while the session is up."""
    positions = []
    down = False
    for at in range(len(groups) + 1):
        if not down:
            positions.append(at)
        if at < len(groups) and groups[at] in ((DOWN,), (UP,)):
            down = groups[at] == (DOWN,)
    return positions


def _reloads(rng: random.Random, groups: list, names: list, static: list) -> None:
    """Insert one or two reload groups in `groups`, while the session is up: the configured routes less one now
    and then, a watchdog route more now and then, the neighbor's session settings changed or not."""
    routes = list(static)
    for number in range(rng.choice((1, 1, 2))):
        routes = list(routes)
        if routes and rng.random() < 0.4:
            routes.pop(rng.randrange(len(routes)))
        if rng.random() < 0.5:
            routes += [line for line, _dog in _watchdog_routes(rng, names, first=5 + 2 * number)]
        at = rng.choice(_up_positions(groups))
        groups[at:at] = [(rng.choice((RELOAD, RELOAD, RELOAD_CHANGED)), *routes)]


def _watchdog_routes(rng: random.Random, names: list, first: int = 0) -> list:
    """``(static route line, watchdog name)`` of 1 or 2 configured watchdog routes (some starting withdrawn) of
    an ipv4 or ipv6 unicast family of the scenario, on NLRI of their own (numbered from `first`)."""
    unicast = [name for name in names if name in ("ipv4 unicast", "ipv6 unicast")]
    routes = []
    for number in range(first, first + (rng.choice((1, 1, 2)) if unicast else 0)):
        dog = rng.choice(("dog", "cat"))
        withdraw = " withdraw" if rng.random() < 0.5 else ""
        if rng.choice(unicast) == "ipv4 unicast":
            routes.append((f"10.8.{number}.0/24 next-hop 192.0.2.8 watchdog {dog}{withdraw}", dog))
        else:
            routes.append((f"2001:db8:8:{number}::/64 next-hop 2001:db8::8 watchdog {dog}{withdraw}", dog))
    return routes


# -- one daemon on one scenario -----------------------------------------------------------------


@dataclasses.dataclass
class Chunk:
    """What a daemon sent for one step of a scenario: a session's initial dump or a group's output."""

    scenario: Scenario
    step: str  # "session N" or "group N"
    commands: tuple  # the group's lines, () for a session
    acks: tuple = ()  # ``done`` / ``error`` per command
    messages: tuple = ()  # the messages, whole, as bytes
    problem: str = ""  # a timeout or an early end, when there was one

    def view(self) -> tuple:
        """What is compared: the answers, the messages, the problem."""
        return self.acks, self.messages, self.problem


class Run:
    """One daemon (its command line) running one scenario in directory `directory`."""

    def __init__(self, scenario: Scenario, program: list, directory: str, env: dict):
        self.scenario = scenario
        self.program = program
        self.directory = directory
        self.env = env
        self.recorder = Recorder(options=Options(asn=scenario.peer_as))
        self.chunks = []
        self._orders = None
        self._answers = None
        self._helper_connected = None
        self._cursor = (0, 0)  # (session index, message index) of the first message not yet given to a chunk
        self.process = None
        self._helper_command = ""
        self._reloads = 0  # the reload groups applied so far
        self._down = False  # between a group DOWN and a group UP

    @property
    def log(self) -> str:
        return os.path.join(self.directory, "daemon.log")

    async def _helper(self, reader, writer):
        self._answers, self._orders = reader, writer
        self._helper_connected.set()

    def _sessions(self) -> list:
        """The messages of each session (a connection that sent an OPEN), whole, after the OPEN, KEEPALIVEs left
        out."""
        return [
            [message(kind, body) for kind, body in recorded.messages if kind not in (OPEN, KEEPALIVE)]
            for recorded in self.recorder.connections
            if recorded.messages and recorded.messages[0][0] == OPEN
        ]

    def _ended(self, session: int) -> bool:
        """Whether session number `session` (from 0) has ended."""
        sessions = [
            recorded for recorded in self.recorder.connections if recorded.messages and recorded.messages[0][0] == OPEN
        ]
        return session < len(sessions) and sessions[session].end is not None

    async def _wait(self, predicate, timeout: float):
        """Until `predicate()` holds once a message arrived or a session changed (the recorder's threads tell);
        TimeoutError after `timeout`."""
        try:
            await asyncio.to_thread(self.recorder.wait, lambda _: predicate(), timeout)
        except AssertionError:
            raise TimeoutError from None

    def _eors(self, session: int) -> int:
        sessions = self._sessions()
        if session >= len(sessions):
            return 0
        return sum(
            1 for data in sessions[session] if data[18] == 2 and is_end_of_rib(data[19:]) and not self._is_marker(data)
        )

    @staticmethod
    def _is_marker(data: bytes) -> bool:
        # an MP_UNREACH_NLRI End-of-RIB of AFI 25 (L2VPN), SAFI 70 (EVPN): the marker's family
        return data[19:].endswith(bytes([0, 25, 70])) and is_end_of_rib(data[19:])

    def _take(self, session: int, end: int) -> tuple:
        """The messages of `session` from the cursor to `end` (markers left out); the cursor moves there."""
        first = self._cursor[1] if self._cursor[0] == session else 0
        messages = self._sessions()[session][first:end]
        self._cursor = (session, end)
        return tuple(data for data in messages if not self._is_marker(data))

    async def _initial(self, session: int, carried: int = 0):
        """Wait for the End-of-RIBs of `session`'s initial dump, and the `carried` ones helpers asked for in the
        session before, which it ended before sending them (both daemons send them then); its chunk."""
        wanted = len(self.scenario.families) + carried
        problem = ""
        try:
            await self._wait(lambda: self._eors(session) >= wanted, START_TIMEOUT)
        except TimeoutError:
            problem = f"no initial End-of-RIBs for session {session + 1}"
        sessions = self._sessions()
        end = len(sessions[session]) if session < len(sessions) else 0
        messages = self._take(session, end) if session < len(sessions) else ()
        self.chunks.append(Chunk(self.scenario, f"session {session + 1}", (), (), messages, problem))
        return not problem

    async def _held(self, session: int) -> bool:
        """Wait until the daemon's connection number `session` (from 0) sent its OPEN (the recorder holds it:
        the daemon's session is down, every earlier connection is over for it); False after a timeout."""
        try:
            await self._wait(lambda: len(self._sessions()) > session, START_TIMEOUT)
        except TimeoutError:
            return False
        return True

    @property
    def configuration_path(self) -> str:
        return os.path.join(self.directory, "wire.conf")

    def _write_configuration(self) -> None:
        with open(self.configuration_path, "w", encoding="utf-8") as handle:
            handle.write(self.scenario.configuration(self._helper_command, self._reloads))

    def _reloaded(self) -> int:
        """How many reloads the daemon's log says it applied."""
        with open(self.log, "rb") as handle:
            return handle.read().count(RELOADED)

    async def _reload(self, index: int, group: tuple, session: int) -> bool:
        """A reload group: the next configuration written, SIGUSR1, its application waited for in the log; True
        when the scenario goes on.  While the session is down nothing is sent; when the neighbor changed the
        session ends and the harness waits for the next one's initial dump; when the daemon keeps its session
        the group's marker is sent twice (`_woken`): 5.0.15's peer takes a reload's routes at the top of its
        loop, which a first command may find it past, and the second one brings it back to."""
        self._reloads += 1
        self._write_configuration()
        before = self._reloaded()
        os.kill(self.process.pid, signal.SIGUSR1)
        problem = ""
        for _ in range(int(GROUP_TIMEOUT * 10)):
            if self._reloaded() > before:
                break
            await asyncio.sleep(0.1)
        else:
            problem = "the reload was not applied"
        acks = ()
        messages = ()
        if not problem and not self._down and group[0] == RELOAD:
            acks, end, problem = await self._woken(index, session, 2)
            messages = self._take(session, end)
        elif not problem and not self._down:
            try:
                await self._wait(lambda: self._ended(session), GROUP_TIMEOUT)
            except TimeoutError:
                problem = "the session did not end"
            messages = self._take(session, None)
        self.chunks.append(Chunk(self.scenario, f"group {index + 1}", group, acks, messages, problem))
        if problem:
            return False
        return True if self._down or group[0] == RELOAD else await self._initial(session + 1)

    async def _woken(self, index: int, session: int, times: int) -> tuple:
        """Have the helper write group `index` (its marker) `times` times, each once the previous marker is
        recorded: the acks, the end of the messages up to the last marker (None after a timeout), a problem."""
        acks = []
        found = []
        for _ in range(times):
            self._orders.write(f"go {index}\n".encode())
            await self._orders.drain()
            try:
                answer = (await asyncio.wait_for(self._answers.readline(), GROUP_TIMEOUT)).decode().split()
                acks += answer[2].split(",") if len(answer) == 3 else []
                await self._wait(lambda: len(self._markers(session)) > len(found), GROUP_TIMEOUT)
            except TimeoutError:
                return tuple(acks), None, "the group's output did not end"
            found = self._markers(session)
        return tuple(acks), found[-1] + 1, ""

    def _markers(self, session: int) -> list:
        """The indexes of the markers of `session` from the cursor on."""
        messages = self._sessions()[session]
        return [at for at in range(self._cursor[1], len(messages)) if self._is_marker(messages[at])]

    async def _group(self, index: int, group: tuple, marked: list) -> bool:
        session = len(self._sessions()) - 1
        if is_reload(group):
            return await self._reload(index, group, session)
        if group in ((DOWN,), (UP,)):
            self._down = group == (DOWN,)
        if group == (DOWN,) and index == 0:  # the scenario started so: `run` waited for the held connection
            self.chunks.append(Chunk(self.scenario, f"group {index + 1}", group))
            return True
        if group == (DOWN,):
            self.recorder.answer = "hold"
            messages = ()
            if session >= 0 and not self._ended(session):
                self.recorder.reset()
                messages = self._take(session, None)
            problem = "" if await self._held(session + 1) else "no new connection"
            self.chunks.append(Chunk(self.scenario, f"group {index + 1}", group, (), messages, problem))
            return not problem
        if group == (UP,):
            self.recorder.answer = "establish"
            self.chunks.append(Chunk(self.scenario, f"group {index + 1}", group))
            return await self._initial(session)
        if group == (RESET,):
            self.recorder.reset()
            await self._wait(lambda: self._ended(session), GROUP_TIMEOUT)
            self.chunks.append(Chunk(self.scenario, f"group {index + 1}", group, (), self._take(session, None)))
            return await self._initial(session + 1)
        teardown = any("teardown" in line for line in group)
        down = not teardown and MARKER not in marked  # applied while the session is down: nothing is sent
        self._orders.write(f"go {index}\n".encode())
        await self._orders.drain()
        problem = ""
        acks = ()
        try:
            answer = (await asyncio.wait_for(self._answers.readline(), GROUP_TIMEOUT)).decode().split()
            acks = tuple(answer[2].split(",")) if len(answer) == 3 else ()
            if down:
                pass
            elif teardown:
                await self._wait(lambda: self._ended(session), GROUP_TIMEOUT)
            else:
                first = self._cursor[1]
                await self._wait(
                    lambda: any(self._is_marker(data) for data in self._sessions()[session][first:]), GROUP_TIMEOUT
                )
        except TimeoutError:
            problem = "no answer from the helper" if not acks else "the group's output did not end"
        if down and not problem:
            messages = ()
        elif teardown or problem:
            messages = self._take(session, None)
        else:
            found = self._sessions()[session]
            end = next(at for at in range(self._cursor[1], len(found)) if self._is_marker(found[at])) + 1
            messages = self._take(session, end)
        self.chunks.append(Chunk(self.scenario, f"group {index + 1}", group, acks, messages, problem))
        if problem:
            return False
        carried = sum(1 for line in group if "announce eor" in line)
        return await self._initial(session + 1, carried) if teardown else True

    async def run(self):
        starts_down = bool(self.scenario.groups) and self.scenario.groups[0] == (DOWN,)
        if starts_down:
            self.recorder.answer = "hold"
        self.recorder.start()
        self._helper_connected = asyncio.Event()
        control = await asyncio.start_server(self._helper, "127.0.0.1", 0)
        port = control.sockets[0].getsockname()[1]
        commands = os.path.join(self.directory, "commands.json")
        groups = self.scenario.marked()
        with open(commands, "w", encoding="utf-8") as handle:
            json.dump(groups, handle)
        self._helper_command = f"{sys.executable} {HELPER} {commands} {port}"
        self._write_configuration()
        configuration = self.configuration_path
        env = dict(self.env, exabgp_tcp_port=str(self.recorder.port))
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [*self.program, "server", configuration],
                env=env,
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            await self._started()
            if (await self._held(0)) if starts_down else (await self._initial(0)):
                for index, group in enumerate(self.scenario.groups):
                    if not await self._group(index, group, groups[index]):
                        break
        except TimeoutError:
            self.chunks.append(Chunk(self.scenario, "start", (), problem="the helper did not start"))
        finally:
            if self._orders is not None:
                self._orders.close()
            control.close()
            await self._stop()
            self.recorder.stop()

    async def _started(self):
        """Wait for the helper to connect; TimeoutError when the daemon exits or takes too long."""
        for _ in range(int(START_TIMEOUT * 10)):
            if self._helper_connected.is_set():
                return
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        raise TimeoutError

    async def _stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            for _ in range(30):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


# -- the two daemons, compared ------------------------------------------------------------------


def daemons() -> dict:
    """The command line (``server CONF`` is appended) and environment of the oracle and of ours: no listener,
    no CLI pipes, root kept, acks on, INFO logs to stdout (the run's log file); the oracle's without our
    PYTHONPATH, as it imports its own package."""
    env = environment(
        exabgp_tcp_bind="",
        exabgp_api_cli="false",
        exabgp_api_ack="true",
        exabgp_log_enable="true",
        exabgp_log_level="INFO",
        exabgp_log_destination="stdout",
    )
    theirs = {key: value for key, value in env.items() if key != "PYTHONPATH"}
    return {"theirs": ([oracle.oracle_program()], theirs), "ours": ([sys.executable, "-m", "exabgp"], env)}


@dataclasses.dataclass
class Divergence:
    scenario: Scenario
    step: str
    ours: Chunk
    theirs: Chunk
    known: str | None = None


@dataclasses.dataclass
class Result:
    scenarios: int = 0
    commands: int = 0
    messages: int = 0
    divergences: list = dataclasses.field(default_factory=list)
    known: list = dataclasses.field(default_factory=list)
    logs: dict = dataclasses.field(default_factory=dict)  # scenario name -> {who: daemon log tail}
    retried: int = 0  # scenarios run a second time after a timeout (see `run_all`)

    @property
    def timed_out(self) -> bool:
        """Whether a divergence holds a chunk that ended on a timeout or is missing (a harness problem)."""
        return any(d.ours.problem or d.theirs.problem for d in self.divergences)

    def add(self, other):
        self.scenarios += other.scenarios
        self.retried += other.retried
        self.commands += other.commands
        self.messages += other.messages
        self.divergences += other.divergences
        self.known += other.known
        self.logs.update(other.logs)

    def counts(self) -> str:
        return (
            f"scenarios {self.scenarios}, commands {self.commands}, messages compared {self.messages}, "
            f"divergences {len(self.divergences)}, known {len(self.known)}, retried {self.retried}"
        )


def compare(scenario: Scenario, ours: list, theirs: list) -> Result:
    result = Result(scenarios=1, commands=scenario.commands)
    for index in range(max(len(ours), len(theirs))):
        mine = ours[index] if index < len(ours) else Chunk(scenario, "-", (), problem="missing")
        their = theirs[index] if index < len(theirs) else Chunk(scenario, "-", (), problem="missing")
        result.messages += max(len(mine.messages), len(their.messages))
        if mine.view() == their.view() and mine.step == their.step:
            continue
        divergence = Divergence(scenario, their.step if their.step != "-" else mine.step, mine, their)
        divergence.known = known.explain("wire", divergence, mine, their)
        (result.known if divergence.known else result.divergences).append(divergence)
    return result


async def run_scenario(scenario: Scenario, keep: bool = False) -> Result:
    """Both daemons on `scenario` at once; the comparison of what they sent."""
    base = tempfile.mkdtemp(prefix=f"wire-{scenario.name}-")
    runs = {}
    for who, (program, env) in daemons().items():
        directory = os.path.join(base, who)
        os.mkdir(directory)
        runs[who] = Run(scenario, program, directory, env)
    await asyncio.gather(*(run.run() for run in runs.values()))
    result = compare(scenario, runs["ours"].chunks, runs["theirs"].chunks)
    if result.divergences:
        for who, run in runs.items():
            with open(run.log, errors="replace") as handle:
                result.logs.setdefault(scenario.name, {})[who] = handle.read()[-6000:]
    if not keep:
        shutil.rmtree(base, ignore_errors=True)
    return result


async def run_all(scenarios: list, jobs: int, progress=None) -> Result:
    total = Result()
    semaphore = asyncio.Semaphore(jobs)

    async def one(scenario):
        async with semaphore:
            result = await run_scenario(scenario)
            if result.timed_out:
                # A daemon that did not answer in time on a loaded machine (seen once in CI: 5.0.15's session
                # after a teardown not back within START_TIMEOUT) is no divergence of behaviour: the scenario
                # runs once more, and what that run finds counts.  A real divergence is found again.
                result = await run_scenario(scenario)
                result.retried = 1
        total.add(result)
        if progress is not None:
            progress(scenario, result)

    await asyncio.gather(*(one(scenario) for scenario in scenarios))
    return total


def select(seed: int, count: int, name: str | None = None) -> list:
    """The hand-written scenarios (or the one named, or none for ``random``) then `count` random ones."""
    if name is not None and name.startswith("random-"):
        seed, index = (int(part) for part in name.split("-")[1:3])
        return [random_scenario(seed, index)]
    chosen = [] if name == "random" else [HANDWRITTEN[name]] if name else list(HANDWRITTEN.values())
    if name is None or name == "random":
        chosen += [random_scenario(seed, index) for index in range(count)]
    return chosen


# -- reporting -----------------------------------------------------------------------------------


def decoded(data: bytes) -> str:
    """One message as our ``exabgp decode`` prints it (the hex when it can not)."""
    if data[18] == NOTIFICATION:
        return f"NOTIFICATION {data[19:].hex()}"
    if is_end_of_rib(data[19:]):
        body = data[19:]
        return "End-of-RIB " + ("ipv4 unicast" if len(body) == 4 else f"afi {body[-3:-1].hex()} safi {body[-1]}")
    done = subprocess.run(
        [sys.executable, "-m", "exabgp", "decode", data.hex()],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=30,
    )
    try:
        update = json.loads(done.stdout)["neighbor"]["message"]["update"]
    except (ValueError, KeyError, TypeError):
        return data.hex()
    return json.dumps(update, separators=(",", ":"))


def report(divergence: Divergence) -> str:
    scenario = divergence.scenario
    lines = [
        f"{'known (' + divergence.known + ')' if divergence.known else 'DIVERGENCE'}: "
        f"{scenario.name} {divergence.step}",
        f"  families {', '.join(scenario.families)}; group-updates {scenario.group_updates}; "
        f"add-path {scenario.add_path}; asn4 {scenario.asn4}; ebgp {scenario.ebgp}"
        + (f"; static {' | '.join(scenario.static)}" if scenario.static else ""),
    ]
    for number, group in enumerate(scenario.groups, 1):
        lines.append(f"  group {number}: " + " | ".join(group))
    for who, chunk in (("5.0.15", divergence.theirs), ("ours", divergence.ours)):
        lines.append(f"  {who}: acks {','.join(chunk.acks) or '-'}" + (f"; {chunk.problem}" if chunk.problem else ""))
        for data in chunk.messages:
            lines.append(f"    {decoded(data)}")
    return "\n".join(lines)


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.differential.wire", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=20, help="random scenarios")
    parser.add_argument("--scenario", help="a hand-written scenario, random-SEED-INDEX, or random (no hand-written)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the scenarios and their commands")
    parser.add_argument("-v", "--verbose", action="store_true", help="each scenario as it ends, daemon logs")
    options = parser.parse_args(arguments)
    scenarios = select(options.seed, options.count, options.scenario)
    if options.list:
        for scenario in scenarios:
            print(
                scenario.name,
                "|",
                ", ".join(scenario.families),
                "| static:" if scenario.static else "",
                " | ".join(scenario.static),
            )
            for group in scenario.groups:
                print("   ", " | ".join(group))
        return 0

    def progress(scenario, result):
        if options.verbose:
            print(f"{scenario.name}: {result.counts()}", flush=True)

    result = asyncio.run(run_all(scenarios, options.jobs, progress))
    for divergence in result.known + result.divergences:
        print(report(divergence))
        if options.verbose and not divergence.known:
            for who, text in result.logs.get(divergence.scenario.name, {}).items():
                print(f"  --- {who} log tail ---\n" + "\n".join("    " + line for line in text.splitlines()[-40:]))
    print(result.counts())
    return 1 if result.divergences else 0


if __name__ == "__main__":
    sys.exit(main())
