"""A leftover that is the whole body of an `elif`/`else`/`while`/nested `if`: removing it never moves a
branch's test out of its chain (a side-effecting test would then run every time) and never leaves a
stray `pass` outside the chain. Each fix is checked by running the code before and after and comparing
results and side effects."""
from __future__ import annotations

import itertools
import textwrap

import pytest

from leftover_support import RuleRunner

DEBUGGERS = RuleRunner("remove-debugger-calls", "app/steps.py")
PRINTS = RuleRunner("remove-debug-prints", "app/steps.py")
LOG = "/tmp/steps_debug.log"
WRITES = RuleRunner("remove-debug-file-writes", "app/steps.py")


class Recorder:
    """Stands for every argument: its calls are recorded, and answer a chosen truth value."""

    def __init__(self, name: str, truth: bool, events: list):
        self.name, self.truth, self.events = name, truth, events

    def __bool__(self):
        return self.truth

    def __getattr__(self, attr):
        def call(*args):
            self.events.append(f"{self.name}.{attr}")
            return self.truth
        return call


def outcomes(text: str, names: list[str]) -> list:
    """Run `step(*names)` for every mix of truth values; what it returned and called, each time."""
    found = []
    for truths in itertools.product([False, True], repeat=len(names)):
        events: list = []
        namespace = {"breakpoint": lambda *a, **k: None, "print": lambda *a, **k: None,
                     "open": lambda *a, **k: _Sink()}
        exec(compile(text, "steps.py", "exec"), namespace)
        args = [Recorder(n, t, events) for n, t in zip(names, truths)]
        result = namespace["step"](*args)
        found.append((getattr(result, "name", result), events))
    return found


class _Sink:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, text):
        return len(text)


def same_behaviour(before: str, after: str, names: list[str]) -> None:
    assert outcomes(textwrap.dedent(before), names) == outcomes(after, names)


# -- the reported cases ----------------------------------------------------------------------------

def test_an_elif_with_a_side_effecting_test_keeps_it_in_the_chain():
    before = """
        def step(a, q, conn):
            if a:
                conn.send()
            elif q.pop():
                breakpoint()
            return conn
    """
    after = DEBUGGERS.fix(before)
    assert after == textwrap.dedent("""
        def step(a, q, conn):
            if a:
                conn.send()
            elif q.pop():
                pass
            return conn
    """)
    same_behaviour(before, after, ["a", "q", "conn"])


def test_the_last_of_two_emptied_elifs_keeps_its_test_and_the_first_stays():
    before = """
        def step(a, b, y):
            if a:
                a.do()
            elif b:
                breakpoint()
            elif y.ready():
                breakpoint()
            return 1
    """
    after = DEBUGGERS.fix(before)
    assert after == textwrap.dedent("""
        def step(a, b, y):
            if a:
                a.do()
            elif b:
                pass
            elif y.ready():
                pass
            return 1
    """)
    same_behaviour(before, after, ["a", "b", "y"])


@pytest.mark.parametrize("runner, leftover", [
    (DEBUGGERS, "breakpoint()"),
    (PRINTS, 'print("DEBUG popped")'),
])
def test_a_last_elif_with_a_pure_test_goes_whole_without_a_stray_pass(runner, leftover):
    before = f"""
        def step(a, b):
            if a:
                a.send()
            elif b:
                {leftover}
            return 1
    """
    after = runner.fix(before)
    assert after == textwrap.dedent("""
        def step(a, b):
            if a:
                a.send()
            return 1
    """)
    same_behaviour(before, after, ["a", "b"])


def test_debug_prints_in_an_elif_with_a_side_effecting_test():
    before = """
        def step(a, q):
            if a:
                a.send()
            elif q.pop():
                print("DEBUG popped")
            return 1
    """
    after = PRINTS.fix(before)
    assert "elif q.pop():\n        pass\n    return 1" in after
    same_behaviour(before, after, ["a", "q"])


# -- every branch shape ------------------------------------------------------------------------------

@pytest.mark.parametrize("before, names", [
    # pure elifs, all emptied: the chain ends at the first branch
    ("""
        def step(a, b, c):
            if a:
                a.send()
            elif b:
                breakpoint()
            elif c:
                breakpoint()
            return 1
    """, ["a", "b", "c"]),
    # an elif emptied before an else that stays
    ("""
        def step(a, b):
            if a:
                a.send()
            elif b.pop():
                breakpoint()
            else:
                b.send()
            return 1
    """, ["a", "b"]),
    # an elif whose test has effects, then an emptied pure elif and else
    ("""
        def step(a, b, c):
            if a:
                a.send()
            elif b.pop():
                breakpoint()
            elif c:
                breakpoint()
            else:
                breakpoint()
            return 1
    """, ["a", "b", "c"]),
    # the first branch emptied, an elif following
    ("""
        def step(a, b):
            if a.pop():
                breakpoint()
            elif b.pop():
                b.send()
            return 1
    """, ["a", "b"]),
    # every branch emptied: only the first test's effects are left
    ("""
        def step(a, b):
            if a.pop():
                breakpoint()
            elif b:
                breakpoint()
            else:
                breakpoint()
            return 1
    """, ["a", "b"]),
    # an else emptied
    ("""
        def step(a, b):
            if a.pop():
                a.send()
            else:
                breakpoint()
            return 1
    """, ["a", "b"]),
    # an if nested in an else, and in an elif
    ("""
        def step(a, b, c):
            if a:
                a.send()
            elif c:
                if b.pop():
                    breakpoint()
            else:
                if b.ready():
                    breakpoint()
            return 1
    """, ["a", "b", "c"]),
    # one-line branches
    ("""
        def step(a, b):
            if a: a.send()
            elif b.pop(): breakpoint()
            return 1
    """, ["a", "b"]),
    ("""
        def step(a, b):
            if a: a.send()
            elif b: breakpoint()
            return 1
    """, ["a", "b"]),
    # an elif chain inside a loop body
    ("""
        def step(a, b):
            for _ in range(2):
                if a:
                    a.send()
                elif b.pop():
                    breakpoint()
            return 1
    """, ["a", "b"]),
])
def test_branch_shapes_keep_their_behaviour(before, names):
    after = DEBUGGERS.fix(before)
    assert "breakpoint" not in after
    assert "\n    pass\n" not in after  # never a stray `pass` beside the chain
    same_behaviour(before, after, names)


def test_a_pure_elif_before_an_else_stays_with_pass():
    before = """
        def step(a, b):
            if a:
                a.send()
            elif b:
                breakpoint()
            else:
                b.send()
            return 1
    """
    after = DEBUGGERS.fix(before)  # the `else` would take the `elif`'s cases
    assert "elif b:\n        pass\n    else:\n        b.send()" in after
    same_behaviour(before, after, ["a", "b"])


def test_a_while_test_stays_with_pass():
    before = """
        def step(q):
            while q.pop():
                breakpoint()
            return 1
    """
    assert DEBUGGERS.fix(before) == "\ndef step(q):\n    while q.pop():\n        pass\n    return 1\n"


@pytest.mark.parametrize("test, kept", [
    ("q.pop()", "    elif q.pop():\n        pass\n"),
    ("q", ""),
])
def test_debug_file_writes_in_an_elif(test, kept):
    before = f"""
        def step(a, q):
            if a:
                a.send()
            elif {test}:
                with open("{LOG}", "a") as f:
                    f.write("popped")
            return 1
    """
    after = WRITES.fix(before, files=[LOG])
    assert after == f"\ndef step(a, q):\n    if a:\n        a.send()\n{kept}    return 1\n"
    same_behaviour(before, after, ["a", "q"])
