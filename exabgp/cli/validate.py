"""`exabgp validate [-n] [-r] [-v] [-p] FILE...`: check configuration files (docs/compatibility.md, "exabgp validate").

Each file is read and parsed whole as the daemon reads it
(`exabgp.cli.config_file`), logged as 5.0 logs it (``configuration`` lines:
``loading FILE``, then ``✓ loading`` or the error; with ``-n`` ``checking
neighbors`` and ``✓ neighbor  ADDRESS`` for each, with ``-r`` ``checking
routes`` and ``✓ routes``; filtered by the ``log.*`` settings).  A file that
can not be read, or is not a regular file, prints ``error: FILE is not an
exabgp config file (file not found)``; a configuration error prints
``error: FILE is not a valid config file: file:line:column: reason``; both
exit 1.  A ``run`` program the daemon could not start (not found, not
executable, a directory, setuid) is such an error, at the ``run`` line, as
5.0.15 refuses it (exit 1, which pre-deploy checks depend on).

``-n`` prints the re-generated (canonical) configuration of each file.
``-r`` encodes every route into an UPDATE as a session with the neighbor's
capabilities would (its defaults and AS number form applied by the export
step, `exabgp.rib.export`; NEXT_HOP for IPv4 unicast with an IPv4 next hop,
MP_REACH_NLRI otherwise; ``next-hop self`` stands for the local address, or
the router-id: `exabgp.rib.export.configured_next_hop`), decodes the UPDATE back with the model and compares the
NLRI, the next hop and every attribute; a difference is an error.
``-v`` also prints each route's canonical text and UPDATE in hex; ``-p`` (or
the ``debug.pdb`` setting) starts the debugger on an exception that escapes
the program (`exabgp.cli.debugging`).
"""

import ipaddress
import sys

from exabgp._codec import CodecError
from exabgp.bgp import attribute as attr
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import AFI_IPV4, FAMILIES, PREFIX_KINDS, SAFI_UNICAST, nlri_kind
from exabgp.bgp.nlri import NEXTHOP_SIZES, Prefix
from exabgp.bgp.route import AttributeSet, Route
from exabgp.cli import config_file, debugging
from exabgp.cli.env import command_environment
from exabgp.config import route as route_grammar
from exabgp.config.neighbor import ADD_PATH_RECEIVE, ADD_PATH_SEND, configuration_text
from exabgp.reactor.log import Logger


def setargs(parser) -> None:
    parser.add_argument("-n", "--neighbor", action="store_true", help="check the parsing of the neighbors")
    parser.add_argument("-r", "--route", action="store_true", help="check the parsing of the routes")
    parser.add_argument("-v", "--verbose", action="store_true", help="be verbose in the display")
    parser.add_argument(
        "-p",
        "--pdb",
        action="store_true",  # 5.0's help text (exabgp.cli.debugging)
        help="fire the debugger on critical logging, SIGTERM, and exceptions (shortcut for exabgp.pdb.enable=true)",
    )
    parser.add_argument("configuration", nargs="+", type=str, help="configuration file(s)")


def context(neighbor) -> CodecContext:
    """The context of a session whose peer mirrors this neighbor's capabilities."""
    both = ADD_PATH_RECEIVE | ADD_PATH_SEND
    families = frozenset(neighbor.add_path or FAMILIES) if neighbor.capability.add_path == both else frozenset()
    return CodecContext(
        asn4=neighbor.capability.asn4,
        addpath_receive=families,
        addpath_send=families,
        extended_message=neighbor.capability.extended_message,
        extended_nexthop=frozenset(neighbor.nexthop),
    )


def encode_route(route: Route, neighbor, ctx: CodecContext) -> bytes:
    """The UPDATE body announcing `route` (MP_REACH_NLRI last, as 5.0 orders it)."""
    from exabgp.bgp.update import Update  # the messages are loaded for -r only (tests/test_cli_imports.py)
    from exabgp.rib.export import configured_next_hop

    nlri = route.nlri
    nexthop = configured_next_hop(route, neighbor)
    attributes = list(route.attributes.tlvs)
    if (nlri.afi, nlri.safi) == (AFI_IPV4, SAFI_UNICAST) and len(nexthop) == 4:
        attributes.append((attr.NEXT_HOP, attr.TRANSITIVE, nexthop))
        return Update((), sorted(attributes), [nlri]).encode(ctx)
    rd_size = NEXTHOP_SIZES.get((nlri.afi, nlri.safi), ((), 0))[1]
    field = bytes(rd_size) + nexthop
    reach = attr.MPReach(nlri.afi, nlri.safi, field, [nexthop], [nlri])
    return Update((), attributes + [(attr.MP_REACH_NLRI, attr.OPTIONAL, reach)], ()).encode(ctx)


def check_route(route: Route, neighbor, ctx: CodecContext):
    """Encode then decode `route` as the neighbor's session sends it (`exabgp.rib.export.session_attributes`);
    return ``(body, problem or None)``."""
    from exabgp.bgp.message import decode_message
    from exabgp.bgp.update import ANNOUNCE, Update
    from exabgp.rib.export import configured_next_hop, session_attributes

    attributes = session_attributes(route.attributes, neighbor.local_as, neighbor.peer_as, ctx.asn4)
    route = Route(route.nlri, route.nexthop, attributes)
    body = encode_route(route, neighbor, ctx)
    update = decode_message(Update.TYPE, body, ctx)
    changes = update.changes(ctx)
    decoded = update.attributes(ctx)
    if decoded.treat_as_withdraw or decoded.discard:
        return body, f"the attributes decode as {decoded.treat_as_withdraw or decoded.discard}"
    tlvs = AttributeSet(
        (code, flags, value) for code, flags, value in decoded.raw if code not in (attr.NEXT_HOP, attr.MP_REACH_NLRI)
    )
    nexthop = configured_next_hop(route, neighbor)
    nlri = route.nlri
    prefix = nlri_kind(nlri.afi, nlri.safi) in PREFIX_KINDS
    if prefix and nlri.path_id is None and ctx.sends_path_id(nlri.afi, nlri.safi):
        # RFC 7911: a route without path identifier goes out with identifier 0 on an ADD-PATH session
        nlri = Prefix(nlri.afi, nlri.safi, 0, nlri.plen, nlri.addr, nlri.labels, nlri.rd)
    expected = Route(nlri, nexthop, route.attributes)
    found = [
        Route(nlri, ipaddress.ip_address(hop).packed if hop else b"", tlvs)
        for action, _family, hop, nlri in changes
        if action == ANNOUNCE
    ]
    if found[:1] != [expected]:
        return body, f"decoded as {found!r}, expected {expected!r}"
    return body, None


def _refuse(message: str, log, err) -> bool:
    log.error("configuration", message)
    err.write(f"error: {message}\n")
    return False


def _validate(path: str, args, out, err, log) -> bool:
    log.info("configuration", f"loading {path}")
    configuration, error = config_file.read(path, programs=True)
    if configuration is None:
        return _refuse(error, log, err)
    log.info("configuration", "\u2713 loading")
    if args.neighbor:
        log.warning("configuration", "checking neighbors")
        out.write(configuration_text(configuration))
        for neighbor in configuration.neighbors:
            log.info("configuration", f"\u2713 neighbor  {neighbor.peer_address}")
    if args.route:
        log.warning("configuration", "checking routes")
        for neighbor in configuration.neighbors:
            ctx = context(neighbor)
            for item in neighbor.routes:
                text = route_grammar.route_text(item, neighbor.local_as, neighbor.peer_as)
                try:
                    body, problem = check_route(item.route, neighbor, ctx)
                except CodecError as exc:
                    body, problem = b"", str(exc)
                if args.verbose:
                    out.write(f"route {text}\nupdate {body.hex().upper()}\n")
                if problem:
                    err.write(f"error: {path} has an invalid route: {text}: {problem}\n")
                    return False
        log.info("configuration", "\u2713 routes")
    return True


def cmdline(args, out, err=None) -> int:
    err = err or sys.stderr
    if (environment := command_environment(getattr(args, "env_file", None), err)) is None:
        return 1
    log = Logger.from_environment(environment, stream=err)
    debugging.post_mortem(args.pdb or environment.get("debug", "pdb"))
    valid = True
    for path in args.configuration:
        valid = _validate(path, args, out, err, log) and valid
    return 0 if valid else 1
