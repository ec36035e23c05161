"""remove-debug-prints and doctests, as found on real libraries: a doctest asserts a print's output only
when its expected lines could hold it. A labelled print (`DEBUG conv`, `{item=}`) inside a function a
doctest calls makes that doctest fail, so the doctest asserts the result, not the print; and examples
marked `+SKIP` never run. Each case runs the module's doctests before and after the fix."""
from __future__ import annotations

import doctest
import textwrap
import types

from leftover_support import RuleRunner

RUNNER = RuleRunner("remove-debug-prints", "tablekit/cells.py")
run, same = RUNNER.run, RUNNER.same


def doctest_failures(source: str) -> int:
    """Run the module's doctests (module, class and function docstrings) and count the failures."""
    module = types.ModuleType("cells")
    exec(compile(source, "cells.py", "exec"), module.__dict__)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, "cells", globs=dict(module.__dict__)):
        runner.run(test, out=lambda _text: None)
    return runner.failures


# a helper a doctested function reaches, its labelled print reading a value that may raise under `try`
CONVERTIBLE = '''
    def _parses(kind, text):
        try:
            print("DEBUG parse", kind(text))
            return True
        except (ValueError, TypeError):
            return False


    def is_whole(text):
        """Whether the cell holds a whole number.

        >>> is_whole("42")
        True
        >>> is_whole("4.2")
        False
        """
        return _parses(int, text)
'''


def test_a_labelled_print_the_doctest_output_lacks_is_removed_and_its_raising_read_kept():
    source = textwrap.dedent(CONVERTIBLE)
    assert doctest_failures(source) == 1  # the print breaks `is_whole("42")`: it does not assert the print

    result = run(source)
    (finding,) = result.findings
    assert finding.fixed and "kept `kind(text)` as a statement" in finding.message
    assert "        kind(text)\n        return True\n" in result.new
    assert doctest_failures(result.new) == 0
    assert "doctest" not in finding.message


def test_a_self_documenting_print_in_a_loop_under_skipped_examples_is_removed():
    source = textwrap.dedent('''
        def bucket(key, rows):
            """Group rows by key.

            >>> bucket(len, ["ab", "c", "de"])  # doctest: +SKIP
            {2: ['ab', 'de'], 1: ['c']}
            """
            groups = {}
            for row in rows:
                print(f"{row=}")
                groups.setdefault(key(row), []).append(row)
            return groups
    ''')
    result = run(source)
    (finding,) = result.findings
    assert finding.fixed and finding.evidence.startswith("self-documenting")
    assert "print" not in result.new
    namespace: dict = {}
    exec(result.new, namespace)
    assert namespace["bucket"](len, ["ab", "c", "de"]) == {2: ["ab", "de"], 1: ["c"]}


def test_a_doctest_that_shows_the_labelled_output_still_keeps_the_print():
    source = textwrap.dedent('''
        def width(cells):
            """The widest cell.

            >>> width(["a", "abc"])
            widths: [1, 3]
            3
            """
            widths = [len(c) for c in cells]
            print("widths:", widths)
            return max(widths)
    ''')
    assert doctest_failures(source) == 0
    result = same(source)
    (finding,) = result.findings
    assert not finding.fixed and "a doctest (`width`'s docstring) reads the output of `width`" in finding.message
    assert doctest_failures(result.new) == 0


def test_a_doctest_reached_through_a_caller_counts_only_with_the_text_in_its_output():
    source = textwrap.dedent('''
        def _pad(cell, n):
            print(">>> pad", repr(cell))
            return cell.ljust(n)


        def render(cells):
            """Render a row.

            >>> render(["a", "bc"])
            'a |bc'
            """
            n = max(len(c) for c in cells)
            return "|".join(_pad(c, n) for c in cells)
    ''')
    assert doctest_failures(source) == 1
    result = run(source)
    (finding,) = result.findings
    assert finding.fixed and 'its message starts with ">>>"' in finding.message
    assert doctest_failures(result.new) == 0


def test_an_ellipsis_in_the_expected_output_may_stand_for_the_print_so_it_is_kept():
    source = textwrap.dedent('''
        def total(cells):
            """Sum the cells.

            >>> total([1, 2])  # doctest: +ELLIPSIS
            DEBUG...
            3
            """
            print("DEBUG cells", cells)
            return sum(cells)
    ''')
    assert doctest_failures(source) == 0
    result = same(source)
    (finding,) = result.findings
    assert not finding.fixed and "a doctest (`total`'s docstring)" in finding.message
    assert doctest_failures(source.replace('    print("DEBUG cells", cells)\n', "")) == 1  # removing it breaks it


def test_the_stream_a_print_writes_to_is_not_what_it_prints():
    """`file=self._err` names where the output goes: it is no evidence of printing internals, and the
    report must not say it is (a settings dump under an option writes its heading to a stream)."""
    source = textwrap.dedent('''
        import sys


        class Publisher:
            def __init__(self, err=sys.stderr):
                self._err = err
                self.dump = False

            def finish(self, doc):
                if self.dump:
                    print("\\n::: Settings:", file=self._err)
                    print(sorted(doc.__dict__), file=self._err)
    ''')
    result = same(source)
    assert all("internals `self._err`" not in f.message for f in result.findings)
    (finding,) = result.findings  # the dump of `__dict__` is held back, with the stream as its reason
    assert "it prints `doc.__dict__`" in finding.message and finding.evidence == "writes to `self._err` on purpose"


def test_a_method_call_on_a_value_does_not_reach_a_nested_function_of_the_same_name():
    """`text.replace(…)` calls `str.replace`, not the module's nested `replace`: a doctest of the
    function that calls `text.replace` reads nothing that nested function prints."""
    source = textwrap.dedent('''
        import re


        def slug(text):
            """A slug.

            >>> slug("a b")
            'a-b'
            """
            return text.replace(" ", "-")


        def escape(text):
            def replace(match):
                print(match.__dict__)
                return "\\\\" + match.group(0)
            return re.sub(r"[-.]", replace, text)
    ''')
    result = run(source)
    (finding,) = result.findings
    assert finding.fixed and "doctest" not in finding.message
    assert doctest_failures(result.new) == 0
    namespace: dict = {}
    exec(result.new, namespace)
    assert namespace["escape"]("a.b") == "a\\.b"
