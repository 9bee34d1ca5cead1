"""School contracts: the filtered listing and its CSV export."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from crm.contract_listing import NO_TEACHER, ContractFilter, export_contracts, list_contracts
from crm.contracts import branches
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import looks_like_id, parse_id
from crm.languages import all_languages, teachers
from crm.phones import phone_search_digits
from crm.visibility import may_manage
from db.enums import ContractStatus
from db.models import Contract
from web.forms import Reader
from web.i18n import words
from web.keys import SETTINGS, db_session, employee

FILTER_KEYS = ("status", "language", "teacher", "branch", "client", "from", "to")


def read_filter(request: web.Request) -> tuple[ContractFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported next to their field."""
    query = request.query
    _ = words(request).gettext
    reader = Reader(query, _)  # type: ignore[arg-type]
    statuses = []
    for raw in query.getall("status", []):
        try:
            statuses.append(ContractStatus(raw))
        except ValueError:
            reader.errors["status"] = _("unknown status {status}", status=repr(raw))
    client = reader.text("client")
    if looks_like_id(client) and parse_id(client) is None and phone_search_digits(client) is None:
        reader.errors["client"] = _("Client id is out of range")
    teacher = reader.text("teacher").strip()
    if teacher not in ("", NO_TEACHER) and parse_id(teacher) is None:
        reader.errors["teacher"] = _("Teacher must be an employee id or none")
    wanted = ContractFilter(
        statuses=tuple(statuses),
        language_id=reader.identifier("language", N_("Language")),
        teacher=teacher,
        branch_id=reader.identifier("branch", N_("Branch")),
        client=client,
        signed_from=reader.day("from", N_("From")),
        signed_to=reader.day("to", N_("To")),
        zone=request.app[SETTINGS].zone,
    )
    return wanted, reader.errors


def _filter_query(request: web.Request, **extra: str) -> str:
    pairs = [(key, value) for key in FILTER_KEYS for value in request.query.getall(key, [])]
    pairs += list(extra.items())
    return urlencode(pairs)


async def contract_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    session, viewer = db_session(request), employee(request)
    page = None
    cursor, before = request.query.get("after"), request.query.get("before")
    if not errors:
        try:
            page = await list_contracts(session, viewer, wanted, cursor=cursor, before=before)
        except InvalidInput as error:
            errors[error.field or "from"] = words(request).error(error)

    def link(**extra: str) -> str:
        return f"/contracts?{_filter_query(request, **extra)}"

    context = {
        "page": page,
        "errors": errors,
        "query": request.query,
        "selected_statuses": set(request.query.getall("status", [])),
        "statuses": [
            (status.value, words(request).contract_status(status)) for status in ContractStatus
        ],
        "language_choices": await all_languages(session),
        "teachers": await teachers(session),
        "branches": await branches(session),
        "can_sign": may_manage(viewer),
        "csv_url": f"/contracts.csv?{_filter_query(request)}",
        "next_url": link(after=page.next_cursor) if page and page.next_cursor else None,
        "previous_url": (
            link(before=page.previous_cursor) if page and page.previous_cursor else None
        ),
        "first_url": link() if cursor or before else None,
    }
    return aiohttp_jinja2.render_template(
        "contracts/list.html", request, context, status=400 if errors else 200
    )


def _cell(value: str) -> str:
    # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv_row(contract: Contract) -> list[str]:
    return [
        str(contract.id),
        contract.signed_at.isoformat(timespec="seconds"),
        contract.status.value,
        _cell(contract.client.full_name),
        _cell(contract.client.phone or ""),
        _cell(contract.language.name),
        str(contract.lessons),
        str(contract.lessons_given),
        str(contract.total),
        str(contract.paid),
        _cell(contract.teacher.full_name if contract.teacher else ""),
        _cell(contract.branch.name if contract.branch else ""),
    ]


async def contract_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows, streamed; refused with a whole 400 page before the first byte."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_contracts(db_session(request), employee(request), wanted)
    try:
        first: list[Contract] = await anext(chunks, [])
    except InvalidInput as error:
        raise web.HTTPBadRequest(text=words(request).error(error)) from error
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="contracts.csv"',
    }
    if request.method == "HEAD":
        await chunks.aclose()
        return web.Response(headers=headers)
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "id",
            "signed",
            "status",
            "client",
            "phone",
            "language",
            "lessons",
            "lessons_given",
            "total",
            "paid",
            "teacher",
            "branch",
        ]
    )
    for contract in first:
        writer.writerow(_csv_row(contract))
    async for chunk in chunks:
        for contract in chunk:
            writer.writerow(_csv_row(contract))
        await response.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    await response.write(buffer.getvalue().encode("utf-8"))
    await response.write_eof()
    return response
