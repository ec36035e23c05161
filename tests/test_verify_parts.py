"""The parts of `--verify` on their own: the bisection's answer and cost, the export's writes and its
clean-up after a dead run, failing test names from a real pytest's JUnit XML and summary, and the
environment the command gets."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import init_repo
from fixer.verify.bisect import first_failing, runs_for
from fixer.verify.command import command_env
from fixer.verify.failures import failing_tests, short_name, xml_stamps
from fixer.verify.scratch import MARKER, PREFIX, Scratch, remove_stale


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_first_failing_finds_the_first_bad_change_in_log2_runs(data):
    count = data.draw(st.integers(1, 500))
    bad = data.draw(st.integers(1, count))
    calls = []

    def fails(k: int) -> bool:
        calls.append(k)
        assert 0 < k < count  # the two ends are known: never run again
        return k >= bad

    assert first_failing(count, fails) == bad
    assert len(calls) <= runs_for(count) and runs_for(count) == (count - 1).bit_length()


def test_the_export_is_the_base_plus_exactly_the_files_written(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "systemp"))
    (tmp_path / "systemp").mkdir()
    repo = init_repo(tmp_path / "repo", {"a.py": "A = 1\n", "b.py": "B = 1\n"})
    with Scratch(repo, repo.head.commit) as scratch:
        tree = scratch.tree
        assert (tree / "a.py").read_text() == "A = 1\n"
        scratch.write({"a.py": b"A = 2\n", "new.py": b"N = 1\n"})
        first = (tree / "a.py").stat().st_mtime
        assert (tree / "a.py").read_bytes() == b"A = 2\n" and (tree / "new.py").exists()
        scratch.write({"b.py": b"B = 2\n"})  # a.py back to the base, new.py gone
        assert (tree / "a.py").read_bytes() == b"A = 1\n" and not (tree / "new.py").exists()
        assert (tree / "b.py").read_bytes() == b"B = 2\n"
        # Changed back within the same second, yet newer: mix and Python's bytecode cache see it.
        assert (tree / "a.py").stat().st_mtime > first
        home = scratch.home
        assert json.loads((home / MARKER).read_text())["pid"] == os.getpid()
    assert not home.exists()
    assert repo.git.status("--porcelain") == ""


def test_only_exports_of_dead_runs_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone, live, foreign = (tmp_path / f"{PREFIX}{name}" for name in ("gone", "live", "other"))
    for folder, pid in ((gone, dead.pid), (live, os.getpid())):
        (folder / "tree").mkdir(parents=True)
        (folder / MARKER).write_text(json.dumps({"pid": pid, "repo": "x"}))
    foreign.mkdir()  # no marker, just made: maybe a run between mkdtemp and its marker
    assert remove_stale(tmp_path) == [gone]
    assert live.exists() and foreign.exists() and not gone.exists()
    old = time.time() - 7200
    os.utime(foreign, (old, old))
    assert remove_stale(tmp_path) == [foreign]


FAILING = "def test_ok():\n    pass\n\n\ndef test_status_output():\n    assert 'on' == 'off'\n"


def test_failing_tests_from_real_pytest_junit_xml_and_summary(tmp_path):
    (tmp_path / "test_status.py").write_text(FAILING)
    (tmp_path / "fixture.xml").write_text('<testsuite><testcase name="old"><failure/></testcase></testsuite>')
    before = xml_stamps(tmp_path)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=out/r.xml"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    # The report this run wrote counts; an XML file that was there before (a tracked fixture) does not.
    assert failing_tests(tmp_path, "", before) == {"test_status::test_status_output"}
    after = xml_stamps(tmp_path)
    assert failing_tests(tmp_path, run.stdout, after) == {"test_status.py::test_status_output"}
    assert short_name("test_status.py::test_status_output") == "test_status_output"
    assert failing_tests(tmp_path, "all good", after) is None


def test_exunit_summary_names_the_test():
    output = "\n  1) test receipt prints the item count (ShopTest)\n     test/shop_test.exs:12\n"
    assert failing_tests(Path("/nonexistent"), output, {}) == \
        {"ShopTest: test receipt prints the item count"}
    assert short_name("ShopTest: test receipt prints the item count") == "test receipt prints the item count"


def test_command_env_drops_forge_tokens_only(monkeypatch):
    secrets = ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_TOKEN", "CI_JOB_JWT",
               "GITEA_TOKEN", "BITBUCKET_TOKEN", "ACTIONS_RUNTIME_TOKEN", "BOT_TOKEN")
    for name in secrets:
        monkeypatch.setenv(name, "s")
    monkeypatch.setenv("DATABASE_URL", "kept")
    monkeypatch.setenv("NPM_TOKEN", "kept")  # not a forge's (a package registry's, which tests may use)
    env = command_env(("BOT_TOKEN",))  # `fixer pr --token-env BOT_TOKEN`
    assert env["DATABASE_URL"] == "kept" and env["NPM_TOKEN"] == "kept"
    assert not set(secrets) & set(env)
