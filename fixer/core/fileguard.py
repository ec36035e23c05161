"""Every file fixer reads or writes in a working tree: inside the repository for real (symlinks
resolved), still holding the bytes fixer read, writable; replaced atomically, one file or all-or-nothing.

Temp files are `.NAME.XXXXXXXX.fixer-tmp` next to their target (a rename never crosses a file
system). A run killed mid-write can strand one; runs that write remove them under the repo lock.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fixer.core import interrupts
from fixer.core.textio import InputError

TEMP_SUFFIX = ".fixer-tmp"
STALE_TEMP = re.compile(r"(?:^|/)\.[^/]+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + r"$")


def real_path(root: Path, rel: str) -> Path:
    """Where `rel` really is; InputError if that is outside `root` (a resolved path) or a link loop."""
    full = root / rel
    try:
        real = Path(os.path.realpath(full, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError("symlink loop (a link that points back to itself)") from None
        raise InputError(f"cannot open: {exc.strerror}") from None
    except RuntimeError:  # older Pythons report a loop this way
        raise InputError("symlink loop (a link that points back to itself)") from None
    if not real.is_relative_to(root):
        link = _first_link(root, rel)
        if link is None:
            raise InputError(f"outside the repository (-> {real})")
        raise InputError(f"symlink points outside the repository ({link.relative_to(root).as_posix()} -> "
                         f"{os.readlink(link)})")
    return real


def _first_link(root: Path, rel: str) -> Path | None:
    path = root
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_stale_temp(rel: str) -> bool:
    return bool(STALE_TEMP.search(rel))


def remove_stale_temps(root: Path, names: list[str]) -> int:
    """Remove fixer temp files a killed run left behind (call with the repo lock held)."""
    removed = 0
    for name in filter(is_stale_temp, names):
        try:
            real = real_path(root, name)
        except InputError:
            continue
        if real == root / name and real.is_file():  # reached through no symlink: really in the repo
            real.unlink(missing_ok=True)
            removed += 1
    return removed


@dataclass
class Replacement:
    rel: str
    data: bytes
    expected: str  # fingerprint of the bytes fixer read
    target: Path | None = None
    original: bytes = b""
    mode: int = 0o644
    temp: str | None = None


def check(root: Path, item: Replacement) -> Replacement:
    """Fill in target, original bytes and mode; InputError when the file must not be replaced."""
    item.target = real_path(root, item.rel)
    try:
        item.original = item.target.read_bytes()
        mode = stat.S_IMODE(item.target.stat().st_mode)
    except OSError as exc:
        raise InputError(f"cannot read it again before writing: {exc.strerror}") from None
    if fingerprint(item.original) != item.expected:
        raise InputError("changed on disk while fixer ran; not rewritten (run fixer again)")
    if not mode & 0o222:
        raise InputError(f"file is read-only (mode {mode:04o}); not rewritten")
    if not os.access(item.target, os.W_OK) or not os.access(item.target.parent, os.W_OK | os.X_OK):
        raise InputError("cannot write: Permission denied")
    item.mode = mode
    return item


def write_temp(item: Replacement) -> None:
    """The new bytes in a temp file next to the target, flushed to disk, with the target's mode."""
    with interrupts.held():  # a Ctrl-C between creating the file and naming it would leave it behind
        fd, item.temp = tempfile.mkstemp(prefix=f".{item.target.name}.", suffix=TEMP_SUFFIX, dir=item.target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(item.data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(item.temp, item.mode)


def discard_temps(items: list[Replacement]) -> None:
    for item in items:
        if item.temp and os.path.lexists(item.temp):
            os.unlink(item.temp)
        item.temp = None


def replace_file(root: Path, item: Replacement) -> None:
    """Check, then write through a temp file and rename; the temp file never outlives the call."""
    check(root, item)
    try:
        write_temp(item)
        if fingerprint(item.target.read_bytes()) != item.expected:
            raise InputError("changed on disk while fixer ran; not rewritten (run fixer again)")
        os.replace(item.temp, item.target)
        item.temp = None
    finally:
        discard_temps([item])


def replace_all(root: Path, items: list[Replacement], announce=None) -> None:
    """All files replaced, or none: every check first, then every temp file, then the renames;
    a failed rename puts back the files already replaced. Raises InputError naming the file.

    The renames and their rollback run with Ctrl-C held: one that lands during them is seen at the
    end and every rename is undone (interrupted, nothing written), so no file is ever renamed without
    being on the rollback list. `announce` (the report of success) runs still held: a Ctrl-C after
    the last rename is dropped, as the run is finished and says so."""
    try:
        for item in items:
            _step(item, lambda: check(root, item))
        for item in items:
            _step(item, lambda: write_temp(item))
        with interrupts.held():
            _swap_all(items)
            if announce is not None:
                announce()
            interrupts.drop_pending()
    finally:
        with interrupts.held():  # a second Ctrl-C must not cut the clean-up short
            discard_temps(items)


def _swap_all(items: list[Replacement]) -> None:
    """Every rename, or (on a failure or a held Ctrl-C) none (call with Ctrl-C held)."""
    done: list[Replacement] = []
    try:
        for item in items:
            if interrupts.pending():
                raise KeyboardInterrupt
            _step(item, lambda: _swap_in(item))
            done.append(item)
        if interrupts.pending():
            raise KeyboardInterrupt
    except BaseException as exc:
        stuck = _roll_back(done)
        if stuck and isinstance(exc, InputError):
            raise InputError(f"{exc} (and could not put back {', '.join(stuck)}: check them)") from None
        if stuck:
            raise InputError(f"interrupted, and could not put back {', '.join(stuck)}: check them") from None
        raise


def _step(item: Replacement, action) -> None:
    """Run one step for one file; a failure names the file and says that nothing was changed."""
    try:
        action()
    except InputError as exc:
        raise InputError(f"{item.rel}: {exc}; no file was changed") from None
    except OSError as exc:
        raise InputError(f"{item.rel}: cannot write: {exc.strerror or exc}; no file was changed") from None


def _swap_in(item: Replacement) -> None:
    if fingerprint(item.target.read_bytes()) != item.expected:
        raise InputError("changed on disk while fixer ran")
    os.replace(item.temp, item.target)
    item.temp = None


def _roll_back(done: list[Replacement]) -> list[str]:
    """Put the original bytes back; the paths that could not be restored."""
    stuck = []
    for item in reversed(done):
        restore = Replacement(item.rel, item.original, "", item.target, b"", item.mode)
        try:
            write_temp(restore)
            os.replace(restore.temp, restore.target)
        except OSError:
            stuck.append(item.rel)
        finally:
            discard_temps([restore])
    return stuck


def write_output(path: Path, data: bytes) -> None:
    """A file the user named for fixer's output (a patch): written whole through a temp file, or not at all."""
    with interrupts.held():  # as in write_temp
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
