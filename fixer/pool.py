"""Fixing many files on several processes, with results identical to one process.

Files go to the workers in order and come back in order (`imap`), each fixed by the same pure
engine with the same rules and context, so the output does not depend on the number of processes.
Small runs stay in-process: starting workers costs more than it saves. Workers ignore Ctrl-C; the
parent terminates them and re-raises KeyboardInterrupt at once.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any, Callable

from fixer.engine import fix_text
from fixer.model import FileResult

ENV = "FIXER_JOBS"
MIN_FILES_PER_JOB = 4  # below this many files to fix per process, stay in-process

_state: dict[str, Any] = {}  # a worker's rules and context, set once when it starts


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs_for(config, files: int) -> int:
    """How many processes to fix `files` files with: --jobs / `jobs` / $FIXER_JOBS, else every core,
    but never more than the work can use."""
    wanted = getattr(config, "jobs", None) or _from_env() or default_jobs()
    return max(1, min(wanted, files // MIN_FILES_PER_JOB))


def _from_env() -> int | None:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        from fixer.rule import ConfigError

        raise ConfigError(f"${ENV} must be a whole number of processes (1 or more), got {value!r}")
    return int(value)


def fix_all(work: list[tuple[str, str]], rules, context, jobs: int,
            progress: Callable[[str], None] | None = None) -> dict[str, FileResult]:
    """path -> FileResult for every (path, text) of `work`."""
    if jobs <= 1:
        results = {}
        for path, text in work:
            results[path] = fix_text(path, text, rules, context)
            if progress:
                progress(path)
        return results
    return _in_pool(work, rules, context, jobs, progress)


def _in_pool(work, rules, context, jobs, progress) -> dict[str, FileResult]:
    texts = dict(work)
    methods = multiprocessing.get_all_start_methods()
    # fork shares the rules and context with the workers for free; elsewhere they are pickled once.
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers = ctx.Pool(jobs, initializer=_start_worker, initargs=(rules, context))
    chunk = max(1, min(16, len(work) // (jobs * 8)))
    results: dict[str, FileResult] = {}
    try:
        for path, packed in workers.imap(_fix_one, work, chunksize=chunk):
            results[path] = _unpack(path, texts[path], packed)
            if progress:
                progress(path)
        workers.close()
    except BaseException:
        workers.terminate()  # Ctrl-C or an error: stop the workers now, don't wait for them
        raise
    finally:
        workers.join()
    return results


def _start_worker(rules, context) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us
    _state["rules"], _state["context"] = rules, context


def _fix_one(item: tuple[str, str]):
    path, text = item
    result = fix_text(path, text, _state["rules"], _state["context"])
    # The parent has the original text: send back only what changed.
    new = None if result.new == text else result.new
    stages = [(rule, None if stage == result.new else stage) for rule, stage in result.stages]
    return path, (new, stages, result.findings, result.errors)


def _unpack(path: str, text: str, packed) -> FileResult:
    new, stages, findings, errors = packed
    new = text if new is None else new
    stages = [(rule, new if stage is None else stage) for rule, stage in stages]
    return FileResult(path, text, new, stages, findings, errors)
