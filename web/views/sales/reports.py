"""The sales reports: the pipeline by stage and owner (``/reports/pipeline``) and the win rate
with the time spent at each stage (``/reports/win-rate``), each a page with an SVG chart and a
CSV of the same figures. The figures and who sees which are crm/sales/*_figures.py's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web
from babel.numbers import format_percent

from crm.money import format_money
from crm.periods import Period
from crm.sales.pipeline_figures import OPEN_PIPELINE, PipelineFigures, Tally, pipeline_figures
from crm.sales.rules import STAGE_NAMES
from crm.sales.win_figures import WinFigures, WinRow, win_figures
from web.i18n import Words, words
from web.keys import SETTINGS, db_session, employee
from web.views.listing import send_csv
from web.views.report_charts import Chart, Row, bar_chart
from web.views.report_pages import (
    asked_period,
    period_cells,
    period_context,
    read_period,
    refuse_csv,
    render_report,
)

ZERO = Decimal("0.00")


def _sayings(said: Words) -> dict[str, Any]:
    """What both pages write with: stage names, money in a deal's currency, a percentage."""
    return {
        "stage_names": {stage: said.gettext(name) for stage, name in STAGE_NAMES.items()},
        "money_in": lambda value, currency: format_money(value, currency, said.language),
        "percent": lambda value: _percent(value, said),
        "open_stages": OPEN_PIPELINE,
    }


def _percent(value: Decimal, said: Words) -> str:
    return str(format_percent(value / 100, "#,##0.#%", locale=said.language))


# The pipeline -------------------------------------------------------------------------------


def _pipeline_period(request: web.Request) -> tuple[Period | None, dict[str, str]]:
    """The period of creation when the URL asks for one; every open deal without."""
    if not asked_period(request):
        return None, {}
    return read_period(request)


def _pipeline_charts(figures: PipelineFigures, said: Words) -> list[tuple[str, Chart]]:
    """A chart per currency: a bar per open stage, as long as its value, its weighted forecast
    the first part."""
    _ = said.gettext
    charts = []
    for currency in figures.currencies:

        def money(value: Decimal, currency: str = currency) -> str:
            return format_money(value, currency, said.language)

        rows = []
        for row in figures.by_stage:
            value = row.tally.value.get(currency, Decimal(0))
            forecast = row.tally.forecast.get(currency, Decimal(0))
            rows.append(
                Row(
                    _(STAGE_NAMES[row.stage]),
                    [(float(forecast), money(forecast)), (float(value - forecast), money(value))],
                    money(value),
                    [_("weighted forecast"), _("value")],
                )
            )
        legend = [_("weighted forecast"), _("the rest of the value")]
        charts.append((currency, bar_chart(rows, legend, values_inside=False)))
    return charts


async def pipeline_report(request: web.Request) -> web.Response:
    """GET /reports/pipeline: open deals per stage and owner (all open deals, or those created
    in the period asked)."""
    viewer = employee(request)
    created, errors = _pipeline_period(request)
    said = words(request)
    figures = None
    if not errors:
        figures = await pipeline_figures(db_session(request), actor=viewer, created=created)
    context = {
        **period_context(request, created),
        "figures": figures,
        "charts": _pipeline_charts(figures, said) if figures else [],
        **_sayings(said),
    }
    return render_report(request, "sales_reports/pipeline.html", context, errors)


async def pipeline_csv(request: web.Request) -> web.StreamResponse:
    created, errors = _pipeline_period(request)
    if errors:
        raise refuse_csv(errors)
    figures = await pipeline_figures(db_session(request), actor=employee(request), created=created)
    period = period_cells(created) if created else ["", ""]
    # Every stage has its lines, in the business currency when no deal is open.
    currencies = figures.currencies or [request.app[SETTINGS].currency]

    def line(by: str, key: str, name: str, chance: str, tally: Tally, currency: str) -> list[str]:
        value, forecast = tally.value.get(currency, ZERO), tally.forecast.get(currency, ZERO)
        counted = str(tally.counts.get(currency, 0))
        return [*period, by, key, name, chance, currency, counted, str(value), str(forecast)]

    rows = [
        line("stage", row.stage.value, row.stage.value, str(row.chance), row.tally, currency)
        for row in figures.by_stage
        for currency in currencies
    ]
    rows += [
        line("owner", _key(row.owner_id), row.name or "", "", row.tally, currency)
        for row in figures.by_owner
        for currency in row.tally.counts
    ]
    rows += [line("total", "", "", "", figures.total, currency) for currency in currencies]
    header = ["created_from", "created_to", "by", "id", "name", "win_chance"]
    header += ["currency", "deals", "value", "weighted_forecast"]
    return await send_csv(request, "pipeline.csv", header, rows)


def _key(owner_id: int | None) -> str:
    return "" if owner_id is None else str(owner_id)


# Won and lost, and the time at each stage -----------------------------------------------------


def _win_charts(figures: WinFigures, said: Words) -> tuple[Chart, Chart]:
    """Won and lost per owner (the win rate beside each bar), and the average days per stage."""
    _ = said.gettext
    nobody = _("nobody")

    def rate(row: WinRow) -> str:
        return "—" if row.win_rate is None else _percent(row.win_rate, said)

    closed = bar_chart(
        [
            Row(
                row.name or nobody,
                [(row.won, said.number(row.won)), (row.lost, said.number(row.lost))],
                rate(row),
            )
            for row in figures.by_owner
            if row.closed
        ],
        [_("won"), _("lost")],
    )
    days = []
    for stage in OPEN_PIPELINE:
        average = figures.total.stays[stage].average_days
        shown = "—" if average is None else _("{days} d.", days=said.number(average))
        days.append(Row(_(STAGE_NAMES[stage]), [(float(average or 0), shown)], shown))
    return closed, bar_chart(days)


async def win_rate_report(request: web.Request) -> web.Response:
    """GET /reports/win-rate: deals won and lost in the period, the win rate and the average
    time at each stage, per owner and in total."""
    within, errors = read_period(request)
    said = words(request)
    figures = None
    if within is not None:
        figures = await win_figures(db_session(request), actor=employee(request), within=within)
    closed_chart, days_chart = _win_charts(figures, said) if figures else (None, None)
    context = {
        **period_context(request, within),
        "figures": figures,
        "closed_chart": closed_chart,
        "days_chart": days_chart,
        **_sayings(said),
    }
    return render_report(request, "sales_reports/win_rate.html", context, errors)


async def win_rate_csv(request: web.Request) -> web.StreamResponse:
    within, errors = read_period(request)
    if within is None:
        raise refuse_csv(errors)
    figures = await win_figures(db_session(request), actor=employee(request), within=within)

    def cells(by: str, row: WinRow) -> list[str]:
        key = "" if by == "total" else _key(row.owner_id)
        found = [*period_cells(within), by, key, row.name or ""]
        found += [str(row.won), str(row.lost), "" if row.win_rate is None else str(row.win_rate)]
        for stage in OPEN_PIPELINE:
            stays = row.stays[stage]
            average = stays.average_days
            found += [str(stays.count), "" if average is None else str(average)]
        return found

    header = ["from", "to", "by", "owner_id", "owner", "won", "lost", "win_rate_percent"]
    for stage in OPEN_PIPELINE:
        header += [f"{stage.value}_stays", f"{stage.value}_average_days"]
    rows = [cells("owner", row) for row in figures.by_owner] + [cells("total", figures.total)]
    return await send_csv(request, "win-rate.csv", header, rows)
