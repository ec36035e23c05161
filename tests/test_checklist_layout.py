"""`fixer checklist` lays its plan out in blocks filled to the width (COLUMNS, 80 when piped): rule
ids and paths stay whole, nothing is cut with "…" the way a squeezed table cell is. Drives the real
CLI as a separate process, piped, as a CI job runs it."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import init_repo, run_fixer_process

WORKER = "services/ingest/workers/partition_rebalancing_coordinator.py"
SERVER = "apps/ingest_pipeline/lib/ingest_pipeline/partition_supervisor.ex"
IDS = ["remove-debug-file-writes", "set-log-level", "remove-debug-calls"]

WORKER_CODE = '''"""Moves partitions between ingest nodes when one is overloaded."""
import collections
import logging

DEBUG_LOG = "/tmp/partition_rebalancing_coordinator_debug.log"

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("ingest.rebalance")


class Coordinator:
    def __init__(self, nodes):
        self.nodes = nodes
        self.moves = collections.deque()

    def plan(self, load):
        with open(DEBUG_LOG, "a") as f:
            f.write(f"planning for {len(load)} partitions\\n")
        return sorted(load, key=load.get)

    def apply_next(self):
        with open(DEBUG_LOG, "a") as f:
            f.write(f"moving {self.moves and self.moves.popleft()!r}\\n")
'''

SERVER_CODE = '''defmodule IngestPipeline.PartitionSupervisor do
  use Supervisor

  def start_link(partitions) do
    Supervisor.start_link(__MODULE__, partitions, name: __MODULE__)
  end

  @impl true
  def init(partitions) do
    IO.inspect(partitions, label: "supervising")
    children = Enum.map(partitions, &{IngestPipeline.PartitionServer, &1})
    Supervisor.init(children, strategy: :one_for_one)
  end
end
'''

CHECKLIST = f"""# Ingest pipeline 3.1 release

- [ ] Remove all `/tmp/partition_rebalancing_coordinator_debug.log` writes in {WORKER}
- [ ] Lower the logging level from INFO to WARNING in {WORKER}
- [ ] Remove `IO.inspect` calls in {SERVER}
- [ ] Run the soak test against the staging cluster before tagging the release candidate
"""


def _repo(tmp_path) -> Path:
    repo = init_repo(tmp_path / "pipeline", {WORKER: WORKER_CODE, SERVER: SERVER_CODE, "docs/RELEASE.md": CHECKLIST})
    return Path(repo.working_tree_dir)


def _words(text: str) -> set[str]:
    return {w.rstrip(",:;") for w in text.split()} | {w.split(":")[0] for w in text.split()}


def test_the_plan_keeps_ids_and_paths_whole_in_80_columns(tmp_path):
    root = _repo(tmp_path)
    proc = run_fixer_process("checklist", "docs/RELEASE.md", cwd=root, env={"COLUMNS": "80"})
    assert proc.returncode == 1, proc.stderr  # fixes pending and one write left for a person
    plan = proc.stderr
    assert all(len(line) <= 80 for line in plan.splitlines()), plan
    assert "…" not in plan and "┃" not in plan
    words = _words(plan)
    for whole in IDS + [WORKER, SERVER, "/tmp/partition_rebalancing_coordinator_debug.log"]:
        assert whole in words, (whole, plan)
    # One block per item, in order, each under its number; the refused write is named with its place.
    assert [line.split(".")[0] for line in plan.splitlines() if re.match(r"\d+\. ", line)] == ["1", "2", "3", "4"]
    refused = WORKER_CODE.splitlines().index("    def apply_next(self):") + 2
    flat = " ".join(plan.split())
    assert f"needs review: {WORKER}:{refused}-{refused + 1}: writes to debug log" in flat
    assert "`self.moves.popleft()` may have side effects" in flat
    assert "result: fixed, 1 fix" in plan and "2 fixed" in plan.splitlines()[-1]


def test_the_plan_fills_a_wider_terminal_and_quiet_prints_only_what_needs_a_person(tmp_path):
    root = _repo(tmp_path)
    wide = run_fixer_process("checklist", "docs/RELEASE.md", cwd=root, env={"COLUMNS": "120"}).stderr
    assert max(len(line) for line in wide.splitlines()) > 80  # COLUMNS is honoured, not a fixed 80
    assert all(len(line) <= 120 for line in wide.splitlines())
    quiet = run_fixer_process("checklist", "docs/RELEASE.md", "-q", cwd=root, env={"COLUMNS": "80"})
    assert quiet.returncode == 1
    lines = quiet.stderr.splitlines()
    refused = WORKER_CODE.splitlines().index("    def apply_next(self):") + 2
    assert " ".join(quiet.stderr.split()).startswith(
        f"item 1: needs review: {WORKER}:{refused}-{refused + 1}: writes to debug log")
    assert all(len(line) <= 80 for line in lines) and all(line.startswith("    ") for line in lines[1:])
    assert "rule:" not in quiet.stderr and "result:" not in quiet.stderr
    assert quiet.stdout == run_fixer_process("checklist", "docs/RELEASE.md", cwd=root).stdout  # the same diff
