"""Work a build runs beside itself, in a forked process: writing state.json, or assembling an
updated graph.json while the query store and the page are written.

Both hold the interpreter lock for a fraction of a second to a second on the 103k graph (the
copy of an update's graph.json most), a tenth of a daily update, while one of the machine's two
cores would otherwise be idle.
A fork starts with the parent's memory as it is (copy on write), so nothing is pickled but the
result. Where the platform does not fork, or this process runs other threads (a fork copies
only the calling thread, and locks another thread holds stay held), the work runs at once,
in this process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from typing import Any

from kg.errors import KgError


class Background:
    """`target(*args)` in a forked process; `wait` gives its return value, or raises its error in
    this process: a `KgError` with the child's message, or one naming `what` it was writing."""

    def __init__(self, what: str, target: Callable[..., Any], *args: Any) -> None:
        self.what = what
        self.process: multiprocessing.process.BaseProcess | None = None
        self.result: Any = None
        self.pipe: multiprocessing.connection.Connection | None = None
        if not can_fork():
            self.result = target(*args)
            return
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(target=_run, args=(what, sending, target, args), name=f"kg: {what}")
        self.process.start()
        sending.close()  # the child's end: closed here, so a child that dies gives EOF, not a hang
        self.pipe = receiving

    def wait(self) -> Any:
        """The target's return value, once it is done; its error, raised here."""
        if self.process is None:
            return self.result
        assert self.pipe is not None
        try:
            outcome = self.pipe.recv()
        except EOFError:  # killed, or out of memory: it sent nothing
            outcome = None
        self.process.join()
        code = self.process.exitcode
        self.process = None
        self.pipe.close()
        if outcome is None:
            raise KgError(f"{self.what}: the process writing it failed (exit code {code})")
        ok, value = outcome
        if not ok:
            raise KgError(value)
        self.result = value
        return value

    def stop(self) -> None:
        """A build that fails stops its background work before its staging folder goes."""
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.process = None
        if self.pipe is not None:
            self.pipe.close()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _run(
    what: str, pipe: multiprocessing.connection.Connection, target: Callable[..., Any], args: tuple
) -> None:
    """In the child: the target's value, or its error's message, through the pipe."""
    try:
        outcome: tuple[bool, Any] = (True, target(*args))
    except KgError as e:
        outcome = (False, str(e))
    except BaseException as e:  # a disk that is full, or a bug: say what it was, and in what
        outcome = (False, f"{what}: writing it failed ({type(e).__name__}: {e})")
    pipe.send(outcome)
    pipe.close()
    os._exit(0 if outcome[0] else 1)  # no atexit handlers, no finalizers of the parent's objects
