"""ExaBGP 5.0's reference data in ../shared/exabgp-reference, as the tests read it (absent on some machines).

`REFERENCE` is the folder (tests skip when it is not a directory): beside
the checkout, or, for a git worktree (whose ``.git`` file names the main
repository's), beside the main checkout;
`update_bodies(name)` the bodies of the UPDATE messages of
``encoding/NAME.msg``, End-of-RIB markers left out, in file order.
"""

import pathlib


def _reference() -> pathlib.Path:
    checkout = pathlib.Path(__file__).resolve().parent.parent
    found = checkout.parent / "shared" / "exabgp-reference"
    link = checkout / ".git"
    if not found.is_dir() and link.is_file():
        text = link.read_text().strip()
        if text.startswith("gitdir:"):  # <main>/.git/worktrees/<name>
            main = pathlib.Path(text[len("gitdir:") :].strip()).parent.parent.parent
            found = main.parent / "shared" / "exabgp-reference"
    return found


REFERENCE = _reference()

_EOR_BODY_PREFIX = b"\x00\x00\x00\x07"  # no withdrawn routes, 7 octets of attributes: an MP_UNREACH End-of-RIB


def update_bodies(name: str) -> list:
    """The UPDATE bodies of ``encoding/NAME.msg`` (End-of-RIB aside)."""
    bodies = []
    for line in (REFERENCE / "encoding" / f"{name}.msg").read_text().splitlines():
        if "#" in line or ":raw:" not in line:
            continue
        raw = bytes.fromhex(line.split(":raw:", 1)[1].replace(":", "").replace(" ", ""))
        if raw[18] == 2 and raw[19:23] != _EOR_BODY_PREFIX:
            bodies.append(raw[19:])
    return bodies
