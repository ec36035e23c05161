"""The second adversarial round on the Python rules: backslash continuations, debug logs the program
reads back, callables and iterators handed to the writing call, `__all__`, indirect debugger calls and
`if __debug__:`. Where behaviour matters the code runs before and after the fix."""
from __future__ import annotations

import textwrap

import pytest

from leftover_support import RuleRunner

DEBUGGERS = RuleRunner("remove-debugger-calls", "app/steps.py")
PRINTS = RuleRunner("remove-debug-prints", "app/steps.py")
LOG = "/tmp/round2_debug.log"
WRITES = RuleRunner("remove-debug-file-writes", "app/steps.py")


def results(text: str, calls: list[str]) -> list:
    """Run the module with the debugging builtins stubbed; the value of each call expression."""
    namespace = {"breakpoint": lambda *a, **k: None, "print": lambda *a, **k: None}
    exec(compile(text, "steps.py", "exec"), namespace)
    return [eval(call, namespace) for call in calls]


def no_dangling_continuation(text: str) -> None:
    """No line ending in a backslash or a `;` was left in front of removed code."""
    for line in text.splitlines():
        assert not line.rstrip().endswith(";"), line


# -- 1. backslash continuations ------------------------------------------------------------------------
CONTINUED = """\
def k(x, c):
    if c:
        x += 1; \\
            breakpoint()
    return x * 10


def k2(x):
    for i in range(3):
        x += i; \\
breakpoint()
    return x
"""
CALLS = ["k(1, False)", "k(1, True)", "k2(0)"]


def test_a_continued_statement_goes_with_its_semicolon_and_backslash():
    result = DEBUGGERS.run(CONTINUED)
    assert "breakpoint" not in result.new
    assert "        x += 1\n    return x * 10" in result.new
    assert "        x += i\n    return x" in result.new
    assert results(result.new, CALLS) == results(CONTINUED, CALLS) == [10, 20, 3]
    assert all(f.fixed for f in result.findings)


def test_a_leftover_continued_onto_the_next_statement_goes_with_its_backslash():
    source = """\
    def a(x):
        breakpoint(); \\
            x += 1
        return x


    def f(x):
        breakpoint() ; \\
        \\
        x = 3
        return x
    """
    result = DEBUGGERS.run(source)
    assert "breakpoint" not in result.new and "\\" not in result.new
    assert results(result.new, ["a(1)", "f(0)"]) == results(textwrap.dedent(source), ["a(1)", "f(0)"]) == [2, 3]


def test_a_print_after_a_continued_statement_keeps_the_block_structure():
    source = """\
    def k(x, c):
        if c:
            x += 1; \\
                print("DEBUG x =", x)
        return x * 10
    """
    result = PRINTS.run(source)
    no_dangling_continuation(result.new)
    assert "print" not in result.new and "\\" not in result.new
    assert results(result.new, ["k(1, False)", "k(1, True)"]) == [10, 20]


def test_a_debug_write_continued_from_a_statement_that_stays_is_reported():
    source = f"""\
    def d(x, c):
        if c:
            x += 1; \\
                open("{LOG}", "a").write("hi")
        return x * 10
    """
    result = WRITES.run(source, files=[LOG])
    assert result.new == textwrap.dedent(source)
    [finding] = result.findings
    assert not finding.fixed and "shares its line" in finding.message


def test_a_leftover_a_header_continues_onto_goes_with_its_guard():
    source = """\
    def k(x, c):
        if c(): \\
            breakpoint()
        return x
    """
    result = DEBUGGERS.run(source)
    assert result.new.endswith("(x, c):\n    c()\n    return x\n")
    assert all(f.fixed for f in result.findings)


def test_a_whole_line_deletion_after_a_backslash_line_is_refused():
    """The safety net behind `joined`: a line a backslash joins to the one before is never deleted."""
    import ast

    from fixer.core.edits import LineIndex
    from fixer.lang.python.nodes import Spans
    from fixer.lang.python.blocks import Layout, Removal

    text = "def k(x):\n    x += 1; \\\n    breakpoint()\n    return x\n"
    tree = ast.parse(text)
    spans = Spans(LineIndex(text))
    layout = Layout("remove-debugger-calls", tree, spans)
    layout._cut_shared_lines = lambda block, picked, chosen: picked  # as if `joined` had missed it
    stmt = tree.body[0].body[1]
    assert layout.remove([Removal(stmt)]) == []
    assert layout.refused == [stmt]


# -- 2. a debug log the program itself reads, checks, deletes or creates -------------------------------
def reported_all(source: str, files=(LOG,)) -> list:
    """The source stays as it is; every finding is "needs review"."""
    result = WRITES.run(source, files=list(files))
    assert result.new == textwrap.dedent(source)
    assert result.findings and not any(f.fixed for f in result.findings)
    return result.findings


@pytest.mark.parametrize("use, line", [
    ('n = len(open("{log}").read())', 'open("{log}")'),
    ('n = Path("{log}").read_text()', 'Path("{log}").read_text()'),
    ('n = os.path.getsize("{log}")', 'os.path.getsize("{log}")'),
    ('os.remove("{log}")', 'os.remove("{log}")'),
    ('os.chmod(DEBUG_LOG, 0o600)', "os.chmod(DEBUG_LOG, 0o600)"),
    ('n = LOGFILE.stat().st_size', "LOGFILE.stat()"),
    ('open(DEBUG_LOG, "a").close()', 'open(DEBUG_LOG, "a").close()'),
])
def test_a_log_the_module_also_uses_is_reported_at_every_write(use, line):
    source = f"""\
    import os
    from pathlib import Path

    DEBUG_LOG = "{LOG}"
    LOGFILE = Path(DEBUG_LOG)


    def a(x):
        with open("{LOG}", "a") as f:
            f.write(str(x))


    def b(x):
        open(DEBUG_LOG, "a").write(str(x))
        LOGFILE.write_text(str(x))


    def c():
        {use.format(log=LOG)}
    """
    findings = reported_all(source)
    writes = [f for f in findings if "also uses the log" in f.message]
    assert len(writes) >= 3
    assert all("line 19" in f.message for f in writes if f.line != 19)


def test_of_two_uses_on_one_line_the_first_in_the_walks_order_is_reported():
    # An IfExp's test comes before its body in the tree: `exists` is found first, though written last.
    source = f"""\
    import os

    DEBUG_LOG = "{LOG}"


    def a(x):
        with open(DEBUG_LOG, "a") as f:
            f.write(str(x))


    def size():
        return os.path.getsize(DEBUG_LOG) if os.path.exists(DEBUG_LOG) else 0
    """
    [finding] = reported_all(source)
    assert "at line 12 (`os.path.exists(DEBUG_LOG)`)" in finding.message


def test_a_log_read_only_in_another_path_does_not_stop_the_removal():
    source = f"""\
    import os


    def a(x):
        with open("{LOG}", "a") as f:
            f.write(str(x))
        return os.path.getsize("/tmp/other_debug.log")
    """
    result = WRITES.run(source, files=[LOG])
    assert "open(" not in result.new and all(f.fixed for f in result.findings)


# -- 3. callables the write invokes; 4. iterators it consumes --------------------------------------------
HELPERS = """\
import json
import os

seen = []


def ser(o):
    seen.append(o)
    return str(o)


def opener(path, flags):
    seen.append(path)
    return os.open(path, flags, 0o644)


class Encoder(json.JSONEncoder):
    def default(self, o):
        seen.append(o)
        return str(o)


"""


@pytest.mark.parametrize("write, named", [
    (f'with open("{LOG}", "a", opener=opener) as f:\n        f.write(str(x))', "opener"),
    (f'with open("{LOG}", "a") as f:\n        json.dump(x, f, default=ser)', "ser"),
    (f'with open("{LOG}", "a") as f:\n        json.dump(x, f, cls=Encoder)', "Encoder"),
    (f'open("{LOG}", "a").writelines(x)', "iterates `x`"),
    (f'with open("{LOG}", "a") as f:\n        f.writelines(x)', "iterates `x`"),
])
def test_a_callable_or_iterator_handed_to_the_write_is_named_not_removed(write, named):
    source = HELPERS + f"def step(x):\n    {write}\n    return len(seen)\n"
    result = WRITES.run(source, files=[LOG])
    assert result.new == source
    [finding] = result.findings
    assert not finding.fixed and named in finding.message


def test_a_pure_default_and_a_literal_list_still_go():
    source = HELPERS + (f'def step(x):\n    with open("{LOG}", "a") as f:\n        json.dump(x, f, default=str)\n'
                        f'        f.writelines(["a\\n", "b\\n"])\n    return x\n')
    result = WRITES.run(source, files=[LOG])
    assert LOG not in result.new and all(f.fixed for f in result.findings)


# -- 5. names the module exports in `__all__` --------------------------------------------------------------
@pytest.mark.parametrize("exported", ['__all__ = ["LOG", "note"]', '__all__ = ("note",)\n__all__ += ["LOG"]'])
def test_a_module_level_handle_named_in_all_stays_and_is_reported(exported):
    source = exported + f'\n\nLOG = open("{LOG}", "a")\n\n\ndef note(x):\n    LOG.write(str(x))\n'
    result = WRITES.run(source, files=[LOG])
    assert f'LOG = open("{LOG}", "a")' in result.new
    line = source.splitlines().index(f'LOG = open("{LOG}", "a")') + 1
    [handle] = [f for f in result.findings if f.line == line]
    assert not handle.fixed and "`__all__`" in handle.message


# -- 7. a debugger reached through a name ---------------------------------------------------------------
def test_a_debugger_entry_bound_to_a_name_is_reported_at_the_binding_and_the_calls():
    source = """\
    import pdb

    trace = pdb.set_trace


    def d(x):
        trace()
        return x
    """
    result = DEBUGGERS.same(source)
    found = {f.line: f for f in result.findings}
    assert set(found) == {3, 7} and not any(f.fixed for f in found.values())
    assert "`pdb.set_trace`" in found[3].message and "line 7" in found[3].message
    assert "`trace`" in found[7].message and "line 3" in found[7].message


def test_set_trace_on_a_debugger_instance_is_reported():
    source = """\
    import pdb


    def a(x):
        p = pdb.Pdb()
        p.set_trace()
        return x
    """
    result = DEBUGGERS.same(source)
    [finding] = result.findings
    assert not finding.fixed and finding.line == 6 and "`pdb.Pdb`" in finding.message


# -- 8. `if __debug__:` ------------------------------------------------------------------------------------
def test_a_debugger_under_dunder_debug_is_reported_with_the_accurate_reason():
    source = """\
    def a(x):
        if __debug__:
            breakpoint()
        return x
    """
    [finding] = DEBUGGERS.same(source).findings
    assert not finding.fixed and "opt-in" not in finding.message
    assert "`__debug__` is true unless Python runs with -O" in finding.message


def test_an_import_only_removed_code_used_but_listed_in_all_stays_and_is_reported():
    source = """\
    import pdb

    __all__ = ["pdb", "step"]


    def step(x):
        pdb.set_trace()
        return x
    """
    result = DEBUGGERS.run(source)
    assert result.new.startswith("import pdb\n") and "set_trace" not in result.new
    [kept] = [f for f in result.findings if not f.fixed]
    assert kept.line == 1 and "`__all__`" in kept.message


def test_a_print_under_dunder_debug_is_reported_with_the_accurate_reason():
    source = """\
    def a(x):
        if __debug__:
            print("DEBUG x =", x)
        return x
    """
    [finding] = PRINTS.same(source).findings
    assert not finding.fixed and "output switch" not in finding.message
    assert "`__debug__` is true unless Python runs with -O" in finding.message


def test_an_opener_passed_by_position_is_named():
    source = HELPERS + f'def step(x):\n    with open("{LOG}", "a", -1, None, None, None, True, opener) as f:\n' \
                       '        f.write(str(x))\n    return x\n'
    result = WRITES.run(source, files=[LOG])
    assert result.new == source
    [finding] = result.findings
    assert not finding.fixed and "`opener`" in finding.message


# -- the importers index cache (the full suite filled it before the build-once test) -------------------
def test_a_full_index_cache_keeps_the_indexes_in_use(monkeypatch):
    from collections import OrderedDict

    from fixer.core import textcache
    from fixer.lang.python import importers as py_importers

    built = []
    monkeypatch.setattr(textcache, "_run_entries", OrderedDict())
    monkeypatch.setattr(py_importers.Importers, "__init__", lambda self, facts: built.append(facts))
    earlier = [[n] for n in range(8)]  # other runs' lists, still alive
    for gathered in earlier:
        py_importers.importers(gathered)
    first, second = ["debuggers"], ["writes"]
    for _ in range(3):  # two rules of one run, file after file
        py_importers.importers(first)
        py_importers.importers(second)
    assert len(built) == 10
