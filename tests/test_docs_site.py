"""The docs site (issue 19): MkDocs + Material, built in strict mode; every rule has a page made from
its own docstring and tested examples; a broken link fails the build; the README stays short."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixer.core.rule import all_rules

ROOT = Path(__file__).resolve().parent.parent
# The sections the safety and speed pages take over (docs/safety.md, docs/speed.md) are not counted.
MOVING_OUT = ("## Safety", "## Speed and memory")


def build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site)], cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("docs") / "site"
    proc = build(ROOT, site)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return site


def test_every_rule_has_a_page_made_from_its_docstring_and_examples(site):
    overview = (site / "rules" / "index.html").read_text()
    for rule_id, cls in all_rules().items():
        page = site / "rules" / rule_id / "index.html"
        assert page.is_file(), f"no page for rule {rule_id}"
        html = page.read_text()
        assert f'href="{rule_id}/"' in overview or f'href="./{rule_id}/"' in overview
        for section in ("What it does", "Why", "Fix safety", "Parameters"):
            assert section in html, (rule_id, section)
        for example in cls.examples[:2]:
            first = next(line for line in example.before.splitlines() if line.strip())
            words = [w for w in first.replace("(", " ").replace(")", " ").split() if w.isidentifier()]
            assert all(w in html for w in words), (rule_id, first)


def test_the_nav_lists_every_page_and_rule(site):
    index = (site / "index.html").read_text()
    for page in ("usage", "configuration", "checklist", "review", "ci", "output", "exit-codes", "safety", "speed"):
        assert (site / page / "index.html").is_file() and f'href="{page}/"' in index, page
    for rule_id in all_rules():
        assert f'href="rules/{rule_id}/"' in index, rule_id


def test_a_broken_link_fails_the_strict_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs" / "usage.md").write_text((ROOT / "docs" / "usage.md").read_text() + "\nSee [gone](no-such-page.md).\n")
    proc = build(project, tmp_path / "site")
    assert proc.returncode != 0 and "no-such-page.md" in proc.stderr


def test_readme_is_short_and_links_the_docs():
    text = (ROOT / "README.md").read_text()
    kept = text
    for heading in MOVING_OUT:
        if heading in kept:
            start = kept.index(heading)
            end = kept.find("\n## ", start + 1)
            kept = kept[:start] + (kept[end:] if end != -1 else "")
    assert len(kept.splitlines()) <= 150, len(kept.splitlines())
    for page in ("docs/usage.md", "docs/configuration.md", "docs/checklist.md", "docs/ci.md", "docs/output.md",
                 "docs/exit-codes.md"):
        assert f"]({page})" in text and (ROOT / page).is_file()
