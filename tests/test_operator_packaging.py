"""What operators install with the package: man pages, completions, systemd files, examples (issue 10).

* the wheel (built by pip as a user builds it, pure to be quick: the data
  files do not depend on the codec) carries them as data files, at the
  paths setup.py gives them; installed with ``pip install --prefix``, ``man``
  finds the pages from PATH alone (man-db looks in ``PREFIX/share/man`` for
  ``PREFIX/bin`` on PATH: ``man exabgp`` works in a venv or /usr/local) and
  the example helper stays executable;
* the sdist carries them too, with the Dockerfile and .dockerignore;
  both are built from a copy of the repository (the builds write build/
  and egg-info directories where they run);
* the Dockerfile copies only what exists, its entry point is a program of
  the package, and .dockerignore leaves out what .ci/run's clean copy leaves
  out (build artefacts must not reach the image).
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

pytestmark = pytest.mark.slow  # builds and installs a wheel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: repository file -> where it is installed, under the prefix
INSTALLED = {
    "man/man1/exabgp.1": "share/man/man1/exabgp.1",
    "man/man1/exabgp-cli.1": "share/man/man1/exabgp-cli.1",
    "man/man1/exabgp-healthcheck.1": "share/man/man1/exabgp-healthcheck.1",
    "man/man5/exabgp.conf.5": "share/man/man5/exabgp.conf.5",
    "completion/bash/exabgp": "share/bash-completion/completions/exabgp",
    "completion/bash/exabgp-cli": "share/bash-completion/completions/exabgp-cli",
    "completion/bash/exabgp-healthcheck": "share/bash-completion/completions/exabgp-healthcheck",
    "completion/zsh/_exabgp": "share/zsh/site-functions/_exabgp",
    "etc/systemd/exabgp.service": "lib/systemd/system/exabgp.service",
    "etc/systemd/exabgp@.service": "lib/systemd/system/exabgp@.service",
    "etc/systemd/sysusers.d/exabgp.conf": "lib/sysusers.d/exabgp.conf",
    "etc/systemd/tmpfiles.d/exabgp.conf": "lib/tmpfiles.d/exabgp.conf",
    "examples/quickstart.conf": "etc/exabgp/examples/quickstart.conf",
    "examples/quickstart.py": "etc/exabgp/examples/quickstart.py",
}


def _clean_env() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EXABGP_", "PIP_REQUIRE"))}
    env["EXABGP_NO_EXTENSIONS"] = "1"
    return env


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A copy of the repository without build artefacts (as .ci/run's clean copy): builds leave the tree alone."""
    copy = tmp_path_factory.mktemp("source") / "exabgp"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "venv",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            "*.so",
            "*.c",
            ".pytest_cache",
            ".hypothesis",
            ".benchmarks",
        ),
    )
    return copy


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, source):
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("*.whl")
    return found


def test_every_operator_file_of_the_repository_is_installed():
    """The table above is the whole list: a new file under man/, completion/, etc/ or examples/ belongs in it."""
    found = set()
    for top in ("man", "completion", "etc", "examples"):
        for folder, directories, files in os.walk(os.path.join(ROOT, top)):
            directories[:] = [name for name in directories if name != "__pycache__"]
            found.update(os.path.relpath(os.path.join(folder, name), ROOT) for name in files)
    assert found == set(INSTALLED)


def test_the_wheel_carries_the_operator_files(wheel):
    with zipfile.ZipFile(wheel) as archive:
        data = {re.sub(r"^[^/]+\.data/data/", "", name): name for name in archive.namelist() if ".data/data/" in name}
        assert set(data) == set(INSTALLED.values())
        for source, target in INSTALLED.items():
            with open(os.path.join(ROOT, source), "rb") as handle:
                assert archive.read(data[target]) == handle.read(), source


def test_man_finds_the_installed_pages_from_path(wheel, tmp_path):
    prefix = tmp_path / "prefix"
    # --ignore-installed: never uninstall the package of the environment running the tests
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-compile",
            "--ignore-installed",
            "--prefix",
            str(prefix),
            str(wheel),
        ],
        env=_clean_env(),
        check=True,
        capture_output=True,
        timeout=300,
    )
    man = shutil.which("man")
    if man is None:
        if os.environ.get("EXABGP_INTEROP") == "1":
            pytest.fail("man is not installed (EXABGP_INTEROP=1)")
        pytest.skip("man is not installed")
    env = {key: value for key, value in os.environ.items() if key != "MANPATH"}
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    for section, name, path in (
        ("1", "exabgp", "share/man/man1/exabgp.1"),
        ("5", "exabgp.conf", "share/man/man5/exabgp.conf.5"),
    ):
        done = subprocess.run([man, "-w", section, name], env=env, capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == str(prefix / path), done.stderr
    assert os.access(prefix / "etc/exabgp/examples/quickstart.py", os.X_OK)
    assert os.access(prefix / "bin" / "exabgp", os.X_OK)


def test_the_sdist_carries_the_operator_files(tmp_path, source):
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "sdist", "--formats=gztar", "-d", str(tmp_path)],
        cwd=source,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (archive,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(archive) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert set(INSTALLED) | {"Dockerfile", ".dockerignore", "docs/migration.md"} <= names


def _dockerfile() -> list:
    with open(os.path.join(ROOT, "Dockerfile")) as handle:
        return [
            line.split(None, 1)
            for line in handle.read().replace("\\\n", " ").splitlines()
            if line.strip() and not line.startswith("#")
        ]


def test_the_dockerfile_copies_the_repository_and_runs_a_program_of_the_package():
    instructions = _dockerfile()
    copies = [arguments.split() for name, arguments in instructions if name == "COPY"]
    for words in copies:
        if not words[0].startswith("--from="):
            assert all(os.path.exists(os.path.join(ROOT, source)) for source in words[:-1]), words
    (entry,) = [arguments for name, arguments in instructions if name == "ENTRYPOINT"]
    with open(os.path.join(ROOT, "pyproject.toml")) as handle:
        scripts = re.search(r"\[project\.scripts\]\n(.*?)\n\n", handle.read(), re.S).group(1)
    assert re.findall(r'"([^"]+)"', entry)[0] in re.findall(r"^(\S+) =", scripts, re.M)
    builds = [arguments for name, arguments in instructions if name == "RUN" and "pip wheel" in arguments]
    assert builds and all("EXABGP_REQUIRE_EXTENSIONS=1" in build for build in builds)


def test_dockerignore_leaves_out_what_the_ci_clean_copy_leaves_out():
    with open(os.path.join(ROOT, ".ci", "run")) as handle:
        excluded = {pattern.strip("'").removeprefix("./") for pattern in re.findall(r"--exclude=(\S+)", handle.read())}
    with open(os.path.join(ROOT, ".dockerignore")) as handle:
        ignored = {line.strip().removeprefix("**/") for line in handle if line.strip() and not line.startswith("#")}
    assert excluded <= ignored, excluded - ignored
