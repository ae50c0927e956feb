"""The NLRI protocol (`exabgp.bgp.nlri_base`): every NLRI class answers for itself, no module asks its class.

docs/architecture.md, "Checks", point 3, and "Adding an address family": the JSON, the texts, the
``show adj-rib`` kind, the configuration form and the packing of an NLRI are methods of its class, and
the decoders of the object families a table keyed by NLRI kind (`exabgp.bgp.nlri.OBJECT_DECODERS`).
What each method prints is held to 5.0.15 by the tests of each family (`tests/test_bgp_<family>.py`),
of the renderers (`tests/test_json_update.py`, `tests/test_api_*.py`) and the differential tests.
"""

import ast
import importlib
import pathlib
import pkgutil

import exabgp
import exabgp.bgp
from exabgp.bgp import nlri as nlri_module
from exabgp.bgp.family import FAMILIES, OBJECT_KINDS, PREFIX_KINDS, nlri_kind
from exabgp.bgp.nlri_base import NLRI

PACKAGE = pathlib.Path(exabgp.__file__).parent
PROTOCOL = ("json", "text", "api_text", "show_text", "route_type", "packed")


def _nlri_classes() -> set:
    """Every class of `exabgp.bgp` that is an `NLRI` (not the bases `exabgp.bgp.nlri_base` defines)."""
    found = set()
    for info in pkgutil.iter_modules(exabgp.bgp.__path__):
        module = importlib.import_module(f"exabgp.bgp.{info.name}")
        found.update(
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, NLRI) and value.__module__ != NLRI.__module__
        )
    return found


def test_every_nlri_class_answers_the_protocol():
    classes = _nlri_classes()
    assert {cls.__name__ for cls in classes} == {
        "Prefix",
        "RawNLRI",
        "Flow",
        "VPLS",
        "MVPN",
        "MUP",
        "EVPN",
        "BGPLS",
        "RTC",
    }
    for cls in classes:
        assert [name for name in PROTOCOL if not hasattr(cls, name)] == [], cls.__name__
        assert cls.text is not NLRI.text, f"{cls.__name__} writes no text of its own"


def test_the_families_split_between_the_prefix_codec_and_the_object_decoders():
    kinds = {kind for _name, kind in FAMILIES.values() if kind is not None}
    assert set(nlri_module.OBJECT_DECODERS) == OBJECT_KINDS
    assert not OBJECT_KINDS & PREFIX_KINDS
    assert kinds == OBJECT_KINDS | PREFIX_KINDS


def test_decoded_nlri_of_every_object_family_are_nlri_objects():
    """A section of each object family decodes to `NLRI` objects that pack back to the same octets."""
    sections = {
        (1, 133): bytes.fromhex("0501180a0000"),  # flow: destination 10.0.0.0/24
        (25, 65): bytes.fromhex("00110000fde800000001000100000008000641"),  # vpls
        (1, 5): bytes.fromhex("03120000fde800000001200a00000120ef010101"),  # mvpn source-ad
        (1, 85): bytes.fromhex("0100020c0000fde8000000010a000001"),  # mup dsd
        (25, 70): bytes.fromhex("03110000fde80000000100000000200a000001"),  # evpn multicast
        (1, 132): bytes.fromhex("600000fde80002fde800000064"),  # rtc
    }
    assert {nlri_kind(*family) for family in sections} == OBJECT_KINDS - {nlri_kind(16388, 71)}
    for (afi, safi), section in sections.items():
        for addpath in (False, True):
            octets = bytes(4) + section if addpath else section
            nlris = nlri_module.decode(afi, safi, octets, addpath)
            assert len(nlris) == 1 and isinstance(nlris[0], NLRI), (afi, safi)
            assert nlri_module.encode(afi, safi, nlris, addpath) == octets


def _dispatching_lines(source: str, names: set) -> list:
    """The lines of each ``isinstance(x, C)`` naming an NLRI class, but ``isinstance(other, C)`` (equality)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"):
            continue
        if len(node.args) != 2:
            continue
        subject, classes = node.args
        members = classes.elts if isinstance(classes, ast.Tuple) else [classes]
        named = {getattr(member, "id", None) or getattr(member, "attr", None) for member in members}
        if named & names and not (isinstance(subject, ast.Name) and subject.id == "other"):
            found.append(node.lineno)
    return found


def test_no_module_dispatches_on_the_nlri_class():
    names = {cls.__name__ for cls in _nlri_classes()}
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in _dispatching_lines(path.read_text(), names)
    ]
    assert found == []


def test_the_dispatch_check_sees_a_chain():
    """The check above finds what it looks for: a chain written as the modules had them, not an equality test."""
    source = "def f(nlri, other):\n    if isinstance(nlri, (Flow, bgp.VPLS)):\n        return isinstance(other, Flow)\n"
    assert _dispatching_lines(source, {"Flow", "VPLS"}) == [2]
