from __future__ import annotations

from functools import cached_property

from fixer.core.rule import Example, Outcome, Param, Rule, Source

DEFAULT_FILES = ["/tmp/*debug*.log"]


class RemoveDebugFileWrites(Rule):
    """Remove writes to leftover debug log files (`with open("/tmp/…debug.log", "a") as f: f.write(…)`).

    What it does:
        Deletes statements whose only job is writing to a debug log matching `files` (exact paths or
        globs): `with open(PATH, "a"|"w"|…) as f:` blocks (also `async with aiofiles.open(…)`, several
        logs in one `with`, debug `with`s nested in each other) whose body only writes to the handles
        (`f.write`, `f.writelines`, `f.flush`, `print(…, file=f)`, `traceback.print_exc(file=f)`,
        `json.dump(x, f)`); one-line writes (`open(PATH, "a").write(…)`, `print(…, file=open(PATH))`,
        `Path(PATH).write_text(…)`); and a handle opened once (`LOG = open(PATH, "a")`,
        `fd = os.open(PATH, …)`) together with its writes when every use of it is a write (a
        module-level handle another file of the repo imports, `from svc.trace import TRACE`, stays,
        reported; its writes in its own module still go). PATH may be
        a literal, a module constant, a local variable (removed with the write when nothing else reads
        it), an f-string, `os.path.join(…)` or `Path(…) / "…"` of those; a placeholder is taken to stay
        within one path component. A comment above a removed write that talks about debugging goes with
        it unless it names the code that follows; other comments stay attached to that code. A block
        left empty gets `pass`; an empty `else:` goes, and so does a guard left with nothing to do
        (`try:` … `except …: pass`, `if <pure test>:` whose other branches are gone too, a last
        `elif <pure test>:`); an `elif` whose test has effects stays, with `pass`. Imports used only by removed
        code go too, also inside `try/except ImportError`; imports unused before stay, and so does a
        module-level import another file of the repo takes through this module (`from .a import
        json`, `mock.patch("pkg.a.json.dump")`), reported.

        Side effects: an argument is pure when it is made of literals, names, attribute reads,
        subscripts, f-strings / `%` / `.format` of pure parts, arithmetic and comparisons, and calls
        to an allowlist of pure callables resolved through the module's imports (`time.time`,
        `time.monotonic`, `os.getpid`, `os.environ.get`, `threading.current_thread`,
        `traceback.format_exc`, `datetime.datetime.now`, `json.dumps`, `signal.Signals`,
        `signal.strsignal`, `str`/`repr`/`len`/`type`/`id` …, extended by `pure_calls`: an imported
        name such as "app.fmt.describe", or ".peer" for a method whatever its object), plus pure
        methods of values whose type is known (`"…".format`, `datetime.now().isoformat()`).
        `sorted`/`list`/`", ".join`/a comprehension/`*x` over a name may consume an iterator, so they
        are pure only over a literal display, a string, or `*args`/`**kwargs`. A shadowed name (a
        local `def str`, `from clock import time`, `import vendored as time`) is not the allowlisted
        one. Anything else is an effect: a method
        call on an object of unknown type (`queue.get()`, `worker.join()`), `await`, `yield`, `:=`.
        An effect evaluated unconditionally is kept as a statement of its own where the write was
        (`f.write(f"{queue.get()}")` becomes `queue.get()`); one evaluated only sometimes (`a if c
        else q.pop()`) or inside a comprehension or lambda blocks the removal, and the finding names it.
        So does a callable the write itself invokes, passed as `opener=`, `default=`, `cls=`,
        `object_hook=` or `object_pairs_hook=` (allowlisted ones such as `default=str` excepted), and
        `writelines(x)` over a name, which may consume an iterator.

        Reads that can raise (policy shared with the Elixir rules): `d["key"]`, `obj.name`,
        `int(s)`, `a / b` are pure only when no enclosing handler of the same function could catch
        what they raise. Under `try: … except KeyError:` (or `LookupError`, `Exception`, a bare
        `except`, a class fixer cannot place, `with contextlib.suppress(…)`) deleting the read
        would skip the handler, so the read is kept as a statement of its own (`print("DEBUG",
        d["key"])` becomes `d["key"]`), or the site is reported when it runs only sometimes. An
        `except: pass` around the last statement of a try changes nothing and does not count.

        Default `files`: with `files` not configured, writes matching the default `/tmp/*debug*.log`
        are only reported ("not removed until `files` lists the logs to remove"): a service may keep
        one of several debug logs on purpose. List the logs to remove to have them removed.

    Why:
        Debug writes to `/tmp` files survive into releases: they cost a syscall per event, leak data
        into world-readable files and fill disks on long-running workers.

    Example:
        with open("/tmp/python_worker_debug.log", "a") as f:
            f.write(f"got signal {signal.Signals(signum).name}\\n")
        logger.info("shutting down")
        # becomes
        logger.info("shutting down")

    Fix safety:
        Safe: only statements whose sole effect is writing to a matching debug log are removed, and
        their effectful parts are kept. Reported, never touched (the message says why): a `with` doing
        other work or also opening another file, a handle read after its block, an `open` that is not
        the builtin (also any `open` or `print` in a module with a `from M import *` that really exports the name (M read without importing
        it: a repository module's bindings and `__all__`, an installed module's source file, a table
        for C extensions; a module fixer cannot find may export anything)), an effect that cannot stand alone, a path that only sometimes matches (a
        parameter's default, an unknown directory), an unreadable mode, a logging handler on a debug
        log, a write inside a lambda, a write sharing its logical line with other code (`x += 1; \\`),
        every write to a log the module also reads, checks, deletes or creates (`open(PATH)`,
        `os.path.getsize(PATH)`, `os.remove(PATH)`, `PATH.stat()`, `open(PATH, "a").close()`: the
        path given literally, through a constant or a `Path`), and any other form that opens a debug
        log for writing. Kept and
        reported: a module-level import or handle another file of the repo takes through this
        module, and a module-level handle or import the module lists in its `__all__`. Writes to other files are never touched.
    """

    id = "remove-debug-file-writes"
    language = "python"
    default_paths = ("**/*.py",)
    # Files that may take a name from another module (`import`, or a `patch` naming it: fixer.lang.python.importers).
    context_anchor = r"import|patch|__all__"
    params = {
        "files": Param(list, DEFAULT_FILES, "Exact paths or globs of debug log files to remove (unset: only "
                       "report writes to /tmp/*debug*.log).", item_type=str),
        "pure_calls": Param(list, [], "More callables without side effects: imported names (\"app.fmt.describe\") "
                            "or, with a leading dot, method names whatever the object (\".peer\").", item_type=str),
    }
    examples = (
        Example(
            before='import os\n\n\ndef start():\n    with open("/tmp/python_worker_debug.log", "a") as f:\n'
            '        f.write(f"pid={os.getpid()}\\n")\n    serve()\n',
            after="def start():\n    serve()\n",
            params={"files": ["/tmp/python_worker_debug.log"]},
        ),
        Example(
            before='import signal\n\n\ndef on_signal(signum, frame):\n    # DEBUG: log to file\n'
            '    with open("/tmp/python_worker_debug.log", "a") as f:\n'
            '        print("signal", signal.Signals(signum).name, file=f)\n',
            after="def on_signal(signum, frame):\n    pass\n",
            params={"files": ["/tmp/*debug*.log"]},
        ),
        Example(
            before='def record(event):\n    open("/tmp/worker_debug.log", "a").write(str(event))\n'
            '    # Persist the event before acknowledging it\n    store.save(event)\n',
            after="def record(event):\n    # Persist the event before acknowledging it\n    store.save(event)\n",
            params={"files": ["/tmp/*debug*.log"]},
        ),
        Example(
            before='def drain(queue):\n    with open("/tmp/worker_debug.log", "a") as f:\n'
            '        f.write(f"item {queue.get()}\\n")\n',
            after="def drain(queue):\n    queue.get()\n",
            params={"files": ["/tmp/*debug*.log"]},
        ),
        Example(
            before='def fail(exc):\n    with open("/var/log/worker/errors.log", "a") as f:\n'
            "        f.write(str(exc))\n",
            after=None,
            params={"files": ["/tmp/*debug*.log"]},
        ),
        Example(
            before='def dump(state):\n    with open("/tmp/python_worker_debug.log", "a") as f:\n'
            "        f.write(repr(state))\n        state.clear()\n",
            after=None,
            params={"files": ["/tmp/*debug*.log"]},
        ),
        Example(
            before='def start():\n    open("/tmp/python_worker_debug.log", "a").write("start")\n',
            after=None,
        ),
    )

    def __init__(self, **options):
        super().__init__(**options)
        self.configured = "files" in options

    linear_anchors = True  # made from the `files` globs of the config

    def anchor_patterns(self) -> list[str]:
        from fixer.rules.remove_debug_file_writes.paths import anchor_pattern

        return [anchor_pattern(p) for p in self.options["files"]]

    @cached_property
    def literal_regex(self):
        from fixer.rules.remove_debug_file_writes.paths import literal_pattern

        from fixer.core.userregex import compile_linear

        return compile_linear("|".join(f"(?:{literal_pattern(p)})" for p in self.options["files"]))

    @classmethod
    def check_options(cls, values, where):
        from fixer.core.rule import ConfigError

        if not values["files"]:
            raise ConfigError(f"{where}'rules.{cls.id}.files' must name at least one path or glob")

    def gather(self, path: str, text: str):
        """(the names this file takes from the repo's other modules (see fixer.lang.python.importers),
        whether it binds `open`/`print` for a `from … import *` of it (fixer.lang.python.stars))."""
        from fixer.lang.python import stars
        from fixer.lang.python.importers import gather

        return gather(path, text), stars.facts(path, text)

    def check(self, source: Source) -> Outcome:
        from fixer.lang.python import nodes as py_ast
        from fixer.rules.remove_debug_file_writes.writes import Analysis
        from fixer.lang.python.importers import taken_in
        from fixer.lang.python.blocks import Layout, Removal

        from fixer.lang.python import stars

        tree, spans = py_ast.for_source(source)
        gathered = source.context.get(self.id)
        taken = taken_in(source, gathered, lambda facts: facts[0])
        exports = stars.exports(gathered, lambda facts: facts[1]).for_path(source.path)
        analysis = Analysis(tree, spans, self.options["files"], self.options["pure_calls"], self.configured, taken,
                            exports)
        decisions = analysis.decisions(self.literal_regex)
        outcome = Outcome()
        for decision in decisions:
            start, end = spans.start(decision.stmt), spans.end(decision.stmt)
            outcome.findings.append(self.finding(source, start, decision.message, decision.fixed, end,
                                                 evidence=decision.evidence))
        removals = [Removal(stmt, keep) for stmt, keep in analysis.removals(decisions)]
        layout = Layout(self.id, tree, spans, taken=taken)
        if removals:
            outcome.edits = layout.remove(removals)
        outcome.findings = layout.settle(outcome.findings) + layout.findings(self, source)
        return outcome
