"""Where a ``run`` program is, and whether the daemon may start it: one rule for the daemon, its reloads and
`exabgp validate` (docs/compatibility.md, "Processes and api blocks").

`resolve(program, configuration_dir, environ)` looks for the program in
`exabgp.config.process.program_candidates` order (``EXABGP_ETC`` and
``PATH`` from `environ`, the configuration's directory) and keeps the first
path that exists (5.0 kept the last one, against its documented order).  It
must be a regular file the daemon may execute; a missing program,
a directory, a setuid / setgid program or one without the execute
permission raises `ValueError` with 5.0.15's words.  Only `os` and `stat`
are used, so that `exabgp validate` checks programs without loading the
daemon's machinery (tests/test_cli_imports.py).
"""

import os
import stat
from collections.abc import Mapping

from exabgp.config.process import program_candidates


def resolve(program: str, configuration_dir: str, environ: Mapping[str, str]) -> str:
    """The path to run for `program`; raises `ValueError` with the reason it is refused."""
    candidates = program_candidates(
        program, configuration_dir, environ.get("EXABGP_ETC", ""), environ.get("PATH", os.defpath)
    )
    path = next((candidate for candidate in candidates if os.path.exists(candidate)), None)
    if path is None:
        raise ValueError(f'can not locate the program "{program}"')
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise ValueError(f'can not access program "{path}": {error.strerror}') from None
    if stat.S_ISDIR(mode):
        raise ValueError(f'can not execute directories "{path}"')
    if mode & stat.S_ISUID:
        raise ValueError(f'refusing to run setuid programs "{path}"')
    if mode & stat.S_ISGID:
        raise ValueError(f'refusing to run setgid programs "{path}"')
    if not stat.S_ISREG(mode):
        raise ValueError(f'program must be a regular file "{path}"')
    if not os.access(path, os.X_OK):
        raise ValueError(f'exabgp will not be able to run this program "{path}"')
    return path
