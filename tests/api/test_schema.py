"""schemathesis over the generated OpenAPI schema: no 500, every response as the schema says.

A bounded number of generated requests per operation, with a lead's key, against the data
of a small team; 404s and 400s are documented answers, so only these checks run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.conftest import fill

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """The WSGI handler closes the connection after each request; the test's transaction
    must outlive them, as Django's test client arranges for its own requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def lead_key(connection_kept, key, acmecoffee, acme_deals) -> str:
    fill(acmecoffee)
    fill(acme_deals)
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_it_answers_as_its_schema_says(case, lead_key) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {lead_key}"}, checks=CHECKS)
