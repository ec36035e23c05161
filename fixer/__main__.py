import os
import sys

# `python -m fixer` puts the current directory first on sys.path; run in a repository, that would let
# its files (a `typer.py`, `git.py`, ...) be imported in place of fixer's dependencies.
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
    del sys.path[0]

from fixer.cli import main  # noqa: E402

main()
