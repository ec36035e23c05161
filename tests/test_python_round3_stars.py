"""Issue 18, star imports: `open`/`print`/`breakpoint` are refused only when the star-imported module
really exports the name. Repository modules are read from the gathered facts, installed and standard
library modules from their source (no import), C extensions from a table. Python itself is the oracle:
`from M import *` is executed in a fresh namespace and compared with what fixer read."""
from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import init_repo, run_cli
from fixer.lang.python import stars
from round3_support import fixed, python_run

STDLIB = ["os", "os.path", "gzip", "bz2", "lzma", "io", "codecs", "tokenize", "webbrowser", "shelve", "json",
          "math", "itertools", "pprint", "pdb", "logging", "subprocess", "tarfile", "wave", "dbm", "collections",
          "shutil", "pathlib", "socket", "time", "_io", "posix", "builtins", "string", "textwrap", "typing"]


def star_namespace(module: str) -> dict:
    namespace: dict = {}
    exec(f"from {module} import *", namespace)
    return namespace


# Their `__all__` is computed (`token.__all__ + [...]`): fixer cannot read it, so it may say "exports"
# where Python does not (the safe side), never the other way round.
COMPUTED_ALL = {"tokenize"}


@pytest.mark.parametrize("module", STDLIB)
def test_what_fixer_reads_matches_what_python_binds(module):
    import builtins

    exports = stars.Exports([])
    namespace = star_namespace(module)
    for name in stars.WATCHED:
        rebinds = name in namespace and namespace[name] is not getattr(builtins, name)
        said = exports.exports(module, name, frozenset())
        if module in COMPUTED_ALL:
            assert said or not rebinds, (module, name)
        else:
            assert said == rebinds, (module, name)


def _c_modules() -> list[str]:
    names = set(sys.builtin_module_names)
    dynload = [p for p in sys.path if p.endswith("lib-dynload")]
    for folder in dynload:
        names.update(f.split(".")[0] for f in os.listdir(folder) if f.endswith(".so"))
    return sorted(n for n in names if n in sys.stdlib_module_names)


def test_the_c_extension_table_matches_cpython():
    """Every standard-library module without source: its star import binds exactly what the table says."""
    import builtins

    checked = 0
    for module in _c_modules():
        if module in ("_tkinter", "_curses", "_curses_panel", "readline") or module.startswith("_test"):
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        spec = importlib.machinery.PathFinder.find_spec(module, sys.path)
        if spec is not None and (spec.origin or "").endswith(".py"):
            continue  # has source: read, not tabled
        namespace = star_namespace(module)
        bound = {n for n in stars.WATCHED if n in namespace and namespace[n] is not getattr(builtins, n)}
        assert bound == set(stars.EXTENSION_EXPORTS.get(module, ())), module
        assert stars.Exports([]).exports(module, "print", frozenset()) == ("print" in bound)
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("compat, refused", [
    ('__all__ = ["text_type"]\ntext_type = str\n', False),
    ("text_type = str\n", False),
    ('import builtins\n\n\ndef print(*args):\n    builtins.print("compat:", *args)\n', True),
    ('import builtins\n\n__all__ = ["text_type"]\ntext_type = str\n\n\ndef print(*args):\n    pass\n', False),
    ("from os import *\n", False),  # os exports open, not print
    ("from .printing import *\n", True),
    ("print = lambda *args: None\n__all__ = [name for name in dir() if not name.startswith('_')]\n", True),
])
def test_a_repository_module_is_read_for_its_exports(compat, refused):
    repo = {"svc/__init__.py": "", "svc/compat.py": compat, "svc/printing.py": "def print(*a):\n    pass\n",
            "svc/a.py": "from .compat import *\n\n\ndef step(x):\n    print('DEBUG x', x)\n    return x\n"}
    rule_id = "remove-debug-prints"
    from fixer.core.rule import all_rules

    rule = all_rules()[rule_id]()
    context = {rule_id: [rule.gather(path, text) for path, text in repo.items()]}
    result = fixed(rule_id, repo["svc/a.py"], path="svc/a.py", context=context)
    assert ("print(" in result.new) == refused
    if refused:
        assert "from .compat import *" in result.findings[0].message


@pytest.mark.parametrize("star, rule_id, body, removed", [
    ("from os.path import *", "remove-debug-file-writes", 'open("/tmp/svc_debug.log", "a").write(str(x))', True),
    ("from os import *", "remove-debug-file-writes", 'open("/tmp/svc_debug.log", "a").write(str(x))', False),
    ("from gzip import *", "remove-debug-file-writes", 'open("/tmp/svc_debug.log", "a").write(str(x))', False),
    ("from math import *", "remove-debugger-calls", "breakpoint()", True),
    ("from json import *", "remove-debug-prints", 'print("DEBUG", x)', True),
    ("from no_such_module_anywhere import *", "remove-debug-prints", 'print("DEBUG", x)', False),
])
def test_installed_and_standard_modules_are_read_from_source(star, rule_id, body, removed):
    source = f"{star}\n\n\ndef step(x):\n    {body}\n    return x\n"
    params = {"files": ["/tmp/svc_debug.log"]} if rule_id == "remove-debug-file-writes" else {}
    result = fixed(rule_id, source, path="svc/a.py", **params)
    assert (body not in result.new) == removed, result.findings


def test_reading_a_module_runs_none_of_its_code(tmp_path, monkeypatch):
    (tmp_path / "loud.py").write_text("raise SystemExit('imported!')\n__all__ = ['open']\n\n\ndef open(*a):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    stars.installed.cache_clear()
    assert stars.Exports([]).exports("loud", "open", frozenset())
    assert not stars.Exports([]).exports("loud", "print", frozenset())
    assert "loud" not in sys.modules


COMPAT = '''
RECORDED = []


def print(*args, **kwargs):
    """The project's own print: it records, it does not write."""
    RECORDED.append(" ".join(map(str, args)))
'''


def test_a_project_whose_compat_module_exports_print_keeps_its_calls(tmp_path):
    files = {"fixer.toml": "[rules.remove-debug-prints]\n", "svc/__init__.py": "", "svc/compat.py": COMPAT,
             "svc/util.py": '__all__ = ["twice"]\n\n\ndef twice(x):\n    return 2 * x\n',
             "svc/a.py": "from .compat import *\n\n\ndef step(x):\n    print('DEBUG step', x)\n    return x\n",
             "svc/b.py": "from .util import *\n\n\ndef step(x):\n    print('DEBUG step', x)\n    return twice(x)\n"}
    root = Path(init_repo(tmp_path / "svc", files).working_tree_dir)
    probe = "from svc import a, b, compat\nprint(a.step(1), b.step(2), compat.RECORDED)"
    before = python_run(root, "-c", probe)
    assert before.stdout == "DEBUG step 2\n1 4 ['DEBUG step 1']\n"
    run_cli("apply", "--in-place", cwd=root)
    after = python_run(root, "-c", probe)
    assert after.stdout == "1 4 ['DEBUG step 1']\n"  # b's leftover went; a's print is compat's, kept
    assert (root / "svc/a.py").read_text() == files["svc/a.py"]
    assert "print" not in (root / "svc/b.py").read_text()
