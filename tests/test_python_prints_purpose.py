"""remove-debug-prints on output that is there on purpose in ways the adversarial round found:
console scripts declared outside setup.py and CLI wrappers, output asserted by tests, a script's data
function, and comments that use "debug"/"temporary" in their ordinary sense."""
from __future__ import annotations

import textwrap

import pytest

from leftover_support import RuleRunner

RUNNER = RuleRunner("remove-debug-prints", "rowtool/count.py")
rule, run, same = RUNNER.rule, RUNNER.run, RUNNER.same

RUN = "def run():\n    n = len(load())\n    print(n)\n    return n\n"


def context_of(*files: tuple[str, str]) -> dict:
    gathered = rule()
    facts = []
    for path, text in files:
        assert gathered.context_anchor and __import__("re").search(gathered.context_anchor, text), path
        facts.append(gathered.gather(path, text))
    return {"remove-debug-prints": facts}


@pytest.mark.parametrize("path, text", [
    ("pyproject.toml", '[project]\nname = "rowtool"\n\n[project.scripts]\nrowcount = "rowtool.count:run"\n'),
    ("pyproject.toml", '[project]\nname = "rowtool"\n\n[project.gui-scripts]\nrowcount = "rowtool.count:run"\n'),
    ("pyproject.toml", '[tool.poetry]\nname = "rowtool"\n\n[tool.poetry.scripts]\nrowcount = "rowtool.count:run"\n'),
    ("setup.cfg", "[metadata]\nname = rowtool\n\n[options.entry_points]\nconsole_scripts =\n"
                  "    rowcount = rowtool.count:run\n"),
])
def test_console_scripts_declared_in_pyproject_or_setup_cfg_are_entry_points(path, text):
    result = same(RUN, path="src/rowtool/count.py", context=context_of((path, text)))
    assert [(f.fixed, f.evidence) for f in result.findings] == [(False, "in CLI entry point `run`")]
    assert run(RUN, path="src/rowtool/count.py").findings[0].fixed  # without the declaration it is a leftover


def test_an_unparsable_pyproject_gathers_nothing():
    own, importers, star_facts = rule().gather("pyproject.toml", "[project.scripts\nx = 'a:b'\n")
    assert not any(own.values()) and importers is None and star_facts is None


@pytest.mark.parametrize("wrapper", [
    "import typer\n\n{f}\n\nif __name__ == '__main__':\n    typer.run(run)\n",
    "import typer\n\n{f}\n\ntyper.run(run)\n",
    "import fire\n\n{f}\n\nfire.Fire(run)\n",
    "from fire import Fire\n\n{f}\n\ndef entry():\n    Fire(run)\n",
    "import click\n\n\n@click.command()\n{f}",
    "import typer\n\napp = typer.Typer()\n\n\n@app.command()\n{f}",
])
def test_functions_wrapped_as_commands_are_entry_points(wrapper):
    source = wrapper.format(f=RUN)
    result = same(source)
    assert all(not f.fixed for f in result.findings)


def test_a_doctest_that_shows_the_output_keeps_the_print():
    source = '''
        def scale(values, factor):
            """Scale values.

            >>> scale([1, 2], 3)
            [3, 6]
            """
            scaled = [v * factor for v in values]
            print(scaled)
            return scaled
    '''
    result = same(source)
    assert all(not f.fixed for f in result.findings)


def test_a_doctest_without_output_lines_is_no_such_evidence():
    source = '''
        def scale(values, factor):
            """Scale values.

            >>> result = scale([1, 2], 3)
            """
            scaled = [v * factor for v in values]
            print(scaled)
            return scaled
    '''
    assert run(source).findings[0].fixed


@pytest.mark.parametrize("test_text", [
    "from rowtool.count import run\n\n\ndef test_run(capsys):\n    run()\n    assert capsys.readouterr().out == '3\\n'\n",
    "import rowtool.count\n\n\ndef test_run(capfd):\n    rowtool.count.run()\n    assert '3' in capfd.readouterr().out\n",
    "import io\nfrom contextlib import redirect_stdout\nfrom rowtool import count\n\n\ndef test_run():\n"
    "    out = io.StringIO()\n    with redirect_stdout(out):\n        count.run()\n    assert out.getvalue()\n",
])
def test_a_function_whose_output_a_test_asserts_is_reported_not_removed(test_text):
    result = same(RUN, context=context_of(("tests/test_count.py", test_text)))
    (finding,) = result.findings
    assert not finding.fixed and "test" in finding.message


@pytest.mark.parametrize("script", [
    "{f}\n\nif __name__ == '__main__':\n    run()\n",
    "{f}\n\ndef main():\n    run()\n\n\nif __name__ == '__main__':\n    main()\n",
    "{f}\n\nif __name__ == '__main__':\n    import sys\n    sys.exit(0)\n",
])
def test_a_scripts_data_function_print_is_reported_not_removed(script):
    source = script.format(f=RUN.replace("def run", "def count_rows"))
    (finding,) = same(source).findings
    assert not finding.fixed and "script" in finding.message


@pytest.mark.parametrize("source", [
    "def build(tmpdir):\n    # temporary build directory; removed in finalize()\n    print('Building in', tmpdir)\n"
    "    make(tmpdir)\n",
    "def migrate(db):\n    # debug the slow migration below with EXPLAIN if it regresses\n"
    "    print('Migrating schema, this can take a while')\n    db.migrate()\n",
    "def build(tmpdir):\n    print('Building in', tmpdir)  # the temp dir is removed later\n    make(tmpdir)\n",
])
def test_a_comment_using_debug_or_temporary_in_its_ordinary_sense_is_no_evidence(source):
    result = same(source)
    assert all(not f.fixed for f in result.findings)


@pytest.mark.parametrize("comment", ["# debug", "# DEBUG: show input", "# temporary print", "# remove before merge",
                                     "# XXX", "# debugging", "# temp"])
def test_a_comment_about_the_print_is_evidence(comment):
    source = f"def load(rows):\n    {comment}\n    print(rows)\n    rows.pop(0)\n"
    result = run(source)
    assert result.new == "def load(rows):\n    rows.pop(0)\n"
    assert result.findings[0].evidence == "marked by a debug comment"


def test_a_trailing_debug_comment_on_the_print_line_is_evidence():
    result = run("def load(rows):\n    print(rows)  # debug\n    rows.pop(0)\n")
    assert result.new == "def load(rows):\n    rows.pop(0)\n"


def test_a_prose_message_under_a_debug_comment_is_reported():
    source = "def build(tmpdir):\n    # debug\n    print('Building the wheel in', tmpdir)\n    make(tmpdir)\n"
    (finding,) = same(source).findings
    assert not finding.fixed


def test_a_repository_run_reads_pyproject_scripts_and_tests(tmp_path):
    from conftest import init_repo, run_cli

    files = {
        "fixer.toml": "[rules.remove-debug-prints]\n",
        "pyproject.toml": '[project]\nname = "rowtool"\n\n[project.scripts]\nrowcount = "rowtool.count:run"\n',
        "src/rowtool/__init__.py": "",
        "src/rowtool/count.py": RUN,
        "src/rowtool/scale.py": "def scale(values, factor):\n    scaled = [v * factor for v in values]\n"
                                "    print(scaled)\n    return scaled\n",
        "tests/test_scale.py": "from rowtool.scale import scale\n\n\ndef test_scale(capsys):\n"
                               "    scale([1], 2)\n    assert capsys.readouterr().out == '[2]\\n'\n",
    }
    repo = init_repo(tmp_path / "rowtool", files)
    result = run_cli("apply", "--in-place", cwd=tmp_path / "rowtool")
    assert result.exit_code in (0, 1), result.output
    for path in ("src/rowtool/count.py", "src/rowtool/scale.py"):
        assert (tmp_path / "rowtool" / path).read_text() == files[path]
    assert repo.is_dirty() is False
