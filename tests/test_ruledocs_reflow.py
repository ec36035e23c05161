"""`fixer rules ID` reflows prose to the width and keeps code exact: a prose line that happens to end
with ":" is not a section header, and a bullet's continuation lines reflow with it."""
from __future__ import annotations

from fixer.ui.ruledocs import fill_docstring

DOC = """Summary line.

What it does:
    - a bullet whose text goes on
      under it, long enough to need filling at this width
    - another bullet

Names are resolved per module: `IO.inspect` under `alias My.Printer, as:
IO` is left alone.

Example:
    defp long_enough_code_line_that_must_never_be_wrapped(x), do: IO.inspect(x, label: "y")
"""


def test_prose_ending_with_a_colon_reflows_and_code_stays_exact():
    lines = fill_docstring(DOC, 40)
    prose = [line for line in lines if "Example" not in line and "defp" not in line]
    assert all(len(line) <= 40 for line in prose), lines
    assert "IO` is left alone." not in lines  # not cut off under a mistaken header
    # "…as:" mid-paragraph is prose, filled with the rest of its paragraph
    text = " ".join(" ".join(lines).split())
    assert "`alias My.Printer, as: IO` is left alone." in text
    assert "    defp long_enough_code_line_that_must_never_be_wrapped(x), do: IO.inspect(x, label: \"y\")" in lines
    # a bullet's continuation is filled under the bullet's text, not left as a ragged line of its own
    bullet = lines[lines.index("What it does:") + 1: lines.index("    - another bullet")]
    assert bullet[0].startswith("    - a bullet") and all(line.startswith("      ") for line in bullet[1:])
    assert " ".join(" ".join(bullet).split()) == \
        "- a bullet whose text goes on under it, long enough to need filling at this width"
    assert len(bullet) == 3  # filled, not broken where the docstring's source line ended
