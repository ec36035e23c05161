"""Issue 18, class 4: a read that can raise, under a `try` whose handler could catch it, is not pure.
Deleting `print("DEBUG", d["key"])` under `except KeyError:` would skip the handler; the read is kept
as a statement (or the site reported when it runs only sometimes). Checked by running the functions
before and after the fix."""
from __future__ import annotations

import textwrap

import pytest

from round3_support import call, fixed

CASES = {
    "subscript": ('''
        def get(d):
            try:
                print("DEBUG", d["key"])
            except KeyError:
                d["key"] = "default"
            return d["key"]
        ''', "get", [{}], 'd["key"]'),
    "attribute": ('''
        def name_of(obj):
            try:
                print("DEBUG name", obj.name)
                return "has a name"
            except AttributeError:
                return "no name"
        ''', "name_of", [object()], "obj.name"),
    "int": ('''
        def kind(s):
            try:
                print(f"DEBUG {int(s)}")
                return "number"
            except ValueError:
                return "text"
        ''', "kind", ["abc"], "int(s)"),
    "parent class": ('''
        def first(items):
            try:
                print("DEBUG first", items[0])
                return "some"
            except LookupError:
                return "none"
        ''', "first", [[]], "items[0]"),
    "own exception class": ('''
        class Missing(KeyError):
            pass

        def get(d):
            try:
                print("DEBUG", d["key"])
            except Missing:
                return "missing"
            return "found"
        ''', "get", [{"key": 1}], 'd["key"]'),
    "suppress": ('''
        import contextlib

        def touch(d):
            d["seen"] = False
            with contextlib.suppress(KeyError):
                print("DEBUG", d["key"])
                d["seen"] = True
            return d["seen"]
        ''', "touch", [{}], 'd["key"]'),
}


@pytest.mark.parametrize("case", CASES)
def test_a_read_a_handler_catches_is_kept_and_the_function_returns_the_same(case):
    source, function, args, read = CASES[case]
    source = textwrap.dedent(source)
    before, _ = call(source, function, *args)
    result = fixed("remove-debug-prints", source)
    assert "print(" not in result.new
    assert any(line.strip() == read for line in result.new.splitlines()), result.new
    after, printed = call(result.new, function, *args)
    assert after == before and printed == ""
    (finding,) = result.findings
    assert finding.fixed and f"`{read}` may raise" in finding.message and "catches" in finding.message


def test_without_a_handler_that_could_catch_it_the_read_goes():
    source = textwrap.dedent('''
        def get(d):
            try:
                print("DEBUG", d["key"], obj_name(d))
            except OSError:
                return "io"
            print("DEBUG after", d["key"])
            return d["key"]

        def obj_name(d):
            return "n"
        ''')
    result = fixed("remove-debug-prints", source)
    lines = [line.strip() for line in result.new.splitlines()]
    assert 'd["key"]' not in lines and "obj_name(d)" in lines
    assert call(result.new, "get", {"key": 1}) == (1, "")


def test_a_nested_function_does_not_inherit_the_outer_handler():
    source = '''
        def outer(d):
            try:
                def inner():
                    print("DEBUG", d["key"])
                    return 1
                return inner()
            except KeyError:
                return 0
        '''
    result = fixed("remove-debug-prints", source)
    assert 'd["key"]' not in result.new


def test_a_read_that_runs_only_sometimes_under_a_handler_is_reported():
    source = '''
        def get(d, flag):
            try:
                print("DEBUG", flag and d["key"])
            except KeyError:
                return "missing"
            return "found"
        '''
    result = fixed("remove-debug-prints", source)
    assert result.new == textwrap.dedent(source)
    (finding,) = result.findings
    assert not finding.fixed and 'd["key"]' in finding.message


def test_debugger_and_file_write_rules_share_the_policy(tmp_path):
    source = textwrap.dedent('''
        import pdb

        def get(d):
            try:
                pdb.set_trace(header=d["key"])
            except KeyError:
                return "missing"
            return "found"
        ''')
    result = fixed("remove-debugger-calls", source)
    assert "set_trace" not in result.new and '    d["key"]\n' in result.new
    assert call(result.new, "get", {}) == ("missing", "")
    writes = textwrap.dedent('''
        def get(d):
            try:
                with open("/tmp/debug.log", "a") as f:
                    f.write(str(d["key"]))
            except KeyError:
                return "missing"
            return "found"
        ''')
    result = fixed("remove-debug-file-writes", writes, files=["/tmp/debug.log"])
    assert "open(" not in result.new and '        d["key"]\n' in result.new, result.new
    assert "may raise KeyError" in result.findings[0].message
    assert call(result.new, "get", {}) == ("missing", "")


def test_an_except_pass_around_the_last_statement_changes_nothing_so_the_read_goes():
    source = textwrap.dedent('''
        def tag(d):
            d["n"] = 0
            try:
                d["n"] = 1
                print("DEBUG", d["key"])
            except Exception:
                pass
            return d["n"]
        ''')
    result = fixed("remove-debug-prints", source)
    assert 'd["key"]' not in result.new
    assert call(result.new, "tag", {}) == call(source, "tag", {})[:1] + ("",)


def test_an_except_pass_that_would_skip_later_statements_keeps_the_read():
    source = textwrap.dedent('''
        def tag(d):
            d["n"] = 0
            try:
                print("DEBUG", d["key"])
                d["n"] = 1
            except Exception:
                pass
            return d["n"]
        ''')
    result = fixed("remove-debug-prints", source)
    assert '        d["key"]\n' in result.new
    assert call(result.new, "tag", {}) == (0, "") == (call(source, "tag", {})[0], "")
