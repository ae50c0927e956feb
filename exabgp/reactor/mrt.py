"""The MRT archive of the ``mrt`` section (`exabgp.config.mrt`): updates files and snapshots, written to disk.

The records are `exabgp.mrt.writer`'s; this module is their files:

* **updates files**: every session of every peer gets a `Recorder`
  (`Archive.recorder`, made with the connection), which the connection
  tells of its runs of received UPDATEs, its lone UPDATEs and its state
  changes (`exabgp.reactor.peer.Connection._event`); each becomes records
  (`exabgp.mrt.writer.Bgp4mp`: one record per message, one ``bytes`` per
  run, the octets as received) appended to the current file's buffer.  A
  new file starts at every multiple of ``updates`` seconds since the epoch
  (``updates.YYYYMMDD.HHMM``, UTC, the start of its period), the previous
  one is finished;
* **snapshots**: every multiple of ``rib`` seconds, and on the API command
  ``dump mrt`` (`Archive.dump`), a TABLE_DUMP_V2 dump of the Adj-RIB-In of
  every established session (``bview.`` or ``rib.YYYYMMDD.HHMM``), made by
  `exabgp.mrt.writer.table_dump` on the loop in slices, so that sessions
  keep being read while a large table is dumped; one snapshot at a time
  (a request during one is logged and dropped: the running one is as new);
* **atomic files**: a file is written under a temporary name in its
  directory (``.NAME.XXXXXXXX.partial``), then flushed, fsynced, renamed to
  its final name and the directory fsynced (`ArchiveFile`): a crash or
  ``kill -9`` leaves at worst a ``.partial`` file, never a truncated file
  under a final name.  A final name that exists already (a daemon
  restarted within a period) is not overwritten: ``-1``, ``-2``, ... follow
  the time (``updates.20250101.0000-1.gz``);
* **no blocking**: compression (gzip, bzip2), fsync and renames run in one
  worker thread, in order (zlib and bz2 release the GIL): the loop makes
  the records of each run (`exabgp.mrt.writer.Bgp4mp.run`, no Python loop
  per message) and appends them to a list, written once it holds
  `FLUSH_SIZE` octets or when a file is finished, without being joined: by
  the loop itself with ``writev`` into the page cache when the file is not
  compressed, else by the thread through the compressor.  Measured on a
  full table (`benchmarks/mrt_write.py`, the same load): handing each
  megabyte to the thread made ingestion 53 % slower than without MRT, the
  loop's ``writev`` 33 % (the GIL passing back and forth costs more than
  the write into the page cache); making the records in the thread too, 78 %.  A snapshot
  waits for the thread when more than `QUEUED_MAX` of its chunks are queued
  (memory bounded whatever the disk's pace).  An I/O error is logged, the
  file abandoned (its temporary file removed) and the daemon carries on.

On shutdown (`close`) the updates file is finished (its records up to then
are kept) and a snapshot under way is abandoned.  A reload that changes the
section closes the archive as on shutdown and starts a new one with the new
settings (none when the section is gone), into which the open sessions record
from then on (`record_into`; the BMP sessions too,
`exabgp.reactor.bmp.BmpStation.archive_into`).  A neighbor with ``adj-rib-in false`` keeps no
Adj-RIB-In: it is in no snapshot, and the archive warns of it at start and
on every reload (`Archive.check`).
"""

import asyncio
import bz2
import collections
import gzip
import io
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from exabgp._codec import frame_message
from exabgp.bgp.family import AFI_IPV4, AFI_IPV6, SAFI_UNICAST
from exabgp.bgp.update import Update
from exabgp.config.mrt import COMPRESSIONS
from exabgp.mrt.writer import Bgp4mp, SnapshotPeer, table_dump
from exabgp.session import State

#: octets buffered on the loop before they are handed to the writer thread
FLUSH_SIZE = 1 << 20
#: snapshot chunks queued for the writer thread before the snapshot waits for it
QUEUED_MAX = 8
#: the buffers one ``writev`` call takes (Linux's IOV_MAX)
_IOV_MAX = 1024
#: gzip's level: the default (6) costs about as much CPU as receiving the table; 1 is 3 to 4 times faster
GZIP_LEVEL = 1


def file_name(prefix: str, start: int, period: int, compress: str) -> str:
    """``PREFIX.YYYYMMDD.HHMM`` (UTC; ``HHMMSS`` for a period that is not whole minutes) and its suffix."""
    stamp = "%Y%m%d.%H%M" if period % 60 == 0 else "%Y%m%d.%H%M%S"
    return f"{prefix}.{time.strftime(stamp, time.gmtime(start))}{COMPRESSIONS[compress]}"


def period_start(now: float, period: int) -> int:
    """The start of the period of `period` seconds holding `now` (periods start at multiples of `period`)."""
    return int(now // period * period)


class ArchiveFile:
    """One file of the archive, written in the worker thread: see the module docstring ("atomic files")."""

    def __init__(self, directory: str, name: str, compress: str, mode: int = 0o644):
        self.directory = directory
        self.name = name
        self.compress = compress
        self.mode = mode  # of the final file (a temporary file is the owner's only)
        self.final = ""  # the name it got, once finished
        self._raw: io.BufferedWriter | None = None
        self._stream: io.BufferedWriter | gzip.GzipFile | bz2.BZ2File | None = None
        self._temporary = ""

    def open(self) -> None:
        handle, self._temporary = tempfile.mkstemp(prefix=f".{self.name}.", suffix=".partial", dir=self.directory)
        self._raw = raw = os.fdopen(handle, "wb")
        if self.compress == "gzip":
            self._stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0)
        elif self.compress == "bzip2":
            self._stream = bz2.BZ2File(raw, mode="wb")
        else:
            self._stream = raw

    def write(self, data: bytes) -> None:
        if self._stream is not None:
            self._stream.write(data)

    def write_all(self, parts: list) -> None:
        """Write `parts` in order: gathered by ``writev`` (no copy, the GIL released) when not compressed."""
        stream = self._stream
        if stream is None:
            return
        if stream is not self._raw:
            for part in parts:
                stream.write(part)
            return
        stream.flush()
        descriptor = stream.fileno()
        for first in range(0, len(parts), _IOV_MAX):
            batch = parts[first : first + _IOV_MAX]
            written = os.writev(descriptor, batch)
            total = sum(map(len, batch))
            if written < total:  # a short write (a full disk raises instead): the rest, the plain way
                stream.write(b"".join(batch)[written:])
                stream.flush()

    def finish(self) -> str:
        """Close, fsync, rename to the final name (never over an existing file), fsync the directory."""
        stream, raw = self._stream, self._raw
        if stream is None or raw is None:
            return ""
        self._stream = self._raw = None
        if stream is not raw:
            stream.close()
        raw.flush()
        os.fchmod(raw.fileno(), self.mode)
        os.fsync(raw.fileno())
        raw.close()
        base, suffix = self.name, COMPRESSIONS[self.compress]
        if suffix:
            base = base[: -len(suffix)]
        final = os.path.join(self.directory, self.name)
        number = 0
        while True:
            try:
                os.link(self._temporary, final)  # fails when `final` exists: never replaces a file
                break
            except FileExistsError:
                number += 1
                final = os.path.join(self.directory, f"{base}-{number}{suffix}")
        os.unlink(self._temporary)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self.final = final
        return final

    def abandon(self) -> None:
        """Close and remove the temporary file (a snapshot stopped by a shutdown, a failed write)."""
        stream, raw = self._stream, self._raw
        self._stream = self._raw = None
        try:
            if stream is not None and stream is not raw:
                stream.close()
            if raw is not None:
                raw.close()
        except OSError:
            pass
        if self._temporary:
            try:
                os.unlink(self._temporary)
            except OSError:
                pass


class Recorder:
    """What one connection tells the archive (see the module docstring); `negotiated` (once the OPENs are
    exchanged) updates the records' head with the negotiated ASes and ADD-PATH."""

    __slots__ = ("_archive", "_records", "_remote", "_local")

    def __init__(self, archive: "Archive", neighbor, local_ip: str, remote_ip: str):
        self._archive = archive
        self._remote = remote_ip
        self._local = local_ip
        self._records = Bgp4mp(neighbor.peer_as or 0, neighbor.local_as or 0, remote_ip, local_ip)

    def negotiated(self, negotiated, ctx) -> None:
        self._records = Bgp4mp(
            negotiated.peer_as,
            negotiated.local_as,
            self._remote,
            self._local,
            ctx.receives_path_id(AFI_IPV4, SAFI_UNICAST),
            ctx.receives_path_id(AFI_IPV6, SAFI_UNICAST),
            negotiated.asn4,
        )

    def run(self, octets, index) -> None:
        self._archive.append(self._records.run(octets, index, time.time()))

    def update(self, body: bytes) -> None:
        self._archive.append(self._records.message(frame_message(Update.TYPE, body), time.time()))

    def state(self, old: int, new: int) -> None:
        self._archive.append(self._records.state(old, new, time.time()))


class Archive:
    """The ``mrt`` section at work: see the module docstring.

    `peers()` gives the snapshot's peers (`SnapshotPeer`s), `log` is the daemon's log.
    """

    def __init__(self, settings, directory: str, collector_id: str, peers, log):
        self.settings = settings
        self.directory = directory
        self.collector_id = collector_id
        self._peers = peers
        self._log = log
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mrt")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._file: ArchiveFile | None = None  # the updates file being written
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._timers: list[asyncio.TimerHandle] = []
        self._snapshot: asyncio.Task | None = None
        self._mode = 0o644  # the files' mode: 0666 less the daemon's umask (`start`)

    # ------------------------------------------------------------ life

    def start(self) -> None:
        """Open the first updates file and arm the timers (OSError: the directory can not be made)."""
        umask = os.umask(0)
        os.umask(umask)
        self._mode = 0o666 & ~umask
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory)
            mode = os.stat(self.directory).st_mode & 0o777
            os.chmod(self.directory, mode | 0o700 | (mode & 0o044) >> 2)  # searchable where readable
        self._loop = asyncio.get_running_loop()
        settings = self.settings
        if settings.updates:
            self._open_updates(time.time())
        if settings.rib:
            self._arm(settings.rib, self._timed_snapshot)

    async def close(self) -> None:
        """Finish the updates file, abandon a snapshot under way, stop the worker thread."""
        for timer in self._timers:
            timer.cancel()
        self._timers = []
        snapshot = self._snapshot
        if snapshot is not None and not snapshot.done():
            snapshot.cancel()
            try:
                await snapshot
            except asyncio.CancelledError:
                pass
        self._finish_updates()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._executor.shutdown)

    def _arm(self, period: int, action) -> None:
        """Call `action(start)` at the next multiple of `period` seconds, then at every one after."""
        loop = self._loop
        assert loop is not None
        start = period_start(time.time(), period) + period

        def fire() -> None:
            self._timers.remove(handle)
            self._arm(period, action)
            action(start)

        handle = loop.call_at(loop.time() + max(0.0, start - time.time()), fire)
        self._timers.append(handle)

    def check(self, neighbors) -> None:
        """Warn of the `neighbors` whose routes no snapshot holds: with ``adj-rib-in false`` there is no
        Adj-RIB-In to dump (they are not in the PEER_INDEX_TABLE either: a peer listed without routes would
        read as a peer that announced none)."""
        for neighbor in neighbors:
            if not neighbor.adj_rib_in:
                where = "; its UPDATEs are in the updates files" if self.settings.updates else ""
                self._log.warning(
                    "mrt",
                    f"neighbor {neighbor.peer_address} has adj-rib-in false: no MRT snapshot holds its routes{where}",
                )

    # ------------------------------------------------------------ the worker thread

    def _submit(self, function, *arguments):
        """Run `function` in the worker thread, after everything submitted before; an OSError is logged."""
        return self._executor.submit(self._guarded, function, *arguments)

    def _guarded(self, function, *arguments):
        try:
            return function(*arguments)
        except OSError as error:
            owner = getattr(function, "__self__", None)
            if isinstance(owner, ArchiveFile):
                owner.abandon()
                what = owner.name
            else:
                what = self.directory
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._log.error, "mrt", f"can not write {what}: {error}")
            return ""

    # ------------------------------------------------------------ updates files

    def recorder(self, neighbor, local_ip: str, remote_ip: str) -> Recorder | None:
        """The `Recorder` of a new connection (None: no updates files)."""
        if not self.settings.updates:
            return None
        return Recorder(self, neighbor, local_ip, remote_ip)

    def append(self, data: bytes) -> None:
        """Records for the current updates file."""
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= FLUSH_SIZE:
            self._flush()

    def _flush(self) -> None:
        current = self._file
        if self._buffer and current is not None:
            if self.settings.compress != "none":
                self._submit(current.write_all, self._buffer)
            else:
                try:
                    current.write_all(self._buffer)
                except OSError as error:
                    self._log.error("mrt", f"can not write {current.name}: {error}")
                    self._file = None
                    self._submit(current.abandon)
        self._buffer = []
        self._buffered = 0

    def _open_updates(self, now: float) -> None:
        period = self.settings.updates
        start = period_start(now, period)
        name = file_name("updates", start, period, self.settings.compress)
        self._file = current = ArchiveFile(self.directory, name, self.settings.compress, self._mode)
        if self.settings.compress != "none":
            self._submit(current.open)
        else:
            try:
                current.open()
            except OSError as error:
                self._log.error("mrt", f"can not write {name}: {error}")
                self._file = None
        self._arm_rotation(start + period)

    def _arm_rotation(self, boundary: int) -> None:
        loop = self._loop
        assert loop is not None

        def rotate() -> None:
            self._timers.remove(handle)
            self._finish_updates()
            self._open_updates(boundary)

        handle = loop.call_at(loop.time() + max(0.0, boundary - time.time()), rotate)
        self._timers.append(handle)

    def _finish_updates(self) -> None:
        self._flush()
        current, self._file = self._file, None
        if current is not None:
            self._submit(current.finish).add_done_callback(self._finished)

    def _finished(self, future) -> None:
        """A file was renamed to its final name (in the worker thread): log it from the loop."""
        name = future.result()
        loop = self._loop
        if name and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._log.info, "mrt", f"wrote {name}")

    # ------------------------------------------------------------ snapshots

    def dump(self) -> None:
        """Start a snapshot now (``dump mrt``)."""
        self._start_snapshot(time.time(), 60)

    def _timed_snapshot(self, start: int) -> None:
        self._start_snapshot(start, self.settings.rib)

    def _start_snapshot(self, start: float, period: int) -> None:
        if self._snapshot is not None and not self._snapshot.done():
            self._log.warning("mrt", "a snapshot is being written: the snapshot asked for now is not made")
            return
        name = file_name(self.settings.rib_name, period_start(start, period), period, self.settings.compress)
        loop = self._loop or asyncio.get_running_loop()
        target = ArchiveFile(self.directory, name, self.settings.compress, self._mode)
        self._snapshot = loop.create_task(self._write_snapshot(target))

    async def _write_snapshot(self, target: ArchiveFile) -> None:
        loop = asyncio.get_running_loop()
        queued: collections.deque = collections.deque()
        self._submit(target.open)
        try:
            for chunk in table_dump(int(time.time()), self.collector_id, self.settings.view, self._peers()):
                if chunk:
                    queued.append(self._submit(target.write, chunk))
                    while len(queued) > QUEUED_MAX:
                        await asyncio.wrap_future(queued.popleft())
                await asyncio.sleep(0)
            done = self._submit(target.finish)
        except asyncio.CancelledError:
            await loop.run_in_executor(None, self._submit(target.abandon).result)
            raise
        done.add_done_callback(self._finished)
        await asyncio.wrap_future(done)


def record_into(archive: "Archive | None", connections) -> None:
    """After a reload changed the ``mrt`` section: the open `connections` record into `archive` (their recorders
    moved to it, one made, with the session's negotiated ASes and ADD-PATH, for a session that had none), or
    nowhere when it is None or writes no updates files."""
    for connection in connections:
        recorder = connection.mrt
        if archive is None or not archive.settings.updates or connection.peer is None:
            connection.mrt = None
        elif recorder is not None:
            recorder._archive = archive
        else:
            recorder = connection.mrt = Recorder(
                archive, connection.peer.neighbor, connection.local_ip, connection.remote_ip
            )
            session = connection.session
            if session is not None and session.negotiated is not None:
                recorder.negotiated(session.negotiated, session.ctx)


def snapshot_peers(connections) -> list:
    """The `SnapshotPeer`s of the established sessions of `connections` that keep an Adj-RIB-In, by address."""
    found = []
    now, clock = time.time(), time.monotonic()
    for connection in connections:
        peer = connection.peer
        session = connection.session
        if peer is None or peer.rib_in is None or session is None or session.state is not State.ESTABLISHED:
            continue
        negotiated = session.negotiated
        assert negotiated is not None  # set with the peer's OPEN, before ESTABLISHED
        originated = int(now - (clock - peer.since))
        found.append(
            SnapshotPeer(
                (
                    negotiated.peer_router_id,
                    connection.remote_ip,
                    negotiated.peer_as,
                    peer.rib_in,
                    originated,
                    negotiated.asn4,
                )
            )
        )
    return sorted(found, key=lambda peer: (":" in peer[1], peer[1]))
