"""remove-debug-prints: only prints with stated leftover evidence go; output on purpose is never
touched; a leftover-looking print in an output context, or a print with no evidence either way, is
reported with the reason."""
from __future__ import annotations

import textwrap

import pytest

from fixer.core.rule import ConfigError, Source, all_rules
from leftover_support import RuleRunner

RULES = all_rules()
RUNNER = RuleRunner("remove-debug-prints", "inventory/core.py")
rule, run, fix, same = RUNNER.rule, RUNNER.run, RUNNER.fix, RUNNER.same


def test_off_by_default_with_messages_and_exclude():
    cls = RULES["remove-debug-prints"]
    assert not cls.default_enabled and cls.language == "python"
    assert "messages" in cls.params
    assert rule(exclude=["scripts/**"]).applies_to("inventory/core.py")
    assert not rule(exclude=["scripts/**"]).applies_to("scripts/seed.py")
    with pytest.raises(ConfigError, match="messages"):
        rule(messages=["(unclosed"])


# -- leftover evidence -----------------------------------------------------------------------------

@pytest.mark.parametrize("call, evidence", [
    ('print("DEBUG rows", rows)', 'message starts with "DEBUG"'),
    ('print(f"DEBUG: {len(rows)} rows")', 'message starts with "DEBUG"'),
    ('print("debug: rows", rows)', 'message starts with "debug:"'),
    ('print(">>> rows", rows)', 'message starts with ">>>"'),
    ('print("!!! rows", rows)', 'message starts with "!!!"'),
    ('print("XXX rows", rows)', 'message starts with "XXX"'),
    ('print("\\n>>> rows")', 'message starts with ">>>"'),
    ("print(locals())", "prints `locals()`"),
    ("print(vars(self))", "prints `vars(self)`"),
    ("print(self.__dict__)", "prints `self.__dict__`"),
    ("print(type(rows))", "prints `type(rows)`"),
    ("print(repr(self._index))", "prints internals `self._index`"),
    ('print(f"{rows=}")', "self-documenting f-string `{rows=}`"),
    ('print(f"count: {len(rows) = }")', "self-documenting f-string `{len(rows) = }`"),
    ('print("here")', "trace marker message"),
    ('print("got here 2")', "trace marker message"),
    ('print("entering load")', "trace marker message"),
])
def test_each_kind_of_evidence_removes_the_print(call, evidence):
    before = f"class Store:\n    def load(self, rows):\n        {call}\n        self.rows = rows\n"
    result = run(before)
    assert result.new == "class Store:\n    def load(self, rows):\n        self.rows = rows\n"
    (finding,) = result.findings
    assert finding.fixed and finding.evidence == evidence
    assert finding.message.startswith("removed debug print") and evidence in finding.message


def test_a_print_under_a_debug_comment_goes_with_the_comment():
    before = '''
        def load(rows):
            # debug
            print(rows)
            # Drop the header row
            rows.pop(0)
            print(len(rows))  # temporary
    '''
    after = '''
        def load(rows):
            # Drop the header row
            rows.pop(0)
    '''
    result = run(before)
    assert result.new == textwrap.dedent(after)
    assert [f.evidence for f in result.findings] == ["marked by a debug comment", "marked by a debug comment"]


def test_a_data_functions_only_print_goes():
    before = '''
        def parse_row(line):
            fields = line.split(",")
            print("parse_row", fields)
            return {"name": fields[0], "qty": int(fields[1])}
    '''
    result = run(before)
    assert "print" not in result.new
    assert result.findings[0].evidence == "a data function's only print"


def test_a_warning_in_a_data_function_is_not_that_evidence():
    before = '''
        def load_config(path):
            if not path.exists():
                print(f"warning: {path} not found, using defaults")
                return DEFAULTS
            return read(path)
    '''
    result = same(before)
    (finding,) = result.findings
    assert not finding.fixed and finding.evidence == "no evidence either way"


def test_messages_param_adds_markers():
    before = 'def f(x):\n    print("[trace] x", x)\n    return x\n'
    assert fix(before, messages=[r"^\[trace\]"]) == "def f(x):\n    return x\n"
    finding = run(before, messages=[r"^\[trace\]"]).findings[0]
    assert finding.evidence == "message matches `^\\[trace\\]`"


def test_effects_in_arguments_are_kept():
    before = 'def drain(queue, rows):\n    print("DEBUG next", queue.get())\n    rows.append(1)\n'
    result = run(before)
    assert result.new == "def drain(queue, rows):\n    queue.get()\n    rows.append(1)\n"
    assert "`queue.get()`" in result.findings[0].message
    blocked = 'def drain(queue, rows):\n    print("DEBUG next", queue.get() if rows else None)\n    rows.append(1)\n'
    (finding,) = same(blocked).findings
    assert not finding.fixed and "`queue.get()`" in finding.message


def test_block_positions_and_semicolons():
    before = '''
        def total(items):
            value = 0
            for item in items:
                print("DEBUG item", item)
            if value > 10: print(f"{value=}")
            value += 1; print("DEBUG value", value)
            try:
                value += compute(items)
            except ValueError:
                print("DEBUG failed")
                raise
            return value
    '''
    after = '''
        def total(items):
            value = 0
            for item in items:
                pass
            value += 1
            try:
                value += compute(items)
            except ValueError:
                raise
            return value
    '''
    assert fix(before) == textwrap.dedent(after)


def test_pprint_leftovers_and_their_import():
    before = "from pprint import pprint\n\n\ndef load(rows):\n    pprint(locals())\n    return rows\n"
    assert fix(before) == "def load(rows):\n    return rows\n"


# -- output on purpose ---------------------------------------------------------------------------------

@pytest.mark.parametrize("source, evidence", [
    ('import sys\n\n\ndef warn(rows):\n    print("DEBUG rows", rows, file=sys.stderr)\n    return rows\n',
     "writes to `sys.stderr` on purpose"),
    ('if __name__ == "__main__":\n    print("DEBUG running")\n', "in the `__main__` block"),
    ('def main():\n    print("DEBUG start")\n    return 0\n', "in CLI entry point `main`"),
    ('import click\n\n\n@click.command()\ndef sync():\n    print(">>> syncing")\n', "in CLI entry point `sync`"),
    ('import typer\n\napp = typer.Typer()\n\n\n@app.command()\ndef sync():\n    print(">>> syncing")\n',
     "in CLI entry point `sync`"),
    ('import argparse\n\n\ndef run(argv):\n    parser = argparse.ArgumentParser()\n    args = parser.parse_args(argv)\n'
     '    print("DEBUG args", args)\n    return args\n', "in CLI entry point `run`"),
    ('class Item:\n    def __repr__(self):\n        print(locals())\n        return "Item()"\n',
     "a `__repr__`/`__str__` helper"),
    ('def show_table(rows):\n    print(f"{rows=}")\n', "printing is the function's job"),
    ('def verbose_load(rows, verbose):\n    if verbose:\n        print("DEBUG rows", rows)\n    return rows\n',
     "guarded by an output switch"),
    ('import io\nfrom contextlib import redirect_stdout\n\n\ndef capture(rows):\n    buf = io.StringIO()\n'
     '    with redirect_stdout(buf):\n        print("DEBUG rows", rows)\n    return buf.getvalue()\n',
     "output is captured"),
    ('def load(rows):\n    print("DEBUG rows", rows)  # noqa: T201\n    return rows\n', "marked `# noqa`"),
])
def test_leftover_looking_prints_in_output_contexts_are_reported_not_removed(source, evidence):
    result = same(source)
    (finding,) = result.findings
    assert not finding.fixed and finding.evidence == evidence
    assert "not removed" in finding.message and "looks like a debug leftover" in finding.message


@pytest.mark.parametrize("path, source", [
    ("inventory/report.py", 'def totals(rows):\n    rows.sort()\n    print("XXX widths", rows)\n'),
    ("inventory/cli.py", 'def totals(rows):\n    rows.sort()\n    print("XXX widths", rows)\n'),
    ("scripts/seed.py", 'def totals(rows):\n    rows.sort()\n    print("XXX widths", rows)\n'),
    ("inventory/tables.py", 'def a(r):\n    r.sort()\n    print("Name", r)\n\n\ndef b(r):\n    r.sort()\n'
                            '    print("Qty", r)\n\n\ndef c(r):\n    r.sort()\n    print("XXX widths", r)\n'),
    ("seed.py", 'import csv\n\nfor row in csv.reader(open("seed.csv")):\n    insert(row)\nprint("DEBUG done")\n'),
])
def test_modules_whose_job_is_output_are_reported_not_removed(path, source):
    result = run(source, path=path)
    assert result.new == source
    leftover = [f for f in result.findings if "XXX" in f.message or "DEBUG" in f.message]
    assert leftover and not leftover[0].fixed
    assert leftover[0].evidence in ("the module's job is output", "a script's output")


def test_intentional_prints_are_silent():
    before = '''
        import sys


        class Item:
            def __str__(self):
                return f"{self.name} x{self.qty}"


        def print_table(rows):
            for row in rows:
                print(f"{row.name:<20} {row.qty:>5}")


        def main(argv=None):
            rows = load(argv)
            print_table(rows)
            print(f"{len(rows)} items", file=sys.stderr)
            return 0


        if __name__ == "__main__":
            print("inventory 1.0")
            raise SystemExit(main())
    '''
    result = same(before)
    assert result.findings == []


def test_console_script_targets_are_entry_points():
    setup = 'from setuptools import setup\n\nsetup(name="inv", entry_points={"console_scripts": ' \
            '["inv = inventory.tasks:run", "inv-report=inventory.tasks:report_all"]})\n'
    facts = rule().gather("setup.py", setup)
    context = {"remove-debug-prints": [facts]}
    source = 'def run():\n    print("DEBUG start")\n\n\ndef helper():\n    print("DEBUG helper")\n    return 1\n'
    result = run(source, path="src/inventory/tasks.py", context=context)
    assert result.new == 'def run():\n    print("DEBUG start")\n\n\ndef helper():\n    return 1\n'
    assert result.findings[0].evidence == "in CLI entry point `run`"


def test_no_evidence_either_way_is_reported():
    before = 'def connect(host):\n    print("Connecting to", host)\n    open_socket(host)\n'
    (finding,) = same(before).findings
    assert not finding.fixed and finding.evidence == "no evidence either way"
    assert "not removed" in finding.message


def test_a_shadowed_print_is_not_the_builtin():
    before = 'from rich import print\n\n\ndef f(rows):\n    print("DEBUG rows", rows)\n    return rows\n'
    assert same(before).findings == []
    before = 'def f(rows, print):\n    print("DEBUG rows", rows)\n    return rows\n'
    assert same(before).findings == []


def test_a_print_whose_value_is_used_is_reported():
    before = 'def f(rows):\n    done = print("DEBUG rows", rows)\n    return rows\n'
    (finding,) = same(before).findings
    assert not finding.fixed and finding.evidence == "value is used"
    before = 'def f(rows):\n    rows.sort(key=lambda r: print("DEBUG", r) or r)\n    return rows\n'
    (finding,) = same(before).findings
    assert not finding.fixed and finding.evidence == "value is used"


def test_the_anchor_is_cheap_and_precise():
    anchor = rule().anchor_regex
    assert anchor.search("print(x)") and anchor.search("pprint(x)") and anchor.search("print (x)")
    assert not anchor.search("blueprint = 1\n") and not anchor.search("fingerprint(x)") and not anchor.search(
        "self.printer.flush()")
    assert rule().check(Source("a.py", "x = 'print(1)'\n")).findings == []


# -- adversarial: real code that prints on purpose in ways the first version got wrong --------------------

@pytest.mark.parametrize("source", [
    # a REPL prompt: `end=` formats the output
    'def interact_loop(handler):\n    while True:\n        print(">>> ", end="", flush=True)\n        handler(input())\n',
    # a progress line
    'def copy_all(paths):\n    for i, path in enumerate(paths):\n        print(f"\\r!!! {i}", end="")\n        copy(path)\n',
    # argparse sub-command handlers registered with set_defaults(func=...)
    'import argparse\n\n\ndef cmd_list(args):\n    print("DEBUG", args)\n\n\ndef build():\n'
    '    parser = argparse.ArgumentParser()\n    sub = parser.add_subparsers()\n'
    '    sub.add_parser("list").set_defaults(func=cmd_list)\n    return parser\n',
    # typer/click commands registered by a call rather than a decorator
    'import typer\n\napp = typer.Typer()\n\n\ndef sync(force: bool = False):\n    print(">>> syncing")\n\n\n'
    'app.command()(sync)\n',
    'import click\n\n\n@click.group()\ndef cli():\n    pass\n\n\ndef sync():\n    print(">>> syncing")\n\n\n'
    'cli.add_command(click.command()(sync))\n',
    # a program's own debug-output helper: printing debug lines is its job
    'DEBUG = False\n\n\ndef debug(message):\n    print(f"DEBUG: {message}")\n\n\ndef load(rows):\n    debug("loading")\n'
    '    return rows\n',
    'def trace(*args):\n    print(">>>", *args)\n',
])
def test_output_on_purpose_that_looks_like_debugging_is_never_removed(source):
    same(source)


@pytest.mark.parametrize("source", [
    'def run_job(job):\n    try:\n        job.run()\n    except Exception as exc:\n'
    '        print(f"Job failed: {type(exc).__name__}: {exc}")\n',
    'class Store:\n    def open(self):\n        if not self._path.exists():\n'
    '            print(f"error: cannot open {self._path}")\n        return self._path.open()\n',
    'def export(rows, path):\n    write_csv(path, rows)\n    print(f"{len(rows)} rows exported to {path}")\n'
    '    return len(rows)\n',
    'def validate(config):\n    problems = [k for k in config if k not in KNOWN]\n    for key in problems:\n'
    '        print("Unknown setting:", key)\n    return problems\n',
])
def test_user_facing_messages_are_not_taken_for_leftovers(source):
    result = same(source)
    assert all(not f.fixed for f in result.findings)


@pytest.mark.parametrize("source", [
    # user-facing messages built with `%` and `.format` (seen in CPython's turtle.py and lib2to3)
    'def config_dict(filename):\n    cfg = {}\n    for line in read(filename):\n        if "=" not in line:\n'
    '            print("Bad line in config-file %s:\\n%s" % (filename, line))\n            continue\n'
    '        cfg[line] = 1\n    return cfg\n',
    'def load(path):\n    try:\n        f = open(path)\n    except OSError as err:\n'
    '        print("Can\'t open {}: {}".format(path, err))\n        return False\n    return f.read()\n',
    # a demo function echoing its own arguments (CPython's bdb.py): not evidence of a leftover
    "def bar(a):\n    print('bar(', a, ')')\n    return a / 2\n",
])
def test_messages_and_argument_echoes_are_not_a_data_functions_leftover(source):
    result = same(source)
    assert all(not f.fixed for f in result.findings)


def test_a_diagnostic_dump_beside_an_explicit_stream_write_is_output():
    """A self-check that prints its internal state when an invariant fails, right after printing the
    traceback to stdout (the shape of sortedcontainers' SortedList._check)."""
    before = '''
        import sys
        import traceback


        class Ring:
            def _check(self):
                try:
                    assert len(self._slots) == self._size
                except AssertionError:
                    traceback.print_exc(file=sys.stdout)
                    print("size", self._size)
                    print("slots", self._slots)
                    raise
    '''
    result = same(before)
    assert result.findings and all(not f.fixed and f.evidence == "part of a block's output" for f in result.findings)


def test_a_comment_saying_the_print_is_intended_is_respected():
    before = 'def load(rows):\n    print("DEBUG rows", rows)  # intentional: shown in the demo\n    return rows\n'
    (finding,) = same(before).findings
    assert not finding.fixed and finding.evidence == "a comment says it is intended"


def test_printing_the_caught_error_is_reporting_not_a_leftover():
    """A handler that prints the error it caught (the shape of a GLib watch callback in PyGObject)."""
    before = '''
        def on_readable(sock):
            try:
                return bool(sock.recv(1))
            except OSError as exc:
                print(exc)
                return False
    '''
    result = same(before)
    assert all(not f.fixed for f in result.findings)
