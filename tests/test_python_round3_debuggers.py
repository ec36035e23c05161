"""Issue 18, class 2: debugger use reached through an option is the feature. A post-mortem hook that
`--pdb` installs (`sys.excepthook = on_crash`), and a repository that is itself a debugger (its package
provides `set_trace`, and its manual checks call it), are reported, never removed. Each project is run
as a child process before and after `fixer apply --in-place`; a real leftover beside them still goes."""
from __future__ import annotations

from pathlib import Path

from conftest import init_repo, run_cli, unwrapped
from round3_support import python_run

CLI_PY = '''
import argparse
import pdb
import sys


def on_crash(kind, value, tb):
    print(f"crashed: {value}")
    pdb.post_mortem(tb)


def settle(amount):
    breakpoint()
    return 100 // amount


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdb", action="store_true")
    parser.add_argument("amount", type=int)
    args = parser.parse_args(argv)
    if args.pdb:
        sys.excepthook = on_crash
    print(settle(args.amount))


if __name__ == "__main__":
    main()
'''


def run_tool(root: Path, *args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "tool", *args], cwd=root, input="q\n", capture_output=True,
                          text=True, timeout=60, env={"PYTHONBREAKPOINT": "0", "PATH": "/usr/bin:/bin"})


def test_a_post_mortem_hook_installed_by_a_flag_still_works(tmp_path):
    files = {"tool/__init__.py": "", "tool/__main__.py": CLI_PY, "fixer.toml": "[rules.remove-debugger-calls]\n"}
    root = Path(init_repo(tmp_path / "tool", files).working_tree_dir)
    before = run_tool(root, "--pdb", "0")
    assert "crashed: integer division or modulo by zero" in unwrapped(before.stdout) and "(Pdb)" in unwrapped(before.stdout)

    result = run_cli("apply", "--in-place", cwd=root)
    text = (root / "tool/__main__.py").read_text()
    assert "breakpoint()" not in text  # the leftover goes
    assert "pdb.post_mortem(tb)" in text and "import pdb" in text
    after = run_tool(root, "--pdb", "0")
    # the same post-mortem session (one line up: the leftover above it is gone)
    assert after.stdout == before.stdout.replace("__main__.py(14)settle()", "__main__.py(13)settle()")
    assert run_tool(root, "5").stdout == "20\n"
    report = unwrapped(result.stdout + result.stderr)
    assert "installed as `sys.excepthook` (line 23)" in report


def test_a_function_called_only_under_a_switch_is_opt_in_debugging(tmp_path):
    from round3_support import fixed

    source = '''
        import pdb


        def inspect_state(state):
            pdb.set_trace()
            return state


        def run(state, options):
            if options.interactive_debug:
                inspect_state(state)
            return state
    '''
    result = fixed("remove-debugger-calls", source)
    assert "pdb.set_trace()" in result.new
    (finding,) = result.findings
    assert not finding.fixed and "reached only under `options.interactive_debug`" in finding.message


DEBUGGER_INIT = '''
import sys


def set_trace(frame=None):
    """Stop in minidbg: here it only says where."""
    frame = frame or sys._getframe(1)
    print(f"ipdb stop at {frame.f_code.co_name}:{frame.f_lineno}")
'''

MANUAL_CHECK = '''
import ipdb


def walk():
    total = 0
    for n in range(3):
        total += n
    ipdb.set_trace()
    return total


print("total", walk())
'''


def test_a_repository_that_is_itself_the_debugger_keeps_its_manual_checks(tmp_path):
    files = {"ipdb/__init__.py": DEBUGGER_INIT, "manual/check_stop.py": MANUAL_CHECK,
             "fixer.toml": "[rules.remove-debugger-calls]\n"}
    root = Path(init_repo(tmp_path / "ipdb-repo", files).working_tree_dir)
    before = python_run(root, "manual/check_stop.py", env={"PYTHONPATH": str(root)})
    assert before.stdout == "ipdb stop at walk:9\ntotal 3\n"

    result = run_cli("apply", "--in-place", cwd=root)
    assert (root / "manual/check_stop.py").read_text() == MANUAL_CHECK
    after = python_run(root, "manual/check_stop.py", env={"PYTHONPATH": str(root)})
    assert after.stdout == before.stdout
    assert "the repository is the debugger `ipdb`" in unwrapped(result.stdout) + result.stderr


def test_another_project_calling_that_debugger_still_loses_the_leftover(tmp_path):
    files = {"app/core.py": "import ipdb\n\n\ndef walk():\n    ipdb.set_trace()\n    return 3\n",
             "fixer.toml": "[rules.remove-debugger-calls]\n"}
    root = Path(init_repo(tmp_path / "app", files).working_tree_dir)
    run_cli("apply", "--in-place", cwd=root)
    assert (root / "app/core.py").read_text() == "def walk():\n    return 3\n"
