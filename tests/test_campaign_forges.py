"""`fixer campaign` on GitLab and Gitea, end to end: local bare repositories as the forge's git side,
the stand-in GitLab (tests/gitlab_server.py) and Gitea (tests/gitea_server.py) serving several
repositories at once on 127.0.0.1 as its API side, and the real CLI. The same guarantees as on GitHub
(tests/test_campaign.py): one request per repository with fixes, none for clean ones, no duplicate on
a rerun, status as the forge shows it, close withdraws, discovery of a group's or org's repositories."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from campaign_support import BRANCH, DEBUGGER, TIDY, branch_sha
from conftest import init_repo, run_cli
from gitea_server import FakeGitea
from gitlab_server import FakeGitLab

TOKEN = "glpat-CAMPAIGN-FAKE-TOKEN-0123456789"
KINDS = ("gitlab", "gitea")


class World:
    """One forge stand-in with its repositories; the differences between the forges in one place."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind, self.tmp_path = kind, tmp_path
        self.server = FakeGitLab(TOKEN, path="acme/placeholder") if kind == "gitlab" else \
            FakeGitea(TOKEN, name="placeholder")
        self.env = {"GITLAB_TOKEN" if kind == "gitlab" else "GITEA_TOKEN": TOKEN}
        self.api_url = self.server.url + ("/api/v4" if kind == "gitlab" else "/api/v1")
        self.repos: dict[str, object] = {}  # forge path -> the stand-in's project or repository

    def add(self, path: str, files: dict[str, str], archived: bool = False) -> Path:
        """A repository on the forge: GitLab takes nested groups (acme/platform/NAME)."""
        work = self.tmp_path / "work" / path
        init_repo(work, files)
        bare = self.tmp_path / "remotes" / f"{path}.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
        if self.kind == "gitlab":
            self.repos[path] = self.server.add_project(path, bare, archived=archived)
        else:
            owner, name = path.split("/")
            self.repos[path] = self.server.add_repo(owner, name, bare, archived=archived)
        return bare

    def requests_of(self, path: str) -> list[dict]:
        held = self.repos[path]
        return list((held.merge_requests if self.kind == "gitlab" else held.pulls).values())

    def state_of(self, request: dict) -> str:
        if self.kind == "gitlab":
            return {"opened": "open"}.get(request["state"], request["state"])
        return "merged" if request["merged"] else request["state"]

    def head_of(self, request: dict) -> str:
        return request["source_branch" if self.kind == "gitlab" else "head"]

    def creations(self) -> list[dict]:
        return self.server.calls("create")

    def set_checks(self, path: str, sha: str, outcomes: list[tuple[str, str]]) -> None:
        """CI results in the forge's own words: GitLab job statuses, Gitea commit statuses."""
        if self.kind == "gitlab":
            self.repos[path].statuses[sha] = [{"id": i, "sha": sha, "name": name, "status": status,
                                               "allow_failure": False} for i, (name, status) in enumerate(outcomes)]
        else:
            self.repos[path].statuses[sha] = [{"id": i, "context": name, "status": status}
                                              for i, (name, status) in enumerate(outcomes)]

    def campaign_file(self, urls: dict[str, str], extra: str = "") -> Path:
        lines = ["[campaign]", 'name = "leftovers"', f'branch = "{BRANCH}"', 'title = "Remove leftover debug code"',
                 f'forge = "{self.kind}"', f'api-url = "{self.api_url}"', 'labels = ["cleanup"]', extra, ""]
        for path, url in urls.items():
            lines += ["[[repos]]", f'name = "{path}"', f'url = "{url}"', ""]
        target = self.tmp_path / "campaign.toml"
        target.write_text("\n".join(lines))
        return target

    def campaign(self, *args):
        return run_cli("campaign", *args, env=self.env)

    def status(self, path: Path, *args):
        result = self.campaign("status", str(path), "--format", "json", *args)
        assert result.exit_code == 0, result
        data = json.loads(result.stdout)
        return data, {repo["name"]: repo for repo in data["repos"]}


@pytest.fixture(params=KINDS)
def world(request, tmp_path):
    made = World(request.param, tmp_path)
    with made.server:
        yield made


def names_for(world: World, *names: str) -> list[str]:
    # GitLab's repositories sit in a subgroup: the whole path is the project's name.
    return [f"acme/platform/{n}" if world.kind == "gitlab" else f"acme/{n}" for n in names]


def show(bare: Path, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(bare), "show", f"{BRANCH}:{path}"], capture_output=True,
                          text=True, check=True).stdout


def test_one_request_per_repository_with_fixes_none_for_clean_ones_and_no_duplicate_on_a_rerun(world):
    alpha, beta, clean = names_for(world, "alpha", "beta", "clean")
    bares = {alpha: world.add(alpha, {"app.py": DEBUGGER, "util.py": TIDY}),
             beta: world.add(beta, {"app.py": DEBUGGER}), clean: world.add(clean, {"app.py": TIDY})}
    path = world.campaign_file({name: bare.as_uri() for name, bare in bares.items()})

    result = world.campaign("run", str(path), "--jobs", "2")
    assert result.exit_code == 0, result
    pr = "MR !1" if world.kind == "gitlab" else "PR #1"
    for name in (alpha, beta):
        (request,) = world.requests_of(name)
        assert (world.head_of(request), world.state_of(request), request["labels"]) == (BRANCH, "open", ["cleanup"])
        assert request["title"] == "Remove leftover debug code"
        assert show(bares[name], "app.py") == TIDY
        assert f"{name}: opened: 1 fixes in 1 files, {pr} (open) https://{world.kind}.example/{name}" in result.stdout
    assert world.requests_of(clean) == [] and branch_sha(bares[clean]) is None
    assert f"{clean}: clean (nothing to fix)" in result.stdout
    assert TOKEN not in result.stdout + result.stderr

    seen = len(world.server.requests)
    again = world.campaign("run", str(path))
    assert again.exit_code == 0, again
    assert f"{alpha}: unchanged: 1 fixes in 1 files, {pr} (open)" in again.stdout
    assert [r for r in world.server.requests[seen:] if r["method"] != "GET"] == []  # nothing opened or edited
    # A fresh machine (no cache, no state: a new CI runner) finds the requests on the forge.
    fresh = world.campaign("run", str(path), "--state", str(world.tmp_path / "fresh.sqlite"),
                           "--cache", str(world.tmp_path / "c2"))
    assert fresh.exit_code == 0, fresh
    assert len(world.creations()) == 2
    assert [len(world.requests_of(n)) for n in (alpha, beta, clean)] == [1, 1, 0]

    # New fixes on main: the open request is updated, still no second one.
    _push(world.tmp_path, alpha, {"more.py": "def g():\n    breakpoint()\n    return 2\n"})
    changed = world.campaign("run", str(path))
    assert changed.exit_code == 0, changed
    assert f"{alpha}: updated: 2 fixes in 2 files, {pr} (open)" in changed.stdout
    assert len(world.creations()) == 2 and len(world.requests_of(alpha)) == 1
    key = "description" if world.kind == "gitlab" else "body"
    described = [call["body"][key] for call in world.server.calls("update") if key in (call["body"] or {})]
    assert len(described) == 1 and "more.py" in described[0]


def _push(tmp_path: Path, path: str, files: dict[str, str]) -> None:
    """A maintainer's new commit on main."""
    work = tmp_path / "work" / path
    for name, text in files.items():
        (work / name).write_text(text)
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-qm", "more work"], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", str(tmp_path / "remotes" / f"{path}.git"), "main"],
                   check=True)


def test_status_reflects_a_request_merged_or_closed_on_the_forge_and_its_checks(world):
    alpha, beta, gamma = names_for(world, "alpha", "beta", "gamma")
    bares = {name: world.add(name, {"app.py": DEBUGGER}) for name in (alpha, beta, gamma)}
    path = world.campaign_file({name: bare.as_uri() for name, bare in bares.items()})
    assert world.campaign("run", str(path)).exit_code == 0
    world.repos[alpha].merge(1)
    world.repos[beta].close(1)
    head = branch_sha(bares[gamma])
    if world.kind == "gitlab":
        world.set_checks(gamma, head, [("test", "failed"), ("lint", "success"), ("e2e", "running"),
                                       ("deploy", "manual")])
    else:
        world.set_checks(gamma, head, [("test", "failure"), ("lint", "success"), ("e2e", "pending"),
                                       ("docs", "warning")])

    pr = "MR !1" if world.kind == "gitlab" else "PR #1"
    data, repos = world.status(path)
    assert [repos[n]["state"] for n in (alpha, beta, gamma)] == ["merged", "closed", "open"]
    expected = "1 failed, 2 pending, 1 passed" if world.kind == "gitlab" else "1 failed, 1 pending, 2 passed"
    assert repos[gamma]["checks"] == expected
    assert data["summary_line"] == "1 merged, 1 open, 1 closed"
    markdown = world.campaign("status", str(path), "--format", "markdown").stdout
    link = f"[{pr[3:]}](https://{world.kind}.example/{gamma}/" + ("-/merge_requests/1)" if world.kind == "gitlab"
                                                                   else "pulls/1)")
    assert f"| {gamma} | 1 | {BRANCH} | {link} | open | {expected} |  |" in markdown
    _, repos = world.status(path, "--no-refresh")  # what the forge said was stored
    assert (repos[alpha]["state"], repos[beta]["state"]) == ("merged", "closed")

    # The next run leaves both alone: alpha's fixes are on main now, beta was withdrawn by a person.
    rerun = world.campaign("run", str(path))
    assert rerun.exit_code == 0, rerun
    assert f"{alpha}: clean (nothing to fix)" in rerun.stdout
    assert f"{beta}: unchanged: 1 fixes in 1 files, {pr} (closed)" in rerun.stdout
    assert len(world.creations()) == 3


def test_close_withdraws_the_campaign(world):
    alpha, beta, clean = names_for(world, "alpha", "beta", "clean")
    bares = {alpha: world.add(alpha, {"app.py": DEBUGGER}), beta: world.add(beta, {"app.py": DEBUGGER}),
             clean: world.add(clean, {"app.py": TIDY})}
    path = world.campaign_file({name: bare.as_uri() for name, bare in bares.items()})
    assert world.campaign("run", str(path)).exit_code == 0

    result = world.campaign("close", str(path))
    assert result.exit_code == 0, result
    word, sign = ("MR", "!") if world.kind == "gitlab" else ("PR", "#")
    assert f"{alpha}: closed {word} {sign}1, deleted branch {BRANCH}" in result.stdout
    assert f"{clean}: no open {word}" in result.stdout
    assert [world.state_of(r) for n in (alpha, beta) for r in world.requests_of(n)] == ["closed", "closed"]
    assert branch_sha(bares[alpha]) is None and branch_sha(bares[beta]) is None
    data, _ = world.status(path)
    assert data["summary_line"] == "2 closed, 1 clean"
    again = world.campaign("run", str(path))
    assert again.exit_code == 2 and "campaign leftovers was closed on" in again.stderr
    assert len(world.creations()) == 2


def test_discover_lists_the_groups_or_organisations_repositories(world):
    nested = world.kind == "gitlab"
    wanted = ["acme/svc-a", "acme/platform/svc-b" if nested else "acme/svc-b"]
    for name in wanted + ["acme/svc-legacy", "acme/website", "other/svc-x"]:
        world.add(name, {"app.py": DEBUGGER})
    world.add("acme/svc-archived", {"app.py": DEBUGGER}, archived=True)
    path = world.tmp_path / "campaign.toml"
    include = '"acme/svc-*", "acme/*/svc-*"' if nested else '"acme/svc-*"'
    path.write_text(f'[campaign]\nname = "leftovers"\nbranch = "{BRANCH}"\nforge = "{world.kind}"\n'
                    f'api-url = "{world.api_url}"\n'
                    f'discover = {{ org = "acme", include = [{include}], exclude = ["acme/svc-legacy"] }}\n')
    result = world.campaign("run", str(path))
    assert result.exit_code == 0, result
    assert sorted(line.split(":")[0] for line in result.stdout.splitlines()[:-1]) == sorted(wanted)
    opened = {name: len(world.requests_of(name)) for name in world.repos if name != "acme/placeholder"}
    assert opened == {**dict.fromkeys(opened, 0), **dict.fromkeys(wanted, 1)}
    listing = world.server.calls("group-projects" if nested else "org-repos")
    assert listing and all(call["headers"].get("PRIVATE-TOKEN" if nested else "Authorization") for call in listing)
    if nested:
        assert listing[0]["query"]["include_subgroups"].lower() == "true"


def test_status_backs_off_on_a_429_and_asks_again_after_retry_after(world):
    (alpha,) = names_for(world, "alpha")
    path = world.campaign_file({alpha: world.add(alpha, {"app.py": DEBUGGER}).as_uri()})
    assert world.campaign("run", str(path)).exit_code == 0
    world.server.throttled["get"] = 1
    seen = len(world.server.requests)
    _, repos = world.status(path)
    assert repos[alpha]["state"] == "open"
    asked = [r for r in world.server.requests[seen:] if r["route"] == "get"]
    assert len(asked) == 2
    assert asked[1]["time"] - asked[0]["time"] >= 1.0  # Retry-After: 1


def test_the_forges_default_token_variable_is_read_and_a_draft_shows_as_draft(world):
    (alpha,) = names_for(world, "alpha")
    path = world.campaign_file({alpha: world.add(alpha, {"app.py": DEBUGGER}).as_uri()}, "draft = true")
    missing = run_cli("campaign", "run", str(path), env={"GITLAB_TOKEN": "", "GITEA_TOKEN": ""})
    variable = "GITLAB_TOKEN" if world.kind == "gitlab" else "GITEA_TOKEN"
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"fixer: error: ${variable} is not set: a campaign needs a token for the forge"
    result = world.campaign("run", str(path))
    assert result.exit_code == 0, result
    (request,) = world.requests_of(alpha)
    assert request["title"] == ("Draft: " if world.kind == "gitlab" else "WIP: ") + "Remove leftover debug code"
    assert ("MR !1" if world.kind == "gitlab" else "PR #1") + " (draft)" in result.stdout
    data, _ = world.status(path)
    assert data["summary_line"] == "1 draft"
