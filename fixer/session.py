"""What every command shares: the workspace (repo root, git repo, config), running the rules over a
source with a progress bar, and reporting a run (diff, findings, summary, exit code)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from fixer import exitcodes, report
from fixer.config import Config, load
from fixer.diffs import patch
from fixer.gitops import maybe_repo, open_repo, resolve_base
from fixer.runner import Run, candidates, run
from fixer.sources import CommitTree, WorkTree


class Failure(Exception):
    """An expected failure with a message for the user (exit 2)."""


@dataclass
class Workspace:
    root: Path
    repo: object
    config: Config

    def rules(self, only):
        return self.config.rules(only or None)


def workspace(directory: Optional[Path], config_path: Optional[Path]) -> Workspace:
    start = (directory or Path.cwd()).resolve()
    if not start.is_dir():
        raise Failure(f"{start}: not a directory")
    repo = maybe_repo(start)
    root = Path(repo.working_tree_dir).resolve() if repo is not None and repo.working_tree_dir else start
    return Workspace(root, repo, load(root, config_path))


def source_for(ws: Workspace, working_tree: bool, base: str | None = None):
    """The working tree, or (the branch modes) the commit `base`/HEAD of the repository."""
    if working_tree:
        return WorkTree(ws.root, ws.repo)
    repo = ws.repo if ws.repo is not None else open_repo(ws.root)
    return CommitTree(repo, resolve_base(repo, base))


def run_rules(source, ws: Workspace, rules, paths: list[str] | None = None) -> Run:
    files = candidates(source, ws.config, rules)
    if paths:
        wanted = [p.rstrip("/") for p in paths]
        files = [f for f in files if any(f == w or f.startswith(w + "/") for w in wanted)]
    with report.progress(len(files)) as tick:
        return run(source, ws.config, rules, progress=tick, only=files)


def rel_paths(ws: Workspace, paths: Optional[List[Path]]) -> list[str] | None:
    if not paths:
        return None
    rel = []
    for path in paths:
        try:
            full = path.resolve()
        except (OSError, RuntimeError):  # Python reports a symlink loop as RuntimeError
            raise Failure(f"{path}: symlink loop (a link that points back to itself)") from None
        if not full.is_relative_to(ws.root):
            raise Failure(f"{path}: outside the repository {ws.root}")
        rel.append(full.relative_to(ws.root).as_posix())
    return rel


def diff_text(result: Run) -> str:
    return patch(
        [
            (o.result.path, o.decoded.encode(o.result.old).decode("utf-8"), o.new_bytes().decode("utf-8"))
            for o in result.changed
        ]
    )


def finish_report(result: Run, show_diff: bool) -> int:
    out, err = report.stdout(), report.stderr()
    if show_diff:
        report.print_diff(diff_text(result))
    report.print_findings(result, err if show_diff else out)
    report.print_errors(result, err)
    err.print(report.summary_table(result))
    return exitcodes.for_report(bool(result.errors), result.pending)
