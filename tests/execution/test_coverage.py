"""A range outside the source's data is one job-level error, raised before any worker runs."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from candlescan import DateRange, InvalidJobError, ProcessingEngine, ProcessingJob
from candlescan.plugins.sources.synthetic import SyntheticRepository


class GrowingSource(SyntheticRepository):
    """A live source: its coverage ends later each time it is asked."""

    def __init__(self) -> None:
        super().__init__(3, 300)
        self.asked = 0

    def coverage(self) -> DateRange:
        self.asked += 1
        span = super().coverage()
        return DateRange(span.start, date(2030, 1, 1)) if self.asked > 1 else span


class BrokenCoverage(SyntheticRepository):
    def coverage(self) -> DateRange:
        raise OSError("coverage is unavailable")


def _job(repo: SyntheticRepository, start: str, end: str) -> ProcessingJob:
    return ProcessingJob("cov", repo.symbols(), "1d", DateRange(start, end), "close > 0")


def test_a_range_after_the_data_names_the_coverage(service) -> None:  # type: ignore[no-untyped-def]
    repo = SyntheticRepository(3, 300)
    span = repo.coverage()
    engine = ProcessingEngine(repo, service, 1, backend="serial")
    with engine, pytest.raises(InvalidJobError) as info:
        asyncio.run(engine.process_batch(_job(repo, "2020-01-01", "2020-12-31")))
    assert str(info.value) == (
        f"no data between 2020-01-01 and 2020-12-31: {repo.describe()} has data from "
        f"{span.start} to {span.end}"
    )


def test_the_coverage_is_asked_again_only_for_a_range_outside_it(service) -> None:  # type: ignore[no-untyped-def]
    repo = GrowingSource()
    with ProcessingEngine(repo, service, 1, backend="serial") as engine:
        inside = _job(repo, "2013-06-01", "2013-06-30")
        asyncio.run(engine.process_batch(inside))
        asyncio.run(engine.process_batch(inside))
        assert repo.asked == 1
        # outside what was known: asked again, and the grown coverage lets the job run
        results = asyncio.run(engine.process_batch(_job(repo, "2025-01-01", "2025-02-01")))
        assert repo.asked == 2
        assert all((r.error or "").startswith("NoBarsInRangeError") for r in results)


def test_a_source_whose_coverage_fails_is_not_checked(service) -> None:  # type: ignore[no-untyped-def]
    repo = BrokenCoverage(2, 300)
    with ProcessingEngine(repo, service, 1, backend="serial") as engine:
        results = asyncio.run(engine.process_batch(_job(repo, "2013-06-01", "2013-06-30")))
    assert all(r.ok for r in results)
