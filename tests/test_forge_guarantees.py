"""`fixer pr` keeps the same guarantees on GitLab and Gitea as on GitHub, run for real against local
stand-ins of each API (tests/gitlab_server.py, tests/gitea_server.py) and a local bare remote:
create then update, never a duplicate, a closed or merged request left alone, every API error one line
and exit 2, the token never shown, nothing pushed while the API check fails, a dry run that prints
what a real run sends, and labels, drafts, reviewers and assignees."""
from __future__ import annotations

import socket
from dataclasses import dataclass

import git
import pytest

from conftest import init_repo, run_cli, with_debug_logs
from gitea_server import FakeGitea
from gitlab_server import FakeGitLab

TOKEN = "glpat-FAKE_TOKEN_0123456789abcdef"
WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'
BRANCH = "fixer/cleanup"


@dataclass
class Case:
    """One forge as a test sees it: its stand-in, its options, and its words."""
    kind: str
    server: FakeGitLab | FakeGitea
    repo_name: str
    api_url: str
    token_variable: str
    noun: str

    def args(self, *extra: str) -> list[str]:
        return ["pr", "--forge", self.kind, "--repo", self.repo_name, "--api-url", self.api_url, *extra]

    def env(self, token: str = TOKEN) -> dict[str, str]:
        return {self.token_variable: token}

    @property
    def requests(self) -> dict[int, dict]:
        """The merge/pull requests the stand-in holds, by number."""
        return self.server.merge_requests if self.kind == "gitlab" else self.server.pulls

    def body_of(self, request: dict) -> str:
        return request["description"] if self.kind == "gitlab" else request["body"]

    def sent_body(self, create: dict) -> str:
        return create["body"]["description"] if self.kind == "gitlab" else create["body"]["body"]


@pytest.fixture
def built(tmp_path):
    """A repo whose cleanup branch `fixer apply` built, and a bare `origin` holding main."""
    repo = init_repo(tmp_path / "svc", with_debug_logs({"app/worker.py": WORKER}))
    assert run_cli("apply", cwd=repo.working_tree_dir).exit_code == 0
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main")
    return repo, bare


@pytest.fixture(params=["gitlab", "gitea"])
def case(request, built):
    _, bare = built
    if request.param == "gitlab":
        server = FakeGitLab(TOKEN, bare=bare)
        made = Case("gitlab", server, "acme/platform/service", f"{server.url}/api/v4", "GITLAB_TOKEN", "merge request")
    else:
        server = FakeGitea(TOKEN, bare=bare)
        made = Case("gitea", server, "acme/service", server.url, "GITEA_TOKEN", "pull request")
    with server:
        yield made


def pushed(bare: git.Repo) -> bool:
    return f"refs/heads/{BRANCH}" in [ref.path for ref in bare.references]


def no_token(*outputs: str) -> None:
    for output in outputs:
        assert TOKEN not in output


# -- create, update, never a duplicate ----------------------------------------------------------------

def test_first_run_opens_and_second_run_updates_the_same_request(case, built):
    repo, bare = built
    first = run_cli(*case.args(), cwd=repo.working_tree_dir, env=case.env())
    assert first.exit_code == 0, first
    assert pushed(bare) and bare.commit(BRANCH).hexsha == repo.commit(BRANCH).hexsha
    sign = "!" if case.kind == "gitlab" else "#"
    assert f"{case.noun} {sign}1 opened: https://" in first.stdout
    (create,) = case.server.calls("create")
    sent = create["body"]
    if case.kind == "gitlab":
        assert (sent["source_branch"], sent["target_branch"]) == (BRANCH, "main")
    else:
        assert (sent["head"], sent["base"]) == (BRANCH, "main")
    assert "| remove-debug-file-writes | `app/worker.py` | 1 |" in case.sent_body(create)
    assert "Reproduce with `fixer apply --branch fixer/cleanup`" in case.sent_body(create)

    second = run_cli(*case.args("--title", "Cleanup again"), cwd=repo.working_tree_dir, env=case.env())
    assert second.exit_code == 0, second
    assert f"{case.noun} {sign}1 updated" in second.stdout
    assert len(case.server.calls("create")) == 1 and list(case.requests) == [1]
    assert case.requests[1]["title"] == "Cleanup again"
    assert case.server.calls("update")[-1]["body"]["title"] == "Cleanup again"
    # The branch did not move between the runs: nothing to say in a comment.
    assert case.server.calls("note" if case.kind == "gitlab" else "comment") == []
    no_token(first.stdout, first.stderr, second.stdout, second.stderr)
    assert all(TOKEN not in r["raw"] for r in case.server.requests)


def test_an_open_request_from_an_earlier_run_is_updated_and_told_the_branch_moved(case, built):
    repo, bare = built
    old_sha = "0" * 40
    case.server.seed(BRANCH, "opened" if case.kind == "gitlab" else "open", sha=old_sha, title="Older cleanup")
    result = run_cli(*case.args(), cwd=repo.working_tree_dir, env=case.env())
    assert result.exit_code == 0, result
    assert "updated" in result.stdout
    assert case.server.calls("create") == [] and list(case.requests) == [1]
    assert case.requests[1]["title"].startswith("Remove leftover debug code")
    notes = case.server.notes if case.kind == "gitlab" else case.server.comments
    tip = repo.commit(BRANCH).hexsha
    assert notes == [(1, f"fixer rebuilt `{BRANCH}`: it is now at {tip[:10]} (was {old_sha[:10]}). "
                         "The description lists the new commits.")]


def test_the_server_refusing_a_duplicate_is_one_line(case, built):
    """Had the search missed the open request, the forge's own 409 would stop the run: still one
    line, exit 2, and no second request."""
    repo, _ = built
    case.server.fail["list"] = (200, [])
    case.server.seed(BRANCH, "opened" if case.kind == "gitlab" else "open")
    result = run_cli(*case.args(), cwd=repo.working_tree_dir, env=case.env())
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "409 Conflict" in result.stderr
    assert list(case.requests) == [1]


# -- a closed or merged request is left alone -------------------------------------------------------

@pytest.mark.parametrize("how", ["closed", "merged"])
def test_a_closed_or_merged_request_of_the_same_commits_is_left_alone(case, built, how):
    repo, bare = built
    tip = repo.commit(BRANCH).hexsha
    if case.kind == "gitlab":
        case.server.seed(BRANCH, how, sha=tip)
    else:
        case.server.seed(BRANCH, "closed", merged=how == "merged", sha=tip)
    result = run_cli(*case.args(), cwd=repo.working_tree_dir, env=case.env())
    assert result.exit_code == 0, result
    sign = "!" if case.kind == "gitlab" else "#"
    assert f"{case.noun} {sign}1 (https://" in result.stdout
    assert f"was {how} with this same branch tip {tip[:10]}: fixer does not reopen it, and pushes nothing" \
        in result.stdout
    assert {r["method"] for r in case.server.requests} == {"GET"}  # nothing written, nothing reopened
    assert list(case.requests) == [1] and case.requests[1]["title"] == "Earlier cleanup"
    assert not pushed(bare)


def test_new_commits_after_a_closed_request_open_a_new_one_and_leave_the_old_closed(case, built):
    repo, _ = built
    case.server.seed(BRANCH, "closed", sha="1" * 40)
    result = run_cli(*case.args(), cwd=repo.working_tree_dir, env=case.env())
    assert result.exit_code == 0, result
    assert list(case.requests) == [1, 2] and case.requests[1]["state"] == "closed"
    assert "was closed; fixer leaves it closed and opens a new" in result.stderr
    assert "2 opened" in result.stdout


# -- errors: one line, exit 2, no token, nothing pushed while the API check fails --------------------

def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


ERRORS = {
    # name: (how to break the run, what the one line says, whether the API check fails before the push)
    "401": (lambda c: c.env("wrong-token"), "401 Unauthorized", True),
    "403": ("check", (403, {"message": "403 Forbidden"}), "403 Forbidden", True),
    "404": ("repo", None, "404 Not Found", True),
    "409": ("create", (409, {"message": ["Another open request already exists for this source branch"]}),
            "409 Conflict", False),
    "422": ("create", (422, {"message": "Validation Failed: target branch does not exist"}),
            "422 Unprocessable", False),
    "500": ("list", (500, {"message": "500 Internal Server Error"}), "500 Internal Server Error", True),
    "502": ("check", (502, {"message": "bad gateway"}), "502 Bad Gateway", True),
    "refused": ("refused", None, "connection refused", True),
    "timeout": ("hang", None, "no answer within 0.5 s", True),
}


@pytest.mark.parametrize("verbose", [False, True], ids=["plain", "verbose"])
@pytest.mark.parametrize("error", list(ERRORS))
def test_every_api_error_is_one_line_and_exit_2(case, built, error, verbose):
    repo, bare = built
    spec = ERRORS[error]
    args, env = case.args("--timeout", "0.5"), case.env()
    check_route = "project" if case.kind == "gitlab" else "repo"
    if error == "401":
        env = spec[0](case)
    elif spec[0] == "check":
        case.server.fail[check_route] = spec[1]
    elif spec[0] == "repo":
        args[args.index("--repo") + 1] = "acme/elsewhere"
    elif spec[0] == "refused":
        args[args.index("--api-url") + 1] = f"http://127.0.0.1:{closed_port()}"
    elif spec[0] == "hang":
        case.server.hang.add(check_route)
    else:
        case.server.fail[spec[0]] = spec[1]
    said, before_push = spec[-2], spec[-1]
    result = run_cli(*args, *(["--verbose"] if verbose else []), cwd=repo.working_tree_dir, env=env)
    assert result.exit_code == 2, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("fixer: error:")]
    assert len(errors) == 1 and said in errors[0], result.stderr
    assert ("GitLab" if case.kind == "gitlab" else "Gitea") in errors[0]
    if not verbose:
        assert result.stderr.count("\n") == 1
    else:
        assert "Traceback" in result.stderr
    no_token(result.stdout, result.stderr)
    assert pushed(bare) is not before_push
    assert case.server.calls("create") == [] or error in ("409", "422")


def test_a_server_echoing_the_token_and_a_remote_url_with_credentials_show_neither(case, built):
    repo, bare = built
    route = "project" if case.kind == "gitlab" else "repo"
    case.server.fail[route] = (401, {"message": f"token {TOKEN} is not valid for http://oauth2:{TOKEN}@x/y"})
    result = run_cli(*case.args("--verbose"), cwd=repo.working_tree_dir, env=case.env())
    assert result.exit_code == 2 and "401 Unauthorized" in result.stderr
    no_token(result.stdout, result.stderr)
    assert "oauth2" not in result.stderr
    # The remote's own credentials, in a dry run and in a failing run.
    repo.remote("origin").set_url(f"http://oauth2:{TOKEN}@127.0.0.1:{closed_port()}/acme/service.git")
    dry = run_cli(*case.args("--dry-run", "--base", "main"), cwd=repo.working_tree_dir, env=case.env())
    failed = run_cli(*case.args("--verbose"), cwd=repo.working_tree_dir, env=case.env())
    assert dry.exit_code == 0 and failed.exit_code == 2 and "cannot reach origin" in failed.stderr
    no_token(dry.stdout, dry.stderr, failed.stdout, failed.stderr)


def test_no_token_no_call_and_nothing_pushed(case, built):
    repo, bare = built
    result = run_cli(*case.args(), cwd=repo.working_tree_dir, env=case.env(""))
    assert result.exit_code == 2
    assert f"${case.token_variable} is not set: fixer needs a token to open the {case.noun}" in result.stderr
    assert case.server.requests == [] and not pushed(bare)


# -- the dry run prints what a real run sends ---------------------------------------------------------

def test_dry_run_prints_exactly_what_the_real_run_sends(case, built):
    repo, bare = built
    extra = ["--draft", "--label", "cleanup", "--label", "bot", "--reviewer", "alice", "--assignee", "bob"]
    dry = run_cli(*case.args("--dry-run", *extra), cwd=repo.working_tree_dir, env=case.env())
    assert dry.exit_code == 0, dry
    assert case.server.requests == [] and not pushed(bare)
    no_token(dry.stdout, dry.stderr)
    real = run_cli(*case.args(*extra), cwd=repo.working_tree_dir, env=case.env())
    assert real.exit_code == 0, real
    (create,) = case.server.calls("create")
    head, title_line, body = dry.stdout.split("\ntitle: ", 1)[0], *dry.stdout.split("\ntitle: ", 1)[1].split("\n", 1)
    assert title_line == create["body"]["title"]
    assert body == "body:\n" + case.sent_body(create) + "\n"
    assert f"would push {BRANCH} to origin" in head
    assert "-> main (draft)" in head
    assert "labels: cleanup, bot\nreviewers: alice\nassignees: bob" in head
    sent = case.requests[1]
    assert sent["labels"] == ["cleanup", "bot"]
    if case.kind == "gitlab":
        assert (sent["reviewer_ids"], sent["assignee_ids"]) == ([7], [8])
    else:
        assert (sent["reviewers"], sent["assignees"]) == (["alice"], ["bob"])
        assert case.server.calls("set-labels")[0]["body"] == {"labels": [11, 12]}  # Gitea wants ids


# -- labels, drafts, reviewers, assignees ---------------------------------------------------------------

def test_a_draft_is_marked_the_way_the_forge_marks_it_and_said_plainly(case, built):
    repo, _ = built
    first = run_cli(*case.args("--draft"), cwd=repo.working_tree_dir, env=case.env())
    assert first.exit_code == 0, first
    prefix = "Draft: " if case.kind == "gitlab" else "WIP: "
    assert case.requests[1]["title"].startswith(prefix + "Remove leftover debug code")
    assert "has no draft flag to send" in first.stderr and f"`{prefix.strip()}`" in first.stderr
    # A second run without --draft keeps it a draft: only a person marks it ready.
    second = run_cli(*case.args("--title", "Tidy up"), cwd=repo.working_tree_dir, env=case.env())
    assert second.exit_code == 0, second
    assert case.requests[1]["title"] == prefix + "Tidy up"


def test_a_name_the_forge_does_not_know_fails_before_the_push(case, built):
    repo, bare = built
    extra = ["--label", "nope"] if case.kind == "gitea" else ["--reviewer", "nobody"]
    result = run_cli(*case.args(*extra), cwd=repo.working_tree_dir, env=case.env())
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert ("no label named nope" if case.kind == "gitea" else "no user named nobody") in result.stderr
    assert not pushed(bare) and case.server.calls("create") == []


def test_gitea_finds_the_open_request_past_the_first_page(built):
    """Gitea cannot filter pull requests by branch: fixer pages through them (50 a page)."""
    repo, bare = built
    with FakeGitea(TOKEN, bare=bare) as server:
        ours = server.seed(BRANCH, sha="0" * 40)
        for n in range(60):  # updated after ours: ours is on the second page
            server.seed(f"feature/{n}")
        ours["updated"] = -1
        result = run_cli("pr", "--forge", "gitea", "--repo", "acme/service", "--api-url", server.url,
                         cwd=repo.working_tree_dir, env={"GITEA_TOKEN": TOKEN})
    assert result.exit_code == 0, result
    assert "pull request #1 updated" in result.stdout and server.calls("create") == []
    pages = [r["query"]["page"] for r in server.calls("list") if r["query"]["state"] == "open"]
    assert pages == ["1", "2"]
