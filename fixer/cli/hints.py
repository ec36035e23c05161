"""Hints for rules that are off, or on in a narrower mode, but would act on the files just checked:
one line per rule, with a count and the config line that turns it on. The rule itself decides (it
is run as it would be, on the same files); nothing here guesses from names or patterns."""
from __future__ import annotations

from fixer.ui.wording import plural


def hints(source, ws, rules, files: list[str], result, cache=None) -> list[str]:
    """`result` is the run of `rules` on `files`; --rule and `select` are a choice made: no hints.
    `cache`: the result cache (the trial rule set has entries of its own: a warm run reads no file)."""
    if ws.only or ws.config.select is not None:
        return []
    trials = _trials(ws.config, {rule.id: rule for rule in rules})
    if not trials:
        return []
    from fixer.core.runner import run

    wanted = [path for path in files if any(rule.applies_to(path) for rule, _ in trials)]
    if not wanted:
        return []
    tried = run(source, ws.config, [rule for rule, _ in trials], only=wanted, cache=cache, texts=False)
    said, silent = [], []
    for rule, running in trials:
        fixes, review, places = _acts(tried, rule.id)
        if running is not None:  # the wider mode: only what the running rule does not do already
            done, reported, done_places = _acts(result, rule.id)
            fixes, review, places = fixes - done, review - reported, places - done_places
        if fixes > 0 or review > 0:
            said.append(_hint(rule, running, _what(fixes, review, len(places), more=running is not None)))
        elif running is None and _widens(type(rule), rule.options):
            silent.append(type(rule)(**{**ws.config.options_for(type(rule)), **type(rule).wider_options}))
    # The trial run's outcomes (one a file) are counted: not held while the wider run reads every file again.
    del tried
    if silent:  # an off rule that would act in its wider mode (set-log-level on a standing DEBUG level)
        wider = run(source, ws.config, silent, only=wanted, cache=cache, texts=False)
        for rule in silent:
            fixes, review, places = _acts(wider, rule.id)
            if fixes > 0 or review > 0:
                said.append(_hint_wider_off(rule, _what(fixes, review, len(places), more=False)))
    return said


def _widens(cls, options: dict) -> bool:
    return bool(cls.wider_options) and any(options.get(k) != v for k, v in cls.wider_options.items())


def _trials(config, running: dict) -> list[tuple[object, object]]:
    """(rule to try, the running rule it widens or None) for each rule worth a hint."""
    from fixer.core.rule import all_rules

    trials = []
    for rule_id, cls in all_rules().items():
        options = config.options_for(cls)
        if rule_id in running:
            current = running[rule_id]
            if _widens(cls, current.options):
                trials.append((cls(**{**options, **cls.wider_options}), current))
        elif options.get("enabled", True) is not False:  # `enabled = false` is a choice made: no hint
            trials.append((cls(**options), None))
    return trials


def _acts(run, rule_id: str) -> tuple[int, int, set[str]]:
    """(fixes, findings for review, files) of one rule in a run."""
    found = [f for o in run.outcomes for f in o.result.findings if f.rule == rule_id and (o.result.changed or not f.fixed)]
    fixes = sum(1 for f in found if f.fixed)
    return fixes, len(found) - fixes, {f.path for f in found}


def _what(fixes: int, review: int, files: int, more: bool) -> str:
    """"2 fixes and 1 finding to review in 2 files" (with "more" for a wider mode)."""
    extra = "more " if more else ""
    parts = []
    if fixes:
        parts.append(f"make {plural(fixes, extra + 'fix')}")
    if review:
        parts.append(f"flag {plural(review, extra + 'place')} for review")
    return f"{' and '.join(parts)} in {plural(files, 'file')}"


def _hint(rule, running, what: str) -> str:
    if running is None:
        return (f"{rule.id} is off; it would {what}. Turn it on with "
                f'extend-select = ["{rule.id}"] (see `fixer rules {rule.id}`)')
    setting = ", ".join(f"{key} = {_toml(value)}" for key, value in rule.wider_options.items())
    return (f"{rule.id} with {setting} would {what} ({rule.wider_what}): "
            f"set {setting} in [rules.{rule.id}]")


def _hint_wider_off(rule, what: str) -> str:
    setting = ", ".join(f"{key} = {_toml(value)}" for key, value in rule.wider_options.items())
    return (f"{rule.id} is off; with {setting} it would {what} ({rule.wider_what}). Turn it on with "
            f'extend-select = ["{rule.id}"] and set {setting} in [rules.{rule.id}]')


def _toml(value) -> str:
    import json

    return json.dumps(value)
