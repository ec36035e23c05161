"""`fixer check` read at a glance (issue 19): lines fit COLUMNS=80, fixes say what they would do,
evidence is not said twice, regexes read as written, a clean run is one line, the last line says
what to type next, and rules that are off but would act get one hint line each."""
from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import init_repo, run_cli, run_fixer_process

COLUMNS = {"COLUMNS": "80"}

PRINTS = ('import logging\nfrom pprint import pprint\n\nlogging.basicConfig(level=logging.DEBUG)\n\n\n'
          'def handle(items):\n    print("DEBUG items:", items)\n    pprint(locals())\n    return len(items)\n')
GENSERVER = ("defmodule Server do\n  use GenServer\n\n  def init(state), do: {:ok, state}\n\n"
             "  def handle_call(:get, _from, state), do: {:reply, state, state}\nend\n")


def _blocks(text: str) -> list[str]:
    """Finding blocks: a `path:line:col:` line and its indented continuation lines."""
    blocks: list[str] = []
    for line in text.splitlines():
        if line.startswith("    ") and blocks:
            blocks[-1] += " " + line.strip()
        else:
            blocks.append(line)
    return blocks


def test_sample_check_fits_80_columns_and_ends_with_the_next_step(sample_repo):
    proc = run_fixer_process("check", cwd=Path(sample_repo.working_tree_dir), env=COLUMNS)
    assert proc.returncode == 1
    for line in (proc.stdout + proc.stderr).splitlines():
        assert len(line) <= 80, line
    findings = _blocks(proc.stdout)
    fixes = [b for b in findings if "needs review" not in b]
    assert fixes and all(re.search(r"\] would (remove|replace|add|rename|fix)", b) for b in fixes), fixes
    assert not any(re.search(r"\] (removed|replaced|added|renamed) ", b) for b in findings)
    tail = proc.stderr.strip().splitlines()
    count = sum(1 for b in fixes)
    assert f"Checked 6 files: {count} fixes in 6 files, 1 needs review." in proc.stderr
    assert tail[-1] == f"{count} fixes pending: run `fixer apply` (or `fixer apply --dry-run` to see the diff)"
    assert "fix(es)" not in proc.stderr and "file(s)" not in proc.stderr


RESCUED_BANNER = """defmodule Worker do
  def f(state) do
    try do
      IO.puts("!!! pid #{state.os_pid}")
      :ok
    rescue
      _ -> :error
    end
  end
end
"""


def test_needs_review_says_its_evidence_once_and_regexes_as_written(tmp_path):
    # A banner the config's regex marks as a leftover, whose read may raise inside a try/rescue: held back.
    config = '[rules.remove-debug-calls]\nmessages = ["^\\\\n?!!! "]\n'
    repo = init_repo(tmp_path / "r", {"lib/worker.ex": RESCUED_BANNER, "fixer.toml": config})
    proc = run_fixer_process("check", cwd=Path(repo.working_tree_dir), env=COLUMNS)
    review = [b for b in _blocks(proc.stdout) if "needs review" in b and b.startswith("lib/worker.ex")]
    assert len(review) == 1
    assert review[0].count("its message matches") == 1 and review[0].count("which may raise") == 1, review[0]
    assert "`^\\n?!!! `" in review[0] and "\\\\n" not in proc.stdout  # one backslash, as in fixer.toml's regex


def test_clean_run_is_one_line_with_the_files_checked(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n", "b.py": "y = 2\n", "lib/c.ex": "defmodule C do\nend\n"})
    result = run_cli("check", cwd=repo.working_tree_dir, env=COLUMNS)
    assert result.exit_code == 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == "Checked 3 files: nothing to fix."
    assert "files changed" not in result.stderr and "┃" not in result.stderr


def test_one_file_is_said_without_plural(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    assert run_cli("check", cwd=repo.working_tree_dir).stderr.splitlines()[-1] == "Checked 1 file: nothing to fix."


def test_sarif_and_github_say_what_a_fix_would_do(sample_repo):
    cwd = Path(sample_repo.working_tree_dir)
    sarif = json.loads(run_fixer_process("check", "--format", "sarif", cwd=cwd).stdout)
    results = sarif["runs"][0]["results"]
    fixable = [r["message"]["text"] for r in results if r["properties"]["fixable"]]
    assert fixable and all(m.startswith("would ") for m in fixable), fixable
    github = run_fixer_process("check", "--format", "github", cwd=cwd).stdout
    warnings = [line.split("::", 2)[2] for line in github.splitlines() if line.startswith("::warning")]
    assert warnings and all(w.startswith("would ") for w in warnings)
    assert not any(re.match(r"(removed|replaced|added|renamed) ", w) for w in warnings)


def test_rules_that_are_off_but_would_act_get_one_hint_each(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/handlers.py": PRINTS, "lib/server.ex": GENSERVER})
    result = run_cli("check", cwd=repo.working_tree_dir, env=COLUMNS)
    text = " ".join(line.strip() for line in result.stderr.splitlines())
    assert result.exit_code == 0, result
    assert ('hint: add-impl with mode = "always" would make 2 more fixes in 1 file (callbacks in modules with '
            'no @impl yet): set mode = "always" in [rules.add-impl]') in text
    assert ('hint: remove-debug-prints is off; it would make 2 fixes in 1 file. Turn it on with '
            'extend-select = ["remove-debug-prints"]') in text
    assert ('hint: set-log-level is off; with from = "DEBUG", to = "INFO" it would make 1 fix in 1 file '
            '(a standing DEBUG level)') in text
    assert text.count("hint: ") == 3  # one line per rule: a count, never a list
    assert all(len(line) <= 80 for line in result.stderr.splitlines())


def test_hints_are_true_the_hinted_setting_makes_exactly_those_fixes(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/handlers.py": PRINTS, "lib/server.ex": GENSERVER,
                                      "fixer.toml": '[fixer]\nextend-select = ["remove-debug-prints", "set-log-level"]\n\n'
                                                    '[rules.add-impl]\nmode = "always"\n\n'
                                                    '[rules.set-log-level]\nfrom = "DEBUG"\nto = "INFO"\n'})
    result = run_cli("check", cwd=repo.working_tree_dir, env=COLUMNS)
    assert result.exit_code == 1 and "hint:" not in result.stderr
    assert "Checked 2 files: 5 fixes in 2 files." in result.stderr


def test_no_hint_for_a_rule_turned_off_on_purpose_or_with_quiet(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/handlers.py": PRINTS,
                                      "fixer.toml": "[rules.remove-debug-prints]\nenabled = false\n\n"
                                                    "[rules.set-log-level]\nenabled = false\n"})
    assert "hint:" not in run_cli("check", cwd=repo.working_tree_dir).stderr
    repo = init_repo(tmp_path / "q", {"app/handlers.py": PRINTS})
    assert run_cli("check", "-q", cwd=repo.working_tree_dir).stderr == ""


def test_paths_are_relative_to_the_current_directory(tmp_path):
    repo = init_repo(tmp_path / "r", {"lib/server.ex": GENSERVER.replace("  def init", "  @impl true\n  def init"),
                                      "docs/x.md": "# x\n"})
    root = Path(repo.working_tree_dir)
    from_docs = run_cli("check", cwd=root / "docs")
    assert from_docs.exit_code == 1 and from_docs.stdout.startswith("../lib/server.ex:7:3: [add-impl]"), from_docs
    from_lib = run_cli("check", "server.ex", cwd=root / "lib")
    assert from_lib.stdout.startswith("server.ex:7:3: [add-impl]"), from_lib
    from_root = run_cli("check", cwd=root)
    assert from_root.stdout.startswith("lib/server.ex:7:3: [add-impl]")


def test_checklist_impl_item_gives_the_true_reason(tmp_path):
    """"Add @impl true to GenServer.init/1" in a module with no @impl: annotating init/1 alone would
    make the compiler warn for handle_call/3, which the item did not ask for (it can be annotated)."""
    repo = init_repo(tmp_path / "r", {"lib/server.ex": GENSERVER,
                                      "CHECK.md": "- [ ] Add `@impl true` to `GenServer.init/1` (lib/server.ex)\n"})
    result = run_cli("checklist", "CHECK.md", "--format", "json", cwd=repo.working_tree_dir)
    (item,) = json.loads(result.stdout)["items"]
    (left,) = item["findings"]
    assert "handle_call/3 was not asked for (`functions`)" in left["message"]
    assert "cannot be annotated" not in left["message"]


def test_checklist_json_keys_are_spelled_as_in_check_json(sample_repo):
    cwd = Path(sample_repo.working_tree_dir)
    checklist = json.loads(run_cli("checklist", "docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md", "--format", "json",
                                   cwd=cwd).stdout)
    check = json.loads(run_cli("check", "--format", "json", cwd=cwd).stdout)
    assert "needs_review" in check["summary"] and checklist["summary"]["needs_review"] >= 1
    assert all(" " not in key for key in checklist["summary"])


def test_dry_run_ends_with_the_command_that_commits(sample_repo):
    proc = run_fixer_process("apply", "--dry-run", cwd=Path(sample_repo.working_tree_dir), env=COLUMNS)
    assert proc.returncode == 1 and proc.stdout.startswith("diff --git ")
    count = int(re.search(r"Checked 6 files: (\d+) fixes", proc.stderr).group(1))
    assert proc.stderr.strip().splitlines()[-1] == f"{count} fixes pending: run `fixer apply` to commit them on a branch"
    assert all(len(line) <= 80 for line in proc.stderr.splitlines())


def test_paths_given_from_a_subfolder_are_named_as_typed(tmp_path):
    repo = init_repo(tmp_path / "r", {"lib/server.ex": GENSERVER, "docs/x.md": "# x\n"})
    docs = Path(repo.working_tree_dir) / "docs"
    missing = run_cli("check", "../lib/nope.ex", cwd=docs)
    assert missing.exit_code == 2 and missing.stderr.splitlines() == ["fixer: error: ../lib/nope.ex: no such file or directory"]
    skipped = run_cli("check", "x.md", cwd=docs)
    assert skipped.exit_code == 2 and skipped.stderr.startswith("fixer: error: x.md: not checked: ")


STANDING_DEBUG = """import logging

logging.basicConfig(level=logging.DEBUG)
log = logging.getLogger(__name__)


def handle(items):
    log.debug("handling %d items", len(items))
    return len(items)
"""


def test_a_standing_debug_level_gets_a_hint_for_the_set_log_level_mode_that_fixes_it(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/worker.py": STANDING_DEBUG})
    result = run_cli("check", cwd=repo.working_tree_dir, env=COLUMNS)
    assert result.exit_code == 0  # the rule is off: nothing pending, only the hint
    hint = unwrapped_hints(result.stderr)
    assert ('hint: set-log-level is off; with from = "DEBUG", to = "INFO" it would make 1 fix in 1 file '
            '(a standing DEBUG level). Turn it on with extend-select = ["set-log-level"] and set from = "DEBUG", '
            'to = "INFO" in [rules.set-log-level]') in hint
    # ...and what it says is what the rule then does.
    (Path(repo.working_tree_dir) / "fixer.toml").write_text('[fixer]\nextend-select = ["set-log-level"]\n\n'
                                                           '[rules.set-log-level]\nfrom = "DEBUG"\nto = "INFO"\n')
    assert run_cli("apply", "--in-place", "--force", cwd=repo.working_tree_dir).exit_code == 0
    assert "logging.basicConfig(level=logging.INFO)" in (Path(repo.working_tree_dir) / "app/worker.py").read_text()


def unwrapped_hints(text: str) -> str:
    return text.replace("\n    ", " ")
