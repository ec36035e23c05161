"""Language helpers. This package's own namespace stays light: the parsers load on first use."""

# File name endings per language (kept here, not in the parser modules, so matching paths is cheap).
LANGUAGE_EXTENSIONS = {"python": (".py", ".pyi"), "elixir": (".ex", ".exs")}


def is_test_path(path: str) -> bool:
    """A Python test file: tests/**, test_*.py, *_test.py, conftest.py (tests print, and set log
    levels, to check the code itself)."""
    parts = path.split("/")
    name = parts[-1]
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py") or \
        any(part in ("test", "tests", "testing") for part in parts[:-1])
