"""`fixer apply` on real git repos: the cleanup branch, the user's checkout, identities, refusals."""
from __future__ import annotations

import subprocess

import git
import pytest

from conftest import init_repo, run_cli, run_fixer_process

WORKER = '''import os


def start():
    with open("/tmp/worker_debug.log", "a") as f:
        f.write(f"pid={os.getpid()}")
    serve()
'''
WORKER_FIXED = "def start():\n    serve()\n"
CONFIG = '''[rules.remove-debug-file-writes]
files = ["/tmp/*debug*.log"]

[rules.set-log-level]
from = "INFO"
to = "WARNING"
'''
SETUP = 'import logging\nlogging.basicConfig(level=logging.INFO)\n'


@pytest.fixture
def repo(tmp_path):
    return init_repo(tmp_path / "svc", {"fixer.toml": CONFIG, "app/worker.py": WORKER, "app/setup.py": SETUP,
                                        "README.md": "# svc\n"})


def branch_files(repo: git.Repo, branch: str, path: str) -> str:
    return repo.git.show(f"{branch}:{path}")


def test_apply_commits_one_commit_per_rule_and_leaves_checkout_untouched(repo):
    root = repo.working_tree_dir
    (repo.working_tree_dir and open(f"{root}/notes.txt", "w").write("untracked work in progress\n"))
    repo.git.add("notes.txt")  # staged, uncommitted: must survive
    head_before, index_before = repo.head.commit.hexsha, repo.git.diff("--cached")
    result = run_cli("apply", cwd=root)
    assert result.exit_code == 0, result
    assert repo.active_branch.name == "main" and repo.head.commit.hexsha == head_before
    assert repo.git.diff("--cached") == index_before
    assert open(f"{root}/app/worker.py").read() == WORKER  # working tree unchanged
    commits = list(repo.iter_commits("main..fixer/cleanup"))
    assert [c.summary for c in reversed(commits)] == [
        "fixer: remove-debug-file-writes (1 fix in 1 file)",
        "fixer: set-log-level (1 fix in 1 file)",
    ]
    message = commits[-1].message
    assert "- app/worker.py: 1 fix" in message and "Generated-by: fixer 0.1.0" in message
    assert commits[0].author.email == "maintainer@example.com"
    assert branch_files(repo, "fixer/cleanup", "app/worker.py") + "\n" == WORKER_FIXED
    assert "level=logging.WARNING" in branch_files(repo, "fixer/cleanup", "app/setup.py")


def test_rerun_is_idempotent_and_rebuilds_on_new_base(repo):
    root = repo.working_tree_dir
    assert run_cli("apply", cwd=root).exit_code == 0
    tip = repo.commit("fixer/cleanup").hexsha
    again = run_cli("apply", cwd=root)
    assert again.exit_code == 0 and "already up to date" in again.stdout
    assert repo.commit("fixer/cleanup").hexsha == tip
    # New work on main: the branch is rebuilt from the new base.
    open(f"{root}/README.md", "a").write("more\n")
    repo.git.commit("-am", "docs")
    assert run_cli("apply", cwd=root).exit_code == 0
    rebuilt = repo.commit("fixer/cleanup")
    assert rebuilt.hexsha != tip
    assert repo.is_ancestor(repo.head.commit, rebuilt)
    assert len(list(repo.iter_commits("main..fixer/cleanup"))) == 2


def test_foreign_commits_on_branch_are_refused_unless_forced(repo):
    root = repo.working_tree_dir
    assert run_cli("apply", cwd=root).exit_code == 0
    repo.git.checkout("fixer/cleanup")
    open(f"{root}/README.md", "a").write("hand edit\n")
    repo.git.commit("-am", "Reviewer tweak")
    repo.git.checkout("main")
    tip = repo.commit("fixer/cleanup").hexsha
    refused = run_cli("apply", cwd=root)
    assert refused.exit_code == 2
    assert "Reviewer tweak" in refused.stderr and "--force" in refused.stderr
    assert repo.commit("fixer/cleanup").hexsha == tip
    forced = run_cli("apply", "--force", cwd=root)
    assert forced.exit_code == 0
    assert "Reviewer tweak" not in [c.summary for c in repo.iter_commits("main..fixer/cleanup")]


def test_squash_branch_name_base_and_author(repo):
    root = repo.working_tree_dir
    first = repo.head.commit.hexsha
    open(f"{root}/README.md", "a").write("later\n")
    repo.git.commit("-am", "later")
    result = run_cli("apply", "--squash", "--branch", "bot/cleanup", "--base", first,
                     "--author", "Cleanup Bot <bot@example.org>", cwd=root)
    assert result.exit_code == 0, result
    commits = list(repo.iter_commits(f"{first}..bot/cleanup"))
    assert len(commits) == 1
    assert commits[0].parents[0].hexsha == first
    assert commits[0].summary == "fixer: cleanup (2 fixes in 2 files)"
    assert (commits[0].author.name, commits[0].author.email) == ("Cleanup Bot", "bot@example.org")
    assert (commits[0].committer.email) == "bot@example.org"


def test_bot_identity_when_git_has_none(tmp_path, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    files = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'
    repo = init_repo(tmp_path / "r", {"app/worker.py": WORKER, "fixer.toml": files}, identity=False)
    proc = run_fixer_process("apply", cwd=repo.working_tree_dir,
                             env={"HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"})
    assert proc.returncode == 0, proc.stderr
    commit = repo.commit("fixer/cleanup")
    assert (commit.author.name, commit.author.email) == ("fixer-bot", "fixer-bot@users.noreply.github.com")


def test_nothing_to_fix_makes_no_branch(tmp_path):
    repo = init_repo(tmp_path / "clean", {"app/ok.py": "print('fine')\n"})
    result = run_cli("apply", cwd=repo.working_tree_dir)
    assert result.exit_code == 0 and "nothing to fix" in result.stdout
    assert "fixer/cleanup" not in repo.heads


def test_apply_reads_the_base_commit_not_uncommitted_edits(repo):
    root = repo.working_tree_dir
    open(f"{root}/app/worker.py", "a").write("# uncommitted\n")
    result = run_cli("apply", cwd=root)
    assert result.exit_code == 0
    assert "# uncommitted" not in branch_files(repo, "fixer/cleanup", "app/worker.py")
    assert "not part of the branch" in result.stderr


def test_refuses_outside_git_empty_repo_and_detached_head(tmp_path, repo):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "w.py").write_text(WORKER)
    outside = run_cli("apply", cwd=plain)
    assert outside.exit_code == 2 and "not a git repository" in outside.stderr
    assert (plain / "w.py").read_text() == WORKER

    empty = init_repo(tmp_path / "empty")
    (tmp_path / "empty" / "w.py").write_text(WORKER)
    result = run_cli("apply", cwd=empty.working_tree_dir)
    assert result.exit_code == 2 and "no commits yet" in result.stderr

    repo.git.checkout("--detach")
    detached = run_cli("apply", cwd=repo.working_tree_dir)
    assert detached.exit_code == 2 and "detached" in detached.stderr
    assert "fixer/cleanup" not in repo.heads
    assert run_cli("apply", "--base", "main", cwd=repo.working_tree_dir).exit_code == 0


def test_refuses_to_rewrite_the_checked_out_branch(repo):
    repo.git.checkout("-b", "fixer/cleanup")
    result = run_cli("apply", cwd=repo.working_tree_dir)
    assert result.exit_code == 2 and "checked out" in result.stderr


def test_dry_run_shows_diff_and_writes_nothing(repo):
    result = run_cli("apply", "--dry-run", cwd=repo.working_tree_dir)
    assert result.exit_code == 1
    assert "diff --git a/app/worker.py b/app/worker.py" in result.stdout
    assert "-    with open(\"/tmp/worker_debug.log\", \"a\") as f:" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when piped
    assert "fixer/cleanup" not in repo.heads


def test_check_exit_codes(repo, tmp_path):
    assert run_cli("check", cwd=repo.working_tree_dir).exit_code == 1
    clean = init_repo(tmp_path / "clean", {"app/ok.py": "print('fine')\n"})
    assert run_cli("check", cwd=clean.working_tree_dir).exit_code == 0
    broken = init_repo(tmp_path / "broken", {"app/bad.py": "def f(:\n    open('/tmp/a_debug.log','a').write('x')\n"})
    result = run_cli("check", cwd=broken.working_tree_dir)
    assert result.exit_code == 2 and "app/bad.py" in result.stderr and "syntax error" in result.stderr


def test_git_apply_accepts_the_patch(repo, tmp_path):
    root = repo.working_tree_dir
    patch = tmp_path / "cleanup.patch"
    result = run_cli("diff", "-o", str(patch), cwd=root)
    assert result.exit_code == 1
    text = patch.read_text()
    assert text.startswith("diff --git a/app/setup.py b/app/setup.py\n")
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=root, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=root, check=True)
    assert open(f"{root}/app/worker.py").read() == WORKER_FIXED
