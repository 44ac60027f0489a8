"""The built-in source plugin registers its schemes and the registry opens them."""

from __future__ import annotations

from pathlib import Path

import pytest

from candlescan import DateRange, PluginError, PluginRegistry, Timeframe
from candlescan.plugins.sources import (
    CsvRepository,
    MemoryRepository,
    SampleRepository,
    SyntheticRepository,
    candlescan_register_sources,
)


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    # only the source plugin: these tests must not depend on the kernels compiling
    return PluginRegistry(
        entrypoints=False,
        blocked=["candlescan.plugins.indicators", "candlescan.plugins.presets"],
    )


def test_schemes(registry: PluginRegistry) -> None:
    schemes = {spec.scheme for spec in registry.catalogue.sources}
    assert schemes == {
        "memory",
        "csv",
        "synthetic",
        "sample",
        "duckdb",
        "store",
        "parquet",
        "postgres",
    }
    for spec in candlescan_register_sources():
        assert spec.summary and spec.example


def test_open_each_scheme(registry: PluginRegistry, tmp_path: Path) -> None:
    (tmp_path / "X.csv").write_text("date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,9\n")
    assert isinstance(registry.open_source("memory"), MemoryRepository)
    csv = registry.open_source(f"csv:{tmp_path}")
    assert isinstance(csv, CsvRepository) and csv.symbols() == ("X",)
    synthetic = registry.open_source("synthetic:7x30,seed=2")
    assert isinstance(synthetic, SyntheticRepository) and len(synthetic.symbols()) == 7
    sample = registry.open_source("sample")
    assert isinstance(sample, SampleRepository)
    assert (
        len(sample.get_candles("AAPL", Timeframe.D1, DateRange("2017-01-01", "2017-12-31"))) == 251
    )


def test_examples_open(registry: PluginRegistry) -> None:
    # the file-backed examples name paths that do not exist here (and postgres a server)
    needs_files = {"csv", "duckdb", "store", "parquet", "postgres"}
    for spec in registry.catalogue.sources:
        if spec.scheme not in needs_files:
            registry.open_source(spec.example)


def test_unknown_scheme(registry: PluginRegistry) -> None:
    with pytest.raises(PluginError, match="known sources: csv, duckdb, memory, parquet"):
        registry.open_source("feather:/x")
