"""A module-level import or debug handle that only a leftover used in its own module may still be
used through the module by another file of the repo (`from .a import traceback` in a package's
`__init__`, `mock.patch("pkg.a.json.dump")` in a test, `from svc.trace import TRACE`). The leftover
rules keep such a name, fix the rest, and report what they kept and who takes it. After `apply`,
the repo's own code still imports and its tests still pass."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import init_repo, run_cli, unwrapped
from fixer.core.engine import fix_text
from fixer.lang.python.importers import Importers, gather, module_name
from fixer.core.rule import all_rules

RULES = all_rules()

def context_for(rule_id: str, files: dict[str, str]) -> dict:
    rule = RULES[rule_id]()
    return {rule_id: [rule.gather(path, text) for path, text in files.items()]}


def fixed(rule_id: str, path: str, repo: dict[str, str], **params):
    context = context_for(rule_id, repo)
    result = fix_text(path, repo[path], [RULES[rule_id](**params)], context)
    assert result.errors == []
    again = fix_text(path, result.new, [RULES[rule_id](**params)], context)
    assert again.new == result.new
    return result


# -- what gathering finds --------------------------------------------------------------------------

@pytest.mark.parametrize("path, module", [
    ("pkg/a.py", "pkg.a"), ("src/pkg/a.py", "pkg.a"), ("pkg/__init__.py", "pkg"), ("tool.py", "tool"),
])
def test_module_names_from_paths(path, module):
    assert module_name(path) == module


@pytest.mark.parametrize("importer, text, name", [
    ("pkg/__init__.py", "from .a import traceback\n", "traceback"),
    ("pkg/sub/__init__.py", "from ..a import traceback\n", "traceback"),
    ("pkg/b.py", "from . import a\n\nprint(a.json.dumps)\n", "json"),
    ("pkg/b.py", "from .a import (\n    save,  # the writer\n    json as j,\n)\n", "json"),
    ("tests/test_a.py", "import pkg.a\n\n\ndef test():\n    pkg.a.pdb.set_trace = None\n", "pdb"),
    ("tests/test_a.py", "import pkg.a as mod\n\nmod.traceback\n", "traceback"),
    ("tests/test_a.py", 'from unittest import mock\n\n@mock.patch("pkg.a.json.dump")\ndef test(d): pass\n', "json"),
    ("tests/test_a.py", "from unittest import mock\nfrom pkg import a\n\n"
                        'def test():\n    with mock.patch.object(a, "pdb"):\n        pass\n', "pdb"),
    ("pkg/c.py", "from pkg.a import *\n", "json"),
    ("other/x.py", "from pkg.a import json\n", "json"),  # absolute, from a file elsewhere
])
def test_names_another_file_takes_are_found(importer, text, name):
    importers = Importers([gather(importer, text)])
    for path in ("pkg/a.py", "src/pkg/a.py"):
        taken = importers.taken(path, name)
        assert taken is not None and taken.importer == importer


@pytest.mark.parametrize("importer, text", [
    ("pkg/b.py", "from .a import save\n"),
    ("pkg/b.py", "import json\n\njson.dump\n"),  # json of the standard library, not of pkg.a
    ("pkg/b.py", "from pkg.a import _private\nfrom pkg.other import json\n"),
    ("pkg/c.py", "from pkg.a import *\n"),  # `import *` does not take a private name
])
def test_names_no_other_file_takes_are_not_found(importer, text):
    importers = Importers([gather(importer, text)])
    assert importers.taken("pkg/a.py", "json" if "*" not in text else "_cache") is None


def test_the_module_itself_is_not_its_own_importer():
    importers = Importers([gather("pkg/a.py", 'X = "pkg.a.json"\n')])
    assert importers.taken("pkg/a.py", "json") is None


# -- the rules keep what is taken --------------------------------------------------------------------

def test_an_import_a_package_init_reexports_is_kept_and_reported():
    files = {"pkg/a.py": "import pdb\n\n\ndef save(state):\n    pdb.set_trace()\n    return state\n",
             "pkg/__init__.py": "from .a import pdb\n"}
    result = fixed("remove-debugger-calls", "pkg/a.py", files)
    assert result.new == "import pdb\n\n\ndef save(state):\n    return state\n"
    kept = [f for f in result.findings if not f.fixed]
    assert len(kept) == 1 and kept[0].line == 1
    assert kept[0].message == "kept `import pdb`: only removed code used it here, but `pkg/__init__.py` " \
                              "imports `pkg.a.pdb`"
    assert kept[0].evidence == "used through this module by another file"


def test_an_import_a_test_patches_through_the_module_is_kept():
    files = {"pkg/a.py": "from pdb import set_trace\nimport traceback\n\n\ndef save(state):\n    set_trace()\n"
                         "    traceback.print_stack()\n    return state\n",
             "tests/test_a.py": 'from unittest import mock\n\n\n@mock.patch("pkg.a.set_trace")\ndef test_save(st):\n'
                                "    pass\n"}
    result = fixed("remove-debugger-calls", "pkg/a.py", files)
    assert result.new.startswith("from pdb import set_trace\nimport traceback\n")
    assert "    set_trace()" not in result.new
    (kept,) = [f for f in result.findings if not f.fixed]
    assert "`tests/test_a.py` patches `pkg.a.set_trace`" in kept.message


def test_a_name_kept_beside_one_removed_in_the_same_import():
    files = {"pkg/a.py": "from pdb import post_mortem, set_trace\n\n\ndef save(state):\n    set_trace()\n"
                         "    post_mortem()\n    return state\n",
             "pkg/b.py": "from pkg.a import set_trace\n"}
    result = fixed("remove-debugger-calls", "pkg/a.py", files)
    assert result.new == "from pdb import set_trace\n\n\ndef save(state):\n    return state\n"


def test_a_module_level_debug_handle_another_module_imports_is_kept():
    log = "/tmp/svc_debug.log"
    trace = f'TRACE = open("{log}", "a")\n\n\ndef t(message):\n    TRACE.write(message)\n    return message\n'
    worker = "from svc.trace import TRACE, t\n\n\ndef run():\n    t('x')\n    TRACE.flush()\n    return 1\n"
    files = {"svc/__init__.py": "", "svc/trace.py": trace, "svc/worker.py": worker}
    result = fixed("remove-debug-file-writes", "svc/trace.py", files, files=[log])
    assert result.new == f'TRACE = open("{log}", "a")\n\n\ndef t(message):\n    return message\n'
    (kept,) = [f for f in result.findings if not f.fixed]
    assert kept.line == 1 and "`svc/worker.py` imports `svc.trace.TRACE`" in kept.message
    assert kept.evidence == "used through this module by another file"


def test_an_import_only_a_removed_debug_write_used_is_kept_when_a_test_patches_it():
    log = "/tmp/svc_debug.log"
    a = f'import json\n\n\ndef save(state):\n    with open("{log}", "a") as f:\n        json.dump(state, f)\n' \
        "    return state\n"
    test = 'from unittest import mock\n\nimport pkg.a\n\n\ndef test_save():\n' \
           '    with mock.patch("pkg.a.json.dump"):\n        assert pkg.a.save({}) == {}\n'
    result = fixed("remove-debug-file-writes", "pkg/a.py", {"pkg/a.py": a, "tests/test_a.py": test}, files=[log])
    assert result.new == "import json\n\n\ndef save(state):\n    return state\n"
    (kept,) = [f for f in result.findings if not f.fixed]
    assert kept.message == "kept `import json`: only removed code used it here, but `tests/test_a.py` patches " \
                           "`pkg.a.json.dump`"


def test_remove_debug_prints_keeps_a_pprint_import_another_module_takes():
    a = "from pprint import pprint\n\n\ndef load(rows):\n    pprint(locals())\n    return rows\n"
    repo = {"pkg/a.py": a, "pkg/show.py": "from .a import pprint\n"}
    context = {"remove-debug-prints": [RULES["remove-debug-prints"]().gather(p, t) for p, t in repo.items()]}
    result = fix_text("pkg/a.py", a, [RULES["remove-debug-prints"]()], context)
    assert result.new == "from pprint import pprint\n\n\ndef load(rows):\n    return rows\n"
    (kept,) = [f for f in result.findings if not f.fixed]
    assert "`pkg/show.py` imports `pkg.a.pprint`" in kept.message


def test_the_index_is_built_once_a_rule_a_run_not_once_a_file(tmp_path, monkeypatch):
    from fixer.lang.python import importers as py_importers

    built = []
    real = py_importers.Importers.__init__
    monkeypatch.setattr(py_importers.Importers, "__init__", lambda self, facts: built.append(1) or real(self, facts))
    log = "/tmp/svc_debug.log"
    files = {"fixer.toml": f'[rules.remove-debug-file-writes]\nfiles = ["{log}"]\n'}
    for n in range(12):
        files[f"app/m{n}.py"] = f'import pdb\n\n\ndef f(x):\n    pdb.set_trace()\n    open("{log}", "a").write(x)\n' \
                                "    return x\n"
    repo = init_repo(tmp_path / "svc", files)
    result = run_cli("check", "--jobs", "1", cwd=Path(repo.working_tree_dir))
    assert result.stdout.count("would remove debugger call") == 12 and result.stdout.count("would remove debug write") == 12
    assert len(built) == 2  # remove-debugger-calls' and remove-debug-file-writes'


# -- the whole run: the repo still imports and its tests still pass ---------------------------------------

def test_apply_keeps_a_repo_importable_and_its_tests_passing(tmp_path):
    log = f"{tmp_path}/svc_debug.log"
    files = {
        "fixer.toml": f'[rules.remove-debug-file-writes]\nfiles = ["{tmp_path}/*debug*.log"]\n',
        "src/pkg/__init__.py": "from .a import traceback\n",
        "src/pkg/a.py": "import pdb\nimport traceback\n\n\ndef save(state):\n"
                        "    pdb.set_trace()\n    traceback.print_stack()\n    return state\n\n\n"
                        "def load(fp):\n    breakpoint()\n    return fp\n",
        "src/pkg/b.py": "import json\n\n\ndef emit(state, fp):\n    breakpoint(header=json.dumps(state))\n"
                        "    fp.write(str(state))\n    return state\n",
        "src/svc/__init__.py": "",
        "src/svc/trace.py": f'TRACE = open("{log}", "a")\n\n\ndef t(message):\n    TRACE.write(message)\n'
                            "    return message\n",
        "src/svc/worker.py": "from svc.trace import TRACE, t\n\n\ndef run():\n    t('x')\n    TRACE.flush()\n"
                             "    return 1\n",
        "tests/test_pkg.py": "import io\nfrom unittest import mock\n\nimport pkg\nimport pkg.b\n"
                             "from svc import worker\n\n\ndef test_emit():\n"
                             '    with mock.patch("pkg.b.json.dumps"):\n'
                             "        assert pkg.b.emit({}, io.StringIO()) == {}\n\n\n"
                             "def test_pdb_is_reachable():\n"
                             '    with mock.patch("pkg.a.pdb.set_trace"):\n        pass\n\n\n'
                             "def test_worker():\n    assert worker.run() == 1\n",
    }
    repo = init_repo(tmp_path / "svc", files)
    root = Path(repo.working_tree_dir)
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code in (0, 1), result
    a, b = (root / "src/pkg/a.py").read_text(), (root / "src/pkg/b.py").read_text()
    assert "set_trace()" not in a and "breakpoint()" not in a and "import pdb" in a
    assert "breakpoint(" not in b and "import json" in b
    said = unwrapped(result.stderr)  # findings are filled to the width (issue 19)
    assert "kept `import pdb`" in said and "`tests/test_pkg.py` patches `pkg.a.pdb.set_trace`" in said
    assert "kept `import json`" in said and "`tests/test_pkg.py` patches `pkg.b.json.dumps`" in said
    trace = (root / "src/svc/trace.py").read_text()
    assert trace.startswith(f'TRACE = open("{log}", "a")\n') and "TRACE.write" not in trace
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root,
                           env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
