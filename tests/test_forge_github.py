"""The forge-neutral flow on GitHub too: the API is checked before the push, a merged pull request of
the same commits is left alone, and a moved branch gets a comment (the stand-in is github_server.py)."""
from __future__ import annotations

import git
import pytest

from conftest import init_repo, run_cli, with_debug_logs
from github_server import FakeGitHub

TOKEN = "ghp_FAKE_TOKEN_0123456789abcdef"
WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'
BRANCH = "fixer/cleanup"


@pytest.fixture
def built(tmp_path):
    repo = init_repo(tmp_path / "svc", with_debug_logs({"app/worker.py": WORKER}))
    assert run_cli("apply", cwd=repo.working_tree_dir).exit_code == 0
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main")
    return repo, bare


def pr(server, repo, *extra, token=TOKEN):
    return run_cli("pr", "--repo", "acme/service", "--api-url", server.url, *extra, cwd=repo.working_tree_dir,
                   env={"GITHUB_TOKEN": token, "GITHUB_ACTIONS": ""})


def seed(server, state: str, sha: str, merged: bool = False) -> dict:
    server.pulls[1] = {"number": 1, "title": "Earlier", "body": "", "head": BRANCH, "base": "main", "draft": False,
                       "labels": [], "reviewers": [], "state": state, "sha": sha,
                       "merged_at": "2026-01-01T00:00:00Z" if merged else None}
    return server.pulls[1]


def test_a_bad_repository_pushes_nothing(built):
    repo, bare = built
    with FakeGitHub(owner="other") as server:
        result = pr(server, repo)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "404 Not Found" in result.stderr
    assert BRANCH not in [ref.name for ref in bare.references]


def test_a_merged_pull_request_of_the_same_commits_is_left_alone(built):
    repo, bare = built
    with FakeGitHub() as server:
        seed(server, "closed", repo.commit(BRANCH).hexsha, merged=True)
        result = pr(server, repo)
        assert {r["method"] for r in server.requests} == {"GET"}
    assert result.exit_code == 0, result
    assert "pull request #1 (https://github.example/acme/service/pull/1) was merged with this same branch tip" \
        in result.stdout
    assert list(server.pulls) == [1] and BRANCH not in [ref.name for ref in bare.references]


def test_an_open_pull_request_whose_branch_moved_is_updated_with_a_comment_and_assignees(built):
    repo, _ = built
    with FakeGitHub() as server:
        pull = seed(server, "open", "0" * 40)
        result = pr(server, repo, "--assignee", "bob")
    assert result.exit_code == 0, result
    assert "pull request #1 updated" in result.stdout
    tip = repo.commit(BRANCH).hexsha
    assert pull["comments"] == [f"fixer rebuilt `{BRANCH}`: it is now at {tip[:10]} (was 0000000000). "
                                "The description lists the new commits."]
    assert pull["assignees"] == ["bob"] and pull["title"].startswith("Remove leftover debug code")
