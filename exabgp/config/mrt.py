"""The ``mrt`` section: MRT archives written by the daemon (an addition to ExaBGP 5.0's language).

docs/compatibility.md, "The mrt section (an addition)": 5.0 has no such section (it refuses any
top-level keyword but ``neighbor``, ``template`` and ``process``), so no 5.0
configuration changes meaning.

    mrt {
        directory /var/lib/exabgp/mrt;  # mandatory: where the files go
        updates 900;                    # seconds per updates file; 0: no updates files
        rib 7200;                       # seconds between snapshots; 0: only on ``dump mrt``
        rib-name bview;                 # bview (RIS) or rib (RouteViews)
        compress gzip;                  # none, gzip or bzip2
        view collector;                 # the view name of the snapshots' PEER_INDEX_TABLE
    }

A relative directory is read from the configuration file's directory (the
reactor resolves it: this layer does no IO).  Files are named by the start
of their period, in UTC, as RIS and RouteViews name theirs:
``updates.YYYYMMDD.HHMM`` and ``bview.YYYYMMDD.HHMM`` or ``rib.YYYYMMDD.HHMM``
(``...HHMMSS`` when the period is not a whole number of minutes), ``.gz`` or
``.bz2`` after them when compressed.  Periods start at multiples of their
length since the Unix epoch (an updates file every 900 seconds starts at
:00, :15, :30 and :45).  What is written is `exabgp.mrt.writer`'s; the files
are `exabgp.reactor.mrt`'s.  A reload applies a changed section (the files
being written finished, the new settings taking over; a removed section
stops the archive).  Snapshots hold the Adj-RIB-In of each neighbor: one
with ``adj-rib-in false`` has none, is left out of them and warned of.
"""

from exabgp.bgp.record import record
from exabgp.config import values
from exabgp.config.lexer import Statement

#: compression -> file name suffix
COMPRESSIONS = {"none": "", "gzip": ".gz", "bzip2": ".bz2"}
RIB_NAMES = ("bview", "rib")
#: the longest period (a week), in seconds
PERIOD_MAX = 7 * 86400


@record(slots=True)
class MrtSettings:
    """The ``mrt`` section; see the module docstring."""

    directory: str
    updates: int = 900
    rib: int = 7200
    rib_name: str = "bview"
    compress: str = "none"
    view: str = ""


def parse_mrt(statement: Statement) -> MrtSettings:
    """The `MrtSettings` of an ``mrt { }`` section; an error at the line of a bad or missing value."""
    if len(statement.words) != 1:
        raise statement.words[1].error("'mrt' takes no name")
    fields: dict = {}
    for line in values.block(statement):
        keyword = line.keyword
        if keyword in fields or (keyword == "rib-name" and "rib_name" in fields):
            raise line.words[0].error(f"'{keyword}' is set twice in the mrt section")
        if keyword == "directory":
            fields["directory"] = values.one(line).text
        elif keyword in ("updates", "rib"):
            fields[keyword] = values.integer(values.one(line), 0, PERIOD_MAX, f"{keyword} period in seconds")
        elif keyword == "rib-name":
            token = values.one(line)
            if token.text not in RIB_NAMES:
                raise token.error(f"'{token.text}' is not a snapshot name (bview or rib)")
            fields["rib_name"] = token.text
        elif keyword == "compress":
            token = values.one(line)
            if token.text not in COMPRESSIONS:
                raise token.error(f"'{token.text}' is not a compression (none, gzip or bzip2)")
            fields["compress"] = token.text
        elif keyword == "view":
            fields["view"] = values.one(line).text
        else:
            raise line.words[0].error(
                f"unknown mrt keyword '{keyword}' (expected directory, updates, rib, rib-name, compress or view)"
            )
    if not fields.get("directory"):
        raise statement.words[0].error("the mrt section needs a directory")
    return MrtSettings(**fields)


def mrt_text(settings: MrtSettings) -> str:
    """The canonical text of an ``mrt`` section."""
    lines = [
        "mrt {",
        f"    directory {values.quote(settings.directory)};",
        f"    updates {settings.updates};",
        f"    rib {settings.rib};",
        f"    rib-name {settings.rib_name};",
        f"    compress {settings.compress};",
    ]
    if settings.view:
        lines.append(f"    view {values.quote(settings.view)};")
    return "\n".join(lines) + "\n}\n"
