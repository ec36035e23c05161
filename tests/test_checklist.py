"""Checklist mode: parsing, each phrasing, drifted hints, already-done / not-found, the branch."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, elixir_parses, elixirc_warnings, init_repo, mix_format_clean, run_cli
from fixer.checklist.parse import parse_checklist, tick
from fixer.checklist.plan import plan

CHECKLISTS = Path(__file__).resolve().parent / "fixtures" / "checklists"
LATER = CHECKLISTS / "snakepit-0.5-release.md"  # the seed's phrasings, line numbers from a later revision
CHECKLIST = "docs/PRODUCTION_DEPLOYMENT_CHECKLIST.md"


def entries(markdown: str):
    return plan(parse_checklist(markdown))


def test_plan_of_a_checklist_written_for_another_revision():
    got = [(e.item.number, e.kind, e.rule, e.files) for e in entries(LATER.read_text())]
    py = ["priv/python/grpc_server.py"]
    assert got == [
        (1, "rule", "remove-debug-file-writes", py),
        (2, "covered", "remove-debug-file-writes", py),
        (3, "covered", "remove-debug-file-writes", py),
        (4, "covered", "remove-debug-file-writes", py),
        (5, "covered", "remove-debug-file-writes", py),
        (6, "rule", "set-log-level", py),
        (7, "rule", "remove-debug-calls", ["lib/snakepit/process_killer.ex"]),
        (8, "rule", "remove-debug-calls", ["lib/snakepit/pool/application_cleanup.ex"]),
        (9, "rule", "remove-debug-calls", ["lib/snakepit/application.ex"]),
        (10, "rule", "remove-debug-calls", ["lib/snakepit/grpc_worker.ex"]),
        (11, "rule", "add-impl", ["lib/snakepit/application.ex"]),
        (12, "rule", "rename-used-underscored", ["lib/snakepit/pool/process_registry.ex"]),
        (13, "manual", None, []),
        (14, "manual", None, []),
    ]  # the `- [ ]` lines inside fenced and indented code blocks are not items; `[x]` ones are not planned
    by_number = {e.item.number: e for e in entries(LATER.read_text())}
    assert by_number[2].hints == [(771, 774)] and by_number[2].words == ("signal", "reception")
    assert by_number[3].words == ("tombstone",)
    assert by_number[7].hints == [(31, 32), (104, 105), (118, 121)]
    assert by_number[9].hints == [(23, 28), (47, 49), (79, 79), (85, 87)]
    assert by_number[10].options == {"calls": [], "messages": [r"!!!\ GRPCWorker\.terminate/2\ CALLED\ !!!"]}
    assert by_number[11].options == {"functions": ["Application.stop/1"], "mode": "always"}
    assert by_number[11].hints == [(84, 84)]
    assert by_number[12].options == {"renames": [{"from": "_worker_id", "to": "worker_id", "line": 503}]}
    items = parse_checklist(LATER.read_text())
    assert len(items) == 15 and items[-1].checked
    assert not any("template" in item.text or "indented" in item.text for item in items)


@pytest.mark.parametrize(
    "line, rule, options, files",
    [
        ("- [ ] Delete every `/var/tmp/trace.log` write from the worker (src/worker.py)",
         "remove-debug-file-writes", {"files": ["/var/tmp/trace.log"]}, ["src/worker.py"]),
        ("- [ ] Lower log level from `DEBUG` to `ERROR` in app/main.py",
         "set-log-level", {"from": "DEBUG", "to": "ERROR"}, ["app/main.py"]),
        ("- [ ] Strip `dbg` calls from lib/shop/cart.ex (line 12)",
         "remove-debug-calls", {"calls": ["dbg"], "messages": []}, ["lib/shop/cart.ex"]),
        ('- [ ] Drop "=== CART DEBUG ===" from lib/shop/cart.ex',
         "remove-debug-calls", {"calls": [], "messages": [r"===\ CART\ DEBUG\ ==="]}, ["lib/shop/cart.ex"]),
        ("- [ ] add the missing `@impl true` on `GenServer.handle_info/2` (lib/shop/cache.ex:40)",
         "add-impl", {"functions": ["GenServer.handle_info/2"], "mode": "always"}, ["lib/shop/cache.ex"]),
        ("- [ ] Rename `_cart` as `cart` in lib/shop/cart.ex:88",
         "rename-used-underscored", {"renames": [{"from": "_cart", "to": "cart", "line": 88}]}, ["lib/shop/cart.ex"]),
        # No file named: the whole repository (within the configured paths).
        ("- [ ] Remove `IO.inspect` calls", "remove-debug-calls", {"calls": ["IO.inspect"], "messages": []}, []),
        ('- [ ] Remove "=== CART DEBUG ===" banners', "remove-debug-calls",
         {"calls": [], "messages": [r"===\ CART\ DEBUG\ ==="]}, []),
        ("- [ ] Change logging level from INFO to WARNING", "set-log-level", {"from": "INFO", "to": "WARNING"}, []),
    ],
)
def test_other_wordings_of_the_same_intent(line, rule, options, files):
    (entry,) = entries(line + "\n")
    assert (entry.kind, entry.rule, entry.options, entry.files) == ("rule", rule, options, files)


def test_manual_items_checked_items_and_nesting():
    markdown = "## Ops\n- [ ] Deploy to staging\n- [x] Remove `IO.inspect` calls in lib/a.ex\n" \
               "- [ ] Remove `IO.inspect` calls in lib/b.ex\n  - [ ] Remove the retry logging (lines 10-12)\n"
    got = [(e.item.number, e.kind, e.covered_by) for e in entries(markdown)]
    assert got == [(1, "manual", None), (3, "rule", None), (4, "covered", 3)]


def test_parts_of_a_removal_and_what_is_not_one():
    markdown = ("**Python (app/worker.py):**\n- [ ] Remove all `/tmp/w_debug.log` writes\n"
                "  - [ ] Remove the \"TOMBSTONE\" message\n"            # nested, quoted: a part, found by its words
                "- [ ] Remove the retry logging in `handle_retry`\n"       # after it, no lines: words only
                "- [ ] Remove `handle_signal` from the exports\n"          # a code span alone is no call removal
                "\n**Elixir:**\n- [ ] Remove `IO.inspect` calls\n"         # the section names no file
                "- [ ] Lower the log level from INFO to WARNING in config/prod.exs\n")  # not Python: manual
    got = [(e.item.number, e.kind, e.rule, e.files, e.covered_by, e.words) for e in entries(markdown)]
    assert got == [
        (1, "rule", "remove-debug-file-writes", ["app/worker.py"], None, ()),
        (2, "covered", "remove-debug-file-writes", ["app/worker.py"], 1, ("tombstone",)),
        (3, "covered", "remove-debug-file-writes", ["app/worker.py"], 1, ("retry", "handle_retry")),
        (4, "covered", "remove-debug-file-writes", ["app/worker.py"], 1, ("handle_signal", "exports")),
        (5, "rule", "remove-debug-calls", [], None, ()),
        (6, "manual", None, [], None, ()),
    ]


def test_tick_changes_only_the_boxes():
    text = "# T\r\n\r\n- [ ] a `[ ]` b\r\n- [ ] c\r\n"
    assert tick(text, [3]) == "# T\r\n\r\n- [x] a `[ ]` b\r\n- [ ] c\r\n"


@pytest.fixture
def sample(tmp_path):
    root = tmp_path / "service"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return _commit_all(root)


def _commit_all(root: Path):
    repo = init_repo(root)
    repo.git.add("-A")
    repo.git.commit("-m", "sample")
    return repo


def test_dry_run_reports_drift_and_writes_nothing(sample):
    root = sample.working_tree_dir
    result = run_cli("checklist", CHECKLIST, "--format", "json", cwd=root)
    assert result.exit_code == 1, result
    data = json.loads(result.stdout)
    status = {item["number"]: item["status"] for item in data["items"]}
    assert status == {1: "needs review", 2: "covered", 3: "covered", 4: "needs review", 5: "fixed", 6: "fixed",
                      7: "fixed", 8: "fixed", 9: "fixed", 10: "fixed", 11: "fixed", 12: "fixed", 13: "manual",
                      14: "manual", 15: "manual"}
    hints = {item["number"]: [h["message"] for h in item["hints"]] for item in data["items"]}
    assert hints[2] == ["found at 154-156 (checklist said 151-154, +3)"]
    assert hints[10] == ["found at 59 (checklist said 62, -3)"]
    # The write whose argument closes the adapter is reported, not removed, and item 1 stays unticked.
    (left,) = [f for f in data["items"][0]["findings"] if f["state"] != "fixed"]
    assert (left["path"], left["line"], left["end_line"]) == ("priv/python/grpc_server.py", 93, 94)
    assert "side effect" in left["message"]
    assert hints[4] == [f"needs review at 93-94 (checklist said 91-93, +2): {left['message']}"]
    assert '-            f.write(f"cleanup' not in data["diff"] and "adapter.close()" not in data["diff"]
    assert "- [x] Remove all `/tmp/python_worker_debug.log` writes" not in data["diff"]
    assert "- [x] Remove the session cleanup logging" not in data["diff"]
    assert "+  - [x] Remove the signal reception logging (lines 151-154)" in data["diff"]
    assert "fixer/cleanup" not in sample.heads
    assert not sample.is_dirty(untracked_files=True)


def test_apply_makes_branch_ticks_boxes_and_second_run_changes_nothing(sample, tmp_path, elixir_tools):
    root = Path(sample.working_tree_dir)
    original_checklist = (root / CHECKLIST).read_bytes()
    result = run_cli("checklist", CHECKLIST, "--apply", cwd=root)
    assert result.exit_code == 0, result
    commits = list(reversed(list(sample.iter_commits("main..fixer/cleanup"))))
    assert len(commits) == 10
    assert commits[-1].summary == f"fixer: tick 10 items in {CHECKLIST}"
    ticked = sample.git.show(f"fixer/cleanup:{CHECKLIST}")
    assert ticked.count("[x]") == 11  # 10 ticked + the one already done
    for open_item in ("Remove all `/tmp/python_worker_debug.log` writes", "Remove the session cleanup logging",
                      "Run `mix test`", "Start the pool", "Update README.md"):
        assert f"- [ ] {open_item}" in ticked
    # Item 1's ten fixes are committed; its commit names the write it left, and why.
    item1 = commits[0]
    assert item1.summary.startswith("fixer: checklist item 1:")
    assert "needs review: priv/python/grpc_server.py:93-94:" in item1.message
    server = sample.git.show("fixer/cleanup:priv/python/grpc_server.py")
    # Left: the constant (name and value) and the refused write that uses it.
    assert server.count("/tmp/python_worker_debug.log") + server.count("DEBUG_LOG") == 3
    assert "adapter.close()" in server and "received signal" not in server
    # Byte-identical except the boxes.
    assert ticked.replace("[x]", "[ ]") + "\n" == original_checklist.decode().replace("[x] Write", "[ ] Write")
    assert (root / CHECKLIST).read_bytes() == original_checklist  # checkout untouched
    again = run_cli("checklist", CHECKLIST, "--apply", cwd=root)
    assert again.exit_code == 0 and "already up to date" in again.stdout
    # The branch's Elixir passes the real toolchain.
    out = tmp_path / "branch"
    sample.git.worktree("add", str(out), "fixer/cleanup")
    changed = [out / p for p in sample.git.diff("--name-only", "main", "fixer/cleanup").split() if p.endswith(".ex")]
    assert len(changed) == 5
    elixir_parses(changed)
    assert mix_format_clean(changed, out)
    warnings = elixirc_warnings(sorted((out / "lib").rglob("*.ex")), tmp_path / "ebin", out)
    assert not any("@impl was not set" in w or "underscored variable" in w for w in warnings)


def test_already_done_and_not_found_do_not_fail_the_run(tmp_path):
    fixed_app = (SAMPLE / "lib/snakepit/application.ex").read_text().replace("  def stop(", "  @impl true\n  def stop(")
    repo = init_repo(tmp_path / "r", {
        "lib/app.ex": fixed_app,
        "priv/worker.py": "import logging\nlogging.basicConfig(level=logging.WARNING)\n",
        "lib/clean.ex": "defmodule Clean do\n  def f(x), do: x\nend\n",
        "CHECKLIST.md": "- [ ] Add `@impl true` to `Application.stop/1` (lib/app.ex:80)\n"
                        "- [ ] Change logging level from INFO to WARNING in priv/worker.py\n"
                        "- [ ] Remove `IO.inspect` calls in lib/clean.ex (lines 3-4)\n"
                        "- [ ] Remove `IO.inspect` calls in lib/gone.ex\n"
                        "- [ ] Rename `_worker_id` to `worker_id` in lib/clean.ex:2\n"
                        "- [ ] Add `@impl true` to `GenServer.init/1` (lib/clean.ex:2)\n",
    })
    result = run_cli("checklist", "CHECKLIST.md", "--format", "json", cwd=repo.working_tree_dir)
    data = json.loads(result.stdout)
    assert [(i["status"], i["ticked"]) for i in data["items"]] == [
        ("already done", True), ("already done", True), ("already done", True),
        ("not found", False), ("not found", False), ("not found", False),
    ]
    assert "lib/gone.ex does not exist" in data["items"][3]["detail"]
    assert result.exit_code == 1  # only the ticks are pending
    applied = run_cli("checklist", "CHECKLIST.md", "--apply", "--format", "json", cwd=repo.working_tree_dir)
    assert applied.exit_code == 0
    branch = json.loads(applied.stdout)["branch"]  # stdout stays one JSON document
    assert branch["name"] == "fixer/cleanup" and branch["status"] == "created" and len(branch["commits"]) == 1
    assert len(list(repo.iter_commits("main..fixer/cleanup"))) == 1  # just the tick commit


def test_a_checklist_from_a_later_revision_matches_far_hints_by_their_words(sample):
    """The line numbers are hundreds of lines off: a sub-item is matched to the fix whose code, comment
    or function carries its words, or is "not found" with the nearest candidate named."""
    result = run_cli("checklist", str(LATER), "--format", "json", cwd=sample.working_tree_dir)
    data = json.loads(result.stdout)
    items = {item["number"]: item for item in data["items"]}
    status = {n: item["status"] for n, item in items.items()}
    assert status == {1: "needs review", 2: "covered", 3: "covered", 4: "not found", 5: "covered", 6: "fixed",
                      7: "fixed", 8: "fixed", 9: "fixed", 10: "fixed", 11: "fixed", 12: "fixed", 13: "manual",
                      14: "manual"}
    (signal,) = items[2]["hints"]
    assert signal["found"] == [154, 156] and signal["how"] == "words"
    assert signal["message"] == ("found at 154-156 (matched by its words: signal, reception, in main.handle_signal; "
                                 "the checklist said 771-774)")
    assert items[3]["hints"][0]["found"] == [176, 178] and "tombstone" in items[3]["hints"][0]["message"]
    heartbeat = items[4]["detail"]
    assert "nothing at lines 912-915 (past the end of priv/python/grpc_server.py" in heartbeat
    assert "nearest: 176-178 in main" in heartbeat
    assert not items[4]["ticked"] and items[2]["ticked"] and items[3]["ticked"]
    # Lines 88-90 now cover StreamTool's write, but the words fit __init__'s ("trace servicer construction",
    # "servicer init") better: the words decide, and say so.
    (init,) = items[5]["hints"]
    assert init["found"] == [40, 42] and init["how"] == "words"
    assert init["message"] == ("found at 40-42 (matched by its words: servicer, init, trace, in "
                               "BridgeServiceServicer.__init__; the checklist said 88-90)")
    # An item's own hints that point past the end of its file are reported; its fixes are listed as extra.
    killer = items[7]
    assert [h["status"] for h in killer["hints"]] == ["not found"] * 3
    assert "past the end of lib/snakepit/process_killer.ex" in killer["hints"][1]["message"]
    assert [(e["line"], e["state"]) for e in killer["extra"]] == [(15, "fixed"), (16, "fixed"), (68, "fixed")]
    assert result.exit_code == 1
