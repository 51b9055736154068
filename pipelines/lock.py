"""One writer per warehouse: an exclusive OS file lock held for load + transform + publish.

Prefect's `concurrency_limit: 1` keeps two scheduled runs apart; this lock also covers a CLI run started by
hand while a flow run (or another CLI run) is writing. It is an `fcntl.flock` on `<warehouse>.lock`, so the
kernel releases it when the holder exits, crashed or not: there is never a stale lock to clean up.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

#: exit code of a CLI command that found the warehouse busy and did not (or could no longer) wait
BUSY_EXIT_CODE = 3
_POLL_SECONDS = 0.25


class WarehouseBusy(Exception):
    """Another process is writing the warehouse; the message says who and since when."""

    def __init__(self, warehouse: Path, holder: dict[str, object], waited: float) -> None:
        self.warehouse = warehouse
        self.holder = holder
        who = f"pid {holder.get('pid', '?')}, started at {holder.get('started_at', '?')}"
        if holder.get("command"):
            who += f", {holder['command']}"
        waited_text = f" (waited {waited:.0f}s)" if waited else ""
        super().__init__(f"another run ({who}) is writing {warehouse}{waited_text}; retry later or pass --wait SECONDS")


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.lock")


class _Held:
    """This process's hold on one warehouse: re-entrant for the thread that holds it, exclusive for the rest."""

    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_held: dict[Path, _Held] = {}
_held_guard = threading.Lock()


def _holder_info(path: Path) -> dict[str, object]:
    try:
        return json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}


def _try_flock(path: Path) -> int | None:
    """Open and lock `path` without blocking; None if another process holds it.

    A lock file deleted (e.g. by the demo's reset) while locked would let a newcomer lock a fresh file, so a
    lock only counts if the path still names the locked inode.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        same = os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        same = False
    if not same:
        os.close(fd)
        return _try_flock(path)
    info = {
        "pid": os.getpid(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:3]]) if sys.argv and sys.argv[0] else "",
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    return fd


def _still_ours(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


@contextmanager
def warehouse_lock(
    warehouse: Path, wait_seconds: float = 0.0, on_wait: Callable[[WarehouseBusy], None] | None = None
) -> Iterator[Path]:
    """Hold the warehouse's writer lock; wait up to `wait_seconds` for it, else raise WarehouseBusy.

    `on_wait` is told once, with who holds it, when the lock is busy and we are going to wait. Re-entrant within
    the holding thread (the CLI's demo holds it around the job that holds it again).
    """
    warehouse = Path(warehouse).resolve()
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _held_guard:
        held = _held.setdefault(warehouse, _Held())
    started = time.monotonic()
    deadline = started + max(wait_seconds, 0.0)
    acquired = held.thread_lock.acquire(timeout=wait_seconds) if wait_seconds > 0 else held.thread_lock.acquire(False)
    if not acquired:
        raise WarehouseBusy(warehouse, {"pid": os.getpid(), "command": "another thread of this process"}, wait_seconds)
    try:
        if held.depth and held.fd is not None and not _still_ours(path, held.fd):
            # our lock file was removed under us (the demo resets its directory): lock a fresh one
            os.close(held.fd)
            held.fd = _try_flock(path)
            if held.fd is None:
                raise WarehouseBusy(warehouse, _holder_info(path), 0.0)
        if held.depth == 0:
            fd = _try_flock(path)
            if fd is None and on_wait is not None and wait_seconds > 0:
                on_wait(WarehouseBusy(warehouse, _holder_info(path), 0.0))
            while fd is None:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(warehouse, _holder_info(path), time.monotonic() - started)
                time.sleep(_POLL_SECONDS)
                fd = _try_flock(path)
            held.fd = fd
        held.depth += 1
        try:
            yield path
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                os.close(held.fd)  # closing the descriptor releases the flock
                held.fd = None
    finally:
        held.thread_lock.release()
