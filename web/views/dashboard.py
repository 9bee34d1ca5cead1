"""The first page: open work by status and by assignee, the last 30 days, what needs a look."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.dashboard import dashboard
from web.keys import SANDBOX_ENABLED, SETTINGS, db_session, employee, request_now

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 160, 2


def chart(per_day: list[tuple[Any, int]]) -> dict[str, Any]:
    """Bars of an SVG chart, computed here so the page needs no script."""
    peak = max((count for _, count in per_day), default=0) or 1
    width = CHART_WIDTH / max(len(per_day), 1)
    bars = []
    for index, (day, count) in enumerate(per_day):
        height = round(count / peak * (CHART_HEIGHT - 20), 1)
        bars.append(
            {
                "x": round(index * width, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(width - BAR_GAP, 1),
                "height": height,
                "label": f"{day.isoformat()}: {count}",
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "peak": peak}


@aiohttp_jinja2.template("dashboard.html")
async def home(request: web.Request) -> dict[str, Any]:
    numbers = await dashboard(
        db_session(request),
        actor=employee(request),
        zone=request.app[SETTINGS].zone,
        now=request_now(request),
    )
    return {
        "numbers": numbers,
        "chart": chart(numbers.per_day),
        "sandbox": request.app[SANDBOX_ENABLED],
    }
