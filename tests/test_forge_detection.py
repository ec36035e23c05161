"""Which forge, repository, API URL and token `fixer pr` uses: --forge, else the remote's host (or
the --api-url), else a Gitea answer on /api/v1/version, else the CI environment."""
from __future__ import annotations

import git
import pytest

from conftest import init_repo, run_cli, with_debug_logs
from gitea_server import FakeGitea
from gitlab_server import FakeGitLab

TOKEN = "glcbt-FAKE_JOB_TOKEN_0123456789"
WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'
NO_CI = {"GITLAB_CI": "", "GITEA_ACTIONS": "", "GITHUB_ACTIONS": "", "GITLAB_TOKEN": "", "GITEA_TOKEN": "",
         "GITHUB_TOKEN": "", "CI_JOB_TOKEN": ""}


@pytest.mark.parametrize("url, kind, repo", [
    ("https://gitlab.com/acme/platform/service.git", "gitlab", "acme/platform/service"),
    ("git@gitlab.example.com:acme/platform/backend/service.git", "gitlab", "acme/platform/backend/service"),
    ("ssh://git@gitlab.example.com:2222/acme/service", "gitlab", "acme/service"),
    ("https://ci-token:secret@gitlab.example.com/acme/sub/service.git", "gitlab", "acme/sub/service"),
    ("https://github.com/acme/service.git", "github", "acme/service"),
    ("git@github.com:acme/service.git", "github", "acme/service"),
    ("https://codeberg.org/acme/service.git", "gitea", "acme/service"),
])
def test_the_remote_host_names_the_forge_and_the_repository(url, kind, repo):
    from fixer.forge.registry import detect, parse_remote, repo_path

    remote = parse_remote(url)
    assert detect(None, remote, None, {}) == kind
    assert repo_path(kind, remote) == repo
    assert "secret" not in repr(remote)


def test_the_options_and_then_the_ci_environment_decide_when_the_host_says_nothing():
    from fixer.forge.protocol import ForgeError
    from fixer.forge.registry import default_api_url, detect, parse_remote, token_variables

    local = parse_remote("/srv/git/service.git")
    assert detect("gitea", parse_remote("https://gitlab.com/a/b.git"), None, {}) == "gitea"
    assert detect(None, local, "https://git.example.com/api/v4", {}) == "gitlab"
    assert detect(None, local, "https://git.example.com/api/v1", {"GITLAB_CI": "true"}) == "gitea"
    assert detect(None, local, None, {"GITLAB_CI": "true"}) == "gitlab"
    assert detect(None, local, None, {"GITEA_ACTIONS": "true"}) == "gitea"
    assert detect(None, local, None, {"GITHUB_ACTIONS": "true"}) == "github"
    assert detect(None, local, None, {}) == "github"
    with pytest.raises(ForgeError, match="--forge bitbucket: expected one of github, gitlab, gitea"):
        detect("bitbucket", local, None, {})
    ci = {"GITLAB_CI": "true", "CI_API_V4_URL": "https://git.example.com/api/v4"}
    assert default_api_url("gitlab", local, ci) == "https://git.example.com/api/v4"
    assert default_api_url("gitlab", parse_remote("git@gitlab.example.com:a/b.git"), {}) == \
        "https://gitlab.example.com/api/v4"
    assert default_api_url("gitea", parse_remote("http://git.local:3000/a/b.git"), {}) == "http://git.local:3000/api/v1"
    assert default_api_url("gitea", local, {"GITEA_ACTIONS": "true", "GITHUB_SERVER_URL": "https://tea.example"}) == \
        "https://tea.example/api/v1"
    assert default_api_url("github", parse_remote("https://github.com/a/b"), {}) == "https://api.github.com"
    assert default_api_url("github", parse_remote("https://ghe.corp/a/b"), {}) == "https://ghe.corp/api/v3"
    assert token_variables("gitlab", {}) == ("GITLAB_TOKEN",)
    assert token_variables("gitlab", {"GITLAB_CI": "true"}) == ("GITLAB_TOKEN", "CI_JOB_TOKEN")
    assert token_variables("gitea", {}) == ("GITEA_TOKEN",)


@pytest.fixture
def built(tmp_path):
    repo = init_repo(tmp_path / "svc", with_debug_logs({"app/worker.py": WORKER}))
    assert run_cli("apply", cwd=repo.working_tree_dir).exit_code == 0
    return repo


def test_a_host_answering_as_gitea_is_taken_for_gitea_and_asked_without_the_token(built):
    with FakeGitea("gitea-token-secret") as server:
        built.create_remote("origin", f"{server.url}/acme/service.git")
        result = run_cli("pr", "--dry-run", "--base", "main", cwd=built.working_tree_dir,
                         env={**NO_CI, "GITEA_TOKEN": "gitea-token-secret"})
    assert result.exit_code == 0, result
    assert f"would open a pull request on acme/service (Gitea API at {server.url}/api/v1)" in result.stdout
    # The API was asked only which version it runs (git's own ls-remote went to the same host).
    api = [r for r in server.requests if r["path"].startswith("/api/")]
    assert [(r["method"], r["path"]) for r in api] == [("GET", "/api/v1/version")]
    assert "Authorization" not in api[0]["headers"]


def test_a_host_that_is_not_gitea_falls_back_to_the_ci_environment(built):
    with FakeGitLab("x") as server:  # answers 404 on /api/v1/version
        built.create_remote("origin", f"{server.url}/acme/platform/service.git")
        result = run_cli("pr", "--dry-run", "--base", "main", cwd=built.working_tree_dir,
                         env={**NO_CI, "GITLAB_CI": "true", "CI_API_V4_URL": f"{server.url}/api/v4"})
    assert result.exit_code == 0, result
    assert f"would open a merge request on acme/platform/service (GitLab API at {server.url}/api/v4)" in result.stdout


def test_inside_gitlab_ci_the_job_token_is_used_when_no_gitlab_token_is_set(built, tmp_path):
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    built.create_remote("origin", str(bare.git_dir))
    built.git.push("origin", "main")
    with FakeGitLab(TOKEN, bare=bare) as server:
        env = {**NO_CI, "GITLAB_CI": "true", "CI_JOB_TOKEN": TOKEN, "CI_API_V4_URL": f"{server.url}/api/v4"}
        result = run_cli("pr", "--repo", "acme/platform/service", cwd=built.working_tree_dir, env=env)
        assert result.exit_code == 0, result
        assert "merge request !1 opened" in result.stdout
        assert all(r["headers"].get("JOB-TOKEN") == TOKEN and "PRIVATE-TOKEN" not in r["headers"]
                   for r in server.requests)
        outside = run_cli("pr", "--forge", "gitlab", "--repo", "acme/platform/service", "--api-url", server.url,
                          cwd=built.working_tree_dir, env={**NO_CI, "CI_JOB_TOKEN": TOKEN})
    assert outside.exit_code == 2 and "$GITLAB_TOKEN is not set" in outside.stderr
    assert TOKEN not in result.stdout + result.stderr + outside.stdout + outside.stderr


def test_an_unknown_forge_is_one_line_and_exit_2(built):
    built.create_remote("origin", "https://gitlab.example.com/acme/service.git")
    result = run_cli("pr", "--forge", "bitbucket", "--dry-run", cwd=built.working_tree_dir)
    assert result.exit_code == 2
    assert result.stderr == "fixer: error: --forge bitbucket: expected one of github, gitlab, gitea\n"
