"""fixer side by side with the tools users would pick instead, on the same trees, in one run.

    pip install -e '.[bench]'
    python bench/peers.py [--python-tree /usr/lib/python3.11] [--elixir-tree DIR] [--quick] [--only NAME ...]
    python bench/peers.py --only cache scale huge    # this round's rows: the result cache, 100,000 files, huge files

Never part of the test suite. Each line of the table is one tool on one tree (wall time, and the
peak RSS of the tool's main process); `ratio` compares it with fixer on the same tree, and `target`
says whether the goal for that line is met. Peers:

- LibCST's codemod CLI (`python -m libcst.tool codemod -j 2`) with bench/codemods/debug_writes.py,
  a codemod removing the same debug writes fixer's remove-debug-file-writes removes;
- `ast-grep scan` with an `IO.inspect` removal rule, against fixer's remove-debug-calls;
- `ruff check` as the native floor (it does less: no parse-then-rewrite of the targets).

fixer runs as the CLI (`python -m fixer check`), start-up included, with its default number of
processes (every core; a worker is started only for enough text to fix), except where a scenario
sets --jobs; the peers get `-j` as many cores (`--jobs`, 2 by default: the cores the targets are set
for). fixer's modules are compiled to bytecode first, as `pip install` does. To measure an older
checkout, put it first on PYTHONPATH with `--fixer-path DIR`.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import memory  # noqa: E402
import trees  # noqa: E402

PY_CONFIG = """[fixer]
max_file_size = {max_size}

[rules.remove-debug-file-writes]
paths = ["**/*.py"]
files = ["/tmp/*debug*.log"]
"""
EX_CONFIG = """[fixer]
max_file_size = {max_size}

[rules.remove-debug-calls]
paths = ["**/*.ex"]
calls = ["IO.inspect"]
"""
AST_GREP_RULE = """id: io-inspect
language: elixir
rule:
  pattern: IO.inspect($$$ARGS)
fix: ""
"""


@dataclass
class Row:
    scenario: str
    tool: str
    seconds: float
    rss_mb: float
    cpu: float = 0.0
    tree_mb: float = 0.0
    median: float = 0.0
    note: str = ""
    ratio: str = ""
    target: str = ""


class Bench:
    def __init__(self, args):
        self.args = args
        self.jobs = args.jobs
        self.rows: list[Row] = []
        self.scratch = Path(tempfile.mkdtemp(prefix="fixer-peers-"))

    # -- running tools ----------------------------------------------------------------------
    def timed(self, command: list[str], env: dict | None = None, sample: bool = False,
              prepare=None, repeat: int | None = None) -> tuple[float, ...]:
        """(best wall seconds of --repeat runs, peak RSS MB of the largest single process, CPU
        seconds of the best run (worker processes included), peak MB of the whole process tree
        (proportional set size summed over the tool and its workers, sampled), median wall seconds)."""
        best, rss, cpu, tree = float("inf"), 0.0, 0.0, 0.0
        walls = []
        for _ in range(repeat or self.args.repeat):
            if prepare:
                prepare()
            errors = tempfile.TemporaryFile()  # not a pipe: a chatty tool would fill it and hang
            started = time.perf_counter()
            # Never from inside the tree: `python -m` would import the tree's own modules.
            proc = subprocess.Popen(command, cwd=self.scratch, env=self.environment(env),
                                    stdout=subprocess.PIPE, stderr=errors)
            reader = threading.Thread(target=self._first_line, args=(proc, started), daemon=True)
            reader.start()
            # Sampling /proc costs CPU of its own: only where memory is what is measured.
            sampler = memory.TreeSampler(proc.pid) if sample else None
            _, status, usage = os.wait4(proc.pid, 0)
            reader.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - started
            walls.append(wall)
            if sampler:
                tree = max(tree, sampler.stop())
            if wall < best:
                best, cpu = wall, usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss / 1024)
            errors.seek(0)
            error = errors.read().decode("utf-8", "replace")
            errors.close()
            if proc.returncode not in (0, 1) or "Traceback" in error:
                raise SystemExit(f"{' '.join(command)} failed with {proc.returncode}:\n{error[-3000:]}")
        return best, rss, cpu, tree, statistics.median(walls)

    def _first_line(self, proc, started: float) -> None:
        """Note when the tool's first line of output came (None: it printed nothing), then drain it."""
        line = proc.stdout.readline()
        self.first_line_seconds = time.perf_counter() - started if line else None
        while proc.stdout.read(65536):
            pass

    @staticmethod
    def environment(extra: dict | None) -> dict:
        # Bytecode as an installed package has it (pip compiles on install): a run must not pay for
        # compiling fixer's modules because the shell sets PYTHONDONTWRITEBYTECODE.
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FIXER_JOBS")}
        return {key: value for key, value in {**env, **(extra or {})}.items() if value is not None}

    def warm_bytecode(self) -> None:
        """Compile fixer's modules once, as `pip install` would, so no measured run compiles them."""
        env = self.environment({"PYTHONPATH": self._fixer_path()})
        where = subprocess.run([sys.executable, "-c", "import fixer, fixer.rules; print(fixer.__path__[0]); "
                                "print(fixer.rules.__path__[0])"], env=env, cwd=self.scratch, check=True,
                               capture_output=True, text=True).stdout.split()
        subprocess.run([sys.executable, "-m", "compileall", "-q", *where], env=env, check=True,
                       stdout=subprocess.DEVNULL)

    def fixer(self, scenario: str, root: Path, jobs: int | None = None, note: str = "",
              rules: tuple[str, ...] = (), sample: bool = False, repeat: int | None = None,
              cache: bool = False, label: str = "", prepare=None) -> Row:
        # Without `jobs`, fixer runs as users run it: its default (every core, a worker only when
        # there is enough to fix). The peers get `-j` as many cores. Without `cache`, every run is
        # cold (--no-cache); the cache scenarios say which state of the cache they measure.
        env = {"FIXER_JOBS": str(jobs) if jobs else None, "PYTHONPATH": self._fixer_path()}
        options = [option for rule in rules for option in ("--rule", rule)] + ([] if cache else ["--no-cache"])
        measured = self.timed([sys.executable, "-m", "fixer", "check", "-C", str(root), *options], env, sample,
                              repeat=repeat, prepare=prepare)
        label = label or f"fixer ({f'jobs {jobs}' if jobs else 'default jobs'}{', ' + ', '.join(rules) if rules else ''})"
        return self.add(Row(scenario, label, *measured, note=note))

    def _fixer_path(self) -> str:
        parts = [self.args.fixer_path] if self.args.fixer_path else []
        return os.pathsep.join(parts + [os.environ.get("PYTHONPATH", "")]).strip(os.pathsep)

    def libcst(self, scenario: str, root: Path) -> Row:
        copy = root.with_name(root.name + "-libcst")
        command = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "debug_writes.RemoveDebugWrites",
                   "-j", str(self.jobs), "--no-format", "--hide-progress", str(copy)]

        def fresh_copy() -> None:  # the codemod rewrites the tree: every run starts from the original
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root, copy)

        measured = self.timed(command, {"PYTHONPATH": str(HERE / "codemods")}, prepare=fresh_copy)
        return self.add(Row(scenario, f"LibCST codemod CLI (-j {self.jobs})", *measured))

    def ruff(self, scenario: str, root: Path, select: str = "", cache: bool = False, repeat: int | None = None) -> Row:
        chosen = ["--select", select] if select else []
        caching = ["--cache-dir", str(self.scratch / "ruff-cache")] if cache else ["--no-cache"]
        command = [self.tool("ruff"), "check", *caching, *chosen, "--exit-zero", "--quiet", "--isolated", str(root)]
        if cache:
            self.timed(command, repeat=1)  # fills ruff's cache
        label = f"ruff check{' --select ' + select if select else ''}{', warm cache' if cache else ' --no-cache'}"
        return self.add(Row(scenario, label, *self.timed(command, repeat=repeat)))

    def ast_grep(self, scenario: str, root: Path, repeat: int | None = None) -> Row:
        rule = self.scratch / "io_inspect.yml"
        rule.write_text(AST_GREP_RULE)
        command = [self.tool("ast-grep"), "scan", "--rule", str(rule), "--json=compact", "-j", str(self.jobs), str(root)]
        return self.add(Row(scenario, f"ast-grep scan (-j {self.jobs})", *self.timed(command, repeat=repeat)))

    @staticmethod
    def tool(name: str) -> str:
        beside = Path(sys.executable).parent / name
        return str(beside) if beside.exists() else name

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row.scenario}: {row.tool}: {row.seconds:.2f} s ({row.cpu:.2f} s CPU), {row.rss_mb:.0f} MB"
              f" ({row.tree_mb:.0f} MB all processes)",
              file=sys.stderr, flush=True)
        return row

    def tree(self, name: str, config: str) -> Path:
        root = trees.fresh(self.scratch / name)
        (root / "fixer.toml").write_text(config.format(max_size=self.args.max_file_size))
        return root

    # -- scenarios --------------------------------------------------------------------------
    def python_peers(self, label: str, make, files: int) -> None:
        """≤1 % of files with a target, then every file with one: fixer vs LibCST CLI vs ruff."""
        sparse = max(1, files // 100)
        for scenario, dirty in ((f"{label}: {files} files, {sparse} with debug writes", sparse),
                                (f"{label}: {files} files, all with debug writes", files)):
            root = self.tree("py", PY_CONFIG)
            make(root, files, dirty)
            mine = self.fixer(scenario, root)
            ruff = self.ruff(scenario, root)
            peer = self.libcst(scenario, root)
            ratio = peer.seconds / mine.seconds
            goal = 2.0 if dirty == files else 20.0
            peer.ratio = f"fixer {ratio:.1f}x faster ({peer.cpu / mine.cpu:.1f}x in CPU)"
            peer.target = _verdict(ratio >= goal, f">= {goal:g}x faster")
            if dirty != files:
                floor = mine.seconds / ruff.seconds
                ruff.ratio = f"fixer takes {floor:.1f}x ruff's time ({mine.cpu / ruff.cpu:.1f}x in CPU)"
                ruff.target = _verdict(floor <= 10, "<= 10x ruff")

    def elixir_peers(self) -> None:
        """remove-debug-calls alone (the like-for-like comparison), then every default Elixir rule."""
        files = 200 if self.args.quick else 745
        root = self.tree("ex", EX_CONFIG)
        dirty = trees.elixir_tree(root, files)
        scenario = f"generated Elixir: {files} files, {dirty} with IO.inspect"
        mine = self.fixer(scenario, root, rules=("remove-debug-calls",))
        every = self.fixer(scenario, root, note="all default rules (add-impl, rename-used-underscored too)")
        peer = self.ast_grep(scenario, root)
        ratio = mine.seconds / peer.seconds
        peer.ratio = f"fixer takes {ratio:.2f}x ast-grep's time ({mine.cpu / peer.cpu:.2f}x in CPU)"
        peer.target = _verdict(ratio <= 1.0, "<= 1.0x ast-grep")
        every.ratio = f"{every.seconds / peer.seconds:.2f}x ast-grep's time"

    def real_elixir(self) -> None:
        """A real Elixir tree as it is (--elixir-tree): remove-debug-calls on .ex and .exs files
        against ast-grep, which reads both."""
        root = self.tree("rex", EX_CONFIG.replace('paths = ["**/*.ex"]', 'paths = ["**/*.ex", "**/*.exs"]'))
        files = trees.copy_elixir_tree(Path(self.args.elixir_tree), root)
        scenario = f"{self.args.elixir_tree}: {files} files"
        mine = self.fixer(scenario, root, rules=("remove-debug-calls",), repeat=max(3, self.args.repeat))
        peer = self.ast_grep(scenario, root, repeat=max(3, self.args.repeat))
        ratio = mine.seconds / peer.seconds
        peer.ratio = f"fixer takes {ratio:.2f}x ast-grep's time ({mine.cpu / peer.cpu:.2f}x in CPU)"
        peer.target = _verdict(ratio <= 1.0, "<= 1.0x ast-grep")

    def many_fixes(self) -> None:
        """One file with more and more fixes, in each language: the cost of a fix must not grow."""
        sizes = (500, 1000, 2000) if self.args.quick else (1000, 2000, 5000)
        for language, make, config, ext in (("Elixir", trees.elixir_many_fixes, EX_CONFIG, "ex"),
                                            ("Python", trees.python_many_fixes, PY_CONFIG, "py")):
            first = None
            for fixes in sizes:
                root = self.tree("many", config)
                make(root / "lib" / f"many.{ext}", fixes)
                row = self.fixer(f"one {language} file with {fixes} fixes", root, jobs=1)
                per_fix = row.cpu / fixes * 1000  # CPU time: steadier than wall time on a busy machine
                row.note = f"{per_fix:.2f} ms CPU a fix"
                first = first or per_fix
                if fixes != sizes[0]:
                    row.ratio = f"{per_fix / first:.2f}x the cost per fix of {sizes[0]}"
                    row.target = _verdict(per_fix / first <= 1.5, "linear (<= 1.5x)")

    def jobs_scaling(self) -> None:
        """--jobs 2 against --jobs 1, next to what two processes get on this machine at all.

        The two are run turn about, in rounds (jobs 1, jobs 2, then a pure-Python loop on 1 and on 2
        processes), at least 5 rounds: on a shared machine the speed of the cores drifts by a third
        within a minute, and runs of one setting in a row would measure the drift. The loop's ratio is
        this machine's ceiling at that moment (no start-up, no reading, no coordination)."""
        files = 500 if self.args.quick else 2000
        root = self.tree("jobs", PY_CONFIG + EX_CONFIG.split("\n", 2)[2])
        trees.python_tree(root, files // 2, files // 20)
        trees.elixir_tree(root, files // 2, share=0.1)
        scenario = f"{files} files (Python and Elixir, ~10 % to fix)"
        runs: dict[int, list[tuple[float, ...]]] = {1: [], 2: []}
        loop: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(max(5, self.args.repeat)):
            for jobs in (1, 2):
                env = {"FIXER_JOBS": str(jobs), "PYTHONPATH": self._fixer_path()}
                runs[jobs].append(self.timed([sys.executable, "-m", "fixer", "check", "-C", str(root)], env, repeat=1))
            for processes in (1, 2):
                loop[processes].append(_loop_on(processes))
        one, two = (self.add(Row(scenario, f"fixer (jobs {jobs})", *_best_of(runs[jobs]))) for jobs in (1, 2))
        # Each round's runs follow one another within seconds: the ratio within a round is the steady
        # measure, and the median of the rounds' ratios the figure.
        speedup = statistics.median(a[0] / b[0] for a, b in zip(runs[1], runs[2]))
        ceiling = statistics.median(a / b for a, b in zip(loop[1], loop[2]))
        two.ratio = (f"{speedup:.2f}x faster than jobs 1 (median of {len(runs[1])} rounds; best against best "
                     f"{one.seconds / two.seconds:.2f}x; CPU {two.cpu / one.cpu:.2f}x of jobs 1)")
        two.target = _verdict(speedup >= 1.7, ">= 1.7x")
        two.note = (f"this machine's ceiling for 2 processes, measured in the same rounds: {ceiling:.2f}x "
                    "(a pure-Python loop split over 2 processes)")

    def memory(self) -> None:
        files = 4000 if self.args.quick else 20000
        root = self.tree("mem", PY_CONFIG + EX_CONFIG.split("\n", 2)[2])
        trees.python_tree(root, files // 2, files // 200)
        trees.elixir_tree(root, files // 2, share=0.01)
        row = self.fixer(f"{files} files, ~1 % to fix", root, sample=True, repeat=1)  # memory: one run says it
        peak = max(row.rss_mb, row.tree_mb)
        row.target = _verdict(peak <= 300, "peak <= 300 MB, all processes")

    def huge(self) -> None:
        """One huge generated file per language (max_file_size raised): 5 MB against the targets, and
        the sizes of --huge-mb (50 by default) for the record."""
        sizes = [5] if self.args.quick else sorted({5, *self.args.huge_mb})
        goals = {"python": (10.0, 300.0), "elixir": (5.0, None)}
        for megabytes in sizes:
            for language, ext, config in (("elixir", "ex", EX_CONFIG), ("python", "py", PY_CONFIG)):
                root = self.tree("huge", config)
                trees.huge_file(root / "lib" / f"huge.{ext}", megabytes, language)
                row = self.fixer(f"one {megabytes} MB {language} file (max_file_size raised)", root, jobs=1,
                                 sample=True, repeat=1)  # minutes and gigabytes: run once
                peak = max(row.rss_mb, row.tree_mb)
                row.note = f"{peak / megabytes:.1f} MB of memory per MB of file"
                seconds, limit = goals[language]
                if megabytes == 5:
                    ok = row.seconds <= seconds and (limit is None or peak <= limit)
                    row.target = _verdict(ok, f"<= {seconds:g} s" + (f", <= {limit:g} MB" if limit else ""))

    def cache(self) -> None:
        """The result cache on a committed 20,000-file Python tree, 1 % of files with a debugger call
        and a debug print: cold (no cache) against `ruff check --no-cache --select T100,T201`, warm
        with nothing changed against ruff with its cache warm, and warm with 10 files edited."""
        files = 2000 if self.args.quick else 20000
        root = self.tree("cache", "")
        made = trees.python_tree(root, files, 0)
        trees.plant_debuggers(random.Random(3).sample(made, files // 100))
        trees.git_commit_all(root)
        scenario = f"{files} Python files in git, {files // 100} with breakpoint() and a debug print"
        rules = ("remove-debugger-calls", "remove-debug-prints")
        cold = self.fixer(scenario, root, rules=rules, label="fixer check, cold (--no-cache)")
        ruff_cold = self.ruff(scenario, root, "T100,T201")
        cold.ratio = f"{cold.seconds / ruff_cold.seconds:.2f}x ruff --no-cache"
        cold.target = _verdict(cold.seconds <= 1.5 * ruff_cold.seconds, "<= 1.5x ruff check --no-cache")
        first = self.fixer(scenario, root, rules=rules, cache=True, label="fixer check, first run (fills the cache)",
                           repeat=1)
        first.ratio = f"{first.seconds / cold.seconds:.2f}x the cold run"
        warm = self.fixer(scenario, root, rules=rules, cache=True, label="fixer check, warm, nothing changed",
                          repeat=max(3, self.args.repeat))
        ruff_warm = self.ruff(scenario, root, "T100,T201", cache=True, repeat=max(3, self.args.repeat))
        warm.ratio = f"{warm.seconds / ruff_warm.seconds:.2f}x ruff's warm run"
        warm.target = _verdict(warm.seconds <= ruff_warm.seconds, "<= ruff check, warm cache")
        edited = iter(range(10**6))
        picks = random.Random(4).sample(made, 10)
        changed = self.fixer(scenario, root, rules=rules, cache=True, label="fixer check, warm, 10 files edited",
                             repeat=max(3, self.args.repeat), prepare=lambda: trees.touch(picks, str(next(edited))))
        changed.ratio = f"{changed.seconds / warm.seconds:.2f}x the warm run with nothing changed"
        changed.target = _verdict(changed.seconds <= 2 * warm.seconds, "<= 2x no change")
        self.cold_20k = cold.seconds

    def scale(self) -> None:
        """A committed 100,000-file tree, half Python half Elixir, ~1 % with something to fix: cold,
        warm, the peak memory of all processes, and the time to the first line of output."""
        files = 10000 if self.args.quick else 100000
        # The same mix and rules at a fifth of the size first: the 100,000-file run's yardstick.
        small = self.mixed_tree("scale-small", files // 5)
        base = self.fixer(f"{files // 5} files in git (Python and Elixir, ~1 % to fix)", small,
                          label="fixer check, cold (--no-cache)", sample=True, repeat=1)
        root = self.mixed_tree("scale", files)
        scenario = f"{files} files in git (Python and Elixir, ~1 % to fix)"
        cold = self.fixer(scenario, root, label="fixer check, cold (--no-cache)", sample=True, repeat=1)
        cold.note = self.first_line_note()
        cold.target = _verdict(max(cold.rss_mb, cold.tree_mb) <= 500, "peak <= 500 MB")
        cold.ratio = f"{cold.seconds / base.seconds:.2f}x the {files // 5}-file cold run"
        cold.target += "; " + _verdict(cold.seconds <= 5 * base.seconds, f"<= 5x the {files // 5}-file time")
        if getattr(self, "cold_20k", None):
            cold.note += f"; {cold.seconds / self.cold_20k:.2f}x the Python-only 20,000-file cold run (two rules)"
        first = self.fixer(scenario, root, cache=True, label="fixer check, first run (fills the cache)", sample=True,
                           repeat=1)
        first.target = _verdict(max(first.rss_mb, first.tree_mb) <= 500, "peak <= 500 MB")
        first.note = self.first_line_note()
        warm = self.fixer(scenario, root, cache=True, label="fixer check, warm, nothing changed", sample=True,
                          repeat=max(2, self.args.repeat))
        warm.note = self.first_line_note()
        warm.target = _verdict(warm.seconds <= 5 and max(warm.rss_mb, warm.tree_mb) <= 500,
                               "<= 5 s, peak <= 500 MB")

    def mixed_tree(self, name: str, files: int) -> Path:
        """A committed tree, half Python half Elixir, ~1 % of files with something to fix, every
        default rule plus remove-debug-file-writes."""
        root = self.tree(name, PY_CONFIG + EX_CONFIG.split("\n", 2)[2])
        trees.python_tree(root, files // 2, files // 200)
        trees.elixir_tree(root, files // 2, share=0.01)
        trees.git_commit_all(root)
        return root

    def first_line_note(self) -> str:
        seconds = getattr(self, "first_line_seconds", None)
        return f"first line of output after {seconds:.2f} s (of the last run)" if seconds is not None else ""

    def real_python(self) -> None:
        source = Path(self.args.python_tree)
        limit = 100 if self.args.quick else self.args.limit
        self.python_peers(f"{source} (first {limit} modules)",
                          lambda root, files, dirty: trees.copy_python_tree(source, root, files, dirty), limit)

    def generated_python(self) -> None:
        files = 100 if self.args.quick else 400
        self.python_peers("generated Python", trees.python_tree, files)


SCENARIOS = {
    "python": Bench.generated_python,
    "real-python": Bench.real_python,
    "elixir": Bench.elixir_peers,
    "real-elixir": Bench.real_elixir,
    "many-fixes": Bench.many_fixes,
    "jobs": Bench.jobs_scaling,
    "memory": Bench.memory,
    "huge": Bench.huge,
    "cache": Bench.cache,
    "scale": Bench.scale,
}


LOOP = "import sys\ns = 0\nfor i in range(int(sys.argv[1])): s += i\n"
LOOP_UNITS = 40_000_000  # about as long as fixer's --jobs 1 run above, on this machine


def _loop_on(processes: int) -> float:
    """Wall seconds of a CPU-bound loop split over `processes` processes started side by side."""
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", LOOP, str(LOOP_UNITS // processes)]) for _ in range(processes)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - started


def _best_of(runs: list[tuple[float, ...]]) -> tuple[float, ...]:
    """timed()'s tuple for the best of several single runs, with their median wall time."""
    best = min(runs, key=lambda run: run[0])
    return (*best[:4], statistics.median(run[0] for run in runs))


def _verdict(ok: bool, goal: str) -> str:
    return f"met ({goal})" if ok else f"MISSED ({goal})"


def table(rows: list[Row]) -> str:
    head = ["work", "tool", "best s", "median s", "CPU s", "peak MB (largest process)", "peak MB (all processes)",
            "ratio", "target", "note"]
    body = [[r.scenario, r.tool, f"{r.seconds:.2f}", f"{r.median:.2f}", f"{r.cpu:.2f}", f"{r.rss_mb:.0f}",
             f"{r.tree_mb:.0f}" if r.tree_mb else "", r.ratio, r.target, r.note] for r in rows]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python "
            f"{platform.python_version()}, load average {load:.1f} at the end")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python-tree", default=None, help="a real Python tree, e.g. /usr/lib/python3.11")
    parser.add_argument("--elixir-tree", default=None,
                        help="a real Elixir tree, e.g. Elixir's own sources (`apt-get source elixir`) or Phoenix")
    parser.add_argument("--limit", type=int, default=400, help="modules taken from --python-tree")
    parser.add_argument("--jobs", type=int, default=2, help="processes for fixer and the peers")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (the best counts)")
    parser.add_argument("--quick", action="store_true", help="smaller trees (a smoke run, not the figures)")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), help="run only these scenarios")
    parser.add_argument("--fixer-path", default=None, help="measure the fixer package found in this folder")
    parser.add_argument("--max-file-size", type=int, default=64 * 1024 * 1024)
    parser.add_argument("--huge-mb", type=int, nargs="*", default=[50], help="sizes of the huge files besides 5 MB")
    args = parser.parse_args()
    bench = Bench(args)
    given = {"real-python": args.python_tree, "real-elixir": args.elixir_tree}
    chosen = args.only or [name for name in SCENARIOS if given.get(name, True)]
    for name in chosen:
        if name in given and not given[name]:
            parser.error(f"{name} needs --{name.replace('real-', '')}-tree")
    try:
        bench.warm_bytecode()
        for name in chosen:
            print(f"{name} …", file=sys.stderr, flush=True)
            SCENARIOS[name](bench)
    finally:
        shutil.rmtree(bench.scratch, ignore_errors=True)
    print(table(bench.rows))
    print(f"\nMachine: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
