"""Every refusal of the API as ``application/problem+json`` (RFC 9457): a status, a title, what
was wrong in words, and for bad input one entry per field. Never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from crm.errors import Conflict, DomainError, InvalidFields, InvalidInput, NotFound
from crm.errors import PermissionDenied as Forbidden
from web.i18n import words

log = logging.getLogger(__name__)
PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class FieldError(BaseModel):
    """What was wrong with one field (``field``: its name, or a dotted path into the body)."""

    field: str
    message: str


class Problem(BaseModel):
    """A refusal, as RFC 9457 writes one."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class ApiProblem(Exception):
    """A refusal the API makes itself (no token, a stale ETag, too many requests)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.errors = errors or []


def problem_response(
    status: int,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    problem = Problem(
        title=TITLES.get(status, "Error"), status=status, detail=detail, errors=errors or []
    )
    return web.Response(
        status=status,
        body=problem.model_dump_json().encode(),
        content_type=PROBLEM_TYPE,
        headers=headers,
    )


def status_of(error: DomainError) -> int:
    """A record the input names (a field) that is not there is bad input, not a missing page."""
    if isinstance(error, NotFound):
        return 404 if error.field is None else 422
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, Conflict):
        return 409
    return 409


def domain_problem(request: web.Request, error: DomainError) -> web.Response:
    """A refusal of the business rules, in the request's language, each field's apart."""
    said = words(request).error
    problems = error.problems if isinstance(error, InvalidFields) else [error]
    errors = [
        FieldError(field=problem.field, message=said(problem))
        for problem in problems
        if problem.field is not None
    ]
    return problem_response(status_of(error), said(error), errors)


def invalid_input(request: web.Request, error: ValidationError, where: str) -> ApiProblem:
    """A body or query the models refused: 400 when the body is no JSON at all, else 422 with
    each field's refusal."""
    if any(item["type"] == "json_invalid" for item in error.errors()):
        return ApiProblem(400, words(request).gettext("The request could not be read."))
    errors = [
        FieldError(field=_field_name(item["loc"]) or where, message=item["msg"])
        for item in error.errors(include_url=False)
    ]
    detail = "; ".join(f"{item.field}: {item.message}" for item in errors)
    return ApiProblem(422, detail, errors=errors)


def _field_name(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def unexpected(request: web.Request, error: Exception) -> web.Response:
    log.exception("%s %s failed", request.method, request.path, exc_info=error)
    return problem_response(500, words(request).gettext("Something went wrong on our side."))
