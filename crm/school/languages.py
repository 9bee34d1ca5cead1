"""The school's catalog: languages with their price per lesson, discount tiers, and the
teachers people may browse. Everyone may read the catalog; owners and administrators keep it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import Conflict, FieldChecks, InvalidFields, InvalidInput, NotFound
from crm.i18n import N_
from crm.money import MAX_AMOUNT
from crm.people.names import clean_name
from crm.permissions import Actor, require_manager
from crm.school.rules import MAX_LESSONS, percent_kept
from db.enums import Role
from db.models import Contract, DiscountTier, Employee, Language
from db.models.school import LANGUAGE_NAME_LENGTH


async def active_languages(session: AsyncSession) -> list[Language]:
    """What the school teaches now, by name: the catalog a client chooses from."""
    found = await session.scalars(
        select(Language).where(Language.active.is_(True)).order_by(Language.name)
    )
    return list(found)


async def all_languages(session: AsyncSession) -> list[Language]:
    """Every language, taught now or not, by name (for filters and forms)."""
    return list(await session.scalars(select(Language).order_by(Language.name)))


async def get_language(session: AsyncSession, language_id: int) -> Language:
    language = await session.get(Language, language_id)
    if language is None:
        raise NotFound(N_("that language does not exist"))
    return language


async def discount_tiers(session: AsyncSession) -> list[DiscountTier]:
    """The discount tiers, smallest first."""
    return list(await session.scalars(select(DiscountTier).order_by(DiscountTier.min_lessons)))


async def teachers(session: AsyncSession, language_id: int | None = None) -> list[Employee]:
    """Active staff who teach a language (``language_id``'s, if given), by name, with their
    languages and branch: the teachers a client may browse and an administrator may assign."""
    query = (
        select(Employee)
        .where(Employee.active.is_(True), Employee.languages.any())
        .options(selectinload(Employee.languages), selectinload(Employee.department))
        .order_by(Employee.full_name, Employee.id)
    )
    if language_id is not None:
        query = query.where(Employee.languages.any(Language.id == language_id))
    return list(await session.scalars(query))


@dataclass(frozen=True)
class Catalog:
    """The catalog as the people who keep it see it."""

    languages: list[Language]
    tiers: list[DiscountTier]


async def language_catalog(session: AsyncSession, *, actor: Actor) -> Catalog:
    """Every language and discount tier, for owners and administrators to keep."""
    require_manager(actor)
    return Catalog(await all_languages(session), await discount_tiers(session))


async def language_to_change(
    session: AsyncSession, *, actor: Actor, language_id: int | None
) -> Language | None:
    """The language to change or delete (None for a new one), once it is sure ``actor`` may."""
    require_manager(actor)
    return None if language_id is None else await get_language(session, language_id)


async def tier_to_change(session: AsyncSession, *, actor: Actor, tier_id: int) -> DiscountTier:
    """The discount tier to delete, once it is sure ``actor`` may."""
    require_manager(actor)
    tier = await session.get(DiscountTier, tier_id)
    if tier is None:
        raise NotFound(N_("that discount tier does not exist"))
    return tier


async def languages_taught(
    session: AsyncSession, *, actor: Actor, employee: Employee
) -> list[Language]:
    """What ``employee`` teaches, for whoever manages staff."""
    require_manager(actor)
    await session.refresh(employee, ["languages"])
    return list(employee.languages)


@dataclass(frozen=True)
class LanguageDraft:
    name: str
    price_per_lesson: Decimal | None
    active: bool = True


async def save_language(
    session: AsyncSession, *, actor: Actor, draft: LanguageDraft, language_id: int | None
) -> Language:
    """Add a language to the catalog or change one (its name, price, whether it is taught).
    Contracts already signed keep the price they were signed at."""
    require_manager(actor)
    checks = FieldChecks()
    name = ""
    with checks.field("name"):
        name = clean_name(draft.name, "name", longest=LANGUAGE_NAME_LENGTH)
        clash = await session.scalar(
            select(Language).where(func.lower(Language.name) == name.lower())
        )
        if clash is not None and clash.id != language_id:
            raise InvalidInput(N_("there is already a language called {name}"), name=name)
    price = draft.price_per_lesson
    if price is None:
        checks.refuse(N_("give the price per lesson"), field="price_per_lesson")
    elif not Decimal(0) < price <= MAX_AMOUNT:
        checks.refuse(N_("the price per lesson must be more than zero"), field="price_per_lesson")
    if checks.problems:
        raise InvalidFields(checks.problems)
    assert price is not None
    language = Language() if language_id is None else await get_language(session, language_id)
    language.name, language.price_per_lesson, language.active = name, price, draft.active
    session.add(language)
    await session.flush()
    return language


async def delete_language(session: AsyncSession, *, actor: Actor, language_id: int) -> None:
    """Remove a language nobody signed for; one with contracts is switched off instead."""
    require_manager(actor)
    language = await get_language(session, language_id)
    signed = await session.scalar(
        select(func.count()).select_from(Contract).where(Contract.language_id == language_id)
    )
    if signed:
        raise Conflict(
            (
                N_("{name} has {count} contract: switch it off instead of deleting it"),
                N_("{name} has {count} contracts: switch it off instead of deleting it"),
            ),
            name=language.name,
            count=int(signed),
        )
    await session.delete(language)
    await session.flush()


async def save_discount_tier(
    session: AsyncSession, *, actor: Actor, min_lessons: int | None, percent: Decimal | None
) -> DiscountTier:
    """Set the discount from ``min_lessons`` lessons (one tier per threshold)."""
    require_manager(actor)
    checks = FieldChecks()
    if min_lessons is None or not 2 <= min_lessons <= MAX_LESSONS:
        checks.refuse(
            N_("a tier starts at 2 to {most} lessons"), field="min_lessons", most=MAX_LESSONS
        )
    # Kept to the hundredth, as the column holds it: what is stored is what is computed,
    # and 99.999 % is 100 %, refused like it.
    percent = None if percent is None else percent_kept(percent)
    if percent is None or not Decimal(0) < percent < Decimal(100):
        checks.refuse(N_("the discount must be between 0 and 100 percent"), field="percent")
    if checks.problems:
        raise InvalidFields(checks.problems)
    assert min_lessons is not None and percent is not None
    tier = await session.scalar(select(DiscountTier).where(DiscountTier.min_lessons == min_lessons))
    if tier is None:
        tier = DiscountTier(min_lessons=min_lessons)
        session.add(tier)
    tier.percent = percent
    await session.flush()
    return tier


async def delete_discount_tier(session: AsyncSession, *, actor: Actor, tier_id: int) -> None:
    """Remove a tier; contracts signed with it keep their discount."""
    require_manager(actor)
    tier = await session.get(DiscountTier, tier_id)
    if tier is None:
        raise NotFound(N_("that discount tier does not exist"))
    await session.delete(tier)
    await session.flush()


async def set_teacher_languages(
    session: AsyncSession, *, actor: Actor, employee: Employee, language_ids: list[int]
) -> None:
    """What ``employee`` teaches (owners and administrators); helpers teach nothing."""
    require_manager(actor)
    wanted = set(language_ids)
    languages = list(await session.scalars(select(Language).where(Language.id.in_(wanted))))
    if len(languages) != len(wanted):
        raise InvalidInput(N_("that language does not exist"), field="language_ids")
    if languages and employee.role is Role.HELPER:
        raise InvalidInput(
            N_("a helper does not teach: make them a specialist first"), field="language_ids"
        )
    await session.refresh(employee, ["languages"])
    employee.languages = sorted(languages, key=lambda language: language.name)
    await session.flush()
