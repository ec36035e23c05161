"""Every rule's documented before/after examples run as tests (as Fixit does with VALID/INVALID)."""
from __future__ import annotations

import pytest

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules
from conftest import elixir_parses

CASES = [
    pytest.param(cls, example, id=f"{rule_id}-{number}")
    for rule_id, cls in all_rules().items()
    for number, example in enumerate(cls.examples, 1)
]


def test_every_rule_documents_itself():
    for rule_id, cls in all_rules().items():
        doc = cls.documentation()
        for section in ("What it does:", "Why:", "Example:", "Fix safety:"):
            assert section in doc, f"{rule_id} docstring lacks {section}"
        assert any(e.after is not None for e in cls.examples), f"{rule_id} has no fixing example"
        assert any(e.after is None for e in cls.examples), f"{rule_id} has no leave-alone example"
        assert cls().anchor_patterns(), f"{rule_id} has no anchors"


@pytest.mark.parametrize("cls, example", CASES)
def test_example(cls, example):
    rule = cls(**example.params)
    path = cls.example_path(example)
    result = fix_text(path, example.before, [rule])
    assert result.errors == []
    expected = example.before if example.after is None else example.after
    assert result.new == expected
    again = fix_text(path, result.new, [rule])
    assert again.new == result.new, "a second pass must change nothing"


def test_elixir_examples_are_real_elixir(elixir_tools, tmp_path):
    """Both sides of every Elixir example parse with Elixir's own parser."""
    paths = []
    for rule_id, cls in all_rules().items():
        if cls.language != "elixir":
            continue
        for number, example in enumerate(cls.examples, 1):
            for side, text in (("before", example.before), ("after", example.after)):
                if text is not None:
                    path = tmp_path / f"{rule_id}-{number}-{side}.ex"
                    path.write_text(text)
                    paths.append(path)
    assert paths
    elixir_parses(paths)


def test_python_examples_compile():
    for rule_id, cls in all_rules().items():
        if cls.language == "python":
            for example in cls.examples:
                for text in (example.before, example.after):
                    if text is not None:
                        compile(text, "example.py", "exec")
