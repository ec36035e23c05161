"""Runs the pure engine over the files of a source (the edge that reads)."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from fixer.core.cache import LAZY, UNLOADED, RunCache, Store, blob_id, digest, pack, stable, unpack
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


def run(source, config: Config, rules: list[Rule], progress: Callable[[str], None] | None = None,
        only: list[str] | None = None, cache: Store | None = None) -> Run:
    """Fix every candidate file (or just `only`), returning results; nothing is written.

    Every file is read and searched for the rules' anchors (on several processes when there are many
    files: see fixer.core.pool); files no rule's anchor matches are settled without the engine; the others
    go through the engine, on `config.jobs` processes when there are enough of them.

    With a `cache` (fixer.core.cache), a file whose content key (git's blob id) has an entry is not read
    at all: its facts and verdict come from the entry, as long as the facts of other files the verdict
    read are the same; files read this run are hashed, and their entries written at the end.

    Memory stays proportional to the files being fixed, not to the repository: a file no rule
    wants, or one the rules leave as it was with nothing to report, keeps its path and no text."""
    outcome = Run(rules)
    paths = only if only is not None else candidates(source, config, rules)
    memo = RunCache(cache, rules, config, source.content_keys()) if cache is not None else None
    summary = _summary_key(source, memo, paths) if memo is not None else None
    if summary is not None:
        kept = _from_summary(source, config, rules, memo, summary, paths, progress)
        if kept is not None:
            return kept
    if memo is not None:
        memo.load_last(paths)
    gathering = Gathering(config, rules, memo)
    checked = {path: entry for path, entry in (memo.fetch(paths) if memo else {}).items() if "verdict" in entry}
    work: list[tuple[str, str]] = []
    decoded_of: dict[str, Decoded] = {}
    settled: list[str] = []
    scan = Scan(source, config, rules, gathering, keyed=memo is not None)
    to_scan = [path for path in paths if path not in checked] if checked else paths
    for path, scanned in pool.scan_all(to_scan, scan, pool.jobs_for_scan(config, len(to_scan), source)):
        if scanned.fingerprint is not None:
            source.fingerprints[path] = scanned.fingerprint  # read by a worker: the writer checks it
        if scanned.error is not None:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "", errors=[scanned.error])))
            continue
        if scanned.read:
            gathering.entry(path, scanned.facts, scanned.key)
            gathering.record(path, scanned.facts)
        if scanned.decoded is not None:
            work.append((path, scanned.decoded.text))
            decoded_of[path] = scanned.decoded
        elif scanned.read:
            settled.append(path)
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "")))
            if memo is not None:
                memo.settle(path)
    if memo is not None and work:  # files read and hashed (changed, untracked) may have an entry too
        found = {p: e for p, e in memo.fetch([p for p, _ in work]).items() if "verdict" in e}
        for path, entry in found.items():
            memo.keep(path, entry)
        checked.update(found)
        work = [(p, text) for p, text in work if p not in found]
    for path, entry in checked.items():
        if path not in decoded_of:
            gathering.record_cached(path, entry)
    if work or settled or checked:
        gathering.finish(source)
    for path, entry in checked.items():
        if entry["verdict"] is None and not entry.get("deps"):  # settled, whatever other files say
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "")))
            if progress:
                progress(path)
            continue
        done = _from_entry(source, scan, gathering, path, entry, decoded_of.get(path))
        if isinstance(done, FileOutcome):
            outcome.outcomes.append(done)
            if progress:
                progress(path)
        elif done is not None:
            work.append((path, done.text))
            decoded_of[path] = done
    if progress:
        for path in settled:
            progress(path)
    context = gathering.context() if work else {}  # other files' facts: only for files to fix
    jobs = pool.jobs_for(config, len(work), sum(len(text) for _, text in work))
    results = pool.fix_all(work, rules, context, jobs, progress)
    del work
    for path, decoded in decoded_of.items():
        if path not in results:
            continue  # served from the cache
        result = results.pop(path)
        if memo is not None:
            gathering.store_verdict(path, result, decoded.text)
        if result.changed or result.findings or result.errors:
            outcome.outcomes.append(FileOutcome(result, decoded))
        else:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "")))
    outcome.outcomes.sort(key=lambda o: o.result.path)
    if memo is not None:
        if summary is not None and not outcome.errors:
            memo.put_run(summary, _run_record(outcome, memo))
        memo.save()
    return outcome


# -- the whole run at once: nothing the run reads has changed since a run that was kept ----------
SUMMARY_UNKEYED = 200  # files git cannot vouch for that are read and hashed to make the run's key


def _summary_key(source, memo: RunCache, paths: list[str]) -> bytes | None:
    """A key for the whole run: the content key of every listed file (any file's facts may count)
    and the files checked. Files git cannot vouch for are hashed; with too many of them (outside git)
    there is no run key, and each file's entry is looked up instead."""
    listed = source.files()
    unkeyed = [path for path in listed if path not in memo.keys]
    if len(unkeyed) > SUMMARY_UNKEYED:
        return None
    for path in unkeyed:
        try:
            data = source.read(path)
        except InputError:
            data = None
        if data is None:
            return None  # a symlink or an unreadable file: the run goes file by file
        memo.keys[path] = blob_id(data)
    keys = memo.keys
    return digest(b"".join(b"%s\0%s\0" % (path.encode("utf-8", "surrogateescape"), keys[path].encode())
                           for path in listed), "\0".join(paths).encode("utf-8", "surrogateescape"))


def _run_record(outcome: Run, memo: RunCache) -> list[str] | None:
    """The files with something to show (the others were settled); their verdicts are in their own
    entries, so the record stays a list of paths."""
    shown = [item.result.path for item in outcome.outcomes if item.result.changed or item.result.findings]
    if any(memo.entries.get(path, {}).get("verdict") is None for path in shown):
        return None
    return shown


def _from_summary(source, config: Config, rules: list[Rule], memo: RunCache, summary: bytes,
                  paths: list[str], progress) -> Run | None:
    """The run kept under `summary`, or None (no such run, or a file to show changed since)."""
    record = memo.get_run(summary)
    if record is None:
        return None
    found = memo.peek(record)
    if any(found.get(path, {}).get("verdict") is None for path in record):
        return None  # an entry went (the size bound): the run goes file by file
    outcome = Run(rules)
    shown = {path: found[path]["verdict"] for path in record}
    scan = Scan(source, config, rules, Gathering(config, []), keyed=True)
    for path in paths:
        verdict = shown.get(path)
        if verdict is None:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "")))
            continue
        new, stages, findings = verdict
        if new is None:
            outcome.outcomes.append(FileOutcome(FileResult(path, "", "", _stages(stages, ""), list(findings))))
            continue
        scanned = scan(path)  # the old text, for the diff and the writer's fingerprint
        if scanned.decoded is None or scanned.key != memo.keys.get(path):
            return None
        outcome.outcomes.append(FileOutcome(FileResult(path, scanned.decoded.text, new, _stages(stages, new),
                                                       list(findings)), scanned.decoded))
    if progress:
        for path in paths:
            progress(path)
    return outcome


def _from_entry(source, scan: Scan, gathering: Gathering, path: str, entry: dict,
                decoded: Decoded | None) -> FileOutcome | Decoded | None:
    """The outcome a cache entry holds, or (when the facts its verdict read have changed, or its fix
    needs the text and the file no longer holds what was hashed) the decoded text to fix again."""
    verdict = entry["verdict"]
    fresh = gathering.still(entry.get("deps", ()))
    if fresh and verdict is None:
        return FileOutcome(FileResult(path, "", ""))
    if fresh and verdict[0] is None:
        new, stages, findings = verdict
        return FileOutcome(FileResult(path, "", "", _stages(stages, ""), list(findings)))
    if decoded is None:
        scanned = scan(path)  # the old text is needed: for the diff, and for the writer's fingerprint
        if scanned.error is not None or not scanned.read:
            return FileOutcome(FileResult(path, "", "", errors=[scanned.error])) if scanned.error else None
        if scanned.key != gathering.memo.keys.get(path) or scanned.decoded is None:
            gathering.memo.keys.pop(path, None)  # changed since git listed it: fixed as read, not kept
            return scanned.decoded
        decoded = scanned.decoded
    if not fresh:
        return decoded
    new, stages, findings = verdict
    return FileOutcome(FileResult(path, decoded.text, new, _stages(stages, new), list(findings)), decoded)


def _stages(stages, new: str) -> list[tuple[str, str]]:
    return [(rule, new if text is None else text) for rule, text in stages]


@dataclass
class Scanned:
    """What reading one file found: an error, or its facts for other files' rules, and its decoded
    text when a rule's anchor matches it (only then does its text go on to the engine)."""
    read: bool = False  # False: nothing to read (a symlink processed under its target's name)
    error: str | None = None
    decoded: Decoded | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None  # of the bytes read, when a worker process read them
    key: str | None = None  # git's blob id of the bytes read, when a cache is used


class Scan:
    """Reads one file and searches it for anchors: the same in the parent and in a worker."""

    def __init__(self, source, config: Config, rules: list[Rule], gathering: Gathering, keyed: bool = False):
        self.source, self.config, self.rules, self.gathering = source, config, rules, gathering
        self.keyed = keyed

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
        return Scanned(True, None, decoded if wanted else None, self.gathering.facts_of(path, decoded.text), fingerprint,
                       blob_id(data) if self.keyed else None)


class Gathering:
    """Facts some rules need from other files of the repo (e.g. behaviours' @callback specs),
    taken from the files as they are read, then from the repo's other files of the rule's language
    (behaviours may live anywhere: an umbrella's other app, a shared lib), in the listing's order.

    With a cache (`memo`), the facts of a file not read this run come from its entry, and each
    file's facts have a digest, so what a verdict read of them can be compared with what is there now
    (`still`)."""

    def __init__(self, config: Config, rules: list[Rule], memo: RunCache | None = None):
        self.config = config
        self.memo = memo
        self.rules = rules
        self.needing = [(rule, re.compile(rule.context_anchor)) for rule in rules if rule.context_anchor]
        self.facts: dict[str, dict[str, Any]] = {rule.id: {} for rule, _ in self.needing}
        self.digests: dict[str, dict[str, bytes]] = {rule.id: {} for rule, _ in self.needing}
        self.read: set[str] = set()
        self._stored: list[tuple[str, bytes]] = []  # (path, packed facts) of files not read this run
        self._context: dict | None = None
        self._listed: list[str] = []
        self._source = None
        self._dep_digests: dict[tuple[str, str | None], bytes] = {}

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

    def entry(self, path: str, facts: dict[str, Any], key: str | None) -> None:
        """Start the cache entry of a file read this run (its content key `key`) with its facts
        (pickled apart: a run that fixes nothing never unpickles the repository's facts)."""
        if self.memo is not None and key is not None:
            self.memo.keys[path] = key
            kept = {rule_id: LAZY if isinstance(fact, tuple) and self._lazy(rule_id) else fact
                    for rule_id, fact in facts.items()}
            digests = {rule_id: self._digest(rule_id, fact) for rule_id, fact in facts.items()}
            self.memo.put(path, {"facts": pack(kept) if kept else None, "digests": digests})

    def record(self, path: str, facts: dict[str, Any]) -> None:
        """Keep a file's facts, read this run."""
        if not self.needing:
            return
        self.read.add(path)
        for rule_id, fact in facts.items():
            self.facts[rule_id][path] = fact
            if self.memo is not None:
                self.digests[rule_id][path] = self._digest(rule_id, fact)

    def record_cached(self, path: str, entry: dict) -> None:
        """Keep the digests of a file's facts from its cache entry (the facts are unpacked only when a
        file is fixed: see `context`)."""
        if not self.needing:
            return
        self.read.add(path)
        for rule_id, value in entry["digests"].items():
            if rule_id in self.digests:
                self.digests[rule_id][path] = value
        if entry.get("facts") is not None:
            self._stored.append((path, entry["facts"]))

    def _lazy(self, rule_id: str) -> bool:
        return any(rule.id == rule_id and rule.lazy_context for rule, _ in self.needing)

    def _digest(self, rule_id: str, fact: Any) -> bytes:
        if self._lazy(rule_id) and isinstance(fact, tuple):
            return digest(fact[1].encode("utf-8", "surrogatepass"))  # a lazy rule's fact is the text
        return digest(stable(fact))

    def finish(self, source) -> None:
        """Gather from the repo's files not read yet (from their cache entries where they have one)."""
        self._listed = source.files()
        if not self.needing:
            return
        unread = [p for p in self._listed if p not in self.read and any(self._gathered(r, p) for r, _ in self.needing)]
        if self.memo is not None:
            for path, entry in self.memo.fetch(unread).items():
                self.record_cached(path, entry)
        for path in unread:
            if path in self.read:
                continue
            text, key = self._text(source, path)
            if text is not None:
                facts = self.facts_of(path, text)
                self.entry(path, facts, key)
                self.record(path, facts)
        self._source = source

    def context(self) -> dict:
        """rule id -> the facts of the repo's files, in the listing's order (built once)."""
        if self._context is not None or not self.needing:
            return self._context or {}
        unloaded = [path for path, packed in self._stored if packed == UNLOADED]
        if unloaded:
            rows = self.memo.facts_of(unloaded)
            for path in (p for p in unloaded if p not in rows):  # its row went (the size bound): read it
                text, _ = self._text(self._source, path)
                for rule_id, fact in (self.facts_of(path, text) if text is not None else {}).items():
                    self.facts[rule_id][path] = fact
            self._stored = [(path, rows.get(path) if packed == UNLOADED else packed) for path, packed in self._stored]
        for path, packed in self._stored:
            if packed is None:
                continue
            for rule_id, fact in (unpack(packed) or {}).items():
                if rule_id not in self.facts:
                    continue
                if fact == LAZY and self._lazy(rule_id):
                    text, _ = self._text(self._source, path)
                    if text is not None:
                        self.facts[rule_id][path] = (path, text)
                else:
                    self.facts[rule_id][path] = fact
        self._stored = []
        lazy = {rule.id: rule for rule, _ in self.needing if rule.lazy_context}
        listed = self._listed
        self._context = {rule_id: Gathered(lazy[rule_id].gather, [facts[p] for p in listed if p in facts], rule_id)
                         if rule_id in lazy else [facts[path] for path in listed if path in facts]
                         for rule_id, facts in self.facts.items()}
        return self._context

    def _text(self, source, path: str) -> tuple[str | None, str | None]:
        try:
            data = source.read(path)
            text = decode(data, self.config.max_file_size).text if data is not None else None
        except InputError:
            return None, None
        return text, blob_id(data) if self.memo is not None and text is not None else None

    # -- what a verdict read of other files' facts (with a cache) ------------------------------------
    def dep_digest(self, rule_id: str, word: str | None) -> bytes:
        """A digest of a rule's facts from every file (word None), or from the files holding `word`."""
        key = (rule_id, word)
        if key not in self._dep_digests:
            if word is None:  # digests have a fixed length and paths no NUL: the joined bytes are unambiguous
                digests = self.digests.get(rule_id, {})
                self._dep_digests[key] = digest(b"".join(
                    b"%s\0%s" % (path.encode("utf-8", "surrogateescape"), digests[path])
                    for path in self._listed if path in digests))
            else:
                parts = [part for path, fact in self.context()[rule_id].holding(word)
                         for part in (path.encode("utf-8", "surrogateescape"), stable(fact))]
                self._dep_digests[key] = digest(*parts)
        return self._dep_digests[key]

    def still(self, deps) -> bool:
        """Do the facts a cached verdict read still have the digests it recorded?"""
        if not deps:
            return True
        try:
            return all(rule_id in self.digests and self.dep_digest(rule_id, word) == value for rule_id, word, value in deps)
        except Exception:  # a rule's gather failing on a file: the verdict is worked out again
            return False

    def deps(self, path: str, text: str, reads: set) -> list[tuple[str, str | None, bytes]]:
        """What the verdict of a file read: every fact of each eager context rule that wants it, and
        of each lazy one, the facts it asked for."""
        needed: set[tuple[str, str | None]] = set()
        for rule, _ in self.needing:
            if not rule.lazy_context and rule.wants(path, text):
                needed.add((rule.id, None))
        needed |= {(rule_id, word) for rule_id, word in reads if rule_id in self.digests}
        return [(rule_id, word, self.dep_digest(rule_id, word)) for rule_id, word in sorted(needed, key=repr)]

    def store_verdict(self, path: str, result: FileResult, text: str) -> None:
        """Add a checked file's verdict to its cache entry (a file with errors is checked again next time)."""
        entry = self.memo.entries.get(path)
        if entry is None or result.errors:
            return
        if not (result.changed or result.findings):
            verdict = None
        else:
            new = result.new if result.changed else None
            stages = [(rule, None if stage == result.new else stage) for rule, stage in result.stages]
            verdict = (new, stages, result.findings)
        self.memo.put(path, {**entry, "verdict": verdict, "deps": self.deps(path, text, result.reads)})
