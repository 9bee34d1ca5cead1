"""What the filtered listings (tickets, contracts) share: reading their filter from the URL, the
page itself with the links between pages, and the CSV of the same rows streamed in chunks.

Every CSV download of the site is written by ``stream_csv`` (``send_csv`` for rows already at
hand), which alone keeps a spreadsheet from running a cell as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from crm.errors import InvalidInput
from crm.ids import looks_like_id, parse_id
from crm.people.phones import phone_search_digits
from web.forms import Reader
from web.i18n import words

S = TypeVar("S", bound=StrEnum)
R = TypeVar("R")


class Paged(Protocol):
    """A listing's page as far as its links are concerned."""

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def previous_cursor(self) -> str | None: ...


def read_statuses(reader: Reader, kind: type[S], key: str = "status") -> tuple[S, ...]:
    """The ticked ``key`` boxes; an unknown one is reported next to them."""
    _ = reader.gettext
    statuses = []
    for raw in reader.form.getall(key, []):
        try:
            statuses.append(kind(raw))
        except ValueError:
            reader.errors[key] = _("unknown status {status}", status=repr(raw))
    return tuple(statuses)


def read_client(reader: Reader) -> str:
    """The ``client`` searched for (name, phone or id); an id no record can have is refused."""
    _ = reader.gettext
    client = reader.text("client")
    if looks_like_id(client) and parse_id(client) is None and phone_search_digits(client) is None:
        reader.errors["client"] = _("Client id is out of range")
    return client


def read_employee(reader: Reader, name: str, nobody: str, refusal: str) -> str:
    """An employee id, ``nobody`` or nothing in ``name``; anything else is ``refusal`` (a msgid)."""
    chosen = reader.text(name).strip()
    if chosen not in ("", nobody) and parse_id(chosen) is None:
        reader.errors[name] = reader.gettext(refusal)
    return chosen


def filter_query(request: web.Request, keys: Sequence[str], **extra: str) -> str:
    """The listing's filter (its ``keys``) as the URL has it, with ``extra`` pairs after it."""
    pairs = [(key, value) for key in keys for value in request.query.getall(key, [])]
    pairs += list(extra.items())
    return urlencode(pairs)


def page_links(
    request: web.Request, path: str, keys: Sequence[str], page: Paged | None
) -> dict[str, str | None]:
    """The CSV of the same rows, and the next, previous and first pages (None where none is)."""

    def link(**extra: str) -> str:
        return f"{path}?{filter_query(request, keys, **extra)}"

    paged = request.query.get("after") or request.query.get("before")
    return {
        "csv_url": f"{path}.csv?{filter_query(request, keys)}",
        "next_url": link(after=page.next_cursor) if page and page.next_cursor else None,
        "previous_url": (
            link(before=page.previous_cursor) if page and page.previous_cursor else None
        ),
        "first_url": link() if paged else None,
    }


async def listing_page(
    request: web.Request,
    template: str,
    *,
    path: str,
    keys: Sequence[str],
    errors: dict[str, str],
    fetch: Callable[[str | None, str | None], Awaitable[Paged]],
    refused_field: str,
    context: dict[str, Any],
) -> web.StreamResponse:
    """A filtered listing's page: ``fetch(after, before)`` gives its rows unless the filter was
    refused (``errors``); a refused page link is said next to its field (``refused_field`` when
    it names none), and any refusal makes the page a 400. ``context`` is the page's own."""
    page = None
    if not errors:
        try:
            page = await fetch(request.query.get("after"), request.query.get("before"))
        except InvalidInput as error:
            errors[error.field or refused_field] = words(request).error(error)
    shown = {
        "page": page,
        "errors": errors,
        "query": request.query,
        **context,
        **page_links(request, path, keys, page),
    }
    return aiohttp_jinja2.render_template(template, request, shown, status=400 if errors else 200)


# A cell starting with one of these is run as a formula by a spreadsheet (a leading tab or
# carriage return too: some skip it and read the formula behind it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_row(cells: Iterable[str]) -> list[str]:
    """``cells`` as a spreadsheet shows them: as text, never a formula (a leading ``'``)."""
    return ["'" + cell if cell.startswith(FORMULA_STARTS) else cell for cell in cells]


async def stream_csv(
    request: web.Request,
    chunks: AsyncGenerator[list[R]],
    *,
    filename: str,
    header: list[str],
    row: Callable[[R], list[str]],
) -> web.StreamResponse:
    """The rows ``chunks`` yields as a CSV download, written chunk by chunk, every cell as text
    (``_spreadsheet_row``): ``row`` gives a record's cells as they are.

    A refusal of the first chunk is still a whole 400 page, before the first byte.
    """
    try:
        # The first chunk is read before answering: a refusal can still be a page of its own.
        first: list[R] = await anext(chunks, [])
    except InvalidInput as error:
        raise web.HTTPBadRequest(text=words(request).error(error)) from error
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    }
    if request.method == "HEAD":
        # A stream would write its rows into the connection even for HEAD; a Response does not.
        await chunks.aclose()
        return web.Response(headers=headers)
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_spreadsheet_row(header))
    for each in first:
        writer.writerow(_spreadsheet_row(row(each)))
    async for chunk in chunks:
        for each in chunk:
            writer.writerow(_spreadsheet_row(row(each)))
        await response.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    await response.write(buffer.getvalue().encode("utf-8"))
    await response.write_eof()
    return response


async def send_csv(
    request: web.Request, filename: str, header: list[str], rows: Iterable[list[str]]
) -> web.StreamResponse:
    """Rows already at hand (the figures of a report) as a CSV download, through
    ``stream_csv``."""

    async def at_once() -> AsyncGenerator[list[list[str]]]:
        yield list(rows)

    return await stream_csv(request, at_once(), filename=filename, header=header, row=list)
