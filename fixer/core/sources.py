"""Where file contents come from: the working tree, or a commit's tree (for branch mode)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from fixer.core.fileguard import TEMP_SUFFIX, fingerprint, is_stale_temp, real_path
from fixer.core.textio import InputError

SKIP_DIRS = {".git", "_build", "deps", "node_modules", ".venv", "venv", "env", "__pycache__", ".tox", ".mypy_cache", ".elixir_ls"}


class WorkTree:
    """Files of a directory: git's tracked + untracked-not-ignored files, or a filtered walk.

    Reads go to the real path, which must be inside the repository; what was read is fingerprinted so
    a writer can tell whether the file changed on disk since. fixer's own temp files left by a killed
    run are never processed; a writer removes them (`stale_temp_files`)."""

    parallel_reads = True  # plain file reads: forked workers may read too (see fixer.core.pool.scan_all)

    def __init__(self, root: Path, repo=None):
        self.root = root.resolve()
        self.repo = repo
        self.fingerprints: dict[str, str] = {}
        self.stale_temps: list[str] = []
        self._top = str(self.root)
        self._plain_dirs: dict[str, bool] = {}  # folder -> reached through no symlink (see _direct)
        self._files: list[str] | None = None
        self._differing: set[str] | None = None
        self._keys: dict[str, str] | None = None  # content keys, asked of git once (hints run again)

    def files(self) -> list[str]:
        """The files, listed once a run (several steps of a run ask)."""
        if self._files is None:
            names = self._listed()
            self.stale_temps = [n for n in names if is_stale_temp(n)]
            self._files = [n for n in names if not is_stale_temp(n)]
        return list(self._files)

    def stale_temp_files(self) -> list[str]:
        """fixer's temp files left by a killed run, also where .gitignore hides them."""
        if self.repo is None:
            return self.stale_temps
        listed = self.repo.git.ls_files("--others", "-z", "--", f"*{TEMP_SUFFIX}")
        return [name for name in listed.split("\0") if name and is_stale_temp(name)]

    def _changed(self) -> set[str]:
        """Tracked files whose working copy differs from the index (changed, deleted), asked once."""
        if self._differing is None:
            self._differing = {p for p in self.repo.git.diff_files("--name-only", "-z").split("\0") if p}
        return self._differing

    def _listed(self) -> list[str]:
        if self.repo is not None:
            listed = self.repo.git.ls_files("-v", "--cached", "--others", "--exclude-standard", "-z")
            tagged = {line[2:]: line[0] for line in listed.split("\0") if len(line) > 2}
            top, changed = self._top, self._changed()
            # A tracked file git finds unchanged ("H": no skip-worktree or assume-unchanged flag) and an
            # untracked one ("?") are there; only the others may be missing.
            return [n for n in sorted(tagged) if (tagged[n] in "H?" and n not in changed)
                    or os.path.lexists(os.path.join(top, n))]
        found = []
        top = self._top
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _is_venv(os.path.join(folder, d)))
            prefix = os.path.relpath(folder, top).replace(os.sep, "/") + "/" if folder != top else ""
            found.extend(prefix + name for name in files)
        return sorted(found)

    def content_keys(self) -> dict[str, str]:
        """path -> git's blob id of the file, for the tracked files git vouches for without reading
        them: in the index as plain files or executables (no symlink, submodule, conflict, or
        assume-unchanged / skip-worktree flag) and not changed in the working tree since (`git
        diff-files` compares the index's stat data, and the content when that is racy). Every other
        file has no key: it is read and hashed (see fixer.core.cache)."""
        if self.repo is None:
            return {}
        if self._keys is not None:
            return self._keys
        keys = self._keys = {}
        # Keyed by the listing's own path strings, not a second copy of each (100,000 paths: ~9 MB
        # the parent holds for the whole run and every forked worker inherits).
        same = {path: path for path in self.files()}
        for line in self.repo.git.ls_files("--stage", "-v", "-z").split("\0"):
            head, _, path = line.partition("\t")
            fields = head.split()
            if len(fields) == 4 and fields[0] == "H" and fields[1] in ("100644", "100755") and fields[3] == "0":
                keys[same.get(path, path)] = fields[2]
        for path in self._changed():
            keys.pop(path, None)
        return keys

    def read(self, path: str, fingerprinted: bool = True) -> bytes | None:
        """The file's bytes; None when it is reached through a symlink that stays inside the repo
        (the link's target is processed under its own name). `fingerprinted=False`: the caller
        fingerprints the bytes itself if it may write the file (the scan: only files a rule wants)."""
        real = self._direct(path)
        if real is None:
            real = real_path(self.root, path)
            if real != self.root / path:
                return None
        try:
            with open(real, "rb") as handle:
                data = handle.read()
        except PermissionError:
            raise InputError("permission denied on read") from None
        except IsADirectoryError:
            return None
        if fingerprinted:
            self.fingerprints[path] = fingerprint(data)
        return data

    def mode(self, path: str) -> int:
        return stat.S_IMODE((self.root / path).stat().st_mode)

    def size(self, path: str) -> int:
        return (self.root / path).stat().st_size

    def _direct(self, path: str) -> str | None:
        """The file's full path when no part of it is a symlink (then it is its own real path, inside
        the repository); None otherwise, or on any error, for `real_path` to decide and explain.

        Every file of a folder shares the folder's answer: one realpath per folder, then one lstat
        per file, instead of an lstat of every path component of every file."""
        if path.startswith("/") or os.path.normpath(path) != path or path.startswith(".."):
            return None  # not a plain path below the root
        folder, _, _ = path.rpartition("/")
        plain = self._plain_dirs.get(folder)
        if plain is None:
            full = os.path.join(self._top, folder) if folder else self._top
            try:
                plain = os.path.realpath(full, strict=True) == os.path.normpath(full)
            except (OSError, RuntimeError):
                plain = False
            self._plain_dirs[folder] = plain
        if not plain:
            return None
        full = os.path.join(self._top, path)
        try:
            return None if stat.S_ISLNK(os.lstat(full).st_mode) else full
        except OSError:
            return None


def _is_venv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


class CommitTree:
    """Files of one commit, read from git's object database (the working tree is not looked at)."""

    def __init__(self, repo, commit):
        self.repo = repo
        self.commit = commit
        self.root = Path(repo.working_tree_dir or repo.git_dir).resolve()
        self._blobs = {}
        for item in commit.tree.traverse():
            if item.type == "blob":
                self._blobs[item.path] = item

    def files(self) -> list[str]:
        return sorted(self._blobs)

    def content_keys(self) -> dict[str, str]:
        """path -> blob id of each plain file of the commit (nothing is read)."""
        return {path: blob.hexsha for path, blob in self._blobs.items() if stat.S_ISREG(blob.mode)}

    def read(self, path: str, fingerprinted: bool = True) -> bytes | None:
        blob = self._blobs[path]
        if stat.S_ISLNK(blob.mode):
            target = self._bytes(blob).decode("utf-8", "replace")
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
            if os.path.isabs(target) or resolved.startswith(".."):
                raise InputError(f"symlink points outside the repository (-> {target})")
            return None
        return self._bytes(blob)

    @staticmethod
    def _bytes(blob) -> bytes:
        """The blob as stored (`git cat-file --batch`: no filter, no textconv)."""
        try:
            return blob.data_stream.read()
        except (ValueError, OSError) as exc:  # a missing or damaged object: git's answer, in one line
            raise InputError(f"cannot read {blob.hexsha[:10]} from git ({str(exc).splitlines()[0][:200]})") from None

    def mode(self, path: str) -> int:
        return self._blobs[path].mode

    def size(self, path: str) -> int:
        """The blob's size, from git's object header (the blob is not read)."""
        return self._blobs[path].size
