"""What every command shares: the workspace (repo root, git repo, config), running the rules over a
source with a progress bar, and reporting a run (diff, findings, summary, exit code)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from fixer.core import exitcodes
from fixer.ui import report
from fixer.core.config import Config, load


class Failure(Exception):
    """An expected failure with a message for the user (exit 2)."""


@dataclass
class Workspace:
    root: Path
    repo: object
    config: Config
    start: Path  # where fixer runs (-C DIR or the current directory): relative paths start here
    only: list[str] | None = None  # --rule
    checked: list[str] | None = None  # the files the last run_rules looked at
    allow_unchecked: bool = False  # --allow-unchecked: given paths that nothing checks are not an error
    use_cache: bool = True  # --no-cache: neither read nor write the result cache

    def rules(self, only):
        self.only = list(only or []) or None
        return self.config.rules(self.only)


def workspace(directory: Optional[Path], config_path: Optional[Path], with_config: bool = True,
              paths: Optional[List[Path]] = None) -> Workspace:
    """Where fixer runs: the start folder, its repository (if any) and root, and the config (with
    `with_config` False, the defaults: `fixer clean` works even when the config is broken).

    With `paths` (`fixer check PATH...`), the repository and the config are those of where the paths
    are, as `fixer -C <the path's folder>` would find them, wherever fixer is started: all the paths
    must lie in one repository (else one line, exit 2: run fixer once for each); the config is the
    nearest one above the folder they all lie in."""
    start = (directory or Path.cwd()).resolve()
    if not start.is_dir():
        raise Failure(f"{directory or start}: not a directory")
    folders = _folders_of(start, paths) if paths else {}
    repo = _repository_of(start, folders)
    root = Path(repo.working_tree_dir).resolve() if repo is not None and repo.working_tree_dir else start
    if config_path is not None and not config_path.is_absolute():
        config_path = start / config_path
    report.set_paths_from(root, start)
    if not with_config:
        return Workspace(root, repo, Config(), start)
    near = start
    if folders and config_path is None:
        near = _config_folder(root, folders) or start
    return Workspace(root, repo, load(root, config_path, near), start)


def _folders_of(start: Path, paths: List[Path]) -> dict[Path, str]:
    """The folder each given path's config and repository are looked for from (a file's folder; the
    nearest existing one for a path that does not exist), and the path as given, for messages."""
    folders: dict[Path, str] = {}
    for path in paths:
        full = Path(os.path.abspath(start / path))
        try:  # as rel_paths: symlinked folders resolve, the named file or folder itself does not
            folder = full.parent.resolve() / full.name
        except (OSError, RuntimeError):  # a symlink loop: rel_paths says so
            continue
        if folder.is_symlink() or not folder.is_dir():
            folder = folder.parent
        while not folder.is_dir() and folder.parent != folder:
            folder = folder.parent
        folders.setdefault(folder, str(path))
    return folders


def _repository_of(start: Path, folders: dict[Path, str]):
    """The repository of the given paths' folders (all the same one), else of the start folder."""
    if not folders:
        tops = {start if _may_be_in_repo(start) else None: str(start)}
    else:
        tops = {}
        for folder, shown in folders.items():
            tops.setdefault(_git_top(folder), shown)  # GitPython is asked once a repository, not once a path
    found: dict[str, tuple[object, str]] = {}
    for top, shown in tops.items():
        repo = None
        if top is not None:  # else GitPython (~0.1 s to import) would find no repository either
            from fixer.git.branches import maybe_repo

            repo = maybe_repo(top)
        where = str(Path(repo.working_tree_dir).resolve()) if repo is not None and repo.working_tree_dir else ""
        found.setdefault(where, (repo, shown))
    if len(found) > 1:
        named = [f"{shown} ({where or 'in no repository'})" for where, (_, shown) in found.items()]
        raise Failure(f"{', '.join(named)}: the paths are in different repositories; run fixer once for each")
    return next(iter(found.values()))[0]


def _config_folder(root: Path, folders: dict[Path, str]) -> Path | None:
    """Where the config of the given paths is looked for: the folder they all lie in (as black finds
    its project from the common base of the files given), so a pre-commit hook passing files from
    several folders keeps one config, the one above them all. Folders outside the root are left to
    rel_paths."""
    inside = [folder for folder in folders if folder.is_relative_to(root)]
    return Path(os.path.commonpath(inside)) if inside else None


def _git_top(folder: Path) -> Path | None:
    """The nearest folder from `folder` up holding a `.git` entry (a git directory itself: `folder`),
    where GitPython's search would start finding; None when it would find no repository."""
    chain = (folder, *folder.parents)
    for candidate in chain:
        if os.path.lexists(candidate / ".git"):
            return candidate
    if any((candidate / "refs").is_dir() and (candidate / "HEAD").exists() for candidate in chain):
        return folder
    return None


def _may_be_in_repo(start: Path) -> bool:
    """False only when GitPython's search would find no repository: no folder from `start` up holds
    a `.git` entry or is itself a git directory."""
    return _git_top(start) is not None


def source_for(ws: Workspace, working_tree: bool, base: str | None = None):
    """The working tree, or (the branch modes) the commit `base`/HEAD of the repository."""
    from fixer.core.sources import CommitTree, WorkTree

    if working_tree:
        return WorkTree(ws.root, ws.repo)
    from fixer.git.branches import open_repo, resolve_base

    repo = ws.repo if ws.repo is not None else open_repo(ws.root)
    return CommitTree(repo, resolve_base(repo, base))


def run_rules(source, ws: Workspace, rules, paths: list[str] | None = None):
    from fixer.core.runner import candidates, run

    files = candidates(source, ws.config, rules)
    if paths:
        files = _select(source, ws, files, paths)
    report.note(ws.config.describe(rules, ws.only))
    ws.checked = files
    cache = open_cache(ws)
    try:
        with report.progress(len(files)) as tick:
            return run(source, ws.config, rules, progress=tick, only=files, cache=cache)
    finally:
        if cache is not None:
            cache.close()


def cache_folder(ws: Workspace) -> Path:
    """Where this repository's (or folder's) result cache lives (see fixer.core.cache)."""
    from fixer.core.cache import location

    return location(ws.root, Path(ws.repo.common_dir) if ws.repo is not None else None)


NO_CACHE_ENV = "FIXER_NO_CACHE"


def open_cache(ws: Workspace):
    """The result cache, or None with --no-cache or $FIXER_NO_CACHE set (not empty, not 0)."""
    if not ws.use_cache or os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    from fixer.core.cache import open_store

    return open_store(cache_folder(ws))


def off_rule_hints(source, ws: Workspace, rules, result) -> list[str]:
    """Hint lines for rules that are off but would act here (none with -q)."""
    if report.is_quiet():
        return []
    from fixer.cli.hints import hints

    cache = open_cache(ws)
    try:
        return hints(source, ws, rules, ws.checked or [], result, cache)
    finally:
        if cache is not None:
            cache.close()


def _select(source, ws: Workspace, files: list[str], paths: list[str]) -> list[str]:
    """The candidate files under the given paths. A path that does not exist is an error; one that
    exists but that no rule looks at is said so (one line), and an error when no path is left."""
    listed = source.files()
    chosen: set[str] = set()
    missing, skipped = [], []
    for wanted in paths:
        here = [f for f in files if _under(f, wanted)]
        chosen.update(here)
        if here:
            continue
        present = [f for f in listed if _under(f, wanted)]
        if not present and not os.path.lexists(ws.root / wanted):
            missing.append(f"{report.shown(wanted)}: no such file or directory")
        else:
            skipped.append(f"{report.shown(wanted)}: not checked: {_why_skipped(source, ws, present, wanted)}")
    if missing:
        raise Failure("\n".join(missing))
    if not chosen and not ws.allow_unchecked:  # nothing at all was looked at: a CI gate must not pass on that
        raise Failure("\n".join(skipped))
    for line in skipped:
        report.warn(f"fixer: {line}")
    return [f for f in files if f in chosen]


def _under(path: str, wanted: str) -> bool:
    return wanted in ("", ".") or path == wanted or path.startswith(wanted.rstrip("/") + "/")


def _why_skipped(source, ws: Workspace, present: list[str], wanted: str) -> str:
    from fixer.core.globs import matches_any

    if not present:
        if getattr(source, "commit", None) is not None:
            return f"not in commit {source.commit.hexsha[:10]} (the branch is built from committed files; commit it, or use --in-place)"
        if (ws.root / wanted).is_dir():
            return "no file in it that fixer reads (empty, or all ignored)"
        if ws.repo is not None:
            return "ignored by git (.gitignore)"
        return "in a folder fixer skips (virtualenvs, _build, deps, node_modules, .git)"
    config = ws.config
    if all((config.include and not matches_any(f, config.include)) or (config.exclude and matches_any(f, config.exclude))
           for f in present):
        return f"excluded by {config.source}"
    return "no enabled rule applies to it (see `fixer rules`)"


def rel_paths(ws: Workspace, paths: Optional[List[Path]]) -> list[str] | None:
    """Repo-relative POSIX paths; relative arguments start at the workspace's directory (-C)."""
    if not paths:
        return None
    rel = []
    for path in paths:
        try:
            full = Path(os.path.abspath(ws.start / path))
            full = full.parent.resolve() / full.name  # symlinked folders resolve; the named file itself does not
        except (OSError, RuntimeError):  # Python reports a symlink loop as RuntimeError
            raise Failure(f"{path}: symlink loop (a link that points back to itself)") from None
        if not full.is_relative_to(ws.root):
            raise Failure(f"{path}: outside the repository {ws.root}")
        rel.append(full.relative_to(ws.root).as_posix())
    return rel


def diff_text(result) -> str:
    from fixer.core.diffs import patch

    return patch(
        [
            (o.result.path, o.decoded.encode(o.result.old).decode("utf-8"), o.new_bytes().decode("utf-8"),
             o.result.changed_lines())
            for o in result.changed
        ]
    )


def finish_report(result, show_diff: bool, hints: list[str] = ()) -> int:
    out, err = report.stdout(), report.stderr()
    if show_diff:
        report.print_diff(diff_text(result))
    report.print_findings(result, err if show_diff else out)
    report.print_errors(result, err)
    report.print_summary(result, diff_shown=show_diff, hints=hints)
    return exitcodes.for_report(bool(result.errors), result.pending)
