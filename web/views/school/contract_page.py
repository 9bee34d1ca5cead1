"""A school contract's page and what can be done on it: record a payment, assign the teacher,
record a lesson, terminate it; signing one for a client, changing and deleting it."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.people.clients import get_client
from crm.people.staff_search import StaffRef
from crm.school.contracts import (
    ContractDraft,
    assign_teacher,
    branches,
    contract_for,
    contract_to_change,
    delete_contract,
    edit_contract,
    record_lesson,
    record_payment,
    sign_contract,
    signing_choices,
    terminate_contract,
)
from crm.school.languages import teachers
from crm.school.rules import PAYMENT_METHOD_NAMES, actions, require_open
from db.enums import PaymentMethod
from db.models import Contract, Department, Language
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.i18n import Gettext, words
from web.keys import NOTIFIER, db_session, employee, request_now
from web.views.crud import FieldsFor, delete_page, edit_page, object_id
from web.views.people.client_picker import Picked, card_number, client_fields, pick_client

# Each form of the card and the fields a refusal may be shown next to; any other refusal is
# shown above the form's button.
ACTION_FIELDS = {
    "pay": ("amount", "method", "note"),
    "assign": ("teacher_id",),
    "lesson": (),
    "terminate": ("reason",),
}
DONE = {
    "pay": N_("Payment recorded; the client is told."),
    "assign": N_("Teacher assigned; the teacher and the client are told."),
    "lesson": N_("Lesson recorded; the client is told."),
    "terminate": N_("Contract terminated; the client and the teacher are told."),
}


def _contract_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


async def _card(
    request: web.Request,
    contract: Contract,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    allowed = actions(employee(request), contract)  # the bot's card reads the same
    return {
        "contract": contract,
        "actions": allowed,
        "forms": allowed & set(ACTION_FIELDS),
        "teachers": (
            await teachers(db_session(request), contract.language_id) if "assign" in allowed else []
        ),
        "methods": [
            (method.value, words(request).named(PAYMENT_METHOD_NAMES)(method))
            for method in PaymentMethod
        ],
        "errors": errors or {},
        "values": values or {},
    }


@aiohttp_jinja2.template("contracts/detail.html")
async def contract_card(request: web.Request) -> dict[str, Any]:
    contract = await contract_for(
        db_session(request), actor=employee(request), contract_id=_contract_id(request)
    )
    return await _card(request, contract)


async def contract_action(request: web.Request) -> web.StreamResponse:
    """One form of the card; a refusal is shown next to its field, and nothing is changed."""
    action = request.match_info["action"]
    contract_id = _contract_id(request)
    session, actor = db_session(request), employee(request)
    # Not visible is not there: a 404 before anything is read.
    await contract_for(session, actor=actor, contract_id=contract_id)
    form = await request.post()
    reader = Reader(form, words(request).gettext)
    values = {key: reader.text(key) for key in ("amount", "method", "note", "reason", "teacher_id")}
    errors: dict[str, str] = {}
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            await _apply(request, action, reader, contract_id)
    except FormErrors as error:
        errors = error.errors
    except (InvalidInput, NotFound) as error:
        # The contract was found above: what is not found now is what the form named.
        field = error.field if error.field in ACTION_FIELDS[action] else action
        errors = {field or action: words(request).error(error)}
    if errors:
        contract = await contract_for(session, actor=actor, contract_id=contract_id)
        context = await _card(request, contract, errors, values)
        return aiohttp_jinja2.render_template("contracts/detail.html", request, context, status=400)
    await flash(request, words(request).gettext(DONE[action]))
    raise web.HTTPFound(f"/contracts/{contract_id}")


async def _apply(request: web.Request, action: str, reader: Reader, contract_id: int) -> None:
    session, actor, now = db_session(request), employee(request), request_now(request)
    notifier = request.app[NOTIFIER]
    if action == "pay":
        typed = reader.text("amount").strip()
        method = reader.choice("method", PaymentMethod, N_("Method"), PaymentMethod.CASH)
        reader.done()
        await record_payment(
            session,
            notifier,
            actor=actor,
            contract_id=contract_id,
            amount=words(request).typed_amount(typed, "amount") if typed else None,
            method=method,
            note=reader.text("note"),
            now=now,
        )
    elif action == "assign":
        teacher_id = reader.identifier("teacher_id", N_("Teacher"))
        reader.done()
        if teacher_id is None:
            raise InvalidInput(N_("choose the teacher"), field="teacher_id")
        await assign_teacher(
            session,
            notifier,
            actor=actor,
            contract_id=contract_id,
            teacher=StaffRef(employee_id=teacher_id),
            now=now,
        )
    elif action == "lesson":
        await record_lesson(session, notifier, actor=actor, contract_id=contract_id, now=now)
    else:
        await terminate_contract(
            session,
            notifier,
            actor=actor,
            contract_id=contract_id,
            reason=reader.text("reason"),
            now=now,
        )


def _lessons_and_branch(
    _: Gettext,
    values: dict[str, Any],
    errors: dict[str, str],
    known_branches: list[Department],
    lessons_help: str,
) -> list[Field]:
    """The number of lessons and the branch: asked when signing and when changing a contract."""
    return [
        Field(
            "lessons",
            _("Lessons"),
            "number",
            values.get("lessons", ""),
            required=True,
            error=errors.get("lessons", ""),
            help=lessons_help,
        ),
        Field(
            "branch_id",
            _("Branch"),
            "select",
            values.get("branch_id", ""),
            options=[("", "—")]
            + [(str(branch.id), f"{branch.name} ({branch.address})") for branch in known_branches],
            error=errors.get("branch_id", ""),
        ),
    ]


def _new_fields(
    _: Gettext,
    values: dict[str, str],
    errors: dict[str, str],
    picked: Picked,
    languages: list[Language],
    known_branches: list[Department],
) -> list[Field]:
    fields = client_fields(values, errors, picked, _)
    fields += [
        Field(
            "language_id",
            _("Language"),
            "select",
            values.get("language_id", ""),
            options=[("", "—")] + [(str(language.id), language.name) for language in languages],
            required=True,
            error=errors.get("language_id", ""),
        ),
    ]
    fields += _lessons_and_branch(
        _,
        values,
        errors,
        known_branches,
        _("the total is the price per lesson times the lessons, less the discount"),
    )
    return fields


async def contract_new(request: web.Request) -> web.StreamResponse:
    """A manager writes down a contract a client signs: client, language, lessons, branch."""
    session, actor = db_session(request), employee(request)
    _ = words(request).gettext
    choices = await signing_choices(session, actor=actor)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    picked = Picked()
    if request.method == "POST":
        reader = Reader(await request.post(), _)
        values = {
            key: reader.text(key) for key in ("client", "language_id", "lessons", "branch_id")
        }
        picked = await pick_client(session, actor, reader)
        if picked.client_id is not None and card_number(values["client"]) != picked.client_id:
            values["client"] = f"#{picked.client_id}"  # the choice survives a refusal
        language_id = reader.identifier("language_id", N_("Language"))
        lessons = reader.integer("lessons", N_("Lessons"))
        branch_id = reader.identifier("branch_id", N_("Branch"))
        try:
            if language_id is None and "language_id" not in reader.errors:
                reader.errors["language_id"] = _("Choose the language")
            if lessons is None and "lessons" not in reader.errors:
                reader.errors["lessons"] = _("Say how many lessons")
            reader.done()
            if picked.client_id is None:
                raise FormErrors({})  # a search: the matches are shown to choose from
            assert language_id is not None and lessons is not None
            async with session.begin_nested():
                client = await get_client(session, actor=actor, client_id=picked.client_id)
                contract = await sign_contract(
                    session,
                    request.app[NOTIFIER],
                    actor=actor,
                    client=client,
                    draft=ContractDraft(language_id, lessons, branch_id),
                    now=request_now(request),
                )
        except FormErrors as error:
            errors = error.errors
        except (InvalidInput, NotFound) as error:
            field = error.field or "client"
            errors = {"client" if field == "client_id" else field: words(request).error(error)}
        else:
            await flash(
                request,
                _(
                    "Contract #{id} signed for {total}.",
                    id=contract.id,
                    total=words(request).money(contract.total),
                ),
            )
            raise web.HTTPFound(f"/contracts/{contract.id}")
    fields = _new_fields(_, values, errors, picked, choices.languages, choices.branches)
    context = {"title": _("New contract"), "fields": fields, "cancel": "/contracts"}
    return aiohttp_jinja2.render_template(
        "form.html", request, context, status=400 if errors else 200
    )


def _edit_fields(_: Gettext, known_branches: list[Department]) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return _lessons_and_branch(
            _,
            values,
            errors,
            known_branches,
            _("the price per lesson and the discount stay as signed"),
        )

    return fields


async def contract_edit(request: web.Request) -> web.StreamResponse:
    """Change a running contract's number of lessons or its branch (owners, administrators)."""
    session, actor = db_session(request), employee(request)
    contract_id = _contract_id(request)
    _ = words(request).gettext
    contract = await contract_to_change(session, actor=actor, contract_id=contract_id)
    require_open(contract)  # an ended contract is not changed: a 400 saying so
    initial = {"lessons": str(contract.lessons), "branch_id": str(contract.branch_id or "")}

    async def save(reader: Reader) -> str:
        lessons = reader.integer("lessons", N_("Lessons"))
        branch_id = reader.identifier("branch_id", N_("Branch"))
        if lessons is None and "lessons" not in reader.errors:
            reader.errors["lessons"] = _("Say how many lessons")
        reader.done()
        assert lessons is not None
        await edit_contract(
            session,
            actor=actor,
            contract_id=contract_id,
            lessons=lessons,
            branch_id=branch_id,
            now=request_now(request),
        )
        return f"/contracts/{contract_id}"

    return await edit_page(
        request,
        title=_("Edit contract #{id}", id=contract_id),
        initial=initial,
        fields_for=_edit_fields(_, await branches(session)),
        save=save,
        saved_message=_("Contract #{id} saved.", id=contract_id),
        cancel=f"/contracts/{contract_id}",
    )


async def contract_delete(request: web.Request) -> web.StreamResponse:
    """A confirmation page, then the deletion with its payments and lessons (POST only)."""
    session, actor = db_session(request), employee(request)
    contract_id = _contract_id(request)
    contract = await contract_to_change(session, actor=actor, contract_id=contract_id)
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_(
            "contract #{id} ({client}, {language})",
            id=contract.id,
            client=contract.client.full_name,
            language=contract.language.name,
        ),
        delete=lambda: delete_contract(session, actor=actor, contract_id=contract_id),
        done=_("Contract #{id} deleted.", id=contract_id),
        back="/contracts",
        cancel=f"/contracts/{contract_id}",
    )
