"""Reading a configuration file, for `exabgp validate`, the daemon's start and its reloads.

`read(path)` gives ``(configuration, None)`` or ``(None, error text)``,
never raises, and never blocks or reads without bound:

* the file is opened without blocking (``O_NONBLOCK``: opening a FIFO with
  no writer returns at once) and must be a regular file; anything else (a
  directory, a FIFO, ``/dev/zero``, ``/dev/urandom``) is refused as ExaBGP
  5.0.15 refuses it: ``FILE is not an exabgp config file (file not found)``;
* at most `MAX_SIZE` octets are read; a larger file is refused at its first
  line (5.0.15 has no bound);
* the text must be UTF-8: the first invalid octet is reported with its line
  and column (5.0.15 says ``problem parsing configuration file line 0``);
* the text is parsed whole (`exabgp.config.neighbor.parse`); an error is
  ``FILE is not a valid config file: file:line:column: reason``, an empty
  or comment-only file included (5.0.15: ``no data``, exit 1);
* with ``programs=True`` (the daemon, its reloads and ``exabgp validate``)
  the program of every ``run`` must be one the daemon can start
  (`exabgp.reactor.programs.resolve`), else the file is refused at that
  line, as 5.0.15's daemon and validate refuse it (exit 1: pre-deploy
  checks depend on it).
"""

import os
import stat

from exabgp.config.lexer import ConfigurationError
from exabgp.config.neighbor import parse

#: the largest configuration read: 256 MiB (a full table of static routes takes about 80 MiB; parsing takes
#: about 30 times the size of the text in memory)
MAX_SIZE = 1 << 28

#: read-only, never blocking on a FIFO, not inherited, no newline translation; the flags a platform lacks
#: (``O_NONBLOCK`` on Windows, ``O_BINARY`` off Windows) are left out, so the decoder reads its env file anywhere
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _not_found(path: str) -> str:
    return f"{path} is not an exabgp config file (file not found)"


def _invalid(path: str, error: ConfigurationError) -> str:
    return f"{path} is not a valid config file: {error}"


def octets(path: str):
    """The octets of the file, or None when it is not a readable regular file; ConfigurationError when too large
    (the env file is read the same way: `exabgp.cli.env`)."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        chunks: list = []
        size = 0
        while size <= MAX_SIZE:
            chunk = os.read(descriptor, min(1 << 20, MAX_SIZE + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise ConfigurationError(f"the file is larger than {MAX_SIZE} octets", path, 1, 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _text(data: bytes, path: str) -> str:
    """The octets as UTF-8 text; ConfigurationError at the line and column of the first invalid octet."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[start : error.start].decode("utf-8")) + 1
        raise ConfigurationError(f"invalid UTF-8 (octet 0x{data[error.start]:02X})", path, line, column) from None


def _locator(path: str):
    """`locate(program)` for `parse`: the reason the daemon could not start `program`, or None."""
    directory = os.path.dirname(os.path.abspath(path))

    def locate(program: str):
        from exabgp.reactor import programs  # the daemon's own lookup (os and stat only), for a `run` only

        try:
            programs.resolve(program, directory, os.environ)
        except ValueError as error:
            return str(error)
        return None

    return locate


def read(path: str, programs: bool = False):
    """``(configuration, None)`` or ``(None, error text)`` (module docstring); with `programs` (the daemon,
    validate) a ``run`` program that can not be started is an error at its line."""
    try:
        data = octets(path)
        if data is None:
            return None, _not_found(path)
        return parse(_text(data, path), path, full=True, locate=_locator(path) if programs else None), None
    except ConfigurationError as error:
        return None, _invalid(path, error)
