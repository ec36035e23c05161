"""Configuration validation, rule selection, `fixer rules`, `fixer demo`, output formats."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import init_repo, run_cli, run_fixer_process, run_on_terminal, write_files

DEBUG = 'def f():\n    open("/tmp/a_debug.log", "a").write("x")\n    return 1\n'
FILES = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'  # unset: report only


@pytest.mark.parametrize(
    "config, message",
    [
        ('[fixer]\nbranchh = "x"\n', "unknown key 'fixer.branchh'"),
        ('[rules.no-such-rule]\n', "unknown rule id 'rules.no-such-rule'"),
        ('[rules.set-log-level]\nfrom = 20\n', "'rules.set-log-level.from' must be a string"),
        ('[rules.set-log-level]\nfrom = "LOUD"\n', "must be one of DEBUG"),
        ('[rules.remove-debug-file-writes]\nfiles = "/tmp/x.log"\n', "'rules.remove-debug-file-writes.files' must be a list"),
        ('[rules.remove-debug-calls]\nmessages = ["("]\n', "bad regex"),
        ('[rules.add-impl]\nenabled = "yes"\n', "'rules.add-impl.enabled' must be a boolean"),
        ("[fixer\n", "invalid TOML"),
    ],
)
def test_bad_config_exits_2_naming_key_and_file(tmp_path, config, message):
    root = tmp_path / "r"
    write_files(root, {"fixer.toml": config, "a.py": DEBUG})
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 2
    assert message in result.stderr and "fixer.toml" in result.stderr
    assert (root / "a.py").read_text() == DEBUG  # nothing was run


def test_pyproject_tool_fixer_table_and_paths(tmp_path):
    root = tmp_path / "r"
    write_files(root, {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.fixer.rules.remove-debug-file-writes]\n'
                          'paths = ["src/**/*.py"]\nfiles = ["/tmp/a_debug.log"]\n',
        "src/pkg/a.py": DEBUG, "scripts/b.py": DEBUG,
    })
    assert run_cli("apply", "--in-place", cwd=root).exit_code == 0
    assert (root / "src/pkg/a.py").read_text() != DEBUG
    assert (root / "scripts/b.py").read_text() == DEBUG


def test_pyproject_unknown_key_is_named_with_its_table(tmp_path):
    root = tmp_path / "r"
    write_files(root, {"pyproject.toml": '[tool.fixer]\nbrnch = "x"\n', "a.py": DEBUG})
    result = run_cli("check", cwd=root)
    assert result.exit_code == 2 and "unknown key 'tool.fixer.brnch'" in result.stderr and "pyproject.toml" in result.stderr
    assert "known: branch, include, exclude" in result.stderr  # the names are there (no "expected  and  tables")


def test_pyproject_old_nested_table_is_refused_with_the_documented_form(tmp_path):
    root = tmp_path / "r"
    write_files(root, {"pyproject.toml": '[tool.fixer.fixer]\nbranch = "x"\n', "a.py": DEBUG})
    result = run_cli("check", cwd=root)
    assert result.exit_code == 2
    assert "unknown key 'tool.fixer.fixer' (put the global keys directly in [tool.fixer])" in result.stderr


def test_exclude_disable_and_rule_option(tmp_path):
    root = tmp_path / "r"
    write_files(root, {
        "fixer.toml": '[fixer]\nexclude = ["vendor/**"]\n\n[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'
                      '[rules.set-log-level]\nenabled = false\n',
        "vendor/v.py": DEBUG, "a.py": DEBUG + "import logging\nlogging.basicConfig(level=logging.INFO)\n",
    })
    explicit = run_cli("check", "--rule", "set-log-level", cwd=root)  # --rule runs it even though disabled
    assert explicit.exit_code == 1 and "log level INFO -> WARNING" in explicit.stdout
    assert "remove-debug-file-writes" not in explicit.stdout
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 0
    assert (root / "vendor/v.py").read_text() == DEBUG
    assert "logging.INFO" in (root / "a.py").read_text()  # disabled rule did not run
    bad = run_cli("check", "--rule", "nope", cwd=root)
    assert bad.exit_code == 2 and "unknown rule id 'nope'" in bad.stderr


def test_rules_list_and_single_rule_docs():
    listing = run_cli("rules")
    assert listing.exit_code == 0
    for rule_id in ("remove-debug-file-writes", "set-log-level", "remove-debug-calls", "add-impl", "rename-used-underscored"):
        assert rule_id in listing.stdout
    one = run_cli("rules", "remove-debug-calls")
    assert one.exit_code == 0
    for text in ("What it does:", "Why:", "Fix safety:", "Example 1", "before:", "after:", "calls = [\"IO.inspect\", \"dbg\"]"):
        assert text in one.stdout
    assert run_cli("rules", "nope").exit_code == 2


def test_json_output_schema(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG, "fixer.toml": FILES})
    result = run_cli("check", "--format", "json", cwd=repo.working_tree_dir)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["schema"] == 1 and data["summary"]["files_changed"] == 1
    finding = dict(data["findings"][0])
    assert isinstance(finding.pop("evidence"), str)  # every finding carries it (may be empty)
    assert finding == {"rule": "remove-debug-file-writes", "path": "a.py", "line": 2, "column": 5,
                       "end_line": 2, "message": "removed debug write to /tmp/a_debug.log", "fixable": True}


def test_diff_is_plain_when_no_color_even_on_a_tty(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG, "fixer.toml": FILES})
    proc = run_fixer_process("apply", "--dry-run", cwd=repo.working_tree_dir, env={"NO_COLOR": "1"})
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout and "-    open(" in proc.stdout


def test_colour_on_a_terminal(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG, "fixer.toml": FILES})
    code, output = run_on_terminal("apply", "--dry-run", cwd=Path(repo.working_tree_dir))
    assert code == 1
    assert "\x1b[" in output and "open(" in output


def test_demo_shows_diff_and_creates_branch(tmp_path):
    target = tmp_path / "demo"
    proc = run_fixer_process("demo", "--keep", str(target), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "diff --git a/lib/snakepit/process_killer.ex" in proc.stdout  # one hunk of the diff: a tour
    assert "fixer: remove-debug-calls (16 fixes in 4 files)" in proc.stdout
    import git

    repo = git.Repo(target)
    assert "fixer/cleanup" in repo.heads and repo.active_branch.name == "main"
    assert not repo.is_dirty(untracked_files=True)


def test_progress_bar_only_on_a_terminal(tmp_path):
    files = {f"app/m{n}.py": DEBUG for n in range(30)}
    repo = init_repo(tmp_path / "r", files)
    piped = run_fixer_process("check", cwd=repo.working_tree_dir)
    assert piped.returncode == 1 and "fixing" not in piped.stderr and "\x1b[" not in piped.stderr
    code, screen = run_on_terminal("check", cwd=Path(repo.working_tree_dir), stream="stderr")
    assert code == 1
    assert "/30" in screen
