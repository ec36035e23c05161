"""`fixer demo`: the bundled sample service in a throwaway git repo, its diff, and its cleanup branch."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

import fixer
from fixer.core import interrupts
from fixer.ui import report
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
    from rich.markup import escape

    from fixer.core import interrupts

    console = report.stderr()
    make_repo(target)
    console.print(f"[bold]Sample service copied to {escape(str(target))} (a git repo on branch main)[/]\n")
    console.print("[bold]$ fixer apply --dry-run[/]")
    dry = main_entry(["apply", "--dry-run", "-C", str(target)])
    interrupts.check()
    console.print("\n[bold]$ fixer apply[/]")
    code = main_entry(["apply", "-C", str(target)])
    interrupts.check()
    if code == 0 and kept:
        console.print(f"\nYour checkout is untouched: `git -C {target} status` is clean; the fixes wait on fixer/cleanup.")
        console.print(f"Next, try the release checklist: cd {target} && fixer checklist docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md")
    elif code == 0:
        console.print("\nThe checkout stayed untouched; the fixes were committed on branch fixer/cleanup.")
        console.print("The demo repository is removed now: run `fixer demo --keep DIR` to keep it and explore.")
    return code if code else (0 if dry in (0, 1) else dry)
