"""Facts some rules need from other files of the repository, gathered once a run (from each file
as it is read, then from the files not read yet), with the digests the result cache keys verdicts on."""
from __future__ import annotations

from typing import Any

from fixer.core.anchors import Anchor
from fixer.core.cache import LAZY, UNLOADED, RunCache, stable
from fixer.core.stamp import blob_id
from fixer.core.store import digest, pack, unpack
from fixer.core.config import Config
from fixer.core.globs import matches_any
from fixer.core.model import LATER, FileResult, Gathered, RepoFacts
from fixer.core.rule import Rule
from fixer.core.textio import InputError, decode


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
        # (most files match a context anchor (`import`) near their start: no RE2 pre-search for them)
        self.needing = [(rule, Anchor(rule.context_anchor, quick=False)) for rule in rules if rule.context_anchor]
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

    def entry(self, path: str, facts: dict[str, Any], key: str | None, settled: bool = False) -> dict[str, bytes] | None:
        """Start the cache entry of a file read this run (its content key `key`) with its facts
        (pickled apart: a run that fixes nothing never unpickles the repository's facts); the facts'
        digests, for `record`. `settled`: no rule wants the file, its verdict (nothing) goes in at once
        (one entry a file, not one made and one replacing it: the parent makes them while forked
        scanning workers share its pages)."""
        if self.memo is None:
            return None
        digests = {rule_id: self._digest(rule_id, fact) for rule_id, fact in facts.items()}
        if key is not None:
            if self.memo.keys.get(path) != key:  # git's key is kept: no second copy of 100,000 equal strings
                self.memo.keys[path] = key
            kept = {rule_id: LAZY if isinstance(fact, tuple) and self._lazy(rule_id) else fact
                    for rule_id, fact in facts.items()}
            entry = {"facts": pack(kept) if kept else None, "digests": digests}
            self.memo.put(path, {**entry, "verdict": None} if settled else entry)
        return digests

    def record(self, path: str, facts: dict[str, Any], digests: dict[str, bytes] | None = None) -> None:
        """Keep a file's facts, read this run (`digests`: theirs, when `entry` worked them out)."""
        if not self.needing:
            return
        self.read.add(path)
        for rule_id, fact in facts.items():
            self.facts[rule_id][path] = fact
            if self.memo is not None:
                self.digests[rule_id][path] = digests[rule_id] if digests else self._digest(rule_id, fact)

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
        rules = {rule.id: rule for rule, _ in self.needing}
        listed = self._listed
        self._context = {}
        for rule_id, facts in self.facts.items():
            rule = rules[rule_id]
            if rule.lazy_context:
                self._context[rule_id] = Gathered(rule.gather, [facts[p] for p in listed if p in facts], rule_id)
                continue
            eager = [facts[path] for path in listed if path in facts]
            later = self._later(rule, [path for path in listed if path in facts]) \
                if rule.later_context and rule.needs_later(eager) else None
            self._context[rule_id] = RepoFacts(eager, rule_id, later)
        return self._context

    def _later(self, rule: Rule, paths: list[str]) -> list:
        """`gather_later`'s facts of each file (re-read one at a time: no text is kept)."""
        found = []
        for path in paths:
            text, _ = self._text(self._source, path)
            if text is not None:
                found.append(rule.gather_later(path, text))
        return found

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
            if word == LATER:  # every gathered file was read for them: any edit of one counts
                keys, gathered = self.memo.keys, self.digests.get(rule_id, {})
                self._dep_digests[key] = digest(b"".join(
                    b"%s\0%s\0" % (path.encode("utf-8", "surrogateescape"), keys.get(path, "").encode())
                    for path in self._listed if path in gathered))
            elif word is None:  # digests have a fixed length and paths no NUL: the joined bytes are unambiguous
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

    def deps(self, wanting, reads: set) -> list[tuple[str, str | None, bytes]]:
        """What the verdict of a file read: every fact of each eager context rule that wants it (the
        ids `wanting`: see fixer.core.runner.Reread.note), of each lazy one the facts it asked for, and
        a rule's `later` facts when it read them (keyed on every gathered file's content key: they are
        not kept per file)."""
        needed: set[tuple[str, str | None]] = {(rule_id, None) for rule_id in wanting if rule_id in self.digests}
        needed |= {(rule_id, word) for rule_id, word in reads if rule_id in self.digests}
        return [(rule_id, word, self.dep_digest(rule_id, word)) for rule_id, word in sorted(needed, key=repr)]

    def store_verdict(self, path: str, result: FileResult, wanting) -> None:
        """Add a checked file's verdict to its cache entry (a file with errors is checked again next time)."""
        entry = self.memo.entries.get(path)
        if entry is None or result.errors:
            return
        if not (result.changed or result.findings):
            verdict = None
        else:
            new = result.new if result.changed else None
            stages = [(rule, None if stage == result.new else stage) for rule, stage in result.stages]
            verdict = (new, stages, result.findings, result.changes)
        self.memo.put(path, {**entry, "verdict": verdict, "deps": self.deps(wanting, result.reads)})
