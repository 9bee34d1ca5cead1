"""The listing of the three kinds of coaching reports (meeting, client and coach reports) in one
list, newest written first: filters by kind, coach, client and the day written, keyset pages,
the same rows for CSV export (each report's own page: crm/coaching/report_cards.py).

Who sees which report is crm/coaching/reports.py's rule, through crm/visibility.py: a meeting
report, the staff who may see its session; a client's progress report, the staff who may open
the client's card; a coach report, its coach and the owners and administrators only. Clients
read none here (this listing is for staff)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Subquery,
    Text,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from crm import keyset
from crm.errors import FieldChecks, InvalidInput
from crm.i18n import N_
from crm.ids import looks_like_id, parse_id
from crm.keyset import COUNT_CAP, PAGE_SIZE
from crm.people.client_search import for_client
from crm.people.phones import phone_search_digits
from crm.permissions import Actor, require_staff
from crm.visibility import visible_coach_reports, visible_sessions, visible_tracks
from db.base import UTCDateTime
from db.models import (
    Client,
    ClientReport,
    CoachingSession,
    CoachReport,
    Employee,
    MeetingReport,
    Track,
)


class ReportKind(StrEnum):
    MEETING = "meeting"
    CLIENT = "client"
    COACH = "coach"


REPORT_KIND_NAMES = {
    ReportKind.MEETING: N_("meeting report"),
    ReportKind.CLIENT: N_("client report"),
    ReportKind.COACH: N_("coach report"),
}
# The kinds' order among reports written at the same moment (part of the listing's key).
_CODES = {ReportKind.MEETING: 0, ReportKind.CLIENT: 1, ReportKind.COACH: 2}
_KINDS = {code: kind for kind, code in _CODES.items()}
# A row's excerpt: the first words of the report's first part written.
EXCERPT_CHARS = 120
# Days a filter may name (either side of them stays a date in every time zone).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class ReportFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    kinds: tuple[ReportKind, ...] = ()
    coach_id: int | None = None
    client: str = ""  # a client id, or part of a name or phone
    written_from: date | None = None
    written_to: date | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class ReportRow:
    """One report as the listing shows it (every name read in the page's own query)."""

    kind: ReportKind
    id: int
    written_at: datetime
    client_id: int | None
    client_name: str | None
    coach_id: int | None
    coach_name: str | None
    session_id: int | None
    track_id: int | None
    track_goal: str | None
    period_start: date | None
    period_end: date | None
    excerpt: str


@dataclass(frozen=True)
class ReportPage:
    reports: list[ReportRow]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def _day(checks: FieldChecks, name: str, typed: str) -> date | None:
    typed = typed.strip()
    if not typed:
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        checks.refuse(N_("write the date as YYYY-MM-DD"), field=name)
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        checks.refuse(
            N_("a date between {first} and {last}"), field=name, first=FIRST_DAY, last=LAST_DAY
        )
        return None
    return day


def report_filter(
    *,
    kinds: Sequence[str] = (),
    coach: str = "",
    client: str = "",
    written_from: str = "",
    written_to: str = "",
    zone: ZoneInfo | None = None,
) -> ReportFilter:
    """The filter as typed (in a URL): every value it cannot read is refused at once, each
    tied to its field (``kind``, ``coach``, ``client``, ``from``, ``to``)."""
    checks = FieldChecks()
    chosen: list[ReportKind] = []
    for typed in kinds:
        try:
            chosen.append(ReportKind(typed.strip()))
        except ValueError:
            checks.refuse(N_("unknown kind of report {kind}"), field="kind", kind=repr(typed))
    coach_id = None
    if coach.strip():
        coach_id = parse_id(coach)
        if coach_id is None:
            checks.refuse(N_("the coach is an employee's number"), field="coach")
    client = client.strip()
    if looks_like_id(client) and parse_id(client) is None and phone_search_digits(client) is None:
        checks.refuse(N_("that client number is out of range"), field="client")
    start = _day(checks, "from", written_from)
    end = _day(checks, "to", written_to)
    if start and end and start > end:
        checks.refuse(N_("the start date is after the end date"), field="from")
    checks.done()
    return ReportFilter(
        kinds=tuple(dict.fromkeys(chosen)),
        coach_id=coach_id,
        client=client,
        written_from=start,
        written_to=end,
        zone=zone or ZoneInfo("UTC"),
    )


def _first_words(*parts: Any) -> ColumnElement[str]:
    first = func.coalesce(*parts, literal_column("''"))
    return func.substr(first, literal_column("1"), literal_column(str(EXCERPT_CHARS + 1)))


def _none(kind: Any) -> ColumnElement[Any]:
    # Typed, so that PostgreSQL knows the column's type when every branch has nothing there.
    return cast(null(), kind)


async def _matching(session: AsyncSession, viewer: Actor, wanted: ReportFilter) -> Subquery:
    """Every report ``viewer`` may read that matches ``wanted``, in one row shape for the
    three kinds, with the client's and the coach's names joined in."""
    require_staff(viewer)
    # The people are aliased: the visibility predicates' own subqueries on clients must not
    # be correlated with the names joined here.
    client, coach = aliased(Client), aliased(Employee)
    kinds = wanted.kinds or tuple(ReportKind)
    branches: list[Any] = []  # each kind's select (typed by its columns)

    async def narrowed(
        query: Any,
        written: InstrumentedAttribute[datetime],
        client_column: Any,
        coach_column: Any,
    ) -> Any:
        if wanted.coach_id is not None:
            query = query.where(coach_column == wanted.coach_id)
        if (of_client := await for_client(session, client_column, wanted.client)) is not None:
            query = query.where(of_client)
        return keyset.within_days(
            query, written, wanted.written_from, wanted.written_to, wanted.zone
        )

    def code(kind: ReportKind) -> ColumnElement[int]:
        return literal_column(str(_CODES[kind]), Integer).label("code")

    query: Any
    if ReportKind.MEETING in kinds:
        query = (
            select(
                code(ReportKind.MEETING),
                MeetingReport.id.label("id"),
                MeetingReport.created_at.label("written_at"),
                CoachingSession.client_id.label("client_id"),
                client.full_name.label("client_name"),
                CoachingSession.coach_id.label("coach_id"),
                coach.full_name.label("coach_name"),
                CoachingSession.id.label("session_id"),
                CoachingSession.track_id.label("track_id"),
                _none(Text).label("track_goal"),
                _none(Date).label("period_start"),
                _none(Date).label("period_end"),
                _first_words(
                    MeetingReport.what_happened,
                    MeetingReport.client_state,
                    MeetingReport.agreements,
                    MeetingReport.homework,
                    MeetingReport.next_steps,
                ).label("excerpt"),
            )
            .join(CoachingSession, CoachingSession.id == MeetingReport.session_id)
            .join(client, client.id == CoachingSession.client_id)
            .outerjoin(coach, coach.id == CoachingSession.coach_id)
            .where(visible_sessions(viewer))
        )
        branches.append(
            await narrowed(
                query,
                MeetingReport.created_at,
                CoachingSession.client_id,
                CoachingSession.coach_id,
            )
        )
    if ReportKind.CLIENT in kinds:
        query = (
            select(
                code(ReportKind.CLIENT),
                ClientReport.id.label("id"),
                ClientReport.created_at.label("written_at"),
                Track.client_id.label("client_id"),
                client.full_name.label("client_name"),
                Track.coach_id.label("coach_id"),
                coach.full_name.label("coach_name"),
                _none(Integer).label("session_id"),
                Track.id.label("track_id"),
                Track.goal.label("track_goal"),
                _none(Date).label("period_start"),
                _none(Date).label("period_end"),
                _first_words(ClientReport.progress).label("excerpt"),
            )
            .join(Track, Track.id == ClientReport.track_id)
            .join(client, client.id == Track.client_id)
            .outerjoin(coach, coach.id == Track.coach_id)
            .where(visible_tracks(viewer))
        )
        branches.append(
            await narrowed(query, ClientReport.created_at, Track.client_id, Track.coach_id)
        )
    if ReportKind.COACH in kinds:
        about = aliased(CoachingSession)
        query = (
            select(
                code(ReportKind.COACH),
                CoachReport.id.label("id"),
                CoachReport.created_at.label("written_at"),
                about.client_id.label("client_id"),
                client.full_name.label("client_name"),
                CoachReport.coach_id.label("coach_id"),
                coach.full_name.label("coach_name"),
                CoachReport.session_id.label("session_id"),
                _none(Integer).label("track_id"),
                _none(Text).label("track_goal"),
                CoachReport.period_start.label("period_start"),
                CoachReport.period_end.label("period_end"),
                _first_words(
                    CoachReport.results,
                    CoachReport.preparation,
                    CoachReport.self_reflection,
                    CoachReport.development_tasks,
                    CoachReport.supervision_request,
                ).label("excerpt"),
            )
            .join(coach, coach.id == CoachReport.coach_id)
            .outerjoin(about, about.id == CoachReport.session_id)
            .outerjoin(client, client.id == about.client_id)
            .where(visible_coach_reports(viewer))
        )
        branches.append(
            await narrowed(query, CoachReport.created_at, about.client_id, CoachReport.coach_id)
        )
    if len(branches) == 1:
        only: Subquery = branches[0].subquery("reports")
        return only
    return union_all(*branches).subquery("reports")


def _excerpt(text: str | None) -> str:
    text = " ".join((text or "").split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


def encode_cursor(row: ReportRow) -> str:
    """A link to the listing's position just after ``row``."""
    return f"{row.kind.value}.{keyset.encode_cursor(row.written_at, row.id)}"


def _decode_cursor(cursor: str) -> tuple[datetime, int, int]:
    kind, _, position = cursor.partition(".")
    try:
        code = _CODES[ReportKind(kind)]
    except ValueError as error:
        raise InvalidInput(
            N_("that page link is broken; start from the first page"), field="after"
        ) from error
    moment, row_id = keyset.decode_cursor(position)
    return moment, code, row_id


async def list_reports(
    session: AsyncSession,
    viewer: Actor,
    wanted: ReportFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> ReportPage:
    """One page of the reports ``viewer`` may read that match ``wanted``, newest written
    first: the one after ``cursor``, or with ``before`` the one that ends just before it. One
    query for the page (names joined in), one for the capped count."""
    reports = await _matching(session, viewer, wanted)
    key = (reports.c.written_at, reports.c.code, reports.c.id)
    backwards = before is not None and cursor is None
    query = select(reports)
    if start := before if backwards else cursor:
        moment, code, row_id = _decode_cursor(start)
        bound = tuple_(literal(moment, UTCDateTime()), literal(code), literal(row_id))
        query = query.where(tuple_(*key) > bound if backwards else tuple_(*key) < bound)
    order = [column.asc() if backwards else column.desc() for column in key]
    found = (await session.execute(query.order_by(*order).limit(page_size + 1))).all()
    has_more = len(found) > page_size
    rows = [
        ReportRow(
            kind=_KINDS[each.code],
            id=each.id,
            written_at=each.written_at,
            client_id=each.client_id,
            client_name=each.client_name,
            coach_id=each.coach_id,
            coach_name=each.coach_name,
            session_id=each.session_id,
            track_id=each.track_id,
            track_goal=each.track_goal,
            period_start=each.period_start,
            period_end=each.period_end,
            excerpt=_excerpt(each.excerpt),
        )
        for each in found[:page_size]
    ]
    if backwards:
        rows.reverse()
        previous = encode_cursor(rows[0]) if has_more and rows else None
        following = encode_cursor(rows[-1]) if rows else None
    else:
        previous = encode_cursor(rows[0]) if cursor and rows else None
        following = encode_cursor(rows[-1]) if has_more and rows else None
    capped = select(reports.c.id).limit(COUNT_CAP + 1).subquery()
    total = int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    return ReportPage(
        reports=rows,
        next_cursor=following,
        previous_cursor=previous,
        total=min(total, COUNT_CAP),
        total_is_capped=total > COUNT_CAP,
    )


def export_reports(
    session: AsyncSession, viewer: Actor, wanted: ReportFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[ReportRow]]:
    """Every matching report, in chunks, in the listing's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[ReportRow], str | None]:
        page = await list_reports(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.reports, page.next_cursor

    return keyset.in_chunks(read)
