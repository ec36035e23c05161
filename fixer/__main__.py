"""`python -m fixer` and the `fixer` command. Ctrl-C is handled from the very first import on."""
import sys


def main() -> None:
    from fixer import exitcodes, interrupts

    code = exitcodes.INTERRUPTED
    with interrupts.handled() as interrupt:
        from fixer.cli import run

        code = run()
    sys.exit(exitcodes.INTERRUPTED if interrupt.happened else code)


if __name__ == "__main__":
    main()
