"""The CLI as users of ruff/black/pre-commit expect it: exit codes that never lie, help text, -q,
config forms and rule selection, -C, demo, widths, and a start-up that imports only what it needs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import git
import pytest

from conftest import init_repo, run_cli, run_fixer_process, unwrapped, with_debug_logs, write_files

DEBUG = 'def f():\n    open("/tmp/a_debug.log", "a").write("x")\n    return 1\n'
FIXED = "def f():\n    return 1\n"
ELIXIR_DEBUG = 'defmodule Demo.A do\n  def run(x) do\n    IO.inspect(x)\n    x + 1\n  end\nend\n'
HEAVY = ("libcst", "git", "github", "tree_sitter", "pydantic")


# -- start-up: only what the command needs -----------------------------------------------------

@pytest.mark.parametrize("args", [["--version"], ["--help"], ["rules"], ["rules", "remove-debug-calls"], ["check", "--help"]])
def test_light_commands_never_import_the_heavy_libraries(args, tmp_path):
    """`--version`, `--help` and `rules` must start fast: no LibCST, tree-sitter, GitPython, PyGithub
    (nor pydantic, which typer 0.29 would pull in for every argument)."""
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['fixer', *{args!r}]\n"
        "try:\n    runpy.run_module('fixer', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('LOADED', loaded, 'EXIT', code, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "LOADED [] EXIT 0" in proc.stderr, proc.stderr[-2000:]


# -- exit codes that never lie -----------------------------------------------------------------

@pytest.mark.parametrize("command", [["check"], ["diff"], ["apply", "--dry-run"], ["apply", "--in-place"], ["apply"]])
def test_a_path_that_does_not_exist_is_an_error_naming_it(tmp_path, command):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG})
    result = run_cli(*command, "does/not/exist.py", cwd=repo.working_tree_dir)
    assert result.exit_code == 2, result
    assert "fixer: error: does/not/exist.py: no such file or directory" in result.stderr
    assert "files changed" not in result.stderr + result.stdout  # no all-zero table pretending to be a result
    assert (tmp_path / "r/a.py").read_text() == DEBUG and "fixer/cleanup" not in repo.heads


def test_paths_nothing_looks_at_say_why_and_exit_2_when_none_is_left(tmp_path):
    repo = init_repo(tmp_path / "r", {
        "fixer.toml": '[fixer]\nexclude = ["vendor/**"]\n', ".gitignore": "generated/\n",
        "a.py": DEBUG, "vendor/v.py": DEBUG, "README.md": "# hi\n",
    })
    write_files(tmp_path / "r", {"generated/g.py": DEBUG})
    cwd = repo.working_tree_dir
    for path, why in [("vendor/v.py", "excluded by"), ("README.md", "no enabled rule applies to it"),
                      ("generated/g.py", "ignored by git")]:
        result = run_cli("check", path, cwd=cwd)
        assert result.exit_code == 2, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"fixer: error: {path}: not checked: ") and why in lines[0]
    mixed = run_cli("check", "a.py", "README.md", cwd=cwd)  # one path was looked at: its result counts
    assert mixed.exit_code == 1
    assert "fixer: README.md: not checked: no enabled rule applies to it" in mixed.stderr
    assert "a.py:2:5" in mixed.stdout


def test_dot_and_folders_mean_everything_under_them(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/a.py": DEBUG, "lib/b.py": "x = 1\n"})
    cwd = Path(repo.working_tree_dir)
    assert run_cli("check", ".", cwd=cwd).exit_code == 1
    assert run_cli("check", "app", cwd=cwd).exit_code == 1
    assert run_cli("check", "app/", cwd=cwd).exit_code == 1
    assert run_cli("check", "lib", cwd=cwd).exit_code == 0
    assert run_cli("check", "a.py", cwd=cwd / "app").exit_code == 1  # relative to where fixer runs


def test_branch_mode_names_a_file_that_is_not_committed(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    write_files(tmp_path / "r", {"new.py": DEBUG})
    result = run_cli("apply", "new.py", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    assert "new.py: not checked: not in commit" in result.stderr and "--in-place" in result.stderr
    assert "fixer/cleanup" not in repo.heads


def test_diff_to_a_folder_that_does_not_exist_is_one_line_and_exit_2(tmp_path):
    repo = init_repo(tmp_path / "r", with_debug_logs({"a.py": DEBUG}))
    target = "/nonexistent/dir/x.patch"
    proc = run_fixer_process("diff", "-o", target, cwd=Path(repo.working_tree_dir))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("fixer: error: ") and "/nonexistent/dir" in lines[-1]
    assert "No such file or directory" in lines[-1] and "Traceback" not in proc.stderr
    verbose = run_fixer_process("diff", "-o", target, "--verbose", cwd=Path(repo.working_tree_dir))
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr
    written = run_cli("diff", "-o", "fixes.patch", cwd=repo.working_tree_dir)
    assert written.exit_code == 1 and "+++ b/a.py" in (tmp_path / "r/fixes.patch").read_text()


def test_a_bad_option_is_a_usage_error_with_exit_2(tmp_path):
    proc = run_fixer_process("check", "--no-such-flag", cwd=tmp_path)
    assert proc.returncode == 2 and "No such option" in proc.stderr and "Traceback" not in proc.stderr


# -- help, quiet, widths -------------------------------------------------------------------------

COMMANDS = ["check", "diff", "apply", "checklist", "pr", "rules", "demo"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_help_reads_like_ruffs(command, tmp_path):
    proc = run_fixer_process(*command, "--help", cwd=tmp_path, env={"COLUMNS": "80"})
    assert proc.returncode == 0
    text = proc.stdout
    for placeholder in ("<bool>", "<list", "<path>", "<str>", "<int>", "{", "}", "or  in"):
        assert placeholder not in text, (placeholder, text)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "..." not in "".join(line for line in text.splitlines() if not line.lstrip().startswith(("Usage", "[")))
    if command and command[0] in ("check", "diff", "apply"):
        assert "-q, --quiet" in text and "-v, --verbose" in text and "[PATH]..." in text
        assert "[tool.fixer]" in text  # the config option names both files (nothing eaten as markup)


def test_quiet_prints_findings_only(tmp_path):
    repo = init_repo(tmp_path / "r", with_debug_logs({"a.py": DEBUG}))
    loud = run_cli("check", cwd=repo.working_tree_dir)
    quiet = run_cli("check", "-q", cwd=repo.working_tree_dir)
    assert loud.exit_code == quiet.exit_code == 1
    assert "files changed" in loud.stderr and "rules (defaults" in loud.stderr
    assert quiet.stderr == "" and quiet.stdout == loud.stdout and "a.py:2:5" in quiet.stdout
    applied = run_cli("apply", "--in-place", "--quiet", cwd=repo.working_tree_dir)
    assert applied.exit_code == 0 and "files changed" not in applied.stderr
    assert (tmp_path / "r/a.py").read_text() == FIXED


def test_rules_list_and_docs_fit_80_columns_when_piped(tmp_path):
    from fixer.core.rule import all_rules

    listing = run_fixer_process("rules", cwd=tmp_path, env={"COLUMNS": "80"})
    assert listing.returncode == 0
    assert max(len(line) for line in listing.stdout.splitlines()) <= 80
    for rule_id in all_rules():
        assert rule_id in listing.stdout  # ids are never cut
    unset = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    default = subprocess.run([sys.executable, "-m", "fixer", "rules"], cwd=tmp_path, env=unset, capture_output=True, text=True)
    assert max(len(line) for line in default.stdout.splitlines()) <= 80  # piped, no COLUMNS: 80
    for rule_id, cls in all_rules().items():
        docs = run_fixer_process("rules", rule_id, cwd=tmp_path, env={"COLUMNS": "72"})
        assert docs.returncode == 0
        code = _verbatim_code(cls)
        too_wide = [line for line in docs.stdout.splitlines() if len(line) > 72 and line.strip() not in code]
        assert not too_wide, too_wide
        assert "What it does:" in docs.stdout and "Fix safety:" in docs.stdout


def _verbatim_code(cls) -> set[str]:
    """Lines that must not be wrapped: example code, the docstring's Example section, anchors."""
    lines = {a.strip() for a in cls().anchor_patterns()}
    for example in cls.examples:
        lines |= {line.strip() for line in example.before.splitlines() + (example.after or "").splitlines()}
    in_example = False
    for line in cls.documentation().splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            in_example = line in ("Example:", "Examples:")
        elif in_example:
            lines.add(line.strip())
    for name, spec in {**cls.params, **cls.COMMON}.items():
        default = list(cls.default_paths) if name == "paths" else spec.default
        lines.add(f"{name} = {json.dumps(default)}")
    return lines


def test_summary_table_honours_columns_when_piped(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG, "lib/a.ex": ELIXIR_DEBUG})
    proc = run_fixer_process("check", cwd=Path(repo.working_tree_dir), env={"COLUMNS": "80"})
    assert proc.returncode == 1
    table = proc.stderr[proc.stderr.index("fixer\n"):]
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "remove-debug-file-writes" in table and "rename-used-underscored" not in table  # rows of zeros left out


def test_report_width_and_wrap_keep_ids_and_paths_whole(monkeypatch):
    from fixer.ui import report

    monkeypatch.setenv("COLUMNS", "40")
    assert report.width() == 40
    text = "remove-debug-file-writes in apps/worker_pool/lib/worker_pool/very_long_module_name.ex (lines 3-4)"
    lines = report.wrap(text, indent="  ")
    assert "apps/worker_pool/lib/worker_pool/very_long_module_name.ex" in [w for line in lines for w in line.split()]
    assert "remove-debug-file-writes" in lines[0]
    assert all(len(line) <= 40 for line in lines if " " in line.strip())
    item = report.block("12. ", "Remove `IO.inspect` calls in lib/snakepit/pool/process_registry.ex (lines 151-154)",
                        ["rule: remove-debug-calls", "file: apps/snakepit/lib/snakepit/pool/process_registry.ex",
                         "result: fixed, found at 154-156 (checklist said 151-154, +3)"])
    words = [w for line in item for w in line.split()]
    assert "lib/snakepit/pool/process_registry.ex" in words and "remove-debug-calls" in words
    assert "apps/snakepit/lib/snakepit/pool/process_registry.ex" in words
    assert item[0].startswith("12. Remove") and all(line.startswith("    ") for line in item[1:])
    assert all(len(line) <= 40 for line in item if len(line.split()) > 1 and len(line.strip()) > 4)


# -- configuration: both files, select / extend-select, the nearest config ---------------------

def test_pyproject_documented_form_global_keys_and_rule_tables(tmp_path):
    repo = init_repo(tmp_path / "r", {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.fixer]\nbranch = "cleanup/bot"\nexclude = ["vendor/**"]\n\n'
                          '[tool.fixer.rules.remove-debug-file-writes]\nfiles = ["/tmp/special.log"]\n',
        "app/a.py": 'def f():\n    open("/tmp/special.log", "a").write("x")\n    return 1\n',
        "vendor/v.py": 'def f():\n    open("/tmp/special.log", "a").write("x")\n    return 1\n',
    })
    result = run_cli("apply", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert "cleanup/bot" in repo.heads
    branch = repo.heads["cleanup/bot"].commit
    assert branch.tree["app/a.py"].data_stream.read().decode() == FIXED
    assert "open(" in branch.tree["vendor/v.py"].data_stream.read().decode()


def test_fixer_toml_wins_over_pyproject_and_keeps_its_own_form(tmp_path):
    repo = init_repo(tmp_path / "r", {
        "pyproject.toml": '[tool.fixer]\nexclude = ["**"]\n',
        "fixer.toml": '[fixer]\nexclude = ["vendor/**"]\n',
        "a.py": DEBUG, "vendor/v.py": DEBUG,
    })
    result = run_cli("check", cwd=repo.working_tree_dir)
    assert result.exit_code == 1 and "a.py:2:5" in result.stdout and "vendor" not in result.stdout
    assert "config: " in result.stderr and "fixer.toml" in result.stderr


def test_a_rule_table_adds_to_the_default_rules_and_the_run_says_which(tmp_path):
    repo = init_repo(tmp_path / "r", {
        "fixer.toml": '[rules.set-log-level]\nfrom = "INFO"\nto = "WARNING"\n',
        "a.py": DEBUG + "import logging\nlogging.basicConfig(level=logging.INFO)\n",
        "lib/a.ex": ELIXIR_DEBUG,
    })
    result = run_cli("check", cwd=repo.working_tree_dir)
    assert result.exit_code == 1
    for expected in ("debug write to /tmp/a_debug.log", "log level INFO -> WARNING", "lib/a.ex:3"):
        assert expected in unwrapped(result.stdout)  # configuring one rule did not switch the others off
    line = next(line for line in unwrapped(result.stderr).splitlines() if line.startswith("rules ("))
    assert "set-log-level" in line and "remove-debug-calls" in line and "fixer.toml" in line


@pytest.mark.parametrize("config, ran, skipped", [
    ('[fixer]\nselect = ["remove-debug-calls"]\n', ["lib/a.ex:3"], ["debug write to /tmp/a_debug.log"]),
    ('[fixer]\nextend-select = ["set-log-level"]\n', ["lib/a.ex:3", "debug write to /tmp/a_debug.log", "log level INFO"], []),
    ('[fixer]\nselect = ["remove-debug-file-writes"]\n[rules.remove-debug-calls]\nenabled = false\n',
     ["debug write to /tmp/a_debug.log"], ["lib/a.ex:3", "log level"]),
    ('[rules.remove-debug-file-writes]\nenabled = false\n', ["lib/a.ex:3"], ["debug write to /tmp/a_debug.log", "log level"]),
])
def test_select_and_extend_select_like_ruff(tmp_path, config, ran, skipped):
    repo = init_repo(tmp_path / "r", {
        "fixer.toml": config, "a.py": DEBUG + "import logging\nlogging.basicConfig(level=logging.INFO)\n",
        "lib/a.ex": ELIXIR_DEBUG,
    })
    result = run_cli("check", cwd=repo.working_tree_dir)
    for text in ran:
        assert text in unwrapped(result.stdout), (text, result)
    for text in skipped:
        assert text not in unwrapped(result.stdout), (text, result)


def test_select_with_an_unknown_rule_is_a_config_error(tmp_path):
    root = tmp_path / "r"
    write_files(root, {"pyproject.toml": '[tool.fixer]\nselect = ["no-such-rule"]\n', "a.py": DEBUG})
    result = run_cli("check", cwd=root)
    assert result.exit_code == 2 and "'tool.fixer.select': unknown rule id 'no-such-rule'" in result.stderr


def test_dash_C_finds_the_directorys_own_config_before_the_roots(tmp_path):
    special = 'def f():\n    open("/tmp/special.log", "a").write("x")\n    return 1\n'
    repo = init_repo(tmp_path / "mono", {
        "fixer.toml": '[fixer]\nexclude = ["services/api/vendor/**"]\n',
        "services/api/fixer.toml": '[fixer]\nexclude = ["generated/**"]\n\n'
                                   '[rules.remove-debug-file-writes]\nfiles = ["/tmp/special.log"]\n',
        "services/api/app/a.py": special, "services/api/generated/g.py": special,
        "services/web/b.py": special + DEBUG.replace("def f", "def g"),
    })
    root = Path(repo.working_tree_dir)
    result = run_cli("check", "-C", str(root / "services/api"), cwd=tmp_path)
    assert result.exit_code == 1, result
    assert result.stdout.startswith("app/a.py:2:5")  # its own `files`; paths relative to DIR, as `git -C`
    assert "generated" not in result.stdout and "services/web" not in result.stdout  # its globs, its folder
    assert "services/api/fixer.toml" in result.stderr
    one = run_cli("check", "-C", str(root / "services/api"), "app/a.py", cwd=tmp_path)  # paths relative to DIR
    assert one.exit_code == 1 and one.stdout.startswith("app/a.py:2:5")
    at_root = run_cli("check", cwd=root)
    assert "services/web/b.py" in at_root.stdout and "services/api/app/a.py" not in at_root.stdout


# -- demo and pr -------------------------------------------------------------------------------

def test_demo_keep_refuses_a_non_empty_folder_and_touches_nothing(tmp_path):
    plain = tmp_path / "mine"
    write_files(plain, {"notes.txt": "my notes\n"})
    result = run_cli("demo", "--keep", str(plain), cwd=tmp_path)
    assert result.exit_code == 2 and "not empty" in result.stderr and str(plain) in result.stderr
    assert sorted(p.name for p in plain.iterdir()) == ["notes.txt"]  # no git init, no sample copied
    repo = init_repo(tmp_path / "project", {"app.py": "x = 1\n"})
    (tmp_path / "project/app.py").write_text("x = 2  # my uncommitted edit\n")
    head = repo.head.commit.hexsha
    again = run_cli("demo", "--keep", repo.working_tree_dir, cwd=tmp_path)
    assert again.exit_code == 2 and "not empty" in again.stderr
    assert repo.head.commit.hexsha == head and repo.is_dirty() and "fixer/cleanup" not in repo.heads
    assert (tmp_path / "project/app.py").read_text() == "x = 2  # my uncommitted edit\n"


def test_demo_keep_into_a_new_folder_keeps_the_repo(tmp_path):
    target = tmp_path / "new" / "demo"
    proc = run_fixer_process("demo", "--keep", str(target), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    repo = git.Repo(target)
    assert "fixer/cleanup" in repo.heads and not repo.is_dirty(untracked_files=True)


def test_demo_without_keep_removes_the_repository_it_made(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = run_fixer_process("demo", cwd=tmp_path, env={"TMPDIR": str(scratch)})
    assert proc.returncode == 0, proc.stderr
    assert "diff --git a/lib/snakepit/process_killer.ex" in proc.stdout and "fixer: remove-debug-calls" in proc.stdout
    assert list(scratch.iterdir()) == []  # the demo repository (and any temp file) is gone


def test_pr_outside_git_does_not_suggest_in_place(tmp_path):
    plain = tmp_path / "plain"
    write_files(plain, {"a.py": DEBUG})
    result = run_cli("pr", "--dry-run", cwd=plain)
    assert result.exit_code == 2 and "not a git repository" in result.stderr
    assert "--in-place" not in result.stderr and "fixer apply" in result.stderr


# -- machine-readable formats carry the evidence -----------------------------------------------

def test_json_sarif_and_github_carry_each_findings_evidence(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG})
    cwd = repo.working_tree_dir
    data = json.loads(run_cli("check", "--format", "json", cwd=cwd).stdout)
    assert all("evidence" in finding for finding in data["findings"])
    sarif = json.loads(run_cli("check", "--format", "sarif", cwd=cwd).stdout)
    assert all("evidence" in result["properties"] for result in sarif["runs"][0]["results"])


def test_formats_show_a_non_empty_evidence():
    from fixer.ui import formats
    from fixer.core.model import FileResult, Finding
    from fixer.core.runner import FileOutcome, Run

    finding = Finding("remove-debug-calls", "lib/a.ex", 3, "kept IO.inspect", False, 5, 3, "its value is returned")
    run = Run([], [FileOutcome(FileResult("lib/a.ex", "x", "x", findings=[finding]))])
    assert json.loads(formats.to_json(run))["findings"][0]["evidence"] == "its value is returned"
    sarif = json.loads(formats.to_sarif(run))
    assert sarif["runs"][0]["results"][0]["properties"]["evidence"] == "its value is returned"
    assert formats.to_github(run) == ("::notice file=lib/a.ex,line=3,col=5,endLine=3,title=remove-debug-calls::"
                                      "kept IO.inspect (evidence: its value is returned)\n")


def test_pre_commit_hooks_pass_when_only_excluded_files_are_staged(tmp_path):
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())}
    repo = init_repo(tmp_path / "r", with_debug_logs({"fixer.toml": '[fixer]\nexclude = ["vendor/**"]\n', "a.py": DEBUG,
                                                "vendor/v.py": DEBUG}))
    cwd = repo.working_tree_dir

    def hook(hook_id: str, *files: str):
        entry = hooks[hook_id]["entry"].split()[1:] + hooks[hook_id].get("args", [])
        return run_cli(*entry, *files, cwd=cwd)

    assert hook("fixer-check", "vendor/v.py").exit_code == 0  # nothing of ours staged: nothing to block
    assert run_cli("check", "vendor/v.py", cwd=cwd).exit_code == 2  # ...while a CI command still refuses
    staged = hook("fixer-check", "vendor/v.py", "a.py")
    assert staged.exit_code == 1 and "a.py:2:5" in staged.stdout and "files changed" not in staged.stderr
    assert hook("fixer-check", "missing.py").exit_code == 2  # a path that does not exist is still an error
    assert hook("fixer-fix", "vendor/v.py", "a.py").exit_code == 0
    assert (tmp_path / "r/a.py").read_text() == FIXED and (tmp_path / "r/vendor/v.py").read_text() == DEBUG
