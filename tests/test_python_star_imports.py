"""A `from … import *` may rebind `open`, `print` or `breakpoint`: a call to one of them is then not
known to be the builtin, so the leftover rules report it and never remove it."""
from __future__ import annotations

import pytest

from leftover_support import RuleRunner

LOG = "/tmp/svc_debug.log"


@pytest.mark.parametrize("rule_id, body, params", [
    ("remove-debug-file-writes", f'with open("{LOG}", "a") as f:\n        f.write(str(x))', {"files": [LOG]}),
    ("remove-debug-file-writes", f'open("{LOG}", "a").write(str(x))', {"files": [LOG]}),
    ("remove-debug-prints", 'print("DEBUG x", x)', {}),
    ("remove-debugger-calls", "breakpoint()", {}),
])
@pytest.mark.parametrize("star", ["from .compat import *", "from svc.compat import *"])
def test_a_builtin_a_star_import_may_rebind_is_reported_not_removed(rule_id, body, params, star):
    before = f"{star}\n\n\ndef step(x):\n    {body}\n    return x\n"
    result = RuleRunner(rule_id, "svc/a.py").same(before, **params)
    (finding,) = result.findings
    assert not finding.fixed
    assert f"`{star}`" in finding.message
    assert finding.evidence == "name not resolved"


def test_print_to_a_debug_handle_under_a_star_import_is_reported():
    before = f'import io\nfrom .compat import *\n\n\ndef step(x):\n    with io.open("{LOG}", "a") as f:\n' \
             '        print(x, file=f)\n    return x\n'
    (finding,) = RuleRunner("remove-debug-file-writes", "svc/a.py").same(before, files=[LOG]).findings
    assert not finding.fixed and "print(x, file=f)" in finding.message


def test_a_name_imported_by_name_beside_a_star_import_is_still_resolved():
    before = "from .compat import *\nimport pdb\n\n\ndef step(x):\n    pdb.set_trace()\n    return x\n"
    after = RuleRunner("remove-debugger-calls", "svc/a.py").fix(before)
    assert after == "from .compat import *\n\n\ndef step(x):\n    return x\n"


def test_a_builtin_in_the_arguments_a_star_import_may_rebind_is_kept_as_an_effect():
    before = "import pdb\nfrom .compat import *\n\n\ndef step(x):\n    pdb.set_trace(header=str(x))\n    return x\n"
    after = RuleRunner("remove-debugger-calls", "svc/a.py").fix(before)
    assert after == "from .compat import *\n\n\ndef step(x):\n    str(x)\n    return x\n"
