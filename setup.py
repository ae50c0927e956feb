"""Build script: the compiled codec twins, or none at all when asked.

Every `exabgp/_codec/_<topic>_c.pyx` becomes an extension module.  The
project metadata lives in pyproject.toml; this file decides what is
compiled, and how, and lists the operators' files installed beside the
package (`DATA_FILES`):

* ``EXABGP_NO_EXTENSIONS=1``: a pure-Python build, nothing compiled (a
  ``py3-none-any`` wheel); interpreters other than CPython always get it;
* otherwise the twins are compiled, and a compile that fails (no Cython, no
  C compiler, no Python headers) fails the build with a message saying so,
  and how to ask for the pure build instead: a build never loses its
  extensions silently.  (``EXABGP_REQUIRE_EXTENSIONS`` is read at run time
  only, by `exabgp/_codec/__init__.py`.)

Before Cython runs, ``build_ext`` writes ``exabgp/_codec/_tables.pxd``, the
numbers of `exabgp/_codec/tables.py` as C compile-time constants for the
twins to cimport (`write_tables`; generated, not committed, rewritten only
when its text changes).

Cython runs in ``build_ext``, never for an sdist: it writes its C files under
the build directory (``build/temp.*/cython``), not next to the sources, and
regenerates one only when its ``.pyx`` (or a ``.pxd`` it cimports) is newer,
so a second ``pip install .`` of an unchanged tree does not run it again.
Only ``.pyx`` files are ever handed to the compiler's chain: a ``.c`` file
lying in the source tree is never compiled, stale or not.  With a Unix
compiler the modules are built without debug information and linked stripped
(``-g0``, and ``-s`` on Linux): 2.9 MB of modules would otherwise be 0.5 MB.
"""

import glob
import os
import platform
import runpy
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
PURE_HINT = "set EXABGP_NO_EXTENSIONS=1 to build the pure-Python package instead (same behaviour, slower)"


def say(text: str) -> None:
    print(f"exabgp: {text}", file=sys.stderr, flush=True)


def pure_reason() -> str | None:
    """Why this build compiles nothing, or None when it compiles the twins."""
    if os.environ.get("EXABGP_NO_EXTENSIONS"):
        return "EXABGP_NO_EXTENSIONS is set"
    if platform.python_implementation() != "CPython":
        return f"{platform.python_implementation()} runs the pure twins"
    return None


def extensions() -> list:
    """One extension module per compiled twin, from its .pyx (none for a pure build)."""
    reason = pure_reason()
    if reason:
        say(f"pure-Python build ({reason})")
        return []
    sources = sorted(glob.glob(os.path.join("exabgp", "_codec", "_*_c.pyx"), root_dir=ROOT))
    modules = []
    for source in sources:
        module = Extension(source[:-4].replace(os.sep, "."), [])
        module.sources = [source]  # set after: without Cython, setuptools would swap in a .c file of the tree
        modules.append(module)
    return modules


def write_tables() -> None:
    """Write exabgp/_codec/_tables.pxd from exabgp/_codec/tables.py, unless it already says the same."""
    text = runpy.run_path(os.path.join(ROOT, "exabgp", "_codec", "tables.py"))["declarations"]()
    path = os.path.join(ROOT, "exabgp", "_codec", "_tables.pxd")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return  # untouched: Cython does not run again for it
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


class CythonBuildExt(build_ext):
    """build_ext that runs Cython into the build directory, compiles without debug information and fails
    loudly, naming the way out (a pure build)."""

    def run(self):
        if self.extensions:
            self._cythonize()
            say("building the codec twins: " + ", ".join(ext.name.rsplit(".", 1)[1] for ext in self.extensions))
        try:
            super().run()
        except Exception as error:
            raise SystemExit(
                f"exabgp: compiling the codec twins failed ({error}); it needs a C compiler and "
                f"the Python headers; {PURE_HINT}"
            ) from error

    def _cythonize(self) -> None:
        """Point each extension at its C file, generated under the build directory when its .pyx changed."""
        try:
            from Cython.Build import cythonize
        except ImportError as error:
            raise SystemExit(
                f"exabgp: Cython is needed to compile the codec twins ({error}); pip installs it "
                f"from pyproject.toml's build requirements; {PURE_HINT}"
            ) from error
        write_tables()
        generated = cythonize(
            self.extensions,
            build_dir=os.path.join(self.build_temp, "cython"),
            # binding: the compiled functions carry their signatures (`inspect.signature`), which
            # tests/test_codec_twins.py compares with the pure twins' (Cython 3's default, stated)
            compiler_directives={"language_level": 3, "binding": True},
            quiet=True,
        )
        sources = {module.name: module.sources for module in generated}
        for ext in self.extensions:
            ext.sources = sources[ext.name]

    def build_extensions(self):
        if self.compiler.compiler_type == "unix":
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args, "-g0"]
                if sys.platform.startswith("linux"):
                    ext.extra_link_args = [*ext.extra_link_args, "-s"]
        super().build_extensions()


#: what operators install besides the package: (installation directory under the prefix, source patterns)
#: man pages and completions (generated: qa/manpages.py, qa/completion.py), the systemd files (under
#: /usr/local/lib for a root pip install, where systemd, sysusers and tmpfiles look) and the examples
DATA_FILES = (
    ("share/man/man1", "man/man1/*.1"),
    ("share/man/man5", "man/man5/*.5"),
    ("share/bash-completion/completions", "completion/bash/*"),
    ("share/zsh/site-functions", "completion/zsh/_*"),
    ("lib/systemd/system", "etc/systemd/*.service"),
    ("lib/sysusers.d", "etc/systemd/sysusers.d/*.conf"),
    ("lib/tmpfiles.d", "etc/systemd/tmpfiles.d/*.conf"),
    ("etc/exabgp/examples", "examples/*"),  # where ExaBGP 5.0 installs its examples
)


def data_files():
    return [
        (target, sorted(path for path in glob.glob(pattern, root_dir=ROOT) if os.path.isfile(os.path.join(ROOT, path))))
        for target, pattern in DATA_FILES
    ]


setup(ext_modules=extensions(), cmdclass={"build_ext": CythonBuildExt}, data_files=data_files())
