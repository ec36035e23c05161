"""The fast lane of `fixer check` (fixer.cli.fastlane): a re-run with nothing changed prints exactly
what a real run prints, and every change to what the output depends on makes a real run again.

Each run is a real `python -m fixer` process. Which lane answered is read from the trace line the
lane writes with FIXER_FASTLANE_TRACE set ("served": replayed; anything else: the normal run); the
outputs compared are a real run's with the cache off."""
from __future__ import annotations

import ast
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import fixer
from conftest import init_repo
from fixer.cli import fastlane
from fixer.core.store import FILE_NAME

TRACE = re.compile(rb"fixer fastlane: [^\n]*\n")
FILES = {
    "app/main.py": "def handler(x):\n    breakpoint()\n    return x\n",
    "app/util.py": "def double(x):\n    return 2 * x\n",
    "pyproject.toml": "[project]\nname = 'demo'\n",
}


def run(root: Path, *args: str, env: dict | None = None, cwd: Path | None = None,
        python: list[str] | None = None) -> tuple[int, bytes, bytes, bytes]:
    """(exit code, stdout, stderr without the trace, the trace) of one `fixer check` process."""
    full = {**{k: v for k, v in os.environ.items() if k != "FIXER_NO_CACHE"}, "FIXER_FASTLANE_TRACE": "1",
            **(env or {})}
    full = {k: v for k, v in full.items() if v is not None}
    proc = subprocess.run([*(python or [sys.executable]), "-m", "fixer", *args], cwd=cwd or root.parent, env=full,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    trace = b"".join(TRACE.findall(proc.stderr))
    return proc.returncode, proc.stdout, TRACE.sub(b"", proc.stderr), trace


def real(root: Path, *args: str, **kw) -> tuple[int, bytes, bytes]:
    code, out, err, trace = run(root, *args, env={**kw.pop("env", {}), "FIXER_NO_CACHE": "1"}, **kw)
    assert trace == b""
    return code, out, err


def served(trace: bytes) -> bool:
    return trace == b"fixer fastlane: served\n"


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    init_repo(root, FILES)
    return root


def warm(root: Path, *args: str, **kw) -> tuple[int, bytes, bytes]:
    """Run twice: the first run is recorded, the second one served; both print what a real run prints."""
    expected = real(root, *args, **kw)
    first = run(root, *args, **kw)
    assert not served(first[3]) and first[:3] == expected
    second = run(root, *args, **kw)
    assert served(second[3]), second[3]
    assert second[:3] == expected
    return expected


CHECK = ("check", "-C", "repo")


@pytest.mark.parametrize("output", [(), ("--format", "json"), ("--format", "sarif"), ("-q",)])
def test_a_replay_prints_the_bytes_of_a_real_run_with_findings(repo, output):
    code, out, err = warm(repo, *CHECK, *output)
    assert code == 1 and b"app/main.py" in out + err


@pytest.mark.parametrize("output", [(), ("--format", "json"), ("--format", "sarif")])
def test_a_replay_of_a_clean_run_exits_0(repo, output):
    (repo / "app/main.py").write_text("def handler(x):\n    return x\n")
    subprocess.run(["git", "commit", "-qam", "clean"], cwd=repo, check=True)
    code, out, err = warm(repo, *CHECK, *output)
    assert code == 0


def test_global_options_before_the_command_are_understood(repo):
    code, _, _ = warm(repo, "-C", "repo", "-q", "check", "--rule", "remove-debugger-calls")
    assert code == 1


def edit_tracked(root: Path, tmp_path: Path) -> None:
    (root / "app/util.py").write_text("def double(x):\n    breakpoint()\n    return 2 * x\n")


def stage_edit(root: Path, tmp_path: Path) -> None:
    edit_tracked(root, tmp_path)
    subprocess.run(["git", "add", "app/util.py"], cwd=root, check=True)


def commit_edit(root: Path, tmp_path: Path) -> None:
    stage_edit(root, tmp_path)
    subprocess.run(["git", "commit", "-qm", "more"], cwd=root, check=True)


def add_untracked(root: Path, tmp_path: Path) -> None:
    (root / "app/new.py").write_text("import pdb\npdb.set_trace()\n")


def edit_untracked(root: Path, tmp_path: Path) -> None:
    (root / "app/new.py").write_text("import pdb\n")


def delete_tracked(root: Path, tmp_path: Path) -> None:
    (root / "app/main.py").unlink()


def edit_config(root: Path, tmp_path: Path) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.fixer]\nexclude = ['app/main.py']\n")


def ignored_config(root: Path, tmp_path: Path) -> None:
    (root / ".git/info/exclude").write_text("fixer.toml\n")
    (root / "fixer.toml").write_text("[fixer]\nexclude = ['app/main.py']\n")


def edit_gitignore(root: Path, tmp_path: Path) -> None:
    (root / ".gitignore").write_text("app/main.py\n")
    subprocess.run(["git", "rm", "-q", "--cached", "app/main.py"], cwd=root, check=True)


@pytest.mark.parametrize("change", [edit_tracked, stage_edit, commit_edit, add_untracked, delete_tracked,
                                    edit_config, ignored_config, edit_gitignore])
def test_a_change_in_the_repository_makes_a_real_run(repo, tmp_path, change):
    before = warm(repo, *CHECK)
    change(repo, tmp_path)
    code, out, err, trace = run(repo, *CHECK)
    assert not served(trace)
    assert (code, out, err) == real(repo, *CHECK)
    assert (code, out, err) != before, "the change shows in the output"


def test_an_untracked_file_edited_makes_a_real_run(repo, tmp_path):
    add_untracked(repo, tmp_path)
    before = warm(repo, *CHECK)
    edit_untracked(repo, tmp_path)
    code, out, err, trace = run(repo, *CHECK)
    assert not served(trace) and (code, out, err) == real(repo, *CHECK) != before


def test_a_config_outside_the_repository_is_part_of_the_key(repo, tmp_path):
    config = tmp_path / "outside.toml"
    config.write_text("[fixer]\n")
    args = (*CHECK, "-c", str(config))
    before = warm(repo, *args)
    config.write_text("[fixer]\nexclude = ['app/main.py']\n")
    code, out, err, trace = run(repo, *args)
    assert not served(trace) and (code, out, err) == real(repo, *args) != before


@pytest.mark.parametrize("other", [("--rule", "remove-debug-prints"), ("--format", "json")])
def test_other_arguments_make_a_real_run(repo, other):
    warm(repo, *CHECK)
    code, out, err, trace = run(repo, *CHECK, *other)
    assert not served(trace) and (code, out, err) == real(repo, *CHECK, *other)


@pytest.mark.parametrize("variable, value", [("COLUMNS", "50"), ("NO_COLOR", "1"), ("FIXER_JOBS", "1"),
                                             ("FIXER_ANYTHING", "x"), ("TERM", "dumb")])
def test_an_environment_change_makes_a_real_run(repo, variable, value):
    warm(repo, *CHECK, env={variable: None})
    code, out, err, trace = run(repo, *CHECK, env={variable: value})
    assert not served(trace)
    assert (code, out, err) == real(repo, *CHECK, env={variable: value})


def test_the_columns_change_what_is_printed_and_the_lane_follows(repo):
    wide = warm(repo, *CHECK, env={"COLUMNS": "200"})
    narrow = warm(repo, *CHECK, env={"COLUMNS": "40"})
    assert wide != narrow
    assert run(repo, *CHECK, env={"COLUMNS": "200"})[:3] == wide


def test_another_fixer_build_makes_a_real_run(repo, tmp_path):
    """A copy of fixer whose module changes (as an editable install's would): its first run is real."""
    copy = tmp_path / "build"
    shutil.copytree(Path(fixer.__file__).parent, copy / "fixer", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(copy)}
    warm(repo, *CHECK, env=env)
    wording = copy / "fixer/ui/wording.py"
    wording.write_text(wording.read_text() + "\n# another build\n")
    code, out, err, trace = run(repo, *CHECK, env=env)
    assert not served(trace) and (code, out, err) == real(repo, *CHECK, env=env)


def test_a_corrupt_store_makes_a_real_run_and_is_rebuilt(repo):
    expected = warm(repo, *CHECK)
    database = repo / ".git/fixer/cache" / FILE_NAME
    with sqlite3.connect(database) as db:  # every value damaged: its digest no longer matches
        db.execute("UPDATE entries SET value = substr(value, 1, 16) || x'00' || substr(value, 18)")
    code, out, err, trace = run(repo, *CHECK)
    assert not served(trace) and (code, out, err) == expected
    database.write_bytes(b"this is not a database" * 100)
    code, out, err, trace = run(repo, *CHECK)
    assert not served(trace) and (code, out, err) == expected
    assert served(run(repo, *CHECK)[3])


def test_no_cache_never_uses_the_lane(repo):
    warm(repo, *CHECK)
    assert run(repo, *CHECK, "--no-cache")[3] == b"fixer fastlane: not a plain check\n"
    assert run(repo, *CHECK, env={"FIXER_NO_CACHE": "1"})[3] == b""


def test_paths_and_unknown_options_take_the_normal_run(repo):
    for args in ((*CHECK, "app"), (*CHECK, "--frobnicate"), ("diff", "-C", "repo"), (*CHECK, "-rremove-debug-prints")):
        assert fastlane.parse(list(args)) is None
    assert fastlane.parse(["-C", "a", "-q", "check", "-c", "b.toml", "--rule=x", "-f", "json"]) == \
        {"directory": "a", "config": "b.toml", "rule": ["x"], "format": "json", "quiet": True}
    assert fastlane.parse(["-C", "a", "check", "-C", "b"]) is None  # given twice


def test_an_error_is_not_recorded(repo):
    (repo / "fixer.toml").write_text("[fixer]\nnot = valid = toml\n")
    first = run(repo, *CHECK)
    assert first[0] == 2
    assert not served(run(repo, *CHECK)[3])


def test_stdout_and_stderr_on_one_file_take_the_normal_run(repo, tmp_path):
    warm(repo, *CHECK)
    with open(tmp_path / "both", "wb") as both:
        env = {**os.environ, "FIXER_FASTLANE_TRACE": "1"}
        env.pop("FIXER_NO_CACHE", None)
        subprocess.run([sys.executable, "-m", "fixer", *CHECK], cwd=repo.parent, env=env, stdout=both,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    assert b"fixer fastlane: stepped aside: stdout and stderr are the same file" in (tmp_path / "both").read_bytes()


def test_an_fsmonitor_hook_the_repository_configures_never_runs(repo, tmp_path):
    marker = tmp_path / "fsmonitor-ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    hook.chmod(0o755)
    subprocess.run(["git", "config", "core.fsmonitor", str(hook)], cwd=repo, check=True)
    subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)  # git itself runs it
    assert marker.exists(), "the hook is real"
    marker.unlink()
    warm(repo, *CHECK)
    edit_tracked(repo, tmp_path)
    add_untracked(repo, tmp_path)
    warm(repo, *CHECK)
    assert not marker.exists()


def test_a_filter_the_repository_configures_never_runs(repo, tmp_path):
    marker = tmp_path / "filter-ran"
    subprocess.run(["git", "config", "filter.spy.clean", f"sh -c 'touch {marker}; cat'"], cwd=repo, check=True)
    (repo / ".gitattributes").write_text("*.py filter=spy\n")
    (repo / "app/util.py").write_text("def double(x):\n    return x + x\n")  # racy or changed: git would clean it
    subprocess.run(["git", "-c", "filter.spy.clean=cat", "add", "-A"], cwd=repo, check=True)
    (repo / "app/util.py").write_text("def double(x):\n    return x * 2\n")
    warm(repo, *CHECK)
    assert not marker.exists()


# -- the environment: every variable fixer reads is part of the key ------------------------------
def _names_read() -> set[str]:
    """Every environment variable named in fixer's code: os.environ.get/[...]/getenv with a literal,
    module constants named *ENV whose value is a name, and every FIXER_* or GIT_* name in the code."""
    names = set()
    for path in Path(fixer.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = ast.unparse(node.func)
                if func.endswith(("environ.get", "getenv", "environ.pop", "environ.setdefault")):
                    names.add(node.args[0].value)
            if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ") and \
                    isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and \
                    isinstance(node.value.value, str) and re.fullmatch(r"[A-Z0-9_]+", node.value.value):
                if any(isinstance(t, ast.Name) and t.id.endswith("ENV") for t in node.targets):
                    names.add(node.value.value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    re.fullmatch(r"(FIXER|GIT)_[A-Z0-9_]+", node.value):
                names.add(node.value)
    return {name for name in names if isinstance(name, str)}


RICH_AND_TERMINAL = {"COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE",
                     "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "LANG", "LC_ALL", "LC_CTYPE",
                     "PYTHONIOENCODING", "PYTHONUTF8", "HOME", "XDG_CACHE_HOME", "GIT_DIR", "GIT_WORK_TREE",
                     "GIT_INDEX_FILE", "GIT_PYTHON_GIT_EXECUTABLE", "PATH"}


def test_every_variable_fixer_or_rich_reads_changes_the_key(monkeypatch):
    names = _names_read() | RICH_AND_TERMINAL
    assert {"FIXER_NO_CACHE", "FIXER_JOBS", "COLUMNS", "NO_COLOR", "FIXER_CACHE_MAX_BYTES"} <= names
    from fixer.core.secrets import FORGE_TOKENS

    for name in sorted(names):
        if FORGE_TOKENS.match(name):
            continue  # taken out of the environment by every command before any work
        assert name not in fastlane.IRRELEVANT_ENV
        monkeypatch.setenv(name, "one")
        first = fastlane.Lane._environment()
        monkeypatch.setenv(name, "two")
        assert fastlane.Lane._environment() != first, name


# -- a few files differ from the recorded run ------------------------------------------------------
NEARLY = b"fixer fastlane: served: the files that differ from the recorded run change nothing it printed\n"


@pytest.mark.parametrize("args", [CHECK, (*CHECK, "--rule", "remove-debugger-calls"), (*CHECK, "--format", "json")])
def test_an_edit_no_rule_sees_is_served_from_the_nearest_record(repo, args):
    warm(repo, *args)
    with open(repo / "app/util.py", "a") as out:
        out.write("\n# edited\n")
    code, out, err, trace = run(repo, *args)
    assert trace == NEARLY
    assert (code, out, err) == real(repo, *args)
    assert served(run(repo, *args)[3]), "the run served is kept under its own key"


def test_an_untracked_file_kept_with_the_record_is_compared_too(repo):
    (repo / "app/extra.py").write_text("def triple(x):\n    return 3 * x\n")
    warm(repo, *CHECK)
    with open(repo / "app/extra.py", "a") as out:
        out.write("# edited\n")
    code, out, err, trace = run(repo, *CHECK)
    assert trace == NEARLY and (code, out, err) == real(repo, *CHECK)


@pytest.mark.parametrize("edit, why", [
    ("    breakpoint()\n", b"wants it"),  # a finding of its own
    ("    print('here', x)\n", b"wants it"),  # a rule that is off would act: the hint changes
    ("from app.main import handler\n", b"facts"),  # what it imports is a fact other files' verdicts read
])
def test_an_edit_a_rule_sees_makes_a_real_run(repo, edit, why):
    before = warm(repo, *CHECK)
    text = (repo / "app/util.py").read_text()
    (repo / "app/util.py").write_text(edit + text if edit.startswith("from") else text.replace("    return", edit + "    return"))
    code, out, err, trace = run(repo, *CHECK)
    assert not served(trace) and trace != NEARLY and why in trace, trace
    assert (code, out, err) == real(repo, *CHECK)
    if why == b"wants it":
        assert (code, out, err) != before


def test_added_or_removed_files_make_a_real_run(repo, tmp_path):
    warm(repo, *CHECK)
    (repo / "app/other.py").write_text("x = 1\n")
    code, out, err, trace = run(repo, *CHECK)
    assert b"added or removed" in trace and (code, out, err) == real(repo, *CHECK)


def test_an_edit_no_rule_sees_that_is_staged_is_served_from_the_nearest_record_too(repo):
    warm(repo, *CHECK)
    with open(repo / "app/util.py", "a") as out:
        out.write("\n# edited\n")
    subprocess.run(["git", "add", "app/util.py"], cwd=repo, check=True)  # the index differs from the record's
    code, out, err, trace = run(repo, *CHECK)
    assert trace == NEARLY and (code, out, err) == real(repo, *CHECK)


def test_a_deleted_file_is_never_served_from_the_nearest_record(repo):
    warm(repo, *CHECK)
    (repo / "app/util.py").unlink()
    code, out, err, trace = run(repo, *CHECK)
    assert b"added or removed" in trace and (code, out, err) == real(repo, *CHECK)


def test_an_edit_that_changes_only_a_modules_calls_makes_a_real_run_when_a_test_asserts_output(tmp_path):
    """The call graph (remove-debug-prints' facts gathered only when a test asserts printed output):
    api.py stops calling the printing helper, with its imports and every anchor unchanged; the print
    is no longer reached from the test, so the real run removes it."""
    root = tmp_path / "repo"
    init_repo(root, {
        "fixer.toml": "[rules.remove-debug-prints]\n", "app/__init__.py": "",
        "app/lines.py": "def _line(n):\n    print(f\"{n=}\")\n    return n\n",
        "app/api.py": "from app.lines import _line\n\n\ndef report_size(items):\n    return _line(len(items))\n",
        "tests/test_api.py": "from app.api import report_size\n\n\ndef test_size(capsys):\n"
                             "    report_size([1, 2])\n    assert capsys.readouterr().out == 'n=2\\n'\n",
    })
    before = warm(root, *CHECK)
    api = root / "app/api.py"
    api.write_text(api.read_text().replace("return _line(len(items))", "return len(items)"))
    code, out, err, trace = run(root, *CHECK)
    assert not served(trace) and trace != NEARLY, trace
    assert (code, out, err) == real(root, *CHECK) != before
