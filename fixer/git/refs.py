"""The branch fixer writes: is its name one git takes without ambiguity, is it free to move, and the
update itself (compare-and-swap with `git update-ref`, so a branch moved meanwhile is never lost)."""
from __future__ import annotations

import re
from pathlib import Path

from git import Repo

from fixer.core.errors import GitError
from fixer.git.command import run_git

ZERO = "0" * 40
PSEUDO_REF = re.compile(r"^[A-Z][A-Z_]*$")  # HEAD, ORIG_HEAD, FETCH_HEAD, AUTO_MERGE, ...
OBJECT_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
# git's rules for resolving a short name (refs.c: ref_rev_parse_rules) other than refs/heads/;
# the bare-name rule only matters for the upper-case pseudo refs, refused above.
DWIM = (("refs/{}", "a ref"), ("refs/tags/{}", "a tag"), ("refs/remotes/{}", "a remote-tracking ref"),
        ("refs/remotes/{}/HEAD", "a remote"))


def check_branch_name(repo: Repo, name: str) -> None:
    """Refuse a branch name git rejects, or one that would be ambiguous or collide with a ref."""
    problem = _shape_problem(name)
    if problem is None:
        try:
            run_git(repo, ["check-ref-format", "--branch", name])
        except GitError:
            problem = "git does not accept it as a branch name (see git check-ref-format)"
    if problem is None:
        problem = _collision(repo, name)
    if problem:
        raise GitError(f"--branch {name!r}: {problem}")


def _shape_problem(name: str) -> str | None:
    if not name or name.startswith("-"):
        return "a branch name cannot be empty or start with '-'"
    if "@{" in name:
        return "git would read @{...} as a reflog or previous-branch reference, not as this name"
    if name == "@" or PSEUDO_REF.match(name):
        return "it names one of git's special refs (HEAD, ORIG_HEAD, @, ...)"
    if name.startswith("refs/"):
        return "give the short branch name, without refs/"
    if OBJECT_ID.match(name):
        return "it looks like a commit id"
    return None


def _collision(repo: Repo, name: str) -> str | None:
    refs = set(run_git(repo, ["for-each-ref", "--format=%(refname)"]).splitlines())
    parts = name.split("/")
    for depth in range(1, len(parts)):
        prefix = "/".join(parts[:depth])
        if f"refs/heads/{prefix}" in refs:
            return f"branch {prefix} exists, so git cannot also have {name}"
    if any(ref.startswith(f"refs/heads/{name}/") for ref in refs):
        return f"branches under {name}/ exist, so git cannot also have a branch {name}"
    for pattern, what in DWIM:
        candidate = pattern.format(name)
        if candidate in refs:
            return f"{what} named {candidate} exists; the branch name would be ambiguous"
    return None


def branch_sha(repo: Repo, branch: str) -> str | None:
    found = run_git(repo, ["for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}"])
    return found or None


def refuse_if_checked_out(repo: Repo, branch: str) -> None:
    """git refuses to move a branch that a worktree has checked out (or is rebasing or bisecting)."""
    ref = f"refs/heads/{branch}"
    listing = run_git(repo, ["worktree", "list", "--porcelain", *(["-z"] if repo.git.version_info >= (2, 36) else [])])
    worktree = None
    for line in re.split(r"[\0\n]", listing):
        if line.startswith("worktree "):
            worktree = line.removeprefix("worktree ")
        elif line == f"branch {ref}":
            raise GitError(f"branch {branch} is checked out in {worktree}; switch that worktree to another branch "
                           "so fixer can rebuild it, or pick another --branch")
    for gitdir in _git_dirs(repo):
        for marker in ("rebase-merge/head-name", "rebase-apply/head-name", "BISECT_START"):
            path = gitdir / marker
            if path.is_file() and path.read_text(errors="replace").strip() in (ref, branch):
                raise GitError(f"branch {branch} is being rebased or bisected in a worktree ({gitdir}); "
                               "finish that first, or pick another --branch")


def _git_dirs(repo: Repo) -> list[Path]:
    common = Path(repo.common_dir)
    linked = common / "worktrees"
    return [common, *(sorted(p for p in linked.iterdir() if p.is_dir()) if linked.is_dir() else [])]


def update_branch(repo: Repo, branch: str, new: str, old: str | None, reason: str) -> None:
    """Point the branch at `new` only if it still is at `old` (None: only if it does not exist)."""
    run_git(repo, ["update-ref", "-m", reason, f"refs/heads/{branch}", new, old or ZERO])


def put_back(repo: Repo, branch: str, old: str | None, new: str) -> None:
    """Undo `update_branch` (only if the branch is still at `new`): back to `old`, or gone."""
    ref = f"refs/heads/{branch}"
    if old is None:
        run_git(repo, ["update-ref", "-m", "fixer: undo", "-d", ref, new])
    else:
        run_git(repo, ["update-ref", "-m", "fixer: undo", ref, old, new])
