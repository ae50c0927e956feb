"""The controller: what the API layer asks of the reactor, declared.

The API layer (`exabgp.reactor.api`: the helpers, the CLI and their
encoders; `exabgp.reactor.commands`: what they say, done on the peers)
holds the reactor that made it, and uses only what `Controller` lists:
the log, the settings, the peers in configuration order, the BMP station
(whose routers' RIBs ``show adj-rib in`` lists too), the version it
prints, and four actions (`throttle` when a helper fills up or drains,
`reload`, `shutdown`, `dump_mrt`).  `exabgp.reactor.loop.Reactor` is the one
implementation; the type checker (``python -m qa.typecheck``) verifies that
it provides all of it where it hands itself to `exabgp.reactor.api.Api`, and
that the API layer asks for nothing more.  A `typing.Protocol` rather than a
base class: the reactor does not inherit from its clients' view of it, and
a test can hand the API layer any object with these members.
"""

from typing import Protocol

from exabgp.config.environment import Environment
from exabgp.reactor.bmp import BmpStation
from exabgp.reactor.log import Logger
from exabgp.reactor.peer import Peer


class Controller(Protocol):
    """The reactor, as the API layer sees it (module docstring)."""

    #: the daemon's log
    log: Logger
    #: the resolved settings (``api.ack``, ``api.compact``, ``api.terminate``, ...)
    environment: Environment
    #: the configured peers (not the ephemeral peers of range neighbors), in configuration order
    peers: list[Peer]
    #: the BMP station: its routers' sessions and what they keep
    bmp: BmpStation
    #: the version ``version`` answers
    version: str

    def throttle(self) -> None:
        """A helper filled up or drained: each connection stops or resumes reading accordingly."""
        ...

    def reload(self, restart: bool = False, full: bool = False) -> None:
        """Read the configuration again and apply it; `restart`: tear every session down, `full`: restart
        every helper too."""
        ...

    def dump_mrt(self) -> bool:
        """Start an MRT snapshot of the Adj-RIB-In (``dump mrt``); False when no ``mrt`` section is configured."""
        ...

    def shutdown(self) -> None:
        """Stop every peer and end the run with 0."""
        ...
