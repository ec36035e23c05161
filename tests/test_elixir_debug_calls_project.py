"""remove-debug-calls end to end on a small project of our own (fixtures/elixir-debug-calls), run the way
users run it: over `**/*.ex` and `**/*.exs`, tests, scripts and a Mix task included.

The project prints on purpose (a Mix task, a printing function, a test asserting captured output, a
demo script) and carries leftovers (labelled IO.inspect, a dbg stage, IEx.pry with its require, a
value wrapped in a multi-line IO.inspect, work inside an inspected map). Every intentional print must
stay byte-identical, every leftover must go, the result must be formatted and compile with no new
warning, and the demo script must print the same user-facing lines, minus the debug noise.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES, elixir_parses, elixirc_warnings, init_repo, mix_format_clean, run_cli

PROJECT = FIXTURES / "elixir-debug-calls"
LIB = ["lib/inventory.ex", "lib/inventory/printer.ex"]
USER_OUTPUT = [
    "Restocking apples",
    "stock: %{apples: 7, pears: 10}",
    "reorder pears?: false",
    "sell 12 pears: {:error, {:short, :pears, 2}}",
    "audited: [:apples, :pears]",
]


def demo_output(root: Path, ebin: Path) -> list[str]:
    """Compile lib/ and run scripts/demo.exs against it: its stdout lines."""
    elixirc_warnings([root / p for p in LIB], ebin, root)
    proc = subprocess.run(["elixir", "-pa", str(ebin), "scripts/demo.exs"], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if line.strip()]


def test_project_keeps_its_output_and_loses_its_leftovers(elixir_tools, tmp_path):
    before = tmp_path / "before"
    after = tmp_path / "after"
    shutil.copytree(PROJECT, before)
    init_repo(after, {str(p.relative_to(PROJECT)): p.read_text() for p in PROJECT.rglob("*") if p.is_file()})
    result = run_cli("apply", "--in-place", cwd=after)
    assert result.exit_code == 0, result

    for unchanged in ("lib/inventory/printer.ex", "lib/mix/tasks/inventory.report.ex", "scripts/demo.exs"):
        assert (after / unchanged).read_bytes() == (before / unchanged).read_bytes(), unchanged
    lib = (after / "lib/inventory.ex").read_text()
    for leftover in ("IEx.pry", "require IEx", "dbg()", 'label: "stock before restock"', "@reorder_label",
                     'label: "audit"', "shortage reported back"):
        assert leftover not in lib, leftover
    for kept in ('IO.inspect(stock, label: "stock")', "send(self(), {:audited, map_size(stock)})",
                 "{:error, {:short, item, amount - available}}", "`IO.inspect(stock, label: \"stock\")` helps"):
        assert kept in lib, kept
    tests = (after / "test/inventory_test.exs").read_text()
    assert "capture_io(fn -> Inventory.print_summary(%{apples: 1}) end)" in tests
    assert 'IO.inspect(stock, label: "after restock")' not in tests

    changed = [after / "lib/inventory.ex", after / "test/inventory_test.exs"]
    elixir_parses(changed)
    assert mix_format_clean(changed, after)
    warned = elixirc_warnings([before / p for p in LIB], tmp_path / "ebin-check-before", before)
    clean = elixirc_warnings([after / p for p in LIB], tmp_path / "ebin-check-after", after)
    assert set(clean) <= set(warned), set(clean) - set(warned)

    noisy = demo_output(before, tmp_path / "ebin-before")
    quiet = demo_output(after, tmp_path / "ebin-after")
    assert quiet == USER_OUTPUT
    assert len(noisy) > len(quiet) and [line for line in noisy if line in USER_OUTPUT] == USER_OUTPUT
