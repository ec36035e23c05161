"""MkDocs hook: the rule pages are generated at build time from the rules themselves (their
docstrings, parameters and tested examples), one page per rule plus the overview, and listed in the
nav under "Rules". A new rule gets its page without anyone writing one."""
from __future__ import annotations

from mkdocs.structure.files import File


def _rules():
    from fixer.core.rule import all_rules

    return all_rules()


def on_config(config):
    pages = [{"Overview": "rules/index.md"}] + [{rule_id: f"rules/{rule_id}.md"} for rule_id in _rules()]
    for position, entry in enumerate(config.nav or []):
        if isinstance(entry, dict) and "Rules" in entry:
            config.nav[position] = {"Rules": pages}
    return config


def on_files(files, config):
    from fixer.ui.ruledocs import rule_markdown, rules_index_markdown

    registry = _rules()
    files.append(File.generated(config, "rules/index.md", content=rules_index_markdown(registry)))
    for rule_id, cls in registry.items():
        files.append(File.generated(config, f"rules/{rule_id}.md", content=rule_markdown(cls)))
    return files
