"""The result cache (fixer.core.cache): same output with and without it, files git vouches for are not
read, a verdict is checked again exactly when the facts it read from other files change, and a
damaged, foreign or concurrently written cache is never trusted."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import fixer
from conftest import FIXTURES, init_repo, run_cli
from fixer.core import cache, pool, store
from fixer.core.sources import WorkTree

TESTS_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch):
    """Caches outside git go to the user cache dir: here, a folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("FIXER_NO_CACHE", raising=False)  # on by default, as for users
    return tmp_path / "user-cache"


class Work:
    """The files the engine fixes and the files read from the working tree, per run."""

    def __init__(self, monkeypatch):
        self.fixed: list[str] = []
        self.read: list[str] = []
        real_fix, real_read = pool.fix_text, WorkTree.read

        def fix_text(path, text, rules, context=None):
            self.fixed.append(path)
            return real_fix(path, text, rules, context)

        def read(source, path, **options):
            self.read.append(path)
            return real_read(source, path, **options)

        monkeypatch.setattr(pool, "fix_text", fix_text)
        monkeypatch.setattr(WorkTree, "read", read)

    def reset(self):
        self.fixed, self.read = [], []


@pytest.fixture
def work(monkeypatch):
    monkeypatch.setenv("FIXER_JOBS", "1")  # the counters live in this process
    return Work(monkeypatch)


def repo_from(folder: Path, root: Path):
    shutil.copytree(folder, root, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    if not (root / "fixer.toml").exists():  # the leftovers projects: remove-debug-prints is off by default
        (root / "fixer.toml").write_text("[rules.remove-debug-prints]\n")
    repo = init_repo(root)
    repo.git.add("-A")
    repo.git.commit("-m", "fixture")
    return repo


def commit_all(repo, message="edit"):
    repo.git.add("-A")
    repo.git.commit("-m", message)


def outputs(root: Path, *extra: str) -> list[tuple]:
    """(exit code, stdout, stderr) of check, check --format json, diff and apply --dry-run."""
    commands = [["check"], ["check", "--format", "json"], ["check", "--format", "sarif"], ["diff"], ["apply", "--dry-run"]]
    results = []
    for command in commands:
        result = run_cli(*command, *extra, cwd=root)
        results.append((command[0], result.exit_code, result.stdout, result.stderr))
    return results


def cache_file(root: Path) -> Path:
    return root / ".git" / "fixer" / "cache" / store.FILE_NAME


FIXTURE_TREES = [FIXTURES / "sample-service", FIXTURES / "elixir-debug-calls", TESTS_FIXTURES / "honest-service",
                 TESTS_FIXTURES / "leftovers" / "ledger", TESTS_FIXTURES / "leftovers" / "invtool"]


@pytest.mark.parametrize("fixture", FIXTURE_TREES, ids=lambda p: p.name)
def test_output_is_byte_identical_with_and_without_the_cache(tmp_path, fixture, work):
    root = tmp_path / "repo"
    repo_from(fixture, root)
    without = outputs(root, "--no-cache")
    assert not cache_file(root).exists(), "--no-cache writes no cache"
    assert any(code == 1 for _, code, _, _ in without), "the fixture has something to fix"
    work.reset()
    cold = outputs(root)
    assert cache_file(root).exists()
    assert work.fixed, "the first run with an empty cache fixes files"
    work.reset()
    warm = outputs(root)
    assert cold == without
    assert warm == without
    assert work.fixed == [], "a warm run with nothing changed sends no file to the engine"
    changed = {f["path"] for f in __import__("json").loads(without[1][2])["files"] if f["changed"]}
    assert set(work.read) <= changed, "only files with a fix to show are read (for their diff)"


def test_a_warm_run_reads_no_file_git_vouches_for(tmp_path, work):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    run_cli("check", "-q", cwd=root)
    work.reset()
    result = run_cli("check", "-q", "--format", "json", cwd=root)
    assert result.exit_code == 1
    changed = {f["path"] for f in __import__("json").loads(result.stdout)["files"] if f["changed"]}
    assert work.read and set(work.read) <= changed and work.fixed == []


def test_changed_and_untracked_files_are_read_and_checked_again(tmp_path, work):
    files = {"app/a.py": "def f():\n    breakpoint()\n    return 1\n", "app/b.py": "def g():\n    return 2\n"}
    root = tmp_path / "repo"
    init_repo(root, files)
    assert run_cli("check", "-q", cwd=root).exit_code == 1
    (root / "app/a.py").write_text("def f():\n    return 1\n")  # the fix done by hand, not committed
    (root / "app/c.py").write_text("def h():\n    breakpoint()\n")  # untracked
    work.reset()
    result = run_cli("check", "-q", "--format", "json", cwd=root)
    assert sorted(set(work.read)) == ["app/a.py", "app/c.py"]
    assert [f["path"] for f in __import__("json").loads(result.stdout)["files"]] == ["app/c.py"]
    assert result.stdout == run_cli("check", "-q", "--format", "json", "--no-cache", cwd=root).stdout
    work.reset()  # the same changes again: read and hashed, but their verdicts come from the cache
    assert run_cli("check", "-q", "--format", "json", cwd=root).stdout == result.stdout
    assert sorted(set(work.read)) == ["app/a.py", "app/c.py"] and work.fixed == []


# -- facts gathered from other files ---------------------------------------------------------
CAPTURING_TEST = """defmodule ShopTest do
  use ExUnit.Case
  import ExUnit.CaptureIO

  test "the summary is printed" do
    assert capture_io(fn -> {captured}.summary(%{{a: 1}}) end) =~ "a"
  end
end
"""
MODULE = """defmodule {name} do
  def summary(stock) do
    IO.inspect(stock, label: "stock")
  end
end
"""
ELIXIR_CONFIG = '[rules.remove-debug-calls]\npaths = ["**/*.ex", "**/*.exs"]\n'


def verdicts(root: Path, *extra: str) -> dict[str, list[tuple[int, bool]]]:
    import json

    result = run_cli("check", "-q", "--format", "json", *extra, cwd=root)
    found: dict[str, list[tuple[int, bool]]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        found.setdefault(finding["path"], []).append((finding["line"], finding["fixable"]))
    return found


def test_editing_a_test_rechecks_exactly_the_modules_whose_verdict_read_it(tmp_path, work):
    files = {"fixer.toml": ELIXIR_CONFIG, "test/shop_test.exs": CAPTURING_TEST.format(captured="Shop.Printer"),
             "lib/printer.ex": MODULE.format(name="Shop.Printer"), "lib/ledger.ex": MODULE.format(name="Shop.Ledger"),
             "lib/audit.ex": MODULE.format(name="Shop.Audit")}
    root = tmp_path / "repo"
    repo = init_repo(root, files)
    before = verdicts(root)
    assert "lib/printer.ex" not in before, "the test captures Printer's output: its IO.inspect is on purpose"
    assert before["lib/ledger.ex"] == [(3, True)] and before["lib/audit.ex"] == [(3, True)]

    # The test now captures Ledger's output instead of Printer's.
    (root / "test/shop_test.exs").write_text(CAPTURING_TEST.format(captured="Shop.Ledger"))
    commit_all(repo)
    work.reset()
    after = verdicts(root)
    assert sorted(set(work.fixed)) == ["lib/ledger.ex", "lib/printer.ex"], \
        "Audit's verdict read no fact of the test (its name is not in it): it comes from the cache"
    assert after == verdicts(root, "--no-cache")
    assert after["lib/printer.ex"] == [(3, True)] and "lib/ledger.ex" not in after
    assert after["lib/audit.ex"] == [(3, True)]

    # An edit of the test that changes none of its facts re-checks only the test itself.
    (root / "test/shop_test.exs").write_text(CAPTURING_TEST.format(captured="Shop.Ledger") + "# more tests soon\n")
    commit_all(repo)
    work.reset()
    assert verdicts(root) == after
    assert work.fixed == [], "the test file has no debug call: no rule wants it, and no verdict read a changed fact"


PY_CONFIG = '[rules.remove-debugger-calls]\n'


def test_a_new_importer_changes_the_verdict_of_the_module_it_imports_from(tmp_path, work):
    """remove-debugger-calls removes `import pdb` with the last `pdb.set_trace()`, unless another file
    takes `pdb` from the module: that fact is gathered from every file, and keys the verdict."""
    files = {"svc/worker.py": "import pdb\n\n\ndef run(job):\n    pdb.set_trace()\n    return job\n",
             "svc/other.py": "def other():\n    return 1\n"}
    root = tmp_path / "repo"
    repo = init_repo(root, files)
    first = run_cli("diff", cwd=root).stdout
    assert "-import pdb" in first
    (root / "svc/shim.py").write_text("from svc.worker import pdb\n")
    commit_all(repo)
    work.reset()
    second = run_cli("diff", cwd=root)
    assert work.fixed == ["svc/worker.py"], "a file no rule wants is not checked again"
    assert second.stdout == run_cli("diff", "--no-cache", cwd=root).stdout
    assert "-import pdb" not in second.stdout and "-    pdb.set_trace()" in second.stdout


# -- a cache that cannot be trusted -----------------------------------------------------------
def test_a_corrupt_cache_file_is_thrown_away_and_rebuilt(tmp_path, work):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    expected = outputs(root, "--no-cache")
    run_cli("check", "-q", cwd=root)
    cache_file(root).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        cache_file(root).with_name(store.FILE_NAME + suffix).unlink(missing_ok=True)
    assert outputs(root) == expected
    with sqlite3.connect(cache_file(root)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] > 0
    work.reset()
    assert outputs(root) == expected and work.fixed == []


def test_a_damaged_entry_is_a_miss_not_a_verdict(tmp_path, work):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    expected = outputs(root, "--no-cache")
    run_cli("check", "-q", cwd=root)
    with sqlite3.connect(cache_file(root)) as db:  # flip one byte of every stored value
        rows = db.execute("SELECT key, value FROM entries").fetchall()
        db.executemany("UPDATE entries SET value=? WHERE key=?",
                       [(value[:-1] + bytes([value[-1] ^ 0xFF]), key) for key, value in rows])
    work.reset()
    assert outputs(root) == expected
    assert work.fixed, "damaged entries are worked out again"


def test_another_fixer_version_starts_from_an_empty_cache(tmp_path, work, monkeypatch):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    expected = outputs(root, "--no-cache")
    run_cli("check", "-q", cwd=root)
    monkeypatch.setattr(fixer, "__version__", "99.0.0")
    work.reset()
    assert outputs(root) == expected
    assert work.fixed, "another version's verdicts are never used"
    with sqlite3.connect(cache_file(root)) as db:
        assert "99.0.0" in dict(db.execute("SELECT name, value FROM meta"))["build"]


def test_concurrent_runs_share_the_cache_safely(tmp_path):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    expected = subprocess.run([sys.executable, "-m", "fixer", "check", "--format", "json", "--no-cache"], cwd=root,
                              capture_output=True, text=True).stdout
    runs = [subprocess.Popen([sys.executable, "-m", "fixer", "check", "--format", "json"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for process in runs:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 1, err
        assert out == expected
    with sqlite3.connect(cache_file(root)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = subprocess.run([sys.executable, "-m", "fixer", "check", "--format", "json"], cwd=root,
                           capture_output=True, text=True)
    assert again.stdout == expected


def test_the_cache_stays_within_its_size_limit(tmp_path, monkeypatch):
    files = {f"pkg/m{i}.py": f"def f{i}():\n    print('DEBUG {i}', {'x' * 400!r})\n    breakpoint()\n" for i in range(300)}
    root = tmp_path / "repo"
    init_repo(root, files)
    monkeypatch.setenv(store.MAX_BYTES_ENV, str(200 * 1024))  # unbounded, this takes about 300 KB
    expected = run_cli("check", "-q", "--format", "json", "--no-cache", cwd=root).stdout
    assert run_cli("check", "-q", "--format", "json", cwd=root).stdout == expected
    assert run_cli("check", "-q", "--format", "json", cwd=root).stdout == expected
    with sqlite3.connect(cache_file(root)) as db:
        size = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
        kept = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert size <= 200 * 1024 and 0 < kept < 300


# -- where it lives, and how to remove it ------------------------------------------------------
def test_fixer_clean_removes_the_cache(tmp_path):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    run_cli("check", "-q", cwd=root)
    assert cache_file(root).exists()
    result = run_cli("clean", cwd=root)
    assert result.exit_code == 0 and "removed the cache" in result.stderr
    assert not cache_file(root).exists() and not cache_file(root).parent.exists()
    again = run_cli("clean", cwd=root)
    assert again.exit_code == 0 and "no cache" in again.stderr
    run_cli("check", "-q", cwd=root)
    (root / "fixer.toml").write_text("[fixer]\nno_such_key = 1\n")  # a broken config does not block it
    assert run_cli("check", "-q", cwd=root).exit_code == 2
    assert run_cli("clean", cwd=root).exit_code == 0 and not cache_file(root).exists()


def test_outside_git_the_cache_is_in_the_user_cache_dir(tmp_path, user_cache, work):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "job.py").write_text("def run():\n    breakpoint()\n    return 1\n")
    expected = run_cli("check", "--format", "json", "--no-cache", cwd=root).stdout
    assert run_cli("check", "--format", "json", cwd=root).stdout == expected
    stored = list(user_cache.glob("fixer/trees/*/" + store.FILE_NAME))
    assert len(stored) == 1
    work.reset()
    assert run_cli("check", "--format", "json", cwd=root).stdout == expected
    assert work.fixed == [], "outside git each file is read and hashed, and its verdict comes from the cache"
    assert run_cli("clean", cwd=root).exit_code == 0 and not stored[0].exists()


def test_apply_in_place_from_a_warm_cache_writes_what_a_cold_run_writes(tmp_path):
    first, second = tmp_path / "cold", tmp_path / "warm"
    repo_from(FIXTURES / "sample-service", first)
    repo_from(FIXTURES / "sample-service", second)
    run_cli("check", "-q", cwd=second)  # fills the cache
    assert run_cli("apply", "--in-place", "--no-cache", cwd=first).exit_code == 0
    assert run_cli("apply", "--in-place", cwd=second).exit_code == 0
    for path in sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and ".git" not in p.parts):
        assert (second / path).read_bytes() == (first / path).read_bytes(), path


def test_files_with_errors_are_checked_every_run(tmp_path, work):
    root = tmp_path / "repo"
    init_repo(root, {"app/broken.py": "def f(:\n    breakpoint()\n"})
    assert run_cli("check", "-q", cwd=root).exit_code == 2
    work.reset()
    result = run_cli("check", "-q", cwd=root)
    assert result.exit_code == 2 and "app/broken.py" in result.stdout + result.stderr
    assert work.fixed == ["app/broken.py"]


def test_fixer_no_cache_in_the_environment_turns_the_cache_off(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    monkeypatch.setenv("FIXER_NO_CACHE", "1")
    assert run_cli("check", "-q", cwd=root).exit_code == 1
    assert not cache_file(root).exists()
    monkeypatch.setenv("FIXER_NO_CACHE", "0")
    assert run_cli("check", "-q", cwd=root).exit_code == 1
    assert cache_file(root).exists()


def test_the_branch_built_from_a_warm_cache_is_the_one_built_without(tmp_path, work):
    """Branch mode reads the commit: its content keys are the commit's blob ids."""
    first, second = tmp_path / "cold", tmp_path / "warm"
    trees = []
    for root, extra in ((first, ["--no-cache"]), (second, [])):
        repo = repo_from(FIXTURES / "sample-service", root)
        if not extra:
            assert run_cli("apply", "--dry-run", cwd=root).exit_code == 1  # fills the cache
            work.reset()
        result = run_cli("apply", *extra, cwd=root)
        assert result.exit_code == 0, result
        trees.append(repo.git.rev_parse("fixer/cleanup^{tree}"))
    assert trees[0] == trees[1]
    assert work.fixed == [], "the branch's files came from the cache"


def test_rows_dropped_by_the_size_bound_are_read_again(tmp_path, work):
    """The last run's record says a file is unchanged, but its own row (with its facts) went: the
    file is read again for its facts when another file must be fixed, and the verdicts stay right."""
    files = {"svc/worker.py": "import pdb\n\n\ndef run(job):\n    pdb.set_trace()\n    return job\n",
             "svc/shim.py": "from svc.worker import pdb\n", "svc/other.py": "def other():\n    return 1\n"}
    root = tmp_path / "repo"
    repo = init_repo(root, files)
    run_cli("diff", cwd=root)
    with sqlite3.connect(cache_file(root)) as db:
        rows = db.execute("SELECT key, value FROM entries").fetchall()
        per_file = [(key,) for key, value in rows if "digests" in (store._unpack(value) or {})]
        assert per_file
        db.executemany("DELETE FROM entries WHERE key=?", per_file)
    (root / "svc/worker.py").write_text(files["svc/worker.py"] + "\n\ndef more():\n    breakpoint()\n")
    commit_all(repo)
    work.reset()
    result = run_cli("diff", cwd=root)
    assert "svc/shim.py" in work.read, "shim.py's facts (it takes pdb from worker.py) are read from the file"
    assert result.stdout == run_cli("diff", "--no-cache", cwd=root).stdout
    assert "-import pdb" not in result.stdout and "-    breakpoint()" in result.stdout


def test_a_cache_that_cannot_be_opened_leaves_the_run_as_it_was(tmp_path):
    root = tmp_path / "repo"
    repo_from(FIXTURES / "sample-service", root)
    expected = run_cli("check", "--format", "json", "--no-cache", cwd=root)
    blocker = cache_file(root).parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the cache folder goes\n")
    result = run_cli("check", "--format", "json", cwd=root)
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
    assert blocker.read_text() == "a file where the cache folder goes\n"


PRINTS_CONFIG = "[rules.remove-debug-prints]\n"
PRINTING_HELPER = "def _line(n):\n    print(f\"{n=}\")\n    return n\n"
CAPSYS_TEST = ("from app.api import report_size\n\n\ndef test_size(capsys):\n"
               "    report_size([1, 2])\n    assert capsys.readouterr().out == 'n=2\\n'\n")


def test_a_verdict_that_read_the_call_graph_is_checked_again_when_a_module_it_reads_changes(tmp_path, work):
    """The call graph (remove-debug-prints' `later` facts: who calls whom in every module) is built
    only when a test asserts output, and keys the verdicts that read it on every gathered file: here
    a wrapper stops calling the printing helper, and the helper's own, unchanged, file is re-checked."""
    files = {"fixer.toml": PRINTS_CONFIG, "app/__init__.py": "", "app/lines.py": PRINTING_HELPER,
             "app/api.py": "from app.lines import _line\n\n\ndef report_size(items):\n    return _line(len(items))\n",
             "tests/test_api.py": CAPSYS_TEST}
    root = tmp_path / "repo"
    repo = init_repo(root, files)
    before = verdicts(root)
    assert before["app/lines.py"] == [(2, False)], "the test reads what `_line` prints (through report_size): kept"

    # api.py still imports `_line` (the same imports: the same eager facts), but no longer calls it
    (root / "app/api.py").write_text("from app.lines import _line\n\n\ndef report_size(items):\n"
                                     "    return len(items)\n\n\nHELPERS = [_line]\n")
    commit_all(repo)
    work.reset()
    after = verdicts(root)
    assert "app/lines.py" in work.fixed
    assert after == verdicts(root, "--no-cache")
    assert after["app/lines.py"] == [(2, True)], "nothing reaches `_line` from the test any more"


# -- entries written during the run, not all at the end ---------------------------------------
@pytest.fixture
def written_at_once(monkeypatch):
    """Every entry with a verdict written as soon as it is put (cache.BATCH = 1); the writes counted."""
    monkeypatch.setattr(cache, "BATCH", 1)
    writes = []
    real = store.Store.put_many

    def put_many(self, items):
        writes.append(len(items))
        return real(self, items)

    monkeypatch.setattr(store.Store, "put_many", put_many)
    return writes


@pytest.mark.parametrize("fixture", FIXTURE_TREES[:3], ids=lambda p: p.name)
def test_entries_written_during_the_run_give_the_same_outputs(tmp_path, fixture, work, written_at_once):
    test_output_is_byte_identical_with_and_without_the_cache(tmp_path, fixture, work)
    assert len(written_at_once) > 3, "the first run with a cache wrote its entries as they came"


def test_facts_of_entries_written_during_the_run_still_key_the_verdicts(tmp_path, work, written_at_once):
    test_editing_a_test_rechecks_exactly_the_modules_whose_verdict_read_it(tmp_path / "elixir", work)
    test_a_new_importer_changes_the_verdict_of_the_module_it_imports_from(tmp_path / "python", work)


def test_facts_from_entries_written_during_the_run_serve_the_next_run(tmp_path, work, written_at_once):
    """shim.py's entry (settled: no rule wants it) is written while the run goes on; its fact (it takes
    `pdb` from svc.worker) must come back from its row when the next run fixes worker.py again."""
    worker = "import pdb\n\n\ndef run(job):\n    pdb.set_trace()\n    return job\n"
    files = {"svc/worker.py": worker, "svc/shim.py": "from svc.worker import pdb\n", "svc/other.py": "X = 1\n"}
    root = tmp_path / "repo"
    repo = init_repo(root, files)
    first = run_cli("diff", cwd=root).stdout
    assert "-import pdb" not in first and "-    pdb.set_trace()" in first
    (root / "svc/worker.py").write_text(worker + "\n\ndef more():\n    return 2\n")
    commit_all(repo)
    work.reset()
    second = run_cli("diff", cwd=root)
    assert work.fixed == ["svc/worker.py"] and "svc/shim.py" not in work.read
    assert second.stdout == run_cli("diff", "--no-cache", cwd=root).stdout
    assert "-import pdb" not in second.stdout and "-    pdb.set_trace()" in second.stdout
