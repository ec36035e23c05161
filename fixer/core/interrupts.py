"""Ctrl-C. SIGINT raises KeyboardInterrupt as usual, and also sets a flag, so that an interrupt that
surfaced as some other error (a library that caught it half-way, a killed git child) is still
recognised as an interrupt: never reported as a rule failure or a validation failure. The command
ends with one line, "fixer: interrupted", and exit status 130."""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

TYPE_CHECKING = False  # typing's own constant, without importing typing (imported first thing by every run)
if TYPE_CHECKING:
    from typing import Iterator

_state = {"hit": False, "depth": 0, "unraisable": None}


def happened() -> bool:
    return _state["hit"]


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed: call before recording an error that an
    interrupt may have caused."""
    if _state["hit"]:
        raise KeyboardInterrupt


def _on_sigint(signum, frame) -> None:
    _state["hit"] = True
    if _state["depth"] > 0:
        _quiet_destructors()
        raise KeyboardInterrupt
    # After the command: its work is done and reported; the process is only exiting, so the late
    # Ctrl-C must not turn a finished run into a death by SIGINT.


def _quiet_destructors() -> None:
    """An object a library was building when Ctrl-C landed is left half-made, and its `__del__` fails
    later ("Exception ignored in: <function GitConfigParser.__del__ ...>", a traceback): a consequence
    of the interrupt, not something to show. Python reports those through sys.unraisablehook."""
    if _state["unraisable"] is None:
        _state["unraisable"] = sys.unraisablehook
        sys.unraisablehook = _drop


def _drop(unraisable) -> None:
    pass


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C held back for the block, delivered as soon as it ends. Around starting and stopping
    worker processes: a worker inherits the held signal and ignores it (`ignore`) before it can land
    (a worker killed half-started prints a traceback, and can leave its pool waiting for it forever),
    and a pool's shutdown is never cut in half."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        # The mask from before, not "unblocked": a held block inside another must not end the outer hold.
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def pending() -> bool:
    """A Ctrl-C arrived while held and waits to be delivered."""
    return hasattr(signal, "sigpending") and signal.SIGINT in signal.sigpending()


def drop_pending() -> None:
    """Forget a held Ctrl-C: the work it would have stopped is finished and reported."""
    if pending():
        signal.sigwait({signal.SIGINT})


def ignore() -> None:
    """In a worker process: Ctrl-C is its parent's to handle; one held since the fork is dropped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class Outcome:
    """What `handled()` yields: whether the command it wrapped was interrupted."""

    happened = False


@contextmanager
def handled(restore: bool = True) -> Iterator[Outcome]:
    """Around a whole command: install the handler; an interrupt (or any error after one) ends
    here, and the outermost level prints the one line. The flag lives only as long as the command.
    `restore=False` (the process entry point) ignores Ctrl-C afterwards, so one that lands while the
    process exits does not kill it."""
    outermost = _state["depth"] == 0
    if outermost:
        _state["hit"] = False
    previous = None
    if outermost:
        try:
            previous = signal.signal(signal.SIGINT, _on_sigint)
        except ValueError:  # not the main thread (an embedding program): leave its handler alone
            pass
    _state["depth"] += 1
    outcome = Outcome()
    try:
        yield outcome
    except KeyboardInterrupt:
        _state["hit"] = True
    except BaseException:
        if not _state["hit"]:
            raise
    finally:
        _state["depth"] -= 1
        outcome.happened = _state["hit"]
        if outermost:
            _state["hit"] = False
            if previous is not None:
                # The entry point: while the interpreter shuts down it puts SIGINT back to "die"
                # unless it is ignored, and a late Ctrl-C must not turn a finished run into a death.
                signal.signal(signal.SIGINT, previous if restore else signal.SIG_IGN)
            if _state["unraisable"] is not None and restore:
                sys.unraisablehook, _state["unraisable"] = _state["unraisable"], None
    if outermost and outcome.happened:
        print("fixer: interrupted", file=sys.stderr, flush=True)
