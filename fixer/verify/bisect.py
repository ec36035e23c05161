"""Finding the first failing prefix of an ordered list of changes (pure: the test is a callable)."""
from __future__ import annotations

import math
from typing import Callable


def first_failing(count: int, fails: Callable[[int], bool]) -> int:
    """The smallest k in 1..count for which the first k changes fail, given that none pass
    (k = 0 is the known-good side) and all `count` fail. ceil(log2(count)) calls of `fails`."""
    good, bad = 0, count
    while bad - good > 1:
        middle = (good + bad) // 2
        if fails(middle):
            bad = middle
        else:
            good = middle
    return bad


def runs_for(count: int) -> int:
    """How many calls `first_failing` makes for `count` changes."""
    return math.ceil(math.log2(count)) if count > 1 else 0
