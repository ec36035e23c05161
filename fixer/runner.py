"""Runs the pure engine over the files of a source (the edge that reads)."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from fixer.config import Config
from fixer import pool
from fixer.globs import matches_any
from fixer.model import FileResult
from fixer.rule import Rule
from fixer.textio import Decoded, InputError, decode


@dataclass
class FileOutcome:
    result: FileResult
    decoded: Decoded | None = None

    def new_bytes(self) -> bytes:
        assert self.decoded is not None
        return self.decoded.encode(self.result.new)

    def stage_bytes(self, text: str) -> bytes:
        assert self.decoded is not None
        return self.decoded.encode(text)


@dataclass
class Run:
    rules: list[Rule]
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def changed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.result.changed]

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(o.result.path, e) for o in self.outcomes for e in o.result.errors]

    @property
    def pending(self) -> bool:
        """Fixes waiting, or findings a person has to look at."""
        return bool(self.changed) or any(not f.fixed for f in self.findings)

    @property
    def findings(self):
        return [f for o in self.outcomes for f in o.result.findings]

    def per_rule(self) -> dict[str, dict[str, int]]:
        """rule id -> {files, fixes, reported, errors}"""
        table: dict[str, dict[str, int]] = {r.id: defaultdict(int) for r in self.rules}
        for outcome in self.outcomes:
            touched = {rule for rule, _ in outcome.result.stages}
            for rule in touched:
                table[rule]["files"] += 1
            for finding in outcome.result.findings:
                row = table.setdefault(finding.rule, defaultdict(int))
                row["fixes" if finding.fixed and outcome.result.changed else "reported"] += 1
        return {rule: dict(row) for rule, row in table.items()}


def candidates(source, config: Config, rules: list[Rule]) -> list[str]:
    chosen = []
    for path in source.files():
        if config.include and not matches_any(path, config.include):
            continue
        if config.exclude and matches_any(path, config.exclude):
            continue
        if any(rule.applies_to(path) for rule in rules):
            chosen.append(path)
    return chosen


def run(source, config: Config, rules: list[Rule], progress: Callable[[str], None] | None = None, only: list[str] | None = None) -> Run:
    """Fix every candidate file (or just `only`), returning results; nothing is written.

    Files no rule's anchor matches are settled here without the engine; the others go through the
    engine, on `config.jobs` processes when there are enough of them (see fixer.pool)."""
    outcome = Run(rules)
    paths = only if only is not None else candidates(source, config, rules)
    texts: dict[str, Decoded] = {}
    for path in paths:
        try:
            data = source.read(path)
            if data is None:
                continue
            texts[path] = decode(data, config.max_file_size)
        except InputError as exc:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "", errors=[str(exc)])))
    context = gather_context(source, config, rules, texts)
    work = []
    for path, decoded in texts.items():
        if any(rule.wants(path, decoded.text) for rule in rules):
            work.append((path, decoded.text))
        elif progress:
            progress(path)
    results = pool.fix_all(work, rules, context, pool.jobs_for(config, len(work)), progress)
    for path, decoded in texts.items():
        result = results.get(path) or FileResult(path, decoded.text, decoded.text)
        outcome.outcomes.append(FileOutcome(result, decoded))
    outcome.outcomes.sort(key=lambda o: o.result.path)
    return outcome


def gather_context(source, config: Config, rules: list[Rule], texts: dict[str, Decoded]) -> dict:
    """Facts some rules need from other files of the repo (e.g. behaviours' @callback specs)."""
    context: dict = {}
    needing = [rule for rule in rules if rule.context_anchor]
    if not needing:
        return context
    from fixer.globs import matches_any
    from fixer.rule import LANGUAGE_EXTENSIONS

    # Behaviours may live anywhere in the repo (an umbrella's other app, a shared lib), not only in
    # the files the rule fixes: read every file of the rule's language that the config allows.
    listed = source.files() if texts else []
    for rule in needing:
        everything = [p for p in listed if p.endswith(LANGUAGE_EXTENSIONS[rule.language])
                      and not (config.exclude and matches_any(p, config.exclude))]
        anchor = re.compile(rule.context_anchor)
        facts = []
        for path in everything:
            decoded = texts.get(path)
            if decoded is None:
                try:
                    data = source.read(path)
                    decoded = decode(data, config.max_file_size) if data is not None else None
                except InputError:
                    decoded = None
            if decoded is not None and anchor.search(decoded.text):
                facts.append(rule.gather(path, decoded.text))
        context[rule.id] = facts
    return context
