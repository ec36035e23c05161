"""Git at the edge: open the repo, and build fixer's commits on a branch without a checkout.

Commits are built from the object database with an in-memory index (IndexFile.from_tree), so the
user's current branch, index and working tree are never touched.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from io import BytesIO

import git
from git import Actor, Commit, IndexFile, Repo
from git.index.typ import BaseIndexEntry
from gitdb import IStream

from fixer import __version__

TRAILER = "Generated-by: fixer"
BOT = Actor("fixer-bot", "fixer-bot@users.noreply.github.com")


class GitError(Exception):
    """A git state fixer refuses to work in (message says what and why)."""


def open_repo(path) -> Repo:
    try:
        return Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"{path}: not a git repository (use --in-place to fix files without git)") from None


def maybe_repo(path) -> Repo | None:
    try:
        return open_repo(path)
    except GitError:
        return None


def resolve_base(repo: Repo, base: str | None) -> Commit:
    if not repo.head.is_valid():
        raise GitError(f"{repo.working_tree_dir}: the repository has no commits yet; commit something first")
    if base is None:
        if repo.head.is_detached:
            raise GitError("HEAD is detached; pass --base REF to say which commit the branch starts from")
        return repo.head.commit
    try:
        return repo.commit(base)
    except (git.BadName, ValueError):
        raise GitError(f"--base {base}: no such commit or branch") from None


def parse_actor(text: str) -> Actor:
    match = re.fullmatch(r"\s*(.+?)\s*<([^<>\s]+)>\s*", text)
    if not match:
        raise GitError(f"--author {text!r}: expected 'Name <email>'")
    return Actor(match.group(1), match.group(2))


def identity(repo: Repo, override: Actor | None = None, kind: str = "AUTHOR") -> Actor:
    """--author, else GIT_*_NAME/EMAIL, else git config user.*, else the documented bot identity."""
    if override is not None:
        return override
    name = os.environ.get(f"GIT_{kind}_NAME")
    email = os.environ.get(f"GIT_{kind}_EMAIL")
    reader = repo.config_reader()
    name = name or reader.get_value("user", "name", default="") or None
    email = email or reader.get_value("user", "email", default="") or None
    if not name or not email:
        return BOT
    return Actor(str(name), str(email))


@dataclass
class PlannedCommit:
    summary: str
    body: str
    files: dict[str, tuple[bytes, int]]  # path -> (content, mode)

    @property
    def message(self) -> str:
        return f"{self.summary}\n\n{self.body.rstrip()}\n\n{TRAILER} {__version__}\n"


@dataclass
class BranchResult:
    status: str  # "created", "updated", "unchanged", "nothing"
    branch: str
    commits: list[str]
    base: str


def is_fixer_commit(commit: Commit) -> bool:
    return any(line.startswith(TRAILER) for line in commit.message.splitlines())


def foreign_commits(repo: Repo, branch: str, base: Commit) -> list[Commit]:
    """Commits on `branch` (not reachable from base) that fixer did not make."""
    return [c for c in repo.iter_commits(f"{base.hexsha}..{branch}") if not is_fixer_commit(c)]


def build_branch(
    repo: Repo,
    base: Commit,
    branch: str,
    planned: list[PlannedCommit],
    author: Actor | None = None,
    force: bool = False,
) -> BranchResult:
    existing = branch in repo.heads
    if existing and not repo.head.is_detached and repo.active_branch.name == branch:
        raise GitError(f"branch {branch} is checked out; switch to another branch so fixer can rebuild it")
    if existing and not force:
        foreign = foreign_commits(repo, branch, base)
        if foreign:
            listed = "\n".join(f"  {c.hexsha[:10]} {c.summary}" for c in foreign)
            raise GitError(f"branch {branch} has commits fixer did not make (use --force to replace them):\n{listed}")
    if not planned:
        return BranchResult("nothing", branch, [], base.hexsha)
    if existing and _same_as_existing(repo, branch, base, planned):
        shas = [c.hexsha for c in repo.iter_commits(f"{base.hexsha}..{branch}")]
        return BranchResult("unchanged", branch, list(reversed(shas)), base.hexsha)
    author_actor = identity(repo, author, "AUTHOR")
    committer = author if author is not None else identity(repo, None, "COMMITTER")
    parent = base
    made = []
    for plan in planned:
        tree = _tree_with(repo, parent, plan.files)
        parent = Commit.create_from_tree(
            repo, tree, plan.message, parent_commits=[parent], head=False, author=author_actor, committer=committer
        )
        made.append(parent.hexsha)
    repo.create_head(branch, parent, force=True)
    return BranchResult("updated" if existing else "created", branch, made, base.hexsha)


def _tree_with(repo: Repo, parent: Commit, files: dict[str, tuple[bytes, int]]):
    index = IndexFile.from_tree(repo, parent.tree)
    entries = []
    for path, (content, mode) in files.items():
        stream = repo.odb.store(IStream("blob", len(content), BytesIO(content)))
        entries.append(BaseIndexEntry((mode, stream.binsha, 0, path)))
    index.add(entries, write=False)
    return index.write_tree()


def _same_as_existing(repo: Repo, branch: str, base: Commit, planned: list[PlannedCommit]) -> bool:
    """True when the branch already holds exactly these changes on this base (a no-op re-run)."""
    commits = list(reversed(list(repo.iter_commits(f"{base.hexsha}..{branch}"))))
    if len(commits) != len(planned) or not commits or commits[0].parents[0] != base:
        return False
    parent = base
    for commit, plan in zip(commits, planned):
        if commit.message != plan.message or commit.tree != _tree_with(repo, parent, plan.files):
            return False
        parent = commit
    return True


def dirty_paths(repo: Repo, paths: list[str]) -> list[str]:
    """Which of these paths have uncommitted work (staged, unstaged, or never committed)."""
    if not repo.head.is_valid():
        return list(paths)
    changed = {d.a_path for d in repo.index.diff(None)} | {d.a_path for d in repo.index.diff("HEAD")}
    changed |= set(repo.untracked_files)
    return [p for p in paths if p in changed]
