"""Every area's listing on a large database: p95 of each filtered page and its ratio to a
baseline, and the worst of each across all areas.

    python -m bench.listing [--area NAME ...] [--rows 1000000] [--rounds 40]
                            [--database-url URL ...]

Each area (``AREAS``: tickets, contracts, sessions, deals) fills the database with a realistic
business of ``--rows`` rows, once (they are kept for the next run), and offers its cases: the
page as a person gets it, held against a baseline (bench/ticket_listing.py,
bench/contract_listing.py, bench/session_listing.py, bench/deal_listing.py say which). Each case
is timed ``--rounds`` times, the two ways in alternation. Without ``--database-url`` the
database is a SQLite file in bench/out; give it more than once (say a SQLite file and a
PostgreSQL database) to measure each and print them side by side. The bars: every p95 under
50 ms, every ratio at most 3x.

A new area adds its module with an ``AREA`` (``bench.common.Area``) and its name here.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from importlib import import_module
from pathlib import Path

from bench.common import Area, Timing, alternate, percentile
from db.engine import Database
from db.migrate import upgrade

AREAS = ["tickets", "contracts", "sessions", "deals"]
P95_BAR_MS, RATIO_BAR = 50.0, 3.0


def area(name: str) -> Area:
    """The area ``name`` as bench/<name-singular>_listing.py describes it."""
    module: Area = import_module(f"bench.{name.removesuffix('s')}_listing").AREA
    return module


async def measure(url: str, areas: list[Area], rows: int, rounds: int) -> list[Timing]:
    """Fill ``url`` (migrated first) with each area's rows, then time its cases."""
    print(f"\n== {url}", flush=True)
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    timings: list[Timing] = []
    try:
        for each in areas:
            started = time.perf_counter()
            await each.fill(database, rows)
            print(f"{each.name}: filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        # What the daily housekeeping job does (statistics; on PostgreSQL also VACUUM).
        await database.refresh_statistics()
        for each in areas:
            async with each.cases(database, url) as cases:
                found = []
                for case in cases:
                    shown, measured, baseline = await alternate(case, rounds)
                    found.append(Timing(each.name, case.name, shown, measured, baseline))
            print_area(each, found)
            timings += found
    finally:
        await database.dispose()
    return timings


def print_area(each: Area, timings: list[Timing]) -> None:
    print(f"\n{each.name}: {each.measured}, against {each.baseline}", flush=True)
    heads = ("p50", "p95", "base p50", "base p95", "ratio")
    print(f"{'case':<34}{'rows':>5}" + "".join(f"{head:>10}" for head in heads))
    for timing in timings:
        cells = [
            percentile(samples, share)
            for samples in (timing.measured, timing.baseline)
            for share in (0.5, 0.95)
        ]
        print(
            f"{timing.case:<34}{timing.rows:>5}"
            + "".join(f"{cell:>8.1f}ms" for cell in cells)
            + f"{timing.ratio:>9.2f}x",
            flush=True,
        )


def summary(timings: list[Timing]) -> str:
    """The worst p95 and the worst ratio across every area, each with where it was."""
    slowest = max(timings, key=lambda timing: timing.p95)
    widest = max(timings, key=lambda timing: timing.ratio)
    return (
        f"worst p95 {slowest.p95:.1f} ms ({slowest.area}, {slowest.case}; bar < {P95_BAR_MS:.0f}"
        f" ms); worst ratio {widest.ratio:.2f}x ({widest.area}, {widest.case}; bar <= "
        f"{RATIO_BAR:.0f}x)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--area", action="append", choices=AREAS, help="default: every area")
    parser.add_argument("--rows", type=int, default=1_000_000, help="of each area")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", action="append", help="default: a SQLite file")
    args = parser.parse_args()
    areas = [area(name) for name in args.area or AREAS]
    urls = args.database_url
    if not urls:
        await asyncio.to_thread(Path("bench/out").mkdir, parents=True, exist_ok=True)
        urls = [f"sqlite+aiosqlite:///bench/out/listing-{args.rows}.db"]
    results = [(url, await measure(url, areas, args.rows, args.rounds)) for url in urls]
    print(f"\n{args.rows:,} rows per area, {args.rounds} rounds; areas: {', '.join(AREAS)}")
    for url, timings in results:
        print(f"{url.split('://', 1)[0]}: {summary(timings)}")
    met = all(
        max(timing.p95 for timing in timings) < P95_BAR_MS
        and max(timing.ratio for timing in timings) <= RATIO_BAR
        for _, timings in results
    )
    print("every bar met" if met else "a bar is missed")


if __name__ == "__main__":
    asyncio.run(main())
