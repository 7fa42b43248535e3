import pytest

from tests import factories


@pytest.fixture
def editor(db):
    return factories.UserFactory(editor=True, organization=factories.OrganizationFactory(code="MH"))


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(
        reviewer=True, organization=factories.OrganizationFactory(code="MLSPP")
    )


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def api():
    """An anonymous API client."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database rolls back between tests, the
    process's local-memory cache does not (the dashboard's numbers are cached there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
