"""set-log-level on levels it must not rewrite: a constant also used by log calls, an opt-in
verbosity switch, dictConfig keys that are not logger/handler levels, test files; and levels it cannot
follow, which are reported ("cannot tell the level"), never skipped in silence."""
from __future__ import annotations

import textwrap

import pytest

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULE = all_rules()["set-log-level"]


def run(source: str, path: str = "app/main.py", **params):
    text = textwrap.dedent(source)
    result = fix_text(path, text, [RULE(**params)])
    assert result.errors == [], result.errors
    compile(result.new, path, "exec")
    assert fix_text(path, result.new, [RULE(**params)]).new == result.new
    return result


def reported(source: str, path: str = "app/main.py"):
    """The source is left as it is; its findings, all needs-review."""
    result = run(source, path)
    assert result.new == textwrap.dedent(source)
    assert result.findings and all(not f.fixed for f in result.findings), result.findings
    return result.findings


@pytest.mark.parametrize("other_use", [
    "log.log(LEVEL, 'started')",
    "log.isEnabledFor(LEVEL)",
    "AUDIT = LEVEL",
])
def test_a_level_constant_also_used_elsewhere_is_reported(other_use):
    source = f'''
        import logging

        LEVEL = logging.INFO
        log = logging.getLogger(__name__)


        def main():
            logging.basicConfig(level=LEVEL)
            {other_use}
    '''
    (finding,) = reported(source)
    assert "LEVEL" in finding.message and "also used" in finding.message


def test_a_level_constant_used_only_to_set_levels_is_still_rewritten():
    source = '''
        import logging

        LEVEL = logging.INFO
        logging.basicConfig(level=LEVEL)
        logging.getLogger("db").setLevel(LEVEL)
    '''
    assert run(source).new == textwrap.dedent(source).replace("LEVEL = logging.INFO", "LEVEL = logging.WARNING")


@pytest.mark.parametrize("guard", ["if args.verbose:", "if options.debug:", "if verbose:", "if self.debug:",
                                   "elif args.loud:"])
def test_an_opt_in_switch_is_reported(guard):
    head = "if args.quiet:\n        pass\n    " if guard.startswith("elif") else ""
    source = f"import logging\n\n\ndef setup(self, args, options, verbose):\n    logging.basicConfig(level=logging.WARNING)\n" \
             f"    {head}{guard}\n        logging.getLogger().setLevel(logging.INFO)\n"
    (finding,) = reported(source)
    assert "switch" in finding.message


def test_dict_config_levels_only_under_root_loggers_and_handlers():
    source = '''
        import logging.config

        logging.config.dictConfig({
            "version": 1,
            "filters": {"only_info": {"()": "app.logs.LevelFilter", "level": "INFO"}},
            "formatters": {"plain": {"format": "%(message)s", "level": "INFO"}},
            "handlers": {
                "console": {"class": "logging.StreamHandler", "level": "INFO"},
                "custom": {"()": "app.logs.make_handler", "level": "INFO"},
            },
            "loggers": {"app": {"level": "INFO"}},
            "root": {"level": "INFO"},
        })
    '''
    result = run(source)
    new = result.new
    assert new.count('"level": "WARNING"') == 3 and new.count('"level": "INFO"') == 3
    assert '"console": {"class": "logging.StreamHandler", "level": "WARNING"}' in new
    assert '"custom": {"()": "app.logs.make_handler", "level": "INFO"}' in new
    assert '"only_info": {"()": "app.logs.LevelFilter", "level": "INFO"}' in new
    review = [f for f in result.findings if not f.fixed]
    assert len(review) == 1 and "filters" in review[0].message and "formatters" in review[0].message


def test_incremental_dict_config():
    source = 'import logging.config\nlogging.config.dictConfig({"version": 1, "incremental": True, ' \
             '"loggers": {"app": {"level": "INFO"}}, "handlers": {"h": {"level": 20}}})\n'
    assert run(source).new == source.replace('"INFO"', '"WARNING"').replace("20", "30")


@pytest.mark.parametrize("path", ["tests/test_logs.py", "app/test_logs.py", "app/logs_test.py", "conftest.py",
                                  "tests/helpers/setup_logs.py"])
def test_test_files_are_never_rewritten(path):
    source = "import logging\n\nlogging.getLogger('app').setLevel(logging.INFO)\n"
    (finding,) = reported(source, path=path)
    assert "test" in finding.message


@pytest.mark.parametrize("before, after", [
    ('cfg.get("level", logging.INFO)', 'cfg.get("level", logging.WARNING)'),
    ('settings.get("db_level", "INFO")', 'settings.get("db_level", "WARNING")'),
    ('int(os.getenv("LVL", "20"))', 'int(os.getenv("LVL", "30"))'),
    ('int(os.environ.get("LVL", "20"))', 'int(os.environ.get("LVL", "30"))'),
])
def test_defaults_of_lookups_are_rewritten_like_environment_defaults(before, after):
    source = f"import logging\nimport os\n\n\ndef setup(cfg, settings):\n    logging.basicConfig(level={before})\n"
    assert run(source).new == source.replace(before, after)


@pytest.mark.parametrize("level", [
    "args.log_level",
    'max(logging.INFO, cfg["min"])',
    'cfg["level"]',
    "level",
    'os.getenv("LOG_LEVEL")',
])
def test_a_level_the_rule_cannot_follow_is_reported_once_per_call(level):
    source = f'''
        import argparse
        import logging
        import os


        def setup(cfg, level):
            parser = argparse.ArgumentParser()
            parser.add_argument("--log-level", default="INFO")
            args = parser.parse_args()
            logging.getLogger("app").setLevel({level})
    '''
    (finding,) = reported(source)
    assert "cannot tell the level" in finding.message


def test_file_config_is_reported():
    source = 'import logging.config\n\nlogging.config.fileConfig("logging.ini")\n'
    (finding,) = reported(source)
    assert "logging.ini" in finding.message and "cannot tell the level" in finding.message


@pytest.mark.parametrize("source", [
    "import logging\nlogging.basicConfig(level=logging.ERROR)\n",
    "import logging\nlogging.getLogger().setLevel(10)\n",
    "def show(progress, level):\n    progress.setLevel(level)\n",
    "import logging\nlogging.basicConfig(format='%(message)s')\n",
])
def test_known_other_levels_and_unknown_receivers_are_silent(source):
    assert run(source).findings == []
