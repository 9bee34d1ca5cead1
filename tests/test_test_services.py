"""The suite finds PostgreSQL and Redis at their usual addresses, and says when it does not."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from tests import conftest
from tests.support import workers


def test_a_server_that_does_not_answer_leaves_its_tests_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CRM_TEST_DATABASE_URL", raising=False)
    monkeypatch.delenv("CRM_TEST_REDIS_URL", raising=False)
    nowhere_pg = "postgresql+asyncpg://postgres@127.0.0.1:9/test"
    nowhere_redis = "redis://127.0.0.1:9/15"
    url = conftest._service_url("CRM_TEST_DATABASE_URL", nowhere_pg, conftest._postgres_answers)
    assert url is None
    url = conftest._service_url("CRM_TEST_REDIS_URL", nowhere_redis, conftest._redis_answers)
    assert url is None


def test_a_configured_url_wins_and_an_empty_one_leaves_the_service_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRM_TEST_REDIS_URL", "redis://elsewhere:6379/3")
    assert conftest._service_url("CRM_TEST_REDIS_URL", "x", lambda _: True) == (
        "redis://elsewhere:6379/3"
    )
    monkeypatch.setenv("CRM_TEST_REDIS_URL", "")
    assert conftest._service_url("CRM_TEST_REDIS_URL", "x", lambda _: True) is None


@pytest.mark.skipif(
    not (conftest._postgres_answers(conftest.LOCAL_POSTGRES_URL)),
    reason="PostgreSQL not running at its usual local address",
)
def test_a_local_postgres_is_found_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_TEST_DATABASE_URL", raising=False)
    found = conftest._service_url(
        "CRM_TEST_DATABASE_URL", conftest.LOCAL_POSTGRES_URL, conftest._postgres_answers
    )
    assert found == conftest.LOCAL_POSTGRES_URL


@pytest.mark.skipif(
    not conftest.BASE_REDIS_URL, reason="Redis not configured: set CRM_TEST_REDIS_URL"
)
def test_two_runs_never_share_a_redis_index() -> None:
    assert conftest.BASE_REDIS_URL is not None
    first = workers.claim_redis_index(conftest.BASE_REDIS_URL, "run-a")
    second = workers.claim_redis_index(conftest.BASE_REDIS_URL, "run-b")
    try:
        assert first != second
        assert conftest.REDIS_URL not in (first, second)
    finally:
        workers.release_redis_index(first, "run-a")
        workers.release_redis_index(second, "run-b")
    claims = workers._claims(conftest.BASE_REDIS_URL)
    try:  # given back, both indexes are free for the next run
        held = [
            claims.get(workers.CLAIM_KEY.format(make_url(url).database)) for url in (first, second)
        ]
    finally:
        claims.close()
    assert held == [None, None]


def test_each_worker_names_its_own_postgres_database() -> None:
    if conftest.POSTGRES_URL is None:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL")
    name = make_url(conftest.POSTGRES_URL).database
    assert name == f"crm_test_{conftest.RUN_ID}_{conftest.WORKER}"
    assert name != make_url(conftest.BASE_POSTGRES_URL or "").database
