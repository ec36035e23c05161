"""Runs the pure engine over the files of a source (the edge that reads)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from fixer.core.cache import RunCache
from fixer.core.stamp import blob_id
from fixer.core.store import Store, digest
from fixer.core.config import Config
from fixer.core.fileguard import fingerprint
from fixer.core import pool
from fixer.core.globs import matches_any
from fixer.core.gathering import Gathering
from fixer.core.model import FileResult
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


def run(source, config: Config, rules: list[Rule], progress: Callable[[str], None] | None = None,
        only: list[str] | None = None, cache: Store | None = None, texts: bool = True) -> Run:
    """Fix every candidate file (or just `only`), returning results; nothing is written.

    Every file is read and searched for the rules' anchors (on several processes when there are many
    files: see fixer.core.pool); files no rule's anchor matches are settled without the engine; the others
    go through the engine, on `config.jobs` processes when there are enough of them.

    With a `cache` (fixer.core.cache), a file whose content key (git's blob id) has an entry is not read
    at all: its facts and verdict come from the entry, as long as the facts of other files the verdict
    read are the same; files read this run are hashed, and their entries written at the end.

    `texts=False`: the caller only counts findings (the hints for rules that are off), so a cached
    verdict with a fix is taken without reading the file for its diff, and a file with nothing to
    show (no fix, finding or error) has no outcome in the run.

    Memory stays proportional to the files with something to show, not to the repository: a file no
    rule wants, or one the rules leave as it was with nothing to report, keeps its path and no text.
    From the working tree, a file to fix is read again by the process that fixes it (see `Reread`):
    between the scan and the fix the parent holds its fingerprint and size, not its text."""
    paths = only if only is not None else candidates(source, config, rules)
    memo = RunCache(cache, rules, config, source.content_keys()) if cache is not None else None
    summary = _summary_key(source, memo, paths) if memo is not None else None
    if summary is not None:
        kept = _from_summary(source, config, rules, memo, summary, paths, progress, texts)
        if kept is not None:
            return kept
    if memo is not None:
        memo.load_last(paths)
    files = _Files(source, config, rules, memo, progress)
    files.texts = texts
    files.read(paths)
    files.reuse()
    files.fix()
    outcome = files.outcome
    outcome.outcomes.sort(key=lambda o: o.result.path)
    if memo is not None:
        if summary is not None and not outcome.errors:
            memo.put_run(summary, _run_record(outcome, memo))
        memo.save()
    return outcome


class _Files:
    """One run's files on their way to an outcome: read and searched, or taken from the cache, then
    fixed. `work` holds the (path, text) pairs the engine gets."""

    def __init__(self, source, config: Config, rules: list[Rule], memo: RunCache | None, progress):
        self.source, self.config, self.rules, self.memo, self.progress = source, config, rules, memo, progress
        self.outcome = Run(rules)
        self.gathering = Gathering(config, rules, memo)
        self.reread = Reread.fits(source)
        self.scan = Scan(source, config, rules, self.gathering, keyed=memo is not None, keep_texts=not self.reread)
        self.work: list[tuple[str, pool.Item]] = []  # (path, its text, or pool.Unread: read again to fix it)
        self.decoded_of: dict[str, Decoded] = {}  # the texts held (files read before the fix, to fix or show)
        self.read_here: set[str] = set()  # files read this run that a rule's anchor matches
        self.settled: list[str] = []
        self.checked: dict[str, dict] = {}  # path -> its cache entry with a verdict
        self.texts = True  # False: verdicts are only counted, a cached fix needs no old text

    def _done(self, result: FileResult, decoded: Decoded | None = None) -> None:
        if self.texts or result.changed or result.findings or result.errors:
            self.outcome.outcomes.append(FileOutcome(result, decoded))
        # else: a run that only counts (the hints) keeps no outcome of a file with nothing in it (three
        # objects and three lists a file, made while forked scanning workers share the parent's pages)

    def read(self, paths: list[str]) -> None:
        """Read and search the files without a cache entry (those with one are not read)."""
        memo = self.memo
        if memo is not None:
            self.checked = {path: entry for path, entry in memo.fetch(paths).items() if "verdict" in entry}
        to_scan = [path for path in paths if path not in self.checked] if self.checked else paths
        jobs = pool.jobs_for_scan(self.config, len(to_scan), self.source)
        for path, scanned in pool.scan_all(to_scan, self.scan, jobs):
            if scanned.fingerprint is not None:
                self.source.fingerprints[path] = scanned.fingerprint  # read by a worker: the writer checks it
            if scanned.error is not None:
                self._done(FileResult(path, "", "", errors=[scanned.error]))
                continue
            settled = scanned.read and scanned.decoded is None and scanned.unread is None
            if scanned.read:
                digests = self.gathering.entry(path, scanned.facts, scanned.key, settled)
                self.gathering.record(path, scanned.facts, digests)
            if scanned.decoded is not None:
                self.work.append((path, scanned.decoded.text))
                self.decoded_of[path] = scanned.decoded
                self.read_here.add(path)
            elif scanned.unread is not None:
                self.work.append((path, scanned.unread))
                self.read_here.add(path)
            elif settled:  # its entry has its verdict already (Gathering.entry)
                self.settled.append(path)
                self._done(FileResult(path, "", ""))
        if memo is not None and self.work:  # files read and hashed (changed, untracked) may have an entry too
            found = {p: e for p, e in memo.fetch([p for p, _ in self.work]).items() if "verdict" in e}
            for path, entry in found.items():
                memo.keep(path, entry)
            self.checked.update(found)
            self.work = [(p, item) for p, item in self.work if p not in found]

    def reuse(self) -> None:
        """Gather the other files' facts, then take each cached verdict whose facts still hold (the
        others join the work)."""
        for path, entry in self.checked.items():
            if path not in self.read_here:
                self.gathering.record_cached(path, entry)
        if self.work or self.settled or self.checked:
            self.gathering.finish(self.source)
        for path, entry in self.checked.items():
            if entry["verdict"] is None and not entry.get("deps"):  # settled, whatever other files say
                done = FileOutcome(FileResult(path, "", ""))
            else:
                done = _from_entry(self.source, self.scan, self.gathering, path, entry, self.decoded_of.get(path),
                                   self.texts)
            if isinstance(done, FileOutcome):
                self._done(done.result, done.decoded)
                if self.progress:
                    self.progress(path)
            elif done is not None:
                self.work.append((path, done.text))
                self.decoded_of[path] = done
        if self.progress:
            for path in self.settled:
                self.progress(path)

    def fix(self) -> None:
        """Fix the work (on a pool when there is enough of it) and keep each verdict."""
        context = self.gathering.context() if self.work else {}  # other files' facts: only for files to fix
        self.outcome.context = context  # to fix a file again (--verify holds a fix back and re-fixes)
        chars = sum(item.size if isinstance(item, pool.Unread) else len(item) for _, item in self.work)
        jobs = pool.jobs_for(self.config, len(self.work), chars)
        reader = Reread(self.source, self.config, self.gathering)
        results = pool.fix_files(self.work, self.rules, context, jobs, self.progress, reader)
        self.work = []
        for path in list(results):
            fixed = results.pop(path)
            result, decoded = fixed.result, fixed.decoded or self.decoded_of.get(path)
            if self.memo is not None:
                self.gathering.store_verdict(path, result, fixed.noted)
            if result.changed or result.findings or result.errors:
                self._done(result, decoded)
            else:
                self._done(FileResult(path, "", ""))
        self.decoded_of = {}


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
                  paths: list[str], progress, texts: bool = True) -> Run | None:
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
        new, stages, findings, changes = verdict
        if new is None or not texts:
            kept_new = "" if new is None else new
            result = FileResult(path, "", kept_new, _stages(stages, kept_new), list(findings))
            outcome.outcomes.append(FileOutcome(result))
            continue
        scanned = scan(path, keep_text=True)  # the old text, for the diff and the writer's fingerprint
        if scanned.decoded is None or scanned.key != memo.keys.get(path):
            return None
        outcome.outcomes.append(FileOutcome(FileResult(path, scanned.decoded.text, new, _stages(stages, new),
                                                       list(findings), changes=changes), scanned.decoded))
    if progress:
        for path in paths:
            progress(path)
    return outcome


def _from_entry(source, scan: Scan, gathering: Gathering, path: str, entry: dict,
                decoded: Decoded | None, texts: bool = True) -> FileOutcome | Decoded | None:
    """The outcome a cache entry holds, or (when the facts its verdict read have changed, or its fix
    needs the text and the file no longer holds what was hashed) the decoded text to fix again."""
    verdict = entry["verdict"]
    fresh = gathering.still(entry.get("deps", ()))
    if fresh and verdict is None:
        return FileOutcome(FileResult(path, "", ""))
    if fresh and verdict[0] is None:
        new, stages, findings, changes = verdict
        return FileOutcome(FileResult(path, "", "", _stages(stages, ""), list(findings)))
    if fresh and not texts:  # only counted: the fix is known, its diff is not shown
        new, stages, findings, changes = verdict
        return FileOutcome(FileResult(path, "", new, _stages(stages, new), list(findings)))
    if decoded is None:
        scanned = scan(path, keep_text=True)  # the old text is needed: for the diff, and the writer's fingerprint
        if scanned.error is not None or not scanned.read:
            return FileOutcome(FileResult(path, "", "", errors=[scanned.error])) if scanned.error else None
        if scanned.key != gathering.memo.keys.get(path) or scanned.decoded is None:
            gathering.memo.keys.pop(path, None)  # changed since git listed it: fixed as read, not kept
            return scanned.decoded
        decoded = scanned.decoded
    if not fresh:
        return decoded
    new, stages, findings, changes = verdict
    return FileOutcome(FileResult(path, decoded.text, new, _stages(stages, new), list(findings), changes=changes),
                       decoded)


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
    unread: pool.Unread | None = None  # a rule's anchor matches, the text is not kept: read again to fix


CHANGED_SINCE_READ = "changed on disk while fixer ran; not fixed (run fixer again)"


class Reread:
    """Reads a file to fix again in the process that fixes it, so that no text is held (or inherited
    by a forked worker) between the scan and the fix. The bytes must be those the scan read: a file
    changed in between is refused, never fixed from what it held before (nor from what it holds now,
    which no rule's anchor search, no gathered fact and no cache key has seen)."""

    def __init__(self, source, config: Config, gathering: Gathering):
        self.source, self.max_size = source, config.max_file_size
        # the context rules whose every fact a verdict reads when they want the file (see Gathering.deps)
        self.eager = [rule for rule, _ in gathering.needing if not rule.lazy_context]

    @staticmethod
    def fits(source) -> bool:
        """Only plain file reads (a commit is read through one git process that workers must not
        share) and forked workers (spawned ones would be sent the reader and its source)."""
        import multiprocessing

        return bool(getattr(source, "parallel_reads", False)) and "fork" in multiprocessing.get_all_start_methods()

    def read(self, path: str, unread: pool.Unread) -> Decoded:
        data = self.source.read(path)
        if data is None or fingerprint(data) != unread.fingerprint:
            raise InputError(CHANGED_SINCE_READ)
        return decode(data, self.max_size)

    def note(self, path: str, text: str) -> tuple[str, ...]:
        """What the result cache keeps of the text: the context rules that want it."""
        return tuple(rule.id for rule in self.eager if rule.wants(path, text))


class Scan:
    """Reads one file and searches it for anchors: the same in the parent and in a worker."""

    def __init__(self, source, config: Config, rules: list[Rule], gathering: Gathering, keyed: bool = False,
                 keep_texts: bool = True):
        self.source, self.config, self.rules, self.gathering = source, config, rules, gathering
        self.keyed = keyed
        self.keep_texts = keep_texts  # False: a file to fix comes back as an Unread, without its text

    def __call__(self, path: str, in_worker: bool = False, keep_text: bool | None = None) -> Scanned:
        """`keep_text`: keep the text of a file a rule's anchor matches (None: as the scan does)."""
        keep = self.keep_texts if keep_text is None else keep_text
        try:
            data = self.source.read(path, fingerprinted=False)
            if data is None:
                return Scanned()
            decoded = decode(data, self.config.max_file_size)
        except InputError as exc:
            return Scanned(error=str(exc))
        wanted = any(rule.wants(path, decoded.text) for rule in self.rules)
        # Only a file the engine gets can be written: only its bytes are fingerprinted (for the
        # writer's check), and a worker sends that back and keeps none (100,000 are about 15 MB).
        printed, fingerprints = None, getattr(self.source, "fingerprints", None)
        if fingerprints is not None and (wanted or keep_text is not None):
            printed = fingerprint(data)
            if not in_worker:
                fingerprints[path] = printed
        unread = None
        if wanted and not keep:
            unread = pool.Unread(printed, len(data))
        printed = printed if in_worker and wanted else None
        return Scanned(True, None, decoded if wanted and keep else None,
                       self.gathering.facts_of(path, decoded.text), printed, blob_id(data) if self.keyed else None,
                       unread)
