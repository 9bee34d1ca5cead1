"""The school's catalog: languages with their price per lesson, and the discount tiers."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.i18n import N_
from crm.school.languages import (
    LanguageDraft,
    delete_discount_tier,
    delete_language,
    language_catalog,
    language_to_change,
    save_discount_tier,
    save_language,
    tier_to_change,
)
from web.forms import Field, Reader
from web.i18n import Gettext, words
from web.keys import db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id


@aiohttp_jinja2.template("languages/list.html")
async def language_list(request: web.Request) -> dict[str, Any]:
    catalog = await language_catalog(db_session(request), actor=employee(request))
    return {"catalog_languages": catalog.languages, "tiers": catalog.tiers}


def _language_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return [
            Field(
                "name",
                _("Name"),
                value=values.get("name", ""),
                required=True,
                error=errors.get("name", ""),
            ),
            Field(
                "price_per_lesson",
                _("Price per lesson"),
                "number",
                values.get("price_per_lesson", ""),
                required=True,
                error=errors.get("price_per_lesson", ""),
                help=_("contracts already signed keep the price they were signed at"),
            ),
            Field(
                "active",
                _("Taught now (clients may sign for it)"),
                "checkbox",
                values.get("active", ""),
            ),
        ]

    return fields


async def language_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    language_id = object_id(request)
    _ = words(request).gettext
    language = await language_to_change(session, actor=actor, language_id=language_id)
    initial: dict[str, Any] = {"active": "on"}
    if language is not None:
        initial = {
            "name": language.name,
            "price_per_lesson": str(language.price_per_lesson),
            "active": "on" if language.active else "",
        }

    async def save(reader: Reader) -> str:
        typed = reader.text("price_per_lesson").strip()
        await save_language(
            session,
            actor=actor,
            draft=LanguageDraft(
                reader.text("name"),
                words(request).typed_amount(typed, "price_per_lesson") if typed else None,
                reader.flag("active"),
            ),
            language_id=language_id,
        )
        return "/languages"

    return await edit_page(
        request,
        title=_("New language") if language is None else _("Edit {name}", name=language.name),
        initial=initial,
        fields_for=_language_fields(_),
        save=save,
        saved_message=_("Language saved."),
        cancel="/languages",
    )


async def language_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    language_id = object_id(request)
    assert language_id is not None
    language = await language_to_change(session, actor=actor, language_id=language_id)
    assert language is not None
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the language {name}", name=language.name),
        delete=lambda: delete_language(session, actor=actor, language_id=language_id),
        done=_("Language deleted."),
        back="/languages",
        cancel="/languages",
    )


def _tier_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return [
            Field(
                "min_lessons",
                _("From this many lessons"),
                "number",
                values.get("min_lessons", ""),
                required=True,
                error=errors.get("min_lessons", ""),
                help=_("a tier that starts at the same number is replaced"),
            ),
            Field(
                "percent",
                _("Discount, percent"),
                "number",
                values.get("percent", ""),
                required=True,
                error=errors.get("percent", ""),
            ),
        ]

    return fields


async def tier_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    _ = words(request).gettext
    await language_catalog(session, actor=actor)  # the catalog's keepers only

    async def save(reader: Reader) -> str:
        min_lessons = reader.integer("min_lessons", N_("From this many lessons"))
        percent = reader.decimal("percent", N_("Discount, percent"))
        reader.done()
        await save_discount_tier(session, actor=actor, min_lessons=min_lessons, percent=percent)
        return "/languages"

    return await edit_page(
        request,
        title=_("New discount tier"),
        initial={},
        fields_for=_tier_fields(_),
        save=save,
        saved_message=_("Discount tier saved."),
        cancel="/languages",
    )


async def tier_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    tier_id = object_id(request)
    assert tier_id is not None
    tier = await tier_to_change(session, actor=actor, tier_id=tier_id)
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_(
            "the discount of {percent} % from {count} lessons",
            percent=words(request).number(tier.percent),
            count=tier.min_lessons,
        ),
        delete=lambda: delete_discount_tier(session, actor=actor, tier_id=tier_id),
        done=_("Discount tier deleted."),
        back="/languages",
        cancel="/languages",
    )
