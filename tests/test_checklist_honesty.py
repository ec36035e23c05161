"""Checklist ticks that can be trusted: an item is ticked only when all of its work is done, a line
hint claims only the code it points at, and what was left undone is named with its reason everywhere
(plan, JSON, commit, PR body). Runs on tests/fixtures/honest-service and checklists of our own."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import init_repo, run_cli
from fixer.checklist.hints import Hint, Site, attribute
from fixer.lang.enclosing import outline

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SERVICE = FIXTURES / "honest-service"
CHECKLISTS = FIXTURES / "checklists"


@pytest.fixture
def service(tmp_path):
    files = {p.relative_to(SERVICE).as_posix(): p.read_text() for p in SERVICE.rglob("*") if p.is_file()}
    return init_repo(tmp_path / "ingest", files)


def add_checklist(repo, name: str, text: str | None = None) -> str:
    path = Path(repo.working_tree_dir) / "docs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text if text is not None else (CHECKLISTS / name).read_text())
    repo.git.add("-A")
    repo.git.commit("-m", f"checklist {name}")
    return f"docs/{name}"


def plan_json(repo, checklist: str) -> tuple[int, dict]:
    result = run_cli("checklist", checklist, "--format", "json", cwd=repo.working_tree_dir)
    return result.exit_code, json.loads(result.stdout)


def line_of(repo, path: str, marker: str) -> int:
    text = (Path(repo.working_tree_dir) / path).read_text().splitlines()
    (number,) = [n for n, line in enumerate(text, 1) if marker in line]
    return number


ALL_WRITES = """# Ingest 2.3

**Stream worker (worker/stream_worker.py):**
- [ ] Remove all `/tmp/stream_worker_debug.log` writes
- [ ] Run the soak test against staging
"""


def test_an_all_item_with_one_refused_write_is_needs_review_and_names_it_everywhere(service):
    checklist = add_checklist(service, "RELEASE.md", ALL_WRITES)
    refused = line_of(service, "worker/stream_worker.py", "popleft") - 1  # its `with` line
    code, data = plan_json(service, checklist)
    item = data["items"][0]
    assert (item["status"], item["ticked"], item["fixes"]) == ("needs review", False, 4)
    (left,) = [f for f in item["findings"] if f["state"] != "fixed"]
    assert (left["path"], left["line"], left["end_line"]) == ("worker/stream_worker.py", refused, refused + 1)
    assert "side effect" in left["message"]
    assert item["detail"] == f"4 fixes; 1 left for review at worker/stream_worker.py:{refused}-{refused + 1}"
    # The four other writes go; the refused one stays; the box stays empty.
    assert data["diff"].count("-        with open(DEBUG_LOG") + data["diff"].count("-    with open(DEBUG_LOG") == 4
    assert "popleft" not in "".join(l for l in data["diff"].splitlines() if l.startswith("-"))
    assert "[x]" not in data["diff"] and code == 1
    # The text plan names it too, in full, in item 1's block (filled to the width, the place whole).
    text = run_cli("checklist", checklist, cwd=service.working_tree_dir).stderr
    block = text[text.index("\n1. "):text.index("\n2. ")]
    place = f"needs review: worker/stream_worker.py:{refused}-{refused + 1}:"
    # The evidence ("keeps `...`: may have side effects") is what the message says: not said twice.
    assert f"{place} {left['message']}" in " ".join(block.split()) and "[keeps" not in block
    assert any(line.strip().startswith(place) for line in block.splitlines())
    # --apply commits the four fixes, names the refused write in the commit, ticks nothing.
    assert run_cli("checklist", checklist, "--apply", cwd=service.working_tree_dir).exit_code == 0
    (commit,) = list(service.iter_commits("main..fixer/cleanup"))
    assert f"needs review: worker/stream_worker.py:{refused}-{refused + 1}: {left['message']}" in commit.message
    worker = service.git.show("fixer/cleanup:worker/stream_worker.py")
    assert worker.count("open(DEBUG_LOG") == 1 and "popleft" in worker
    assert service.git.show(f"fixer/cleanup:{checklist}") == ALL_WRITES.rstrip("\n")
    # The PR body lists it under "Needs review" with the place and the reason.
    service.create_remote("origin", "https://github.com/acme/ingest.git")
    pr = run_cli("pr", "--dry-run", "--base", "main", "--checklist", checklist, cwd=service.working_tree_dir)
    assert pr.exit_code == 0, pr
    section = pr.stdout[pr.stdout.index("**Needs review**"):]
    assert section.startswith("**Needs review**\n- [ ] Remove all `/tmp/stream_worker_debug.log` writes")
    assert f"  - worker/stream_worker.py:{refused}-{refused + 1}: {left['message']}" in section


def test_a_refused_write_alone_keeps_the_dry_run_exit_code_at_1(tmp_path):
    """Nothing to change and nothing to tick, but a person has work: exit 1, as `check` does."""
    worker = (SERVICE / "worker/stream_worker.py").read_text()
    start = worker.index("    def drop_oldest")
    only_refused = "DEBUG_LOG = '/tmp/stream_worker_debug.log'\n\n\nclass StreamWorker:\n" + \
        worker[start:worker.index("    def close")]
    repo = init_repo(tmp_path / "r", {"worker/stream_worker.py": only_refused, "docs/RELEASE.md": ALL_WRITES})
    code, data = plan_json(repo, "docs/RELEASE.md")
    assert [i["status"] for i in data["items"]] == ["needs review", "manual"]
    assert data["diff"] == "" and code == 1


SUB_ITEMS = (CHECKLISTS / "ingest-2.3-release.md").read_text()


def test_hints_claim_only_what_they_point_at(service):
    """Lines 51-52 hold the refused write: reported as such. Lines 45-47 sit in rotate(), which has
    no debug write: not found, although flush()'s write is 6 lines away. Line 40 is flush()'s write
    again: a second hint never claims a fix twice. Fixes no hint names are listed as extra."""
    checklist = add_checklist(service, "RELEASE.md", SUB_ITEMS)
    code, data = plan_json(service, checklist)
    items = {item["number"]: item for item in data["items"]}
    assert [items[n]["status"] for n in range(1, 8)] == [
        "needs review", "needs review", "covered", "not found", "covered", "not found", "manual"]
    assert [items[n]["ticked"] for n in range(1, 8)] == [False, False, True, False, True, False, False]
    overflow = items[2]["hints"][0]
    assert overflow["status"] == "needs review" and overflow["found"] == [51, 52]
    assert overflow["message"].startswith("needs review at 51-52 (as the checklist said): ")
    assert "side effect" in overflow["message"]
    assert items[3]["hints"][0]["message"] == "found at 61-62 (as the checklist said)"
    rotation = items[4]["detail"]
    assert rotation == ("item 1: nothing at lines 45-47 (in StreamWorker.rotate); "
                        "nearest: 51-52 in StreamWorker.drop_oldest, 4 lines away, already item 2's")
    assert items[5]["hints"][0]["message"] == "found at 39-40 (as the checklist said)"
    assert "nothing at line 40" in items[6]["detail"] and "already item 5's" in items[6]["detail"]
    # Every fix of item 1 is either claimed by one hint or listed as extra.
    claimed = {f["line"]: f["claimed_by"] for f in items[1]["findings"]}
    assert claimed == {26: None, 39: 5, 51: 2, 61: 3, 80: None}
    assert [f["line"] for f in items[1]["extra"]] == [26, 80]
    assert "2 fixes no line hint names: 26-27 in StreamWorker.__init__, 80-81 in run" in items[1]["detail"]
    assert code == 1


def test_words_decide_when_the_lines_point_at_other_code(tmp_path):
    text = (SERVICE / "worker/stream_worker.py").read_text()
    shape = outline("w.py", text)
    sites = [Site("w.py", 39, 40, "fixed", "removed", where=shape.at(39), haystack="flush flushing batch"),
             Site("w.py", 80, 81, "fixed", "removed", where=shape.at(80), haystack="run tombstone after")]
    # "Remove the tombstone (lines 39-40)": the lines cover flush()'s write, the words name the other one.
    (report,) = attribute([Hint(2, (39, 40), "w.py", ("tombstone",))], sites, {"w.py": shape})
    assert report.how == "words" and report.found == (80, 81)
    assert sites[0].claimed_by is None and sites[1].claimed_by == 2


def test_an_item_naming_no_file_covers_the_repository_within_the_configured_paths(service):
    checklist = add_checklist(service, "CLEANUP.md", (CHECKLISTS / "ingest-cleanup.md").read_text())
    code, data = plan_json(service, checklist)
    items = {item["number"]: item for item in data["items"]}
    assert [(items[n]["status"], items[n]["ticked"]) for n in (1, 2, 3, 4)] == [
        ("fixed", True), ("fixed", True), ("fixed", True), ("manual", False)]
    assert items[1]["files"] == [] and items[1]["looked_at"] == ["tools/replay.py", "worker/batch_job.py"]
    assert data["files_changed"] == ["lib/ingest/partition_server.ex", "tools/replay.py", "worker/batch_job.py"]
    assert "vendor/legacy/exporter.py" not in data["diff"]  # the config excludes vendor/**
    assert items[2]["fixes"] == 2 and items[3]["fixes"] == 1
    assert code == 1
    # The rule's configured paths narrow it further.
    config = Path(service.working_tree_dir) / "fixer.toml"
    config.write_text(config.read_text() + '\n[rules.remove-debug-file-writes]\npaths = ["worker/**/*.py"]\n')
    service.git.commit("-am", "only the worker")
    _, narrowed = plan_json(service, checklist)
    assert narrowed["items"][0]["looked_at"] == ["worker/batch_job.py"]
    assert "tools/replay.py" not in narrowed["diff"]


SETTLE = """# Recovery fixes

- [ ] Remove all `/tmp/stream_worker_debug.log` writes
- [ ] Lower the logging level from INFO to WARNING in worker/stream_worker.py
- [ ] Remove `IO.inspect` calls in lib/ingest/partition_server.ex
"""


def test_a_construct_a_rule_cannot_settle_costs_only_that_construct(service, monkeypatch):
    """A rule that cannot settle one spot of a file (here: one that always wants one more edit on
    recover()'s `log.info` line) costs that spot only: the engine keeps the file's other fixes and
    reports the spot, and the item takes that report in: it is "needs review" (never ticked), names
    the place and the reason in the plan, the JSON and the PR body, and its other fixes (in that file
    and in others) and the other items still land."""
    import fixer.checklist.run as checklist_run
    from fixer.core.edits import Edit

    real = checklist_run.all_rules()

    class Unsettled(real["remove-debug-file-writes"]):
        def check(self, source):
            outcome = super().check(source)
            if source.path == "worker/recovery.py":
                at = source.text.index("\n", source.text.index("log.info(\"recovered"))
                outcome.edits.append(Edit(at, at, "  # checked", self.id, "again"))
            return outcome

    monkeypatch.setattr(checklist_run, "all_rules", lambda: {**real, "remove-debug-file-writes": Unsettled})
    checklist = add_checklist(service, "RECOVERY.md", SETTLE)
    spot = line_of(service, "worker/recovery.py", "log.info(")
    code, data = plan_json(service, checklist)
    items = data["items"]
    assert [(i["status"], i["ticked"]) for i in items] == [("needs review", False), ("fixed", True), ("fixed", True)]
    (left,) = [f for f in items[0]["findings"] if f["path"] == "worker/recovery.py" and f["state"] != "fixed"]
    assert (left["line"], left["where"]) == (spot, "recover")
    assert "a second pass of the rule would change it again (remove-debug-file-writes)" in left["message"]
    assert f"worker/recovery.py:{spot}" in items[0]["detail"].split("left for review at ")[1]
    # The file's other fixes land (the nested `with` in recover(), verify()'s write); the spot is untouched.
    assert data["files_changed"] == ["lib/ingest/partition_server.ex", "worker/recovery.py", "worker/stream_worker.py"]
    assert '-        trace.write("recovery started\\n")' in data["diff"]
    assert '-        f.write("verifying store\\n")' in data["diff"]
    assert "# checked" not in data["diff"], data["diff"]
    assert not [l for l in data["diff"].splitlines() if "log.info(" in l and l[:1] in "+-"]
    assert "-            f.write(f\"flushing {len(batch)} readings\\n\")" in data["diff"]  # item 1, another file
    assert "+logging.basicConfig(level=logging.WARNING" in data["diff"]
    assert data["errors"] == [] and code == 1
    # The text plan names the spot and the reason, with the place whole on its line.
    text = run_cli("checklist", checklist, cwd=service.working_tree_dir).stderr
    named = f"needs review: worker/recovery.py:{spot}: {left['message']}"
    assert named in " ".join(text.split())
    assert any(line.strip().startswith(f"needs review: worker/recovery.py:{spot}:") for line in text.splitlines())
    # --apply commits the item's fixes and names the spot; the PR body lists it under "Needs review".
    assert run_cli("checklist", checklist, "--apply", cwd=service.working_tree_dir).exit_code == 0
    recovery = service.git.show("fixer/cleanup:worker/recovery.py")
    assert "trace.write" not in recovery and "verifying store" not in recovery and "# checked" not in recovery
    first = [c for c in service.iter_commits("main..fixer/cleanup") if "checklist item 1:" in c.summary]
    assert len(first) == 1 and f"worker/recovery.py:{spot}: {left['message']}" in first[0].message
    service.create_remote("origin", "https://github.com/acme/ingest.git")
    pr = run_cli("pr", "--dry-run", "--base", "main", "--checklist", checklist, cwd=service.working_tree_dir)
    assert pr.exit_code == 0, pr
    section = pr.stdout[pr.stdout.index("**Needs review**"):]
    assert f"  - worker/recovery.py:{spot}: {left['message']}" in section


NESTED = """# Recovery fixes

- [ ] Remove all `/tmp/stream_worker_debug.log` writes in worker/recovery.py
- [ ] Lower the logging level from INFO to WARNING in worker/stream_worker.py
- [ ] Remove `IO.inspect` calls in lib/ingest/partition_server.ex
"""


def test_a_nested_debug_with_does_not_void_the_files_other_fixes(service):
    """worker/recovery.py has a debug `with` nested in another and a plain one in verify(). Today the
    second pass fails and the whole file is dropped (exit 2). Passes once the Python-rules session
    (nested `with`) or the engine session (a rule that cannot settle drops only its own edits) lands:
    verify()'s write must go, and the item is ticked only if the nested one went too."""
    checklist = add_checklist(service, "RECOVERY.md", NESTED)
    code, data = plan_json(service, checklist)
    item = data["items"][0]
    assert "worker/recovery.py" in data["files_changed"], item
    assert '-        f.write("verifying store\\n")' in data["diff"]
    assert [(i["status"], i["ticked"]) for i in data["items"][1:]] == [("fixed", True), ("fixed", True)]
    nested = line_of(service, "worker/recovery.py", "as trace:")
    if item["status"] == "fixed":
        assert '-        trace.write("recovery started\\n")' in data["diff"] and code == 1
    else:
        assert not item["ticked"] and item["status"] in ("needs review", "error")
        assert f"worker/recovery.py:{nested}" in item["detail"]


def test_elixir_hints_stay_inside_the_function_they_point_at(service):
    """tree-sitter gives the enclosing def: lines 27-28 are terminate/2, which has no IO.inspect, so
    handle_info/2's call 5 lines up is not what they mean; line 17 is init/1's (one line off)."""
    checklist = add_checklist(service, "RELEASE.md", "## Partition server\n\n- [ ] Remove `IO.inspect` calls in "
                              "lib/ingest/partition_server.ex (lines 27-28, 17)\n")
    code, data = plan_json(service, checklist)
    (item,) = data["items"]
    assert (item["status"], item["fixes"]) == ("fixed", 2)
    assert [h["message"] for h in item["hints"]] == [
        "nothing at lines 27-28 (in Ingest.PartitionServer.terminate/2); "
        "nearest: 22 in Ingest.PartitionServer.handle_info/2, 5 lines away",
        "found at 16 (checklist said 17, -1)",
    ]
    assert [(e["line"], e["where"]) for e in item["extra"]] == [(22, "Ingest.PartitionServer.handle_info/2")]


def test_lines_without_a_file_never_pick_between_files():
    """A part of a repository-wide item gives lines but no file: when those lines fit code in two
    files, nothing is claimed on a guess."""
    text = (SERVICE / "worker/batch_job.py").read_text()
    shape = outline("a.py", text)
    sites = [Site(path, 13, 14, "fixed", "removed", where=shape.at(13), haystack="rollup") for path in ("a.py", "b.py")]
    (report,) = attribute([Hint(2, (13, 14), None)], sites, {"a.py": shape, "b.py": shape})
    assert report.status == "not found" and not any(s.claimed_by for s in sites)
    (drifted,) = attribute([Hint(3, (15, 16), None)], sites, {"a.py": shape, "b.py": shape})
    assert drifted.status == "not found"
    assert drifted.describe() == ("nothing at lines 15-16: the item names no file, "
                                  "and code near these lines is in a.py, b.py")


def test_lines_on_a_refused_write_report_it_whatever_the_words_say():
    text = (SERVICE / "worker/stream_worker.py").read_text()
    shape = outline("w.py", text)
    sites = [Site("w.py", 51, 52, "needs review", "keeps `self.pending.popleft()`", where=shape.at(51),
                  haystack="drop_oldest dropping"),
             Site("w.py", 61, 62, "fixed", "removed", where=shape.at(61), haystack="on_term got signal")]
    (report,) = attribute([Hint(2, (51, 52), "w.py", ("signal",))], sites, {"w.py": shape})
    assert report.status == "needs review"
    assert report.describe() == "needs review at 51-52 (as the checklist said): keeps `self.pending.popleft()`"
    assert sites[1].claimed_by is None


LATER = '''import collections

DEBUG_LOG = "/tmp/queue_debug.log"


class Queue:
    def __init__(self):
        self.pending = collections.deque()

    def drop(self):
        with open(DEBUG_LOG, "a") as f:
            f.write(f"dropped {self.pending and self.pending.popleft()!r}\\n")

    def flush(self):
        with open(DEBUG_LOG, "a") as f:
            f.write("flush\\n")
        return len(self.pending)
'''


def test_a_refused_write_stays_needs_review_whatever_else_touches_its_lines(tmp_path, monkeypatch):
    """What became of each target is the engine's word, not a guess from the diff: here a later pass
    of the rule annotates the refused write's lines (and claims a fix elsewhere), so every line of
    the refused write changes and the run makes more fixes than its first pass. The write is still
    there: the item is "needs review", never ticked."""
    import fixer.checklist.run as checklist_run
    from fixer.core.edits import Edit

    real = checklist_run.all_rules()

    class Annotating(real["remove-debug-file-writes"]):
        def check(self, source):
            outcome = super().check(source)
            text = source.text
            if 'f.write("flush' not in text and "# kept" not in text:  # the second pass, once
                first = text.index("        with open(DEBUG_LOG")
                ends = [text.index("\n", first), text.index("\n", text.index("popleft"))]
                outcome.edits += [Edit(at, at, "  # kept", self.id, "annotate") for at in ends]
                outcome.findings.append(self.finding(source, 0, "annotated the kept write", fixed=True))
            return outcome

    monkeypatch.setattr(checklist_run, "all_rules", lambda: {**real, "remove-debug-file-writes": Annotating})
    repo = init_repo(tmp_path / "q", {"app/queue.py": LATER, "docs/RELEASE.md":
                                      "- [ ] Remove all `/tmp/queue_debug.log` writes in app/queue.py\n"})
    code, data = plan_json(repo, "docs/RELEASE.md")
    (item,) = data["items"]
    assert "# kept" in data["diff"] and "popleft" in data["diff"]  # its lines did change
    assert (item["status"], item["ticked"]) == ("needs review", False)
    (left,) = [f for f in item["findings"] if f["state"] != "fixed"]
    assert (left["line"], "side effect" in left["message"]) == (11, True)
    assert "[x]" not in data["diff"] and code == 1
