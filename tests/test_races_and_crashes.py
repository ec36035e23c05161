"""Races and crashes after work was done: a branch checked out while fixer builds it, a run that
started on an older HEAD, a `git status` that fails, names git would expand, bases that are not
commits, a deleted working directory, a parent killed under its workers, and absurd `jobs`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import git

from conftest import init_repo, run_cli
from slowgit import REAL_GIT, SlowGit
from test_git_safety import DEBUG, debris, object_count, small_repo


def one_error(result) -> str:
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert result.exit_code == 2 and len(errors) == 1 and "Traceback" not in result.stderr, result
    return errors[0]


def test_a_branch_checked_out_while_fixer_moves_it_is_put_back_and_refused(tmp_path):
    root = tmp_path / "r"
    repo = small_repo(root, wip=False)
    assert run_cli("apply", "--branch", "fixer/x", cwd=root).exit_code == 0
    old_tip = repo.commit("fixer/x").hexsha
    (root / "app/w9.py").write_text(DEBUG.format(name="w9"))
    repo.git.add("-A")
    repo.git.commit("-m", "more work")
    slow = SlowGit(tmp_path / "slow", delay=1.0)
    proc = slow.start("apply", "--branch", "fixer/x", cwd=root)
    assert slow.wait_for_call(proc, r"update-ref -m"), slow.calls()
    # While git is about to move the branch, the user checks it out in a worktree of their own.
    subprocess.run([REAL_GIT, "worktree", "add", "-q", str(tmp_path / "wt"), "fixer/x"], cwd=root, check=True)
    _, err = proc.communicate(timeout=120)
    lines = [line for line in err.splitlines() if line.strip()]
    assert proc.returncode == 2 and "Traceback" not in err, err
    assert "checked out" in lines[-1] and "fixer/x" in lines[-1], err
    assert repo.commit("fixer/x").hexsha == old_tip  # put back where the checkout found it
    assert subprocess.run([REAL_GIT, "status", "--porcelain"], cwd=tmp_path / "wt", capture_output=True,
                          text=True, check=True).stdout == ""  # no staged reverse of a commit in that worktree


def test_a_run_that_started_on_an_older_head_says_the_branch_moved(tmp_path):
    root = tmp_path / "r"
    repo = small_repo(root, wip=False)
    slow = SlowGit(tmp_path / "slow", delay=0.3)
    late = slow.start("apply", "--branch", "fixer/x", cwd=root)
    assert slow.wait_for_call(late, r"check-ref-format"), slow.calls()  # its base (HEAD) is read by now
    (root / "app/w9.py").write_text(DEBUG.format(name="w9"))
    repo.git.add("-A")
    repo.git.commit("-m", "the user's next commit")
    assert run_cli("apply", "--branch", "fixer/x", cwd=root).exit_code == 0  # another run, on the new HEAD
    built = repo.commit("fixer/x").hexsha
    _, err = late.communicate(timeout=120)
    lines = [line for line in err.splitlines() if line.strip()]
    assert late.returncode == 2 and "Traceback" not in err, err
    assert "moved while this run worked" in lines[-1] and "run again" in lines[-1], err
    assert "--force" not in err and "the user's next commit" not in err
    assert repo.commit("fixer/x").hexsha == built


def test_a_failing_git_status_stops_branch_mode_before_anything_is_written(tmp_path):
    root = tmp_path / "r"
    repo = small_repo(root, wip=False)
    index = Path(repo.git_dir, "index")
    index.write_bytes(b"DIRC" + b"garbage" * 8)  # a damaged index: `git status` fails
    objects = object_count(repo)
    error = one_error(run_cli("apply", "--branch", "fixer/x", cwd=root))
    assert "git status failed" in error
    assert "fixer/x" not in repo.heads and object_count(repo) == objects and debris(repo) == []


def test_names_git_would_expand_are_refused_before_any_object_is_written(tmp_path):
    root = tmp_path / "r"
    repo = small_repo(root, wip=False)
    repo.git.checkout("-q", "-b", "previous")
    repo.git.checkout("-q", "main")  # now @{-1} expands to "previous"
    objects, refs = object_count(repo), repo.git.for_each_ref()
    for name in ("@{-1}", "x@{1}", "@{upstream}"):
        error = one_error(run_cli("apply", "--branch", name, cwd=root))
        assert "--branch" in error and "@{" in error, error
        assert object_count(repo) == objects and repo.git.for_each_ref() == refs, name


def test_a_base_that_is_not_a_commit_is_one_line_and_exit_2(tmp_path):
    root = tmp_path / "r"
    small_repo(root, wip=False)
    for base in ("HEAD:../x", "HEAD:app/w0.py", "HEAD^{tree}", "HEAD:", "nope~3"):
        error = one_error(run_cli("apply", "--base", base, "--branch", "fixer/x", cwd=root))
        assert f"--base {base}" in error, error


def test_a_deleted_working_directory_is_one_line_and_exit_2(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    code = ("import os, subprocess, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
            "p = subprocess.run([sys.executable, '-m', 'fixer', *sys.argv[2:]], capture_output=True, text=True); "
            "print(p.returncode); print(p.stderr, end='')")
    for args in (["check"], ["apply", "--in-place"]):
        gone.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-c", code, str(gone), *args], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        returncode, *stderr = done.stdout.splitlines()
        assert returncode == "2" and len(stderr) == 1 and "no longer exists" in stderr[0], done.stdout


def test_pool_workers_die_quietly_when_the_parent_is_killed(tmp_path):
    root = tmp_path / "r"
    big = "".join(f"def f{n}(x):\n    y = x * {n}\n    return y\n\n\n" for n in range(400))
    files = {f"app/m{n:03}.py": big + 'breakpoint()\n' for n in range(120)}
    files["fixer.toml"] = "[fixer]\njobs = 2\n"
    init_repo(root, files)
    stderr = tmp_path / "stderr"
    for trial in range(3):
        with stderr.open("w") as sink:
            proc = subprocess.Popen([sys.executable, "-m", "fixer", "check"], cwd=root, stdout=subprocess.DEVNULL,
                                    stderr=sink, stdin=subprocess.DEVNULL)
            workers: list[int] = []
            deadline = time.monotonic() + 60
            while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
                workers = children(proc.pid)
                time.sleep(0.01)
            assert len(workers) >= 2, "the run never started its workers"
            time.sleep(0.05 * trial)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            time.sleep(2)  # as long as the tracebacks used to keep coming
        assert "Traceback" not in stderr.read_text() and "Error" not in stderr.read_text(), stderr.read_text()
        assert [pid for pid in workers if alive(pid)] == []


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_absurd_jobs_are_capped_at_a_few_per_core_and_said_so(tmp_path):
    from fixer.core import pool
    from fixer.core.config import Config

    cores = pool.default_jobs()
    assert pool.jobs_for(Config(jobs=100_000), files=10**7, chars=10**10) == 4 * cores
    assert pool.jobs_for(Config(jobs=2), files=10**7, chars=10**10) == 2
    root = tmp_path / "r"
    init_repo(root, {"app/a.py": "breakpoint()\n", "fixer.toml": "[fixer]\njobs = 100000\n"})
    result = run_cli("check", cwd=root)
    assert result.exit_code == 1
    assert f"jobs: 100000 asked for, {4 * cores} used (4 per core, {cores} cores)" in result.stderr


def drop_object(repo: git.Repo, sha: str) -> None:
    Path(repo.git_dir, "objects", sha[:2], sha[2:]).unlink()


def test_a_missing_blob_is_reported_in_one_line_and_no_branch_is_made(tmp_path):
    """The commit the branch would start from is damaged: the file is named, and git itself refuses
    to build a tree over the missing object (one line each, exit 2)."""
    root = tmp_path / "r"
    repo = init_repo(root, {"app/a.py": "breakpoint()\n", "app/b.py": "x = 1\nbreakpoint()\n"})
    drop_object(repo, repo.head.commit.tree["app/a.py"].hexsha)
    for args in (["apply", "--dry-run"], ["apply", "--branch", "fixer/x"]):
        result = run_cli(*args, cwd=root)
        assert result.exit_code == 2 and "Traceback" not in result.stderr, result
        said = result.stdout + result.stderr
        assert "error: app/a.py: cannot read" in said or "invalid object" in said and "app/a.py" in said, said
    assert "fixer/x" not in repo.heads


def test_a_git_command_gitpython_runs_that_fails_is_one_line_and_exit_2(tmp_path):
    """A commit of the branch is missing from the object store: `git rev-list` fails under GitPython."""
    root = tmp_path / "r"
    repo = init_repo(root, {"app/a.py": "breakpoint()\n"})
    repo.git.checkout("-q", "-b", "fixer/x")
    (root / "notes.txt").write_text("x\n")
    repo.git.add("notes.txt")
    repo.git.commit("-m", "the user's commit")
    lost = repo.head.commit.hexsha
    repo.git.checkout("-q", "main")
    drop_object(repo, lost)
    error = one_error(run_cli("apply", "--branch", "fixer/x", cwd=root))
    assert error.startswith("fixer: error: git rev-list failed: ") and "\n" not in error
    assert repo.git.rev_parse("fixer/x") == lost  # not moved
