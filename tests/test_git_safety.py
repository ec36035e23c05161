"""Branch mode never puts the user's index, branches or worktrees at risk: races, kill -9, linked
worktrees, reviewer amends, hostile branch names and a git that fails half-way."""
from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import git
import pytest

from conftest import init_repo, run_cli
from slowgit import REAL_GIT, SlowGit, kill_group

DEBUG = 'def {name}():\n    with open("/tmp/{name}_debug.log", "a") as f:\n        f.write("x")\n    return 1\n'
CONFIG = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n\n' \
         '[rules.set-log-level]\nfrom = "INFO"\nto = "WARNING"\n'
SETUP = "import logging\nlogging.basicConfig(level=logging.INFO)\n"


def small_repo(root: Path, files: int = 3, wip: bool = True) -> git.Repo:
    content = {"fixer.toml": CONFIG, "app/setup.py": SETUP, "README.md": "# svc\n"}
    content.update({f"app/w{n}.py": DEBUG.format(name=f"w{n}") for n in range(files)})
    repo = init_repo(root, content)
    if not wip:
        return repo
    # Work in progress the user cares about: a staged new file and a staged edit, plus an unstaged one.
    (root / "notes.txt").write_text("staged, never committed\n")
    (root / "README.md").write_text("# svc\nstaged edit\n")
    repo.git.add("notes.txt", "README.md")
    (root / "app/setup.py").write_text(SETUP + "# unstaged\n")
    return repo


def index_bytes(repo: git.Repo) -> bytes:
    return Path(repo.git_dir, "index").read_bytes()


def status(root: Path) -> str:
    """`git status` that does not refresh (rewrite) the index it is asked about."""
    return subprocess.run([REAL_GIT, "--no-optional-locks", "status", "--porcelain"], cwd=root, check=True,
                          capture_output=True, text=True).stdout


def git_files(repo: git.Repo) -> list[str]:
    """Every file under .git except objects: refs, logs, locks, stray indexes."""
    git_dir = Path(repo.git_dir)
    return sorted(str(p.relative_to(git_dir)) for p in git_dir.rglob("*") if "objects" not in p.relative_to(git_dir).parts)


def debris(repo: git.Repo) -> list[str]:
    """What a broken run can strand under .git: GitPython's moved index, git's temp objects, our own."""
    git_dir = Path(repo.git_dir)
    found = [p.name for p in git_dir.iterdir() if p.name.startswith("index") and p.name != "index"]
    found += [str(p.relative_to(git_dir)) for p in (git_dir / "objects").rglob("*") if p.name.startswith(("tmp_", "obj"))]
    return found


def fixer_leftovers(repo: git.Repo) -> list[str]:
    folder = Path(repo.git_dir, "fixer")
    return sorted(p.name for p in folder.iterdir() if p.name != "lock") if folder.exists() else []


def object_count(repo: git.Repo) -> int:
    stats = dict(line.split(": ") for line in repo.git.count_objects("-v").splitlines())
    return int(stats["count"]) + int(stats["in-pack"])


# -- the user's index -------------------------------------------------------------------------------

def test_branch_mode_leaves_the_index_byte_identical_even_when_status_would_refresh_it(tmp_path):
    repo = small_repo(tmp_path / "r")
    # A stat-only change: `git status` would rewrite .git/index to refresh its cached stat data.
    later = time.time() + 100
    os.utime(tmp_path / "r/app/w0.py", (later, later))
    before = index_bytes(repo)
    result = run_cli("apply", cwd=tmp_path / "r")
    assert result.exit_code == 0, result
    assert index_bytes(repo) == before
    assert "fixer/cleanup" in repo.heads and debris(repo) == []


# Points in a branch-mode run, named by the git command about to start: writing blobs, building the
# tree, writing the commit, moving the ref. GitPython's old
# IndexFile.from_tree moved .git/index away around `read-tree`.
POINTS = [r"hash-object -w --stdin", r"read-tree", r"update-index", r"write-tree", r"hash-object -t commit",
          r"update-ref"]


def test_kill_9_at_many_points_never_touches_the_index(tmp_path):
    repo = small_repo(tmp_path / "r")
    root = tmp_path / "r"
    slow = SlowGit(tmp_path / "slow", delay=0.05)
    before, status_before = index_bytes(repo), status(root)
    missed = []
    for number, point in enumerate(POINTS):
        slow.reset()
        proc = slow.start("apply", "--branch", f"fixer/k{number}", cwd=root)
        if not slow.wait_for_call(proc, point):
            missed.append((point, slow.calls()))
        time.sleep(0.07 * (number % 2))  # every other kill lands while that git command runs
        kill_group(proc)
        assert index_bytes(repo) == before, f"index changed by a kill at `git {point}`"
        assert debris(repo) == [], point
    assert missed == []  # every point was reached (the run's git commands are the ones named)
    subprocess.run([REAL_GIT, "fsck", "--connectivity-only", "--no-progress"], cwd=root, check=True, capture_output=True)
    assert status(root) == status_before
    again = run_cli("apply", "--branch", "fixer/after", cwd=root)
    assert again.exit_code == 0, again
    assert fixer_leftovers(repo) == []  # the killed runs' quarantines and private indexes are gone
    assert index_bytes(repo) == before


def test_git_add_during_a_run_is_kept(tmp_path):
    repo = small_repo(tmp_path / "r")
    root = tmp_path / "r"
    slow = SlowGit(tmp_path / "slow", delay=0.05)
    for number, point in enumerate([r"read-tree", r"update-ref"]):
        slow.reset()
        proc = slow.start("apply", "--branch", f"fixer/add{number}", cwd=root)
        assert slow.wait_for_call(proc, point) or number, slow.calls()
        name = f"added{number}.txt"
        (root / name).write_text("added while fixer ran\n")
        subprocess.run([REAL_GIT, "add", name], cwd=root, check=True)
        staged = index_bytes(repo)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert index_bytes(repo) == staged, f"git add made while `git {point}` ran was undone"
        assert name in repo.git.ls_files("--stage", name)


def test_concurrent_runs_on_one_branch_wait_for_each_other(tmp_path):
    repo = small_repo(tmp_path / "r")
    root = tmp_path / "r"
    slow = SlowGit(tmp_path / "slow", delay=0.02)
    before = index_bytes(repo)
    for trial in range(3):
        branch = f"fixer/race{trial}"
        procs = [slow.start("apply", "--branch", branch, cwd=root) for _ in range(3)]
        outputs = [proc.communicate(timeout=180) for proc in procs]
        codes = [proc.returncode for proc in procs]
        assert codes == [0, 0, 0], outputs
        said = sorted(out.split(" ", 2)[2].split(" ")[0] for out, _ in outputs)
        assert said == ["created", "is", "is"], outputs  # one made it, two found it "is already up to date"
        assert index_bytes(repo) == before, trial
        assert debris(repo) == [] and fixer_leftovers(repo) == []
        tip = repo.commit(branch)
        assert [c.summary.split(" ")[1] for c in repo.iter_commits(f"main..{branch}")] == \
               ["set-log-level", "remove-debug-file-writes"]
        assert "with open" not in repo.git.show(f"{tip.hexsha}:app/w0.py")


def test_a_held_lock_fails_in_one_line_or_waits(tmp_path):
    from fixer.git.lock import repo_lock

    repo = small_repo(tmp_path / "r")
    with repo_lock(repo, timeout=0):
        refused = run_cli("apply", cwd=tmp_path / "r", env={"FIXER_LOCK_TIMEOUT": "0"})
    assert refused.exit_code == 2
    message = refused.stderr.strip().splitlines()
    assert "another fixer run" in refused.stderr and len([l for l in message if "error" in l]) == 1
    assert "Traceback" not in refused.stderr and "fixer/cleanup" not in repo.heads

    held = threading.Event()

    def hold_briefly():
        with repo_lock(repo, timeout=0):
            held.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    held.wait()
    waited = run_cli("apply", cwd=tmp_path / "r", env={"FIXER_LOCK_TIMEOUT": "30"})
    holder.join()
    assert waited.exit_code == 0, waited
    assert "waiting for another fixer run" in waited.stderr and "fixer/cleanup" in repo.heads


# -- branches ---------------------------------------------------------------------------------------

def test_branch_checked_out_in_a_linked_worktree_is_not_moved(tmp_path):
    repo = small_repo(tmp_path / "r")
    assert run_cli("apply", cwd=tmp_path / "r").exit_code == 0
    tip = repo.commit("fixer/cleanup").hexsha
    repo.git.worktree("add", str(tmp_path / "wt"), "fixer/cleanup")
    (tmp_path / "r/app/w1.py").write_text(DEBUG.format(name="w1") + "# more\n")
    repo.git.commit("-am", "new work on main")
    result = run_cli("apply", cwd=tmp_path / "r")
    assert result.exit_code == 2
    assert "checked out in" in result.stderr and str(tmp_path / "wt") in result.stderr
    assert repo.commit("fixer/cleanup").hexsha == tip
    assert git.Repo(tmp_path / "wt").git.status("--porcelain") == ""
    # The same from inside the linked worktree, for a branch the main worktree has checked out.
    inside = run_cli("apply", "--branch", "main", "--base", "main~1", cwd=tmp_path / "wt")
    assert inside.exit_code == 2 and "checked out in" in inside.stderr


def test_branch_being_bisected_in_a_worktree_is_not_moved(tmp_path):
    repo = small_repo(tmp_path / "r")
    assert run_cli("apply", cwd=tmp_path / "r").exit_code == 0
    tip = repo.commit("fixer/cleanup").hexsha
    repo.git.worktree("add", str(tmp_path / "wt"), "fixer/cleanup")
    git.Repo(tmp_path / "wt").git.bisect("start", "fixer/cleanup", "main")
    (tmp_path / "r/app/w1.py").write_text(DEBUG.format(name="w1") + "# more\n")
    repo.git.commit("-am", "new work on main")
    result = run_cli("apply", cwd=tmp_path / "r")
    assert result.exit_code == 2 and "bisected" in result.stderr
    assert repo.commit("fixer/cleanup").hexsha == tip


@pytest.mark.parametrize("amend", ["content", "reword", "author"])
def test_a_reviewers_amend_keeping_the_trailer_is_not_taken_for_fixers(tmp_path, amend):
    repo = small_repo(tmp_path / "r", wip=False)
    root = tmp_path / "r"
    assert run_cli("apply", cwd=root).exit_code == 0
    repo.git.checkout("fixer/cleanup")
    message = repo.head.commit.message
    if amend == "content":  # a fix of the fix; the message (trailers and all) is kept
        (root / "app/setup.py").write_text(SETUP.replace("INFO", "ERROR"))
        repo.git.commit("--amend", "-a", "--no-edit")
    elif amend == "reword":  # the reviewer edits the summary and keeps every trailer line
        repo.git.commit("--amend", "-m", message.replace("fixer: set-log-level", "Lower the log level"))
    else:
        repo.git.commit("--amend", "--no-edit", "--author", "Rev Iewer <rev@example.com>")
    amended = repo.head.commit
    assert "Generated-by: fixer" in amended.message
    repo.git.checkout("main")
    refused = run_cli("apply", cwd=root)
    assert refused.exit_code == 2 and amended.hexsha[:10] in refused.stderr and "--force" in refused.stderr
    assert repo.commit("fixer/cleanup") == amended
    assert run_cli("apply", "--force", cwd=root).exit_code == 0
    assert repo.commit("fixer/cleanup") != amended


def test_fixers_own_commits_are_recognised_after_a_push_and_fetch(tmp_path):
    repo = small_repo(tmp_path / "r")
    assert run_cli("apply", cwd=tmp_path / "r").exit_code == 0
    clone = git.Repo.clone_from(tmp_path / "r", tmp_path / "clone")
    clone.git.branch("fixer/cleanup", "origin/fixer/cleanup")
    from fixer.git.branches import is_fixer_commit

    assert all(is_fixer_commit(c) for c in clone.iter_commits("main..fixer/cleanup"))
    again = run_cli("apply", cwd=tmp_path / "clone")
    assert again.exit_code == 0 and "already up to date" in again.stdout


BAD_NAMES = ["../x", "a..b", "x.lock", "a b", "main/sub", "-x", "@", "HEAD", "ORIG_HEAD", "FETCH_HEAD", "x/",
             ".hidden", "a~1", "a:b", "a\\b", "@{-1}", "refs/heads/x", "v1", "tags/v1", "origin", "fixer",
             "0123456789abcdef0123456789abcdef01234567"]


def test_bad_branch_names_are_refused_before_anything_is_written(tmp_path):
    repo = small_repo(tmp_path / "r")
    root = tmp_path / "r"
    repo.git.tag("v1")
    repo.git.update_ref("refs/remotes/origin/HEAD", "HEAD")
    repo.git.branch("fixer/existing")
    refs_before, files_before = repo.git.for_each_ref(), git_files(repo)
    objects_before = object_count(repo)
    index_before = index_bytes(repo)
    for name in BAD_NAMES:
        result = run_cli("apply", f"--branch={name}", cwd=root)
        assert result.exit_code == 2, (name, result)
        errors = [line for line in result.stderr.splitlines() if "error:" in line]
        assert len(errors) == 1 and "--branch" in errors[0], (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert repo.git.for_each_ref() == refs_before and git_files(repo) == files_before, name
        assert object_count(repo) == objects_before, name
        assert debris(repo) == [], name
    assert index_bytes(repo) == index_before


def test_a_locked_ref_fails_in_one_line_and_leaves_nothing(tmp_path):
    repo = small_repo(tmp_path / "r")
    lock = Path(repo.git_dir, "refs/heads/fixer/cleanup.lock")
    lock.parent.mkdir(parents=True)
    lock.write_text("")
    result = run_cli("apply", cwd=tmp_path / "r")
    assert result.exit_code == 2, result
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "fixer/cleanup" in errors[0] and "Traceback" not in result.stderr
    assert "fixer/cleanup" not in repo.heads
    assert debris(repo) == [] and fixer_leftovers(repo) == []
    lock.unlink()
    assert run_cli("apply", cwd=tmp_path / "r").exit_code == 0


def _full_disk(limit: int):
    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fixer's own writes fail with EFBIG, like ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


def test_a_full_disk_under_git_fails_in_one_line_and_leaves_nothing(tmp_path):
    repo = small_repo(tmp_path / "r")
    root = tmp_path / "r"
    # A big file to fix: its blob cannot be written once files are capped at 8 KiB.
    noise = "".join(f"VALUE_{n} = '{os.urandom(24).hex()}'\n" for n in range(600))
    (root / "app/big.py").write_text(DEBUG.format(name="big") + noise)
    repo.git.add("app/big.py")
    repo.git.commit("-m", "big", "--", "app/big.py")
    before = index_bytes(repo)
    objects_before = object_count(repo)
    proc = subprocess.run([sys.executable, "-m", "fixer", "apply"], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"},
                          preexec_fn=_full_disk(8192), timeout=300)
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    # git dies of SIGXFSZ here (Python restores its default action in children); ENOSPC reads the same.
    assert len(errors) == 1 and "SIGXFSZ" in errors[0] and "Traceback" not in proc.stderr, proc.stderr
    assert "fixer/cleanup" not in repo.heads
    assert debris(repo) == [] and fixer_leftovers(repo) == []
    assert object_count(repo) == objects_before
    assert index_bytes(repo) == before


# -- repositories of every shape ----------------------------------------------------------------------

def test_shallow_clone(tmp_path):
    small_repo(tmp_path / "r").git.commit("-m", "second")
    shallow = git.Repo.clone_from(f"file://{tmp_path / 'r'}", tmp_path / "shallow", depth=1)
    assert Path(shallow.git_dir, "shallow").exists()
    result = run_cli("apply", cwd=tmp_path / "shallow")
    assert result.exit_code == 0, result
    assert len(list(shallow.iter_commits("main..fixer/cleanup"))) == 2
    subprocess.run([REAL_GIT, "fsck", "--no-progress"], cwd=tmp_path / "shallow", check=True, capture_output=True)


def test_a_repository_whose_path_holds_a_colon(tmp_path):
    repo = small_repo(tmp_path / "we:ird \"dir\"", wip=False)
    result = run_cli("apply", cwd=tmp_path / "we:ird \"dir\"")
    assert result.exit_code == 0, result
    assert "with open" not in repo.git.show("fixer/cleanup:app/w0.py")
