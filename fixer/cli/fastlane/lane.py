"""One invocation's key (everything its output depends on, computed before anything heavy is
imported), its replay, and its recording; see fixer.cli.fastlane for why a replay is sound."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from fixer.cli.fastlane.aside import StepAside
from fixer.cli.fastlane.index import CONFIG_NAMES, all_plain, entries_of, entry_of, run_at_once
from fixer.core import store
from fixer.core.stamp import blob_id
from fixer.git import command

MAX_UNSEEN = 50  # files differing from a recorded run that `unseen` looks at; more: the normal run
MAX_KEPT_BYTES = 8 * 1024 * 1024  # the files read for a record kept with it, at most; more: no partial record
MAX_READ = 200  # files git cannot vouch for that the lane reads and hashes; more: the normal run
# Variables no part of fixer, rich or typer reads: the shell's own bookkeeping (set anew for each
# command), and the forge tokens (fixer.core.secrets takes them out before any work).
IRRELEVANT_ENV = frozenset({"_", "OLDPWD", "PWD", "SHLVL"})


def lane_stamp() -> bytes:
    """What identifies this fixer and everything it imports (cheap: no import of any of it)."""
    import fixer

    from fixer.core.stamp import module_lines

    parts = [fixer.__version__, sys.version, sys.executable, *module_lines()]
    for entry in sys.path:
        try:
            parts.append(f"{entry}:{os.stat(entry or os.curdir).st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}:-")
    return "\n".join(parts).encode("utf-8", "surrogateescape")


class Lane:
    """One invocation's key, computed before anything heavy is imported, and its recording."""

    def __init__(self, argv: list[str], values: dict[str, str]):
        self.argv = argv
        self.values = values
        self.cwd = os.getcwd()
        self.start = Path(os.path.realpath(os.path.join(self.cwd, values.get("directory", os.curdir))))
        self.root: Path | None = None
        self.folder: Path | None = None  # the cache's folder
        self.staged = b""  # `git ls-files --stage -v -z` as it is (the key holds it whole)
        self.hashed: dict[str, str] = {}  # path -> "blob-id mode" of each file git cannot vouch for ("-": gone)
        self.entries_of: dict[str, str] | None = None
        self.read: dict[str, bytes] = {}  # path -> the bytes of each file git cannot vouch for
        self.key: bytes | None = None
        self.partial: bytes | None = None

    # -- the key -------------------------------------------------------------------------
    def compute(self) -> bytes:
        """The key; `partial` is the digest of all of it but the listed files' contents."""
        self._terminals_checked()
        parts = [b"fastlane\0", lane_stamp(), repr(self.argv).encode("utf-8", "surrogateescape"),
                 self.cwd.encode("utf-8", "surrogateescape"), self._environment(), self._terminals()]
        parts.extend(self._repository())
        parts.append(self._configs())
        self.partial = store.digest(b"fastlane-partial\0", *parts)
        hashed = repr(sorted(self.hashed.items())).encode("utf-8", "surrogateescape")
        return store.digest(self.partial, self.staged, hashed)

    @staticmethod
    def _environment() -> bytes:
        from fixer.core.secrets import FORGE_TOKENS

        kept = sorted((name, value) for name, value in os.environ.items()
                      if name not in IRRELEVANT_ENV and not FORGE_TOKENS.match(name))
        return repr(kept).encode("utf-8", "surrogateescape")

    @staticmethod
    def _terminals_checked() -> None:
        if os.isatty(1) or os.isatty(2):
            raise StepAside("stdout or stderr is a terminal")
        out, err = os.fstat(1), os.fstat(2)
        if (out.st_dev, out.st_ino) == (err.st_dev, err.st_ino) and not stat.S_ISCHR(out.st_mode):
            raise StepAside("stdout and stderr are the same file")

    @staticmethod
    def _terminals() -> bytes:
        """Each standard stream's terminal and its size, and the processors the run may use (the
        default --jobs, and its note when the config asks for more)."""
        seen: list = [os.cpu_count(), sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None]
        for fd in (0, 1, 2):
            try:
                size = tuple(os.get_terminal_size(fd))
            except OSError:
                size = None
            seen.append((fd, os.isatty(fd), size))
        return repr(seen).encode()

    def _repository(self) -> list[bytes]:
        """Where the repository is and what it holds (see the module's docstring)."""
        base = list(command.BASE_SETTINGS)
        where, filters = run_at_once({
            "rev-parse": (["rev-parse", "--show-toplevel", "--git-common-dir"], 0),
            "config": (list(command.FILTER_QUERY[len(command.as_options(base)):]), 1),  # 1: no filter defined
        }, base, self.start)
        lines = where.decode("utf-8", "surrogateescape").split("\n")
        if len(lines) < 2 or not lines[0]:
            raise StepAside("not in a git working tree")
        self.root = Path(lines[0])
        self.folder = Path(os.path.realpath(self.start / lines[1])) / "fixer" / "cache"
        settings = [*base, *command.filter_overrides(filters)]
        commands = {
            "staged": ["ls-files", "--stage", "-v", "-z"],
            "changed": ["diff-files", "--name-only", "-z"],
            "others": ["ls-files", "--others", "--exclude-standard", "-z"],
        }
        staged, changed, others = run_at_once({name: (args, 0) for name, args in commands.items()}, settings, self.root)
        if not all_plain(staged):
            raise StepAside("an index entry that is not a plain file git vouches for")
        self.staged, self.entries_of = staged, None
        to_read = [p.decode("utf-8", "surrogateescape") for p in changed.split(b"\0") if p]
        others = [p.decode("utf-8", "surrogateescape") for p in others.split(b"\0") if p]
        if len(to_read) + len(others) > MAX_READ:
            raise StepAside("too many files git cannot vouch for")
        folders: dict[str, bool] = {}
        self.hashed = {path: self._hashed(path, folders) for path in [*to_read, *others]}
        return [where, repr(settings).encode()]

    @property
    def listing(self) -> dict[str, str]:
        """path -> "blob-id mode" of every listed file (made only when a run differs from its record)."""
        if self.entries_of is None:
            self.entries_of = {**entries_of(self.staged), **self.hashed}
        return self.entries_of

    def _hashed(self, path: str, folders: dict[str, bool]) -> str:
        """The content key of a file git cannot vouch for ("-" when it is gone)."""
        folder = path.rpartition("/")[0]
        plain = folders.get(folder)
        if plain is None:
            full = os.path.join(self.root, folder) if folder else str(self.root)
            plain = folders[folder] = os.path.realpath(full) == os.path.normpath(full)
        if not plain:
            raise StepAside(f"{path}: in a folder reached through a symlink")
        full = os.path.join(self.root, path)
        try:
            info = os.lstat(full)
        except FileNotFoundError:
            return "-"
        if not stat.S_ISREG(info.st_mode):
            raise StepAside(f"{path}: not a plain file")
        with open(full, "rb") as handle:
            data = handle.read()
        self.read[path] = data
        return f"{blob_id(data)} {'100755' if info.st_mode & 0o100 else '100644'}"

    def _configs(self) -> bytes:
        """The content of every config file the run could read (see fixer.core.config.load)."""
        seen = []
        named = self.values.get("config")
        if named is not None:
            seen.append((named, _content(self.start / named)))
        folder = self.start
        while True:
            for name in CONFIG_NAMES:
                seen.append((str(folder / name), _content(folder / name)))
            if folder == self.root or folder.parent == folder or not folder.is_relative_to(self.root):
                break
            folder = folder.parent
        return repr(seen).encode("utf-8", "surrogateescape")

    # -- the store -----------------------------------------------------------------------
    def replay(self) -> int | None:
        """Print what the recorded run printed and return its exit code; None when there is no record."""
        record = store.read_one(self.folder, self.key)
        if not isinstance(record, dict) or not isinstance(record.get("lane"), tuple):
            return None
        return self._write(record["lane"])

    @staticmethod
    def _write(printed: tuple) -> int:
        out, err, code = printed
        try:
            _write_all(1, out)
            _write_all(2, err)
        except BrokenPipeError:  # as the normal run: the reader left, say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            return 2
        return code

    def replay_nearly(self) -> int | None:
        """Replay the run recorded with the same key but for a few files' contents, when those
        files cannot change what the run prints (`unseen`); then keep the output under this key too."""
        record = store.read_one(self.folder, self.partial)
        if not isinstance(record, dict) or not all(isinstance(record.get(name), kind) for name, kind in (
                ("staged", bytes), ("hashed", dict), ("read", dict), ("lane", tuple))):
            return None
        old, new = self._compared(record["staged"], record["hashed"])
        differing = [path for path, key in new.items() if old[path] != key]
        if any("-" in (old[path], new[path]) for path in differing):
            raise StepAside("files were added or removed since the recorded run")
        if len(differing) > MAX_UNSEEN:
            raise StepAside(f"{len(differing)} files differ from the recorded run")
        from fixer.cli.fastlane.nearest import unseen  # the config and rules: only for this

        unseen(self, differing, old, new, record["read"])
        store.write_one(self.folder, self.key, {"lane": record["lane"]})
        return self._write(record["lane"])

    def _compared(self, staged: bytes, hashed: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """(path -> "blob-id mode" in the recorded run, the same now) for the paths that may differ:
        with the same index, only the files either run read (the others are the index's); else all."""
        if staged == self.staged:
            paths = set(hashed) | set(self.hashed)
            old = {path: hashed.get(path) or entry_of(staged, path) for path in paths}
            new = {path: self.hashed.get(path) or entry_of(self.staged, path) for path in paths}
            if None in old.values() or None in new.values():
                raise StepAside("files were added or removed since the recorded run")
            return old, new
        old = {**entries_of(staged), **hashed}
        if old.keys() != self.listing.keys():
            raise StepAside("files were added or removed since the recorded run")
        return old, self.listing

    def record(self, out: bytes, err: bytes, code: int) -> None:
        """Keep a normal run's output under the key, if the key still holds after it, and with the
        listing under the partial key (for `replay_nearly`)."""
        try:
            if self.compute() != self.key:
                return
        except (StepAside, OSError, UnicodeError, subprocess.SubprocessError):
            return
        from fixer.core.cache import build_id

        entries = {self.key: {"lane": (out, err, code)}}
        if sum(map(len, self.read.values())) <= MAX_KEPT_BYTES:
            # The files git cannot vouch for are kept as read: their blobs are not in the repository.
            entries[self.partial] = {"lane": (out, err, code), "staged": self.staged, "hashed": self.hashed,
                                     "read": self.read}
        kept = store.Store(self.folder, build_id())
        try:
            kept.put_many(entries)
        finally:
            kept.close()


def _content(path: Path) -> bytes | str:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return "absent"
    except NotADirectoryError:
        return "absent"
    except IsADirectoryError:
        return "a folder"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
