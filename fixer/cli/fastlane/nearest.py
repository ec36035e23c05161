"""A run that differs from a recorded one only in a few files' contents: served when those files
cannot change what the run prints (`unseen`, with the argument)."""
from __future__ import annotations

from fixer.cli.fastlane.aside import StepAside
from fixer.cli.fastlane.index import CONFIG_NAMES
from fixer.core.stamp import blob_id
from fixer.git import command

def unseen(lane, differing: list[str], old: dict[str, str], new: dict[str, str], kept: dict[str, bytes]) -> None:
    """Step aside unless the run's output cannot depend on how the `differing` files changed since the
    recorded run (`old` and `new`: path -> "blob-id mode" then and now; `kept`: the bytes of the
    recorded run's files that git could not vouch for; `lane`: the run's fixer.cli.fastlane.lane.Lane).

    Why this is sound. Everything but the listed files' contents is the same as in the recorded run
    (the partial key). A file's content reaches the output only through what reading it gives
    (fixer.core.runner.Scan and fixer.core.gathering): whether it decodes (within the size limit), for
    each rule whether its anchor wants the file (then the engine fixes it and its findings are
    printed), and for each rule that gathers facts from other files, the facts it takes from this
    one (other files' verdicts read them; a lazily gathered rule keeps the text itself). The rules are
    pure functions of a file's path and text, and read no file themselves. So when, for each
    differing file, the old content (git's blob, as stored) and the new one both decode, no rule
    wants either, and every rule takes the same facts from both (its `gather` facts, and its
    `gather_later` ones, which a run reads only when its facts call for them; and no lazy rule takes
    any), then
    every file's verdict, the gathered facts and so every line printed are those of the recorded run.

    The rules looked at are those the run checks, and, when the run prints hints (text output, no
    -q, no --rule, no `select`), every other rule with its options from the config and in its wider
    mode (fixer.cli.hints runs them on the same files). A file's mode must not change either (the run
    does not print it, but nothing is assumed)."""
    from fixer.core.cache import stable
    from fixer.core.config import load
    from fixer.core.gathering import Gathering
    from fixer.core.rule import all_rules
    from fixer.core.textio import InputError, decode

    for path in differing:
        if old[path].split(" ")[1] != new[path].split(" ")[1] or path.rpartition("/")[2] in CONFIG_NAMES:
            raise StepAside(f"{path}: its mode changed, or it may be a config")
    named = lane.values.get("config")
    config = load(lane.root.resolve(), lane.start / named if named is not None else None, lane.start)
    rules = config.rules(lane.values["rule"] or None)
    if lane.values["format"] == "text" and not lane.values["quiet"] and not lane.values["rule"] \
            and config.select is None:
        for cls in all_rules().values():
            options = config.options_for(cls)
            rules.append(cls(**options))
            if cls.wider_options:
                rules.append(cls(**{**options, **cls.wider_options}))
    # Each side's bytes: read (or kept with the record) when git could not vouch for the file, else
    # git's blob; each is checked against its key.
    stored = iter(_blobs([key.split(" ")[0] for keys, have in ((old, kept), (new, lane.read))
                          for path, key in ((p, keys[p]) for p in differing) if path not in have], lane))
    sides = [[have[path] if path in have else next(stored) for path in differing] for have in (kept, lane.read)]
    for keys, side in zip((old, new), sides):
        if any(blob_id(data) != keys[path].split(" ")[0] for path, data in zip(differing, side)):
            raise StepAside("a file is not what its key says")
    gatherings = [Gathering(config, [rule]) for rule in rules if rule.context_anchor]
    for path, before, after in zip(differing, *sides):
        try:
            texts = [decode(data, config.max_file_size).text for data in (before, after)]
        except InputError as why:
            raise StepAside(f"{path}: {why}") from None
        for rule in rules:
            if any(rule.wants(path, text) for text in texts):
                raise StepAside(f"{path}: {rule.id} wants it")
            if rule.later_context and stable(rule.gather_later(path, texts[0])) != \
                    stable(rule.gather_later(path, texts[1])):
                raise StepAside(f"{path}: its later facts for {rule.id} changed")
        for gathering in gatherings:
            facts = [gathering.facts_of(path, text) for text in texts]
            if any(rule.lazy_context and rule.id in found for rule in gathering.rules for found in facts):
                raise StepAside(f"{path}: a lazily gathered rule reads its text")
            if stable(facts[0]) != stable(facts[1]):
                raise StepAside(f"{path}: its facts for {gathering.rules[0].id} changed")


def _blobs(ids: list[str], lane) -> list[bytes]:
    """The blobs as git stores them (`git cat-file --batch`: no filter, no textconv)."""
    proc = command.start_plain(["cat-file", "--batch"], lane.root, command.BASE_SETTINGS, stdin=True)
    out = proc.communicate("".join(f"{oid}\n" for oid in ids).encode())[0]
    blobs, at = [], 0
    for oid in ids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3 or header[0].decode() != oid or header[1] != b"blob":
            raise StepAside(f"blob {oid} is not in the repository")
        size = int(header[2])
        blobs.append(out[end + 1:end + 1 + size])
        at = end + 2 + size
    return blobs
