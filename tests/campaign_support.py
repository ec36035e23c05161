"""Building a campaign's world for tests: local bare repositories registered on the stand-in forge,
and the campaign file naming them."""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import init_repo

TOKEN = "ghp_CAMPAIGN_FAKE_TOKEN_0123456789"
BRANCH = "fixer/remove-leftovers"
DEBUGGER = "def handler(x):\n    breakpoint()\n    return x + 1\n"
TIDY = "def handler(x):\n    return x + 1\n"


def bare_repo(tmp_path: Path, forge, name: str, files: dict[str, str]) -> Path:
    """A repository on the forge: a bare repository served by its path (acme/NAME)."""
    work = tmp_path / "work" / name
    init_repo(work, files)
    bare = tmp_path / "remotes" / f"{name}.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    forge.add_repo(f"acme/{name}", bare)
    return bare


def push_change(tmp_path: Path, name: str, files: dict[str, str]) -> None:
    """A maintainer's new commit on main."""
    work = tmp_path / "work" / name
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text)
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-qm", "more work"], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", str(tmp_path / "remotes" / f"{name}.git"), "main"],
                   check=True)


def campaign_file(tmp_path: Path, forge, repos: dict[str, str], extra: str = "") -> Path:
    """campaign.toml naming each repository (name -> clone URL)."""
    lines = ["[campaign]", 'name = "leftovers"', f'branch = "{BRANCH}"', 'title = "Remove leftover debug code"',
             'forge = "github"', f'api-url = "{forge.url}"', 'labels = ["cleanup"]', ""]
    for name, url in repos.items():
        lines += ["[[repos]]", f'name = "acme/{name}"', f'url = "{url}"', ""]
    path = tmp_path / "campaign.toml"
    path.write_text("\n".join(lines) + extra)
    return path


def branch_sha(bare: Path, branch: str = BRANCH) -> str | None:
    proc = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
                          capture_output=True, text=True)
    return proc.stdout.strip() or None
