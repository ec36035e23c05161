"""Every git fixer runs goes through fixer/git/command.py: read from the source, so a new module that
opens a repository or starts git on its own fails here before any marker test would have to catch it.

- a GitPython repository (`Repo(...)`, `Repo.init(...)`, `Repo.clone_from(...)`) is made only inside
  `harden(...)` (its own calls then get the safe settings);
- no module but command.py starts a process whose command names git;
- no `repo.git.diff/show/log/...` (GitPython would run them without --no-ext-diff --no-textconv);
- `run_git` and friends are imported from fixer.git.command only."""
from __future__ import annotations

import ast
from pathlib import Path

import fixer

PACKAGE = Path(fixer.__file__).parent
ENTRY = PACKAGE / "git" / "command.py"
MAKERS = {"Repo", "init", "clone_from"}
SHOWING = {"diff", "show", "log", "format_patch", "blame", "grep", "archive", "clone", "fetch", "push", "pull"}
PROCESS = {"run", "Popen", "call", "check_call", "check_output", "system", "execvp", "spawnlp"}


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def _mentions_git(node) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.split(" ")[0] in ("git", "git-")
               for n in ast.walk(node))


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(path.parent.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "fixer.git.command":
            if {"run_git", "push", "clone", "fetch", "ls_remote"} & {a.name for a in node.names} and \
                    node.module.startswith("fixer."):
                found.append(f"{where}: git helpers imported from {node.module}")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        last = name.rsplit(".", 1)[-1]
        if last in MAKERS and ("Repo" in name or last == "clone_from"):
            parent = parents.get(node)
            if not (isinstance(parent, ast.Call) and _name(parent.func).endswith("harden")):
                found.append(f"{where}: {name}(...) outside harden(...)")
        if ".git." in f".{name}" and name.split(".")[-2] == "git" and last in SHOWING:
            found.append(f"{where}: {name}(...) through GitPython")
        if last in PROCESS and name.split(".")[0] in ("subprocess", "os") and _mentions_git(node):
            found.append(f"{where}: {name}(...) starts git itself")
    return found


def test_every_git_call_goes_through_the_one_entry_point():
    modules = [p for p in PACKAGE.rglob("*.py") if p != ENTRY]
    assert len(modules) > 50
    assert [o for p in modules for o in offences(p)] == []


def test_the_check_does_catch_each_kind(tmp_path):
    """The scan is live: each way around the entry point, written in a module, is reported."""
    sample = tmp_path / "fixer" / "sample.py"
    sample.parent.mkdir()
    sample.write_text('import subprocess\nfrom git import Repo\nfrom fixer.git.branches import run_git\n'
                      'repo = Repo(".")\nsafe = harden(Repo("."))\nbare = Repo.init("x", bare=True)\n'
                      'Repo.clone_from("u", "p")\nrepo.git.diff("HEAD")\nrepo.git.ls_files()\n'
                      'subprocess.run(["git", "status"])\nsubprocess.run(["ls"])\n')
    found = [line.split(": ", 1)[1] for line in offences(sample)]
    assert found == ["git helpers imported from fixer.git.branches", "Repo(...) outside harden(...)",
                     "Repo.init(...) outside harden(...)", "Repo.clone_from(...) outside harden(...)",
                     "repo.git.diff(...) through GitPython", "subprocess.run(...) starts git itself"]
