"""What identifies content cheaply: git's blob id of some bytes, and fixer's own code (the size and
time of each of its modules: an editable install changes code without changing the version). Read by
the result cache and by the fast lane's key, before anything heavy is imported."""
from __future__ import annotations

import hashlib
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


def blob_id(data: bytes) -> str:
    """git's object id of a blob holding `data` (what `git hash-object` prints), so keys from git's
    index and keys of files read agree."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
