"""The open-data API against its own OpenAPI description (schemathesis): every operation, with generated and
hostile parameters, answers without a server error and as the description says (status codes, content type,
response bodies that match their schemas), with a published pledge and follow-up in the database."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from bra_portal.wsgi import application
from tests.councils.test_permissions import MATRIX
from tests.hostile.driver import HYPOTHESIS


def _check(operation):
    @hypothesis_settings(max_examples=10, **HYPOTHESIS)
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate()

    run()


@pytest.fixture
def wsgi_in_test_transaction():
    """Django closes the database connection when a request starts and ends; the test client switches that off,
    and so must a test that calls the WSGI application itself, or the test's transaction would be closed."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_every_operation_answers_as_the_openapi_description_says(world, db, wsgi_in_test_transaction):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every list and detail route of the matrix is described (the root and the description itself are not).
    routes = {name for name in MATRIX if name.startswith("api:")} - {"api:api-root", "api:schema"}
    assert len(operations) == len(routes), [operation.label for operation in operations]
    failures = []
    for operation in operations:
        try:
            _check(operation)
        except (Exception, BaseExceptionGroup) as error:  # Every operation is checked; all failures are reported.
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
