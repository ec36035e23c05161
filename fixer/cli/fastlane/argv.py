"""Which command lines the fast lane understands: a plain `check`, options it knows (see `parse`)."""
from __future__ import annotations

# `check`'s options the lane understands: those taking a value, and flags. Any other argument (a path,
# --no-cache, --help, a short option with its value attached...) takes the normal run.
VALUE_OPTIONS = {"-C": "directory", "--directory": "directory", "-c": "config", "--config": "config",
                 "-r": "rule", "--rule": "rule", "-f": "format", "--format": "format", "-j": "jobs", "--jobs": "jobs"}
FLAGS = {"-q", "--quiet", "-v", "--verbose", "--allow-unchecked", "--show-unsure"}
GLOBAL_VALUE_OPTIONS = {"-C", "--directory", "-c", "--config"}
GLOBAL_FLAGS = {"-q", "--quiet", "-v", "--verbose"}


def parse(argv: list[str]) -> dict | None:
    """The -C and -c values, the --rule ids, the --format and whether -q was given, of a plain `check`
    invocation (global options first, as `fixer -C dir check`), or None when the arguments are
    anything else."""
    values: dict = {"rule": [], "format": "text", "quiet": False}
    position, command_seen = 0, False
    while position < len(argv):
        arg = argv[position]
        name, has_value, attached = arg.partition("=") if arg.startswith("--") else (arg, False, "")
        value_options = VALUE_OPTIONS if command_seen else GLOBAL_VALUE_OPTIONS
        flags = FLAGS if command_seen else GLOBAL_FLAGS
        if name in value_options:
            if not has_value:
                position += 1
                if position >= len(argv):
                    return None
                attached = argv[position]
            kind = VALUE_OPTIONS[name]
            if kind in ("directory", "config"):
                if kind in values or not attached:
                    return None  # given twice: which one counts is the normal run's business
                values[kind] = attached
            elif kind == "rule":
                values["rule"].append(attached)
            elif kind == "format":
                values["format"] = attached
        elif arg in flags:
            values["quiet"] = values["quiet"] or arg in ("-q", "--quiet")
        elif arg == "check" and not command_seen:
            command_seen = True
        else:
            return None
        position += 1
    return values if command_seen else None
