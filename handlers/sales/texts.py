"""What the bot says about deals: /deals, a deal's card, its buttons and dialogs. Pure functions;
every piece of user text is escaped; amounts go through the ``DealMoney`` the handler passes
(a deal's own currency, written as the reader's locale writes money)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from crm.sales.pipeline import Column
from crm.sales.rules import STAGE_NAMES
from db.enums import DealStage
from db.models import Deal, Employee
from handlers import written

# An amount in a currency, as the reader writes money.
DealMoney = Callable[[Decimal, str], str]
# The moves a card shows, newest last.
CARD_MOVES = 5

ARROW = "→"


def stage_name(stage: DealStage) -> str:
    return _(STAGE_NAMES[stage])


def usage() -> str:
    form = _("/deals [deal id]")
    return _("Usage: {form}").format(form=html.quote(form))


def values(by_currency: dict[str, Decimal], money: DealMoney) -> str:
    """``€12,000.00`` (``€1.00 + $2.00`` when deals are in several currencies)."""
    if not by_currency:
        return "—"
    return " + ".join(money(value, currency) for currency, value in sorted(by_currency.items()))


def deal_line(deal: Deal, money: DealMoney) -> str:
    """``#5 Warehouse pilot — Sergei Popov · €12,000.00``."""
    who = deal.client.full_name if deal.client else (deal.company.name if deal.company else "")
    named = f"#{deal.id} {html.quote(deal.name)}"
    if who:
        named += f" — {html.quote(who)}"
    return f"{named} · {money(deal.value, deal.currency)}"


def deal_button(deal: Deal, money: DealMoney) -> str:
    """A deal's button in /deals: ``#5 Warehouse pilot · €12,000.00`` (not HTML)."""
    return f"#{deal.id} {deal.name[:40]} · {money(deal.value, deal.currency)}"


def overview(columns: Sequence[Column], money: DealMoney, *, everyone: bool) -> str:
    """The open deals by stage in the pipeline's order: each stage's count and value, its
    newest deals, and how many more there are."""
    total = sum(column.count for column in columns)
    if not total:
        return _("No open deals.") if everyone else _("You have no open deals.")
    head = (
        ngettext("{count} open deal", "{count} open deals", total)
        if everyone
        else ngettext("You have {count} open deal", "You have {count} open deals", total)
    ).format(count=total)
    lines = [html.bold(head)]
    for column in columns:
        if not column.count:
            continue
        lines += [
            "",
            f"{html.bold(stage_name(column.stage))} · {column.count} · "
            f"{values(column.values, money)}",
        ]
        lines += [deal_line(deal, money) for deal in column.deals]
        if column.more:
            lines.append(_("… and {count} more").format(count=column.more))
    lines += ["", _("A button opens a deal's card; all of them are on the site's board.")]
    return "\n".join(lines)


def card(deal: Deal, money: DealMoney, zone: ZoneInfo) -> str:
    """A deal's card: what it is, where it stands, who owns it, and its last moves."""
    lines = [
        html.bold(_("Deal #{id}").format(id=deal.id)) + f" · {html.quote(deal.name)}",
        _("Stage: {stage}").format(stage=html.bold(stage_name(deal.stage))),
        _("Value: {value}").format(value=money(deal.value, deal.currency)),
        _("Client: {name}").format(name=html.quote(deal.client.full_name) if deal.client else "—"),
        _("Company: {name}").format(name=html.quote(deal.company.name) if deal.company else "—"),
        _("Owner: {name}").format(
            name=html.quote(deal.owner.full_name) if deal.owner else _("nobody yet")
        ),
    ]
    if deal.expected_close is not None:
        lines.append(_("Expected close: {day}").format(day=written.day(deal.expected_close, zone)))
    if deal.lost_reason:
        lines.append(_("Why it was lost: {reason}").format(reason=html.quote(deal.lost_reason)))
    if deal.moves:
        lines += ["", html.bold(_("Last moves:"))]
        lines += [_move_line(move.moved_at, move.from_stage, move.to_stage, zone, move.by)
                  for move in deal.moves[-CARD_MOVES:]]  # fmt: skip
    return "\n".join(lines)


def _move_line(
    at: datetime, before: DealStage | None, to: DealStage, zone: ZoneInfo, by: Employee | None
) -> str:
    moved = _("opened") if before is None else f"{stage_name(before)} {ARROW} {stage_name(to)}"
    line = f"{written.moment(at, zone)} · {moved}"
    return f"{line} · {html.quote(by.full_name)}" if by else line


def move_button(stage: DealStage) -> str:
    return f"{ARROW} {stage_name(stage)}"


def work_button(action: str) -> str:
    labels = {
        "call": _("📞 Log a call"),
        "meeting": _("🤝 Log a meeting"),
        "task": _("📝 Add a task"),
    }
    return labels[action]


def moved(deal: Deal) -> str:
    if deal.stage is DealStage.WON:
        return _("🏆 Deal #{id} is won.").format(id=deal.id)
    if deal.stage is DealStage.LOST:
        return _("Deal #{id} is lost.").format(id=deal.id)
    return _("Deal #{id} is now {stage}.").format(id=deal.id, stage=stage_name(deal.stage))


def ask_reason(deal: Deal) -> str:
    question = _("Why was deal #{id} ({name}) lost? One line is enough (/cancel keeps it open).")
    return question.format(id=deal.id, name=html.quote(deal.name))


def ask_note(deal: Deal, kind: str) -> str:
    if kind == "call":
        question = _("A call on deal #{id} ({name}): what was said? (/skip: no note)")
    else:
        question = _("A meeting on deal #{id} ({name}): how did it go? (/skip: no note)")
    return question.format(id=deal.id, name=html.quote(deal.name))


def logged(kind: str, deal_id: int) -> str:
    if kind == "call":
        return _("📞 Call logged on deal #{id}.").format(id=deal_id)
    return _("🤝 Meeting logged on deal #{id}.").format(id=deal_id)


def ask_task_title(deal: Deal) -> str:
    return _("A task on deal #{id} ({name}): what is to be done? (/cancel: no task)").format(
        id=deal.id, name=html.quote(deal.name)
    )


def ask_task_due(example: str) -> str:
    return _("When is it due? For example {example} (/skip: no due time).").format(
        example=html.quote(example)
    )


def task_added(task_id: int, deal_id: int, due: str | None) -> str:
    if due is None:
        return _("📝 Task #{task} added to deal #{deal}.").format(task=task_id, deal=deal_id)
    return _("📝 Task #{task} added to deal #{deal}, due {due}.").format(
        task=task_id, deal=deal_id, due=due
    )
