"""remove-debug-calls against an adversarial tester's findings (wrong edits on code nobody here wrote).

One section per class of wrong edit. Each checks the real outcome with the real toolchain: the
quoted AST or compile of the result, the compiler's warnings before/after, and where behaviour
matters, the functions run before/after with their values and printed output compared.
"""
from __future__ import annotations

import textwrap

import elixir_batch
from test_elixir_debug_calls_trust import fixed, reviews, run, warnings_of  # noqa: F401 (shared helpers)


def same_run(before: str, after: str, calls: str) -> tuple[str, str, str, str]:
    """Run `calls` after each text: (value before, value after, stdout before, stdout after)."""
    (v1, out1, _), (v2, out2, _) = elixir_batch.run_scripts([before + calls, after + calls])
    return v1, v2, out1, out2


# -- 1. a call without parentheses is not spliced where it would regroup -------------------------------

NO_PARENS = '''
defmodule NoParens do
  def plus(x), do: IO.inspect(if x, do: 1, else: 2) + 1

  def listed(list), do: for(y <- IO.inspect(Enum.map list, &(&1 + 1)), do: y)

  def same(x) do
    IO.inspect(unless x, do: 1, else: 2) == 1
  end

  def piped(s) do
    IO.inspect(Integer.parse s) |> elem(0)
  end

  def with_it(s) do
    with {n, _} <- IO.inspect(Integer.parse s), do: n
  end

  def matched(x) do
    y = IO.inspect(if x, do: 1, else: 2)
    y
  end

  def last(x) do
    IO.inspect(if x, do: 1, else: 2)
  end
end
'''
NO_PARENS_RUN = '{NoParens.plus(true), NoParens.listed([1]), NoParens.same(false), NoParens.piped("12"), ' \
    'NoParens.with_it("7"), NoParens.matched(false), NoParens.last(true)}'


def test_a_call_without_parentheses_is_unwrapped_only_where_it_stands_alone(elixir_tools):
    result = run(NO_PARENS)
    new = result.new
    # Spliced as an operand it would regroup (`if x, do: 1, else: 2 + 1`): reported, left as is.
    for kept in ("IO.inspect(if x, do: 1, else: 2) + 1", "IO.inspect(Enum.map list, &(&1 + 1))",
                 "IO.inspect(unless x, do: 1, else: 2) == 1", "IO.inspect(Integer.parse s) |> elem(0)",
                 "<- IO.inspect(Integer.parse s), do: n"):
        assert kept in new, kept
    assert sum("without parentheses" in m for m in reviews(result)) == 5, reviews(result)
    # Standing alone (a statement's value, the right side of a match statement) it is safe.
    assert "    y = if x, do: 1, else: 2\n" in new
    assert "  def last(x) do\n    if x, do: 1, else: 2\n  end\n" in new
    v1, v2, _, _ = same_run(NO_PARENS, new, NO_PARENS_RUN)
    assert v1 == v2 == "{:ok, {2, [2], true, 12, 7, 2, 1}}"


# -- 2. a remote call without parentheses is a call; a field read may raise ----------------------------

REMOTE = '''
defmodule Counter do
  def next, do: Process.put(:counter_calls, (Process.get(:counter_calls) || 0) + 1)
end

defmodule Remote do
  def tick do
    IO.inspect(Counter.next, label: "next")
    :ok
  end

  def start(mod) do
    IO.inspect(mod.next)
    :started
  end

  def peek(state) do
    IO.inspect(state.missing, label: "missing")
    :peeked
  end
end
'''
REMOTE_RUN = '''
a = Remote.tick()
b = Remote.start(Counter)
c = try do
  Remote.peek(%{})
rescue
  KeyError -> :key_error
end
{a, b, c, Process.get(:counter_calls)}
'''


def test_a_remote_call_without_parentheses_is_kept_and_a_field_read_is_reported(elixir_tools):
    result = run(REMOTE)
    new = result.new
    assert "IO.inspect" not in new.split("def tick")[1].split("def start")[0]
    assert "    Counter.next\n    :ok\n" in new  # a call: its work stays as a statement
    # `mod.next` may be a call (a module in a variable) or a field read: for a person. `state.missing`
    # only raises (no rescue around it): it goes with the call (issue 17; it was reported before).
    assert "IO.inspect(mod.next)" in new
    assert "state.missing" not in new
    assert any("mod.next" in m and "module held in a variable" in m for m in reviews(result)), reviews(result)
    v1, _, _, _ = same_run(REMOTE, new, REMOTE_RUN)
    v2, _, _, _ = same_run(new, new, REMOTE_RUN.replace("Remote.peek(%{})", "Remote.peek(%{missing: 1})"))
    assert v1 == "{:ok, {:ok, :started, :key_error, 2}}" and v2 == "{:ok, {:ok, :started, :peeked, 2}}"


# -- 3 and 10. a needed rename that would change behaviour or is blocked: the call stays ---------------

RENAMES = '''
defmodule Renames do
  def bound(user) do
    IO.inspect(user, label: "user")
    Enum.sort(Keyword.keys(binding()))
  end

  def kernel_bound(user) do
    IO.inspect(user, label: "user")
    length(Kernel.binding())
  end

  def template(user) do
    IO.inspect(user, label: "user")
    EEx.eval_string("<%= length(binding) %>", binding: binding())
  end

  def clash(_old, old) do
    IO.inspect(old, label: "old")
    :ok
  end

  def plain(user) do
    IO.inspect(user, label: "user")
    :plain
  end
end
'''
RENAMES_RUN = '{Renames.bound(1), Renames.kernel_bound(2), Renames.template(3), Renames.clash(1, 2), Renames.plain(4)}'


def test_a_rename_that_binding_sees_or_that_is_blocked_leaves_the_call(elixir_tools, tmp_path):
    result = run(RENAMES)
    new = result.new
    for name in ("bound", "kernel_bound", "template"):
        body = new.split(f"def {name}(")[1].split("end\n")[0]
        assert body.startswith("user)") and 'IO.inspect(user, label: "user")' in body, body
    assert 'def clash(_old, old) do\n    IO.inspect(old, label: "old")' in new
    assert "def plain(_user) do\n    :plain\n" in new  # no binding(), no clash: fixed as before
    assert sum("binding()" in m for m in reviews(result)) == 3, reviews(result)
    assert any("_old" in m and "taken" in m for m in reviews(result)), reviews(result)
    assert warnings_of(tmp_path, "after", new) == warnings_of(tmp_path, "before", RENAMES)
    v1, v2, _, _ = same_run(RENAMES, new, RENAMES_RUN)
    assert v1 == v2 == '{:ok, {[:user], 1, "1", :ok, :plain}}'


# -- 4 and 9. comments: intent phrases are purpose; only comments about debugging go --------------------

COMMENTS = '''
defmodule Comments do
  def report(rows) do
    # Do not remove: the ops dashboard scrapes this line from stdout.
    IO.inspect(length(rows), label: "rows")
    Enum.sum(rows)
  end

  def tally(rows) do
    # Temporary debug output below.
    # Intentional output, not a debug leftover.
    IO.inspect(rows, label: "tally")
    Enum.count(rows)
  end

  def retry(attempt) do
    # Back off exponentially, capped at 30s (see ADR-7).
    # debug output below
    IO.inspect(attempt, label: "attempt")
    min(30_000, 100 * Integer.pow(2, attempt))
  end
end
'''


def test_comments_that_say_the_output_is_wanted_keep_it_and_other_comments_stay():
    result = run(COMMENTS)
    new = result.new
    assert "# Do not remove: the ops dashboard scrapes this line from stdout.\n" \
        '    IO.inspect(length(rows), label: "rows")\n' in new
    assert "# Intentional output, not a debug leftover.\n    IO.inspect(rows, label: \"tally\")\n" in new
    assert "# Temporary debug output below." in new
    # The debug comment goes with the call; the comment about backing off stays.
    assert "    # Back off exponentially, capped at 30s (see ADR-7).\n" \
        "    min(30_000, 100 * Integer.pow(2, attempt))\n" in new
    assert "debug output below\n" not in new and 'label: "attempt"' not in new


# -- 5. output switched on by a flag through && / || / and / or ---------------------------------------

FLAGS = '''
defmodule Flags do
  def load(rows, opts) do
    opts[:verbose] && IO.inspect(rows, label: "rows")
    length(rows)
  end

  def quietly(rows, quiet?) do
    quiet? || IO.inspect(rows, label: "rows")
    length(rows)
  end

  def traced(rows, trace) do
    trace and IO.inspect(rows, label: "rows")
    length(rows)
  end

  def maybe(rows, ready) do
    ready && IO.inspect(rows, label: "rows")
    length(rows)
  end
end
'''


def test_output_switched_on_by_a_flag_operator_is_left_alone_and_a_guarded_print_is_not_a_used_value():
    result = run(FLAGS)
    new = result.new
    # The unflagged guard: the inspect's value is the discarded statement's, so nothing "uses" it.
    # Issue 17: the whole `ready && ...` does nothing else, so it goes whole (it was reported).
    assert new == FLAGS.lstrip().replace("  def maybe(rows, ready) do\n    ready && IO.inspect(rows, label: \"rows\")\n",
                                         "  def maybe(rows, _ready) do\n"), new
    maybe = [f for f in result.findings if f.line == 18]
    assert len(maybe) == 1 and maybe[0].fixed and "removed the `&&`" in maybe[0].message, result.findings
    assert "wraps a value other code uses" not in maybe[0].message
    assert len([f for f in result.findings if not f.fixed]) == 0, [f.message for f in result.findings]


# -- 6. `require IEx` stays while a pry that is not removed needs it ----------------------------------

PRY = '''
defmodule Pry do
  def run(x) do
    require IEx; IEx.pry()
    y = x + 1
    z = if y > 100, do: IEx.pry(), else: :ok
    {y, z}
  end
end
'''


def test_require_iex_stays_while_a_reported_pry_still_needs_it(elixir_tools, tmp_path):
    # Issue 17: the pry is now in a used value (an `if` statement that only paused is removed whole).
    result = run(PRY)
    new = result.new
    assert "require IEx" in new
    assert "IEx.pry(), else: :ok" in new
    assert any("IEx.pry" in m for m in reviews(result)), reviews(result)
    assert warnings_of(tmp_path, "after", new) == warnings_of(tmp_path, "before", PRY) == []
    v1, v2, _, _ = same_run(PRY, new, "Pry.run(1)")
    assert v1 == v2 == "{:ok, {2, :ok}}"


# -- 7. printing for a user through `import IO` or an alias of IO -------------------------------------

PRINTERS = '''
defmodule Printers do
  import IO, only: [puts: 1]
  alias IO, as: Out

  def direct(rows) do
    IO.puts("Rows:")
    IO.inspect(rows)
  end

  def imported(rows) do
    puts("Rows:")
    IO.inspect(rows)
  end

  def aliased(rows) do
    Out.puts("Rows:")
    IO.inspect(rows)
  end
end
'''


def test_a_function_that_only_prints_through_import_or_alias_keeps_its_output():
    result = run(PRINTERS)
    assert result.new == PRINTERS.lstrip(), result.new
    assert result.findings == [], [f.message for f in result.findings]


# -- 8. tracing tooling is not a leftover ---------------------------------------------------------------

TOOLING = '''
defmodule MyApp.Ops do
  def calls(mod, fun) do
    :dbg.tracer()
    :dbg.p(:all, :c)
    :dbg.tpl(mod, fun, :x)
    :ok
  end

  def stop, do: (:dbg.stop_clear(); :ok)
end

defmodule MyApp.Tracing do
  def messages(pid) do
    :dbg.p(pid, [:m])
    Process.monitor(pid)
  end
end

defmodule MyApp.Console do
  @moduledoc """
  Debugging helpers for a remote console.
  """
  def watch(pid) do
    :dbg.p(pid, [:m])
    Process.monitor(pid)
  end
end

defmodule MyApp.Shop do
  def pay(order) do
    :dbg.tracer()
    {:ok, order}
  end
end
'''


def test_a_tracing_helper_is_reported_never_removed():
    result = run(TOOLING)
    new = result.new
    assert new.split("defmodule MyApp.Shop")[0] == TOOLING.lstrip().split("defmodule MyApp.Shop")[0]
    tooling = [f for f in result.findings if f.line < 31]
    assert len(tooling) == 6 and not any(f.fixed for f in tooling), [f.message for f in tooling]
    assert not any("which does other work" in f.message for f in tooling if f.line < 10)
    assert all("needs review" in f.message and "tooling" in f.message for f in tooling), [f.message for f in tooling]
    # A trace left in business code is still a leftover.
    assert "  def pay(order) do\n    {:ok, order}\n" in new


# -- 11. a debug call in a default argument is reported, the head never edited --------------------------

def test_a_debug_call_in_a_default_argument_is_reported():
    source = '''
    defmodule Defaults do
      def all(x \\\\ IO.inspect(:default)), do: x
      def inspect(value), do: value
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()
    assert len(result.findings) == 1 and not result.findings[0].fixed
    assert result.findings[0].line == 2 and "default argument" in result.findings[0].message


def test_a_negated_debug_word_in_a_trailing_comment_is_not_debug_evidence():
    source = '''
    defmodule Trailing do
      def run(rows) do
        dbg(rows) # not debug output: the support team reads it, do not remove
        length(rows)
      end
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()
    [finding] = result.findings
    assert not finding.fixed and "a comment says the output is wanted" in finding.message
    assert "under a debug comment" not in finding.message
