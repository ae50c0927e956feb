"""Layering (docs/architecture.md, "Layers"): imports point one way, and I/O lives in the reactor only.

    _codec < bgp < {session, rib} < api < {config, mrt, bmp} < reactor < cli

Every module of the installed `exabgp` package is read with `ast` (Cython
`.pyx` sources by their import lines) and each `exabgp.*` import is mapped
to its layer: a module may import its own layer and the layers below it,
never a layer above, and `session` and `rib` never import each other, nor
`config`, `mrt` and `bmp` (the MRT reader and the BMP decoder use the codec,
the model and the API's encoders, nothing of the configuration or the
reactor).
`exabgp/__init__.py` (version only) is importable from anywhere and imports
nothing of the package; `exabgp/__main__.py` may import `cli`.  Below the
reactor no module touches asyncio, sockets, subprocesses, signals or the
environment; the codec selector `_codec/__init__.py` reads its two
EXABGP_* variables by design.  Packages still empty pass trivially and are
checked as soon as modules appear.
"""

import ast
import os
import re
import subprocess
import sys

import pytest

from qa.package_tree import PACKAGE, dotted, modules

RANK = {
    "_codec": 0,
    "bgp": 1,
    "session": 2,
    "rib": 2,
    "api": 3,
    "config": 4,
    "mrt": 4,
    "bmp": 4,
    "reactor": 5,
    "cli": 6,
}
REACTOR = RANK["reactor"]
IO_MODULES = {"asyncio", "socket", "subprocess", "signal", "selectors"}
# address conversion is text processing, not I/O: `socket` may be imported for these names only
SOCKET_PURE_NAMES = {"inet_ntop", "inet_pton", "inet_ntoa", "inet_aton", "AF_INET", "AF_INET6"}
ENVIRONMENT_READERS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
SELECTOR = os.path.join("_codec", "__init__.py")
PYX_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+c?import\s+([\w, ()]+)|c?import\s+([\w.]+))", re.MULTILINE)


def layer_of(name):
    """The layer of the dotted module name, "top" for the package itself, "main" for __main__."""
    parts = name.split(".")
    if parts[0] != "exabgp":
        return None
    if len(parts) == 1:
        return "top"
    if parts[1] == "__main__":
        return "main"
    if parts[1] not in RANK:
        raise AssertionError(f"{name}: not in any layer of docs/architecture.md")
    return parts[1]


def imports(relative):
    """(line, imported module, names) for every import of the module, and its ast (None for Cython)."""
    with open(os.path.join(PACKAGE, relative), encoding="utf-8") as handle:
        source = handle.read()
    return parse_imports(source, dotted(relative), relative.endswith("__init__.py"), relative.endswith(".py"))


def parse_imports(source, name, is_package, is_python):
    if not is_python:
        found = []
        for match in PYX_IMPORT.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            if match.group(1):
                names = [item.strip(" ()") for item in match.group(2).split(",") if item.strip(" ()")]
                found.append((line, match.group(1), names))
            else:
                found.append((line, match.group(3), []))
        return found, None
    tree = ast.parse(source)
    package = name if is_package else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((node.lineno, module, [alias.name for alias in node.names]))
    return found, tree


def targets(module, names):
    """The exabgp modules an import statement reaches (`from exabgp import bgp` reaches exabgp.bgp)."""
    if module == "exabgp" and names:
        return [f"exabgp.{name}" if name in RANK or name == "__main__" else "exabgp" for name in names]
    return [module]


ALL = modules()


def test_package_is_found():
    assert os.path.join("_codec", "__init__.py") in ALL
    assert os.path.join("_codec", "_wire_py.py") in ALL


def wrong_imports(name, found):
    """The (line, target) imports of module `name` that point up or sideways."""
    here = layer_of(name)
    wrong = []
    for line, module, names in found:
        for target in targets(module, names):
            there = layer_of(target)
            if there is None or (there == "top" and here != "top"):
                continue
            if here == "top":
                ok = False  # the version-only package imports nothing of its own
            elif here == "main":
                ok = there != "main"
            elif there == "main":
                ok = False
            elif RANK[there] == RANK[here]:
                ok = there == here  # session and rib stay independent
            else:
                ok = RANK[there] < RANK[here]
            if not ok:
                wrong.append((line, target))
    return wrong


@pytest.mark.parametrize("relative", ALL)
def test_imports_point_down(relative):
    wrong = wrong_imports(dotted(relative), imports(relative)[0])
    assert not wrong, f"exabgp/{relative} ({layer_of(dotted(relative))}) imports upward or sideways: {wrong}"


def test_the_checker_catches_wrong_arrows():
    source = "\n".join(
        (
            "import os",
            "from exabgp.cli import main",  # up
            "from ..rib import table",  # sideways
            "from . import family",  # own layer
            "from exabgp import __version__, api",  # the top package is fine, api is up
            "import exabgp._codec.errors",  # down
            "from exabgp.__main__ import main",  # never
        )
    )
    found, _tree = parse_imports(source, "exabgp.session.fsm", False, True)
    assert wrong_imports("exabgp.session.fsm", found) == [
        (2, "exabgp.cli"),
        (3, "exabgp.rib"),
        (5, "exabgp.api"),
        (7, "exabgp.__main__"),
    ]
    assert wrong_imports("exabgp.__main__", [(1, "exabgp.cli.main", ["main"])]) == []
    assert wrong_imports("exabgp", [(1, "exabgp._codec", [])]) == [(1, "exabgp._codec")]
    pyx, _ = parse_imports(
        "from exabgp.api.envelope cimport x\nimport exabgp.bgp\n", "exabgp._codec._x_c", False, False
    )
    assert wrong_imports("exabgp._codec._x_c", pyx) == [(1, "exabgp.api.envelope"), (2, "exabgp.bgp")]


def import_graph(found_by_module):
    """module -> the package's modules it imports: `from P import N` reaches P.N when that is a module,
    else P; the parent packages an import loads on the way are not edges (they would make every
    package that re-exports its modules a cycle)."""
    graph = {}
    for name, found in found_by_module.items():
        edges = set()
        for _line, module, names in found:
            if not module or module.split(".")[0] != "exabgp":
                continue
            for imported in names or [None]:
                target = f"{module}.{imported}" if imported and f"{module}.{imported}" in found_by_module else module
                if target in found_by_module and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative), sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def test_no_import_cycles():
    """Modules import each other one way only, inside a layer too (docs/architecture.md, "Layers"): a
    helper two modules share goes into a leaf module both import (as `bgp/nlri_fields.py`)."""
    graph = import_graph({dotted(relative): imports(relative)[0] for relative in ALL})
    assert cycles(graph) == [], "import cycles between these modules"


def test_the_cycle_checker_finds_cycles():
    found = {
        "exabgp.bgp": [],
        "exabgp.bgp.nlri": [(1, "exabgp.bgp", ["flow", "family"])],
        "exabgp.bgp.flow": [(1, "exabgp.bgp.nlri", ["decode"])],
        "exabgp.bgp.family": [(1, "exabgp.bgp", ["record"])],  # not a module here: an edge to the package
        "exabgp.api.a": [(1, "exabgp.api.b", [])],
        "exabgp.api.b": [(1, "exabgp.api.c", [])],
        "exabgp.api.c": [(1, "exabgp.api.a", []), (2, "os", [])],
    }
    graph = import_graph(found)
    assert graph["exabgp.bgp.nlri"] == {"exabgp.bgp.flow", "exabgp.bgp.family"}
    assert graph["exabgp.bgp.family"] == {"exabgp.bgp"}
    assert cycles(graph) == [["exabgp.api.a", "exabgp.api.b", "exabgp.api.c"], ["exabgp.bgp.flow", "exabgp.bgp.nlri"]]
    del found["exabgp.bgp.flow"]
    assert cycles(import_graph(found)) == [["exabgp.api.a", "exabgp.api.b", "exabgp.api.c"]]


@pytest.mark.parametrize(
    "relative", [name for name in ALL if layer_of(dotted(name)) in RANK and RANK[layer_of(dotted(name))] < REACTOR]
)
def test_no_io_below_the_reactor(relative):
    found, tree = imports(relative)
    bad = []
    socket_uses = set()
    if tree is not None:
        socket_uses = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "socket"
        }
    for line, module, names in found:
        root = (module or "").split(".")[0]
        if root == "socket" and module == "socket" and (set(names) or socket_uses) <= SOCKET_PURE_NAMES:
            continue
        if root in IO_MODULES:
            bad.append((line, module))
        if root == "os" and ENVIRONMENT_READERS & set(names):
            bad.append((line, f"from os import {names}"))
    if tree is not None and relative != SELECTOR:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ENVIRONMENT_READERS
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                bad.append((node.lineno, f"os.{node.attr}"))
    assert not bad, f"exabgp/{relative} does I/O or reads the environment below the reactor: {bad}"


def run(code):
    env = {key: value for key, value in os.environ.items()}
    env["PYTHONPATH"] = os.path.dirname(PACKAGE)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, cwd=os.path.dirname(PACKAGE)
    )  # not the source tree: `-c` puts the cwd first on sys.path
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# the packages below the reactor that exist so far (exabgp.session among them once written)
PACKAGES_BELOW_REACTOR = ["exabgp"] + [
    f"exabgp.{name}"
    for name, rank in RANK.items()
    if rank < REACTOR and os.path.isfile(os.path.join(PACKAGE, name, "__init__.py"))
]


@pytest.mark.parametrize("package", PACKAGES_BELOW_REACTOR)
def test_importing_below_the_reactor_loads_no_event_loop(package):
    loaded = run(f"import sys, {package}; print(sorted(m for m in ('asyncio', 'subprocess') if m in sys.modules))")
    assert loaded == "[]", f"importing {package} loads {loaded}"


def test_every_module_below_the_reactor_together_loads_no_event_loop():
    names = sorted(
        {
            dotted(name)
            for name in ALL
            if name.endswith(".py") and layer_of(dotted(name)) in RANK and RANK[layer_of(dotted(name))] < REACTOR
        }
    )
    loaded = run(
        f"import sys, importlib; [importlib.import_module(n) for n in {names!r}]; "
        f"print(sorted(m for m in ('asyncio', 'subprocess') if m in sys.modules))"
    )
    assert loaded == "[]", f"importing the layers below the reactor loads {loaded}"
