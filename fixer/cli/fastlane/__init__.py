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
  `-c FILE` given. (A run given paths finds its repository and config from the paths' folders
  instead: `parse` never lets one through.)

git runs only through fixer.git.command, with its settings: no hook, fsmonitor, filter or textconv the
repository configures ever runs. A run is recorded only when it exits 0 or 1 (an error may be
passing: it is worth another try), and only when the key computed again after it is still the same
(a file edited while the run read it would otherwise be recorded under the key of its old content).
"""
from __future__ import annotations

import os
import subprocess

from fixer.cli.fastlane.argv import parse
from fixer.cli.fastlane.aside import StepAside
from fixer.cli.fastlane.lane import IRRELEVANT_ENV, Lane
from fixer.cli.fastlane.tee import Tee

__all__ = ["IRRELEVANT_ENV", "Lane", "StepAside", "Tee", "parse", "start", "trace"]

OFF_ENV = "FIXER_NO_CACHE"
TRACE_ENV = "FIXER_FASTLANE_TRACE"  # set: the lane says on stderr why it stepped aside (for tests and benches)


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
