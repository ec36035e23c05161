"""set-log-level on the ways real code configures logging (issue 9, "set-log-level")."""
from __future__ import annotations

import logging
import textwrap

import pytest

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()


def level_rule(**params):
    return RULES["set-log-level"](**params)


def run(source: str, **params):
    text = textwrap.dedent(source)
    result = fix_text("app/main.py", text, [level_rule(**params)])
    assert result.errors == [], result.errors
    compile(result.new, "app/main.py", "exec")
    assert fix_text("app/main.py", result.new, [level_rule(**params)]).new == result.new
    return result


def test_an_aliased_logging_module():
    result = run("import logging as lg\nlg.basicConfig(level=lg.INFO)\nlg.getLogger('x').setLevel(lg.INFO)\n")
    assert result.new == "import logging as lg\nlg.basicConfig(level=lg.WARNING)\nlg.getLogger('x').setLevel(lg.WARNING)\n"


def test_a_level_constant_passed_to_basic_config():
    source = '''
        import logging

        LEVEL = logging.INFO


        def main():
            logging.basicConfig(level=LEVEL, format="%(message)s")
    '''
    assert run(source).new == textwrap.dedent(source).replace("LEVEL = logging.INFO", "LEVEL = logging.WARNING")


def test_dict_config_levels():
    source = '''
        import logging.config

        LOGGING = {
            "version": 1,
            "formatters": {"plain": {"format": "INFO %(message)s"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "level": "INFO"}},
            "root": {"handlers": ["console"], "level": "INFO"},
            "loggers": {"grpc": {"level": "DEBUG"}},
        }
        logging.config.dictConfig(LOGGING)
        logging.config.dictConfig({"version": 1, "root": {"level": logging.INFO}})
    '''
    new = run(source).new
    assert new.count('"level": "WARNING"') == 2 and '"level": logging.WARNING' in new
    assert '"format": "INFO %(message)s"' in new and '"level": "DEBUG"' in new


@pytest.mark.parametrize("before, after", [
    ('os.getenv("LOG_LEVEL") or "INFO"', 'os.getenv("LOG_LEVEL") or "WARNING"'),
    ('os.environ.get("LOG_LEVEL", "info").upper()', 'os.environ.get("LOG_LEVEL", "warning").upper()'),
    ('getattr(logging, os.getenv("LOG_LEVEL", "Info").upper())', 'getattr(logging, os.getenv("LOG_LEVEL", "Warning").upper())'),
])
def test_environment_defaults(before, after):
    source = f"import logging\nimport os\n\nlogging.basicConfig(level={before})\n"
    assert run(source).new == source.replace(before, after)


@pytest.mark.parametrize("receiver", ["progress", "self.widget", "make_bar()", "bars[0]"])
@pytest.mark.parametrize("level", ["20", '"INFO"'])
def test_set_level_on_things_that_are_not_loggers_is_reported_not_changed(receiver, level):
    source = f"import logging\n\n\ndef f(self, progress, bars):\n    {receiver}.setLevel({level})\n"
    result = run(source)
    assert result.new == source
    [finding] = result.findings
    assert not finding.fixed and "not known to be a logger or handler" in finding.message


def test_set_level_on_resolved_loggers_and_handlers():
    source = '''
        import logging
        from logging.handlers import RotatingFileHandler

        log = logging.getLogger(__name__)
        root = logging.root
        handler = logging.StreamHandler()
        rotating = RotatingFileHandler("/var/log/app.log")


        class Service:
            def __init__(self):
                self.logger = logging.getLogger("service")

            def configure(self):
                self.logger.setLevel(20)
                for h in self.logger.handlers:
                    h.setLevel("INFO")


        def configure():
            log.setLevel(20)
            root.setLevel("INFO")
            handler.setLevel(logging.INFO)
            rotating.setLevel(level=20)
            logging.getLogger().setLevel(20)
            logging.getLogger("grpc").getChild("server").setLevel(20)
    '''
    result = run(source)
    assert "20" not in result.new and '"INFO"' not in result.new and "logging.INFO" not in result.new
    assert result.new.count("30") == 5 and result.new.count('"WARNING"') == 2
    assert all(f.fixed for f in result.findings) and len(result.findings) == 8


def test_a_bare_name_import_left_unused_is_removed():
    source = '''
        import logging
        from logging import INFO, WARNING, getLogger

        getLogger("a").setLevel(INFO)
    '''
    assert run(source).new == textwrap.dedent('''
        import logging
        from logging import WARNING, getLogger

        getLogger("a").setLevel(WARNING)
    ''')


def test_a_bare_name_still_used_elsewhere_keeps_its_import():
    source = '''
        from logging import INFO, WARNING, getLogger

        getLogger("a").setLevel(INFO)
        THRESHOLD = INFO
    '''
    new = run(source).new
    assert "from logging import INFO, WARNING, getLogger" in new and "setLevel(WARNING)" in new


def test_a_bare_name_whose_replacement_is_not_imported_is_imported():
    source = "from logging import INFO, basicConfig\nbasicConfig(level=INFO)\n"
    assert run(source).new == "from logging import WARNING, basicConfig\nbasicConfig(level=WARNING)\n"


def test_the_rewritten_module_configures_the_new_level(tmp_path):
    source = 'import logging as lg\nimport os\nlg.getLogger("svc").setLevel(os.getenv("NO_SUCH_VAR_X") or "INFO")\n'
    new = run(source).new
    exec(compile(new, "m.py", "exec"), {})
    assert logging.getLogger("svc").level == logging.WARNING


def test_files_without_logging_configuration_never_reach_libcst(monkeypatch):
    import libcst

    from fixer.core.rule import Source

    def refuse(*args, **kwargs):
        raise AssertionError("LibCST parsed a file the rule could reject with ast")

    monkeypatch.setattr(libcst, "parse_module", refuse)
    source = "import logging\nlogging.getLogger(__name__).info('setLevel is mentioned here')\nx.setLevel(10)\n"
    outcome = level_rule().check(Source("a.py", source))
    assert outcome.edits == [] and outcome.findings == []


def test_numbers_read_from_the_environment():
    source = 'import logging\nimport os\nlogging.basicConfig(level=int(os.getenv("LOG_LEVEL", 20)))\n'
    assert run(source).new == source.replace(", 20)", ", 30)")


def test_a_lazily_created_global_logger_and_a_deleted_name():
    source = '''
        import logging

        _logger = None


        def get_logger():
            global _logger
            if _logger is None:
                _logger = logging.getLogger("svc")
                _logger.setLevel(logging.INFO)
            return _logger


        def probe():
            foo = logging.getLogger("foo")
            foo.setLevel(logging.INFO)
            del foo
    '''
    new = run(source).new
    assert "logging.INFO" not in new and new.count("setLevel(logging.WARNING)") == 2
