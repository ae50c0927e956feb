"""The neighbor grammar subset: values, family / capability / add-path blocks, templates, errors."""

import glob
import pathlib

import pytest

from exabgp.bgp import record
from exabgp.bgp.family import FAMILIES, family_from_name
from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import (
    ADD_PATH_RECEIVE,
    ADD_PATH_SEND,
    ALL_FAMILIES,
    Capability,
    Neighbor,
    parse,
)


BASE = "router-id 10.0.0.2; local-address 127.0.0.1; local-as 65533; peer-as 65534;"


def one(body: str, header: str = "neighbor 127.0.0.1") -> Neighbor:
    (neighbor,) = parse(f"{header} {{\n{body}\n}}\n", "n.conf").neighbors
    return neighbor


def fam(*names):
    return tuple(sorted(family_from_name(name) for name in names))


def test_basic_values():
    neighbor = one(BASE + ' description "edge router";')
    assert neighbor.peer_address == "127.0.0.1"
    assert neighbor.local_address == "127.0.0.1"
    assert neighbor.router_id == "10.0.0.2"
    assert (neighbor.local_as, neighbor.peer_as) == (65533, 65534)
    assert neighbor.description == "edge router"
    assert neighbor.capability == Capability()
    assert neighbor.families == ALL_FAMILIES and set(ALL_FAMILIES) == set(FAMILIES)
    assert neighbor.add_path == ()


def test_frozen():
    neighbor = one(BASE)
    with pytest.raises(record.FrozenInstanceError):
        neighbor.local_as = 1
    with pytest.raises(record.FrozenInstanceError):
        neighbor.capability.asn4 = False


def test_asn_forms():
    assert one("local-address 10.0.0.1; local-as 1.10; peer-as 4294967295;").local_as == 65536 + 10
    assert one("local-address 10.0.0.1; local-as auto; peer-as 4294967295;").local_as is None
    for bad in ("4294967296", "65536.1", "-1", "1e3", "a.b"):
        with pytest.raises(ConfigurationError, match="not an AS number"):
            one(f"local-address 10.0.0.1; local-as {bad}; peer-as 1;")


def test_router_id_defaults_to_ipv4_local_address():
    assert one("local-address 192.0.2.1; local-as 1; peer-as 2;").router_id == "192.0.2.1"
    with pytest.raises(ConfigurationError, match="missing router-id"):
        one("local-address 2001:db8::1; local-as 1; peer-as 2;", header="neighbor 2001:db8::2")
    with pytest.raises(ConfigurationError, match="missing router-id"):
        one("local-address auto; local-as 1; peer-as 2;")
    neighbor = one("local-address auto; router-id 1.1.1.1; local-as 1; peer-as 2;")
    assert neighbor.local_address is None and neighbor.router_id == "1.1.1.1"


def test_ipv6_neighbor_and_normalised_addresses():
    neighbor = one(
        "local-address 2001:DB8:0::1; router-id 1.2.3.4; local-as 1; peer-as 2;", header="neighbor 2001:db8:0:0::2"
    )
    assert (neighbor.peer_address, neighbor.local_address) == ("2001:db8::2", "2001:db8::1")


def test_mandatory_and_consistency_errors_point_at_the_neighbor():
    with pytest.raises(ConfigurationError) as info:
        parse("\n\nneighbor 10.0.0.1 {\n local-as 1;\n}\n", "x.conf")
    assert str(info.value) == "x.conf:3:1: incomplete neighbor, missing peer-as"
    with pytest.raises(ConfigurationError, match="missing local-as"):
        one("local-address 10.0.0.1; peer-as 1;")
    with pytest.raises(ConfigurationError, match="same family"):
        one("local-address 2001:db8::1; router-id 1.1.1.1; local-as 1; peer-as 2;")


def test_family_block():
    neighbor = one(BASE + " family { ipv6 unicast; ipv4 unicast; ipv4 flow; l2vpn evpn; bgp-ls bgp-ls; }")
    # sorted by (AFI, SAFI) as ExaBGP 5.0 lists them: the first one is what `decode -n` uses
    assert neighbor.families == ((1, 1), (1, 133), (2, 1), (25, 70), (16388, 71))
    assert one(BASE + " family { all; }").families == ALL_FAMILIES


@pytest.mark.parametrize(
    "block, reason",
    [
        ("ipv6 multicast;", "not a family"),  # only reachable through `all` in 5.0
        ("ipv4 labeled-unicast;", "not a family"),  # 6.0 alias
        ("ipv4;", "not a family"),
        ("ipv4 unicast; ipv4 unicast;", "given twice"),
        ("all; ipv4 unicast;", "all can not be used"),
        ("ipv4 unicast; all;", "all can not be used"),
        ("ipv4 unicast { }", "does not open a block"),
    ],
)
def test_family_errors(block, reason):
    with pytest.raises(ConfigurationError, match=reason):
        one(BASE + f" family {{ {block} }}")


def test_capability_block():
    neighbor = one(
        BASE + " capability { asn4 disable; add-path send/receive; extended-message false; route-refresh;"
        " graceful-restart 120; multi-session enable; operational; aigp enabled; nexthop true; software-version; }"
    )
    assert neighbor.capability == Capability(
        asn4=False,
        add_path=ADD_PATH_RECEIVE | ADD_PATH_SEND,
        extended_message=False,
        route_refresh=True,
        graceful_restart=120,
        multi_session=True,
        operational=True,
        aigp=True,
        nexthop=True,
        software_version=False,  # the bare keyword means disabled in 5.0
    )
    assert one(BASE + " capability { graceful-restart; }").capability.graceful_restart == 0
    assert one(BASE + " capability { graceful-restart disable; }").capability.graceful_restart is None
    for value, bits in (("disable", 0), ("receive", ADD_PATH_RECEIVE), ("send", ADD_PATH_SEND)):
        assert one(BASE + f" capability {{ add-path {value}; }}").capability.add_path == bits


@pytest.mark.parametrize(
    "block, reason",
    [
        ("add-path;", "needs a value"),
        ("add-path both;", "not an add-path value"),
        ("asn4 maybe;", "not a boolean"),
        ("asn4 enable disable;", "exactly one value"),
        ("graceful-restart 70000;", "graceful-restart"),
        ("teleport enable;", "unknown capability"),
    ],
)
def test_capability_errors(block, reason):
    with pytest.raises(ConfigurationError, match=reason):
        one(BASE + f" capability {{ {block} }}")


def test_add_path_block():
    neighbor = one(BASE + " add-path { ipv6 unicast; ipv4 unicast; }")
    assert neighbor.add_path == fam("ipv4 unicast", "ipv6 unicast")


def test_other_neighbor_content_is_skipped():
    neighbor = one(
        BASE
        + """
        hold-time 180; passive; group-updates false; md5-password "s;e{c}ret";
        static { route 10.0.0.0/8 next-hop 1.2.3.4 community [ 1:1 2:2 ]; route 2.0.0.0/8 { next-hop 1.1.1.1; } }
        api { processes [ a b ]; receive { parsed; update; } }
        flow { route x { match { destination 10.0.0.0/8; } then { discard; } } }
        operational { asm afi ipv4 safi unicast advisory "x"; }
        nexthop { ipv4 unicast ipv6; }
        """
    )
    assert neighbor.local_as == 65533


def test_unknown_keywords_and_sections_are_errors():
    with pytest.raises(ConfigurationError, match="unknown neighbor keyword 'bogus'") as info:
        parse(f"neighbor 10.0.0.1 {{\n {BASE}\n   bogus 1;\n}}\n", "u.conf")
    assert (info.value.line, info.value.column) == (3, 4)
    with pytest.raises(ConfigurationError, match="unknown section 'group'"):
        parse("group x { }")
    with pytest.raises(ConfigurationError, match="must be followed by a block"):
        parse("neighbor 10.0.0.1;")
    with pytest.raises(ConfigurationError, match="not an IP address"):
        parse("neighbor 10.0.0.300 { }")


def test_templates_and_inherit():
    configuration = parse(
        """
        template {
            neighbor base { local-as 65000; peer-as 65001; family { ipv4 unicast; } capability { asn4 disable; } }
            neighbor extra { family { ipv6 unicast; } }
        }
        neighbor 10.0.0.1 { local-as 1; inherit base; local-address 10.0.0.2; }
        neighbor 10.0.0.3 { inherit [ base extra ]; local-address 10.0.0.4; }
        """
    )
    first, second = configuration.neighbors
    assert (first.local_as, first.peer_as) == (1, 65001)  # the local value wins wherever it is written
    assert first.families == fam("ipv4 unicast") and first.capability.asn4 is False
    assert second.families == fam("ipv6 unicast") and second.local_as == 65000
    with pytest.raises(ConfigurationError, match="unknown template 'nope'"):
        parse("neighbor 10.0.0.1 { inherit nope; }")


def test_duplicate_neighbor():
    text = f"neighbor 10.0.0.1 {{ {BASE} }}\n"
    with pytest.raises(ConfigurationError, match="duplicate peer definition 10.0.0.1"):
        parse(text + text)


def test_process_sections_are_skipped_and_order_is_kept():
    configuration = parse(
        'process p { run "/bin/cat"; encoder json; }\n'
        f"neighbor 10.0.0.9 {{ {BASE} }}\nneighbor 10.0.0.1 {{ {BASE} }}\n"
    )
    assert [n.peer_address for n in configuration.neighbors] == ["10.0.0.9", "10.0.0.1"]


def test_every_reference_configuration_loads(reference):
    files = sorted(glob.glob(str(reference / "conf" / "*.conf")))
    assert files
    for path in files:
        assert parse(pathlib.Path(path).read_text(), path).neighbors, path


def test_reference_addpath_configuration(reference):
    path = reference / "conf" / "conf-addpath.conf"
    (neighbor,) = parse(path.read_text(), str(path)).neighbors
    assert neighbor.capability.add_path == ADD_PATH_RECEIVE | ADD_PATH_SEND
    assert neighbor.families == fam("ipv4 unicast", "ipv4 mpls-vpn", "ipv6 unicast")
    assert neighbor.add_path == fam("ipv4 unicast", "ipv4 mpls-vpn")
    assert (neighbor.router_id, neighbor.local_as, neighbor.peer_as) == ("1.2.3.4", 1, 1)
