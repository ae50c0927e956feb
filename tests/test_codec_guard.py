"""Guard: the codec selector loaded what the environment asks for.

A wheel or CI run with EXABGP_REQUIRE_EXTENSIONS=1 must really run the
compiled twins: every topic module an extension module, not a .py file that
happened to be importable (the silent-fallback failure this guards against).
EXABGP_NO_EXTENSIONS=1 must select the pure twins, checked in a fresh
interpreter since the choice is made once, at import.
"""

import importlib
import importlib.machinery
import os
import platform
import subprocess
import sys

import pytest

import exabgp
import exabgp._codec

EXTENSION_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(exabgp.__file__)))


def compiled_importable():
    try:
        exabgp._codec.load("c")
    except ImportError:
        return False
    return True


def run_selector(**environment):
    """IMPLEMENTATION and the module of split_messages, in a fresh interpreter with `environment`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXABGP_")}
    env.update(environment)
    env["PYTHONPATH"] = PACKAGE_PARENT
    code = "import exabgp._codec as c; print(c.IMPLEMENTATION, c.split_messages.__module__, c.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=PACKAGE_PARENT
    )
    assert result.returncode == 0, result.stderr
    implementation, module, path = result.stdout.split()
    assert os.path.dirname(path) == os.path.dirname(exabgp._codec.__file__)  # the same package as this process
    return implementation, module


def test_selection_follows_the_environment():
    """The twin chosen at import is the one the selector's rules give for this process.

    With EXABGP_REQUIRE_EXTENSIONS=1 this is the guard: anything but the
    compiled twins, as extension modules, fails.
    """
    if os.environ.get("EXABGP_NO_EXTENSIONS") or platform.python_implementation() != "CPython":
        expected = "py"
    elif os.environ.get("EXABGP_REQUIRE_EXTENSIONS"):
        expected = "c"
    else:
        expected = "c" if compiled_importable() else "py"
    assert exabgp._codec.IMPLEMENTATION == expected
    assert exabgp._codec.split_messages.__module__ == f"exabgp._codec._wire_{expected}"
    assert exabgp._codec.render_update is exabgp._codec.load(expected).render_update
    if expected == "c":  # really compiled: every topic an extension module, not a stray .py
        for topic in exabgp._codec.TOPICS:
            module = sys.modules[f"exabgp._codec._{topic}_c"]
            assert module.__file__.endswith(EXTENSION_SUFFIXES), f"{module.__name__}: {module.__file__}"


def test_compiled_twin_modules_are_extensions(compiled_codec):
    for topic in exabgp._codec.TOPICS:
        module = importlib.import_module(f"exabgp._codec._{topic}_c")
        assert module.__file__.endswith(EXTENSION_SUFFIXES), module.__file__


def test_no_extensions_selects_the_pure_twins():
    assert run_selector(EXABGP_NO_EXTENSIONS="1") == ("py", "exabgp._codec._wire_py")
    # NO_EXTENSIONS wins over REQUIRE_EXTENSIONS
    assert run_selector(EXABGP_NO_EXTENSIONS="1", EXABGP_REQUIRE_EXTENSIONS="1")[0] == "py"


def test_default_selects_compiled_when_available():
    expected = "c" if compiled_importable() and platform.python_implementation() == "CPython" else "py"
    assert run_selector() == (expected, f"exabgp._codec._wire_{expected}")


def test_load_rejects_unknown_names():
    with pytest.raises(ValueError):
        exabgp._codec.load("rust")
