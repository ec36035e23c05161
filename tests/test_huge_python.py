"""A huge Python module is compiled, scoped and parsed a piece at a time (fixer.lang.python.pieces):
every answer must be the one a whole-file pass gives. CPython on the whole text is the oracle; the
size limits are lowered so that small texts are cut into many pieces."""
from __future__ import annotations

import ast
import textwrap

import pytest

from fixer.lang.python import nodes, pieces, syntax


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch):
    monkeypatch.setattr(pieces, "BIG", 2_000)
    monkeypatch.setattr(pieces, "PIECE", 300)


FUNCTION = '''
def handler_{n}(request, store):
    """Handles {n}."""
    items = [item for item in request.items if item.enabled]
    for item in items:
        store.save(item, CONFIG)
    return len(items)


@register("{n}")
class Model{n}:
    limit = {n}

    def total(self):
        return helper(self.limit)
'''
HEADER = "import logging\n\nCONFIG = {}\nlog = logging.getLogger(__name__)\n"


def module(count: int, middle: str = "") -> str:
    parts = [HEADER] + [FUNCTION.format(n=n) for n in range(count)]
    if middle:
        parts.insert(count // 2, middle)
    return "".join(parts)


def cut_count(text: str) -> int:
    return len(pieces.in_pieces(text, lambda piece: None))


def test_a_big_module_is_handled_in_pieces_with_the_files_line_numbers():
    text = module(40)
    assert cut_count(text) > 5
    whole = ast.parse(text)
    assert ast.dump(nodes._parse(text), include_attributes=True) == ast.dump(whole, include_attributes=True)
    assert syntax.validate("big.py", text) is None


def test_a_huge_tree_is_walked_as_it_is_parsed_in_the_whole_trees_order():
    text = module(40, "class Deep:\n    def f(self):\n        return [[x for x in y] for y in z]\n") + \
        "\n\ndef late():\n    return (handler_3, {'k': [Model2]})\n"
    assert cut_count(text) > 5
    tree = nodes._parse(text)
    assert hasattr(tree, "_fixer_nodes")  # walked while parsed, not walked again
    whole = ast.parse(text)
    shape = lambda node: (type(node).__name__, getattr(node, "lineno", None), getattr(node, "col_offset", None),  # noqa: E731
                          getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))
    assert [shape(node) for node in nodes.walk(tree)] == [shape(node) for node in ast.walk(whole)]
    kinds = (ast.Call, ast.Name, ast.FunctionDef, ast.ListComp, ast.ClassDef, ast.Load, ast.Return)
    for kind in (*kinds, kinds[:3]):
        assert [shape(node) for node in nodes.of_type(tree, kind)] == \
            [shape(node) for node in ast.walk(whole) if isinstance(node, kind)]
    same_line = {}
    for node in nodes.walk(tree):
        for name in ("lineno", "end_lineno"):
            number = getattr(node, name, None)
            if number is not None and number > 256:
                assert same_line.setdefault(number, number) is number  # one int object a line


@pytest.mark.parametrize("middle", [
    # Column-0 `def` lines inside a string, brackets and a continued line: no cut may land there.
    'DOC = """\ndef not_code(x):\n    return x\n\nclass Nope:\n    pass\n"""\n',
    "PRODUCT = (CONFIG\n@ CONFIG\n@ CONFIG)\n",  # a column-0 `@` inside brackets is matrix multiplication
    "total = 1 + \\\n    2\n",
])
def test_cuts_never_split_a_statement(middle):
    text = module(40, middle * 3)
    assert ast.dump(nodes._parse(text), include_attributes=True) == ast.dump(ast.parse(text), include_attributes=True)
    assert syntax.unresolved_names("big.py", text) == _whole_unresolved(text)


def test_a_syntax_error_is_the_one_the_whole_file_compile_reports():
    text = module(40, "def broken(:\n    pass\n")
    with pytest.raises(SyntaxError) as whole:
        compile(text, "big.py", "exec", dont_inherit=True)
    assert syntax.validate("big.py", text) == \
        f"syntax error at line {whole.value.lineno}, column {whole.value.offset}: {whole.value.msg}"


def test_compiler_errors_beyond_the_parser_are_found_too():
    text = module(40, "def outer():\n    pass\n\nreturn 5\n")
    assert syntax.validate("big.py", text) == "syntax error at line " \
        f"{text[:text.index('return 5')].count(chr(10)) + 1}, column 1: 'return' outside function"


def test_a_text_is_cut_once_for_all_its_passes(monkeypatch):
    from fixer.core import textcache

    text = module(40, 'DOC = """\ndef not_code(x):\n    return x\n"""\n' * 3)
    cuts = []
    real_cut = pieces._cut
    monkeypatch.setattr(pieces, "_cut", lambda *args: cuts.append(args[1]) or real_cut(*args))
    assert syntax.validate("big.py", text) is None
    first = len(cuts)
    assert first > 5
    tree = nodes._parse(text)  # parsing and scoping the same text object search no cut again
    unresolved = syntax.unresolved_names("big.py", text)
    assert len(cuts) == first
    assert ast.dump(tree, include_attributes=True) == ast.dump(ast.parse(text), include_attributes=True)
    assert unresolved == _whole_unresolved(text)
    textcache.clear()
    copy = "".join(list(text))  # another text object: cut afresh, on the same lines
    assert [end for _, end, _ in pieces.spans(copy, lambda piece: None)] == \
        [end for _, end, _ in pieces.spans(text, lambda piece: None)]


def test_a_stricter_pass_cuts_again_and_reports_the_whole_files_error():
    text = module(40, "def outer():\n    pass\n\nreturn 5\n")
    nodes._parse(text)  # the parser takes a module-level `return`: its cuts are kept
    with pytest.raises(SyntaxError) as whole:
        compile(text, "big.py", "exec", dont_inherit=True)
    assert syntax.validate("big.py", text) == \
        f"syntax error at line {whole.value.lineno}, column {whole.value.offset}: {whole.value.msg}"


def test_a_late_future_import_is_checked_against_the_whole_module():
    text = module(40, "from __future__ import annotations\n")
    assert syntax.validate("big.py", text) is not None  # it must come first in the file
    assert syntax.validate("big.py", "from __future__ import annotations\n" + module(40)) is None


def test_names_read_in_one_piece_and_bound_in_another_resolve():
    text = module(40) + "\n\ndef late():\n    return handler_0, Model39, undefined_here\n"
    assert syntax.unresolved_names("big.py", text) == _whole_unresolved(text) == {"register", "helper",
                                                                                  "undefined_here"}


def _whole_unresolved(text: str) -> set[str]:
    bound, read = syntax._module_names("big.py", text)
    return read - bound - syntax.IMPLICIT


def test_a_small_module_is_one_piece():
    text = textwrap.dedent("""\
        def f():
            return 1
        """)
    assert cut_count(text) == 1


# -- the rules on a module cut in pieces give the whole module's verdicts ---------------------------
HEAD = '''"""Orders module.

>>> print("doctest output stays")
doctest output stays
"""
import json
import logging
import pdb
from logging import DEBUG

DEBUG_LOG = "/tmp/orders_debug.log"
log = logging.getLogger(__name__)
'''
EARLY = '''
def report(order):
    print("DEBUG report", order)
    return order


def dump(order):
    print(json.dumps(order))
    return order


@register("decorated")
def decorated(order):
    breakpoint()
    return order
'''
LONG_CLASS = "\n\nclass Ledger:\n" + "".join(
    f"    def entry_{n}(self, value):\n        return value + {n}\n\n" for n in range(30)) + \
    "    def audit(self):\n        pdb.set_trace()\n        return self\n"
FAR = '''

def compute(order):
    total = order * 2
    print("DEBUG total", total)
    return total


def persist(order):
    with open(DEBUG_LOG, "a") as debug_file:
        debug_file.write(str(order))
    return order
'''
TAIL = '''

def main():
    logging.basicConfig(level=DEBUG)
    return report(1), dump(2)


if __name__ == "__main__":
    main()
'''
PDB_USED = "\n\ndef post_mortem_hook():\n    return pdb.post_mortem\n"


def rules_module(pdb_used: bool) -> str:
    parts = [HEAD, EARLY] + [FUNCTION.format(n=n) for n in range(25)] + [LONG_CLASS]
    parts += [FUNCTION.format(n=n) for n in range(25, 50)] + [FAR]
    if pdb_used:
        parts.append(PDB_USED)
    parts += [FUNCTION.format(n=n) for n in range(50, 70)] + [TAIL]
    return "".join(parts)


def run_rules(text: str):
    from fixer.core.engine import fix_text
    from fixer.core.rule import all_rules

    rules = all_rules()
    chosen = [rules["remove-debugger-calls"](), rules["remove-debug-prints"](),
              rules["remove-debug-file-writes"](files=["/tmp/*debug*.log"]),
              rules["set-log-level"](**{"from": "DEBUG", "to": "INFO"})]
    result = fix_text("app/orders.py", text, chosen)
    findings = sorted((f.rule, f.line, f.column, f.end_line, f.message, f.fixed, f.evidence) for f in result.findings)
    return result.new, findings, result.errors


@pytest.mark.parametrize("pdb_used", [False, True])
def test_the_rules_on_pieces_give_the_whole_modules_findings_and_fixes(monkeypatch, pdb_used):
    from fixer.lang.python import names

    text = rules_module(pdb_used)
    assert cut_count(text) > 10
    monkeypatch.setattr(names, "INDEXED", 40)  # the names index forgets statements as it goes too
    in_pieces = run_rules(text)
    monkeypatch.setattr(pieces, "BIG", 10 * len(text))
    monkeypatch.setattr(names, "INDEXED", 10 ** 9)
    assert cut_count(text) == 1
    whole = run_rules(text)
    assert in_pieces == whole
    new, findings, errors = whole
    assert errors == []
    fixed = {(rule, fixed) for rule, _, _, _, _, fixed, _ in findings}
    assert {("remove-debugger-calls", True), ("remove-debug-prints", True), ("remove-debug-file-writes", True),
            ("set-log-level", True)} <= fixed
    assert "breakpoint()" not in new and "pdb.set_trace()" not in new and "debug_file.write" not in new
    assert "doctest output stays" in new and "logging.basicConfig(level=" in new
    assert ("import pdb" in new) is pdb_used  # an import kept only while something else reads it
    compile(new, "orders.py", "exec")


def test_names_answer_alike_with_the_index_forgetting_statements(monkeypatch):
    from fixer.lang.python import names

    tree = ast.parse(module(30))
    everything = [node for node in ast.walk(tree) if isinstance(node, (ast.expr, ast.stmt, ast.arg))]
    monkeypatch.setattr(names, "INDEXED", 10 ** 9)
    full = names.Names(tree)
    expected = [(id(full.parent(node)), full.scope(node).node, full.resolve_node(node) if isinstance(node, ast.Name)
                 else None) for node in everything]
    monkeypatch.setattr(names, "INDEXED", 25)
    small = names.Names(tree)
    got = [(id(small.parent(node)), small.scope(node).node, small.resolve_node(node) if isinstance(node, ast.Name)
            else None) for node in reversed(everything)]
    assert [(p, s) for p, s, _ in got[::-1]] == [(p, s) for p, s, _ in expected]
    assert [[(b.name, b.kind, id(b.node)) for b in r or []] for _, _, r in got[::-1]] == \
        [[(b.name, b.kind, id(b.node)) for b in r or []] for _, _, r in expected]
    assert len(small._indexed) < len(small._tops)


@pytest.mark.parametrize("edit", [
    ("CONFIG = {}\n", ""),  # a binding in the first piece, read in many others
    ("class Model7:", "class Renamed7:"),  # a class bound in one piece, read nowhere else
    ("        return helper(self.limit)\n", "        return helper(self.limit, gone_name)\n"),  # a new unbound read
    ("def handler_30(", "def renamed_30("),  # read later by `late`
    ("@register(\"12\")\n", ""),  # a read of an unbound name dropped: nothing lost
])
def test_names_lost_by_an_edit_are_the_whole_modules(edit):
    original = module(40) + "\n\ndef late():\n    return handler_30, Model39\n"
    old, new = edit
    assert old in original
    fixed = original.replace(old, new, 1)
    assert cut_count(original) > 5
    expected = (_whole_unresolved(fixed) - _whole_unresolved(original))
    assert syntax.newly_unresolved("big.py", original, fixed) == expected
    assert syntax.newly_unresolved("big.py", original, original) == set()


def test_every_python_rule_fixes_real_modules_in_pieces_as_it_does_whole(monkeypatch):
    """The whole engine on real code (modules of the standard library of the Python running the
    tests, with debug leftovers put into some of their functions): cut into pieces, every fix,
    finding and error is the one the whole-text pass gives."""
    import random
    import re
    import sysconfig
    from pathlib import Path

    from fixer.core.engine import fix_text
    from fixer.core.rule import all_rules

    rules = [cls() for cls in all_rules().values() if cls.language == "python"]
    starts = re.compile(r"^(\s*)(?:async\s+)?def\s.*:\s*$")
    leftovers = ['breakpoint()', 'import pdb; pdb.set_trace()', 'print("DEBUG:", 1)', 'print(f"debug {1}")',
                 'logging.basicConfig(level=logging.DEBUG)', 'with open("/tmp/app_debug.log", "a") as f: f.write("x")']
    random_ = random.Random(7)
    modules = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[::12]
    assert len(modules) >= 10
    found = 0
    for module in modules:
        lines = module.read_text(encoding="utf-8").splitlines(keepends=True)
        defs = [i for i, line in enumerate(lines) if starts.match(line)]
        for i in sorted(random_.sample(defs, min(5, len(defs))), reverse=True):
            lines.insert(i + 1, starts.match(lines[i]).group(1) + "    " + random_.choice(leftovers) + "\n")
        text = "".join(lines)
        answers = []
        for big, piece in ((10 ** 9, 64 * 1024), (2_000, 2_000)):
            monkeypatch.setattr(pieces, "BIG", big)
            monkeypatch.setattr(pieces, "PIECE", piece)
            pieces._memo.clear()
            result = fix_text(f"svc/{module.name}", text, rules)
            answers.append((result.new, sorted((f.rule, f.line, f.column, f.message, f.fixed) for f in result.findings),
                            result.errors))
        assert answers[0] == answers[1], module.name
        found += len(answers[0][1])
    assert found > 30  # the leftovers were seen
