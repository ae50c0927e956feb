"""The codec's JSON fast path renders exactly what the general renderer renders.

`_codec.render_update` (both twins) must give the same text as
`exabgp.api.json_update.general_update_json` for every UPDATE it accepts,
and must accept the well-formed UPDATEs it is meant for (a fast path
that declines everything would pass the equality trivially).  Messages are
built by hypothesis from the attributes and families the fast path covers,
then mutated at random; hand-built ones cover the End-of-RIB of every
family, the multicast families, 32-octet IPv6 next hops and their
malformed variants.
"""

import json
import re
import struct

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp._codec.tables import INDEX_FIELDS, INDEX_PLAIN, JSON_MP_FAMILIES, NEXTHOP_SIZES
from exabgp.api.json_update import general_update_json, update_json
from exabgp.bgp.context import CodecContext
from exabgp.bgp.record import replace
from exabgp.bgp.update import Update
from qa.hypothesis_profiles import examples
from tests.test_vectors import DIRECTORY as VECTOR_DIRECTORY
from tests.test_vectors import read_vector


def tlv(flags, code, value):
    if len(value) > 255:
        return bytes((flags | 0x10, code)) + struct.pack("!H", len(value)) + value
    return bytes((flags, code, len(value))) + value


def prefixes(draw, width, addpath, count):
    out = b""
    for _ in range(count):
        if addpath:
            out += struct.pack("!I", draw(st.integers(0, 2**32 - 1)))
        bits = draw(st.integers(0, width * 8))
        out += bytes((bits,)) + draw(st.binary(min_size=(bits + 7) // 8, max_size=(bits + 7) // 8))
    return out


#: the families the fast path renders in MP_REACH_NLRI / MP_UNREACH_NLRI: IPv6 unicast, IPv4 and IPv6 multicast,
#: labeled unicast and VPN of both AFIs
MP_FAMILIES = ((2, 1), (1, 2), (2, 2), (1, 4), (2, 4), (1, 128), (2, 128))
assert MP_FAMILIES == JSON_MP_FAMILIES


def labeled_prefixes(draw, width, addpath, count, vpn, withdraw):
    """Labeled (or VPN) NLRI framed as `_nlri_py.decode_nlri` reads them back: one label field (any value, or in
    a withdrawal RFC 8277's 0x800000), or a stack of two whose first has the bottom-of-stack bit clear when the
    prefix is too long to follow the first alone; then 8 RD octets for VPN."""
    out = b""
    for _ in range(count):
        if addpath:
            out += struct.pack("!I", draw(st.integers(0, 2**32 - 1)))
        bits = draw(st.integers(0, width * 8))
        if bits > width * 8 - 24 and draw(st.booleans()):
            first = draw(st.integers(1, 2**23 - 1)) << 1  # bottom of stack clear, not 0
            if withdraw and first == 0x800000:
                first += 2
            labels = [first, draw(st.integers(0, 2**23 - 1)) << 1 | 1]
        elif withdraw and draw(st.booleans()):
            labels = [0x800000]
        else:
            labels = [draw(st.integers(0, 2**24 - 1))]
        rd = draw(st.binary(min_size=8, max_size=8)) if vpn else b""
        head = b"".join(label.to_bytes(3, "big") for label in labels) + rd
        out += (
            bytes((bits + 8 * len(head),)) + head + draw(st.binary(min_size=(bits + 7) // 8, max_size=(bits + 7) // 8))
        )
    return out


def mp_routes(draw, afi, safi, addpath, withdraw):
    """1 to 5 NLRI of the family, as an MP attribute carries them."""
    width = 16 if afi == 2 else 4
    count = draw(st.integers(1, 5))
    if safi in (4, 128):
        return labeled_prefixes(draw, width, addpath, count, safi == 128, withdraw)
    return prefixes(draw, width, addpath, count)


def mp_family(afi, safi):
    return struct.pack("!HB", afi, safi)


@st.composite
def unicast_updates(draw):
    """A well-formed UPDATE body of the kind the fast path renders, and its context flags."""
    asn4 = draw(st.booleans())
    addpath = draw(st.booleans())
    width = 4 if asn4 else 2
    attributes = []
    if draw(st.booleans()):
        attributes.append(tlv(0x40, 1, bytes((draw(st.integers(0, 2)),))))
    if draw(st.booleans()):
        segments = b""
        for _ in range(draw(st.integers(0, 3))):
            asns = draw(st.lists(st.integers(0, 2 ** (8 * width) - 1), min_size=1, max_size=8))
            segments += bytes((draw(st.integers(1, 4)), len(asns))) + b"".join(a.to_bytes(width, "big") for a in asns)
        attributes.append(tlv(0x40, 2, segments))
    if draw(st.booleans()):
        attributes.append(tlv(0x40, 3, draw(st.binary(min_size=4, max_size=4))))
    for code, flags in ((4, 0x80), (5, 0x40)):
        if draw(st.booleans()):
            attributes.append(tlv(flags, code, struct.pack("!I", draw(st.integers(0, 2**32 - 1)))))
    if draw(st.booleans()):
        attributes.append(tlv(0x40, 6, b""))
    if draw(st.booleans()):
        attributes.append(tlv(0xC0, 7, draw(st.binary(min_size=width + 4, max_size=width + 4))))
    for code, flags, size in ((8, 0xC0, 4), (10, 0x80, 4), (32, 0xC0, 12)):
        if draw(st.booleans()):
            count = draw(st.integers(1, 6))
            attributes.append(tlv(flags, code, draw(st.binary(min_size=size * count, max_size=size * count))))
    if draw(st.booleans()):
        attributes.append(tlv(0x80, 9, draw(st.binary(min_size=4, max_size=4))))
    if draw(st.booleans()):
        # route targets and origins, transitive or not (the kinds rendered); the mutations below make others
        kinds = st.tuples(st.sampled_from((0x00, 0x01, 0x02, 0x40, 0x41, 0x42)), st.sampled_from((0x02, 0x03)))
        communities = draw(st.lists(st.tuples(kinds, st.binary(min_size=6, max_size=6)), min_size=1, max_size=6))
        attributes.append(tlv(0xC0, 16, b"".join(bytes(kind) + rest for kind, rest in communities)))
    if draw(st.booleans()):
        afi, safi = draw(st.sampled_from(MP_FAMILIES))
        width = 16 if afi == 2 else 4
        nexthop = draw(st.binary(min_size=width, max_size=width))
        if afi == 2 and draw(st.booleans()):
            # a link-local address after the global one, another (one address twice is declined: see below)
            nexthop += draw(st.binary(min_size=16, max_size=16).filter(lambda address: address != nexthop))
        if safi == 128:
            nexthop = bytes(8) + nexthop  # RFC 4364 4.3.2: a zero route distinguisher first
        nlri = mp_routes(draw, afi, safi, addpath, False)
        attributes.append(tlv(0x80, 14, mp_family(afi, safi) + bytes((len(nexthop),)) + nexthop + b"\x00" + nlri))
    if draw(st.booleans()):
        afi, safi = draw(st.sampled_from(MP_FAMILIES))
        attributes.append(tlv(0x80, 15, mp_family(afi, safi) + mp_routes(draw, afi, safi, addpath, True)))
    attributes = draw(st.permutations(attributes))
    withdrawn = prefixes(draw, 4, addpath, draw(st.integers(0, 4)))
    nlri = prefixes(draw, 4, addpath, draw(st.integers(0, 4)))
    section = b"".join(attributes)
    body = struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", len(section)) + section + nlri
    return body, asn4, addpath


def context(asn4, addpath):
    families = frozenset({(1, 1), *MP_FAMILIES}) if addpath else frozenset()
    return CodecContext(asn4=asn4, addpath_receive=families, addpath_send=families)


def general(body, asn4, addpath):
    ctx = context(asn4, addpath)
    return general_update_json(Update.decode(body, ctx), ctx)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=unicast_updates())
@example(
    message=(
        bytes.fromhex("00000041400101004002004003040000000040050400000000400600800e2600020120") + bytes(34),
        False,
        False,
    )
)
def test_fast_path_equals_general_renderer(codec, message):
    body, asn4, addpath = message
    fast = codec.render_update(body, asn4, addpath, addpath)
    if fast is None:
        # declining is allowed only for a message without any NLRI (5.0's EoR rules decide those), one
        # missing a well-known mandatory attribute (RFC 7606 section 3 d: treat-as-withdraw), or one whose
        # 32-octet IPv6 next hop is one address twice (the general renderer interleaves the NLRI under it)
        ctx = replace(context(asn4, addpath), received=True)
        decoded = Update.decode(body, ctx)
        attributes = decoded.attributes(ctx)
        missing = (attributes.treat_as_withdraw or "").startswith("treat-as-withdraw due to missing")
        reach = attributes.values.get(14)
        twice = reach is not None and len(reach.nexthops) == 2 and reach.nexthops[0] == reach.nexthops[1]
        assert missing or twice or not list(decoded.changes(ctx))
        return
    assert fast == general(body, asn4, addpath)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=unicast_updates(), data=st.data())
def test_mutated_messages_render_alike_or_decline(codec, message, data):
    body, asn4, addpath = message
    mutated = bytearray(body)
    for _ in range(data.draw(st.integers(1, 3))):
        if mutated:
            mutated[data.draw(st.integers(0, len(mutated) - 1))] = data.draw(st.integers(0, 255))
    mutated = bytes(mutated)
    fast = codec.render_update(mutated, asn4, addpath, addpath)
    if fast is None:
        return
    assert fast == general(mutated, asn4, addpath)


def test_update_json_uses_the_fast_path_result():
    """update_json and the general renderer agree on a plain IPv4 route (the fast path's case)."""
    body = bytes.fromhex("0000001c4001010040020040030465016501800404000000c840050400000064" + "2001010101")
    ctx = CodecContext()
    update = Update.decode(body, ctx)
    text = update_json(update, ctx)
    assert text == general_update_json(update, ctx)
    assert '"101.1.101.1": [ { "nlri": "1.1.1.1/32" } ]' in text


def test_fast_path_declines_what_it_does_not_cover(codec):
    extended = tlv(0xC0, 16, bytes.fromhex("0002fde800000001"))  # a route target, but no ORIGIN nor AS_PATH
    body = struct.pack("!H", 0) + struct.pack("!H", len(extended)) + extended + b"\x08\x0a"
    assert codec.render_update(body, True, False, False) is None
    empty_community = tlv(0xC0, 8, b"")
    body = struct.pack("!H", 0) + struct.pack("!H", len(empty_community)) + empty_community + b"\x08\x0a"
    assert codec.render_update(body, True, False, False) is None


RUN = [
    bytes.fromhex("0000001c4001010040020040030465016501800404000000c840050400000064" + "2001010101"),
    bytes.fromhex("0002080a0000"),  # a withdrawal
    struct.pack("!H", 0) + struct.pack("!H", 11) + tlv(0xC0, 16, bytes.fromhex("0002fde800000001")) + b"\x08\x0a",
    bytes.fromhex("000208140000"),  # another withdrawal
]
ENVELOPE = ('{ "h\u00e9": ', ', "after": ', " }\n")


def run_octets(bodies):
    return b"".join(struct.pack("!16sHB", b"\xff" * 16, 19 + len(body), 2) + body for body in bodies)


def test_render_run_renders_each_update_and_stops_after_a_declined_one(codec):
    """The run and its index as the session hands them over: the third UPDATE (an extended community: vouched
    for, not plain) is declined, the renderer stops after it and goes on from the next record."""
    octets = run_octets(RUN)
    used, index = codec.index_updates(octets, 4096, False, False, True, True, True, True)
    assert used == len(octets) and list(index[INDEX_PLAIN::INDEX_FIELDS]) == [1, 1, 0, 1]
    head, after, tail = ENVELOPE
    lines = [
        f"{head}{n}{after}{codec.render_update(body, True, False, False)}{tail}"
        for n, body in ((8, RUN[0]), (9, RUN[1]))
    ]
    text = "".join(lines).encode()
    assert codec.render_run(octets, index, 0, True, False, False, *ENVELOPE, 7) == (text, 9, 3, RUN[2])
    last = f"{head}10{after}{codec.render_update(RUN[3], True, False, False)}{tail}".encode()
    assert codec.render_run(octets, index, 3, True, False, False, *ENVELOPE, 9) == (last, 10, 4, None)
    assert codec.render_run(octets, index, 4, True, False, False, *ENVELOPE, 3) == (b"", 3, 4, None)
    assert codec.render_run(bytearray(octets), index, 0, True, False, False, *ENVELOPE, 7) == (text, 9, 3, RUN[2])


def test_render_run_takes_only_what_the_index_marks_plain(codec):
    """An index made without the plain marks (`Delivery.CHECKED`) has every UPDATE rendered the general way."""
    octets = run_octets(RUN[:2])
    _, index = codec.index_updates(octets, 4096, False, False, True, True, True, False)
    assert codec.render_run(octets, index, 0, True, False, False, *ENVELOPE, 0) == (b"", 0, 1, RUN[0])
    for outside in (-1, 3):
        with pytest.raises(ValueError):
            codec.render_run(octets, index, outside, True, False, False, *ENVELOPE, 0)


# hand-built UPDATEs of the families beyond unicast: End-of-RIB, multicast, 32-octet IPv6 next hops

ORIGIN_AS_PATH = tlv(0x40, 1, b"\x00") + tlv(0x40, 2, bytes.fromhex("02010000fde8"))
GLOBAL = bytes.fromhex("fd020000000000000000000000000010")  # fd02::10
LINK_LOCAL = bytes.fromhex("fe800000000000000206 0afffe0efff0".replace(" ", ""))  # fe80::206:aff:fe0e:fff0


def body_of(attributes, withdrawn=b"", nlri=b""):
    return struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", len(attributes)) + attributes + nlri


def reach(afi, safi, nexthop, nlri, reserved=0):
    return tlv(0x80, 14, mp_family(afi, safi) + bytes((len(nexthop),)) + nexthop + bytes((reserved,)) + nlri)


def unreach(afi, safi, nlri=b""):
    return tlv(0x80, 15, mp_family(afi, safi) + nlri)


def paths(addpath, *sections):
    """NLRI sections (prefix length then octets), each after a path identifier when `addpath`."""
    return b"".join((struct.pack("!I", 7 + n) if addpath else b"") + section for n, section in enumerate(sections))


def general_or_error(body, asn4, addpath):
    """The general renderer's text, or the CodecError it raises (a message the decode refuses)."""
    try:
        return general(body, asn4, addpath)
    except CodecError as error:
        return error


def test_end_of_rib_of_every_family_is_rendered_as_the_general_renderer_does(codec):
    """RFC 4724 section 2: an MP_UNREACH_NLRI holding only the family, for every family MP attributes may carry
    (`tables.NEXTHOP_SIZES`); families outside it are declined (the general decode refuses them)."""
    for afi, safi in sorted(NEXTHOP_SIZES):
        for flags in (0x80, 0x90, 0xA0):  # the Extended Length bit as 5.0 sends it, Partial (ignored)
            attribute = unreach(afi, safi)
            if flags & 0x10:
                attribute = bytes((flags, 15)) + struct.pack("!H", 3) + mp_family(afi, safi)
            else:
                attribute = bytes((flags,)) + attribute[1:]
            body = body_of(attribute)
            fast = codec.render_update(body, True, False, False)
            assert fast is not None, (afi, safi, flags)
            assert fast == general(body, True, False), (afi, safi, flags)
    assert codec.render_update(body_of(unreach(2, 2)), True, False, False) == (
        '{ "eor": { "afi" : "ipv6", "safi" : "multicast" } }'
    )
    for afi, safi in ((2, 132), (1, 3), (3, 1), (1, 0), (25, 1), (16388, 1)):
        body = body_of(unreach(afi, safi))
        assert codec.render_update(body, True, False, False) is None, (afi, safi)
        assert isinstance(general_or_error(body, True, False), CodecError)


def test_end_of_rib_markers_with_anything_else_are_not_end_of_rib(codec):
    """An empty MP_UNREACH_NLRI next to another attribute or a route is no End-of-RIB: declined or the same text."""
    for body in (
        body_of(unreach(1, 2) + tlv(0x40, 1, b"\x00")),
        body_of(unreach(2, 128), withdrawn=b"\x08\x0a"),
        body_of(ORIGIN_AS_PATH + tlv(0x40, 3, bytes(4)) + unreach(1, 2), nlri=b"\x08\x0a"),
        body_of(ORIGIN_AS_PATH + unreach(1, 2) + reach(2, 1, GLOBAL, b"\x10\x20\x01")),
    ):
        fast = codec.render_update(body, True, False, False)
        assert fast is None or fast == general(body, True, False), body.hex()


@pytest.mark.parametrize("addpath", [False, True], ids=["plain", "add-path"])
def test_multicast_announcements_and_withdrawals_render_as_the_general_renderer_does(codec, addpath):
    ipv4 = paths(addpath, b"\x10\xe0\x01", b"\x20\xe1\x02\x03\x04")
    ipv6 = paths(addpath, b"\x10\xff\x0e", b"\x40\xff\x05\x00\x00\x00\x00\x00\x01")
    bodies = [
        body_of(ORIGIN_AS_PATH + reach(1, 2, b"\x0a\x00\x00\x01", ipv4)),
        body_of(unreach(1, 2, ipv4)),
        body_of(ORIGIN_AS_PATH + reach(1, 2, b"\x0a\x00\x00\x01", ipv4) + unreach(1, 2, ipv4)),
        body_of(ORIGIN_AS_PATH + reach(2, 2, GLOBAL, ipv6) + unreach(2, 2, ipv6)),
        body_of(ORIGIN_AS_PATH + reach(2, 2, GLOBAL + LINK_LOCAL, ipv6) + unreach(1, 2, ipv4)),
        body_of(ORIGIN_AS_PATH + reach(1, 2, b"\x0a\x00\x00\x01", ipv4) + unreach(2, 1, ipv6)),
        # with IPv4 unicast in the classic fields, before the multicast routes
        body_of(
            ORIGIN_AS_PATH + tlv(0x40, 3, b"\x01\x02\x03\x04") + reach(2, 2, GLOBAL, ipv6) + unreach(1, 2, ipv4),
            withdrawn=paths(addpath, b"\x08\x09"),
            nlri=paths(addpath, b"\x08\x0a"),
        ),
    ]
    for body in bodies:
        fast = codec.render_update(body, True, addpath, addpath)
        assert fast is not None, body.hex()
        assert fast == general(body, True, addpath), body.hex()
    assert '"ipv4 multicast": { "10.0.0.1": [ { "nlri": "224.1.0.0/16"' in codec.render_update(
        bodies[0], True, addpath, addpath
    )


@pytest.mark.parametrize("addpath", [False, True], ids=["plain", "add-path"])
def test_a_32_octet_next_hop_lists_the_routes_under_each_address(codec, addpath):
    """RFC 2545 section 3: a global and a link-local address; 5.0.15 prints the NLRI under each (checked with its
    ``exabgp decode``), as the general renderer does."""
    nlri = paths(addpath, b"\x40\xfd\x01\x00\x01\x00\x00\x00\x00", b"\x40\xfd\x01\x00\x02\x00\x00\x00\x00")
    for safi in (1, 2):
        body = body_of(ORIGIN_AS_PATH + tlv(0x80, 4, bytes(4)) + reach(2, safi, GLOBAL + LINK_LOCAL, nlri))
        fast = codec.render_update(body, True, addpath, addpath)
        assert fast is not None
        assert fast == general(body, True, addpath)
    listed = ", ".join(
        '{ "nlri": "fd01:%d::/64"%s }' % (n, f', "path-information": "0.0.0.{7 + n - 1}"' if addpath else "")
        for n in (1, 2)
    )
    assert f'"ipv6 multicast": {{ "fd02::10": [ {listed} ], "fe80::206:aff:fe0e:fff0": [ {listed} ] }}' in fast


def test_malformed_multicast_and_next_hops_are_declined_or_rendered_alike(codec):
    """Next-hop lengths the family does not allow (RFC 4760 section 3), a reserved octet that is not 0, no NLRI,
    a cut value, one address twice in a 32-octet next hop: the fast path declines each, as the general decode
    refuses them or reads them otherwise."""
    nlri6, nlri4 = b"\x10\xfd\x01", b"\x08\xe0"
    declined = [
        *(
            body_of(ORIGIN_AS_PATH + reach(2, safi, bytes(size), nlri6))
            for safi in (1, 2)
            for size in (0, 4, 15, 24, 33)
        ),
        *(body_of(ORIGIN_AS_PATH + reach(1, 2, bytes(size), nlri4)) for size in (0, 3, 5, 12, 16, 32)),
        body_of(ORIGIN_AS_PATH + reach(2, 2, GLOBAL, nlri6, reserved=1)),
        body_of(ORIGIN_AS_PATH + reach(1, 2, b"\x0a\x00\x00\x01", b"")),
        body_of(ORIGIN_AS_PATH + reach(2, 2, GLOBAL + GLOBAL, nlri6)),
        body_of(ORIGIN_AS_PATH + tlv(0x80, 14, mp_family(2, 2))),
        body_of(ORIGIN_AS_PATH + tlv(0x80, 14, mp_family(2, 2) + b"\x20" + GLOBAL)),
        body_of(ORIGIN_AS_PATH + reach(1, 2, b"\x0a\x00\x00\x01", b"\x21\xe0\x00\x00\x00\x00")),  # /33
        body_of(unreach(2, 2, b"\x81" + bytes(17))),  # /129
        body_of(unreach(1, 2, b"\x18\xe0")),  # cut
        body_of(reach(1, 2, b"\x0a\x00\x00\x01", nlri4)),  # no ORIGIN nor AS_PATH
        body_of(ORIGIN_AS_PATH + reach(1, 128, bytes(12), bytes.fromhex("70000001 0000fde800000001 0a"))),
    ]
    for body in declined:
        assert codec.render_update(body, True, False, False) is None, body.hex()
        # and with path identifiers read, the other reading
        fast = codec.render_update(body, True, True, True)
        assert fast is None or fast == general(body, True, True), body.hex()


@pytest.mark.parametrize(
    ("afi", "safi", "nexthop", "nlri"),
    [
        (1, 2, b"\x0a\x00\x00\x01", "08e0"),
        (1, 128, bytes(8) + b"\x0a\x00\x00\x01", "70 000641 0000fde800000064 010203"),
        (2, 4, bytes.fromhex("fd020000000000000000000000000010"), "28 000641 fd01"),
    ],
    ids=["ipv4-multicast", "ipv4-vpn", "ipv6-labeled"],
)
def test_update_json_renders_the_general_way_when_add_path_differs_between_the_safis(
    codec, monkeypatch, afi, safi, nexthop, nlri
):
    """The fast path reads path identifiers per AFI: a context receiving them for IPv4 unicast but not for IPv4
    multicast (or labeled, or VPN) must not read those NLRI with them, nor the other way round."""
    monkeypatch.setattr("exabgp._codec.render_update", codec.render_update)
    body = body_of(ORIGIN_AS_PATH + reach(afi, safi, nexthop, bytes.fromhex("00000001" + nlri)))
    every = {(a, s) for a, s in ((1, 1), *MP_FAMILIES) if a == afi}
    for families in ({(afi, 1)}, {(afi, safi)}, every - {(afi, safi)}, every, set()):
        ctx = CodecContext(addpath_receive=frozenset(families), addpath_send=frozenset(families))
        update = Update.decode(body, ctx)
        try:
            expected = general_update_json(update, ctx)
        except CodecError as error:
            expected = error
        try:
            text = update_json(Update.decode(body, ctx), ctx)
        except CodecError as error:
            text = error
        assert str(text) == str(expected), families
        # and given as a tuple, as a negotiated session gives them
        ctx = CodecContext(addpath_receive=tuple(sorted(families)), addpath_send=tuple(sorted(families)))
        try:
            text = update_json(Update.decode(body, ctx), ctx)
        except CodecError as error:
            text = error
        assert str(text) == str(expected), families


# ---------------------------------------------------------------- EXTENDED_COMMUNITIES

#: ORIGIN, AS_PATH (65000) and NEXT_HOP: what an announcement needs besides the attributes under test
MANDATORY = tlv(0x40, 1, b"\x00") + tlv(0x40, 2, bytes.fromhex("02010000fde8")) + tlv(0x40, 3, bytes((192, 0, 2, 1)))


def announcement(*attributes):
    """An UPDATE body announcing 10.0.0.0/8 with `MANDATORY` and `attributes` (whole TLVs)."""
    section = MANDATORY + b"".join(attributes)
    return struct.pack("!H", 0) + struct.pack("!H", len(section)) + section + b"\x08\x0a"


def extended(*communities, flags=0xC0):
    return tlv(flags, 16, b"".join(bytes.fromhex(community) for community in communities))


#: one community of each kind rendered, and its string (RFC 4360 sections 3.1, 3.2, 4 and 5, RFC 5668)
RENDERED = [
    ("0002fde800000001", "target:65000:1"),  # 2-octet AS : 4-octet number
    ("0102c0000201000a", "target:192.0.2.1:10"),  # IPv4 address : 2-octet number
    ("0202000100000005", "target:65536:5"),  # 4-octet AS : 2-octet number
    ("0003fde8c0000201", "origin:65000:192.0.2.1"),  # the 4-octet number as an address
    ("0103c00002010064", "origin:100:192.0.2.1"),  # the number first
    ("02030001000000ff", "origin:65536:255"),
    ("4002fde800000001", "target:65000:1"),  # non-transitive: the same string, another value
    ("4102c0000201000a", "target:192.0.2.1:10"),
    ("4202000100000005", "target:65536:5"),
    ("4003fde8c0000201", "origin:65000:192.0.2.1"),
    ("4103c00002010064", "origin:100:192.0.2.1"),
    ("42030001000000ff", "origin:65536:255"),
]


def rendered_alike(codec, body):
    """The fast path's text of `body`, asserted accepted and equal to the general renderer's, on both twins."""
    fast = codec.render_update(body, True, False, False)
    assert fast is not None
    assert fast == general(body, True, False)
    return fast


@pytest.mark.parametrize(("community", "string"), RENDERED)
def test_extended_community_kinds_are_rendered(codec, community, string):
    fast = rendered_alike(codec, announcement(extended(community)))
    value = int(community, 16)
    assert f'"extended-community": [ {{ "value": {value}, "string": "{string}" }} ]' in fast


def test_extended_communities_print_sorted_with_duplicates(codec):
    """Several communities in one attribute print sorted by their octets (5.0's order), a duplicate twice."""
    order = [4, 0, 9, 2, 0, 7, 1]
    fast = rendered_alike(codec, announcement(extended(*(RENDERED[i][0] for i in order))))
    values = [int(RENDERED[i][0], 16) for i in order]
    assert [int(v) for v in re.findall(r'"value": (\d+)', fast)] == sorted(values)


def test_extended_communities_keep_their_place_among_the_attributes(codec):
    """Attributes print by type code: COMMUNITIES (8), CLUSTER_LIST (10), EXTENDED_COMMUNITIES (16),
    LARGE_COMMUNITY (32), whatever their order on the wire."""
    body = announcement(
        tlv(0xC0, 32, bytes(range(12))),
        extended("0102c0000201000a", "0002fde800000001"),
        tlv(0x80, 10, bytes((10, 0, 0, 1))),
        tlv(0xC0, 8, bytes.fromhex("fde80001")),
    )
    fast = rendered_alike(codec, body)
    keys = ['"community"', '"cluster-list"', '"extended-community"', '"large-community"']
    assert sorted(keys, key=fast.index) == keys


@pytest.mark.parametrize(
    "flags",
    [
        pytest.param(0xC0, id="optional-transitive"),
        pytest.param(0xD0, id="extended-length"),
        pytest.param(0xE0, id="partial"),  # ignored on an optional attribute
        pytest.param(0xC7, id="low-bits"),  # never matter
    ],
)
def test_extended_communities_with_accepted_flags(codec, flags):
    value = bytes.fromhex("0002fde800000001" + "0103c00002010064")
    if flags & 0x10:
        attribute = bytes((flags, 16)) + struct.pack("!H", len(value)) + value
    else:
        attribute = bytes((flags, 16, len(value))) + value
    rendered_alike(codec, announcement(attribute))


#: EXTENDED_COMMUNITIES attributes the fast path declines, by what is outside its scope
DECLINED = {
    "beside-traffic-rate": extended("0002fde800000001", "800600000000447a"),  # RFC 8955 7.3
    "link-bandwidth": extended("4004fde844fa0000"),  # 5.0 has no name for it: an empty string
    "rt-record": extended("0013fde800000001"),
    "mac-mobility": extended("0006000000000000"),  # its value printed rebuilt
    "target-subtype-type-0x80": extended("8002fde800000001"),
    "target-subtype-type-0x03": extended("0302fde800000001"),
    "10-octets": tlv(0xC0, 16, bytes.fromhex("0002fde800000001ffff")),  # not a multiple of 8
    "4-octets": tlv(0xC0, 16, bytes.fromhex("0002fde8")),
    "empty": tlv(0xC0, 16, b""),
    "well-known-flags": extended("0002fde800000001", flags=0x40),
    "optional-non-transitive-flags": extended("0002fde800000001", flags=0x80),
    "twice": extended("0002fde800000001") * 2,
}


@pytest.mark.parametrize("attribute", list(DECLINED.values()), ids=list(DECLINED))
def test_extended_communities_declined(codec, attribute):
    """What the fast path does not render goes the general way, which renders it."""
    body = announcement(attribute)
    assert codec.render_update(body, True, False, False) is None
    assert general(body, True, False).startswith('{ "update": ')


# ---------------------------------------------------------------- labeled unicast (RFC 8277) and VPN (RFC 4364)

#: route distinguishers of each type (RFC 4364 section 4.2) and an unknown one, with 5.0's text of each
RDS = [
    ("0000fde800000064", "65000:100"),
    ("0001c00002010064", "192.0.2.1:100"),
    ("00020001000000c8", "65536:200"),
    ("0003010203040506", "0x0003010203040506"),
]
ADDRESS4 = bytes((10, 0, 0, 1))
PREFIX6 = bytes.fromhex("20010db8000100020003000400050006")


def label(value, bottom=True):
    """One 3-octet label field: the 20-bit label, TC 0, the bottom-of-stack bit."""
    return (value << 4 | bottom).to_bytes(3, "big")


def routed(afi, labels, bits, rd=b""):
    """One labeled (VPN with `rd`) NLRI: the length counting the label fields and the RD, then the prefix."""
    prefix = (PREFIX6 if afi == 2 else bytes((1, 2, 3, 4)))[: (bits + 7) // 8]
    return bytes((bits + 24 * len(labels) + 8 * len(rd),)) + b"".join(labels) + rd + prefix


def vpn_nexthop(afi, link_local=False, rd=bytes(8)):
    """A VPN next hop: the route distinguisher (0, RFC 4364 section 4.3.2), then the address(es)."""
    return rd + (ADDRESS4 if afi == 1 else GLOBAL + (LINK_LOCAL if link_local else b""))


def labeled_nlri(afi, safi, addpath):
    """NLRI of each shape: one label, a stack of two (the prefix too long for one), every RD type (VPN)."""
    width = 16 if afi == 2 else 4
    rds = [bytes.fromhex(rd) for rd, _ in RDS] if safi == 128 else [b""]
    sections = [routed(afi, [label(100 + n)], width * 8 - 8 * n, rd) for n, rd in enumerate(rds)]
    sections.append(routed(afi, [label(16000, False), label(3)], width * 8, rds[0]))
    return paths(addpath, *sections)


def alike_on_both(codec, body, addpath):
    """The fast path's text of `body`, asserted accepted and equal to the general renderer's."""
    fast = codec.render_update(body, True, addpath, addpath)
    assert fast is not None, body.hex()
    assert fast == general(body, True, addpath), body.hex()
    return fast


LABELED_FAMILIES = [(1, 4), (2, 4), (1, 128), (2, 128)]


@pytest.mark.parametrize("addpath", [False, True], ids=["plain", "add-path"])
@pytest.mark.parametrize(
    ("afi", "safi"), LABELED_FAMILIES, ids=["ipv4-labeled", "ipv6-labeled", "ipv4-vpn", "ipv6-vpn"]
)
def test_labeled_and_vpn_routes_render_as_the_general_renderer_does(codec, afi, safi, addpath):
    """Announced and withdrawn, alone, together and beside IPv4 unicast; one label, a stack of two, each RD type;
    in a withdrawal RFC 8277's compatibility field 0x800000 (section 2.4), read as one label."""
    nexthop = vpn_nexthop(afi) if safi == 128 else ADDRESS4 if afi == 1 else GLOBAL
    nlri = labeled_nlri(afi, safi, addpath)
    rd = bytes(8) if safi == 128 else b""
    withdrawn = nlri + paths(addpath, routed(afi, [b"\x80\x00\x00"], 24, rd), routed(afi, [label(0, False)], 16, rd))
    bodies = [
        body_of(ORIGIN_AS_PATH + reach(afi, safi, nexthop, nlri)),
        body_of(unreach(afi, safi, withdrawn)),
        body_of(ORIGIN_AS_PATH + reach(afi, safi, nexthop, nlri) + unreach(afi, safi, withdrawn)),
        body_of(
            ORIGIN_AS_PATH + tlv(0x40, 3, ADDRESS4) + unreach(afi, safi, withdrawn) + reach(afi, safi, nexthop, nlri),
            withdrawn=paths(addpath, b"\x08\x09"),
            nlri=paths(addpath, b"\x08\x0a"),
        ),
    ]
    texts = [alike_on_both(codec, body, addpath) for body in bodies]
    name = f"{'ipv6' if afi == 2 else 'ipv4'} {'mpls-vpn' if safi == 128 else 'nlri-mpls'}"
    assert f'"announce": {{ "{name}": {{ "{"fd02::10" if afi == 2 else "10.0.0.1"}": [ ' in texts[0]
    assert '"label": [ [16000], [3] ]' in texts[0]
    assert '"label": [ [0] ]' in texts[1]
    assert '"label": [ [524288] ]' in texts[1]
    if safi == 128:
        for _, text in RDS:
            assert f'"rd": "{text}"' in texts[0]
    if addpath:
        assert '"path-information": "0.0.0.7", "label": [ [100] ]' in texts[0]


@pytest.mark.parametrize("safi", [4, 128], ids=["labeled", "vpn"])
def test_an_ipv6_next_hop_with_its_link_local_address_lists_the_routes_under_each(codec, safi):
    """RFC 2545 section 3 for labeled IPv6, RFC 4659 section 3.2.1.2 for VPN (RD, global, link-local: 40
    octets): the routes under the global address then under the link-local one, as 5.0.15 prints them."""
    nexthop = vpn_nexthop(2, link_local=True) if safi == 128 else GLOBAL + LINK_LOCAL
    fast = alike_on_both(codec, body_of(ORIGIN_AS_PATH + reach(2, safi, nexthop, labeled_nlri(2, safi, False))), False)
    assert '"fd02::10": [ { "nlri": ' in fast
    assert '], "fe80::206:aff:fe0e:fff0": [ { "nlri": ' in fast


def test_labeled_and_vpn_messages_the_general_decode_refuses_are_declined(codec):
    """A label field or an RD cut short, a prefix too long after them, a next hop whose RD is not 0, next-hop
    lengths the family does not allow (the general decode refuses each), one address twice, no ORIGIN: declined,
    or, read with path identifiers, alike."""
    one = label(100)
    rd = bytes.fromhex(RDS[0][0])
    declined = [
        body_of(ORIGIN_AS_PATH + reach(1, 4, ADDRESS4, b"\x10\x00\x06")),  # 16 bits: shorter than a label
        body_of(ORIGIN_AS_PATH + reach(1, 4, ADDRESS4, b"\x30\x00\x06")),  # the label field itself cut
        body_of(unreach(2, 4, b"\x20\x00\x06")),  # a withdrawal's label field cut
        body_of(unreach(2, 4, b"\x18\x00\x06\x41\x01")),  # a /0 after its label, then a length alone
        body_of(ORIGIN_AS_PATH + reach(1, 128, vpn_nexthop(1), b"\x50" + one + rd[:7])),  # RD cut (length)
        body_of(ORIGIN_AS_PATH + reach(1, 128, vpn_nexthop(1), b"\x70" + one + rd[:5])),  # RD cut (octets)
        body_of(unreach(2, 128, b"\x40" + one + rd[:5])),  # RD shorter than the length says
        body_of(ORIGIN_AS_PATH + reach(1, 4, ADDRESS4, bytes((24 + 33,)) + one + bytes(5))),  # /33
        body_of(unreach(2, 128, bytes((88 + 129,)) + one + rd + bytes(17))),  # /129
        body_of(ORIGIN_AS_PATH + reach(1, 4, ADDRESS4, bytes((48 + 24,)) + label(1, False) + label(2, False))),
        *(
            body_of(ORIGIN_AS_PATH + reach(afi, 128, vpn_nexthop(afi, rd=rd), routed(afi, [one], 24, rd)))
            for afi in (1, 2)
        ),
        body_of(ORIGIN_AS_PATH + reach(2, 128, vpn_nexthop(2, rd=bytes(7) + b"\x01"), routed(2, [one], 24, rd))),
        *(body_of(ORIGIN_AS_PATH + reach(1, 128, bytes(size), routed(1, [one], 24, rd))) for size in (4, 8, 16, 24)),
        *(body_of(ORIGIN_AS_PATH + reach(2, 128, bytes(size), routed(2, [one], 24, rd))) for size in (16, 32, 12, 48)),
        *(body_of(ORIGIN_AS_PATH + reach(1, 4, bytes(size), routed(1, [one], 24))) for size in (12, 16, 32)),
        *(body_of(ORIGIN_AS_PATH + reach(2, 4, bytes(size), routed(2, [one], 24))) for size in (4, 24, 40)),
    ]
    for body in declined:
        assert isinstance(general_or_error(body, True, False), CodecError), body.hex()  # 3/9 or 3/10
    # and three the general renderer renders: its own way (the NLRI interleaved), treat-as-withdraw
    declined += [
        body_of(ORIGIN_AS_PATH + reach(2, 128, bytes(8) + GLOBAL + GLOBAL, routed(2, [one], 24, rd))),
        body_of(ORIGIN_AS_PATH + reach(2, 4, GLOBAL + GLOBAL, routed(2, [one], 24))),
        body_of(reach(1, 128, vpn_nexthop(1), routed(1, [one], 24, rd))),  # no ORIGIN nor AS_PATH
    ]
    for body in declined:
        assert codec.render_update(body, True, False, False) is None, body.hex()
        fast = codec.render_update(body, True, True, True)
        assert fast is None or fast == general(body, True, True), body.hex()


def test_the_twins_render_labeled_and_vpn_alike(pure_codec, compiled_codec):
    """The compiled twin's text is the pure twin's, on the hand-built messages above, good and bad."""
    for afi, safi in LABELED_FAMILIES:
        for addpath in (False, True):
            nexthop = vpn_nexthop(afi) if safi == 128 else ADDRESS4 if afi == 1 else GLOBAL
            nlri = labeled_nlri(afi, safi, addpath)
            for body in (
                body_of(ORIGIN_AS_PATH + reach(afi, safi, nexthop, nlri) + unreach(afi, safi, nlri)),
                body_of(ORIGIN_AS_PATH + reach(afi, safi, nexthop, nlri[:-1])),
            ):
                for flag in (False, True):
                    assert pure_codec.render_update(body, True, flag, flag) == compiled_codec.render_update(
                        body, True, flag, flag
                    ), body.hex()


LABELED_VECTORS = sorted(
    path for path in VECTOR_DIRECTORY.glob("update-ipv*.vec") if "mpls-vpn" in path.name or "nlri-mpls" in path.name
)


@pytest.mark.parametrize("path", LABELED_VECTORS, ids=[path.stem for path in LABELED_VECTORS])
def test_labeled_and_vpn_vectors_render_as_exabgp_5_0_15_prints_them(codec, path):
    """The project's vectors of these families (5.0.15's ``exabgp decode`` output): the fast path accepts each
    and its text is the one after ``"message": `` there."""
    vector = read_vector(path)
    addpath = "path-information" in vector.get("options", "")
    fast = codec.render_update(vector["octets"][19:], True, addpath, addpath)
    assert fast is not None
    assert json.loads(fast) == json.loads(vector["json"])["neighbor"]["message"]
    assert f'"message": {fast} }} }}' in vector["json"]


# ---------------------------------------------------------------- attributes 5.0 does not know

ATTR_SET = tlv(0xE0, 128, bytes.fromhex("0000fde84001010040020040050400000064"))  # RFC 6368, as Quagga's sample
OTC = tlv(0xC0, 35, bytes.fromhex("0000fde8"))  # RFC 9234 Only to Customer


@pytest.mark.parametrize(
    "attributes",
    [
        (OTC,),
        (ATTR_SET,),
        (ATTR_SET, OTC),  # out of code order on the wire: shown in code order
        (tlv(0xC0, 0, b""),),  # code 0, empty: before ORIGIN
        (tlv(0xD0, 11, b"")[:2] + struct.pack("!H", 2) + b"\x01\x02",),  # extended length kept in the flags shown
        (tlv(0xF0, 200, b"")[:2] + struct.pack("!H", 300) + bytes(range(256)) + bytes(44),),
        (tlv(0x80, 139, b"\x01"), OTC),  # an optional non-transitive one is left out
        (tlv(0x80, 139, b"\x01"),),
        tuple(tlv(0xC0, code, bytes((code,))) for code in (33, 34, 36, 37, 38, 39, 41, 42)),  # eight: the most
        (OTC, tlv(0xC0, 16, bytes.fromhex("0002fde800000001"))),  # beside a route target
    ],
    ids=lambda attributes: "+".join(f"{item[1]}" for item in attributes),
)
def test_unknown_optional_attributes_render_as_the_general_renderer(codec, attributes):
    """Optional attributes whose code 5.0 does not know (not in `tables.ATTRIBUTE_FLAGS`): a transitive one shown
    raw with the Partial bit set in its flags, in code order among the others, a non-transitive one ignored
    (RFC 4271 section 5), as `decode_attributes` keeps them."""
    body = announcement(*attributes)
    fast = codec.render_update(body, True, False, False)
    assert fast is not None and fast == general(body, True, False)
    if OTC in attributes:
        assert '"attribute-0x23-0xE0": "0x0000fde8"' in fast


@pytest.mark.parametrize(
    "attributes",
    [
        (tlv(0x40, 35, b"\x01"),),  # well-known and unrecognized: a session's 3/2 (RFC 4271 6.3)
        (OTC, OTC),  # repeated
        (tlv(0x80, 139, b"\x01"), tlv(0x80, 139, b"\x01")),  # repeated, even ignored
        tuple(tlv(0xC0, code, b"") for code in range(33, 42)),  # nine
        (tlv(0xC0, 17, bytes.fromhex("020100000001")),),  # AS4_PATH: known, shown the general way
        (tlv(0xC0, 22, b"\x00"),),  # PMSI_TUNNEL: known, not rendered here
    ],
    ids=["well-known", "repeated", "repeated-ignored", "nine", "as4-path", "pmsi"],
)
def test_attributes_the_fast_path_leaves_are_declined(codec, attributes):
    body = announcement(*attributes)
    assert codec.render_update(body, True, False, False) is None


@pytest.mark.parametrize("attributes", [(ATTR_SET,), (OTC, tlv(0xC0, 128, b""))], ids=["attr-set", "otc+128"])
def test_unknown_attributes_alone_render_as_the_general_renderer(codec, attributes):
    """An UPDATE of no route holding only attributes 5.0 does not know (the case the fuzzer found the compiled
    twin declining when the last of them came after the common codes)."""
    section = b"".join(attributes)
    body = struct.pack("!H", 0) + struct.pack("!H", len(section)) + section
    fast = codec.render_update(body, True, False, False)
    assert fast is not None and fast == general(body, True, False)
