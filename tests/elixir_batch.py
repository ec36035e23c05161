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


def _batch(script: str, texts: list[str], suffix: str) -> list[str | None]:
    """Write the texts to files, run the script once over the folder, read back `<file><suffix>`
    (None where the script wrote `<file>.err` instead)."""
    require_tool("elixir")
    with tempfile.TemporaryDirectory(prefix="fixer-elixir-batch-") as folder:
        root = Path(folder)
        for number, text in enumerate(texts):
            (root / f"{number:05d}.ex").write_text(text, encoding="utf-8")
        proc = subprocess.run(["elixir", "-e", script, str(root)], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        results: list[str | None] = []
        for number in range(len(texts)):
            out = root / f"{number:05d}.ex{suffix}"
            results.append(out.read_text(encoding="utf-8") if out.exists() else None)
        return results


def formatted(texts: list[str]) -> list[str | None]:
    """What `mix format` makes of each text (None: it does not parse)."""
    return _batch(FORMAT, texts, ".fmt")


def quoted(texts: list[str]) -> list[str | None]:
    """The quoted AST of each text without line metadata, as Elixir prints it (None: parse error)."""
    return _batch(QUOTED, texts, ".ast")


RUN = r'''
[dir] = System.argv()
Code.compiler_options(ignore_module_conflict: true)
{:ok, _} = Application.ensure_all_started(:ex_unit)
for f <- Enum.sort(Path.wildcard(Path.join(dir, "*.ex"))) do
  parent = self()
  errors =
    ExUnit.CaptureIO.capture_io(:stderr, fn ->
      out =
        ExUnit.CaptureIO.capture_io(fn ->
          value =
            try do
              {value, _binding} = Code.eval_string(File.read!(f), [], file: f)
              {:ok, value}
            rescue
              e -> {:raised, e.__struct__}
            end

          send(parent, {:value, value})
        end)

      send(parent, {:out, out})
    end)

  receive do
    {:value, value} ->
      receive do
        {:out, out} -> File.write!(f <> ".run", inspect({value, out, errors}, limit: :infinity, printable_limit: :infinity))
      end
  end
end
'''


def run_scripts(scripts: list[str]) -> list[str | None]:
    """Evaluate each script in one `elixir` process: `{{:ok, value} | {:raised, Module}, stdout, stderr}`
    as Elixir inspects it (None: the runner itself failed on it)."""
    return _batch(RUN, scripts, ".run")
