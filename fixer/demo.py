"""`fixer demo`: the bundled sample service in a throwaway git repo, its diff, and its cleanup branch."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import git

import fixer
from fixer import report


def sample_dir() -> Path:
    """The sample service: inside the installed package, or fixtures/ in a source checkout."""
    package = Path(fixer.__file__).resolve().parent
    for candidate in (package / "sample", package.parent / "fixtures" / "sample-service"):
        if (candidate / "fixer.toml").is_file():
            return candidate
    raise FileNotFoundError("the bundled sample service is missing from this installation")


def make_repo(target: Path) -> git.Repo:
    shutil.copytree(sample_dir(), target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    repo = git.Repo.init(target, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Demo Maintainer")
        config.set_value("user", "email", "maintainer@example.com")
    repo.git.add("-A")
    repo.index.commit("Sample service before the release cleanup")
    return repo


def run_demo(keep: Path | None) -> int:
    from fixer.cli import main_entry

    console = report.stderr()
    target = keep or Path(tempfile.mkdtemp(prefix="fixer-demo-"))
    target.mkdir(parents=True, exist_ok=True)
    make_repo(target)
    console.print(f"[bold]Sample service copied to {target} (a git repo on branch main)[/]\n")
    console.print("[bold]$ fixer apply --dry-run[/]")
    dry = main_entry(["apply", "--dry-run", "-C", str(target)])
    console.print("\n[bold]$ fixer apply[/]")
    code = main_entry(["apply", "-C", str(target)])
    if code == 0:
        console.print(f"\nYour checkout is untouched: `git -C {target} status` is clean; the fixes wait on fixer/cleanup.")
        console.print(f"Next, try the release checklist: cd {target} && fixer checklist docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md")
    return code if code else (0 if dry in (0, 1) else dry)
