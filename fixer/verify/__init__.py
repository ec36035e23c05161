"""Behaviour-checked fixes (`--verify CMD`): run the project's own tests on the base commit and on the
fixed tree, in a temporary export of the repository; when the fixed tree fails, bisect the fixes (by
rule commit, then by file, then by single fix), drop the ones that break the tests and say so.

* `command`: running the user's command with a time limit, its output in a log, forge tokens out of
  its environment.
* `failures`: which tests failed (JUnit XML when the command wrote it, else pytest's and ExUnit's
  summaries in the output).
* `scratch`: the temporary export, removed on exit, on Ctrl-C, or by the next run after a kill.
* `bisect`: the first failing prefix of an ordered list, in about log2(n) runs (pure).
* `changes`: a run's fixes as rule commits, files and single fixes, and the trees in between.
* `verifier`: the whole check: base, fixed tree, bisection, dropping, the verdict.
"""
