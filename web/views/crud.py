"""The shape every edit page shares: show the form, read it, save through a service, show each
refusal next to its field, redirect with a message on success; deletion after a confirmation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.errors import Conflict, DomainError, InvalidFields, InvalidInput
from crm.ids import parse_id
from crm.moments import parse_moment
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.i18n import Words, words
from web.keys import SETTINGS, db_session, request_now

FieldsFor = Callable[[dict[str, Any], dict[str, str]], Awaitable[list[Field]]]
Save = Callable[[Reader], Awaitable[str]]  # returns where to go next


def object_id(request: web.Request, key: str = "id") -> int | None:
    """The record id in the URL (None on a "new" page); a number no record can have is a 404."""
    raw = request.match_info.get(key)
    if raw is None:
        return None
    found = parse_id(raw)
    if found is None:
        raise web.HTTPNotFound()
    return found


def read_moment(request: web.Request, reader: Reader, name: str) -> datetime | None:
    """The date and time typed in ``name`` in the business time zone, None when left empty; one
    it cannot read is refused next to the field."""
    typed = reader.text(name).strip()
    if not typed:
        return None
    try:
        return parse_moment(typed, request.app[SETTINGS].zone, request_now(request), name)
    except InvalidInput as error:
        reader.errors[name] = words(request).error(error)
        return None


def refusals_by_field(words: Words, error: DomainError) -> dict[str, str]:
    """Each refused field's message, in the page's language; ``_form`` for the whole form."""
    problems = error.problems if isinstance(error, InvalidFields) else [error]
    found: dict[str, str] = {}
    for problem in problems:
        found.setdefault(problem.field or "_form", words.error(problem))
    return found


async def edit_page(
    request: web.Request,
    *,
    title: str,
    initial: dict[str, Any],
    fields_for: FieldsFor,
    save: Save,
    saved_message: str,
    cancel: str,
) -> web.StreamResponse:
    """GET shows the form filled with ``initial``; POST saves it or shows it with errors.

    A ``save`` may call its service before ``reader.done()``: the service's refusals are then
    shown together with the fields the reader could not read, all at once.
    """
    values: dict[str, Any] = initial
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await request.post()
        reader = Reader(form, words(request).gettext)
        values = {}
        for key in form:
            sent = [value for value in form.getall(key) if isinstance(value, str)]
            # A field sent more than once (a set of checkboxes) keeps every value.
            if sent:
                values[key] = sent if len(sent) > 1 else sent[0]
        try:
            # A savepoint: a refused save leaves nothing behind, and the request goes on.
            async with db_session(request).begin_nested():
                target = await save(reader)
        except FormErrors as error:
            errors = error.errors
        except DomainError as error:
            errors = {**reader.errors, **refusals_by_field(words(request), error)}
        else:
            await flash(request, saved_message)
            raise web.HTTPFound(target)
    context = {
        "title": title,
        "fields": await fields_for(values, errors),
        "form_error": errors.get("_form", ""),
        "cancel": cancel,
    }
    return aiohttp_jinja2.render_template(
        "form.html", request, context, status=400 if errors else 200
    )


async def delete_page(
    request: web.Request,
    *,
    what: str,
    delete: Callable[[], Awaitable[None]],
    done: str,
    back: str,
    cancel: str,
) -> web.StreamResponse:
    """GET (and HEAD) asks to confirm; only POST deletes, or explains why it cannot."""
    if request.method != "POST":
        return aiohttp_jinja2.render_template(
            "confirm_delete.html", request, {"what": what, "cancel": cancel}
        )
    try:
        async with db_session(request).begin_nested():
            await delete()
    except Conflict as error:
        return aiohttp_jinja2.render_template(
            "confirm_delete.html",
            request,
            {"what": what, "cancel": cancel, "refusal": words(request).error(error)},
            status=409,
        )
    await flash(request, done)
    raise web.HTTPFound(back)
