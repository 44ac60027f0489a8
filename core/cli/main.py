"""The ``candlescan`` command.

``candlescan scan FORMULA`` screens every symbol of a data source (by default the bundled
S&P 500 sample) and prints the symbols where the formula held on the last bar of the data
(or on ``--as-of DATE``, or over ``--from/--to``); ``indicators``, ``sources``, ``presets``
and ``plugins`` list what the installed plugins provide. Each subcommand lives in its own
module and adds its own parser (:func:`_build_parser`); the exit codes are in
:mod:`candlescan.cli._exit`.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import TextIO

from candlescan.cli import signals
from candlescan.cli._exit import (
    EXIT_JOB_FAILED,
    EXIT_OK,
    EXIT_SYMBOLS_FAILED,
    EXIT_USAGE,
)
from candlescan.cli._listings import add_listing_parsers
from candlescan.cli._scan import UsageError, add_scan_parser
from candlescan.cli._screen import join_sort_value
from candlescan.cli.chart import register as register_chart
from candlescan.cli.ingest import add_ingest_command
from candlescan.cli.study import register as register_study
from candlescan.errors import CandlescanError
from candlescan.registry.plugin_registry import PluginWarning

__all__ = ["EXIT_JOB_FAILED", "EXIT_OK", "EXIT_SYMBOLS_FAILED", "EXIT_USAGE", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(join_sort_value(sys.argv[1:] if argv is None else argv))
    with warnings.catch_warnings():
        warnings.simplefilter("always", PluginWarning)
        warnings.showwarning = _show_warning
        try:
            with signals.handled():  # SIGTERM (docker stop, systemd) unwinds like Ctrl-C
                code: int = args.run(args)
        except UsageError as exc:
            print(f"candlescan {args.command}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except CandlescanError as exc:
            print(f"candlescan: error: {exc}", file=sys.stderr)
            return EXIT_JOB_FAILED
        except KeyboardInterrupt as exc:
            return signals.exit_code(exc)  # EXIT_INTERRUPTED (130); 143 for SIGTERM
    return code


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="candlescan",
        description="Screen stocks with indicator formulas, in parallel.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _SUBCOMMANDS:
        add(commands)
    return parser


#: One function per subcommand module; a new command adds its own here.
_SUBCOMMANDS = (
    add_scan_parser,
    register_study,
    register_chart,
    add_listing_parsers,
    add_ingest_command,
)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    # A plugin that failed to load is named on one line, not with a source location.
    print(f"candlescan: warning: {message}", file=sys.stderr)
