"""Packaging from a clean clone: the sdist and the wheel hold fixer's own files and nothing else (no
stale build/ output, no caches), the build leaves no build/ folder behind, and the wheel installed
in a fresh virtualenv runs `fixer rules` and `fixer demo`.

Offline and quick: builds use the test environment's hatchling (`--no-isolation`), and the fresh
virtualenv sees the test environment's copies of fixer's declared dependencies (and only those:
an undeclared import would fail the demo).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
NAME = "fixer-0.1.0"
WHEEL_METADATA = {"METADATA", "WHEEL", "RECORD", "entry_points.txt"}
SDIST_DIRS = ("fixer/", "fixtures/", "tests/", "bench/", "ci/", "docs/")
SDIST_FILES = {"README.md", "LICENSE", "pyproject.toml", "fixer.toml", ".importlinter", ".gitignore", "action.yml",
               ".pre-commit-hooks.yaml", "mkdocs.yml"}
# Left by earlier builds and runs: none of it may reach a package.
STALE = {
    "build/lib/fixer/rules/foo.py": "x=1\n",
    "build/lib/fixer/sample/lib/snakepit/a.ex": "defmodule A do end\n",
    "fixer.egg-info/SOURCES.txt": "build/lib/fixer/rules/foo.py\nfixer/__init__.py\n",
    "fixtures/sample-service/priv/python/__pycache__/grpc_server.cpython-311.pyc": "stale",
    "fixer/rules/__pycache__/add_impl.cpython-311.pyc": "stale",
    "fixer/__pycache__/cli.cpython-311.pyc": "stale",
    "dist/fixer-0.0.1.tar.gz": "stale",
}


def run(*args, cwd: Path, env: dict | None = None) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A clone of this checkout's HEAD: committed files only, as CI and users get them."""
    require_tool("git")
    if not (ROOT / ".git").exists():
        pytest.fail(f"{ROOT} is not a git checkout: the packaging test builds from a clone of it")
    target = tmp_path_factory.mktemp("packaging") / "clone"
    head = run("git", "rev-parse", "HEAD", cwd=ROOT).strip()
    run("git", "clone", "--quiet", ROOT, target, cwd=ROOT)
    run("git", "checkout", "--quiet", "--detach", head, cwd=target)
    return target


def tracked(clone: Path) -> list[str]:
    return run("git", "ls-files", "-z", cwd=clone).strip("\0").split("\0")


def expected_wheel(files: list[str]) -> set[str]:
    """fixer/ as is (rules included, as fixer/rules/), the sample service as fixer/sample/."""
    mapped = set()
    for name in files:
        if name.startswith("fixer/") and name.endswith(".py"):
            mapped.add(name)
        elif name.startswith("fixtures/sample-service/"):
            mapped.add("fixer/sample/" + name.removeprefix("fixtures/sample-service/"))
    return mapped


def wheel_contents(wheel: Path) -> set[str]:
    names = set(zipfile.ZipFile(wheel).namelist())
    info = {n for n in names if n.startswith(f"{NAME}.dist-info/")}
    stray = {n for n in info if n.split("/", 1)[1] not in WHEEL_METADATA and not n.rsplit("/", 1)[-1].startswith("LICENSE")}
    assert not stray, f"unexpected metadata in the wheel: {sorted(stray)}"
    return names - info


def test_pip_builds_from_the_source_tree_and_leaves_no_build_folder(clone, tmp_path):
    """What `pip install .` does: a PEP 517 wheel build in the source tree."""
    out = tmp_path / "wheel"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "--wheel-dir", out, ".", cwd=clone)
    assert not (clone / "build").exists(), "the build left a build/ folder that a later build would reuse"
    (wheel,) = out.glob("*.whl")
    assert wheel_contents(wheel) == expected_wheel(tracked(clone))


def test_sdist_and_wheel_hold_only_fixers_files_even_with_stale_build_output(clone, tmp_path):
    clone = Path(shutil.copytree(clone, tmp_path / "stale", symlinks=True))
    for name, content in STALE.items():
        path = clone / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    out = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, clone, cwd=clone)  # the wheel comes from the sdist
    files = tracked(clone)
    (wheel,) = out.glob("*.whl")
    assert wheel_contents(wheel) == expected_wheel(files)
    assert not [n for n in wheel_contents(wheel) if n.startswith("tests/") or "/tests/" in n]
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.removeprefix(f"{NAME}/") for m in archive.getmembers() if m.isfile()}
    wanted = {f for f in files if f.startswith(SDIST_DIRS) or f in SDIST_FILES}
    metadata_files = {"PKG-INFO"}
    assert wanted <= members, f"missing from the sdist: {sorted(wanted - members)}"
    assert members - wanted <= metadata_files, f"not fixer's source: {sorted(members - wanted - metadata_files)}"


def dependency_view(wheel: Path, target: Path) -> Path:
    """A folder holding only the wheel's declared dependencies (and theirs), linked from this environment."""
    target.mkdir()
    text = zipfile.ZipFile(wheel).read(f"{NAME}.dist-info/METADATA").decode()
    todo = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]
    seen: set[str] = set()
    while todo:
        requirement = Requirement(todo.pop())
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        dist = metadata.distribution(requirement.name)
        todo += dist.requires or []
        base = Path(dist.locate_file(""))
        for top in {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            if not (target / top).exists() and (base / top).exists():
                (target / top).symlink_to(base / top)
    return target


def test_the_wheel_runs_from_a_fresh_virtualenv(clone, tmp_path):
    out = tmp_path / "wheel"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "--wheel-dir", out, ".", cwd=clone)
    (wheel,) = out.glob("*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site / "fixer_test_dependencies.pth").write_text(f"{dependency_view(wheel, tmp_path / 'deps')}\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index", "--no-deps", wheel, cwd=tmp_path)
    env = {"PYTHONPATH": "", "COLUMNS": "100"}
    where = run(python, "-c", "import fixer, fixer.rules, fixer.sample; print(fixer.__file__)", cwd=tmp_path, env=env)
    assert Path(where.strip()).is_relative_to(site)  # the wheel's copy, not the source tree
    fixer = venv / "bin" / "fixer"
    assert run(fixer, "--version", cwd=tmp_path, env=env).strip() == "fixer 0.1.0"
    listing = run(fixer, "rules", cwd=tmp_path, env=env)
    for rule_id in ("remove-debug-file-writes", "set-log-level", "remove-debug-calls", "add-impl", "rename-used-underscored"):
        assert rule_id in listing
    demo = run(fixer, "demo", "--keep", tmp_path / "demo", cwd=tmp_path, env=env)
    assert "diff --git a/lib/snakepit/process_killer.ex" in demo and "fixer: remove-debug-calls" in demo
    assert sysconfig.get_paths()["purelib"] != str(site)


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0].strip() for block in quickstart.split("```bash\n")[1:]]
    install, test = blocks
    assert "pip install ." in install and install.endswith("fixer demo")
    assert "apt-get update &&" in test and 'pip install -q -e ".[test]"' in test and test.endswith("pytest -q")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci[-1] == test and "export CI=true" in ci and "set -euo pipefail" in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
