"""The CI templates that fan a campaign out: the YAML parses, its matrix, artifacts and final merge fit
together, every fixer command in it is a real one, and the GitHub workflow's own command lines, run
shard by shard against local repositories and the stand-in forge, add up to one merged status."""
from __future__ import annotations

import fnmatch
import glob
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from campaign_server import FakeForge
from campaign_support import DEBUGGER, TIDY, TOKEN, bare_repo, campaign_file
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / "ci" / "github" / "campaign.yml"
GITLAB = ROOT / "ci" / "gitlab" / "campaign.gitlab-ci.yml"


def fixer_commands(scripts: list[str], values: dict[str, str]) -> list[list[str]]:
    """The argument lists of every `fixer ...` line, with the CI's variables filled in and the shell's
    redirections and pipes left out."""
    commands = []
    for script in scripts:
        for line in script.splitlines():
            line = line.strip()
            if not line.startswith("fixer "):
                continue
            for name, value in values.items():
                line = line.replace(name, value)
            words = list(shlex.shlex(line, posix=True, punctuation_chars=True))
            cut = next((i for i, word in enumerate(words) if word in (">", ">>", "|")), len(words))
            assert not any("$" in word for word in words[:cut]), f"unfilled variable in {line!r}"
            commands.append(words[1:cut])
    return commands


def github_workflow() -> dict:
    return yaml.safe_load(GITHUB.read_text())


def github_scripts(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def gitlab_pipeline() -> dict:
    return yaml.safe_load(GITLAB.read_text())


def github_values(shard: str) -> dict[str, str]:
    env = github_workflow()["env"]
    return {"${{ matrix.shard }}": shard, '"$CAMPAIGN"': env["CAMPAIGN"], "$SHARDS": env["SHARDS"]}


def gitlab_values(shard: str) -> dict[str, str]:
    variables = gitlab_pipeline()["variables"]
    return {'"$CAMPAIGN"': variables["CAMPAIGN"], "$SHARDS": variables["SHARDS"], "$SHARD": shard}


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_github_matrix_shards_upload_their_states_and_a_final_job_merges_them():
    workflow = github_workflow()
    shards, status = workflow["jobs"]["shard"], workflow["jobs"]["status"]
    total = int(workflow["env"]["SHARDS"])
    assert shards["strategy"]["matrix"]["shard"] == list(range(1, total + 1))
    assert shards["strategy"]["fail-fast"] is False
    (run,) = fixer_commands(github_scripts(shards), github_values("2"))
    assert run[:2] == ["campaign", "run"] and option(run, "--shard") == f"2/{total}"
    upload = next(step for step in shards["steps"] if step.get("uses", "").startswith("actions/upload-artifact"))
    state = upload["with"]["path"].replace("${{ matrix.shard }}", "2")
    assert option(run, "--state") == state and upload["if"] == "always()"
    assert status["needs"] == "shard" and status["if"] == "always()"
    download = next(step for step in status["steps"] if step.get("uses", "").startswith("actions/download-artifact"))
    assert fnmatch.fnmatch(upload["with"]["name"].replace("${{ matrix.shard }}", "2"), download["with"]["pattern"])
    merges = fixer_commands(github_scripts(status), github_values("?"))
    assert merges and all(m[:2] == ["campaign", "status"] and "--merge" in m for m in merges)
    for merge in merges:
        pattern = merge[merge.index("--merge") + 1]
        assert fnmatch.fnmatch(f"{download['with']['path']}/{state}", pattern)


def test_the_gitlab_parallel_matrix_keeps_each_shards_state_and_merges_them():
    pipeline = gitlab_pipeline()
    job, status = pipeline["campaign"], pipeline["campaign-status"]
    total = int(pipeline["variables"]["SHARDS"])
    (matrix,) = job["parallel"]["matrix"]
    assert matrix["SHARD"] == [str(k) for k in range(1, total + 1)]
    (run,) = fixer_commands(job["script"], gitlab_values("3"))
    assert run[:2] == ["campaign", "run"] and option(run, "--shard") == f"3/{total}"
    assert option(run, "--state") == job["artifacts"]["paths"][0].replace("$SHARD", "3")
    assert job["artifacts"]["when"] == "always" and status["when"] == "always"
    assert status["needs"] == [{"job": "campaign", "artifacts": True}]
    merges = fixer_commands(status["script"], gitlab_values("?"))
    assert merges and all(fnmatch.fnmatch(option(run, "--state"), m[m.index("--merge") + 1]) for m in merges)


@pytest.mark.parametrize("template", ["github", "gitlab"])
def test_every_fixer_command_in_the_templates_is_a_real_one(template):
    if template == "github":
        workflow = github_workflow()
        commands = [c for job in workflow["jobs"].values()
                    for c in fixer_commands(github_scripts(job), github_values("1"))]
    else:
        pipeline = gitlab_pipeline()
        scripts = [line for job in pipeline.values() if isinstance(job, dict) for line in job.get("script", [])]
        commands = fixer_commands(scripts, gitlab_values("1"))
    assert {tuple(c[:2]) for c in commands} == {("campaign", "run"), ("campaign", "status")}
    for command in commands:
        # An unknown command or option fails even with --help; a real one prints its usage.
        proc = subprocess.run([sys.executable, "-m", "fixer", *command, "--help"], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 0, (command, proc.stderr)
        assert proc.stdout.startswith(f"Usage: fixer campaign {command[1]} ")
    bogus = subprocess.run([sys.executable, "-m", "fixer", "campaign", "run", "c.toml", "--shards", "1/2", "--help"],
                           capture_output=True, text=True, timeout=60)
    assert bogus.returncode == 2 and "No such option: --shards" in bogus.stderr


def test_the_github_workflows_own_commands_run_a_campaign_shard_by_shard(tmp_path, monkeypatch):
    workflow = github_workflow()
    total = int(workflow["env"]["SHARDS"])
    with FakeForge() as forge:
        urls = {f"svc-{i}": bare_repo(tmp_path, forge, f"svc-{i}", {"app.py": DEBUGGER if i % 3 else TIDY}).as_uri()
                for i in range(8)}
        campaign_file(tmp_path, forge, urls)
        env = {"GITHUB_TOKEN": TOKEN}
        for shard in range(1, total + 1):  # the matrix's jobs, one after the other
            (run,) = fixer_commands(github_scripts(workflow["jobs"]["shard"]), github_values(str(shard)))
            result = run_cli(*run, cwd=tmp_path, env=env)
            assert result.exit_code == 0, result
            states = tmp_path / "states"  # download-artifact with merge-multiple: every shard's file in one folder
            states.mkdir(exist_ok=True)
            shutil.copy(tmp_path / option(run, "--state"), states)
        merge = fixer_commands(github_scripts(workflow["jobs"]["status"]), github_values("?"))[-1]
        pattern = merge[merge.index("--merge") + 1]
        expanded = merge[:merge.index("--merge") + 1] + sorted(glob.glob(pattern, root_dir=tmp_path)) + \
            merge[merge.index("--merge") + 2:]
        result = run_cli(*expanded, cwd=tmp_path, env=env)
        assert result.exit_code == 0, result
        data = json.loads(result.stdout)
        assert data["summary_line"] == "5 open, 3 clean"
        assert sum(len(pulls) for pulls in forge.pulls.values()) == 5
