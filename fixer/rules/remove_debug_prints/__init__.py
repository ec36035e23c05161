from __future__ import annotations

from fixer.core.rule import Example, Outcome, Param, Rule, Source


# Files that say some function's output is wanted: console scripts, tests capturing output.
PURPOSE_CONTEXT = r"console_scripts|gui_scripts|\.(?:scripts|gui-scripts)\]|\b(?:capsys|capfd|redirect_stdout|capture_output)\b"


class RemoveDebugPrints(Rule):
    """Remove `print(...)` calls that are debug leftovers, on explicit evidence; report the doubtful ones.

    What it does:
        Looks at every call of the builtin `print` (and `pprint.pprint`/`pprint.pp`), resolved
        through the module's imports: `from rich import print` or a parameter named `print` is not
        the builtin and is never touched. Each call gets a verdict:

        Removed, when it shows evidence of a debug leftover and none of output on purpose:
        - its message starts with `DEBUG`, `debug:`, `>>>`, `!!!` or `XXX`, or matches one of
          `messages` (the literal start of the first argument: a string, an f-string, `"…" % x`);
        - it is a trace marker: `print("here")`, `print("got here 2")`, `print("entering load")`;
        - it prints internals: `locals()`, `vars(…)`, `globals()`, `x.__dict__` anywhere in it;
          `type(x)`, `id(x)`, `dir(x)` or a private attribute (`self._index`) printed as they are
          (an argument, `repr(…)` of one, an f-string placeholder) in a print that is not a message
          for the user (`f"Job failed: {type(exc).__name__}"` is one);
        - it uses a self-documenting f-string: `print(f"{total=}")`;
        - a comment on its line or directly above it is about the print: `# debug`, `# DEBUG: …`,
          `# temporary print`, `# XXX`, `# remove this`/`before merge`/`later` (the comment goes with
          it); not a sentence using the word about other code (`# temporary build directory; …`,
          `# debug the slow migration below …`);
        - it is the only print of a function that returns data, and it prints what the function
          computed (not only its parameters) with at most a label (`print("parse_row", fields)`),
          not a message for the user (prose of two words or more, or a message starting with
          warning/error/usage/note/done/…), and not in an `except` handler (`print(exc)` reports).
        Those last two alone are weak: with a prose message, or (a data function's print) in a module
        with an `if __name__ == "__main__":` block, whose caller may discard the value, it is reported.

        Never removed, output on purpose: `print(…, file=…)` to any stream; `end=` (a prompt or a
        progress line); the `if __name__ == "__main__":` block; CLI entry points (functions named
        `main`/`cli`, `@click.command`/`@app.command()`/`group`/`callback` functions or functions
        registered by `app.command()(f)`/`add_command(f)`, argparse sub-commands
        (`set_defaults(func=f)`), functions that build an `argparse.ArgumentParser`, call
        `parse_args` or read `sys.argv`, functions called from the `__main__` block, functions run by
        `typer.run(f)`/`fire.Fire(f)`, console scripts declared in a setup.py, `pyproject.toml`
        (`[project.scripts]`, `[project.gui-scripts]`, `[tool.poetry.scripts]`) or `setup.cfg`
        (`console_scripts`/`gui_scripts`), Django `Command.handle`) and the functions nested in them;
        functions whose output is asserted: by a doctest in their docstring with expected output, or
        by a test that calls them and reads `capsys`/`capfd` or uses `redirect_stdout`/`capture_output`;
        `__repr__`/`__str__`/`__format__`/`__rich__` helpers; functions whose job is printing (named
        `print_*`, `show*`, `display*`, `dump*`, `render*`, `report*`, `write_*`, `log_*`, `debug`,
        `trace`, `warn*`, `*_print`, `usage`, `banner` …, a module's `test()`/`demo()`, whose only
        statement is a print, or at least half of whose statements print); prints under an output switch (`if verbose:`, `if args.debug:`,
        `if self.quiet:` …); output captured by `redirect_stdout`; a print in a block that also dumps diagnostics
        (`traceback.print_exc(…)`, `sys.stderr.write(…)`); a comment on or above it saying it is
        intended (`intentional`, `on purpose`, `deliberately`, `keep`, `do not remove`); `# noqa: T201`; modules whose
        job is output (named `cli`, `__main__`, `report`, `display`, `console`, `commands` …, in
        `scripts/`, `examples/`, `bin/`, `docs/` …, or most of whose functions print without
        leftover evidence); and a script's top-level output (a module that runs code when loaded).

        Reported ("needs review", with the reason), never removed: a print with leftover evidence in
        one of those places ("looks like a debug leftover (its message starts with "DEBUG"), but it
        is in `main`, a CLI entry point"); a print with no evidence either way outside them; a
        leftover whose value is used (`x = print(…)`, in a lambda); a leftover whose arguments have
        an effect that cannot stand alone; a leftover in a module with a `from M import *` that really exports `print` (M read without importing
        it: a repository module's bindings and `__all__`, an installed module's source file, a table
        for C extensions; a module fixer cannot find may export anything).

        Prints in tests (policy): a print in a test function (`test_*`) or a test file is reported,
        never removed, unless it carries an explicit label (its message starts with `DEBUG`,
        `debug:`, `>>>`, `!!!`, `XXX`, or matches `messages`): printing calls `__str__`, which may
        be what the test exercises. A debug comment, an f-string `{x=}` or internals are not enough
        there.

        Error-path output (policy): a print just before a `raise`, a `sys.exit(…)`/`exit(…)`, or a
        `return` of an error (an exception; in an `if`/`except` branch also a non-zero int or
        False) is output: the subprocess's stderr printed before `raise OSError(…)` is the user's
        only view of the failure. Only an explicit label makes it a leftover.

        Output asserted indirectly: a function a capsys/capfd/redirect_stdout test calls asserts the
        output of every function it calls, followed through the repository (`status()` calls
        `_status_line()`, which prints); so do doctests with expected output in the module's, a
        class's or a function's docstring. A doctest asserts a print only when its expected output
        could hold it: when the print shows fixed text (`"DEBUG conv"`, the `item=` of
        `f"{item=}"`) that no expected line of the doctest contains, the print would make the
        doctest fail, so the doctest asserts the result and is no such evidence (an ellipsis `...` in
        the expected output may stand for the printed text, so it still counts); examples marked
        `# doctest: +SKIP` never run and assert nothing.

        The review list: by default `check` and `apply` list only the prints held back despite
        leftover evidence, each with the reason; prints with no evidence either way are counted in
        one line and listed with `--show-unsure`.

        Side effects follow the policy of remove-debug-file-writes (and `pure_calls`):
        `print("DEBUG next", queue.get())` becomes `queue.get()`. Reads that can raise under a handler of the
        same function that could catch them are kept too (`try: print("DEBUG", d["key"]) except
        KeyError: …` becomes `try: d["key"] …`): the policy shared with the Elixir rules. Block positions, one-line suites,
        `;` lines, emptied blocks and guards, and imports left unused (`from pprint import pprint`)
        are handled as in remove-debugger-calls. Use `exclude` (file globs) to skip files whose
        prints are all on purpose.

    Why:
        A leftover `print` writes to a service's stdout on every call, leaks data into logs and
        slows hot paths. Removing every print is wrong (ruff withdrew its print autofix because it
        deleted CLIs' help output): this rule removes only what it can show is a leftover.

    Example:
        def parse_row(line):
            fields = line.split(",")
            print(f"{fields=}")
            return {"name": fields[0], "qty": int(fields[1])}
        # becomes
        def parse_row(line):
            fields = line.split(",")
            return {"name": fields[0], "qty": int(fields[1])}

    Fix safety:
        Safe on the evidence above: a print is removed only with stated leftover evidence and no
        sign of output on purpose, and effectful arguments are kept. Off by default: enable it,
        read the "needs review" list, and add `messages` for your team's own markers.
    """

    id = "remove-debug-prints"
    language = "python"
    default_enabled = False
    default_paths = ("**/*.py",)
    # Files that say a function's output is wanted (its own gathering), and files that may take names
    # from other modules (`import`, or a `patch` naming them: fixer.lang.python.importers).
    context_anchor = PURPOSE_CONTEXT + r"|import|patch|__all__"
    context_files = ("pyproject.toml", "setup.cfg")
    params = {
        "messages": Param(list, [], "Regexes: prints whose message (the literal start of the first argument) matches "
                          "are leftovers too, e.g. \"^\\\\[trace\\\\]\".", item_type=str, regex=True),
        "pure_calls": Param(list, [], "More callables without side effects: imported names (\"app.fmt.describe\") "
                            "or, with a leading dot, method names whatever the object (\".peer\").", item_type=str),
    }
    anchors = (r"\bprint\s*\(", r"\bpprint\s*\(", r"\bpp\s*\(",  # one literal each (see fixer.core.anchors)
               r"\bimport\b[^\n]*\b(?:print|pprint|pp)\s+as\s+\w")
    examples = (
        Example(
            before='def parse_row(line):\n    fields = line.split(",")\n    print(f"{fields=}")\n'
            '    return {"name": fields[0], "qty": int(fields[1])}\n',
            after='def parse_row(line):\n    fields = line.split(",")\n    return {"name": fields[0], "qty": int(fields[1])}\n',
            path="inventory/rows.py",
        ),
        Example(
            before='def restock(items, queue):\n    print("DEBUG restock", len(items), queue.get())\n    # debug\n'
            "    print(locals())\n    for item in items:\n        item.qty += 10\n",
            after="def restock(items, queue):\n    queue.get()\n    for item in items:\n        item.qty += 10\n",
            path="inventory/stock.py",
        ),
        Example(
            before='def restock(items):\n    print("[trace] restock", items)\n    for item in items:\n'
            "        item.qty += 10\n",
            after="def restock(items):\n    for item in items:\n        item.qty += 10\n",
            params={"messages": [r"^\[trace\]"]},
            path="inventory/stock.py",
        ),
        Example(
            before='import argparse\nimport sys\n\n\ndef main(argv=None):\n    parser = argparse.ArgumentParser()\n'
            '    parser.add_argument("path")\n    args = parser.parse_args(argv)\n    print(f"Loaded {args.path}")\n'
            '    print("DEBUG args", args)\n    return 0\n\n\ndef warn(message):\n'
            '    print(f"warning: {message}", file=sys.stderr)\n',
            after=None,
        ),
        Example(
            before='class Item:\n    def __repr__(self):\n        return f"Item({self.name!r})"\n\n'
            '    def show(self):\n        print(f"{self.name:<20} {self.qty:>5}")\n',
            after=None,
        ),
    )

    def gather(self, path: str, text: str) -> tuple[dict[str, list[str]], tuple | None]:
        """(console-script targets (`pkg.cli:main`) a setup.py, pyproject.toml or setup.cfg declares
        and the functions whose printed output a test asserts; the names this file takes from the
        repo's other modules (see fixer.lang.python.importers))."""
        from fixer.lang.python import stars
        from fixer.lang.python.importers import gather
        from fixer.rules.remove_debug_prints.prints import PURPOSE, gathered

        own = gathered(path, text) if PURPOSE.search(text) else {}
        if not path.endswith(".py"):
            return own, None, None
        return own, gather(path, text), stars.facts(path, text)

    # Who calls whom in each module (a test reaches a print through wrappers): only read when some
    # test asserts printed output, so most runs never build it.
    later_context = True

    def gather_later(self, path: str, text: str) -> dict[str, list[str]] | None:
        from fixer.core.languages import is_test_path
        from fixer.rules.remove_debug_prints.prints import call_graph

        return call_graph(text) if path.endswith(".py") and not is_test_path(path) else None

    def needs_later(self, facts: list) -> bool:
        return any(f and f[0].get("tested") for f in facts)

    def check(self, source: Source) -> Outcome:
        from fixer.lang.python import importers as py_importers, leftovers as py_leftovers
        from fixer.rules.remove_debug_prints import prints as py_prints

        from fixer.lang.python import stars

        gathered = source.context.get(self.id, [])
        repo = py_prints.repo_facts(gathered, lambda facts: facts[0])
        exports = stars.exports(gathered, lambda facts: facts[2]).for_path(source.path)
        return py_leftovers.outcome(
            self, source, lambda tree, spans: py_prints.analyse(tree, spans, source.path, self.options, repo, exports),
            py_prints.COMMENTS, py_importers.taken_in(source, gathered, lambda facts: facts[1]))
