"""One meaning per name (docs/architecture.md, "Checks", point 7): no private name crosses a module,
no two classes share a name.

A name with a leading underscore is private to where it is defined: a
`_name` defined in a module (a function, a class, a constant) is that
module's alone, and a `_package` or `_module` of a package belongs to that
package, so modules inside the package may import it and no module outside
may.  `exabgp._codec` is such a package of `exabgp` (every layer imports it,
by design), and its twins (`_wire_py`, `_wire_c`, ...) and `_octets` are
imported by `exabgp._codec` modules only.  Every module of the installed
package is read with `ast` (Cython sources by their import lines).

A class name means one thing in the whole package: two modules defining a
class of the same name (a capability and a message both called
`RouteRefresh`, a configuration block and the reactor's object both `Api`)
fail, whatever their layers.  The codec's twins are one module for this
(``_wire_py.py`` and ``_wire_c.pyx`` define the same names by design);
Cython sources are read by their ``class`` / ``cdef class`` lines.
"""

import ast
import os
import re

import pytest

from qa.package_tree import PACKAGE, dotted, is_package, modules

PYX_CLASS = re.compile(r"^[ \t]*(?:cdef[ \t]+)?class[ \t]+(\w+)", re.MULTILINE)
TWIN = re.compile(r"_(?:c|py)$")
PYX_IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+c?import\s+([\w, ()]+)", re.MULTILINE)


def imported(source, name, python):
    """(line, dotted path) of everything module `name` imports: ``from M import x`` gives ``M.x``."""
    if not python:
        return [
            (source.count("\n", 0, match.start()) + 1, f"{match.group(1)}.{item.strip(' ()')}")
            for match in PYX_IMPORT.finditer(source)
            for item in match.group(2).split(",")
            if item.strip(" ()")
        ]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def private_crossings(name, found, package_of=is_package):
    """The (line, path) imports of module `name` that reach a private name from outside its owner.

    A private part of a path is a package's to share inside itself, a module's to keep: `name` may
    import ``exabgp._codec`` (inside ``exabgp``), never ``exabgp.rib.packing._ROOM``.
    """
    wrong = []
    for line, path in found:
        parts = path.split(".")
        if parts[0] != "exabgp":
            continue
        for index in range(1, len(parts)):
            if not parts[index].startswith("_") or parts[index].startswith("__"):
                continue
            owner = ".".join(parts[:index])
            if not package_of(owner) or not (name == owner or name.startswith(owner + ".")):
                wrong.append((line, path))
                break
    return wrong


@pytest.mark.parametrize("relative", modules())
def test_no_private_name_crosses_a_module(relative):
    with open(os.path.join(PACKAGE, relative), encoding="utf-8") as handle:
        source = handle.read()
    name = dotted(relative)
    wrong = private_crossings(name, imported(source, name, relative.endswith(".py")))
    assert not wrong, f"exabgp/{relative} imports private names of other modules: {wrong}"


def test_the_checker_catches_private_imports():
    source = "\n".join(
        (
            "from exabgp import _codec",  # a package's private part, imported inside the package: fine
            "from exabgp.rib.packing import _ROOM",  # a module's private name
            "from exabgp._codec import _wire_py",  # the codec's twin, outside the codec
            "import exabgp._codec.tables",  # fine
            "from exabgp.config.route import Speaker, _Cursor",  # one private name among public ones
            "from os import _exit",  # not ours
        )
    )
    packages = {"exabgp", "exabgp._codec", "exabgp.rib", "exabgp.config"}
    found = imported(source, "exabgp.rib.outgoing", True)
    assert private_crossings("exabgp.rib.outgoing", found, packages.__contains__) == [
        (2, "exabgp.rib.packing._ROOM"),
        (3, "exabgp._codec._wire_py"),
        (5, "exabgp.config.route._Cursor"),
    ]
    assert private_crossings("exabgp._codec", found[2:3], packages.__contains__) == []
    pyx = "from exabgp._codec._octets cimport Output, reserve\nfrom exabgp.bgp.x cimport _y\n"
    assert private_crossings("exabgp._codec._nlri_c", imported(pyx, "", False), packages.__contains__) == [
        (2, "exabgp.bgp.x._y")
    ]


def classes(source, python):
    """(line, name) of every class `source` defines, nested ones included."""
    if not python:
        return [(source.count("\n", 0, match.start()) + 1, match.group(1)) for match in PYX_CLASS.finditer(source)]
    return [(node.lineno, node.name) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)]


def shared_class_names(sources):
    """{class name: ["module:line", ...]} for each name that more than one module defines.

    `sources` is ``(dotted module name, source, python)`` triples; a codec
    topic's twins (``..._wire_c`` and ``..._wire_py``) count as one module.
    """
    where = {}
    for name, source, python in sources:
        owner = TWIN.sub("", name) if name.startswith("exabgp._codec._") else name
        for line, defined in classes(source, python):
            where.setdefault(defined, {}).setdefault(owner, f"{name}:{line}")
    return {defined: sorted(owners.values()) for defined, owners in where.items() if len(owners) > 1}


def test_no_two_classes_share_a_name():
    sources = []
    for relative in modules():
        with open(os.path.join(PACKAGE, relative), encoding="utf-8") as handle:
            sources.append((dotted(relative), handle.read(), relative.endswith(".py")))
    shared = shared_class_names(sources)
    assert not shared, f"class names defined by more than one module: {shared}"


def test_the_checker_catches_shared_class_names():
    sources = (
        ("exabgp.bgp.capability", "class RouteRefreshCapability:\n    pass\nclass Only:\n    pass\n", True),
        ("exabgp.bgp.refresh", "class RouteRefresh:\n    class Only:\n        pass\n", True),
        ("exabgp.config.process", "import x\n\n\nclass RouteRefresh(x.Base):\n    pass\n", True),
        ("exabgp._codec._wire_py", "class Frame:\n    pass\n", True),
        ("exabgp._codec._wire_c", "cdef class Frame:\n    pass\n", False),
        ("exabgp._codec._nlri_c", "\ncdef class Frame:\n    pass\n", False),
    )
    assert shared_class_names(sources) == {
        "Only": ["exabgp.bgp.capability:3", "exabgp.bgp.refresh:2"],
        "RouteRefresh": ["exabgp.bgp.refresh:1", "exabgp.config.process:4"],
        "Frame": ["exabgp._codec._nlri_c:2", "exabgp._codec._wire_py:1"],
    }
