"""The real Elixir toolchain over many snippets at once: one `elixir` process per batch, not per example.

Used by the remove-debug-calls trust and property tests: format many texts with the real formatter,
read the quoted AST (metadata stripped) of many texts, and run many scripts capturing what they print.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from conftest import require_tool

FORMAT = r'''
[dir] = System.argv()
for f <- Path.wildcard(Path.join(dir, "*.ex")) do
  case (try do {:ok, Code.format_string!(File.read!(f))} rescue e -> {:error, Exception.message(e)} end) do
    {:ok, out} -> File.write!(f <> ".fmt", IO.iodata_to_binary([out, "\n"]))
    {:error, message} -> File.write!(f <> ".err", message)
  end
end
'''

QUOTED = r'''
[dir] = System.argv()
strip = fn ast -> Macro.prewalk(ast, fn node -> Macro.update_meta(node, fn _ -> [] end) end) end
for f <- Path.wildcard(Path.join(dir, "*.ex")) do
  case Code.string_to_quoted(File.read!(f)) do
    {:ok, ast} -> File.write!(f <> ".ast", inspect(strip.(ast), limit: :infinity, printable_limit: :infinity))
    {:error, error} -> File.write!(f <> ".err", inspect(error))
  end
end
'''


def _batch(script: str, texts: list[str], suffixes: tuple[str, ...]) -> list[tuple[str | None, ...]]:
    """Write the texts to files, run the script once over the folder, read back `<file><suffix>` for
    each suffix (None where the script did not write it, e.g. a parse error)."""
    require_tool("elixir")
    with tempfile.TemporaryDirectory(prefix="fixer-elixir-batch-") as folder:
        root = Path(folder)
        for number, text in enumerate(texts):
            (root / f"{number:05d}.ex").write_text(text, encoding="utf-8")
        proc = subprocess.run(["elixir", "-e", script, str(root)], capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr
        results = []
        for number in range(len(texts)):
            outs = []
            for suffix in suffixes:
                out = root / f"{number:05d}.ex{suffix}"
                outs.append(out.read_text(encoding="utf-8") if out.exists() else None)
            results.append(tuple(outs))
        return results


def formatted(texts: list[str]) -> list[str | None]:
    """What `mix format` makes of each text (None: it does not parse)."""
    return [out for out, in _batch(FORMAT, texts, (".fmt",))]


def quoted(texts: list[str]) -> list[str | None]:
    """The quoted AST of each text without line metadata, as Elixir prints it (None: parse error)."""
    return [out for out, in _batch(QUOTED, texts, (".ast",))]


RUN = r'''
[dir] = System.argv()
Code.compiler_options(ignore_module_conflict: true)
{:ok, _} = Application.ensure_all_started(:ex_unit)
for f <- Enum.sort(Path.wildcard(Path.join(dir, "*.ex"))) do
  parent = self()

  err =
    ExUnit.CaptureIO.capture_io(:stderr, fn ->
      out =
        ExUnit.CaptureIO.capture_io(fn ->
          # A fresh process per script: its own mailbox and process dictionary.
          value =
            Task.async(fn ->
              try do
                {value, _binding} = Code.eval_string(File.read!(f), [], file: f)
                {:ok, value}
              rescue
                e -> {:raised, e.__struct__}
              end
            end)
            |> Task.await(120_000)

          send(parent, {:value, value})
        end)

      send(parent, {:out, out})
    end)

  receive do
    {:value, value} -> File.write!(f <> ".value", inspect(value, limit: :infinity, printable_limit: :infinity))
  end

  receive do
    {:out, out} -> File.write!(f <> ".out", out)
  end

  File.write!(f <> ".err", err)
end
'''


def run_scripts(scripts: list[str]) -> list[tuple[str, str, str]]:
    """Evaluate each script in one `elixir` process: (`{:ok, value}` or `{:raised, Module}` as Elixir
    inspects it, what it printed on stdout, what it printed on stderr)."""
    return [(value or "", out or "", err or "") for value, out, err in _batch(RUN, scripts, (".value", ".out", ".err"))]
