"""remove-debugger-calls: every debugger entry point, resolved through imports, in every block
position; tooling and opt-in debugging reported with the reason; argument effects kept."""
from __future__ import annotations

import textwrap

import pytest

from fixer.core.rule import Source, all_rules
from leftover_support import RuleRunner

RULES = all_rules()
RUNNER = RuleRunner("remove-debugger-calls", "app/ledger.py")
rule, run, fix, same = RUNNER.rule, RUNNER.run, RUNNER.fix, RUNNER.same


def test_rule_is_on_by_default_and_listed():
    cls = RULES["remove-debugger-calls"]
    assert cls.default_enabled and cls.language == "python"


# -- every entry point --------------------------------------------------------------------------

@pytest.mark.parametrize("imports, call", [
    ("", "breakpoint()"),
    ("import pdb\n", "pdb.set_trace()"),
    ("import ipdb\n", "ipdb.set_trace(context=5)"),
    ("import pudb\n", "pudb.set_trace()"),
    ("import pdb as debugger\n", "debugger.set_trace()"),
    ("from pdb import set_trace\n", "set_trace()"),
    ("from pdb import set_trace as st\n", "st()"),
    ("from IPython import embed\n", "embed()"),
    ("import IPython\n", "IPython.embed()"),
    ("import pdb\n", "pdb.Pdb().set_trace()"),
    ("", '__import__("pdb").set_trace()'),
    ("import debugpy\n", "debugpy.breakpoint()"),
    ("from celery.contrib import rdb\n", "rdb.set_trace()"),
])
def test_each_debugger_entry_point_goes_with_its_import(imports, call):
    before = (f"{imports}\n\n" if imports else "") + f"def settle(entry):\n    total = entry.amount\n    {call}\n    return total\n"
    assert fix(before) == "def settle(entry):\n    total = entry.amount\n    return total\n"


def test_post_mortem_and_pm_in_an_except_handler():
    before = '''
        import pdb


        def load(path):
            try:
                return parse(path)
            except ValueError:
                pdb.post_mortem()
                raise


        def replay():
            pdb.pm()
            return 1
    '''
    after = '''
        def load(path):
            try:
                return parse(path)
            except ValueError:
                raise


        def replay():
            return 1
    '''
    assert fix(before) == textwrap.dedent(after)


def test_finding_message_and_evidence_say_why():
    result = run("import pdb\n\n\ndef f():\n    pdb.set_trace()\n    return 1\n")
    (finding,) = result.findings
    assert finding.fixed and finding.line == 5
    assert "`pdb.set_trace()`" in finding.message and "stops in the debugger" in finding.message
    assert finding.evidence == "stops in the debugger"
    embed = run("from IPython import embed\nembed()\nx = 1\n").findings[0]
    assert embed.fixed and embed.evidence == "opens an interactive shell"
    post = run("import pdb\ntry:\n    x = 1\nexcept Exception:\n    pdb.post_mortem()\n    raise\n").findings[0]
    assert post.fixed and post.evidence == "enters post-mortem debugging"


# -- block positions ----------------------------------------------------------------------------

def test_one_liner_import_and_call_goes_whole():
    before = "def f(x):\n    import pdb; pdb.set_trace()\n    return x\n"
    assert fix(before) == "def f(x):\n    return x\n"
    before = "def f(x):\n    from IPython import embed; embed()\n    return x\n"
    assert fix(before) == "def f(x):\n    return x\n"
    before = "def f(x):\n    import ipdb; ipdb.set_trace()  # stop here\n    return x\n"
    assert fix(before) == "def f(x):\n    return x\n"


def test_only_statement_of_blocks():
    before = '''
        import pdb


        class Ledger:
            def check(self, entries, lock):
                with lock:
                    pdb.set_trace()
                for entry in entries:
                    breakpoint()
                while entries:
                    entries.pop()
                else:
                    breakpoint()
                try:
                    self.post(entries)
                except KeyError:
                    breakpoint()
                finally:
                    breakpoint()


        class Empty:
            breakpoint()
    '''
    after = '''
        class Ledger:
            def check(self, entries, lock):
                with lock:
                    pass
                for entry in entries:
                    pass
                while entries:
                    entries.pop()
                try:
                    self.post(entries)
                except KeyError:
                    pass


        class Empty:
            pass
    '''
    assert fix(before) == textwrap.dedent(after)


def test_module_level_and_nested_defs():
    before = '''
        import pdb

        RATE = 3
        pdb.set_trace()


        def outer(xs):
            def inner(x):
                breakpoint()
                return x * RATE

            return [inner(x) for x in xs]
    '''
    after = '''
        RATE = 3


        def outer(xs):
            def inner(x):
                return x * RATE

            return [inner(x) for x in xs]
    '''
    assert fix(before) == textwrap.dedent(after)


def test_conditional_breakpoint_goes_with_its_pure_guard():
    before = "def post(entry):\n    if entry.amount < 0: breakpoint()\n    if entry.id == 42:\n        breakpoint()\n" \
             "    return entry\n"
    assert fix(before) == "def post(entry):\n    return entry\n"


def test_a_guard_with_effects_or_an_else_stays():
    before = "def post(entry):\n    if entry.check():\n        breakpoint()\n    if entry.ok:\n        breakpoint()\n" \
             "    else:\n        entry.fail()\n    return entry\n"
    after = "def post(entry):\n    entry.check()\n    if entry.ok:\n        pass\n    else:\n        entry.fail()\n" \
            "    return entry\n"
    assert fix(before) == after


def test_semicolon_lines_with_code_that_stays():
    before = "def f(x):\n    x += 1; breakpoint()\n    breakpoint(); x -= 2\n    y = x; breakpoint(); z = y\n" \
             "    return z\n"
    after = "def f(x):\n    x += 1\n    x -= 2\n    y = x; z = y\n    return z\n"
    assert fix(before) == after


def test_one_line_suites():
    before = "def f(x):\n    if x: x = 2; breakpoint()\n    for i in x: breakpoint(); print(i)\n    return x\n"
    after = "def f(x):\n    if x: x = 2\n    for i in x: print(i)\n    return x\n"
    assert fix(before) == after


def test_import_shared_with_surviving_code_and_used_elsewhere():
    before = "import pdb\n\n\ndef f(x):\n    x += 1; pdb.set_trace()\n    return x\n"
    assert fix(before) == "def f(x):\n    x += 1\n    return x\n"
    before = "import pdb; x = 1\npdb.set_trace()\n"
    assert fix(before) == "x = 1\n"


def test_import_fallback_for_ipdb_goes_whole():
    before = '''
        try:
            import ipdb as pdb
        except ImportError:
            import pdb


        def f(x):
            pdb.set_trace()
            return x
    '''
    assert fix(before) == "\ndef f(x):\n    return x\n"


def test_a_debug_comment_above_goes_with_it():
    before = "def f(x):\n    # debug: stop here\n    breakpoint()\n    # Normalise the amount\n    return abs(x)\n"
    assert fix(before) == "def f(x):\n    # Normalise the amount\n    return abs(x)\n"


# -- arguments with side effects ----------------------------------------------------------------

def test_effectful_arguments_are_kept_as_statements():
    before = "def f(entry):\n    breakpoint(header=describe(entry))\n    return entry\n"
    result = run(before)
    assert result.new == "def f(entry):\n    describe(entry)\n    return entry\n"
    (finding,) = result.findings
    assert finding.fixed and "`describe(entry)`" in finding.message


def test_pure_arguments_just_go():
    before = 'import pdb\nimport sys\n\n\ndef f(entry):\n    pdb.set_trace(header=f"entry {entry.id}")\n' \
             "    pdb.post_mortem(sys.exc_info()[2])\n    return entry\n"
    assert fix(before) == "def f(entry):\n    return entry\n"  # `sys` was only used by the debugger


def test_an_effect_that_cannot_stand_alone_is_reported():
    before = "def f(entry, q):\n    breakpoint(header=q.get() if entry else None)\n    return entry\n"
    result = same(before)
    (finding,) = result.findings
    assert not finding.fixed and "`q.get()`" in finding.message and "side effects" in finding.evidence


# -- names are resolved ---------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "def breakpoint(stage):\n    return stage\n\n\ndef run():\n    breakpoint('load')\n    return 1\n",
    "from .search import embed\n\n\ndef index(vectors):\n    embed(vectors)\n    return vectors\n",
    "from tracing import set_trace\n\n\ndef go():\n    set_trace()\n    return 1\n",
    "def go(tracer):\n    tracer.set_trace()\n    return 1\n",
    "def go(pdb):\n    pdb.set_trace()\n    return 1\n",
    "import vendored_pdb as pdb\n\n\ndef go():\n    pdb.set_trace()\n    return 1\n",
    "class Model:\n    def embed(self, x):\n        return x\n\n    def run(self, x):\n        self.embed(x)\n        return x\n",
    '"""Call breakpoint() or pdb.set_trace() to stop."""\n# breakpoint()\nHELP = "pdb.set_trace()"\n',
])
def test_names_that_are_not_the_debugger_are_untouched(source):
    result = same(source)
    assert result.findings == []


def test_a_star_import_or_a_missing_import_is_reported_not_guessed():
    result = same("from pdb import *\n\n\ndef go():\n    set_trace()\n    return 1\n")
    (finding,) = result.findings
    assert not finding.fixed and "import *" in finding.message
    result = same("def go():\n    pdb.set_trace()\n    return 1\n")
    (finding,) = result.findings
    assert not finding.fixed and "`pdb` is not imported" in finding.message


# -- tooling and opt-in debugging ---------------------------------------------------------------------

def test_a_function_that_starts_the_debugger_is_tooling():
    before = '''
        import pdb
        import sys


        def set_trace():
            """Stop in the debugger, skipping our own frames."""
            pdb.Pdb(skip=["ledger.debugtools"]).set_trace(sys._getframe().f_back)


        def _pdb_excepthook(kind, value, tb):
            pdb.post_mortem(tb)
    '''
    result = same(before)
    assert len(result.findings) == 2 and not any(f.fixed for f in result.findings)
    assert all(f.evidence == "debugger tooling" for f in result.findings)
    assert "`set_trace`" in result.findings[0].message and "`_pdb_excepthook`" in result.findings[1].message


def test_a_module_defining_its_own_debugger_entry_is_tooling():
    before = "import pdb\n\n\nclass LedgerPdb(pdb.Pdb):\n    prompt = '(ledger) '\n\n\n" \
             "def post_entry(entry):\n    pdb.set_trace()\n    return entry\n"
    result = same(before)
    (finding,) = result.findings
    assert not finding.fixed and "`LedgerPdb`" in finding.message and finding.evidence == "debugger tooling"


def test_an_opt_in_debugging_switch_is_reported():
    before = '''
        import os
        import pdb


        def main(args):
            try:
                return run(args)
            except Exception:
                if args.pdb:
                    pdb.post_mortem()
                if os.environ.get("LEDGER_DEBUG"):
                    breakpoint()
                raise
    '''
    result = same(before)
    assert [f.fixed for f in result.findings] == [False, False]
    assert all(f.evidence == "opt-in debugging switch" for f in result.findings)
    assert "`args.pdb`" in result.findings[0].message


def test_a_test_module_that_patches_the_debugger_is_reported():
    before = '''
        import pdb
        from unittest import mock


        def test_hook_stops_in_pdb():
            with mock.patch("pdb.set_trace") as stop:
                pdb.set_trace()
            assert stop.called
    '''
    result = same(before, path="tests/test_hooks.py")
    (finding,) = result.findings
    assert not finding.fixed and finding.evidence == "the module patches the debugger"


def test_a_test_about_the_debugger_is_reported_but_a_stray_one_goes():
    before = "def test_breakpoint_hook(monkeypatch):\n    breakpoint()\n\n\ndef test_totals():\n    breakpoint()\n" \
             "    assert total() == 3\n"
    result = run(before, path="tests/test_ledger.py")
    assert result.new == "def test_breakpoint_hook(monkeypatch):\n    breakpoint()\n\n\ndef test_totals():\n" \
        "    assert total() == 3\n"
    assert [f.fixed for f in result.findings] == [False, True]


def test_noqa_marks_it_intentional():
    result = same("def f():\n    breakpoint()  # noqa: T100\n    return 1\n")
    (finding,) = result.findings
    assert not finding.fixed and "noqa" in finding.evidence


@pytest.mark.parametrize("source, why", [
    ("def f():\n    stop = breakpoint()\n    return stop\n", "value is used"),
    ("def f(x):\n    return x or breakpoint()\n", "value is used"),
    ("hook = lambda: breakpoint()\n", "value is used"),
    ("import pdb\n\n\ndef f():\n    pdb.runcall(g, 1)\n    return 1\n", "runs code under the debugger"),
    ("import debugpy\n\ndebugpy.listen(5678)\ndebugpy.wait_for_client()\n", "remote debugging setup"),
])
def test_forms_that_cannot_simply_go_are_reported(source, why):
    result = same(source)
    assert result.findings and all(not f.fixed and f.evidence == why for f in result.findings)


def test_a_file_without_a_debugger_is_rejected_by_the_anchor():
    anchor = rule().anchor_regex
    for text in ["def embedding(x):\n    return x\n", "TRACE = 1\n", "# set up the debugger later\n", "x.pm = 3\n"]:
        assert not anchor.search(text)
    for text in ["breakpoint()", "pdb.set_trace()", "embed()", "pdb.pm()", "ipdb.sset_trace()", "debugpy.listen(1)",
                 "pdb.runcall(f)", "code.interact(local=locals())"]:
        assert anchor.search(text)


def test_check_on_text_with_an_anchor_but_no_target_returns_nothing():
    outcome = rule().check(Source("a.py", "x = 'breakpoint()'\n"))
    assert outcome.edits == [] and outcome.findings == []


# -- adversarial: opening a shell on purpose, and other positions ----------------------------------------

@pytest.mark.parametrize("source, path", [
    ('import code\n\nfrom django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n'
     '    def handle(self, *args, **options):\n        code.interact(local={"app": self})\n',
     "app/management/commands/console.py"),
    ('import click\nfrom IPython import embed\n\n\n@click.command()\ndef shell_cmd():\n    embed(header="app shell")\n',
     "app/tasks.py"),
    ('from IPython import embed\n\n\ndef main():\n    embed()\n', "app/console.py"),
])
def test_a_shell_command_opens_a_shell_on_purpose(source, path):
    result = same(source, path=path)
    (finding,) = result.findings
    assert not finding.fixed and finding.evidence == "a shell command"


def test_a_breakpoint_in_a_match_case_and_a_function_left_with_its_docstring():
    before = 'def route(cmd):\n    match cmd:\n        case "stop":\n            breakpoint()\n        case _:\n' \
             '            return cmd\n\n\ndef todo():\n    """Not written yet."""\n    breakpoint()\n'
    after = 'def route(cmd):\n    match cmd:\n        case "stop":\n            pass\n        case _:\n' \
            '            return cmd\n\n\ndef todo():\n    """Not written yet."""\n'
    assert fix(before) == after


def test_starred_arguments_follow_the_policy():
    assert fix("def f(*args):\n    breakpoint(*args)\n    return 1\n") == "def f(*args):\n    return 1\n"
    (finding,) = same("def f(items):\n    breakpoint(*items)\n    return 1\n").findings
    assert not finding.fixed and "iterates" in finding.message


def test_a_debugger_installed_on_purpose_is_reported():
    """A parser's `set_break()` wraps its parse method in a breaker that stops in pdb (the shape of
    pyparsing's ParserElement.set_break); a comment says the call is intended."""
    before = '''
        class Grammar:
            def set_break(self, enabled=True):
                if enabled:
                    parse = self.parse

                    def breaker(text):
                        import pdb

                        # stopping here is intentional: set_break() asked for it
                        pdb.set_trace()
                        return parse(text)

                    self.parse = breaker
                return self
    '''
    (finding,) = same(before).findings
    assert not finding.fixed


@pytest.mark.parametrize("comment", ["# intentional: drop into the debugger", "# deliberately stop here",
                                     "# keep: this is on purpose", "# not a leftover"])
def test_a_comment_saying_the_call_is_intended_is_respected(comment):
    before = f"def replay(journal):\n    {comment}\n    breakpoint()\n    return journal\n"
    (finding,) = same(before).findings
    assert not finding.fixed and finding.evidence == "a comment says it is intended"
