"""`fixer checklist --apply --verify CMD` with a real pytest on a small project written here: the one
fix of an item that breaks a test is found (item commit, file, single fix) and held back, the branch
is made with the other items (later ones built on the earlier ones again), that item's box stays
unticked with the reason, and the branch's own tests pass; a flaky test is not blamed on an item."""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import init_repo, run_cli
from fixer.checklist.lines import line_map, map_span
from fixer.checklist.run import run_checklist
from fixer.core.sources import CommitTree
from github_server import FakeGitHub
from test_verify import (PYTEST, TRAILER, opened_body, pushed, runs_printed, scratch_home,  # noqa: F401
                         trailers, tree_of, untouched)

JOBS = '''import logging

logging.basicConfig(level=logging.DEBUG)
log = logging.getLogger("jobs")


def inspect(order):
    import pdb; pdb.set_trace()
    return order


def record(order):
    with open("orders_debug.log", "a") as out:
        out.write(f"order {order}\\n")
    return order


def total(values):
    with open("orders_debug.log", "a") as out:
        out.write(f"DEBUG total {values}\\n")
    return sum(values)
'''
RECORD_WRITE = (13, 14)  # the write of record(): the audit trail a test reads
CALC = '''def triple(x):
    breakpoint()
    return x * 3


def double(x):
    return x * 2
'''
TESTS = '''from pathlib import Path

from app.calc import double
from app.jobs import record, total


def test_total(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert total([1, 2]) == 3


def test_double():
    assert double(2) == 4


def test_record_writes_the_audit_line(tmp_path, monkeypatch):
    # The "debug" log is the audit trail another system reads: the test reads it too.
    monkeypatch.chdir(tmp_path)
    record(7)
    assert "order 7" in Path("orders_debug.log").read_text()
'''
# Item 1 removes a line above record(), so item 2 finds the write one line higher than the
# checklist's (original) lines say; item 3 edits the same file after item 2.
CHECKLIST = '''# Release 2.1

- [ ] Remove the `pdb.set_trace` and `breakpoint()` calls
- [ ] Remove all `orders_debug.log` writes from app/jobs.py
- [ ] Lower log level from `DEBUG` to `INFO` in app/jobs.py
- [ ] Tell the support team
'''
WIDE = {"COLUMNS": "1000"}  # the lines this test reads, unwrapped
PROJECT = {"pytest.ini": "[pytest]\npythonpath = .\n", "app/__init__.py": "", "app/jobs.py": JOBS,
           "app/calc.py": CALC, "tests/test_app.py": TESTS, "RELEASE.md": CHECKLIST}


# -- the pieces, without a runner -----------------------------------------------------------------

def test_lines_of_the_original_are_found_in_the_text_an_earlier_item_left():
    original = "a\nb\nc\nd\n"
    assert line_map(original, "a\nc\nd\n") == {1: 1, 3: 2, 4: 3}
    assert map_span(original, "a\nc\nd\n", 3, 4) == (2, 3)
    assert map_span(original, "a\nc\nd\n", 2, 2) is None  # removed by the earlier item
    assert map_span(original, "a\nb\nC\nd\n", 2, 3) == (2, 3)  # a changed last line keeps the span


def test_a_held_spot_is_left_alone_and_its_item_left_unticked_with_the_reason(tmp_path):
    repo = init_repo(tmp_path / "proj", PROJECT)
    reason = "needs review: with this fix `make check` fails (test_record_writes_the_audit_line)"
    held = {(2, "app/jobs.py"): [(*RECORD_WRITE, reason)]}
    result = run_checklist(CommitTree(repo, repo.head.commit), "RELEASE.md", CHECKLIST, held=held)
    jobs = result.final["app/jobs.py"]
    assert 'out.write(f"order {order}\\n")' in jobs  # held back, though item 1 moved it up a line
    assert "DEBUG total" not in jobs and "pdb" not in jobs and "level=logging.INFO" in jobs
    statuses = [(r.entry.item.number, r.status) for r in result.results]
    assert statuses == [(1, "fixed"), (2, "needs review"), (3, "fixed"), (4, "manual")]
    (undone,) = result.results[1].undone
    assert (undone.path, undone.start) == ("app/jobs.py", RECORD_WRITE[0]) and reason in undone.message
    assert "- [ ] Remove all `orders_debug.log` writes" in result.ticked_text
    assert "- [x] Lower log level" in result.ticked_text


# -- with the project's own pytest ----------------------------------------------------------------

def test_the_breaking_fix_of_one_item_is_dropped_and_the_branch_keeps_the_rest(tmp_path, scratch_home):
    repo = init_repo(tmp_path / "proj", PROJECT)
    head = repo.head.commit.hexsha
    result = run_cli("checklist", "RELEASE.md", "--apply", "--verify", PYTEST, cwd=repo.working_tree_dir, env=WIDE)
    assert result.exit_code == 0, result
    reason = f"with this fix `{PYTEST}` fails (test_record_writes_the_audit_line)"
    where = f"app/jobs.py:{RECORD_WRITE[0]}-{RECORD_WRITE[1]}"
    assert f"needs review: checklist item 2: {where} (remove-debug-file-writes): {reason}" in result.stderr
    log = Path(result.stderr.split(f"{reason}; output: ")[1].split()[0])
    assert log.is_file() and "test_record_writes_the_audit_line" in log.read_text()
    # base, fixed tree, 2 steps over 4 commits, none over 1 file, 1 over 2 fixes, the re-verify;
    # every failing run repeated once
    assert 2 + 3 + 1 <= runs_printed(result.stderr) <= 2 * (2 + 3 + 1)

    jobs = repo.git.show("fixer/cleanup:app/jobs.py")
    assert 'out.write(f"order {order}\\n")' in jobs  # the write the test reads stays
    assert "DEBUG total" not in jobs and "pdb" not in jobs and "level=logging.INFO" in jobs  # the rest went
    assert "breakpoint()" not in repo.git.show("fixer/cleanup:app/calc.py")
    ticked = repo.git.show("fixer/cleanup:RELEASE.md")
    assert ticked + "\n" == CHECKLIST.replace("- [ ] Remove the `pdb", "- [x] Remove the `pdb").replace(
        "- [ ] Lower log level", "- [x] Lower log level")

    commits = list(reversed(list(repo.iter_commits("main..fixer/cleanup"))))
    assert [c.summary[:25] for c in commits[:3]] == [f"fixer: checklist item {n}: " for n in (1, 2, 3)]
    assert commits[3].summary == "fixer: tick 2 items in RELEASE.md"
    for commit in commits:
        assert TRAILER in trailers(repo, commit.hexsha)
    assert f"needs review: {where}: " in commits[1].message and reason in commits[1].message
    assert f"Left out by --verify (needs review):\n- checklist item 2: {where} (remove-debug-file-writes): " \
           f"{reason}\n" in commits[-1].message
    assert [p for p in scratch_home.iterdir() if p.name.startswith("fixer-verify-")] == []  # export removed
    untouched(repo, head)
    # The branch's own tests pass, run here by the test and not by fixer.
    tree = tree_of(repo, "fixer/cleanup", tmp_path / "branch")
    proc = subprocess.run(PYTEST.split(), cwd=tree, capture_output=True, text=True)
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout

    # The pull request's body replays the checklist with the dropped fix held back again.
    pushed(repo, tmp_path)
    with FakeGitHub() as server:
        opened = run_cli("pr", "--repo", "acme/service", "--api-url", server.url, "--checklist", "RELEASE.md",
                         cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": "ghp_FAKE"})
        assert opened.exit_code == 0, opened
        body = opened_body(server)
    assert f"\n{TRAILER}\n" in body
    assert "**Needs review**\n- [ ] Remove all `orders_debug.log` writes from app/jobs.py — 1 fix; 1 left for " \
           f"review at {where}\n" in body
    assert "**Done**\n- [x] Remove the `pdb.set_trace` and `breakpoint()` calls\n- [x] Lower log level" in body
    assert f"### Left out by verification (needs review)\n\n- checklist item 2: {where}" in body


FLAKY_TEST = '''import os
from pathlib import Path


def test_sometimes():
    # Fails on its second run only: the first run after the base's.
    counter = Path(os.environ["FLAKY_COUNTER"])
    runs = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(runs))
    assert runs != 2, "flaky failure"
'''


def test_a_flaky_test_is_not_blamed_on_an_item(tmp_path, scratch_home, monkeypatch):
    tests = TESTS.split("\n\ndef test_record_writes")[0] + "\n"
    repo = init_repo(tmp_path / "proj", {**PROJECT, "tests/test_app.py": tests, "tests/test_flaky.py": FLAKY_TEST})
    counter = tmp_path / "counter"
    monkeypatch.setenv("FLAKY_COUNTER", str(counter))
    result = run_cli("checklist", "RELEASE.md", "--apply", "--verify", PYTEST, cwd=repo.working_tree_dir, env=WIDE)
    assert result.exit_code == 0, result
    assert counter.read_text() == "3"  # base, fixed tree (failed), its rerun (passed)
    assert "failed on the fixed tree, then passed on a rerun: flaky, not blamed on a fix" in result.stderr
    assert "needs review:" not in result.stderr
    assert "order {order}" not in repo.git.show("fixer/cleanup:app/jobs.py")  # every fix kept
    ticked = repo.git.show("fixer/cleanup:RELEASE.md")
    assert ticked.count("- [x]") == 3 and "- [ ] Tell the support team" in ticked
    last = repo.commit("fixer/cleanup")
    assert f"Flaky: `{PYTEST}` failed, then passed on a rerun (not blamed on a fix): the fixed tree" in last.message
    assert TRAILER in trailers(repo, last.hexsha)
