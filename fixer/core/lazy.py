"""A module imported on first use, so that `fixer --version`, `--help` and `fixer rules` never pay
for LibCST (~0.45 s) or tree-sitter: rule modules and helpers name `cst` at import time, but only
touch it inside check()."""
from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    def __init__(self, name: str):
        self.__dict__["_name"] = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self._name), attr)
        setattr(self, attr, value)  # later lookups are plain attribute reads
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
