"""One fixer run at a time per repository: an advisory lock that waits, then fails clearly.

The lock is `flock` on a file fixer owns, `.git/fixer/lock` (outside git, or with a read-only `.git`,
on the folder itself, so nothing is created there): the kernel drops it when the process dies, even by
kill -9, so it can never go stale.
Whoever holds it may remove fixer's own leftovers (private indexes, object quarantines, temp files)
from an earlier run that was killed: nobody else is writing them.
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from fixer.ui import report
from fixer.core.errors import GitError

DEFAULT_TIMEOUT = 60.0  # seconds; FIXER_LOCK_TIMEOUT overrides (0: fail at once)
POLL = 0.05


class LockError(GitError):
    """Another fixer run holds the lock (a one-line message)."""


def fixer_dir(repo) -> Path:
    """`.git/fixer/`: fixer's own files in the repository's common git dir (shared by worktrees)."""
    path = Path(repo.common_dir) / "fixer"
    path.mkdir(exist_ok=True)
    return path


def _open_lock(repo, root: Path | None) -> tuple[int, Path]:
    if repo is not None:
        try:
            path = fixer_dir(repo) / "lock"
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644), path
        except OSError:
            pass  # a read-only .git (in-place mode still works): lock the work tree's folder
    path = Path(root or repo.working_tree_dir).resolve()
    return os.open(path, os.O_RDONLY), path


def timeout_from_env() -> float:
    try:
        return max(0.0, float(os.environ.get("FIXER_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@contextmanager
def repo_lock(repo=None, root: Path | None = None, timeout: float | None = None):
    """Hold the repository's fixer lock; wait up to `timeout` seconds for another run to finish."""
    timeout = timeout_from_env() if timeout is None else timeout
    fd, path = _open_lock(repo, root)
    try:
        _acquire(fd, path, timeout)
        if path.is_file():  # who holds it, for the message of a run that has to wait
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise LockError(f"cannot lock {path}: {exc.strerror}") from None
        holder = _holder(fd)
        if time.monotonic() >= deadline:
            raise LockError(f"another fixer run{holder} is working on this repository; "
                            f"gave up after {timeout:g} s (lock: {path})")
        if not told:
            report.stderr().print(f"waiting for another fixer run{holder} on this repository…",
                                  markup=False, highlight=False)
            told = True
        time.sleep(POLL)


def _holder(fd: int) -> str:
    """" (pid N)" of the run holding the lock, when it left its pid in the lock file."""
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:  # a folder: no pid recorded
        pid = ""
    return f" (pid {pid})" if pid.isdigit() else ""
