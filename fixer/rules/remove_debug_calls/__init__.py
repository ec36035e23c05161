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
        message matches one of `messages`, decides for each whether it is a debug leftover, and removes
        the leftovers without changing what the code returns or does:
        - a statement whose value is unused (also the last one of an `after` block, of the fn
          given to `Enum.each`, or of a `for` used as a statement: values nobody reads) is
          deleted, with all its lines; work inside its arguments (`IO.inspect(load_config())`,
          `send/2` inside an inspected map) stays as statements;
        - `x |> IO.inspect(label: "…")` loses that pipeline stage, and `|> tap(fn v -> IO.inspect(v)
          end)` / `|> tap(&IO.inspect/1)` whose function only inspects loses the whole stage;
        - where the value is used (returned, matched, an argument or operand) the call becomes the
          value it returns: `IO.inspect(item, opts)`, `IO.inspect(device, item, opts)` and
          `dbg(code, opts)` all return their item; a banner used as a value becomes `:ok`;
        - `IEx.pry()` and `:dbg.tracer()`/`:dbg.p(...)`/`:dbg.tpl(...)` statements are deleted (also
          `{:ok, _} = :dbg.tracer()`, and a `require IEx; IEx.pry()` one-liner when no later
          `IEx` call in its scope needs the require); used as a value,
          they are reported;
        - the comment lines directly above a deleted statement that talk about debugging go with
          it (from the nearest up; a comment about anything else, and all above it, stay); a
          comment after the call on its line stays, on a line of its own, unless it is about
          debugging;
        - a variable, module attribute, `alias`, `import IO` or `require IEx` that only the removed
          code used is renamed with `_` or removed, so the compiler prints no new "unused" warning;
          when that rename is blocked (the `_` name is taken, the line would grow too long, the
          clause calls `binding()`, whose result it would change, or the variable is bound in a
          chained match `y = z = ...`, where the compiler would warn), the call stays and is reported;
          `dbg()` without arguments and a deleted `binding()` read every variable in scope: when
          one of them would be left unused, the call stays and is reported.

    Names are resolved the way the compiler does, per module and lexically: `IO.inspect` under
    `alias My.Printer, as: IO` is not Kernel's and is left alone; `Out.inspect` under `alias IO, as:
    Out`, `inspect(device, x, opts)` under `import IO`, and `Kernel.dbg` are debug calls; a `dbg` the
    module defines or imports in place of Kernel's is not. A name fixer cannot decide (an alias it
    cannot read, a call the compiler would reject as ambiguous) is reported. Nothing inside a
    string, heredoc, sigil, comment, `quote` block, definition head (`def inspect(...)`, `defmacro
    dbg(...)`), `@spec`/`@callback` or `import ..., only:` list is ever a target; a debug call in a default
    argument (`x \\\\ IO.inspect(:d)`) runs, but heads are never edited: it is reported.

    Intent policy (what is removed, what is reported, and why):
        A call is removed only when there is evidence it is a debug leftover and none that the
        output is on purpose.
        Evidence of a leftover (strong ones marked *): *it is `dbg`, `IEx.pry` or `:dbg` tracing;
        *a comment above or after it says debug/dbg/XXX/temporary/remove (unless a comment there
        says the output is wanted); *it passes a value
        through (a middle pipeline stage, a `tap`/`then` stage, a value other code uses); *its
        message matches `messages` or its name is listed in `calls`; it has a `label:`; its value is
        discarded in a function that does other work, or returned as the function's value; it runs
        at compile time in a module body.
        Evidence of output on purpose: a comment says so, anywhere in the comment lines right
        above it, after it on its line, or on the line below it ("do not remove", "keep this",
        "needs this output", "intentional", "on purpose", "not a debug ...", "scraped",
        "expected output"); a test captures or asserts it (`capture_io`, `with_io`,
        `assert IO.inspect(...)`), also from a test file (`test/**/*_test.exs`) that calls the
        enclosing function inside `capture_io` (`capture_io(fn -> Greeter.greet("bob") end)`), or
        a function of its module that reaches it through local calls; the device or the inspect
        options come from the caller or a variable (`IO.inspect(x, opts)`); the enclosing function's name says printing is its job
        (inspect, print, pp, puts, flush, dump, show, display, main, write, echo, render, report,
        output, trace, debug, log, banner) or all it does is print for a user (`IO.puts`,
        `IO.write`, `Mix.shell`, also through `import IO` or an alias of IO); an enclosing `if`/`unless` on a verbose/debug/trace/quiet flag,
        or such a flag left of an enclosing `&&`/`||`/`and`/`or` (`opts[:verbose] && IO.inspect(rows)`),
        switches it on; for a `:dbg` call, it is tracing tooling (a function that
        only makes `:dbg` calls and returns a literal, or a module whose name or `@moduledoc` says
        trace/tracing/debug/dbg); the module is a Mix task or a command-line module (`main/1`); the file is a
        script (`.exs` outside `test/` and `config/`).
        Verdict: leftover evidence and no purpose -> removed. Purpose and only weak leftover evidence
        -> left alone, silently. Purpose and strong leftover evidence -> "needs review" with both
        reasons; so is a call with no evidence either way. Every finding's message says why, and its
        `evidence` field carries the same reasons ("leftover: ...; on purpose: ...").

    Why:
        `IO.inspect` left in production code writes to stdout on every call, slows hot paths and leaks
        data into logs; a forgotten `IEx.pry` or `:dbg` trace stalls or floods a release; the compiler
        warns about none of them (Credo flags them and fixes nothing). Removing output that is the program's job
        would be worse than leaving a leftover, so anything unclear goes to a person.

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
        Safe: the returned value is kept wherever it is used, and only expressions that can
        neither do work nor raise disappear with a deleted call: literals, atoms, variables, module
        attributes, `fn`/`&` captures, containers of those (tuples, lists, `[h | t]`, maps,
        keywords, structs), strings interpolating only literals or `inspect(...)`, comparisons,
        `!`, `&&`/`||`, and `inspect/1,2`, `self()`, `node()`, `binding()`, `max`/`min`, the
        `is_*` guards and clock reads (the list is `PURE_CALLS` in `fixer/lang/elixir/purity.py`).
        Work inside a deleted call's arguments (any call fixer does not know to be pure,
        `Counter.next` without parentheses, a binding) is kept as a whole statement of its own,
        never a fragment: a short-circuit `x && f(x)` (`||`, `and`, `or`) stays whole, since its
        right side runs only sometimes, and so does a bitstring with work in it. Anything that
        does no work but may raise is reported instead, since deleting it could turn a crash into
        success: arithmetic and every other operator (`x + y`, `s <> "!"`, `x..y`, `++`, `and`),
        `length/1`, `map_size/1`, `abs/1`, `hd/1`, `Map.fetch!/2`, an Access read `opts[:k]`, a
        field read `state.workers` (KeyError, or a call when `state` holds a module), `"#{x}"`
        (String.Chars may be missing), `<<x::binary>>`, and `Kernel.+(x, 1)`; so is a `tap`
        whose function could fail before inspecting (`&IO.inspect(&1.a)`, `fn %{a: a} -> ...`). An argument that is a
        call without parentheses (`if x, do: 1, else: 2`, `Enum.map list, f`) is unwrapped only as
        a whole statement or the right side of a match statement; as an operand, an argument or
        the right of `<-` it would take in what follows it, so it is reported. Options that do work
        (`label: "#{send(...)}"`) block the fix. Captures (`&IO.inspect/1` outside `tap`), calls
        sharing a line with other code, and unwrappings whose new layout `mix format` would re-flow
        in a way fixer does not predict are reported, never rewritten; otherwise the kept expression
        is re-indented to its new position so formatted code stays formatted (`line_length` must
        match your `.formatter.exs`). Every edit is a splice of tree-sitter nodes, so the rest of the
        file stays byte-identical.
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
