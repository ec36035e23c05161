"""Rule-level speed for Python rules: anchors as precise as the target, ast decides before LibCST."""
from __future__ import annotations

import pytest

from fixer.core.rule import Source, all_rules

RULES = all_rules()


def debug_rule(*files):
    return RULES["remove-debug-file-writes"](files=list(files))


@pytest.mark.parametrize("text", [
    'logger.debug("connected")\n',
    "DEBUG = True\n",
    'MODE = "debug"\n',
    'open("/tmp/cache.log", "a").write(x)\n',
    '"""Writes a debug log when asked."""\n',
    'path = "/var/tmp/debug/out.txt"\n',
])
def test_the_anchor_does_not_match_files_that_merely_mention_debug(text):
    assert not debug_rule("/tmp/*debug*.log").anchor_regex.search(text)


@pytest.mark.parametrize("text", [
    'open("/tmp/python_worker_debug.log", "a")\n',
    "LOG = '/tmp/x_debug.log'\n",
    'open(f"/tmp/{name}_debug.log", "a")\n',
    'os.path.join(LOG_DIR, "worker_debug.log")\n',
    'Path("/tmp") / "stream_debug.log"\n',
])
def test_the_anchor_matches_every_form_a_target_can_take(text):
    assert debug_rule("/tmp/*debug*.log").anchor_regex.search(text)


def test_an_exact_path_anchors_on_its_file_name_too():
    anchor = debug_rule("/tmp/python_worker_debug.log").anchor_regex
    assert anchor.search('os.path.join("/tmp", "python_worker_debug.log")')
    assert not anchor.search('open("/tmp/python_streaming_debug.log", "a")')


@pytest.fixture
def no_libcst(monkeypatch):
    import libcst

    def refuse(*args, **kwargs):
        raise AssertionError("LibCST parsed the module")

    monkeypatch.setattr(libcst, "parse_module", refuse)


@pytest.mark.parametrize("text", [
    '"""Appends to /tmp/python_worker_debug.log when DEBUG is set."""\n',
    'with open("/tmp/python_worker_debug.log") as f:\n    replay(f.read())\n',
    'LOG = "/tmp/python_worker_debug.log"\nprint(LOG)\n',
])
def test_a_file_without_a_real_target_is_rejected_without_libcst(no_libcst, text):
    outcome = debug_rule("/tmp/*debug*.log").check(Source("a.py", text))
    assert outcome.edits == [] and outcome.findings == []


def test_a_file_with_targets_is_fixed_without_a_whole_module_libcst_parse(no_libcst):
    text = 'def f(x):\n    with open("/tmp/a_debug.log", "a") as fh:\n        fh.write(x)\n    return x\n'
    outcome = debug_rule("/tmp/*debug*.log").check(Source("a.py", text))
    assert len(outcome.edits) == 1 and [f.fixed for f in outcome.findings] == [True]


def test_rule_modules_do_not_import_libcst_at_import_time():
    import subprocess
    import sys

    code = ("import sys, fixer.rules.remove_debug_file_writes, fixer.rules.set_log_level\n"
            "heavy = [m for m in ('fixer.rules.remove_debug_file_writes.writes', 'fixer.lang.python.names', 'fixer.lang.python.blocks',"
            " 'fixer.rules.set_log_level.levels') if m in sys.modules]\n"
            "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
