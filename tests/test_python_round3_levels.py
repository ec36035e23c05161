"""Issue 18, class 1: set-log-level leaves opt-in debug switches alone. A level is a leftover only when
it is the service's standing configuration; what a flag, an environment variable or a verbosity
option turns on is reported, never edited. Each project is a small CLI of our own, run as a child
process before and after `fixer apply --in-place`; the standing configuration beside it is still fixed."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import init_repo, run_cli, unwrapped
from round3_support import fixed, python_run

LOG_PY = '''
import logging

PKG = logging.getLogger("tool")
PKG.setLevel(logging.DEBUG)  # the handlers below decide what is shown
_console = logging.StreamHandler()
_console.setLevel(logging.WARNING)
PKG.addHandler(_console)


def enable_logging():
    logging.basicConfig(level=logging.DEBUG, format="root %(levelname)s %(message)s")


def add_debug_file(path):
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("file %(levelname)s %(message)s"))
    PKG.addHandler(handler)
'''

CLI_PY = '''
import argparse
import logging
import os

from tool.log import add_debug_file, enable_logging


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--debug-file")
    args = parser.parse_args(argv)
    if args.debug or os.environ.get("TOOL_DEBUG"):
        enable_logging()
    if args.debug_file:
        add_debug_file(args.debug_file)
    if args.verbose:
        logging.getLogger("tool.verbose").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
        logging.getLogger("tool.verbose").addHandler(logging.StreamHandler())
    logging.getLogger("tool").debug("a debug record")
    logging.getLogger("tool.verbose").debug("a verbose record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

# The standing configuration of a worker: a leftover DEBUG the release lowers.
WORKER_PY = '''
import logging

logging.basicConfig(level=logging.DEBUG, format="worker %(levelname)s %(message)s")
logging.getLogger("worker").debug("noise")
logging.getLogger("worker").info("started")
'''

CONFIG = '[rules.set-log-level]\nfrom = "DEBUG"\nto = "INFO"\n'


@pytest.fixture
def tool(tmp_path):
    files = {"tool/__init__.py": "", "tool/log.py": LOG_PY, "tool/cli.py": CLI_PY, "tool/worker.py": WORKER_PY,
             "fixer.toml": CONFIG}
    repo = init_repo(tmp_path / "tool", files)
    return Path(repo.working_tree_dir)


def behaviour(root: Path) -> dict[str, str]:
    """What each opt-in switch shows, and what the worker logs."""
    out = {}
    for name, args, env in [("--debug", ["--debug"], {}), ("TOOL_DEBUG", [], {"TOOL_DEBUG": "1"}),
                            ("--verbose", ["--verbose"], {}), ("plain", [], {})]:
        run = python_run(root, "-m", "tool.cli", *args, env=env)
        assert run.returncode == 0, run.stderr
        out[name] = run.stderr
    debug_file = root.parent / "debug.txt"
    assert python_run(root, "-m", "tool.cli", "--debug-file", str(debug_file)).returncode == 0
    out["--debug-file"] = debug_file.read_text()
    debug_file.unlink()
    out["worker"] = python_run(root, "-m", "tool.worker").stderr
    return out


def test_opt_in_switches_still_work_after_the_fix_and_the_standing_level_is_lowered(tool):
    before = behaviour(tool)
    assert "root DEBUG a debug record" in before["--debug"] and "root DEBUG" in before["TOOL_DEBUG"]
    assert "a verbose record" in before["--verbose"] and "file DEBUG a debug record" in before["--debug-file"]
    assert before["plain"] == "" and "worker DEBUG noise" in before["worker"]

    result = run_cli("apply", "--in-place", cwd=tool)
    assert result.exit_code in (0, 1), result.stderr
    after = behaviour(tool)
    for switch in ("--debug", "TOOL_DEBUG", "--verbose", "--debug-file", "plain"):
        assert after[switch] == before[switch], switch
    assert after["worker"] == "worker INFO started\n"  # the standing level was a leftover: lowered
    assert (tool / "tool/log.py").read_text() == LOG_PY and (tool / "tool/cli.py").read_text() == CLI_PY

    report = unwrapped(result.stdout + result.stderr)
    assert "called only under an opt-in switch (`if args.debug or os.environ.get(\"TOOL_DEBUG\"):`)" in report
    assert "`PKG` gets handlers beside it" in report
    assert "the level is chosen by `logging.DEBUG if args.verbose else logging.WARNING`" in report


def test_a_parameter_default_is_a_user_facing_default_and_is_reported(tmp_path):
    source = '''
        import logging


        class State:
            def __init__(self, level=logging.INFO):
                self.level = level
                logging.getLogger("cli").setLevel(level)


        def verbosity():
            return logging.getLevelName(State().level)
    '''
    result = fixed("set-log-level", source)
    assert result.new == textwrap.dedent(source)
    (finding,) = result.findings
    assert not finding.fixed and "`level` is a parameter whose default is INFO" in finding.message
    namespace: dict = {}
    exec(compile(result.new, "cli.py", "exec"), namespace)
    assert namespace["verbosity"]() == "INFO"  # the CLI's default verbosity did not change


@pytest.mark.parametrize("source", [
    "class Volume:\n    def setLevel(self, level):\n        self.level = level\n\n\nv = Volume()\nv.setLevel(20)\n",
    "class Volume:\n    def setLevel(self, level):\n        self.level = level\n\n    def reset(self):\n"
    "        self.setLevel(20)\n",
    "class Volume:\n    def setLevel(self, level):\n        self.level = level\n\n\nVolume().setLevel('INFO')\n",
])
def test_a_local_class_own_set_level_is_not_a_logger_and_is_silent(source):
    result = fixed("set-log-level", source)
    assert result.new == source and result.findings == []


def test_a_local_logging_subclass_is_still_a_logger_candidate():
    source = "import logging\n\n\nclass Quiet(logging.Logger):\n    pass\n\n\nq = Quiet('q')\nq.setLevel(20)\n"
    (finding,) = fixed("set-log-level", source).findings
    assert not finding.fixed and "not known to be a logger" in finding.message


def test_a_local_class_set_level_does_not_keep_a_checklist_box_unticked(tmp_path):
    files = {
        "app/audio.py": "class Volume:\n    def setLevel(self, level):\n        self.level = level\n\n\n"
                        "def quiet():\n    v = Volume()\n    v.setLevel(20)\n    return v\n",
        "app/main.py": "import logging\n\nlogging.basicConfig(level=logging.INFO)\n",
        "RELEASE.md": "# Release\n\n- [ ] Change the log level from INFO to WARNING\n",
    }
    root = Path(init_repo(tmp_path / "svc", files).working_tree_dir)
    result = run_cli("checklist", "RELEASE.md", "--format", "json", cwd=root)
    (item,) = json.loads(result.stdout)["items"]
    assert item["ticked"] and item["status"] == "fixed", item
    assert item["fixes"] == 1 and all(f["state"] == "fixed" for f in item["findings"])


def test_a_level_under_an_environment_variable_in_the_same_module_is_reported():
    source = '''
        import logging
        import os

        if os.getenv("APP_TRACE_SQL"):
            logging.getLogger("sql").setLevel(logging.INFO)
    '''
    (finding,) = fixed("set-log-level", source).findings
    assert not finding.fixed and "opt-in switch" in finding.message


def test_a_function_also_called_without_a_switch_is_standing_configuration():
    source = '''
        import logging


        def setup():
            logging.basicConfig(level=logging.INFO)


        def main(args):
            if args.debug:
                setup()
            setup()
    '''
    result = fixed("set-log-level", source)
    assert "level=logging.WARNING" in result.new and result.findings[0].fixed


def test_level_keywords_of_callables_that_are_not_logging_are_never_edited():
    source = '''
        import logging

        import coloredlogs


        class State:
            def __init__(self, level=logging.INFO):
                self.level = level


        STATE = State(level=logging.INFO)
        coloredlogs.install(level="INFO")
        logging.basicConfig(level=logging.INFO)
    '''
    result = fixed("set-log-level", source)
    expected = textwrap.dedent(source).replace("logging.basicConfig(level=logging.INFO)",
                                               "logging.basicConfig(level=logging.WARNING)")
    assert result.new == expected
    assert [f.fixed for f in result.findings] == [True]


def test_a_function_reached_only_through_a_switched_caller_is_opt_in_too():
    source = '''
        import logging


        def enable_logging():
            logging.basicConfig(level=logging.INFO)


        def setup_debug():
            enable_logging()


        def main(args):
            if args.debug:
                setup_debug()
    '''
    (finding,) = fixed("set-log-level", source).findings
    assert not finding.fixed and "`enable_logging`, which is called only under an opt-in switch (`if args.debug:`)" \
        in finding.message


def test_a_recursive_helper_with_one_plain_call_is_standing_configuration():
    source = '''
        import logging


        def configure(depth=0):
            logging.basicConfig(level=logging.INFO)
            if depth:
                configure(depth - 1)


        configure()
    '''
    assert fixed("set-log-level", source).findings[0].fixed


def test_handlers_added_through_another_handle_on_the_same_named_logger():
    source = '''
        import logging

        PKG = logging.getLogger("tool")
        PKG.setLevel(logging.INFO)


        def add_console():
            logging.getLogger("tool").addHandler(logging.StreamHandler())
    '''
    (finding,) = fixed("set-log-level", source).findings
    assert not finding.fixed and "gets handlers beside it" in finding.message


@pytest.mark.parametrize("base", ["BaseLogger", "Quiet"])
def test_a_class_built_on_an_imported_class_may_be_a_logger_and_is_still_reported(base):
    source = f"from app.base import BaseLogger\n\n\nclass Quiet(BaseLogger):\n    pass\n\n\nclass Mine({base}):\n" \
             "    pass\n\n\nm = Mine()\nm.setLevel(20)\n"
    (finding,) = fixed("set-log-level", source).findings
    assert not finding.fixed and "not known to be a logger" in finding.message
