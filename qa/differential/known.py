"""The deliberate differences from ExaBGP 5.0.15: one table, each with the reason we differ.

Each `Known` names one behaviour where we knowingly differ from 5.0.15 (a bug
of 5.0.15 we fix, usually an RFC violation).  `area` says which comparison it
concerns (``wire``, ``helper``, ``decode``, ``cli``); `applies(case, ours,
theirs)` is true for exactly the compared items the difference explains (one
decoded message, one UPDATE, one helper line, one command's output), given
the case that produced them.  A comparison calls `explain(area, case, ours,
theirs)`: the name of the entry that explains the divergence, or None, and
then the divergence fails the test.  An entry must be narrow: it explains
the difference it names and nothing else.
"""

import dataclasses
import json
import re
from typing import Any, Callable, Optional


@dataclasses.dataclass(frozen=True)
class Known:
    name: str
    area: str
    reason: str  # why we differ, with the RFC (or the 5.0.15 bug) that says so
    applies: Callable[[Any, Any, Any], bool]


def _case_text(case: Any) -> str:
    """The words of a case: itself when a string (a hex payload, a command line), else its ``args`` and
    ``payload`` (the forms the comparisons give)."""
    if isinstance(case, str):
        return case
    parts = [getattr(case, "args", ()), getattr(case, "payload", "")]
    return " ".join(" ".join(map(str, part)) if isinstance(part, (list, tuple)) else str(part) for part in parts)


def _case_update(case: Any):
    """The UPDATE body of the last hexadecimal word of a case (a whole message loses its header), or None."""
    for word in reversed(_case_text(case).split()):
        try:
            data = bytes.fromhex(word)
        except ValueError:
            continue
        return data[19:] if data[:16] == b"\xff" * 16 else data
    return None


def _rtc_lengths(case: Any) -> list:
    """The prefix lengths of the ipv4 rtc NLRI (AFI 1 SAFI 132, RFC 4684) in the hex UPDATE among a case's
    words, each after a path identifier when the case decodes with ``-i`` or a ``-c`` file that negotiates
    ADD-PATH for the family (RFC 7911; 5.0.15 reads them for every family); [] when the case holds none."""
    data = _case_update(case)
    if data is None:
        return []
    addpath = "-i" in _case_text(case).split() or (hasattr(case, "options") and _addpath(case, 1, 132))
    path_id = 4 if addpath else 0
    lengths = []
    try:
        for code, value in _attributes_as_read(data) or ():  # as far as a parser reading one by one gets
            if code == 14 and bytes(value[:3]) == b"\x00\x01\x84":
                section = bytes(value[5 + value[3] :])
            elif code == 15 and bytes(value[:3]) == b"\x00\x01\x84":
                section = bytes(value[3:])
            else:
                continue
            position = path_id
            while position < len(section):
                lengths.append(section[position])
                position += 1 + (section[position] + 7) // 8 + path_id
    except Exception:  # a payload the codec refuses is no RTC case
        return []
    return lengths


def _str(value: Any) -> str:
    """The text of an output: itself, its lines joined, or the ``stdout`` it carries (a decode `Outcome`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "\n".join(map(str, value))
    return getattr(value, "stdout", "")


# ---------------------------------------------------------------- label framing (RFC 8277)

_LABELED_SAFIS = (4, 128)  # nlri-mpls, mpls-vpn


def _labeled_sections(case: Any):
    """``(afi, safi, withdraw, nlri octets)`` of each labeled / VPN MP_REACH_NLRI / MP_UNREACH_NLRI of the
    UPDATE among a case's words; nothing when there is none or our parsers can not split it."""
    from exabgp import _codec
    from exabgp._codec.errors import CodecError

    body = _case_update(case)
    try:
        attributes = _codec.walk_attributes(_codec.split_update(body)[1]) if body is not None else ()
    except CodecError:
        return
    for code, _flags, value in attributes:
        if code not in (14, 15) or len(value) < 3 or value[2] not in _LABELED_SAFIS:
            continue
        afi = int.from_bytes(value[0:2], "big")
        if code == 15:
            yield afi, value[2], True, value[3:]
        elif len(value) >= 5 and len(value) >= 5 + value[3]:
            yield afi, value[2], False, value[5 + value[3] :]


def _one_label_default_route(case, ours, theirs) -> bool:
    """5.0.15 refused the UPDATE, which has a labeled / VPN NLRI of one label field, S bit clear, leaving a
    /0 (not 0x000000, nor 0x800000 in a withdrawal): an NLRI 5.0.15 refuses (3/10) and we decode."""
    from exabgp import _codec
    from exabgp._codec.errors import CodecError

    if "invalid payload" not in _str(theirs):
        return False
    words = _case_text(case).split()
    addpaths = (True,) if "-i" in words else (False, True) if "-c" in words else (False,)
    for afi, safi, withdraw, octets in _labeled_sections(case):
        if afi not in (1, 2):
            continue
        kind = 1 if safi == 4 else 2
        for addpath in addpaths:
            try:
                items = _codec.decode_nlri(octets, afi, addpath, kind, withdraw)
            except CodecError:
                continue
            if any(
                plen == 0
                and len(labels) == 1
                and not labels[0] & 1
                and labels[0] != 0
                and not (withdraw and labels[0] == 0x800000)
                for _path, plen, _addr, labels, _rd in items
            ):
                return True
    return False


def _changes(data: bytes, scenario) -> tuple:
    """``(announced, withdrawn)`` NLRI of one message of a wire scenario (none but for an UPDATE), path identifiers
    read where the scenario negotiates ADD-PATH: its add-path families only (`qa.differential.wire.FAMILIES`)."""
    from exabgp.bgp.family import family_name
    from qa.differential.wire import FAMILIES
    from qa.wire import announced_withdrawn

    if data[18] != 2:
        return [], []
    addpath = getattr(scenario, "add_path", False) and all(
        getattr(FAMILIES.get(family_name(*family)), "add_path", False) for family in _families(data)
    )
    return announced_withdrawn(data[19:], addpath)


def _first_batch_withdrawal(case, ours, theirs) -> bool:
    """Ours is theirs plus withdrawals of NLRI the same chunk announced before them, nothing else differing."""
    if ours.acks != theirs.acks or ours.problem != theirs.problem:
        return False
    scenario = getattr(case, "scenario", None)
    announced, kept, extra = set(), [], False
    for data in ours.messages:
        added, removed = _changes(data, scenario)
        if removed and not added and all(nlri in announced for nlri in removed):
            extra = True
            continue
        announced.update(added)
        kept.append(data)
    return extra and tuple(kept) == tuple(theirs.messages)


def _route_changes(data: bytes, scenario) -> list:
    """``(kind, NLRI, attributes)`` of each NLRI a message of a wire scenario announces or withdraws (an announce's
    attributes: its path attributes, MP_REACH_NLRI without its NLRI); the message itself when not an UPDATE."""
    from exabgp._codec import split_update, walk_attributes

    if data[18] != 2:
        return [("message", data, ())]
    announced, withdrawn = _changes(data, scenario)
    attributes = tuple(
        (code, flags, bytes(value[: 5 + value[3]]) if code == 14 else bytes(value))
        for code, flags, value in walk_attributes(split_update(data[19:])[1])
        if code != 15
    )
    return [("withdraw", nlri, ()) for nlri in withdrawn] + [("announce", nlri, attributes) for nlri in announced]


def _reload_batches(case, ours, theirs) -> bool:
    """A reload keeping the session (a group ``reload``): the same answers, the same route changes (NLRI and
    attributes) and the same last change of each NLRI, only split into UPDATEs, or repeated, otherwise."""
    if not ours.commands or ours.commands[0] != "reload" or (ours.acks, ours.problem) != (theirs.acks, theirs.problem):
        return False
    scenario = getattr(case, "scenario", None)

    def changes(chunk):
        found = [change for data in chunk.messages for change in _route_changes(data, scenario)]
        return set(found), {nlri: (kind, attributes) for kind, nlri, attributes in found}

    return changes(ours) == changes(theirs)


def _answered_when_read(case, ours, theirs) -> bool:
    """Same messages, same answers, only their order differs, in a group holding a command 5.0.15 answers as
    soon as it reads it: a teardown, or a ``flush adj-rib out`` it answers ``error`` (no established peer)."""
    early = any("teardown" in line for line in ours.commands) or (
        "error" in theirs.acks and any(line.endswith("flush adj-rib out") for line in ours.commands)
    )
    return (
        early
        and ours.messages == theirs.messages
        and ours.problem == theirs.problem
        and ours.acks != theirs.acks
        and sorted(ours.acks) == sorted(theirs.acks)
    )


_FLAT_VPN = re.compile(r"(announce|withdraw) ipv[46] (mpls-vpn|flow-vpn) ")
#: the route distinguisher of the wire generator's flat forms (type 0, 65000:7), held by no other route
_FLAT_RD = bytes.fromhex("0000fde800000007")


def _flat_vpn_form(case, ours, theirs) -> bool:
    """A scenario with flat ``ipv4|ipv6 mpls-vpn`` / ``ipv4 flow-vpn`` commands (on NLRI of their own, rd
    65000:7): ours is theirs plus the UPDATEs of those NLRI, and ``done`` where 5.0.15 answered the flat flow-vpn
    ``error``; as 5.0.15 sent nothing for them, a batch of ours may be its first of the session, which carries no
    withdrawal (`_first_batch_withdrawal`)."""
    scenario = getattr(case, "scenario", None)
    if scenario is None or not any(_FLAT_VPN.match(line) for group in scenario.groups for line in group):
        return False
    if ours.problem != theirs.problem or len(ours.acks) != len(theirs.acks):
        return False
    lines = list(ours.commands) + [""] * (len(ours.acks) - len(ours.commands))
    expected = tuple(
        "error" if _FLAT_VPN.match(line) and "flow-vpn" in line and mine == "done" else mine
        for line, mine in zip(lines, ours.acks, strict=False)
    )
    # where 5.0.15 answers some commands as it reads them (`_answered_when_read`), the order may differ too
    early = any("teardown" in line or line.endswith("flush adj-rib out") for line in lines)
    if expected != tuple(theirs.acks) and not (early and sorted(expected) == sorted(theirs.acks)):
        return False

    def kind(data):  # "flat": every NLRI of the UPDATE is a flat form's, "withdraw": it only withdraws
        added, removed = _changes(data, scenario)
        if (added or removed) and all(_FLAT_RD in nlri for nlri in added + removed):
            return "flat"
        return "withdraw" if removed and not added else ""

    if any(kind(data) == "flat" for data in theirs.messages):
        return False
    kept = [data for data in ours.messages if kind(data) != "flat"]
    if kept == list(theirs.messages):
        return True
    return not any(kind(data) == "withdraw" for data in theirs.messages) and [
        data for data in kept if kind(data) != "withdraw"
    ] == list(theirs.messages)


# --------------------------------------------------------------------------- cli (qa.differential.cli)

_POSITIONED = re.compile(r"error: (\S+) is not a valid config file: \1:\d+:\d+: [^\n]+\n")


#: a line of 5.0.15's parser trace (validate -n / -r / -v): a section entered, a keyword read, a section left
_TRACE = re.compile(r"configuration   [<>.] [\w-]+ +\| ")


def _their_error_block(path: str, stderr: str) -> bool:
    """Whether `stderr` is 5.0.15's account of a bad configuration and nothing else: its ``loading`` line,
    the account logged line by line (``configuration   `` before each), then printed again after
    ``error: ``, its first line ``PATH is not a valid config file:``."""
    lines = stderr.split("\n")
    if lines[:1] != [f"configuration   loading {path}"] or lines[-1] != "" or (len(lines) - 2) % 2:
        return False
    half = (len(lines) - 2) // 2
    logged, printed = lines[1 : 1 + half], lines[1 + half : -1]
    return (
        bool(printed)
        and printed[0].startswith(f"error: {path} is not a valid config file:")
        and logged
        == ["configuration   " + printed[0][len("error: ") :]] + ["configuration   " + line for line in printed[1:]]
    )


def _configuration_error_position(form, ours, theirs) -> bool:
    """`validate` of a bad file: the same verdict, and only the text of the error differs.

    Ours: ``configuration   loading P`` then the error twice (log line and
    ``error:`` line) as ``P:LINE:COLUMN: reason``; 5.0.15's: the same first
    line and its parser's account, logged then printed after ``error:``
    (`_their_error_block`), nothing else (a traceback is no such account;
    with -n / -r / -v its parser's trace lines, ``configuration   > KEYWORD |
    VALUE``, are left out).
    """
    if form.args[:1] != ("validate",) or not ours.code == theirs.code == 1 or ours.stdout != theirs.stdout:
        return False
    lines = ours.stderr.splitlines(keepends=True)
    if len(lines) != 3 or not _POSITIONED.fullmatch(lines[2]):
        return False
    path = _POSITIONED.fullmatch(lines[2]).group(1)
    loading = f"configuration   loading {path}\n"
    account = theirs.stderr
    if _validate_flags(form):
        account = "".join(line for line in account.splitlines(keepends=True) if not _TRACE.match(line))
    return (
        lines[0] == loading
        and lines[1] == "configuration   " + lines[2][len("error: ") :]
        and _their_error_block(path, account)
    )


_BAD_SETTING = re.compile(r"invalid value for [\w.-]+ : [^\n]*\n")


def _setting_traceback(form, ours, theirs) -> bool:
    """A bad value in the env file: 5.0.15 dies with a ValueError traceback, we print its message for a bad value."""
    return (
        ours.code == theirs.code == 1
        and ours.stdout == theirs.stdout == ""
        and bool(_BAD_SETTING.fullmatch(ours.stderr))
        and theirs.stderr.startswith("Traceback (most recent call last):\n")
        and theirs.stderr.splitlines()[-1].startswith("ValueError: ")
    )


#: the lines `exabgp version` prints after 5.0.15's four: this project's version and the codec in use
_OUR_VERSION_LINES = re.compile(r"fastbgp: \d+\.\d+\.\d+\nCodec  : (compiled|pure Python) \([^\n]+\)\n")


def _version_lines(form, ours, theirs) -> bool:
    """`exabgp version`: 5.0.15's four lines unchanged, then two of ours and nothing else."""
    return (
        form.args == ("version",)
        and ours.code == theirs.code == 0
        and ours.stderr == theirs.stderr
        and ours.stdout.startswith(theirs.stdout)
        and bool(_OUR_VERSION_LINES.fullmatch(ours.stdout[len(theirs.stdout) :]))
    )


def _refused_where_5_0_accepts(reason: "re.Pattern"):
    """`validate` of a file 5.0.15 accepts (``✓ loading``, exit 0) and we refuse at its line, for `reason` only."""

    def applies(form, ours, theirs) -> bool:
        if form.args[:1] != ("validate",) or (ours.code, theirs.code) != (1, 0) or ours.stdout != theirs.stdout:
            return False
        lines = ours.stderr.splitlines(keepends=True)
        if len(lines) != 3 or not _POSITIONED.fullmatch(lines[2]):
            return False
        return (
            theirs.stderr == lines[0] + "configuration   \u2713 loading\n"
            and lines[1] == "configuration   " + lines[2][len("error: ") :]
            and bool(reason.search(lines[2]))
        )

    return applies


_PROGRESS = re.compile("configuration   (loading |\u2713 |checking )")


def _validate_progress(text: str) -> list:
    """The lines of `validate`'s stderr a user reads: the configuration progress lines, errors and warnings."""
    return [line for line in text.splitlines() if _PROGRESS.match(line) or line.startswith(("error: ", "warning: "))]


def _validate_flags(form) -> bool:
    """Whether the form is ``validate`` with some of -n, -r, -v."""
    flags = [arg for arg in form.args[1:] if arg.startswith("-") and not arg.startswith("--")]
    return form.args[:1] == ("validate",) and bool(flags) and all(set(flag[1:]) <= set("nrv") for flag in flags)


def _validate_report(form, ours, theirs) -> bool:
    """`validate -n / -r / -v`: the same exit code and progress lines; 5.0.15 prints nothing on stdout (its
    parser trace and neighbor dump go to its log), ours prints the canonical configuration and routes there."""
    return (
        _validate_flags(form)
        and ours.code == theirs.code
        and theirs.stdout == ""
        and _validate_progress(ours.stderr) == _validate_progress(theirs.stderr)
    )


_MRT_HELP_LINE = re.compile(r"^    mrt +read MRT archives[^\n]*\n", re.MULTILINE)


def _without_mrt(text: str) -> str:
    """The help text with the ``mrt`` sub-command taken out (its line, its name in the choices), lines unwrapped."""
    text = _MRT_HELP_LINE.sub("", text).replace(",mrt}", "}")
    return re.sub(r"\n +(?=\{|\.\.\.)", " ", text)  # argparse wraps the usage where the choices end


def _mrt_sub_command(form, ours, theirs) -> bool:
    """The help of `exabgp`: ours lists the ``mrt`` sub-command 5.0.15 does not have, and is otherwise the same."""
    return (
        ours.code == theirs.code
        and ",mrt}" in ours.stdout + ours.stderr
        and _without_mrt(ours.stdout) == _without_mrt(theirs.stdout)
        and _without_mrt(ours.stderr) == _without_mrt(theirs.stderr)
    )


KNOWN: list = [
    Known(
        "mrt sub-command",
        "cli",
        "`exabgp mrt` (reading MRT archives, RFC 6396) is ours: the help of `exabgp` lists it among the "
        "sub-commands, which 5.0.15 does not have; nothing else of the help differs.",
        _mrt_sub_command,
    ),
    Known(
        "rtc-partial-prefix-lengths",
        "decode",
        "RFC 4684 section 4: an RTC NLRI of 32 to 95 bits is the origin AS and a prefix of the route target, "
        "ceil(length / 8) octets; 5.0.15 reads 12 octets after every length but 0 and so refuses it (3/10) or "
        'misreads what follows.  We decode it and print its length ("prefix-length").',
        lambda case, ours, theirs: (
            '"ipv4 rtc"' in _str(ours)
            and '"prefix-length": ' in _str(ours)
            and any(32 <= length < 96 for length in _rtc_lengths(case))
        ),
    ),
    Known(
        "rtc-prefix-length-above-96",
        "decode",
        "RFC 4684 section 4: an RTC NLRI is at most 96 bits; 5.0.15 takes any length above 96 as 96 (it reads 12 "
        "octets).  We refuse it as malformed (3/10, 'invalid payload' in exabgp decode).",
        lambda case, ours, theirs: (
            _str(ours).strip() == "invalid payload" and any(length > 96 for length in _rtc_lengths(case))
        ),
    ),
    Known(
        "rtc-family-configurable",
        "cli",
        "5.0.15 refuses `ipv4 rtc` in family and add-path blocks ('invalid afi/safi pair ipv4/rtc') and has no "
        "syntax to originate RTC routes; RFC 4684 routes are configured and announced here (exabgp.config.rtc).",
        lambda case, ours, theirs: "ipv4 rtc" in _case_text(case) and "invalid afi/safi pair ipv4/rtc" in _str(theirs),
    ),
    Known(
        "rtc-family-in-decode",
        "decode",
        '`exabgp decode -f "ipv4 rtc"` (with -n too): 5.0.15 builds its family list from a configuration that '
        "refuses ipv4 rtc, and prints 'invalid payload' whatever the payload; the family is accepted here.",
        lambda case, ours, theirs: (
            "ipv4 rtc" in _case_text(case)
            and _str(theirs).strip() == "invalid payload"
            and ('"ipv4 rtc"' in _str(ours) or "-f" in _case_text(case).split())
        ),
    ),
    Known(
        "label-one-field-default-route",
        "decode",
        "RFC 8277 2.2: without the Multiple Labels Capability (we never announce it) a labeled NLRI has one "
        "label whose S bit MUST be ignored on reception; 2.4: a withdrawal's Compatibility field MUST be ignored. "
        "A label field followed by nothing but the RD is one label and the default route; 5.0.15 decides by the "
        "S bit (set, or the values 0x000000 and, withdrawing, 0x800000) and refuses the UPDATE otherwise (3/10).",
        _one_label_default_route,
    ),
    Known(
        name="first-batch-withdrawal-after-announce",
        area="wire",
        reason="5.0.15 sends no withdrawal in a session's first batch of UPDATEs, even when the batch announced "
        "the NLRI first (an announce, then a helper's withdraw with other attributes): the peer keeps a "
        "route our Adj-RIB-Out no longer holds (RFC 4271 3.2 and 9.2: the Adj-RIB-Out is what is "
        "advertised). We send that withdrawal; withdrawals of NLRI the batch did not announce are "
        "dropped as 5.0.15 drops them.",
        applies=_first_batch_withdrawal,
    ),
    Known(
        name="reload-batches",
        area="wire",
        reason="On a reload keeping the session, 5.0.15 reads the new configuration into its Adj-RIB-Out at once "
        "and its peer takes the reload (the routes of NLRI new to the configuration, queued again, and "
        "the withdrawals of those gone) in a later turn of its loop: depending on where that loop is "
        "when the reload comes, the changes leave in one batch, or in two with the new routes announced "
        "twice (a race: the same run gives one or the other). We send them once, in one batch: the "
        "routes announced and withdrawn, and what the peer ends with, are the same (RFC 4271 9.2: "
        "an UPDATE repeating an unchanged route changes nothing).",
        applies=_reload_batches,
    ),
    Known(
        name="answered-when-read",
        area="wire",
        reason="5.0.15 answers ``teardown``, and a ``flush adj-rib out`` while no session is up (``error``), as "
        "soon as it reads them, and the route commands read with them later, from its asynchronous "
        "queue: the answers come in another order than the commands (a 5.0.15 bug: with api.ack a "
        "helper pairs answers with its commands by their order). We answer each command in the order "
        "read. Nothing differs on the wire.",
        applies=_answered_when_read,
    ),
    Known(
        name="flat-vpn-forms",
        area="wire",
        reason="5.0.15 reads the flat API command ``announce ipv4|ipv6 mpls-vpn PREFIX rd .. label .. next-hop ..`` "
        "as an ipv4|ipv6 unicast route (answered ``done``, then dropped when the neighbor has no unicast "
        "family, or sent in the unicast NLRI field with a prefix length of 112 when it has one, "
        "malformed: RFC 4271 4.3; the generator draws the first case only), and answers ``error`` to the flat ``announce ipv4 flow-vpn rd .. MATCH .. ACTION``: a "
        "route a helper announced is silently lost.  We announce them as the mpls-vpn (RFC 4364) and "
        "flow-vpn (RFC 8955 section 8) routes they describe, as the ``route`` and ``flow route`` forms do.",
        applies=_flat_vpn_form,
    ),
    Known(
        "validate-report",
        "cli",
        "`exabgp validate -n / -r / -v`: 5.0.15 logs a trace of its parser (each section and keyword read, each "
        "route encoded and decoded again, field by field) and its own dump of each neighbor, its internal "
        "representation and not a configuration one can load.  Ours prints the canonical configuration (-n) "
        "and each route with its UPDATE (-r -v) on stdout.  The exit code, the progress lines (loading, checking "
        "neighbors, each neighbor, checking routes) and the errors are compared.",
        _validate_report,
    ),
    Known(
        "route too large for any UPDATE",
        "cli",
        "A configured route whose path attributes can not fit even a 65535-octet UPDATE (RFC 4271 4.3 and "
        "RFC 8654: no message can carry it) is refused at its line; 5.0.15 accepts it, then its daemon dies on "
        "it at the session's start (a struct.error traceback, the connection closed, no End-of-RIB).",
        _refused_where_5_0_accepts(re.compile(r": the route \S+ \S+ \S+ can not be sent: [^\n]+\n$")),
    ),
    Known(
        "MPLS label over 20 bits",
        "cli",
        "An MPLS label is 20 bits (RFC 3032 2.1); 5.0.15 accepts a larger value in the configuration and sends "
        "it cut to 20 bits (label 1048576 goes out as label 0), another label than the one written.  We refuse it "
        "at its line.",
        _refused_where_5_0_accepts(re.compile(r": label \d+ is out of range\n$")),
    ),
    Known(
        "listen port over 65535",
        "cli",
        "A TCP port is 16 bits (RFC 9293 3.1); 5.0.15's validate accepts 'listen 70000' and its daemon dies "
        "with a traceback when it binds the port.  We refuse it at its line.",
        _refused_where_5_0_accepts(re.compile(r": '\d+' is not a valid port \(0-65535\)\n$")),
    ),
    Known(
        "configuration error position",
        "cli",
        "A configuration error names FILE:LINE:COLUMN and the reason in one line (the project's rule for bad "
        "configuration, so that editors and users find the place); 5.0.15 prints its parser's multi-line account, "
        "often without a position or a reason.  The verdict, the exit code and the 'error: FILE is not a valid "
        "config file:' head are the same.",
        _configuration_error_position,
    ),
    Known(
        "bad setting in the env file",
        "cli",
        "5.0.15 crashes with a Python traceback on a value its parser refuses in the env file; we print the "
        "message 5.0 itself prints for a bad value ('invalid value for SECTION.KEY : VALUE') and exit 1, as "
        "bad input must never crash.",
        _setting_traceback,
    ),
    Known(
        "version names the implementation and its codec",
        "cli",
        "Not a 5.0.15 bug: this program is fastbgp, which reproduces 5.0.15.  `exabgp version` prints 5.0.15's "
        "four lines as 5.0.15 prints them (the first, 'ExaBGP : 5.0.15', is what scripts parse), then 'fastbgp: "
        "<our version>' and 'Codec  : compiled|pure Python (why)', so that an installation running the slow pure "
        'twins, or another program than ExaBGP, shows (docs/compatibility.md, "Programs and sub-commands").',
        _version_lines,
    ),
]


# -- helper: what the helpers receive (qa.differential.helper) -----------------------------------
# A line entry gets a `LineCase` (stream, helper, index) and the two masked lines; a session entry a
# `SessionCase` (stream, helper) and the two whole sequences of masked lines about that session (for
# helper ``notification``: the NOTIFICATION messages the daemon sent, whole).

_RESET = re.compile(rb"notification sent \((\d+),(\d+)\)")


def _mp_values(stream) -> list:
    """``(code, value)`` of every MP_REACH_NLRI / MP_UNREACH_NLRI of the stream's UPDATEs."""
    from exabgp._codec import split_update, walk_attributes

    found = []
    for data in stream.messages:
        if data[18] != 2:
            continue
        try:
            found.extend(
                (code, bytes(value))
                for code, _flags, value in walk_attributes(split_update(data[19:])[1])
                if code in (14, 15)
            )
        except Exception:  # a malformed UPDATE holds no MP attribute worth looking at
            continue
    return found


def _reset_instead(code: int, subcode: int, caused_by: Callable[[Any], bool]) -> Callable[[Any, Any, Any], bool]:
    """We reset the session with (code, subcode) where 5.0.15 goes on, on a stream `caused_by` accepts.

    Our lines are 5.0.15's up to the refused UPDATE, then only that UPDATE's raw form (packets
    helpers), the text encoder's blank lines, the FSM transitions and ``down`` "notification sent
    (code,subcode)"; the
    NOTIFICATION sent is that one where 5.0.15 sent none.
    """

    def applies(case, ours, theirs) -> bool:
        if type(case).__name__ != "SessionCase" or not caused_by(case.stream):
            return False
        if case.helper == "notification":
            return len(ours) == 1 and ours[0][19:21] == bytes((code, subcode)) and not theirs
        common = 0
        while common < min(len(ours), len(theirs)) and ours[common] == theirs[common]:
            common += 1
        tail = [line for line in ours[common:] if line and b'"type": "fsm"' not in line]
        if not tail or tail[-1] != _down_line(tail[-1], code, subcode):
            return False
        raw = [line for line in tail[:-1] if b" receive 2 header " not in line and b'"category": 2,' not in line]
        return not raw and not any(_RESET.search(line) for line in theirs[common:])

    return applies


def _reset_by_them(code: int, subcode: int, caused_by: Callable[[Any], bool]) -> Callable[[Any, Any, Any], bool]:
    """5.0.15 resets the session with (code, subcode) where we go on, on a stream `caused_by` accepts.

    The mirror of `_reset_instead`: 5.0.15's lines are ours up to the UPDATE it refuses, then only
    that UPDATE's raw form, blank lines and its ``down`` line; we sent no NOTIFICATION.
    """
    mirrored = _reset_instead(code, subcode, caused_by)

    def applies(case, ours, theirs) -> bool:
        return mirrored(case, theirs, ours)

    return applies


def _down_line(line: bytes, code: int, subcode: int) -> bytes:
    """`line` when it is a ``down`` line for a NOTIFICATION (code, subcode) we sent, else b""."""
    found = _RESET.search(line)
    if (
        found
        and (b'"state": "down"' in line or b" down - " in line)
        and (int(found.group(1)), int(found.group(2))) == (code, subcode)
    ):
        return line
    return b""


def _ipv6_nlri_ipv4_next_hop(stream) -> bool:
    """An MP_REACH_NLRI of AFI 2 with a 4-octet next hop (what 5.0's ``nexthop { ipv6 unicast ipv4; }`` sends)."""
    return any(code == 14 and value[:2] == b"\x00\x02" and value[3] == 4 for code, value in _mp_values(stream))


def _refused_flow_rule(stream) -> bool:
    """A FlowSpec NLRI section, framed, with a rule that does not decode (5.0.15 drops that rule alone)."""
    from exabgp._codec.errors import CodecError
    from exabgp.bgp.flow import decode_flows

    for code, value in _mp_values(stream):
        afi, safi = int.from_bytes(value[:2], "big"), value[2]
        if safi not in (133, 134):
            continue
        section = value[3:] if code == 15 else value[5 + value[3] :]
        try:
            decode_flows(afi, safi, section)
        except CodecError:
            return True
    return False


def _several_vpls(stream) -> bool:
    """A VPLS NLRI section (RFC 4761) holding more than one NLRI of 17 octets."""
    return any(
        value[:3] == b"\x00\x19\x41" and len(value[3:] if code == 15 else value[5 + value[3] :]) > 19
        for code, value in _mp_values(stream)
    )


def _extended_next_hop_elsewhere(stream) -> bool:
    """An extended next hop negotiated (RFC 8950) and an MP_REACH_NLRI of L2VPN (EVPN, VPLS) or FlowSpec."""
    return bool(stream.capabilities.extended_next_hop) and any(
        code == 14 and (value[:2] == b"\x00\x19" or value[2] in (133, 134)) for code, value in _mp_values(stream)
    )


def _rfc7606_instead_of_reset(stream) -> bool:
    """An UPDATE whose ORIGINATOR_ID, CLUSTER_LIST or PMSI_TUNNEL is malformed (RFC 7606 treat-as-withdraw),
    or AS4_PATH / AS4_AGGREGATOR (RFC 6793 section 6: discard), the attributes 5.0.15 resets on."""
    from exabgp._codec import split_update, walk_attributes

    sizes = {9: (4,), 10: None, 17: None, 18: (8,), 22: None}
    for data in stream.messages:
        if data[18] != 2:
            continue
        try:
            for code, _flags, value in walk_attributes(split_update(data[19:])[1]):
                if code not in sizes:
                    continue
                if code == 10 and (not value or len(value) % 4):
                    return True
                if sizes[code] is not None and len(value) not in sizes[code]:
                    return True
        except Exception:
            continue
    return False


def _repeated_mp_attribute(stream) -> bool:
    """An UPDATE carrying MP_REACH_NLRI (or MP_UNREACH_NLRI) twice (octets walked by hand: the codec refuses it)."""
    for data in stream.messages:
        if data[18] != 2 or len(data) < 23:
            continue
        body = data[19:]
        withdrawn = int.from_bytes(body[:2], "big")
        start = 4 + withdrawn
        end = start + int.from_bytes(body[2 + withdrawn : 4 + withdrawn], "big")
        codes = []
        position = start
        while position + 3 <= min(end, len(body)):
            flags, code = body[position], body[position + 1]
            size = 4 if flags & 0x10 else 3
            length = int.from_bytes(body[position + 2 : position + size], "big")
            codes.append(code)
            position += size + length
        if codes.count(14) > 1 or codes.count(15) > 1:
            return True
    return False


def _repeated_mp_reach(case, ours, theirs) -> bool:
    if not _repeated_mp_attribute(case.stream):
        return False
    if type(case).__name__ == "LineCase":
        return ours == theirs.replace(b"notification sent (3,9)", b"notification sent (3,1)") and b"(3,9)" in theirs
    return (
        case.helper == "notification"
        and len(ours) == len(theirs) == 1
        and ours[0][19:21] == b"\x03\x01"
        and theirs[0][19:21] == b"\x03\x09"
    )


def _non_ascii_hostname(case, ours, theirs) -> bool:
    """5.0.15's lines of a session whose OPEN announces a non-ASCII host name: ours up to where it breaks
    (its text OPEN line, or its JSON negotiated line), then down with no reason."""
    if type(case).__name__ != "SessionCase" or case.helper == "notification":
        return False
    names = [value for code, value in case.stream.capabilities.announced if code == 73]
    if not any(not value.isascii() for value in names):
        return False
    common = 0
    while common < min(len(ours), len(theirs)) and ours[common] == theirs[common]:
        common += 1
    told = [line for line in theirs[common:] if line and b'"type": "fsm"' not in line]
    return (
        common > 0
        and len(told) == 1
        and (told[0].endswith(b" down - ") or told[0].endswith(b'"state": "down", "reason": "" } }'))
    )


def _mup_t1st_comma(case, ours, theirs) -> bool:
    return (
        type(case).__name__ == "LineCase"
        and b'""source_ip_len"' in theirs
        and ours == theirs.replace(b'""source_ip_len"', b'", "source_ip_len"')
    )


_SRV6_SID = re.compile(rb'"sid": "[0-9a-f:.]+", "flags": (\d+), "endpoint_behavior": \d+')


def _srv6_sid_json(case, ours, theirs) -> bool:
    return (
        type(case).__name__ == "LineCase"
        and b'"sid": "%s"' in theirs
        and _SRV6_SID.sub(rb'"sid": "%s", "flags": \1, "endpoint_behavior": %d', ours) == theirs
    )


KNOWN += [
    Known(
        "mup-t1st-comma",
        "helper",
        "5.0.15's JSON of a MUP Type 1 Session Transformed route lacks the comma before "
        "source_ip_len (RFC 8259: not JSON); we write it",
        _mup_t1st_comma,
    ),
    Known(
        "srv6-sid-json",
        "helper",
        "5.0.15 prints the SRv6 SID information TLV (RFC 9252) as the literal format strings "
        '"%s" and %d (not JSON); we print the SID and the endpoint behavior',
        _srv6_sid_json,
    ),
    Known(
        "ipv6-nlri-ipv4-next-hop",
        "helper",
        "an MP_REACH_NLRI for IPv6 with a 4-octet next hop: RFC 2545 / RFC 4760 define 16 or 32 "
        "octets, and RFC 7606 section 7.11 makes an inconsistent next hop length a session reset "
        "(3/9, RFC 4760 section 7); 5.0.15 accepts it as an IPv4 next hop",
        _reset_instead(3, 9, _ipv6_nlri_ipv4_next_hop),
    ),
    Known(
        "flow-rule-refused-whole",
        "helper",
        "a FlowSpec NLRI that does not decode is malformed NLRI: RFC 7606 section 5.3 / RFC 8955 "
        "section 4.2 leave session reset (3/10) where treat-as-withdraw cannot apply; 5.0.15 drops "
        'that rule and keeps the others (docs/compatibility.md, "Families on the wire")',
        _reset_instead(3, 10, _refused_flow_rule),
    ),
    Known(
        "hostname-non-ascii",
        "helper",
        "an OPEN whose hostname capability (draft-walton-bgp-hostname-capability: UTF-8) is not ASCII: "
        "5.0.15's parsed helpers break on it and it closes the session without a NOTIFICATION (down, "
        "empty reason), against RFC 4271 section 6; we print the name",
        _non_ascii_hostname,
    ),
    Known(
        "mp-reach-repeated",
        "helper",
        "RFC 7606 section 3 g: MP_REACH_NLRI or MP_UNREACH_NLRI appearing twice is Malformed "
        "Attribute List (3/1); 5.0.15 sends 3/9",
        _repeated_mp_reach,
    ),
    Known(
        "vpls-several-nlri",
        "helper",
        "RFC 4760 section 5 / RFC 4761 section 3.2.2: an MP_REACH_NLRI may carry several VPLS NLRI; "
        "5.0.15 checks each length against the whole rest of the section and resets (3/10) "
        '(docs/compatibility.md, "Families on the wire")',
        _reset_by_them(3, 10, _several_vpls),
    ),
    Known(
        "extended-next-hop-other-families",
        "helper",
        "RFC 8950 extends the next hop of the families it lists only; with an extended next hop "
        "negotiated 5.0.15 sizes every MP_REACH_NLRI next hop as the (next hop AFI, SAFI) family's: it "
        "fails on EVPN and VPLS (1/0, 'can not decode update message') and refuses FlowSpec (3/9)",
        lambda case, ours, theirs: (
            _reset_by_them(1, 0, _extended_next_hop_elsewhere)(case, ours, theirs)
            or _reset_by_them(3, 9, _extended_next_hop_elsewhere)(case, ours, theirs)
        ),
    ),
    Known(
        "rfc7606-where-5.0.15-resets",
        "helper",
        "RFC 7606 sections 7.9 / 7.10 (ORIGINATOR_ID, CLUSTER_LIST: treat-as-withdraw), RFC 6793 "
        "section 6 (AS4_PATH / AS4_AGGREGATOR: attribute discard), PMSI_TUNNEL treat-as-withdraw, "
        'where 5.0.15 resets the session (3/5 or 3/1..) (docs/compatibility.md, "Malformed UPDATEs")',
        lambda case, ours, theirs: any(
            _reset_by_them(3, subcode, _rfc7606_instead_of_reset)(case, ours, theirs) for subcode in range(1, 12)
        ),
    ),
]


# ---------------------------------------------------------------- helper: RFC 4271 / 7606 answers (issue 9)
#
# The helper comparison's feeder is an external peer (AS 65001 to the daemons' 65000).  These entries read
# the stream's UPDATEs with our own parsers and each line with `json` or as words.


def _stream_attributes(stream):
    """``(nlri field, [(code, flags, value)])`` of each UPDATE of the stream that splits (first occurrences)."""
    for data in stream.messages:
        if len(data) > 18 and data[18] == 2:
            parts = _parts(data)
            if parts is not None:
                yield bool(parts[2]), parts[1]


def _missing_mandatory(stream) -> bool:
    """An UPDATE announcing routes without ORIGIN, AS_PATH, or NEXT_HOP for the NLRI field (RFC 7606 3 d)."""
    for nlri_field, attributes in _stream_attributes(stream):
        codes = {code for code, _flags, _value in attributes}
        if (nlri_field and not {1, 2, 3} <= codes) or (14 in codes and not {1, 2} <= codes):
            return True
    return False


def _malformed_origin(stream) -> bool:
    """An UPDATE whose ORIGIN is not one octet of 0, 1 or 2 (RFC 7606 section 7.1)."""
    return any(
        code == 1 and (len(value) != 1 or value[0] > 2)
        for _nlri, attributes in _stream_attributes(stream)
        for code, _flags, value in attributes
    )


def _malformed_local_pref(stream) -> bool:
    """An UPDATE whose LOCAL_PREF is not 4 octets or not flagged well-known (RFC 7606 section 7.5)."""
    return any(
        code == 5 and (len(value) != 4 or flags & 0xE0 != 0x40)
        for _nlri, attributes in _stream_attributes(stream)
        for code, flags, value in attributes
    )


def _discard_flags_conflict_in(attributes) -> bool:
    """Whether an attribute-discard attribute of these ``(code, flags, value)`` has Optional / Transitive bits
    that are not its own."""
    from exabgp.bgp import attribute

    for code, flags, _value in attributes:
        spec = attribute.ATTRIBUTES.get(code)
        if spec is not None and spec.action == attribute.ATTRIBUTE_DISCARD:
            received = flags & (attribute.OPTIONAL | attribute.TRANSITIVE | attribute.PARTIAL)
            if spec.flags & attribute.OPTIONAL:
                received &= ~attribute.PARTIAL
            if received != spec.flags:
                return True
    return False


def _discard_flags_conflict(stream) -> bool:
    """An UPDATE of the stream with an attribute-discard attribute whose flags are not its own."""
    return any(_discard_flags_conflict_in(attributes) for _nlri, attributes in _stream_attributes(stream))


def _unrecognized_well_known(stream) -> bool:
    """An UPDATE with an attribute our table does not know and whose Optional bit is clear (RFC 4271 6.3)."""
    from exabgp.bgp import attribute

    return any(
        code not in attribute.ATTRIBUTES and not flags & attribute.OPTIONAL
        for _nlri, attributes in _stream_attributes(stream)
        for code, flags, _value in attributes
    )


_MASKED = re.compile(rb"(: )\*(?=[,} ])")


def _line_update(line: bytes):
    """``(envelope without the update, update)`` of a helper's JSON update line (its masked fields read as 0),
    or None."""
    if not line.startswith(b"{") or b'"type": "update"' not in line:
        return None
    try:
        whole = json.loads(_MASKED.sub(rb"\g<1>0", line))
        update = whole["neighbor"]["message"].pop("update")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return whole, update


def _nlri_of(section) -> list:
    found = []
    for family in (section or {}).values():
        for group in family.values() if isinstance(family, dict) else [family]:
            found.extend(json.dumps(item, sort_keys=True) for item in group)
    return sorted(found)


def _json_withdrawn(ours: bytes, theirs: bytes, hidden: set) -> bool:
    """Our JSON line is 5.0.15's taken as withdrawn (RFC 7606 treat-as-withdraw): its attributes less
    `hidden`, an error "treat-as-withdraw...", every NLRI under withdraw."""
    mine, them = _line_update(ours), _line_update(theirs)
    if mine is None or them is None or mine[0] != them[0]:
        return False
    mine_attributes = dict(mine[1].get("attribute", {}))
    them_attributes = {key: value for key, value in them[1].get("attribute", {}).items() if key not in hidden}
    error = mine_attributes.pop("error", "")
    return (
        error.startswith("treat-as-withdraw")
        and "error" not in them_attributes
        and mine_attributes == them_attributes
        and "announce" not in mine[1]
        and _nlri_of(mine[1].get("withdraw"))
        == sorted(_nlri_of(them[1].get("announce")) + _nlri_of(them[1].get("withdraw")))
    )


def _text_withdrawn(ours: bytes, theirs: bytes) -> bool:
    """Our text line withdraws the route 5.0.15's announces (same neighbor, prefix and next hop)."""
    mine, them = ours.split(), theirs.split()
    return (
        len(mine) >= 6
        and len(them) >= 6
        and mine[:4] == them[:4]
        and mine[4] == b"withdrawn"
        and them[4] == b"announced"
        and mine[5] == them[5]
        and (mine[6:] == [] or (them[6:7] == [b"next-hop"] and mine[6:] == them[6:8]))
    )


def _withdrawn_instead(caused_by, hidden: set):
    """A line where we treat-as-withdraw what 5.0.15 announces, on a stream `caused_by` accepts."""

    def applies(case, ours, theirs) -> bool:
        if type(case).__name__ != "LineCase" or not caused_by(case.stream):
            return False
        return _json_withdrawn(ours, theirs, hidden) or _text_withdrawn(ours, theirs)

    return applies


def _discard_said(case, ours, theirs) -> bool:
    """Our line is 5.0.15's with the attribute discard said ("error": "discard", text "error discard")."""
    if type(case).__name__ != "LineCase" or not _discard_flags_conflict(case.stream):
        return False
    if ours == theirs + b" error discard":
        return True
    mine, them = _line_update(ours), _line_update(theirs)
    if mine is None or them is None or mine[0] != them[0]:
        return False
    attributes = dict(mine[1].get("attribute", {}))
    return attributes.pop("error", None) == "discard" and {**mine[1], "attribute": attributes} == them[1]


def _local_pref_discarded(case, ours, theirs) -> bool:
    """Our line announces with "discard" what 5.0.15 treats as withdrawn: a malformed LOCAL_PREF from the
    (external) feeder."""
    if type(case).__name__ != "LineCase" or not _malformed_local_pref(case.stream):
        return False
    mine_words, them_words = ours.split(), theirs.split()
    if (
        len(mine_words) >= 8
        and mine_words[4] == b"announced"
        and them_words[4:5] == [b"withdrawn"]
        and mine_words[:4] == them_words[:4]
        and mine_words[5] == them_words[5]
        and mine_words[-2:] == [b"error", b"discard"]
        and them_words[6:] in ([], mine_words[6:8])
    ):
        return True
    mine, them = _line_update(ours), _line_update(theirs)
    if mine is None or them is None or mine[0] != them[0]:
        return False
    mine_attributes, them_attributes = dict(mine[1].get("attribute", {})), dict(them[1].get("attribute", {}))
    return (
        mine_attributes.pop("error", None) == "discard"
        and them_attributes.pop("error", "").startswith("treat-as-withdraw")
        and mine_attributes == them_attributes
        and "withdraw" not in mine[1]
        and _nlri_of(mine[1].get("announce")) == _nlri_of(them[1].get("withdraw"))
    )


KNOWN += [
    Known(
        "missing-mandatory-attribute",
        "helper",
        "an UPDATE announcing routes without ORIGIN, AS_PATH, or NEXT_HOP for the NLRI field (RFC 4271 "
        "section 5, RFC 4760 section 3) is treat-as-withdraw (RFC 7606 section 3 d); 5.0.15 announces them",
        _withdrawn_instead(_missing_mandatory, set()),
    ),
    Known(
        "origin-malformed",
        "helper",
        "an ORIGIN of another length than 1 or a value above 2 is treat-as-withdraw (RFC 7606 section 7.1); "
        '5.0.15 announces the routes (with origin "invalid" for an undefined value)',
        _withdrawn_instead(_malformed_origin, {"origin"}),
    ),
    Known(
        "local-pref-external-discard",
        "helper",
        "a malformed LOCAL_PREF from an external peer is attribute discard (RFC 7606 section 7.5); 5.0.15 "
        "treats the routes as withdrawn",
        _local_pref_discarded,
    ),
    Known(
        "discard-flags-said",
        "helper",
        "an attribute-discard attribute (ATOMIC_AGGREGATE, AGGREGATOR, AS4_PATH, AS4_AGGREGATOR, AIGP, "
        "BGP-LS, Prefix-SID) with wrong flags is discarded as a malformed value is (RFC 7606 section 3 c then "
        "the attribute's own section) and said so (error discard); 5.0.15 drops it silently",
        _discard_said,
    ),
    Known(
        "unrecognized-well-known-3-2",
        "helper",
        "an attribute we do not know whose Optional bit is clear is an Unrecognized Well-known Attribute: "
        "3/2 (RFC 4271 section 6.3; RFC 7606 does not change it); 5.0.15 accepts it",
        _reset_instead(3, 2, _unrecognized_well_known),
    ),
]


def explain(area: str, case: Any, ours: Any, theirs: Any) -> Optional[str]:
    """The name of the known difference that explains `ours` != `theirs` for `case`, or None."""
    for known in KNOWN:
        if known.area == area and known.applies(case, ours, theirs):
            return known.name
    return None


# ---------------------------------------------------------------- decode: what a case's message and context are
#
# The predicates of the ``decode`` area read the case (`qa.differential.decode.Case`: its options and its
# message) with our own parsers: the UPDATE's parts (`exabgp._codec`), the context a ``-c`` file negotiates
# (`exabgp.cli.decode.negotiated`).  A message our parsers can not split explains nothing.

_INVALID = ("invalid payload",)


def _decode_case(predicate):
    """`predicate` for `qa.differential.decode` cases and outcomes only: other callers' forms (a hex string,
    an ``(exit code, stdout)`` pair) are not what it reads, and it explains nothing of them."""

    def applies(case, ours, theirs) -> bool:
        if not (hasattr(case, "message") and hasattr(ours, "lines") and hasattr(theirs, "lines")):
            return False
        return predicate(case, ours, theirs)

    applies.__doc__ = predicate.__doc__
    return applies


def _body(message: bytes) -> bytes:
    if message[:16] == b"\xff" * 16:
        return message[19 : int.from_bytes(message[16:18], "big")]
    return message


def _parts(message: bytes):
    """``(withdrawn, [(code, flags, value)], nlri)`` of an UPDATE, or None when it does not split."""
    from exabgp import _codec
    from exabgp._codec.errors import CodecError

    try:
        withdrawn, section, nlri = _codec.split_update(_body(message))
        return withdrawn, _codec.walk_attributes(section), nlri
    except CodecError:
        return None


def _families(message: bytes) -> set:
    """The (afi, safi) an UPDATE carries routes or an End-of-RIB of (empty when it does not split)."""
    parts = _parts(message)
    if parts is None:
        return set()
    withdrawn, attributes, nlri = parts
    found = {(1, 1)} if withdrawn or nlri else set()
    found.update(
        (int.from_bytes(value[0:2], "big"), value[2])
        for code, _, value in attributes
        if code in (14, 15) and len(value) >= 3
    )
    return found


def _attribute(message: bytes, code: int):
    parts = _parts(message)
    for found, _, value in parts[1] if parts else ():
        if found == code:
            return value
    return None


def _option(case, flag: str):
    options = list(case.options)
    return options[options.index(flag) + 1] if flag in options[:-1] else None


_CONTEXTS = {}


def _context(case):
    """The CodecContext our ``exabgp decode`` negotiates for the case's ``-c`` file (None without one)."""
    path = _option(case, "-c")
    if path is None:
        return None
    if path not in _CONTEXTS:
        from exabgp.cli.decode import negotiated
        from exabgp.config.neighbor import parse

        with open(path, encoding="utf-8") as stream:
            _CONTEXTS[path] = negotiated(parse(stream.read(), path).neighbors[0])
    return _CONTEXTS[path]


def _update(outcome):
    """The ``message.update`` object of a one-line decode, or None."""
    if outcome.code != 0 or len(outcome.lines) != 1 or not isinstance(outcome.lines[0], dict):
        return None
    return outcome.lines[0].get("neighbor", {}).get("message", {}).get("update")


# ---------------------------------------------------------------- decode: the predicates


def _family_outside_f(case, ours, theirs) -> bool:
    words = (_option(case, "-f") or "").split()
    if not words or theirs.lines != _INVALID or ours.code != 0:
        return False
    from exabgp.bgp.family import family_from_name

    allowed = {family_from_name(f"{words[n]} {words[n + 1]}") for n in range(0, len(words) - 1, 2)}
    return bool(_families(case.message) - allowed)


#: the attributes 5.0.15 resets the session on when malformed, where RFC 7606 section 7.9 (ORIGINATOR_ID),
#: 7.10 (CLUSTER_LIST), RFC 6514 section 5 / RFC 7606 (PMSI_TUNNEL, treat-as-withdraw), RFC 6793 section 6
#: (AS4_PATH, AS4_AGGREGATOR) and RFC 7311 section 3 (AIGP) keep the session: attribute discard or
#: treat-as-withdraw
_RESET_IN_5_0 = (9, 10, 17, 18, 22, 26)


def _malformed(code: int, value: bytes) -> bool:
    """Whether our attribute table (RFC 7606 applied) finds this one attribute malformed."""
    from exabgp import _codec
    from exabgp.bgp.attribute import decode_attributes
    from exabgp.bgp.context import CodecContext

    flags = 0x40 if code == 17 or code == 18 or code == 22 else 0
    attributes = decode_attributes(_codec.encode_attribute(code, 0x80 | flags, value), CodecContext(aigp=True))
    return attributes.discard is not None or attributes.treat_as_withdraw is not None


def _attributes_as_read(message: bytes):
    """``(code, value)`` of the attributes in wire order, read as a parser going one by one does: a
    length running past the section ends the walk with what is left (None when the body does not split)."""
    body = _body(message)
    if len(body) < 4:
        return None
    withdrawn = int.from_bytes(body[0:2], "big")
    start = 4 + withdrawn
    if start > len(body):
        return None
    section = body[start : start + int.from_bytes(body[2 + withdrawn : 4 + withdrawn], "big")]
    found, position = [], 0
    while position + 3 <= len(section):
        flags, code = section[position], section[position + 1]
        header = 4 if flags & 0x10 else 3
        if position + header > len(section):
            break
        size = int.from_bytes(section[position + 2 : position + header], "big")
        found.append((code, section[position + header : position + header + size]))
        position += header + size
    return found


def _decode_rfc7606_instead_of_reset(case, ours, theirs) -> bool:
    """A malformed attribute 5.0.15 resets on (ORIGINATOR_ID, CLUSTER_LIST, PMSI_TUNNEL, AS4_PATH,
    AS4_AGGREGATOR), where we apply RFC 7606 / RFC 6793 and show the error."""
    update = _update(ours)
    if theirs.lines != _INVALID or update is None:
        return False
    error = update.get("attribute", {}).get("error", "")
    if not (error.startswith("treat-as-withdraw") or error == "discard"):
        return False
    for code, value in _attributes_as_read(case.message) or ():
        if code in _RESET_IN_5_0 and _malformed(code, value):
            return True
    return False


def _nexthop_5_0_accepts(afi: int, safi: int, length: int) -> bool:
    """5.0.15's next-hop check once any extended next hop is negotiated: the length alone picks the AFI."""
    from exabgp.bgp.nlri import NEXTHOP_SIZES

    if length in (16, 24, 32):
        nexthop_afi = 2
    elif length in (4, 12):
        nexthop_afi = 1
    else:
        return False
    return length in NEXTHOP_SIZES.get((nexthop_afi, safi), ((), 0))[0]


def _nexthop_we_accept(afi: int, safi: int, length: int, ctx) -> bool:
    """Ours: the family's own next-hop sizes (RFC 4760), the other AFI's only where RFC 8950 negotiated it."""
    from exabgp.bgp.nlri import NEXTHOP_SIZES

    if length in NEXTHOP_SIZES.get((afi, safi), ((), 0))[0]:
        return True
    other = 2 if length in (16, 24, 32) else 1
    return (afi, safi, other) in ctx.extended_nexthop and length in NEXTHOP_SIZES.get((other, safi), ((), 0))[0]


def _extended_nexthop_every_family(case, ours, theirs) -> bool:
    ctx = _context(case)
    value = _attribute(case.message, 14)
    if ctx is None or not ctx.extended_nexthop or value is None or len(value) < 4:
        return False
    afi, safi, length = int.from_bytes(value[0:2], "big"), value[2], value[3]
    five, mine = _nexthop_5_0_accepts(afi, safi, length), _nexthop_we_accept(afi, safi, length, ctx)
    if five == mine:
        return False
    return (theirs.lines == _INVALID and not five and ours.code == 0) or (
        ours.lines == _INVALID and not mine and theirs.code == 0
    )


def _addpath(case, afi: int, safi: int) -> bool:
    """Whether the case's context reads path identifiers for the family (``-i``, or its ``-c`` file)."""
    if "-i" in case.options:
        return True
    ctx = _context(case)
    return ctx is not None and ctx.receives_path_id(afi, safi)


def _flow_section_refused_whole(case, ours, theirs) -> bool:
    """We refuse an UPDATE whose FlowSpec section our decoder finds malformed; 5.0.15 printed something."""
    if ours.lines != _INVALID or theirs.code != 0:
        return False
    from exabgp._codec.errors import CodecError
    from exabgp.bgp import nlri

    for code in (14, 15):
        value = _attribute(case.message, code)
        if value is None or len(value) < 4 or value[2] not in (133, 134):
            continue
        afi, safi = int.from_bytes(value[0:2], "big"), value[2]
        try:
            nlri.decode(afi, safi, value[5 + value[3] :] if code == 14 else value[3:], _addpath(case, afi, safi))
        except CodecError:
            return True
    return False


def _vpls_several_nlri(case, ours, theirs) -> bool:
    if theirs.lines != _INVALID or _update(ours) is None:
        return False
    for code in (14, 15):
        value = _attribute(case.message, code)
        if value is None or len(value) < 3 or (int.from_bytes(value[0:2], "big"), value[2]) != (25, 65):
            continue
        nlri = value[5 + value[3] :] if code == 14 and len(value) > 3 else value[3:]
        routes = [
            announced
            for family in _update(ours).get("announce" if code == 14 else "withdraw", {}).get("l2vpn vpls", {})
            for announced in (family if isinstance(family, list) else [family])
        ]
        if len(nlri) > 19 or len(routes) > 1:
            return True
    return False


def _repaired_equal(ours, theirs, repair) -> bool:
    """True when every line 5.0.15 printed that is not JSON becomes ours once `repair` rewrote it."""
    if ours.code != theirs.code or len(ours.lines) != len(theirs.lines):
        return False
    import json

    repaired = False
    for mine, line in zip(ours.lines, theirs.lines, strict=False):
        if isinstance(line, str) and not isinstance(mine, str):
            try:
                fixed = json.loads(repair(line))
            except ValueError:
                return False
            mine, line, repaired = _masked_for(mine, fixed), fixed, True
        if mine != line:
            return False
    return repaired


def _masked_for(mine, fixed):
    """`mine` with what 5.0.15's broken template could not print replaced as in `fixed`."""
    import json

    text = json.dumps(mine)
    if "%s" in json.dumps(fixed):
        text = re.sub(r'"sid": "[^"]*"', '"sid": "%s"', text)
        text = re.sub(r'"endpoint_behavior": \d+', '"endpoint_behavior": 0', text)
    return json.loads(text)


def _decode_mup_t1st_comma(case, ours, theirs) -> bool:
    return _repaired_equal(ours, theirs, lambda line: line.replace('""source_ip_len"', '", "source_ip_len"'))


def _srv6_sid_template(case, ours, theirs) -> bool:
    return _repaired_equal(
        ours,
        theirs,
        lambda line: (
            line.replace('"sid": "%s"', '"sid": "%s"')
            .replace('"endpoint_behavior": %d', '"endpoint_behavior": 0')
            .replace('""source_ip_len"', '", "source_ip_len"')
        ),
    )


def _mup_unknown(route) -> bool:
    """A MUP NLRI 5.0.15 does not decode: an architecture other than 3GPP-5G (1) or an unknown route type."""
    return route.get("arch") != 1 or route.get("code") not in (1, 2, 3, 4)


def _mup_normal(update, name: str):
    """The update with every ``* mup`` family merged under `name`, the NLRI sorted, and the octets and
    architecture of the undecoded ones left out (5.0.15 rewrites them)."""
    import json

    normal = {key: value for key, value in update.items() if key not in ("announce", "withdraw")}
    for action in ("announce", "withdraw"):
        merged = {}
        for family, content in update.get(action, {}).items():
            if not family.endswith(" mup"):
                merged[family] = content
                continue
            groups = content.items() if isinstance(content, dict) else [(None, content)]
            for nexthop, routes in groups:
                kept = [
                    {key: item for key, item in route.items() if not (_mup_unknown(route) and key in ("raw", "arch"))}
                    for route in routes
                ]
                merged.setdefault(name, {}).setdefault(nexthop, []).extend(kept)
        if name in merged:
            merged[name] = {nexthop: sorted(routes, key=json.dumps) for nexthop, routes in merged[name].items()}
        if merged:
            normal[action] = merged
    return normal


def _mup_unknown_type(case, ours, theirs) -> bool:
    families = {family for family in _families(case.message) if family[1] == 85}
    mine, them = _update(ours), _update(theirs)
    if len(families) != 1 or mine is None or them is None:
        return False
    from exabgp.bgp.family import family_name

    name = family_name(*families.pop())
    unknown = any(
        _mup_unknown(route)
        for family in list(mine.get("announce", {})) + list(mine.get("withdraw", {}))
        if family.endswith(" mup")
        for route in _routes(mine, family)
    )
    return unknown and _mup_normal(mine, name) == _mup_normal(them, name)


def _flags_conflicts(message: bytes) -> set:
    """The JSON keys of the attributes whose first occurrence has Optional / Transitive bits that are not
    their own (RFC 7606 section 3 c, and 3 g: later occurrences are discarded)."""
    from exabgp.bgp import attribute

    parts = _parts(message)
    found = set()
    for code, flags, _ in parts[1] if parts else ():  # the walk keeps the first occurrence of each code
        spec = attribute.ATTRIBUTES.get(code)
        if spec is None or spec.action != attribute.TREAT_AS_WITHDRAW:
            continue
        received = flags & (attribute.OPTIONAL | attribute.TRANSITIVE | attribute.PARTIAL)
        if spec.flags & attribute.OPTIONAL:
            received &= ~attribute.PARTIAL
        if received != spec.flags:
            found.add(spec.key)
    return found


def _without(update, keys):
    return {
        key: ({name: item for name, item in value.items() if name not in keys} if key == "attribute" else value)
        for key, value in update.items()
    }


def _flags_treat_as_withdraw(case, ours, theirs) -> bool:
    """5.0.15 ignores an attribute with conflicting flags (and takes a repeat of it) and says nothing."""
    mine, them = _update(ours), _update(theirs)
    if mine is None or them is None or mine.get("attribute", {}).get("error") != "treat-as-withdraw":
        return False
    conflicts = _flags_conflicts(case.message)
    if "error" in them.get("attribute", {}) or not conflicts:
        return False
    return _without(mine, conflicts | {"error"}) == _without(them, conflicts)


def _attribute_keys(update, code: int) -> set:
    """The keys of an update's attribute object that name attribute `code`."""
    from exabgp.bgp import attribute

    spec = attribute.ATTRIBUTES.get(code)
    prefix = f"attribute-0x{code:02X}-"
    return {key for key in update.get("attribute", {}) if key.startswith(prefix) or (spec and key == spec.key)}


def _repeated_attribute(case, ours, theirs) -> bool:
    """An attribute repeated in the UPDATE: the outputs differ only in what they show of it."""
    mine, them = _update(ours), _update(theirs)
    if mine is None or them is None:
        return False
    codes = [code for code, _ in _attributes_as_read(case.message) or () if code not in (14, 15)]
    repeated = {code for code in codes if codes.count(code) > 1}
    if not repeated:
        return False
    keys = set().union(*(_attribute_keys(mine, code) | _attribute_keys(them, code) for code in repeated))
    return _without(mine, keys) == _without(them, keys)


def _routes(update, name):
    """The NLRI objects of family `name` in an update's announce and withdraw lists."""
    for group in update.get("announce", {}).get(name, {}).values():
        yield from group
    yield from update.get("withdraw", {}).get(name, [])


def _labeled_without_label(case, ours, theirs) -> bool:
    if ours.lines != _INVALID or theirs.code != 0:
        return False
    from exabgp.bgp.family import family_from_name, family_name

    if "-n" in case.options:  # decode -n: one NLRI object a line, of the -f family
        family = family_from_name(_option(case, "-f") or "")
        return (
            family is not None
            and family[1] in (4, 128)
            and any(isinstance(route, dict) and "label" not in route for route in theirs.lines)
        )
    update = _update(theirs)
    if update is None:
        return False
    labeled = [family_name(*family) for family in _families(case.message) if family[1] in (4, 128)]
    return any("label" not in route for name in labeled for route in _routes(update, name))


def _bgpls_without_node_descriptors(case, ours, theirs) -> bool:
    """5.0.15 printed a BGP-LS NLRI with no (local) node descriptors, which we refuse."""
    update = _update(theirs)
    if ours.lines != _INVALID or update is None:
        return False
    return any(
        route.get("node-descriptors", route.get("local-node-descriptors")) == []
        for route in _routes(update, "bgp-ls bgp-ls")
    )


def _oracle_crash(case, ours, theirs) -> bool:
    return theirs.code == "crash"


KNOWN.extend(
    [
        Known(
            "decode -f keeps other families",
            "decode",
            "decode -f does not refuse an UPDATE of a family outside -f: which families a session negotiated is "
            "the session's check (RFC 4760 section 7), not the decoder's (docs/compatibility.md, \"exabgp decode\")",
            _decode_case(_family_outside_f),
        ),
        Known(
            "RFC 7606 instead of a session reset",
            "decode",
            "a malformed ORIGINATOR_ID, CLUSTER_LIST (RFC 7606 sections 7.9, 7.10) or PMSI_TUNNEL is "
            "treat-as-withdraw, a malformed AS4_PATH / AS4_AGGREGATOR (RFC 6793 section 6) or AIGP (RFC 7311 "
            "section 3) is discarded: 5.0.15 resets the session (invalid payload)",
            _decode_case(_decode_rfc7606_instead_of_reset),
        ),
        Known(
            "extended next hop on every family",
            "decode",
            "once any RFC 8950 next hop is negotiated, 5.0.15 reads every MP_REACH_NLRI next hop by its length "
            "alone: it refuses the families RFC 8950 was not negotiated for (FlowSpec's empty next hop, EVPN, "
            "VPLS, BGP-LS, IPv6 VPN with a link-local address) and accepts next hops of an AFI that was not "
            "negotiated; RFC 4760 section 3 sizes a next hop by its family, RFC 8950 changes that only for the "
            "negotiated (AFI, SAFI, next-hop AFI) entries",
            _decode_case(_extended_nexthop_every_family),
        ),
        Known(
            "FlowSpec section with a malformed rule refused",
            "decode",
            "an NLRI section with a malformed FlowSpec rule (unknown component type, value beyond its type, bad "
            "length) is refused whole (RFC 7606 section 5.3; RFC 8955 section 4): 5.0.15 keeps the rules before "
            "it and silently drops the rest, or prints a rule that is not the one on the wire "
            '(docs/compatibility.md, "Families on the wire")',
            _decode_case(_flow_section_refused_whole),
        ),
        Known(
            "several VPLS NLRI in one section",
            "decode",
            "RFC 4760 allows several NLRI in one MP_REACH_NLRI / MP_UNREACH_NLRI; 5.0.15 refuses a VPLS section "
            'of more than one (docs/compatibility.md, "Families on the wire")',
            _decode_case(_vpls_several_nlri),
        ),
        Known(
            "MUP Type 1 ST JSON comma",
            "decode",
            "5.0.15's JSON of a MUP Type 1 Session Transformed route lacks the comma before source_ip_len (the "
            'line is not JSON, RFC 8259); we write it (docs/compatibility.md, "Messages to helpers")',
            _decode_case(_decode_mup_t1st_comma),
        ),
        Known(
            "SRv6 SID information as JSON",
            "decode",
            "5.0.15 prints the SRv6 SID information of the Prefix-SID attribute (RFC 9252 section 3) from an "
            'unformatted template ("%s", %d: not JSON, RFC 8259, and no SID); we print the SID and behavior',
            _decode_case(_srv6_sid_template),
        ),
        Known(
            "MUP route of an unknown type",
            "decode",
            "a MUP NLRI of a route type 5.0.15 does not decode is printed by 5.0.15 under a family made from "
            'another field ("undefined mup", or the other AFI) with rewritten octets; we print it under the '
            "family of its MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760 section 3) with the octets received",
            _decode_case(_mup_unknown_type),
        ),
        Known(
            "labeled NLRI without a label",
            "decode",
            "a labeled or VPN NLRI too short for a label is malformed (RFC 8277 section 2: the length covers the "
            "label field, present in withdrawals too, section 2.4; RFC 7606 section 5.3): 5.0.15 reads it as a "
            "prefix without label",
            _decode_case(_labeled_without_label),
        ),
        Known(
            "attribute flags conflict: treat-as-withdraw",
            "decode",
            "an attribute whose Optional / Transitive bits conflict with its definition is malformed and the "
            "UPDATE treat-as-withdraw (RFC 7606 section 3 c): 5.0.15 drops the attribute and says nothing",
            _decode_case(_flags_treat_as_withdraw),
        ),
        Known(
            "repeated attribute: the first one counts",
            "decode",
            "of an attribute repeated in one UPDATE only the first occurrence counts, the others are discarded "
            "(RFC 7606 section 3 g): 5.0.15 goes on with the later ones (an unknown transitive one shows, a "
            "later value replaces the first)",
            _decode_case(_repeated_attribute),
        ),
        Known(
            "BGP-LS NLRI without node descriptors",
            "decode",
            "the Local Node Descriptors TLV is mandatory in BGP-LS node, link and prefix NLRI (RFC 9552 section "
            "5.2): an NLRI without it is malformed, and a malformed NLRI section is not read past (RFC 7606 "
            "section 5.3); 5.0.15 prints it with empty node descriptors",
            _decode_case(_bgpls_without_node_descriptors),
        ),
        Known(
            "5.0.15 crashes",
            "decode",
            "an exception escaped 5.0.15's decoder (its internal-error report): bad input must give an answer "
            "(RFC 4271 section 6 / RFC 7606), and ours does",
            _decode_case(_oracle_crash),
        ),
    ]
)


def _decode_origin_malformed(case, ours, theirs) -> bool:
    """A malformed ORIGIN (RFC 7606 section 7.1): we drop it and treat-as-withdraw, 5.0.15 shows it."""
    mine, them = _update(ours), _update(theirs)
    if mine is None or them is None:
        return False
    origin = next((value for code, value in _attributes_as_read(case.message) or () if code == 1), None)
    if origin is None or (len(origin) == 1 and origin[0] <= 2):
        return False
    mine_attributes = dict(mine.get("attribute", {}))
    them_attributes = {key: value for key, value in them.get("attribute", {}).items() if key != "origin"}
    error = mine_attributes.pop("error", "")
    them_error = them_attributes.pop("error", "treat-as-withdraw")
    return (
        error.startswith("treat-as-withdraw")
        and them_error.startswith("treat-as-withdraw")
        and mine_attributes == them_attributes
        and {**mine, "attribute": None} == {**them, "attribute": None}
    )


def _decode_discard_said(case, ours, theirs) -> bool:
    """An attribute-discard attribute with wrong flags: ours says "discard", 5.0.15 nothing."""
    mine, them = _update(ours), _update(theirs)
    parts = _parts(case.message)
    if mine is None or them is None or parts is None or not _discard_flags_conflict_in(parts[1]):
        return False
    attributes = dict(mine.get("attribute", {}))
    return attributes.pop("error", None) == "discard" and {**mine, "attribute": attributes} == them


KNOWN.extend(
    [
        Known(
            "ORIGIN malformed: treat-as-withdraw",
            "decode",
            "an ORIGIN of another length than 1 or a value above 2 is malformed: treat-as-withdraw (RFC 7606 "
            'section 7.1); 5.0.15 shows it ("igp" for two octets, "invalid" for a value above 2)',
            _decode_case(_decode_origin_malformed),
        ),
        Known(
            "discard for wrong flags said",
            "decode",
            "an attribute-discard attribute with wrong flags is discarded as a malformed value is (RFC 7606 "
            "section 3 c, then the attribute's section) and said so (error discard); 5.0.15 drops it silently",
            _decode_case(_decode_discard_said),
        ),
    ]
)
