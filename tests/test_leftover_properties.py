"""Property (hypothesis): modules with prints on purpose and injected debug leftovers, in every block
position. After remove-debugger-calls and remove-debug-prints: every intentional print line is still
there byte for byte, every leftover is gone, and the module's AST is exactly that of the same module
written without the leftovers (`ast.dump`); the output compiles and a second pass changes nothing."""
from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()

# (before, after): a leftover's lines vanish; `{v}` is a surviving statement it may share a line with.
STATEMENTS = ["value += 1", "total = value * 2", "log.info('value %s', value)", "cache[value] = total"]
LEFTOVERS = [
    ['print("DEBUG value", value)'],
    ['print(f"{value=}")'],
    ["print(locals())"],
    ["# debug", "print(value)"],
    ["breakpoint()"],
    ["pdb.set_trace()"],
    ["import pdb; pdb.set_trace()"],
    ["from IPython import embed; embed()"],
]
SHARED = ["{v}; breakpoint()", "breakpoint(); {v}", '{v}; print("DEBUG", value)']
GUARDED = ["if value > 3:", "    breakpoint()"]  # a pure guard left with nothing to do goes whole
INTENTIONAL = ['print(value, file=sys.stderr)', 'print("Total:", value)', 'print(f"{self.name:<10} {self.qty:>4}")',
               'print("starting")', 'print("value", value)']
WRAPPERS = [
    (["if value > {n}:"], []), (["for item in range(value):"], []), (["while value < {n}:"], []),
    (["with lock:"], []), (["try:"], ["except ValueError:", "    value = 0"]),
    (["if value == {n}:"], ["else:", "    value -= 1"]),
]


@st.composite
def blocks(draw, depth: int, n: int):
    """A block's (before, after) lines at indent 0; it always keeps a statement, so it never empties."""
    items = [([line], [line]) for line in [draw(st.sampled_from(STATEMENTS))]]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["stmt", "leftover", "shared", "guarded", "wrap"] if depth else
                                    ["stmt", "leftover", "shared", "guarded"]))
        line = draw(st.sampled_from(STATEMENTS))
        if kind == "stmt":
            item = ([line], [line])
        elif kind == "leftover":
            item = (draw(st.sampled_from(LEFTOVERS)), [])
        elif kind == "shared":
            item = ([draw(st.sampled_from(SHARED)).format(v=line)], [line])
        elif kind == "guarded":
            item = (GUARDED, [])
        else:
            head, tail = draw(st.sampled_from(WRAPPERS))
            inner_before, inner_after = draw(blocks(depth - 1, n + 1))
            head = [h.format(n=n) for h in head]
            item = (head + ["    " + b for b in inner_before] + tail, head + ["    " + a for a in inner_after] + tail)
        items.insert(draw(st.integers(0, len(items))), item)
    return [b for before, _ in items for b in before], [a for _, after in items for a in after]


def function(name: str, body: tuple[list[str], list[str]], tail: str = "return value") -> tuple[str, str]:
    before, after = body
    head = f"def {name}(value, lock, cache, log):"
    return "\n".join([head, *("    " + b for b in before), f"    {tail}"]), \
        "\n".join([head, *("    " + a for a in after), f"    {tail}"])


@st.composite
def modules(draw):
    helpers = [function(f"compute_{i}", draw(blocks(2, 1))) for i in range(draw(st.integers(4, 6)))]
    loud = draw(st.integers(0, len(helpers) - 1))  # one helper also warns on stderr, on purpose
    b, a = helpers[loud]
    warn = "    print(value, file=sys.stderr)\n    return value"
    helpers[loud] = (b.rsplit("\n", 1)[0] + "\n" + warn, a.rsplit("\n", 1)[0] + "\n" + warn)
    main_leftover = draw(st.sampled_from(["", "    breakpoint()\n", "    import pdb; pdb.set_trace()\n"]))
    header = "import logging\nimport sys\n\nVERBOSE = False\nlog = logging.getLogger(__name__)\n"
    uses_pdb = any("pdb.set_trace()" in b and "import pdb;" not in b for b, _ in helpers)
    classes = ('class Thing:\n    def __init__(self, name, qty):\n        self.name, self.qty = name, qty\n\n'
               '    def show(self):\n        print(f"{self.name:<10} {self.qty:>4}")\n')
    main = ('def main(value=1):\n    print("Total:", value)\n{leftover}    if VERBOSE:\n        print("value", value)\n'
            '    return 0\n')
    guard = 'if __name__ == "__main__":\n    print("starting")\n{leftover}    raise SystemExit(main())\n'
    guard_leftover = draw(st.sampled_from(["", "    breakpoint()\n"]))

    def assemble(pick: int, imports: str) -> str:
        parts = [header + imports, *(h[pick] + "\n" for h in helpers), classes,
                 main.format(leftover=main_leftover if pick == 0 else ""),
                 guard.format(leftover=guard_leftover if pick == 0 else "")]
        return "\n\n".join(parts)

    return assemble(0, "import pdb\n" if uses_pdb else ""), assemble(1, "")


def intentional_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(line.strip() == p for p in INTENTIONAL)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_intentional_prints_survive_and_leftovers_go(case):
    before, expected = case
    compile(before, "m.py", "exec")
    rules = [RULES["remove-debugger-calls"](), RULES["remove-debug-prints"]()]
    result = fix_text("service/worker.py", before, rules)
    assert result.errors == []
    compile(result.new, "m.py", "exec")
    assert ast.dump(ast.parse(result.new)) == ast.dump(ast.parse(expected)), result.new
    assert intentional_lines(result.new) == intentional_lines(before)  # byte-identical, same order
    for marker in ("breakpoint()", "set_trace", "embed", "DEBUG", "=}", "locals()", "# debug"):
        assert marker not in result.new
    again = fix_text("service/worker.py", result.new, rules)
    assert again.new == result.new
