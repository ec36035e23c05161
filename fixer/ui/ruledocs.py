"""`fixer rules`: the rule list and one rule's documentation, laid out for the terminal's width.

Prose is filled to the width; code (the docstring's Example section, the before/after examples,
anchors) is printed verbatim, because wrapping code would change it.
"""
from __future__ import annotations

import json
import re

from fixer.ui.layout import wrap

CODE_SECTIONS = ("Example:", "Examples:")
BULLET = re.compile(r"([-*] |\d+\. )")


def rules_list(registry, columns: int, chosen: tuple[set[str], str] | None = None) -> str:
    """One row per rule: id, language, on/off, and the summary filled to the width (ids whole).
    `chosen`: (the ids a config turns on, that config's name); else the defaults are shown."""
    id_width = max(len(rule_id) for rule_id in registry)
    narrow = columns - (id_width + 21) < 24  # too narrow for a summary column: it goes under the id
    column = "default" if chosen is None else "on"
    header = f"{'id':{id_width}}  language  {column:7}" + ("" if narrow else "  summary")
    lines = [header, "-" * min(max(len(header), 40), columns)]
    for rule_id, cls in registry.items():
        on = cls.default_enabled if chosen is None else rule_id in chosen[0]
        lead = f"{rule_id:{id_width}}  {cls.language:8}  {'on' if on else 'off':7}  "
        if narrow:
            lines += [lead.rstrip()] + wrap(cls.summary(), "    ", columns)
        else:
            lines += wrap(cls.summary(), " " * len(lead), columns, first=lead)
    if chosen is not None:
        lines += ["", f"on: as {chosen[1]} sets them (`select`, `extend-select`, rule tables)."]
    lines += ["", "`fixer rules ID` shows a rule's documentation, parameters and examples."]
    return "\n".join(lines) + "\n"


def rule_docs(cls, columns: int) -> str:
    lines = [f"{cls.id} ({cls.language}, {'on' if cls.default_enabled else 'off'} by default)", ""]
    lines += fill_docstring(cls.documentation(), columns)
    lines += ["", "Parameters:"]
    for name, spec in {**cls.params, **cls.COMMON}.items():
        default = list(cls.default_paths) if name == "paths" else spec.default
        lines += _parameter(name, json.dumps(default), spec.doc, columns)
    lines += ["", "Anchors (a file is parsed only when one matches):"]
    lines += [f"  {a}" for a in cls().anchor_patterns()]
    for number, example in enumerate(cls.examples, 1):
        params = f" with {json.dumps(example.params)}" if example.params else ""
        lines += [""] + wrap(f"Example {number}{params} ({cls.example_path(example)}):", "  ", columns, first="")
        lines.append("  before:")
        lines += _code(example.before)
        if example.after is None:
            lines.append("  after: unchanged")
        else:
            lines.append("  after:")
            lines += _code(example.after) or ["    (empty)"]
    return "\n".join(lines) + "\n"


def _code(text: str) -> list[str]:
    return [f"    {line}" if line.strip() else "" for line in text.rstrip("\n").splitlines()]


def _parameter(name: str, value: str, doc: str, columns: int) -> list[str]:
    """`name = value  # doc` (pasteable TOML); the comment goes above when the line would be too wide."""
    line = f"  {name} = {value}  # {doc}"
    if len(line) <= columns:
        return [line]
    return wrap(doc, "  # ", columns) + [f"  {name} = {value}"]


def fill_docstring(doc: str, columns: int) -> list[str]:
    """Reflow each prose paragraph (same indent, no blank line; a bullet with the lines indented
    under its text) to `columns`, keeping section headers, bullets and the code of Example
    sections as they are. A header starts a paragraph and its section is indented under it: a prose
    line that happens to end with ":" is prose."""
    out: list[str] = []
    paragraph: list[str] = []
    indent = ""
    hanging = ""  # where the paragraph's continuation lines start (deeper under a bullet)
    in_code = False

    def flush() -> None:
        if paragraph:
            out.extend(wrap(" ".join(part.strip() for part in paragraph), hanging, columns, first=indent))
            paragraph.clear()

    lines = doc.splitlines()
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not paragraph and _is_header(line, lines[number + 1] if number + 1 < len(lines) else ""):
            in_code = stripped in CODE_SECTIONS
            out.append(line)
            continue
        if in_code or not stripped:
            flush()
            out.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        bullet = BULLET.match(stripped)
        if paragraph and (bullet or lead != hanging):
            flush()
        if not paragraph:
            indent = lead
            hanging = lead + " " * (len(bullet.group(0)) if bullet else 0)
        paragraph.append(line)
    flush()
    return out


def _is_header(line: str, following: str) -> bool:
    """`Why:` at the margin, with its section indented under it (or a blank line) next."""
    return bool(line) and not line[0].isspace() and line.rstrip().endswith(":") and \
        (not following.strip() or following[0].isspace())


# -- the docs site: one Markdown page per rule, from the same docstring and examples ------------------

LANGUAGE_NAMES = {"python": "Python", "elixir": "Elixir"}


def rule_markdown(cls) -> str:
    """The rule's page for the docs site: its docstring's sections as Markdown, its parameters as
    pasteable TOML, and its before/after examples (the ones the test suite runs) as code."""
    fence = cls.language
    lines = [f"# {cls.id}", "",
             f"{LANGUAGE_NAMES[cls.language]} · {'on' if cls.default_enabled else 'off'} by default · "
             f"`fixer rules {cls.id}`", ""]
    for title, body in docstring_sections(cls.documentation()):
        if title is None:
            lines += [body, ""]
        elif title in CODE_SECTIONS:
            lines += [f"## {title.rstrip(':')}", "", f"```{fence}", body, "```", ""]
        else:
            lines += [f"## {title.rstrip(':')}", "", body, ""]
    lines += ["## Parameters", "", "```toml", f"[rules.{cls.id}]"]
    for name, spec in {**cls.params, **cls.COMMON}.items():
        default = list(cls.default_paths) if name == "paths" else spec.default
        lines.append(f"{name} = {json.dumps(default)}  # {spec.doc}")
    lines += ["```", ""]
    if cls.examples:
        lines += ["## Examples", "", "Each one is run by the test suite: the rule must turn *before* into *after*.", ""]
    for number, example in enumerate(cls.examples, 1):
        params = f" with `{json.dumps(example.params)}`" if example.params else ""
        lines += [f"### Example {number}{params}", "", f"`{cls.example_path(example)}`, before:", "",
                  f"```{fence}", example.before.rstrip("\n"), "```", ""]
        if example.after is None:
            lines += ["After: unchanged.", ""]
        else:
            lines += ["After:", "", f"```{fence}", example.after.rstrip("\n"), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def docstring_sections(doc: str) -> list[tuple[str | None, str]]:
    """(header or None for the summary, the section's text dedented) in order."""
    import textwrap

    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    lines = doc.splitlines()
    for number, line in enumerate(lines):
        if _is_header(line, lines[number + 1] if number + 1 < len(lines) else ""):
            sections.append((line.strip(), []))
        else:
            sections[-1][1].append(line)
    return [(title, textwrap.dedent("\n".join(body)).strip("\n")) for title, body in sections
            if "\n".join(body).strip()]


def rules_index_markdown(registry) -> str:
    """The rules overview page: one row per rule with its summary, linking to its page."""
    lines = ["# Rules", "",
             "Each rule's page is made from the rule's own documentation and examples (the examples are run by",
             "the test suite), so the docs and the code cannot drift apart. `fixer rules` lists them in the",
             "terminal, `fixer rules ID` prints one page, and `fixer rules -c CONFIG` shows which ones a",
             "config turns on. How to turn rules on and off: [Configuration](../configuration.md).", "",
             "| rule | language | default | what it does |", "|------|----------|---------|--------------|"]
    for rule_id, cls in registry.items():
        summary = cls.summary().replace("|", "\\|")
        lines.append(f"| [`{rule_id}`]({rule_id}.md) | {LANGUAGE_NAMES[cls.language]} | "
                     f"{'on' if cls.default_enabled else 'off'} | {summary} |")
    return "\n".join(lines) + "\n"
