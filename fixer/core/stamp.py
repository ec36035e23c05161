"""What identifies fixer's own code: the size and time of each of its modules (an editable install
changes code without changing the version). Read by the result cache's build id and by the fast
lane's key, before anything heavy is imported (os only)."""
from __future__ import annotations

import os

_lines: list[str] = []


def module_lines() -> list[str]:
    """`/folder/name.py:size:mtime_ns` of each of fixer's modules, in a fixed order (worked out once a
    process)."""
    if not _lines:
        import fixer

        package = os.path.dirname(fixer.__file__)
        for folder, _, files in sorted(os.walk(package)):
            for name in sorted(files):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(folder, name))
                    _lines.append(f"{folder[len(package):]}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return _lines
