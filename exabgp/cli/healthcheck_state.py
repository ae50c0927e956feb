"""The pure half of `exabgp healthcheck`: its state machine and the API commands it writes.

No input or output here: `step` takes the current state and one check
result and gives the next state; `commands` turns a state into the lines
for ExaBGP's API (docs/compatibility.md, "Healthcheck": ExaBGP 5.0 text commands).

States (the names are the ones 5.0 logs and puts in ``STATE=``):

* INIT: the start, and the state after DISABLED once the disable file is gone;
* RISING / FALLING: checks have started to succeed / fail, and are counted;
* UP: `rise` consecutive successes; DOWN: `fall` consecutive failures;
* DISABLED: the disable file exists (checked before anything else);
* EXIT: the program is stopped (SIGTERM, SIGINT), every route is withdrawn;
* END: ``--interval 0`` after the first announcement, routes are left alone.

Entering RISING or FALLING counts as the first check, so a `rise` (or
`fall`) of 1 or less goes straight to UP (DOWN) and skips the intermediate
state.  Only UP, DOWN, DISABLED and EXIT produce commands.
"""

from exabgp.bgp.record import record

INIT, DISABLED, RISING, FALLING, UP, DOWN, EXIT, END = (
    "INIT",
    "DISABLED",
    "RISING",
    "FALLING",
    "UP",
    "DOWN",
    "EXIT",
    "END",
)

#: (state, the check succeeded) -> the state a check moves to, before rise/fall counting
TRANSITIONS = {
    (INIT, True): RISING,
    (INIT, False): FALLING,
    (RISING, True): RISING,
    (RISING, False): FALLING,
    (FALLING, True): RISING,
    (FALLING, False): FALLING,
    (UP, True): UP,
    (UP, False): FALLING,
    (DOWN, True): RISING,
    (DOWN, False): DOWN,
    (DISABLED, True): INIT,
    (DISABLED, False): INIT,
}

#: the states whose routes are sent to ExaBGP
ANNOUNCING = (UP, DOWN, DISABLED, EXIT)


def step(state: str, checks: int, disabled: bool, healthy: bool, rise: int, fall: int):
    """One iteration: return ``(state, checks)`` after a check result.

    `checks` counts the consecutive results in RISING or FALLING.  While
    `disabled` (the disable file exists) the state is DISABLED whatever the
    check says; once it is gone the next state is INIT.
    """
    if disabled:
        return DISABLED, checks
    target = TRANSITIONS[(state, healthy)]
    if target == RISING or target == FALLING:
        checks = checks + 1 if target == state else 1
        if target == RISING and checks >= rise:
            target = UP
        elif target == FALLING and checks >= fall:
            target = DOWN
    return target, checks


@record
class Routes:
    """What is announced for each IP; the optional texts are None when not given."""

    ips: tuple  #: the prefixes as text ("192.0.2.1/32"), in announcement order
    next_hop: str = "self"
    metrics: tuple = ((UP, 100), (DOWN, 1000), (DISABLED, 500))  #: MED of the first IP per state
    increase: int = 1  #: added to the MED for each following IP
    local_preference: int = -1  #: negative: not sent
    community: str | None = None
    disabled_community: str | None = None  #: replaces `community` when DOWN or DISABLED
    extended_community: str | None = None
    large_community: str | None = None
    as_path: str | None = None
    as_paths: tuple = ()  #: (state, as-path) pairs overriding `as_path`
    path_id: int | None = None
    neighbors: tuple = ()  #: neighbor addresses as text; empty or with "*": every neighbor
    withdraw_on_down: bool = False


def commands(state: str, routes: Routes) -> list:
    """The API commands for `state`, one per IP (none for INIT, RISING, FALLING, END)."""
    if state not in ANNOUNCING:
        return []
    if routes.neighbors and "*" not in routes.neighbors:
        selector = ", ".join(f"neighbor {neighbor}" for neighbor in routes.neighbors)
    else:
        selector = "neighbor *"
    withdraw = state == EXIT or (routes.withdraw_on_down and state != UP)
    metric = dict(routes.metrics).get(state, 0)
    as_path = dict(routes.as_paths).get(state)
    if as_path is None:
        as_path = routes.as_path
    community = routes.community
    if state in (DOWN, DISABLED) and routes.disabled_community:
        community = routes.disabled_community
    lines = []
    for ip in routes.ips:
        words = [selector, "withdraw" if withdraw else "announce", "route", ip, "next-hop", routes.next_hop]
        if not withdraw:
            words += ["med", str(metric)]
            if routes.local_preference >= 0:
                words += ["local-preference", str(routes.local_preference)]
            for keyword, value in (
                ("community", community),
                ("extended-community", routes.extended_community),
                ("large-community", routes.large_community),
                ("as-path", as_path),
            ):
                if value:
                    words += [keyword, f"[ {value} ]"]
        if routes.path_id:
            words += ["path-information", str(routes.path_id)]
        lines.append(" ".join(words))
        metric += routes.increase
    return lines
