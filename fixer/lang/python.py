"""Python through LibCST: parsing, positions, validation."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from fixer.lang import LANGUAGE_EXTENSIONS
from fixer.lazy import LazyModule

if TYPE_CHECKING:
    from libcst.metadata import MetadataWrapper

cst = LazyModule("libcst")
EXTENSIONS = LANGUAGE_EXTENSIONS["python"]


class ParseFailure(Exception):
    pass


@lru_cache(maxsize=16)
def parse(text: str) -> cst.Module:
    """Parse (cached: validation and the next rule pass parse the same text; modules are immutable)."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise ParseFailure(f"syntax error at line {exc.raw_line}, column {exc.raw_column}: {exc.message}") from None


def wrapper(text: str) -> MetadataWrapper:
    from libcst.metadata import MetadataWrapper

    return MetadataWrapper(parse(text), unsafe_skip_copy=True)


def validate(path: str, text: str, original: str | None = None) -> str | None:
    """None if the text is valid Python for both LibCST and CPython, else the reason."""
    try:
        parse(text)
        compile(text, path, "exec", dont_inherit=True)
    except ParseFailure as exc:
        return str(exc)
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    except ValueError as exc:  # e.g. NUL bytes
        return str(exc)
    return None
