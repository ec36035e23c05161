"""Runs the pure engine over the files of a source (the edge that reads)."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from fixer.core.config import Config
from fixer.core import pool
from fixer.core.globs import matches_any
from fixer.core.model import FileResult, Gathered
from fixer.core.rule import Rule
from fixer.core.textio import Decoded, InputError, decode


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
    context: dict[str, Any] = field(default_factory=dict)  # what the rules gathered (to fix a file again)

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

    Every file is read and searched for the rules' anchors (on several processes when there are many
    files: see fixer.core.pool); files no rule's anchor matches are settled without the engine; the others
    go through the engine, on `config.jobs` processes when there are enough of them.

    Memory stays proportional to the files being fixed, not to the repository: a file no rule
    wants, or one the rules leave as it was with nothing to report, keeps its path and no text."""
    outcome = Run(rules)
    paths = only if only is not None else candidates(source, config, rules)
    gathering = Gathering(config, rules)
    work: list[tuple[str, str]] = []
    decoded_of: dict[str, Decoded] = {}
    settled: list[str] = []
    scan = Scan(source, config, rules, gathering)
    for path, scanned in pool.scan_all(paths, scan, pool.jobs_for_scan(config, len(paths), source)):
        if scanned.fingerprint is not None:
            source.fingerprints[path] = scanned.fingerprint  # read by a worker: the writer checks it
        if scanned.error is not None:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "", errors=[scanned.error])))
            continue
        if scanned.read:
            gathering.record(path, scanned.facts)
        if scanned.decoded is not None:
            work.append((path, scanned.decoded.text))
            decoded_of[path] = scanned.decoded
        elif scanned.read:
            settled.append(path)
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "")))
    context = gathering.finish(source) if (work or settled) else {}
    outcome.context = context
    if progress:
        for path in settled:
            progress(path)
    jobs = pool.jobs_for(config, len(work), sum(len(text) for _, text in work))
    results = pool.fix_all(work, rules, context, jobs, progress)
    del work
    for path, decoded in decoded_of.items():
        result = results.pop(path)
        if result.changed or result.findings or result.errors:
            outcome.outcomes.append(FileOutcome(result, decoded))
        else:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "")))
    outcome.outcomes.sort(key=lambda o: o.result.path)
    return outcome


@dataclass
class Scanned:
    """What reading one file found: an error, or its facts for other files' rules, and its decoded
    text when a rule's anchor matches it (only then does its text go on to the engine)."""
    read: bool = False  # False: nothing to read (a symlink processed under its target's name)
    error: str | None = None
    decoded: Decoded | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None  # of the bytes read, when a worker process read them


class Scan:
    """Reads one file and searches it for anchors: the same in the parent and in a worker."""

    def __init__(self, source, config: Config, rules: list[Rule], gathering: Gathering):
        self.source, self.config, self.rules, self.gathering = source, config, rules, gathering

    def __call__(self, path: str, in_worker: bool = False) -> Scanned:
        try:
            data = self.source.read(path)
            if data is None:
                return Scanned()
            decoded = decode(data, self.config.max_file_size)
        except InputError as exc:
            return Scanned(error=str(exc))
        wanted = any(rule.wants(path, decoded.text) for rule in self.rules)
        fingerprint = self.source.fingerprints.get(path) if in_worker else None
        return Scanned(True, None, decoded if wanted else None, self.gathering.facts_of(path, decoded.text), fingerprint)


class Gathering:
    """Facts some rules need from other files of the repo (e.g. behaviours' @callback specs),
    taken from the files as they are read, then from the repo's other files of the rule's language
    (behaviours may live anywhere: an umbrella's other app, a shared lib), in the listing's order."""

    def __init__(self, config: Config, rules: list[Rule]):
        self.config = config
        self.needing = [(rule, re.compile(rule.context_anchor)) for rule in rules if rule.context_anchor]
        self.facts: dict[str, dict[str, Any]] = {rule.id: {} for rule, _ in self.needing}
        self.read: set[str] = set()

    def _gathered(self, rule: Rule, path: str) -> bool:
        from fixer.core.rule import LANGUAGE_EXTENSIONS

        wanted = path.endswith(LANGUAGE_EXTENSIONS[rule.language]) or path.rpartition("/")[2] in rule.context_files
        return wanted and not (self.config.exclude and matches_any(path, self.config.exclude))

    def facts_of(self, path: str, text: str) -> dict[str, Any]:
        """rule id -> this file's facts, for each rule whose context anchor matches it (a lazy rule
        keeps the text, for its `gather` to read only if asked)."""
        facts = {}
        for rule, anchor in self.needing:
            if self._gathered(rule, path) and anchor.search(text):
                facts[rule.id] = (path, text) if rule.lazy_context else rule.gather(path, text)
        return facts

    def record(self, path: str, facts: dict[str, Any]) -> None:
        if not self.needing:
            return
        self.read.add(path)
        for rule_id, fact in facts.items():
            self.facts[rule_id][path] = fact

    def finish(self, source) -> dict:
        if not self.needing:
            return {}
        listed = source.files()
        for path in listed:
            if path in self.read or not any(self._gathered(rule, path) for rule, _ in self.needing):
                continue
            try:
                data = source.read(path)
                text = decode(data, self.config.max_file_size).text if data is not None else None
            except InputError:
                text = None
            if text is not None:
                self.record(path, self.facts_of(path, text))
        lazy = {rule.id: rule for rule, _ in self.needing if rule.lazy_context}
        return {rule_id: Gathered(lazy[rule_id].gather, [facts[p] for p in listed if p in facts]) if rule_id in lazy
                else [facts[path] for path in listed if path in facts] for rule_id, facts in self.facts.items()}

