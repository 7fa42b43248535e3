"""schemathesis against the project's own OpenAPI schema (drf-spectacular, /api/schema/), called
in-process through the WSGI application: generated requests to every read operation, anonymous
and with an API token, plus proposing change requests with a token (drafts only: a safe write).
No response may be a server error (5xx) or break the schema it is documented with.

Every case is counted; the last test holds the run to at least MIN_CASES in total, so that
narrowing the schema or the examples cannot quietly make this test say less."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from tests import factories as f
from tracker.organisations.tokens import token_create

MIN_CASES = 1000
EXAMPLES = 14  # per operation and kind of client: ~40 read operations × 14 × 2 ≥ 1,000
CHECKS = [not_a_server_error, response_schema_conformance]
COUNTED = {"cases": 0}

# Generated cases only (positive and negative), as many as max_examples says: schemathesis'
# boundary-value phase alone makes ~40 cases per operation, too slow for the suite.
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
reads = schema.include(method="GET")
proposals = schema.include(method="POST", path="/api/v1/change-requests/")

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure here is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _one_connection():
    """Django's handler closes the database connection around every request, which would end
    the test's transaction; its test client unhooks that too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(db):
    """A little of everything, so that some generated keys and filters find rows."""
    measure = f.MeasureFactory(key="m:09:001")
    f.CitationFactory()
    target = f.TargetFactory()
    obs = f.ObservationFactory(indicator=target.indicator, dims_key="region=akmola")
    obs.dimension_values.set([f.DimensionValueFactory()])
    f.DataFlagFactory(target=measure)
    return measure


@pytest.fixture
def token(records):
    editor = f.UserFactory(editor=True, organization=f.OrganizationFactory(code="MH"))
    f.ChangeRequestFactory(author=editor, submitted=True)
    return token_create(user=editor)[1]


def _run(case, **kwargs) -> None:
    COUNTED["cases"] += 1
    case.call_and_validate(checks=CHECKS, **kwargs)


@pytest.mark.django_db
@reads.parametrize()
@HYPOTHESIS
def test_reads_anonymous(case, records):
    _run(case)


@pytest.mark.django_db
@reads.parametrize()
@HYPOTHESIS
def test_reads_with_a_token(case, token):
    _run(case, headers={"Authorization": f"Token {token}"})


@pytest.mark.django_db
@proposals.parametrize()
@settings(HYPOTHESIS, max_examples=50)
def test_proposals_with_a_token(case, token):
    _run(case, headers={"Authorization": f"Token {token}"})


def test_enough_cases_were_generated():
    assert COUNTED["cases"] >= MIN_CASES, COUNTED
