"""The repository's config cannot hang fixer: user regexes run on RE2 (linear time) and globs compile to
linear matching. Bounded by a subprocess timeout (a hang fails the test), never by a timed assertion."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import init_repo

LIMIT = 120  # seconds: the old engine needs longer than the age of the universe on these inputs
EVIL = "^(a+)+$"


def fixer(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixer", *args], cwd=root, capture_output=True, text=True,
                          timeout=LIMIT, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("rule, path, source", [
    ("remove-debug-prints", "app/a.py", f'def f():\n    print("{"a" * 60}!")\n    return 1\n'),
    ("remove-debug-calls", "lib/a.ex", f'defmodule A do\n  def f do\n    IO.puts("{"a" * 60}!")\n    1\n  end\nend\n'),
])
def test_a_catastrophic_message_regex_finishes(tmp_path, rule, path, source):
    root = tmp_path / "r"
    init_repo(root, {path: source, "fixer.toml": f'[rules.{rule}]\nmessages = ["{EVIL}", "^a{{60}}!$"]\n'})
    done = fixer(root, "check", "--rule", rule)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr  # `^a{60}!$` matches: the rule did run to the end
    assert path in done.stdout


def test_a_glob_of_sixty_stars_finishes(tmp_path):
    root = tmp_path / "r"
    name = "a" * 40 + ".py"
    init_repo(root, {name: 'breakpoint()\n', "fixer.toml": '[rules.remove-debugger-calls]\npaths = ["'
                     + "*" * 30 + "a*" * 30 + 'z.py"]\nexclude = ["' + "a*" * 60 + 'q"]\n'
                     + '\n[fixer]\nexclude = ["' + "*a" * 60 + '/x"]\n'})
    done = fixer(root, "check", "--rule", "remove-debugger-calls", "--allow-unchecked")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr


def test_twenty_thousand_excludes_finish(tmp_path):
    root = tmp_path / "r"
    excludes = ", ".join(f'"vendor{n}/*/lib{n}_*.py"' for n in range(20_000))
    init_repo(root, {"app/a.py": 'breakpoint()\n', "fixer.toml": f"[fixer]\nexclude = [{excludes}]\n"})
    done = fixer(root, "check", "--rule", "remove-debugger-calls")
    assert done.returncode == 1 and "app/a.py" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("pattern", [r"(?<=x)debug", r"(a)\\1", r"debug(?=:)"])
def test_a_regex_re2_cannot_take_is_refused_in_one_line(tmp_path, pattern):
    root = tmp_path / "r"
    init_repo(root, {"app/a.py": 'print("debug: x")\n',
                     "fixer.toml": f'[rules.remove-debug-prints]\nmessages = ["{pattern}"]\n'})
    done = fixer(root, "check")
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "fixer.toml" in lines[0] and "RE2" in lines[0] and "messages" in lines[0], lines


def test_a_files_glob_of_sixty_stars_finishes(tmp_path):
    root = tmp_path / "r"
    source = f'LOG = "/tmp/{"a" * 80}.txt"\nwith open("/tmp/debug.log", "a") as f:\n    f.write("x")\n'
    init_repo(root, {"app/a.py": source, "fixer.toml": '[rules.remove-debug-file-writes]\nfiles = ["/tmp/'
                     + "a*" * 60 + 'q.log", "/tmp/debug.log"]\n'})
    done = fixer(root, "check", "--rule", "remove-debug-file-writes")
    assert done.returncode == 1 and "app/a.py" in done.stdout, done.stdout + done.stderr


def test_an_absurdly_large_config_is_refused_in_one_line_before_it_is_parsed(tmp_path):
    """A 5 MB fixer.toml took minutes; past 1 MiB it is refused (one line, exit 2) and nothing is checked."""
    big = '[fixer]\nexclude = [\n' + "".join(f'  "vendor/part{n}/**/generated_{n}.py",\n' for n in range(120_000)) + "]\n"
    assert len(big) > 5_000_000
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n", "fixer.toml": big})
    proc = subprocess.run([sys.executable, "-m", "fixer", "check"], cwd=repo.working_tree_dir, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"fixer: error: {Path(repo.working_tree_dir) / 'fixer.toml'}: larger than 1024 KiB, far past any real "
        "config: not read"]


def test_twenty_thousand_excludes_are_a_normal_config(tmp_path):
    excludes = "".join(f'  "vendor/part{n}/**/generated_{n}.py",\n' for n in range(20_000))
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n", "fixer.toml": f"[fixer]\nexclude = [\n{excludes}]\n"})
    proc = subprocess.run([sys.executable, "-m", "fixer", "check"], cwd=repo.working_tree_dir, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
