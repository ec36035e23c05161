"""`python -m fixer` and the `fixer` command. Ctrl-C is handled from the very first import on."""
import os
import sys

# `python -m fixer` puts the current directory first on sys.path; run in a repository, that would let
# its files (a `typer.py`, `git.py`, ...) be imported in place of fixer's dependencies.
# A working directory that was deleted has no path: then nothing can be imported from it either.
try:
    _CWD = os.getcwd()
except OSError:
    _CWD = None
if sys.path and (_CWD is None and not sys.path[0] or _CWD and os.path.abspath(sys.path[0] or os.curdir) == _CWD):
    del sys.path[0]


def main() -> None:
    from fixer.core import exitcodes, interrupts

    if _CWD is None:  # `check` exits 1 for "fixes pending": a directory that is gone must not look like that
        print("fixer: error: the current directory no longer exists (it was deleted); run fixer from one that does",
              file=sys.stderr)
        sys.exit(exitcodes.ERROR)
    code = exitcodes.INTERRUPTED
    with interrupts.handled(restore=False) as interrupt:
        # A re-run of `check` with nothing changed is answered before typer, rich and GitPython are
        # imported (fixer.cli.fastlane); a run it could have answered is recorded for the next one.
        from fixer.cli import fastlane

        lane, code = fastlane.start(sys.argv[1:])
        if code is None:
            code = _recorded(lane) if lane is not None else _run()
    if interrupt.happened:
        # Everything is cleaned up by now. Exit at once: CPython remembers a Ctrl-C that landed in an
        # eval()'d string (typer evaluates annotations) and would end the process by SIGINT instead of 130.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exitcodes.INTERRUPTED)
    sys.exit(code)


def _run() -> int:
    from fixer.cli.app import run

    return run()


def _recorded(lane) -> int:
    """The normal run, its output kept as it goes out; recorded when it ended as a check does."""
    from fixer.cli.fastlane import Tee
    from fixer.core import exitcodes, interrupts

    out, err = Tee(sys.stdout), Tee(sys.stderr)
    sys.stdout, sys.stderr = out, err
    try:
        code = _run()
    finally:
        sys.stdout, sys.stderr = out._stream, err._stream
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader left (a broken pipe): what it got is not what was printed
        return code
    if code in (exitcodes.OK, exitcodes.PENDING) and not (out.spoiled or err.spoiled or interrupts.happened()):
        lane.record(out.bytes(), err.bytes(), code)
    return code


if __name__ == "__main__":
    main()
