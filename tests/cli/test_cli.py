"""The ``candlescan`` command: listings, scans, output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from candlescan.cli import main
from candlescan.plugins.sources.synthetic import SyntheticRepository

SYNTHETIC = "synthetic:8x400"
RANGE = ["--from", "2013-08-01", "--to", "2014-06-30"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scan(capsys: pytest.CaptureFixture[str], formula: str, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys, "scan", formula, "--source", SYNTHETIC, *RANGE, "--backend", "serial",
        "--quiet", *extra,
    )  # fmt: skip


def naive_sma(values: np.ndarray, n: int) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i in range(n - 1, len(values)):
        out[i] = values[i - n + 1 : i + 1].mean()
    return out


def test_json_scan_matches_an_independent_evaluation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, "close > sma(close, 50)", "--format", "json", "--all")
    assert code == 0
    document = json.loads(out)
    repo = SyntheticRepository(8, 400)
    assert len(document["results"]) == 8
    for result in document["results"]:
        series = repo.series(result["symbol"])
        average = naive_sma(series.close, 50)
        days = series.timestamps.astype("datetime64[D]")
        inside = (days >= np.datetime64("2013-08-01")) & (days <= np.datetime64("2014-06-30"))
        expected = [str(d) for d in days[inside & (series.close > average)]]
        assert result["matches"] == expected
        held = inside & (series.close > average)
        # values on the last match (else on the last bar of the range), and that bar named
        at = np.flatnonzero(held)[-1] if held.any() else np.flatnonzero(inside)[-1]
        assert result["indicators_at"] == str(days[at])
        assert result["computed_indicators"]["sma(close, 50)"] == pytest.approx(average[at])
        assert result["bars"] == int(inside.sum())
        assert result["evaluated_from"] == str(days[inside][0])


def test_table_lists_only_matching_symbols(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = scan(capsys, "close > 1000000")
    assert code == 0
    assert out.strip() == "no symbol matched"
    assert "0 of 8 symbols matched" in err


def test_csv_output_has_a_header_and_one_row_per_symbol(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = scan(capsys, "rsi(close, 14) > 0", "--format", "csv", "--all")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(r["symbol"] for r in rows) == SyntheticRepository(8, 400).symbols()
    assert all(float(r["rsi(close, 14)"]) > 0 for r in rows)


def test_parameters_bind_dollar_names(capsys: pytest.CaptureFixture[str]) -> None:
    _, everything, _ = scan(capsys, "close > $floor", "--param", "floor=0", "--format", "json")
    _, nothing, _ = scan(capsys, "close > $floor", "--param", "floor=1e9", "--format", "json")
    assert all(r["matches"] for r in json.loads(everything)["results"])
    assert not any(r["matches"] for r in json.loads(nothing)["results"])


def test_bad_formula_is_a_job_level_failure_with_a_caret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = scan(capsys, "rsx(close, 14) < 30")
    assert code == 1
    assert out == ""
    assert "unknown function 'rsx'" in err
    assert "^" in err
    assert "rsi" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "close > 1", "--source", "nosuch"], "unknown data source 'nosuch'"),
        (["scan", "--preset", "no-such-preset"], "unknown preset 'no-such-preset'"),
    ],
)
def test_job_level_failures_exit_1(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 1
    assert message in err


def test_formula_and_preset_are_mutually_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan")[0] == 2
    assert run(capsys, "scan", "close > 1", "--preset", "golden-cross")[0] == 2


def test_strict_exits_3_when_a_symbol_fails(capsys: pytest.CaptureFixture[str]) -> None:
    symbols = ("--symbols", "SYM0000,SYM0001,NOPE")
    code, _, err = scan(capsys, "close > 0", *symbols, "--strict")
    assert code == 3
    assert "NOPE: SymbolNotFoundError: unknown symbol 'NOPE'" in err
    assert scan(capsys, "close > 0", *symbols)[0] == 0


def test_every_symbol_failing_for_one_reason_is_said_once_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 400 daily bars from 2013-01-02: a 390-bar average has no value before 2014-07.
    code, out, err = scan(capsys, "close > sma(close, 390)")
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("candlescan: error: every symbol failed: InsufficientHistoryError")
    assert "<symbol>" in lines[0]


def test_a_timeframe_finer_than_the_data_fails_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = scan(capsys, "close > 0", "--timeframe", "1h")
    assert code == 1
    assert err.count("cannot provide 1h bars") == 1, err


def test_a_range_outside_the_data_is_one_job_level_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "scan", "close > 0", "--source", SYNTHETIC, "--from", "2020-01-01",
        "--to", "2020-12-31", "--backend", "serial", "--quiet",
    )  # fmt: skip
    assert code == 1 and out == ""
    coverage = SyntheticRepository(8, 400).coverage()
    assert err.strip() == (
        "candlescan: error: no data between 2020-01-01 and 2020-12-31: "
        f"synthetic:8x400,seed=0 has data from {coverage.start} to {coverage.end}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2014-01-02", "--to", "2014-01-01"],
            "--from 2014-01-02 is after --to 2014-01-01",
        ),
        (
            ["--as-of", "2014-01-02", "--to", "2014-01-01"],
            "--as-of screens one bar; it cannot be combined with --from/--to",
        ),
        (["--symbols", "sym0001"], "--symbols: unknown symbol 'sym0001'; did you mean 'SYM0001'?"),
        (["--param", "oops"], "--param expects NAME=VALUE, got 'oops'"),
    ],
)
def test_usage_errors_name_the_flags_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(
        capsys, "scan", "close > 0", "--source", SYNTHETIC, "--backend", "serial", *args
    )
    assert code == 2
    assert err.strip() == f"candlescan scan: error: {message}"


def test_without_dates_the_scan_screens_the_last_bar(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "scan", "close > sma(close, 50)", "--source", SYNTHETIC, "--backend", "serial",
        "--quiet", "--format", "csv", "--all",
    )  # fmt: skip
    assert code == 0
    repo = SyntheticRepository(8, 400)
    last_day = str(repo.coverage().end)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["symbol"] for r in rows] == list(repo.symbols())
    for row in rows:
        series = repo.series(row["symbol"])
        average = naive_sma(series.close, 50)[-1]
        assert row["bar"] == last_day
        assert row["match"] == ("yes" if series.close[-1] > average else "")
        assert float(row["sma(close, 50)"]) == pytest.approx(average, rel=1e-4)
    assert f"symbols match on {last_day}" in err


def test_as_of_screens_an_earlier_bar(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "scan", "close > sma(close, 50)", "--source", SYNTHETIC, "--backend", "serial",
        "--quiet", "--format", "json", "--as-of", "2014-03-03",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert (document["job"]["from"], document["job"]["to"]) == ("2014-03-03", "2014-03-03")
    repo = SyntheticRepository(8, 400)
    for result in document["results"]:
        series = repo.series(result["symbol"])
        at = int(np.searchsorted(series.timestamps, np.datetime64("2014-03-03")))
        held = series.close[at] > naive_sma(series.close, 50)[at]
        assert result["matches"] == (["2014-03-03"] if held else [])


def test_preset_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "scan", "--preset", "golden-cross", "--source", SYNTHETIC, "--from",
        "2014-01-01", "--to", "2014-06-30", "--backend", "serial", "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert len(json.loads(out)["results"]) == 8


def test_indicators_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "--format", "json")
    assert code == 0
    by_name = {entry["name"]: entry for entry in json.loads(out)}
    assert by_name["rsi"]["params"] == {"timeperiod": 14}
    assert by_name["macd"]["outputs"] == ["macd", "macdsignal", "macdhist"]
    code, table, _ = run(capsys, "indicators")
    assert "timeperiod=14" in table


def test_sources_and_presets_listings(capsys: pytest.CaptureFixture[str]) -> None:
    _, sources, _ = run(capsys, "sources")
    assert {"sample", "csv", "synthetic", "memory"} <= {
        line.split()[0] for line in sources.splitlines()[1:]
    }
    _, presets, _ = run(capsys, "presets")
    assert "golden-cross" in presets


def test_cache_info(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0
    assert out.startswith("cache ")


def test_acceptance_scan_of_the_whole_sample_in_worker_processes(
    shared_data: Path,
) -> None:
    """The README's scan over all 409 sample symbols, in a fresh process with 2 workers."""
    talib = pytest.importorskip("talib")
    completed = subprocess.run(
        [
            sys.executable, "-m", "candlescan", "scan",
            "rsi(close, 14) < 30 and close > sma(close, 200)",
            "--from", "2017-01-01", "--to", "2017-12-31", "--workers", "2", "--format", "json",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    results = {r["symbol"]: r for r in json.loads(completed.stdout)["results"]}
    assert len(results) == 409
    # Independent check on real CSVs with TA-Lib for a few symbols.
    for symbol in ("AAPL", "XOM", "SCHW", "WLTW"):
        rows = np.genfromtxt(
            shared_data / "ohlcv" / f"{symbol}.csv", delimiter=",", names=True, dtype=None,
            encoding="utf-8",
        )  # fmt: skip
        close = rows["close"].astype(float)
        dates = rows["date"].astype("datetime64[D]")
        hit = (talib.RSI(close, 14) < 30) & (close > talib.SMA(close, 200))
        inside = (dates >= np.datetime64("2017-01-01")) & (dates <= np.datetime64("2017-12-31"))
        assert results[symbol]["matches"] == [str(d) for d in dates[hit & inside]]
    # Symbols with no bar of 2017 that has a 200-bar average: named, not silent.
    assert "insufficient history" in results["APTV"]["error"]
    # EVHC has 253 bars in 2017 but only 44 before it: evaluated from its 200th bar on.
    evhc = results["EVHC"]
    assert evhc["error"] is None
    rows = np.genfromtxt(
        shared_data / "ohlcv" / "EVHC.csv", delimiter=",", names=True, dtype=None,
        encoding="utf-8",
    )  # fmt: skip
    close = rows["close"].astype(float)
    dates = rows["date"].astype("datetime64[D]")
    assert evhc["evaluated_from"] == str(dates[199])
    hit = (talib.RSI(close, 14) < 30) & (close > talib.SMA(close, 200))
    inside = (dates >= np.datetime64("2017-01-01")) & (dates <= np.datetime64("2017-12-31"))
    assert evhc["matches"] == [str(d) for d in dates[hit & inside]]


@pytest.mark.parametrize(("warmup", "count"), [("converged", 9), ("full", 9), ("lookback", 14)])
def test_the_issues_xom_example_depends_on_the_warmup_policy_only(
    capsys: pytest.CaptureFixture[str], warmup: str, count: int
) -> None:
    # Issue 8: XOM's RSI(14) < 30 holds on 9 bars of 2017 over the full history (TA-Lib);
    # a lookback-only warm-up from 2017-01-01 found 14.
    code, out, _ = run(
        capsys, "scan", "rsi(close, 14) < 30", "--symbols", "XOM", "--from", "2017-01-01",
        "--to", "2017-12-31", "--backend", "serial", "--quiet", "--format", "json",
        "--warmup", warmup,
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["job"]["warmup"] == warmup
    assert len(document["results"][0]["matches"]) == count


def test_failures_group_by_reason_even_for_one_letter_symbols() -> None:
    from candlescan import ProcessingResult
    from candlescan.cli._output import shared_failure

    failed = [
        ProcessingResult(s, (), {}, 0.0, f"DataSourceError: cannot provide 1h bars for {s!r}")
        for s in ("D", "AAPL", "A")
    ]
    assert shared_failure(failed) == "DataSourceError: cannot provide 1h bars for <symbol>"


def test_an_as_of_day_without_bars_asks_whether_it_is_a_trading_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(
        capsys, "scan", "close > 0", "--source", SYNTHETIC, "--backend", "serial", "--quiet",
        "--as-of", "2014-03-01",  # a Saturday
    )  # fmt: skip
    assert code == 1
    assert err.strip() == (
        "candlescan: error: every symbol failed: NoBarsInRangeError: no bars for <symbol> "
        "between 2014-03-01 and 2014-03-01 (is 2014-03-01 a trading day of this data?)"
    )


def test_missing_prices_in_a_csv_are_a_warning_not_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty price field is a missing bar: counted and named on stderr, scan goes on."""
    days = np.datetime64("2021-01-04") + np.arange(40)
    rows = ["date,open,high,low,close,volume"]
    for i, day in enumerate(days):
        price = "" if i in (30, 35) else f"{100 + i:.2f}"
        rows.append(f"{day},{100 + i:.2f},{101 + i:.2f},{99 + i:.2f},{price},1000")
    (tmp_path / "GAP.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "OK.csv").write_text("\n".join(r.replace(",,", ",1,") for r in rows) + "\n")
    code, _out, err = run(
        capsys, "scan", "close > 0", "--source", f"csv:{tmp_path}",
        "--from", "2021-01-20", "--to", "2021-02-12", "--backend", "serial", "--quiet",
    )  # fmt: skip
    assert code == 0
    assert "warning: GAP: 2 loaded bars have a missing price (first 2021-02-03)" in err
    assert "warning: OK" not in err
