"""`fixer demo`: the bundled sample service in a throwaway git repo, its diff, and its cleanup branch."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from rich.text import Text

import fixer
from fixer.core import interrupts
from fixer.ui import report
from fixer.ui.wording import plural
from fixer.cli.session import Failure


def sample_dir() -> Path:
    """The sample service: inside the installed package, or fixtures/ in a source checkout."""
    package = Path(fixer.__file__).resolve().parent
    for candidate in (package / "sample", package.parent / "fixtures" / "sample-service"):
        if (candidate / "fixer.toml").is_file():
            return candidate
    raise Failure("the bundled sample service is missing from this installation")


def make_repo(target: Path):
    import git

    from fixer.git.command import harden

    shutil.copytree(sample_dir(), target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    repo = harden(git.Repo.init(target, initial_branch="main"))
    with repo.config_writer() as config:
        config.set_value("user", "name", "Demo Maintainer")
        config.set_value("user", "email", "maintainer@example.com")
        config.set_value("commit", "gpgsign", "false")
    repo.git.add("-A")
    repo.index.commit("Sample service before the release cleanup")
    # An `origin` for `fixer pr --dry-run` to check the branch against: a bare repository inside .git,
    # so the working tree stays clean and removing the demo removes it too.
    origin = Path(repo.git_dir) / "demo-origin.git"
    harden(git.Repo.init(origin, bare=True))
    repo.create_remote("origin", str(origin))
    return repo


def keep_dir(keep: Path) -> Path:
    """--keep DIR: a new or empty folder only, so the demo never commits (or `git init`s) anyone's files."""
    if keep.exists() and not keep.is_dir():
        raise Failure(f"{keep}: not a directory")
    if keep.is_dir() and any(keep.iterdir()):
        raise Failure(f"{keep}: not empty; --keep needs a new or empty directory for the demo repository")
    keep.mkdir(parents=True, exist_ok=True)
    return keep


def run_demo(keep: Path | None, fixer_main: Callable[[list[str]], int]) -> int:
    """fixer_main runs one fixer command line (the CLI's own entry point, passed in: the CLI imports us)."""
    with interrupts.held():  # a Ctrl-C between creating the folder and naming it would leave it behind
        target = keep_dir(keep) if keep is not None else Path(tempfile.mkdtemp(prefix="fixer-demo-"))
    try:
        return _show(target, fixer_main, kept=keep is not None)
    finally:
        if keep is None:
            shutil.rmtree(target, ignore_errors=True)


def _show(target: Path, main_entry: Callable[[list[str]], int], kept: bool) -> int:
    """The tour, under 60 lines: what was found, a taste of the diff, the branch, the next commands."""
    from fixer.core import interrupts

    repo = make_repo(target)
    out = report.stdout()
    say = lambda text="": out.print(Text(text))  # noqa: E731 (plain text: paths are never markup)
    say("fixer demo: the bundled sample service (a Python gRPC worker and an Elixir")
    say("pool) is now a git repository, on branch main, in")
    say(f"   {target.resolve()}")
    say()
    say("1. What `fixer check` finds there:")
    code, checked, _ = _quietly(main_entry, ["check", "--format", "json", "-C", str(target)])
    interrupts.check()
    if code not in (0, 1):
        raise Failure(f"the demo's `fixer check` failed (exit {code})")
    for line in _found(json.loads(checked)):
        say(f"   {line}")
    code, _, errors = _quietly(main_entry, ["apply", "-q", "-C", str(target)])
    interrupts.check()
    if code != 0:
        raise Failure(f"the demo's `fixer apply` failed (exit {code}): {errors.strip()}")
    branch = repo.heads["fixer/cleanup"]
    say()
    say(f"2. The fixes ({_hunks(repo)}) as `fixer apply --dry-run` shows them;")
    say("   one hunk of them:")
    report.print_diff(_first_hunk(repo, "lib/snakepit/process_killer.ex"))
    say()
    commits = list(repo.iter_commits(f"main..{branch.name}"))
    say(f"3. `fixer apply` committed them on branch {branch.name}, one commit per rule;")
    say("   main, the index and the working tree are untouched:")
    for commit in reversed(commits):
        say(f"   {commit.hexsha[:8]} {commit.summary}")
    say()
    if kept:
        say("4. Try next, in that repository:")
        say(f"   cd {target.resolve()}")
    else:
        say("4. Try next (after `fixer demo --keep DIR` and `cd DIR`):")
    for command, why in NEXT:
        say(f"   {command}")
        say(f"       {why}")
    if not kept:
        say()
        say("The demo repository is removed now; `fixer demo --keep DIR` keeps it.")
    return 0


NEXT = [
    ("fixer check", "the CI gate: lists what is pending, exit 1 until the branch is merged"),
    ("fixer checklist docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md", "the team's release checklist as a plan of fixes"),
    ("fixer pr --dry-run --repo you/snakepit", "the pull request body fixer would open (nothing is pushed)"),
]


def _quietly(main_entry: Callable[[list[str]], int], argv: list[str]) -> tuple[int, str, str]:
    """Run one fixer command line with its output captured: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main_entry(argv)
    return code, out.getvalue(), err.getvalue()


def _found(data: dict) -> list[str]:
    """A few lines: the totals, then one line per rule with its count."""
    summary = data["summary"]
    per_rule: dict[str, list[int]] = {}
    for finding in data["findings"]:
        counts = per_rule.setdefault(finding["rule"], [0, 0])
        counts[0 if finding["fixable"] else 1] += 1
    lines = [f"{plural(summary['fixes'], 'fix')} in {plural(summary['files_changed'], 'file')}, "
             f"{summary['needs_review']} left for review by hand:"]
    width = max(len(rule) for rule in per_rule)
    for rule, (fixes, review) in sorted(per_rule.items(), key=lambda item: -sum(item[1])):
        left = f", {review} to review" if review else ""
        lines.append(f"  {rule:<{width}}  {plural(fixes, 'fix')}{left}")
    return lines


def _hunks(repo) -> str:
    """`6 files, +10 -59`, from git's own count."""
    from fixer.git.command import SAFE_DIFF, run_git

    stat = run_git(repo, ["diff", *SAFE_DIFF, "--numstat", "main", "fixer/cleanup"]).splitlines()
    added = sum(int(line.split()[0]) for line in stat)
    removed = sum(int(line.split()[1]) for line in stat)
    return f"{plural(len(stat), 'file')}, +{added} -{removed} lines"


def _first_hunk(repo, path: str) -> str:
    """The file's header and its first hunk, from the branch's diff."""
    from fixer.git.command import SAFE_DIFF, run_git

    lines = run_git(repo, ["diff", *SAFE_DIFF, "main", "fixer/cleanup", "--", path]).splitlines()
    hunks = [i for i, line in enumerate(lines) if line.startswith("@@")]
    end = hunks[1] if len(hunks) > 1 else len(lines)
    return "\n".join(line for line in lines[:end] if not line.startswith("index ")) + "\n"
