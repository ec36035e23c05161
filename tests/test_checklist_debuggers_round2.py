"""Checklist items asking to remove debugger calls map to remove-debugger-calls; they are never taken
for a part of a debug-log removal placed above them."""
from __future__ import annotations

import json

import pytest

from conftest import init_repo, run_cli
from fixer.checklist.parse import parse_checklist
from fixer.checklist.plan import plan

CHECKLIST = """\
# Release

**Python (app.py):**

- [ ] Remove all `/tmp/metrics_debug.log` writes
- [ ] Remove `breakpoint()` calls
"""


def entries(markdown: str):
    return [(e.item.number, e.kind, e.rule, e.files, e.covered_by) for e in plan(parse_checklist(markdown))]


def test_a_debugger_item_after_a_log_removal_is_its_own_rule_item():
    assert entries(CHECKLIST) == [
        (1, "rule", "remove-debug-file-writes", ["app.py"], None),
        (2, "rule", "remove-debugger-calls", ["app.py"], None),
    ]


@pytest.mark.parametrize("line, files", [
    ("- [ ] Remove the `breakpoint()` call in app.py", ["app.py"]),
    ("- [ ] Delete leftover `pdb.set_trace()` calls", []),
    ("- [ ] Remove debugger calls (set_trace, breakpoint) from src/jobs.py", ["src/jobs.py"]),
    ("- [ ] Drop the ipdb breakpoints", []),
    ("- [ ] Remove `pdb.set_trace` calls in app/jobs.py", ["app/jobs.py"]),
])
def test_other_wordings_of_removing_debugger_calls(line, files):
    assert entries(line + "\n") == [(1, "rule", "remove-debugger-calls", files, None)]


def test_an_elixir_debugger_item_is_not_taken_for_python():
    assert entries("**Elixir (lib/a.ex):**\n- [ ] Remove `IEx.pry` calls\n")[0][2] == "remove-debug-calls"
    assert entries("**Elixir (lib/a.ex):**\n- [ ] Remove the breakpoints\n")[0][1] == "manual"


def test_the_checklist_removes_the_breakpoints_and_ticks_both_items(tmp_path):
    app = ('LOG = "/tmp/metrics_debug.log"\n\n\ndef total(xs):\n    with open(LOG, "a") as f:\n'
           '        f.write(str(xs))\n    breakpoint()\n    return sum(xs)\n')
    repo = tmp_path / "repo"
    init_repo(repo, {"app.py": app, "docs/CHECK.md": CHECKLIST})
    result = run_cli("checklist", "docs/CHECK.md", "--apply", "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    items = report["items"] if isinstance(report, dict) else report
    assert [i["status"] for i in items] == ["fixed", "fixed"], items
