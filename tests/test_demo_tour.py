"""`fixer demo` is a guided tour under 60 lines (issue 19): what was found, one hunk of the diff,
the branch and what it holds, then the next three commands, each of which works as printed."""
from __future__ import annotations

import re
import shlex

import git

from conftest import run_fixer_process


def test_demo_is_a_short_tour_whose_next_commands_work(tmp_path):
    target = tmp_path / "demo"
    proc = run_fixer_process("demo", "--keep", str(target), cwd=tmp_path, env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    lines = (proc.stdout + proc.stderr).splitlines()
    assert len(lines) < 60, len(lines)
    too_wide = [line for line in lines if len(line) > 80 and str(target) not in line]  # a path stays whole
    assert not too_wide, too_wide
    text = proc.stdout
    found, diff, branch, nxt = (text.index(s) for s in ("1. What `fixer check` finds", "2. The fixes",
                                                         "3. `fixer apply` committed", "4. Try next"))
    assert found < diff < branch < nxt  # findings first, then the diff, the branch, the next steps
    assert "31 fixes in 6 files, 1 left for review by hand:" in text
    assert text.count("diff --git ") == 1 and text.count("\n@@ ") == 1
    repo = git.Repo(target)
    for commit in repo.iter_commits("main..fixer/cleanup"):
        assert f"{commit.hexsha[:8]} {commit.summary}" in text
    assert repo.active_branch.name == "main" and not repo.is_dirty(untracked_files=True)
    commands = re.findall(r"^   (fixer .+)$", text, re.M)
    assert [c.split()[1] for c in commands] == ["check", "checklist", "pr"]
    assert "--dry-run" in commands[2]
    expected = {"check": 1, "checklist": 1, "pr": 0}  # fixes pending on main; the PR is only shown
    for command in commands:
        ran = run_fixer_process(*shlex.split(command)[1:], cwd=target)
        assert ran.returncode == expected[command.split()[1]], (command, ran.stderr)
    assert "would open a pull request on you/snakepit" in run_fixer_process(
        *shlex.split(commands[2])[1:], cwd=target).stdout


def test_demo_without_keep_points_at_keep(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = run_fixer_process("demo", cwd=tmp_path, env={"TMPDIR": str(scratch), "COLUMNS": "80"})
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) < 60
    assert "4. Try next (after `fixer demo --keep DIR` and `cd DIR`):" in proc.stdout
    assert list(scratch.iterdir()) == []
