"""`add-impl` and `rename-used-underscored` on code shaped like real libraries (issue 8, classes 2, 8, 9).

Every fixed output is checked with the real toolchain (one Elixir process per test, see ORACLE): it
parses (`Code.string_to_quoted!`), stays formatter-clean where the input was (`Code.format_string!`,
what `mix format` runs), compiles (`Kernel.ParallelCompiler`, what `elixirc` runs) with no new warning
and without the targeted one, and computes and prints the same as the original.
"""
from __future__ import annotations

import subprocess
import textwrap
from collections import Counter
from pathlib import Path


from conftest import require_tool
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()
UNDERSCORED_USED = "is used after being set"
REPEATED = "appears more than once in a match"


def rename(**params):
    return RULES["rename-used-underscored"](**params)


def add_impl(**params):
    return RULES["add-impl"](**params)


def run_rule(source: str, rule, context=None):
    result = fix_text("lib/m.ex", textwrap.dedent(source).lstrip(), [rule], context)
    assert result.errors == [], result.errors
    return result


def fixed(source: str, rule, context=None) -> str:
    return run_rule(source, rule, context).new


def reviews(source: str, rule, context=None) -> list[str]:
    return [f.message for f in run_rule(source, rule, context).findings if not f.fixed]


def ex(source: str) -> str:
    return textwrap.dedent(source).lstrip()


# -- the oracle --------------------------------------------------------------------------------

# One Elixir process checks both sides with the parser (Code.string_to_quoted!), the formatter that
# `mix format` runs (Code.format_string!), the compiler that `elixirc` runs (Kernel.ParallelCompiler),
# and evaluates `calls` on each side (modules are unloaded in between).
ORACLE = r"""
[calls_file | files] = System.argv()
calls = String.split(File.read!(calls_file), "\n", trim: true)

for side <- ["before", "after"] do
  side_files = Enum.filter(files, &String.contains?(&1, "/#{side}/"))

  for file <- side_files do
    text = File.read!(file)
    Code.string_to_quoted!(text, file: file)
    clean = IO.iodata_to_binary([Code.format_string!(text), "\n"]) == text
    IO.puts("#{side}\tformatted\t#{Path.basename(file)} #{clean}")
  end

  {:ok, modules, warnings} = Kernel.ParallelCompiler.compile(side_files)

  for {file, _line, message} <- warnings do
    IO.puts("#{side}\twarning\t#{hd(String.split(message, "\n"))} @ lib/#{Path.basename(file)}")
  end

  for call <- calls do
    {value, _binding} = Code.eval_string(call)
    IO.puts("#{side}\tresult\t#{call} => #{inspect(value)}")
  end

  for module <- modules, do: (:code.purge(module); :code.delete(module))
end
"""
SIDES = ("before", "after")


def toolchain(tmp_path: Path, before: dict[str, str], after: dict[str, str], calls=()) -> dict[str, dict[str, list[str]]]:
    """{side: {"warning"|"result"|"formatted"|"printed": lines}} for both sides, from one Elixir run."""
    paths = []
    for side, files in zip(SIDES, (before, after)):
        for name, text in files.items():
            path = tmp_path / side / "lib" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            paths.append(str(path))
    calls_file = tmp_path / "calls.txt"
    calls_file.write_text("\n".join(calls))
    proc = subprocess.run([require_tool("elixir"), "-e", ORACLE, str(calls_file), *paths], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    found: dict[str, dict[str, list[str]]] = {side: {} for side in SIDES}
    side = SIDES[0]
    for line in proc.stdout.splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[0] in SIDES:
            side, kind, text = parts
        else:
            kind, text = "printed", line  # output of the code under test
        found[side].setdefault(kind, []).append(text)
    return found


def check_with_toolchain(tmp_path: Path, before: dict[str, str], after: dict[str, str], calls=(),
                         gone=(UNDERSCORED_USED,)) -> tuple[list[str], list[str]]:
    """Both sides parse and compile; `after` has no warning matching `gone`, no warning `before` lacked,
    the same results and output for `calls`, and is formatter-clean wherever `before` was."""
    found = toolchain(tmp_path, before, after, calls)
    warned, clean = found["before"].get("warning", []), found["after"].get("warning", [])
    for kind in ("result", "printed"):
        assert found["after"].get(kind) == found["before"].get(kind), kind
    assert len(found["after"].get("result", [])) == len(calls)
    assert not [w for w in clean if any(g in w for g in gone)], clean
    new = Counter(clean) - Counter(warned)
    assert not new, f"new warnings: {list(new)}"
    formatted = dict(zip(SIDES, (dict(line.rsplit(" ", 1) for line in found[side]["formatted"]) for side in SIDES)))
    for name, clean_before in formatted["before"].items():
        if clean_before == "true":
            assert formatted["after"][name] == "true", f"{name} is no longer mix-format clean"
    return warned, clean


# -- rename-used-underscored: cases -------------------------------------------------------------

RENAME_CASES = {
    # class 2: a binding read through `unquote` (and `bind_quoted`) is renamed there too.
    "trace.ex": (ex('''
        defmodule Trace do
          defmacro trace(_expr, label) do
            text = Macro.to_string(_expr)

            quote do
              value = unquote(_expr)
              {unquote(label), unquote(text), value}
            end
          end

          defmacro constant(_name, value) do
            quote bind_quoted: [name: _name, value: value] do
              def unquote(name)(), do: unquote(value)
            end
          end

          defmacro twice(value) do
            quote do
              _tmp = unquote(value)
              _tmp + _tmp
            end
          end
        end

        defmodule TraceUser do
          require Trace
          Trace.constant(:answer, 42)

          def run, do: {Trace.trace(1 + 2, :sum), answer(), Trace.twice(4)}
        end
    '''), ex('''
        defmodule Trace do
          defmacro trace(expr, label) do
            text = Macro.to_string(expr)

            quote do
              value = unquote(expr)
              {unquote(label), unquote(text), value}
            end
          end

          defmacro constant(name, value) do
            quote bind_quoted: [name: name, value: value] do
              def unquote(name)(), do: unquote(value)
            end
          end

          defmacro twice(value) do
            quote do
              _tmp = unquote(value)
              _tmp + _tmp
            end
          end
        end

        defmodule TraceUser do
          require Trace
          Trace.constant(:answer, 42)

          def run, do: {Trace.trace(1 + 2, :sum), answer(), Trace.twice(4)}
        end
    ''')),
    # unquote fragments: a module-level `for` binding read by `unquote` inside generated defs.
    "fields.ex": (ex('''
        defmodule Fields do
          @defaults [host: "localhost", port: 4000]

          for {_name, default} <- @defaults do
            def unquote(_name)(), do: unquote(default)
          end

          def run, do: {host(), port()}
        end
    '''), ex('''
        defmodule Fields do
          @defaults [host: "localhost", port: 4000]

          for {name, default} <- @defaults do
            def unquote(name)(), do: unquote(default)
          end

          def run, do: {host(), port()}
        end
    ''')),
    # class 8: repeated pattern variables are renamed together (a used one, and an unread one that
    # warns "appears more than once in a match"); rebinding makes separate variables.
    "pairs.ex": (ex('''
        defmodule Pairs do
          def same({_x, _x}), do: {:same, _x}
          def same(_other), do: :different

          def equal?({_y, _y}), do: true
          def equal?(_pair), do: false

          def steps do
            _step = 1
            total = _step + 1
            _step = 2
            total
          end

          def acc do
            _acc = [1]
            _acc = [2 | _acc]
            first = _acc
            _acc = [3]
            {first, _acc}
          end

          def swap do
            _a = 1
            _b = 2
            {_a, _b} = {_b, _a}
            [_a, _b]
          end

          def run, do: {same({1, 1}), same({1, 2}), equal?({2, 2}), steps(), acc(), swap()}
        end
    '''), ex('''
        defmodule Pairs do
          def same({x, x}), do: {:same, x}
          def same(_other), do: :different

          def equal?({y, y}), do: true
          def equal?(_pair), do: false

          def steps do
            step = 1
            total = step + 1
            _step = 2
            total
          end

          def acc do
            acc = [1]
            acc = [2 | acc]
            first = acc
            acc = [3]
            {first, acc}
          end

          def swap do
            a = 1
            b = 2
            {a, b} = {b, a}
            [a, b]
          end

          def run, do: {same({1, 1}), same({1, 2}), equal?({2, 2}), steps(), acc(), swap()}
        end
    ''')),
    # pins, guards, defaults, with/for, fn clauses, case/receive/cond/try branches, binaries, maps.
    "scopes.ex": (ex('''
        defmodule Scopes do
          @limit 10

          def pin(_key, map) do
            case map do
              %{^_key => value} -> value
              _ -> nil
            end
          end

          def guard(_n) when _n > 0, do: :positive
          def guard(_n), do: :other

          def defaults(_opts \\\\ [retries: 2]), do: Keyword.get(_opts, :retries)

          def with_for(items) do
            with {:ok, _first} <- Enum.fetch(items, 0),
                 doubled = for({_k, v} <- _first, _k != :skip, do: {_k, v * 2}) do
              {_first, doubled}
            end
          end

          def fns(list) do
            Enum.map(list, fn
              {:keep, _value} -> _value
              {:drop, _value} -> nil
            end)
          end

          def branches(input) do
            _seen =
              cond do
                (_size = length(input)) > 2 -> {:big, _size}
                true -> :small
              end

            result =
              try do
                hd(input)
              rescue
                _error in ArgumentError -> {:error, Exception.message(_error)}
              catch
                _kind, _reason -> {_kind, _reason}
              end

            receive do
              {:never, _msg} -> _msg
            after
              0 -> {_seen, result}
            end
          end

          def binary(<<_len::8, rest::binary-size(_len), _tail::binary>>), do: {_len, rest}

          def attr(_limit), do: min(_limit, @limit)

          def if_match(map) do
            if _value = Map.get(map, :a) do
              {:found, _value}
            end
          end

          def and_match(map), do: (_hit = Map.get(map, :b)) && {:hit, _hit}

          def nested(_x, list) do
            double = fn _x -> _x * 2 end
            Enum.map(list, fn item -> item + _x end) ++ [double.(_x)]
          end

          def run do
            {pin(:a, %{a: 1}), guard(1), guard(-1), defaults(), with_for([[a: 1, skip: 2]]),
             fns([{:keep, 1}, {:drop, 2}]), branches([1, 2, 3]), binary(<<2, "ab", "c">>), attr(20),
             if_match(%{a: 5}), and_match(%{b: 6}), nested(1, [1, 2])}
          end
        end
    '''), ex('''
        defmodule Scopes do
          @limit 10

          def pin(key, map) do
            case map do
              %{^key => value} -> value
              _ -> nil
            end
          end

          def guard(n) when n > 0, do: :positive
          def guard(_n), do: :other

          def defaults(opts \\\\ [retries: 2]), do: Keyword.get(opts, :retries)

          def with_for(items) do
            with {:ok, first} <- Enum.fetch(items, 0),
                 doubled = for({k, v} <- first, k != :skip, do: {k, v * 2}) do
              {first, doubled}
            end
          end

          def fns(list) do
            Enum.map(list, fn
              {:keep, value} -> value
              {:drop, _value} -> nil
            end)
          end

          def branches(input) do
            seen =
              cond do
                (size = length(input)) > 2 -> {:big, size}
                true -> :small
              end

            result =
              try do
                hd(input)
              rescue
                error in ArgumentError -> {:error, Exception.message(error)}
              catch
                kind, reason -> {kind, reason}
              end

            receive do
              {:never, msg} -> msg
            after
              0 -> {seen, result}
            end
          end

          def binary(<<len::8, rest::binary-size(len), _tail::binary>>), do: {len, rest}

          def attr(limit), do: min(limit, @limit)

          def if_match(map) do
            if value = Map.get(map, :a) do
              {:found, value}
            end
          end

          def and_match(map), do: (hit = Map.get(map, :b)) && {:hit, hit}

          def nested(x, list) do
            double = fn x -> x * 2 end
            Enum.map(list, fn item -> item + x end) ++ [double.(x)]
          end

          def run do
            {pin(:a, %{a: 1}), guard(1), guard(-1), defaults(), with_for([[a: 1, skip: 2]]),
             fns([{:keep, 1}, {:drop, 2}]), branches([1, 2, 3]), binary(<<2, "ab", "c">>), attr(20),
             if_match(%{a: 5}), and_match(%{b: 6}), nested(1, [1, 2])}
          end
        end
    ''')),
    # names that only look like the variable: fields, functions, pipes, keyword keys, strings.
    "lookalikes.ex": (ex('''
        defmodule Lookalikes do
          def run do
            fields(%{_id: 7}, 3)
          end

          def fields(map, _id) do
            label = "_id=#{_id}"
            {map[:_id], _id |> _double, _double(_id), label, [_id: _id]}
          end

          defp _double(value), do: value * 2
        end
    '''), ex('''
        defmodule Lookalikes do
          def run do
            fields(%{_id: 7}, 3)
          end

          def fields(map, id) do
            label = "_id=#{id}"
            {map[:_id], id |> _double, _double(id), label, [_id: id]}
          end

          defp _double(value), do: value * 2
        end
    ''')),
    # more forms: pipes into case, captures, implicit try, structs, reduce, sigils, defguard, unless,
    # with/else, receive/after, map update, nested fns and interpolations, dynamic calls.
    "forms.ex": (ex('''
        defmodule Forms do
          def pipe_case(_x) do
            _x
            |> case do
              {:ok, _v} -> _v
              _ -> nil
            end
          end

          def capture(_n, list), do: Enum.map(list, &(&1 + _n))
          def capture2(list, _mod), do: Enum.map(list, &_mod.to_string/1)

          def implicit(_x) do
            risky(_x)
          rescue
            _e in RuntimeError -> {_x, _e}
          catch
            _k, _v -> {_k, _v}
          else
            _r -> _r
          after
            :ok
          end

          def structs(%URI{host: _host} = _uri), do: {_host, _uri.port}
          def reduce(list), do: Enum.reduce(list, [], fn x, _acc -> [x | _acc] end)
          def comp(list), do: for(_x <- list, into: %{}, do: {_x, 1})

          def reduce_for(list) do
            for _x <- list, reduce: 0 do
              _acc -> _acc + _x
            end
          end

          def sigil(_name), do: ~r/#{_name}/
          defguard is_small(_v) when is_integer(_v) and _v < 10
          def unless_(_flag), do: unless(_flag, do: :no, else: _flag)

          def with_else(_a) do
            with {:ok, _b} <- _a do
              _b
            else
              _err -> _err
            end
          end

          def receive_after(_t) do
            receive do
              _m -> _m
            after
              _t -> :timeout
            end
          end

          def map_update(_m), do: %{_m | a: 1}
          def nested_fn(_x), do: fn -> fn -> _x end end
          def interp_nested(_x), do: "a #{"b #{_x}"}"
          def dyn_call(_f), do: _f.(1)
          def risky(x), do: x

          def run do
            {pipe_case({:ok, 1}), capture(1, [1]), capture2([:a], Atom), implicit(2),
             structs(URI.parse("http://h:81")), reduce([1, 2]), comp([1]), reduce_for([1, 2]),
             Regex.source(sigil("ab")), is_small(3), unless_(true), with_else({:ok, 4}),
             with_else(:error), receive_after(0), map_update(%{a: 0}), nested_fn(5).().(),
             interp_nested(6), dyn_call(&(&1 + 1))}
          end
        end
    '''), ex('''
        defmodule Forms do
          def pipe_case(x) do
            x
            |> case do
              {:ok, v} -> v
              _ -> nil
            end
          end

          def capture(n, list), do: Enum.map(list, &(&1 + n))
          def capture2(list, mod), do: Enum.map(list, &mod.to_string/1)

          def implicit(x) do
            risky(x)
          rescue
            e in RuntimeError -> {x, e}
          catch
            k, v -> {k, v}
          else
            r -> r
          after
            :ok
          end

          def structs(%URI{host: host} = uri), do: {host, uri.port}
          def reduce(list), do: Enum.reduce(list, [], fn x, acc -> [x | acc] end)
          def comp(list), do: for(x <- list, into: %{}, do: {x, 1})

          def reduce_for(list) do
            for x <- list, reduce: 0 do
              acc -> acc + x
            end
          end

          def sigil(name), do: ~r/#{name}/
          defguard is_small(v) when is_integer(v) and v < 10
          def unless_(flag), do: unless(flag, do: :no, else: flag)

          def with_else(a) do
            with {:ok, b} <- a do
              b
            else
              err -> err
            end
          end

          def receive_after(t) do
            receive do
              m -> m
            after
              t -> :timeout
            end
          end

          def map_update(m), do: %{m | a: 1}
          def nested_fn(x), do: fn -> fn -> x end end
          def interp_nested(x), do: "a #{"b #{x}"}"
          def dyn_call(f), do: f.(1)
          def risky(x), do: x

          def run do
            {pipe_case({:ok, 1}), capture(1, [1]), capture2([:a], Atom), implicit(2),
             structs(URI.parse("http://h:81")), reduce([1, 2]), comp([1]), reduce_for([1, 2]),
             Regex.source(sigil("ab")), is_small(3), unless_(true), with_else({:ok, 4}),
             with_else(:error), receive_after(0), map_update(%{a: 0}), nested_fn(5).().(),
             interp_nested(6), dyn_call(&(&1 + 1))}
          end
        end
    ''')),
    # a quote nested in quoted code unquotes nothing of ours: `_a` is not read (renaming it would
    # make "variable a is unused").
    "macros.ex": (ex('''
        defmodule Macros do
          defmacro outer(_a) do
            quote do
              defmacro inner(b) do
                quote do
                  {unquote(b), unquote(unquote(_a))}
                end
              end
            end
          end

          defmacro defcall(_name, _args) do
            quote do
              def unquote(_name)(unquote_splicing(_args)), do: {unquote(_name), unquote_splicing(_args)}
            end
          end
        end

        defmodule MacrosUser do
          require Macros
          Macros.defcall(:pair, [:a, :b])
          def run, do: pair(:a, :b)
        end
    '''), ex('''
        defmodule Macros do
          defmacro outer(_a) do
            quote do
              defmacro inner(b) do
                quote do
                  {unquote(b), unquote(unquote(_a))}
                end
              end
            end
          end

          defmacro defcall(name, args) do
            quote do
              def unquote(name)(unquote_splicing(args)), do: {unquote(name), unquote_splicing(args)}
            end
          end
        end

        defmodule MacrosUser do
          require Macros
          Macros.defcall(:pair, [:a, :b])
          def run, do: pair(:a, :b)
        end
    ''')),
}


def test_rename_cases_have_exact_outputs():
    for name, (before, after) in RENAME_CASES.items():
        assert fixed(before, rename()) == after, name


def test_rename_cases_compile_cleaner_and_compute_the_same(elixir_tools, tmp_path):
    before = {name: pair[0] for name, pair in RENAME_CASES.items()}
    after = {name: fixed(pair[0], rename()) for name, pair in RENAME_CASES.items()}
    calls = ["TraceUser.run()", "Fields.run()", "Pairs.run()", "Scopes.run()", "Lookalikes.run()", "Forms.run()",
             "MacrosUser.run()"]
    warned, _ = check_with_toolchain(tmp_path, before, after, calls=calls, gone=(UNDERSCORED_USED, REPEATED))
    # the cases are real: each file warned before
    for name in before:
        assert any(UNDERSCORED_USED in w and w.endswith(f"lib/{name}") for w in warned), name


def test_unquote_use_is_not_left_behind():
    """The old failure: the binding and plain reads renamed, the `unquote` read left as `_opts`."""
    source = '''
        defmodule Wrap do
          defmacro wrap(_opts, body) do
            timeout = Keyword.get(_opts, :timeout, 5000)

            quote do
              Task.await(Task.async(fn -> unquote(body) end), unquote(timeout))
              unquote(_opts)
            end
          end
        end
    '''
    out = fixed(source, rename())
    assert "_opts" not in out
    assert out.count("opts") == 3


# -- rename-used-underscored: reported, never half-done ------------------------------------------

def test_clash_in_a_repeated_pattern_is_reported_not_half_renamed():
    source = '''
        defmodule Clash do
          def f({_x, _x}, x), do: {_x, x}
        end
    '''
    assert fixed(source, rename()) == ex(source)
    assert any("_x" in m for m in reviews(source, rename()))


def test_new_name_read_inside_a_nested_fn_is_a_clash():
    source = '''
        defmodule Capture do
          def f(x, list) do
            Enum.map(list, fn _x -> _x + x end)
          end

          def g(_y, list) do
            Enum.map(list, fn y -> y + _y end)
          end
        end
    '''
    assert fixed(source, rename()) == ex(source)
    assert len(reviews(source, rename())) == 2


def test_later_binding_of_the_new_name_is_a_clash():
    source = '''
        defmodule Later do
          def f(_count) do
            first = _count + 1
            count = 5
            {first, count}
          end
        end
    '''
    assert fixed(source, rename()) == ex(source)
    assert reviews(source, rename())


def test_reserved_words_and_binding_are_reported():
    source = '''
        defmodule Odd do
          def a(_end), do: _end
          def b(_when), do: _when
          def c(_state) do
            {_state, binding()}
          end
        end
    '''
    assert fixed(source, rename()) == ex(source)
    assert len(reviews(source, rename())) == 3


def test_generated_code_inside_quote_is_never_renamed():
    source = '''
        defmodule Gen do
          defmacro counter(start) do
            quote do
              _count = unquote(start)
              _count + 1
            end
          end

          defmacro name_clash(_x) do
            quote do
              x = 1
              {x, unquote(_x)}
            end
          end

          # var!(_result) is the caller's variable: renaming it would change what callers see
          defmacro set_caller(value) do
            quote do
              var!(_result) = unquote(value)
              var!(_result)
            end
          end
        end
    '''
    # `x` inside the quote belongs to the generated code: it does not clash with the macro's own `x`.
    assert fixed(source, rename()) == ex(source).replace("name_clash(_x)", "name_clash(x)").replace("unquote(_x)", "unquote(x)")


def test_quote_with_unquote_false_is_opaque():
    source = '''
        defmodule Raw do
          defmacro raw(_x) do
            quote unquote: false do
              unquote(_x)
            end
          end
        end
    '''
    assert fixed(source, rename()) == ex(source)


def test_explicit_renames_follow_the_same_binding_groups():
    source = '''
        defmodule Explicit do
          def f do
            _v = 1
            a = _v
            _v = 2
            {a, _v}
          end
        end
    '''
    out = fixed(source, rename(renames=[{"from": "_v", "to": "value", "line": 3}]))
    assert out == ex(source).replace("_v", "value")


# -- the variable model (the contract remove-debug-calls relies on) -------------------------------

def groups(source: str, name: str):
    from fixer.lang.elixir.syntax import Doc
    from fixer.lang.elixir.variables import variables

    doc = Doc(ex(source))
    found = [v for v in variables(doc, lambda n: n == name)]
    return doc, sorted(([n.start_point for n in v.bindings], [n.start_point for n in v.reads]) for v in found)


def test_variables_are_binding_groups_with_resolved_reads():
    _, found = groups('''
        def f(pair) do
          {x, x} = pair
          y = x
          x = 2
          fn x -> x end
          [x, y]
        end
    ''', "x")
    assert found == [
        ([(1, 3), (1, 6)], [(2, 6)]),  # {x, x} = pair, read by y = x
        ([(3, 2)], [(5, 3)]),  # x = 2, read by [x, y]
        ([(4, 5)], [(4, 10)]),  # fn x -> x
    ]


def test_sibling_arguments_do_not_see_each_other():
    _, found = groups('''
        def f(x) do
          g(x = 1, x)
          x
        end
    ''', "x")
    assert found == [([(0, 6)], [(1, 11)]), ([(1, 4)], [(2, 2)])]


def test_case_and_if_bindings_stay_in_their_branch_but_the_subject_leaks():
    _, found = groups('''
        def f(v) do
          x = 0
          case x = v do
            {:ok, x} -> x
            _ -> x = 5
          end
          if true, do: (x = 9), else: x
          x
        end
    ''', "x")
    assert found == [
        ([(1, 2)], []),  # x = 0 is never read: `case x = v` rebinds
        ([(2, 7)], [(6, 30), (7, 2)]),
        ([(3, 10)], [(3, 16)]),
        ([(4, 9)], []),
        ([(6, 16)], []),
    ]


def test_def_bodies_do_not_see_module_variables_but_unquote_does():
    _, found = groups('''
        defmodule M do
          x = 1
          def a, do: x
          def b, do: unquote(x)
        end
    ''', "x")
    assert found == [([(1, 2)], [(3, 21)])]


# -- add-impl -----------------------------------------------------------------------------------

DELEGATE_IMPL = '''
    defmodule Cache.Impl do
      def handle_call(:get, _from, state), do: {:reply, state, state}
      def handle_cast({:put, value}, _state), do: {:noreply, value}
    end

    defmodule Cache do
      use GenServer

      @impl true
      def init(state), do: {:ok, state}

      defdelegate handle_call(request, from, state), to: Cache.Impl
      defdelegate handle_cast(request, state), to: Cache.Impl
    end
'''


def test_defdelegate_callbacks_get_impl_too(elixir_tools, tmp_path):
    after = fixed(DELEGATE_IMPL, add_impl())
    assert after == ex(DELEGATE_IMPL).replace("  defdelegate", "  @impl true\n  defdelegate")
    check_with_toolchain(tmp_path, {"cache.ex": ex(DELEGATE_IMPL)}, {"cache.ex": after}, gone=("@impl",))


def test_always_mode_annotates_every_callback_or_none(elixir_tools, tmp_path):
    source = ex(DELEGATE_IMPL).replace("  @impl true\n", "")
    after = fixed(source, add_impl(mode="always"))
    assert after.count("@impl true") == 3
    check_with_toolchain(tmp_path, {"cache.ex": source}, {"cache.ex": after}, gone=("@impl",))
    generated = source.replace("def init(state), do: {:ok, state}",
                               "for name <- [:init] do\n    def unquote(name)(state), do: {:ok, state}\n  end")
    assert fixed(generated, add_impl(mode="always")) == generated
    assert reviews(generated, add_impl(mode="always"))


IMPL_SEPARATED = '''
    defmodule Worker do
      use GenServer
      require Logger

      @impl true
      require Integer
      def init(state), do: {:ok, state}

      @impl true
      @doc "Replies."
      # the counter
      alias Worker.State
      def handle_call(:get, _from, state), do: {:reply, state, state}

      @impl true
      for message <- [:ping, :pong] do
        def handle_cast(unquote(message), state), do: {:noreply, [unquote(message) | state]}
      end

      def handle_cast(:reset, _state), do: {:noreply, []}

      def handle_info(:tick, state) do
        Logger.debug("tick")
        {:noreply, state}
      end

      def terminate(_reason, _state), do: :ok

      def code_change(_old, state, _extra), do: {:ok, state}
    end
'''


def test_existing_impl_separated_from_its_def_still_counts(elixir_tools, tmp_path):
    after = fixed(IMPL_SEPARATED, add_impl())
    expected = ex(IMPL_SEPARATED)
    for head in ("def handle_info", "def terminate", "def code_change"):
        expected = expected.replace(f"  {head}", f"  @impl true\n  {head}")
    assert after == expected
    check_with_toolchain(tmp_path, {"worker.ex": ex(IMPL_SEPARATED)}, {"worker.ex": after}, gone=("@impl",))


def test_impl_inside_a_for_and_on_a_later_clause_counts(elixir_tools, tmp_path):
    source = ex('''
        defmodule Router do
          use GenServer

          @impl true
          def init(state), do: {:ok, state}

          for message <- [:a, :b] do
            @impl true
            def handle_info(unquote(message), state), do: {:noreply, state}
          end

          def handle_call(:a, _from, state), do: {:reply, 1, state}
          @impl true
          def handle_call(:b, _from, state), do: {:reply, 2, state}

          @impl false
          def terminate(_reason, _state), do: :ok

          def handle_cast(:x, state), do: {:noreply, state}
        end
    ''')
    after = fixed(source, add_impl())
    assert after == source.replace("  def handle_cast", "  @impl true\n  def handle_cast")
    # `@impl false` on a callback is the author's choice (the compiler warns about it either way)
    check_with_toolchain(tmp_path, {"router.ex": source}, {"router.ex": after},
                         gone=("@impl was not set for function handle_cast",))


def test_a_macro_between_impl_and_def_is_reported(elixir_tools):
    source = '''
        defmodule Uncertain do
          use GenServer

          @impl true
          use Bitwise
          def init(state), do: {:ok, state}
        end
    '''
    assert fixed(source, add_impl()) == ex(source)
    assert reviews(source, add_impl())


def test_defstruct_consumes_a_pending_impl(elixir_tools, tmp_path):
    source = ex('''
        defmodule Holder do
          use GenServer

          @impl true
          defstruct [:value]
          def init(state), do: {:ok, state}
        end
    ''')
    after = fixed(source, add_impl())
    assert after == source.replace("  def init", "  @impl true\n  def init")
    check_with_toolchain(tmp_path, {"holder.ex": source}, {"holder.ex": after}, gone=("@impl was not set",))


def test_nested_modules_quoted_modules_and_behaviour_aliases(elixir_tools, tmp_path):
    source = ex('''
        defmodule Outer do
          @callback run(term) :: term
          @optional_callbacks run: 1

          defmodule Adapter do
            @callback fetch(term) :: term
            @macrocallback build(term) :: Macro.t()
          end

          defmodule Impl do
            @behaviour Outer.Adapter

            @impl true
            def fetch(x), do: x

            defmacro build(x), do: x
          end

          defmodule Server do
            use GenServer
            @behaviour __MODULE__.Extra

            defmodule Extra do
              @callback extra() :: :ok
            end

            @impl true
            def init(state), do: {:ok, state}

            def extra, do: :ok
          end

          defmacro __using__(_opts) do
            quote do
              use GenServer
              def init(state), do: {:ok, state}
            end
          end

          def init(state), do: state
        end
    ''')
    rule = add_impl()
    context = {"add-impl": [rule.gather("lib/outer.ex", source)]}
    after = fixed(source, rule, context)
    assert after == source.replace("    defmacro build", "    @impl true\n    defmacro build").replace(
        "    def extra", "    @impl true\n    def extra")
    check_with_toolchain(tmp_path, {"outer.ex": source}, {"outer.ex": after}, gone=("@impl was not set",))


def test_callbacks_missing_from_this_elixir_are_reported_not_annotated(elixir_tools, tmp_path):
    source = ex('''
        defmodule Status do
          use GenServer

          @impl true
          def init(state), do: {:ok, state}

          def format_status(status), do: status
        end
    ''')
    assert fixed(source, add_impl()) == source
    assert any("format_status/1" in m for m in reviews(source, add_impl()))
    check_with_toolchain(tmp_path, {"status.ex": source}, {"status.ex": source}, gone=())


def test_overridable_defaults_get_impl(elixir_tools, tmp_path):
    source = ex('''
        defmodule Base do
          @callback handle(term) :: term

          defmacro __using__(_opts) do
            quote do
              @behaviour Base
              def handle(x), do: x
              defoverridable handle: 1
            end
          end
        end

        defmodule Child do
          use Base
          @behaviour Base

          @impl Base
          def other, do: :ok

          def handle(x), do: {:child, super(x)}
        end
    ''')
    rule = add_impl()
    context = {"add-impl": [rule.gather("lib/base.ex", source)]}
    after = fixed(source, rule, context)
    assert after == source.replace("  def handle(x), do: {:child", "  @impl Base\n  def handle(x), do: {:child")
    check_with_toolchain(tmp_path, {"base.ex": source}, {"base.ex": after},
                         gone=("@impl was not set for function handle/1",))


def test_private_definitions_take_a_pending_impl_and_conditional_defs_get_their_own(elixir_tools, tmp_path):
    source = ex('''
        defmodule Conditional do
          use GenServer

          @impl true
          defp helper(state), do: state

          def init(state), do: {:ok, helper(state)}

          if Code.ensure_loaded?(GenServer) do
            def handle_info(_message, state), do: {:noreply, state}
          end
        end
    ''')
    after = fixed(source, add_impl())
    assert after == source.replace("  def init", "  @impl true\n  def init").replace(
        "    def handle_info", "    @impl true\n    def handle_info")
    check_with_toolchain(tmp_path, {"conditional.ex": source}, {"conditional.ex": after},
                         gone=("@impl was not set",))


# -- property: generated clauses with rebinding, repeated pattern vars, pins, nested fns ----------

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NAMES = ["_a", "_b", "_c", "a", "b"]


@st.composite
def int_expr(draw, visible: frozenset) -> str:
    choices = sorted(visible)
    kind = draw(st.integers(0, 2)) if choices else 0
    if kind == 0:
        return str(draw(st.integers(0, 9)))
    name = draw(st.sampled_from(choices))
    return name if kind == 1 else f"{name} + {draw(st.integers(1, 5))}"


@st.composite
def statement(draw, visible: frozenset, depth: int, pad: str) -> tuple[list[str], frozenset]:
    """Lines of one statement and the variables visible after it (all hold integers)."""
    v = draw(st.sampled_from(NAMES))
    w = draw(st.sampled_from([n for n in NAMES if n != v]))
    e = draw(int_expr(visible))
    k = draw(st.integers(0, 5))
    inner = visible | {w}
    e2 = draw(int_expr(inner))
    kind = draw(st.integers(0, 14 if depth else 13))
    after = visible | {v}
    if kind == 0:
        return [f"{pad}{v} = {e}"], after
    if kind == 1:  # a repeated pattern variable
        return [f"{pad}{{{v}, {v}}} = {{{k}, {k}}}"], after
    if kind == 2:  # siblings: `e` does not see `w = ...`
        return [f"{pad}{v} = elem({{{w} = {k}, {e}}}, 1)"], after | {w}
    if kind == 3 and visible:  # pin, and a clause binding
        pinned = draw(st.sampled_from(sorted(visible)))
        return [f"{pad}{v} =", f"{pad}  case {e} do", f"{pad}    ^{pinned} -> {pinned}",
                f"{pad}    {w} -> {e2}", f"{pad}  end"], after
    if kind == 4:
        return [f"{pad}{v} = Enum.sum(for {w} <- [1, 2], {w} > {k}, do: {e2})"], after
    if kind == 5:
        return [f"{pad}{v} = with {{:ok, {w}}} when {w} >= 0 <- {{:ok, {e}}}, do: {e2}"], after
    if kind == 6:  # a binary: size() reads a variable bound earlier in the same pattern
        return [f"{pad}<<{w}::8, {v}::size({w})-unit(8)>> = <<1, {k}>>"], after | {w}
    if kind == 7:
        return [f"{pad}{v} =", f"{pad}  cond do", f"{pad}    ({w} = {e}) > {k} -> {e2}", f"{pad}    true -> {k}",
                f"{pad}  end"], after
    if kind == 8:  # guard
        return [f"{pad}{v} =", f"{pad}  case {e} do", f"{pad}    {w} when {w} > {k} -> {e2}", f"{pad}    _ -> {k}",
                f"{pad}  end"], after
    if kind == 9:  # if: nothing bound inside leaks
        return [f"{pad}{v} = if {e} > {k}, do: ({w} = {e}; {w} + 1), else: {k}"], after
    if kind == 10:  # short circuit: the left side binds outside
        return [f"{pad}{v} = (({w} = {e}) > {k} && {w}) || {k}"], after | {w}
    if kind == 11:  # a case subject binds outside; the clause sees it
        return [f"{pad}{v} =", f"{pad}  case {w} = {e} do", f"{pad}    _ -> {e2}", f"{pad}  end"], after | {w}
    if kind == 12:  # interpolation reads
        return [f'{pad}{v} = String.length("#{{{e}}}-#{{{e}}}")'], after
    if kind == 13:
        return [f"{pad}{v} =", f"{pad}  try do", f"{pad}    {e} + {k}", f"{pad}  rescue", f"{pad}    _ -> {k}",
                f"{pad}  end"], after
    body, _ = draw(block(inner, depth - 1, pad + "    "))  # a nested fn that may shadow
    return [f"{pad}{v} =", f"{pad}  (fn {w} ->", *body, f"{pad}   end).({e})"], after


@st.composite
def block(draw, visible: frozenset, depth: int, pad: str) -> tuple[list[str], frozenset]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        more, visible = draw(statement(visible, depth, pad))
        lines.extend(more)
    shown = draw(st.lists(st.sampled_from(sorted(visible)), max_size=3, unique=True)) if visible else []
    lines.append(f"{pad}{' + '.join(shown) if shown else '0'}")
    return lines, visible


@st.composite
def program(draw, number: int) -> str:
    params = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=2, unique=True))
    repeated = draw(st.booleans())
    head = f"{{{params[0]}, {params[0]}}}, {params[1]}" if repeated else ", ".join(params)
    body, _ = draw(block(frozenset(params), 2, "    "))
    call = "{3, 3}, 4" if repeated else "3, 4"
    return "\n".join([f"defmodule Prop{number} do", f"  def f({head}) do", *body, "  end", "",
                      f"  def run, do: f({call})", "end", ""])


@st.composite
def programs(draw) -> list[str]:
    return [draw(program(number)) for number in range(30)]


def underscored_names(warnings: list[str]) -> set[str]:
    import re

    return {m.group(1) for w in warnings for m in [re.search(r'underscored variable "(\\w+)" (?:is used|appears)', w)] if m}


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking would recompile for minutes
@given(programs())
def test_property_renames_never_break_or_warn_more(elixir_tools, tmp_path_factory, sources):
    tmp_path = tmp_path_factory.mktemp("prop")
    before = "\n".join(sources)
    result = fix_text("lib/prop.ex", before, [rename()])
    assert result.errors == [], result.errors
    reported = {f.message.split()[0] for f in result.findings if not f.fixed}
    calls = [f"Prop{number}.run()" for number in range(len(sources))]
    warned, clean = check_with_toolchain(tmp_path, {"prop.ex": before}, {"prop.ex": result.new}, calls, gone=())
    # every underscored-variable warning left is one the rule reported
    assert underscored_names(clean) <= reported, (underscored_names(clean), reported)
    assert result.fixes() or not underscored_names(warned)


def test_long_pipelines_and_concatenations_are_resolved_without_deep_recursion():
    pipeline = "_x" + "".join(f" |> f{i}()" for i in range(3000)) + " |> done"
    concat = " <> ".join(["_y"] * 3000)
    source = f"defmodule Long do\n  def a(_x), do: {pipeline}\n  def b(_y), do: {concat}\nend\n"
    result = fix_text("lib/long.ex", source, [rename()])
    assert result.errors == []
    assert result.new == source.replace("_x", "x").replace("_y", "y")


def test_name_taken_counts_only_what_may_be_a_variable_of_the_clause():
    from fixer.lang.elixir.syntax import Doc
    from fixer.lang.elixir.variables import name_taken

    doc = Doc(ex('''
        def count(m) do
          total = m.size + @limit
          quote do: size + unquote(limit)
          "#{total} size"
        end
    '''))
    scope = doc.tree.root_node.named_children[0]
    taken = {name: name_taken(scope, name, doc) for name in ("count", "size", "limit", "total", "m", "absent")}
    # `count` names the function, `size` is a field and quoted code, `@limit` an attribute; but
    # `unquote(limit)` reads a variable of the clause.
    assert taken == {"count": False, "size": False, "limit": True, "total": True, "m": True, "absent": False}


TEMPLATE = '''
    defmodule Page do
      def render(assigns) do
        _title = String.upcase(assigns.name)
        Logger.info(_title)

        ~H"""
        <h1><%= _title %></h1>
        """
      end

      def other(assigns) do
        _heading = "x"
        Logger.info(_heading)
        ~H"<p>{heading}</p>"
      end
    end
'''


def test_template_sigils_may_read_variables_so_they_are_reported():
    assert fixed(TEMPLATE, rename()) == ex(TEMPLATE)
    messages = reviews(TEMPLATE, rename())
    assert any("_title" in m and "template" in m for m in messages)
    assert any("_heading" in m and "template" in m for m in messages)
    # the model counts the sigil as a read: remove-debug-calls never takes `count` for unused
    from fixer.lang.elixir.syntax import Doc
    from fixer.lang.elixir.variables import variables

    doc = Doc('def f(assigns) do\n  count = 1\n  IO.inspect(count)\n  ~H"<p><%= count %></p>"\nend\n')
    (count,) = variables(doc, lambda name: name == "count")
    assert [read.type for read in count.reads] == ["identifier", "sigil"]


def test_always_mode_with_a_function_filter_never_annotates_only_some(elixir_tools):
    source = '''
        defmodule App do
          use Application

          def start(_type, _args), do: Supervisor.start_link([], strategy: :one_for_one)

          def stop(_state), do: :ok
        end
    '''
    rule = add_impl(mode="always", functions=["Application.stop/1"])
    assert fixed(source, rule) == ex(source)
    assert any("stop/1" in m and "start/2" in m for m in reviews(source, rule))
    both = add_impl(mode="always", functions=["start/2", "stop/1"])
    assert fixed(source, both).count("@impl true") == 2
