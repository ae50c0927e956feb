"""`exabgp env`: print the environment settings as ExaBGP 5.0 does (docs/compatibility.md, "Settings").

This is where the process environment and the INI file are read: the INI
path is ``--env-file``, else ``EXABGP_ENVFILE``, else
``<ROOT>/etc/exabgp/exabgp.env`` where ROOT is ``EXABGP_ROOT`` or the
directory of the program with a trailing ``bin`` / ``sbin`` removed.  A
missing file is no error, nor is one that is not a regular file or is not
UTF-8: it is read as an empty one (`exabgp.cli.config_file.octets`: a FIFO
is not waited on, a device not read).  `exabgp.config.environment` does the resolving.

Output: the INI form (``[exabgp.section]`` / ``key = value``), or with
``-e`` one ``exabgp.section.key=value`` line per setting; ``-d`` prints only
the settings that differ from their default.  A bad value prints 5.0's
``invalid value for section.key : value`` on stderr and exits 1.
"""

import os
import sys

from exabgp.cli import config_file
from exabgp.config import environment
from exabgp.config.lexer import ConfigurationError


def setargs(parser) -> None:
    parser.add_argument("-d", "--diff", action="store_true", help="show only the different from the defaults")
    parser.add_argument("-e", "--env", action="store_true", help="display using environment (not ini)")


def env_file_path(env_file, environ, argv0: str) -> str:
    """The INI file to read (it may not exist)."""
    if env_file:
        return env_file
    if environ.get("EXABGP_ENVFILE"):
        return environ["EXABGP_ENVFILE"]
    root = environ.get("EXABGP_ROOT")
    if not root:
        root = os.path.dirname(os.path.abspath(argv0))
        if os.path.basename(root) in ("bin", "sbin"):
            root = os.path.dirname(root)
    return os.path.join(root, "etc", "exabgp", "exabgp.env")


def _user_exists(name: str) -> bool:
    """Whether the system knows the user; a system without a user database (no `pwd`: Windows, where only the
    decoder runs) takes any name."""
    try:
        import pwd  # POSIX only: imported here so that `exabgp decode` and `exabgp env` start anywhere
    except ImportError:
        return True
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def read_environment(env_file=None) -> environment.Environment:
    """The settings of this process (raises `environment.SettingError`)."""
    path = env_file_path(env_file, os.environ, sys.argv[0])
    try:  # a regular file only, bounded (a FIFO or a device is no env file: as if it were missing)
        ini_text = (config_file.octets(path) or b"").decode("utf-8")
    except (ConfigurationError, UnicodeDecodeError):
        ini_text = ""
    return environment.load(os.environ, ini_text, _user_exists)


def command_environment(env_file, err) -> environment.Environment | None:
    """`read_environment` for a sub-command: None when a setting is invalid, after writing why to `err`
    (the sub-command then exits 1, as 5.0 does)."""
    try:
        return read_environment(env_file)
    except environment.SettingError as exc:
        err.write(f"{exc}\n")
        return None


def cmdline(args, out, err=None) -> int:
    err = err or sys.stderr
    if (settings := command_environment(getattr(args, "env_file", None), err)) is None:
        return 1
    render = environment.env_lines if args.env else environment.ini_lines
    for line in render(settings, args.diff):
        out.write(f"{line}\n")
    return 0
