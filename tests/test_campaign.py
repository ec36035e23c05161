"""`fixer campaign`, end to end: local bare repositories as the forge's git side, the stand-in GitHub
(tests/campaign_server.py) on 127.0.0.1 as its API side, and the real CLI."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from campaign_server import FakeForge
from campaign_support import BRANCH, DEBUGGER, TIDY, TOKEN, bare_repo, branch_sha, campaign_file, push_change
from conftest import run_cli

ENV = {"GITHUB_TOKEN": TOKEN}


@pytest.fixture
def forge():
    with FakeForge() as server:
        yield server


def campaign(*args, env=ENV):
    return run_cli("campaign", *args, env=env)


def status_json(path, *args):
    result = campaign("status", str(path), "--format", "json", *args)
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    return data, {repo["name"]: repo for repo in data["repos"]}


def pulls_of(forge, name):
    return list(forge.pulls[f"acme/{name}"].values())


def test_two_shards_open_one_pr_per_repository_with_fixes_and_none_for_clean_ones(tmp_path, forge):
    from fixer.campaign.shard import shard_of

    fixable = ["alpha", "beta", "gamma", "delta"]
    clean = ["echo", "foxtrot"]
    urls = {name: bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER, "util.py": TIDY}).as_uri() for name in fixable}
    urls |= {name: str(bare_repo(tmp_path, forge, name, {"app.py": TIDY})) for name in clean}
    assert {shard_of(f"acme/{name}", 2) for name in urls} == {1, 2}  # both shards have work
    path = campaign_file(tmp_path, forge, urls)

    for shard in ("1/2", "2/2"):
        result = campaign("run", str(path), "--shard", shard, "--jobs", "2")
        assert result.exit_code == 0, result
        mine = [name for name in urls if shard_of(f"acme/{name}", 2) == int(shard[0])]
        finished = sorted(line.split(":")[0] for line in result.stdout.splitlines()[:-1])
        assert finished == sorted(f"acme/{n}" for n in mine)

    for name in fixable:
        (pull,) = pulls_of(forge, name)
        assert (pull["head"], pull["base"], pull["state"], pull["labels"]) == (BRANCH, "main", "open", ["cleanup"])
        bare = tmp_path / "remotes" / f"{name}.git"
        fixed = subprocess.run(["git", "--git-dir", str(bare), "show", f"{BRANCH}:app.py"], capture_output=True,
                               text=True, check=True).stdout
        assert fixed == "def handler(x):\n    return x + 1\n"
        assert pull["title"] == "Remove leftover debug code"
        assert "| remove-debugger-calls | `app.py` | 1 |" in pull["body"]
    for name in clean:
        assert pulls_of(forge, name) == []
        assert branch_sha(tmp_path / "remotes" / f"{name}.git") is None
    assert (tmp_path / "campaign.shard-1-of-2.state.sqlite").is_file()

    states = [str(tmp_path / f"campaign.shard-{k}-of-2.state.sqlite") for k in (1, 2)]
    data, repos = status_json(path, "--merge", *states)
    assert data["summary"]["open"] == 4 and data["summary"]["clean"] == 2 and data["summary"]["failed"] == 0
    assert data["summary_line"] == "4 open, 2 clean"
    assert repos["acme/alpha"]["pr_url"] == "https://github.example/acme/alpha/pull/1"
    assert repos["acme/alpha"]["fixes"] == 1 and repos["acme/echo"]["state"] == "clean"


def test_an_unreachable_repository_is_reported_while_the_rest_finish(tmp_path, forge):
    good = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    clean = bare_repo(tmp_path, forge, "beta", {"app.py": TIDY})
    missing = (tmp_path / "remotes" / "gone.git").as_uri()
    hidden = bare_repo(tmp_path, forge, "hidden", {"app.py": DEBUGGER})
    del forge.repos["acme/hidden"]  # git can fetch it, but the token cannot see it on the forge: a 404
    path = campaign_file(tmp_path, forge, {"alpha": good.as_uri(), "beta": str(clean), "gone": missing,
                                           "hidden": hidden.as_uri()})

    result = campaign("run", str(path), "--jobs", "3")
    assert result.exit_code == 2, result
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if line.startswith("acme/"))
    assert lines["acme/hidden"] == "failed: GitHub API: get repository acme/hidden: 404 Not Found"
    assert branch_sha(hidden) is None  # nothing pushed for a repository the forge refuses
    assert lines["acme/gone"].startswith(f"failed: cannot clone {missing}: ")
    assert "does not appear to be a git repository" in lines["acme/gone"]
    assert lines["acme/alpha"].startswith("opened: 1 fixes in 1 files, PR #1 (open)")
    assert lines["acme/beta"] == "clean (nothing to fix)"
    assert len(pulls_of(forge, "alpha")) == 1

    data, repos = status_json(path)
    assert repos["acme/gone"]["state"] == "failed"
    assert "cannot clone" in repos["acme/gone"]["error"]
    assert data["summary_line"] == "1 open, 2 failed, 1 clean"
    assert TOKEN not in result.stdout + result.stderr


def test_a_rerun_opens_no_duplicate_and_updates_a_pr_only_when_the_fixes_changed(tmp_path, forge):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    beta = bare_repo(tmp_path, forge, "beta", {"app.py": DEBUGGER})
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri(), "beta": beta.as_uri()})
    assert campaign("run", str(path)).exit_code == 0
    first = {name: branch_sha(tmp_path / "remotes" / f"{name}.git") for name in ("alpha", "beta")}
    seen = len(forge.requests)

    again = campaign("run", str(path))
    assert again.exit_code == 0, again
    assert "acme/alpha: unchanged: 1 fixes in 1 files, PR #1 (open)" in again.stdout
    later = forge.requests[seen:]
    assert [r for r in later if r["method"] != "GET"] == []  # no PR opened, edited or labelled
    assert {name: branch_sha(tmp_path / "remotes" / f"{name}.git") for name in first} == first  # nothing pushed

    # A fresh machine (no cache, no state: a new CI runner) finds the PRs on the forge.
    fresh = campaign("run", str(path), "--state", str(tmp_path / "fresh.sqlite"), "--cache", str(tmp_path / "c2"))
    assert fresh.exit_code == 0, fresh
    assert len(forge.created()) == 2

    push_change(tmp_path, "alpha", {"more.py": "import pdb\n\n\ndef g():\n    pdb.set_trace()\n    return 2\n"})
    changed = campaign("run", str(path))
    assert changed.exit_code == 0, changed
    assert "acme/alpha: updated: 2 fixes in 2 files, PR #1 (open)" in changed.stdout
    assert "acme/beta: unchanged" in changed.stdout
    assert len(pulls_of(forge, "alpha")) == 1 and len(forge.created()) == 2
    edits = [r for r in forge.requests if r["method"] == "PATCH"]
    assert [r["path"] for r in edits] == ["/repos/acme/alpha/pulls/1"]
    assert "more.py" in edits[0]["body"]["body"]
    assert branch_sha(alpha) != first["alpha"] and branch_sha(beta) == first["beta"]


def test_a_run_killed_with_kill_9_in_the_middle_completes_on_the_next_run(tmp_path, forge):
    names = ["alpha", "beta", "gamma", "delta"]
    urls = {name: bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER}).as_uri() for name in names}
    path = campaign_file(tmp_path, forge, urls)
    state = tmp_path / "campaign.state.sqlite"
    forge.hold_create["acme/beta"] = held = __import__("threading").Event()
    proc = subprocess.Popen([sys.executable, "-m", "fixer", "campaign", "run", str(path), "--jobs", "1"],
                            cwd=tmp_path, env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        # Killed while beta's PR exists on the forge but the run has not heard back: the worst moment.
        deadline = time.monotonic() + 120
        while not (forge.created("acme/beta") and _finished(state) == {"acme/alpha"}):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        held.set()
    assert proc.returncode == -signal.SIGKILL
    assert _finished(state) == {"acme/alpha"}
    seen = len(forge.requests)

    result = campaign("run", str(path), "--jobs", "2")
    assert result.exit_code == 0, result
    assert "resuming the interrupted run: 1 repositories done, 3 to go" in result.stderr
    assert "acme/alpha" not in result.stdout  # done before the kill: not done again
    assert not [r for r in forge.requests[seen:] if "/acme/alpha" in r["path"]]
    assert "acme/beta: unchanged: 1 fixes in 1 files, PR #1 (open)" in result.stdout
    assert {name: len(pulls_of(forge, name)) for name in names} == dict.fromkeys(names, 1)
    assert _finished(state) == {f"acme/{name}" for name in names}
    data, _ = status_json(path)
    assert data["summary_line"] == "4 open"


def _finished(state) -> set[str]:
    if not state.exists():
        return set()
    try:
        with sqlite3.connect(state, timeout=5) as db:
            return {name for (name,) in db.execute("SELECT name FROM repos WHERE action NOT IN ('running')")}
    except sqlite3.OperationalError:  # the run is creating the tables
        return set()


def test_status_reflects_a_pr_merged_or_closed_on_the_forge_and_its_checks(tmp_path, forge):
    urls = {name: bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER}).as_uri()
            for name in ("alpha", "beta", "gamma")}
    path = campaign_file(tmp_path, forge, urls)
    assert campaign("run", str(path)).exit_code == 0
    forge.merge("acme/alpha", 1)
    forge.close("acme/beta", 1)
    head = branch_sha(tmp_path / "remotes" / "gamma.git")
    forge.check_runs[head] = [
        {"id": 1, "name": "tests", "head_sha": head, "status": "completed", "conclusion": "failure"},
        {"id": 2, "name": "lint", "head_sha": head, "status": "completed", "conclusion": "success"},
        {"id": 3, "name": "e2e", "head_sha": head, "status": "in_progress", "conclusion": None}]
    forge.statuses[head] = [{"id": 9, "state": "success", "context": "ci/build"}]

    data, repos = status_json(path)
    assert (repos["acme/alpha"]["state"], repos["acme/beta"]["state"], repos["acme/gamma"]["state"]) == \
        ("merged", "closed", "open")
    assert repos["acme/gamma"]["checks"] == "1 failed, 1 pending, 2 passed"
    assert data["summary_line"] == "1 merged, 1 open, 1 closed"

    markdown = campaign("status", str(path), "--format", "markdown")
    assert "| acme/gamma | 1 | fixer/remove-leftovers | [#1](https://github.example/acme/gamma/pull/1) | open | " \
           "1 failed, 1 pending, 2 passed |  |" in markdown.stdout
    assert markdown.stdout.rstrip().endswith("**1 merged, 1 open, 1 closed**")
    table = run_cli("campaign", "status", str(path), env={**ENV, "COLUMNS": "200"})
    assert table.stdout.rstrip().endswith("1 merged, 1 open, 1 closed")
    # What the forge said is kept: without the token the last known states are shown.
    _, repos = status_json(path, "--no-refresh")
    assert repos["acme/alpha"]["state"] == "merged" and repos["acme/beta"]["state"] == "closed"

    # The next run leaves both alone: alpha's fixes are on main now, beta was withdrawn by a person.
    rerun = campaign("run", str(path))
    assert rerun.exit_code == 0, rerun
    assert "acme/alpha: clean (nothing to fix)" in rerun.stdout
    assert "acme/beta: unchanged: 1 fixes in 1 files, PR #1 (closed)" in rerun.stdout
    assert len(forge.created()) == 3
    data, repos = status_json(path)
    assert repos["acme/alpha"]["state"] == "merged"


def test_close_withdraws_the_campaign_and_keeps_a_branch_someone_added_to(tmp_path, forge):
    urls = {name: bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER}).as_uri() for name in ("alpha", "beta")}
    urls["gamma"] = bare_repo(tmp_path, forge, "gamma", {"app.py": TIDY}).as_uri()
    path = campaign_file(tmp_path, forge, urls)
    assert campaign("run", str(path)).exit_code == 0

    result = campaign("close", str(path))
    assert result.exit_code == 0, result
    assert f"acme/alpha: closed PR #1, deleted branch {BRANCH}" in result.stdout
    assert "acme/gamma: no open PR" in result.stdout
    assert [p["state"] for name in ("alpha", "beta") for p in pulls_of(forge, name)] == ["closed", "closed"]
    assert branch_sha(tmp_path / "remotes" / "alpha.git") is None
    assert branch_sha(tmp_path / "remotes" / "beta.git") is None
    data, _ = status_json(path)
    assert data["summary_line"] == "2 closed, 1 clean"

    again = campaign("run", str(path))
    assert again.exit_code == 2
    assert "campaign leftovers was closed on" in again.stderr
    assert len(forge.created()) == 2


def test_close_keeps_a_branch_that_holds_someone_elses_commit(tmp_path, forge):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()})
    assert campaign("run", str(path)).exit_code == 0
    work = tmp_path / "work" / "alpha"
    subprocess.run(["git", "-C", str(work), "fetch", "-q", str(alpha), f"{BRANCH}:{BRANCH}"], check=True)
    subprocess.run(["git", "-C", str(work), "checkout", "-q", BRANCH], check=True)
    (work / "note.txt").write_text("reviewer's note\n")
    subprocess.run(["git", "-C", str(work), "add", "note.txt"], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-qm", "reviewer's commit"], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", str(alpha), BRANCH], check=True)
    theirs = branch_sha(alpha)

    result = campaign("close", str(path))
    assert result.exit_code == 2, result
    assert f"acme/alpha: closed PR #1; branch {BRANCH} kept:" in result.stdout
    assert branch_sha(alpha) == theirs
    assert pulls_of(forge, "alpha")[0]["state"] == "closed"


@pytest.mark.parametrize("status", [429, 403])
def test_status_backs_off_on_a_rate_limit_and_retries_after_retry_after(tmp_path, forge, status):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()})
    assert campaign("run", str(path)).exit_code == 0
    forge.throttled["/repos/acme/alpha/pulls/1"] = 1
    forge.throttle_status = status
    seen = len(forge.requests)
    _, repos = status_json(path)
    assert repos["acme/alpha"]["state"] == "open"
    asked = [r for r in forge.requests[seen:] if r["path"] == "/repos/acme/alpha/pulls/1"]
    assert len(asked) == 2
    assert asked[1]["time"] - asked[0]["time"] >= 1.0  # Retry-After: 1


def test_the_campaign_config_is_laid_over_each_repositorys_own(tmp_path, forge):
    own = '[fixer]\nexclude = ["vendor/**"]\n'
    setup = "import logging\nlogging.basicConfig(level=logging.INFO)\n"
    alpha = bare_repo(tmp_path, forge, "alpha", {"fixer.toml": own, "app/setup.py": setup,
                                                 "vendor/lib.py": DEBUGGER, "app/main.py": DEBUGGER})
    extra = '\n[rules.set-log-level]\nfrom = "INFO"\nto = "WARNING"\n'
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()}, extra)
    result = campaign("run", str(path))
    assert result.exit_code == 0, result

    def show(name):
        return subprocess.run(["git", "--git-dir", str(alpha), "show", f"{BRANCH}:{name}"], capture_output=True,
                              text=True, check=True).stdout

    assert show("app/setup.py") == "import logging\nlogging.basicConfig(level=logging.WARNING)\n"  # the campaign's rule
    assert show("app/main.py") == TIDY  # a default rule
    assert show("vendor/lib.py") == DEBUGGER  # the repository's own exclude still holds


def test_discover_lists_the_organisations_repositories_with_include_and_exclude(tmp_path, forge):
    for name in ("svc-a", "svc-b", "svc-legacy", "website"):
        bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER})
    forge.add_repo("acme/svc-archived", bare_repo(tmp_path, forge, "svc-archived", {"app.py": DEBUGGER}), archived=True)
    path = tmp_path / "campaign.toml"
    path.write_text(f'[campaign]\nname = "leftovers"\nbranch = "{BRANCH}"\nforge = "github"\napi-url = "{forge.url}"\n'
                    'discover = { org = "acme", include = ["acme/svc-*"], exclude = ["acme/svc-legacy"] }\n')
    result = campaign("run", str(path))
    assert result.exit_code == 0, result
    assert sorted(line.split(":")[0] for line in result.stdout.splitlines()[:-1]) == ["acme/svc-a", "acme/svc-b"]
    assert [len(pulls_of(forge, n)) for n in ("svc-a", "svc-b", "svc-legacy", "website", "svc-archived")] == \
        [1, 1, 0, 0, 0]


def test_a_branch_holding_someone_elses_commits_is_a_recorded_failure(tmp_path, forge):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    beta = bare_repo(tmp_path, forge, "beta", {"app.py": DEBUGGER})
    work = tmp_path / "work" / "alpha"
    subprocess.run(["git", "-C", str(work), "checkout", "-qb", BRANCH], check=True)
    (work / "notes.txt").write_text("a person's branch of the same name\n")
    subprocess.run(["git", "-C", str(work), "add", "notes.txt"], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-qm", "my own work"], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", str(alpha), BRANCH], check=True)
    theirs = branch_sha(alpha)
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri(), "beta": beta.as_uri()})
    result = campaign("run", str(path))
    assert result.exit_code == 2, result
    assert f"acme/alpha: failed: branch {BRANCH} has commits fixer did not make" in result.stdout
    assert pulls_of(forge, "alpha") == [] and len(pulls_of(forge, "beta")) == 1
    assert branch_sha(alpha) == theirs


@pytest.mark.parametrize("text, reason", [
    ("[campaign]\nbranch = 'b'\n[[repos]]\nname = 'a/b'\nurl = '/x'\n", "'campaign.name' is required"),
    ("[campaign]\nname = 'n'\nbranch = 'b'\nforge = 'svn'\n[[repos]]\nname = 'a/b'\nurl = '/x'\n",
     "'campaign.forge' = 'svn': expected one of github, gitlab, gitea"),
    ("[campaign]\nname = 'n'\nbranch = 'b'\n", "no repositories"),
    ("[campaign]\nname = 'n'\nbranch = 'b'\n[[repos]]\nname = 'a/b'\n", "'repos[1]' needs both url and name"),
    ("[campaign]\nname = 'n'\nbranch = 'b'\n[[repos]]\nname = 'a/b'\nurl = '/x'\n[rules.no-such-rule]\n",
     "unknown rule id 'rules.no-such-rule'"),
    ("[campaign\n", "invalid TOML"),
])
def test_a_bad_campaign_file_is_one_line_and_exit_2(tmp_path, text, reason):
    path = tmp_path / "campaign.toml"
    path.write_text(text)
    result = campaign("run", str(path))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"fixer: error: {path}: ") and reason in line
    assert not (tmp_path / "campaign.state.sqlite").exists()


def test_run_without_the_token_is_one_line_and_exit_2(tmp_path, forge):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()})
    result = campaign("run", str(path), env={"GITHUB_TOKEN": ""})
    assert result.exit_code == 2
    assert result.stderr.strip() == "fixer: error: $GITHUB_TOKEN is not set: a campaign needs a token for the forge"
    assert forge.requests == []


def test_a_terminal_shows_a_progress_bar_and_a_line_per_repository(tmp_path, forge):
    from conftest import run_on_terminal

    urls = {name: bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER}).as_uri() for name in ("alpha", "beta")}
    path = campaign_file(tmp_path, forge, urls)
    code, shown = run_on_terminal("campaign", "run", str(path), "--jobs", "1", cwd=tmp_path, stream="stdout",
                                  env={**ENV, "COLUMNS": "120"})
    assert code == 0, shown
    assert "acme/alpha: opened: 1 fixes in 1 files, PR #1 (open)" in shown
    assert "acme/beta: opened: 1 fixes in 1 files, PR #1 (open)" in shown
    code, bar = run_on_terminal("campaign", "run", str(path), "--jobs", "1", cwd=tmp_path, stream="stderr",
                                env={**ENV, "COLUMNS": "120"})
    assert code == 0, bar
    assert "campaign" in bar and "/2" in bar  # the bar counts the repositories (it is erased at the end)


def test_a_file_no_rule_can_read_fails_its_repository_with_the_reason_and_opens_nothing(tmp_path, forge):
    broken = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER, "bad.py": "def f(:\n    breakpoint()\n"})
    path = campaign_file(tmp_path, forge, {"alpha": broken.as_uri()})
    result = campaign("run", str(path))
    assert result.exit_code == 2, result
    assert "acme/alpha: failed: rule error: bad.py: syntax error at line 1" in result.stdout
    assert pulls_of(forge, "alpha") == [] and branch_sha(broken) is None


def test_the_cache_is_a_partial_clone_kept_for_the_next_run(tmp_path, forge):
    big = "0123456789abcdef\n" * 70_000  # over the 1 MiB filter, and no rule reads it
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER, "data/big.csv": big})
    subprocess.run(["git", "--git-dir", str(alpha), "config", "uploadpack.allowFilter", "true"], check=True)
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()})
    assert campaign("run", str(path)).exit_code == 0
    cached = tmp_path / ".fixer-cache" / "campaign" / "acme%2Falpha.git"
    listing = subprocess.run(["git", "--git-dir", str(cached), "rev-list", "--objects", "--missing=print", "main"],
                             capture_output=True, text=True, check=True).stdout
    big_blob = subprocess.run(["git", "--git-dir", str(alpha), "rev-parse", "main:data/big.csv"], capture_output=True,
                              text=True, check=True).stdout.strip()
    assert f"?{big_blob}" in listing.splitlines()  # never downloaded
    (cached / "kept-marker").write_text("the same clone\n")

    push_change(tmp_path, "alpha", {"more.py": "def g():\n    breakpoint()\n"})
    result = campaign("run", str(path))
    assert result.exit_code == 0, result
    assert "acme/alpha: updated: 2 fixes in 2 files" in result.stdout  # the new commit was fetched
    assert (cached / "kept-marker").is_file()  # into the same cache, not a new clone


def test_ctrl_c_drops_the_repositories_not_started_and_finishes_the_one_in_progress(tmp_path, forge):
    import threading

    names = ["alpha", "beta", "gamma", "delta"]
    urls = {name: bare_repo(tmp_path, forge, name, {"app.py": DEBUGGER}).as_uri() for name in names}
    path = campaign_file(tmp_path, forge, urls)
    forge.hold_create["acme/beta"] = held = threading.Event()
    proc = subprocess.Popen([sys.executable, "-m", "fixer", "campaign", "run", str(path), "--jobs", "1"],
                            cwd=tmp_path, env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not forge.created("acme/beta"):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the whole process group
        time.sleep(0.5)
        held.set()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, (out, err)
    assert "acme/beta: opened: 1 fixes in 1 files, PR #1 (open)" in out  # finished and recorded
    assert not [r for r in forge.requests if "/acme/gamma" in r["path"] or "/acme/delta" in r["path"]]
    assert _finished(tmp_path / "campaign.state.sqlite") == {"acme/alpha", "acme/beta"}

    result = campaign("run", str(path))
    assert result.exit_code == 0, result
    assert "resuming the interrupted run: 2 repositories done, 2 to go" in result.stderr
    assert {name: len(pulls_of(forge, name)) for name in names} == dict.fromkeys(names, 1)


def test_a_draft_campaign_opens_draft_prs_and_status_says_so(tmp_path, forge):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()})
    path.write_text(path.read_text().replace('labels = ["cleanup"]', 'labels = ["cleanup"]\ndraft = true'))
    result = campaign("run", str(path))
    assert result.exit_code == 0, result
    assert "PR #1 (draft)" in result.stdout
    assert pulls_of(forge, "alpha")[0]["draft"] is True
    data, _ = status_json(path)
    assert data["summary_line"] == "1 draft"


def test_close_from_a_fresh_machine_finds_the_prs_on_the_forge(tmp_path, forge):
    alpha = bare_repo(tmp_path, forge, "alpha", {"app.py": DEBUGGER})
    path = campaign_file(tmp_path, forge, {"alpha": alpha.as_uri()})
    assert campaign("run", str(path)).exit_code == 0
    result = campaign("close", str(path), "--state", str(tmp_path / "elsewhere.sqlite"), "--cache", str(tmp_path / "c"))
    assert result.exit_code == 0, result
    assert f"acme/alpha: closed PR #1, deleted branch {BRANCH}" in result.stdout
    assert branch_sha(alpha) is None and pulls_of(forge, "alpha")[0]["state"] == "closed"
