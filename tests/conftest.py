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
def _verified_force_login(monkeypatch):
    """Reviewers and administrators must pass a second factor (issue 11). The suite's many
    `client.force_login(user)` calls (Django's and DRF's test clients, tests/api_client.py) sign
    them in as after a verified sign-in: a confirmed TOTP device and a session verified with it.
    `force_login(user, otp=False)` signs in with the password only, as the refusal tests need."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None, *, otp=True):
        original(self, user, backend)
        if otp:
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def verify_session(client, user):
    """Mark the test client's session verified with the user's TOTP device (made if missing),
    for users who need a second factor or have one; returns the device or None."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tracker.accounts.services import must_verify

    if not must_verify(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database rolls back between tests, the
    process's local-memory cache does not (the dashboard's numbers are cached there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _empty_queue_for_real_workers(request):
    """A test that runs a real worker starts from an empty queue: messages another run left in the
    shared broker (a benchmark's mails, an interrupted suite's tasks) are not this test's to wait
    behind (a worker once spent the whole minute of an import test on a benchmark's backlog)."""
    if request.node.get_closest_marker("celery_worker"):
        from config.celery import app

        app.control.purge()
