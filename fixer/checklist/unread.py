"""What an item's rule cannot read but the item is about: a logging level set in a config file
(`logging.ini`, `logging.yaml`), a debug-log path written by a script that is not a `.py` file (an
extensionless script with a shebang, a shell script). Each becomes a needs-review site, so the item
is not ticked while that part of its work is left."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from fixer.checklist.hints import Site
from fixer.core.globs import matches_any

CONFIG_SUFFIXES = (".ini", ".cfg", ".conf", ".toml", ".yaml", ".yml", ".json")
SCRIPT_SUFFIXES = (".sh", ".bash", ".zsh", ".pyw", ".service", *CONFIG_SUFFIXES)
SECTION = re.compile(r"^\s*\[+([^\]]*)\]")
WHY = {
    "set-log-level": ("a logging config file the rule does not rewrite sets {old} here", "level in a config file"),
    "remove-debug-file-writes": ("a script or config the rule does not read (not a .py file) names the debug log",
                                 "not a .py file"),
}


def unread_sites(entry, files) -> list[Site]:
    """Needs-review sites in the repository's files the item's rule does not read (repository-wide
    items only: an item naming its file is about that file)."""
    finder = _finder(entry)
    if finder is None or not entry.repository_wide:
        return []
    message, evidence = WHY[entry.rule]
    message = message.format(old=entry.options.get("from", ""))
    sites = []
    for path in sorted(files.available):
        if path == files.checklist or path.endswith(".py") or (files.config.exclude and
                                                         matches_any(path, files.config.exclude)):
            continue
        suffix = PurePosixPath(path).suffix
        if suffix not in SCRIPT_SUFFIXES and suffix != "":
            continue
        text = files.text(path)
        if text is None or (suffix == "" and not text.startswith("#!")) or (
                entry.rule == "set-log-level" and not _logging_config(path, suffix, text)):
            continue
        section = ""
        for number, line in enumerate(text.splitlines(), 1):
            section = header.group(1) if (header := SECTION.match(line)) else section
            if finder.search(line) and "pytest" not in section:  # a test runner's capture level
                sites.append(Site(path, number, number, "needs review", f"{message}: `{line.strip()[:60]}`",
                                  evidence, None, line.lower()))
    return sites


def _logging_config(path: str, suffix: str, text: str) -> bool:
    """A config file for logging: named for it (`logging.ini`, `log_config.yaml`) or shaped like one
    (fileConfig's `[logger_root]`, dictConfig's `loggers:`)."""
    return suffix in CONFIG_SUFFIXES and ("log" in PurePosixPath(path).name.lower() or
                                          bool(re.search(r"\[logger_|\bloggers\b", text)))


def _finder(entry) -> re.Pattern[str] | None:
    if entry.rule == "set-log-level":
        old = re.escape(entry.options["from"])
        return re.compile(rf"""(?i)^\s*["']?(?:level|log_?level)["']?\s*[=:]\s*["']?{old}\b""")
    if entry.rule == "remove-debug-file-writes":
        literal = [p for p in entry.options.get("files", ()) if not re.search(r"[*?\[]", p)]
        return re.compile("|".join(re.escape(p) for p in literal)) if literal else None
    return None
