"""`fixer campaign close`: withdraw a campaign. Every open PR from the campaign's branch is closed and
the branch deleted, but only while it still holds what fixer pushed (git's --force-with-lease)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fixer.campaign import cache, forge_ops
from fixer.campaign.spec import Campaign, RepoSpec
from fixer.core.errors import GitError


@dataclass
class Closed:
    name: str
    message: str
    failed: bool = False


def close_repo(campaign: Campaign, token: str, repo: RepoSpec, cache_root: Path, recorded_head: str | None) -> Closed:
    try:
        forge = forge_ops.connect(campaign.forge, campaign.api_url, token, repo.name, campaign.token_env)
        word, sign = forge_ops.request_word(campaign.forge)
        latest = forge_ops.latest_pull(forge, campaign.branch)
        if latest is None or latest.state not in ("open", "draft"):
            return Closed(repo.name, f"no open {word}")
        forge_ops.close_pull(forge, latest.number)
        expected = recorded_head or latest.head_sha
        try:
            cache.delete_remote_branch(cache.bare_for(repo.url, cache.cache_path(cache_root, repo.name)),
                                       repo.url, campaign.branch, expected)
        except GitError as exc:
            return Closed(repo.name, f"closed {word} {sign}{latest.number}; branch {campaign.branch} kept: {exc}", True)
        return Closed(repo.name, f"closed {word} {sign}{latest.number}, deleted branch {campaign.branch}")
    except Exception as exc:  # the forge or git: this repository stays as it was, the others go on
        return Closed(repo.name, f"failed: {forge_ops.reason(exc, token)}", True)
