"""The screener options of ``candlescan scan``, the JSON schema, parquet, study and chart CLIs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from candlescan.cli import main
from candlescan.plugins.sources.sample import SampleRepository
from tests.screener import oracle as o

RANGE = ("--from", "2017-01-01", "--to", "2017-12-31")
FAST = ("--backend", "thread", "--quiet")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_top_20_sorted_equals_sorting_the_pandas_oracle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys,
        "scan",
        "roc(close, 63) > 0",
        "--columns",
        "roc(close,63), rsi(close, 14)",
        "--sort",
        "-roc(close, 63)",
        "--top",
        "20",
        "--format",
        "json",
        *RANGE,
        *FAST,
    )
    assert code == 0
    document = json.loads(out)
    got = [(r["symbol"], r["values"]["roc(close, 63)"]) for r in document["results"]]
    # The oracle: plain pandas on the same bars. A symbol with fewer than 63 bars before
    # the range cannot be evaluated (InsufficientHistoryError), so it is not a candidate.
    repo = SampleRepository()
    frames = o.load_frames(repo, list(repo.symbols()), o.RANGE_2017)
    close = frames["close"]
    roc = o.roc(close, 63)
    inside = (close.index >= "2017-01-01") & (close.index <= "2017-12-31")
    history = close[~inside].notna().sum()
    candidates = history[history >= 63].index
    matched = (roc[inside][candidates] > 0).any()
    last = roc[inside][candidates].ffill().iloc[-1]  # each symbol's own last bar
    expected = last[matched[matched].index].sort_values(ascending=False, kind="stable")
    expected = list(zip(expected.index[:20], expected.to_numpy()[:20], strict=True))
    assert [s for s, _ in got] == [s for s, _ in expected]
    np.testing.assert_allclose([v for _, v in got], [v for _, v in expected], rtol=1e-9)


def test_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """The document described in docs/screener.md, key by key."""
    _, out, _ = run(
        capsys,
        "scan",
        "rank(roc(close, 63)) <= 5",
        "--columns",
        "rsi(close, 14)",
        "--symbols",
        "AAPL,MSFT,XOM,CVX,JPM,KO,PEP,NFLX",
        "--all",
        "--format",
        "json",
        *RANGE,
        *FAST,
    )
    document = json.loads(out)
    assert set(document) == {"schema", "formula", "from", "to", "columns", "sort", "top", "results"}
    assert document["schema"] == 1 and document["columns"] == ["rsi(close, 14)"]
    assert document["from"] == "2017-01-01" and document["sort"] is None
    # alphabetical, and a symbol that failed (KO is not in the sample) comes last
    assert [r["symbol"] for r in document["results"]] == [
        *sorted(["AAPL", "MSFT", "XOM", "CVX", "JPM", "PEP", "NFLX"]),
        "KO",
    ]
    assert "SymbolNotFoundError" in document["results"][-1]["error"]
    for result in document["results"][:-1]:
        assert set(result) == {
            "symbol",
            "matches",
            "on_last_bar",
            "last_bar",
            "bars",
            "values",
            "fields",
            "processing_time_ms",
            "error",
        }
        assert set(result["values"]) == {"rsi(close, 14)", "rank(roc(close, 63))", "roc(close, 63)"}
        assert 1 <= result["values"]["rank(roc(close, 63))"] <= 7
        assert result["error"] is None
        assert result["fields"]["sector"]
        assert all(len(day) == 10 for day in result["matches"])
        assert result["last_bar"] == "2017-12-29"


def test_watchlist_and_where(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    watchlist = tmp_path / "watch.txt"
    watchlist.write_text("# my list\nAAPL, MSFT\nXOM  CVX # oil\n\nKO\n")
    _, out, _ = run(
        capsys,
        "scan",
        "close > 0",
        "--symbols",
        f"@{watchlist}",
        "--where",
        "sector=Energy",
        "--all",
        "--format",
        "json",
        *RANGE,
        *FAST,
    )
    assert [r["symbol"] for r in json.loads(out)["results"]] == ["CVX", "XOM"]
    _, out, _ = run(
        capsys,
        "scan",
        "close > 0",
        "--where",
        "sector=energy",
        "--all",
        "--format",
        "json",
        *RANGE,
        *FAST,
    )
    sectors = o.sample_sectors()
    assert [r["symbol"] for r in json.loads(out)["results"]] == sorted(
        sectors[sectors == "Energy"].index
    )


def test_where_on_a_missing_field_is_a_job_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", "close > 0", "--where", "country=US", *RANGE, *FAST)
    assert code == 1 and "no metadata field 'country'" in err and "sector" in err


def test_parquet_has_the_json_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="the arrow extra is not installed")
    target = tmp_path / "scan.parquet"
    args = (
        "scan",
        "rsi(close, 14) > 60",
        "--columns",
        "rsi(close, 14)",
        "--symbols",
        "AAPL,MSFT,XOM",
        "--all",
        *RANGE,
        *FAST,
    )
    assert run(capsys, *args, "--format", "parquet", "--out", str(target))[0] == 0
    _, out, _ = run(capsys, *args, "--format", "json")
    table = pq.read_table(target).to_pandas()
    rows = json.loads(out)["results"]
    assert list(table["symbol"]) == [r["symbol"] for r in rows]
    assert list(table["matches"]) == [len(r["matches"]) for r in rows]
    np.testing.assert_allclose(
        table["rsi(close, 14)"], [r["values"]["rsi(close, 14)"] for r in rows]
    )


def test_study_cli_prints_tables_and_writes_the_plot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plot = tmp_path / "study.png"
    code, out, _ = run(
        capsys,
        "study",
        "rank(roc(close, 20)) <= 5",
        "--horizons",
        "1,5",
        "--symbols",
        "AAPL,MSFT,XOM,CVX,JPM,KO,PEP,NFLX",
        "--from",
        "2016-01-01",
        "--plot",
        str(plot),
        "--backend",
        "thread",
    )
    assert code == 0 and "== by year ==" in out and "== by sector ==" in out
    assert plot.stat().st_size > 1000
    lines = [line.split() for line in out.splitlines() if line.startswith("all ")]
    assert [line[1] for line in lines] == ["1", "5"]


def test_bad_horizons_and_sorting_by_a_bad_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "study", "close > 0", "--horizons", "0,5")[0] == 2
    code, _, err = run(capsys, "scan", "close > 0", "--sort", "-rsx(close)", *RANGE, *FAST)
    assert code == 1 and "unknown function 'rsx'" in err and "^" in err


def test_a_plain_cross_sectional_scan_keeps_the_classic_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without screener options the engine's own path runs; the rank term is a column."""
    code, out, _ = run(
        capsys, "scan", "rank(roc(close, 63)) <= 3", "--format", "json", *RANGE, *FAST
    )
    document = json.loads(out)
    assert code == 0 and "job" in document
    assert document["indicator_terms"] == ["rank(roc(close, 63))", "roc(close, 63)"]
    ranks = {
        r["symbol"]: r["computed_indicators"].get("rank(roc(close, 63))")
        for r in document["results"]
    }
    # on the last bar exactly three symbols hold ranks 1..3 (real prices: no ties here)
    assert sorted(v for v in ranks.values() if v is not None and v <= 3) == [1.0, 2.0, 3.0]
    on_last = [r["symbol"] for r in document["results"] if r["on_last_bar"]]
    assert sorted(on_last) == sorted(s for s, v in ranks.items() if v is not None and v <= 3)
