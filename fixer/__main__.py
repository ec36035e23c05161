"""`python -m fixer` and the `fixer` command. Ctrl-C is handled from the very first import on."""
import os
import sys

# `python -m fixer` puts the current directory first on sys.path; run in a repository, that would let
# its files (a `typer.py`, `git.py`, ...) be imported in place of fixer's dependencies.
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
    del sys.path[0]


def main() -> None:
    from fixer.core import exitcodes, interrupts

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
