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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
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
# server starts in a fixture.
DOCUMENT = openapi_document(api_areas(areas_on(None)), version=VERSION)
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
# One test per operation, parametrized here rather than by Schemathesis's pytest plugin, whose
# generated tests share one node id (pytest 9), so that pytest-xdist reported only the first.
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]


def test_the_document_tested_is_the_one_served(demo: ServedDemo) -> None:
    served = requests.get(f"{demo.url}/api/v1/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(DOCUMENT))
    assert len(OPERATIONS) == sum(len(methods) for methods in DOCUMENT["paths"].values())


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_api_keeps_to_its_document(
    operation: schemathesis.APIOperation[Any, Any, Any, Any], demo: ServedDemo
) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def each_role_sends(case: schemathesis.Case[Any]) -> None:
        # Each generated request is sent once with each role's token.
        for role in Role:
            case.call_and_validate(
                base_url=f"{demo.url}/api/v1",
                headers={"Authorization": f"Bearer {demo.tokens[role]}"},
                checks=CHECKS,
            )

    each_role_sends()
