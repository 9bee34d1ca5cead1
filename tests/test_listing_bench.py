"""``python -m bench.listing`` on a small business: every area fills, and each page it times
shows the same rows as its baseline (the bench stops when they disagree)."""

from __future__ import annotations

from bench.listing import AREAS, area, measure, summary


async def test_the_listing_bench_measures_every_area_and_its_pages_agree_with_their_baselines(
    database_url: str,
) -> None:
    timings = await measure(database_url, [area(name) for name in AREAS], rows=400, rounds=1)
    assert {timing.area for timing in timings} == set(AREAS)
    shown = {(timing.area, timing.case): timing.rows for timing in timings}
    assert shown[("tickets", "all, first page")] == 50
    assert 0 < shown[("tickets", "text: 5% of history")] < 50  # "warranty" in about 5% of 400
    assert shown[("contracts", "admin: all")] == 50
    assert shown[("sessions", "admin: all")] == 50
    assert shown[("deals", "admin: all")] == 50
    assert 0 < shown[("deals", "salesperson: the board")] < shown[("deals", "admin: the board")]
    assert "worst p95" in summary(timings) and "worst ratio" in summary(timings)
