"""`fixer check PATH` reads the config of where PATH is, not of the folder fixer was started in: from
outside the repository (or from inside another one) it finds the same rules and options as
`fixer -C PATH check`. Paths in different repositories are one line and exit 2; paths under
different configs take the one above them all. The same holds for `diff` and `apply`; the fast lane never serves a run with paths."""
from __future__ import annotations

from pathlib import Path

from conftest import init_repo, run_cli, run_fixer_process, unwrapped

# The config turns a default rule off (remove-debugger-calls) and gives another its option (the debug
# log that remove-debug-file-writes removes writes to): each changes what is found.
CONFIG = '[rules.remove-debugger-calls]\nenabled = false\n\n[rules.remove-debug-file-writes]\nfiles = ["/tmp/svc_debug.log"]\n'
WORKER = '''import json


def handle(request):
    breakpoint()
    with open("/tmp/svc_debug.log", "a") as log:
        log.write(json.dumps(request))
    return {"ok": True}
'''


def service(root: Path, config: str = CONFIG) -> Path:
    init_repo(root, {"fixer.toml": config, "worker/handler.py": WORKER})
    return root


def findings(out: str, prefix: str = "", folder: str = "") -> list[str]:
    """The finding lines, each path made repository-relative (the path form shows them from the cwd,
    `-C` from its folder)."""
    return sorted(folder + line.removeprefix(prefix) for line in unwrapped(out).splitlines()
                  if "[" in line and ".py:" in line)


def test_check_from_outside_the_repository_reads_the_repository_s_config(tmp_path):
    repo = service(tmp_path / "svc")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    by_directory = run_cli("-C", str(repo), "check")
    by_path = run_cli("check", str(repo), cwd=outside)
    assert by_path.exit_code == by_directory.exit_code == 1
    assert findings(by_path.stdout, "../svc/") == findings(by_directory.stdout)
    found = " ".join(findings(by_directory.stdout))
    assert "remove-debug-file-writes" in found and "remove-debugger-calls" not in found  # the config counts
    # from the folder holding the repository (no repository itself), the same
    from_parent = run_cli("check", "svc", cwd=tmp_path)
    assert (from_parent.exit_code, findings(from_parent.stdout, "svc/")) == (1, findings(by_directory.stdout))
    # a file given by its path: the same
    by_file = run_cli("check", str(repo / "worker" / "handler.py"), cwd=outside)
    assert (by_file.exit_code, findings(by_file.stdout, "../svc/")) == (1, findings(by_directory.stdout))


def test_check_from_inside_another_repository_reads_the_paths_config(tmp_path):
    repo = service(tmp_path / "svc")
    other = service(tmp_path / "other", config='[fixer]\nselect = ["remove-debugger-calls"]\n')
    by_path = run_cli("check", str(repo / "worker"), cwd=other)
    by_directory = run_cli("-C", str(repo), "check")
    assert by_path.exit_code == by_directory.exit_code == 1
    assert findings(by_path.stdout, "../svc/") == findings(by_directory.stdout)


def test_diff_and_apply_paths_from_outside_match_the_directory_form(tmp_path):
    repo = service(tmp_path / "svc")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    by_path = run_cli("diff", str(repo), cwd=outside)
    by_directory = run_cli("-C", str(repo), "diff")
    assert by_path.exit_code == by_directory.exit_code == 1
    assert by_path.stdout == by_directory.stdout
    assert "-        log.write(json.dumps(request))" in by_path.stdout and "breakpoint()" not in by_path.stdout.replace(
        "     breakpoint()", "")
    dry = run_cli("apply", "--dry-run", str(repo / "worker"), cwd=outside)
    assert dry.exit_code == 1 and dry.stdout.startswith(by_directory.stdout)
    done = run_cli("apply", "--in-place", str(repo / "worker"), cwd=outside)
    assert done.exit_code == 0, done
    text = (repo / "worker" / "handler.py").read_text()
    assert "breakpoint()" in text and "svc_debug.log" not in text


def test_paths_under_a_sub_folder_config_use_it(tmp_path):
    repo = service(tmp_path / "svc", config="")
    (repo / "worker" / "fixer.toml").write_text(CONFIG)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    by_path = run_cli("check", str(repo / "worker"), cwd=outside)
    by_directory = run_cli("-C", str(repo / "worker"), "check")
    assert by_path.exit_code == by_directory.exit_code == 1
    assert findings(by_path.stdout, "../svc/") == findings(by_directory.stdout, folder="worker/")
    assert "remove-debugger-calls" not in by_path.stdout


def test_paths_under_different_configs_take_the_config_above_them_all(tmp_path):
    """A pre-commit hook passes files from several folders: their common folder's config is the one
    (as black does), never an error; the sub-folder's config counts when only its files are given."""
    repo = service(tmp_path / "svc", config="")
    (repo / "worker" / "fixer.toml").write_text(CONFIG)
    (repo / "tools").mkdir()
    (repo / "tools" / "run.py").write_text("def main():\n    breakpoint()\n    return 0\n")
    both = run_cli("check", "../worker/handler.py", "run.py", cwd=repo / "tools")
    whole = run_cli("check", cwd=repo)
    assert both.exit_code == whole.exit_code == 1
    shown_from_tools = [line.replace("tools/", "").replace("worker/", "../worker/") for line in findings(whole.stdout)]
    assert findings(both.stdout) == sorted(shown_from_tools)
    assert "../worker/handler.py:5:5: [remove-debugger-calls]" in both.stdout  # the root's (empty) config
    alone = run_cli("check", "worker/handler.py", cwd=repo)
    assert alone.exit_code == 1 and "remove-debugger-calls" not in alone.stdout  # worker/fixer.toml


def test_paths_in_different_repositories_are_an_error(tmp_path):
    first, second = service(tmp_path / "one"), service(tmp_path / "two")
    for command in ("check", "diff", "apply"):
        result = run_cli(command, str(first), str(second), cwd=tmp_path)
        assert result.exit_code == 2, (command, result)
        assert "different repositories" in result.stderr and str(first) in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert "svc_debug.log" in (first / "worker" / "handler.py").read_text()  # nothing written


def test_the_fast_lane_never_serves_a_run_with_paths(tmp_path):
    repo = service(tmp_path / "svc")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {"FIXER_NO_CACHE": "", "FIXER_FASTLANE_TRACE": "1"}
    runs = [run_fixer_process("check", str(repo), cwd=outside, env=env) for _ in range(2)]
    directory = run_fixer_process("-C", str(repo), "check", cwd=outside, env=env)
    for run in runs:
        assert run.returncode == directory.returncode == 1
        assert "fixer fastlane: not a plain check" in run.stderr
        assert findings(run.stdout, "../svc/") == findings(directory.stdout)


def test_a_symlink_to_another_repository_is_not_followed_to_its_config(tmp_path):
    repo = service(tmp_path / "svc")
    other = service(tmp_path / "other", config="")
    (repo / "linked").symlink_to(other / "worker", target_is_directory=True)
    result = run_cli("check", "linked", cwd=repo)
    assert result.exit_code == 2
    assert "svc_debug.log" in (other / "worker" / "handler.py").read_text()
