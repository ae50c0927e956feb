"""What a fuzz target is, and the table of every target (`TARGETS`, by name).

A `Target` has a `name`, its `seeds()` (inputs to start from, `qa.fuzz.seeds`)
and `run(data)`, which returns when the input was handled as the rules say
and raises otherwise (`qa.fuzz.engine.Finding` for a broken rule, or the
exception that escaped).  Every input is one `bytes` object whose first
octet (or first octets) are options read by the target (capabilities,
family, ...): the engines, the corpus and atheris all deal in plain bytes.

`twins()` says which codec twins one execution covers: ``"c+py"`` for the
codec targets (`qa.fuzz.codec`: both twins in one process, compared),
otherwise the twin this process loaded (`exabgp._codec.IMPLEMENTATION`): the
model and session targets use the codec through `exabgp._codec`, so they are
run once per twin, in two processes (``python -m qa.fuzz --twin py`` sets
``EXABGP_NO_EXTENSIONS=1``).
"""

import exabgp._codec


class Target:
    name = ""

    def seeds(self) -> list:
        raise NotImplementedError

    def run(self, data: bytes) -> None:
        raise NotImplementedError

    def twins(self) -> str:
        return exabgp._codec.IMPLEMENTATION


def targets() -> dict:
    """Every target, by name, in the order they run (codec, model, receive path)."""
    from qa.fuzz import codec, model, receive

    found = {}
    for module in (codec, model, receive):
        for target in module.targets():
            found[target.name] = target
    return found
