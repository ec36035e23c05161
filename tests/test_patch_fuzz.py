"""`fixer apply --patch` is all or nothing against any damage to a good patch: hunk counts that no
longer match the body, edited context, truncation, a duplicated hunk, a dropped or doubled body line.
`git apply` is the oracle: fixer may refuse a patch git would take, but a patch fixer applies must give
exactly git's result, and a refused one leaves every file, the index and the refs as they were
(one line, exit 2)."""
from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from conftest import init_repo, run_cli, with_debug_logs

DEBUG = '    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n'


def module(name: str) -> str:
    body = "".join(f"def {name}_{i}(x):\n    y = x + {i}\n{DEBUG if i % 2 == 0 else ''}    return y\n\n\n"
                   for i in range(6))
    return f'"""{name}."""\nimport os\n\n\n{body}'


FILES = {f"app/{name}.py": module(name) for name in ("alpha", "beta", "gamma")}
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.M)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    root = tmp_path_factory.mktemp("good") / "r"
    repo = init_repo(root, with_debug_logs(FILES))
    patch = root.parent / "good.patch"
    assert run_cli("diff", "-o", str(patch), cwd=root).exit_code == 1
    text = patch.read_text()
    assert len(HUNK.findall(text)) >= 6
    return text


def mutations(text: str, seed: int) -> str:
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    heads = [i for i, line in enumerate(lines) if line.startswith("@@")]
    body = [i for i, line in enumerate(lines) if line[:1] in " -+" and not line.startswith(("---", "+++"))]
    kind = seed % 7
    if kind == 0:  # a count in a hunk header, off by one either way
        i = rng.choice(heads)
        numbers = list(HUNK.match(lines[i]).groups())
        which = rng.choice([1, 3])
        numbers[which] = str(int(numbers[which] or 1) + rng.choice([-1, 1]))
        lines[i] = HUNK.sub(f"@@ -{numbers[0]},{numbers[1]} +{numbers[2]},{numbers[3]} @@", lines[i], count=1)
    elif kind == 1:  # an edited context or removed line
        i = rng.choice([i for i in body if lines[i][0] in " -"])
        lines[i] = lines[i][0] + "#" + lines[i][1:]
    elif kind == 2:  # truncated anywhere
        lines = lines[:rng.randrange(1, len(lines))]
        if rng.random() < 0.5 and lines:
            lines[-1] = lines[-1][: len(lines[-1]) // 2]
    elif kind == 3:  # a hunk duplicated right after itself
        k = rng.randrange(len(heads))
        end = heads[k + 1] if k + 1 < len(heads) else len(lines)
        while end > heads[k] and lines[end - 1].startswith(("diff --git", "index ", "---", "+++")):
            end -= 1
        lines[end:end] = lines[heads[k]:end]
    elif kind == 4:  # a body line dropped
        del lines[rng.choice(body)]
    elif kind == 5:  # a body line doubled
        i = rng.choice(body)
        lines.insert(i, lines[i])
    else:  # an extra context line after a hunk's last counted line
        k = rng.randrange(len(heads))
        end = heads[k + 1] if k + 1 < len(heads) else len(lines)
        while end > heads[k] and lines[end - 1].startswith(("diff --git", "index ", "---", "+++")):
            end -= 1
        lines.insert(end, " extra = 1\n")
    return "".join(lines)


def snapshot(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in FILES}


def git_result(root: Path, patch: Path, tmp: Path) -> dict[str, bytes] | None:
    """What `git apply` makes of the patch on a copy of the files; None when it refuses it."""
    copy = tmp / "oracle"
    subprocess.run(["git", "clone", "-q", str(root), str(copy)], check=True)
    done = subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch)], cwd=copy, capture_output=True)
    return snapshot(copy) if done.returncode == 0 else None


@pytest.mark.parametrize("mode", ["in-place", "branch"])
@pytest.mark.parametrize("seed", range(21))
def test_a_damaged_patch_is_applied_whole_or_not_at_all(good, tmp_path, seed, mode):
    root = tmp_path / "r"
    repo = init_repo(root, with_debug_logs(FILES))
    patch = tmp_path / "damaged.patch"
    patch.write_text(mutations(good, seed))
    before, head, index = snapshot(root), repo.head.commit.hexsha, (root / ".git/index").read_bytes()
    expected = git_result(root, patch, tmp_path)
    args = ["apply", "--patch", str(patch)] + (["--in-place"] if mode == "in-place" else ["--branch", "reviewed"])
    result = run_cli(*args, cwd=root)
    assert "Traceback" not in result.stderr
    if seed % 7 != 2:  # each other damage breaks a count, a context line or the order of the hunks
        assert result.exit_code == 2, (patch.read_text(), result)
    if result.exit_code == 0:
        assert expected is not None, f"fixer applied a patch git refuses:\n{patch.read_text()}"
        after = snapshot(root) if mode == "in-place" else {
            name: repo.commit("reviewed").tree[name].data_stream.read() for name in FILES}
        assert after == expected
        return
    assert result.exit_code == 2, result
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, result.stderr
    assert snapshot(root) == before and repo.head.commit.hexsha == head
    assert (root / ".git/index").read_bytes() == index
    assert "reviewed" not in repo.heads
    assert not list(root.rglob("*.fixer-tmp"))


SMALL = "a = 1\nb = 2\nc = 3\nd = 4\n"
HEAD = "diff --git a/app/small.py b/app/small.py\n--- a/app/small.py\n+++ b/app/small.py\n"


@pytest.mark.parametrize("mode", ["in-place", "branch"])
@pytest.mark.parametrize("body", [
    "@@ -1,2 +1,2 @@\n-a = 1\n+a = 9\n b = 2\n-c = 3\n+c = 9\n",  # three old lines under -1,2
    "@@ -1,2 +1,2 @@\n a = 1\n b = 2\n-c = 3\n+c = 9\n",  # the counted part changes nothing
    "@@ -1,3 +1,3 @@\n-a = 1\n+a = 9\n b = 2\n",  # cut short
])
def test_a_hunk_whose_body_disagrees_with_its_counts_is_refused(tmp_path, mode, body):
    root = tmp_path / "r"
    repo = init_repo(root, {"app/small.py": SMALL})
    patch = tmp_path / "damaged.patch"
    patch.write_text(HEAD + body)
    args = ["apply", "--patch", str(patch)] + (["--in-place"] if mode == "in-place" else ["--branch", "reviewed"])
    result = run_cli(*args, cwd=root)
    assert result.exit_code == 2 and "app/small.py: hunk 1 (@@ -1," in result.stderr, result
    assert len(result.stderr.strip().splitlines()) == 1
    assert (root / "app/small.py").read_text() == SMALL and "reviewed" not in repo.heads
