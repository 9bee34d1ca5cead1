"""Schemathesis against the live API, driven by nothing but its OpenAPI document: every
operation with generated requests (valid and invalid), signed in with a token of each role.
No 500; every answer matches its documented schema, status code, content type and headers;
invalid requests are refused with a 4xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm.areas import areas_on
from db.enums import Role
from tests.support.api import ServedDemo, served_demo
from web.api.app import VERSION, api_areas
from web.api.openapi import openapi_document

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    with served_demo(Path(tmp_path_factory.mktemp("api"))) as served:
        yield served


# The document of a business running every area, as the site serves it (the first test checks
# that it is the very one served). It is loaded here, not from the live server, because the
# server starts in a fixture and Schemathesis's fixture-loaded schemas fail on pytest 9.
DOCUMENT = openapi_document(api_areas(areas_on(None)), version=VERSION)
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_document_tested_is_the_one_served(demo: ServedDemo) -> None:
    served = requests.get(f"{demo.url}/api/v1/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(DOCUMENT))


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case: schemathesis.Case[Any], demo: ServedDemo) -> None:
    # Each generated request is sent once with each role's token.
    for role in Role:
        case.call_and_validate(
            base_url=f"{demo.url}/api/v1",
            headers={"Authorization": f"Bearer {demo.tokens[role]}"},
            checks=CHECKS,
        )
