"""Campaigns: one cleanup run across many repositories (`fixer campaign run|status|close`).

A campaign file names the repositories and the fixer settings laid over each one's own config;
every repository goes through the same loop as `fixer apply` + `fixer pr` (check, branch, push, pull
request), in a reusable clone cache, with the outcome recorded in a SQLite state file beside the
campaign so an interrupted run resumes and a rerun never opens a second pull request.
"""
