"""A single-file exabgp: ``python -m qa.zipapp OUT.pyz`` (issue 10, finding 6).

The archive holds the Python modules of the `exabgp` package of this
checkout (``*.py`` only: no compiled extension, so the codec selector of
`exabgp._codec` takes the pure twins) and a ``__main__.py`` that runs
`exabgp.cli.main.main` and exits with its code; a ``#!/usr/bin/env python3``
line makes it executable.  ``python3 exabgp.pyz ARGS`` (or ``./exabgp.pyz
ARGS``) is then ``exabgp ARGS``: the daemon, validate, decode, cli,
healthcheck.  Python 3.10 or later, nothing else, is needed where it runs.

`build(out)` writes it (the files in sorted order, so that two builds of the
same tree list the same modules); tests/test_operator_zipapp.py builds one
and runs it.
"""

import os
import stat
import sys
import zipfile

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(REPOSITORY, "exabgp")
SHEBANG = b"#!/usr/bin/env python3\n"
MAIN = '''"""exabgp as a single file: python3 exabgp.pyz ARGS is exabgp ARGS (built by qa/zipapp.py)."""

import sys

from exabgp.cli.main import main

sys.exit(main())
'''


def modules(package: str = PACKAGE) -> list:
    """``(path on disk, name in the archive)`` of every module of the package, sorted."""
    found = []
    for folder, directories, files in os.walk(package):
        directories[:] = sorted(name for name in directories if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                found.append((path, os.path.relpath(path, os.path.dirname(package))))
    return found


def build(out: str, package: str = PACKAGE) -> str:
    """Write the single-file program to `out`; return `out`."""
    with open(out, "wb") as handle:
        handle.write(SHEBANG)
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("__main__.py", MAIN)
            for path, name in modules(package):
                archive.write(path, name)
    os.chmod(out, os.stat(out).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m qa.zipapp OUT.pyz")
    build(sys.argv[1])
