"""Hold a warehouse's writer lock from another process, deterministically (released when the test says so)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_HOLD_LOCK = """
import sys
from pathlib import Path
from pipelines.lock import warehouse_lock
with warehouse_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()  # held until the test says so: no race with a timer
"""


def hold_lock(warehouse: Path) -> subprocess.Popen:
    """A child process holding the warehouse's writer lock until `release` is called."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def release(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        assert proc.stdin is not None
        proc.stdin.write("release\n")
        proc.stdin.close()
        proc.wait(30)
