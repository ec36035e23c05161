from __future__ import annotations

from fixer.core.rule import Example, Outcome, Param, Rule, Source


class RemoveDebuggerCalls(Rule):
    """Remove leftover debugger calls (`breakpoint()`, `pdb.set_trace()`, `IPython.embed()` …) from Python.

    What it does:
        Removes statements that stop in a debugger or open a shell: `breakpoint()`,
        `pdb`/`ipdb`/`pudb`/`remote_pdb`/`web_pdb`/`celery.contrib.rdb` `.set_trace()`,
        `pdb.Pdb(…).set_trace()`, `__import__("pdb").set_trace()`, `debugpy.breakpoint()`,
        `pdb.post_mortem()`, `pdb.pm()`, `IPython.embed()`, `code.interact()` — and the imports only
        they used (`import pdb; pdb.set_trace()` goes whole, so does `try: import ipdb as pdb` /
        `except ImportError: import pdb`). A module-level import another file of the repo takes
        through this module (`from .a import pdb` in a package's `__init__`, `import pkg.a` then
        `pkg.a.pdb`, `mock.patch("pkg.a.pdb.set_trace")`) stays, reported with the file that takes it. Names are resolved through the module's imports: an
        `embed` or `set_trace` imported from elsewhere, a parameter called `pdb`, a local
        `def breakpoint` are not the debugger and are never touched.

        Every block position works: a block left empty gets `pass` (an empty `else:`/`finally:`
        goes), an `if` whose every branch was only the call goes with it, keeping its test's
        effects (`if i == 42: breakpoint()` goes whole); an `elif` left empty keeps its test in the
        chain (`elif q.pop(): pass`), and goes whole only when its test is pure and no branch after
        it stays, so a test never runs more often than before; a call sharing its line with code that
        stays is cut out with its `;` (`x += 1; breakpoint()` -> `x += 1`); a comment above it that
        talks about debugging goes with it.

        Evidence. Every finding says why. Removed: "stops in the debugger", "opens an interactive
        shell", "enters post-mortem debugging". Reported, never removed (debugger use on purpose):
        the call is inside a function whose name says it starts the debugger (`set_trace`,
        `_pdb_excepthook`, `test_breakpoint_hook`, `shell`: "debugger tooling"); the module defines
        its own entry (`def set_trace`, a `pdb.Pdb` subclass: "debugger tooling"); the module
        patches the debugger (`mock.patch("pdb.set_trace")`, `pdb.set_trace = …`,
        `PYTHONBREAKPOINT`); the call is inside a function installed as a hook (`sys.excepthook =
        on_crash`, `threading.excepthook`, `sys.breakpointhook`: "debugger hook") or every use of which
        sits under an opt-in switch (`if args.pdb: inspect_state()`): debugger use reached through an
        option is the feature; the repository is itself the debugger it calls (its package defines
        `set_trace`/`post_mortem`, e.g. `ipdb/__init__.py`: its manual checks call it on purpose: "the
        project is the debugger"); an enclosing `if` names a switch (`if args.pdb:`,
        `if os.environ.get("APP_DEBUG"):`: "opt-in debugging switch"); an enclosing `if __debug__:`
        (true unless Python runs with -O, so no switch: "guarded by `__debug__`"); an `embed()` or
        `code.interact()` in a command (a CLI entry point, a Django `Command.handle`, a module named
        `shell`/`console`/`repl`/`cli`/`manage`: "a shell command"); a comment on or above it saying
        it is intended (`intentional`, `on purpose`, `deliberately`, `keep`, `not a leftover`);
        `# noqa: T100`. Also
        reported: a call whose value is used (`x = breakpoint()`, in a lambda), `pdb.runcall(f)`
        and friends (they run `f`), remote-debugger setup (`debugpy.listen`, `wait_for_client`,
        `pydevd.settrace`), a `set_trace()` that may come from `from … import *` or whose
        module is not imported, a debugger entry given another name (`trace = pdb.set_trace`, the
        binding and each `trace()` call), `set_trace()` on a debugger instance (`p = pdb.Pdb()`), and a `breakpoint()` in a module with a `from M import *` that really exports the name (M read without importing
        it: a repository module's bindings and `__all__`, an installed module's source file, a table
        for C extensions; a module fixer cannot find may export anything); builtins such as `str` in the arguments are then effects, not
        pure.

        Side effects: the call's arguments follow the policy of remove-debug-file-writes (pure:
        literals, names, attribute reads, f-strings, allowlisted calls resolved through imports, and
        `pure_calls`); an effect evaluated unconditionally is kept as a statement of its own
        (`breakpoint(header=describe(e))` becomes `describe(e)`); one that cannot stand alone
        blocks the removal and the finding names it.

        Reads that can raise (policy shared with the Elixir rules): `d["key"]`, `obj.name`,
        `int(s)`, `a / b` are pure only when no enclosing handler of the same function could catch
        what they raise. Under `try: … except KeyError:` (or `LookupError`, `Exception`, a bare
        `except`, a class fixer cannot place, `with contextlib.suppress(…)`) deleting the read
        would skip the handler, so the read is kept as a statement of its own (`pdb.set_trace(header=d["key"])` becomes `d["key"]`), or the site is reported when it runs only sometimes. An
        `except: pass` around the last statement of a try changes nothing and does not count.

    Why:
        A committed `breakpoint()` hangs a worker or a CI job waiting on a terminal that is not
        there; these calls are never meant to ship.

    Example:
        def settle(entry):
            import pdb; pdb.set_trace()
            if entry.amount < 0: breakpoint()
            return entry.post()
        # becomes
        def settle(entry):
            return entry.post()

    Fix safety:
        Safe: only statements that are exactly a debugger call are removed, their effectful
        arguments kept; imports go only when every read of them was in removed calls and no other
        file of the repo takes them through this module (found by reading each file's imports,
        attribute chains and, in files mentioning `patch`, dotted strings) and the module's
        `__all__` does not list them (then kept and reported). Debugger
        tooling, opt-in debugging and anything the rule cannot resolve are reported, never edited.
    """

    id = "remove-debugger-calls"
    language = "python"
    default_paths = ("**/*.py",)
    # Files that may take a name from another module (`import`, or a `patch` naming it: fixer.lang.python.importers).
    # Also files defining a debugger entry of their own: the repository may be a debugger.
    context_anchor = r"import|patch|set_trace|post_mortem|__all__"
    params = {
        "pure_calls": Param(list, [], "More callables without side effects: imported names (\"app.fmt.describe\") "
                            "or, with a leading dot, method names whatever the object (\".peer\").", item_type=str),
    }
    # One anchor per name, each led by its literal (see fixer.core.anchors: an alternation is tried at
    # every position of every file).
    anchors = (
        *(rf"\b{name}\s*\(" for name in (
            "breakpoint", "set_trace", "sset_trace", "post_mortem", "pm", "embed", "settrace",
            "break_into_debugger", "wait_for_client", "wait_for_attach", "enable_attach", "breakpointhook",
            "__breakpointhook__")),
        *(rf"\b{module}\.run\w*\s*\(" for module in ("pdb", "ipdb", "pudb")),
        r"\bcode\.interact\b", r"\bdebugpy\.listen\b", r"\bdebugpy\.connect\b",
        # `trace = pdb.set_trace`: an entry given another name (reported)
        *(rf"\b{name}\b(?!\s*\()" for name in ("set_trace", "post_mortem")),
        # `from pdb import set_trace as st`
        *(rf"\b{name}\s+as\s+\w" for name in ("set_trace", "sset_trace", "post_mortem", "pm", "embed",
                                                "interact", "breakpoint")),
    )
    examples = (
        Example(
            before="import pdb\n\n\ndef settle(entry):\n    pdb.set_trace()\n    return entry.post()\n",
            after="def settle(entry):\n    return entry.post()\n",
        ),
        Example(
            before="def settle(entry):\n    total = entry.amount; breakpoint()\n    if entry.id == 42: breakpoint()\n"
            "    return total\n",
            after="def settle(entry):\n    total = entry.amount\n    return total\n",
        ),
        Example(
            before="def settle(entry):\n    try:\n        return entry.post()\n    except ValueError:\n"
            "        from IPython import embed; embed()\n        raise\n",
            after="def settle(entry):\n    try:\n        return entry.post()\n    except ValueError:\n        raise\n",
        ),
        Example(
            before="def settle(entry):\n    breakpoint(header=describe(entry))\n    return entry.post()\n",
            after="def settle(entry):\n    describe(entry)\n    return entry.post()\n",
        ),
        Example(
            before="from .search import embed\n\n\ndef index(vectors):\n    embed(vectors)\n    return vectors\n",
            after=None,
        ),
        Example(
            before="import pdb\nimport sys\n\n\ndef _pdb_excepthook(kind, value, tb):\n    pdb.post_mortem(tb)\n\n\n"
            "def main(args):\n    if args.pdb:\n        sys.excepthook = _pdb_excepthook\n",
            after=None,
        ),
    )

    def gather(self, path: str, text: str):
        """(the names this file takes from the repo's other modules (see fixer.lang.python.importers),
        the module it is when it defines a debugger entry of its own, else '', whether it binds
        `breakpoint` for a `from … import *` of it (fixer.lang.python.stars))."""
        from fixer.lang.python import stars
        from fixer.lang.python.importers import gather
        from fixer.rules.remove_debugger_calls.debuggers import provided

        return gather(path, text), provided(path, text), stars.facts(path, text)

    def check(self, source: Source) -> Outcome:
        from fixer.rules.remove_debugger_calls import debuggers as py_debuggers
        from fixer.lang.python import importers as py_importers, leftovers as py_leftovers

        from fixer.core import textcache
        from fixer.lang.python import stars

        gathered = source.context.get(self.id) or []
        debuggers = textcache.per_run("py_debuggers.provided", gathered,  # once a run, not once a file
                                      lambda: {module.split(".")[0]: module for _, module, _ in gathered if module})
        exports = stars.exports(gathered, lambda facts: facts[2]).for_path(source.path)
        return py_leftovers.outcome(
            self, source, lambda tree, spans: py_debuggers.analyse(tree, spans, source.path, self.options["pure_calls"],
                                                                   debuggers, exports),
            py_debuggers.COMMENTS, py_importers.taken_in(source, gathered, lambda facts: facts[0]))
