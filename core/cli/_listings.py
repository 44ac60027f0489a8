"""The listing commands: ``indicators``, ``sources``, ``presets``, ``plugins`` and ``cache``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from candlescan.cli._exit import EXIT_OK
from candlescan.cli._output import print_columns
from candlescan.registry import PluginRegistry

__all__ = ["add_listing_parsers"]


def add_listing_parsers(commands: Any) -> None:
    """Add one subcommand per listing."""
    indicators = commands.add_parser("indicators", help="list the indicators formulas can use")
    indicators.add_argument("--format", default="table", choices=("table", "json"))
    indicators.set_defaults(run=_run_indicators)

    sources = commands.add_parser("sources", help="list the data sources")
    sources.set_defaults(run=_run_sources)

    presets = commands.add_parser("presets", help="list the preset scans")
    presets.set_defaults(run=_run_presets)

    plugins = commands.add_parser(
        "plugins", help="list the plugins: what loaded, and what failed and why"
    )
    plugins.set_defaults(run=_run_plugins)

    cache = commands.add_parser("cache", help="show or clear the compiled-kernel cache")
    cache.add_argument("action", choices=("info", "clear"))
    cache.set_defaults(run=_run_cache)


def _run_indicators(args: argparse.Namespace) -> int:
    catalogue = PluginRegistry.default().catalogue
    specs = sorted(catalogue.indicators, key=lambda s: s.name)
    if args.format == "json":
        document = [
            {
                "name": s.name,
                "inputs": list(s.inputs),
                "params": {p.name: p.default for p in s.params},
                "bounds": {p.name: [p.low, p.high] for p in s.params},
                "outputs": list(s.outputs),
                "summary": s.summary,
                "plugin": s.plugin,
            }
            for s in specs
        ]
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    rows = [
        [
            s.name,
            ", ".join(s.inputs),
            ", ".join(f"{p.name}={p.default}" for p in s.params),
            ", ".join(s.outputs),
            s.summary,
        ]
        for s in specs
    ]
    print_columns(["name", "inputs", "params", "outputs", "summary"], rows)
    return EXIT_OK


def _run_sources(args: argparse.Namespace) -> int:
    catalogue = PluginRegistry.default().catalogue
    rows = [
        [s.scheme, s.example, s.summary] for s in sorted(catalogue.sources, key=lambda s: s.scheme)
    ]
    print_columns(["scheme", "example", "summary"], rows)
    return EXIT_OK


def _run_presets(args: argparse.Namespace) -> int:
    catalogue = PluginRegistry.default().catalogue
    rows = [[p.name, p.formula, p.summary] for p in sorted(catalogue.presets, key=lambda p: p.name)]
    print_columns(["name", "formula", "summary"], rows)
    return EXIT_OK


def _run_plugins(args: argparse.Namespace) -> int:
    registry = PluginRegistry.default()
    registry.catalogue  # noqa: B018 - calls every hook, so a plugin failing there shows
    rows = [
        [p.name, "loaded", p.distribution or "built-in", p.entry_point or p.name]
        for p in registry.plugins()
    ]
    rows += [
        [f.name, "FAILED", f.distribution, f"{f.entry_point}: {f.error}"] for f in registry.failures
    ]
    print_columns(["name", "status", "distribution", "entry point / error"], rows)
    return EXIT_OK


def _run_cache(args: argparse.Namespace) -> int:
    from candlescan.kernels import cache_dir, cache_enabled

    directory = cache_dir(all_versions=True)  # older versions' caches too
    files = list(directory.rglob("*.nb[ic]")) if directory.is_dir() else []
    if args.action == "clear":
        for path in files:
            path.unlink(missing_ok=True)
        print(f"removed {len(files)} cached files from {directory}")
        return EXIT_OK
    size = sum(p.stat().st_size for p in files)
    state = "enabled" if cache_enabled() else "disabled (CANDLESCAN_NUMBA_CACHE=0)"
    print(f"cache {state}: {directory} ({len(files)} files, {size / 1e6:.1f} MB)")
    return EXIT_OK
