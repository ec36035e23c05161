"""The CI templates beside the GitHub Action: the GitLab CI job (ci/gitlab/fixer.gitlab-ci.yml, for
`include:`) and the Gitea/Forgejo Actions workflow (ci/gitea/fixer.yml). Their YAML is parsed, every
fixer command they run is parsed by the real CLI with every option it passes shown in that command's
--help, and their scripts are run for real by bash against a bare remote and the forge's stand-in."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import git
import pytest
import typer
import yaml

from conftest import init_repo, run_cli, with_debug_logs
from gitea_server import FakeGitea
from gitlab_server import FakeGitLab

ROOT = Path(__file__).resolve().parent.parent
GITLAB = ROOT / "ci/gitlab/fixer.gitlab-ci.yml"
GITEA = ROOT / "ci/gitea/fixer.yml"
TOKEN = "ci-FAKE_TOKEN_0123456789abcdef"
WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
RECORDER = 'fixer() { printf "%s\\0" "$@" >> "$FIXER_RECORD"; printf "\\n" >> "$FIXER_RECORD"; }\n'


def gitlab_job() -> tuple[dict, dict]:
    template = yaml.safe_load(GITLAB.read_text())
    return template[".fixer"], template["fixer"]


def gitea_job() -> tuple[dict, dict]:
    workflow = yaml.safe_load(GITEA.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    return triggers, workflow["jobs"]["fixer"]


def gitlab_scripts() -> list[str]:
    return gitlab_job()[0]["script"]


def gitea_steps() -> list[dict]:
    """The steps after installing fixer (checkout, Python and pip are the runner's job)."""
    steps = gitea_job()[1]["steps"]
    names = [step.get("name") for step in steps]
    return steps[names.index("Install fixer") + 1:]


def expand(value: str, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m.group(1)], str(value))


def test_the_templates_run_on_a_schedule_and_name_the_forge():
    template, job = gitlab_job()
    assert job["extends"] == ".fixer"
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert template["variables"]["GIT_DEPTH"] == "0"
    assert "--forge gitlab" in gitlab_scripts()[1] and "$CI_API_V4_URL" in gitlab_scripts()[1]
    triggers, gitea = gitea_job()
    assert triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    assert gitea["steps"][0]["with"]["fetch-depth"] == 0
    assert "--forge gitea" in gitea_steps()[-1]["run"]


def recorded_commands(tmp_path: Path, scripts: list[tuple[str, dict[str, str]]]) -> list[list[str]]:
    """Run the scripts with `fixer` replaced by a shell function that records its arguments, every
    optional input set, so each branch of the scripts runs."""
    repo = init_repo(tmp_path / "rec", {"README.md": "x\n"})
    repo.git.branch("fixer/cleanup")
    record = tmp_path / "record"
    for script, env in scripts:
        full = {**os.environ, **env, "FIXER_RECORD": str(record), "FIXER_LABELS": "cleanup, bot",
                "FIXER_DRAFT": "true", "FIXER_CHECKLIST": "docs/RELEASE.md", "FIXER_CONFIG": "fixer.toml"}
        proc = subprocess.run(["bash", "-e", "-c", RECORDER + script], cwd=repo.working_tree_dir, env=full,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
    return [line.split("\0")[:-1] for line in record.read_text().splitlines() if line]


@pytest.mark.parametrize("forge", ["gitlab", "gitea"])
def test_every_command_the_template_runs_is_a_real_fixer_command(forge, tmp_path):
    if forge == "gitlab":
        env = {**{k: str(v) for k, v in gitlab_job()[0]["variables"].items()}, "CI_PROJECT_PATH": "acme/service",
               "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_SERVER_HOST": "gitlab.example"}
        scripts = [(script, env) for script in gitlab_scripts()]
    else:
        context = {"secrets.FIXER_TOKEN || github.token": TOKEN, "github.server_url": "https://tea.example",
                   "github.repository": "acme/service"}
        job_env = {k: str(v) for k, v in gitea_job()[1]["env"].items()}
        scripts = [(step["run"], {**job_env, **{k: expand(v, context) for k, v in step.get("env", {}).items()}})
                   for step in gitea_steps()]
    commands = recorded_commands(tmp_path, scripts)
    assert [c[0] for c in commands] == ["checklist", "pr"]  # FIXER_CHECKLIST is set: the checklist path
    click_app = typer.main.get_command(__import__("fixer.cli.app", fromlist=["app"]).app)
    for argv in commands:
        help_text = run_cli(argv[0], "--help").stdout
        for option in (token for token in argv[1:] if token.startswith("--")):
            assert option in help_text, (argv[0], option)
        # The real parser takes the whole command line (an unknown option or a missing value raises).
        command = click_app.get_command(click_app.make_context("fixer", list(argv)), argv[0])
        command.make_context(argv[0], list(argv[1:]))
    assert commands[1][commands[1].index("--forge") + 1] == forge
    assert commands[1][commands[1].index("--label") + 1] == "cleanup" and "--draft" in commands[1]


@pytest.fixture
def ci_repo(tmp_path):
    repo = init_repo(tmp_path / "svc", with_debug_logs({"app/worker.py": WORKER}))
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main")
    return repo, bare


def run_scripts(repo: git.Repo, scripts: list[tuple[str, dict[str, str]]]) -> str:
    shown = ""
    for script, env in scripts:
        full = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
                "GITLAB_CI": "", "GITEA_ACTIONS": "", "GITHUB_ACTIONS": "", **env}
        proc = subprocess.run(["bash", "-e", "-c", script], cwd=repo.working_tree_dir, env=full,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, (script, proc.stdout, proc.stderr)
        shown += proc.stdout + proc.stderr
    return shown


def test_the_gitlab_job_builds_the_branch_and_opens_the_merge_request(ci_repo):
    repo, bare = ci_repo
    template, _ = gitlab_job()
    with FakeGitLab(TOKEN, path="acme/service", bare=bare) as server:
        env = {**{k: str(v) for k, v in template["variables"].items()}, "FIXER_LABELS": "cleanup, bot",
               "CI_PROJECT_PATH": "acme/service", "CI_API_V4_URL": f"{server.url}/api/v4",
               "CI_SERVER_HOST": "gitlab.example", "GITLAB_TOKEN": TOKEN, "GITLAB_CI": "true"}
        shown = run_scripts(repo, [(script, env) for script in template["script"]])
        again = run_scripts(repo, [(template["script"][1], env)])
    assert bare.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha
    (merge_request,) = server.merge_requests.values()
    assert merge_request["labels"] == ["cleanup", "bot"] and merge_request["state"] == "opened"
    assert "merge request !1 opened" in shown and "merge request !1 updated" in again
    assert repo.commit("fixer/cleanup").author.email == "fixer-bot@noreply.gitlab.example"
    assert TOKEN not in shown + again


def test_the_gitea_workflow_builds_the_branch_and_opens_the_pull_request(ci_repo):
    repo, bare = ci_repo
    _, job = gitea_job()
    with FakeGitea(TOKEN, bare=bare) as server:
        context = {"secrets.FIXER_TOKEN || github.token": TOKEN, "github.server_url": server.url,
                   "github.repository": "acme/service"}
        scripts = [(step["run"], {**{k: str(v) for k, v in job["env"].items()}, "FIXER_LABELS": "cleanup",
                                  "FIXER_DRAFT": "true",
                                  **{k: expand(v, context) for k, v in step.get("env", {}).items()}})
                   for step in gitea_steps()]
        shown = run_scripts(repo, scripts)
    assert bare.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha
    (pull,) = server.pulls.values()
    assert pull["labels"] == ["cleanup"] and pull["title"].startswith("WIP: ") and pull["head"] == "fixer/cleanup"
    assert "pull request #1 opened" in shown and TOKEN not in shown


def test_the_gitlab_job_pushes_with_the_token_through_a_credential_helper_not_the_url(tmp_path):
    """The before_script's git lines (installing fixer is pip's job): git gets GITLAB_TOKEN from the
    helper when it asks, and the remote URL holds no secret."""
    template, _ = gitlab_job()
    git_lines = [line for line in template["before_script"] if line.startswith("git ")]
    assert len(git_lines) == 2
    repo = init_repo(tmp_path / "svc", {"README.md": "x\n"})
    repo.create_remote("origin", f"https://gitlab-ci-token:{TOKEN}@gitlab.example/acme/service.git")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home), "GITLAB_TOKEN": TOKEN,
           "CI_SERVER_URL": "https://gitlab.example", "CI_PROJECT_PATH": "acme/service", "GIT_TERMINAL_PROMPT": "0"}
    for line in git_lines:
        proc = subprocess.run(["bash", "-e", "-c", line], cwd=repo.working_tree_dir, env=env, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert TOKEN not in proc.stdout + proc.stderr
    assert repo.remote("origin").url == "https://gitlab.example/acme/service.git"
    asked = subprocess.run(["git", "credential", "fill"], cwd=repo.working_tree_dir, env=env, capture_output=True,
                           text=True, timeout=60, input="protocol=https\nhost=gitlab.example\n\n")
    assert asked.returncode == 0, asked.stderr
    assert "username=oauth2\n" in asked.stdout and f"password={TOKEN}\n" in asked.stdout
