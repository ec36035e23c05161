"""The languages fixer reads, by name: file endings, and which files are tests. The parsers live in
fixer.lang.<language>.syntax and load on first use, so matching paths stays cheap."""
import importlib

# File name endings per language (kept here, not in the parser modules, so matching paths is cheap).
LANGUAGE_EXTENSIONS = {"python": (".py", ".pyi"), "elixir": (".ex", ".exs")}


def is_test_path(path: str) -> bool:
    """A Python test file: tests/**, test_*.py, *_test.py, conftest.py (tests print, and set log
    levels, to check the code itself)."""
    parts = path.split("/")
    name = parts[-1]
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py") or \
        any(part in ("test", "tests", "testing") for part in parts[:-1])


def syntax(language: str):
    """fixer.lang.<language>.syntax (parse, validate), found by name: the core knows languages only by
    name, as it knows rules only as the fixer.rules package, and never imports either directly."""
    return importlib.import_module(f"fixer.lang.{language}.syntax")
