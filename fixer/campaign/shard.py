"""`--shard K/N`: a stable share of the repositories. A repository's shard depends on its name only
(a hash, not its place in the list), so adding a repository never moves the others, and for any N
every repository falls in exactly one of the shards 1..N."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from fixer.core.rule import ConfigError


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as CI matrices count
    total: int

    def holds(self, name: str) -> bool:
        return shard_of(name, self.total) == self.index

    @property
    def label(self) -> str:
        return f"{self.index}/{self.total}"


def shard_of(name: str, total: int) -> int:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def parse_shard(text: str) -> Shard:
    index, _, total = text.partition("/")
    if not (index.isdigit() and total.isdigit()) or not 1 <= int(index) <= int(total):
        raise ConfigError(f"--shard {text}: expected K/N with 1 <= K <= N (e.g. 2/5)")
    return Shard(int(index), int(total))
