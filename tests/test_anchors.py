"""Anchors are searched fast (each led by a literal) and always answer as their regex does."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.core.anchors import Anchor, Anchors, required_literals
from fixer.core.rule import all_rules

PATTERNS = [
    r"(?<![\w.])IO\.inspect\b",
    r"\bimport\s+IO\b",
    r"\balias\s+(?:IO|Kernel)\b",
    r"(?<![\w@:])_[a-z]\w*",
    r"@\s*impl\b",
    r"debug[^/\"'\n\\]*\.log[\"']",
    r"basicConfig|setLevel",
    r"(?i)debug\.log",
    r"[a-z]+_debug",
    r"^import IO$",
    r"x\by",
    r"(?=IO)IO\.pu",
]
# Texts built from the pieces the patterns look for, so matches and near-misses both come up.
PIECES = ["IO", ".", "inspect", "import", "alias", "Kernel", " ", "\n", "_", "x", "y", "@", "impl", ":",
          "debug", "log", '"', "'", "/", "DEBUG", "basicConfig", "set", "Level", "MyIO", "é", "pu"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from(PATTERNS))
def test_an_anchor_answers_exactly_as_its_regex(pieces, pattern):
    text = "".join(pieces)
    assert Anchor(pattern).search(text) == bool(re.search(pattern, text))


def test_several_anchors_match_when_one_does():
    anchors = Anchors([r"(?<![\w.])IO\.inspect\b", r"\bKernel\.dbg\b"])
    assert anchors.search("x |> Kernel.dbg()")
    assert anchors.search("IO.inspect(x)")
    assert not anchors.search("MyIO.inspect(x) and Kernel.dbgx")


@pytest.mark.parametrize("pattern, lead, literal", [
    (r"(?<![\w.])IO\.inspect\b", "IO.inspect", "IO.inspect"),
    (r"\bimport\s+IO\b", "import", "import"),
    (r"debug[^/\"'\n\\]*\.log[\"']", "debug", "debug"),
    (r"[a-z]+_worker_debug\.log", "", "_worker_debug.log"),
    (r"basicConfig|setLevel", "", ""),  # an alternation: searched as it is
    (r"(?i)debug", "", ""),  # case-insensitive: no literal can be required
])
def test_the_literals_come_from_the_pattern_itself(pattern, lead, literal):
    assert required_literals(pattern) == (lead, literal)


def rule_configurations():
    rules = all_rules()
    yield rules["remove-debug-calls"]()
    yield rules["remove-debug-calls"](calls=["IO.inspect", "IO.puts"], messages=["^DEBUG"])
    yield rules["remove-debug-file-writes"](files=["/tmp/*debug*.log", "/var/log/app/trace.txt"])
    for rule_id, cls in rules.items():
        if rule_id not in ("remove-debug-calls", "remove-debug-file-writes"):
            yield cls()


@pytest.mark.parametrize("rule", list(rule_configurations()), ids=lambda rule: rule.id)
def test_every_anchor_is_led_by_a_literal(rule):
    """A file without a target costs one literal search per anchor: never a regex tried at every
    position of the text (50 times slower, and most files have no target)."""
    for anchor in rule.anchor_regex.anchors:
        assert anchor.lead, f"{rule.id}: anchor {anchor.pattern!r} is not led by a literal"


# ASCII pieces Python and RE2 read differently (\v and \x1c are spaces to Python's \s, not RE2's;
# \r is one in both), and the words the rules' anchors are made of.
ASCII_PIECES = ["print", "pprint", "pp", "(", " ", "\t", "\x0b", "\x1c", "\r", "\n", "import", "as", "x", "_",
                ".", "=", "breakpoint", "set_trace", "post_mortem", "def", "from", "pdb", "run", "IO", "inspect",
                "capsys", "DEBUG", "log", "Kernel", "dbg", "@", "impl", "0", "]", "scripts"]


# Classes, flags and counts, negated or not, as Python reads them on ASCII text.
CLASS_PATTERNS = [r"pp[^\s]", r"pp\S\(", r"x\W_", r"[^\w\s]import", r"(?i)[^p]rint", r"(?s)pp.x", r"pp.x",
                  r"x{2,3}_", r"(?i)DEF\b", r"(?<=\s)as\b", r"\Bx", r"pp\s{2}\(", r"(?:x|_)+?\d"]


def every_anchor_pattern() -> list[str]:
    from fixer.rules.remove_debug_prints import PURPOSE_CONTEXT
    from fixer.rules.remove_debugger_calls.debuggers import PROVIDES

    found = {PURPOSE_CONTEXT, PROVIDES.pattern, *PATTERNS, *CLASS_PATTERNS}
    for rule in rule_configurations():
        found.update(rule.anchor_patterns())
        if rule.context_anchor:
            found.add(rule.context_anchor)
    return sorted(found)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(ASCII_PIECES), max_size=14), st.sampled_from(every_anchor_pattern()))
def test_the_re2_pre_search_of_an_ascii_text_never_misses_a_match(pieces, pattern):
    """The RE2 pre-search rules a text out only where the anchor itself cannot match."""
    from fixer.core.anchors import quick_filter

    text = "".join(pieces)
    quick = quick_filter([pattern])
    assert quick is not None, f"{pattern!r} has no RE2 pre-search"
    if re.search(pattern, text):
        assert quick.search(text) is not None
    assert Anchor(pattern).search(text) == bool(re.search(pattern, text))


def test_a_pattern_re2_cannot_read_gets_no_pre_search_and_still_answers():
    from fixer.core.anchors import quick_filter

    assert quick_filter([r"(a)\1"]) is None and quick_filter([r"(?i:x)y"]) is None
    assert Anchor(r"(a)\1").search("aa") and not Anchor(r"(a)\1").search("ab")


def test_the_pre_search_rules_out_a_file_without_a_target_in_one_pass():
    rule = all_rules()["remove-debug-prints"]()
    assert rule.anchor_regex.quick is not None
    assert not rule.anchor_regex.search("def f(items):\n    items.append(1)\n    return pp\n")
    assert rule.anchor_regex.search("def f(items):\n    pp (items)\n")


@pytest.mark.parametrize("pattern", [r"\s", r"\S", r"\w", r"\W", r"\d", r"\D", r"[^\s]", r"[^\w]", r"[^\S\d]", r"[\W_]",
                                     r".", r"(?i)[^k]", r"(?i)K", r"\b.", r"\B."])
def test_each_ascii_character_is_read_by_re2_as_python_reads_it(pattern):
    """Python's `\\s` holds \\v and \\x1c-\\x1f, RE2's does not: the translation spells each class out."""
    from fixer.core.anchors import quick_filter

    quick = quick_filter([pattern])
    for code in range(128):
        text = chr(code)
        if re.search(pattern, text):
            assert quick.search(text.encode()) is not None, (pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12), min_size=1, max_size=4))
def test_anchors_sharing_one_re2_pass_each_answer_as_their_regex(texts):
    """Every anchor's pre-search is one pattern of one RE2 set, matched once per text: each anchor
    searched in turn on the same text (and an anchor made after the text was matched, which builds
    the set again) still answers as its own regex."""
    from fixer.core.anchors import PRESEARCH

    texts = ["".join(pieces) for pieces in texts]
    anchors = [Anchor(pattern) for pattern in PATTERNS[:6]]
    for text in texts:
        for anchor, pattern in zip(anchors, PATTERNS):
            assert anchor.search(text) == bool(re.search(pattern, text)), (pattern, text)
        late = Anchor(PATTERNS[len(texts) + 5])
        assert late.search(text) == bool(re.search(PATTERNS[len(texts) + 5], text))
        assert late.slot in range(len(PRESEARCH.patterns)) or late.quick is None


def test_one_re2_set_pass_answers_for_every_anchor_of_a_text():
    from fixer.core.anchors import PRESEARCH

    first, second = Anchor(r"\bprint\s*\("), Anchor(r"\bbreakpoint\s*\(")
    text = "def f():\n    breakpoint()\n"
    assert not first.search(text) and second.search(text)
    assert PRESEARCH._text is text  # the second anchor read the set's answer for this very text
    assert first.slot != second.slot and {first.slot, second.slot} <= set(range(len(PRESEARCH.patterns)))


def test_past_the_set_s_size_an_anchor_searches_on_its_own(monkeypatch):
    """A process that makes anchors of ever new patterns does not grow the shared set for ever:
    past PRESEARCH_MAX patterns, an anchor runs its own RE2 pre-search, with the same answers."""
    from fixer.core import anchors

    monkeypatch.setattr(anchors, "PRESEARCH_MAX", len(anchors.PRESEARCH.patterns))
    alone = Anchor(r"\bsettle_ledger_\d+\s*\(")
    assert alone.slot == -1 and alone.quick is not None
    assert alone.search("x = 1\nsettle_ledger_42 (entry)\n")
    assert not alone.search("x = 1\nresettle_ledger_42(entry)\n")
