"""The daily digest: each employee's message of the morning, one part per area that is on
(open tickets, the day's sessions and overdue reports, …), queued once a day through the
outbox; ``/digest`` shows the asker's now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DigestDay, DigestPart, DigestText, NoticeKind
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor, is_manager, manager_rows, require_staff
from db.models import Employee

# The dedupe keys of the digests start so; the notification centre files them as digests.
KEY_PREFIX = "digest"
DIGESTS = NoticeKind("digest", N_("Digests"), keys=(KEY_PREFIX,))


def _joined(
    texts: Sequence[DigestText], employee_id: int, manager: bool, language: str | None
) -> str:
    parts = (text(employee_id, manager, language) for text in texts)
    return "\n\n".join(part for part in parts if part)


async def enqueue_digests(
    session: AsyncSession,
    notifier: Notifier,
    parts: Sequence[DigestPart],
    *,
    day: date,
    now: datetime,
) -> int:
    """Queue ``day``'s digest for every employee with something open; at most once a day each.

    ``day`` is the business day (in CRM_TIMEZONE) the digest is for; ``now`` the moment it is
    queued at; ``parts`` the digest parts of the areas that are on.

    Returns how many were queued now (not those queued earlier the same day). Plain rows rather
    than ORM objects: the morning fan-out reaches every employee at once.
    """
    staff = await session.execute(
        # Their chosen language, else their Telegram app's (as Notifier.language_of).
        select(
            Employee.id,
            Employee.telegram_id,
            manager_rows(),  # is_manager, read in the query: managers are told the queue
            func.coalesce(Employee.language, Employee.telegram_language),
        )
        .where(Employee.active.is_(True), Employee.telegram_id.is_not(None))
        .order_by(Employee.id)
    )
    ask = DigestDay(day=day, now=now)
    texts = [await part(session, notifier, ask) for part in parts]
    digests: list[tuple[int, str, str]] = []
    for employee_id, chat_id, manager, language in staff:
        text = _joined(texts, employee_id, bool(manager), language)
        if not text:
            continue  # an empty digest is noise
        assert chat_id is not None  # filtered above
        digests.append((chat_id, text, f"{KEY_PREFIX}:{employee_id}:{day.isoformat()}"))
    return await notifier.enqueue_once(session, digests, now=now)


async def digest_now(
    session: AsyncSession,
    notifier: Notifier,
    parts: Sequence[DigestPart],
    *,
    actor: Actor,
    now: datetime,
) -> str:
    """The asker's digest, to show right away (``/digest``); ``now`` says which business day."""
    employee: Employee = require_staff(actor)
    ask = DigestDay(day=now.astimezone(notifier.zone).date(), now=now, employee_id=employee.id)
    texts = [await part(session, notifier, ask) for part in parts]
    language = notifier.language_of(employee)
    text = _joined(texts, employee.id, is_manager(employee), language)
    return text or notifier.translator(language).gettext("Nothing for you today.")
