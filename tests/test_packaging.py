"""Packaging (issue 10): the distribution's name, version and licence; the sdist and the wheels built from the tree.

The installed distribution is ``fastbgp`` (semantic version, BSD-3-Clause,
its LICENSE and NOTICE) and owns the ``exabgp`` package; no distribution
named ``exabgp`` is installed, so that ``pip install exabgp==5.0.15`` is
never taken as satisfied by this package.

The build tests copy the repository (without its build artefacts) to a
temporary directory and build there, as a packager would, with this
environment's setuptools, Cython and ``build`` (the ``test`` extra; no
download):

* the sdist holds every file of the shipped directories, the licence
  files, and every file the README links; MANIFEST.in has no pattern that
  matches nothing; its metadata names the licence;
* the compiled wheel carries one extension module per ``.pyx``, without
  debug information (no ``.debug_*`` section, no symbol table), no
  ``.pyx`` / ``.pxd`` / ``.c``; the build leaves no ``.c`` next to the
  sources (Cython writes into ``build/temp.*/cython``), a second build does
  not run Cython again, and a changed ``.pyx`` regenerates only its own C
  file; the build wrote ``exabgp/_codec/_tables.pxd``, the constants of
  `exabgp._codec.tables` for the twins to cimport, which a fresh clone lacks;
* the pure wheel (``EXABGP_NO_EXTENSIONS=1``) is ``py3-none-any`` with no
  extension module, even built in the tree of a compiled build;
* without Cython, or with a compiler that fails, the build stops with a
  message naming the pure build, and a stale ``.c`` file lying in the
  source tree is never compiled.

And the tree's documents: no machine paths in code, tests, benchmarks and
documents; the code, tests, qa and benchmarks cite only documents of the
repository, and sections by a heading that exists (`<path>, "Heading"`); every
entry of `qa.differential.known` is named in docs/compatibility.md.
"""

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

import exabgp

pytestmark = pytest.mark.slow  # builds wheels and an sdist

SOURCE = Path(__file__).resolve().parents[1]
#: the directories shipped whole in the sdist (MANIFEST.in)
SHIPPED = ("exabgp", "tests", "qa", "benchmarks", "docs", "examples", "man", "completion", "etc")
#: build artefacts and local state, never copied (nor shipped)
ARTEFACTS = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv*",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.py[cod]",
    "*.so",
    "*.pyd",
    "*.c",
    "*.html",
    ".pytest_cache",
    ".hypothesis",
    ".benchmarks",
    "_tables.pxd",  # written by the compiled build (exabgp/_codec/tables.py)
)
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
PYX = sorted(path.name[:-4] for path in (SOURCE / "exabgp" / "_codec").glob("_*_c.pyx"))
LINK = re.compile(r"\]\(([^()\s]+)\)")


def environment(**changes) -> dict:
    """This environment without the EXABGP_* build switches, plus `changes`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXABGP_")}
    env.update(changes)
    return env


def run(*command, cwd, **changes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *command], cwd=cwd, env=environment(**changes), capture_output=True, text=True, timeout=600
    )


def build_wheel(tree: Path, out: Path, **changes) -> Path:
    """`pip wheel` of `tree` into `out` (emptied first), with this environment's build requirements."""
    shutil.rmtree(out, ignore_errors=True)
    done = run(
        "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(tree), cwd=tree, **changes
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = out.glob("*.whl")
    return wheel


def readme_links() -> list:
    """The relative links of README.md (no scheme, no bare anchor), without their anchors."""
    text = (SOURCE / "README.md").read_text()
    return sorted({link.split("#")[0] for link in LINK.findall(text) if "://" not in link and not link.startswith("#")})


def elf_sections(path: Path) -> list:
    """The section names of a 64-bit little-endian ELF file (the extension modules built here)."""
    data = path.read_bytes()
    assert data[:6] == b"\x7fELF\x02\x01", f"{path.name}: not a 64-bit little-endian ELF file"
    offset = int.from_bytes(data[0x28:0x30], "little")
    size, count, names = (int.from_bytes(data[at : at + 2], "little") for at in (0x3A, 0x3C, 0x3E))
    headers = [data[offset + index * size : offset + (index + 1) * size] for index in range(count)]
    table = headers[names]
    strings = int.from_bytes(table[0x18:0x20], "little")
    found = []
    for header in headers:
        start = strings + int.from_bytes(header[:4], "little")
        found.append(data[start : data.index(b"\0", start)].decode())
    return found


# ---------------------------------------------------------------- the installed distribution


def test_the_installed_distribution_is_fastbgp():
    metadata = importlib.metadata.metadata("fastbgp")
    assert metadata["Name"] == "fastbgp" and metadata["Version"] == exabgp.__version__ == "0.9.0"
    assert SEMVER.fullmatch(exabgp.__version__)
    assert metadata["License-Expression"] == "BSD-3-Clause"
    assert sorted(metadata.get_all("License-File")) == ["LICENSE", "NOTICE"]
    assert set(importlib.metadata.packages_distributions()["exabgp"]) == {"fastbgp"}
    with pytest.raises(importlib.metadata.PackageNotFoundError):  # pip would take exabgp==5.0.15 as installed
        importlib.metadata.distribution("exabgp")
    assert exabgp.EXABGP_RELEASE == "5.0.15" and exabgp.JSON_API_VERSION == "5.0.0"


# ---------------------------------------------------------------- builds from a copy of the tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the repository without build artefacts, as a fresh clone has it."""
    copy = tmp_path_factory.mktemp("packaging") / "tree"
    shutil.copytree(SOURCE, copy, ignore=ARTEFACTS)
    return copy


@pytest.fixture(scope="module")
def sdist(tree, tmp_path_factory):
    """(the sdist's member names without their top folder, its PKG-INFO, the build's output)."""
    out = tmp_path_factory.mktemp("sdist")
    done = run("-m", "build", "--sdist", "--no-isolation", "--outdir", str(out), str(tree), cwd=tree)
    assert done.returncode == 0, done.stdout + done.stderr
    [archive] = out.glob("fastbgp-*.tar.gz")
    assert archive.name == f"fastbgp-{exabgp.__version__}.tar.gz"
    with tarfile.open(archive) as opened:
        members = {member.name.split("/", 1)[1] for member in opened.getmembers() if member.isfile()}
        info = opened.extractfile(f"fastbgp-{exabgp.__version__}/PKG-INFO").read().decode()
    return members, info, done.stdout + done.stderr


def test_the_sdist_holds_the_tree_and_what_the_readme_links(tree, sdist):
    members, _, output = sdist
    links = readme_links()
    assert {"BENCHMARKS.md", "LICENSE", "NOTICE", "CHANGELOG.md", "docs/release.md"} <= set(links)
    assert [link for link in links if link not in members and not link.endswith("/")] == []
    assert [link for link in links if link.endswith("/") and not any(name.startswith(link) for name in members)] == []
    shipped = {
        str(path.relative_to(tree)) for folder in SHIPPED for path in (tree / folder).rglob("*") if path.is_file()
    }
    assert sorted(shipped - members) == []
    assert {f"exabgp/_codec/{name}.pyx" for name in PYX} | {
        "exabgp/_codec/_octets.pxd",
        "setup.py",
        "pyproject.toml",
        "MANIFEST.in",
        ".ci/run",
    } <= members
    assert [name for name in members if name.endswith((".c", ".so", ".pyc"))] == []
    assert "no files found matching" not in output  # every include pattern of MANIFEST.in matches


def test_the_sdist_metadata(sdist):
    _, info, _ = sdist
    assert "Name: fastbgp\n" in info and f"Version: {exabgp.__version__}\n" in info
    assert "License-Expression: BSD-3-Clause\n" in info
    assert "License-File: LICENSE\n" in info and "License-File: NOTICE\n" in info


@pytest.fixture(scope="module")
def compiled(tree, tmp_path_factory):
    """The compiled wheel built in `tree`, and the modification times of the C files Cython wrote."""
    wheel = build_wheel(tree, tmp_path_factory.mktemp("compiled"))
    return wheel, generated(tree)


def generated(tree: Path) -> dict:
    """C file name -> modification time, of the C files under the build directory."""
    return {path.name: path.stat().st_mtime_ns for path in tree.glob("build/temp*/cython/**/*.c")}


def test_the_compiled_wheel_carries_stripped_modules_and_no_sources(compiled, tmp_path):
    wheel, _ = compiled
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert wheel.name.startswith(f"fastbgp-{exabgp.__version__}-{tag}-{tag}-")
    with zipfile.ZipFile(wheel) as opened:
        names = opened.namelist()
        metadata = opened.read(f"fastbgp-{exabgp.__version__}.dist-info/METADATA").decode()
        opened.extractall(tmp_path)
    modules = sorted(name for name in names if name.startswith("exabgp/_codec/") and name.endswith((".so", ".pyd")))
    assert [name.split("/")[-1].split(".")[0] for name in modules] == PYX
    assert [name for name in names if name.endswith((".pyx", ".pxd", ".c", ".html"))] == []
    assert "License-Expression: BSD-3-Clause\n" in metadata and "Name: fastbgp\n" in metadata
    assert {f"fastbgp-{exabgp.__version__}.dist-info/licenses/{name}" for name in ("LICENSE", "NOTICE")} <= set(names)
    if sys.platform.startswith("linux"):
        for name in modules:
            sections = elf_sections(tmp_path / name)
            assert ".text" in sections
            assert [section for section in sections if section.startswith(".debug") or section == ".symtab"] == [], name


def test_cython_writes_into_the_build_directory_and_runs_only_for_a_changed_pyx(tree, compiled, tmp_path):
    _, first = compiled
    assert sorted(name[:-2] for name in first) == PYX
    assert (
        sorted(str(path.relative_to(tree)) for path in tree.rglob("*.c") if path.parts[len(tree.parts)] != "build")
        == []
    )
    build_wheel(tree, tmp_path / "again")
    assert generated(tree) == first  # nothing changed: Cython did not run
    source = tree / "exabgp" / "_codec" / "_wire_c.pyx"
    later = time.time_ns() + 10**9
    os.utime(source, ns=(later, later))
    build_wheel(tree, tmp_path / "changed")
    changed = generated(tree)
    assert sorted(name for name in changed if changed[name] != first[name]) == ["_wire_c.c"]


def test_the_compiled_build_writes_the_tables_the_twins_cimport(tree, compiled):
    from exabgp._codec import tables

    assert (tree / "exabgp" / "_codec" / "_tables.pxd").read_text(encoding="utf-8") == tables.declarations()


def test_the_pure_wheel_has_no_extension_module(tree, compiled, tmp_path):
    """Built in the tree of the compiled build: the compiled modules left in its build directory stay out."""
    wheel = build_wheel(tree, tmp_path, EXABGP_NO_EXTENSIONS="1")
    assert wheel.name == f"fastbgp-{exabgp.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as opened:
        names = opened.namelist()
    assert [name for name in names if name.endswith((".so", ".pyd", ".pyx", ".pxd", ".c"))] == []
    assert {f"exabgp/_codec/_{topic}_py.py" for topic in ("wire", "nlri", "attrs", "json", "index", "ribin")} <= set(
        names
    )


SETUP_WITHOUT_CYTHON = """
import runpy, sys
sys.modules["Cython"] = None  # as if Cython were not installed
sys.argv = ["setup.py"] + sys.argv[1:]
runpy.run_path("setup.py", run_name="__main__")
"""


def test_without_cython_the_build_stops_and_never_compiles_a_stale_c_file(tree, compiled, tmp_path):
    stale = tree / "exabgp" / "_codec" / "_wire_c.c"
    stale.write_text("#error a stale file: never compile me\n")
    try:
        done = run(
            "-c",
            SETUP_WITHOUT_CYTHON,
            "build_ext",
            "--build-temp",
            str(tmp_path / "temp"),
            "--build-lib",
            str(tmp_path / "lib"),
            cwd=tree,
        )
    finally:
        stale.unlink()
    assert done.returncode != 0
    assert "exabgp: Cython is needed to compile the codec twins" in done.stderr
    assert "set EXABGP_NO_EXTENSIONS=1 to build the pure-Python package instead" in done.stderr
    assert "_wire_c.c" not in done.stdout + done.stderr  # nothing was handed to the compiler
    assert list(tmp_path.rglob("*.so")) == [] and list(tmp_path.rglob("*.o")) == []


def test_a_failed_compile_stops_the_build(tree, compiled, tmp_path):
    """A compiler that fails (here `false`): the build exits non-zero and says how to build pure instead."""
    [temp] = (tree / "build").glob("temp*")  # Cython's files are there: only the compiler runs
    done = run(
        "setup.py",
        "build_ext",
        "--force",
        "--build-temp",
        str(temp),
        "--build-lib",
        str(tmp_path),
        cwd=tree,
        CC="false",
        LDSHARED="false",
    )
    assert done.returncode != 0
    assert "exabgp: compiling the codec twins failed" in done.stderr
    assert "set EXABGP_NO_EXTENSIONS=1 to build the pure-Python package instead" in done.stderr
    assert list(tmp_path.rglob("*.so")) == []


# ---------------------------------------------------------------- no machine paths

#: a path of one machine: its temporary directory, root's or a user's home, this workplace's folders (but a
#: home field of a passwd line, ``:/root:``, which tests write into fake system files)
MACHINE_PATH = re.compile(r"(?<![\w.~$-])/(" + "|".join(("tmp", "root", "work", "home")) + r")\b(?!:)")
#: what is scanned: the code, the tests, the benchmarks and the documents
SCANNED = (
    "exabgp",
    "tests",
    "qa",
    "benchmarks",
    "docs",
    "examples",
    "man",
    "completion",
    "etc",
    "README.md",
    "BENCHMARKS.md",
    "CHANGELOG.md",
)


def test_no_machine_paths_in_code_tests_benchmarks_and_docs():
    """Tools and folders are found through the environment, `tempfile`, pytest's `tmp_path` or `qa.oracle`."""
    found = []
    for entry in SCANNED:
        paths = [SOURCE / entry] if (SOURCE / entry).is_file() else sorted((SOURCE / entry).rglob("*"))
        for path in paths:
            if not path.is_file() or path.suffix not in (".py", ".md", ".conf", ".pyx", ".pxd", ".pyi", ".txt", ""):
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if MACHINE_PATH.search(line):
                    found.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert found == []


# ---------------------------------------------------------------- documents the code cites

#: where citations are checked: the code, the tests, qa and the benchmarks (code, stubs and their READMEs)
CITING = ("exabgp", "tests", "qa", "benchmarks", "setup.py")
CITING_SUFFIXES = (".py", ".pyx", ".pxd", ".pyi", ".md", ".txt")
#: a document named by its path: ``docs/compatibility.md``, ``qa/README.md``, or a name outside the repository
DOCUMENT = re.compile(r"(?<![\w./-])((?:\.\./)*[\w-]+(?:[./][\w-]+)*\.md)\b")
#: the one citation form of a section: the document's path, then ``, "Heading"`` (more headings: more of
#: these); the heading is written whole on one line, its quotes escaped inside a Python string or not
SECTIONS = re.compile(r'(?<![\w./-])([\w/-]+\.md)((?:, \\?"[^"\\\n]+\\?")+)')
QUOTED = re.compile(r'\\?"([^"\\\n]+)\\?"')
#: a document followed by a comma but not by a whole quoted heading (unquoted, or broken across lines)
LOOSE = re.compile(r'(?<![\w./-])[\w/-]+\.md,(?! \\?"[^"\\\n]+\\?")')
#: the numbered findings of an inventory that is not in the repository
FINDING = re.compile(r"\bfinding\s+F\d+")


def cited_files():
    for entry in CITING:
        paths = [SOURCE / entry] if (SOURCE / entry).is_file() else sorted((SOURCE / entry).rglob("*"))
        for path in paths:
            if path.is_file() and path.suffix in CITING_SUFFIXES and "__pycache__" not in path.parts:
                yield path


def headings(document: Path) -> list:
    """The headings of a Markdown document (every level), outside fenced code blocks."""
    found, fenced = [], False
    for line in document.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            found.append(line.lstrip("#").strip())
    return found


def citation_errors(path: Path, text: str) -> list:
    """What `text` (the file `path`) cites that the repository does not hold: a document, or a heading."""
    errors = []
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{path.relative_to(SOURCE)}:{number}"
        for name in DOCUMENT.findall(line):
            if not ((SOURCE / name).is_file() or (path.parent / name).is_file()):
                errors.append(f"{where}: {name} is not in the repository")
        for name, cited in SECTIONS.findall(line):
            document = SOURCE / name if (SOURCE / name).is_file() else path.parent / name
            if document.is_file():
                known = headings(document)
                errors.extend(
                    f'{where}: {name} has no heading "{heading}"'
                    for heading in QUOTED.findall(cited)
                    if heading not in known
                )
        if LOOSE.search(line):
            errors.append(f'{where}: cite a section as <path>, "Heading", the heading whole on one line')
        if FINDING.search(line):
            errors.append(f"{where}: a finding of a document that is not in the repository")
    return errors


def test_the_documents_and_sections_cited_by_the_code_exist():
    """Code, tests, qa and benchmarks cite documents of the repository, sections by their heading
    (docs/compatibility.md and docs/architecture.md say how)."""
    found = []
    for path in cited_files():
        found.extend(citation_errors(path, path.read_text(errors="replace")))
    assert found == []


def test_the_citation_check_catches_what_is_not_in_the_repository():
    suffix, finding = ".md", "finding"  # the cases are built, so that this file cites nothing itself
    text = "\n".join(
        (
            f"As ARCHITECTURE{suffix} says (SURFACE{suffix} 7.2, {finding} F7).",  # outside the repository
            f'docs/compatibility{suffix}, "Sessions and the FSM"; docs/architecture{suffix}, "Layers", "Checks"',  # good
            f'docs/compatibility{suffix}, "Sessions"',  # a heading that does not exist
            f"docs/compatibility{suffix}, Command line",  # unquoted
            f'docs/nowhere{suffix} and README{suffix}, "Platforms and Python versions"',  # no such document; good
        )
    )
    where = "exabgp/example.py"
    assert citation_errors(SOURCE / where, text) == [
        f"{where}:1: ARCHITECTURE{suffix} is not in the repository",
        f"{where}:1: SURFACE{suffix} is not in the repository",
        f"{where}:1: a finding of a document that is not in the repository",
        f'{where}:3: docs/compatibility{suffix} has no heading "Sessions"',
        f'{where}:4: cite a section as <path>, "Heading", the heading whole on one line',
        f"{where}:5: docs/nowhere{suffix} is not in the repository",
    ]


def test_every_known_difference_is_in_the_compatibility_contract():
    """Each deliberate difference the oracle masks (`qa.differential.known`) is named in the section of
    docs/compatibility.md that gives its reason, as `` `known.py`: `NAME` ``."""
    known = importlib.import_module("qa.differential.known")
    contract = (SOURCE / "docs/compatibility.md").read_text()
    assert known.KNOWN
    assert [entry.name for entry in known.KNOWN if f"`{entry.name}`" not in contract] == []
