"""The database gives up on a lock after lock_timeout, and the person gets a clear, translated
503 "try again" with nothing saved, instead of a long hang or a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tracker.models import ChangeRequest, Measure, ReviewEvent
from tracker.workflow import services


def test_web_connections_carry_the_lock_and_statement_timeouts(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        assert cursor.fetchone()[0] == "1min"


@contextmanager
def row_locked_elsewhere(table: str, pk: int) -> Iterator[None]:
    """Another session holds a row lock on table.pk, as a long approval of the same record would."""
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608
            yield
    finally:
        other.rollback()
        other.close()


@pytest.fixture
def short_lock_timeout(transactional_db):
    """The configured 5 s, shortened for this connection so the test waits 0.3 s instead."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def unchanged(change: dict) -> bool:
    cr = ChangeRequest.objects.get(pk=change["cr"].pk)
    return (
        cr.status == "submitted"
        and Measure.objects.get(pk=change["measure"].pk).progress == 40
        and not ReviewEvent.objects.filter(change_request=cr, action="approved").exists()
    )


def test_an_approval_waiting_on_a_lock_gets_a_translated_503_and_saves_nothing(
    submitted_change, short_lock_timeout
):
    change = submitted_change
    services.change_request_submit(cr_id=change["cr"].pk, by=change["author"])
    client = APIClient()
    client.force_login(change["reviewer"])
    with row_locked_elsewhere("tracker_measure", change["measure"].pk):
        response = client.post(
            reverse("api:change-request-approve", args=[change["cr"].pk]),
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["detail"].startswith("База данных занята. Ничего не сохранено.")
    assert unchanged(change)
    # Once the other session let go, the same request succeeds.
    response = client.post(reverse("api:change-request-approve", args=[change["cr"].pk]))
    assert response.status_code == 200
    assert Measure.objects.get(pk=change["measure"].pk).progress == 60


def test_the_review_page_says_so_in_the_persons_language(submitted_change, short_lock_timeout):
    change = submitted_change
    services.change_request_submit(cr_id=change["cr"].pk, by=change["author"])
    client = APIClient()
    client.force_login(change["reviewer"])
    path = f"/kk/changes/{change['cr'].pk}/approve/"
    with row_locked_elsewhere("tracker_measure", change["measure"].pk):
        response = client.post(path, {"comment": ""})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Дерекқор" in html
    assert 'role="alert"' in html
    assert unchanged(change)


def test_other_database_errors_are_not_hidden_as_busy():
    from django.db import OperationalError

    from config.middleware import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(lambda request: None)
    assert middleware.process_exception(None, OperationalError("connection refused")) is None
    assert middleware.process_exception(None, ValueError("x")) is None


@pytest.fixture
def no_free_connection(transactional_db):
    """The web process's next connection is refused as when every slot is taken: a role with a
    connection limit of 0 (PostgreSQL's "too many connections", SQLSTATE 53300)."""
    role = f"{connection.settings_dict['NAME']}_full"
    admin = psycopg2.connect(**connection.get_connection_params())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
        cursor.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0')
    saved = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = role
    yield
    connection.close()
    connection.settings_dict["USER"] = saved
    with admin.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
    admin.close()


def test_no_free_connection_answers_503_not_500(no_free_connection):
    client = APIClient()
    page = client.get("/ru/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "База данных занята" in page.content.decode()
    api = client.get("/api/v1/articles/", HTTP_ACCEPT_LANGUAGE="kk")
    assert api.status_code == 503
    assert api.json()["detail"].startswith("Дерекқор бос емес.")
