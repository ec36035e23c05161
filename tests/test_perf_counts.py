"""What fixer does per file, counted (never timed): a file without a real target is read and
searched, never parsed; analyses walk only the code around the names they resolve."""
from __future__ import annotations

import textwrap

import pytest

from conftest import run_cli
from fixer.lang.elixir import syntax as elixir
from fixer.lang.elixir.syntax import Doc, call_arguments, call_name
from fixer.lang.elixir.defs import modules
from fixer.lang.elixir.variables import analyze
from fixer.core.rule import all_rules

WORKER = textwrap.dedent('''\
    defmodule Shop.Worker do
      use GenServer

      def init(opts), do: {:ok, opts}

      def handle_call(:stats, _from, state), do: {:reply, state, state}
      def handle_call(:reset, _from, _state), do: {:reply, :ok, %{}}

      defp retry(fun, 0, _delay), do: fun.()
      defp retry(fun, n, delay), do: retry(fun, n - 1, delay * 2)
    end
    ''')


class Parses:
    """Counts tree-sitter parses (every parse asks for the parser)."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = elixir._parser

        def counted():
            self.calls += 1
            return real()

        monkeypatch.setattr(elixir, "_parser", counted)


@pytest.fixture
def parses(monkeypatch):
    return Parses(monkeypatch)


def tree_of(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_files_without_a_real_target_are_never_parsed(tmp_path, parses):
    """`use GenServer` without any `@impl`, underscored names, `inspect`: every default Elixir rule's
    anchor has something to look at, but no rule has a target, and the text alone says so."""
    lonely = WORKER.replace("_from, _state", "from, _state").replace(", 0, _delay", ", 0, delay")
    files = {f"lib/worker_{n}.ex": lonely.replace("Shop.Worker", f"Shop.Worker{n}") for n in range(20)}
    root = tree_of(tmp_path, files)
    result = run_cli("check", "-q", "--jobs", "1", cwd=root)  # -q: no hints (they run the rules that are off)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert parses.calls == 0


def test_names_written_once_per_definition_are_never_resolved(tmp_path, parses, monkeypatch):
    """`_from` in two clauses of handle_call is two variables, each written once: the tree is parsed
    to see that, but no variable analysis runs."""
    from fixer.lang.elixir import variables as elixir_vars

    analyses = []
    monkeypatch.setattr(elixir_vars, "analyze", lambda *args: analyses.append(args))
    root = tree_of(tmp_path, {f"lib/worker_{n}.ex": WORKER.replace("Shop.Worker", f"Shop.Worker{n}") for n in range(5)})
    result = run_cli("check", "-q", "--jobs", "1", cwd=root)  # -q: no hints (they run the rules that are off)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert parses.calls == 5 and analyses == []


def test_a_real_target_is_still_found_and_parsed(tmp_path, parses):
    dirty = WORKER.replace("do: fun.()", "do: IO.inspect(fun.())").replace(
        "def init(opts), do: {:ok, opts}", "def init(_opts), do: {:ok, _opts}")
    root = tree_of(tmp_path, {"lib/worker.ex": dirty, "lib/clean.ex": WORKER})
    result = run_cli("diff", "--jobs", "1", cwd=root)
    assert result.exit_code == 1
    assert "-  defp retry(fun, 0, _delay), do: IO.inspect(fun.())" in result.stdout
    assert "+  def init(opts), do: {:ok, opts}" in result.stdout
    assert 0 < parses.calls <= 6  # the one file with targets: its parse, validations, second pass


def test_add_impl_in_always_mode_still_parses_modules_without_impl(tmp_path, parses):
    root = tree_of(tmp_path, {"lib/worker.ex": WORKER, "fixer.toml": '[rules.add-impl]\nmode = "always"\n'})
    result = run_cli("diff", "--rule", "add-impl", "--jobs", "1", cwd=root)
    assert result.exit_code == 1 and "+  @impl true" in result.stdout
    assert parses.calls > 0


# -- walks limited to the code around the matches ---------------------------------------------------
SOURCES = [
    WORKER,
    textwrap.dedent('''\
        defmodule Outer do
          defmodule Inner.Deep do
            def f, do: "defmodule Fake do end"
          end

          defmodule __MODULE__.Self do
          end

          # defmodule Commented do
          defmacro gen do
            quote do
              defmodule Generated do
              end
            end
          end

          def build(name) do
            defmodule name do
              def x, do: 1
            end
          end
        end

        defmodule Second, do: (def y, do: 2)
        defmodule Third do
          defmodule(Nested) do
          end
        end
        '''),
]


def walked_modules(doc):
    """The reference: a walk of the whole tree (what `modules` did before it looked up the text)."""
    found = []

    def walk(node, prefix):
        for child in node.named_children:
            if child.type == "call" and call_name(child, doc) == "quote":
                continue
            if child.type == "call" and call_name(child, doc) == "defmodule":
                args = call_arguments(child)
                block = next((c for c in child.children if c.type == "do_block"), None)
                if args and block is not None:
                    name = doc.node_text(args[0])
                    full = f"{prefix}.{name}" if prefix and not name.startswith("__MODULE__") else name
                    found.append((full, block))
                    walk(block, full)
                    continue
            walk(child, prefix)

    walk(doc.tree.root_node, "")
    return found


@pytest.mark.parametrize("source", SOURCES)
def test_modules_found_from_the_text_are_the_ones_a_whole_walk_finds(source):
    doc = Doc(source)
    assert [(name, block.id) for name, block in modules(doc)] == \
        [(name, block.id) for name, block in walked_modules(doc)]


VARIABLES = textwrap.dedent('''\
    defmodule Vars do
      for _name <- [:a, :b] do
        def unquote(_name)(), do: unquote(_name)
      end

      def f({_x, _x}, state) do
        _y = state.count
        total = _y + 1
        Enum.map(state.items, fn _item -> _item * total end)
      end

      def g(_state), do: :ok
      def h(_state, state), do: state

      defmacro m(_expr) do
        quote do
          _result = unquote(_expr)
          _result
        end
      end
    end
    ''')


def snapshot(analysis):
    return sorted((v.name, v.scope.id, [n.start_byte for n in v.bindings], [n.start_byte for n in v.reads])
                  for v in analysis.variables)


@pytest.mark.parametrize("names", [{"_x"}, {"_name", "_state"}, {"_y", "_item", "_expr", "_result"}, {"total", "state"}])
def test_resolving_some_names_gives_what_resolving_all_gives_for_them(names):
    doc = Doc(VARIABLES)
    everything = analyze(doc, lambda name: True)
    narrowed = analyze(doc, lambda name: True, names)
    expected = [entry for entry in snapshot(everything) if entry[0] in names]
    assert snapshot(narrowed) == expected and expected


def test_the_rename_rule_resolves_only_names_written_twice(monkeypatch):
    from fixer.lang.elixir import variables as elixir_vars
    from fixer.core.rule import Source

    seen = []
    real = elixir_vars.analyze

    def spy(doc, wanted, names=None):
        seen.append(names)
        return real(doc, wanted, names)

    monkeypatch.setattr(elixir_vars, "analyze", spy)
    rule = all_rules()["rename-used-underscored"]()
    outcome = rule.check(Source("lib/vars.ex", VARIABLES))
    # `_state` is written once in g and once in h: two variables, not resolved.
    assert seen == [{"_name", "_x", "_y", "_item", "_expr", "_result"}]
    assert {f.message.split(" ")[1] for f in outcome.findings if f.fixed} >= {"_x", "_y", "_item", "_expr"}


# -- cost linear in the fixes of a file: Python lines executed, counted ------------------------------
def lines_run(action) -> int:
    """How many lines of Python `action()` executes (a count, not a time: the same on any machine)."""
    import sys

    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def many_inspects(count: int) -> str:
    body = "".join(f"  def f{n}(x) do\n    IO.inspect(x, label: \"f{n}\")\n    x + {n}\n  end\n\n" for n in range(count))
    return f"defmodule Many do\n{body}end\n"


def many_debug_writes(count: int) -> str:
    body = "".join(f'def f{n}(x):\n    with open("/tmp/app_debug.log", "a") as log:\n        log.write(f"{{x}} {n}\\n")\n'
                   f"    return x + {n}\n\n\n" for n in range(count))
    return "import os\n\n\n" + body


@pytest.mark.parametrize("path, make, rule", [
    ("lib/many.ex", many_inspects, lambda: all_rules()["remove-debug-calls"]()),
    ("app/many.py", many_debug_writes, lambda: all_rules()["remove-debug-file-writes"](files=["/tmp/*debug*.log"])),
])
def test_eight_times_the_fixes_cost_at_most_eight_times_the_work(path, make, rule):
    """Work that grows faster than the fixes (a list rebuilt per fix, a search of every function per
    module-level name) shows up as more than 8x the lines run for 8x the fixes."""
    from fixer.core.engine import fix_text

    rules = [rule()]
    fix_text(path, make(3), rules)  # imports and caches out of the count
    counts = {}
    for fixes in (40, 320):
        text = make(fixes)
        results = []
        counts[fixes] = lines_run(lambda: results.append(fix_text(path, text, rules)))
        assert results[0].fixes() == fixes and not results[0].errors
    assert counts[320] <= 8 * counts[40], counts


def test_symbols_are_the_standard_ones_built_in_linear_time():
    import symtable
    from pathlib import Path

    import fixer
    from fixer.lang.python.syntax import _symbols

    def tables(table):
        yield table
        for child in table.get_children():
            yield from tables(child)

    def described(symbols):
        return [(s.get_name(), s.is_assigned(), s.is_imported(), s.is_namespace(), s.is_parameter(),
                 s.is_referenced(), s.is_global(), s.is_local(), s.is_free()) for s in symbols]

    source = (Path(fixer.__file__).parent / "core" / "engine.py").read_text() + "\nclass run: pass\ndef run(): pass\n"
    for table in tables(symtable.symtable(source, "engine.py", "exec")):
        assert described(_symbols(table)) == described(table.get_symbols())


def test_a_run_keeps_no_text_of_the_files_it_leaves_alone(tmp_path):
    """A repository of many files costs memory for the files being fixed, not for all of them."""
    from fixer.core.config import load
    from fixer.core.runner import run
    from fixer.core.sources import WorkTree

    files = {f"lib/worker_{n}.ex": WORKER.replace("Shop.Worker", f"Shop.Worker{n}") for n in range(30)}
    files["lib/dirty.ex"] = WORKER.replace("do: fun.()", "do: IO.inspect(fun.())")
    root = tree_of(tmp_path, files)
    config = load(root)
    config.jobs = 1
    result = run(WorkTree(root), config, config.rules())
    assert len(result.outcomes) == 31 and [o.result.path for o in result.changed] == ["lib/dirty.ex"]
    held = {o.result.path for o in result.outcomes
            if o.result.old or o.result.new or (o.decoded is not None and o.decoded.text)}
    assert held == {"lib/dirty.ex"}


def test_check_on_files_without_targets_loads_no_parser_and_no_git_outside_a_repository(tmp_path):
    """Outside a git repository, on files no rule has a target in, `check` costs start-up and
    reading: GitPython (~0.1 s to import), tree-sitter and LibCST are never loaded."""
    import subprocess
    import sys

    lonely = WORKER.replace("_from, _state", "from, _state").replace(", 0, _delay", ", 0, delay")
    tree_of(tmp_path / "tree", {"lib/worker.ex": lonely, "app/debug_tools.py": "def log(x):\n    return x\n"})
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['fixer', 'check', '-q', '-C', {str(tmp_path / 'tree')!r}, '--jobs', '1']\n"
        "try:\n    runpy.run_module('fixer', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'git', 'tree_sitter', 'libcst'})\n"
        "print('LOADED', loaded, 'EXIT', code, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "LOADED [] EXIT 0" in proc.stderr, proc.stderr[-2000:]
