"""Build script: the compiled codec twins, or none at all.

Every `exabgp/_codec/_<topic>_c.pyx` is compiled with Cython into an
extension module.  Two environment variables, the same ones the runtime
selector in `exabgp/_codec/__init__.py` reads, decide what happens:

* ``EXABGP_NO_EXTENSIONS=1``: pure-Python build, nothing is compiled;
* ``EXABGP_REQUIRE_EXTENSIONS=1``: a failed compile stops the build;
* neither: a failed compile (no compiler, no Cython, not CPython) prints a
  warning and the build goes on pure; the package works the same, slower.

The project metadata lives in pyproject.toml.
"""

import glob
import os
import platform
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
REQUIRE = bool(os.environ.get("EXABGP_REQUIRE_EXTENSIONS"))
PURE = bool(os.environ.get("EXABGP_NO_EXTENSIONS"))


def say(text):
    print(f"exabgp: {text}", file=sys.stderr, flush=True)


class OptionalBuildExt(build_ext):
    """build_ext whose failure falls back to the pure twins unless extensions are required."""

    def run(self):
        try:
            super().run()
        except Exception as error:  # a compiler or toolchain failure of any kind
            self._fallback(error)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as error:
            self._fallback(error)

    def _fallback(self, error):
        if REQUIRE:
            raise
        say(f"WARNING: compiling the codec extensions failed ({error}); pure-Python build")


def extensions():
    if PURE:
        say("pure-Python build (EXABGP_NO_EXTENSIONS is set)")
        return []
    if platform.python_implementation() != "CPython":
        say(f"pure-Python build ({platform.python_implementation()} runs the pure twins)")
        return []
    sources = sorted(glob.glob(os.path.join("exabgp", "_codec", "_*_c.pyx"), root_dir=ROOT))
    try:
        from Cython.Build import cythonize
    except ImportError as error:
        if REQUIRE:
            raise
        say(f"WARNING: Cython is not available ({error}); pure-Python build")
        return []
    say("building compiled codec extensions: " + ", ".join(os.path.basename(s)[:-4] for s in sources))
    try:
        return cythonize(
            sources,
            compiler_directives={"language_level": 3},
            quiet=True,
        )
    except Exception as error:
        if REQUIRE:
            raise
        say(f"WARNING: Cython failed ({error}); pure-Python build")
        return []


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
    return [(target, sorted(path for path in glob.glob(pattern, root_dir=ROOT)
                            if os.path.isfile(os.path.join(ROOT, path))))
            for target, pattern in DATA_FILES]


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt}, data_files=data_files())
