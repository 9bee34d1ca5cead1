"""The OpenAPI 3.1 document of the API, written from the endpoints' own declarations and their
pydantic models' JSON Schema (the dialect OpenAPI 3.1 uses), for the areas that are on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from crm.idempotency import LONGEST_KEY
from crm.ids import MAX_ID
from web.api.endpoints import ApiArea, Endpoint
from web.api.problems import TITLES, Problem

REF = "#/components/schemas/{model}"
JSON = "application/json"

DESCRIPTION = """\
The records of the business, for integrations: the same rules as the bot and the admin site.

Every request carries `Authorization: Bearer <token>`, a token an employee makes on the site's
*API tokens* page; it acts with that employee's role. Listings take the site's filters and go
page by page (`next`). A POST may carry an `Idempotency-Key`: sent again with the same key and
body, it gets the first answer and changes nothing. A change to a record may carry `If-Match`
with the ETag its GET gave: when the record changed since, the answer is 412. Refusals are
`application/problem+json`, with one entry per field in `errors`. Each token may make a limited
number of requests a minute (429 with `Retry-After` past it).
"""


def _errors(endpoint: Endpoint) -> list[int]:
    statuses = [401, 403, 429]
    if endpoint.path_ids:
        statuses.append(404)
    if endpoint.body is not None:
        statuses += [400, 413]
    if endpoint.body is not None or endpoint.query is not None or endpoint.method == "POST":
        statuses.append(422)
    if endpoint.method != "GET":
        statuses.append(409)
    if endpoint.current is not None:
        statuses.append(412)
    return sorted(statuses)


def _header(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": schema,
    }


def openapi_document(areas: Sequence[ApiArea], *, version: str) -> dict[str, Any]:
    """The document of ``areas``' endpoints (the kernel's and those of the areas that are on)."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
    for area in areas:
        for endpoint in area.endpoints:
            wanted.append((endpoint.answer, "serialization"))
            if endpoint.body is not None:
                wanted.append((endpoint.body, "validation"))
            if endpoint.query is not None:
                wanted.append((endpoint.query, "validation"))
        wanted += [(model, "serialization") for model in area.extra_models.values()]
    refs, top = models_json_schema(wanted, ref_template=REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))

    def ref(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(refs[(model, mode)])

    def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
        name = ref(model, "validation")["$ref"].rsplit("/", 1)[1]
        schema = schemas.pop(name)  # its fields become parameters; the model is not listed
        required = set(schema.get("required", ()))
        parameters = []
        for field, spec in schema["properties"].items():
            spec = dict(spec)
            description = spec.pop("description", "")
            spec.pop("title", None)
            parameters.append(
                {
                    "name": field,
                    "in": "query",
                    "required": field in required,
                    "description": description,
                    "schema": spec,
                }
            )
        return parameters

    problem = {"application/problem+json": {"schema": ref(Problem, "serialization")}}
    paths: dict[str, dict[str, Any]] = {}
    for area in areas:
        for endpoint in area.endpoints:
            parameters: list[dict[str, Any]] = [
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                }
                for name in endpoint.path_ids
            ]
            if endpoint.query is not None:
                parameters += query_parameters(endpoint.query)
            if endpoint.method == "POST":
                parameters.append(
                    _header(
                        "Idempotency-Key",
                        "Sent again with the same key and body, the request gets the first "
                        "answer and changes nothing (keys are kept 24 hours).",
                        {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": LONGEST_KEY,
                            "pattern": "^[!-~]+$",
                        },
                    )
                )
            if endpoint.current is not None:
                parameters.append(
                    _header(
                        "If-Match",
                        "The ETag the record's GET gave: the change is refused (412) when the "
                        "record has changed since.",
                        {"type": "string"},
                    )
                )
            answer: dict[str, Any] = {
                "description": endpoint.answer.__doc__ or "OK",
                "content": {JSON: {"schema": ref(endpoint.answer, "serialization")}},
            }
            operation: dict[str, Any] = {
                "operationId": endpoint.operation_id,
                "summary": endpoint.summary,
                "tags": [area.tag],
                "parameters": parameters,
                "responses": {
                    str(endpoint.status): answer,
                    **{
                        str(status): {"description": TITLES[status], "content": problem}
                        for status in _errors(endpoint)
                    },
                },
            }
            if endpoint.description:
                operation["description"] = endpoint.description
            if endpoint.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {JSON: {"schema": ref(endpoint.body, "validation")}},
                }
            paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Frontdoor CRM API", "version": version, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": area.tag, "description": area.description} for area in areas],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token made on the site's API tokens page.",
                }
            },
        },
    }
