"""``python -m qa.fuzz``: run the fuzz targets (see qa/fuzz/__init__.py and qa/README.md).

    python -m qa.fuzz [run] [-t TARGET ...] [--seed N] (--count N | --seconds S) [--twin c|py] [--save]
    python -m qa.fuzz atheris -t TARGET [--twin c|py] [-- LIBFUZZER OPTIONS]
    python -m qa.fuzz replay -t TARGET --seed N --index I [--save]
    python -m qa.fuzz list

`run` prints one line per target (executions, seconds, executions a
second, twins, findings), then every finding with its traceback and the
command that replays it; with ``--save`` each finding is minimised and
written to the corpus (tests/fuzz_corpus/TARGET/).  The exit code is 1 when
something was found.  ``--twin py`` runs this process on the pure twins
(``EXABGP_NO_EXTENSIONS=1``, re-executed), ``--twin c`` requires the
compiled ones; the model and receive-path targets cover the twin of the
process, the codec targets both.
"""

import argparse
import hashlib
import os
import sys

_TWIN_ENV = {"py": {"EXABGP_NO_EXTENSIONS": "1"}, "c": {"EXABGP_REQUIRE_EXTENSIONS": "1"}}


def _reexec(twin: str) -> None:
    """Run this command again with the environment of `twin`, unless it is already set."""
    wanted = _TWIN_ENV[twin]
    if all(os.environ.get(key) == value for key, value in wanted.items()):
        return
    environ = dict(os.environ)
    environ.pop("EXABGP_NO_EXTENSIONS", None)
    environ.pop("EXABGP_REQUIRE_EXTENSIONS", None)
    environ.update(wanted)
    os.execve(sys.executable, [sys.executable, "-m", "qa.fuzz", *sys.argv[1:]], environ)


def save(target: str, data: bytes, reason: str) -> str:
    """Write `data` to the corpus of `target` (named after its hash); the path."""
    from qa.fuzz.seeds import CORPUS

    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha1(data).hexdigest()[:12]}.hex"
    comment = "".join(f"# {line}\n" for line in reason.splitlines()[:3])
    hexa = data.hex()
    path.write_text(comment + "".join(hexa[index : index + 64] + "\n" for index in range(0, len(hexa), 64)))
    return str(path)


def _chosen(names, everything: dict) -> list:
    if not names:
        return list(everything.values())
    picked = []
    for name in names:
        matching = [target for key, target in everything.items() if key == name or key.startswith(name + ".")]
        if not matching:
            raise SystemExit(f"unknown target {name!r}: python -m qa.fuzz list")
        picked += [target for target in matching if target not in picked]
    return picked


def _run(args, everything: dict) -> int:
    from qa.fuzz.engine import minimize, run_target

    total, found = 0, []
    print(f"{'target':28} {'executions':>11} {'seconds':>8} {'exec/s':>8}  twins  findings", flush=True)
    for target in _chosen(args.target, everything):
        seconds = args.seconds / len(_chosen(args.target, everything)) if args.split else args.seconds
        stats = run_target(target, args.seed, args.count, seconds)
        total += stats.executions
        print(
            f"{stats.target:28} {stats.executions:11} {stats.seconds:8.1f} {stats.rate:8.0f}  {stats.twins:5}  "
            f"{len(stats.findings)}",
            flush=True,
        )
        for key, (data, index, text) in stats.findings.items():
            found.append((target, key, data, index, text))
    print(f"total: {total} executions, {len(found)} findings")
    for target, key, data, index, text in found:
        replay = (
            "a seed input"
            if index < 0
            else f"python -m qa.fuzz replay -t {target.name} --seed {args.seed} --index {index}"
        )
        print(f"\n--- {target.name}: {key}\n{replay}\ninput: {data.hex()}\n{text}")
        if args.save:
            small = minimize(target.run, data, key)
            print(f"saved (minimised to {len(small)} octets): {save(target.name, small, key)}")
    return 1 if found else 0


def _replay(args, everything: dict) -> int:
    from qa.fuzz.engine import failure, generated, minimize, signature

    (target,) = _chosen(args.target, everything)
    data = generated(args.seed, target.name, args.index, target.seeds())
    print(f"input: {data.hex()}")
    error = failure(target.run, data)
    if error is None:
        print("passes")
        return 0
    import traceback

    traceback.print_exception(error)
    if args.save:
        small = minimize(target.run, data, signature(error))
        print(f"saved (minimised to {len(small)} octets): {save(target.name, small, signature(error))}")
    return 1


def _atheris(args) -> int:
    from qa.fuzz.coverage import fuzz

    if not args.target or len(args.target) != 1:
        raise SystemExit("atheris fuzzes one target: -t NAME")
    return fuzz(args.target[0], args.libfuzzer)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="run", choices=("run", "replay", "list", "atheris"))
    parser.add_argument("-t", "--target", action="append", help="a target, or a prefix: codec, model, session")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=0, help="mutated inputs per target (after the seeds)")
    parser.add_argument("--seconds", type=float, default=0.0, help="seconds per target (see --split)")
    parser.add_argument("--split", action="store_true", help="--seconds is for all the targets together")
    parser.add_argument("--index", type=int, default=0, help="replay: the input's index")
    parser.add_argument("--twin", choices=("c", "py"), help="the codec twin of this process")
    parser.add_argument("--save", action="store_true", help="minimise findings into tests/fuzz_corpus")
    argv = sys.argv[1:]
    libfuzzer = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: len(argv) - len(libfuzzer) - (1 if "--" in argv else 0)])
    args.libfuzzer = libfuzzer
    if args.twin:
        _reexec(args.twin)
    if args.command == "atheris":  # imports the targets itself, instrumented
        return _atheris(args)
    from qa.fuzz.targets import targets

    everything = targets()
    if args.command == "list":
        for name, target in everything.items():
            print(f"{name:28} {target.twins()}")
        return 0
    return {"run": _run, "replay": _replay}[args.command](args, everything)


if __name__ == "__main__":
    sys.exit(main())
