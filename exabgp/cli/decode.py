"""`exabgp decode`: a BGP message in hexadecimal to ExaBGP 5.0's JSON (docs/compatibility.md, "exabgp decode").

The payload is hexadecimal; spaces and ``:`` are ignored and an odd final
digit is dropped, as in 5.0.  Anything else prints 5.0's table of the
settings and the help on the expected format, and exits 1.  A payload starting with the 16-octet marker
is a whole message: the type octet chooses the decoder and the length
field bounds the body, so trailing octets are ignored and a length beyond
the data takes what is there, as in 5.0.  Two 5.0 accidents that only show
when the length field is wrong are not reproduced: it misreads the length's
high octet, and it hands an OPEN everything after the header.  Without the
marker the payload is the body of an UPDATE.
OPEN, UPDATE and NOTIFICATION print one JSON line in the API envelope
(counter 1, direction "in"); other types print ``unknown type N``.  With
``-n`` the payload is a run of NLRI of the neighbor's first family (in
(AFI, SAFI) order), printed one JSON object per line.  Whatever fails
prints ``invalid payload`` and exits 1, never a traceback (``-d`` adds the
reason on stderr).

The session the message is decoded for comes from a configuration, as in
5.0: ``-c FILE`` (every neighbor of the file, one output each), else a
synthetic neighbor 127.0.0.1 (router-id 10.0.0.2, AS 65533 on both sides)
with the ``-f`` families (default: all) and, with ``-i``, ``add-path
send/receive``.  Its `CodecContext` comes from the daemon's own negotiation
(`exabgp.session.negotiation`), so that every capability of the
configuration counts as it would on a session (4-octet ASNs, extended
message, extended next hop as RFC 8950 and 5.0 filter the ``nexthop``
block, multi-session, AIGP): our OPEN is built from the neighbor's session
settings (`exabgp.config.session.session_settings`) and negotiated
against a mirror of itself (the peer's AS, another router-id), as 5.0 does.
One thing differs from a session, as in 5.0: ADD-PATH is offered for every
known family with the capability's mode, whatever the ``add-path`` block
says, so path identifiers are decoded for every family only with
``send/receive`` (receive alone or send alone negotiates nothing between
two identical speakers).  A neighbor no OPEN can be built for (``local-as``
and ``peer-as`` both ``auto``, a 4-octet ``local-as`` with ``asn4
disable``: 5.0 fails with a traceback) is reported on stderr, exit 1.
"""

import os
import socket
import sys
import time

from exabgp import exabgp_version
from exabgp._codec.errors import CodecError
from exabgp._codec.tables import HEADER_SIZE, LENGTH_AT, MARKER, NOTIFICATION, OPEN, TYPE_AT, UPDATE
from exabgp.api.envelope import DaemonFields, NeighborFields, envelope
from exabgp.api.json_message import message_line
from exabgp.api.json_update import compact, update_json
from exabgp.bgp.context import CodecContext
from exabgp.bgp.open import Open
from exabgp.bgp.record import replace
from exabgp.bgp.message import decode_message
from exabgp.bgp.nlri import decode as decode_nlri
from exabgp.cli import config_file, debugging
from exabgp.cli.env import command_environment
from exabgp.config.environment import load as default_environment
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import ALL_FAMILIES, parse
from exabgp.config.session import session_settings
from exabgp.session.negotiation import build_open, negotiate

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF:")

_SYNTHETIC = """\
neighbor 127.0.0.1 {{
    router-id 10.0.0.2;
    local-address 127.0.0.1;
    local-as 65533;
    peer-as 65533;
    family {{
        {families};
    }}
    capability {{
        {add_path}
    }}
}}
"""

_HEX_HELP = """\
The BGP message must be an hexadecimal string.

All colons or spaces are ignored, for example:

  001E0200000007900F0003000101
  001E:02:0000:0007:900F:0003:0001:01
  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001E0200000007900F0003000101
  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:001E:02:0000:0007:900F:0003:0001:01
  FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 001E02 00000007900F0003000101
"""

INVALID = "invalid payload\n"


class Invalid(Exception):
    """The payload can not be displayed; `lines` were already produced (e.g. ``unknown type 4``)."""

    def __init__(self, lines=(), reason: str = ""):
        super().__init__(reason)
        self.lines = list(lines)
        self.reason = reason


def setargs(parser) -> None:
    parser.add_argument("-n", "--nlri", action="store_true", help="the data is only the NLRI")
    parser.add_argument("-u", "--update", action="store_true", help="the data is an update message (does nothing)")
    parser.add_argument("-o", "--open", action="store_true", help="the data is an open message (does nothing)")
    parser.add_argument(
        "-d", "--debug", action="store_true", help="start the python debugger errors"
    )  # 5.0's text: here, why a payload is refused
    parser.add_argument("-p", "--pdb", action="store_true", help="fire the debugger on fault")  # exabgp.cli.debugging
    parser.add_argument("-c", "--configuration", type=str, help="configuration file(s)")
    parser.add_argument("-f", "--family", type=str, help='family expected (format like "ipv4 unicast")')
    parser.add_argument("-i", "--path-information", action="store_true", help="decode path-information")
    parser.add_argument("payload", type=str, help="the BGP payload in hexadecimal")


def clean_hex(payload: str):
    """The octets of `payload`, or None when it is not hexadecimal (spaces and ':' allowed)."""
    text = payload.replace(" ", "").strip()
    if not all(char in _HEX_DIGITS for char in text):
        return None
    text = text.replace(":", "")
    return bytes.fromhex(text[: len(text) // 2 * 2])


def synthetic_configuration(families: str, path_information: bool) -> str:
    """The configuration 5.0 decodes with when no file is given."""
    return _SYNTHETIC.format(families=families, add_path="add-path send/receive;" if path_information else "")


def _mirror_router_id(router_id: str) -> str:
    """A router-id other than `router_id` and not 0.0.0.0, for the mirror's OPEN."""
    value = int.from_bytes(socket.inet_aton(router_id), "big") % 0xFFFFFFFF + 1
    return socket.inet_ntoa(value.to_bytes(4, "big"))


def negotiated(neighbor, environment=None) -> CodecContext:
    """The context of a session whose two OPENs carry this neighbor's capabilities (raises ValueError).

    The `environment` (default: every setting at its default) only makes the
    session passive or bounds its wait for an OPEN: nothing of the context.
    """
    settings = session_settings(neighbor, environment or default_environment(), exabgp_version())
    mode = neighbor.capability.add_path
    settings = replace(
        settings, peer_as=None, add_path=tuple((afi, safi, mode) for afi, safi in ALL_FAMILIES) if mode else ()
    )
    local_as = neighbor.local_as or neighbor.peer_as
    if local_as is None:
        raise ValueError("local-as and peer-as are both auto: no OPEN to negotiate")
    ours = build_open(settings, local_as)
    mirror = Open.new(
        neighbor.peer_as or local_as, ours.hold_time, _mirror_router_id(ours.router_id), ours.capabilities
    )
    try:
        return negotiate(settings, ours, mirror).context
    except CodecError as exc:
        raise ValueError(exc.reason or str(exc)) from None


def neighbor_fields(neighbor) -> NeighborFields:
    """The envelope's neighbor fields (an `auto` local address prints as None, as in 5.0)."""
    return NeighborFields(
        str(neighbor.local_address), neighbor.peer_address, neighbor.local_as, neighbor.peer_as, neighbor.router_id
    )


def display_message(
    raw: bytes, neighbor, ctx: CodecContext, daemon: DaemonFields, now: float, compact_nlri: bool = False
) -> str:
    """The JSON line for one message decoded with `ctx` (raises `Invalid` or `CodecError`)."""
    if raw.startswith(MARKER):
        if len(raw) < HEADER_SIZE:
            raise Invalid(reason="the message is shorter than a BGP header")
        kind = raw[TYPE_AT]
        body = raw[HEADER_SIZE : (raw[LENGTH_AT] << 8) | raw[LENGTH_AT + 1]]
    else:
        kind, body = UPDATE, raw
    fields = neighbor_fields(neighbor)
    if kind == UPDATE:
        text = update_json(decode_message(kind, body, ctx), ctx)
        if compact_nlri:
            text = compact(text)
        return envelope(daemon, now, 1, "update", fields, f', "direction": "in", "message": {text}')
    if kind in (OPEN, NOTIFICATION):
        return message_line(daemon, now, 1, fields, "in", decode_message(kind, body, ctx))
    raise Invalid([f"unknown type {kind}"], f"message type {kind} is not decoded")


def display_nlri(raw: bytes, neighbor, ctx: CodecContext) -> list:
    """One JSON object per NLRI of the neighbor's first family (raises `Invalid` or `CodecError`)."""
    afi, safi = neighbor.families[0]
    nlris = decode_nlri(afi, safi, raw, ctx.sends_path_id(afi, safi))
    if not nlris:
        raise Invalid(reason="no NLRI in the payload")
    return [nlri.json() for nlri in nlris]


class _Stop(Exception):
    """Decoding can not start: `out` goes to stdout, `err` to stderr, then exit 1."""

    def __init__(self, out: str = "", err: str = ""):
        super().__init__(out or err)
        self.out = out
        self.err = err


def _configuration(args):
    """The configuration the payload is decoded for (raises `_Stop`)."""
    if args.configuration:
        path = args.configuration
        try:  # read as the daemon reads it (exabgp.cli.config_file): a FIFO is not waited on, a device not read
            data = config_file.octets(path)
            if data is None:
                raise OSError(0, "not a readable regular file")
            return parse(data.decode("utf-8"), path)
        except ConfigurationError as exc:
            raise _Stop(err=f"{exc}\n") from None
        except (OSError, UnicodeDecodeError) as exc:  # 5.0: an undecodable payload; -d says why
            reason = getattr(exc, "strerror", None) or str(exc)
            raise _Stop(
                out=INVALID, err=f"{path}:0:0: can not read the configuration: {reason}\n" if args.debug else ""
            ) from None
    if args.family:
        words = args.family.split()
        if len(words) % 2:
            raise _Stop(out="families provided are invalid")
        families = "; ".join(f"{words[n]} {words[n + 1]}" for n in range(0, len(words), 2))
    else:
        families = "all"
    try:
        return parse(synthetic_configuration(families, args.path_information), "<decode>")
    except ConfigurationError as exc:
        # 5.0 reports a family it does not know as an undecodable payload
        raise _Stop(out=INVALID, err=f"{exc}\n" if args.debug else "") from None


def cmdline(args, out, err=None) -> int:
    """Run `exabgp decode` with the parsed `args`, writing to `out`; return the exit code."""
    err = err or sys.stderr
    debugging.post_mortem(args.pdb)
    raw = clean_hex(args.payload)
    if raw is None:  # 5.0 prints its table of settings first
        from exabgp.config.environment import help_lines

        out.write("Environment values are:\n" + "".join(f"{line}\n" for line in help_lines(" - ")) + "\n" + _HEX_HELP)
        return 1
    try:
        configuration = _configuration(args)
    except _Stop as stop:
        out.write(stop.out)
        err.write(stop.err)
        return 1
    daemon = DaemonFields(socket.gethostname(), os.getpid(), os.getppid())
    if (environment := command_environment(None, err)) is None:
        return 1
    compact_nlri = environment.get("api", "compact")
    for neighbor in configuration.neighbors:
        try:
            ctx = negotiated(neighbor, environment)
        except ValueError as exc:
            err.write(f"decode: neighbor {neighbor.peer_address}: {exc}\n")
            return 1
        try:
            if args.nlri:
                lines = display_nlri(raw, neighbor, ctx)
            else:
                lines = [display_message(raw, neighbor, ctx, daemon, time.time(), compact_nlri)]
        except (CodecError, Invalid) as exc:
            for line in getattr(exc, "lines", ()):
                out.write(f"{line}\n")
            if args.debug:
                err.write(f"decode: {exc.reason or exc}\n")
            out.write(INVALID)
            return 1
        except Exception:  # a decoder bug must still not reach the user as a traceback
            if args.debug:
                import traceback

                traceback.print_exc(file=err)
            out.write(INVALID)
            return 1
        for line in lines:
            out.write(f"{line}\n")
    return 0
