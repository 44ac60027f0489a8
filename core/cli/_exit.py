"""The command's exit codes, in one place (documented in README.md, "Exit codes")."""

from __future__ import annotations

__all__ = ["EXIT_INTERRUPTED", "EXIT_JOB_FAILED", "EXIT_OK", "EXIT_SYMBOLS_FAILED", "EXIT_USAGE"]

#: Success: the scan ran (whether or not anything matched), the listing printed.
EXIT_OK = 0
#: A job-level failure: bad formula, unknown source, preset or plugin, no data in the
#: range, or every symbol failed.
EXIT_JOB_FAILED = 1
#: Bad usage: unknown or conflicting flags, a bad date, ``--from`` after ``--to``, a
#: symbol that only exists in another case.
EXIT_USAGE = 2
#: With ``--strict``: some (not all) symbols failed.
EXIT_SYMBOLS_FAILED = 3
#: Interrupted (Ctrl-C).
EXIT_INTERRUPTED = 130
