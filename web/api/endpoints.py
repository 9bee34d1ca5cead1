"""How an area declares its part of the REST API: each endpoint once, with the models of what it
takes and gives. The same declarations route the requests (``web.api.app``) and write the
OpenAPI document (``web.api.openapi``), so the document cannot drift from what is served."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Generic, Protocol, TypeVar
from urllib.parse import urlencode

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from crm.ids import MAX_ID
from crm.notify import Notifier
from db.models import Employee
from web.api.problems import ApiProblem, FieldError
from web.keys import NOTIFIER

Item = TypeVar("Item", bound=BaseModel)
Wanted = TypeVar("Wanted")
Listed = TypeVar("Listed")


class Paged(Protocol):
    """A service's keyset page, as far as the API's page is concerned."""

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def total(self) -> int: ...

    @property
    def total_is_capped(self) -> bool: ...


# A record's id, as ids go: past the largest, no record has it (and no database column holds it).
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]

# A listing's page holds at most this many rows; fifty unless ``limit`` says otherwise.
MOST_PER_PAGE = 100
PER_PAGE = 50


class Out(BaseModel):
    """What the API answers: read from the records' attributes."""

    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    """What the API is sent: a field it does not know is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_max_length=20_000)


class Paging(BaseModel):
    """The query of every listing: where to start and how many rows."""

    after: str | None = Field(
        default=None, max_length=200, description="The `next` link's cursor: the page after it."
    )
    limit: int = Field(
        default=PER_PAGE, ge=1, le=MOST_PER_PAGE, description="Rows per page, at most 100."
    )


class Page(Out, Generic[Item]):
    """One page of a listing, in the site's order; ``next`` is the link to the page after it
    (null on the last page)."""

    items: list[Item]
    next: str | None
    total: int | None = Field(
        description="How many rows match, counted up to 10,000 (null: not counted)."
    )
    total_is_capped: bool = Field(description="Whether more rows match than `total` says.")


@dataclass
class Call:
    """One request as an endpoint sees it: who asks (the token's employee), in which session
    (a reader for GET, one transaction for the rest), at which moment, with what."""

    request: web.Request
    session: AsyncSession
    actor: Employee
    now: datetime
    ids: dict[str, int]
    body: Any = None  # the endpoint's ``body`` model, checked
    query: Any = None  # the endpoint's ``query`` model, checked

    @property
    def notifier(self) -> Notifier:
        return self.request.app[NOTIFIER]

    def filtered(self, read: Callable[[web.Request], tuple[Wanted, Mapping[str, str]]]) -> Wanted:
        """The listing's filter as the site's page reads it from the same query; what it
        cannot read is a 422."""
        wanted, errors = read(self.request)
        refuse_fields(errors)
        return wanted

    def forget(self, record: Any) -> int:
        """``record``'s id, its attributes dropped from the session, so that the next read of it
        (with its relations, as GET shows it) sees what the change made."""
        record_id = int(record.id)
        self.session.expire(record)
        return record_id

    async def listing(
        self, lister: Callable[..., Awaitable[Listed]], wanted: Any, **extra: Any
    ) -> Listed:
        """The page a service's keyset listing (``lister(session, viewer, filter, cursor=,
        page_size=)``) gives for ``wanted`` at this request's ``after`` and ``limit``."""
        paging: Paging = self.query
        return await lister(
            self.session, self.actor, wanted, cursor=paging.after, page_size=paging.limit, **extra
        )

    def page_of(self, page: Paged, items: Sequence[Item]) -> Page[Item]:
        """A service's keyset page (``items``, its rows as the API shows them) as the API's."""
        return self.page(items, page.next_cursor, page.total, page.total_is_capped)

    def page(
        self,
        items: Sequence[Item],
        next_cursor: str | None,
        total: int | None,
        total_is_capped: bool = False,
    ) -> Page[Item]:
        """``items`` as a page, with the link to the next one: this request's query with the
        cursor moved on."""
        following = None
        if next_cursor is not None:
            pairs = [(key, value) for key, value in self.request.query.items() if key != "after"]
            following = f"{self.request.path}?{urlencode([*pairs, ('after', next_cursor)])}"
        return Page[Any](
            items=list(items), next=following, total=total, total_is_capped=total_is_capped
        )


Handler = Callable[[Call], Awaitable[BaseModel]]


def refuse_fields(errors: Mapping[str, str]) -> None:
    """A filter the site's reader refused (``{field: what was wrong}``), as a 422."""
    if errors:
        raise ApiProblem(
            422,
            "; ".join(errors.values()),
            errors=[FieldError(field=name, message=said) for name, said in errors.items()],
        )


@dataclass(frozen=True)
class Endpoint:
    """One operation: ``path`` as OpenAPI writes it (``/tickets/{ticket_id}``; every path
    parameter is a record id), what it takes and what it answers."""

    method: str
    path: str
    handler: Handler
    summary: str
    answer: type[BaseModel]
    status: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    # For a change to one record: that record as GET shows it, so ``If-Match`` can be checked
    # against its ETag before anything changes.
    current: Handler | None = None
    # For a POST that makes a record: where the new record is read (``Location``).
    location: Callable[[BaseModel], str] | None = None
    description: str = ""

    @property
    def operation_id(self) -> str:
        return self.handler.__name__.strip("_")

    @property
    def path_ids(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


@dataclass(frozen=True)
class ApiArea:
    """One area's endpoints, under one tag of the document."""

    tag: str
    description: str
    endpoints: tuple[Endpoint, ...]
    # Models the document lists although no endpoint names them directly.
    extra_models: Mapping[str, type[BaseModel]] = field(default_factory=dict)
