"""The REST API, ``/api/v1``: a sub-application of the admin site composed from the kernel's
endpoints and those of each area that is on, with its OpenAPI document and a page that shows it.

Each request: a bearer token (401 without a live one), the token's minute allowance (429),
then one database session, a reader for GET and one transaction for the rest, in which the
token's employee is read, an ``Idempotency-Key`` held, an ``If-Match`` checked, the endpoint
run, and its answer kept for the key. Notifications go after the commit, as from the site."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, get_origin

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, ValidationError

from crm import idempotency
from crm.areas import Area, areas_on, parts_of
from crm.errors import DomainError, NotFound, database_unavailable
from crm.i18n import N_
from crm.ids import parse_id
from crm.people.api_tokens import live_token, note_use, use_to_note
from crm.tokens import token_hash
from db.base import utcnow
from db.models import ApiToken
from web.api.endpoints import ApiArea, Call, Endpoint, Page
from web.api.limits import Allowance, RequestLimit
from web.api.openapi import JSON, openapi_document
from web.api.people.area import API as PEOPLE
from web.api.problems import (
    ApiProblem,
    FieldError,
    domain_problem,
    invalid_input,
    problem_response,
    unexpected,
)
from web.i18n import set_browser_words, words
from web.keys import AFTER_COMMIT, AREAS, DATABASE, NOTIFIER, NOW, SETTINGS

API_PATH = "/api/v1"
VERSION = "1"
# A body larger than this is refused (413) before it is read.
LARGEST_BODY = 256 * 1024

LIMIT: web.AppKey[RequestLimit] = web.AppKey("api_limit")
# The areas whose endpoints the API serves, by name: what its document is written from.
AREA_NAMES: web.AppKey[tuple[str, ...]] = web.AppKey("api_area_names")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal and failure as problem+json."""
    try:
        return await handler(request)
    except ApiProblem as problem:
        return problem_response(problem.status, problem.detail, problem.errors, problem.headers)
    except DomainError as error:
        return domain_problem(request, error)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        said = {
            404: N_("There is no such endpoint."),
            405: N_("This address does not take that kind of request."),
            413: N_("The request is too large."),
        }.get(error.status)
        detail = words(request).gettext(said) if said else error.reason
        headers = {key: value for key, value in error.headers.items() if key == "Allow"}
        return problem_response(error.status, detail, headers=headers)
    except Exception as error:
        if database_unavailable(error):
            return problem_response(
                503,
                words(request).gettext("The database is busy; try again in a moment."),
                headers={"Retry-After": "1"},
            )
        return unexpected(request, error)


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(
            401,
            words(request).gettext("Send an API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token.strip()


def _etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _matches(if_match: str, etag: str) -> bool:
    sent = [part.strip().removeprefix("W/") for part in if_match.split(",")]
    return "*" in sent or etag in sent


def _serialized(answer: BaseModel) -> bytes:
    return answer.model_dump_json().encode()


def _ids(request: web.Request, endpoint: Endpoint) -> dict[str, int]:
    ids = {}
    for name in endpoint.path_ids:
        found = parse_id(request.match_info[name])
        if found is None:
            raise NotFound(N_("#{number} does not exist"), number=request.match_info[name])
        ids[name] = found
    return ids


def _unknown_parameters(request: web.Request, model: type[BaseModel] | None) -> None:
    """A query parameter the endpoint does not take is refused: a misspelt filter would
    otherwise quietly list everything."""
    known = (
        set()
        if model is None
        else {spec.alias or name for name, spec in model.model_fields.items()}
    )
    unknown = sorted(set(request.query) - known)
    if unknown:
        refusal = words(request).gettext("This endpoint takes no such parameter.")
        errors = [FieldError(field=name, message=refusal) for name in unknown]
        raise ApiProblem(422, "; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def _query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    given: dict[str, Any] = {}
    for name, spec in model.model_fields.items():
        values = request.query.getall(spec.alias or name, [])
        if not values:
            continue
        many = get_origin(spec.annotation) in (list, tuple)
        given[spec.alias or name] = values if many else values[-1]
    try:
        return model.model_validate(given)
    except ValidationError as error:
        raise invalid_input(request, error, "query") from error


async def _body(request: web.Request, model: type[BaseModel]) -> tuple[BaseModel, bytes]:
    raw = await request.read()
    try:
        return model.model_validate_json(raw or b"null"), raw
    except ValidationError as error:
        raise invalid_input(request, error, "body") from error


async def _token_holder(call_token: str, request: web.Request, session: Any) -> ApiToken:
    found = await live_token(session, call_token, now=utcnow())
    if found is None:
        raise ApiProblem(
            401,
            words(request).gettext(
                "This token is unknown, revoked or expired, or its employee is switched off."
            ),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return found


def _answered(endpoint: Endpoint, answer: BaseModel) -> idempotency.Answer:
    body = _serialized(answer)
    single = not isinstance(answer, Page)
    return idempotency.Answer(
        status=endpoint.status,
        body=body.decode(),
        etag=_etag(body) if single else None,
        location=endpoint.location(answer) if endpoint.location else None,
    )


def _response(answer: idempotency.Answer, allowance: Allowance) -> web.Response:
    headers = {
        "RateLimit-Limit": str(allowance.limit),
        "RateLimit-Remaining": str(allowance.remaining),
        "RateLimit-Reset": str(allowance.reset_after),
    }
    if answer.etag:
        headers["ETag"] = answer.etag
    if answer.location:
        headers["Location"] = answer.location
    return web.Response(
        status=answer.status, body=answer.body.encode(), content_type=JSON, headers=headers
    )


def serve(endpoint: Endpoint) -> Handler:
    """The aiohttp handler of ``endpoint``."""

    async def handle(request: web.Request) -> web.StreamResponse:
        set_browser_words(request, "en")
        token = _bearer(request)
        allowance = await request.app[LIMIT].take(token_hash(token)[:32])
        if not allowance.allowed:
            raise ApiProblem(
                429,
                words(request).gettext(
                    "Too many requests with this token: at most {count} a minute.",
                    count=allowance.limit,
                ),
                headers={"Retry-After": str(allowance.reset_after)},
            )
        database = request.app[DATABASE]
        if request.method == "GET":
            async with database.reader() as session:
                holder = await _token_holder(token, request, session)
                note = use_to_note(holder, utcnow())
                answer = await _run(request, endpoint, session, holder, b"")
            if note:
                async with database.writer() as session, session.begin():
                    await note_use(session, holder.id, utcnow())
            return _response(answer, allowance)
        async with database.writer() as session, session.begin():
            holder = await _token_holder(token, request, session)
            if use_to_note(holder, utcnow()):
                await note_use(session, holder.id, utcnow())
            answer = await _run(request, endpoint, session, holder, None)
        after = request.app.get(AFTER_COMMIT)
        if after is not None:
            after()
        return _response(answer, allowance)

    return handle


async def _run(
    request: web.Request, endpoint: Endpoint, session: Any, holder: ApiToken, raw: bytes | None
) -> idempotency.Answer:
    """The endpoint's answer: given again for a repeated ``Idempotency-Key``, refused when the
    record moved on since the ``If-Match`` ETag."""
    now = request[NOW] = utcnow()
    call = Call(request, session, holder.employee, now, _ids(request, endpoint))
    _unknown_parameters(request, endpoint.query)
    if endpoint.query is not None:
        call.query = _query(request, endpoint.query)
    body = b""
    if endpoint.body is not None:
        call.body, body = await _body(request, endpoint.body)
    key = request.headers.get("Idempotency-Key")
    if key is not None and request.method == "POST":
        fingerprint = idempotency.request_hash(request.method, request.path_qs, body)
        given = await idempotency.begin(
            session,
            token_id=holder.id,
            key=idempotency.check_key(key),
            fingerprint=fingerprint,
            now=now,
        )
        if given is not None:
            return given
    if endpoint.current is not None and (if_match := request.headers.get("If-Match")):
        etag = _etag(_serialized(await endpoint.current(call)))
        if not _matches(if_match, etag):
            raise ApiProblem(
                412,
                words(request).gettext(
                    "The record has changed since you read it: read it again, then retry."
                ),
                headers={"ETag": etag},
            )
    answer = _answered(endpoint, await endpoint.handler(call))
    if key is not None and request.method == "POST":
        await idempotency.finish(session, token_id=holder.id, key=key, answer=answer)
    return answer


def _aiohttp_path(path: str) -> str:
    parts = [f"{{{part[1:-1]}:\\d+}}" if part.startswith("{") else part for part in path.split("/")]
    return "/".join(parts)


@cache
def _document(area_names: tuple[str, ...]) -> tuple[dict[str, Any], bytes]:
    """The document of the API of the areas named, and its JSON: written when first asked
    for (about 20 ms of schema work), once per process and set of areas, not at each start."""
    written = openapi_document(api_areas(areas_on(area_names)), version=VERSION)
    return written, json.dumps(written, ensure_ascii=False).encode()


async def document(request: web.Request) -> web.Response:
    """The OpenAPI document (public: it holds no business data)."""
    return web.Response(body=_document(request.app[AREA_NAMES])[1], content_type=JSON)


async def reference(request: web.Request) -> web.Response:
    """The document as a page to read."""
    set_browser_words(request, request.app[SETTINGS].default_language)
    env = aiohttp_jinja2.get_env(request.app)
    page = env.get_template("api/reference.html").render(
        spec=_document(request.app[AREA_NAMES])[0], **words(request).template_context()
    )
    return web.Response(text=page, content_type="text/html")


def api_areas(areas: list[Area]) -> list[ApiArea]:
    """The kernel's endpoints, then those of each area of ``areas`` (those that are on)."""
    return [PEOPLE, *parts_of("web.api", areas, "API")]


def create_api(site: web.Application, limit: RequestLimit) -> web.Application:
    """The API sub-application, sharing the site's settings, database and notifier."""
    api = web.Application(middlewares=[problems], client_max_size=LARGEST_BODY)
    api[SETTINGS] = site[SETTINGS]
    api[DATABASE] = site[DATABASE]
    api[NOTIFIER] = site[NOTIFIER]
    api[AREAS] = site[AREAS]
    if AFTER_COMMIT in site:
        api[AFTER_COMMIT] = site[AFTER_COMMIT]
    api[aiohttp_jinja2.APP_KEY] = aiohttp_jinja2.get_env(site)
    api[LIMIT] = limit
    areas = api_areas(site[AREAS])
    api[AREA_NAMES] = tuple(area.name for area in site[AREAS])
    api.router.add_get("/openapi.json", document)
    api.router.add_get("/docs", reference)
    for area in areas:
        for endpoint in area.endpoints:
            api.router.add_route(endpoint.method, _aiohttp_path(endpoint.path), serve(endpoint))
    return api
