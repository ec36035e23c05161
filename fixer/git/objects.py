"""Writing fixer's blobs, trees and commits without touching anything of the user's.

Trees are built in a private index file (`GIT_INDEX_FILE` in `.git/fixer/`), never in `.git/index`.
Every object goes first to a quarantine object directory (`GIT_OBJECT_DIRECTORY`, with the real
store as an alternate, the way `git receive-pack` quarantines a push); only when all objects are
written are they moved into `.git/objects`. A failure or a kill therefore leaves no half-written
`tmp_obj_*` file and no stray object in the user's store: the quarantine is simply removed.

Each commit ends with a `Fixer-Seal:` trailer, a SHA-256 of the whole commit object without that
line. Any human change to the commit (amend, rebase, reword, new author or date) changes the object,
so the seal no longer matches and the commit is not taken for fixer's.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
import time
from io import BytesIO
from pathlib import Path

from git import Actor, Commit, Repo
from git.objects import Tree
from git.objects.util import parse_date
from gitdb.util import hex_to_bin

from fixer.core import interrupts
from fixer.core.errors import GitError
from fixer.git.command import run_git
from fixer.git.lock import fixer_dir

SEAL_KEY = "Fixer-Seal"
SEAL_LINE = re.compile(rb"(?<=\n)" + SEAL_KEY.encode() + rb": ([0-9a-f]{64})\n\Z")
LEFTOVER = re.compile(r"^(objects|index)-")


def is_sealed(raw: bytes) -> bool:
    """True when the raw commit object carries fixer's seal and nothing in it changed since."""
    match = SEAL_LINE.search(raw)
    return bool(match) and hashlib.sha256(raw[:match.start()]).hexdigest().encode() == match.group(1)


def commit_is_sealed(commit: Commit) -> bool:
    return is_sealed(commit.repo.odb.stream(commit.binsha).read())


def without_seal(message: str) -> str:
    return re.sub(rf"{SEAL_KEY}: [0-9a-f]{{64}}\n\Z", "", message)


def remove_leftovers(repo: Repo) -> None:
    """Private indexes and quarantines of a run that was killed (call with the repo lock held)."""
    for entry in fixer_dir(repo).iterdir():
        if LEFTOVER.match(entry.name) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif LEFTOVER.match(entry.name):
            entry.unlink(missing_ok=True)


class ObjectWriter:
    """A quarantine object directory plus a private index; `publish()` moves the objects in."""

    def __init__(self, repo: Repo):
        self.repo = repo
        self.objects = Path(repo.common_dir, "objects").resolve()
        home = fixer_dir(repo)
        with interrupts.held():  # as fileguard's temp files: a folder made but not yet named stays behind
            self.quarantine = Path(tempfile.mkdtemp(prefix="objects-", dir=home))
        self.index = home / f"index-{self.quarantine.name.removeprefix('objects-')}"
        alternates = [_alternate(str(self.objects))]
        if os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES"):
            alternates.append(os.environ["GIT_ALTERNATE_OBJECT_DIRECTORIES"])
        self.env = {
            "GIT_OBJECT_DIRECTORY": str(self.quarantine),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": os.pathsep.join(alternates),
            "GIT_QUARANTINE_PATH": str(self.quarantine),  # git refuses ref updates in here
            "GIT_INDEX_FILE": str(self.index),
        }

    def __enter__(self) -> "ObjectWriter":
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.quarantine, ignore_errors=True)
        for path in (self.index, Path(f"{self.index}.lock")):
            path.unlink(missing_ok=True)

    def git(self, *args: str, data: bytes | None = None) -> str:
        return run_git(self.repo, list(args), data, self.env)

    def tree(self, parent_tree: str, files: dict[str, tuple[bytes, int]]) -> str:
        """The parent tree with these files replaced (path -> (content, mode))."""
        lines = []
        for path, (content, mode) in files.items():
            blob = self.git("hash-object", "-w", "--stdin", data=content)
            lines.append(f"{mode:o} {blob}\t{path}\0")
        self.git("read-tree", parent_tree)
        self.git("update-index", "-z", "--index-info", data="".join(lines).encode("utf-8", "surrogateescape"))
        return self.git("write-tree")

    def commit(self, tree: str, parent: str, message: str, author: Actor, committer: Actor) -> str:
        """A sealed commit object (see the module docstring)."""
        author_time, author_tz = _when("GIT_AUTHOR_DATE")
        commit_time, commit_tz = _when("GIT_COMMITTER_DATE")
        parents = [Commit(self.repo, hex_to_bin(parent))]
        draft = Commit(self.repo, Commit.NULL_BIN_SHA, Tree(self.repo, hex_to_bin(tree)), author, author_time,
                       author_tz, committer, commit_time, commit_tz, message, parents, "UTF-8")
        unsealed = _serialize(draft)
        draft.message = f"{message}{SEAL_KEY}: {hashlib.sha256(unsealed).hexdigest()}\n"
        sealed = _serialize(draft)
        if not is_sealed(sealed):
            raise GitError("cannot seal the commit (its message must end with a newline)")
        return self.git("hash-object", "-t", "commit", "-w", "--stdin", data=sealed)

    def publish(self) -> None:
        """Move every quarantined object into the real object store (existing ones are kept)."""
        for folder in sorted(self.quarantine.iterdir()):
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            target = self.objects / folder.name
            target.mkdir(exist_ok=True)
            for item in folder.iterdir():
                if item.name.startswith("tmp_"):
                    continue
                try:
                    _place(item, target / item.name)
                except OSError as exc:
                    raise GitError(f"cannot write to {target}: {exc.strerror}") from None


def _place(source: Path, target: Path) -> None:
    # A hard link never overwrites (an object already there is the same object); a rename is the
    # fallback on file systems without links. Neither copies data, so neither can half-write.
    try:
        os.link(source, target)
    except FileExistsError:
        pass
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EOPNOTSUPP):
            raise
        os.replace(source, target)


def _alternate(path: str) -> str:
    # git splits GIT_ALTERNATE_OBJECT_DIRECTORIES on ":" and C-unquotes an entry in double quotes.
    if os.pathsep not in path and not path.startswith('"'):
        return path
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _serialize(commit: Commit) -> bytes:
    # GitPython's own serialisation, the same one Commit.create_from_tree uses to write a commit.
    stream = BytesIO()
    commit._serialize(stream)
    return stream.getvalue()


def _when(variable: str) -> tuple[int, int]:
    """GIT_AUTHOR_DATE / GIT_COMMITTER_DATE if set (as git and GitPython honour them), else now."""
    if os.environ.get(variable):
        return parse_date(os.environ[variable])
    local = time.localtime()
    return int(time.time()), time.altzone if time.daylight and local.tm_isdst > 0 else time.timezone
