"""remove-debug-file-writes on code shaped like real services: every gap from issue 9, one test each."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()
DATA = Path(__file__).parent / "data"
LOG = "/tmp/python_worker_debug.log"


def rule(**params):
    params.setdefault("files", [LOG])
    return RULES["remove-debug-file-writes"](**params)


def run(source: str, *rules, path: str = "worker/server.py"):
    text = textwrap.dedent(source)
    result = fix_text(path, text, list(rules) or [rule()])
    assert result.errors == [], result.errors
    compile(result.new, path, "exec")
    again = fix_text(path, result.new, list(rules) or [rule()])
    assert again.new == result.new and again.errors == [], "a second pass must change nothing"
    return result


def fixed(source: str, *rules) -> str:
    return run(source, *rules).new


def unfixed(result):
    return [f for f in result.findings if not f.fixed]


def reported_once(source: str):
    """The source is left as it is, with exactly one finding for a person: that finding."""
    result = run(source)
    assert result.new == textwrap.dedent(source)
    [finding] = unfixed(result)
    return finding


# -- the real service ------------------------------------------------------------------------------

def test_grpc_worker_every_debug_write_goes_and_nothing_else_changes():
    before = (DATA / "grpc_worker.py").read_text()
    expected = (DATA / "grpc_worker.fixed.py").read_text()
    result = fix_text("priv/python/grpc_server.py", before, [rule()])
    assert result.errors == []
    assert unfixed(result) == []
    assert result.new == expected
    assert result.fixes() == 24
    with_line = next(n for n, line in enumerate(before.splitlines(), 1) if "Signals(signum)" in line) - 1
    assert [f.fixed for f in result.findings if f.line == with_line] == [True]
    assert fix_text("priv/python/grpc_server.py", result.new, [rule()]).new == result.new


def test_grpc_worker_with_the_default_glob_is_reported_until_files_are_configured():
    before = (DATA / "grpc_worker.py").read_text()
    result = fix_text("priv/python/grpc_server.py", before, [RULES["remove-debug-file-writes"]()])
    assert result.new == before
    assert len(result.findings) == 24 and not any(f.fixed for f in result.findings)
    assert all("files" in f.message and LOG in f.message for f in result.findings)


# -- the handle -------------------------------------------------------------------------------------

def test_handle_used_after_the_block_is_reported_not_a_name_error():
    source = f'''
        def dump(state):
            with open("{LOG}", "a") as f:
                f.write(repr(state))
            return f.name
    '''
    finding = reported_once(source)
    assert finding.line == 3 and "`f` is used after the block" in finding.message and "line 5" in finding.message


def test_handle_names_reused_by_other_debug_blocks_are_fine():
    source = f'''
        def run(jobs):
            for job in jobs:
                with open("{LOG}", "a") as f:
                    f.write(job.name)
                job.run()
                with open("{LOG}", "a") as f:
                    f.write("done")
    '''
    assert fixed(source) == "\ndef run(jobs):\n    for job in jobs:\n        job.run()\n"


@pytest.mark.parametrize("binding", [
    "from gzip_tools import open\n",
    "def open(path, mode):\n    return Recorder(path, mode)\n",
    "import codecs as io\nopen = io.open\n",
])
def test_a_shadowed_open_is_never_removed(binding):
    source = binding + f'\n\ndef save(data):\n    with open("{LOG}", "a") as f:\n        f.write(data)\n'
    result = fix_text("w.py", source, [rule()])
    assert result.new == source and result.errors == []
    assert all(not f.fixed and "not the builtin" in f.message for f in result.findings)


def test_open_as_a_parameter_is_not_the_builtin():
    source = f'def save(data, open=print):\n    with open("{LOG}", "a") as f:\n        f.write(data)\n'
    result = fix_text("w.py", source, [rule()])
    assert result.new == source


def test_a_method_named_open_does_not_shadow_the_builtin_in_other_methods():
    source = f'''
        class Store:
            def open(self):
                return self

            def save(self, data):
                with open("{LOG}", "a") as f:
                    f.write(data)
                return data
    '''
    assert "with open" not in fixed(source)


# -- with statements ---------------------------------------------------------------------------------

def test_nested_debug_withs_go_in_one_run():
    source = f'''
        def handle(request):
            with open("{LOG}", "a") as outer:
                outer.write("start")
                with open("{LOG}", "a") as inner:
                    inner.write(request.id)
            return request
    '''
    assert fixed(source) == "\ndef handle(request):\n    return request\n"


def test_multi_item_with_of_two_debug_logs_is_removed():
    source = '''
        def handle(request):
            with open("/tmp/a_debug.log", "a") as f, open("/tmp/b_debug.log", "w") as g:
                f.write(request.id)
                print(request, file=g)
            return request
    '''
    assert fixed(source, rule(files=["/tmp/*_debug.log"])) == "\ndef handle(request):\n    return request\n"


def test_multi_item_with_that_also_opens_another_file_says_so():
    source = f'''
        def handle(request):
            with open("{LOG}", "a") as f, open("/srv/out.json", "w") as out:
                f.write(request.id)
                out.write(request.body)
    '''
    finding = reported_once(source)
    assert "also opens" in finding.message and "/srv/out.json" in finding.message


def test_async_with_of_a_debug_log_is_removed_with_its_import():
    source = f'''
        import aiofiles


        async def handle(request):
            async with aiofiles.open("{LOG}", "a") as f:
                await f.write(f"{{request.id}}\\n")
            return request
    '''
    assert fixed(source) == "\nasync def handle(request):\n    return request\n"


def test_with_doing_other_work_names_it():
    source = f'''
        def dump(state):
            with open("{LOG}", "a") as f:
                f.write(repr(state))
                state.clear()
    '''
    result = run(source)
    [finding] = unfixed(result)
    assert "also runs `state.clear()`" in finding.message


# -- comments and blank lines --------------------------------------------------------------------------

def test_a_kept_comment_stays_attached_to_the_code_it_explains():
    source = f'''
        def lookup(key):
            # Normalise before the lookup: keys arrive in mixed case
            with open("{LOG}", "a") as f:
                f.write(key)

            key = key.lower()
            return TABLE[key]
    '''
    assert fixed(source) == textwrap.dedent('''
        def lookup(key):
            # Normalise before the lookup: keys arrive in mixed case
            key = key.lower()
            return TABLE[key]
    ''')


def test_a_comment_mentioning_debug_that_explains_surviving_code_stays():
    source = f'''
        def fetch(client):
            # Retry in debug mode so the server sends its trace
            with open("{LOG}", "a") as f:
                f.write("retrying")
            return client.retry(debug=True)
    '''
    assert fixed(source) == textwrap.dedent('''
        def fetch(client):
            # Retry in debug mode so the server sends its trace
            return client.retry(debug=True)
    ''')


def test_a_trailing_comment_inside_a_removed_block_about_other_code_is_kept():
    source = f'''
        def close(conn, lock):
            with open("{LOG}", "a") as f:
                f.write("closing")
                # The release below must stay last: waiters hold the lock
            lock.release()
    '''
    assert fixed(source) == textwrap.dedent('''
        def close(conn, lock):
            # The release below must stay last: waiters hold the lock
            lock.release()
    ''')


def test_no_blank_line_is_left_after_a_docstring_or_a_signature():
    source = f'''
        def start(server):
            """Start serving."""
            with open("{LOG}", "a") as f:
                f.write("start")

            server.start()


        def stop(server):
            with open("{LOG}", "a") as f:
                f.write("stop")

            server.stop()
    '''
    assert fixed(source) == textwrap.dedent('''
        def start(server):
            """Start serving."""
            server.start()


        def stop(server):
            server.stop()
    ''')


# -- imports ------------------------------------------------------------------------------------------

OPTIONAL_JSON = f'''
try:
    import ujson as json
except ImportError:
    import json


def record(event):
    with open("{LOG}", "a") as f:
        f.write(json.dumps(event))
    return RESULT
'''


def test_an_optional_import_left_unused_goes_cleanly():
    result = run(OPTIONAL_JSON.replace("RESULT", "event"))
    assert result.new == "\ndef record(event):\n    return event\n"
    assert not any("unparsable" in f.message for f in result.findings)


def test_an_optional_import_still_used_elsewhere_stays():
    new = fixed(OPTIONAL_JSON.replace("RESULT", "json.dumps(event)"))
    assert new.startswith("\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n")


# -- forms the rule did not see -------------------------------------------------------------------------

def test_path_in_a_local_variable_is_removed_with_the_variable():
    source = f'''
        def handle(request):
            log_path = "{LOG}"
            with open(log_path, "a") as f:
                f.write(request.id)
            return request
    '''
    assert fixed(source) == "\ndef handle(request):\n    return request\n"


def test_os_path_join_and_fstring_paths_resolve_through_constants():
    source = '''
        import os

        LOG_DIR = "/tmp"


        def handle(request):
            with open(os.path.join(LOG_DIR, "python_worker_debug.log"), "a") as f:
                f.write(request.id)
            open(f"{LOG_DIR}/python_worker_debug.log", "a").write("x")
            return request
    '''
    assert fixed(source) == '\nLOG_DIR = "/tmp"\n\n\ndef handle(request):\n    return request\n'


def test_a_path_under_an_unknown_directory_is_reported_not_skipped():
    source = '''
        import os
        import tempfile


        def handle(request):
            with open(os.path.join(tempfile.gettempdir(), "python_worker_debug.log"), "a") as f:
                f.write(request.id)
            return request
    '''
    finding = reported_once(source)
    assert finding.line == 7 and "may write" in finding.message


def test_pathlib_write_text_and_write_bytes():
    source = f'''
        from pathlib import Path


        def handle(request):
            Path("{LOG}").write_text(request.id)
            (Path("/tmp") / "python_worker_debug.log").write_bytes(b"x")
            return request
    '''
    assert fixed(source) == "\ndef handle(request):\n    return request\n"


def test_os_open_and_os_write_on_a_debug_log():
    source = f'''
        import os


        def handle(request):
            fd = os.open("{LOG}", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.write(fd, b"handled\\n")
            os.close(fd)
            return request


        def leak(request):
            fd = os.open("{LOG}", os.O_WRONLY | os.O_APPEND)
            os.write(fd, b"x")
            return fd
    '''
    result = run(source)
    assert result.new.count("os.open") == 1 and "def handle(request):\n    return request\n" in result.new
    assert [f.line for f in unfixed(result)] == [13, 14]
    assert all("`fd`" in f.message for f in unfixed(result))


def test_a_logging_file_handler_on_a_debug_log_is_reported():
    source = f'''
        import logging

        handler = logging.FileHandler("{LOG}")
        logging.getLogger().addHandler(handler)
    '''
    finding = reported_once(source)
    assert finding.line == 4 and "FileHandler" in finding.message


def test_a_write_inside_a_lambda_is_reported():
    source = f'''
        import atexit

        trace = lambda msg: open("{LOG}", "a").write(msg)
        atexit.register(lambda: open("{LOG}", "a").write("exit"))
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source)
    assert [(f.line, "lambda" in f.message) for f in unfixed(result)] == [(4, True), (5, True)]


def test_a_module_level_handle_used_only_for_writes_goes_with_its_writes():
    source = f'''
        import sys

        DEBUG = open("{LOG}", "a")


        def handle(request):
            DEBUG.write(f"handle {{request.id}}\\n")
            print("done", file=DEBUG)
            DEBUG.flush()
            return request


        def stop():
            DEBUG.close()
            sys.exit(0)
    '''
    assert fixed(source) == textwrap.dedent('''
        import sys


        def handle(request):
            return request


        def stop():
            sys.exit(0)
    ''')


def test_a_module_level_handle_used_otherwise_is_reported_everywhere():
    source = f'''
        import sys

        DEBUG = open("{LOG}", "a")
        sys.stderr = DEBUG


        def handle(request):
            DEBUG.write("x")
            return request
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source)
    assert sorted(f.line for f in unfixed(result)) == [4, 9]
    assert all("line 5" in f.message for f in unfixed(result))


def test_other_forms_opening_a_debug_log_are_reported_not_skipped():
    source = f'''
        import subprocess


        def spawn(cmd):
            return subprocess.Popen(cmd, stdout=open("{LOG}", "a"))
    '''
    result = run(source)
    [finding] = unfixed(result)
    assert finding.line == 6 and LOG in finding.message


def test_a_parameter_defaulting_to_a_debug_path_is_reported():
    source = f'''
        def trace(msg, path="{LOG}"):
            with open(path, "a") as f:
                f.write(msg)
    '''
    finding = reported_once(source)
    assert "may write" in finding.message


# -- the default files pattern ------------------------------------------------------------------------

def test_default_pattern_reports_every_matching_log_and_says_what_to_configure():
    source = '''
        def stream(chunks):
            for chunk in chunks:
                with open("/tmp/pool_streaming_debug.log", "a") as f:
                    f.write(chunk)
            open("/tmp/pool_worker_debug.log", "a").write("done")
    '''
    result = fix_text("w.py", textwrap.dedent(source), [RULES["remove-debug-file-writes"]()])
    assert result.new == textwrap.dedent(source)
    messages = [f.message for f in sorted(result.findings, key=lambda f: f.line)]
    assert len(messages) == 2 and not any(f.fixed for f in result.findings)
    assert "/tmp/pool_streaming_debug.log" in messages[0] and "/tmp/pool_worker_debug.log" in messages[1]
    assert all("`files`" in m for m in messages)
    configured = fix_text("w.py", textwrap.dedent(source), [rule(files=["/tmp/pool_worker_debug.log"])])
    assert "pool_worker_debug" not in configured.new and "pool_streaming_debug" in configured.new
    assert all(f.fixed for f in configured.findings)


def test_every_output_keeps_the_rest_of_the_module():
    before = (DATA / "grpc_worker.py").read_text()
    after = fix_text("w.py", before, [rule()]).new
    kept = [ast.dump(node) for node in ast.walk(ast.parse(after)) if isinstance(node, ast.FunctionDef)]
    assert len(kept) == len([n for n in ast.walk(ast.parse(before)) if isinstance(n, ast.FunctionDef)])


def test_an_unconfigured_run_changes_nothing_and_says_what_to_configure(tmp_path):
    from conftest import init_repo, run_cli, unwrapped

    worker = 'def work(job):\n    open("/tmp/pool_worker_debug.log", "a").write(job)\n    return job\n'
    stream = 'def push(chunk):\n    open("/tmp/pool_streaming_debug.log", "a").write(chunk)\n    return chunk\n'
    repo = init_repo(tmp_path / "svc", {"app/worker.py": worker, "app/stream.py": stream})
    root = Path(repo.working_tree_dir)
    result = run_cli("apply", "--in-place", cwd=root)
    assert (root / "app/worker.py").read_text() == worker and (root / "app/stream.py").read_text() == stream
    for path in ("/tmp/pool_worker_debug.log", "/tmp/pool_streaming_debug.log"):
        assert f"debug write to {path} matches the default `files` pattern" in unwrapped(result.stderr)
    assert "needs review: " in result.stderr and "rewrote 0 files" in result.stderr


def test_guards_left_with_nothing_to_do_go_whole():
    source = f'''
        import os

        TRACE = os.environ.get("WORKER_TRACE") == "1"


        def handle(request, tracer):
            # Never let debug logging break a request
            try:
                with open("{LOG}", "a") as f:
                    f.write(request.id)
            except Exception:
                pass
            if TRACE:
                open("{LOG}", "a").write("traced")
            if tracer.enabled():
                open("{LOG}", "a").write("traced")
            try:
                open("{LOG}", "a").write("x")
            except OSError as exc:
                tracer.record(exc)
            return request
    '''
    assert fixed(source) == textwrap.dedent('''
        import os

        TRACE = os.environ.get("WORKER_TRACE") == "1"


        def handle(request, tracer):
            if tracer.enabled():
                pass
            try:
                pass
            except OSError as exc:
                tracer.record(exc)
            return request
    ''')


def test_a_handle_deleted_after_the_block_is_reported():
    source = f'def f():\n    with open("{LOG}", "a") as fh:\n        fh.write("x")\n    del fh\n'
    result = run(source)
    assert result.new == source and "`fh` is used after the block (line 4" in unfixed(result)[0].message


def test_a_loop_variable_with_the_handle_name_is_another_binding():
    source = f'''
        def f(paths):
            with open("{LOG}", "a") as fh:
                fh.write("start")
            for fh in paths:
                print(fh)
    '''
    assert fixed(source) == "\ndef f(paths):\n    for fh in paths:\n        print(fh)\n"


def test_a_class_level_handle_read_as_an_attribute_is_reported():
    source = f'''
        class Worker:
            with open("{LOG}", "a") as trace:
                trace.write("defined")

            def closed(self):
                return self.trace.closed
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source)
    assert "class attribute" in unfixed(result)[0].message


def test_crlf_files_keep_their_line_endings_in_what_replaces_a_write():
    source = f'def f(q):\r\n    with open("{LOG}", "a") as fh:\r\n        fh.write(str(q.get()))\r\n    return q\r\n'
    assert fixed(source) == "def f(q):\r\n    q.get()\r\n    return q\r\n"


def test_lone_cr_line_breaks_are_fixed_and_kept():
    source = f'def f(q):\r    open("{LOG}", "a").write("x")\r    with open("{LOG}", "a") as fh:\r' \
             f'        fh.write(str(q.get()))\r    return 1\r'
    assert fixed(source) == "def f(q):\r    q.get()\r    return 1\r"


@pytest.mark.parametrize("opener", [
    'open(os.environ.get("WORKER_LOG", "/tmp/python_worker_debug.log"), "a")',
    'open(os.path.join(os.environ["LOG_DIR"], "python_worker_debug.log"), "a")',
])
def test_a_path_that_may_be_the_debug_log_is_reported(opener):
    source = f'import os\n\n\ndef f(x):\n    with {opener} as fh:\n        fh.write(x)\n'
    finding = reported_once(source)
    assert "may write to debug log" in finding.message


@pytest.mark.parametrize("configure", [
    f'logging.basicConfig(filename="{LOG}", level=logging.DEBUG)',
    f'logging.getLogger().addHandler(RotatingFileHandler("{LOG}", maxBytes=1000))',
])
def test_logging_configured_to_write_a_debug_log_is_reported(configure):
    source = f"import logging\nfrom logging.handlers import RotatingFileHandler\n\n{configure}\n"
    finding = reported_once(source)
    assert finding.line == 4 and "remove the handler by hand" in finding.message


def test_a_local_path_variable_read_by_several_removed_writes_goes_and_one_read_elsewhere_stays():
    source = f'''
        def handle(request):
            log_path = "{LOG}"
            with open(log_path, "a") as f:
                f.write("start")
            request.run()
            open(log_path, "a").write("end")
            return request


        def report(request):
            log_path = "{LOG}"
            open(log_path, "a").write("report")
            return log_path
    '''
    assert fixed(source) == textwrap.dedent(f'''
        def handle(request):
            request.run()
            return request


        def report(request):
            log_path = "{LOG}"
            return log_path
    ''')
