"""The wait of a streaming answer for a writer's backlog to drain.

A long answer (`exabgp.reactor.answers`) is written in chunks; before the next chunk it asks its
writer, a helper's stdin (`exabgp.reactor.helper_stdin`) or the CLI's pipe (`exabgp.reactor.pipes`),
for `room(limit)`: True when at most `limit` octets still wait for the reader, False when the reader
is gone, else a future.  The writer keeps one `Backlog` and calls `update` whenever its backlog
shrinks or its reader goes away; the future (made on the running loop: `room` is asked from the
answer's task) is answered (True, or False when the reader is gone) as
soon as the backlog is down to the limit.  One answer streams per writer at a time, so one waiter.
"""

import asyncio


class Backlog:
    """The one `room` waiter of a writer (see the module docstring)."""

    __slots__ = ("_waiter",)

    def __init__(self):
        self._waiter = None  # (limit, future)

    def room(self, waiting: int, gone: bool, limit: int):
        """True when at most `limit` of the `waiting` octets remain, False when the reader is `gone`, else a future."""
        if gone:
            return False
        if waiting <= limit:
            return True
        future = asyncio.get_running_loop().create_future()
        self._waiter = (limit, future)
        return future

    def update(self, waiting: int, gone: bool) -> None:
        """Answer the waiter once `waiting` is down to its limit or the reader is `gone`."""
        if self._waiter is None:
            return
        limit, future = self._waiter
        if waiting > limit and not gone:
            return
        self._waiter = None
        if not future.done():
            future.set_result(not gone)
