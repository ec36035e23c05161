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
