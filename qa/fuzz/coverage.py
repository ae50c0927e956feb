"""Coverage-guided fuzzing of one target with atheris (libFuzzer for Python), an optional extra.

    pip install -e '.[fuzz]'
    python -m qa.fuzz atheris -t codec.render_update -- -max_total_time=600
    python -m qa.fuzz atheris -t session.receive --twin py -- -runs=1000000 -seed=1

The target's seeds (`qa.fuzz.seeds`) are written to the corpus directory
given after ``--`` when it is empty, else to a fresh temporary one
(libFuzzer reads and grows the corpus directory), the modules of `exabgp` and `qa.fuzz` are
imported instrumented for coverage (`atheris.instrument_imports`; nothing
of them may be imported before, so this runs first in its process),
and libFuzzer calls `Target.run` with its inputs: any exception escaping it
is a crash, written by libFuzzer as ``crash-<sha1>`` (replay it with
``python -m qa.fuzz atheris -t TARGET -- crash-<sha1>``, then add it to the
corpus with ``--save``-like care: `qa.fuzz.__main__.save`).

Coverage comes from Python code only: for the codec targets, which run both
twins on every input, the pure twin's branches guide the search and the
compiled twin is compared on the same inputs (the Cython twin is not
instrumented).
"""

import os
import sys
import tempfile


def fuzz(name: str, options: list) -> int:
    """Run target `name` under libFuzzer with `options` (its command line); what libFuzzer exits with."""
    try:
        import atheris
    except ImportError:
        print(
            "atheris is not installed: pip install -e '.[fuzz]' (or use the seeded mutation engine: "
            "python -m qa.fuzz run)",
            file=sys.stderr,
        )
        return 2
    with atheris.instrument_imports(include=["exabgp", "qa.fuzz"]):
        from qa.fuzz.targets import targets

        everything = targets()
    target = everything[name]
    corpus = [option for option in options if not option.startswith("-")]
    if not corpus:
        corpus = [tempfile.mkdtemp(prefix=f"fuzz-{target.name}-")]
        options = [*options, corpus[0]]
    if os.path.isdir(corpus[0]) and not os.listdir(corpus[0]):
        for index, data in enumerate(target.seeds()):
            with open(os.path.join(corpus[0], f"seed-{index:05}"), "wb") as handle:
                handle.write(data)
    atheris.Setup([sys.argv[0], *options], target.run)
    atheris.Fuzz()
    return 0
