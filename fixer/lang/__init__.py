"""Language helpers. This package's own namespace stays light: the parsers load on first use."""

# File name endings per language (kept here, not in the parser modules, so matching paths is cheap).
LANGUAGE_EXTENSIONS = {"python": (".py", ".pyi"), "elixir": (".ex", ".exs")}
