"""Fixtures for the editorial workflow: two ministries, their editors, a reviewer, a measure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests import factories as f
from tracker import tasks
from tracker.workflow import services


@pytest.fixture(autouse=True)
def queued(monkeypatch) -> list[int]:
    """The outbox rows handed to a worker (after commit), instead of filling the real broker with
    messages no test worker will consume."""
    calls: list[int] = []
    monkeypatch.setattr(tasks.deliver_notification, "delay", lambda pk: calls.append(pk))
    return calls


@pytest.fixture
def org_a(db):
    return f.OrganizationFactory(code="MH")


@pytest.fixture
def org_b(db):
    return f.OrganizationFactory(code="MES")


@pytest.fixture
def author(org_a):
    return f.UserFactory(editor=True, organization=org_a, username="author", language="kk")


@pytest.fixture
def colleague(org_a):
    return f.UserFactory(editor=True, organization=org_a, username="colleague")


@pytest.fixture
def outsider(org_b):
    return f.UserFactory(editor=True, organization=org_b, username="outsider")


@pytest.fixture
def reviewer(db):
    return f.UserFactory(
        reviewer=True,
        organization=f.OrganizationFactory(code="MLSPP"),
        username="reviewer",
        language="ru",
    )


@pytest.fixture
def administrator(db):
    return f.UserFactory(administrator=True, username="admin", language="en")


@pytest.fixture
def measure(org_a):
    return f.MeasureFactory(organizations=[org_a], progress=40)


@pytest.fixture
def propose(author) -> Callable[..., Any]:
    """A change request for `target` by `by` (default: the author), submitted unless told not."""

    def make(target, payload: dict, *, by=None, submit: bool = True, **kwargs):
        by = by or author
        cr = services.change_request_create(by=by, target=target, payload=payload, **kwargs)
        if submit:
            cr = services.change_request_submit(cr_id=cr.pk, by=by)
        return cr

    return make
