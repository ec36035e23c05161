"""Git at the edge: open the repo, and build fixer's commits on a branch without a checkout.

Commits are built from the object database (gitobjects.py: a private index and an object quarantine),
so the user's current branch, index and working tree are never touched; the branch is then moved with
a compare-and-swap (refs.py), under the repository's fixer lock (locking.py).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import git
from git import Actor, Commit, Repo

from fixer import __version__
from fixer.git import refs
from fixer.git.command import harden, run_git
from fixer.core.errors import GitError
from fixer.git.objects import ObjectWriter, commit_is_sealed, remove_leftovers, without_seal
from fixer.git.lock import repo_lock

TRAILER = "Generated-by: fixer"
BOT = Actor("fixer-bot", "fixer-bot@users.noreply.github.com")


def open_repo(path) -> Repo:
    try:
        return harden(Repo(path, search_parent_directories=True))
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
        found = repo.commit(base)
        found.tree  # noqa: B018 - a tag of a tree or blob fails here, not later
    except (git.BadName, git.BadObject, ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise GitError(f"--base {base}: no such commit or branch") from None
    return found


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
    trailers: tuple[str, ...] = ()  # e.g. `Verified-by: …`, in the trailer block with fixer's own

    @property
    def message(self) -> str:
        trailers = "".join(f"{line}\n" for line in self.trailers)
        return f"{self.summary}\n\n{self.body.rstrip()}\n\n{trailers}{TRAILER} {__version__}\n"


@dataclass
class BranchResult:
    status: str  # "created", "updated", "unchanged", "nothing"
    branch: str
    commits: list[str]
    base: str


def is_fixer_commit(commit: Commit) -> bool:
    """Made by fixer and unchanged since: the trailer is there and the seal still matches."""
    return any(line.startswith(TRAILER) for line in commit.message.splitlines()) and commit_is_sealed(commit)


def foreign_commits(repo: Repo, tip: str, base: Commit) -> list[Commit]:
    """Commits on the branch at `tip` (not reachable from base) that fixer did not make."""
    return [c for c in repo.iter_commits(f"{base.hexsha}..{tip}") if not is_fixer_commit(c)]


def build_branch(
    repo: Repo,
    base: Commit,
    branch: str,
    planned: list[PlannedCommit],
    author: Actor | None = None,
    force: bool = False,
) -> BranchResult:
    refs.check_branch_name(repo, branch)
    try:
        return _build_locked(repo, base, branch, planned, author, force)
    except OSError as exc:  # .git unwritable or full: fixer's own files there could not be made
        raise GitError(f"cannot write under {repo.common_dir}: {exc.strerror or exc}") from None


def _build_locked(repo: Repo, base: Commit, branch: str, planned: list[PlannedCommit], author: Actor | None,
                  force: bool) -> BranchResult:
    with repo_lock(repo):
        remove_leftovers(repo)
        old = refs.branch_sha(repo, branch)
        refs.refuse_if_checked_out(repo, branch)
        if old is not None and not force:
            _refuse_foreign(repo, branch, old, base)
        if not planned:
            return BranchResult("nothing", branch, [], base.hexsha)
        with ObjectWriter(repo) as writer:
            if old is not None and _same_as_existing(repo, writer, old, base, planned):
                shas = [c.hexsha for c in repo.iter_commits(f"{base.hexsha}..{old}")]
                return BranchResult("unchanged", branch, list(reversed(shas)), base.hexsha)
            made = _write_commits(repo, writer, base, planned, author)
            writer.publish()
        _move_branch(repo, branch, made[-1], old)
    return BranchResult("updated" if old else "created", branch, made, base.hexsha)


def _refuse_foreign(repo: Repo, branch: str, tip: str, base: Commit) -> None:
    """Refuse to replace commits fixer did not make. When they are only the user's own history below
    fixer's commits (another run rebuilt the branch on a newer commit meanwhile), say that instead."""
    foreign = foreign_commits(repo, tip, base)
    if not foreign:
        return
    fork = fork_point(repo.commit(tip))
    if fork != base and repo.is_ancestor(base.hexsha, fork.hexsha) and _elsewhere(repo, fork, branch):
        raise GitError(f"branch {branch} moved while this run worked (it is now built on {fork.hexsha[:10]}, "
                       f"newer than {base.hexsha[:10]} where this run started); run again")
    listed = "\n".join(f"  {c.hexsha[:10]} {c.summary}" for c in foreign)
    raise GitError(f"branch {branch} has commits fixer did not make (use --force to replace them):\n{listed}")


def _elsewhere(repo: Repo, commit: Commit, branch: str) -> bool:
    """The commit is part of another branch's history too (the user's work, not an edit on this branch)."""
    holders = run_git(repo, ["for-each-ref", "--contains", commit.hexsha, "--format=%(refname)", "refs/heads/"])
    return any(ref != f"refs/heads/{branch}" for ref in holders.splitlines())


def fork_point(tip: Commit) -> Commit:
    """The first commit below the branch's fixer commits (what the branch was built on)."""
    commit = tip
    while is_fixer_commit(commit) and commit.parents:
        commit = commit.parents[0]
    return commit


def _move_branch(repo: Repo, branch: str, new: str, old: str | None) -> None:
    """The compare-and-swap, with the checked-out test right before and right after it: a worktree
    that checked the branch out meanwhile gets its branch back where it was, and the run refuses."""
    refs.refuse_if_checked_out(repo, branch)
    refs.update_branch(repo, branch, new, old, f"fixer: {'rebuild' if old else 'create'} {branch}")
    try:
        refs.refuse_if_checked_out(repo, branch)
    except GitError:
        refs.put_back(repo, branch, old, new)
        raise


def _write_commits(repo: Repo, writer: ObjectWriter, base: Commit, planned: list[PlannedCommit], author: Actor | None) -> list[str]:
    author_actor = identity(repo, author, "AUTHOR")
    committer = author if author is not None else identity(repo, None, "COMMITTER")
    parent, parent_tree = base.hexsha, base.tree.hexsha
    made = []
    for plan in planned:
        parent_tree = writer.tree(parent_tree, plan.files)
        parent = writer.commit(parent_tree, parent, plan.message, author_actor, committer)
        made.append(parent)
    return made


def _same_as_existing(repo: Repo, writer: ObjectWriter, tip: str, base: Commit, planned: list[PlannedCommit]) -> bool:
    """True when the branch already holds exactly these changes on this base (a no-op re-run)."""
    commits = list(reversed(list(repo.iter_commits(f"{base.hexsha}..{tip}"))))
    if len(commits) != len(planned) or not commits or commits[0].parents[0] != base:
        return False
    parent_tree = base.tree.hexsha
    for commit, plan in zip(commits, planned):
        parent_tree = writer.tree(parent_tree, plan.files)
        if without_seal(commit.message) != plan.message or commit.tree.hexsha != parent_tree:
            return False
        if not is_fixer_commit(commit):
            return False
    return True


def dirty_paths(repo: Repo, paths: list[str]) -> list[str]:
    """Which of these paths have uncommitted work (staged, unstaged, or never committed).

    `git status` with optional locks off compares contents without writing .git/index (GitPython's
    `index.diff(None)` runs `git diff`, which does rewrite it)."""
    if not repo.head.is_valid():
        return list(paths)
    listing = run_git(repo, ["status", "--porcelain", "-z", "--untracked-files=all", "--no-renames"], strip=False)
    changed = {entry[3:] for entry in listing.split("\0") if len(entry) > 3}
    return [p for p in paths if p in changed]
