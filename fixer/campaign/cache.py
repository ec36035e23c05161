"""The clone cache: one bare partial clone per repository, made on the first run and fetched on the
next ones, so a campaign over a hundred repositories downloads each one once.

The clone is bare (fixer builds its branch from the object database, no checkout is needed), holds the
default branch only, no tags, and no blob over 1 MiB (git's partial clone, `--filter=blob:limit=1m`):
data, assets and binaries no rule reads are never downloaded; a large source file a rule does read is
fetched when it is read. A forge that does not support filters sends a full clone instead.
The history is complete, so fixer can tell its own commits from others' on an existing branch.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from git import Repo

from fixer.core.errors import GitError
from fixer.git.command import UPLOAD_PACK, clone, harden, push, run_git

BLOB_FILTER = "blob:limit=1m"


def cache_path(root: Path, name: str) -> Path:
    return root / (quote(name, safe="") + ".git")


def synced(url: str, path: Path) -> Repo:
    """The cached clone of `url`, with its default branch as the remote has it now (HEAD points at it)."""
    if not (path / "HEAD").is_file():
        _clone(url, path)
    repo = harden(Repo(path))
    if next(iter(repo.remote("origin").urls)) != url:
        run_git(repo, ["remote", "set-url", "origin", url])
    default = default_branch(repo, url)
    _git(repo, url, ["fetch", UPLOAD_PACK, "--no-tags", "origin",
                     f"+refs/heads/{default}:refs/heads/{default}"])
    run_git(repo, ["symbolic-ref", "HEAD", f"refs/heads/{default}"])
    return repo


def _clone(url: str, path: Path) -> None:
    """Clone beside the final place, then rename: a clone killed half-way never passes for a cache."""
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        clone(url, partial, ("--bare", "--single-branch", "--no-tags", f"--filter={BLOB_FILTER}"))
    except GitError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise GitError(f"cannot clone {url}: {str(exc).removeprefix('git clone failed: ')}") from None
    shutil.rmtree(path, ignore_errors=True)
    partial.rename(path)


def default_branch(repo: Repo, url: str) -> str:
    listing = _git(repo, url, ["ls-remote", UPLOAD_PACK, "--symref", "origin", "HEAD"])
    for line in listing.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line.removeprefix("ref: refs/heads/").removesuffix("\tHEAD")
    raise GitError(f"{url}: the remote has no default branch (an empty repository?)")


def remote_branch_sha(repo: Repo, url: str, branch: str) -> str | None:
    listing = _git(repo, url, ["ls-remote", UPLOAD_PACK, "origin", f"refs/heads/{branch}"])
    return listing.split()[0] if listing else None


def mirror_branch(repo: Repo, url: str, branch: str) -> str | None:
    """Make the local cleanup branch what the remote has (or no branch when the remote has none), so
    the branch is rebuilt against what reviewers see, and "unchanged" means unchanged on the forge."""
    remote_sha = remote_branch_sha(repo, url, branch)
    if remote_sha is None:
        if run_git(repo, ["for-each-ref", f"refs/heads/{branch}"]):
            run_git(repo, ["update-ref", "-d", f"refs/heads/{branch}"])
        return None
    _git(repo, url, ["fetch", UPLOAD_PACK, "--no-tags", "origin",
                     f"+refs/heads/{branch}:refs/heads/{branch}"])
    return remote_sha


def delete_remote_branch(repo: Repo, url: str, branch: str, expected: str) -> None:
    """Delete the branch on the remote only while it is still at `expected`: commits someone added
    since are never thrown away (git's --force-with-lease)."""
    try:
        push(repo, "origin", f":refs/heads/{branch}", flags=(f"--force-with-lease=refs/heads/{branch}:{expected}",))
    except GitError as exc:
        raise GitError(f"{url}: {exc}") from None


def bare_for(url: str, path: Path) -> Repo:
    """The cached clone, or an empty repository beside it with the remote set (enough to delete a
    branch; `close` on a fresh CI runner clones nothing)."""
    if (path / "HEAD").is_file():
        return harden(Repo(path))
    path = path.with_name(path.name + ".scratch")
    if (path / "HEAD").is_file():
        return harden(Repo(path))
    path.mkdir(parents=True, exist_ok=True)
    repo = harden(Repo.init(path, bare=True))
    repo.create_remote("origin", url)
    return repo


def _git(repo: Repo, url: str, args: list[str]) -> str:
    try:
        return run_git(repo, args, env={"GIT_TERMINAL_PROMPT": "0"})
    except GitError as exc:
        raise GitError(f"{url}: {exc}") from None
