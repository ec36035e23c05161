"""Peak memory of a process and every process it starts (a pool's workers), sampled from /proc.

The proportional set size (PSS) is summed: pages a forked worker still shares with its parent count
once in all, not once per process, so the figure is what the run really takes from the machine.
"""
from __future__ import annotations

import os
import threading

INTERVAL = 0.1  # seconds between samples


class TreeSampler:
    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024

    def _run(self) -> None:
        while not self._done.wait(INTERVAL):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in descendants(self.pid)))


def descendants(root: int) -> list[int]:
    """`root` and every live process below it."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            parent = _parent(int(name))
            if parent is not None:
                parents.setdefault(parent, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # The command name may hold spaces and parentheses: the fields start after the last ')'.
            return int(stat.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
