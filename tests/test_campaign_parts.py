"""The campaign's pure parts: shards, the config overlay, the publish decision, the state file's
resume and merge rules, and the status summary."""
from __future__ import annotations

import sqlite3

import pytest

from fixer.campaign.forge_ops import PullInfo
from fixer.campaign.outcome import CLEAN, FAILED, OPENED, Outcome, Record
from fixer.campaign.repo_config import layered
from fixer.campaign.repo_job import LEAVE, PUBLISH, decide
from fixer.campaign.shard import parse_shard, shard_of
from fixer.campaign.state import CampaignState, read_records
from fixer.campaign.status import as_markdown, summary
from fixer.core.rule import ConfigError

from conftest import init_repo

NAMES = [f"org{i % 7}/service-{i}" for i in range(300)]


@pytest.mark.parametrize("total", [1, 2, 3, 5, 50])
def test_every_repository_falls_in_exactly_one_shard(total):
    shards = [parse_shard(f"{k}/{total}") for k in range(1, total + 1)]
    for name in NAMES:
        assert sum(shard.holds(name) for shard in shards) == 1
    if total > 1:
        sizes = [sum(shard.holds(n) for n in NAMES) for shard in shards]
        assert min(sizes) > 0


def test_a_repositorys_shard_depends_on_its_name_only():
    assert [shard_of(n, 5) for n in NAMES] == [shard_of(n, 5) for n in reversed(NAMES)][::-1]
    assert shard_of("acme/billing", 4) == shard_of("acme/billing", 4)
    assert len({shard_of(n, 4) for n in NAMES}) == 4


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0", ""])
def test_a_bad_shard_is_refused(text):
    with pytest.raises(ConfigError, match="expected K/N"):
        parse_shard(text)


def test_the_campaign_keys_win_one_key_at_a_time():
    own_general = {"exclude": ["vendor/**"], "branch": "mine"}
    own_rules = {"set-log-level": {"from": "DEBUG", "to": "INFO"}, "remove-debug-prints": {"enabled": False}}
    overlay = {"fixer": {"branch": "campaign"}, "rules": {"set-log-level": {"to": "WARNING"}}}
    assert layered(own_general, own_rules, overlay) == {
        "fixer": {"exclude": ["vendor/**"], "branch": "campaign"},
        "rules": {"set-log-level": {"from": "DEBUG", "to": "WARNING"}, "remove-debug-prints": {"enabled": False}},
    }
    assert own_rules["set-log-level"] == {"from": "DEBUG", "to": "INFO"}  # the inputs are not changed


def pull(state):
    return PullInfo(3, "https://forge/pr/3", state, "abc")


@pytest.mark.parametrize("branch, latest, expected", [
    ("created", None, PUBLISH),
    ("unchanged", None, PUBLISH),  # pushed before a kill, PR never opened
    ("unchanged", pull("open"), LEAVE),
    ("unchanged", pull("draft"), LEAVE),
    ("updated", pull("open"), PUBLISH),
    ("created", pull("merged"), PUBLISH),  # new fixes after the last PR was merged
    ("updated", pull("closed"), LEAVE),  # withdrawn by a person or `campaign close`
    ("unchanged", pull("closed"), LEAVE),
])
def test_publish_unless_the_forge_already_shows_it_or_it_was_withdrawn(branch, latest, expected):
    assert decide(branch, latest) == expected


def test_an_unfinished_run_is_resumed_and_a_finished_one_starts_anew(tmp_path):
    path = tmp_path / "s.sqlite"
    with CampaignState(path) as state:
        run_id, resumed = state.begin_run()
        assert not resumed
        for name in ("a/x", "a/y"):
            state.start(name, f"/{name}", run_id)
        state.record(Outcome("a/x", "/a/x", CLEAN), run_id)
    with CampaignState(path) as state:  # the process died here: a/y was started, never recorded
        assert state.begin_run() == (run_id, True)
        assert state.finished_in(run_id) == {"a/x"}
        state.record(Outcome("a/y", "/a/y", OPENED, 2, 1, "b", "f00", 7, "https://forge/pr/7", "open"), run_id)
        state.finish_run(run_id)
        new_id, resumed = state.begin_run()
        assert (new_id, resumed) == (run_id + 1, False)
        assert state.finished_in(new_id) == set()


def test_a_failure_keeps_what_is_known_about_the_pr(tmp_path):
    with CampaignState(tmp_path / "s.sqlite") as state:
        run_id, _ = state.begin_run()
        state.start("a/y", "/a/y", run_id)
        state.record(Outcome("a/y", "/a/y", OPENED, 2, 1, "b", "f00", 7, "https://forge/pr/7", "open"), run_id)
        state.record(Outcome("a/y", "/a/y", FAILED, error="cannot reach"), run_id)
        (record,) = state.records()
    assert (record.pr_number, record.pr_url, record.error, record.kind) == (7, "https://forge/pr/7", "cannot reach",
                                                                            "failed")


def test_a_state_file_belongs_to_one_campaign_and_shard(tmp_path):
    with CampaignState(tmp_path / "s.sqlite") as state:
        state.claim("leftovers", "1/2")
        state.claim("leftovers", "1/2")
        with pytest.raises(ConfigError, match="holds the state of shard '1/2', not '2/2'"):
            state.claim("leftovers", "2/2")


def test_a_file_that_is_not_a_state_file_is_one_clear_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("hello, not a database\n" * 100)
    with pytest.raises(ConfigError, match="not a campaign state file"):
        CampaignState(path)


def test_merging_shards_keeps_each_repositorys_newest_record(tmp_path):
    paths = [tmp_path / "one.sqlite", tmp_path / "two.sqlite"]
    for path, (action, stamp) in zip(paths, [(CLEAN, "2026-01-01"), (FAILED, "2026-02-01")]):
        with CampaignState(path) as state:
            run_id, _ = state.begin_run()
            state.start("a/x", "/a/x", run_id)
            state.record(Outcome("a/x", "/a/x", action, error="boom" if action == FAILED else None), run_id)
            state.start(f"a/{path.stem}", "/u", run_id)
            state.record(Outcome(f"a/{path.stem}", "/u", CLEAN), run_id)
        with sqlite3.connect(path) as db:
            db.execute("UPDATE repos SET updated = ? WHERE name = 'a/x'", (stamp,))
    merged = read_records(paths, "leftovers")
    assert [(r.name, r.kind) for r in merged] == [("a/one", "clean"), ("a/two", "clean"), ("a/x", "failed")]
    with pytest.raises(ConfigError, match="no such state file"):
        read_records([tmp_path / "missing.sqlite"], "leftovers")
    with CampaignState(paths[0]) as state:
        state.claim("leftovers", "1/2")
    with pytest.raises(ConfigError, match="holds the state of campaign 'leftovers', not 'other'"):
        read_records(paths, "other")


def test_summary_and_markdown():
    records = [Record("a/m", "/", "unchanged", 2, 1, "b", None, 1, "https://f/1", "merged"),
               Record("a/o", "/", "opened", 1, 1, "b", None, 2, "https://f/2", "open"),
               Record("a/f", "/", FAILED, error="no | access"),
               Record("a/c", "/", CLEAN), Record("a/c2", "/", CLEAN), Record("a/p", "/", "pending")]
    assert summary(records) == "1 merged, 1 open, 1 failed, 2 clean, 1 pending"
    text = as_markdown(records, "leftovers")
    assert "| a/m | 2 | b | [#1](https://f/1) | merged |  |  |" in text
    assert "| a/f | 0 |  |  | failed |  | no \\| access |" in text
    assert summary([]) == "no repositories"


def test_a_repository_config_past_the_size_limit_is_refused_unread(tmp_path):
    from fixer.campaign.repo_config import own_tables
    from fixer.core.config import MAX_CONFIG_BYTES
    from fixer.core.rule import ConfigError
    from fixer.core.sources import CommitTree

    huge = "[fixer]\n" + "# padding\n" * (MAX_CONFIG_BYTES // 10 + 1)
    repo = init_repo(tmp_path / "r", {"fixer.toml": huge, "a.py": "x = 1\n"})
    tree = CommitTree(repo, repo.head.commit)
    with pytest.raises(ConfigError, match=r"^fixer.toml: larger than 1024 KiB"):
        own_tables(tree)
    fine = init_repo(tmp_path / "s", {"fixer.toml": '[fixer]\nselect = ["add-impl"]\n', "a.py": "x = 1\n"})
    assert own_tables(CommitTree(fine, fine.head.commit)) == ({"select": ["add-impl"]}, {}, "fixer.toml")


def test_a_campaign_file_past_the_size_limit_is_refused(tmp_path):
    from fixer.campaign.spec import load_campaign
    from fixer.core.config import MAX_CONFIG_BYTES
    from fixer.core.rule import ConfigError

    path = tmp_path / "c.toml"
    path.write_text("[campaign]\n" + "#" * MAX_CONFIG_BYTES)
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_campaign(path)
    with pytest.raises(ConfigError, match="campaign file not found"):
        load_campaign(tmp_path / "missing.toml")
