from __future__ import annotations

import re

from fixer.core.rule import Example, Outcome, Param, Rule, Source

# Kept light at import: the work lives in fixer.rules.remove_debug_calls.debug_calls, imported by check().
BANNER_CALLS = ("IO.puts", "IO.write", "Logger.")


class RemoveDebugCalls(Rule):
    """Remove leftover `IO.inspect`/`dbg`/`IEx.pry`/`:dbg` calls and debug banners from Elixir, keeping behaviour.

    What it does:
        Finds the calls named in `calls` (default `IO.inspect` and `dbg`) and `debuggers` (default
        `IEx.pry` and any `:dbg` function), and the `IO.puts`/`IO.write`/`Logger.*` calls whose literal
        message matches one of `messages`; names are resolved as the compiler does (aliases, imports,
        local definitions), and strings, comments, `quote` blocks and definition heads are never
        targets. Each call is judged (leftover, on purpose, or for a person) and a leftover is removed
        so that every function returns what it returned and does what it did, and no dead code,
        unused name or new compiler warning is left behind.

    Value policy:
        Whether a call's value is used comes from one value-flow analysis: the last expression of a
        block is the value of the construct that holds it, through `if`/`unless`, `case`, `cond`,
        `with` (body and `else`), `receive` (also `after`), `try` (body, `rescue`, `catch`, `else`;
        `after` drops its value), `fn` clauses, comprehensions, keyword forms (`if c, do: x`) and
        any nesting of them, up to the function's return value. Where the value is used, the call
        becomes what it returns (`x |> IO.inspect()` loses the stage, `IO.inspect(x, opts)` becomes
        `x`, a banner becomes `:ok`); where nobody reads it, the statement goes (with a match that
        only ignores or rebinds it: `_ = IO.inspect(x)`, `x = x |> IO.inspect()`), and a construct
        that only ran it (`if c, do: IO.inspect(x)`, `Enum.each(l, &IO.inspect(&1, label: "l"))`,
        a `try`'s `after`) goes whole when nothing else in it does work.

    Intent policy:
        A call is removed only when there is evidence it is a debug leftover and none that the output
        is on purpose. Evidence of a leftover (strong: `dbg`, `IEx.pry`, `:dbg` tracing, a debug
        comment, a call listed in `calls` or matching `messages`, a value passed through): a location
        label (`label: "pool size"`), a value discarded in a function that does other work or
        returned as its value. Evidence of output on purpose: a comment or a `credo:disable` says so,
        it names a device (`:stderr`), a test captures or asserts it (`capture_io`), its options come
        from the caller, printing is the function's job (by name, or all it does), an option or flag
        selects it (`if opts[:display]`, `case opts[:print]`, `verbose && ...`), it is a sentence for
        a person on an error path or a deprecation notice, or it is in a Mix task, a `main/1`, a
        script or a test helper that captures output. Verdict: leftover evidence and no purpose ->
        removed; purpose with only weak leftover evidence -> left alone; purpose with strong
        evidence, or no evidence either way -> "needs review", with both reasons. Deliberate shapes
        are not even reported: `&IO.inspect/1` as a callback or struct default, a `def pry, do:
        IEx.pry()` helper, Nx `defn`/`deftransform` bodies, projects under `test/fixtures/`, and
        output a test swallows with `capture_io` (nobody sees it in a terminal: it is what the test
        checks).

    Purity policy:
        What was inside a removed call goes with it unless it does work. Effects are kept, each as a
        statement of its own: messages, process, ETS, file and port operations, bindings, and calls
        into other modules or unknown functions. A read that can only raise is not an effect and is
        dropped: field and Access reads, operators, interpolation, `length`, `Map.fetch!`, and the
        table of known-pure standard-library calls (`Process.info`, `Mix.env`, `System.get_env`,
        `File.cwd`, `Map`/`Keyword`/`String`/`Enum` given no function, ...; `READS` in
        `fixer/lang/elixir/purity.py`), and a module-local private function inferred (a few calls
        deep) to do no work. The one exception: such a read inside a `try` with `rescue`/`catch`,
        or a `with`/`else`, in the same function is reported, since removing it could change which
        branch runs. A private function, variable, attribute, `alias` or `require` only the removed
        code used goes too (or the fix is taken back and reported); a comment above the call that
        talks about debugging goes with it, a comment about the code around it stays.

    Why:
        `IO.inspect` left in production code writes to stdout on every call, slows hot paths and leaks
        data into logs; a forgotten `IEx.pry` or `:dbg` trace stalls or floods a release; the compiler
        warns about none of them (Credo flags them and fixes nothing). Removing output that is the
        program's job would be worse than leaving a leftover, so anything unclear goes to a person.

    Example:
        def start(_type, _args) do
          children = [Registry] |> IO.inspect(label: "children")
          IO.inspect(self(), label: "starting")
          IO.inspect(load_config(), label: "config")
          Supervisor.start_link(children, strategy: :one_for_one)
        end
        # becomes
        def start(_type, _args) do
          children = [Registry]
          load_config()
          Supervisor.start_link(children, strategy: :one_for_one)
        end

    Fix safety:
        Safe: values are kept where they are used, work is kept where it is done, and reads that only
        raise are dropped only where no handler of the function could see them. Every edit is a
        splice of tree-sitter nodes laid out as `mix format` would (`line_length` must match your
        `.formatter.exs`); a layout fixer cannot predict, a comment inside the call, a call sharing
        a line, or a blocked rename is reported instead, never rewritten.
    """

    id = "remove-debug-calls"
    language = "elixir"
    default_paths = ("lib/**/*.ex", "apps/*/lib/**/*.ex")  # umbrella apps too
    params = {
        "calls": Param(list, ["IO.inspect", "dbg"], "Calls to remove (IO.inspect and dbg return their argument).", item_type=str),
        "debuggers": Param(list, ["IEx.pry", ":dbg"],
                           "Debugger stops and tracers to remove as statements: IEx.pry, :dbg (any :dbg function).",
                           item_type=str),
        "messages": Param(list, [], "Regexes: IO.puts/IO.write/Logger.* calls whose literal message matches are removed.",
                          item_type=str, regex=True),
        "line_length": Param(int, 98, "The formatter's line_length (as in .formatter.exs): re-flowed lines must fit it."),
    }
    examples = (
        Example(
            before='defmodule Pool do\n  def checkout(pool) do\n    IO.inspect(pool, label: "checkout")\n'
            "    GenServer.call(pool, :checkout)\n  end\nend\n",
            after="defmodule Pool do\n  def checkout(pool) do\n    GenServer.call(pool, :checkout)\n  end\nend\n",
        ),
        Example(
            before="defmodule Pool do\n  def size(state) do\n    state.workers\n    |> IO.inspect(label: \"workers\")\n"
            "    |> length()\n  end\nend\n",
            after="defmodule Pool do\n  def size(state) do\n    state.workers\n    |> length()\n  end\nend\n",
        ),
        Example(
            before="defmodule Pool do\n  def workers(state), do: IO.inspect(state.workers)\n\n  def last(x) do\n"
            "    Logger.debug(\"last\")\n    IO.inspect(x)\n  end\nend\n",
            after="defmodule Pool do\n  def workers(state), do: state.workers\n\n  def last(x) do\n"
            "    Logger.debug(\"last\")\n    x\n  end\nend\n",
        ),
        Example(
            before="defmodule Pool do\n  def sum(a, b), do: foo(IO.inspect(a + b) * 2, 1)\nend\n",
            after="defmodule Pool do\n  def sum(a, b), do: foo((a + b) * 2, 1)\nend\n",
        ),
        Example(
            before="defmodule App do\n  def children do\n    [Registry, Pool]\n"
            "    |> tap(fn c -> IO.inspect(c, label: \"children\") end)\n    |> Enum.uniq()\n  end\nend\n",
            after="defmodule App do\n  def children do\n    [Registry, Pool]\n    |> Enum.uniq()\n  end\nend\n",
        ),
        Example(
            before='defmodule Worker do\n  def terminate(reason, state) do\n    IO.puts("\\n!!! Worker.terminate/2 CALLED !!!")\n'
            "    cleanup(state)\n  end\nend\n",
            after="defmodule Worker do\n  def terminate(reason, state) do\n    cleanup(state)\n  end\nend\n",
            params={"calls": ["IO.inspect"], "messages": ["^\\n?!!! "]},
        ),
        Example(
            before='defmodule Docs do\n  @doc """\n  Call IO.inspect(x) to look.\n  """\n'
            "  def each(list), do: Enum.each(list, &IO.inspect/1)\nend\n",
            after=None,
        ),
        Example(  # work inside the inspected value stays; IO reached through an alias is resolved
            before="defmodule Pool do\n  alias IO, as: Out\n\n  def ping(pid) do\n"
            '    Out.inspect(%{sent: send(pid, :ping)}, label: "ping")\n    :ok\n  end\nend\n',
            after="defmodule Pool do\n  def ping(pid) do\n    send(pid, :ping)\n    :ok\n  end\nend\n",
        ),
        Example(  # the kept expression is re-indented as mix format would
            before="defmodule Sign do\n  def classify(n) do\n    dbg(\n      case n do\n        0 -> :zero\n"
            "        _ -> :nonzero\n      end\n    )\n  end\nend\n",
            after="defmodule Sign do\n  def classify(n) do\n    case n do\n      0 -> :zero\n      _ -> :nonzero\n"
            "    end\n  end\nend\n",
        ),
        Example(  # IO is another module here
            before='defmodule Report do\n  alias Report.Printer, as: IO\n\n  def render(rows), do: IO.inspect(rows, label: "rows")\nend\n',
            after=None,
        ),
        Example(  # a definition named dbg, and quoted code, are not calls
            before="defmodule Tracing do\n  import Kernel, except: [dbg: 1]\n\n  defmacro dbg(code) do\n    quote do\n"
            '      IO.inspect(unquote(code), label: "trace")\n    end\n  end\nend\n',
            after=None,
        ),
        Example(  # a debugger stop and a trace left behind, with the require only pry used
            before="defmodule Shop do\n  require IEx\n\n  def pay(order) do\n    IEx.pry()\n    :dbg.tracer()\n"
            "    :dbg.p(:all, :c)\n    {:ok, order.total}\n  end\nend\n",
            after="defmodule Shop do\n  def pay(order) do\n    {:ok, order.total}\n  end\nend\n",
        ),
        Example(  # printing is this function's job
            before="defmodule Tree do\n  def print_tree(tree) do\n    IO.inspect(tree.root, label: \"root\")\n"
            "    Enum.each(tree.children, &print_tree/1)\n  end\nend\n",
            after=None,
        ),
    )

    # Test files whose capture_io shows which functions print on purpose (gathered repo-wide).
    context_anchor = r"capture_io|with_io"
    lazy_context = True  # a parse of each such test file: only once a file holds a real debug call

    def gather(self, path: str, text: str) -> list[str]:
        from fixer.rules.remove_debug_calls.captured import captured_calls

        return captured_calls(path, text)

    def anchor_patterns(self) -> list[str]:
        names = self.options["calls"] + self.options["debuggers"]
        anchors = [r"(?<![\w.])" + re.escape(call) + r"\b" for call in names]
        # Debug calls under another name: `import IO`, `alias IO, as: Out`, `Kernel.dbg`.
        anchors += [r"\bimport\s+IO\b", r"\balias\s+(?:IO|Kernel)\b", r"\bKernel\.dbg\b"]
        if self.options["messages"]:
            anchors += [re.escape(call) for call in BANNER_CALLS]
        return anchors

    def check(self, source: Source) -> Outcome:
        from fixer.lang.elixir.syntax import Doc
        from fixer.rules.remove_debug_calls.debug_calls import Finder

        doc = source.cached("elixir.doc", Doc)
        return Finder(self, source, doc).run()
