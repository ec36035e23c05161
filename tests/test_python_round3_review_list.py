"""Issue 18, the review list: "no evidence either way" is not a finding. By default `check` and `apply`
list the sites held back despite leftover evidence, each with its reason, and only count the unsure
ones; `--show-unsure` lists those too. JSON keeps every finding."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import init_repo, run_cli, unwrapped

PLAIN = "def step{n}(host):\n    print('Connecting to', host)\n    return connect(host)\n\n\n"
QUIET = "def calc{n}(x):\n    return x + {n}\n\n\n"
# 30 prints with no evidence either way, a library's usual output (in modules whose job is not output)
STEPS = {f"lib/steps{m}.py": "".join(PLAIN.format(n=n) for n in range(3)) + "".join(QUIET.format(n=n) for n in range(4))
         for m in range(10)}
FILES = {
    "fixer.toml": "[rules.remove-debug-prints]\n\n[rules.set-log-level]\n",
    **STEPS,
    # one leftover held back: its value is used
    "lib/held.py": "def f(rows):\n    done = print('DEBUG rows', rows)\n    return rows, done\n",
    # one the rule cannot read: `cannot tell the level`
    "lib/logs.py": "import logging\n\n\ndef setup(cfg):\n    logging.basicConfig(level=cfg['level'])\n",
    # a real leftover
    "lib/fix.py": "def g(rows):\n    print('DEBUG rows', rows)\n    return rows\n",
}


def review_lines(text: str) -> list[str]:
    return [line for line in unwrapped(text).splitlines() if "needs review:" in line]


def test_the_default_list_holds_only_held_back_leftovers_and_a_count(tmp_path):
    root = Path(init_repo(tmp_path / "lib", FILES).working_tree_dir)
    result = run_cli("check", cwd=root)
    lines = review_lines(result.stdout)
    assert len(lines) == 1 and lines[0].startswith("lib/held.py:2:") and "its value is used" in lines[0]
    assert "31 more sites with no evidence either way (--show-unsure lists them)" in unwrapped(result.stdout)
    assert "1 fix in 1 file, 1 needs review, 31 sites with no evidence either way." in unwrapped(result.stderr)
    assert "lib/fix.py:2:5: [remove-debug-prints] would remove debug print" in unwrapped(result.stdout)
    assert result.exit_code == 1


def test_show_unsure_lists_them_all(tmp_path):
    root = Path(init_repo(tmp_path / "lib", FILES).working_tree_dir)
    result = run_cli("check", "--show-unsure", cwd=root)
    lines = review_lines(result.stdout)
    assert len(lines) == 32 and "not listed" not in unwrapped(result.stdout)
    assert sum("no evidence either way" in line for line in lines) == 30
    assert sum("cannot tell the level" in line for line in lines) == 1
    assert "1 fix in 1 file, 32 need review." in unwrapped(result.stderr)


def test_apply_lists_the_same_and_json_keeps_everything(tmp_path):
    root = Path(init_repo(tmp_path / "lib", FILES).working_tree_dir)
    data = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert data["summary"]["needs_review"] == 32
    result = run_cli("apply", "--in-place", cwd=root)
    assert len(review_lines(result.stderr)) == 1
    assert "31 more sites with no evidence either way" in unwrapped(result.stderr)
    assert (root / "lib/fix.py").read_text() == "def g(rows):\n    return rows\n"
    assert all((root / path).read_text() == text for path, text in STEPS.items())


def test_a_count_with_nothing_listed_above_it_is_a_sentence_of_its_own(tmp_path):
    files = {"fixer.toml": "[rules.set-log-level]\n", "lib/logs.py": FILES["lib/logs.py"]}
    root = Path(init_repo(tmp_path / "lib", files).working_tree_dir)
    result = run_cli("check", cwd=root)
    assert result.stdout == "1 site with no evidence either way (--show-unsure lists it)\n"
    assert "Checked 1 file: 1 site with no evidence either way." in unwrapped(result.stderr)
    assert "files changed" not in result.stderr  # no rule did anything the table counts
    shown = run_cli("check", "--show-unsure", cwd=root)
    assert "files changed" in shown.stderr and "Checked 1 file: 1 needs review." in unwrapped(shown.stderr)
