"""A checklist item is not ticked while part of its work sits where its rule cannot follow: levels
set from a lookup or an option the rule cannot read, levels in a logging config file, debug-log
writes in scripts that are not `.py` files. Those are named as needs review, never "fixed" or "not
found"."""
from __future__ import annotations

import json

from conftest import init_repo, run_cli

LEVEL_ITEM = "# Release 4.1\n\n- [ ] Lower the logging level from INFO to WARNING\n"
WRITES_ITEM = "# Release 4.1\n\n- [ ] Remove all `/tmp/ingest_debug.log` writes\n"
SETTINGS = "import logging\n\nlogging.basicConfig(level=logging.INFO)\n"


def item_of(tmp_path, files: dict[str, str], checklist: str) -> dict:
    repo = init_repo(tmp_path / "svc", {**files, "docs/CHECKLIST.md": checklist})
    result = run_cli("checklist", "docs/CHECKLIST.md", "--format", "json", cwd=repo.working_tree_dir)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["items"][0]


def left_for_review(item: dict) -> list[str]:
    return [f"{f['path']}:{f['line']}" for f in item["findings"] if f["state"] == "needs review"]


def test_an_unfollowable_level_beside_a_fixed_one_is_needs_review(tmp_path):
    worker = "import logging\n\n\ndef setup(args):\n    logging.getLogger('w').setLevel(args.log_level)\n"
    item = item_of(tmp_path, {"app/settings.py": SETTINGS, "app/worker.py": worker}, LEVEL_ITEM)
    assert (item["status"], item["ticked"], item["fixes"]) == ("needs review", False, 1)
    assert left_for_review(item) == ["app/worker.py:5"]
    assert "cannot tell the level" in json.dumps(item)


def test_only_unfollowable_levels_is_needs_review_not_not_found(tmp_path):
    worker = 'import logging\nimport os\n\nlogging.basicConfig(level=max(logging.INFO, int(os.environ["MIN"])))\n'
    item = item_of(tmp_path, {"app/worker.py": worker}, LEVEL_ITEM)
    assert (item["status"], item["ticked"]) == ("needs review", False)


def test_a_file_config_and_its_ini_file_are_needs_review(tmp_path):
    logs = 'import logging.config\n\nlogging.config.fileConfig("logging.ini")\n'
    ini = "[loggers]\nkeys=root\n\n[logger_root]\nlevel=INFO\nhandlers=console\n"
    item = item_of(tmp_path, {"app/settings.py": SETTINGS, "app/logs.py": logs, "logging.ini": ini}, LEVEL_ITEM)
    assert (item["status"], item["ticked"], item["fixes"]) == ("needs review", False, 1)
    assert left_for_review(item) == ["app/logs.py:3", "logging.ini:5"]


def test_a_level_in_a_config_file_alone_is_needs_review(tmp_path):
    ini = "[logger_root]\nlevel = INFO\n"
    item = item_of(tmp_path, {"app/settings.py": SETTINGS, "deploy/logging.conf": ini}, LEVEL_ITEM)
    assert (item["status"], item["ticked"]) == ("needs review", False)
    assert left_for_review(item) == ["deploy/logging.conf:2"]


def test_writes_in_non_python_scripts_are_needs_review(tmp_path):
    py = "def load(rows):\n    with open('/tmp/ingest_debug.log', 'a') as f:\n        f.write(str(rows))\n    return rows\n"
    script = "#!/usr/bin/env python3\nopen('/tmp/ingest_debug.log', 'a').write('start')\n"
    shell = "#!/bin/sh\necho start >> /tmp/ingest_debug.log\n"
    files = {"app/load.py": py, "bin/ingest": script, "deploy/run.sh": shell}
    item = item_of(tmp_path, files, WRITES_ITEM)
    assert (item["status"], item["ticked"], item["fixes"]) == ("needs review", False, 1)
    assert left_for_review(item) == ["bin/ingest:2", "deploy/run.sh:2"]


def test_a_fully_fixed_level_item_is_still_ticked(tmp_path):
    item = item_of(tmp_path, {"app/settings.py": SETTINGS, "README.md": "Logs at INFO level by default.\n"}, LEVEL_ITEM)
    assert (item["status"], item["ticked"], item["fixes"]) == ("fixed", True, 1)


def test_test_runner_and_unrelated_config_levels_are_not_logging_config(tmp_path):
    files = {
        "app/settings.py": SETTINGS,
        "pytest.ini": "[pytest]\nlog_level = INFO\n",
        "pyproject.toml": '[project]\nname = "svc"\n\n[tool.pytest.ini_options]\nlog_level = "INFO"\n',
        "lint.json": '{"rules": {"no-console": {"level": "info"}}}\n',
    }
    item = item_of(tmp_path, files, LEVEL_ITEM)
    assert (item["status"], item["ticked"], item["fixes"]) == ("fixed", True, 1)
