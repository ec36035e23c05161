"""`--verify "mix test"` with the real Elixir toolchain on a bare mix project (no deps to fetch): the
IO.inspect a test reads through its group leader is found and kept, the others go, and the branch's
`mix test` passes; a red base is refused; a checklist branch is verified and signed, and its item
whose fix breaks a test is left unticked while the others stay."""
from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from conftest import init_repo, run_cli, unwrapped

MIX_EXS = '''defmodule Shop.MixProject do
  use Mix.Project

  def project do
    [app: :shop, version: "0.1.0", elixir: "~> 1.14", deps: []]
  end
end
'''
SHOP = '''defmodule Shop do
  def total(prices) do
    sum = Enum.sum(prices)
    IO.inspect(sum, label: "DEBUG total")
    sum
  end

  def receipt(count) do
    IO.inspect(count, label: "items")
    count
  end
end
'''
CART = '''defmodule Shop.Cart do
  def add(cart, item) do
    _new_cart = [item | cart]
    _new_cart
  end
end
'''
TESTS = '''defmodule ShopTest do
  use ExUnit.Case

  test "total adds the prices" do
    assert Shop.total([1, 2]) == 3
  end

  test "cart adds an item" do
    assert Shop.Cart.add([], :a) == [:a]
  end

  test "receipt prints the item count" do
    # The receipt is the function's output: read here through the group leader.
    {:ok, io} = StringIO.open("")
    leader = Process.group_leader()
    Process.group_leader(self(), io)
    Shop.receipt(3)
    Process.group_leader(self(), leader)
    {:ok, {_, out}} = StringIO.close(io)
    assert out =~ "items: 3"
  end
end
'''
PROJECT = {"mix.exs": MIX_EXS, "lib/shop.ex": SHOP, "lib/shop/cart.ex": CART, ".gitignore": "_build/\n",
           "test/test_helper.exs": "ExUnit.start()\n", "test/shop_test.exs": TESTS}


@pytest.fixture
def mix_env(tmp_path, monkeypatch, elixir_tools):
    """Mix offline, with its own home; the exports in a temp folder of the test's own."""
    monkeypatch.setenv("MIX_HOME", str(tmp_path / "mix-home"))
    monkeypatch.setenv("HEX_OFFLINE", "1")
    monkeypatch.setenv("COLUMNS", "1000")  # the lines the tests read, unwrapped
    home = tmp_path / "systemp"
    home.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(home))
    return home


def mix_test(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["mix", "test"], cwd=root, capture_output=True, text=True, timeout=300)


def export(repo, ref: str, into: Path) -> Path:
    data = io.BytesIO()
    repo.archive(data, treeish=ref, format="tar")
    data.seek(0)
    with tarfile.open(fileobj=data) as tar:
        tar.extractall(into, filter="data")
    return into


def test_mix_test_keeps_the_inspect_a_test_reads_and_drops_the_leftovers(tmp_path, mix_env):
    repo = init_repo(tmp_path / "shop", PROJECT)
    result = run_cli("apply", "--verify", "mix test", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert "needs review: lib/shop.ex:9 (remove-debug-calls): with this fix `mix test` fails " \
           "(test receipt prints the item count)" in unwrapped(result.stderr)
    shop = repo.git.show("fixer/cleanup:lib/shop.ex")
    assert 'IO.inspect(count, label: "items")' in shop and "DEBUG total" not in shop
    assert "new_cart = [item | cart]" in repo.git.show("fixer/cleanup:lib/shop/cart.ex")
    branch = export(repo, "fixer/cleanup", tmp_path / "branch")
    proc = mix_test(branch)
    assert proc.returncode == 0 and "3 tests, 0 failures" in unwrapped(proc.stdout), proc.stdout + proc.stderr
    for commit in repo.iter_commits("main..fixer/cleanup"):
        assert "\nVerified-by: mix test (passed on base and on this branch)\nGenerated-by: fixer" in commit.message
    assert list(mix_env.iterdir()) == [] and repo.git.status("--porcelain") == ""


def test_a_red_mix_base_is_refused(tmp_path, mix_env):
    broken = TESTS.replace("assert Shop.total([1, 2]) == 3", "assert Shop.total([1, 2]) == 4")
    repo = init_repo(tmp_path / "shop", {**PROJECT, "test/shop_test.exs": broken})
    result = run_cli("apply", "--verify", "mix test", cwd=repo.working_tree_dir)
    assert result.exit_code == 2, result
    assert "fixer: error: `mix test` fails before any fix: nothing to compare against (exit 2; output: " \
        in unwrapped(result.stderr)
    log = Path(result.stderr.split("output: ")[1].split(")")[0])
    assert "total adds the prices" in log.read_text()
    assert "fixer/cleanup" not in repo.heads and list(mix_env.iterdir()) == []


CHECKLIST = '''# Release

- [ ] Remove `IO.inspect` calls from lib/shop.ex
- [ ] Rename `_new_cart` to `new_cart` in `lib/shop/cart.ex`
'''


def test_checklist_apply_verify_signs_a_green_branch(tmp_path, mix_env):
    green = TESTS.replace('assert out =~ "items: 3"', "assert out == out")
    repo = init_repo(tmp_path / "shop", {**PROJECT, "test/shop_test.exs": green, "RELEASE.md": CHECKLIST})
    result = run_cli("checklist", "RELEASE.md", "--apply", "--verify", "mix test", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    commits = list(repo.iter_commits("main..fixer/cleanup"))
    assert len(commits) == 3  # two items and the ticks
    for commit in commits:
        assert "\nVerified-by: mix test (passed on base and on this branch)\n" in commit.message


def test_checklist_apply_verify_drops_the_inspect_a_test_reads_and_keeps_the_other_items(tmp_path, mix_env):
    repo = init_repo(tmp_path / "shop", {**PROJECT, "RELEASE.md": CHECKLIST})
    result = run_cli("checklist", "RELEASE.md", "--apply", "--verify", "mix test", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    reason = "with this fix `mix test` fails (test receipt prints the item count)"
    assert f"needs review: checklist item 1: lib/shop.ex:9 (remove-debug-calls): {reason}; output: " in result.stderr
    shop = repo.git.show("fixer/cleanup:lib/shop.ex")
    assert 'IO.inspect(count, label: "items")' in shop and "DEBUG total" not in shop  # one fix of item 1 kept
    assert "new_cart = [item | cart]" in repo.git.show("fixer/cleanup:lib/shop/cart.ex")  # item 2 done
    ticked = repo.git.show("fixer/cleanup:RELEASE.md")
    assert "- [ ] Remove `IO.inspect` calls from lib/shop.ex" in ticked and "- [x] Rename `_new_cart`" in ticked
    commits = list(repo.iter_commits("main..fixer/cleanup"))
    assert len(commits) == 3  # item 1 (the fix that stayed), item 2, the tick
    for commit in commits:
        assert "\nVerified-by: mix test (passed on base and on this branch)\n" in commit.message
    assert f"- checklist item 1: lib/shop.ex:9 (remove-debug-calls): {reason}" in commits[0].message
    proc = mix_test(export(repo, "fixer/cleanup", tmp_path / "branch"))
    assert proc.returncode == 0 and "3 tests, 0 failures" in proc.stdout, proc.stdout + proc.stderr
    assert list(mix_env.iterdir()) == [] and repo.git.status("--porcelain") == ""
