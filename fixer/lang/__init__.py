"""Language knowledge shared by rules: `python/` and `elixir/` (parsing, names and scopes, effects
and purity, layout), plus `enclosing` (the definition a line sits in, for either language)."""
