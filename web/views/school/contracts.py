"""School contracts: the filtered listing and its CSV export."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_manager
from crm.school.contracts import branches
from crm.school.languages import all_languages, teachers
from crm.school.listing import NO_TEACHER, ContractFilter, export_contracts, list_contracts
from crm.school.rules import STATUS_NAMES
from db.enums import ContractStatus
from db.models import Contract
from web.forms import Reader
from web.i18n import words
from web.keys import SETTINGS, db_session, employee
from web.views.listing import (
    listing_page,
    read_client,
    read_employee,
    read_statuses,
    stream_csv,
)

FILTER_KEYS = ("status", "language", "teacher", "branch", "client", "from", "to")


def read_filter(request: web.Request) -> tuple[ContractFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported next to their field."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    statuses = read_statuses(reader, ContractStatus)
    client = read_client(reader)
    teacher = read_employee(
        reader, "teacher", NO_TEACHER, N_("Teacher must be an employee id or none")
    )
    wanted = ContractFilter(
        statuses=statuses,
        language_id=reader.identifier("language", N_("Language")),
        teacher=teacher,
        branch_id=reader.identifier("branch", N_("Branch")),
        client=client,
        signed_from=reader.day("from", N_("From")),
        signed_to=reader.day("to", N_("To")),
        zone=request.app[SETTINGS].zone,
    )
    return wanted, reader.errors


async def contract_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    session, viewer = db_session(request), employee(request)
    return await listing_page(
        request,
        "contracts/list.html",
        path="/contracts",
        keys=FILTER_KEYS,
        errors=errors,
        fetch=lambda after, before: list_contracts(
            session, viewer, wanted, cursor=after, before=before
        ),
        refused_field="from",
        context={
            "selected_statuses": set(request.query.getall("status", [])),
            "statuses": [
                (status.value, words(request).named(STATUS_NAMES)(status))
                for status in ContractStatus
            ],
            "language_choices": await all_languages(session),
            "teachers": await teachers(session),
            "branches": await branches(session),
            "can_sign": is_manager(viewer),
        },
    )


def _csv_row(contract: Contract) -> list[str]:
    return [
        str(contract.id),
        contract.signed_at.isoformat(timespec="seconds"),
        contract.status.value,
        contract.client.full_name,
        contract.client.phone or "",
        contract.language.name,
        str(contract.lessons),
        str(contract.lessons_given),
        str(contract.total),
        str(contract.paid),
        contract.teacher.full_name if contract.teacher else "",
        contract.branch.name if contract.branch else "",
    ]


CSV_HEADER = [
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


async def contract_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows, streamed; refused with a whole 400 page before the first byte."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_contracts(db_session(request), employee(request), wanted)
    return await stream_csv(
        request, chunks, filename="contracts.csv", header=CSV_HEADER, row=_csv_row
    )
