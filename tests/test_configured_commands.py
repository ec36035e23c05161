"""No program the repository configures runs, under any fixer command, and the token reaches no git
environment: hooks in a tracked `core.hooksPath` (husky), `core.fsmonitor`, clean/smudge/process filters
and textconv named in `.gitattributes`, `diff.external`, a remote's `uploadpack`/`receivepack`. Each one,
if git started it, would leave a file in the marker folder."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import git
import pytest

from conftest import init_repo, run_cli, with_debug_logs
from github_server import FakeGitHub

WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'
TOKEN = "ghp_CONFIGURED_COMMANDS_0123456789"
HOOKS = ("pre-push", "reference-transaction", "pre-commit", "post-checkout", "post-commit", "pre-auto-gc",
         "post-index-change", "fsmonitor-watchman", "push-to-checkout", "post-update")


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def configured_repo(tmp_path: Path) -> tuple[git.Repo, git.Repo, Path]:
    """A repository whose config and tracked files name a program for every hook git has: each leaves
    `marker/<what>` when it runs (and otherwise behaves, so nothing fails for another reason)."""
    marker = tmp_path / "marker"
    marker.mkdir()
    tools = tmp_path / "tools"
    tool = executable(tools / "tool", f'#!/bin/sh\ntouch "{marker}/$1"\nshift\n[ "$1" = cat ] && shift && exec cat "$@"\nexit 0\n')
    for name in ("upload-pack", "receive-pack"):
        executable(tools / name, f'#!/bin/sh\ntouch "{marker}/{name}"\nexec git-{name} "$@"\n')
    root = tmp_path / "r"
    files = with_debug_logs({"app/worker.py": WORKER, "app/other.py": "x = 1\n",
                             "docs/RELEASE.md": "# Release\n\n- [ ] Remove all `/tmp/worker_debug.log` writes\n",
                             ".gitattributes": "*.py filter=evil diff=evil\n*.md filter=evil diff=evil\n"})
    files.update({f".husky/{hook}": f'#!/bin/sh\ntouch "{marker}/hook-{hook}"\n' for hook in HOOKS})
    repo = init_repo(root, files)
    for hook in HOOKS:
        (root / ".husky" / hook).chmod(0o755)
    with repo.config_writer() as config:
        config.set_value("core", "hooksPath", ".husky")  # what `npm install` does with husky
        config.set_value("core", "fsmonitor", f"{tool} fsmonitor")
        config.set_value("diff", "external", f"{tool} diff-external")
        config.set_value('diff "evil"', "textconv", f"{tool} textconv cat")
        config.set_value('diff "evil"', "command", f"{tool} diff-command")
        config.set_value('filter "evil"', "clean", f"{tool} clean cat")
        config.set_value('filter "evil"', "smudge", f"{tool} smudge cat")
        config.set_value('filter "evil"', "required", "true")
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main", "--no-verify")
    with repo.config_writer() as config:
        config.set_value('remote "origin"', "uploadpack", str(tools / "upload-pack"))
        config.set_value('remote "origin"', "receivepack", str(tools / "receive-pack"))
    for name in ("app/worker.py", "app/other.py", "docs/RELEASE.md"):
        os.utime(root / name, (2_000_000_000, 2_000_000_000))  # stat-dirty: `git status` would run the clean filter
    for leftover in marker.iterdir():  # the set-up's own git calls ran some of them: start clean
        leftover.unlink()
    return repo, bare, marker


def ran(marker: Path) -> list[str]:
    return sorted(p.name for p in marker.iterdir())


def test_the_set_up_really_runs_each_program_under_plain_git(tmp_path):
    """The configuration is live: plain git (as used before this change) starts every program."""
    repo, _, marker = configured_repo(tmp_path)
    repo.git.status()
    repo.git.diff("HEAD~0", "--", "app/worker.py")
    (Path(repo.working_tree_dir) / "app/other.py").write_text("x = 2\n")
    repo.git.diff()
    repo.git.update_ref("refs/heads/probe", "HEAD")
    repo.git.ls_remote("origin")
    repo.git.push("origin", "main:probe")
    assert {"clean", "fsmonitor", "diff-external", "hook-reference-transaction", "upload-pack", "receive-pack",
            "hook-pre-push"} <= set(ran(marker))


def test_no_fixer_command_runs_anything_the_repository_configures(tmp_path):
    repo, bare, marker = configured_repo(tmp_path)
    root = Path(repo.working_tree_dir)
    patch = tmp_path / "cleanup.patch"
    steps = [
        (["check"], (1,)),
        (["diff", "-o", str(patch)], (1,)),
        (["apply", "--dry-run"], (1,)),
        (["apply"], (0,)),
        (["checklist", "docs/RELEASE.md"], (0, 1)),
        (["checklist", "docs/RELEASE.md", "--apply", "--branch", "fixer/checklist"], (0,)),
        (["pr", "--dry-run", "--base", "main", "--repo", "acme/service"], (0,)),
        (["apply", "--patch", str(patch), "--branch", "fixer/patched"], (0,)),
        (["apply", "--patch", str(patch), "--in-place"], (0,)),
    ]
    for args, codes in steps:
        result = run_cli(*args, cwd=root, env={"GITHUB_TOKEN": TOKEN})
        assert result.exit_code in codes and "Traceback" not in result.stderr, (args, result)
        assert ran(marker) == [], args
    assert "with open" not in (root / "app/worker.py").read_text()
    repo.git.checkout("--", ".")
    marker_files_from_checkout = ran(marker)
    for leftover in marker.iterdir():
        leftover.unlink()
    assert marker_files_from_checkout  # the test's own `git checkout` did run them
    result = run_cli("apply", "--in-place", "--force", cwd=root)
    assert result.exit_code == 0 and ran(marker) == [], result
    repo.git.checkout("--", ".")
    for leftover in marker.iterdir():
        leftover.unlink()
    with FakeGitHub() as server:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", server.url, cwd=root,
                         env={"GITHUB_TOKEN": TOKEN})
    assert result.exit_code == 0, result
    assert bare.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha
    assert ran(marker) == []


@pytest.fixture
def logging_git(tmp_path):
    """A `git` first on PATH that records every command line and environment it is started with."""
    real = git.Git().execute(["git", "--exec-path"]).strip()
    log = tmp_path / "git-calls"
    log.mkdir()
    wrapper = executable(tmp_path / "bin" / "git",
                         f'#!/bin/sh\nf="{log}/$$"\n{{ printf "%s\\n" "$@"; env; }} > "$f"\nexec "{real}/git" "$@"\n')
    return wrapper.parent, log


def test_the_token_is_in_no_git_environment_nor_command_line(tmp_path, logging_git):
    repo, bare, marker = configured_repo(tmp_path)
    root = Path(repo.working_tree_dir)
    assert run_cli("apply", cwd=root).exit_code == 0
    folder, log = logging_git
    with FakeGitHub() as server:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", server.url, cwd=root,
                         env={"GITHUB_TOKEN": TOKEN, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"})
    assert result.exit_code == 0, result
    calls = [p.read_text(errors="replace") for p in log.iterdir()]
    assert any("\npush\n" in f"\n{call}" for call in calls)  # the wrapper saw fixer's git calls
    assert all(TOKEN not in call for call in calls)
    assert ran(marker) == []
    assert all(r["authorization"] in (f"token {TOKEN}", f"Bearer {TOKEN}") for r in server.requests)


POINTER = ("version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")


def test_a_git_lfs_pointer_is_reported_as_not_checkable_and_left_alone(tmp_path):
    """git-lfs is not installed, yet its filter is `required`: fixer neither smudges nor fails on it."""
    root = tmp_path / "r"
    repo = init_repo(root, with_debug_logs({"app/worker.py": WORKER, "app/model.py": POINTER,
                                            ".gitattributes": "app/model.py filter=lfs diff=lfs merge=lfs -text\n"}))
    with repo.config_writer() as config:
        config.set_value('filter "lfs"', "clean", "git-lfs clean -- %f")
        config.set_value('filter "lfs"', "smudge", "git-lfs smudge -- %f")
        config.set_value('filter "lfs"', "process", "git-lfs filter-process")
        config.set_value('filter "lfs"', "required", "true")
    os.utime(root / "app/model.py", (2_000_000_000, 2_000_000_000))
    for args in (["check"], ["apply"], ["apply", "--in-place"]):
        result = run_cli(*args, cwd=root)
        assert "Traceback" not in result.stderr, (args, result)
        assert "app/model.py" in result.stdout + result.stderr and "Git LFS pointer" in result.stdout + result.stderr, args
        assert (root / "app/model.py").read_text() == POINTER
    branch = repo.commit("fixer/cleanup")
    assert (branch.tree / "app/model.py").data_stream.read().decode() == POINTER
    assert "with open" not in (branch.tree / "app/worker.py").data_stream.read().decode()


def test_the_push_gets_the_token_from_fixer_alone_and_only_the_push(tmp_path, logging_git):
    """An https-style remote (git's own http-backend) that wants credentials for a push: fixer's
    credential helper hands over the token, from a pipe; no git process sees it elsewhere."""
    from git_http_server import GitHttpServer

    repo, _, marker = configured_repo(tmp_path)
    root = Path(repo.working_tree_dir)
    projects = tmp_path / "served"
    served = git.Repo.init(projects / "service.git", bare=True, initial_branch="main")
    repo.git.push(str(served.git_dir), "main", "--no-verify")
    assert run_cli("apply", cwd=root).exit_code == 0
    for leftover in marker.iterdir():
        leftover.unlink()
    folder, log = logging_git
    with GitHttpServer(projects, TOKEN) as remote, FakeGitHub() as api:
        repo.git.remote("set-url", "origin", f"{remote.url}/service.git")
        result = run_cli("pr", "--repo", "acme/service", "--api-url", api.url, cwd=root,
                         env={"GITHUB_TOKEN": TOKEN, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"})
        pushes = [r for r in remote.requests if r["push"]]
    assert result.exit_code == 0, result
    assert served.commit("fixer/cleanup").hexsha == repo.commit("fixer/cleanup").hexsha
    assert any(remote.allowed(r["authorization"]) for r in pushes)  # the token went with the push...
    assert all(not r["authorization"] for r in remote.requests if not r["push"])  # ...and only with it
    assert all(TOKEN not in p.read_text(errors="replace") for p in log.iterdir())
    assert ran(marker) == []
    assert TOKEN not in result.stdout + result.stderr
