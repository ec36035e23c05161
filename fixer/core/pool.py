"""Fixing many files on several processes, with results identical to one process.

Files go to the workers in order and come back in order (`imap`), each fixed by the same pure
engine with the same rules and context, so the output does not depend on the number of processes.
Small runs stay in-process: starting workers costs more than it saves. Workers ignore Ctrl-C; the
parent terminates them and re-raises KeyboardInterrupt at once.

What it costs to go parallel is kept small (fork start method):
- the parent fixes the first file of each language itself before the workers start, so the rules'
  modules, the parsers and their caches are loaded once and inherited, not loaded again per worker;
- the workers inherit the list of files too: a task is an index, no text is pickled to a worker;
- a file read from the working tree is read again by the process that fixes it (`Unread`): the
  parent holds no text of the files to fix, so none is inherited and copied into a worker (at
  100,000 files a third of them have an anchor hit: their texts were half the parent's heap);
- a worker sends back only what changed (the new text, if any, stages and findings), and the old
  text only of a file with something to show, in chunks.
"""
from __future__ import annotations

import gc
import os
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Union

from fixer.core import interrupts
from fixer.core.engine import fix_text, language_of
from fixer.core.model import FileResult
from fixer.core.textio import Decoded, InputError

ENV = "FIXER_JOBS"
MIN_FILES_PER_JOB = 4  # below this many files to fix per process, stay in-process
CHARS_PER_JOB = 256 * 1024  # by default, below this much text to fix per process, stay in-process
FILES_TO_SCAN_PER_JOB = 500  # reading and searching a file costs ~0.2 ms: a worker pays off from here
# Files a scanning worker takes at a time: a share of the files (SCAN_TASKS_PER_JOB tasks a worker,
# so the last one to finish waits for little), within these bounds. Each task costs the parent about
# half a millisecond of CPU (the pool's threads hand it over and take its result back): 625 tasks of
# 32 files for 20,000 files were 0.4 s of the parent's CPU.
SCAN_CHUNK = 32
SCAN_CHUNK_MAX = 512
SCAN_TASKS_PER_JOB = 8
JOBS_PER_CORE = 4  # the most processes asked for that fixer starts, per core (a config is input)
PR_SET_PDEATHSIG = 1  # linux/prctl.h

_state: dict[str, Any] = {}  # a worker's rules and context, set once when it starts


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs_for(config, files: int, chars: int | None = None) -> int:
    """How many processes to fix `files` files (`chars` characters in all) with: --jobs / `jobs` /
    $FIXER_JOBS, else every core, but never more than the work can use. By default a process is
    started only for CHARS_PER_JOB characters of work (about a quarter of a second): on less, its
    start-up costs more than it saves; a number of jobs asked for explicitly is used as given."""
    limit = files // MIN_FILES_PER_JOB
    if not _asked(config) and chars is not None:
        limit = min(limit, chars // CHARS_PER_JOB)
    return _jobs(config, limit)


def _asked(config) -> int | None:
    """The number of processes asked for: --jobs / `jobs` in the config, else $FIXER_JOBS."""
    return getattr(config, "jobs", None) or _from_env()


def _jobs(config, limit: int) -> int:
    """The number asked for (at most max_jobs()), else every core, but never more than `limit` (and at
    least one)."""
    return max(1, min(_asked(config) or default_jobs(), max_jobs(), limit))


def max_jobs() -> int:
    return JOBS_PER_CORE * default_jobs()


def capped_note(config) -> str | None:
    """What to tell the user when the jobs asked for were more than fixer starts."""
    asked = _asked(config)
    if asked and asked > max_jobs():
        return f"jobs: {asked} asked for, {max_jobs()} used ({JOBS_PER_CORE} per core, {default_jobs()} cores)"
    return None


def _from_env() -> int | None:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        from fixer.core.rule import ConfigError

        raise ConfigError(f"${ENV} must be a whole number of processes (1 or more), got {value!r}")
    return int(value)


def jobs_for_scan(config, files: int, source) -> int:
    """How many processes read the files and search them for anchors: as for fixing, but a process
    only for FILES_TO_SCAN_PER_JOB files, and only where a forked worker may read the source (the
    working tree; a commit is read through one git process that workers must not share)."""
    import multiprocessing

    if not getattr(source, "parallel_reads", False) or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return _jobs(config, files // FILES_TO_SCAN_PER_JOB)


def scan_all(paths: list[str], scan: Callable[..., Any], jobs: int) -> Iterator[tuple[str, Any]]:
    """(path, scan(path)) for every path, in order; on `jobs` forked processes when jobs > 1 (the
    workers inherit `scan` and the paths: a task is a range of indexes)."""
    if jobs <= 1:
        for path in paths:
            yield path, scan(path)
        return
    # The parent scans the first file itself, so that what a scan loads on first use (the rules'
    # anchors and their RE2 set, the modules the rules' gathering imports) is loaded once and
    # inherited by the workers, not loaded again in each of them.
    yield paths[0], scan(paths[0])
    _state.update(scan=scan, paths=paths)
    try:
        chunk = scan_chunk(len(paths) - 1, jobs)
        ranges = [(start, min(start + chunk, len(paths))) for start in range(1, len(paths), chunk)]
        for start, scanned in _pooled(jobs, _scan_task, ranges, forking=True):
            yield from zip(paths[start:start + len(scanned)], scanned)
    finally:
        _state.clear()


def scan_chunk(files: int, jobs: int) -> int:
    """How many files a scanning task holds (see SCAN_CHUNK)."""
    return max(SCAN_CHUNK, min(SCAN_CHUNK_MAX, files // (jobs * SCAN_TASKS_PER_JOB)))


def _scan_task(task: tuple[int, int]):
    start, end = task
    return start, [_state["scan"](path, in_worker=True) for path in _state["paths"][start:end]]


@dataclass(frozen=True)
class Unread:
    """A file to fix that the process fixing it reads itself: the bytes it reads must have the
    `fingerprint` of the bytes the scan read (else the file changed since, and is not fixed)."""
    fingerprint: str
    size: int


@dataclass
class Fixed:
    """One file's result, the text it was fixed from when the caller needs it (something to show;
    None: the caller holds it, or there is nothing to show) and what the reader noted of it."""
    result: FileResult
    decoded: Decoded | None = None
    noted: Any = None


Item = Union[str, Unread]  # a file's text, or what its bytes must match when read again


def fix_all(work: list[tuple[str, str]], rules, context, jobs: int,
            progress: Callable[[str], None] | None = None) -> dict[str, FileResult]:
    """path -> FileResult for every (path, text) of `work`."""
    return {path: fixed.result for path, fixed in fix_files(work, rules, context, jobs, progress).items()}


def fix_files(work: list[tuple[str, Item]], rules, context, jobs: int,
              progress: Callable[[str], None] | None = None, reader=None) -> dict[str, Fixed]:
    """path -> Fixed for every (path, text or Unread) of `work`. `reader` reads an Unread file
    (`reader.read(path, unread)` -> Decoded, InputError when it cannot or it changed since) and notes
    what the caller keeps of each text (`reader.note(path, text)`)."""
    if jobs <= 1:
        results = {}
        with _frozen():
            for path, item in work:
                results[path] = _fix_one(path, item, rules, context, reader)
                if progress:
                    progress(path)
        return results
    return _in_pool(work, rules, context, jobs, progress, reader)


def _fix_one(path: str, item: Item, rules, context, reader) -> Fixed:
    if isinstance(item, Unread):
        try:
            decoded = reader.read(path, item)
        except InputError as exc:
            return Fixed(FileResult(path, "", "", errors=[str(exc)]))
        text = decoded.text
    else:
        text, decoded = item, None
    result = fix_text(path, text, rules, context)
    noted = reader.note(path, text) if reader is not None else None
    if decoded is not None and not (result.changed or result.findings or result.errors):
        # Nothing to show: the text is dropped here, not kept (or sent back) for nothing.
        result, decoded = FileResult(path, "", "", [(rule, "") for rule, _ in result.stages], [], [],
                                     result.reads), None
    return Fixed(result, decoded, noted)


@contextmanager
def _frozen():
    """The objects alive before fixing (the run's list of files, facts, rules) left out of the
    collections the fixing sets off: each file's trees start dozens of them, and every full one
    visited all of the run's objects again (a tenth of the time of fixing in a 20,000-file run).
    Nothing is frozen when something already is (the pool's fork does it too): unfreezing is global."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _in_pool(work, rules, context, jobs, progress, reader) -> dict[str, Fixed]:
    import multiprocessing

    results: dict[str, Fixed] = {}
    warm = _first_of_each_language(work)
    for index in warm:
        path, item = work[index]
        results[path] = _fix_one(path, item, rules, context, reader)
        if progress:
            progress(path)
    rest = [index for index in range(len(work)) if index not in warm]
    # fork shares the rules, the context and the texts with the workers for free; elsewhere (spawn)
    # the rules and context are pickled once per worker and each text with its task.
    forking = "fork" in multiprocessing.get_all_start_methods()
    _state.update(rules=rules, context=context, work=work, reader=reader)
    try:
        tasks = [(index, None) if forking else (index, work[index]) for index in rest]
        # Small chunks: the last ones decide when the run ends, and a worker idles while another
        # finishes a long one (a task costs a small tuple in a pipe, not the text).
        chunk = max(1, min(8, len(rest) // (jobs * 32)))
        for index, packed in _pooled(jobs, _fix_task, tasks, forking, chunk,
                                     () if forking else (rules, context, reader)):
            path, item = work[index]
            results[path] = _unpack(path, item, packed)
            if progress:
                progress(path)
    finally:
        _state.clear()  # the parent keeps no extra references to the work
    return results


def _pooled(jobs: int, task, tasks: list, forking: bool, chunk: int = 1, initargs: tuple = ()):
    """task(t) for each of `tasks` on `jobs` worker processes, yielded in order. Ctrl-C or an error
    stops the workers at once; what they inherit by fork is what `_state` holds now."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if forking else "spawn")
    workers = None
    # Objects from before the fork are left out of the workers' garbage collections: a collection
    # that visits them writes to every page they sit on, and each write copies a page into the worker.
    gc.freeze()
    _trim_heap()
    try:
        with interrupts.held():
            workers = ctx.Pool(jobs, initializer=_start_worker, initargs=initargs)
        yield from workers.imap(task, tasks, chunksize=chunk)
        workers.close()
    except BaseException:
        if workers is not None:
            # Ctrl-C or an error: stop the workers now, don't wait for them. A second Ctrl-C must not
            # cut this short: a pool left half-terminated makes the join below wait forever.
            with interrupts.held():
                workers.terminate()
        raise
    finally:
        if workers is not None:
            with interrupts.held():
                workers.join()
        gc.unfreeze()


def _trim_heap() -> None:
    """Give the C heap's free pages back to the system before a fork (glibc's malloc_trim; nothing
    elsewhere). Memory freed by earlier work (the result cache's bookkeeping, an earlier run's
    temporaries) leaves free pages inside the heap; inherited resident, the parent's next allocations
    land in them and copy each page it shares with the workers. Given back, they are fresh pages."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc (Windows has no CDLL(None) at all)
        pass


def _first_of_each_language(work: list[tuple[str, str]]) -> list[int]:
    seen: dict[str | None, int] = {}
    for index, (path, _) in enumerate(work):
        seen.setdefault(language_of(path), index)
    return sorted(seen.values())


def _start_worker(rules=None, context=None, reader=None) -> None:
    interrupts.ignore()  # the parent handles Ctrl-C and terminates us
    _die_with_parent()
    if rules is not None:
        _state["rules"], _state["context"], _state["reader"] = rules, context, reader


def _die_with_parent() -> None:
    """On Linux the kernel kills a worker the moment its parent dies, even by kill -9: else it would
    find its result pipe broken and print a BrokenPipeError traceback on the user's terminal."""
    import multiprocessing

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: no such call
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the parent died before the call above
        os._exit(0)


def _fix_task(task):
    """(index into `work`, None) with fork: the worker inherited `work`; (index, (path, text)) with spawn."""
    index, pair = task
    path, item = pair if pair is not None else _state["work"][index]
    fixed = _fix_one(path, item, _state["rules"], _state["context"], _state.get("reader"))
    result = fixed.result
    # The parent has the original text, or (Unread) needs it only to show something: send back only
    # what changed, and the text read here only when there is something to show.
    decoded = fixed.decoded
    new = None if result.new == result.old else result.new
    stages = [(rule, None if stage == result.new else stage) for rule, stage in result.stages]
    return index, (new, stages, result.findings, result.errors, result.reads, fixed.noted, decoded, result.changes)


def _unpack(path: str, item: Item, packed) -> Fixed:
    new, stages, findings, errors, reads, noted, decoded, changes = packed
    text = decoded.text if decoded is not None else ("" if isinstance(item, Unread) else item)
    new = text if new is None else new
    stages = [(rule, new if stage is None else stage) for rule, stage in stages]
    return Fixed(FileResult(path, text, new, stages, findings, errors, reads, changes), decoded, noted)
