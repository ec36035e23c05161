"""The repository as git lists it, for the fast lane's key: git's commands run at once (hardened), and
the entries of `git ls-files --stage -v -z` read without a Python step per entry where possible."""
from __future__ import annotations

import re
from pathlib import Path

from fixer.cli.fastlane.aside import StepAside
from fixer.git import command

CONFIG_NAMES = ("fixer.toml", "pyproject.toml")  # the config files a run may read, in each folder

# An index entry git vouches for: no assume-unchanged/skip-worktree tag, a plain file or an executable
# (no symlink, no submodule), stage 0 (no conflict), a SHA-1 or SHA-256 id.
PLAIN_ENTRY = re.compile(rb"H (100644|100755) ([0-9a-f]{40}(?:[0-9a-f]{24})?) 0\t([^\0]*)\0")


def entries_of(staged: bytes) -> dict[str, str]:
    """path -> "blob-id mode" of each entry of `git ls-files --stage -v -z` (all PLAIN_ENTRY)."""
    return {entry[3].decode("utf-8", "surrogateescape"): f"{entry[2].decode()} {entry[1].decode()}"
            for entry in PLAIN_ENTRY.finditer(staged)}


def entry_of(staged: bytes, path: str) -> str | None:
    """The "blob-id mode" of one path's entry (None: not in the index)."""
    name = b"\t" + path.encode("utf-8", "surrogateescape") + b"\0"
    end = staged.find(name)
    if end < 0:
        return None
    start = staged.rfind(b"\0", 0, end) + 1
    found = PLAIN_ENTRY.fullmatch(staged, start, end + len(name))  # a tab in another path is no entry
    return f"{found[2].decode()} {found[1].decode()}" if found else None


def all_plain(staged: bytes) -> bool:
    """Every entry of `git ls-files --stage -v -z` is PLAIN_ENTRY (counted in C: a regex over 20,000
    entries costs more than the rest of the key). A path holding " 1<TAB>" makes a false alarm: the
    normal run, never a wrong answer."""
    entries = staged.count(b"\0")
    starts = b"\0" + staged
    return (starts.count(b"\0H 100644 ") + starts.count(b"\0H 100755 ") == entries
            and not any(f" {stage}\t".encode() in staged for stage in (1, 2, 3))
            and (not staged or staged.endswith(b"\0")))


def run_at_once(commands: dict[str, tuple[list[str], int]], settings: list[str], cwd: Path) -> list[bytes]:
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
