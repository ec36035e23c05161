"""Facts gathered only when a run needs them (`Rule.gather_later`): remove-debug-prints' call graph of
every module is built only when some test asserts printed output, from the files read again."""
from __future__ import annotations

from conftest import init_repo
from fixer.core.config import load
from fixer.core.runner import run
from fixer.core.sources import WorkTree

HELPER = "def _line(n):\n    print(f\"{n=}\")\n    return n\n"
API = "from app.lines import _line\n\n\ndef report_size(items):\n    return _line(len(items))\n"
CAPSYS_TEST = ("from app.api import report_size\n\n\ndef test_size(capsys):\n"
               "    report_size([1, 2])\n    assert capsys.readouterr().out == 'n=2\\n'\n")
PLAIN_TEST = "from app.api import report_size\n\n\ndef test_size():\n    assert report_size([1, 2]) == 2\n"


def checked(tmp_path, test: str):
    files = {"fixer.toml": "[rules.remove-debug-prints]\n", "app/__init__.py": "", "app/lines.py": HELPER,
             "app/api.py": API, "tests/test_api.py": test}
    root = init_repo(tmp_path / "repo", files).working_tree_dir
    config = load(WorkTree(tmp_path / "repo").root)
    config.jobs = 1
    return run(WorkTree(tmp_path / "repo"), config, config.rules())


def test_without_a_test_asserting_output_no_call_graph_is_built(tmp_path):
    result = checked(tmp_path, PLAIN_TEST)
    assert result.context["remove-debug-prints"].later is None
    assert [o.result.path for o in result.changed] == ["app/lines.py"]
    assert "print" not in next(o.result.new for o in result.changed)


def test_a_test_asserting_output_gets_the_call_graph_of_every_module_and_keeps_the_print(tmp_path):
    result = checked(tmp_path, CAPSYS_TEST)
    graph = result.context["remove-debug-prints"].later
    # each gathered file (one that imports, patches or names a purpose), in the listing's order; a
    # test module calls nothing a print could be reached through
    assert graph == [{"report_size": ["_line", "len"]}, None]
    assert result.changed == []
    kept = [f for o in result.outcomes for f in o.result.findings if f.path == "app/lines.py"]
    assert kept and not kept[0].fixed and "which calls `_line`" in kept[0].message + kept[0].evidence
