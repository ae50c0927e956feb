"""Fuzz the UPDATE model end to end: the only exception allowed is CodecError.

Every UPDATE vector of tests/vectors is mutated (bytes replaced, cut,
extended) and decoded under several negotiated contexts; each accessor of
the lazy Update and both JSON renderers are driven.  RFC 7606 means most
malformed attributes must NOT raise at all; anything that does raise must be
a CodecError carrying a NOTIFICATION code.
"""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp.api.json_update import general_update_json, update_json
from exabgp.bgp.context import CodecContext
from exabgp.bgp.family import FAMILIES
from exabgp.bgp.message import decode_message
from qa.hypothesis_profiles import examples

VECTORS = Path(__file__).parent / "vectors"


def update_bodies():
    bodies = []
    for path in sorted(VECTORS.glob("update-*.vec")):
        for line in path.read_text().splitlines():
            if line.startswith("hex:"):
                bodies.append(bytes.fromhex(line[4:].strip())[19:])
    return bodies


BODIES = update_bodies()
ALL = frozenset(FAMILIES)
CONTEXTS = [
    CodecContext(),
    CodecContext(asn4=False),
    CodecContext(addpath_receive=ALL, addpath_send=ALL),
    CodecContext(asn4=False, addpath_receive=ALL, addpath_send=ALL, extended_message=True),
]


def test_there_are_update_vectors_to_mutate():
    assert len(BODIES) >= 20


@st.composite
def mutated(draw):
    body = bytearray(draw(st.sampled_from(BODIES)))
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 3))
        if choice <= 1 and body:
            body[draw(st.integers(0, len(body) - 1))] = draw(st.integers(0, 255))
        elif choice == 2 and body:
            del body[draw(st.integers(0, len(body) - 1)) :]
        else:
            body += draw(st.binary(min_size=1, max_size=8))
    return bytes(body)


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=mutated(), ctx=st.sampled_from(CONTEXTS), withdraw=st.booleans())
def test_mutated_updates_only_raise_codec_error(body, ctx, withdraw):
    try:
        update = decode_message(2, body, ctx)
        update.attributes(ctx)
        for _action, _family, _nexthop, nlri in update.changes(ctx):
            assert nlri.json().startswith("{ ")
        text = update_json(update, ctx, withdraw)
        assert text == general_update_json(update, ctx, withdraw)
    except CodecError as error:
        assert 1 <= error.code <= 6
