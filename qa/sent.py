"""The routes of a configured neighbor as its session sends them, for tests that compare them with 5.0.15's octets.

A configuration's routes do not depend on the neighbor (`exabgp.config.route`);
what the neighbor's session adds (ORIGIN, AS_PATH, LOCAL_PREF) and its AS
number form are the export step's (`exabgp.rib.export`).  `sent_routes` applies
it for a session whose peer mirrors the neighbor's capabilities (4-octet AS
numbers as the neighbor's ``asn4``), once per attribute set as the session
does, so routes sharing a set still share one object; ``next-hop self`` is
left as configured.
"""

from exabgp.bgp.record import replace
from exabgp.bgp.route import Route
from exabgp.rib.export import session_attributes


def sent_routes(neighbor, statics=None) -> list:
    """`statics` (default: the neighbor's routes) with the attributes `neighbor`'s session sends."""
    exported: dict = {}
    found = []
    for static in neighbor.routes if statics is None else statics:
        route = static.route
        attributes = exported.get(route.attributes)
        if attributes is None:
            attributes = exported[route.attributes] = session_attributes(
                route.attributes, neighbor.local_as, neighbor.peer_as, neighbor.capability.asn4
            )
        found.append(replace(static, route=Route(route.nlri, route.nexthop, attributes)))
    return found


def assert_round_trips(configuration) -> None:
    """The canonical text of `configuration` gives the same model, its routes sent alike (the text leaves out
    what the session adds anyway, `exabgp.rib.export.stated`)."""
    from exabgp.config.neighbor import configuration_text, parse

    again = parse(configuration_text(configuration), "canonical", full=True)
    assert again.processes == configuration.processes
    assert [replace(n, routes=()) for n in again.neighbors] == [replace(n, routes=()) for n in configuration.neighbors]
    assert [
        sent_routes(n, other.routes) for n, other in zip(configuration.neighbors, again.neighbors, strict=True)
    ] == [sent_routes(n) for n in configuration.neighbors]
