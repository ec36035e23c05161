"""A spliced Elixir text is parsed from its original's tree (tree-sitter re-parses only around the
edits): the tree must be the one a fresh parse gives, node for node, positions included."""
from __future__ import annotations

import random

import pytest

from fixer.core import textcache
from fixer.core.edits import Edit, splice
from fixer.lang.elixir import syntax

SOURCE = '''defmodule Shop.Worker do
  use GenServer
  require Logger
  alias Shop.{Repo, Order}

  @interval :timer.seconds(30)

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    state = %{interval: Keyword.get(opts, :interval, @interval), jobs: :queue.new()}
    IO.inspect(state, label: "init")
    {:ok, state}
  end

  def handle_call({:enqueue, job}, _from, state) do
    {:reply, :ok, %{state | jobs: :queue.in(job, state.jobs)}}
  end

  def total(orders) do
    orders
    |> Enum.map(fn %Order{lines: lines} -> length(lines) end)
    |> IO.inspect(label: "sizes")
    |> Enum.sum()
  end

  @doc """
  Prices — in €, with a heredoc: #{inspect(:quoted)}
  """
  def price(%Order{} = order), do: Repo.preload(order, :lines) |> dbg()
  defp note(text), do: Logger.debug("note: " <> text <> " ✓")
end
'''


def _nodes(tree):
    """Every node of the tree, in order, with what a rule can read of it."""
    found, cursor, seen = [], tree.walk(), True
    while True:
        if seen:
            node = cursor.node
            found.append((node.type, node.start_byte, node.end_byte, node.start_point, node.end_point,
                          node.is_named, node.is_missing, node.has_error, cursor.field_name))
        if seen and cursor.goto_first_child():
            continue
        if cursor.goto_next_sibling():
            seen = True
            continue
        if not cursor.goto_parent():
            return found
        seen = False


def _fresh(text: str):
    return syntax._parser().parse(text.encode("utf-8"))


def _spliced_tree(text: str, spans: list[Edit]):
    textcache.clear()
    original = syntax.parse(text)  # the original's tree, cached as a rule pass leaves it
    before = _nodes(original)
    new = splice(text, spans)
    assert textcache.derivation(new) is not None
    assert syntax._edited_base(new) is not None  # the incremental path is the one under test
    tree = syntax.parse(new)
    assert _nodes(original) == before  # a rule still reading the original's tree sees it unchanged
    return new, tree


def _lines_with(text: str, word: str) -> list[Edit]:
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        if word in line:
            spans.append(Edit(offset, offset + len(line), ""))
        offset += len(line)
    return spans


def test_the_edits_fixer_makes_give_a_fresh_parse_tree():
    """Debug lines deleted, a pipe stage cut, an @impl inserted, a variable renamed (non-ASCII text
    before and after the edits, so byte and character offsets differ)."""
    spans = _lines_with(SOURCE, "IO.inspect(state")
    stage = SOURCE.index("    |> IO.inspect(label: \"sizes\")\n")
    spans.append(Edit(stage, stage + len("    |> IO.inspect(label: \"sizes\")\n"), ""))
    handle = SOURCE.index("  def handle_call")
    spans.append(Edit(handle, handle, "  @impl true\n"))
    dbg = SOURCE.index(" |> dbg()")
    spans.append(Edit(dbg, dbg + len(" |> dbg()"), ""))
    note = SOURCE.index("text), do")
    spans.append(Edit(note, note + len("text"), "message"))
    spans.sort(key=lambda e: e.start)
    new, tree = _spliced_tree(SOURCE, spans)
    assert "IO.inspect" not in new and "message), do" in new
    assert _nodes(tree) == _nodes(_fresh(new))
    assert tree.root_node.has_error is False


def test_an_edit_that_breaks_the_syntax_gives_the_same_errors():
    end = SOURCE.rindex("end\n")
    new, tree = _spliced_tree(SOURCE, [Edit(end, end + 4, "")])
    assert tree.root_node.has_error
    assert _nodes(tree) == _nodes(_fresh(new))
    assert syntax.error_count(tree) == syntax.error_count(_fresh(new))


@pytest.mark.parametrize("ascii", [False, True])
@pytest.mark.parametrize("seed", range(40))
def test_random_edits_give_a_fresh_parse_tree(seed, ascii):
    """Random deletions, insertions and replacements of code pieces, in strings and heredocs too
    (an ASCII text takes its line starts from the rules' line index, another from its bytes)."""
    rng = random.Random(seed)
    text = SOURCE * rng.randint(1, 3)
    pieces = ["", "\n", "IO.inspect(x)\n", "  @impl true\n", "end\n", '"""', "# note ✓\n", "do", "é", "|> f()"]
    if ascii:
        text = text.encode("ascii", "replace").decode()
        pieces = [piece.encode("ascii", "replace").decode() for piece in pieces]
    starts = sorted(rng.sample(range(len(text)), rng.randint(1, 8)))
    spans, cursor = [], 0
    for start in starts:
        if start < cursor:
            continue
        end = min(len(text), start + rng.choice([0, 0, 1, 5, 20, 80]))
        spans.append(Edit(start, end, rng.choice(pieces)))
        cursor = end + 1
    new, tree = _spliced_tree(text, spans)
    assert _nodes(tree) == _nodes(_fresh(new))
