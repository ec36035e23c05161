"""The temporary export the command runs in: the base commit's files (`git archive`), then each tree
to try written over them. It lives in the system's temp folder, never in the user's checkout; it is
removed when the run ends, also on Ctrl-C, and a run that was killed leaves a marker naming its
process, so the next run removes what it left."""
from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

from fixer.core import interrupts

PREFIX = "fixer-verify-"
MARKER = "owner.json"
NO_MARKER_AGE = 3600.0  # a folder without its marker this old was left between mkdtemp and the marker


class Scratch:
    """`with Scratch(repo, commit) as scratch:` an export of `commit` at `scratch.tree`;
    `scratch.write(files)` makes the tree `commit` + these files (path -> bytes)."""

    def __init__(self, repo, commit):
        self.repo, self.commit = repo, commit
        self.home: Path | None = None
        self.originals: dict[str, bytes | None] = {}  # files written over: their base bytes (None: new)
        self.stamp = 0.0

    @property
    def tree(self) -> Path:
        assert self.home is not None
        return self.home / "tree"

    def __enter__(self) -> "Scratch":
        remove_stale()
        with interrupts.held():  # the folder and its marker come into being together
            self.home = Path(tempfile.mkdtemp(prefix=PREFIX))
            (self.home / MARKER).write_text(json.dumps({"pid": os.getpid(), "repo": str(self.repo.common_dir)}))
        try:
            self._export()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    def remove(self) -> None:
        if self.home is None:
            return
        with interrupts.held():  # a second Ctrl-C must not leave half a folder behind
            shutil.rmtree(self.home, ignore_errors=True)
        self.home = None

    def _export(self) -> None:
        archive = io.BytesIO()
        self.repo.archive(archive, treeish=self.commit.hexsha, format="tar")
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            tar.extractall(self.tree, filter="data")

    def write(self, files: dict[str, bytes]) -> None:
        """Make the tree the base plus exactly `files` (earlier writes not in `files` are undone).
        Every file written gets a newer mtime than any before it: build tools that judge staleness by
        mtime (mix, Python's bytecode cache) must see a file that changed back within one second."""
        for path in [p for p in self.originals if p not in files]:
            original = self.originals.pop(path)
            if original is None:
                (self.tree / path).unlink(missing_ok=True)
            else:
                self._put(path, original)
        for path, data in files.items():
            target = self.tree / path
            if path not in self.originals:
                self.originals[path] = target.read_bytes() if target.is_file() else None
            if not target.is_file() or target.read_bytes() != data:
                self._put(path, data)

    def _put(self, path: str, data: bytes) -> None:
        target = self.tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.stamp = max(time.time(), self.stamp + 1.0)
        os.utime(target, (self.stamp, self.stamp))


def remove_stale(folder: Path | None = None) -> list[Path]:
    """Remove the exports of fixer runs that are gone (killed before they could clean up)."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for home in folder.glob(f"{PREFIX}*"):
        if home.is_dir() and not home.is_symlink() and _abandoned(home):
            shutil.rmtree(home, ignore_errors=True)
            removed.append(home)
    return removed


def _abandoned(home: Path) -> bool:
    try:
        if home.stat().st_uid != os.getuid():
            return False  # another user's: not ours to judge
        owner = json.loads((home / MARKER).read_text())
        pid = int(owner["pid"])
    except FileNotFoundError:
        return time.time() - home.stat().st_mtime > NO_MARKER_AGE
    except (OSError, ValueError, KeyError, TypeError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
