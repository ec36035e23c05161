"""The leftover rules on two projects of our own writing, end to end through the CLI:

- `invtool`, a CLI that prints on purpose (argparse entry point, report tables, `__str__`, a verbose
  switch, stderr warnings, a console script) and has debug prints left in its core module;
- `ledger`, a library with `breakpoint()`/`pdb`/`ipdb`/`IPython.embed` leftovers in many block
  positions, debugger tooling of its own, decoys named `embed`/`breakpoint`, and a test that patches pdb.

Every intentional print and every decoy stays byte-identical, every leftover goes (the golden files
under expected/ were reviewed line by line), the output compiles, a second pass changes nothing, and
running the code before and after (real subprocesses) gives the same user-facing output.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import init_repo, run_cli

HERE = Path(__file__).resolve().parent / "fixtures" / "leftovers"
PRINTS_ON = "[rules.remove-debug-prints]\n"


def project(name: str) -> dict[str, str]:
    root = HERE / name
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def expected(name: str) -> dict[str, str]:
    return project(f"expected/{name}")


@pytest.fixture
def invtool(tmp_path):
    files = project("invtool")
    return files, init_repo(tmp_path / "invtool", {**files, "fixer.toml": PRINTS_ON})


@pytest.fixture
def ledger(tmp_path):
    files = project("ledger")
    return files, init_repo(tmp_path / "ledger", files)


def apply_in_place(repo) -> Path:
    root = Path(repo.working_tree_dir)
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code in (0, 1), result
    return root


def check_json(root: Path) -> list[dict]:
    result = run_cli("check", "--format", "json", cwd=root)
    return json.loads(result.stdout)["findings"]


def assert_fixed_as_expected(name: str, files: dict[str, str], root: Path) -> None:
    golden = expected(name)
    for path, before in files.items():
        after = (root / path).read_text()
        assert after == golden.get(path, before), path  # unchanged files are byte-identical
        if path.endswith(".py"):
            compile(after, path, "exec")


def fixed_as_expected(name: str, fixture) -> tuple[dict[str, str], Path, list[dict]]:
    """Check the fixture's repo (its JSON findings), fix it in place, and compare every file with the
    golden copy: (the files as written, the repo's root, the findings of the check)."""
    files, repo = fixture
    root = Path(repo.working_tree_dir)
    findings = check_json(root)
    apply_in_place(repo)
    assert_fixed_as_expected(name, files, root)
    return files, root, findings


# -- the CLI tool ----------------------------------------------------------------------------------------

def test_invtool_leftovers_go_and_intentional_prints_stay_byte_identical(invtool):
    files, root, findings = fixed_as_expected("invtool", invtool)
    fixed = {(f["path"], f["line"]): f["evidence"] for f in findings if f["fixable"]}
    assert fixed == {
        ("invtool/core.py", 12): 'message starts with "DEBUG"',
        ("invtool/core.py", 17): "a data function's only print",
        ("invtool/core.py", 23): "marked by a debug comment",
        ("invtool/core.py", 40): 'message starts with "DEBUG"',
        ("invtool/core.py", 46): "self-documenting f-string `{total=}`",
        ("invtool/core.py", 55): "prints `locals()`",
        ("invtool/core.py", 60): 'message starts with "DEBUG"',
    }
    left = {(f["path"], f["line"]): f["evidence"] for f in findings if not f["fixable"]}
    assert left == {
        ("invtool/cli.py", 27): "in CLI entry point `main`",
        ("invtool/core.py", 65): "no evidence either way",
        ("invtool/report.py", 10): "printing is the function's job",
        ("invtool/summary.py", 11): "in CLI entry point `run`",  # a console script declared in setup.py
    }
    assert all("not removed" in f["message"] for f in findings if not f["fixable"])
    assert run_cli("check", cwd=root).exit_code == 1  # only needs-review findings are left...
    assert all(not f["fixable"] for f in check_json(root))  # ...and a second pass fixes nothing


DEBUG_OUTPUT = re.compile(r"^(DEBUG core loaded|DEBUG loaded |normalise |\{'|total=|DEBUG next batch )")
COMMANDS = [["-m", "invtool", "list", "items.csv"], ["-m", "invtool", "total", "items.csv"],
            ["-m", "invtool", "low", "items.csv"], ["-m", "invtool", "-v", "low", "items.csv", "--threshold", "4"],
            ["-c", "from invtool.summary import run; raise SystemExit(run())"]]


def run_python(root: Path, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env={**clean, "PYTHONPATH": str(root), **(env or {})})


def test_invtool_prints_the_same_user_facing_output_before_and_after(invtool):
    files, repo = invtool
    root = Path(repo.working_tree_dir)
    before = [run_python(root, command) for command in COMMANDS]
    apply_in_place(repo)
    after = [run_python(root, command) for command in COMMANDS]
    for command, old, new in zip(COMMANDS, before, after):
        assert old.returncode == new.returncode == 0, (command, old.stderr, new.stderr)
        user_facing = [line for line in old.stdout.splitlines() if not DEBUG_OUTPUT.match(line)]
        assert len(user_facing) < len(old.stdout.splitlines())  # the leftovers did print before
        assert new.stdout.splitlines() == user_facing, command
        assert new.stderr == old.stderr  # warnings on stderr are output on purpose
    batches = [line for line in after[2].stdout.splitlines() if line.startswith("LOW")]
    assert batches == ["LOW C-300 Cable Ties x2 (reorder batch 2)", "LOW A-101 Hex Nuts x3 (reorder batch 4)"]


# -- the library -------------------------------------------------------------------------------------------

def test_ledger_debugger_leftovers_go_tooling_and_decoys_stay(ledger):
    files, root, findings = fixed_as_expected("ledger", ledger)
    for path in ("ledger/debugtools.py", "ledger/search.py", "tests/check_debugtools.py"):
        assert (root / path).read_text() == files[path]
    fixed = [f for f in findings if f["fixable"]]
    assert len(fixed) == 11 and {f["rule"] for f in fixed} == {"remove-debugger-calls"}
    assert {f["evidence"] for f in fixed} == {"stops in the debugger", "opens an interactive shell",
                                              "enters post-mortem debugging"}
    left = {(f["path"], f["line"]): f["evidence"] for f in findings if not f["fixable"]}
    assert left == {("ledger/debugtools.py", 9): "debugger tooling", ("ledger/debugtools.py", 14): "debugger tooling",
                    ("tests/check_debugtools.py", 16): "the module patches the debugger"}
    assert not [f for f in check_json(root) if f["fixable"]]


LEDGER_RUN = '''
import logging, sys, types
if "--stub" in sys.argv:  # before the fix: every debugger entry does nothing
    import pdb
    sys.breakpointhook = lambda *a, **k: None
    pdb.set_trace = pdb.post_mortem = lambda *a, **k: None
    pdb.Pdb.set_trace = lambda *a, **k: None
    for name in ("ipdb", "IPython"):
        stub = types.ModuleType(name)
        stub.set_trace = stub.post_mortem = stub.embed = lambda *a, **k: None
        sys.modules[name] = stub
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(message)s")
from ledger.accounts import Ledger
from ledger.importer import safe_read
from ledger.posting import post_lines, replay
from ledger.search import STAGES, index
book = Ledger()
print(post_lines(book, [{"account": "cash", "amount": "10"}, {"account": "bank", "amount": "x"},
                        {"account": "bank", "amount": "5"}]))
print(replay(book, [("cash", -3), ("bank", 2)]))
print(book.open("cash").balance(), book.open("bank").close())
print(safe_read("journal.csv"))
book.transfer("cash", "bank", 4)
print({name: account.balance() for name, account in book.accounts.items()})
print(len(index(["cash", "bank"])), STAGES)
'''


def test_ledger_computes_and_logs_the_same_without_any_debugger_left(ledger):
    """Before: debuggers stubbed out. After: nothing stubbed, stdin closed, no IPython or ipdb
    installed: a debugger left on any executed path would stop the run or fail the import."""
    files, repo = ledger
    root = Path(repo.working_tree_dir)
    before = run_python(root, ["-c", LEDGER_RUN, "--stub"])
    assert before.returncode == 0, before.stderr
    apply_in_place(repo)
    after = run_python(root, ["-c", LEDGER_RUN])
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert "ledger.posting posting {'account': 'cash', 'amount': '10'}" in after.stdout  # describe() was kept
