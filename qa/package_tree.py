"""The source files of the installed `exabgp` package, for the tests that read its code as text.

`tests/test_layers.py` (which module may import which) and `tests/test_names.py`
(which names may cross a module) walk the same tree: `modules()` lists its
``.py``, ``.pyx`` and ``.pxd`` files relative to `PACKAGE`, `dotted()` names
one as Python imports it, `is_package()` tells a package from a module.
Test tooling: nothing in `exabgp` imports it.
"""

import os

import exabgp

#: the directory of the `exabgp` package the tests import
PACKAGE = os.path.dirname(os.path.abspath(exabgp.__file__))


def modules() -> list:
    """Every source file of the package, relative to `PACKAGE`, in a stable order."""
    found = []
    for directory, subdirectories, files in os.walk(PACKAGE):
        subdirectories[:] = sorted(name for name in subdirectories if name != "__pycache__")
        found.extend(
            os.path.relpath(os.path.join(directory, name), PACKAGE)
            for name in sorted(files)
            if name.endswith((".py", ".pyx", ".pxd"))
        )
    return found


def dotted(relative: str) -> str:
    """The dotted module name of the file at `relative` (a package's ``__init__`` is the package)."""
    parts = relative.rsplit(".", 1)[0].split(os.sep)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["exabgp"] + parts)


def is_package(module: str) -> bool:
    """Whether the dotted name `module` is a package (a directory with an ``__init__.py``)."""
    return os.path.isfile(os.path.join(PACKAGE, *module.split(".")[1:], "__init__.py"))
