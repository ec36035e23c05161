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
        from fixer.cli.app import run

        code = run()
    if interrupt.happened:
        # Everything is cleaned up by now. Exit at once: CPython remembers a Ctrl-C that landed in an
        # eval()'d string (typer evaluates annotations) and would end the process by SIGINT instead of 130.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exitcodes.INTERRUPTED)
    sys.exit(code)


if __name__ == "__main__":
    main()
