"""Source trees for the benchmarks: generated Python and Elixir services, copies of a real tree, and
debug code planted into them. Everything is written under a directory the caller owns."""
from __future__ import annotations

import ast
import random
import shutil
from pathlib import Path

DEBUG_LOG = "/tmp/bench_worker_debug.log"

PY_MODULE = '''"""Orders service, part {n}: validation, pricing and persistence."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

logger = logging.getLogger(__name__)
TAX_RATES = {{"de": Decimal("0.19"), "fr": Decimal("0.20"), "us": Decimal("0.07")}}


class OrderError(Exception):
    """Raised when an order cannot be accepted."""


@dataclass
class Line{n}:
    sku: str
    quantity: int
    unit_price: Decimal
    tags: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class Order{n}:
    id: int
    country: str
    lines: list[Line{n}] = field(default_factory=list)

    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    def tax(self) -> Decimal:
        rate = TAX_RATES.get(self.country, Decimal(0))
        return (self.subtotal() * rate).quantize(Decimal("0.01"))


def validate_{n}(order: Order{n}) -> list[str]:
    problems = []
    if not order.lines:
        problems.append("no lines")
    for index, line in enumerate(order.lines):
        if line.quantity <= 0:
            problems.append(f"line {{index}}: quantity must be positive")
        if line.unit_price < 0:
            problems.append(f"line {{index}}: negative price")
    return problems


def price_{n}(orders: Iterable[Order{n}]) -> dict[int, Decimal]:
    totals = {{}}
    for order in orders:
        problems = validate_{n}(order)
        if problems:
            logger.warning("order %s rejected: %s", order.id, "; ".join(problems))
            continue
        totals[order.id] = order.subtotal() + order.tax()
    return totals


class Repository{n}:
    def __init__(self, connection, table: str = "orders_{n}"):
        self.connection = connection
        self.table = table
        self._cache: dict[int, Order{n}] = {{}}

    def get(self, order_id: int) -> Order{n} | None:
        if order_id in self._cache:
            return self._cache[order_id]
        row = self.connection.fetch_one(f"SELECT * FROM {{self.table}} WHERE id = ?", (order_id,))
        if row is None:
            return None
        order = Order{n}(row["id"], row["country"])
        self._cache[order_id] = order
        return order

    def save(self, order: Order{n}) -> None:
        try:
            self.connection.execute(
                f"INSERT INTO {{self.table}} (id, country) VALUES (?, ?)", (order.id, order.country)
            )
        except Exception as exc:
            raise OrderError(f"cannot save order {{order.id}}") from exc
        self._cache[order.id] = order


async def process_batch_{n}(queue: asyncio.Queue, repository: Repository{n}) -> int:
    done = 0
    while not queue.empty():
        order = await queue.get()
        try:
            repository.save(order)
            done += 1
        finally:
            queue.task_done()
    return done
'''

EX_MODULES = [
    '''defmodule Shop.Orders{n} do
  @moduledoc """
  Orders context {n}: listing, creating and pricing orders.
  """
  import Ecto.Query, warn: false
  alias Shop.Repo
  alias Shop.Orders{n}.{{Order, Line}}

  @default_limit 50

  def list_orders(opts \\\\ []) do
    limit = Keyword.get(opts, :limit, @default_limit)

    Order
    |> where([o], o.state != :archived)
    |> order_by([o], desc: o.inserted_at)
    |> limit(^limit)
    |> Repo.all()
  end

  def get_order!(id), do: Repo.get!(Order, id) |> Repo.preload(:lines)

  def create_order(attrs \\\\ %{{}}) do
    %Order{{}}
    |> Order.changeset(attrs)
    |> Repo.insert()
  end

  def total(%Order{{lines: lines}}) do
    lines
    |> Enum.map(fn %Line{{quantity: q, unit_price: p}} -> Decimal.mult(p, q) end)
    |> Enum.reduce(Decimal.new(0), &Decimal.add/2)
  end

  def summarize(orders) when is_list(orders) do
    for order <- orders, order.state in [:paid, :shipped], into: %{{}} do
      {{order.id, total(order)}}
    end
  end
end
''',
    '''defmodule Shop.Worker{n} do
  use GenServer
  require Logger

  @interval :timer.seconds(30)

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    state = %{{interval: Keyword.get(opts, :interval, @interval), jobs: :queue.new(), done: 0}}
    schedule(state.interval)
    {{:ok, state}}
  end

  @impl true
  def handle_call({{:enqueue, job}}, _from, state) do
    {{:reply, :ok, %{{state | jobs: :queue.in(job, state.jobs)}}}}
  end

  def handle_call(:stats, _from, state), do: {{:reply, Map.take(state, [:done]), state}}

  @impl true
  def handle_info(:tick, state) do
    state =
      case :queue.out(state.jobs) do
        {{{{:value, job}}, rest}} ->
          run(job)
          %{{state | jobs: rest, done: state.done + 1}}

        {{:empty, _}} ->
          state
      end

    schedule(state.interval)
    {{:noreply, state}}
  end

  defp run(%{{module: module, args: args}}) do
    Logger.debug("running #{{inspect(module)}}")
    apply(module, :perform, args)
  rescue
    error -> Logger.error(Exception.format(:error, error, __STACKTRACE__))
  end

  defp schedule(interval), do: Process.send_after(self(), :tick, interval)
end
''',
    '''defmodule ShopWeb.OrderController{n} do
  use ShopWeb, :controller

  alias Shop.Orders{n}

  action_fallback ShopWeb.FallbackController

  def index(conn, params) do
    orders = Orders{n}.list_orders(limit: Map.get(params, "limit", 20))
    render(conn, :index, orders: orders)
  end

  def create(conn, %{{"order" => order_params}}) do
    with {{:ok, order}} <- Orders{n}.create_order(order_params) do
      conn
      |> put_status(:created)
      |> put_resp_header("location", ~p"/api/orders/#{{order}}")
      |> render(:show, order: order)
    end
  end

  def show(conn, %{{"id" => id}}) do
    order = Orders{n}.get_order!(id)
    render(conn, :show, order: order, total: Orders{n}.total(order))
  end
end
''',
]
EX_DEBUG = [
    ("    |> Repo.all()\n", "    |> IO.inspect(label: \"query\")\n    |> Repo.all()\n"),
    ("    schedule(state.interval)\n    {:ok, state}\n", "    IO.inspect(state, label: \"init\")\n    schedule(state.interval)\n    {:ok, state}\n"),
    ("    render(conn, :index, orders: orders)\n", "    IO.inspect(orders)\n    render(conn, :index, orders: orders)\n"),
]
# A second leftover per kind of module, for the files that have two.
EX_DEBUG_SECOND = [
    ("    |> Repo.insert()\n", "    |> IO.inspect(label: \"insert\")\n    |> Repo.insert()\n"),
    ("    schedule(state.interval)\n    {:noreply, state}\n",
     "    IO.inspect(state.done, label: \"done\")\n    schedule(state.interval)\n    {:noreply, state}\n"),
    ("    order = Orders{n}.get_order!(id)\n", "    order = Orders{n}.get_order!(id) |> IO.inspect()\n"),
]
# Documented helpers appended to the generated modules (6 on average, up to 60), so that file sizes vary
# the way real ones do (a few hundred bytes to tens of KB, ~4 KB on average) and the docs, specs and
# pattern-matching clauses that make up most of real Elixir sources are there to be parsed.
EX_HELPERS = [
    """
  @doc \"\"\"
  Normalizes the {k}th batch of `entries`: drops blanks, trims keys and
  groups what is left by owner. Returns `{{:ok, groups}}` or `{{:error, reason}}`.

  ## Examples

      iex> normalize_{k}([%{{owner: "a", key: " x "}}])
      {{:ok, %{{"a" => ["x"]}}}}
  \"\"\"
  @spec normalize_{k}([map()]) :: {{:ok, map()}} | {{:error, term()}}
  def normalize_{k}(entries) when is_list(entries) do
    entries
    |> Enum.reject(&blank?/1)
    |> Enum.group_by(& &1.owner, &String.trim(&1.key))
    |> then(&{{:ok, &1}})
  end

  def normalize_{k}(_other), do: {{:error, :not_a_list}}
""",
    """
  @doc "Fetches setting {k} from the application environment, with a default."
  @spec setting_{k}(atom(), term()) :: term()
  def setting_{k}(key, default \\\\ nil) do
    :shop
    |> Application.get_env(__MODULE__, [])
    |> Keyword.get(key, default)
  end
""",
    """
  defp retry_{k}(fun, attempts, _delay) when attempts <= 0, do: fun.()

  defp retry_{k}(fun, attempts, delay) do
    case fun.() do
      {{:ok, _}} = ok ->
        ok

      {{:error, reason}} ->
        Logger.warning("attempt failed: #{{inspect(reason)}}, #{{attempts}} left")
        Process.sleep(delay)
        retry_{k}(fun, attempts - 1, delay * 2)
    end
  end
""",
    """
  @doc \"\"\"
  Builds the report row for entry {k}. Amounts are summed per currency;
  entries without a currency are counted under `:unknown`.
  \"\"\"
  def report_row_{k}(%{{id: id, amounts: amounts}} = entry) do
    totals =
      Enum.reduce(amounts, %{{}}, fn %{{currency: currency, value: value}}, acc ->
        Map.update(acc, currency || :unknown, value, &(&1 + value))
      end)

    %{{id: id, totals: totals, label: Map.get(entry, :label, "entry #{{id}}")}}
  end
""",
]


# Real Elixir projects: most files have no debug call at all, a few percent have one or two.
REALISTIC_SHARE = 0.03


def python_tree(root: Path, files: int, dirty: int, seed: int = 11) -> list[Path]:
    """`files` generated modules in packages of 40; debug writes planted in `dirty` of them."""
    paths = []
    for n in range(files):
        path = root / "app" / f"pkg{n // 40}" / f"orders_{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PY_MODULE.format(n=n))
        paths.append(path)
    plant_python(random.Random(seed).sample(paths, dirty))
    return paths


def copy_python_tree(source: Path, root: Path, limit: int, dirty: int, seed: int = 11) -> list[Path]:
    """The first `limit` .py files of a real tree (sorted), with debug writes planted in `dirty` of them."""
    picked = []
    for path in sorted(source.rglob("*.py")):
        if len(picked) == limit:
            break
        if "site-packages" in path.parts or not path.is_file():
            continue
        text = path.read_bytes()
        try:
            compile(text, str(path), "exec", dont_inherit=True)
            text.decode("utf-8")
        except (SyntaxError, ValueError, UnicodeDecodeError):
            continue  # keep trees every tool can read, so the timings compare the same work
        target = root / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
        picked.append(target)
    plant_python(random.Random(seed).sample(picked, min(dirty, len(picked))))
    return picked


def copy_elixir_tree(source: Path, root: Path) -> int:
    """Every .ex/.exs file of a real Elixir tree as it is (no build output, no dependencies); the
    number of files copied."""
    copied = 0
    for path in sorted(source.rglob("*.ex*")):
        parts = set(path.relative_to(source).parts)
        if path.suffix not in (".ex", ".exs") or not path.is_file() or parts & {"_build", "deps", ".git"}:
            continue
        target = root / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        copied += 1
    return copied


def plant_python(paths: list[Path]) -> None:
    """Add a debug-log `with` block at the start of (up to) three functions of each file."""
    for path in paths:
        text = path.read_text()
        lines = text.split("\n")  # not splitlines(): a form feed is no line break to ast
        spots = _function_starts(ast.parse(text))[:3]
        if not spots:
            lines.append(_debug_block(0, 0))
        for line, column in sorted(spots, reverse=True):
            lines.insert(line - 1, _debug_block(column, line).rstrip("\n"))
        path.write_text("\n".join(lines))


def _debug_block(column: int, tag: int) -> str:
    pad = " " * column
    return (f'{pad}with open("{DEBUG_LOG}", "a") as debug_log:\n'
            f'{pad}    debug_log.write("reached {tag}\\n")\n')


def _function_starts(tree: ast.AST) -> list[tuple[int, int]]:
    """(line, column) of a statement starting a function body, for functions whose body is on its
    own lines (the first statement after a docstring), in file order."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        first = body[1] if len(body) > 1 and _is_docstring(body[0]) else body[0]
        if _is_docstring(first) or first.lineno == node.lineno:
            continue
        decorators = getattr(first, "decorator_list", [])
        line = min([first.lineno] + [d.lineno for d in decorators])
        found.append((line, first.col_offset))
    return sorted(found)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def elixir_tree(root: Path, files: int, share: float = REALISTIC_SHARE, seed: int = 5) -> int:
    """`files` generated modules (contexts, GenServers, controllers); IO.inspect planted in a `share`
    of them (one call, or two in every third of those). Returns how many got debug calls."""
    rng = random.Random(seed)
    dirty = 0
    for n in range(files):
        kind = n % len(EX_MODULES)
        text = _with_helpers(EX_MODULES[kind].format(n=n), rng)
        if rng.random() < share:
            old, new = EX_DEBUG[kind]
            text = text.replace(old, new, 1)
            if rng.randrange(3) == 0:
                old, new = (part.replace("{n}", str(n)) for part in EX_DEBUG_SECOND[kind])
                text = text.replace(old, new, 1)
            dirty += 1
        path = root / "apps" / f"app{n % 7}" / "lib" / f"area{n // 50}" / f"mod_{n}.ex"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return dirty


def _with_helpers(module: str, rng: random.Random) -> str:
    count = min(int(rng.expovariate(1 / 6)), 60)  # mostly small modules, a few large ones
    extra = "".join(EX_HELPERS[rng.randrange(len(EX_HELPERS))].format(k=k) for k in range(count))
    return module[: module.rindex("end\n")] + extra + "end\n"


def elixir_many_fixes(path: Path, fixes: int) -> None:
    """One module with `fixes` functions, each with an IO.inspect statement to remove."""
    parts = ["defmodule Many do\n"]
    for n in range(fixes):
        parts.append(f"  def f{n}(x) do\n    IO.inspect(x, label: \"f{n}\")\n    x + {n}\n  end\n\n")
    parts.append("end\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts))


def python_many_fixes(path: Path, fixes: int) -> None:
    """One module with `fixes` functions, each with a debug-log write to remove."""
    parts = ["import logging\n\nlogger = logging.getLogger(__name__)\n\n"]
    for n in range(fixes):
        parts.append(f"\ndef f{n}(order):\n{_debug_block(4, n)}    logger.info(\"f{n} %s\", order)\n"
                     f"    return order + {n}\n\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts))


def huge_file(path: Path, megabytes: int, language: str, every: int = 500) -> None:
    """A file of about `megabytes` MB: generated modules one after another, with debug code planted
    in one function out of `every`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        written, n = 0, 0
        while written < megabytes * 1024 * 1024:
            if language == "python":
                chunk = PY_MODULE.format(n=n)
                if n:  # one header (a __future__ import must come first), then module bodies
                    chunk = chunk.split("logger = logging.getLogger(__name__)\n", 1)[1]
                if n % every == 0:
                    chunk = chunk.replace("    problems = []\n", "    problems = []\n" + _debug_block(4, n), 1)
            else:
                chunk = EX_MODULES[n % len(EX_MODULES)].format(n=n)
                if n % every == 0:
                    old, new = EX_DEBUG[n % len(EX_MODULES)]
                    chunk = chunk.replace(old, new, 1)
            out.write(chunk)
            written += len(chunk)
            n += 1


def fresh(root: Path) -> Path:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    return root


def plant_debuggers(paths: list[Path]) -> None:
    """A `breakpoint()` and a debug print at the start of the first function of each file (what
    ruff's T100 and T201 find, and fixer's remove-debugger-calls and remove-debug-prints remove)."""
    for path in paths:
        text = path.read_text()
        spots = _function_starts(ast.parse(text))[:1]
        lines = text.split("\n")
        for line, column in spots:
            pad = " " * column
            lines.insert(line - 1, f'{pad}breakpoint()\n{pad}print("DEBUG reached", {line})')
        path.write_text("\n".join(lines))


def git_commit_all(root: Path) -> None:
    """Make `root` a git repository with every file committed (fixer takes content keys from git)."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                    "-c", "commit.gpgsign=false", "commit", "-q", "-m", "generated tree"], check=True)


def touch(paths: list[Path], stamp: str) -> None:
    """Change each file (a comment line at the end), as an edit between two runs would."""
    for path in paths:
        with path.open("a") as out:
            out.write(f"\n# edited {stamp}\n")
