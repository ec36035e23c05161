"""The fast lane of `fixer check`: a re-run with nothing changed prints what the run it repeats printed,
before typer, rich, GitPython, the config or the rules are even imported.

Reached from the entry point (fixer.__main__) for a plain `check` it fully understands (see `parse`);
anything else, and any doubt, falls through to the normal command line. A run the lane could have
served, but did not, is recorded: its exact stdout and stderr bytes and its exit code, in the result
cache's SQLite store (fixer.core.store: the same bounds, atomic writes and damage checks), under the
lane's key.

Why a replay is sound: the key holds every input the run's output depends on, so two runs with the
same key print the same bytes and exit with the same code:

- fixer itself: its version, the size and time of each of its modules, the Python running it and the
  modification time of every folder on `sys.path` (installing or upgrading any package, a parser or
  rich or typer, changes its site-packages folder);
- the command line, the current directory, the whole environment but a few variables nothing reads
  (`IRRELEVANT_ENV`: the shell's bookkeeping, and the forge tokens every command removes at its
  start), for stdin, stdout and stderr whether each is a terminal and its size (rich reads the
  size from any of them), and the processors this process may run on. The lane serves only when stdout and stderr are not terminals (a progress
  bar and colours are for people; they take the normal run), and are not the same file (how the two
  streams interleave in it is not recorded);
- where the repository is, and what it holds: `git rev-parse` of the start folder, then one `git
  ls-files --stage -v` (git's blob id of every tracked file), `git diff-files` (the tracked files
  whose working copy differs from the index: compared by the index's stat data, and by content when
  that is racy) and `git ls-files --others --exclude-standard` (the untracked files). Each file git
  cannot vouch for (changed, untracked) is read and hashed. Anything the normal run treats specially
  makes the lane step aside: a symlink, a submodule, a conflict, an assume-unchanged or
  skip-worktree flag, a file reached through a symlinked folder, more than MAX_READ files to read;
- every config file the run could read: fixer.toml and pyproject.toml in each folder from the start
  folder up to the repository's root (present or not, whether git tracks or ignores them), and the
  `-c FILE` given.

git runs only through fixer.git.command, with its settings: no hook, fsmonitor, filter or textconv the
repository configures ever runs. A run is recorded only when it exits 0 or 1 (an error may be
passing: it is worth another try), and only when the key computed again after it is still the same
(a file edited while the run read it would otherwise be recorded under the key of its old content).
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from fixer.core import store
from fixer.git import command

OFF_ENV = "FIXER_NO_CACHE"
TRACE_ENV = "FIXER_FASTLANE_TRACE"  # set: the lane says on stderr why it stepped aside (for tests and benches)
MAX_UNSEEN = 50  # files differing from a recorded run that `unseen` looks at; more: the normal run
MAX_KEPT_BYTES = 8 * 1024 * 1024  # the files read for a record kept with it, at most; more: no partial record
MAX_READ = 200  # files git cannot vouch for that the lane reads and hashes; more: the normal run
# Variables no part of fixer, rich or typer reads: the shell's own bookkeeping (set anew for each
# command), and the forge tokens (fixer.core.secrets takes them out before any work).
IRRELEVANT_ENV = frozenset({"_", "OLDPWD", "PWD", "SHLVL"})
CONFIG_NAMES = ("fixer.toml", "pyproject.toml")
# An index entry git vouches for: no assume-unchanged/skip-worktree tag, a plain file or an executable
# (no symlink, no submodule), stage 0 (no conflict), a SHA-1 or SHA-256 id.
PLAIN_ENTRY = re.compile(rb"H (100644|100755) ([0-9a-f]{40}(?:[0-9a-f]{24})?) 0\t([^\0]*)\0")

# `check`'s options the lane understands: those taking a value, and flags. Any other argument (a path,
# --no-cache, --help, a short option with its value attached...) takes the normal run.
VALUE_OPTIONS = {"-C": "directory", "--directory": "directory", "-c": "config", "--config": "config",
                 "-r": "rule", "--rule": "rule", "-f": "format", "--format": "format", "-j": "jobs", "--jobs": "jobs"}
FLAGS = {"-q", "--quiet", "-v", "--verbose", "--allow-unchecked", "--show-unsure"}
GLOBAL_VALUE_OPTIONS = {"-C", "--directory", "-c", "--config"}
GLOBAL_FLAGS = {"-q", "--quiet", "-v", "--verbose"}


class StepAside(Exception):
    """The lane cannot vouch for this run: the normal command line runs it."""


def parse(argv: list[str]) -> dict | None:
    """The -C and -c values, the --rule ids, the --format and whether -q was given, of a plain `check`
    invocation (global options first, as `fixer -C dir check`), or None when the arguments are
    anything else."""
    values: dict = {"rule": [], "format": "text", "quiet": False}
    position, command_seen = 0, False
    while position < len(argv):
        arg = argv[position]
        name, has_value, attached = arg.partition("=") if arg.startswith("--") else (arg, False, "")
        value_options = VALUE_OPTIONS if command_seen else GLOBAL_VALUE_OPTIONS
        flags = FLAGS if command_seen else GLOBAL_FLAGS
        if name in value_options:
            if not has_value:
                position += 1
                if position >= len(argv):
                    return None
                attached = argv[position]
            kind = VALUE_OPTIONS[name]
            if kind in ("directory", "config"):
                if kind in values or not attached:
                    return None  # given twice: which one counts is the normal run's business
                values[kind] = attached
            elif kind == "rule":
                values["rule"].append(attached)
            elif kind == "format":
                values["format"] = attached
        elif arg in flags:
            values["quiet"] = values["quiet"] or arg in ("-q", "--quiet")
        elif arg == "check" and not command_seen:
            command_seen = True
        else:
            return None
        position += 1
    return values if command_seen else None


def lane_stamp() -> bytes:
    """What identifies this fixer and everything it imports (cheap: no import of any of it)."""
    import fixer

    parts = [fixer.__version__, sys.version, sys.executable]
    package = os.path.dirname(fixer.__file__)
    for folder, _, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                parts.append(f"{folder[len(package):]}/{name}:{info.st_size}:{info.st_mtime_ns}")
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
        self._listing: dict[str, str] | None = None
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
        where, filters = _all_of({
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
        staged, changed, others = _all_of({name: (args, 0) for name, args in commands.items()}, settings, self.root)
        if not _all_plain(staged):
            raise StepAside("an index entry that is not a plain file git vouches for")
        self.staged, self._listing = staged, None
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
        if self._listing is None:
            self._listing = {**_listing(self.staged), **self.hashed}
        return self._listing

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
        return f"{_blob_id(data)} {'100755' if info.st_mode & 0o100 else '100644'}"

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
        unseen(self, differing, old, new, record["read"])
        store.write_one(self.folder, self.key, {"lane": record["lane"]})
        return self._write(record["lane"])

    def _compared(self, staged: bytes, hashed: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """(path -> "blob-id mode" in the recorded run, the same now) for the paths that may differ:
        with the same index, only the files either run read (the others are the index's); else all."""
        if staged == self.staged:
            paths = set(hashed) | set(self.hashed)
            old = {path: hashed.get(path) or _entry(staged, path) for path in paths}
            new = {path: self.hashed.get(path) or _entry(self.staged, path) for path in paths}
            if None in old.values() or None in new.values():
                raise StepAside("files were added or removed since the recorded run")
            return old, new
        old = {**_listing(staged), **hashed}
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


def _listing(staged: bytes) -> dict[str, str]:
    """path -> "blob-id mode" of each entry of `git ls-files --stage -v -z` (all PLAIN_ENTRY)."""
    return {entry[3].decode("utf-8", "surrogateescape"): f"{entry[2].decode()} {entry[1].decode()}"
            for entry in PLAIN_ENTRY.finditer(staged)}


def _entry(staged: bytes, path: str) -> str | None:
    """The "blob-id mode" of one path's entry (None: not in the index)."""
    name = b"\t" + path.encode("utf-8", "surrogateescape") + b"\0"
    end = staged.find(name)
    if end < 0:
        return None
    start = staged.rfind(b"\0", 0, end) + 1
    found = PLAIN_ENTRY.fullmatch(staged, start, end + len(name))  # a tab in another path is no entry
    return f"{found[2].decode()} {found[1].decode()}" if found else None


def _all_plain(staged: bytes) -> bool:
    """Every entry of `git ls-files --stage -v -z` is PLAIN_ENTRY (counted in C: a regex over 20,000
    entries costs more than the rest of the key). A path holding " 1<TAB>" makes a false alarm: the
    normal run, never a wrong answer."""
    entries = staged.count(b"\0")
    starts = b"\0" + staged
    return (starts.count(b"\0H 100644 ") + starts.count(b"\0H 100755 ") == entries
            and not any(f" {stage}\t".encode() in staged for stage in (1, 2, 3))
            and (not staged or staged.endswith(b"\0")))


def unseen(lane: Lane, differing: list[str], old: dict[str, str], new: dict[str, str], kept: dict[str, bytes]) -> None:
    """Step aside unless the run's output cannot depend on how the `differing` files changed since the
    recorded run (`old` and `new`: path -> "blob-id mode" then and now; `kept`: the bytes of the
    recorded run's files that git could not vouch for).

    Why this is sound. Everything but the listed files' contents is the same as in the recorded run
    (the partial key). A file's content reaches the output only through what reading it gives
    (fixer.core.runner.Scan and fixer.core.gathering): whether it decodes (within the size limit), for
    each rule whether its anchor wants the file (then the engine fixes it and its findings are
    printed), and for each rule that gathers facts from other files, the facts it takes from this
    one (other files' verdicts read them; a lazily gathered rule keeps the text itself). The rules are
    pure functions of a file's path and text, and read no file themselves. So when, for each
    differing file, the old content (git's blob, as stored) and the new one both decode, no rule
    wants either, and every rule takes the same facts from both (its `gather` facts, and its
    `gather_later` ones, which a run reads only when its facts call for them; and no lazy rule takes
    any), then
    every file's verdict, the gathered facts and so every line printed are those of the recorded run.

    The rules looked at are those the run checks, and, when the run prints hints (text output, no
    -q, no --rule, no `select`), every other rule with its options from the config and in its wider
    mode (fixer.cli.hints runs them on the same files). A file's mode must not change either (the run
    does not print it, but nothing is assumed)."""
    from fixer.core.cache import stable
    from fixer.core.config import load
    from fixer.core.gathering import Gathering
    from fixer.core.rule import all_rules
    from fixer.core.textio import InputError, decode

    for path in differing:
        if old[path].split(" ")[1] != new[path].split(" ")[1] or path.rpartition("/")[2] in CONFIG_NAMES:
            raise StepAside(f"{path}: its mode changed, or it may be a config")
    named = lane.values.get("config")
    config = load(lane.root.resolve(), lane.start / named if named is not None else None, lane.start)
    rules = config.rules(lane.values["rule"] or None)
    if lane.values["format"] == "text" and not lane.values["quiet"] and not lane.values["rule"] \
            and config.select is None:
        for cls in all_rules().values():
            options = config.options_for(cls)
            rules.append(cls(**options))
            if cls.wider_options:
                rules.append(cls(**{**options, **cls.wider_options}))
    # Each side's bytes: read (or kept with the record) when git could not vouch for the file, else
    # git's blob; each is checked against its key.
    stored = iter(_blobs([key.split(" ")[0] for keys, have in ((old, kept), (new, lane.read))
                          for path, key in ((p, keys[p]) for p in differing) if path not in have], lane))
    sides = [[have[path] if path in have else next(stored) for path in differing] for have in (kept, lane.read)]
    for keys, side in zip((old, new), sides):
        if any(_blob_id(data) != keys[path].split(" ")[0] for path, data in zip(differing, side)):
            raise StepAside("a file is not what its key says")
    gatherings = [Gathering(config, [rule]) for rule in rules if rule.context_anchor]
    for path, before, after in zip(differing, *sides):
        try:
            texts = [decode(data, config.max_file_size).text for data in (before, after)]
        except InputError as why:
            raise StepAside(f"{path}: {why}") from None
        for rule in rules:
            if any(rule.wants(path, text) for text in texts):
                raise StepAside(f"{path}: {rule.id} wants it")
            if rule.later_context and stable(rule.gather_later(path, texts[0])) != \
                    stable(rule.gather_later(path, texts[1])):
                raise StepAside(f"{path}: its later facts for {rule.id} changed")
        for gathering in gatherings:
            facts = [gathering.facts_of(path, text) for text in texts]
            if any(rule.lazy_context and rule.id in found for rule in gathering.rules for found in facts):
                raise StepAside(f"{path}: a lazily gathered rule reads its text")
            if stable(facts[0]) != stable(facts[1]):
                raise StepAside(f"{path}: its facts for {gathering.rules[0].id} changed")


def _blobs(ids: list[str], lane: Lane) -> list[bytes]:
    """The blobs as git stores them (`git cat-file --batch`: no filter, no textconv)."""
    proc = command.start_plain(["cat-file", "--batch"], lane.root, command.BASE_SETTINGS, stdin=True)
    out = proc.communicate("".join(f"{oid}\n" for oid in ids).encode())[0]
    blobs, at = [], 0
    for oid in ids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3 or header[0].decode() != oid or header[1] != b"blob":
            raise StepAside(f"blob {oid} is not in the repository")
        size = int(header[2])
        blobs.append(out[end + 1:end + 1 + size])
        at = end + 2 + size
    return blobs


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _all_of(commands: dict[str, tuple[list[str], int]], settings: list[str], cwd: Path) -> list[bytes]:
    """The output of each git command (run at once, each with the hardened settings of
    fixer.git.command); a command that exits other than 0 (or the code it may also exit with) makes
    the lane step aside."""
    procs = [(command.start_plain(args, cwd, settings), args, also) for args, also in commands.values()]
    out = []
    for proc, args, also in procs:
        out.append(proc.communicate()[0])
        if proc.returncode not in (0, also):
            raise StepAside(f"git {args[0]} exited {proc.returncode}")
    return out


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


def trace(message: str) -> None:
    if os.environ.get(TRACE_ENV):
        os.write(2, f"fixer fastlane: {message}\n".encode("utf-8", "replace"))


def start(argv: list[str]) -> tuple[Lane | None, int | None]:
    """(the lane, when this run may be recorded; the exit code when the lane served the run)."""
    if os.environ.get(OFF_ENV, "").strip() not in ("", "0"):
        return None, None
    values = parse(argv)
    if values is None:
        trace("not a plain check")
        return None, None
    lane = Lane(argv, values)
    try:
        lane.key = lane.compute()
    except (StepAside, OSError, UnicodeError, subprocess.SubprocessError) as why:
        trace(f"stepped aside: {why}")
        return None, None
    code = lane.replay()
    if code is not None:
        trace("served")
        return None, code
    try:
        code = lane.replay_nearly()
    except (StepAside, OSError, UnicodeError, subprocess.SubprocessError) as why:
        trace(f"no record, and the nearest one does not do: {why}")
    except Exception as why:  # the config or a rule failed to load: the normal run says why
        trace(f"no record, and the nearest one cannot be checked: {type(why).__name__}: {why}")
    else:
        if code is not None:
            trace("served: the files that differ from the recorded run change nothing it printed")
            return None, code
    trace("no record: the normal run, recorded")
    return lane, None


class Tee:
    """A text stream that also keeps the bytes written to it, as its own encoding makes them."""

    def __init__(self, stream):
        self._stream = stream
        self.kept: list[bytes] = []
        self.spoiled = False  # something went around the text layer (its buffer, its file descriptor)

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        try:
            self.kept.append(text.encode(self._stream.encoding, self._stream.errors or "strict"))
        except (UnicodeError, LookupError):
            self.spoiled = True
        return written

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        if name == "buffer":
            self.spoiled = True
        return getattr(self._stream, name)

    def bytes(self) -> bytes:
        return b"".join(self.kept)
