"""CLI habits and error messages (issue 19): options before the command as in git, `fixer rules -c`,
one error prefix, "did you mean", config values named right, syntax errors placed as the compilers
place them. Every message is checked as printed, with its exit code."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import elixir_tools, init_repo, run_cli, run_fixer_process, write_files

DEBUG = 'def f():\n    open("/tmp/a_debug.log", "a").write("x")\n    return 1\n'
FILES = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/a_debug.log"]\n'


def test_directory_config_quiet_verbose_before_the_command(tmp_path):
    repo = init_repo(tmp_path / "r", {"svc/a.py": DEBUG, "svc/fixer.toml": FILES, "other.toml": FILES})
    root = Path(repo.working_tree_dir)
    before = run_fixer_process("-C", str(root / "svc"), "check", cwd=tmp_path)
    after = run_fixer_process("check", "-C", str(root / "svc"), cwd=tmp_path)
    assert before.returncode == after.returncode == 1
    assert before.stdout == after.stdout and before.stdout.startswith("a.py:2:5: [remove-debug-file-writes]")
    quiet = run_fixer_process("-q", "-C", str(root / "svc"), "check", cwd=tmp_path)
    assert quiet.returncode == 1 and quiet.stderr == "" and quiet.stdout == before.stdout
    config = run_fixer_process("-c", "other.toml", "check", "svc/a.py", cwd=root)
    assert config.returncode == 1 and "config: other.toml" in config.stderr
    verbose = run_fixer_process("-v", "-c", "missing.toml", "check", cwd=root)
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr
    assert verbose.stderr.rstrip().endswith("fixer: error: " + str(root / "missing.toml") + ": config file not found")


def test_rules_takes_a_config_and_shows_what_it_turns_on(tmp_path):
    write_files(tmp_path, {"strict.toml": '[fixer]\nselect = ["remove-debug-prints"]\n'})
    listing = run_fixer_process("rules", "-c", "strict.toml", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    rows = {line.split()[0]: line.split()[2] for line in listing.stdout.splitlines()
            if line[:1].isalpha() and len(line.split()) > 2 and line.split()[1] in ("python", "elixir")}
    assert rows["remove-debug-prints"] == "on" and rows["add-impl"] == "off" and rows["remove-debug-calls"] == "off"
    assert "on: as strict.toml sets them" in listing.stdout
    plain = run_fixer_process("rules", cwd=tmp_path / "..")  # no config around: the defaults
    assert "default" in plain.stdout.splitlines()[0]


@pytest.mark.parametrize("argv, message", [
    (["check", "--zzzz"], "fixer: error: No such option: --zzzz"),
    (["bogus"], "fixer: error: No such command 'bogus'."),
    (["rules", "remove-debug-call"], "fixer: error: unknown rule 'remove-debug-call': did you mean 'remove-debug-calls'?"),
    (["check", "-r", "add-imp"], "fixer: error: unknown rule id 'add-imp': did you mean 'add-impl'?"),
    (["check", "--format", "xml"], "fixer: error: --format xml: expected one of text, json, sarif, github"),
])
def test_every_error_starts_the_same_way(tmp_path, argv, message):
    init_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    proc = run_fixer_process(*argv, cwd=tmp_path / "r")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == message
    assert all(not line.startswith(("Error:", "error:", "Usage:")) for line in proc.stderr.splitlines())


@pytest.mark.parametrize("toml, message", [
    ('[fixer]\njobs = "4"\n', "'fixer.jobs' must be an integer, got a string"),
    ("[fixer]\nmax_file_size = -5\n", "'fixer.max_file_size' must be a positive number of bytes, got -5"),
    ("[fixer]\nmax_file_size = 0\n", "'fixer.max_file_size' must be a positive number of bytes, got 0"),
    ('[fixer]\nbranch = 3\n', "'fixer.branch' must be a string, got an integer"),
    ('[rules.remove-debug-call]\n', "unknown rule id 'rules.remove-debug-call': did you mean 'remove-debug-calls'?"),
    ('[fixer]\nselect = ["set-log-levels"]\n', "unknown rule id 'set-log-levels': did you mean 'set-log-level'?"),
])
def test_config_errors_name_the_key_right(tmp_path, toml, message):
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n", "fixer.toml": toml})
    result = run_cli("check", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("fixer: error: ") and line.endswith(message), line


def test_python_syntax_error_has_a_column(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/bad.py": 'def f():\n    x = (1,, 2)\n    open("/tmp/a_debug.log", "a").write(x)\n',
                                      "fixer.toml": FILES})
    result = run_cli("check", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    try:
        compile((Path(repo.working_tree_dir) / "app/bad.py").read_text(), "bad.py", "exec")
    except SyntaxError as exc:
        expected = f"fixer: error: app/bad.py: syntax error at line {exc.lineno}, column {exc.offset}: {exc.msg}"
    assert expected in result.stderr.splitlines()


@pytest.mark.parametrize("broken", ["    foo(1,, 2)", "    x = [1, 2"])
def test_elixir_syntax_error_is_placed_where_elixirc_places_it(tmp_path, broken, elixir_tools):
    source = ("defmodule Bad do\n  def a do\n    IO.inspect(:ok)\n  end\n\n  def b(x) do\n    y = x\n"
              f"{broken}\n    y\n  end\nend\n")
    repo = init_repo(tmp_path / "r", {"lib/bad.ex": source})
    result = run_cli("check", cwd=repo.working_tree_dir)
    assert result.exit_code == 2
    compiled = subprocess.run(["elixirc", "-o", str(tmp_path / "out"), "lib/bad.ex"], cwd=repo.working_tree_dir,
                              capture_output=True, text=True)
    said = next(line for line in (compiled.stdout + compiled.stderr).splitlines() if "lib/bad.ex:" in line)
    place = said.split("lib/bad.ex:", 1)[1].split(":")[:2]  # LINE:COLUMN as elixirc reports it
    assert f"fixer: error: lib/bad.ex: syntax error at line {place[0]}, column {place[1]}: " in result.stderr, (
        said, result.stderr)


def test_every_command_takes_the_options_given_before_it(tmp_path):
    repo = init_repo(tmp_path / "r", {"a.py": DEBUG, "fixer.toml": FILES})
    root = Path(repo.working_tree_dir)
    cache = root / ".git" / "fixer" / "cache"
    filled = run_fixer_process("check", "-q", cwd=root, env={"FIXER_NO_CACHE": "0"})
    assert filled.returncode == 1 and cache.is_dir()
    quiet = run_fixer_process("-q", "-C", str(root), "clean", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "" and not cache.exists()
    said = run_fixer_process("-C", str(root), "clean", cwd=tmp_path)
    assert said.returncode == 0 and said.stderr.startswith("no cache in")
    missing = run_fixer_process("-C", str(tmp_path / "nowhere"), "campaign", "status", "c.toml", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0].startswith(f"fixer: error: -C {tmp_path / 'nowhere'}: no such file")
    write_files(tmp_path, {"camps/c.toml": "not toml [[[\n"})
    moved = run_fixer_process("-C", "camps", "campaign", "status", "c.toml", cwd=tmp_path)
    assert moved.returncode == 2
    assert moved.stderr.startswith(f"fixer: error: {tmp_path / 'camps' / 'c.toml'}: invalid TOML")
    stray = run_fixer_process("-c", "x.toml", "campaign", "status", "c.toml", cwd=tmp_path)
    assert stray.returncode == 2 and stray.stderr.startswith("fixer: error: -c x.toml does not apply: `fixer campaign status`")
