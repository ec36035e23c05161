"""remove-debug-file-writes and set-log-level on realistic worker code."""
from __future__ import annotations

import textwrap

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()


def debug_writes(**params):
    params.setdefault("files", ["/tmp/python_worker_debug.log"])
    return RULES["remove-debug-file-writes"](**params)


def fix(source: str, *rules, path: str = "priv/python/worker.py") -> str:
    result = fix_text(path, textwrap.dedent(source), list(rules) or [debug_writes()])
    assert result.errors == [], result.errors
    return result.new


def test_init_async_loop_and_signal_handler():
    before = '''
        import asyncio
        import os
        import signal

        DEBUG_LOG = "/tmp/python_worker_debug.log"


        class Worker:
            def __init__(self, name):
                with open(DEBUG_LOG, "a") as f:
                    f.write(f"init {name} {os.getpid()}\\n")
                self.name = name

            async def run(self, jobs):
                for job in jobs:
                    with open(DEBUG_LOG, "a") as f:
                        f.write(f"job {job}\\n")
                    await job.run()


        def install(loop, stop):
            def handle(signum, frame):
                with open("/tmp/python_worker_debug.log", "a") as f:
                    f.write(f"signal {signum}\\n")
                loop.call_soon_threadsafe(stop.set)

            signal.signal(signal.SIGTERM, handle)
    '''
    after = '''
        import asyncio
        import signal

        DEBUG_LOG = "/tmp/python_worker_debug.log"


        class Worker:
            def __init__(self, name):
                self.name = name

            async def run(self, jobs):
                for job in jobs:
                    await job.run()


        def install(loop, stop):
            def handle(signum, frame):
                loop.call_soon_threadsafe(stop.set)

            signal.signal(signal.SIGTERM, handle)
    '''
    assert fix(before) == textwrap.dedent(after)


def test_try_except_finally_and_base_exception():
    before = '''
        def serve(loop):
            try:
                loop.run_forever()
            except BaseException as exc:
                with open("/tmp/python_worker_debug.log", "a") as f:
                    f.write(repr(exc))
                raise
            finally:
                with open("/tmp/python_worker_debug.log", "a") as f:
                    f.write("closing")
                loop.close()


        def only_debug_in_try():
            try:
                with open("/tmp/python_worker_debug.log", "a") as f:
                    f.write("x")
            except OSError:
                pass
    '''
    after = '''
        def serve(loop):
            try:
                loop.run_forever()
            except BaseException as exc:
                raise
            finally:
                loop.close()


        def only_debug_in_try():
            pass
    '''
    assert fix(before) == textwrap.dedent(after)


def test_comments_debug_ones_go_meaningful_ones_stay_and_move_down():
    before = '''
        def main(loop, args):
            loop.close()

            # Tombstone so we can see the worker reached the end
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write("TOMBSTONE")

            # Flush metrics before the process exits
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write("flushing")  # debug
            metrics.flush()
    '''
    after = '''
        def main(loop, args):
            loop.close()

            # Flush metrics before the process exits
            metrics.flush()
    '''
    assert fix(before) == textwrap.dedent(after)


def test_other_files_and_non_matching_paths_are_never_touched():
    source = '''
        import datetime

        ERROR_LOG = "/var/log/worker/errors.log"


        def record(exc, worker_id):
            with open(ERROR_LOG, "a") as f:
                f.write(f"{datetime.datetime.now()} {exc}")
            with open(f"/tmp/worker_{worker_id}.log", "a") as f:
                f.write("per-worker log")
            with open("/tmp/python_worker_debug.log") as f:
                replay(f.read())
            with open("/tmp/python_worker_debug.log.bak", "a") as f:
                f.write("backup")
    '''
    result = fix_text("w.py", textwrap.dedent(source), [debug_writes()])
    assert result.new == textwrap.dedent(source)


def test_with_block_doing_other_work_is_reported_not_touched():
    source = '''
        def dump(state):
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write(repr(state))
                state.clear()
    '''
    result = fix_text("w.py", textwrap.dedent(source), [debug_writes()])
    assert result.new == textwrap.dedent(source)
    assert [(f.line, f.fixed) for f in result.findings] == [(3, False)]
    assert "the `with` block also runs `state.clear()`" in result.findings[0].message


def test_globs_fstrings_constants_path_objects_and_print_forms():
    before = '''
        import traceback
        from pathlib import Path

        TRACE = "/tmp/grpc_debug.log"


        def handler(worker_id):
            print("hello", file=open("/tmp/bridge_debug.log", "a"))
            with open(f"/tmp/worker_{worker_id}_debug.log", "w") as out:
                traceback.print_exc(file=out)
                out.flush()
            with Path(TRACE).open("a") as f:
                f.writelines(["a", "b"])
            with open(TRACE, mode="a") as f: f.write("one line")
            return worker_id
    '''
    after = '''
        TRACE = "/tmp/grpc_debug.log"


        def handler(worker_id):
            return worker_id
    '''
    assert fix(before, debug_writes(files=["/tmp/*debug*.log"])) == textwrap.dedent(after)


def test_only_imports_left_unused_by_the_removal_go():
    before = '''
        import json
        import os, time
        import traceback as tb
        import sys  # unused before fixer ran: stays


        def f(data):
            with open("/tmp/python_worker_debug.log", "a") as log:
                log.write(f"{os.getpid()} {time.time()}")
                tb.print_exc(file=log)
            return json.dumps(data) + str(time.monotonic())
    '''
    after = '''
        import json
        import time
        import sys  # unused before fixer ran: stays


        def f(data):
            return json.dumps(data) + str(time.monotonic())
    '''
    assert fix(before) == textwrap.dedent(after)


def test_else_clause_left_empty_is_dropped_and_no_blank_runs_are_left():
    before = '''
        def drain(queue):
            while queue:
                handle(queue.pop())

                with open("/tmp/python_worker_debug.log", "a") as f:
                    f.write("popped")

            else:
                with open("/tmp/python_worker_debug.log", "a") as f:
                    f.write("drained")


        def after():
            pass
    '''
    after = '''
        def drain(queue):
            while queue:
                handle(queue.pop())


        def after():
            pass
    '''
    assert fix(before) == textwrap.dedent(after)


def test_set_log_level_styles():
    rule = RULES["set-log-level"]()
    before = '''
        import logging
        from logging import INFO, WARNING

        logging.basicConfig(level=logging.INFO, format="%(message)s")
        logging.getLogger("grpc").setLevel("INFO")
        logging.getLogger("db").setLevel(INFO)
        logging.getLogger("x").setLevel(20)
        logging.getLogger("y").setLevel(logging.DEBUG)
        logging.basicConfig(level=logging.getLevelName('INFO'))
    '''
    after = '''
        import logging
        from logging import WARNING

        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        logging.getLogger("grpc").setLevel("WARNING")
        logging.getLogger("db").setLevel(WARNING)
        logging.getLogger("x").setLevel(30)
        logging.getLogger("y").setLevel(logging.DEBUG)
        logging.basicConfig(level=logging.getLevelName('WARNING'))
    '''
    assert fix(before, rule) == textwrap.dedent(after)


def test_set_log_level_imports_a_bare_name_in_place_of_the_old_one():
    source = "from logging import INFO, basicConfig\nbasicConfig(level=INFO)\n"
    result = fix_text("a.py", source, [RULES["set-log-level"]()])
    assert result.new == "from logging import WARNING, basicConfig\nbasicConfig(level=WARNING)\n"
    assert [f.fixed for f in result.findings] == [True]


def test_set_log_level_reports_a_bare_name_it_cannot_import():
    source = "from logging import INFO, basicConfig\n\n\ndef f(WARNING):\n    basicConfig(level=INFO)\n"
    result = fix_text("a.py", source, [RULES["set-log-level"]()])
    assert result.new == source
    assert result.findings and not result.findings[0].fixed
    assert "WARNING is not imported" in result.findings[0].message


def test_set_log_level_is_never_on_by_default():
    from fixer.core.config import Config

    assert "set-log-level" not in [r.id for r in Config().rules()]
    assert "remove-debug-file-writes" in [r.id for r in Config().rules()]


def test_files_without_anchor_are_not_parsed(monkeypatch):
    import fixer.lang.python.syntax as python

    calls = []
    monkeypatch.setattr(python, "parse", lambda text: calls.append(text))
    result = fix_text("a.py", "x = 1\n", [debug_writes()])
    assert not result.changed and calls == []


def test_import_still_mentioned_as_text_stays():
    before = '''
        import os
        import time

        __all__ = ["f"]


        def f(p: "os.PathLike"):
            with open("/tmp/python_worker_debug.log", "a") as fh:
                fh.write(str(os.getpid()) + str(time.time()))
            return p
    '''
    after = '''
        import os

        __all__ = ["f"]


        def f(p: "os.PathLike"):
            return p
    '''
    assert fix(before) == textwrap.dedent(after)


def test_nested_debug_blocks_settle_in_one_run():
    before = '''
        def f():
            with open("/tmp/python_worker_debug.log", "a") as outer:
                outer.write("a")
            if True:
                with open("/tmp/python_worker_debug.log", "a") as inner:
                    inner.write("b")
            return 1
    '''
    after = '''
        def f():
            return 1
    '''
    assert fix(before) == textwrap.dedent(after)


def test_one_line_blocks_class_bodies_match_and_parenthesised_with():
    before = '''
        import os

        P = "/tmp/python_worker_debug.log"


        class Worker:
            with open(P, "a") as f:
                f.write("class body")

            def run(self, cmd):
                if self.tracing(os.environ): open(P, "a").write(cmd)
                with (open(P, "a") as f):
                    f.write("parens")
                match cmd:
                    case "stop":
                        with open(P, "a") as f:
                            f.write("stopping")
                    case _:
                        return None
                x = 1; open(P, "a").write("semi")
                return x
    '''
    after = '''
        import os

        P = "/tmp/python_worker_debug.log"


        class Worker:
            def run(self, cmd):
                if self.tracing(os.environ): pass
                match cmd:
                    case "stop":
                        pass
                    case _:
                        return None
                x = 1; open(P, "a").write("semi")
                return x
    '''
    result = fix_text("w.py", textwrap.dedent(before), [debug_writes()])
    assert result.new == textwrap.dedent(after)
    assert [(f.line, f.fixed) for f in result.findings if not f.fixed] == [(21, False)]


def test_writes_whose_arguments_have_side_effects_keep_them_or_are_reported():
    source = '''
        import time


        def drain(queue, state):
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write(str(queue.pop()))
            open("/tmp/python_worker_debug.log", "a").write(f"{(n := state.bump())}")
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write(f"{len(queue)} {state.get('x')} {time.time():.3f}")
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write(", ".join(map(str, queue)))
            return n
    '''
    result = fix_text("w.py", textwrap.dedent(source), [debug_writes()])
    assert result.new == textwrap.dedent('''
        def drain(queue, state):
            queue.pop()
            (n := state.bump())
            state.get('x')
            with open("/tmp/python_worker_debug.log", "a") as f:
                f.write(", ".join(map(str, queue)))
            return n
    ''')
    assert sorted((f.line, f.fixed) for f in result.findings) == [(6, True), (8, True), (9, True), (11, False)]
    [blocked] = [f for f in result.findings if not f.fixed]
    assert "`map(str, queue)` iterates `queue`, which may be an iterator" in blocked.message
