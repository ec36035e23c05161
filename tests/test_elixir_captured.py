"""remove-debug-calls' repo-wide gather: which `Alias.fun` calls a test's capture_io/with_io runs."""
from fixer.rules.remove_debug_calls.captured import captured_calls

TEST = '''defmodule Shop.ReceiptTest do
  use ExUnit.Case
  import ExUnit.CaptureIO
  alias Shop.{Receipt, Printer}

  test "prints the total" do
    order = Shop.Orders.build(3)
    assert capture_io(fn ->
             Receipt.print(order)
             Shop.Printer.flush!()
           end) =~ "total"
  end

  test "warns on stderr" do
    ExUnit.CaptureIO.capture_io(:stderr, fn -> Printer.warn(:late) end)
  end

  test "nested captures and with_io" do
    {result, out} = with_io(fn ->
      capture_io(fn -> Receipt.header?() end)
      Enum.map([1], &Receipt.line/1)
    end)
    assert result == Receipt.totals([])
    assert out != ""
  end

  test "a string naming a call is not one" do
    capture_io(fn -> IO.puts("Fake.call()") end)
  end
end
'''


def test_remote_calls_inside_captures_are_gathered_and_no_others():
    assert captured_calls("apps/shop/test/receipt_test.exs", TEST) == [
        # the capture call itself is not captured; a function given by reference may be called
        "Enum.map", "IO.puts", "Printer.warn", "Receipt.header?", "Receipt.line", "Receipt.print", "Shop.Printer.flush!",
    ]


def test_only_test_files_are_read():
    assert captured_calls("lib/shop/receipt.ex", TEST) == []
    assert captured_calls("test/support/helpers.ex", TEST) == []


NOT_CAPTURES = '''defmodule Shop.NotCapturedTest do
  use ExUnit.Case

  test "words that are not capture calls" do
    # capture_io(fn -> Shop.Comment.out() end)
    doc = "capture_io(fn -> Shop.Quoted.out() end)"
    run(&capture_io/1, fn -> Shop.Passed.out() end)
    helper.with_io(fn -> Shop.Field.out() end)
    assert doc
  end

  test "strings and comments inside a capture are not calls" do
    capture_io(fn ->
      # Shop.Commented.out()
      IO.puts("Shop.Quoted.out() #{Shop.Interpolated.label()}")
    end)
  end
end
'''


def test_capture_words_that_are_not_capture_calls_and_calls_that_are_data_are_left_out():
    assert captured_calls("test/not_captured_test.exs", NOT_CAPTURES) == [
        "IO.puts", "Shop.Interpolated.label"]


def test_gathered_reads_a_kept_file_only_when_its_facts_are_asked_for_and_only_once():
    from fixer.core.model import Gathered

    read = []

    def gather(path, text):
        read.append(path)
        return [text.upper()]

    gathered = Gathered(gather, [("test/a_test.exs", "Greeter.hi"), ("test/b_test.exs", "Billing.run")])
    assert read == []
    assert gathered.where("Billing") == [["BILLING.RUN"]]
    assert read == ["test/b_test.exs"]
    assert list(gathered) == [["GREETER.HI"], ["BILLING.RUN"]] and gathered[-1] == ["BILLING.RUN"]
    assert read == ["test/b_test.exs", "test/a_test.exs"]


def test_a_repo_without_a_real_debug_call_never_parses_its_capture_tests(tmp_path, monkeypatch):
    """The gather is lazy: docs that mention IO.inspect wake the rule, but no test file is read."""
    from fixer.rules.remove_debug_calls import captured as elixir_captured
    from fixer.core.config import Config
    from fixer.core.rule import all_rules
    from fixer.core.runner import run
    from fixer.core.sources import WorkTree

    (tmp_path / "lib").mkdir()
    (tmp_path / "test").mkdir()
    (tmp_path / "lib/greeter.ex").write_text(
        'defmodule Greeter do\n  @doc """\n  Try `IO.inspect(Greeter.hi())` in iex.\n  """\n  def hi, do: :hi\nend\n')
    (tmp_path / "test/greeter_test.exs").write_text(TEST)
    parsed = []
    real = elixir_captured.captured_calls
    monkeypatch.setattr(elixir_captured, "captured_calls", lambda p, t: parsed.append(p) or real(p, t))
    outcome = run(WorkTree(tmp_path), Config(), [all_rules()["remove-debug-calls"]()])
    assert not outcome.changed and not outcome.findings
    assert parsed == []
