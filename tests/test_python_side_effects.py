"""The side-effect policy of remove-debug-file-writes: pure arguments go, effects stay or are reported.

Where behaviour matters the module is run before and after the fix and the observable results compared.
"""
from __future__ import annotations

import ast
import asyncio
import inspect
import queue
import textwrap
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()
LOG = "/tmp/python_worker_debug.log"


def rule(**params):
    params.setdefault("files", [LOG])
    return RULES["remove-debug-file-writes"](**params)


def run(source: str, *rules):
    text = textwrap.dedent(source)
    result = fix_text("worker.py", text, list(rules) or [rule()])
    assert result.errors == [], result.errors
    compile(result.new, "worker.py", "exec")
    assert fix_text("worker.py", result.new, list(rules) or [rule()]).new == result.new
    return result


def load(text: str, monkeypatch, tmp_path) -> dict:
    """Execute a module with the debug log redirected into tmp_path."""
    namespace: dict = {}
    exec(compile(text.replace(LOG, str(tmp_path / "debug.log")), "m.py", "exec"), namespace)
    return namespace


def test_queue_get_in_an_fstring_is_kept_as_a_statement_and_still_consumes(monkeypatch, tmp_path):
    source = f'''
        def drain(q):
            with open("{LOG}", "a") as f:
                f.write(f"item {{q.get()}}\\n")
            return q.qsize()
    '''
    result = run(source)
    assert result.new == "\ndef drain(q):\n    q.get()\n    return q.qsize()\n"
    [finding] = result.findings
    assert finding.fixed and "`q.get()`" in finding.message and "side effects" in finding.evidence
    for text in (textwrap.dedent(source), result.new):
        q = queue.Queue()
        for item in range(3):
            q.put(item)
        assert load(text, monkeypatch, tmp_path)["drain"](q) == 2


def test_await_in_the_argument_is_kept(monkeypatch, tmp_path):
    source = f'''
        async def pump(aq):
            with open("{LOG}", "a") as f:
                f.write(f"got {{await aq.get()}}\\n")
            return aq.qsize()
    '''
    result = run(source)
    assert "await aq.get()" in result.new and "open(" not in result.new

    async def left(text):
        aq = asyncio.Queue()
        for item in range(2):
            aq.put_nowait(item)
        return await load(text, monkeypatch, tmp_path)["pump"](aq)

    assert asyncio.run(left(textwrap.dedent(source))) == asyncio.run(left(result.new)) == 1


def test_a_thread_is_still_joined(monkeypatch, tmp_path):
    source = f'''
        def stop(worker):
            open("{LOG}", "a").write(f"joined {{worker.join()}}")
            return worker.is_alive()
    '''
    result = run(source)
    assert "    worker.join()\n" in result.new
    for text in (textwrap.dedent(source), result.new):
        worker = threading.Thread(target=time.sleep, args=(0.05,))
        worker.start()
        assert load(text, monkeypatch, tmp_path)["stop"](worker) is False


def test_an_iterator_materialised_in_the_argument_is_reported(monkeypatch, tmp_path):
    source = f'''
        def peek(it):
            with open("{LOG}", "a") as f:
                f.write(str(list(it)))
            return next(it, None)
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source)
    [finding] = result.findings
    assert not finding.fixed and "`list(it)`" in finding.message and "iterator" in finding.message


@pytest.mark.parametrize("call", ["sorted(items)", "', '.join(items)", "max(items)", "[x for x in items]"])
def test_any_iteration_over_a_name_is_reported(call):
    source = f'def show(items):\n    with open("{LOG}", "a") as f:\n        f.write(str({call}))\n'
    result = run(source)
    assert result.new == source
    assert [f.fixed for f in result.findings] == [False]


def test_iterating_a_literal_display_is_pure():
    source = f'def show(a, b):\n    with open("{LOG}", "a") as f:\n        f.write(", ".join([str(a), str(b)]) + str(sorted((a, b))))\n    return a\n'
    assert run(source).new == "def show(a, b):\n    return a\n"


def test_a_yield_in_the_argument_keeps_the_function_a_generator(monkeypatch, tmp_path):
    source = f'''
        def collector(sink):
            while True:
                with open("{LOG}", "a") as f:
                    f.write(f"got {{(yield)}}\\n")
                sink.append(1)
    '''
    result = run(source)
    assert "open(" not in result.new
    sinks = []
    for text in (textwrap.dedent(source), result.new):
        function = load(text, monkeypatch, tmp_path)["collector"]
        assert inspect.isgeneratorfunction(function)
        sink: list = []
        gen = function(sink)
        next(gen)
        gen.send("a")
        gen.send("b")
        sinks.append(sink)
    assert sinks[0] == sinks[1] == [1, 1]


def test_a_walrus_is_kept_so_the_name_stays_bound(monkeypatch, tmp_path):
    source = f'''
        def bump(state):
            open("{LOG}", "a").write(f"{{(n := state.pop())}}")
            return n
    '''
    result = run(source)
    assert "(n := state.pop())" in result.new and "open(" not in result.new
    for text in (textwrap.dedent(source), result.new):
        state = [1, 2]
        assert load(text, monkeypatch, tmp_path)["bump"](state) == 2 and state == [1]


def test_an_effect_evaluated_only_sometimes_is_reported_naming_it():
    source = f'''
        def drain(q, verbose):
            with open("{LOG}", "a") as f:
                f.write(str(q.get() if verbose else "-"))
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source)
    [finding] = result.findings
    assert not finding.fixed and "`q.get()`" in finding.message and finding.evidence


def test_an_effect_inside_a_comprehension_is_reported():
    source = f'def drain(q):\n    with open("{LOG}", "a") as f:\n        f.write(str([q.get() for _ in range(3)]))\n'
    result = run(source)
    assert result.new == source and not result.findings[0].fixed


def test_allowlisted_calls_resolve_through_imports():
    source = f'''
        import datetime as dt
        import os
        import signal
        import threading
        import time
        import traceback
        from datetime import datetime


        def on_signal(signum, frame, request):
            with open("{LOG}", "a") as f:
                f.write(f"{{signal.Signals(signum).name}} {{signal.strsignal(signum)}} {{time.time():.3f}} "
                        f"{{time.monotonic()}} {{os.getpid()}} {{threading.current_thread().name}} "
                        f"{{datetime.now().isoformat()}} {{dt.datetime.now()}} {{len(request.items)}} "
                        f"{{request.meta['id']!r}} {{type(frame).__name__}} {{id(frame)}}\\n")
                f.write("%s %d\\n" % (request.user, -request.size * 2))
                f.write("{{}} {{}}".format(request.user, request.size >= 3))
                f.write(traceback.format_exc())
            return signum
    '''
    result = run(source)
    assert result.new == "\ndef on_signal(signum, frame, request):\n    return signum\n"
    assert [f.fixed for f in result.findings] == [True]


@pytest.mark.parametrize("shadow, call", [
    ("def str(x):\n    CALLS.append(x)\n    return 's'\n", "str(x)"),
    ("from clock import time\n", "time.time()"),
    ("import vendored_clock as time\n", "time.time()"),
    ("import os\nos = Recorder()\n", "os.getpid()"),
])
def test_shadowed_builtins_and_modules_are_not_the_allowlisted_ones(shadow, call):
    source = shadow + f'\n\ndef f(x):\n    with open("{LOG}", "a") as fh:\n        fh.write({call})\n    return x\n'
    result = run(source)
    assert f"    {call}\n    return x\n" in result.new
    assert "open(" not in result.new


def test_pure_calls_option_extends_the_allowlist():
    source = f'''
        from app.fmt import describe


        def f(x):
            with open("{LOG}", "a") as fh:
                fh.write(describe(x))
            return x
    '''
    assert run(source, rule(pure_calls=["app.fmt.describe"])).new == "\ndef f(x):\n    return x\n"
    assert "    describe(x)\n" in run(source).new


def test_effects_in_the_header_and_several_writes_keep_their_order(monkeypatch, tmp_path):
    source = f'''
        def f(q, events):
            with open("{LOG}", "a") as fh:
                fh.write(f"{{q.get()}}")
                fh.write(f"{{events.pop()}} then {{q.get()}}")
            return q.qsize(), events
    '''
    result = run(source)
    assert result.new == "\ndef f(q, events):\n    q.get()\n    events.pop()\n    q.get()\n    return q.qsize(), events\n"


# -- property: generated modules ---------------------------------------------------------------------

PURE_WRITES = [
    f'with open("{LOG}", "a") as f:\n    f.write(f"{{value}} {{len(items)}}\\n")',
    f'open("{LOG}", "a").write(repr(value) + "\\n")',
    f'with open("{LOG}", "a") as f:\n    print("tick", value, file=f)',
]
EFFECT_WRITES = [  # (statement, what must be kept in its place)
    (f'with open("{LOG}", "a") as f:\n    f.write(str(queue.pop()))', "queue.pop()"),
    (f'open("{LOG}", "a").write(f"{{results.append(value)}}")', "results.append(value)"),
]
REPORTED_WRITES = [f'open("{LOG}", "a").write(str(list(items)))']
OTHER = ["value = compute(value)", "results.append(value)", "# keep: explains the next line", "",
         "if flag:\n    value += 1", 'with open("/var/log/app.log", "a") as log:\n    log.write("kept")']


@st.composite
def modules(draw):
    before, expected = [], []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["pure", "effect", "reported", "other", "other"]))
        if kind == "pure":
            before.append(draw(st.sampled_from(PURE_WRITES)))
        elif kind == "effect":
            stmt, kept = draw(st.sampled_from(EFFECT_WRITES))
            before.append(stmt)
            expected.append(kept)
        else:
            stmt = draw(st.sampled_from(REPORTED_WRITES if kind == "reported" else OTHER))
            before.append(stmt)
            expected.append(stmt)
    wrap = draw(st.sampled_from(["{body}", "if flag:\n{body}", "for item in items:\n{body}"]))

    def module(stmts):
        body = "\n".join(stmts) or "pass"
        if not any(line.strip() and not line.strip().startswith("#") for line in body.splitlines()):
            body += "\npass"
        inner = wrap.format(body=textwrap.indent(body, "    ")) if wrap != "{body}" else body
        return "def handler(value, flag, items, queue, results):\n" + textwrap.indent(inner, "    ") + \
            "\n    return value\n"

    return module(before), module(expected)


def _normalised(text: str) -> str:
    """The module's AST with `pass` dropped from non-empty blocks and `if flag: pass` dropped (a guard
    left with nothing to do goes)."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                block = [s for s in block if not (isinstance(s, ast.If) and all(isinstance(b, ast.Pass) for b in s.body))]
                setattr(node, name, [s for s in block if not isinstance(s, ast.Pass)] or [ast.Pass()])
    return ast.dump(tree)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_generated_modules_lose_exactly_their_pure_debug_writes(case):
    before, expected = case
    result = fix_text("m.py", before, [rule()])
    assert result.errors == []
    compile(result.new, "m.py", "exec")
    assert _normalised(result.new) == _normalised(expected)
    assert fix_text("m.py", result.new, [rule()]).new == result.new


def test_star_args_are_a_tuple():
    source = f'def trace(*args, **kwargs):\n    print(*args, sorted(kwargs), file=open("{LOG}", "a"))\n    return args\n'
    assert run(source).new == "def trace(*args, **kwargs):\n    return args\n"


def test_pure_calls_can_name_methods_whatever_the_object():
    source = f'def Ping(request, context):\n    with open("{LOG}", "a") as f:\n        f.write(f"{{context.peer()}}")\n    return request\n'
    assert "    context.peer()\n" in run(source).new
    assert run(source, rule(pure_calls=[".peer"])).new == "def Ping(request, context):\n    return request\n"
