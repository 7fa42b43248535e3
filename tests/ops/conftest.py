"""Fixtures of the production tests: a submitted change and its people, committed for real (the
tests here talk to the database from other connections and other processes)."""

from __future__ import annotations

import socket

import pytest

from tests import factories as f
from tracker.workflow import services


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel's choice, not a guess)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def submitted_change(transactional_db):
    """A measure of the Ministry of Healthcare and a submitted change of its progress, by an
    editor (kk) for a reviewer (ru) of another organisation."""
    org = f.OrganizationFactory(code="MH")
    author = f.UserFactory(
        editor=True, organization=org, username="author", language="kk", email="author@example.kz"
    )
    reviewer = f.UserFactory(
        reviewer=True,
        organization=f.OrganizationFactory(code="MLSPP"),
        username="reviewer",
        language="ru",
        email="reviewer@example.kz",
    )
    measure = f.MeasureFactory(organizations=[org], progress=40)
    cr = services.change_request_create(by=author, target=measure, payload={"progress": 60})
    return {"author": author, "reviewer": reviewer, "measure": measure, "cr": cr}
