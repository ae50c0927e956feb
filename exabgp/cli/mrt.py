"""`exabgp mrt [-m] FILE...`: MRT archives (RFC 6396, RFC 8050) as JSON lines or as ``bgpdump -m`` text.

Each FILE (``-`` for standard input; gzip and bzip2 read as streams) is
read record by record (`exabgp.mrt.reader`) and printed as it is read:
by default one ExaBGP 5.0 JSON line per BGP message or RIB entry
(`exabgp.mrt.jsonlines`), with ``-m`` one line per prefix as ``bgpdump -m``
prints it (`exabgp.mrt.bgpdump`).  A record that can not be read is named
on stderr (``exabgp mrt: FILE: record N at offset O (TYPE/SUBTYPE):
reason``) and skipped; the others are still printed and the exit code is 1.
A file that can not be opened is reported the same way.  When the reader
of standard output goes away (``exabgp mrt -m FILE | head``) the command
ends quietly with exit code 1, Python's convention for a broken pipe
(`exabgp.cli.reader_gone`).

``--columns OUT.npz`` reads one FILE into numpy columns instead
(`exabgp.mrt.columnar`, the ``columnar`` extra) and writes them with
``numpy.savez``; without numpy it says which extra to install (exit 1).
"""

import os
import socket
import sys

from exabgp._codec.errors import CodecError
from exabgp.api.envelope import DaemonFields
from exabgp.mrt import reader
from exabgp.mrt.bgpdump import Printer
from exabgp.mrt.jsonlines import JsonPrinter

_FLUSH = 1 << 16  # octets of text gathered before a write


def setargs(parser) -> None:
    parser.add_argument("-m", "--bgpdump", action="store_true", help="one line per prefix, as bgpdump -m prints it")
    parser.add_argument(
        "--columns", metavar="OUT.npz", help="write the routes of one FILE as numpy columns (numpy.savez)"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="MRT file (gzip and bzip2 too; - for stdin)")


def _source(path: str):
    return sys.stdin.buffer if path == "-" else path


def cmdline(args, out, err=None) -> int:
    """Print every record of `args.files`; return 1 when any record or file was bad, else 0."""
    err = err or sys.stderr
    if getattr(args, "columns", None):
        return _columns(args, err)
    printer: Printer | JsonPrinter
    if args.bgpdump:
        printer = Printer()
    else:
        printer = JsonPrinter(DaemonFields(socket.gethostname(), os.getpid(), os.getppid()))
    bad = 0
    for path in args.files:

        def report(error, path=path):
            nonlocal bad
            bad += 1
            err.write(f"exabgp mrt: {path}: {error}\n")

        try:
            _print(printer, reader.read(_source(path), report, printer.fast), out, report)
        except BrokenPipeError:  # the reader of the output went away (``| head``): quiet, as cat (`cli.reader_gone`)
            raise
        except OSError as error:
            report(error.strerror or error)
        except EOFError as error:  # a compressed stream cut short
            report(f"compressed stream ends early ({error})")
    return 1 if bad else 0


def _columns(args, err) -> int:
    """`--columns`: the routes of the one FILE into an ``.npz`` file; bad records are named as when printing."""
    if len(args.files) != 1:
        err.write("exabgp mrt: --columns reads one FILE\n")
        return 1
    path = args.files[0]
    bad = 0

    def report(error):
        nonlocal bad
        bad += 1
        err.write(f"exabgp mrt: {path}: {error}\n")

    try:
        from exabgp.mrt.columnar import columns

        columns(_source(path), report).save(args.columns)
    except ImportError as error:
        err.write(f"exabgp mrt: {error}\n")
        return 1
    except OSError as error:
        report(error.strerror or error)
    except EOFError as error:
        report(f"compressed stream ends early ({error})")
    return 1 if bad else 0


def _print(printer, items, out, report) -> None:
    """Write the lines of `items`; records whose routes can not be read go to `report`."""
    chunk = []
    size = 0
    lines = printer.lines
    for item in items:
        if type(item) is str:  # the text of a run of records the codec read (`Printer.fast`)
            chunk.append(item)
            size += len(item)
            if size > _FLUSH:
                out.write("".join(chunk))
                chunk = []
                size = 0
            continue
        try:
            text = lines(item)
        except reader.MrtError as error:
            report(error)
            continue
        except (CodecError, ValueError, IndexError) as error:
            report(reader.record_error(item, error))
            continue
        if text:
            chunk.append(text)
            size += len(text)
            if size > _FLUSH:
                out.write("".join(chunk))
                chunk = []
                size = 0
    out.write("".join(chunk))
