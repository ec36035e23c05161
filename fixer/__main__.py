"""`python -m fixer` and the `fixer` command. Ctrl-C is handled from the very first import on."""
import os
import sys

# `python -m fixer` puts the current directory first on sys.path; run in a repository, that would let
# its files (a `typer.py`, `git.py`, ...) be imported in place of fixer's dependencies.
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
    del sys.path[0]


def main() -> None:
    from fixer import exitcodes, interrupts

    code = exitcodes.INTERRUPTED
    with interrupts.handled() as interrupt:
        from fixer.cli import run

        code = run()
    sys.exit(exitcodes.INTERRUPTED if interrupt.happened else code)


if __name__ == "__main__":
    main()
