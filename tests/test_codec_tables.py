"""`exabgp._codec.tables`: the one home of the wire's numbers, and the fast paths held to it.

* the compiled twins' constants come from the module: ``_tables.pxd`` (what
  ``setup.py build_ext`` writes for Cython) is `tables.declarations()`, and
  declares every public integer of the module with its value;
* the general attribute table (`exabgp.bgp.attribute.ATTRIBUTES`) knows the
  codes of `tables.KNOWN` and takes its flags from `tables.ATTRIBUTE_FLAGS`;
* on both twins, the fast paths (the index's plain mark, `render_update`) take an
  attribute as it is exactly when the table's rule says so: a common code,
  its flags (Partial ignored on optional attributes, RFC 4271 section 4.3),
  its length rule; the rule is computed here from the table, every code,
  flag octet and a spread of lengths tried; `render_update` also takes an
  optional attribute whose code is not in `tables.KNOWN` (5.0 shows it raw
  or ignores it), whatever its value;
* a common optional attribute with the Partial bit set is rendered by the
  JSON fast path as the general renderer renders it.
"""

import re
import struct
from pathlib import Path

import pytest

from exabgp._codec import tables
from exabgp.api.json_update import general_update_json
from exabgp.bgp.attribute import ATTRIBUTES
from exabgp.bgp.context import CodecContext
from exabgp.bgp.update import Update

SOURCE = Path(__file__).resolve().parents[1]


def test_the_generated_declarations_hold_every_integer_of_the_module():
    text = tables.declarations()
    declared = dict(re.findall(r"^    (\w+) = (-?\d+)$", text, re.MULTILINE))
    integers = {
        name: str(value) for name, value in vars(tables).items() if not name.startswith("_") and type(value) is int
    }
    assert declared == integers
    assert {"HEADER_SIZE", "MARKER_SIZE", "UPDATE", "OPTIONAL", "LARGE_COMMUNITY", "COMMON_LIMIT"} <= set(declared)
    assert tables.MARKER == b"\xff" * tables.MARKER_SIZE and tables.HEADER_SIZE == 19  # RFC 4271 section 4.1


def test_the_pxd_of_the_build_is_the_module_s_declarations():
    """The checkout's ``_tables.pxd``, written by ``setup.py build_ext`` (the editable install and
    ``build_ext --inplace`` of the development loop, and ``pip install .`` in CI, build in the tree)."""
    path = SOURCE / "exabgp" / "_codec" / "_tables.pxd"
    if not path.is_file():
        pytest.skip("no compiled build in this checkout (a pure build writes no _tables.pxd)")
    assert path.read_text(encoding="utf-8") == tables.declarations(), "run: python setup.py build_ext --inplace"


def test_the_attribute_table_is_the_known_codes_with_their_flags():
    assert set(ATTRIBUTES) == tables.KNOWN == set(tables.ATTRIBUTE_FLAGS)
    assert all(spec.flags == tables.ATTRIBUTE_FLAGS[code] for code, spec in ATTRIBUTES.items())
    assert tables.COMMON <= tables.KNOWN
    assert all(ATTRIBUTES[code].length.accepts(size) for code, size in tables.VALUE_SIZES.items())


def tlv(flags: int, code: int, value: bytes) -> bytes:
    if flags & tables.EXTENDED_LENGTH:
        return bytes((flags, code)) + struct.pack("!H", len(value)) + value
    return bytes((flags, code, len(value))) + value


#: a valid value of each mandatory attribute (4-octet ASNs): the UPDATE around the attribute under test
BASE = {
    tables.ORIGIN: bytes((tables.ORIGIN_IGP,)),
    tables.AS_PATH: bytes((tables.AS_SEQUENCE, 1)) + (65001).to_bytes(4, "big"),
    tables.NEXT_HOP: bytes((192, 0, 2, 1)),
}
NLRI = bytes.fromhex("18c63301")


def update_with(code: int, flags: int, value: bytes) -> bytes:
    attributes = [tlv(tables.ATTRIBUTE_FLAGS[base], base, data) for base, data in BASE.items() if base != code]
    section = b"".join(attributes) + tlv(flags, code, value)
    return struct.pack("!H", 0) + struct.pack("!H", len(section)) + section + NLRI


def kept(code: int, flags: int, value: bytes) -> bool:
    """The table's rule (see `tables`' docstring), for a session of 4-octet ASNs."""
    if code not in tables.COMMON:
        return False
    expected = tables.ATTRIBUTE_FLAGS[code]
    checked = tables.FLAGS_CHECKED_OPTIONAL if expected & tables.OPTIONAL else tables.FLAGS_CHECKED
    if flags & checked != expected:
        return False
    size = len(value)
    if code in tables.VALUE_SIZES:
        return size == tables.VALUE_SIZES[code] and (code != tables.ORIGIN or value[0] <= tables.ORIGIN_INCOMPLETE)
    if code in tables.ITEM_SIZES:
        return size > 0 and size % tables.ITEM_SIZES[code] == 0
    if code == tables.AGGREGATOR:
        return size == tables.ASN4_SIZE + tables.IPV4_SIZE
    return value in (b"", BASE[tables.AS_PATH])  # AS_PATH: the values tried below are valid or not at all


#: every flag octet's meaningful bits (the four low bits never matter)
FLAGS = [high | low for high in range(0, 0x100, 0x10) for low in (0, 0x0F)]
#: values: empty, each size of the table (and one octet more), a valid AS_PATH, invalid ORIGIN values
VALUES = sorted(
    {bytes(size) for size in (0, 1, 3, 4, 5, 6, 8, 9, 12, 16, 24)}
    | {BASE[tables.AS_PATH], bytes((tables.ORIGIN_INCOMPLETE,)), bytes((tables.ORIGIN_INCOMPLETE + 1,))}
)
#: every code but MP_REACH_NLRI / MP_UNREACH_NLRI, whose rules are the families' (tests/test_codec_index.py)
CODES = [code for code in range(256) if code not in (tables.MP_REACH_NLRI, tables.MP_UNREACH_NLRI)]


def test_the_fast_paths_take_an_attribute_exactly_when_the_table_says(codec):
    wrong = []
    for code in CODES:
        for flags in FLAGS:
            for value in VALUES:
                body = update_with(code, flags, value)
                expected = kept(code, flags, value)
                used, index = codec.index_updates(
                    codec.frame_message(2, body), 65535, False, False, True, True, True, True
                )
                ingested = bool(used) and index[tables.INDEX_PLAIN] == 1
                rendered = codec.render_update(body, True, False, False) is not None
                shown = expected or (code not in tables.KNOWN and bool(flags & tables.OPTIONAL))
                if ingested != expected or rendered != shown:
                    wrong.append((code, hex(flags), value.hex(), expected, ingested, rendered))
    assert wrong == []


def test_a_common_optional_attribute_with_the_partial_bit_renders_as_the_general_renderer_does(codec):
    """RFC 4271 section 4.3: Partial means nothing on an optional non-transitive attribute, which the general
    decode ignores (`exabgp.bgp.attribute`); the fast path takes it too, with the same text."""
    ctx = CodecContext()
    partial = tables.OPTIONAL | tables.PARTIAL
    for code, value in (
        (tables.MULTI_EXIT_DISC, (200).to_bytes(4, "big")),
        (tables.ORIGINATOR_ID, bytes((10, 0, 0, 1))),
        (tables.CLUSTER_LIST, bytes((10, 0, 0, 2, 10, 0, 0, 3))),
    ):
        body = update_with(code, partial, value)
        fast = codec.render_update(body, True, False, False)
        assert fast is not None
        assert fast == general_update_json(Update.decode(body, ctx), ctx)
