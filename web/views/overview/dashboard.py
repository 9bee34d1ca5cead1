"""The first page: a part from each area that is on (open tickets, contracts, sessions), the
clients who blocked the bot; and the bar chart the parts draw their days with."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.overview.dashboard import unreachable_clients
from web.i18n import Words
from web.keys import SANDBOX_ENABLED, db_session, employee
from web.views.areas import SITE_AREAS, page_parts

# The drawing's own units; the page scales it to the screen (a phone too).
CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 640, 220, 2
# Room for the value ticks on the left, the date labels below, a value above a bar, and half
# of today's date label on the right.
LEFT, BOTTOM, TOP, RIGHT = 34, 26, 16, 20
DATE_EVERY = 7


def chart(per_day: list[tuple[date, int]], said: Words) -> dict[str, Any]:
    """Bars, axes, value ticks and date labels of an SVG chart, computed here so the page needs
    no script; every bar's value is written above it, not only in its hover title."""
    peak = max((count for _, count in per_day), default=0) or 1
    plot_width, plot_height = CHART_WIDTH - LEFT - RIGHT, CHART_HEIGHT - BOTTOM - TOP
    base = CHART_HEIGHT - BOTTOM
    width = plot_width / max(len(per_day), 1)
    bars = []
    for index, (day, count) in enumerate(per_day):
        height = round(count / peak * plot_height, 1)
        x = LEFT + index * width
        bars.append(
            {
                "x": round(x + BAR_GAP / 2, 1),
                "y": round(base - height, 1),
                "width": round(width - BAR_GAP, 1),
                "height": height,
                "middle": round(x + width / 2, 1),
                "count": count,
                "value": said.number(count),
                "title": f"{said.day(day)}: {said.number(count)}",
                # Every week's first day is named under the axis, and so is today.
                "date": said.short_day(day) if (len(per_day) - 1 - index) % DATE_EVERY == 0 else "",
            }
        )
    ticks = [
        {"y": round(base - value / peak * plot_height, 1), "label": said.number(value)}
        for value in sorted({0, (peak + 1) // 2, peak})
    ]
    return {
        "bars": bars,
        "ticks": ticks,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": LEFT,
        "right": CHART_WIDTH - RIGHT,
        "base": base,
        "top": TOP,
        "peak": peak,
    }


@aiohttp_jinja2.template("dashboard.html")
async def home(request: web.Request) -> dict[str, Any]:
    """Each area's numbers the viewer may see, and the clients who cannot be reached."""
    viewer = employee(request)
    sites = request.app[SITE_AREAS]
    return {
        "parts": await page_parts(request, [site.dashboard for site in sites]),
        "unreachable": await unreachable_clients(db_session(request), actor=viewer),
        "sandbox": request.app[SANDBOX_ENABLED],
    }
