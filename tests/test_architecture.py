"""The layout the README's "Where things are" describes, checked rather than only described: import
layers (import-linter's contracts in .importlinter), fixer/ holding packages only, one package per rule
with its logic beside it, and no setuptools leftovers."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixer.core.rule import all_rules

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fixer"


def test_the_import_layers_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--config", str(ROOT / ".importlinter"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_fixer_holds_only_packages():
    loose = sorted(p.name for p in PACKAGE.iterdir()
                   if p.is_file() and p.name not in ("__init__.py", "__main__.py") and p.suffix == ".py")
    assert loose == []
    for folder in (p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        assert (folder / "__init__.py").is_file(), f"{folder} is not a package"


def test_every_rule_is_a_package_holding_its_logic():
    for rule_id, cls in all_rules().items():
        module = sys.modules[cls.__module__]
        folder = Path(module.__file__).parent
        assert Path(module.__file__).name == "__init__.py", f"{rule_id} is not a package"
        assert folder.name == rule_id.replace("-", "_")
        assert folder.parent == PACKAGE / "rules"


def test_built_by_hatchling_without_setuptools_leftovers():
    assert not (ROOT / "setup.py").exists() and not (ROOT / "MANIFEST.in").exists()
    assert 'build-backend = "hatchling.build"' in (ROOT / "pyproject.toml").read_text()
