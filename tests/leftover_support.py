"""Helpers shared by the tests of remove-debugger-calls and remove-debug-prints."""
from __future__ import annotations

import textwrap

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules


class RuleRunner:
    """Run one rule on dedented source: no errors, the output compiles, a second pass changes nothing."""

    def __init__(self, rule_id: str, path: str):
        self.cls = all_rules()[rule_id]
        self.path = path

    def rule(self, **params):
        return self.cls(**params)

    def run(self, source: str, path: str = "", context=None, **params):
        path = path or self.path
        result = fix_text(path, textwrap.dedent(source), [self.rule(**params)], context)
        assert result.errors == [], result.errors
        compile(result.new, path, "exec")
        again = fix_text(path, result.new, [self.rule(**params)], context)
        assert again.new == result.new, "a second pass must change nothing"
        return result

    def fix(self, source: str, **params) -> str:
        return self.run(source, **params).new

    def same(self, source: str, **params):
        result = self.run(source, **params)
        assert result.new == textwrap.dedent(source)
        return result
