"""Why the fast lane cannot answer a run (the normal command line then runs it)."""


class StepAside(Exception):
    """The lane cannot vouch for this run: the normal command line runs it."""
