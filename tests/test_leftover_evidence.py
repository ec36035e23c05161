"""The evidence is shown: each finding of the leftover rules says why (message and `evidence`), JSON,
SARIF and GitHub output carry it, the commits record it, and `fixer pr` groups the fixes by it."""
from __future__ import annotations

import json

import pytest

from conftest import init_repo, run_cli
from test_leftover_fixtures import PRINTS_ON, project

POSTING = project("ledger")["ledger/posting.py"]


@pytest.fixture
def repo(tmp_path):
    files = {**project("invtool"), "invtool/posting.py": POSTING, "fixer.toml": PRINTS_ON}
    repo = init_repo(tmp_path / "invtool", files)
    repo.create_remote("origin", "https://github.com/acme/invtool.git")
    return repo


def ours(findings, key="rule"):
    return [f for f in findings if f[key] in ("remove-debug-prints", "remove-debugger-calls")]


def test_every_finding_says_why_in_json_sarif_and_github(repo):
    root = repo.working_tree_dir
    findings = ours(json.loads(run_cli("check", "--format", "json", cwd=root).stdout)["findings"])
    assert len(findings) == 15
    for finding in findings:
        assert finding["evidence"], finding
        if finding["fixable"]:
            assert finding["message"].startswith(("removed debug print", "removed debugger call"))
        else:
            assert finding["message"].endswith("not removed")
    sarif = json.loads(run_cli("check", "--format", "sarif", cwd=root).stdout)
    results = ours(sarif["runs"][0]["results"], "ruleId")
    assert [r["properties"]["evidence"] for r in results] == [f["evidence"] for f in findings]
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"remove-debug-prints", "remove-debugger-calls"} <= rules
    github = run_cli("check", "--format", "github", cwd=root).stdout
    # The evidence is said once: after the message, unless the message already says it (issue 19).
    assert "(evidence: in CLI entry point `main`)" in github
    assert "self-documenting f-string `{total=}`" in github
    assert all(line.count("{total=}") <= 2 for line in github.splitlines())


def test_commits_record_the_evidence_of_their_fixes(repo):
    root = repo.working_tree_dir
    assert run_cli("apply", cwd=root).exit_code in (0, 1)
    messages = {c.summary: c.message for c in repo.iter_commits("fixer/cleanup", max_count=2)}
    prints = messages["fixer: remove-debug-prints (7 fixes in 1 file)"]
    assert '\nEvidence:\n- message starts with "DEBUG": 3 fixes at invtool/core.py:12, invtool/core.py:40, ' \
           "invtool/core.py:60\n" in prints
    assert "- prints `locals()`: 1 fix at invtool/core.py:55\n" in prints
    debuggers = messages["fixer: remove-debugger-calls (4 fixes in 1 file)"]
    assert "- stops in the debugger: 3 fixes at invtool/posting.py:17, invtool/posting.py:26, " \
           "invtool/posting.py:32\n" in debuggers


def test_a_squashed_commit_labels_each_rules_evidence(repo):
    root = repo.working_tree_dir
    assert run_cli("apply", "--squash", cwd=root).exit_code in (0, 1)
    message = repo.commit("fixer/cleanup").message
    assert "Evidence (remove-debug-prints):\n" in message and "Evidence (remove-debugger-calls):\n" in message


@pytest.mark.parametrize("squash", [False, True])
def test_the_pr_body_groups_fixes_by_evidence(repo, squash):
    root = repo.working_tree_dir
    assert run_cli("apply", *(["--squash"] if squash else []), cwd=root).exit_code in (0, 1)
    result = run_cli("pr", "--dry-run", "--base", "main", cwd=root)
    assert result.exit_code == 0, result
    body = result.stdout
    section = body[body.index("### Why each fix was made"):body.index("<details>")]
    assert "| rule | evidence | fixes | where |" in section
    assert '| remove-debug-prints | message starts with "DEBUG" | 3 | `invtool/core.py:12`, `invtool/core.py:40`, ' \
           "`invtool/core.py:60` |" in section
    assert "| remove-debug-prints | self-documenting f-string `{total=}` | 1 | `invtool/core.py:46` |" in section
    assert "| remove-debugger-calls | opens an interactive shell | 1 | `invtool/posting.py:21` |" in section
    rows = [line for line in section.splitlines() if line.startswith("| remove-")]
    assert sum(int(row.split(" | ")[2]) for row in rows) == 11  # every fix, each in one group
