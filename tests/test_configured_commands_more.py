"""The marker test of tests/test_configured_commands.py, for the commands built beside that work:
`apply --verify` and `checklist --apply --verify` (the user's command runs; nothing the repository
configures does), a warm cached `check`, `fixer clean`, and `fixer campaign run/status/close` against
local bare repositories whose config names hooks, filters and an upload-pack.

Every forge token is in fixer's environment; none may reach a git process (seen by a recording `git`
first on PATH) nor the user's own --verify command."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import git

from campaign_server import FakeForge
from campaign_support import BRANCH, DEBUGGER, TIDY, branch_sha, campaign_file
from conftest import init_repo, run_cli
from test_configured_commands import configured_repo, executable, logging_git, ran  # noqa: F401

TOKENS = {"GITHUB_TOKEN": "ghp_AUDIT_GITHUB_0123456789", "GITLAB_TOKEN": "glpat-AUDIT_GITLAB_0123456789",
          "GITEA_TOKEN": "gitea_AUDIT_0123456789"}
SERVER_HOOKS = ("pre-receive", "update", "post-receive", "post-update", "reference-transaction", "proc-receive",
                "push-to-checkout", "pre-push", "post-checkout", "post-merge", "pre-auto-gc")


def env_with(folder: Path, **more: str) -> dict[str, str]:
    return {**TOKENS, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", **more}


def git_calls(log: Path) -> list[str]:
    return [p.read_text(errors="replace") for p in log.iterdir()]


def leaked(texts: list[str]) -> list[str]:
    return [name for name, value in TOKENS.items() if any(value in text for text in texts)]


def clear(folder: Path) -> None:
    for leftover in folder.iterdir():
        leftover.unlink()


def test_verify_runs_the_users_command_without_tokens_and_nothing_the_repository_configures(tmp_path, logging_git):
    repo, _, marker = configured_repo(tmp_path)
    root = Path(repo.working_tree_dir)
    seen = tmp_path / "verify-env"
    seen.mkdir()
    command = f'env > "{seen}/run.$$"'
    folder, log = logging_git
    steps = [
        (["apply", "--verify", command], (0,)),
        (["checklist", "docs/RELEASE.md", "--apply", "--branch", "fixer/checklist", "--verify", command], (0,)),
    ]
    for args, codes in steps:
        clear(seen)
        clear(log)
        result = run_cli(*args, cwd=root, env=env_with(folder))
        assert result.exit_code in codes and "Traceback" not in result.stderr, (args, result)
        runs = [p.read_text() for p in seen.iterdir()]
        assert len(runs) >= 2, args  # the base and the fixed tree: the user's command did run
        assert leaked(runs) == [], args
        calls = git_calls(log)
        assert any("\narchive\n" in f"\n{call}" or "\ncat-file\n" in f"\n{call}" for call in calls), args
        assert ran(marker) == [], args
        assert leaked(calls) == [], args
    assert "with open" not in (repo.commit("fixer/cleanup").tree / "app/worker.py").data_stream.read().decode()


def test_a_warm_cached_check_and_clean_run_nothing_the_repository_configures(tmp_path, logging_git):
    repo, _, marker = configured_repo(tmp_path)
    root = Path(repo.working_tree_dir)
    folder, log = logging_git
    cache = Path(repo.git_dir) / "fixer" / "cache"
    shown = []
    for turn in ("cold", "warm"):
        clear(log)
        result = run_cli("check", cwd=root, env=env_with(folder, FIXER_NO_CACHE="0"))
        assert result.exit_code == 1 and "Traceback" not in result.stderr, (turn, result)
        assert "app/worker.py" in result.stdout and any(cache.iterdir()), turn
        shown.append(result.stdout)
        calls = git_calls(log)
        assert any("\nls-files\n" in f"\n{call}" for call in calls), turn  # the cache's keys came from git
        assert ran(marker) == [], turn
        assert leaked(calls) == [], turn
    assert shown[0] == shown[1]  # the warm run's verdicts came from the cache
    clear(log)
    result = run_cli("clean", cwd=root, env=env_with(folder, FIXER_NO_CACHE="0"))
    assert result.exit_code == 0 and not cache.exists(), result
    assert ran(marker) == []
    assert leaked(git_calls(log)) == []


def hostile_remote(tmp_path: Path, forge, name: str, files: dict[str, str], marker: Path) -> Path:
    """A repository on the forge whose bare repository names a program for every hook, a filter for
    every file (required), an fsmonitor and, for its own remote, an upload-pack and receive-pack."""
    tools = tmp_path / "tools"
    tool = executable(tools / "tool",
                      f'#!/bin/sh\ntouch "{marker}/$1"\nshift\n[ "$1" = cat ] && shift && exec cat "$@"\nexit 0\n')
    for pack in ("upload-pack", "receive-pack"):
        executable(tools / pack, f'#!/bin/sh\ntouch "{marker}/{pack}"\nexec git-{pack} "$@"\n')
    hooks = tmp_path / "hooks" / name
    for hook in SERVER_HOOKS:
        executable(hooks / hook, f'#!/bin/sh\ntouch "{marker}/hook-{hook}"\ncat > /dev/null\nexit 0\n')
    work = tmp_path / "work" / name
    init_repo(work, {**files, ".gitattributes": "* filter=evil diff=evil\n"})
    bare = tmp_path / "remotes" / f"{name}.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    remote = git.Repo(bare)
    with remote.config_writer() as config:
        config.set_value("core", "hooksPath", str(hooks))
        config.set_value("core", "fsmonitor", f"{tool} fsmonitor")
        config.set_value('filter "evil"', "clean", f"{tool} clean cat")
        config.set_value('filter "evil"', "smudge", f"{tool} smudge cat")
        config.set_value('filter "evil"', "required", "true")
        config.set_value('diff "evil"', "textconv", f"{tool} textconv cat")
        config.set_value("receive", "denyCurrentBranch", "updateInstead")
        config.set_value('remote "origin"', "url", str(work))
        config.set_value('remote "origin"', "uploadpack", str(tools / "upload-pack"))
        config.set_value('remote "origin"', "receivepack", str(tools / "receive-pack"))
    forge.add_repo(f"acme/{name}", bare)
    return bare


def test_the_set_up_of_hostile_remotes_is_live(tmp_path):
    """Plain git pushing to such a remote does run its hooks (what the campaign test must not see)."""
    marker = tmp_path / "marker"
    marker.mkdir()
    with FakeForge() as forge:
        bare = hostile_remote(tmp_path, forge, "alpha", {"app.py": DEBUGGER}, marker)
    work = git.Repo(tmp_path / "work" / "alpha")
    work.git.push(str(bare), "main:probe")
    assert {"hook-pre-receive", "hook-update", "hook-post-receive", "hook-reference-transaction"} <= set(ran(marker))


def test_campaign_run_status_and_close_run_nothing_the_remotes_configure(tmp_path, logging_git):
    marker = tmp_path / "marker"
    marker.mkdir()
    folder, log = logging_git
    with FakeForge() as forge:
        urls = {"alpha": hostile_remote(tmp_path, forge, "alpha", {"app.py": DEBUGGER}, marker).as_uri(),
                "beta": str(hostile_remote(tmp_path, forge, "beta", {"app.py": TIDY}, marker))}
        path = campaign_file(tmp_path, forge, urls)
        clear(marker)
        for args in (["run", str(path)], ["status", str(path)], ["close", str(path)]):
            clear(log)
            result = run_cli("campaign", *args, env=env_with(folder))
            assert result.exit_code == 0 and "Traceback" not in result.stderr, (args, result)
            calls = git_calls(log)
            assert args[0] == "status" or calls, args  # the wrapper saw the campaign's git calls
            assert ran(marker) == [], args
            assert leaked(calls) == [], args
            if args[0] == "run":
                opened = branch_sha(tmp_path / "remotes" / "alpha.git")
                assert opened is not None and any("\npush\n" in f"\n{call}" for call in calls)
                assert [p["head"] for p in forge.pulls["acme/alpha"].values()] == [BRANCH]
        assert branch_sha(tmp_path / "remotes" / "alpha.git") is None  # close deleted the pushed branch
        assert any(r["authorization"] == f"token {TOKENS['GITHUB_TOKEN']}" for r in forge.requests)


def test_which_remotes_start_their_receive_pack_on_this_machine():
    from fixer.git.command import is_local_url

    local = ["/srv/git/a.git", "../a.git", "a.git", "file:///srv/git/a.git", "./x:y.git", "/tmp/x:y",
             "/tmp/a::b/r.git", "../a::b"]  # `::` after a slash is part of a path, not a remote helper
    elsewhere = ["git@github.com:acme/a.git", "ssh://git@host/a.git", "https://github.com/acme/a.git",
                 "http://127.0.0.1:8080/a.git", "git://host/a.git", "host:a.git", "ext::sh -c x",
                 "git-remote-x::/srv/a.git"]
    assert [url for url in local if not is_local_url(url)] == []
    assert [url for url in elsewhere if is_local_url(url)] == []
